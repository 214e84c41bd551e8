"""Compare two snapshots for people: what is new, what went, what was merged, what moved, which new results.

Entities are reported by name and type, not id. An entity that disappears because resolution folded it into
another one ("RNN" into "recurrent neural network", once a paper defines the acronym) is reported as merged
into that entity, not as removed: an entity of the same type carries its name (or an alias) among its own
names; when several do, the one its remaining papers now point at wins.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from kg import schema
from kg.graph.build import paper_node_id
from kg.naming import merge_key


def _entities(graph: nx.MultiDiGraph) -> dict[str, dict[str, Any]]:
    return {node: attrs for node, attrs in graph.nodes(data=True) if attrs.get("label") in schema.ENTITY_TYPES}


def _entity(node: str, attrs: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"id": node, "type": attrs.get("label"), "name": attrs.get("name", node),
            "papers": attrs.get("paper_count", 0), "first_seen": attrs.get("first_seen"), **extra}


def _papers_of(graph: nx.MultiDiGraph, node: str) -> set[str]:
    return {source for source, _ in graph.in_edges(node) if graph.nodes[source].get("label") == schema.PAPER}


def _surfaces(attrs: dict[str, Any]) -> set[str]:
    label = attrs.get("label", "")
    names = [attrs.get("name", ""), *(attrs.get("aliases") or [])]
    return {merge_key(name, label) for name in names if name}


def _merged_into(old: nx.MultiDiGraph, new: nx.MultiDiGraph, node: str, new_entities: dict[str, dict[str, Any]],
                 by_surface: dict[tuple[str, str], set[str]]) -> str | None:
    """The new entity an old one was folded into: same type and one of its names, preferring the entity its
    papers (those still in the graph) now point at."""
    attrs = old.nodes[node]
    label = attrs.get("label")
    named = set().union(*(by_surface.get((label, key), set()) for key in _surfaces(attrs)))
    if not named:
        return None
    shared: Counter = Counter()
    for paper in _papers_of(old, node):
        if paper in new:
            shared.update(target for _, target in new.out_edges(paper) if target in named)
    ranked = sorted(named, key=lambda target: (-shared[target], -new_entities[target].get("paper_count", 0), target))
    return ranked[0]


def _result_of(node: str, attrs: dict[str, Any]) -> dict[str, Any]:
    """A new result as the diff lists it; its paper's title and date are filled in by the caller."""
    return {
        "id": node, "text": attrs.get("text") or attrs.get("name"), "value": attrs.get("value"),
        "unit": attrs.get("unit"),
        **{role: attrs.get(role) for role in schema.RESULT_EDGE_BY_ROLE},
        "paper": attrs.get("paper"), "paper_title": None, "paper_date": None,
        "evidence": attrs.get("evidence"),
    }


def _result(graph: nx.MultiDiGraph, node: str) -> dict[str, Any]:
    row = _result_of(node, graph.nodes[node])
    paper_node = graph.nodes.get(paper_node_id(row["paper"]), {}) if row["paper"] else {}
    row["paper_title"], row["paper_date"] = paper_node.get("title"), paper_node.get("date")
    return row


def _edge_set(graph: nx.MultiDiGraph) -> dict[str, set[tuple[str, str, str]]]:
    edges: dict[str, set] = defaultdict(set)
    for source, target, key, attrs in graph.edges(keys=True, data=True):
        edges[attrs.get("type", "")].add((source, target, key))
    return edges


def diff_graphs(old: nx.MultiDiGraph, new: nx.MultiDiGraph) -> dict[str, Any]:
    """What changed from *old* to *new*, in the order people read it.

    - ``papers``: added and removed papers (id, title, date);
    - ``entities.new``: entities only *new* has, most papers first;
    - ``entities.removed``: entities only *old* has and that were not merged, most papers first;
    - ``entities.merged``: old entities folded into another (``into``: that entity's id and name);
    - ``entities.movers``: entities in both whose paper count changed, biggest change first;
    - ``entities.renamed``: same id, another display name (not only another case);
    - ``results.new``: results only *new* has, with their paper's title, grouped by paper;
    - ``relationships``: per type, how many were added and removed.

    :func:`diff_streams` gives the same from streams of nodes and edges (a bulk snapshot), without the graphs.
    """
    old_entities, new_entities = _entities(old), _entities(new)
    by_surface: dict[tuple[str, str], set[str]] = defaultdict(set)
    for node, attrs in new_entities.items():
        for key in _surfaces(attrs):
            by_surface[(attrs.get("label"), key)].add(node)

    def papers(graph: nx.MultiDiGraph, nodes: set[str]) -> list[dict[str, Any]]:
        return [{"id": n, "title": graph.nodes[n].get("title"), "date": graph.nodes[n].get("date")} for n in nodes]

    old_papers = {n for n, a in old.nodes(data=True) if a.get("label") == schema.PAPER}
    new_papers = {n for n, a in new.nodes(data=True) if a.get("label") == schema.PAPER}
    new_results = [_result(new, n) for n, a in new.nodes(data=True)
                   if a.get("label") == schema.RESULT and n not in old]
    old_edges, new_edges = _edge_set(old), _edge_set(new)
    relationships = {
        rel_type: {"added": len(new_edges[rel_type] - old_edges[rel_type]),
                   "removed": len(old_edges[rel_type] - new_edges[rel_type])}
        for rel_type in sorted(set(old_edges) | set(new_edges))
    }
    return _assemble(old_entities, new_entities,
                     lambda node: _merged_into(old, new, node, new_entities, by_surface),
                     len(old_papers), len(new_papers), papers(new, new_papers - old_papers),
                     papers(old, old_papers - new_papers), new_results, relationships)


