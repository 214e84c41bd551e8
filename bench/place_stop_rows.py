"""Print the ``stop.jsonl`` rows for country names: ISO 3166-1 names from Debian's ``iso-codes`` package.

A place named in an abstract ("carbon-intensity data for regions in Europe and North America", "hospitals in the
United States and South Korea") is no Method, Dataset, Hardware, Metric or Task, yet a Title Case run of two words is
a shape-found name (``kg_open_rules``) and a capitalised word listed with one takes its type (``kg_entities``'s
coordinated names), so places became Methods. The names come from outside the gold data (the ISO 3166-1 table), as
the language rows of ``bench/language_stop_rows.py`` do, so the rows are a mechanism, not a fit to a paper:

    apt-get install iso-codes        # Debian; the JSON table is /usr/share/iso-codes/json/iso_3166-1.json
    python bench/place_stop_rows.py > /tmp/rows.jsonl

General filters (no per-name choices): each entry's ``name`` and ``common_name``; names with commas or brackets
("Korea, Republic of") are skipped (the common name stands for them); a name needs 4 characters; a name any curated
pattern file lists (any type) is left to that file. Rows match their case exactly and without variants (a
capitalised country name, never "turkey" or "chad").
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from language_stop_rows import main, stop_rows  # noqa: E402  (bench/ is no package: its scripts run as files)

DEFAULT_TABLE = Path("/usr/share/iso-codes/json/iso_3166-1.json")
MARK = "ISO 3166-1"


def country_names(table: Path) -> list[str]:
    """The table's country names, in its order, without repeats (see the module docstring)."""
    entries = json.loads(table.read_text(encoding="utf-8"))["3166-1"]
    names: list[str] = []
    for entry in entries:
        for key in ("name", "common_name"):
            name = entry.get(key, "").strip()
            if len(name) < 4 or "(" in name or "," in name:
                continue
            if name not in names:
                names.append(name)
    return names


def rows(table: Path, version: str) -> list[dict[str, object]]:
    return stop_rows(country_names(table), MARK, f"country ({MARK}, Debian iso-codes {version})")


if __name__ == "__main__":
    main(rows, DEFAULT_TABLE, __doc__)
