"""Entity extraction: papers in, one record per paper out (schemas/paper-record.schema.json)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from kg.errors import InputError
from kg.extract.pipeline import BLANK, DEFAULT_PIPELINE, STATISTICAL, load_pipeline
from kg.extract.records import build_record
from kg.ingest.paper import Paper
from kg.resolve import resolve_records

__all__ = ["BLANK", "DEFAULT_PIPELINE", "STATISTICAL", "extract_records", "load_pipeline", "pipeline_info",
           "write_records"]


def extract_records(
    papers: Iterable[Paper],
    *,
    pipeline: str = DEFAULT_PIPELINE,
    n_process: int = 1,
    batch_size: int = 64,
    progress: Callable[[int], Any] | None = None,
    nlp=None,
) -> list[dict[str, Any]]:
    """Extract entities, results and relations from *papers*; records come back in input order.

    *n_process* > 1 runs spaCy worker processes; the default is 1 because the blank pipeline
    is not faster with 2 processes on 2 cores (bench/extract.py). *progress* is called with 1
    after each paper. Entity ids are resolved across all the papers (kg.resolve).
    An already loaded *nlp* (from load_pipeline) may be passed to skip loading.
    """
    papers = list(papers)
    nlp = nlp or load_pipeline(pipeline)
    records = []
    docs = nlp.pipe((paper.text for paper in papers), batch_size=batch_size, n_process=max(1, n_process))
    for paper, doc in zip(papers, docs):
        records.append(build_record(paper, doc, pipeline))
        if progress is not None:
            progress(1)
    return resolve_records(records)


def pipeline_info(pipeline: str = DEFAULT_PIPELINE) -> dict[str, Any]:
    """What a snapshot manifest records about extraction: spaCy pipeline and pattern versions."""
    import spacy

    from kg.extract.components import patterns_version

    info: dict[str, Any] = {"name": pipeline, "spacy": spacy.__version__, "patterns": patterns_version()}
    if pipeline != BLANK:
        try:
            from spacy.util import get_package_version

            info["version"] = get_package_version(pipeline)
        except Exception:  # a path, not a package: no version to report
            info["version"] = None
    return info


def write_records(records: Iterable[dict[str, Any]], path: str) -> None:
    """Write one JSON record per line to *path*, or stdout for ``-``."""
    import json
    import sys

    lines = (json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    if path == "-":
        sys.stdout.writelines(lines)
        sys.stdout.flush()
        return
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.writelines(lines)
    except OSError as error:
        raise InputError(f"can not write: {error.strerror}", path) from None
