"""Entity mechanisms that carry to names no vocabulary holds (issue 9, fifth session): devices found by their
shape and position, metrics found by standing where a measure does, and acronyms defined after a longer name.
Every name here is invented, so no vocabulary row can be what finds it."""

from __future__ import annotations

import pytest

from entity_records import record, surfaces
from kg.extract import load_pipeline


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline("blank")


def test_capitalised_or_numbered_words_before_a_device_noun_are_one_device(nlp):
    rec = record("We deploy it on a Zorvex Gold 6248 CPU and on two Kestrel 7 boards, and compare QMX processors "
                 "with Vantor accelerators. The first CPU is slow; the Zorvex Accelerator Facility is a beam line.", nlp)
    hardware = surfaces(rec, "Hardware")
    assert {"Zorvex Gold 6248 CPU", "Kestrel 7 boards", "QMX processors", "Vantor accelerators"} <= hardware
    assert not any(s.startswith("The") for s in hardware)  # not at a sentence start
    assert not any("Facility" in s or "Zorvex Accelerator" in s for s in hardware)  # a word of a longer name
    rec = record("We fit a 24GB GPU.", nlp, title="Optimizing GPU Kernels on TPUv9 Pods")
    assert {"GPU", "TPUv9 Pods"} <= surfaces(rec, "Hardware") and "Optimizing GPU" not in surfaces(rec, "Hardware")
    assert "GB GPU" not in surfaces(rec, "Hardware")


def test_a_shaped_name_in_device_position_is_hardware(nlp):
    rec = record("Inference runs on a single Orvo Nano and we also test on 4 x Kestrel Mk2.", nlp)
    hardware = surfaces(rec, "Hardware")
    assert {"Orvo Nano", "Kestrel Mk2"} <= hardware
    assert not {"Orvo Nano", "Kestrel Mk2"} & surfaces(rec, "Method")
    rec = record("Five datasets were trained on two Zindle models.", nlp)
    assert "Zindle" not in surfaces(rec, "Hardware")  # a noun after the name says what it is


def test_names_in_a_list_after_a_measure_opener_are_metrics(nlp):
    rec = record("Our sampler beats prior samplers in terms of Zorbness, Q7-distance and wobble rate. "
                 "In terms of usability, it is simple.", nlp)
    metrics = surfaces(rec, "Metric")
    assert {"Zorbness", "Q7-distance", "wobble rate"} <= metrics
    assert not {"Zorbness", "Q7-distance"} & surfaces(rec, "Method")
    assert "usability" not in metrics  # a list item after the opener needs a metric head word


def test_a_name_after_a_multiplier_and_a_comparative_is_a_metric(nlp):
    rec = record("The network is fast (e.g., 6x-8x higher ZPS) on phones.", nlp)
    assert "ZPS" in surfaces(rec, "Metric") and "ZPS" not in surfaces(rec, "Method")


def test_acronym_after_a_longer_known_name_is_that_name(nlp):
    # the letters spell "reinforcement learning", but the acronym stands for the name written before it
    rec = record("Deep learning and deep reinforcement learning (RL) agents improve; RL needs samples.", nlp)
    methods = {e["name"].lower(): e for e in rec["entities"] if e["type"] == "Method"}
    drl = methods["deep reinforcement learning"]
    assert "RL" in drl["aliases"]
    assert "reinforcement learning" not in methods


def test_a_shaped_name_takes_the_type_its_paper_gives_it_elsewhere(nlp):
    rec = record("We introduce the Wobble Space Utilization Rate (WSUR), a new metric. Our method raises WSUR. "
                 "The net is fast (6x higher ZPS), and ZPS stays high.", nlp)
    assert {"WSUR", "ZPS"} <= surfaces(rec, "Metric")
    assert not {"WSUR", "ZPS"} & surfaces(rec, "Method")


def test_a_shaped_name_after_a_dataset_noun_or_in_its_list_is_a_dataset(nlp):
    rec = record("We run the (1+1) EA on the recently introduced benchmark ZorbMax. We train on several datasets "
                 "(QWERT-9, ZXCV, PLMK-3) and on workloads such as TPC-Q and JOBZ, and benchmarks, such as "
                 "ZBench-Q in turn.", nlp)
    datasets = surfaces(rec, "Dataset")
    assert {"ZorbMax", "QWERT-9", "ZXCV", "PLMK-3", "TPC-Q", "JOBZ", "ZBench-Q"} <= datasets
    assert not datasets & surfaces(rec, "Method")


def test_lower_case_phrases_in_measure_frames_are_metric_candidates(nlp):
    from kg.extract.candidates import candidates

    doc = nlp.make_doc("A study\nIt reduces wobble use by over 40% and gives 3.4x higher zorb hit rates, "
                       "reduces the model by 5 layers and is 2x faster training.")
    for name in ("kg_title_boundary", "sentencizer", "kg_vocabulary", "kg_open_rules", "kg_head_phrases"):
        doc = nlp.get_pipe(name)(doc)
    metrics = {doc[c.start:c.end].text for c in candidates(doc) if c.label_ == "Metric" and c.id_ == "phrase"}
    assert {"wobble use", "zorb hit rates"} <= metrics
    assert not {"model", "training", "faster training"} & metrics  # a thing is no quantity; "faster" qualifies


def test_a_name_and_a_hyphenated_participle_before_a_noun_is_a_modifier_not_a_name(nlp):
    rec = record("A ZorbLU-fied Kestrel-7 model runs fast. The writer is a QuxA-adapted Vantor-13B, and we study "
                 "KQ-regularised policy search.", nlp)
    found = {m["text"] for e in rec["entities"] for m in e["mentions"]}
    assert not {"ZorbLU-fied", "QuxA-adapted", "KQ-regularised"} & found
    assert "Vantor-13B" in surfaces(rec, "Method")
    rec = record("Zorbax-trained with a large budget, QuxNet learns quickly.", nlp)
    assert "QuxNet" in surfaces(rec, "Method")  # the participle modifies no noun: left to the other rules


