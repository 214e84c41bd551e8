"""kg_results' learned metric and method choosers: candidates, the models deciding, training, serialization."""

from __future__ import annotations

import numpy as np
import pytest
import spacy

from entity_docs import make_doc, make_nlp
from kg.evaluate.train_result_choosers import Group, fit, results_f1, role_f1
from kg.extract.results import (CANDIDATE_KINDS, METHOD_FEATURES, METHOD_KINDS, METRIC_FEATURES, check_method_model,
                                check_metric_model, choose_candidate, load_method_model, load_metric_model)

TITLE = "FastNet: Faster Networks"
GAIN = ("Notably, FastNet surpasses previous models, achieving up to 256% relative improvement while delivering "
        "inference speeds up to 21.8x faster.")
LISTED = "FastNet reaches 25.2, 31.3 and 41 mAP on COCO, and 33.0% AP at 39ms on VOC."
ENTITIES = [("FastNet", "Method", "m:fast"), ("mAP", "Metric", "x:map"), ("AP", "Metric", "x:ap"),
            ("inference speeds", "Metric", "x:speed"), ("COCO", "Dataset", "d:coco"), ("VOC", "Dataset", "d:voc")]


def one_hot_model(**weights: float) -> dict:
    return {"features": list(METRIC_FEATURES), "weights": [weights.get(name, 0.0) for name in METRIC_FEATURES]}


def candidates_of(abstract: str) -> list[tuple[dict, list[dict]]]:
    nlp = make_nlp()
    finder = nlp.get_pipe("kg_results")
    finder.metric_model, finder.keep_candidates = None, True
    doc = make_doc(nlp, TITLE, abstract, ENTITIES)
    return list(zip(doc._.kg_results, doc.user_data["kg_result_candidates"]))


def by_text(doc) -> dict[str, dict]:
    return {r["text"]: r for r in doc._.kg_results}


def test_candidates_come_from_the_clause_with_one_feature_row_each():
    found = dict((r["text"], c) for r, c in candidates_of(GAIN))
    gain = found["256%"]
    kinds = {(c["kind"], c["metric"], c["metric_text"]) for c in gain}
    assert ("gain", None, "relative improvement") in kinds
    # the sentence's Metric entity is the 21.8x's ("inference speeds up to 21.8x"), a number of another kind:
    # no candidate for the 256%
    assert ("entity", "x:speed", None) not in kinds
    assert ("entity", "x:speed", None) in {(c["kind"], c["metric"], c["metric_text"]) for c in found["21.8x faster"]}
    assert {("performance", None, "performance"), ("none", None, None)} <= kinds
    assert ("speedup", None, "speedup") not in kinds  # only for a unit "x"
    assert any(c["kind"] == "speedup" for c in found["21.8x faster"])
    for rows in found.values():
        assert all(len(c["features"]) == len(METRIC_FEATURES) for c in rows)
        assert all(c["kind"] in CANDIDATE_KINDS for c in rows)
        assert sum(c["features"][METRIC_FEATURES.index("rule")] for c in rows) == 1  # the rules' one choice


def test_a_metric_inside_another_numbers_text_is_never_a_candidate():
    found = dict((r["text"], c) for r, c in candidates_of(LISTED))
    at_39 = next(c for text, c in found.items() if text.startswith("39ms"))
    assert "x:ap" not in {c["metric"] for c in at_39}  # "33.0% AP" holds that AP
    # the list "25.2, 31.3 and 41 mAP": the Metric right after the list is marked for every number of it
    for text in ("25.2", "31.3"):
        mark = {c["metric"]: c["features"][METRIC_FEATURES.index("list_follows")] for c in found[text]}
        assert mark["x:map"] == 1.0


def test_the_model_decides_among_the_candidates():
    nlp = make_nlp()
    nlp.get_pipe("kg_results").metric_model = one_hot_model(**{"kind=gain": 5.0})
    result = by_text(make_doc(nlp, TITLE, GAIN, ENTITIES))["256%"]
    assert (result["metric"], result["metric_text"]) == (None, "relative improvement")
    nlp.get_pipe("kg_results").metric_model = one_hot_model(**{"kind=none": 5.0})
    doc = make_doc(nlp, TITLE, GAIN, ENTITIES)
    # (a factor a speed comparative follows measures speed when the model names nothing: a rule after the model)
    assert all(r["metric"] is None and r["metric_text"] == ("speed" if r["text"] == "21.8x faster" else None)
               for r in doc._.kg_results)
    nlp.get_pipe("kg_results").metric_model = one_hot_model(**{"kind=entity": 5.0})
    assert by_text(make_doc(nlp, TITLE, GAIN, ENTITIES))["21.8x faster"]["metric"] == "x:speed"


