"""The property graph: its fixed schema, how records become a graph, and snapshots."""

from kg.graph.build import build_graph
from kg.graph.snapshot import Snapshot, load_snapshot, write_snapshot

__all__ = ["Snapshot", "build_graph", "load_snapshot", "write_snapshot"]
