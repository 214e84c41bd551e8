"""``kg_acronyms``: Schwartz & Hearst (2003) detection of "long form (SF)" and "SF (long form)"."""

from __future__ import annotations

import importlib
import re

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.base import DocTokens, PatternComponent, doc_tokens

importlib.import_module("kg.extract.candidates")  # registers doc._.kg_abbreviations, which this component sets


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
        # parentheses, texts and sentence starts from the doc's token cache: no Token objects
        tokens = doc_tokens(doc)
        words, span_text = tokens.words, tokens.span_text
        n = len(words)
        for at in [i for i, word in enumerate(words) if word.text == "("]:
            close = next((i for i in range(at + 1, min(at + 16, n)) if words[i].text == ")"), None)
            if close is None or close == at + 1:
                continue
            inner_text = span_text(at + 1, close)
            if close - at - 1 <= 3 and self._is_short_form(inner_text):
                # "long form (SF)": the long form ends right before the parenthesis
                sent = tokens.sent_starts()
                sentence_start = at
                while sentence_start > 0 and not sent[sentence_start]:
                    sentence_start -= 1  # doc[at].sent.start
                window_start = max(sentence_start, at - min(len(inner_text) + 5, 2 * len(inner_text)))
                first = _schwartz_hearst(tokens, window_start, at, inner_text)
                if first is not None and _plausible_long_form(tokens, first, at, inner_text):
                    found.append([first, at, at + 1, close])
            elif close - at - 1 >= 2 and at > 0 and self._is_short_form(words[at - 1].text):
                # "SF (long form)": the long form fills the parenthesis
                short = words[at - 1].text
                first = _schwartz_hearst(tokens, at + 1, close, short)
                if first is not None and first <= at + 2 and _plausible_long_form(tokens, first, close, short):
                    found.append([first, close, at - 1, at])
        doc._.kg_abbreviations = found
        return doc

    def _is_short_form(self, text: str) -> bool:
        if not 2 <= len(text) <= self.max_short_form_chars or " " in text.strip():
            return False
        if not text[0].isalnum() or not any(c.isupper() for c in text):
            return False
        return sum(c.isalpha() for c in text) >= 2


def _schwartz_hearst(tokens: DocTokens, start: int, end: int, short: str) -> int | None:
    """Token index where the long form of *short* starts in the tokens [start, end) (which it must end), or None.

    Match the short form's characters right to left; the first one must start a word.
    """
    letters = [c.lower() for c in re.sub(r"s$", "", short) if c.isalnum()] or [short[0].lower()]
    texts = [word.text for word in tokens.words[start:end]]
    if not texts:
        return None
    text = " ".join(texts)
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
    for i, token_text in enumerate(texts):
        if offset + len(token_text) > start_char:
            return start + i
        offset += len(token_text) + 1
    return None


def _plausible_long_form(tokens: DocTokens, start: int, end: int, short: str) -> bool:
    words = tokens.words[start:end]
    if not words or words[0].is_punct or any(t.text in {".", ";", "(", ")", ":"} for t in words):
        return False
    letters = sum(c.isalnum() for c in short)
    # one plain word is no expansion of a multi-letter acronym
    text = tokens.span_text(start, end)
    return not (len(words) == 1 and "-" not in text and letters > 1 and not any(c.isupper() for c in text[1:]))
