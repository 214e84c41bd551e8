"""Agreement between two gold-format files (kg evaluate --gold A --pred B): every kind of fact, counts by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.errors import InputError
from kg.evaluate import evaluate_files
from kg.evaluate.agreement import agreement

DEV = Path(__file__).parent / "data" / "gold" / "dev.jsonl"


def entity(name, *aliases):
    return {"name": name, "aliases": list(aliases)}


def tiers(required=(), optional=()):
    return {"required": [entity(*n) if isinstance(n, tuple) else entity(n) for n in required],
            "optional": [entity(*n) if isinstance(n, tuple) else entity(n) for n in optional]}


def result(value, metric, *, method=None, dataset=None, unit="%"):
    return {"value": value, "value_high": None, "unit": unit, "metric": metric, "method": method,
            "dataset": dataset, "hardware": None, "evidence": "."}


def relation(rel_type, source, target):
    return {"type": rel_type, "source": source, "target": target, "evidence": "."}


# annotator A
A1 = {"id": "p1", "title": "Zeus: Fast Training",
      "Method": tiers(["Zeus", "Adam", "SGD"], ["deep learning"]), "Dataset": tiers(["ImageNet"]),
      "Hardware": tiers(["A100"]), "Metric": tiers(["accuracy"]), "Task": tiers(["image classification"]),
      "proposes": ["Zeus"],
      "results": [result("76.1", "accuracy", method="Zeus", dataset="ImageNet"), result("2", "speedup", unit="x")],
      "relations": [relation("EVALUATED_ON", "Zeus", "ImageNet"), relation("RUNS_ON", "Zeus", "A100"),
                    relation("OUTPERFORMS", "Zeus", "Adam"), relation("BASED_ON", "Zeus", "SGD")]}
A2 = {"id": "p2", "title": "Only A Has This", "Method": tiers(["BERT"]), "Dataset": tiers(), "Hardware": tiers(),
      "Metric": tiers(), "Task": tiers(), "proposes": [], "results": [], "relations": []}
# annotator B: the same paper (matched by title, another id), read differently
B1 = {"id": "b-17", "title": "Zeus: fast training",
      "Method": tiers([("ZeusOpt", "Zeus"), "Adam", "deep learning"], ["SGD"]), "Dataset": tiers(["ImageNet-1k"]),
      "Hardware": tiers(["A100"]), "Metric": tiers(["accuracy", "speedup"]), "Task": tiers([], ["image classification"]),
      "proposes": ["ZeusOpt", "Adam"],
      "results": [result("76.1", "accuracy", method="ZeusOpt", dataset="ImageNet-1k"), result("2", "speedup", unit="x")],
      "relations": [relation("EVALUATED_ON", "ZeusOpt", "ImageNet-1k"), relation("RUNS_ON", "ZeusOpt", "A100"),
                    relation("OUTPERFORMS", "ZeusOpt", "Adam"), relation("OUTPERFORMS", "ZeusOpt", "SGD"),
                    relation("COMPARED_WITH", "ZeusOpt", "SGD")]}
B3 = {"id": "p3", "title": "Only B Has This", "Method": tiers(["GPT"]), "Dataset": tiers(), "Hardware": tiers(),
      "Metric": tiers(), "Task": tiers()}


def counts(c):
    return c.tp, c.fp, c.fn


def test_two_annotators_agree_as_worked_out_by_hand():
    e = agreement([A1, A2], [B1, B3])
    assert e.papers == 1 and e.unmatched_gold == []
    assert (e.agreement.both, e.agreement.only_gold, e.agreement.only_pred) == (1, ["p2"], ["p3"])
    strict = e.counts["strict"]
    # Zeus~ZeusOpt (alias) and Adam: TP; "deep learning" is optional in A: ignored; SGD is optional in B: no miss
    assert counts(strict["Method"]) == (2, 0, 0)
    assert counts(strict["Dataset"]) == (0, 1, 1)          # ImageNet-1k is not ImageNet, strictly
    assert counts(strict["Hardware"]) == (1, 0, 0)
    assert counts(strict["Metric"]) == (1, 1, 0)           # speedup: only B lists it as an entity
    assert counts(strict["Task"]) == (0, 0, 0)             # required in A, optional in B: neither
    edges = e.edges
    assert edges.papers == {"proposes": 1, "results": 1, "relations": 1}
    assert counts(edges.proposals["strict"]) == (1, 1, 0)  # Adam is B's second proposal
    assert counts(edges.results["strict"]) == (2, 0, 0)
    assert counts(edges.roles["strict"]["method"]) == (1, 0, 0)
    assert counts(edges.roles["strict"]["dataset"]) == (0, 1, 1)
    assert counts(edges.roles["lenient"]["dataset"]) == (0, 1, 1)  # "ImageNet-1k" is another name
    rel = edges.relations["strict"]
    assert counts(rel["EVALUATED_ON"]) == (0, 1, 1)
    assert counts(rel["RUNS_ON"]) == (1, 0, 0)
    assert counts(rel["OUTPERFORMS"]) == (1, 1, 0)
    assert counts(rel["BUILDS_ON"]) == (0, 0, 1)           # A's BASED_ON; B's COMPARED_WITH is not scored
    assert edges.relations_macro_f1("strict") == pytest.approx((0 + 1 + 2 / 3 + 0) / 4)


def test_agreement_does_not_depend_on_which_file_is_gold():
    forward, backward = agreement([A1], [B1]), agreement([B1], [A1])
    for (mode, key, there), (_, _, back) in zip(forward.count_items(), backward.count_items(), strict=True):
        if mode == "strict" or not key.startswith("results"):
            assert (there.tp, there.fp, there.fn) == (back.tp, back.fn, back.fp), key
            assert there.f1 == pytest.approx(back.f1)


def test_a_gold_file_agrees_with_itself_on_every_kind():
    # result roles included: they are paired per role, not through one value-only pairing
    evaluation = evaluate_files(str(DEV), pred_path=str(DEV))
    assert evaluation.papers == 224 and evaluation.agreement.only_gold == []
    for mode, key, c in evaluation.count_items():
        assert (c.fp, c.fn) == (0, 0), (mode, key)
        assert c.tp > 0, (mode, key)


def test_cli_reports_agreement_and_left_out_papers(tmp_path):
    gold_path, other_path = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    gold_path.write_text("".join(json.dumps(r) + "\n" for r in (A1, A2)), encoding="utf-8")
    other_path.write_text("".join(json.dumps(r) + "\n" for r in (B1, B3)), encoding="utf-8")
    runner = CliRunner()
    text = runner.invoke(cli, ["evaluate", "--gold", str(gold_path), "--pred", str(other_path)])
    assert text.exit_code == 0, text.output
    assert "agreement of --pred with --gold on the 1 papers both files hold (1 only in --gold, 1 only in --pred" \
        in text.output
    report = json.loads(runner.invoke(cli, ["evaluate", "--gold", str(gold_path), "--pred", str(other_path),
                                            "--json", "--bootstrap", "50"]).output)
    assert report["agreement"] == {"papers_in_both": 1, "only_in_gold": ["p2"], "only_in_pred": ["p3"]}
    assert report["edges"]["strict"]["relations"]["types"]["RUNS_ON"]["f1"] == 1.0
    assert report["strict"]["types"]["Hardware"]["f1_ci"] == [1.0, 1.0]  # one paper: every draw is the same


def test_a_file_mixing_records_and_gold_rows_names_the_line(tmp_path):
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text(json.dumps(B1) + "\n" + json.dumps({"id": "r", "entities": []}) + "\n", encoding="utf-8")
    gold_path = tmp_path / "a.jsonl"
    gold_path.write_text(json.dumps(A1) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="began as a gold-format file") as error:
        evaluate_files(str(gold_path), pred_path=str(mixed))
    assert error.value.line == 2


def test_no_shared_paper_is_an_error():
    with pytest.raises(InputError, match="no paper is in both"):
        agreement([A2], [B3])


def test_kg_against_a_second_annotator_on_the_same_gold(tmp_path):
    """How far kg is from a human: a records file against a gold-format file, paired, on the papers of --gold."""
    gold_path, other_path, records_path = tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "r.jsonl"
    gold_path.write_text(json.dumps(A1) + "\n", encoding="utf-8")
    other_path.write_text("".join(json.dumps(r) + "\n" for r in (B1, B3)), encoding="utf-8")
    record = {"id": "p1", "title": A1["title"], "entities": [
        {"id": "m1", "type": "Method", "name": "Zeus", "aliases": [], "proposed": True},
        {"id": "h1", "type": "Hardware", "name": "A100", "aliases": []}],
        "relations": [{"type": "RUNS_ON", "source": "m1", "target": "h1"}]}
    records_path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    out = CliRunner().invoke(cli, ["evaluate", "--gold", str(gold_path), "--pred", str(records_path),
                                   "--against", str(other_path), "--bootstrap", "20", "--json"])
    assert out.exit_code == 0, out.output
    report = json.loads(out.output)
    # kg: Zeus, A100 found; Adam, SGD, ImageNet, accuracy, the Task missed. The annotator: see above.
    assert report["strict"]["entities.Hardware"]["difference"] == 0.0
    assert report["strict"]["proposals"] == {"pred": 1.0, "against": round(2 / 3, 4), "difference": round(1 / 3, 4),
                                             "ci": [round(1 / 3, 4), round(1 / 3, 4)], "share_higher": 1.0}
