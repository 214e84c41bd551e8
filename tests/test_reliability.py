"""Regression cases from issue 12 (the fuzzing and fault run), each through the command line.

Every one of these failed before: a traceback, a lost paper, or an output that is not strict JSON or XML.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree

import pytest
from click.testing import CliRunner

from fuzzing import strict_json_load
from kg.cli import cli
from kg.export.graphml import read_graphml
from kg.ingest.sanitise import REPLACEMENT, is_clean, sanitise_text


def _run(*args, input=None):
    result = CliRunner().invoke(cli, [str(a) for a in args], input=input)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.output
    return result


def _snapshot_ok(directory, papers: int):
    graph = read_graphml(directory / "graph.graphml")  # well-formed XML that networkx reads back
    ElementTree.parse(directory / "graph.graphml")
    data = strict_json_load((directory / "graph.json").read_text(encoding="utf-8"))
    assert sum(1 for node in data["nodes"] if node["label"] == "Paper") == papers
    assert graph.number_of_nodes() == len(data["nodes"])
    return data


@pytest.mark.parametrize("text", ["T \ufffe x", "T \uffff x", "T \U0010ffff x", "T \ufdd0 x"])
def test_noncharacters_become_replacement_characters_and_graphml_stays_well_formed(tmp_path, text):
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps({"id": "a", "title": text, "abstract": f"We use BERT {text}."}, ensure_ascii=False)
                    + "\n", encoding="utf-8")
    result = _run("build", path, "-o", tmp_path / "snap", "-q", "--no-html")
    assert result.exit_code == 0, result.output
    data = _snapshot_ok(tmp_path / "snap", 1)
    paper = next(node for node in data["nodes"] if node["label"] == "Paper")
    assert paper["title"] == f"T {REPLACEMENT} x"


def test_escaped_lone_surrogates_and_control_characters_in_ids(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text('{"id": "x\\u0001y", "title": "S \\ud800", "abstract": "We use BERT on ImageNet \\udfff."}\n'
                    '{"id": "z\\udfff", "title": "Other", "abstract": "We use ResNet."}\n', encoding="utf-8")
    result = _run("build", path, "-o", tmp_path / "snap", "-q", "--no-html")
    assert result.exit_code == 0, result.output
    data = _snapshot_ok(tmp_path / "snap", 2)
    ids = sorted(node["id"] for node in data["nodes"] if node["label"] == "Paper")
    assert ids == ["paper:xy", f"paper:z{REPLACEMENT}"]
    records = _run("extract", path)
    for line in records.stdout.splitlines():
        record = strict_json_load(line)
        assert is_clean(record["text"]) and "\ud800" not in record["text"]


@pytest.mark.parametrize("name, text, line", [
    ("deep.jsonl", '{"title": "A", "abstract": "b"}\n{"x": ' + "[" * 1000 + "]" * 1000 + "}\n", 2),
    ("deep.json", '[{"title": "A", "abstract": "b"},\n {"x": ' + "[" * 1000 + "]" * 1000 + "}]\n", 2),
])
def test_json_nested_1000_deep_is_a_file_line_error(tmp_path, name, text, line):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = _run("build", path, "-o", tmp_path / "snap", "-q")
    assert result.exit_code == 2
    assert f"{path}:{line}: malformed record: JSON nested too deeply" in result.output
    assert "RecursionError" not in result.output
    skipped = _run("build", path, "-o", tmp_path / "snap", "-q", "--skip-invalid", "--no-html")
    assert skipped.exit_code == 0 and f"skipped {path}:{line}" in skipped.output


@pytest.mark.parametrize("abstract", ["We reach 1e309% accuracy with BERT.", "BERT is 1e309x faster.",
                                      "BERT reaches 1" + "0" * 400 + "% accuracy.",
                                      "BERT reaches 1" + "0" * 400 + "K tokens/s on A100."])
def test_numbers_too_large_for_a_float_never_reach_records_or_graph_json(tmp_path, abstract):
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps({"title": "Big numbers", "abstract": abstract}) + "\n", encoding="utf-8")
    out = tmp_path / "r.jsonl"
    assert _run("extract", path, "-o", out, "-q").exit_code == 0
    strict_json_load(out.read_text(encoding="utf-8"))
    assert _run("build", path, "-o", tmp_path / "snap", "-q", "--no-html").exit_code == 0
    _snapshot_ok(tmp_path / "snap", 1)


def test_colliding_ids_never_lose_a_paper(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text('{"id": "gamma-paper-4ae2b0f5", "title": "Alpha paper", "abstract": "We use BERT."}\n'
                    '{"id": "k", "title": "Beta paper", "abstract": "We use ResNet."}\n'
                    '{"id": "k", "title": "Gamma paper", "abstract": "We use GPT-2."}\n', encoding="utf-8")
    result = _run("build", path, "-o", tmp_path / "snap", "-q", "--json", "--no-html")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["papers"] == 3
    data = _snapshot_ok(tmp_path / "snap", 3)
    titles = {node["title"] for node in data["nodes"] if node["label"] == "Paper"}
    assert titles == {"Alpha paper", "Beta paper", "Gamma paper"}


BIB_STRAY_BRACE = """@article{a,
  title = {A paper},
  abstract = {We use ResNet-50} on ImageNet.},
  year = {2020},
  journal = {J},
}

