"""Pattern files for the extractor: the reader and the one pattern version (kg.patterns, re-exported here), the
vocabulary files, and ``words.jsonl``.

The reading and validation live in :mod:`kg.patterns` (below every room, so kg.resolve reads its word lists without
importing spaCy); see there for the schemas and the ``FILE:LINE`` errors.

``kind_words`` / ``kind_list`` read one ``{"kind": ..., "words": [...]}`` row of a packaged pattern file
(``frame.jsonl``, ``relations_cues.jsonl``, ``results_cues.jsonl``) for the module-level word lists the
extractors' helper functions use, so no word list is written in code.

``words.jsonl`` holds the word lists the components use (function words that end a name, naming
verbs, hyphen suffixes...), one row per list: ``{"list": "naming_verbs", "words": [...]}``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from kg.errors import PatternError
from kg.patterns import PATTERNS_DIR, patterns_version, read_pattern_file, read_patterns, schema_for

# the pattern readers of kg.patterns are re-exported: the extract components import them from here
__all__ = ["PATTERNS_DIR", "VOCABULARY_FILES", "patterns_version", "read_pattern_file", "read_patterns", "schema_for",
           "kind_list", "kind_words", "word_lists", "words_by_list"]

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


@lru_cache(maxsize=None)
def _packaged_rows(name: str) -> tuple[dict[str, Any], ...]:
    """A packaged pattern file's rows, read and validated once (kg.patterns.read_pattern_file)."""
    return tuple(read_pattern_file(name))


def kind_list(file_name: str, kind: str) -> tuple[str, ...]:
    """The words of the ``kind`` rows of the packaged pattern file *file_name*, in the file's order (for
    ``str.endswith`` and other ordered uses); a kind with no row is an error."""
    words = tuple(word for row in _packaged_rows(file_name) if row.get("kind") == kind for word in row["words"])
    if not words:
        raise PatternError(f"{PATTERNS_DIR / file_name}: no word list of kind {kind!r}")
    return words


def kind_words(file_name: str, kind: str) -> frozenset[str]:
    """The words of the ``kind`` rows of the packaged pattern file *file_name*, as a set (see kind_list)."""
    return frozenset(kind_list(file_name, kind))
