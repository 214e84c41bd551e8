"""``kg_vocabulary``: curated names and terms from the vocabulary pattern files.

``patterns/{methods,datasets,hardware,metrics,tasks}.jsonl`` hold names of one type each,
``ambiguous.jsonl`` acronyms with several meanings (typed by the long form the paper writes),
``stop.jsonl`` known non-entities (label ``Ignore``), ``external.jsonl`` names from outside sources (installed
packages' own tables, made by ``bench/external_vocabulary.py``; a curated row naming the same phrase with the same
type wins, one of another type wins as a reported conflict, see :func:`outside_rows_shadowed`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from kg.extract.base import PatternComponent, doc_tokens
from kg.extract.candidates import ENTITY_LABELS, IGNORE, ProposesCandidates, add_candidates, candidate, doc_text
from kg.extract.gated_matcher import GatedMatcher
from kg.extract.pattern_data import VOCABULARY_FILES
from kg.naming import singular_word
from kg.schema import TASK

AMBIGUOUS = "Ambiguous"
_UNKNOWN = object()
_MAX_PART_LABELS = 1_000_000
_SEPARATORS = re.compile(r"[\s\-_]+")


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
    read as spaces. ``"id"`` names the canonical long form ("RL" -> "reinforcement learning"). A row with
    ``"near"`` (lower-case words) matches only in a sentence that holds one of them: a generic word of several
    senses ("accelerator" is a compute device beside "GPU" or "inference", a particle accelerator elsewhere).
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
        self.conflicts: list[dict[str, Any]] = []  # outside rows a curated row of another type shadows
        self._near: dict[str, frozenset[str]] = {}  # match id -> the words one of which its sentence must hold

    def add(self, rows: list[dict[str, Any]]) -> None:
        self._part_labels = {}
        self.conflicts.extend(outside_row_conflicts(rows))
        for row in outside_rows_shadowed(rows):
            pattern = row["pattern"]
            if "senses" in row:
                # an acronym with several meanings ("MAE"): typed by the long form the paper writes
                label, canonical = AMBIGUOUS, pattern
                self._senses[pattern] = row["senses"]
            else:
                label, canonical = row["label"], row.get("id", "")
            match_id = f"{label}\t{canonical}"
            if row.get("near"):
                # a generic word of several senses ("accelerator"): found only beside a word of its sense
                near = frozenset(word.lower() for word in row["near"])
                match_id += "\t" + ",".join(sorted(near))
                self._near[match_id] = near
            self._info[match_id] = (label, canonical)
            if isinstance(pattern, str) and label in ENTITY_LABELS and len(pattern) >= 3 and pattern != pattern.lower():
                self.names[pattern] = label if self.names.get(pattern, label) == label else None
            if isinstance(pattern, str):
                # acronyms ("JOB", "SOAP") and one-word names ("Ray", "Lion") must match their case
                one_word_name = " " not in pattern and any(c.isupper() for c in pattern)
                exact = row.get("case", one_word_name or not any(c.islower() for c in pattern))
                matcher = self.exact_matcher if exact else self.lower_matcher
                # a one-word Task matches in the singular only: "segmentations", "recommendations" are things the
                # process makes ("several key recommendations"), not the task
                plural = not (label == TASK and " " not in pattern.strip())
                forms = _phrase_variants(pattern, plural) if self.variants and not row.get("exact_form") else [pattern]
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
                key = self.nlp.vocab.strings[match_id]
                label, canonical = self._info[key]
                if self._near and key in self._near and not _sentence_holds(doc, start, end, self._near[key]):
                    continue
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


def _sentence_holds(doc: Doc, start: int, end: int, words: frozenset[str]) -> bool:
    """Whether the sentence of doc[start:end] holds one of *words* (lower case) outside the match."""
    tokens = doc_tokens(doc)
    sent = tokens.sent_starts()
    first = start
    while first > 0 and not sent[first]:
        first -= 1
    last = end
    while last < len(doc) and not sent[last]:
        last += 1
    return any(tokens.words[i].lower_ in words for i in range(first, last) if not start <= i < end)


def row_names(row: dict[str, Any]) -> list[str]:
    """The names a vocabulary row stands for: its phrase (not a token pattern), its canonical ``id`` and, for an
    ambiguous acronym, each sense's long form."""
    names = [row["pattern"]] if isinstance(row.get("pattern"), str) else []
    if row.get("id"):
        names.append(row["id"])
    names += [sense["id"] for sense in row.get("senses", [])]
    return names


