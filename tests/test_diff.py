"""`kg diff` for people: names not ids, reading order, merges reported as merges, text and JSON."""

from __future__ import annotations

import json

from click.testing import CliRunner

from kg.cli import cli
from kg.execute import extract_records
from kg.graph import build_graph
from kg.graph.diff import diff_graphs, format_diff
from kg.ingest.paper import Paper

A = Paper(id="a", title="Faster Sequence Models", date="2024-03-01",
          abstract="We train an RNN on the Penn Treebank and report perplexity.")
B = Paper(id="b", title="Recurrent Networks Revisited", date="2024-03-08",
          abstract="We study recurrent neural networks (RNNs) for language modeling and reach 55.1 perplexity "
                   "on the Penn Treebank.")
C = Paper(id="c", title="FastNet: Fast Networks", date="2024-03-09",
          abstract="We propose FastNet and evaluate FastNet on CIFAR-10 and the Penn Treebank with an A100 GPU.")


def test_an_entity_folded_into_another_is_reported_as_merged_not_removed():
    old = build_graph(extract_records([A]))
    new = build_graph(extract_records([A, B]))
    assert "method:rnn" in old and "method:rnn" not in new  # resolution folded the acronym into its long form
    changes = diff_graphs(old, new)
    assert changes["entities"]["removed"] == []
    [merged] = changes["entities"]["merged"]
    assert (merged["name"], merged["into"]["name"]) == ("RNN", "recurrent neural network")
    new_names = {e["name"]: e for e in changes["entities"]["new"]}
    assert new_names["recurrent neural network"]["merged_from"] == ["RNN"]
    [result] = changes["results"]["new"]
    assert result["paper_title"] == "Recurrent Networks Revisited" and result["value"] == 55.1
    text = format_diff(changes)
    assert "recurrent neural network  (2 papers, first seen 2024-03-01; RNN merged into it)" in text
    assert "RNN -> recurrent neural network" in text
    assert "method:" not in text  # names, not ids


def test_sections_come_in_reading_order_and_new_entities_by_paper_count():
    old = build_graph(extract_records([A]))
    new = build_graph(extract_records([A, B, C]))
    changes = diff_graphs(old, new)
    counts = [e["papers"] for e in changes["entities"]["new"]]
    assert counts == sorted(counts, reverse=True)
    assert changes["entities"]["movers"][0]["name"] == "Penn Treebank"
    assert changes["entities"]["movers"][0]["change"] == 2
    text = format_diff(changes)
    order = [text.index(title) for title in ("new entities", "removed entities", "merged into another entity",
                                             "biggest movers", "new results")]
    assert order == sorted(order)
    # removing a paper: its entities are removed, not merged
    back = diff_graphs(new, build_graph(extract_records([A, B])))
    assert {e["name"] for e in back["entities"]["removed"]} >= {"FastNet", "CIFAR-10"}
    assert back["entities"]["merged"] == []


def test_cli_diff_text_and_json(tmp_path):
    from kg.graph.snapshot import write_snapshot

    write_snapshot(build_graph(extract_records([A])), tmp_path / "old")
    write_snapshot(build_graph(extract_records([A, B, C])), tmp_path / "new")
    runner = CliRunner()
    text = runner.invoke(cli, ["diff", str(tmp_path / "old"), str(tmp_path / "new"), "--limit", "1"])
    assert text.exit_code == 0, text.output
    assert "RNN -> recurrent neural network" in text.output and "more (--limit or --json" in text.output
    data = runner.invoke(cli, ["diff", str(tmp_path / "old"), str(tmp_path / "new"), "--json"])
    assert data.exit_code == 0
    parsed = json.loads(data.output)
    assert set(parsed) == {"papers", "entities", "results", "relationships"}
    assert [p["id"] for p in parsed["papers"]["added"]] == ["paper:b", "paper:c"]


# -- bulk snapshots: the diff streams their files, with the in-memory diff's output --------------------------------

