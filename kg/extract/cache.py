"""The extraction cache: per-paper *unresolved* extraction, keyed by content hash + pipeline + pattern version.

Extraction (the map step) is a pure function of a paper's text, the spaCy pipeline and the pattern files, so
its output can be reused whenever those three are unchanged. What is cached is the part of a record that
extraction produces (text, sentences, entities with doc-local ids, relations, results), before corpus-wide
resolution (the reduce step, kg.resolve) rewrites ids. A paper's metadata (id, date, sources) is not part of
the cached value and not part of the key, so re-dating or moving a paper reuses its extraction.

Two stores share one interface (``get``/``put``):

- :class:`RecordCache`: in memory, read from and written to a snapshot as ``cache/extraction.jsonl.gz``
  (one ``{"key", "extraction"}`` object per line, sorted by key, gzip without a timestamp: the same
  papers always give the same bytes);
- :class:`DirectoryCache`: a directory that ``--cache DIR`` names, one JSON file per paper
  (``DIR/ab/abcdef....json``), written atomically, shared by every build that names it.
"""

from __future__ import annotations

import copy
import gzip
import hashlib
import io
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Protocol

from kg.errors import InputError, SnapshotError

CACHE_FORMAT = 1
SNAPSHOT_CACHE = "cache/extraction.jsonl.gz"
# The fields of a record that extraction produces (the rest comes from the Paper).
EXTRACTION_FIELDS = ("text", "sentences", "entities", "relations", "results", "pipeline")


def cache_key(text: str, pipeline: dict[str, Any]) -> str:
    """sha256 of the paper's text (title + newline + abstract) and what extraction depends on: the pipeline
    (name, version, spaCy version), the pattern version and the extractor's code (kg.extract.pipeline_info)."""
    identity = {"format": CACHE_FORMAT, "text": text, "pipeline": pipeline.get("name"),
                "pipeline_version": pipeline.get("version"), "spacy": pipeline.get("spacy"),
                "patterns": pipeline.get("patterns"), "code": pipeline.get("code")}
    return hashlib.sha256(json.dumps(identity, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def extraction_of(record: dict[str, Any]) -> dict[str, Any]:
    """The cacheable part of an unresolved record (a deep copy: resolution rewrites records in place)."""
    return copy.deepcopy({name: record[name] for name in EXTRACTION_FIELDS if name in record})


class ExtractionCache(Protocol):
    def get(self, key: str) -> dict[str, Any] | None: ...

    def put(self, key: str, extraction: dict[str, Any]) -> None: ...


class RecordCache:
    """An in-memory cache; :meth:`for_keys` keeps only the entries a snapshot needs."""

    def __init__(self, entries: dict[str, dict[str, Any]] | None = None):
        self.entries: dict[str, dict[str, Any]] = dict(entries or {})

    def get(self, key: str) -> dict[str, Any] | None:
        found = self.entries.get(key)
        return copy.deepcopy(found) if found is not None else None

    def put(self, key: str, extraction: dict[str, Any]) -> None:
        self.entries[key] = copy.deepcopy(extraction)

    def __len__(self) -> int:
        return len(self.entries)

    def for_keys(self, keys: Iterable[str]) -> RecordCache:
        return RecordCache({key: self.entries[key] for key in keys if key in self.entries})

    def write(self, path: str | Path) -> None:
        """``{"key", "extraction"}`` lines sorted by key, gzipped with no timestamp (reproducible bytes)."""
        buffer = io.BytesIO()
        with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, filename="") as handle:
            for key in sorted(self.entries):
                # Keys keep the record's order, so a record rebuilt from the cache is the same JSON as one
                # just extracted (`kg extract` output does not depend on the cache).
                line = json.dumps({"key": key, "extraction": self.entries[key]}, ensure_ascii=False)
                handle.write(line.encode("utf-8") + b"\n")
        Path(path).write_bytes(buffer.getvalue())

    @classmethod
    def read(cls, path: str | Path) -> RecordCache:
        entries = {}
        try:
            with gzip.open(path, "rt", encoding="utf-8") as handle:
                for number, line in enumerate(handle, start=1):
                    try:
                        item = json.loads(line)
                        entries[item["key"]] = item["extraction"]
                    except (ValueError, KeyError, TypeError) as exc:
                        raise SnapshotError(f"{path}:{number}: unreadable extraction cache entry ({exc})") from None
        except (OSError, EOFError) as exc:
            raise SnapshotError(f"{path}: unreadable extraction cache ({exc})") from None
        return cls(entries)


def snapshot_cache(directory: str | Path) -> RecordCache:
    """The extraction cache a snapshot holds; a SnapshotError if it holds none (built with --no-cache)."""
    path = Path(directory) / SNAPSHOT_CACHE
    if not Path(directory).is_dir():
        raise SnapshotError(f"{directory}: no such snapshot directory")
    if not path.is_file():
        raise SnapshotError(f"{directory}: the snapshot holds no extraction cache ({SNAPSHOT_CACHE}); "
                            "rebuild it with `kg build` (without --no-cache) or name a --cache DIR")
    return RecordCache.read(path)


class DirectoryCache:
    """One JSON file per paper under *directory* (created if missing), fanned out by the key's first byte."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"can not create the cache directory: {exc.strerror}", str(directory)) from None
        if not self.directory.is_dir():
            raise InputError("the cache is not a directory", str(directory))

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        try:
            item = json.loads(self._path(key).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            return None  # a damaged entry is extracted again and rewritten
        return item.get("extraction") if isinstance(item, dict) and item.get("key") == key else None

    def put(self, key: str, extraction: dict[str, Any]) -> None:
        path = self._path(key)
        path.parent.mkdir(exist_ok=True)
        descriptor, partial = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                json.dump({"key": key, "extraction": extraction}, handle, ensure_ascii=False)
            os.replace(partial, path)
        finally:
            if os.path.exists(partial):
                os.unlink(partial)

    def __iter__(self) -> Iterator[str]:
        return (path.stem for path in self.directory.glob("??/*.json"))


class ChainedCache:
    """Look up in each cache in turn; store into all of them."""

    def __init__(self, *caches: ExtractionCache):
        self.caches = caches

    def get(self, key: str) -> dict[str, Any] | None:
        for cache in self.caches:
            found = cache.get(key)
            if found is not None:
                return found
        return None

    def put(self, key: str, extraction: dict[str, Any]) -> None:
        for cache in self.caches:
            cache.put(key, extraction)
