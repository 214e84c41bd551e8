"""Extraction at scale: chunks of papers go to an executor, records come back as shards on disk.

The map step (:func:`kg.extract.extract_chunk` plus :func:`kg.resolve.summarise`) runs wherever the
executor puts it: in this process, in local worker processes (``executor="local"``) or on a Dask
cluster (``executor="dask"``, :mod:`kg.execute.dask_executor`). Each chunk becomes one shard in the
run's work directory: ``shard-NNNNNN.jsonl`` (one unresolved record per line) and
``shard-NNNNNN.summary.json`` (its :class:`~kg.resolve.CorpusSummary`). Only the summaries travel
back; the parent merges them (the reduce), and :meth:`ExtractionRun.resolved_records` streams the
shards back through :meth:`Resolution.apply <kg.resolve.Resolution.apply>` one record at a time, so
the parent never holds all the records.

Every run writes into its own ``run-<random id>`` directory under the work directory and reads
only the shards its own tasks reported, so shards left over by a killed run are never read as part
of a new one. A shard is written under a temporary name and renamed when complete.

The run holds a lock (``flock``) on its directory while it lives, as :mod:`kg.atomic`'s writers do on
their staging directories; the kernel drops it when the process dies, even by SIGKILL. So the next run
under the same work directory removes the directories of killed runs (a ``run-`` directory whose lock
is free and that holds nothing but shard files) and never touches a live one. A run kept with
``keep_shards`` is marked (``.kg-keep``) and never removed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg import atomic
from kg.errors import ExecutorError, OutputError
from kg.execute.options import ExtractOptions
from kg.ingest.paper import Paper
from kg.resolve.corpus import CorpusSummary, Resolution, summarise

RUN_PREFIX = "run-"
RUN_NAME = re.compile(r"run-[0-9a-f]{8}-[a-z0-9_]{8}")  # RUN_PREFIX + 8 hex digits + "-" + mkdtemp's 8 characters
SHARD_FILE = re.compile(r"\.?shard-\d{6,}\.(?:jsonl|summary\.json)(?:\.[0-9a-f]{32}\.part)?")  # write_shard's
KEEP_MARKER = ".kg-keep"
MIN_CHUNK, MAX_CHUNK = 32, 1000


@dataclass(frozen=True)
class Shard:
    index: int
    path: str
    papers: int


def shard_path(run_dir: str | Path, index: int) -> Path:
    return Path(run_dir) / f"shard-{index:06d}.jsonl"


def write_shard(records: Sequence[dict[str, Any]], summary: CorpusSummary, run_dir: str | Path,
                index: int) -> Shard:
    """Write the records and their summary; each file appears complete or not at all."""
    path = shard_path(run_dir, index)
    partial = path.with_name(f".{path.name}.{uuid.uuid4().hex}.part")  # a retried task never shares it
    with open(partial, "w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False))
            handle.write("\n")
    summary_path = path.with_suffix(".summary.json")
    summary_partial = summary_path.with_name(f".{summary_path.name}.{uuid.uuid4().hex}.part")
    summary_partial.write_text(json.dumps(summary.to_dict(), ensure_ascii=False), encoding="utf-8")
    os.replace(summary_partial, summary_path)
    os.replace(partial, path)
    return Shard(index=index, path=str(path), papers=len(records))


def extract_shard(nlp, papers: Sequence[Paper], pipeline: str, run_dir: str, index: int,
                  batch_size: int = 64) -> dict[str, Any]:
    """One map task: extract *papers*, write their shard, return its location and summary (small)."""
    from kg.extract import extract_chunk

    records = extract_chunk(nlp, papers, pipeline, batch_size=batch_size)
    summary = summarise(records)
    shard = write_shard(records, summary, run_dir, index)
    return {"index": shard.index, "path": shard.path, "papers": shard.papers, "summary": summary.to_dict()}


@dataclass
class ExtractionRun:
    """The shards of one run, in input order, and the merged summary of all of them."""

    run_dir: Path
    shards: list[Shard]
    summary: CorpusSummary
    keep: bool = False
    lock: int | None = field(default=None, repr=False)  # the descriptor holding the run directory's flock
    _resolution: Resolution | None = field(default=None, repr=False)

    @property
    def papers(self) -> int:
        return sum(shard.papers for shard in self.shards)

    @property
    def resolution(self) -> Resolution:
        if self._resolution is None:
            self._resolution = self.summary.resolution()
        return self._resolution

    def records(self) -> Iterator[dict[str, Any]]:
        """The unresolved records, shard by shard, in input order."""
        for shard in self.shards:
            count = 0
            with open(shard.path, encoding="utf-8") as handle:
                for line in handle:
                    count += 1
                    yield json.loads(line)
            if count != shard.papers:
                raise ExecutorError(f"shard {shard.path} holds {count} records, its task reported {shard.papers}")

    def resolved_records(self) -> Iterator[dict[str, Any]]:
        """The records with corpus-wide entity ids, one at a time (each pass re-reads the shards)."""
        resolution = self.resolution
        for record in self.records():
            yield resolution.apply(record)

    def close(self) -> None:
        _release(self.run_dir, self.lock, self.keep)
        self.lock = None

    def __enter__(self) -> ExtractionRun:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def new_run_dir(work_dir: str | Path | None) -> tuple[Path, int]:
    """A fresh ``run-<id>`` directory (under *work_dir*, else the system's temporary directory), locked.

    Returns the directory and the descriptor holding its lock (:func:`_release` lets both go). The
    directories of killed runs under the same work directory are removed first (:func:`is_stale_run_dir`).
    """
    base = Path(work_dir) if work_dir is not None else Path(tempfile.gettempdir())
    try:
        return atomic.owned_directory(base, f"{RUN_PREFIX}{uuid.uuid4().hex[:8]}-", ours=is_run_dir)
    except OSError as error:
        from kg.errors import InputError

        raise InputError(f"can not create the work directory: {error.strerror or error}", str(base)) from None


def is_run_dir(path: Path) -> bool:
    """A run directory kg made (its name, and nothing in it but shard files) and did not mark to keep.

    Whether its run is still alive is its lock's business (:func:`kg.atomic.remove_unowned`).
    """
    if not RUN_NAME.fullmatch(path.name):
        return False
    try:
        return all(SHARD_FILE.fullmatch(entry.name) and not entry.is_symlink() for entry in path.iterdir())
    except OSError:
        return False


def _release(run_dir: Path, lock: int | None, keep: bool) -> None:
    if keep:
        if run_dir.is_dir():
            (run_dir / KEEP_MARKER).touch()
    else:
        shutil.rmtree(run_dir, ignore_errors=True)
    if lock is not None:
        os.close(lock)


def chunk_size_for(n_papers: int, workers: int) -> int:
    """About eight chunks per worker (progress and load balance), within [MIN_CHUNK, MAX_CHUNK] papers."""
    return max(MIN_CHUNK, min(MAX_CHUNK, -(-n_papers // max(1, 8 * workers))))


def chunks(papers: Iterable[Paper], size: int) -> Iterator[list[Paper]]:
    chunk: list[Paper] = []
    for paper in papers:
        chunk.append(paper)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def run_extraction(
    papers: Sequence[Paper],
    options: ExtractOptions | None = None,
    *,
    chunk_size: int | None = None,
    progress: Callable[[int], Any] | None = None,
    keep_shards: bool = False,
    connect_timeout: float = 10.0,
    **settings: Any,
) -> ExtractionRun:
    """Extract *papers* into record shards on the options' executor; return the run (close it to delete the shards).

    *options* (:class:`~kg.execute.options.ExtractOptions`; keyword arguments named like its fields replace them,
    and ``jobs=`` is ``n_process=``). Without options, ``n_process`` is ``None``: ``local`` runs one worker
    process per core for large inputs (1: this process); ``dask`` uses the cluster at ``scheduler``, or a
    LocalCluster with ``n_process`` workers (``None``: one per core). The shards are written under ``work_dir``
    (default: the temporary directory); for a cluster it must be a directory every worker and this process can
    read and write.
    """
    from kg.execute import auto_processes, available_cores

    if "jobs" in settings:
        settings["n_process"] = settings.pop("jobs")
    options = ExtractOptions.of(options if options is not None else ExtractOptions(n_process=None), **settings)
    pipeline, executor, batch_size = options.pipeline, options.executor, options.batch_size
    if executor == "local":
        workers = options.n_process if options.n_process is not None else auto_processes(len(papers), batch_size)
    else:
        workers = options.n_process if options.n_process is not None else available_cores()
    size = chunk_size or chunk_size_for(len(papers), workers)
    run_dir, lock = new_run_dir(options.work_dir)
    try:
        if executor == "local":
            results = _run_local(papers, pipeline, workers, size, batch_size, str(run_dir), progress)
        else:
            from kg.execute.dask_executor import run_dask

            results = run_dask(papers, pipeline, size, batch_size, str(run_dir), progress,
                               scheduler=options.scheduler, n_workers=workers, connect_timeout=connect_timeout)
        try:
            shards, summary = reduce_results(results, run_dir)
        except OSError as error:  # a shard could not be written: a full disk, a file size limit
            raise OutputError(f"can not write the record shards under {run_dir}: {error.strerror or error}") from None
    except BaseException:
        _release(run_dir, lock, keep_shards)
        raise
    return ExtractionRun(run_dir=run_dir, shards=shards, summary=summary, keep=keep_shards, lock=lock)


def reduce_results(results: Iterable[dict[str, Any]], run_dir: Path) -> tuple[list[Shard], CorpusSummary]:
    """Merge the tasks' summaries (in any order); keep the shards of this run only, in input order."""
    total = CorpusSummary()
    shards = []
    root = run_dir.resolve()
    for result in results:
        path = Path(result["path"])
        if path.resolve().parent != root:
            raise ExecutorError(f"a task reported shard {path}, which is not in this run's directory {run_dir}")
        shards.append(Shard(index=result["index"], path=str(path), papers=result["papers"]))
        total = total.merge(CorpusSummary.from_dict(result["summary"]))
    shards.sort(key=lambda shard: shard.index)
    if [shard.index for shard in shards] != list(range(len(shards))):
        raise ExecutorError(f"shards are missing from {run_dir}: got {[s.index for s in shards]}")
    return shards, total


# --- the local executor: this process, or a pool of worker processes ----------------------------

_worker_nlp = None


def _start_worker(pipeline: str) -> None:
    global _worker_nlp
    import signal

    from kg.execute import _die_with_parent
    from kg.extract import load_pipeline

    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # as kg.execute's workers: terminate() must kill
    _die_with_parent()
    _worker_nlp = load_pipeline(pipeline)


def _extract_in_worker(job: tuple[list[Paper], str, str, int, int]) -> dict[str, Any]:
    papers, pipeline, run_dir, index, batch_size = job
    return extract_shard(_worker_nlp, papers, pipeline, run_dir, index, batch_size)


def _run_local(papers: Sequence[Paper], pipeline: str, workers: int, size: int, batch_size: int, run_dir: str,
               progress: Callable[[int], Any] | None) -> Iterator[dict[str, Any]]:
    from kg.extract import load_pipeline

    nlp = load_pipeline(pipeline)  # in this process too: a missing pipeline fails here, clearly
    if workers <= 1 or len(papers) <= size:
        for index, chunk in enumerate(chunks(papers, size)):
            result = extract_shard(nlp, chunk, pipeline, run_dir, index, batch_size)
            if progress is not None:
                progress(result["papers"])
            yield result
        return
    del nlp
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    # forkserver: workers start from a small server process, not from this one with every paper in it
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    window = 2 * workers  # chunks in flight: the rest of the papers are not copied into the queue yet
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=(pipeline,))
    try:
        pending: set = set()
        jobs = enumerate(chunks(papers, size))
        exhausted = False
        while pending or not exhausted:
            while not exhausted and len(pending) < window:
                try:
                    index, chunk = next(jobs)
                except StopIteration:
                    exhausted = True
                    break
                pending.add(pool.submit(_extract_in_worker, (chunk, pipeline, run_dir, index, batch_size)))
            if not pending:
                break
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                try:
                    result = future.result()
                except BrokenProcessPool:
                    raise ExecutorError("a local worker process died (killed, or out of memory) while "
                                        "extracting; no snapshot was written") from None
                if progress is not None:
                    progress(result["papers"])
                yield result
    except BaseException:
        # Stopped (SIGTERM, Ctrl-C, a failing chunk, the caller closing this generator): the workers go now, as
        # kg.execute's do, not after the chunks in flight.
        from kg.execute import stop_pool

        stop_pool(pool)
        raise
    pool.shutdown()
