"""Lines one at a time: what the streamed readers take, from a whole text or from a file (kg.ingest.stream_lines).

A file is read as byte *pieces* (kg.ingest.stream_pieces): each ends at a newline, or after PIECE_BYTES bytes of
a longer line. The JSON array reader feeds the pieces to its incremental parser as they are, so a minified
array on one line is read in bounded memory; every other reader takes lines, which :func:`lines_from_pieces`
joins from the pieces, never holding more than the largest record (kg.ingest.paper.MAX_RECORD_BYTES) of one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from kg.errors import InputError

PIECE_BYTES = 1 << 16


def piece_bytes(max_bytes: int) -> int:
    """The piece size for a record limit of *max_bytes*: 64 KiB, or a sixteenth of a smaller limit."""
    return max(64, min(PIECE_BYTES, max_bytes // 16))


def lines_of(text: str | Iterable[str]) -> Iterable[str]:
    """The lines of *text*, each ending "\\n" (the last one as the text ends); an iterable of lines passes through.

    Lines end at "\\n" only, as in every reader (a U+2028 or a lone "\\r" is no line break).
    """
    return _split(text) if isinstance(text, str) else text


def _split(text: str) -> Iterator[str]:
    start = 0
    while True:
        end = text.find("\n", start)
        if end < 0:
            if start < len(text):
                yield text[start:]
            return
        yield text[start:end + 1]
        start = end + 1


def lines_from_pieces(pieces: Iterable[bytes], path: str, *, max_bytes: int,
                      oversized: list[tuple[int, int]] | None = None) -> Iterator[str]:
    """The decoded lines ("\\n" kept) of the byte *pieces* of *path*, naming the line of any bad byte.

    A line longer than *max_bytes* (its newline not counted) is never held whole: its pieces are dropped as they
    come, it is appended to *oversized* as (line number, bytes) and passed on as a blank line, so the parsers'
    line numbers stay right; without *oversized* it raises InputError naming the line.
    """
    number = 0
    held: list[bytes] = []
    size = 0
    for piece in pieces:
        size += len(piece)
        if size - piece.endswith(b"\n") <= max_bytes:
            held.append(piece)
        else:
            held = []  # too long: counted from here on, never kept
        if piece.endswith(b"\n"):
            number += 1
            yield _line(held, size - 1, number, path, max_bytes, oversized)
            held, size = [], 0
    if size:
        yield _line(held, size, number + 1, path, max_bytes, oversized)


def _line(held: list[bytes], size: int, number: int, path: str, max_bytes: int,
          oversized: list[tuple[int, int]] | None) -> str:
    if size > max_bytes:
        if oversized is None:
            raise InputError(oversized_reason(size, max_bytes), path, number)
        oversized.append((number, size))
        return "\n"
    raw = b"".join(held)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise not_utf8(path, raw[exc.start], number) from None


def oversized_reason(size: int, max_bytes: int) -> str:
    return (f"a line of {size:,} bytes is longer than the largest record kg reads ({max_bytes:,} bytes); "
            "it was skipped unread")


def not_utf8(path: str, byte: int, line: int) -> InputError:
    return InputError(f"not valid UTF-8 (byte 0x{byte:02x}); re-save the file as UTF-8", path, line)
