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
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import neo4j

from kg.errors import SnapshotError
from kg import schema
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
    seconds: float = 0.0  # writing the batches (constraints included, pruning not)
    elements_per_second: float = 0.0  # nodes + relationships written per second


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


def plan_stream_batches(nodes: Iterable[tuple[str, dict[str, Any]]],
                        edges: Iterable[tuple[str, str, str, dict[str, Any]]],
                        batch_size: int = DEFAULT_BATCH_SIZE, *, replace: bool = False) -> Iterator[Batch]:
    """:func:`plan_batches` for a graph that is streamed (a bulk snapshot): every node batch, then every
    relationship batch; rows keep the stream's order. Memory: one open batch per group plus a label per node id."""
    if batch_size < 1:
        raise ValueError("batch size must be at least 1")
    labels: dict[str, str] = {}
    open_nodes: dict[str, list[dict[str, Any]]] = {}
    for node, attrs in nodes:
        label = labels[node] = neo4j_rows.check_node_label(node, attrs.get("label"))
        rows = open_nodes.setdefault(label, [])
        rows.append({"id": str(node), "props": neo4j_rows.node_properties(attrs)})
        if len(rows) == batch_size:
            yield Batch("nodes", label, neo4j_rows.node_merge_cypher(label, replace=replace), open_nodes.pop(label))
    for label, rows in open_nodes.items():
        yield Batch("nodes", label, neo4j_rows.node_merge_cypher(label, replace=replace), rows)
    open_rels: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for source, target, key, attrs in edges:
        rel_type = neo4j_rows.check_edge_type(source, target, attrs.get("type"))
        try:
            group = (rel_type, labels[source], labels[target])
        except KeyError as missing:
            raise SnapshotError(f"edge {source!r} -> {target!r}: no node {missing}") from None
        rows = open_rels.setdefault(group, [])
        rows.append({"start": str(source), "end": str(target), "key": str(key),
                     "props": neo4j_rows.relationship_properties(attrs)})
        if len(rows) == batch_size:
            yield _relationship_batch(group, open_rels.pop(group), replace)
    for group, rows in open_rels.items():
        yield _relationship_batch(group, rows, replace)


def _relationship_batch(group: tuple[str, str, str], rows: list[dict[str, Any]], replace: bool) -> Batch:
    rel_type, start, end = group
    return Batch("relationships", f"{rel_type} ({start})->({end})",
                 neo4j_rows.relationship_merge_cypher(rel_type, start, end, replace=replace), rows)


def snapshot_batches(directory: str | Path, batch_size: int = DEFAULT_BATCH_SIZE, *,
                     replace: bool = False) -> Iterator[Batch]:
    """The batches of a snapshot directory in either form (a bulk one streamed from its files)."""
    from kg.graph.snapshot import is_bulk, iter_edges, iter_nodes, load_manifest

    if is_bulk(load_manifest(directory)):
        return plan_stream_batches(iter_nodes(directory), iter_edges(directory), batch_size, replace=replace)
    return iter(plan_batches(load_snapshot(directory).graph, batch_size, replace=replace))


def dry_run_report(graph: nx.MultiDiGraph | str | Path, batch_size: int = DEFAULT_BATCH_SIZE, *,
                   prune: bool = False) -> str:
    """What a push would send, statement by statement, without connecting (a graph or a snapshot directory)."""
    lines = ["-- constraints (created if missing)"]
    lines += [statement + ";" for statement in neo4j_rows.constraint_statements()]
    by_group: dict[tuple[str, str, str], list[int]] = {}
    batches = (plan_batches(graph, batch_size, replace=prune) if isinstance(graph, nx.MultiDiGraph)
               else snapshot_batches(graph, batch_size, replace=prune))
    for batch in batches:
        by_group.setdefault((batch.kind, batch.group, batch.cypher), []).append(len(batch.rows))
    for (kind, group, cypher), sizes in by_group.items():
        lines.append(f"-- {group}: {sum(sizes)} {kind} in {len(sizes)} batch{'es' if len(sizes) != 1 else ''}")
        lines.append(cypher + ";")
    nodes = sum(sum(sizes) for (kind, _g, _c), sizes in by_group.items() if kind == "nodes")
    rels = sum(sum(sizes) for (kind, _g, _c), sizes in by_group.items() if kind == "relationships")
    if prune:
        lines.append("-- then delete kg nodes and relationships the snapshot does not have")
    lines.append(f"-- total: {nodes} nodes, {rels} relationships (dry run: nothing was sent)")
    return "\n".join(lines)


