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
    extraction: dict[str, int] | None = None  # papers reused from a cache and papers extracted
    notes: list[str] = field(default_factory=list)  # things a person should know (a cache that could not be used)
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
    executor: str = "local",
    scheduler: str | None = None,
    work_dir: str | Path | None = None,
    bulk_threshold: int | None = None,
    top: int | None = None,
    year: int | None = None,
    update: str | Path | None = None,
    cache_dir: str | Path | None = None,
    keep_cache: bool = True,
) -> BuildResult:
    """Read *paths*, extract, build the graph and write a complete snapshot into *out_dir*.

    Extraction runs on *executor* (``local`` with *n_process* workers, or ``dask`` on the cluster
    at *scheduler*, else a LocalCluster) and writes record shards under *work_dir*; the graph is
    built by streaming the shards through the corpus-wide resolution. A corpus of more than
    *bulk_threshold* papers (default :data:`kg.graph.bulk.BULK_THRESHOLD`) gets the bulk form
    (kg.graph.bulk): the full graph as gzipped JSON Lines and neo4j-admin CSV, and graph.json,
    GraphML and HTML of the *top* entities only.

    ``on_papers`` is told how many papers will be extracted (to size a progress bar);
    ``progress`` is called as papers are done. *year* completes page dates without a year.

    Incremental builds: *update* names an earlier snapshot whose extraction cache is reused, and
    *cache_dir* a cache directory shared between builds; only papers whose text, pipeline or pattern
    version is new are extracted. Resolution and the graph are always recomputed from the records of
    exactly these inputs, so the snapshot equals a full rebuild and a dropped paper takes with it
    whatever only it supported. With *keep_cache* the snapshot holds the extraction of its papers
    (``cache/extraction.jsonl.gz``) for the next ``--update``.
    """
    from kg.extract import pipeline_info
    from kg.execute import CacheStats, ExtractOptions, extract_records
    from kg.extract.cache import SNAPSHOT_CACHE, ChainedCache, DirectoryCache, RecordCache, cache_key, \
        snapshot_cache

    options = ExtractOptions(pipeline=pipeline, n_process=n_process, executor=executor, scheduler=scheduler,
                             work_dir=work_dir)
    ingest = read_papers(paths, format=format, skip_invalid=skip_invalid, year=year)
    if on_papers:
        on_papers(len(ingest.papers))
    info = pipeline_info(pipeline)
    manifest_info = dict(inputs=describe_inputs(paths), pipeline=info, ingest=ingest.report.to_dict())
    notes: list[str] = []
    if update is None and cache_dir is None:
        return _build_on_executor(ingest, out_dir, info, manifest_info, notes, options, html=html, progress=progress,
                                  bulk_threshold=bulk_threshold, top=top, keep_cache=keep_cache)
    kept = RecordCache()
    lookups, stores = [], []
    if update is not None:
        lookups.append(snapshot_cache(update))
        notes += _cache_notes(update, pipeline)
    if cache_dir is not None:
        directory = DirectoryCache(cache_dir)
        lookups.append(directory)
        stores.append(directory)
    # Reads go to the earlier snapshot and the directory; every paper's extraction lands in *kept*.
    cache = _KeepingCache(kept, ChainedCache(*lookups), stores)
    stats = CacheStats()
    resolutions = []
    from kg.errors import OutputError

    try:  # the cache is looked up first; only the papers it lacks go to the executor
        records = extract_records(ingest.papers, options, progress=progress, cache=cache, stats=stats,
                                  on_resolution=resolutions.append)
    except OutputError as error:
        raise OutputError(error.reason, str(out_dir)) from None  # the output the user named could not be made
    conflicts = resolutions[0].conflicts if resolutions else []
    graph = build_graph(records)
    files = snapshot_files(html=html, title=f"kg: {Path(out_dir).name}")
    if keep_cache:
        own = kept.for_keys(cache_key(paper.text, info) for paper in ingest.papers)
        files[SNAPSHOT_CACHE] = lambda _graph, path: own.write(path)
    extraction = {**stats.to_dict(), "updated_from": str(update) if update is not None else None,
                  "cache_dir": str(cache_dir) if cache_dir is not None else None}
    snapshot = write_snapshot(graph, out_dir, files=files, extraction=extraction, type_conflicts=conflicts,
                              **manifest_info)
    return BuildResult(snapshot=snapshot, report=ingest.report, extraction=stats.to_dict(), notes=notes,
                       type_conflicts=conflicts)


