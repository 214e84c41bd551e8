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
