"""Reading every input format, merging duplicates, and rejecting bad input with file and line."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from kg.errors import InputError
from kg.ingest import read_papers
from kg.ingest.latex import clean_latex
from kg.ingest.paper import Paper, paper_id_from_title

DATA = Path(__file__).parent / "data"
SAMPLE = Path(__file__).parents[1] / "kg" / "data" / "sample_corpus"


def test_pasted_text_without_blank_lines_skips_glued_boilerplate():
    result = read_papers([DATA / "pasted-no-blank-lines.txt"])
    titles = [p.title for p in result.papers]
    assert titles[0] == "Marconi: Prefix Caching for the Era of Hybrid LLMs"
    assert len(titles) == 3
    assert all(p.abstract and not p.abstract.startswith("Get trending") for p in result.papers)
    assert result.papers[0].sources[0].line == 3


def test_pasted_text_with_blank_lines_and_page_header():
    result = read_papers([DATA / "pasted-blank-lines.txt"])
    assert [p.title for p in result.papers] == [
        "FlashAttention-2: Faster Attention with Better Parallelism and Work Partitioning",
        "Multimodal Mamba: Decoder-only Multimodal State Space Model via Quadratic to Linear Distillation",
        "Learning Hierarchical Polynomials with Three-Layer Neural Networks",
        "On Expressivity and Trainability of Quadratic Networks",
    ]
    assert "Mar 12" not in " ".join(p.title for p in result.papers)


def test_multi_paragraph_abstract_is_one_paper(tmp_path):
    path = tmp_path / "two.txt"
    path.write_text(
        "A Title: With A Colon\n\nFirst paragraph of the abstract ends here.\n\n"
        "Second paragraph also belongs to the abstract and is long enough to be prose.\n\n"
        "Another Paper\n\nIts abstract.\n",
        encoding="utf-8",
    )
    papers = read_papers([path]).papers
    assert [p.title for p in papers] == ["A Title: With A Colon", "Another Paper"]
    assert papers[0].abstract.endswith("long enough to be prose.")


def test_sample_corpus_counts_and_duplicates():
    result = read_papers(sorted(SAMPLE.glob("*.txt")))
    assert result.report.records_read == 375
    assert result.report.duplicates_merged == 18
    assert len(result.papers) == result.report.papers == 357
    assert sum(len(p.sources) - 1 for p in result.papers) == 18
    assert len({p.id for p in result.papers}) == 357


def test_jsonl_keeps_ids_and_optional_fields():
    papers = read_papers([DATA / "papers.jsonl"]).papers
    assert [p.id for p in papers] == ["d000", "d001", "d002", "d003"]
    assert papers[0].year == 2024
    assert papers[0].authors == ["Ada Lovelace", "Alan Turing"]
    assert papers[0].venue == "NeurIPS"


def test_csv_and_bibtex_read_the_same_papers_as_jsonl():
    jsonl = read_papers([DATA / "papers.jsonl"]).papers
    csv_papers = read_papers([DATA / "papers.csv"]).papers
    bib = read_papers([DATA / "papers.bib"]).papers
    assert [p.title for p in csv_papers] == [p.title for p in jsonl]
    assert [p.abstract for p in csv_papers] == [p.abstract for p in jsonl]
    assert [p.title for p in bib] == [p.title for p in jsonl[:3]]
    assert [p.abstract for p in bib] == [p.abstract for p in jsonl[:3]]  # "\%" cleaned back to "%"
    assert bib[0].id == "key0" and bib[0].year == 2023 and bib[0].venue == "Proceedings of Something"
    assert bib[0].authors == ["Lovelace, Ada", "Turing, Alan"]
    assert csv_papers[0].authors == ["A. Author", "B. Author"]


def test_same_paper_in_several_formats_is_one_paper():
    result = read_papers([DATA / "papers.jsonl", DATA / "papers.csv", DATA / "papers.bib"])
    assert len(result.papers) == 4
    assert result.report.duplicates_merged == 7
    assert [p.id for p in result.papers] == ["d000", "d001", "d002", "d003"]
    assert {s.path.rsplit("/", 1)[-1] for s in result.papers[0].sources} == {"papers.jsonl", "papers.csv", "papers.bib"}


def test_stdin_needs_and_uses_format(monkeypatch):
    line = json.dumps({"title": "T", "abstract": "A."}) + "\n"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(line.encode())))
    papers = read_papers(["-"], format="jsonl").papers
    assert papers[0].title == "T" and papers[0].id == paper_id_from_title("T")
    with pytest.raises(InputError, match="--format"):
        read_papers(["-"])


def test_ids_derive_from_normalised_title():
    assert paper_id_from_title("Attention Is All You Need") == paper_id_from_title("attention is all you need!")
    assert paper_id_from_title("Attention Is All You Need") != paper_id_from_title("Attention Is Not All You Need")


def test_latex_escapes_are_cleaned_with_offsets_into_the_raw_text():
    raw = r"achieving up to 256\% relative improvement and \textbf{2}$\times$ speed"
    clean, offsets = clean_latex(raw)
    assert clean == "achieving up to 256% relative improvement and 2× speed"
    assert len(offsets) == len(clean)
    start = clean.index("256%")
    assert raw[offsets[start]: offsets[start + 2] + 1] == "256"
    assert raw[offsets[start + 3] - 1: offsets[start + 3] + 1] == "\\%"
    assert raw[offsets[clean.index("relative")]:].startswith("relative")


def _write(tmp_path, name, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "content", "line", "message"),
    [
        ("bad.jsonl", '{"title": "A", "abstract": "x"}\n{"title": "B", "abstract": \n', 2, "malformed JSON"),
        ("noabs.jsonl", '{"title": "A", "abstract": "x"}\n\n{"title": "B"}\n', 3, "has no abstract"),
        ("notobj.jsonl", "[1, 2]\n", 1, "expected a JSON object"),
        ("bad.csv", 'title,abstract\n"A","x"\n"B","y","z"\n', 3, "3 fields"),
        ("quote.csv", 'title,abstract\n"A","x"\n"B,"y\n', 3, "malformed CSV"),
        ("cols.csv", "name,text\nA,x\n", 1, "lacks column"),
        ("enc.txt", "Title One\nAbstract one.\nTitle Two\n".encode() + b"Caf\xe9 abstract.\n", 4, "not valid UTF-8"),
        ("noabs.txt", "Title One\nThe abstract of the first paper.\nLonely Title\n", 3, "not followed by an abstract"),
        ("year.jsonl", '{"title": "A", "abstract": "x", "year": "last year"}\n', 1, "four-digit year"),
        ("bad.bib", "@article{a,\n  title={A},\n  abstract={x}\n}\n\n@article{b,\n  title={B\n", 6, "malformed BibTeX"),
    ],
)
def test_bad_input_names_file_and_line(tmp_path, name, content, line, message):
    path = _write(tmp_path, name, content)
    with pytest.raises(InputError) as caught:
        read_papers([path])
    assert caught.value.path == str(path)
    assert caught.value.line == line
    assert message in str(caught.value)
    assert str(caught.value).startswith(f"{path}:{line}: ")


def test_missing_file_and_unknown_extension(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_papers([tmp_path / "nope.jsonl"])
    odd = _write(tmp_path, "papers.xyz", "x")
    with pytest.raises(InputError, match="--format"):
        read_papers([odd])


def test_skip_invalid_reports_and_keeps_going(tmp_path):
    path = _write(
        tmp_path, "mixed.jsonl",
        '{"title": "Good One", "abstract": "x"}\n{oops\n{"title": "No Abstract"}\n{"title": "Good Two", "abstract": "y"}\n',
    )
    result = read_papers([path], skip_invalid=True)
    assert [p.title for p in result.papers] == ["Good One", "Good Two"]
    assert [(r.line, r.reason.split(":")[0]) for r in result.report.rejected] == [
        (2, "malformed JSON"), (3, "paper 'No Abstract' has no abstract"),
    ]
    assert result.report.to_dict()["rejected"] == 2


def test_titles_in_other_scripts_or_of_punctuation_only_are_not_merged(tmp_path):
    path = _write(tmp_path, "odd.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in [
        {"title": "!!!", "abstract": "First."}, {"title": "???", "abstract": "Second."},
        {"title": "深度学习的新方法", "abstract": "Third."}, {"title": "图神经网络加速", "abstract": "Fourth."},
    ]) + "\n")
    result = read_papers([path])
    assert len(result.papers) == 4 and result.report.duplicates_merged == 0
    assert len({p.id for p in result.papers}) == 4


def test_same_id_different_titles_keeps_both_papers_and_reports_it(tmp_path):
    path = _write(tmp_path, "ids.jsonl",
                  '{"id": "p1", "title": "Paper One", "abstract": "Short."}\n'
                  '{"id": "p1", "title": "Another Paper", "abstract": "A much longer abstract than the first."}\n')
    result = read_papers([path])
    assert [(p.id, p.title, p.abstract) for p in result.papers] == [
        ("p1", "Paper One", "Short."),
        (paper_id_from_title("Another Paper"), "Another Paper", "A much longer abstract than the first."),
    ]
    assert result.report.to_dict()["ids_rederived"] == [
        {"path": str(path), "line": 2, "id": "p1", "new_id": paper_id_from_title("Another Paper")}]


def test_a_given_id_wins_over_a_derived_one_whatever_the_order():
    forward = read_papers([DATA / "pasted-blank-lines.txt", DATA / "papers.jsonl"]).papers
    backward = read_papers([DATA / "papers.jsonl", DATA / "pasted-blank-lines.txt"]).papers
    quadratic = "On Expressivity and Trainability of Quadratic Networks"
    assert {p.id for p in forward if p.title == quadratic} == {p.id for p in backward if p.title == quadratic} == {"d001"}


def test_jsonl_splits_on_newlines_only(tmp_path):
    path = _write(tmp_path, "sep.jsonl", json.dumps({"title": "A\u2028B", "abstract": "x\u0085y"}, ensure_ascii=False)
                  + "\r\n")
    assert len(read_papers([path]).papers) == 1


def test_csv_with_long_fields_and_a_quoting_error_says_the_rest_was_not_read(tmp_path):
    long_abstract = "word " * 40000  # over the csv module's default 128 KB field limit
    path = _write(tmp_path, "long.csv", f'title,abstract\nLong,"{long_abstract}"\nShort,"fine"\n')
    assert [p.title for p in read_papers([path]).papers] == ["Long", "Short"]
    broken = _write(tmp_path, "broken.csv", 'title,abstract\n"A","x"\n"B,"y\nC,z\n')
    result = read_papers([broken], skip_invalid=True)
    assert "the rest of the file was not read" in result.report.rejected[0].reason


@pytest.mark.parametrize("content", ["", "\n\n", "Get trending papers in your email inbox!\nSubscribe\nMar 12\n"])
def test_a_file_without_papers_is_an_error(tmp_path, content):
    path = _write(tmp_path, "empty.txt", content)
    with pytest.raises(InputError, match="no papers found"):
        read_papers([path])


def test_control_characters_are_removed_and_an_abstract_empty_after_cleaning_is_rejected(tmp_path):
    path = _write(tmp_path, "ctl.jsonl", '{"title": "A\\u0000B", "abstract": "x\\u0007y"}\n'
                                         '{"title": "C", "abstract": "\\\\textbf{}"}\n')
    with pytest.raises(InputError, match="no abstract once LaTeX"):
        read_papers([path])
    papers = read_papers([path], skip_invalid=True).papers
    assert [(p.title, p.abstract) for p in papers] == [("AB", "xy")]


def test_bibtex_accents_braces_venue_and_authors_are_cleaned(tmp_path):
    path = _write(tmp_path, "acc.bib", r"""@inproceedings{g1,
  title = {G\"odel Machines and \'Ecole Nets},
  author = {M{\"u}ller, J. and {Google Research}},
  booktitle = {{NeurIPS}},
  abstract = {We propose Na\"{\i}veNet, 50\% faster.}
}
""")
    paper = read_papers([path]).papers[0]
    assert paper.title == "Gödel Machines and École Nets"
    assert paper.abstract == "We propose NaïveNet, 50% faster."
    assert paper.authors == ["Müller, J.", "Google Research"]
    assert paper.venue == "NeurIPS"


def test_bibtex_duplicate_key_keeps_both_papers_and_reports_the_new_id(tmp_path):
    path = _write(tmp_path, "dup.bib", "@article{k,\n title={A},\n abstract={x}\n}\n@article{k,\n title={B},\n abstract={y}\n}\n")
    result = read_papers([path])
    assert [p.title for p in result.papers] == ["A", "B"]
    assert result.papers[0].id == "k" and result.papers[1].id != "k"
    assert result.report.ids_rederived == [{"path": str(path), "line": 5, "id": "k", "new_id": result.papers[1].id}]


def test_a_json_array_of_papers_names_the_line_of_a_bad_one(tmp_path):
    good = _write(tmp_path, "papers.json", '[\n  {"id": "a", "title": "A", "abstract": "x"},\n'
                                           '  {"id": "b", "title": "B", "abstract": "y"}\n]\n')
    assert [p.id for p in read_papers([good]).papers] == ["a", "b"]
    bad = _write(tmp_path, "bad.json", '[\n  {"title": "A", "abstract": "x"},\n  {"title": "B"}\n]\n')
    with pytest.raises(InputError) as caught:
        read_papers([bad])
    assert (caught.value.line, caught.value.reason) == (3, "paper 'B' has no abstract (item 2 of the array)")
    as_lines = _write(tmp_path, "lines.json", '{"title": "A", "abstract": "x"}\n{"title": "B", "abstract": "y"}\n')
    assert len(read_papers([as_lines]).papers) == 2


def _json_items(path, **options):
    from kg.ingest import read_records

    return [(item.sources[0].line, item.title) if isinstance(item, Paper) else (item.line, item.reason)
            for item in read_records(str(path), "json", **options)]


def test_a_json_array_is_streamed_item_by_item_with_lines_and_item_indexes(tmp_path):
    # one item a line, a minified line of several items, an item over several lines: each at the line it starts
    path = _write(tmp_path, "papers.json", '\ufeff[\n{"title": "A", "abstract": "x"},\n'
                  '{"title": "B", "abstract": "y"}, 7, {"title": "C"}, {"title": "D", "abstract": "z"},\n'
                  '{\n  "title": "E",\n  "abstract": "w", "year": 2021}\n]\n')
    assert _json_items(path) == [(2, "A"), (3, "B"), (3, "expected a JSON object, got int (item 3 of the array)"),
                                 (3, "paper 'C' has no abstract (item 4 of the array)"), (3, "D"), (4, "E")]
    result = read_papers([str(path)], skip_invalid=True)
    assert result.report.records_read == 6 and result.report.papers == 4 and len(result.report.rejected) == 2


@pytest.mark.parametrize("text, expected", [
    # broken JSON inside an item: the papers before it are read, the rejection says the rest was not read
    ('[\n{"title": "A", "abstract": "x"},\n{"title": "B", "abstract": yes},\n{"title": "C", "abstract": "z"}\n]',
     [(2, "A"), (3, "malformed JSON in item 2: lexical error: invalid char in json text; "
                   "the rest of the array was not read")]),
    ('[\n{"title": "A", "abstract": "x"}\n{"title": "B", "abstract": "y"}\n]',
     [(2, "A"), (3, "malformed JSON after item 1: parse error: after array element, I expect ',' or ']'; "
                   "the rest of the array was not read")]),
    ('[\n{"title": "A", "abstract": "x"},\n{"title": "B", "abs',
     [(2, "A"), (3, "malformed JSON in item 2: parse error: premature EOF; the rest of the array was not read")]),
    # several items on one line, then broken JSON: each item accounted for once, with its index
    ('[\n{"title": "A", "abstract": "x"},\n{"title": "B"}, "abstract": "y"}\n]\n',
     [(2, "A"), (3, "paper 'B' has no abstract (item 2 of the array)"),
      (3, "expected a JSON object, got str (item 3 of the array)"),
      (3, "malformed JSON after item 3: parse error: after array element, I expect ',' or ']'; "
          "the rest of the array was not read")]),
    # text after the array is not dropped silently
    ('[{"title": "A", "abstract": "x"}]\n[{"title": "B", "abstract": "y"}]\n',
     [(1, "A"), (2, "malformed JSON after the end of the array: parse error: trailing garbage")]),
])
def test_broken_json_in_an_array_is_a_file_line_rejection(tmp_path, text, expected):
    assert _json_items(_write(tmp_path, "papers.json", text)) == expected


def test_numbers_in_a_json_array_read_as_in_json_lines(tmp_path):
    # integers of 2**63 and more (yajl's 64-bit integers overflowed and stopped the array), floats, 1e400 (inf)
    records = [{"title": "A", "abstract": "x", "id": 2**64}, {"title": "B", "abstract": "y", "id": -(2**63) - 1},
               {"title": "C", "abstract": "z", "id": 10**20, "year": 2021.0}, {"title": "D", "abstract": "w", "id": 7},
               {"title": "E", "abstract": "v", "venue": 0.1, "year": 2022}]
    lines = "\n".join(json.dumps(r) for r in records) + "\n"
    array = "[\n" + ",\n".join(json.dumps(r) for r in records) + "\n]\n"
    from_lines = _json_items(_write(tmp_path, "papers.jsonl", lines))
    from_array = _json_items(_write(tmp_path, "papers.json", array))
    assert [t for _, t in from_array] == ["A", "B", "'year' must be a four-digit year, not 2021.0 (item 3 of the "
                                                     "array)", "D", "E"]
    assert [(line, t.removesuffix(" (item 3 of the array)")) for line, t in from_array] == \
        [(line + 1, t) for line, t in from_lines]
    by_format = {}
    for name, text in (("papers.jsonl", lines), ("papers.json", array)):
        papers = read_papers([_write(tmp_path, name, text)], skip_invalid=True).papers
        by_format[name] = [(p.id, p.year, p.venue) for p in papers]
    assert by_format["papers.json"] == by_format["papers.jsonl"] == [
        (str(2**64), None, None), (str(-(2**63) - 1), None, None), ("7", None, None), ("e-58e6b3a4", 2022, "0.1")]


def test_an_integer_too_long_for_python_is_a_file_line_rejection(tmp_path):
    # more digits than Python turns into an int (sys.get_int_max_str_digits): json.loads and ijson refuse it
    import sys

    digits = "1" * (sys.get_int_max_str_digits() + 1)
    reason = f"a number of more than {sys.get_int_max_str_digits():,} digits"
    items = ['{"title": "A", "abstract": "x"}', '{"title": "B", "abstract": "y", "id": ' + digits + "}",
             '{"title": "C", "abstract": "z"}']
    assert _json_items(_write(tmp_path, "papers.jsonl", "\n".join(items) + "\n")) == [
        (1, "A"), (2, f"malformed JSON: {reason}"), (3, "C")]
    # in an array the parser can not go on: the items before it are read, the rejection says the rest was not
    assert _json_items(_write(tmp_path, "papers.json", "[\n" + ",\n".join(items) + "\n]\n")) == [
        (2, "A"), (3, f"malformed JSON in item 2: {reason}; the rest of the array was not read")]
    # at the very end, where only closing the parser reads the number
    assert _json_items(_write(tmp_path, "end.json", "[" + items[0] + ", " + digits)) == [
        (1, "A"), (1, f"malformed JSON after item 1: {reason}; the rest of the array was not read")]


def test_a_json_array_item_larger_than_the_record_limit_is_rejected_and_the_rest_read(tmp_path):
    padding = ",\n".join(f'"{n:04d}' + "x" * 60 + '"' for n in range(40))
    path = _write(tmp_path, "papers.json", '[\n{"title": "A", "abstract": "x"},\n{"title": "Big", "abstract": "y",'
                  f' "pad": [\n{padding}]}},\n{{"title": "C", "abstract": "z"}}\n]\n')
    found = _json_items(path, max_bytes=1000)
    assert found == [(2, "A"), (3, "an item of more than 1,000 bytes is larger than the largest record kg reads; it "
                                   "was skipped unread (item 2 of the array)"), (44, "C")]
    assert [t for _, t in _json_items(path)] == ["A", "Big", "C"]  # under the real limit: read
    # one string longer than a record: the parser would hold it whole, so the array stops there, said
    long_string = _write(tmp_path, "long.json", '[{"title": "A", "abstract": "x"},\n{"title": "B", "abstract": "'
                         + "y" * 5000 + '"},\n{"title": "C", "abstract": "z"}]\n')
    assert _json_items(long_string, max_bytes=1000) == [
        (1, "A"), (2, "a JSON value of more than 1,000 bytes in item 2; the rest of the array was not read")]


def test_surrogate_escapes_in_a_json_array_read_as_in_json_lines(tmp_path):
    # a lone surrogate escape becomes U+FFFD (kg.ingest.sanitise), a pair its character, as json.loads reads them
    records = [{"title": "A", "abstract": "x \ud800 \udfff \ud83d\ude00 \ud800\ud800 y"}]
    array = _write(tmp_path, "papers.json", json.dumps(records))
    lines = _write(tmp_path, "papers.jsonl", json.dumps(records[0]) + "\n")
    assert read_papers([array]).papers[0].abstract == read_papers([lines]).papers[0].abstract == \
        "x \ufffd \ufffd \U0001F600 \ufffd\ufffd y"


def test_bad_utf8_in_a_json_array_names_its_line(tmp_path):
    path = tmp_path / "papers.json"
    path.write_bytes(b'[\n{"title": "A", "abstract": "x"},\n{"title": "B\xff", "abstract": "y"}\n]\n')
    with pytest.raises(InputError) as caught:
        read_papers([str(path)])
    assert caught.value.line == 3 and "not valid UTF-8 (byte 0xff)" in caught.value.reason


@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from(["a", "\\", '"', "\n", "\ud800", "\udc00", "\ud83d", "\ude00", "\udfff", "é"]),
                     max_size=16).map("".join), ensure_ascii=st.booleans(), data=st.data())
def test_surrogate_escapes_read_the_same_wherever_the_pieces_are_cut(text, ensure_ascii, data):
    from kg.ingest.jsonl import _SurrogateEscapes
    from kg.ingest.sanitise import sanitise_text

    raw = json.dumps([text], ensure_ascii=ensure_ascii).encode("utf-8", "surrogatepass")
    if not ensure_ascii and any("\ud800" <= c <= "\udfff" for c in text):
        return  # raw surrogates are not UTF-8: the reader rejects the file
    cuts = sorted(data.draw(st.sets(st.integers(0, len(raw)), max_size=5)))
    escapes, out, previous = _SurrogateEscapes(), b"", 0
    for cut in [*cuts, len(raw)]:
        out += escapes.feed(raw[previous:cut])
        previous = cut
    out += escapes.flush()
    assert b"\n" not in escapes.held
    assert sanitise_text(json.loads(out)[0]) == sanitise_text(json.loads(raw)[0])
