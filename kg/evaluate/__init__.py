"""Extraction quality against a gold set: strict and lenient P/R/F1 per entity type, proposals, results and
relations (:mod:`kg.evaluate.scoring`, :mod:`kg.evaluate.edges`); agreement between two gold files
(:mod:`kg.evaluate.agreement`); bootstrap intervals and paired comparisons (:mod:`kg.evaluate.bootstrap`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import InputError
from kg.evaluate.edges import RELATION_TYPES, RESULT_ROLES, EdgeEvaluation, check_edge_gold
from kg.evaluate.scoring import MODES, Counts, Evaluation, evaluate, surfaces_match
from kg.schema import ENTITY_TYPES

if TYPE_CHECKING:
    from kg.evaluate.bootstrap import Comparison

__all__ = ["MODES", "Counts", "EdgeEvaluation", "Evaluation", "compare_files", "evaluate", "evaluate_files",
           "format_comparison", "format_report", "read_jsonl", "report_dict", "surfaces_match"]


def read_jsonl(path: str | Path, what: str = "record") -> list[dict[str, Any]]:
    """Read one JSON object per line; a malformed line is an InputError naming file and line."""
    return [row for _, row in read_numbered_jsonl(path, what)]


def read_numbered_jsonl(path: str | Path, what: str = "record") -> list[tuple[int, dict[str, Any]]]:
    """Like :func:`read_jsonl`, with each object's line number (blank lines are skipped but counted)."""
    rows = []
    try:
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as error:
                    raise InputError(f"not a JSON {what}: {error.msg}", str(path), number) from None
                if not isinstance(row, dict) or not isinstance(row.get("id"), str):
                    raise InputError(f"a {what} must be a JSON object with an \"id\" string", str(path), number)
                if not isinstance(row.get("title", ""), (str, type(None))):
                    raise InputError(f"{what} {row['id']!r}: \"title\" must be a string", str(path), number)
                rows.append((number, row))
    except OSError as error:
        raise InputError(f"can not read: {error.strerror}", str(path)) from None
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", str(path)) from None
    return rows


Intervals = dict[tuple[str, str], tuple[float, float]]  # (mode, key) -> 95% bounds (kg.evaluate.bootstrap)


def _f1_cell(value: float, interval: tuple[float, float] | None, width: int, pad: bool = False) -> str:
    """An F1 right-aligned in *width*, followed by its interval when there is one (blanks in its place with
    *pad*: a score no draw defines)."""
    if interval is not None:
        return f"{value:>{width}.3f} [{interval[0]:.3f}, {interval[1]:.3f}]"
    return f"{value:>{width}.3f}" + (" " * 15 if pad else "")


class _Table:
    """Rows of strict and lenient P/R/F1 (and, with intervals, each F1's interval) under one header."""

    def __init__(self, first: str, width: int, intervals: Intervals | None):
        self.width, self.intervals = width, intervals
        gap = " " * 15 if intervals is not None else ""
        self.header = (f"{first:<{width}} {'gold':>5} | {'strict P':>8} {'R':>6} {'F1':>6}{gap} | "
                       f"{'lenient P':>9} {'R':>6} {'F1':>6}{gap}").rstrip()

    def row(self, name: str, key: str, strict: Counts, lenient: Counts) -> str:
        ci, pad = (self.intervals or {}).get, self.intervals is not None
        return (f"{name:<{self.width}} {strict.tp + strict.fn:>5} | {strict.precision:>8.3f} {strict.recall:>6.3f} "
                f"{_f1_cell(strict.f1, ci(('strict', key)), 6, pad)} | {lenient.precision:>9.3f} "
                f"{lenient.recall:>6.3f} {_f1_cell(lenient.f1, ci(('lenient', key)), 6)}")

    def score_row(self, name: str, key: str, strict: float, lenient: float) -> str:
        """A row with only an F1 per mode (a macro average)."""
        ci, pad = (self.intervals or {}).get, self.intervals is not None
        return (f"{name:<{self.width}} {'':>5} | {'':>8} {'':>6} {_f1_cell(strict, ci(('strict', key)), 6, pad)}"
                f" | {'':>9} {'':>6} {_f1_cell(lenient, ci(('lenient', key)), 6)}")


