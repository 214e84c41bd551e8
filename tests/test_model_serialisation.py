"""kg_scorer and kg_edge_scorer save their models exactly (kg.extract.base.SerialisedState): the raw probabilities
are bit-identical after to_bytes/from_bytes, to_disk/from_disk and spacy.load in a fresh interpreter.

The models are given full-precision weights first (as a retrained model has): srsly's JSON keeps 9 significant
digits, so a round trip through it changes such a weight and the probabilities with it.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys

import pytest
import spacy

from kg.extract import load_pipeline
from kg.extract.base import SerialisedState

TEXTS = (
    "Zeus: GPU Energy Optimisation\nWe propose Zeus, which builds on Adam and outperforms Perseus on "
    "ImageNet, reaching 76.1% top-1 accuracy with 8 V100 GPUs and 2x lower energy than Perseus.",
    "LASP-2: Linear Attention Sequence Parallelism\nWe present LASP-2, which extends Ring Attention and "
    "improves throughput on the PG-19 dataset by 15% over LASP on 64 A100 GPUs for language modelling.",
)
SCORERS = ("kg_scorer", "kg_edge_scorer")


def predictions(nlp) -> dict:
    """Each text's raw (unrounded) probabilities, as float.hex: entity key -> p, and (type, source, target) -> p."""
    out = {}
    for n, text in enumerate(TEXTS):
        doc = nlp.make_doc(text)
        for name, component in nlp.pipeline:
            if name == "kg_scorer":
                out[f"{n}:entities"] = {key: p.hex() for key, p in sorted(component.probabilities(doc).items())}
            if name == "kg_edge_scorer":  # its candidates consume the cues: the pipeline stops here
                scored = [(r["type"], r["source"], r["target"], r["sentence"],
                           component.probability(r["type"], features)) for r, features in component.candidates(doc)]
                out[f"{n}:relations"] = sorted([*row[:4], row[4].hex()] for row in scored if row[4] is not None)
                break
            doc = component(doc)
    return out


PREDICTIONS = f"""
import json, sys
import spacy
sys.path.insert(0, {str(__import__("pathlib").Path(__file__).parent)!r})
from test_model_serialisation import predictions
print(json.dumps(predictions(spacy.load(sys.argv[1]))))
"""


def _full_precision(nlp, seed: int = 7) -> None:
    """Give both models weights, biases and thresholds with all 17 significant digits."""
    rng = random.Random(seed)

    def jitter(value: float) -> float:
        return value * (1 + rng.uniform(-1e-3, 1e-3)) + rng.uniform(-1e-6, 1e-6)

    model = nlp.get_pipe("kg_scorer").model
    model.weights = {feature: jitter(w) for feature, w in model.weights.items()}
    model.bias = jitter(model.bias)
    model.thresholds = {label: jitter(t) for label, t in model.thresholds.items()}
    edge = nlp.get_pipe("kg_edge_scorer")
    for part in edge.model["types"].values():
        part["weights"] = [jitter(w) for w in part["weights"]]
        part["bias"] = jitter(part["bias"])
        part["threshold"] = min(1.0, max(0.0, jitter(part["threshold"])))


@pytest.fixture(scope="module")
def tuned():
    nlp = load_pipeline("blank")
    _full_precision(nlp)
    expected = predictions(nlp)
    assert all(expected[f"{n}:entities"] and expected[f"{n}:relations"] for n in range(len(TEXTS)))
    return nlp, expected


@pytest.mark.parametrize("name", SCORERS)
def test_the_scorers_use_the_shared_serialisation(name, tuned):
    component = tuned[0].get_pipe(name)
    assert isinstance(component, SerialisedState)
    own = {"from_disk"} if name == "kg_scorer" else set()  # kg_scorer also reads the earlier layout (below)
    for method in {"to_bytes", "from_bytes", "to_disk", "from_disk"} - own:
        assert getattr(type(component), method) is getattr(SerialisedState, method), method


def test_the_probabilities_are_bit_identical_after_to_bytes_and_from_bytes(tuned):
    nlp, expected = tuned
    fresh = load_pipeline("blank")
    assert predictions(fresh) != expected  # the tuned models differ from the shipped ones
    for name in SCORERS:
        fresh.get_pipe(name).from_bytes(nlp.get_pipe(name).to_bytes())
    assert predictions(fresh) == expected
    assert fresh.get_pipe("kg_scorer").model.to_dict() == nlp.get_pipe("kg_scorer").model.to_dict()
    assert fresh.get_pipe("kg_edge_scorer").model == nlp.get_pipe("kg_edge_scorer").model
    again = load_pipeline("blank").from_bytes(nlp.to_bytes())  # the whole pipeline, as spaCy does it
    assert predictions(again) == expected


def test_the_probabilities_are_bit_identical_after_to_disk_and_from_disk(tuned, tmp_path):
    nlp, expected = tuned
    fresh = load_pipeline("blank")
    for name in SCORERS:
        nlp.get_pipe(name).to_disk(tmp_path / name)
        assert sorted(p.name for p in (tmp_path / name).iterdir()) == ["cfg.json"]
        fresh.get_pipe(name).from_disk(tmp_path / name)
    assert predictions(fresh) == expected


