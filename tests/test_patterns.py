"""Pattern files are data with a JSON Schema each: validated on load, no duplicates, one type per name."""

from __future__ import annotations

import importlib
import json
from collections import defaultdict
from pathlib import Path

import re

import pytest

from kg.errors import PatternError
from kg.extract.pattern_data import (
    PATTERNS_DIR,
    VOCABULARY_FILES,
    patterns_version,
    read_pattern_file,
    read_patterns,
    schema_for,
)

ROOT = Path(__file__).parents[1]
PATTERN_FILES = sorted(PATTERNS_DIR.glob("*.jsonl"))


def test_every_pattern_file_has_a_schema_in_schemas_and_validates():
    assert PATTERN_FILES
    for path in PATTERN_FILES:
        schema = ROOT / "schemas" / "patterns" / (path.stem + ".schema.json")
        assert schema.exists(), f"{path.name} has no schema"
        assert schema_for(path.name).read_bytes() == schema.read_bytes()  # the package ships the same file
        assert read_patterns(path)


def test_the_packaged_schemas_are_identical_copies_of_schemas_patterns():
    """schemas/patterns/ is the one source; `make schemas` copies it into the package."""
    source = ROOT / "schemas" / "patterns"
    packaged = PATTERNS_DIR / "schemas"
    assert not packaged.is_symlink() and not any(p.is_symlink() for p in packaged.iterdir())
    names = sorted(p.name for p in source.glob("*.schema.json"))
    assert names and sorted(p.name for p in packaged.iterdir()) == names, "run `make schemas`"
    for name in names:
        assert (packaged / name).read_bytes() == (source / name).read_bytes(), f"{name} differs: run `make schemas`"


def test_the_package_alone_loads_the_pipeline(tmp_path):
    """kg/ copied on its own (as `git archive HEAD kg/` or a wheel has it, symlinks kept) extracts."""
    import shutil
    import subprocess
    import sys

    shutil.copytree(ROOT / "kg", tmp_path / "kg", symlinks=True,
                    ignore=shutil.ignore_patterns("__pycache__"))
    code = ("import kg, sys; from pathlib import Path; assert Path(kg.__file__).is_relative_to(sys.argv[1]), kg.__file__;"
            "from kg.execute import extract_records; from kg.ingest.paper import Paper;"
            "records = extract_records([Paper(id='p', title='ResNet on ImageNet', abstract='We train ResNet-50 "
            "on ImageNet with 8 V100 GPUs.')]);"
            "print(sorted(e['name'] for e in records[0]['entities']))")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], cwd=tmp_path, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path)}, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "ImageNet" in done.stdout


def test_a_misspelt_key_is_an_error_naming_file_and_line(tmp_path):
    bad = tmp_path / "methods.jsonl"
    bad.write_text('{"label": "Method", "pattern": "Adam"}\n{"label": "Method", "patern": "SGD"}\n')
    with pytest.raises(PatternError, match=r"methods\.jsonl:2: .*patern"):
        read_patterns(bad, schema_for("methods.jsonl"))


def test_a_wrong_label_is_an_error(tmp_path):
    bad = tmp_path / "datasets.jsonl"
    bad.write_text('{"label": "Method", "pattern": "ImageNet"}\n')
    with pytest.raises(PatternError, match=r"datasets\.jsonl:1: "):
        read_patterns(bad, schema_for("datasets.jsonl"))


def test_no_duplicate_rows():
    for path in PATTERN_FILES:
        seen: dict[str, int] = {}
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            row = json.loads(line)
            row.pop("comment", None)
            key = json.dumps(row, sort_keys=True)
            assert key not in seen, f"{path.name}:{number} repeats line {seen[key]}"
            seen[key] = number


CURATED_FILES = tuple(name for name in VOCABULARY_FILES if name != "external.jsonl")


def _vocabulary_names(files=CURATED_FILES):
    names = defaultdict(set)  # lower-cased phrase -> {(label, file:line)}
    for file_name in files:
        path = PATTERNS_DIR / file_name
        if not path.exists():
            continue
        for number, row in enumerate(read_patterns(path), 1):
            if isinstance(row["pattern"], str):
                labels = [s["label"] for s in row["senses"]] if "senses" in row else [row["label"]]
                for label in labels:
                    names[row["pattern"].lower()].add((label, f"{file_name}:{number}", "senses" in row, row["pattern"]))
    return names


