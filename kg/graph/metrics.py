"""Metric directions (which way is better) and relative results, from data/metric_directions.json."""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg import schema
from kg.naming import merge_key

DATA = Path(__file__).parent / "data"
LOW_CONFIDENCE = 0.5


@dataclass(frozen=True)
class MetricTable:
    version: str
    directions: dict[str, str]  # metric merge key -> "higher" | "lower"
    relative_qualifiers: frozenset[str]


@functools.lru_cache(maxsize=1)
def metric_table() -> MetricTable:
    """The metric directions data file, validated against its schema (a bad row is an error)."""
    import jsonschema

    data = json.loads((DATA / "metric_directions.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, json.loads((DATA / "metric_directions.schema.json").read_text(encoding="utf-8")))
    directions: dict[str, str] = {}
    for row in data["directions"]:
        key = merge_key(row["metric"], schema.METRIC)
        if directions.get(key, row["direction"]) != row["direction"]:
            raise ValueError(f"metric_directions.json: {row['metric']!r} is listed with both directions")
        directions[key] = row["direction"]
    return MetricTable(data["version"], directions, frozenset(q.lower() for q in data["relative_qualifiers"]))


def metric_direction(name: str | None) -> str | None:
    """'higher' or 'lower' for a metric name: its merge key, else its longest final words in the table."""
    if not name:
        return None
    table = metric_table().directions
    words = [word for word in re.split(r"\s+", name.strip()) if word]
    for start in range(len(words)):
        found = table.get(merge_key(" ".join(words[start:]), schema.METRIC))
        if found:
            return found
    return None


def is_relative(result: dict[str, Any]) -> bool:
    """A change against a baseline ("2x faster", "30% lower latency"), not a score to rank."""
    qualifier = (result.get("qualifier") or "").lower()
    return result.get("unit") == "x" or any(word in metric_table().relative_qualifiers for word in qualifier.split())
