"""The learned candidate scorer: confidences, thresholds, serialisation, training."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy

from kg.extract import extract_records, load_pipeline
from kg.extract.candidates import ENTITIES_KEY
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
    assert {s.kb_id_ for s in doc.spans[ENTITIES_KEY]} == set(doc._.kg_confidences)


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
