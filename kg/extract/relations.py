"""Typed relations between the entities of one sentence.

The ``kg_relations`` component reads cue phrases per relation type from
``patterns/relations_cues.jsonl`` ("evaluated on", "outperforms", "built on",
"compared to" ...). Around each cue it takes the closest entity of the target
label on the cue's target side and the closest Method on the other side, so
"X outperforms Y on Z" gives X OUTPERFORMS Y and Y EVALUATED_ON Z. Confidence
is the cue's weight, lowered with the token distance between cue and entities.
Results of ``kg_results`` that name a method together with a dataset, hardware
or metric add EVALUATED_ON / RUNS_ON / MEASURED_BY with a fixed confidence.

Only entities of the doc (``doc.spans["kg_entities"]`` with a ``kb_id_``) are
used, and an entity is never related to itself.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import srsly
from spacy import util
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import SimpleFrozenList

from kg.extract.results import (
    ENTITIES_KEY,
    PATTERNS_DIR,
    DocAnnotator,
    is_comparison_object,
    read_jsonl,
    sentence_index_of_tokens,
)

# (source label, target label) of each relation type; mirrors kg.graph.schema.ENTITY_RELATIONS.
RELATION_LABELS: dict[str, tuple[str, str]] = {
    "EVALUATED_ON": ("Method", "Dataset"),
    "RUNS_ON": ("Method", "Hardware"),
    "MEASURED_BY": ("Method", "Metric"),
    "OUTPERFORMS": ("Method", "Method"),
    "COMPARED_WITH": ("Method", "Method"),
    "BUILDS_ON": ("Method", "Method"),
}
# Which result role, next to the result's method, implies which relation.
RESULT_RELATIONS = {"dataset": "EVALUATED_ON", "hardware": "RUNS_ON", "metric": "MEASURED_BY"}
# Tokens allowed between the items of a list of targets: "X, Y and Z".
LIST_GLUE = {",", "and", "or", "&", "as", "well", "the", "both", "either"}

if not Doc.has_extension("kg_relations"):
    Doc.set_extension("kg_relations", default=None)


@Language.factory(
    "kg_relations",
    default_config={"cues": None, "decay": 0.04, "max_source_gap": 20, "result_confidence": 0.6,
                    "min_confidence": 0.2, "overwrite": True},
)
def make_relation_finder(
    nlp: Language,
    name: str,
    cues: list[dict[str, Any]] | None,
    decay: float,
    max_source_gap: int,
    result_confidence: float,
    min_confidence: float,
    overwrite: bool,
) -> RelationFinder:
    return RelationFinder(nlp, name, cues=cues, decay=decay, max_source_gap=max_source_gap,
                          result_confidence=result_confidence,
                          min_confidence=min_confidence, overwrite=overwrite)


class RelationFinder(DocAnnotator):
    """Set ``doc._.kg_relations``: {type, source, target, sentence, evidence, confidence} dicts."""

    extension = "kg_relations"

    def __init__(
        self,
        nlp: Language,
        name: str = "kg_relations",
        *,
        cues: list[dict[str, Any]] | None = None,
        decay: float = 0.04,
        max_source_gap: int = 20,
        result_confidence: float = 0.6,
        min_confidence: float = 0.2,
        overwrite: bool = True,
    ) -> None:
        self.nlp = nlp
        self.name = name
        self.decay = decay
        self.max_source_gap = max_source_gap
        self.result_confidence = result_confidence
        self.min_confidence = min_confidence
        self.overwrite = overwrite
        self._load(cues if cues is not None else read_jsonl(PATTERNS_DIR / "relations_cues.jsonl"))

    def _load(self, cues: list[dict[str, Any]]) -> None:
        for cue in cues:
            if cue["type"] not in RELATION_LABELS:
                raise ValueError(f"unknown relation type {cue['type']!r} in relation cues")
            if cue.get("target", "right") not in {"left", "right"}:
                raise ValueError(f"relation cue target must be 'left' or 'right', not {cue['target']!r}")
        self.cues = [dict(cue) for cue in cues]
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        for n, cue in enumerate(self.cues):
            self.matcher.add(str(n), list(self.nlp.tokenizer.pipe(cue["phrases"])))

    def find(self, doc: Doc) -> list[dict[str, Any]]:
        sentences = list(doc.sents)
        sentence_of = sentence_index_of_tokens(doc, sentences)
        entities = [span for span in doc.spans.get(ENTITIES_KEY, []) if span.kb_id_]
        by_sentence: dict[int, list[Span]] = {}
        for span in sorted(entities, key=lambda s: s.start):
            by_sentence.setdefault(sentence_of[span.start], []).append(span)
        keys = {span.kb_id_ for span in entities}

        best: dict[tuple[str, str, str, int], float] = {}

        def add(rel_type: str, source: str, target: str, sentence: int, confidence: float) -> None:
            if source == target or source not in keys or target not in keys or confidence < self.min_confidence:
                return
            key = (rel_type, source, target, sentence)
            best[key] = max(best.get(key, 0.0), round(min(confidence, 1.0), 3))

        for match_id, start, end in self.matcher(doc):
            cue = self.cues[int(self.nlp.vocab.strings[match_id])]
            sentence = sentence_of[start]
            ents = [s for s in by_sentence.get(sentence, []) if s.end <= start or s.start >= end]
            for source, target, distance in self._pairs(cue, start, end, ents):
                confidence = cue.get("weight", 0.5) * math.exp(-self.decay * distance)
                add(cue["type"], source.kb_id_, target.kb_id_, sentence, confidence)

        for result in doc._.kg_results or []:
            method = result.get("method")
            for role, rel_type in RESULT_RELATIONS.items():
                if method and result.get(role):
                    add(rel_type, method, result[role], result["sentence"], self.result_confidence)

        return [
            {"type": rel_type, "source": source, "target": target, "sentence": sentence,
             "evidence": sentences[sentence].text, "confidence": confidence}
            for (rel_type, source, target, sentence), confidence in sorted(best.items(), key=lambda kv: kv[0][3])
        ]

    def _pairs(self, cue: dict[str, Any], start: int, end: int,
               ents: list[Span]) -> list[tuple[Span, Span, int]]:
        """(source, target, token distance) pairs the cue at [start, end) links."""
        source_label, target_label = RELATION_LABELS[cue["type"]]
        max_gap = cue.get("max_gap", 3)
        right = cue.get("target", "right") == "right"
        if right:
            targets = [s for s in ents if s.label_ == target_label and s.start >= end and s.start - end <= max_gap]
            target = min(targets, key=lambda s: s.start, default=None)
        else:
            targets = [s for s in ents if s.label_ == target_label and s.end <= start and start - s.end <= max_gap]
            target = max(targets, key=lambda s: s.end, default=None)
        if target is None:
            return []
        target_gap = target.start - end if right else start - target.end
        listed = [target, *self._listed_after(target, ents)] if right else [target]

        sources = [s for s in ents if s.label_ == source_label and s.kb_id_ not in {t.kb_id_ for t in listed}]
        if right:
            # The closest Method before the cue, unless it is itself only compared against ("than Y on Z").
            near = [s for s in sources if s.end <= start and start - s.end <= self.max_source_gap]
            source = max(near, key=lambda s: (not is_comparison_object(s.doc, s), s.end), default=None)
            source_gap = start - source.end if source is not None else 0
            if source is None and start - target.sent.start <= 2:
                # "Compared to Y, X ..." / "On Z, X ...": a cue opening the sentence, the source follows.
                beyond = [s for s in sources if s.start >= listed[-1].end and not is_comparison_object(s.doc, s)]
                source = min(beyond, key=lambda s: s.start, default=None)
                source_gap = source.start - listed[-1].end if source is not None else 0
        else:
            beyond = [s for s in sources if s.start >= end and s.start - end <= self.max_source_gap]
            source = min(beyond, key=lambda s: s.start, default=None)
            source_gap = source.start - end if source is not None else 0
        if source is None:
            return []
        return [(source, item, target_gap + source_gap + 2 * n) for n, item in enumerate(listed)]

    def _listed_after(self, first: Span, ents: list[Span]) -> list[Span]:
        """Entities of the same label listed after *first*: "on X, Y and Z"."""
        doc = first.doc
        listed, last, closed = [], first, 0
        for span in ents:
            if span.start < last.end or span.label_ != first.label_:
                continue
            between = doc[last.end:span.start]
            if len(between) == 0 or len(between) > 3 or any(t.lower_ not in LIST_GLUE for t in between):
                break
            listed.append(span)
            last = span
            if any(t.lower_ in {"and", "or", "&"} for t in between):
                closed = len(listed)
        # A list ends with "and"/"or"; "Compared to Y, X ..." is no list.
        return listed[:closed]

    # -- serialisation ------------------------------------------------------------------------------------
    def _cfg(self) -> dict[str, Any]:
        return {"cues": self.cues, "decay": self.decay, "max_source_gap": self.max_source_gap,
                "result_confidence": self.result_confidence,
                "min_confidence": self.min_confidence, "overwrite": self.overwrite}

    def _set_cfg(self, cfg: dict[str, Any]) -> None:
        for name in ("decay", "max_source_gap", "result_confidence", "min_confidence", "overwrite"):
            setattr(self, name, cfg.get(name, getattr(self, name)))
        self._load(cfg.get("cues", self.cues))

    def to_bytes(self, *, exclude: Iterable[str] = SimpleFrozenList()) -> bytes:
        return util.to_bytes({"cfg": lambda: srsly.json_dumps(self._cfg())}, exclude)

    def from_bytes(self, bytes_data: bytes, *, exclude: Iterable[str] = SimpleFrozenList()) -> RelationFinder:
        util.from_bytes(bytes_data, {"cfg": lambda b: self._set_cfg(srsly.json_loads(b))}, exclude)
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = SimpleFrozenList()) -> None:
        path = util.ensure_path(path)
        settings = {k: v for k, v in self._cfg().items() if k != "cues"}
        serializers = {
            "relations_cues.jsonl": lambda p: srsly.write_jsonl(p, self.cues),
            "cfg": lambda p: srsly.write_json(p, settings),
        }
        util.to_disk(path, serializers, exclude)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = SimpleFrozenList()) -> RelationFinder:
        path = util.ensure_path(path)
        data: dict[str, Any] = {}
        deserializers = {
            "relations_cues.jsonl": lambda p: data.__setitem__("cues", read_jsonl(p)),
            "cfg": lambda p: data.update(srsly.read_json(p)),
        }
        util.from_disk(path, deserializers, exclude)
        self._set_cfg(data)
        return self
