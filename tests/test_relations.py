"""kg_relations: typed entity relations from cue phrases in real corpus sentences."""

from __future__ import annotations


import pytest
import spacy
from spacy.tokens import Doc

from entity_docs import make_doc, make_nlp
from kg import schema


@pytest.fixture(scope="module")
def nlp() -> spacy.Language:
    return make_nlp()


def triples(doc: Doc) -> set[tuple[str, str, str]]:
    return {(r["type"], r["source"], r["target"]) for r in doc._.kg_relations}


EXADAM = (
    "EXAdam: The Power of Adaptive Cross-Moments",
    "This paper introduces EXAdam (EXtended Adam), a novel optimization algorithm that builds upon the widely-used "
    "Adam optimizer. Empirical evaluations demonstrate EXAdam's superiority over Adam, achieving 48.07% faster "
    "convergence and yielding improvements of 4.6%, 4.13%, and 2.39% in training, validation, and testing "
    "accuracies, respectively, when applied to a CNN trained on the CIFAR-10 dataset.",
    [("EXAdam", "Method", "m:exadam"), ("Adam", "Method", "m:adam"), ("CNN", "Method", "m:cnn"),
     ("CIFAR-10", "Dataset", "d:cifar10"), ("convergence", "Metric", "x:convergence")],
)
LASP = (
    "LASP-2: Rethinking Sequence Parallelism for Linear Attention and Its Hybrid",
    "Specifically, LASP-2 achieves training speed improvements of 15.2% over LASP and 36.6% over Ring Attention, "
    "with a sequence length of 2048K across 64 GPUs.",
    [("LASP-2", "Method", "m:lasp2"), ("LASP", "Method", "m:lasp"), ("Ring Attention", "Method", "m:ring"),
     ("GPUs", "Hardware", "h:gpu"), ("training speed", "Metric", "x:speed")],
)
OPRO = (
    "Large Language Models as Optimizers",
    "With a variety of LLMs, we demonstrate that the best prompts optimized by OPRO outperform human-designed "
    "prompts by up to 8% on GSM8K, and by up to 50% on Big-Bench Hard tasks.",
    [("LLMs", "Method", "m:llm"), ("OPRO", "Method", "m:opro"), ("GSM8K", "Dataset", "d:gsm8k"),
     ("Big-Bench Hard", "Dataset", "d:bbh")],
)
FLASH = (
    "FlashAttention-2: Faster Attention with Better Parallelism and Work Partitioning",
    "These yield around 2times speedup compared to FlashAttention, reaching 50-73% of the theoretical maximum "
    "FLOPs/s on A100. FlashAttention-2 reaches training speed of up to 225 TFLOPs/s per A100 GPU "
    "(72% model FLOPs utilization).",
    [("FlashAttention-2", "Method", "m:fa2"), ("FlashAttention", "Method", "m:fa"), ("A100 GPU", "Hardware", "h:a100"),
     ("A100", "Hardware", "h:a100"), ("training speed", "Metric", "x:speed"),
     ("model FLOPs utilization", "Metric", "x:mfu")],
)
REMAX = (
    "ReMax: A Simple, Effective, and Efficient Reinforcement Learning Method for Aligning Large Language Models",
    "The design of ReMax builds on the celebrated algorithm REINFORCE but is enhanced with a new variance-reduction "
    "technique. Second, ReMax reduces memory usage by about 50%. To illustrate, PPO runs out of memory when "
    "fine-tuning a Llama2-7B model on A100-80GB GPUs, whereas ReMax can support the training.",
    [("ReMax", "Method", "m:remax"), ("REINFORCE", "Method", "m:reinforce"), ("PPO", "Method", "m:ppo"),
     ("Llama2-7B", "Method", "m:llama2"), ("A100-80GB GPUs", "Hardware", "h:a100"),
     ("memory usage", "Metric", "x:mem")],
)
SSM = (
    "Sparse Modular Activation for Efficient Sequence Modeling",
    "However, in more comprehensive tasks like language modeling and machine translation, self-attention-based "
    "models still outperform SSMs. In this work, we introduce FlowSep, a new generative model based on RFM for LASS "
    "tasks. Compared to FlashAttention, FlowSep is slow.",
    [("self-attention-based models", "Method", "m:attn"), ("SSMs", "Method", "m:ssm"), ("FlowSep", "Method", "m:flowsep"),
     ("RFM", "Method", "m:rfm"), ("FlashAttention", "Method", "m:fa")],
)
ALL = (EXADAM, LASP, OPRO, FLASH, REMAX, SSM)


def test_builds_on_and_outperforms(nlp):
    found = triples(make_doc(nlp, *EXADAM))
    assert ("BUILDS_ON", "m:exadam", "m:adam") in found
    assert ("OUTPERFORMS", "m:exadam", "m:adam") in found
    assert ("EVALUATED_ON", "m:exadam", "d:cifar10") in found  # "when applied to a CNN trained on": EXAdam's run
    assert not any(source == "m:adam" for _, source, _ in found)


def test_outperforms_each_listed_baseline(nlp):
    found = triples(make_doc(nlp, *LASP))
    assert {("OUTPERFORMS", "m:lasp2", "m:lasp"), ("OUTPERFORMS", "m:lasp2", "m:ring")} <= found
    assert ("RUNS_ON", "m:lasp2", "h:gpu") in found
    assert ("MEASURED_BY", "m:lasp2", "x:speed") in found
    assert not any(rel == "OUTPERFORMS" and source != "m:lasp2" for rel, source, _ in found)


def test_evaluated_on_each_dataset(nlp):
    found = triples(make_doc(nlp, *OPRO))
    assert {("EVALUATED_ON", "m:opro", "d:gsm8k"), ("EVALUATED_ON", "m:opro", "d:bbh")} <= found


def test_methods_written_right_before_an_evaluation_cue_run_on_each_target(nlp):
    # invented: a list of methods right before "on" crossed with a list of test beds (the gold's cross product);
    # the sentence's own subject keeps its edge, and a method compared against ("over Y on Z") gets none
    doc = make_doc(nlp, "Quokka: Marsupial Policy Search",
                   "We study Quokka with two learners, Wombat and Numbat on Burrow Suite and Outback Gym. "
                   "Quokka is 3x faster than Dingo on Burrow Suite.",
                   [("Quokka", "Method", "m:quokka"), ("Wombat", "Method", "m:wombat"), ("Numbat", "Method", "m:numbat"),
                    ("Dingo", "Method", "m:dingo"), ("Burrow Suite", "Dataset", "d:burrow"),
                    ("Outback Gym", "Dataset", "d:outback")])
    found = {(s, t) for rel, s, t in triples(doc) if rel == "EVALUATED_ON"}
    assert {("m:wombat", "d:burrow"), ("m:wombat", "d:outback"), ("m:numbat", "d:burrow"),
            ("m:numbat", "d:outback")} <= found
    assert ("m:quokka", "d:burrow") in found
    assert ("m:dingo", "d:burrow") not in found


def test_runs_on_hardware_and_compared_with(nlp):
    doc = make_doc(nlp, *FLASH)
    found = triples(doc)
    assert ("RUNS_ON", "m:fa2", "h:a100") in found
    assert ("MEASURED_BY", "m:fa2", "x:mfu") in found
    assert ("COMPARED_WITH", "m:fa2", "m:fa") not in found  # sentence 1 names no subject before the cue
    assert not any(target == "m:fa" for _, _, target in found if _ == "RUNS_ON")


def test_builds_on_measured_by_and_runs_on(nlp):
    doc = make_doc(nlp, *REMAX)
    found = triples(doc)
    assert ("BUILDS_ON", "m:remax", "m:reinforce") in found
    assert ("MEASURED_BY", "m:remax", "x:mem") in found
    assert ("RUNS_ON", "m:ppo", "h:a100") in found  # the subject of "runs out of memory ... on A100-80GB GPUs"


