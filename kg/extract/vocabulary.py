"""``kg_vocabulary``: curated names and terms from the vocabulary pattern files.

``patterns/{methods,datasets,hardware,metrics,tasks}.jsonl`` hold names of one type each,
``ambiguous.jsonl`` acronyms with several meanings (typed by the long form the paper writes),
``stop.jsonl`` known non-entities (label ``Ignore``), ``external.jsonl`` names from outside sources (installed
packages' own tables, made by ``bench/external_vocabulary.py``; a curated row naming the same phrase wins, see
:func:`outside_rows_shadowed`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from kg.extract.base import PatternComponent
from kg.extract.candidates import ENTITY_LABELS, ProposesCandidates, add_candidates, candidate, doc_text
from kg.extract.gated_matcher import GatedMatcher
from kg.extract.pattern_data import VOCABULARY_FILES

AMBIGUOUS = "Ambiguous"
_UNKNOWN = object()
_MAX_PART_LABELS = 1_000_000


@Language.factory("kg_vocabulary", default_config={"pattern_files": list(VOCABULARY_FILES), "variants": True})
def make_vocabulary(nlp: Language, name: str, pattern_files: list[str], variants: bool) -> EntityVocabulary:
    return EntityVocabulary(nlp, name, pattern_files=pattern_files, variants=variants)


class EntityVocabulary(ProposesCandidates, PatternComponent):
    """Curated names and terms.

    A pattern row is ``{"label": "Method", "pattern": "Adam"}`` (a phrase) or a list of token
    dicts (spaCy Matcher syntax). Phrases match case-insensitively, except those without a
    lower-case letter (acronyms such as "JOB" or "SOAP"), one-word names with a capital ("Ray",
    "Lion") and rows with ``"case": true``. With
    ``variants`` on, each phrase also matches with its head in the plural and with hyphens
    read as spaces. ``"id"`` names the canonical long form ("RL" -> "reinforcement learning").
    """

    settings = ("variants",)

    def __init__(self, nlp: Language, name: str = "kg_vocabulary", *, pattern_files: list[str] = VOCABULARY_FILES,
                 variants: bool = True):
        super().__init__(nlp, name, pattern_files=pattern_files, variants=variants)

    def clear(self) -> None:
        self.lower_matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.exact_matcher = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        self.token_matcher = GatedMatcher(self.nlp.vocab)  # skips patterns a doc cannot match
        self._info: dict[str, tuple[str, str]] = {}
        self._senses: dict[str, list[dict[str, str]]] = {}
        self.names: dict[str, str | None] = {}  # written name -> its type (None: listed under two); see part_label
        self._part_labels: dict[str, str | None] = {}  # one-word name -> part_label(self.names, it), while names stay

    def add(self, rows: list[dict[str, Any]]) -> None:
        self._part_labels = {}
        for row in outside_rows_shadowed(rows):
            pattern = row["pattern"]
            if "senses" in row:
                # an acronym with several meanings ("MAE"): typed by the long form the paper writes
                label, canonical = AMBIGUOUS, pattern
                self._senses[pattern] = row["senses"]
            else:
                label, canonical = row["label"], row.get("id", "")
            match_id = f"{label}\t{canonical}"
            self._info[match_id] = (label, canonical)
            if isinstance(pattern, str) and label in ENTITY_LABELS and len(pattern) >= 3 and pattern != pattern.lower():
                self.names[pattern] = label if self.names.get(pattern, label) == label else None
            if isinstance(pattern, str):
                # acronyms ("JOB", "SOAP") and one-word names ("Ray", "Lion") must match their case
                one_word_name = " " not in pattern and any(c.isupper() for c in pattern)
                exact = row.get("case", one_word_name or not any(c.islower() for c in pattern))
                matcher = self.exact_matcher if exact else self.lower_matcher
                forms = _phrase_variants(pattern) if self.variants and not row.get("exact_form") else [pattern]
                matcher.add(match_id, [self.nlp.make_doc(form) for form in forms])
            else:
                self.token_matcher.add(match_id, [pattern])

    def part_label(self, text: str) -> str | None:
        """``part_label(self.names, text)``, remembered per text (the names change only in ``add``)."""
        label = self._part_labels.get(text, _UNKNOWN)
        if label is _UNKNOWN:
            if len(self._part_labels) > _MAX_PART_LABELS:
                self._part_labels.clear()
            label = self._part_labels[text] = part_label(self.names, text)
        return label

    def propose(self, doc: Doc) -> Doc:
        self.check_initialized()
        spans = []
        ambiguous = []
        for matcher in (self.lower_matcher, self.exact_matcher, self.token_matcher):
            if len(matcher) == 0:
                continue
            for match_id, start, end in matcher(doc):
                label, canonical = self._info[self.nlp.vocab.strings[match_id]]
                if label == AMBIGUOUS:
                    ambiguous.append((start, end, canonical))
                    continue
                spans.append(candidate(doc, start, end, label, "vocabulary", canonical))
        if ambiguous:
            text = doc_text(doc).lower()
            for start, end, pattern in ambiguous:
                senses = [s for s in self._senses[pattern] if s["id"].lower() in text]
                if len(senses) == 1:
                    spans.append(candidate(doc, start, end, senses[0]["label"], "vocabulary", senses[0]["id"]))
        add_candidates(doc, spans)
        return doc


def row_names(row: dict[str, Any]) -> list[str]:
    """The names a vocabulary row stands for: its phrase (not a token pattern), its canonical ``id`` and, for an
    ambiguous acronym, each sense's long form."""
    names = [row["pattern"]] if isinstance(row.get("pattern"), str) else []
    if row.get("id"):
        names.append(row["id"])
    names += [sense["id"] for sense in row.get("senses", [])]
    return names


