"""Numeric results ("2x speedup", "225 TFLOPs/s per A100 GPU") read from a doc.

The ``kg_results`` component finds a number with a unit using a spaCy Matcher
whose token patterns come from ``patterns/units.jsonl``. Each unit form is
tokenised with the pipeline's own tokenizer, so the patterns fit however the
tokenizer splits it; the first unit token may also be glued to the number
("34.4times", "35ms", "225TFLOPs"), which a REGEX token pattern covers. A
number without a unit only counts when a comparison word or a Metric entity
sits next to it, so years, counts, model sizes and section numbers stay out.

Each result is attached to the Metric, Method, Dataset and Hardware entities of
its sentence (``doc.spans["kg_entities"]``, keys from ``span.kb_id_``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import srsly
from spacy import util
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.util import SimpleFrozenList

from kg.extract.pattern_data import read_patterns

PATTERNS_DIR = Path(__file__).parent / "patterns"
ENTITIES_KEY = "kg_entities"
ENTITY_ROLES = {"Metric": "metric", "Method": "method", "Dataset": "dataset", "Hardware": "hardware"}

_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"
_SEPS = r"(?:-|–|~|sim)"
# One token holding a number, perhaps a range ("2~3x" style) and a magnitude suffix ("12.5k", "100K").
NUMBER_TOKEN = rf"^[~≈]?[+-]?{_NUM}(?:{_SEPS}{_NUM})?[kKMB]?$"
RANGE_WORDS = ["-", "–", "~", "to", "sim"]
MAGNITUDES = {"k": 1e3, "K": 1e3, "M": 1e6, "B": 1e9}
_PARSE = re.compile(
    rf"^(?P<approx>[~≈])?(?P<a>[+-]?{_NUM})"
    rf"(?:\s*(?:-|–|~|to|sim)\s*(?P<b>[+-]?{_NUM}))?"
    r"\s*(?P<mag>[kKMB](?![A-Za-z/]))?\s*(?P<unit>.*)$",
    re.S,
)
# Tokens that say the entity after them is the thing compared against, not the subject.
COMPARISON_OBJECT_WORDS = {"than", "over", "vs", "vs.", "versus", "against", "to", "outperforms", "outperforming",
                           "surpasses", "surpassing", "beats", "from", "like", "baseline", "baselines"}
STRONG_COMPARISON_WORDS = {"than", "versus", "vs", "vs.", "against", "compared", "over", "outperforms", "outperforming",
                           "surpasses", "surpassing", "relative"}
METRIC_LINK_WORDS = {"of", "=", ":", "is", "was", "at", "reaches", "reach", "to", "by", "from", "achieves", "with"}

_RESULT_KEY = "KG_RESULT"
_NUMBER_KEY = "KG_NUMBER"

if not Doc.has_extension("kg_results"):
    Doc.set_extension("kg_results", default=None)


def _number_windows(doc: Doc, length: int) -> list[Span]:
    """Spans that start at a token holding a digit and run *length* tokens on, merged where they overlap.

    Every pattern starts with a number, so matching only these windows finds the same
    results while the Matcher visits a fraction of the tokens (it dominated the run time).
    """
    windows: list[list[int]] = []
    for token in doc:
        if not any(ch.isdigit() for ch in token.text):
            continue
        end = min(len(doc), token.i + length)
        if windows and token.i <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], end)
        else:
            windows.append([token.i, end])
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
        for doc in docs:
            yield self(doc)


class ResultFinder(DocAnnotator):
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
        self.matcher = Matcher(self.nlp.vocab, validate=True)
        patterns = []
        for unit in self.units:
            for form in unit["forms"]:
                self.unit_of_form[_squash(form)] = unit["unit"]
                patterns.extend(self._unit_patterns(form))
        self.matcher.add(_RESULT_KEY, patterns, greedy="LONGEST")
        self.max_pattern_length = max(len(pattern) for pattern in patterns)
        self.matcher.add(_NUMBER_KEY, [[{"TEXT": {"REGEX": NUMBER_TOKEN}}]])

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

    def _unit_patterns(self, form: str) -> list[list[dict[str, Any]]]:
        tokens = [t.text for t in self.nlp.make_doc(form)]
        if form.startswith("-") and len(form) > 1:
            tokens = ["-", *(t.text for t in self.nlp.make_doc(form[1:]))]  # "5-fold" splits as 5 / - / fold
        unit = [_token_spec(t) for t in tokens]
        number = {"TEXT": {"REGEX": NUMBER_TOKEN}}
        magnitude = {"ORTH": {"IN": list(MAGNITUDES)}, "OP": "?"}
        separator = {"LOWER": {"IN": RANGE_WORDS}}
        flags = "(?i)" if _case_free(tokens[0]) else ""
        glued = {"TEXT": {"REGEX": rf"{flags}^[~≈]?[+-]?{_NUM}(?:{_SEPS}{_NUM})?[kKMB]?{re.escape(tokens[0])}$"}}
        return [
            [number, magnitude, *unit],
            [glued, *unit[1:]],
            [number, separator, number, magnitude, *unit],
            [number, separator, glued, *unit[1:]],
        ]

    # -- running ------------------------------------------------------------------------------------------
    def find(self, doc: Doc) -> list[dict[str, Any]]:
        sentences = list(doc.sents)
        sentence_of = sentence_index_of_tokens(doc, sentences)
        entities = [span for span in doc.spans.get(ENTITIES_KEY, []) if span.kb_id_]
        entity_at = {i: span for span in entities for i in range(span.start, span.end)}

        candidates = []
        for window in _number_windows(doc, self.max_pattern_length):
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

        accepted = []
        for has_unit, start, end in chosen:
            result = self._read(doc, has_unit, start, end, entity_at, sentence_of)
            if result is not None:
                accepted.append(result)

        by_sentence: dict[int, list[Span]] = {}
        for span in entities:
            by_sentence.setdefault(sentence_of[span.start], []).append(span)
        output = []
        for result in accepted:
            sent_index = result["sentence"]
            sentence = sentences[sent_index]
            ents = by_sentence.get(sent_index, [])
            others = [(r["_start"], r["_end"]) for r in accepted if r["sentence"] == sent_index and r is not result]
            roles = self._attach(doc, result, ents, others)
            output.append({
                "text": doc.text[result["start"]:result["end"]],
                "value": result["value"],
                "unit": result["unit"],
                "qualifier": result["qualifier"],
                "start": result["start"],
                "end": result["end"],
                "sentence": sent_index,
                **roles,
                "evidence": sentence.text,
            })
        return output

    def _read(self, doc: Doc, has_unit: bool, start: int, end: int, entity_at: dict[int, Span],
              sentence_of: list[int]) -> dict[str, Any] | None:
        span = doc[start:end]
        if start in entity_at:
            return None  # a number inside a name: "A100", "Llama 3 8B", "GPT-4"
        if start > 0 and doc[start - 1].lower_.rstrip(".") in self.skip_after:
            return None  # "Table 1", "Section 3", "et al. 2020"
        if start > 0 and doc[start - 1].text in {"[", "^", "_", "{"}:
            return None  # citations and formula pieces
        if start > 1 and doc[start - 1].text in {"-", "/"} and not doc[start - 2].whitespace_:
            return None  # the tail of a compound: "0-1 loss", "top-5", "8/15"
        parsed = _PARSE.match(span.text)
        if parsed is None:
            return None
        unit = None
        if has_unit:
            unit = self.unit_of_form.get(_squash(parsed["unit"])) or self.unit_of_form.get(_squash(parsed["unit"]).lower())
            if unit is None:
                return None
        elif parsed["unit"] or parsed["mag"]:
            return None  # "7B", "4K": sizes that are part of names, not results
        low, high = _number(parsed["a"]), _number(parsed["b"]) if parsed["b"] else None
        value = high if high is not None else low
        if parsed["mag"]:
            value *= MAGNITUDES[parsed["mag"]]
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
            if not (qualifier_after or metric_after or metric_before):
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
            "unit": unit,
            "qualifier": qualifier,
            "start": span.start_char,
            "end": doc[text_end - 1].idx + len(doc[text_end - 1].text),
            "_start": start,
            "_end": text_end,
            "sentence": sentence_index,
        }

    def _qualifier_before(self, doc: Doc, start: int) -> str | None:
        for words, qualifier in self.qualifiers_before:
            begin = start - len(words)
            if begin >= 0 and [t.lower_ for t in doc[begin:start]] == words:
                return qualifier
        return None

    def _attach(self, doc: Doc, result: dict[str, Any], ents: list[Span],
                others: list[tuple[int, int]]) -> dict[str, str | None]:
        start, end = result["_start"], result["_end"]
        roles: dict[str, str | None] = {role: None for role in ENTITY_ROLES.values()}

        def gap(span: Span) -> int:
            return span.start - end if span.start >= end else start - span.end if span.end <= start else 0

        def crosses_other(span: Span) -> bool:
            low, high = (span.end, start) if span.end <= start else (end, span.start)
            return any(low <= o_start and o_end <= high for o_start, o_end in others)

        metrics = [s for s in ents if s.label_ == "Metric"]
        inside = [s for s in metrics if s.start >= start and s.end <= end]
        if inside:
            roles["metric"] = inside[0].kb_id_
        else:
            near = [s for s in metrics if gap(s) <= self.metric_window and not crosses_other(s)]
            if near:
                # Before the number ("accuracy of 87%") reads slightly closer than after it.
                roles["metric"] = min(near, key=lambda s: (gap(s) + (0 if s.end <= start else 1), s.start)).kb_id_

        methods = [s for s in ents if s.label_ == "Method"]
        subjects = [s for s in methods if not is_comparison_object(doc, s)]
        before = [s for s in subjects if s.end <= start]
        after = [s for s in subjects if s.start >= end]
        if before:
            roles["method"] = max(before, key=lambda s: s.end).kb_id_
        elif after:
            roles["method"] = min(after, key=lambda s: s.start).kb_id_

        for label in ("Dataset", "Hardware"):
            found = [s for s in ents if s.label_ == label]
            if found:
                # On a tie the entity after the number wins: "87% on ImageNet".
                roles[ENTITY_ROLES[label]] = min(found, key=lambda s: (gap(s), s.end <= start, s.start)).kb_id_
        return roles

    # -- serialisation ------------------------------------------------------------------------------------
    def to_bytes(self, *, exclude: Iterable[str] = SimpleFrozenList()) -> bytes:
        serializers = {"cfg": lambda: srsly.json_dumps(self._cfg())}
        return util.to_bytes(serializers, exclude)

    def from_bytes(self, bytes_data: bytes, *, exclude: Iterable[str] = SimpleFrozenList()) -> ResultFinder:
        util.from_bytes(bytes_data, {"cfg": lambda b: self._set_cfg(srsly.json_loads(b))}, exclude)
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = SimpleFrozenList()) -> None:
        path = util.ensure_path(path)
        serializers = {
            "units.jsonl": lambda p: srsly.write_jsonl(p, self.units),
            "results_cues.jsonl": lambda p: srsly.write_jsonl(p, self.cues),
            "cfg": lambda p: srsly.write_json(p, {"metric_window": self.metric_window, "overwrite": self.overwrite}),
        }
        util.to_disk(path, serializers, exclude)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = SimpleFrozenList()) -> ResultFinder:
        path = util.ensure_path(path)
        data: dict[str, Any] = {}
        deserializers = {
            "units.jsonl": lambda p: data.__setitem__("units", read_jsonl(p)),
            "results_cues.jsonl": lambda p: data.__setitem__("cues", read_jsonl(p)),
            "cfg": lambda p: data.update(srsly.read_json(p)),
        }
        util.from_disk(path, deserializers, exclude)
        self._set_cfg({"units": self.units, "cues": self.cues, **data})
        return self

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


def is_comparison_object(doc: Doc, span: Span) -> bool:
    """Whether the entity is what something is compared against ("than X", "compared to X", "over X")."""
    first = max(span.sent.start, span.start - 6)
    for i in range(span.start - 1, first - 1, -1):
        word = doc[i].lower_
        if word in STRONG_COMPARISON_WORDS or (i == span.start - 1 and word in COMPARISON_OBJECT_WORDS):
            return True
        if word in {",", ";", ":", "(", ")", "while", "which", "that"}:
            return False  # "Compared to Y, X ...": X is the subject again
    return False