@pytest.mark.parametrize("files", [CURATED_FILES, ("external.jsonl",)], ids=["curated", "external"])
def test_no_name_is_listed_under_two_types_or_twice(files):
    """Within the curated files, and within external.jsonl (which lists every outside name, also those a curated
    file lists: there the curated row wins at load time, see the next test)."""
    problems = []
    for name, rows in _vocabulary_names(files).items():
        for written in {text for *_, text in rows}:  # case variants ("AdaGrad", "Adagrad") are rows of their own
            places = {place for _, place, _, text in rows if text == written}
            if len(places) > 1:
                problems.append(f"{written!r} in {sorted(places)}")
        labels = {label for label, _, ambiguous, _ in rows if not ambiguous}
        if len(labels) > 1:
            problems.append(f"{name!r} has types {sorted(labels)}")
    assert not problems, "; ".join(problems)


def test_a_curated_row_wins_over_an_outside_row_naming_the_same_phrase():
    """external.jsonl rows (with a "source") whose phrase a curated row names with the same type (any case,
    hyphen or plural) are not compiled; the others are, and the rows all stay in the component (they travel
    with it)."""
    import spacy

    from kg.extract.vocabulary import EntityVocabulary, outside_rows_shadowed

    source = {"source": "somepkg 1.0 TABLE", "case": True, "exact_form": True}
    rows = [{"label": "Method", "pattern": "Quuxnet"}, {"label": "Method", "pattern": "QN", "id": "Quux Network"},
            {"label": "Method", "pattern": "QuuxNet", **source}, {"label": "Method", "pattern": "Quux-Networks", **source},
            {"label": "Method", "pattern": "Zorblax", **source}]
    assert [row["pattern"] for row in outside_rows_shadowed(rows)] == ["Quuxnet", "QN", "Zorblax"]
    nlp = spacy.blank("en")
    vocabulary = EntityVocabulary(nlp, pattern_files=[])
    vocabulary.initialize(lambda: [], nlp=nlp, patterns=rows)
    assert len(vocabulary.patterns) == 5 and vocabulary.conflicts == []
    doc = vocabulary(nlp("Quuxnet and QuuxNet beat Zorblax and the Quux Networks."))
    found = sorted((span.text, span.label_) for span in doc.spans["kg_candidates"])
    assert found == [("Quuxnet", "Method"), ("Zorblax", "Method")]  # "QuuxNet" and "Quux Networks" give way
    # without the curated rows, the outside ones are compiled
    vocabulary.initialize(lambda: [], nlp=nlp, patterns=rows[2:])
    doc = vocabulary(nlp("QuuxNet and the Quux-Networks."))
    assert sorted(span.text for span in doc.spans["kg_candidates"]) == ["Quux-Networks", "QuuxNet"]


def test_an_outside_row_of_another_type_is_kept_when_spelt_otherwise_and_reported_when_it_collides():
    """Shadowing compares the type too: a curated Dataset "Quuxglue" does not hide the outside Method "QuuxGlue"
    (matched in its own case only: two names, as the benchmark SuperGLUE and the model SuperGlue); an outside
    row that would match the curated row's words with another type gives way and is reported as a conflict."""
    import spacy

    from kg.extract.vocabulary import EntityVocabulary, outside_row_conflicts, outside_rows_shadowed

    source = {"source": "somepkg 1.0 TABLE"}
    rows = [{"label": "Dataset", "pattern": "QuuxGLUE"}, {"label": "Method", "pattern": "zorb loss"},
            {"label": "Ignore", "pattern": "Blip Blop"},
            {"label": "Method", "pattern": "QuuxGlue", "case": True, "exact_form": True, **source},
            {"label": "Metric", "pattern": "zorb losses", "case": False, "exact_form": False, **source},
            {"label": "Task", "pattern": "blip-blop", "case": False, "exact_form": False, **source}]
    assert [row["pattern"] for row in outside_rows_shadowed(rows)] == ["QuuxGLUE", "zorb loss", "Blip Blop", "QuuxGlue"]
    assert outside_row_conflicts(rows) == [{"pattern": "zorb losses", "label": "Metric", "source": "somepkg 1.0 TABLE",
                                            "curated": ["Method"]}]  # a stop row (Ignore) is no conflict
    nlp = spacy.blank("en")
    vocabulary = EntityVocabulary(nlp, pattern_files=[])
    vocabulary.initialize(lambda: [], nlp=nlp, patterns=rows)
    assert [c["pattern"] for c in vocabulary.conflicts] == ["zorb losses"]
    doc = vocabulary(nlp("QuuxGlue is tested on QuuxGLUE with the zorb loss."))
    found = sorted((span.text, span.label_) for span in doc.spans["kg_candidates"])
    assert found == [("QuuxGLUE", "Dataset"), ("QuuxGlue", "Method"), ("zorb loss", "Method")]


