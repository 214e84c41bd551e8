"""Shared plumbing for kg's pattern-driven spaCy components.

A component's state is a list of pattern rows (validated data from ``kg/extract/patterns``) plus
a few keyword-only settings. The factory builds an empty component; ``initialize()`` loads the
default pattern files named in its config (or the ``patterns`` given), once; ``to_bytes`` /
``to_disk`` save the rows and settings, and ``from_bytes`` / ``from_disk`` restore them without
reading the package files again. That serialisation is :class:`SerialisedState`, which every kg
component with rows and settings shares (``kg_frame``, ``kg_results`` and ``kg_relations`` too). Rows with a ``"list"`` key are word lists
(``patterns/words.jsonl``) and land in ``self.words``.

Per-doc token cache (``doc_tokens(doc)``), for every component (kg_frame, kg_results, ... too): spaCy makes a
new Python ``Token`` object each time ``doc[i]`` or ``for token in doc`` is evaluated (about 0.3-0.6 us each), and
``Span.text`` makes one per token of the span. ``doc_tokens(doc)`` is computed once per doc (one ``to_array`` of
ORTH and IDX) and kept while the doc lives (a weak-key cache, not ``user_data``, so docs still serialise):

- ``tokens.words[i]``: a :class:`Word` with the lexeme attributes of token *i* under the Token's names
  (``text``, ``lower_``, ``orth``, ``lower``, ``is_alpha``, ``is_lower``, ``is_title``, ``is_upper``,
  ``is_punct``, ``is_space``, ``is_digit``, ``is_stop``, ``like_num``, ``shape_``, ``prefix_``, ``suffix_``,
  ``norm_`` is *not* there: a token's NORM can differ from its lexeme's), and ``method_key``, the word's
  ``kg.naming.merge_key(text, "Method")`` (kg_entities looks for mentions by it). One Word object per word of the
  vocabulary, shared by every doc (read from the Lexeme once), so ``words[i].lower_ == doc[i].lower_``.
- ``tokens.text``: ``doc.text`` (kg's tokenizer keeps it; else built once); ``tokens.idx[i]`` /
  ``tokens.end[i]``: the character offsets of token *i* (``token.idx``, ``token.idx + len(token)``);
  ``tokens.span_text(start, end)``: ``doc[start:end].text`` without Token or Span objects.
- ``tokens.lowers``: each token's ``lower_`` (a list made once per doc); ``tokens.lower_positions(words)``: the
  indices of the tokens whose ``lower_`` is one of *words*.
- ``tokens.sent_starts()``: ``token.is_sent_start`` per token, read on the first request (after the sentence
  splitter: kg's components all run after it; nothing in kg sets sentence starts later).

Token attributes that are not the lexeme's (``whitespace_``, ``is_sent_start``, ``tag_``, ``dep_``, ``ent_*``)
are not cached. Lexeme attributes changed after a word was first cached (``nlp.vocab["x"].is_stop = True``) are
not seen: kg never changes them.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import srsly
from spacy.attrs import IDX, ORTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab
from spacy.util import SimpleFrozenList, ensure_path, minibatch

from kg.extract.pattern_data import read_pattern_file, read_patterns, schema_for, word_lists
from kg.naming import merge_key


class Word:
    """The lexeme attributes of one word under the Token attribute names (see the module docstring)."""

    __slots__ = ("orth", "text", "lower", "lower_", "is_alpha", "is_lower", "is_title", "is_upper", "is_punct",
                 "is_space", "is_digit", "is_stop", "like_num", "shape_", "prefix_", "suffix_", "method_key")

    def __init__(self, vocab: Vocab, orth: int):
        lexeme = vocab[orth]
        # each of __slots__ but the last, read by name (not getattr / setattr in a loop: half the cost per new word)
        self.orth, self.text, self.lower, self.lower_ = lexeme.orth, lexeme.orth_, lexeme.lower, lexeme.lower_
        self.is_alpha, self.is_lower, self.is_title = lexeme.is_alpha, lexeme.is_lower, lexeme.is_title
        self.is_upper, self.is_punct, self.is_space = lexeme.is_upper, lexeme.is_punct, lexeme.is_space
        self.is_digit, self.is_stop, self.like_num = lexeme.is_digit, lexeme.is_stop, lexeme.like_num
        self.shape_, self.prefix_, self.suffix_ = lexeme.shape_, lexeme.prefix_, lexeme.suffix_
        self.method_key = merge_key(self.text, "Method")


_MAX_WORDS = 1_000_000  # cached words per vocab (the vocab itself keeps every lexeme)
# vocab id -> (the vocab, its words): a Vocab takes no weak reference, so the last few vocabs are held (a
# process has one pipeline; tests make many)
_WORDS: dict[int, tuple[Vocab, dict[int, Word]]] = {}
_MAX_VOCABS = 4
_DOC_TOKENS: weakref.WeakKeyDictionary[Doc, DocTokens] = weakref.WeakKeyDictionary()


class DocTokens:
    """Per-doc token columns, computed once (see the module docstring)."""

    __slots__ = ("_doc", "words", "idx", "_end", "_lowers", "text", "_sent_starts", "_sent_values", "__weakref__")

    def __init__(self, doc: Doc):
        self._doc = weakref.ref(doc)  # not the doc itself: the weak-key cache would keep every doc alive
        vocab = doc.vocab
        held = _WORDS.get(id(vocab))
        if held is None or len(held[1]) > _MAX_WORDS:
            if held is None and len(_WORDS) >= _MAX_VOCABS:
                del _WORDS[next(iter(_WORDS))]
            held = _WORDS[id(vocab)] = (vocab, {})
        known = held[1]
        if len(doc):
            array = doc.to_array([ORTH, IDX])
            orths, self.idx = array[:, 0].tolist(), array[:, 1].tolist()
        else:
            orths, self.idx = [], []
        words = list(map(known.get, orths))
        if None in words:
            for i, orth in enumerate(orths):
                if words[i] is None:
                    word = known.get(orth)
                    if word is None:
                        word = known[orth] = Word(vocab, orth)
                    words[i] = word
        self.words: list[Word] = words
        text = doc.user_data.get("kg_text")
        if text is None:
            text = doc.user_data["kg_text"] = "".join(
                [word.text + " " if space else word.text for word, space in zip(words, doc.to_array("SPACY").tolist())]
            ) if len(doc) else ""
        self.text: str = text
        self._end: list[int] | None = None
        self._lowers: list[str] | None = None
        self._sent_values: list[int] | None = None
        self._sent_starts: list[bool] | None = None

    @property
    def end(self) -> list[int]:
        """The character offset after each token (``token.idx + len(token)``)."""
        if self._end is None:
            self._end = [start + len(word.text) for start, word in zip(self.idx, self.words)]
        return self._end

    def span_text(self, start: int, end: int) -> str:
        """``doc[start:end].text``."""
        if end <= start:
            return ""
        return self.text[self.idx[start]:self.idx[end - 1] + len(self.words[end - 1].text)]

    @property
    def lowers(self) -> list[str]:
        """Each token's ``lower_``, in order (made on the first request; do not change the list)."""
        if self._lowers is None:
            self._lowers = [word.lower_ for word in self.words]
        return self._lowers

    def lower_positions(self, words) -> list[int]:
        """Indices of the tokens whose ``lower_`` is in *words* (a set, frozenset or dict of strings), in order.

        One pass over the doc's lower-case column (an index of the doc's words, made once and intersected with
        *words*, was slower: kg asks about five times per doc)."""
        return [i for i, lower in enumerate(self.lowers) if lower in words]

    def sent_starts(self) -> list[bool]:
        """``token.is_sent_start`` of every token, as spaCy gives it (token 0 starts one). Read once, on the first
        request: ask after the sentence splitter (every kg component after ``sentencizer`` does)."""
        if self._sent_starts is None:
            doc = self._doc()
            if doc is None or not len(doc):
                return []
            values = self._sent_values = doc.to_array(SENT_START).tolist()
            starts = [value == 1 for value in values]
            starts[0] = True
            self._sent_starts = starts
        return self._sent_starts

    def is_sent_start(self, i: int) -> bool | None:
        """``doc[i].is_sent_start`` (True, False, or None where the sentence start is not set) without a Token
        object, read with :meth:`sent_starts` (token 0 counts as a start, as sent_starts gives it)."""
        if self.sent_starts()[i]:
            return True
        value = self._sent_values[i]
        return None if value == 0 else value == 1


