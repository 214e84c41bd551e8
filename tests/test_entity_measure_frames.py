"""Fourteenth session (names): positions that type a shape-found name, read on synthetic2-dev's entity errors.
Every name here is invented, so no vocabulary row can be what finds or types it."""

from __future__ import annotations

import pytest

from entity_records import record
from kg.extract import load_pipeline


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline("blank")


def types(rec: dict) -> dict[str, str]:
    return {e["name"]: e["type"] for e in rec["entities"]}


def test_a_name_a_change_or_a_comparison_is_reported_for_is_a_metric(nlp):
    rec = record("We present Zorbit, a forecaster for river levels. On held-out basins, Zorbit achieves a lower QWERD "
                 "than the Flumox baseline and reduces PLONK by 14% relative to Flumox.", nlp)
    assert types(rec).get("QWERD") == "Metric" and types(rec).get("PLONK") == "Metric"
    rec = record("We present Glimmer, an audio generator. Ablating its decoder lowers the KVAD to 2.3.", nlp)
    assert types(rec).get("KVAD") == "Metric"
    # a thing compared or changed without an amount is no measure: "improves Flumox" says nothing measured
    rec = record("We present Zorbit. Zorbit improves Flumox and is larger than Quarnet.", nlp)
    assert types(rec).get("Flumox") != "Metric" and types(rec).get("Quarnet") != "Metric"


def test_a_split_or_size_written_after_a_dataset_stays_in_its_name(nlp):
    rec = record("We present Zorbo, a detector. On MS-ZOCO 30k, Zorbo reaches 12.1 FID. Zorbo is evaluated on the "
                 "ZOCO val2017 benchmark and on the QVIS-7 minival split.", nlp)
    datasets = {name for name, kind in types(rec).items() if kind == "Dataset"}
    assert {"MS-ZOCO 30k", "ZOCO val2017"} <= datasets
    # a bare split stem qualifies a dataset noun, and a size before a noun is an amount: neither joins the name
    rec = record("We present Zorbo. We report on the ZOCO test set and train on ZOCO 30k images.", nlp)
    datasets = {name for name, kind in types(rec).items() if kind == "Dataset"}
    assert "ZOCO" in datasets and not {"ZOCO test", "ZOCO 30k"} & datasets
