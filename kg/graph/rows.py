"""The graph as Neo4j rows and the statements that write them (the shared Neo4j row model).

It lives beside the schema, below both kg.export and kg.neo4j, so the exports use it without importing the
neo4j package or its driver.

`kg push`, the Cypher script export and the neo4j-admin CSV export all write these rows, so the three agree on
which properties a node or relationship gets. Labels and relationship types are checked against
:mod:`kg.schema` here, and only here do they enter Cypher text (backtick-quoted); every value stays data.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import networkx as nx

from kg.errors import SnapshotError
from kg import schema
from kg.naming import name_keys

NODE_KEY = "id"  # node property holding the graph's node id; unique per label
RELATIONSHIP_KEY = "key"  # relationship property holding the edge key; unique between two nodes
MERGE_KEYS = "merge_keys"  # entity node property: the merge keys of its name and aliases, for name look-ups
_INT64 = (-(2**63), 2**63 - 1)

RelationshipGroup = tuple[str, str, str]  # (type, start label, end label)


def quote_identifier(name: str) -> str:
    """Backtick-quote a label, type or property key for Cypher text."""
    return "`" + name.replace("`", "``") + "`"


def property_value(value: Any) -> Any:
    """A value Neo4j can store: scalars and homogeneous lists as they are, anything else as a JSON string."""
    if value is None or isinstance(value, (bool, str, float)):
        return value
    if isinstance(value, int):
        return value if _INT64[0] <= value <= _INT64[1] else str(value)
    if isinstance(value, (list, tuple)):
        kinds = {type(item) for item in value}
        if kinds <= {str} or kinds == {bool}:
            return list(value)
        if kinds and kinds <= {int, float} and all(_INT64[0] <= item <= _INT64[1] for item in value):
            return [float(item) for item in value] if float in kinds else list(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _properties(attrs: dict[str, Any], skip: tuple[str, ...]) -> dict[str, Any]:
    return {name: property_value(value) for name, value in sorted(attrs.items())
            if value is not None and name not in skip}


def node_properties(attrs: dict[str, Any]) -> dict[str, Any]:
    """Node attributes minus the label (it becomes the Neo4j label) and minus None values; an entity also gets
    ``merge_keys``, the merge keys of its name and aliases (kg.naming.name_keys), which the named queries
    (kg.neo4j.queries) match a name on, as the graph does."""
    props = _properties(attrs, ("label", NODE_KEY, MERGE_KEYS))
    label = attrs.get("label")
    if label in schema.ENTITY_TYPES:
        keys = name_keys(label, attrs.get("name"), attrs.get("aliases") or [])
        if keys:
            props[MERGE_KEYS] = keys
    return props


def relationship_properties(attrs: dict[str, Any]) -> dict[str, Any]:
    """Edge attributes minus the type (it becomes the relationship type), the key (merged on) and None values."""
    return _properties(attrs, ("type", RELATIONSHIP_KEY))


def node_label(graph: nx.MultiDiGraph, node: str) -> str:
    return check_node_label(node, graph.nodes[node].get("label"))


def check_node_label(node: str, label: Any) -> str:
    """*label* if it is one of the schema's, else a SnapshotError naming the node."""
    try:
        return schema.check_label(label)
    except ValueError:
        raise SnapshotError(
            f"node {node!r} has label {label!r}, which is not one of {', '.join(schema.NODE_LABELS)}"
        ) from None


def check_edge_type(source: str, target: str, rel_type: Any) -> str:
    """*rel_type* if it is one of the schema's relationship types, else a SnapshotError naming the edge."""
    try:
        return schema.check_relationship_type(rel_type)
    except ValueError:
        raise SnapshotError(f"edge {source!r} -> {target!r} has type {rel_type!r}, "
                            "which is not a relationship type of the schema") from None


def node_rows(graph: nx.MultiDiGraph) -> dict[str, list[dict[str, Any]]]:
    """``{label: [{"id": ..., "props": {...}}, ...]}`` in schema label order, rows sorted by id."""
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for node, attrs in graph.nodes(data=True):
        grouped[node_label(graph, node)].append({"id": str(node), "props": node_properties(attrs)})
    return {label: sorted(grouped[label], key=lambda row: row["id"]) for label in schema.NODE_LABELS
            if label in grouped}


def relationship_rows(graph: nx.MultiDiGraph) -> dict[RelationshipGroup, list[dict[str, Any]]]:
    """``{(type, start label, end label): [{"start", "end", "key", "props"}, ...]}``, deterministic order."""
    grouped: dict[RelationshipGroup, list[dict[str, Any]]] = defaultdict(list)
    for source, target, key, attrs in graph.edges(keys=True, data=True):
        rel_type = check_edge_type(source, target, attrs.get("type"))
        group = (rel_type, node_label(graph, source), node_label(graph, target))
        grouped[group].append({"start": str(source), "end": str(target), "key": str(key),
                               "props": relationship_properties(attrs)})
    return {group: sorted(rows, key=lambda row: (row["start"], row["end"], row["key"]))
            for group, rows in sorted(grouped.items())}


def constraint_name(label: str) -> str:
    return f"kg_{schema.check_label(label).lower()}_id"


def constraint_statements() -> list[str]:
    """One uniqueness constraint per label on the id property; run before any write so MERGE uses the index."""
    return [
        f"CREATE CONSTRAINT {constraint_name(label)} IF NOT EXISTS "
        f"FOR (n:{quote_identifier(label)}) REQUIRE n.{NODE_KEY} IS UNIQUE"
        for label in schema.NODE_LABELS
    ]


def node_merge_cypher(label: str, rows: str = "$rows", *, replace: bool = False) -> str:
    """MERGE a batch of nodes of one label. *rows* is the parameter (or a literal list, for scripts).

    By default properties are added and updated (``SET n += props``), so properties set outside kg survive;
    with *replace* the node's properties become exactly the row's (``SET n = props``), so a property the
    graph no longer has is removed too.
    """
    label = quote_identifier(schema.check_label(label))
    assignment = f"SET n = row.props, n.{NODE_KEY} = row.id" if replace else "SET n += row.props"
    return f"UNWIND {rows} AS row MERGE (n:{label} {{{NODE_KEY}: row.id}}) {assignment}"


def relationship_merge_cypher(rel_type: str, start_label: str, end_label: str, rows: str = "$rows", *,
                              replace: bool = False) -> str:
    """MERGE a batch of relationships of one type between two labels; endpoints are matched first.
    *replace* as in :func:`node_merge_cypher`."""
    rel_type = quote_identifier(schema.check_relationship_type(rel_type))
    start = quote_identifier(schema.check_label(start_label))
    end = quote_identifier(schema.check_label(end_label))
    return (
        f"UNWIND {rows} AS row "
        f"MATCH (a:{start} {{{NODE_KEY}: row.start}}) "
        f"MATCH (b:{end} {{{NODE_KEY}: row.end}}) "
        f"MERGE (a)-[r:{rel_type} {{{RELATIONSHIP_KEY}: row.key}}]->(b) "
        + (f"SET r = row.props, r.{RELATIONSHIP_KEY} = row.key" if replace else "SET r += row.props")
    )


def batches(rows: list[Any], size: int) -> list[list[Any]]:
    if size < 1:
        raise ValueError("batch size must be at least 1")
    return [rows[start:start + size] for start in range(0, len(rows), size)]
