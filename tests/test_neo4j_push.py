"""`kg push` against a real Neo4j: counts, idempotency, updates, exact properties, and clear errors."""

from __future__ import annotations

import json
import socket

import networkx as nx
import pytest
from click.testing import CliRunner
from conftest import NASTY_ABSTRACT, NASTY_METHOD, NASTY_TITLE, expected_graph, known_records, stored_graph

from kg.cli import cli
from kg.errors import SnapshotError
from kg.graph.build import build_graph
from kg.graph.snapshot import graph_counts, write_snapshot
from kg.graph import rows as neo4j_rows
from kg.neo4j.connection import connect
from kg.neo4j.push import database_counts, dry_run_report, plan_batches, push_graph


def connection_args(settings) -> list[str]:
    return ["--uri", settings.uri, "--user", settings.user, "--password", settings.password or "",
            "--database", settings.database]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.neo4j
def test_push_holds_the_graph_exactly_and_a_second_push_changes_nothing(neo4j_db, known_graph):
    with connect(neo4j_db) as driver:
        first = push_graph(driver, known_graph, database=neo4j_db.database, batch_size=3)
        assert database_counts(driver, neo4j_db.database) == graph_counts(known_graph)
        assert first.counters["nodes_created"] == known_graph.number_of_nodes()
        assert first.counters["relationships_created"] == known_graph.number_of_edges()
        assert stored_graph(driver) == expected_graph(known_graph)

        second = push_graph(driver, known_graph, database=neo4j_db.database)
        assert second.counters["nodes_created"] == 0
        assert second.counters["relationships_created"] == 0
        assert database_counts(driver, neo4j_db.database) == graph_counts(known_graph)
        assert stored_graph(driver) == expected_graph(known_graph)

        constraints = {r["name"] for r in driver.execute_query("SHOW CONSTRAINTS YIELD name").records}
        assert {neo4j_rows.constraint_name(label) for label in ("Paper", "Method", "Result")} <= constraints


@pytest.mark.neo4j
def test_a_stray_index_left_with_a_constraint_name_does_not_stop_the_push(neo4j_db, known_graph):
    # A server killed while it created kg's constraints can come back with a constraint's backing index under the
    # constraint's name and no constraint (seen in test_neo4j_faults); CREATE CONSTRAINT ... IF NOT EXISTS then fails
    # with IndexWithNameAlreadyExists. The push drops kg's own orphaned index and creates the constraint.
    name = neo4j_rows.constraint_name("Method")
    with connect(neo4j_db) as driver:
        driver.execute_query(f"CREATE INDEX `{name}` FOR (n:Method) ON (n.id)", database_=neo4j_db.database)
        push_graph(driver, known_graph, database=neo4j_db.database)
        assert database_counts(driver, neo4j_db.database) == graph_counts(known_graph)
        constraints = {r["name"] for r in driver.execute_query("SHOW CONSTRAINTS YIELD name").records}
        assert name in constraints
        # an index of that name that a constraint owns is the constraint itself: a second push changes nothing
        assert push_graph(driver, known_graph, database=neo4j_db.database).counters["nodes_created"] == 0


@pytest.mark.neo4j
def test_hostile_text_round_trips_unchanged(neo4j_db, known_graph):
    with connect(neo4j_db) as driver:
        push_graph(driver, known_graph, database=neo4j_db.database)
        paper = driver.execute_query("MATCH (p:Paper {id: 'paper:p3'}) RETURN p.title AS title, "
                                     "p.abstract AS abstract").records[0]
        method = driver.execute_query("MATCH (m:Method {id: 'method:nasty'}) RETURN m.name AS name").records[0]
        # The title's "DETACH DELETE" stayed text: nothing was deleted.
        assert database_counts(driver, neo4j_db.database) == graph_counts(known_graph)
    assert paper["title"] == NASTY_TITLE
    assert paper["abstract"] == NASTY_ABSTRACT
    assert method["name"] == NASTY_METHOD


@pytest.mark.neo4j
def test_newer_snapshot_updates_properties_and_adds_what_is_new(neo4j_db):
    older = build_graph(known_records()[:3])
    newer_records = known_records()
    newer_records[0]["title"] = "Deep Residual Learning for Image Recognition"
    newer = build_graph(newer_records)
    with connect(neo4j_db) as driver:
        push_graph(driver, older, database=neo4j_db.database)
        push_graph(driver, newer, database=neo4j_db.database)
        assert database_counts(driver, neo4j_db.database) == graph_counts(newer)
        assert stored_graph(driver) == expected_graph(newer)
        record = driver.execute_query("MATCH (m:Method {id: 'method:resnet-50'}), (p:Paper {id: 'paper:p1'}) "
                                      "RETURN m.paper_count AS n, p.title AS title").records[0]
    assert record["n"] == 3  # p1, p2 and the new p4
    assert record["title"] == "Deep Residual Learning for Image Recognition"


