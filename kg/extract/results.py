"""Numeric results ("2x speedup", "225 TFLOPs/s per A100 GPU", "15.3%-75.8%") read from a doc.

The ``kg_results`` component finds a number with a unit using a spaCy Matcher
whose token patterns come from ``patterns/units.jsonl``. Each unit form is
tokenised with the pipeline's own tokenizer, so the patterns fit however the
tokenizer splits it; the first unit token may also be glued to the number
("34.4times", "35ms", "225TFLOPs", "1.5x-2x"), which a REGEX token pattern covers. A
number without a unit only counts when a comparison word or a Metric entity
sits next to it (or it is listed before one: "25.2, 31.3 and 41 mAP"), so years,
counts, model sizes and section numbers stay out. A range keeps both ends
(``value``, ``value_high``); "from A to B" is one result, B.

Each result gets the Metric of its own clause (``_metric``), or a free ``metric_text``
when no Metric entity measures it; the method from the contribution frame
(``kg_frame``: the clause's subject, "we / our method" for the paper's proposal); and
the Dataset and Hardware of its sentence (``doc.spans["kg_entities"]``, keys from
``span.kb_id_``); ``confidence`` says how surely metric and method were attached.
"""

from __future__ import annotations

import json
import math
import re
from bisect import bisect_right
from collections.abc import Iterable
from operator import mul
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

from kg.extract.doc_values import doc_value, set_doc_value
from kg.errors import PatternError
from kg.extract.base import SerialisedState, doc_tokens, pipe_in_batches
from kg.extract.candidates import ARTICLES, doc_text, entity_key, span_text, title_end
from kg.extract.frame import (_BOUNDS_KEY, _Sentence, frame_of, frame_reader, paper_subject, sentence_at,
                              sentence_bounds, token_sentences, verb_like)
from kg.extract.gated_matcher import GatedMatcher
from kg.extract.pattern_data import kind_words, read_patterns, schema_for
from kg.extract.frame import token_lowers, token_texts  # the per-doc columns, remembered for the last doc
from kg.extract.entity_table import entity_spans, set_entity_spans

PATTERNS_DIR = Path(__file__).parent / "patterns"
ENTITIES_KEY = "kg_entities"
ENTITY_ROLES = {"Metric": "metric", "Method": "method", "Dataset": "dataset", "Hardware": "hardware"}
DEFAULT_UNITS, DEFAULT_CUES = "units.jsonl", "results_cues.jsonl"
# The kinds of results_cues.jsonl rows: its JSON Schema's enum is the one place they are named. Phrase kinds read
# qualifiers; "number_words" maps words to values; every other kind is a word list (kg_results' attribute of the
# same name: "gain_nouns", "beat_words" ...).
CUE_KINDS: tuple[str, ...] = tuple(json.loads(schema_for(DEFAULT_CUES).read_text(encoding="utf-8"))
                                   ["properties"]["kind"]["enum"])
PHRASE_KINDS = ("qualifier_before", "qualifier_after", "skip_after")
WORD_KINDS = tuple(kind for kind in CUE_KINDS if kind not in PHRASE_KINDS and kind != "number_words")
ORDERED_KINDS = ("range_words",)  # kept as a list, in the file's order (a Matcher IN list)
# word lists of results_cues.jsonl the module's helpers and the scorer features read (see each row's comment there):
# the modal words before "rise to N", the words before a number word that make it a figure ("up to two times"), the
# words before a budget ("only 4.7% of the parameters"), the determiners at the start of a short noun phrase, the
# prepositions that lead from a result to its method ("for X") and the determiners after them, and the prepositions
# before a candidate method or metric that the learned choosers read as a feature
MODAL_WORDS = kind_words(DEFAULT_CUES, "modal_words")
NUMBER_WORD_LEADS = kind_words(DEFAULT_CUES, "number_word_leads")
BUDGET_LEADS = kind_words(DEFAULT_CUES, "budget_leads")
PHRASE_DETERMINERS = kind_words(DEFAULT_CUES, "phrase_determiners")
METHOD_PREPOSITIONS = kind_words(DEFAULT_CUES, "method_prepositions")
METHOD_DETERMINERS = kind_words(DEFAULT_CUES, "method_determiners")
COMPARISON_STOPS = kind_words(DEFAULT_CUES, "comparison_stops")
OWNER_PREPOSITIONS = kind_words(DEFAULT_CUES, "owner_prepositions")

_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"
_SEPS = r"(?:-|–|~|sim)"
# One token holding a number, perhaps a range ("2~3x" style) and a magnitude suffix ("12.5k", "100K").
NUMBER_TOKEN = rf"^[~≈]?[+-]?{_NUM}(?:%?{_SEPS}{_NUM})?[kKMB]?$"  # "15%-50" is one token before its "%"
MAGNITUDES = {"k": 1e3, "K": 1e3, "M": 1e6, "B": 1e9}
_PARSE = re.compile(
    rf"^(?P<approx>[~≈])?(?P<a>[+-]?{_NUM})"
    rf"(?:(?P<u1>\s*[^\d\s~–-]{{1,12}}?)?\s*(?:-|–|~|to|sim|and)\s*(?P<b>[+-]?{_NUM}))?"
    r"\s*(?P<mag>[kKMB](?![A-Za-z/]))?\s*(?P<unit>.*)$",
    re.S,
)

class WeakPhrase(str):
    """A free metric phrase read from a weak clue: used only when no Metric entity is near."""



_DIGITS = re.compile(r"\d")
_ACRONYM = re.compile(r"[A-Z][A-Z0-9]*(?:[-@&+/][A-Za-z0-9]+)*")  # "MASE", "CLIP-T", "BLEU-4", "R@1"
_HYPHENATED = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)+")  # "fine-tuning", "run-to-run": words joined by hyphens
_DIGIT_RUN = re.compile(r"\d+")
_NUMBER_SHAPED = re.compile(r"[~≈]?[+-]?\d[\d,.]*\s*[kKMBT]?\s*(?:%|[A-Za-z/()]{1,8})")
_RESULT_KEY = "KG_RESULT"
_NUMBER_KEY = "KG_NUMBER"

if not Doc.has_extension("kg_results"):
    Doc.set_extension("kg_results", default=None)
# The method the rules attached to each result (aligned with kg_results). kg_relations reads results as
# evidence of EVALUATED_ON / RUNS_ON from these, so the learned method chooser changes what a result reports,
# not the relation candidates the edge scorer was trained on.
if not Doc.has_extension("kg_result_rule_methods"):
    Doc.set_extension("kg_result_rule_methods", default=None)


def _glued_hyphen(doc: Doc, i: int) -> bool:
    """Whether token *i* is a hyphen written inside a word ("fine-tuning" split by a tokenizer that splits hyphens)."""
    return 0 < i < len(doc) - 1 and doc[i].text == "-" and not doc[i - 1].whitespace_ and not doc[i].whitespace_


def _number_windows(doc: Doc, length: int, text: str | None,
                    number_starts: tuple[re.Pattern[str], re.Pattern[str] | None, tuple[str, ...] | None]
                    ) -> list[tuple[int, int]]:
    """[start, end) of token windows that start at a token holding a digit and run *length* tokens on, merged
    where they overlap (*number_starts*: a search for digit runs, one for number words that may start a
    result, or None, and those words in lower case when all are plain ASCII words, else None).

    Every pattern starts with a number, so matching only these windows finds the same
    results while the Matcher visits a fraction of the tokens (it dominated the run time).
    """
    if not len(doc):
        return []
    # token indices from character offsets: no Token object is made for the many tokens without a digit
    offsets = doc_tokens(doc).idx
    text = doc_text(doc) if text is None else text
    found: set[int] = set()
    digits, words, plain_words = number_starts
    for m in digits.finditer(text):
        first = bisect_right(offsets, m.start()) - 1
        found.add(first)
        if bisect_right(offsets, m.end() - 1) - 1 != first:
            # a run of digits across tokens: every token holding one of its digits starts a window
            found.update(bisect_right(offsets, c) - 1 for c in range(m.start() + 1, m.end()))
    if words is not None:
        found.update(bisect_right(offsets, start) - 1 for start in _number_word_starts(text, words, plain_words))
    starts = sorted(found)
    windows: list[list[int]] = []
    for i in starts:
        end = min(len(doc), i + length)
        if windows and i <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], end)
        else:
            windows.append([i, end])
    return [(start, end) for start, end in windows]


# what follows a number word that starts a result: "three times", "tenfold", "two x" (the number-word search's
# lookahead)
_FOLLOWER = re.compile(r"(?i)\s*(?:times|fold|-fold|x|×)\b")


def _number_word_starts(text: str, words: re.Pattern[str], plain_words: tuple[str, ...] | None) -> list[int]:
    """The offsets where *words* (the number-word search) matches in *text*. For an ASCII text and plain ASCII
    number words, found with str.find in the lower-cased text and the same word-boundary and follower tests
    (case-free matching of ASCII is lower-case equality): the regex tried its alternation at every word of
    every text, and most texts hold a number word but few a "times" after one."""
    if plain_words is None or not text.isascii():
        return [m.start() for m in words.finditer(text)]
    lowered = text.lower()
    starts = []
    for word in plain_words:
        at = lowered.find(word)
        while at >= 0:
            if (at == 0 or not (lowered[at - 1].isalnum() or lowered[at - 1] == "_")) \
                    and _FOLLOWER.match(text, at + len(word)):
                starts.append(at)
            at = lowered.find(word, at + 1)
    return starts


class _WindowMatcher(GatedMatcher):
    """A GatedMatcher that does not compact the doc it is given: kg_results gives it the number windows' words,
    which are all near a number already, so the compaction's lexeme flag (computed over the whole vocabulary
    when first asked for) would buy nothing."""

    def _may_match_bit(self) -> None:
        return None


def _barrier(vocab, patterns: list[list[dict[str, Any]]]) -> str:
    """A word that meets no token spec of *patterns* (checked with a Matcher of every spec alone)."""
    specs = Matcher(vocab, validate=False)
    for n, pattern in enumerate(patterns):
        specs.add(str(n), [[{k: v for k, v in spec.items() if k != "OP"}] for spec in pattern])
    for word in ("\x00", "\x00\x01", "\x00\x02\x00"):
        if not specs(Doc(vocab, words=[word])):
            return word
    raise ValueError("kg_results: every barrier word meets a unit pattern")


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return read_patterns(path)  # validated against schemas/patterns/ (kg.extract.pattern_data)


@Language.factory(
    "kg_results",
    default_config={"units": None, "cues": None, "metric_window": 10, "overwrite": True, "metric_model": None,
                    "method_model": None, "use_models": True},
)
def make_result_finder(
    nlp: Language,
    name: str,
    units: list[dict[str, Any]] | None,
    cues: list[dict[str, Any]] | None,
    metric_window: int,
    overwrite: bool,
    metric_model: dict[str, Any] | None,
    method_model: dict[str, Any] | None,
    use_models: bool,
) -> ResultFinder:
    return ResultFinder(nlp, name, units=units, cues=cues, metric_window=metric_window, overwrite=overwrite,
                        metric_model=metric_model, method_model=method_model, use_models=use_models)


class DocAnnotator:
    """``__call__`` and ``pipe`` for a component that stores ``find(doc)`` in one Doc extension."""

    extension: str
    overwrite: bool = True

    def find(self, doc: Doc) -> list[dict[str, Any]]:
        raise NotImplementedError

    def __call__(self, doc: Doc) -> Doc:
        if doc_value(doc, self.extension) is not None and not self.overwrite:
            return doc
        set_doc_value(doc, self.extension, self.find(doc))
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        yield from pipe_in_batches(self, docs, batch_size)  # a batch at a time: see kg.extract.base


