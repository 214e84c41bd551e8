"""JSON Lines: one object per line with ``title`` and ``abstract`` (plus optional id, year, authors, url, venue)."""

from __future__ import annotations

import codecs
import contextlib
import itertools
import json
import re
import sys
from collections.abc import Iterable, Iterator
from decimal import Decimal

import ijson
from ijson.common import ObjectBuilder

from kg.errors import InputError
from kg.ingest.lines import lines_from_pieces, lines_of, not_utf8, piece_bytes
from kg.ingest.paper import MAX_RECORD_BYTES, Paper
from kg.ingest.records import paper_from_fields

# Python's JSON decoder recurses once per nesting level; a paper record is two levels deep at most.
_TOO_DEEP = "malformed record: JSON nested too deeply to read"


def _too_long_number(error: BaseException | None) -> str | None:
    """The reason for a number Python will not make an int (more digits than sys.get_int_max_str_digits), if that
    is what *error* is."""
    if not isinstance(error, ValueError) or "integer string conversion" not in str(error):
        return None
    return f"a number of more than {sys.get_int_max_str_digits():,} digits"


def parse_jsonl(text: str | Iterable[str], path: str) -> Iterator[Paper | InputError]:
    """Yield a Paper, or the InputError that rejects it, for every non-blank line.

    *text* is the whole file or its lines one at a time (kg.ingest.stream_lines).
    """
    # Split on "\n" only: str.splitlines would also break at U+2028 and friends inside strings.
    lines = text.split("\n") if isinstance(text, str) else text
    for line_number, line in enumerate(lines, start=1):
        line = line.removesuffix("\n").removesuffix("\r")
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
        except ValueError as exc:  # an integer longer than Python converts (sys.get_int_max_str_digits)
            if (reason := _too_long_number(exc)) is None:
                raise
            yield InputError(f"malformed JSON: {reason}", path, line_number)
            continue
        if not isinstance(fields, dict):
            yield InputError(f"expected a JSON object, got {type(fields).__name__}", path, line_number)
            continue
        try:
            yield paper_from_fields(fields, path, line_number)
        except InputError as exc:
            yield exc


def parse_json(source: str | Iterable[bytes], path: str, *, max_bytes: int = MAX_RECORD_BYTES,
               oversized: list[tuple[int, int]] | None = None) -> Iterator[Paper | InputError]:
    """A ``.json`` file: a JSON array of paper objects, read item by item, or JSON Lines under another name.

    *source* is the whole text, or the file's byte pieces (kg.ingest.stream_pieces: each ends at a newline or
    after :func:`kg.ingest.lines.piece_bytes` bytes). The array goes through an incremental parser (ijson), so
    memory holds one item, never the file; each item is a Paper or the InputError that rejects it, at the line
    where the item starts and with its index in the array (a minified array is one line). An item larger than
    *max_bytes* is dropped as it is read and rejected. Broken JSON stops the array with a rejection that says so,
    at its line. JSON Lines go through :func:`parse_jsonl`, a line longer than *max_bytes* into *oversized*
    (kg.ingest.lines).
    """
    if isinstance(source, str):
        if not source.lstrip().startswith("["):
            yield from parse_jsonl(source, path)
            return
        size = piece_bytes(max_bytes)
        source = (data[at:at + size] for line in lines_of(source)
                  for data in [line.encode("utf-8", "surrogatepass")] for at in range(0, len(data), size))
    pieces = iter(source)
    head: list[bytes] = []
    for piece in pieces:
        head.append(piece)
        if piece.strip():
            break
    stream = itertools.chain(head, pieces)
    if not head or not head[-1].lstrip().startswith(b"["):
        yield from parse_jsonl(lines_from_pieces(stream, path, max_bytes=max_bytes, oversized=oversized), path)
        return
    yield from _ArrayReader(path, max_bytes).items(stream)


# A paper record is two levels deep; deeper items are rejected (as json.loads' recursion limit does for JSON Lines).
MAX_DEPTH = 100
# ijson's C backend (yajl): it streams a line of any length in bounded memory (the pure-Python backend holds a
# long line whole). Required, never a silent fallback: its wheels cover the platforms kg runs on.
_BACKEND = ijson.get_backend("yajl2_c")
# Numbers are read from their text (use_float=False: ints of any size, as json.loads reads them; use_float=True
# has yajl parse integers into 64 bits, and one of 2**63 or more stops the array with "integer overflow"). The
# non-integers come as Decimal and are made floats here, as json.loads makes them ("1e309" is inf, as there).
_USE_FLOAT = False


class _TooLongNumber(ValueError):
    """An integer of more digits than Python converts (sys.get_int_max_str_digits): JSON kg can not read."""


