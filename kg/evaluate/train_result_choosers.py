"""Train kg_results' metric and method choosers on the dev gold: ``python -m kg.evaluate.train_result_choosers``.

Runs the blank pipeline without the choosers over the dev papers and keeps, for every numeric result, the
candidates ``ResultFinder`` proposes: metric candidates (``_metric_candidates``: Metric entities of the
clause, free phrases found by position, the implied "performance" / "speedup", the rules' own choice, no
metric) and method candidates (``_method_candidates``: the sentence's Methods, the paper's proposal, none).
Results are paired with gold results of the same value and unit as ``kg evaluate`` pairs them. A metric
candidate is right when it matches the paired gold result's metric strictly (a shared surface; no metric
for a gold result without one); a method candidate when it matches the gold result's method, or is "none"
for a gold result without a method or a number the gold does not hold.

Each chooser is a conditional logit (softmax over one result's candidates, L2-regularised). Its
regularisation strength is chosen by 5-fold cross-validation over papers, by the strict F1 of the
out-of-fold choices counted as ``kg evaluate`` counts (results: value + unit + metric over every predicted
and gold result; the method role: pairs on value and unit whose methods match, any other attached method a
false positive, any other gold method a miss). Then each fold's papers are extracted with both choosers
fitted on the other folds and ``kg evaluate``'s out-of-fold figures are printed, in all and per training set
(``out_of_fold_strict[set]``). Dev by default; ``--gold G --papers P`` repeated trains on several sets,
``--set-weight synthetic-dev=0.3`` weighs a set's results in the fit, ``--validate G P`` scores a set the choosers
are not trained on (``held_out[set]``), ``--seed`` changes the fold split. ``make models`` runs it as shipped (the
metric chooser on dev, the method chooser on dev and synthetic-dev weighted 0.3). A hold-out is refused.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import minimize

from kg.evaluate import read_jsonl
from kg.evaluate.edges import _gold_results, _match, _pred_entities, _pred_results, _values_match
from kg.evaluate.training_sets import (add_gold_arguments, check_trainable, gold_pairs, paper_sets, set_name,
                                       set_weights, training_files)
from kg.evaluate.scoring import surfaces_match
from kg.extract.base import write_model
from kg.extract.records import build_record
from kg.extract.results import (ENTITIES_KEY, LOCKED_HOWS, METHOD_FEATURES, METHOD_MODEL_PATH, METRIC_FEATURES,
                                METRIC_MODEL_PATH)

C_GRID = (0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
# Features each chooser leaves out (their weights stay 0). Compared out of fold over three fold seeds (session 4):
# metric chooser, all 52 features 0.696, without the 9 kind-times-context interactions 0.694, 29 core features
# 0.686; method chooser, all 29 features 0.703, the 19 core features 0.700. Within the seed-to-seed spread
# (about 0.015) the simpler model is preferred: it carries better to unseen text.
METRIC_LEFT_OUT = frozenset(f for f in METRIC_FEATURES if f.startswith(("performance_", "none_", "speedup_named")))
METHOD_KEPT = frozenset({*(f for f in METHOD_FEATURES if f.startswith(("kind=", "rule"))), "proposed", "first_proposed",
                         "baseline", "subject_like", "before_number", "log_gap", "for_after", "clause_break",
                         "self_reference"})
METHOD_LEFT_OUT = frozenset(METHOD_FEATURES) - METHOD_KEPT
FOLDS = 5
NO_MODELS = {"kg_results": {"use_models": False}}


@dataclass
class Group:
    """One result's candidates for one chooser."""

    paper: int
    x: np.ndarray  # candidates x features
    right: np.ndarray  # which candidates are right (none may be)
    tp: np.ndarray  # which candidates count as a true positive
    empty: np.ndarray  # which candidates attach nothing (no false positive)
    rule: int  # the rules' choice
    locked: bool = False  # the rules' choice stands (kg.extract.results.LOCKED_HOWS)
    weight: float = 1.0  # its training set's weight (--set-weight)


