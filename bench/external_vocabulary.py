"""Regenerate ``kg/extract/patterns/external.jsonl``: entity names that come from outside the gold data.

The names are read from the source of installed ML packages (parsed with ``ast``, never imported, so
neither torch nor a model hub is needed), each row naming the package, its version and the table it came
from:

- Method: Hugging Face ``transformers`` ``MODEL_NAMES_MAPPING`` (the display names of the model families,
  written as papers write them: "RoBERTa", "DeBERTa-v2", "Swin Transformer"; transformers 5 dropped the
  table, so use a 4.x release);
- Dataset: ``torchvision.datasets.__all__`` (the dataset classes: "CIFAR10" also as "CIFAR-10",
  "VOCSegmentation" as "VOC", "Kitti" also as "KITTI").

Install them in a scratch venv, not in kg's dependencies, and point this script at its site-packages:

    python3 -m venv /tmp/extvoc && /tmp/extvoc/bin/pip install --no-deps "transformers==4.57.1" torchvision
    python bench/external_vocabulary.py --site-packages /tmp/extvoc/lib/python3.11/site-packages

Only names in the casing papers write are kept (no snake_case, no code class names such as
"CLIPVisionModel"), matched case-sensitively and without plural variants; a name the curated pattern
files already list (under any type, any case) is left to them.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
from importlib.metadata import PathDistribution
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "kg" / "extract" / "patterns" / "external.jsonl"
CURATED = ("methods.jsonl", "datasets.jsonl", "hardware.jsonl", "metrics.jsonl", "tasks.jsonl", "ambiguous.jsonl",
           "stop.jsonl")

# code names, not paper names: sub-model classes and wrappers
_CODE_SUFFIXES = ("Model", "Config", "Encoder", "Backbone", "ForConditionalGeneration", "ForCausalLM",
                  "VisionTransformer", "Wrapper", "WithHifiGan", "Text", "Vision", "Audio", "Video", "Hybrid")
_TORCHVISION_SUFFIXES = ("Segmentation", "Detection", "Classification", "Captions", "Stereo", "Flow", "People",
                         "Pairs")
_TORCHVISION_SKIP = {"ImageFolder", "DatasetFolder", "FakeData", "VisionDataset", "LSUNClass", "SBDataset",
                     "PhotoTour", "RenderedSST2", "MovingMNIST"}


def _version(site_packages: Path, name: str) -> str:
    for info in site_packages.glob(f"{name}-*.dist-info"):
        return PathDistribution(info).version
    raise SystemExit(f"{site_packages}: {name} is not installed there")


def _assigned(path: Path, name: str) -> ast.AST:
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return node.value
    raise SystemExit(f"{path}: no assignment to {name} (a transformers 4.x release has MODEL_NAMES_MAPPING)")


def paper_cased(name: str) -> bool:
    """A name as papers write it: letters with a capital, no underscores, not a code class name."""
    if "_" in name or not re.search(r"[A-Z]", name) or len(name) < 2:
        return False
    if name.isalpha() and name.isupper() and len(name) <= 4:
        return False  # "LED", "GIT", "ALIGN"-like short capitals are words or other acronyms as often as models
    if any(w[:1].islower() for w in name.split()[1:]):
        return False  # "Encoder decoder", "Bert Generation" are code descriptions
    # one camel-case word ending in a code suffix ("Gemma3ForCausalLM", "AriaText") is a class, not a name
    return not (" " not in name and name.endswith(_CODE_SUFFIXES) and re.search(r"[a-z0-9][A-Z]", name))


def transformers_names(site_packages: Path) -> list[tuple[str, str]]:
    path = site_packages / "transformers" / "models" / "auto" / "configuration_auto.py"
    value = _assigned(path, "MODEL_NAMES_MAPPING")
    pairs = ast.literal_eval(value.args[0])
    names = []
    for _, display in pairs:
        for form in (display, display.removeprefix("OpenAI ")):
            if paper_cased(form):
                names.append(form)
    source = f"transformers {_version(site_packages, 'transformers')} MODEL_NAMES_MAPPING"
    return [(name, source) for name in dict.fromkeys(names)]


def _dataset_forms(name: str) -> list[str]:
    for suffix in _TORCHVISION_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            name = name[: -len(suffix)]
            break
    forms = [name]
    hyphenated = re.sub(r"(?<=[A-Za-z])(?=\d+$)", "-", name)  # "CIFAR10" is written "CIFAR-10"
    if hyphenated != name:
        forms.append(hyphenated)
    if name[:1].isupper() and name[1:].islower():
        forms.append(name.upper())  # "Kitti" is written "KITTI"
    return [f for f in forms if paper_cased(f)]


def torchvision_names(site_packages: Path) -> list[tuple[str, str]]:
    path = site_packages / "torchvision" / "datasets" / "__init__.py"
    names = []
    for name in ast.literal_eval(_assigned(path, "__all__")):
        if name in _TORCHVISION_SKIP or not name[:1].isupper():
            continue
        names.extend(_dataset_forms(name))
    source = f"torchvision {_version(site_packages, 'torchvision')} datasets.__all__"
    return [(name, source) for name in dict.fromkeys(names)]


def curated_names() -> set[str]:
    names = set()
    for file_name in CURATED:
        for line in (OUTPUT.parent / file_name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                if isinstance(row.get("pattern"), str):
                    names.add(row["pattern"].lower())
    return names


def generate(site_packages: Path) -> list[dict[str, object]]:
    taken = curated_names()
    rows = []
    for label, found in (("Method", transformers_names(site_packages)), ("Dataset", torchvision_names(site_packages))):
        for name, source in found:
            if name.lower() in taken:
                continue
            taken.add(name.lower())
            rows.append({"label": label, "pattern": name, "case": True, "exact_form": True, "source": source})
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site-packages", type=Path, required=True,
                        help="site-packages of a scratch venv with transformers 4.x and torchvision")
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    rows = generate(args.site_packages)
    args.output.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    counts = {label: sum(1 for r in rows if r["label"] == label) for label in ("Method", "Dataset")}
    print(f"{args.output}: {len(rows)} names {counts}")


if __name__ == "__main__":
    main()
