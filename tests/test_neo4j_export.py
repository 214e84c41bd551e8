"""`kg export cypher` and `kg export neo4j-csv`: files that load the same graph as `kg push`."""

from __future__ import annotations

import csv
import io
import os

import pytest
from click.testing import CliRunner
from conftest import NASTY_ABSTRACT, NASTY_METHOD, NASTY_TITLE, expected_graph, stored_graph

from kg.cli import cli
from kg.export.cypher import cypher_literal, cypher_statements, cypher_string, generate_cypher
from kg.errors import InputError
from kg.export.neo4j_csv import (ARRAY_DELIMITER, column_type, csv_field, generate_neo4j_csv, listed_files,
                                 write_neo4j_csv)
from kg.graph.snapshot import graph_counts
from kg.neo4j import server
from kg.neo4j.connection import Neo4jSettings, connect
from kg.neo4j.push import database_counts

# --- Cypher script -------------------------------------------------------------------------


def test_cypher_strings_escape_everything_that_could_end_them():
    assert cypher_string("it's") == r"'it\'s'"
    assert cypher_string('a\\b"c') == r"'a\\b\"c'"
    assert cypher_string("two\nlines\r\t") == r"'two\nlines\r\t'"
    assert cypher_string("naïve 😀") == r"'na\u00EFve \uD83D\uDE00'"
    assert cypher_string("\x00\x7f") == r"'\u0000\u007F'"
    assert cypher_literal({"a b": [1, 2.5, None, True], "ok": "x"}) == "{`a b`: [1, 2.5, null, true], ok: 'x'}"


def test_script_is_ascii_one_statement_per_line_with_constraints_first(known_graph):
    lines = list(generate_cypher(known_graph, batch_size=2))
    statements = cypher_statements("\n".join(lines))
    assert all(line.isascii() for line in lines)
    assert all(line.endswith(";") for line in lines if not line.startswith("//"))
    assert statements[0].startswith("CREATE CONSTRAINT kg_paper_id IF NOT EXISTS")
    first_merge = next(i for i, s in enumerate(statements) if "MERGE" in s)
    assert all(s.startswith(("CREATE CONSTRAINT", "CALL db.awaitIndexes")) for s in statements[:first_merge])
    assert all(s.startswith("UNWIND [") for s in statements[first_merge:])


@pytest.mark.neo4j
def test_literals_read_back_as_the_same_values(neo4j_server):
    values = [NASTY_TITLE, NASTY_METHOD, NASTY_ABSTRACT, "\u2028\U0001d518", 1e-05, -0.0, 2**62, [], ["a;b", "c"],
              {"nested": {"k": [1, 2]}}]
    with connect(neo4j_server) as driver:
        for value in values:
            assert driver.execute_query(f"RETURN {cypher_literal(value)} AS v").records[0]["v"] == value


@pytest.mark.neo4j
def test_script_run_statement_by_statement_gives_the_pushed_graph(neo4j_db, known_graph, known_snapshot, tmp_path):
    script = tmp_path / "graph.cypher"
    result = CliRunner().invoke(cli, ["export", "cypher", str(known_snapshot), "-o", str(script),
                                      "--batch-size", "3"])
    assert result.exit_code == 0, result.output
    statements = cypher_statements(script.read_text(encoding="ascii"))
    with connect(neo4j_db) as driver:
        for statement in statements:
            driver.execute_query(statement)
        assert database_counts(driver, neo4j_db.database) == graph_counts(known_graph)
        assert stored_graph(driver) == expected_graph(known_graph)
        for statement in statements:  # idempotent: a second run changes nothing
            driver.execute_query(statement)
        assert stored_graph(driver) == expected_graph(known_graph)
        title = driver.execute_query("MATCH (p:Paper {id: 'paper:p3'}) RETURN p.title AS t").records[0]["t"]
    assert title == NASTY_TITLE


@pytest.mark.neo4j
def test_script_run_over_a_stale_database_converges_to_the_graph(neo4j_db, known_graph, tmp_path):
    """Properties are replaced, as `kg push --prune` does: a property the graph no longer has goes too."""
    from kg.export.cypher import write_cypher
    from kg.neo4j.push import push_graph

    stale = known_graph.copy()
    paper = "paper:p3"
    stale.nodes[paper]["title"] = "An older title"
    stale.nodes[paper]["retracted_note"] = "a property the graph no longer has"
    source, target, key = next(iter(stale.edges(keys=True)))
    stale.edges[source, target, key]["stale_weight"] = 0.5
    for _node, attrs in stale.nodes(data=True):
        if attrs.get("label") == "Method":
            attrs["legacy_alias"] = ["old name"]
    script = tmp_path / "graph.cypher"
    write_cypher(known_graph, script, batch_size=4)
    statements = cypher_statements(script.read_text(encoding="ascii"))
    with connect(neo4j_db) as driver:
        push_graph(driver, stale, database=neo4j_db.database)
        assert stored_graph(driver) != expected_graph(known_graph)  # the database is stale
        for statement in statements:
            driver.execute_query(statement)
        assert stored_graph(driver) == expected_graph(known_graph)
        assert database_counts(driver, neo4j_db.database) == graph_counts(known_graph)


