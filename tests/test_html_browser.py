"""The HTML explorer in a real browser: Debian's chromium driven by Playwright.

Needs /usr/bin/chromium (or KG_CHROMIUM). Without it these tests are skipped,
except under CI (CI=true) where a missing browser is a failure.
"""

from __future__ import annotations

import os
import random
import shutil
import time
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest

from kg.export.html import DEFAULT_TYPES, write_html
from kg import schema
from kg.graph.build import build_graph

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

METHODS = ["ResNet-50", "ViT-B/16", "BERT-base", "GPT-2", "LLaMA-7B", "FlashAttention", "LoRA", "ZeRO-3",
           "Megatron-LM", "mixed-precision training", "knowledge distillation", "structured pruning",
           "quantization-aware training", "EfficientNet-B0", "MobileNetV2", "Transformer", "U-Net", "YOLOv5"]
DATASETS = ["ImageNet", "CIFAR-10", "COCO", "GLUE", "SQuAD", "WikiText-103", "LibriSpeech", "C4"]
HARDWARE = ["NVIDIA A100", "NVIDIA V100", "TPU v4", "Jetson Nano", "Raspberry Pi 4", "NVIDIA H100"]
METRICS = ["top-1 accuracy", "F1 score", "perplexity", "latency", "throughput", "energy consumption", "mAP"]
TASKS = ["image classification", "language modeling", "object detection", "machine translation", "speech recognition"]
ALIASES = {"ResNet-50": ["ResNet50"], "NVIDIA A100": ["A100", "A100 GPU"], "ViT-B/16": ["ViT"],
           "top-1 accuracy": ["Top-1"], "LLaMA-7B": ["LLaMA 7B"], "TPU v4": ["TPUv4"]}
PROPOSED = ["Zeus", "SparseFlow", "EcoTrain", "QuickServe", "TinyLens", "GreenBERT", "FastLane", "Hydra",
            "PipeMare", "Kestrel", "Borealis", "Lumen", "Quill", "Tidal", "Cinder", "Nimbus", "Arbor", "Vesper",
            "Halcyon", "Mistral-Q", "Parsec", "Orbit", "Sable", "Fathom", "Juniper", "Lattice", "Ember", "Cobalt",
            "Drift", "Harbor", "Prism", "Ridge", "Strata", "Thorn", "Umbra", "Wren"]


def _zipf_choice(rng: random.Random, items: list[str]) -> str:
    return rng.choices(items, weights=[1 / (rank + 1) for rank in range(len(items))])[0]


