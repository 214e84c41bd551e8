"""Train kg_edge_scorer's logistic regressions on the dev gold: ``python -m kg.evaluate.train_edge_scorer``.

Runs the blank pipeline without the scorer over the dev papers, takes every candidate the scorer would see
(``EdgeScorer.candidates``), labels it with the gold through the same matching as ``kg evaluate`` (strict:
both ends share a surface with a gold triple of the type), and fits one L2-regularised logistic regression
per relation type (EVALUATED_ON and RUNS_ON as one pooled model with a bias per type: ``POOLS``). The
regularisation strength is chosen by 5-fold cross-validation over papers (repeated
over five random splits, mean out-of-fold F1: one split's F1 moves by a few points between seeds), and
the threshold by the best strict F1 of the out-of-fold scores counted the way ``kg evaluate`` counts
(distinct triples per paper; gold triples no candidate reaches stay misses). The printed ``cv_f1`` is that
out-of-fold figure; ``reachable`` is how many gold triples any candidate reaches. Only dev is read: never pass the
hold-out here.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from typing import Any

import numpy as np
from scipy.optimize import minimize

from kg.evaluate import read_jsonl
from kg.evaluate.edges import GOLD_RELATION_NAMES, RELATION_ENDS, _pred_entities, _pred_surfaces, gold_surfaces
from kg.evaluate.scoring import surfaces_match
from kg.extract.base import write_model
from kg.extract.edge_scorer import (FEATURES, MODEL_PATH, RULE_CANDIDATE_FEATURES, SCORED_TYPES, EdgeScorer,
                                    untrained_model)
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
            for row in record["relations"]:
                relation, features = candidates[row["candidate"]]
                rel_type = relation["type"]
                source_type, target_type = RELATION_ENDS[rel_type]
                source, target = _pred_surfaces(entities, row["source"]), _pred_surfaces(entities, row["target"])
                matched = [g for g, (gs, gt) in enumerate(golds[rel_type]) if source and target
                           and surfaces_match(source, gs, "strict", source_type)
                           and surfaces_match(target, gt, "strict", target_type)]
                data[rel_type].append((n, (row["source"], row["target"]), features, matched))
    return {"rows": data, "gold": gold_total}


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


def train(collected: dict[str, Any], seed: int = 0, repeats: int = REPEATS) -> tuple[dict[str, Any], dict[str, Any]]:
    """The model and a report of the cross-validated dev scores per type.

    Each pool of types (POOLS) is one logistic regression over its types' candidates, with an indicator per
    type when it pools several; the model keeps, per type, the shared weights and the bias plus that type's
    indicator weight, so it is scored exactly as a per-type model. C (per pool, by the mean of its types'
    F1) and each type's threshold are chosen by the mean out-of-fold F1 over *repeats* random 5-fold splits
    of the papers (one split's F1 swings by several points on a few hundred candidates).
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
        papers = sorted({r[0] for r in rows})
        # each pool its own splits: a change to one type's candidates does not reshuffle another pool's folds
        rng = np.random.default_rng([seed, number])
        splits = []
        for _ in range(repeats):
            fold_of = dict(zip(papers, rng.permutation(len(papers)) % FOLDS))
            splits.append(np.array([fold_of[r[0]] for r in rows]))
        by_c: dict[float, dict[str, tuple]] = {}
        for c in C_GRID:
            scores = {t: np.zeros((len(thresholds), 3)) for t in pool}  # mean F1, tp, fp over the repeats
            for folds in splits:
                oof = np.zeros(len(rows))
                for f in range(FOLDS):
                    train_mask = folds != f
                    w, b = fit(x[train_mask], y[train_mask], c)
                    oof[~train_mask] = 1.0 / (1.0 + np.exp(-(x[~train_mask] @ w + b)))
                for k, rel_type in enumerate(pool):
                    mine = kind == k
                    for n, threshold in enumerate(thresholds):
                        scores[rel_type][n] += np.array(triple_f1(rows_of[rel_type], oof[mine],
                                                                  collected["gold"][rel_type], threshold)) / repeats
            by_c[c] = {}
            for rel_type in pool:
                for n, threshold in enumerate(thresholds):
                    f1, tp, fp = scores[rel_type][n]
                    if rel_type not in by_c[c] or f1 > by_c[c][rel_type][0] + 1e-9:
                        by_c[c][rel_type] = (float(f1), float(threshold), round(float(tp), 1), round(float(fp), 1))
        c = max(C_GRID, key=lambda c: (sum(by_c[c][t][0] for t in pool) / len(pool), -c))
        w, b = fit(x, y, c)
        n_features = len(FEATURES)
        for k, rel_type in enumerate(pool):
            f1, threshold, tp, fp = by_c[c][rel_type]
            bias = b + (float(w[n_features + k]) if len(pool) > 1 else 0.0)
            model["types"][rel_type] = {"weights": [float(v) for v in w[:n_features]],
                                        "bias": float(bias), "threshold": float(threshold), "C": c}
            type_rows = rows_of[rel_type]
            rule = np.array([1.0 if any(r[2][i] for i in RULE_CANDIDATE_FEATURES) else 0.0 for r in type_rows])
            rules_f1 = triple_f1(type_rows, rule, collected["gold"][rel_type], 0.5)[0]
            if rules_f1 > f1:
                # the rules alone beat the model out of fold on dev: keep the rules' candidates for this type
                model["types"][rel_type]["mode"] = "rules"
            report[rel_type] = {"candidates": len(type_rows), "positives": int(sum(1 for r in type_rows if r[3])),
                                "gold": collected["gold"][rel_type], "pool": "+".join(pool),
                                "cv_f1": round(f1, 3), "C": c, "threshold": round(threshold, 3), "tp": tp, "fp": fp,
                                "rules_only_f1": round(rules_f1, 3),
                                "mode": model["types"][rel_type].get("mode", "scored"),
                                # gold triples any candidate reaches: the ceiling of the scorer's recall
                                "reachable": len({(r[0], g) for r in type_rows for g in r[3]})}
    return {**model, "types": {t: model["types"][t] for t in SCORED_TYPES}}, \
        {t: report[t] for t in SCORED_TYPES}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gold", default="tests/data/gold/dev.jsonl")
    parser.add_argument("--papers", default="tests/data/gold/dev-papers.jsonl")
    parser.add_argument("--out", default=str(MODEL_PATH))
    args = parser.parse_args(argv)
    if "holdout" in args.gold or "holdout" in args.papers:
        raise SystemExit("the hold-out is measurement only: train on dev")
    model, report = train(collect(args.gold, args.papers))
    for rel_type, row in report.items():
        print(rel_type, row)
    write_model(args.out, model)  # every weight exactly as fitted
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
