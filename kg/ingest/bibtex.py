"""BibTeX entries with an ``abstract`` field (parsed by bibtexparser).

bibtexparser is lenient where kg must not be: a stray ``}`` inside a value ends the entry early and the
fields after it become an "implicit comment", so the paper would be read without them. Every entry is
therefore checked against the raw text first, and an entry that is not well formed is rejected with its
line and what is wrong, in words. Two entries with the same key are both kept (the second gets an id of
its own, like any id collision); only a duplicated field inside one entry is a rejection.

The file is read entry by entry (:func:`parse_bibtex` takes a whole text or an iterable of lines), so a file of
any size is read in bounded memory.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import bibtexparser
from bibtexparser import model
from bibtexparser.library import Library
from bibtexparser.middlewares import default_parse_stack

from kg.errors import InputError
from kg.ingest.lines import lines_of
from kg.ingest.paper import MAX_RECORD_BYTES, Paper
from kg.ingest.records import paper_from_fields

_VENUE_FIELDS = ("journal", "booktitle", "venue", "publisher")

# One piece of a field value: {balanced}, "quoted", a number or a @string name.
_NAME = re.compile(r"[^\s\"#%'(),={}]+")
# A line that starts a block, as bibtexparser's splitter sees one (its _BLOCK_START plus the opening delimiter).
_BLOCK_START = re.compile(r"@\w*[ \t]*[{(]")
_BRACES = re.compile(r"[{}]")
_QUOTE_OR_BRACES = re.compile(r'["{}]')
# Text between entries that means the entry before it was closed early: a field, or a comma, after it.
_LEFT_OVER_FIELD = re.compile(r"\A\s*(,|\}|[^\s@=,{}\"]+\s*=\s*[{\"\w])")

# bibtexparser's abort reasons, said for a user.
_REASONS = (
    ("Unexpectedly reached end of file", "the entry never closes: a '{' or '\"' has no matching '}' or '\"' "
                                         "before the end of the file"),
    ("Expected comma after entry key", "expected a ',' after the entry key"),
    ("Expected a `=` after entry key", "expected 'name = value' for every field"),
)


def _value_problem(value: str) -> str | None:
    """Why a raw field value is not well-formed BibTeX (pieces joined by '#'), or None."""
    position, length, expect_piece = 0, len(value), True
    while True:
        while position < length and value[position].isspace():
            position += 1
        if position == length:
            return "a field value ends with '#'" if expect_piece else None
        char = value[position]
        if not expect_piece:
            if char != "#":
                return (f"text after the end of a field value: {value[position:position + 40]!r} "
                        "(a stray '}' or a missing ',')")
            position, expect_piece = position + 1, True
            continue
        if char == "{":
            depth = 0
            for brace in _BRACES.finditer(value, position):  # jumps from brace to brace (abstracts are long)
                depth += 1 if brace.group() == "{" else -1
                if depth == 0:
                    position = brace.end()
                    break
            else:
                return "a '{' in a field value is never closed"
        elif char == '"':
            depth = 0
            for mark in _QUOTE_OR_BRACES.finditer(value, position + 1):
                if mark.group() == '"' and depth == 0:
                    position = mark.end()
                    break
                depth += {"{": 1, "}": -1}.get(mark.group(), 0)
            else:
                return "a '\"' in a field value is never closed"
        else:
            match = _NAME.match(value, position)
            if match is None:
                return f"unexpected {char!r} in a field value"
            position = match.end()
        expect_piece = False


def _failed_reason(block: model.Block) -> str:
    if isinstance(block, model.DuplicateFieldKeyBlock):
        names = ", ".join(sorted(getattr(block, "duplicate_keys", ()) or ())) or "a field"
        return f"malformed BibTeX entry: {names} given twice"
    error = getattr(block, "error", None)
    reason = str(getattr(error, "abort_reason", "") or error or "").strip()
    for known, said in _REASONS:
        if reason.startswith(known):
            return f"malformed BibTeX entry: {said}"
    reason = " ".join(reason.split())
    return f"malformed BibTeX entry: {reason}" if reason else "malformed BibTeX entry"


def _cooked(blocks: list[model.Block]) -> Library:
    """The entries with bibtexparser's default processing (enclosing braces removed, @string resolved)."""
    library = Library(blocks)
    for middleware in default_parse_stack():
        library = middleware.transform(library=library)
    return library


