"""Score proposals, numeric results and relations against the edge keys of a gold set.

The gold rows are the entity gold rows (format: ``tests/data/gold/GUIDELINE-RESULTS.md``) with three more
keys: ``"proposes"`` (Method names), ``"results"`` and ``"relations"``. A paper whose gold row lacks a key
is not scored for that kind, so entity-only gold files still work.

Matching, per paper (each gold item is matched at most once: maximum bipartite matching):

- **Entity names.** A gold name is looked up among the gold entities of its type (required and optional
  tiers); its surfaces are that entity's name and aliases (a name not found there is its own only surface,
  e.g. a free metric phrase). A predicted entity's surfaces are its name and aliases. Two ends match with
  :func:`kg.evaluate.scoring.surfaces_match` in the same mode (strict: a shared surface; lenient: the same
  entity written another way).
- **Proposals.** The record's Method entities with ``"proposed": true`` against ``"proposes"``.
- **Results.** Values are compared as numbers (``"34.4"`` = 34.4; relative tolerance 1e-6; magnitudes such as
  "12.5k" are expanded by the extractor). Units are compared after mapping each written form to kg's unit
  names (``kg/extract/patterns/units.jsonl``: "times" = "x", "percent" = "%"); an unknown form is compared as
  written, without spaces and case. The metric is a Metric entity (its surfaces) or, when the result has no
  Metric entity, its free metric text.

  *strict*: value, ``value_high`` (both absent or equal), unit and metric all equal (metric: a shared surface;
  no metric on either side only matches no metric).
  *lenient*: the value equals the other side's value or ``value_high``; units equal or one side has none;
  the metrics match leniently, or the gold result names no metric.

  The attached method, dataset and hardware are scored apart, per role: a predicted and a gold result with
  that role set are a TP when they agree on value and unit (the metric left aside) and their two role entities
  match (maximum matching per role, so a gold file scored against itself scores 1); any other predicted result
  with that role set is a FP, any other gold result with that role set a FN.
- **Relations.** EVALUATED_ON, RUNS_ON, OUTPERFORMS and BUILDS_ON (the gold's ``BASED_ON``). Predicted and
  gold relations are reduced to distinct (type, source, target) triples; a predicted triple is a TP when both
  ends match a gold triple of the same type. Other predicted types (MEASURED_BY, COMPARED_WITH) are not
  scored. Macro F1 is the mean F1 over the four types.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from kg.evaluate.scoring import MODES, Counts, _add, _ci, _max_matching, surfaces, surfaces_match
from kg.schema import RESULT_EDGE_BY_ROLE

RELATION_TYPES = ("EVALUATED_ON", "RUNS_ON", "OUTPERFORMS", "BUILDS_ON")
GOLD_RELATION_NAMES = {"BASED_ON": "BUILDS_ON"}  # the annotation guideline's names for kg's types
RELATION_ENDS = {"EVALUATED_ON": ("Method", "Dataset"), "RUNS_ON": ("Method", "Hardware"),
                 "OUTPERFORMS": ("Method", "Method"), "BUILDS_ON": ("Method", "Method")}
# the roles scored besides the metric: role -> the entity type it takes
RESULT_ROLES = {role: label for role, (_, label) in RESULT_EDGE_BY_ROLE.items() if role != "metric"}
EDGE_KEYS = ("proposes", "results", "relations")


@dataclass
class EdgeEvaluation:
    """Counts per mode for proposals, results (value + unit + metric), result roles and relation types."""

    proposals: dict[str, Counts] = field(default_factory=lambda: {m: Counts() for m in MODES})
    results: dict[str, Counts] = field(default_factory=lambda: {m: Counts() for m in MODES})
    roles: dict[str, dict[str, Counts]] = field(
        default_factory=lambda: {m: {r: Counts() for r in RESULT_ROLES} for m in MODES})
    relations: dict[str, dict[str, Counts]] = field(
        default_factory=lambda: {m: {t: Counts() for t in RELATION_TYPES} for m in MODES})
    papers: dict[str, int] = field(default_factory=lambda: {k: 0 for k in EDGE_KEYS})
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def scored(self) -> bool:
        return any(self.papers.values())

    def relations_macro_f1(self, mode: str) -> float:
        return sum(self.relations[mode][t].f1 for t in RELATION_TYPES) / len(RELATION_TYPES)

    def count_items(self) -> list[tuple[str, str, Counts]]:
        """(mode, key, Counts) of proposals, results, each result role and each relation type."""
        items = []
        for mode in MODES:
            items += [(mode, "proposals", self.proposals[mode]), (mode, "results", self.results[mode])]
            items += [(mode, f"results.{role}", self.roles[mode][role]) for role in RESULT_ROLES]
            items += [(mode, f"relations.{t}", self.relations[mode][t]) for t in RELATION_TYPES]
        return items

    def add(self, other: EdgeEvaluation) -> None:
        for (_, _, total), (_, _, part) in zip(self.count_items(), other.count_items(), strict=True):
            _add(total, part)
        for kind in EDGE_KEYS:
            self.papers[kind] += other.papers[kind]
        self.errors += other.errors

    def as_dict(self, intervals: dict[tuple[str, str], tuple[float, float]] | None = None) -> dict[str, Any]:
        ci = (intervals or {}).get
        return {
            "papers": dict(self.papers),
            **{mode: {
                "proposals": self.proposals[mode].as_dict(ci((mode, "proposals"))),
                "results": self.results[mode].as_dict(ci((mode, "results"))),
                "result_roles": {r: self.roles[mode][r].as_dict(ci((mode, f"results.{r}"))) for r in RESULT_ROLES},
                "relations": {"types": {t: self.relations[mode][t].as_dict(ci((mode, f"relations.{t}")))
                                        for t in RELATION_TYPES},
                              "macro_f1": round(self.relations_macro_f1(mode), 4),
                              **_ci("macro_f1_ci", ci((mode, "relations.macro")))},
            } for mode in MODES},
            "errors": self.errors,
        }


# -- gold and predicted sides ------------------------------------------------------------------------------
def gold_surfaces(gold: dict[str, Any], name: str | None, entity_type: str) -> list[str] | None:
    """The surfaces of the gold entity called *name* (any tier), or [name] when the gold has no such entity."""
    if not name:
        return None
    tiers = gold.get(entity_type) or {}
    for tier in ("required", "optional"):
        for entity in tiers.get(tier, []):
            if entity["name"] == name:
                return surfaces(entity)
    return [name]


def _pred_entities(record: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in record.get("entities", []) if isinstance(e, dict) and "id" in e}


def _pred_surfaces(entities: dict[str, dict[str, Any]], identifier: str | None) -> list[str] | None:
    entity = entities.get(identifier) if identifier else None
    return surfaces(entity) if entity else None


@lru_cache(maxsize=1)
def _unit_names() -> dict[str, str]:
    import srsly

    from kg.extract.results import PATTERNS_DIR

    names: dict[str, str] = {}
    for row in srsly.read_jsonl(PATTERNS_DIR / "units.jsonl"):
        for form in [row["unit"], *row["forms"]]:
            names.setdefault(_squash(form), row["unit"])
            names.setdefault(_squash(form).lower(), row["unit"])
    return names


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def canonical_unit(unit: Any) -> str:
    """kg's name for a written unit ("times" -> "x"), or the squashed lower-case form; "" for none."""
    if not unit:
        return ""
    text = _squash(str(unit))
    names = _unit_names()
    return names.get(text) or names.get(text.lower()) or text.lower()


