"""``kg_entities``: turn candidates into entities.

Longest span wins (then the stronger source, ``kg.extract.candidates.PRIORITY``); known
non-entities are dropped. A name found by shape is typed by the word after it and its head word
(``patterns/heads.jsonl``), by the dataset cue phrases corpus resolution votes with ("evaluated on X", "X test
set": ``patterns/resolve.jsonl``) and by standing where a measure does ("55.1 AP", "a BLEU of 28.4": Metric); a
capitalised word listed with a Method or Dataset takes its type ("such as Adam and Adafactor"); acronyms share
their long form's entity; later surfaces of an entity become mentions; a device inside another entity is kept
too (``kg_nested_entities``). None of these needs the name in a vocabulary (``python -m kg.evaluate.unseen``
measures that).
"""

from __future__ import annotations

import functools
import operator
import re
from typing import Any


from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.extract.base import PatternComponent, doc_tokens
from kg.extract.head_phrases import dataset_variant_end
from kg.extract.candidates import (ARTICLES, ENTITIES_KEY, ENTITY_LABELS, IGNORE, NESTED_KEY, SHAPE_SOURCES, Candidate,
                                   candidate, candidates, entity_key, make_spans, release_candidates, select, title_end,
                                   written_lower)


def written_upper(text: str) -> bool:
    """Whether *text* has a capital letter: a name written so ("YOLO", "ResNet", "Transformer") is named even as a
    modifier's left part; a generic lower-case word ("transformer", "attention"; at a sentence start or in a Title
    Case title, its first letter aside) is not."""
    return any(c.isupper() for c in text)
from kg.extract.token_view import set_entities
from kg.extract.vocabulary import EntityVocabulary, part_label
from kg.patterns import read_pattern_file
from kg.extract.pattern_data import word_lists, words_by_list
from kg.naming import dataset_head_nouns, long_form_variants, merge_key, resolve_word_lists

_UNSET = object()
_NAMING_SOURCES = frozenset({"vocabulary"})  # a type from these holds for the name across the paper
_METHOD_KEY = operator.attrgetter("method_key")
_MAX_HEAD_LABELS = 1_000_000


@functools.lru_cache(maxsize=65536)
def _strip_s(word: str) -> str:
    """``re.sub(r"s$", "", word)`` (remembered: the same few words come back)."""
    return re.sub(r"s$", "", word)


def _in_dataset_cue_list(words, start: int) -> bool:
    """Whether a name at words[start] is a later item of a list a dataset cue opens: "datasets, including Adult,
    California Housing and Wine" (names and list glue only between the cue and the name, up to twelve words)."""
    if start < 2 or words[start - 1].lower_ not in {",", "and", "or"}:
        return False
    i = start - 1
    while i > 0 and start - i <= 12:
        word = words[i]
        if word.text in {",", "/"} or word.lower_ in {"and", "or"}:
            i -= 1
            continue
        if word.is_lower or not any(c.isalnum() for c in word.text):
            return False
        if words[i - 1].is_lower or not any(c.isalnum() for c in words[i - 1].text):
            if _after_dataset_cue(words, i):  # the first word of an item
                return True
        i -= 1
    return False


def _after_dataset_cue(words, start: int) -> bool:
    """Whether a cue phrase of ``dataset_before`` (not the bare "on the") ends right before words[start], an
    article between them allowed: "evaluated on (the) X", "benchmarks such as X"."""
    if start > 0 and words[start - 1].lower_ in {"the", "a"}:
        start -= 1
    if start < 1 or words[start - 1].lower_ not in _dataset_cue_ends():
        return False  # no cue phrase ends in this word (the joins below would all miss)
    cues = _dataset_before()
    before = [w.lower_ for w in words[max(0, start - 4):start]]
    if len(before) >= 3 and before[-3] == "," and before[-2:] == ["such", "as"]:
        del before[-3]  # "workloads, such as X" is "workloads such as X"
    elif len(before) >= 2 and before[-2] == "," and before[-1] in {"including", "like"}:
        del before[-2]  # "10 datasets, including X" is "datasets including X"
    return any(" ".join(before[-n:]) in cues for n in (1, 2, 3) if len(before) >= n)


_INNER_CAPITAL = re.compile(r"[a-z][A-Z]")


_COUNT = re.compile(r"^\d+$")


def _after_device_cue(words, start: int) -> bool:
    """Whether a name at words[start] stands where a compute device does: after a ``hardware_before`` phrase
    ("on a single X", "on one X"), after "on" and a count ("on 8 X") or after a count and "x" ("4 x X")."""
    if start >= 2 and _COUNT.match(words[start - 1].text) and words[start - 2].lower_ == "on":
        return True
    if start >= 2 and words[start - 1].lower_ in {"x", "×"} and _COUNT.match(words[start - 2].text):
        return True
    if start < 2 or words[start - 1].lower_ not in _cue_ends(_hardware_before()):
        return False  # no cue phrase ends in this word (the joins below would all miss)
    cues = _hardware_before()
    return any(" ".join(w.lower_ for w in words[start - n:start]) in cues for n in (2, 3, 4) if start >= n)


@functools.lru_cache(maxsize=1)
def _unit_forms() -> frozenset[str]:
    """The unit forms of patterns/units.jsonl written with a capital inside ("MHz", "mJ", "dB", "GFLOPs"): words
    the open shape rule would take for names."""
    return frozenset(form for row in read_pattern_file("units.jsonl") for form in row["forms"]
                     if any(c.isupper() for c in form) and " " not in form)


_MODEL_SIZE = re.compile(r"^\d+(?:\.\d+)?[BMKT]$")
_MEMORY_SIZE = re.compile(r"^\d{2,3}$")
_SPLIT_NAME_LABELS = frozenset({"Method", "Dataset", "Hardware"})
_SPLIT_SUFFIX = re.compile(r"^[A-Za-z]{1,2}$")


@functools.lru_cache(maxsize=1)
def _hardware_before() -> frozenset[str]:
    return frozenset(p.lower() for p in resolve_word_lists()["hardware_before"])


@functools.lru_cache(maxsize=8)
def _cue_ends(cues: frozenset[str]) -> frozenset[str]:
    """Every end of a cue phrase of *cues* that starts at its start or after a space: a join of words (with
    spaces) that is one of *cues* ends in a word that is one of these, whatever the words hold."""
    return frozenset(cue[at:] for cue in cues for at in range(len(cue)) if at == 0 or cue[at - 1] == " ")


def _after_dataset_noun(words, start: int) -> bool:
    """Whether a name at words[start] follows a dataset noun (``dataset_after_nouns`` but "set(s)" and
    "split(s)") right before it ("the benchmark DisOM") or before the parenthesis its list is in ("datasets (MNIST,
    SVHN, CIFAR-10)": names and list glue only between)."""
    nouns = dataset_head_nouns()
    if start > 0 and words[start - 1].lower_ in nouns:
        return True
    i = start
    while i > 0 and start - i <= 12:
        previous = words[i - 1]
        if previous.text == "(":
            return i >= 2 and words[i - 2].lower_ in nouns
        if not (previous.text in {",", "/", "and", "or"} or not previous.is_lower and any(c.isalnum() for c in previous.text)):
            return False
        i -= 1
    return False


def _in_dataset_slot(words, sent, start: int, metric_ends: frozenset[int] | set[int]) -> bool:
    """Whether a name at words[start] stands where a dataset does after "on": a score is reported on it ("0.62 on
    X", "12.1% on X", "87.4 J&F on X", "accuracy on X": a number, a percent sign, a number and a word, or a metric's
    last word before "on"), or a sentence or clause opens with it ("On X, our model ...", "...; on X it reaches ..."). An article
    may stand between ("on the X"). *metric_ends*: the positions where a Metric candidate ends (exclusive)."""
    at = start - 1
    if at > 0 and (words[at].lower_ in {"and", "or"} or words[at].text == "," and start + 1 < len(words) and (
            words[start + 1].text == "," or words[start + 1].lower_ in {"and", "or"})):
        # a later item of a list: "On Spider and BIRD, ...", "on CALLHOME, DIHARD and AMI" (but "On X, Y reaches ...":
        # Y opens the clause)
        while at > 0 and start - at <= 8 and words[at].lower_ != "on" and (
                words[at].text == "," or words[at].lower_ in {"and", "or"} or not words[at].is_lower and any(
                c.isalnum() for c in words[at].text)):
            at -= 1
    if at > 0 and words[at].lower_ == "the":
        at -= 1
    elif at > 1 and words[at - 1].lower_ == "the" and words[at].is_lower and words[at].is_alpha and not words[at].is_stop:
        at -= 2  # "On the larger X, ...", "0.62 on the harder X"
    if at < 0 or words[at].lower_ != "on":
        return False
    if sent[at] or at == 0:
        return True  # "On X, ..."
    previous = words[at - 1]
    if previous.text == ";" or previous.lower_ == "and" and at >= 2 and words[at - 2].text in {";", ","}:
        return True  # "...; on X it reaches", "..., and on X"
    if _NUMBER.match(previous.text) or previous.text == "%" or at >= 2 and _NUMBER.match(words[at - 2].text):
        return True  # "0.62 on X", "10.2% on X", "61.2 HOTA on X"
    return at in metric_ends  # "ANLS on X", "exact match on X"


