"""Sentence boundaries of the blank pipeline.

``kg_title_boundary``: the title (text up to the first newline) is sentence 0, whole.
``kg_sentencizer``: spaCy's rule-based ``sentencizer`` (same rule, same settings) that reads the tokens' ORTH and
IS_PUNCT arrays instead of making a Token object per token, and that tells a one-letter name ending a sentence
("... on Platform A. We then ...") from an initial ("J. Smith", "A. B. Jones"), and that ends no sentence at the
period of a reference abbreviation before a number or a lower-case word ("Fig. 3", "Smith et al. show"; the
``reference_abbreviations`` word list) nor at a one-letter variable's period before a lower-case word: see
:meth:`ArraySentencizer.letter_periods`.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

import numpy
from spacy.attrs import IS_PUNCT, LOWER, ORTH, SENT_START, SPACY
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.strings import get_string_id
from spacy.tokens import Doc

from kg.extract.base import doc_tokens
from kg.extract.candidates import doc_text
from kg.extract.pattern_data import word_lists


_NOT_A_START = numpy.uint64(2 ** 64 - 1)  # SENT_START -1 ("not a sentence start") in a uint64 token array
_PERIOD = get_string_id(".")
_LETTERS = frozenset(chr(c) for c in range(ord("A"), ord("Z") + 1))
_CAPITALS = frozenset(get_string_id(letter) for letter in _LETTERS)
_LOWER_LETTERS = frozenset(get_string_id(chr(c)) for c in range(ord("a"), ord("z") + 1))
# "Fig", "Eq", "al" (of "et al."), "pp": compared lower-cased with the word before a period
REFERENCE_ABBREVIATIONS = frozenset(word_lists("reference_abbreviations")[0]["words"])
_ABBREVIATION_IDS = frozenset(get_string_id(word) for word in REFERENCE_ABBREVIATIONS)  # LOWER values


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

    When every punct_char is punctuation (``IS_PUNCT``, as all the default ones are), only the punctuation tokens
    are visited: the token after a run of punctuation tokens that holds a punct_char starts a sentence (it is
    neither punctuation nor, then, a punct_char). Otherwise every token is visited, as spaCy does."""

    def _punct_ids(self, vocab) -> tuple[frozenset[int], bool]:
        """The string ids of the punct_chars, and whether each of them is punctuation for *vocab*'s IS_PUNCT getter
        (remembered while ``punct_chars`` is the same set object of the same size and the vocab the same: spaCy
        replaces the set, never changes it in place)."""
        chars = self.punct_chars
        cached = getattr(self, "_punct_cache", None)
        if cached is None or cached[0] is not chars or cached[1] != len(chars) or cached[2] is not vocab:
            getter = vocab.lex_attr_getters.get(IS_PUNCT)
            all_punct = getter is not None and all(getter(c) for c in chars)
            cached = self._punct_cache = (chars, len(chars), vocab, frozenset(get_string_id(c) for c in chars),
                                          all_punct)
        return cached[3], cached[4]

    def predict(self, docs: Iterable[Doc]):
        guesses = []
        for doc in docs:
            punct_ids, all_punct = self._punct_ids(doc.vocab)
            n = len(doc)
            if not n:
                guesses.append([])
                continue
            array = doc.to_array([ORTH, IS_PUNCT, LOWER])
            guess = [False] * n
            guess[0] = True
            if all_punct:
                positions = numpy.flatnonzero(array[:, 1])
                pending, previous = False, -2
                periods = []
                for at, orth in zip(positions.tolist(), array[positions, 0].tolist()):
                    if pending and at != previous + 1:
                        guess[previous + 1] = True  # the token after the run is no punctuation
                        pending = False
                    if orth in punct_ids:
                        pending = True
                        if orth == _PERIOD and at:
                            periods.append(at)
                    previous = at
                if pending and previous + 1 < n:
                    guess[previous + 1] = True
            else:
                periods = numpy.flatnonzero(array[1:, 0] == _PERIOD).tolist() if _PERIOD in punct_ids else []
                periods = [at + 1 for at in periods]
                start, seen_period = 0, False
                for i, (orth, is_punct, _) in enumerate(array.tolist()):
                    in_punct_chars = orth in punct_ids
                    if seen_period and not is_punct and not in_punct_chars:
                        guess[start] = True
                        start, seen_period = i, False
                    elif in_punct_chars:
                        seen_period = True
                guess[start] = True
            if periods:
                self.letter_periods(doc, array, periods, guess)
            guesses.append(guess)
        return guesses

    @staticmethod
    def letter_periods(doc: Doc, array, periods: list[int], guess: list[bool]) -> None:
        """Decide the sentence break after a period written together with the word before it, when that word is
        one letter or a reference abbreviation ("A.", "r.", "Fig."; kg's tokenizer splits the period off,
        kg.extract.pipeline).

        After one capital letter: a letter naming a thing ends a sentence ("on Platform A. We then"), an initial
        does not ("by J. Smith", "A. B. Jones"). The period ends no sentence before a lower-case word ("Appendix
        C. shows"), nor before another initial ("A. B."). Before a capitalised word it is an initial's when the
        letter follows no word but a function word, punctuation or the sentence start ("by J.", ", A.", "J."
        first) and the next word is no function word ("Smith", not "We" or "The"; spaCy's stop words); else it
        ends the sentence (a letter after a noun: "Platform A.", "method W."). Before a digit or punctuation,
        spaCy's rule stands (a break).

        After one lower-case letter (a variable: "of rank r. Experiments"): a break before a capitalised word,
        none before a lower-case word. After a reference abbreviation ("Fig.", "Eq.", "et al.", "pp."): no break
        before a number or a lower-case word ("Fig. 3 shows", "Smith et al. show"), spaCy's rule (a break) before
        a capitalised word."""
        n = len(doc)
        orths, lowers = array[:, 0], array[:, 2]
        spaces = None
        for at in periods:  # *periods*: "." tokens, none first
            before_orth = int(orths[at - 1])
            capital = before_orth in _CAPITALS
            lower = not capital and before_orth in _LOWER_LETTERS
            if not capital and not lower and int(lowers[at - 1]) not in _ABBREVIATION_IDS:
                continue
            if spaces is None:
                spaces = doc.to_array(SPACY)
            if spaces[at - 1] or at + 1 >= n:
                continue  # "A ." is no letter's period; the last token starts nothing
            following = doc[at + 1]
            first = following.text[:1]
            if not capital:
                if first.islower() or (not lower and first.isdigit()):
                    guess[at + 1] = False
                continue
            if following.is_punct or not first.isalpha():
                continue
            if first.islower() or (following.text in _LETTERS and at + 2 < n and orths[at + 2] == _PERIOD
                                   and not spaces[at + 1]):
                guess[at + 1] = False
                continue
            before = doc[at - 2] if at >= 2 and not guess[at - 1] else None
            initial = (before is None or before.is_punct or before.is_stop) and not following.is_stop
            guess[at + 1] = not initial


@Language.factory("kg_sentencizer", assigns=["token.is_sent_start", "doc.sents"],
                  default_config={"punct_chars": None, "overwrite": False,
                                  "scorer": {"@scorers": "spacy.senter_scorer.v1"}})
def make_sentencizer(nlp: Language, name: str, punct_chars: list[str] | None, overwrite: bool, scorer) -> ArraySentencizer:
    return ArraySentencizer(name, punct_chars=punct_chars, overwrite=overwrite, scorer=scorer)
