"""Scale: executors and record shards, the Dask executor on a real 2-worker LocalCluster, the bulk snapshot form."""

from __future__ import annotations

import gzip
import json
import os
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.errors import ExecutorError
from kg.extract import extract_chunk, load_pipeline
from kg.execute import extract_records
from kg.execute.shards import run_extraction, shard_path
from kg.ingest import read_papers
from kg.workflow import sample_corpus_paths

SCHEMAS = Path(__file__).parents[1] / "schemas"


def _run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def sample_papers():
    return read_papers(sample_corpus_paths()).papers


@pytest.fixture(scope="module")
def sample_records(sample_papers):
    return extract_records(sample_papers, n_process=1)


@pytest.fixture(scope="module")
def local_snapshot(tmp_path_factory):
    out = tmp_path_factory.mktemp("local") / "snap"
    result = _run("build", *sample_corpus_paths(), "-o", out, "-q", "--no-html", "-j", "1")
    assert result.exit_code == 0, result.output
    return out


# --- the map step and shards ------------------------------------------------------------------


def test_extract_chunk_is_the_map_step_and_resolution_the_reduce(sample_papers, sample_records):
    nlp = load_pipeline("blank")
    from kg.resolve import merge_summaries, summarise

    halves = [sample_papers[:150], sample_papers[150:]]
    chunks = [extract_chunk(nlp, half) for half in halves]
    resolution = merge_summaries(summarise(chunk) for chunk in chunks).resolution()
    streamed = [resolution.apply(record) for chunk in chunks for record in chunk]
    assert streamed == sample_records


@pytest.mark.parametrize("jobs", [1, 2])
def test_local_executor_shards_give_the_same_records_in_input_order(sample_papers, sample_records, tmp_path, jobs):
    done = []
    with run_extraction(sample_papers, jobs=jobs, chunk_size=40, work_dir=tmp_path, progress=done.append) as run:
        assert len(run.shards) == 9 and sum(done) == len(sample_papers)
        assert all(Path(shard.path).parent == run.run_dir for shard in run.shards)
        assert list(run.resolved_records()) == sample_records
        summaries = sorted(run.run_dir.glob("shard-*.summary.json"))
        assert len(summaries) == 9
    assert not run.run_dir.exists(), "the run's shards are deleted when it closes"
    assert list(tmp_path.iterdir()) == []


def test_shards_left_by_a_killed_run_are_never_read(sample_papers, sample_records, tmp_path):
    # A killed run leaves its directory behind, with a complete shard and a half-written one.
    dead = tmp_path / "run-deadbeef-x"
    dead.mkdir()
    bogus = dict(sample_records[0], id="from-the-dead-run")
    shard_path(dead, 0).write_text(json.dumps(bogus) + "\n")
    (dead / ".shard-000001.jsonl.0123.part").write_text('{"id": "half')
    with run_extraction(sample_papers[:50], jobs=1, chunk_size=20, work_dir=tmp_path) as run:
        assert run.run_dir != dead
        ids = [record["id"] for record in run.resolved_records()]
    assert ids == [paper.id for paper in sample_papers[:50]]
    assert dead.exists(), "another run's directory is not ours to delete"


def test_a_shard_that_lost_records_is_an_error(sample_papers, tmp_path):
    with run_extraction(sample_papers[:30], jobs=1, chunk_size=10, work_dir=tmp_path) as run:
        path = Path(run.shards[1].path)
        path.write_text("".join(path.read_text().splitlines(keepends=True)[:-1]))
        with pytest.raises(ExecutorError, match="holds 9 records"):
            list(run.records())


def test_build_with_local_workers_is_byte_identical_to_one_process(local_snapshot, tmp_path):
    out = tmp_path / "snap"
    result = _run("build", *sample_corpus_paths(), "-o", out, "-q", "--no-html", "-j", "2")
    assert result.exit_code == 0, result.output
    for name in ("graph.json", "graph.graphml"):
        assert (out / name).read_bytes() == (local_snapshot / name).read_bytes(), name


# --- the Dask executor ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def dask_cluster():
    distributed = pytest.importorskip("distributed")
    import logging

    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                       silence_logs=logging.ERROR)
    try:
        yield cluster
    finally:
        cluster.close()


