"""The run-* shard directories of killed extractions are removed by the next run; a live run's never is.

A run holds a flock on its directory while it lives (kg.execute.shards.new_run_dir, kg.atomic.owned_directory); the
kernel drops it when the process dies, even by SIGKILL.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from kg.execute.shards import KEEP_MARKER, new_run_dir, run_extraction, shard_path
from kg.ingest import read_papers
from kg.workflow import sample_corpus_paths
from test_faults import _complete, _kg


def _run_dirs(work: Path) -> set[Path]:
    return {p for p in work.iterdir() if p.name.startswith("run-")} if work.is_dir() else set()


def _wait_for_shard(work: Path, process: subprocess.Popen, known: set[Path]) -> Path:
    """The new run directory of *process* under *work*, once a first complete shard is in it."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the run ended before it wrote a shard: {process.stderr.read()}"
        for run_dir in _run_dirs(work) - known:
            if shard_path(run_dir, 0).is_file():
                return run_dir
        time.sleep(0.01)
    raise AssertionError("no shard appeared")


def test_a_killed_builds_run_directory_is_removed_by_the_next_extract_and_a_live_runs_is_not(tmp_path):
    corpus = sample_corpus_paths()
    work = tmp_path / "work"
    common = ["-q", "--work-dir", str(work), "-j", "1"]
    killed = _kg("build", *corpus, "-o", str(tmp_path / "killed"), "--no-html", *common)
    stale = _wait_for_shard(work, killed, set())
    killed.send_signal(signal.SIGKILL)  # mid-extraction: a shard written, more to come
    assert killed.wait(timeout=60) == -signal.SIGKILL
    assert shard_path(stale, 0).is_file()  # what the killed build left

    live = _kg("build", *corpus, "-o", str(tmp_path / "live"), "--no-html", *common)
    live_dir = _wait_for_shard(work, live, {stale})
    live.send_signal(signal.SIGSTOP)  # alive and holding its lock, but not finishing while the next run cleans up
    try:
        done = subprocess.run([sys.executable, "-m", "kg", "extract", corpus[0], "-o", str(tmp_path / "r.jsonl"),
                               *common], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert not stale.exists()  # the killed build's shards are gone
        assert live_dir.is_dir() and shard_path(live_dir, 0).is_file()  # the live one's are untouched
    finally:
        live.send_signal(signal.SIGCONT)
    assert live.wait(timeout=300) == 0, live.stderr.read()
    _complete(tmp_path / "live")
    assert _run_dirs(work) == set()  # and each finished run removed its own


def test_only_unlocked_run_directories_holding_shard_files_only_are_removed(tmp_path):
    papers = read_papers(sample_corpus_paths()[:1]).papers[:5]

    def made(name: str, *files: str) -> Path:
        path = tmp_path / name
        path.mkdir()
        for file_name in files:
            (path / file_name).write_text("{}\n")
        return path

    stale = made("run-0123abcd-k9_x2mq0", "shard-000000.jsonl", "shard-000000.summary.json",
                 ".shard-000001.jsonl.0123456789abcdef0123456789abcdef.part")
    empty = made("run-0123abcd-aaaaaaaa")  # killed right after it was made
    foreign = made("run-0123abcd-bbbbbbbb", "shard-000000.jsonl", "notes.txt")  # not only kg's files
    other = made("run-logs", "shard-000000.jsonl")  # not a kg run directory's name
    kept = made("run-0123abcd-cccccccc", "shard-000000.jsonl", KEEP_MARKER)
    live_dir, lock = new_run_dir(tmp_path)  # a live run in this process: holds its lock
    (live_dir / "shard-000000.jsonl").write_text("{}\n")
    assert not stale.exists() and not empty.exists()
    assert foreign.is_dir() and other.is_dir() and kept.is_dir() and live_dir.is_dir()

    with run_extraction(papers, jobs=1, work_dir=tmp_path, keep_shards=True) as kept_run:
        assert live_dir.is_dir()
    assert (kept_run.run_dir / KEEP_MARKER).is_file() and shard_path(kept_run.run_dir, 0).is_file()
    os.close(lock)  # the live run ends without removing its directory (as a kill does)
    with run_extraction(papers, jobs=1, work_dir=tmp_path) as run:
        pass
    assert not live_dir.exists() and not run.run_dir.exists()
    assert set(tmp_path.iterdir()) == {foreign, other, kept, kept_run.run_dir}
