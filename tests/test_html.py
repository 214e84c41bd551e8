"""The HTML explorer without a browser: data selection, escaping, layout, the CLI command.

The page's behaviour in Chromium is tested in test_html_browser.py.
"""

from __future__ import annotations

import json
import math
import re
from html.parser import HTMLParser
from itertools import combinations

import networkx as nx
import numpy as np
import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.errors import InputError, SnapshotError
from kg.export import html
from kg.export.html import explorer_data, generate_html, json_for_script, parse_types, select_view, write_html
from kg.export.layout import layout_positions
from kg import schema
from kg.graph.build import build_graph
from kg.graph.snapshot import GRAPH_HTML, write_snapshot

EVIL_TITLE = "<script>alert(1)</script><img src=x onerror=alert(2)> & friends"


def _entity(kind: str, name: str, sentence: int = 1, aliases=(), proposed=False) -> dict:
    entity = {"id": f"{kind.lower()}:{name.lower()}", "type": kind, "name": name, "aliases": list(aliases),
              "mentions": [{"text": name, "start": 0, "end": len(name), "sentence": sentence}]}
    if proposed:
        entity["proposed"] = True
    return entity


def _record(paper_id: str, title: str, entities: list[dict], relations=(), results=()) -> dict:
    text = title + "\nFirst sentence of the abstract. Second sentence."
    return {"id": paper_id, "title": title, "abstract": "First sentence of the abstract. Second sentence.",
            "text": text, "year": 2023, "authors": ["Ada"], "url": "https://example.org/" + paper_id,
            "venue": "MLSys", "sentences": [[0, len(title)], [len(title) + 1, len(text)]],
            "entities": entities, "relations": list(relations), "results": list(results)}


@pytest.fixture
def graph() -> nx.MultiDiGraph:
    """Three papers: ResNet-50 in all three, A100 in two, one paper with an injection title."""
    resnet = _entity("Method", "ResNet-50", aliases=["ResNet50"])
    a100 = _entity("Hardware", "A100", aliases=["NVIDIA A100"])
    imagenet = _entity("Dataset", "ImageNet")
    top1 = _entity("Metric", "top-1 accuracy")
    records = [
        _record("p1", "Training ResNet-50 fast", [resnet, a100, imagenet, top1, _entity("Method", "FastNet", proposed=True)],
                relations=[{"type": "OUTPERFORMS", "source": "method:fastnet", "target": "method:resnet-50",
                            "sentence": 1, "evidence": "FastNet beats ResNet-50.", "confidence": 0.9},
                           {"type": "RUNS_ON", "source": "method:fastnet", "target": "hardware:a100",
                            "sentence": 1, "evidence": "FastNet runs on A100.", "confidence": 0.9}],
                results=[{"text": "76.1% top-1 accuracy", "value": 76.1, "unit": "%", "metric": "metric:top-1 accuracy",
                          "method": "method:fastnet", "dataset": "dataset:imagenet", "start": 0, "end": 1,
                          "sentence": 1, "evidence": "FastNet reaches 76.1% top-1 accuracy."}]),
        _record("p2", EVIL_TITLE, [resnet, a100, _entity("Method", "SlowNet")],
                relations=[{"type": "OUTPERFORMS", "source": "method:resnet-50", "target": "method:slownet",
                            "sentence": 1, "evidence": "ResNet-50 beats SlowNet.", "confidence": 0.5}]),
        _record("p3", "A survey", [resnet, _entity("Dataset", "Lonely set")]),
    ]
    return build_graph(records)


