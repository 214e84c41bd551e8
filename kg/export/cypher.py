"""A Cypher script that loads the graph with cypher-shell (``cypher-shell -f graph.cypher``) or Neo4j Browser.

Constraints come first, then the same ``UNWIND ... MERGE`` statements `kg push --prune` runs, with the rows
written as literal lists instead of parameters, so the script is idempotent. Like `kg push --prune`, it replaces
properties (``SET n = row.props``) rather than merging them: run over a database that holds an older version of
the graph, every node and relationship of the script ends with exactly this graph's properties (one the graph no
longer has is removed). Nodes and relationships the graph no longer has are left alone: `kg push --prune` deletes
them. Every statement sits on one line ending in
``;``. Strings are single-quoted Cypher literals in which backslashes, quotes, control characters and every
non-ASCII character are escaped, so the file is plain ASCII and no title can end a string or a statement early.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx

from kg.atomic import atomic_file
from kg.graph import rows as neo4j_rows

DEFAULT_BATCH_SIZE = 100  # rows per statement: keeps each line a manageable size
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_ESCAPES = {"\\": "\\\\", "'": "\\'", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def cypher_string(text: str) -> str:
    """*text* as a single-quoted Cypher string literal, pure ASCII."""
    out = ["'"]
    for char in text:
        code = ord(char)
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif 0x20 <= code < 0x7F:
            out.append(char)
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04X}")
        else:  # outside the BMP: a UTF-16 surrogate pair, as Cypher strings are Java strings
            code -= 0x10000
            out.append(f"\\u{0xD800 + (code >> 10):04X}\\u{0xDC00 + (code & 0x3FF):04X}")
    out.append("'")
    return "".join(out)


def cypher_key(name: str) -> str:
    return name if _IDENTIFIER.match(name) else neo4j_rows.quote_identifier(name)


def cypher_literal(value: Any) -> str:
    """A Cypher literal for a value produced by :func:`kg.graph.rows.property_value` (or a row map)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "toFloat('NaN')"
        if math.isinf(value):
            return "toFloat('Infinity')" if value > 0 else "toFloat('-Infinity')"
        return repr(value)
    if isinstance(value, str):
        return cypher_string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(cypher_literal(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{cypher_key(str(k))}: {cypher_literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"no Cypher literal for {type(value).__name__}")


def generate_cypher(graph: nx.MultiDiGraph, batch_size: int = DEFAULT_BATCH_SIZE) -> Iterator[str]:
    """The script's lines: comments, constraints, then one MERGE statement per batch of rows."""
    yield (f"// kg graph: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} relationships. "
           "Idempotent: running it again changes nothing. Properties are replaced (SET n = props), not merged.")
    yield "// Run with: cypher-shell -u neo4j -p PASSWORD -f graph.cypher"
    for statement in neo4j_rows.constraint_statements():
        yield statement + ";"
    yield "CALL db.awaitIndexes(300);"
    for label, rows in neo4j_rows.node_rows(graph).items():
        yield f"// {label}: {len(rows)} nodes"
        for chunk in neo4j_rows.batches(rows, batch_size):
            yield neo4j_rows.node_merge_cypher(label, rows=cypher_literal(chunk), replace=True) + ";"
    for (rel_type, start, end), rows in neo4j_rows.relationship_rows(graph).items():
        yield f"// {rel_type} ({start})->({end}): {len(rows)} relationships"
        for chunk in neo4j_rows.batches(rows, batch_size):
            yield neo4j_rows.relationship_merge_cypher(rel_type, start, end, rows=cypher_literal(chunk),
                                                        replace=True) + ";"


def cypher_statements(text: str) -> list[str]:
    """Split a script written by :func:`generate_cypher` into statements (without the trailing ``;``)."""
    return [line[:-1] for line in text.splitlines() if line.strip() and not line.startswith("//")]


def write_cypher(graph: nx.MultiDiGraph, path: str | Path, batch_size: int = DEFAULT_BATCH_SIZE) -> None:
    with atomic_file(path, encoding="utf-8", newline="\n") as handle:  # ASCII unless a property key is not
        for line in generate_cypher(graph, batch_size):
            handle.write(line + "\n")