def collect(gold_path: str, papers_path: str, pipeline: str = "blank") -> dict[str, Any]:
    """Groups per chooser and the totals their F1 counts against."""
    from kg.extract.pipeline import load_pipeline
    from kg.ingest import read_papers

    gold_rows = {row["id"]: row for row in read_jsonl(gold_path, "gold paper")}
    papers = list(read_papers([papers_path]).papers)
    nlp = load_pipeline(pipeline, component_config=NO_MODELS)
    nlp.get_pipe("kg_results").keep_candidates = True
    metric_groups, method_groups = [], []
    totals = {"predicted": 0, "gold": 0, "gold_methods": 0}
    for n, (paper, doc) in enumerate(zip(papers, nlp.pipe(p.text for p in papers))):
        gold = gold_rows.get(paper.id)
        if gold is None or "results" not in gold:
            continue
        record = build_record(paper, doc, pipeline)
        metric_candidates = doc.user_data.get("kg_result_candidates", [])
        method_candidates = doc.user_data.get("kg_result_method_candidates", [])
        assert len(metric_candidates) == len(method_candidates) == len(record["results"])
        surfaces: dict[str, set[str]] = defaultdict(set)
        for span in doc.spans.get(ENTITIES_KEY, []):
            surfaces[span.kb_id_].add(doc.text[span.start_char:span.end_char])
        golds, preds = _gold_results(gold), _pred_results(record, _pred_entities(record))
        totals["predicted"] += len(preds)
        totals["gold"] += len(golds)
        totals["gold_methods"] += sum(1 for g in golds if g.roles["method"])
        _, _, _, paired = _match(preds, golds, lambda p, g: _values_match(p, g, "strict"))

        def same(key: str | None, wanted: list[str] | None, entity_type: str, text: str | None = None) -> bool:
            mine = sorted(surfaces.get(key, ())) if key else [text] if text else None
            if mine is None or wanted is None:
                return mine is None and wanted is None
            return surfaces_match(mine, wanted, "strict", entity_type)

        for p, candidates in enumerate(metric_candidates):
            if p not in paired:
                continue  # a number the gold does not hold: a false positive whatever its metric
            wanted = golds[paired[p]].metric
            right = np.array([same(c["metric"], wanted, "Metric", c["metric_text"]) for c in candidates])
            metric_groups.append(Group(n, np.array([c["features"] for c in candidates], dtype=float), right,
                                       right, np.zeros(len(candidates), dtype=bool),
                                       _rule_index(candidates, METRIC_FEATURES)))
        for p, candidates in enumerate(method_candidates):
            wanted = golds[paired[p]].roles["method"] if p in paired else None
            empty = np.array([c["method"] is None for c in candidates])
            right = np.array([same(c["method"], wanted, "Method") for c in candidates])
            tp = right & ~empty
            rule = _rule_index(candidates, METHOD_FEATURES)
            locked = any(candidates[rule]["features"][METHOD_FEATURES.index(f"rule_how={how}")] for how in LOCKED_HOWS)
            method_groups.append(Group(n, np.array([c["features"] for c in candidates], dtype=float), right, tp,
                                       empty, rule, locked))
    _leave_out(metric_groups, METRIC_FEATURES, METRIC_LEFT_OUT)
    _leave_out(method_groups, METHOD_FEATURES, METHOD_LEFT_OUT)
    return {"metric": metric_groups, "method": method_groups, "papers": len(papers), "paper_ids": [p.id for p in papers],
            **totals}


def _leave_out(groups: list[Group], features: tuple[str, ...], left_out: frozenset[str]) -> None:
    """Zero the left-out features' columns: their weights then fit to exactly 0 (the L2 penalty alone acts)."""
    keep = np.array([0.0 if f in left_out else 1.0 for f in features])
    for group in groups:
        group.x = group.x * keep


def _rule_index(candidates: list[dict[str, Any]], features: tuple[str, ...]) -> int:
    rule = features.index("rule")
    return next((i for i, c in enumerate(candidates) if c["features"][rule]), len(candidates) - 1)


def fit(groups: list[Group], c: float) -> np.ndarray:
    """Conditional logit, L2-regularised, by L-BFGS; groups with no right candidate teach nothing."""
    usable = [(g.x, g.right, g.weight) for g in groups if g.right.any() and not g.locked]
    width = groups[0].x.shape[1] if groups else 0

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        value, grad = 0.5 / c * w @ w, w / c
        for x, right, weight in usable:
            z = x @ w
            z = z - z.max()
            p = np.exp(z) / np.exp(z).sum()
            q = np.where(right, p, 0.0)
            value -= weight * np.log(q.sum())
            q = q / q.sum()
            grad = grad + weight * (x.T @ (p - q))
        return value, grad

    return minimize(loss, np.zeros(width), jac=True, method="L-BFGS-B").x


def results_f1(groups: list[Group], choice: list[int], predicted: int, gold: int) -> tuple[float, int]:
    """Results F1 (value + unit + metric): every predicted result not chosen right is a false positive."""
    tp = sum(bool(g.tp[k]) for g, k in zip(groups, choice))
    return (2 * tp / (predicted + gold) if tp else 0.0), tp