@pytest.mark.neo4j
def test_prune_deletes_what_the_snapshot_no_longer_has(neo4j_db, known_graph):
    older = build_graph(known_records()[:2])
    with connect(neo4j_db) as driver:
        driver.execute_query("CREATE (:Unrelated {id: 'keep me'})")
        push_graph(driver, known_graph, database=neo4j_db.database)
        summary = push_graph(driver, older, database=neo4j_db.database, prune=True)
        assert database_counts(driver, neo4j_db.database) == graph_counts(older)
        assert summary.counters["nodes_deleted"] > 0
        kept = driver.execute_query("MATCH (n:Unrelated) RETURN count(n) AS n").records[0]["n"]
    assert kept == 1  # only kg labels are pruned


@pytest.mark.neo4j
def test_cli_push_twice_reports_no_changes_the_second_time(neo4j_db, known_snapshot, known_graph):
    runner = CliRunner()
    args = ["push", str(known_snapshot), *connection_args(neo4j_db), "--batch-size", "4", "--json"]
    first = runner.invoke(cli, args)
    assert first.exit_code == 0, first.output
    first_summary = json.loads(first.stdout)
    assert first_summary["database_counts"] == graph_counts(known_graph)
    assert first_summary["counters"]["nodes_created"] == known_graph.number_of_nodes()

    second = runner.invoke(cli, args[:-1])  # human-readable this time
    assert second.exit_code == 0, second.output
    assert "created 0 nodes and 0 relationships" in second.stdout
    assert f"{known_graph.number_of_nodes()} nodes" in second.stdout


def test_dry_run_prints_statements_and_counts_without_connecting(known_snapshot, known_graph):
    result = CliRunner().invoke(cli, ["push", str(known_snapshot), "--dry-run",
                                      "--uri", f"bolt://127.0.0.1:{closed_port()}"])
    assert result.exit_code == 0, result.output
    assert "CREATE CONSTRAINT kg_paper_id IF NOT EXISTS FOR (n:`Paper`) REQUIRE n.id IS UNIQUE;" in result.stdout
    assert "-- Paper: 4 nodes in 1 batch" in result.stdout
    assert "-- RUNS_ON (Method)->(Hardware): 3 relationships in 1 batch" in result.stdout
    assert f"{known_graph.number_of_nodes()} nodes, {known_graph.number_of_edges()} relationships" in result.stdout
    assert "Robert" not in result.stdout  # values travel as parameters, never in the statement text


def test_every_statement_takes_its_values_as_parameters(known_graph):
    statements = {batch.cypher for batch in plan_batches(known_graph, batch_size=2)}
    assert statements and all(cypher.startswith("UNWIND $rows AS row ") for cypher in statements)
    assert not any("Robert" in cypher or "Bobby" in cypher for cypher in statements)
    report = dry_run_report(known_graph, batch_size=2)
    assert "-- Paper: 4 nodes in 2 batches" in report


def test_labels_and_types_outside_the_schema_are_refused():
    graph = nx.MultiDiGraph()
    graph.add_node("x", label="Paper`) DETACH DELETE n //", name="x")
    with pytest.raises(SnapshotError, match="not one of"):
        neo4j_rows.node_rows(graph)
    graph = nx.MultiDiGraph()
    graph.add_node("a", label="Paper")
    graph.add_node("b", label="Method")
    graph.add_edge("a", "b", key="k", type="USES]->() DETACH DELETE a //")
    with pytest.raises(SnapshotError, match="not a relationship type"):
        neo4j_rows.relationship_rows(graph)


def test_property_values_neo4j_can_store():
    assert neo4j_rows.node_properties({"label": "Paper", "a": None, "b": [], "c": ["x"], "d": {"k": 1},
                                       "e": [1, 2.5], "f": [1, "x"], "g": 2**70}) == {
        "b": [], "c": ["x"], "d": '{"k": 1}', "e": [1.0, 2.5], "f": '[1, "x"]', "g": str(2**70)}


def test_unreachable_server_exits_11_without_traceback(known_snapshot):
    result = CliRunner().invoke(cli, ["push", str(known_snapshot), "--uri", f"bolt://127.0.0.1:{closed_port()}",
                                      "--password", "whatever"], env={"KG_NEO4J_RETRY_SECONDS": "0.5"})
    assert result.exit_code == 11, result.output
    assert "cannot reach Neo4j at bolt://127.0.0.1:" in result.output
    assert "Traceback" not in result.output


def test_missing_snapshot_exits_4(tmp_path):
    result = CliRunner().invoke(cli, ["push", str(tmp_path / "nope"), "--dry-run"])
    assert result.exit_code == 4
    assert "no such snapshot directory" in result.output


@pytest.mark.neo4j
def test_wrong_password_exits_12(neo4j_server, known_snapshot):
    args = connection_args(neo4j_server)
    args[args.index("--password") + 1] = "not-the-password"
    result = CliRunner().invoke(cli, ["push", str(known_snapshot), *args])
    assert result.exit_code == 12, result.output
    assert "refused user 'neo4j'" in result.output
    assert "Traceback" not in result.output


