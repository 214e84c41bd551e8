"""Proposals read by kg_frame on the blank pipeline: one mechanism per test, on texts written for the test."""

from __future__ import annotations

import pytest
import spacy

from kg.extract import load_pipeline


@pytest.fixture(scope="module")
def blank() -> spacy.Language:
    return load_pipeline("blank")


def proposed_names(doc) -> set[str]:
    names: dict[str, str] = {}
    for span in doc.spans["kg_entities"]:
        names.setdefault(span.kb_id_, span.text)
    return {names[key] for key in doc._.kg_frame["proposed"]}


def test_the_means_of_a_title_is_the_proposal_only_when_nothing_else_is(blank):
    doc = blank("Sparse Graph Coloring via Randomized Vertex Elimination in Linear Time\n"
                "We study graph coloring. Our analysis gives a tight bound.")
    assert proposed_names(doc) == {"Randomized Vertex Elimination"}
    # a title opening with its own name: the means after "via" is what the name is built with
    doc = blank("Low-Rank Tree Search with Planning via Monte Carlo Rollouts\nWe study search with rollouts.")
    assert proposed_names(doc) == {"Low-Rank Tree Search"}
    # a colon title that names nothing before its colon: the subtitle's means
    doc = blank("Taming Long Horizons: Faster Planning via Hierarchical Option Graphs\nWe study long horizons.")
    assert proposed_names(doc) == {"Hierarchical Option Graphs"}
    # ... unless the abstract names the proposal
    doc = blank("Taming Long Horizons: Faster Planning via Hierarchical Option Graphs\nWe propose HOGPlan, a planner.")
    assert proposed_names(doc) == {"HOGPlan"}


def test_praise_before_a_title_name_is_not_part_of_the_name(blank):
    doc = blank("Faster Gradient-Free Samplers for Nonconvex Losses\nWe give samplers with small memory.")
    assert proposed_names(doc) == {"Gradient-Free Samplers"}


def test_a_name_in_apposition_to_our_method_is_proposed(blank):
    doc = blank("Stable Steps for Stochastic Optimization\nOur method, Q-Walk, combines SGD and momentum. "
                "It runs on one GPU.")
    assert "Q-Walk" in proposed_names(doc)
    doc = blank("Routing Queries\nFor each query, our (meta) algorithm RouteX picks one model among candidates.")
    assert "RouteX" in proposed_names(doc)
    # an apposition after a plain pronoun or to another subject is not a proposal
    doc = blank("Routing Queries\nPrior work, FastRoute, picks one model. We study RouteX.")
    assert "FastRoute" not in proposed_names(doc)


def test_names_the_authors_call_or_refer_to(blank):
    doc = blank("Memory Layouts\nWe cast layout search as a game, which we call the layoutGame, and solve it.")
    assert "layoutGame" in proposed_names(doc)
    doc = blank("Sharing Weights\nWe refer to the modified hashing scheme, which adds our fixes, as HASH-Stable.")
    assert "HASH-Stable" in proposed_names(doc)
    # a lower-case notion the authors name is not a method they propose
    doc = blank("Perseus: Saving Energy\nPart of the energy can be removed, which we call energy bloat. "
                "We propose Perseus.")
    assert proposed_names(doc) == {"Perseus"}


def test_counted_lists_of_contributions(blank):
    doc = blank("Stable Grokking\nTo test this, we introduce two key contributions that address the problem: "
                "SoftCap, a new activation function that keeps logits small, and orthoGrad, a training algorithm.")
    assert {"SoftCap", "orthoGrad"} <= proposed_names(doc)
    doc = blank("ZipNet: Compressing Activations\nZipNet reduces memory through two key innovations: (1) Range "
                "Folding, which aligns the ranges, and (2) Grouped Activation Quantization, which saves memory.")
    assert {"ZipNet", "Range Folding", "Grouped Activation Quantization"} <= proposed_names(doc)


