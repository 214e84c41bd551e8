"""Generic rules from the third quality pass: devices inside other entities, device-class compounds,
metric variants as one entity, problem classes and object-noun phrases that are not methods."""

from __future__ import annotations

import pytest

from kg.extract import load_pipeline

from kg.execute import extract_records
from kg.ingest.paper import Paper


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline("blank")


def record(text: str, nlp, title: str = "A study") -> dict:
    return extract_records([Paper(id="p1", title=title, abstract=text)], nlp=nlp)[0]


def of_type(rec: dict, entity_type: str) -> dict[str, dict]:
    return {e["name"].lower(): e for e in rec["entities"] if e["type"] == entity_type}


def test_device_inside_a_metric_phrase_is_hardware_too(nlp):
    rec = record("It gives a 75% GPU memory reduction and lower GPU memory usage.", nlp)
    assert "gpu" in of_type(rec, "Hardware")
    assert "gpu memory usage" in of_type(rec, "Metric")
    gpu = of_type(rec, "Hardware")["gpu"]
    assert [m["text"] for m in gpu["mentions"]] == ["GPU", "GPU"]
    assert gpu["mentions"][0]["start"] < gpu["mentions"][1]["start"]


def test_nested_device_joins_the_entity_found_outside(nlp):
    rec = record("We train on 64 GPUs and report GPU memory usage.", nlp)
    hardware = [e for e in rec["entities"] if e["type"] == "Hardware"]
    assert len(hardware) == 1 and len(hardware[0]["mentions"]) == 2


def test_bare_gpu_memory_is_a_resource_not_a_metric(nlp):
    rec = record("Reads and writes between levels of GPU memory are slow.", nlp)
    assert "gpu memory" not in of_type(rec, "Metric")
    assert "gpu" in of_type(rec, "Hardware")


def test_device_class_named_by_vendor_or_qualifier_is_one_device(nlp):
    rec = record("The engine runs on MTK processors, Arm CPUs and commodity GPUs, using tensor cores.", nlp)
    assert {"mtk processor", "cpu", "commodity gpu", "tensor core"} <= set(of_type(rec, "Hardware"))  # vendor dropped: "Arm CPUs" is CPU
    assert "mtk" not in of_type(rec, "Method")


def test_device_class_compound_skips_function_and_verb_words(nlp):
    rec = record("x", nlp, title="Optimizing GPU Kernels for the GPU")
    assert set(of_type(rec, "Hardware")) == {"gpu"}
    rec = record("It fits a 24GB GPU and runs on modern GPUs.", nlp)
    assert set(of_type(rec, "Hardware")) == {"gpu"}


def test_phone_models_and_interconnects_are_hardware(nlp):
    rec = record("We measure latency on an iPhone 15 Pro and a Pixel 7 linked by InfiniBand.", nlp)
    assert {"iphone 15 pro", "pixel 7", "infiniband"} <= set(of_type(rec, "Hardware"))


def test_metric_and_its_longer_phrase_are_one_entity(nlp):
    rec = record("We prove a regret bound; the regret is optimal. Energy consumption drops and energy is saved.", nlp)
    metrics = of_type(rec, "Metric")
    assert len(metrics) == 2
    surfaces = {s.lower() for e in metrics.values() for s in [e["name"], *e["aliases"]]}
    assert {"regret", "regret bound", "energy", "energy consumption"} <= surfaces


def test_metric_variant_with_a_number_or_change_word_stays_apart(nlp):
    rec = record("We report accuracy and top-1 accuracy, and the memory footprint and memory footprint reduction.", nlp)
    metrics = of_type(rec, "Metric")
    assert {"accuracy", "top-1 accuracy"} <= set(metrics)


def test_metric_fitting_several_longer_phrases_is_not_merged(nlp):
    rec = record("We report training time, inference time and time.", nlp)
    assert {"training time", "inference time"} <= set(of_type(rec, "Metric"))


def test_efficiency_metrics_and_rates_per_second(nlp):
    rec = record("Large batches keep data efficiency and compute-efficiency at 121 token/s decoding speed.", nlp)
    assert {"data efficiency", "compute-efficiency", "token/s", "decoding speed"} <= set(of_type(rec, "Metric"))


def test_problem_classes_are_not_methods_but_named_frameworks_are(nlp):
    rec = record("We study convex optimization and combinatorial optimization (CO) with neural CO solvers "
                 "in online convex optimization.", nlp)
    methods = of_type(rec, "Method")
    assert "convex optimization" not in methods and "combinatorial optimization" not in methods
    assert "co" not in methods
    assert "online convex optimization" in methods


def test_object_noun_before_a_process_head_is_a_task(nlp):
    rec = record("Prior work on performance optimization, code optimization and knob tuning is possible training.", nlp)
    assert not set(of_type(rec, "Method")) & {"performance optimization", "code optimization", "knob tuning",
                                               "possible training"}