def outside_rows_shadowed(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """*rows* without the outside rows (``external.jsonl``: rows with a ``"source"``) whose phrase a curated row
    names (:func:`row_names`, any case, any type, ``stop.jsonl`` too): the curated row wins ("MNIST" is in
    both; "SuperGlue", a transformers model, gives way to the curated Dataset "SuperGLUE")."""
    curated = {name.lower() for row in rows if "source" not in row for name in row_names(row)}
    return [row for row in rows if "source" not in row or not isinstance(row.get("pattern"), str)
            or row["pattern"].lower() not in curated]


def rows_without(rows: list[dict[str, Any]], drop: Callable[[str], bool]) -> list[dict[str, Any]]:
    """*rows* without the entity rows one of whose names (:func:`row_names`) *drop* selects; known non-entities
    (``stop.jsonl``, label ``Ignore``) are always kept. What ``initialize(patterns=...)`` takes: a pipeline with a
    smaller vocabulary (``kg.evaluate.unseen`` removes the names only one fold of the gold papers contains)."""
    return [row for row in rows if row.get("label") == "Ignore" or not any(drop(name) for name in row_names(row))]


def part_label(names: dict[str, str | None], text: str) -> str | None:
    """The type of the known names a one-word name starts or ends with ("ImageNet21k", "COCOval" -> Dataset,
    "AugGSM8K" -> Dataset, "DGX-2" -> Hardware), when they agree; the split falls where the case or the
    character class changes (not between two lower-case or two capital letters: "Bertha" is no BERT variant)."""
    labels = set()
    for i in range(1, len(text)):
        left, right = text[i - 1], text[i]
        if left.islower() and right.islower() or left.isupper() and right.isupper():
            continue  # inside a word or an acronym ("COSMOS" is no MOS variant)
        prefix, suffix = text[:i].rstrip("-"), text[i:].lstrip("-")
        for part in (prefix, suffix):
            label = names.get(part)
            if label is not None:
                labels.add(label)
            elif part in names:
                return None  # a name of two types decides nothing
    return labels.pop() if len(labels) == 1 else None


def singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _phrase_variants(phrase: str) -> list[str]:
    """The phrase, its head in the plural, and hyphens read as spaces (and the reverse)."""
    forms = {phrase}
    for form in list(forms):
        if "-" in form:
            forms.add(form.replace("-", " "))
    gaps = phrase.count(" ")
    if 1 <= gaps <= 3 and "-" not in phrase:
        # "Long Range Arena" is also written "long-range arena"
        words = phrase.split(" ")
        for mask in range(1, 2 ** gaps):
            forms.add(words[0] + "".join(("-" if mask >> i & 1 else " ") + w for i, w in enumerate(words[1:])))
    for form in list(forms):
        last = form.split(" ")[-1]
        if last.lower().endswith("y") and len(last) > 3 and last[-2] not in "aeiou":
            forms.add(form[:-1] + "ies")  # "latencies", "accuracies"
        elif last[-1:].isalpha() and not last.lower().endswith("s"):
            forms.add(form + ("es" if last.lower().endswith(("ch", "sh", "x")) else "s"))
    return sorted(forms)

