"""Incremental builds: cached per-paper extraction, equal to a full rebuild byte for byte, dropped papers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.errors import SnapshotError
from kg.extract.cache import SNAPSHOT_CACHE, DirectoryCache, RecordCache
from kg.graph import load_snapshot
from kg.workflow import build_snapshot

SAMPLE = Path(__file__).parents[1] / "kg" / "data" / "sample_corpus"
MAR12, MAR14 = str(SAMPLE / "trending-mar12.txt"), str(SAMPLE / "trending-mar14.txt")
MAR21 = str(SAMPLE / "trending-mar21.txt")


def snapshot_files(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def comparable_manifest(directory: Path) -> dict:
    manifest = json.loads((directory / "manifest.json").read_text())
    manifest.pop("created")
    manifest.pop("extraction")
    return manifest


def assert_same_snapshot(full: Path, updated: Path) -> None:
    full_files, updated_files = snapshot_files(full), snapshot_files(updated)
    assert sorted(full_files) == sorted(updated_files)
    for name in full_files:
        if name != "manifest.json":
            assert full_files[name] == updated_files[name], f"{name} differs"
    assert comparable_manifest(full) == comparable_manifest(updated)


def test_an_incremental_build_equals_a_full_rebuild_byte_for_byte(tmp_path):
    # The same directory name under different parents: the page title holds the name.
    old = build_snapshot([MAR12], tmp_path / "old" / "snap", year=2024, n_process=1)
    full = build_snapshot([MAR12, MAR14], tmp_path / "full" / "snap", year=2024, n_process=1)
    updated = build_snapshot([MAR12, MAR14], tmp_path / "updated" / "snap", year=2024, n_process=1,
                             update=tmp_path / "old" / "snap")
    assert_same_snapshot(tmp_path / "full" / "snap", tmp_path / "updated" / "snap")
    assert updated.extraction == {"reused": old.report.papers,
                                  "extracted": full.report.papers - old.report.papers}
    assert full.extraction == {"reused": 0, "extracted": full.report.papers}
    manifest = updated.snapshot.manifest
    assert manifest["extraction"]["updated_from"] == str(tmp_path / "old" / "snap")
    assert SNAPSHOT_CACHE in manifest["files"]


def test_dropping_one_page_and_adding_another_equals_a_full_rebuild(tmp_path):
    build_snapshot([MAR12, MAR14], tmp_path / "old" / "snap", year=2024, n_process=1, html=False)
    full = build_snapshot([MAR14, MAR21], tmp_path / "full" / "snap", year=2024, n_process=1, html=False)
    updated = build_snapshot([MAR14, MAR21], tmp_path / "updated" / "snap", year=2024, n_process=1, html=False,
                             update=tmp_path / "old" / "snap")
    assert_same_snapshot(tmp_path / "full" / "snap", tmp_path / "updated" / "snap")
    assert 0 < updated.extraction["reused"] < full.report.papers
    assert updated.extraction["reused"] + updated.extraction["extracted"] == full.report.papers


def _jsonl(path: Path, rows: list[dict]) -> str:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return str(path)


ROWS = [
    {"id": "a", "title": "FastNet: Fast Networks", "date": "2024-03-01",
     "abstract": "We propose FastNet. FastNet outperforms ResNet-50 on ImageNet on an A100 GPU."},
    {"id": "b", "title": "SlowNet: Slow Networks", "date": "2024-03-02",
     "abstract": "We propose SlowNet and evaluate it on ImageNet with 71% top-1 accuracy on a TPU v4."},
    {"id": "c", "title": "Another Look at ResNet-50", "date": "2024-04-01",
     "abstract": "We train ResNet-50 on ImageNet with SGD."},
]


def test_a_dropped_paper_removes_what_only_it_supported(tmp_path):
    build_snapshot([_jsonl(tmp_path / "all.jsonl", ROWS)], tmp_path / "old" / "snap", html=False)
    before = load_snapshot(tmp_path / "old" / "snap").graph
    kept = _jsonl(tmp_path / "kept.jsonl", [ROWS[0], ROWS[2]])
    updated = build_snapshot([kept], tmp_path / "new" / "snap", html=False, update=tmp_path / "old" / "snap")
    build_snapshot([kept], tmp_path / "full" / "snap", html=False)
    assert_same_snapshot(tmp_path / "full" / "snap", tmp_path / "new" / "snap")
    assert updated.extraction == {"reused": 2, "extracted": 0}
    after = updated.snapshot.graph
    only_b = [n for n in before if n not in after]
    assert "paper:b" in only_b and "method:slownet" in only_b and "hardware:tpuv4" in only_b
    assert any(n.startswith("result:b:") for n in only_b)
    assert not any(attrs.get("paper") == "b" for *_, attrs in after.edges(data=True))
    assert before.nodes["dataset:imagenet"]["paper_count"] == 3
    assert after.nodes["dataset:imagenet"]["paper_count"] == 2  # support went down, the entity stays
    assert after.nodes["dataset:imagenet"]["first_seen"] == "2024-03-01"
    assert after.nodes["dataset:imagenet"]["papers_per_month"] == {"2024-03": 1, "2024-04": 1}
    # the new snapshot's cache holds only its own papers
    assert len(RecordCache.read(tmp_path / "new" / "snap" / SNAPSHOT_CACHE)) == 2


def test_a_changed_abstract_or_pattern_version_is_extracted_again(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    first = build_snapshot([_jsonl(tmp_path / "a.jsonl", ROWS)], tmp_path / "s1", html=False, cache_dir=cache)
    assert first.extraction == {"reused": 0, "extracted": 3}
    assert len(list(DirectoryCache(cache))) == 3
    changed = [dict(ROWS[0], abstract=ROWS[0]["abstract"] + " It runs on an H100."), ROWS[1],
               dict(ROWS[2], date="2025-01-01")]  # a new date alone does not change the extraction
    second = build_snapshot([_jsonl(tmp_path / "b.jsonl", changed)], tmp_path / "s2", html=False, cache_dir=cache)
    assert second.extraction == {"reused": 2, "extracted": 1}
    assert "hardware:h100" in second.snapshot.graph
    assert second.snapshot.graph.nodes["paper:c"]["date"] == "2025-01-01"

    import kg.extract.pattern_data as pattern_data

    monkeypatch.setattr(pattern_data, "patterns_version", lambda: "9999.1.1")
    third = build_snapshot([_jsonl(tmp_path / "c.jsonl", changed)], tmp_path / "s3", html=False, cache_dir=cache,
                           update=tmp_path / "s2")
    assert third.extraction == {"reused": 0, "extracted": 3}
    assert "another pipeline (patterns" in third.notes[0] and "-> 9999.1.1" in third.notes[0]

    import kg.extract as extract

    monkeypatch.setattr(extract, "extractor_code_hash", lambda: "changed-rules")
    fourth = build_snapshot([_jsonl(tmp_path / "c.jsonl", changed)], tmp_path / "s4", html=False, cache_dir=cache,
                            update=tmp_path / "s3")
    assert fourth.extraction == {"reused": 0, "extracted": 3}  # a change of the extractor's code
    assert "code " in fourth.notes[0]


def test_update_cli_and_a_snapshot_without_a_cache(tmp_path):
    runner = CliRunner()
    source = _jsonl(tmp_path / "a.jsonl", ROWS)
    result = runner.invoke(cli, ["build", source, "-o", str(tmp_path / "nocache"), "--no-cache", "--no-html", "-q"])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "nocache" / "cache").exists()
    result = runner.invoke(cli, ["build", "--update", str(tmp_path / "nocache"), source, "-o", str(tmp_path / "x"),
                                 "-q"])
    assert result.exit_code == SnapshotError.exit_code
    assert "holds no extraction cache" in result.output
    result = runner.invoke(cli, ["build", source, "-o", str(tmp_path / "s1"), "--no-html", "-q"])
    assert result.exit_code == 0
    result = runner.invoke(cli, ["build", "--update", str(tmp_path / "s1"), source, "-o", str(tmp_path / "s1"),
                                 "--no-html", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["extraction"] == {"reused": 3, "extracted": 0}


def test_a_damaged_snapshot_cache_is_a_snapshot_error(tmp_path):
    build_snapshot([_jsonl(tmp_path / "a.jsonl", ROWS)], tmp_path / "s", html=False)
    (tmp_path / "s" / SNAPSHOT_CACHE).write_bytes(b"not gzip")
    with pytest.raises(SnapshotError, match="unreadable extraction cache"):
        build_snapshot([str(tmp_path / "a.jsonl")], tmp_path / "t", html=False, update=tmp_path / "s")


def test_kg_extract_with_a_cache_directory_gives_the_same_records(tmp_path):
    source = _jsonl(tmp_path / "a.jsonl", ROWS)
    runner = CliRunner()
    plain = runner.invoke(cli, ["extract", source, "-q"])
    first = runner.invoke(cli, ["extract", source, "--cache", str(tmp_path / "c"), "-q"])
    second = runner.invoke(cli, ["extract", source, "--cache", str(tmp_path / "c"), "-q"])
    assert plain.exit_code == first.exit_code == second.exit_code == 0
    assert plain.stdout == first.stdout == second.stdout
    assert len(list(DirectoryCache(tmp_path / "c"))) == 3


def test_the_readme_weekly_workflow_on_two_pages(tmp_path):
    """build, update with a new page, diff, stats --since, leaderboard: as the README's weekly workflow."""
    week1 = tmp_path / "week1.txt"
    week1.write_text("Mar 12\n\nFastNet: Fast Networks\n\nWe propose FastNet. FastNet reaches 81.5% top-1 accuracy "
                     "on ImageNet.\n", encoding="utf-8")
    week2 = tmp_path / "week2.txt"
    week2.write_text("Mar 19\n\nSlowNet: Slow Networks\n\nWe propose SlowNet. SlowNet reaches 83.0% top-1 accuracy "
                     "on ImageNet and runs on an A100 GPU.\n", encoding="utf-8")
    runner = CliRunner()

    def kg(*args):
        result = runner.invoke(cli, [str(a) for a in args])
        assert result.exit_code == 0, result.output
        return result.output

    kg("build", week1, "-o", tmp_path / "w11", "--year", "2024", "-q")
    built = kg("build", "--update", tmp_path / "w11", week1, week2, "-o", tmp_path / "w12", "--year", "2024", "-q")
    assert "extraction: 1 paper extracted, 1 reused from the cache" in built
    diff = kg("diff", tmp_path / "w11", tmp_path / "w12")
    assert "SlowNet  (1 paper, first seen 2024-03-19)" in diff and "ImageNet  1 -> 2 (+1)" in diff
    since = json.loads(kg("stats", tmp_path / "w12", "--since", "2024-03-18", "--json"))["since"]
    assert since["papers"] == 1 and "A100" in {e["name"] for e in since["new"]["Hardware"]}
    board = kg("leaderboard", tmp_path / "w12", "--dataset", "ImageNet")
    assert board.index("SlowNet: 83.0%") < board.index("FastNet: 81.5%")
