"""Compare two snapshots: what entities and relationships appeared, went away or changed.

Works on two graphs (:func:`diff_graphs`) or on two snapshot directories of either form
(:func:`diff_snapshots`, streamed from the bulk files of a bulk snapshot). Only an index is held:
per node its label, name and paper count; per relationship a 64-bit hash of (source, target, key).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import networkx as nx

from kg.graph import schema

NodeIndex = dict[str, tuple[Any, Any, Any]]  # id -> (label, name, paper_count)
EdgeIndex = dict[str, set[int]]  # type -> hashes of (source, target, key)


def index_elements(nodes: Iterable[tuple[str, dict[str, Any]]],
                   edges: Iterable[tuple[str, str, str, dict[str, Any]]]) -> tuple[NodeIndex, EdgeIndex]:
    node_index = {node: (attrs.get("label"), attrs.get("name"), attrs.get("paper_count")) for node, attrs in nodes}
    edge_index: EdgeIndex = defaultdict(set)
    for source, target, key, attrs in edges:
        # hash() of a tuple of str is stable within one process, which is all a diff needs
        edge_index[attrs.get("type", "")].add(hash((source, target, key)))
    return node_index, edge_index


def diff_indexes(old: tuple[NodeIndex, EdgeIndex], new: tuple[NodeIndex, EdgeIndex]) -> dict[str, Any]:
    (old_nodes_all, old_edges), (new_nodes_all, new_edges) = old, new
    labels: dict[str, Any] = {}
    for label in schema.NODE_LABELS:
        old_nodes = {n for n, row in old_nodes_all.items() if row[0] == label}
        new_nodes = {n for n, row in new_nodes_all.items() if row[0] == label}
        changed = [
            {"id": n, "name": new_nodes_all[n][1], "old": old_nodes_all[n][2], "new": new_nodes_all[n][2]}
            for n in sorted(old_nodes & new_nodes)
            if old_nodes_all[n][2] != new_nodes_all[n][2]
        ]
        if old_nodes or new_nodes:
            labels[label] = {
                "added": sorted(new_nodes - old_nodes),
                "removed": sorted(old_nodes - new_nodes),
                "paper_count_changed": changed,
            }
    relationships = {
        rel_type: {"added": len(new_edges.get(rel_type, set()) - old_edges.get(rel_type, set())),
                   "removed": len(old_edges.get(rel_type, set()) - new_edges.get(rel_type, set()))}
        for rel_type in sorted(set(old_edges) | set(new_edges))
    }
    return {"nodes": labels, "relationships": relationships}


def diff_graphs(old: nx.MultiDiGraph, new: nx.MultiDiGraph) -> dict[str, Any]:
    """Per label: added and removed node ids and entities whose paper count changed; per type: edge counts."""
    return diff_indexes(index_elements(old.nodes(data=True), old.edges(keys=True, data=True)),
                        index_elements(new.nodes(data=True), new.edges(keys=True, data=True)))


def diff_snapshots(old_dir: str | Path, new_dir: str | Path) -> dict[str, Any]:
    """:func:`diff_graphs` of two snapshot directories, full or bulk form (the whole graph, not the view)."""
    from kg.graph.snapshot import iter_edges, iter_nodes

    return diff_indexes(index_elements(iter_nodes(old_dir), iter_edges(old_dir)),
                        index_elements(iter_nodes(new_dir), iter_edges(new_dir)))