def demo_records(papers: int = 36, seed: int = 7) -> list[dict]:
    """Extraction records that look like a small real corpus: popular and rare entities, relations, results."""
    rng = random.Random(seed)
    records = []
    for number in range(papers):
        proposed = PROPOSED[number % len(PROPOSED)] + ("" if number < len(PROPOSED) else f"-{number}")
        method = _zipf_choice(rng, METHODS)
        dataset = _zipf_choice(rng, DATASETS)
        hardware = _zipf_choice(rng, HARDWARE)
        metric = _zipf_choice(rng, METRICS)
        task = _zipf_choice(rng, TASKS)
        extra = _zipf_choice(rng, METHODS)
        title = f"{proposed}: Efficient {method} Training on {hardware}"
        sentences_text = [
            title,
            f"We present {proposed}, which builds on {method} and {extra}.",
            f"{proposed} outperforms {method} on {dataset} in {metric} for {task}.",
            f"On {hardware}, {proposed} reaches {70 + number % 25}.{number % 10}% {metric} on {dataset}.",
        ]
        text = "\n".join(sentences_text)
        offsets, start = [], 0
        for sentence in sentences_text:
            offsets.append([start, start + len(sentence)])
            start += len(sentence) + 1

        def mention(name: str, sentence: int) -> dict:
            at = text.index(name, offsets[sentence][0])
            return {"text": name, "start": at, "end": at + len(name), "sentence": sentence}

        def entity_id(kind: str, name: str) -> str:
            return f"{kind.lower()}:{name.lower()}"

        entities = [
            {"id": entity_id("Method", proposed), "type": "Method", "name": proposed, "aliases": [], "proposed": True,
             "mentions": [mention(proposed, 1)]},
            {"id": entity_id("Method", method), "type": "Method", "name": method, "aliases": ALIASES.get(method, []),
             "mentions": [mention(method, 1)]},
            {"id": entity_id("Dataset", dataset), "type": "Dataset", "name": dataset, "aliases": [],
             "mentions": [mention(dataset, 2)]},
            {"id": entity_id("Hardware", hardware), "type": "Hardware", "name": hardware,
             "aliases": ALIASES.get(hardware, []), "mentions": [mention(hardware, 3)]},
            {"id": entity_id("Metric", metric), "type": "Metric", "name": metric, "aliases": ALIASES.get(metric, []),
             "mentions": [mention(metric, 2)]},
            {"id": entity_id("Task", task), "type": "Task", "name": task, "aliases": [], "mentions": [mention(task, 2)]},
        ]
        if extra != method:
            entities.append({"id": entity_id("Method", extra), "type": "Method", "name": extra,
                             "aliases": ALIASES.get(extra, []), "mentions": [mention(extra, 1)]})
        me = entity_id("Method", proposed)
        relations = [
            {"type": "BUILDS_ON", "source": me, "target": entity_id("Method", method), "sentence": 1,
             "evidence": sentences_text[1], "confidence": 0.8},
            {"type": "OUTPERFORMS", "source": me, "target": entity_id("Method", method), "sentence": 2,
             "evidence": sentences_text[2], "confidence": 0.9},
            {"type": "EVALUATED_ON", "source": me, "target": entity_id("Dataset", dataset), "sentence": 2,
             "evidence": sentences_text[2], "confidence": 0.7},
            {"type": "RUNS_ON", "source": me, "target": entity_id("Hardware", hardware), "sentence": 3,
             "evidence": sentences_text[3], "confidence": 0.7},
            {"type": "APPLIED_TO", "source": me, "target": entity_id("Task", task), "sentence": 2,
             "evidence": sentences_text[2], "confidence": 0.7},
        ]
        value_text = f"{70 + number % 25}.{number % 10}%"
        results = [{"text": f"{value_text} {metric}", "value": float(value_text[:-1]), "unit": "%", "qualifier": None,
                    "metric": entity_id("Metric", metric), "method": me, "dataset": entity_id("Dataset", dataset),
                    "hardware": entity_id("Hardware", hardware), "start": 0, "end": 1, "sentence": 3,
                    "evidence": sentences_text[3]}]
        records.append({"id": f"demo{number:03d}", "title": title, "abstract": "\n".join(sentences_text[1:]),
                        "text": text, "year": 2018 + number % 7, "authors": ["A. Author", "B. Author"],
                        "url": f"https://example.org/papers/{number}", "venue": rng.choice(["MLSys", "NeurIPS", "ICML"]),
                        "sentences": offsets, "entities": entities, "relations": relations, "results": results})
    return records


def demo_graph() -> nx.MultiDiGraph:
    return build_graph(demo_records())


INJECTIONS = [
    "<script>window.kgInjected = 'script'</script>Malicious title one",
    "<img src=x onerror=\"window.kgInjected='img'\">Malicious title two",
]


def injection_graph() -> nx.MultiDiGraph:
    records = demo_records(papers=6)
    for record, title in zip(records, INJECTIONS):
        record["title"] = title
        record["abstract"] = title + " </script><script>window.kgInjected='abstract'</script>"
        record["authors"] = ["<b onmouseover=\"window.kgInjected='author'\">Eve</b>"]
        record["url"] = "javascript:window.kgInjected='url'"
        for entity in record["entities"]:
            if entity.get("proposed"):
                entity["aliases"] = ["<svg onload=\"window.kgInjected='alias'\">"]
    return build_graph(records)


def expected_counts(graph: nx.MultiDiGraph, types=DEFAULT_TYPES) -> tuple[int, int]:
    """Nodes of the drawn types, and edges between them with parallel edges of one type merged."""
    drawn = {n for n, label in graph.nodes(data="label") if label in types}
    merged = {(u, v, t) for u, v, t in graph.edges(data="type") if u in drawn and v in drawn}
    return len(drawn), len(merged)


