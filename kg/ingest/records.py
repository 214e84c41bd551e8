"""Shared checks that turn a raw field mapping (from JSONL, CSV or BibTeX) into a Paper."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from kg.errors import InputError
from kg.ingest.dates import iso, month_number, parse_date
from kg.ingest.latex import clean_latex, collapse_whitespace
from kg.ingest.paper import Paper, Source, paper_id_from_title


# Control characters other than whitespace have no place in a title or abstract (and break XML).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_field(value: str, *, strip_braces: bool = False) -> str:
    return collapse_whitespace(_CONTROL.sub("", clean_latex(value, strip_braces=strip_braces)[0]))


def paper_from_fields(fields: Mapping[str, Any], path: str, line: int, *, strip_braces: bool = False) -> Paper:
    """Validate *fields* and build a Paper; raise InputError naming *path* and *line* otherwise."""
    title = fields.get("title")
    abstract = fields.get("abstract")
    if not isinstance(title, str) or not title.strip():
        raise InputError("record has no title", path, line)
    if not isinstance(abstract, str) or not abstract.strip():
        raise InputError(f"paper {title.strip()[:60]!r} has no abstract", path, line)
    title = clean_field(title, strip_braces=strip_braces)
    abstract = clean_field(abstract, strip_braces=strip_braces)
    if not title:
        raise InputError("record has no title once LaTeX and control characters are removed", path, line)
    if not abstract:
        raise InputError(f"paper {title[:60]!r} has no abstract once LaTeX and control characters are removed",
                         path, line)
    given_id = fields.get("id")
    if given_id is not None and not isinstance(given_id, (str, int)):
        raise InputError(f"'id' must be a string or number, not {type(given_id).__name__}", path, line)
    given_id = str(given_id).strip() if given_id is not None else ""
    year = _year(fields.get("year"), path, line)
    date = _date(fields, year, path, line)
    return Paper(
        id=given_id or paper_id_from_title(title),
        title=title,
        abstract=abstract,
        year=year if year is not None else (int(date[:4]) if date else None),
        date=date,
        authors=_authors(fields.get("authors"), strip_braces),
        url=_optional_text(fields.get("url")),
        venue=_optional_text(fields.get("venue"), strip_braces),
        sources=[Source(path, line)],
        derived_id=not given_id,
    )


def _year(value: Any, path: str, line: int) -> int | None:
    if value in (None, ""):
        return None
    match = re.fullmatch(r"\s*(\d{4})\s*", str(value))
    if not match:
        raise InputError(f"'year' must be a four-digit year, not {value!r}", path, line)
    return int(match.group(1))


def _date(fields: Mapping[str, Any], year: int | None, path: str, line: int) -> str | None:
    """The ``date`` field, else ``year`` (+ ``month``, as BibTeX writes it); a date that contradicts the year is an
    error, and so is a month without a year."""
    value, month = fields.get("date"), fields.get("month")
    try:
        if value not in (None, ""):
            date = parse_date(value)
            if year is not None and int(date[:4]) != year:
                raise InputError(f"'date' {value!r} is not in 'year' {year}", path, line)
            return date
        if month not in (None, ""):
            number = month_number(str(month))
            if number is None:
                raise InputError(f"'month' must be a month name or number, not {month!r}", path, line)
            if year is None:
                raise InputError("'month' without a 'year'", path, line)
            return iso(year, number)
        return iso(year) if year is not None else None
    except ValueError as exc:
        raise InputError(str(exc), path, line) from None


def _authors(value: Any, strip_braces: bool = False) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        parts = re.split(r"\s+and\s+|;", value)
    elif isinstance(value, list):
        parts = [str(p) for p in value]
    else:
        parts = [str(value)]
    names = (clean_field(p, strip_braces=strip_braces) for p in parts)
    return [name for name in names if name]


def _optional_text(value: Any, strip_braces: bool = False) -> str | None:
    if value in (None, ""):
        return None
    return clean_field(str(value), strip_braces=strip_braces) or None
