"""Paper-level bootstrap intervals and paired comparisons in kg evaluate: known cases and a re-scoring check."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.errors import InputError
from kg.evaluate import evaluate
from kg.evaluate.bootstrap import BLOCK, bootstrap, compare, observed


def entity(name):
    return {"name": name, "aliases": []}


def gold(paper_id, methods, runs_on=()):
    return {"id": paper_id, "title": f"Paper {paper_id}",
            "Method": {"required": [entity(m) for m in methods], "optional": []},
            "Hardware": {"required": [entity("GPU")] if runs_on else [], "optional": []},
            "relations": [{"type": "RUNS_ON", "source": s, "target": "GPU", "evidence": "."} for s in runs_on]}


def record(paper_id, methods, runs_on=()):
    entities = [{"id": f"m{i}", "type": "Method", "name": m, "aliases": []} for i, m in enumerate(methods)]
    entities.append({"id": "h", "type": "Hardware", "name": "GPU", "aliases": []})
    ids = {m: f"m{i}" for i, m in enumerate(methods)}
    return {"id": paper_id, "title": f"Paper {paper_id}", "entities": entities,
            "relations": [{"type": "RUNS_ON", "source": ids[s], "target": "h"} for s in runs_on]}


GOLD = [gold("p1", ["Adam"], ["Adam"]), gold("p2", ["SGD"]), gold("p3", ["BERT", "GPT"], ["GPT"]),
        gold("p4", ["ViT"], ["ViT"]), gold("p5", ["LoRA", "PEFT"])]
GOOD = [record("p1", ["Adam"], ["Adam"]), record("p2", ["SGD"]), record("p3", ["BERT", "T5"], ["T5"]),
        record("p4", ["ViT", "ResNet"], ["ViT"]), record("p5", ["LoRA"])]
# worse on p3 and p5, the same elsewhere
WORSE = [record("p1", ["Adam"], ["Adam"]), record("p2", ["SGD"]), record("p3", ["T5"], ["T5"]),
         record("p4", ["ViT", "ResNet"], ["ViT"]), record("p5", ["PEFT-X"])]


def test_one_paper_gives_a_point_interval():
    evaluation = evaluate([GOLD[2]], [GOOD[2]])
    result = bootstrap(evaluation, 200, seed=3)
    assert result.intervals[("strict", "entities.Method")] == pytest.approx((0.5, 0.5))
    assert result.intervals[("strict", "relations.RUNS_ON")] == pytest.approx((0.0, 0.0))


def test_two_papers_one_right_one_wrong_span_zero_to_one():
    # draws (right, right) F1 1, mixed 0.5, (wrong, wrong) 0: each end has probability 1/4 > 2.5%
    evaluation = evaluate([gold("a", ["Adam"]), gold("b", ["SGD"])], [record("a", ["Adam"]), record("b", ["Lion"])])
    result = bootstrap(evaluation, 400, seed=0)
    assert observed(evaluation)[("strict", "entities.Method")] == pytest.approx(0.5)
    assert result.intervals[("strict", "entities.Method")] == pytest.approx((0.0, 1.0))


def test_a_draw_without_any_item_of_a_kind_is_left_out_not_zero():
    # paper a: one Hardware found; paper b: no Hardware in gold or prediction. Draws (b, b) say nothing.
    evaluation = evaluate([gold("a", ["Adam"], ["Adam"]), gold("b", ["SGD"])],
                          [record("a", ["Adam"], ["Adam"]), {"id": "b", "title": "Paper b", "entities": []}])
    result = bootstrap(evaluation, 400, seed=0)
    assert result.intervals[("strict", "entities.Hardware")] == (1.0, 1.0)
    assert result.intervals[("strict", "entities.Method")] == pytest.approx((0.0, 1.0))  # b's SGD is missed


def test_resampled_counts_equal_rescoring_resampled_papers():
    """The vectorised bootstrap gives exactly what scoring each resampled gold set from scratch gives."""
    evaluation = evaluate(GOLD, GOOD)
    replicates, seed = 60, 11
    result = bootstrap(evaluation, replicates, seed=seed)
    draws = np.random.default_rng(seed).integers(0, len(GOLD), size=(replicates, len(GOLD)))
    assert replicates <= BLOCK  # one block: the draws above are the bootstrap's draws
    rescored = {"entities.Method": [], "entities.macro": [], "relations.RUNS_ON": [], "relations.macro": []}
    def f1(c):  # a draw without any gold or predicted item of a kind: undefined, left out of the interval
        return c.f1 if c.tp + c.fp + c.fn else np.nan

    def type_f1(again, rel_type):  # ... unless no paper has one: 0, as the report counts it
        whole = evaluation.edges.relations["strict"][rel_type]
        return f1(again.edges.relations["strict"][rel_type]) if whole.tp + whole.fp + whole.fn else 0.0

    for row in draws:
        again = evaluate([GOLD[i] for i in row], GOOD)
        entity_f1 = [f1(again.counts["strict"][t]) for t in again.types]
        relation_f1 = [type_f1(again, t) for t in again.edges.relations["strict"]]
        rescored["entities.Method"].append(entity_f1[again.types.index("Method")])
        rescored["entities.macro"].append(np.mean(entity_f1))
        rescored["relations.RUNS_ON"].append(f1(again.edges.relations["strict"]["RUNS_ON"]))
        rescored["relations.macro"].append(np.mean(relation_f1))
    assert np.isnan(rescored["relations.RUNS_ON"]).any()  # some draws hold no RUNS_ON at all
    for key, values in rescored.items():
        expected = tuple(np.nanpercentile(values, [2.5, 97.5]))
        assert result.intervals[("strict", key)] == pytest.approx(expected), key


def test_observed_scores_are_the_reported_ones():
    evaluation = evaluate(GOLD, GOOD)
    scores = observed(evaluation)
    assert scores[("strict", "entities.Method")] == pytest.approx(evaluation.counts["strict"]["Method"].f1)
    assert scores[("lenient", "entities.macro")] == pytest.approx(evaluation.macro_f1("lenient"))
    assert scores[("strict", "entities.micro")] == pytest.approx(evaluation.micro("strict").f1)
    assert scores[("strict", "relations.macro")] == pytest.approx(evaluation.edges.relations_macro_f1("strict"))
    # kinds no gold row annotates are not reported
    assert ("strict", "proposals") not in scores and ("strict", "results") not in scores


def test_paired_comparison_of_a_file_with_itself_is_zero():
    good = evaluate(GOLD, GOOD)
    comparison = compare(good, evaluate(GOLD, GOOD), 200)
    for diff in comparison.differences.values():
        assert (diff.difference, diff.low, diff.high, diff.share_higher) == (0.0, 0.0, 0.0, 0.5)


def test_paired_comparison_sees_a_change_that_never_hurts():
    comparison = compare(evaluate(GOLD, GOOD), evaluate(GOLD, WORSE), 500, seed=1)
    method = comparison.differences[("strict", "entities.Method")]
    # GOOD: tp 5 fp 2 fn 2 -> 5/7; WORSE: tp 3 fp 3 fn 4 -> 6/13
    assert (method.pred, method.against) == pytest.approx((5 / 7, 6 / 13))
    assert method.difference == pytest.approx(5 / 7 - 6 / 13)
    assert 0 <= method.low <= method.difference <= method.high
    assert method.share_higher > 0.9  # only draws without p3 and p5 tie
    runs_on = comparison.differences[("strict", "relations.RUNS_ON")]
    assert runs_on.difference == 0 and runs_on.share_higher == 0.5  # the same relations in both


def test_a_comparison_needs_the_same_papers():
    with pytest.raises(InputError, match="different gold papers"):
        compare(evaluate(GOLD, GOOD), evaluate(GOLD[:3], GOOD), 10)


def write(path, rows):
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return str(path)


def test_cli_bootstrap_text_json_and_against(tmp_path):
    gold_path, good, worse = write(tmp_path / "g.jsonl", GOLD), write(tmp_path / "a.jsonl", GOOD), \
        write(tmp_path / "b.jsonl", WORSE)
    runner = CliRunner()
    text = runner.invoke(cli, ["evaluate", "--gold", gold_path, "--pred", good, "--bootstrap", "100", "--seed", "4"])
    assert text.exit_code == 0, text.output
    assert "95% paper-level bootstrap interval (100 replicates, seed 4)" in text.output
    assert "macro F1" in text.output and "relations macro F1" in text.output and "[" in text.output
    report = json.loads(runner.invoke(cli, ["evaluate", "--gold", gold_path, "--pred", good, "--bootstrap", "100",
                                            "--seed", "4", "--json"]).output)
    assert report["bootstrap"]["replicates"] == 100 and report["bootstrap"]["unit"] == "paper"
    low, high = report["strict"]["types"]["Method"]["f1_ci"]
    assert low <= report["strict"]["types"]["Method"]["f1"] <= high
    assert "macro_f1_ci" in report["strict"] and "f1_ci" in report["lenient"]["micro"]
    assert "macro_f1_ci" in report["edges"]["strict"]["relations"]
    # the same seed gives the same intervals
    again = json.loads(runner.invoke(cli, ["evaluate", "--gold", gold_path, "--pred", good, "--bootstrap", "100",
                                           "--seed", "4", "--json"]).output)
    assert again == report

    compared = runner.invoke(cli, ["evaluate", "--gold", gold_path, "--pred", good, "--against", worse,
                                   "--bootstrap", "200", "--json"])
    assert compared.exit_code == 0, compared.output
    method = json.loads(compared.output)["strict"]["entities.Method"]
    assert method["difference"] == round(5 / 7 - 6 / 13, 4) and method["ci"][0] >= 0
    text = runner.invoke(cli, ["evaluate", "--gold", gold_path, "--pred", good, "--against", worse])
    assert "paired bootstrap over 5 gold papers (1000 replicates, seed 0)" in text.output
    assert "Method" in text.output and "entity macro F1" in text.output
    refused = runner.invoke(cli, ["evaluate", "--gold", gold_path, "--pred", good, "--against", worse, "--errors"])
    assert refused.exit_code != 0 and "without --against" in refused.output