def test_coordinated_verbs_and_our_algorithm_speak_for_the_authors(blank):
    doc = blank("Target Surrogates\nWe instantiate our framework in the stochastic setting and propose the TSG "
                "algorithm, a projected method.")
    assert any(name.startswith("TSG") for name in proposed_names(doc))
    doc = blank("Regret Bounds\nOur second algorithm develops a variance-reduced loss estimator for the bandit case.")
    assert "variance-reduced loss estimator" in proposed_names(doc)
    # a verb coordinated across a clause break is not the authors'
    doc = blank("Regret Bounds\nWe show that prior work, which adopts XGrad, fails and introduces bias.")
    assert "XGrad" not in proposed_names(doc)


def test_sizes_of_a_proposed_model_and_adjectives_before_a_proposal(blank):
    doc = blank("FastDet, A Scalable Detector\nWe introduce FastDet. FastDet-Small reaches 38.2% mAP on COCO.")
    assert {"FastDet", "FastDet-Small"} <= proposed_names(doc)
    doc = blank("Sample-Efficient Tuning\nWe propose a population-based automated RL (AutoRL) framework.")
    assert "automated RL" in proposed_names(doc)
    # "we extend X to Y": Y is proposed only when it is a new name
    doc = blank("Linear Bandits\nWe also extend the first algorithm to simulator-free linear bandits, and "
                "extend LinUCB to LinUCB-Lazy.")
    assert "LinUCB-Lazy" in proposed_names(doc) and "linear bandits" not in proposed_names(doc)


def test_a_coined_object_no_entity_rule_found_becomes_a_proposed_method(blank):
    doc = blank("Offline Prompt Ranking\nThis work introduces Qrank-OIRX, an approach rooted in ranking. "
                "Qrank-OIRX is cheap.")
    assert "Qrank-OIRX" in proposed_names(doc)
    assert sum(s.text == "Qrank-OIRX" and s.label_ == "Method" for s in doc.spans["kg_entities"]) == 2
    # a coined word that is not the object of the authors' verb is not added
    doc = blank("Offline Prompt Ranking\nA recent survey by Lee introduces Qrank-OIRX, an approach rooted in ranking.")
    assert "Qrank-OIRX" not in proposed_names(doc)


def test_a_capitalised_coined_word_the_authors_introduce_is_a_proposed_method(blank):
    # a plain capitalised word that ends its phrase after the authors' propose verb: the shape and place of a name
    doc = blank("Sparse codes for retrieval\nIn this paper we introduce Trevlin. Trevlin, which uses sparse codes, "
                "is fast.")
    assert proposed_names(doc) == {"Trevlin"}
    assert sum(s.text == "Trevlin" for s in doc.spans["kg_entities"]) == 2
    doc = blank("Sparse codes for retrieval\nWe propose Quembly and Florbin, two retrievers.")
    assert "Quembly" in proposed_names(doc)
    assert {"Quembly", "Florbin"} <= {s.text for s in doc.spans["kg_entities"] if s.label_ == "Method"}
    # a capitalised modifier is not a name: it does not end its phrase
    doc = blank("Sparse codes for retrieval\nWe propose Bayesian and frequentist estimators of recall.")
    assert proposed_names(doc) == set()
    # the name after "called" in the authors' sentence; not in someone else's
    doc = blank("Sparse codes for retrieval\nWe propose a new retriever called Blimpo that uses sparse codes.")
    assert proposed_names(doc) == {"Blimpo"}
    doc = blank("Sparse codes for retrieval\nSmith et al. proposed a retriever called Blimpo that uses sparse codes.")
    assert proposed_names(doc) == set()
    # the coined word that opens the title's name is that name, not a second proposal
    doc = blank("Wobble Optimizer: Steps for Deep Learning\nWe introduce Wobble, another optimizer. Wobble is stable.")
    assert proposed_names(doc) == {"Wobble Optimizer"}


def test_a_pronoun_before_a_verb_phrase_does_not_propose_it(blank):
    # "we fine-tune X": what follows a subject pronoun is its verb, and a fine-tuned model is not proposed
    doc = blank("Answer Ranking for Open Questions\nWe fine-tune DeBERTa-v2 on SQuAD and reach 91.2% accuracy.")
    assert not any("DeBERTa" in name for name in proposed_names(doc))
    # a possessive still owns the name after it
    doc = blank("Answer Ranking for Open Questions\nOur EfficientRanker-2 reaches 91.2% accuracy on SQuAD.")
    assert "EfficientRanker-2" in proposed_names(doc)


