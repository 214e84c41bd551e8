"""Training sets: several gold sets make one, and measurement-only sets are refused by every trainer."""
import json

import pytest

from kg.evaluate import train_edge_scorer, train_result_choosers, train_scorer, unseen
from kg.evaluate.training_sets import measurement_only, training_files

HOLD = ("tests/data/gold/synthetic-hold.jsonl", "tests/data/gold/synthetic-hold-papers.jsonl")


def test_measurement_only_names():
    assert measurement_only("tests/data/gold/holdout.jsonl")
    assert measurement_only("holdout-papers.jsonl")
    assert measurement_only("/x/synthetic-hold-papers.jsonl")
    assert not measurement_only("tests/data/gold/synthetic-dev.jsonl")
    assert not measurement_only("tests/data/gold/dev-papers.jsonl")


def _pair(tmp_path, name, ids):
    gold, papers = tmp_path / f"{name}.jsonl", tmp_path / f"{name}-papers.jsonl"
    gold.write_text("".join(json.dumps({"id": i, "title": i}) + "\n" for i in ids), encoding="utf-8")
    # the last line without its newline: the concatenation must still keep one object per line
    papers.write_text("\n".join(json.dumps({"id": i, "title": i, "abstract": "a"}) for i in ids), encoding="utf-8")
    return str(gold), str(papers)


def test_training_files_concatenates_pairs_in_order(tmp_path):
    a, b = _pair(tmp_path, "a", ["a1", "a2"]), _pair(tmp_path, "b", ["b1"])
    with training_files([a]) as one:
        assert one == a
    with training_files([a, b]) as (gold, papers):
        assert [json.loads(line)["id"] for line in open(gold)] == ["a1", "a2", "b1"]
        assert [json.loads(line)["id"] for line in open(papers)] == ["a1", "a2", "b1"]
        kept = gold
    with pytest.raises(FileNotFoundError):
        open(kept)  # the temporary files go with the block


@pytest.mark.parametrize("main, argv", [
    (train_scorer.main, ["--gold", "tests/data/gold/dev.jsonl", "tests/data/gold/dev-papers.jsonl",
                         "--gold", *HOLD]),
    (train_result_choosers.main, ["--gold", HOLD[0], "--papers", HOLD[1]]),
    (train_edge_scorer.main, ["--gold", "tests/data/gold/dev.jsonl", "--papers", "tests/data/gold/dev-papers.jsonl",
                              "--gold", HOLD[0], "--papers", HOLD[1]]),
    (unseen.main, ["--gold", *HOLD]),
])
def test_trainers_refuse_measurement_only_sets(main, argv):
    with pytest.raises(SystemExit, match="measurement only"):
        main(argv)


def test_trainers_want_one_papers_file_per_gold_file():
    with pytest.raises(SystemExit, match="one --papers file per --gold"):
        train_edge_scorer.main(["--gold", "tests/data/gold/dev.jsonl"])


def test_papers_are_named_by_their_set_and_sets_take_weights(tmp_path):
    from kg.evaluate.training_sets import paper_sets, set_weights

    a, b = _pair(tmp_path, "a", ["a1", "a2"]), _pair(tmp_path, "b", ["b1"])
    assert paper_sets([a, b]) == {"a1": "a", "a2": "a", "b1": "b"}
    assert paper_sets([a]) == {"a1": "a", "a2": "a"}
    assert set_weights(["synthetic-dev=0.3"]) == {"synthetic-dev": 0.3}
    with pytest.raises(SystemExit):
        set_weights(["synthetic-dev"])


def test_a_set_weight_scales_what_a_result_teaches():
    import numpy as np

    from kg.evaluate.train_result_choosers import Group, fit

    x = np.array([[1.0, 0.0], [0.0, 1.0]])
    first = Group(0, x, np.array([True, False]), np.array([True, False]), np.array([False, False]), 1)
    second = Group(1, x, np.array([False, True]), np.array([False, True]), np.array([False, False]), 0)
    # one result says candidate 0, the other candidate 1: the heavier one wins
    second.weight = 0.2
    w = fit([first, second], 1.0)
    assert w[0] > w[1]
    second.weight, first.weight = 1.0, 0.2
    w = fit([first, second], 1.0)
    assert w[1] > w[0]


@pytest.mark.parametrize("main", [train_edge_scorer.main, train_result_choosers.main])
def test_trainers_refuse_a_measurement_only_validation_set(main):
    with pytest.raises(SystemExit):
        main(["--validate", *HOLD])