def test_languages_listed_with_a_shaped_name_are_no_methods(nlp):
    # ISO 639-2 language names (stop.jsonl, bench/language_stop_rows.py) are known non-entities: a list of
    # languages does not take the type of the shaped name listed with them
    rec = record("We translate into Hausa, Yoruba, Wolof and zuRelo with QuxaNet.", nlp)
    found = {m["text"] for e in rec["entities"] for m in e["mentions"]}
    assert not {"Hausa", "Yoruba", "Wolof"} & found
    assert "QuxaNet" in surfaces(rec, "Method")


def test_a_task_only_ever_naming_a_kind_of_model_is_no_task(nlp):
    # GUIDELINE-TASKS.md lists a task where it is written as a phrase of its own: "X models" is a kind of model
    rec = record("We evaluate 61 candidate recommendation models and pair image captioning models with QuxaNet.", nlp)
    assert surfaces(rec, "Task") == set() and "QuxaNet" in surfaces(rec, "Method")
    rec = record("Image captioning is hard. We pair image captioning models with QuxaNet.", nlp)
    assert {s.lower() for s in surfaces(rec, "Task")} == {"image captioning"}  # a phrase of its own once: kept


def test_the_word_after_an_acronym_definition_types_an_unknown_long_form(nlp):
    rec = record("We introduce the Zorb Elasticity of Quality (ZEQ) metric; QuxaNet raises ZEQ by 3%.", nlp)
    assert {"Zorb Elasticity of Quality", "ZEQ"} <= surfaces(rec, "Metric")
    assert not {"Zorb Elasticity of Quality", "ZEQ"} & surfaces(rec, "Method")


def test_a_one_word_task_row_matches_the_singular_only(nlp):
    # "recommendation" is a task; "recommendations" are things a study makes
    rec = record("We distill the study into several key recommendations for QuxaNet users.", nlp)
    assert surfaces(rec, "Task") == set()
    rec = record("QuxaNet improves recommendation on three benchmarks.", nlp)
    assert surfaces(rec, "Task") == {"recommendation"}


def test_a_short_task_is_the_one_longer_task_ending_in_it(nlp):
    # "segmentation" beside "gizmo segmentation" only: the paper's gizmo segmentation written short
    rec = record("We study gizmo segmentation with QuxaNet. It wins on tasks such as segmentation and summarization.",
                 nlp)
    tasks = [e for e in rec["entities"] if e["type"] == "Task"]
    merged = [e for e in tasks if "gizmo segmentation" in {e["name"], *e["aliases"]}]
    assert merged and "segmentation" in {m["text"] for m in merged[0]["mentions"]}
    assert not any(e["name"] == "segmentation" for e in tasks)
    # two longer tasks end in it: which one is unknown, it stays a task of its own
    rec = record("We study gizmo segmentation and widget segmentation with QuxaNet. It wins on tasks such as "
                 "segmentation and summarization.", nlp)
    assert any(e["name"] == "segmentation" for e in rec["entities"] if e["type"] == "Task")
    # a short task with an acronym of its own stays a task of its own
    rec = record("Gizmo segmentation (GS) is hard. We study semantic gizmo segmentation with QuxaNet.", nlp)
    assert {"Gizmo segmentation", "semantic gizmo segmentation"} <= {e["name"] for e in rec["entities"]
                                                                     if e["type"] == "Task"}



def test_a_task_phrase_with_capitals_spelling_a_name_of_the_paper_is_that_name(nlp):
    # "Cautious ASsortment PlacEment" spells CASPE, a name the paper writes ("(CASPE for short)" defines no acronym):
    # the phrase is that name written out, not a task; a plain task phrase stays
    from kg.extract.candidates import candidate
    from kg.extract.entities import EntityResolver

    doc = nlp.make_doc("We propose CASPE , short for Cautious ASsortment PlacEment , for widget placement .")
    entities = [(candidate(doc, 2, 3, "Method", "coined"), "Method|caspe"),
                (candidate(doc, 6, 9, "Task", "context"), "Task|cautiousassortmentplacement"),
                (candidate(doc, 11, 13, "Task", "context"), "Task|widgetplacement")]
    moved = EntityResolver._spelt_names(doc, entities)
    assert [(span.label_, key) for span, key in moved] == [
        ("Method", "Method|caspe"), ("Method", "Method|caspe"), ("Task", "Task|widgetplacement")]


def test_a_method_phrase_coordinated_with_a_task_and_ending_in_a_process_noun_is_a_task(nlp):
    # the items of a list share their kind: "X and <task>" makes X, a process-noun phrase, a Task too
    title = "Zorblin: Low-Memory Optimizer States"
    rec = record("Our Zorblin optimizer trains models for image classification, age regression and speech recognition "
                 "with half the memory.", nlp, title=title)
    assert {"image classification", "age regression", "speech recognition"} <= surfaces(rec, "Task")
    rec = record("Zorblin matches full-precision optimizers on linear regression and machine translation.", nlp,
                 title=title)
    assert "linear regression" in surfaces(rec, "Task") and "linear regression" not in surfaces(rec, "Method")
    # no task in the coordination: the Method reading stays
    rec = record("Zorblin is fitted with linear regression and instruction tuning is slow.", nlp, title=title)
    assert "linear regression" in surfaces(rec, "Method") and not surfaces(rec, "Task")