def test_a_benchmark_in_apposition_and_a_method_after_a_list_of_verbs_are_not_proposed(blank):
    doc = blank("On Learned Routing\nWe introduce GraphArena, an extensive graph learning benchmark for routing problems.")
    assert proposed_names(doc) == set()
    doc = blank("Notes on Retrieval\nThis paper presents good practices to implement, tune, and evaluate RAG for "
                "Portuguese.")
    assert proposed_names(doc) == set()


def test_a_title_name_replaces_a_shorter_entity_in_its_later_mentions(blank):
    doc = blank("KV Forecasting for Lower Latency\nTo cut latency, we introduce a novel method called KV Forecasting. "
                "It predicts the KV cache.")
    keys = {s.kb_id_ for s in doc.spans["kg_entities"] if s.text == "KV Forecasting"}
    assert len(keys) == 1 and sum(s.text == "KV Forecasting" for s in doc.spans["kg_entities"]) == 2
    assert doc._.kg_frame["proposed"] == list(keys)


def test_other_peoples_work_is_no_author_but_this_work_is(blank):
    # "work", "paper", "study" speak for the authors only when the paper owns them ("this work", "our paper")
    doc = blank("On Sorting Long Lists\nPrior work introduces QuickSortX for lists. We propose MergeNet, which is faster.")
    assert proposed_names(doc) == {"MergeNet"}
    doc = blank("On Sorting Long Lists\nRecent work has introduced QuickSortX. Their paper proposes HeapNet. "
                "This work introduces MergeNet, an approach for lists.")
    assert proposed_names(doc) == {"MergeNet"}
    doc = blank("On Sorting Long Lists\nPrior work introduces QuickSortX for lists. In this paper, we study its limits.")
    assert proposed_names(doc) == set()
    doc = blank("On Sorting Long Lists\nThe present study develops MergeNet for lists. Our paper also presents HeapNet.")
    assert proposed_names(doc) == {"MergeNet", "HeapNet"}
    # naming after an author noun follows the same rule: "which prior work calls X" names nobody's proposal
    doc = blank("On Sorting Long Lists\nWe study a method that prior work calls QuickSortX.")
    assert proposed_names(doc) == set()


def test_methods_the_frame_adds_carry_the_scorers_confidence():
    nlp = load_pipeline("blank")
    text = "Sequential Gradient Coding For Straggler Mitigation\nWe study stragglers in distributed training."
    doc = nlp(text)
    assert proposed_names(doc) == {"Sequential Gradient Coding"}  # a descriptive title name kg_frame adds
    confidences = doc._.kg_confidences
    assert all(span.kb_id_ in confidences for span in doc.spans["kg_entities"])
    key = doc._.kg_frame["proposed"][0]
    assert 0.0 < confidences[key] < 1.0
    # the same model and threshold as kg_scorer: a model that distrusts names no candidate source found
    # (source "propagated") drops the added Method, and the frame no longer proposes it
    scorer = nlp.get_pipe("kg_scorer")
    scorer.initialize(model={"weights": {"src=propagated": -12.0}, "bias": 3.0, "thresholds": {"Method": 0.5}})
    doc = nlp(text)
    assert key not in {span.kb_id_ for span in doc.spans["kg_entities"]}
    assert doc._.kg_frame["proposed"] == [] and key not in doc._.kg_confidences


def test_a_method_family_the_vocabulary_knows_is_not_the_papers_own(blank):
    # a known family after a propose verb or "our" is what the paper's method is made of, not a proposal
    doc = blank("Adaptive Scene Testing for Delivery Robots\nTo find hard scenes, we propose the sparse "
                "reinforcement learning method and a new reward. It tests robots faster.")
    assert "reinforcement learning" not in {name.lower() for name in proposed_names(doc)}
    doc = blank("Stable Critics\nWe build our dropout critics for robot control. They learn fast.")
    assert "dropout" not in {name.lower() for name in proposed_names(doc)}
    # a coined name in the same place is still proposed, and so is a known family in a counted list
    doc = blank("Stable Critics\nWe propose QuillNet, a critic for robot control. It learns fast.")
    assert "QuillNet" in proposed_names(doc)
    doc = blank("Faster Training\nWe introduce two new methods, gradient accumulation and knowledge distillation, "
                "for small devices.")
    assert {"gradient accumulation", "knowledge distillation"} <= {name.lower() for name in proposed_names(doc)}


