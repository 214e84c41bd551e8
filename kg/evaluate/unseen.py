"""Unseen-name dev measurement: how entity extraction does on names the curated vocabularies never saw.

    python -m kg.evaluate.unseen --gold tests/data/gold/dev.jsonl tests/data/gold/dev-papers.jsonl \\
        [--folds 5] [--seed 0] [--out-of-fold] [--errors | --json]

The vocabularies (``patterns/{methods,datasets,hardware,metrics,tasks,ambiguous}.jsonl``) were written while
reading the dev papers, so dev scores, even out-of-fold ones (which refit only the scorer), credit them with
names a fresh paper would not find there. This measurement splits the gold papers into the folds of
``train_scorer --cross-fitted`` (:func:`kg.evaluate.train_scorer.paper_folds`) and extracts fold *k*

- with the vocabulary rows removed that name (their phrase, canonical ``id`` or a sense's long form, compared
  by :func:`name_key`: case, hyphens and a final plural ``s`` ignored) a gold entity (required or optional,
  name or alias, any type) of a fold-*k* paper that no other fold's gold contains and that
  ``patterns/external.jsonl`` does not list: the names that can only have entered the vocabulary because a
  fold-*k* paper was read. A row whose phrase ``external.jsonl`` lists stays (an outside source would find that
  name without the gold; ``external.jsonl`` lists every outside name, also those a curated file lists). Known
  non-entities (``stop.jsonl``) stay. The rows go through the vocabulary
  component's own seam, ``initialize(patterns=rows_without(...))``;
- with the entity scorer trained on the other folds (:func:`kg.evaluate.train_scorer.fold_model`).

The folds' records are then resolved as one corpus and scored as ``kg evaluate`` scores them. Only the
entity scorer is refitted: the result choosers and the edge scorer are the packaged ones, so the edge figures
are not out-of-fold (entities are what this measures). It refuses a hold-out path.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from typing import Any

from kg.evaluate.training_sets import measurement_only
from kg.evaluate import check_gold, format_report, read_numbered_jsonl
from kg.evaluate.scoring import Evaluation, evaluate, surfaces
from kg.schema import ENTITY_TYPES

_SEPARATORS = re.compile(r"[\s\-_]+")


def name_key(name: str) -> str:
    """A name as the vocabulary would match it: case-folded, hyphens and spaces alike, without a final plural
    ``s`` ("ResNets" = "resnet", "Long-Range Arena" = "long range arena")."""
    key = _SEPARATORS.sub(" ", name.casefold()).strip()
    return key[:-1] if key.endswith("s") and not key.endswith("ss") and len(key) > 3 else key


def gold_names(gold: dict[str, Any]) -> set[str]:
    """The name keys of every gold entity of a paper (required and optional, names and aliases, all types)."""
    keys = set()
    for entity_type in ENTITY_TYPES:
        tiers = gold.get(entity_type, {})
        for entity in [*tiers.get("required", []), *tiers.get("optional", [])]:
            keys.update(name_key(surface) for surface in surfaces(entity))
    return keys


def fold_only_names(gold_rows: list[dict[str, Any]], fold_of: dict[str, int], folds: int,
                    keep: set[str] = frozenset()) -> list[set[str]]:
    """Per fold, the name keys its papers' gold contains and no other fold's gold does, minus *keep*."""
    per_fold: list[set[str]] = [set() for _ in range(folds)]
    for gold in gold_rows:
        per_fold[fold_of[gold["id"]]] |= gold_names(gold)
    only = []
    for fold in range(folds):
        others = set().union(*(names for k, names in enumerate(per_fold) if k != fold))
        only.append(per_fold[fold] - others - set(keep))
    return only


def external_names() -> set[str]:
    """The name keys of ``patterns/external.jsonl`` (names from outside the gold data: never removed)."""
    from kg.extract.pattern_data import read_pattern_file
    from kg.extract.vocabulary import row_names

    return {name_key(name) for row in read_pattern_file("external.jsonl") for name in row_names(row)}


def unseen_vocabularies(full_rows: list[dict[str, Any]], gold_rows: list[dict[str, Any]], fold_of: dict[str, int],
                        folds: int) -> list[list[dict[str, Any]]]:
    """Per fold, the vocabulary rows *full_rows* without those that name what only that fold's gold contains
    (names ``external.jsonl`` lists stay)."""
    outside = external_names()
    return vocabularies_without(full_rows, fold_only_names(gold_rows, fold_of, folds, keep=outside), outside)


def vocabularies_without(full_rows: list[dict[str, Any]], only: list[set[str]],
                         outside: set[str] | None = None) -> list[list[dict[str, Any]]]:
    """Per fold, *full_rows* without the rows that name one of that fold's name keys in *only*; a row whose
    phrase an outside source lists (*outside*, default :func:`external_names`) stays whatever its other names
    (its canonical ``id``) are: the outside name would be found without the gold."""
    from kg.extract.vocabulary import rows_without

    outside = external_names() if outside is None else outside

    def listed_outside(row: dict[str, Any]) -> bool:
        return isinstance(row.get("pattern"), str) and name_key(row["pattern"]) in outside

    vocabularies = []
    for names in only:
        kept = {id(row) for row in rows_without(full_rows, lambda name, names=names: name_key(name) in names)}
        vocabularies.append([row for row in full_rows if id(row) in kept or listed_outside(row)])
    return vocabularies


@dataclass
class UnseenEvaluation:
    """The unseen-name evaluation, the folds' removed vocabulary rows, and (optionally) the out-of-fold one."""

    unseen: Evaluation
    folds: int
    removed: list[int] = field(default_factory=list)  # vocabulary rows removed per fold
    unseen_names: list[int] = field(default_factory=list)  # fold-only gold name keys per fold
    out_of_fold: Evaluation | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"folds": self.folds, "removed_rows": self.removed, "fold_only_names": self.unseen_names,
                "unseen": self.unseen.as_dict(),
                **({"out_of_fold": self.out_of_fold.as_dict()} if self.out_of_fold is not None else {})}


