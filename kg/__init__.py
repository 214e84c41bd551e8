"""kg: a knowledge-graph builder for research literature.

The library comes first; the CLI is a thin layer over it::

    from kg import read_papers, extract_records, build_graph, write_snapshot, load_snapshot

    papers = read_papers(["papers.txt"]).papers
    graph = build_graph(extract_records(papers))
    write_snapshot(graph, "exports/mine")
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# Imported on first use, so `kg --help` does not pay for loading spaCy.
_EXPORTS = {
    "read_papers": "kg.ingest",
    "Paper": "kg.ingest.paper",
    "extract_records": "kg.execute",
    "load_pipeline": "kg.extract",
    "resolve_records": "kg.resolve",
    "build_graph": "kg.graph",
    "write_snapshot": "kg.graph",
    "load_snapshot": "kg.graph",
    "diff_graphs": "kg.graph.diff",
    "leaderboard": "kg.graph.leaderboard",
    "build_snapshot": "kg.workflow",
    "evaluate": "kg.evaluate",
    "KgError": "kg.errors",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
