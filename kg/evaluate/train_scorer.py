"""Train the candidate scorer (``kg_scorer``) on a gold set, over kg's own candidates.

    python -m kg.evaluate.train_scorer --gold tests/data/gold/dev.jsonl tests/data/gold/dev-papers.jsonl \\
        [-o kg/extract/models/scorer.json] [--folds 5] [--pipeline blank]

1. The pipeline runs on the gold papers with the scorer's filter off, so every entity kg finds is
   a training example: positive when one of its surfaces equals a required gold entity of its type
   (strict match, as the targets are strict), negative when it matches no gold entity of its type,
   left out when it only matches an optional one.
2. A logistic regression (scikit-learn, L2) is trained on sparse binary features
   (``kg.extract.scorer.features``). The regularisation strength and one threshold per type are
   chosen by cross-validation over papers: out-of-fold probabilities, the smallest C whose mean F1 is
   within C_TOLERANCE of the best, and the threshold that maximises each type's F1 on them (averaged
   with its neighbouring thresholds: the curve is flat and noisy), where the gold entities kg never
   found count as misses. A type with fewer than MIN_NEGATIVES wrong candidates keeps threshold 0 (nothing to learn the cut from).
3. The final model is fitted on all the gold papers and written as JSON (weights per feature, bias,
   thresholds, and the cross-validated scores in ``info``).

``--vocabulary-dropout`` (off by default) extracts each fold's papers without the vocabulary rows that name
what only that fold's gold contains (kg.evaluate.unseen), so the scorer learns from names no vocabulary holds;
on dev it raised unseen-name Method recall (0.698 -> 0.736) at the cost of precision (0.783 -> 0.744) with F1
flat, and lowered out-of-fold Method F1 by 0.011, so it stays off.

Needs scikit-learn (``pip install -e '.[dev]'``); inference does not.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from kg.evaluate.scoring import surfaces_match
from kg.evaluate.training_sets import training_files
from kg.extract.base import write_model
from kg.extract.scorer import DEFAULT_MODEL, MODELS_DIR, TRAINING_FEATURES, entity_groups
from kg.schema import ENTITY_TYPES

THRESHOLDS = [round(0.05 * i, 2) for i in range(0, 19)]
C_GRID = (0.1, 0.3, 1.0, 3.0, 10.0)
C_TOLERANCE = 0.005  # mean CV F1 a smaller C may give up (see cross_validate)
SMOOTHING = 1  # thresholds on each side averaged into the F1 a threshold is chosen by
# train on candidates found with a vocabulary that lacks the names only the paper's fold contains (see examples)
VOCABULARY_DROPOUT = False
# ... for these types' examples only, whatever VOCABULARY_DROPOUT says (see training_examples)
DROPOUT_TYPES: tuple[str, ...] = ("Task",)
MIN_NEGATIVES = 20  # a type with fewer negative examples keeps threshold 0 (Dataset and Hardware on dev)


def examples(nlp, gold_rows: list[dict[str, Any]], papers: dict[str, Any], *, unseen_folds: int = 0,
             seed: int = 0) -> list[dict[str, Any]]:
    """One example per entity kg finds in each gold paper: features, type, paper, label (1/0).

    With *unseen_folds* K (vocabulary dropout), the papers of each of the K folds of :func:`paper_folds` are
    extracted without the vocabulary rows that name what only that fold's gold contains (the unseen-name
    condition of kg.evaluate.unseen): the scorer then learns from names the vocabulary does not hold, as most
    names of a new corpus are, instead of learning that whatever the vocabulary missed is junk."""
    if unseen_folds:
        from kg.evaluate.unseen import unseen_vocabularies

        vocabulary = nlp.get_pipe("kg_vocabulary")
        full_rows = list(vocabulary.patterns)
        fold_of = paper_folds([gold["id"] for gold in gold_rows], unseen_folds, seed)
        by_paper: dict[str, list[dict[str, Any]]] = {}
        try:
            for fold, rows in enumerate(unseen_vocabularies(full_rows, gold_rows, fold_of, unseen_folds)):
                vocabulary.initialize(patterns=rows)
                fold_gold = [gold for gold in gold_rows if fold_of[gold["id"]] == fold]
                for row in examples(nlp, fold_gold, papers):
                    by_paper.setdefault(row["paper"], []).append(row)
        finally:
            vocabulary.initialize(patterns=full_rows)
        return [row for gold in gold_rows for row in by_paper.get(gold["id"], [])]
    scorer = nlp.get_pipe("kg_scorer")
    scorer.filter = False
    rows = []
    texts = [papers[g["id"]].text for g in gold_rows]
    for gold, doc in zip(gold_rows, nlp.pipe(texts, batch_size=64)):
        # the features each entity was scored with, where it was scored: by kg_scorer with the proposals the
        # entity rules saw (coined names), or by kg_frame (its descriptive Methods) with the frame's proposals;
        # not recomputed here after kg_frame, whose proposals kg_scorer never sees at run time
        scored = doc.user_data.get(TRAINING_FEATURES, {})
        for key, spans in entity_groups(doc).items():
            if key not in scored:
                continue  # added after the scorer (kg_relations' cue phrases): the scorer never decides them
            label = spans[0].label_
            surfaces = sorted({s.text for s in spans})
            tiers = gold.get(label, {})
            required = [[e["name"], *e.get("aliases", [])] for e in tiers.get("required", [])]
            optional = [[e["name"], *e.get("aliases", [])] for e in tiers.get("optional", [])]
            if any(surfaces_match(surfaces, g, "strict", label) for g in required):
                target = 1
            elif any(surfaces_match(surfaces, g, "lenient", label) for g in required + optional):
                continue  # the same entity written another way, or an optional one: no lesson either way
            else:
                target = 0
            rows.append({"paper": gold["id"], "key": key, "type": label, "features": scored[key], "y": target})
    scorer.filter = True
    return rows


def training_examples(nlp, gold_rows: list[dict[str, Any]], papers: dict[str, Any], *, folds: int, seed: int = 0,
                      vocabulary_dropout: bool = VOCABULARY_DROPOUT,
                      dropout_types: tuple[str, ...] = DROPOUT_TYPES) -> list[dict[str, Any]]:
    """The scorer's training examples: :func:`examples` with vocabulary dropout over *folds* folds when
    *vocabulary_dropout*; otherwise the plain examples, except that the *dropout_types*' examples come from the
    dropout extraction. The Task vocabulary was written while reading dev, so in the plain extraction a Task
    candidate the vocabulary did not supply is mostly junk, and the scorer learns to distrust every frame- or
    head-found Task, which on a new corpus is most of them (see the README's Task figures)."""
    if vocabulary_dropout:
        return examples(nlp, gold_rows, papers, unseen_folds=folds, seed=seed)
    rows = examples(nlp, gold_rows, papers)
    if not dropout_types:
        return rows
    dropped = examples(nlp, gold_rows, papers, unseen_folds=folds, seed=seed)
    return ([row for row in rows if row["type"] not in dropout_types]
            + [row for row in dropped if row["type"] in dropout_types])


def _fit(rows: list[dict[str, Any]], c: float):
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = DictVectorizer()
    x = vectorizer.fit_transform([{f: 1 for f in row["features"]} for row in rows])
    model = LogisticRegression(C=c, max_iter=2000)
    model.fit(x, [row["y"] for row in rows])
    return vectorizer, model


def _predict(fitted, rows: list[dict[str, Any]]) -> list[float]:
    vectorizer, model = fitted
    x = vectorizer.transform([{f: 1 for f in row["features"]} for row in rows])
    return list(model.predict_proba(x)[:, 1])


def _best_threshold(scored: list[tuple[float, int]], gold_total: int) -> tuple[float, float]:
    """The threshold with the best F1 (TP and FP from the kept candidates; FN from every required gold
    entity not kept, found or not), on the F1 curve smoothed over each threshold and its two neighbours:
    the out-of-fold curve is flat and noisy near its top, and its single highest point is partly luck.
    Ties go to the lower threshold. Returns (threshold, smoothed F1)."""
    curve = []
    for threshold in THRESHOLDS:
        tp = sum(1 for p, y in scored if p >= threshold and y == 1)
        fp = sum(1 for p, y in scored if p >= threshold and y == 0)
        fn = max(gold_total - tp, 0)
        curve.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    best = (0.0, -1.0)
    for i, threshold in enumerate(THRESHOLDS):
        window = curve[max(0, i - SMOOTHING):i + SMOOTHING + 1]
        f1 = sum(window) / len(window)
        if f1 > best[1] + 1e-9:
            best = (threshold, round(f1, 6))
    return best


def cross_validate(rows: list[dict[str, Any]], gold_totals: dict[str, int], folds: int, seed: int = 0):
    """Out-of-fold probabilities per C; returns (best C, thresholds, per-type CV F1 and F1 at threshold 0)."""
    papers = sorted({row["paper"] for row in rows})
    random.Random(seed).shuffle(papers)
    fold_of = {paper: i % folds for i, paper in enumerate(papers)}
    results = {}
    for c in C_GRID:
        probabilities = [0.0] * len(rows)
        for fold in range(folds):
            train = [row for row in rows if fold_of[row["paper"]] != fold]
            test = [i for i, row in enumerate(rows) if fold_of[row["paper"]] == fold]
            fitted = _fit(train, c)
            for i, p in zip(test, _predict(fitted, [rows[i] for i in test])):
                probabilities[i] = p
        thresholds, scores, baseline = {}, {}, {}
        for entity_type in ENTITY_TYPES:
            scored = [(p, row["y"]) for p, row in zip(probabilities, rows) if row["type"] == entity_type]
            thresholds[entity_type], scores[entity_type] = _best_threshold(scored, gold_totals.get(entity_type, 0))
            if sum(1 for _, y in scored if y == 0) < MIN_NEGATIVES:
                # too few wrong candidates to learn where to cut: keep them all
                thresholds[entity_type] = 0.0
                scores[entity_type] = _best_threshold([(1.0, y) for _, y in scored], gold_totals.get(entity_type, 0))[1]
            baseline[entity_type] = _best_threshold([(1.0, y) for _, y in scored], gold_totals.get(entity_type, 0))[1]
        results[c] = (sum(scores.values()) / len(scores), thresholds, scores, baseline)
    # the strongest regularisation whose CV F1 is within C_TOLERANCE of the best: the scores of the grid differ
    # by less than the fold-to-fold noise, and a smoother model is the safer bet on unseen text
    top = max(result[0] for result in results.values())
    best_c = min(c for c in results if results[c][0] >= top - C_TOLERANCE)
    return best_c, results[best_c]


def train(gold_path: str, papers_path: str, *, pipeline: str = "blank", folds: int = 5,
          seed: int = 0, vocabulary_dropout: bool = VOCABULARY_DROPOUT) -> dict[str, Any]:
    """Train and return the model as a JSON-ready dict (see the module docstring)."""
    from kg.extract import load_pipeline
    from kg.ingest import read_papers

    gold_rows = [json.loads(line) for line in Path(gold_path).read_text(encoding="utf-8").splitlines() if line.strip()]
    papers = {paper.id: paper for paper in read_papers([papers_path]).papers}
    missing = [g["id"] for g in gold_rows if g["id"] not in papers]
    if missing:
        raise SystemExit(f"{papers_path}: no paper for gold ids {missing[:5]}")
    nlp = load_pipeline(pipeline)
    nlp.get_pipe("kg_scorer").initialize(model={})
    rows = training_examples(nlp, gold_rows, papers, folds=folds, seed=seed, vocabulary_dropout=vocabulary_dropout)
    c, (macro, thresholds, scores, baseline) = cross_validate(rows, gold_totals(gold_rows), folds, seed)
    vectorizer, model = _fit(rows, c)
    names = vectorizer.get_feature_names_out()
    # every fitted weight exactly as fitted (a zero weight changes no probability): the model written is the model trained
    weights = {name: float(w) for name, w in zip(names, model.coef_[0]) if w != 0.0}
    counts = defaultdict(Counter)
    for row in rows:
        counts[row["type"]][row["y"]] += 1
    return {
        "weights": dict(sorted(weights.items())),
        "bias": float(model.intercept_[0]),
        "thresholds": thresholds,
        "info": {
            "gold": Path(gold_path).name, "papers": len(gold_rows), "pipeline": pipeline, "folds": folds, "C": c,
            "vocabulary_dropout": vocabulary_dropout, "dropout_types": list(DROPOUT_TYPES),
            "examples": {t: {"positive": counts[t][1], "negative": counts[t][0]} for t in ENTITY_TYPES},
            "cv_f1_at_threshold": {t: round(scores[t], 4) for t in ENTITY_TYPES},
            "cv_f1_without_scorer": {t: round(baseline[t], 4) for t in ENTITY_TYPES},
            "note": "strict F1 over the examples kg finds in each paper, before corpus resolution",
        },
    }


def gold_totals(gold_rows: list[dict[str, Any]]) -> Counter:
    """Required gold entities per type."""
    totals = Counter()
    for gold in gold_rows:
        for entity_type in ENTITY_TYPES:
            totals[entity_type] += len(gold.get(entity_type, {}).get("required", []))
    return totals


def paper_folds(paper_ids, folds: int, seed: int = 0) -> dict[str, int]:
    """Paper id -> fold, the split of the out-of-fold measurements (``--cross-fitted``, kg.evaluate.unseen)."""
    ids = sorted(paper_ids)
    random.Random(seed + 1).shuffle(ids)
    return {paper_id: i % folds for i, paper_id in enumerate(ids)}


def fold_model(rows: list[dict[str, Any]], gold_rows: list[dict[str, Any]], fold_of: dict[str, int], fold: int,
               folds: int, seed: int = 0) -> dict[str, Any]:
    """The scorer model trained (C and thresholds cross-validated too) on the examples of every fold but *fold*,
    for ``CandidateScorer.initialize(model=...)``."""
    train_rows = [row for row in rows if fold_of[row["paper"]] != fold]
    train_gold = gold_totals([gold for gold in gold_rows if fold_of[gold["id"]] != fold])
    c, (_, thresholds, _, _) = cross_validate(train_rows, train_gold, folds, seed)
    vectorizer, model = _fit(train_rows, c)
    weights = dict(zip(vectorizer.get_feature_names_out(), (float(w) for w in model.coef_[0])))
    return {"weights": weights, "bias": float(model.intercept_[0]), "thresholds": thresholds}


def cross_fitted_records(gold_path: str, papers_path: str, out_path: str, *, pipeline: str = "blank", folds: int = 5,
                         seed: int = 0) -> None:
    """Records of the gold papers where each paper was scored by a model trained without it (the other
    folds), then resolved as one corpus: an honest dev measurement of the scorer for ``kg evaluate --pred``."""
    from kg.extract import extract_chunk, load_pipeline, write_records
    from kg.ingest import read_papers
    from kg.resolve import summarise

    gold_rows = [json.loads(line) for line in Path(gold_path).read_text(encoding="utf-8").splitlines() if line.strip()]
    papers = {paper.id: paper for paper in read_papers([papers_path]).papers}
    nlp = load_pipeline(pipeline)
    scorer = nlp.get_pipe("kg_scorer")
    scorer.initialize(model={})
    rows = training_examples(nlp, gold_rows, papers, folds=folds, seed=seed)
    fold_of = paper_folds(papers, folds, seed)
    ids = list(fold_of)  # the shuffled order
    records = []
    for fold in range(folds):
        scorer.initialize(model=fold_model(rows, gold_rows, fold_of, fold, folds, seed))
        records += extract_chunk(nlp, [papers[i] for i in ids if fold_of[i] == fold], pipeline, batch_size=64)
    resolution = summarise(records).resolution()
    for record in records:
        resolution.apply(record)
    write_records(records, out_path)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", nargs=2, metavar=("GOLD", "PAPERS"), action="append", required=True,
                        help="a gold set and its papers; repeat to train on several (dev and synthetic-dev)")
    parser.add_argument("-o", "--output", default=str(MODELS_DIR / DEFAULT_MODEL))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--pipeline", default="blank")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--vocabulary-dropout", action=argparse.BooleanOptionalAction, default=VOCABULARY_DROPOUT,
                        help="train on candidates found without the names only the paper's fold contains "
                             "(see examples(); off by default: on dev it traded Method precision for recall)")
    parser.add_argument("--cross-fitted", metavar="RECORDS.jsonl",
                        help="instead of training: write the gold papers' records, each scored by a model trained "
                             "on the other folds (score them with kg evaluate --pred)")
    args = parser.parse_args(argv)
    with training_files([tuple(pair) for pair in args.gold]) as (gold, papers):
        if args.cross_fitted:
            cross_fitted_records(gold, papers, args.cross_fitted, pipeline=args.pipeline, folds=args.folds,
                                 seed=args.seed)
            return
        model = train(gold, papers, pipeline=args.pipeline, folds=args.folds, seed=args.seed,
                      vocabulary_dropout=args.vocabulary_dropout)
        if len(args.gold) > 1:
            model["info"]["gold"] = " + ".join(Path(pair[0]).name for pair in args.gold)
    write_model(args.output, model)
    info = model["info"]
    print(f"{args.output}: {len(model['weights'])} weights, C={info['C']}")
    for entity_type in ENTITY_TYPES:
        print(f"{entity_type:<9} threshold {model['thresholds'][entity_type]:.2f}  "
              f"CV F1 {info['cv_f1_without_scorer'][entity_type]:.3f} -> {info['cv_f1_at_threshold'][entity_type]:.3f}  "
              f"examples {info['examples'][entity_type]}")


if __name__ == "__main__":
    main()