def test_plain_outperform_based_on_and_leading_comparison(nlp):
    doc = make_doc(nlp, *SSM)
    found = triples(doc)
    assert ("OUTPERFORMS", "m:attn", "m:ssm") in found
    assert ("BUILDS_ON", "m:flowsep", "m:rfm") in found
    assert ("COMPARED_WITH", "m:flowsep", "m:fa") in found


def test_closer_and_stronger_cues_give_higher_confidence(nlp):
    near = make_doc(nlp, "T", "FOSI outperforms Adam on most tasks.",
                    [("FOSI", "Method", "m:fosi"), ("Adam", "Method", "m:adam")])
    far = make_doc(nlp, "T", "FOSI, with its tuned preconditioner and damping schedule, outperforms Adam.",
                   [("FOSI", "Method", "m:fosi"), ("Adam", "Method", "m:adam")])
    weak = make_doc(nlp, "T", "FOSI needs fewer steps than Adam.",
                    [("FOSI", "Method", "m:fosi"), ("Adam", "Method", "m:adam")])
    confidence = {name: [r["confidence"] for r in doc._.kg_relations if r["type"] == "OUTPERFORMS"]
                  for name, doc in (("near", near), ("far", far), ("weak", weak))}
    assert confidence["near"][0] > confidence["far"][0]
    assert confidence["near"][0] > confidence["weak"][0]


def test_relations_point_at_entities_of_the_same_doc(nlp):
    for title, abstract, entities in ALL:
        doc = make_doc(nlp, title, abstract, entities)
        sentences = list(doc.sents)
        label_of = {s.kb_id_: s.label_ for s in doc.spans["kg_entities"]}
        assert doc._.kg_relations
        for relation in doc._.kg_relations:
            assert relation["source"] != relation["target"]
            assert (label_of[relation["source"]], label_of[relation["target"]]) == \
                schema.ENTITY_RELATIONS[relation["type"]]
            assert 0 < relation["confidence"] <= 1
            sentence = sentences[relation["sentence"]]
            assert relation["evidence"] == sentence.text
            in_sentence = {s.kb_id_ for s in doc.spans["kg_entities"] if sentence.start <= s.start < sentence.end}
            assert relation["target"] in in_sentence
            # the source is named in the sentence, or it is the paper's proposal ("we", "our method")
            assert relation["source"] in in_sentence | set(doc._.kg_frame["proposed"])


def test_entities_without_keys_are_never_used(nlp):
    doc = make_doc(nlp, "T", "FOSI outperforms Adam on most tasks.",
                   [("FOSI", "Method", ""), ("Adam", "Method", "m:adam")])
    assert doc._.kg_relations == []


def test_unknown_relation_type_in_cues_is_refused_and_the_component_keeps_its_cues():
    nlp = make_nlp()
    finder = nlp.get_pipe("kg_relations")
    sentence = "FOSI outperforms Adam on most tasks."
    entities = [("FOSI", "Method", "m:fosi"), ("Adam", "Method", "m:adam")]
    before = triples(make_doc(nlp, "T", sentence, entities))
    assert before == {("OUTPERFORMS", "m:fosi", "m:adam")}
    words, cues = dict(finder.words), list(finder.cues)
    for bad in ([{"kind": "self", "words": ["we"]}, {"type": "CITES", "phrases": ["cites"]}],
                [{"kind": "no-such-list", "words": ["x"]}]):
        with pytest.raises(ValueError, match="unknown"):
            finder._set_cfg({"cues": bad})
        assert finder.words == words and finder.cues == cues
        assert triples(make_doc(nlp, "T", sentence, entities)) == before


def test_serialization_round_trip_keeps_custom_cues(tmp_path):
    nlp = make_nlp()
    finder = nlp.get_pipe("kg_relations")
    sentence = "FOSI piggybacks Adam in every step."
    entities = [("FOSI", "Method", "m:fosi"), ("Adam", "Method", "m:adam")]
    assert make_doc(nlp, "T", sentence, entities)._.kg_relations == []
    finder._set_cfg({"cues": [*finder.cues, {"type": "BUILDS_ON", "phrases": ["piggybacks"], "weight": 0.9}]})
    expected = triples(make_doc(nlp, "T", sentence, entities))
    assert expected == {("BUILDS_ON", "m:fosi", "m:adam")}

    fresh = make_nlp()
    fresh.get_pipe("kg_relations").from_bytes(finder.to_bytes())
    assert triples(make_doc(fresh, "T", sentence, entities)) == expected

    nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    assert triples(make_doc(loaded, "T", sentence, entities)) == expected



def test_a_background_sentence_with_no_subject_is_not_about_the_proposal(nlp):
    # invented: before the abstract first speaks of its own work, "training ... on GPUs" is the field's practice; after
    # it, the same cue with no named subject is the paper's method
    doc = make_doc(nlp, "Puffin: Frugal Training",
                   "Training large models on many GPUs consumes a lot of energy. We propose Puffin, a scheduler. "
                   "Experiments run on TPUs with the same budget.",
                   [("Puffin", "Method", "m:puffin"), ("GPUs", "Hardware", "h:gpu"), ("TPUs", "Hardware", "h:tpu")])
    found = triples(doc)
    assert ("RUNS_ON", "m:puffin", "h:gpu") not in found
    assert ("RUNS_ON", "m:puffin", "h:tpu") in found


def test_a_results_hardware_alone_states_no_runs_on(nlp):
    # invented: the device is named inside the metric ("A100 memory"), not where the method runs: the result carries
    # it as its hardware, but no RUNS_ON follows; its dataset still gives EVALUATED_ON
    doc = make_doc(nlp, "Otter: Compact Caches",
                   "Otter reduces A100 memory by 40% on WikiText.",
                   [("Otter", "Method", "m:otter"), ("A100", "Hardware", "h:a100"), ("WikiText", "Dataset", "d:wiki"),
                    ("memory", "Metric", "x:mem")])
    assert [(r["method"], r["hardware"], r["dataset"]) for r in doc._.kg_results] == [("m:otter", "h:a100", "d:wiki")]
    found = triples(doc)
    assert not any(rel == "RUNS_ON" for rel, _, _ in found)
    assert ("EVALUATED_ON", "m:otter", "d:wiki") in found


def test_a_comparison_loser_is_never_a_kind_or_a_setting(nlp):
    # invented: "CNN-based models" is an unnamed set of losers (CNN names their kind), and "on various LLMs" the
    # setting of the win; a named loser after them still counts
    doc = make_doc(nlp, "Heron: Sparse Wading Networks",
                   "Heron outperforms other CNN-based models. Heron outperforms prior work on various LLMs. "
                   "Heron outperforms Egret.",
                   [("Heron", "Method", "m:heron"), ("CNN", "Method", "m:cnn"), ("LLMs", "Method", "m:llm"),
                    ("Egret", "Method", "m:egret")])
    wins = {t for rel, s, t in triples(doc) if rel == "OUTPERFORMS" and s == "m:heron"}
    assert wins == {"m:egret"}


