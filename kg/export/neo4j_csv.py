"""CSV files for ``neo4j-admin database import full``, the fastest way to load a large graph into an empty database.

One file per label (``nodes/Paper.csv``) and per relationship type and endpoint labels
(``relationships/PROPOSES-Paper-Method.csv``). Headers use the import tool's format: ``id:ID(Paper)``,
``:LABEL``, ``:START_ID(Paper)``, ``:END_ID(Method)``, ``:TYPE`` and typed columns such as ``paper_count:int``
or ``aliases:string[]``. Every string is quoted (so an empty string stays an empty string) and a missing value is
an empty unquoted field (no property). Array elements are joined with U+001F, which no title or name contains,
instead of the tool's default ``;``. ``import.sh`` in the output directory runs the import, and
``files.json`` lists the CSV files, so that ``kg neo4j import`` loads exactly those and nothing left over.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import networkx as nx

from kg.errors import InputError
from kg.graph import rows as neo4j_rows

ARRAY_DELIMITER = "\x1f"
FILE_LIST = "files.json"  # the CSV files of this export, relative to its directory
CSV_FOLDERS = ("nodes", "relationships")
ARRAY_DELIMITER_OPTION = "U+001F"  # how neo4j-admin is told about it
_INT32 = (-(2**31), 2**31 - 1)


def column_type(values: Iterable[Any]) -> str:
    """The import tool's type for a column holding *values* (None values left out)."""
    values = [value for value in values if value is not None]
    if values and all(isinstance(value, list) for value in values):
        items = [item for value in values for item in value]
        return _scalar_type(items) + "[]" if items else "string[]"
    return _scalar_type(values)


def _scalar_type(values: list[Any]) -> str:
    kinds = {type(value) for value in values}
    if kinds == {bool}:
        return "boolean"
    if kinds and kinds <= {int}:
        return "int" if all(_INT32[0] <= value <= _INT32[1] for value in values) else "long"
    if kinds and kinds <= {int, float}:
        return "double"
    return "string"


def _scalar_text(value: Any, kind: str) -> str:
    if kind == "string":
        text = value if isinstance(value, str) else str(value)
        return '"' + text.replace('"', '""') + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if kind == "double":
        value = float(value)
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return repr(value)
    return str(value)


def csv_field(value: Any, column: str) -> str:
    """One CSV field of a column of type *column* (the part after ``:`` in the header, or "string")."""
    if value is None or value == []:
        return ""  # no property: the import tool has no way to write an empty array
    if column.endswith("[]"):
        kind = column[:-2]
        parts = []
        for item in value:
            text = item if isinstance(item, str) else _scalar_text(item, kind)
            if ARRAY_DELIMITER in text:
                raise InputError(f"an array value contains U+001F, the array delimiter: {text!r}")
            parts.append(text)
        return '"' + ARRAY_DELIMITER.join(parts).replace('"', '""') + '"'
    return _scalar_text(value, column)


def _header(name: str, kind: str) -> str:
    return name if kind == "string" else f"{name}:{kind}"