def vocabulary_key(name: str) -> str:
    """A name as the vocabulary matches it: case-folded, hyphens, underscores and spaces alike, without a final
    plural ``s`` ("ResNets" = "resnet", "Long-Range Arena" = "long range arena"; a capital S is no plural:
    "YOLOS" is not "YOLO")."""
    words = _SEPARATORS.sub(" ", name).split()
    if words and words[-1].endswith("s"):
        words[-1] = singular_word(words[-1])  # kg.naming's conservative singular ("losses", but "bias")
    return " ".join(words).casefold()


def _row_labels(row: dict[str, Any]) -> set[str]:
    """The types a row gives its names (an ambiguous acronym: each sense's; a ``stop.jsonl`` row: ``Ignore``)."""
    return {sense["label"] for sense in row["senses"]} if "senses" in row else {row["label"]}


def _curated_names(rows: list[dict[str, Any]]) -> dict[str, tuple[set[str], set[str]]]:
    """:func:`vocabulary_key` of each curated row's names -> (the types curated rows give it, their spellings)."""
    curated: dict[str, tuple[set[str], set[str]]] = {}
    for row in rows:
        if "source" in row:
            continue
        for name in row_names(row):
            labels, spellings = curated.setdefault(vocabulary_key(name), (set(), set()))
            labels |= _row_labels(row)
            spellings.add(name)
    return curated


def _outside_verdict(row: dict[str, Any], curated: dict[str, tuple[set[str], set[str]]]) -> str:
    """What a curated row does to an outside row: ``"keep"`` (no curated row names it, or one of another type
    spelt otherwise while the outside row matches its own spelling only: the transformers model "SuperGlue" and
    the benchmark "SuperGLUE"), ``"shadowed"`` (a curated row names it with the same type, or lists it as a known
    non-entity: the curated row wins) or ``"conflict"`` (a curated row names the same phrase with another type:
    the curated row wins, and :func:`outside_row_conflicts` reports it)."""
    if "source" not in row or not isinstance(row.get("pattern"), str):
        return "keep"
    found = curated.get(vocabulary_key(row["pattern"]))
    if found is None:
        return "keep"
    labels, spellings = found
    if row["label"] in labels or IGNORE in labels:
        return "shadowed"
    if row.get("case") and row.get("exact_form") and row["pattern"] not in spellings:
        return "keep"
    return "conflict"


def outside_rows_shadowed(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """*rows* without the outside rows (``external.jsonl``: rows with a ``"source"``) that a curated row shadows:
    one naming the same phrase (:func:`vocabulary_key` of :func:`row_names`: any case, hyphen or plural) with the
    same type, or listing it as a known non-entity (``stop.jsonl``). A curated row of another type shadows the
    outside row only when the two can match the same words (a conflict, see :func:`outside_row_conflicts`):
    "MNIST" is in both (the curated row wins); the transformers model "SuperGlue" (matched in its own case only)
    stays beside the curated Dataset "SuperGLUE"."""
    curated = _curated_names(rows)
    return [row for row in rows if _outside_verdict(row, curated) == "keep"]


def outside_row_conflicts(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The outside rows that a curated row of another type shadows (the curated type wins): ``{"pattern",
    "label", "source", "curated": [types]}``, in row order. ``EntityVocabulary.conflicts`` keeps them."""
    curated = _curated_names(rows)
    return [{"pattern": row["pattern"], "label": row["label"], "source": row["source"],
             "curated": sorted(curated[vocabulary_key(row["pattern"])][0])}
            for row in rows if _outside_verdict(row, curated) == "conflict"]


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


def _phrase_variants(phrase: str, plural: bool = True) -> list[str]:
    """The phrase, its head in the plural (unless not *plural*), and hyphens read as spaces (and the reverse)."""
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
    for form in list(forms) if plural else ():
        last = form.split(" ")[-1]
        if last.lower().endswith("y") and len(last) > 3 and last[-2] not in "aeiou":
            forms.add(form[:-1] + "ies")  # "latencies", "accuracies"
        elif last[-1:].isalpha() and not last.lower().endswith("s"):
            forms.add(form + ("es" if last.lower().endswith(("ch", "sh", "x")) else "s"))
    return sorted(forms)