class ResultFinder(SerialisedState, DocAnnotator):
    """Set ``doc._.kg_results``: one dict per numeric result, see the module docstring."""

    extension = "kg_results"

    def __init__(
        self,
        nlp: Language,
        name: str = "kg_results",
        *,
        units: list[dict[str, Any]] | None = None,
        cues: list[dict[str, Any]] | None = None,
        metric_window: int = 10,
        overwrite: bool = True,
        metric_model: dict[str, Any] | None = None,
        method_model: dict[str, Any] | None = None,
        use_models: bool = True,
    ) -> None:
        self.nlp = nlp
        self.name = name
        self.metric_window = metric_window
        self.overwrite = overwrite
        self.frame_reader = frame_reader(nlp)
        # the learned choosers (package data; use_models=False leaves the rules alone, as training needs)
        if metric_model is not None:
            check_metric_model(metric_model)
        if method_model is not None:
            check_method_model(method_model)
        self.metric_model = metric_model if metric_model is not None else \
            load_metric_model() if use_models and METRIC_MODEL_PATH.exists() else None
        self.method_model = method_model if method_model is not None else \
            load_method_model() if use_models and METHOD_MODEL_PATH.exists() else None
        # training (kg.evaluate.train_result_metric): each result's metric candidates in doc.user_data
        self.keep_candidates = False
        # the rows given here; initialize() loads the package's units.jsonl / results_cues.jsonl for the others
        self.units: list[dict[str, Any]] = [dict(unit) for unit in units] if units is not None else []
        self.cues: list[dict[str, Any]] = [dict(cue) for cue in cues] if cues is not None else []
        self._given = (units is not None, cues is not None)
        self.initialized = False
        if units is not None and cues is not None:
            self._load(self.units, self.cues)

    def initialize(self, get_examples=None, *, nlp: Language | None = None,
                   units: list[dict[str, Any]] | None = None, cues: list[dict[str, Any]] | None = None) -> None:
        """Load *units* and *cues*, else the rows the component was made with, else the package's default files
        (``units.jsonl``, ``results_cues.jsonl``)."""
        if units is None:
            units = self.units if self._given[0] or self.initialized else read_jsonl(PATTERNS_DIR / DEFAULT_UNITS)
        if cues is None:
            cues = self.cues if self._given[1] or self.initialized else read_jsonl(PATTERNS_DIR / DEFAULT_CUES)
        self._load(units, cues)

    def check_initialized(self) -> None:
        if not self.initialized:
            raise ValueError(f"the {self.name!r} component has no units and cues: call nlp.initialize() "
                             "(or kg.extract.load_pipeline) before using the pipeline")

    # -- set-up -------------------------------------------------------------------------------------------
    def _load(self, units: list[dict[str, Any]], cues: list[dict[str, Any]]) -> None:
        self.units = [dict(unit) for unit in units]
        self.cues = [dict(cue) for cue in cues]
        self._load_words(self.cues)
        self.unit_of_form: dict[str, str] = {}
        self.weak_units = {unit["unit"] for unit in self.units if unit.get("weak")}
        self.measure_units = {unit["unit"] for unit in self.units if unit.get("measure")}
        # the words naming what a unit measures ("ms": latency, time): the fallback metric (:meth:`_unit_measure`)
        self.measures_of = {unit["unit"]: frozenset(unit["measures"]) for unit in self.units if unit.get("measures")}
        # the quantity a unit measures when its sentence names none ("38 W": power): the last fallback metric
        self.default_measure = {unit["unit"]: unit["default_measure"] for unit in self.units
                                if unit.get("default_measure")}
        # a GatedMatcher (kg.extract.gated_matcher): per doc, only the unit patterns whose words the doc holds run
        self.matcher = _WindowMatcher(self.nlp.vocab)
        # Forms that differ only in their first token share one pattern set (an IN list and one regex):
        # the Matcher's cost grows with the number of patterns, not with the length of an IN list.
        groups: dict[tuple[bool, str], list[list[str]]] = {}
        for unit in self.units:
            for form in unit["forms"]:
                self.unit_of_form[_squash(form)] = unit["unit"]
                for tokens in self._form_tokens(form):
                    key = (_case_free(tokens[0]), json.dumps(tokens[1:]))
                    groups.setdefault(key, []).append(tokens)
        patterns = []
        for (case_free, _), forms in groups.items():
            patterns.extend(self._unit_patterns(forms, case_free))
        self.matcher.add(_RESULT_KEY, patterns, greedy="LONGEST")
        self.max_pattern_length = max(len(pattern) for pattern in patterns)
        self.matcher.add(_NUMBER_KEY, [[{"TEXT": {"REGEX": NUMBER_TOKEN}}]])
        self.barrier = _barrier(self.nlp.vocab, [*patterns, [{"TEXT": {"REGEX": NUMBER_TOKEN}}]])

        self.qualifiers_before: list[tuple[list[str], str]] = []
        self.qualifiers_after: set[str] = set()
        self.skip_after: set[str] = set()
        for cue in self.cues:
            if cue["kind"] == "qualifier_before":
                words = [t.lower_ for t in self.nlp.make_doc(cue["phrase"])]
                self.qualifiers_before.append((words, cue["qualifier"]))
            elif cue["kind"] == "qualifier_after":
                self.qualifiers_after.update(word.lower() for word in cue["words"])
            elif cue["kind"] == "skip_after":
                self.skip_after.update(word.lower() for word in cue["words"])
        # Longest phrase first, so "a maximum of" wins over "maximum".
        self.qualifiers_before.sort(key=lambda item: -len(item[0]))
        # words that may stand between "to" and the figure reached: "from 3 days to just 76 minutes"
        self.qualifier_words = {w for words, _ in self.qualifiers_before for w in words} | {"just", "only"}
        # the words that may stand between "by" / "to" and the figure ("improves X by up to 5%", "rises to still 80%")
        # the qualifier words that are no link words ("most", "up", "about": "AUC of at most 0.0008")
        self._qualifiers_only = frozenset(self.qualifier_words - self.metric_link_words - ARTICLES)
        self._before_by = frozenset(self.qualifier_words | {"than", "up", "to"})
        self._before_to = frozenset(self.qualifier_words - {"to", "up"} | {"all", "still"})
        self._before_verb = frozenset(self.qualifier_words | {"than", "less", "up", "to"})  # "takes up to 3 h"
        self.initialized = True

    def _load_words(self, cues: list[dict[str, Any]]) -> None:
        """The word lists of the cue rows (a row {"kind": WORD_KINDS, "words": [...]}, or "number_words" with
        "values"), as attributes named by their kind; every kind gets its attribute, empty when no row has it."""
        words: dict[str, dict[str, None]] = {kind: {} for kind in WORD_KINDS}
        number_words: dict[str, float] = {}
        for cue in cues:
            kind = cue.get("kind")
            if kind == "number_words":
                number_words.update({word: float(value) for word, value in cue["values"].items()})
            elif kind in words:
                words[kind].update(dict.fromkeys(cue["words"]))
            elif kind not in PHRASE_KINDS:
                raise PatternError(f"results cues: unknown kind {kind!r} (known: {', '.join(CUE_KINDS)})")
        for kind, found in words.items():
            setattr(self, kind, list(found) if kind in ORDERED_KINDS else frozenset(found))
        self.number_words = number_words
        # comparative -> the quantity it measures ("faster": speed), from the comparative_measures rows
        self.comparative_measure = {word: cue["measure"] for cue in cues if cue.get("kind") == "comparative_measures"
                                    for word in cue["words"]}
        # words that may stand between a number and a metric phrase after it
        self.after_skip = self.metric_bridge_words | (frozenset(words["after_skip"]) - {"the"})
        # where a result can start: a digit, or a number word before a "times" unit ("three times fewer")
        alternatives = "|".join(re.escape(word) for word in number_words)
        self.number_start = re.compile(
            rf"(?P<digits>\d+)|(?i:\b(?:{alternatives})(?=\s*(?:times|fold|-fold|x|×)\b))" if alternatives
            else r"(?P<digits>\d+)")
        # the same starts from two searches (a digit run and a number word never overlap), the word search
        # first asking for a word boundary and an initial a number word can have (in the same case-free sense):
        # much cheaper than trying the alternation at every character
        initials = "".join(sorted({word[:1].lower() for word in number_words if word}))
        self.number_starts = (_DIGIT_RUN, re.compile(
            rf"\b(?i:(?=[{re.escape(initials)}])(?:{alternatives})(?=\s*(?:times|fold|-fold|x|×)\b))")
            if alternatives else None,
            tuple(word.lower() for word in number_words) if alternatives and all(
                word.isascii() and (word[:1].isalnum() or word[:1] == "_") for word in number_words) else None)

    def _form_tokens(self, form: str) -> list[list[str]]:
        """The token sequences of a unit form after its number: a form opening with a hyphen ("-fold") both
        split off ("5 / - / fold", spaCy's own tokenizer) and glued to the number ("5-fold", one token under
        kg's tokenizer, which keeps hyphenated compounds whole)."""
        tokens = [t.text for t in self.nlp.make_doc(form)]
        if form.startswith("-") and len(form) > 1:
            rest = [t.text for t in self.nlp.make_doc(form[1:])]
            return [["-", *rest], [form[:1] + rest[0], *rest[1:]]]
        return [tokens]

    def _unit_patterns(self, forms: list[list[str]], case_free: bool) -> list[list[dict[str, Any]]]:
        """Matcher patterns for unit forms that share all tokens after the first (see _load)."""
        firsts = sorted({tokens[0].lower() if case_free else tokens[0] for tokens in forms})
        first = {"LOWER": {"IN": firsts}} if case_free else {"ORTH": {"IN": firsts}}
        rest = [_token_spec(t) for t in forms[0][1:]]
        number = {"TEXT": {"REGEX": NUMBER_TOKEN}}
        magnitude = {"ORTH": {"IN": list(MAGNITUDES)}, "OP": "?"}
        separator = {"LOWER": {"IN": self.range_words}}
        flags = "(?i)" if case_free else ""
        alternatives = "|".join(re.escape(f) for f in sorted(firsts, key=len, reverse=True))
        # "225TFLOPs", "2~3x", "1.5x-2x" (a range with the unit on both numbers)
        glued = {"TEXT": {"REGEX": rf"{flags}^[~≈]?[+-]?{_NUM}(?:(?:%|{alternatives})?{_SEPS}{_NUM})?[kKMB]?"
                                   rf"(?:{alternatives})$"}}
        patterns = [
            [number, magnitude, first, *rest],
            [glued, *rest],
            [number, separator, number, magnitude, first, *rest],
            [number, separator, glued, *rest],
        ]
        times = [f for f in firsts if f.lower() in self.times_words]
        if times:
            patterns.append([{"LOWER": {"IN": list(self.number_words)}}, {"LOWER": {"IN": [t.lower() for t in times]}},
                             *rest])  # "three times fewer"
        return patterns

    # -- running ------------------------------------------------------------------------------------------
    def find(self, doc: Doc) -> list[dict[str, Any]]:
        self.check_initialized()
        text = doc_text(doc)
        candidates = []
        windows = _number_windows(doc, self.max_pattern_length, text, self.number_starts)
        if windows:
            # one Matcher run over the windows' words, each window closed by a word no pattern token can match
            # (so no match crosses from one window into the next: the matches of each window, as if matched alone)
            texts = token_texts(doc)
            words: list[str] = []
            at: list[int] = []
            for start, end in windows:
                words.extend(texts[start:end])
                words.append(self.barrier)
                at.extend(range(start, end + 1))
            result_key = self.nlp.vocab.strings[_RESULT_KEY]
            for match_id, start, end in self.matcher(Doc(self.nlp.vocab, words=words)):
                candidates.append((match_id == result_key, at[start], at[end - 1] + 1))
        if not candidates:  # no number in the doc (or none the patterns read): no result
            set_doc_value(doc, "kg_result_rule_methods", [])
            return []
        bounds = sentence_bounds(doc)
        sentence_of = sentence_index_of_tokens(doc, bounds)
        entities = [span for span in entity_spans(doc) if span.kb_id_]
        entity_at = {i: span for span in entities for i in range(span.start, span.end)}
        # Unit matches before bare numbers, longer before shorter; keep what does not overlap.
        candidates.sort(key=lambda c: (not c[0], -(c[2] - c[1]), c[1]))
        taken: set[int] = set()
        chosen = []
        for has_unit, start, end in candidates:
            if any(i in taken for i in range(start, end)):
                continue
            taken.update(range(start, end))
            chosen.append((has_unit, start, end))
        chosen.sort(key=lambda c: c[1])
        chosen = _merge_ranges(doc, chosen)

        listed = _listed_numbers(doc, chosen, entity_at) | self._change_figures(doc, chosen, entity_at, sentence_of)
        read = [self._read(doc, has_unit, start, end, entity_at, sentence_of, start in listed)
                for has_unit, start, end in chosen]
        # "by 14.9, 9.6 and 6.3 points", "at 71, 58 and 94 tokens/s": bare numbers listed before one with a
        # unit are in that unit
        lowers, texts = token_lowers(doc), token_texts(doc)
        run: list[int] = []
        for n, (has_unit, start, end) in enumerate(chosen):
            joined = bool(run) and start > chosen[n - 1][2] and sentence_of[start] == sentence_of[chosen[n - 1][1]] \
                and all(word in {",", "and", "or"} for word in lowers[chosen[n - 1][2]:start])
            if not has_unit:
                run = [*run, n] if joined else [n]
                continue
            if joined and read[n] is not None and read[n]["unit"] and {"and", "or"} & set(lowers[chosen[n - 1][2]:start]) \
                    and len({_decimals(texts[chosen[k][1]]) for k in [*run, n]}) == 1 \
                    and not (chosen[run[0]][1] > 0 and lowers[chosen[run[0]][1] - 1] == "between"):
                # (a list ends in "and"/"or"; its numbers are written to the same precision; "between 4 and 60
                # hours" is a span of a setting, not a list)
                for k in run:
                    read[k] = self._read(doc, False, *chosen[k][1:], entity_at, sentence_of, unit_from=read[n]["unit"])
                    if read[k] is not None:
                        read[k]["_unit_text"] = read[n]["_unit_text"]  # "71, 58 and 94 tokens per second": as written
            run = []
        # "a perplexity of 6.12, compared with 6.89 for X and 7.41 for Y", "0.702 (0.613 for X)": a bare decimal
        # that a list or comparison word leads to, after a result of its sentence written to the same precision,
        # is a figure of the same kind
        for n, (has_unit, start, end) in enumerate(chosen):
            # (a bare decimal already read, "improving over X by 2.7 and 0.9 points and over Y by 1.1 and 0.6",
            # may still take the unit of the figure it is compared with)
            if read[n] is not None and (read[n]["unit"] is not None or read[n]["_acronym"]) or has_unit \
                    or not _decimals(texts[start]) \
                    or start == 0 or lowers[start - 1] not in self.compared_leads:
                continue
            # the closest such result of the sentence, past results in a unit ("SSIM of 0.932 at 4x and 36.1 dB and
            # 0.889 at 8x") but not past a bare decimal that is no result ("for 0.66, 1.47 and 5.8 GFLOPs")
            anchor = None
            for m in range(n - 1, -1, -1):
                if sentence_of[chosen[m][1]] != sentence_of[start] \
                        or read[m] is None and not chosen[m][0] and _decimals(texts[chosen[m][1]]):
                    break
                if read[m] is not None and _decimals(texts[read[m]["_start"]]) == _decimals(texts[start]):
                    anchor = read[m]
                    break
            if anchor is not None:
                # (in the result's unit when compared with it, "0.98 px, compared with 0.79 for X"; or in points,
                # written once along a list, "by 5.6 points over X and 3.1 over Y")
                # (and along a list of such comparisons: "compared with 0.79 for X and 1.27 for Y")
                compared = lowers[start - 1] not in {",", "and", "or", "("} or anchor.get("_unit_carried")
                unit_from = anchor["unit"] if compared or anchor["unit"] == "pp" else None
                if read[n] is not None and unit_from is None:
                    continue
                read[n] = self._read(doc, False, start, end, entity_at, sentence_of, True, unit_from=unit_from)
                if read[n] is not None and unit_from is not None:
                    read[n]["_unit_carried"] = True
        accepted = [result for result in read if result is not None]

        # "from 5.9% to 10.9%", "from 3 days to just 76 minutes": the figure reached is the result
        accepted = [r for n, r in enumerate(accepted)
                    if not (n + 1 < len(accepted) and self._change_start(doc, r, accepted[n + 1]))]
        # "91.4% of predictions within 10% error": the tolerance is a setting of the share, no result
        accepted = [r for r in accepted if self._share_within(doc, r["_start"]) is None]
        # a figure the title states and the abstract repeats is one result, the abstract's
        end_of_title = title_end(doc, default=0)
        if end_of_title:
            later = {(r["value"], r["value_high"], r["unit"]) for r in accepted if r["_start"] >= end_of_title}
            accepted = [r for r in accepted
                        if r["_start"] >= end_of_title or (r["value"], r["value_high"], r["unit"]) not in later]

        by_sentence: dict[int, list[Span]] = {}
        for span in entities:
            by_sentence.setdefault(sentence_of[span.start], []).append(span)
        frame = frame_of(doc)
        set_doc_value(doc, "kg_result_rule_methods", [])
        context = []
        held = self._held_metrics(doc, entities, sentence_of)
        for result in accepted:
            # a Metric held equal in the clause ("at similar accuracy") measures no number but its own
            ents = [s for s in by_sentence.get(result["sentence"], [])
                    if (s.start, s.end) not in held or self._own_metric(doc, result, s)]
            others = [(r["_start"], r["_end"]) for r in accepted if r["sentence"] == result["sentence"]
                      and r is not result]
            context.append((ents, others))
            result["_other_units"] = {(r["_start"], r["_end"]): r["unit"] for r in accepted
                                      if r["sentence"] == result["sentence"] and r is not result}
        mentions: dict[str, int] = {}
        for span in entities:
            mentions[span.kb_id_] = mentions.get(span.kb_id_, 0) + 1
        # the rules' metric of each result, then shared along lists ("88.3% and 91.1% accuracy")
        rules = [self._rule_metric(doc, result, ents, others) for result, (ents, others) in zip(accepted, context)]
        for result, (_, _, sure) in zip(accepted, rules):
            result["_metric_sure"] = sure
        shared = [{"metric": metric, "metric_text": text} for metric, text, _ in rules]
        _share_in_coordination(doc, accepted, shared)
        output = []
        for result, (ents, others), rule, final in zip(accepted, context, rules, shared):
            sent_index = result["sentence"]
            roles, metric_text, confidence = self._attach(
                doc, result, ents, others, frame, rule, (final["metric"], final["metric_text"]), mentions)
            output.append({
                "text": text[result["start"]:result["end"]],
                "value": result["value"],
                "value_high": result["value_high"],
                "unit": result["unit"],
                "qualifier": result["qualifier"],
                "start": result["start"],
                "end": result["end"],
                "sentence": sent_index,
                **roles,
                "metric_text": str(metric_text) if metric_text is not None else None,  # not a WeakPhrase
                "confidence": confidence,
                "evidence": doc_tokens(doc).span_text(*bounds[sent_index]),  # Span.text, without the Span
            })
        self._measure_within(doc, accepted, output, entity_at)
        for result, row in zip(accepted, output):
            if result["_acronym"]:
                row["metric"], row["metric_text"] = None, result["_acronym"]  # "CLIP-T of 0.309": the acronym's
                result["_metric_sure"] = True
        self._carry_metric(doc, text, accepted, output, entity_at, sentence_of)
        self._measure_by_structure(doc, accepted, output)
        self._measure_of_change(doc, accepted, output, entity_at)
        self._measure_changed_by(doc, accepted, output, entity_at)
        if self.respectively_words:
            _pair_respectively(doc, accepted, output, by_sentence, bounds, self.respectively_words)
        _pair_parallel_datasets(doc, accepted, output, by_sentence, bounds)
        self._measure_of_comparative(doc, accepted, output, context, sentence_of)
        self._measure_of_gain(doc, accepted, output, entity_at)
        # last, "holding GPU memory constant at 212 MB": an absolute unit measures no "performance"; what nothing
        # else named, the phrase of its sentence that names the unit's quantity does
        for result, row, (ents, others) in zip(accepted, output, context):
            if row["metric"] is None and (row["metric_text"] is None or row["metric_text"].lower()
                                          in self.implied_metrics) and row["unit"] in self.measures_of:
                measured = self._unit_measure(doc, result, ents, others)
                if measured is not None:
                    row["metric"], row["metric_text"] = measured
                elif row["unit"] in self.default_measure:
                    # "consuming 38 W", "runs at 2.8 ms per person": no word of the sentence names the quantity;
                    # the unit's own (units.jsonl default_measure) does
                    row["metric"], row["metric_text"] = None, self.default_measure[row["unit"]]
        self._skip_statistics(doc, output, entities)
        _name_measures(doc, output)
        # last, "outperforms X by 2.4%": a figure in the implied "performance" is in the one Metric the paper's other
        # figures of its unit are in ("MRR@10 of 40.1% ... outperforms X by 2.4%")
        for row in output:
            if row["metric"] is None and row["metric_text"] in self.implied_metrics and row["unit"] not in (None, "x"):
                keys = {other["metric"] for other in output if other is not row and other["unit"] == row["unit"]
                        and other["metric"]}
                if len(keys) == 1:
                    row["metric"], row["metric_text"] = keys.pop(), None
        self._skip_reference(doc, accepted, output)
        return output

    def _skip_reference(self, doc: Doc, accepted: list[dict[str, Any]], output: list[dict[str, Any]]) -> None:
        """A share "of" a measure named with its reference measures the measure: "retains 97.1% of the full-cache
        accuracy" -> accuracy, "99.1% of the original performance" -> performance (results_cues
        ``reference_modifiers`` first in the metric; the Metric so named, else the words), and so do the figures of
        its sentence compared with it in the same measure ("compared to 88.4% for H2O")."""
        if not self.reference_modifiers:
            return
        lowers = token_lowers(doc)
        entities = entity_spans(doc)
        text_of: dict[str, str] = {}
        key_of: dict[str, str] = {}
        for span in entities:
            if span.label_ == "Metric":
                if len(span_text(span)) > len(text_of.get(span.kb_id_, "")):
                    text_of[span.kb_id_] = span_text(span)
                key_of.setdefault(span_text(span).lower(), span.kb_id_)
        for result, row in zip(accepted, output):
            end = result["_end"]
            if end >= len(doc) or lowers[end] != "of":
                continue
            written = text_of.get(row["metric"]) if row["metric"] else row["metric_text"]
            words = (written or "").split()
            if len(words) < 2 or words[0].lower() not in self.reference_modifiers:
                continue
            rest = " ".join(words[1:])
            new = (key_of[rest.lower()], None) if rest.lower() in key_of else (None, rest)
            old = (row["metric"], row["metric_text"])
            for other_result, other in zip(accepted, output):
                if other_result["sentence"] == result["sentence"] and (other["metric"], other["metric_text"]) == old:
                    other["metric"], other["metric_text"] = new

    def _skip_statistics(self, doc: Doc, output: list[dict[str, Any]], entities: list[Span]) -> None:
        """A statistic word (results_cues ``statistic_words``: average, mean, median...) at the start of a result's
        metric is no part of the measure: "average Dice of 86.9%" measures Dice, "median cold-start latency" cold-start
        latency (the Metric entity of the paper so named, else the words after the statistic as the free phrase)."""
        if not self.statistic_words:
            return
        text_of: dict[str, str] = {}
        key_of: dict[str, str] = {}
        for span in entities:
            if span.label_ == "Metric":
                if len(span_text(span)) > len(text_of.get(span.kb_id_, "")):
                    text_of[span.kb_id_] = span_text(span)  # its longest mention: its name, not an alias
                key_of.setdefault(span_text(span).lower(), span.kb_id_)
        for row in output:
            written = text_of.get(row["metric"]) if row["metric"] else row["metric_text"]
            if not written:
                continue
            words = written.split()
            if len(words) < 2 or words[0].lower() not in self.statistic_words:
                continue
            rest = " ".join(words[1:])
            if rest.lower() in self.not_measures or rest.lower() in self.implied_metrics:
                continue  # "average gain", "mean performance": no measure of its own
            key = key_of.get(rest.lower())
            row["metric"], row["metric_text"] = (key, None) if key else (None, rest)

    def _held_metrics(self, doc: Doc, entities: list[Span], sentence_of: list[int]) -> set[tuple[int, int]]:
        """(start, end) of the Metric mentions a clause holds equal rather than measures: a parity word before
        them ("at similar accuracy", "with comparable accuracy", "matching accuracy", "without sacrificing
        accuracy") or a denied loss ("without loss of accuracy", "no degradation in accuracy"), across at most two
        words (results_cues ``parity_skip``, or lower-case words of the noun phrase: "similar association
        accuracy")."""
        if not self.parity_words:
            return set()
        lowers = token_lowers(doc)
        words_of = doc_tokens(doc).words
        held: set[tuple[int, int]] = set()
        for span in entities:
            if span.label_ != "Metric":
                continue
            k, skipped = span.start - 1, 0
            while k >= 0 and sentence_of[k] == sentence_of[span.start] and skipped < 3:
                word = lowers[k]
                if word in self.parity_words:
                    held.add((span.start, span.end))
                    break
                if word in self.parity_losses:
                    if k > 0 and lowers[k - 1] in self.parity_negations \
                            or k > 1 and lowers[k - 2] in self.parity_negations and lowers[k - 1] in self.parity_skip:
                        held.add((span.start, span.end))
                    break
                if not (word in self.parity_skip or words_of[k].is_alpha and words_of[k].is_lower
                        and not verb_like(word) and word not in self.clause_words and not words_of[k].is_stop):
                    break
                k -= 1
                skipped += 1
        return held

    def _own_metric(self, doc: Doc, result: dict[str, Any], span: Span) -> bool:
        """Whether the Metric *span* is written right at the number, so it is the number's own measure even when
        held equal: "baseline-comparable accuracy (10.94%)", "similar accuracy of 71%"."""
        start, end = result["_start"], result["_end"]
        lowers = token_lowers(doc)
        if result["unit"] in self.measures_of and lowers[span.end - 1] in self.measures_of[result["unit"]]:
            return True  # "at 18 ms, ... at similar latency": a time is a latency, held or not
        if span.start >= end:
            return span.start == end
        return start - span.end <= 2 and all(w in self.link_before or w in {"(", "of"} for w in lowers[span.end:start])

    def _measure_of_comparative(self, doc: Doc, accepted: list[dict[str, Any]], output: list[dict[str, Any]],
                                context: list[tuple[list[Span], list[tuple[int, int]]]],
                                sentence_of: list[int]) -> None:
        """A factor or percentage that a comparative naming a quantity follows ("2.6x faster", "7-18% faster",
        "3.1x and 6.8x faster": results_cues ``comparative_measures``) measures that quantity ("speed"), unless a
        Metric of its own clause (between the clause's breaks: punctuation, ``clause_words``) measures it: a
        Metric right after the comparative, or the one chosen for it inside the clause. A Metric the clause holds
        equal ("3.2x faster at similar accuracy") is none (:meth:`_held_metrics`)."""
        if not self.comparative_measure:
            return
        lowers, texts = token_lowers(doc), token_texts(doc)
        spans = {}
        for ents, _ in context:
            for s in ents:
                spans.setdefault(s.kb_id_, []).append(s)
        measure_of: list[str | None] = [None] * len(accepted)
        for n, result in enumerate(accepted):
            end = result["_end"]
            if result["unit"] in ("x", "%") and lowers[end - 1] in self.comparative_measure \
                    and result["qualifier"] == lowers[end - 1]:
                measure_of[n] = self.comparative_measure[lowers[end - 1]]
        # "3.1x and 6.8x faster": the numbers listed before one share its comparative
        for n in range(len(accepted) - 2, -1, -1):
            a, b = accepted[n], accepted[n + 1]
            if measure_of[n] is None and measure_of[n + 1] is not None and a["unit"] == b["unit"] \
                    and a["qualifier"] is None and a["sentence"] == b["sentence"] and b["_start"] > a["_end"] \
                    and all(w in {",", "and", "or"} for w in lowers[a["_end"]:b["_start"]]):
                measure_of[n] = measure_of[n + 1]
        for n, (result, out) in enumerate(zip(accepted, output)):
            if measure_of[n] is None:
                continue
            end = result["_end"]
            ents, others = context[n]
            metrics = [s for s in ents if s.label_ == "Metric"]
            after = [s for s in metrics if s.start == end]
            if after:
                out["metric"], out["metric_text"] = after[0].kb_id_, None
                continue
            chosen = [s for s in metrics if s.kb_id_ == out["metric"]]
            if chosen and not all(self._owned_by_number(doc, s, others) for s in chosen):
                continue  # "outperforms X in attribution efficiency, being 1.6 times faster"
            out["metric"], out["metric_text"] = None, measure_of[n]

    def _measure_of_gain(self, doc: Doc, accepted: list[dict[str, Any]], output: list[dict[str, Any]],
                         entity_at: dict[int, Span]) -> None:
        """A gain read with its number ("10x speedup", "a 5% improvement") is in the Metric a lead word after it
        names (results_cues ``gain_metric_leads``: "over 10x speedup for the prefill speed" -> prefill speed)."""
        lowers = token_lowers(doc)
        for result, out in zip(accepted, output):
            end = result["_end"]
            if not (result["qualifier"] in self.gain_nouns or result["qualifier"] in self.speedup_words) \
                    or end >= len(doc) or lowers[end] not in self.gain_metric_leads:
                continue
            i = end + 1
            while i < len(doc) and lowers[i] in PHRASE_DETERMINERS:
                i += 1
            span = entity_at.get(i)
            if span is not None and span.label_ == "Metric" and span.start == i \
                    and sentence_at(doc, i)[0] == sentence_at(doc, end - 1)[0]:
                out["metric"], out["metric_text"] = span.kb_id_, None

    def _owned_by_number(self, doc: Doc, span: Span, others: list[tuple[int, int]]) -> bool:
        """Whether the Metric *span* is written at another number as its measure: inside its text, right after it
        past bridge words ("1.3x end-to-end decoding speedup"), or right before it past link words ("accuracy of
        87%")."""
        lowers = token_lowers(doc)
        for o_start, o_end in others:
            if o_start <= span.start < o_end:
                return True
            if o_end <= span.start and span.start - o_end <= 2 \
                    and all(w in self.metric_bridge_words for w in lowers[o_end:span.start]):
                return True
            if span.end <= o_start and o_start - span.end <= 2 \
                    and all(w in self.link_before or w in self.metric_link_words for w in lowers[span.end:o_start]):
                return True
        return False

    def _measure_by_structure(self, doc: Doc, accepted: list[dict[str, Any]], output: list[dict[str, Any]]) -> None:
        """What a number names no measure for, read from its clause's structure instead of a default:

        - a rate measures itself: "runs at 31 fps", "decodes 412 tokens per second" (the unit as written);
        - a duration a clause's subject "takes" measures that subject: "Training takes 2.5 hours",
          "Graph construction takes under 40 seconds" (a Metric entity chosen for the number stays).
        """
        lowers, texts = token_lowers(doc), token_texts(doc)
        words_of = doc_tokens(doc).words
        for result, out in zip(accepted, output):
            unit = result["unit"]
            if unit is None or out["metric"]:
                continue
            weak = out["metric_text"] is None or out["metric_text"] in self.implied_metrics
            if weak and (unit.endswith("/s") and "FLOP" not in unit or unit == "FPS") and result.get("_unit_text"):
                out["metric_text"] = result["_unit_text"]
                continue
            if unit not in self.duration_units:
                continue
            start = result["_start"]
            sent_start, _ = sentence_at(doc, start)
            verb = start - 1
            while verb > sent_start and start - verb <= 3 and lowers[verb] in self._before_verb:
                verb -= 1
            if verb < sent_start or lowers[verb] not in self.duration_verbs:
                continue
            first = max([sent_start, *(k + 1 for k in range(sent_start, verb) if texts[k] in {",", ";", ":"})])
            last = first
            while last < verb and last - first < 3 and (words_of[last].is_alpha or texts[last].count("-") == 1) \
                    and not words_of[last].is_stop and lowers[last] not in self.phrase_stop:
                last += 1
            if last > first:
                out["metric_text"] = doc_tokens(doc).span_text(first, last)

    def _measure_changed_by(self, doc: Doc, accepted: list[dict[str, Any]], output: list[dict[str, Any]],
                            entity_at: dict[int, Span]) -> None:
        """The change a verb states after "by" measures the verb's object: "improves J&F by 5.6 points", "reduces
        speaker attribution errors by 43%", "improves the efficiency of X by more than 4x", "cuts TTFT by 2.3x at
        P90" (the Metric the object holds, else its first words: the head before "of"). Read from the clause's
        structure, VERB OBJECT by [qualifier] N, so a measure named in another clause of the sentence loses.
        Not after a win ("outperforms X by 5%": X is the loser, :attr:`beat_words`)."""
        lowers, texts = token_lowers(doc), token_texts(doc)
        words_of = doc_tokens(doc).words
        verbs = self.change_words - self.beat_words
        taken = {i for result in accepted for i in range(result["_start"], result["_end"])}
        carried: dict[str, Any] | None = None  # the last win "by N" that took an earlier measure: its list goes on
        for n, (result, out) in enumerate(zip(accepted, output)):
            start = result["_start"]
            sent_start, sent_end = sentence_at(doc, start)
            if carried is not None and carried["sentence"] == result["sentence"] \
                    and all(lowers[k] in {",", "and", "or"} for k in range(carried["_end"], start)) \
                    and self._weak_measure(out):
                out["metric"], out["metric_text"] = output[n - 1]["metric"], output[n - 1]["metric_text"]
                carried = result
                continue
            carried = None
            by = start - 1
            while by > sent_start and start - by <= 3 and lowers[by] in self._before_by:
                by -= 1
            to = start - 1
            while to > sent_start and start - to <= 3 and lowers[to] in self._before_to:
                to -= 1
            if to - 1 > sent_start and lowers[to] == "to" and lowers[to - 1] in self.level_verbs | self.change_words \
                    and lowers[to - 2] not in MODAL_WORDS \
                    and "from" not in lowers[sent_start:to]:
                self._measure_reaching(doc, out, to - 1, sent_start, entity_at)  # "accuracy rises to 87.6%"
                continue
            # (across the other numbers of a list: "within 1.1 and 1.5 points of X")
            lead = start - 1
            while lead > sent_start and (lead in taken or lowers[lead] in {",", "and", "or"}):
                lead -= 1
            tail = result["_end"]
            while tail < sent_end and (tail in taken or lowers[tail] in {",", "and", "or"}):
                tail += 1
            if lead >= sent_start and lowers[lead] == "within" and tail < sent_end and lowers[tail] == "of" \
                    and _metric_in(entity_at, start, result["_end"]) is None:
                # "reaching 92.1% accuracy, within 1.5 points of X": a gap to a reference (X is no measure), in the
                # measure of the sentence's closest earlier number that names one
                earlier = next((m for m in range(n - 1, -1, -1) if accepted[m]["sentence"] == result["sentence"]
                                and not self._weak_measure(output[m])), None)
                if earlier is not None:
                    out["metric"], out["metric_text"] = output[earlier]["metric"], output[earlier]["metric_text"]
                continue
            if self.state_verbs and lowers[to] in self.state_verbs:
                self._measure_stated(doc, result, out, to, sent_start, entity_at)  # "RMS values ... were 1 mm"
                continue
            if by <= sent_start or lowers[by] != "by":
                continue
            # back from "by" to the verb, across its object: no other result, clause word or punctuation between
            verb = None
            for k in range(by - 1, max(sent_start, by - 12) - 1, -1):
                if k in taken or texts[k] in {",", ";", ":", "(", ")"} or lowers[k] in self.clause_words:
                    break
                if lowers[k] in self.change_words or k == by - 1 and lowers[k] in self.level_verbs:
                    verb = k  # (a level verb right before "by": "energy per token falls by 55%")
                    break
            if verb is not None and lowers[verb] in self.beat_words and self._weak_measure(out):
                # "it outperforms X and Y by 23% and 31%" after "improves throughput by 2x": a win that names no
                # measure of its own states one of the measure its sentence names for the number before it
                # (only when the sentence's earlier numbers name one measure: "reduces latency by 2x and TTFT by
                # 6x, and outperforms X by 21%" leaves it open)
                named = {(output[m]["metric"], (output[m]["metric_text"] or "").lower()) for m in range(n)
                         if accepted[m]["sentence"] == result["sentence"] and not self._weak_measure(output[m])}
                if len(named) == 1:
                    earlier = max(m for m in range(n) if accepted[m]["sentence"] == result["sentence"]
                                  and not self._weak_measure(output[m]))
                    out["metric"], out["metric_text"] = output[earlier]["metric"], output[earlier]["metric_text"]
                    carried = result
                continue
            if verb is not None and verb + 1 == by and (lowers[verb] in verbs or lowers[verb] in self.level_verbs) \
                    and self._weak_measure(out):
                self._measure_changing(doc, out, verb, sent_start, entity_at)  # "cost of transport decreases by 17%"
                continue
            if verb is None or lowers[verb] not in verbs or verb + 1 >= by:
                continue
            low = verb + 1
            while low < by and lowers[low] in PHRASE_DETERMINERS:
                low += 1
            # the object's head phrase runs to its first preposition or function word ("the efficiency of X");
            # a Metric in it is the measure ("end-to-end training memory footprint", "median ROC-AUC")
            head_end = next((k for k in range(low, by) if lowers[k] in self.phrase_stop or words_of[k].is_stop), by)
            metric = _metric_in(entity_at, low, head_end)
            if metric is not None:
                out["metric"], out["metric_text"] = metric.kb_id_, None
                continue
            if low in entity_at:
                continue  # the object is another kind of name ("improves ResNet by"): nothing measured is named
            end = low
            # a short phrase of words (a word with a letter: "J&F", "chrF++"; not a number), to a function word
            # (an object, so a word in "-ly" is a noun here: "anomaly")
            while end < by and end - low < 3 and end not in entity_at and not words_of[end].is_stop \
                    and lowers[end] not in self.phrase_stop and any(ch.isalpha() for ch in texts[end]):
                end += 1
            if end > low:
                out["metric"], out["metric_text"] = None, doc_tokens(doc).span_text(low, end)

    def _weak_measure(self, out: dict[str, Any]) -> bool:
        """Whether a result names no measure of its own: no Metric, and no phrase or only an implied one."""
        return out["metric"] is None and (out["metric_text"] is None or out["metric_text"].lower() in self.implied_metrics)

    def _measure_stated(self, doc: Doc, result: dict[str, Any], out: dict[str, Any], verb: int, sent_start: int,
                        entity_at: dict[int, Span]) -> None:
        """The subject of a state verb (results_cues ``state_verbs``: "is", "were", "remains") before the number
        names what it measures: "Measured energy efficiency is 2.4 TOPS/W", "the RMS values of the corrected orbit
        were all less than 1 mm" (the subject's head phrase, to its first preposition; the Metric it holds, else its
        words). Not when the number reads on to its own measure ("is 2x faster", "is 87% accuracy"), nor for a
        subject that is a pronoun, a name of another kind or a proper or coined name ("Quillnet is 87%", "the Velk
        board stays below 41 W": capitalised past the sentence's first word, an acronym aside)."""
        lowers, texts = token_lowers(doc), token_texts(doc)
        words_of = doc_tokens(doc).words
        start, end = result["_start"], result["_end"]
        if result["qualifier"] in self.qualifiers_after or _metric_in(entity_at, start, end) is not None:
            return
        clause = next((k + 1 for k in range(verb - 1, sent_start - 1, -1) if texts[k] in {",", ";", ":", "(", ")"}
                       or lowers[k] in self.clause_words or lowers[k] == "and"), sent_start)
        first = clause
        while first < verb and lowers[first] in ARTICLES:
            first += 1
        if first < verb - 1 and lowers[first].endswith("ed") and words_of[first].is_alpha:
            first += 1  # "Measured energy efficiency is 2.4 TOPS/W": a participle before the measure
        last, words = first, 0
        while last < verb and words < 4 and (words_of[last].is_alpha or _HYPHENATED.fullmatch(texts[last])
                                             or last in entity_at) \
                and lowers[last] not in self.phrase_stop and not words_of[last].is_stop:
            last += 1
            words += 1
            # "run - to - run" as a tokenizer that splits hyphens leaves it: one word
            while last + 1 < verb and _glued_hyphen(doc, last) and words_of[last + 1].is_alpha:
                last += 2
        if last == first or verb - last > 8 or (last < verb and lowers[last] not in self.phrase_stop):
            return  # no head phrase, or something other than a prepositional phrase between it and the verb
        metric = _metric_in(entity_at, first, last)
        if metric is not None:
            out["metric"], out["metric_text"] = metric.kb_id_, None
            return
        words = [w for w in texts[first:last] if w != "-"]
        if any(k in entity_at for k in range(first, last)) \
                or any(w[1:] != w[1:].lower() and w != w.upper() for w in words) \
                or any(texts[k][:1].isupper() and texts[k] != texts[k].upper() for k in range(first, last) if k > sent_start) \
                or all(w.lower() in self.not_measures or w.lower() in self.gain_nouns for w in words):
            return  # another kind of name, a coined name ("GraphLat"), or no measure ("the improvement")
        out["metric"], out["metric_text"] = None, doc_tokens(doc).span_text(first, last)

    def _measure_changing(self, doc: Doc, out: dict[str, Any], verb: int, sent_start: int,
                          entity_at: dict[int, Span]) -> None:
        """What changes on its own "by N" is the verb's subject: "Measured cost of transport decreases by 17%",
        "energy per token falls by 55-70%", "helpfulness measured by MT-Bench decreases by less than 0.2 points"
        (from the clause's start past articles and a participle, to a participle, a verb, a preposition other than
        "of" / "per", or a name of another kind; the Metric that is the whole phrase, else its words)."""
        lowers, texts = token_lowers(doc), token_texts(doc)
        words_of = doc_tokens(doc).words
        first = next((k + 1 for k in range(verb - 1, sent_start - 1, -1) if texts[k] in {",", ";", ":", "(", ")"}
                      or lowers[k] in self.clause_words or lowers[k] == "and"), sent_start)
        while first < verb and (lowers[first] in PHRASE_DETERMINERS or lowers[first].endswith("ed")
                                and first + 1 < verb):
            first += 1
        last = first
        while last < verb and last - first < 5 and (words_of[last].is_alpha or _HYPHENATED.fullmatch(texts[last])
                                                     or last in entity_at and entity_at[last].label_ == "Metric") \
                and not (last in entity_at and entity_at[last].label_ != "Metric") \
                and (lowers[last] in {"of", "per"} and last > first
                     or lowers[last] not in self.phrase_stop and not words_of[last].is_stop) \
                and not (last > first and words_of[last].is_lower and lowers[last].endswith("ed")):
            last += 1
        while last > first and lowers[last - 1] in {"of", "per"}:
            last -= 1
        if last == first or any(texts[k][:1].isupper() and texts[k] != texts[k].upper() and k > sent_start
                                for k in range(first, last)):
            return  # no subject phrase, or a proper name ("Quillnet improves by 5%")
        metric = _metric_in(entity_at, first, last)
        if metric is not None and metric.start == first and metric.end == last:
            out["metric"], out["metric_text"] = metric.kb_id_, None
        elif all(w in self.not_measures or w in self.gain_nouns or w in self.self_words for w in lowers[first:last]):
            return
        else:
            out["metric"], out["metric_text"] = None, doc_tokens(doc).span_text(first, last)

    def _measure_reaching(self, doc: Doc, out: dict[str, Any], verb: int, sent_start: int,
                          entity_at: dict[int, Span]) -> None:
        """The level a verb's subject reaches measures that subject: "fine-tuning accuracy rises to 87.6%", "the
        AUROC climbs to 97.6%" (the Metric the subject holds, else its words; nothing for a pronoun or a name of
        another kind)."""
        lowers, texts = token_lowers(doc), token_texts(doc)
        words_of = doc_tokens(doc).words
        low = verb
        while low > sent_start and verb - low < 4 and (words_of[low - 1].is_alpha or _HYPHENATED.fullmatch(texts[low - 1])
                                                       or low - 1 in entity_at or _glued_hyphen(doc, low - 1)) \
                and lowers[low - 1] not in self.phrase_stop and not words_of[low - 1].is_stop:
            low -= 1
        if low == verb:
            return
        metric = _metric_in(entity_at, low, verb)
        if metric is not None:
            out["metric"], out["metric_text"] = metric.kb_id_, None
        elif not any(k in entity_at for k in range(low, verb)):
            out["metric"], out["metric_text"] = None, doc_tokens(doc).span_text(low, verb)

    def _measure_of_change(self, doc: Doc, accepted: list[dict[str, Any]], output: list[dict[str, Any]],
                           entity_at: dict[int, Span]) -> None:
        """The figure a change reaches measures what changes: the Metric (or phrase) the change verb takes before
        "from": "raises the hit rate on trace A from 18% to 61%", "task utility decreases from 69.1% to 62.5%",
        "raises X validity from 86.9% to 95.2%" (not a measure named later in the sentence)."""
        lowers, texts = token_lowers(doc), token_texts(doc)
        words_of = doc_tokens(doc).words
        verbs = self.change_words | self.level_verbs
        for result, out in zip(accepted, output):
            start = result["_start"]
            sent_start, _ = sentence_at(doc, start)
            begin = next((k for k in range(start - 1, max(sent_start, start - 8) - 1, -1) if lowers[k] == "from"), None)
            if begin is None or not (begin == start - 1 or "to" in lowers[begin:start]) \
                    or any(texts[k] in {",", ";"} for k in range(begin, start)):
                continue
            # back from "from" to the change verb, across a short phrase ("on a RAG trace", "at day 5")
            verb = next((k for k in range(begin - 1, max(sent_start, begin - 10) - 1, -1) if lowers[k] in verbs
                         or texts[k] in {",", ";"} or any(ch.isdigit() for ch in texts[k]) and k not in entity_at),
                        None)
            if verb is None or lowers[verb] not in verbs:
                continue
            if verb + 1 < begin:  # "raises <the measure> (on X) from": the verb's object
                low, high = verb + 1, begin
            else:  # "<the measure> decreases from": the verb's subject
                low = verb
                while low > sent_start and verb - low < 4 and (words_of[low - 1].is_alpha or texts[low - 1].count("-") == 1
                                                               or low - 1 in entity_at) \
                        and lowers[low - 1] not in self.phrase_stop:
                    low -= 1
                high = verb
            metric = _metric_in(entity_at, low, high)
            if metric is not None:
                if metric.kb_id_ != out["metric"]:
                    out["metric"], out["metric_text"] = metric.kb_id_, None
                continue
            while low < high and lowers[low] in PHRASE_DETERMINERS:
                low += 1
            end = low
            while end < high and end - low < 3 and (words_of[end].is_alpha or texts[end].count("-") == 1) \
                    and end not in entity_at and lowers[end] not in self.phrase_stop and not words_of[end].is_stop:
                end += 1
            if end > low:
                out["metric"], out["metric_text"] = None, doc_tokens(doc).span_text(low, end)

    def _carry_metric(self, doc: Doc, text: str, accepted: list[dict[str, Any]], output: list[dict[str, Any]],
                      entity_at: dict[int, Span], sentence_of: list[int]) -> None:
        """A number that names no measure of its own measures what an earlier number of its sentence measures,
        when the sentence compares or lists them: "a perplexity of 6.1 compared with 6.9 for X and 7.4 for Y",
        "97% of the accuracy, against 88% for X", "0.8 ms latency, 3.2x lower than X", "PSNR of 39.4 dB and SSIM of
        0.93 at 4x and 36.1 dB and 0.89 at 8x" (the closest earlier number of the same unit; points after a
        percentage). The number's own measure wins: a Metric right after or before it, or the rules' sure phrase."""
        lowers = token_lowers(doc)
        words_of = doc_tokens(doc).words
        for n, result in enumerate(accepted):
            if n == 0 or result["_metric_sure"]:
                continue
            start, end, unit = result["_start"], result["_end"], result["unit"]
            after = next((i for i in range(end, min(len(doc), end + 3)) if not words_of[i].is_alpha
                          or i in entity_at or sentence_of[i] != result["sentence"]), None)
            if after is not None and after in entity_at and entity_at[after].label_ == "Metric":
                continue  # "36.3% in Insertion and 39.6% in Deletion": its own measure right after it
            own = output[n]["metric_text"]
            if own and re.match(rf"\s*(?:(?:in|of)\s+)?{re.escape(own)}\b", text[result["end"]:], re.I):
                continue  # the same, a phrase that is no Metric entity
            # "3.2x lower than X": the measure of the number before (the comparative is in the result's text)
            elided = unit == "x" and end < len(doc) and lowers[end] == "than" \
                and result["qualifier"] in self.comparative_next
            for m in range(n - 1, -1, -1):
                earlier = accepted[m]
                if earlier["sentence"] != result["sentence"]:
                    break
                if not (earlier["unit"] == unit or unit == "pp" and earlier["unit"] == "%" or elided):
                    continue
                # another measure named between them, unless a number between them (of another unit) has it:
                # "PSNR of 39.4 dB and SSIM of 0.93 at 4x and 36.1 dB and 0.89 at 8x"
                owned = {output[k]["metric"] for k in range(m + 1, n)}
                if any(i in entity_at and entity_at[i].label_ == "Metric" and entity_at[i].kb_id_ not in owned
                       for i in range(earlier["_end"], start)):
                    break
                if any(words_of[i].is_lower and words_of[i].is_alpha and lowers[i].endswith("ing") and len(lowers[i]) > 4
                       and i not in entity_at and lowers[i] not in self.change_words for i in range(earlier["_end"], start)):
                    # "generating X 91% of the time and emulating Y 70% of the time": a new predicate (a change or
                    # a win is none: "93.4% molecule stability, improving over EDM (82.0%)" compares the same measure)
                    break
                source = output[m]
                if source["metric"] is None and earlier["unit"] != unit and earlier["unit"] in self.measure_units \
                        and source["metric_text"] == earlier.get("_unit_text"):
                    break  # "550 tokens/s, 7.9x faster": a rate unit measures its own number, not the factor
                if source["metric"] or source["metric_text"] and source["metric_text"] not in self.implied_metrics:
                    output[n]["metric"], output[n]["metric_text"] = source["metric"], source["metric_text"]
                break

    def _read(self, doc: Doc, has_unit: bool, start: int, end: int, entity_at: dict[int, Span],
              sentence_of: list[int], listed: bool = False, unit_from: str | None = None) -> dict[str, Any] | None:
        """A result dict for the number at [start, end), or None; *unit_from*: the unit a bare number takes from
        the last number of its list ("2.7 and 0.9 points")."""
        lowers, texts = token_lowers(doc), token_texts(doc)  # the per-doc word columns (kg.extract.frame.token_lowers)
        tokens = doc_tokens(doc)  # the span's text and offsets, without a Span and its Tokens
        span_text = tokens.span_text(start, end)
        if start in entity_at and not number_shaped(entity_at[start]):
            return None  # a number inside a name: "A100", "Llama 3 8B", "GPT-4" (not "0.39dB" taken for a name)
        if start > 0 and lowers[start - 1].rstrip(".") in self.skip_after:
            return None  # "Table 1", "Section 3", "et al. 2020"
        if start > 0 and texts[start - 1] in {"[", "^", "_", "{"}:
            return None  # citations and formula pieces
        if start > 1 and texts[start - 1] in {"-", "/"} and not doc[start - 2].whitespace_:
            return None  # the tail of a compound: "0-1 loss", "top-5", "8/15"
        word_value = self.number_words.get(lowers[start])
        parsed = _PARSE.match(f"{word_value:g}{span_text[len(texts[start]):]}" if word_value else span_text)
        if parsed is None:
            return None
        if word_value and (start == 0 or lowers[start - 1] not in NUMBER_WORD_LEADS
                           and not self._after_a_verb(doc, start)):
            return None  # "two times" as a count of events, unless a comparison or a verb leads to it
        unit = None
        if has_unit:
            unit = self.unit_of_form.get(_squash(parsed["unit"])) or self.unit_of_form.get(_squash(parsed["unit"]).lower())
            if unit is None:
                return None
        elif parsed["unit"] or parsed["mag"]:
            return None  # "7B", "4K": sizes that are part of names, not results
        elif unit_from:
            unit = unit_from
        low, high = _number(parsed["a"]), _number(parsed["b"]) if parsed["b"] else None
        if parsed["u1"] and _squash(parsed["u1"]) != _squash(parsed["unit"]):
            return None  # "5%-10x": two units are no range
        value = low
        if high is not None and start > 0 and lowers[start - 1] == "from" and re.search(r"\bto\b", span_text) \
                and not (start > 1 and lowers[start - 2] in self.range_verbs):
            value, high = high, None  # "from 5.9 to 10.9%": the figure reached (not "ranges from 9% to 41%")
        if parsed["mag"]:
            value *= MAGNITUDES[parsed["mag"]]
            high = high * MAGNITUDES[parsed["mag"]] if high is not None else None
        if not all(math.isfinite(number) for number in (low, high, value) if number is not None):
            return None  # "1e309": no finite value, and strict JSON has no infinities

        following = doc[end] if end < len(doc) else None
        sentence_index = sentence_of[start]
        if following is not None and sentence_of[following.i] != sentence_index:
            following = None
        if unit in (None, "s") and low.is_integer() and 1900 <= low <= 2100:
            return None  # a year ("in 2023", "1990s")
        if unit == "s" and high is None and re.fullmatch(r"[\d,]+s", token_texts(doc)[end - 1]) and following is not None \
                and following.lower_ == "of":
            return None  # "10s of seconds", "100s of GPUs": an order of magnitude, not a time
        if unit is None and start > 0 and sentence_of[start - 1] == sentence_index \
                and (entity_at[start - 1].label_ != "Metric" if start - 1 in entity_at else True) \
                and token_texts(doc)[start - 1][:1].isupper() and token_texts(doc)[start - 1].isalnum() \
                and not doc[start - 1].is_sent_start:
            return None  # "MLPerf 1.1", "Version 2": a bare number after a capitalised word (no Metric) is a version
        if unit == "x" and following is not None and (re.match(r"^[+-]?\d", following.text) or following.i in entity_at and entity_at[following.i].label_ == "Hardware"):
            return None  # "512 x 512", "5 times 10^5", "8x A100"
        if unit == "x" and texts[end - 1].lower().endswith("fold") and following is not None \
                and following.text[:1].isalpha() and following.lower_ not in self.qualifiers_after | self.metric_bridge_words \
                and not (following.i in entity_at and entity_at[following.i].label_ == "Metric"):
            return None  # "5-fold cross-validation", "10-fold CV": folds counted before a noun, not a factor
        if unit in {"GB", "MB", "TB"} and _next_to_label(doc, start, end, entity_at, "Hardware"):
            return None  # a hardware spec: "A100 80GB"
        if unit in self.duration_units and following is not None and following.lower_ == "of" \
                and following.i + 1 < len(doc) and not lowers[following.i + 1].endswith("ing"):
            return None  # "30K hours of audio", "10 hours of data": an amount of data, not a time measured

        qualifier_after = following.lower_ if following is not None and following.lower_ in self.qualifiers_after else None
        metric_after = following is not None and following.i in entity_at and entity_at[following.i].label_ == "Metric"
        if unit is None or unit in self.weak_units:
            metric_before = _metric_before(doc, start, entity_at, sentence_of, self.metric_link_words,
                                           self._qualifiers_only)
            acronym = self._acronym_before(doc, start, entity_at, sentence_of)
            if not (qualifier_after or metric_after or metric_before or acronym or listed
                    or unit is None and "." in texts[start] and _scored_on(doc, end, entity_at, sentence_index, sentence_of)):
                return None

        # How far the result runs as written: number, unit, comparison word, the metric next to it, "per X".
        text_end = end
        qualifier = qualifier_after
        if qualifier_after:
            text_end += 1
        if text_end < len(doc) and text_end in entity_at and entity_at[text_end].label_ == "Metric" \
                and entity_at[text_end].start == text_end and sentence_of[text_end] == sentence_index:
            text_end = entity_at[text_end].end
            if qualifier is None and text_end < len(doc) and lowers[text_end] in self.qualifiers_after:
                qualifier = lowers[text_end]
                text_end += 1
        if text_end < len(doc) and lowers[text_end] == "per":
            per_end = text_end + 1
            if per_end < len(doc) and per_end in entity_at and entity_at[per_end].start == per_end:
                per_end = entity_at[per_end].end
            while per_end < len(doc) and per_end - text_end <= 3 and doc[per_end].is_alpha and not doc[per_end].is_stop \
                    and per_end not in entity_at:
                per_end += 1
            if per_end > text_end + 1:
                text_end = per_end

        if self._setting(doc, start, text_end, qualifier, unit, entity_at, sentence_of):
            return None
        if unit == "%" and self._budget_share(doc, start, text_end, entity_at, sentence_of):
            return None
        if qualifier is None:
            qualifier = self._qualifier_before(doc, start)
        if qualifier is None and parsed["approx"]:
            qualifier = "about"
        return {
            "value": value,
            "value_high": high,
            "unit": unit,
            "_acronym": self._acronym_before(doc, start, entity_at, sentence_of),
            "_unit_text": parsed["unit"].strip() if has_unit else None,
            "qualifier": qualifier,
            "start": tokens.idx[start],
            "end": tokens.idx[text_end - 1] + len(texts[text_end - 1]),
            "_start": start,
            "_end": text_end,
            "sentence": sentence_index,
        }

    def _share_within(self, doc: Doc, at: int) -> int | None:
        """For the number at token *at* right after "within", the start of the share it bounds, "N% of X within
        T ..." ("91.4% of predictions within 10% error", "52.7% of ligands within 2 Å RMSD"): N% of a noun phrase
        of at most six words, no punctuation between; else None."""
        lowers, texts = token_lowers(doc), token_texts(doc)
        if at < 4 or lowers[at - 1] != "within":
            return None
        sent_start = sentence_at(doc, at)[0]
        for of in range(at - 2, max(sent_start, at - 9), -1):
            if texts[of] in {",", ";", ":", "(", ")"} or _DIGITS.search(texts[of]) and lowers[of - 1] != "of":
                return None
            if lowers[of] == "of" and of - 2 >= sent_start and texts[of - 1] in {"%", "percent"} \
                    and _DIGITS.search(texts[of - 2]):
                return of - 2
            if lowers[of] == "of" and of - 1 >= sent_start and re.fullmatch(r"[\d.]+%", texts[of - 1]):
                return of - 1
        return None

    def _measure_within(self, doc: Doc, accepted: list[dict[str, Any]], output: list[dict[str, Any]],
                        entity_at: dict[int, Span]) -> None:
        """The share of items within a tolerance measures what the tolerance bounds: "91.4% of predictions within
        10% error" -> error, "52.7% of ligands within 2 Å RMSD" -> RMSD (the Metric or the short phrase after the
        tolerance and its unit); the tolerance is a setting (dropped in :meth:`find`)."""
        lowers, texts = token_lowers(doc), token_texts(doc)
        words_of = doc_tokens(doc).words
        by_start = {r["_start"]: n for n, r in enumerate(accepted)}
        for within in (k for k in range(1, len(doc) - 1) if lowers[k] == "within"):
            share = self._share_within(doc, within + 1)
            if share is None or share not in by_start:
                continue
            sent_end = sentence_at(doc, within)[1]
            i = within + 2
            if i < sent_end and (not words_of[i].is_alpha or _squash(texts[i]) in self.unit_of_form
                                 or len(texts[i]) <= 2 and not words_of[i].is_lower):
                i += 1  # the tolerance's unit: "10% error", "2 Å RMSD"
            if i >= sent_end:
                continue
            metric = entity_at.get(i)
            out = output[by_start[share]]
            if metric is not None and metric.label_ == "Metric" and metric.start == i:
                out["metric"], out["metric_text"] = metric.kb_id_, None
            elif re.fullmatch(r"[A-Z][A-Z0-9-]{1,7}", texts[i]) and i not in entity_at:
                out["metric"], out["metric_text"] = None, texts[i]
            else:
                phrase = _free_phrase(doc, i, sent_end, self.phrase_stop)
                if phrase is not None and i not in entity_at:
                    out["metric"], out["metric_text"] = None, phrase
            accepted[by_start[share]]["_metric_sure"] = True

    def _acronym_before(self, doc: Doc, start: int, entity_at: dict[int, Span], sentence_of: list[int]) -> str | None:
        """An acronym that no entity holds, joined to the number at *start* by a link word (results_cues
        ``acronym_links``: "CLIP-T of 0.309", "MASE (0.812)", "EPE is 0.31"; across a qualifier: "AUC of at most
        0.0008"): the measure it names, else None. Two capitals at least, a letter first; written right before the
        number with no link it stays a name or a version ("CUDA 12.1")."""
        if not self.acronym_links:
            return None
        lowers, texts = token_lowers(doc), token_texts(doc)
        sentence = sentence_of[start]
        i, linked = start - 1, False
        while i >= 0 and start - i <= 4 and sentence_of[i] == sentence \
                and (lowers[i] in self.acronym_links or lowers[i] in self.qualifier_words):
            linked = linked or lowers[i] in self.acronym_links
            i -= 1
        if not linked or i < 0 or sentence_of[i] != sentence or i in entity_at:
            return None
        text = texts[i]
        if not _ACRONYM.fullmatch(text) or sum(ch.isupper() for ch in text) < 2:
            return None
        return text

    def _budget_share(self, doc: Doc, start: int, end: int, entity_at: dict[int, Span], sentence_of: list[int]) -> bool:
        """Whether a percentage is the share of a resource a method is given, a setting rather than a result: "only
        4.7% of the parameters are trained", "using only 10% of the labelled volumes", "with just 1% of the labels"
        (N% "of" a noun phrase headed by a resource noun, results_cues ``budget_nouns``, that a hedge or a setting
        word leads to: "only", "just", "merely", "as little as", "using", ``setting_leads``)."""
        lowers = token_lowers(doc)
        if not self.budget_nouns or end >= len(doc) or lowers[end] != "of":
            return False
        sentence = sentence_of[start]
        k = start - 1
        if k >= 2 and lowers[k - 2:k + 1] == ["as", "little", "as"]:
            return self._resource_after(doc, end, entity_at, sentence_of)
        if k < 0 or sentence_of[k] != sentence or not (lowers[k] in BUDGET_LEADS
                                                       or lowers[k] in self.setting_leads):
            return False
        return self._resource_after(doc, end, entity_at, sentence_of)

    def _resource_after(self, doc: Doc, of: int, entity_at: dict[int, Span], sentence_of: list[int]) -> bool:
        """Whether the noun phrase after "of" (up to three words, no Metric among them) is headed by a resource noun."""
        lowers = token_lowers(doc)
        for i in range(of + 1, min(len(doc), of + 5)):
            if sentence_of[i] != sentence_of[of] or i in entity_at and entity_at[i].label_ == "Metric":
                return False
            if lowers[i] in self.budget_nouns:
                return True
            if not (doc[i].is_alpha or _HYPHENATED.fullmatch(doc[i].text)):
                return False
        return False

    def _setting(self, doc: Doc, start: int, end: int, qualifier: str | None, unit: str | None,
                 entity_at: dict[int, Span], sentence_of: list[int]) -> bool:
        """Whether the number at [start, end) (its text, unit and words read with it) is a condition of a result
        rather than one: the object of a setting preposition (:attr:`setting_leads`) that either modifies a noun
        that is no Metric ("at 4x acceleration", "with 95% confidence", "with less than 30% sequence identity") or
        is the value of a noun phrase ("at a false positive rate of 1%", "under a budget of 10%"). A comparative
        read with the number ("with 2x fewer parameters") or a Metric after it ("with 71.2% accuracy") makes it a
        result. A factor after "at" is a setting unless a verb leads to it ("SSIM of 0.889 at 8x", "at 4x
        acceleration": an acceleration or compression ratio chosen, not measured)."""
        lowers = token_lowers(doc)
        sentence = sentence_of[start]
        k = start - 1
        while k >= 0 and sentence_of[k] == sentence and lowers[k] in self.setting_skip:
            k -= 1
        if k < 0 or sentence_of[k] != sentence:
            return False
        after_verb = lowers[k] == "at" and k > 0 and doc[k - 1].is_lower and doc[k - 1].is_alpha \
            and verb_like(lowers[k - 1])
        if lowers[k] == "at" and unit == "x" and not after_verb \
                and (qualifier is None or qualifier in self.speedup_words or qualifier in self.gain_nouns):
            return True
        if qualifier is not None:
            return False
        if lowers[k] in self.setting_leads:
            if after_verb:
                return False  # "runs at 11.4 tokens/s decoding": a level the verb reaches
            # the number modifies the noun after it: "at 320 ms chunk size"
            return end < len(doc) and sentence_of[end] == sentence and doc[end].is_alpha and not doc[end].is_stop \
                and not (end in entity_at and entity_at[end].label_ == "Metric") \
                and lowers[end] not in self.qualifiers_after and lowers[end] not in self.metric_bridge_words
        if lowers[k] != "of" or k != start - 1:
            return False
        # "at a false positive rate of 1%": PREP (a|an|the) NOUN{1,4} of N
        j = k - 1
        while j >= 0 and k - j <= 4 and sentence_of[j] == sentence and doc[j].is_alpha and not doc[j].is_stop:
            j -= 1
        if j == k - 1 or j < 0 or sentence_of[j] != sentence:
            return False
        if lowers[j] in ARTICLES:
            j -= 1
        if j < 0 or lowers[j] not in self.setting_leads or sentence_of[j] != sentence:
            return False
        noun_is_metric = _metric_in(entity_at, j + 1, k) is not None
        return lowers[j] in {"at", "under"} or not noun_is_metric

    def _change_figures(self, doc: Doc, chosen: list[tuple[bool, int, int]], entity_at: dict[int, Span],
                        sentence_of: list[int]) -> set[int]:
        """Starts of bare decimals that a change states, so they are results without a unit or a Metric beside
        them: the figure reached ("AP50 rises from 36.1 to 43.7", "the score improves to 0.58") and the change
        itself after a change verb's "by" ("MOS improves by 0.54 over X and by 0.41 over Y"). The frame is the
        evidence: a measure moves (:attr:`change_words`, :attr:`level_verbs`). Written decimals only, and not
        before a content word ("by 0.5 mm" has a unit; "to 0.5 bits precision" names a setting)."""
        lowers, texts = token_lowers(doc), token_texts(doc)
        verbs = self.change_words | self.level_verbs
        bare_end = {end: start for has_unit, start, end in chosen if not has_unit}
        found: set[int] = set()
        for has_unit, start, end in chosen:
            if has_unit or start < 2 or "." not in texts[start] or sentence_of[start - 2] != sentence_of[start]:
                continue
            if end < len(doc) and sentence_of[end] == sentence_of[start] and (texts[end] in {"-", "–", "~"} or (
                    doc[end].is_alpha and not doc[end].is_stop
                    and not (end in entity_at and entity_at[end].label_ == "Metric"))):
                continue  # "to 0.5 bits precision": a content word after the number, a setting or a count
            lead = lowers[start - 1]
            if lead == "to":
                # "from 36.1 to 43.7": the figure reached; "... and 1.9 to 4.5": the next change of that list
                begin = bare_end.get(start - 1)
                if begin is not None and begin > 0 and (lowers[begin - 1] == "from" or lowers[begin - 1] in {"and", ","}
                                                        and any(sentence_of[f] == sentence_of[start] for f in found)) \
                        or lowers[start - 2] in verbs:
                    found.add(start)
            elif lead == "by":
                for k in range(start - 2, max(-1, start - 14), -1):
                    if sentence_of[k] != sentence_of[start] or texts[k] in {";", ":"}:
                        break
                    if lowers[k] in verbs:
                        found.add(start)
                        break
        return found

    def _change_start(self, doc: Doc, result: dict[str, Any], following: dict[str, Any]) -> bool:
        """Whether *result* is where a change starts and *following* the figure it reaches: "from 5.9% to 10.9%",
        "from 3 days to just 76 minutes", "from a baseline of 57.88% to a relative score of 98.61%" (lower-case
        words of a noun phrase may stand between "from" and the number and between "to" and the next one)."""
        start, end, lowers = result["_start"], result["_end"], token_lowers(doc)
        if end >= len(doc) or lowers[end] != "to" or result["sentence"] != following["sentence"]:
            return False
        begin = next((k for k in range(start - 1, max(-1, start - 5), -1) if lowers[k] == "from"), None)
        if begin is None and start > 0 and lowers[start - 1] in {"and", ","} and result["unit"] is None \
                and following["unit"] is None and following["_start"] == end + 1 \
                and "from" in lowers[sentence_at(doc, start)[0]:start]:
            return True  # "from 0.9 to 1.6 for X and 1.9 to 4.5 for Y": a list of changes, each to its figure
        if begin is None or not all(doc[k].is_alpha and doc[k].is_lower for k in range(begin + 1, start)):
            return False
        between = doc[end + 1:following["_start"]]
        if begin == start - 1:  # "from 5.9% to (just) 10.9%"
            return len(between) <= 2 and all(t.lower_ in self.qualifier_words for t in between)
        return 1 <= len(between) <= 6 and all(t.is_alpha and t.is_lower for t in between)

    @staticmethod
    def _after_a_verb(doc: Doc, start: int) -> bool:
        previous = doc[start - 1] if start > 0 else None
        return previous is not None and (previous.lower_.endswith(("s", "ed", "es")) and previous.is_lower
                                         and previous.is_alpha and len(previous) > 3)

    def _qualifier_before(self, doc: Doc, start: int) -> str | None:
        lowers = token_lowers(doc)  # the per-doc word column (kg.extract.frame.token_lowers)
        for words, qualifier in self.qualifiers_before:
            begin = start - len(words)
            if begin >= 0 and lowers[begin:start] == words:
                return qualifier
        return None

    def _rule_metric(self, doc: Doc, result: dict[str, Any], ents: list[Span],
                     others: list[tuple[int, int]]) -> tuple[str | None, str | None, bool]:
        """The rules' (Metric key, free metric phrase, sure) of one result: :meth:`_metric`."""
        start, end = result["_start"], result["_end"]

        def gap(span: Span) -> int:
            return span.start - end if span.start >= end else start - span.end if span.end <= start else 0

        def crosses_other(span: Span) -> bool:
            low, high = (span.end, start) if span.end <= start else (end, span.start)
            return any(low <= o_start and o_end <= high for o_start, o_end in others)

        return self._metric(doc, result, ents, others, crosses_other, gap)

    def _attach(self, doc: Doc, result: dict[str, Any], ents: list[Span], others: list[tuple[int, int]],
                frame: dict[str, Any], rule: tuple[str | None, str | None, bool],
                shared: tuple[str | None, str | None],
                mentions: dict[str, int] | None = None) -> tuple[dict[str, str | None], str | None, float]:
        """(roles, free metric text, confidence) of one result.

        The metric is the rules' (*rule*: its own clause, :meth:`_metric`; *shared*: after sharing along a list),
        or, with a metric model, the candidate (:meth:`_metric_candidates`) the model ranks first. The method
        is :meth:`_method`'s; the dataset and hardware the sentence's closest.
        """
        start, end = result["_start"], result["_end"]
        roles: dict[str, str | None] = {role: None for role in ENTITY_ROLES.values()}

        def gap(span: Span) -> int:
            return span.start - end if span.start >= end else start - span.end if span.end <= start else 0

        def crosses_other(span: Span) -> bool:
            low, high = (span.end, start) if span.end <= start else (end, span.start)
            return any(low <= o_start and o_end <= high for o_start, o_end in others)

        metric_sure = rule[2]
        metric, metric_text = shared
        metric_share = None
        if self.metric_model is not None or self.keep_candidates:
            candidates = self._metric_candidates(doc, result, ents, others, rule, shared)
            if self.keep_candidates:
                doc.user_data.setdefault("kg_result_candidates", []).append(candidates)
            if self.metric_model is not None:
                chosen, metric_share = choose_candidate(self.metric_model, candidates)
                metric, metric_text = chosen["metric"], chosen["metric_text"]
                metric_sure = metric_share >= 0.5
                if metric is None and chosen["kind"] != "before" and result["unit"] in self.measure_units \
                        and result.get("_unit_text"):
                    # "34 fps", "11.4 tokens/s decoding": a rate unit is itself what is measured, unless a Metric
                    # or a phrase before the number names it ("a throughput of 900 images/s")
                    metric_text = result["_unit_text"]
        elif metric is None and metric_text is None and result["unit"] in self.measure_units and result.get("_unit_text"):
            metric_text = result["_unit_text"]  # the rules alone: a rate unit measures what it names
        roles["metric"] = metric
        method, how = self._method(doc, result, ents, others, frame)
        rule_methods = doc_value(doc, "kg_result_rule_methods")
        if rule_methods is not None:
            rule_methods.append(method)
        method_share = None
        if self.method_model is not None or self.keep_candidates:
            candidates = self._method_candidates(doc, result, ents, others, frame, (method, how), mentions or {})
            if self.keep_candidates:
                doc.user_data.setdefault("kg_result_method_candidates", []).append(candidates)
            # "34.4% AP at 34ms for CornerNet-Squeeze": a method the text names for the numbers stays theirs
            if self.method_model is not None and how not in LOCKED_HOWS:
                chosen, method_share = choose_candidate(self.method_model, candidates)
                method = chosen["method"]
        roles["method"] = method

        for label in ("Dataset", "Hardware"):
            labelled = [s for s in ents if s.label_ == label]
            if label == "Hardware":
                # "3.2x lower than an NVIDIA T4", "90x less energy than X on a Jetson Orin": a device a comparison
                # names is the baseline's, not the device the figure was measured on
                # (also "than X on an Intel CPU": measured, the device the comparison ran on is more often the
                # baseline's than the result's, and a result without a device costs less than one with a wrong one)
                labelled = [s for s in labelled if not self._baseline_device(doc, s)]
            found = [s for s in labelled if not crosses_other(s)] or labelled
            if label == "Dataset" and result["unit"] == "x":
                # a factor ("3x faster", "5x fewer FLOPs") is measured on a dataset only when its own clause names
                # it close by ("2.4x speedup on LRA"), not one the sentence names for its other figures
                found = [s for s in found if self._same_clause(doc, s, start, end, FACTOR_DATASET_GAP)]
            if found:
                # On a tie the entity after the number wins: "87% on ImageNet".
                chosen = min(found, key=lambda s: (gap(s), s.end <= start, s.start))
                if label == "Dataset":
                    chosen = self._list_head(doc, chosen, labelled)
                roles[ENTITY_ROLES[label]] = chosen.kb_id_ if chosen is not None else None
        metric_part = (0.3 * metric_share if metric or metric_text else 0.0) if metric_share is not None else \
            0.3 if metric_sure else 0.1 if metric or metric_text else 0.0
        method_part = (0.3 * method_share if method else 0.0) if method_share is not None else \
            {"parse": 0.3, "for": 0.3, "named": 0.25, "self": 0.2, "paper": 0.1, "near": 0.1}.get(how, 0.0)
        confidence = 0.4 + metric_part + method_part
        return roles, metric_text, round(min(confidence, 1.0), 3)

    def _list_head(self, doc: Doc, span: Span, labelled: list[Span]) -> Span | None:
        """The dataset a result on a list of datasets is reported on: "accuracy on A and B stays within 0.5
        points" is A's, the list's first; a longer list ("On A, B, C and D, X lowers the error by 12%") names no
        one dataset (None). A dataset alone is itself."""
        spans = sorted({(s.start, s.end): s for s in labelled}.values(), key=lambda s: s.start)
        for run in _list_runs(doc, [(s.start, s.end) for s in spans]):
            members = [spans[k] for k in run]
            if span in members and len({m.kb_id_ for m in members}) > 1:
                return members[0] if len(members) == 2 else None
        return span

    def _baseline_device(self, doc: Doc, span: Span) -> bool:
        """Whether a comparison word (results_cues ``baseline_leads``: "than", "over", "compared") leads to *span*
        within its clause: at most 8 tokens before it, no punctuation or clause word between, and not as a
        qualifier of a number ("over 8 GPUs")."""
        lowers = token_lowers(doc)
        sent_start = sentence_at(doc, span.start)[0]
        for k in range(span.start - 1, max(sent_start, span.start - 9) - 1, -1):
            word = lowers[k]
            if word in self.baseline_leads:
                return not (k + 1 < len(doc) and _DIGITS.match(lowers[k + 1]))
            if word in {",", ";", ":", "(", ")"} or word in self.clause_words:
                return False
        return False

    def _same_clause(self, doc: Doc, span: Span, start: int, end: int, window: int) -> bool:
        """Whether *span* stands within *window* tokens of the number [start, end) with no clause word
        (results_cues ``clause_words``: "while", "whereas", ";") between them."""
        low, high = (span.end, start) if span.end <= start else (end, span.start) if span.start >= end else (0, 0)
        lowers = token_lowers(doc)
        return high - low <= window and not any(lowers[k] in self.clause_words for k in range(low, high))

    def _unit_measure(self, doc: Doc, result: dict[str, Any], ents: list[Span],
                      others: list[tuple[int, int]]) -> tuple[str | None, str | None] | None:
        """(Metric key, free phrase) naming what the result's unit measures, from its sentence; None if none does.

        The word of the sentence nearest the number that names the unit's quantity (units.jsonl ``measures``:
        "latency" for ms, "memory" for GB) is the metric: the Metric entity holding it, else the phrase of up to
        two modifiers before it and one noun it modifies after it (``measure_heads``: "power draw"). On a tie
        the word before the number wins ("memory ... at 212 MB").
        """
        words = self.measures_of[result["unit"]]
        lowers, texts = token_lowers(doc), token_texts(doc)
        words_of = doc_tokens(doc).words
        start, end = result["_start"], result["_end"]
        sent_start, sent_end = sentence_at(doc, start)
        numbers = {i for o_start, o_end in others for i in range(o_start, o_end)}
        found = [i for i in range(sent_start, sent_end) if lowers[i] in words and not start <= i < end]
        if not found:
            return None
        at = min(found, key=lambda i: (i - end if i >= end else start - i, i >= end))
        for span in ents:
            if span.label_ == "Metric" and span.start <= at < span.end:
                return span.kb_id_, None
        other_at = {i for s in ents if s.label_ not in {"Metric", "Hardware"} for i in range(s.start, s.end)}
        first = at
        while first - 1 >= sent_start and at - (first - 1) <= 2 and first - 1 not in numbers \
                and first - 1 not in other_at and (words_of[first - 1].is_alpha or texts[first - 1].count("-") == 1) \
                and not words_of[first - 1].is_stop and lowers[first - 1] not in self.phrase_stop \
                and lowers[first - 1] not in self.parity_words \
                and not (words_of[first - 1].is_lower and (verb_like(lowers[first - 1])
                                                           or lowers[first - 1].endswith("ly"))) \
                and not lowers[first - 1].endswith("ed"):
            first -= 1
        last = at + 1
        if last < sent_end and lowers[last] in self.measure_heads:
            last += 1
        return None, doc_tokens(doc).span_text(first, last)

    def _metric(self, doc: Doc, result: dict[str, Any], ents: list[Span], others: list[tuple[int, int]],
                crosses_other, gap) -> tuple[str | None, str | None, bool]:
        """(Metric key, free metric phrase, sure) for a result, read from its own clause.

        In order: a Metric inside the result's text ("72% model FLOPs utilization"); a Metric reached through
        the parse (the number's head chain up to its verb); one right after the number past comparison words
        ("2x higher throughput", "16% improvement in runtime"); one right before ("accuracy of 87%", "TTFT:
        617 ms"); the metric a change verb names before "by N" ("improves the accuracy of ViT by 2%"). A Metric
        already tied so to another number of the sentence is not taken. Failing those, the closest Metric of
        the clause that no other number sits between; then a free phrase in the same places ("2x fewer
        parameters" -> "parameters").
        """
        start, end = result["_start"], result["_end"]
        # a "Metric" that is only a unit ("token/s", "FPS" after the number) says nothing the unit does not; nor
        # does a weak unit's ("MHz": a clock setting)
        metrics = [s for s in ents if s.label_ == "Metric"
                   and self.unit_of_form.get(_squash(span_text(s))) not in {result["unit"] or "", *self.weak_units}]
        inside = [s for s in metrics if s.start >= start and s.end <= end]
        if inside:
            return inside[0].kb_id_, None, True
        metric_at = {i: s for s in metrics for i in range(s.start, s.end)}
        sentence = _Sentence(doc, *sentence_at(doc, start))  # its bounds, without a Span
        if doc.has_annotation("DEP"):
            token = doc[start]
            for _ in range(6):
                if token.i in metric_at and not (start <= token.i < end):
                    return metric_at[token.i].kb_id_, None, True
                if token.pos_ in {"VERB", "AUX"} or token.head is token:
                    break
                token = token.head
        after = self._metric_after(doc, start, end, sentence, metric_at)
        if isinstance(after, Span):
            return after.kb_id_, None, True
        before = self._metric_before(doc, start, sentence, metric_at)
        if isinstance(before, Span) and not any(o_start <= before.start - 1 < o_end for o_start, o_end in others):
            return before.kb_id_, None, True  # not "33.0% AP at 39ms": that AP is the 33.0%'s
        owned = set()
        for o_start, o_end in others:
            for found in (self._metric_after(doc, o_start, o_end, sentence, metric_at),
                          self._metric_before(doc, o_start, sentence, metric_at)):
                if isinstance(found, Span):
                    owned.add(found.start)
            if o_end in metric_at:
                owned.add(metric_at[o_end].start)
            owned.update(m.start for m in metrics if o_start <= m.start < o_end)  # inside "34.4% AP"
        phrase = after if isinstance(after, str) else before if isinstance(before, str) else None
        if phrase is not None and phrase not in self.implied_metrics and not isinstance(phrase, WeakPhrase):
            return None, phrase, True
        near = [s for s in metrics if gap(s) <= self.metric_window and not crosses_other(s) and s.start not in owned
                and sentence.start <= s.start < sentence.end]
        if near:
            # Before the number ("accuracy of 87%") reads slightly closer than after it.
            return min(near, key=lambda s: (gap(s) + (0 if s.end <= start else 1), s.start)).kb_id_, None, False
        if phrase is None and result["qualifier"] in self.speedup_words:
            phrase = "speedup"  # "2x speedup", "a 1.4x speed-up": the speedup is what is measured
        return None, phrase, False

    def _metric_candidates(self, doc: Doc, result: dict[str, Any], ents: list[Span], others: list[tuple[int, int]],
                           rule: tuple[str | None, str | None, bool],
                           shared: tuple[str | None, str | None] | None = None) -> list[dict[str, Any]]:
        """What the number may measure: {"metric": key | None, "metric_text": str | None, "features": [...]}.

        Candidates come from the clause's structure and positions (see CANDIDATE_KINDS); features say how and
        where each was found, never which words it holds beyond small closed classes (generic, gain words).
        """
        lowers, texts = token_lowers(doc), token_texts(doc)  # the per-doc word columns (kg.extract.frame.token_lowers)
        start, end = result["_start"], result["_end"]
        final = shared if shared is not None else rule[:2]
        sent_start, sent_end = sentence_at(doc, start)
        unit = result["unit"]
        metrics = [s for s in ents if s.label_ == "Metric"
                   and self.unit_of_form.get(_squash(span_text(s))) not in {unit or "", *self.weak_units}]
        metric_at = {i: s for s in metrics for i in range(s.start, s.end)}
        other_at = {i for s in ents if s.label_ != "Metric" for i in range(s.start, s.end)}
        numbers = {i for o_start, o_end in others for i in range(o_start, o_end)}
        candidates: dict[tuple[str | None, str | None], dict[str, Any]] = {}
        words_of = doc_tokens(doc).words
        span_of = doc_tokens(doc).span_text  # doc[a:b].text, without a Span
        _FI = _FEATURE_INDEX  # feature name -> position in the vector
        beat_before = any(lowers[k] in self.beat_words for k in range(sent_start, start))
        in_parenthesis = any(texts[k] == "(" for k in range(max(sent_start, start - 8), start)) and not any(
            texts[k] == ")" for k in range(max(sent_start, start - 8), start))
        gain_next = any(word in self.gain_nouns for word in lowers[max(start, end - 1):min(sent_end, end + 2)])
        comparative_next = any(word in self.comparative_next for word in lowers[end:min(sent_end, end + 2)]) or any(
            word in self.comparative_next for word in lowers[start:end])

        # the features that depend on the result alone, the same for each of its candidates
        base = [0.0] * len(METRIC_FEATURES)
        base[_FI["beat_before"]] = float(beat_before)
        base[_FI["in_parenthesis"]] = float(in_parenthesis)
        base[_FI["unit_x"]] = float(unit == "x")
        base[_FI["unit_percent"]] = float(unit == "%")
        base[_FI["unit_none"]] = float(unit is None)
        base[_FI["comparative_next"]] = float(comparative_next)
        base[_FI["entities_in_sentence"]] = math.log1p(len(metrics))

        def add(kind: str, key: str | None, text: str | None, span: tuple[int, int] | None, **extra: float) -> None:
            if text is not None:
                text = text.strip()
                if not text or any(ch.isdigit() for ch in text) and kind != "entity":
                    return
            ident = (key, None) if key else (None, text.lower() if text else None)

            def same(choice: tuple[str | None, str | None]) -> bool:
                return (key is not None and key == choice[0]) or (
                    key is None and choice[0] is None and (text or "").lower() == (choice[1] or "").lower())

            own = same(rule[:2])
            marks = (float(same(final)), float(own and rule[2]), float(own))  # rule, rule_sure, own_rule
            found = candidates.get(ident)
            if found is not None:  # found again another way: keep the first, with this way's rule marks
                old = found["features"]
                for index, value in zip(_RULE_MARKS, marks):
                    old[index] = max(old[index], value)
                return
            x = base[:]  # the features of the result alone

            x[_FI[f"kind={kind}"]] = 1.0
            if span is not None:
                c_start, c_end = span
                low, high = (c_end, start) if c_end <= start else (end, c_start) if c_start >= end else (0, 0)
                between = words_of[low:high]  # lexeme attributes, no Token objects
                x[_FI["log_gap"]] = math.log1p(max(0, high - low))
                x[_FI["after_number"]] = float(c_start >= end)
                x[_FI["adjacent"]] = float(high - low == 0)
                x[_FI["inside_result"]] = float(start <= c_start and c_end <= end)
                x[_FI["number_between"]] = float(any(i in numbers for i in range(low, high)))
                x[_FI["verb_between"]] = float(any(verb_like(t.lower_) and t.is_lower and t.is_alpha and len(t.text) > 3
                                              for t in between))
                x[_FI["punct_between"]] = float(any(t.text in {",", ";", "(", ")", ":"} for t in between))
                # a new clause between the number and the candidate: "256% ..., while delivering X"
                x[_FI["clause_break"]] = float(any(t.lower_ in self.clause_words for t in between))
                words = (text or "").split() if text else doc_tokens(doc).span_text(c_start, c_end).split()
                x[_FI[f"tokens_{min(3, len(words))}"]] = 1.0
                x[_FI["capitalised"]] = float(bool(words) and words[0][:1].isupper())
                x[_FI["generic_word"]] = float(any(w.lower() in self.implied_metrics for w in words))
                x[_FI["not_measure_word"]] = float(any(w.lower() in self.not_measures for w in words))
                x[_FI["verb_form"]] = float(any(w.islower() and w.endswith(("ing", "ed")) and len(w) > 4
                                           for w in words[-1:]))
                x[_FI["after_preposition"]] = float(c_start > 0 and lowers[c_start - 1] in OWNER_PREPOSITIONS)
                # a Metric right next to another number of the clause, or joined to it: "12% in AP", "the AP by 1%"
                x[_FI["entity_owned"]] = float(kind == "entity" and any(
                    o_end == c_start or o_start == c_end
                    or (o_end + 1 == c_start and lowers[o_end] in {"of", "in"})
                    or (c_end + 1 == o_start and lowers[c_end] == "by") for o_start, o_end in others))
                x[_FI["gain_word"]] = float(any(w.lower() in self.gain_nouns or w.lower() in self.speedup_words for w in words))
                x[_FI["overlaps_metric"]] = float(kind != "entity" and any(i in metric_at for i in range(c_start, c_end)))
            for name, value in extra.items():
                x[_FI[name]] = value
            absolute = unit not in (None, "x", "%")
            x[_FI["performance_beat"]] = float(kind == "performance" and beat_before)
            x[_FI["performance_absolute_unit"]] = float(kind == "performance" and absolute)
            x[_FI["none_absolute_unit"]] = float(kind == "none" and absolute)
            x[_FI["performance_percent"]] = float(kind == "performance" and unit == "%")
            x[_FI["performance_no_entity"]] = float(kind == "performance" and not metrics)
            x[_FI["performance_gain_next"]] = float(kind == "performance" and gain_next)
            x[_FI["none_percent"]] = float(kind == "none" and unit == "%")
            x[_FI["none_no_entity"]] = float(kind == "none" and not metrics)
            x[_FI["speedup_named"]] = float(kind == "speedup" and (result["qualifier"] in self.speedup_words or any(
                word in self.speedup_words | {"faster"} for word in lowers[start:min(sent_end, end + 2)])))
            x[_FI["rule"]], x[_FI["rule_sure"]], x[_FI["own_rule"]] = marks
            candidates[ident] = {"metric": key, "metric_text": None if key else text, "kind": kind, "features": x}

        # the last number of a list this number leads: "25.2, 31.3 and 41 mAP" (the Metric after it measures all)
        list_end, last = end, None
        for o_start, o_end in sorted(others):
            if o_start >= list_end and o_start - list_end <= 2 and all(
                    word in {",", "and", "or"} for word in lowers[list_end:o_start]):
                list_end, last = o_end, (o_start, o_end)

        def metric_gap(span: Span) -> int:
            return span.start - end if span.start >= end else start - span.end if span.end <= start else 0

        # a Metric inside another number's text ("33.0% AP") is that number's: never a candidate here, unless
        # that number ends a list this one is in
        def listed(span: Span) -> bool:
            return last is not None and last[0] < span.start and span.end <= last[1]

        # a Metric another number owns in its own clause ("improving X by 6.0x and the AP by 1.0%": the AP is the
        # 1.0%'s) measures no number of another kind (the 6.0x): not a candidate (a structural rule, not a weight)
        foreign = self._owned_by_other_kinds(doc, result, start, sentence_at(doc, start), metric_at)
        free_metrics = [s for s in metrics if (listed(s) or not any(
            o_start <= s.start and s.end <= o_end for o_start, o_end in others)) and s.start not in foreign]
        nearest = min(free_metrics, key=lambda s: (metric_gap(s), s.start), default=None)
        for span in free_metrics:
            add("entity", span.kb_id_, None, (span.start, span.end), nearest_entity=float(span is nearest),
                list_follows=float(listed(span)))

        def phrase(i: int, limit: int) -> tuple[int, int, bool] | None:
            """[first, last) of a short noun phrase from token *i*, capitals allowed; skipped a gerund?"""
            while i < limit and lowers[i] in PHRASE_DETERMINERS:
                i += 1
            first = i
            while i < limit and i - first < 3 and (words_of[i].is_alpha or texts[i].count("-") == 1) \
                    and lowers[i] not in self.phrase_stop and not words_of[i].is_stop and i not in other_at \
                    and i not in numbers and not (words_of[i].is_lower and lowers[i].endswith("ly")):
                i += 1
            if i < limit and i in other_at and lowers[i - 1] not in self.gain_nouns:
                return None  # "on a single GPU": words before another entity modify it, they measure nothing
            return (first, i, False) if i > first else None

        # after the number, past comparison and linking words (up to 4)
        i = end
        while i < sent_end and i - end < 4 and lowers[i] in self.after_skip and i not in metric_at:
            i += 1
        found = phrase(i, sent_end)
        if found:
            first, last, _ = found
            add("after", None, span_of(first, last), (first, last))
            if last - first > 1:
                add("after_head", None, texts[last - 1], (last - 1, last))
            if lowers[first].endswith("ing") and last - first > 1:
                add("after", None, span_of(first + 1, last), (first + 1, last), skipped_ing=1.0)
        # up to a gain noun: "256% relative improvement", "60.03% performance improvement"
        # (an acronym may stand in the phrase: "75.8% GPU memory reduction"; the gain noun alone is a candidate
        # too: "1.5x wall clock time speedup")
        for j in range(end, min(sent_end, end + 4)):
            if lowers[j] in self.gain_nouns and j > end - 1:
                first = end
                while first < j and words_of[first].is_stop:
                    first += 1  # "6.4 points of lift": a metric phrase starts after the function words
                add("gain", None, span_of(first, j + 1) if j > first else texts[j], (first, j + 1))
                if j > end:
                    add("gain", None, texts[j], (j, j + 1), gain_head=1.0)
                break
            if not (words_of[j].is_alpha and (words_of[j].is_lower or words_of[j].is_upper and len(texts[j]) <= 5)):
                break
        # before the number, across a linking word: "relative score of 98.61%", "TTFT: 617 ms"
        i = start - 1
        while i >= sent_start and start - i <= 3 and lowers[i] in self.link_before:
            i -= 1
        if (i < start - 1 or (i == start - 1 and i >= sent_start and words_of[i].is_alpha)) and i >= sent_start \
                and not (words_of[i].is_lower and lowers[i].endswith(("ing", "ed"))) \
                and not (i == start - 1 and words_of[i].is_lower and verb_like(lowers[i]) and lowers[i].endswith("s")):
            # (a lower-case word ending in "s" right before the number is its verb: "uses 16 GB", "processes 1,200")
            last = i + 1
            first = last
            while first - 1 >= sent_start and last - (first - 1) <= 3 and words_of[first - 1].is_alpha \
                    and not words_of[first - 1].is_stop and lowers[first - 1] not in self.phrase_stop \
                    and first - 1 not in other_at and not (words_of[first - 1].is_lower and verb_like(lowers[first - 1])
                                                           and len(texts[first - 1]) > 3 and first - 1 < last - 1):
                first -= 1
                add("before", None, span_of(first, last), (first, last))
        # the object of a change verb before "by N": "improve the efficiency of X by more than 4x"
        by = next((k for k in range(start - 1, max(sent_start, start - 4) - 1, -1) if lowers[k] == "by"), None)
        if by is not None:
            for k in range(by - 1, max(sent_start, by - 10) - 1, -1):
                if k in numbers or texts[k] == ";":
                    break
                if lowers[k] in self.change_words and lowers[k] not in self.beat_words:
                    found = phrase(k + 1, by)
                    if found:
                        add("verb_object", None, span_of(found[0], found[1]), (found[0], found[1]))
                    break
        # "6.8x smaller", "4x cheaper": a factor whose comparative says what it measures, and not speed; with no
        # phrase after it, the comparative itself is the candidate phrase (no "speedup" is implied)
        qualifier = result["qualifier"]
        other_comparative = unit == "x" and qualifier in self.qualifiers_after and qualifier not in self.speed_comparatives \
            and qualifier not in self.gain_nouns and end > start and lowers[end - 1] == qualifier
        if other_comparative and not found:
            add("after", None, texts[end - 1], (end - 1, end))
        add("performance", None, "performance", None)
        if unit == "x" and not other_comparative:
            add("speedup", None, "speedup", None)
        foreign_keys = {metric_at[i].kb_id_ for i in foreign} - {s.kb_id_ for s in free_metrics}
        for rule_key, rule_text in (final, rule[:2]):
            if rule_key in foreign_keys:
                continue  # the rules' pick, when another kind of number owns it, is no candidate either
            if rule_key:
                span = next((s for s in metrics if s.kb_id_ == rule_key), None)
                add("rule_only", rule_key, None, (span.start, span.end) if span is not None else None)
            elif rule_text:
                add("rule_only", None, rule_text, None)
        add("none", None, None, None)
        return list(candidates.values())

    def _owned_by_other_kinds(self, doc: Doc, result: dict[str, Any], start: int, bounds: tuple[int, int],
                              metric_at: dict[int, Span]) -> set[int]:
        """The starts of the Metrics another number of the sentence owns in its own clause when that number is of
        another kind than *result* (UNIT_KINDS) and holds it more tightly than *result* does. A number holds a
        Metric inside its text ("33.0% AP") most tightly, then the one it leads on to ("1.0% AP", "2x higher
        throughput"), then the one it measures before it ("the AP by 1.0%", "AP at 39ms"). The figure a change
        reaches after such a number ("latency by 30% to 12 ms") keeps it: the owner states the change of the
        very measure."""
        units = result.get("_other_units") or {}
        if not units or (start > 1 and token_lowers(doc)[start - 1] == "to"
                         and any(o_end == start - 1 for _, o_end in units)):
            return set()  # "by 30% to 12 ms": the figure the change reaches (not "saves up to 5x")
        sentence = _Sentence(doc, *bounds)

        def holds(n_start: int, n_end: int) -> dict[int, int]:
            """Metric start -> how tightly the number [n_start, n_end) holds it (3 inside, 2 after, 1 before)."""
            found: dict[int, int] = {}
            before = self._metric_before(doc, n_start, sentence, metric_at)
            if isinstance(before, Span):
                found[before.start] = 1
            after = self._metric_after(doc, n_start, n_end, sentence, metric_at)
            if isinstance(after, Span):
                found[after.start] = 2
            for m in metric_at.values():
                if n_start <= m.start < n_end:
                    found[m.start] = 3
            return found

        kind = unit_kind(result["unit"])
        mine = holds(start, result["_end"])
        owned: set[int] = set()
        for (o_start, o_end), unit in units.items():
            if unit_kind(unit) != kind:
                owned.update(m for m, tight in holds(o_start, o_end).items() if tight > mine.get(m, 0))
        return owned

    def _method_candidates(self, doc: Doc, result: dict[str, Any], ents: list[Span], others: list[tuple[int, int]],
                           frame: dict[str, Any], rule: tuple[str | None, str],
                           mentions: dict[str, int]) -> list[dict[str, Any]]:
        """Whose number it is: {"method": key | None, "features": [...]}, one per Method of the sentence (its
        mention closest to the number), the paper's proposal when the sentence does not name it, and none."""
        start, end = result["_start"], result["_end"]
        sent_start, sent_end = sentence_at(doc, start)
        methods = sorted((s for s in ents if s.label_ == "Method"), key=lambda s: s.start)
        proposed = list(frame.get("proposed") or [])
        subject = paper_subject(frame) if proposed else None  # what "we / our method" stands for
        rule_key, rule_how = rule
        lowers = token_lowers(doc)  # the per-doc word column (kg.extract.frame.token_lowers)
        self_reference = any(word in self.self_words for word in lowers[sent_start:start])
        title_sentence = sent_start == 0
        common = {"self_reference": float(self_reference), "title_sentence": float(title_sentence),
                  "no_proposal": float(not proposed), "log_methods_in_sentence": math.log1p(len(methods))}

        def row(kind: str, key: str | None, **values: float) -> dict[str, Any]:
            x = [0.0] * len(METHOD_FEATURES)
            x[_METHOD_INDEX[f"kind={kind}"]] = 1.0
            for name, value in {**common, **values}.items():
                x[_METHOD_INDEX[name]] = value
            if key == rule_key:
                x[_METHOD_INDEX["rule"]] = 1.0
                if rule_how in RULE_HOWS:
                    x[_METHOD_INDEX[f"rule_how={rule_how}"]] = 1.0
            if key is not None:
                x[_METHOD_INDEX["proposed"]] = float(key in proposed)
                x[_METHOD_INDEX["first_proposed"]] = float(key is not None and key == subject)
                x[_METHOD_INDEX["log_mentions"]] = math.log1p(mentions.get(key, 0))
            return {"method": key, "kind": kind, "features": x}

        def gap(span: Span) -> int:
            return span.start - end if span.start >= end else start - span.end if span.end <= start else 0

        closest: dict[str, Span] = {}
        for span in methods:
            if span.kb_id_ not in closest or gap(span) < gap(closest[span.kb_id_]):
                closest[span.kb_id_] = span
        candidates = []
        for key, span in closest.items():
            low, high = (span.end, start) if span.end <= start else (end, span.start)
            before = token_lowers(doc)[span.start - 1] if span.start > sent_start else ""
            candidates.append(row(
                "sentence", key, baseline=float(self.frame_reader.is_compared(doc, span)),
                subject_like=float(self.frame_reader.subject_like(doc, span)),
                before_number=float(span.end <= start), log_gap=math.log1p(gap(span)),
                for_after=float(span.start >= end and gap(span) <= 4 and before in {"for", "of", "by"}),
                preposition_before=float(before in COMPARISON_STOPS),
                number_shaped=float(number_shaped(span) or any(ch.isdigit() for ch in span_text(span)[:1])),
                first_in_sentence=float(span is methods[0] or span.kb_id_ == methods[0].kb_id_),
                clause_break=float(any(word in self.clause_words or word == "," for word in lowers[low:high]))))
        for key in proposed[:2]:
            if key not in closest:
                candidates.append(row("proposal", key, proposal_self_reference=float(self_reference)))
        candidates.append(row("none", None, none_no_methods=float(not methods),
                              none_self_reference=float(self_reference)))
        return candidates

    def _metric_after(self, doc: Doc, start: int, end: int, sentence: Span,
                      metric_at: dict[int, Span]) -> Span | str | None:
        """The Metric (or a free phrase) a number leads on to: "2x higher throughput", "16% improvement in runtime"."""
        lowers, texts = token_lowers(doc), token_texts(doc)  # the per-doc word columns (kg.extract.frame.token_lowers)
        i = end
        while i < sentence.end and i - end < 4 and lowers[i] in self.metric_bridge_words and i not in metric_at:
            i += 1
        if i in metric_at and metric_at[i].start == i:
            return metric_at[i]
        if i < sentence.end and any(word in self.comparative_bridges for word in lowers[start:i]):
            if re.fullmatch(r"[A-Z][A-Z0-9@-]{1,7}", texts[i]):
                return texts[i]  # "6x-8x higher FPS", "617 ms lower TTFT": an acronym names the measure
            return _free_phrase(doc, i, sentence.end, self.phrase_stop)  # "3 times fewer parameters", "10x increase in performance"
        # "60.03% performance improvement", "2.8x performance gain": a measure named by its gain
        j = end
        words_of = doc_tokens(doc).words  # the lexeme attributes per token, without Token objects
        while j < sentence.end and j - end < 3 and words_of[j].is_lower and words_of[j].is_alpha and not words_of[j].is_stop \
                and lowers[j] not in self.gain_nouns:
            j += 1
        if end < j < sentence.end and lowers[j] in self.gain_nouns:
            return doc_tokens(doc).span_text(end, j + 1)
        return None

    def _metric_before(self, doc: Doc, start: int, sentence: Span, metric_at: dict[int, Span]) -> Span | str | None:
        """The Metric (or a free phrase) a number measures, written before it: "accuracy of 87%", "X by 5%"."""
        lowers, texts = token_lowers(doc), token_texts(doc)  # the per-doc word columns (kg.extract.frame.token_lowers)
        i = start - 1
        while i >= sentence.start and start - i <= 4 and lowers[i] in self.metric_link_words | self.qualifier_words \
                | {"(", "up", "only", "over", "about"}:
            if lowers[i] == "by":
                # "improves the accuracy of ViT by 2%", "improving X by 6.0x and the AP by 1.0%": the closest
                # Metric before "by", back to the change verb and never past another number
                for k in range(i - 1, max(sentence.start, i - 10) - 1, -1):
                    if k in metric_at:
                        return metric_at[k]
                    if any(ch.isdigit() for ch in texts[k]) or texts[k] == ";":
                        return None
                    if lowers[k] in self.change_words:
                        if lowers[k] in self.beat_words:
                            return "performance"  # "outperforms X by 5%": X is a method; it performs better
                        return _free_phrase(doc, k + 1, i, self.phrase_stop)
                return None
            i -= 1
        if i >= sentence.start and i in metric_at:
            return metric_at[i]
        words_of = doc_tokens(doc).words  # the lexeme attributes per token, without Token objects
        if start - i >= 2 and i >= sentence.start and words_of[i].is_lower and words_of[i].is_alpha and not words_of[i].is_stop \
                and not verb_like(lowers[i]) and lowers[i + 1] in {"of", "to", ":", "=", "("} \
                and lowers[i] not in self.not_measures and not (i - 1 in metric_at):
            return WeakPhrase(texts[i])  # "improve S4's performance to 86%", "a throughput of 15 PFLOPs"
        return None

    def _method(self, doc: Doc, result: dict[str, Any], ents: list[Span], others: list[tuple[int, int]],
                frame: dict[str, Any]) -> tuple[str | None, str]:
        """(Method key, how) the result belongs to.

        A Method named for the number right after it ("34.4% AP at 34ms for CornerNet-Squeeze"), else the
        subject of the clause from the contribution frame (a named subject, "we / our method / it" for the
        proposal), else the paper's proposal when the sentence names no other method as a subject.
        """
        lowers = token_lowers(doc)  # the per-doc word columns (kg.extract.frame.token_lowers)
        start, end = result["_start"], result["_end"]
        methods = [s for s in ents if s.label_ == "Method"]
        sentence = _Sentence(doc, *sentence_at(doc, start))  # its bounds, without a Span
        # "improving over EDM (82.0%) and GeoLDM (89.4%)", "IP-Adapter (0.613, 0.810)": a parenthesis that holds
        # only numbers, right after a Method name, holds that method's figures (a table written in prose; not
        # "YOLOv3 (34.4% AP at 34ms for CornerNet-Squeeze ...)", where the parenthesis names its own method)
        texts = token_texts(doc)

        def in_group(k: int) -> bool:
            return texts[k] == "," or any(o_start <= k < o_end for o_start, o_end in others)

        opening, closing = start - 1, end
        while opening > sentence.start and in_group(opening):
            opening -= 1
        while closing < sentence.end and in_group(closing):
            closing += 1
        if opening > sentence.start and texts[opening] == "(" and closing < sentence.end and texts[closing] == ")":
            found = next((s for s in methods if s.end == opening), None)
            if found is not None:
                return found.kb_id_, "for"
        # "34.4% AP at 34ms for CornerNet-Squeeze": a "for / of / by X" after the numbers of a group
        i = end
        group_end = end
        while i < sentence.end and i - group_end <= 3:
            if any(o_start == i for o_start, _ in others):
                i = next(o_end for o_start, o_end in others if o_start == i)
                group_end = i
                continue
            if lowers[i] in METHOD_PREPOSITIONS and i + 1 < sentence.end:
                j = i + 1 + (lowers[i + 1] in METHOD_DETERMINERS)
                found = next((s for s in methods if s.start == j), None)
                if found is not None and not self.frame_reader.is_compared(doc, found):
                    return found.kb_id_, "for"
                break
            if lowers[i] in {"than", "compared", "versus", "vs", "vs.", "over", "against", ";"}:
                break
            i += 1
        key, how = self.frame_reader.subject_of(doc, start, methods, frame=frame)
        if key:
            return key, how
        proposed = frame["proposed"]
        if proposed and not any(self.frame_reader.subject_like(doc, s) and s.kb_id_ not in proposed for s in methods):
            return paper_subject(frame), "paper"
        return None, ""

    # -- serialisation (kg.extract.base.SerialisedState: cfg.json, units.jsonl, results_cues.jsonl on disk) --
    row_files = {"units": "units.jsonl", "cues": "results_cues.jsonl"}

    def _cfg(self) -> dict[str, Any]:
        return {"units": self.units, "cues": self.cues, "metric_window": self.metric_window,
                "overwrite": self.overwrite, "metric_model": self.metric_model, "method_model": self.method_model,
                "initialized": self.initialized}

    def _set_cfg(self, cfg: dict[str, Any]) -> None:
        self.metric_window = cfg.get("metric_window", self.metric_window)
        self.overwrite = cfg.get("overwrite", self.overwrite)
        if "metric_model" in cfg:
            if cfg["metric_model"] is not None:
                check_metric_model(cfg["metric_model"])
            self.metric_model = cfg["metric_model"]
        if "method_model" in cfg:
            if cfg["method_model"] is not None:
                check_method_model(cfg["method_model"])
            self.method_model = cfg["method_model"]
        if cfg.get("initialized", True):
            self._load(cfg.get("units", self.units), cfg.get("cues", self.cues))
        else:
            self.units, self.cues = list(cfg.get("units", self.units)), list(cfg.get("cues", self.cues))
            self.initialized = False


