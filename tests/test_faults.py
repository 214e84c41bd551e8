"""Faults against the real file system and processes: kills during a build, SIGTERM, a full disk.

`make test` runs a few kills; `make fuzz` runs KG_FAULT_KILLS (20 or more) of them. The Neo4j faults are in
tests/test_neo4j_faults.py.
"""

from __future__ import annotations

import json
import os
import random
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from fuzzing import note
from kg import atomic
from kg.cli import cli
from kg.errors import OutputError
from kg.graph import load_snapshot, write_snapshot
from kg.graph.snapshot import MANIFEST
from kg.workflow import sample_corpus_paths

KILLS = int(os.environ.get("KG_FAULT_KILLS", "4"))


def _kg(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kg", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, **kwargs)


def _complete(snapshot: Path) -> dict:
    """The manifest of a complete snapshot at *snapshot* (every listed file present, the graph readable)."""
    manifest = json.loads((snapshot / MANIFEST).read_text(encoding="utf-8"))
    for name in manifest["files"]:
        assert (snapshot / name).is_file() or (snapshot / name).is_dir(), name  # neo4j-import/ of a bulk one
    load_snapshot(snapshot)
    return manifest


def _leftovers(target: Path) -> list[str]:
    return sorted(p.name for p in target.parent.iterdir() if p.name.startswith(f".{target.name}."))


def test_sigkill_at_random_moments_leaves_the_old_or_the_new_snapshot_complete(tmp_path):
    corpus = sample_corpus_paths()[:2]
    target = tmp_path / "snap"
    first = _kg("build", *corpus, "-o", str(target), "-q")
    assert first.wait(timeout=300) == 0, first.stderr.read()
    old_created = _complete(target)["created"]
    started = time.monotonic()
    full = _kg("build", *corpus, "-o", str(target), "-q")
    assert full.wait(timeout=300) == 0
    duration = time.monotonic() - started
    rng = random.Random(int(os.environ.get("KG_FAULT_SEED", "12")))
    outcomes = {"old": 0, "new": 0}
    for _ in range(KILLS):
        before = _complete(target)["created"]
        process = _kg("build", *corpus, "-o", str(target), "-q")
        time.sleep(rng.uniform(0.3, 1.3) * duration)  # before, during and after the writing
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        manifest = _complete(target)  # whenever the kill landed, a complete snapshot is at the path
        outcomes["old" if manifest["created"] == before else "new"] += 1
    note("kg build", "SIGKILL: previous snapshot complete", outcomes["old"])
    note("kg build", "SIGKILL: new snapshot complete", outcomes["new"])
    assert old_created  # the first build's snapshot existed
    # The next build cleans up what the killed ones left.
    final = _kg("build", *corpus, "-o", str(target), "-q")
    assert final.wait(timeout=300) == 0
    _complete(target)
    assert _leftovers(target) == []


def test_a_bulk_build_killed_while_writing_its_bulk_files_is_cleaned_up_by_the_next_build(tmp_path):
    """The bulk form writes its files in a scratch directory beside the target first (kg.graph.bulk)."""
    corpus = sample_corpus_paths()[:2]
    target = tmp_path / "snap"
    args = ["build", *corpus, "-o", str(target), "-q", "--no-html", "--bulk-threshold", "1", "--top", "20"]
    first = _kg(*args)
    assert first.wait(timeout=300) == 0, first.stderr.read()
    before = _complete(target)
    assert before["form"] == "bulk"
    killed = _kg(*args)
    scratch: list[Path] = []
    deadline = time.monotonic() + 300
    while not scratch and killed.poll() is None and time.monotonic() < deadline:
        scratch = [p for p in tmp_path.iterdir() if p.name.startswith(".snap.kg-scratch-")]
        time.sleep(0.005)
    assert scratch, "the build ended before it made its scratch directory"
    killed.send_signal(signal.SIGKILL)  # while the bulk files are being written
    killed.wait(timeout=60)
    assert scratch[0].is_dir() and _leftovers(target) != []  # what the killed build left
    assert _complete(target)["created"] == before["created"]  # the old snapshot is untouched
    final = _kg(*args)
    assert final.wait(timeout=300) == 0, final.stderr.read()
    assert _complete(target)["form"] == "bulk"
    assert _leftovers(target) == []


def test_a_live_bulk_builds_scratch_directory_is_not_cleaned_up(tmp_path, known_graph):
    target = tmp_path / "snap"
    with atomic.scratch_directory(target) as live:
        (live.path / "nodes.jsonl.gz").write_bytes(b"")
        write_snapshot(known_graph, target)  # another writer: recovers, cleans, must keep the live scratch
        assert (live.path / "nodes.jsonl.gz").is_file()
    assert _leftovers(target) == []


def test_a_kill_between_the_two_renames_is_recovered_by_the_next_build(tmp_path, monkeypatch, known_graph):
    """Where the file system can not exchange two directories, kg renames the old one aside first."""
    target = tmp_path / "snap"
    write_snapshot(known_graph, target)
    # What a kill right after the first rename leaves: no target, the old one aside, the new one staged.
    retired = tmp_path / ".snap.kg-old-0123abcd"
    staged = tmp_path / ".snap.kg-staging-4567cdef"
    target.rename(retired)
    write_snapshot(known_graph, tmp_path / "other")
    (tmp_path / "other").rename(staged)
    atomic.recover(target, is_complete=lambda path: (path / MANIFEST).is_file())
    _complete(target)
    assert _leftovers(target) == []

    # The fallback itself (no renameat2 exchange) also ends with one complete snapshot and nothing else.
    monkeypatch.setattr(atomic, "_exchange", lambda first, second: False)
    write_snapshot(known_graph, target)
    _complete(target)
    assert _leftovers(target) == []


def test_a_live_builds_staging_directory_is_not_cleaned_up(tmp_path, known_graph):
    target = tmp_path / "snap"
    with atomic.StagedDirectory(target) as live:
        write_snapshot(known_graph, target)  # another writer: recovers, cleans, must keep `live`
        assert live.path.is_dir()
    assert _leftovers(target) == []


def test_sigterm_stops_the_build_and_its_workers(tmp_path):
    """SIGTERM to `kg build -j 2` while its workers extract: exit 143 at once, the workers gone, nothing left
    (no snapshot, staging directory or record shards). It waits on real conditions, never on a guessed time:
    the first record shard written (the workers are extracting) before the signal, and the process tree after."""
    from kg.execute.shards import SHARD_FILE

    corpus = sample_corpus_paths()
    target, work = tmp_path / "snap", tmp_path / "work"
    work.mkdir()
    process = _kg("build", *corpus, *corpus, "-o", str(target), "-q", "-j", "2", "--no-html", "--work-dir", str(work),
                  start_new_session=True)
    deadline = time.monotonic() + 600  # a bound for a machine under any load, not a wait: the loop ends on a shard
    while not [p for p in work.glob("run-*/*") if SHARD_FILE.fullmatch(p.name)]:
        assert process.poll() is None, process.stderr.read()
        assert time.monotonic() < deadline, "the build never wrote a record shard"
        time.sleep(0.05)
    workers = _workers(process.pid)
    assert len(workers) >= 2, "the build never started its workers"
    helpers = [pid for pid in _descendants(process.pid) if pid not in workers]
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=120) == 128 + signal.SIGTERM, process.stderr.read()
    deadline = time.monotonic() + 120
    while any(_alive(pid) for pid in workers + helpers):
        assert time.monotonic() < deadline, f"workers outlived the build: {[p for p in workers if _alive(p)]}"
        time.sleep(0.05)
    assert not target.exists() and _leftovers(target) == []
    assert list(work.iterdir()) == []  # the run's record shards went with it
    note("kg build -j 2", "SIGTERM stops the workers")


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        children = _children(todo.pop())
        found += children
        todo += children
    return found