def _feed(parser, events: list, piece: bytes | None) -> None:
    """Send *piece* to the parser (None: close it), with an over-long integer raised as _TooLongNumber."""
    try:
        parser.send(piece) if piece is not None else parser.close()
    except (SystemError, ValueError) as exc:
        reason = _too_long_number(exc if isinstance(exc, ValueError) else exc.__cause__ or exc.__context__)
        if reason is None:
            raise
        if isinstance(exc, SystemError) and events:
            # ijson's C backend has appended the number's event with no value (a NULL) before failing: delete it
            # unread (reading it would crash the interpreter); the events before it stay.
            del events[-1]
        raise _TooLongNumber(reason) from None


# What the parser raises for JSON that is not well formed, or that kg can not read.
_BROKEN = (ijson.JSONError, _TooLongNumber)

# A \\u escape of a surrogate pair, a lone surrogate, or any other escape (scanned from a clean position, so an
# escaped backslash is consumed as one escape and never starts another).
_ESCAPE = re.compile(rb"\\(?:(u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2})|(u[dD][89a-fA-F][0-9a-fA-F]{2})"
                     rb"|[^\n])")
_SURROGATE_HINT = re.compile(rb"\\u[dD][89a-fA-F]")
_HIGH = re.compile(rb"\\u[dD][89abAB][0-9a-fA-F]{2}")
_UNFINISHED = re.compile(rb"\\(?:u[0-9a-fA-F]{0,3})?")  # a backslash, or a \\u escape without its four digits
_LOW_PREFIX = re.compile(rb"(?:\\(?:u(?:[dD](?:[c-fC-F][0-9a-fA-F]{0,2})?)?)?)?")


class _SurrogateEscapes:
    """Byte pieces with every lone surrogate escape ("\\ud800" without its pair) made "\\ufffd".

    json.loads reads a lone surrogate escape as a lone surrogate, which kg.ingest.sanitise turns into U+FFFD; yajl
    instead fails on a lone low one and reads a lone high one as "?" or as a wrong character with the next escape.
    Done here, before the parser, the text comes out as it does from JSON Lines. A piece's last bytes are held
    back while they may be an escape that the next piece completes (at most a pair, 12 bytes, never a newline).
    """

    def __init__(self) -> None:
        self.held = b""

    def feed(self, piece: bytes) -> bytes:
        data = self.held + piece if self.held else piece
        cut = _incomplete_escape(data)
        self.held = data[cut:]
        return _fix(data[:cut])

    def flush(self) -> bytes:
        data, self.held = self.held, b""
        return _fix(data)


def _fix(data: bytes) -> bytes:
    if not _SURROGATE_HINT.search(data):
        return data
    return _ESCAPE.sub(lambda m: b"\\ufffd" if m.group(2) else m.group(0), data)


def _incomplete_escape(data: bytes) -> int:
    """Where an escape that more bytes could change begins in *data*'s last 12 bytes, else len(data)."""
    end = len(data)
    at = data.find(b"\\", max(0, end - 12))
    while at >= 0:
        run = at
        while run > 0 and data[run - 1] == 0x5C:  # backslashes before it: an even run means it starts an escape
            run -= 1
        if (at - run) % 2 == 0:
            rest = data[at:]
            if _UNFINISHED.fullmatch(rest) or (
                    len(rest) < 12 and _HIGH.match(rest) and _LOW_PREFIX.fullmatch(rest[6:])):
                return at
            at = data.find(b"\\", at + 2)
        else:
            at = data.find(b"\\", at + 1)
    return end


