"""``kg_task_links``: relations from a Method or a Dataset to a Task that a sentence states.

"a transformer for machine translation" (Method APPLIED_TO Task), "image classification on
ImageNet" (Dataset BENCHMARKS Task). Cue phrases are data (``patterns/task_cues.jsonl``): a cue,
where the source and the task stand around it, and how many tokens may separate each of them from
the cue. The relations are appended to ``doc._.kg_relations`` (after ``kg_relations``), with a
confidence from the cue's weight, lower the further the entities are from the cue.
"""

from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from kg.extract.doc_values import doc_value, set_doc_value
from kg.extract.base import PatternComponent, doc_tokens
from kg.extract.frame import sentence_bounds
from kg.extract.results import sentence_index_of_tokens
from kg.extract.entity_table import entity_rows, release
from kg.schema import ENTITY_RELATIONS, TASK

if not Doc.has_extension("kg_relations"):
    Doc.set_extension("kg_relations", default=None)


@Language.factory("kg_task_links", default_config={"pattern_files": ["task_cues.jsonl"], "decay": 0.1})
def make_task_links(nlp: Language, name: str, pattern_files: list[str], decay: float) -> TaskLinks:
    return TaskLinks(nlp, name, pattern_files=pattern_files, decay=decay)


class TaskLinks(PatternComponent):
    """Append APPLIED_TO (Method -> Task) and BENCHMARKS (Dataset -> Task) relations to ``doc._.kg_relations``."""

    settings = ("decay",)

    def __init__(self, nlp: Language, name: str = "kg_task_links", *, pattern_files: list[str] = ("task_cues.jsonl",),
                 decay: float = 0.1):
        super().__init__(nlp, name, pattern_files=pattern_files, decay=decay)

    def clear(self) -> None:
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.cues: list[dict[str, Any]] = []
        self._cue_of: dict[int, dict[str, Any]] = {}  # each match id (the string id of the cue's number) to its row

    def add(self, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            if ENTITY_RELATIONS[row["type"]][1] != TASK:
                raise ValueError(f"task cue of type {row['type']!r} does not end at a Task")
            self.matcher.add(str(len(self.cues)), list(self.nlp.tokenizer.pipe(row["phrases"])))
            self._cue_of[self.nlp.vocab.strings.add(str(len(self.cues)))] = row
            self.cues.append(row)

    def __call__(self, doc: Doc) -> Doc:
        self.check_initialized()
        # (start, end, label, key) of each entity, read from the spans once (the shared per-doc span list)
        entities = [row[:4] for row in entity_rows(doc)]
        release(doc)  # the last edge-side component: the doc's entity table lets the doc go (build_record reads rows)
        if not any(label == TASK and key for _, _, label, key in entities):
            return doc
        matches = self.matcher(doc)
        if not matches:
            return doc
        # the sentence bounds as doc.sents gives them (which raises without sentence boundaries)
        bounds = sentence_bounds(doc) if doc.has_annotation("SENT_START") else [(s.start, s.end) for s in doc.sents]
        sentence_of = sentence_index_of_tokens(doc, bounds)
        by_sentence: dict[int, list[tuple[int, int, str, str]]] = {}
        for entity in entities:
            if entity[3]:
                by_sentence.setdefault(sentence_of[entity[0]], []).append(entity)
        best: dict[tuple[str, str, str, int], float] = {}
        for match_id, start, end in matches:
            cue = self._cue_of[match_id]
            source_label = ENTITY_RELATIONS[cue["type"]][0]
            sentence = sentence_of[start]
            ents = by_sentence.get(sentence)
            if not ents:
                continue
            gap = cue.get("max_gap", 3)
            before = [e for e in ents if e[1] <= start and start - e[1] <= gap]
            after = [e for e in ents if e[0] >= end and e[0] - end <= gap]
            left = max(before, key=lambda e: e[1], default=None)
            right = min(after, key=lambda e: e[0], default=None)
            if left is None or right is None:
                continue
            source, target = (left, right) if cue["order"] == "source-cue-target" else (right, left)
            if source[2] != source_label or target[2] != TASK or source[3] == target[3]:
                continue
            distance = (start - left[1]) + (right[0] - end)
            confidence = round(cue.get("weight", 0.5) * (1 - self.decay) ** distance, 3)
            key = (cue["type"], source[3], target[3], sentence)
            best[key] = max(best.get(key, 0.0), confidence)
        if best:
            tokens = doc_tokens(doc)
            relations = list(doc_value(doc, "kg_relations") or [])
            relations += [{"type": rel_type, "source": source, "target": target, "sentence": sentence,
                           "evidence": tokens.span_text(*bounds[sentence]), "confidence": confidence}
                          for (rel_type, source, target, sentence), confidence in sorted(best.items(),
                                                                                         key=lambda kv: kv[0][3])]
            set_doc_value(doc, "kg_relations", relations)
        return doc


__all__ = ["TaskLinks"]
