"""Compare two snapshots: what entities and relationships appeared, went away or changed."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import networkx as nx

from kg.graph import schema


def _edge_set(graph: nx.MultiDiGraph) -> dict[str, set[tuple[str, str, str]]]:
    edges: dict[str, set] = defaultdict(set)
    for source, target, key, attrs in graph.edges(keys=True, data=True):
        edges[attrs.get("type", "")].add((source, target, key))
    return edges


def diff_graphs(old: nx.MultiDiGraph, new: nx.MultiDiGraph) -> dict[str, Any]:
    """Per label: added and removed node ids and entities whose paper count changed; per type: edge counts."""
    labels: dict[str, Any] = {}
    for label in schema.NODE_LABELS:
        old_nodes = {n for n, a in old.nodes(data=True) if a.get("label") == label}
        new_nodes = {n for n, a in new.nodes(data=True) if a.get("label") == label}
        changed = [
            {"id": n, "name": new.nodes[n].get("name"), "old": old.nodes[n].get("paper_count"),
             "new": new.nodes[n].get("paper_count")}
            for n in sorted(old_nodes & new_nodes)
            if old.nodes[n].get("paper_count") != new.nodes[n].get("paper_count")
        ]
        if old_nodes or new_nodes:
            labels[label] = {
                "added": sorted(new_nodes - old_nodes),
                "removed": sorted(old_nodes - new_nodes),
                "paper_count_changed": changed,
            }
    old_edges, new_edges = _edge_set(old), _edge_set(new)
    relationships = {
        rel_type: {"added": len(new_edges[rel_type] - old_edges[rel_type]),
                   "removed": len(old_edges[rel_type] - new_edges[rel_type])}
        for rel_type in sorted(set(old_edges) | set(new_edges))
    }
    return {"nodes": labels, "relationships": relationships}
