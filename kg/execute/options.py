"""How a corpus is extracted: one frozen settings object that every entry point takes and the CLI builds once.

:func:`kg.execute.extract_records`, :func:`kg.execute.extract_unresolved` and
:func:`kg.execute.shards.run_extraction` take an :class:`ExtractOptions`; their keyword arguments named like
its fields (``pipeline=``, ``n_process=``, ...) still work and replace the fields of the options given.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.extract.pipeline import DEFAULT_PIPELINE

EXECUTORS = ("local", "dask")


@dataclass(frozen=True)
class ExtractOptions:
    """The settings of one extraction run.

    *pipeline*: the spaCy pipeline (kg.extract.load_pipeline). *n_process*: worker processes (local) or Dask
    workers (a LocalCluster); ``None`` means one per core (local: when there are enough papers to pay for
    starting them); 1 means this process. *batch_size*: papers per ``nlp.pipe`` batch. *executor*: ``"local"``
    or ``"dask"``; *scheduler*: an existing Dask cluster's address (else a LocalCluster); *work_dir*: where
    record shards are written (default: the temporary directory; on a cluster, a directory every worker shares).
    """

    pipeline: str = DEFAULT_PIPELINE
    n_process: int | None = 1
    batch_size: int = 64
    executor: str = "local"
    scheduler: str | None = None
    work_dir: str | Path | None = None

    def __post_init__(self) -> None:
        if self.executor not in EXECUTORS:
            raise ValueError(f"unknown executor {self.executor!r}; choose one of {', '.join(EXECUTORS)}")
        if self.n_process is not None and (isinstance(self.n_process, bool) or self.n_process < 1):
            raise ValueError(f"n_process must be None or at least 1, not {self.n_process!r}")
        if isinstance(self.batch_size, bool) or self.batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {self.batch_size!r}")

    @classmethod
    def of(cls, options: ExtractOptions | None = None, /, **settings: Any) -> ExtractOptions:
        """*options* (default: the defaults) with the fields named in *settings* replaced.

        The keyword-argument shim of the functions that take options: an unknown name is a TypeError, as an
        unknown keyword argument would be.
        """
        base = options if options is not None else cls()
        if not isinstance(base, ExtractOptions):
            raise TypeError(f"options must be an ExtractOptions, not {type(base).__name__}")
        unknown = sorted(set(settings) - {item.name for item in dataclasses.fields(cls)})
        if unknown:
            raise TypeError(f"unexpected keyword argument(s) {', '.join(map(repr, unknown))}; "
                            f"the extraction settings are {', '.join(f.name for f in dataclasses.fields(cls))}")
        return dataclasses.replace(base, **settings) if settings else base