# ---- browser plumbing -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    def unavailable(reason: str):
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)

    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)) and not shutil.which(CHROMIUM):
        unavailable(f"chromium not found at {CHROMIUM} (set KG_CHROMIUM or install Debian's chromium)")
    try:
        from playwright import sync_api as playwright_api
    except ImportError:
        unavailable("playwright is not installed (pip install -e '.[dev]')")
    with playwright_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class OpenedPage:
    """A page with everything it logged and requested recorded."""

    def __init__(self, browser, path: Path):
        self.url = path.resolve().as_uri()
        self.context = browser.new_context(viewport={"width": 1400, "height": 900})
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.console: list[tuple[str, str]] = []
        self.errors: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", lambda message: self.console.append((message.type, message.text)))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.goto(self.url)
        # A selector, not wait_for_function: the page's CSP forbids the eval that polling a
        # JavaScript predicate needs.
        self.page.wait_for_selector("body[data-kg-ready=true]", state="attached", timeout=30_000)

    def counts(self) -> dict:
        return self.page.evaluate("window.kgExplorer.counts()")

    def problems(self) -> list:
        return [entry for entry in self.console if entry[0] in ("error", "warning")] + self.errors


@pytest.fixture
def open_page(browser):
    opened = []

    def opener(path: Path) -> OpenedPage:
        page = OpenedPage(browser, path)
        opened.append(page)
        return page

    yield opener
    for page in opened:
        page.context.close()


def _eventually(read, done, timeout: float = 10.0):
    """Call *read* until *done* accepts its value or *timeout* seconds pass; return the last value."""
    deadline = time.monotonic() + timeout
    value = read()
    while not done(value) and time.monotonic() < deadline:
        time.sleep(0.05)
        value = read()
    return value


# ---- tests ------------------------------------------------------------------------------------


def test_demo_page_draws_the_graph_offline_without_errors_and_screenshot(open_page, tmp_path):
    graph = demo_graph()
    path = tmp_path / "graph.html"
    write_html(graph, path, title="Demo corpus")
    opened = open_page(path)

    nodes, edges = expected_counts(graph)
    counts = opened.counts()
    assert (counts["nodes"], counts["edges"]) == (nodes, edges)
    assert (counts["drawnNodes"], counts["drawnEdges"]) == (nodes, edges)  # what vis-network itself holds
    assert opened.requests == [opened.url]
    assert opened.problems() == []

    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "explorer-demo.png"
    opened.page.screenshot(path=str(screenshot))
    colours = _distinct_colours(screenshot, region=opened.page.evaluate(
        "(() => { const r = document.getElementById('kg-network').getBoundingClientRect();"
        " return [r.left, r.top, r.right, r.bottom]; })()"))
    # Every node type colour and the edges must be on the canvas, not just a background.
    for label in DEFAULT_TYPES:
        assert _near(colours, schema.COLOURS[label]), f"no {label} colour in the drawing"
    assert len(colours) > 50


def test_search_selects_and_highlights_by_name_and_alias(open_page, tmp_path):
    graph = demo_graph()
    path = tmp_path / "graph.html"
    write_html(graph, path)
    opened = open_page(path)
    page = opened.page

    page.fill("#kg-search", "A100 GPU")  # an alias of NVIDIA A100
    page.wait_for_selector("#kg-search-results li[role=option]")
    first = page.locator("#kg-search-results li[role=option]").first
    assert "NVIDIA A100" in first.inner_text()
    page.press("#kg-search", "Enter")  # selects at once (no debounce on Enter)
    assert page.evaluate("window.kgExplorer.selected()") == "hardware:nvidia a100"
    assert page.locator("#kg-panel-name").inner_text() == "NVIDIA A100"
    highlighted = set(page.evaluate("window.kgExplorer.highlighted()"))
    assert highlighted == {"hardware:nvidia a100", *nx.all_neighbors(graph, "hardware:nvidia a100")} - {
        n for n in graph if graph.nodes[n]["label"] not in DEFAULT_TYPES}
    panel = page.locator("#kg-panel").inner_text()
    papers = [graph.nodes[p]["title"] for p in graph.predecessors("hardware:nvidia a100")
              if graph.nodes[p]["label"] == "Paper"]
    assert papers and all(title in panel for title in papers)
    headings = [h.lower() for h in page.locator("#kg-panel h3").all_inner_texts()]
    assert "evidence" in headings and any(h.startswith("results") for h in headings)
    result = next(graph.nodes[r]["text"] for r in graph.predecessors("hardware:nvidia a100")
                  if graph.nodes[r]["label"] == "Result")
    assert result in panel

    page.fill("#kg-search", "zzzz-no-such-entity")
    page.wait_for_selector("#kg-search-results li.kg-empty")
    assert opened.problems() == []


