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
string). Flags are shared by every pattern on the same vocab; when the 41 bits for conditions are used up (the
last four are kept for the may-match flags below), further conditions stay spaCy predicates (slower, same
matches). ``flagged_pattern`` does this for any
``Matcher`` (kg_results uses it too).

The gates read the flags too: a word's lexeme flags and LOWER are looked up once per word (``_words``), so a doc
costs one ``to_array`` and a set of its distinct words. ``GatedMatcher`` also compacts the doc it hands the
Matcher to the tokens that can take part in a match (see its docstring): on the sample corpus about 12% of the
tokens can for the open rules, and spaCy's Matcher makes two Python Token objects per token it reads.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import numpy
from spacy.attrs import IDS, LOWER, ORTH, SENT_START
from spacy.matcher import Matcher
from spacy.schemas import validate_token_pattern
from spacy.tokens import Doc
from spacy.vocab import Vocab

_REPEAT = re.compile(r"^\{(\d+)(?:,\d*)?\}$")
_MAX_CACHED = 512
_MAX_KNOWN = 1_000_000  # cached regex answers per condition


class _RegexTest:
    """Does any distinct token value match the regex? Answers are kept per string hash (the fallback for a REGEX
    condition when no lexeme flag bit is free)."""

    def __init__(self, regex: str, field: str):
        self.regex = re.compile(regex)
        self.field = field
        self.known: dict[int, bool] = {}

    def __call__(self, strings, hashes: set[int]) -> bool:
        known, search = self.known, self.regex.search
        if len(known) > _MAX_KNOWN:
            known.clear()
        for h in hashes:
            hit = known.get(h)
            if hit is None:
                hit = known[h] = search(strings[h]) is not None
            if hit:
                return True
        return False


_FLAG_BITS = range(19, 64)  # spaCy's FLAG19..FLAG63: the bits below are its own lexeme flags (IS_ALPHA, ...)
# the last bits are kept for the may-match flags (one per compacting GatedMatcher, added at its first doc, after
# every pattern's conditions): without one a matcher searches whole docs, so a condition that finds no other bit
# free stays a spaCy predicate (same matches) rather than take the may-match flags' place
_MAY_MATCH_RESERVE = 4
_CONDITION_BITS = _FLAG_BITS[:-_MAY_MATCH_RESERVE]
_FLAGGABLE = ("REGEX",)


_GLOBAL_FLAGS = re.compile(r"^\(\?([imsx]+)\)")  # a regex's leading global flags that can be scoped instead
_NOT_COMBINABLE = re.compile(r"\\[1-9]|\(\?P=|\(\?\(|\(\?[aLu]")  # back-references, conditionals, a/L/u flags


def _any_of(regexes: list[str]) -> Callable[[str], Any] | None:
    """One regex's ``search`` that finds a match exactly when one of *regexes* does (their alternation, each
    regex's leading global flags scoped to it), or None when they can not be so combined."""
    parts = []
    for regex in regexes:
        if _NOT_COMBINABLE.search(regex):
            return None
        flags = _GLOBAL_FLAGS.match(regex)
        parts.append(f"(?{flags.group(1)}:{regex[flags.end():]})" if flags else f"(?:{regex})")
    try:
        return re.compile("|".join(parts)).search
    except re.error:
        return None


