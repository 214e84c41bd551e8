"""Entity extraction quality against a gold set: strict and lenient P/R/F1 per type."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.evaluate.scoring import MODES, Counts, Evaluation, evaluate, surfaces_match
from kg.graph.schema import ENTITY_TYPES

__all__ = ["MODES", "Counts", "Evaluation", "evaluate", "evaluate_files", "format_report", "read_jsonl", "surfaces_match"]


def read_jsonl(path: str | Path, what: str = "record") -> list[dict[str, Any]]:
    """Read one JSON object per line; a malformed line is an InputError naming file and line."""
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
                if not isinstance(row, dict) or "id" not in row:
                    raise InputError(f"a {what} must be a JSON object with an \"id\"", str(path), number)
                rows.append(row)
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
    for entity_type in ENTITY_TYPES:
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
    if errors:
        lines.append("")
        lines.append("Errors (lenient): - missed required entity, + false positive")
        for error in evaluation.errors:
            for name in error["missed"]:
                lines.append(f"{error['id']}\t{error['type']}\t- {name}")
            for name in error["false_positives"]:
                lines.append(f"{error['id']}\t{error['type']}\t+ {name}")
    return "\n".join(lines)


def check_gold(rows: list[dict[str, Any]], path: str) -> list[dict[str, Any]]:
    """Make sure every gold row has the four types with required/optional lists."""
    for number, row in enumerate(rows, 1):
        for entity_type in ENTITY_TYPES:
            tiers = row.get(entity_type, {"required": [], "optional": []})
            if not isinstance(tiers, dict) or not all(isinstance(tiers.get(t, []), list) for t in ("required", "optional")):
                raise InputError(f"gold paper {row.get('id')!r}: {entity_type} needs required/optional lists", path, number)
    return rows


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
    gold = check_gold(read_jsonl(gold_path, "gold paper"), gold_path)
    if pred_path and inputs:
        raise InputError("give either --pred or INPUT files, not both")
    if pred_path:
        records = read_jsonl(pred_path, "prediction record")
    elif inputs:
        from kg.extract import extract_records
        from kg.ingest import read_papers

        records = extract_records(read_papers(inputs, format=input_format).papers, pipeline=pipeline, n_process=n_process)
    else:
        raise InputError("nothing to score: give --pred PRED.jsonl or INPUT files to extract")
    return evaluate(gold, records)
