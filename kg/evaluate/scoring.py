"""Score extracted entities against a gold set (format: /work/shared/GUIDELINE.md).

Semantics, per paper and entity type:

- Gold entities are ``required + optional``. Recall counts required entities only.
- A predicted entity is a TP when it is matched to a required gold entity. Each gold entity
  can be matched once (maximum bipartite matching, so the result does not depend on order).
- An unmatched prediction that matches an optional gold entity is ignored (neither TP nor FP);
  any other unmatched prediction is a FP. An unmatched required gold entity is a FN; a missing
  optional one costs nothing.
- **strict**: some predicted surface (name or alias) equals some gold surface exactly.
- **lenient** ("the same entity written another way"): strict, or the two surfaces have the
  same normalised form (case, spaces, hyphens, punctuation, plural ``s``, hardware vendor
  prefixes and device-class suffixes ignored: "NVIDIA A100 GPUs" = "A100", "ResNet 50" =
  "ResNet-50", but "A10" != "A100"), or one surface is an acronym (2+ capitals) whose letters
  are the initials of a surface of the other entity ("LLMs" ~ "Large Language Models"), or
  they are equal once a trailing generic head word is dropped from a multi-word surface
  ("power iteration algorithm" = "power iteration", "FID score" = "FID", "N-body dataset" =
  "N-body"; the words are listed in ``GENERIC_HEADS``). No other substring or token-overlap
  matching: "oracle complexity" is not "stochastic oracle complexity".

Precision, recall and F1 are micro-averaged over papers within a type; macro F1 is the mean
of the per-type F1 scores (the types the gold set annotates: Method, Dataset, Hardware, Metric and
Task; a gold set without any Task key is scored on the other four).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kg.schema import ENTITY_TYPES
from kg.ingest.paper import normalise_title
from kg.naming import merge_key

MODES = ("strict", "lenient")
# Head words that name the kind of thing, not the thing: "X algorithm" is X written another way.
GENERIC_HEADS = frozenset({
    "algorithm", "algorithms", "method", "methods", "technique", "techniques", "approach", "approaches",
    "model", "models", "framework", "frameworks", "scheme", "schemes", "procedure", "procedures",
    "benchmark", "benchmarks", "dataset", "datasets", "suite", "score", "scores", "metric", "metrics",
})


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self, ci: tuple[float, float] | None = None) -> dict[str, Any]:
        """The counts and scores; with *ci*, the F1's bootstrap interval as "f1_ci": [low, high]."""
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4), **_ci("f1_ci", ci)}


def _ci(name: str, interval: tuple[float, float] | None) -> dict[str, list[float]]:
    """{name: [low, high]} rounded like the scores, or {} without an interval."""
    return {name: [round(interval[0], 4), round(interval[1], 4)]} if interval is not None else {}


@dataclass
class Evaluation:
    """Counts per mode and type, plus the errors behind them (lenient mode)."""

    counts: dict[str, dict[str, Counts]]
    papers: int
    types: tuple[str, ...] = ENTITY_TYPES  # the types the gold set annotates (older sets have no Task)
    unmatched_gold: list[str] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    edges: Any = None  # kg.evaluate.edges.EdgeEvaluation: proposals, results and relations
    # one row per scored paper, in gold order: (tp, fp, fn) of each count_items() entry (kg.evaluate.bootstrap)
    paper_ids: list[str] = field(default_factory=list)
    paper_counts: list[list[tuple[int, int, int]]] = field(default_factory=list)
    agreement: Any = None  # kg.evaluate.agreement.Coverage when two gold files were compared

    def count_items(self) -> list[tuple[str, str, Counts]]:
        """Every count behind an F1 as (mode, key, Counts): "entities.<type>", then the edge kinds' keys."""
        items = [(mode, f"entities.{t}", self.counts[mode][t]) for mode in MODES for t in self.types]
        return items + (self.edges.count_items() if self.edges is not None else [])

    def add(self, other: Evaluation) -> None:
        """Add the counts, papers and errors of *other* (same types) to this evaluation."""
        self.papers += other.papers
        for mode in MODES:
            for t in self.types:
                _add(self.counts[mode][t], other.counts[mode][t])
        self.errors += other.errors
        if other.edges is not None:
            self.edges.add(other.edges)

    def macro_f1(self, mode: str) -> float:
        return sum(self.counts[mode][t].f1 for t in self.types) / len(self.types)

    def micro(self, mode: str) -> Counts:
        """All types pooled: steadier than macro F1 when a type has only a few gold entities."""
        pooled = Counts()
        for entity_type in self.types:
            counts = self.counts[mode][entity_type]
            pooled.tp, pooled.fp, pooled.fn = pooled.tp + counts.tp, pooled.fp + counts.fp, pooled.fn + counts.fn
        return pooled

    def as_dict(self, intervals: dict[tuple[str, str], tuple[float, float]] | None = None) -> dict[str, Any]:
        """The report as JSON; *intervals* ((mode, key) -> bound pair, kg.evaluate.bootstrap) adds "f1_ci" and
        "macro_f1_ci" entries beside the scores."""
        ci = (intervals or {}).get
        return {
            "papers": self.papers,
            "papers_without_prediction": self.unmatched_gold,
            **{mode: {"types": {t: self.counts[mode][t].as_dict(ci((mode, f"entities.{t}"))) for t in self.types},
                      "macro_f1": round(self.macro_f1(mode), 4), **_ci("macro_f1_ci", ci((mode, "entities.macro"))),
                      "micro": self.micro(mode).as_dict(ci((mode, "entities.micro")))} for mode in MODES},
            **({"agreement": self.agreement.as_dict()} if self.agreement is not None else {}),
            "errors": self.errors,
            **({"edges": self.edges.as_dict(intervals)} if self.edges is not None and self.edges.scored else {}),
        }