def _assemble(old_entities: dict[str, dict[str, Any]], new_entities: dict[str, dict[str, Any]],
              merged_into: Callable[[str], str | None], old_papers: int, new_papers: int,
              added_papers: list[dict[str, Any]], removed_papers: list[dict[str, Any]],
              new_results: list[dict[str, Any]], relationships: dict[str, dict[str, int]]) -> dict[str, Any]:
    """The diff's sections, each in reading order (every sort key is total: the input order never shows)."""

    def by_papers(item: dict[str, Any]) -> tuple:
        return (-item["papers"], item["name"].lower(), item["id"])

    added = sorted((_entity(n, a) for n, a in new_entities.items() if n not in old_entities), key=by_papers)
    removed, merged = [], []
    for node in old_entities.keys() - new_entities.keys():
        into = merged_into(node)
        if into is None:
            removed.append(_entity(node, old_entities[node]))
        else:
            merged.append(_entity(node, old_entities[node], into={"id": into, "name": new_entities[into]["name"]}))
    removed.sort(key=by_papers)
    merged.sort(key=by_papers)
    absorbed: dict[str, list[str]] = defaultdict(list)
    for item in merged:
        absorbed[item["into"]["id"]].append(item["name"])
    for item in added:
        if item["id"] in absorbed:
            item["merged_from"] = sorted(absorbed[item["id"]])
    movers = []
    renamed = []
    for node in sorted(old_entities.keys() & new_entities.keys()):
        before, after = old_entities[node].get("paper_count", 0), new_entities[node].get("paper_count", 0)
        if before != after:
            movers.append(_entity(node, new_entities[node], old_papers=before, change=after - before))
        old_name, new_name = str(old_entities[node].get("name")), str(new_entities[node].get("name"))
        if old_name.casefold() != new_name.casefold():  # a change of case alone tells a reader nothing
            renamed.append({"id": node, "type": new_entities[node].get("label"),
                            "old_name": old_entities[node].get("name"), "name": new_entities[node].get("name")})
    movers.sort(key=lambda item: (-abs(item["change"]), -item["change"], item["name"].lower(), item["id"]))

    def paper_order(p: dict[str, Any]) -> tuple:
        return (p["date"] or "", p["title"] or "", p["id"])

    new_results = sorted(new_results, key=lambda r: (r["paper_date"] or "", r["paper_title"] or "",
                                                     _result_order(r["id"])))
    return {
        "papers": {"old": old_papers, "new": new_papers,
                   "added": sorted(added_papers, key=paper_order), "removed": sorted(removed_papers, key=paper_order)},
        "entities": {"new": added, "removed": removed, "merged": merged, "movers": movers, "renamed": renamed},
        "results": {"new": new_results},
        "relationships": relationships,
    }


def _result_order(node: str) -> tuple[str, int]:
    prefix, _, index = node.rpartition(":")
    return (prefix, int(index)) if index.isdigit() else (node, 0)