def test_a_builds_on_or_evaluated_on_source_is_a_name_not_a_lower_case_description(nlp):
    # invented: "sparse gull networks" (all lower case) describes a model; "Gannet" names one. A win may still be
    # the description's ("outperforms")
    doc = make_doc(nlp, "Gannet: Diving Sparse Networks",
                   "Our sparse gull networks are built on Tern. Gannet is built on Skua. "
                   "Sparse gull networks were evaluated on Pond Bench. Gannet is evaluated on Lake Bench. "
                   "Sparse gull networks outperform Skua.",
                   [("Gannet", "Method", "m:gannet"), ("sparse gull networks", "Method", "m:gull"),
                    ("Sparse gull networks", "Method", "m:gull"), ("Tern", "Method", "m:tern"),
                    ("Skua", "Method", "m:skua"), ("Pond Bench", "Dataset", "d:pond"),
                    ("Lake Bench", "Dataset", "d:lake")])
    found = triples(doc)
    assert {("BUILDS_ON", "m:gannet", "m:skua"), ("EVALUATED_ON", "m:gannet", "d:lake")} <= found
    assert not any(rel in {"BUILDS_ON", "EVALUATED_ON"} and source == "m:gull" for rel, source, _ in found)
    assert ("OUTPERFORMS", "m:gull", "m:skua") in found


def test_a_comparisons_figures_name_each_baseline_it_beats(nlp):
    # invented: "compared with N for X and M for Y" gives each baseline a figure, a stated comparison per baseline;
    # the "with" of "compared with" is no BUILDS_ON cue of its own
    doc = make_doc(nlp, "Heronet: Wading Bird Detection",
                   "On Marsh Set, Heronet reaches 61.2% recall, compared with 55.0% for Egretor and roughly 48.3% "
                   "for Stilt Tracker.",
                   [("Heronet", "Method", "m:heron"), ("Marsh Set", "Dataset", "d:marsh"),
                    ("Egretor", "Method", "m:egret"), ("Stilt Tracker", "Method", "m:stilt"),
                    ("recall", "Metric", "x:recall")])
    found = triples(doc)
    assert {("OUTPERFORMS", "m:heron", "m:egret"), ("OUTPERFORMS", "m:heron", "m:stilt")} <= found
    assert not any(rel == "BUILDS_ON" for rel, _, _ in found)
    assert not any(rel == "OUTPERFORMS" and source != "m:heron" for rel, source, _ in found)


def test_figures_pass_over_an_unnamed_item_and_need_the_for(nlp):
    # invented: an unnamed baseline between two named ones is passed over; a setting after the cue ("compared with
    # Egretor on Marsh Set") is no figure list, and without a stated winner it stays a plain comparison
    with_figures = make_doc(nlp, "Heronet: Wading Bird Detection",
                            "Heronet needs 3.1 ms per frame, against 9.8 ms for a hand-tuned cascade and 7.2 ms "
                            "for Egretor.",
                            [("Heronet", "Method", "m:heron"), ("Egretor", "Method", "m:egret")])
    assert ("OUTPERFORMS", "m:heron", "m:egret") in triples(with_figures)
    plain = make_doc(nlp, "Heronet: Wading Bird Detection",
                     "We study Heronet as compared with Egretor on Marsh Set.",
                     [("Heronet", "Method", "m:heron"), ("Egretor", "Method", "m:egret"),
                      ("Marsh Set", "Dataset", "d:marsh")])
    assert not any(rel == "OUTPERFORMS" for rel, _, _ in triples(plain))


def test_a_list_closed_by_an_unnamed_item_keeps_each_named_one(nlp):
    # invented: "outperforms A, B and a C-based baseline" and "on X, Y, Z and a small in-house set"
    doc = make_doc(nlp, "Heronet: Wading Bird Detection",
                   "We propose Heronet. Heronet outperforms Egretor, Stilt Tracker and a Gullnet zero-shot baseline. "
                   "We evaluate Heronet on Marsh Set, Delta Set, Reed Set and a small in-house collection.",
                   [("Heronet", "Method", "m:heron"), ("Egretor", "Method", "m:egret"),
                    ("Stilt Tracker", "Method", "m:stilt"), ("Gullnet", "Method", "m:gull"),
                    ("Marsh Set", "Dataset", "d:marsh"), ("Delta Set", "Dataset", "d:delta"),
                    ("Reed Set", "Dataset", "d:reed")])
    found = triples(doc)
    assert {("OUTPERFORMS", "m:heron", key) for key in ("m:egret", "m:stilt", "m:gull")} <= found
    assert {("EVALUATED_ON", "m:heron", key) for key in ("d:marsh", "d:delta", "d:reed")} <= found


def test_a_baseline_given_a_figure_is_never_the_subject_of_another_cue(nlp):
    # invented: "compared with 5.0% for X, and runs on H": the run is the proposal's, not the baseline's
    doc = make_doc(nlp, "Heronet: Wading Bird Detection",
                   "We propose Heronet. The small model reaches 4.1% error, compared with 5.0% for Egretor, and runs "
                   "at 30 fps on a Pelican Board.",
                   [("Heronet", "Method", "m:heron"), ("Egretor", "Method", "m:egret"),
                    ("Pelican Board", "Hardware", "h:pelican")])
    found = triples(doc)
    assert ("RUNS_ON", "m:heron", "h:pelican") in found
    assert ("RUNS_ON", "m:egret", "h:pelican") not in found


def test_a_benchmark_papers_evaluation_without_a_dataset_is_on_its_own_dataset(nlp):
    # invented: the title names the paper's own dataset; "We evaluate A, B and C" names none, so the methods are
    # evaluated on it; "a benchmark that ..." (the noun) and a sentence naming another dataset add nothing
    doc = make_doc(nlp, "Puddle-Bench: A Benchmark for Rain Gauge Forecasting",
                   "We build a benchmark that covers Stormcast. We evaluate Stormcast, Drizzler and Monsoon-Net. "
                   "We also evaluate Drizzler on Cloud Set.",
                   [("Puddle-Bench", "Dataset", "d:puddle"), ("Stormcast", "Method", "m:storm"),
                    ("Drizzler", "Method", "m:drizzle"), ("Monsoon-Net", "Method", "m:monsoon"),
                    ("Cloud Set", "Dataset", "d:cloud")])
    found = {(s, t) for rel, s, t in triples(doc) if rel == "EVALUATED_ON"}
    assert {("m:storm", "d:puddle"), ("m:drizzle", "d:puddle"), ("m:monsoon", "d:puddle")} <= found
    assert ("m:drizzle", "d:cloud") in found
    doc = make_doc(nlp, "Puddle-Bench: A Benchmark for Rain Gauge Forecasting",
                   "We build a benchmark that covers Stormcast.",
                   [("Puddle-Bench", "Dataset", "d:puddle"), ("Stormcast", "Method", "m:storm")])
    assert not any(rel == "EVALUATED_ON" for rel, _, _ in triples(doc))


def test_a_list_a_preposition_governs_does_not_run_on_the_hardware(nlp):
    # invented: "operators from A and B on a device": the list right before the cue is no list of sources (the
    # operators run there); a list that is the sentence's own ("We run A and B on ...") keeps its edges
    doc = make_doc(nlp, "Kiln: Kernel Tuning",
                   "We propose Kiln. On 40 operators from Ferret and Badger on a Tern Board, Kiln finds faster kernels.",
                   [("Kiln", "Method", "m:kiln"), ("Ferret", "Method", "m:ferret"), ("Badger", "Method", "m:badger"),
                    ("Tern Board", "Hardware", "h:tern")])
    assert ("RUNS_ON", "m:ferret", "h:tern") not in triples(doc)
    doc = make_doc(nlp, "Kiln: Kernel Tuning", "We run Ferret and Badger on a Tern Board.",
                   [("Ferret", "Method", "m:ferret"), ("Badger", "Method", "m:badger"),
                    ("Tern Board", "Hardware", "h:tern")])
    assert {("RUNS_ON", "m:ferret", "h:tern"), ("RUNS_ON", "m:badger", "h:tern")} <= triples(doc)


