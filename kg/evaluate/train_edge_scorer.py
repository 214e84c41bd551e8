"""Train kg_edge_scorer's logistic regressions on the dev gold: ``python -m kg.evaluate.train_edge_scorer``.

Runs the blank pipeline without the scorer over the dev papers, takes every candidate the scorer would see
(``EdgeScorer.candidates``), labels it with the gold through the same matching as ``kg evaluate`` (strict:
both ends share a surface with a gold triple of the type), and fits one L2-regularised logistic regression
per relation type (EVALUATED_ON and RUNS_ON as one pooled model with a bias per type: ``POOLS``). The
regularisation strength is chosen by 5-fold cross-validation over papers (repeated
over five random splits, mean out-of-fold F1: one split's F1 moves by a few points between seeds), and
the threshold by the best strict F1 of the out-of-fold scores counted the way ``kg evaluate`` counts
(distinct triples per paper; gold triples no candidate reaches stay misses). The printed ``cv_f1`` is that
out-of-fold figure; ``reachable`` is how many gold triples any candidate reaches. Dev by default; ``--gold G
--papers P`` repeated trains on several sets (the shipped model: dev and synthetic-dev, ``make models``) and prints
each set's out-of-fold F1 per type (``out_of_fold[set]``); ``--validate G P`` scores a set the model is not trained
on (``held_out[set]``). A hold-out is refused (kg.evaluate.training_sets).
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from typing import Any

import numpy as np
from scipy.optimize import minimize

from kg.evaluate import read_jsonl
from kg.evaluate.edges import GOLD_RELATION_NAMES, RELATION_ENDS, _pred_entities, _pred_surfaces, gold_surfaces
from kg.evaluate.training_sets import (add_gold_arguments, check_trainable, gold_pairs, paper_sets, set_name,
                                       training_files)
from kg.evaluate.scoring import surfaces_match
from kg.extract.base import write_model
from kg.extract.edge_scorer import (FEATURES, MODEL_PATH, RULE_CANDIDATE_FEATURES, SCORED_TYPES, SURE_FEATURES,
                                    EdgeScorer, untrained_model)
from kg.extract.records import build_record

C_GRID = (0.03, 0.1, 0.3, 1.0, 3.0)
FOLDS = 5
REPEATS = 5


def collect(gold_path: str, papers_path: str, pipeline: str = "blank") -> dict[str, list]:
    """Per type: rows of (paper index, triple key, features, matched gold indices); and gold counts."""
    from kg.extract.pipeline import load_pipeline
    from kg.ingest import read_papers

    gold_rows = {row["id"]: row for row in read_jsonl(gold_path, "gold paper")}
    papers = [p for p in read_papers([papers_path]).papers]
    # the candidates do not depend on the weights: collect them without the shipped model, which may have
    # been trained for other features
    nlp = load_pipeline(pipeline, component_config={"kg_edge_scorer": {"model": untrained_model()}})
    scorer: EdgeScorer = nlp.get_pipe("kg_edge_scorer")
    data: dict[str, Any] = {t: [] for t in SCORED_TYPES}
    gold_total = {t: 0 for t in SCORED_TYPES}
    gold_by_paper: dict[str, dict[int, int]] = {t: {} for t in SCORED_TYPES}
    with nlp.select_pipes(disable=["kg_edge_scorer"]):
        scorer.relations.keep_origins = True
        for n, (paper, doc) in enumerate(zip(papers, nlp.pipe(p.text for p in papers))):
            gold = gold_rows.get(paper.id)
            if gold is None or "relations" not in gold:
                continue
            candidates = [(r, x) for r, x in scorer.candidates(doc) if r["type"] in SCORED_TYPES]
            doc._.kg_relations = [{**r, "candidate": i} for i, (r, _) in enumerate(candidates)]
            record = build_record(paper, doc, pipeline)  # drops a candidate whose two ends are one entity
            entities = _pred_entities(record)
            golds: dict[str, list] = defaultdict(list)
            for row in gold["relations"] or []:
                rel_type = GOLD_RELATION_NAMES.get(row["type"], row["type"])
                if rel_type in SCORED_TYPES:
                    ends = RELATION_ENDS[rel_type]
                    triple = (gold_surfaces(gold, row["source"], ends[0]), gold_surfaces(gold, row["target"], ends[1]))
                    if triple not in golds[rel_type]:
                        golds[rel_type].append(triple)
            for rel_type in SCORED_TYPES:
                gold_total[rel_type] += len(golds[rel_type])
                gold_by_paper[rel_type][n] = len(golds[rel_type])
            for row in record["relations"]:
                relation, features = candidates[row["candidate"]]
                rel_type = relation["type"]
                source_type, target_type = RELATION_ENDS[rel_type]
                source, target = _pred_surfaces(entities, row["source"]), _pred_surfaces(entities, row["target"])
                matched = [g for g, (gs, gt) in enumerate(golds[rel_type]) if source and target
                           and surfaces_match(source, gs, "strict", source_type)
                           and surfaces_match(target, gt, "strict", target_type)]
                data[rel_type].append((n, (row["source"], row["target"]), features, matched))
    return {"rows": data, "gold": gold_total, "gold_by_paper": gold_by_paper,
            "paper_ids": [p.id for p in papers]}


def fit(x: np.ndarray, y: np.ndarray, c: float) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression (bias not penalised), by L-BFGS."""
    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:-1], theta[-1]
        z = x @ w + b
        p = 1.0 / (1.0 + np.exp(-z))
        value = np.sum(np.logaddexp(0, z) - y * z) + 0.5 / c * w @ w
        grad = np.append(x.T @ (p - y) + w / c, np.sum(p - y))
        return value, grad

    theta = minimize(loss, np.zeros(x.shape[1] + 1), jac=True, method="L-BFGS-B").x
    return theta[:-1], float(theta[-1])


