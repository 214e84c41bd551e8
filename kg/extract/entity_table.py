"""One per-doc table of the entity mentions (``doc.spans["kg_entities"]``), shared by the edge-side components.

kg_frame, kg_results, kg_relations, kg_edge_scorer, kg_task_links and ``build_record`` all read the same entity
spans of a doc, one component after another over a batch of docs (``kg.extract.base.pipe_in_batches``).
Iterating a SpanGroup makes a new Span object per span every time, and ``span.kb_id_`` / ``span.label_`` look
their strings up on every access; :func:`entity_table` reads the group once per doc and state of the group (the
same group object and length) and keeps, beside the spans, plain columns of them:

- ``table.spans``: ``list(doc.spans["kg_entities"])`` (``[]`` without the group);
- ``table.rows``: ``(start, end, label, key, span_id)`` of each span, in the group's order;
- ``table.memo``: a dict for values derived from the spans (it is emptied with the table when the group changes).

A table holds its spans, which hold their doc: the tables with spans are kept in a small bounded cache, and the
pipeline's last edge-side reader (``kg_task_links``) lets its doc go (:func:`release`): the table keeps only its
rows (plain tuples), in a weak-key cache, so ``build_record`` reads them (:func:`entity_rows`) without a Span and
no doc is kept alive once the pipeline is done with it. (A pipeline without ``kg_task_links`` leaves its last
docs in the bounded cache.) Never change the lists it returns.
"""

from __future__ import annotations

import weakref
from typing import Any

from spacy.tokens import Doc, Span

from kg.extract.candidates import ENTITIES_KEY
_MAX_TABLES = 256  # more than a batch of docs (kg extract's batches are 64): every component of a batch hits


class EntityTable:
    """The entity spans of one doc in one state of its span group, and columns read from them once."""

    __slots__ = ("doc", "group", "size", "spans", "_rows", "memo")

    def __init__(self, doc: Doc, group: Any, spans: list[Span]) -> None:
        self.doc = doc
        self.group = group
        self.size = len(group)
        self.spans = spans
        self._rows: list[tuple[int, int, str, str, str]] | None = None
        self.memo: dict[Any, Any] = {}

    @property
    def rows(self) -> list[tuple[int, int, str, str, str]]:
        """(start, end, label, key, span_id) of each span, in the group's order."""
        rows = self._rows
        if rows is None:
            rows = self._rows = [(s.start, s.end, s.label_, s.kb_id_, s.id_) for s in self.spans]
        return rows


_TABLES: dict[int, EntityTable] = {}  # id(doc) -> its table, oldest first (the table holds the doc: ids stay unique)
# released tables (rows only), by doc: they hold no doc, so the doc's death drops them
_RELEASED: weakref.WeakKeyDictionary[Doc, EntityTable] = weakref.WeakKeyDictionary()
_EMPTY = EntityTable.__new__(EntityTable)
_EMPTY.doc, _EMPTY.group, _EMPTY.size, _EMPTY.spans, _EMPTY._rows, _EMPTY.memo = None, None, 0, [], [], {}


def entity_table(doc: Doc) -> EntityTable:
    """The doc's table for the current state of ``doc.spans["kg_entities"]`` (an empty one without the group:
    do not write to its memo then)."""
    group = doc.spans.get(ENTITIES_KEY)
    if group is None:
        return _EMPTY
    table = _TABLES.get(id(doc))
    if table is not None and table.group is group and table.size == len(group):
        return table
    return _store(doc, group, list(group))


def entity_spans(doc: Doc) -> list[Span]:
    """``list(doc.spans["kg_entities"])`` (``[]`` without the group), read once per state of the group."""
    return entity_table(doc).spans


def set_entity_spans(doc: Doc, spans: list[Span]) -> None:
    """``doc.spans["kg_entities"] = spans``; the table then holds *spans* themselves (the group holds the same
    spans) instead of reading them back from the group. Do not change the list afterwards."""
    doc.spans[ENTITIES_KEY] = spans
    _store(doc, doc.spans[ENTITIES_KEY], list(spans))


def entity_rows(doc: Doc) -> list[tuple[int, int, str, str, str]]:
    """(start, end, label, key, span_id) of each span of ``doc.spans["kg_entities"]``, in the group's order, from
    the doc's table (released or not) when the group is unchanged, else read from the group (nothing is kept)."""
    group = doc.spans.get(ENTITIES_KEY)
    if group is None:
        return []
    table = _TABLES.get(id(doc))
    if table is None or table.doc is not doc:
        table = _RELEASED.get(doc)
    if table is not None and table.group is group and table.size == len(group):
        return table.rows
    return [(s.start, s.end, s.label_, s.kb_id_, s.id_) for s in group]


def release(doc: Doc) -> None:
    """The pipeline is done with the doc's spans: the table keeps its rows only (which hold no doc), in a weak-key
    cache, and no longer holds the doc (its memo, which may hold spans, is emptied)."""
    table = _TABLES.pop(id(doc), None)
    if table is None:
        return
    table.rows  # read now: without its spans the table cannot read them later
    table.doc, table.spans, table.memo = None, [], {}
    _RELEASED[doc] = table


def _store(doc: Doc, group: Any, spans: list[Span]) -> EntityTable:
    table = EntityTable(doc, group, spans)
    tables = _TABLES
    tables.pop(id(doc), None)
    if len(tables) >= _MAX_TABLES:
        del tables[next(iter(tables))]
    tables[id(doc)] = table
    return table


__all__ = ["EntityTable", "entity_rows", "entity_spans", "entity_table", "release", "set_entity_spans"]