def test_the_shipped_vocabulary_reports_its_outside_type_conflicts():
    """The outside rows a curated row of another type overrides in the shipped files, listed (a new one is a
    decision to make: fix the curated type, or accept the curated one here)."""
    from kg.extract.pattern_data import VOCABULARY_FILES
    from kg.extract.vocabulary import outside_row_conflicts

    rows = [row for name in VOCABULARY_FILES for row in read_patterns(PATTERNS_DIR / name)]
    assert sorted((c["pattern"], c["label"], tuple(c["curated"])) for c in outside_row_conflicts(rows)) == [
        ("hinge loss", "Metric", ("Method",)), ("reinforcement learning", "Task", ("Method",))]


def test_one_pattern_version():
    assert patterns_version()
    for path in PATTERN_FILES:
        assert all("version" not in row for row in read_patterns(path)), f"{path.name} carries its own version"


def _word_list_rows():
    """(file, line, list name, words) of every word-list row: {"kind" | "list": name, "words": [...]}."""
    for path in PATTERN_FILES:
        for number, row in enumerate(read_patterns(path), 1):
            name = row.get("kind", row.get("list"))
            if name is not None and isinstance(row.get("words"), list):
                yield path.name, number, name, row["words"]


def test_no_word_is_listed_twice_in_one_word_list():
    seen: dict[tuple[str, str, str], str] = {}
    problems = []
    for file_name, number, name, words in _word_list_rows():
        for word in words:
            key = (file_name, name, word.lower())
            if key in seen:
                problems.append(f"{word!r} of {name!r} at {file_name}:{number} and {seen[key]}")
            seen.setdefault(key, f"{file_name}:{number}")
    assert not problems, "; ".join(problems)


def test_word_lists_cover_the_frame_file():
    kinds = {name for file_name, _, name, _ in _word_list_rows() if file_name == "frame.jsonl"}
    from kg.extract.frame import WORD_KINDS

    assert kinds == set(WORD_KINDS)  # every kind the schema allows is used, every used kind is allowed


@pytest.mark.parametrize("line, problem", [
    ('{"kind": "authors", "wrods": ["we"]}', "wrods"),
    ('{"kind": "nonsense", "words": ["x"]}', "nonsense"),
    ('{"kind": "authors", "words": ["we", "we"]}', "non-unique"),
    ('{"kind": "authors", "words": [""]}', ""),
    ('{"kind": "contrast_break", "words": ["but"]}', "contrast_break"),  # misspelt kinds moved out of code
    ('{"kind": "sentence_adverb", "words": ["here"]}', "sentence_adverb"),
])
def test_a_bad_frame_row_is_an_error_naming_file_and_line(tmp_path, line, problem):
    bad = tmp_path / "frame.jsonl"
    bad.write_text('{"kind": "authors", "words": ["we"]}\n' + line + "\n")
    with pytest.raises(PatternError, match=rf"frame\.jsonl:2: .*{problem}"):
        read_patterns(bad, schema_for("frame.jsonl"))


_GOOD_FIRST_ROW = {"relations_cues.jsonl": '{"type": "RUNS_ON", "phrases": ["runs on"]}',
                   "results_cues.jsonl": '{"kind": "beat_words", "words": ["beats"]}'}


