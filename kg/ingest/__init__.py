"""Read papers from raw text, JSONL, CSV or BibTeX, merge duplicates and report what happened."""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError
from kg.ingest.bibtex import parse_bibtex
from kg.ingest.csvfile import parse_csv
from kg.ingest.jsonl import parse_json, parse_jsonl
from kg.ingest.lines import PIECE_BYTES, lines_from_pieces, oversized_reason, piece_bytes
from kg.ingest.paper import MAX_RECORD_BYTES, Paper, Source, paper_id_from_title, title_key
from kg.ingest.text import parse_text

PARSERS = {
    "text": parse_text,
    "jsonl": parse_jsonl,
    "json": parse_json,
    "csv": parse_csv,
    "tsv": lambda text, path: parse_csv(text, path, delimiter="\t"),
    "bibtex": parse_bibtex,
}
FORMATS = tuple(PARSERS)
_FORMAT_BY_SUFFIX = {
    ".txt": "text", ".text": "text", ".md": "text",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json",
    ".csv": "csv", ".tsv": "tsv",
    ".bib": "bibtex", ".bibtex": "bibtex",
}
STDIN = "-"


@dataclass
class Rejection:
    path: str
    line: int | None
    reason: str

    def to_dict(self) -> dict:
        return {"path": self.path, "line": self.line, "reason": self.reason}


@dataclass
class IngestReport:
    """What reading the inputs did: counts plus every rejected record and why."""

    records_read: int = 0
    duplicates_merged: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    papers: int = 0
    ids_rederived: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "records_read": self.records_read,
            "papers": self.papers,
            "duplicates_merged": self.duplicates_merged,
            "rejected": len(self.rejected),
            "rejections": [r.to_dict() for r in self.rejected],
            "ids_rederived": list(self.ids_rederived),
        }


@dataclass
class IngestResult:
    papers: list[Paper]
    report: IngestReport


def detect_format(path: str) -> str:
    fmt = _FORMAT_BY_SUFFIX.get(Path(path).suffix.lower())
    if fmt is None:
        raise InputError(
            f"can not tell the format from the file name; pass --format ({', '.join(FORMATS)})", path
        )
    return fmt


@contextmanager
def _reading(path: str) -> Iterator[None]:
    """Turn an OSError while opening or reading *path* into a one-line InputError naming it."""
    try:
        yield
    except FileNotFoundError:
        raise InputError("no such file", path) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file", path) from None
    except OSError as exc:
        raise InputError(f"can not read: {exc.strerror}", path) from None


# Every format is streamed: a file (or stdin) is never read whole, so reading holds one record at a time. JSON
# (an array) is fed to an incremental parser piece by piece; the others take lines.
STREAMED_FORMATS = ("text", "jsonl", "json", "csv", "tsv", "bibtex")


def stream_pieces(path: str, size: int = PIECE_BYTES) -> Iterator[bytes]:
    """The bytes of *path* (stdin for '-') in pieces that end at a newline or after *size* bytes; no BOM."""
    with _reading(path):
        handle = sys.stdin.buffer if path == STDIN else open(path, "rb")
    with contextlib.nullcontext(handle) if path == STDIN else handle, _reading(path):
        first = True
        while piece := handle.readline(size):
            if first:
                first, piece = False, piece.removeprefix(b"\xef\xbb\xbf")
            yield piece


def stream_lines(path: str, *, oversized: list[tuple[int, int]] | None = None,
                 max_bytes: int = MAX_RECORD_BYTES) -> Iterator[str]:
    """The lines of *path* (stdin for '-'), ending "\n" kept, decoded one at a time, naming the line of any bad byte.

    Lines end at "\n" only, as in the parsers (a U+2028 inside a JSON string is no line break). A line longer
    than *max_bytes* (kg.ingest.paper.MAX_RECORD_BYTES) is never held whole: it is skipped piece by piece,
    appended to *oversized* as (line number, bytes) and passed on as a blank line, so the parsers' line numbers
    stay right; without *oversized* it raises InputError naming the line (kg.ingest.lines.lines_from_pieces).
    """
    return lines_from_pieces(stream_pieces(path), path, max_bytes=max_bytes, oversized=oversized)


def _with_oversized(items: Iterable[Paper | InputError], oversized: list[tuple[int, int]], name: str,
                    max_bytes: int) -> Iterator[Paper | InputError]:
    """*items*, with a rejection for every line stream_lines skipped as too long, as soon as it was skipped."""
    for item in items:
        while oversized:
            line, size = oversized.pop(0)
            yield InputError(oversized_reason(size, max_bytes), name, line)
        yield item
    for line, size in oversized:
        yield InputError(oversized_reason(size, max_bytes), name, line)


def file_date(path: str) -> _dt.date:
    """The date a page of pasted text was saved: its modification date (today for stdin)."""
    if path == STDIN:
        return _dt.date.today()
    return _dt.date.fromtimestamp(os.stat(path).st_mtime)


