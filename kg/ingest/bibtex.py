"""BibTeX entries with an ``abstract`` field (parsed by bibtexparser)."""

from __future__ import annotations

from collections.abc import Iterator

import logging

import bibtexparser

from kg.errors import InputError
from kg.ingest.paper import Paper
from kg.ingest.records import paper_from_fields

_VENUE_FIELDS = ("journal", "booktitle", "venue", "publisher")


def parse_bibtex(text: str, path: str) -> Iterator[Paper | InputError]:
    # bibtexparser logs each failed block at length; the failure is reported once, below.
    logger = logging.getLogger("bibtexparser")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        library = bibtexparser.parse_string(text)
    finally:
        logger.setLevel(level)
    for block in library.failed_blocks:
        line = getattr(block, "start_line", None)
        error = getattr(block, "error", None)
        reason = " ".join(str(error).split()) if error else type(block).__name__
        yield InputError(f"malformed BibTeX entry: {reason or type(error).__name__}", path, (line or 0) + 1)
    for entry in library.entries:
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
            yield paper_from_fields(record, path, entry.start_line + 1, strip_braces=True)
        except InputError as exc:
            yield exc