def sentence_index_of_tokens(doc: Doc, sentences: list[Span] | list[tuple[int, int]] | None = None) -> list[int]:
    """For each token, the index of its sentence in ``list(doc.sents)``; *sentences* are the sentence spans or
    their (start, end) bounds. Given the doc's own ``sentence_bounds(doc)``, the list is made once per doc and shared
    (kg.extract.frame.token_sentences): do not change it."""
    if sentences is not None and sentences is doc.user_data.get(_BOUNDS_KEY):
        return token_sentences(doc)
    index = [0] * len(doc)
    for n, sentence in enumerate(sentences if sentences is not None else doc.sents):
        start, end = sentence if isinstance(sentence, tuple) else (sentence.start, sentence.end)
        index[start:end] = [n] * (end - start)
    return index


def _listed_numbers(doc: Doc, chosen: list[tuple[bool, int, int]], entity_at: dict[int, Span]) -> set[int]:
    """Starts of bare numbers listed before one a Metric follows: "25.2, 31.3, 35.2 and 41 mAP"."""
    listed: set[int] = set()
    run: list[int] = []
    for n, (has_unit, start, end) in enumerate(chosen):
        if has_unit:
            run = []
            continue
        joined = run and all(word in {",", "and", "or"} for word in token_lowers(doc)[chosen[n - 1][2]:start]) \
            and start > chosen[n - 1][2]
        run = [*run, start] if joined else [start]
        following = entity_at.get(end)
        if len(run) > 1 and following is not None and following.label_ == "Metric" and following.start == end:
            listed.update(run)
    return listed