@pytest.mark.parametrize("name, line, problem", [
    ("relations_cues.jsonl", '{"kind": "list_glue", "wrods": [","]}', "wrods"),
    ("relations_cues.jsonl", '{"kind": "list_glue", "words": [","], "weight": 0.5}', ""),
    ("relations_cues.jsonl", '{"kind": "glue", "words": [","]}', ""),
    ("relations_cues.jsonl", '{"kind": "self_word", "words": ["we"]}', ""),
    ("relations_cues.jsonl", '{"kind": "clause_breaks", "words": [";", ";"]}', "non-unique"),
    ("relations_cues.jsonl", '{"type": "RUNS_ON", "phrase": ["runs on"]}', ""),
    ("results_cues.jsonl", '{"kind": "gain_nouns", "wrods": ["gain"]}', "wrods"),
    ("results_cues.jsonl", '{"kind": "gain_noun", "words": ["gain"]}', "gain_noun"),
    ("results_cues.jsonl", '{"kind": "number_words", "values": {"two": "2"}}', ""),
    ("results_cues.jsonl", '{"kind": "beat_words", "words": ["beats", "beats"]}', "non-unique"),
    ("relations_cues.jsonl", '{"kind": "model_noun", "words": ["model"]}', ""),  # misspelt kinds moved out of code
    ("relations_cues.jsonl", '{"kind": "verb_filler", "words": ["also"]}', ""),
    ("results_cues.jsonl", '{"kind": "modal_word", "words": ["can"]}', "modal_word"),
    ("results_cues.jsonl", '{"kind": "phrase_determiner", "words": ["the"]}', "phrase_determiner"),
])
def test_a_bad_relation_or_results_cue_row_is_an_error_naming_file_and_line(tmp_path, name, line, problem):
    bad = tmp_path / name
    bad.write_text(_GOOD_FIRST_ROW[name] + "\n" + line + "\n")
    with pytest.raises(PatternError, match=rf"{re.escape(name)}:2: .*{problem}"):
        read_patterns(bad, schema_for(name))


def test_the_relation_word_lists_travel_with_the_component():
    import spacy

    importlib.import_module("kg.extract.relations")  # registers kg_relations

    nlp = spacy.blank("en")
    finder = nlp.add_pipe("kg_relations")
    assert not finder.words["device_suffixes"]  # the default cue rows load in initialize(), not at construction
    finder.initialize()
    assert "based" in finder.words["device_suffixes"] and "and" in finder.words["list_glue"]
    assert "we" in finder.words["self_words"] and ";" in finder.words["clause_breaks"]
    rows = [row for row in finder.rows if row.get("kind") != "device_suffixes"]
    finder._set_cfg({"cues": [*rows, {"kind": "device_suffixes", "words": ["flavoured"]}]})
    restored = spacy.blank("en").add_pipe("kg_relations").from_bytes(finder.to_bytes())
    assert restored.words["device_suffixes"] == {"flavoured"} and restored.words["list_glue"] == finder.words["list_glue"]


def test_external_names_carry_their_source_and_match_their_case_only():
    """patterns/external.jsonl (bench/external_vocabulary.py): names from installed packages' own tables."""
    from kg.extract.vocabulary import EntityVocabulary
    import spacy

    rows = read_patterns(PATTERNS_DIR / "external.jsonl")
    assert rows and all(row["source"] for row in rows)
    # one-word names with a capital match their case exactly; phrases ("logistic regression") any case
    assert all(row["case"] and row["exact_form"] for row in rows
               if " " not in row["pattern"] and row["pattern"] != row["pattern"].lower())
    nlp = spacy.blank("en")
    vocabulary = EntityVocabulary(nlp, pattern_files=["external.jsonl"])
    vocabulary.initialize(lambda: [], nlp=nlp)
    doc = vocabulary(nlp("We fine-tune Longformer on Omniglot; a longformer or an omniglot is not a name."))
    found = sorted((span.text, span.label_) for span in doc.spans["kg_candidates"])
    assert found == [("Longformer", "Method"), ("Omniglot", "Dataset")]


