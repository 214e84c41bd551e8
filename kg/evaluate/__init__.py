"""Entity extraction quality against a gold set: strict and lenient P/R/F1 per type."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.evaluate.edges import RELATION_TYPES, RESULT_ROLES, EdgeEvaluation, check_edge_gold
from kg.evaluate.scoring import MODES, Counts, Evaluation, evaluate, surfaces_match
from kg.schema import ENTITY_TYPES

__all__ = ["MODES", "Counts", "EdgeEvaluation", "Evaluation", "evaluate", "evaluate_files", "format_report", "read_jsonl", "surfaces_match"]


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


def format_report(evaluation: Evaluation, *, errors: bool = False) -> str:
    """A plain-text table: per type strict and lenient P/R/F1, then macro F1 and the pooled (micro) scores."""
    lines = [f"{evaluation.papers} gold papers"
             + (f" ({len(evaluation.unmatched_gold)} without a prediction)" if evaluation.unmatched_gold else "")]
    header = f"{'type':<10} {'gold':>5} | {'strict P':>8} {'R':>6} {'F1':>6} | {'lenient P':>9} {'R':>6} {'F1':>6}"
    lines += [header, "-" * len(header)]
    for entity_type in evaluation.types:
        strict = evaluation.counts["strict"][entity_type]
        lenient = evaluation.counts["lenient"][entity_type]
        lines.append(f"{entity_type:<10} {strict.tp + strict.fn:>5} | {strict.precision:>8.3f} {strict.recall:>6.3f} "
                     f"{strict.f1:>6.3f} | {lenient.precision:>9.3f} {lenient.recall:>6.3f} {lenient.f1:>6.3f}")
    lines.append("-" * len(header))
    lines.append(f"{'macro F1':<10} {'':>5} | {'':>8} {'':>6} {evaluation.macro_f1('strict'):>6.3f} | "
                 f"{'':>9} {'':>6} {evaluation.macro_f1('lenient'):>6.3f}")
    strict, lenient = evaluation.micro("strict"), evaluation.micro("lenient")
    lines.append(f"{'micro':<10} {strict.tp + strict.fn:>5} | {strict.precision:>8.3f} {strict.recall:>6.3f} "
                 f"{strict.f1:>6.3f} | {lenient.precision:>9.3f} {lenient.recall:>6.3f} {lenient.f1:>6.3f}")
    edges = evaluation.edges
    if edges is not None and edges.scored:
        lines += ["", *format_edges(edges)]
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


def format_edges(edges: EdgeEvaluation) -> list[str]:
    """Rows for proposals, results (value + unit + metric), result roles and relations, strict and lenient."""
    header = f"{'edges':<22} {'gold':>5} | {'strict P':>8} {'R':>6} {'F1':>6} | {'lenient P':>9} {'R':>6} {'F1':>6}"
    papers = edges.papers
    lines = [f"{papers['proposes']} papers with proposals, {papers['results']} with results, "
             f"{papers['relations']} with relations", header, "-" * len(header)]

    def row(name: str, strict: Counts, lenient: Counts) -> str:
        return (f"{name:<22} {strict.tp + strict.fn:>5} | {strict.precision:>8.3f} {strict.recall:>6.3f} "
                f"{strict.f1:>6.3f} | {lenient.precision:>9.3f} {lenient.recall:>6.3f} {lenient.f1:>6.3f}")

    lines.append(row("proposals", edges.proposals["strict"], edges.proposals["lenient"]))
    lines.append(row("results", edges.results["strict"], edges.results["lenient"]))
    for role in RESULT_ROLES:
        lines.append(row(f"  result {role}", edges.roles["strict"][role], edges.roles["lenient"][role]))
    for rel_type in RELATION_TYPES:
        lines.append(row(rel_type, edges.relations["strict"][rel_type], edges.relations["lenient"][rel_type]))
    lines.append(f"{'relations macro F1':<22} {'':>5} | {'':>8} {'':>6} {edges.relations_macro_f1('strict'):>6.3f} | "
                 f"{'':>9} {'':>6} {edges.relations_macro_f1('lenient'):>6.3f}")
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


def evaluate_files(
    gold_path: str,
    *,
    pred_path: str | None = None,
    inputs: tuple[str, ...] | list[str] = (),
    input_format: str | None = None,
    pipeline: str = "blank",
    n_process: int | None = 1,
) -> Evaluation:
    """Score a predictions file, or extract *inputs* first and score the result."""
    gold = check_gold(read_numbered_jsonl(gold_path, "gold paper"), gold_path)
    if pred_path and inputs:
        raise InputError("give either --pred or INPUT files, not both")
    if pred_path:
        records = check_predictions(read_numbered_jsonl(pred_path, "prediction record"), pred_path)
    elif inputs:
        from kg.execute import ExtractOptions, extract_records
        from kg.ingest import read_papers

        records = extract_records(read_papers(inputs, format=input_format).papers,
                                  ExtractOptions(pipeline=pipeline, n_process=n_process))
    else:
        raise InputError("nothing to score: give --pred PRED.jsonl or INPUT files to extract")
    return evaluate(gold, records)
