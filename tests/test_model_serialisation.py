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
