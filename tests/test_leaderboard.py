"""`kg leaderboard` on a small known graph: best first by metric direction, relative and uncertain results marked."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import _record, known_records

from kg.cli import cli
from kg.errors import InputError
from kg.graph.build import build_graph
from kg.graph.leaderboard import format_leaderboard, leaderboard
from kg.graph.metrics import is_relative, metric_direction, metric_table

IMAGENET = ("dataset:imagenet", "Dataset", "ImageNet", [], False)
PTB = ("dataset:ptb", "Dataset", "Penn Treebank", ["PTB"], False)
TOP1 = ("metric:top-1 accuracy", "Metric", "top-1 accuracy", [], False)
SPEEDUP = ("metric:speedup", "Metric", "speedup", [], False)
PPL = ("metric:perplexity", "Metric", "perplexity", [], False)


def method(name):
    return (f"method:{name.lower()}", "Method", name, [], True)


def board_graph():
    """known_records (ResNet-50 76.1% and ViT 88.55% top-1 on ImageNet) plus a speedup, an unattached
    score, an uncertain score and a lower-is-better board."""
    extra = [
        _record("p5", "FastNet", [method("FastNet"), IMAGENET, SPEEDUP], results=[
            ("2x faster", 2.0, "x", {"metric": "metric:speedup", "method": "method:fastnet",
                                     "dataset": "dataset:imagenet"})]),
        _record("p6", "Mystery", [IMAGENET, TOP1], results=[
            ("80.0% top-1 accuracy", 80.0, "%", {"metric": "metric:top-1 accuracy", "dataset": "dataset:imagenet"})]),
        _record("p7", "Shaky", [method("ShakyNet"), IMAGENET, TOP1], results=[
            ("90.2% top-1 accuracy", 90.2, "%", {"metric": "metric:top-1 accuracy", "method": "method:shakynet",
                                                 "dataset": "dataset:imagenet"})]),
        _record("p8", "Language A", [method("LMA"), PTB, PPL], results=[
            ("perplexity of 60.1", 60.1, None, {"metric": "metric:perplexity", "method": "method:lma",
                                                "dataset": "dataset:ptb"})]),
        _record("p9", "Language B", [method("LMB"), PTB, PPL], results=[
            ("perplexity of 55.3", 55.3, None, {"metric": "metric:perplexity", "method": "method:lmb",
                                                "dataset": "dataset:ptb"})]),
    ]
    graph = build_graph(known_records() + extra)
    graph.nodes["result:p7:0"]["confidence"] = 0.3  # an attachment the extractor was unsure of
    return graph


def test_best_first_where_the_direction_is_known_and_uncertain_results_marked():
    board = leaderboard(board_graph(), "imagenet")
    assert board["dataset"] == ["ImageNet"]
    top1 = next(b for b in board["boards"] if b["metric"] == "top-1 accuracy")
    assert top1["direction"] == "higher" and top1["unit"] == "%"
    assert [(r["method"], r["value"], r.get("rank")) for r in top1["rows"]] == [
        ("ShakyNet", 90.2, 1), ("ViT", 88.55, 2), (None, 80.0, 3), ("ResNet-50", 76.1, 4)]
    marks = {r["method"]: r["low_confidence"] for r in top1["rows"]}
    assert marks == {"ShakyNet": "attachment confidence 0.30", "ViT": None, None: "no method attached",
                     "ResNet-50": None}
    assert top1["rows"][1]["paper_title"] == "An Image is Worth 16x16 Words"
    assert top1["rows"][1]["evidence"] == "88.55% top-1 accuracy"
    speed = next(b for b in board["boards"] if b["metric"] == "speedup")
    assert speed["rows"][0]["relative"] is True and "rank" not in speed["rows"][0]


def test_lower_is_better_and_filters():
    graph = board_graph()
    ptb = leaderboard(graph, "PTB")  # an alias
    assert [r["method"] for r in ptb["boards"][0]["rows"]] == ["LMB", "LMA"]
    assert ptb["boards"][0]["direction"] == "lower"
    only = leaderboard(graph, "ImageNet", metric="Top-1 Accuracy")
    assert [b["metric"] for b in only["boards"]] == ["top-1 accuracy"]
    text = format_leaderboard(only)
    assert "higher is better" in text and "  1. ShakyNet: 90.2% top-1 accuracy" in text
    assert "? attachment confidence 0.30" in text and "? no method attached" in text
    with pytest.raises(InputError, match="no dataset named 'ImageNett'.*did you mean ImageNet"):
        leaderboard(graph, "ImageNett")
    with pytest.raises(InputError, match="no metric named"):
        leaderboard(graph, "ImageNet", metric="BLEU")
    with pytest.raises(InputError, match="no Task entities"):
        leaderboard(graph, "ImageNet", task="image classification")


def test_task_filter_when_the_graph_has_tasks():
    graph = board_graph()
    graph.add_node("task:imageclassification", label="Task", name="image classification", aliases=[],
                   paper_count=1)
    graph.add_edge("paper:p2", "task:imageclassification", key="ADDRESSES|p2", type="ADDRESSES")
    board = leaderboard(graph, "ImageNet", task="Image Classification")
    assert [r["method"] for b in board["boards"] for r in b["rows"]] == ["ViT"]


def test_the_metric_table_is_data_with_a_schema():
    table = metric_table()
    assert table.version and "perplexity" in table.directions
    assert metric_direction("validation perplexity") == "lower"
    assert metric_direction("token hit rates") == "higher"
    assert metric_direction("FLOPs") is None
    assert is_relative({"unit": "x"}) and is_relative({"unit": "%", "qualifier": "improvement"})
    assert not is_relative({"unit": "%", "qualifier": "up to"})
    assert board_graph().nodes["metric:perplexity"]["direction"] == "lower"


def test_cli_leaderboard_text_and_json(tmp_path):
    from kg.graph.snapshot import write_snapshot

    write_snapshot(board_graph(), tmp_path / "snap")
    runner = CliRunner()
    text = runner.invoke(cli, ["leaderboard", str(tmp_path / "snap"), "--dataset", "ImageNet"])
    assert text.exit_code == 0, text.output
    assert text.output.index("ShakyNet") < text.output.index("ResNet-50")
    data = runner.invoke(cli, ["leaderboard", str(tmp_path / "snap"), "--dataset", "ImageNet", "--json"])
    assert json.loads(data.output)["boards"][0]["metric"] == "top-1 accuracy"
    missing = runner.invoke(cli, ["leaderboard", str(tmp_path / "snap"), "--dataset", "Nope"])
    assert missing.exit_code == 2 and "no dataset named 'Nope'" in missing.output


def free_text_graph():
    """ImageNet results whose metric is only free text: "performance" (twice) and "speedup" beside the
    Metric entity speedup, so the free-text board and the entity board of one name stay apart."""
    extra = [
        _record("p10", "Freeform", [method("FreeNet"), IMAGENET], results=[
            ("5% better", 5.0, "%", {"metric_text": "performance", "method": "method:freenet",
                                     "dataset": "dataset:imagenet", "confidence": 0.7})]),
        _record("p11", "Freeform 2", [method("OtherNet"), IMAGENET], results=[
            ("3-10% better", 3.0, "%", {"metric_text": "Performance ", "value_high": 10.0,
                                        "method": "method:othernet", "dataset": "dataset:imagenet"})]),
        _record("p12", "Freeform 3", [method("QuickNet"), IMAGENET], results=[
            ("4x", 4.0, "x", {"metric_text": "speedup", "method": "method:quicknet",
                              "dataset": "dataset:imagenet"})]),
    ]
    return build_graph(board_graph_records() + extra)


def board_graph_records():
    return known_records() + [
        _record("p5", "FastNet", [method("FastNet"), IMAGENET, SPEEDUP], results=[
            ("2x faster", 2.0, "x", {"metric": "metric:speedup", "method": "method:fastnet",
                                     "dataset": "dataset:imagenet"})])]


def test_results_with_only_free_metric_text_are_grouped_under_it_marked_and_never_lost():
    graph = free_text_graph()
    board = leaderboard(graph, "ImageNet")
    on_imagenet = sum(1 for _, target, attrs in graph.edges(data=True)
                      if attrs.get("type") == "ON_DATASET" and target == "dataset:imagenet")
    assert sum(len(b["rows"]) for b in board["boards"]) == on_imagenet  # every result on a board
    free = [b for b in board["boards"] if b["free_text"]]
    assert sorted((b["metric"], b["unit"]) for b in free) == [("performance", "%"), ("speedup", "x")]
    performance = next(b for b in free if b["metric"] == "performance")
    assert sorted(r["method"] for r in performance["rows"]) == ["FreeNet", "OtherNet"]  # "Performance " too
    entity_speedup = [b for b in board["boards"] if b["metric"] == "speedup" and not b["free_text"]]
    assert [r["method"] for r in entity_speedup[0]["rows"]] == ["FastNet"]
    text = format_leaderboard(board)
    assert '"performance" (free text) [%]' in text and '"speedup" (free text) [x]' in text
    assert "\nspeedup [x]" in text
    # --metric finds free text too, and still says when neither an entity nor a text matches
    only = leaderboard(graph, "ImageNet", metric="PERFORMANCE")
    assert [(b["metric"], b["free_text"], len(b["rows"])) for b in only["boards"]] == [("performance", True, 2)]
    both = leaderboard(graph, "ImageNet", metric="speedup")
    assert sorted((b["free_text"], r["method"]) for b in both["boards"] for r in b["rows"]) == [
        (False, "FastNet"), (True, "QuickNet")]
    with pytest.raises(InputError, match="no metric named 'latency'"):
        leaderboard(graph, "ImageNet", metric="latency")


def test_a_free_text_metric_result_carries_its_direction_for_neo4j():
    """The graph gives a Result whose metric is only free text the direction a Metric node of that name would
    have, so the Neo4j named query ranks its board as kg leaderboard does; other Results carry none."""
    graph = free_text_graph()
    assert graph.nodes["result:p12:0"]["direction"] == "higher"  # free text "speedup"
    assert "direction" not in graph.nodes["result:p10:0"]  # "performance": no known direction
    assert "direction" not in graph.nodes["result:p5:0"]  # the Metric entity speedup: the Metric node has it
    assert graph.nodes["metric:speedup"]["direction"] == "higher"
