"""Turn a processed Doc into an extraction record (schemas/paper-record.schema.json)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from spacy.tokens import Doc

from kg.extract.doc_values import doc_value
from kg.extract.candidates import NESTED_KEY, PRIORITY, doc_text
from kg.extract.base import doc_tokens
from kg.extract.frame import sentence_bounds, token_texts
from kg.extract.results import sentence_index_of_tokens
from kg.extract.entity_table import entity_rows
from kg.ingest.paper import Paper
from kg.naming import canonical_name, entity_id, is_acronym, merge_duplicate_entities
from kg.schema import RESULT_ROLES


def choose_name(surfaces: Counter | dict[str, int], entity_type: str) -> str:
    """The entity's name: a written-out form over an acronym, then the most frequent, longest, first in order."""
    ranked = sorted(surfaces.items(), key=lambda kv: (is_acronym(kv[0]), -kv[1], -len(kv[0]), kv[0]))
    return canonical_name(ranked[0][0], entity_type)


def sentence_spans(doc: Doc, text: str | None = None,
                   bounds: list[tuple[int, int]] | None = None) -> list[list[int]]:
    """[start, end) of each sentence with surrounding whitespace (the title's newline) trimmed.

    *text* is ``doc.text`` if the caller has it (``doc.text`` is rebuilt from the tokens on every call), *bounds*
    the sentences' token bounds if it has them.
    """
    spans = []
    text = doc_text(doc) if text is None else text
    for start_char, end_char in _sentence_chars(doc, bounds):
        sentence = text[start_char:end_char]  # Span.text, without a Token object per token
        start = start_char + (len(sentence) - len(sentence.lstrip()))
        end = start_char + len(sentence.rstrip())
        spans.append([start, max(start, end)])
    return spans


def _sentence_bounds(doc: Doc) -> list[tuple[int, int]]:
    """[start, end) of each sentence as ``doc.sents`` gives them (which raises without sentence boundaries), from
    kg_frame's per-doc cache of the sentence starts instead of a Span per sentence."""
    if not doc.has_annotation("SENT_START"):
        return [(sent.start, sent.end) for sent in doc.sents]  # spaCy's error for a doc without sentences
    return sentence_bounds(doc)


def _sentence_chars(doc: Doc, bounds: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """[start_char, end_char) of each sentence (``sent.start_char``, ``sent.end_char``)."""
    tokens = doc_tokens(doc)
    idx, words = tokens.idx, tokens.words
    return [(idx[start], idx[end - 1] + len(words[end - 1].text))
            for start, end in (_sentence_bounds(doc) if bounds is None else bounds)]


def _start_of(mention: tuple[int, int, int, str, str]) -> int:
    return mention[0]


def build_record(paper: Paper, doc: Doc, pipeline: str) -> dict[str, Any]:
    """One record per paper; entity ids here are doc-local until kg.resolve rewrites them corpus-wide."""
    bounds = _sentence_bounds(doc)  # once: has_annotation reads every token
    sentence_of = sentence_index_of_tokens(doc, bounds)
    text = paper.text  # == doc.text (spaCy keeps the text whole), which rebuilds it from every token

    # (start, start_char, end_char, label, source) of each mention, read from its span once, grouped by entity key
    # (the entities' spans from the shared per-doc list: the components before read the same group)
    by_key: dict[str, list[tuple[int, int, int, str, str]]] = {}
    idx, texts = doc_tokens(doc).idx, token_texts(doc)  # each token's start character and text
    rows = entity_rows(doc)  # (start, end, label, key, span_id) of each entity span, without a Span
    if NESTED_KEY in doc.spans:
        rows = [*rows, *((s.start, s.end, s.label_, s.kb_id_, s.id_) for s in doc.spans[NESTED_KEY])]
    for start, end, label, key, source in rows:
        mention = (start, idx[start], idx[end - 1] + len(texts[end - 1]), label, source)  # start_char, end_char
        found = by_key.get(key)
        if found is None:
            by_key[key] = [mention]
        else:
            found.append(mention)
    proposed = set(doc_value(doc, "kg_proposed") or [])
    confidences = doc_value(doc, "kg_confidences") or {}

    entities = []
    id_of_key: dict[str, str] = {}
    for key, spans in by_key.items():
        if len(spans) > 1:
            spans.sort(key=_start_of)  # nested devices come from their own group
        entity_type = spans[0][3]
        texts = [text[start_char:end_char] for _, start_char, end_char, _, _ in spans]  # Span.text, no Token
        surfaces: dict[str, int] = {}  # Counter(texts), without a Counter's set-up cost per entity
        for surface in texts:
            surfaces[surface] = surfaces.get(surface, 0) + 1
        name = choose_name(surfaces, entity_type)
        identifier = entity_id(entity_type, name)
        id_of_key[key] = identifier
        # the strongest source that found it (kg.extract.candidates.PRIORITY): corpus resolution trusts
        # "vocabulary" over contextual votes when it decides a name's type (the first of the strongest)
        source, strength = None, None
        for mention in spans:
            found = mention[4] or "propagated"
            rank = PRIORITY.get(found, 0)
            if strength is None or rank > strength:
                source, strength = found, rank
        entities.append({
            "id": identifier,
            "type": entity_type,
            "name": name,
            "aliases": sorted(set(surfaces) - {name}),
            "proposed": key in proposed,
            "source": source,
            **({"confidence": confidences[key]} if key in confidences else {}),
            "mentions": [{"text": t, "start": m[1], "end": m[2], "sentence": sentence_of[m[0]]}
                         for m, t in zip(spans, texts)],
        })
    entities = merge_duplicate_entities(entities)
    entities.sort(key=lambda e: (e["mentions"][0]["start"], e["id"]))

    record = paper.to_dict()
    record.update({
        "text": doc_text(doc),
        "sentences": sentence_spans(doc, bounds=bounds),
        "entities": entities,
        "relations": _relations(doc, id_of_key),
        "results": _results(doc, id_of_key),
        "pipeline": pipeline,
    })
    return record


def _relations(doc: Doc, id_of_key: dict[str, str]) -> list[dict[str, Any]]:
    relations = []
    for relation in doc_value(doc, "kg_relations") or []:
        source, target = id_of_key.get(relation.get("source")), id_of_key.get(relation.get("target"))
        if source is None or target is None or source == target:
            continue
        relations.append({**relation, "source": source, "target": target})
    return relations


def _results(doc: Doc, id_of_key: dict[str, str]) -> list[dict[str, Any]]:
    results = []
    for result in doc_value(doc, "kg_results") or []:
        results.append({**result, **{role: id_of_key.get(result.get(role)) for role in RESULT_ROLES}})
    return results