def test_a_name_typed_twice_is_never_related_to_itself(nlp):
    # invented: the keys name the same thing ("Method|kiln", "Dataset|kiln"), written differently here
    doc = make_doc(nlp, "Kiln: Kernel Tuning", "We evaluate Kiln on KilnBench and on Tern Set.",
                   [("Kiln", "Method", "Method|kiln"), ("KilnBench", "Dataset", "Dataset|kiln"),
                    ("Tern Set", "Dataset", "Dataset|ternset")])
    found = triples(doc)
    assert ("EVALUATED_ON", "Method|kiln", "Dataset|ternset") in found
    assert ("EVALUATED_ON", "Method|kiln", "Dataset|kiln") not in found


def test_a_method_inside_an_opening_phrase_is_a_setting_not_the_subject(nlp):
    # invented: "With A as the target on X and Y, our trees reach ...": the paper's method is evaluated there
    doc = make_doc(nlp, "Kiln: Kernel Tuning",
                   "We propose Kiln. With Ferret as the target model on Tern Set and Gull Set, the tuned kernels "
                   "reach 2x speedups.",
                   [("Kiln", "Method", "m:kiln"), ("Ferret", "Method", "m:ferret"),
                    ("Tern Set", "Dataset", "d:tern"), ("Gull Set", "Dataset", "d:gull")])
    found = {(s, t) for rel, s, t in triples(doc) if rel == "EVALUATED_ON"}
    assert {("m:kiln", "d:tern"), ("m:kiln", "d:gull")} <= found
    assert not {("m:ferret", "d:tern"), ("m:ferret", "d:gull")} & found


def test_a_device_stated_as_the_setting_of_the_papers_work_runs_it(nlp):
    # invented: no RUNS_ON cue names the device, but the sentence is about the proposal: its subject after the device
    # ("..., Wren adds"; not a tool the preposition "with" governs), or the proposal when no subject is named; a
    # background sentence before the paper speaks of its own work is no setting of it
    entities = [("Wren", "Method", "m:wren"), ("Finch", "Method", "m:finch"), ("Tern Board", "Hardware", "h:tern"),
                ("Gull Chip", "Hardware", "h:gull"), ("Skua Card", "Hardware", "h:skua")]
    doc = make_doc(nlp, "Wren: Frugal Planning",
                   "Large models need many Gull Chip units. We propose Wren, a planner. "
                   "On a Tern Board with Finch, Wren adds 2 ms per step. Training used 128 Skua Card units for 3 days.",
                   entities)
    found = {(s, t) for rel, s, t in triples(doc) if rel == "RUNS_ON"}
    assert {("m:wren", "h:tern"), ("m:wren", "h:skua")} <= found
    assert not {("m:finch", "h:tern"), ("m:wren", "h:gull")} & found


def test_a_compared_device_an_apposition_or_a_measured_device_is_no_setting(nlp):
    # invented: the device is the loser of a comparison, what the method is ("Wren, a dataflow Gull Accelerator"),
    # or the modifier of a measure ("Tern memory"): none of them is where the method runs
    doc = make_doc(nlp, "Wren: Frugal Planning",
                   "We present Wren, a dataflow Gull Accelerator for graphs. Wren is 3x faster than a Skua Card. "
                   "Wren halves Tern memory.",
                   [("Wren", "Method", "m:wren"), ("Gull Accelerator", "Hardware", "h:gull"),
                    ("Skua Card", "Hardware", "h:skua"), ("Tern", "Hardware", "h:tern")])
    assert not any(rel == "RUNS_ON" for rel, _, _ in triples(doc))


def test_a_one_word_lower_case_proposal_is_a_named_source(nlp):
    # invented: "wrenfly" is the paper's coined name written in lower case, so it may be the source of EVALUATED_ON and
    # RUNS_ON; a lower-case description that is not the proposal still may not (see the test above)
    doc = make_doc(nlp, "wrenfly: constant-memory caching",
                   "We present wrenfly, a cache for long videos. wrenfly is evaluated on Pond Bench and runs on a "
                   "Tern Board.",
                   [("wrenfly", "Method", "m:wrenfly"), ("Pond Bench", "Dataset", "d:pond"),
                    ("Tern Board", "Hardware", "h:tern")])
    assert {("EVALUATED_ON", "m:wrenfly", "d:pond"), ("RUNS_ON", "m:wrenfly", "h:tern")} <= triples(doc)


def test_a_dataset_in_a_sentence_of_the_papers_work_naming_no_method_is_the_proposals(nlp):
    # invented: "Lake Bench scores rise": no cue and no method named, in the paper's own work; a background sentence
    # ("Pond Bench scores stay low for prior models") is not about the proposal
    doc = make_doc(nlp, "Wren: Frugal Planning",
                   "Pond Bench scores stay low. We propose Wren, a planner. "
                   "Lake Bench scores rise sharply.",
                   [("Wren", "Method", "m:wren"), ("Pond Bench", "Dataset", "d:pond"),
                    ("Lake Bench", "Dataset", "d:lake")])
    found = {(s, t) for rel, s, t in triples(doc) if rel == "EVALUATED_ON"}
    assert ("m:wren", "d:lake") in found
    assert ("m:wren", "d:pond") not in found


def test_we_and_it_stand_for_the_coined_name_not_a_descriptive_title_phrase(nlp):
    # invented: the title opens with a descriptive phrase (proposed first), the abstract presents a coined-looking
    # name; "it" and a sentence about the paper's work without a named subject are about the coined name
    doc = make_doc(nlp, "Latent Gull Imagination for Sparse Pond Control",
                   "We present GullDreamer, an agent with a slot encoder. It runs on a Tern Board. "
                   "Training needs one Skua Card for a day.",
                   [("Latent Gull Imagination", "Method", "m:lgi"), ("GullDreamer", "Method", "m:gd"),
                    ("Tern Board", "Hardware", "h:tern"), ("Skua Card", "Hardware", "h:skua")])
    frame = doc._.kg_frame
    assert frame["proposed"][:2] == ["m:lgi", "m:gd"] and frame["subject"] == "m:gd"
    found = {(s, t) for rel, s, t in triples(doc) if rel == "RUNS_ON"}
    assert {("m:gd", "h:tern"), ("m:gd", "h:skua")} <= found
    assert not any(s == "m:lgi" for s, _ in found)
    # a coined-looking title name stays the subject: "GullNet: ..." then "we present GullDreamer-S"
    doc = make_doc(nlp, "GullNet: Sparse Pond Control",
                   "We present GullNet-S, a small variant. It runs on a Tern Board.",
                   [("GullNet", "Method", "m:gn"), ("GullNet-S", "Method", "m:gns"), ("Tern Board", "Hardware", "h:tern")])
    assert doc._.kg_frame["subject"] == "m:gn"


def test_a_device_only_setting_runs_the_method_a_device_pair_does_not(nlp):
    # invented: "for Tern-Only Serving" says where the method runs (a device suffix, as "Tern-based X"); "Tern-Skua
    # traffic" joins two devices into a measure, no setting
    doc = make_doc(nlp, "Wren: Compressed Tables for Tern-Only Serving",
                   "We present Wren. Wren halves Tern-Skua traffic.",
                   [("Wren", "Method", "m:wren"), ("Tern", "Hardware", "h:tern"), ("Skua", "Hardware", "h:skua")])
    found = {(s, t) for rel, s, t in triples(doc) if rel == "RUNS_ON"}
    assert ("m:wren", "h:tern") in found
    assert ("m:wren", "h:skua") not in found