def test_choose_candidate_returns_the_best_and_its_softmax_share():
    candidates = [{"features": [1.0, 0.0]}, {"features": [0.0, 1.0]}]
    best, share = choose_candidate({"weights": [2.0, 0.0]}, candidates)
    assert best is candidates[0] and share == pytest.approx(np.exp(2) / (np.exp(2) + 1))
    best, share = choose_candidate({"weights": [0.0, 0.0]}, candidates)
    assert best is candidates[0] and share == pytest.approx(0.5)  # a tie keeps the first


def test_the_shipped_model_reads_lists_and_changes():
    nlp = make_nlp()
    assert nlp.get_pipe("kg_results").metric_model == load_metric_model()
    results = by_text(make_doc(nlp, TITLE, GAIN + " " + LISTED, ENTITIES))
    assert [results[t]["metric"] for t in ("25.2", "31.3", "41 mAP")] == ["x:map"] * 3
    assert results["33.0% AP"]["metric"] == "x:ap" and results["39ms"]["metric"] != "x:ap"
    assert results["21.8x faster"]["metric"] == "x:speed"
    assert all(0 < r["confidence"] <= 1 for r in results.values())
    changed = make_doc(nlp, "Large Batch Training in 76 minutes",
                       "BERT training time can be reduced from 3 days to just 76 minutes.",
                       [("training time", "Metric", "x:time")])
    # "from A to just B" keeps B; the title's 76 minutes is the abstract's, counted once
    assert [(r["value"], r["unit"], r["metric"]) for r in changed._.kg_results] == [(76.0, "min", "x:time")]


def test_without_a_model_the_rules_decide():
    rules = make_nlp()
    rules.remove_pipe("kg_results")
    rules.add_pipe("kg_results", before="kg_relations", config={"use_models": False}).initialize()
    assert rules.get_pipe("kg_results").metric_model is None and rules.get_pipe("kg_results").method_model is None
    doc = make_doc(rules, TITLE, GAIN, ENTITIES)
    assert by_text(doc)["256%"]["metric_text"] is None  # the rules read no gain phrase after "256%"


def test_the_model_is_saved_and_loaded_with_the_pipeline(tmp_path):
    nlp = make_nlp()
    model = one_hot_model(**{"kind=gain": 5.0})
    nlp.get_pipe("kg_results").metric_model = model
    expected = by_text(make_doc(nlp, TITLE, GAIN, ENTITIES))["256%"]["metric_text"]
    assert expected == "relative improvement"

    fresh = make_nlp()
    fresh.get_pipe("kg_results").from_bytes(nlp.get_pipe("kg_results").to_bytes())
    assert fresh.get_pipe("kg_results").metric_model == model

    nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded.get_pipe("kg_results").metric_model == model
    assert by_text(make_doc(loaded, TITLE, GAIN, ENTITIES))["256%"]["metric_text"] == expected

    nlp.get_pipe("kg_results").metric_model = None  # saved without a model: loads without one
    nlp.get_pipe("kg_results").method_model = None
    nlp.to_disk(tmp_path / "rules")
    assert spacy.load(tmp_path / "rules").get_pipe("kg_results").metric_model is None
    assert spacy.load(tmp_path / "rules").get_pipe("kg_results").method_model is None


def test_a_model_for_other_features_is_refused():
    model = load_metric_model()
    with pytest.raises(ValueError, match="other features"):
        check_metric_model({**model, "features": model["features"][:-1]})
    with pytest.raises(ValueError, match="one finite number per feature"):
        check_metric_model({**model, "weights": [float("nan")] * len(METRIC_FEATURES)})
    nlp = spacy.blank("en")
    with pytest.raises(ValueError, match="other features"):
        nlp.add_pipe("kg_results", config={"metric_model": {"features": ["x"], "weights": [1.0]}})


