"""Property-based fuzzing of every reader, `kg extract` and `kg build` (hypothesis).

`make test` runs the "ci" profile (a few dozen examples per property); `make fuzz` runs the "fuzz" profile
(over 10,000 examples in all) and prints the examples checked by reader and property. Every failing example
found so far is kept as an ``@example`` (or as an explicit test in tests/test_reliability.py).
"""

from __future__ import annotations

import functools
import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import fuzzing
from fuzzing import FORMATS, SUFFIX, check_accounted, check_clean_papers, check_records, check_snapshot, note
from kg.cli import cli
from kg.errors import InputError
from kg.ingest import read_papers

# Per-property share of the profile's examples (the "fuzz" profile has max_examples=1000).
SCALE = {"reader": 1.0, "mutation": 0.7, "pipeline": 0.6, "cli": 0.15, "browser": 0.02}


def scaled(kind: str):
    base = settings.get_profile(settings._current_profile).max_examples  # noqa: SLF001 - the loaded profile
    return settings(max_examples=max(3, int(base * SCALE[kind])), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])


@functools.lru_cache(maxsize=1)
def blank_nlp():
    from kg.extract import load_pipeline

    return load_pipeline("blank")


def _write(directory: Path, fmt: str, text: str | bytes) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"in{SUFFIX[fmt]}"
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    return path


def _read(path: Path):
    try:
        return read_papers([str(path)], skip_invalid=True)
    except InputError as error:
        return error


def _text_records(recs: list[dict]) -> list[dict]:
    """Pasted text has only titles and abstracts, and no way to write a record without either.

    A title line is at most MAX_TITLE_CHARS long: a longer line reads as more abstract (by design).
    """
    from kg.ingest.text import MAX_TITLE_CHARS

    return [{"title": r["title"], "abstract": r["abstract"]} for r in recs
            if r["title"].startswith("T ") and r.get("abstract", "").startswith("A ")
            and len(r["title"]) <= MAX_TITLE_CHARS]


def _records_for(fmt: str):
    return st.lists(fuzzing.records(bad=fmt != "text"), min_size=1, max_size=6)


# --- readers: model-based inputs, exact accounting ----------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_reader_accounts_for_every_record_and_sanitises(fmt, tmp_path_factory):
    @scaled("reader")
    @given(recs=_records_for(fmt), ascii_json=st.booleans())
    @example(recs=[{"title": "T a x", "abstract": "A b end.", "id": 2**63}, {"title": "T c x", "abstract": "A d end."}],
             ascii_json=True)  # yajl's 64-bit integers overflowed and the rest of a JSON array was not read
    def run(recs, ascii_json):
        if fmt == "text":
            recs = _text_records(recs)
            if not recs:
                return
        directory = tmp_path_factory.mktemp(fmt)
        text, starts = fuzzing.serialise(fmt, recs, draw_bool=lambda: ascii_json)
        path = _write(directory, fmt, text)
        result = _read(path)
        note(fmt, "no traceback")
        check_accounted(fmt, result, starts, str(path))
        if not isinstance(result, InputError):
            check_clean_papers(fmt, result.papers)
        shutil.rmtree(directory, ignore_errors=True)

    run()


def test_make_fuzz_names_tests_that_exist():
    """`make fuzz` lists test files and test ids: a renamed test must not make it collect nothing and fail."""
    import re

    root = Path(__file__).parents[1]
    recipe = (root / "Makefile").read_text(encoding="utf-8").split("\nfuzz:", 1)[1].split("\n\n", 1)[0]
    named = re.findall(r"(tests/[\w/]+\.py)(?:::(\w+))?", recipe)
    assert len(named) >= 4
    for path, test in named:
        assert (root / path).is_file(), path
        if test:
            assert re.search(rf"^def {test}\(", (root / path).read_text(encoding="utf-8"), re.M), f"{path}::{test}"


# --- readers: arbitrary and mutated bytes -------------------------------------------------