def test_a_descriptive_proposal_is_the_source_of_evaluated_on_and_runs_on(nlp):
    # invented: the paper's own method is a lower-case phrase ("sparse gull refinement"); "our system" stands for it,
    # so it is evaluated on the datasets and runs on the device the sentence names. A lower-case description that
    # is not the proposal is still no source (test_a_builds_on_or_evaluated_on_source_is_a_name_not_...)
    doc = make_doc(nlp, "Why crowded ponds are hard to count",
                   "We propose a sparse gull refinement scheme for crowded ponds. "
                   "Our system obtains error rates of 10.2% on Pond Bench and 8.1% on Lake Bench, running on a Tern "
                   "Board.",
                   [("sparse gull refinement scheme", "Method", "m:sgr"), ("Pond Bench", "Dataset", "d:pond"),
                    ("Lake Bench", "Dataset", "d:lake"), ("Tern Board", "Hardware", "h:tern")])
    assert doc._.kg_frame["proposed"] == ["m:sgr"]
    assert {("EVALUATED_ON", "m:sgr", "d:pond"), ("EVALUATED_ON", "m:sgr", "d:lake"),
            ("RUNS_ON", "m:sgr", "h:tern")} <= triples(doc)


def test_a_sentence_whose_only_method_is_compared_against_is_about_the_proposal(nlp):
    # invented: "close to that of Skua" compares; the sentence names no subject of its own, so the dataset is
    # the proposal's. A sentence with a subject-like method keeps it (Skua is evaluated on Marsh Bench)
    doc = make_doc(nlp, "Wren: Frugal Planning",
                   "We propose Wren, a planner. Across eight ponds of Lake Bench, the error stays close to that of "
                   "Skua. Skua also sees Marsh Bench.",
                   [("Wren", "Method", "m:wren"), ("Skua", "Method", "m:skua"), ("Lake Bench", "Dataset", "d:lake"),
                    ("Marsh Bench", "Dataset", "d:marsh")])
    found = {(s, t) for rel, s, t in triples(doc) if rel == "EVALUATED_ON"}
    assert ("m:wren", "d:lake") in found and ("m:skua", "d:lake") not in found
    assert ("m:wren", "d:marsh") not in found


def test_a_cue_reaches_a_known_name_behind_list_items_kg_did_not_find(nlp):
    # invented: only "Marsh Bench" and "Tern Board" are entities; "Pond Suite" and "Lake gym" are names kg missed.
    # The list after the cue still holds the known one; a lower-case phrase or another entity first stops the reach
    doc = make_doc(nlp, "Wren: Frugal Planning",
                   "We validate Gull, Skua and Tern on Pond Suite, Lake gym, and Marsh Bench. "
                   "Gull runs on Heron X2 and the Tern Board. "
                   "Skua is evaluated on a few very small muddy ponds and Reed Bench.",
                   [("Wren", "Method", "m:wren"), ("Gull", "Method", "m:gull"), ("Skua", "Method", "m:skua"),
                    ("Tern", "Method", "m:tern"), ("Marsh Bench", "Dataset", "d:marsh"),
                    ("Tern Board", "Hardware", "h:tern"), ("Reed Bench", "Dataset", "d:reed")])
    finder = nlp.get_pipe("kg_relations")
    finder.keep_origins = True  # how each was found (kg_edge_scorer's view)
    try:
        origins = {(r["type"], r["source"], r["target"]): r["origins"] for r in finder.find(doc)}
    finally:
        finder.keep_origins = False
    for key in ("m:gull", "m:skua", "m:tern"):
        assert "cue:EVALUATED_ON" in origins[("EVALUATED_ON", key, "d:marsh")]
    assert "cue:RUNS_ON" in origins[("RUNS_ON", "m:gull", "h:tern")]
    # "a few very small muddy ponds" is no name: the cue does not reach Reed Bench (only the sentence's co-occurrence does)
    assert not any(o.startswith("cue:") for o in origins.get(("EVALUATED_ON", "m:skua", "d:reed"), []))


def test_a_title_phrase_the_abstract_never_repeats_gives_way_to_the_presented_means(nlp):
    # invented: "Certified Pond Smoother ... via Sparse Gull Smoothing": the authors present the means ("we introduce
    # sparse gull smoothing") and never repeat the title's opening phrase, so "our method" is the means. When the
    # abstract repeats the opening phrase, it stays the subject. (The phrase ends in a method noun: one ending in a
    # goal noun, "Certified Pond Safety", would be the paper's Task, see test_frame_proposals.py)
    entities = [("Certified Pond Smoother", "Method", "m:cps"), ("Sparse Gull Smoothing", "Method", "m:sgs"),
                ("sparse gull smoothing", "Method", "m:sgs"), ("Lake Bench", "Dataset", "d:lake")]
    doc = make_doc(nlp, "Certified Pond Smoother for Reed Counting via Sparse Gull Smoothing",
                   "Counting reeds is hard. We introduce sparse gull smoothing, which scales the noise per pond. "
                   "On Lake Bench, our method certifies 72.1% of the reeds.", entities)
    assert doc._.kg_frame["proposed"][:2] == ["m:cps", "m:sgs"] and doc._.kg_frame["subject"] == "m:sgs"
    assert ("EVALUATED_ON", "m:sgs", "d:lake") in triples(doc)
    doc = make_doc(nlp, "Certified Pond Smoother for Reed Counting via Sparse Gull Smoothing",
                   "Counting reeds is hard. We introduce sparse gull smoothing, which scales the noise per pond. "
                   "Certified Pond Smoother certifies most reeds.", entities)
    assert doc._.kg_frame["subject"] == "m:cps"


def test_a_name_inside_the_authors_own_mention_is_not_the_subject(nlp):
    # invented: "our new sparse Gull model, GullNet, reaches ..." names Gull inside the authors' mention; the subject
    # is the name in apposition to it (GullNet), not Gull
    doc = make_doc(nlp, "Pond Counting at Scale",
                   "We propose GullNet, a counter. Thanks to sparse updates, our new sparse Gull model, GullNet, "
                   "reaches the best scores on Lake Bench.",
                   [("GullNet", "Method", "m:gullnet"), ("Gull", "Method", "m:gull"), ("Lake Bench", "Dataset", "d:lake")])
    found = {(s, t) for rel, s, t in triples(doc) if rel == "EVALUATED_ON"}
    assert ("m:gullnet", "d:lake") in found and ("m:gull", "d:lake") not in found

# -- BUILDS_ON / OUTPERFORMS precision (eighth session): the source is the paper's own method as the sentence's
# subject, the cue governs its target, and prior work, settings and tools give no edge of the proposal ------------

def test_a_loose_builds_on_cue_needs_the_papers_own_method_as_its_subject(nlp):
    # invented: "Existing planners rely on Tern" has no subject of its own (prior work), "Egret uses Skua" is another
    # method's make-up; "Wren relies on Skua" is the proposal's
    doc = make_doc(nlp, "Wren: Frugal Planning",
                   "Existing planners mostly rely on Tern. We propose Wren, a planner. Egret uses Skua for search. "
                   "Wren relies on Skua.",
                   [("Wren", "Method", "m:wren"), ("Tern", "Method", "m:tern"), ("Egret", "Method", "m:egret"),
                    ("Skua", "Method", "m:skua")])
    built = {(s, t) for rel, s, t in triples(doc) if rel == "BUILDS_ON"}
    assert ("m:wren", "m:skua") in built
    assert ("m:wren", "m:tern") not in built and ("m:egret", "m:skua") not in built


def test_a_model_next_to_a_test_set_is_the_setting_of_a_result_not_built_on(nlp):
    # invented: "on Pond Bench with Skua" and "With Tern on Lake Bench" name the backbone a figure was measured with;
    # "Wren uses Gull to plan" states what Wren is made of
    doc = make_doc(nlp, "Wren: Frugal Planning",
                   "We propose Wren, a planner. Wren uses Gull to plan. Wren reaches 80.1% on Pond Bench with Skua. "
                   "With Tern on Lake Bench, Wren reaches 71.3%.",
                   [("Wren", "Method", "m:wren"), ("Gull", "Method", "m:gull"), ("Skua", "Method", "m:skua"),
                    ("Tern", "Method", "m:tern"), ("Pond Bench", "Dataset", "d:pond"),
                    ("Lake Bench", "Dataset", "d:lake")])
    built = {t for rel, s, t in triples(doc) if rel == "BUILDS_ON" and s == "m:wren"}
    assert "m:gull" in built
    assert not built & {"m:skua", "m:tern"}