class _Elements(HTMLParser):
    """Start tags with their attributes and (for <script>) their text, as a browser would split them."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict, str]] = []
        self.in_script = False
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs), ""))
        self.in_script = tag == "script"

    def handle_endtag(self, tag):
        self.in_script = False

    def handle_data(self, data):
        if self.in_script:
            tag, attrs, text = self.tags[-1]
            self.tags[-1] = (tag, attrs, text + data)

    def scripts(self) -> list[tuple[dict, str]]:
        return [(attrs, text) for tag, attrs, text in self.tags if tag == "script"]


def _page_data(page: str) -> dict:
    [block] = [text for attrs, text in _Elements(page).scripts() if attrs.get("id") == "kg-data"]
    return json.loads(block)


# ---- data selection ---------------------------------------------------------------------------


def test_default_view_draws_entities_and_papers_with_parallel_edges_merged(graph):
    view = select_view(graph)
    assert set(view.nodes) == {n for n, label in graph.nodes(data="label") if label != schema.RESULT}
    assert not view.truncated and view.candidates == len(view.nodes)
    drawn = set(view.nodes)
    assert {(u, v, t) for u, v, t, _ in view.edges} == {
        (u, v, t) for u, v, t in graph.edges(data="type") if u in drawn and v in drawn}
    assert all(count == 1 for *_, count in view.edges)


def test_merged_edge_counts_parallel_edges():
    records = [_record(f"p{i}", f"Paper {i}", [_entity("Method", "A"), _entity("Method", "B")],
                       relations=[{"type": "OUTPERFORMS", "source": "method:a", "target": "method:b",
                                   "sentence": 1, "evidence": f"A beats B ({i}).", "confidence": 1.0}])
               for i in range(3)]
    view = select_view(build_graph(records), types=["Method"])
    assert view.edges == [("method:a", "method:b", "OUTPERFORMS", 3)]


def test_types_min_papers_and_isolated(graph):
    view = select_view(graph, types=("Hardware", "Method"))
    assert {graph.nodes[n]["label"] for n in view.nodes} == {"Hardware", "Method"}
    assert "method:slownet" in view.nodes  # linked to nothing of these types, kept by default
    linked = select_view(graph, types=("Hardware", "Method"), isolated=False)
    assert set(linked.nodes) == {"method:fastnet", "method:resnet-50", "hardware:a100", "method:slownet"}
    lonely = select_view(graph, types=("Dataset",), isolated=False)
    assert lonely.nodes == [] and lonely.edges == []

    frequent = select_view(graph, min_papers=2)
    entities = {n for n in frequent.nodes if graph.nodes[n]["label"] in schema.ENTITY_TYPES}
    assert entities == {"method:resnet-50", "hardware:a100"}
    assert {"paper:p1", "paper:p2", "paper:p3"} <= set(frequent.nodes)  # papers are not filtered by count


def test_max_nodes_keeps_the_most_mentioned_then_best_linked(graph):
    view = select_view(graph, max_nodes=3)
    assert view.truncated and view.candidates == len(select_view(graph).nodes)
    assert len(view.nodes) == 3
    assert {"method:resnet-50", "hardware:a100"} <= set(view.nodes)
    # The third has one paper, like many others: the one with most links among the candidates wins.
    assert view.nodes == sorted(view.nodes)
    assert "paper:p1" in view.nodes


def test_parse_types():
    assert parse_types("hardware, METHOD") == ("Hardware", "Method")
    assert parse_types(["Paper", "Paper"]) == ("Paper",)
    assert parse_types("all") == schema.NODE_LABELS
    assert parse_types(None) == html.DEFAULT_TYPES
    with pytest.raises(InputError, match="Gadget"):
        parse_types("Method,Gadget")
    with pytest.raises(InputError):
        parse_types(" , ")


@pytest.mark.parametrize("option", [{"max_nodes": 0}, {"min_papers": 0}, {"physics_threshold": -1}])
def test_bad_numbers_are_input_errors(graph, option):
    with pytest.raises(InputError):
        explorer_data(graph, **option)


def test_side_panel_details_of_an_entity_a_paper_and_results(graph):
    data = explorer_data(graph)
    ids = [row[0] for row in data["nodes"]]
    resnet = data["details"][ids.index("method:resnet-50")]
    assert resnet["aliases"] == ["ResNet50"]
    assert sorted(data["papers"][i]["title"] for i in resnet["papers"]) == sorted(
        ["Training ResNet-50 fast", EVIL_TITLE, "A survey"])
    sentences = [data["sentences"][sentence] for _, sentence in resnet["evidence"]]
    assert "FastNet beats ResNet-50." in sentences and "ResNet-50 beats SlowNet." in sentences
    relations = {(schema.RELATIONSHIP_TYPES[r[0]], r[1], r[2]) for r in resnet["relations"]}
    assert relations == {("OUTPERFORMS", -1, "FastNet"), ("OUTPERFORMS", 1, "SlowNet")}

    fastnet = data["details"][ids.index("method:fastnet")]
    [result] = [data["results"][i] for i in fastnet["results"]]
    assert result["text"] == "76.1% top-1 accuracy" and result["value"] == 76.1
    assert result["about"]["Dataset"] == ["ImageNet", ids.index("dataset:imagenet")]
    assert result["about"]["Hardware"] is None
    assert data["papers"][result["paper"]]["title"] == "Training ResNet-50 fast"

    paper = data["details"][ids.index("paper:p1")]
    assert {row[1] for row in paper["entities"]} == {"ResNet-50", "A100", "ImageNet", "top-1 accuracy", "FastNet"}
    assert paper["results"] == fastnet["results"]
    assert data["papers"][paper["paper"]]["abstract"].startswith("First sentence")


def test_results_drawn_as_nodes_when_asked(graph):
    data = explorer_data(graph, types="all")
    labels = {schema.NODE_LABELS[row[1]] for row in data["nodes"]}
    assert schema.RESULT in labels
    [result_row] = [row for row in data["nodes"] if row[0].startswith("result:")]
    detail = data["details"][data["nodes"].index(result_row)]
    assert data["sentences"][data["results"][detail["result"]]["evidence"]] == "FastNet reaches 76.1% top-1 accuracy."


def test_physics_threshold(graph):
    drawn = len(select_view(graph).nodes)
    assert explorer_data(graph, physics_threshold=drawn)["physics"] is True
    assert explorer_data(graph, physics_threshold=drawn - 1)["physics"] is False


# ---- the page ---------------------------------------------------------------------------------


def test_json_for_script_escapes_markup_and_round_trips():
    value = {"t": "</script><!-- & <img src=x onerror=alert(1)> \u2028"}
    text = json_for_script(value)
    assert not set("<>&") & set(text)
    assert json.loads(text) == value


def test_page_is_self_contained_and_data_is_escaped(graph):
    page = generate_html(graph, title="A <b>title</b>")
    assert EVIL_TITLE not in page and "<script>alert(1)" not in page and "onerror=alert(2)>" not in page
    assert "<title>A &lt;b&gt;title&lt;/b&gt;</title>" in page
    assert _page_data(page) == json.loads(json.dumps(explorer_data(graph, title="A <b>title</b>")))
    # Nothing to fetch: no external scripts, styles, images, fonts or frames.
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", page, re.I)
    assert not re.search(r"url\(\s*['\"]?(https?:|//)", page, re.I)
    assert "@import" not in page
    elements = _Elements(page)
    scripts = elements.scripts()
    assert [attrs for attrs, _ in scripts] == [{"type": "application/json", "id": "kg-data"}, {}, {}]
    assert not [tag for tag, attrs, _ in elements.tags if {"src", "href"} & set(attrs)]
    assert "sourceMappingURL" not in page
    [csp] = [attrs["content"] for tag, attrs, _ in elements.tags if attrs.get("http-equiv") == "Content-Security-Policy"]
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]


def test_csp_hashes_match_the_inline_scripts(graph):
    import base64
    import hashlib

    elements = _Elements(generate_html(graph))
    code = [text for attrs, text in elements.scripts() if not attrs]
    [csp] = [attrs["content"] for tag, attrs, _ in elements.tags if attrs.get("http-equiv") == "Content-Security-Policy"]
    hashes = re.findall(r"'sha256-([^']+)'", csp)
    assert len(code) == 2
    assert [base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() for text in code] == hashes


def test_empty_graph_and_empty_selection_still_make_a_page():
    data = _page_data(generate_html(nx.MultiDiGraph()))
    assert data["nodes"] == [] and data["edges"] == []


def test_write_html_to_a_missing_directory_is_an_input_error(graph, tmp_path):
    with pytest.raises(InputError, match="cannot write"):
        write_html(graph, tmp_path / "missing" / "graph.html")


def test_snapshot_includes_the_page(graph, tmp_path):
    from kg.workflow import snapshot_files

    write_snapshot(graph, tmp_path / "snap", files=snapshot_files())
    data = _page_data((tmp_path / "snap" / GRAPH_HTML).read_text(encoding="utf-8"))
    assert len(data["nodes"]) == len(select_view(graph).nodes)


# ---- layout -----------------------------------------------------------------------------------


def test_layout_is_deterministic_finite_and_spreads_nodes():
    graph = nx.connected_watts_strogatz_graph(600, 4, 0.05, seed=1)
    nx.add_star(graph, ["hub", *[f"leaf{i}" for i in range(30)]])  # a second component with leaves
    graph.add_nodes_from(["alone1", "alone2"])
    nodes = list(graph.nodes)
    first = layout_positions(nodes, graph.edges, seed=3)
    assert first == layout_positions(nodes, graph.edges, seed=3)
    points = np.array([first[n] for n in nodes])
    assert np.isfinite(points).all()
    assert len({(round(x, 3), round(y, 3)) for x, y in points}) == len(nodes)
    # Neighbours end up much closer than random pairs: the drawing shows the structure.
    edge_length = np.mean([math.dist(first[u], first[v]) for u, v in graph.edges])
    rng = np.random.default_rng(0)
    pairs = rng.integers(0, len(nodes), size=(2000, 2))
    random_length = np.mean([math.dist(points[i], points[j]) for i, j in pairs if i != j])
    assert edge_length < random_length / 4
    # Components do not overlap.
    def box(members):
        xs, ys = zip(*(first[m] for m in members))
        return min(xs), min(ys), max(xs), max(ys)
    boxes = [box(c) for c in nx.connected_components(graph)]
    for a, b in combinations(boxes, 2):
        assert a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1]


def test_layout_of_tiny_inputs():
    assert layout_positions([], []) == {}
    assert layout_positions(["a"], []) == {"a": (0.0, 0.0)}
    two = layout_positions(["a", "b"], [("a", "b"), ("a", "b"), ("a", "a")])
    assert two["a"] != two["b"]


def test_leaves_sit_near_their_hub():
    graph = nx.barabasi_albert_graph(800, 2, seed=2)
    for hub in range(5):
        graph.add_edges_from((hub, f"leaf-{hub}-{i}") for i in range(12))
    positions = layout_positions(list(graph.nodes), graph.edges, edge_length=1.0)
    for hub in range(5):
        distances = [math.dist(positions[hub], positions[f"leaf-{hub}-{i}"]) for i in range(12)]
        assert max(distances) < 4


# ---- the command ------------------------------------------------------------------------------


@pytest.fixture
def snapshot(graph, tmp_path):
    write_snapshot(graph, tmp_path / "snap")
    return tmp_path / "snap"


def test_cli_export_html(snapshot, tmp_path):
    out = tmp_path / "focused.html"
    result = CliRunner().invoke(cli, ["export", "html", str(snapshot), "-o", str(out),
                                      "--types", "hardware,method", "--no-isolated", "--title", "Focus"])
    assert result.exit_code == 0, result.output
    assert out.as_uri() in result.output
    data = _page_data(out.read_text(encoding="utf-8"))
    assert data["title"] == "Focus"
    assert sorted(row[0] for row in data["nodes"]) == [
        "hardware:a100", "method:fastnet", "method:resnet-50", "method:slownet"]
    assert data["selection"]["source"] == str(snapshot)


def test_cli_max_nodes_and_min_papers(snapshot, tmp_path):
    out = tmp_path / "top.html"
    result = CliRunner().invoke(cli, ["export", "html", str(snapshot), "-o", str(out), "--max-nodes", "2"])
    assert result.exit_code == 0, result.output
    data = _page_data(out.read_text(encoding="utf-8"))
    assert data["selection"]["truncated"] and len(data["nodes"]) == 2
    result = CliRunner().invoke(cli, ["export", "html", str(snapshot), "-o", str(out), "--min-papers", "3"])
    data = _page_data(out.read_text(encoding="utf-8"))
    assert [row[0] for row in data["nodes"] if not row[0].startswith("paper:")] == ["method:resnet-50"]


def test_cli_errors_are_messages_with_exit_codes(snapshot, tmp_path):
    runner = CliRunner()
    bad_type = runner.invoke(cli, ["export", "html", str(snapshot), "-o", str(tmp_path / "x.html"), "--types", "Gizmo"])
    assert bad_type.exit_code == InputError.exit_code
    assert "unknown node type" in bad_type.output and "Traceback" not in bad_type.output
    missing = runner.invoke(cli, ["export", "html", str(tmp_path / "nope"), "-o", str(tmp_path / "x.html")])
    assert missing.exit_code == SnapshotError.exit_code and "no such snapshot" in missing.output
    unwritable = runner.invoke(cli, ["export", "html", str(snapshot), "-o", str(tmp_path / "no" / "x.html")])
    assert unwritable.exit_code == InputError.exit_code and "cannot write" in unwritable.output
    zero = runner.invoke(cli, ["export", "html", str(snapshot), "-o", str(tmp_path / "x.html"), "--max-nodes", "0"])
    assert zero.exit_code == 2 and "--max-nodes" in zero.output


def test_cli_help_has_examples_and_library_defaults():
    result = CliRunner().invoke(cli, ["export", "html", "--help"])
    assert result.exit_code == 0
    assert "kg export html exports/demo -o" in result.output and "--types Hardware,Method" in result.output
    params = {p.name: p.default for p in cli.commands["export"].commands["html"].params}
    assert params["max_nodes"] == html.DEFAULT_MAX_NODES
    assert params["physics_threshold"] == html.DEFAULT_PHYSICS_THRESHOLD
    assert parse_types(params["types"]) == html.DEFAULT_TYPES


def test_the_page_is_the_same_whatever_order_the_graph_was_built_in():
    from conftest import known_records

    forward, backward = build_graph(known_records()), build_graph(list(reversed(known_records())))
    assert list(forward.edges(keys=True)) != list(backward.edges(keys=True))  # the orders really differ
    assert explorer_data(forward) == explorer_data(backward)
    assert generate_html(forward) == generate_html(backward)


def test_result_rows_carry_the_range_free_metric_text_and_confidence():
    """A range ("3–10x"), a metric only as free text (no Metric entity) and the attachment confidence reach
    the page's data; a free metric phrase with markup stays inert text inside the data block."""
    fastnet = _entity("Method", "FastNet", proposed=True)
    imagenet = _entity("Dataset", "ImageNet")
    evil_metric = "<img src=x onerror=alert(3)> speed"
    records = [_record("p1", "FastNet", [fastnet, imagenet], results=[
        {"text": "3-10x faster", "value": 3.0, "value_high": 10.0, "unit": "x", "metric_text": evil_metric,
         "confidence": 0.65, "method": "method:fastnet", "dataset": "dataset:imagenet", "start": 0, "end": 1,
         "sentence": 1, "evidence": "FastNet is 3-10x faster."},
        {"text": "76.1%", "value": 76.1, "unit": "%", "method": "method:fastnet", "start": 0, "end": 1,
         "sentence": 1, "evidence": "FastNet reaches 76.1%."}])]
    page = generate_html(build_graph(records), types="all")
    data = _page_data(page)
    by_text = {row["text"]: row for row in data["results"]}
    ranged, plain = by_text["3-10x faster"], by_text["76.1%"]
    assert (ranged["value"], ranged["value_high"], ranged["unit"]) == (3.0, 10.0, "x")
    assert ranged["metric_text"] == evil_metric and ranged["about"]["Metric"] is None
    assert ranged["confidence"] == 0.65
    assert plain["value_high"] is None and plain["metric_text"] is None and plain["confidence"] is None
    assert "<img src=x" not in page  # only inside JSON, as \u003c escapes
