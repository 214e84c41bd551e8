"""Local, offline leaderboards from the results a graph holds: the methods on a dataset, best first.

A leaderboard is every Result linked to the dataset (``ON_DATASET``), optionally only for one metric and for
papers about one task, grouped into boards by metric and unit. Within a board, absolute scores come first,
best first when the metric's direction is known (``data/metric_directions.json``; the Metric node's
``direction``), in paper order otherwise; results that state a change against a baseline ("2x faster",
qualifier in ``relative_qualifiers``) follow, unranked. Results whose attachment is uncertain are marked,
never hidden: a ``confidence`` below :data:`LOW_CONFIDENCE`, or no method attached. A result whose metric is
only a free phrase (``metric_text``: "performance", "prefill speed"; no Metric entity) is grouped under that
text on a board marked ``free_text``, apart from any Metric entity of the same name; it is never dropped.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from kg.errors import InputError
from kg import schema
from kg.graph.build import paper_node_id
from kg.graph.metrics import LOW_CONFIDENCE, is_relative, metric_direction
from kg.naming import merge_key, name_keys

TASK = schema.TASK


def _matches(attrs: dict[str, Any], node: str, wanted: str) -> bool:
    """Name, an alias or the id, case-insensitively, or the merge key of the name or an alias (kg.naming.name_keys;
    `kg query --named` matches the same way, on the nodes' ``merge_keys``)."""
    label = attrs.get("label", "")
    names = [attrs.get("name") or "", *(attrs.get("aliases") or [])]
    lowered = wanted.strip().lower()
    if node == wanted or any(name.lower() == lowered for name in names):
        return True
    key = merge_key(wanted, label)
    return bool(key) and key in name_keys(label, attrs.get("name"), attrs.get("aliases") or [])


def find_entities(graph: nx.MultiDiGraph, label: str, wanted: str) -> list[str]:
    return sorted(node for node, attrs in graph.nodes(data=True)
                  if attrs.get("label") == label and _matches(attrs, node, wanted))


def _target(graph: nx.MultiDiGraph, result: str, rel_type: str) -> str | None:
    for _, target, attrs in graph.out_edges(result, data=True):
        if attrs.get("type") == rel_type:
            return target
    return None


def low_confidence_reason(graph: nx.MultiDiGraph, result: str) -> str | None:
    attrs = graph.nodes[result]
    confidence = attrs.get("confidence")
    if isinstance(confidence, (int, float)) and confidence < LOW_CONFIDENCE:
        return f"attachment confidence {confidence:.2f}"
    if _target(graph, result, "OF_METHOD") is None:
        return "no method attached"
    return None


def leaderboard(graph: nx.MultiDiGraph, dataset: str, *, metric: str | None = None,
                task: str | None = None) -> dict[str, Any]:
    """The boards for *dataset* (name, alias or id). Raises InputError when nothing matches a name."""
    datasets = find_entities(graph, schema.DATASET, dataset)
    if not datasets:
        raise InputError(f"no dataset named {dataset!r} in this graph" + _suggest(graph, schema.DATASET, dataset))
    metrics = None
    if metric is not None:
        metrics = set(find_entities(graph, schema.METRIC, metric))
        if not metrics and not _has_metric_text(graph, metric):
            raise InputError(f"no metric named {metric!r} in this graph" + _suggest(graph, schema.METRIC, metric))
    task_papers = None
    if task is not None:
        tasks = find_entities(graph, TASK, task)
        if not tasks:
            has_tasks = any(attrs.get("label") == TASK for _, attrs in graph.nodes(data=True))
            raise InputError(f"no task named {task!r} in this graph" if has_tasks else
                             "this graph has no Task entities; leave out --task")
        task_papers = {source for node in tasks for source, _ in graph.in_edges(node)
                       if graph.nodes[source].get("label") == schema.PAPER}

    return {"dataset": [graph.nodes[n]["name"] for n in datasets], "metric": metric, "task": task,
            "boards": dataset_boards(graph, datasets, metrics=metrics, task_papers=task_papers,
                                     metric_text=metric)}


def _free_metric(values: dict[str, Any]) -> str | None:
    """A result's free metric phrase ("performance"), stripped; None when it has none."""
    text = values.get("metric_text")
    return str(text).strip() or None if text else None


def _has_metric_text(graph: nx.MultiDiGraph, wanted: str) -> bool:
    lowered = wanted.strip().lower()
    return any(attrs.get("label") == schema.RESULT and (_free_metric(attrs) or "").lower() == lowered
               for _, attrs in graph.nodes(data=True))


def dataset_boards(graph: nx.MultiDiGraph, datasets: list[str], *, metrics: set[str] | None = None,
                   task_papers: set[str] | None = None, metric_text: str | None = None) -> list[dict[str, Any]]:
    """The boards of the dataset nodes *datasets* (ids), optionally only for *metrics* (ids) and results of
    *task_papers* (paper node ids). Costs the results on those datasets, not the size of the graph.

    With *metrics* set, a result without a Metric entity is kept when its free ``metric_text`` equals
    *metric_text* (case-insensitively). Each board says whether its metric is such free text (``free_text``).
    """
    boards: dict[tuple[str | None, str | None, bool], list[dict[str, Any]]] = {}
    shown: dict[tuple[str | None, str | None, bool], str | None] = {}
    wanted_text = metric_text.strip().lower() if metric_text else None
    for node in datasets:
        for result, _, attrs in graph.in_edges(node, data=True):
            if attrs.get("type") != "ON_DATASET":
                continue
            metric_node = _target(graph, result, "FOR_METRIC")
            values = graph.nodes[result]
            free = None if metric_node else _free_metric(values)
            if metrics is not None and metric_node not in metrics and not (
                    free and wanted_text and free.lower() == wanted_text):
                continue
            paper = paper_node_id(values.get("paper"))
            if task_papers is not None and paper not in task_papers:
                continue
            method_node = _target(graph, result, "OF_METHOD")
            metric_name = graph.nodes[metric_node]["name"] if metric_node else free
            paper_attrs = graph.nodes[paper] if paper in graph else {}
            row = {
                "result": result,
                "method": graph.nodes[method_node]["name"] if method_node else None,
                "value": values.get("value"),
                "value_high": values.get("value_high"),
                "unit": values.get("unit"),
                "qualifier": values.get("qualifier"),
                "text": values.get("text"),
                "relative": is_relative(values),
                "paper": paper,
                "paper_title": paper_attrs.get("title"),
                "paper_date": paper_attrs.get("date"),
                "evidence": values.get("evidence"),
                "low_confidence": low_confidence_reason(graph, result),
            }
            # free text groups case-insensitively, under the form first seen ("performance" / "Performance")
            key = (free.lower() if free else metric_name, values.get("unit"), free is not None)
            shown.setdefault(key, metric_name)
            boards.setdefault(key, []).append(row)

    out = []
    for key, rows in boards.items():
        _, unit, free_text = key
        metric_name = shown[key]
        direction = metric_direction(metric_name)
        rows.sort(key=lambda row: _rank(row, direction))
        for rank, row in enumerate((row for row in rows if not row["relative"] and direction), start=1):
            row["rank"] = rank
        out.append({"metric": metric_name, "free_text": free_text, "unit": unit, "direction": direction,
                    "rows": rows})
    out.sort(key=lambda board: (-len(board["rows"]), board["metric"] or "\uffff", board["free_text"],
                                board["unit"] or ""))
    return out


def _rank(row: dict[str, Any], direction: str | None) -> tuple:
    value = row["value"] if isinstance(row["value"], (int, float)) else None
    if row["relative"] or direction is None or value is None:
        score = 0.0
    else:
        score = -value if direction == "higher" else value
    return (row["relative"] or direction is None or value is None, score,
            row["paper_date"] or "", row["paper_title"] or "", row["result"])


def _suggest(graph: nx.MultiDiGraph, label: str, wanted: str) -> str:
    import difflib

    names = sorted({attrs.get("name", "") for _, attrs in graph.nodes(data=True) if attrs.get("label") == label})
    close = difflib.get_close_matches(wanted, names, n=3, cutoff=0.6)
    return f"; did you mean {', '.join(close)}?" if close else ""


def format_leaderboard(board: dict[str, Any]) -> str:
    """Text for people: one table per metric and unit, best first; '?' marks a low-confidence attachment."""
    lines = [f"leaderboard: {', '.join(board['dataset'])}"
             + (f", metric {board['metric']}" if board["metric"] else "")
             + (f", task {board['task']}" if board["task"] else "")]
    if not board["boards"]:
        lines.append("no results on this dataset" + (" for this metric" if board["metric"] else ""))
    for item in board["boards"]:
        direction = {"higher": "higher is better", "lower": "lower is better"}.get(item["direction"],
                                                                                   "direction unknown: not ranked")
        lines.append("")
        name = f'"{item["metric"]}" (free text)' if item.get("free_text") else item["metric"] or "(no metric)"
        lines.append(name + (f" [{item['unit']}]" if item["unit"] else "")
                     + f" - {direction}")
        for row in item["rows"]:
            value = row["text"] or f"{row['value']}{row['unit'] or ''}"
            rank = f"{row['rank']:>3}." if "rank" in row else ("  ~ " if row["relative"] else "  - ")
            mark = f"  ? {row['low_confidence']}" if row["low_confidence"] else ""
            lines.append(f"{rank} {row['method'] or '(no method)'}: {value}  ({row['paper_title']}){mark}")
            if row["evidence"]:
                lines.append(f"      \"{row['evidence']}\"")
    return "\n".join(lines)
