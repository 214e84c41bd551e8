"""Per-doc word columns and entity span lists for the edge-side components (kg_frame, kg_results, kg_relations).

Built on :func:`kg.extract.base.doc_tokens` (the per-doc token cache): ``doc[i].lower_`` makes a Token object
and looks its string up every time, and these components ask for the same tokens' words hundreds of times per
doc. :func:`lowers` and :func:`texts` are ``[w.lower_ for w in doc_tokens(doc).words]`` and the same of
``text``, made once per doc, so ``lowers(doc)[i]`` is ``doc[i].lower_`` and ``texts(doc)[i]`` is
``doc[i].text`` at the cost of a list index. They live in a weak-key cache (never ``doc.user_data``, so docs
still serialise) and hold no reference to the doc, so a doc's columns go when the doc goes.

:func:`entities` is ``list(doc.spans[key])``, made once while the group is unchanged (the same object and
length): iterating a SpanGroup makes a new Span object per span each time. A Span holds its doc, so these lists
are remembered for one doc at a time (the components take one doc after another), never in a per-doc cache
that would keep every doc alive. :func:`doc_memo` is a per-doc dict for a component's own derived values
(values must not hold the doc or its Spans, for the same reason).
"""

from __future__ import annotations

import weakref
from typing import Any

from spacy.tokens import Doc, Span

from kg.extract.base import doc_tokens

_MEMOS: weakref.WeakKeyDictionary[Doc, dict[Any, Any]] = weakref.WeakKeyDictionary()


def doc_memo(doc: Doc) -> dict[Any, Any]:
    """A dict that lives as long as *doc* (for values computed from it that hold neither it nor its Spans)."""
    memo = _MEMOS.get(doc)
    if memo is None:
        memo = _MEMOS[doc] = {}
    return memo


def _column(doc: Doc, attr: str) -> list[str]:
    """Each token's *attr* (``lower_`` or ``text``), in order, made once per doc (do not change the list)."""
    memo = doc_memo(doc)
    column = memo.get(attr)
    if column is None or len(column) != len(doc):
        column = memo[attr] = [getattr(word, attr) for word in doc_tokens(doc).words]
    return column


def lowers(doc: Doc) -> list[str]:
    """Each token's ``lower_``, in order (made once per doc; do not change the list)."""
    return _column(doc, "lower_")


def texts(doc: Doc) -> list[str]:
    """Each token's ``text``, in order (made once per doc; do not change the list)."""
    return _column(doc, "text")


_entities: list[Any] = [None, None, None, -1, []]  # doc, group key, span group, its length, its spans


def entities(doc: Doc, key: str) -> list[Span]:
    """``list(doc.spans[key])`` (``[]`` without the group), made once while the group object and its length stay
    the same. The list is shared: do not change it."""
    group = doc.spans.get(key)
    if group is None:
        return []
    memo = _entities
    if memo[0] is doc and memo[1] == key and memo[2] is group and memo[3] == len(group):
        return memo[4]
    spans = list(group)
    memo[:] = [doc, key, group, len(group), spans]
    return spans


def set_entities(doc: Doc, key: str, spans: list[Span]) -> None:
    """``doc.spans[key] = spans``; :func:`entities` then returns *spans* themselves (the group holds the same spans)
    until another doc is read, instead of reading them back from the group (a new Span object per span). Do not
    change the list afterwards."""
    doc.spans[key] = spans
    group = doc.spans[key]
    _entities[:] = [doc, key, group, len(group), spans]
