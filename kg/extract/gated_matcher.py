"""A spaCy ``Matcher`` that skips, per doc, the token patterns that cannot match it.

spaCy's ``Matcher`` tries every pattern at every token, and a ``REGEX`` predicate costs about as
much on a doc where it never matches as on one where it does. ``GatedMatcher`` reads, from each
pattern, the tokens it requires (no ``OP``, or ``+`` / ``{n,m}`` with n >= 1) and one condition on
each (``TEXT``/``ORTH``/``LOWER`` equal to a string, ``IN`` a list, or ``REGEX``). A doc whose
tokens cannot meet those conditions is not searched for that pattern; the remaining patterns run
in one spaCy ``Matcher`` (cached per set of patterns), added in their original order, so the
matches and their order are those of one ``Matcher`` holding every pattern.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from spacy.attrs import LOWER, ORTH
from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

_REPEAT = re.compile(r"^\{(\d+)(?:,\d*)?\}$")
_MAX_CACHED = 512
_MAX_KNOWN = 1_000_000  # cached regex answers per condition


class _DocTokens:
    """The distinct ORTH and LOWER hashes of a doc."""

    def __init__(self, doc: Doc):
        self.strings = doc.vocab.strings
        arr = doc.to_array([ORTH, LOWER])
        self.orth = set(arr[:, 0].tolist())
        self.lower = set(arr[:, 1].tolist())


class _RegexTest:
    """Does any distinct token value match the regex? Answers are kept per string hash (a lexeme flag)."""

    def __init__(self, regex: str, field: str):
        self.regex = re.compile(regex)
        self.field = field
        self.known: dict[int, bool] = {}

    def __call__(self, tokens: _DocTokens) -> bool:
        known, search, strings = self.known, self.regex.search, tokens.strings
        if len(known) > _MAX_KNOWN:
            known.clear()
        for h in getattr(tokens, self.field):
            hit = known.get(h)
            if hit is None:
                hit = known[h] = search(strings[h]) is not None
            if hit:
                return True
        return False


Condition = Callable[[_DocTokens], bool]


def _required(spec: dict[str, Any]) -> bool:
    op = spec.get("OP")
    if op is None or op in ("+", "1"):
        return True
    repeat = _REPEAT.match(op)
    return bool(repeat and int(repeat.group(1)) >= 1)


def _condition(vocab: Vocab, spec: dict[str, Any]) -> tuple[int, Condition] | None:
    """The cheapest necessary condition on one required token: (cost rank, test), or None."""
    best: tuple[int, Condition] | None = None
    for key, value in spec.items():
        attr = {"TEXT": ORTH, "ORTH": ORTH, "LOWER": LOWER}.get(key.upper())
        if attr is None:
            continue
        field = "orth" if attr == ORTH else "lower"
        found: tuple[int, Condition] | None = None
        if isinstance(value, str):
            wanted = {vocab.strings.add(value)}
        elif isinstance(value, dict) and isinstance(value.get("IN"), list) \
                and all(isinstance(v, str) for v in value["IN"]):
            wanted = {vocab.strings.add(v) for v in value["IN"]}
        elif isinstance(value, dict) and isinstance(value.get("REGEX"), str):
            found = (1, _RegexTest(value["REGEX"], field))
            wanted = None
        else:
            continue
        if wanted is not None:
            found = (0, lambda toks, w=frozenset(wanted), f=field: not w.isdisjoint(getattr(toks, f)))
        if found is not None and (best is None or found[0] < best[0]):
            best = found
    return best


def pattern_gate(vocab: Vocab, pattern: list[dict[str, Any]]) -> list[Condition]:
    """Necessary conditions for *pattern* to match a doc, cheapest first (empty: always try it)."""
    conditions = [c for spec in pattern if isinstance(spec, dict) and _required(spec)
                  for c in [_condition(vocab, spec)] if c is not None]
    return [test for _, test in sorted(conditions, key=lambda c: c[0])]


class GatedMatcher:
    """``Matcher``-compatible for ``add(key, patterns, greedy=...)``, ``len()`` and ``matcher(doc)``.

    Add each key once (spaCy's ``greedy`` filter works per key).
    """

    def __init__(self, vocab: Vocab):
        self.vocab = vocab
        self._patterns: list[tuple[str, list[dict[str, Any]], list[Condition], str | None]] = []
        self._keys: set[str] = set()
        self._cache: dict[tuple[int, ...], Matcher] = {}

    def add(self, key: str, patterns: list[list[dict[str, Any]]], *, greedy: str | None = None) -> None:
        for pattern in patterns:
            self._patterns.append((key, pattern, pattern_gate(self.vocab, pattern), greedy))
        self._keys.add(key)
        self._cache.clear()

    def __len__(self) -> int:
        return len(self._keys)

    def _matcher(self, active: tuple[int, ...]) -> Matcher:
        matcher = self._cache.get(active)
        if matcher is None:
            matcher = Matcher(self.vocab)
            for i in active:
                key, pattern, _, greedy = self._patterns[i]
                matcher.add(key, [pattern], greedy=greedy)
            if len(self._cache) >= _MAX_CACHED:
                self._cache.clear()
            self._cache[active] = matcher
        return matcher

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        tokens = _DocTokens(doc)
        active = tuple(i for i, (_, _, gate, _) in enumerate(self._patterns) if all(test(tokens) for test in gate))
        if not active:
            return []
        return self._matcher(active)(doc)
