"""Regenerate ``kg/extract/patterns/external.jsonl``: entity names that come from outside the gold data.

The names are read from the source of installed ML packages (parsed with ``ast``, never imported, so
neither torch nor a model hub is needed) and from two data packages, each row naming the package, its version
and the table it came from (``"source"``):

- Method:
  - ``transformers`` ``MODEL_NAMES_MAPPING`` (model families as papers write them: "RoBERTa", "Swin
    Transformer"; transformers 5 dropped the table, so use a 4.x release) and its optimizer classes
    (``optimization.py``: "Adafactor");
  - ``scikit-learn`` estimator classes (``__all__`` of its modules, classes that derive from ``BaseEstimator``),
    turned into the phrases papers write by :data:`CAMEL_RULES` ("LogisticRegression" -> "logistic regression",
    "KMeans" -> "k-means", "RandomForestClassifier" -> "random forest", "GaussianNB" -> "Gaussian naive Bayes");
  - ``keras`` optimizers ("Adam", "AdamW", "RMSprop", "Nadam") and the layer families papers name (``keras.layers``
    classes whose last word is in :data:`KERAS_LAYER_FAMILIES`: "LSTM", "batch normalization", "multi-head
    attention"); torch itself is too heavy to install for ``torch.optim``/``torch.nn``, keras has the same tables;
  - ``transformers`` ``GenerationMode`` search strategies ("beam_search" -> "beam search");
  - ``pytorch_optimizer`` ``OPTIMIZER_LIST`` ("AdaBelief", "Shampoo", "Prodigy") and its losses ("FocalLoss" ->
    "focal loss"); ``optuna`` samplers ("TPESampler" -> "TPE");
  - ``peft`` ``PeftType`` ("PREFIX_TUNING" -> "prefix tuning"), ``trl`` trainers ("DPOTrainer" -> "DPO"),
    ``stable-baselines3`` and ``sb3-contrib`` algorithms ("PPO", "TD3", "TRPO"), ``torch_geometric`` convolution layers and models
    ("GATConv" -> "GAT", "GraphSAGE"), ``diffusers`` schedulers and pipelines ("DDIMScheduler" -> "DDIM",
    "StableDiffusionXLPipeline" -> "Stable Diffusion XL").
- Metric: ``torchmetrics`` classes (acronym class names: "AUROC"; CamelCase ones as lower-case phrases:
  "WordErrorRate" -> "word error rate") and the names in the first line of their docstrings (the linked
  name and the acronym in brackets: "`Peak Signal-to-Noise Ratio`_ (PSNR)").
- Dataset: ``torchvision.datasets.__all__`` ("CIFAR10" also as "CIFAR-10", "Kitti" also as "KITTI"),
  ``torchaudio.datasets`` (the paper casing its docstrings give: "*LibriSpeech*"), ``torchtext.datasets``
  ("WikiText103" -> "WikiText-103"), ``torch_geometric.datasets`` (class names and the quoted dataset names
  of their docstrings: ``:obj:`"CiteSeer"```) and ``gymnasium``'s registered environments ("HalfCheetah-v5" ->
  "HalfCheetah"; simulators and benchmark suites are Datasets in the gold guideline) and ``lm-eval``'s benchmark
  families (the first heading of each ``lm_eval/tasks/*/README.md``: "Belebele", "MGSM", "LongBench v2").
- Task: the npm package ``@huggingface/tasks`` (``src/pipelines.ts`` ``PIPELINE_DATA``: the pipeline types'
  display names and their subtasks', lower-cased: "Automatic Speech Recognition" -> "automatic speech
  recognition").
- Hardware: the GPU SKUs of ``@huggingface/tasks`` (``src/hardware-*.ts``: "A100", "RTX 3090", "MI250").

Every outside name is listed, also those the curated pattern files already list (so that
``kg.evaluate.unseen`` knows them as outside names); at load time the vocabulary component skips an
``external.jsonl`` row whose name a curated row names (any case, any type): the curated row wins.

General filters (no per-name lists): a name needs 3 characters; a one-word name that is a common English word
(a lower-case entry of Debian's ``wamerican`` word list, or a ``stop.jsonl`` non-entity) is dropped unless it is
written in capitals ("Dropout", "Attention", "Accuracy" go; "GRU", "SAC" stay); a phrase ending in the plural of
such a word ("nearest neighbors", from scikit-learn's ``NearestNeighbors``) names what a tool finds, not a method,
and is dropped; a name two outside sources give two types is dropped. Capitalised names match their case exactly and without variants; lower-case phrases match
case-insensitively with the vocabulary's plural and hyphen variants.

Reproduce (scratch venv, never kg's dependencies):

    python3 -m venv /tmp/extvoc && /tmp/extvoc/bin/pip install --no-deps "transformers==4.57.1" torchvision \\
        torchaudio torchtext scikit-learn keras pytorch_optimizer optuna peft trl stable-baselines3 sb3-contrib \\
        torch_geometric diffusers torchmetrics gymnasium lm-eval
    (cd /tmp && npm pack @huggingface/tasks && tar xzf huggingface-tasks-*.tgz)          # -> /tmp/package
    (cd /tmp && apt-get download wamerican && dpkg -x wamerican_*.deb /tmp/wamerican)
    python bench/external_vocabulary.py --site-packages /tmp/extvoc/lib/python3.11/site-packages \\
        --hf-tasks /tmp/package --words /tmp/wamerican/usr/share/dict/american-english

``--sources`` picks a subset (by the names in :data:`SOURCES`) to measure one source's effect.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.metadata import PathDistribution
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "kg" / "extract" / "patterns" / "external.jsonl"
LABELS = ("Method", "Dataset", "Metric", "Task", "Hardware")
MIN_LENGTH = 3

# -- conversion rules (data) ---------------------------------------------------------------------------------
# code names, not paper names: sub-model classes and wrappers (transformers)
_CODE_SUFFIXES = ("Model", "Config", "Encoder", "Backbone", "ForConditionalGeneration", "ForCausalLM",
                  "VisionTransformer", "Wrapper", "WithHifiGan", "Text", "Vision", "Audio", "Video", "Hybrid")
_TORCHVISION_SUFFIXES = ("Segmentation", "Detection", "Classification", "Captions", "Stereo", "Flow", "People",
                         "Pairs")
_TORCHVISION_SKIP = {"ImageFolder", "DatasetFolder", "FakeData", "VisionDataset", "LSUNClass", "SBDataset",
                     "PhotoTour", "RenderedSST2", "MovingMNIST"}


@dataclass(frozen=True)
class CamelRules:
    """How a CamelCase class name becomes the phrase papers write (applied in this order)."""

    drop_suffixes: tuple[str, ...]  # a class ending so is a tool, not a method ("StandardScaler", "GridSearchCV")
    drop_prefixes: tuple[str, ...]  # a class starting so is plumbing ("BaseEnsemble", "MultiOutputRegressor")
    strip_suffixes: tuple[str, ...]  # task or code suffixes dropped ("RandomForestClassifier" -> "RandomForest")
    expand: dict[str, str]  # abbreviation words (or word pairs) spelt out ("NB" -> "naive Bayes")
    hyphen_prefixes: tuple[str, ...]  # a first word joined to the next by a hyphen ("Multi Head" -> "multi-head")


CAMEL_RULES = CamelRules(
    drop_suffixes=("Scaler", "Encoder", "Imputer", "Binarizer", "Vectorizer", "Transformer", "Display", "Warning",
                   "SearchCV", "Selector", "Selection", "Split", "Fold", "Out", "Centerer", "Discretizer",
                   "Hasher", "Extractor", "Union", "Pipeline", "Chain", "Mixin", "Tags", "Error", "Tree",
                   "Features", "Indicator", "Normalizer", "Estimator", "Callback", "Envelope", "Coder",
                   "Agglomeration", "Embedding", "Projection", "Approximation", "Sampler", "Grid", "Wrapper",
                   "Layer", "Cell", "Metric", "Collection", "Tracker", "Backend", "Aggregator", "Mean", "Sum",
                   "Curve", "Matrix", "Scores", "Dataset", "Select", "Search", "Memory", "Predictor", "Decoder",
                   "Strapper"),
    drop_prefixes=("Base", "Multi Output", "One Vs", "Output Code", "Self Training", "Fixed Threshold",
                   "Tuned Threshold", "Transformed Target", "Stacking", "Voting", "Column", "Frozen", "Sparse Coder",
                   "Binary", "Multiclass", "Multilabel", "Running", "Retrieval", "Loss Scale", "Schedule Free",
                   "Cu Graph", "Fused", "Fast"),
    strip_suffixes=("Classifier", "Regressor", "Regression CV", "CV", "IC", "Score", "Conv", "Scheduler",
                    "Pipeline", "Trainer"),
    expand={"NB": "naive Bayes", "SVC": "SVM", "K Neighbors": "k-nearest neighbors"},
    hyphen_prefixes=("Multi", "Semi", "Self", "Cross", "Mini", "Non", "Pre", "Re"),
)
# keras.layers classes papers name as methods: the family is the class name's last word
KERAS_LAYER_FAMILIES = ("Normalization", "Attention", "LSTM", "GRU", "RNN", "ReLU", "ELU", "Pooling")
_CAMEL_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z][a-z]+|[A-Z]+\d*[a-z]?(?![a-z])|[a-z]+|\d+[A-Za-z]?")


def camel_words(name: str) -> list[str]:
    """"LogisticRegressionCV" -> ["Logistic", "Regression", "CV"]; "GATv2Conv" -> ["GATv2", "Conv"]."""
    words = _CAMEL_WORD.findall(name)
    merged: list[str] = []
    for word in words:
        # "v2" after an acronym belongs to it ("GATv2"); digits after a word too ("GCN2" stays one word)
        if merged and (re.fullmatch(r"v\d+|\d+[A-Za-z]?", word) and merged[-1][-1:].isupper()):
            merged[-1] += word
        else:
            merged.append(word)
    return merged


def acronym(word: str) -> bool:
    """A word written with two or more capitals and no run of three lower-case letters, or a capital then digits
    ("PCA", "SVM", "GATv2", "ReLU", "SQuAD", "A2C"; not "MessagePassing", "GraphSAGE")."""
    if re.search(r"[a-z]{3}", word):
        return False
    return sum(c.isupper() for c in word) >= 2 or bool(re.fullmatch(r"[A-Z]\w*\d\w*", word))


def camel_phrase(name: str, rules: CamelRules = CAMEL_RULES) -> str | None:
    """The phrase papers write for a class name, or None for a tool or plumbing class (see :class:`CamelRules`).
    Acronym words keep their case, other words are lower-cased; a single capital letter before a word is joined
    to it by a hyphen ("KMeans" -> "k-means")."""
    words = camel_words(name)
    text = " ".join(words)
    if not words or any(name.endswith(s.replace(" ", "")) for s in rules.drop_suffixes) \
            or any(text.startswith(p + " ") or text == p for p in rules.drop_prefixes):
        return None
    changed = True
    while changed and len(words) > 1:
        changed = False
        for suffix in rules.strip_suffixes:
            parts = suffix.split(" ")
            if words[-len(parts):] == parts and len(words) > len(parts):
                words = words[: -len(parts)]
                changed = True
    if len(words) == 1 and len(camel_words(name)) > 1 and not acronym(words[0]):
        return None  # a suffix stripped to one plain word ("HuberRegressor" -> "huber") is an adjective, not a name
    text = " ".join(words)
    for short, long in rules.expand.items():
        text = re.sub(rf"(?<!\S){re.escape(short)}(?!\S)", lambda _, long=long: long.replace(" ", "\x00"), text)
    words = [w.replace("\x00", " ") for w in text.split(" ")]
    out: list[str] = []
    for i, word in enumerate(words):
        if len(word) == 1 and word.isupper() and i + 1 < len(words):
            out.append(word.lower() + "-")  # "K Means" -> "k-means"
            continue
        if out and out[-1].endswith("-"):
            out[-1] += word if acronym(word) else word.lower()
            continue
        if i == 0 and word in rules.hyphen_prefixes and i + 1 < len(words):
            out.append(word.lower() + "-")
            continue
        out.append(word if acronym(word) or " " in word else word.lower())
    return " ".join(out)


def lower_phrase(text: str) -> str:
    """A display name as papers write it in running text: acronym words keep their case, others are lower-cased
    ("Automatic Speech Recognition" -> "automatic speech recognition", "Peak Signal-to-Noise Ratio" ->
    "peak signal-to-noise ratio", "ROC AUC" stays)."""
    words = []
    for word in text.split():
        parts = word.split("-")
        words.append("-".join(p if acronym(p) else p.lower() for p in parts))
    return " ".join(words)


# -- filters ---------------------------------------------------------------------------------------------------
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


@dataclass
class Filter:
    """The general filters of the module docstring."""

    english: frozenset[str]  # lower-case common English words
    stop: frozenset[str]  # lower-cased stop.jsonl phrases (known non-entities)

    def keep(self, name: str) -> bool:
        name = name.strip()
        if len(name) < MIN_LENGTH or name.lower() in self.stop:
            return False
        if " " not in name:
            bare = name.lower()
            if bare in self.english or bare.replace("-", "") in self.english:
                return False  # "Dropout", "attention", "Accuracy": common words, not names
        elif self.plural_head(name):
            return False  # "nearest neighbors" (NearestNeighbors): the things a tool returns, not a method
        return True

    def plural_head(self, name: str) -> bool:
        """Whether a phrase ends in the plural of a common English noun written in lower case ("nearest
        neighbors", "radius neighbors", "extra trees"): a class named so stands for what it finds or holds, and a
        method of that name is matched anyway through a curated row ("k-nearest neighbors") or its singular class's
        row, whose plural the vocabulary matches too ("extra tree")."""
        last = name.split(" ")[-1]
        return last.isalpha() and last.islower() and last.endswith("s") and not last.endswith("ss") \
            and last[:-1] in self.english


def english_words(path: Path | None) -> frozenset[str]:
    """The entries of a word list (``/usr/share/dict/american-english``), lower-cased: common words and proper
    nouns ("shampoo", "alice"; names such as "Adam" that a curated file lists win there anyway)."""
    if path is None:
        return frozenset()
    words = path.read_text(encoding="utf-8", errors="replace").split()
    return frozenset(w.lower() for w in words if "'" not in w)


def stop_names() -> frozenset[str]:
    rows = [json.loads(line) for line in (OUTPUT.parent / "stop.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    return frozenset(row["pattern"].lower() for row in rows if isinstance(row.get("pattern"), str))


# -- package tables ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Name:
    label: str
    pattern: str
    source: str
    case: bool  # match the exact case (capitalised names); lower-case phrases match any case with variants


def _version(site_packages: Path, name: str) -> str:
    for info in sorted(site_packages.glob(f"{name}-*.dist-info")):
        return PathDistribution(info).version
    raise SystemExit(f"{site_packages}: {name} is not installed there")


def _module(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def _assigned_any(path: Path, name: str) -> ast.AST:
    """The value assigned to *name* (``x = ...`` or ``x: T = ...``) at the top of *path*."""
    for node in _module(path).body:
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", None) == name:
            return node.value
    return _assigned(path, name)


def _assigned(path: Path, name: str) -> ast.AST:
    for node in _module(path).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return node.value
    raise SystemExit(f"{path}: no assignment to {name}")


def _string_list(node: ast.AST) -> list[str]:
    """The strings of a list literal, or of a sum of list literals (``a + b`` of names assigned lists)."""
    return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def _named(label: str, pattern: str, source: str) -> Name:
    """A name, matched exactly when it is one word with a capital ("SVM", "Adafactor"), case-insensitively (with
    the plural and hyphen variants) when it is a phrase ("k-means", "Gaussian naive Bayes", "ROC AUC")."""
    return Name(label, pattern, source, case=" " not in pattern and pattern != pattern.lower())


def transformers_names(site_packages: Path) -> Iterator[Name]:
    version = _version(site_packages, "transformers")
    path = site_packages / "transformers" / "models" / "auto" / "configuration_auto.py"
    pairs = ast.literal_eval(_assigned(path, "MODEL_NAMES_MAPPING").args[0])
    source = f"transformers {version} MODEL_NAMES_MAPPING"
    for _, display in pairs:
        for form in (display, display.removeprefix("OpenAI ")):
            if paper_cased(form):
                yield Name("Method", form, source, case=True)
    source = f"transformers {version} generation GenerationMode (search strategies)"
    for node in _module(site_packages / "transformers" / "generation" / "configuration_utils.py").body:
        if isinstance(node, ast.ClassDef) and node.name == "GenerationMode":
            for item in node.body:
                if isinstance(item, ast.Assign) and isinstance(item.value, ast.Constant):
                    words = item.value.value.split("_")
                    if len(words) > 1 and words[-1] == "search":  # "beam_search" -> "beam search"
                        yield Name("Method", " ".join(words), source, case=False)
    source = f"transformers {version} optimization.py optimizer classes"
    for node in _module(site_packages / "transformers" / "optimization.py").body:
        if isinstance(node, ast.ClassDef) and any(getattr(b, "id", getattr(b, "attr", "")) == "Optimizer"
                                                  for b in node.bases):
            yield Name("Method", node.name, source, case=True)


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


def torchvision_names(site_packages: Path) -> Iterator[Name]:
    path = site_packages / "torchvision" / "datasets" / "__init__.py"
    source = f"torchvision {_version(site_packages, 'torchvision')} datasets.__all__"
    for name in ast.literal_eval(_assigned(path, "__all__")):
        if name in _TORCHVISION_SKIP or not name[:1].isupper():
            continue
        for form in _dataset_forms(name):
            yield Name("Dataset", form, source, case=True)


def _classes(root: Path) -> dict[str, tuple[list[str], str]]:
    """Every top-level class under *root* (tests and private modules left out): name -> (base names, docstring)."""
    classes = {}
    for path in sorted(root.rglob("*.py")):
        if "tests" in path.parts or "functional" in path.parts:
            continue
        try:
            module = _module(path)
        except SyntaxError:
            continue
        for node in module.body:
            if isinstance(node, ast.ClassDef):
                bases = [getattr(b, "id", getattr(b, "attr", "")) for b in node.bases]
                classes.setdefault(node.name, (bases, ast.get_docstring(node) or ""))
    return classes


def _public(root: Path) -> set[str]:
    """The names in the ``__all__`` lists under *root*."""
    names = set()
    for path in sorted(root.rglob("*.py")):
        if "tests" in path.parts:
            continue
        try:
            module = _module(path)
        except SyntaxError:
            continue
        for node in module.body:
            if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
                names.update(_string_list(node.value))
    return names


def _derives(classes: dict[str, tuple[list[str], str]], name: str, root_class: str, seen: frozenset = frozenset()) -> bool:
    bases = classes.get(name, ([], ""))[0]
    return root_class in bases or any(b not in seen and _derives(classes, b, root_class, seen | {name}) for b in bases)


def sklearn_names(site_packages: Path) -> Iterator[Name]:
    root = site_packages / "sklearn"
    classes, public = _classes(root), _public(root)
    source = f"scikit-learn {_version(site_packages, 'scikit_learn')} estimator classes (__all__, BaseEstimator)"
    for name in sorted(public):
        if name in classes and _derives(classes, name, "BaseEstimator"):
            phrase = camel_phrase(name)
            if phrase:
                yield _named("Method", phrase, source)


def _reexports(path: Path) -> list[str]:
    """The names an ``__init__.py`` re-exports (``from x import Y as Y``)."""
    return [alias.asname or alias.name for node in _module(path).body if isinstance(node, ast.ImportFrom)
            for alias in node.names]


def keras_names(site_packages: Path) -> Iterator[Name]:
    version = _version(site_packages, "keras")
    source = f"keras {version} keras.optimizers"
    for name in _reexports(site_packages / "keras" / "optimizers" / "__init__.py"):
        if name[:1].isupper() and not name.startswith(("Optimizer", "LossScale", "Multi", "Schedule")):
            yield Name("Method", name, source, case=True)
    source = f"keras {version} keras.layers (families papers name: {', '.join(KERAS_LAYER_FAMILIES)})"
    for name in _reexports(site_packages / "keras" / "layers" / "__init__.py"):
        words = camel_words(name)
        if words and words[-1] in KERAS_LAYER_FAMILIES and not re.search(r"\d+D$", name):
            if len(words) == 1 or acronym(name) and len(words) <= 2 and words[-1] in ("ReLU", "ELU", "LSTM", "GRU"):
                yield Name("Method", name, source, case=True)  # "LSTM", "PReLU"
            phrase = camel_phrase(name)
            if phrase and phrase != name:
                yield _named("Method", phrase, source)  # "batch normalization", "multi-head attention"


def pytorch_optimizer_names(site_packages: Path) -> Iterator[Name]:
    version = _version(site_packages, "pytorch_optimizer")
    root = site_packages / "pytorch_optimizer"
    source = f"pytorch_optimizer {version} optimizer.OPTIMIZER_LIST"
    for node in ast.walk(_assigned_any(root / "optimizer" / "__init__.py", "OPTIMIZER_LIST")):
        if isinstance(node, ast.Name) and node.id[:1].isupper():
            yield Name("Method", node.id, source, case=True)  # "AdaBelief", "Shampoo", "RAdam", "Prodigy"
    source = f"pytorch_optimizer {version} loss.__all__"
    for name in _string_list(_assigned(root / "loss" / "__init__.py", "__all__")):
        if name.endswith("Loss") and name[:1].isupper():
            phrase = camel_phrase(name)
            if phrase and " " in phrase:
                yield _named("Method", phrase, source)  # "FocalLoss" -> "focal loss"


def optuna_names(site_packages: Path) -> Iterator[Name]:
    version = _version(site_packages, "optuna")
    text = (site_packages / "optuna" / "samplers" / "__init__.py").read_text(encoding="utf-8")
    source = f"optuna {version} samplers"
    for stem in sorted(set(re.findall(r"\b([A-Z][A-Za-z]*)Sampler\b", text))):
        if acronym(stem):
            yield Name("Method", stem, source, case=True)  # "TPE", "QMC", "NSGAII"


def peft_names(site_packages: Path) -> Iterator[Name]:
    path = site_packages / "peft" / "utils" / "peft_types.py"
    source = f"peft {_version(site_packages, 'peft')} PeftType"
    for node in _module(path).body:
        if isinstance(node, ast.ClassDef) and node.name == "PeftType":
            for item in node.body:
                if isinstance(item, ast.Assign) and isinstance(item.value, ast.Constant):
                    words = item.value.value.lower().split("_")
                    if len(words) > 1 and words[-1] == "tuning":  # "PREFIX_TUNING" -> "prefix tuning"
                        phrase = " ".join(words) if len(words[0]) > 1 else words[0] + "-" + " ".join(words[1:])
                        yield Name("Method", phrase, source, case=False)


def trl_names(site_packages: Path) -> Iterator[Name]:
    source = f"trl {_version(site_packages, 'trl')} trainers (__init__ _import_structure)"
    text = (site_packages / "trl" / "__init__.py").read_text(encoding="utf-8")
    for name in sorted(set(re.findall(r'"([A-Z][A-Za-z0-9]*)Trainer"', text))):
        if acronym(name):
            yield Name("Method", name, source, case=True)  # "DPO", "GRPO", "KTO"


def sb3_names(site_packages: Path) -> Iterator[Name]:
    for package, distribution in (("stable_baselines3", "stable_baselines3"), ("sb3_contrib", "sb3_contrib")):
        source = f"{distribution.replace('_', '-')} {_version(site_packages, distribution)} __all__"
        for name in ast.literal_eval(_assigned(site_packages / package / "__init__.py", "__all__")):
            if re.fullmatch(r"[A-Z][A-Z0-9]+", name):
                yield Name("Method", name, source, case=True)  # "PPO", "TD3", "TRPO", "QRDQN"


_MODEL_NAME = re.compile(r"[A-Z]{2}|\d|(?:Net|Former|GNN|GCN)$")  # "GraphSAGE", "Node2Vec", "SchNet", "LightGCN"


def pyg_names(site_packages: Path) -> Iterator[Name]:
    version = _version(site_packages, "torch_geometric")
    root = site_packages / "torch_geometric"
    for table in ("nn/conv", "nn/models"):
        source = f"torch_geometric {version} {table.replace('/', '.')}.__all__"
        for name in _string_list(_assigned(root / table / "__init__.py", "__all__")):
            if name.endswith("Conv") and len(name) > 4:
                stem = name[:-4]
                if acronym(stem) and not stem.startswith(("Cu", "Fused", "Fast")):
                    yield Name("Method", stem, source, case=True)  # "GATConv" -> "GAT", "GATv2Conv" -> "GATv2"
            elif _MODEL_NAME.search(name) and paper_cased(name) and camel_phrase(name):
                yield Name("Method", name, source, case=True)  # "GraphSAGE", "SchNet", "Node2Vec"


def diffusers_names(site_packages: Path) -> Iterator[Name]:
    version = _version(site_packages, "diffusers")
    text = (site_packages / "diffusers" / "__init__.py").read_text(encoding="utf-8")
    source = f"diffusers {version} schedulers"
    for stem in sorted(set(re.findall(r'"([A-Z][A-Za-z0-9]*)Scheduler"', text))):
        if acronym(stem) and re.fullmatch(r"[A-Z0-9]+", stem):
            yield Name("Method", stem, source, case=True)  # "DDIM", "DDPM", "PNDM"
    source = f"diffusers {version} pipelines"
    for stem in sorted(set(re.findall(r'"([A-Z][A-Za-z0-9]*)Pipeline"', text))):
        words = camel_words(stem)
        # a model family's pipeline: two capitalised words ("StableDiffusion" -> "Stable Diffusion"); task
        # pipelines ("StableDiffusionImg2Img") and code-split names ("HunyuanDiT") are left out
        if len(words) == 2 and all(re.fullmatch(r"[A-Z][a-z]{3,}", w) for w in words):
            yield Name("Method", " ".join(words), source, case=True)


_LINKED = re.compile(r"`([^`<]+?)`_")
_DEFINED = re.compile(r"`?([A-Za-z][^`()]*?)`?_?\s*\(`?([A-Za-z][^`()]*?)`?_?\)")
_VERBS = re.compile(r"^(?:(?:computes?|calculates?|implements?)\s+)?(?:the\s+)?", re.I)


def torchmetrics_names(site_packages: Path) -> Iterator[Name]:
    root = site_packages / "torchmetrics"
    classes, public = _classes(root), _public(root)
    version = _version(site_packages, "torchmetrics")
    for name in sorted(public):
        if name not in classes or not _derives(classes, name, "Metric"):
            continue
        source = f"torchmetrics {version} metric classes"
        if re.fullmatch(r"[A-Z0-9]+", name):
            yield Name("Metric", name, source, case=True)  # "AUROC", "EER" (CamelCase class names are code)
        source = f"torchmetrics {version} metric class docstrings (first line)"
        first = _VERBS.sub("", classes[name][1].split("\n")[0])
        for linked in _LINKED.findall(first):
            linked = _VERBS.sub("", linked).split(" (")[0].strip()
            if (2 <= len(linked.split()) <= 5 or acronym(linked)) and " based on " not in linked:
                yield _named("Metric", lower_phrase(linked), source)
        defined = _DEFINED.match(first)  # "Peak Signal-to-Noise Ratio`_ (PSNR)": the line opens with the definition
        if defined:
            long, short = _VERBS.sub("", defined.group(1).strip()), defined.group(2).strip()
            if 2 <= len(long.split()) <= 8:
                yield _named("Metric", lower_phrase(long), source)
            if acronym(short) or re.fullmatch(r"[A-Z]+(?:[\s\-][A-Z]+)+", short):
                yield Name("Metric", short, source, case=True)  # "PSNR", "SI-SDR", "mAP", "ROC AUC"


def _docstring_datasets(classes: dict[str, tuple[list[str], str]], name: str) -> list[str]:
    """Dataset names the first paragraph of a dataset class's docstring writes: ``*LibriSpeech*`` (torchaudio),
    ``:obj:`"CiteSeer"``` (torch_geometric)."""
    first = classes.get(name, ([], ""))[1].split("\n\n")[0]
    return re.findall(r'^\*([A-Z][\w\-]+)\*', first) + re.findall(r':obj:`"([A-Z][\w\-]*)"`', first)


def _docstring_dataset_names(classes: dict[str, tuple[list[str], str]], name: str, source: str) -> Iterator[Name]:
    """The paper-cased dataset names the docstring of class *name* gives, as Dataset rows of *source*."""
    for form in _docstring_datasets(classes, name):
        if paper_cased(form):
            yield Name("Dataset", form, source, case=True)


def torchaudio_names(site_packages: Path) -> Iterator[Name]:
    root = site_packages / "torchaudio" / "datasets"
    classes = _classes(root)
    source = f"torchaudio {_version(site_packages, 'torchaudio')} datasets (docstring names)"
    for name in ast.literal_eval(_assigned(root / "__init__.py", "__all__")):
        yield from _docstring_dataset_names(classes, name, source)


def torchtext_names(site_packages: Path) -> Iterator[Name]:
    text = (site_packages / "torchtext" / "datasets" / "__init__.py").read_text(encoding="utf-8")
    source = f"torchtext {_version(site_packages, 'torchtext')} datasets.DATASETS"
    for name in re.findall(r'^\s+"([A-Za-z0-9_]+)":', text, re.M):
        for form in _dataset_forms(name.replace("_", " ")):
            yield Name("Dataset", form, source, case=True)


def pyg_dataset_names(site_packages: Path) -> Iterator[Name]:
    root = site_packages / "torch_geometric" / "datasets"
    classes = _classes(root)
    source = f"torch_geometric {_version(site_packages, 'torch_geometric')} datasets (__all__, docstring names)"
    for name in _string_list(_assigned(root / "__init__.py", "homo_datasets")):
        if not name.endswith("Dataset") and paper_cased(name):
            yield Name("Dataset", name, source, case=True)
        yield from _docstring_dataset_names(classes, name, source)


def gymnasium_names(site_packages: Path) -> Iterator[Name]:
    text = (site_packages / "gymnasium" / "envs" / "__init__.py").read_text(encoding="utf-8")
    source = f"gymnasium {_version(site_packages, 'gymnasium')} envs registered ids"
    for env in re.findall(r'\bid="([A-Za-z0-9]+)-v\d+"', text):
        if paper_cased(env) and not env.startswith("Gym"):
            yield Name("Dataset", env, source, case=True)  # "HalfCheetah", "LunarLander", "Walker2d"


# what a benchmark's README heading adds after its name ("ETHICS Dataset", "MMMU Benchmark", "Translation Tasks")
_HEADING_TAILS = re.compile(r"(?:^|\s+)(?:Benchmark Datasets|Datasets?|Benchmark|Tasks|evaluations|Leaderboard(?: Light)?)$")


def lm_eval_names(site_packages: Path) -> Iterator[Name]:
    """Benchmark names of ``lm-eval``: the first heading of each ``lm_eval/tasks/*/README.md`` ("# Belebele",
    "# MGSM", "# LongBench v2"), the part before a colon ("BLiMP-NL: A Corpus of ..."), its bracketed acronym
    as a name of its own ("Colossal Clean Crawled Corpus(C4)"), without a trailing "Dataset"/"Benchmark"."""
    source = f"lm-eval {_version(site_packages, 'lm_eval')} tasks/*/README.md headings"
    for readme in sorted((site_packages / "lm_eval" / "tasks").glob("*/README.md")):
        heading = next((line[2:].strip() for line in readme.read_text(encoding="utf-8").splitlines()
                        if line.startswith("# ")), "")
        heading = heading.split(":")[0].strip()
        bracketed = re.findall(r"\(([^()]+)\)", heading)
        name = re.sub(r"\s*\([^()]*\)", "", heading)
        while _HEADING_TAILS.search(name):
            name = _HEADING_TAILS.sub("", name)  # "Leaderboard evaluations" is no name at all
        forms = [name.strip(), *bracketed]
        for form in forms:
            if re.fullmatch(r"[A-Z][\w\-+. ]*", form) and "_" not in form and form != "Task-name" and not any(
                    w[:1].islower() for w in form.split()[1:] if not re.fullmatch(r"v\d+", w)):
                yield Name("Dataset", form, source, case=" " not in form)


def hf_task_names(package: Path) -> Iterator[Name]:
    version = json.loads((package / "package.json").read_text(encoding="utf-8"))["version"]
    text = (package / "src" / "pipelines.ts").read_text(encoding="utf-8")
    block = text[text.index("export const PIPELINE_DATA"):text.index("export type PipelineType")]
    source = f"@huggingface/tasks {version} PIPELINE_DATA names"
    for display in re.findall(r'\bname: "([^"]+)"', block):
        yield _named("Task", lower_phrase(display), source)


def hf_hardware_names(package: Path) -> Iterator[Name]:
    version = json.loads((package / "package.json").read_text(encoding="utf-8"))["version"]
    for file_name in ("hardware-nvidia.ts", "hardware-amd.ts"):
        text = (package / "src" / file_name).read_text(encoding="utf-8")
        source = f"@huggingface/tasks {version} {file_name} SKUs"
        block = text[text.index("_SKUS"):]
        for sku in re.findall(r'^\t"?([A-Za-z0-9][\w +.\-]*?)"?: \{', block, re.M):
            # a product number of 4 characters or more ("A100", "RTX 3090", "MI250"), not a family word; "A10",
            # "L40" are as often figure or section labels
            if re.search(r"\d", sku) and len(sku) >= 4:
                yield Name("Hardware", sku, source, case=True)


# name -> (what it reads, the reader); the order is the priority when two sources give one name
SOURCES: dict[str, tuple[str, Callable[..., Iterator[Name]]]] = {
    "transformers": ("site", transformers_names),
    "torchvision": ("site", torchvision_names),
    "sklearn": ("site", sklearn_names),
    "keras": ("site", keras_names),
    "pytorch_optimizer": ("site", pytorch_optimizer_names),
    "optuna": ("site", optuna_names),
    "peft": ("site", peft_names),
    "trl": ("site", trl_names),
    "sb3": ("site", sb3_names),
    "pyg": ("site", pyg_names),
    "diffusers": ("site", diffusers_names),
    "torchmetrics": ("site", torchmetrics_names),
    "torchaudio": ("site", torchaudio_names),
    "torchtext": ("site", torchtext_names),
    "pyg_datasets": ("site", pyg_dataset_names),
    "gymnasium": ("site", gymnasium_names),
    "lm_eval": ("site", lm_eval_names),
    "hf_tasks": ("hf", hf_task_names),
    "hf_hardware": ("hf", hf_hardware_names),
}


def rows_of(names: list[Name], keep: Callable[[str], bool]) -> list[dict[str, object]]:
    """The external.jsonl rows: each name once (first source wins), names two sources type differently left out,
    names the filter rejects left out."""
    types: dict[str, set[str]] = {}
    for name in names:
        types.setdefault(name.pattern.lower(), set()).add(name.label)
    rows, seen = [], set()
    for name in names:
        key = name.pattern.lower()
        if key in seen or len(types[key]) > 1 or not keep(name.pattern):
            continue
        seen.add(key)
        rows.append({"label": name.label, "pattern": name.pattern, "case": name.case, "exact_form": name.case,
                     "source": name.source})
    return rows


def generate(site_packages: Path | None, hf_tasks: Path | None, words: Path | None,
             sources: list[str] | None = None) -> list[dict[str, object]]:
    names: list[Name] = []
    for key, (reads, reader) in SOURCES.items():
        if sources is not None and key not in sources:
            continue
        where = site_packages if reads == "site" else hf_tasks
        if where is None:
            raise SystemExit(f"source {key} needs --{'site-packages' if reads == 'site' else 'hf-tasks'}")
        names.extend(reader(where))
    keep = Filter(english=english_words(words), stop=stop_names()).keep
    return rows_of(names, keep)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site-packages", type=Path, help="site-packages of the scratch venv")
    parser.add_argument("--hf-tasks", type=Path, help="the unpacked @huggingface/tasks npm package (its package/)")
    parser.add_argument("--words", type=Path, required=True,
                        help="a word list (Debian wamerican's american-english): one-word names it lists are dropped")
    parser.add_argument("--sources", help=f"comma-separated subset of {', '.join(SOURCES)}")
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    sources = args.sources.split(",") if args.sources else None
    unknown = set(sources or []) - set(SOURCES)
    if unknown:
        parser.error(f"unknown sources {sorted(unknown)}")
    rows = generate(args.site_packages, args.hf_tasks, args.words, sources)
    args.output.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    counts = {label: sum(1 for r in rows if r["label"] == label) for label in LABELS}
    print(f"{args.output}: {len(rows)} names {counts}")


if __name__ == "__main__":
    main()
