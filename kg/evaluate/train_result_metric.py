"""Train kg_results' metric chooser on the dev gold: ``python -m kg.evaluate.train_result_metric``.

Runs the blank pipeline without the chooser over the dev papers and keeps, for every numeric result, the
metric candidates ``ResultFinder._metric_candidates`` proposes (Metric entities of the clause, free phrases
found by position, the implied "performance" / "speedup", the rules' own choice, no metric). A result is paired
with a gold result of the same value and unit as ``kg evaluate`` pairs them; a candidate is right when it
matches that gold result's metric strictly (a shared surface; no metric for a gold result without one).
A conditional logit (softmax over one result's candidates, L2-regularised) learns which candidate is the
metric. Its regularisation strength is chosen by 5-fold cross-validation over papers, by the strict results
F1 of the out-of-fold choices counted over every predicted and gold result (numbers the gold does not hold
stay false positives, gold results no prediction reaches stay misses). Only dev is read: never pass the
hold-out here.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from typing import Any

import numpy as np
import srsly
from scipy.optimize import minimize

from kg.evaluate import read_jsonl
from kg.evaluate.edges import _gold_results, _match, _pred_entities, _pred_results, _values_match
from kg.evaluate.scoring import surfaces_match
from kg.extract.records import build_record
from kg.extract.results import ENTITIES_KEY, METRIC_FEATURES, METRIC_MODEL_PATH

C_GRID = (0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
FOLDS = 5


def collect(gold_path: str, papers_path: str, pipeline: str = "blank") -> dict[str, Any]:
    """Groups (paper index, features matrix, right-candidate mask, rule-choice index) and result totals."""
    from kg.extract.pipeline import load_pipeline
    from kg.ingest import read_papers

    gold_rows = {row["id"]: row for row in read_jsonl(gold_path, "gold paper")}
    papers = list(read_papers([papers_path]).papers)
    nlp = load_pipeline(pipeline, component_config={"kg_results": {"use_metric_model": False}})
    finder = nlp.get_pipe("kg_results")
    finder.keep_candidates = True
    groups, predicted, gold_total = [], 0, 0
    for n, (paper, doc) in enumerate(zip(papers, nlp.pipe(p.text for p in papers))):
        gold = gold_rows.get(paper.id)
        if gold is None or "results" not in gold:
            continue
        record = build_record(paper, doc, pipeline)
        candidates = doc.user_data.get("kg_result_candidates", [])
        assert len(candidates) == len(record["results"])
        surfaces: dict[str, set[str]] = defaultdict(set)
        for span in doc.spans.get(ENTITIES_KEY, []):
            surfaces[span.kb_id_].add(doc.text[span.start_char:span.end_char])
        golds, preds = _gold_results(gold), _pred_results(record, _pred_entities(record))
        predicted += len(preds)
        gold_total += len(golds)
        _, _, _, paired = _match(preds, golds, lambda p, g: _values_match(p, g, "strict"))
        for p, g in paired.items():
            wanted = golds[g].metric
            right = []
            for candidate in candidates[p]:
                if candidate["metric"]:
                    mine = sorted(surfaces.get(candidate["metric"], ()))
                elif candidate["metric_text"]:
                    mine = [candidate["metric_text"]]
                else:
                    mine = None
                right.append(mine is None and wanted is None or bool(
                    mine and wanted and surfaces_match(mine, wanted, "strict", "Metric")))
            rule = next(i for i, c in enumerate(candidates[p]) if c["features"][METRIC_FEATURES.index("rule")])
            groups.append((n, np.array([c["features"] for c in candidates[p]], dtype=float), np.array(right),
                           rule, [c.get("kind") for c in candidates[p]]))
    return {"groups": groups, "predicted": predicted, "gold": gold_total, "papers": len(papers)}


def fit(groups: list, c: float) -> np.ndarray:
    """Conditional logit, L2-regularised, by L-BFGS; groups with no right candidate teach nothing."""
    usable = [(x, right) for _, x, right, _, _ in groups if right.any()]

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        value, grad = 0.5 / c * w @ w, w / c
        for x, right in usable:
            z = x @ w
            z = z - z.max()
            p = np.exp(z) / np.exp(z).sum()
            q = np.where(right, p, 0.0)
            value -= np.log(q.sum())
            q = q / q.sum()
            grad = grad + x.T @ (p - q)
        return value, grad

    return minimize(loss, np.zeros(len(METRIC_FEATURES)), jac=True, method="L-BFGS-B").x


def results_f1(groups: list, choice: list[int], predicted: int, gold: int) -> tuple[float, int]:
    tp = sum(bool(g[2][k]) for g, k in zip(groups, choice))
    return (2 * tp / (predicted + gold) if tp else 0.0), tp


def folds_of(papers: int, seed: int = 0) -> dict[int, int]:
    """Paper index -> fold, the same for training and the out-of-fold evaluation."""
    return dict(enumerate(np.random.default_rng(seed).permutation(papers) % FOLDS))


def out_of_fold_evaluation(gold_path: str, papers_path: str, collected: dict[str, Any], c: float,
                           pipeline: str = "blank", seed: int = 0) -> dict[str, Any]:
    """`kg evaluate`'s edge scores on dev, each paper extracted with the chooser fitted on the other folds."""
    from kg.evaluate.edges import EdgeEvaluation, score_edges
    from kg.extract.pipeline import load_pipeline
    from kg.ingest import read_papers

    gold_rows = {row["id"]: row for row in read_jsonl(gold_path, "gold paper")}
    papers = list(read_papers([papers_path]).papers)
    fold_of = folds_of(len(papers), seed)
    nlp = load_pipeline(pipeline, component_config={"kg_results": {"use_metric_model": False}})
    finder = nlp.get_pipe("kg_results")
    evaluation = EdgeEvaluation()
    for f in range(FOLDS):
        weights = fit([g for g in collected["groups"] if fold_of[g[0]] != f], c)
        finder.metric_model = {"features": list(METRIC_FEATURES), "weights": [float(v) for v in weights]}
        chosen = [p for n, p in enumerate(papers) if fold_of[n] == f]
        for paper, doc in zip(chosen, nlp.pipe(p.text for p in chosen)):
            if paper.id in gold_rows:
                score_edges(gold_rows[paper.id], build_record(paper, doc, pipeline), evaluation)
    return evaluation.as_dict()["strict"]