def _property_columns(rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    names = sorted({name for row in rows for name in row["props"]})
    return [(name, column_type(row["props"].get(name) for row in rows)) for name in names]


def generate_neo4j_csv(graph: nx.MultiDiGraph) -> dict[str, list[str]]:
    """``{relative path: [header line, row lines...]}`` for every node and relationship file."""
    files: dict[str, list[str]] = {}
    for label, rows in neo4j_rows.node_rows(graph).items():
        columns = _property_columns(rows)
        header = [f"{neo4j_rows.NODE_KEY}:ID({label})", ":LABEL"] + [_header(n, k) for n, k in columns]
        lines = [",".join(header)]
        for row in rows:
            fields = [csv_field(row["id"], "string"), csv_field(label, "string")]
            fields += [csv_field(row["props"].get(name), kind) for name, kind in columns]
            lines.append(",".join(fields))
        files[f"nodes/{label}.csv"] = lines
    for (rel_type, start, end), rows in neo4j_rows.relationship_rows(graph).items():
        columns = _property_columns(rows)
        header = [f":START_ID({start})", f":END_ID({end})", ":TYPE", neo4j_rows.RELATIONSHIP_KEY]
        header += [_header(n, k) for n, k in columns]
        lines = [",".join(header)]
        for row in rows:
            fields = [csv_field(row["start"], "string"), csv_field(row["end"], "string"),
                      csv_field(rel_type, "string"), csv_field(row["key"], "string")]
            fields += [csv_field(row["props"].get(name), kind) for name, kind in columns]
            lines.append(",".join(fields))
        files[f"relationships/{rel_type}-{start}-{end}.csv"] = lines
    return files


def import_arguments(paths: Iterable[str], database: str = "neo4j") -> list[str]:
    """The arguments after ``neo4j-admin`` that import the files at *paths* (as written by generate_neo4j_csv)."""
    # The database goes before the file options: after them it would be read as one more file.
    arguments = ["database", "import", "full", database, "--overwrite-destination=true",
                 f"--array-delimiter={ARRAY_DELIMITER_OPTION}", "--multiline-fields=true"]
    for path in sorted(paths):
        option = "--nodes" if path.startswith("nodes/") else "--relationships"
        arguments.append(f"{option}={path}")
    return arguments


def import_script(paths: Iterable[str]) -> str:
    arguments = import_arguments(paths, database='"${1:-neo4j}"')
    lines = [
        "#!/bin/sh",
        "# Import these CSV files with neo4j-admin (Neo4j 5). It REPLACES the target database, which must be",
        "# stopped (`STOP DATABASE neo4j` or stop the server). Usage: ./import.sh [DATABASE]",
        "# NEO4J_ADMIN=/path/to/bin/neo4j-admin picks the binary; the default is the one on PATH.",
        "set -eu",
        'cd "$(dirname "$0")"',
        'exec "${NEO4J_ADMIN:-neo4j-admin}" ' + " ".join(arguments[:4]) + " \\",
    ]
    lines += [f"  {argument} \\" for argument in arguments[4:-1]] + [f"  {arguments[-1]}"]
    return "\n".join(lines) + "\n"


README = """# kg graph as neo4j-admin import CSV

- nodes/LABEL.csv: one file per node label, id column `id:ID(LABEL)` (the graph's node id, stored as `id`).
- relationships/TYPE-START-END.csv: `:START_ID(START)`, `:END_ID(END)`, `:TYPE`, `key` (unique between two nodes).
- Typed columns (`paper_count:int`, `value:double`, `aliases:string[]`); array elements are separated by U+001F.
- An empty unquoted field means "no property"; empty lists are left out the same way.
- files.json: the CSV files of this export; `kg neo4j import` loads exactly these.

Stop the target database, then run ./import.sh [DATABASE] (it calls `neo4j-admin database import full`
with --overwrite-destination=true, so the database is replaced). After the import, start the database and
create the constraints `kg push` would create (see `kg export cypher`, first lines) if you want them.
"""


def write_neo4j_csv(graph: nx.MultiDiGraph, directory: str | Path) -> list[Path]:
    """Write the CSV files, import.sh, files.json and README.md into *directory*. Returns the paths written.

    CSV files left in nodes/ and relationships/ by an earlier export are deleted first: a label or
    relationship type the graph no longer has must not be imported again.
    """
    directory = Path(directory)
    files = generate_neo4j_csv(graph)
    directory.mkdir(parents=True, exist_ok=True)
    for folder in CSV_FOLDERS:
        for stale in (directory / folder).glob("*.csv"):
            stale.unlink()
    written = []
    for relative, lines in files.items():
        path = directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="")
        written.append(path)
    script = directory / "import.sh"
    script.write_text(import_script(files), encoding="utf-8")
    os.chmod(script, 0o755)
    file_list = directory / FILE_LIST
    file_list.write_text(json.dumps({"files": sorted(files)}, indent=1) + "\n", encoding="utf-8")
    (directory / "README.md").write_text(README, encoding="utf-8")
    return written + [script, file_list, directory / "README.md"]


def listed_files(directory: str | Path) -> list[str]:
    """The CSV files (relative paths) that the export in *directory* wrote, from its files.json."""
    directory = Path(directory)
    file_list = directory / FILE_LIST
    try:
        listed = json.loads(file_list.read_text(encoding="utf-8"))["files"]
    except FileNotFoundError:
        raise InputError(f"no {FILE_LIST} here; write the files with `kg export neo4j-csv`", str(directory)) from None
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as error:
        raise InputError(f"unreadable file list: {error}", str(file_list)) from None
    if not isinstance(listed, list) or not all(isinstance(name, str) for name in listed):
        raise InputError('"files" must be a list of paths', str(file_list))
    for name in listed:
        # Only the shapes write_neo4j_csv produces: nothing outside the export directory.
        folder, _, base = name.partition("/")
        if folder not in CSV_FOLDERS or not base.endswith(".csv") or "/" in base or base.startswith("."):
            raise InputError(f"{name!r} is not a nodes/ or relationships/ CSV file", str(file_list))
        if not (directory / name).is_file():
            raise InputError(f"{name} is listed but missing; export again with `kg export neo4j-csv`",
                             str(directory))
    return sorted(listed)
