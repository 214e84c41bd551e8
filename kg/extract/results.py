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
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

from kg.extract.base import SerialisedState, pipe_in_batches
from kg.extract.candidates import doc_text
from kg.extract.frame import empty_frame, frame_reader, sentence_at, sentences_of, verb_like
from kg.extract.gated_matcher import add_flagged
from kg.extract.pattern_data import read_patterns

PATTERNS_DIR = Path(__file__).parent / "patterns"
ENTITIES_KEY = "kg_entities"
ENTITY_ROLES = {"Metric": "metric", "Method": "method", "Dataset": "dataset", "Hardware": "hardware"}

_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"
_SEPS = r"(?:-|–|~|sim)"
# One token holding a number, perhaps a range ("2~3x" style) and a magnitude suffix ("12.5k", "100K").
NUMBER_TOKEN = rf"^[~≈]?[+-]?{_NUM}(?:%?{_SEPS}{_NUM})?[kKMB]?$"  # "15%-50" is one token before its "%"
RANGE_WORDS = ["-", "–", "~", "to", "sim"]
MAGNITUDES = {"k": 1e3, "K": 1e3, "M": 1e6, "B": 1e9}
_PARSE = re.compile(
    rf"^(?P<approx>[~≈])?(?P<a>[+-]?{_NUM})"
    rf"(?:(?P<u1>\s*[^\d\s~–-]{{1,12}}?)?\s*(?:-|–|~|to|sim)\s*(?P<b>[+-]?{_NUM}))?"
    r"\s*(?P<mag>[kKMB](?![A-Za-z/]))?\s*(?P<unit>.*)$",
    re.S,
)
METRIC_LINK_WORDS = {"of", "=", ":", "is", "was", "at", "reaches", "reach", "to", "by", "from", "achieves", "with"}

# Number words read as values before a "times" unit: "three times fewer parameters".
NUMBER_WORDS = {"two": 2.0, "three": 3.0, "four": 4.0, "five": 5.0, "six": 6.0, "seven": 7.0, "eight": 8.0,
                "nine": 9.0, "ten": 10.0, "twenty": 20.0, "hundred": 100.0, "thousand": 1000.0}
# Words after a number (and its unit) that lead on to the metric it measures: "2x higher throughput",
# "15% improvement in accuracy", "a 16% reduction of runtime".
METRIC_BRIDGE_WORDS = {"higher", "lower", "faster", "slower", "less", "fewer", "more", "smaller", "larger", "better",
                       "worse", "greater", "improvement", "improvements", "reduction", "reductions", "increase",
                       "increases", "decrease", "gain", "gains", "in", "of", "on", "the", "end-to-end", "relative",
                       "absolute", "average", "overall", "top-1", "top-5", "boost", "lift", "saving", "savings",
                       "drop", "points", "point"}
# Verbs that change a metric, read back from "by N": "improves the accuracy of X by 5%".
CHANGE_WORDS = {"improve", "improves", "improved", "improving", "reduce", "reduces", "reduced", "reducing",
                "increase", "increases", "increased", "increasing", "boost", "boosts", "boosted", "boosting",
                "lower", "lowers", "lowered", "lowering", "cut", "cuts", "decrease", "decreases", "decreased",
                "raise", "raises", "accelerate", "accelerates", "speed", "speeds", "enhance", "enhances",
                "outperform", "outperforms", "outperforming", "outperformed", "surpass", "surpasses", "surpassing",
                "exceed", "exceeds", "save", "saves", "saving", "shrink", "shrinks", "compress", "compresses",
                "improvement", "improvements", "reduction", "reductions", "gain", "gains"}
COMPARATIVE_BRIDGES = {"higher", "lower", "less", "fewer", "more", "smaller", "larger", "better", "worse", "greater",
                       "improvement", "improvements", "reduction", "reductions", "increase", "increases", "decrease",
                       "gain", "gains", "boost", "saving", "savings", "drop"}
BEAT_WORDS = {"outperform", "outperforms", "outperforming", "outperformed", "surpass", "surpasses", "surpassing",
              "exceed", "exceeds"}
class WeakPhrase(str):
    """A free metric phrase read from a weak clue: used only when no Metric entity is near."""


