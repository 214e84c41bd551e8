"""Entity mechanisms that carry to names no vocabulary holds (issue 9, fifth session): devices found by their
shape and position, metrics found by standing where a measure does, and acronyms defined after a longer name.
Every name here is invented, so no vocabulary row can be what finds it."""

from __future__ import annotations

import pytest

from kg.execute import extract_records
from kg.extract import load_pipeline
from kg.ingest.paper import Paper


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline("blank")


def record(text: str, nlp, title: str = "A study") -> dict:
    return extract_records([Paper(id="p1", title=title, abstract=text)], nlp=nlp)[0]


def surfaces(rec: dict, entity_type: str) -> set[str]:
    return {m["text"] for e in rec["entities"] if e["type"] == entity_type for m in e["mentions"]}


def test_capitalised_or_numbered_words_before_a_device_noun_are_one_device(nlp):
    rec = record("We deploy it on a Zorvex Gold 6248 CPU and on two Kestrel 7 boards, and compare QMX processors "
                 "with Vantor accelerators. The first CPU is slow.", nlp)
    hardware = surfaces(rec, "Hardware")
    assert {"Zorvex Gold 6248 CPU", "Kestrel 7 boards", "QMX processors", "Vantor accelerators"} <= hardware
    assert not any(s.startswith("The") for s in hardware)  # not at a sentence start


def test_a_shaped_name_in_device_position_is_hardware(nlp):
    rec = record("Inference runs on a single Orvo Nano and we also test on 4 x Kestrel Mk2.", nlp)
    hardware = surfaces(rec, "Hardware")
    assert {"Orvo Nano", "Kestrel Mk2"} <= hardware
    assert not {"Orvo Nano", "Kestrel Mk2"} & surfaces(rec, "Method")
