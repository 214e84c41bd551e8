"""Compare `kg push`'s batched writer with a one-statement-per-row writer on the same synthetic graph.

    python bench/push.py                      # starts a throwaway Neo4j with kg's launcher
    python bench/push.py --uri bolt://127.0.0.1:7687 --password secret   # an existing, EMPTY-able database

Both writers MERGE on the same ids with the same uniqueness constraints in place; the database is emptied
before each run. Prints elements (nodes + relationships) per second for each and the ratio.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import shutil
import tempfile
import time
from pathlib import Path

# Run as a script, bench/ would come first on sys.path, where bench/html.py would shadow the standard library.
sys.path[0] = str(Path(__file__).resolve().parents[1])

from kg.graph.build import build_graph  # noqa: E402
from kg.graph import rows as neo4j_rows  # noqa: E402
from kg.neo4j import server  # noqa: E402
from kg.neo4j.connection import Neo4jSettings, connect  # noqa: E402
from kg.neo4j.push import database_counts, ensure_constraints, push_graph  # noqa: E402


def synthetic_records(papers: int, seed: int = 7) -> list[dict]:
    """Extraction records for *papers* papers over a shared pool of entities, like a real corpus."""
    rng = random.Random(seed)
    pools = {
        "Method": [f"method:m{i}" for i in range(papers // 2)],
        "Dataset": [f"dataset:d{i}" for i in range(max(papers // 10, 5))],
        "Hardware": [f"hardware:h{i}" for i in range(20)],
        "Metric": [f"metric:k{i}" for i in range(40)],
    }
    picks = {"Method": 3, "Dataset": 2, "Hardware": 1, "Metric": 2}
    records = []
    for index in range(papers):
        chosen = {kind: rng.sample(pool, picks[kind]) for kind, pool in pools.items()}
        entities = [
            {"id": entity, "type": kind, "name": entity.split(":")[1].upper(), "aliases": [],
             "proposed": kind == "Method" and n == 0,
             "mentions": [{"text": entity, "start": 0, "end": 1, "sentence": 0}]}
            for kind, ids in chosen.items() for n, entity in enumerate(ids)
        ]
        methods, datasets = chosen["Method"], chosen["Dataset"]
        relations = [
            {"type": "EVALUATED_ON", "source": methods[0], "target": datasets[0], "sentence": 1,
             "evidence": "evaluated", "confidence": 0.8},
            {"type": "OUTPERFORMS", "source": methods[0], "target": methods[1], "sentence": 2,
             "evidence": "outperforms", "confidence": 0.7},
            {"type": "RUNS_ON", "source": methods[0], "target": chosen["Hardware"][0], "sentence": 3,
             "evidence": "runs on", "confidence": 0.9},
        ]
        results = [
            {"text": f"{n}.5%", "value": n + 0.5, "unit": "%", "start": 0, "end": 1, "sentence": 2,
             "metric": chosen["Metric"][n], "method": methods[0], "dataset": datasets[n]}
            for n in range(2)
        ]
        title = f"Paper {index}: on {methods[0]}"
        records.append({"id": f"p{index}", "title": title, "abstract": "An abstract. " * 40, "text": title,
                        "year": 2000 + index % 25, "authors": ["A", "B"], "entities": entities,
                        "relations": relations, "results": results})
    return records


def clear(driver, database: str) -> None:
    driver.execute_query("MATCH (n) DETACH DELETE n", database_=database)


def push_row_by_row(driver, graph, database: str) -> None:
    """The naive writer: one MERGE statement, in its own transaction, per node and per relationship."""
    ensure_constraints(driver, database)
    with driver.session(database=database) as session:
        for label, rows in neo4j_rows.node_rows(graph).items():
            cypher = f"MERGE (n:{neo4j_rows.quote_identifier(label)} {{id: $id}}) SET n += $props"
            for row in rows:
                session.execute_write(lambda tx, row=row: tx.run(cypher, id=row["id"], props=row["props"]).consume())
        for (rel_type, start, end), rows in neo4j_rows.relationship_rows(graph).items():
            cypher = (f"MATCH (a:{neo4j_rows.quote_identifier(start)} {{id: $start}}) "
                      f"MATCH (b:{neo4j_rows.quote_identifier(end)} {{id: $end}}) "
                      f"MERGE (a)-[r:{neo4j_rows.quote_identifier(rel_type)} {{key: $key}}]->(b) SET r += $props")
            for row in rows:
                session.execute_write(lambda tx, row=row: tx.run(cypher, start=row["start"], end=row["end"],
                                                                 key=row["key"], props=row["props"]).consume())


def run_once(write, driver, graph, database: str) -> float:
    """Seconds to write *graph* into an emptied database, after checking every element arrived."""
    clear(driver, database)
    started = time.perf_counter()
    write(driver, graph, database)
    seconds = time.perf_counter() - started
    counts = database_counts(driver, database)
    written = sum(counts["nodes"].values()) + sum(counts["relationships"].values())
    assert written == graph.number_of_nodes() + graph.number_of_edges(), counts
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=300, help="synthetic papers (default 300)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per writer; the best counts (default 3)")
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--uri", default=os.environ.get("NEO4J_URI"))
    parser.add_argument("--user", default=os.environ.get("NEO4J_USER", "neo4j"))
    parser.add_argument("--password", default=os.environ.get("NEO4J_PASSWORD"))
    parser.add_argument("--database", default="neo4j")
    args = parser.parse_args()

    graph = build_graph(synthetic_records(args.papers))
    warmup = build_graph(synthetic_records(20, seed=1))
    state_dir = None
    if args.uri:
        settings = Neo4jSettings(args.uri, args.user, args.password, args.database)
    else:
        state_dir = tempfile.mkdtemp(prefix="kg-bench-neo4j-")
        started = time.perf_counter()
        info = server.start(state_dir, password="bench-password", exit_with_parent=True)
        print(f"started Neo4j {server.NEO4J_VERSION} at {info.uri} in {time.perf_counter() - started:.1f} s")
        settings = Neo4jSettings(info.uri, info.user, info.password, args.database)
    try:
        with connect(settings) as driver:
            print(f"graph: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} relationships")

            def batched(driver, graph, database):
                push_graph(driver, graph, database=database, batch_size=args.batch_size)

            for write in (batched, push_row_by_row):  # warm the server's query plans and JIT for both
                clear(driver, args.database)
                write(driver, warmup, args.database)
            writers = {f"batched (UNWIND x{args.batch_size})": batched, "one statement per row": push_row_by_row}
            best = dict.fromkeys(writers, float("inf"))
            for _ in range(args.repeat):  # interleaved, so neither writer alone gets the warmer JVM
                for label, write in writers.items():
                    best[label] = min(best[label], run_once(write, driver, graph, args.database))
            elements = graph.number_of_nodes() + graph.number_of_edges()
            rates = {label: elements / seconds for label, seconds in best.items()}
            for label, rate in rates.items():
                print(f"{label:<26} {elements:>6} elements in {best[label]:6.2f} s = {rate:8.0f} elements/s "
                      f"(best of {args.repeat})")
            fast, slow = rates.values()
            print(f"ratio: batched is {fast / slow:.1f}x faster")
            clear(driver, args.database)
    finally:
        if state_dir is not None:
            server.stop(state_dir)
            shutil.rmtree(state_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
