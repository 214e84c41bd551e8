"""The README's six research queries and `kg query`, on the known graph in a real Neo4j."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import NASTY_METHOD

from kg.cli import cli
from kg.errors import InputError
from kg.neo4j.connection import connect
from kg.neo4j.push import push_graph
from kg.neo4j.queries import NAMED_QUERIES, named_query
from kg.neo4j.query import parse_parameters, query


@pytest.fixture
def pushed(neo4j_db, known_graph):
    """The session's Neo4j holding the known graph (see tests/conftest.py: known_records)."""
    with connect(neo4j_db) as driver:
        push_graph(driver, known_graph, database=neo4j_db.database)
    return neo4j_db


def run_named(settings, name, **parameters):
    chosen = named_query(name)
    return query(settings, chosen.cypher, chosen.parameters(parameters)).rows


@pytest.mark.neo4j
def test_methods_evaluated_on_a_dataset(pushed):
    assert run_named(pushed, "methods-on-dataset", dataset="ImageNet") == [
        {"method": "ResNet-50", "dataset": "ImageNet", "papers": 2, "paper_ids": ["paper:p1", "paper:p4"]},
        {"method": "ViT", "dataset": "ImageNet", "papers": 1, "paper_ids": ["paper:p2"]},
    ]
    # By alias, any case; the method with the hostile name is an ordinary row.
    rows = run_named(pushed, "methods-on-dataset", dataset="cifar10")
    assert [(row["method"], row["paper_ids"]) for row in rows] == [
        (NASTY_METHOD, ["paper:p3"]), ("ResNet-50", ["paper:p1"]), ("VGG-16", ["paper:p1"])]


@pytest.mark.neo4j
def test_hardware_a_method_ran_on(pushed):
    assert run_named(pushed, "hardware-for-method", method="resnet50") == [
        {"hardware": "A100", "method": "ResNet-50", "papers": 1, "paper_ids": ["paper:p4"]},
        {"hardware": "V100", "method": "ResNet-50", "papers": 1, "paper_ids": ["paper:p1"]},
    ]
    assert [row["hardware"] for row in run_named(pushed, "hardware-for-method", method="Vision Transformer")] == [
        "TPU v3"]


@pytest.mark.neo4j
def test_most_reported_metrics(pushed):
    assert run_named(pushed, "top-metrics") == [
        {"metric": "top-1 accuracy", "free_text": False, "papers": 3, "results": 2},
        {"metric": "F1", "free_text": False, "papers": 1, "results": 1},
    ]
    assert len(run_named(pushed, "top-metrics", limit=1)) == 1


@pytest.mark.neo4j
def test_top_metrics_counts_free_text_metrics_as_the_leaderboard_groups_them(neo4j_db):
    """A result whose metric is only free text counts for that text (any case, the first result's form), apart
    from the Metric entity of the same name: every result on the leaderboard's boards is counted once."""
    from test_leaderboard import free_text_graph

    from kg.graph.leaderboard import leaderboard

    graph = free_text_graph()
    with connect(neo4j_db) as driver:
        push_graph(driver, graph, database=neo4j_db.database)
    rows = run_named(neo4j_db, "top-metrics", limit=20)
    assert rows == [
        {"metric": "top-1 accuracy", "free_text": False, "papers": 3, "results": 2},
        {"metric": "performance", "free_text": True, "papers": 2, "results": 2},  # "performance", "Performance "
        {"metric": "F1", "free_text": False, "papers": 1, "results": 1},
        {"metric": "speedup", "free_text": False, "papers": 1, "results": 1},
        {"metric": "speedup", "free_text": True, "papers": 1, "results": 1},
    ]
    boards = leaderboard(graph, "ImageNet")["boards"]
    free = {(b["metric"].lower(), len(b["rows"])) for b in boards if b["free_text"]}
    assert free == {(r["metric"].lower(), r["results"]) for r in rows if r["free_text"]}


# Spellings a user may type for the known graph's entities: case, hyphens, spaces, plurals, an alias's spelling.
SPELLINGS = [("Dataset", "ImageNet"), ("Dataset", "image net"), ("Dataset", "IMAGENETS"), ("Dataset", "CIFAR 10"),
             ("Dataset", "cifar_10"), ("Dataset", "dataset:imagenet"), ("Dataset", "COCO"),
             ("Method", "resnet 50"), ("Method", "ResNet50s"), ("Method", "vision-transformers"),
             ("Method", "VIT"), ("Method", "method:vit"), ("Method", "ResNet-101"),
             ("Metric", "Top 1 Accuracy"), ("Metric", "f-1")]


