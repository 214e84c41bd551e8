"""Entity mechanisms of the sixth session (issue 9, read off the synthetic dev abstracts' error classes): names in
a dataset's slot, measures found by the frame a value stands in, and a device's class named with its model.
Every name here is invented, so no vocabulary row can be what finds it."""

from __future__ import annotations

import pytest

from entity_records import record, surfaces
from kg.extract import load_pipeline


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline("blank")


def test_a_name_a_score_is_reported_on_is_a_dataset(nlp):
    rec = record("Our tracker Vexo obtains 61.2 HOTA on QRT19 and 0.55 on ZembaTrack. It also raises the "
                 "exact match on PlorBench-C by 3 points.", nlp)
    datasets = surfaces(rec, "Dataset")
    assert {"QRT19", "ZembaTrack", "PlorBench-C"} <= datasets
    assert not {"QRT19", "ZembaTrack"} & surfaces(rec, "Method")
    assert "Vexo" not in datasets


def test_a_sentence_or_clause_opening_with_on_x_names_datasets_and_not_the_subject(nlp):
    rec = record("We train it once. On GrinDL and KAVO, Vexo reaches 71.3% accuracy; on TruBit it improves "
                 "recall. On PRAZZ, WEMBA-2 and Torrik7 the gains hold.", nlp)
    datasets = surfaces(rec, "Dataset")
    assert {"KAVO", "TruBit", "WEMBA-2", "Torrik7"} <= datasets
    assert "Vexo" not in datasets  # the name after "On X and Y," opens the clause: no list item
    # a device after "on a single ..." stays a device
    rec = record("On a single Zorvex X9 the model runs in real time.", nlp)
    assert "Zorvex X9" not in surfaces(rec, "Dataset")


def test_a_dataset_noun_after_modifiers_or_heading_an_apposition_makes_a_dataset(nlp):
    rec = record("On the QRTV multi-organ benchmark our model wins. We release PlumBix, a dataset built from "
                 "app logs, and assemble ZenTrio, a benchmark of 300 programs. We propose KorVel, a dataset "
                 "distillation method.", nlp)
    datasets = surfaces(rec, "Dataset")
    assert {"QRTV", "PlumBix", "ZenTrio"} <= datasets
    assert "KorVel" not in datasets  # "a dataset distillation method": the noun does not end its phrase
    assert "KorVel" in surfaces(rec, "Method")


def test_a_coined_name_takes_the_dataset_type_its_other_mentions_show(nlp):
    rec = record("We introduce TrapDeck, a benchmark of 900 tasks across 12 apps. TrapDeck is hard for agents.",
                 nlp, title="TrapDeck: Benchmarking Careful Agents")
    assert "TrapDeck" in surfaces(rec, "Dataset") and "TrapDeck" not in surfaces(rec, "Method")


def test_a_value_below_one_or_a_comparison_after_a_name_makes_a_metric(nlp):
    rec = record("It helps on the Zorp set (QAE 0.070 vs. 0.089 without), and most samples refold with "
                 "VX-score above 0.9. We fine-tune Lumo 3.1 models.", nlp)
    metrics = surfaces(rec, "Metric")
    assert {"QAE", "VX-score"} <= metrics
    assert not {"QAE", "VX-score"} & surfaces(rec, "Method")
    assert not any(s.startswith("Lumo") for s in metrics)  # a version, not a value


def test_lower_case_measures_in_value_frames_are_metric_candidates(nlp):
    from kg.extract.candidates import candidates

    doc = nlp.make_doc("A study\nVexo attains a native fold recovery of 55.8% and runs with a wall-echo factor of "
                       "0.07. It reaches 99.1% atom steadiness and 93.4% bond steadiness. The tool utility "
                       "decreases from 69.1% to 62.5%, while glow per token falls by 55%. We use a learning rate "
                       "of 0.1, a total of 5 runs and a tiny head of 2 layers. We achieve 88.3% zero-shot and "
                       "91.1% fine-tuning accuracy.")
    for name in nlp.pipe_names:
        doc = nlp.get_pipe(name)(doc)
        if name == "kg_head_phrases":
            break
    found = {doc[c.start:c.end].text for c in candidates(doc) if c.label_ == "Metric" and c.id_ == "phrase"}
    assert {"native fold recovery", "wall-echo factor", "atom steadiness", "bond steadiness", "tool utility"} <= found
    assert not {"learning rate", "total", "tiny head", "zero-shot", "fine-tuning accuracy", "token"} & found


