"""Pattern files for the extractor: the reader and the one pattern version (kg.patterns, re-exported here), the
vocabulary files, and ``words.jsonl``.

The reading and validation live in :mod:`kg.patterns` (below every room, so kg.resolve reads its word lists without
importing spaCy); see there for the schemas and the ``FILE:LINE`` errors.

``words.jsonl`` holds the word lists the components use (function words that end a name, naming
verbs, hyphen suffixes...), one row per list: ``{"list": "naming_verbs", "words": [...]}``.
"""

from __future__ import annotations

from typing import Any

from kg.errors import PatternError
from kg.patterns import PATTERNS_DIR, patterns_version, read_pattern_file, read_patterns, schema_for

# the pattern readers of kg.patterns are re-exported: the extract components import them from here
__all__ = ["PATTERNS_DIR", "VOCABULARY_FILES", "patterns_version", "read_pattern_file", "read_patterns", "schema_for",
           "word_lists", "words_by_list"]

VOCABULARY_FILES = ("methods.jsonl", "datasets.jsonl", "hardware.jsonl", "metrics.jsonl", "tasks.jsonl",
                    "external.jsonl", "ambiguous.jsonl", "stop.jsonl")


def word_lists(*names: str) -> list[dict[str, Any]]:
    """The rows of ``words.jsonl`` for the lists *names* (all of them if none are named)."""
    rows = read_pattern_file("words.jsonl")
    known = {row["list"] for row in rows}
    missing = set(names) - known
    if missing:
        raise PatternError(f"{PATTERNS_DIR / 'words.jsonl'}: no word list {sorted(missing)}")
    return [row for row in rows if not names or row["list"] in names]


def words_by_list(rows: list[dict[str, Any]]) -> dict[str, frozenset[str]]:
    return {row["list"]: frozenset(row["words"]) for row in rows if "list" in row}
