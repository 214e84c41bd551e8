"""The interactive HTML explorer: one self-contained page, no request leaves it.

vis-network (from the pyvis package's lib folder) and the explorer's own
script and styles are inlined into a Jinja template; the graph travels as JSON
in a ``<script type="application/json">`` block with ``<``, ``>`` and ``&``
escaped, and the page renders text with ``textContent`` only. A
Content-Security-Policy allows just the page's own scripts (by hash) and no
network access, as a second line of defence against injected markup.

Positions are computed here (kg.export.layout), so the browser only draws:
physics is off above ``physics_threshold`` nodes. Above ``max_nodes`` the page
shows the best-connected nodes and says how to change the cut-off.

``explorer_data`` builds the page's data, ``generate_html`` the page,
``write_html`` writes it.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import networkx as nx

from kg.atomic import write_text as atomic_write_text
from kg.errors import InputError, KgError
from kg.export.layout import layout_positions
from kg import schema

DEFAULT_TYPES: tuple[str, ...] = (schema.PAPER, *schema.ENTITY_TYPES)  # Results show in the side panel
DEFAULT_MAX_NODES = 5000
DEFAULT_PHYSICS_THRESHOLD = 300
# Above this many drawn nodes the page opens on the overview and the views (matrices, timeline,
# leaderboards), not on the drawing; the graph view is one click away.
DEFAULT_OVERVIEW_THRESHOLD = 1000
VIEWS = ("graph", "matrix", "timeline", "leaderboard")
EDGE_LENGTH = 35.0  # pixels per layout unit (about a leaf's distance from its paper)

VIS_VERSION = "9.1.2"
TEMPLATES = Path(__file__).parent / "templates"

SHAPES: dict[str, str] = {
    schema.PAPER: "square",
    schema.METHOD: "dot",
    schema.DATASET: "diamond",
    schema.HARDWARE: "triangle",
    schema.METRIC: "hexagon",
    schema.TASK: "star",
    schema.RESULT: "triangleDown",
}

_GREY = "#c3c9d0"
PLAIN_EDGE: dict[str, Any] = {"colour": _GREY, "dashes": False, "arrows": False, "width": 1}  # the page's default
_RESULT_STYLE = {"colour": "#c9a7c0", "dashes": [2, 4], "arrows": False, "width": 1}
# Paper -> entity links are the bulk of the edges: light and thin. Entity -> entity relations
# take the colour of their target's type; comparisons are dark and directed.
EDGE_STYLES: dict[str, dict[str, Any]] = {
    "PROPOSES": {"colour": "#2f5d8a", "dashes": False, "arrows": True, "width": 2},
    "USES": PLAIN_EDGE,
    "EVALUATES_ON": PLAIN_EDGE,
    "RUNS_ON": {"colour": schema.COLOURS[schema.HARDWARE], "dashes": False, "arrows": True, "width": 1.5},
    "REPORTS": PLAIN_EDGE,
    "ADDRESSES": PLAIN_EDGE,
    "APPLIED_TO": {"colour": schema.COLOURS[schema.TASK], "dashes": False, "arrows": True, "width": 1.5},
    "BENCHMARKS": {"colour": schema.COLOURS[schema.TASK], "dashes": [3, 3], "arrows": True, "width": 1.5},
    "EVALUATED_ON": {"colour": schema.COLOURS[schema.DATASET], "dashes": False, "arrows": True, "width": 1.5},
    "MEASURED_BY": {"colour": schema.COLOURS[schema.METRIC], "dashes": False, "arrows": True, "width": 1.5},
    "OUTPERFORMS": {"colour": "#323f4b", "dashes": False, "arrows": True, "width": 2},
    "COMPARED_WITH": {"colour": "#616e7c", "dashes": [6, 4], "arrows": False, "width": 1.5},
    "BUILDS_ON": {"colour": "#8e6c8a", "dashes": [10, 4], "arrows": True, "width": 1.5},
    "HAS_RESULT": _RESULT_STYLE,
    "FOR_METRIC": _RESULT_STYLE,
    "OF_METHOD": _RESULT_STYLE,
    "ON_DATASET": _RESULT_STYLE,
    "ON_HARDWARE": _RESULT_STYLE,
}

MAX_EVIDENCE = 25  # sentences per entity in the side panel
MAX_RELATION_EVIDENCE = 5  # sentences per related entity
MAX_ABSTRACT = 5000  # characters


class HtmlAssetError(KgError):
    """vis-network or the page template can not be found (a broken installation)."""


def parse_types(types: str | Iterable[str] | None) -> tuple[str, ...]:
    """Node labels from ``"Hardware,method"`` or a list (any case); ``"all"`` means every label."""
    if types is None:
        return DEFAULT_TYPES
    names = [part.strip() for part in (types.split(",") if isinstance(types, str) else types)]
    names = [name for name in names if name]
    if [name.lower() for name in names] == ["all"]:
        return schema.NODE_LABELS
    by_lower = {label.lower(): label for label in schema.NODE_LABELS}
    unknown = [name for name in names if name.lower() not in by_lower]
    if unknown or not names:
        raise InputError(f"unknown node type(s) {', '.join(unknown) or '(none given)'}; "
                         f"choose from {', '.join(schema.NODE_LABELS)} or 'all'")
    return tuple(dict.fromkeys(by_lower[name.lower()] for name in names))


@dataclass
class View:
    """The part of the graph a page draws."""

    nodes: list[str]  # sorted node ids
    edges: list[tuple[str, str, str, int]]  # (source, target, relationship type, parallel edges merged)
    candidates: int  # nodes of the chosen types passing min_papers, before the max_nodes cut
    truncated: bool


def select_view(graph: nx.MultiDiGraph, *, types: Iterable[str] = DEFAULT_TYPES, min_papers: int = 1,
                max_nodes: int = DEFAULT_MAX_NODES, isolated: bool = True) -> View:
    """Choose the nodes and (merged) edges to draw.

    Nodes: labels in *types*; entities (not papers or results) mentioned in at least *min_papers*
    papers; without *isolated*, only nodes linked to another chosen node. Above *max_nodes*, the
    nodes with the most papers, then the most links, are kept. Parallel edges of one type between
    two nodes (one per paper and sentence) are drawn as one edge.
    """
    wanted = set(types)
    chosen = {
        node for node, attrs in graph.nodes(data=True)
        if attrs.get("label") in wanted
        and (attrs.get("label") not in schema.ENTITY_TYPES or (attrs.get("paper_count") or 0) >= min_papers)
    }
    merged = _merged_edges(graph, chosen)
    if not isolated:
        linked = {u for u, v, _ in merged} | {v for u, v, _ in merged}
        chosen &= linked
    candidates = len(chosen)
    truncated = candidates > max_nodes
    if truncated:
        neighbours: dict[str, set[str]] = defaultdict(set)
        for u, v, _ in merged:
            neighbours[u].add(v)
            neighbours[v].add(u)
        ranked = sorted(chosen, key=lambda n: (-(graph.nodes[n].get("paper_count") or 0), -len(neighbours[n]), n))
        chosen = set(ranked[:max_nodes])
    edges = sorted((u, v, rel, count) for (u, v, rel), count in merged.items() if u in chosen and v in chosen)
    return View(nodes=sorted(chosen), edges=edges, candidates=candidates, truncated=truncated)


def _merged_edges(graph: nx.MultiDiGraph, nodes: set[str]) -> Counter:
    merged: Counter = Counter()
    for u, v, rel in graph.edges(data="type"):
        if u in nodes and v in nodes and u != v and rel in EDGE_STYLES:  # only the schema's types
            merged[(u, v, rel)] += 1
    return merged


def explorer_data(
    graph: nx.MultiDiGraph,
    *,
    types: str | Iterable[str] | None = None,
    min_papers: int = 1,
    max_nodes: int = DEFAULT_MAX_NODES,
    physics_threshold: int = DEFAULT_PHYSICS_THRESHOLD,
    overview_threshold: int = DEFAULT_OVERVIEW_THRESHOLD,
    isolated: bool = True,
    title: str = "kg explorer",
    source: str | None = None,
    seed: int = 0,
) -> dict[str, Any]:
    """Everything the page shows, as JSON-ready data (positions included).

    The views (kg.export.html_views) cover the whole graph, not only the drawn nodes. Above
    *overview_threshold* drawn nodes the page opens on them instead of the drawing.
    """
    from kg.export import html_views

    types = parse_types(types)
    if max_nodes < 1:
        raise InputError(f"max nodes must be at least 1, not {max_nodes}")
    if min_papers < 1:
        raise InputError(f"minimum paper count must be at least 1, not {min_papers}")
    if physics_threshold < 0:
        raise InputError(f"physics threshold must not be negative, not {physics_threshold}")
    if overview_threshold < 0:
        raise InputError(f"overview threshold must not be negative, not {overview_threshold}")
    graph = _canonical(graph)
    view = select_view(graph, types=types, min_papers=min_papers, max_nodes=max_nodes, isolated=isolated)
    positions = layout_positions(view.nodes, [(u, v) for u, v, _, _ in view.edges],
                                 edge_length=EDGE_LENGTH, seed=seed)
    builder = _DetailBuilder(graph, view.nodes)
    label_index = {label: i for i, label in enumerate(schema.NODE_LABELS)}
    rel_index = {rel: i for i, rel in enumerate(schema.RELATIONSHIP_TYPES)}
    nodes = []
    for node in view.nodes:
        attrs = graph.nodes[node]
        x, y = positions[node]
        nodes.append([node, label_index[attrs["label"]], _display_name(attrs), round(x, 1), round(y, 1),
                      int(attrs.get("paper_count") or 0)])
    edges = [[builder.index[u], builder.index[v], rel_index[rel], count] for u, v, rel, count in view.edges]
    details = [builder.details(node) for node in view.nodes]

    def paper_of(node: str) -> int:
        return builder.paper(node) if graph.has_node(node) else -1

    views = {
        "matrices": html_views.matrices(graph, builder.index, label_index, paper_of, builder.sentence),
        "timeline": html_views.timeline(graph, builder.index, label_index),
        "leaderboards": html_views.leaderboards(graph, builder.index, paper_of, builder.sentence),
    }
    drawn_labels = Counter(graph.nodes[n]["label"] for n in view.nodes)
    graph_labels = Counter(attrs.get("label") for _, attrs in graph.nodes(data=True))
    drawn_rels = Counter(rel for _, _, rel, _ in view.edges)
    return {
        "title": title,
        "graph": {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()},
        "selection": {
            "types": list(types),
            "minPapers": min_papers,
            "maxNodes": max_nodes,
            "isolated": isolated,
            "candidates": view.candidates,
            "truncated": view.truncated,
            "source": source,
        },
        "physics": len(view.nodes) <= physics_threshold,
        "physicsThreshold": physics_threshold,
        "startView": "graph" if len(view.nodes) <= overview_threshold else "matrix",
        "overviewThreshold": overview_threshold,
        "labels": [
            {"name": label, "colour": schema.COLOURS[label], "shape": SHAPES[label],
             "entity": label in schema.ENTITY_TYPES, "drawn": drawn_labels[label], "total": graph_labels[label],
             "selected": label in types}
            for label in schema.NODE_LABELS
        ],
        "plainEdge": PLAIN_EDGE,
        "relationships": [{"name": rel, **EDGE_STYLES[rel], "plain": EDGE_STYLES[rel] == PLAIN_EDGE,
                           "drawn": drawn_rels[rel]}
                          for rel in schema.RELATIONSHIP_TYPES],
        "nodes": nodes,
        "edges": edges,
        "details": details,
        "views": views,
        "papers": builder.papers,
        "results": builder.results,
        "sentences": builder.sentences,
    }


def _canonical(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """*graph* with nodes and edges added in sorted order (by id; by source, target, key).

    The side-panel tables (papers, results, sentences) are filled in the order edges are walked,
    which is insertion order: sorting makes one graph give the same page whatever order it was built in.
    """
    canonical = nx.MultiDiGraph()
    canonical.graph.update(graph.graph)
    canonical.add_nodes_from(sorted(graph.nodes(data=True), key=lambda item: item[0]))
    canonical.add_edges_from(sorted(graph.edges(keys=True, data=True), key=lambda edge: edge[:3]))
    return canonical


def _display_name(attrs: dict[str, Any]) -> str:
    return str(attrs.get("title") or attrs.get("name") or "") if attrs.get("label") == schema.PAPER \
        else str(attrs.get("name") or attrs.get("text") or "")


class _DetailBuilder:
    """Side-panel data per drawn node; papers and results go in shared tables, referenced by index."""

    def __init__(self, graph: nx.MultiDiGraph, drawn: list[str]):
        self.graph = graph
        self.index = {node: i for i, node in enumerate(drawn)}
        self.papers: list[dict[str, Any]] = []
        self.results: list[dict[str, Any]] = []
        self.sentences: list[str] = []  # evidence repeats a lot (one sentence, many entities): stored once
        self._sentence_index: dict[str, int] = {}
        self._paper_index: dict[str, int] = {}
        self._result_index: dict[str, int] = {}
        self._label_index = {label: i for i, label in enumerate(schema.NODE_LABELS)}
        self._rel_index = {rel: i for i, rel in enumerate(schema.RELATIONSHIP_TYPES)}

    def details(self, node: str) -> dict[str, Any]:
        attrs = self.graph.nodes[node]
        label = attrs.get("label")
        name = _display_name(attrs)
        aliases = [a for a in attrs.get("aliases") or [] if a != name]
        if label == schema.PAPER:
            return {"paper": self.paper(node), "entities": self._paper_entities(node),
                    "results": self._results(r for r in self.graph.successors(node)
                                             if self.graph.nodes[r].get("label") == schema.RESULT)}
        if label == schema.RESULT:
            return {"result": self.result(node)}
        return {"aliases": aliases, **self._entity(node)}

    def _entity(self, node: str) -> dict[str, Any]:
        graph = self.graph
        papers: dict[str, None] = {}
        evidence: list[list[Any]] = []
        seen_sentences: set[tuple[int, str]] = set()
        relations: dict[tuple[int, int, str], dict[str, Any]] = {}
        results = []
        for source, _, attrs in graph.in_edges(node, data=True):
            source_label = graph.nodes[source].get("label")
            if source_label == schema.PAPER:
                papers[source] = None
                self._add_evidence(evidence, seen_sentences, self.paper(source), attrs.get("evidence"))
            elif source_label == schema.RESULT:
                results.append(source)
            else:
                self._add_relation(relations, attrs, source, -1)
        for _, target, attrs in graph.out_edges(node, data=True):
            if graph.nodes[target].get("label") in schema.ENTITY_TYPES:
                self._add_relation(relations, attrs, target, 1)
        for group in relations.values():
            for paper_index, sentence in group.pop("sentences"):
                self._add_evidence(evidence, seen_sentences, paper_index, sentence)
        paper_rows = sorted((self.paper(p) for p in papers), key=self._paper_order)
        return {
            "papers": paper_rows,
            "evidence": evidence[:MAX_EVIDENCE],
            "moreEvidence": max(0, len(evidence) - MAX_EVIDENCE),
            "relations": sorted(
                ([g["rel"], g["direction"], g["name"], g["node"], g["count"], g["evidence"]]
                 for g in relations.values()),
                key=lambda row: (row[0], -row[4], row[2])),
            "results": self._results(results),
        }

    def _add_relation(self, relations: dict, attrs: dict[str, Any], other: str, direction: int) -> None:
        rel = self._rel_index[attrs["type"]]
        key = (rel, direction, other)
        group = relations.get(key)
        if group is None:
            group = relations[key] = {
                "rel": rel, "direction": direction, "name": _display_name(self.graph.nodes[other]),
                "node": self.index.get(other, -1), "count": 0, "evidence": [], "sentences": [],
            }
        group["count"] += 1
        paper = attrs.get("paper")
        paper_index = self.paper(f"paper:{paper}") if paper is not None and self.graph.has_node(f"paper:{paper}") \
            else -1
        sentence = attrs.get("evidence")
        if sentence and len(group["evidence"]) < MAX_RELATION_EVIDENCE:
            group["evidence"].append([paper_index, self.sentence(sentence)])
        if sentence:
            group["sentences"].append((paper_index, sentence))

    def sentence(self, text: str | None) -> int:
        """Index of *text* in the sentences table, -1 for none."""
        if not text:
            return -1
        index = self._sentence_index.get(text)
        if index is None:
            self._sentence_index[text] = index = len(self.sentences)
            self.sentences.append(text)
        return index

    def _add_evidence(self, evidence: list, seen: set, paper_index: int, sentence: str | None) -> None:
        if sentence and (paper_index, sentence) not in seen:
            seen.add((paper_index, sentence))
            evidence.append([paper_index, self.sentence(sentence)])

    def _paper_order(self, index: int) -> tuple:
        paper = self.papers[index]
        return (-(paper["year"] or 0), paper["title"].lower())

    def _paper_entities(self, paper: str) -> list[list[Any]]:
        rows = []
        for _, target, attrs in self.graph.out_edges(paper, data=True):
            target_attrs = self.graph.nodes[target]
            if target_attrs.get("label") in schema.ENTITY_TYPES:
                rows.append([self._label_index[target_attrs["label"]], _display_name(target_attrs),
                             self.index.get(target, -1), self._rel_index[attrs["type"]],
                             self.sentence(attrs.get("evidence"))])
        return sorted(rows, key=lambda row: (row[0], row[1].lower()))

    def _results(self, nodes: Iterable[str]) -> list[int]:
        return sorted({self.result(node) for node in nodes})

    def paper(self, node: str) -> int:
        """Index of *node* in the papers table (added on first use)."""
        index = self._paper_index.get(node)
        if index is None:
            attrs = self.graph.nodes[node]
            abstract = str(attrs.get("abstract") or "")
            self._paper_index[node] = index = len(self.papers)
            self.papers.append({
                "title": str(attrs.get("title") or attrs.get("name") or node),
                "year": attrs.get("year"),
                "venue": attrs.get("venue"),
                "authors": [str(a) for a in attrs.get("authors") or []],
                "url": attrs.get("url"),
                "abstract": abstract[:MAX_ABSTRACT] + ("…" if len(abstract) > MAX_ABSTRACT else ""),
                "node": self.index.get(node, -1),
            })
        return index

    def result(self, node: str) -> int:
        """Index of *node* in the results table (added on first use)."""
        index = self._result_index.get(node)
        if index is None:
            attrs = self.graph.nodes[node]
            paper = f"paper:{attrs.get('paper')}"
            links = {}
            for _, target, edge in self.graph.out_edges(node, data=True):
                target_attrs = self.graph.nodes[target]
                if target_attrs.get("label") in schema.ENTITY_TYPES:
                    links[target_attrs["label"]] = [_display_name(target_attrs), self.index.get(target, -1)]
            row = {
                "text": attrs.get("text") or attrs.get("name") or "",
                "value": _finite(attrs.get("value")),
                "value_high": _finite(attrs.get("value_high")),
                "unit": attrs.get("unit"),
                "qualifier": attrs.get("qualifier"),
                # what the result measures when no Metric entity does ("performance", "speedup")
                "metric_text": str(attrs["metric_text"]) if attrs.get("metric_text") else None,
                "confidence": _finite(attrs.get("confidence")),
                "evidence": self.sentence(attrs.get("evidence")),
                "paper": self.paper(paper) if self.graph.has_node(paper) else -1,
                "node": self.index.get(node, -1),
                # Entity names as the Result node stores them, with the drawn node if there is one.
                "about": {
                    label: links.get(label) or ([attrs[role], -1] if attrs.get(role) else None)
                    for role, (_, label) in schema.RESULT_EDGE_BY_ROLE.items()
                },
            }
            self._result_index[node] = index = len(self.results)
            self.results.append(row)
        return index


def _finite(number: Any) -> float | None:
    """*number* when it is a finite int or float (strict JSON has no NaN or infinity), else None."""
    if isinstance(number, bool) or not isinstance(number, (int, float)) or not math.isfinite(number):
        return None
    return number


def json_for_script(data: Any) -> str:
    """JSON that is safe inside a <script> element: no '<', '>' or '&' can end it or start markup."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@lru_cache(maxsize=1)
