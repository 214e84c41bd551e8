"""`kg query`: run Cypher with parameters and give the rows back as plain Python values (table or JSON Lines)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import neo4j
from neo4j import graph as neo4j_graph

from kg.errors import InputError
from kg.neo4j.connection import Neo4jSettings, connect


@dataclass
class QueryResult:
    keys: list[str]
    rows: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)  # the server's warnings (unknown label, deprecation, ...)


def parse_parameters(pairs: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """``["year=2020", "name=ResNet"]`` -> ``{"year": 2020, "name": "ResNet"}``: JSON when it parses, else text."""
    parameters: dict[str, Any] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep or not name:
            raise InputError(f"parameter {pair!r} is not of the form key=value")
        try:
            parameters[name] = json.loads(text)
        except ValueError:
            parameters[name] = text
    return parameters


def plain(value: Any) -> Any:
    """Driver values -> JSON-friendly Python: nodes and relationships become their properties plus identity."""
    if isinstance(value, neo4j_graph.Node):
        return {"_labels": sorted(value.labels), **{k: plain(v) for k, v in value.items()}}
    if isinstance(value, neo4j_graph.Relationship):
        return {"_type": value.type, **{k: plain(v) for k, v in value.items()}}
    if isinstance(value, neo4j_graph.Path):
        return [plain(node) for node in value.nodes]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if hasattr(value, "iso_format"):  # neo4j.time types
        return value.iso_format()
    return str(value)


def run_query(driver: neo4j.Driver, cypher: str, parameters: dict[str, Any], database: str) -> QueryResult:
    # An auto-commit transaction, so statements such as CALL {...} IN TRANSACTIONS work too.
    with driver.session(database=database) as session:
        result = session.run(cypher, parameters)
        keys = list(result.keys())
        rows = [{key: plain(record[key]) for key in keys} for record in result]
        summary = result.consume()
    notes = [status.status_description for status in summary.gql_status_objects if status.is_notification]
    return QueryResult(keys, rows, notes)


def query(settings: Neo4jSettings, cypher: str, parameters: dict[str, Any] | None = None) -> QueryResult:
    with connect(settings, notifications=True) as driver:
        return run_query(driver, cypher, parameters or {}, settings.database)


def json_lines(result: QueryResult) -> Iterator[str]:
    for row in result.rows:
        yield json.dumps(row, ensure_ascii=False)


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def result_table(result: QueryResult):
    """A rich Table of the rows (text cells are not read as rich markup)."""
    from rich.table import Table
    from rich.text import Text

    table = Table(show_lines=False, header_style="bold")
    for key in result.keys:
        table.add_column(key, overflow="fold")
    for row in result.rows:
        table.add_row(*(Text(cell_text(row[key])) for key in result.keys))
    table.caption = f"{len(result.rows)} row{'s' if len(result.rows) != 1 else ''}"
    return table
