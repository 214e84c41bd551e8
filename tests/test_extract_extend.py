"""Generic rules from the fourth quality pass: the most complete surface of a found term (hyphenated
modifiers on the left, a method head noun on the right), problem classes and verbs kept out of phrases."""

from __future__ import annotations

import pytest
import spacy

from kg.extract import load_pipeline

from kg.execute import extract_records
from kg.extract.pipeline import ENTITY_COMPONENTS, keep_hyphenated_compounds
from kg.ingest.paper import Paper


@pytest.fixture(scope="module")
def nlp():
    """The rules alone: these tests pin what the rules find; the learned scorer's cut is tested in test_scorer.py."""
    nlp = load_pipeline("blank")
    nlp.get_pipe("kg_scorer").filter = False
    return nlp


def record(text: str, nlp, title: str = "A study") -> dict:
    return extract_records([Paper(id="p1", title=title, abstract=text)], nlp=nlp)[0]


def names(rec: dict, entity_type: str) -> dict[str, dict]:
    return {e["name"].lower(): e for e in rec["entities"] if e["type"] == entity_type}


def test_hyphenated_modifiers_extend_a_known_method(nlp):
    rec = record("We study user-level differential privacy and multi-task Bayesian optimization "
                 "with topology-aware self-attention.", nlp)
    methods = names(rec, "Method")
    assert {"user-level differential privacy", "multi-task bayesian optimization",
            "topology-aware self-attention"} <= set(methods)
    assert "differential privacy" not in methods and "self-attention" not in methods


def test_acronyms_and_method_modifiers_stay_outside_the_extension(nlp):
    rec = record("A CPU-friendly SGD variant and multi-task RL use fine-tuning data augmentation.", nlp)
    methods = names(rec, "Method")
    assert "multi-task rl" not in methods
    assert "fine-tuning data augmentation" not in methods


def test_a_method_head_noun_extends_the_name_and_keeps_its_entity(nlp):
    rec = record("We fit Gaussian process regression with L2 regularization. Without L2 the fit diverges.", nlp)
    methods = names(rec, "Method")
    assert "gaussian process regression" in methods
    l2 = [e for e in rec["entities"] if e["type"] == "Method" and "L2" in {e["name"], *e["aliases"]}]
    assert len(l2) == 1 and "L2 regularization" in {l2[0]["name"], *l2[0]["aliases"]}


def test_problem_class_optimization_and_verbs_are_not_methods(nlp):
    rec = record("Large models have revolutionized machine learning. We consider constrained optimization "
                 "and multi-objective optimization with expected improvement as the acquisition function.", nlp)
    methods = names(rec, "Method")
    assert not any(name.endswith(" optimization") for name in methods)
    assert not any("revolutionized" in name for name in methods)
    assert {"expected improvement", "acquisition function"} <= set(methods)


def test_general_quality_metrics_are_found(nlp):
    rec = record("It improves solution quality, optimization quality and computational efficiency, "
                 "and token hit rates.", nlp)
    assert {"solution quality", "optimization quality", "computational efficiency", "token hit rate"} <= set(
        names(rec, "Metric"))


def test_extension_works_on_a_bare_spacy_blank_pipeline():
    nlp = spacy.blank("en")
    keep_hyphenated_compounds(nlp)
    nlp.add_pipe("sentencizer")
    for component in ENTITY_COMPONENTS:
        nlp.add_pipe(component)
    nlp.initialize()
    doc = nlp("We apply user-level differential privacy and the ZeRO optimizer.")
    assert {"user-level differential privacy", "ZeRO optimizer"} <= {s.text for s in doc.spans["kg_entities"]}
