"""bench/external_vocabulary.py: the rules that turn outside tables into names papers write (invented names)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

_PATH = Path(__file__).parents[1] / "bench" / "external_vocabulary.py"
_spec = importlib.util.spec_from_file_location("external_vocabulary", _PATH)
ev = importlib.util.module_from_spec(_spec)
sys.modules["external_vocabulary"] = ev
_spec.loader.exec_module(ev)


@pytest.mark.parametrize("name, phrase", [
    ("QuokkaRegression", "quokka regression"),  # words lower-cased
    ("ZorbForestClassifier", "zorb forest"),  # task suffix stripped
    ("ZorbForestRegressorCV", "zorb forest"),  # suffixes stripped in turn
    ("KZorbs", "k-zorbs"),  # a single capital joined to the next word
    ("KNeighborsZorb", "k-nearest neighbors zorb"),  # an expansion of a word pair
    ("QuokkaNB", "quokka naive Bayes"),  # an abbreviation spelt out
    ("LinearSVC", "linear SVM"),
    ("MultiZorbAttention", "multi-zorb attention"),  # a prefix word joined by a hyphen
    ("MiniBatchQPCA", "mini-batch QPCA"),  # acronym words keep their case
    ("QPCA", "QPCA"),
    ("ZorbScaler", None),  # a tool, not a method
    ("GridZorbSearchCV", None),
    ("BaseZorb", None),  # plumbing
    ("HuberishRegressor", None),  # one plain word left after stripping: an adjective
])
def test_class_names_become_the_phrases_papers_write(name, phrase):
    assert ev.camel_phrase(name) == phrase


def test_acronyms_and_display_names():
    assert ev.acronym("GATv2") and ev.acronym("ReLU") and ev.acronym("SQuAD") and ev.acronym("A2C")
    assert not ev.acronym("MessagePassing") and not ev.acronym("GraphSAGE") and not ev.acronym("Zorb")
    assert ev.lower_phrase("Peak Zorb-to-Quux Ratio") == "peak zorb-to-quux ratio"
    assert ev.lower_phrase("ROC Zorb Curve") == "ROC zorb curve"


def test_the_filter_drops_short_names_common_words_and_known_non_entities():
    keep = ev.Filter(english=frozenset({"zorb", "quux"}), stop=frozenset({"blorp net"})).keep
    assert keep("ZorbNet") and keep("zorb quux")  # a phrase of common words is a name
    assert not keep("Zorb") and not keep("ZORB") and not keep("quux")  # one common word, any case
    assert not keep("Z2") and not keep("Blorp Net")


def test_the_filter_drops_a_phrase_headed_by_a_common_plural_noun():
    """"nearest neighbors" (scikit-learn's NearestNeighbors) names what the tool finds: inside "approximate
    nearest neighbors methods" it is no method of its own. A plural of no common word, a capital S and a singular
    head stay."""
    keep = ev.Filter(english=frozenset({"zorb", "quux", "blip"}), stop=frozenset()).keep
    assert not keep("nearest zorbs") and not keep("radius quuxs")
    assert keep("nearest zorb") and keep("zorb blips-x") and keep("zorb lars") and keep("Zorb QUUXS")
    assert keep("zorb k-means") and keep("zorb quuxss")


def test_rows_list_each_name_once_and_drop_names_of_two_types():
    names = [ev.Name("Method", "ZorbNet", "pkg 1 A", case=True), ev.Name("Method", "zorbnet", "pkg 1 B", case=False),
             ev.Name("Dataset", "Quux-7", "pkg 1 C", case=True), ev.Name("Metric", "QUUX-7", "pkg 1 D", case=True),
             ev.Name("Task", "zorb detection", "pkg 1 E", case=False)]
    rows = ev.rows_of(names, keep=lambda name: True)
    assert rows == [
        {"label": "Method", "pattern": "ZorbNet", "case": True, "exact_form": True, "source": "pkg 1 A"},
        {"label": "Task", "pattern": "zorb detection", "case": False, "exact_form": False, "source": "pkg 1 E"}]


def test_tables_are_read_from_package_source_without_importing_it(tmp_path):
    """A fake site-packages: stable-baselines3's __all__ and scikit-learn's estimator classes, parsed with ast."""
    site = tmp_path / "site"
    for dist, version in (("stable_baselines3", "9.9"), ("sb3_contrib", "1.0"), ("scikit_learn", "0.1")):
        info = site / f"{dist}-{version}.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
    (site / "stable_baselines3").mkdir()
    (site / "stable_baselines3" / "__init__.py").write_text(
        'raise ImportError("never imported")\n__all__ = ["ZQO", "Zq2", "ZorbBuffer", "TD9"]\n')
    (site / "sb3_contrib").mkdir()
    (site / "sb3_contrib" / "__init__.py").write_text('__all__ = ["QZRO", "MaskableZQO"]\n')
    (site / "sklearn" / "zorb").mkdir(parents=True)
    (site / "sklearn" / "base.py").write_text("class BaseEstimator: pass\n")
    (site / "sklearn" / "zorb" / "__init__.py").write_text(
        "import torch\nfrom ..base import BaseEstimator\n__all__ = ['QuokkaRegression', 'ZorbScaler', 'Helper']\n"
        "class _Base(BaseEstimator): pass\nclass QuokkaRegression(_Base): pass\n"
        "class ZorbScaler(BaseEstimator): pass\nclass Helper: pass\n")
    sb3 = [(n.pattern, n.source) for n in ev.sb3_names(site)]
    assert sb3 == [("ZQO", "stable-baselines3 9.9 __all__"), ("TD9", "stable-baselines3 9.9 __all__"),
                   ("QZRO", "sb3-contrib 1.0 __all__")]
    assert [(n.pattern, n.case) for n in ev.sklearn_names(site)] == [("quokka regression", False)]


def test_the_shipped_rows_name_their_source_and_every_type():
    from kg.extract.pattern_data import PATTERNS_DIR, read_patterns

    rows = read_patterns(PATTERNS_DIR / "external.jsonl")
    assert {row["label"] for row in rows} == {"Method", "Dataset", "Metric", "Task", "Hardware"}
    assert all(row["source"].split()[1][:1].isdigit() for row in rows)  # "package version table"
    assert all(row["case"] == row["exact_form"] for row in rows)
    assert all(row["case"] or row["pattern"] == row["pattern"].lower() or " " in row["pattern"] for row in rows)
    json.dumps(rows)


def test_lm_eval_benchmark_names_come_from_the_task_readme_headings(tmp_path):
    site = tmp_path / "site"
    info = site / "lm_eval-9.9.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: lm_eval\nVersion: 9.9\n")
    headings = {"zorbqa": "# ZorbQA\n\n### Paper\n", "quux": "intro\n# Quux-Bench v2: A Benchmark of Zorbs\n",
                "colossal": "# Colossal Zorb Corpus(CZC)\n", "template": "# Task-name\n", "board": "# Leaderboard evaluations\n",
                "lower": "# arithmetic\n", "ethics": "# ZETHICS Dataset\n"}
    for folder, text in headings.items():
        (site / "lm_eval" / "tasks" / folder).mkdir(parents=True)
        (site / "lm_eval" / "tasks" / folder / "README.md").write_text(text)
    found = sorted((n.pattern, n.label, n.case) for n in ev.lm_eval_names(site))
    assert found == [("CZC", "Dataset", True), ("Colossal Zorb Corpus", "Dataset", False),
                     ("Quux-Bench v2", "Dataset", False), ("ZETHICS", "Dataset", True), ("ZorbQA", "Dataset", True)]
    assert {n.source for n in ev.lm_eval_names(site)} == {"lm-eval 9.9 tasks/*/README.md headings"}
