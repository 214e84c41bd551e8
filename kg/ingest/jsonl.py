"""JSON Lines: one object per line with ``title`` and ``abstract`` (plus optional id, year, authors, url, venue)."""

from __future__ import annotations

import json
from collections.abc import Iterator

from kg.errors import InputError
from kg.ingest.paper import Paper
from kg.ingest.records import paper_from_fields

# Python's JSON decoder recurses once per nesting level; a paper record is two levels deep at most.
_TOO_DEEP = "malformed record: JSON nested too deeply to read"


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
        except RecursionError:
            yield InputError(_TOO_DEEP, path, line_number)
            continue
        if not isinstance(fields, dict):
            yield InputError(f"expected a JSON object, got {type(fields).__name__}", path, line_number)
            continue
        try:
            yield paper_from_fields(fields, path, line_number)
        except InputError as exc:
            yield exc


def parse_json(text: str, path: str) -> Iterator[Paper | InputError]:
    """A ``.json`` file: a JSON array of paper objects, or JSON Lines under another name."""
    start = len(text) - len(text.lstrip())
    if not text.startswith("[", start):
        yield from parse_jsonl(text, path)
        return
    decoder = json.JSONDecoder()
    position = start + 1
    while True:
        position = _skip_space(text, position)
        if text.startswith("]", position):
            return
        line = text.count("\n", 0, position) + 1
        try:
            fields, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            yield InputError(f"malformed JSON: {exc.msg} (column {exc.colno})", path, exc.lineno)
            return  # the rest of the array can not be located reliably
        except RecursionError:
            yield InputError(f"{_TOO_DEEP}; the rest of the array was not read", path, line)
            return
        if isinstance(fields, dict):
            try:
                yield paper_from_fields(fields, path, line)
            except InputError as exc:
                yield exc
        else:
            yield InputError(f"expected a JSON object, got {type(fields).__name__}", path, line)
        position = _skip_space(text, position)
        if text.startswith(",", position):
            position += 1
        elif not text.startswith("]", position):
            yield InputError("malformed JSON array: expected ',' or ']'", path, text.count("\n", 0, position) + 1)
            return


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position
