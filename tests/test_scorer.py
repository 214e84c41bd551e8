"""The learned candidate scorer: confidences, thresholds, serialisation, training."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy

from kg.extract import load_pipeline

from kg.execute import extract_records
from kg.extract.candidates import ENTITIES_KEY, NESTED_KEY
from kg.extract.scorer import MODELS_DIR
from kg.ingest.paper import Paper

GOLD = Path(__file__).parent / "data" / "gold"
TEXT = "A\nWe train Llama-2-7B with AdamW on GSM8K and report accuracy on A100 GPUs for machine translation."


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline("blank")


def test_every_entity_carries_a_confidence(nlp):
    record = extract_records([Paper(id="p", title="A", abstract=TEXT.split("\n", 1)[1])], nlp=nlp)[0]
    assert record["entities"]
    assert all(0.0 <= e["confidence"] <= 1.0 for e in record["entities"])
    doc = nlp(TEXT)
    # the entities and the devices only named inside another entity ("A100 GPUs": the GPU)
    assert {s.kb_id_ for s in doc.spans[ENTITIES_KEY]} | {s.kb_id_ for s in doc.spans[NESTED_KEY]} == set(
        doc._.kg_confidences)
    assert "Hardware|gpu" in doc._.kg_confidences


def test_the_packaged_model_has_a_threshold_per_type_chosen_by_cross_validation():
    model = json.loads((MODELS_DIR / "scorer.json").read_text())
    assert set(model["thresholds"]) == {"Method", "Dataset", "Hardware", "Metric", "Task"}
    assert model["info"]["folds"] >= 2 and len(model["weights"]) > 100


def _texts(nlp):
    doc = nlp(TEXT)
    return {s.text for s in doc.spans[ENTITIES_KEY]}


def test_threshold_drops_weak_entities(nlp):
    scorer = nlp.get_pipe("kg_scorer")
    kept = _texts(nlp)
    offset = scorer.threshold_offset
    try:
        scorer.threshold_offset = 1.01  # no probability reaches it
        assert _texts(nlp) == set()
        scorer.filter = False
        assert _texts(nlp) >= kept
    finally:
        scorer.threshold_offset, scorer.filter = offset, True


def test_the_model_is_saved_with_the_pipeline(nlp, tmp_path):
    target = spacy.blank("en")
    target.add_pipe("kg_scorer")
    with pytest.raises(ValueError, match="initialize"):
        target.get_pipe("kg_scorer")(target("x"))
    target.get_pipe("kg_scorer").from_bytes(nlp.get_pipe("kg_scorer").to_bytes())
    assert target.get_pipe("kg_scorer").model.to_dict() == nlp.get_pipe("kg_scorer").model.to_dict()
    nlp.get_pipe("kg_scorer").to_disk(tmp_path / "scorer")
    again = spacy.blank("en").add_pipe("kg_scorer").from_disk(tmp_path / "scorer")
    assert again.model.thresholds == nlp.get_pipe("kg_scorer").model.thresholds


def test_training_on_a_few_gold_papers_writes_a_model(tmp_path):
    pytest.importorskip("sklearn")
    from kg.evaluate.train_scorer import main

    gold = [line for line in (GOLD / "dev.jsonl").read_text().splitlines()[:30]]
    ids = {json.loads(line)["id"] for line in gold}
    papers = [line for line in (GOLD / "dev-papers.jsonl").read_text().splitlines() if json.loads(line)["id"] in ids]
    (tmp_path / "gold.jsonl").write_text("\n".join(gold) + "\n")
    (tmp_path / "papers.jsonl").write_text("\n".join(papers) + "\n")
    main(["--gold", str(tmp_path / "gold.jsonl"), str(tmp_path / "papers.jsonl"), "-o", str(tmp_path / "m.json"),
          "--folds", "2"])
    model = json.loads((tmp_path / "m.json").read_text())
    assert model["weights"] and set(model["thresholds"]) == {"Method", "Dataset", "Hardware", "Metric", "Task"}
    assert model["info"]["papers"] == 30


def test_training_examples_carry_the_features_the_run_time_scorer_scores():
    """The examples' features reproduce the run-time confidences: kg_scorer runs before kg_frame, so a feature
    such as "proposed" must be the one kg_scorer saw, not one recomputed after the frame's proposals."""
    from kg.extract.scorer import _Model
    from kg.evaluate.train_scorer import examples
    from kg.ingest import read_papers

    gold = [json.loads(line) for line in (GOLD / "dev.jsonl").read_text(encoding="utf-8").splitlines()[:40]]
    papers = {paper.id: paper for paper in read_papers([str(GOLD / "dev-papers.jsonl")]).papers}
    nlp = load_pipeline("blank")
    scorer = nlp.get_pipe("kg_scorer")
    # every feature kind weighs in, the proposal most; no threshold, so nothing is dropped either way
    model = {"weights": {f"{t}|proposed": 3.0 for t in ("Method", "Dataset")} | {"bias:Method": 0.3, "src=open": -0.7},
             "bias": -0.2, "thresholds": {}}
    scorer.initialize(model=model)
    rows = examples(nlp, gold, papers)
    assert any("Method|proposed" in row["features"] for row in rows)
    compared = 0
    for row_gold in gold:
        doc = nlp(papers[row_gold["id"]].text)
        confidences = doc._.kg_confidences or {}
        for row in (r for r in rows if r["paper"] == row_gold["id"] and r["key"] in confidences):
            assert round(_Model(model).probability(row["features"]), 4) == confidences[row["key"]], row["key"]
            compared += 1
    assert compared > 100


