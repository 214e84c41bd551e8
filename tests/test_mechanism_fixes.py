"""Known defects fixed by mechanism (sixth session): each pinned on a made-up sentence with the blank pipeline
(spacy.blank("en") and kg's components), never a sentence of a gold paper."""

from __future__ import annotations

import pytest

from entity_records import record, surfaces
from kg.extract import load_pipeline


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline("blank")


def types_of(rec: dict, text: str) -> set[str]:
    return {e["type"] for e in rec["entities"] for m in e["mentions"] if m["text"] == text}


def test_unit_like_plural_acronyms_after_a_number_are_metrics_and_counted_things_are_not(nlp):
    """A plural acronym after a number is a measure when the number has a fraction or a magnitude suffix, or when
    it is a known Metric behind a magnitude prefix (G-MACs); "8 GPUs" and "12 LLMs" stay things counted. A count
    with a magnitude suffix is no first word of a Title Case name ("410B FLOPs")."""
    rec = record("The Zorblet encoder costs 3.2 GMACs and 12 TMACs, and 0.7 QZOPs, with 310B FLOPs in all, "
                 "running on 8 GPUs beside 12 LLMs.", nlp)
    metrics = surfaces(rec, "Metric")
    assert {"GMACs", "TMACs", "QZOPs", "FLOPs"} <= metrics
    assert not {"GMACs", "TMACs", "QZOPs", "FLOPs", "310B FLOPs"} & surfaces(rec, "Method")
    assert "310B FLOPs" not in metrics
    assert "GPUs" in surfaces(rec, "Hardware") and "LLMs" not in metrics


def test_a_generic_accelerator_is_hardware_only_beside_a_compute_word(nlp):
    """The vocabulary's "accelerator" row carries "near" words: a particle accelerator is no compute device."""
    rec = record("The superconducting linear accelerator of the Zorbon facility is retuned weekly, and our agent "
                 "is applied to the real accelerator directly.", nlp, title="Zorbic Beam Tuning in a Linear Accelerator")
    assert not surfaces(rec, "Hardware")
    rec = record("We count the accelerators needed to serve the Zorbic model.", nlp)
    assert "accelerators" in surfaces(rec, "Hardware")


def test_a_vocabulary_row_with_near_words_matches_only_in_a_sentence_holding_one():
    import spacy

    from kg.extract.vocabulary import EntityVocabulary

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    vocabulary = EntityVocabulary(nlp, pattern_files=[])
    vocabulary.initialize(lambda: [], nlp=nlp, patterns=[
        {"label": "Hardware", "pattern": "zorbinator", "near": ["gpu", "kernel"]}])
    doc = vocabulary(nlp("The zorbinator hums. A GPU zorbinator runs kernels. Zorbinators and GPUs."))
    assert [(span.start, span.text) for span in doc.spans["kg_candidates"]] == [(6, "zorbinator")]  # "GPUs" is no word of the list
    # the serialised component keeps the rule
    again = EntityVocabulary(nlp, pattern_files=[]).from_bytes(vocabulary.to_bytes())
    doc = again(nlp("The zorbinator hums. A GPU zorbinator runs kernels."))
    assert [span.text for span in doc.spans["kg_candidates"]] == ["zorbinator"]


def test_a_coined_name_keeps_one_type_where_its_shape_alone_would_make_it_a_metric(nlp):
    """"ZorbNet scores 71.4" at a sentence start: the name the paper coins is a Method there too (one span, one
    type), and "scores" before a number is a verb, not the head of "X scores"."""
    rec = record("ZorbNet scores 71.4 on the Quux benchmark. We propose ZorbNet, a parser.", nlp,
                 title="ZorbNet: fast parsing")
    assert types_of(rec, "ZorbNet") == {"Method"}
    assert len([e for e in rec["entities"] if e["name"] == "ZorbNet"]) == 1
    rec = record("KlimNet scores 64.2 accuracy on the Quux benchmark.", nlp)
    assert types_of(rec, "KlimNet") == {"Method"}


def test_a_generic_name_left_of_a_based_or_like_modifier_is_no_mention_but_a_written_name_is(nlp):
    """GUIDELINE.md and the dev gold: "transformer-based language models" is a phrase that builds on transformers,
    not a mention of a transformer (the gold lists the phrase, optionally, and no "transformer"); a name written as
    a name ("YOLO-based", "ResNet-like") is listed. A sentence start or a Title Case title does not make a generic
    word a written name."""
    rec = record("We study transformer-based language models, ZorbNet-like encoders and attention-style pooling. "
                 "Transformer-based parsers are common.", nlp, title="Zorbing Transformer-Based Models")
    methods = surfaces(rec, "Method")
    assert not {"transformer", "Transformer", "attention"} & methods
    assert "ZorbNet" in methods  # a capitalised coined name stays a mention
    rec = record("We train transformer-based parsers and compare them with a transformer.", nlp)
    assert "transformer" in surfaces(rec, "Method")  # the standalone mention


def test_a_coined_name_takes_the_type_its_own_paper_gives_it_elsewhere(nlp):
    """"we present QuuxBench9, a new collection ... the QuuxBench9 dataset": one name, one type (Dataset)."""
    rec = record("To test our agent, we present Zorb4LP, a novel collection of linear programs. The Zorb4LP "
                 "dataset is public.", nlp)
    assert types_of(rec, "Zorb4LP") == {"Dataset"}


def test_a_hyphenated_verb_before_a_name_is_no_part_of_it(nlp):
    """"we fine-tune DeBERTa-v2": the verb takes the name as its object, the Method is "DeBERTa-v2"; so after "to"
    and for a gerund ("fine-tuning QuuxLM"). A hyphenated modifier ("multi-task QuuxLM") still makes a phrase."""
    rec = record("We fine-tune ZorbBERTa-v2 on the QuuxSet dataset. To pre-train KlimLM-7B we use more data. "
                 "After fine-tuning BlipNet-3 it improves. We compare multi-task QuuxLM-2.", nlp)
    methods = surfaces(rec, "Method")
    assert {"ZorbBERTa-v2", "KlimLM-7B", "BlipNet-3", "multi-task QuuxLM-2"} <= methods
    assert not any(m.startswith(("fine-tun", "pre-train")) for m in methods)
    assert not any(m.startswith(("fine-tun", "pre-train")) for m in surfaces(rec, "Task"))


def test_a_vocabulary_method_before_a_task_head_noun_is_the_task_throughout_the_paper(nlp):
    """GUIDELINE-TASKS.md: "linear regression tasks" names the Task "linear regression" (the trailing noun
    dropped), and a task is never also a Method in the same paper."""
    rec = record("We revisit the training of Zorbformers on linear regression tasks. Later, linear regression is "
                 "used as a probe.", nlp)
    assert types_of(rec, "linear regression") == {"Task"}
    rec = record("We fit the Zorb data with linear regression.", nlp)
    assert types_of(rec, "linear regression") == {"Method"}  # no task noun: the vocabulary's Method
    rec = record("Zorbformers are tested on offline reinforcement learning tasks.", nlp)
    assert types_of(rec, "offline reinforcement learning") == {"Method"}  # a paradigm's tasks: no process noun