def test_what_the_proposal_is_for_is_no_block_it_is_made_of(nlp):
    # invented: in the propose sentence "a Skua planner" says what Wren is made of, "for Tern Learning" and "against
    # Gull Attacks" what it is for
    doc = make_doc(nlp, "Wren: Frugal Planning",
                   "We propose Wren, a Skua planner for Tern Learning that is robust against Gull Attacks.",
                   [("Wren", "Method", "m:wren"), ("Skua", "Method", "m:skua"), ("Tern Learning", "Method", "m:tern"),
                    ("Gull Attacks", "Method", "m:gull")])
    built = {t for rel, s, t in triples(doc) if rel == "BUILDS_ON" and s == "m:wren"}
    assert "m:skua" in built
    assert not built & {"m:tern", "m:gull"}


def test_a_name_made_from_a_baselines_name_is_no_builds_on_outside_the_title(nlp):
    # invented: "RegionTernNet" and "TernNet" are baselines the abstract names without saying how one was made; the
    # proposal's variant "WrenNet-Lite" still builds on "WrenNet"
    doc = make_doc(nlp, "WrenNet: Frugal Planning",
                   "We propose WrenNet, a planner. WrenNet outperforms RegionTernNet and TernNet. "
                   "WrenNet-Lite is smaller.",
                   [("WrenNet", "Method", "m:wren"), ("WrenNet-Lite", "Method", "m:wrens"),
                    ("RegionTernNet", "Method", "m:region"), ("TernNet", "Method", "m:tern")])
    found = triples(doc)
    assert ("BUILDS_ON", "m:wrens", "m:wren") in found
    assert ("BUILDS_ON", "m:region", "m:tern") not in found


def test_a_kind_named_after_a_comparison_cue_is_no_builds_on(nlp):
    # invented: "other Skua-based planners" are the losers, Skua names their kind; "a Tern-based planner" is what
    # Wren is
    doc = make_doc(nlp, "Wren: Frugal Planning",
                   "We propose Wren, a Tern-based planner. Wren outperforms other Skua-based planners.",
                   [("Wren", "Method", "m:wren"), ("Tern", "Method", "m:tern"), ("Skua", "Method", "m:skua")])
    built = {t for rel, s, t in triples(doc) if rel == "BUILDS_ON" and s == "m:wren"}
    assert "m:tern" in built and "m:skua" not in built


def test_a_tool_after_a_preposition_is_not_the_winner_of_a_comparison(nlp):
    # invented: "with Skua" is how the figure was reached; the sentence has no named subject, so the win is the
    # paper's
    doc = make_doc(nlp, "Wren: Frugal Planning",
                   "We propose Wren, a planner. A planner trained for a day reaches 80.1% with Skua, "
                   "outperforming Tern.",
                   [("Wren", "Method", "m:wren"), ("Skua", "Method", "m:skua"), ("Tern", "Method", "m:tern")])
    wins = {(s, t) for rel, s, t in triples(doc) if rel == "OUTPERFORMS"}
    assert ("m:skua", "m:tern") not in wins
    assert ("m:wren", "m:tern") in wins


def test_a_tie_cue_stays_a_comparison_whatever_else_the_sentence_says(nlp):
    # invented: "competitive with Tern at lower cost" is a tie on quality (the notes: "competitive" is no win);
    # "faster than Skua" in another sentence is a win
    doc = make_doc(nlp, "Wren: Frugal Planning",
                   "We propose Wren, a planner. Wren is competitive with Tern at lower cost. Wren is 2x faster "
                   "than Skua.",
                   [("Wren", "Method", "m:wren"), ("Tern", "Method", "m:tern"), ("Skua", "Method", "m:skua")])
    found = triples(doc)
    assert ("COMPARED_WITH", "m:wren", "m:tern") in found
    assert ("OUTPERFORMS", "m:wren", "m:tern") not in found
    assert ("OUTPERFORMS", "m:wren", "m:skua") in found


def test_a_cue_word_inside_a_name_is_no_cue(nlp):
    # invented: "matching" is a word of the name "Tern Matching Search", not a comparison of Wren with its acronym
    doc = make_doc(nlp, "Wren: Frugal Planning",
                   "We propose Wren, a planner. Wren runs Tern Matching Search (TMS) for 2x faster planning.",
                   [("Wren", "Method", "m:wren"), ("Tern Matching Search", "Method", "m:tms"),
                    ("TMS", "Method", "m:tms")])
    found = triples(doc)
    assert not any(rel in {"OUTPERFORMS", "COMPARED_WITH"} for rel, _, _ in found)


def test_a_lower_case_kind_before_a_group_noun_is_no_named_loser(nlp):
    # invented: "existing pruning methods" is an unnamed group whose kind is "pruning" (no named or specific loser);
    # "the Skua models" names one
    doc = make_doc(nlp, "Wren: Frugal Planning",
                   "We propose Wren, a planner. Wren outperforms existing pruning methods. Wren outperforms the Skua "
                   "models.",
                   [("Wren", "Method", "m:wren"), ("pruning", "Method", "m:pruning"), ("Skua", "Method", "m:skua")])
    wins = {t for rel, s, t in triples(doc) if rel == "OUTPERFORMS" and s == "m:wren"}
    assert wins == {"m:skua"}


def test_the_subject_after_an_opening_phrase_runs_on_its_devices(nlp):
    # invented: the cue or the device stands inside the sentence's opening phrase ("On 40 operators from A and B
    # on a Tern Board, Kiln finds ..."; "On a Gull Chip, a Skua Card and a Tern Board, our kernels ..."): the
    # subject follows the comma that closes it, a name a verb follows or "our X"; not a list of names inside the
    # phrase, nor a name typed as a method among the devices
    entities = [("Kiln", "Method", "m:kiln"), ("Ferret", "Method", "m:ferret"), ("Badger", "Method", "m:badger"),
                ("Tern Board", "Hardware", "h:tern"), ("Gull Chip", "Hardware", "h:gull"),
                ("Skua", "Method", "m:skua"), ("Petrel Card", "Hardware", "h:petrel")]
    doc = make_doc(nlp, "Kiln: Kernel Tuning",
                   "We propose Kiln. On 40 operators from Ferret, Badger and Ferret-2 on a Tern Board, Kiln finds "
                   "faster kernels. On a Gull Chip, a Skua and a Petrel Card, our kernels decode 70 tokens per "
                   "second.", entities)
    found = {(s, t) for rel, s, t in triples(doc) if rel == "RUNS_ON"}
    assert {("m:kiln", "h:tern"), ("m:kiln", "h:gull"), ("m:kiln", "h:petrel")} <= found
    assert not {("m:ferret", "h:tern"), ("m:badger", "h:tern"), ("m:skua", "h:gull"),
                ("m:skua", "h:petrel")} & found


def test_a_model_used_in_an_opening_phrase_or_after_the_targets_is_evaluated_there(nlp):
    # invented, in a paper that proposes nothing: "Using the Ferret model on Tern Set, we show ..." keeps Ferret on
    # Tern Set (the subject "we" after the opening phrase does not take it); "experiments on the Gull Set dataset
    # using a Badger model and Marten" adds both
    entities = [("Kiln", "Method", "m:kiln"), ("Ferret", "Method", "m:ferret"), ("Badger", "Method", "m:badger"),
                ("Marten", "Method", "m:marten"), ("Tern Set", "Dataset", "d:tern"), ("Gull Set", "Dataset", "d:gull")]
    doc = make_doc(nlp, "A Study of Kernel Tuning",
                   "Through an analysis using the Ferret model on Tern Set, we show that tuning helps. "
                   "We run experiments on the Gull Set dataset using a Badger model and Marten.", entities)
    found = {(s, t) for rel, s, t in triples(doc) if rel == "EVALUATED_ON"}
    assert {("m:ferret", "d:tern"), ("m:badger", "d:gull"), ("m:marten", "d:gull")} <= found


