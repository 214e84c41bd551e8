"""spaCy components that find Method, Dataset, Hardware and Metric entities.

Order in the pipeline (see kg/extract/pipeline.py):

1. ``kg_title_boundary``: the title (text up to the first newline) is sentence 0.
2. ``kg_vocabulary``: curated names and terms from ``patterns/{methods,datasets,hardware,metrics,stop}.jsonl``
   (PhraseMatcher on lower case, or exact case for acronyms; Matcher token patterns for families
   such as "ResNet-50"), written to ``doc.spans["kg_candidates"]``.
3. ``kg_open_rules``: rules for names no list can hold (``patterns/rules.jsonl`` plus the title's
   coined name and "we propose X"): CamelCase, acronyms, names with digits, Title Case terms.
4. ``kg_acronyms``: Schwartz-Hearst "long form (SF)" definitions.
5. ``kg_entities``: picks non-overlapping spans, types them, links acronyms to long forms and
   writes ``doc.spans["kg_entities"]`` with ``span.kb_id_`` = a doc-local entity key.

Every component keeps its settings and patterns in ``to_bytes``/``to_disk``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import srsly
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import SimpleFrozenList, ensure_path

from kg.resolve.canonical import merge_key

PATTERNS_DIR = Path(__file__).parent / "patterns"
ENTITY_LABELS = ("Method", "Dataset", "Hardware", "Metric")
IGNORE = "Ignore"  # vocabulary label for known non-entities: they block weaker rules and are dropped
CANDIDATES_KEY = "kg_candidates"
ENTITIES_KEY = "kg_entities"
NESTED_KEY = "kg_nested_entities"  # devices inside other entities; may overlap kg_entities

# Candidate sources, strongest first where spans of equal length compete.
PRIORITY = {"acronym": 5, "coined": 5, "vocabulary": 4, "context": 3, "titlecase": 2, "open": 1, "phrase": 1,
            "propagated": 0}

for _name, _default in (("kg_proposed", None), ("kg_abbreviations", None)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


def read_pattern_file(name: str) -> list[dict[str, Any]]:
    """Read one JSONL pattern file from the package, skipping the version header line."""
    keys = ("pattern", "head", "next", "word", "pair")
    return [row for row in srsly.read_jsonl(PATTERNS_DIR / name) if any(key in row for key in keys)]


def patterns_version() -> str:
    return (PATTERNS_DIR / "VERSION").read_text(encoding="utf-8").strip()


# --- 1. title boundary -------------------------------------------------------------------------


@Language.component("kg_title_boundary")
def title_boundary(doc: Doc) -> Doc:
    """The title (up to the first newline) is sentence 0, whole: a parser must not split it at a colon."""
    newline = doc.text.find("\n")
    if newline < 0:
        return doc
    for token in doc[1:]:
        if token.idx > newline:
            token.is_sent_start = True
            break
        token.is_sent_start = False
    return doc


# --- shared component plumbing -----------------------------------------------------------------


class _PatternComponent:
    """Base for components whose state is a list of pattern dicts plus a few settings."""

    name: str
    settings: tuple[str, ...] = ()

    def _cfg(self) -> dict[str, Any]:
        return {"patterns": self.patterns, **{key: getattr(self, key) for key in self.settings}}

    def _set_cfg(self, cfg: dict[str, Any]) -> None:
        for key in self.settings:
            if key in cfg:
                setattr(self, key, cfg[key])
        self.clear()
        self.add_patterns(cfg.get("patterns", []))

    def to_bytes(self, *, exclude: Iterable[str] = SimpleFrozenList()) -> bytes:
        return srsly.msgpack_dumps(self._cfg())

    def from_bytes(self, bytes_data: bytes, *, exclude: Iterable[str] = SimpleFrozenList()):
        self._set_cfg(srsly.msgpack_loads(bytes_data))
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = SimpleFrozenList()) -> None:
        path = ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
        cfg = self._cfg()
        srsly.write_jsonl(path / "patterns.jsonl", cfg.pop("patterns"))
        srsly.write_json(path / "cfg.json", cfg)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = SimpleFrozenList()):
        path = ensure_path(path)
        cfg = srsly.read_json(path / "cfg.json")
        cfg["patterns"] = list(srsly.read_jsonl(path / "patterns.jsonl"))
        self._set_cfg(cfg)
        return self

    def __len__(self) -> int:
        return len(self.patterns)


def _add_candidates(doc: Doc, spans: Iterable[Span]) -> None:
    group = doc.spans[CANDIDATES_KEY] if CANDIDATES_KEY in doc.spans else []
    doc.spans[CANDIDATES_KEY] = [*group, *spans]


def _candidate(doc: Doc, start: int, end: int, label: str, source: str, canonical: str = "") -> Span:
    """A candidate span; the source (and an optional canonical long form) ride in span.id_/kb_id_."""
    return Span(doc, start, end, label=label, kb_id=canonical, span_id=source)


# --- 2. vocabulary -----------------------------------------------------------------------------


@Language.factory(
    "kg_vocabulary",
    default_config={"pattern_files": ["methods.jsonl", "datasets.jsonl", "hardware.jsonl", "metrics.jsonl", "stop.jsonl"],
                    "variants": True},
)
def make_vocabulary(nlp: Language, name: str, pattern_files: list[str], variants: bool) -> EntityVocabulary:
    vocabulary = EntityVocabulary(nlp, name, variants=variants)
    for file_name in pattern_files:
        vocabulary.add_patterns(read_pattern_file(file_name))
    return vocabulary


class EntityVocabulary(_PatternComponent):
    """Curated names and terms.

    A pattern row is ``{"label": "Method", "pattern": "Adam"}`` (a phrase) or a list of token
    dicts (spaCy Matcher syntax). Phrases match case-insensitively, except those without a
    lower-case letter (acronyms such as "JOB" or "SOAP"), one-word names with a capital ("Ray",
    "Lion") and rows with ``"case": true``. With
    ``variants`` on, each phrase also matches with its head in the plural and with hyphens
    read as spaces. ``"id"`` names the canonical long form ("RL" -> "reinforcement learning").
    """

    settings = ("variants",)

    def __init__(self, nlp: Language, name: str = "kg_vocabulary", *, variants: bool = True):
        self.nlp = nlp
        self.name = name
        self.variants = variants
        self.clear()

    def clear(self) -> None:
        self.patterns: list[dict[str, Any]] = []
        self.lower_matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.exact_matcher = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        self.token_matcher = Matcher(self.nlp.vocab)
        self._info: dict[str, tuple[str, str]] = {}

    def add_patterns(self, patterns: Iterable[dict[str, Any]]) -> None:
        for row in patterns:
            if "pattern" not in row:
                continue
            label, pattern = row["label"], row["pattern"]
            canonical = row.get("id", "")
            match_id = f"{label}\t{canonical}"
            self._info[match_id] = (label, canonical)
            if isinstance(pattern, str):
                # acronyms ("JOB", "SOAP") and one-word names ("Ray", "Lion") must match their case
                one_word_name = " " not in pattern and any(c.isupper() for c in pattern)
                exact = row.get("case", one_word_name or not any(c.islower() for c in pattern))
                matcher = self.exact_matcher if exact else self.lower_matcher
                forms = _phrase_variants(pattern) if self.variants and not row.get("exact_form") else [pattern]
                matcher.add(match_id, [self.nlp.make_doc(form) for form in forms])
            else:
                self.token_matcher.add(match_id, [pattern])
            self.patterns.append(dict(row))

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for matcher in (self.lower_matcher, self.exact_matcher, self.token_matcher):
            if len(matcher) == 0:
                continue
            for match_id, start, end in matcher(doc):
                label, canonical = self._info[self.nlp.vocab.strings[match_id]]
                spans.append(_candidate(doc, start, end, label, "vocabulary", canonical))
        _add_candidates(doc, spans)
        return doc


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _phrase_variants(phrase: str) -> list[str]:
    """The phrase, its head in the plural, and hyphens read as spaces (and the reverse)."""
    forms = {phrase}
    for form in list(forms):
        if "-" in form:
            forms.add(form.replace("-", " "))
    gaps = phrase.count(" ")
    if 1 <= gaps <= 3 and "-" not in phrase:
        # "Long Range Arena" is also written "long-range arena"
        words = phrase.split(" ")
        for mask in range(1, 2 ** gaps):
            forms.add(words[0] + "".join(("-" if mask >> i & 1 else " ") + w for i, w in enumerate(words[1:])))
    for form in list(forms):
        last = form.split(" ")[-1]
        if last.lower().endswith("y") and len(last) > 3 and last[-2] not in "aeiou":
            forms.add(form[:-1] + "ies")  # "latencies", "accuracies"
        elif last[-1:].isalpha() and not last.lower().endswith("s"):
            forms.add(form + ("es" if last.lower().endswith(("ch", "sh", "x")) else "s"))
    return sorted(forms)


# --- 3. open-class rules -----------------------------------------------------------------------

# Title prefixes that are not names ("Towards", "Beyond"...) and words that make a prefix a sentence.
_NOT_NAME_WORDS = {
    "a", "an", "the", "is", "are", "be", "of", "on", "to", "in", "for", "how", "what", "why", "when", "where",
    "which", "who", "do", "does", "can", "not", "all", "you", "we", "our", "your", "more", "less", "than", "vs",
    "vs.", "versus", "towards", "toward", "beyond", "rethinking", "revisiting", "understanding", "and", "or",
    "with", "via", "from", "at", "by", "as", "it", "its", "this", "that", "no", "one", "need", "new",
}
PROPOSE_VERBS = {"propose", "proposes", "introduce", "introduces", "present", "presents", "develop", "develops",
                 "design", "designs", "dub", "dubbed", "call", "called", "name", "named", "term", "termed",
                 "coin", "coined", "build", "release", "releases", "unveil"}


# verbs that give a name, which may be plain words ("dubbed proximal matching"); "propose" needs a name shape
# ("term" and "name" are nouns too: "term weights"; "call" only after "we")
_NAMING_VERBS = {"dubbed", "call", "called", "named", "termed", "coined"}


@Language.factory("kg_open_rules", default_config={"pattern_file": "rules.jsonl", "max_title_name_tokens": 4})
def make_open_rules(nlp: Language, name: str, pattern_file: str, max_title_name_tokens: int) -> OpenClassRules:
    rules = OpenClassRules(nlp, name, max_title_name_tokens=max_title_name_tokens)
    rules.add_patterns(read_pattern_file(pattern_file))
    return rules


class OpenClassRules(_PatternComponent):
    """Names that no list can hold.

    Token patterns (``patterns/rules.jsonl``, Matcher syntax, ``label`` and a ``source``) find
    CamelCase names, acronyms and names with digits or versions. In code: the coined name
    before the colon of the title, and the name after "we propose / introduce / ... called".
    Both are marked as the paper's own (source "coined").
    """

    settings = ("max_title_name_tokens",)

    def __init__(self, nlp: Language, name: str = "kg_open_rules", *, max_title_name_tokens: int = 4):
        self.nlp = nlp
        self.name = name
        self.max_title_name_tokens = max_title_name_tokens
        self.clear()

    def clear(self) -> None:
        self.patterns: list[dict[str, Any]] = []
        self.matcher = Matcher(self.nlp.vocab)
        self._info: dict[str, tuple[str, str]] = {}

    def add_patterns(self, patterns: Iterable[dict[str, Any]]) -> None:
        for row in patterns:
            match_id = f"{row['label']}\t{row.get('source', 'open')}\t{len(self.patterns)}"
            self._info[match_id] = (row["label"], row.get("source", "open"))
            self.matcher.add(match_id, [row["pattern"]], greedy=row.get("greedy"))
            self.patterns.append(dict(row))

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        title_end = next((t.i for t in doc if "\n" in t.text), len(doc))
        for match_id, start, end in self.matcher(doc):
            label, source = self._info[self.nlp.vocab.strings[match_id]]
            if source == "titlecase" and start < title_end:
                continue  # titles are Title Case throughout: capitals say nothing there
            if _not_a_name(doc[start:end], source):
                continue
            spans.append(_candidate(doc, start, end, label, source))
        spans.extend(self._title_name(doc))
        spans.extend(self._proposed_names(doc))
        _add_candidates(doc, spans)
        return doc

    def _title_name(self, doc: Doc) -> list[Span]:
        """The coined name before the title's colon: "Zeus: Understanding ...", "LASP-2: Rethinking ..."."""
        title_end = next((t.i for t in doc if "\n" in t.text), len(doc))
        colon = next((t.i for t in doc[:title_end] if t.text == ":"), None)
        if colon is None or colon == 0 or colon > self.max_title_name_tokens:
            return []
        words = doc[:colon]
        if any(t.lower_ in _NOT_NAME_WORDS or t.is_punct and t.text not in "-^" for t in words):
            return []
        if words[0].text.lower().endswith("ing") and not _is_name_like(words[0].text):
            return []
        if not all(t.text[:1].isupper() or _is_name_like(t.text) or not t.is_alpha for t in words):
            return []
        after = doc[colon + 1: title_end].text.lower()
        label = "Dataset" if re.search(r"\b(benchmark|dataset|corpus|suite)\b", after) else "Method"
        return [_candidate(doc, 0, colon, label, "coined")]

    def _proposed_names(self, doc: Doc) -> list[Span]:
        """The name a paper gives its method: "we propose Zeus, ...", "... referred to as ReLinear"."""
        spans = []
        for token in doc:
            lower = token.lower_
            if lower in PROPOSE_VERBS or (lower == "as" and token.i > 0 and doc[token.i - 1].lower_ in {"to", "known"}):
                start = token.i + 1
                named = False
                # skip "it", "our method", "a new"...: the name must come within a few tokens, before a comma
                for j in range(start, min(start + 3, len(doc))):
                    if doc[j].is_punct and doc[j].text not in "-":
                        break
                    if _is_name_like(doc[j].text) and doc[j].text.lower() not in _NOT_NAME_WORDS:
                        end = j + 1
                        while end < len(doc) and end - j < 3 and _is_name_like(doc[end].text):
                            end += 1
                        spans.append(_candidate(doc, j, end, "Method", "coined"))
                        named = True
                        break
                if not named and lower in _NAMING_VERBS:
                    spans.extend(self._plain_name(doc, token))
        return spans

    @staticmethod
    def _plain_name(doc: Doc, verb) -> list[Span]:
        """A lower-case name after a naming verb: "a training strategy, dubbed proximal matching, ..."."""
        if verb.i == 0 or doc[verb.i - 1].lower_ in {"a", "an", "the", "so", "-", "is", "are", "be"}:
            return []  # "the named entity", "so-called", "is called for"
        if verb.lower_ == "call" and doc[verb.i - 1].lower_ != "we":
            return []
        end = verb.i + 1
        while end < len(doc) and end - verb.i <= 4 and doc[end].is_lower and (
                doc[end].is_alpha or "-" in doc[end].text) and doc[end].lower_ not in _NOT_NAME_WORDS:
            end += 1
        if end == verb.i + 1 or end - verb.i > 4 or end >= len(doc) or doc[end].text not in {",", ".", ";", ":", ")", "("}:
            return []
        return [_candidate(doc, verb.i + 1, end, "Method", "coined")]


