"""kg's components share one serialisation (kg.extract.base.SerialisedState): bytes and disk round trips on
spacy.blank("en"), a bad row in a saved file is a FILE:LINE error, a saved pipeline loads in a fresh interpreter."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import spacy

from kg.errors import PatternError
from kg.extract import load_pipeline
from kg.extract.base import SerialisedState

SHARED = ("kg_frame", "kg_results", "kg_relations")
TEXT = ("Zeus: GPU Energy Optimisation\nWe propose Zeus, which builds on Adam and outperforms Perseus on "
        "ImageNet, reaching 76.1% top-1 accuracy with 8 V100 GPUs and 2x lower energy than Perseus.")


def _blank(name: str):
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    component = nlp.add_pipe(name)
    nlp.initialize()
    return nlp, component


def _changed(name: str, component) -> dict:
    """The component's state with one setting and one row list changed, so a round trip has something to keep."""
    cfg = component._cfg()
    if name == "kg_frame":
        cfg = {**cfg, "propose_window": 7, "words": [*cfg["words"], {"kind": "propose_verbs", "words": ["unleash"]}]}
    elif name == "kg_results":
        cfg = {**cfg, "metric_window": 3, "units": [*cfg["units"], {"unit": "wph", "forms": ["widgets per hour"]}]}
    else:
        cfg = {**cfg, "decay": 0.5,
               "cues": [*cfg["cues"], {"type": "BUILDS_ON", "phrases": ["piggybacks"], "weight": 0.9}]}
    component._set_cfg(cfg)
    return component._cfg()


@pytest.mark.parametrize("name", SHARED)
def test_the_three_components_use_the_shared_serialisation(name):
    _nlp, component = _blank(name)
    assert isinstance(component, SerialisedState)
    for method in ("to_bytes", "from_bytes", "to_disk", "from_disk"):
        assert getattr(type(component), method) is getattr(SerialisedState, method), method


@pytest.mark.parametrize("name", SHARED)
def test_bytes_and_disk_round_trips_on_blank_english(name, tmp_path):
    _nlp, source = _blank(name)
    state = _changed(name, source)
    _other, target = _blank(name)
    assert target._cfg() != state
    assert target.from_bytes(source.to_bytes())._cfg() == state
    source.to_disk(tmp_path / name)
    assert sorted(p.name for p in (tmp_path / name).iterdir()) == sorted(["cfg.json", *source.row_files.values()])
    _again, loaded = _blank(name)
    assert loaded.from_disk(tmp_path / name)._cfg() == state
    # the whole blank pipeline, as spaCy saves and loads it
    nlp, _component = _blank(name)
    nlp.get_pipe(name).from_bytes(source.to_bytes())
    nlp.to_disk(tmp_path / "pipeline")
    assert spacy.load(tmp_path / "pipeline").get_pipe(name)._cfg() == state


@pytest.mark.parametrize("name", SHARED)
def test_a_bad_row_in_a_saved_file_is_a_file_line_error(name, tmp_path):
    _nlp, component = _blank(name)
    component.to_disk(tmp_path / name)
    row_file = tmp_path / name / next(iter(component.row_files.values()))
    lines = row_file.read_text(encoding="utf-8").splitlines()
    row_file.write_text("\n".join([lines[0], json.dumps({"misspelt": 1}), *lines[1:]]) + "\n", encoding="utf-8")
    with pytest.raises(PatternError, match=rf"{row_file.name}:2: "):
        _blank(name)[1].from_disk(tmp_path / name)


def test_a_saved_kg_pipeline_loads_with_spacy_load_in_a_fresh_interpreter(tmp_path):
    nlp = load_pipeline("blank")
    for name in SHARED:
        _changed(name, nlp.get_pipe(name))
    nlp.to_disk(tmp_path / "saved")
    doc = nlp(TEXT)
    expected = {"frame": doc._.kg_frame["proposed"], "results": doc._.kg_results, "relations": doc._.kg_relations,
                "cfg": {name: nlp.get_pipe(name)._cfg() for name in SHARED}}
    script = (
        "import json, spacy, sys\n"
        "nlp = spacy.load(sys.argv[1])\n"
        "doc = nlp(sys.argv[2])\n"
        "print(json.dumps({'frame': doc._.kg_frame['proposed'], 'results': doc._.kg_results,\n"
        "                  'relations': doc._.kg_relations,\n"
        f"                  'cfg': {{name: nlp.get_pipe(name)._cfg() for name in {SHARED!r}}}}}))\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "saved"), TEXT], capture_output=True,
                          text=True, check=False, timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == json.loads(json.dumps(expected))
    assert expected["results"] and expected["frame"]  # the text exercises the components
