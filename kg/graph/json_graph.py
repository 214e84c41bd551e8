"""Node-link JSON, the snapshot's authoritative format (schemas/graph.schema.json). Owned by the snapshot layer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx

FORMAT_VERSION = 1


def graph_data(graph: nx.MultiDiGraph) -> dict[str, Any]:
    """Return the node-link dictionary for *graph* with sorted, deterministic node and edge order."""
    data = nx.node_link_data(graph, edges="edges")
    data["nodes"].sort(key=lambda node: node["id"])
    data["edges"].sort(key=lambda edge: (edge["source"], edge["target"], edge["key"]))
    data["graph"] = {**data.get("graph", {}), "format_version": FORMAT_VERSION}
    return data


def graph_from_data(data: dict[str, Any]) -> nx.MultiDiGraph:
    """Inverse of :func:`graph_data`; raises ValueError for a format version this kg does not know."""
    version = data.get("graph", {}).get("format_version")
    if version != FORMAT_VERSION:
        raise ValueError(f"graph format version {version!r}, expected {FORMAT_VERSION}")
    graph = nx.node_link_graph(data, directed=True, multigraph=True, edges="edges")
    graph.graph.pop("format_version", None)
    return graph


def write_json(graph: nx.MultiDiGraph, path: str | Path) -> None:
    Path(path).write_text(json.dumps(graph_data(graph), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def read_json(path: str | Path) -> nx.MultiDiGraph:
    return graph_from_data(json.loads(Path(path).read_text(encoding="utf-8")))
