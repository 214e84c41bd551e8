"""The candidate contract every entity component follows.

Components that *propose* entities add candidates to the doc's candidate store (``add_candidates``,
``set_candidates``, read back with ``candidates(doc)``); ``kg_entities`` turns them into
``doc.spans["kg_entities"]``; ``kg_scorer`` gives each of those a confidence and drops the weak ones.

A candidate is a :class:`Candidate`: plain token offsets and strings under a Span's attribute names,
so code reads it as it would a span:

- ``start``, ``end``: token offsets (``len(candidate)`` is ``end - start``);
- ``label_``: one of ``ENTITY_LABELS`` or ``IGNORE`` (a known non-entity that blocks weaker
  candidates over the same tokens and is then dropped);
- ``id_``: the *source*, one of ``SOURCES``; where spans of equal length compete the source
  with the higher ``PRIORITY`` wins;
- ``kb_id_``: an optional canonical long form ("RL" -> "reinforcement learning").

The store lives beside the doc (a weak-key cache: it holds no doc alive) and is *published* as the span
group ``doc.spans["kg_candidates"]`` (``span.label_``, ``span.id_`` = source, ``span.kb_id_`` = canonical)
for readers outside the entity components (kg_frame, tests, inspection): a component called on its own
(``component(doc)``, ``nlp(text)``) publishes what it wrote, and so does ``pipe()`` unless a ``kg_entities``
comes later in the same pipeline; ``kg_entities`` always publishes (``release_candidates``). The components
between read and write plain objects, never building or walking Span objects. A group written or changed
outside the store (``doc.spans["kg_candidates"] = ...``, a doc loaded from bytes) is what ``candidates(doc)``
then reads. For entities, ``span.kb_id_`` is the doc-local entity key that groups mentions;
``doc._.kg_confidences``: entity key -> the scorer's probability that the entity is right.

The title is the text up to the first newline (``title_end``); it is sentence 0.

A new candidate source is one new module (a component that subclasses :class:`ProposesCandidates`, whose
``propose(doc)`` calls ``add_candidates``) plus one line in ``kg/extract/pipeline.py``'s ``COMPONENTS``.
"""

from __future__ import annotations

import functools
import re
import weakref
from collections.abc import Collection, Iterable
from typing import Any

from spacy.attrs import ORTH, SPACY
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import minibatch

from kg.extract.base import doc_tokens
from kg.extract.pattern_data import word_lists, words_by_list
from kg.naming import merge_key
from kg.schema import ENTITY_TYPES

ENTITY_LABELS: tuple[str, ...] = ENTITY_TYPES
IGNORE = "Ignore"  # vocabulary label for known non-entities: they block weaker rules and are dropped
CANDIDATES_KEY = "kg_candidates"
ENTITIES_KEY = "kg_entities"
NESTED_KEY = "kg_nested_entities"  # devices inside other entities; may overlap kg_entities
# "a", "an", "the" (words.jsonl articles): the one article set the extractors read
ARTICLES = words_by_list(word_lists("articles"))["articles"]

# Candidate sources, strongest first where spans of equal length compete.
PRIORITY: dict[str, int] = {"acronym": 5, "coined": 5, "vocabulary": 4, "context": 3, "titlecase": 2, "open": 1,
                            "phrase": 1, "propagated": 0, "unnamed": 0}
SOURCES: tuple[str, ...] = tuple(PRIORITY)
SHAPE_SOURCES = frozenset({"open", "titlecase"})  # names found by their shape alone: typed by their context

for _name in ("kg_proposed", "kg_abbreviations"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)
if not Doc.has_extension("kg_confidences"):
    Doc.set_extension("kg_confidences", default=None)


class Candidate:
    """One entity candidate: token offsets, label, source and canonical form, under the names a Span gives them
    (``start``, ``end``, ``label_``, ``id_`` = source, ``kb_id_`` = canonical), without a Span's cost (a Span
    makes Token objects and looks its strings up on every read)."""

    __slots__ = ("start", "end", "label_", "id_", "kb_id_")

    def __init__(self, start: int, end: int, label: str, source: str, canonical: str = ""):
        self.start, self.end, self.label_, self.id_, self.kb_id_ = start, end, label, source, canonical

    def __len__(self) -> int:
        return self.end - self.start

    def key(self) -> tuple[int, int, str, str, str]:
        return self.start, self.end, self.label_, self.id_, self.kb_id_

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Candidate) and self.key() == other.key()

    def __hash__(self) -> int:
        return hash(self.key())

    def __repr__(self) -> str:
        return f"Candidate{self.key()!r}"


def candidate(doc: Doc, start: int, end: int, label: str, source: str, canonical: str = "") -> Candidate:
    """A candidate of *doc*; the source (and an optional canonical long form) read as ``id_`` / ``kb_id_``."""
    return Candidate(start, end, label, source, canonical)


class _Store:
    """A doc's candidates, and the span group they were last published as (or read from)."""

    __slots__ = ("items", "group", "size", "dirty")

    def __init__(self, items: list[Candidate], group: Any = None, dirty: bool = True):
        self.items = items
        self.group = group  # the SpanGroup last published or read (None: never published)
        self.size = len(group) if group is not None else -1
        self.dirty = dirty  # changed since it was published


_STORES: weakref.WeakKeyDictionary[Doc, _Store] = weakref.WeakKeyDictionary()


