"""Raw text as pasted from a trending-papers page: a title line, then its abstract.

Blank lines between papers are optional, page boilerplate ("Subscribe", "Get
trending papers...", dates) is skipped, and the first title may be glued to
boilerplate ("SubscribeMarconi: ..."). An abstract may span several lines.

A page date line ("Mar 12") dates the papers below it, up to the next one (kg.ingest.dates).

The page is read as its lines arrive (:func:`parse_text` takes a whole text or an iterable of lines), so a
file of any size is read in bounded memory.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections import deque
from collections.abc import Iterable, Iterator

from kg.errors import InputError
from kg.ingest.dates import PAGE_DATE, page_date
from kg.ingest.lines import lines_of
from kg.ingest.paper import MAX_TEXT_CHARS, Paper
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
# An abstract running on past this many raw characters is rejected without being kept, so memory stays bounded
# (to come under kg's limit, MAX_TEXT_CHARS, cleaning LaTeX and whitespace would have to remove 7 characters in 8).
_MAX_RAW_CHARS = 8 * MAX_TEXT_CHARS


def is_boilerplate(line: str) -> bool:
    return any(pattern.fullmatch(line) for pattern in BOILERPLATE)


def _looks_like_title(line: str) -> bool:
    return len(line) <= MAX_TITLE_CHARS and not line.rstrip().endswith(".")


def _content(lines: Iterable[str], default_year: int | None, not_after: _dt.date | None,
             errors: list[tuple[int, str]]) -> Iterator[tuple[int, str, str | None]]:
    """(line number, stripped line, page date in force there) for every content line, as the lines arrive.

    A page date line dates the lines below it (kg.ingest.dates); an impossible one ("Feb 30") is appended to
    *errors* as (line number, reason) when it is read.
    """
    current: str | None = None
    seen_content = False
    for number, raw in enumerate(lines, start=1):
        try:
            found = page_date(raw, default_year, not_after)
        except ValueError as exc:
            errors.append((number, f"page date {raw.strip()!r}: {exc}"))
            found = None
        if found is not None:
            current = found
        line = raw.strip()
        if not seen_content:
            line = _GLUED_PREFIX.sub("", line)
        if line and not is_boilerplate(line):
            seen_content = True
            yield number, line, current


class _Window:
    """The next few content lines of a stream: look ahead without holding more than that."""

    def __init__(self, items: Iterator[tuple[int, str, str | None]]):
        self._items = items
        self._ahead: deque[tuple[int, str, str | None]] = deque()

    def peek(self, offset: int = 0) -> tuple[int, str, str | None] | None:
        while len(self._ahead) <= offset:
            item = next(self._items, None)
            if item is None:
                return None
            self._ahead.append(item)
        return self._ahead[offset]

    def pop(self) -> tuple[int, str, str | None]:
        self.peek()
        return self._ahead.popleft()


def parse_text(text: str | Iterable[str], path: str, *, year: int | None = None,
               file_date: _dt.date | None = None) -> Iterator[Paper | InputError]:
    """Papers as the lines arrive: *text* is the whole page or its lines one at a time (kg.ingest.stream_lines).

    Only the paper being read and the two content lines after it are held, so memory does not grow with the file.
    *year* (``--year``) completes page dates written without one; otherwise the year of *file_date* does, and a
    date that would fall after the file's date belongs to the year before.
    """
    errors: list[tuple[int, str]] = []
    default_year = year if year is not None else (file_date.year if file_date else None)
    not_after = None if year is not None else file_date
    window = _Window(_content(lines_of(text), default_year, not_after, errors))

    def reported() -> Iterator[InputError]:  # page date errors, as soon as the window has read their lines
        while errors:
            line, reason = errors.pop(0)
            yield InputError(reason, path, line)

    while window.peek() is not None:
        title_line, title, date = window.pop()
        first = window.peek()
        if first is None:
            yield from reported()
            yield InputError(f"title {title[:60]!r} is not followed by an abstract", path, title_line)
            break
        following = window.peek(1)
        # A short title-like "abstract" followed by a long line means this title has no abstract.
        if (len(first[1]) < _SHORT_ABSTRACT_CHARS and _looks_like_title(first[1])
                and following is not None and not _looks_like_title(following[1])):
            yield from reported()
            yield InputError(f"title {title[:60]!r} is not followed by an abstract", path, title_line)
            continue
        paragraphs = [window.pop()[1]]
        length = len(paragraphs[0])
        # Further long or sentence-final lines continue the abstract (multi-paragraph abstracts).
        while (ahead := window.peek()) is not None and not _looks_like_title(ahead[1]):
            line = window.pop()[1]
            length += 1 + len(line)
            if length <= _MAX_RAW_CHARS:
                paragraphs.append(line)
        yield from reported()
        if length > _MAX_RAW_CHARS:  # not kept: memory stays bounded however long the "abstract" runs on
            yield InputError(f"paper {title[:60]!r} has an abstract of {length:,} characters; "
                             f"kg reads abstracts of up to {MAX_TEXT_CHARS:,}", path, title_line)
            continue
        try:
            yield paper_from_fields({"title": title, "abstract": " ".join(paragraphs), "date": date},
                                    path, title_line)
        except InputError as exc:
            yield exc
    yield from reported()
