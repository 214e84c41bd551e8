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