@article{b,
  title = {B paper},
  abstract = {We use BERT.},
  year = {2021},
}
"""


def test_a_stray_brace_in_a_bibtex_abstract_rejects_the_entry_instead_of_half_reading_it(tmp_path):
    path = tmp_path / "b.bib"
    path.write_text(BIB_STRAY_BRACE, encoding="utf-8")
    result = _run("build", path, "-o", tmp_path / "snap", "-q")
    assert result.exit_code == 2
    assert f"{path}:1: malformed BibTeX entry 'a': text after the end of a field value" in result.output
    skipped = _run("build", path, "-o", tmp_path / "snap", "-q", "--skip-invalid", "--json", "--no-html")
    summary = json.loads(skipped.stdout)
    assert (summary["papers"], summary["rejected"]) == (1, 1)


@pytest.mark.parametrize("text, words", [
    ("@article{x, title={A}, abstract={b", "the entry never closes"),
    ("@article{x title={A}}", "expected a ',' after the entry key"),
    ("@article{x, title {A}}", "expected 'name = value' for every field"),
    ("@article{x, title={A}, title={B}, abstract={c}}", "title given twice"),
    ("@article{x, title = {A}, abstract = {B} # }", "a field value ends with '#'"),
    ("@article{x, title = {A}, abstract = {We use ResNet}},\n year={2020}}", "the entry ends early"),
])
def test_bibtex_errors_say_what_is_wrong_in_words(tmp_path, text, words):
    path = tmp_path / "b.bib"
    path.write_text(text, encoding="utf-8")
    result = _run("build", path, "-o", tmp_path / "snap", "-q")
    assert result.exit_code == 2
    assert f"{path}:1: malformed BibTeX entry" in result.output and words in result.output, result.output
    assert "Exception" not in result.output


def test_an_abstract_over_spacys_limit_is_rejected_with_file_line(tmp_path):
    path = tmp_path / "long.jsonl"
    path.write_text(json.dumps({"title": "Short", "abstract": "We use BERT."}) + "\n"
                    + json.dumps({"title": "Long", "abstract": "word " * 200_001}) + "\n", encoding="utf-8")
    result = _run("build", path, "-o", tmp_path / "snap", "-q")
    assert result.exit_code == 2
    assert f"{path}:2: paper 'Long' is 1,000,009 characters long" in result.output
    skipped = _run("build", path, "-o", tmp_path / "snap", "-q", "--skip-invalid", "--no-html")
    assert skipped.exit_code == 0


def test_sanitise_policy():
    assert sanitise_text("a\ud800b\ufffe\uffff\x01c\td\x7f\n") == f"a{REPLACEMENT}b{REPLACEMENT}{REPLACEMENT}c\td\n"
    assert sanitise_text("naïve — 😀 \u2028") == "naïve — 😀 \u2028"  # everything else is kept


@pytest.mark.neo4j
def test_query_reads_cypher_from_stdin_and_uses_the_state_dir(neo4j_instance, monkeypatch):
    for name in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "KG_NEO4J_STATE_DIR"):
        monkeypatch.delenv(name, raising=False)
    if neo4j_instance.state_dir is None:
        pytest.skip("KG_TEST_NEO4J_URI names an outside server; --state-dir needs kg's own launcher")
    result = _run("query", "-", "--json", "--state-dir", neo4j_instance.state_dir, input="RETURN 6 * 7 AS answer\n")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"answer": 42}
    monkeypatch.setenv("KG_NEO4J_STATE_DIR", str(neo4j_instance.state_dir))
    assert json.loads(_run("query", "RETURN 1 AS one", "--json").stdout) == {"one": 1}


def test_query_dash_with_empty_stdin_is_a_usage_error():
    result = _run("query", "-", input="")
    assert result.exit_code == 2 and "stdin was empty" in result.output
