"""Wall time, peak memory and abstracts/s of `kg build` on synthetic corpora, per executor.

    python bench/scale.py                          # 10k and 100k abstracts, local and dask executors
    python bench/scale.py --sizes 10000 --executors local --jobs 2

Each build runs as its own `kg build ... -q --no-html` process; this script samples the resident
memory of that process and all its descendants (workers, Dask nanny, scheduler) every 0.2 s and
prints the peak of the sum (RSS; also PSS, which counts shared pages once), and the CPU seconds the
whole tree used (user + system of every process, as last sampled: up to 0.2 s of a process that
ends between samples is missed), which other load on the machine inflates much less than wall time. The corpora come from
bench/corpus.py (cached under --data-dir). The machine's load average is printed with each row:
other work on the machine slows the figures.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
KG = str(Path(sys.executable).with_name("kg"))


def tree_memory(process: psutil.Process, cpu: dict[int, float]) -> tuple[int, int]:
    """(RSS, PSS) in bytes of *process* and its descendants; records each one's CPU seconds in *cpu*."""
    rss = pss = 0
    try:
        members = [process, *process.children(recursive=True)]
    except psutil.Error:
        return 0, 0
    for member in members:
        try:
            info = member.memory_full_info()
            times = member.cpu_times()
        except psutil.Error:
            continue
        rss += info.rss
        pss += getattr(info, "pss", info.rss)
        cpu[member.pid] = max(cpu.get(member.pid, 0.0), times.user + times.system)
    return rss, pss


def run_build(corpus: Path, executor: str, jobs: int, work: Path, keep: Path | None = None) -> dict:
    out = work / f"out-{executor}"
    command = [KG, "build", str(corpus), "-o", str(out), "-q", "--no-html", "--executor", executor,
               "--work-dir", str(work / "shards")]
    if jobs:
        command += ["-j", str(jobs)]
    peak = {"rss": 0, "pss": 0}
    cpu: dict[int, float] = {}
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    watched = psutil.Process(process.pid)
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            rss, pss = tree_memory(watched, cpu)
            peak["rss"], peak["pss"] = max(peak["rss"], rss), max(peak["pss"], pss)
            stop.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = process.communicate()
    wall = time.perf_counter() - start
    stop.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"kg build failed ({process.returncode}): {stderr.strip()[-2000:]}")
    if keep is not None:
        kept = keep / f"{corpus.stem}-{executor}"
        shutil.rmtree(kept, ignore_errors=True)
        keep.mkdir(parents=True, exist_ok=True)
        shutil.move(str(out), str(kept))
    shutil.rmtree(out, ignore_errors=True)
    return {"wall": wall, "rss": peak["rss"], "pss": peak["pss"], "cpu": sum(cpu.values())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated corpus sizes")
    parser.add_argument("--executors", default="local,dask")
    parser.add_argument("--jobs", type=int, default=0, help="workers (0: one per core)")
    parser.add_argument("--data-dir", default=os.path.join(tempfile.gettempdir(), "kg-bench"))
    parser.add_argument("--keep", default=None, help="keep each snapshot as KEEP/corpus-N-EXECUTOR (for bench/push)")
    args = parser.parse_args()
    data = Path(args.data_dir)
    data.mkdir(parents=True, exist_ok=True)
    print(f"{os.cpu_count()} cores; kg build -q --no-html, one process tree per row")
    print(f"{'abstracts':>9} {'executor':<8} {'wall s':>8} {'CPU s':>8} {'peak RSS GB':>11} {'peak PSS GB':>11} "
          f"{'abstracts/s':>11} {'load avg':>8}")
    for size in (int(s) for s in args.sizes.split(",")):
        corpus = data / f"corpus-{size}.jsonl"
        if not corpus.exists():
            subprocess.run([sys.executable, str(ROOT / "bench" / "corpus.py"), str(size), "-o", str(corpus)],
                           check=True, stdout=subprocess.DEVNULL)
        for executor in args.executors.split(","):
            with tempfile.TemporaryDirectory(dir=data) as work:
                row = run_build(corpus, executor, args.jobs, Path(work), Path(args.keep) if args.keep else None)
            load = os.getloadavg()[0]
            print(f"{size:>9} {executor:<8} {row['wall']:>8.1f} {row['cpu']:>8.1f} {row['rss'] / 1e9:>11.2f} "
                  f"{row['pss'] / 1e9:>11.2f} "
                  f"{size / row['wall']:>11.1f} {load:>8.2f}", flush=True)


if __name__ == "__main__":
    main()