@pytest.mark.neo4j
def test_named_queries_find_an_entity_by_any_spelling_as_the_graph_does(pushed, known_graph):
    from kg.graph.leaderboard import find_entities
    from kg.neo4j.queries import NamedQuery, _named

    variable = {"Dataset": "d", "Method": "m", "Metric": "mt"}
    for label, spelling in SPELLINGS:
        v = variable[label]
        probe = NamedQuery(name="probe", question="", cypher=f"MATCH ({v}:{label}) WHERE {_named(v, 'name')} "
                           f"RETURN {v}.id AS id ORDER BY id", required=("name",), names={"name": label})
        found = [row["id"] for row in query(pushed, probe.cypher, probe.parameters({"name": spelling})).rows]
        assert found == find_entities(known_graph, label, spelling), (label, spelling)
    # and through the named queries themselves
    by_name = run_named(pushed, "methods-on-dataset", dataset="ImageNet")
    assert run_named(pushed, "methods-on-dataset", dataset="image net") == by_name
    assert [row["hardware"] for row in run_named(pushed, "hardware-for-method", method="vision-transformers")] == [
        "TPU v3"]
    assert [row["method"] for row in run_named(pushed, "methods-sharing-datasets", method="ResNet 50")] == [
        NASTY_METHOD, "VGG-16", "ViT"]
    assert run_named(pushed, "methods-on-dataset", dataset="COCO") == []


def test_a_name_parameter_comes_with_its_merge_key():
    assert named_query("methods-on-dataset").parameters({"dataset": "Image Nets"})["dataset_key"] == "imagenet"
    board = named_query("leaderboard").parameters({"dataset": "ImageNet", "metric": "Top-1 Accuracy"})
    assert (board["metric_key"], board["task_key"]) == ("top1accuracy", None)
    assert named_query("proposals-with-results").parameters({})["method_key"] is None


@pytest.mark.neo4j
def test_methods_sharing_datasets_with_a_method(pushed):
    assert run_named(pushed, "methods-sharing-datasets", method="method:resnet-50") == [
        {"method": NASTY_METHOD, "shared_datasets": 1, "datasets": ["CIFAR-10"]},
        {"method": "VGG-16", "shared_datasets": 1, "datasets": ["CIFAR-10"]},
        {"method": "ViT", "shared_datasets": 1, "datasets": ["ImageNet"]},
    ]


@pytest.mark.neo4j
def test_papers_proposing_a_method_and_their_results(pushed):
    rows = run_named(pushed, "proposals-with-results")
    assert [(row["paper"], row["method"]) for row in rows] == [
        ("An Image is Worth 16x16 Words", "ViT"),
        ("Deep Residual Learning", "ResNet-50"),
        (rows[2]["paper"], NASTY_METHOD),
    ]
    assert rows[1]["results"] == [{"text": "76.1% top-1 accuracy", "value": 76.1, "unit": "%",
                                   "metric": "top-1 accuracy", "metric_text": None, "method": "ResNet-50",
                                   "dataset": "ImageNet", "hardware": None}]
    only = run_named(pushed, "proposals-with-results", method="ViT")
    assert [(row["method"], [r["value"] for r in row["results"]]) for row in only] == [("ViT", [88.55])]


@pytest.mark.neo4j
def test_cli_query_prints_json_lines_with_parameters(pushed):
    result = CliRunner().invoke(cli, [
        "query", "MATCH (p:Paper) WHERE p.year >= $year AND p.venue = $venue RETURN p.id AS id, p.year AS year "
        "ORDER BY id", "-p", "year=2020", "-p", "venue=Test Conf", "--json", "--uri", pushed.uri,
        "--user", pushed.user, "--password", pushed.password])
    assert result.exit_code == 0, result.output
    assert [json.loads(line) for line in result.stdout.splitlines()] == [
        {"id": "paper:p2", "year": 2021}, {"id": "paper:p4", "year": 2021}]


@pytest.mark.neo4j
def test_cli_named_query_prints_a_table(pushed):
    result = CliRunner().invoke(cli, ["query", "--named", "top-metrics", "-p", "limit=5", "--uri", pushed.uri,
                                      "--user", pushed.user, "--password", pushed.password])
    assert result.exit_code == 0, result.output
    assert "metric" in result.stdout and "top-1 accuracy" in result.stdout
    assert "2 rows" in result.stdout


