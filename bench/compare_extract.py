"""Per-core extraction speed of this checkout against another one, in one run, with the ratio.

    git archive main | (mkdir -p /tmp/kg-before && tar -x -C /tmp/kg-before)
    python bench/compare_extract.py /tmp/kg-before [--pipeline blank] [--rounds 3] [--repeat 1]

Each round extracts the bundled sample corpus (357 papers x --repeat) once with each checkout, one
process each, in a fresh interpreter (PYTHONPATH points at the checkout; pipeline loading and a
warm-up batch are excluded; spaCy's entry points are ignored, both checkouts register their components by
import). Per-core speed is abstracts per CPU second of that process, which a
busy shared machine disturbs far less than wall-clock time; wall-clock figures are printed beside it.
The medians over the rounds and their ratio (this checkout / the other) are printed last.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

_RUN = r"""
import catalogue
# Both checkouts register their factories by importing their modules; the installed package's
# spacy_factories entry points may name modules the other checkout does not have, so they are ignored.
catalogue.Registry.get_entry_points = lambda self: {}
catalogue.Registry.get_entry_point = lambda self, name, default=None: default
import json, sys, time
from kg.extract import load_pipeline
from kg.execute import extract_records
from kg.ingest import read_papers
from kg.ingest.paper import Paper
from kg.workflow import sample_corpus_paths
pipeline, repeat = sys.argv[1], int(sys.argv[2])
papers = read_papers(sample_corpus_paths()).papers
corpus = [Paper(id=f"{p.id}-{n}", title=p.title, abstract=p.abstract) for n in range(repeat) for p in papers]
nlp = load_pipeline(pipeline)
extract_records(corpus[:32], nlp=nlp, pipeline=pipeline, n_process=1)
cpu, wall = time.process_time(), time.perf_counter()
extract_records(corpus, nlp=nlp, pipeline=pipeline, n_process=1, batch_size=64)
cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
print(json.dumps({"abstracts": len(corpus), "cpu": len(corpus) / cpu, "wall": len(corpus) / wall}))
"""


def run(checkout: Path, pipeline: str, repeat: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    done = subprocess.run([sys.executable, "-c", _RUN, pipeline, str(repeat)], capture_output=True, text=True,
                          env=env, cwd="/")
    if done.returncode != 0:
        raise SystemExit(f"extraction with {checkout} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before", type=Path, help="another kg checkout (its root, holding kg/)")
    parser.add_argument("--pipeline", default="blank")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=1, help="copies of the sample corpus per run (default 1)")
    args = parser.parse_args()
    here = Path(__file__).resolve().parent.parent
    if not (args.before / "kg" / "__init__.py").exists():
        raise SystemExit(f"{args.before}: not a kg checkout (no kg/__init__.py)")
    speeds: dict[str, list[dict[str, float]]] = {"before": [], "this": []}
    print(f"pipeline {args.pipeline}, 1 process, {args.rounds} rounds; abstracts per CPU second (wall-clock)")
    for n in range(args.rounds):
        for name, checkout in (("before", args.before), ("this", here)):
            speed = run(checkout, args.pipeline, args.repeat)
            speeds[name].append(speed)
            print(f"round {n + 1}  {name:<6} {speed['cpu']:8.1f} ({speed['wall']:.1f})")
    medians = {name: statistics.median(s["cpu"] for s in runs) for name, runs in speeds.items()}
    walls = {name: statistics.median(s["wall"] for s in runs) for name, runs in speeds.items()}
    print(f"median  before {medians['before']:8.1f} ({walls['before']:.1f})")
    print(f"median  this   {medians['this']:8.1f} ({walls['this']:.1f})")
    print(f"ratio this/before  {medians['this'] / medians['before']:.3f} per CPU second, "
          f"{walls['this'] / walls['before']:.3f} wall-clock")


if __name__ == "__main__":
    main()
