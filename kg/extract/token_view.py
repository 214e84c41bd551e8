"""Per-doc token columns and entity spans for the edge-side components, read once instead of per question.

``doc[i].lower_`` makes a Token object and looks its string up every time; the frame, results and relations
components ask for the same few tokens' words hundreds of times per doc. :func:`lowers` and :func:`texts`
read each column once per doc (``doc.to_array`` plus a hash-to-string table kept per string store) and keep it
in ``doc.user_data``, so ``lowers(doc)[i]`` is ``doc[i].lower_`` and ``texts(doc)[i]`` is ``doc[i].text`` at
the cost of a list index. A doc's tokens never change after the tokenizer, so the cached columns stay valid (a
cached column whose length is not the doc's is read again).

:func:`entities` is ``list(doc.spans[group])`` made once while the group is unchanged: iterating a SpanGroup
makes a new Span object per span every time. It remembers one doc at a time (components take one doc after
another), holding the doc there rather than in ``doc.user_data`` so that no reference cycle keeps docs alive.
"""

from __future__ import annotations

from typing import Any

from spacy.attrs import LOWER, ORTH
from spacy.strings import StringStore
from spacy.tokens import Doc, Span

_LOWERS_KEY = "kg_token_lowers"
_TEXTS_KEY = "kg_token_texts"
# hash -> string, per string store (StringStore.__getitem__ decodes the string anew on every call)
_TABLES: dict[int, tuple[StringStore, dict[int, str]]] = {}


def _strings_of(doc: Doc, hashes: list[int]) -> list[str]:
    store = doc.vocab.strings
    entry = _TABLES.get(id(store))
    if entry is None or entry[0] is not store:
        entry = _TABLES[id(store)] = (store, {})
    table = entry[1]
    try:
        return list(map(table.__getitem__, hashes))
    except KeyError:  # a word this process has not looked up yet
        for h in hashes:
            if h not in table:
                table[h] = store[h]
        return list(map(table.__getitem__, hashes))


def lowers(doc: Doc) -> list[str]:
    """Each token's ``lower_``, in order (cached per doc)."""
    cached = doc.user_data.get(_LOWERS_KEY)
    if cached is None or len(cached) != len(doc):
        cached = _strings_of(doc, doc.to_array(LOWER).tolist()) if len(doc) else []
        doc.user_data[_LOWERS_KEY] = cached
    return cached


def texts(doc: Doc) -> list[str]:
    """Each token's ``text``, in order (cached per doc)."""
    cached = doc.user_data.get(_TEXTS_KEY)
    if cached is None or len(cached) != len(doc):
        cached = _strings_of(doc, doc.to_array(ORTH).tolist()) if len(doc) else []
        doc.user_data[_TEXTS_KEY] = cached
    return cached


_entities: list[Any] = [None, None, -1, []]  # doc, span group, its length, its spans


def entities(doc: Doc, key: str) -> list[Span]:
    """``list(doc.spans[key])`` (``[]`` without the group), made once while the group object and its length stay
    the same. The list is shared: do not change it."""
    group = doc.spans.get(key)
    if group is None:
        return []
    memo = _entities
    if memo[0] is doc and memo[1] is group and memo[2] == len(group):
        return memo[3]
    spans = list(group)
    memo[:] = [doc, group, len(group), spans]
    return spans