def format_diff(changes: dict[str, Any], limit: int = 20) -> str:
    """The diff as text for people: sections in reading order, at most *limit* lines each."""
    lines: list[str] = []
    papers = changes["papers"]
    lines.append(f"papers: {papers['old']} -> {papers['new']} (+{len(papers['added'])} -{len(papers['removed'])})")

    def section(title: str, items: list, render) -> None:
        lines.append("")
        lines.append(f"{title} ({len(items)})")
        for item in items[:limit]:
            lines.append("  " + render(item))
        if len(items) > limit:
            lines.append(f"  ... {len(items) - limit} more (--limit or --json lists them)")

    def plural(n: int) -> str:
        return f"{n} paper" + ("" if n == 1 else "s")

    entities = changes["entities"]
    section("new entities, most papers first", entities["new"],
            lambda e: f"{e['type']:<9} {e['name']}  ({plural(e['papers'])}"
                      + (f", first seen {e['first_seen']}" if e.get("first_seen") else "")
                      + (f"; {', '.join(e['merged_from'])} merged into it" if e.get("merged_from") else "") + ")")
    section("removed entities", entities["removed"],
            lambda e: f"{e['type']:<9} {e['name']}  (had {plural(e['papers'])})")
    section("merged into another entity", entities["merged"],
            lambda e: f"{e['type']:<9} {e['name']} -> {e['into']['name']}")
    section("biggest movers in paper count", entities["movers"],
            lambda e: f"{e['type']:<9} {e['name']}  {e['old_papers']} -> {e['papers']} ({e['change']:+d})")
    if entities["renamed"]:
        section("renamed (the name most papers use changed)", entities["renamed"],
                lambda e: f"{e['type']:<9} {e['old_name']} -> {e['name']}")

    def render_result(r: dict[str, Any]) -> str:
        about = ", ".join(f"{role} {r[role]}" for role in schema.RESULT_EDGE_BY_ROLE if r.get(role))
        return f"{r['text']}" + (f" [{about}]" if about else "") + f"  ({r['paper_title']})"

    section("new results, with their papers", changes["results"]["new"], render_result)
    lines.append("")
    rels = changes["relationships"]
    lines.append("relationships: " + ", ".join(f"{t} +{c['added']} -{c['removed']}" for t, c in rels.items()
                                               if c["added"] or c["removed"]) if rels else "relationships: none")
    return "\n".join(lines)


def diff_snapshots(old_dir: str | Path, new_dir: str | Path) -> dict[str, Any]:
    """:func:`diff_graphs` of two snapshot directories of either form (the whole graph, not a bulk form's view).

    Two snapshots in the full form are loaded and compared as graphs. When either is in the bulk form, its
    bulk files are streamed instead (:func:`diff_streams`): memory grows with the number of ids (entities with
    their names, paper and result ids, a 16-byte digest per relationship) and with what differs, not with the
    papers' text or the other properties.
    """
    from kg.graph.snapshot import is_bulk, load_manifest, load_snapshot

    bulk = [is_bulk(load_manifest(directory)) for directory in (old_dir, new_dir)]
    if not any(bulk):
        return diff_graphs(load_snapshot(old_dir).graph, load_snapshot(new_dir).graph)
    old, new = (bulk_source(directory) if is_bulk_form else graph_source(load_snapshot(directory).graph)
                for directory, is_bulk_form in zip((old_dir, new_dir), bulk))
    return diff_streams(old, new)


# -- the same diff from streams of nodes and edges (a bulk snapshot's files) -----------------------------------

Nodes = Callable[[], Iterator[tuple[str, dict[str, Any]]]]
Edges = Callable[[], Iterator[tuple[str, str, str, dict[str, Any]]]]


@dataclass(frozen=True)
class GraphSource:
    """A graph as two re-readable streams: (node id, attributes) and (source, target, key, attributes)."""

    nodes: Nodes
    edges: Edges


def bulk_source(directory: str | Path) -> GraphSource:
    """A bulk snapshot's nodes.jsonl.gz and edges.jsonl.gz, read afresh on each pass."""
    from kg.graph.bulk import iter_bulk_edges, iter_bulk_nodes

    return GraphSource(lambda: iter_bulk_nodes(directory), lambda: iter_bulk_edges(directory))


def graph_source(graph: nx.MultiDiGraph) -> GraphSource:
    return GraphSource(lambda: iter(graph.nodes(data=True)), lambda: iter(graph.edges(keys=True, data=True)))


_ENTITY_FIELDS = ("label", "name", "aliases", "paper_count", "first_seen")  # what the diff reads of an entity


def _edge_digest(source: str, target: str, key: Any) -> bytes:
    return hashlib.blake2b(json.dumps([source, target, key], ensure_ascii=False).encode("utf-8"),
                           digest_size=16).digest()


@dataclass
class _Side:
    """What one pass over a graph's nodes keeps: entities (the fields the diff reads), paper and result ids."""

    entities: dict[str, dict[str, Any]] = field(default_factory=dict)
    papers: set[str] = field(default_factory=set)
    results: set[str] = field(default_factory=set)


def _scan_nodes(source: GraphSource, *, keep: Callable[[str, dict[str, Any]], None] | None = None) -> _Side:
    side = _Side()
    for node, attrs in source.nodes():
        label = attrs.get("label")
        if label in schema.ENTITY_TYPES:
            side.entities[node] = {name: attrs[name] for name in _ENTITY_FIELDS if name in attrs}
        elif label == schema.PAPER:
            side.papers.add(node)
        elif label == schema.RESULT:
            side.results.add(node)
        if keep is not None:
            keep(node, attrs)
    return side


