"""The bulk form of a snapshot, for corpora above :data:`BULK_THRESHOLD` papers.

A graph of 100,000 papers has millions of edges, each with its evidence sentence: as networkx objects
and as graph.json/GraphML it takes gigabytes. The bulk form streams instead:

- ``nodes.jsonl.gz`` and ``edges.jsonl.gz``: the whole graph, one node-link object per line
  (``{"id", "label", ...}``; ``{"source", "target", "key", "type", ...}``), gzipped. Exactly the nodes
  and edges that :func:`kg.graph.build_graph` would make of the same records.
- ``neo4j-import/``: the neo4j-admin CSV files of the whole graph (``kg neo4j import SNAPSHOT``).
- ``graph.json``, ``graph.graphml``, ``graph.html``: a focused view, the *top* entities by paper count
  and the relations among them (one edge per type and pair, with the number of papers stating it as
  ``paper_count``); no Paper or Result nodes. ``manifest.json`` says so under ``view``.

Only the entity table (one row per distinct entity) and the view's edges stay in memory; paper text
goes from the records straight to the files. The records are read twice (entity table, then
elements), so ``records`` is a callable returning a fresh stream each time.
"""

from __future__ import annotations

import gzip
import json
import shutil
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Protocol

import networkx as nx

from kg.atomic import scratch_directory
from kg.graph.build import EntityTable, record_elements
from kg.graph.snapshot import GRAPH_JSON, FileWriter, Snapshot, check_replaceable, write_snapshot

BULK_THRESHOLD = 20_000  # papers; above this a snapshot takes the bulk form
DEFAULT_TOP = 2_000  # entities in the bulk form's focused view
NODES_FILE = "nodes.jsonl.gz"
EDGES_FILE = "edges.jsonl.gz"
NEO4J_DIR = "neo4j-import"
FORM_BULK = "bulk"
FORM_FULL = "full"


class ElementSink(Protocol):
    """Takes the whole graph one element at a time (e.g. kg.export.neo4j_csv.StreamingCsvWriter)."""

    def add_node(self, node: str, attrs: dict[str, Any]) -> None: ...

    def add_relationship(self, source: str, target: str, key: str, attrs: dict[str, Any],
                         start_label: str, end_label: str) -> None: ...

    def close(self) -> Any: ...


def write_bulk_snapshot(records: Callable[[], Iterable[dict[str, Any]]], directory: str | Path, *,
                        top: int = DEFAULT_TOP, files: Mapping[str, FileWriter] | None = None,
                        sinks: Mapping[str, Callable[[Path], ElementSink]] | None = None, **info: Any) -> Snapshot:
    """Write the bulk form of the graph of *records* into *directory*, atomically (see the module doc).

    *files* are written from the view (like write_snapshot's); each of *sinks* (a relative path and a
    factory taking the path to write) is fed every node and relationship of the whole graph.
    Keyword arguments go into the manifest.
    """
    target = Path(directory)
    check_replaceable(target)
    # Locked beside the target: if this process is killed, the next writer of *target* removes it (kg.atomic).
    with scratch_directory(target) as scratch:
        assert scratch.path is not None
        staging = scratch.path
        entities = EntityTable()
        for record in records():
            entities.add(record)
        view_ids = top_entity_ids(entities, top)
        view_edges: dict[tuple[str, str, str], list] = {}
        node_counts: Counter = Counter()
        edge_counts: Counter = Counter()
        open_sinks = [factory(staging / name) for name, factory in (sinks or {}).items()]
        with _gzip_lines(staging / NODES_FILE) as nodes_out, _gzip_lines(staging / EDGES_FILE) as edges_out:
            def node(node_id: str, attrs: dict[str, Any]) -> None:
                node_counts[attrs["label"]] += 1
                nodes_out(json.dumps({"id": node_id, **attrs}, ensure_ascii=False))
                for sink in open_sinks:
                    sink.add_node(node_id, attrs)

            for record in records():
                labels = {entity["id"]: entities.label(entity["id"]) for entity in record.get("entities", [])}
                own_labels = {}
                for element in record_elements(record, labels, entities.first_name):
                    if element[0] == "node":
                        own_labels[element[1]] = element[2]["label"]
                        node(element[1], element[2])
                        continue
                    _, source, target_id, key, attrs = element
                    edge_counts[attrs["type"]] += 1
                    edges_out(json.dumps({"source": source, "target": target_id, "key": key, **attrs},
                                         ensure_ascii=False))
                    start = own_labels.get(source) or labels[source]
                    end = own_labels.get(target_id) or labels[target_id]
                    for sink in open_sinks:
                        sink.add_relationship(source, target_id, key, attrs, start, end)
                    if source in view_ids and target_id in view_ids:
                        kept = view_edges.get((source, target_id, attrs["type"]))
                        if kept is None:
                            view_edges[(source, target_id, attrs["type"])] = [key, attrs, 1]
                        else:
                            kept[2] += 1
            for entity_id, attrs in entities.nodes():
                node(entity_id, attrs)
        for sink in open_sinks:
            sink.close()

        view = nx.MultiDiGraph()
        for entity_id in sorted(view_ids):
            view.add_node(entity_id, **entities.node(entity_id))
        for (source, target_id, _type), (key, attrs, papers) in view_edges.items():
            view.add_edge(source, target_id, key=key, **attrs, paper_count=papers)
        del view_edges
        bulk_names = [NODES_FILE, EDGES_FILE, *(sinks or {})]
        view_names = sorted({GRAPH_JSON, *(files or {})})
        moved = {name: _mover(staging / name) for name in bulk_names}
        info = {
            **info,
            "counts": {"nodes": dict(sorted(node_counts.items())), "relationships": dict(sorted(edge_counts.items()))},
            "form": FORM_BULK,
            "view": {
                "files": view_names,
                "entities": len(view_ids),
                "of_entities": len(entities),
                "relationships": view.number_of_edges(),
                "note": (f"{', '.join(view_names)} hold the top {len(view_ids)} entities by paper count and the "
                         "relations among them (one edge per type and pair; paper_count = papers stating it), no "
                         f"Paper or Result nodes; the whole graph is in {', '.join(bulk_names)}"),
            },
        }
        return write_snapshot(view, target, files={**(files or {}), **moved}, **info)