def test_cli_export_cypher_to_stdout(known_snapshot):
    result = CliRunner().invoke(cli, ["export", "cypher", str(known_snapshot), "-o", "-"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("// kg graph: 18 nodes, 41 relationships.")
    assert "MERGE (n:`Paper` {id: row.id})" in result.stdout


# --- neo4j-admin CSV ----------------------------------------------------------------------


def read_csv_lines(lines):
    return list(csv.reader(io.StringIO("\n".join(lines) + "\n", newline="")))


def test_csv_headers_and_counts_match_the_graph(known_graph):
    files = generate_neo4j_csv(known_graph)
    counts = graph_counts(known_graph)
    node_rows, rel_rows = {}, {}
    for name, lines in files.items():
        header, *rows = read_csv_lines(lines)
        kind, stem = name.split("/")
        if kind == "nodes":
            label = stem[:-4]
            assert header[:2] == [f"id:ID({label})", ":LABEL"]
            assert all(row[1] == label for row in rows)
            node_rows[label] = len(rows)
        else:
            rel_type, start, end = stem[:-4].split("-")
            assert header[:4] == [f":START_ID({start})", f":END_ID({end})", ":TYPE", "key"]
            assert all(row[2] == rel_type for row in rows)
            rel_rows[rel_type] = rel_rows.get(rel_type, 0) + len(rows)
        assert all(len(row) == len(header) for row in rows)
    assert node_rows == counts["nodes"]
    assert rel_rows == counts["relationships"]

    paper_header, *papers = read_csv_lines(files["nodes/Paper.csv"])
    assert {"paper_count:int", "year:int", "aliases:string[]", "authors:string[]", "title"} <= set(paper_header)
    p3 = dict(zip(paper_header, next(row for row in papers if row[0] == "paper:p3")))
    assert p3["title"] == NASTY_TITLE and p3["abstract"] == NASTY_ABSTRACT
    assert p3["year:int"] == ""  # missing: no property
    assert p3["authors:string[]"].split(ARRAY_DELIMITER) == ["A. Author", "B. O'Brien"]
    result_header = read_csv_lines(files["nodes/Result.csv"])[0]
    assert "value:double" in result_header


def test_csv_column_types_and_fields():
    assert column_type([1, None, 2]) == "int"
    assert column_type([1, 2**40]) == "long"
    assert column_type([1, 2.5]) == "double"
    assert column_type([True, False]) == "boolean"
    assert column_type([["a"], []]) == "string[]"
    assert column_type([[1.5]]) == "double[]"
    assert column_type(["x", 1]) == "string"
    assert csv_field('say "hi"', "string") == '"say ""hi"""'
    assert csv_field("", "string") == '""'  # an empty string, not a missing value
    assert csv_field(None, "string") == ""
    assert csv_field(float("nan"), "double") == "NaN"


def test_cli_export_neo4j_csv_writes_files_and_import_script(known_snapshot, tmp_path):
    out = tmp_path / "csv"
    result = CliRunner().invoke(cli, ["export", "neo4j-csv", str(known_snapshot), "-o", str(out)])
    assert result.exit_code == 0, result.output
    script = (out / "import.sh").read_text()
    assert os.access(out / "import.sh", os.X_OK)
    assert 'database import full "${1:-neo4j}"' in script
    assert "--nodes=nodes/Paper.csv" in script and "--relationships=relationships/USES-Paper-Method.csv" in script
    assert (out / "README.md").is_file()


@pytest.mark.neo4j
def test_neo4j_admin_import_of_the_csv_gives_the_pushed_graph(neo4j_instance, known_snapshot, known_graph,
                                                             tmp_path):
    if neo4j_instance.state_dir is None:
        pytest.skip("KG_TEST_NEO4J_URI names an outside server; this test needs kg's own launcher")
    out, state_dir = tmp_path / "csv", tmp_path / "imported-server"
    assert CliRunner().invoke(cli, ["export", "neo4j-csv", str(known_snapshot), "-o", str(out)]).exit_code == 0
    result = CliRunner().invoke(cli, ["neo4j", "import", str(out), "--state-dir", str(state_dir)])
    assert result.exit_code == 0, result.output
    assert "IMPORT DONE" in result.stdout
    info = server.start(state_dir, password="import-test-pw")
    try:
        settings = Neo4jSettings(uri=info.uri, user=info.user, password=info.password, retry_seconds=5)
        with connect(settings) as driver:
            assert database_counts(driver, "neo4j") == graph_counts(known_graph)
            nodes, rels = expected_graph(known_graph)
            # The import tool can not write an empty array: those properties are absent instead.
            nodes = {node: (labels, {k: v for k, v in props.items() if v != []})
                     for node, (labels, props) in nodes.items()}
            assert stored_graph(driver) == (nodes, rels)
    finally:
        server.stop(state_dir)


def test_cli_export_neo4j_csv_of_an_empty_graph_creates_the_directory(tmp_path):
    import networkx as nx

    from kg.graph.snapshot import write_snapshot

    snapshot = write_snapshot(nx.MultiDiGraph(), tmp_path / "empty").path
    out = tmp_path / "new" / "csv"
    result = CliRunner().invoke(cli, ["export", "neo4j-csv", str(snapshot), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "import.sh").is_file() and (out / "README.md").is_file()
    assert listed_files(out) == []


def small_graph():
    from conftest import known_records

    from kg.graph.build import build_graph

    return build_graph(known_records()[3:])  # one paper: no Result nodes, no OUTPERFORMS ...


def test_export_into_a_used_directory_leaves_only_this_graphs_csv_files(known_graph, tmp_path):
    out = tmp_path / "csv"
    write_neo4j_csv(known_graph, out)
    (out / "nodes" / "notes.txt").write_text("mine")
    write_neo4j_csv(small_graph(), out)
    expected = sorted(generate_neo4j_csv(small_graph()))
    assert "nodes/Result.csv" in generate_neo4j_csv(known_graph) and "nodes/Result.csv" not in expected
    assert sorted(str(p.relative_to(out)) for p in out.glob("*/*.csv")) == expected
    assert (out / "nodes" / "notes.txt").read_text() == "mine"  # only CSV files are kg's to delete
    assert listed_files(out) == expected


def test_import_takes_the_listed_files_not_whatever_csv_is_there(known_graph, tmp_path):
    out = tmp_path / "csv"
    write_neo4j_csv(known_graph, out)
    (out / "nodes" / "Paper-copy.csv").write_bytes((out / "nodes" / "Paper.csv").read_bytes())
    assert listed_files(out) == sorted(generate_neo4j_csv(known_graph))
    (out / "files.json").unlink()
    with pytest.raises(InputError, match="no files.json"):
        server.import_csv(out, tmp_path / "state")


@pytest.mark.parametrize("listed", ['{"files": ["../secret.csv"]}', '{"files": ["nodes/Paper.csv", "nodes/Gone.csv"]}',
                                    '{"files": "nodes/Paper.csv"}', "not json"])
def test_a_bad_file_list_is_an_input_error(known_graph, tmp_path, listed):
    out = tmp_path / "csv"
    write_neo4j_csv(known_graph, out)
    (out / "files.json").write_text(listed)
    with pytest.raises(InputError):
        listed_files(out)


@pytest.mark.neo4j
def test_neo4j_admin_import_after_exporting_into_a_used_directory_loads_only_the_last_graph(neo4j_instance,
                                                                                          known_graph, tmp_path):
    if neo4j_instance.state_dir is None:
        pytest.skip("KG_TEST_NEO4J_URI names an outside server; this test needs kg's own launcher")
    out, state_dir = tmp_path / "csv", tmp_path / "reimported-server"
    write_neo4j_csv(known_graph, out)
    graph = small_graph()
    write_neo4j_csv(graph, out)
    (out / "nodes" / "Paper-copy.csv").write_bytes((out / "nodes" / "Paper.csv").read_bytes())
    result = CliRunner().invoke(cli, ["neo4j", "import", str(out), "--state-dir", str(state_dir)])
    assert result.exit_code == 0, result.output
    info = server.start(state_dir, password="import-test-pw")
    try:
        settings = Neo4jSettings(uri=info.uri, user=info.user, password=info.password, retry_seconds=5)
        with connect(settings) as driver:
            assert database_counts(driver, "neo4j") == graph_counts(graph)
    finally:
        server.stop(state_dir)


def test_tasks_and_their_relations_reach_both_exports():
    from conftest import IMAGENET, RESNET, _record

    from kg.graph.build import build_graph

    task = ("task:image classification", "Task", "image classification", [], False)
    graph = build_graph([_record("t1", "Residual nets", [RESNET, IMAGENET, task], relations=[
        ("APPLIED_TO", "method:resnet-50", "task:image classification"),
        ("BENCHMARKS", "dataset:imagenet", "task:image classification")])])
    files = generate_neo4j_csv(graph)
    assert {"nodes/Task.csv", "relationships/ADDRESSES-Paper-Task.csv", "relationships/APPLIED_TO-Method-Task.csv",
            "relationships/BENCHMARKS-Dataset-Task.csv"} <= set(files)
    script = "\n".join(generate_cypher(graph))
    assert "CREATE CONSTRAINT kg_task_id" in script and ":`Task`" in script and "`APPLIED_TO`" in script