_NAME_LIKE = re.compile(
    r"^(?:[A-Za-z]*[a-z][A-Z][\w\-\.^]*"  # CamelCase: SurCo, diffGrad, mmMamba
    r"|[A-Z][A-Z0-9\-\.^]*[A-Z0-9][A-Za-z0-9\-\.^]*"  # acronyms and versions: SGD, LASP-2, M-FAC, GPT-4, LLMTune
    r"|[A-Za-z]+[\-\.]?\d[\w\-\.]*)$"  # names with digits: Llama3, ResNet-20, T5
)


# Shapes the open rules catch that are not names: LaTeX residue ("sim100B", "L^2", "float8_e4m3"),
# citation keys and variables ("jns13", "nichani2023provable", "d0"); "word2vec" and "seq2seq" stay.
_LATEX_RESIDUE = re.compile(r"[\^_]|^(?:sim|mathcal|mathbb|mathrm|mathbf|times|approx|leq|geq|cdot|frac|sqrt|ell|tilde|hat)[A-Z0-9(]")
_LOWER_WITH_DIGITS = re.compile(r"^[a-z]+\d+[a-z\d]*$")
_X_TO_Y = re.compile(r"^[a-z]+2[a-z]+$")


def _not_a_name(span: Span, source: str) -> bool:
    for token in span:
        text = token.text
        if _LATEX_RESIDUE.search(text):
            return True
        if _LOWER_WITH_DIGITS.match(text) and not _X_TO_Y.match(text):
            return True
    if source == "titlecase":
        # "B A", "N. We": single letters are variables or initials, not words of a name
        if any(len(t.text.rstrip(".")) == 1 and t.is_alpha or t.text.endswith(".") for t in span):
            return True
        # a Title Case string in quotes is the title of a project, talk or paper
        before = [t.text for t in span.doc[span.sent.start:span.start]]
        if before.count('"') % 2 == 1 or before.count("“") > before.count("”"):
            return True
    return False


