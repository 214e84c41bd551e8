"""Print the time of an incremental update that adds one page to the demo against a full rebuild.

    python bench/update.py [--runs N] [--pipeline NAME] [--jobs N]

The "previous week" is the demo without its last page (trending-mar21.txt, 80 papers); the update adds that
page with `kg build --update`, reusing the cached extraction of the other 277 papers. The full rebuild reads
and extracts all four pages. Both write the same complete snapshot (graph.json, GraphML, the HTML page, the
extraction cache), and the script checks that the two snapshots are byte-for-byte equal. A third row
updates with nothing new: the floor (reading, resolution, graph, layout, writing the files). Median of N runs,
wall-clock, in one process after one warm-up build (pipeline loading is paid once, as it is in a CLI run).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

# Run as a script, bench/ would come first on sys.path, where bench/html.py would shadow the standard library.
sys.path[0] = str(Path(__file__).resolve().parents[1])

from kg.workflow import build_snapshot, sample_corpus_paths  # noqa: E402


def timed(function) -> tuple[float, object]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def same_snapshot(a: Path, b: Path) -> bool:
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file() and p.name != "manifest.json")
    others = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file() and p.name != "manifest.json")
    return files == others and all((a / f).read_bytes() == (b / f).read_bytes() for f in files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pipeline", default="blank")
    parser.add_argument("--jobs", type=int, default=1, help="extraction processes (default 1)")
    args = parser.parse_args()
    pages = sample_corpus_paths()
    last = next(p for p in pages if p.endswith("trending-mar21.txt"))
    earlier = [p for p in pages if p != last]
    options = {"pipeline": args.pipeline, "n_process": args.jobs, "year": 2024}
    work = Path(tempfile.mkdtemp(prefix="kg-bench-update-"))
    try:
        previous = build_snapshot(earlier, work / "week1" / "demo", **options)  # also warms up the pipeline
        fulls, updates, noops = [], [], []
        for run in range(args.runs):
            full_time, full = timed(lambda: build_snapshot(pages, work / f"full{run}" / "demo", **options))
            update_time, update = timed(lambda: build_snapshot(pages, work / f"update{run}" / "demo",
                                                               update=work / "week1" / "demo", **options))
            noop_time, noop = timed(lambda: build_snapshot(pages, work / f"noop{run}" / "demo",
                                                           update=work / f"update{run}" / "demo", **options))
            fulls.append(full_time)
            updates.append(update_time)
            noops.append(noop_time)
        identical = same_snapshot(work / "full0" / "demo", work / "update0" / "demo")
        full_s, update_s = statistics.median(fulls), statistics.median(updates)
        print(f"previous snapshot: {previous.report.papers} papers ({len(earlier)} pages); "
              f"the update adds {Path(last).name}")
        print(f"{'build':<34} {'papers extracted':>16} {'reused':>7} {'seconds':>8}")
        print(f"{'full rebuild (4 pages)':<34} {full.extraction['extracted']:>16} {full.extraction['reused']:>7} "
              f"{full_s:>8.2f}")
        print(f"{'kg build --update (+1 page)':<34} {update.extraction['extracted']:>16} "
              f"{update.extraction['reused']:>7} {update_s:>8.2f}")
        print(f"{'kg build --update (nothing new)':<34} {noop.extraction['extracted']:>16} "
              f"{noop.extraction['reused']:>7} {statistics.median(noops):>8.2f}")
        print("runs (s): full " + " ".join(f"{t:.2f}" for t in fulls) + "; update " +
              " ".join(f"{t:.2f}" for t in updates) + "; nothing new " + " ".join(f"{t:.2f}" for t in noops))
        print(f"update / full: {update_s / full_s:.2f} (median of {args.runs} runs, pipeline {args.pipeline}, "
              f"{args.jobs} process(es)); snapshots byte-for-byte equal: {'yes' if identical else 'NO'}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
