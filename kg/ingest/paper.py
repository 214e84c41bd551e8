"""The Paper record that every input format is read into."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

# The longest title + abstract kg extracts from: spaCy's default nlp.max_length. Longer records are rejected
# at ingest with FILE:LINE (spaCy would stop the whole run with E088). An abstract is a few thousand.
MAX_TEXT_CHARS = 1_000_000
# The longest input line the streamed readers (text, JSON Lines, CSV, TSV, BibTeX) read: 16 MiB of UTF-8. A longer
# line is rejected with FILE:LINE without being held (it is skipped in 1 MiB pieces), so one huge line (a
# 200 MB JSON Lines record, a text file without newlines) costs at most this much memory. A JSON Lines record of
# MAX_TEXT_CHARS characters, even escaped as \uXXXX, fits under it.
MAX_RECORD_BYTES = 16 * 1024 * 1024


@dataclass
class Source:
    path: str
    line: int


@dataclass
class Paper:
    """One paper. ``title`` and ``abstract`` are already cleaned of LaTeX escapes."""

    id: str
    title: str
    abstract: str
    year: int | None = None
    # ISO date at the precision the input gives: "2024", "2024-03" or "2024-03-12" (kg.ingest.dates).
    date: str | None = None
    authors: list[str] = field(default_factory=list)
    url: str | None = None
    venue: str | None = None
    sources: list[Source] = field(default_factory=list)
    # True when the id was derived from the title because the input gave none.
    derived_id: bool = field(default=False, compare=False)

    @property
    def text(self) -> str:
        """What extraction reads and what offsets index: title, newline, abstract."""
        return f"{self.title}\n{self.abstract}"

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "abstract": self.abstract,
            "year": self.year,
            "date": self.date,
            "authors": list(self.authors),
            "url": self.url,
            "venue": self.venue,
            "sources": [{"path": s.path, "line": s.line} for s in self.sources],
        }


def normalise_title(title: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a title (letters of any script kept)."""
    decomposed = unicodedata.normalize("NFKD", title)
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return re.sub(r"[\W_]+", " ", folded).strip()


def title_key(title: str) -> str:
    """What decides that two records are the same paper; a title of punctuation only counts as written."""
    return normalise_title(title) or title.strip()


def paper_id_from_title(title: str) -> str:
    """A stable id for a paper without one: a readable ASCII slug plus a short hash of the title key."""
    ascii_words = re.sub(r"[^a-z0-9 ]+", "", normalise_title(title)).split()
    slug = "-".join(ascii_words[:6])[:48].strip("-") or "paper"
    return f"{slug}-{hashlib.sha1(title_key(title).encode()).hexdigest()[:8]}"