def ensure_constraints(driver: neo4j.Driver, database: str) -> None:
    for label, statement in zip(schema.NODE_LABELS, neo4j_rows.constraint_statements()):
        try:
            driver.execute_query(statement, database_=database)
        except neo4j.exceptions.ClientError as error:
            if error.code != "Neo.ClientError.Schema.IndexWithNameAlreadyExists":
                raise
            # A server killed while it created the constraint can come back with the constraint's backing index
            # and no constraint; "CREATE CONSTRAINT ... IF NOT EXISTS" then refuses the name. That index is kg's
            # own (its name is constraint_name's): drop it when no constraint owns it, and create the constraint.
            name = neo4j_rows.constraint_name(label)
            records, _, _ = driver.execute_query(
                "SHOW INDEXES YIELD name, owningConstraint WHERE name = $name RETURN owningConstraint",
                name=name, database_=database)
            if not records or records[0]["owningConstraint"] is not None:
                raise
            driver.execute_query(f"DROP INDEX {neo4j_rows.quote_identifier(name)} IF EXISTS", database_=database)
            driver.execute_query(statement, database_=database)
    # A constraint's index may still be populating; MERGE should not race it.
    driver.execute_query("CALL db.awaitIndexes(300)", database_=database)


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
    keep = None
    if prune:
        keep = lambda: _kept_ids(graph.nodes(data=True), graph.edges(keys=True, data=True))  # noqa: E731
    return push_batches(driver, plan_batches(graph, batch_size, replace=prune), database=database,
                        on_progress=on_progress, keep=keep)


def push_batches(
    driver: neo4j.Driver,
    batches: Iterable[Batch],
    *,
    database: str,
    on_progress: ProgressCallback | None = None,
    keep: Callable[[], tuple[dict[str, list[str]], dict[str, list[list[str]]]]] | None = None,
    workers: int = 1,
) -> PushSummary:
    """Write *batches*, one managed transaction each; with *keep* (ids to keep), prune the rest.

    *workers* > 1 writes in parallel (:func:`parallel_waves`): node batches several at a time, then
    relationships in waves of transactions that share no node, so no two concurrent transactions
    wait for each other's node locks.
    """
    summary = PushSummary()
    totals: Counter = Counter()
    started = time.perf_counter()
    ensure_constraints(driver, database)

    def count(unit: Unit) -> None:
        for kind, key, rows in unit.counts:
            target = summary.nodes if kind == "nodes" else summary.relationships
            target[key] = target.get(key, 0) + rows
        summary.batches += 1
        if on_progress is not None:
            on_progress(unit.size)

    with driver.session(database=database) as session:
        if workers <= 1:
            for batch in batches:
                unit = Unit.of(batch)
                totals.update(session.execute_write(_write_unit, unit.statements))
                count(unit)
        else:
            from concurrent.futures import ThreadPoolExecutor

            def write(unit: Unit) -> dict[str, int]:
                with driver.session(database=database) as own:  # a session per thread
                    return own.execute_write(_write_unit, unit.statements)

            with ThreadPoolExecutor(workers) as pool:
                for wave in parallel_waves(batches, workers):
                    for unit, counters in zip(wave, pool.map(write, wave)):
                        totals.update(counters)
                        count(unit)
        summary.seconds = time.perf_counter() - started
        if keep is not None:
            totals.update(_prune(session, *keep()))
    summary.counters = {name: totals.get(name, 0) for name in COUNTER_NAMES}
    elements = sum(summary.nodes.values()) + sum(summary.relationships.values())
    summary.elements_per_second = elements / summary.seconds if summary.seconds > 0 else 0.0
    return summary


@dataclass
class Unit:
    """One transaction: rows per statement, and what they count as (kind, label or type, rows)."""

    statements: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    counts: list[tuple[str, str, int]] = field(default_factory=list)
    size: int = 0

    @classmethod
    def of(cls, batch: Batch) -> Unit:
        return cls({batch.cypher: batch.rows}, [(batch.kind, batch.group.split(" ", 1)[0], len(batch.rows))],
                   len(batch.rows))

    def add(self, batch: Batch, row: dict[str, Any]) -> None:
        self.statements.setdefault(batch.cypher, []).append(row)
        key = batch.group.split(" ", 1)[0]
        if self.counts and self.counts[-1][:2] == (batch.kind, key):
            self.counts[-1] = (batch.kind, key, self.counts[-1][2] + 1)
        else:
            self.counts.append((batch.kind, key, 1))
        self.size += 1


