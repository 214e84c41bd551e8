"""`kg push`: write a graph into Neo4j in batches, idempotently.

Constraints first (so every MERGE is an index lookup), then nodes grouped by label, then relationships grouped
by (type, start label, end label), each batch one ``UNWIND $rows`` statement in a managed transaction that the
driver retries on transient faults. Every element is MERGEd on its id (nodes) or key (relationships), so
pushing the same snapshot again changes nothing and a newer one updates properties and adds what is new.
With ``prune`` the push makes the database equal to the snapshot: properties are replaced, not merged
(``SET n = props``: a property the snapshot no longer has goes too), and kg nodes and relationships the
snapshot no longer has are deleted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import neo4j

from kg.graph import schema
from kg.graph.snapshot import load_snapshot
from kg.graph import rows as neo4j_rows
from kg.neo4j.connection import Neo4jSettings, connect

DEFAULT_BATCH_SIZE = 1000
COUNTER_NAMES = ("nodes_created", "nodes_deleted", "relationships_created", "relationships_deleted",
                 "properties_set")

ProgressCallback = Callable[[int], None]  # called with the number of elements just written


@dataclass
class Batch:
    kind: str  # "nodes" or "relationships"
    group: str  # the label, or "TYPE (Start)->(End)"
    cypher: str
    rows: list[dict[str, Any]]


@dataclass
class PushSummary:
    nodes: dict[str, int] = field(default_factory=dict)  # rows written per label
    relationships: dict[str, int] = field(default_factory=dict)  # rows written per type
    counters: dict[str, int] = field(default_factory=dict)  # what Neo4j reports it changed
    batches: int = 0
    database_counts: dict[str, dict[str, int]] = field(default_factory=dict)  # what Neo4j holds (push_snapshot)


def plan_batches(graph: nx.MultiDiGraph, batch_size: int = DEFAULT_BATCH_SIZE, *,
                 replace: bool = False) -> list[Batch]:
    """Every write statement of a push, in order, with its rows. Pure: used by push and --dry-run alike.
    *replace* sets properties exactly (``SET n = props``), as ``--prune`` does."""
    planned = []
    for label, rows in neo4j_rows.node_rows(graph).items():
        cypher = neo4j_rows.node_merge_cypher(label, replace=replace)
        planned += [Batch("nodes", label, cypher, chunk) for chunk in neo4j_rows.batches(rows, batch_size)]
    for (rel_type, start, end), rows in neo4j_rows.relationship_rows(graph).items():
        cypher = neo4j_rows.relationship_merge_cypher(rel_type, start, end, replace=replace)
        group = f"{rel_type} ({start})->({end})"
        planned += [Batch("relationships", group, cypher, chunk) for chunk in neo4j_rows.batches(rows, batch_size)]
    return planned


def dry_run_report(graph: nx.MultiDiGraph, batch_size: int = DEFAULT_BATCH_SIZE, *, prune: bool = False) -> str:
    """What a push would send, statement by statement, without connecting."""
    lines = ["-- constraints (created if missing)"]
    lines += [statement + ";" for statement in neo4j_rows.constraint_statements()]
    by_group: dict[tuple[str, str, str], list[int]] = {}
    for batch in plan_batches(graph, batch_size, replace=prune):
        by_group.setdefault((batch.kind, batch.group, batch.cypher), []).append(len(batch.rows))
    for (kind, group, cypher), sizes in by_group.items():
        lines.append(f"-- {group}: {sum(sizes)} {kind} in {len(sizes)} batch{'es' if len(sizes) != 1 else ''}")
        lines.append(cypher + ";")
    nodes, rels = graph.number_of_nodes(), graph.number_of_edges()
    if prune:
        lines.append("-- then delete kg nodes and relationships the snapshot does not have")
    lines.append(f"-- total: {nodes} nodes, {rels} relationships (dry run: nothing was sent)")
    return "\n".join(lines)


def ensure_constraints(driver: neo4j.Driver, database: str) -> None:
    for statement in neo4j_rows.constraint_statements():
        driver.execute_query(statement, database_=database)
    # A constraint's index may still be populating; MERGE should not race it.
    driver.execute_query("CALL db.awaitIndexes(300)", database_=database)


def _write_batch(tx: neo4j.ManagedTransaction, cypher: str, rows: list[dict[str, Any]]) -> dict[str, int]:
    counters = tx.run(cypher, rows=rows).consume().counters
    return {name: getattr(counters, name) for name in COUNTER_NAMES}


def push_graph(
    driver: neo4j.Driver,
    graph: nx.MultiDiGraph,
    *,
    database: str,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_progress: ProgressCallback | None = None,
    prune: bool = False,
) -> PushSummary:
    """Write *graph* into *database*; with *prune*, also delete kg nodes and relationships it does not have."""
    summary = PushSummary()
    totals: Counter = Counter()
    ensure_constraints(driver, database)
    with driver.session(database=database) as session:
        for batch in plan_batches(graph, batch_size, replace=prune):
            totals.update(session.execute_write(_write_batch, batch.cypher, batch.rows))
            target = summary.nodes if batch.kind == "nodes" else summary.relationships
            key = batch.group.split(" ", 1)[0]
            target[key] = target.get(key, 0) + len(batch.rows)
            summary.batches += 1
            if on_progress is not None:
                on_progress(len(batch.rows))
        if prune:
            totals.update(_prune(session, graph))
    summary.counters = {name: totals.get(name, 0) for name in COUNTER_NAMES}
    return summary


def _prune(session: neo4j.Session, graph: nx.MultiDiGraph) -> Counter:
    """Delete what the snapshot no longer has: kg-labelled nodes and kg-typed relationships only."""
    totals: Counter = Counter()
    node_ids = {label: [row["id"] for row in found] for label, found in neo4j_rows.node_rows(graph).items()}
    edge_keys: dict[str, list[list[str]]] = {}
    for (rel_type, _start, _end), found in neo4j_rows.relationship_rows(graph).items():
        edge_keys.setdefault(rel_type, []).extend([row["start"], row["end"], row["key"]] for row in found)
    for rel_type in schema.RELATIONSHIP_TYPES:
        cypher = (f"MATCH (a)-[r:{neo4j_rows.quote_identifier(rel_type)}]->(b) "
                  "WHERE NOT [a.id, b.id, r.key] IN $keep DELETE r")
        totals.update(session.execute_write(_run_with, cypher, keep=edge_keys.get(rel_type, [])))
    for label in schema.NODE_LABELS:
        cypher = f"MATCH (n:{neo4j_rows.quote_identifier(label)}) WHERE NOT n.id IN $keep DETACH DELETE n"
        totals.update(session.execute_write(_run_with, cypher, keep=node_ids.get(label, [])))
    return totals


def _run_with(tx: neo4j.ManagedTransaction, cypher: str, **parameters: Any) -> dict[str, int]:
    counters = tx.run(cypher, parameters).consume().counters
    return {name: getattr(counters, name) for name in COUNTER_NAMES}


def database_counts(driver: neo4j.Driver, database: str) -> dict[str, dict[str, int]]:
    """Nodes per kg label and relationships per kg type in the database (zeros left out, like graph_counts)."""
    # Only count tokens the database knows, so the server has no unknown-label warning to send.
    known_labels = {r["label"] for r in driver.execute_query("CALL db.labels()", database_=database).records}
    known_types = {r["relationshipType"] for r in
                   driver.execute_query("CALL db.relationshipTypes()", database_=database).records}

    def counts(tokens, known, pattern):
        found = {}
        for token in tokens:
            if token not in known:
                continue
            query = pattern.format(neo4j_rows.quote_identifier(token))
            count = driver.execute_query(query, database_=database).records[0]["n"]
            if count:
                found[token] = count
        return found

    nodes = counts(schema.NODE_LABELS, known_labels, "MATCH (n:{}) RETURN count(n) AS n")
    relationships = counts(schema.RELATIONSHIP_TYPES, known_types, "MATCH ()-[r:{}]->() RETURN count(r) AS n")
    return {"nodes": dict(sorted(nodes.items())), "relationships": dict(sorted(relationships.items()))}


def push_snapshot(
    directory: str | Path,
    settings: Neo4jSettings,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_start: Callable[[int], None] | None = None,
    on_progress: ProgressCallback | None = None,
    prune: bool = False,
) -> PushSummary:
    """Load the snapshot in *directory* and push it. *on_start* gets the number of elements to write."""
    graph = load_snapshot(directory).graph
    with connect(settings) as driver:
        if on_start is not None:
            on_start(graph.number_of_nodes() + graph.number_of_edges())
        summary = push_graph(driver, graph, database=settings.database, batch_size=batch_size,
                             on_progress=on_progress, prune=prune)
        summary.database_counts = database_counts(driver, settings.database)
    return summary