def train(collected: dict[str, Any], seed: int = 0) -> tuple[dict[str, Any], dict[str, Any]]:
    groups, predicted, gold = collected["groups"], collected["predicted"], collected["gold"]
    fold_of = folds_of(collected["papers"], seed)
    best = None
    per_c = {}
    for c in C_GRID:
        choice = [0] * len(groups)
        for f in range(FOLDS):
            w = fit([g for g in groups if fold_of[g[0]] != f], c)
            for n, g in enumerate(groups):
                if fold_of[g[0]] == f:
                    choice[n] = int(np.argmax(g[1] @ w))
        f1, tp = results_f1(groups, choice, predicted, gold)
        per_c[c] = round(f1, 4)
        if best is None or f1 > best[0] + 1e-9:
            best = (f1, c, tp)
    f1, c, tp = best
    w = fit(groups, c)
    rule_f1, rule_tp = results_f1(groups, [g[3] for g in groups], predicted, gold)
    oracle_f1, oracle_tp = results_f1(groups, [int(np.argmax(g[2])) for g in groups], predicted, gold)
    report = {"results": len(groups), "predicted": predicted, "gold": gold, "C": c, "cv_f1_by_C": per_c,
              "cv_f1": round(f1, 4), "cv_tp": tp, "rules_f1": round(rule_f1, 4), "rules_tp": rule_tp,
              "reachable_f1": round(oracle_f1, 4), "reachable_tp": oracle_tp}
    model = {"features": list(METRIC_FEATURES), "weights": [round(float(v), 5) for v in w], "C": c,
             "cv": {k: report[k] for k in ("cv_f1", "rules_f1", "reachable_f1", "results", "gold")}}
    return model, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gold", default="tests/data/gold/dev.jsonl")
    parser.add_argument("--papers", default="tests/data/gold/dev-papers.jsonl")
    parser.add_argument("--out", default=str(METRIC_MODEL_PATH))
    args = parser.parse_args()
    if "holdout" in args.gold or "holdout" in args.papers:
        raise SystemExit("the hold-out is measurement only: train on dev")
    collected = collect(args.gold, args.papers)
    model, report = train(collected)
    strict = out_of_fold_evaluation(args.gold, args.papers, collected, model["C"])
    report["out_of_fold_strict"] = {"results": strict["results"], "result_roles": strict["result_roles"]}
    model["cv"]["out_of_fold_results_f1"] = strict["results"]["f1"]
    print(report)
    srsly.write_json(args.out, model)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
