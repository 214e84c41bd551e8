"""The gold sets the learned models may be trained on, and one training set made of several.

The trainers (``train_scorer``, ``train_result_choosers``, ``train_edge_scorer``) read one gold file and one papers
file. :func:`training_files` lets them take several gold/papers pairs (dev and synthetic-dev, for example): it
refuses every measurement-only set and, for more than one pair, writes their concatenation to a temporary
directory that lives as long as the ``with`` block.
"""

from __future__ import annotations

import argparse
import contextlib
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

# file names of the sets nobody trains or tunes on (tests/data/gold/README.md)
MEASUREMENT_ONLY = ("holdout", "synthetic-hold")
DEFAULT_SETS = (("tests/data/gold/dev.jsonl", "tests/data/gold/dev-papers.jsonl"),)


def measurement_only(path: str | Path) -> bool:
    """Whether *path* names a measurement-only gold or papers file."""
    return any(part in Path(path).name for part in MEASUREMENT_ONLY)


def check_trainable(pairs: Sequence[tuple[str, str]]) -> None:
    """SystemExit when a pair names a measurement-only set."""
    for gold, papers in pairs:
        if measurement_only(gold) or measurement_only(papers):
            raise SystemExit(f"{gold}: a hold-out is measurement only; train on dev sets")


@contextlib.contextmanager
def training_files(pairs: Sequence[tuple[str, str]]) -> Iterator[tuple[str, str]]:
    """One (gold, papers) path pair holding every pair in *pairs*, in order."""
    pairs = list(pairs) or list(DEFAULT_SETS)
    check_trainable(pairs)
    if len(pairs) == 1:
        yield pairs[0]
        return
    with tempfile.TemporaryDirectory(prefix="kg-training-") as directory:
        paths = (Path(directory) / "gold.jsonl", Path(directory) / "papers.jsonl")
        for index, path in enumerate(paths):
            with open(path, "w", encoding="utf-8") as out:
                for pair in pairs:
                    text = Path(pair[index]).read_text(encoding="utf-8")
                    out.write(text if text.endswith("\n") or not text else text + "\n")
        yield str(paths[0]), str(paths[1])


def add_gold_arguments(parser: argparse.ArgumentParser) -> None:
    """``--gold`` and ``--papers``, each repeatable, for the trainers that take them as two options."""
    parser.add_argument("--gold", action="append", help="gold set (default: dev); repeat with --papers to train "
                        "on several, e.g. dev and synthetic-dev")
    parser.add_argument("--papers", action="append", help="the papers of each --gold, in the same order")


def gold_pairs(args: argparse.Namespace) -> list[tuple[str, str]]:
    """The (gold, papers) pairs of :func:`add_gold_arguments`' options; SystemExit when they do not pair up."""
    if len(args.gold or []) != len(args.papers or []):
        raise SystemExit("give one --papers file per --gold file")
    return list(zip(args.gold or [], args.papers or []))


def set_name(path: str | Path) -> str:
    """A gold set's short name: its file name without ``.jsonl`` ("dev", "synthetic-dev")."""
    name = Path(path).name
    return name[:-len(".jsonl")] if name.endswith(".jsonl") else name


def paper_sets(pairs: Sequence[tuple[str, str]]) -> dict[str, str]:
    """Paper id -> the name of the set (:func:`set_name` of its gold file) whose papers file holds it, for the
    trainers' per-set out-of-fold figures (no pairs: the default set)."""
    import json

    pairs = list(pairs) or list(DEFAULT_SETS)
    found: dict[str, str] = {}
    for gold, papers in pairs:
        for line in Path(papers).read_text(encoding="utf-8").splitlines():
            if line.strip():
                found.setdefault(str(json.loads(line)["id"]), set_name(gold))
    return found


def set_weights(options: Sequence[str]) -> dict[str, float]:
    """``--set-weight NAME=WEIGHT`` options as {set name: weight}; SystemExit on a malformed one."""
    weights = {}
    for option in options:
        name, _, value = option.partition("=")
        try:
            weights[name] = float(value)
        except ValueError:
            raise SystemExit(f"--set-weight {option!r}: expected SET=WEIGHT, e.g. synthetic-dev=0.5") from None
    return weights
