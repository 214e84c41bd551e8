"""The CLI as a user drives it: help with examples, build, stats, and bad input without tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from click.testing import CliRunner

from kg.cli import cli

DATA = Path(__file__).parent / "data"
SCHEMAS = Path(__file__).parents[1] / "schemas"


def _run(*args, input=None):
    return CliRunner().invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)


def _all_commands(group=cli, prefix=()):
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield from _all_commands(command, (*prefix, name))
        else:
            yield (*prefix, name)


def test_every_command_has_help_with_an_example():
    top = _run("--help")
    assert top.exit_code == 0
    for name in ("build", "extract", "stats", "evaluate", "export", "push", "query", "neo4j"):
        assert name in top.output
    for path in [*_all_commands(), ("export",), ("neo4j",)]:
        result = _run(*path, "--help")
        assert result.exit_code == 0, path
        assert "Example" in result.output, f"kg {' '.join(path)} --help has no example"


def test_build_writes_a_complete_snapshot(tmp_path):
    out = tmp_path / "snap"
    result = _run("build", DATA / "papers.jsonl", DATA / "pasted-blank-lines.txt", "-o", out, "--json", "-q")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    # "On Expressivity and Trainability of Quadratic Networks" is in both inputs: one Paper.
    assert summary["papers"] == 7 and summary["duplicates_merged"] == 1 and summary["rejected"] == 0
    assert sorted(p.name for p in out.iterdir()) == ["cache", "graph.graphml", "graph.html", "graph.json", "manifest.json"]
    assert manifest_files(out) == ["cache/extraction.jsonl.gz", "graph.graphml", "graph.html", "graph.json", "manifest.json"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"]["nodes"]["Paper"] == 7
    assert manifest["pipeline"]["name"] == "blank"
    assert [len(i["sha256"]) for i in manifest["inputs"]] == [64, 64]
    assert sum(manifest["counts"]["nodes"].get(t, 0) for t in ("Method", "Dataset", "Hardware", "Metric")) > 10
    jsonschema.validate(json.loads((out / "graph.json").read_text()),
                        json.loads((SCHEMAS / "graph.schema.json").read_text()))

    stats = _run("stats", out, "--json", "--top", "3")
    assert stats.exit_code == 0
    info = json.loads(stats.stdout)
    assert info["nodes"]["Paper"] == 7
    assert set(info["top"]) == {"Method", "Dataset", "Hardware", "Metric", "Task"}
    assert all(len(v) <= 3 for v in info["top"].values())


def test_build_reads_stdin_with_format(tmp_path):
    out = tmp_path / "snap"
    text = (DATA / "papers.csv").read_text()
    result = _run("build", "-", "--format", "csv", "-o", out, "--no-html", "-q", input=text)
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"]["nodes"]["Paper"] == 4
    assert manifest["inputs"] == [{"path": "<stdin>", "sha256": None}]


def test_bad_input_exits_non_zero_with_file_and_line_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "A", "abstract": "Fine."}\n{"title": "B", "abstract": \n', encoding="utf-8")
    out = tmp_path / "snap"
    result = _run("build", bad, "-o", out, "-q")
    assert result.exit_code == 2
    assert f"{bad}:2: malformed JSON" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_failed_rebuild_keeps_the_previous_snapshot(tmp_path):
    out = tmp_path / "snap"
    assert _run("build", DATA / "papers.jsonl", "-o", out, "-q", "--no-html").exit_code == 0
    before = (out / "graph.json").read_text()
    result = _run("build", DATA / "papers.jsonl", tmp_path / "missing.txt", "-o", out, "-q")
    assert result.exit_code == 2 and "missing.txt: no such file" in result.output
    assert (out / "graph.json").read_text() == before


def test_skip_invalid_counts_rejections_in_the_manifest(tmp_path):
    mixed = tmp_path / "mixed.jsonl"
    lines = (DATA / "papers.jsonl").read_text().splitlines()
    mixed.write_text("\n".join([lines[0], '{"title": "No abstract here"}', lines[1]]) + "\n", encoding="utf-8")
    out = tmp_path / "snap"
    strict = _run("build", mixed, "-o", out, "-q")
    assert strict.exit_code == 2 and f"{mixed}:2:" in strict.output
    result = _run("build", mixed, "-o", out, "-q", "--skip-invalid", "--no-html")
    assert result.exit_code == 0
    assert f"skipped {mixed}:2: paper 'No abstract here' has no abstract" in result.stderr
    ingest = json.loads((out / "manifest.json").read_text())["ingest"]
    assert (ingest["papers"], ingest["rejected"]) == (2, 1)
    assert ingest["rejections"] == [{"path": str(mixed), "line": 2, "reason": "paper 'No abstract here' has no abstract"}]


def test_stats_on_a_non_snapshot_is_a_clear_error(tmp_path):
    result = _run("stats", tmp_path)
    assert result.exit_code == 4
    assert "not a kg snapshot" in result.output


def test_a_file_that_can_not_be_written_is_a_clean_error(tmp_path):
    out = tmp_path / "snap"
    assert _run("build", DATA / "papers.jsonl", "-o", out, "-q", "--no-html").exit_code == 0
    result = _run("export", "cypher", out, "-o", tmp_path / "missing-dir" / "graph.cypher")
    assert result.exit_code == 2
    assert "No such file or directory" in result.output and "Traceback" not in result.output


def manifest_files(directory):
    return json.loads((directory / "manifest.json").read_text())["files"]


def test_every_command_is_in_the_readme():
    from kg.neo4j.queries import NAMED_QUERIES

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    for name, command in cli.commands.items():
        assert f"kg {name}" in readme, name
        for sub in getattr(command, "commands", {}):
            assert f"kg {name} {sub}" in readme, f"{name} {sub}"
    for query in NAMED_QUERIES.values():
        assert query.cypher in readme, query.name  # the README shows the named queries as they run


def test_version_and_every_exit_code_are_documented():
    import inspect
    import re

    import kg.errors
    from kg import __version__

    result = _run("--version")
    assert result.exit_code == 0 and result.output.strip() == f"kg, version {__version__}"
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert "`kg --version`" in readme
    table = readme.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    documented = {int(code) for code in re.findall(r"^\| (\d+) \|", table, flags=re.M)}
    raised = {cls.exit_code for _, cls in inspect.getmembers(kg.errors, inspect.isclass)
              if issubclass(cls, kg.errors.KgError)}
    # every library error's code, click's usage errors and Ctrl-C (2, 1), and SIGTERM's 128 + 15
    assert raised | {0, 1, 2, 143} == documented, documented ^ (raised | {0, 1, 2, 143})


def test_ctrl_c_exits_1_with_a_word_not_a_traceback(monkeypatch):
    import kg.workflow

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(kg.workflow, "build_snapshot", interrupted)
    result = CliRunner().invoke(cli, ["build", str(DATA / "papers.jsonl"), "-o", "unused", "-q"])
    assert result.exit_code == 1 and "Aborted!" in result.output and "Traceback" not in result.output


def test_a_command_run_in_process_leaves_the_callers_sigterm_handler_alone(tmp_path):
    """kg installs its SIGTERM handler for the command's run only: a test or notebook that runs a command
    in-process keeps its own handler afterwards (forked workers started later inherit the caller's)."""
    import signal

    papers = tmp_path / "p.txt"
    papers.write_text("A Title\nAn abstract about ResNet on ImageNet.\n")
    before = signal.getsignal(signal.SIGTERM)
    result = _run("extract", papers, "-q", "-o", tmp_path / "r.jsonl")
    assert result.exit_code == 0, result.output
    assert signal.getsignal(signal.SIGTERM) is before


def test_a_sigterm_during_a_command_run_in_process_reaches_the_caller_after_kg_cleans_up(tmp_path, monkeypatch):
    """A SIGTERM while a command runs in-process (click's CliRunner, a notebook): kg stops the command and cleans
    up (exit 143, no run directory left), then hands the signal to the caller's own handler. Turned into
    SystemExit(143) alone, CliRunner swallowed it: a SIGTERM sent to stop a test run failed the test then running
    (test_extract's CLI test, under a loaded full run) and did not stop pytest."""
    import os
    import signal

    import kg.execute.shards

    papers = tmp_path / "p.txt"
    papers.write_text("A Title\nAn abstract about ResNet on ImageNet.\n")
    work = tmp_path / "work"
    original = kg.execute.shards.reduce_results

    def terminated_mid_run(results, run_dir):
        os.kill(os.getpid(), signal.SIGTERM)  # arrives while the command runs, after its run directory exists
        return original(results, run_dir)

    monkeypatch.setattr(kg.execute.shards, "reduce_results", terminated_mid_run)
    received = []
    before = signal.signal(signal.SIGTERM, lambda signum, frame: received.append(signum))
    try:
        result = _run("extract", papers, "-q", "-o", tmp_path / "r.jsonl", "--work-dir", work)
        assert result.exit_code == 128 + signal.SIGTERM, result.output
        assert received == [signal.SIGTERM]  # the caller's handler ran, once
        assert not (tmp_path / "r.jsonl").exists() and not any(work.iterdir())  # kg cleaned up first
    finally:
        signal.signal(signal.SIGTERM, before)
