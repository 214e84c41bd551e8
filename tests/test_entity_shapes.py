"""Entity shapes that carry to names no vocabulary holds (seventh session): a device named by its hardware
vendor, a dataset's release number and named subset, a size letter the tokenizer split off a name, units that
are no metrics, a process noun before a metric, a method named inside a task, and a model named with its size.
Every name here is invented, so no vocabulary row can be what finds it."""

from __future__ import annotations

import pytest

from entity_records import record, surfaces
from kg.extract import load_pipeline


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline("blank")


def names(rec: dict, entity_type: str) -> dict[str, list[str]]:
    return {e["name"]: e["aliases"] for e in rec["entities"] if e["type"] == entity_type}


def test_a_vendor_series_and_model_number_name_one_device(nlp):
    rec = record("We serve it on a single NVIDIA Zelta Q240 80GB, on an AMD Korvo 9 7750X and on a Google Plinth "
                 "G7. The Intel Varn Q35G is slower.", nlp)
    hardware = surfaces(rec, "Hardware")
    assert {"NVIDIA Zelta Q240 80GB", "AMD Korvo 9 7750X", "Google Plinth G7", "Intel Varn Q35G"} <= hardware
    assert not {"Zelta", "Korvo", "Plinth G7", "Varn Q35"} & hardware
    # a vendor that also ships software needs a series word: "Google T9" is no device
    # a known device line and its generation number (Loihi is in the vocabulary), not an amount after it
    rec = record("It runs on Loihi 7 chips and is 4 times faster than on Loihi 4 x slower boards.", nlp)
    assert "Loihi 7" in names(rec, "Hardware") and not any("Loihi 4" in s for s in surfaces(rec, "Hardware"))
    rec = record("We compare with Google T9 and cut P99 latency by 2x.", nlp)
    assert not surfaces(rec, "Hardware")


def test_a_dataset_release_number_or_named_subset_stays_in_its_name(nlp):
    rec = record("We report results on the ZorbQA benchmark. Across eight languages of ZorbQA 15, WER is low. "
                 "It also improves the resolved rate on QuarMix-bench Lite from 18.7% to 24.3%.", nlp)
    datasets = surfaces(rec, "Dataset")
    assert {"ZorbQA 15", "QuarMix-bench Lite"} <= datasets
    rec = record("We report results on the ZorbQA benchmark, and on ZorbQA 1.5 AP higher.", nlp)
    assert "ZorbQA 1.5" not in surfaces(rec, "Dataset")  # an amount before a metric, no release


def test_a_size_letter_the_tokenizer_split_off_stays_in_the_name(nlp):
    rec = record("It reaches 0.55 on the ZorbChat-1M benchmark.", nlp)
    assert "ZorbChat-1M" in surfaces(rec, "Dataset") and "ZorbChat-1" not in surfaces(rec, "Dataset")


def test_a_unit_after_a_number_is_no_metric(nlp):
    rec = record("The Zorbnet design runs at 245 MHz and uses 1.9 mJ per frame with 0.5 dB loss of ZPS.", nlp)
    assert not {"MHz", "mJ", "dB"} & surfaces(rec, "Metric")


def test_a_process_noun_before_a_metric_names_a_metric_of_its_own(nlp):
    rec = record("Zorbnet improves reconstruction FID and detection AUC while maintaining accuracy.", nlp)
    metrics = surfaces(rec, "Metric")
    assert {"reconstruction FID", "detection AUC", "accuracy"} <= metrics
    assert "maintaining accuracy" not in metrics  # a verb, not what is measured


def test_a_model_named_with_its_size_keeps_its_family_name(nlp):
    rec = record("We tune QuarLoRA and compare it with Zorbla-3 70B.", nlp)
    assert "Zorbla-3" in names(rec, "Method")["Zorbla-3 70B"]


def test_a_known_method_at_the_start_of_a_task_is_a_method_too(nlp):
    rec = record("We cut the cost of BERT training by half with Zorbopt.", nlp)
    assert "BERT training" in surfaces(rec, "Task") and "BERT" in surfaces(rec, "Method")