def test_fit_learns_which_candidate_is_right_and_f1_counts_as_kg_evaluate():
    rng = np.random.default_rng(0)
    groups = []
    for paper in range(30):
        x = rng.normal(size=(3, len(METRIC_FEATURES)))
        right = np.zeros(3, dtype=bool)
        k = int(rng.integers(3))
        x[:, 0], x[k, 0] = 0.0, 1.0  # feature 0 marks the right candidate
        right[k] = True
        groups.append(Group(paper, x, right, right, np.array([False, False, True]), 0))
    w = fit(groups, c=10.0)
    choice = [int(np.argmax(g.x @ w)) for g in groups]
    assert results_f1(groups, choice, predicted=30, gold=30) == (1.0, 30)
    # two more predicted numbers than gold results, and one gold result no prediction reached
    assert results_f1(groups, choice, predicted=32, gold=31) == pytest.approx((60 / 63, 30))
    # the method role: a wrong method is a false positive, "none" (candidate 2 here) is not; misses count
    wrong = [(k + 1) % 3 for k in choice]
    f1, tp = role_f1(groups, wrong, gold=30)
    assert tp == 0 and f1 == 0.0
    half = choice[:15] + [2] * 15
    f1, tp = role_f1(groups, half, gold=30)
    expected_tp = sum(1 for g, k in zip(groups[:15], choice[:15]) if g.tp[k]) + sum(1 for g in groups[15:] if g.tp[2])
    fp = sum(1 for g, k in zip(groups, half) if not g.tp[k] and not g.empty[k])
    assert tp == expected_tp and f1 == pytest.approx(2 * tp / (2 * tp + fp + 30 - tp))


# ---- the method chooser ----------------------------------------------------------------------------------

PROPOSAL = ("Lion: Symbolic Discovery of Optimization Algorithms",
            "We present Lion, a simple optimizer. On vision-language contrastive learning, we achieve 88.3% accuracy "
            "on ImageNet, surpassing AdamW by 2%. Lion also runs LLaMA-7B at 550 tokens/s on one phone.",
            [("Lion", "Method", "m:lion"), ("AdamW", "Method", "m:adamw"), ("LLaMA-7B", "Method", "m:llama"),
             ("accuracy", "Metric", "x:acc"), ("ImageNet", "Dataset", "d:imagenet")])


def method_candidates_of(nlp, paper) -> list[tuple[dict, list[dict]]]:
    finder = nlp.get_pipe("kg_results")
    finder.keep_candidates = True
    doc = make_doc(nlp, *paper)
    return list(zip(doc._.kg_results, doc.user_data["kg_result_method_candidates"]))


def test_method_candidates_are_the_sentences_methods_the_proposal_and_none():
    nlp = make_nlp()
    found = {r["text"]: c for r, c in method_candidates_of(nlp, PROPOSAL)}
    accuracy = next(c for text, c in found.items() if text.startswith("88.3%"))
    kinds = {(c["kind"], c["method"]) for c in accuracy}
    assert ("none", None) in kinds and all(kind in METHOD_KINDS for kind, _ in kinds)
    assert ("sentence", "m:adamw") in kinds  # named in the sentence, as a baseline
    adamw = next(c for c in accuracy if c["method"] == "m:adamw")
    assert adamw["features"][METHOD_FEATURES.index("baseline")] == 1.0
    assert all(len(c["features"]) == len(METHOD_FEATURES) for rows in found.values() for c in rows)
    assert all(sum(c["features"][METHOD_FEATURES.index("rule")] for c in rows) == 1 for rows in found.values())


def test_the_method_model_decides():
    nlp = make_nlp()
    finder = nlp.get_pipe("kg_results")
    finder.method_model = {"features": list(METHOD_FEATURES),
                           "weights": [5.0 if name == "kind=none" else 0.0 for name in METHOD_FEATURES]}
    assert all(r["method"] is None for r in make_doc(nlp, *PROPOSAL)._.kg_results)
    finder.method_model = {"features": list(METHOD_FEATURES),
                           "weights": [5.0 if name == "baseline" else 0.0 for name in METHOD_FEATURES]}
    results = {r["text"]: r for r in make_doc(nlp, *PROPOSAL)._.kg_results}
    assert next(r for t, r in results.items() if t.startswith("88.3%"))["method"] == "m:adamw"