# Nouns before "of N" that are no measure: "in the range of 15%", "an average of 9%", "a factor of 2"
NOT_MEASURES = {"range", "average", "improvement", "improvements", "increase", "score", "baseline", "total", "factor",
                "order", "orders", "magnitude", "margin", "reduction", "gain", "gains", "rate", "value", "values",
                "number", "amount", "percentage", "fraction", "maximum", "minimum", "mean", "median", "top", "set",
                "size", "level", "ratio", "budget", "scale"}
GAIN_NOUNS = {"improvement", "improvements", "gain", "gains", "reduction", "reductions", "saving", "savings", "speedup",
              "speedups", "boost", "increase", "lift"}
# What a result measures when the sentence names nothing else: "outperforms X by 5%" (performance), "2x speedup".
IMPLIED_METRICS = {"performance", "speedup"}
SPEEDUP_WORDS = {"speedup", "speedups", "speed-up", "speed-ups", "acceleration"}
# Words a free metric phrase does not contain.
_PHRASE_STOP = {"the", "a", "an", "of", "by", "in", "on", "for", "and", "or", "to", "with", "than", "over", "at", "is",
                "are", "was", "were", "its", "their", "our", "this", "that", "these", "which", "while", "up", "as",
                "from", "into", "compared", "respectively", "only", "also", "both", "per"}

_TIMES_WORDS = {"times", "fold", "-", "x", "×"}
_DIGITS = re.compile(r"\d")
_NUMBER_SHAPED = re.compile(r"[~≈]?[+-]?\d[\d,.]*\s*[kKMBT]?\s*(?:%|[A-Za-z/()]{1,8})")
_NUMBER_START = re.compile(rf"\d|(?i:\b(?:{'|'.join(NUMBER_WORDS)})(?=\s*(?:times|fold|-fold|x|×)\b))")
_RESULT_KEY = "KG_RESULT"
_NUMBER_KEY = "KG_NUMBER"

if not Doc.has_extension("kg_results"):
    Doc.set_extension("kg_results", default=None)


def _number_windows(doc: Doc, length: int, text: str | None = None) -> list[Span]:
    """Spans that start at a token holding a digit and run *length* tokens on, merged where they overlap.

    Every pattern starts with a number, so matching only these windows finds the same
    results while the Matcher visits a fraction of the tokens (it dominated the run time).
    """
    if not len(doc):
        return []
    # token indices from character offsets: no Token object is made for the many tokens without a digit
    offsets = doc.to_array("IDX").tolist()
    text = doc_text(doc) if text is None else text
    starts = sorted({bisect_right(offsets, m.start()) - 1 for m in _NUMBER_START.finditer(text)})
    windows: list[list[int]] = []
    for i in starts:
        end = min(len(doc), i + length)
        if windows and i <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], end)
        else:
            windows.append([i, end])
    return [doc[start:end] for start, end in windows]


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return read_patterns(path)  # validated against schemas/patterns/ (kg.extract.pattern_data)


@Language.factory(
    "kg_results",
    default_config={"units": None, "cues": None, "metric_window": 10, "overwrite": True},
)
def make_result_finder(
    nlp: Language,
    name: str,
    units: list[dict[str, Any]] | None,
    cues: list[dict[str, Any]] | None,
    metric_window: int,
    overwrite: bool,
) -> ResultFinder:
    return ResultFinder(nlp, name, units=units, cues=cues, metric_window=metric_window, overwrite=overwrite)