def test_the_relation_word_kinds_are_the_schema_enum_and_all_used():
    from kg.extract.relations import WORD_KINDS

    kinds = {row["kind"] for row in read_pattern_file("relations_cues.jsonl") if "kind" in row}
    assert kinds == set(WORD_KINDS)  # every kind the schema allows is in the file, and only those


def test_relations_used_before_initialize_is_an_error():
    import spacy
    from spacy.tokens import Doc

    importlib.import_module("kg.extract.relations")  # registers kg_relations

    finder = spacy.blank("en").add_pipe("kg_relations")
    with pytest.raises(ValueError, match="initialize"):
        finder(Doc(finder.nlp.vocab, words=["a", "b"]))


def test_the_results_cue_kinds_are_the_schema_enum_and_all_used():
    from kg.extract.results import CUE_KINDS

    kinds = {row["kind"] for row in read_pattern_file("results_cues.jsonl")}
    assert kinds == set(CUE_KINDS)  # every kind the schema allows is in the file, and only those


def test_results_word_lists_load_in_initialize_and_travel_with_the_component():
    import spacy
    from spacy.tokens import Doc

    importlib.import_module("kg.extract.results")  # registers kg_results

    finder = spacy.blank("en").add_pipe("kg_results", config={"use_models": False})
    with pytest.raises(ValueError, match="initialize"):
        finder(Doc(finder.nlp.vocab, words=["5", "%"]))
    finder.initialize()
    assert "speedup" in finder.gain_nouns and finder.number_words["three"] == 3.0
    rows = [row for row in finder.cues if row["kind"] != "gain_nouns"]
    finder._set_cfg({"cues": [*rows, {"kind": "gain_nouns", "words": ["uplift"]}]})
    restored = spacy.blank("en").add_pipe("kg_results", config={"use_models": False}).from_bytes(finder.to_bytes())
    assert restored.gain_nouns == {"uplift"} and restored.beat_words == finder.beat_words


# -- canonical names' word lists are pattern data (patterns/resolve.jsonl), not code ----------------------------

@pytest.mark.parametrize("line, problem", [
    ('{"list": "irregular_plurals", "words": ["indices"]}', "pairs"),  # a pairs list written as words
    ('{"list": "not_plural", "pairs": {"bias": "bias"}}', "words"),  # a words list written as pairs
    ('{"list": "irregular_plurals", "pair": {"indices": "index"}}', "pair"),  # a misspelt key
    ('{"list": "hardware_vendor", "words": ["nvidia"]}', "hardware_vendor"),  # an unknown list
    ('{"list": "irregular_plurals", "pairs": {"Indices": "index"}}', "Indices"),  # not lower case
    ('{"list": "device_class_suffixes", "words": []}', ""),  # an empty list
])
def test_a_bad_canonical_word_row_is_an_error_naming_file_and_line(tmp_path, line, problem):
    bad = tmp_path / "resolve.jsonl"
    bad.write_text('{"list": "not_plural", "words": ["bias"]}\n' + line + "\n")
    with pytest.raises(PatternError, match=rf"resolve\.jsonl:2: .*{problem}"):
        read_patterns(bad, schema_for("resolve.jsonl"))


def test_canonical_names_read_their_word_lists_from_the_data(monkeypatch):
    """Vendors, device-class words, plural exceptions and irregular plurals come from resolve.jsonl."""
    from kg import patterns as pattern_data
    from kg import naming as canonical

    def clear():
        for cached in (canonical._lists, canonical.canonical_name, canonical.merge_key):
            cached.cache_clear()

    packaged = pattern_data.read_pattern_file("resolve.jsonl")
    assert canonical.canonical_name("NVIDIA A100 GPUs", "Hardware") == "A100"
    assert canonical.singular_word("bias") == "bias" and canonical.singular_word("indices") == "index"
    edited = []
    for row in packaged:
        row = json.loads(json.dumps(row))
        if row["list"] == "hardware_vendors":
            row["words"] = ["acme"]
        elif row["list"] == "device_class_suffixes":
            row["words"] = ["widget", "widgets"]
        elif row["list"] == "not_plural":
            row["words"] = ["lens"]
        elif row["list"] == "irregular_plurals":
            row["pairs"] = {"geese": "goose"}
        edited.append(row)
    monkeypatch.setattr(pattern_data, "read_pattern_file", lambda name: edited)
    clear()
    try:
        assert canonical.canonical_name("Acme X100 widgets", "Hardware") == "X100"
        assert canonical.canonical_name("NVIDIA A100 GPUs", "Hardware") == "NVIDIA A100 GPU"
        assert canonical.singular_word("Geese") == "Goose" and canonical.singular_word("indices") == "indice"
        assert canonical.singular_word("lens") == "lens" and canonical.singular_word("bias") == "bia"
        assert canonical.irregular_plurals() == {"geese": "goose"}
    finally:
        clear()