def role_f1(groups: list[Group], choice: list[int], gold: int) -> tuple[float, int]:
    """The method role's F1: a chosen method that is not the gold one is a false positive."""
    tp = sum(bool(g.tp[k]) for g, k in zip(groups, choice))
    fp = sum(not g.tp[k] and not g.empty[k] for g, k in zip(groups, choice))
    return (2 * tp / (2 * tp + fp + gold - tp) if tp else 0.0), tp


def folds_of(papers: int, seed: int = 0) -> dict[int, int]:
    """Paper index -> fold, the same for training and the out-of-fold evaluation."""
    return dict(enumerate(np.random.default_rng(seed).permutation(papers) % FOLDS))


def cross_validate(groups: list[Group], score, fold_of: dict[int, int]) -> dict[str, Any]:
    """The C with the best out-of-fold score, the scores per C, and the rules' and reachable scores."""
    per_c, best = {}, None
    for c in C_GRID:
        choice = [0] * len(groups)
        for f in range(FOLDS):
            w = fit([g for g in groups if fold_of[g.paper] != f], c)
            for n, g in enumerate(groups):
                if fold_of[g.paper] == f:
                    choice[n] = g.rule if g.locked else int(np.argmax(g.x @ w))
        f1, tp = score(groups, choice)
        per_c[c] = round(f1, 4)
        if best is None or f1 > best[0] + 1e-9:
            best = (f1, c, tp)
    oracle = [int(np.argmax(g.tp)) if g.tp.any() else int(np.argmax(g.empty)) for g in groups]
    return {"C": best[1], "cv_f1": round(best[0], 4), "cv_tp": best[2], "cv_f1_by_C": per_c,
            "rules_f1": round(score(groups, [g.rule for g in groups])[0], 4),
            "reachable_f1": round(score(groups, oracle)[0], 4), "results": len(groups)}


def out_of_fold_evaluation(gold_path: str, papers_path: str, collected: dict[str, Any], c_metric: float,
                           c_method: float, pipeline: str = "blank", seed: int = 0,
                           sets: dict[str, str] | None = None) -> dict[str, Any]:
    """`kg evaluate`'s strict edge scores on dev, each paper extracted with choosers fitted on the other folds;
    with *sets* (paper id -> set name, :func:`kg.evaluate.training_sets.paper_sets`) also per set under "sets"."""
    from kg.evaluate.edges import EdgeEvaluation, score_edges
    from kg.extract.pipeline import load_pipeline
    from kg.ingest import read_papers

    gold_rows = {row["id"]: row for row in read_jsonl(gold_path, "gold paper")}
    papers = list(read_papers([papers_path]).papers)
    fold_of = folds_of(len(papers), seed)
    nlp = load_pipeline(pipeline, component_config=NO_MODELS)
    finder = nlp.get_pipe("kg_results")
    evaluation = EdgeEvaluation()
    per_set: dict[str, EdgeEvaluation] = {}  # set name -> its papers' out-of-fold figures (several sets only)
    for f in range(FOLDS):
        metric = fit([g for g in collected["metric"] if fold_of[g.paper] != f], c_metric)
        method = fit([g for g in collected["method"] if fold_of[g.paper] != f], c_method)
        finder.metric_model = {"features": list(METRIC_FEATURES), "weights": [float(v) for v in metric]}
        finder.method_model = {"features": list(METHOD_FEATURES), "weights": [float(v) for v in method]}
        chosen = [p for n, p in enumerate(papers) if fold_of[n] == f]
        for paper, doc in zip(chosen, nlp.pipe(p.text for p in chosen)):
            if paper.id in gold_rows:
                record = build_record(paper, doc, pipeline)
                score_edges(gold_rows[paper.id], record, evaluation)
                if sets:
                    score_edges(gold_rows[paper.id], record, per_set.setdefault(sets[paper.id], EdgeEvaluation()))
    strict = evaluation.as_dict()["strict"]
    if sets:
        strict["sets"] = {name: {"results": part.as_dict()["strict"]["results"],
                                 "result_roles": part.as_dict()["strict"]["result_roles"]}
                          for name, part in sorted(per_set.items())}
    return strict