# "Depth", "Mix-Headset", "X-Ray"; not a language pair of two full words ("Spanish-English", "English-German")
_NAME_WORD = re.compile(r"^[A-Z][a-z]+$|^(?![A-Z][a-z]{3,}-[A-Z][a-z]{3,}$)[A-Z][a-z]*(?:-[A-Z][a-z]+)+$")


def _dataset_name_words_end(tokens, end: int) -> int:
    """Where a dataset name found by its shape ends once the capitalised words that go on naming it are read: up to
    two Title Case words, each maybe hyphen-joined to another capitalised part ("NYU Depth v2", "AMI Mix-Headset",
    "IU X-Ray"), then maybe a version (``dataset_variant_end``). Only where the name ends its phrase after them (a
    punctuation mark, a function word, a dataset noun): "On COCO Mask R-CNN reaches ..." stays "COCO"."""
    words, n = tokens.words, len(tokens.words)
    i = end
    while i < n and i - end < 2 and _NAME_WORD.match(words[i].text) and not words[i].is_stop and not (
            i + 1 < n and tokens.end[i] == tokens.idx[i + 1] and (
                words[i + 1].text == "-" or not words[i + 1].is_punct)):  # a whole word: not "Top" of "Top-1"
        i += 1
    if i == end:
        return end
    last = dataset_variant_end(words, i)
    if last == n or words[last].is_stop or words[last].is_punct and words[last].text != "-" or (
            words[last].lower_ in _dataset_cues()[0] | _dataset_cues()[1]):
        return i
    return end


def _after_work_on(words, start: int, stems: tuple[str, ...]) -> bool:
    """Whether a name at words[start] is the object of "on" after a training or evaluation word (*stems*,
    ``dataset_work_stems`` of ``words.jsonl``) at most four words before the "on", no punctuation between:
    "fine-tuning Mistral-7B on X", "pre-training compute on X", "newly trained models on X". An article, and one
    lower-case modifier after it, may stand between "on" and the name ("trained on the larger X")."""
    at = start - 1
    if at > 0 and words[at].lower_ in ARTICLES:
        at -= 1
    elif at > 1 and words[at - 1].lower_ == "the" and words[at].is_lower and words[at].is_alpha and not words[at].is_stop:
        at -= 2
    if at < 1 or words[at].lower_ != "on":
        return False
    for i in range(at - 1, max(-1, at - 5), -1):
        word = words[i]
        if word.is_punct:
            return False
        if word.lower_.startswith(stems):
            return True
    return False


def _before_dataset_noun(words, end: int, nouns: frozenset[str], participles: frozenset[str]) -> bool:
    """Whether a dataset noun follows the name ending at words[end], after up to two lower-case modifiers ("X
    multi-organ benchmark", "the X knee dataset") or as the head of an apposition ("X, a benchmark of ...", "X, a
    document-level parallel corpus"): the noun ends its phrase (a punctuation mark or a function word follows; in an
    apposition also a participle: an -ed word or one of *participles*, "X, a dataset built from ...")."""
    n = len(words)
    i = end
    if i + 1 < n and words[i].text == "," and words[i + 1].lower_ in ARTICLES:
        i += 2
        limit = i + 4
    else:
        limit = i + 2
    while i < n and i <= limit:
        word = words[i]
        if word.lower_ in nouns:
            if i + 1 == n or words[i + 1].is_punct or words[i + 1].is_stop:
                return True
            # an apposition's noun may go on with a participle: "X, a dataset built from ...", "... collected from"
            return limit > end + 2 and (words[i + 1].lower_.endswith("ed") or words[i + 1].lower_ in participles)
        if word.text == "-" and i > end and words[i - 1].is_lower and i + 1 < n and words[i + 1].is_lower:
            i += 1
            limit += 1  # "a document-level parallel corpus": the tokenizer's hyphen joins one modifier
            continue
        if not (word.is_lower and (word.is_alpha or "-" in word.text)) or word.is_stop:
            return False
        i += 1
    return False


@functools.lru_cache(maxsize=65536)
def _metric_words(text: str) -> tuple[str, ...]:
    """The merge keys of a metric surface's words, without empty ones (a pure function of the text: remembered)."""
    words = tuple(merge_key(w, "Metric") for w in re.split(r"[\s\-]+", text) if w)
    return tuple(w for w in words if w)


@functools.lru_cache(maxsize=1)
def _task_process_nouns() -> frozenset[str]:
    """The process nouns a task's name ends in ("regression", "classification"): ``task_frames.jsonl``'s heads."""
    from kg.extract.pattern_data import read_pattern_file

    return frozenset(row["head"].lower() for row in read_pattern_file("task_frames.jsonl") if "head" in row)


@functools.lru_cache(maxsize=1)
def _dataset_before() -> frozenset[str]:
    return frozenset(p.lower() for p in resolve_word_lists()["dataset_before"] if p.lower() != "on the")


@functools.lru_cache(maxsize=1)
def _dataset_cue_ends() -> frozenset[str]:
    """Every end of a ``dataset_before`` cue that starts at its start or after a space: a join of words that is a
    cue ends in the last word so, whatever the words hold."""
    return _cue_ends(_dataset_before())


@functools.lru_cache(maxsize=1)
def _device_classes() -> frozenset[str]:
    """The device-class words that end a device model's name ("A10G GPU", "Graviton3 CPU"): ``device_class_suffixes``
    of ``patterns/resolve.jsonl`` that name a kind of processor (``processor_classes`` of ``words.jsonl``)."""
    return frozenset(resolve_word_lists()["device_class_suffixes"]) \
        & words_by_list(word_lists("processor_classes"))["processor_classes"]


@functools.lru_cache(maxsize=1)
def _dataset_cues() -> tuple[frozenset[str], frozenset[str]]:
    """The qualifiers and nouns after a name that make it a dataset ("X test set"), the cue lists corpus
    resolution votes with (``dataset_after_qualifiers``, ``dataset_after_nouns`` of ``patterns/resolve.jsonl``)."""
    lists = resolve_word_lists()
    return lists["dataset_after_qualifiers"], lists["dataset_after_nouns"]


_NUMBER = re.compile(r"^\d+(?:[.,]\d+)*%?$")
_FRACTION = re.compile(r"^0?\.\d+$")  # "0.070", ".81": a measured value, not a size or a version
# words before a number that make it a threshold ("TM-score above 0.9"): words.jsonl number_comparisons
_COMPARISONS = words_by_list(word_lists("number_comparisons"))["number_comparisons"]
# "6x", "2.5", "6x-8x", "%", "times": what stands before "higher" in "6x higher FPS"
_MULTIPLIER = re.compile(r"^(?:\d+(?:\.\d+)?(?:x|×|%|times)?(?:[-–]\d+(?:\.\d+)?(?:x|×|%)?)?|x|×|%|times)$")
_PLURAL_ACRONYM = re.compile(r"^[A-Z][A-Z0-9\-]*s$")  # "12 LLMs", "8 GPUs": things counted, not a measure
# a number no count of things has: "4.5" (GFLOPs), "410B" (FLOPs)
_MEASURE_NUMBER = re.compile(r"^\d*\.\d+$|^\d+(?:\.\d+)?[KMBGT]$")
_MAGNITUDE_PREFIXES = frozenset("KMGTP")  # kilo- to peta-: "GMACs" is giga-MACs
_BENCHMARK_SHAPE = re.compile(r"(?:(?<=[a-z0-9])(?:Bench|Eval|QA)|[\-]?[Bb]ench)$")


# one word of letter-or-digit parts joined by hyphens: "ogbg-molhiv", "tgbl-wiki", "Proof-pile", "Path-X"
_HYPHEN_ID = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)+$")
_ID_PART = re.compile(r"[A-Za-z]{3,}")
_WORD_PAIR = re.compile(r"^[A-Z][a-z]+(?:-[A-Z][a-z]+)+$")


@functools.lru_cache(maxsize=65536)
def _id_shaped(text: str) -> bool:
    """Whether one word is shaped like the identifier of a data set no rule finds as a name: hyphen-joined parts,
    capitalised ("Proof-pile", "Peptides-func", "Path-X") or in lower case with a part of three or more letters
    general English lacks ("ogbg-molhiv", "tgbl-wiki": wordfreq's list, as the entity scorer reads it), so that
    "fine-tuning", "multi-task" or "state-of-the-art" are none; nor a letter and a word ("N-body", "K-means") or
    capitalised words paired ("German-English", "Runge-Kutta": a language pair, a method's inventors)."""
    if not _HYPHEN_ID.match(text) or text.isupper() or text[1] == "-" or _WORD_PAIR.match(text):
        return False  # an acronym, a letter and a word ("N-body"), capitalised words paired ("German-English")
    if text[0].isupper():
        return True
    if not text.islower():
        return False
    from kg.extract.scorer import _frequencies

    table = _frequencies()
    return any(not table.get(part) for part in _ID_PART.findall(text))


