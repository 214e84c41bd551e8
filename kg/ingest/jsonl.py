"""JSON Lines: one object per line with ``title`` and ``abstract`` (plus optional id, year, authors, url, venue)."""

from __future__ import annotations

import json
from collections.abc import Iterator

from kg.errors import InputError
from kg.ingest.paper import Paper
from kg.ingest.records import paper_from_fields


def parse_jsonl(text: str, path: str) -> Iterator[Paper | InputError]:
    """Yield a Paper, or the InputError that rejects it, for every non-blank line."""
    # Split on "\n" only: str.splitlines would also break at U+2028 and friends inside strings.
    for line_number, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        try:
            fields = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputError(f"malformed JSON: {exc.msg} (column {exc.colno})", path, line_number)
            continue
        if not isinstance(fields, dict):
            yield InputError(f"expected a JSON object, got {type(fields).__name__}", path, line_number)
            continue
        try:
            yield paper_from_fields(fields, path, line_number)
        except InputError as exc:
            yield exc