_last_tokens: DocTokens | None = None  # the last doc's cache (it holds its doc by a weak reference only)


def doc_tokens(doc: Doc) -> DocTokens:
    """The doc's token cache (built on first use; see the module docstring). The last doc's is found without the
    weak-key look-up (which makes a weak reference per call): components ask about one doc many times in a row."""
    global _last_tokens
    tokens = _last_tokens
    if tokens is not None and tokens._doc() is doc:
        return tokens
    tokens = _DOC_TOKENS.get(doc)
    if tokens is None:
        tokens = _DOC_TOKENS[doc] = DocTokens(doc)
    _last_tokens = tokens
    return tokens


def pipe_in_batches(component: Callable[[Doc], Doc], docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
    """A component's ``pipe``: each batch of docs goes through *component* before the first is passed on.

    The next component then takes the whole batch in turn, so each component's code and data stay warm
    in the CPU caches over a batch instead of all components taking one doc after another (about 9% of
    kg's time on the sample corpus). Every doc still passes the components in order: the results are
    the same.
    """
    for batch in minibatch(docs, size=batch_size):
        yield from [component(doc) for doc in batch]


class SerialisedState:
    """The one serialisation of kg's components: ``to_bytes`` / ``from_bytes`` / ``to_disk`` / ``from_disk``.

    A component's whole state is what ``_cfg()`` returns (JSON-able settings and lists of rows) and
    ``_set_cfg(cfg)`` restores it, reloading anything compiled from the rows (keys it is not given keep
    their values). ``row_files`` names the keys that hold rows and the file each is saved in: on disk
    every one is a JSON Lines file, read back through the file's JSON Schema when it has one
    (``schemas/patterns/NAME.schema.json``, so a bad row in a saved pipeline is a FILE:LINE error), and
    the other keys go to ``cfg.json``. ``to_bytes`` is the msgpack of ``_cfg()``. Disk files are written and
    read with the standard json module: srsly's JSON keeps 9 digits of a float and reads 0.6 back as
    0.6000000000000001, so a saved weight or threshold would not round-trip.
    """

    row_files: dict[str, str] = {}

    def _cfg(self) -> dict[str, Any]:  # pragma: no cover - subclasses
        raise NotImplementedError

    def _set_cfg(self, cfg: dict[str, Any]) -> None:  # pragma: no cover - subclasses
        raise NotImplementedError

    def to_bytes(self, *, exclude: Iterable[str] = SimpleFrozenList()) -> bytes:
        return srsly.msgpack_dumps(self._cfg())

    def from_bytes(self, bytes_data: bytes, *, exclude: Iterable[str] = SimpleFrozenList()):
        self._set_cfg(srsly.msgpack_loads(bytes_data))
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = SimpleFrozenList()) -> None:
        path = ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
        cfg = self._cfg()
        for key, file_name in self.row_files.items():
            lines = (json.dumps(row, ensure_ascii=False) + "\n" for row in cfg.pop(key))
            (path / file_name).write_text("".join(lines), encoding="utf-8")
        (path / "cfg.json").write_text(json.dumps(cfg, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = SimpleFrozenList()):
        path = ensure_path(path)
        cfg = json.loads((path / "cfg.json").read_text(encoding="utf-8"))
        for key, file_name in self.row_files.items():
            if (path / file_name).exists():
                cfg[key] = _read_rows(path / file_name)
        self._set_cfg(cfg)
        return self


def model_json(model: dict[str, Any]) -> str:
    """A trained model as JSON text with every float exact (the shortest repr that reads back to the same
    double), keys sorted: what the trainers write. srsly's JSON keeps 10 decimals of a float and its reader
    is not correctly rounded, so a model written or read with it is not the model trained. NaN and infinity
    are refused (strict JSON)."""
    return json.dumps(model, indent=1, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"


def write_model(path: str | Path, model: dict[str, Any]) -> None:
    """Write a trained model exactly (:func:`model_json`), atomically; the loaders read it with stdlib json."""
    from kg.atomic import write_text

    write_text(path, model_json(model))


def _read_rows(path: Path) -> list[dict[str, Any]]:
    """A saved row file, validated like the package's file of the same name when that has a schema."""
    if schema_for(path.name).exists():
        return read_patterns(path)
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


class PatternComponent(SerialisedState):
    """Base for components whose state is pattern rows plus settings (see the module docstring)."""

    name: str
    settings: tuple[str, ...] = ()
    word_list_names: tuple[str, ...] = ()  # lists from patterns/words.jsonl this component reads

    def __init__(self, nlp: Language, name: str, *, pattern_files: Iterable[str] = (), **settings: Any):
        self.nlp = nlp
        self.name = name
        self.pattern_files = list(pattern_files)
        for key, value in settings.items():
            setattr(self, key, value)
        self.initialized = False
        self._reset()

    # -- state ---------------------------------------------------------------------------------------
    def _reset(self) -> None:
        self.patterns: list[dict[str, Any]] = []
        self.words: dict[str, frozenset[str]] = {name: frozenset() for name in self.word_list_names}
        self.clear()

    def clear(self) -> None:
        """Drop the component's compiled patterns (subclasses)."""

    def add(self, rows: list[dict[str, Any]]) -> None:
        """Compile pattern rows that are not word lists (subclasses)."""

    def add_patterns(self, patterns: Iterable[dict[str, Any]]) -> None:
        rows = [dict(row) for row in patterns]
        for row in rows:
            if "list" in row:
                self.words[row["list"]] = self.words.get(row["list"], frozenset()) | frozenset(row["words"])
        self.add([row for row in rows if "list" not in row])
        self.patterns.extend(rows)
        self.initialized = True

    def default_patterns(self) -> list[dict[str, Any]]:
        rows = word_lists(*self.word_list_names) if self.word_list_names else []
        for file_name in self.pattern_files:
            rows.extend(read_pattern_file(file_name))
        return rows

    def initialize(self, get_examples: Callable[[], Iterable[Any]] | None = None, *, nlp: Language | None = None,
                   patterns: list[dict[str, Any]] | None = None) -> None:
        """Load *patterns*, or the default pattern files of the config."""
        self._reset()
        self.add_patterns(self.default_patterns() if patterns is None else patterns)

    def check_initialized(self) -> None:
        if not self.initialized:
            raise ValueError(f"the {self.name!r} component has no patterns: call nlp.initialize() "
                             "(or kg.extract.load_pipeline) before using the pipeline")

    # -- serialisation (SerialisedState) --------------------------------------------------------------
    row_files = {"patterns": "patterns.jsonl"}

    def _cfg(self) -> dict[str, Any]:
        return {"pattern_files": self.pattern_files, "initialized": self.initialized,
                **{key: getattr(self, key) for key in self.settings}, "patterns": self.patterns}

    def _set_cfg(self, cfg: dict[str, Any]) -> None:
        for key in self.settings:
            if key in cfg:
                setattr(self, key, cfg[key])
        self.pattern_files = list(cfg.get("pattern_files", self.pattern_files))
        patterns = cfg.get("patterns", self.patterns)
        self._reset()
        self.add_patterns(patterns)
        self.initialized = bool(cfg.get("initialized", True))

    def __len__(self) -> int:
        return len(self.patterns)

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        yield from pipe_in_batches(self, docs, batch_size)

    def __call__(self, doc: Doc) -> Doc:  # pragma: no cover - subclasses
        raise NotImplementedError
