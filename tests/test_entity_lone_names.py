"""Entity mechanisms of the ninth session (hw): one capitalised word before a dataset noun is a dataset's name, and
a model number found by shape in a list of devices is a device. Every name here is invented, so no vocabulary row
can be what finds it."""

from __future__ import annotations

import pytest

from entity_records import record, surfaces
from kg.extract import load_pipeline


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline("blank")


def test_one_capitalised_word_before_a_dataset_noun_is_a_dataset(nlp):
    rec = record("We also report results on the Quorvat dataset and on the Plimsy benchmark.", nlp)
    assert {"Quorvat", "Plimsy"} <= surfaces(rec, "Dataset")
    # a sentence start or a stop word before the noun is no name
    rec = record("Our benchmark is small. Zelvan datasets are rare.", nlp)
    assert "Zelvan" not in surfaces(rec, "Dataset")
    assert "Our" not in surfaces(rec, "Dataset")


def test_a_model_number_listed_with_devices_is_a_device(nlp):
    rec = record("On an Apple M2, a Korvix7 and an AMD Ryzen 9 7950X, our kernels decode fast.", nlp)
    assert "Korvix7" in surfaces(rec, "Hardware")
    assert "Korvix7" not in surfaces(rec, "Method")


def test_a_name_after_a_device_that_opens_the_clause_or_has_a_noun_stays_a_method(nlp):
    rec = record("We train on an A100, Zentro3 reaches 71.3% accuracy.", nlp)
    assert "Zentro3" not in surfaces(rec, "Hardware")
    rec = record("We compare an A100 and a Zentro3 model on the same task.", nlp)
    assert "Zentro3" not in surfaces(rec, "Hardware")