def _mutations(fmt: str):
    """A valid file with bytes inserted, deleted or replaced; or arbitrary text."""

    @st.composite
    def build(draw):
        if draw(st.integers(0, 4)) == 0:
            return draw(st.text(max_size=300)).encode("utf-8", "surrogatepass")
        text, _ = fuzzing.serialise(fmt, draw(_records_for(fmt)))
        data = bytearray(text.encode("utf-8"))
        for _ in range(draw(st.integers(1, 4))):
            at = draw(st.integers(0, len(data)))
            what = draw(st.sampled_from(["insert", "delete", "replace"]))
            chunk = draw(st.sampled_from([b"}", b"{", b'"', b",", b"\n", b"[", b"]", b"@", b"\\", b"\x00", b"\xff",
                                          b"\xed\xa0\x80", b"\\ud800", b"\\u0000", b"1e309", b"NaN", b"=",
                                          b"[" * 1000 + b"]" * 1000]))
            if what == "insert":
                data[at:at] = chunk
            elif what == "delete":
                del data[at:at + draw(st.integers(1, 20))]
            else:
                data[at:at + len(chunk)] = chunk
        return bytes(data)

    return build()


@pytest.mark.parametrize("fmt", FORMATS)
def test_mutated_input_never_escapes_as_a_traceback(fmt, tmp_path_factory):
    @scaled("mutation")
    @given(data=_mutations(fmt))
    @example(data=b'{"title": "S \\ud800", "abstract": "x \\udfff"}\n')
    @example(data=b'{"a": ' + b"[" * 1000 + b"]" * 1000 + b"}\n")
    @example(data=b"[" * 1000 + b"]" * 1000)
    @example(data=b'@article{a,\n  title = {A paper},\n  abstract = {We use ResNet-50} on ImageNet.},\n'
                  b'  year = {2020},\n  journal = {J},\n}\n')
    @example(data=b"@article{x, title={A}, abstract={b")
    # a line of an array with two items and broken JSON after them: three rejections on one line, each once
    @example(data=b'[\n{"title": "T a x", "abstract": "A b end."},\n{"title": "T c x"}, "abstract": "A d end."}\n]\n')
    def run(data):
        directory = tmp_path_factory.mktemp(fmt)
        path = _write(directory, fmt, data)
        try:
            result = read_papers([str(path)], format=fmt, skip_invalid=True)
        except InputError as error:
            assert str(path) in str(error)
            result = error
        note(fmt, "no traceback")
        check_accounted(fmt, result, None, str(path))
        if not isinstance(result, InputError):
            check_clean_papers(fmt, result.papers)
            # what was read goes on through extraction and into valid outputs
            from kg.execute import extract_records

            check_records(fmt, extract_records(result.papers, nlp=blank_nlp()))
        shutil.rmtree(directory, ignore_errors=True)

    run()


# --- the pipeline: papers -> records -> graph -> snapshot files ---------------------------


@scaled("pipeline")
@given(recs=st.lists(fuzzing.records(), min_size=1, max_size=8), fmt=st.sampled_from(FORMATS))
@example(recs=[{"id": "gamma-paper-4ae2b0f5", "title": "Alpha paper", "abstract": "We use BERT."},
               {"id": "k", "title": "Beta paper", "abstract": "We use ResNet."},
               {"id": "k", "title": "Gamma paper", "abstract": "We use GPT-2."}], fmt="jsonl")
@example(recs=[{"title": "T \ufffe x", "abstract": "A \uffff BERT on ImageNet \udfff end.", "id": "x\x01y"}],
         fmt="jsonl")
@example(recs=[{"title": "T x", "abstract": "A BERT reaches 1" + "0" * 400 + "% accuracy end."}], fmt="jsonl")
def test_pipeline_outputs_are_strict_json_and_well_formed_xml(recs, fmt, tmp_path_factory):
    from kg.execute import extract_records
    from kg.graph import build_graph, write_snapshot
    from kg.workflow import snapshot_files

    if fmt == "text":
        recs = _text_records(recs)
        if not recs:
            return
    directory = tmp_path_factory.mktemp("pipe")
    text, starts = fuzzing.serialise(fmt, recs, draw_bool=lambda: True)
    path = _write(directory, fmt, text)
    result = _read(path)
    check_accounted("pipeline", result, starts, str(path))
    if isinstance(result, InputError):
        return
    records = extract_records(result.papers, nlp=blank_nlp())
    check_records("pipeline", records)
    graph = build_graph(records)
    write_snapshot(graph, directory / "snap", files=snapshot_files(html=False), ingest=result.report.to_dict())
    check_snapshot("pipeline", directory / "snap", n_papers=len(result.papers))
    shutil.rmtree(directory, ignore_errors=True)


# --- the command line, end to end ---------------------------------------------------------


@pytest.fixture
def cached_pipeline(monkeypatch):
    """The CLI as is, with the blank pipeline loaded once for the whole run (loading takes 0.5 s)."""
    import kg.extract

    original = kg.extract.load_pipeline
    monkeypatch.setattr(kg.extract, "load_pipeline",
                        lambda name=kg.extract.DEFAULT_PIPELINE: blank_nlp() if name == "blank" else original(name))


