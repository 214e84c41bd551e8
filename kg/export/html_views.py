"""The explorer's views that answer at a glance: matrices, a timeline and leaderboards (data for the page).

- **Matrices**: methods x datasets and hardware x methods. A pair counts the papers that say so in any of
  three ways (as `kg query --named methods-on-dataset` does): a relation read from a sentence
  (EVALUATED_ON, RUNS_ON), a Result about both, or a paper that proposes the method and evaluates on the
  dataset (runs on the hardware). Each cell carries its evidence: [paper, sentence] pairs.
- **Timeline**: entities by the month they were first seen (``first_seen``), most papers first.
- **Leaderboards**: kg.graph.leaderboard for every dataset with results.

Papers and sentences are indices into the page's shared tables (the caller's ``paper`` and ``sentence``
functions), nodes are indices of drawn nodes (-1 when not drawn).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

import networkx as nx

from kg import schema
from kg.graph.build import paper_node_id

MATRIX_ROWS = 30
MATRIX_COLUMNS = 20
CELL_EVIDENCE = 8
TIMELINE_PER_MONTH = 40
LEADERBOARD_ROWS = 50

Pair = tuple[str, str]


def _pairs(graph: nx.MultiDiGraph, row_label: str, column_label: str, relation: str, result_role_row: str,
           result_role_column: str, paper_edge: str, *, method_is_row: bool) -> dict[Pair, dict[str, str | None]]:
    """{(row node, column node): {paper node: evidence sentence}} from relations, results and proposals."""
    found: dict[Pair, dict[str, str | None]] = defaultdict(dict)

    def add(row: str, column: str, paper: str | None, evidence: str | None) -> None:
        if paper is None:
            return
        known = found[(row, column)]
        if known.get(paper) is None:
            known[paper] = evidence

    method_label = schema.METHOD
    other_label = column_label if method_is_row else row_label
    for source, target, attrs in graph.edges(data=True):
        if attrs.get("type") != relation:
            continue
        if graph.nodes[source].get("label") != method_label or graph.nodes[target].get("label") != other_label:
            continue
        paper = paper_node_id(attrs["paper"]) if attrs.get("paper") is not None else None
        pair = (source, target) if method_is_row else (target, source)
        add(*pair, paper, attrs.get("evidence"))
    for node, attrs in graph.nodes(data=True):
        if attrs.get("label") != schema.RESULT:
            continue
        targets = {edge.get("type"): target for _, target, edge in graph.out_edges(node, data=True)}
        row, column = targets.get(result_role_row), targets.get(result_role_column)
        if row and column:
            add(row, column, paper_node_id(attrs.get("paper")), attrs.get("evidence"))
    for paper, attrs in graph.nodes(data=True):
        if attrs.get("label") != schema.PAPER:
            continue
        proposed, others = [], []
        for _, target, edge in graph.out_edges(paper, data=True):
            if edge.get("type") == schema.PROPOSES and graph.nodes[target].get("label") == method_label:
                proposed.append(target)
            elif edge.get("type") == paper_edge and graph.nodes[target].get("label") == other_label:
                others.append((target, edge.get("evidence")))
        for method in proposed:
            for other, evidence in others:
                add(*((method, other) if method_is_row else (other, method)), paper, evidence)
    return found


def _matrix(graph: nx.MultiDiGraph, name: str, row_label: str, column_label: str,
            pairs: dict[Pair, dict[str, str | None]], node_index: dict[str, int], label_index: dict[str, int],
            paper: Callable[[str], int], sentence: Callable[[str | None], int]) -> dict[str, Any]:
    def name_of(node: str) -> str:
        return str(graph.nodes[node].get("name", node)).lower()

    # Columns with the most papers first; then the rows with the most papers within those columns; then
    # only the columns that have a cell in those rows. No empty row or column is drawn.
    column_papers: dict[str, set[str]] = defaultdict(set)
    for (_row, column), papers in pairs.items():
        column_papers[column] |= set(papers)
    columns = sorted(column_papers, key=lambda n: (-len(column_papers[n]), name_of(n), n))[:MATRIX_COLUMNS]
    chosen_columns = set(columns)
    row_papers: dict[str, set[str]] = defaultdict(set)
    all_rows: set[str] = set()
    for (row, column), papers in pairs.items():
        all_rows.add(row)
        if column in chosen_columns:
            row_papers[row] |= set(papers)
    rows = sorted(row_papers, key=lambda n: (-len(row_papers[n]), name_of(n), n))[:MATRIX_ROWS]
    chosen_rows = set(rows)
    used = {column for (row, column) in pairs if row in chosen_rows and column in chosen_columns}
    columns = [column for column in columns if column in used]
    row_at = {node: i for i, node in enumerate(rows)}
    column_at = {node: i for i, node in enumerate(columns)}
    cells = []
    for (row, column), papers in sorted(pairs.items()):
        if row in row_at and column in column_at:
            ordered = sorted(papers.items(), key=lambda item: (-(item[1] is not None), item[0]))
            evidence = [[paper(p), sentence(text)] for p, text in ordered[:CELL_EVIDENCE]]
            cells.append([row_at[row], column_at[column], len(papers), evidence])

    def header(node: str, papers: set[str]) -> list[Any]:
        attrs = graph.nodes[node]
        return [str(attrs.get("name", node)), node_index.get(node, -1), label_index[attrs["label"]], len(papers)]

    return {
        "name": name, "rowLabel": row_label, "columnLabel": column_label,
        "rows": [header(n, row_papers[n]) for n in rows], "columns": [header(n, column_papers[n]) for n in columns],
        "rowsTotal": len(all_rows), "columnsTotal": len(column_papers), "cells": cells,
    }


def matrices(graph: nx.MultiDiGraph, node_index: dict[str, int], label_index: dict[str, int],
             paper: Callable[[str], int], sentence: Callable[[str | None], int]) -> list[dict[str, Any]]:
    methods_datasets = _pairs(graph, schema.METHOD, schema.DATASET, "EVALUATED_ON", "OF_METHOD", "ON_DATASET",
                              "EVALUATES_ON", method_is_row=True)
    hardware_methods = _pairs(graph, schema.HARDWARE, schema.METHOD, "RUNS_ON", "ON_HARDWARE", "OF_METHOD",
                              "RUNS_ON", method_is_row=False)
    return [
        _matrix(graph, "Methods × datasets", schema.METHOD, schema.DATASET, methods_datasets, node_index,
                label_index, paper, sentence),
        _matrix(graph, "Hardware × methods", schema.HARDWARE, schema.METHOD, hardware_methods, node_index,
                label_index, paper, sentence),
    ]


def timeline(graph: nx.MultiDiGraph, node_index: dict[str, int], label_index: dict[str, int]) -> dict[str, Any]:
    """Entities grouped by the month (or year, when only that is known) they were first seen; by day when
    the dates span two months or fewer (a few weeks of daily pages)."""
    dated: list[tuple[str, str]] = []
    undated = 0
    for node, attrs in graph.nodes(data=True):
        if attrs.get("label") not in schema.ENTITY_TYPES:
            continue
        first = attrs.get("first_seen")
        if first:
            dated.append((node, first))
        else:
            undated += 1
    by_day = len({first[:7] for _, first in dated}) <= 2
    by_period: dict[str, list[str]] = defaultdict(list)
    for node, first in dated:
        by_period[first if by_day else first[:7]].append(node)
    periods = []
    for period in sorted(by_period):
        nodes = sorted(by_period[period], key=lambda n: (-(graph.nodes[n].get("paper_count") or 0),
                                                         str(graph.nodes[n].get("name", n)).lower(), n))
        periods.append({
            "period": period,
            "total": len(nodes),
            "entities": [[str(graph.nodes[n].get("name", n)), node_index.get(n, -1),
                          label_index[graph.nodes[n]["label"]], int(graph.nodes[n].get("paper_count") or 0),
                          graph.nodes[n]["first_seen"]] for n in nodes[:TIMELINE_PER_MONTH]],
        })
    return {"periods": periods, "undated": undated, "unit": "day" if by_day else "month"}


def leaderboards(graph: nx.MultiDiGraph, node_index: dict[str, int], paper: Callable[[str], int],
                 sentence: Callable[[str | None], int]) -> list[dict[str, Any]]:
    """kg.graph.leaderboard for each dataset with results, most results first."""
    from kg.graph.leaderboard import dataset_boards

    counts = defaultdict(int)
    for source, target, attrs in graph.edges(data=True):
        if attrs.get("type") == "ON_DATASET":
            counts[target] += 1
    out = []
    for dataset in sorted(counts, key=lambda n: (-counts[n], str(graph.nodes[n].get("name", n)).lower(), n)):
        boards = []
        for item in dataset_boards(graph, [dataset]):
            rows = []
            for row in item["rows"][:LEADERBOARD_ROWS]:
                method = _target(graph, row["result"], "OF_METHOD")
                rows.append([row["method"], node_index.get(method, -1) if method else -1,
                             row["text"] or "", paper(row["paper"]) if row["paper"] in graph else -1,
                             sentence(row["evidence"]), row.get("rank"), row["relative"], row["low_confidence"]])
            boards.append({"metric": item["metric"], "free_text": item["free_text"], "unit": item["unit"],
                           "direction": item["direction"],
                           "rows": rows, "more": max(0, len(item["rows"]) - LEADERBOARD_ROWS)})
        out.append({"dataset": str(graph.nodes[dataset].get("name", dataset)), "node": node_index.get(dataset, -1),
                    "results": counts[dataset], "boards": boards})
    return out


def _target(graph: nx.MultiDiGraph, node: str, rel_type: str) -> str | None:
    for _, target, attrs in graph.out_edges(node, data=True):
        if attrs.get("type") == rel_type:
            return target
    return None