def _store(doc: Doc) -> _Store | None:
    """The doc's store, read again from its span group when that was written or changed outside the store."""
    store = _STORES.get(doc)
    group = doc.spans.get(CANDIDATES_KEY) if CANDIDATES_KEY in doc.spans else None
    if group is None or store is not None and store.group is group and store.size == len(group):
        return store
    store = _STORES[doc] = _Store([Candidate(s.start, s.end, s.label_, s.id_, s.kb_id_) for s in group], group,
                                  dirty=False)
    return store


def add_candidates(doc: Doc, items: Iterable[Candidate]) -> None:
    """Append *items* to the doc's candidates."""
    store = _store(doc)
    if store is None:
        _STORES[doc] = _Store(list(items))
    else:
        store.items.extend(items)
        store.dirty = True


def set_candidates(doc: Doc, items: list[Candidate]) -> None:
    """Replace the doc's candidates with *items*."""
    store = _store(doc)
    if store is None:
        _STORES[doc] = _Store(list(items))
    else:
        store.items = list(items)
        store.dirty = True


def candidates(doc: Doc) -> list[Candidate]:
    """The doc's candidates (a new list)."""
    store = _store(doc)
    return [] if store is None else list(store.items)


def publish_candidates(doc: Doc) -> None:
    """Write the doc's candidates to ``doc.spans["kg_candidates"]`` if they changed since they were last written."""
    store = _store(doc)
    if store is None or not store.dirty:
        return
    doc.spans[CANDIDATES_KEY] = make_spans(doc, [(c.start, c.end, c.label_, c.kb_id_, c.id_) for c in store.items])
    store.group = doc.spans[CANDIDATES_KEY]
    store.size = len(store.group)
    store.dirty = False


def make_spans(doc: Doc, items: Iterable[tuple[int, int, str, str, str]]) -> list[Span]:
    """``[Span(doc, start, end, label=label, kb_id=kb_id, span_id=span_id) for start, end, label, kb_id, span_id in
    items]``, each distinct string added to the string store once (a Span given strings adds each of its three on
    every construction; given their ids it skips that, and the Spans are the same)."""
    add = doc.vocab.strings.add
    ids: dict[str, int] = {}
    spans = []
    for start, end, label, kb_id, span_id in items:
        label_id = ids.get(label)
        if label_id is None:
            label_id = ids[label] = add(label)
        kb = ids.get(kb_id)
        if kb is None:
            kb = ids[kb_id] = add(kb_id)
        source = ids.get(span_id)
        if source is None:
            source = ids[span_id] = add(span_id)
        spans.append(Span(doc, start, end, label=label_id, kb_id=kb, span_id=source))
    return spans


def release_candidates(doc: Doc) -> None:
    """Publish the doc's candidates and drop its store (kg_entities, the last reader; the group stays)."""
    publish_candidates(doc)
    _STORES.pop(doc, None)


def entities_follow(nlp: Language, name: str) -> bool:
    """Whether a ``kg_entities`` component comes after the component *name* in *nlp*'s (enabled) pipeline."""
    names = nlp.pipe_names
    if name not in names:
        return False
    return any(nlp.get_pipe_meta(later).factory == "kg_entities" for later in names[names.index(name) + 1:])


class ProposesCandidates:
    """Mixin of the components that add or change candidates: they implement ``propose(doc)``.

    ``__call__`` proposes and publishes the candidates (the component works on its own); ``pipe`` proposes a
    batch at a time (see kg.extract.base.pipe_in_batches) and leaves publishing to a later ``kg_entities``
    when the pipeline has one."""

    nlp: Language
    name: str

    def propose(self, doc: Doc) -> Doc:  # pragma: no cover - subclasses
        raise NotImplementedError

    def __call__(self, doc: Doc) -> Doc:
        self.propose(doc)
        publish_candidates(doc)
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        publish = not entities_follow(self.nlp, self.name)
        for batch in minibatch(docs, size=batch_size):
            for doc in batch:
                self.propose(doc)
                if publish:
                    publish_candidates(doc)
            yield from batch


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
    """Indices of the tokens whose ``lower_`` is one of *words*, in order.

    The same tokens as ``[t.i for t in doc if t.lower_ in words]``, from the doc's token cache
    (``kg.extract.base.doc_tokens``), without a Token object per token.
    """
    return doc_tokens(doc).lower_positions(words if isinstance(words, (set, frozenset, dict)) else set(words))


@functools.lru_cache(maxsize=65536)
def written_lower(text: str) -> bool:
    """Whether *text* has a lower-case letter besides a final plural "s" ("LLMs" is written in capitals)."""
    return any(c.islower() for c in re.sub(r"s$", "", text))


def title_end(doc: Doc, default: int | None = None) -> int:
    """Token index where the title ends: the token holding the first newline (*default*, else len(doc), if none)."""
    end = doc.user_data.get("kg_title_end")
    if end is None:  # the title is short: the scan stops there (Doc.text would build the whole string)
        end = next((i for i, word in enumerate(doc_tokens(doc).words) if "\n" in word.text), -1)
        doc.user_data["kg_title_end"] = end
    if end < 0:
        return len(doc) if default is None else default
    return end


def priority(span: Candidate) -> int:
    return 10 if span.label_ == IGNORE else PRIORITY.get(span.id_, 0)


def select(spans: list[Candidate]) -> list[Candidate]:
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


def entity_key(label: str, surface: str) -> str:
    """The key kg_entities gives an entity of *label* written *surface* (a span's ``kb_id``): ``"Method|resnet50"``.
    Names that resolve alike share it (kg.naming.merge_key); the components that add entities of their own key
    them with it too."""
    return f"{label}|{merge_key(surface, label)}"