def _merge_ranges(doc: Doc, chosen: list[tuple[bool, int, int]]) -> list[tuple[bool, int, int]]:
    """Join "15.3% - 75.8%" / "10 ms to 20 ms" / "between 61% and 93%": two numbers with the same unit around a
    range word, or after "between" around "and" (two bare decimals too: "between 0.52 and 0.61")."""
    lowers = token_lowers(doc)  # the per-doc word columns (kg.extract.frame.token_lowers)
    merged: list[tuple[bool, int, int]] = []
    for item in chosen:
        if merged:
            has_unit, start, end = merged[-1]
            if has_unit and item[0] and item[1] == end + 1 and lowers[end] in {"-", "–", "~", "to"} \
                    and _unit_tail(lowers[end - 1]) == _unit_tail(lowers[item[2] - 1]):
                merged[-1] = (True, start, item[2])
                continue
            if start > 0 and lowers[start - 1] == "between" and item[1] == end + 1 and lowers[end] == "and" \
                    and ((has_unit and item[0] and _unit_tail(lowers[end - 1]) == _unit_tail(lowers[item[2] - 1]))
                         or (not has_unit and not item[0] and "." in lowers[start] and "." in lowers[item[1]])):
                merged[-1] = (has_unit, start, item[2])  # "between 61% and 93%", "between 0.52 and 0.61": a range
                continue
            if not has_unit and not item[0] and item[1] == end + 1 and lowers[end] in {"-", "–"} \
                    and not doc[end - 1].whitespace_ and not doc[end].whitespace_ \
                    and "." in lowers[start] and "." in lowers[item[1]]:
                merged[-1] = (False, start, item[2])  # "by 0.02-0.07": two bare decimals joined as one range
                continue
        merged.append(item)
    return merged