@pytest.mark.neo4j
def test_missing_database_exits_13(neo4j_server, known_snapshot):
    args = connection_args(neo4j_server)
    args[args.index("--database") + 1] = "nosuchdb"
    result = CliRunner().invoke(cli, ["push", str(known_snapshot), *args])
    assert result.exit_code == 13, result.output
    assert "has no database 'nosuchdb'" in result.output


@pytest.mark.neo4j
def test_push_reads_connection_settings_from_the_environment(neo4j_db, known_graph, tmp_path):
    snapshot = write_snapshot(known_graph, tmp_path / "env-snapshot").path
    env = {"NEO4J_URI": neo4j_db.uri, "NEO4J_USER": neo4j_db.user, "NEO4J_PASSWORD": neo4j_db.password}
    result = CliRunner().invoke(cli, ["push", str(snapshot), "-q"], env=env)
    assert result.exit_code == 0, result.output
    assert f"to {neo4j_db.uri} (database neo4j)" in result.stdout


@pytest.mark.parametrize("uri", ["http://127.0.0.1:1", "https://db.example:7473", "127.0.0.1:7687",
                                 "bolt://127.0.0.1:notaport", "bolt://127.0.0.1:99999", "bolt://[::1", "bolt://"])
def test_a_uri_kg_can_not_use_exits_2_naming_it(known_snapshot, uri):
    result = CliRunner().invoke(cli, ["push", str(known_snapshot), "--uri", uri, "--password", "whatever"],
                                env={"KG_NEO4J_RETRY_SECONDS": "0.5"})
    assert result.exit_code == 2, result.output
    assert f"bad Neo4j URI {uri!r}" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("value", ["abc", "-1", "nan", "inf"])
def test_a_retry_time_that_is_not_a_number_of_seconds_exits_2_naming_the_variable(known_snapshot, value):
    result = CliRunner().invoke(cli, ["push", str(known_snapshot), "--uri", f"bolt://127.0.0.1:{closed_port()}"],
                                env={"KG_NEO4J_RETRY_SECONDS": value})
    assert result.exit_code == 2, result.output
    assert f"KG_NEO4J_RETRY_SECONDS={value!r}" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.neo4j
def test_push_prune_of_an_updated_snapshot_leaves_neo4j_equal_to_it(neo4j_db, tmp_path):
    from kg.graph.snapshot import load_snapshot
    from kg.workflow import build_snapshot

    rows = [
        {"id": "a", "title": "FastNet: Fast Networks", "date": "2024-03-01", "venue": "ICML",
         "abstract": "We propose FastNet. FastNet outperforms ResNet-50 on ImageNet on an A100 GPU."},
        {"id": "b", "title": "SlowNet: Slow Networks", "date": "2024-03-02",
         "abstract": "We propose SlowNet and evaluate it on ImageNet with 71% top-1 accuracy on a TPU v4."},
    ]
    first = tmp_path / "week1.jsonl"
    first.write_text("".join(json.dumps(row) + "\n" for row in rows))
    build_snapshot([str(first)], tmp_path / "week1", html=False)
    # week 2: paper a loses its venue and its date, paper b is gone, paper c is new
    rows[0] = {k: v for k, v in rows[0].items() if k not in ("venue", "date")}
    rows[1] = {"id": "c", "title": "Another Look at ResNet-50", "date": "2024-04-01",
               "abstract": "We train ResNet-50 on ImageNet with SGD."}
    second = tmp_path / "week2.jsonl"
    second.write_text("".join(json.dumps(row) + "\n" for row in rows))
    build_snapshot([str(second)], tmp_path / "week2", html=False, update=tmp_path / "week1")
    newer = load_snapshot(tmp_path / "week2").graph
    assert "venue" not in {k for k, v in newer.nodes["paper:a"].items() if v is not None}

    runner = CliRunner()
    assert runner.invoke(cli, ["push", str(tmp_path / "week1"), *connection_args(neo4j_db), "-q"]).exit_code == 0
    with connect(neo4j_db) as driver:
        # Without --prune a push only adds and updates: the stale venue stays.
        assert runner.invoke(cli, ["push", str(tmp_path / "week2"), *connection_args(neo4j_db), "-q"]).exit_code == 0
        stale = driver.execute_query("MATCH (p:Paper {id: 'paper:a'}) RETURN p.venue AS v").records[0]["v"]
        assert stale == "ICML"
        result = runner.invoke(cli, ["push", str(tmp_path / "week2"), *connection_args(neo4j_db), "--prune", "-q"])
        assert result.exit_code == 0, result.output
        assert stored_graph(driver) == expected_graph(newer)
        assert database_counts(driver, neo4j_db.database) == graph_counts(newer)


def test_prune_plans_replace_properties_and_plain_pushes_merge_them(known_graph):
    plain = {batch.cypher for batch in plan_batches(known_graph)}
    exact = {batch.cypher for batch in plan_batches(known_graph, replace=True)}
    assert all("+= row.props" in cypher for cypher in plain)
    assert all("= row.props" in cypher and "+=" not in cypher for cypher in exact)