def test_a_closed_list_then_a_comma_before_the_cue_is_evaluated_on_its_target(nlp):
    # invented: "models including A, B and C, on the X set": each listed name; an open pair "A, B on X" is no list
    entities = [("Ferret", "Method", "m:ferret"), ("Badger", "Method", "m:badger"), ("Marten", "Method", "m:marten"),
                ("Tern Set", "Dataset", "d:tern")]
    doc = make_doc(nlp, "A Study of Tokenizers",
                   "We measure the tokenizers of 12 models, including Ferret, Badger and Marten, on the Tern Set.",
                   entities)
    found = {(s, t) for rel, s, t in triples(doc) if rel == "EVALUATED_ON"}
    assert {("m:ferret", "d:tern"), ("m:badger", "d:tern"), ("m:marten", "d:tern")} <= found


def test_a_method_and_a_noun_of_kind_right_before_the_cue_is_its_source(nlp, monkeypatch):
    # invented: "a Ferret-18 variant on Tern Set" and "the Badger model on a Gull Chip": one noun of kind ("variant",
    # "model") between the name and the cue makes the name its source (without the nouns of kind the variant's
    # dataset is lost)
    entities = [("Ferret-18", "Method", "m:ferret"), ("Badger", "Method", "m:badger"),
                ("Tern Set", "Dataset", "d:tern"), ("Gull Chip", "Hardware", "h:gull")]
    text = ("Pruning matches dense accuracy for a Ferret-18 variant on Tern Set. "
            "It also runs the Badger model on a Gull Chip.")
    expected = {("EVALUATED_ON", "m:ferret", "d:tern"), ("RUNS_ON", "m:badger", "h:gull")}
    assert expected <= triples(make_doc(nlp, "A Study of Pruning", text, entities))
    from kg.extract import relations
    monkeypatch.setattr(relations, "MODEL_NOUNS", frozenset())
    assert ("EVALUATED_ON", "m:ferret", "d:tern") not in triples(make_doc(nlp, "A Study of Pruning", text, entities))


def test_names_kg_did_not_find_in_a_comparisons_loser_slot_are_beaten(nlp):
    # invented: the comparison's loser slot holds names no vocabulary knows ("Gullwing", "Marsh 2", "Kestrel"),
    # beside a known one (Tern-Base); they become Method phrases beaten by the paper's own method. Not a generic
    # capital ("SOTA"), nor a name that goes on as a phrase ("a hand-tuned Egret configuration"), nor a weak cue
    # without a figure ("over Osprey")
    from kg.naming import merge_key
    entities = [("Heron", "Method", "m:heron"), ("Tern-Base", "Method", "m:tern"), ("Reed Bench", "Dataset", "d:reed")]
    doc = make_doc(nlp, "Heron: Fast Pond Mapping",
                   "We propose Heron, a pond mapper. Heron outperforms Gullwing, Tern-Base and Marsh 2 by 12% on "
                   "Reed Bench. Heron needs 1.2 ms per pond, compared with 3.1 ms for Kestrel. Heron improves recall "
                   "by 4 points over Plover. Heron outperforms SOTA by 2% and beats a hand-tuned Egret configuration. "
                   "We prefer Heron over Osprey.", entities)
    finder = nlp.get_pipe("kg_relations")
    finder.keep_origins = True  # phrases are read only while kg_edge_scorer decides
    try:
        found = {(r["type"], r["source"], r["target"]) for r in finder.find(doc)}
    finally:
        finder.keep_origins = False
    key = {name: f"Method|{merge_key(name, 'Method')}" for name in ("Gullwing", "Marsh 2", "Kestrel", "Plover",
                                                                     "SOTA", "Egret", "Osprey")}
    for name in ("Gullwing", "Marsh 2", "Kestrel", "Plover"):
        assert ("OUTPERFORMS", "m:heron", key[name]) in found, name
    assert ("OUTPERFORMS", "m:heron", "m:tern") in found
    assert not any(t in {key["SOTA"], key["Egret"], key["Osprey"]} for _, _, t in found)


def test_a_winning_comparison_without_a_subject_and_a_name_after_for_are_the_proposals(nlp):
    # invented: a clause with no subject of its own ("while also showing ...") that states a winner is about the
    # paper's method; a tie cue is not a win. A name after "for" is what the result is for, never the subject
    entities = [("Heron", "Method", "m:heron"), ("Osprey", "Method", "m:osprey"), ("Egret", "Method", "m:egret"),
                ("Pond Survey", "Method", "m:survey")]
    doc = make_doc(nlp, "Heron: Fast Pond Mapping",
                   "We propose Heron, a pond mapper. Heron maps ponds quickly, while also showing a lower error when "
                   "contrasted with Osprey. Heron maps reeds, while staying competitive with Egret. These mappers give "
                   "the best maps for Pond Survey with lower cost relative to Osprey.", entities)
    found = triples(doc)
    assert ("OUTPERFORMS", "m:heron", "m:osprey") in found
    assert ("OUTPERFORMS", "m:heron", "m:egret") not in found
    assert not any(s == "m:survey" for _, s, _ in found)


def test_a_list_of_baselines_with_hyphenated_kinds_or_as_well_as_is_beaten_item_by_item(nlp):
    # invented: each baseline of the list is beaten, over a device kind ("GPU-based Kestrel") and over
    # "as well as" with a grading word ("as well as recent Egret variants")
    entities = [("Heron", "Method", "m:heron"), ("CPU", "Hardware", "h:cpu"), ("Gullwing", "Method", "m:gull"),
                ("GPU", "Hardware", "h:gpu"), ("Kestrel", "Method", "m:kestrel"), ("Osprey", "Method", "m:osprey"),
                ("Egret", "Method", "m:egret")]
    doc = make_doc(nlp, "Heron: Fast Pond Mapping",
                   "We propose Heron, a pond mapper. Compared with CPU-based Gullwing and GPU-based Kestrel, Heron is "
                   "3x faster. Heron outperforms Osprey, as well as recent Egret variants.", entities)
    found = triples(doc)
    for loser in ("m:gull", "m:kestrel", "m:osprey", "m:egret"):
        assert ("OUTPERFORMS", "m:heron", loser) in found, loser


def test_other_group_after_a_win_stands_for_the_names_an_earlier_sentence_listed(nlp):
    # invented: "other optimizers" points back to "optimizers such as Gullwing, Kestrel and Osprey"; a group no
    # earlier sentence listed ("other solvers") beats nothing
    entities = [("Heron", "Method", "m:heron"), ("Gullwing", "Method", "m:gull"), ("Kestrel", "Method", "m:kestrel"),
                ("Osprey", "Method", "m:osprey"), ("Egret", "Method", "m:egret")]
    doc = make_doc(nlp, "Heron: An Optimizer for Ponds",
                   "Prior optimizers such as Gullwing, Kestrel and Osprey rescale each step. Egret is a solver. We "
                   "propose Heron. In our experiments, Heron outperforms other optimizers. Heron also outperforms "
                   "other solvers.", entities)
    wins = {t for rel, s, t in triples(doc) if rel == "OUTPERFORMS" and s == "m:heron"}
    assert wins == {"m:gull", "m:kestrel", "m:osprey"}