# units whose numbers measure the same kind of thing: a score (a percentage, points, a bare figure); any other
# unit is a kind of its own ("x": a ratio, "ms": a time)
SCORE_UNITS = frozenset({None, "%", "pp"})


def unit_kind(unit: str | None) -> str | None:
    """The kind of number a unit writes (see SCORE_UNITS): "score" or the unit itself."""
    return "score" if unit in SCORE_UNITS else unit


def _decimals(text: str) -> int:
    """How many digits a number token is written with after its point ("14.9" -> 1, "71" -> 0, "2.5x" -> 1)."""
    found = re.match(r"[~≈]?[+-]?[\d,]*(?:\.(\d+))?", text)
    return len(found.group(1)) if found and found.group(1) else 0


def _unit_tail(text: str) -> str:
    return re.sub(r"^[~≈]?[+-]?[\d,.]+[kmb]?", "", text)


def _share_in_coordination(doc: Doc, accepted: list[dict[str, Any]], output: list[dict[str, Any]]) -> None:
    """Results joined by "and" / "," share a metric one of them names: "88.3% zero-shot and 91.1% fine-tuning
    accuracy", "by 2% and 0.1%, respectively"."""
    pairs = range(len(output) - 1)
    for n in [*reversed(pairs), *pairs]:  # a metric travels along a list both ways
        a, b = accepted[n], accepted[n + 1]
        if a["sentence"] != b["sentence"] or b["_start"] - a["_end"] > 4:
            continue
        between = token_lowers(doc)[a["_end"]:b["_start"]]
        if not between or not set(between) & {"and", ",", "or"} or any(
                w not in {"and", ",", "or", "the", "a", "respectively", "zero-shot", "fine-tuning"} and not w.isalpha()
                for w in between):
            continue
        first, second = output[n], output[n + 1]
        has_first, has_second = bool(first["metric"] or first["metric_text"]), bool(second["metric"] or second["metric_text"])
        if has_first and (not has_second or a["_metric_sure"] and not b["_metric_sure"]):
            second["metric"], second["metric_text"] = first["metric"], first["metric_text"]
        elif has_second and (not has_first or b["_metric_sure"] and not a["_metric_sure"]):
            first["metric"], first["metric_text"] = second["metric"], second["metric_text"]