def _is_name_like(text: str) -> bool:
    return bool(_NAME_LIKE.match(text)) and any(c.isalpha() for c in text)


# --- 3b. head-noun phrases ---------------------------------------------------------------------

_MODIFIER_SHAPE = re.compile(r"^[a-z][a-z'\-]*[a-z]$")
_ACRONYM_MODIFIER = re.compile(r"^[A-Z][A-Z0-9]{1,5}$")  # "FID score", "IO complexity"
# tags a modifier of a noun can carry (statistical pipelines only); verbs, adverbs and function words end it
_ING_MODIFIERS = {"learning", "sliding", "boosting", "sampling", "caching", "mixing", "pooling", "matching", "coding",
                  "smoothing", "cutting", "training", "computing", "processing", "programming", "reasoning", "decoding",
                  "serving"}
# a first word shaped like a finite verb: "predicts", "stabilize(s)", "formulate"
_VERB_SHAPE = re.compile(r"(?:[^su]s|i[sz]es?|ates?)$")
_GENERIC_HEADS = {"method", "methods", "algorithm", "algorithms", "mechanism", "network", "networks", "protocol",
                  "estimator", "solver", "sampler", "heuristic", "heuristics"}
_NOMINAL_SUFFIXES = ("tion", "sion", "ment", "ance", "ence")
# head nouns a found method name extends over: "Gaussian process regression", "ZeRO optimizer"
_EXTENSION_HEADS = {"regression", "regularization", "regularisation", "preconditioner", "preconditioners",
                    "estimator", "estimators", "optimizer", "optimizers", "optimiser", "heuristic", "heuristics"}
