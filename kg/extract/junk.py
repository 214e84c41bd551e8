"""``kg_junk_filter``: candidates that are never entities leave the candidate group.

The rules are data (``patterns/junk.jsonl``), by kind:

- ``token``: a regex that any token of the candidate matches: citation keys ("Mnih15",
  "ZarembaSV14", "szegedy2015inception"), LaTeX debris;
- ``text``: a regex over the doc text; no candidate may overlap a match ("flanigan-EtAl:2014:P14-1"). Its
  optional ``requires`` is a regex every match contains: the rule is not run over a text without one (a
  rule whose matches can start at any word is slow to scan, its required part is quick to look for);
- ``span``: a regex the whole candidate matches: bare numbers with units ("+ 0.39dB"), addresses;
- ``word``: words that make a candidate an affiliation ("University", "Inc.");
- ``initial``: capitalised sentence-initial words that are no part of a name; they are cut from the
  candidate's start ("Since GPUs" -> "GPUs") rather than dropping it.

Curated vocabulary names are trusted: only the ``text`` and ``initial`` rules apply to them.
"""

from __future__ import annotations

import re
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.base import DocTokens, PatternComponent, Word, doc_tokens
from kg.extract.candidates import IGNORE, Candidate, ProposesCandidates, candidate, candidates, doc_text, set_candidates


@Language.factory("kg_junk_filter", default_config={"pattern_files": ["junk.jsonl"]})
def make_junk_filter(nlp: Language, name: str, pattern_files: list[str]) -> JunkFilter:
    return JunkFilter(nlp, name, pattern_files=pattern_files)


class JunkFilter(ProposesCandidates, PatternComponent):
    """Drop (or trim) junk candidates in ``doc.spans["kg_candidates"]`` (see the module docstring)."""

    def __init__(self, nlp: Language, name: str = "kg_junk_filter", *, pattern_files: list[str] = ("junk.jsonl",)):
        super().__init__(nlp, name, pattern_files=pattern_files)

    def clear(self) -> None:
        self.token_rules: list[re.Pattern] = []
        self.text_rules: list[re.Pattern] = []
        self.text_requires: list[re.Pattern | None] = []  # per text rule: what each of its matches contains
        self.span_rules: list[re.Pattern] = []
        self.junk_words: dict[str, frozenset[str]] = {"word": frozenset(), "initial": frozenset()}
        self._combined: re.Pattern | None = None
        self._junk_words: dict[int, bool] = {}  # ORTH -> junk: a word's answer never changes (until add())

    def add(self, rows: list[dict[str, Any]]) -> None:
        self._combined = None
        self._junk_words = {}
        rules = {"token": self.token_rules, "text": self.text_rules, "span": self.span_rules}
        for row in rows:
            if row["kind"] in rules:
                rules[row["kind"]].append(re.compile(row["regex"]))
                if row["kind"] == "text":
                    self.text_requires.append(re.compile(row["requires"]) if "requires" in row else None)
            else:
                self.junk_words[row["kind"]] = self.junk_words[row["kind"]] | {w.lower() for w in row["words"]}

    def propose(self, doc: Doc) -> Doc:
        self.check_initialized()
        found = candidates(doc)
        if not found:
            return doc
        blocked: set[int] = set()
        text = doc_text(doc) if self.text_rules else ""
        for rule, requires in zip(self.text_rules, self.text_requires):
            if requires is not None and requires.search(text) is None:
                continue  # no match of the rule can be in this text
            for match in rule.finditer(text):
                span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
                if span is not None:
                    blocked.update(range(span.start, span.end))
        token_rule = self._token_rule()
        tokens = doc_tokens(doc)  # lexeme attributes and sentence starts per token: no Token objects
        kept = []
        changed = False
        for span in found:
            new = self._clean(doc, span, blocked, token_rule, tokens)
            changed = changed or new is not span
            if new is not None:
                kept.append(new)
        if changed:
            set_candidates(doc, kept)
        return doc

    def _token_rule(self) -> re.Pattern | None:
        if self._combined is None and self.token_rules:
            self._combined = re.compile("|".join(f"(?:{rule.pattern})" for rule in self.token_rules))
        return self._combined

    def _junk_word(self, word: Word, token_rule) -> bool:
        """A word that makes a candidate junk: a token rule matches its text, or its lower form is a junk word."""
        junk = self._junk_words.get(word.orth)
        if junk is None:
            if len(self._junk_words) > 1_000_000:
                self._junk_words.clear()
            words, lower_text = self.junk_words["word"], word.lower_
            junk = self._junk_words[word.orth] = bool(token_rule and token_rule.search(word.text)) or (
                lower_text in words) or lower_text.rstrip(".") in words
        return junk

    def _clean(self, doc: Doc, span: Candidate, blocked: set[int], token_rule, tokens: DocTokens | None = None) -> Candidate | None:
        if span.label_ == IGNORE:
            return span
        if blocked and any(i in blocked for i in range(span.start, span.end)):
            return None
        tokens = tokens or doc_tokens(doc)
        words = tokens.words
        start = span.start
        initial = self.junk_words["initial"]
        if words[start].is_title and words[start].lower_ in initial:
            sent = tokens.sent_starts()
            while start < span.end - 1 and words[start].is_title and words[start].lower_ in initial and (
                    sent[start] or start == 0 or words[start - 1].text in {"\n", ":"}):
                start += 1
            if start == span.end - 1 and words[start].is_title and words[start].lower_ in initial:
                return None
        if span.id_ != "vocabulary":
            for i in range(start, span.end):
                if self._junk_word(words[i], token_rule):
                    return None
            if self.span_rules:
                text = tokens.span_text(start, span.end)
                if any(rule.search(text) for rule in self.span_rules):
                    return None
        if start != span.start:
            return candidate(doc, start, span.end, span.label_, span.id_, span.kb_id_)
        return span
