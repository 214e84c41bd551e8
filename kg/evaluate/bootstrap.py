"""How far to trust a score: paper-level bootstrap intervals for every F1 of ``kg evaluate``, and paired
comparisons of two prediction files on the same gold.

The unit of resampling is the paper, because errors cluster within a paper (one missed proposed method costs
its results and relations too). :func:`kg.evaluate.scoring.score` keeps each paper's (tp, fp, fn) for every
count behind an F1 (``Evaluation.paper_counts``); nothing is re-scored here. A replicate draws as many papers as
were scored, with replacement, sums their counts (the replicates' paper multiplicities times the count table:
one matrix product) and recomputes each F1 from the sums, exactly as the report does: per entity type and their
macro mean and pooled micro F1; proposals, results and each result role; each relation type and their macro
mean. The interval is the percentile interval of the replicates (95%: the 2.5th and 97.5th percentiles). A
replicate that draws no gold and no predicted item of a kind leaves that F1 undefined (and the macro mean it is
part of): such replicates are left out of that interval, not counted as 0. A kind with no item in the whole
sample counts 0 in every replicate, as the report counts it.

A paired comparison draws the same papers for both prediction files in each replicate, so the interval of the
difference ``pred - against`` only holds the variation that does not cancel between them: a change that moves
a few papers the same way on every draw has a narrow interval even when each F1's own interval is wide.
``share_higher`` is the share of replicates in which ``pred`` scores higher (ties count half).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from kg.errors import InputError
from kg.evaluate.scoring import MODES, Evaluation

LEVEL = 0.95
BLOCK = 250  # replicates per matrix product: bounds memory at BLOCK x papers multiplicities

Key = tuple[str, str]  # (mode, key): ("strict", "entities.Method"), ("lenient", "relations.macro")


@dataclass
class Bootstrap:
    """The percentile interval of each F1 under paper resampling."""

    replicates: int
    seed: int
    papers: int
    intervals: dict[Key, tuple[float, float]]
    level: float = LEVEL

    def settings(self) -> dict[str, Any]:
        return {"replicates": self.replicates, "seed": self.seed, "papers": self.papers, "level": self.level,
                "unit": "paper", "interval": "percentile"}


@dataclass
class Difference:
    pred: float
    against: float
    low: float
    high: float
    share_higher: float

    @property
    def difference(self) -> float:
        return self.pred - self.against

    def as_dict(self) -> dict[str, Any]:
        return {"pred": round(self.pred, 4), "against": round(self.against, 4),
                "difference": round(self.difference, 4), "ci": [round(self.low, 4), round(self.high, 4)],
                "share_higher": round(self.share_higher, 4)}


@dataclass
class Comparison:
    """Paired bootstrap of ``pred - against`` for each F1, on the same gold papers and the same draws."""

    pred: Evaluation
    against: Evaluation
    bootstrap: Bootstrap  # its intervals are those of the differences
    differences: dict[Key, Difference]

    def as_dict(self) -> dict[str, Any]:
        return {"papers": self.pred.papers, "bootstrap": self.bootstrap.settings(),
                **{mode: {key: diff.as_dict() for (m, key), diff in self.differences.items() if m == mode}
                   for mode in MODES}}


def reported_keys(evaluation: Evaluation) -> list[Key]:
    """The F1 scores a report shows, in its order: entity types, macro, micro, then the scored edge kinds."""
    keys = []
    edges = evaluation.edges
    for mode in MODES:
        keys += [(mode, f"entities.{t}") for t in evaluation.types]
        keys += [(mode, "entities.macro"), (mode, "entities.micro")]
        if edges is not None and edges.papers.get("proposes"):
            keys.append((mode, "proposals"))
        if edges is not None and edges.papers.get("results"):
            keys += [(mode, k) for m, k, _ in edges.count_items() if m == mode and k.startswith("results")]
        if edges is not None and edges.papers.get("relations"):
            keys += [(mode, k) for m, k, _ in edges.count_items() if m == mode and k.startswith("relations.")]
            keys.append((mode, "relations.macro"))
    return keys


def _table(evaluation: Evaluation) -> tuple[list[Key], np.ndarray]:
    """The count keys and the papers x keys x (tp, fp, fn) table."""
    keys = [(mode, key) for mode, key, _ in evaluation.count_items()]
    if not evaluation.paper_counts:
        raise InputError("no gold papers were scored: nothing to resample")
    table = np.asarray(evaluation.paper_counts, dtype=np.float64)
    if table.shape != (len(evaluation.paper_counts), len(keys), 3):
        raise ValueError(f"paper counts of shape {table.shape} do not fit {len(keys)} count keys")
    return keys, table


def _f1(sums: np.ndarray, empty: float) -> np.ndarray:
    """F1 from (..., 3) sums of (tp, fp, fn): 2tp / (2tp + fp + fn); *empty* where there is no item at all
    (the report's Counts.f1 says 0; a replicate says NaN, undefined)."""
    tp, fp, fn = sums[..., 0], sums[..., 1], sums[..., 2]
    denominator = 2 * tp + fp + fn
    return np.divide(2 * tp, denominator, out=np.full_like(tp, empty), where=denominator > 0)


def _scores(keys: list[Key], sums: np.ndarray, empty: float = np.nan,
            never: np.ndarray | None = None) -> dict[Key, np.ndarray]:
    """Every F1 (count keys and the derived macro and micro scores) from the (..., keys, 3) sums.

    A score with no gold and no predicted item in a replicate is undefined there (NaN), and so is a macro
    mean with such a part: those replicates are left out of that score's interval rather than counted as 0.
    A key with no item in the whole sample (*never*) is 0 in every replicate, as the report counts it.
    """
    f1 = _f1(sums, empty)
    if never is not None:
        f1[..., never] = 0.0
    column = {key: i for i, key in enumerate(keys)}
    scores = {key: f1[..., i] for key, i in column.items()}
    for mode in MODES:
        for prefix in ("entities", "relations"):
            cols = [i for (m, key), i in column.items() if m == mode and key.startswith(prefix + ".")]
            if cols:
                scores[(mode, f"{prefix}.macro")] = f1[..., cols].mean(axis=-1)
                if prefix == "entities":
                    scores[(mode, "entities.micro")] = _f1(sums[..., cols, :].sum(axis=-2), empty)
    return scores


def _multiplicities(papers: int, replicates: int, rng: np.random.Generator) -> np.ndarray:
    """A replicates x papers matrix: how often each paper is drawn in each replicate (rows sum to *papers*)."""
    draws = rng.integers(0, papers, size=(replicates, papers))
    flat = (draws + papers * np.arange(replicates)[:, None]).ravel()
    return np.bincount(flat, minlength=replicates * papers).reshape(replicates, papers).astype(np.float64)


def _replicate_scores(tables: list[np.ndarray], keys: list[Key], replicates: int,
                      seed: int) -> list[dict[Key, np.ndarray]]:
    """For each table (the same papers in the same order), the F1 of every key in each replicate."""
    if replicates < 1:
        raise InputError("--bootstrap needs at least 1 replicate")
    rng = np.random.default_rng(seed)
    papers = tables[0].shape[0]
    flat = [table.reshape(papers, -1) for table in tables]
    never = [table.sum(axis=(0, 2)) == 0 for table in tables]
    parts: list[list[dict[Key, np.ndarray]]] = [[] for _ in tables]
    for start in range(0, replicates, BLOCK):
        weights = _multiplicities(papers, min(BLOCK, replicates - start), rng)
        for part, table, empty in zip(parts, flat, never):
            part.append(_scores(keys, (weights @ table).reshape(len(weights), len(keys), 3), never=empty))
    return [{key: np.concatenate([block[key] for block in part]) for key in part[0]} for part in parts]


def _interval(values: np.ndarray, level: float) -> tuple[float, float] | None:
    """The percentile interval of the replicates where the score is defined; None if it never is."""
    values = values[~np.isnan(values)]
    if not len(values):
        return None
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return float(low), float(high)


def bootstrap(evaluation: Evaluation, replicates: int = 1000, *, seed: int = 0, level: float = LEVEL) -> Bootstrap:
    """The *level* percentile interval of every reported F1 under paper resampling (see the module docstring)."""
    keys, table = _table(evaluation)
    (scores,) = _replicate_scores([table], keys, replicates, seed)
    intervals = {key: _interval(scores[key], level) for key in reported_keys(evaluation)}
    return Bootstrap(replicates=replicates, seed=seed, papers=table.shape[0], level=level,
                     intervals={key: bounds for key, bounds in intervals.items() if bounds is not None})


def observed(evaluation: Evaluation) -> dict[Key, float]:
    """Every reported F1 of *evaluation*, recomputed from its summed per-paper counts."""
    keys, table = _table(evaluation)
    scores = _scores(keys, table.sum(axis=0), empty=0.0)
    return {key: float(scores[key]) for key in reported_keys(evaluation)}


def compare(pred: Evaluation, against: Evaluation, replicates: int = 1000, *, seed: int = 0,
            level: float = LEVEL) -> Comparison:
    """Paired bootstrap of ``pred - against`` for every F1 both report (same gold papers, same draws)."""
    if pred.paper_ids != against.paper_ids:
        raise InputError("the two predictions were scored on different gold papers: a paired comparison needs "
                         "the same papers")
    keys, pred_table = _table(pred)
    against_keys, against_table = _table(against)
    if keys != against_keys:
        raise InputError("the two predictions were scored on different kinds of fact")
    pred_scores, against_scores = _replicate_scores([pred_table, against_table], keys, replicates, seed)
    pred_point, against_point = observed(pred), observed(against)
    differences, intervals = {}, {}
    for key in reported_keys(pred):
        if key not in against_point:
            continue
        delta = pred_scores[key] - against_scores[key]
        bounds = _interval(delta, level)
        if bounds is None:  # neither file nor the gold has such an item in any draw
            continue
        delta = delta[~np.isnan(delta)]
        intervals[key] = bounds
        share = float(np.mean(delta > 0) + 0.5 * np.mean(delta == 0))
        differences[key] = Difference(pred_point[key], against_point[key], *bounds, share_higher=share)
    return Comparison(pred=pred, against=against, differences=differences,
                      bootstrap=Bootstrap(replicates=replicates, seed=seed, papers=pred_table.shape[0], level=level,
                                          intervals=intervals))