NUMBER_WORDS = {word: float(n) for n, word in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
NUMBER_WORDS.update({"thirty": 30.0, "forty": 40.0, "fifty": 50.0, "hundred": 100.0, "thousand": 1000.0,
                     "half": 0.5, "double": 2.0, "twice": 2.0, "triple": 3.0, "thrice": 3.0})


FRACTION_WORDS = {"half": 2, "third": 3, "quarter": 4, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
                  "eighth": 8, "ninth": 9, "tenth": 10, "hundredth": 100, "thousandth": 1000}
FRACTION = re.compile(rf"(a|an|{'|'.join(w for w, n in NUMBER_WORDS.items() if n.is_integer() and 0 < n < 20)})"
                      rf"[\s-]+({'|'.join(FRACTION_WORDS)})s?")


def as_number(value: Any) -> float | None:
    """A gold value as written ("34.4", "1,024", "~2", "three", "one-tenth") or a predicted number, as a float;
    else None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if str(value).strip().lower() in NUMBER_WORDS:
        return NUMBER_WORDS[str(value).strip().lower()]
    fraction = FRACTION.fullmatch(str(value).strip().lower())
    if fraction:
        numerator = 1.0 if fraction.group(1) in ("a", "an") else NUMBER_WORDS[fraction.group(1)]
        return numerator / FRACTION_WORDS[fraction.group(2)]
    match = re.search(r"[+-]?\d[\d,]*(?:\.\d+)?|[+-]?\.\d+", str(value))
    return float(match.group().replace(",", "")) if match else None


def _same_number(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


@dataclass
class _Result:
    value: float | None
    value_high: float | None
    unit: str
    metric: list[str] | None
    roles: dict[str, list[str] | None]
    label: str


def _gold_results(gold: dict[str, Any]) -> list[_Result]:
    results = []
    for row in gold.get("results") or []:
        value, high = as_number(row.get("value")), as_number(row.get("value_high"))
        results.append(_Result(
            value=value, value_high=high, unit=canonical_unit(row.get("unit")),
            metric=gold_surfaces(gold, row.get("metric"), "Metric"),
            roles={role: gold_surfaces(gold, row.get(role), t) for role, t in RESULT_ROLES.items()},
            label=_result_label(row.get("value"), row.get("value_high"), row.get("unit"), row.get("metric")),
        ))
    return results


def _pred_results(record: dict[str, Any], entities: dict[str, dict[str, Any]]) -> list[_Result]:
    results = []
    for row in record.get("results") or []:
        metric = _pred_surfaces(entities, row.get("metric"))
        if metric is None and row.get("metric_text"):
            metric = [row["metric_text"]]
        results.append(_Result(
            value=as_number(row.get("value")), value_high=as_number(row.get("value_high")),
            unit=canonical_unit(row.get("unit")), metric=metric,
            roles={role: _pred_surfaces(entities, row.get(role)) for role in RESULT_ROLES},
            label=_result_label(row.get("value"), row.get("value_high"), row.get("unit"),
                                metric[0] if metric else None),
        ))
    return results


def _result_label(value: Any, high: Any, unit: Any, metric: Any) -> str:
    number = f"{value}" + (f"-{high}" if high not in (None, "") else "")
    return f"{number}{unit or ''} {metric or '(no metric)'}"


def _values_match(pred: _Result, gold: _Result, mode: str) -> bool:
    if mode == "strict":
        return _same_number(pred.value, gold.value) and _same_number(pred.value_high, gold.value_high) \
            and pred.unit == gold.unit
    value_ok = any(_same_number(p, g) for p in (pred.value, pred.value_high) for g in (gold.value, gold.value_high)
                   if p is not None and g is not None)
    return value_ok and (pred.unit == gold.unit or not pred.unit or not gold.unit)


def _metrics_match(pred: _Result, gold: _Result, mode: str) -> bool:
    if gold.metric is None or pred.metric is None:
        return (gold.metric is None and pred.metric is None) or (mode == "lenient" and gold.metric is None)
    return surfaces_match(pred.metric, gold.metric, mode, "Metric")


# -- scoring -----------------------------------------------------------------------------------------------
def _match(preds: list, golds: list, same: Callable[[Any, Any], bool]) -> tuple[Counts, list[int], list[int], dict]:
    """(counts, unmatched predictions, unmatched gold, pred -> gold) under the *same* predicate."""
    matched = _max_matching([[g for g, gold in enumerate(golds) if same(pred, gold)] for pred in preds])
    missed = [g for g in range(len(golds)) if g not in set(matched.values())]
    extra = [p for p in range(len(preds)) if p not in matched]
    return Counts(tp=len(matched), fp=len(extra), fn=len(missed)), extra, missed, matched


@dataclass
class EdgeSide:
    """One paper's proposals, results and relations as either side of a comparison: a record or a gold row.

    *kinds* are the edge keys this side annotates (a record: all of them; a gold row: the keys it has).
    """

    kinds: frozenset[str]
    proposals: list[list[str]]                      # the surfaces of each proposed Method
    results: list[_Result]
    relations: dict[str, list[tuple[list[str], list[str]]]]  # type -> distinct (source, target) surfaces


def record_side(record: dict[str, Any] | None) -> EdgeSide:
    """A prediction record's edges: proposed Method entities, its results, and relations between its entities."""
    record = record or {}
    entities = _pred_entities(record)
    relations: dict[str, list[tuple[list[str], list[str]]]] = {t: [] for t in RELATION_TYPES}
    seen: set[tuple[Any, Any, Any]] = set()
    for row in record.get("relations") or []:
        key = (row.get("type"), row.get("source"), row.get("target"))
        if key[0] not in relations or key in seen:
            continue
        seen.add(key)
        source, target = _pred_surfaces(entities, key[1]), _pred_surfaces(entities, key[2])
        if source and target:
            relations[key[0]].append((source, target))
    return EdgeSide(
        kinds=frozenset(EDGE_KEYS),
        proposals=[surfaces(e) for e in entities.values() if e.get("type") == "Method" and e.get("proposed")],
        results=_pred_results(record, entities), relations=relations)


def gold_side(gold: dict[str, Any]) -> EdgeSide:
    """A gold row's edges, each name read through the gold entity of that name (its aliases)."""
    relations: dict[str, list[tuple[list[str], list[str]]]] = {t: [] for t in RELATION_TYPES}
    seen: set[tuple[str, str, str]] = set()
    for row in gold.get("relations") or []:
        rel_type = GOLD_RELATION_NAMES.get(row["type"], row["type"])
        key = (rel_type, row["source"], row["target"])
        if rel_type not in relations or key in seen:
            continue
        seen.add(key)
        source_type, target_type = RELATION_ENDS[rel_type]
        relations[rel_type].append((gold_surfaces(gold, row["source"], source_type),
                                    gold_surfaces(gold, row["target"], target_type)))
    return EdgeSide(
        kinds=frozenset(k for k in EDGE_KEYS if k in gold),
        proposals=[gold_surfaces(gold, name, "Method") for name in gold.get("proposes") or []],
        results=_gold_results(gold), relations=relations)


def score_edges(gold: dict[str, Any], record: dict[str, Any] | EdgeSide | None, evaluation: EdgeEvaluation) -> None:
    """Add one paper's counts (and its lenient errors) to *evaluation*.

    *record* is a prediction record, or an :class:`EdgeSide` (a second annotator's gold row, :func:`gold_side`);
    a kind is scored when the gold row has its key and the predicted side annotates it.
    """
    golden = gold_side(gold)
    predicted = record if isinstance(record, EdgeSide) else record_side(record)
    kinds = golden.kinds & predicted.kinds
    paper = gold["id"]

    def error(kind: str, missed: list[str], extra: list[str]) -> None:
        if missed or extra:
            evaluation.errors.append({"id": paper, "kind": kind, "missed": missed, "false_positives": extra})

    if "proposes" in kinds:
        evaluation.papers["proposes"] += 1
        gold_names, preds = golden.proposals, predicted.proposals
        for mode in MODES:
            counts, extra, missed, _ = _match(preds, gold_names,
                                              lambda p, g, m=mode: surfaces_match(p, g, m, "Method"))
            _add(evaluation.proposals[mode], counts)
            if mode == "lenient":
                error("proposes", [gold_names[g][0] for g in missed], [preds[p][0] for p in extra])

    if "results" in kinds:
        evaluation.papers["results"] += 1
        golds, preds = golden.results, predicted.results
        for mode in MODES:
            counts, extra, missed, _ = _match(
                preds, golds, lambda p, g, m=mode: _values_match(p, g, m) and _metrics_match(p, g, m))
            _add(evaluation.results[mode], counts)
            if mode == "lenient":
                error("results", [golds[g].label for g in missed], [preds[p].label for p in extra])
            # roles: a predicted and a gold result that agree on value and unit (the metric left aside) and
            # whose role entities match; the best pairing per role, so a file scored against itself scores 1
            for role, entity_type in RESULT_ROLES.items():
                role_preds = [pred for pred in preds if pred.roles[role]]
                role_golds = [gold_result for gold_result in golds if gold_result.roles[role]]
                counts, extra, missed, _ = _match(
                    role_preds, role_golds,
                    lambda p, g, m=mode, r=role, t=entity_type: _values_match(p, g, m)
                    and surfaces_match(p.roles[r], g.roles[r], m, t))
                _add(evaluation.roles[mode][role], counts)
                if mode == "lenient":
                    error(f"results.{role}", [f"{role_golds[g].label} -> {role_golds[g].roles[role][0]}" for g in missed],
                          [f"{role_preds[p].label} -> {role_preds[p].roles[role][0]}" for p in extra])

    if "relations" in kinds:
        evaluation.papers["relations"] += 1
        for rel_type in RELATION_TYPES:
            source_type, target_type = RELATION_ENDS[rel_type]
            gold_triples, pred_triples = golden.relations[rel_type], predicted.relations[rel_type]
            for mode in MODES:
                counts, extra, missed, _ = _match(
                    pred_triples, gold_triples,
                    lambda p, g, m=mode: surfaces_match(p[0], g[0], m, source_type)
                    and surfaces_match(p[1], g[1], m, target_type))
                _add(evaluation.relations[mode][rel_type], counts)
                if mode == "lenient":
                    error(f"relations.{rel_type}",
                          [f"{gold_triples[g][0][0]} -> {gold_triples[g][1][0]}" for g in missed],
                          [f"{pred_triples[p][0][0]} -> {pred_triples[p][1][0]}" for p in extra])


def check_edge_gold(row: dict[str, Any]) -> str | None:
    """Why the edge keys of a gold row are malformed, or None."""
    if "proposes" in row and not (isinstance(row["proposes"], list)
                                  and all(isinstance(n, str) and n for n in row["proposes"])):
        return '"proposes" must be a list of Method names'
    if "results" in row:
        if not isinstance(row["results"], list):
            return '"results" must be a list'
        for n, result in enumerate(row["results"], 1):
            if not isinstance(result, dict) or as_number(result.get("value")) is None:
                return f'result {n} needs a numeric "value"'
            if result.get("value_high") not in (None, "") and as_number(result["value_high"]) is None:
                return f'result {n}: "value_high" must be a number or null'
            for key in ("unit", "metric", *RESULT_ROLES):
                if result.get(key) is not None and not isinstance(result[key], str):
                    return f'result {n}: "{key}" must be a string or null'
    if "relations" in row:
        if not isinstance(row["relations"], list):
            return '"relations" must be a list'
        known = {*RELATION_TYPES, *GOLD_RELATION_NAMES, "COMPARED_WITH", "MEASURED_BY"}
        for n, relation in enumerate(row["relations"], 1):
            if not isinstance(relation, dict) or relation.get("type") not in known:
                return f"relation {n} needs a type among {', '.join(sorted(known))}"
            if not all(isinstance(relation.get(k), str) and relation[k] for k in ("source", "target")):
                return f'relation {n} needs "source" and "target" names'
    return None