def format_report(evaluation: Evaluation, *, errors: bool = False, bootstrap: Any = None) -> str:
    """A plain-text table: per type strict and lenient P/R/F1, then macro F1 and the pooled (micro) scores.

    With *bootstrap* (:class:`kg.evaluate.bootstrap.Bootstrap`) each F1 is followed by its interval.
    """
    intervals = bootstrap.intervals if bootstrap is not None else None
    coverage = evaluation.agreement
    if coverage is not None:
        lines = [f"agreement of --pred with --gold on the {coverage.both} papers both files hold "
                 f"({len(coverage.only_gold)} only in --gold, {len(coverage.only_pred)} only in --pred, left out); "
                 "F1 is the agreement (swapping the files swaps P and R)"]
    else:
        lines = [f"{evaluation.papers} gold papers"
                 + (f" ({len(evaluation.unmatched_gold)} without a prediction)" if evaluation.unmatched_gold else "")]
    if bootstrap is not None:
        lines.append(f"[low, high]: {bootstrap.level:.0%} paper-level bootstrap interval "
                     f"({bootstrap.replicates} replicates, seed {bootstrap.seed})")
    table = _Table("type", 10, intervals)
    lines += [table.header, "-" * len(table.header)]
    for entity_type in evaluation.types:
        lines.append(table.row(entity_type, f"entities.{entity_type}", evaluation.counts["strict"][entity_type],
                               evaluation.counts["lenient"][entity_type]))
    lines.append("-" * len(table.header))
    lines.append(table.score_row("macro F1", "entities.macro", evaluation.macro_f1("strict"),
                                 evaluation.macro_f1("lenient")))
    lines.append(table.row("micro", "entities.micro", evaluation.micro("strict"), evaluation.micro("lenient")))
    edges = evaluation.edges
    if edges is not None and edges.scored:
        lines += ["", *format_edges(edges, intervals)]
    if errors:
        lines += _error_lines("Errors (lenient): - missed required entity, + false positive", evaluation.errors, "type")
        if edges is not None and edges.errors:
            lines += _error_lines("Edge errors (lenient): - missed gold item, + false positive", edges.errors, "kind")
    return "\n".join(lines)


def _error_lines(heading: str, errors: list[dict[str, Any]], kind: str) -> list[str]:
    """A blank line, *heading*, then one line per missed (-) and false (+) item of each paper."""
    lines = ["", heading]
    for error in errors:
        lines += [f"{error['id']}\t{error[kind]}\t- {item}" for item in error["missed"]]
        lines += [f"{error['id']}\t{error[kind]}\t+ {item}" for item in error["false_positives"]]
    return lines


def format_edges(edges: EdgeEvaluation, intervals: Intervals | None = None) -> list[str]:
    """Rows for proposals, results (value + unit + metric), result roles and relations, strict and lenient."""
    table = _Table("edges", 22, intervals)
    papers = edges.papers
    lines = [f"{papers['proposes']} papers with proposals, {papers['results']} with results, "
             f"{papers['relations']} with relations", table.header, "-" * len(table.header)]
    lines.append(table.row("proposals", "proposals", edges.proposals["strict"], edges.proposals["lenient"]))
    lines.append(table.row("results", "results", edges.results["strict"], edges.results["lenient"]))
    for role in RESULT_ROLES:
        lines.append(table.row(f"  result {role}", f"results.{role}", edges.roles["strict"][role],
                               edges.roles["lenient"][role]))
    for rel_type in RELATION_TYPES:
        lines.append(table.row(rel_type, f"relations.{rel_type}", edges.relations["strict"][rel_type],
                               edges.relations["lenient"][rel_type]))
    lines.append(table.score_row("relations macro F1", "relations.macro", edges.relations_macro_f1("strict"),
                                 edges.relations_macro_f1("lenient")))
    return lines


def _entity_problem(entity: Any) -> str | None:
    """Why *entity* is not a {"name": str, "aliases": [str, ...]} object, or None if it is one."""
    if not isinstance(entity, dict) or not isinstance(entity.get("name"), str) or not entity["name"]:
        return 'must be an object with a non-empty "name" string'
    aliases = entity.get("aliases")
    if aliases is not None and not (isinstance(aliases, list) and all(isinstance(a, str) for a in aliases)):
        return '"aliases" must be a list of strings'
    return None


def check_gold(numbered: list[tuple[int, dict[str, Any]]], path: str) -> list[dict[str, Any]]:
    """The gold rows, once every row has the entity types with required/optional lists of {name, aliases}."""
    for number, row in numbered:
        for entity_type in ENTITY_TYPES:
            tiers = row.get(entity_type, {"required": [], "optional": []})
            if not isinstance(tiers, dict) or not all(isinstance(tiers.get(t, []), list) for t in ("required", "optional")):
                raise InputError(f"gold paper {row['id']!r}: {entity_type} needs required/optional lists", path, number)
            for tier in ("required", "optional"):
                for index, entity in enumerate(tiers.get(tier, []), 1):
                    problem = _entity_problem(entity)
                    if problem:
                        raise InputError(f"gold paper {row['id']!r}: {entity_type} {tier} entity {index} {problem}",
                                         path, number)
        problem = check_edge_gold(row)
        if problem:
            raise InputError(f"gold paper {row['id']!r}: {problem}", path, number)
    return [row for _, row in numbered]


def check_predictions(numbered: list[tuple[int, dict[str, Any]]], path: str) -> list[dict[str, Any]]:
    """The prediction records, once each has a list of entities with a "type" and a name (paper-record schema)."""
    for number, row in numbered:
        entities = row.get("entities", [])
        if not isinstance(entities, list):
            raise InputError(f"prediction record {row['id']!r}: \"entities\" must be a list", path, number)
        for index, entity in enumerate(entities, 1):
            problem = _entity_problem(entity)
            if problem is None and not isinstance(entity.get("type"), str):
                problem = 'needs a "type" string'
            if problem:
                raise InputError(f"prediction record {row['id']!r}: entity {index} {problem}", path, number)
    return [row for _, row in numbered]