class DocAnnotator:
    """``__call__`` and ``pipe`` for a component that stores ``find(doc)`` in one Doc extension."""

    extension: str
    overwrite: bool = True

    def find(self, doc: Doc) -> list[dict[str, Any]]:
        raise NotImplementedError

    def __call__(self, doc: Doc) -> Doc:
        if doc._.get(self.extension) is not None and not self.overwrite:
            return doc
        doc._.set(self.extension, self.find(doc))
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
    ) -> None:
        self.nlp = nlp
        self.name = name
        self.metric_window = metric_window
        self.overwrite = overwrite
        self.frame_reader = frame_reader(nlp)
        self._load(
            units if units is not None else read_jsonl(PATTERNS_DIR / "units.jsonl"),
            cues if cues is not None else read_jsonl(PATTERNS_DIR / "results_cues.jsonl"),
        )

    # -- set-up -------------------------------------------------------------------------------------------
    def _load(self, units: list[dict[str, Any]], cues: list[dict[str, Any]]) -> None:
        self.units = [dict(unit) for unit in units]
        self.cues = [dict(cue) for cue in cues]
        self.unit_of_form: dict[str, str] = {}
        self.weak_units = {unit["unit"] for unit in self.units if unit.get("weak")}
        self.matcher = Matcher(self.nlp.vocab, validate=False)  # add_flagged validates
        # Forms that differ only in their first token share one pattern set (an IN list and one regex):
        # the Matcher's cost grows with the number of patterns, not with the length of an IN list.
        groups: dict[tuple[bool, str], list[list[str]]] = {}
        for unit in self.units:
            for form in unit["forms"]:
                self.unit_of_form[_squash(form)] = unit["unit"]
                tokens = self._form_tokens(form)
                key = (_case_free(tokens[0]), json.dumps(tokens[1:]))
                groups.setdefault(key, []).append(tokens)
        patterns = []
        for (case_free, _), forms in groups.items():
            patterns.extend(self._unit_patterns(forms, case_free))
        add_flagged(self.matcher, _RESULT_KEY, patterns, greedy="LONGEST")
        self.max_pattern_length = max(len(pattern) for pattern in patterns)
        add_flagged(self.matcher, _NUMBER_KEY, [[{"TEXT": {"REGEX": NUMBER_TOKEN}}]])

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

    def _form_tokens(self, form: str) -> list[str]:
        tokens = [t.text for t in self.nlp.make_doc(form)]
        if form.startswith("-") and len(form) > 1:
            tokens = ["-", *(t.text for t in self.nlp.make_doc(form[1:]))]  # "5-fold" splits as 5 / - / fold
        return tokens

    def _unit_patterns(self, forms: list[list[str]], case_free: bool) -> list[list[dict[str, Any]]]:
        """Matcher patterns for unit forms that share all tokens after the first (see _load)."""
        firsts = sorted({tokens[0].lower() if case_free else tokens[0] for tokens in forms})
        first = {"LOWER": {"IN": firsts}} if case_free else {"ORTH": {"IN": firsts}}
        rest = [_token_spec(t) for t in forms[0][1:]]
        number = {"TEXT": {"REGEX": NUMBER_TOKEN}}
        magnitude = {"ORTH": {"IN": list(MAGNITUDES)}, "OP": "?"}
        separator = {"LOWER": {"IN": RANGE_WORDS}}
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
        times = [f for f in firsts if f.lower() in _TIMES_WORDS]
        if times:
            patterns.append([{"LOWER": {"IN": list(NUMBER_WORDS)}}, {"LOWER": {"IN": [t.lower() for t in times]}},
                             *rest])  # "three times fewer"
        return patterns

    # -- running ------------------------------------------------------------------------------------------
    def find(self, doc: Doc) -> list[dict[str, Any]]:
        text = doc_text(doc)
        sentences = sentences_of(doc)
        sentence_of = sentence_index_of_tokens(doc, sentences)
        entities = [span for span in doc.spans.get(ENTITIES_KEY, []) if span.kb_id_]
        entity_at = {i: span for span in entities for i in range(span.start, span.end)}

        candidates = []
        for window in _number_windows(doc, self.max_pattern_length, text):
            for match_id, start, end in self.matcher(window):
                key = self.nlp.vocab.strings[match_id]
                candidates.append((key == _RESULT_KEY, window.start + start, window.start + end))
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

        listed = _listed_numbers(doc, chosen, entity_at)
        accepted = []
        for has_unit, start, end in chosen:
            result = self._read(doc, has_unit, start, end, entity_at, sentence_of, start in listed)
            if result is not None:
                accepted.append(result)

        # "from 5.9% to 10.9%": the figure reached is the result
        accepted = [r for n, r in enumerate(accepted)
                    if not (r["_start"] > 0 and doc[r["_start"] - 1].lower_ == "from" and n + 1 < len(accepted)
                            and accepted[n + 1]["_start"] == r["_end"] + 1 and doc[r["_end"]].lower_ == "to")]

        by_sentence: dict[int, list[Span]] = {}
        for span in entities:
            by_sentence.setdefault(sentence_of[span.start], []).append(span)
        frame = doc._.kg_frame if doc.has_extension("kg_frame") and doc._.kg_frame is not None else empty_frame()
        output = []
        for result in accepted:
            sent_index = result["sentence"]
            sentence = sentences[sent_index]
            ents = by_sentence.get(sent_index, [])
            others = [(r["_start"], r["_end"]) for r in accepted if r["sentence"] == sent_index and r is not result]
            roles, metric_text, confidence = self._attach(doc, result, ents, others, frame)
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
                "evidence": sentence.text,
            })
        _share_in_coordination(doc, accepted, output)
        return output

    def _read(self, doc: Doc, has_unit: bool, start: int, end: int, entity_at: dict[int, Span],
              sentence_of: list[int], listed: bool = False) -> dict[str, Any] | None:
        span = doc[start:end]
        if start in entity_at and not number_shaped(entity_at[start]):
            return None  # a number inside a name: "A100", "Llama 3 8B", "GPT-4" (not "0.39dB" taken for a name)
        if start > 0 and doc[start - 1].lower_.rstrip(".") in self.skip_after:
            return None  # "Table 1", "Section 3", "et al. 2020"
        if start > 0 and doc[start - 1].text in {"[", "^", "_", "{"}:
            return None  # citations and formula pieces
        if start > 1 and doc[start - 1].text in {"-", "/"} and not doc[start - 2].whitespace_:
            return None  # the tail of a compound: "0-1 loss", "top-5", "8/15"
        word_value = NUMBER_WORDS.get(doc[start].lower_)
        parsed = _PARSE.match(f"{word_value:g}{span.text[len(doc[start].text):]}" if word_value else span.text)
        if parsed is None:
            return None
        if word_value and (start == 0 or doc[start - 1].lower_ not in {"than", "about", "over", "nearly", "almost",
                                                                        "roughly", "up", "to", "by", "a", "only"}
                           and not self._after_a_verb(doc, start)):
            return None  # "two times" as a count of events, unless a comparison or a verb leads to it
        unit = None
        if has_unit:
            unit = self.unit_of_form.get(_squash(parsed["unit"])) or self.unit_of_form.get(_squash(parsed["unit"]).lower())
            if unit is None:
                return None
        elif parsed["unit"] or parsed["mag"]:
            return None  # "7B", "4K": sizes that are part of names, not results
        low, high = _number(parsed["a"]), _number(parsed["b"]) if parsed["b"] else None
        if parsed["u1"] and _squash(parsed["u1"]) != _squash(parsed["unit"]):
            return None  # "5%-10x": two units are no range
        value = low
        if high is not None and start > 0 and doc[start - 1].lower_ == "from" and re.search(r"\bto\b", span.text):
            value, high = high, None  # "from 5.9 to 10.9%": the figure reached
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
        if unit == "x" and following is not None and (re.match(r"^[+-]?\d", following.text) or following.i in entity_at and entity_at[following.i].label_ == "Hardware"):
            return None  # "512 x 512", "5 times 10^5", "8x A100"
        if unit in {"GB", "MB", "TB"} and _next_to_label(doc, start, end, entity_at, "Hardware"):
            return None  # a hardware spec: "A100 80GB"

        qualifier_after = following.lower_ if following is not None and following.lower_ in self.qualifiers_after else None
        metric_after = following is not None and following.i in entity_at and entity_at[following.i].label_ == "Metric"
        if unit is None or unit in self.weak_units:
            metric_before = _metric_before(doc, start, entity_at, sentence_of)
            if not (qualifier_after or metric_after or metric_before or listed):
                return None

        # How far the result runs as written: number, unit, comparison word, the metric next to it, "per X".
        text_end = end
        qualifier = qualifier_after
        if qualifier_after:
            text_end += 1
        if text_end < len(doc) and text_end in entity_at and entity_at[text_end].label_ == "Metric" \
                and entity_at[text_end].start == text_end and sentence_of[text_end] == sentence_index:
            text_end = entity_at[text_end].end
            if qualifier is None and text_end < len(doc) and doc[text_end].lower_ in self.qualifiers_after:
                qualifier = doc[text_end].lower_
                text_end += 1
        if text_end < len(doc) and doc[text_end].lower_ == "per":
            per_end = text_end + 1
            if per_end < len(doc) and per_end in entity_at and entity_at[per_end].start == per_end:
                per_end = entity_at[per_end].end
            while per_end < len(doc) and per_end - text_end <= 3 and doc[per_end].is_alpha and not doc[per_end].is_stop \
                    and per_end not in entity_at:
                per_end += 1
            if per_end > text_end + 1:
                text_end = per_end

        if qualifier is None:
            qualifier = self._qualifier_before(doc, start)
        if qualifier is None and parsed["approx"]:
            qualifier = "about"
        return {
            "value": value,
            "value_high": high,
            "unit": unit,
            "qualifier": qualifier,
            "start": span.start_char,
            "end": doc[text_end - 1].idx + len(doc[text_end - 1].text),
            "_start": start,
            "_end": text_end,
            "sentence": sentence_index,
        }

    @staticmethod
    def _after_a_verb(doc: Doc, start: int) -> bool:
        previous = doc[start - 1] if start > 0 else None
        return previous is not None and (previous.lower_.endswith(("s", "ed", "es")) and previous.is_lower
                                         and previous.is_alpha and len(previous) > 3)

    def _qualifier_before(self, doc: Doc, start: int) -> str | None:
        for words, qualifier in self.qualifiers_before:
            begin = start - len(words)
            if begin >= 0 and [t.lower_ for t in doc[begin:start]] == words:
                return qualifier
        return None

    def _attach(self, doc: Doc, result: dict[str, Any], ents: list[Span], others: list[tuple[int, int]],
                frame: dict[str, Any]) -> tuple[dict[str, str | None], str | None, float]:
        """(roles, free metric text, confidence) of one result; see :meth:`_metric` and :meth:`_method`."""
        start, end = result["_start"], result["_end"]
        roles: dict[str, str | None] = {role: None for role in ENTITY_ROLES.values()}

        def gap(span: Span) -> int:
            return span.start - end if span.start >= end else start - span.end if span.end <= start else 0

        def crosses_other(span: Span) -> bool:
            low, high = (span.end, start) if span.end <= start else (end, span.start)
            return any(low <= o_start and o_end <= high for o_start, o_end in others)

        metric, metric_text, metric_sure = self._metric(doc, result, ents, others, crosses_other, gap)
        roles["metric"] = metric
        method, how = self._method(doc, result, ents, others, frame)
        roles["method"] = method

        for label in ("Dataset", "Hardware"):
            found = [s for s in ents if s.label_ == label and not crosses_other(s)] or \
                [s for s in ents if s.label_ == label]
            if found:
                # On a tie the entity after the number wins: "87% on ImageNet".
                roles[ENTITY_ROLES[label]] = min(found, key=lambda s: (gap(s), s.end <= start, s.start)).kb_id_
        confidence = 0.4 + (0.3 if metric_sure else 0.1 if metric or metric_text else 0.0) \
            + {"parse": 0.3, "for": 0.3, "named": 0.25, "self": 0.2, "paper": 0.1, "near": 0.1}.get(how, 0.0)
        result["_metric_sure"] = metric_sure
        return roles, metric_text, round(min(confidence, 1.0), 3)

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
        # a "Metric" that is only a unit ("token/s", "FPS" after the number) says nothing the unit does not
        metrics = [s for s in ents if s.label_ == "Metric"
                   and not (result["unit"] and self.unit_of_form.get(_squash(s.text)) == result["unit"])]
        inside = [s for s in metrics if s.start >= start and s.end <= end]
        if inside:
            return inside[0].kb_id_, None, True
        metric_at = {i: s for s in metrics for i in range(s.start, s.end)}
        sentence = doc[slice(*sentence_at(doc, start))]
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
        if phrase is not None and phrase not in IMPLIED_METRICS and not isinstance(phrase, WeakPhrase):
            return None, phrase, True
        near = [s for s in metrics if gap(s) <= self.metric_window and not crosses_other(s) and s.start not in owned
                and sentence.start <= s.start < sentence.end]
        if near:
            # Before the number ("accuracy of 87%") reads slightly closer than after it.
            return min(near, key=lambda s: (gap(s) + (0 if s.end <= start else 1), s.start)).kb_id_, None, False
        if phrase is None and result["qualifier"] in SPEEDUP_WORDS:
            phrase = "speedup"  # "2x speedup", "a 1.4x speed-up": the speedup is what is measured
        return None, phrase, False

    def _metric_after(self, doc: Doc, start: int, end: int, sentence: Span,
                      metric_at: dict[int, Span]) -> Span | str | None:
        """The Metric (or a free phrase) a number leads on to: "2x higher throughput", "16% improvement in runtime"."""
        i = end
        while i < sentence.end and i - end < 4 and doc[i].lower_ in METRIC_BRIDGE_WORDS and i not in metric_at:
            i += 1
        if i in metric_at and metric_at[i].start == i:
            return metric_at[i]
        if i < sentence.end and any(t.lower_ in COMPARATIVE_BRIDGES for t in doc[start:i]):
            if re.fullmatch(r"[A-Z][A-Z0-9@-]{1,7}", doc[i].text):
                return doc[i].text  # "6x-8x higher FPS", "617 ms lower TTFT": an acronym names the measure
            return _free_phrase(doc, i, sentence.end)  # "3 times fewer parameters", "10x increase in performance"
        # "60.03% performance improvement", "2.8x performance gain": a measure named by its gain
        j = end
        while j < sentence.end and j - end < 3 and doc[j].is_lower and doc[j].is_alpha and not doc[j].is_stop \
                and doc[j].lower_ not in GAIN_NOUNS:
            j += 1
        if end < j < sentence.end and doc[j].lower_ in GAIN_NOUNS:
            return doc[end:j + 1].text
        return None

    def _metric_before(self, doc: Doc, start: int, sentence: Span, metric_at: dict[int, Span]) -> Span | str | None:
        """The Metric (or a free phrase) a number measures, written before it: "accuracy of 87%", "X by 5%"."""
        i = start - 1
        while i >= sentence.start and start - i <= 3 and doc[i].lower_ in METRIC_LINK_WORDS | {"(", "up", "only",
                                                                                                "over", "about"}:
            if doc[i].lower_ == "by":
                # "improves the accuracy of ViT by 2%", "improving X by 6.0x and the AP by 1.0%": the closest
                # Metric before "by", back to the change verb and never past another number
                for k in range(i - 1, max(sentence.start, i - 10) - 1, -1):
                    if k in metric_at:
                        return metric_at[k]
                    if any(ch.isdigit() for ch in doc[k].text) or doc[k].text == ";":
                        return None
                    if doc[k].lower_ in CHANGE_WORDS:
                        if doc[k].lower_ in BEAT_WORDS:
                            return "performance"  # "outperforms X by 5%": X is a method; it performs better
                        return _free_phrase(doc, k + 1, i)
                return None
            i -= 1
        if i >= sentence.start and i in metric_at:
            return metric_at[i]
        if start - i >= 2 and i >= sentence.start and doc[i].is_lower and doc[i].is_alpha and not doc[i].is_stop \
                and not verb_like(doc[i].lower_) and doc[i + 1].lower_ in {"of", "to", ":", "=", "("} \
                and doc[i].lower_ not in NOT_MEASURES and not (i - 1 in metric_at):
            return WeakPhrase(doc[i].text)  # "improve S4's performance to 86%", "a throughput of 15 PFLOPs"
        return None

    def _method(self, doc: Doc, result: dict[str, Any], ents: list[Span], others: list[tuple[int, int]],
                frame: dict[str, Any]) -> tuple[str | None, str]:
        """(Method key, how) the result belongs to.

        A Method named for the number right after it ("34.4% AP at 34ms for CornerNet-Squeeze"), else the
        subject of the clause from the contribution frame (a named subject, "we / our method / it" for the
        proposal), else the paper's proposal when the sentence names no other method as a subject.
        """
        start, end = result["_start"], result["_end"]
        methods = [s for s in ents if s.label_ == "Method"]
        sentence = doc[slice(*sentence_at(doc, start))]
        # "34.4% AP at 34ms for CornerNet-Squeeze": a "for / of / by X" after the numbers of a group
        i = end
        group_end = end
        while i < sentence.end and i - group_end <= 3:
            if any(o_start == i for o_start, _ in others):
                i = next(o_end for o_start, o_end in others if o_start == i)
                group_end = i
                continue
            if doc[i].lower_ in {"for", "of", "by", "with", "from"} and i + 1 < sentence.end:
                j = i + 1 + (doc[i + 1].lower_ in {"the", "a", "an", "our"})
                found = next((s for s in methods if s.start == j), None)
                if found is not None and not self.frame_reader.is_compared(doc, found):
                    return found.kb_id_, "for"
                break
            if doc[i].lower_ in {"than", "compared", "versus", "vs", "vs.", "over", "against", ";"}:
                break
            i += 1
        key, how = self.frame_reader.subject_of(doc, start, methods, frame=frame)
        if key:
            return key, how
        proposed = frame["proposed"]
        if proposed and not any(self.frame_reader.subject_like(doc, s) and s.kb_id_ not in proposed for s in methods):
            return proposed[0], "paper"
        return None, ""

    # -- serialisation (kg.extract.base.SerialisedState: cfg.json, units.jsonl, results_cues.jsonl on disk) --
    row_files = {"units": "units.jsonl", "cues": "results_cues.jsonl"}

    def _cfg(self) -> dict[str, Any]:
        return {"units": self.units, "cues": self.cues, "metric_window": self.metric_window,
                "overwrite": self.overwrite}

    def _set_cfg(self, cfg: dict[str, Any]) -> None:
        self.metric_window = cfg.get("metric_window", self.metric_window)
        self.overwrite = cfg.get("overwrite", self.overwrite)
        self._load(cfg.get("units", self.units), cfg.get("cues", self.cues))