def test_dask_build_is_byte_identical_to_the_local_executor(dask_cluster, local_snapshot, tmp_path):
    out = tmp_path / "snap"
    result = _run("build", *sample_corpus_paths(), "-o", out, "-q", "--no-html", "--executor", "dask",
                  "--scheduler", dask_cluster.scheduler_address, "--work-dir", tmp_path / "work")
    assert result.exit_code == 0, result.output
    for name in ("graph.json", "graph.graphml"):
        assert (out / name).read_bytes() == (local_snapshot / name).read_bytes(), name
    assert list((tmp_path / "work").iterdir()) == [], "the run's shards are deleted"


def test_dask_update_and_cache_send_only_the_missing_papers_to_the_workers(dask_cluster, local_snapshot, tmp_path,
                                                                           monkeypatch):
    """--update/--cache with --executor dask: the cache is looked up first; the rest goes to the cluster; the
    snapshot equals a full build."""
    import kg.execute.shards as run_module

    corpus = sample_corpus_paths()
    old = tmp_path / "old" / "snap"
    assert _run("build", *corpus[:2], "-o", old, "-q", "--no-html", "-j", "1").exit_code == 0
    sent: list[int] = []
    real = run_module.run_extraction

    def counting(papers, options=None, **keywords):
        sent.append(len(papers))
        assert options.executor == "dask"
        return real(papers, options, **keywords)

    monkeypatch.setattr(run_module, "run_extraction", counting)
    out, cache = tmp_path / "new" / "snap", tmp_path / "cache"
    result = CliRunner().invoke(cli, ["build", *corpus, "-o", str(out), "--no-html", "--json", "-q",
                                      "--executor", "dask", "--scheduler", dask_cluster.scheduler_address,
                                      "--work-dir", str(tmp_path / "work"), "--update", str(old),
                                      "--cache", str(cache)])
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    reused, extracted = manifest["extraction"]["reused"], manifest["extraction"]["extracted"]
    papers = json.loads((local_snapshot / "manifest.json").read_text())["ingest"]["papers"]
    assert reused == json.loads((old / "manifest.json").read_text())["ingest"]["papers"] and reused > 0
    assert sent == [extracted] and reused + extracted == papers
    for name in ("graph.json", "graph.graphml"):
        assert (out / name).read_bytes() == (local_snapshot / name).read_bytes(), name
    assert list((tmp_path / "work").iterdir()) == [], "the run's shards are deleted"
    # The --cache directory took the papers extracted on the cluster (those reused from --update stay in the
    # old snapshot): a dask extract of the corpus with that cache sends the workers only the others.
    sent.clear()
    records = tmp_path / "records.jsonl"
    result = _run("extract", *corpus, "-o", records, "-q", "--executor", "dask", "--scheduler",
                  dask_cluster.scheduler_address, "--cache", cache)
    assert result.exit_code == 0, result.output
    assert sent == [reused] and len(records.read_text().splitlines()) == papers


def test_dask_extract_writes_the_same_records_as_local(dask_cluster, tmp_path):
    inputs = sample_corpus_paths()[:2]
    local, dask = tmp_path / "local.jsonl", tmp_path / "dask.jsonl"
    assert _run("extract", *inputs, "-o", local, "-q", "-j", "1").exit_code == 0
    result = _run("extract", *inputs, "-o", dask, "-q", "--executor", "dask", "--scheduler",
                  dask_cluster.scheduler_address)
    assert result.exit_code == 0, result.output
    assert dask.read_bytes() == local.read_bytes()


def test_dask_workers_load_the_pipeline_once_through_the_plugin(dask_cluster, sample_papers, tmp_path):
    from distributed import Client

    with run_extraction(sample_papers[:120], executor="dask", scheduler=dask_cluster.scheduler_address,
                        chunk_size=20, work_dir=tmp_path) as run:
        assert len(run.shards) == 6
    with Client(dask_cluster.scheduler_address) as client:
        loaded = client.run(lambda dask_worker: [name for name, plugin in dask_worker.plugins.items()
                                                 if getattr(plugin, "nlp", None) is not None])
    assert all(names == ["kg-pipeline:blank"] for names in loaded.values()), loaded


