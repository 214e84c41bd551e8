"""Pattern files are data with a JSON Schema each: validated on load, no duplicates, one type per name."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from kg.errors import PatternError
from kg.extract.pattern_data import PATTERNS_DIR, VOCABULARY_FILES, patterns_version, read_patterns, schema_for

ROOT = Path(__file__).parents[1]
PATTERN_FILES = sorted(PATTERNS_DIR.glob("*.jsonl"))


def test_every_pattern_file_has_a_schema_in_schemas_and_validates():
    assert PATTERN_FILES
    for path in PATTERN_FILES:
        schema = ROOT / "schemas" / "patterns" / (path.stem + ".schema.json")
        assert schema.exists(), f"{path.name} has no schema"
        assert schema_for(path.name).resolve() == schema.resolve()  # the package ships the same file
        assert read_patterns(path)


def test_a_misspelt_key_is_an_error_naming_file_and_line(tmp_path):
    bad = tmp_path / "methods.jsonl"
    bad.write_text('{"label": "Method", "pattern": "Adam"}\n{"label": "Method", "patern": "SGD"}\n')
    with pytest.raises(PatternError, match=r"methods\.jsonl:2: .*patern"):
        read_patterns(bad, schema_for("methods.jsonl"))


def test_a_wrong_label_is_an_error(tmp_path):
    bad = tmp_path / "datasets.jsonl"
    bad.write_text('{"label": "Method", "pattern": "ImageNet"}\n')
    with pytest.raises(PatternError, match=r"datasets\.jsonl:1: "):
        read_patterns(bad, schema_for("datasets.jsonl"))


def test_no_duplicate_rows():
    for path in PATTERN_FILES:
        seen: dict[str, int] = {}
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            row = json.loads(line)
            row.pop("comment", None)
            key = json.dumps(row, sort_keys=True)
            assert key not in seen, f"{path.name}:{number} repeats line {seen[key]}"
            seen[key] = number


def _vocabulary_names():
    names = defaultdict(set)  # lower-cased phrase -> {(label, file:line)}
    for file_name in VOCABULARY_FILES:
        path = PATTERNS_DIR / file_name
        if not path.exists():
            continue
        for number, row in enumerate(read_patterns(path), 1):
            if isinstance(row["pattern"], str):
                labels = [s["label"] for s in row["senses"]] if "senses" in row else [row["label"]]
                for label in labels:
                    names[row["pattern"].lower()].add((label, f"{file_name}:{number}", "senses" in row, row["pattern"]))
    return names


def test_no_name_is_listed_under_two_types_or_twice():
    problems = []
    for name, rows in _vocabulary_names().items():
        for written in {text for *_, text in rows}:  # case variants ("AdaGrad", "Adagrad") are rows of their own
            places = {place for _, place, _, text in rows if text == written}
            if len(places) > 1:
                problems.append(f"{written!r} in {sorted(places)}")
        labels = {label for label, _, ambiguous, _ in rows if not ambiguous}
        if len(labels) > 1:
            problems.append(f"{name!r} has types {sorted(labels)}")
    assert not problems, "; ".join(problems)


def test_one_pattern_version():
    assert patterns_version()
    for path in PATTERN_FILES:
        assert all("version" not in row for row in read_patterns(path)), f"{path.name} carries its own version"