def triple_f1(rows: list, scores: np.ndarray, gold_total: int, threshold: float) -> tuple[float, int, int]:
    """Strict F1 counted as kg evaluate does: distinct triples per paper, each gold triple matched once."""
    best: dict[tuple, tuple[float, list[int]]] = {}
    for (paper, key, _, matched), score in zip(rows, scores):
        k = (paper, key)
        if k not in best or score > best[k][0]:
            best[k] = (score, matched)
    tp_gold, fp = set(), 0
    for (paper, _), (score, matched) in best.items():
        if score < threshold:
            continue
        free = [g for g in matched if (paper, g) not in tp_gold]
        if free:
            tp_gold.add((paper, free[0]))
        else:
            fp += 1
    tp = len(tp_gold)
    fn = gold_total - tp
    return (2 * tp / (2 * tp + fp + fn) if tp else 0.0), tp, fp


# types trained as one model (shared weights, a bias per type): EVALUATED_ON and RUNS_ON both join a method to
# what it is run on ("evaluated on X", "runs on Y") and RUNS_ON alone has few examples; pooled, both score better
# out of fold on dev than apart. OUTPERFORMS and BUILDS_ON do not gain from pooling and stay apart.
POOLS: tuple[tuple[str, ...], ...] = (("EVALUATED_ON", "RUNS_ON"), ("OUTPERFORMS",), ("BUILDS_ON",))


# a type's model must beat the type's rules by more than this out-of-fold F1 on dev to be used; within it the
# rules (no fitted weights, no threshold) are kept: the simpler of two that score alike carries better to new text.
# The same margin prefers "hybrid" (the model decides only the rules' less sure candidates) over "scored".
RULES_MARGIN = 0.02


def rule_scores(rows: list) -> np.ndarray:
    """1 for a candidate the rules stated (any origin of kg_relations' own rules), else 0: "rules" mode."""
    return np.array([1.0 if any(r[2][i] for i in RULE_CANDIDATE_FEATURES) else 0.0 for r in rows])


def hybrid_scores(rows: list, scores: np.ndarray) -> np.ndarray:
    """"hybrid" mode as scores: 1 for a rules' candidate of a sure origin (kept whatever the threshold), the model's
    score for the rules' other candidates, 0 for a broad candidate (never kept)."""
    sure = np.array([1.0 if any(r[2][i] for i in SURE_FEATURES) else 0.0 for r in rows])
    return np.where(sure > 0, 1.0, np.where(rule_scores(rows) > 0, scores, 0.0))


