"""A spaCy ``Matcher`` that skips, per doc, the token patterns that cannot match it.

spaCy's ``Matcher`` tries every pattern at every token, and a ``REGEX`` predicate costs about as
much on a doc where it never matches as on one where it does. ``GatedMatcher`` reads, from each
pattern, the tokens it requires (no ``OP``, or ``+`` / ``{n,m}`` with n >= 1) and one condition on
each (``TEXT``/``ORTH``/``LOWER`` equal to a string, ``IN`` a list, or ``REGEX``). A doc whose
tokens cannot meet those conditions is not searched for that pattern; the remaining patterns run
in one spaCy ``Matcher`` (cached per set of patterns), added in their original order, so the
matches and their order are those of one ``Matcher`` holding every pattern.

Conditions that spaCy evaluates in Python at every token (``REGEX``, ``IN`` and ``NOT_IN`` on
``TEXT``/``ORTH``/``LOWER``) become lexeme flags (``Vocab.add_flag``, bits FLAG19-FLAG63): a flag is
computed once per word of the vocabulary, when the word is first seen, and the Matcher then reads it
in C like ``IS_TITLE``. The answers are the same (the getter applies the same test to the same
string). Flags are shared by every pattern on the same vocab; when the 45 bits are used up, further
conditions stay spaCy predicates (slower, same matches). ``flagged_pattern`` does this for any
``Matcher`` (kg_results uses it too).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from spacy.attrs import LOWER, ORTH
from spacy.matcher import Matcher
from spacy.schemas import validate_token_pattern
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

_FLAG_BITS = range(19, 64)  # spaCy's FLAG19..FLAG63: the bits below are its own lexeme flags (IS_ALPHA, ...)
_FLAGGABLE = ("REGEX",)


class _LexemeTest:
    """A lexeme flag getter: *field*'s string ("orth" or "lower") meets a REGEX, IN or NOT_IN condition.

    spaCy's predicates compare the same strings: REGEX is ``re.search`` on the token's text (or
    lower), IN / NOT_IN compare string ids.
    """

    def __init__(self, key: tuple[str, str, Any], lower: Callable[[str], str] | None):
        self.key = key
        field, kind, value = key
        self.lower = lower if field == "lower" else None
        if kind == "REGEX":
            search = re.compile(value).search
            self.test: Callable[[str], bool] = lambda text: search(text) is not None
        elif kind == "IN":
            self.test = frozenset(value).__contains__
        else:
            members = frozenset(value)
            self.test = lambda text: text not in members

    def __call__(self, orth: str) -> bool:
        return self.test(self.lower(orth) if self.lower is not None else orth)


def lexeme_flag(vocab: Vocab, field: str, kind: str, value: Any) -> int | None:
    """The flag bit that holds ``field kind value`` for every lexeme of *vocab* (added once), or None when no
    bit is free. *field* is "orth" or "lower"; *kind* one of REGEX, IN, NOT_IN."""
    key = (field, kind, value if kind == "REGEX" else tuple(sorted(set(value))))
    getters = vocab.lex_attr_getters
    for bit, getter in getters.items():
        if isinstance(getter, _LexemeTest) and getter.key == key:
            return bit
    free = next((bit for bit in _FLAG_BITS if bit not in getters), None)
    if free is None:
        return None
    lower = getters.get(LOWER) or str.lower
    return vocab.add_flag(_LexemeTest(key, lower), free)


def flagged_pattern(vocab: Vocab, pattern: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """*pattern* with its REGEX / IN / NOT_IN conditions on TEXT, ORTH or LOWER read from lexeme flags.

    Add the result to a ``Matcher(vocab, validate=False)`` (spaCy's schema does not name flag bits);
    validate the original pattern first.
    """
    converted = []
    for spec in pattern:
        if not isinstance(spec, dict):
            converted.append(spec)
            continue
        spec = dict(spec)
        for key in list(spec):
            value = spec[key]
            field = {"TEXT": "orth", "ORTH": "orth", "LOWER": "lower"}.get(key.upper()) if isinstance(key, str) else None
            if field is None or not isinstance(value, dict) or not value or \
                    not all(kind in _FLAGGABLE for kind in value):
                continue
            if any(kind != "REGEX" and not (isinstance(v, list) and all(isinstance(x, str) for x in v))
                   or kind == "REGEX" and not isinstance(v, str) for kind, v in value.items()):
                continue
            bits = {lexeme_flag(vocab, field, kind, v if kind == "REGEX" else tuple(v)): kind
                    for kind, v in value.items()}
            if None in bits or any(bit in spec for bit in bits):
                continue
            del spec[key]
            spec.update({bit: True for bit in bits})
        converted.append(spec)
    return converted


def checked_pattern(key: str, pattern: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """*pattern*, if spaCy's token-pattern schema accepts it (else ValueError naming *key*)."""
    errors = validate_token_pattern(pattern)
    if errors:
        raise ValueError(f"invalid token pattern for {key!r}: {'; '.join(errors)}")
    return pattern


def add_flagged(matcher: Matcher, key: str, patterns: list[list[dict[str, Any]]], *, greedy: str | None = None) -> None:
    """``matcher.add`` of *patterns*, validated, with their conditions read from lexeme flags (flagged_pattern).
    *matcher* is a ``Matcher(vocab, validate=False)``."""
    matcher.add(key, [flagged_pattern(matcher.vocab, checked_pattern(key, pattern)) for pattern in patterns],
                greedy=greedy)


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
            checked_pattern(key, pattern)
            self._patterns.append((key, flagged_pattern(self.vocab, pattern), pattern_gate(self.vocab, pattern),
                                   greedy))
        self._keys.add(key)
        self._cache.clear()

    def __len__(self) -> int:
        return len(self._keys)

    def _matcher(self, active: tuple[int, ...]) -> Matcher:
        matcher = self._cache.get(active)
        if matcher is None:
            matcher = Matcher(self.vocab, validate=False)  # validated in add(); flag bits have no schema name
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