def test_a_grain_or_a_name_qualifying_a_metric_names_a_metric_of_its_own(nlp):
    """Thirteenth session: "image-level AUROC", "int8 throughput", "GlimNet F1", "Z500 RMSE" are metrics of their
    own; a dataset named before a metric ("on ZorbQA accuracy", a name the paper writes on its own too) is not."""
    rec = record("Zorbnet reaches 91.2% patch-level AUROC and 90.1% frame-level AUROC, a GlimNet F1 of 0.41 and "
                 "raises int8 throughput by 2x, while Q700 RMSE falls by 5%.", nlp)
    metrics = surfaces(rec, "Metric")
    assert {"patch-level AUROC", "frame-level AUROC", "GlimNet F1", "int8 throughput", "Q700 RMSE"} <= metrics
    assert not {"patch", "GlimNet", "Q700"} & metrics
    rec = record("We evaluate Zorbnet on ZorbQA. ZorbQA accuracy rises by 3 points. On Kelp9 WER is 17.1%.", nlp)
    metrics = surfaces(rec, "Metric")
    assert "ZorbQA accuracy" not in metrics and "Kelp9 WER" not in metrics


def test_the_quantity_a_measured_by_clause_qualifies_is_a_metric(nlp):
    """Thirteenth session: "Crispness across users, measured by the variance of ..." names a measure; "the
    verifier is uncertain, measured by ..." (after a verb) does not."""
    rec = record("Zorbnet is fast. Crispness across users, measured by the variance of per-user scores, improves. "
                 "Ranking quality, measured by Kendall's tau, reaches 0.62. The beam grows when the verifier is "
                 "uncertain, measured by the entropy of its scores.", nlp)
    metrics = surfaces(rec, "Metric")
    assert {"Crispness", "Ranking quality"} <= metrics
    assert not {"uncertain", "Crispness across users"} & metrics


def test_a_verb_shaped_word_ends_a_metric_phrase(nlp):
    """Thirteenth session: "a fixed budget wastes compute" and "noisy labels hurts accuracy" name no metric with
    their subject: the walk back from the metric head stops at the verb-shaped word."""
    rec = record("With Zorbnet, a fixed zorb budget wastes compute on easy inputs, and noisy zorb labels hurts "
                 "accuracy.", nlp)
    metrics = surfaces(rec, "Metric")
    assert not any("wastes" in m or "hurts" in m for m in metrics)


def test_a_when_phrase_is_no_metric(nlp):
    """Thirteenth session: "at inference time" and "inference-time scaling" say when, not what is measured; "cuts
    inference time by 40%" measures it."""
    rec = record("Zorbnet reads documents at inference time and uses inference-time scaling.", nlp)
    assert "inference time" not in {m.lower() for m in surfaces(rec, "Metric")}
    rec = record("Zorbnet reads documents at inference time and cuts inference time by 40%.", nlp)
    assert "inference time" in {m.lower() for m in surfaces(rec, "Metric")}


def test_a_metric_per_unit_of_work_is_a_metric_of_its_own(nlp):
    """Thirteenth session, round two: "energy per token" names what is measured; the result keeps it."""
    rec = record("Zorbnet draws 37% less energy per token than Quillformer and cuts latency per request by 2x.", nlp)
    metrics = {m.lower() for m in surfaces(rec, "Metric")}
    assert {"energy per token", "latency per request"} <= metrics and "energy" not in metrics
    assert {r["metric"] for r in rec["results"]} >= {"metric:energypertoken"}
    rec = record("Zorbnet emits 900 tokens per second per card.", nlp)
    assert "tokens per second per card" not in {m.lower() for m in surfaces(rec, "Metric")}


def test_a_metric_word_in_a_list_of_domains_is_no_metric(nlp):
    """Thirteenth session, round two: a known metric word among three or more plain items none of which is a
    metric names a domain ("retail, energy and public transport"); a list of measures keeps it."""
    rec = record("Zorbtab spans retail, agriculture, energy and public transport. We pre-train on public energy, "
                 "weather, sales and traffic logs.", nlp)
    assert "energy" not in {m.lower() for m in surfaces(rec, "Metric")}
    rec = record("Zorbtab reports latency, throughput and energy on one board.", nlp)
    assert "energy" in {m.lower() for m in surfaces(rec, "Metric")}


def test_a_naming_adjective_the_paper_always_writes_before_a_metric_is_part_of_it(nlp):
    """Thirteenth session, round two: "expected speedup", written so every time, names a metric of its own; a
    grading adjective ("comparable accuracy") does not, and a metric also written bare stays a metric."""
    rec = record("Zorbnet raises the expected speedup of generated kernels from 1.2 to 3.4 over Quillformer.", nlp)
    metrics = {m.lower() for m in surfaces(rec, "Metric")}
    assert "expected speedup" in metrics and "speedup" not in metrics
    rec = record("Zorbnet reaches comparable accuracy with half the memory.", nlp)
    assert "comparable accuracy" not in {m.lower() for m in surfaces(rec, "Metric")}
    rec = record("Zorbnet improves the speedup of kernels, and its expected speedup over seeds is 2.1.", nlp)
    assert "speedup" in {m.lower() for m in surfaces(rec, "Metric")}