def _gold_of_folds(collected: dict[str, Any], rel_type: str, papers: list[int], fold_of: dict[int, int]) -> np.ndarray:
    """Gold triples of *rel_type* per fold: from the per-paper counts, or (without them) the total shared by papers."""
    by_paper = collected.get("gold_by_paper", {}).get(rel_type)
    total = collected["gold"][rel_type]
    gold = np.zeros(FOLDS)
    if by_paper is not None:
        for paper in papers:
            gold[fold_of[paper]] += by_paper.get(paper, 0)
    else:
        for paper in papers:
            gold[fold_of[paper]] += total / len(papers)
    return gold


def _fold_counts(rows: list, scores: np.ndarray, fold_of_rows: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """(fold, threshold, [tp, fp]) counted as kg evaluate counts, one fold (a set of papers) at a time."""
    counts = np.zeros((FOLDS, len(thresholds), 2))
    for f in range(FOLDS):
        mine = np.flatnonzero(fold_of_rows == f)
        fold_rows = [rows[i] for i in mine]
        for n, threshold in enumerate(thresholds):
            _, tp, fp = triple_f1(fold_rows, scores[mine], 0, threshold)
            counts[f, n] = tp, fp
    return counts


def _nested_f1(counts: np.ndarray, gold: np.ndarray) -> float:
    """F1 of a threshold chosen on the other folds' out-of-fold scores and applied to each fold in turn: an
    out-of-fold figure for the threshold too (the best threshold on all the out-of-fold scores flatters)."""
    tp = fp = 0.0
    total = counts.sum(axis=0)
    for f in range(FOLDS):
        other = total - counts[f]
        f1 = 2 * other[:, 0] / np.maximum(1e-9, other[:, 0] + other[:, 1] + gold.sum() - gold[f])
        n = len(f1) - 1 - int(np.argmax(f1[::-1]))  # on a tie the higher threshold: fewer, surer edges
        tp, fp = tp + counts[f, n, 0], fp + counts[f, n, 1]
    return 2 * tp / (tp + fp + gold.sum()) if tp else 0.0


def train(collected: dict[str, Any], seed: int = 0, repeats: int = REPEATS,
          sets: dict[str, str] | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The model and a report of the cross-validated dev scores per type.

    Each pool of types (POOLS) is one logistic regression over its types' candidates, with an indicator per
    type when it pools several; the model keeps, per type, the shared weights and the bias plus that type's
    indicator weight, so it is scored exactly as a per-type model. Over *repeats* random 5-fold splits of the
    papers (one split's F1 swings by several points on a few hundred candidates): C (per pool, by the mean of its
    types' F1) is chosen by the out-of-fold F1 with each fold's threshold chosen on the other folds
    (``cv_f1``); the shipped threshold is the best on all the out-of-fold scores at that C. A type whose rules
    score within RULES_MARGIN of ``cv_f1`` or better is in "rules" mode; else a type whose "hybrid" (sure rule
    candidates kept, the rules' others scored; its own nested F1 and threshold) scores within RULES_MARGIN of the
    model is in "hybrid" mode.

    With *sets* (paper id -> set name, several training sets) the report also holds, per type, ``sets``: each
    set's out-of-fold F1 in the shipped mode at the shipped threshold (mean over the repeats).
    """
    assert sorted(t for pool in POOLS for t in pool) == sorted(SCORED_TYPES)
    model: dict[str, Any] = {"features": list(FEATURES), "types": {}}
    report = {}
    thresholds = np.round(np.arange(0.10, 0.91, 0.025), 3)  # the grid values, as written to the model
    for number, pool in enumerate(POOLS):
        rows_of = {t: collected["rows"][t] for t in pool}
        rows = [r for t in pool for r in rows_of[t]]
        kind = np.array([k for k, t in enumerate(pool) for _ in rows_of[t]])
        indicators = [] if len(pool) == 1 else [[float(k == j) for j in range(len(pool))] for k in kind]
        x = np.array([list(r[2]) + (indicators[n] if indicators else []) for n, r in enumerate(rows)], dtype=float)
        y = np.array([1.0 if r[3] else 0.0 for r in rows])
        # every paper with gold or candidates is in a fold: a fold's misses count where no candidate reaches them
        papers = sorted({r[0] for r in rows} | {p for t in pool for p in collected.get("gold_by_paper", {}).get(t, {})})
        # each pool its own splits: a change to one type's candidates does not reshuffle another pool's folds
        rng = np.random.default_rng([seed, number])
        splits = []
        for _ in range(repeats):
            fold_of = dict(zip(papers, rng.permutation(len(papers)) % FOLDS))
            splits.append((fold_of, np.array([fold_of[r[0]] for r in rows])))
        by_c: dict[float, dict[str, tuple]] = {}
        oof_of: dict[float, list[np.ndarray]] = {}  # per C, each split's out-of-fold scores (per-set figures)
        for c in C_GRID:
            oof_of[c] = []
            pooled = {t: np.zeros((len(thresholds), 2)) for t in pool}  # tp, fp summed over folds, mean of repeats
            nested = {t: 0.0 for t in pool}
            pooled_hybrid = {t: np.zeros((len(thresholds), 2)) for t in pool}
            nested_hybrid = {t: 0.0 for t in pool}
            for fold_of, folds in splits:
                oof = np.zeros(len(rows))
                for f in range(FOLDS):
                    train_mask = folds != f
                    w, b = fit(x[train_mask], y[train_mask], c)
                    oof[~train_mask] = 1.0 / (1.0 + np.exp(-(x[~train_mask] @ w + b)))
                oof_of[c].append(oof)
                for k, rel_type in enumerate(pool):
                    mine = kind == k
                    counts = _fold_counts(rows_of[rel_type], oof[mine], folds[mine], thresholds)
                    gold_folds = _gold_of_folds(collected, rel_type, papers, fold_of)
                    pooled[rel_type] += counts.sum(axis=0) / repeats
                    nested[rel_type] += _nested_f1(counts, gold_folds) / repeats
                    counts = _fold_counts(rows_of[rel_type], hybrid_scores(rows_of[rel_type], oof[mine]), folds[mine],
                                          thresholds)
                    pooled_hybrid[rel_type] += counts.sum(axis=0) / repeats
                    nested_hybrid[rel_type] += _nested_f1(counts, gold_folds) / repeats
            by_c[c] = {}
            for rel_type in pool:
                gold = collected["gold"][rel_type]
                for mode, counts, f1_nested in (("scored", pooled, nested), ("hybrid", pooled_hybrid, nested_hybrid)):
                    tp, fp = counts[rel_type][:, 0], counts[rel_type][:, 1]
                    f1 = np.where(tp > 0, 2 * tp / np.maximum(1e-9, tp + fp + gold), 0.0)
                    n = int(np.argmax(f1))
                    by_c[c][rel_type, mode] = (float(f1_nested[rel_type]), float(thresholds[n]),
                                               round(float(tp[n]), 1), round(float(fp[n]), 1), float(f1[n]))
        # C by the mean over the pool's types of the better of the model and the hybrid
        c = max(C_GRID, key=lambda c: (sum(max(by_c[c][t, "scored"][0], by_c[c][t, "hybrid"][0]) for t in pool)
                                       / len(pool), -c))
        w, b = fit(x, y, c)
        n_features = len(FEATURES)
        for k, rel_type in enumerate(pool):
            type_rows = rows_of[rel_type]
            rules_f1 = triple_f1(type_rows, rule_scores(type_rows), collected["gold"][rel_type], 0.5)[0]
            model_f1, hybrid_f1 = by_c[c][rel_type, "scored"][0], by_c[c][rel_type, "hybrid"][0]
            if rules_f1 + RULES_MARGIN >= max(model_f1, hybrid_f1):
                mode = "rules"  # the rules alone score as well out of fold on dev (within the margin)
            elif hybrid_f1 + RULES_MARGIN >= model_f1:
                mode = "hybrid"  # the model needed only for the rules' less sure candidates
            else:
                mode = "scored"
            f1, threshold, tp, fp, best_f1 = by_c[c][rel_type, "hybrid" if mode == "hybrid" else "scored"]
            bias = b + (float(w[n_features + k]) if len(pool) > 1 else 0.0)
            model["types"][rel_type] = {"weights": [float(v) for v in w[:n_features]],
                                        "bias": float(bias), "threshold": float(threshold), "C": c}
            if mode != "scored":
                model["types"][rel_type]["mode"] = mode
            report[rel_type] = {"candidates": len(type_rows), "positives": int(sum(1 for r in type_rows if r[3])),
                                "gold": collected["gold"][rel_type], "pool": "+".join(pool),
                                "cv_f1": round(f1, 3), "best_threshold_f1": round(best_f1, 3), "C": c,
                                "model_cv_f1": round(model_f1, 3), "hybrid_cv_f1": round(hybrid_f1, 3),
                                "threshold": round(threshold, 3), "tp": tp, "fp": fp,
                                "rules_only_f1": round(rules_f1, 3),
                                "mode": model["types"][rel_type].get("mode", "scored"),
                                # gold triples any candidate reaches: the ceiling of the scorer's recall
                                "reachable": len({(r[0], g) for r in type_rows for g in r[3]})}
            if sets and "paper_ids" in collected and "gold_by_paper" in collected:
                report[rel_type]["sets"] = _per_set_f1(collected, rel_type, type_rows,
                                                       [oof[kind == k] for oof in oof_of[c]], mode, threshold, sets)
    return {**model, "types": {t: model["types"][t] for t in SCORED_TYPES}}, \
        {t: report[t] for t in SCORED_TYPES}


def _per_set_f1(collected: dict[str, Any], rel_type: str, rows: list, oofs: list[np.ndarray], mode: str,
                threshold: float, sets: dict[str, str]) -> dict[str, float]:
    """Set name -> out-of-fold F1 of *rel_type* on that set's papers, in *mode* at *threshold*, mean over splits."""
    ids = collected["paper_ids"]
    out = {}
    for name in sorted(set(sets.values())):
        mine = np.array([sets.get(ids[r[0]]) == name for r in rows], dtype=bool)
        set_rows = [r for r, m in zip(rows, mine) if m]
        gold = sum(g for p, g in collected["gold_by_paper"][rel_type].items() if sets.get(ids[p]) == name)
        f1 = 0.0
        for oof in oofs:
            scores = oof[mine]
            used = {"rules": rule_scores(set_rows), "hybrid": hybrid_scores(set_rows, scores), "scored": scores}[mode]
            f1 += triple_f1(set_rows, used, gold, 0.5 if mode == "rules" else threshold)[0] / len(oofs)
        out[name] = round(f1, 3)
    return out


def held_out_f1(collected: dict[str, Any], model: dict[str, Any]) -> dict[str, float]:
    """Type -> strict F1 of *model* (as it ships: its mode and threshold) on candidates collected from a set it was
    not trained on (``--validate``), counted as the out-of-fold figures are."""
    scorer = EdgeScorer.__new__(EdgeScorer)
    scorer.model = model
    out = {}
    for rel_type in SCORED_TYPES:
        rows = collected["rows"][rel_type]
        part = model["types"][rel_type]
        mode = part.get("mode", "scored")
        scores = np.array([scorer.probability(rel_type, r[2]) for r in rows])
        used = {"rules": rule_scores(rows), "hybrid": hybrid_scores(rows, scores), "scored": scores}[mode]
        out[rel_type] = round(triple_f1(rows, used, collected["gold"][rel_type],
                                        0.5 if mode == "rules" else part["threshold"])[0], 3)
    out["macro"] = round(sum(out[t] for t in SCORED_TYPES) / len(SCORED_TYPES), 3)
    return out


def halves(collected: dict[str, Any], seed: int = 0, repeats: int = 2) -> dict[str, list[dict[str, Any]]]:
    """Per type, for each half of the dev papers (by position: d000-d111 and d112-d223): train on it (C, threshold
    and mode chosen inside it, as ``train`` does) and score the other half, the model as it would ship beside its
    type's rules alone. Needs ``collect``'s per-paper gold counts."""
    n_papers = len(collected["paper_ids"])
    half_of = lambda paper: int(paper >= n_papers // 2)  # noqa: E731
    out: dict[str, list[dict[str, Any]]] = {t: [] for t in SCORED_TYPES}
    for fitted in (0, 1):
        part = {"rows": {t: [r for r in rows if half_of(r[0]) == fitted] for t, rows in collected["rows"].items()},
                "gold_by_paper": {t: {p: g for p, g in by.items() if half_of(p) == fitted}
                                  for t, by in collected["gold_by_paper"].items()}}
        part["gold"] = {t: sum(by.values()) for t, by in part["gold_by_paper"].items()}
        model, _ = train(part, seed=seed, repeats=repeats)
        scorer = EdgeScorer.__new__(EdgeScorer)
        scorer.model = model
        for rel_type in SCORED_TYPES:
            rows = [r for r in collected["rows"][rel_type] if half_of(r[0]) != fitted]
            gold = sum(g for p, g in collected["gold_by_paper"][rel_type].items() if half_of(p) != fitted)
            part_model = model["types"][rel_type]
            rule = rule_scores(rows)
            scores = np.array([scorer.probability(rel_type, r[2]) for r in rows])
            mode = part_model.get("mode", "scored")
            used = {"rules": rule, "hybrid": hybrid_scores(rows, scores), "scored": scores}[mode]
            f1, tp, fp = triple_f1(rows, used, gold, 0.5 if mode == "rules" else part_model["threshold"])
            hybrid_f1, htp, hfp = triple_f1(rows, hybrid_scores(rows, scores), gold, part_model["threshold"])
            model_f1, mtp, mfp = triple_f1(rows, scores, gold, part_model["threshold"])
            rules_f1, rtp, rfp = triple_f1(rows, rule, gold, 0.5)
            out[rel_type].append({
                "fitted_on": ("first", "second")[fitted], "mode": part_model.get("mode", "scored"),
                "f1": round(f1, 3), "P": round(tp / max(1, tp + fp), 3), "R": round(tp / max(1, gold), 3),
                "model_f1": round(model_f1, 3), "model_P": round(mtp / max(1, mtp + mfp), 3),
                "rules_f1": round(rules_f1, 3), "rules_P": round(rtp / max(1, rtp + rfp), 3),
                "hybrid_f1": round(hybrid_f1, 3), "hybrid_P": round(htp / max(1, htp + hfp), 3), "gold": gold})
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_gold_arguments(parser)
    parser.add_argument("--out", default=str(MODEL_PATH))
    parser.add_argument("--halves", action="store_true",
                        help="also train on each half of the dev papers and print the scores on the other half")
    parser.add_argument("--validate", nargs=2, metavar=("GOLD", "PAPERS"), action="append", default=[],
                        help="also score a set the model is not trained on with the final model (out of sample, "
                             "counted as the out-of-fold figures); repeatable")
    args = parser.parse_args(argv)
    check_trainable([tuple(pair) for pair in args.validate])
    with training_files(gold_pairs(args)) as (gold, papers):
        _main(args, gold, papers, paper_sets(gold_pairs(args)))


def _main(args: argparse.Namespace, gold: str, papers: str, sets: dict[str, str] | None = None) -> None:
    collected = collect(gold, papers)
    model, report = train(collected, sets=sets)
    for rel_type, row in report.items():
        print(rel_type, row)
    if sets and all("sets" in report[t] for t in SCORED_TYPES):
        names = sorted(set(sets.values()))
        for name in names:
            per_type = {t: report[t]["sets"][name] for t in SCORED_TYPES}
            print(f"out_of_fold[{name}]", {**per_type, "macro": round(sum(per_type.values()) / len(per_type), 3)})
    for gold_path, papers_path in getattr(args, "validate", []):
        print(f"held_out[{set_name(gold_path)}]", held_out_f1(collect(gold_path, papers_path), model))
    if args.halves:
        for rel_type, rows in halves(collected).items():
            for row in rows:
                print("half", rel_type, row)
    write_model(args.out, model)  # every weight exactly as fitted
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