def test_a_task_carries_the_kind_of_word_before_its_head():
    from kg.extract.scorer import _modifier_kind

    # how (an adjective: a method more often) against what (a noun: the task) is optimised
    assert [_modifier_kind(w) for w in ("stochastic", "nested", "structural", "code", "assortment", "first-order",
                                        "MoE", "3D")] == [
        "adjective", "adjective", "adjective", "noun", "noun", "hyphen", "acronym", "acronym"]
    nlp = spacy.blank("en")
    doc = nlp("We study kelp farm optimization and smooth convex optimization.")
    from spacy.tokens import Span

    from kg.extract.scorer import features

    task = [Span(doc, 2, 5, label="Task")]
    method = [Span(doc, 6, 9, label="Method")]
    assert "Task|premod=noun" in features(doc, task, set(), set(), end_of_title=0)
    assert not any(f.startswith("Task|premod") or "premod" in f for f in features(doc, method, set(), set(), end_of_title=0))


def test_a_task_carries_its_head_class_and_frame_whatever_its_name():
    from spacy.tokens import Span

    from kg.extract.base import doc_tokens
    from kg.extract.scorer import _head_class, _task_frame, features

    # head classes are pattern data: a task head, a process noun (a task's or a method's), a title-only head
    assert [_head_class(w) for w in ("classification", "predictions", "optimization", "training", "widget",
                                     "juggling")] == ["task", "process", "process", "lifecycle", "other", "gerund"]
    nlp = spacy.blank("en")
    text = ("Zorbing for Quux Wrangling\nWe study tasks such as blarg parsing and flim detection. "
            "We solve flim detection problems for snark estimation. The snark tracking of frobs is bare.")
    doc = nlp(text)
    for i, token in enumerate(doc):
        token.is_sent_start = i == 0 or doc[i - 1].text in {".", "\n"}
    tokens = doc_tokens(doc)
    title_end = next(i for i, t in enumerate(doc) if t.text == "\n")

    def frame(phrase: str) -> str:
        words = phrase.split()
        start = next(i for i in range(len(doc)) if [t.text for t in doc[i:i + len(words)]] == words)
        return _task_frame(tokens, Span(doc, start, start + len(words), label="Task"), title_end)

    assert frame("Quux Wrangling") == "title-cue"
    assert frame("Zorbing") == "title-start"
    assert frame("blarg parsing") == "list" and frame("flim detection") == "list"
    assert frame("snark estimation") == "for"
    assert frame("snark tracking") == "bare"
    doc2 = nlp("Title\nWe solve flim detection problems today.")
    assert _task_frame(doc_tokens(doc2), Span(doc2, 4, 6, label="Task"), 2) == "noun"
    feats = features(doc2, [Span(doc2, 4, 6, label="Task")], set(), set(), end_of_title=2)
    assert {"Task|headclass=task", "Task|frame=noun", "Task|frame=noun|headclass=task",
            "Task|headclass=task|premod=noun"} <= set(feats)
    # a process noun no list holds, by its form; the abstract's opening words
    assert [_head_class(w) for w in ("frobnication", "zorbosis", "wibble")] == ["nominal", "nominal", "other"]
    doc3 = nlp("Title\nFlim frobnication predicts snarks.")
    assert _task_frame(doc_tokens(doc3), Span(doc3, 2, 4, label="Task"), 1) == "opening"
    assert _task_frame(doc_tokens(doc3), Span(doc3, 4, 5, label="Task"), 1) == "bare"