class _ArrayReader:
    """The items of one JSON array, from ijson's events, with the line each begins on (see parse_json)."""

    def __init__(self, path: str, max_bytes: int):
        self.path, self.max_bytes = path, max_bytes
        self.depth = 0  # 1 inside the array, 2 inside an item, ...
        self.index = 0  # items begun
        self.builder: ObjectBuilder | None = None
        self.start_line = 0
        self.offset = 0  # bytes before the piece being read
        self.piece_bytes = 0  # the length of that piece
        self.item_offset = 0  # bytes before the piece the item began in
        self.problem: str | None = None

    def items(self, pieces: Iterable[bytes]) -> Iterator[Paper | InputError]:
        events = ijson.sendable_list()
        parser = _BACKEND.basic_parse_coro(events, use_float=_USE_FLOAT)
        try:
            yield from self._read(pieces, parser, events)
        finally:  # stopped early (a rejection raised, the array broken): the parser's own close must not complain
            with contextlib.suppress(*_BROKEN):
                _feed(parser, events, None)

    def _read(self, pieces: Iterable[bytes], parser, events: list) -> Iterator[Paper | InputError]:
        check_utf8 = codecs.getincrementaldecoder("utf-8")().decode
        escapes = _SurrogateEscapes()
        line, quiet = 1, 0  # the line the piece starts on; bytes read since the parser last said anything
        for piece in itertools.chain(pieces, [None]):
            if piece is None:  # the end: what the escapes held back
                piece = escapes.flush()
                if not piece:
                    break
            else:
                try:
                    check_utf8(piece)
                except UnicodeDecodeError as exc:
                    raise not_utf8(self.path, exc.object[exc.start], line) from None
                piece = escapes.feed(piece)
            self.piece_bytes = len(piece)
            try:
                _feed(parser, events, piece)
            except _BROKEN as exc:
                yield from self._events(events, line)  # what the piece held before the error
                yield self._broken(exc, line)
                return
            quiet = 0 if events else quiet + len(piece)
            yield from self._events(events, line)
            if self.depth > 1:
                self._check_size()
            self.offset += len(piece)
            if quiet > self.max_bytes:  # one value (a string) longer than a record: the parser would hold it whole
                yield InputError(f"a JSON value of more than {self.max_bytes:,} bytes in item {self.index}; "
                                 "the rest of the array was not read", self.path, self.start_line or line)
                return
            line += piece.endswith(b"\n")
        try:
            check_utf8(b"", True)
        except UnicodeDecodeError as exc:
            raise not_utf8(self.path, exc.object[exc.start], line) from None
        try:
            _feed(parser, events, None)
        except _BROKEN as exc:
            yield from self._events(events, line)
            yield self._broken(exc, line)

    def _events(self, events: list, line: int) -> Iterator[Paper | InputError]:
        for event, value in events:
            yield from self._event(event, value, line)
        del events[:]

    def _event(self, event: str, value, line: int) -> Iterator[Paper | InputError]:
        if self.depth == 0:  # the array's own start_array (parse_json saw the '[')
            self.depth = 1
            return
        if event in ("end_map", "end_array"):
            self.depth -= 1
            if self.depth == 0:
                return  # the array's end; anything after it is the parser's "trailing garbage"
            if self.builder is not None:
                self.builder.event(event, value)
            if self.depth == 1:
                yield self._item()
            return
        if self.depth == 1:  # an item begins
            self.index += 1
            self.builder, self.start_line, self.item_offset, self.problem = ObjectBuilder(), line, self.offset, None
        if event in ("start_map", "start_array"):
            self.depth += 1
            if self.depth - 1 > MAX_DEPTH and self.problem is None:
                self.builder, self.problem = None, _TOO_DEEP
        if self.builder is not None:
            self.builder.event(event, float(value) if type(value) is Decimal else value)
        if self.depth == 1:  # a scalar item: it ends where it begins
            yield self._item()

    def _check_size(self) -> None:
        """Drop the item being read once the pieces it spans are larger than a record (measured in whole pieces:
        parse_json's pieces are at most a sixteenth of the limit, so an item within one piece is never too large)."""
        if self.problem is None and self.offset + self.piece_bytes - self.item_offset > self.max_bytes:
            self.builder, self.problem = None, (f"an item of more than {self.max_bytes:,} bytes is larger than the "
                                                "largest record kg reads; it was skipped unread")

    def _item(self) -> Paper | InputError:
        self._check_size()
        where = f" (item {self.index} of the array)"
        builder, self.builder = self.builder, None
        if self.problem is not None or builder is None:
            return InputError(f"{self.problem}{where}", self.path, self.start_line)
        fields = builder.value
        if not isinstance(fields, dict):
            return InputError(f"expected a JSON object, got {type(fields).__name__}{where}", self.path,
                              self.start_line)
        try:
            return paper_from_fields(fields, self.path, self.start_line)
        except InputError as exc:
            return InputError(f"{exc.reason}{where}", exc.path, exc.line)

    def _broken(self, error: Exception, line: int) -> InputError:
        message = error.msg if isinstance(error, json.JSONDecodeError) else error.args[0] if error.args else str(error)
        if isinstance(message, bytes):
            message = message.decode("utf-8", "replace")
        reason = str(message).strip().splitlines()[0].rstrip(".") if str(message).strip() else type(error).__name__
        return self._broken_by(reason, line)

    def _broken_by(self, reason: str, line: int) -> InputError:
        """The rejection that stops the array: "malformed JSON", where in the array, *reason*."""
        if self.depth == 0:
            at, rest = " after the end of the array", ""
        else:
            at = f" in item {self.index}" if self.depth > 1 else (f" after item {self.index}" if self.index else "")
            rest = "; the rest of the array was not read"
        return InputError(f"malformed JSON{at}: {reason}{rest}", self.path, line)