def test_resolution_keeps_no_word_lists_in_code():
    """kg/resolve and the record builder hold no literal word lists (issue 9): they are pattern data."""
    import ast

    files = [*sorted((ROOT / "kg" / "resolve").glob("*.py")), ROOT / "kg" / "extract" / "records.py"]
    for path in files:
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
            if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in node.targets):
                continue
            if isinstance(value, ast.Call) and value.args:  # frozenset({...}), set([...])
                value = value.args[0]
            if isinstance(value, ast.Dict):
                strings = [k for k in value.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)]
            elif isinstance(value, (ast.Tuple, ast.List, ast.Set)):
                strings = [e for e in value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            else:
                continue
            assert len(strings) < 10, f"{path.name}:{node.lineno}: a word list in code; move it to patterns/resolve.jsonl"


# Module-level literals of lower-case words in kg/extract/*.py that are not word lists of English cues: each is a
# set of names the code itself defines or reads (record fields, origins, modes, parser labels, pattern file names).
_NOT_WORD_LISTS = {
    ("cache.py", "EXTRACTION_FIELDS"),  # the record fields an extraction cache entry holds
    ("edge_scorer.py", "RULE_ORIGINS"),  # the origins kg_relations marks its relations with
    ("edge_scorer.py", "MODES"),  # the scorer's modes ("scored", "rules", "hybrid")
    ("edge_scorer.py", "ORIGINS"),  # the origins of a relation candidate, feature names
    ("frame.py", "SUBJECT_DEPS"),  # dependency labels of a subject (the parser's scheme, not words)
    ("pattern_data.py", "VOCABULARY_FILES"),  # file names
    ("pattern_data.py", "__all__"),
    ("results.py", "METHOD_KINDS"),  # where a result's method was found (a record value)
    ("results.py", "RULE_HOWS"),  # how a rule found a method (a record value)
    ("results.py", "CANDIDATE_KINDS"),  # the kinds of metric candidate (feature names)
    ("results.py", "METRIC_FEATURES"),  # the metric chooser's feature names
    ("results.py", "METHOD_FEATURES"),  # the method chooser's feature names
}


def _module_word_sets(path: Path):
    """(name, line, words) of each module-level set / frozenset / tuple / list literal in *path* holding 3 or more
    lower-case words (frozenset({...}) and set([...]) included)."""
    import ast

    word = re.compile(r"[a-z]+(?:[-'][a-z]+)*\.?")
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if not isinstance(node, (ast.Assign, ast.AnnAssign)) or node.value is None:
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        name = ",".join(ast.unparse(target) for target in targets)
        value = node.value
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) \
                and value.func.id in {"frozenset", "set", "tuple", "list"} and value.args:
            value = value.args[0]
        if not isinstance(value, (ast.Set, ast.Tuple, ast.List)):
            continue
        words = [e.value for e in value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)
                 and word.fullmatch(e.value)]
        if len(words) >= 3:
            yield name, node.lineno, words


def test_the_extractors_keep_no_module_word_sets_in_code():
    """Word lists in code become pattern data (issue 9): kg/extract/*.py holds no module-level literal set of
    English words; they are kinds of frame.jsonl, relations_cues.jsonl, results_cues.jsonl or lists of words.jsonl,
    read with kg.extract.pattern_data (kind_words, word_lists)."""
    problems = []
    for path in sorted((ROOT / "kg" / "extract").glob("*.py")):
        for name, line, words in _module_word_sets(path):
            if (path.name, name) not in _NOT_WORD_LISTS:
                problems.append(f"{path.name}:{line}: {name} = {words[:4]}...: move it into a pattern file")
    assert not problems, "; ".join(problems)


