"""The unseen-name dev measurement (kg.evaluate.unseen) on a tiny invented gold set."""

from __future__ import annotations

import json

import pytest

from kg.evaluate.unseen import evaluate_unseen, fold_only_names, main, name_key, vocabularies_without
from kg.extract.vocabulary import rows_without
from kg.ingest.paper import Paper

# Invented names: "glimmerprop" is a gold Method of paper p0 only; "quillmix" of every paper. Neither has a shape
# that an open rule would find, so only the vocabulary finds them. "BarNet" (found by shape) is never gold.
VOCABULARY = [
    {"label": "Method", "pattern": "glimmerprop"},
    {"label": "Method", "pattern": "QMX", "id": "quillmix"},
    {"label": "Method", "pattern": "quillmix"},
    {"label": "Ignore", "pattern": "glimmerprops"},
]


def _papers_and_gold(n: int = 8) -> tuple[dict[str, Paper], list[dict]]:
    papers, gold = {}, []
    for i in range(n):
        extra = " We also use glimmerprop." if i == 0 else ""
        abstract = (f"We train a parser with quillmix on the Plink{i}Set dataset and report accuracy. "
                    f"It beats BarNet by a wide margin.{extra}")
        papers[f"p{i}"] = Paper(id=f"p{i}", title=f"Parsing study {i}", abstract=abstract)
        methods = [{"name": "quillmix"}] + ([{"name": "glimmerprop"}] if i == 0 else [])
        gold.append({"id": f"p{i}", "title": f"Parsing study {i}",
                     "Method": {"required": methods, "optional": []},
                     "Dataset": {"required": [{"name": f"Plink{i}Set"}], "optional": []},
                     "Hardware": {"required": [], "optional": []},
                     "Metric": {"required": [{"name": "accuracy"}], "optional": []}})
    return papers, gold


def test_name_keys_ignore_case_hyphens_and_a_plural_s():
    assert name_key("ResNets") == name_key("resnet") == "resnet"
    assert name_key("Long-Range Arena") == name_key("long range  arena")
    assert name_key("class") == "class" and name_key("GPUs") == "gpu"


def test_only_names_no_other_fold_contains_are_unseen():
    gold = [{"id": "a", "Method": {"required": [{"name": "FooNet", "aliases": ["FN"]}], "optional": []}},
            {"id": "b", "Method": {"required": [{"name": "foonet"}], "optional": [{"name": "BazGAN"}]}},
            {"id": "c", "Dataset": {"required": [{"name": "Quux-100"}], "optional": []}}]
    only = fold_only_names(gold, {"a": 0, "b": 1, "c": 0}, 2, keep={"quux 100"})
    assert only == [{"fn"}, {"bazgan"}]


def test_rows_are_removed_by_phrase_id_or_sense_but_known_non_entities_stay():
    rows = [{"label": "Method", "pattern": "SGD", "id": "stochastic gradient descent"},
            {"label": "Method", "pattern": [{"LOWER": "sgd"}], "id": "stochastic gradient descent"},
            {"pattern": "MAE", "senses": [{"label": "Method", "id": "masked autoencoder"},
                                          {"label": "Metric", "id": "mean absolute error"}]},
            {"label": "Ignore", "pattern": "stochastic gradient descent"},
            {"label": "Metric", "pattern": "accuracy"}]
    kept = rows_without(rows, lambda name: name in {"stochastic gradient descent", "masked autoencoder"})
    assert kept == rows[3:]


def test_a_row_whose_phrase_an_outside_source_lists_stays_whatever_its_other_names():
    """external.jsonl lists every outside name (also curated ones, such as MNIST): the curated row naming it is
    kept in every fold, even when its canonical id is fold-only; rows with a fold-only outside-less name go."""
    rows = [{"label": "Dataset", "pattern": "Zorbnist"},
            {"label": "Method", "pattern": "QNX", "id": "quux network"},
            {"label": "Method", "pattern": "quux network"},
            {"label": "Method", "pattern": "Glimmerprop"}]
    only = [{"zorbnist", "qnx", "quux network", "glimmerprop"}, set()]
    kept, whole = vocabularies_without(rows, only, outside={"zorbnist", "qnx"})
    assert kept == rows[:2] and whole == rows
    assert vocabularies_without(rows, only, outside=set())[0] == []


def test_unseen_names_are_lost_only_where_the_vocabulary_learned_them():
    pytest.importorskip("sklearn")
    from kg.extract import load_pipeline

    nlp = load_pipeline("blank")
    vocabulary = nlp.get_pipe("kg_vocabulary")
    vocabulary.initialize(patterns=VOCABULARY)
    shipped = nlp.get_pipe("kg_scorer").model.to_dict()
    papers, gold = _papers_and_gold()
    result = evaluate_unseen(gold, papers, folds=2, out_of_fold=True, nlp=nlp)
    assert sorted(result.removed) == [0, 1]  # glimmerprop, in p0's fold only (quillmix is in both folds' gold)
    assert sum(result.unseen_names) > 0
    missed = {(e["id"], name) for e in result.unseen.errors if e["type"] == "Method" for name in e["missed"]}
    assert ("p0", "glimmerprop") in missed
    assert not any(name == "quillmix" for _, name in missed)  # found in every fold: never removed
    oof_missed = {(e["id"], n) for e in result.out_of_fold.errors if e["type"] == "Method" for n in e["missed"]}
    assert ("p0", "glimmerprop") not in oof_missed
    method = result.unseen.counts["strict"]["Method"]
    assert method.recall < result.out_of_fold.counts["strict"]["Method"].recall
    # the pipeline comes back as it was given
    assert vocabulary.patterns == VOCABULARY and nlp.get_pipe("kg_scorer").model.to_dict() == shipped
    assert "glimmerprop" in {e["name"] for e in __import__("kg.execute", fromlist=["x"]).extract_records(
        [papers["p0"]], nlp=nlp)[0]["entities"]}


def test_the_command_prints_json_and_refuses_the_hold_out(tmp_path, capsys):
    with pytest.raises(SystemExit, match="hold-out"):
        main(["--gold", "tests/data/gold/holdout.jsonl", "tests/data/gold/holdout-papers.jsonl"])
    papers, gold = _papers_and_gold(4)
    (tmp_path / "gold.jsonl").write_text("".join(json.dumps(g) + "\n" for g in gold))
    (tmp_path / "papers.jsonl").write_text("".join(
        json.dumps({"id": p.id, "title": p.title, "abstract": p.abstract}) + "\n" for p in papers.values()))
    with pytest.raises(SystemExit, match="folds"):
        main(["--gold", str(tmp_path / "gold.jsonl"), str(tmp_path / "papers.jsonl"), "--folds", "9"])
    (tmp_path / "bad.jsonl").write_text('{"id": "p0", "Method": {"required": [{"nam": "x"}]}}\n')
    with pytest.raises(SystemExit, match="bad.jsonl:1"):
        main(["--gold", str(tmp_path / "bad.jsonl"), str(tmp_path / "papers.jsonl")])
