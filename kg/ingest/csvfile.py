"""CSV (or TSV) with a header row naming at least ``title`` and ``abstract``."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from kg.errors import InputError
from kg.ingest.paper import Paper
from kg.ingest.records import paper_from_fields


def parse_csv(text: str | Iterable[str], path: str, *, delimiter: str = ",") -> Iterator[Paper | InputError]:
    """*text* is the whole file or its lines (ends kept) one at a time (kg.ingest.stream_lines)."""
    # The default 128 KB field limit is too small for some abstracts with their LaTeX.
    csv.field_size_limit(max(csv.field_size_limit(), 64 * 1024 * 1024))
    lines = io.StringIO(text, newline="") if isinstance(text, str) else text
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        yield InputError("empty file: expected a header row with 'title' and 'abstract'", path, 1)
        return
    except csv.Error as exc:
        yield InputError(f"malformed CSV header: {exc}", path, 1)
        return
    columns = [name.strip().lower() for name in header]
    missing = [name for name in ("title", "abstract") if name not in columns]
    if missing:
        yield InputError(f"CSV header lacks column(s) {', '.join(missing)}; found: {', '.join(columns)}", path, 1)
        return
    while True:
        line_number = reader.line_num + 1  # where the next record starts
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # The reader's position is unreliable after a quoting error, so stop and say so.
            yield InputError(f"malformed CSV row: {exc}; the rest of the file was not read", path, line_number)
            return
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(columns):
            yield InputError(f"row has {len(row)} fields, the header has {len(columns)}", path, line_number)
            continue
        try:
            yield paper_from_fields(dict(zip(columns, row)), path, line_number)
        except InputError as exc:
            yield exc