def sentence_index_of_tokens(doc: Doc, sentences: list[Span] | None = None) -> list[int]:
    """For each token, the index of its sentence in ``list(doc.sents)``."""
    index = [0] * len(doc)
    for n, sentence in enumerate(sentences if sentences is not None else doc.sents):
        for i in range(sentence.start, sentence.end):
            index[i] = n
    return index


def _listed_numbers(doc: Doc, chosen: list[tuple[bool, int, int]], entity_at: dict[int, Span]) -> set[int]:
    """Starts of bare numbers listed before one a Metric follows: "25.2, 31.3, 35.2 and 41 mAP"."""
    listed: set[int] = set()
    run: list[int] = []
    for n, (has_unit, start, end) in enumerate(chosen):
        if has_unit:
            run = []
            continue
        joined = run and all(t.lower_ in {",", "and", "or"} for t in doc[chosen[n - 1][2]:start]) \
            and start > chosen[n - 1][2]
        run = [*run, start] if joined else [start]
        following = entity_at.get(end)
        if len(run) > 1 and following is not None and following.label_ == "Metric" and following.start == end:
            listed.update(run)
    return listed


def _merge_ranges(doc: Doc, chosen: list[tuple[bool, int, int]]) -> list[tuple[bool, int, int]]:
    """Join "15.3% - 75.8%" / "10 ms to 20 ms": two numbers with the same unit around a range word."""
    merged: list[tuple[bool, int, int]] = []
    for item in chosen:
        if merged:
            has_unit, start, end = merged[-1]
            if has_unit and item[0] and item[1] == end + 1 and doc[end].lower_ in {"-", "–", "~", "to"} \
                    and _unit_tail(doc[end - 1].lower_) == _unit_tail(doc[item[2] - 1].lower_):
                merged[-1] = (True, start, item[2])
                continue
        merged.append(item)
    return merged


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
        between = [t.lower_ for t in doc[a["_end"]:b["_start"]]]
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