def test_the_slider_starts_at_the_pages_minimum_paper_count(open_page, tmp_path):
    path = tmp_path / "graph.html"
    write_html(demo_graph(), path, min_papers=2)
    page = open_page(path).page
    slider = page.locator("#kg-min-papers")
    assert (slider.get_attribute("min"), slider.input_value()) == ("2", "2")
    assert page.locator("#kg-min-papers-value").inner_text() == "2"


def test_type_filter_and_min_papers_hide_nodes(open_page, tmp_path):
    graph = demo_graph()
    path = tmp_path / "graph.html"
    write_html(graph, path)
    opened = open_page(path)
    page = opened.page

    page.uncheck("input[data-kg-type=Method]")
    types = [t for t in DEFAULT_TYPES if t != "Method"]
    assert tuple(opened.counts()[k] for k in ("nodes", "edges")) == expected_counts(graph, types)
    assert opened.counts()["drawnNodes"] == expected_counts(graph, types)[0]
    page.check("input[data-kg-type=Method]")
    assert tuple(opened.counts()[k] for k in ("nodes", "edges")) == expected_counts(graph)

    # Entities in at least 3 papers (papers themselves stay).
    page.locator("#kg-min-papers").fill("3")
    assert page.locator("#kg-min-papers-value").inner_text() == "3"
    kept = {n for n, a in graph.nodes(data=True)
            if a["label"] == "Paper" or (a["label"] in schema.ENTITY_TYPES and a["paper_count"] >= 3)}
    kept_edges = {(u, v, t) for u, v, t in graph.edges(data="type") if u in kept and v in kept}
    # The slider applies its filter after a short pause.
    counts = _eventually(opened.counts, lambda c: (c["nodes"], c["edges"]) == (len(kept), len(kept_edges)))
    assert (counts["nodes"], counts["edges"]) == (len(kept), len(kept_edges))
    assert 0 < len(kept) < expected_counts(graph)[0]

    # Search only offers what is drawn.
    rare = next(n for n, a in graph.nodes(data=True) if a["label"] == "Method" and a["paper_count"] == 1)
    found = page.evaluate("q => window.kgExplorer.search(q)", graph.nodes[rare]["name"])
    assert rare not in found and found  # its paper, whose title names it, is still found
    assert opened.problems() == []


def test_relationship_filter_hides_links(open_page, tmp_path):
    graph = demo_graph()
    path = tmp_path / "graph.html"
    write_html(graph, path)
    opened = open_page(path)
    before = opened.counts()
    outperforms = len({(u, v) for u, v, t in graph.edges(data="type") if t == "OUTPERFORMS"})
    opened.page.uncheck("input[data-kg-relationship=OUTPERFORMS]")
    after = opened.counts()
    assert after["nodes"] == before["nodes"]
    assert before["edges"] - after["edges"] == outperforms > 0


def test_injected_markup_in_titles_shows_as_text_and_never_runs(open_page, tmp_path):
    graph = injection_graph()
    path = tmp_path / "graph.html"
    write_html(graph, path)
    opened = open_page(path)
    page = opened.page
    assert page.evaluate("window.kgInjected") is None

    for paper, title in (("paper:demo000", INJECTIONS[0]), ("paper:demo001", INJECTIONS[1])):
        assert page.evaluate("id => window.kgExplorer.select(id)", paper)
        assert page.locator("#kg-panel-name").inner_text() == title  # literally, markup and all
        assert page.locator("#kg-panel a").count() == 0  # the javascript: URL is not made a link
        page.wait_for_timeout(100)
    # The proposed method's alias and the papers list of an entity render as text too.
    page.fill("#kg-search", "svg onload")
    page.wait_for_selector("#kg-search-results li[role=option]")
    page.press("#kg-search", "Enter")
    assert page.evaluate("window.kgExplorer.selected()") is not None
    panel = page.locator("#kg-panel").inner_text()
    assert "<svg onload=" in panel and any(title in panel for title in INJECTIONS)
    page.hover("#kg-panel")
    assert page.evaluate("window.kgInjected") is None
    assert page.locator("#kg-panel img, #kg-panel script, #kg-panel svg[onload], #kg-panel b").count() == 0
    assert opened.requests == [opened.url]  # the <img src=x> was never fetched
    assert opened.problems() == []