def test_the_named_parts_a_proposal_is_said_to_have_are_proposed(blank):
    doc = blank("Quiltor: Sharper Detection\nWe introduce Quiltor, a detector for small objects. Quiltor has two "
                "components: a Patch Memory Bank that stores context, and a Scale Mixing Loss (SML) that aligns "
                "regions. It runs in real time.")
    assert {"Quiltor", "Patch Memory Bank", "Scale Mixing Loss"} <= proposed_names(doc)


def test_a_propose_verb_after_comma_and_belongs_to_the_sentences_subject(blank):
    doc = blank("Depth Matters\nWe observe that the error grows with depth in most layers, and propose DepthFix, "
                "which rescales each layer. It is cheap.")
    assert "DepthFix" in proposed_names(doc)
    doc = blank("Depth Matters\nIn this paper, we observe that the error grows with depth, and introduce "
                "DepthFix, which rescales each layer.")
    assert "DepthFix" in proposed_names(doc)
    # the sentence's subject is someone else: their method, not the paper's
    doc = blank("Depth Matters\nEarlier studies observe that the error grows with depth, and propose DepthFix, "
                "which rescales each layer. We study its limits.")
    assert "DepthFix" not in proposed_names(doc)


def test_a_part_the_paper_presents_as_new_is_proposed(blank):
    doc = blank("Multi-Goal Samplers\nWe propose MGSampler for molecule design. MGSampler consists of a novel "
                "Conditional Flow Sampler which models each goal. It beats GA.")
    assert {"MGSampler", "Conditional Flow Sampler"} <= proposed_names(doc)
    # a new method someone else made, in a sentence about them, is not the paper's
    doc = blank("Multi-Goal Samplers\nWe propose MGSampler for molecule design. Earlier work built a new "
                "Conditional Flow Sampler for one goal.")
    assert "Conditional Flow Sampler" not in proposed_names(doc)


def test_a_cited_name_is_prior_work_not_a_proposal(blank):
    doc = blank("Feedback Revisited\nWe study a form of feedback called QZ7 (Novak et al., 2020) which is fast, "
                "and we propose a cheaper variant.")
    assert "QZ7" not in proposed_names(doc)
    doc = blank("Feedback Revisited\nWe study a form of feedback called QZ7 [12] which is fast.")
    assert "QZ7" not in proposed_names(doc)
    doc = blank("Feedback Revisited\nWe study a form of feedback called QZ7 (ours) which is fast.")
    assert "QZ7" in proposed_names(doc)


def test_a_name_whose_apposition_after_a_colon_is_a_benchmark_is_not_proposed(blank):
    doc = blank("Benchmarking Optimizers\nTo compare optimizers fairly, we introduce the OptiRace: Training "
                "Optimizers benchmark, which runs on fixed hardware.")
    assert "OptiRace" not in proposed_names(doc)
    doc = blank("Benchmarking Optimizers\nWe introduce OptiRace: a fast optimizer for small models.")
    assert "OptiRace" in proposed_names(doc)