def _add(total: Counts, part: Counts) -> None:
    total.tp, total.fp, total.fn = total.tp + part.tp, total.fp + part.fp, total.fn + part.fn


@dataclass
class Prediction:
    """One paper's predicted side: entities (``type``, ``name``, ``aliases``) and its edges.

    *optional* entities come from a second annotator's optional tier: they are never false positives, and a
    required gold entity one of them matches is no miss (so agreement is symmetric: swapping the two files swaps
    FP and FN). *edges* is a prediction record or a :class:`kg.evaluate.edges.EdgeSide`.
    """

    entities: list[dict[str, Any]]
    optional: list[dict[str, Any]] = field(default_factory=list)
    edges: Any = None


def surfaces(entity: dict[str, Any]) -> list[str]:
    """The name and aliases of a gold or predicted entity."""
    return [entity["name"], *(alias for alias in entity.get("aliases") or [] if alias)]


def _initials(text: str) -> str:
    words = [w for w in re.split(r"[\s\-/]+", text) if w]
    return "".join(w[0] for w in words if w[0].isalnum()).lower()


def _acronym_letters(text: str) -> str | None:
    """Lower-case letters of an acronym surface ("LLMs" -> "llm"), or None if it is not one."""
    stripped = re.sub(r"s$", "", text) if re.fullmatch(r"[A-Z0-9\-]{2,}s", text) else text
    if not re.fullmatch(r"[A-Za-z0-9\-]{2,10}", stripped) or sum(c.isupper() for c in stripped) < 2:
        return None
    return re.sub(r"[^a-z0-9]", "", stripped.lower())


def surfaces_match(pred: list[str], gold: list[str], mode: str, entity_type: str) -> bool:
    """Whether a predicted entity and a gold entity are the same under *mode* (see module docstring)."""
    if set(pred) & set(gold):
        return True
    if mode == "strict":
        return False
    if {_lenient_key(s, entity_type) for s in pred} & {_lenient_key(s, entity_type) for s in gold}:
        return True
    for short_side, long_side in ((pred, gold), (gold, pred)):
        for short in short_side:
            letters = _acronym_letters(short)
            if letters and len(letters) >= 2 and any(
                " " in long or "-" in long for long in long_side
            ) and letters in {_initials(long) for long in long_side if _acronym_letters(long) is None}:
                return True
    return False


def _lenient_key(surface: str, entity_type: str) -> str:
    words = surface.split()
    if len(words) > 1 and words[-1].lower() in GENERIC_HEADS:
        surface = " ".join(words[:-1])
    return merge_key(surface, entity_type)


def _max_matching(edges: list[list[int]]) -> dict[int, int]:
    """Maximum bipartite matching pred -> gold (augmenting paths; inputs are tiny)."""
    gold_of: dict[int, int] = {}
    pred_of: dict[int, int] = {}

    def augment(p: int, seen: set[int]) -> bool:
        for g in edges[p]:
            if g in seen:
                continue
            seen.add(g)
            if g not in pred_of or augment(pred_of[g], seen):
                pred_of[g] = p
                gold_of[p] = g
                return True
        return False

    for p in range(len(edges)):
        augment(p, set())
    return gold_of


