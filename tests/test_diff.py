"""`kg diff` for people: names not ids, reading order, merges reported as merges, text and JSON."""

from __future__ import annotations

import json

from click.testing import CliRunner

from kg.cli import cli
from kg.extract import extract_records
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