@pytest.mark.parametrize("command", ["extract", "build"])
def test_cli_never_shows_a_traceback_and_writes_valid_outputs(command, cached_pipeline, tmp_path_factory):
    @scaled("cli")
    @given(recs=st.lists(fuzzing.records(), min_size=1, max_size=5), fmt=st.sampled_from(FORMATS),
           skip=st.booleans())
    def run(recs, fmt, skip):
        if fmt == "text":
            recs = _text_records(recs)
            if not recs:
                return
        directory = tmp_path_factory.mktemp("cli")
        text, _ = fuzzing.serialise(fmt, recs, draw_bool=lambda: True)
        path = _write(directory, fmt, text)
        out = directory / ("out.jsonl" if command == "extract" else "snap")
        args = [command, str(path), "-o", str(out)] + (["--skip-invalid"] if skip else [])
        if command == "build":
            args += ["-q", "--json", "--no-html"]
        result = CliRunner().invoke(cli, args)
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
        assert result.exit_code in (0, 2), result.output
        assert "Traceback" not in result.output
        note(f"kg {command}", "no traceback")
        if result.exit_code == 2:
            assert not out.exists()  # nothing half-written
            assert f"{path}:" in result.output or str(path) in result.output
            note(f"kg {command}", "error names FILE:LINE")
        elif command == "extract":
            lines = out.read_text(encoding="utf-8").splitlines()
            check_records("kg extract", [fuzzing.strict_json_load(line) for line in lines])
        else:
            summary = json.loads(result.stdout.strip().splitlines()[-1])
            check_snapshot("kg build", out, n_papers=summary["papers"])
        shutil.rmtree(directory, ignore_errors=True)

    run()


# --- the explorer page in a browser: injected markup never runs ---------------------------

CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
PAYLOADS = ["<script>window.kgInjected='script'</script>", "<img src=x onerror=\"window.kgInjected='img'\">",
            "<svg onload=\"window.kgInjected='svg'\">", "</script><script>window.kgInjected='close'</script>",
            "\"><b onmouseover=\"window.kgInjected='attr'\">", "javascript:window.kgInjected='url'",
            "<!--", "]]>", "\u2028\u2029", "{{ 7*7 }}", "${window.kgInjected='tpl'}"]


@pytest.mark.browser
def test_explorer_never_runs_injected_markup(tmp_path_factory):
    if not os.access(CHROMIUM, os.X_OK):
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"chromium not found at {CHROMIUM}", pytrace=False)
        pytest.skip(f"chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    from kg.export.html import write_html
    from kg.execute import extract_records
    from kg.graph import build_graph

    payload_text = st.lists(st.one_of(st.sampled_from(PAYLOADS), fuzzing.prose(1, 3)), min_size=1, max_size=4)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        try:
            @scaled("browser")
            @given(titles=st.lists(payload_text.map(" ".join), min_size=1, max_size=4, unique=True),
                   abstract=payload_text.map(" ".join))
            def run(titles, abstract):
                directory = tmp_path_factory.mktemp("html")
                lines = [json.dumps({"title": "T " + t + " x", "abstract": "We use BERT on ImageNet. " + abstract,
                                     "authors": [abstract[:40]], "url": PAYLOADS[5]}) for t in titles]
                path = _write(directory, "jsonl", "\n".join(lines) + "\n")
                result = _read(path)
                if isinstance(result, InputError):
                    return
                graph = build_graph(extract_records(result.papers, nlp=blank_nlp()))
                page_path = directory / "graph.html"
                write_html(graph, page_path)
                page = browser.new_page()
                try:
                    page.goto(page_path.resolve().as_uri())
                    page.wait_for_selector("body[data-kg-ready=true]", state="attached", timeout=30_000)
                    for paper in result.papers:
                        page.evaluate("id => window.kgExplorer.select(id)", f"paper:{paper.id}")
                        assert page.locator("#kg-panel-name").inner_text() == paper.title
                    page.hover("#kg-panel")
                    assert page.evaluate("window.kgInjected") is None
                    assert page.locator("#kg-panel script, #kg-panel img, #kg-panel svg[onload], #kg-panel b").count() == 0
                finally:
                    page.close()
                note("html", "injected markup never runs (browser)")
                shutil.rmtree(directory, ignore_errors=True)

            run()
        finally:
            browser.close()