def score_paper(gold: dict[str, Any], predicted: list[dict[str, Any]], entity_type: str, mode: str,
                predicted_optional: list[dict[str, Any]] = ()):
    """Return (Counts, false positives, misses) for one paper and type (*predicted_optional*: see Prediction)."""
    required = gold.get(entity_type, {}).get("required", [])
    optional = gold.get(entity_type, {}).get("optional", [])
    preds = [e for e in predicted if e.get("type") == entity_type]
    excuses = [surfaces(e) for e in predicted_optional if e.get("type") == entity_type]
    pred_surfaces = [surfaces(e) for e in preds]
    edges = [[g for g, gold_entity in enumerate(required)
              if surfaces_match(ps, surfaces(gold_entity), mode, entity_type)] for ps in pred_surfaces]
    matched = _max_matching(edges)
    counts = Counts(tp=len(matched))
    false_positives = []
    for p, ps in enumerate(pred_surfaces):
        if p in matched:
            continue
        if any(surfaces_match(ps, surfaces(o), mode, entity_type) for o in optional):
            continue
        counts.fp += 1
        false_positives.append(preds[p]["name"])
    matched_gold = set(matched.values())
    misses = [g["name"] for i, g in enumerate(required) if i not in matched_gold
              and not any(surfaces_match(e, surfaces(g), mode, entity_type) for e in excuses)]
    counts.fn = len(misses)
    return counts, false_positives, misses


def evaluate(gold_papers: Iterable[dict[str, Any]], records: Iterable[dict[str, Any]]) -> Evaluation:
    """Score extraction *records* (paper-record schema) against *gold_papers* (guideline format).

    Entities per type here; proposals, results and relations in ``evaluation.edges`` (kg.evaluate.edges)
    for the gold rows that have those keys. A gold paper without a record scores as all misses.
    """
    gold_papers = list(gold_papers)
    find = paper_finder(records)
    pairs = []
    for gold in gold_papers:
        record = find(gold)
        pairs.append((gold, None if record is None else Prediction(record.get("entities", []), edges=record)))
    return score(pairs, annotated_types(gold_papers))


def paper_finder(rows: Iterable[dict[str, Any]]):
    """A function gold row -> the row of *rows* with its id, else with its normalised title, else None."""
    rows = list(rows)
    by_id = {r["id"]: r for r in rows}
    by_title = {normalise_title(r.get("title") or ""): r for r in rows}
    by_title.pop("", None)  # no title: matched by id only, never to another untitled paper
    return lambda gold: by_id.get(gold["id"]) or by_title.get(normalise_title(gold.get("title") or ""))


def annotated_types(gold_papers: list[dict[str, Any]]) -> tuple[str, ...]:
    """The entity types some gold paper annotates (a gold set from before the Task type has no Task)."""
    return tuple(t for t in ENTITY_TYPES if any(t in gold for gold in gold_papers)) or ENTITY_TYPES


def score(pairs: list[tuple[dict[str, Any], Prediction | None]], types: tuple[str, ...]) -> Evaluation:
    """Score each (gold row, predicted side) pair; keeps each paper's counts for the bootstrap."""
    from kg.evaluate.edges import EdgeEvaluation, score_edges  # it imports this module

    def fresh() -> Evaluation:
        return Evaluation(counts={mode: {t: Counts() for t in types} for mode in MODES}, papers=0, types=types,
                          edges=EdgeEvaluation())

    evaluation = fresh()
    for gold, prediction in pairs:
        paper = fresh()
        paper.papers = 1
        if prediction is None:
            evaluation.unmatched_gold.append(gold["id"])
            prediction = Prediction([])
        score_edges(gold, prediction.edges, paper.edges)
        for entity_type in types:
            for mode in MODES:
                paper_counts, false_positives, misses = score_paper(gold, prediction.entities, entity_type, mode,
                                                                    prediction.optional)
                _add(paper.counts[mode][entity_type], paper_counts)
                if mode == "lenient" and (false_positives or misses):
                    paper.errors.append({"id": gold["id"], "type": entity_type,
                                         "missed": misses, "false_positives": false_positives})
        evaluation.add(paper)
        evaluation.paper_ids.append(gold["id"])
        evaluation.paper_counts.append([(c.tp, c.fp, c.fn) for _, _, c in paper.count_items()])
    return evaluation