def _assets() -> dict[str, str]:
    spec = importlib.util.find_spec("pyvis")  # find, not import: pyvis.network pulls in IPython
    if spec is None or not spec.submodule_search_locations:
        raise HtmlAssetError("pyvis is not installed; it provides vis-network for the HTML page (pip install pyvis)")
    lib = Path(list(spec.submodule_search_locations)[0]) / "lib" / f"vis-{VIS_VERSION}"
    files = {
        "vis_js": lib / "vis-network.min.js",
        "vis_css": lib / "vis-network.css",
        "app_js": TEMPLATES / "explorer.js",
        "app_css": TEMPLATES / "explorer.css",
    }
    assets = {}
    for name, path in files.items():
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise HtmlAssetError(f"cannot read {path}: {exc.strerror or exc}") from None
        closer = "</style" if name.endswith("css") else "</script"
        if closer in text.lower() or "<!--" in text:
            raise HtmlAssetError(f"{path} contains {closer!r} or '<!--' and can not be inlined")
        # A source-map comment would make developer tools ask for a file that is not there.
        assets[name] = re.sub(r"\n?//# sourceMappingURL=\S*\s*$", "\n", text)
    return assets


def _csp_hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


def generate_html(graph: nx.MultiDiGraph, **options: Any) -> str:
    """The whole page as a string. Options as :func:`explorer_data`."""
    data = explorer_data(graph, **options)
    try:
        data_json = json_for_script(data)
    except ValueError as exc:  # NaN or infinity in an attribute: JSON has no such numbers
        raise InputError(f"the graph holds a value the page can not show: {exc}") from None
    assets = _assets()
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    try:
        template = environment.get_template("explorer.html.j2")
    except jinja2.TemplateNotFound:
        raise HtmlAssetError(f"page template missing from {TEMPLATES}") from None
    # Only these two scripts may run (the JSON block is data, not script): an injected
    # <script> or onerror= attribute would be blocked even if escaping ever failed.
    csp = "; ".join([
        "default-src 'none'",
        f"script-src {_csp_hash(assets['vis_js'])} {_csp_hash(assets['app_js'])}",
        "style-src 'unsafe-inline'",
        "img-src data:",
        "font-src data:",
        "connect-src 'none'",
        "form-action 'none'",
        "base-uri 'none'",
    ])
    return template.render(title=data["title"], csp=csp, data_json=data_json, **assets)


def write_html(graph: nx.MultiDiGraph, path: str | Path, **options: Any) -> None:
    """Write the explorer page for *graph* to *path*. Options as :func:`explorer_data`."""
    page = generate_html(graph, **options)
    atomic_write_text(path, page, what="cannot write the page")  # a full disk leaves no truncated page
