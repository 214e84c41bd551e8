"""Pattern files: reading, validation against their JSON Schema, and the one pattern version.

Every ``kg/extract/patterns/NAME.jsonl`` has a schema ``schemas/patterns/NAME.schema.json``, the one source.
The package holds a copy in ``kg/extract/patterns/schemas/`` (``make schemas`` makes it; a test checks that the
two are identical), so ``kg/`` alone is complete: an installed wheel or a ``git archive`` of ``kg/``. Each line is
validated when the file is read: a misspelt key, a wrong type or an unknown label is a ``PatternError`` naming
``FILE:LINE``, never a silently dropped row. ``kg/extract/patterns/VERSION`` is the only version; the snapshot
manifest records it.

This module sits below every room (it imports only kg.errors and jsonschema), so corpus resolution and canonical
names (kg.resolve) read their word lists (``resolve.jsonl``) without importing kg.extract and spaCy with it;
kg.extract.pattern_data re-exports it with the extractor's own helpers.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from kg.errors import PatternError

PATTERNS_DIR = Path(__file__).parent / "extract" / "patterns"
SCHEMAS_DIR = PATTERNS_DIR / "schemas"


def patterns_version() -> str:
    return (PATTERNS_DIR / "VERSION").read_text(encoding="utf-8").strip()


def schema_for(file_name: str) -> Path:
    return SCHEMAS_DIR / (Path(file_name).name.removesuffix(".jsonl") + ".schema.json")


@lru_cache(maxsize=64)
def _validator(schema_path: Path):
    import jsonschema

    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def read_patterns(path: str | Path, schema: str | Path | None = None) -> list[dict[str, Any]]:
    """Read and validate one JSONL pattern file; raise PatternError naming FILE:LINE on a bad row."""
    path = Path(path)
    if not path.is_absolute() and not path.exists():
        path = PATTERNS_DIR / path
    schema_path = Path(schema) if schema is not None else schema_for(path.name)
    if not schema_path.exists():
        raise PatternError(f"{path}: no JSON Schema for this pattern file (expected {schema_path})")
    validator = _validator(schema_path)
    rows = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise PatternError(f"{path}: can not read: {error.strerror}") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise PatternError(f"{path}:{number}: not JSON: {error.msg}") from None
        problems = sorted(validator.iter_errors(row), key=lambda e: list(e.path))
        if problems:
            problem = problems[0]
            where = "/".join(str(p) for p in problem.absolute_path)
            raise PatternError(f"{path}:{number}: {problem.message}" + (f" (at {where})" if where else ""))
        rows.append(row)
    return rows


def read_pattern_file(name: str) -> list[dict[str, Any]]:
    """A packaged pattern file, validated (see read_patterns)."""
    return read_patterns(PATTERNS_DIR / name)