def read_predictions(path: str) -> tuple[list[dict[str, Any]], bool]:
    """The rows of a --pred file and whether it is a gold-format file (a second annotator's) rather than records.

    The first row that says decides (a record has "entities"; a gold row has entity types or edge keys); a row
    of the other kind later in the file is an InputError naming FILE:LINE.
    """
    from kg.evaluate.agreement import is_gold_row

    numbered = read_numbered_jsonl(path, "prediction record")
    kinds = [(number, "entities" in row, is_gold_row(row)) for number, row in numbered]
    gold_format = next((is_gold for _, is_record, is_gold in kinds if is_record or is_gold), False)
    for number, is_record, is_gold in kinds:
        if (is_record and gold_format) or (is_gold and not gold_format):
            first = "a gold-format file (entity types with required/optional)" if gold_format else "a records file"
            raise InputError(f"the file began as {first}; this line is the other kind", path, number)
    if gold_format:
        return check_gold(numbered, path), True
    return check_predictions(numbered, path), False


def evaluate_files(
    gold_path: str,
    *,
    pred_path: str | None = None,
    inputs: tuple[str, ...] | list[str] = (),
    input_format: str | None = None,
    pipeline: str = "blank",
    n_process: int | None = 1,
) -> Evaluation:
    """Score a predictions file, or extract *inputs* first and score the result.

    A gold-format --pred file (a second annotator's) is scored as agreement on the papers both files hold
    (:mod:`kg.evaluate.agreement`).
    """
    gold = check_gold(read_numbered_jsonl(gold_path, "gold paper"), gold_path)
    if pred_path and inputs:
        raise InputError("give either --pred or INPUT files, not both")
    if pred_path:
        records, gold_format = read_predictions(pred_path)
        if gold_format:
            from kg.evaluate.agreement import agreement

            return agreement(gold, records)
    elif inputs:
        from kg.execute import ExtractOptions, extract_records
        from kg.ingest import read_papers

        records = extract_records(read_papers(inputs, format=input_format).papers,
                                  ExtractOptions(pipeline=pipeline, n_process=n_process))
    else:
        raise InputError("nothing to score: give --pred PRED.jsonl or INPUT files to extract")
    return evaluate(gold, records)


def compare_files(gold_path: str, against_path: str, *, replicates: int = 1000, seed: int = 0,
                  **options: Any) -> Comparison:
    """Paired bootstrap of (the --pred file or the extraction of INPUTS) minus *against_path* on the same gold.

    *options* are :func:`evaluate_files`'s (pred_path, inputs, ...).
    """
    from kg.evaluate.bootstrap import compare

    return compare(evaluate_files(gold_path, **options), evaluate_files(gold_path, pred_path=against_path),
                   replicates, seed=seed)


def report_dict(evaluation: Evaluation, bootstrap: Any = None) -> dict[str, Any]:
    """The JSON report; with a :class:`kg.evaluate.bootstrap.Bootstrap`, its settings and every F1's interval."""
    if bootstrap is None:
        return evaluation.as_dict()
    return {"bootstrap": bootstrap.settings(), **evaluation.as_dict(bootstrap.intervals)}


def _key_name(key: str) -> str:
    kind, _, part = key.partition(".")
    if kind == "entities":
        return {"macro": "entity macro F1", "micro": "entity micro"}.get(part, part)
    if kind == "results" and part:
        return f"  result {part}"
    if kind == "relations":
        return "relations macro F1" if part == "macro" else part
    return kind


def format_comparison(comparison: Comparison) -> str:
    """A plain-text table of each F1 for --pred and --against, their difference and its interval."""
    boot = comparison.bootstrap
    lines = [f"paired bootstrap over {boot.papers} gold papers ({boot.replicates} replicates, seed {boot.seed}): "
             f"difference = --pred minus --against, [low, high] its {boot.level:.0%} interval, "
             "higher = share of replicates where --pred scores higher"]
    if comparison.pred.agreement is not None:
        lines.append("(agreement files: only the papers both files hold with --gold are scored)")
    for mode in MODES:
        header = f"{mode + ' F1':<22} {'pred':>6} {'against':>7} {'diff':>7} {'[low,':>8} {'high]':>7} {'higher':>7}"
        lines += ["", header, "-" * len(header)]
        for (m, key), diff in comparison.differences.items():
            if m == mode:
                lines.append(f"{_key_name(key):<22} {diff.pred:>6.3f} {diff.against:>7.3f} {diff.difference:>+7.3f} "
                             f"{diff.low:>+8.3f} {diff.high:>+7.3f} {diff.share_higher:>7.1%}")
    return "\n".join(lines)
