"""kg_edge_scorer: features of relation candidates, the shipped model's decisions, serialisation, training."""

from __future__ import annotations

import numpy as np
import pytest
import spacy
from spacy.tokens import Doc

from entity_docs import make_doc, make_nlp
from kg.evaluate.train_edge_scorer import fit, triple_f1
from kg.extract.edge_scorer import FEATURES, SCORED_TYPES, EdgeScorer, check_model, load_model
from test_relations import EXADAM, LASP


def scorer_nlp(model: dict | None = None) -> spacy.Language:
    nlp = make_nlp()  # spacy.blank("en") + sentencizer, kg_frame, kg_results, kg_relations
    nlp.add_pipe("kg_edge_scorer", config={"model": model})
    return nlp


def scored(nlp: spacy.Language, case: tuple) -> Doc:
    return nlp.get_pipe("kg_edge_scorer")(make_doc(nlp, *case))


def triples(doc: Doc) -> set[tuple[str, str, str]]:
    return {(r["type"], r["source"], r["target"]) for r in doc._.kg_relations}


def flat_model(threshold: float) -> dict:
    return {"features": list(FEATURES),
            "types": {t: {"weights": [0.0] * len(FEATURES), "bias": 0.0, "threshold": threshold}
                      for t in SCORED_TYPES}}


def test_features_of_a_cue_candidate_and_a_broad_one():
    nlp = scorer_nlp()
    doc = make_doc(nlp, *LASP)  # kg_relations has run, with origins kept for the scorer
    assert all("origins" in r for r in doc._.kg_relations)
    candidates = {(r["type"], r["source"], r["target"]): dict(zip(FEATURES, x))
                  for r, x in nlp.get_pipe("kg_edge_scorer").candidates(doc) if x}
    assert all(len(x) == len(FEATURES) for x in candidates.values())
    over_lasp = candidates[("OUTPERFORMS", "m:lasp2", "m:lasp")]  # "improvements of 15.2% over LASP"
    assert over_lasp["source_proposed"] == over_lasp["source_first_proposed"] == 1.0
    assert over_lasp["target_proposed"] == 0.0 and over_lasp["title"] == 0.0
    assert over_lasp["rule_confidence"] > 0 and over_lasp["origin=paper"] == 0.0
    assert over_lasp["sentence_result"] == 1.0 and over_lasp["source_in_sentence"] == 1.0
    assert over_lasp["parsed"] == 0.0  # spacy.blank: no dependency features
    # a broad candidate the rules never stated: the proposal with a method of its sentence, as BUILDS_ON
    broad = candidates[("BUILDS_ON", "m:lasp2", "m:ring")]
    assert broad["origin=paper"] == 1.0 and broad["rule_confidence"] == 0.0 and broad["triple_has_rule"] == 0.0
    # the scorer removes the origins again
    doc = nlp.get_pipe("kg_edge_scorer")(make_doc(nlp, *LASP))
    assert all("origins" not in r for r in doc._.kg_relations)


def test_thresholds_decide_and_unscored_types_pass_through():
    everything = triples(scored(scorer_nlp(flat_model(0.0)), EXADAM))
    nothing = triples(scored(scorer_nlp(flat_model(1.0)), EXADAM))
    assert {("BUILDS_ON", "m:exadam", "m:adam"), ("OUTPERFORMS", "m:exadam", "m:adam"),
            ("EVALUATED_ON", "m:exadam", "d:cifar10")} <= everything
    assert ("BUILDS_ON", "m:cnn", "m:adam") not in everything  # broad BUILDS_ON only from the proposal
    assert {t for t, _, _ in nothing} == {"MEASURED_BY"}  # not scored: kept as kg_relations found it


def test_a_type_without_a_model_keeps_the_rules_relations_only():
    rules = make_doc(make_nlp(), *LASP)._.kg_relations
    model = flat_model(0.0)
    del model["types"]["BUILDS_ON"]
    doc = scored(scorer_nlp(model), LASP)
    assert {t for t in triples(doc) if t[0] == "BUILDS_ON"} == {
        (r["type"], r["source"], r["target"]) for r in rules if r["type"] == "BUILDS_ON"}
    assert ("BUILDS_ON", "m:lasp2", "m:ring") in triples(scored(scorer_nlp(flat_model(0.0)), LASP))


def test_shipped_model_keeps_the_stated_relations():
    nlp = scorer_nlp()
    exadam = scored(nlp, EXADAM)
    assert {("BUILDS_ON", "m:exadam", "m:adam"), ("OUTPERFORMS", "m:exadam", "m:adam"),
            ("EVALUATED_ON", "m:exadam", "d:cifar10")} <= triples(exadam)
    assert all(0 < r["confidence"] <= 1 for r in exadam._.kg_relations)
    lasp = triples(scored(nlp, LASP))
    assert {("OUTPERFORMS", "m:lasp2", "m:lasp"), ("OUTPERFORMS", "m:lasp2", "m:ring"),
            ("RUNS_ON", "m:lasp2", "h:gpu")} <= lasp
    assert ("BUILDS_ON", "m:lasp2", "m:ring") not in lasp  # a broad candidate the model rejects


def test_serialization_round_trip(tmp_path):
    model = load_model()
    model["types"]["OUTPERFORMS"]["threshold"] = 0.99  # a setting the default does not have
    nlp = scorer_nlp(model)
    expected = triples(scored(nlp, LASP))
    assert not any(t == "OUTPERFORMS" for t, _, _ in expected)

    fresh = scorer_nlp()
    fresh.get_pipe("kg_edge_scorer").from_bytes(nlp.get_pipe("kg_edge_scorer").to_bytes())
    assert fresh.get_pipe("kg_edge_scorer").model == model
    assert triples(scored(fresh, LASP)) == expected

    nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded.get_pipe("kg_edge_scorer").model == model
    assert loaded.get_pipe("kg_relations").keep_origins
    assert triples(scored(loaded, LASP)) == expected


def test_a_model_for_other_features_is_refused():
    model = load_model()
    with pytest.raises(ValueError, match="other features"):
        check_model({**model, "features": model["features"][:-1]})
    bad = flat_model(0.5)
    bad["types"]["RUNS_ON"]["threshold"] = 2
    with pytest.raises(ValueError, match="RUNS_ON"):
        EdgeScorer(make_nlp(), model=bad)


def test_fit_and_triple_counting():
    x = np.array([[0.0], [0.2], [0.8], [1.0]])
    y = np.array([0.0, 0.0, 1.0, 1.0])
    w, b = fit(x, y, c=10.0)
    p = 1 / (1 + np.exp(-(x @ w + b)))
    assert list(p > 0.5) == [False, False, True, True]
    # rows: (paper, triple key, features, matched gold); two instances of one triple count once
    rows = [(0, ("a", "b"), [], [0]), (0, ("a", "b"), [], [0]), (0, ("a", "c"), [], []), (1, ("d", "e"), [], [0])]
    f1, tp, fp = triple_f1(rows, np.array([0.9, 0.2, 0.7, 0.1]), gold_total=3, threshold=0.5)
    assert (tp, fp) == (1, 1) and f1 == pytest.approx(2 * 1 / (2 * 1 + 1 + 2))