def read_records(path: str, fmt: str, *, year: int | None = None,
                 max_bytes: int = MAX_RECORD_BYTES) -> Iterator[Paper | InputError]:
    """Every record of one input as it is read: a Paper, or the InputError that rejects it (FILE:LINE).

    Every format holds one record at a time, whatever the size of the file, and no record longer than
    *max_bytes* (kg.ingest.paper.MAX_RECORD_BYTES): a longer line, JSON array item or BibTeX entry is rejected
    unread (FILE:LINE), counted like any bad record.
    """
    name = "<stdin>" if path == STDIN else path
    oversized: list[tuple[int, int]] = []
    if fmt == "json":
        pieces = stream_pieces(path, piece_bytes(max_bytes))
        return _with_oversized(parse_json(pieces, name, max_bytes=max_bytes, oversized=oversized), oversized, name,
                               max_bytes)
    if fmt == "bibtex":
        return _with_oversized(parse_bibtex(stream_lines(path, oversized=oversized, max_bytes=max_bytes), name,
                                            max_bytes=max_bytes), oversized, name, max_bytes)
    lines = stream_lines(path, oversized=oversized, max_bytes=max_bytes)
    if fmt == "text":
        with _reading(path):
            dated = None if year is not None else file_date(path)
        return _with_oversized(parse_text(lines, name, year=year, file_date=dated), oversized, name, max_bytes)
    return _with_oversized(PARSERS[fmt](lines, name), oversized, name, max_bytes)


def read_papers(
    paths: Iterable[str], *, format: str | None = None, skip_invalid: bool = False, year: int | None = None
) -> IngestResult:
    """Read every input, merge duplicate papers and return them with a report.

    Without *skip_invalid* the first bad record raises InputError (naming file and
    line); with it, bad records are listed in the report and reading goes on.
    Missing or unreadable files always raise: skipping a whole input is never silent.
    *year* completes page dates without a year in pasted text ("Mar 12"); by default the
    year of the file's modification date does.
    """
    report = IngestReport()
    by_key: dict[str, Paper] = {}
    for path in paths:
        path = str(path)
        fmt = format or (detect_format(path) if path != STDIN else None)
        if fmt is None:
            raise InputError("reading stdin needs --format", path)
        if fmt not in PARSERS:
            raise InputError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}", path)
        name = "<stdin>" if path == STDIN else path
        records_before = report.records_read
        for item in read_records(path, fmt, year=year):
            report.records_read += 1
            if isinstance(item, InputError):
                if not skip_invalid:
                    raise item
                report.rejected.append(Rejection(item.path or name, item.line, item.reason))
                continue
            key = title_key(item.title)
            if key in by_key:
                _merge(by_key[key], item)
                report.duplicates_merged += 1
                continue
            by_key[key] = item
        if report.records_read == records_before:
            problem = InputError(f"no papers found (read as {fmt}; is --format right?)", name)
            if not skip_invalid:
                raise problem
            report.rejected.append(Rejection(name, None, problem.reason))
    papers = list(by_key.values())
    report.ids_rederived = _make_ids_unique(papers)
    report.papers = len(papers)
    if not papers:
        detail = ""
        if report.rejected:
            first = report.rejected[0]
            where = first.path if first.line is None else f"{first.path}:{first.line}"
            detail = f" ({len(report.rejected)} rejected; the first: {where}: {first.reason})"
        raise InputError(f"no papers found in the inputs{detail}")
    return IngestResult(papers=papers, report=report)


def _merge(kept: Paper, duplicate: Paper) -> None:
    """Keep the first copy; fill what it lacks from the duplicate and remember where both came from.

    An id the input gives wins over one derived from the title, whatever the order of the inputs.
    """
    kept.sources.extend(duplicate.sources)
    if kept.derived_id and not duplicate.derived_id:
        kept.id, kept.derived_id = duplicate.id, False
    for name in ("year", "date", "url", "venue"):
        if getattr(kept, name) is None:
            setattr(kept, name, getattr(duplicate, name))
    if duplicate.date and kept.date:
        kept.date = earlier_date(kept.date, duplicate.date)  # a paper listed on two pages: the earlier one
    if not kept.authors:
        kept.authors = list(duplicate.authors)
    if len(duplicate.abstract) > len(kept.abstract):
        kept.abstract = duplicate.abstract


def earlier_date(a: str, b: str) -> str:
    """The earlier of two ISO dates of any precision; of "2024" and "2024-03-12", the more precise one."""
    if b.startswith(a):
        return b
    if a.startswith(b):
        return a
    return min(a, b)


def _make_ids_unique(papers: list[Paper]) -> list[dict]:
    """Two different papers with the same id: the first keeps it, later ones get an id of their own.

    The new id is derived from the title; if another paper already has (or is given) that one too,
    a counter is added ("-2", "-3", ...), so no paper ever replaces another. Returns what was renamed.
    """
    taken = {paper.id for paper in papers}
    seen: set[str] = set()
    renamed = []
    for paper in papers:
        if paper.id in seen:
            base = new_id = paper_id_from_title(paper.title)
            counter = 1
            while new_id in taken:
                counter += 1
                new_id = f"{base}-{counter}"
            source = paper.sources[0]
            renamed.append({"path": source.path, "line": source.line, "id": paper.id, "new_id": new_id})
            paper.id, paper.derived_id = new_id, True
            taken.add(new_id)
        seen.add(paper.id)
    return renamed


__all__ = ["FORMATS", "IngestReport", "IngestResult", "Paper", "Rejection", "Source", "detect_format", "read_papers",
           "read_records"]