# the second half of a hyphenated modifier the tokenizer splits off ("user-level", "training-aware")
# ("-based" is left out: "GPU-based MLC-LLM" names two entities)
_HYPHEN_SUFFIX_WORDS = {"level", "aware", "free", "guided", "conditioned", "wise", "driven", "specific"}
_METRIC_LIST_NOUNS = {"metrics", "measures"}
_LIST_BREAKS = {"and", "or", "the", "a", "an", "on", "in", "of", "for", "with", "to", "across", "while", "we"}
# parts of hyphenated words that grade a quantity rather than name it ("near-optimal", "state-of-the-art")
_EVALUATIVE_PARTS = {"optimal", "best", "state", "art", "high", "low", "good", "better", "near", "well", "top", "fast",
                     "large", "small", "higher", "lower", "improved", "reduced", "sought", "standing", "known"}
_MODIFIER_TAGS = {"JJ", "JJR", "JJS", "NN", "NNS", "NNP", "NNPS", "VBN", "VBG", "HYPH", "AFX", "ADD", "FW"}


@Language.factory("kg_head_phrases", default_config={"pattern_file": "phrases.jsonl", "max_modifiers": 3})
def make_head_phrases(nlp: Language, name: str, pattern_file: str, max_modifiers: int) -> HeadPhrases:
    phrases = HeadPhrases(nlp, name, max_modifiers=max_modifiers)
    phrases.add_patterns(read_pattern_file(pattern_file))
    return phrases


