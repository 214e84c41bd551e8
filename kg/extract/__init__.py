"""Entity extraction, the map step: papers in, one unresolved record per paper out
(schemas/paper-record.schema.json). Running it over a corpus (worker processes, Dask, shards) and
resolving entity ids corpus-wide is :mod:`kg.execute`."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

from kg.errors import InputError
from kg.extract.pipeline import BLANK, DEFAULT_PIPELINE, STATISTICAL, fewer_collections, load_pipeline
from kg.extract.records import build_record
from kg.ingest.paper import Paper

__all__ = ["BLANK", "DEFAULT_PIPELINE", "STATISTICAL", "extract_chunk", "fewer_collections", "load_pipeline", "pipeline_info", "write_records"]


def extract_chunk(nlp, papers: Iterable[Paper], pipeline: str = DEFAULT_PIPELINE, *, batch_size: int = 64,
                  progress: Callable[[int], Any] | None = None) -> list[dict[str, Any]]:
    """The map step: one unresolved record per paper, in order (pure: nothing but *nlp* is read).

    Entity ids are doc-local; kg.resolve makes them corpus-wide (summarise, merge, apply). The garbage collector
    runs less often meanwhile (:func:`kg.extract.pipeline.fewer_collections`).
    """
    papers = list(papers)
    records = []
    with fewer_collections():
        for paper, doc in zip(papers, nlp.pipe((paper.text for paper in papers), batch_size=batch_size)):
            records.append(build_record(paper, doc, pipeline))
            if progress is not None:
                progress(1)
    return records


def pipeline_info(pipeline: str = DEFAULT_PIPELINE) -> dict[str, Any]:
    """What a snapshot manifest records about extraction: spaCy pipeline and pattern versions, and a hash of
    the extractor's code (``code``), so that an extraction cache never outlives a change of the rules."""
    import spacy

    from kg.extract.pattern_data import patterns_version

    info: dict[str, Any] = {"name": pipeline, "spacy": spacy.__version__, "patterns": patterns_version(),
                            "code": extractor_code_hash()}
    if pipeline != BLANK:
        try:
            from spacy.util import get_package_version

            info["version"] = get_package_version(pipeline)
        except Exception:  # a path, not a package: no version to report
            info["version"] = None
    return info


@functools.lru_cache(maxsize=1)
def extractor_code_hash() -> str:
    """sha256 (first 16 hex digits) of the extractor's Python sources (kg/extract/**/*.py), its pattern files
    and the candidate scorer's model (kg/extract/patterns/*.jsonl, kg/extract/models/*.json), in name order."""
    import hashlib
    from pathlib import Path

    root = Path(__file__).parent
    digest = hashlib.sha256()
    sources = [*root.rglob("*.py"), *root.glob("patterns/*.jsonl"), *root.glob("models/*.json")]
    for path in sorted(sources, key=lambda p: p.relative_to(root).as_posix()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def write_records(records: Iterable[dict[str, Any]], path: str) -> None:
    """Write one JSON record per line to *path* (all or nothing), or to stdout for ``-``."""
    import json
    import os
    import sys
    import tempfile

    lines = (json.dumps(record, ensure_ascii=False, allow_nan=False) + "\n" for record in records)
    if path == "-":
        sys.stdout.writelines(lines)
        sys.stdout.flush()
        return
    try:
        descriptor, partial = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)),
                                               prefix=".kg-", suffix=".jsonl.part")
    except OSError as error:
        raise InputError(f"can not write: {error.strerror}", path) from None
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.writelines(lines)
        os.replace(partial, path)
    except OSError as error:
        raise InputError(f"can not write: {error.strerror}", path) from None
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