_LIST_WORDS = kind_words(DEFAULT_CUES, "list_words")  # ",", "and", "or", "the": between the items of a list


def _list_runs(doc: Doc, items: list[tuple[int, int]]) -> list[list[int]]:
    """Indices of *items* (token spans in order) grouped in lists: neighbours with only list words between them
    ("A, B and C", "80% and 90%"), at least one of them a joiner."""
    lowers = token_lowers(doc)
    runs: list[list[int]] = []
    for n, (start, _) in enumerate(items):
        between = lowers[items[n - 1][1]:start] if n else []
        if n and between and all(w in _LIST_WORDS for w in between) and set(between) - {"the"}:
            runs[-1].append(n)
        else:
            runs.append([n])
    return runs


def _pair_respectively(doc: Doc, accepted: list[dict[str, Any]], output: list[dict[str, Any]],
                       by_sentence: dict[int, list[Span]], bounds: list[tuple[int, int]],
                       words: frozenset[str]) -> None:
    """"A and B reach 80% and 90% on C and D, respectively": a list of numbers before "respectively" takes its
    roles from a list of names as long, in order (the n-th number the n-th Method, Dataset, Hardware or Metric),
    whatever the nearest-name rules and the choosers said. A role with no list of that length, or with two,
    is left as it was."""
    lowers = token_lowers(doc)
    for sentence in sorted({r["sentence"] for r in accepted}):
        s_start, s_end = bounds[sentence]
        marks = [i for i in range(s_start, s_end) if lowers[i] in words]
        if not marks:
            continue
        indices = [n for n, r in enumerate(accepted) if r["sentence"] == sentence]
        value_runs = [run for run in _list_runs(doc, [(accepted[n]["_start"], accepted[n]["_end"]) for n in indices])
                      if len(run) > 1 and accepted[indices[run[-1]]]["_end"] <= marks[-1]]
        if not value_runs:
            continue
        taken = {i for n in indices for i in range(accepted[n]["_start"], accepted[n]["_end"])}
        for label, role in ENTITY_ROLES.items():
            spans = sorted((s for s in by_sentence.get(sentence, []) if s.label_ == label
                            and not any(i in taken for i in range(s.start, s.end))), key=lambda s: s.start)
            name_runs = [run for run in _list_runs(doc, [(s.start, s.end) for s in spans])
                         if len(run) > 1 and len({spans[k].kb_id_ for k in run}) == len(run)
                         and spans[run[-1]].end <= marks[-1]]
            for values in value_runs:
                names = [run for run in name_runs if len(run) == len(values)]
                if len(names) != 1:
                    continue  # no list as long, or two: nothing says which
                for k_value, k_name in zip(values, names[0]):
                    result = output[indices[k_value]]
                    result[role] = spans[k_name].kb_id_
                    if role == "metric":
                        result["metric_text"] = None