def test_the_word_set_check_finds_a_word_set(tmp_path):
    source = tmp_path / "module.py"
    source.write_text('A = frozenset({"a", "an", "the"})\nB = ("x-ray", "state-of-the-art", "co-train")\nC = {"Lite", "GPU", "x"}\n'
                      'D = ("methods.jsonl", "a.b", "c")\n')
    assert [(name, words) for name, _, words in _module_word_sets(source)] == [
        ("A", ["a", "an", "the"]), ("B", ["x-ray", "state-of-the-art", "co-train"])]


def test_kind_words_reads_a_kind_of_a_packaged_file_and_refuses_a_missing_one():
    from kg.extract.pattern_data import kind_list, kind_words

    assert kind_words("relations_cues.jsonl", "best_words") == {"best", "strongest"}
    assert kind_list("frame.jsonl", "extend_verbs") == ("extend", "extends")  # the file's order
    with pytest.raises(PatternError, match="model_noun"):
        kind_words("relations_cues.jsonl", "model_noun")


def test_the_moved_word_lists_are_what_the_extractors_read():
    """The module-level word lists of the extractors are the rows of the pattern files (one place per concept)."""
    from kg.extract import entities, frame, head_phrases, relations, results, task_frames
    from kg.extract.pattern_data import kind_list, kind_words, word_lists, words_by_list

    assert relations.MODEL_NOUNS == kind_words("relations_cues.jsonl", "model_nouns")
    assert relations.VERB_FILLERS == kind_words("relations_cues.jsonl", "verb_fillers")
    assert results.MODAL_WORDS == kind_words("results_cues.jsonl", "modal_words")
    assert frame.NOUN_SUFFIXES == kind_list("frame.jsonl", "noun_suffixes")
    lists = words_by_list(word_lists())
    assert head_phrases._AFTER_RELEASE == lists["release_followers"]
    assert entities._COMPARISONS == lists["number_comparisons"]
    assert task_frames._TITLE_GLUE == lists["title_glue"]


def test_canonical_names_do_not_import_spacy():
    """kg diff, kg leaderboard and kg stats compute merge keys: reading resolve.jsonl must not import kg.extract."""
    import subprocess
    import sys

    code = ("import sys\nfrom kg.naming import merge_key, long_form_variants\n"
            "assert merge_key('NVIDIA A100 GPUs', 'Hardware') == 'a100'\n"
            "assert long_form_variants('convolutional neural network', 'convolutional network')\n"
            "print(sorted(m for m in ('spacy', 'kg.extract') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_junk_text_rule_only_requires_what_each_of_its_matches_contains():
    """A text rule's ``requires`` lets kg_junk_filter skip the rule on texts without it: every match of the rule,
    in the comment's example and in the sample corpus and the dev papers, must contain a match of it."""
    from kg.ingest import read_papers
    from kg.workflow import sample_corpus_paths

    rows = [row for row in read_patterns(PATTERNS_DIR / "junk.jsonl") if row["kind"] == "text" and "requires" in row]
    assert rows  # the ACL-style citation key rule has one
    dev = Path(__file__).parent / "data" / "gold" / "dev-papers.jsonl"
    texts = [paper.text for paper in read_papers([*sample_corpus_paths(), dev]).papers]
    for row in rows:
        rule, requires = re.compile(row["regex"]), re.compile(row["requires"])
        examples = [row.get("comment", ""), *texts]
        matches = [m.group() for text in examples for m in rule.finditer(text)]
        assert matches  # the example shows the rule at work
        assert all(requires.search(match) for match in matches), row["name"]
    # a rule a `requires` would wrongly skip is caught: "[" is in no ACL key
    assert not all(re.search(r"\[", m.group()) for m in re.finditer(rows[0]["regex"], rows[0]["comment"]))