def test_over_max_nodes_the_page_says_so_and_shows_the_top_nodes(open_page, tmp_path):
    graph = demo_graph()
    path = tmp_path / "graph.html"
    write_html(graph, path, max_nodes=20, source="exports/demo")
    opened = open_page(path)
    assert opened.counts()["nodes"] == 20
    notice = opened.page.locator("#kg-panel .kg-notice").inner_text()
    assert "Too many nodes" in notice and "--max-nodes" in notice and "exports/demo" in notice
    top = max((a["paper_count"], n) for n, a in graph.nodes(data=True))[1]
    assert opened.page.evaluate("id => window.kgExplorer.select(id)", top)


def test_above_the_physics_threshold_physics_starts_off(open_page, tmp_path):
    graph = demo_graph()
    path = tmp_path / "graph.html"
    write_html(graph, path, physics_threshold=10)
    opened = open_page(path)
    assert opened.page.evaluate("window.kgExplorer.network.physics.options.enabled") is False
    assert opened.page.is_checked("#kg-physics") is False
    assert opened.counts()["drawnNodes"] == expected_counts(graph)[0]


# ---- screenshot decoding ----------------------------------------------------------------------


def _distinct_colours(png: Path, region) -> Counter:
    from PIL import Image

    with Image.open(png) as image:
        left, top, right, bottom = (int(v) for v in region)
        crop = image.convert("RGB").crop((left, top, right, bottom))
        return Counter(crop.get_flattened_data() if hasattr(crop, "get_flattened_data") else crop.getdata())


def _near(colours: Counter, hex_colour: str, tolerance: int = 6) -> bool:
    target = tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return any(all(abs(a - b) <= tolerance for a, b in zip(colour, target)) for colour in colours)


# ---- views: matrices, timeline, leaderboards --------------------------------------------------


def dated_records(papers: int = 12) -> list[dict]:
    records = demo_records(papers=papers)
    for number, record in enumerate(records):
        record["date"] = f"2024-{1 + number % 3:02d}-{10 + number:02d}"
    return records


def _names(record: dict) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for entity in record["entities"]:
        found.setdefault(entity["type"], []).append(entity["name"])
    return found


def test_matrix_tab_draws_every_linked_pair_and_a_cell_shows_its_evidence(open_page, tmp_path):
    records = dated_records()
    path = tmp_path / "graph.html"
    write_html(build_graph(records), path)
    opened = open_page(path)
    page = opened.page
    # Independently of the page code: each paper's proposed method is evaluated on its dataset and runs on
    # its hardware (relation, result and proposal all agree), one paper per pair here.
    method_dataset = {(r["entities"][0]["name"], _names(r)["Dataset"][0]) for r in records}
    hardware_method = {(_names(r)["Hardware"][0], r["entities"][0]["name"]) for r in records}
    assert page.evaluate("window.kgExplorer.view()") == "graph"  # a small page opens on the drawing
    page.click("#kg-tabs button[data-kg-tab=matrix]")
    assert page.get_attribute("body", "data-kg-view") == "matrix"
    cells = page.locator("table[data-kg-matrix='Methods × datasets'] td.kg-cell")
    assert cells.count() == len(method_dataset)
    assert sum(int(c) for c in cells.evaluate_all("cells => cells.map(c => c.dataset.kgCount)")) == len(records)
    hardware_cells = page.locator("table[data-kg-matrix='Hardware × methods'] td.kg-cell")
    assert hardware_cells.count() == len(hardware_method)

    cells.first.click()
    name = page.locator("#kg-panel-name").inner_text()
    method, dataset = name.split(" × ")
    assert (method, dataset) in method_dataset
    record = next(r for r in records if r["entities"][0]["name"] == method)
    panel = page.locator("#kg-panel").inner_text()
    assert record["title"] in panel and f"{method} outperforms" in panel  # the sentence and its paper
    assert opened.requests == [opened.url]
    assert opened.problems() == []


