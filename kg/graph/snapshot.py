"""Snapshots: a directory holding one graph (node-link JSON), a manifest and whatever files the caller adds.

The snapshot layer owns its own format: ``graph.json`` (kg.graph.json_graph) and ``manifest.json``. Other
files (GraphML, the HTML explorer, an extraction cache) are written by functions the caller passes in
*files*, so this layer never imports an exporter. A snapshot is written into a temporary sibling
directory and renamed into place at the end, so a snapshot directory is either complete or absent.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from kg.errors import SnapshotError

GRAPH_JSON = "graph.json"
GRAPH_GRAPHML = "graph.graphml"
GRAPH_HTML = "graph.html"
MANIFEST = "manifest.json"

# Writes one extra file of a snapshot: called with the graph and the path to write.
FileWriter = Callable[[nx.MultiDiGraph, Path], None]


@dataclass
class Snapshot:
    graph: nx.MultiDiGraph
    manifest: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None


def sha256_of(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def graph_counts(graph: nx.MultiDiGraph) -> dict[str, dict[str, int]]:
    labels = Counter(attrs.get("label") for _, attrs in graph.nodes(data=True))
    types = Counter(attrs.get("type") for _, _, attrs in graph.edges(data=True))
    return {"nodes": dict(sorted(labels.items())), "relationships": dict(sorted(types.items()))}


def generate_manifest(graph: nx.MultiDiGraph, **info: Any) -> dict[str, Any]:
    """The manifest: kg version, time, counts, plus whatever the caller knows (inputs, pipeline, ingest report)."""
    from kg import __version__

    return {
        "kg_version": __version__,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "counts": graph_counts(graph),
        **info,
    }


def write_snapshot(
    graph: nx.MultiDiGraph,
    directory: str | Path,
    *,
    files: Mapping[str, FileWriter] | None = None,
    **info: Any,
) -> Snapshot:
    """Write graph.json, the caller's *files* and manifest.json into *directory*, atomically.

    *files* maps a relative file name (``graph.html``, ``cache/records.jsonl.gz``) to a function that
    writes it, given the graph and the path. Keyword arguments go into the manifest.
    """
    from kg.graph.json_graph import write_json

    target = Path(directory)
    check_replaceable(target)
    extra = dict(files or {})
    for name in extra:
        if name in (GRAPH_JSON, MANIFEST) or Path(name).is_absolute() or ".." in Path(name).parts:
            raise ValueError(f"a snapshot can not hold an extra file named {name!r}")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        write_json(graph, staging / GRAPH_JSON)
        for name, writer in extra.items():
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            writer(graph, staging / name)
        manifest = generate_manifest(graph, **info)
        manifest["files"] = sorted([GRAPH_JSON, *extra, MANIFEST])
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        os.chmod(staging, 0o755)
        _replace_directory(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Snapshot(graph=graph, manifest=manifest, path=target)


def check_replaceable(target: Path) -> None:
    """Refuse to replace anything but an absent or empty directory or an earlier snapshot."""
    if not target.exists():
        return
    if not target.is_dir():
        raise SnapshotError(f"{target} exists and is not a directory")
    resolved = target.resolve()
    if resolved == Path.cwd().resolve() or resolved in Path.cwd().resolve().parents:
        raise SnapshotError(f"{target}: will not replace the current directory or one above it")
    if any(target.iterdir()) and not (target / MANIFEST).is_file():
        raise SnapshotError(f"{target} is a directory that holds no kg snapshot; choose another or empty it")


def _replace_directory(staging: Path, target: Path) -> None:
    if not target.exists():
        staging.rename(target)
        return
    if not target.is_dir():
        raise SnapshotError(f"{target} exists and is not a directory")
    retired = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
    retired.rmdir()
    target.rename(retired)
    staging.rename(target)
    shutil.rmtree(retired, ignore_errors=True)


def load_snapshot(directory: str | Path) -> Snapshot:
    """Load a snapshot written by :func:`write_snapshot` (graph from graph.json)."""
    from kg.graph.json_graph import graph_from_data

    path = Path(directory)
    if not path.is_dir():
        raise SnapshotError(f"{path}: no such snapshot directory")
    manifest_path, graph_path = path / MANIFEST, path / GRAPH_JSON
    for required in (manifest_path, graph_path):
        if not required.is_file():
            raise SnapshotError(f"{path}: not a kg snapshot (missing {required.name})")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        graph = graph_from_data(json.loads(graph_path.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError, AttributeError, nx.NetworkXError) as exc:
        raise SnapshotError(f"{path}: unreadable snapshot: {exc}") from None
    if not isinstance(manifest, dict):
        raise SnapshotError(f"{path}: unreadable snapshot: {MANIFEST} is not a JSON object")
    return Snapshot(graph=graph, manifest=manifest, path=path)