def evaluate_unseen(gold_rows: list[dict[str, Any]], papers: dict[str, Any], *, pipeline: str = "blank",
                    folds: int = 5, seed: int = 0, out_of_fold: bool = False, nlp=None,
                    vocabulary_dropout: bool | None = None) -> UnseenEvaluation:
    """The unseen-name evaluation of *gold_rows* over *papers* (id -> Paper); see the module docstring. With
    *out_of_fold*, also the plain out-of-fold one (the same folds and scorers, the whole vocabulary).
    *nlp* is a loaded kg pipeline to use (its vocabulary and scorer are restored afterwards). The fold scorers
    are trained as ``train_scorer`` trains the shipped one (with its vocabulary dropout unless
    *vocabulary_dropout* says otherwise)."""
    from kg.evaluate.train_scorer import VOCABULARY_DROPOUT, fold_model, paper_folds, training_examples
    from kg.extract import extract_chunk, load_pipeline
    from kg.resolve import summarise

    missing = [gold["id"] for gold in gold_rows if gold["id"] not in papers]
    if missing:
        raise ValueError(f"no paper for gold ids {missing[:5]}")
    if folds < 2 or folds > len(gold_rows):
        raise ValueError(f"--folds must be between 2 and the number of gold papers ({len(gold_rows)}), not {folds}")
    papers = {gold["id"]: papers[gold["id"]] for gold in gold_rows}
    nlp = nlp if nlp is not None else load_pipeline(pipeline)
    vocabulary, scorer = nlp.get_pipe("kg_vocabulary"), nlp.get_pipe("kg_scorer")
    full_rows, shipped_model = list(vocabulary.patterns), scorer.model.to_dict()
    try:
        scorer.initialize(model={})
        if vocabulary_dropout is None:
            vocabulary_dropout = VOCABULARY_DROPOUT
        rows = training_examples(nlp, gold_rows, papers, folds=folds, seed=seed, vocabulary_dropout=vocabulary_dropout)
        fold_of = paper_folds(papers, folds, seed)
        outside = external_names()
        only = fold_only_names(gold_rows, fold_of, folds, keep=outside)
        vocabularies = vocabularies_without(full_rows, only, outside)
        unseen_records, plain_records, removed = [], [], []
        for fold in range(folds):
            fold_papers = [papers[paper_id] for paper_id in fold_of if fold_of[paper_id] == fold]
            scorer.initialize(model=fold_model(rows, gold_rows, fold_of, fold, folds, seed))
            if out_of_fold:
                vocabulary.initialize(patterns=full_rows)
                plain_records += extract_chunk(nlp, fold_papers, pipeline, batch_size=64)
            kept = vocabularies[fold]
            removed.append(len(full_rows) - len(kept))
            vocabulary.initialize(patterns=kept)
            unseen_records += extract_chunk(nlp, fold_papers, pipeline, batch_size=64)
    finally:
        vocabulary.initialize(patterns=full_rows)
        scorer.initialize(model=shipped_model)

    def scored(records: list[dict[str, Any]]) -> Evaluation:
        resolution = summarise(records).resolution()
        for record in records:
            resolution.apply(record)
        return evaluate(gold_rows, records)

    return UnseenEvaluation(unseen=scored(unseen_records), folds=folds, removed=removed,
                            unseen_names=[len(names) for names in only],
                            out_of_fold=scored(plain_records) if out_of_fold else None)


