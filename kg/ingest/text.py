"""Raw text as pasted from a trending-papers page: a title line, then its abstract.

Blank lines between papers are optional, page boilerplate ("Subscribe", "Get
trending papers...", dates) is skipped, and the first title may be glued to
boilerplate ("SubscribeMarconi: ..."). An abstract may span several lines.

A page date line ("Mar 12") dates the papers below it, up to the next one (kg.ingest.dates).
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterator

from kg.errors import InputError
from kg.ingest.dates import PAGE_DATE, page_date
from kg.ingest.paper import Paper
from kg.ingest.records import paper_from_fields

BOILERPLATE = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"new",
        r"subscribe",
        r"get trending papers in your email inbox( once a day)?!?",
        r"by\s*AK and the research community",
        PAGE_DATE.pattern,  # page dates ("Mar 12"): they date the papers below them
        r"(trending|daily) papers",
        r"upvote|submitted by .*|\d+ upvotes?",
    )
]
_GLUED_PREFIX = re.compile(r"^(Subscribe|new|byAK and the research community)(?=[A-Z0-9])")
# Titles are short and rarely end with a full stop; abstracts are long.
MAX_TITLE_CHARS = 300
_SHORT_ABSTRACT_CHARS = 200


def is_boilerplate(line: str) -> bool:
    return any(pattern.fullmatch(line) for pattern in BOILERPLATE)


def _looks_like_title(line: str) -> bool:
    return len(line) <= MAX_TITLE_CHARS and not line.rstrip().endswith(".")


def content_lines(text: str) -> list[tuple[int, str]]:
    """(line number, stripped line) for every line that is neither blank nor boilerplate."""
    lines = []
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.strip()
        if not lines:
            line = _GLUED_PREFIX.sub("", line)
        if line and not is_boilerplate(line):
            lines.append((number, line))
    return lines


def page_dates(text: str, year: int | None, file_date: _dt.date | None) -> tuple[dict[int, str | None], list]:
    """The page date in force at each line number, and InputErrors for impossible dates ("Feb 30").

    *year* (``--year``) completes dates written without one; otherwise the year of *file_date* does, and a
    date that would fall after the file's date belongs to the year before.
    """
    current: str | None = None
    dated: dict[int, str | None] = {}
    errors = []
    default_year = year if year is not None else (file_date.year if file_date else None)
    not_after = None if year is not None else file_date
    for number, line in enumerate(text.split("\n"), start=1):
        try:
            found = page_date(line, default_year, not_after)
        except ValueError as exc:
            errors.append(InputError(f"page date {line.strip()!r}: {exc}", None, number))
            found = None
        if found is not None:
            current = found
        dated[number] = current
    return dated, errors


def parse_text(text: str, path: str, *, year: int | None = None,
               file_date: _dt.date | None = None) -> Iterator[Paper | InputError]:
    dated, errors = page_dates(text, year, file_date)
    for error in errors:
        yield InputError(error.reason, path, error.line)
    lines = content_lines(text)
    index = 0
    while index < len(lines):
        title_line, title = lines[index]
        if index + 1 >= len(lines):
            yield InputError(f"title {title[:60]!r} is not followed by an abstract", path, title_line)
            return
        _, first = lines[index + 1]
        following = lines[index + 2][1] if index + 2 < len(lines) else None
        # A short title-like "abstract" followed by a long line means this title has no abstract.
        if (len(first) < _SHORT_ABSTRACT_CHARS and _looks_like_title(first)
                and following is not None and not _looks_like_title(following)):
            yield InputError(f"title {title[:60]!r} is not followed by an abstract", path, title_line)
            index += 1
            continue
        paragraphs = [first]
        index += 2
        # Further long or sentence-final lines continue the abstract (multi-paragraph abstracts).
        while index < len(lines) and not _looks_like_title(lines[index][1]):
            paragraphs.append(lines[index][1])
            index += 1
        try:
            yield paper_from_fields({"title": title, "abstract": " ".join(paragraphs), "date": dated.get(title_line)},
                                    path, title_line)
        except InputError as exc:
            yield exc