def test_the_shipped_method_model_gives_a_number_to_its_subject_not_to_a_baseline():
    nlp = make_nlp()
    assert nlp.get_pipe("kg_results").method_model == load_method_model()
    results = {r["text"]: r for r in make_doc(nlp, *PROPOSAL)._.kg_results}
    assert next(r for t, r in results.items() if t.startswith("2%"))["method"] != "m:adamw"
    assert results["550 tokens/s"]["method"] == "m:lion"  # the subject, not the model it runs


def test_both_models_are_saved_with_the_pipeline_and_checked(tmp_path):
    nlp = make_nlp()
    method = {"features": list(METHOD_FEATURES), "weights": [float(n) for n in range(len(METHOD_FEATURES))]}
    nlp.get_pipe("kg_results").method_model = method
    nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline").get_pipe("kg_results")
    assert loaded.method_model == method and loaded.metric_model == load_metric_model()
    with pytest.raises(ValueError, match="method model was trained for other features"):
        check_method_model({**method, "features": method["features"][1:]})


def test_free_metric_phrases_start_after_function_words_and_never_modify_another_entity():
    # invented text: "points of lift" offers "lift" (not "of lift"); "a single A100" offers no "single"
    nlp = make_nlp()
    finder = nlp.get_pipe("kg_results")
    finder.metric_model, finder.keep_candidates = None, True
    doc = make_doc(nlp, TITLE, "FastNet gives 6.4 points of lift on VOC. FastNet serves 120 tokens/s on a single A100.",
                   [*ENTITIES, ("A100", "Hardware", "h:a100")])
    found = {r["text"]: {c["metric_text"] for c in rows}
             for r, rows in zip(doc._.kg_results, doc.user_data["kg_result_candidates"])}
    lift = next(texts for text, texts in found.items() if text.startswith("6.4"))
    assert "lift" in lift and not any(t and t.startswith("of ") for t in lift)
    assert "single" not in next(texts for text, texts in found.items() if text.startswith("120"))


def test_the_verb_right_before_a_number_is_no_metric_candidate():
    # invented text: "uses 16 GB", "processes 1,200 images/s": the word before the number is its verb
    found = dict((r["text"], c) for r, c in candidates_of("FastNet uses 16 GB of memory and processes 1,200 "
                                                           "images/s."))
    texts = {c["metric_text"] for rows in found.values() for c in rows}
    assert not texts & {"uses", "processes", "FastNet uses"}


def test_a_metric_another_kind_of_number_owns_in_its_clause_is_no_candidate():
    entities = [("QuickSeg", "Method", "m:quick"), ("BaseSeg", "Method", "m:base"), ("mIoU", "Metric", "x:miou"),
                ("latency", "Metric", "x:lat"), ("speed", "Metric", "x:speed")]
    nlp = make_nlp()
    finder = nlp.get_pipe("kg_results")
    finder.metric_model, finder.keep_candidates = None, True
    doc = make_doc(nlp, "QuickSeg: Quick Segmentation",
                   "QuickSeg raises the speed of BaseSeg by 2.5x and the mIoU by 1.7% on the street scenes.", entities)
    found = {r["text"]: c for r, c in zip(doc._.kg_results, doc.user_data["kg_result_candidates"])}
    times = next(c for text, c in found.items() if text.startswith("2.5x"))
    assert "x:miou" not in {c["metric"] for c in times}  # "the mIoU by 1.7%": the 1.7%'s, not a ratio's
    percent = next(c for text, c in found.items() if text.startswith("1.7%"))
    assert "x:miou" in {c["metric"] for c in percent}
    # a number of the same kind keeps it ("by 1.7 points and 2.1%"), and so does the figure a change reaches
    doc = make_doc(nlp, "QuickSeg: Quick Segmentation",
                   "QuickSeg cuts the latency of BaseSeg by 30% to 12 ms on one board.", entities)
    found = {r["text"]: c for r, c in zip(doc._.kg_results, doc.user_data["kg_result_candidates"])}
    reached = next(c for text, c in found.items() if text.startswith("12"))
    assert "x:lat" in {c["metric"] for c in reached}
