"""``kg_acronyms``: Schwartz & Hearst (2003) detection of "long form (SF)" and "SF (long form)"."""

from __future__ import annotations

import re

from spacy.attrs import ORTH
from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.extract.base import PatternComponent
from kg.extract import candidates as _contract  # noqa: F401  (registers doc._.kg_abbreviations)


@Language.factory("kg_acronyms", default_config={"pattern_files": [], "max_short_form_chars": 12})
def make_acronyms(nlp: Language, name: str, pattern_files: list[str], max_short_form_chars: int) -> AcronymDetector:
    return AcronymDetector(nlp, name, pattern_files=pattern_files, max_short_form_chars=max_short_form_chars)


class AcronymDetector(PatternComponent):
    """Find "long form (SF)" definitions; sets ``doc._.kg_abbreviations`` to
    ``[[long_start, long_end, short_start, short_end], ...]`` (token offsets)."""

    settings = ("max_short_form_chars",)

    def __init__(self, nlp: Language, name: str = "kg_acronyms", *, pattern_files: list[str] = (),
                 max_short_form_chars: int = 12):
        super().__init__(nlp, name, pattern_files=pattern_files, max_short_form_chars=max_short_form_chars)
        self.initialized = True  # no patterns: works without initialize()

    def __call__(self, doc: Doc) -> Doc:
        found = []
        # parentheses from the ORTH array: no Token object for the tokens between them
        strings = doc.vocab.strings
        orths = doc.to_array(ORTH).tolist() if len(doc) else []
        opening, closing = strings.add("("), strings.add(")")
        for at in [i for i, orth in enumerate(orths) if orth == opening]:
            open_paren = doc[at]
            close = next((i for i in range(at + 1, min(at + 16, len(orths))) if orths[i] == closing), None)
            if close is None or close == open_paren.i + 1:
                continue
            inner = doc[open_paren.i + 1: close]
            if len(inner) <= 3 and self._is_short_form(inner.text):
                # "long form (SF)": the long form ends right before the parenthesis
                window_start = max(doc[open_paren.i].sent.start,
                                   open_paren.i - min(len(inner.text) + 5, 2 * len(inner.text)))
                first = _schwartz_hearst(doc[window_start:open_paren.i], inner.text)
                if first is not None and _plausible_long_form(doc[first:open_paren.i], inner.text):
                    found.append([first, open_paren.i, inner.start, inner.end])
            elif len(inner) >= 2 and open_paren.i > 0 and self._is_short_form(doc[open_paren.i - 1].text):
                # "SF (long form)": the long form fills the parenthesis
                short = doc[open_paren.i - 1]
                first = _schwartz_hearst(inner, short.text)
                if first is not None and first <= inner.start + 1 and _plausible_long_form(doc[first:close], short.text):
                    found.append([first, close, short.i, short.i + 1])
        doc._.kg_abbreviations = found
        return doc

    def _is_short_form(self, text: str) -> bool:
        if not 2 <= len(text) <= self.max_short_form_chars or " " in text.strip():
            return False
        if not text[0].isalnum() or not any(c.isupper() for c in text):
            return False
        return sum(c.isalpha() for c in text) >= 2


def _schwartz_hearst(window: Span, short: str) -> int | None:
    """Token index where the long form of *short* starts in *window* (which it must end), or None.

    Match the short form's characters right to left; the first one must start a word.
    """
    letters = [c.lower() for c in re.sub(r"s$", "", short) if c.isalnum()] or [short[0].lower()]
    tokens = list(window)
    if not tokens:
        return None
    text = " ".join(t.text for t in tokens)
    s_index, l_index = len(letters) - 1, len(text) - 1
    while s_index >= 0:
        char = letters[s_index]
        while l_index >= 0 and (text[l_index].lower() != char or (
                s_index == 0 and l_index > 0 and text[l_index - 1].isalnum())):
            l_index -= 1
        if l_index < 0:
            return None
        s_index -= 1
        l_index -= 1
    start_char = l_index + 1
    offset = 0
    for token in tokens:
        if offset + len(token.text) > start_char:
            return token.i
        offset += len(token.text) + 1
    return None


def _plausible_long_form(span: Span, short: str) -> bool:
    if not len(span) or span[0].is_punct or any(t.text in {".", ";", "(", ")", ":"} for t in span):
        return False
    letters = sum(c.isalnum() for c in short)
    # one plain word is no expansion of a multi-letter acronym
    return not (len(span) == 1 and "-" not in span.text and letters > 1 and not any(c.isupper() for c in span.text[1:]))

