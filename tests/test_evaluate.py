"""Scoring semantics of kg evaluate (strict and lenient matching, optional entities)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.errors import InputError
from kg.evaluate import evaluate, evaluate_files, format_report, surfaces_match


def gold(**types):
    row = {"id": "g1", "title": "A Paper"}
    for entity_type in ("Method", "Dataset", "Hardware", "Metric"):
        required, optional = types.get(entity_type, ([], []))
        row[entity_type] = {"required": [{"name": n, "aliases": a} for n, a in required],
                            "optional": [{"name": n, "aliases": a} for n, a in optional]}
    return row


def record(*entities, paper_id="g1", title="A Paper"):
    return {"id": paper_id, "title": title, "entities": [
        {"type": t, "name": n, "aliases": list(a), "mentions": []} for t, n, *a in entities]}


def counts(evaluation, mode, entity_type):
    c = evaluation.counts[mode][entity_type]
    return c.tp, c.fp, c.fn


def test_optional_matches_are_ignored_and_recall_counts_required_only():
    g = gold(Method=([("Adam", [])], [("deep learning", [])]))
    e = evaluate([g], [record(("Method", "Adam"), ("Method", "deep learning"), ("Method", "SGD"))])
    assert counts(e, "strict", "Method") == (1, 1, 0)  # deep learning: neither TP nor FP; SGD: FP
    e = evaluate([g], [record()])
    assert counts(e, "strict", "Method") == (0, 0, 1)  # a missing optional entity is no FN


def test_each_gold_entity_is_matched_once():
    g = gold(Method=([("Large Language Models", ["LLMs"])], []))
    e = evaluate([g], [record(("Method", "Large Language Models"), ("Method", "LLMs"))])
    assert counts(e, "strict", "Method") == (1, 1, 0)


def test_strict_is_exact_and_lenient_forgives_spelling():
    g = gold(Hardware=([("A100", [])], []), Method=([("ResNet-50", [])], []), Dataset=([("CIFAR-10", [])], []))
    e = evaluate([g], [record(("Hardware", "NVIDIA A100 GPUs"), ("Method", "resnet 50"), ("Dataset", "CIFAR10"))])
    assert counts(e, "strict", "Hardware") == (0, 1, 1)
    for entity_type in ("Hardware", "Method", "Dataset"):
        assert counts(e, "lenient", entity_type) == (1, 0, 0)


def test_an_alias_matches_and_acronyms_match_their_expansion():
    g = gold(Method=([("large language model", [])], []))
    assert counts(evaluate([g], [record(("Method", "LLMs"))]), "lenient", "Method") == (1, 0, 0)
    assert counts(evaluate([g], [record(("Method", "LLMs"))]), "strict", "Method") == (0, 1, 1)
    assert counts(evaluate([g], [record(("Method", "X", "large language model"))]), "strict", "Method") == (1, 0, 0)


@pytest.mark.parametrize("pred, gold_name", [
    ("A10", "A100"), ("GPT-3", "GPT-4"), ("ResNet-101", "ResNet-50"), ("Llama-2-70B", "Llama-2-7B"),
    ("accuracy", "top-1 accuracy"), ("attention", "linear attention"),
])
def test_lenient_is_not_substring_matching(pred, gold_name):
    assert not surfaces_match([pred], [gold_name], "lenient", "Method")


@pytest.mark.parametrize("pred, gold_name, entity_type", [
    ("power iteration", "power iteration algorithm", "Method"),
    ("FID", "FID score", "Metric"),
    ("N-body", "N-body dataset", "Dataset"),
    ("proximal gradient methods", "proximal gradient", "Method"),
])
def test_lenient_drops_a_generic_head_word(pred, gold_name, entity_type):
    assert surfaces_match([pred], [gold_name], "lenient", entity_type)
    assert not surfaces_match([pred], [gold_name], "strict", entity_type)


def test_a_generic_word_alone_is_not_dropped():
    assert not surfaces_match(["model"], ["algorithm"], "lenient", "Method")
    assert not surfaces_match(["oracle complexity"], ["stochastic oracle complexity"], "lenient", "Metric")


def test_types_are_scored_apart_and_papers_match_by_title():
    g = gold(Dataset=([("ImageNet", [])], []))
    e = evaluate([g], [record(("Method", "ImageNet"), paper_id="other", title="a paper!")])
    assert counts(e, "lenient", "Dataset") == (0, 0, 1)
    assert counts(e, "lenient", "Method") == (0, 1, 0)
    assert e.unmatched_gold == []
    e = evaluate([g], [record(paper_id="other", title="Something else")])
    assert e.unmatched_gold == ["g1"]


def test_report_and_macro_f1():
    g = gold(Method=([("Adam", [])], []), Dataset=([("MNIST", [])], []), Hardware=([("GPU", [])], []),
             Metric=([("accuracy", [])], []))
    e = evaluate([g], [record(("Method", "Adam"), ("Dataset", "MNIST"), ("Hardware", "GPUs"), ("Metric", "BLEU"))])
    assert e.macro_f1("lenient") == pytest.approx(0.75)
    assert e.macro_f1("strict") == pytest.approx(0.5)
    report = format_report(e, errors=True)
    assert "macro F1" in report and "- accuracy" in report and "+ BLEU" in report
    assert json.loads(json.dumps(e.as_dict()))["lenient"]["macro_f1"] == 0.75
    # Pooled over types: lenient 3 TP, 1 FP (BLEU), 1 FN (accuracy).
    assert (e.micro("lenient").tp, e.micro("lenient").fp, e.micro("lenient").fn) == (3, 1, 1)
    assert e.as_dict()["lenient"]["micro"]["f1"] == 0.75
    assert "micro" in report


def test_cli_evaluate_extracts_and_scores(tmp_path):
    gold_path = tmp_path / "gold.jsonl"
    gold_path.write_text(json.dumps(gold(Method=([("Adam", [])], []), Dataset=([("MNIST", [])], []))) + "\n")
    papers = tmp_path / "papers.jsonl"
    papers.write_text(json.dumps({"id": "g1", "title": "A Paper", "abstract": "We train with Adam on MNIST."}) + "\n")
    result = CliRunner().invoke(cli, ["evaluate", "--gold", str(gold_path), str(papers), "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert scores["lenient"]["types"]["Method"]["tp"] == 1
    assert scores["lenient"]["types"]["Dataset"]["f1"] == 1.0
    pred = tmp_path / "pred.jsonl"
    pred.write_text(json.dumps(record(("Method", "Adam"))) + "\n")
    result = CliRunner().invoke(cli, ["evaluate", "--gold", str(gold_path), "--pred", str(pred), "--errors"])
    assert result.exit_code == 0
    assert "- MNIST" in result.output


def test_bad_inputs_are_clear_errors(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "g1"}\nnot json\n')
    with pytest.raises(InputError, match="bad.jsonl:2"):
        evaluate_files(str(bad), pred_path=str(bad))
    result = CliRunner().invoke(cli, ["evaluate", "--gold", str(tmp_path / "missing.jsonl"), "--pred", str(bad)])
    assert result.exit_code == InputError.exit_code and "Traceback" not in result.output
    good = tmp_path / "gold.jsonl"
    good.write_text(json.dumps(gold()) + "\n")
    result = CliRunner().invoke(cli, ["evaluate", "--gold", str(good)])
    assert result.exit_code == InputError.exit_code and "nothing to score" in result.output


@pytest.mark.parametrize("gold_line, message", [
    ('{"id": "x", "Method": {"required": ["A"]}}', "Method required entity 1 must be an object"),
    ('{"id": "x", "Dataset": {"optional": [{"name": "D", "aliases": "D1"}]}}', '"aliases" must be a list'),
    ('{"id": "x", "Method": {"required": [{"aliases": []}]}}', 'non-empty "name"'),
    ('{"id": ["x"]}', '"id" string'),
    ('{"id": "x", "title": 7}', '"title" must be a string'),
])
def test_malformed_gold_entities_name_the_file_and_real_line(tmp_path, gold_line, message):
    gold_path, pred_path = tmp_path / "gold.jsonl", tmp_path / "pred.jsonl"
    gold_path.write_text(json.dumps(gold()) + "\n\n\n" + gold_line + "\n")  # blank lines count as lines
    pred_path.write_text(json.dumps(record()) + "\n")
    with pytest.raises(InputError, match="gold.jsonl:4") as error:
        evaluate_files(str(gold_path), pred_path=str(pred_path))
    assert message in str(error.value)
    result = CliRunner().invoke(cli, ["evaluate", "--gold", str(gold_path), "--pred", str(pred_path)])
    assert result.exit_code == InputError.exit_code and message in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("pred_line, message", [
    ('{"id": "x", "entities": "oops"}', '"entities" must be a list'),
    ('{"id": "x", "entities": [{"name": "A"}]}', 'entity 1 needs a "type"'),
    ('{"id": "x", "entities": ["A"]}', "entity 1 must be an object"),
    ('{"id": "x", "entities": [{"type": "Method", "name": "A", "aliases": [1]}]}', '"aliases" must be a list'),
])
def test_malformed_prediction_records_name_the_file_and_real_line(tmp_path, pred_line, message):
    gold_path, pred_path = tmp_path / "gold.jsonl", tmp_path / "pred.jsonl"
    gold_path.write_text(json.dumps(gold()) + "\n")
    pred_path.write_text("\n" + json.dumps(record()) + "\n" + pred_line + "\n")
    with pytest.raises(InputError, match="pred.jsonl:3") as error:
        evaluate_files(str(gold_path), pred_path=str(pred_path))
    assert message in str(error.value)
    result = CliRunner().invoke(cli, ["evaluate", "--gold", str(gold_path), "--pred", str(pred_path)])
    assert result.exit_code == InputError.exit_code and message in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_papers_without_titles_are_matched_by_id_only(tmp_path):
    untitled_gold = {**gold(Method=([("ResNet", [])], [])), "title": None}
    untitled_prediction = {**record(("Method", "ResNet"), paper_id="other"), "title": None}
    evaluation = evaluate([untitled_gold], [untitled_prediction])
    assert evaluation.unmatched_gold == ["g1"]
    assert counts(evaluation, "strict", "Method") == (0, 0, 1)
