"""Per-doc word columns and entity span lists for the edge-side components (kg_frame, kg_results, kg_relations).

Built on :func:`kg.extract.base.doc_tokens` (the per-doc token cache): ``doc[i].lower_`` makes a Token object
and looks its string up every time, and these components ask for the same tokens' words hundreds of times per
doc. :func:`lowers` and :func:`texts` are ``[w.lower_ for w in doc_tokens(doc).words]`` and the same of
``text``, made once per doc, so ``lowers(doc)[i]`` is ``doc[i].lower_`` and ``texts(doc)[i]`` is
``doc[i].text`` at the cost of a list index. They live in a weak-key cache (never ``doc.user_data``, so docs
still serialise) and hold no reference to the doc, so a doc's columns go when the doc goes.

:func:`entities` is ``list(doc.spans[key])``, made once while the group is unchanged (the same object and
length): iterating a SpanGroup makes a new Span object per span each time (and each Span three Token objects).
A Span holds its doc, so these lists are remembered for the last ``_MAX_REMEMBERED`` (doc, key) pairs only, never
in a per-doc cache that would keep every doc alive: the components take a batch of docs (64 by default) one
after another, each component the whole batch, so the lists of one batch are read again by every later
component instead of being made again (about 90 Span objects per doc on the sample corpus when only the last
doc was remembered). At most that many docs stay alive after their batch. :func:`doc_memo` is a per-doc dict for
a component's own derived values (values must not hold the doc or its Spans, for the same reason).
"""

from __future__ import annotations

import weakref
from typing import Any

from spacy.tokens import Doc, Span

from kg.extract.base import doc_tokens

_MEMOS: weakref.WeakKeyDictionary[Doc, dict[Any, Any]] = weakref.WeakKeyDictionary()


_last_memo: list[Any] = [None, None]  # a weak reference to the last doc asked about, and its memo


def doc_memo(doc: Doc) -> dict[Any, Any]:
    """A dict that lives as long as *doc* (for values computed from it that hold neither it nor its Spans). The
    last doc's is found without the weak-key look-up (which makes a weak reference per call)."""
    last = _last_memo
    if last[0] is not None and last[0]() is doc:
        return last[1]
    memo = _MEMOS.get(doc)
    if memo is None:
        memo = _MEMOS[doc] = {}
    last[0], last[1] = weakref.ref(doc), memo
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


_MAX_REMEMBERED = 128  # (doc, key) pairs whose span lists are remembered: two batches of kg's default size
# (id(doc), group key) -> (the doc, its span group, the group's length, the group's spans), oldest first
_entities: dict[tuple[int, str], tuple[Doc, Any, int, list[Span]]] = {}


def entities(doc: Doc, key: str) -> list[Span]:
    """``list(doc.spans[key])`` (``[]`` without the group), made once while the group object and its length stay
    the same (for the last ``_MAX_REMEMBERED`` docs and keys). The list is shared: do not change it."""
    group = doc.spans.get(key)
    if group is None:
        return []
    held = _entities.get((id(doc), key))
    if held is not None and held[0] is doc and held[1] is group and held[2] == len(group):
        return held[3]
    spans = list(group)
    _remember(doc, key, group, spans)
    return spans


def set_entities(doc: Doc, key: str, spans: list[Span]) -> None:
    """``doc.spans[key] = spans``; :func:`entities` then returns *spans* themselves (the group holds the same spans)
    while the doc is remembered, instead of reading them back from the group (a new Span object per span). Do not
    change the list afterwards."""
    doc.spans[key] = spans
    _remember(doc, key, doc.spans[key], spans)


def _remember(doc: Doc, key: str, group: Any, spans: list[Span]) -> None:
    memo = _entities
    memo.pop((id(doc), key), None)
    memo[(id(doc), key)] = (doc, group, len(group), spans)
    while len(memo) > _MAX_REMEMBERED:
        del memo[next(iter(memo))]  # the oldest