def test_a_named_device_with_its_class_also_yields_the_class(nlp):
    rec = record("We measure latency on a Zorvex Q7 GPU and a Kestrel9 CPU, and deploy to mobile CPU cores.", nlp)
    hardware = {e["name"] for e in rec["entities"] if e["type"] == "Hardware"}
    assert {"GPU", "CPU"} <= hardware
    assert any("Kestrel9" in name for name in hardware)


def test_a_dataset_found_by_its_slot_keeps_its_variant_qualifier(nlp):
    rec = record("It reaches 81.4 Q&F on ZAVIS 2017 val and 80.1 on YouTu-VOX 2019. On DIVHARD III it wins, and "
                 "on PlumData V2 too.", nlp)
    assert {"ZAVIS 2017", "YouTu-VOX 2019", "DIVHARD III", "PlumData V2"} <= surfaces(rec, "Dataset")


def test_the_object_of_on_after_a_training_or_evaluation_word_is_a_dataset(nlp):
    rec = record("Fine-tuning Zorvo-7B and Kelm-3B on PrefTrove, we raise the win rate. The pre-training "
                 "compute on QuillJX is halved, and newly trained models on ProtRef40 and ProtRef80 help.", nlp)
    datasets = surfaces(rec, "Dataset")
    assert {"PrefTrove", "QuillJX", "ProtRef40", "ProtRef80"} <= datasets
    assert not {"PrefTrove", "QuillJX", "ProtRef40"} & surfaces(rec, "Method")
    assert not {"Zorvo-7B", "Kelm-3B"} & datasets  # the models worked on, not the data
    # a noun after the name says what it is; a device cue keeps a device
    rec = record("The success rate on the evaluation tasks on a GrabbyX arm rises. We trained it on 8 "
                 "Vortex9 chips.", nlp)
    assert not {"GrabbyX", "Vortex9", "Vortex9 chips"} & surfaces(rec, "Dataset")


def test_a_name_listed_with_a_dataset_after_a_sentence_opening_on_is_a_dataset(nlp):
    rec = record("On Quarrel and ZOMBIX-2, our parser Vexo reaches 86.9% and 63.4% execution accuracy.", nlp,
                 title="Parsing with repair")
    datasets = surfaces(rec, "Dataset")
    assert {"Quarrel", "ZOMBIX-2"} <= datasets
    assert "Vexo" not in datasets


def test_later_items_of_a_list_a_dataset_cue_opens_are_datasets(nlp):
    rec = record("We train it with DP-SGD. Across 12 datasets, including Quorra, Bellmark Housing and Zintel Loans, "
                 "our method wins.", nlp, title="Private tables")
    assert {"Bellmark Housing", "Zintel Loans"} <= surfaces(rec, "Dataset")
    assert not {"Bellmark Housing", "Zintel Loans"} & surfaces(rec, "Method")


def test_a_hyphenated_modifier_of_an_apposition_dataset_noun_and_an_adjective_after_on_the(nlp):
    rec = record("We release KoraDoc, a document-level parallel corpus of 900 articles. On the larger QRX-FULL, "
                 "accuracy improves from 48.9% to 51.3%. On the other hand, Vexo-2 is slow.", nlp,
                 title="Document translation")
    datasets = surfaces(rec, "Dataset")
    assert {"KoraDoc", "QRX-FULL"} <= datasets
    assert "Vexo-2" not in datasets  # "On the other hand": no dataset slot


def test_capitalised_words_after_a_slot_found_dataset_go_on_naming_it(nlp):
    rec = record("It reaches AbsRel of 0.047 on QRV Depth v2 and a DER of 14.6% on ZMI Mix-Headset, beating Vexo. "
                 "It scores 30.8 BLEU on KVSS-C Spanish-English, and on PRAZ Vexo-2 reaches 0.61.", nlp,
                 title="Depth and speech")
    datasets = surfaces(rec, "Dataset")
    assert {"QRV Depth v2", "ZMI Mix-Headset", "KVSS-C"} <= datasets
    assert not {"QRV", "ZMI", "KVSS-C Spanish-English"} & datasets  # a language pair is no part of the name
    assert not any(d.startswith("PRAZ ") for d in datasets)  # a name after it that does not end the phrase