def test_a_title_phrase_naming_a_goal_is_no_second_proposal(blank):
    # a process noun ("Selection") or a property noun ("Fairness") heads the title phrase, and the abstract
    # proposes a method of its own: the phrase names the goal, the named method is the proposal
    doc = blank("Supplier Selection for Sparse Procurement Graphs\nWe propose RankMix, a graph model for suppliers. "
                "Supplier Selection is hard.")
    assert proposed_names(doc) == {"RankMix"}
    # ... and the goal is the paper's Task, in the title and after it
    labels = {(s.start, s.text, s.label_) for s in doc.spans["kg_entities"] if s.text == "Supplier Selection"}
    assert {label for _, _, label in labels} == {"Task"} and len(labels) == 2
    assert all(s.label_ == "Method" for s in doc.spans["kg_entities"] if s.text == "RankMix")
    doc = blank("Certified Fairness for Loan Scoring Pipelines\nWe introduce ShieldFair, a scoring wrapper.")
    assert proposed_names(doc) == {"ShieldFair"}
    doc = blank("Rhythm-Level Meter Transfer for Short Poems\nWe propose VerseShift, a two-pass decoder.")
    assert proposed_names(doc) == {"VerseShift"}
    # alone, the phrase stays the proposal
    doc = blank("Supplier Selection for Sparse Procurement Graphs\nWe study procurement graphs of many firms.")
    assert "Supplier Selection" in proposed_names(doc)
    # a phrase headed by a method noun stays beside the named method
    doc = blank("Collapsible Pruning Blocks for Small Detectors\nWe propose CPB-Net, a detector built from them.")
    assert "Collapsible Pruning Blocks" in proposed_names(doc)


def test_two_coined_names_joined_by_and_after_a_titles_means_are_both_proposed(blank):
    doc = blank("Robust Walking via Dual Gait Planners and Reflex Shaping Controllers\nWe study walking robots.")
    assert proposed_names(doc) == {"Dual Gait Planners", "Reflex Shaping Controllers"}
    doc = blank("Scaling Lip Reading with Cross-Modal Pseudo-Labelling and Mouth-Patch Masking\nWe study lip reading.")
    assert proposed_names(doc) == {"Cross-Modal Pseudo-Labelling", "Mouth-Patch Masking"}
    # methods the vocabulary knows after "with" are what the paper uses, not two contributions
    doc = blank("Image Classification with Deep Residual Networks and Batch Normalization\nWe study images.")
    assert proposed_names(doc) == set()


def test_a_coined_name_in_apposition_to_a_new_method_noun_is_proposed(blank):
    doc = blank("Stable Rollouts\nWe apply our recipe to MACE and to a new lightweight architecture, ZorbNet-S, "
                "which is fast.")
    assert "ZorbNet-S" in proposed_names(doc)
    # an established method in apposition is no proposal, nor one without a novelty word
    doc = blank("Stable Rollouts\nWe apply our recipe to the popular architecture, ZorbNet, and to a new variant "
                "of the standard architecture, QuorbNet, which is fast.")
    assert not {"ZorbNet", "QuorbNet"} & proposed_names(doc)
    doc = blank("Stable Rollouts\nWe apply our recipe to a convolutional architecture, ZorbNet-S, which is fast.")
    assert "ZorbNet-S" not in proposed_names(doc)
    # praise is presentation too, when the authors or their method speak; others' work is not the paper's
    doc = blank("Searching Optimizers\nOur method discovers a simple and effective optimization algorithm, QuOpt "
                "(Quick Optimizer). It keeps one buffer.")
    assert "QuOpt" in proposed_names(doc)
    doc = blank("Searching Optimizers\nA prior search discovered a simple and effective optimization algorithm, "
                "QuOpt, which keeps one buffer. We study its limits.")
    assert "QuOpt" not in proposed_names(doc)


def test_each_name_of_a_list_after_namely_or_called_is_proposed(blank):
    doc = blank("Fast Inference\nWe propose two variants, namely Zorbo-S and Zorbo-L, that prune heads.")
    assert proposed_names(doc) == {"Zorbo-S", "Zorbo-L"}
    doc = blank("Fast Inference\nWe introduce a new model called Quark-S, Quark-M and Quark-L. Both reduce latency.")
    assert proposed_names(doc) == {"Quark-S", "Quark-M", "Quark-L"}
    # other people's models are not the paper's
    doc = blank("Fast Inference\nPrior work uses models called Quark-S and Quark-L. We study them.")
    assert proposed_names(doc) == set()


def test_extending_to_a_name_the_abstract_wrote_before_proposes_nothing(blank):
    # "we extend X to Y": a Y the abstract already named is the setting reached, not a new name
    doc = blank("Refined Bounds\nWe study an adversarial Partially Observed Game (POGs) with bandit feedback. "
                "We propose a clipped loss estimator. We also extend the first algorithm to linear POGs.")
    assert "POGs" not in proposed_names(doc)
    doc = blank("Refined Bounds\nWe study linear bandits. We also extend the first algorithm to LinUCB-Lazy.")
    assert "LinUCB-Lazy" in proposed_names(doc)