def _anchored(regex: str) -> bool:
    """Whether *regex* can match only at the start of a string: after its leading global flags (not MULTILINE or
    VERBOSE) it begins with ``^`` and has no top-level alternation (``^a|b`` can match anywhere)."""
    flags = _GLOBAL_FLAGS.match(regex)
    if flags and ("m" in flags.group(1) or "x" in flags.group(1)):
        return False
    body = regex[flags.end():] if flags else regex
    if not body.startswith("^"):
        return False
    depth, i, in_class = 0, 0, False
    while i < len(body):
        c = body[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
            if body[i + 1:i + 2] == "^":
                i += 1
            if body[i + 1:i + 2] == "]":  # "[]...]" and "[^]...]": the first "]" is a member
                i += 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            return False
        i += 1
    return True


def _each_of(regexes: list[str]) -> tuple[Any, list[int]] | None:
    """One compiled regex that answers all of *regexes* (each anchored, :func:`_anchored`) in one ``match``: each is
    an optional lookahead at the start, ``(?:(?=(R))|)``, whose group is set exactly when ``re.search(R, s)`` finds
    a match (an anchored regex can match only at 0), and the group index of each; None when they can not be so
    combined (back-references, conditionals, clashing group names)."""
    parts, groups, at = [], [], 1
    for regex in regexes:
        if _NOT_COMBINABLE.search(regex):
            return None
        flags = _GLOBAL_FLAGS.match(regex)
        body = f"(?{flags.group(1)}:{regex[flags.end():]})" if flags else f"(?:{regex})"
        parts.append(f"(?:(?=({body}))|)")
        groups.append(at)
        try:
            at += 1 + re.compile(regex).groups
        except re.error:
            return None
    try:
        together = re.compile("".join(parts))
    except re.error:
        return None
    return (together, groups) if together.groups == at - 1 else None


class _FlagTests:
    """The REGEX / IN / NOT_IN conditions of one vocab's lexeme flags (kg's ``_LexemeTest`` getters), answered
    together for a new word.

    spaCy calls every lexeme attribute getter on each word the vocab meets for the first time, one after the
    other with the same string: kg's 40-odd flag getters would each run a regex on it (and each matcher's
    ``_MayMatch`` getter would run them again). The first kg flag getter (in the vocab's getter order) answers
    them all at once and keeps the answers for that string; the others, and ``_MayMatch``, read theirs. For each
    field ("orth", "lower") the regexes anchored at the start (:func:`_anchored`, all of kg's) are answered by one
    ``match`` of one regex (:func:`_each_of`: one optional lookahead per regex, a group set per regex that
    matches), in C instead of a Python call per regex; of the others, one combined regex (:func:`_any_of`) says
    first whether any of them matches at all, so most words run none of them. A getter asked about another
    string (``Vocab.add_flag`` going over the known words for one new flag) answers for itself alone. The answers
    are those of each test run on its own.
    """

    def __init__(self, lower: Callable[[str], str]):
        self.lower = lower
        self.tests: dict[int, tuple[str, Callable[[str], bool]]] = {}  # flag bit -> (field, test)
        self._regexes: dict[int, str] = {}  # flag bit -> its REGEX
        # per field: [(bit, is a regex, test)] of the tests not answered together, the combined search of their
        # regexes (None: not combinable), and the anchored regexes answered together (:func:`_each_of`) with
        # [(bit, group)] (None: none); made on first use after a change
        self._fields: dict[str, tuple[list[tuple[int, bool, Callable[[str], bool]]], Any, Any,
                                      list[tuple[int, int]]]] | None = None
        self.first: _LexemeTest | None = None
        self._last: str | None = None
        self._last_bits = 0

    def add(self, bit: int, field: str, kind: str, test: Callable[[str], bool], regex: str | None) -> None:
        """Register the condition of flag *bit*."""
        self.tests[bit] = (field, test)
        if kind == "REGEX":
            self._regexes[bit] = regex
        self._fields = None
        self._last = None

    def one(self, bit: int, orth: str) -> bool:
        """The test of flag *bit* on *orth* alone."""
        field, test = self.tests[bit]
        return test(self.lower(orth) if field == "lower" else orth)

    def _compile(self) -> dict[str, tuple[list[tuple[int, bool, Callable[[str], bool]]], Any, Any,
                                          list[tuple[int, int]]]]:
        fields: dict[str, tuple[list[tuple[int, bool, Callable[[str], bool]]], Any, Any, list[tuple[int, int]]]] = {}
        for field in ("orth", "lower"):
            tests = [(bit, bit in self._regexes, test) for bit, (f, test) in self.tests.items() if f == field]
            if not tests:
                continue
            anchored = [bit for bit, is_regex, _ in tests if is_regex and _anchored(self._regexes[bit])]
            together = _each_of([self._regexes[bit] for bit in anchored]) if anchored else None
            if together is not None:
                tests = [test for test in tests if test[0] not in anchored]
            regexes = [self._regexes[bit] for bit, is_regex, _ in tests if is_regex]
            fields[field] = (tests, _any_of(regexes) if regexes else None,
                             None if together is None else together[0],
                             [] if together is None else list(zip(anchored, together[1])))
        self._fields = fields
        return fields

    def bits(self, orth: str) -> int:
        """Every test's answer for *orth*: the lexeme flags, bit b set when flag b's test holds (the last string's
        answers are kept)."""
        if orth == self._last:
            return self._last_bits
        fields = self._fields if self._fields is not None else self._compile()
        bits = 0
        for field, (tests, search, together, groups) in fields.items():
            text = orth if field == "orth" else self.lower(orth)
            if together is not None:
                found = together.match(text).groups()  # every part may match empty: it always matches
                for bit, group in groups:
                    if found[group - 1] is not None:
                        bits |= 1 << bit
            no_regex_matches = search is not None and search(text) is None
            for bit, is_regex, test in tests:
                if not (no_regex_matches and is_regex) and test(text):
                    bits |= 1 << bit
        self._last, self._last_bits = orth, bits
        return bits


class _LexemeTest:
    """A lexeme flag getter: *field*'s string ("orth" or "lower") meets a REGEX, IN or NOT_IN condition.

    spaCy's predicates compare the same strings: REGEX is ``re.search`` on the token's text (or
    lower), IN / NOT_IN compare string ids. The tests of one vocab's flags are answered together
    (:class:`_FlagTests`, shared by its getters).
    """

    def __init__(self, key: tuple[str, str, Any], shared: _FlagTests, bit: int):
        self.key = key
        field, kind, value = key
        if kind == "REGEX":
            search = re.compile(value).search
            test: Callable[[str], bool] = lambda text: search(text) is not None
        elif kind == "IN":
            test = frozenset(value).__contains__
        else:
            members = frozenset(value)
            test = lambda text: text not in members
        self.shared = shared
        self.bit = bit
        shared.add(bit, field, kind, test, value if kind == "REGEX" else None)
        if shared.first is None:
            shared.first = self

    def __call__(self, orth: str) -> bool:
        shared = self.shared
        if orth == shared._last:
            # the first getter answered every test for this new word; the vocab now asks the others about it (the
            # kept answers read here, as shared.bits(orth) would return them, without its call)
            return bool(shared._last_bits >> self.bit & 1)
        if shared.first is self:
            return bool(shared.bits(orth) >> self.bit & 1)
        return shared.one(self.bit, orth)  # Vocab.add_flag: this flag over the known words


def _flag_tests(vocab: Vocab) -> _FlagTests | None:
    """The vocab's shared flag tests (None before its first kg flag)."""
    return next((g.shared for g in vocab.lex_attr_getters.values() if isinstance(g, _LexemeTest)), None)


def lexeme_flag(vocab: Vocab, field: str, kind: str, value: Any) -> int | None:
    """The flag bit that holds ``field kind value`` for every lexeme of *vocab* (added once), or None when no
    bit is free. *field* is "orth" or "lower"; *kind* one of REGEX, IN, NOT_IN."""
    key = (field, kind, value if kind == "REGEX" else tuple(sorted(set(value))))
    getters = vocab.lex_attr_getters
    for bit, getter in getters.items():
        if isinstance(getter, _LexemeTest) and getter.key == key:
            return bit
    free = next((bit for bit in _CONDITION_BITS if bit not in getters), None)
    if free is None:
        return None
    shared = _flag_tests(vocab) or _FlagTests(getters.get(LOWER) or str.lower)
    return vocab.add_flag(_LexemeTest(key, shared, free), free)


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




# -- gates: which patterns can match a doc ----------------------------------------------------------------
def _required(spec: dict[str, Any]) -> bool:
    op = spec.get("OP")
    if op is None or op in ("+", "1"):
        return True
    repeat = _REPEAT.match(op)
    return bool(repeat and int(repeat.group(1)) >= 1)


# A condition on one required token: ("bit", flag bit) - some token carries the lexeme flag; ("orth" | "lower",
# frozenset of string ids) - some token's ORTH / LOWER is one of them; ("regex-orth" | "regex-lower", _RegexTest)
# - some token's text / lower form matches (only when no flag bit was free for the regex).
Condition = tuple[str, Any]


def _condition(vocab: Vocab, spec: dict[str, Any]) -> Condition | None:
    """The cheapest necessary condition on one required token, or None."""
    best: tuple[int, Condition] | None = None
    for key, value in spec.items():
        attr = {"TEXT": ORTH, "ORTH": ORTH, "LOWER": LOWER}.get(key.upper()) if isinstance(key, str) else None
        if attr is None:
            continue
        field = "orth" if attr == ORTH else "lower"
        found: tuple[int, Condition] | None = None
        if isinstance(value, str):
            found = (0, (field, frozenset({vocab.strings.add(value)})))
        elif isinstance(value, dict) and isinstance(value.get("IN"), list) \
                and all(isinstance(v, str) for v in value["IN"]):
            found = (0, (field, frozenset(vocab.strings.add(v) for v in value["IN"])))
        elif isinstance(value, dict) and isinstance(value.get("REGEX"), str):
            # the flag flagged_pattern reads for this regex (the same bit): a column of doc.to_array
            bit = lexeme_flag(vocab, field, "REGEX", value["REGEX"])
            found = (0, ("bit", bit)) if bit is not None else (1, ("regex-" + field, _RegexTest(value["REGEX"], field)))
        if found is not None and (best is None or found[0] < best[0]):
            best = found
    return None if best is None else best[1]


def pattern_gate(vocab: Vocab, pattern: list[dict[str, Any]]) -> list[Condition]:
    """Necessary conditions for *pattern* to match a doc, cheapest first (empty: always try it)."""
    conditions = [c for spec in pattern if isinstance(spec, dict) and _required(spec)
                  for c in [_condition(vocab, spec)] if c is not None]
    return sorted(conditions, key=lambda c: c[0].startswith("regex"))


# -- compaction: the Matcher reads only the tokens that can take part in a match ----------------------------
# Lexeme attributes a spec may test for the doc to be compacted (a token's value is its lexeme's), and the
# token attributes copied to the compact doc. Any other attribute (NORM, POS, TAG, DEP, LEMMA, ENT_*, "_", ...)
# turns compaction off for the matcher.
_LEXEME_KEYS = frozenset({"TEXT", "ORTH", "LOWER", "LENGTH", "SHAPE", "PREFIX", "SUFFIX", *(
    name for name in IDS if name.startswith(("IS_", "LIKE_")) and name not in ("IS_SENT_START", "IS_OOV_DEPRECATED"))})
_SENTENCE_KEYS = frozenset({"IS_SENT_START", "SENT_START"})
_COMPACT_BELOW = 0.6  # compact when fewer than this share of the tokens can take part in a match


def _compactable(pattern: list[dict[str, Any]]) -> bool:
    return all(isinstance(spec, dict) and all(
        key == "OP" or isinstance(key, int) or isinstance(key, str) and key.upper() in _LEXEME_KEYS | _SENTENCE_KEYS
        for key in spec) for spec in pattern)


class _MayMatch:
    """A lexeme flag getter: could a token with this text meet one of *specs* (the specs of a matcher's
    patterns)? Only lexeme attributes are tested (a token's sentence start is not known here), so the answer is
    True for every word that can take part in a match, and False only for words that can take part in none.

    The tests read the same getters that gave the lexemes their attributes (``vocab.lex_attr_getters``): IS_* /
    LIKE_* flags and flag bits are the getter's value, TEXT/ORTH the text, LOWER the LOWER getter's value;
    string equality, IN, NOT_IN and REGEX compare as spaCy's Matcher does. Other conditions count as met.

    The flag conditions of a spec become two masks over the lexeme flags (the bits it needs set and those it
    needs clear): a new word's kg flags come from the vocab's shared answers (:class:`_FlagTests`, already
    computed for the word), its IS_* flags from their getters. ``from_lexeme`` answers for a word the vocab
    already holds from its stored flags and strings (what the getters gave it), so adding the flag goes over the
    vocabulary without running any test again (``add_to``).
    """

    def __init__(self, vocab: Vocab, specs: list[dict[str, Any]]):
        self.key = ("may-match", json.dumps([{str(k): v for k, v in spec.items()} for spec in specs], sort_keys=True))
        getters = vocab.lex_attr_getters
        lower = getters.get(LOWER) or str.lower
        self.specs: list[list[Callable[[str, str], bool]]] = []
        # the same specs as (flag bits needed set, flag bits needed clear, other tests); the shared kg flag answers
        # and the getters of the other flag bits they read
        self._masked: list[tuple[int, int, tuple[Callable[[str, str], bool], ...]]] = []
        self._shared: _FlagTests | None = None
        self._getter_bits: dict[int, Callable[[str], Any]] = {}
        # specs whose one test is the text (or lower form) being one of some strings: a set look-up each
        self.texts: set[str] = set()
        self.lowers: set[str] = set()
        for spec in specs:
            tested = [(key, value, test) for key, value in spec.items() if key != "OP"
                      for test in [self._test(getters, key, value)] if test is not None]
            if not tested:
                self.specs = []
                self.always = True
                return
            exact = self._exact(*tested[0][:2]) if len(tested) == 1 else None
            if exact is not None:
                (self.lowers if exact[0] else self.texts).update(exact[1])
            else:
                self.specs.append([test for _, _, test in tested])
                self._masked.append(self._masks(getters, tested))
        self.always = False
        self.lower = lower

    def _masks(self, getters, tested: list[tuple[Any, Any, Callable[[str, str], bool]]]
               ) -> tuple[int, int, tuple[Callable[[str, str], bool], ...]]:
        """One spec as (the flag bits it needs set, those it needs clear, its other tests)."""
        need = clear = 0
        others = []
        for key, value, test in tested:
            if isinstance(key, int):
                bit, wanted = key, bool(value)
            else:
                bit, wanted = IDS.get(key.upper()), value  # IS_* / LIKE_* (_test took only booleans)
                if not (key.upper().startswith(("IS_", "LIKE_")) and isinstance(value, bool)):
                    bit = None
            if bit is None or not 0 < bit < 64 or bit not in getters:
                others.append(test)
                continue
            if wanted:
                need |= 1 << bit
            else:
                clear |= 1 << bit
            getter = getters[bit]
            if isinstance(getter, _LexemeTest) and (self._shared is None or getter.shared is self._shared):
                self._shared = getter.shared
            else:
                self._getter_bits[bit] = getter
        return need, clear, tuple(others)

    def _meets(self, flags: int, text: str, low: str) -> bool:
        if text in self.texts or low in self.lowers:
            return True
        for need, clear, others in self._masked:
            if flags & need == need and not flags & clear and all(test(text, low) for test in others):
                return True
        return False

    def from_lexeme(self, lexeme) -> bool:
        """The answer for a word the vocab holds, from its stored flags, text and lower form."""
        return self.always or self._meets(lexeme.flags, lexeme.orth_, lexeme.lower_)

    def add_to(self, vocab: Vocab, bit: int) -> int:
        """``vocab.add_flag(self, bit)``, the known words' flags set from :meth:`from_lexeme`."""
        for lexeme in vocab:
            lexeme.set_flag(bit, self.from_lexeme(lexeme))
        vocab.lex_attr_getters[bit] = self
        return bit

    @staticmethod
    def _exact(key: Any, value: Any) -> tuple[bool, frozenset[str]] | None:
        """(whether it reads the lower form, the strings) of a TEXT/ORTH/LOWER condition that is equality with a
        string or IN a list of strings, else None."""
        name = key.upper() if isinstance(key, str) else None
        if name not in ("TEXT", "ORTH", "LOWER"):
            return None
        if isinstance(value, str):
            return name == "LOWER", frozenset([value])
        if isinstance(value, dict) and set(value) == {"IN"} and isinstance(value["IN"], list) and all(
                isinstance(v, str) for v in value["IN"]):
            return name == "LOWER", frozenset(value["IN"])
        return None

    @staticmethod
    def _test(getters, key: Any, value: Any) -> Callable[[str, str], bool] | None:
        if isinstance(key, int):
            getter = getters.get(key)
            return None if getter is None else (lambda text, low, g=getter, v=bool(value): bool(g(text)) == v)
        name = key.upper()
        if name in ("TEXT", "ORTH", "LOWER"):
            use_lower = name == "LOWER"
            if isinstance(value, str):
                return lambda text, low, v=value, u=use_lower: (low if u else text) == v
            if not isinstance(value, dict):
                return None
            tests = []
            for kind, operand in value.items():
                if kind == "IN" and isinstance(operand, list):
                    members = frozenset(operand)
                    tests.append(lambda s, m=members: s in m)
                elif kind == "NOT_IN" and isinstance(operand, list):
                    members = frozenset(operand)
                    tests.append(lambda s, m=members: s not in m)
                elif kind == "REGEX" and isinstance(operand, str):
                    search = re.compile(operand).search
                    tests.append(lambda s, f=search: f(s) is not None)
            if not tests:
                return None
            return lambda text, low, ts=tuple(tests), u=use_lower: all(t(low if u else text) for t in ts)
        attr = IDS.get(name)
        if name.startswith(("IS_", "LIKE_")) and attr in getters and isinstance(value, bool):
            getter = getters[attr]
            return lambda text, low, g=getter, v=value: bool(g(text)) == v
        return None

    def __call__(self, text: str) -> bool:
        if self.always or text in self.texts:
            return True
        flags = self._shared.bits(text) if self._shared is not None else 0
        for bit, getter in self._getter_bits.items():
            if getter(text):
                flags |= 1 << bit
        return self._meets(flags, text, self.lower(text))


class GatedMatcher:
    """``Matcher``-compatible for ``add(key, patterns, greedy=...)``, ``len()`` and ``matcher(doc)``.

    Add each key once (spaCy's ``greedy`` filter works per key).

    Besides skipping patterns whose gate fails, it hands the Matcher only the tokens that can take part in a
    match, when they are few (``_COMPACT_BELOW``). spaCy's Matcher makes a Python Token object for every token
    it reads (twice), whatever its patterns; a lexeme flag (``_MayMatch``) says which words can meet any token
    spec of any pattern. Every maximal run of tokens that cannot is replaced by its first token (which cannot
    either), the Matcher runs over that compact doc (same words, same sentence starts) and the match offsets
    are mapped back. No match can hold a token that meets no spec, and a run of such tokens ends every partial
    match as one such token does, so the matches, their order and the greedy filter's choices are the same.
    Compaction is off when a pattern reads a token attribute besides the sentence start (NORM, POS, DEP, ...)
    or when no flag bit is free.
    """

    def __init__(self, vocab: Vocab):
        self.vocab = vocab
        self._patterns: list[tuple[str, list[dict[str, Any]], str | None]] = []
        # per pattern: the lexeme flag bits its required tokens need (bit b of the int: flag b), other conditions
        self._gates: list[tuple[int, tuple[Condition, ...]]] = []
        self._gate_bits: list[frozenset[int]] = []
        self._words: dict[int, tuple[int, int]] = {}  # ORTH -> (the word's lexeme flags, its LOWER)
        self._sentences = False  # whether a pattern reads the sentence start
        self._keys: set[str] = set()
        self._cache: dict[tuple[int, ...], Matcher] = {}
        self._compact = True
        self._may_bit: int | None | bool = False  # False: not looked up yet

    def add(self, key: str, patterns: list[list[dict[str, Any]]], *, greedy: str | None = None) -> None:
        for pattern in patterns:
            checked_pattern(key, pattern)
            gate = pattern_gate(self.vocab, pattern)
            self._patterns.append((key, flagged_pattern(self.vocab, pattern), greedy))
            self._gate_bits.append(frozenset(c[1] for c in gate if c[0] == "bit"))
            self._gates.append((0, tuple(c for c in gate if c[0] != "bit")))
            self._compact = self._compact and _compactable(pattern)
            self._sentences = self._sentences or any(
                isinstance(k, str) and k.upper() in _SENTENCE_KEYS for spec in pattern for k in spec)
        self._keys.add(key)
        self._cache.clear()
        self._words.clear()
        self._gates = [(sum(1 << bit for bit in bits), conditions)
                       for bits, (_, conditions) in zip(self._gate_bits, self._gates)]
        self._may_bit = False

    def __len__(self) -> int:
        return len(self._keys)

    def _matcher(self, active: tuple[int, ...]) -> Matcher:
        matcher = self._cache.get(active)
        if matcher is None:
            matcher = Matcher(self.vocab, validate=False)  # validated in add(); flag bits have no schema name
            for i in active:
                key, pattern, greedy = self._patterns[i]
                matcher.add(key, [pattern], greedy=greedy)
            if len(self._cache) >= _MAX_CACHED:
                self._cache.clear()
            self._cache[active] = matcher
        return matcher

    def _may_match_bit(self) -> int | None:
        if self._may_bit is False:
            bit = None
            if self._compact and self._patterns:
                specs = list({json.dumps({str(k): v for k, v in spec.items() if k != "OP"}, sort_keys=True): spec
                              for _, pattern, _ in self._patterns for spec in pattern}.values())
                getter = _MayMatch(self.vocab, specs)
                if not getter.always:
                    bit = next((b for b, g in self.vocab.lex_attr_getters.items()
                                if isinstance(g, _MayMatch) and g.key == getter.key), None)
                    if bit is None:
                        free = next((b for b in _FLAG_BITS if b not in self.vocab.lex_attr_getters), None)
                        bit = None if free is None else getter.add_to(self.vocab, free)
            self._may_bit = bit
        return self._may_bit

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        if not len(doc):
            return []
        may = self._may_match_bit()
        if may is None:
            return self._match_whole(doc)
        sentences = self._sentences and doc.has_annotation("SENT_START")
        array = doc.to_array([ORTH, may, SENT_START] if sentences else [ORTH, may])
        mask = array[:, 1] != 0
        # only tokens that can take part in a match can meet a required token's condition
        active = self._active(set(array[mask, 0].tolist()))
        if not active:
            return []
        matcher = self._matcher(active)
        if numpy.count_nonzero(mask) / len(mask) >= _COMPACT_BELOW:  # mask.mean(), without numpy's reduction set-up
            return matcher(doc)
        keep = mask.copy()
        keep[1:] |= mask[:-1]  # the first token of each run that can not match stands for the run
        keep[0] = True
        positions = numpy.flatnonzero(keep)
        compact = Doc(doc.vocab, words=array[positions, 0].tolist())
        if sentences:
            compact.from_array([SENT_START], array[positions, 2])
        at = positions.tolist()
        return [(key, at[start], at[end - 1] + 1) for key, start, end in matcher(compact)]

    def _match_whole(self, doc: Doc) -> list[tuple[int, int, int]]:
        active = self._active(set(doc.to_array(ORTH).tolist()))
        return self._matcher(active)(doc) if active else []

    def _active(self, orths: set[int]) -> tuple[int, ...]:
        """The patterns whose gates the words *orths* (string ids of the doc's words) pass."""
        words = self._words
        if len(words) > _MAX_KNOWN:
            words.clear()
        vocab = self.vocab
        present = 0
        lowers = set()
        for orth in orths:
            known = words.get(orth)
            if known is None:
                lexeme = vocab[orth]
                known = words[orth] = (lexeme.flags, lexeme.lower)
            present |= known[0]
            lowers.add(known[1])
        strings = vocab.strings
        active = []
        for i, (required, conditions) in enumerate(self._gates):
            if required & present != required:
                continue
            for kind, test in conditions:
                hashes = orths if kind.endswith("orth") else lowers
                if not (test(strings, hashes) if kind.startswith("regex-") else not test.isdisjoint(hashes)):
                    break
            else:
                active.append(i)
        return tuple(active)