def evaluate_unseen_files(gold_path: str, papers_path: str, **options: Any) -> UnseenEvaluation:
    """:func:`evaluate_unseen` of a gold file and its papers file (bad rows are InputErrors naming FILE:LINE)."""
    from kg.ingest import read_papers

    gold_rows = check_gold(read_numbered_jsonl(gold_path, "gold paper"), gold_path)
    papers = {paper.id: paper for paper in read_papers([papers_path]).papers}
    return evaluate_unseen(gold_rows, papers, **options)


def format_unseen(result: UnseenEvaluation, *, errors: bool = False) -> str:
    lines = [f"unseen-name dev: {result.folds} folds; vocabulary rows removed per fold {result.removed} "
             f"(fold-only gold names {result.unseen_names})", format_report(result.unseen, errors=errors)]
    if result.out_of_fold is not None:
        lines += ["", "out-of-fold dev (the same folds and scorers, the whole vocabulary):",
                  format_report(result.out_of_fold, errors=errors)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    from kg.errors import KgError

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", nargs=2, metavar=("GOLD", "PAPERS"), required=True)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--pipeline", default="blank")
    parser.add_argument("--out-of-fold", action="store_true",
                        help="also score the plain out-of-fold extraction (whole vocabulary), side by side")
    parser.add_argument("--vocabulary-dropout", action=argparse.BooleanOptionalAction, default=None,
                        help="train the fold scorers with or without train_scorer's vocabulary dropout (default: as "
                             "train_scorer does)")
    parser.add_argument("--errors", action="store_true", help="list the misses and false positives (lenient)")
    parser.add_argument("--json", action="store_true", help="one JSON object instead of the tables")
    args = parser.parse_args(argv)
    if measurement_only(args.gold[0]) or measurement_only(args.gold[1]):
        raise SystemExit("the hold-out is measurement only: measure unseen names on dev")
    try:
        result = evaluate_unseen_files(args.gold[0], args.gold[1], pipeline=args.pipeline, folds=args.folds,
                                       seed=args.seed, out_of_fold=args.out_of_fold,
                                       vocabulary_dropout=args.vocabulary_dropout)
    except (KgError, ValueError) as error:
        raise SystemExit(f"error: {error}") from None
    if args.json:
        json.dump(result.as_dict(), sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print(format_unseen(result, errors=args.errors))


if __name__ == "__main__":
    main()
