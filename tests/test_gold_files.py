"""The committed gold sets are well formed, disjoint, and each gold row has its paper."""
import json
from pathlib import Path

import pytest

from kg.evaluate import check_gold, read_numbered_jsonl

GOLD = Path(__file__).parent / "data" / "gold"
SETS = ["dev", "holdout", "synthetic-dev", "synthetic-hold", "synthetic2-dev"]


@pytest.mark.parametrize("name", SETS)
def test_gold_set_is_well_formed_and_has_its_papers(name):
    # only ids and structure are read here, never scores: reading hold-out structure tunes nothing
    path = GOLD / f"{name}.jsonl"
    numbered = read_numbered_jsonl(path, "gold paper")
    assert len(check_gold(numbered, str(path))) == len(numbered)  # raises InputError on a malformed row
    papers = [json.loads(line) for line in (GOLD / f"{name}-papers.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [row["id"] for _, row in numbered] == [paper["id"] for paper in papers]
    assert all(paper["title"].strip() and paper["abstract"].strip() for paper in papers)


def test_gold_sets_are_disjoint():
    seen: dict[str, str] = {}
    titles: dict[str, str] = {}
    for name in SETS:
        for line in (GOLD / f"{name}-papers.jsonl").read_text(encoding="utf-8").splitlines():
            paper = json.loads(line)
            assert paper["id"] not in seen, (paper["id"], name, seen.get(paper["id"]))
            seen[paper["id"]] = name
            key = " ".join(paper["title"].lower().split())
            assert key not in titles, (paper["title"], name, titles.get(key))
            titles[key] = name


def test_agreement_files_cover_dev_papers_only():
    dev = {json.loads(line)["id"] for line in (GOLD / "dev-papers.jsonl").read_text(encoding="utf-8").splitlines()}
    for path in sorted((GOLD / "agreement").glob("*.jsonl")):
        numbered = read_numbered_jsonl(path, "gold paper")
        assert len(check_gold(numbered, str(path))) == len(numbered)
        assert {row["id"] for _, row in numbered} <= dev