class HeadPhrases(_PatternComponent):
    """Established technique families and measured quantities written in lower case.

    A head word ("descent", "coding", "attention" -> Method; "size", "runtime", "error" -> Metric,
    ``patterns/phrases.jsonl``) after 1-``max_modifiers`` modifier words makes a candidate:
    "random coordinate descent", "sparse coding", "code size". Modifiers are lower-case words
    (capitalised ones in the title) not in the stop list (function words, verbs, evaluative
    adjectives: "our", "novel", "efficient", "uses"); a phrase of generic words only ("deep
    neural networks", "training time" is kept: its head is a Metric) needs one specific word.
    A head followed by a noun that it modifies ("learning rate") is no head. With a tagger and a
    parser the modifiers must carry noun/adjective tags and the head must not modify a later word.
    """

    settings = ("max_modifiers",)

    def __init__(self, nlp: Language, name: str = "kg_head_phrases", *, max_modifiers: int = 3):
        self.nlp = nlp
        self.name = name
        self.max_modifiers = max_modifiers
        self.clear()

    def clear(self) -> None:
        self.patterns: list[dict[str, Any]] = []
        self.heads: dict[str, str] = {}
        self.stop: set[str] = set()
        self.generic: set[str] = set()
        self.after: set[str] = set()
        self.pairs: set[str] = set()

    def add_patterns(self, patterns: Iterable[dict[str, Any]]) -> None:
        from spacy.lang.en.stop_words import STOP_WORDS

        self.stop |= STOP_WORDS
        roles = {"stop": self.stop, "generic": self.generic, "after": self.after}
        for row in patterns:
            if "head" in row:
                self.heads[row["head"].lower()] = row["label"]
            elif row.get("role") in roles:
                roles[row["role"]].add(row["word"].lower())
            elif "pair" in row:
                self.pairs.add(row["pair"].lower())
            self.patterns.append(dict(row))

    def __call__(self, doc: Doc) -> Doc:
        tagged = doc.has_annotation("TAG")
        parsed = doc.has_annotation("DEP")
        candidates = list(doc.spans[CANDIDATES_KEY]) if CANDIDATES_KEY in doc.spans else []
        known_ends = {span.end for span in candidates}
        known_metrics = {span.end: span.start for span in candidates if span.label_ == "Metric" and len(span) > 1}
        title_end = next((t.i for t in doc if "\n" in t.text), 0)
        spans = []
        for token in doc:
            label = self.heads.get(token.lower_)
            if label is None or token.i == 0:
                continue
            # titles write the whole phrase in Title Case: "Higher Generalization Accuracy" (Metric heads only:
            # a Title Case "... Optimization" or "... Training" in a title is the task more often than a method)
            title_case = token.i < title_end and token.is_title and label == "Metric"
            if not token.is_lower and not title_case:
                continue
            if tagged and not token.tag_.startswith("NN"):
                continue  # "we compute", "they search"
            following = doc[token.i + 1] if token.i + 1 < len(doc) else None
            if following is not None and (following.lower_ in self.after or following.lower_ in self.heads) and (
                    following.is_lower or title_case and following.is_title):
                continue  # "learning rate", "attention mechanism": the head modifies the next word
            if parsed and token.dep_ in {"compound", "amod", "nmod"} and token.head.i > token.i:
                continue
            start = token.i
            while start > 0 and token.i - start < self.max_modifiers and self._modifier(doc[start - 1], label, tagged, title_case):
                start -= 1
            pair = f"{doc[token.i - 1].lower_} {token.lower_}"
            if start == token.i or pair in self.pairs or f"{doc[token.i - 1].lower_} {_singular(token.lower_)}" in self.pairs:
                continue
            if not tagged and start > 0 and _MODIFIER_SHAPE.match(
                    doc[start - 1].lower_ if title_case else doc[start - 1].text) and doc[start - 1].lower_ not in self.stop:
                continue  # more modifier-like words before: without tags the phrase's start is a guess
            if token.lower_ in _GENERIC_HEADS and (
                    doc[token.i - 1].lower_.endswith(_NOMINAL_SUFFIXES) or token.i in known_ends):
                continue  # "compression method" is a method for a task; "gradient descent method" is gradient descent
            if token.i + 1 in known_metrics and not (
                    start < known_metrics[token.i + 1] and self._technical_modifier(doc[known_metrics[token.i + 1] - 1])):
                # "ungrounded communication cost" is communication cost, but a hyphenated technical
                # modifier names another quantity: "zeroth-order oracle complexity"
                continue
            words = [t.lower_ for t in doc[start:token.i]]
            if all(w in self.generic for w in words) or not tagged and _VERB_SHAPE.search(words[0]):
                continue
            spans.append(_candidate(doc, start, token.i + 1, label, "phrase"))
        spans.extend(self._listed_metrics(doc))
        spans.extend(self._extensions(doc, [*candidates, *spans]))
        _add_candidates(doc, spans)
        return doc

    def _listed_metrics(self, doc: Doc) -> list[Span]:
        """Items of a list introduced as metrics: "measured by metrics including the primal gap, the primal
        integral, survival rates and the best performing rate"."""
        spans = []
        for token in doc[:-2]:
            if token.lower_ not in _METRIC_LIST_NOUNS:
                continue
            i = token.i + 1
            if doc[i].lower_ in {"including", "like", ":"}:
                i += 1
            elif doc[i].lower_ == "such" and doc[i + 1].lower_ == "as":
                i += 2
            else:
                continue
            while i < len(doc):
                while i < len(doc) and doc[i].lower_ in {"the", "a", "an", ",", "and", "or"}:
                    i += 1
                end = i
                while end < len(doc) and end - i < 4 and doc[end].is_lower and (
                        doc[end].is_alpha or "-" in doc[end].text) and doc[end].lower_ not in _LIST_BREAKS:
                    end += 1
                if end == i or end < len(doc) and doc[end].text not in {",", "and", "or", ".", ";", ")"}:
                    break  # not a plain noun phrase: the list is over
                spans.append(_candidate(doc, i, end, "Metric", "phrase"))
                if end >= len(doc) or doc[end].text in {".", ";", ")"}:
                    break
                i = end
        return spans

    def _extensions(self, doc: Doc, candidates: list[Span]) -> list[Span]:
        """The most complete surface of a found term: "user-level differential privacy", "L2 regularization".

        Leftwards over hyphenated modifiers ("multi-task", "topology-aware"), rightwards over a
        method head noun; the longer span keeps the key of the shorter, so both surfaces are one entity."""
        extended = []
        ignored = {(span.start, span.end) for span in candidates if span.label_ == IGNORE}
        for span in candidates:
            if span.label_ != "Method" or span.id_ not in {"vocabulary", "phrase", "open"} or (span.start, span.end) in ignored:
                continue
            # an acronym keeps its modifiers outside ("multi-task RL"); so does a metric ("super-linear speedup")
            acronym = not any(c.islower() for c in re.sub(r"s$", "", span.text))
            start = span.start if acronym else self._hyphenated_start(doc, span.start)
            if start != span.start:
                # "Multi-Objective GFlowNets" is a kind of GFlowNet, an entity of its own
                extended.append(_candidate(doc, start, span.end, span.label_, span.id_))
            end = span.end
            if end < len(doc) and doc[end].lower_ in _EXTENSION_HEADS and (
                    doc[end].is_lower or doc[end].is_title and doc[span.start].is_title):
                # "ZeRO optimizer" is ZeRO; "LLM optimizer" is an LLM used so, not the LLM
                extended.append(_candidate(doc, start, end + 1, span.label_, span.id_,
                                           "" if acronym else span.kb_id_ or span.text))
        return extended

    def _hyphenated_start(self, doc: Doc, start: int) -> int:
        while start > 0:
            previous = doc[start - 1]
            if (start >= 3 and previous.lower_ in _HYPHEN_SUFFIX_WORDS and doc[start - 2].text == "-"
                    and self._hyphen_part(doc[start - 3])):
                start -= 3  # "user - level", "topology - aware": split by the tokenizer
            elif "-" in previous.text and all(self._hyphen_part(part) for part in previous.text.split("-")) and (
                    previous.lower_ not in self.stop and previous.lower_ not in self.heads) and (previous.is_lower or previous.is_title and (
                    doc[start].is_title or previous.is_sent_start)):
                start -= 1  # "multi-task", "zeroth-order", "Multi-fidelity"
            else:
                break
        return start

    def _technical_modifier(self, token) -> bool:
        """A lower-case hyphenated word none of whose parts is evaluative: "zeroth-order", "end-to-end"."""
        parts = token.text.split("-")
        return token.is_lower and len(parts) > 1 and all(
            part.isalpha() and part not in _EVALUATIVE_PARTS for part in parts) and token.lower_ not in self.stop

    def _hyphen_part(self, token_or_text) -> bool:
        text = token_or_text if isinstance(token_or_text, str) else token_or_text.text
        # lower-case or capitalised words, not an acronym ("CPU-friendly" names the CPU)
        return len(text) > 1 and text.isalpha() and not text[1:].isupper() and text.lower() not in self.stop

    def _modifier(self, token, label: str, tagged: bool, title_case: bool = False) -> bool:
        lower = token.lower_
        if lower in self.stop or token.is_sent_start and not title_case:
            return False
        if title_case:
            # not "Aligning Code Efficiency", "Cost Aware Rate", "Near-Linear Time"
            return token.is_title and bool(_MODIFIER_SHAPE.match(lower)) and not lower.endswith(("ly", "ing")) and (
                lower not in _HYPHEN_SUFFIX_WORDS) and not any(part in _EVALUATIVE_PARTS for part in lower.split("-"))
        if tagged and token.tag_ not in _MODIFIER_TAGS:
            return False
        if _MODIFIER_SHAPE.match(token.text):
            # without tags an -ly or -ing word is an adverb or a verb more often than a modifier
            return tagged or not (lower.endswith("ly") or lower.endswith("ing") and lower not in _ING_MODIFIERS)
        return label == "Metric" and bool(_ACRONYM_MODIFIER.match(token.text))


