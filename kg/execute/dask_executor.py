"""The Dask executor: chunks of papers become tasks on a Dask cluster (``pip install 'kg[dask]'``).

Each worker loads the spaCy pipeline once, in :class:`PipelinePlugin` (a Dask WorkerPlugin whose
``setup`` runs on the worker, so no ``nlp`` object is ever pickled), and every task writes its
shard into the run directory and returns only the shard's location and summary. The run
directory must therefore be reachable under the same path from the workers and from kg (the same
machine, or a shared file system on a cluster).

A task whose worker dies is re-run by the scheduler on another worker (up to
``distributed.scheduler.allowed-failures`` times); a task that raises is retried once. After that
the build fails with :class:`~kg.errors.ExecutorError` and no snapshot is written. A scheduler
that can not be reached is :class:`~kg.errors.SchedulerUnavailable` (exit code 21).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from kg.errors import ExecutorError, SchedulerUnavailable
from kg.execute.shards import chunks, extract_shard
from kg.ingest.paper import Paper

TASK_RETRIES = 1

try:
    from distributed import WorkerPlugin as _WorkerPlugin
except ImportError:  # kg[dask] not installed: run_dask says so
    _WorkerPlugin = object


def plugin_name(pipeline: str) -> str:
    return f"kg-pipeline:{pipeline}"


class PipelinePlugin(_WorkerPlugin):  # type: ignore[misc, valid-type]
    """Loads the extraction pipeline once per worker (on the worker: only the pipeline's name travels)."""

    def __init__(self, pipeline: str):
        self.pipeline = pipeline
        self.name = plugin_name(pipeline)
        self.nlp = None

    def __getstate__(self) -> dict[str, Any]:
        return {"pipeline": self.pipeline, "name": self.name, "nlp": None}  # never pickle an nlp

    def setup(self, worker) -> None:
        from kg.extract import load_pipeline

        self.nlp = load_pipeline(self.pipeline)


def extract_shard_on_worker(papers: list[Paper], pipeline: str, run_dir: str, index: int,
                            batch_size: int) -> dict[str, Any]:
    """The task: extract one chunk with the worker's pipeline and write its shard."""
    from distributed import get_worker

    plugin = get_worker().plugins.get(plugin_name(pipeline))
    if plugin is None or plugin.nlp is None:
        raise RuntimeError(f"the kg pipeline plugin for {pipeline!r} is not set up on this worker")
    return extract_shard(plugin.nlp, papers, pipeline, run_dir, index, batch_size)


def connect(scheduler: str | None, n_workers: int, connect_timeout: float = 10.0):
    """A Client for *scheduler*, or for a new LocalCluster of *n_workers* single-threaded worker processes.

    Returns (client, cluster or None); close both.
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ExecutorError("the dask executor needs Dask: pip install 'kg[dask]' "
                            "(or pip install 'dask[distributed]')") from None
    if scheduler:
        try:
            return Client(scheduler, timeout=connect_timeout), None
        except (OSError, TimeoutError, ValueError) as error:
            detail = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise SchedulerUnavailable(f"can not reach the Dask scheduler at {scheduler}: {detail}") from None
    cluster = LocalCluster(n_workers=max(1, n_workers), threads_per_worker=1, processes=True,
                           dashboard_address=None, silence_logs=logging.ERROR)
    try:
        return Client(cluster), cluster
    except BaseException:
        cluster.close()
        raise


def run_dask(papers: Sequence[Paper], pipeline: str, size: int, batch_size: int, run_dir: str,
             progress: Callable[[int], Any] | None, *, scheduler: str | None, n_workers: int,
             connect_timeout: float = 10.0) -> Iterator[dict[str, Any]]:
    """Submit one task per chunk (a bounded window in flight); yield each task's result as it completes."""
    from kg.extract import load_pipeline

    load_pipeline(pipeline)  # here first: a missing pipeline is exit 3, not a failure on every worker
    client, cluster = connect(scheduler, n_workers, connect_timeout)
    try:
        yield from _submit_all(client, papers, pipeline, size, batch_size, run_dir, progress)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _submit_all(client, papers, pipeline, size, batch_size, run_dir, progress) -> Iterator[dict[str, Any]]:
    from distributed import as_completed
    from distributed.scheduler import KilledWorker

    try:
        client.register_plugin(PipelinePlugin(pipeline), name=plugin_name(pipeline))
    except Exception as error:  # raised by the plugin's setup on a worker
        raise ExecutorError(f"the Dask workers could not load the spaCy pipeline {pipeline!r}: "
                            f"{type(error).__name__}: {error}") from None
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    window = 2 * workers + 2
    run_id = run_dir.rstrip("/").rsplit("/", 1)[-1]
    jobs = enumerate(chunks(papers, size))
    ranges: dict[str, tuple[int, int]] = {}

    def submit(index: int, chunk: list[Paper]):
        future = client.submit(extract_shard_on_worker, chunk, pipeline, run_dir, index, batch_size,
                               key=f"kg-shard-{run_id}-{index}", retries=TASK_RETRIES, pure=False)
        ranges[future.key] = (index, len(chunk))
        return future

    flight = as_completed([submit(i, c) for i, c in _take(jobs, window)])
    for future in flight:
        index, count = ranges.pop(future.key)
        try:
            result = future.result()
        except KilledWorker:
            raise ExecutorError(f"Dask workers died while extracting shard {index} ({count} papers), too often to "
                                "retry (killed, or out of memory); no snapshot was written") from None
        except Exception as error:  # the task raised on the worker, also after its retry
            raise ExecutorError(f"shard {index} failed on a Dask worker: {type(error).__name__}: {error}") from None
        future.release()
        if progress is not None:
            progress(result["papers"])
        yield result
        for next_index, chunk in _take(jobs, 1):
            flight.add(submit(next_index, chunk))


def _take(jobs, n: int) -> list[tuple[int, list[Paper]]]:
    taken = []
    for item in jobs:
        taken.append(item)
        if len(taken) == n:
            break
    return taken