def _build_on_executor(ingest, out_dir, info, manifest_info, notes, options, *, html, progress, bulk_threshold, top,
                       keep_cache) -> BuildResult:
    """Extract into record shards on the *options*' executor; stream them through the resolution into the graph or bulk files."""
    from kg.execute import CacheStats
    from kg.extract.cache import SNAPSHOT_CACHE, RecordCache, cache_key, extraction_of
    from kg.execute.shards import run_extraction
    from kg.graph.bulk import BULK_THRESHOLD, DEFAULT_TOP, NEO4J_DIR, write_bulk_snapshot

    threshold = BULK_THRESHOLD if bulk_threshold is None else bulk_threshold
    stats = CacheStats(extracted=len(ingest.papers))
    extraction = {**stats.to_dict(), "updated_from": None, "cache_dir": None}
    from kg.errors import OutputError

    try:
        run = run_extraction(ingest.papers, options, progress=progress)
    except OutputError as error:
        raise OutputError(error.reason, str(out_dir)) from None  # the output the user named could not be made
    with run:
        ingest.papers = []  # the shards hold them now
        if run.papers > threshold:
            from kg.export.neo4j_csv import StreamingCsvWriter

            top = DEFAULT_TOP if top is None else top
            if keep_cache:
                notes.append("a bulk snapshot keeps no extraction cache: a later --update of it extracts everything")
            snapshot = write_bulk_snapshot(
                run.resolved_records, out_dir, top=top,
                files=snapshot_files(html=html, title=f"kg: {Path(out_dir).name} (top {top} entities)"),
                sinks={NEO4J_DIR: StreamingCsvWriter}, extraction=extraction,
                type_conflicts=run.resolution.conflicts, **manifest_info)
        else:
            files = snapshot_files(html=html, title=f"kg: {Path(out_dir).name}")
            kept = RecordCache()

            def records():
                resolution = run.resolution
                for record in run.records():
                    if keep_cache:  # the unresolved extraction, as `--update` reads it back
                        kept.entries[cache_key(record["text"], info)] = extraction_of(record)
                    yield resolution.apply(record)

            graph = build_graph(records())
            if keep_cache:
                files[SNAPSHOT_CACHE] = lambda _graph, path: kept.write(path)
            snapshot = write_snapshot(graph, out_dir, files=files, extraction=extraction,
                                      type_conflicts=run.resolution.conflicts, **manifest_info)
    return BuildResult(snapshot=snapshot, report=ingest.report, extraction=stats.to_dict(), notes=notes,
                       type_conflicts=snapshot.manifest.get("type_conflicts", []))


def _cache_notes(update: str | Path, pipeline: str) -> list[str]:
    """Why an earlier snapshot's cache will not be reused: it was made by another pipeline or pattern version."""
    from kg.extract import pipeline_info
    from kg.graph.snapshot import MANIFEST

    try:
        import json

        before = json.loads((Path(update) / MANIFEST).read_text(encoding="utf-8")).get("pipeline") or {}
    except (OSError, ValueError):
        return []
    now = pipeline_info(pipeline)
    changed = [f"{name} {before.get(name)} -> {now.get(name)}" for name in ("name", "version", "spacy", "patterns", "code")
               if before.get(name) != now.get(name)]
    if not changed:
        return []
    return [f"{update} was extracted with another pipeline ({', '.join(changed)}): its papers are extracted again"]


class _KeepingCache:
    """Reads from *lookup*; every extraction seen (hit or miss) is kept in *kept*, misses also go to *stores*."""

    def __init__(self, kept, lookup, stores):
        self.kept, self.lookup, self.stores = kept, lookup, stores

    def get(self, key):
        found = self.lookup.get(key)
        if found is not None:
            self.kept.put(key, found)
        return found

    def put(self, key, extraction):
        self.kept.put(key, extraction)
        for store in self.stores:
            store.put(key, extraction)


def top_entities(graph: nx.MultiDiGraph, label: str, n: int = 10) -> list[dict[str, Any]]:
    """The *n* entities of *label* mentioned by the most papers (ties by name)."""
    nodes = [(attrs.get("paper_count", 0), attrs.get("name", node), node)
             for node, attrs in graph.nodes(data=True) if attrs.get("label") == label]
    nodes.sort(key=lambda item: (-item[0], item[1].lower()))
    return [{"id": node, "name": name, "papers": count} for count, name, node in nodes[:n]]


def new_since(graph: nx.MultiDiGraph, since: str) -> dict[str, Any]:
    """Papers dated on or after *since* (an ISO date) and the entities first seen then, most papers first.

    Dates compare as ISO text: an entity first seen in "2024" (a year only) is not new since "2024-03-15".
    """
    from kg import schema

    papers = sum(1 for _, attrs in graph.nodes(data=True)
                 if attrs.get("label") == schema.PAPER and (attrs.get("date") or "") >= since)
    new: dict[str, list[dict[str, Any]]] = {}
    for label in schema.ENTITY_TYPES:
        found = [{"id": node, "name": attrs.get("name", node), "papers": attrs.get("paper_count", 0),
                  "first_seen": attrs["first_seen"]}
                 for node, attrs in graph.nodes(data=True)
                 if attrs.get("label") == label and (attrs.get("first_seen") or "") >= since]
        new[label] = sorted(found, key=lambda e: (-e["papers"], e["name"].lower(), e["id"]))
    return {"date": since, "papers": papers, "new": new}


def snapshot_stats(snapshot: Snapshot, top: int = 10, since: str | None = None) -> dict[str, Any]:
    from kg import schema
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
        **({"since": new_since(snapshot.graph, since)} if since is not None else {}),
    }


def directory_stats(directory: str | Path, top: int = 10, since: str | None = None) -> dict[str, Any]:
    """:func:`snapshot_stats` of a snapshot directory in either form (a bulk one is streamed, not loaded)."""
    import heapq
    from collections import Counter

    from kg import schema
    from kg.graph.snapshot import is_bulk, iter_edges, iter_nodes, load_manifest, load_snapshot

    manifest = load_manifest(directory)
    if not is_bulk(manifest):
        return snapshot_stats(load_snapshot(directory), top=top, since=since)
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
        **({"since": new_since(_NodeStream(directory), since)} if since is not None else {}),
    }


class _NodeStream:
    """Just enough of a graph for :func:`new_since`: the nodes of a bulk snapshot, read from its file."""

    def __init__(self, directory: str | Path):
        self.directory = directory

    def nodes(self, data: bool = True):
        from kg.graph.snapshot import iter_nodes

        return iter_nodes(self.directory)


class _Reverse:
    """Orders strings backwards (for a heap that keeps the alphabetically first of equal counts)."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def __lt__(self, other: "_Reverse") -> bool:
        return self.text > other.text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reverse) and self.text == other.text
