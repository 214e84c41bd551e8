"""kg evaluate on proposals, results and relations: a hand-made gold file with scores worked out by hand."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.errors import InputError
from kg.evaluate import evaluate, evaluate_files
from kg.evaluate.edges import as_number, canonical_unit


def entity(name, *aliases):
    return {"name": name, "aliases": list(aliases)}


GOLD = {
    "id": "g1", "title": "Zeus: Fast Training",
    "Method": {"required": [entity("Zeus", "ZeusOpt"), entity("Adam")], "optional": []},
    "Dataset": {"required": [entity("ImageNet")], "optional": []},
    "Hardware": {"required": [entity("A100")], "optional": []},
    "Metric": {"required": [entity("accuracy")], "optional": []},
    "proposes": ["Zeus"],
    "results": [
        {"value": "2", "value_high": None, "unit": "x", "metric": "speedup", "method": "Zeus", "dataset": None,
         "hardware": None, "evidence": "Zeus is 2x faster."},
        {"value": "15.3", "value_high": "75.8", "unit": "%", "metric": "accuracy", "method": "Zeus",
         "dataset": "ImageNet", "hardware": None, "evidence": "It improves accuracy by 15.3%-75.8% on ImageNet."},
        {"value": "three", "value_high": None, "unit": "times", "metric": "parameters", "method": None,
         "dataset": None, "hardware": None, "evidence": "It needs three times fewer parameters."},
    ],
    "relations": [
        {"type": "EVALUATED_ON", "source": "Zeus", "target": "ImageNet", "evidence": "."},
        {"type": "RUNS_ON", "source": "Zeus", "target": "A100", "evidence": "."},
        {"type": "OUTPERFORMS", "source": "Zeus", "target": "Adam", "evidence": "."},
        {"type": "BASED_ON", "source": "Zeus", "target": "Adam", "evidence": "."},
    ],
}
# an entity-only gold row: scored for entities, not for edges
ENTITY_ONLY = {"id": "g2", "title": "Another Paper", "Method": {"required": [entity("SGD")], "optional": []}}


def result(value, unit, *, high=None, metric=None, metric_text=None, method=None, dataset=None):
    return {"text": "", "value": value, "value_high": high, "unit": unit, "metric": metric, "metric_text": metric_text,
            "method": method, "dataset": dataset, "hardware": None, "start": 0, "end": 0, "sentence": 0}


def relation(rel_type, source, target, sentence=0):
    return {"type": rel_type, "source": source, "target": target, "sentence": sentence, "evidence": ".",
            "confidence": 0.5}


RECORD = {
    "id": "g1", "title": "Zeus: Fast Training",
    "entities": [
        {"id": "m1", "type": "Method", "name": "Zeus", "aliases": [], "proposed": True, "mentions": []},
        {"id": "m2", "type": "Method", "name": "Adam", "aliases": [], "proposed": True, "mentions": []},
        {"id": "d1", "type": "Dataset", "name": "imagenet", "aliases": [], "proposed": False, "mentions": []},
        {"id": "h1", "type": "Hardware", "name": "A100", "aliases": [], "proposed": False, "mentions": []},
        {"id": "x1", "type": "Metric", "name": "accuracy", "aliases": [], "proposed": False, "mentions": []},
    ],
    "results": [
        result(2.0, "x", metric_text="speedup", method="m1"),                 # TP in both modes
        result(15.3, "%", metric="x1", method="m1", dataset="d1"),           # value_high missing: lenient only
        result(3.0, "x", metric_text="params", method=None),                 # wrong metric phrase: FP, and a FN
        result(7.0, "ms"),                                                    # not in the gold: FP
    ],
    "relations": [
        relation("EVALUATED_ON", "m1", "d1"),      # "imagenet": lenient only
        relation("RUNS_ON", "m1", "h1"),
        relation("RUNS_ON", "m1", "h1", 3),        # the same triple from another sentence counts once
        relation("OUTPERFORMS", "m1", "m2"),
        relation("BUILDS_ON", "m2", "m1"),         # the wrong direction
        relation("COMPARED_WITH", "m1", "m2"),     # not scored
    ],
}


def counts(c):
    return c.tp, c.fp, c.fn


def test_hand_made_gold_gives_the_expected_scores():
    edges = evaluate([GOLD, ENTITY_ONLY], [RECORD]).edges
    assert edges.papers == {"proposes": 1, "results": 1, "relations": 1}
    for mode in ("strict", "lenient"):
        assert counts(edges.proposals[mode]) == (1, 1, 0)  # Adam is no proposal
    assert counts(edges.results["strict"]) == (1, 3, 2)
    assert counts(edges.results["lenient"]) == (2, 2, 1)
    assert edges.results["lenient"].f1 == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))
    # attachments, on results paired by value and unit
    assert counts(edges.roles["strict"]["method"]) == (1, 1, 1)
    assert counts(edges.roles["lenient"]["method"]) == (2, 0, 0)
    assert counts(edges.roles["strict"]["dataset"]) == (0, 1, 1)
    assert counts(edges.roles["lenient"]["dataset"]) == (1, 0, 0)
    strict, lenient = edges.relations["strict"], edges.relations["lenient"]
    assert counts(strict["EVALUATED_ON"]) == (0, 1, 1) and counts(lenient["EVALUATED_ON"]) == (1, 0, 0)
    assert counts(strict["RUNS_ON"]) == (1, 0, 0)
    assert counts(strict["OUTPERFORMS"]) == (1, 0, 0)
    assert counts(strict["BUILDS_ON"]) == (0, 1, 1) and counts(lenient["BUILDS_ON"]) == (0, 1, 1)
    assert edges.relations_macro_f1("strict") == pytest.approx(0.5)
    assert edges.relations_macro_f1("lenient") == pytest.approx(0.75)


def test_values_units_and_aliases_are_compared_as_documented():
    assert as_number("1,024") == 1024.0 and as_number("three") == 3.0 and as_number("~2") == 2.0
    assert as_number("one-tenth") == 0.1 and as_number("a third") == pytest.approx(1 / 3)
    assert as_number("three quarters") == 0.75 and as_number("tenth") is None
    assert canonical_unit("times") == canonical_unit("x") == "x"
    assert canonical_unit("percent") == "%"
    # a gold name matches through the aliases of its gold entity
    record = {**RECORD, "entities": [{**RECORD["entities"][0], "name": "ZeusOpt"}, *RECORD["entities"][1:]]}
    assert counts(evaluate([GOLD], [record]).edges.proposals["strict"]) == (1, 1, 0)


def test_cli_json_and_errors_report_edges(tmp_path):
    gold_path, pred_path = tmp_path / "gold.jsonl", tmp_path / "pred.jsonl"
    gold_path.write_text(json.dumps(GOLD) + "\n", encoding="utf-8")
    pred_path.write_text(json.dumps(RECORD) + "\n", encoding="utf-8")
    runner = CliRunner()
    out = runner.invoke(cli, ["evaluate", "--gold", str(gold_path), "--pred", str(pred_path), "--json"])
    assert out.exit_code == 0, out.output
    report = json.loads(out.output)
    edges = report["edges"]
    assert edges["strict"]["relations"]["macro_f1"] == 0.5
    assert edges["lenient"]["results"]["tp"] == 2
    assert {"id": "g1", "kind": "relations.BUILDS_ON", "missed": ["Zeus -> Adam"],
            "false_positives": ["Adam -> Zeus"]} in edges["errors"]

    text = runner.invoke(cli, ["evaluate", "--gold", str(gold_path), "--pred", str(pred_path), "--errors"]).output
    assert "relations macro F1" in text and "proposals" in text
    assert "g1\tproposes\t+ Adam" in text
    assert "g1\trelations.BUILDS_ON\t- Zeus -> Adam" in text


@pytest.mark.parametrize(("edit", "message"), [
    ({"proposes": "Zeus"}, 'list of Method names'),
    ({"results": [{"value": "many"}]}, 'result 1 needs a numeric "value"'),
    ({"relations": [{"type": "CITES", "source": "a", "target": "b"}]}, "relation 1 needs a type"),
])
def test_malformed_edge_gold_names_file_and_line(tmp_path, edit, message):
    gold_path = tmp_path / "gold.jsonl"
    gold_path.write_text(json.dumps(ENTITY_ONLY) + "\n" + json.dumps({**GOLD, **edit}) + "\n", encoding="utf-8")
    pred_path = tmp_path / "pred.jsonl"
    pred_path.write_text(json.dumps(RECORD) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=message) as error:
        evaluate_files(str(gold_path), pred_path=str(pred_path))
    assert error.value.line == 2


def test_why_a_gold_end_is_out_of_reach():
    from kg.evaluate.unreachable import _end

    entities = {"m1": {"type": "Method", "name": "FlashAttention", "aliases": ["FA"]},
                "d1": {"type": "Dataset", "name": "ImageNet21k", "aliases": []},
                "m2": {"type": "Method", "name": "ResNet 50", "aliases": []}}
    assert _end(entities, ["FA"], "Method") == ("ok", ["m1"])
    assert _end(entities, ["ImageNet21k"], "Method") == ("wrong_type", [])
    assert _end(entities, ["ResNet-50"], "Method") == ("other_name", [])  # a lenient match only
    assert _end(entities, ["tiling"], "Method") == ("not_entity", [])