# --- 4. acronyms (Schwartz & Hearst 2003) ------------------------------------------------------


@Language.factory("kg_acronyms", default_config={"max_short_form_chars": 12})
def make_acronyms(nlp: Language, name: str, max_short_form_chars: int) -> AcronymDetector:
    return AcronymDetector(nlp, name, max_short_form_chars=max_short_form_chars)


class AcronymDetector(_PatternComponent):
    """Find "long form (SF)" definitions; sets ``doc._.kg_abbreviations`` to
    ``[[long_start, long_end, short_start, short_end], ...]`` (token offsets)."""

    settings = ("max_short_form_chars",)

    def __init__(self, nlp: Language, name: str = "kg_acronyms", *, max_short_form_chars: int = 12):
        self.nlp = nlp
        self.name = name
        self.max_short_form_chars = max_short_form_chars
        self.patterns: list[dict[str, Any]] = []

    def clear(self) -> None:
        self.patterns = []

    def add_patterns(self, patterns: Iterable[dict[str, Any]]) -> None:
        self.patterns.extend(patterns)

    def __call__(self, doc: Doc) -> Doc:
        found = []
        for open_paren in (t for t in doc if t.text == "("):
            close = next((t.i for t in doc[open_paren.i + 1: open_paren.i + 16] if t.text == ")"), None)
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


# --- 5. entity resolution within a doc ---------------------------------------------------------


@Language.factory("kg_entities", default_config={"heads_file": "heads.jsonl", "propagate": True})
def make_entity_resolver(nlp: Language, name: str, heads_file: str, propagate: bool) -> EntityResolver:
    resolver = EntityResolver(nlp, name, propagate=propagate)
    resolver.add_patterns(read_pattern_file(heads_file))
    return resolver


