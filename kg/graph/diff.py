"""Compare two snapshots for people: what is new, what went, what was merged, what moved, which new results.

Entities are reported by name and type, not id. An entity that disappears because resolution folded it into
another one ("RNN" into "recurrent neural network", once a paper defines the acronym) is reported as merged
into that entity, not as removed: an entity of the same type carries its name (or an alias) among its own
names; when several do, the one its remaining papers now point at wins.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import networkx as nx

from kg.graph import schema
from kg.graph.build import paper_node_id
from kg.resolve.canonical import merge_key


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


def _result(graph: nx.MultiDiGraph, node: str) -> dict[str, Any]:
    attrs = graph.nodes[node]
    paper = attrs.get("paper")
    paper_node = graph.nodes.get(paper_node_id(paper), {}) if paper else {}
    return {
        "id": node, "text": attrs.get("text") or attrs.get("name"), "value": attrs.get("value"),
        "unit": attrs.get("unit"),
        **{role: attrs.get(role) for role in schema.RESULT_EDGE_BY_ROLE},
        "paper": paper, "paper_title": paper_node.get("title"), "paper_date": paper_node.get("date"),
        "evidence": attrs.get("evidence"),
    }


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
    """
    old_entities, new_entities = _entities(old), _entities(new)
    by_surface: dict[tuple[str, str], set[str]] = defaultdict(set)
    for node, attrs in new_entities.items():
        for key in _surfaces(attrs):
            by_surface[(attrs.get("label"), key)].add(node)

    def by_papers(item: dict[str, Any]) -> tuple:
        return (-item["papers"], item["name"].lower(), item["id"])

    added = sorted((_entity(n, a) for n, a in new_entities.items() if n not in old_entities), key=by_papers)
    removed, merged = [], []
    for node in old_entities.keys() - new_entities.keys():
        into = _merged_into(old, new, node, new_entities, by_surface)
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

    def papers(graph: nx.MultiDiGraph, nodes: set[str]) -> list[dict[str, Any]]:
        found = [{"id": n, "title": graph.nodes[n].get("title"), "date": graph.nodes[n].get("date")} for n in nodes]
        return sorted(found, key=lambda p: (p["date"] or "", p["title"] or "", p["id"]))

    old_papers = {n for n, a in old.nodes(data=True) if a.get("label") == schema.PAPER}
    new_papers = {n for n, a in new.nodes(data=True) if a.get("label") == schema.PAPER}
    new_results = [_result(new, n) for n, a in new.nodes(data=True)
                   if a.get("label") == schema.RESULT and n not in old]
    new_results.sort(key=lambda r: (r["paper_date"] or "", r["paper_title"] or "", _result_order(r["id"])))

    old_edges, new_edges = _edge_set(old), _edge_set(new)
    relationships = {
        rel_type: {"added": len(new_edges[rel_type] - old_edges[rel_type]),
                   "removed": len(old_edges[rel_type] - new_edges[rel_type])}
        for rel_type in sorted(set(old_edges) | set(new_edges))
    }
    return {
        "papers": {"old": len(old_papers), "new": len(new_papers),
                   "added": papers(new, new_papers - old_papers), "removed": papers(old, old_papers - new_papers)},
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