def test_a_saved_pipeline_gives_bit_identical_probabilities_after_spacy_load_in_a_fresh_interpreter(tuned,
                                                                                                    tmp_path):
    nlp, expected = tuned
    nlp.to_disk(tmp_path / "saved")
    done = subprocess.run([sys.executable, "-c", PREDICTIONS, str(tmp_path / "saved")], capture_output=True,
                          text=True, check=False, timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == json.loads(json.dumps(expected))


def test_a_scorer_saved_in_the_earlier_layout_still_loads_exactly(tuned, tmp_path):
    """Before SerialisedState, kg_scorer.to_disk wrote cfg.json and model.json (the model file's own layout)."""
    nlp, expected = tuned
    scorer = nlp.get_pipe("kg_scorer")
    old = tmp_path / "kg_scorer"
    old.mkdir()
    (old / "cfg.json").write_text(json.dumps({"model_file": scorer.model_file, "threshold_offset": 0.0,
                                              "initialized": True}), encoding="utf-8")
    (old / "model.json").write_text(json.dumps(scorer.model.to_dict()), encoding="utf-8")
    fresh = load_pipeline("blank")
    fresh.get_pipe("kg_scorer").from_disk(old)
    fresh.get_pipe("kg_edge_scorer").from_bytes(nlp.get_pipe("kg_edge_scorer").to_bytes())
    assert predictions(fresh) == expected


def test_the_shipped_edge_model_is_read_with_every_digit_it_has():
    from kg.extract.edge_scorer import MODEL_PATH, load_model

    assert load_model() == json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert spacy.blank("en").add_pipe("kg_edge_scorer").model == load_model()


# -- the trainers write the model they fitted, exactly ------------------------------------------------------------

GOLD = __import__("pathlib").Path(__file__).parent / "data" / "gold"


def _capture_last_fit(monkeypatch, module, name: str) -> list:
    """Wrap *module.name* (a fit function) so every call's result is recorded, in order."""
    calls = []
    original = getattr(module, name)

    def recording(*args, **kwargs):
        result = original(*args, **kwargs)
        calls.append(result)
        return result

    monkeypatch.setattr(module, name, recording)
    return calls


def test_the_entity_scorer_trainer_writes_the_fitted_model_exactly(tmp_path, monkeypatch):
    from kg.evaluate import train_scorer
    from kg.extract.scorer import CandidateScorer

    gold = [json.loads(line) for line in (GOLD / "dev.jsonl").read_text(encoding="utf-8").splitlines()[:24]]
    ids = {row["id"] for row in gold}
    papers = [line for line in (GOLD / "dev-papers.jsonl").read_text(encoding="utf-8").splitlines()
              if json.loads(line)["id"] in ids]
    (tmp_path / "gold.jsonl").write_text("".join(json.dumps(row) + "\n" for row in gold), encoding="utf-8")
    (tmp_path / "papers.jsonl").write_text("\n".join(papers) + "\n", encoding="utf-8")
    fits = _capture_last_fit(monkeypatch, train_scorer, "_fit")
    trained = []
    monkeypatch.setattr(train_scorer, "train", lambda *a, _train=train_scorer.train, **k: trained.append(_train(*a, **k))
                        or trained[-1])
    out = tmp_path / "scorer.json"
    train_scorer.main(["--gold", str(tmp_path / "gold.jsonl"), str(tmp_path / "papers.jsonl"), "-o", str(out),
                       "--folds", "2"])
    vectorizer, fitted = fits[-1]  # the final fit, on every paper
    model = trained[-1]
    exact = {name: float(w) for name, w in zip(vectorizer.get_feature_names_out(), fitted.coef_[0]) if w != 0.0}
    assert model["weights"] == exact and model["bias"] == float(fitted.intercept_[0])
    assert any(len(repr(w)) > 10 for w in exact.values())  # full-precision weights: a rounding writer would lose them

    nlp = spacy.blank("en")
    loaded = CandidateScorer(nlp, model_file=str(out))
    loaded.initialize()
    in_memory = CandidateScorer(nlp)
    in_memory.initialize(model=model)
    assert loaded.model.to_dict() == in_memory.model.to_dict()
    names = sorted(exact)
    rng = random.Random(3)
    for _ in range(200):
        feats = rng.sample(names, 6)
        assert loaded.model.probability(feats).hex() == in_memory.model.probability(feats).hex()


def _synthetic_groups(width: int, rng, papers: int = 20):
    import numpy as np

    from kg.evaluate.train_result_choosers import Group

    groups = []
    for paper in range(papers):
        for _ in range(3):
            k = rng.integers(2, 5)
            x = rng.normal(size=(k, width))
            right = np.zeros(k, dtype=bool)
            right[rng.integers(0, k)] = True
            x[right] += 0.8  # something to learn
            groups.append(Group(paper, x, right, right.copy(), np.zeros(k, dtype=bool), 0))
    return groups


def test_the_result_chooser_trainer_writes_the_fitted_models_exactly(tmp_path, monkeypatch):
    import numpy as np

    from kg.evaluate import train_result_choosers as trainer
    from kg.extract.results import METHOD_FEATURES, METRIC_FEATURES, choose_candidate, load_method_model, \
        load_metric_model

    rng = np.random.default_rng(5)
    collected = {"metric": _synthetic_groups(len(METRIC_FEATURES), rng),
                 "method": _synthetic_groups(len(METHOD_FEATURES), rng), "papers": 20, "predicted": 75,
                 "gold": 70, "gold_methods": 60}
    fits = _capture_last_fit(monkeypatch, trainer, "fit")
    trained = []
    monkeypatch.setattr(trainer, "collect", lambda *a, **k: collected)
    monkeypatch.setattr(trainer, "train", lambda *a, _train=trainer.train, **k: trained.append(_train(*a, **k))
                        or trained[-1])
    monkeypatch.setattr(trainer, "out_of_fold_evaluation", lambda *a, **k: {
        "results": {"f1": 0.5}, "result_roles": {"method": {"f1": 0.5}}})
    metric_out, method_out = tmp_path / "metric.json", tmp_path / "method.json"
    trainer.main(["--metric-out", str(metric_out), "--method-out", str(method_out)])
    models = trained[-1][0]
    # the final fits: the last fit of the metric chooser's search is followed by the method chooser's
    final_metric = fits[len(trainer.C_GRID) * trainer.FOLDS]
    final_method = fits[-1]
    assert models["metric"]["weights"] == [float(v) for v in final_metric]
    assert models["method"]["weights"] == [float(v) for v in final_method]
    for name, loader, out in (("metric", load_metric_model, metric_out), ("method", load_method_model, method_out)):
        loaded = loader(out)
        assert loaded == models[name]
        for group in collected[name][:50]:
            candidates = [{"features": list(map(float, row))} for row in group.x]
            mine, share = choose_candidate(models[name], candidates)
            theirs, loaded_share = choose_candidate(loaded, candidates)
            assert mine is theirs and share.hex() == loaded_share.hex()


def test_the_edge_scorer_trainer_writes_the_fitted_model_exactly(tmp_path, monkeypatch):
    import numpy as np

    from kg.evaluate import train_edge_scorer as trainer
    from kg.extract.edge_scorer import FEATURES, SCORED_TYPES, EdgeScorer, load_model

    rng = np.random.default_rng(11)
    rows, gold = {}, {}
    for rel_type in SCORED_TYPES:
        rows[rel_type] = []
        for paper in range(16):
            for n in range(6):
                x = (rng.random(len(FEATURES)) < 0.2).astype(float)
                positive = rng.random() < 0.25 + 0.5 * x[0]
                rows[rel_type].append((paper, f"{paper}:{n}", list(x), [n] if positive else []))
        gold[rel_type] = sum(1 for r in rows[rel_type] if r[3]) + 5
    fits = _capture_last_fit(monkeypatch, trainer, "fit")
    trained = []
    monkeypatch.setattr(trainer, "collect", lambda *a, **k: {"rows": rows, "gold": gold})
    monkeypatch.setattr(trainer, "train", lambda *a, _train=trainer.train, **k: trained.append(_train(*a, **k))
                        or trained[-1])
    out = tmp_path / "edge_scorer.json"
    trainer.main(["--out", str(out)])
    model = trained[-1][0]
    per_pool = len(trainer.C_GRID) * trainer.FOLDS * trainer.REPEATS + 1  # the search's fits, then the final one
    n_features = len(FEATURES)
    for n, pool in enumerate(trainer.POOLS):
        w, b = fits[(n + 1) * per_pool - 1]
        for k, rel_type in enumerate(pool):
            # a pooled type keeps the shared weights and its own bias (the pool's bias plus its indicator's weight)
            assert model["types"][rel_type]["weights"] == [float(v) for v in w[:n_features]]
            assert model["types"][rel_type]["bias"] == (b + float(w[n_features + k]) if len(pool) > 1 else b)
    loaded = load_model(out)
    assert loaded == model
    nlp = spacy.blank("en")
    mine, theirs = EdgeScorer(nlp, model=model), EdgeScorer(nlp, model=loaded)
    for rel_type in SCORED_TYPES:
        for row in rows[rel_type][:60]:
            assert mine.probability(rel_type, row[2]).hex() == theirs.probability(rel_type, row[2]).hex()


def test_the_committed_model_files_still_load():
    """The loaders read the files the trainers wrote before (srsly's layout) as well as the exact ones."""
    from kg.extract.edge_scorer import load_model
    from kg.extract.results import load_method_model, load_metric_model
    from kg.extract.scorer import MODELS_DIR

    assert load_model()["types"] and load_metric_model()["weights"] and load_method_model()["weights"]
    assert json.loads((MODELS_DIR / "scorer.json").read_text(encoding="utf-8"))["weights"]
