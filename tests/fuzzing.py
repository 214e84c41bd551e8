"""Strategies, serialisers and property checks shared by the fuzzing suite (tests/test_fuzz.py).

Inputs are generated as a model (a list of records, each known to be a paper or a rejection) and written out
in every input format, so the suite knows which line holds which record and can check that each one is
accounted for exactly once. Text draws from a vocabulary the extractor knows (so mentions, results and
relations appear) mixed with the characters that broke outputs before: noncharacters, lone surrogates,
control characters, markup, huge numbers.

``TALLY`` counts every property checked, by reader and property; conftest.py prints it at the end of a run.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import xml.etree.ElementTree as ElementTree
from collections import Counter
from pathlib import Path

import networkx as nx
from hypothesis import strategies as st

TALLY: Counter = Counter()
EXAMPLES: Counter = Counter()

FORMATS = ("text", "jsonl", "json", "csv", "tsv", "bibtex")
SUFFIX = {"text": ".txt", "jsonl": ".jsonl", "json": ".json", "csv": ".csv", "tsv": ".tsv", "bibtex": ".bib"}

# Characters XML, JSON or UTF-8 can not carry, and others that stress readers and writers.
NASTY = ["\ufffe", "\uffff", "\U0001fffe", "\U0010ffff", "\ufdd0", "\ud800", "\udfff", "\x00", "\x01", "\x07",
         "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\u2028", "\u2029", "\u200b", "\ufeff", "\t", "&", "<", ">", '"',
         "'", "\\", "%", "$", "#", "{", "}", "é", "Ω", "😀", "\u0301"]
WORDS = ["We", "propose", "train", "BERT", "ResNet-50", "ViT", "GPT-2", "LoRA", "ImageNet", "CIFAR-10", "COCO",
         "GLUE", "A100", "V100 GPUs", "TPU v4", "accuracy", "top-1 accuracy", "F1", "perplexity", "latency",
         "outperforms", "builds on", "evaluated on", "runs on", "compared with", "87.3%", "2.5x", "12 ms",
         "1e309", "1" + "0" * 400 + "%", "NaN", "Infinity", "-0", "\\textbf{x}", "$O(n^2)$", "\\%", "{BERT}",
         "<script>window.kgInjected='s'</script>", "<img src=x onerror=\"window.kgInjected='i'\">",
         "]]>", "<!--", "&amp;", "\"quoted\"", "MATCH (n) DETACH DELETE n;", "and", "the", "on", "with", "of"]


def _piece() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(WORDS), st.sampled_from(NASTY),
                     st.text(st.characters(codec="utf-8", exclude_characters="\n\r"), max_size=8))


def prose(min_pieces: int = 1, max_pieces: int = 30) -> st.SearchStrategy[str]:
    """A line of text: known words, nasty characters and arbitrary characters, no line breaks."""
    return st.lists(_piece(), min_size=min_pieces, max_size=max_pieces).map(" ".join)


# A title must survive as a title in every format: a letter to stand on, no full stop at the end.
TITLES = st.one_of(st.sampled_from(["Alpha paper", "Gamma paper", "BERT on ImageNet", "Alpha  Paper!"]),
                   prose(1, 8)).map(lambda t: "T " + t.replace(".", ";") + " x")
ABSTRACTS = prose(1, 40).map(lambda a: "A " + a + " end.")
IDS = st.one_of(st.none(), st.sampled_from(["k", "gamma-paper-4ae2b0f5", "alpha-paper-5e3f0a4e", "x\x01y", "7"]),
                st.integers(-5, 10**20), prose(1, 3))
YEARS = st.one_of(st.none(), st.integers(1900, 2100), st.sampled_from(["2020", "20x0", "", "1e309"]))


@st.composite
def records(draw, *, bad: bool = True) -> dict:
    """One input record: a paper, or (when *bad*) one with a field that must get it rejected."""
    record = {"title": draw(TITLES), "abstract": draw(ABSTRACTS)}
    if (given := draw(IDS)) is not None:
        record["id"] = given
    if (year := draw(YEARS)) is not None:
        record["year"] = year
    if draw(st.booleans()):
        record["authors"] = draw(st.lists(prose(1, 3), max_size=3))
    if draw(st.booleans()):
        record["venue"] = draw(prose(1, 4))
    if bad and draw(st.integers(0, 5)) == 0:
        flaw = draw(st.sampled_from(["no title", "no abstract", "control abstract", "bad year"]))
        if flaw == "no title":
            record["title"] = " "
        elif flaw == "no abstract":
            record.pop("abstract")
        elif flaw == "control abstract":
            record["abstract"] = "\x01\x02 \x7f"
        else:
            record["year"] = "year twenty"
    return record


def _no_surrogates(text: str) -> str:
    """Formats stored as UTF-8 text can not hold lone surrogates at all (only JSON can escape them)."""
    return "".join("?" if "\ud800" <= ch <= "\udfff" else ch for ch in text)


def serialise(fmt: str, recs: list[dict], *, draw_bool=lambda: False) -> tuple[str, list[int]]:
    """The file text for *recs* in *fmt*, and the line each record starts on."""
    lines: list[str] = []
    starts: list[int] = []
    if fmt in ("jsonl", "json"):
        if fmt == "json":
            lines.append("[")
        for index, rec in enumerate(recs):
            starts.append(len(lines) + 1)
            text = json.dumps(rec, ensure_ascii=True if draw_bool() or _has_surrogate(rec) else False)
            lines.append(text + ("," if fmt == "json" and index < len(recs) - 1 else ""))
        if fmt == "json":
            lines.append("]")
        return "\n".join(lines) + "\n", starts
    if fmt in ("csv", "tsv"):
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, delimiter="," if fmt == "csv" else "\t", lineterminator="\n",
                            quoting=csv.QUOTE_ALL)
        writer.writerow(["id", "title", "abstract", "year", "authors", "venue"])
        line = 2
        for rec in recs:
            starts.append(line)
            row = [_no_surrogates(_csv_value(rec.get(name))) for name in ("id", "title", "abstract", "year")]
            row += [_no_surrogates(";".join(rec.get("authors", []))), _no_surrogates(rec.get("venue", ""))]
            before = buffer.tell()
            writer.writerow(row)
            line += buffer.getvalue()[before:].count("\n")
        return buffer.getvalue(), starts
    if fmt == "bibtex":
        for index, rec in enumerate(recs):
            starts.append(len(lines) + 1)
            key = _bib_key(rec.get("id"), index)
            lines.append(f"@article{{{key},")
            for name, value in (("title", rec.get("title")), ("abstract", rec.get("abstract")),
                                ("year", rec.get("year")), ("author", " and ".join(rec.get("authors", []))),
                                ("journal", rec.get("venue"))):
                if value not in (None, ""):
                    lines.append(f"  {name} = {{{_bib_value(str(value))}}},")
            lines.append("}")
            lines.append("")
        return "\n".join(lines), starts
    # text: a title line, an abstract line, a blank line
    for rec in recs:
        starts.append(len(lines) + 1)
        lines.append(_no_surrogates(rec["title"]).replace("\r", " "))
        lines.append(_no_surrogates(rec.get("abstract", "")).replace("\r", " "))
        lines.append("")
    return "\n".join(lines), starts


def _has_surrogate(value) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in json.dumps(value, ensure_ascii=False))


def _csv_value(value) -> str:
    return "" if value is None else str(value)


def _bib_key(given, index: int) -> str:
    text = "".join(ch for ch in str(given if given is not None else f"r{index}") if ch.isalnum() or ch in "-_:")
    return text or f"r{index}"


def _bib_value(text: str) -> str:
    """A BibTeX value with balanced braces (a stray brace is fuzzed separately) and no surrogates."""
    text = _no_surrogates(text).replace("\n", " ").replace("\r", " ")
    depth, out = 0, []
    for ch in text:
        if ch == "{":
            depth += 1
        elif ch == "}":
            if depth == 0:
                continue
            depth -= 1
        out.append(ch)
    return "".join(out) + "}" * depth


def note(reader: str, prop: str, examples: int = 1) -> None:
    TALLY[(reader, prop)] += examples


# --- property checks ----------------------------------------------------------------------


def check_accounted(reader: str, result_or_error, starts: list[int] | None, path: str) -> None:
    """Every record is a paper (its first source), a merged duplicate (another source) or a rejection, once."""
    from kg.errors import InputError

    if isinstance(result_or_error, InputError):  # no paper at all: the error names the file (and line)
        assert path in str(result_or_error), result_or_error
        note(reader, "accounted for exactly once")
        return
    report, papers = result_or_error.report, result_or_error.papers
    seen = [(s.path, s.line) for p in papers for s in p.sources] + [(r.path, r.line, *_item(reader, r.reason))
                                                                    for r in report.rejected]
    assert report.records_read == report.papers + report.duplicates_merged + len(report.rejected) - sum(
        1 for r in report.rejected if r.line is None)
    assert len(papers) == report.papers
    assert len(set(seen)) == len(seen), f"a line accounted twice: {seen}"
    if starts is not None:
        assert sorted(line for p, line, *_ in seen if p == path) == sorted(starts), (seen, starts)
    for rejection in report.rejected:
        assert rejection.path and rejection.reason and "Exception" not in rejection.reason
    assert len({p.id for p in papers}) == len(papers), "two papers share an id"
    note(reader, "accounted for exactly once")


def _item(reader: str, reason: str) -> tuple[str, ...]:
    """Which item of a JSON array a rejection is about: a line of an array can hold several items (a minified
    array, or one item after another on a line), each accounted for once. Other readers: a line is a record."""
    if reader != "json":
        return ()
    found = re.search(r"(?:after )?item \d+|after the end of the array", reason)
    return (found.group(0),) if found else ()


def check_clean_papers(reader: str, papers) -> None:
    from kg.ingest.sanitise import is_clean

    for paper in papers:
        for value in (paper.id, paper.title, paper.abstract, paper.venue or "", paper.url or "", *paper.authors):
            assert is_clean(value), repr(value)
            value.encode("utf-8")
    note(reader, "sanitised text")


def check_records(reader: str, records: list[dict]) -> None:
    for record in records:
        text = record["text"]
        for entity in record["entities"]:
            for mention in entity["mentions"]:
                assert text[mention["start"]:mention["end"]] == mention["text"], mention
        for result in record["results"]:
            assert text[result["start"]:result["end"]] == result["text"], result
            assert math.isfinite(result["value"]), result
        for start, end in record["sentences"]:
            assert 0 <= start <= end <= len(text)
        line = json.dumps(record, ensure_ascii=False, allow_nan=False)
        line.encode("utf-8")
        assert json.loads(line) == record
    note(reader, "offsets index the text")
    note(reader, "records strict JSON")


def strict_json_load(text: str):
    def refuse(constant):
        raise ValueError(f"not strict JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def check_snapshot(reader: str, directory: Path, n_papers: int | None = None) -> nx.MultiDiGraph:
    """graph.json and manifest.json strict JSON; graph.graphml well-formed and read back equal."""
    from kg.export.graphml import read_graphml
    from kg.graph.json_graph import graph_from_data

    data = strict_json_load((directory / "graph.json").read_text(encoding="utf-8"))
    strict_json_load((directory / "manifest.json").read_text(encoding="utf-8"))
    graph = graph_from_data(data)
    if n_papers is not None:
        assert sum(1 for _, label in graph.nodes(data="label") if label == "Paper") == n_papers
    note(reader, "graph.json strict JSON")
    ElementTree.parse(directory / "graph.graphml")
    back = read_graphml(directory / "graph.graphml")
    assert set(back.nodes) == set(graph.nodes)
    assert back.number_of_edges() == graph.number_of_edges()
    for node, attrs in graph.nodes(data=True):
        for name in ("name", "title", "abstract", "label"):
            if attrs.get(name) is not None:
                assert back.nodes[node][name] == attrs[name], (node, name)
    note(reader, "graph.graphml well-formed, round-trips")
    return graph