def _pair_parallel_datasets(doc: Doc, accepted: list[dict[str, Any]], output: list[dict[str, Any]],
                            by_sentence: dict[int, list[Span]], bounds: list[tuple[int, int]]) -> None:
    """"On A, B and C, X reaches 95.8, 92.1 and 89.6", "2.38 on A and 2.96 on B, compared to 3.55 and 6.20 for Y":
    a list of numbers of one unit takes the datasets its sentence names before it, in order, when they are exactly
    as many as the numbers (the n-th number the n-th Dataset), whatever the nearest-name rule said."""
    for sentence in sorted({r["sentence"] for r in accepted}):
        indices = [n for n, r in enumerate(accepted) if r["sentence"] == sentence]
        if len(indices) < 2:
            continue
        taken = {i for n in indices for i in range(accepted[n]["_start"], accepted[n]["_end"])}
        datasets = sorted((s for s in by_sentence.get(sentence, []) if s.label_ == "Dataset"
                           and not any(i in taken for i in range(s.start, s.end))), key=lambda s: s.start)
        if len(datasets) < 2:
            continue
        for run in _list_runs(doc, [(accepted[n]["_start"], accepted[n]["_end"]) for n in indices]):
            if len(run) < 2 or len({accepted[indices[k]]["unit"] for k in run}) != 1:
                continue
            run_start = accepted[indices[run[0]]]["_start"]
            before = list(dict.fromkeys(s.kb_id_ for s in datasets if s.end <= run_start))
            if len(before) != len(run):
                continue
            for k, key in zip(run, before):
                output[indices[k]]["dataset"] = key