def test_timeline_tab_groups_entities_by_the_month_first_seen(open_page, tmp_path):
    records = dated_records()
    path = tmp_path / "graph.html"
    write_html(build_graph(records), path)
    opened = open_page(path)
    page = opened.page
    first_seen: dict[str, str] = {}
    for record in sorted(records, key=lambda r: r["date"]):
        for entity in record["entities"]:
            first_seen.setdefault(entity["id"], record["date"][:7])
    per_month = Counter(first_seen.values())
    page.click("#kg-tabs button[data-kg-tab=timeline]")
    periods = page.locator(".kg-timeline-period")
    assert periods.count() == len(per_month) == 3
    for month, total in per_month.items():
        row = page.locator(f".kg-timeline-period[data-kg-period='{month}']")
        assert row.locator("[data-kg-entity]").count() == min(total, 40)
        assert f"{total} new entit" in row.inner_text()
    # an entity chip opens its details
    page.locator(".kg-timeline-period[data-kg-period='2024-01'] [data-kg-entity]").first.click()
    assert page.locator("#kg-panel h3").first.inner_text().lower().startswith("papers")
    assert opened.requests == [opened.url]
    assert opened.problems() == []


def test_leaderboard_tab_lists_every_result_per_dataset_best_first(open_page, tmp_path):
    records = dated_records(papers=24)
    graph = build_graph(records)
    path = tmp_path / "graph.html"
    write_html(graph, path)
    opened = open_page(path)
    page = opened.page
    on_dataset = Counter(_names(r)["Dataset"][0] for r in records)  # one result per paper, on its dataset
    page.click("#kg-tabs button[data-kg-tab=leaderboard]")
    options = page.locator("#kg-leaderboard-dataset option").all_inner_texts()
    assert len(options) == len(on_dataset)
    top_dataset = options[0].split(" (")[0]
    assert on_dataset[top_dataset] == max(on_dataset.values())
    assert page.locator("#kg-leaderboard-boards tr.kg-row").count() == on_dataset[top_dataset]
    # boards whose metric direction is known are ranked best first
    checked = 0
    for board in page.locator("#kg-leaderboard-boards table.kg-board").all():
        metric = board.get_attribute("data-kg-board")
        values = [float(t.split("%")[0]) for t in board.locator("tr.kg-row td:nth-child(3)").all_inner_texts()]
        ranks = board.locator("tr.kg-row td.kg-rank").all_inner_texts()
        if metric in ("top-1 accuracy", "F1 score", "mAP", "throughput"):
            assert values == sorted(values, reverse=True) and ranks == [str(i + 1) for i in range(len(values))]
            checked += 1
        elif metric in ("perplexity", "latency", "energy consumption"):
            assert values == sorted(values) and ranks[0] == "1"
            checked += 1
    assert checked
    last = len(options) - 1
    page.select_option("#kg-leaderboard-dataset", str(last))
    last_dataset = options[last].split(" (")[0]
    assert page.locator("#kg-leaderboard-boards tr.kg-row").count() == on_dataset[last_dataset]
    page.locator("#kg-leaderboard-boards tr.kg-row td:nth-child(3) .kg-link").first.click()
    assert "evidence" in [h.lower() for h in page.locator("#kg-panel h3").all_inner_texts()]
    assert opened.requests == [opened.url]
    assert opened.problems() == []


