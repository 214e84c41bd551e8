"""Paper dates from every input format, first_seen and papers per month on entities, `kg stats --since`."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.errors import InputError
from kg.graph.build import build_graph
from kg.ingest import read_papers
from kg.ingest.dates import page_date, parse_date

ABSTRACT = "We train ResNet-50 on ImageNet with SGD on an A100 GPU and reach 76% top-1 accuracy."


def _set_mtime(path: Path, day: dt.date) -> None:
    stamp = dt.datetime(day.year, day.month, day.day, 12).timestamp()
    os.utime(path, (stamp, stamp))


def test_pasted_page_dates_take_the_year_from_the_option(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("Subscribe\n\nMar 12\n\nFirst Paper\n\n" + ABSTRACT + "\n\nSecond Paper\n\n" + ABSTRACT
                    + "\n\nMar 14\n\nThird Paper\n\n" + ABSTRACT + "\n", encoding="utf-8")
    papers = read_papers([page], year=2024).papers
    assert [(p.title, p.date, p.year) for p in papers] == [
        ("First Paper", "2024-03-12", 2024), ("Second Paper", "2024-03-12", 2024), ("Third Paper", "2024-03-14", 2024)]


def test_pasted_page_dates_take_the_year_from_the_files_date(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("Dec 30\n\nLate Paper\n\n" + ABSTRACT + "\n\nJan 2\n\nEarly Paper\n\n" + ABSTRACT + "\n",
                    encoding="utf-8")
    _set_mtime(page, dt.date(2025, 1, 3))
    papers = read_papers([page]).papers
    # saved on 2025-01-03: a "Dec 30" page can only be from the year before
    assert [p.date for p in papers] == ["2024-12-30", "2025-01-02"]


def test_pasted_page_date_with_its_own_year_and_a_page_without_dates(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("Mar 12, 2023\n\nA Paper\n\n" + ABSTRACT + "\n", encoding="utf-8")
    assert read_papers([page], year=2030).papers[0].date == "2023-03-12"
    undated = tmp_path / "undated.txt"
    undated.write_text("A Paper\n\n" + ABSTRACT + "\n", encoding="utf-8")
    assert read_papers([undated], year=2030).papers[0].date is None


def test_an_impossible_page_date_names_file_and_line(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("Subscribe\nFeb 30\nA Paper\n" + ABSTRACT + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"page\.txt:2: page date 'Feb 30'"):
        read_papers([page], year=2024)
    result = read_papers([page], year=2024, skip_invalid=True)
    assert len(result.papers) == 1 and result.papers[0].date is None
    assert result.report.rejected[0].line == 2


def test_jsonl_date_and_year_fields(tmp_path):
    path = tmp_path / "papers.jsonl"
    rows = [{"title": "A", "abstract": ABSTRACT, "date": "2024-03-12"},
            {"title": "B", "abstract": ABSTRACT, "year": 2023},
            {"title": "C", "abstract": ABSTRACT, "date": "2024-05-01T10:00:00Z", "year": "2024"},
            {"title": "D", "abstract": ABSTRACT, "date": "2022-11"},
            {"title": "E", "abstract": ABSTRACT}]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    papers = read_papers([path]).papers
    assert [(p.date, p.year) for p in papers] == [("2024-03-12", 2024), ("2023", 2023), ("2024-05-01", 2024),
                                                  ("2022-11", 2022), (None, None)]


@pytest.mark.parametrize("row, message", [
    ({"date": "12/03/2024"}, "'date' must be an ISO date"),
    ({"date": "2024-02-30"}, "day is out of range"),
    ({"date": "2024-03-12", "year": 2023}, "is not in 'year' 2023"),
])
def test_bad_dates_name_file_and_line(tmp_path, row, message):
    path = tmp_path / "papers.jsonl"
    path.write_text(json.dumps({"title": "ok", "abstract": ABSTRACT}) + "\n"
                    + json.dumps({"title": "A", "abstract": ABSTRACT, **row}) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=rf"papers\.jsonl:2: .*{message}"):
        read_papers([path])


def test_csv_date_and_year_columns(tmp_path):
    path = tmp_path / "papers.csv"
    path.write_text(f'title,abstract,year,date\nA,"{ABSTRACT}",,2024-03-12\nB,"{ABSTRACT}",2021,\n',
                    encoding="utf-8")
    assert [(p.date, p.year) for p in read_papers([path]).papers] == [("2024-03-12", 2024), ("2021", 2021)]


def test_bibtex_year_month_and_date(tmp_path):
    path = tmp_path / "refs.bib"
    path.write_text(
        "@article{a, title={A}, abstract={" + ABSTRACT + "}, year={2024}, month=mar}\n"
        "@article{b, title={B}, abstract={" + ABSTRACT + "}, year={2023}}\n"
        "@article{c, title={C}, abstract={" + ABSTRACT + "}, date={2022-07-15}}\n"
        "@article{d, title={D}, abstract={" + ABSTRACT + "}, year={2020}, month={11}}\n",
        encoding="utf-8")
    assert [(p.id, p.date) for p in read_papers([path]).papers] == [
        ("a", "2024-03"), ("b", "2023"), ("c", "2022-07-15"), ("d", "2020-11")]


def test_a_paper_on_two_pages_is_dated_by_the_earlier(tmp_path):
    first = tmp_path / "mar21.txt"
    first.write_text("Mar 21\n\nA Paper\n\n" + ABSTRACT + "\n", encoding="utf-8")
    second = tmp_path / "mar12.txt"
    second.write_text("Mar 12\n\nA Paper\n\n" + ABSTRACT + "\n", encoding="utf-8")
    [paper] = read_papers([first, second], year=2024).papers
    assert paper.date == "2024-03-12" and len(paper.sources) == 2
    from kg.ingest import earlier_date

    assert earlier_date("2024", "2024-03-12") == "2024-03-12"
    assert earlier_date("2024-03-12", "2023-12") == "2023-12"


def test_date_parsing_helpers():
    assert parse_date("March 2024") == "2024-03"
    assert parse_date("Mar 12, 2024") == "2024-03-12"
    assert parse_date(2024) == "2024"
    assert page_date("Mar 12", 2024) == "2024-03-12"
    assert page_date("2024-03-12", None) == "2024-03-12"
    assert page_date("Marconi 12", 2024) is None
    assert page_date("Mar 12", None) is None


def _record(paper_id, date, entity_ids):
    return {"id": paper_id, "title": paper_id, "abstract": "", "date": date, "text": paper_id, "sentences": [[0, 1]],
            "entities": [{"id": e, "type": "Method", "name": e.split(":")[1], "aliases": [],
                          "mentions": [{"start": 0, "end": 1, "sentence": 0}]} for e in entity_ids],
            "relations": [], "results": []}


def test_entities_get_first_seen_and_papers_per_month(tmp_path):
    graph = build_graph([_record("a", "2024-03-12", ["method:x", "method:y"]),
                         _record("b", "2024-03-20", ["method:x"]),
                         _record("c", "2024-04-02", ["method:x"]),
                         _record("d", "2023", ["method:y"]),
                         _record("e", None, ["method:z"])])
    x, y, z = (graph.nodes[f"method:{n}"] for n in "xyz")
    assert (x["first_seen"], x["papers_per_month"]) == ("2024-03-12", {"2024-03": 2, "2024-04": 1})
    assert (y["first_seen"], y["papers_per_month"]) == ("2023", {"2024-03": 1})  # a year-only paper has no month
    assert "first_seen" not in z and "papers_per_month" not in z
    assert graph.nodes["paper:a"]["date"] == "2024-03-12"
    # the snapshot's schema knows the new attributes, and GraphML round-trips them
    import jsonschema

    from kg.export.graphml import generate_graphml_graph, read_graphml, write_graphml
    from kg.graph.json_graph import graph_data

    schema = json.loads((Path(__file__).parents[1] / "schemas" / "graph.schema.json").read_text())
    jsonschema.validate(graph_data(graph), schema)
    bad = graph_data(graph)
    next(n for n in bad["nodes"] if n["id"] == "method:x")["first_seen"] = "March 2024"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)
    write_graphml(graph, tmp_path / "g.graphml")
    assert read_graphml(tmp_path / "g.graphml").nodes["method:x"]["papers_per_month"] == {"2024-03": 2, "2024-04": 1}
    assert generate_graphml_graph(graph).nodes["method:x"]["first_seen"] == "2024-03-12"


def test_stats_since_lists_what_is_new(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("Mar 12\n\nFastNet: Fast Networks\n\nWe propose FastNet and evaluate it on ImageNet.\n\n"
                    "Mar 21\n\nSlowNet: Slow Networks\n\n"
                    "We propose SlowNet and evaluate it on ImageNet and CIFAR-10.\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli, ["build", str(page), "-o", str(tmp_path / "snap"), "--year", "2024", "-q",
                                 "--no-html"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["stats", str(tmp_path / "snap"), "--since", "2024-03-15", "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)["since"]
    assert info["date"] == "2024-03-15" and info["papers"] == 1
    names = {entity["name"] for entities in info["new"].values() for entity in entities}
    assert {"SlowNet", "CIFAR-10"} <= names
    assert "ImageNet" not in names and "FastNet" not in names  # first seen on Mar 12
    text = runner.invoke(cli, ["stats", str(tmp_path / "snap"), "--since", "2024-03-15"])
    assert text.exit_code == 0 and "SlowNet" in text.output and "since 2024-03-15" in text.output
    bad = runner.invoke(cli, ["stats", str(tmp_path / "snap"), "--since", "yesterday"])
    assert bad.exit_code != 0 and "date" in bad.output
