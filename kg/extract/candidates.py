"""The candidate contract every entity component follows.

Components that *propose* entities add spans to one span group, ``doc.spans["kg_candidates"]``;
``kg_entities`` turns them into ``doc.spans["kg_entities"]``; ``kg_scorer`` gives each of those a
confidence and drops the weak ones. What travels on a span:

- ``span.label_``: one of ``ENTITY_LABELS`` or ``IGNORE`` (a known non-entity that blocks weaker
  candidates over the same tokens and is then dropped);
- ``span.id_``: the *source*, one of ``SOURCES``; where spans of equal length compete the source
  with the higher ``PRIORITY`` wins;
- ``span.kb_id_``: for candidates, an optional canonical long form ("RL" -> "reinforcement
  learning"); for entities, the doc-local entity key that groups mentions;
- ``doc._.kg_confidences``: entity key -> the scorer's probability that the entity is right.

The title is the text up to the first newline (``title_end``); it is sentence 0.

A new candidate source is one new module (a component that calls ``add_candidates``) plus one
line in ``kg/extract/pipeline.py``'s ``COMPONENTS``.
"""

from __future__ import annotations

import weakref
from collections.abc import Collection, Iterable
from typing import Any

from spacy.attrs import LOWER, ORTH, SPACY
from spacy.tokens import Doc, Span

from kg.schema import ENTITY_TYPES

ENTITY_LABELS: tuple[str, ...] = ENTITY_TYPES
IGNORE = "Ignore"  # vocabulary label for known non-entities: they block weaker rules and are dropped
CANDIDATES_KEY = "kg_candidates"
ENTITIES_KEY = "kg_entities"
NESTED_KEY = "kg_nested_entities"  # devices inside other entities; may overlap kg_entities

# Candidate sources, strongest first where spans of equal length compete.
PRIORITY: dict[str, int] = {"acronym": 5, "coined": 5, "vocabulary": 4, "context": 3, "titlecase": 2, "open": 1,
                            "phrase": 1, "propagated": 0}
SOURCES: tuple[str, ...] = tuple(PRIORITY)
SHAPE_SOURCES = frozenset({"open", "titlecase"})  # names found by their shape alone: typed by their context

for _name in ("kg_proposed", "kg_abbreviations"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)
if not Doc.has_extension("kg_confidences"):
    Doc.set_extension("kg_confidences", default=None)


def candidate(doc: Doc, start: int, end: int, label: str, source: str, canonical: str = "") -> Span:
    """A candidate span; the source (and an optional canonical long form) ride in span.id_/kb_id_."""
    return Span(doc, start, end, label=label, kb_id=canonical, span_id=source)


# doc -> (its kg_candidates SpanGroup, the same spans as a list of Span objects): reading a SpanGroup makes a new
# Span object per span, and every entity component reads the group; the list is reused while the doc holds
# the group it was made with (same object, same length)
_CANDIDATE_LISTS: weakref.WeakKeyDictionary[Doc, tuple[Any, list[Span]]] = weakref.WeakKeyDictionary()


def add_candidates(doc: Doc, spans: Iterable[Span]) -> None:
    """Append *spans* to the doc's candidate group."""
    set_candidates(doc, [*candidates(doc), *spans])


def set_candidates(doc: Doc, spans: list[Span]) -> None:
    """Replace the doc's candidate group with *spans*."""
    doc.spans[CANDIDATES_KEY] = spans
    _CANDIDATE_LISTS[doc] = (doc.spans[CANDIDATES_KEY], list(spans))


def candidates(doc: Doc) -> list[Span]:
    """The doc's candidate spans (a new list)."""
    group = doc.spans.get(CANDIDATES_KEY)
    if group is None:
        return []
    cached = _CANDIDATE_LISTS.get(doc)
    if cached is not None and cached[0] is group and len(group) == len(cached[1]):
        return list(cached[1])
    return list(group)


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed once per doc (spaCy builds it from every token on each call)."""
    text = doc.user_data.get("kg_text")
    if text is None:
        # Doc.text joins each token's text_with_ws; the same from the ORTH and SPACY arrays, without Token objects
        strings = doc.vocab.strings
        text = doc.user_data["kg_text"] = "".join(
            [strings[orth] + " " if space else strings[orth] for orth, space in doc.to_array([ORTH, SPACY]).tolist()])
    return text


def span_text(span: Span) -> str:
    """``span.text``, sliced from the doc's text (Span.text joins a Token object per token)."""
    if span.end <= span.start:
        return ""
    return doc_text(span.doc)[span.start_char:span.end_char]


def lower_positions(doc: Doc, words: Collection[str]) -> list[int]:
    """Indices of the tokens whose ``lower_`` is one of *words*, read from the LOWER array.

    The same tokens as ``[t.i for t in doc if t.lower_ in words]``, without a Token object per token.
    """
    strings = doc.vocab.strings
    keys = {strings[word] for word in words}
    return [i for i, key in enumerate(doc.to_array(LOWER).tolist()) if key in keys]


def title_end(doc: Doc, default: int | None = None) -> int:
    """Token index where the title ends: the token holding the first newline (*default*, else len(doc), if none)."""
    end = doc.user_data.get("kg_title_end")
    if end is None:  # the title is short: the scan stops there (Doc.text would build the whole string)
        end = next((t.i for t in doc if "\n" in t.text), -1)
        doc.user_data["kg_title_end"] = end
    if end < 0:
        return len(doc) if default is None else default
    return end


def priority(span: Span) -> int:
    return 10 if span.label_ == IGNORE else PRIORITY.get(span.id_, 0)


def select(spans: list[Span]) -> list[Span]:
    """Non-overlapping spans: longest first, then the stronger source, then the earliest."""
    ranked = sorted(spans, key=lambda s: (-(s.end - s.start), -priority(s), s.start, s.label_))
    taken: set[int] = set()
    chosen = []
    for span in ranked:
        if any(i in taken for i in range(span.start, span.end)):
            continue
        chosen.append(span)
        taken.update(range(span.start, span.end))
    return sorted(chosen, key=lambda s: s.start)
