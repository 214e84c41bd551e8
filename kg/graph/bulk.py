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
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import networkx as nx

from kg.graph.build import EntityTable, record_elements

BULK_THRESHOLD = 20_000  # papers; above this a snapshot takes the bulk form
DEFAULT_TOP = 2_000  # entities in the bulk form's focused view
NODES_FILE = "nodes.jsonl.gz"
EDGES_FILE = "edges.jsonl.gz"
NEO4J_DIR = "neo4j-import"
FORM_BULK = "bulk"
FORM_FULL = "full"


def write_bulk_snapshot(records: Callable[[], Iterable[dict[str, Any]]], directory: str | Path, *,
                        html: bool = True, top: int = DEFAULT_TOP, **info: Any):
    """Write the bulk form of the graph of *records* into *directory*, atomically (see the module doc)."""
    from kg.export.neo4j_csv import StreamingCsvWriter
    from kg.graph.snapshot import (GRAPH_GRAPHML, GRAPH_HTML, GRAPH_JSON, MANIFEST, Snapshot, check_replaceable,
                                   generate_manifest, replace_directory)

    target = Path(directory)
    check_replaceable(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        entities = EntityTable()
        for record in records():
            entities.add(record)
        view_ids = top_entity_ids(entities, top)
        view_edges: dict[tuple[str, str, str], list] = {}
        node_counts: Counter = Counter()
        edge_counts: Counter = Counter()
        csv = StreamingCsvWriter(staging / NEO4J_DIR)
        with _gzip_lines(staging / NODES_FILE) as nodes_out, _gzip_lines(staging / EDGES_FILE) as edges_out:
            for record in records():
                labels = {entity["id"]: entities.label(entity["id"]) for entity in record.get("entities", [])}
                paper_label = {}
                for element in record_elements(record, labels, entities.first_name):
                    if element[0] == "node":
                        _, node, attrs = element
                        paper_label[node] = attrs["label"]
                        node_counts[attrs["label"]] += 1
                        nodes_out(json.dumps({"id": node, **attrs}, ensure_ascii=False))
                        csv.add_node(node, attrs)
                        continue
                    _, source, target_id, key, attrs = element
                    edge_counts[attrs["type"]] += 1
                    edges_out(json.dumps({"source": source, "target": target_id, "key": key, **attrs},
                                         ensure_ascii=False))
                    start = paper_label.get(source) or labels[source]
                    end = paper_label.get(target_id) or labels[target_id]
                    csv.add_relationship(source, target_id, key, attrs, start, end)
                    if source in view_ids and target_id in view_ids:
                        kept = view_edges.get((source, target_id, attrs["type"]))
                        if kept is None:
                            view_edges[(source, target_id, attrs["type"])] = [key, attrs, 1]
                        else:
                            kept[2] += 1
            for entity_id, attrs in entities.nodes():
                node_counts[attrs["label"]] += 1
                nodes_out(json.dumps({"id": entity_id, **attrs}, ensure_ascii=False))
                csv.add_node(entity_id, attrs)
        csv.close()

        view = nx.MultiDiGraph()
        for entity_id in sorted(view_ids):
            view.add_node(entity_id, **entities.node(entity_id))
        for (source, target_id, _type), (key, attrs, papers) in view_edges.items():
            view.add_edge(source, target_id, key=key, **attrs, paper_count=papers)
        del view_edges
        from kg.export.graphml import write_graphml
        from kg.export.json_graph import write_json

        write_json(view, staging / GRAPH_JSON)
        write_graphml(view, staging / GRAPH_GRAPHML)
        if html:
            from kg.export.html import write_html

            write_html(view, staging / GRAPH_HTML, title=f"kg: {target.name} (top {len(view_ids)} entities)")
        manifest = generate_manifest(view, **info)
        manifest["counts"] = {"nodes": dict(sorted(node_counts.items())),
                              "relationships": dict(sorted(edge_counts.items()))}
        manifest["form"] = FORM_BULK
        manifest["view"] = {
            "files": [GRAPH_JSON, GRAPH_GRAPHML] + ([GRAPH_HTML] if html else []),
            "entities": len(view_ids),
            "of_entities": len(entities),
            "relationships": view.number_of_edges(),
            "note": (f"the {GRAPH_JSON}, GraphML and HTML files hold the top {len(view_ids)} entities by paper count "
                     f"and the relations among them (one edge per type and pair; paper_count = papers stating it), "
                     f"no Paper or Result nodes; the whole graph is in {NODES_FILE}, {EDGES_FILE} and {NEO4J_DIR}/"),
        }
        manifest["files"] = sorted(p.name for p in staging.iterdir()) + [MANIFEST]
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        os.chmod(staging, 0o755)
        replace_directory(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Snapshot(graph=view, manifest=manifest, path=target)


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
