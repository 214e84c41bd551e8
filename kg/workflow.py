"""End-to-end: inputs -> papers -> extraction records -> graph -> snapshot directory."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
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
    executor: str = "local",
    scheduler: str | None = None,
    work_dir: str | Path | None = None,
    bulk_threshold: int | None = None,
    top: int | None = None,
) -> BuildResult:
    """Read *paths*, extract, build the graph and write a complete snapshot into *out_dir*.

    Extraction runs on *executor* (``local`` with *n_process* workers, or ``dask`` on the cluster
    at *scheduler*, else a LocalCluster) and writes record shards under *work_dir*; the graph is
    built by streaming the shards through the corpus-wide resolution. A corpus of more than
    *bulk_threshold* papers (default :data:`kg.graph.bulk.BULK_THRESHOLD`) gets the bulk form
    (kg.graph.bulk): the full graph as gzipped JSON Lines and neo4j-admin CSV, and graph.json,
    GraphML and HTML of the *top* entities only.

    ``on_papers`` is told how many papers will be extracted (to size a progress bar);
    ``progress`` is called as papers are done.
    """
    from kg.extract import pipeline_info
    from kg.extract.run import run_extraction
    from kg.graph.bulk import BULK_THRESHOLD, DEFAULT_TOP, NEO4J_DIR, write_bulk_snapshot

    ingest = read_papers(paths, format=format, skip_invalid=skip_invalid)
    papers = ingest.papers
    if on_papers:
        on_papers(len(papers))
    threshold = BULK_THRESHOLD if bulk_threshold is None else bulk_threshold
    info = dict(inputs=describe_inputs(paths), pipeline=pipeline_info(pipeline), ingest=ingest.report.to_dict())
    with run_extraction(papers, pipeline=pipeline, executor=executor, jobs=n_process, scheduler=scheduler,
                        work_dir=work_dir, progress=progress) as run:
        del papers
        ingest.papers = []  # the shards hold them now
        if run.papers > threshold:
            from kg.export.neo4j_csv import StreamingCsvWriter

            top = DEFAULT_TOP if top is None else top
            snapshot = write_bulk_snapshot(
                run.resolved_records, out_dir, top=top,
                files=snapshot_files(html=html, title=f"kg: {Path(out_dir).name} (top {top} entities)"),
                sinks={NEO4J_DIR: StreamingCsvWriter}, **info)
        else:
            snapshot = write_snapshot(build_graph(run.resolved_records()), out_dir,
                                      files=snapshot_files(html=html, title=f"kg: {Path(out_dir).name}"), **info)
    return BuildResult(snapshot=snapshot, report=ingest.report)


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


def directory_stats(directory: str | Path, top: int = 10) -> dict[str, Any]:
    """:func:`snapshot_stats` of a snapshot directory in either form (a bulk one is streamed, not loaded)."""
    import heapq
    from collections import Counter

    from kg.graph import schema
    from kg.graph.snapshot import is_bulk, iter_edges, iter_nodes, load_manifest, load_snapshot

    manifest = load_manifest(directory)
    if not is_bulk(manifest):
        return snapshot_stats(load_snapshot(directory), top=top)
    labels: Counter = Counter()
    best: dict[str, list] = {label: [] for label in schema.ENTITY_TYPES}
    for node, attrs in iter_nodes(directory):
        label = attrs.get("label")
        labels[label] += 1
        if label in best:
            count, name = attrs.get("paper_count", 0), attrs.get("name", node)
            # heap of the best *top*: (count, reversed name order) so the weakest is popped first
            item = (count, _Reverse(name.lower()), node, name)
            if len(best[label]) < top:
                heapq.heappush(best[label], item)
            elif top and item > best[label][0]:
                heapq.heapreplace(best[label], item)
    types = Counter(attrs.get("type") for _s, _t, _k, attrs in iter_edges(directory))
    return {
        "path": str(directory),
        "created": manifest.get("created"),
        "kg_version": manifest.get("kg_version"),
        "pipeline": manifest.get("pipeline"),
        "nodes": dict(sorted(labels.items())),
        "relationships": dict(sorted(types.items())),
        "top": {label: [{"id": node, "name": name, "papers": count}
                        for count, _key, node, name in sorted(best[label], reverse=True)]
                for label in schema.ENTITY_TYPES},
        "form": "bulk",
    }


class _Reverse:
    """Orders strings backwards (for a heap that keeps the alphabetically first of equal counts)."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def __lt__(self, other: "_Reverse") -> bool:
        return self.text > other.text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reverse) and self.text == other.text