def parallel_waves(batches: Iterable[Batch], workers: int, max_deferred: int | None = None) -> Iterator[list[Unit]]:
    """Group *batches* into waves of at most *workers* transactions that can run at the same time.

    Node batches (each node is in one row only) go *workers* at a time, all before any relationship.
    Relationship rows are repacked (up to the batch size of their batch) so that within a wave no
    node is an endpoint in two transactions: a row joins the transaction that already holds its
    endpoints, or the emptiest one if none does; a row whose endpoints are held by two different
    transactions waits for a later wave. Every row is written exactly once.
    """
    pending: list[Unit] = []
    relationship_batches = []
    batches = iter(batches)
    for batch in batches:
        if batch.kind != "nodes":
            relationship_batches.append(batch)
            break
        pending.append(Unit.of(batch))
        if len(pending) == workers:
            yield pending
            pending = []
    if pending:
        yield pending
    rows = ((batch, row) for source in (relationship_batches, batches) for batch in source for row in batch.rows)
    yield from _relationship_waves(rows, workers, max_deferred)


def _relationship_waves(rows: Iterator[tuple[Batch, dict[str, Any]]], workers: int,
                        max_deferred: int | None) -> Iterator[list[Unit]]:
    from collections import deque

    carry: deque = deque()
    exhausted = False
    while True:
        units = [Unit() for _ in range(workers)]
        limits = [0] * workers
        owner: dict[str, int] = {}
        deferred: deque = deque()
        cap = max_deferred if max_deferred is not None else 4 * workers * DEFAULT_BATCH_SIZE
        while True:
            if carry:
                item = carry.popleft()
            elif not exhausted:
                item = next(rows, None)
                if item is None:
                    exhausted = True
                    continue
            else:
                break
            batch, row = item
            holders = {owner.get(row["start"]), owner.get(row["end"])} - {None}
            if len(holders) == 2:
                deferred.append(item)
            else:
                if holders:
                    index = holders.pop()
                else:
                    index = min(range(workers), key=lambda i: units[i].size)
                limit = limits[index] or len(batch.rows) or 1
                if units[index].size >= limit:
                    deferred.append(item)
                else:
                    limits[index] = limit
                    units[index].add(batch, row)
                    owner[row["start"]] = owner[row["end"]] = index
            if len(deferred) >= cap or all(limits[i] and units[i].size >= limits[i] for i in range(workers)):
                break
        wave = [unit for unit in units if unit.size]
        if not wave:
            return
        yield wave
        deferred.extend(carry)
        carry = deferred


def _write_unit(tx: neo4j.ManagedTransaction, statements: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
    totals: Counter = Counter()
    for cypher, rows in statements.items():
        counters = tx.run(cypher, rows=rows).consume().counters
        totals.update({name: getattr(counters, name) for name in COUNTER_NAMES})
    return dict(totals)


def _kept_ids(nodes: Iterable[tuple[str, dict[str, Any]]], edges: Iterable[tuple[str, str, str, dict[str, Any]]]
              ) -> tuple[dict[str, list[str]], dict[str, list[list[str]]]]:
    node_ids: dict[str, list[str]] = {}
    for node, attrs in nodes:
        node_ids.setdefault(neo4j_rows.check_node_label(node, attrs.get("label")), []).append(str(node))
    edge_keys: dict[str, list[list[str]]] = {}
    for source, target, key, attrs in edges:
        rel_type = neo4j_rows.check_edge_type(source, target, attrs.get("type"))
        edge_keys.setdefault(rel_type, []).append([str(source), str(target), str(key)])
    return node_ids, edge_keys


def _prune(session: neo4j.Session, node_ids: dict[str, list[str]], edge_keys: dict[str, list[list[str]]]) -> Counter:
    """Delete what the snapshot no longer has: kg-labelled nodes and kg-typed relationships only."""
    totals: Counter = Counter()
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
    workers: int = 1,
) -> PushSummary:
    """Push the snapshot in *directory* (either form; a bulk one streams). *on_start* gets the element count."""
    from kg.graph.snapshot import is_bulk, iter_edges, iter_nodes, load_manifest

    manifest = load_manifest(directory)
    if is_bulk(manifest):
        counts = manifest.get("counts", {})
        total = sum(counts.get("nodes", {}).values()) + sum(counts.get("relationships", {}).values())
        batches = snapshot_batches(directory, batch_size, replace=prune)
        keep = (lambda: _kept_ids(iter_nodes(directory), iter_edges(directory))) if prune else None  # noqa: E731
    else:
        graph = load_snapshot(directory).graph
        total = graph.number_of_nodes() + graph.number_of_edges()
        batches = iter(plan_batches(graph, batch_size, replace=prune))
        keep = (lambda: _kept_ids(graph.nodes(data=True), graph.edges(keys=True, data=True))) if prune else None  # noqa: E731
    with connect(settings) as driver:
        if on_start is not None:
            on_start(total)
        summary = push_batches(driver, batches, database=settings.database, on_progress=on_progress, keep=keep,
                               workers=workers)
        summary.database_counts = database_counts(driver, settings.database)
    return summary