def test_the_dropout_types_learn_from_the_extraction_without_their_fold_only_names(monkeypatch):
    import kg.evaluate.train_scorer as train_scorer

    def fake_examples(nlp, gold_rows, papers, *, unseen_folds=0, seed=0):
        tag = "dropout" if unseen_folds else "plain"
        return [{"type": t, "from": tag} for t in ("Method", "Task")]

    monkeypatch.setattr(train_scorer, "examples", fake_examples)
    rows = train_scorer.training_examples(None, [], {}, folds=5, dropout_types=("Task",))
    assert sorted((r["type"], r["from"]) for r in rows) == [("Method", "plain"), ("Task", "dropout")]
    rows = train_scorer.training_examples(None, [], {}, folds=5, dropout_types=())
    assert {r["from"] for r in rows} == {"plain"}
    rows = train_scorer.training_examples(None, [], {}, folds=5, vocabulary_dropout=True)
    assert {r["from"] for r in rows} == {"dropout"}


def test_a_name_in_the_frames_self_mention_slot_is_kept_whatever_its_score(nlp):
    scorer = nlp.get_pipe("kg_scorer")
    text = "Ranking Things\nFor each list, our (new) algorithm SortaX orders the items, and BaselineY does not."
    offset = scorer.threshold_offset
    try:
        scorer.threshold_offset = 1.01  # no probability reaches it
        doc = nlp(text)
        kept = {s.text for s in doc.spans[ENTITIES_KEY]}
        assert "SortaX" in kept and "BaselineY" not in kept
        assert any(doc.spans[ENTITIES_KEY][0].kb_id_ == key for key in doc._.kg_frame["proposed"])
    finally:
        scorer.threshold_offset = offset
    # the scorer sees the slot as a feature, at training and at run time alike
    scorer.filter = False
    try:
        doc = nlp(text)
        features = doc.user_data["kg_scorer_features"]
        key = next(s.kb_id_ for s in doc.spans[ENTITIES_KEY] if s.text == "SortaX")
        assert "Method|self-slot" in features[key]
        other = next((s.kb_id_ for s in doc.spans[ENTITIES_KEY] if s.text == "BaselineY"), None)
        assert other is None or "Method|self-slot" not in features[other]
    finally:
        scorer.filter = True


def test_an_entity_carries_how_common_its_words_are_in_general_english_as_numbers():
    from spacy.tokens import Span

    from kg.extract.scorer import _frequency_features, _zipf_bucket, features

    # Zipf buckets: a word the list lacks is 0; "the" is among the commonest words
    assert _zipf_bucket(None) == 0 and _zipf_bucket(0.05) == 7 and _zipf_bucket(1e-8) == 1
    nlp = spacy.blank("en")
    doc = nlp("Our new approach and Qworblenet beat the strong baseline on the results.")
    common = features(doc, [Span(doc, 1, 3, label="Method")], set(), set(), end_of_title=0)
    coined = features(doc, [Span(doc, 4, 5, label="Method")], set(), set(), end_of_title=0)
    # a phrase of common words against a coined one: its rarest word, its head, their mean, the words the list lacks
    assert {"Method|zmin=4", "Method|zhead=4", "Method|zmissing=0"} <= set(common)
    assert {"Method|zmin=0", "Method|zhead=0", "Method|zmissing=1", "Method|single=title|z=0"} <= set(coined)
    # numbers, never the words: no feature names a word of the phrase
    assert not any("qworblenet" in f.lower() for f in coined)
    # a word with a digit is coined; a bare number is no word; a name of no words says so
    assert _frequency_features("Zorp-50 network", "") == ("|zmin=0", "|zhead=5", "|zmean=2", "|zmissing=1")
    assert _frequency_features("(42)", "nonalpha") == ("|zipf=none",)
