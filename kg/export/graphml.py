"""GraphML for Gephi and Cytoscape.

GraphML has no list or null values: lists travel as JSON strings and missing
values are left out. ``viz``-style colour attributes let Gephi colour by type.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx

from kg.schema import COLOURS


def _scalar(value: Any) -> Any:
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


def generate_graphml_graph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Return a copy of *graph* whose attributes GraphML can hold."""
    flat = nx.MultiDiGraph()
    for node, attrs in sorted(graph.nodes(data=True)):
        values = {name: _scalar(value) for name, value in attrs.items() if value is not None}
        values["colour"] = COLOURS.get(attrs.get("label"), "#cccccc")
        flat.add_node(node, **values)
    # Sorted like graph.json, so one graph always gives the same file whatever order it was built in.
    for source, target, key, attrs in sorted(graph.edges(keys=True, data=True), key=lambda edge: edge[:3]):
        flat.add_edge(source, target, key=key, **{n: _scalar(v) for n, v in attrs.items() if v is not None})
    return flat


def write_graphml(graph: nx.MultiDiGraph, path: str | Path) -> None:
    nx.write_graphml(generate_graphml_graph(graph), str(path), named_key_ids=True)


def read_graphml(path: str | Path) -> nx.MultiDiGraph:
    """Read a kg GraphML file back, decoding the JSON-encoded list attributes."""
    raw = nx.read_graphml(str(path), force_multigraph=True)
    for _node, attrs in raw.nodes(data=True):
        attrs.pop("colour", None)
        for name in ("aliases", "authors", "sources", "papers_per_month"):
            if isinstance(attrs.get(name), str):
                attrs[name] = json.loads(attrs[name])
    return raw
