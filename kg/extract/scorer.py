"""``kg_scorer``: a learned confidence for every entity candidate, and a threshold per type.

After ``kg_entities`` has chosen the spans, each entity of the doc (the spans that share a key) gets
a probability from a logistic-regression model over a few dozen sparse features: its type, the
source that found it, its shape (case, digits, length), its head and first word, the words around
its first mention, how often and where (title) it is mentioned, whether an acronym defines it. The
weights, the bias and one threshold per type live in ``kg/extract/models/scorer.json``, trained by
``python -m kg.evaluate.train_scorer`` on the dev gold over kg's own candidates (the thresholds are
chosen by cross-validation on dev only). An entity below its type's threshold is dropped from
``doc.spans["kg_entities"]`` (and ``kg_nested_entities``); the kept entities' probabilities are in
``doc._.kg_confidences`` (entity key -> probability).

Inference is a dictionary look-up per feature and a sigmoid: no numpy or scikit-learn at run time.
The model travels with the pipeline (``to_bytes``/``to_disk``).
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from spacy.lang.en.stop_words import STOP_WORDS as _STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import SimpleFrozenList, ensure_path

from kg.errors import PipelineError
from kg.extract.base import SerialisedState, doc_tokens, pipe_in_batches
from kg.extract.candidates import ENTITIES_KEY, NESTED_KEY, PRIORITY, title_end
from kg.extract.token_view import entities as cached_spans, set_entities  # the group's spans, read once per doc

MODELS_DIR = Path(__file__).parent / "models"
DEFAULT_MODEL = "scorer.json"
# doc.user_data key: entity key -> the features it was scored with, kept while ``filter`` is off (training)
TRAINING_FEATURES = "kg_scorer_features"


def entity_groups(doc: Doc) -> dict[str, list[Span]]:
    """The doc's entities: key -> spans (in text order), from ``kg_entities``."""
    groups: dict[str, list[Span]] = defaultdict(list)
    for span in cached_spans(doc, ENTITIES_KEY):
        groups[span.kb_id_].append(span)
    return groups


_ZEROS = itertools.repeat(0.0)  # the default of every weight look-up (map stops with the features)
_DIGIT = re.compile(r"\d")
_ALPHA = re.compile(r"[^\W\d_]")
_CAMEL = re.compile(r"[a-z][A-Z]")


@functools.lru_cache(maxsize=65536)
def _shape(text: str) -> str:
    """The case and character shape of an entity's surface (a pure function of the text: remembered)."""
    if not _ALPHA.search(text):
        return "nonalpha"
    if text.isupper():
        case = "upper"
    elif text.islower():
        case = "lower"
    elif all(w[:1].isupper() for w in text.split()):
        case = "title"
    elif _CAMEL.search(text):
        case = "camel"
    else:
        case = "mixed"
    shape = "digit+" + case if _DIGIT.search(text) else case
    return shape + "+hyphen" if "-" in text else shape