def _mover(source: Path) -> FileWriter:
    def move(_graph: nx.MultiDiGraph, path: Path) -> None:
        shutil.move(str(source), str(path))
    return move


def top_entity_ids(entities: EntityTable, top: int) -> set[str]:
    """The *top* entities by paper count (ties: name, then id)."""
    ranked = sorted(entities.entities.items(), key=lambda kv: (-kv[1][4], kv[0]))
    return {entity_id for entity_id, _row in ranked[:max(0, top)]}


class _gzip_lines:
    """A gzipped text file written one line at a time (level 1: the files are large, CPU is scarce)."""

    def __init__(self, path: Path):
        self.handle = gzip.open(path, "wt", encoding="utf-8", compresslevel=1)

    def __enter__(self) -> Callable[[str], None]:
        def write(line: str) -> None:
            self.handle.write(line)
            self.handle.write("\n")
        return write

    def __exit__(self, *exc: object) -> None:
        self.handle.close()


def iter_bulk_nodes(directory: str | Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """(node id, attributes) from a bulk snapshot's nodes.jsonl.gz."""
    for item in _read_lines(Path(directory) / NODES_FILE):
        node = item.pop("id")
        yield node, item


def iter_bulk_edges(directory: str | Path) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """(source, target, key, attributes) from a bulk snapshot's edges.jsonl.gz."""
    for item in _read_lines(Path(directory) / EDGES_FILE):
        yield item.pop("source"), item.pop("target"), item.pop("key"), item


def _read_lines(path: Path) -> Iterator[dict[str, Any]]:
    from kg.errors import SnapshotError

    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                try:
                    item = json.loads(line)
                except ValueError as error:
                    raise SnapshotError(f"{path}:{number}: unreadable line: {error}") from None
                if not isinstance(item, dict):
                    raise SnapshotError(f"{path}:{number}: not a JSON object")
                yield item
    except FileNotFoundError:
        raise SnapshotError(f"{path.parent}: bulk snapshot without {path.name}") from None
    except (OSError, EOFError) as error:
        raise SnapshotError(f"{path}: unreadable: {error}") from None


__all__ = ["BULK_THRESHOLD", "DEFAULT_TOP", "EDGES_FILE", "NEO4J_DIR", "NODES_FILE", "iter_bulk_edges",
           "iter_bulk_nodes", "write_bulk_snapshot"]
