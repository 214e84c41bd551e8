"""End-to-end: inputs -> papers -> extraction records -> graph -> snapshot directory."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from kg.graph import build_graph, write_snapshot
from kg.graph.snapshot import GRAPH_GRAPHML, GRAPH_HTML, FileWriter, Snapshot, sha256_of
from kg.ingest import STDIN, IngestReport, read_papers

SAMPLE_CORPUS = Path(__file__).parent / "data" / "sample_corpus"


@dataclass
class BuildResult:
    snapshot: Snapshot
    report: IngestReport
    type_conflicts: list[dict[str, Any]] = field(default_factory=list)  # names the corpus left with two types

    @property
    def graph(self) -> nx.MultiDiGraph:
        return self.snapshot.graph


def sample_corpus_paths() -> list[str]:
    """The bundled sample corpus: four pages of trending papers, pasted as raw text."""
    return sorted(str(p) for p in SAMPLE_CORPUS.glob("*.txt"))


def snapshot_files(*, html: bool = True, title: str = "kg") -> dict[str, FileWriter]:
    """The files a `kg build` snapshot holds besides graph.json and manifest.json: GraphML and the explorer."""
    from kg.export.graphml import write_graphml

    files: dict[str, FileWriter] = {GRAPH_GRAPHML: write_graphml}
    if html:
        from kg.export.html import write_html

        files[GRAPH_HTML] = lambda graph, path: write_html(graph, path, title=title)
    return files


def describe_inputs(paths: Sequence[str]) -> list[dict[str, Any]]:
    return [
        {"path": "<stdin>", "sha256": None} if p == STDIN else {"path": str(p), "sha256": sha256_of(p)}
        for p in paths
    ]


def build_snapshot(
    paths: Sequence[str],
    out_dir: str | Path,
    *,
    format: str | None = None,
    skip_invalid: bool = False,
    pipeline: str = "blank",
    n_process: int | None = 1,
    html: bool = True,
    progress: Callable[[int], None] | None = None,
    on_papers: Callable[[int], None] | None = None,
) -> BuildResult:
    """Read *paths*, extract, build the graph and write a complete snapshot into *out_dir*.

    ``on_papers`` is told how many papers will be extracted (to size a progress bar);
    ``progress`` is called as papers are done.
    """
    from kg.extract import extract_records, pipeline_info

    ingest = read_papers(paths, format=format, skip_invalid=skip_invalid)
    if on_papers:
        on_papers(len(ingest.papers))
    resolutions = []
    records = extract_records(ingest.papers, pipeline=pipeline, n_process=n_process, progress=progress,
                              on_resolution=resolutions.append)
    conflicts = resolutions[0].conflicts if resolutions else []
    graph = build_graph(records)
    snapshot = write_snapshot(
        graph,
        out_dir,
        files=snapshot_files(html=html, title=f"kg: {Path(out_dir).name}"),
        inputs=describe_inputs(paths),
        pipeline=pipeline_info(pipeline),
        ingest=ingest.report.to_dict(),
        type_conflicts=conflicts,
    )
    return BuildResult(snapshot=snapshot, report=ingest.report, type_conflicts=conflicts)


def top_entities(graph: nx.MultiDiGraph, label: str, n: int = 10) -> list[dict[str, Any]]:
    """The *n* entities of *label* mentioned by the most papers (ties by name)."""
    nodes = [(attrs.get("paper_count", 0), attrs.get("name", node), node)
             for node, attrs in graph.nodes(data=True) if attrs.get("label") == label]
    nodes.sort(key=lambda item: (-item[0], item[1].lower()))
    return [{"id": node, "name": name, "papers": count} for count, name, node in nodes[:n]]


def snapshot_stats(snapshot: Snapshot, top: int = 10) -> dict[str, Any]:
    from kg.graph import schema
    from kg.graph.snapshot import graph_counts

    counts = graph_counts(snapshot.graph)
    return {
        "path": str(snapshot.path) if snapshot.path else None,
        "created": snapshot.manifest.get("created"),
        "kg_version": snapshot.manifest.get("kg_version"),
        "pipeline": snapshot.manifest.get("pipeline"),
        "nodes": counts["nodes"],
        "relationships": counts["relationships"],
        "top": {label: top_entities(snapshot.graph, label, top) for label in schema.ENTITY_TYPES},
    }