def _free_phrase(doc: Doc, start: int, end: int) -> str | None:
    """A short lower-case noun phrase from *start* ("communication costs", "parameters"), or None."""
    i = start
    while i < end and doc[i].lower_ in {"the", "a", "an", "its", "their", "our"}:
        i += 1
    first = i
    while i < end and i - first < 3 and (doc[i].is_alpha or doc[i].text.count("-") == 1) and doc[i].is_lower \
            and doc[i].lower_ not in _PHRASE_STOP and not doc[i].lower_.endswith("ly") and not doc[i].is_stop:
        i += 1
    if i == first or (i < end and doc[i].text == "-"):
        return None
    return doc[first:i].text


def number_shaped(span: Span) -> bool:
    """An entity that is only a number with a unit ("0.39dB", "5x"): a result the name rules took for a name."""
    text = span.text
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


def _metric_before(doc: Doc, start: int, entity_at: dict[int, Span], sentence_of: list[int]) -> bool:
    """A Metric entity just before the number, maybe joined by "of", "=", ":" ("accuracy of 87.3")."""
    i = start - 1
    while i >= 0 and start - i <= 3 and sentence_of[i] == sentence_of[start]:
        span = entity_at.get(i)
        if span is not None:
            return span.label_ == "Metric"
        if doc[i].lower_ not in METRIC_LINK_WORDS:
            return False
        i -= 1
    return False
