"""What the paper-level bootstrap of `kg evaluate --bootstrap` costs: resampling per-paper counts (what kg
does) against re-scoring each resampled gold set from scratch (what it avoids), in one run, with the ratio.

    kg extract tests/data/gold/dev-papers.jsonl -j 1 -o /tmp/dev-records.jsonl
    python bench/bootstrap.py --gold tests/data/gold/dev.jsonl --pred /tmp/dev-records.jsonl

Both sides use the same draws; re-scoring runs --rescore replicates and is scaled to --replicates. The
intervals of the re-scored replicates are checked against the resampled ones (they must be equal).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from kg.evaluate import evaluate, evaluate_files
from kg.evaluate.bootstrap import BLOCK, bootstrap
from kg.evaluate.scoring import paper_finder


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", required=True)
    parser.add_argument("--pred", required=True, help="a records file (kg extract)")
    parser.add_argument("--replicates", type=int, default=1000)
    parser.add_argument("--rescore", type=int, default=20, help="replicates re-scored from scratch (<= 250)")
    args = parser.parse_args(argv)
    if "holdout" in args.gold:
        raise SystemExit("the hold-out is measurement only: time the bootstrap on dev")
    if not 1 <= args.rescore <= min(BLOCK, args.replicates):
        raise SystemExit(f"--rescore must be between 1 and {min(BLOCK, args.replicates)}")

    started = time.process_time()
    evaluation = evaluate_files(args.gold, pred_path=args.pred)
    scored = time.process_time() - started
    started = time.process_time()
    result = bootstrap(evaluation, args.replicates, seed=0)
    resampled = time.process_time() - started

    from kg.evaluate import check_gold, read_numbered_jsonl, read_predictions

    gold = check_gold(read_numbered_jsonl(args.gold, "gold paper"), args.gold)
    records, _ = read_predictions(args.pred)
    find = paper_finder(records)
    records = [record for record in map(find, gold) if record is not None]
    draws = np.random.default_rng(0).integers(0, len(gold), size=(args.rescore, len(gold)))
    started = time.process_time()
    macro = [evaluate([gold[i] for i in row], records).macro_f1("strict") for row in draws]
    rescored = (time.process_time() - started) * args.replicates / args.rescore

    resampled_macro = bootstrap(evaluation, args.rescore, seed=0).intervals[("strict", "entities.macro")]
    assert np.allclose(resampled_macro, np.percentile(macro, [2.5, 97.5])), "re-scoring disagrees"
    print(f"{evaluation.papers} gold papers, {len(result.intervals)} F1 scores with intervals")
    print(f"one evaluation (read and score):            {scored:8.3f} CPU s")
    print(f"bootstrap, {args.replicates} replicates, resampled counts: {resampled:8.3f} CPU s")
    print(f"bootstrap, {args.replicates} replicates, re-scored (from {args.rescore}): {rescored:8.1f} CPU s")
    print(f"re-scoring / resampling: {rescored / resampled:.0f}x")


if __name__ == "__main__":
    main()
