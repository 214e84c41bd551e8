"""kg.execute.ExtractOptions: one settings object for extract_records, extract_unresolved and run_extraction."""

from __future__ import annotations

import dataclasses
import inspect
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import kg.execute.shards as shards
from kg.cli import cli
from kg.execute import ExtractOptions, extract_records, extract_unresolved
from kg.execute.shards import run_extraction
from kg.extract import load_pipeline
from kg.ingest.paper import Paper

DATA = Path(__file__).parent / "data"
PAPERS = [
    Paper(id="a", title="Fast attention", abstract="We propose FlashAttention and train ResNet-50 on ImageNet."),
    Paper(id="b", title="Large language models", abstract="Large language models (LLMs) are large. We use LLMs."),
]
SETTINGS = {field.name for field in dataclasses.fields(ExtractOptions)}


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline("blank")


def test_the_settings_live_in_one_object_not_in_each_signature():
    assert SETTINGS == {"pipeline", "n_process", "batch_size", "executor", "scheduler", "work_dir"}
    for function in (extract_records, extract_unresolved, run_extraction):
        parameters = inspect.signature(function).parameters
        assert not SETTINGS & set(parameters), function.__name__
        assert "options" in parameters


def test_options_and_the_keyword_shim_give_the_same_records(nlp):
    options = ExtractOptions(pipeline="blank", n_process=1, batch_size=8)
    assert extract_records(PAPERS, options, nlp=nlp) == extract_records(PAPERS, pipeline="blank", n_process=1,
                                                                         batch_size=8, nlp=nlp)
    # a keyword replaces the field of the options given, the rest stay
    assert ExtractOptions.of(options, batch_size=2) == ExtractOptions(pipeline="blank", n_process=1, batch_size=2)


def test_unresolved_records_are_the_map_step_of_extract_records(nlp):
    # the acronym is defined in one paper only: the corpus resolution carries the long form to the other
    papers = [Paper(id="a", title="A", abstract="Large language models (LLMs) are large."),
              Paper(id="b", title="B", abstract="We make LLMs faster.")]
    resolutions = []
    resolved = extract_records(papers, ExtractOptions(pipeline="blank"), nlp=nlp, on_resolution=resolutions.append)
    unresolved = extract_unresolved(papers, ExtractOptions(pipeline="blank"), nlp=nlp)
    assert len(resolutions) == 1
    assert "method:largelanguagemodel" in {e["id"] for e in resolved[1]["entities"]}
    assert "method:largelanguagemodel" not in {e["id"] for e in unresolved[1]["entities"]}
    assert [resolutions[0].apply(record) for record in unresolved] == resolved


@pytest.mark.parametrize("bad", [{"executor": "spark"}, {"n_process": 0}, {"batch_size": 0}])
def test_bad_settings_are_rejected_when_the_options_are_made(bad):
    with pytest.raises(ValueError):
        ExtractOptions(**bad)


def test_an_unknown_keyword_is_a_type_error(nlp):
    with pytest.raises(TypeError, match="n_processes"):
        extract_records(PAPERS, nlp=nlp, n_processes=2)
    with pytest.raises(TypeError):
        ExtractOptions.of("blank")  # type: ignore[arg-type]


def test_run_extraction_takes_the_same_options_and_the_old_jobs_keyword(tmp_path):
    options = ExtractOptions(pipeline="blank", n_process=1, work_dir=tmp_path)
    with run_extraction(PAPERS, options) as run:
        from_options = list(run.resolved_records())
    with run_extraction(PAPERS, pipeline="blank", jobs=1, work_dir=tmp_path) as run:
        assert list(run.resolved_records()) == from_options


def test_kg_extract_builds_the_options_once_from_its_flags(tmp_path, monkeypatch):
    seen = []

    def recording(papers, options=None, **keywords):
        seen.append(options)
        return run_extraction(papers, options, **keywords)

    monkeypatch.setattr(shards, "run_extraction", recording)
    out = tmp_path / "records.jsonl"
    result = CliRunner().invoke(cli, ["extract", str(DATA / "papers.jsonl"), "-o", str(out), "-j", "1", "-q",
                                      "--work-dir", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert seen == [ExtractOptions(pipeline="blank", n_process=1, executor="local", work_dir=str(tmp_path))]
    assert all(json.loads(line)["id"] for line in out.read_text().splitlines())