def _metric_in(entity_at: dict[int, Span], start: int, end: int) -> Span | None:
    """The first Metric mention *entity_at* (token -> mention) holds on a token of [*start*, *end*), or None."""
    return next((entity_at[k] for k in range(start, end) if k in entity_at and entity_at[k].label_ == "Metric"), None)


def _free_phrase(doc: Doc, start: int, end: int, stop: frozenset[str]) -> str | None:
    """A short lower-case noun phrase from *start* ("communication costs", "parameters"), or None."""
    lowers, texts = token_lowers(doc), token_texts(doc)  # the per-doc word columns (kg.extract.frame.token_lowers)
    i = start
    while i < end and lowers[i] in PHRASE_DETERMINERS:
        i += 1
    first = i
    words_of = doc_tokens(doc).words  # the lexeme attributes per token, without Token objects
    while i < end and i - first < 3 and (words_of[i].is_alpha or texts[i].count("-") == 1) and words_of[i].is_lower \
            and lowers[i] not in stop and not lowers[i].endswith("ly") and not words_of[i].is_stop:
        i += 1
    if i == first or (i < end and texts[i] == "-"):
        return None
    return doc_tokens(doc).span_text(first, i)


def number_shaped(span: Span) -> bool:
    """An entity that is only a number with a unit ("0.39dB", "5x"): a result the name rules took for a name."""
    if span.end <= span.start:
        return False
    first = token_texts(span.doc)[span.start][:1]  # the text's first character, without building the text
    if not (first.isdigit() or first in "~≈+-"):
        return False
    text = span_text(span)
    if not (text[:1].isdigit() or text[:1] in "~≈+-" and text[1:2].isdigit()):
        return False
    return bool(_NUMBER_SHAPED.fullmatch(text))


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _case_free(token_text: str) -> bool:
    # Lower-case words match in any case ("Times" in a title); symbols and abbreviations ("Go", "MB") do not.
    return token_text.isalpha() and token_text.islower() and len(token_text) >= 3


def _token_spec(token_text: str) -> dict[str, Any]:
    return {"LOWER": token_text.lower()} if _case_free(token_text) else {"ORTH": token_text}


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _next_to_label(doc: Doc, start: int, end: int, entity_at: dict[int, Span], label: str) -> bool:
    before = entity_at.get(start - 1)
    after = entity_at.get(end)
    return (before is not None and before.label_ == label) or (after is not None and after.label_ == label)


def _scored_on(doc: Doc, end: int, entity_at: dict[int, Span], sentence: int, sentence_of: list[int]) -> bool:
    """Whether a Dataset follows the number through "on / in (the)": "scores 71.4 on MMLU" (a benchmark score)."""
    lowers = token_lowers(doc)
    i = end
    if i >= len(doc) or lowers[i] not in {"on", "in"}:
        return False
    i += 1
    if i < len(doc) and lowers[i] == "the":
        i += 1
    span = entity_at.get(i)
    return span is not None and span.label_ == "Dataset" and span.start == i and sentence_of[i] == sentence


def _metric_before(doc: Doc, start: int, entity_at: dict[int, Span], sentence_of: list[int],
                   link_words: frozenset[str], qualifiers: frozenset[str] = frozenset()) -> bool:
    """A Metric entity just before the number, maybe joined by "of", "=", ":" ("accuracy of 87.3"), across a
    qualifier after the link ("AUC of at most 0.0008"; not "TM-score above 0.9", a threshold)."""
    lowers = token_lowers(doc)
    i = start - 1
    while i >= 0 and start - i <= 4 and sentence_of[i] == sentence_of[start] and lowers[i] in qualifiers:
        i -= 1
    if i < start - 1 and not (i >= 0 and lowers[i] in link_words and i not in entity_at):
        return False
    while i >= 0 and start - i <= 4 and sentence_of[i] == sentence_of[start]:
        span = entity_at.get(i)
        if span is not None:
            return span.label_ == "Metric"
        if lowers[i] not in link_words:
            return False
        i -= 1
    return False


# -- the learned metric chooser -----------------------------------------------------------------------------
# the farthest (in tokens) a Dataset may stand from a factor result it is the dataset of (ResultFinder._attach)
FACTOR_DATASET_GAP = 8
METRIC_MODEL_PATH = Path(__file__).parent / "models" / "result_metric.json"
# How a metric candidate was found: a Metric entity of the sentence; a free phrase after the number (past
# comparison and linking words: "16% improvement in runtime", "36.3% in Insertion"), its last word, the
# words up to a gain noun ("256% relative improvement"), a phrase before a linking word ("relative score of
# 98.61%"), the object of a change verb ("improve the efficiency of X by 4x"); the implied "performance" and
# "speedup"; the rules' own choice when none of those is it; and no metric at all.
CANDIDATE_KINDS = ("entity", "after", "after_head", "gain", "before", "verb_object", "performance", "speedup",
                   "rule_only", "none")
METRIC_FEATURES: tuple[str, ...] = (
    *(f"kind={k}" for k in CANDIDATE_KINDS),
    "rule", "rule_sure", "log_gap", "after_number", "adjacent", "number_between", "verb_between",
    "punct_between", "tokens_1", "tokens_2", "tokens_3", "capitalised", "generic_word", "gain_word",
    "overlaps_metric", "skipped_ing", "beat_before", "in_parenthesis", "unit_x", "unit_percent", "unit_none",
    "comparative_next", "entities_in_sentence", "inside_result", "not_measure_word", "verb_form",
    "performance_beat", "performance_absolute_unit", "speedup_named", "none_absolute_unit", "entity_owned",
    "after_preposition", "nearest_entity", "list_follows", "own_rule", "performance_percent",
    "performance_no_entity", "performance_gain_next", "none_percent", "none_no_entity", "clause_break",
    "gain_head",
)
_FEATURE_INDEX = {name: n for n, name in enumerate(METRIC_FEATURES)}
_RULE_MARKS = (_FEATURE_INDEX["rule"], _FEATURE_INDEX["rule_sure"], _FEATURE_INDEX["own_rule"])


# -- the learned method chooser -----------------------------------------------------------------------------
METHOD_MODEL_PATH = Path(__file__).parent / "models" / "result_method.json"
# A Method entity of the result's sentence, the paper's proposal when the sentence does not name it, or none.
METHOD_KINDS = ("sentence", "proposal", "none")
RULE_HOWS = ("parse", "for", "named", "self", "paper", "near")
LOCKED_HOWS = {"for"}  # the rules' attachments the method chooser does not override
METHOD_FEATURES: tuple[str, ...] = (
    *(f"kind={k}" for k in METHOD_KINDS), "rule", *(f"rule_how={h}" for h in RULE_HOWS),
    "proposed", "first_proposed", "baseline", "subject_like", "before_number", "log_gap", "for_after",
    "preposition_before", "number_shaped", "self_reference", "log_methods_in_sentence", "log_mentions",
    "title_sentence", "no_proposal", "none_no_methods", "none_self_reference", "proposal_self_reference",
    "first_in_sentence", "clause_break",
)
_METHOD_INDEX = {name: n for n, name in enumerate(METHOD_FEATURES)}


def load_metric_model(path: str | Path = METRIC_MODEL_PATH) -> dict[str, Any]:
    """The shipped metric chooser: {"features": [...], "weights": [...], "C": c, "cv": {...}}."""
    model = json.loads(Path(path).read_text(encoding="utf-8"))
    check_metric_model(model)
    return model


def load_method_model(path: str | Path = METHOD_MODEL_PATH) -> dict[str, Any]:
    """The shipped method chooser, shaped as the metric chooser."""
    model = json.loads(Path(path).read_text(encoding="utf-8"))
    check_method_model(model)
    return model


def check_metric_model(model: dict[str, Any]) -> None:
    _check_choice_model(model, METRIC_FEATURES, "metric")


def check_method_model(model: dict[str, Any]) -> None:
    _check_choice_model(model, METHOD_FEATURES, "method")


def _check_choice_model(model: dict[str, Any], features: tuple[str, ...], what: str) -> None:
    if list(model.get("features", [])) != list(features):
        raise ValueError(f"result {what} model was trained for other features: retrain it "
                         "(python -m kg.evaluate.train_result_choosers)")
    weights = model.get("weights")
    if not isinstance(weights, list) or len(weights) != len(features) \
            or not all(isinstance(w, (int, float)) and math.isfinite(w) for w in weights):
        raise ValueError(f"result {what} model: weights must be one finite number per feature")


def choose_candidate(model: dict[str, Any], candidates: list[dict[str, Any]]) -> tuple[dict[str, Any], float]:
    """The candidate the model scores highest, and its share of the softmax over the result's candidates."""
    weights = model["weights"]
    scores = [sum(map(mul, weights, c["features"])) for c in candidates]  # the same sums, term by term
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    best = max(range(len(candidates)), key=lambda n: (scores[n], -n))
    return candidates[best], exps[best] / sum(exps)




_NAME_SIGNS = re.compile(r"[+&/-]|.[A-Z]")  # "chrF++", "J&F", "tokens/s", "run-to-run", "RMS", "GPU memory"


def _name_shaped(phrase: str) -> bool:
    """A free measure phrase written like a name: at most three words, one with a capital past its first
    letter or a sign a name keeps ("chrF++", "J&F", "tokens/s", "run-to-run variation", "RMS values");
    a capital only at a word's start ("Training", "Power draw") is no name."""
    words = phrase.split()
    return 0 < len(words) <= 3 and any(_NAME_SIGNS.search(word) for word in words) and phrase[0].isalnum() \
        and phrase[-1] not in "-/"


def _name_measures(doc: Doc, output: list[dict[str, Any]]) -> None:
    """A result's free measure phrase shaped like a name (:func:`_name_shaped`) becomes a Metric entity of
    the paper, source "context": the result's measure slot ("reduces MASE by 12%", "a chrF++ of 41.2") says
    what it is, and every other place the paper writes it is a mention too. A phrase that overlaps an entity
    other than one it wholly holds ("GPU" in "GPU memory") stays a free phrase; so does one already an entity,
    one holding a Metric, or one a found Metric ends ("pre-training compute" when "training compute" is a
    Metric of the paper: the found Metric stays, no second entity of one measure), and one written after "for"
    ("7.2% for AIM" names whose figure it is, the method slot).
    The entity key is ``entity_key("Metric", phrase)``, as kg_entities keys its own."""
    phrases = {row["metric_text"] for row in output if row["metric"] is None and row["metric_text"]
               and _name_shaped(row["metric_text"])}
    if not phrases or ENTITIES_KEY not in doc.spans:
        return
    spans = entity_spans(doc)
    added: list[Span] = []
    keys = {s.kb_id_ for s in spans}
    text = doc_text(doc)
    named: dict[str, str] = {}
    metric_ends = tuple({" " + text[doc[s.start].idx:doc[s.end - 1].idx + len(doc[s.end - 1])].lower()
                         for s in spans if s.label_ == "Metric"})
    for phrase in sorted(phrases):
        key = entity_key("Metric", phrase)
        if key in keys or metric_ends and (" " + phrase.lower().replace("-", " ")).endswith(metric_ends):
            continue  # a found Metric with a modifier ("pre-training compute" beside "training compute") stays free
        found, at = [], text.find(phrase)
        while at >= 0:
            span = doc.char_span(at, at + len(phrase))
            if span is not None:
                found.append((span.start, span.end))
            at = text.find(phrase, at + len(phrase))
        if not found or any(start and doc[start - 1].lower_ == "for" for start, _ in found) or any(s.start < end and start < s.end and not (start <= s.start and s.end <= end
                                                                      and (s.start, s.end) != (start, end)
                                                                      and s.label_ != "Metric")
                            for start, end in found for s in spans):
            continue
        for start, end in found:
            added.append(Span(doc, start, end, label="Metric", kb_id=key, span_id="context"))
        named[phrase] = key
    if added:
        set_entity_spans(doc, sorted(spans + added, key=lambda s: (s.start, -s.end)))
    for row in output:
        if row["metric"] is None and row["metric_text"] in named:
            row["metric"], row["metric_text"] = named[row["metric_text"]], None