def parse_bibtex(text: str | Iterable[str], path: str, *,
                 max_bytes: int = MAX_RECORD_BYTES) -> Iterator[Paper | InputError]:
    """Papers entry by entry: *text* is the whole file or its lines one at a time (kg.ingest.stream_lines).

    The lines are cut into segments where a line starts a block (``@type{`` or ``@type(`` after optional
    whitespace): bibtexparser ends whatever block it is in at such a line, so parsing one segment at a time
    gives the blocks of parsing the whole file, with the same reasons and lines. A segment is parsed with the
    next segment's block start appended (then dropped), so an entry the next block cuts short is reported as
    the whole file reports it. ``@string`` definitions apply to the entries after them, as in BibTeX.

    A segment (an entry, with the comments after it) of more than *max_bytes* UTF-8 bytes is never held: its
    lines are dropped as they come and it is rejected at its first line, however its lines are cut.
    """
    strings: dict[str, model.String] = {}
    for first_line, segment, sentinel in _segments(lines_of(text), max_bytes):
        if isinstance(segment, _Oversized):
            yield InputError(f"a BibTeX entry of {segment.size:,} bytes (lines {first_line}-{segment.last_line}) is "
                             f"longer than the largest record kg reads ({max_bytes:,} bytes); it was skipped unread",
                             path, first_line)
            continue
        blocks = _split(segment + sentinel)
        if sentinel:  # the sentinel is always the last block: it opens at a line start and the text ends there
            blocks = blocks[:-1]
        for block in blocks:
            if isinstance(block, model.String):
                strings.setdefault(block.key, block)  # a second definition of a name is ignored, as bibtexparser does
        known = list(strings.values())
        for index, block in enumerate(blocks):
            line = (getattr(block, "start_line", None) or 0) + first_line
            if isinstance(block, model.DuplicateBlockKeyBlock):
                block = block.ignore_error_block  # the same key twice: keep both papers
            elif isinstance(block, (model.ParsingFailedBlock, model.DuplicateFieldKeyBlock,
                                    model.MiddlewareErrorBlock)):
                yield InputError(_failed_reason(block), path, line)
                continue
            if not isinstance(block, model.Entry):
                continue
            problem = next(filter(None, (_value_problem(field.value) for field in block.fields)), None)
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            if problem is None and isinstance(following, model.ImplicitComment) \
                    and _LEFT_OVER_FIELD.match(following.comment):
                problem = "the entry ends early, at an unbalanced '}' (the fields after it would be lost)"
            if problem is not None:
                yield InputError(f"malformed BibTeX entry {block.key!r}: {problem}", path, line)
                continue
            entry = _cooked(known + [block]).entries[0]
            yield _paper(entry, path, line)


@dataclass(frozen=True)
class _Oversized:
    """A segment longer than the record limit: its size in bytes and its last line (its text was dropped)."""

    size: int
    last_line: int


def _segments(lines: Iterable[str], max_bytes: int) -> Iterator[tuple[int, str | _Oversized, str]]:
    """(number of its first line, segment text (or _Oversized), the next segment's block start or "") per segment."""
    buffer: list[str] = []
    first, size, number = 1, 0, 0

    def segment() -> str | _Oversized:
        return _Oversized(size, number - 1) if size > max_bytes else "".join(buffer)

    for number, line in enumerate(lines, start=1):
        stripped = line.lstrip()
        start = _BLOCK_START.match(stripped) if stripped.startswith("@") else None
        if start is not None and (buffer or size):
            yield first, segment(), line[:len(line) - len(stripped)] + start.group(0)
            buffer, first, size = [], number, 0
        size += len(line) if line.isascii() else len(line.encode("utf-8", "surrogatepass"))
        if size <= max_bytes:
            buffer.append(line)
        elif buffer:
            buffer = []  # too long: counted from here on, never kept
    if buffer or size:
        number += 1
        yield first, segment(), ""


def _split(text: str) -> list[model.Block]:
    """bibtexparser's blocks of *text*, unprocessed."""
    # bibtexparser logs each failed block at length; the failure is reported once, by parse_bibtex.
    logger = logging.getLogger("bibtexparser")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        return bibtexparser.parse_string(text, parse_stack=[]).blocks
    finally:
        logger.setLevel(level)


def _paper(entry: model.Entry, path: str, line: int) -> Paper | InputError:
    fields = {name.lower(): value for name, value in entry.fields_dict.items()}
    values = {name: field.value for name, field in fields.items()}
    venue = next((values[name] for name in _VENUE_FIELDS if values.get(name)), None)
    record = {
        "id": entry.key,
        "title": values.get("title"),
        "abstract": values.get("abstract"),
        "year": values.get("year"),
        "month": values.get("month"),
        "date": values.get("date"),  # biblatex
        "authors": values.get("author"),
        "url": values.get("url") or (f"https://doi.org/{values['doi']}" if values.get("doi") else None),
        "venue": venue,
    }
    try:
        return paper_from_fields(record, path, line, strip_braces=True)
    except InputError as exc:
        return exc
