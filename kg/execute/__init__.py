"""Running extraction over a corpus: the map (kg.extract) on an executor, then the reduce (kg.resolve).

Local worker processes or a Dask cluster (:mod:`kg.execute.dask_executor`) run the map step; record shards on
disk (:mod:`kg.execute.shards`) keep the parent's memory bounded; the corpus summary's resolution makes the
entity ids corpus-wide. This room sits above both kg.extract and kg.resolve.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import kg.extract as extract  # by module: a patched kg.extract.load_pipeline (tests) is the one used
from kg.execute.options import ExtractOptions
from kg.ingest.paper import Paper
from kg.resolve import summarise

__all__ = ["CacheStats", "ExtractOptions", "auto_processes", "available_cores", "extract_records",
           "extract_unresolved"]


@dataclass
class CacheStats:
    """How many papers a cached extraction reused and how many it extracted."""

    reused: int = 0
    extracted: int = 0

    def to_dict(self) -> dict[str, int]:
        return {"reused": self.reused, "extracted": self.extracted}


def extract_records(
    papers: Iterable[Paper],
    options: ExtractOptions | None = None,
    *,
    progress: Callable[[int], Any] | None = None,
    nlp=None,
    cache=None,
    stats: CacheStats | None = None,
    on_resolution: Callable[[Any], Any] | None = None,
    resolve: bool = True,
    **settings: Any,
) -> list[dict[str, Any]]:
    """Extract entities, results and relations from *papers*; records come back in input order.

    *options* (:class:`ExtractOptions`) say how: the pipeline, worker processes, batch size, executor,
    scheduler and work directory. Keyword arguments named like its fields (``pipeline="blank"``,
    ``n_process=2``) replace them, so ``extract_records(papers, pipeline="blank", n_process=1)`` works as before.

    All records in memory: for large corpora use :func:`kg.execute.shards.run_extraction`, which
    writes record shards to disk. ``n_process`` > 1 splits the papers into chunks that worker processes turn into
    records (records, not Docs, cross the process boundary: they are far smaller). ``None`` means one
    process per core when there are enough papers to pay for starting them. *progress* is
    called with the number of papers done. Entity ids are resolved across all the papers
    (kg.resolve; with *resolve* false they stay doc-local: see :func:`extract_unresolved`). An already loaded
    *nlp* (from load_pipeline) may be passed to skip loading.

    With a *cache* (kg.extract.cache), a paper whose content hash + pipeline + pattern version it holds is taken
    from it; the others are extracted and put into it. *stats* counts reused and extracted papers. The cache is
    looked up before any mapping: with executor ``"dask"`` only the papers it lacks go to the workers
    (kg.execute.shards.run_extraction on the cluster at ``scheduler``, else a LocalCluster of ``n_process``
    workers; shards under ``work_dir``). *on_resolution* receives the corpus :class:`kg.resolve.Resolution`
    (its ``conflicts`` list the names left with two types).
    """
    from kg.extract.cache import cache_key, extraction_of

    options = ExtractOptions.of(options, **settings)
    papers = list(papers)
    stats = stats if stats is not None else CacheStats()
    records: list[dict[str, Any] | None] = [None] * len(papers)
    missing = list(range(len(papers)))
    keys: list[str] = []
    if cache is not None:
        info = extract.pipeline_info(options.pipeline)
        keys = [cache_key(paper.text, info) for paper in papers]
        missing = []
        for index, (paper, key) in enumerate(zip(papers, keys)):
            found = cache.get(key)
            if found is None:
                missing.append(index)
            else:
                records[index] = {**paper.to_dict(), **found}
        stats.reused += len(papers) - len(missing)
        if progress is not None and len(papers) > len(missing):
            progress(len(papers) - len(missing))
    if missing:
        todo = [papers[index] for index in missing]
        if options.executor != "local":
            from kg.execute.shards import run_extraction

            with run_extraction(todo, options, progress=progress) as run:
                extracted = list(run.records())
        else:
            # also in the parent, so a missing pipeline fails here, clearly
            nlp = nlp or extract.load_pipeline(options.pipeline)
            n_process = options.n_process
            if n_process is None:
                n_process = auto_processes(len(todo), options.batch_size)
            if n_process > 1 and len(todo) > options.batch_size:
                extracted = _extract_in_processes(todo, options.pipeline, n_process, options.batch_size, progress)
            else:
                extracted = extract.extract_chunk(nlp, todo, options.pipeline, batch_size=options.batch_size,
                                                  progress=progress)
        for index, record in zip(missing, extracted):
            records[index] = record
            if cache is not None:
                cache.put(keys[index], extraction_of(record))
        stats.extracted += len(missing)
    if resolve:
        with extract.fewer_collections():  # the reduce makes no reference cycles either
            resolution = summarise(records).resolution()  # type: ignore[arg-type]
            for record in records:
                resolution.apply(record)  # type: ignore[arg-type]
        if on_resolution is not None:
            on_resolution(resolution)
    return records  # type: ignore[return-value]


def extract_unresolved(papers: Iterable[Paper], options: ExtractOptions | None = None,
                       **keywords: Any) -> list[dict[str, Any]]:
    """The map step alone: one record per paper with doc-local entity ids (before kg.resolve), in input order.

    :func:`extract_records` with ``resolve=False``; it takes the same options and keyword arguments.
    """
    return extract_records(papers, options, resolve=False, **keywords)


def auto_processes(n_papers: int, batch_size: int = 64) -> int:
    """One worker per core (at most 8) for at least four batches per worker; else 1."""
    return max(1, min(available_cores(), 8, n_papers // (4 * batch_size)))


def available_cores() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


_worker_nlp = None


def _start_worker(pipeline: str) -> None:
    import signal

    global _worker_nlp
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler (forked): terminate() must kill
    _die_with_parent()
    _worker_nlp = extract.load_pipeline(pipeline)


def _die_with_parent() -> None:
    """Linux: the kernel kills this worker when the process that started it dies, even by SIGKILL."""
    import ctypes
    import signal

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (AttributeError, OSError):  # not Linux: the pool's own shutdown has to do
        pass


def _extract_in_worker(job: tuple[str, list[Paper], int]) -> list[dict[str, Any]]:
    pipeline, papers, batch_size = job
    return extract.extract_chunk(_worker_nlp, papers, pipeline, batch_size=batch_size)


def _extract_in_processes(papers: list[Paper], pipeline: str, n_process: int, batch_size: int,
                          progress: Callable[[int], Any] | None) -> list[dict[str, Any]]:
    from concurrent.futures import ProcessPoolExecutor

    chunks = [papers[i:i + batch_size] for i in range(0, len(papers), batch_size)]
    records: list[dict[str, Any]] = []
    pool = ProcessPoolExecutor(n_process, mp_context=process_context(), initializer=_start_worker, initargs=(pipeline,))
    try:
        # submit, not map: map cancels what is pending when stopped, and python 3.11's pool manager then
        # trips over the cancelled futures and leaves the interpreter hanging at exit.
        futures = [pool.submit(_extract_in_worker, (pipeline, chunk, batch_size)) for chunk in chunks]
        for chunk, future in zip(chunks, futures):
            records.extend(future.result())
            if progress is not None:
                progress(len(chunk))
    except BaseException:
        # Stopped (SIGTERM, Ctrl-C, a failing chunk): the workers go now, not after the queued chunks.
        stop_pool(pool)
        raise
    pool.shutdown()
    return records


def stop_pool(pool: Any) -> None:
    """Terminate a ProcessPoolExecutor's workers at once and shut it down without waiting for the chunks in
    flight (leaving it normally waits for them: 17 s and more after a SIGTERM on a loaded machine)."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()
    pool.shutdown(wait=False)


def process_context():
    """fork where there is one (workers start at once); spawn elsewhere."""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")