D = Paper(id="d", title="Transformers for Vision", date="2024-03-10",
          abstract="We propose ViTNet, which outperforms ResNet-50 on ImageNet with 81.2% top-1 accuracy on 8 V100 GPUs.")


def _bulk(records, directory):
    from kg.graph.bulk import write_bulk_snapshot

    write_bulk_snapshot(lambda: iter(records), directory, top=3)
    return directory


def _no_whole_graph(monkeypatch):
    """Reading a bulk snapshot whole (or building any graph from it) fails the test."""
    import kg.graph.snapshot as snapshot

    def refuse(*args, **kwargs):
        raise AssertionError("the bulk snapshot was loaded whole")

    monkeypatch.setattr(snapshot, "load_whole_graph", refuse)
    monkeypatch.setattr(snapshot, "iter_nodes", refuse)
    monkeypatch.setattr(snapshot, "iter_edges", refuse)


def test_diff_of_bulk_snapshots_streams_and_equals_the_in_memory_diff(tmp_path, monkeypatch):
    from kg.graph.diff import diff_snapshots

    old_records = extract_records([A, C, D])
    new_records = extract_records([A, B, D])
    new_records[-1]["results"] = new_records[-1]["results"][:0]  # a result that went
    old_bulk, new_bulk = _bulk(old_records, tmp_path / "old"), _bulk(new_records, tmp_path / "new")
    expected = diff_graphs(build_graph(old_records), build_graph(new_records))
    # everything the diff reports is exercised: added and removed papers, a merge, removals, movers, new results
    assert expected["papers"]["added"] and expected["papers"]["removed"] and expected["entities"]["merged"]
    assert expected["entities"]["removed"] and expected["entities"]["movers"] and expected["results"]["new"]
    assert any(c["removed"] for c in expected["relationships"].values())
    _no_whole_graph(monkeypatch)
    assert diff_snapshots(old_bulk, new_bulk) == expected
    assert diff_snapshots(new_bulk, old_bulk) == diff_graphs(build_graph(new_records), build_graph(old_records))
    # the CLI prints the same, byte for byte, as for full snapshots of the same graphs
    from kg.graph.snapshot import write_snapshot

    write_snapshot(build_graph(old_records), tmp_path / "old-full")
    write_snapshot(build_graph(new_records), tmp_path / "new-full")
    runner = CliRunner()
    for flags in ([], ["--json"]):
        bulk = runner.invoke(cli, ["diff", str(old_bulk), str(new_bulk), *flags])
        assert bulk.exit_code == 0, bulk.output
        full = runner.invoke(cli, ["diff", str(tmp_path / "old-full"), str(tmp_path / "new-full"), *flags])
        assert bulk.output == full.output


def test_diff_of_a_full_and_a_bulk_snapshot_equals_the_in_memory_diff(tmp_path, monkeypatch):
    from kg.graph.diff import diff_snapshots
    from kg.graph.snapshot import write_snapshot

    old_records, new_records = extract_records([A]), extract_records([A, B, C])
    write_snapshot(build_graph(old_records), tmp_path / "old")
    new_bulk = _bulk(new_records, tmp_path / "new")
    _no_whole_graph(monkeypatch)
    assert diff_snapshots(tmp_path / "old", new_bulk) == diff_graphs(build_graph(old_records), build_graph(new_records))
    assert diff_snapshots(new_bulk, tmp_path / "old") == diff_graphs(build_graph(new_records), build_graph(old_records))


def test_diff_streams_agrees_with_diff_graphs_on_graphs():
    """The streamed diff over a graph's nodes and edges is the graph diff (every case of this file)."""
    from kg.graph.diff import diff_streams, graph_source

    graphs = [build_graph(extract_records(papers)) for papers in ([A], [A, B], [A, B, C], [C, D], [A, D])]
    for old in graphs:
        for new in graphs:
            assert diff_streams(graph_source(old), graph_source(new)) == diff_graphs(old, new)