class EntityResolver(_PatternComponent):
    """Turn candidates into final entities.

    Longest span wins (then the stronger source); known non-entities are dropped. A span
    from an open rule is typed by its neighbours and head word (``patterns/heads.jsonl``:
    "X dataset", "X benchmark" -> Dataset; "... rate" -> Metric; task words -> dropped).
    Acronyms share the key of their long form; every later surface of a found entity (in the
    title too) becomes a mention. Sets ``doc.spans["kg_entities"]`` (kb_id_ = entity key) and
    ``doc._.kg_proposed`` (keys of the paper's own methods).
    """

    settings = ("propagate",)

    def __init__(self, nlp: Language, name: str = "kg_entities", *, propagate: bool = True):
        self.nlp = nlp
        self.name = name
        self.propagate = propagate
        self.clear()

    def clear(self) -> None:
        self.patterns: list[dict[str, Any]] = []
        self.heads: dict[str, str] = {}
        self.next_words: dict[str, str] = {}
        self.any_words: dict[str, str] = {}

    def add_patterns(self, patterns: Iterable[dict[str, Any]]) -> None:
        for row in patterns:
            if "head" in row:
                self.heads[row["head"].lower()] = row["label"]
            if "next" in row:
                self.next_words[row["next"].lower()] = row["label"]
            if "word" in row:
                self.any_words[row["word"].lower()] = row["label"]
            self.patterns.append(dict(row))

    def head_label(self, text: str) -> str | None:
        words = re.split(r"[\s\-]+", text.lower())
        if len(words) > 1:
            # organisation and programme words anywhere: "China Accelerator Facility for ...", "DFG Priority Programm"
            for word in words:
                if word in self.any_words:
                    return self.any_words[word]
        for word in (words[-1], re.sub(r"s$", "", words[-1])):
            if word in self.heads:
                return self.heads[word]
        return None

    def __call__(self, doc: Doc) -> Doc:
        candidates = list(doc.spans[CANDIDATES_KEY]) if CANDIDATES_KEY in doc.spans else []
        abbreviations = doc._.kg_abbreviations or []
        # acronym definitions: the long form gets the label the vocabulary or its head word gives
        canonical_of: dict[str, str] = {}  # merge key of a short form -> the key of its entity
        definitions = []
        ignored_short_forms: set[str] = set()
        for long_start, long_end, short_start, short_end in abbreviations:
            long_span, short_span = doc[long_start:long_end], doc[short_start:short_end]
            label = self._definition_label(long_span, short_span, candidates)
            if label is None:
                # a task or a known non-entity: its acronym is none either ("Lottery Ticket Hypothesis (LTH)")
                candidates.append(_candidate(doc, short_start, short_end, IGNORE, "acronym"))
                ignored_short_forms.add(short_span.text)
                continue
            definitions.append((long_span, short_span, label))
            candidates.append(_candidate(doc, long_start, long_end, label, "acronym"))
            candidates.append(_candidate(doc, short_start, short_end, label, "acronym"))

        typed = []
        for span in candidates:
            label = self._type_open(doc, span) if span.id_ in {"open", "titlecase"} else span.label_
            if span.id_ in {"open", "titlecase"} and span.text in ignored_short_forms:
                continue  # "neural CO solvers" after "combinatorial optimization (CO)": still the task
            if label is None:
                continue
            if label != span.label_:
                span = _candidate(doc, span.start, span.end, label, span.id_, span.kb_id_)
            typed.append(span)
        chosen = _coordinated_datasets(doc, _select(typed))

        # keys: vocabulary long forms and acronym definitions tie surfaces together
        for long_span, short_span, label in definitions:
            long_key = self._key(label, long_span.text, "")
            canonical_of[f"{label}|{merge_key(short_span.text, label)}"] = long_key
        expansions = {short.text: long.text for long, short, _ in definitions}
        known_keys = {self._key(s.label_, s.text, s.kb_id_) for s in chosen}
        proposed: set[str] = set()
        entities = []
        for span in chosen:
            if span.label_ == IGNORE:
                continue
            key = self._key(span.label_, span.text, span.kb_id_)
            key = canonical_of.get(key, key)
            if len(span) == 2 and span.id_ == "open" and self._key(span.label_, span[0].text, "") in known_keys | set(canonical_of):
                # "GC scheme" after "Gradient Coding (GC)": the scheme is the entity GC names
                key = self._key(span.label_, span[0].text, "")
                key = canonical_of.get(key, key)
            elif len(span) > 1 and key not in canonical_of.values():
                # "ZO optimization" is "Zeroth-Order Optimization" when ZO was defined so
                for token in span:
                    if token.text in expansions:
                        expanded = span.text.replace(token.text, expansions[token.text], 1)
                        expanded_key = self._key(span.label_, expanded, "")
                        if expanded_key in known_keys or expanded_key in canonical_of.values():
                            key = expanded_key
                        break
            entities.append((span, key))
            if span.id_ == "coined":
                proposed.add(key)
        if self.propagate:
            entities = self._propagate(doc, entities, {s for s in chosen if s.label_ == IGNORE})
        entities = _merge_metric_variants(entities)
        doc.spans[NESTED_KEY] = [
            Span(doc, span.start, span.end, label=span.label_, kb_id=key) for span, key in self._nested_devices(
                doc, typed, entities)]
        doc.spans[ENTITIES_KEY] = [
            Span(doc, span.start, span.end, label=span.label_, kb_id=key)
            for span, key in sorted(entities, key=lambda item: item[0].start)
        ]
        doc._.kg_proposed = sorted(proposed)
        return doc

    def _nested_devices(self, doc: Doc, typed: list[Span], entities: list[tuple[Span, str]]) -> list[tuple[Span, str]]:
        """Devices inside a Metric or Method ("GPU memory reduction", "GPU kernels"): the device is an entity too.

        They go to their own span group: ``kg_entities`` spans do not overlap, and results and
        relations read only those."""
        outer = [span for span, _ in entities if span.label_ in {"Metric", "Method"} and len(span) > 1]
        if not outer:
            return []
        covered = [False] * len(doc)
        for span in outer:
            for i in range(span.start, span.end):
                covered[i] = True
        keys = {merge_key(span.text, "Hardware"): key for span, key in entities if span.label_ == "Hardware"}
        nested = []
        for span in typed:
            if span.label_ != "Hardware" or span.id_ != "vocabulary" or not all(covered[span.start:span.end]):
                continue
            if any(o.start <= span.start and span.end <= o.end and (o.start, o.end) != (span.start, span.end) for o in outer):
                key = keys.setdefault(merge_key(span.text, "Hardware"), self._key("Hardware", span.text, span.kb_id_))
                nested.append((span, key))
        return nested

    @staticmethod
    def _key(label: str, text: str, canonical: str) -> str:
        return f"{label}|{merge_key(canonical or text, label)}"

    def _definition_label(self, long_span: Span, short_span: Span, candidates: list[Span]) -> str | None:
        for span in sorted(candidates, key=lambda s: -(s.end - s.start)):
            if span.id_ in {"open", "titlecase", "context"}:
                continue
            same_long = span.start == long_span.start and span.end == long_span.end
            same_short = span.start == short_span.start and span.end == short_span.end
            if same_short and not same_long and span.kb_id_ and merge_key(span.kb_id_, span.label_) != merge_key(
                    long_span.text, span.label_):
                continue  # "ASR" is attack success rate in the list, but here it is "Automatic Speech Recognition"
            if same_long or same_short:
                return span.label_ if span.label_ in ENTITY_LABELS else None
        head = self.head_label(long_span.text)
        if head == IGNORE:
            return None
        return head or "Method"

    def _type_open(self, doc: Doc, span: Span) -> str | None:
        """Type a name found by shape alone, from the word after it and its own head word."""
        if span.end < len(doc):
            following = doc[span.end].lower_
            label = self.next_words.get(following) or self.next_words.get(re.sub(r"s$", "", following))
            if label:
                return None if label == IGNORE else label
        head = self.head_label(span.text) if len(span) > 1 else None
        if head == IGNORE:
            return None
        if head is None and _BENCHMARK_SHAPE.search(span.text):
            return "Dataset"
        return head or span.label_

    def _propagate(self, doc: Doc, entities: list[tuple[Span, str]], blocked: set[Span]) -> list[tuple[Span, str]]:
        """Every other occurrence of a found surface (any case, singular or plural) is a mention too."""
        by_key: dict[str, tuple[str, str]] = {}
        upper_only: set[str] = set()  # surfaces written in capitals ("MATH") do not match "math" or "Math"
        max_len = 1
        for span, key in entities:
            surface_key = merge_key(span.text, "Method")
            if len(surface_key) < 2:
                continue
            if not any(c.islower() for c in re.sub(r"s$", "", span.text)):
                upper_only.add(surface_key)
            elif surface_key in upper_only:
                upper_only.discard(surface_key)  # written both ways in this paper
            by_key.setdefault(surface_key, (span.label_, key))
            max_len = max(max_len, len(span))
        taken = [False] * len(doc)
        for span in [s for s, _ in entities] + list(blocked):
            for i in range(span.start, span.end):
                taken[i] = True
        found = list(entities)
        # windows are only tried where their first word could start a known surface
        first_words = {merge_key(span[0].text, "Method") for span, _ in entities}
        i = 0
        while i < len(doc):
            if taken[i] or doc[i].is_punct or doc[i].is_space or merge_key(doc[i].text, "Method") not in first_words:
                i += 1
                continue
            for length in range(min(max_len, len(doc) - i), 0, -1):
                if any(taken[i:i + length]) or doc[i + length - 1].is_punct or doc[i + length - 1].is_space:
                    continue
                window = doc[i:i + length]
                window_key = merge_key(window.text, "Method")
                hit = by_key.get(window_key)
                if hit is None:
                    continue
                if window_key in upper_only and any(c.islower() for c in re.sub(r"s$", "", window.text)):
                    continue
                found.append((Span(doc, i, i + length, label=hit[0]), hit[1]))
                for j in range(i, i + length):
                    taken[j] = True
                i += length - 1
                break
            i += 1
        return found