@pytest.mark.neo4j
def test_cli_query_returns_nodes_as_properties(pushed):
    result = CliRunner().invoke(cli, ["query", "MATCH (d:Dataset {id: 'dataset:cifar-10'}) RETURN d", "--json",
                                      "--uri", pushed.uri, "--user", pushed.user, "--password", pushed.password])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"d": {"_labels": ["Dataset"], "id": "dataset:cifar-10", "name": "CIFAR-10",
                                               "aliases": ["CIFAR-10", "CIFAR10"], "paper_count": 2,
                                                   "merge_keys": ["cifar10"]}}


@pytest.mark.neo4j
def test_cli_bad_cypher_exits_14(neo4j_server):
    result = CliRunner().invoke(cli, ["query", "MATCH (n RETURN n", "--uri", neo4j_server.uri,
                                      "--user", neo4j_server.user, "--password", neo4j_server.password])
    assert result.exit_code == 14, result.output
    assert "Neo4j rejected the statement" in result.output
    assert "Traceback" not in result.output


def test_cli_query_needs_exactly_one_statement():
    assert CliRunner().invoke(cli, ["query"]).exit_code == 2
    assert CliRunner().invoke(cli, ["query", "RETURN 1", "--named", "top-metrics"]).exit_code == 2


def test_cli_named_query_without_its_parameter_exits_2():
    result = CliRunner().invoke(cli, ["query", "--named", "methods-on-dataset"])
    assert result.exit_code == 2
    assert "needs -p dataset=..." in result.output


def test_cli_lists_the_named_queries():
    result = CliRunner().invoke(cli, ["query", "--list"])
    assert result.exit_code == 0
    for name in NAMED_QUERIES:
        assert name in result.stdout


def test_parameters_are_json_when_they_parse_else_text():
    assert parse_parameters(["n=3", "f=1.5", "t=true", "l=[1, 2]", "s=ResNet-50", "e=", "q=\"3\"", "k=a=b"]) == {
        "n": 3, "f": 1.5, "t": True, "l": [1, 2], "s": "ResNet-50", "e": "", "q": "3", "k": "a=b"}
    with pytest.raises(InputError):
        parse_parameters(["novalue"])
    with pytest.raises(InputError, match="no parameter 'x'"):
        named_query("top-metrics").parameters({"x": 1})


@pytest.mark.neo4j
def test_methods_and_datasets_for_a_task(neo4j_db):
    from conftest import CIFAR, IMAGENET, RESNET, _record

    from kg.graph.build import build_graph

    task = ("task:image classification", "Task", "image classification", ["Image Classification"], False)
    records = [
        _record("t1", "Residual nets", [RESNET, IMAGENET, task], relations=[
            ("APPLIED_TO", "method:resnet-50", "task:image classification"),
            ("BENCHMARKS", "dataset:imagenet", "task:image classification")]),
        _record("t2", "ViT", [("method:vit", "Method", "ViT", [], True), CIFAR, task]),
        _record("t3", "Unrelated", [("method:other", "Method", "Other", [], True), CIFAR]),
    ]
    with connect(neo4j_db) as driver:
        push_graph(driver, build_graph(records), database=neo4j_db.database)
    rows = run_named(neo4j_db, "methods-and-datasets-for-task", task="Image Classification")
    assert [(r["type"], r["name"], r["papers"]) for r in rows] == [
        ("Method", "ResNet-50", 1), ("Method", "ViT", 1), ("Dataset", "CIFAR-10", 1), ("Dataset", "ImageNet", 1)]
    assert run_named(neo4j_db, "methods-and-datasets-for-task", task="task:image classification") == rows
    labels = {r["labelsOrTypes"][0] for r in query(neo4j_db, "SHOW CONSTRAINTS YIELD labelsOrTypes").rows}
    assert "Task" in labels


