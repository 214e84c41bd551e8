"""Print the ``stop.jsonl`` rows for natural-language names: ISO 639-2 names from Debian's ``iso-codes`` package.

A language named in an abstract ("seventeen African languages, including Hausa, Yoruba, Igbo, ...") is no Method,
Dataset or Task, yet a capitalised word listed with a name takes that name's type (``kg_entities``'s coordinated
names), so a list of languages beside one shaped name became a list of Methods. The names come from outside the
gold data (the ISO 639-2 table), so the rows are a mechanism, not a fit to a paper:

    apt-get install iso-codes        # Debian; the JSON table is /usr/share/iso-codes/json/iso_639-2.json
    python bench/language_stop_rows.py > /tmp/rows.jsonl

General filters (no per-name choices): each ``;``-separated name of an entry; collective entries ("... languages",
names with brackets or commas) and the "Reserved for local use" code are skipped; a name needs 4 characters ("Ga",
"Lao", "Edo" are words or parts of names too often); a name any curated pattern file lists (any type) is left to
that file. Rows match their case exactly and without variants (a capitalised language name, never "latin" or
"creek").
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

DEFAULT_TABLE = Path("/usr/share/iso-codes/json/iso_639-2.json")
CURATED = ("methods.jsonl", "datasets.jsonl", "hardware.jsonl", "metrics.jsonl", "tasks.jsonl", "ambiguous.jsonl",
           "stop.jsonl")


def language_names(table: Path) -> list[str]:
    """The table's individual language names, in its order, without repeats (see the module docstring)."""
    entries = json.loads(table.read_text(encoding="utf-8"))["639-2"]
    names: list[str] = []
    for entry in entries:
        for name in entry["name"].split(";"):
            name = name.strip()
            if len(name) < 4 or "(" in name or "," in name or "language" in name.lower() or name.startswith("Reserved"):
                continue
            if name not in names:
                names.append(name)
    return names


def stop_rows(names: list[str], mark: str, what: str) -> list[dict[str, object]]:
    """``stop.jsonl`` rows for *names* (each "a <what> (<mark>, ...)"), but for the names a curated pattern file lists
    (rows already marked *mark* do not count: they are the ones being regenerated)."""
    from kg.extract.vocabulary import row_names
    from kg.patterns import read_pattern_file

    curated = {name.lower() for file in CURATED for row in read_pattern_file(file)
               if not (file == "stop.jsonl" and mark in row.get("comment", "")) for name in row_names(row)}
    return [{"label": "Ignore", "pattern": name, "case": True, "exact_form": True, "comment": f"a {what}"}
            for name in names if name.lower() not in curated]


def rows(table: Path, version: str) -> list[dict[str, object]]:
    return stop_rows(language_names(table), "ISO 639-2",
                     f"natural language (ISO 639-2, Debian iso-codes {version})")


def main(make_rows=rows, default_table: Path = DEFAULT_TABLE, doc: str | None = __doc__) -> None:
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--table", type=Path, default=default_table)
    parser.add_argument("--version", default="4.15.0", help="the iso-codes version the table comes from")
    args = parser.parse_args()
    for row in make_rows(args.table, args.version):
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
