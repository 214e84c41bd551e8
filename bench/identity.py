"""Do speed changes keep the records? Dump `kg extract -j 1` records of three corpora, compare two dumps.

    python bench/identity.py dump DIR [--tree PATH]   # records of dev, the hold-out and the sample corpus
    python bench/identity.py diff DIR_A DIR_B          # byte-identical or not, per corpus

``dump`` runs ``python -m kg extract -j 1 -q --year 2026`` (blank pipeline) once per corpus and writes
DIR/dev.jsonl, DIR/holdout.jsonl and DIR/sample.jsonl. The inputs are always this checkout's files; the
code is this checkout's, or another tree's with --tree (e.g. `git archive main | tar -x -C /tmp/main`),
so main's output and a branch's can be compared over the same inputs.

``diff`` compares the files byte for byte. For dev and the sample corpus it names the first differing
papers and the top-level fields that differ; for the hold-out it prints only how many records differ
(the hold-out is measurement only: its papers are never shown). Exit status 1 if anything differs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "data" / "gold"
CORPORA = {
    "dev": [GOLD / "dev-papers.jsonl"],
    "holdout": [GOLD / "holdout-papers.jsonl"],
    "sample": sorted((ROOT / "kg" / "data" / "sample_corpus").glob("*.txt")),
}
SHOWN = {"dev", "sample"}  # corpora whose differing papers may be named


def dump(directory: Path, tree: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(tree)}
    for name, inputs in CORPORA.items():
        command = [sys.executable, "-m", "kg", "extract", *map(str, inputs), "-j", "1", "-q", "--year", "2026",
                   "-o", str(directory / f"{name}.jsonl")]
        subprocess.run(command, check=True, cwd=tree, env=env)
        print(f"{name}: {directory / f'{name}.jsonl'}")


def diff(first: Path, second: Path) -> int:
    status = 0
    for name in CORPORA:
        a, b = (first / f"{name}.jsonl").read_bytes(), (second / f"{name}.jsonl").read_bytes()
        if a == b:
            print(f"{name}: identical ({len(a.splitlines())} records)")
            continue
        status = 1
        lines_a, lines_b = a.splitlines(), b.splitlines()
        differing = [i for i in range(max(len(lines_a), len(lines_b)))
                     if i >= len(lines_a) or i >= len(lines_b) or lines_a[i] != lines_b[i]]
        print(f"{name}: DIFFERENT: {len(differing)} of {max(len(lines_a), len(lines_b))} records differ")
        if name not in SHOWN:
            continue
        for i in differing[:5]:
            if i >= len(lines_a) or i >= len(lines_b):
                print(f"  record {i}: present in one dump only")
                continue
            ra, rb = json.loads(lines_a[i]), json.loads(lines_b[i])
            fields = sorted(k for k in ra.keys() | rb.keys() if ra.get(k) != rb.get(k))
            print(f"  record {i} ({ra.get('id')}): {', '.join(fields)}")
    return status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    dumping = commands.add_parser("dump", help="write the records of the three corpora to DIR")
    dumping.add_argument("directory", type=Path)
    dumping.add_argument("--tree", type=Path, default=ROOT, help="checkout whose code extracts (default: this one)")
    diffing = commands.add_parser("diff", help="compare two dumps")
    diffing.add_argument("first", type=Path)
    diffing.add_argument("second", type=Path)
    args = parser.parse_args()
    if args.command == "dump":
        dump(args.directory, args.tree.resolve())
    else:
        sys.exit(diff(args.first, args.second))


if __name__ == "__main__":
    main()