@functools.lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    """The one-word known non-entities of ``patterns/stop.jsonl`` (languages, venues, companies), lower case."""
    return frozenset(row["pattern"].lower() for row in read_pattern_file("stop.jsonl")
                     if isinstance(row.get("pattern"), str) and " " not in row["pattern"])


@Language.factory("kg_entities", default_config={"pattern_files": ["heads.jsonl"], "propagate": True})
def make_entity_resolver(nlp: Language, name: str, pattern_files: list[str], propagate: bool) -> EntityResolver:
    return EntityResolver(nlp, name, pattern_files=pattern_files, propagate=propagate)


class EntityResolver(PatternComponent):
    """Turn candidates into final entities.

    Longest span wins (then the stronger source); known non-entities are dropped. A span
    from an open rule is typed by its neighbours and head word (``patterns/heads.jsonl``:
    "X dataset", "X benchmark" -> Dataset; "... rate" -> Metric; task words -> dropped).
    Acronyms share the key of their long form; every later surface of a found entity (in the
    title too) becomes a mention. Sets ``doc.spans["kg_entities"]`` (kb_id_ = entity key) and
    ``doc._.kg_proposed`` (keys of the paper's own methods).
    """

    settings = ("propagate",)
    word_list_names = ("list_glue", "change_words", "kind_words", "measure_openers", "measure_comparatives",
                       "modifier_suffixes", "task_head_nouns", "irregular_participles", "model_nouns",
                       "dataset_work_stems", "data_source_nouns", "list_separators", "measure_change_verbs",
                       "measure_phrase_comparatives", "amount_prepositions", "amount_hedges", "object_determiners")

    def __init__(self, nlp: Language, name: str = "kg_entities", *, pattern_files: list[str] = ("heads.jsonl",),
                 propagate: bool = True):
        super().__init__(nlp, name, pattern_files=pattern_files, propagate=propagate)

    def clear(self) -> None:
        self.heads: dict[str, str] = {}
        self.next_words: dict[str, str] = {}
        self.any_words: dict[str, str] = {}
        self._vocabulary: Any = _UNSET  # the pipeline's kg_vocabulary (None: none), looked up once per doc
        self._head_labels: dict[str, str | None] = {}  # text -> head_label(text), while the rows stay
        self._keys: dict[tuple[str, str], str] = {}  # (label, surface) -> _key(label, surface, ""): pure, kept
        self._metric_ends: set[int] = set()  # where the doc's Metric candidates end ("ANLS on X"), set per doc
        self._defaulted = False  # whether the last _definition_label call fell back to the default Method

    def add(self, rows: list[dict[str, Any]]) -> None:
        self._head_labels = {}
        for row in rows:
            if "head" in row:
                self.heads[row["head"].lower()] = row["label"]
            if "next" in row:
                self.next_words[row["next"].lower()] = row["label"]
            if "word" in row:
                self.any_words[row["word"].lower()] = row["label"]

    def head_label(self, text: str) -> str | None:
        """The type the head word (or an organisation word anywhere) of *text* gives it; remembered per text."""
        label = self._head_labels.get(text, _UNSET)
        if label is _UNSET:
            if len(self._head_labels) > _MAX_HEAD_LABELS:
                self._head_labels.clear()
            label = self._head_labels[text] = self._head_label(text)
        return label

    def _head_label(self, text: str) -> str | None:
        words = re.split(r"[\s\-]+", text.lower())
        if len(words) > 1:
            # organisation and programme words anywhere: "China Accelerator Facility for ...", "DFG Priority Programm"
            for word in words:
                if word in self.any_words:
                    return self.any_words[word]
        for word in (words[-1], re.sub(r"s$", "", words[-1])):
            if word in self.heads:
                return self.heads[word]
        return None

    def __call__(self, doc: Doc) -> Doc:
        self.check_initialized()
        self._vocabulary = _UNSET
        found = candidates(doc)
        tokens = doc_tokens(doc)
        words = tokens.words
        self._metric_ends = {s.end for s in found if s.label_ == "Metric"}

        def text(span: Span | Candidate) -> str:  # span.text, sliced from the doc's text (no Token objects)
            return tokens.span_text(span.start, span.end)

        abbreviations = doc._.kg_abbreviations or []
        # acronym definitions: the long form gets the label the vocabulary or its head word gives
        canonical_of: dict[str, str] = {}  # merge key of a short form -> the key of its entity
        definitions = []
        ignored_short_forms: set[str] = set()
        for long_start, long_end, short_start, short_end in abbreviations:
            long_span, short_span = doc[long_start:long_end], doc[short_start:short_end]
            label = self._definition_label(long_span, short_span, found)
            if label is None:
                # a task or a known non-entity: its acronym is none either ("Lottery Ticket Hypothesis (LTH)")
                found.append(candidate(doc, short_start, short_end, IGNORE, "acronym"))
                ignored_short_forms.add(text(short_span))
                continue
            if label == "Method" and self._defaulted:
                label = self._definition_position_label(doc, long_span) or label
            definitions.append((long_span, short_span, label))
            found.append(candidate(doc, long_start, long_end, label, "acronym"))
            found.append(candidate(doc, short_start, short_end, label, "acronym"))

        typed = []
        end_of_title = title_end(doc)
        # identifier-shaped words no rule took ("ogbg-molhiv", "Proof-pile"): names only where a dataset's position
        # types them (a score on them, a dataset cue or noun, a list with a dataset); elsewhere they are dropped
        position_only, paired_names = self._id_shaped_words(doc, found, end_of_title)
        found.extend(position_only)
        found.extend(paired_names)
        # a phrase a task frame found ("... for Combinatorial Optimization") is that task, though the stop list
        # keeps the same words from being a Method ("a problem class, not a method")
        framed_tasks = {(s.start, s.end) for s in found if s.label_ == "Task" and s.id_ == "context"}
        # ... and so is one a task head noun follows ("linear regression tasks"; its own head a task's process noun,
        # task_frames.jsonl: "offline reinforcement learning tasks" name a learning paradigm's tasks, a Method's),
        # though the vocabulary lists the
        # name as a Method: a task is never also a Method in the same paper (GUIDELINE-TASKS.md)
        # name as a Method: a task is never also a Method in the same paper (GUIDELINE-TASKS.md), so its other
        # mentions are the Task too
        headed_tasks = {(start, end) for start, end in framed_tasks
                        if end < len(doc) and words[end].lower_ in self.words["task_head_nouns"]
                        and (words[end - 1].lower_ in _task_process_nouns() or self.heads.get(words[end - 1].lower_) == "Task")}
        # ... and so is an item of a coordination whose next or previous item is a framed task too ("spanning image
        # classification, age regression, and ..."; "linear regression and traveling salesman problems"), its head
        # a task's process noun: the items of a list share their kind
        task_bounds = {(s.start, s.end) for s in found if s.label_ == "Task"}
        task_starts = {start for start, _ in task_bounds}
        task_ends = {end for _, end in task_bounds}
        listed_tasks = {(s.start, s.end) for s in found if s.label_ in ("Method", "Task") and len(s) > 1 and (
            s.start >= end_of_title) and (
            words[s.end - 1].lower_ in _task_process_nouns() or self.heads.get(words[s.end - 1].lower_) == "Task") and (
            self._coordinated_with(words, s.end, task_starts, 1) or self._coordinated_with(words, s.start - 1,
                                                                                            task_ends, -1))}
        task_names = {tokens.span_text(start, end).lower() for start, end in headed_tasks | listed_tasks}
        for span in found:
            if span.label_ == IGNORE and span.id_ == "vocabulary" and (span.start, span.end) in framed_tasks:
                continue
            if task_names and span.label_ == "Method" and text(span).lower() in task_names:
                # a vocabulary row keeps its source: corpus resolution then sees the vocabulary's name with two
                # types and lets the papers' votes decide
                span = candidate(doc, span.start, span.end, "Task", span.id_, span.kb_id_)
            if span.id_ in SHAPE_SOURCES:
                label = self._type_open(doc, span)
            elif span.id_ == "coined":
                label = self._next_label(doc, span) or span.label_  # "we introduce the AUC-100 metric"
            else:
                label = span.label_
            if span.id_ in SHAPE_SOURCES and ignored_short_forms and text(span) in ignored_short_forms:
                continue  # "neural CO solvers" after "combinatorial optimization (CO)": still the task
            if self._modifier(words, span, len(doc)) and not written_upper(
                    text(span)[1:] if tokens.sent_starts()[span.start] or span.start < end_of_title else text(span)):
                continue  # "transformer-based language models": what they build on, no mention of a transformer
            if label is None or label != IGNORE and label not in ENTITY_LABELS:
                continue
            if label != span.label_:
                span = candidate(doc, span.start, span.end, label, span.id_, span.kb_id_)
            if label in _SPLIT_NAME_LABELS and span.end < len(doc) and tokens.end[span.end - 1] == tokens.idx[span.end] and \
                    words[span.end - 1].text[-1:].isdigit() and _SPLIT_SUFFIX.match(words[span.end].text):
                # the tokenizer split a size letter off a name ("LMSYS-Chat-1M", "A10G"): the name is the whole word
                span = candidate(doc, span.start, span.end + 1, label, span.id_, span.kb_id_)
            if label == "Hardware" and span.end + 1 < len(doc) and any(c.isdigit() for c in words[span.end - 1].text) \
                    and _MEMORY_SIZE.match(words[span.end].text) and words[span.end + 1].text in {"GB", "G"} and \
                    tokens.end[span.end] == tokens.idx[span.end + 1]:
                # a device model and its memory size written as one word ("NVIDIA H100 80GB"): one device
                span = candidate(doc, span.start, span.end + 2, label, span.id_, span.kb_id_)
            if label == "Dataset" and span.id_ in SHAPE_SOURCES and words[span.start].is_lower:
                # "the competition-level OlympiadBench": a lower-case modifier an extension put before a dataset's
                # name describes the data, it does not name it (a dataset's name starts with its capitalised word)
                first = next((i for i in range(span.start, span.end) if written_upper(words[i].text)), None)
                if first is not None:
                    span = candidate(doc, first, span.end, label, span.id_, span.kb_id_)
            if label == "Dataset" and span.id_ in SHAPE_SOURCES:
                # "DAVIS 2017", "BridgeData V2": a variant of its own (as kg_head_phrases extends known ones); "NYU
                # Depth v2", "AMI Mix-Headset": capitalised words that go on naming it
                end = dataset_variant_end(words, _dataset_name_words_end(tokens, span.end))
                if end != span.end:
                    typed.append(span)
                    span = candidate(doc, span.start, end, label, span.id_, span.kb_id_)
            typed.append(span)
        typed = self._one_type_per_name(doc, typed, definitions)
        chosen = self._coordinated_datasets(doc, select(typed))
        if position_only:
            spots = {(span.start, span.end) for span in position_only}
            chosen = [span for span in chosen if span.label_ == "Dataset" or (span.start, span.end) not in spots
                      or span.id_ != "open"]
        chosen = self._coordinated_devices(doc, chosen)
        chosen = self._coordinated_names(doc, chosen)

        # keys: vocabulary long forms and acronym definitions tie surfaces together
        first_long: dict[str, Span] = {}
        known_before = {s.end: s for s in chosen if s.id_ == "vocabulary" and s.label_ in ENTITY_LABELS}
        for long_span, short_span, label in definitions:
            long_key = self._key(label, text(long_span), "")
            short_key = entity_key(label, text(short_span))
            wider = known_before.get(long_span.end)
            if wider is not None and wider.label_ == label and wider.start < long_span.start and (
                    short_span.start - long_span.end <= 1) and not any(
                    "-" in w.text for w in words[wider.start:long_span.start]):  # not "early-exit LLMs (LLMs)"
                # "deep reinforcement learning (RL)": the letters spell the shorter long form, but the acronym
                # names the known name written right before it, and so does that shorter form in this paper
                wider_key = self._key(label, text(wider), wider.kb_id_)
                canonical_of.setdefault(long_key, wider_key)
                long_key = wider_key
            first = first_long.setdefault(short_key, long_span)
            if first is not long_span and long_form_variants(text(first), text(long_span)):
                # "convolutional neural network (CNN)" then "convolutional network (CNN)": one entity
                long_key = self._key(label, text(first), "")
                canonical_of.setdefault(self._key(label, text(long_span), ""), long_key)
            canonical_of[short_key] = long_key
        expansions = {text(short): text(long) for long, short, _ in definitions}
        chosen_keys = [self._key(s.label_, text(s), s.kb_id_) for s in chosen]
        known_keys = set(chosen_keys)
        proposed: set[str] = set()
        entities = []
        for span, key in zip(chosen, chosen_keys):
            if span.label_ == IGNORE:
                continue
            key = canonical_of.get(key, key)
            if len(span) == 2 and span.id_ == "open" and words[span.start + 1].lower_ in self.words["kind_words"] and \
                    self._key(span.label_, words[span.start].text, "") in known_keys | set(canonical_of):
                # "GC scheme" after "Gradient Coding (GC)": the scheme is the entity GC names (but "LLM
                # quantization" is a technique of its own, not the LLM)
                key = self._key(span.label_, words[span.start].text, "")
                key = canonical_of.get(key, key)
            elif len(span) > 1 and key not in canonical_of.values():
                # "ZO optimization" is "Zeroth-Order Optimization" when ZO was defined so
                for token in words[span.start:span.end]:
                    if token.text in expansions:
                        expanded = text(span).replace(token.text, expansions[token.text], 1)
                        expanded_key = self._key(span.label_, expanded, "")
                        if expanded_key in known_keys or expanded_key in canonical_of.values():
                            key = expanded_key
                        break
            entities.append((span, key))
            if span.id_ == "coined" and span.label_ in {"Method", "Dataset"}:
                proposed.add(key)
        if self.propagate:
            entities = self._propagate(doc, entities, {s for s in chosen if s.label_ == IGNORE})
        entities = self._merge_metric_variants(doc, entities)
        entities = self._spelt_names(doc, entities)
        entities = self._merge_short_tasks(doc, entities, abbreviations)
        entities = self._drop_model_kind_tasks(doc, entities)
        doc.spans[NESTED_KEY] = make_spans(doc, [(span.start, span.end, span.label_, key, "")
                                                 for span, key in self._nested_devices(doc, typed, entities)])
        set_entities(doc, ENTITIES_KEY, make_spans(doc, [
            (span.start, span.end, span.label_, key, span.id_ or "propagated")
            for span, key in sorted(entities, key=lambda item: item[0].start)]))
        doc._.kg_proposed = sorted(proposed)
        release_candidates(doc)  # the last reader of the candidate list
        return doc

    def _id_shaped_words(self, doc: Doc, found: list[Candidate],
                         end_of_title: int) -> tuple[list[Candidate], list[Candidate]]:
        """Candidates (source ``open``, the default Method) for identifier-shaped words (:func:`_id_shaped`) that no
        candidate covers, in the abstract, not at a sentence start, and ending their phrase (a punctuation mark, a
        function word, a number or a dataset noun after them: "tgbl-wiki, ...", "Path-X challenge"; not "Proof-pile
        style models"); and (second list) capitalised words joined by hyphens so ("Frank-Wolfe", "Heavy-Ball"), names
        whatever their position."""
        tokens = doc_tokens(doc)
        words, n = tokens.words, len(doc)
        covered = [False] * n
        for span in found:
            for i in range(span.start, span.end):
                covered[i] = True
        sent = None
        out, named = [], []
        nouns = dataset_head_nouns() | _dataset_cues()[0] | _dataset_cues()[1]
        for i in range(max(end_of_title, 1), n):
            word = words[i]
            if covered[i] or "-" not in word.text or word.is_stop:
                continue
            paired = bool(_WORD_PAIR.match(word.text))
            if not paired and not _id_shaped(word.text):
                continue
            if sent is None:
                sent = tokens.sent_starts()
            if sent[i]:
                continue
            if i + 1 < n:
                after = words[i + 1]
                if not (after.is_punct or after.is_stop or after.like_num or after.lower_ in nouns
                        or after.lower_ in self.words["list_glue"]):
                    continue
            if paired:
                # capitalised words joined by hyphens in the abstract's running text name a method after its
                # inventors or parts ("Frank-Wolfe", "Heavy-Ball", "Follow-The-Leader", "Megatron-Core"): a name by
                # shape, typed as any (not a language pair: "German-English"; not after a capitalised word, a longer
                # name's part: "Soft Actor-Critic")
                if any(part in _stop_words() for part in word.lower_.split("-")) or (
                        i > 0 and words[i - 1].text[:1].isupper() and not sent[i - 1]):
                    continue
                named.append(candidate(doc, i, i + 1, "Method", "open"))
                continue
            out.append(candidate(doc, i, i + 1, "Method", "open"))
        return out, named

    @staticmethod
    def _spelt_names(doc: Doc, entities: list[tuple[Candidate, str]]) -> list[tuple[Candidate, str]]:
        """A Task phrase written with capitals inside its lower-case words that spell a name of the paper
        ("Pessimistic ASsortment opTimizAtion" beside "PASTA", "(PASTA for short)") is that name written out, not a
        task: its mentions become the name's entity."""
        tokens = doc_tokens(doc)
        spelt: dict[str, str] = {}
        for span, key in entities:
            if span.label_ != "Task":
                continue
            surface = tokens.span_text(span.start, span.end)
            if _INNER_CAPITAL.search(surface) and any(_INNER_CAPITAL.search(w) for w in surface.split()):
                letters = "".join(c for c in surface if c.isupper())
                if len(letters) >= 3:
                    spelt[key] = letters
        if not spelt:
            return entities
        # (a name the acronym rule made the Task's own short form, "... (PASTA)", is a Method with it)
        names = {tokens.span_text(span.start, span.end): ("Method" if span.label_ == "Task" else span.label_, key)
                 for span, key in entities if span.end - span.start == 1 and (span.label_ != "Task" or key in spelt)}
        moved = {key: names[letters] for key, letters in spelt.items() if letters in names}
        if not moved:
            return entities
        return [(candidate(doc, span.start, span.end, moved[key][0], span.id_, span.kb_id_), moved[key][1])
                if key in moved else (span, key) for span, key in entities]

    @staticmethod
    def _merge_short_tasks(doc: Doc, entities: list[tuple[Candidate, str]],
                           abbreviations: list[tuple[int, int, int, int]]) -> list[tuple[Candidate, str]]:
        """A short Task is the one longer Task of the paper that ends in it: "segmentation" beside "semantic
        segmentation" is the paper's semantic segmentation written short, so its mentions become that entity's.
        Only when exactly one longer Task phrase ends in every surface of the short one, and not when the short
        one has an acronym of its own defined in the paper (*abbreviations*: "combinatorial optimization (CO)"
        beside "unsupervised combinatorial optimization" is a task of its own)."""
        words = doc_tokens(doc).words
        surfaces: dict[str, set[tuple[str, ...]]] = {}
        for span, key in entities:
            if span.label_ == "Task":
                surfaces.setdefault(key, set()).add(tuple(words[i].lower_ for i in range(span.start, span.end)))
        if len(surfaces) < 2:
            return entities
        defined = {tuple(words[i].lower_ for i in range(start, end)) for start, end, _, _ in abbreviations}
        merged: dict[str, str] = {}
        for key, forms in surfaces.items():
            if forms & defined:
                continue
            longer = {other for other, other_forms in surfaces.items() if other != key and all(
                any(len(long) > len(form) and long[-len(form):] == form for long in other_forms) for form in forms)}
            if len(longer) == 1:
                merged[key] = longer.pop()
        if not merged:
            return entities
        for key in list(merged):  # "segmentation" -> "image segmentation" -> "medical image segmentation"
            seen = {key}
            while merged[key] in merged and merged[key] not in seen:
                seen.add(merged[key])
                merged[key] = merged[merged[key]]
        return [(span, merged.get(key, key)) if span.label_ == "Task" else (span, key) for span, key in entities]

    def _drop_model_kind_tasks(self, doc: Doc, entities: list[tuple[Candidate, str]]) -> list[tuple[Candidate, str]]:
        """Drop a Task every mention of which stands right before a model noun ("recommendation models",
        "instruction-following models", "document understanding LLMs": ``model_nouns`` of ``words.jsonl``). There the
        task words say what kind of model it is; GUIDELINE-TASKS.md lists a task only where it is written as a
        phrase of its own, and a paper that addresses the task names it so somewhere else."""
        words = doc_tokens(doc).words
        model_nouns = self.words["model_nouns"]
        n = len(words)
        kinds: dict[str, bool] = {}
        for span, key in entities:
            if span.label_ == "Task":
                kinds[key] = kinds.get(key, True) and span.end < n and words[span.end].lower_ in model_nouns
        dropped = {key for key, only_kind in kinds.items() if only_kind}
        return [(span, key) for span, key in entities if key not in dropped] if dropped else entities

    def _nested_devices(self, doc: Doc, typed: list[Candidate],
                        entities: list[tuple[Candidate, str]]) -> list[tuple[Candidate, str]]:
        """Devices inside a Metric or Method ("GPU memory reduction", "GPU kernels"): the device is an entity too.

        They go to their own span group: ``kg_entities`` spans do not overlap, and results and
        relations read only those."""
        nested = self._nested_methods(doc, typed, entities)
        outer = [span for span, _ in entities if span.label_ in {"Metric", "Method"} and len(span) > 1]
        # a device model named with its class ("an A10G GPU", "a Graviton3 CPU"): the class is a compute target too
        # (a named device: "mobile CPU" is one class, not a model and a class)
        named = [span for span, _ in entities if span.label_ == "Hardware" and len(span) > 1 and not doc_tokens(
            doc).words[span.start].is_lower]
        classed = {span.end for span in named}
        outer += named
        if not outer:
            return nested
        covered = [False] * len(doc)
        for span in outer:
            for i in range(span.start, span.end):
                covered[i] = True
        tokens = doc_tokens(doc)
        words = tokens.words

        def text(span: Candidate) -> str:
            return tokens.span_text(span.start, span.end)
        keys = {merge_key(text(span), "Hardware"): key for span, key in entities if span.label_ == "Hardware"}
        for span in typed:
            if span.label_ != "Hardware" or span.id_ != "vocabulary" or not all(covered[span.start:span.end]):
                continue
            if any(o.start <= span.start and span.end <= o.end and (o.start, o.end) != (span.start, span.end) and (
                    o.label_ != "Hardware" or span.end == o.end and len(span) == 1 and span.end in classed
                    and words[span.start].lower_ in _device_classes()) for o in outer):
                key = keys.setdefault(merge_key(text(span), "Hardware"), self._key("Hardware", text(span), span.kb_id_))
                nested.append((span, key))
        return nested

    def _nested_methods(self, doc: Doc, typed: list[Candidate],
                        entities: list[tuple[Candidate, str]]) -> list[tuple[Candidate, str]]:
        """Named methods inside a Task ("GPT-2 training", "ResNet-50 training"): the task is the job done to
        the model, and the model is a Method of the paper too (GUIDELINE-TASKS.md). Only a name the vocabulary
        knows or the shape rule finds (written with a capital or a digit), at the Task's start."""
        tokens = doc_tokens(doc)
        # a model named with its size ("Llama-3 8B", "T5 11B"): the family name written before the size is a
        # surface of the same entity (papers and annotators name the model either way)
        sized = [(candidate(doc, span.start, span.end - 1, "Method", span.id_, span.kb_id_), key)
                 for span, key in entities if span.label_ == "Method" and len(span) > 1
                 and _MODEL_SIZE.match(tokens.words[span.end - 1].text)]
        tasks = [span for span, _ in entities if span.label_ == "Task" and len(span) > 1]
        if not tasks:
            return sized
        keys = {merge_key(tokens.span_text(span.start, span.end), "Method"): key
                for span, key in entities if span.label_ == "Method"}
        nested, seen = [], set()
        for span in typed:
            if span.label_ != "Method" or span.id_ not in {"vocabulary", "open"} or (span.start, span.end) in seen:
                continue
            surface = tokens.span_text(span.start, span.end)
            if written_lower(surface) or not any(
                    o.start == span.start and span.end < o.end for o in tasks):
                continue
            seen.add((span.start, span.end))
            key = keys.setdefault(merge_key(surface, "Method"), self._key("Method", surface, span.kb_id_))
            nested.append((span, key))
        return sized + nested

    def _key(self, label: str, text: str, canonical: str) -> str:
        """``f"{label}|{merge_key(canonical or text, label)}"``, remembered per (label, surface)."""
        surface = canonical or text
        key = self._keys.get((label, surface))
        if key is None:
            if len(self._keys) > _MAX_HEAD_LABELS:
                self._keys.clear()
            key = self._keys[(label, surface)] = entity_key(label, surface)
        return key

    def _definition_position_label(self, doc: Doc, long_span: Span) -> str | None:
        """The type the place of an acronym definition that nothing else types gives it, as a name found by its
        shape takes one: the long form's own place ("2x to 330x fewer Multiply-Accumulate (MAC) operations"), when
        it is not the default Method. (The places of the short form's later mentions are weaker: "trained on X
        tokens", "23 Xs" made a paper's own method a Dataset and a model family a Metric.)"""
        label = self._type_open(doc, Candidate(long_span.start, long_span.end, "Method", "open"))
        return label if label not in {None, "Method", IGNORE} else None

    def _coordinated_with(self, words, at: int, ends: set[int], step: int) -> bool:
        """Whether the words from *at* on (*step* 1) or back from it (*step* -1) are a list's separator
        (``list_separators``: ",", "and", "or", ", and") and then one of *ends* (a framed task's start going on, its
        end going back)."""
        separators = self.words["list_separators"]
        i, seen = at, 0
        while 0 <= i < len(words) and seen < 2 and words[i].lower_ in separators:
            i += step
            seen += 1
        return seen > 0 and (i if step > 0 else i + 1) in ends

    def _definition_label(self, long_span: Span, short_span: Span, candidates: list[Candidate]) -> str | None:
        self._defaulted = False
        long_text = doc_tokens(long_span.doc).span_text(long_span.start, long_span.end)
        for span in sorted(candidates, key=lambda s: -(s.end - s.start)):
            if span.id_ in SHAPE_SOURCES or span.id_ == "context":
                continue
            same_long = span.start == long_span.start and span.end == long_span.end
            same_short = span.start == short_span.start and span.end == short_span.end
            if same_short and not same_long and span.kb_id_ and merge_key(span.kb_id_, span.label_) != merge_key(
                    long_text, span.label_):
                continue  # "ASR" is attack success rate in the list, but here it is "Automatic Speech Recognition"
            if same_long or same_short:
                return span.label_ if span.label_ in ENTITY_LABELS else None
        head = self.head_label(long_text)
        if head == IGNORE:
            return None
        if head is None:
            # no type from a list or the head word: the word after the definition's bracket says what the name
            # is, as it does after a coined name ("Token Elasticity of Performance (TEP) metric", "... (CE) metrics")
            words = doc_tokens(long_span.doc).words
            after = short_span.end + 1 if short_span.end < len(words) and words[short_span.end].text == ")" else None
            if after is not None and after < len(words):
                following = words[after].lower_
                label = self.next_words.get(following) or self.next_words.get(_strip_s(following))
                if label and label != IGNORE:
                    return label
        self._defaulted = head is None
        return head or "Method"

    def _next_label(self, doc: Doc, span: Candidate) -> str | None:
        """The type the word after a name gives it ("X dataset", "X metric"), if any."""
        words = doc_tokens(doc).words
        if span.end < len(doc):
            following = words[span.end].lower_
            label = self.next_words.get(following) or self.next_words.get(_strip_s(following))
            if label and label != IGNORE:
                return label
        if _before_dataset_noun(words, span.end, dataset_head_nouns(), self.words["irregular_participles"]):
            return "Dataset"  # "We release X, a benchmark of ..."
        return None

    def _part_label(self, text: str) -> str | None:
        """The type the pipeline's vocabulary gives the known names *text* is made of (kg.extract.vocabulary.part_label)."""
        vocabulary = self._vocabulary
        if vocabulary is _UNSET:  # looked up once per doc (__call__ resets it)
            vocabulary = self._vocabulary = (self.nlp.get_pipe("kg_vocabulary")
                                             if "kg_vocabulary" in self.nlp.pipe_names else None)
        if vocabulary is None:
            return None
        if isinstance(vocabulary, EntityVocabulary):
            return vocabulary.part_label(text)  # remembered per text
        return part_label(vocabulary.names, text)

    def _type_open(self, doc: Doc, span: Candidate) -> str | None:
        """Type a name found by shape alone, from the word after it and its own head word."""
        tokens = doc_tokens(doc)
        if span.end < len(doc):
            following = tokens.words[span.end].lower_
            label = self.next_words.get(following)
            if label is None and not (span.end + 1 < len(doc) and _NUMBER.match(tokens.words[span.end + 1].text)):
                # "X scores" is X's scores, but "X scores 71.4" says what X does (a verb before a number)
                label = self.next_words.get(_strip_s(following))
            if label:
                return None if label == IGNORE else label
            if span.end + 1 < len(doc) and following in _dataset_cues()[0] and (
                    tokens.words[span.end + 1].lower_ in _dataset_cues()[1]):
                return "Dataset"  # "the MiniF2F test set", "X validation split" (patterns/resolve.jsonl's cue lists)
        if _after_dataset_cue(tokens.words, span.start) or _after_dataset_noun(tokens.words, span.start) or (
                _in_dataset_cue_list(tokens.words, span.start)) or (
                _in_dataset_slot(tokens.words, tokens.sent_starts(), span.start, self._metric_ends)
                and not _after_device_cue(tokens.words, span.start)) or _before_dataset_noun(
                tokens.words, span.end, dataset_head_nouns(), self.words["irregular_participles"]):
            # "evaluated on X", "benchmarks such as X" (patterns/resolve.jsonl's dataset_before); "the benchmark X",
            # "datasets (MNIST, X, CIFAR-10)"
            return "Dataset"
        if _after_device_cue(tokens.words, span.start) and not (
                span.end < len(doc) and (tokens.words[span.end].is_lower or tokens.words[span.end].is_title
                                         and span.end < title_end(doc)) and tokens.words[span.end].is_alpha
                and not tokens.words[span.end].is_stop):
            # "on a single Orin Nano", "on 8 X", "4 x X" (patterns/resolve.jsonl's hardware_before), but not
            # "on two VGGNet models" or the title's "on 176 X Tasks": a noun after the name says what it is
            return "Hardware"
        text = tokens.span_text(span.start, span.end)
        after = tokens.words[span.end] if span.end < len(doc) else None
        if _after_work_on(tokens.words, span.start, self._work_stems()) and not _after_device_cue(
                tokens.words, span.start) and not (
                after is not None and after.is_lower and after.is_alpha and not after.is_stop
                and after.lower_ not in _dataset_cues()[0] | _dataset_cues()[1]) and (self.head_label(text) if len(span) > 1 else self._part_label(text)) in {
                None, "Method", "Dataset"}:
            # "fine-tuning Mistral-7B on X", "pre-training compute on X": the data the work is done on (a name
            # whose head or parts say Hardware or Metric keeps that type: "trained on TPUv4 pods"; a noun after the
            # name says what it is: "evaluation tasks on a WidowX arm")
            return "Dataset"
        if self._data_source(tokens.words, span.start) and not (
                after is not None and after.is_lower and after.is_alpha and not after.is_stop
                and after.lower_ not in _dataset_cues()[0] | _dataset_cues()[1]
                and not (span.end + 1 < len(doc) and tokens.words[span.end + 1].is_stop)) and (
                self.head_label(text) if len(span) > 1 else self._part_label(text)) in {None, "Method", "Dataset"}:
            # "176 tasks from X", "pairwise comparisons drawn from X", "a trace derived from X": where the data come
            # from (a noun after the name says what it is: "pairs collected from X tuning logs", "images from X
            # outputs"; a word a function word follows is the verb: "crowds from X account for ...")
            return "Dataset"
        if len(span) == 1 and span.start > 0 and _NUMBER.match(tokens.words[span.start - 1].text) and (
                text in _unit_forms()) and self._vocabulary_label(text) != "Metric":
            return None  # "at 245 MHz", "1.9 mJ", "0.5 dB": the unit of a number (units.jsonl), not a Metric's name
        if len(span) == 1 and self._measured(tokens.words, span.start, span.end) and not (
                span.end < min(len(doc), title_end(doc)) and tokens.words[span.end].is_title
                and tokens.words[span.end].is_alpha and not tokens.words[span.end].is_stop) and (
                not _PLURAL_ACRONYM.match(text) or self._unit_like(tokens.words, span.start, text)):
            return "Metric"  # "55.1 AP", "12.3% WER", "a BLEU of 28.4", "in terms of Hypervolume", "3.2 GMACs"
        if self._measure_position(tokens.words, tokens.sent_starts(), span.start) and not _PLURAL_ACRONYM.match(text):
            return "Metric"  # "6x higher FPS", "in terms of Hypervolume, R2-distance and ..."
        if len(span) == 1 and self._changed_measure(tokens.words, span.start, span.end) and not _PLURAL_ACRONYM.match(text):
            return "Metric"  # "reduces X by 14%", "cuts X to 0.53", "a lower X than the baseline"
        head = self.head_label(text) if len(span) > 1 else None
        if head == IGNORE:
            return None
        if head is None and len(span) == 1:
            head = self._part_label(text)  # "ImageNet21k" is a Dataset as ImageNet is
        if head is None and _before_dataset_noun(tokens.words, span.end, self._metric_nouns(), frozenset()):
            return "Metric"  # "under the X faithfulness metric", "X, a measure of ...": a metric noun ends its phrase
        if head is None and _BENCHMARK_SHAPE.search(text):
            return "Dataset"
        if head is None and len(span) > 1 and self._vocabulary_label(tokens.words[span.end - 1].text) == "Metric":
            return "Metric"  # "Z500 RMSE", "Foo F1": a name qualifying a known metric names a metric of its own
        return head or span.label_

    def _data_source(self, words, start: int) -> bool:
        """Whether a name at words[start] is where items of data come from: "from" (an article may follow it) after
        a noun of ``data_source_nouns``, a past participle maybe between ("tasks from X", "queries drawn from the
        X", "a trace derived from X")."""
        at = start - 1
        if at > 0 and words[at].lower_ in ARTICLES:
            at -= 1
        if at < 1 or words[at].lower_ != "from":
            return False
        at -= 1
        word = words[at]
        if at > 0 and word.is_lower and (word.lower_.endswith("ed") or word.lower_ in self.words["irregular_participles"]):
            at -= 1
        return words[at].lower_ in self.words["data_source_nouns"]

    def _metric_nouns(self) -> frozenset[str]:
        """The words after a name that make it a Metric ("X metric", "X score": ``heads.jsonl``'s next rows)."""
        nouns = self.__dict__.get("_metric_noun_set")
        if nouns is None or nouns[0] != (id(self.next_words), len(self.next_words)):
            nouns = self._metric_noun_set = ((id(self.next_words), len(self.next_words)), frozenset(
                w for word, label in self.next_words.items() if label == "Metric" for w in (word, word + "s")))
        return nouns[1]

    def _work_stems(self) -> tuple[str, ...]:
        """``dataset_work_stems`` as a tuple (for str.startswith)."""
        stems = self.__dict__.get("_work_stem_tuple")
        if stems is None or stems[0] is not self.words["dataset_work_stems"]:
            stems = self._work_stem_tuple = (self.words["dataset_work_stems"], tuple(sorted(self.words["dataset_work_stems"])))
        return stems[1]

    def _modifier(self, words, span: Candidate, n: int) -> bool:
        """Whether the name doc[span] is the left part of a hyphenated modifier: "X-based", "X-like", "X-style",
        "X-inspired" (``modifier_suffixes``)."""
        return span.end + 1 < n and words[span.end].text == "-" and words[span.end + 1].lower_ in \
            self.words["modifier_suffixes"]

    def _vocabulary_label(self, text: str) -> str | None:
        """The type the pipeline's vocabulary gives *text* as a whole name ("FLOPs", "FPS" are Metrics)."""
        vocabulary = self._vocabulary
        if vocabulary is _UNSET:
            self._part_label(text)  # looks the pipeline's vocabulary up, once per doc
            vocabulary = self._vocabulary
        return (getattr(vocabulary, "names", None) or {}).get(text)

    def _unit_like(self, words, start: int, text: str) -> bool:
        """Whether a plural acronym right after a number is a unit of measure, not things counted ("8 GPUs", "12
        LLMs"): the number has a fraction or a magnitude suffix ("4.5 GFLOPs", "410B FLOPs": no one has 4.5 LLMs),
        or the acronym is a known Metric, also behind a magnitude prefix ("GMACs", "TFLOPs": MACs and FLOPs are
        known Metrics of the vocabulary)."""
        if start > 0 and _MEASURE_NUMBER.match(words[start - 1].text):
            return True
        vocabulary = self._vocabulary
        if vocabulary is _UNSET:
            self._part_label(text)  # looks the pipeline's vocabulary up, once per doc
            vocabulary = self._vocabulary
        names = getattr(vocabulary, "names", None) or {}
        return names.get(text) == "Metric" or text[:1] in _MAGNITUDE_PREFIXES and names.get(text[1:]) == "Metric"

    def _measure_position(self, words, sent, start: int) -> bool:
        """Whether a name at words[start] stands where a measured quantity does, beyond :meth:`_measured`: after a
        multiplier and a comparative ("6x higher FPS", "2x to 330x fewer MACs": ``measure_comparatives``), or as an
        item of a list a measure opener starts ("in terms of Hypervolume, R2-distance and ...": ``measure_openers``,
        the items between being names and list glue)."""
        if start >= 2 and words[start - 1].lower_ in self.words["measure_comparatives"] and _MULTIPLIER.match(
                words[start - 2].text):
            return True
        openers = self.words["measure_openers"]
        opener_ends = _cue_ends(openers)
        glue = self.words["list_glue"]
        i = start
        while i > 0 and start - i <= 8 and not sent[i]:
            if words[i - 1].lower_ in opener_ends and any(
                    " ".join(w.lower_ for w in words[i - n:i]) in openers for n in (2, 3) if i >= n):
                return True
            previous = words[i - 1]
            if not (previous.lower_ in glue or not previous.is_lower and any(c.isalnum() for c in previous.text)):
                return False  # a word that is no name and no list glue: the list (if any) started later
            i -= 1
        return False

    def _changed_measure(self, words, start: int, end: int) -> bool:
        """Whether the name at words[start:end] is the quantity a change is reported for: the object of a change
        verb (``measure_change_verbs``, a determiner of ``object_determiners`` maybe between) before an amount
        ("reduces X by 14%", "lowers the X to 0.53", "improves X from 0.61 to 0.70": ``amount_prepositions`` and a
        number or a hedge of ``amount_hedges``), or a compared quantity ("a lower X than ...", "higher X than":
        ``measure_phrase_comparatives`` before the name, "than" after it)."""
        n = len(words)
        at = start - 1
        if at > 0 and words[at].lower_ in self.words["object_determiners"]:
            at -= 1
        if at >= 0 and words[at].lower_ in self.words["measure_change_verbs"] and end + 1 < n and (
                words[end].lower_ in self.words["amount_prepositions"]) and (
                any(c.isdigit() for c in words[end + 1].text) or words[end + 1].lower_ in self.words["amount_hedges"]):
            return True
        return start > 0 and words[start - 1].lower_ in self.words["measure_phrase_comparatives"] and end < n and (
            words[end].lower_ == "than")

    @staticmethod
    def _measured(words, start: int, end: int) -> bool:
        """Whether the name at words[start:end] stands where a measure does: right after a number ("55.1 AP",
        "12% WER"), before "of" and a number ("a BLEU of 28.4"), or after "in terms of"."""
        before = [w.text for w in words[max(0, start - 3):start]]
        if before and _NUMBER.match(before[-1]) or len(before) >= 2 and before[-1] == "%" and _NUMBER.match(before[-2]):
            return True
        if end + 1 < len(words) and words[end].lower_ == "of" and _NUMBER.match(words[end + 1].text):
            return True
        if end < len(words) and _FRACTION.match(words[end].text):
            return True  # "MAE 0.070 vs. 0.089": a value below one written after the name (not a version: "Llama 3.1")
        if end + 1 < len(words) and words[end].lower_ in _COMPARISONS and _NUMBER.match(words[end + 1].text):
            return True  # "TM-score above 0.9"
        return [w.lower() for w in before] == ["in", "terms", "of"]

    def _propagate(self, doc: Doc, entities: list[tuple[Candidate, str]],
                   blocked: set[Candidate]) -> list[tuple[Candidate, str]]:
        """Every other occurrence of a found surface (any case, singular or plural) is a mention too."""
        tokens = doc_tokens(doc)
        words, span_text = tokens.words, tokens.span_text
        by_key: dict[str, tuple[str, str]] = {}
        upper_only: set[str] = set()  # surfaces written in capitals ("MATH") do not match "math" or "Math"
        max_len = 1
        for span, key in entities:
            text = span_text(span.start, span.end)
            surface_key = merge_key(text, "Method")
            if len(surface_key) < 2:
                continue
            if not written_lower(text):
                upper_only.add(surface_key)
            elif surface_key in upper_only:
                upper_only.discard(surface_key)  # written both ways in this paper
            by_key.setdefault(surface_key, (span.label_, key))
            max_len = max(max_len, len(span))
        taken = [False] * len(doc)
        for span in [s for s, _ in entities] + list(blocked):
            for i in range(span.start, span.end):
                taken[i] = True
        found = list(entities)
        # windows are only tried where their first word could start a known surface
        first_words = {words[span.start].method_key for span, _ in entities}
        if not len(doc):
            return found
        # the first-word test reads each word's merge key, kept on the (shared) Word: computed once per word
        starts = [i for i, key in enumerate(map(_METHOD_KEY, words)) if key in first_words]
        starts = [i for i in starts if not (words[i].is_punct or words[i].is_space)]
        if not starts:
            return found
        resume = 0  # after a found window, the scan goes on at its end
        for i in starts:
            if i < resume or taken[i]:
                continue
            for length in range(min(max_len, len(doc) - i), 0, -1):
                last = words[i + length - 1]
                if any(taken[i:i + length]) or last.is_punct or last.is_space:
                    continue
                window_text = span_text(i, i + length)
                window_key = merge_key(window_text, "Method")
                hit = by_key.get(window_key)
                if hit is None:
                    continue
                if window_key in upper_only and written_lower(window_text):
                    continue
                found.append((Candidate(i, i + length, hit[0], "propagated"), hit[1]))
                for j in range(i, i + length):
                    taken[j] = True
                resume = i + length
                break
        return found

    @staticmethod
    def _one_type_per_name(doc: Doc, typed: list[Candidate], definitions: list) -> list[Candidate]:
        """One name, one type in a paper: a name found by shape takes the type a vocabulary mention of the same
        surface has (its curated type); one left a
        Method (the default) takes the type the paper's own evidence gives the same surface elsewhere: the long
        form of its acronym definition
        ("Quantization Space Utilization Rate (QSUR)" ... "QSUR" is a Metric) or its position in another mention
        ("6x higher FPS" ... "FPS" is a Metric; "evaluated on X" ... "X" is a Dataset)."""
        span_text = doc_tokens(doc).span_text
        evidence: dict[str, str] = {}
        for _, short_span, label in definitions:
            evidence.setdefault(span_text(short_span.start, short_span.end), label)
        shaped = {(span.start, span.end): span_text(span.start, span.end) for span in typed
                  if span.id_ in SHAPE_SOURCES and span.label_ in ENTITY_LABELS}
        # a name a vocabulary row types keeps that type wherever its shape alone typed it otherwise (a coined
        # name's type is a default, weaker than "we present X, ... X dataset": not used here)
        strong: dict[str, str | None] = {}
        if shaped:
            texts = set(shaped.values())
            for span in typed:
                if span.id_ in _NAMING_SOURCES and span.label_ in ENTITY_LABELS:
                    text = span_text(span.start, span.end)
                    if text in texts:
                        strong[text] = span.label_ if strong.get(text, span.label_) == span.label_ else None
        for span in typed:
            if span.id_ in SHAPE_SOURCES and span.label_ in ENTITY_LABELS and span.label_ != "Method":
                evidence.setdefault(shaped[(span.start, span.end)], span.label_)
            elif span.id_ == "coined" and span.label_ == "Dataset":
                # "StateTrap: Benchmarking ..." and "We introduce StateTrap, a benchmark of ...": one Dataset
                evidence.setdefault(span_text(span.start, span.end), span.label_)
        if not evidence and not any(strong.values()):
            return typed
        out = []
        for span in typed:
            if span.id_ == "coined" and span.label_ == "Method":
                # "we present NLP4LP, a novel dataset ... the NLP4LP dataset": a coined name's Method is a default
                label = evidence.get(span_text(span.start, span.end), "Method")
                if label != "Dataset":
                    label = "Method"  # the paper's own name: a value beside it ("X achieves 6.9") makes no Metric
                if label != "Method":
                    span = candidate(doc, span.start, span.end, label, span.id_, span.kb_id_)
            elif span.id_ in SHAPE_SOURCES and span.label_ in ENTITY_LABELS:
                text = shaped[(span.start, span.end)]
                label = strong.get(text) or (evidence.get(text, "Method") if span.label_ == "Method" else span.label_)
                if label != span.label_:
                    span = candidate(doc, span.start, span.end, label, span.id_, span.kb_id_)
            out.append(span)
        return out

    def _coordinated_datasets(self, doc: Doc, chosen: list[Candidate]) -> list[Candidate]:
        """A name found by shape in a list with a known dataset is a dataset: "GSM8K, MATH500, and AIME"."""
        def eligible(span: Candidate, words) -> bool:
            # a name found by shape, or a device name that is also a benchmark's ("B100" after "Set5, Set14")
            return (span.id_ in SHAPE_SOURCES and span.label_ == "Method" or
                    span.id_ == "vocabulary" and span.label_ == "Hardware" and not span.kb_id_)

        return self._spread_along_lists(doc, chosen, "Dataset", eligible, self.words["list_glue"], max_gap=2)

    def _coordinated_devices(self, doc: Doc, chosen: list[Candidate]) -> list[Candidate]:
        """A model number found by shape in a list with a device is a device: "on an Apple M2, a Graviton4 and an
        AMD Ryzen 9 7950X". The name has a digit and no lower-case word follows it ("a Graviton4 model" is no
        list item); list glue and an article only between (``list_glue``, "a", "an", "the")."""
        if not any(span.label_ == "Hardware" for span in chosen):
            return chosen
        glue = self.words["list_glue"] | ARTICLES

        def eligible(span: Candidate, words) -> bool:
            if not (span.id_ in SHAPE_SOURCES and span.label_ == "Method" and span.end - span.start == 1
                    and any(c.isdigit() for c in words[span.start].text)):
                return False
            # "a Graviton4 model", "X7 layers": a noun after the name says what it is
            return not (span.end < len(words) and words[span.end].is_lower and words[span.end].is_alpha
                        and words[span.end].lower_ not in glue)

        return self._spread_along_lists(doc, chosen, "Hardware", eligible, glue, max_gap=3, separator=True)

    @staticmethod
    def _spread_along_lists(doc: Doc, chosen: list[Candidate], label: str, eligible, glue: frozenset[str] | set[str],
                            *, max_gap: int, separator: bool = False) -> list[Candidate]:
        """Give *label* to each *eligible* span listed next to a span of that label: at most *max_gap* words
        between them, all of them *glue* (with a comma, "and" or "or" among them when *separator*); the type
        spreads along the list (three passes). A name after a lone comma that opens the clause is no item ("On X
        and Y, SLR reaches ...")."""
        words = doc_tokens(doc).words
        spans = list(chosen)
        for _ in range(3):  # spread along the list
            changed = False
            for index, span in enumerate(spans):
                if not eligible(span, words):
                    continue
                for other in (spans[index - 1] if index else None, spans[index + 1] if index + 1 < len(spans) else None):
                    if other is None or other.label_ != label:
                        continue
                    low, high = (other.end, span.start) if other.start < span.start else (span.end, other.start)
                    if not 1 <= high - low <= max_gap:  # a few glue words between them, else no list
                        continue
                    if separator and not any(words[k].text == "," or words[k].lower_ in {"and", "or"}
                                             for k in range(low, high)):
                        continue
                    between = [t.lower_ for t in words[low:high]]
                    if between == [","] and other.start < span.start and span.end < len(words) and not (
                            words[span.end].is_punct or words[span.end].lower_ in glue):
                        continue  # "On X and Y, SLR reaches ...": the name after the comma opens the clause
                    if set(between) <= glue:
                        spans[index] = candidate(doc, span.start, span.end, label, span.id_, span.kb_id_)
                        changed = True
                        break
            if not changed:
                break
        return spans

    def _coordinated_names(self, doc: Doc, chosen: list[Candidate]) -> list[Candidate]:
        """A capitalised word listed with a Method or Dataset is one too: "optimizers such as Adam and Adafactor",
        "on ImageNet, Cars and Flowers". The word is no sentence start, no stop word and not part of a longer
        capitalised phrase; it takes the listed name's type (source ``context``: the scorer weighs it)."""
        if len(chosen) < 1:
            return chosen
        words = doc_tokens(doc).words
        sent = doc_tokens(doc).sent_starts()
        n = len(doc)
        taken = [False] * n
        for span in chosen:
            for i in range(span.start, span.end):
                taken[i] = True
        glue = self.words["list_glue"]
        end_of_title = title_end(doc)

        def lone_name(i: int) -> bool:
            if not 0 <= i < n or taken[i] or sent[i] or i <= end_of_title:
                return False
            word = words[i]
            if not (word.is_title and word.is_alpha and len(word.text) >= 3) or word.is_stop:
                return False
            # not a word of a longer name ("Stanford AI Lab", "Acme Robotics")
            # (a capitalised function word opening the sentence is no part of one: "On Spider and BIRD, ...")
            return not (i + 1 < n and words[i + 1].text[:1].isupper()) and not (
                i > 0 and words[i - 1].text[:1].isupper() and words[i - 1].lower_ not in glue
                and not (sent[i - 1] and words[i - 1].is_stop))

        added: list[Candidate] = []
        queue = [span for span in chosen if span.label_ in {"Method", "Dataset", "Metric"}]
        while queue:  # along the list: "CIFAR/Cars/Flowers"
            span = queue.pop()
            # the glue next to the span: no glue word there, no name one or two words on that side
            right = span.end < n and words[span.end].lower_ in glue
            left = span.start > 0 and words[span.start - 1].lower_ in glue
            if not (right or left):
                continue
            for step in (1, 2):  # one glue token (",", "and", "/") or two (", and")
                for at, between in ((span.end + step, words[span.end:span.end + step]),
                                    (span.start - step - 1, words[max(0, span.start - step):span.start])):
                    if at > span.start and [w.text for w in between] == [","] and at + 1 < n and not (
                            words[at + 1].is_punct or words[at + 1].lower_ in glue):
                        continue  # "On X and Y, Vexo reaches ...": the word after the comma opens the clause
                    if all(w.lower_ in glue for w in between) and lone_name(at):
                        added.append(candidate(doc, at, at + 1, span.label_, "context"))
                        queue.append(added[-1])
                        taken[at] = True
        return sorted([*chosen, *added], key=lambda s: s.start) if added else chosen

    def _merge_metric_variants(self, doc: Doc, entities: list[tuple[Candidate, str]]) -> list[tuple[Candidate, str]]:
        """A metric and the longer metric phrase that starts or ends with it are one quantity in a paper:
        "regret" / "regret bound", "energy" / "energy consumption", "speedup" / "wall-clock speedup".
        Not when the longer phrase adds a number ("top-1 accuracy") or a change word, nor when the short
        one fits several longer ones."""
        change_words = self.words["change_words"]
        words_of: dict[str, set[tuple[str, ...]]] = {}
        for span, key in entities:
            if span.label_ == "Metric":
                words_of.setdefault(key, set()).add(_metric_words(doc_tokens(doc).span_text(span.start, span.end)))
        target: dict[str, str] = {}
        for short_key, short_forms in words_of.items():
            homes = set()
            for long_key, long_forms in words_of.items():
                if long_key == short_key:
                    continue
                for short in short_forms:
                    for long in long_forms:
                        n = len(short)
                        if not n or n >= len(long):
                            continue
                        extra = long[n:] if long[:n] == short else long[:-n] if long[-n:] == short else None
                        if extra and not any(any(c.isdigit() for c in w) or w in change_words for w in extra):
                            homes.add(long_key)
            if len(homes) == 1:
                target[short_key] = homes.pop()
        if not target:
            return entities

        def final(key: str) -> str:
            seen = set()
            while key in target and key not in seen:
                seen.add(key)
                key = target[key]
            return key
        return [(span, final(key) if span.label_ == "Metric" else key) for span, key in entities]
