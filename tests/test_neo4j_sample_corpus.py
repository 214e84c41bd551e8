"""The issue's round trip on real data: build the bundled sample corpus, push it, and load its Cypher export."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from conftest import expected_graph, stored_graph

from kg.cli import cli
from kg.export.cypher import cypher_statements
from kg.graph import load_snapshot
from kg.graph.snapshot import graph_counts
from kg.neo4j.connection import connect
from kg.neo4j.push import database_counts, push_graph
from kg.workflow import sample_corpus_paths


@pytest.fixture(scope="module")
def sample_snapshot(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample") / "snapshot"
    result = CliRunner().invoke(cli, ["build", *sample_corpus_paths(), "-o", str(out), "--no-html", "-q"])
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.neo4j
def test_sample_corpus_push_holds_exactly_the_graph_and_a_second_push_changes_nothing(neo4j_db, sample_snapshot):
    graph = load_snapshot(sample_snapshot).graph
    assert graph_counts(graph)["nodes"]["Paper"] == 357
    with connect(neo4j_db) as driver:
        push_graph(driver, graph, database=neo4j_db.database)
        assert database_counts(driver, neo4j_db.database) == graph_counts(graph)
        second = push_graph(driver, graph, database=neo4j_db.database)
        assert second.counters["nodes_created"] == second.counters["relationships_created"] == 0
        assert stored_graph(driver) == expected_graph(graph)


@pytest.mark.neo4j
def test_sample_corpus_cypher_script_gives_the_same_counts(neo4j_db, sample_snapshot, tmp_path):
    script = tmp_path / "graph.cypher"
    result = CliRunner().invoke(cli, ["export", "cypher", str(sample_snapshot), "-o", str(script),
                                      "--batch-size", "500"])
    assert result.exit_code == 0, result.output
    graph = load_snapshot(sample_snapshot).graph
    with connect(neo4j_db) as driver:
        for statement in cypher_statements(script.read_text(encoding="ascii")):
            driver.execute_query(statement)
        assert database_counts(driver, neo4j_db.database) == graph_counts(graph)