def _workers(pid: int) -> list[int]:
    """The worker processes under *pid*: its descendants but multiprocessing's resource tracker and fork server
    (the workers of a forkserver pool are the fork server's children, and share its command line)."""
    def helper(child: int) -> bool:
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            return False
        return b"multiprocessing.resource_tracker" in command or b"multiprocessing.forkserver" in command

    helpers = {child for child in _children(pid) if helper(child)}
    return [child for child in _descendants(pid) if child not in helpers]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


# --- a full disk ----------------------------------------------------------------------------
#
# RLIMIT_FSIZE in a child process: a write past the limit fails with EFBIG ("File too large"), as a full
# disk fails with ENOSPC; the code path (a failed write, then clean-up) is the same. SIGXFSZ is ignored so
# the write fails instead of killing the process.

def _limited(limit: int):
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


@pytest.mark.parametrize("command", ["build", "html", "cypher", "neo4j-csv", "extract"])
def test_a_full_disk_names_the_path_and_leaves_no_partial_output(command, tmp_path, known_snapshot):
    corpus = sample_corpus_paths()[:1]
    out = tmp_path / "out"
    previous = None
    if command == "build":
        args = ["build", *corpus, "-o", str(out), "-q"]
    elif command == "extract":
        args = ["extract", *corpus, "-o", str(out), "-q"]
    elif command == "neo4j-csv":
        args = ["export", "neo4j-csv", str(known_snapshot), "-o", str(out)]
    else:
        args = ["export", command, str(known_snapshot), "-o", str(out)]
    if command in ("build", "neo4j-csv"):  # an earlier output at the path must survive intact
        assert subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True).returncode == 0
        previous = sorted((p.relative_to(out), p.read_bytes()) for p in out.rglob("*") if p.is_file())
    process = subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True,
                             preexec_fn=_limited(256))
    assert process.returncode == 2, process.stderr
    assert "Traceback" not in process.stderr
    assert str(out) in process.stderr and "File too large" in process.stderr, process.stderr
    if previous is None:
        assert not out.exists()
    else:
        assert sorted((p.relative_to(out), p.read_bytes()) for p in out.rglob("*") if p.is_file()) == previous
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_atomic_file_removes_the_partial_file_on_a_write_error(tmp_path):
    path = tmp_path / "f.txt"
    path.write_text("old")
    with pytest.raises(OutputError, match=str(path)):
        with atomic.atomic_file(path) as handle:
            handle.write("new")
            raise OSError(28, "No space left on device")
    assert path.read_text() == "old" and sorted(tmp_path.iterdir()) == [path]


@pytest.mark.skipif(not Path("/dev/shm").is_dir(), reason="no tmpfs at /dev/shm")
def test_no_space_on_a_real_file_system_if_one_can_be_mounted(tmp_path, known_snapshot):
    """A small tmpfs, when this machine lets the test mount one (root, or a user namespace)."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"can not mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        out = mount / "page.html"
        result = CliRunner().invoke(cli, ["export", "html", str(known_snapshot), "-o", str(out)])
        assert result.exit_code == 2, result.output
        assert str(out) in result.output and "No space left on device" in result.output
        assert list(mount.iterdir()) == []
    finally:
        subprocess.run(["umount", str(mount)], check=False)