def test_a_killed_worker_is_retried_and_the_output_does_not_change(dask_cluster, sample_papers, sample_records,
                                                                   tmp_path):
    import os
    import threading

    from distributed import Client

    killed = []

    def kill_a_busy_worker():
        with Client(dask_cluster.scheduler_address) as client:
            for _ in range(600):
                busy = [address for address, keys in client.processing().items() if keys]
                if busy:
                    killed.append(busy[0])
                    try:
                        client.run(lambda: os._exit(1), workers=busy[:1])  # the process dies mid-task
                    except OSError:
                        pass  # the worker could not answer: it is gone

                    return
                threading.Event().wait(0.05)

    killer = threading.Thread(target=kill_a_busy_worker)
    killer.start()
    with run_extraction(sample_papers, executor="dask", scheduler=dask_cluster.scheduler_address,
                        chunk_size=30, work_dir=tmp_path) as run:
        records = list(run.resolved_records())
    killer.join()
    assert killed, "no worker was busy long enough to be killed"
    assert records == sample_records
    dask_cluster.wait_for_workers(2, timeout=60)


def test_an_unreachable_scheduler_is_one_line_and_exit_21(tmp_path):
    result = CliRunner().invoke(cli, ["build", *sample_corpus_paths()[:1], "-o", str(tmp_path / "s"), "-q",
                                      "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 21, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "can not reach the Dask scheduler at tcp://127.0.0.1:9" in lines[0]
    assert "Traceback" not in result.output
    assert not (tmp_path / "s").exists()


# --- the bulk form ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bulk_snapshot(tmp_path_factory):
    out = tmp_path_factory.mktemp("bulk") / "snap"
    result = _run("build", *sample_corpus_paths(), "-o", out, "-q", "--bulk-threshold", "0", "--top", "60", "-j", "1")
    assert result.exit_code == 0, result.output
    return out


def _lines(path):
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def test_bulk_files_hold_exactly_the_full_graph(bulk_snapshot, local_snapshot):
    full = json.loads((local_snapshot / "graph.json").read_text())
    nodes = sorted(_lines(bulk_snapshot / "nodes.jsonl.gz"), key=lambda n: n["id"])
    edges = sorted(_lines(bulk_snapshot / "edges.jsonl.gz"), key=lambda e: (e["source"], e["target"], e["key"]))
    assert nodes == full["nodes"]
    assert edges == full["edges"]
    manifest = json.loads((bulk_snapshot / "manifest.json").read_text())
    assert manifest["counts"] == json.loads((local_snapshot / "manifest.json").read_text())["counts"]


def test_bulk_view_is_the_top_entities_and_the_manifest_says_so(bulk_snapshot):
    import jsonschema

    manifest = json.loads((bulk_snapshot / "manifest.json").read_text())
    assert manifest["form"] == "bulk"
    assert manifest["view"]["entities"] == 60 and manifest["view"]["of_entities"] > 1000
    assert "top 60 entities" in manifest["view"]["note"]
    view = json.loads((bulk_snapshot / "graph.json").read_text())
    jsonschema.validate(view, json.loads((SCHEMAS / "graph.schema.json").read_text()))
    from kg.schema import ENTITY_TYPES

    assert len(view["nodes"]) == 60 and {n["label"] for n in view["nodes"]} <= set(ENTITY_TYPES)
    counts = sorted((n["paper_count"] for n in view["nodes"]), reverse=True)
    everything = sorted((n["paper_count"] for n in _lines(bulk_snapshot / "nodes.jsonl.gz")
                         if n["label"] in ENTITY_TYPES), reverse=True)
    assert counts == everything[:60]
    assert all(edge["paper_count"] >= 1 for edge in view["edges"])
    for name in ("graph.graphml", "graph.html", "nodes.jsonl.gz", "edges.jsonl.gz", "neo4j-import"):
        assert (bulk_snapshot / name).exists(), name
        assert name in manifest["files"]


def test_bulk_neo4j_csv_has_the_rows_of_the_full_export(bulk_snapshot, local_snapshot, tmp_path):
    assert _run("export", "neo4j-csv", local_snapshot, "-o", tmp_path / "csv").exit_code == 0
    bulk_dir = bulk_snapshot / "neo4j-import"
    expected = json.loads((tmp_path / "csv" / "files.json").read_text())["files"]
    assert json.loads((bulk_dir / "files.json").read_text())["files"] == expected
    for name in expected:
        ours = (bulk_dir / name).read_text().split("\n")
        theirs = (tmp_path / "csv" / name).read_text().split("\n")
        assert ours[0] == theirs[0], name  # same header: columns and types
        assert sorted(ours[1:]) == sorted(theirs[1:]), name


def test_stats_and_diff_read_the_bulk_form(bulk_snapshot, local_snapshot):
    bulk = json.loads(_run("stats", bulk_snapshot, "--json", "--top", "5").stdout)
    full = json.loads(_run("stats", local_snapshot, "--json", "--top", "5").stdout)
    for key in ("nodes", "relationships", "top"):
        assert bulk[key] == full[key], key
    changes = json.loads(_run("diff", local_snapshot, bulk_snapshot, "--json").stdout)
    assert changes["papers"]["old"] == changes["papers"]["new"] == 357
    assert not changes["papers"]["added"] and not changes["papers"]["removed"]
    assert all(not items for items in changes["entities"].values())
    assert not changes["results"]["new"]
    assert all(c == {"added": 0, "removed": 0} for c in changes["relationships"].values())


def test_diff_between_bulk_snapshots_sees_what_changed(bulk_snapshot, tmp_path):
    smaller = tmp_path / "smaller"
    result = _run("build", *sample_corpus_paths()[1:], "-o", smaller, "-q", "--bulk-threshold", "0", "-j", "1")
    assert result.exit_code == 0
    changes = json.loads(_run("diff", smaller, bulk_snapshot, "--json").stdout)
    assert changes["papers"]["added"] and not changes["papers"]["removed"]
    assert changes["entities"]["new"] and changes["entities"]["movers"]
    assert changes["relationships"]["USES"]["added"] > 0
    text = _run("diff", smaller, bulk_snapshot).output
    assert "new" in text.lower()


def test_dry_run_of_a_bulk_snapshot_plans_every_element(bulk_snapshot):
    output = _run("push", bulk_snapshot, "--dry-run").output
    manifest = json.loads((bulk_snapshot / "manifest.json").read_text())
    nodes = sum(manifest["counts"]["nodes"].values())
    rels = sum(manifest["counts"]["relationships"].values())
    assert f"-- total: {nodes} nodes, {rels} relationships" in output


def test_streamed_csv_column_types_match_column_type():
    from kg.export.neo4j_csv import _ColumnKinds, column_type

    rng = random.Random(3)
    pool = [None, 1, -5, 2**40, 2.5, True, False, "x", "", [], ["a"], [1, 2], [1.5], [True], [2**40], [1, "a"]]
    for _ in range(2000):
        values = [rng.choice(pool) for _ in range(rng.randint(0, 5))]
        kinds = _ColumnKinds()
        for value in values:
            kinds.add(value)
        assert kinds.column_type() == column_type(values), values


@pytest.mark.neo4j
def test_push_of_a_bulk_snapshot_holds_the_whole_graph(neo4j_db, bulk_snapshot):
    from kg.neo4j.push import push_snapshot

    first = push_snapshot(bulk_snapshot, neo4j_db, batch_size=500)
    manifest = json.loads((bulk_snapshot / "manifest.json").read_text())
    assert first.database_counts == manifest["counts"]
    assert first.elements_per_second > 0
    second = push_snapshot(bulk_snapshot, neo4j_db, batch_size=500)
    assert second.counters["nodes_created"] == 0 and second.counters["relationships_created"] == 0


def test_parallel_waves_share_no_node_and_write_every_row_once():
    from kg.neo4j.push import Batch, parallel_waves

    rng = random.Random(5)
    hubs = [f"metric:{i}" for i in range(3)]
    rows = []
    for index in range(5000):
        start = f"paper:{rng.randrange(800)}"
        end = rng.choice(hubs) if rng.random() < 0.3 else f"method:{rng.randrange(2000)}"
        rows.append({"start": start, "end": end, "key": f"k{index}", "props": {}})
    node_batches = [Batch("nodes", "Paper", "N", [{"id": f"paper:{i}", "props": {}} for i in range(j, j + 100)])
                    for j in range(0, 800, 100)]
    rel_batches = [Batch("relationships", "USES (Paper)->(Method)", "R", rows[i:i + 250]) for i in range(0, 5000, 250)]
    waves = list(parallel_waves(node_batches + rel_batches, 4))
    node_waves = [w for w in waves if w[0].counts[0][0] == "nodes"]
    assert [len(w) for w in node_waves] == [4, 4]
    written = []
    for wave in waves[len(node_waves):]:
        assert len(wave) <= 4
        held = [set() for _ in wave]
        for unit, nodes in zip(wave, held):
            assert 0 < unit.size <= 250
            for row in unit.statements["R"]:
                nodes.update((row["start"], row["end"]))
                written.append(row["key"])
        for i in range(len(held)):
            for j in range(i + 1, len(held)):
                assert not held[i] & held[j], "a node in two concurrent transactions"
    assert sorted(written) == sorted(row["key"] for row in rows)


@pytest.mark.neo4j
def test_parallel_push_holds_the_same_graph(neo4j_db, bulk_snapshot):
    from kg.neo4j.push import push_snapshot

    summary = push_snapshot(bulk_snapshot, neo4j_db, batch_size=200, workers=3)
    manifest = json.loads((bulk_snapshot / "manifest.json").read_text())
    assert summary.database_counts == manifest["counts"]
    assert sum(summary.relationships.values()) == sum(manifest["counts"]["relationships"].values())
    again = push_snapshot(bulk_snapshot, neo4j_db, batch_size=200, workers=3)
    assert again.counters["nodes_created"] == 0 and again.counters["relationships_created"] == 0


# --- streamed ingest ------------------------------------------------------------------------------


def test_jsonl_and_csv_are_streamed_line_by_line_with_exact_line_numbers(tmp_path):
    import kg.ingest as ingest
    from kg.errors import InputError

    lines = [json.dumps({"title": f"Paper {i}", "abstract": f"We study\u2028thing {i}."}) for i in range(3000)]
    lines.append(json.dumps({"title": "paper 7", "abstract": "A duplicate of paper 7, longer than it was before."}))
    path = tmp_path / "big.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(lines).encode() + b"\n")
    result = ingest.read_papers([str(path)])
    assert result.report.records_read == 3001 and result.report.papers == 3000
    assert result.report.duplicates_merged == 1
    assert "\u2028" in result.papers[0].abstract or "thing 0" in result.papers[0].abstract
    csv_path = tmp_path / "p.csv"
    csv_path.write_text('title,abstract\n"A, b","multi\nline abstract"\nC,d\n')
    papers = ingest.read_papers([str(csv_path)]).papers
    assert [p.title for p in papers] == ["A, b", "C"] and papers[1].sources[0].line == 4
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(("\n".join(lines[:2000]) + "\n").encode() + b'{"title": "x\xff", "abstract": "y"}\n')
    with pytest.raises(InputError) as error:
        ingest.read_papers([str(bad)])
    assert error.value.line == 2001 and "UTF-8" in str(error.value)


# Megabytes of the generated file in the bounded-memory test: `make test` reads 32, `make fuzz` 200.
STREAM_MB = int(os.environ.get("KG_STREAM_MB", "32"))

_STREAM_CHECK = """
import json, re, sys
from kg.ingest import read_records

def status(name):
    with open("/proc/self/status") as handle:
        return int(re.search(name + r":\\s+(\\d+) kB", handle.read()).group(1))

with open("/proc/self/clear_refs", "w") as handle:
    handle.write("5")  # reset the peak (VmHWM) to the current RSS: the peak below is the reading's own
before = status("VmRSS")
papers = errors = 0
last = None
for item in read_records(sys.argv[1], sys.argv[2], year=2024):
    if isinstance(item, Paper):
        papers += 1
        last = [item.title, item.sources[0].line]
    else:
        errors += 1
        last = [item.reason, item.line]
grown = status("VmHWM") - before
print(json.dumps({"papers": papers, "errors": errors, "last": last, "grown_kb": grown}))
"""


@pytest.mark.parametrize("fmt", ["text", "bibtex", "json", "json-one-line"])
def test_every_format_is_read_in_bounded_memory(fmt, tmp_path):
    """A file of STREAM_MB megabytes is read record by record: the reader's peak memory grows by a few
    megabytes (one paper's worth), not by the file's size, and every record is counted with its line.
    JSON: an array, one item a line or all on one line (as json.dump writes it)."""
    import subprocess
    import sys

    sentence = "We evaluate ResNet-50 on ImageNet with 8 V100 GPUs and report 76.1% top-1 accuracy, beating VGG-16. "
    abstract = (sentence * 200)[:20_000].strip()
    path = tmp_path / {"text": "big.txt", "bibtex": "big.bib"}.get(fmt, "big.json")
    papers, line = 0, 1
    with open(path, "w", encoding="utf-8") as handle:
        if fmt.startswith("json"):
            handle.write("[" if fmt == "json-one-line" else "[\n")
            line += fmt == "json"
        while handle.tell() < STREAM_MB * 1_000_000:
            if fmt == "text":
                handle.write(f"Paper number {papers}: a study\n{abstract}\n\n")
                line += 3
            elif fmt == "bibtex":
                handle.write(f"@article{{k{papers},\n  title = {{Paper number {papers}: a study}},\n"
                             f"  year = {{2024}},\n  abstract = {{{abstract}}}\n}}\n\n")
                line += 6
            else:
                handle.write(json.dumps({"title": f"Paper number {papers}: a study", "abstract": abstract})
                             + (", " if fmt == "json-one-line" else ",\n"))
                line += fmt == "json"
            papers += 1
        # One bad record at the very end: its line must still be exact.
        handle.write({"text": "A title without its abstract\n", "bibtex": "@article{broken,\n  title = {x\n"}.get(
            fmt, '{"title": "x"}]\n'))
    size = path.stat().st_size
    check = "from kg.ingest.paper import Paper\n" + _STREAM_CHECK
    reader = "json" if fmt.startswith("json") else fmt
    done = subprocess.run([sys.executable, "-c", check, str(path), reader], capture_output=True, text=True,
                          timeout=1800)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["papers"] == papers and found["errors"] == 1
    assert found["last"][1] == line, found["last"]
    grown = found["grown_kb"] * 1024
    print(f"{fmt}: {size:,} bytes, {papers:,} papers read; peak RSS grew by {grown:,} bytes")
    # A whole-file read grows it by at least the file's size (its bytes, then its text); streamed, the growth is
    # one paper and the parser's own state: 1 MB (text) and 4-5 MB (BibTeX) at 32 MB and at 200 MB alike.
    assert grown < min(16 * 1024 * 1024, size / 4), f"reading {size:,} bytes grew the peak RSS by {grown:,}"


def test_an_abstract_that_runs_on_past_the_limit_is_rejected_without_being_kept():
    from kg.errors import InputError
    from kg.ingest.text import parse_text

    long_line = "An abstract line that goes on. " * 40_000  # 1.24 million characters
    produced = []

    def lines():
        yield "First paper\n"
        for _ in range(8):
            produced.append(1)
            yield long_line + "\n"
        yield "Second paper\n"
        yield "A short abstract that ends.\n"

    items = list(parse_text(lines(), "page.txt", year=2024))
    assert isinstance(items[0], InputError) and items[0].line == 1 and "kg reads abstracts of up to" in items[0].reason
    assert items[1].title == "Second paper" and items[1].sources[0].line == 10
    assert len(produced) == 8


# --- a single huge input line: a rejection naming FILE:LINE, never read whole -------------------------------------

_ABSTRACT = "We evaluate ResNet-50 on ImageNet with 8 V100 GPUs and report 76.1% top-1 accuracy. " * 4


def _write_with_huge_line(path: Path, fmt: str, huge_bytes: int) -> int:
    """A good record, a line of *huge_bytes* bytes, a good record; returns the huge line's number."""
    with open(path, "w", encoding="utf-8") as handle:
        if fmt == "jsonl":
            handle.write(json.dumps({"title": "First paper", "abstract": _ABSTRACT}) + "\n")
            head, tail = '{"title": "Huge", "abstract": "', '"}'
            handle.write(head + "x" * (huge_bytes - len(head) - len(tail)) + tail + "\n")
            handle.write(json.dumps({"title": "Second paper", "abstract": _ABSTRACT}) + "\n")
            return 2
        handle.write(f"First paper\n{_ABSTRACT}\n\n")
        handle.write("y" * huge_bytes + "\n")
        handle.write(f"\nSecond paper\n{_ABSTRACT}\n")
        return 4


@pytest.mark.parametrize("fmt", ["jsonl", "text"])
def test_a_huge_line_is_rejected_with_its_line_in_bounded_memory(fmt, tmp_path):
    """A 64 MB line is skipped unread: the reader's peak memory grows by about the largest record size
    (MAX_RECORD_BYTES, 16 MiB), not by the line's size, and both good records around it are read."""
    import subprocess
    import sys

    path = tmp_path / f"huge.{'jsonl' if fmt == 'jsonl' else 'txt'}"
    _write_with_huge_line(path, fmt, 64 * 1024 * 1024)
    check = "from kg.ingest.paper import Paper\n" + _STREAM_CHECK.replace(
        "        last = [item.reason, item.line]", "        last = [item.reason, item.line]; print(item.reason, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", check, str(path), fmt], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["papers"] == 2 and found["errors"] == 1, (found, done.stderr)
    assert f"a line of {64 * 1024 * 1024:,} bytes is longer than the largest record kg reads" in done.stderr
    assert found["grown_kb"] * 1024 < 40 * 1024 * 1024, found


def _write_with_huge_record(path: Path, fmt: str, huge_bytes: int) -> int:
    """A good record, a record of *huge_bytes* bytes in lines of 80 bytes, a good record; returns the huge one's
    first line."""
    filler = ("x" * 78 + "\n") * (huge_bytes // 79 + 1)
    with open(path, "w", encoding="utf-8") as handle:
        if fmt == "bibtex":
            handle.write(f"@article{{a,\n  title = {{First paper}},\n  abstract = {{{_ABSTRACT}}}\n}}\n\n")
            handle.write(f"@article{{huge,\n  title = {{Huge}},\n  abstract = {{{filler}}}\n}}\n\n")
            handle.write(f"@article{{b,\n  title = {{Second paper}},\n  abstract = {{{_ABSTRACT}}}\n}}\n")
            return 6
        handle.write("[\n" + json.dumps({"title": "First paper", "abstract": _ABSTRACT}) + ",\n")
        pad = ",\n".join(['"' + "x" * 76 + '"'] * (huge_bytes // 79 + 1))
        handle.write('{"title": "Huge", "abstract": "x", "pad": [\n' + pad + "\n]},\n")
        handle.write(json.dumps({"title": "Second paper", "abstract": _ABSTRACT}) + "\n]\n")
        return 3


@pytest.mark.parametrize("fmt", ["bibtex", "json"])
def test_a_record_of_many_short_lines_longer_than_the_limit_is_rejected_in_bounded_memory(fmt, tmp_path):
    """A 64 MB BibTeX entry or JSON array item, in lines of 80 bytes, is bounded as a long line is: dropped as it is
    read (peak memory grows by about the record limit, not by the record), rejected at its first line."""
    import subprocess
    import sys

    path = tmp_path / f"huge.{'bib' if fmt == 'bibtex' else 'json'}"
    line = _write_with_huge_record(path, fmt, 64 * 1024 * 1024)
    check = "from kg.ingest.paper import Paper\n" + _STREAM_CHECK.replace(
        "        last = [item.reason, item.line]", "        last = [item.reason, item.line]; print(item.line, item.reason,"
                                                   " file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", check, str(path), fmt], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["papers"] == 2 and found["errors"] == 1, (found, done.stderr)
    assert done.stderr.startswith(f"{line} ") and "than the largest record kg reads" in done.stderr, done.stderr
    assert found["grown_kb"] * 1024 < 48 * 1024 * 1024, found


def test_an_oversized_bibtex_entry_is_counted_and_stops_the_build_with_file_line(tmp_path):
    from kg.ingest.paper import MAX_RECORD_BYTES

    path = tmp_path / "papers.bib"
    line = _write_with_huge_record(path, "bibtex", MAX_RECORD_BYTES + 1000)
    stopped = _run("build", path, "-o", tmp_path / "stopped", "-q", "--no-html")
    assert stopped.exit_code == 2
    assert f"{path}:{line}: a BibTeX entry of " in stopped.output and "longer than the largest record" in stopped.output
    out = tmp_path / "snap"
    result = _run("build", path, "-o", out, "-q", "--skip-invalid", "--no-html")
    assert result.exit_code == 0, result.output
    ingest = json.loads((out / "manifest.json").read_text())["ingest"]
    assert ingest["records_read"] == 3 and ingest["papers"] == 2 and ingest["rejected"] == 1
    assert ingest["rejections"][0]["line"] == line


def test_a_line_longer_than_the_record_limit_is_a_file_line_rejection(tmp_path):
    from kg.ingest import read_records
    from kg.ingest.paper import Paper

    path = tmp_path / "papers.jsonl"
    good = json.dumps({"title": "A paper", "abstract": "An abstract."})
    lines = [good, "x" * 200, "y" * 201, json.dumps({"title": "B paper", "abstract": "B."})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(read_records(str(path), "jsonl", max_bytes=200))  # 200 bytes and the newline: read
    found = [(i.sources[0].line, "paper") if isinstance(i, Paper) else (i.line, i.reason) for i in items]
    assert found[0] == (1, "paper") and found[-1] == (4, "paper") and len(found) == 4, found
    assert found[1][0] == 2 and "malformed JSON" in found[1][1]  # read and parsed: not too long
    assert found[2] == (3, "a line of 201 bytes is longer than the largest record kg reads (200 bytes); "
                           "it was skipped unread")
    assert all(i.path == str(path) for i in items if not isinstance(i, Paper))
    # one byte less: the 200-byte line is too long as well; the papers keep their lines
    items = list(read_records(str(path), "jsonl", max_bytes=199))
    assert [i.line for i in items if not isinstance(i, Paper)] == [2, 3]
    assert [i.sources[0].line for i in items if isinstance(i, Paper)] == [1, 4]


def test_a_text_file_without_newlines_stops_with_file_line_and_an_exit_code(tmp_path):
    from kg.ingest.paper import MAX_RECORD_BYTES

    path = tmp_path / "page.txt"
    path.write_text("Title " + "z" * MAX_RECORD_BYTES, encoding="utf-8")
    result = _run("extract", path, "-q", "--year", "2024")
    assert result.exit_code == 2
    assert f"{path}:1: a line of {MAX_RECORD_BYTES + 6:,} bytes is longer than the largest record" in result.output


def test_a_huge_jsonl_line_is_counted_as_a_rejection_and_the_rest_is_read(tmp_path):
    from kg.ingest.paper import MAX_RECORD_BYTES

    path = tmp_path / "papers.jsonl"
    _write_with_huge_line(path, "jsonl", MAX_RECORD_BYTES + 1000)
    stopped = _run("extract", path, "-q", "-o", tmp_path / "records.jsonl")
    assert stopped.exit_code == 2 and f"{path}:2: a line of {MAX_RECORD_BYTES + 1000:,} bytes" in stopped.output
    out = tmp_path / "snap"
    result = _run("build", path, "-o", out, "-q", "--skip-invalid", "--no-html")
    assert result.exit_code == 0, result.output
    ingest = json.loads((out / "manifest.json").read_text())["ingest"]
    assert ingest["records_read"] == 3 and ingest["papers"] == 2 and ingest["rejected"] == 1
    assert ingest["rejections"][0]["line"] == 2 and "longer than the largest record" in ingest["rejections"][0]["reason"]


def test_extraction_raises_the_young_gc_threshold_and_gives_it_back():
    """fewer_collections raises the youngest generation's threshold while extraction runs (nested uses count) and
    restores the process's thresholds after the last; a higher threshold the process set is kept."""
    import gc

    from kg.extract.pipeline import EXTRACTION_GC_THRESHOLD, fewer_collections

    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        with fewer_collections():
            assert gc.get_threshold() == (EXTRACTION_GC_THRESHOLD, 10, 10)
            with fewer_collections():
                assert gc.get_threshold()[0] == EXTRACTION_GC_THRESHOLD
            assert gc.get_threshold()[0] == EXTRACTION_GC_THRESHOLD  # the outer use still runs
        assert gc.get_threshold() == (700, 10, 10)
        gc.set_threshold(10 * EXTRACTION_GC_THRESHOLD, 5, 5)
        with fewer_collections():
            assert gc.get_threshold() == (10 * EXTRACTION_GC_THRESHOLD, 5, 5)
        assert gc.get_threshold() == (10 * EXTRACTION_GC_THRESHOLD, 5, 5)
    finally:
        gc.set_threshold(*before)