def _paper_row(node: str, attrs: dict[str, Any]) -> dict[str, Any]:
    return {"id": node, "title": attrs.get("title"), "date": attrs.get("date")}


def diff_streams(old: GraphSource, new: GraphSource) -> dict[str, Any]:
    """:func:`diff_graphs` of two graphs given as streams, without holding either graph.

    Passes: the old nodes (entities, paper and result ids), the new nodes (the same, plus the added papers
    and the new results as they are read), the old edges (a digest per relationship; which papers point at
    the entities that went), the new edges (digests; where those papers point now), and, only if needed,
    the old nodes again for the removed papers and the new nodes for the papers of new results.
    """
    before = _scan_nodes(old)
    added_papers: dict[str, dict[str, Any]] = {}
    new_results: dict[str, dict[str, Any]] = {}
    paper_rows: dict[str, dict[str, Any]] = {}

    def keep_new(node: str, attrs: dict[str, Any]) -> None:
        label = attrs.get("label")
        if label == schema.PAPER and node not in before.papers:
            added_papers[node] = _paper_row(node, attrs)
        elif label == schema.RESULT and node not in before.results and node not in before.entities \
                and node not in before.papers:
            new_results[node] = _result_of(node, attrs)

    after = _scan_nodes(new, keep=keep_new)
    old_entities, new_entities = before.entities, after.entities
    by_surface: dict[tuple[str, str], set[str]] = defaultdict(set)
    for node, attrs in new_entities.items():
        for key in _surfaces(attrs):
            by_surface[(attrs.get("label"), key)].add(node)
    gone = old_entities.keys() - new_entities.keys()
    named = {node: set().union(*(by_surface.get((old_entities[node].get("label"), key), set())
                                 for key in _surfaces(old_entities[node]))) for node in gone}
    candidates = {node for node, targets in named.items() if targets}

    # old edges: a digest per relationship, and the papers that pointed at an entity that went
    old_edges: dict[bytes, str] = {}
    papers_of: dict[str, set[str]] = defaultdict(set)
    for source, target, key, attrs in old.edges():
        old_edges[_edge_digest(source, target, key)] = attrs.get("type", "")
        if target in candidates and source in before.papers:
            papers_of[target].add(source)
    # new edges: where those papers (if still there) point now, among the entities that carry the old one's names
    pointing: dict[str, list[str]] = defaultdict(list)
    for node, papers in papers_of.items():
        for paper in papers:
            if paper in after.papers:
                pointing[paper].append(node)
    shared: dict[str, Counter] = defaultdict(Counter)
    new_edges: dict[bytes, str] = {}
    for source, target, key, attrs in new.edges():
        digest = _edge_digest(source, target, key)
        if digest in new_edges:
            continue  # the same relationship twice is one (as in a graph)
        new_edges[digest] = attrs.get("type", "")
        for node in pointing.get(source, ()):
            if target in named[node]:
                shared[node][target] += 1

    def merged_into(node: str) -> str | None:
        if not named[node]:
            return None
        return sorted(named[node], key=lambda target: (-shared[node][target],
                                                       -new_entities[target].get("paper_count", 0), target))[0]

    relationships = _relationship_counts(old_edges, new_edges)
    del old_edges, new_edges
    removed_papers = before.papers - after.papers
    removed_rows: list[dict[str, Any]] = []
    if removed_papers:
        for node, attrs in old.nodes():
            if node in removed_papers:
                removed_rows.append(_paper_row(node, attrs))
    wanted = {paper_node_id(row["paper"]) for row in new_results.values() if row["paper"]}
    paper_rows.update((node, attrs) for node, attrs in added_papers.items() if node in wanted)
    if wanted - paper_rows.keys():
        for node, attrs in new.nodes():
            if node in wanted and node not in paper_rows and attrs.get("label") == schema.PAPER:
                paper_rows[node] = _paper_row(node, attrs)
    for row in new_results.values():
        paper = paper_rows.get(paper_node_id(row["paper"])) if row["paper"] else None
        row["paper_title"], row["paper_date"] = (paper["title"], paper["date"]) if paper else (None, None)
    return _assemble(old_entities, new_entities, merged_into, len(before.papers), len(after.papers),
                     list(added_papers.values()), removed_rows, list(new_results.values()), relationships)


def _relationship_counts(old_edges: dict[bytes, str], new_edges: dict[bytes, str]) -> dict[str, dict[str, int]]:
    added: Counter = Counter(rel_type for digest, rel_type in new_edges.items() if digest not in old_edges)
    removed: Counter = Counter(rel_type for digest, rel_type in old_edges.items() if digest not in new_edges)
    types = set(old_edges.values()) | set(new_edges.values())
    return {rel_type: {"added": added[rel_type], "removed": removed[rel_type]} for rel_type in sorted(types)}