def test_a_title_phrase_reached_through_a_known_means_is_the_proposal(blank):
    # the means after "via" is a tool the vocabulary knows: the phrase before it is what the paper proposes
    doc = blank("Optimal Tensor Rematerialization via Integer Linear Programming\nWe plan memory for training.")
    assert proposed_names(doc) == {"Optimal Tensor Rematerialization"}
    # ... unless the abstract writes the title up to the means again as one name
    doc = blank("Tensor Rematerialization Using Integer Linear Programming\nWe propose a novel approach called "
                "Tensor Rematerialization using Integer Linear Programming (TRILP).")
    assert "Tensor Rematerialization" not in proposed_names(doc)
    # a means no vocabulary knows is the proposal, the phrase before it the task
    doc = blank("Sparse Graph Coloring via Randomized Vertex Elimination\nWe study graph coloring.")
    assert proposed_names(doc) == {"Randomized Vertex Elimination"}


def test_a_subtitles_means_the_abstract_writes_again_is_a_named_part(blank):
    doc = blank("QuillSQL: Cheap Text-to-SQL with Difficulty-Aware Dispatching\nWe propose QuillSQL, a "
                "difficulty-aware dispatching framework that sends each query to a suitable model.")
    assert proposed_names(doc) == {"QuillSQL", "Difficulty-Aware Dispatching"}
    doc = blank("scandoc: pixel-only document reading with density-adaptive tiling\nscandoc is a model whose "
                "encoder uses density-adaptive tiling on text regions.")
    assert "density-adaptive tiling" in proposed_names(doc)
    # a means the abstract never writes again is what the proposal is built with
    doc = blank("QuillSQL: Cheap Text-to-SQL with Difficulty-Aware Dispatching\nWe propose QuillSQL, a "
                "framework that sends each query to a suitable model.")
    assert proposed_names(doc) == {"QuillSQL"}
    # a field in the subtitle, with no coined compound, is no named part
    doc = blank("SpecX: Fast Decoding via Optimal Coupling\nWe propose SpecX, which casts drafting as optimal coupling.")
    assert proposed_names(doc) == {"SpecX"}


def test_an_apposition_proposes_a_name_at_its_first_mention_only(blank):
    doc = blank("Fast Sequence Models\nZorbNet is a recurrent model. We apply our recipe to a new lightweight architecture, "
                "ZorbNet, which scans tokens.")
    assert "ZorbNet" not in proposed_names(doc)


def test_a_titles_coined_means_the_abstract_writes_again_is_a_part_of_the_titles_proposal(blank):
    # a title without a colon: the opening name is the proposal, the coined means written again is its named part
    doc = blank("Chunked Zorb Transducers with Cross-Dialect Lookahead for Streaming Recognition\nWe propose a chunked "
                "Zorb transducer in which a cross-dialect lookahead module predicts future frames.")
    assert {"Chunked Zorb Transducers", "Cross-Dialect Lookahead"} <= proposed_names(doc)
    # a title that names no proposal has no named part
    doc = blank("A Photonic Zorb Core with On-Chip Drift Calibration for Inference\nWe present a photonic core with an "
                "on-chip drift calibration loop.")
    assert "On-Chip Drift Calibration" not in proposed_names(doc)
    # a means inside the purpose ("for X with Y") belongs to the purpose
    doc = blank("Zorb Learning for Bandits with Cross-Arm Feedback\nWe study cross-arm feedback in bandits.")
    assert "Cross-Arm Feedback" not in proposed_names(doc)


def test_a_new_kind_of_a_known_method_opening_a_title_is_the_proposal_when_nothing_else_is(blank):
    doc = blank("Load-Balanced Context Parallelism for Causal Attention\nWe shard long sequences across devices.")
    assert proposed_names(doc) == {"Load-Balanced Context Parallelism"}
    # a hyphenated name the vocabulary lists itself is the topic
    doc = blank("Multi-Task Learning for Image Segmentation\nWe study multi-task learning for segmentation.")
    assert proposed_names(doc) == set()
