"""Types from the frame a name stands in (thirteenth session, read on synthetic-dev's wrong-type entities). Every
name here is invented, so no vocabulary row can be what types it."""

from __future__ import annotations

import pytest

from entity_records import record, surfaces
from kg.extract import load_pipeline


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline("blank")


def test_the_source_of_pieces_of_data_is_a_dataset(nlp):
    rec = record("We evaluate on 40 regression tasks from ZorbLex and three tasks from the Quarry Organ Collection "
                 "(liver, spleen). With a trace derived from Vantro Functions the scheduler cuts latency. We also "
                 "distil the knowledge from Plumix into a smaller student.", nlp)
    datasets = surfaces(rec, "Dataset")
    assert {"ZorbLex", "Quarry Organ Collection", "Vantro Functions"} <= datasets
    assert "Plumix" not in datasets  # knowledge is no piece of data


def test_a_title_case_run_after_a_joiner_and_a_title_case_word_is_no_name_of_its_own(nlp):
    rec = record("Runs were made at the Quorvia Beam Facility for Heavy Plasma Nuclei (QBF) last year. We model "
                 "them as Zentor Chains with Hidden Drift Terms and compare against Vorpal Gradient Search.", nlp)
    names = {m["text"] for e in rec["entities"] for m in e["mentions"]}
    assert not {"Heavy Plasma Nuclei", "Hidden Drift Terms"} & names  # the tails of longer capitalised names
    assert "Vorpal Gradient Search" in surfaces(rec, "Method")  # after a lower-case word: a name of its own


def test_a_method_phrase_keeps_the_left_part_of_a_hyphenated_modifier_the_tokenizer_split(nlp):
    methods = surfaces(record("Unlike previous QRV-guided decoding, StepVS adaptively widens the beam.", nlp), "Method")
    methods |= surfaces(record("We show that, with a few simple changes, a blotch-free pose estimator can match "
                               "blotch-based models.", nlp), "Method")
    assert {"QRV-guided decoding", "blotch-free pose estimator"} <= methods
    assert not {"guided decoding", "free pose estimator"} & methods


def test_countries_and_continents_are_no_entities(nlp):
    rec = record("We collect grid data for eight regions in Europe and North America, including the United States, "
                 "South Korea and New Zealand, and train QuorvNet on them.", nlp)
    names = {m["text"] for e in rec["entities"] for m in e["mentions"]}
    assert not {"Europe", "North America", "United States", "South Korea", "New Zealand"} & names
    assert "QuorvNet" in surfaces(rec, "Method")


def test_a_measure_place_types_names_nothing_else_types_as_metrics(nlp):
    # a known measure heading a shaped name; a metric noun after a modifier; the place of an acronym definition's
    # long form that no list, head word or following word types
    rec = record("QuarnCast reduces Q700 RMSE at day 5 from 273 to 258. Under the ZelScore faithfulness metric, "
                 "QuarnCast wins. It needs 2x to 30x fewer Florp-Accumulate (FLAC) operations than GridNet.", nlp)
    metrics = surfaces(rec, "Metric")
    assert {"Q700 RMSE", "ZelScore", "Florp-Accumulate"} <= metrics
    assert not {"Q700 RMSE", "ZelScore", "Florp-Accumulate"} & surfaces(rec, "Method")
    assert "QuarnCast" in surfaces(rec, "Method")


def test_a_training_participle_before_a_known_name_is_no_part_of_it(nlp):
    rec = record("Our planner outperforms a hand-tuned DeepSpeed configuration by 23%, and we adapt a pre-trained "
                 "StyleGAN with gradient-boosted decision trees.", nlp)
    methods = surfaces(rec, "Method")
    assert "DeepSpeed" in methods and "hand-tuned DeepSpeed" not in methods
    assert "pre-trained StyleGAN" not in methods
    assert "gradient-boosted decision trees" in methods  # a kind of tree: the modifier names the method