_BENCHMARK_SHAPE = re.compile(r"(?:(?<=[a-z0-9])(?:Bench|Eval|QA)|[\-]?[Bb]ench)$")
_LIST_GLUE = {",", "and", "or", "/", ", and"}


def _coordinated_datasets(doc: Doc, chosen: list[Span]) -> list[Span]:
    """A name found by shape in a list with a known dataset is a dataset: "GSM8K, MATH500, and AIME"."""
    spans = list(chosen)
    for _ in range(3):  # spread along the list
        changed = False
        for index, span in enumerate(spans):
            if span.id_ not in {"open", "titlecase"} or span.label_ != "Method":
                continue
            for other in (spans[index - 1] if index else None, spans[index + 1] if index + 1 < len(spans) else None):
                if other is None or other.label_ != "Dataset":
                    continue
                low, high = (other.end, span.start) if other.start < span.start else (span.end, other.start)
                between = [t.lower_ for t in doc[low:high]]
                if 1 <= len(between) <= 2 and set(between) <= _LIST_GLUE:
                    spans[index] = _candidate(doc, span.start, span.end, "Dataset", span.id_, span.kb_id_)
                    changed = True
                    break
        if not changed:
            break
    return spans


# Words that make a longer metric a different quantity from its shorter part ("memory footprint reduction").
_CHANGE_WORDS = {"reduction", "reductions", "improvement", "improvements", "gain", "gains", "increase", "drop",
                 "degradation", "loss", "ratio", "per"}


def _merge_metric_variants(entities: list[tuple[Span, str]]) -> list[tuple[Span, str]]:
    """A metric and the longer metric phrase that starts or ends with it are one quantity in a paper:
    "regret" / "regret bound", "energy" / "energy consumption", "speedup" / "wall-clock speedup".
    Not when the longer phrase adds a number ("top-1 accuracy") or a change word, nor when the short
    one fits several longer ones."""
    words_of: dict[str, set[tuple[str, ...]]] = {}
    for span, key in entities:
        if span.label_ == "Metric":
            words = tuple(merge_key(w, "Metric") for w in re.split(r"[\s\-]+", span.text) if w)
            words_of.setdefault(key, set()).add(tuple(w for w in words if w))
    target: dict[str, str] = {}
    for short_key, short_forms in words_of.items():
        homes = set()
        for long_key, long_forms in words_of.items():
            if long_key == short_key:
                continue
            for short in short_forms:
                for long in long_forms:
                    n = len(short)
                    if not n or n >= len(long):
                        continue
                    extra = long[n:] if long[:n] == short else long[:-n] if long[-n:] == short else None
                    if extra and not any(any(c.isdigit() for c in w) or w in _CHANGE_WORDS for w in extra):
                        homes.add(long_key)
        if len(homes) == 1:
            target[short_key] = homes.pop()
    if not target:
        return entities
    def final(key: str) -> str:
        seen = set()
        while key in target and key not in seen:
            seen.add(key)
            key = target[key]
        return key
    return [(span, final(key) if span.label_ == "Metric" else key) for span, key in entities]


def _priority(span: Span) -> int:
    return 10 if span.label_ == IGNORE else PRIORITY.get(span.id_, 0)


def _select(spans: list[Span]) -> list[Span]:
    """Non-overlapping spans: longest first, then the stronger source, then the earliest."""
    ranked = sorted(spans, key=lambda s: (-(s.end - s.start), -_priority(s), s.start, s.label_))
    taken: set[int] = set()
    chosen = []
    for span in ranked:
        if any(i in taken for i in range(span.start, span.end)):
            continue
        chosen.append(span)
        taken.update(range(span.start, span.end))
    return sorted(chosen, key=lambda s: s.start)


__all__ = ["AcronymDetector", "EntityResolver", "EntityVocabulary", "HeadPhrases", "OpenClassRules", "patterns_version"]