@pytest.mark.neo4j
def test_leaderboard_named_query_matches_kg_leaderboard(neo4j_db):
    from conftest import known_records
    from test_leaderboard import board_graph

    from kg.graph.build import build_graph
    from kg.graph.leaderboard import leaderboard

    graph = board_graph()
    chosen = named_query("leaderboard")
    with connect(neo4j_db) as driver:
        push_graph(driver, build_graph(known_records()), database=neo4j_db.database)
    # a graph without confidences or tasks: no "unknown property" or "unknown label" warnings
    plain = query(neo4j_db, chosen.cypher, chosen.parameters({"dataset": "ImageNet", "task": "x"}))
    assert plain.notes == [] and plain.rows == []
    plain = query(neo4j_db, chosen.cypher, chosen.parameters({"dataset": "ImageNet"}))
    assert plain.notes == [] and [r["method"] for r in plain.rows] == ["ViT", "ResNet-50"]
    with connect(neo4j_db) as driver:
        push_graph(driver, graph, database=neo4j_db.database)
    rows = run_named(neo4j_db, "leaderboard", dataset="imagenet", metric="top-1 accuracy")
    assert [(r["method"], r["value"], r["direction"], r["low_confidence"]) for r in rows] == [
        ("ShakyNet", 90.2, "higher", "attachment confidence 0.3"), ("ViT", 88.55, "higher", None),
        (None, 80.0, "higher", "no method attached"), ("ResNet-50", 76.1, "higher", None)]
    expected = leaderboard(graph, "imagenet", metric="top-1 accuracy")["boards"][0]["rows"]
    assert [r["method"] for r in rows] == [r["method"] for r in expected]
    everything = run_named(neo4j_db, "leaderboard", dataset="ImageNet")
    speed = [r for r in everything if r["metric"] == "speedup"]
    assert speed and all(r["relative"] for r in speed)
    ptb = run_named(neo4j_db, "leaderboard", dataset="PTB")
    assert [r["method"] for r in ptb] == ["LMB", "LMA"]
    assert run_named(neo4j_db, "leaderboard", dataset="ImageNet", task="anything") == []  # no Task nodes


def _boards_of_rows(rows):
    """Neo4j leaderboard rows as kg leaderboard's boards: (metric lower-cased, free text, unit) -> methods in order."""
    boards = {}
    for row in rows:
        boards.setdefault(((row["metric"] or "").lower(), row["free_text"], row["unit"]), []).append(
            (row["method"], row["value"], row["direction"]))
    return boards


def _boards_of(board):
    return {((b["metric"] or "").lower(), b["free_text"], b["unit"]): [(r["method"], r["value"], b["direction"])
                                                                       for r in b["rows"]] for b in board["boards"]}


@pytest.mark.neo4j
def test_leaderboard_named_query_groups_free_text_metrics_as_kg_leaderboard_does(neo4j_db):
    """A result whose metric is only free text (metric_text) is on a board of that text, case-insensitively,
    apart from the Metric entity of the same name, ranked by its direction; -p metric= finds it."""
    from test_leaderboard import free_text_graph

    from kg.graph.leaderboard import leaderboard

    graph = free_text_graph()
    with connect(neo4j_db) as driver:
        push_graph(driver, graph, database=neo4j_db.database)
    rows = run_named(neo4j_db, "leaderboard", dataset="ImageNet")
    on_imagenet = sum(1 for _, target, attrs in graph.edges(data=True)
                      if attrs.get("type") == "ON_DATASET" and target == "dataset:imagenet")
    assert len(rows) == on_imagenet  # every result on a board, none dropped
    assert _boards_of_rows(rows) == _boards_of(leaderboard(graph, "ImageNet"))
    performance = [r for r in rows if r["free_text"] and r["metric"].lower() == "performance"]
    assert sorted(r["method"] for r in performance) == ["FreeNet", "OtherNet"]  # "performance" and "Performance "
    assert len({r["metric"] for r in performance}) == 1  # one board, one name
    speedups = {(r["free_text"], r["method"], r["direction"]) for r in rows if r["metric"].lower() == "speedup"}
    assert speedups == {(False, "FastNet", "higher"), (True, "QuickNet", "higher")}
    # the rows of a board are consecutive
    keys = [((r["metric"] or "").lower(), r["free_text"], r["unit"]) for r in rows]
    assert all(keys.index(key) == n or keys[n - 1] == key for n, key in enumerate(keys))
    # -p metric= finds the free text (any case), and an entity and a text of one name both
    only = run_named(neo4j_db, "leaderboard", dataset="ImageNet", metric="PERFORMANCE")
    assert sorted((r["free_text"], r["method"]) for r in only) == [(True, "FreeNet"), (True, "OtherNet")]
    assert _boards_of_rows(only) == _boards_of(leaderboard(graph, "ImageNet", metric="PERFORMANCE"))
    both = run_named(neo4j_db, "leaderboard", dataset="ImageNet", metric="speedup")
    assert sorted((r["free_text"], r["method"]) for r in both) == [(False, "FastNet"), (True, "QuickNet")]
    # the proposals query shows a free-text metric too
    results = [x for row in run_named(neo4j_db, "proposals-with-results") for x in row["results"]]
    assert {"performance", "Performance "} <= {x["metric_text"] for x in results}