def test_favorably_to_and_improving_over_state_a_win(nlp):
    # invented: "compares favorably to X" and "improving over X" are wins of the paper's method
    entities = [("Heron", "Method", "m:heron"), ("Osprey", "Method", "m:osprey"), ("Egret", "Method", "m:egret")]
    doc = make_doc(nlp, "Heron: Fast Pond Mapping",
                   "We propose Heron. Heron compares favorably to Osprey. Heron maps reeds, improving over Egret by "
                   "2 points.", entities)
    wins = {t for rel, s, t in triples(doc) if rel == "OUTPERFORMS" and s == "m:heron"}
    assert wins == {"m:osprey", "m:egret"}


def test_a_tie_word_right_before_a_comparison_cue_makes_it_a_tie(nlp):
    # invented: "competitive accuracy against X" is a tie whatever else the sentence says ("lower cost");
    # "lower cost against Y" is a win
    entities = [("Heron", "Method", "m:heron"), ("Osprey", "Method", "m:osprey"), ("Egret", "Method", "m:egret")]
    doc = make_doc(nlp, "Heron: Fast Pond Mapping",
                   "We propose Heron. Heron reaches competitive accuracy against Osprey at lower cost. Heron has a "
                   "lower cost against Egret.", entities)
    wins = {t for rel, s, t in triples(doc) if rel == "OUTPERFORMS" and s == "m:heron"}
    assert wins == {"m:egret"}


def test_a_title_part_the_abstract_never_names_again_is_no_builds_on(nlp):
    # invented: the title's "via Skua Search" and "with Tern Coding" describe Wren; only Tern Coding, which the
    # abstract names again as what Wren uses, is an earlier method Wren builds on
    doc = make_doc(nlp, "Wren: Frugal Planning via Skua Search with Tern Coding",
                   "We propose Wren, a frugal planner. Wren relies on Tern Coding to compress plans.",
                   [("Wren", "Method", "m:wren"), ("Skua Search", "Method", "m:skua"),
                    ("Tern Coding", "Method", "m:tern")])
    built = {t for rel, s, t in triples(doc) if rel == "BUILDS_ON" and s == "m:wren"}
    assert "m:tern" in built
    assert "m:skua" not in built


def test_a_runs_on_cue_keeps_the_setting_guards_a_measure_a_compared_device_a_background_pronoun(nlp):
    # invented: a RUNS_ON cue's target that modifies a measure ("with 40% less Tern memory") or that is compared
    # against after a figure ("112x over the Skua Card", "compared with a Gull Chip") is no setting; "over" without
    # a figure states one ("training over a Pelican Cluster"); a named baseline or a setting preposition between the
    # comparison and the device makes the device the comparison's setting ("than Finch on a Heron Board")
    doc = make_doc(nlp, "Wren: Frugal Planning",
                   "We present Wren, a planner. Wren matches Finch with 40% less Tern memory. "
                   "Energy use improves by up to 112x over the Skua Card. Wren is faster compared with a Gull Chip. "
                   "Wren is 3x faster than Finch on a Heron Board. We study training over a Pelican Cluster.",
                   [("Wren", "Method", "m:wren"), ("Finch", "Method", "m:finch"), ("Tern", "Hardware", "h:tern"),
                    ("Skua Card", "Hardware", "h:skua"), ("Gull Chip", "Hardware", "h:gull"),
                    ("Heron Board", "Hardware", "h:heron"), ("Pelican Cluster", "Hardware", "h:pelican")])
    found = {(s, t) for rel, s, t in triples(doc) if rel == "RUNS_ON"}
    assert not {t for _, t in found} & {"h:tern", "h:skua", "h:gull"}
    assert {("m:wren", "h:heron"), ("m:wren", "h:pelican")} <= found


def test_a_pronoun_of_a_background_sentence_is_no_runs_on_source(nlp):
    # invented: "it" before the abstract first speaks of its own work ("we", "our", the proposal named) is no
    # reference to the proposal: the background's device is not the proposal's; its own sentence's device is
    doc = make_doc(nlp, "Wren: Frugal Planning",
                   "Models keep growing, to a point where it can be hard to load a model on a Tern Board. "
                   "In this work, we propose Wren, a planner. It runs on a Skua Card.",
                   [("Wren", "Method", "m:wren"), ("Tern Board", "Hardware", "h:tern"),
                    ("Skua Card", "Hardware", "h:skua")])
    found = {(s, t) for rel, s, t in triples(doc) if rel == "RUNS_ON"}
    assert ("m:wren", "h:skua") in found
    assert ("m:wren", "h:tern") not in found


def test_it_in_a_sentence_naming_one_other_proposal_runs_that_one(nlp):
    # invented: the paper proposes two things; "it" after "We also introduce ... Wrenlet" is Wrenlet, not the first
    doc = make_doc(nlp, "Wren: Frugal Planning",
                   "We formulate the task as a game, which we call WrenGame. We also introduce an agent, Wrenlet, "
                   "and show that it finds faster plans on Tern Boards.",
                   [("WrenGame", "Method", "m:game"), ("Wrenlet", "Method", "m:wrenlet"),
                    ("Tern Boards", "Hardware", "h:tern")])
    assert set(doc._.kg_frame["proposed"]) >= {"m:game", "m:wrenlet"}
    found = {(s, t) for rel, s, t in triples(doc) if rel == "RUNS_ON"}
    assert ("m:wrenlet", "h:tern") in found
    assert ("m:game", "h:tern") not in found


def test_a_method_modifying_a_measure_is_no_subject_after_an_opening_setting(nlp):
    # invented: "Finch training time can be reduced": Finch names the workload of a measure, not the subject; the
    # opening setting's device is the proposal's
    doc = make_doc(nlp, "Wren: Frugal Planning",
                   "We propose Wren, an optimizer. By raising the batch size to the limit of a Tern Pod, Finch "
                   "training time can be reduced to an hour.",
                   [("Wren", "Method", "m:wren"), ("Finch", "Method", "m:finch"), ("Tern Pod", "Hardware", "h:tern")])
    found = {(s, t) for rel, s, t in triples(doc) if rel == "RUNS_ON"}
    assert ("m:wren", "h:tern") in found
    assert ("m:finch", "h:tern") not in found


def test_a_dataset_the_authors_introduce_is_where_their_listed_methods_are_evaluated(nlp):
    # invented: no title name before a colon, but "We introduce X, a dataset ..." makes X the paper's own dataset;
    # the methods a later evaluation lists are evaluated on it, lower-case kinds among them; a dataset another
    # paper introduced ("They introduce ...") is not the paper's own
    doc = make_doc(nlp, "Counting Every Pebble in Riverbeds",
                   "We introduce Pebble Count, a dataset of riverbed photographs. "
                   "We benchmark Stonecutter, gradient-boosted trees and Gravel-Net.",
                   [("Pebble Count", "Dataset", "d:pebble"), ("Stonecutter", "Method", "m:stone"),
                    ("gradient-boosted trees", "Method", "m:gbt"), ("Gravel-Net", "Method", "m:gravel")])
    found = {(s, t) for rel, s, t in triples(doc) if rel == "EVALUATED_ON"}
    assert {("m:stone", "d:pebble"), ("m:gbt", "d:pebble"), ("m:gravel", "d:pebble")} <= found
    doc = make_doc(nlp, "Counting Every Pebble in Riverbeds",
                   "They introduce Pebble Count, a dataset of riverbed photographs. "
                   "We benchmark Stonecutter and Gravel-Net.",
                   [("Pebble Count", "Dataset", "d:pebble"), ("Stonecutter", "Method", "m:stone"),
                    ("Gravel-Net", "Method", "m:gravel")])
    assert not any(rel == "EVALUATED_ON" for rel, _, _ in triples(doc))
