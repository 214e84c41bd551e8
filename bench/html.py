"""How fast is the HTML explorer? Python time to write the page, browser time until it is interactive.

Builds synthetic graphs (papers linked to methods, datasets, hardware and metrics with a
long-tailed popularity, plus entity relations and results, through kg.graph.build) with about
1,000, 5,000 and 10,000 drawn nodes, writes each page with --max-nodes high enough to draw
everything, and opens it in headless Chromium.

"Interactive" is the page's ``window.kgTimings.ready``: milliseconds from navigation start
until the first complete frame of the whole network has been drawn and the main thread is
free again (the page sets it in a setTimeout queued from a requestAnimationFrame after vis-network's
first ``afterDrawing`` event). It includes reading and parsing the file, vis-network's setup
and the first draw. Each page is loaded three times; the median is printed.

After loading, three interactions are timed to the next frame: selecting a node (panel and
neighbourhood highlight), hiding all Paper nodes (a type filter), and one redraw at the
zoom that fits the whole graph.

    python bench/html.py                 # 1000 5000 10000
    python bench/html.py 2000 --runs 5   # other sizes
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and this file would shadow the
# standard library's `html` module (which networkx imports).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

from kg.export.html import select_view, write_html  # noqa: E402
from kg.export.layout import layout_positions  # noqa: E402
from kg.graph.build import build_graph  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ENTITY_TYPES = {"Method": 0.5, "Dataset": 0.2, "Hardware": 0.1, "Metric": 0.2}
RELATIONS = {("Method", "Method"): "OUTPERFORMS", ("Method", "Dataset"): "EVALUATED_ON",
             ("Method", "Hardware"): "RUNS_ON", ("Method", "Metric"): "MEASURED_BY"}


def synthetic_records(drawn_nodes: int, seed: int = 0) -> list[dict]:
    """Papers until there are *drawn_nodes* papers + entities. Each mention is a new entity with
    probability 0.55, else an existing one chosen by popularity (a Chinese-restaurant process)."""
    rng = random.Random(seed)
    mentions: dict[str, list[str]] = {kind: [] for kind in ENTITY_TYPES}  # one entry per mention
    entity_count = 0
    records = []
    while len(records) + entity_count < drawn_nodes:
        number = len(records)
        chosen: dict[str, str] = {}
        for _ in range(rng.randint(4, 12)):
            if len(records) + entity_count + 1 >= drawn_nodes and chosen:
                break
            kind = rng.choices(list(ENTITY_TYPES), list(ENTITY_TYPES.values()))[0]
            pool = mentions[kind]
            if not pool or rng.random() < 0.55:
                entity = f"{kind.lower()}:{kind.lower()} {len(set(pool))}-{entity_count}"
                entity_count += 1
            else:
                entity = rng.choice(pool)
            pool.append(entity)
            chosen[entity] = kind
        title = f"Paper {number}: " + " and ".join(e.split(":", 1)[1] for e in list(chosen)[:3])
        sentence = "We study " + ", ".join(e.split(":", 1)[1] for e in chosen) + "."
        text = f"{title}\n{sentence} " + "Filler sentence about the experimental setup. " * 12
        entities = [{"id": e, "type": kind, "name": e.split(":", 1)[1], "aliases": [],
                     "mentions": [{"text": e, "start": 0, "end": 1, "sentence": 1}]}
                    for e, kind in chosen.items()]
        methods = [e for e, kind in chosen.items() if kind == "Method"]
        relations = []
        for source in methods[:1]:
            for target, kind in chosen.items():
                if target != source and ("Method", kind) in RELATIONS and rng.random() < 0.5:
                    relations.append({"type": RELATIONS[("Method", kind)], "source": source, "target": target,
                                      "sentence": 1, "evidence": sentence, "confidence": 0.8})
        metric = next((e for e, kind in chosen.items() if kind == "Metric"), None)
        results = [{"text": f"{rng.uniform(50, 99):.1f}% {metric.split(':', 1)[1]}", "value": 1.0, "unit": "%",
                    "metric": metric, "method": methods[0] if methods else None, "start": 0, "end": 1,
                    "sentence": 1, "evidence": sentence}] if metric else []
        records.append({"id": f"p{number}", "title": title, "abstract": text.split("\n", 1)[1], "text": text,
                        "year": 2015 + number % 10, "authors": ["A. Author"], "url": None, "venue": None,
                        "sentences": [[0, len(title)], [len(title) + 1, len(text)]],
                        "entities": entities, "relations": relations, "results": results})
    return records


PAGE_TIMINGS = """async () => {
  const frame = () => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
  const x = window.kgExplorer, network = x.network;
  const draws = [];
  let began = 0;
  network.on("beforeDrawing", () => { began = performance.now(); });
  network.on("afterDrawing", () => { draws.push(performance.now() - began); });
  network.fit({animation: false});
  await frame();
  draws.length = 0;
  for (let i = 0; i < 5; i++) { network.redraw(); await frame(); }
  const ids = x.nodes.getIds();
  const best = ids.reduce((a, b) => (x.nodes.get(b).value > x.nodes.get(a).value ? b : a), ids[0]);
  const id = JSON.parse(document.getElementById("kg-data").textContent).nodes[best][0];
  let t = performance.now();
  x.select(id);
  await frame();
  const select = performance.now() - t;
  t = performance.now();
  document.querySelector("input[data-kg-type=Paper]").click();
  await frame();
  const filter = performance.now() - t;
  draws.sort((a, b) => a - b);
  return {ready: window.kgTimings.ready, firstDraw: window.kgTimings.firstDraw,
          redraw: draws[Math.floor(draws.length / 2)], select, filter, counts: x.counts()};
}"""


def measure(sizes: list[int], runs: int) -> None:
    from playwright.sync_api import sync_playwright

    print("Python: write_html (select + layout + JSON + template); layout alone in brackets.")
    print("Browser: 'ready' = ms from navigation start to the first full frame with the main thread free;")
    print(f"median of {runs} loads. select/filter/redraw = ms to the next frame after the action.\n")
    header = f"{'nodes':>7} {'edges':>7} {'write s':>8} {'(layout)':>9} {'page KiB':>9} " \
             f"{'ready ms':>9} {'1st draw':>9} {'select':>7} {'filter':>7} {'redraw':>7}"
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as scratch, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for size in sizes:
            graph = build_graph(synthetic_records(size))
            view = select_view(graph, max_nodes=10 * size)
            started = time.perf_counter()
            layout_positions(view.nodes, [(u, v) for u, v, _, _ in view.edges])
            layout_seconds = time.perf_counter() - started
            path = Path(scratch, f"graph-{size}.html")
            started = time.perf_counter()
            write_html(graph, path, max_nodes=10 * size, title=f"bench {size}")
            write_seconds = time.perf_counter() - started
            samples = []
            for _ in range(runs):
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                errors = []
                page.on("pageerror", lambda error: errors.append(str(error)))
                page.goto(path.as_uri())
                # The page's CSP forbids the eval that wait_for_function would need.
                page.wait_for_selector("body[data-kg-ready=true]", state="attached", timeout=120_000)
                samples.append(page.evaluate(PAGE_TIMINGS))
                page.close()
                if errors:
                    sys.exit(f"page errors at {size} nodes: {errors}")
            counts = samples[0]["counts"]
            assert counts["totalNodes"] == len(view.nodes), "the page does not draw the whole graph"

            def median(key: str) -> float:
                return statistics.median(sample[key] for sample in samples)

            print(f"{counts['totalNodes']:>7} {counts['totalEdges']:>7} {write_seconds:>8.2f} "
                  f"{'(' + format(layout_seconds, '.2f') + ')':>9} {path.stat().st_size // 1024:>9} "
                  f"{median('ready'):>9.0f} {median('firstDraw'):>9.0f} {median('select'):>7.0f} "
                  f"{median('filter'):>7.0f} {median('redraw'):>7.1f}")
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 5000, 10000], help="drawn nodes per graph")
    parser.add_argument("--runs", type=int, default=3, help="page loads per size (median printed)")
    arguments = parser.parse_args()
    measure(arguments.sizes, arguments.runs)


if __name__ == "__main__":
    main()