def held_out_evaluation(gold_path: str, papers_path: str, models: dict[str, Any],
                        pipeline: str = "blank") -> dict[str, Any]:
    """`kg evaluate`'s strict result figures on a set the choosers were not trained on (``--validate``), each
    paper extracted with *models* (the final ones): counted as :func:`out_of_fold_evaluation` counts."""
    from kg.evaluate.edges import EdgeEvaluation, score_edges
    from kg.extract.pipeline import load_pipeline
    from kg.ingest import read_papers

    gold_rows = {row["id"]: row for row in read_jsonl(gold_path, "gold paper")}
    papers = list(read_papers([papers_path]).papers)
    nlp = load_pipeline(pipeline, component_config=NO_MODELS)
    finder = nlp.get_pipe("kg_results")
    finder.metric_model = {"features": models["metric"]["features"], "weights": models["metric"]["weights"]}
    finder.method_model = {"features": models["method"]["features"], "weights": models["method"]["weights"]}
    evaluation = EdgeEvaluation()
    for paper, doc in zip(papers, nlp.pipe(p.text for p in papers)):
        if paper.id in gold_rows:
            score_edges(gold_rows[paper.id], build_record(paper, doc, pipeline), evaluation)
    strict = evaluation.as_dict()["strict"]
    return {"results_f1": strict["results"]["f1"], "method_f1": strict["result_roles"]["method"]["f1"],
            "results": strict["results"], "method": strict["result_roles"]["method"]}


def train(collected: dict[str, Any], seed: int = 0) -> tuple[dict[str, Any], dict[str, Any]]:
    """The two models and a report of their cross-validated dev scores."""
    fold_of = folds_of(collected["papers"], seed)
    scores = {
        "metric": lambda g, k: results_f1(g, k, collected["predicted"], collected["gold"]),
        "method": lambda g, k: role_f1(g, k, collected["gold_methods"]),
    }
    features = {"metric": METRIC_FEATURES, "method": METHOD_FEATURES}
    models, report = {}, {}
    for name in ("metric", "method"):
        report[name] = cross_validate(collected[name], scores[name], fold_of)
        w = fit(collected[name], report[name]["C"])
        models[name] = {"features": list(features[name]), "weights": [float(v) for v in w],
                        "C": report[name]["C"],
                        "cv": {k: report[name][k] for k in ("cv_f1", "rules_f1", "reachable_f1", "results")}}
    return models, report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_gold_arguments(parser)
    parser.add_argument("--metric-out", default=str(METRIC_MODEL_PATH))
    parser.add_argument("--method-out", default=str(METHOD_MODEL_PATH))
    parser.add_argument("--validate", nargs=2, metavar=("GOLD", "PAPERS"), action="append", default=[],
                        help="also score a set the choosers are not trained on with the final choosers (out of "
                             "sample, counted as the out-of-fold figures); repeatable")
    parser.add_argument("--set-weight", action="append", default=[], metavar="SET=WEIGHT",
                        help="weight each result of a training set (named as its gold file without .jsonl) in the "
                             "fit, e.g. synthetic-dev=0.5 (default 1 for every set)")
    parser.add_argument("--seed", type=int, default=0, help="the fold split's seed (0: the shipped models')")
    args = parser.parse_args(argv)
    check_trainable([tuple(pair) for pair in args.validate])
    with training_files(gold_pairs(args)) as (gold, papers):
        _main(args, gold, papers, paper_sets(gold_pairs(args)))


def _main(args: argparse.Namespace, gold: str, papers: str, sets: dict[str, str] | None = None) -> None:
    collected = collect(gold, papers)
    weights = set_weights(getattr(args, "set_weight", []))
    if weights:
        for group in (*collected["metric"], *collected["method"]):
            group.weight = weights.get((sets or {}).get(collected["paper_ids"][group.paper], ""), 1.0)
    seed = getattr(args, "seed", 0)
    models, report = train(collected, seed)
    if weights:
        for model in models.values():
            model["cv"]["set_weights"] = weights
    strict = out_of_fold_evaluation(gold, papers, collected, models["metric"]["C"], models["method"]["C"], seed=seed,
                                    sets=sets)
    report["out_of_fold_strict"] = {"results": strict["results"], "result_roles": strict["result_roles"]}
    for name, part in strict.get("sets", {}).items():
        # each set's papers, extracted with choosers fitted on the other folds (of every set)
        report[f"out_of_fold_strict[{name}]"] = {
            "results_f1": part["results"]["f1"], "method_f1": part["result_roles"]["method"]["f1"],
            "results": part["results"], "method": part["result_roles"]["method"]}
    models["metric"]["cv"]["out_of_fold_results_f1"] = strict["results"]["f1"]
    models["method"]["cv"]["out_of_fold_method_f1"] = strict["result_roles"]["method"]["f1"]
    for gold_path, papers_path in getattr(args, "validate", []):
        report[f"held_out[{set_name(gold_path)}]"] = held_out_evaluation(gold_path, papers_path, models)
    for name, row in report.items():
        print(name, row)
    write_model(args.metric_out, models["metric"])  # every weight exactly as fitted
    write_model(args.method_out, models["method"])
    print(f"wrote {args.metric_out} and {args.method_out}")


if __name__ == "__main__":
    main()
