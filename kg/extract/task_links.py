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

from kg.extract.base import PatternComponent
from kg.extract.candidates import ENTITIES_KEY
from kg.extract.results import sentence_index_of_tokens
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

    def add(self, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            if ENTITY_RELATIONS[row["type"]][1] != TASK:
                raise ValueError(f"task cue of type {row['type']!r} does not end at a Task")
            self.matcher.add(str(len(self.cues)), list(self.nlp.tokenizer.pipe(row["phrases"])))
            self.cues.append(row)

    def __call__(self, doc: Doc) -> Doc:
        self.check_initialized()
        entities = [span for span in doc.spans.get(ENTITIES_KEY, []) if span.kb_id_]
        if not any(span.label_ == TASK for span in entities):
            return doc
        sentences = list(doc.sents)
        sentence_of = sentence_index_of_tokens(doc, sentences)
        best: dict[tuple[str, str, str, int], float] = {}
        for match_id, start, end in self.matcher(doc):
            cue = self.cues[int(self.nlp.vocab.strings[match_id])]
            source_label = ENTITY_RELATIONS[cue["type"]][0]
            sentence = sentence_of[start]
            gap = cue.get("max_gap", 3)
            before = [s for s in entities if s.end <= start and start - s.end <= gap and sentence_of[s.start] == sentence]
            after = [s for s in entities if s.start >= end and s.start - end <= gap and sentence_of[s.start] == sentence]
            left = max(before, key=lambda s: s.end, default=None)
            right = min(after, key=lambda s: s.start, default=None)
            if left is None or right is None:
                continue
            source, target = (left, right) if cue["order"] == "source-cue-target" else (right, left)
            if source.label_ != source_label or target.label_ != TASK or source.kb_id_ == target.kb_id_:
                continue
            distance = (start - left.end) + (right.start - end)
            confidence = round(cue.get("weight", 0.5) * (1 - self.decay) ** distance, 3)
            key = (cue["type"], source.kb_id_, target.kb_id_, sentence)
            best[key] = max(best.get(key, 0.0), confidence)
        if best:
            relations = list(doc._.kg_relations or [])
            relations += [{"type": rel_type, "source": source, "target": target, "sentence": sentence,
                           "evidence": sentences[sentence].text, "confidence": confidence}
                          for (rel_type, source, target, sentence), confidence in sorted(best.items(),
                                                                                         key=lambda kv: kv[0][3])]
            doc._.kg_relations = relations
        return doc


__all__ = ["TaskLinks"]