def features(doc: Doc, spans: list[Span], proposed: set[str], defined: set[int],
             end_of_title: int | None = None, self_slot: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """Sparse binary features of one entity (its spans in text order)."""
    label = spans[0].label_
    sources = [s.id_ for s in spans]  # each read once (a Span looks its strings up on every read)
    first = next((s for s, source in zip(spans, sources) if source != "propagated"), spans[0])
    source = max((source or "propagated" for source in sources), key=lambda s: PRIORITY.get(s, 0))
    tokens = doc_tokens(doc)  # the doc's token cache: no Token objects
    text = tokens.span_text(first.start, first.end)
    words = text.split()
    if end_of_title is None:
        end_of_title = title_end(doc, default=0)
    in_title = any(s.start < end_of_title for s in spans)
    in_abstract = any(s.start >= end_of_title for s in spans)
    mentions = len(spans)
    before = _word_class(tokens.words[first.start - 1].lower_) if first.start > 0 else "<s>"
    after = _word_class(tokens.words[first.end].lower_) if first.end < len(doc) else "</s>"
    shape = _shape(text)
    n_words = min(len(words), 4)
    feats = [
        "bias:" + label,
        f"src={source}", f"{label}|src={source}",
        f"{label}|shape={shape}", f"shape={shape}",
        f"{label}|words={n_words}",
        f"{label}|mentions={min(mentions, 3)}",
        f"{label}|title={in_title}|abstract={in_abstract}",
        f"{label}|head={words[-1].lower()}" if len(words) > 1 else f"{label}|single={shape}",
        f"{label}|first={words[0].lower()}" if len(words) > 1 else f"{label}|oneword",
        f"{label}|before={before}", f"{label}|after={after}",
        f"before={before}", f"after={after}",
        f"{label}|sentstart={_sent_start(doc, tokens, first.start)}",
        f"{label}|chars={min(len(text) // 8, 5)}",
    ]
    if label in FREQUENCY_TYPES:
        feats.extend(label + suffix for suffix in _frequency_features(text, shape if len(words) == 1 else ""))
    if label == "Task":
        feats.extend(_task_features(tokens, spans, first, words, end_of_title))
    if spans[0].kb_id_ in proposed:
        feats.append(f"{label}|proposed")
    if any(s.start in defined for s in spans):
        feats.append(f"{label}|acronym-defined")
    if spans[0].kb_id_ in self_slot:
        feats.append(f"{label}|self-slot")  # "our (meta) algorithm X", "our method, X,": the frame proposes it
    return feats


# the types that carry the general-English frequency features (_frequency_features). Not Task: a task is named by
# common words ("image classification"), and with them Task lost 0.012 F1 out of fold and on unseen names.
FREQUENCY_TYPES = ("Method", "Metric")
_PHRASE_WORDS = re.compile(r"[^\s\-/]+")


@functools.lru_cache(maxsize=1)
def _frequencies() -> dict[str, float]:
    """General English word frequencies (``wordfreq``'s large English list: word -> frequency per word of
    running text, about 320k words from Wikipedia, subtitles, news, books, web text and Reddit), loaded once."""
    from wordfreq import get_frequency_dict

    return get_frequency_dict("en", wordlist="large")


def _zipf_bucket(frequency: float | None) -> int:
    """A word's Zipf frequency (log10 of its count per billion words) as a bucket: 0 for a word the list lacks,
    else the integer part, 1 to 7 ("resnet" 1, "mamba" 2, "transformer" 3, "baseline" 3, "approach" 4,
    "network" 5, "new" 6, "the" 7)."""
    if not frequency:
        return 0
    return max(1, min(7, int(math.log10(frequency) + 9.0)))


@functools.lru_cache(maxsize=65536)
def _frequency_features(text: str, single_shape: str) -> tuple[str, ...]:
    """How common an entity's words are in general English, as numbers and never as the words themselves: the
    Zipf buckets (``_zipf_bucket``) of its rarest word, of its head (last) word and of their mean, and how many
    of its words the list lacks (a word with a digit counts as lacking: "ResNet50"). A coined name ("FlashAttention")
    or a jargon head is rare in general text, a phrase of common words ("new approach", "strong baseline")
    common. A one-word name also gets its bucket with its case shape (*single_shape*): "GPU" (upper, 3) and
    "Zeus" (title, 3) differ from "Results" (title, 5). Feature suffixes, the entity type is prefixed."""
    table = _frequencies()
    buckets = []
    for word in _PHRASE_WORDS.findall(text.lower()):
        if not _ALPHA.search(word):
            continue  # a number or a bracket: not a word
        word = word.strip(".,;:()[]{}\"'")
        buckets.append(0 if _DIGIT.search(word) else _zipf_bucket(table.get(word)))
    if not buckets:
        return ("|zipf=none",)
    feats = [f"|zmin={min(buckets)}", f"|zhead={buckets[-1]}", f"|zmean={round(sum(buckets) / len(buckets))}",
             f"|zmissing={min(buckets.count(0), 2)}"]
    if single_shape:
        feats.append(f"|single={single_shape}|z={buckets[-1]}")
    return tuple(feats)


@functools.lru_cache(maxsize=65536)
def _word_class(word: str) -> str:
    """The class of a word beside an entity: a function word or a punctuation mark as itself ("as", "on", ",",
    "("), a number as NUM, any other word as "content". Content words beside a name are the paper's topic more
    than a sign of its type, and as features they memorise the dev papers (out of fold and on unseen names the
    classes score as well as the words, with about 40% fewer weights)."""
    if word in _STOP_WORDS or not _WORD_CHAR.search(word):
        return word
    return "NUM" if _DIGIT.search(word) else "content"


_WORD_CHAR = re.compile(r"\w")
_ADJECTIVE_SUFFIX = re.compile(r"(?:al|ic|ive|ian|ous|ary|ed|less|ful|able|ible|(?<!m)ent|ant|ar)$")


def _modifier_kind(word: str) -> str:
    """The kind of word before a Task's head: an adjective says how ("stochastic optimization", a method more
    often than not), a noun says what ("code optimization", the task)."""
    if "-" in word:
        return "hyphen"
    if sum(c.isupper() for c in word) >= 2 or _DIGIT.search(word):
        return "acronym"
    return "adjective" if _ADJECTIVE_SUFFIX.search(word.lower()) else "noun"


@functools.lru_cache(maxsize=1)
def _task_classes() -> tuple[dict[str, str], dict[str, frozenset[str]]]:
    """The pattern data the Task features read: head word -> head class, and the frame words.

    Head classes: ``task`` (``phrases.jsonl``'s Task heads, which name a task: "classification", "reasoning"),
    ``process`` (``task_frames.jsonl``'s process nouns, which end a task's or a method's name: "optimization",
    "search", "design"), ``lifecycle`` (its title-only heads: "training", "inference"). Frame words: the title
    cues ("for", "towards", "in"), the title-start verbs ("Optimizing", "Tackling"), the list cues' first words
    ("tasks such as", "applications such as": "such", "including", "like"), the frame nouns ("tasks",
    "problem") and the method nouns of ``words.jsonl`` ("methods", "framework")."""
    from kg.extract.pattern_data import word_lists
    from kg.patterns import read_pattern_file

    classes: dict[str, str] = {}
    for row in read_pattern_file("task_frames.jsonl"):
        if "head" in row:
            classes.setdefault(row["head"].lower(), "lifecycle" if row.get("title_only") else "process")
    for row in read_pattern_file("phrases.jsonl"):
        if row.get("label") == "Task" and "head" in row:
            classes[row["head"].lower()] = "task"
    frames: dict[str, set[str]] = {"title": set(), "title-start": set(), "list": set(), "noun": set(),
                                   "method_nouns": set(word_lists("method_nouns")[0]["words"])}
    for row in read_pattern_file("task_frames.jsonl"):
        if "cue" in row and row["where"] in ("title", "title-start"):
            frames[row["where"]].add(row["cue"].lower())
        elif "cue" in row and row.get("items"):
            frames["list"].add(row["cue"].lower().split()[-1])  # "tasks such as" -> "as", "tasks including" -> "including"
        elif "noun" in row:
            frames["noun"].add(row["noun"].lower())
        elif row.get("list") == "nominal_suffixes":
            frames["nominal_suffixes"] = set(row["words"])  # the title task grammar's process-noun endings
        elif row.get("list") == "not_process":
            frames["not_process"] = set(row["words"])  # things and properties with a process noun's ending
    return classes, {key: frozenset(words) for key, words in frames.items()}


def _head_class(word: str) -> str:
    classes = _task_classes()[0]
    lower = word.lower()
    if lower in classes:
        return classes[lower]
    if lower.endswith("s") and lower[:-1] in classes:
        return classes[lower[:-1]]  # "predictions"
    if lower.endswith("ing"):
        return "gerund"
    # a process noun by its form that no list holds ("docking" is a gerund; "diarization", "personalisation")
    return "nominal" if lower.endswith(tuple(_task_classes()[1]["nominal_suffixes"])) else "other"


def goal_head(word: str, goal_suffixes: Iterable[str], goal_heads: Iterable[str]) -> bool:
    """Whether a title phrase's last word names a task, a process or a property rather than a technique: a listed
    or nominal process noun ("Selection", "Imagination", "Compression"; not "Q-Function": ``not_process``), a
    property noun by its ending ("Robustness": *goal_suffixes*) or a listed goal noun ("Transfer": *goal_heads*).
    Gerunds, listed or not, are not goals ("Coding", "Prefetching", "Meta-Learning" name techniques as often as
    tasks)."""
    lower = word.lower().split("-")[-1]
    singular = lower[:-3] + "y" if lower.endswith("ies") else lower[:-1] if lower.endswith("s") and not lower.endswith("ss") else lower
    if singular.endswith("ing"):
        return False  # "Gradient Coding", "Adapter Prefetching": a gerund names a technique as often as a task
    if lower in goal_heads or singular in goal_heads:
        return True
    if lower.endswith(tuple(goal_suffixes)) or singular.endswith(tuple(goal_suffixes)):
        return True
    if lower in _task_classes()[1].get("not_process", ()) or singular in _task_classes()[1].get("not_process", ()):
        return False
    return _head_class(lower) in {"process", "task", "nominal", "lifecycle"}


def _task_frame(tokens, first: Span, end_of_title: int) -> str:
    """The frame a Task's first mention stands in, read from the words around it (whatever found it): in the
    title, its start ("Optimizing X", "X via Y"), a title cue ("... for X") or elsewhere; in the abstract, before
    a frame noun ("X tasks"), its opening words ("Molecular docking predicts ..."), an item of a list cue ("tasks
    such as X, Y"), after "for", after "of" ("the task of X") or none of these ("bare")."""
    frames = _task_classes()[1]
    words, sent = tokens.words, tokens.sent_starts()
    start, end = first.start, first.end
    before = words[start - 1].lower_ if start > 0 else ""
    if start < end_of_title:
        if start == 0 or before == ":":
            return "title-start"
        if before in frames["title"]:
            return "title-cue"
        if start > 1 and words[start - 2].lower_ in frames["title-start"] and (start == 2 or words[start - 3].text == ":"):
            return "title-start"
        return "title-other"
    if end < len(words) and words[end].lower_ in frames["noun"]:
        return "noun"
    if start == end_of_title + 1 or start > end_of_title and all(w.is_space for w in words[end_of_title + 1:start]):
        return "opening"  # the abstract's first words: the problem the paper starts from
    i = start - 1
    while i >= max(end_of_title, start - 12) and not sent[i + 1]:
        if words[i].lower_ in frames["list"]:
            return "list"
        if words[i].text in {".", ";", ":"}:
            break
        i -= 1
    if before == "for":
        return "for"
    if before == "of":
        return "of"
    return "bare"


def _task_features(tokens, spans: list[Span], first: Span, words: list[str], end_of_title: int) -> list[str]:
    """Task features over the structure, not the name: the class of its head word (``_task_classes``), the kind of
    word before the head, the frame it stands in, whether a mention is followed by a method noun ("amortized
    optimization methods": the means, or "classification methods": methods for the task; the head class tells
    them apart), and their pairs."""
    head = _head_class(words[-1])
    frame = _task_frame(tokens, first, end_of_title)
    feats = [f"Task|headclass={head}", f"Task|frame={frame}", f"Task|frame={frame}|headclass={head}"]
    method_nouns, following = _task_classes()[1]["method_nouns"], tokens.words
    if any(span.end < len(following) and following[span.end].lower_ in method_nouns for span in spans):
        feats += ["Task|method-noun-after", f"Task|method-noun-after|headclass={head}"]
    if len(words) > 1:
        premod = _modifier_kind(words[-2])
        feats += [f"Task|premod={premod}", f"Task|headclass={head}|premod={premod}"]
    return feats


def _sent_start(doc: Doc, tokens, i: int) -> bool | None:
    """``doc[i].is_sent_start`` (True, False, or None where the doc has no sentence starts), token 0 a start."""
    return tokens.is_sent_start(i)  # without a Token object


class _Model:
    """Weights per feature, and a threshold per type."""

    def __init__(self, data: dict[str, Any] | None = None):
        data = data or {}
        self.weights: dict[str, float] = dict(data.get("weights", {}))
        self.bias: float = float(data.get("bias", 0.0))
        self.thresholds: dict[str, float] = dict(data.get("thresholds", {}))
        self.info: dict[str, Any] = dict(data.get("info", {}))

    def to_dict(self) -> dict[str, Any]:
        return {"weights": self.weights, "bias": self.bias, "thresholds": self.thresholds, "info": self.info}

    def probability(self, feats: Iterable[str]) -> float:
        z = self.bias + sum(map(self.weights.get, feats, _ZEROS))  # weights.get(f, 0.0) of each, summed in order
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@Language.factory("kg_scorer", default_config={"model_file": DEFAULT_MODEL, "threshold_offset": 0.0})
def make_scorer(nlp: Language, name: str, model_file: str, threshold_offset: float) -> CandidateScorer:
    return CandidateScorer(nlp, name, model_file=model_file, threshold_offset=threshold_offset)


class CandidateScorer(SerialisedState):
    """Give each entity a confidence and drop those below their type's threshold (see the module docstring)."""

    def __init__(self, nlp: Language, name: str = "kg_scorer", *, model_file: str = DEFAULT_MODEL,
                 threshold_offset: float = 0.0):
        self.nlp = nlp
        self.name = name
        self.model_file = model_file
        self.threshold_offset = threshold_offset  # added to every threshold (precision/recall trade-off)
        self.model = _Model()
        self.initialized = False
        self.filter = True  # off while training: every candidate is kept and scored
        self._frame_of: tuple[Any, Any] | None = None

    def initialize(self, get_examples=None, *, nlp: Language | None = None, model: dict[str, Any] | None = None) -> None:
        """Load *model*, or the packaged model file named in the config."""
        if model is None:
            path = Path(self.model_file)
            path = path if path.is_absolute() else MODELS_DIR / path
            if not path.exists():
                raise PipelineError(f"{path}: the candidate scorer's model is missing (train it with "
                                    "`python -m kg.evaluate.train_scorer`)")
            model = json.loads(path.read_text(encoding="utf-8"))
        self.model = _Model(model)
        self.initialized = True

    def __call__(self, doc: Doc) -> Doc:
        if not self.initialized:
            raise ValueError(f"the {self.name!r} component has no model: call nlp.initialize() "
                             "(or kg.extract.load_pipeline) before using the pipeline")
        groups = entity_groups(doc)
        if NESTED_KEY in doc.spans and len(doc.spans[NESTED_KEY]):
            # a device only ever named inside another entity ("A100 GPUs", "GPU memory") is scored too
            named = set(groups)
            for span in doc.spans[NESTED_KEY]:
                if span.kb_id_ not in named:
                    groups[span.kb_id_].append(span)
        if not groups:
            return doc
        confidences, dropped = self.score(doc, groups, set(doc._.kg_proposed or []))
        doc._.kg_confidences = confidences
        if dropped:
            set_entities(doc, ENTITIES_KEY, [s for s in cached_spans(doc, ENTITIES_KEY) if s.kb_id_ not in dropped])
            if NESTED_KEY in doc.spans:
                doc.spans[NESTED_KEY] = [s for s in doc.spans[NESTED_KEY] if s.kb_id_ not in dropped]
            if doc._.kg_proposed:
                doc._.kg_proposed = [key for key in doc._.kg_proposed if key not in dropped]
        return doc

    def score(self, doc: Doc, groups: dict[str, list[Span]], proposed: set[str]) -> tuple[dict[str, float], set[str]]:
        """(key -> probability of the kept entities, keys below their type's threshold) for the entity
        *groups* (key -> spans); *proposed* are the keys the paper proposes. kg_frame calls it for the
        Methods it adds after this component has run, so every entity carries a confidence."""
        if not self.initialized:
            raise ValueError(f"the {self.name!r} component has no model: call nlp.initialize() "
                             "(or kg.extract.load_pipeline) before using the pipeline")
        dropped = set()
        confidences = {}
        slot = self.self_slot_keys(doc, groups)
        for key, confidence in self.probabilities(doc, groups, proposed, slot).items():
            spans = groups[key]
            threshold = self.model.thresholds.get(spans[0].label_, 0.0) + self.threshold_offset
            # a name filling the frame's self-mention slot is a proposal the frame states: kept whatever its score
            if self.filter and confidence < threshold and key not in slot:
                dropped.add(key)
            else:
                confidences[key] = round(confidence, 4)
        return confidences, dropped

    def _frame(self) -> Any:
        """The pipeline's kg_frame (any component with ``self_slot_keys``) after this one, or None."""
        key = (list(self.nlp._components), set(self.nlp._disabled))
        if self._frame_of is None or self._frame_of[0] != key:
            names = self.nlp.pipe_names
            found = None
            if self.name in names:
                for name, component in self.nlp.pipeline:
                    if hasattr(component, "self_slot_keys") and names.index(name) > names.index(self.name):
                        found = component
                        break
            self._frame_of = (key, found)
        found = self._frame_of[1]
        return found if found is not None and getattr(found, "initialized", True) else None

    def self_slot_keys(self, doc: Doc, groups: dict[str, list[Span]]) -> set[str]:
        """The Methods of *groups* the frame proposes from a self mention's slot (``ContributionFrame.self_slot_keys``;
        none without a kg_frame after this component)."""
        frame = self._frame()
        return frame.self_slot_keys(doc, groups) if frame is not None else set()

    def probabilities(self, doc: Doc, groups: dict[str, list[Span]] | None = None,
                      proposed: set[str] | None = None, self_slot: set[str] | None = None) -> dict[str, float]:
        """The model's probability of each entity of *doc* (key -> probability, unrounded); *proposed*
        defaults to the doc's proposals, *self_slot* to the names in the frame's self-mention slot."""
        groups = entity_groups(doc) if groups is None else groups
        proposed = set(doc._.kg_proposed or []) if proposed is None else proposed
        self_slot = self.self_slot_keys(doc, groups) if self_slot is None else self_slot
        defined = {short_start for _, _, short_start, _ in (doc._.kg_abbreviations or [])}
        defined |= {long_start for long_start, _, _, _ in (doc._.kg_abbreviations or [])}
        end_of_title = title_end(doc, default=0)
        probabilities = {}
        recorded = doc.user_data.setdefault(TRAINING_FEATURES, {}) if not self.filter else None
        for key, spans in groups.items():
            feats = features(doc, spans, proposed, defined, end_of_title, self_slot)
            if recorded is not None:
                recorded[key] = feats  # training reads the very features the runtime scored with
            probabilities[key] = self.model.probability(feats)
        return probabilities

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        yield from pipe_in_batches(self, docs, batch_size)  # a batch at a time: see kg.extract.base

    # -- serialisation (SerialisedState: msgpack bytes, stdlib-json cfg.json; every float exact) -----------
    def _cfg(self) -> dict[str, Any]:
        return {"model_file": self.model_file, "threshold_offset": self.threshold_offset,
                "initialized": self.initialized, "model": self.model.to_dict()}

    def _set_cfg(self, cfg: dict[str, Any]) -> None:
        self.model_file = cfg.get("model_file", self.model_file)
        self.threshold_offset = cfg.get("threshold_offset", self.threshold_offset)
        if "model" in cfg:
            self.model = _Model(cfg["model"])
        self.initialized = bool(cfg.get("initialized", True))

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = SimpleFrozenList()) -> CandidateScorer:
        path = ensure_path(path)
        legacy = path / "model.json"
        if legacy.exists():  # saved by kg before the model moved into cfg.json (cfg.json + model.json)
            cfg = json.loads((path / "cfg.json").read_text(encoding="utf-8"))
            self._set_cfg({**cfg, "model": json.loads(legacy.read_text(encoding="utf-8"))})
            return self
        return super().from_disk(path, exclude=exclude)