def test_a_big_page_opens_on_the_views_and_the_graph_is_one_click_away(open_page, tmp_path):
    graph = build_graph(dated_records())
    path = tmp_path / "graph.html"
    write_html(graph, path, overview_threshold=10)
    opened = open_page(path)
    page = opened.page
    assert page.evaluate("window.kgExplorer.view()") == "matrix"
    assert page.is_visible("#kg-view-matrix") and page.locator("td.kg-cell").count() > 0
    assert "A big graph" in page.locator("#kg-panel .kg-notice").inner_text()
    page.click("#kg-tabs button[data-kg-tab=graph]")
    assert not page.is_visible("#kg-view-matrix")
    counts = opened.counts()
    assert (counts["drawnNodes"], counts["drawnEdges"]) == expected_counts(graph)
    # a real click on a node's drawn position selects it: the drawing works as on any page
    target = "hardware:nvidia a100"
    point = page.evaluate("""id => {
        const x = window.kgExplorer; const n = x.network;
        const index = x.nodes.getIds().find(i => x.nodes.get(i).title.startsWith('NVIDIA A100'));
        const p = n.canvasToDOM(n.getPosition(index));
        const r = document.getElementById('kg-network').getBoundingClientRect();
        return [r.left + p.x, r.top + p.y];
    }""", target)
    page.mouse.click(point[0], point[1])
    assert page.evaluate("window.kgExplorer.selected()") == target
    assert opened.requests == [opened.url]
    assert opened.problems() == []


FREE_METRIC = "<img src=x onerror=\"window.kgInjected='metric'\"> speed"


def test_a_results_range_free_metric_text_and_confidence_show_as_text_in_panel_and_leaderboard(open_page, tmp_path):
    records = demo_records(papers=4)
    record = records[0]
    me = next(e["id"] for e in record["entities"] if e.get("proposed"))
    dataset = next(e for e in record["entities"] if e["type"] == "Dataset")
    record["results"].append({
        "text": "3-10x faster", "value": 3.0, "value_high": 10.0, "unit": "x", "qualifier": None,
        "metric_text": FREE_METRIC, "confidence": 0.65, "method": me, "dataset": dataset["id"],
        "start": 0, "end": 1, "sentence": 3, "evidence": record["text"].split("\n")[3]})
    path = tmp_path / "graph.html"
    write_html(build_graph(records), path)
    opened = open_page(path)
    page = opened.page

    assert page.evaluate("id => window.kgExplorer.select(id)", me)
    ranged = page.locator("#kg-panel li.kg-result", has_text="3-10x faster")
    assert ranged.locator(".kg-result-value").inner_text() == "value 3–10 x"
    assert ranged.locator(".kg-result-confidence").inner_text() == "confidence 0.65"
    assert ranged.locator(".kg-free-metric").inner_text() == FREE_METRIC  # literally, markup and all
    assert "(free text)" in ranged.inner_text()
    # the demo result: a Metric entity, so no free text; no confidence recorded, so none shown
    scored = page.locator("#kg-panel li.kg-result").filter(has_not_text="3-10x faster")
    assert scored.count() == 1 and scored.locator(".kg-result-value").inner_text().endswith(" %")
    assert scored.locator(".kg-free-metric").count() == 0 and scored.locator(".kg-result-confidence").count() == 0

    page.click("#kg-tabs button[data-kg-tab=leaderboard]")
    options = page.locator("#kg-leaderboard-dataset option").all_inner_texts()
    chosen = next(n for n, text in enumerate(options) if text.startswith(dataset["name"] + " ("))
    page.select_option("#kg-leaderboard-dataset", str(chosen))
    free_board = page.locator("#kg-leaderboard-boards table.kg-board.kg-free-text")
    assert free_board.count() == 1 and free_board.get_attribute("data-kg-board") == FREE_METRIC
    headings = page.locator("#kg-leaderboard-boards h2").all_inner_texts()
    assert f"\u201c{FREE_METRIC}\u201d (free text) [x] — direction unknown: not ranked" in headings
    rows = page.locator("#kg-leaderboard-boards tr.kg-row").count()
    # every result on this dataset is on a board, the free-text one included
    assert rows == sum(1 for r in records for result in r["results"] if result["dataset"] == dataset["id"])
    free_board.locator("tr.kg-row td:nth-child(3) .kg-link").first.click()
    assert FREE_METRIC in page.locator("#kg-panel").inner_text()
    page.hover("#kg-panel")
    assert page.evaluate("window.kgInjected") is None
    assert page.locator("#kg-panel img, #kg-leaderboard-boards img").count() == 0
    assert opened.requests == [opened.url]  # the <img src=x> was never fetched
    assert opened.problems() == []
