"""Records -> graph, and snapshots: schema validity, load-back round trip, all-or-nothing writes."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import networkx as nx
import pytest

from kg.errors import SnapshotError
from kg.export.graphml import read_graphml, write_graphml
from kg.graph import build_graph, load_snapshot, write_snapshot
from kg.graph.snapshot import graph_counts

SCHEMAS = Path(__file__).parents[1] / "schemas"


def _entity(entity_id, type_, name, start, end, sentence=1, **extra):
    return {"id": entity_id, "type": type_, "name": name, "aliases": [name],
            "mentions": [{"text": name, "start": start, "end": end, "sentence": sentence}], **extra}


def make_records():
    text_a = "FastNet: Quick Models\nWe propose FastNet. FastNet reaches 91% top-1 accuracy on ImageNet on an A100 GPU."
    text_b = "Another Look at ImageNet\nWe train ResNet-50 on ImageNet with SGD, reporting top-1 accuracy."
    return [
        {
            "id": "a", "title": "FastNet: Quick Models", "abstract": text_a.split("\n", 1)[1], "text": text_a,
            "sentences": [[0, 21], [22, 41], [42, 106]],
            "entities": [
                _entity("method:fastnet", "Method", "FastNet", 0, 7, 0, proposed=True),
                _entity("metric:top-1 accuracy", "Metric", "top-1 accuracy", 63, 77, 2),
                _entity("dataset:imagenet", "Dataset", "ImageNet", 81, 89, 2),
                _entity("hardware:a100", "Hardware", "A100", 96, 100, 2),
            ],
            "relations": [
                {"type": "EVALUATED_ON", "source": "method:fastnet", "target": "dataset:imagenet", "sentence": 2,
                 "evidence": "FastNet reaches 91% top-1 accuracy on ImageNet on an A100 GPU.", "confidence": 0.8},
                {"type": "RUNS_ON", "source": "method:fastnet", "target": "hardware:a100", "sentence": 2,
                 "evidence": "FastNet reaches 91% top-1 accuracy on ImageNet on an A100 GPU.", "confidence": 0.7},
                {"type": "BUILDS_ON", "source": "method:fastnet", "target": "method:not-in-this-paper", "sentence": 2,
                 "evidence": "x", "confidence": 0.5},
            ],
            "results": [
                {"text": "91% top-1 accuracy", "value": 91.0, "unit": "%", "qualifier": None, "start": 58, "end": 77,
                 "sentence": 2, "metric": "metric:top-1 accuracy", "method": "method:fastnet",
                 "dataset": "dataset:imagenet", "hardware": "hardware:a100"},
            ],
        },
        {
            "id": "b", "title": "Another Look at ImageNet", "abstract": text_b.split("\n", 1)[1], "text": text_b,
            "sentences": [[0, 24], [25, 91]],
            "entities": [
                _entity("dataset:imagenet", "Dataset", "ImageNet", 16, 24, 0),
                _entity("method:resnet-50", "Method", "ResNet-50", 34, 43),
                _entity("method:sgd", "Method", "SGD", 62, 65),
                _entity("metric:top-1 accuracy", "Metric", "top-1 accuracy", 77, 91),
            ],
            "relations": [],
            "results": [],
        },
    ]


def test_build_graph_nodes_edges_and_counts():
    graph = build_graph(make_records())
    assert graph.nodes["dataset:imagenet"]["paper_count"] == 2
    assert graph.nodes["method:fastnet"]["paper_count"] == 1
    assert graph_counts(graph)["nodes"] == {"Dataset": 1, "Hardware": 1, "Method": 3, "Metric": 1, "Paper": 2, "Result": 1}
    assert graph.has_edge("paper:a", "method:fastnet", key="PROPOSES|a")
    assert graph.has_edge("paper:b", "method:resnet-50", key="USES|b")
    assert graph.has_edge("paper:b", "dataset:imagenet", key="EVALUATES_ON|b")
    assert graph.has_edge("paper:a", "hardware:a100", key="RUNS_ON|a")
    assert graph.has_edge("method:fastnet", "dataset:imagenet")
    # A relation to an entity the paper does not have is dropped, never linked across papers.
    assert "method:not-in-this-paper" not in graph
    result = graph.nodes["result:a:0"]
    assert (result["value"], result["unit"], result["hardware"], result["metric"]) == (91.0, "%", "A100", "top-1 accuracy")
    assert result["evidence"] == "FastNet reaches 91% top-1 accuracy on ImageNet on an A100 GPU."
    assert {graph.edges[e]["type"] for e in graph.out_edges("result:a:0", keys=True)} == {
        "FOR_METRIC", "OF_METHOD", "ON_DATASET", "ON_HARDWARE"}
    evidence = graph.edges["paper:a", "dataset:imagenet", "EVALUATES_ON|a"]["evidence"]
    assert evidence == "FastNet reaches 91% top-1 accuracy on ImageNet on an A100 GPU."


def test_snapshot_round_trip_and_schema(tmp_path):
    graph = build_graph(make_records())
    write_snapshot(graph, tmp_path / "snap", files={"graph.graphml": write_graphml},
                   inputs=[{"path": "x.jsonl", "sha256": "0" * 64}])
    loaded = load_snapshot(tmp_path / "snap")
    assert nx.utils.graphs_equal(loaded.graph, graph)
    assert loaded.manifest["counts"] == graph_counts(graph)
    assert loaded.manifest["inputs"][0]["path"] == "x.jsonl"
    data = json.loads((tmp_path / "snap" / "graph.json").read_text())
    jsonschema.validate(data, json.loads((SCHEMAS / "graph.schema.json").read_text()))
    graphml = read_graphml(tmp_path / "snap" / "graph.graphml")
    assert graphml.number_of_nodes() == graph.number_of_nodes()
    assert graphml.number_of_edges() == graph.number_of_edges()
    assert graphml.nodes["dataset:imagenet"]["aliases"] == ["ImageNet"]


def test_snapshot_is_complete_or_untouched(tmp_path, monkeypatch):
    graph = build_graph(make_records())
    target = tmp_path / "snap"
    write_snapshot(graph, target, note="first")

    def explode(*_args, **_kwargs):
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_snapshot(graph, target, files={"graph.graphml": explode}, note="second")
    assert load_snapshot(target).manifest["note"] == "first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["snap"]  # no staging leftovers


def test_snapshot_writes_the_callers_files_and_lists_them(tmp_path):
    graph = build_graph(make_records())
    seen = []

    def write_note(g, path):
        seen.append(g is graph)
        path.write_text("hello")

    snapshot = write_snapshot(graph, tmp_path / "snap", files={"notes/hello.txt": write_note})
    assert seen == [True]
    assert (tmp_path / "snap" / "notes" / "hello.txt").read_text() == "hello"
    assert snapshot.manifest["files"] == ["graph.json", "manifest.json", "notes/hello.txt"]
    assert not (tmp_path / "snap" / "graph.graphml").exists()  # only what the caller asks for
    for bad in ("graph.json", "manifest.json", "../escape.txt", "/tmp/x"):
        with pytest.raises(ValueError):
            write_snapshot(graph, tmp_path / "snap2", files={bad: write_note})


def test_the_snapshot_layer_imports_no_exporter():
    import ast

    for module in ("snapshot.py", "json_graph.py", "rows.py"):
        tree = ast.parse((Path(__file__).parents[1] / "kg" / "graph" / module).read_text())
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        assert not {name for name in imported if name and name.startswith(("kg.export", "kg.neo4j", "neo4j"))}


def test_load_snapshot_errors(tmp_path):
    with pytest.raises(SnapshotError, match="no such snapshot"):
        load_snapshot(tmp_path / "missing")
    (tmp_path / "half").mkdir()
    (tmp_path / "half" / "graph.json").write_text("{}")
    with pytest.raises(SnapshotError, match="missing manifest.json"):
        load_snapshot(tmp_path / "half")


def test_diff_reports_new_removed_and_moving_entities_by_name():
    from kg.graph.diff import diff_graphs

    records = make_records()
    old = build_graph(records[:1])
    new = build_graph(records)
    changes = diff_graphs(old, new)
    assert [(e["type"], e["name"], e["papers"]) for e in changes["entities"]["new"]] == [
        ("Method", "ResNet-50", 1), ("Method", "SGD", 1)]
    assert changes["entities"]["removed"] == [] and changes["entities"]["merged"] == []
    movers = changes["entities"]["movers"]
    assert [(e["name"], e["old_papers"], e["papers"], e["change"]) for e in movers] == [
        ("ImageNet", 1, 2, 1), ("top-1 accuracy", 1, 2, 1)]
    assert changes["papers"]["added"][0]["id"] == "paper:b" and changes["papers"]["old"] == 1
    assert changes["relationships"]["USES"] == {"added": 2, "removed": 0}
    back = diff_graphs(new, old)
    assert [e["name"] for e in back["entities"]["removed"]] == ["ResNet-50", "SGD"]
    assert [p["id"] for p in back["papers"]["removed"]] == ["paper:b"]
    assert diff_graphs(new, new)["relationships"]["USES"] == {"added": 0, "removed": 0}


def test_library_api_without_the_cli(tmp_path):
    import kg

    papers = kg.read_papers([Path(__file__).parent / "data" / "papers.jsonl"]).papers
    graph = kg.build_graph(kg.extract_records(papers))
    kg.write_snapshot(graph, tmp_path / "snap")
    assert kg.load_snapshot(tmp_path / "snap").graph.number_of_nodes() == graph.number_of_nodes()
    assert sorted(kg.__all__) == sorted(set(kg.__all__))


def test_a_directory_that_is_no_snapshot_is_never_replaced(tmp_path, monkeypatch):
    graph = build_graph(make_records())
    precious = tmp_path / "thesis"
    precious.mkdir()
    (precious / "thesis.tex").write_text("years of work")
    with pytest.raises(SnapshotError, match="holds no kg snapshot"):
        write_snapshot(graph, precious)
    assert (precious / "thesis.tex").read_text() == "years of work"
    (tmp_path / "empty").mkdir()
    write_snapshot(graph, tmp_path / "empty")  # an empty directory is fine
    monkeypatch.chdir(tmp_path / "empty")
    with pytest.raises(SnapshotError, match="current directory"):
        write_snapshot(graph, ".")


@pytest.mark.parametrize("manifest, graph_json", [("[]", "{}"), ("{}", "[]"), ("{}", '{"graph": {"format_version": 1}}')])
def test_a_snapshot_of_the_wrong_shape_is_a_snapshot_error(tmp_path, manifest, graph_json):
    (tmp_path / "manifest.json").write_text(manifest)
    (tmp_path / "graph.json").write_text(graph_json)
    with pytest.raises(SnapshotError, match="unreadable snapshot"):
        load_snapshot(tmp_path)


def test_graphml_is_the_same_file_whatever_order_the_graph_was_built_in(tmp_path):
    from conftest import known_records

    from kg.export.graphml import write_graphml

    forward, backward = build_graph(known_records()), build_graph(list(reversed(known_records())))
    assert list(forward.edges(keys=True)) != list(backward.edges(keys=True))  # the orders really differ
    write_graphml(forward, tmp_path / "forward.graphml")
    write_graphml(backward, tmp_path / "backward.graphml")
    assert (tmp_path / "forward.graphml").read_bytes() == (tmp_path / "backward.graphml").read_bytes()
