"""Sentence boundaries of the blank pipeline.

``kg_title_boundary``: the title (text up to the first newline) is sentence 0, whole.
``kg_sentencizer``: spaCy's rule-based ``sentencizer`` (same rule, same settings, same boundaries) that
reads the tokens' ORTH and IS_PUNCT arrays instead of making a Token object per token.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

import numpy
from spacy.attrs import IS_PUNCT, ORTH, SENT_START
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.strings import get_string_id
from spacy.tokens import Doc

from kg.extract.base import doc_tokens
from kg.extract.candidates import doc_text


_NOT_A_START = numpy.uint64(2 ** 64 - 1)  # SENT_START -1 ("not a sentence start") in a uint64 token array


@Language.component("kg_title_boundary")
def title_boundary(doc: Doc) -> Doc:
    """The title (up to the first newline) is sentence 0, whole: a parser must not split it at a colon.

    Tokens 1 .. k-1 (those starting at or before the newline) are no sentence start, token k (the first after it)
    is one: what setting ``token.is_sent_start`` on each does, written as one SENT_START array (the setter makes a
    Token object per token and checks the whole doc for a parse each time)."""
    newline = doc_text(doc).find("\n")
    if newline < 0 or len(doc) < 2:
        return doc
    if doc.has_annotation("DEP"):
        doc[1].is_sent_start = False  # spaCy's error: sentence starts can not be set on a parsed doc
    first_after = bisect.bisect_right(doc_tokens(doc).idx, newline, 1)  # the first token (from 1) with idx > newline
    starts = doc.to_array(SENT_START)
    starts[1:first_after] = _NOT_A_START
    if first_after < len(doc):
        starts[first_after] = 1
    doc.from_array([SENT_START], starts)
    return doc


class ArraySentencizer(Sentencizer):
    """spaCy's Sentencizer with ``predict`` over token arrays: a sentence ends after a run of its
    punct_chars, at the next token that is neither punctuation nor one of them (spaCy's rule).

    The rule, per doc, without a loop over the tokens: call a token that is neither punctuation nor one of the
    punct_chars a *word*. spaCy's loop remembers a punct_char until the next word, which then starts a sentence
    (and forgets it); so a word starts a sentence exactly when a punct_char stands between it and the word
    before it (or the doc's start). One ``numpy.isin`` and a cumulative count say that for every word at once."""

    def _punct_ids(self) -> numpy.ndarray:
        """The string ids of the punct_chars, as a sorted array (remembered while ``punct_chars`` is the same set
        object of the same size: spaCy replaces it, never changes it in place)."""
        chars = self.punct_chars
        cached = getattr(self, "_punct_cache", None)
        if cached is None or cached[0] is not chars or cached[1] != len(chars):
            ids = numpy.array(sorted({get_string_id(c) for c in chars}), dtype=numpy.uint64)
            cached = self._punct_cache = (chars, len(chars), ids)
        return cached[2]

    def predict(self, docs: Iterable[Doc]):
        punct_ids = self._punct_ids()
        guesses = []
        for doc in docs:
            n = len(doc)
            if not n:
                guesses.append([])
                continue
            array = doc.to_array([ORTH, IS_PUNCT])
            in_punct_chars = numpy.isin(array[:, 0], punct_ids)
            words = numpy.flatnonzero(~in_punct_chars & (array[:, 1] == 0))
            before = numpy.zeros(n + 1, dtype=numpy.int64)  # before[k]: punct_chars among tokens 0 .. k-1
            numpy.cumsum(in_punct_chars, out=before[1:])
            previous = numpy.empty_like(words)  # the token after the word before each word (0 for the first)
            if len(words):
                previous[0] = 0
                previous[1:] = words[:-1] + 1
            guess = numpy.zeros(n, dtype=bool)
            guess[words[before[words] > before[previous]]] = True
            guess[0] = True
            guesses.append(guess.tolist())
        return guesses


@Language.factory("kg_sentencizer", assigns=["token.is_sent_start", "doc.sents"],
                  default_config={"punct_chars": None, "overwrite": False,
                                  "scorer": {"@scorers": "spacy.senter_scorer.v1"}})
def make_sentencizer(nlp: Language, name: str, punct_chars: list[str] | None, overwrite: bool, scorer) -> ArraySentencizer:
    return ArraySentencizer(name, punct_chars=punct_chars, overwrite=overwrite, scorer=scorer)
