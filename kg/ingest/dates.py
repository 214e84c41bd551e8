"""Paper dates: ISO strings at the precision the input gives (``2024``, ``2024-03``, ``2024-03-12``).

Pasted pages carry page dates ("Mar 12", "Mar 12, 2024", "2024-03-12") that hold for the papers below them;
a page date without a year takes the year from ``--year`` or from the file's modification date. JSONL, CSV
and BibTeX records carry ``date`` and/or ``year`` (BibTeX also ``month``). ISO strings of mixed precision
sort correctly as text, which is how ``first_seen`` and ``--since`` compare them.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
MONTH_PATTERN = ("Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?"
                 "|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?")
# A page date line: "Mar 12", "March 12", "Mar. 12, 2024", or "2024-03-12".
PAGE_DATE = re.compile(rf"(?P<month>{MONTH_PATTERN})\.? (?P<day>\d{{1,2}})(?:, (?P<year>\d{{4}}))?"
                       r"|(?P<iso>\d{4}-\d{2}-\d{2})", re.IGNORECASE)
_ISO = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ][0-9:.+\-Z]*)?")


def iso(year: int, month: int | None = None, day: int | None = None) -> str:
    """The ISO string of a valid date at the given precision; raises ValueError for an impossible one."""
    if month is None:
        if not 1000 <= year <= 9999:
            raise ValueError(f"year {year} is out of range")
        return f"{year:04d}"
    if day is None:
        _dt.date(year, month, 1)
        return f"{year:04d}-{month:02d}"
    return _dt.date(year, month, day).isoformat()


def month_number(text: str) -> int | None:
    """1-12 for a month name or number ("mar", "March", "3", "03"), else None."""
    text = text.strip().lower().rstrip(".")
    if text.isdigit():
        number = int(text)
        return number if 1 <= number <= 12 else None
    return MONTHS.index(text[:3]) + 1 if text[:3] in MONTHS and (len(text) == 3 or
                                                                  _full_month(text)) else None


def _full_month(text: str) -> bool:
    return text in ("january", "february", "march", "april", "may", "june", "july", "august", "september",
                    "october", "november", "december", "sept")


def parse_date(value: Any) -> str:
    """A ``date`` field as an ISO string: ``2024``, ``2024-03``, ``2024-03-12`` (a time part is ignored),
    or "Mar 12, 2024" / "March 2024". Raises ValueError with what is wrong."""
    text = str(value).strip()
    match = _ISO.fullmatch(text)
    if match:
        year, month, day = match.groups()
        return iso(int(year), int(month) if month else None, int(day) if day else None)
    match = re.fullmatch(r"([A-Za-z]+)\.?\s+(?:(\d{1,2}),?\s+)?(\d{4})", text)
    if match and month_number(match.group(1)):
        day = int(match.group(2)) if match.group(2) else None
        return iso(int(match.group(3)), month_number(match.group(1)), day)
    raise ValueError(f"'date' must be an ISO date (2024-03-12, 2024-03 or 2024), not {value!r}")


def page_date(line: str, default_year: int | None, not_after: _dt.date | None = None) -> str | None:
    """The date of a page date line, or None if *line* is not one.

    A date without a year takes *default_year*; when *not_after* (the file's date) is given and the date
    would fall after it, the page is from the year before (a December page saved in January).
    Raises ValueError for an impossible date ("Feb 30").
    """
    match = PAGE_DATE.fullmatch(line.strip())
    if not match:
        return None
    if match.group("iso"):
        return parse_date(match.group("iso"))
    month, day = month_number(match.group("month")), int(match.group("day"))
    if match.group("year"):
        return iso(int(match.group("year")), month, day)
    if default_year is None:
        return None
    date = iso(default_year, month, day)
    if not_after is not None and _dt.date.fromisoformat(date) > not_after:
        date = iso(default_year - 1, month, day)
    return date


def month_of(date: str | None) -> str | None:
    """``2024-03`` for a date with a month, else None."""
    return date[:7] if date and len(date) >= 7 else None
