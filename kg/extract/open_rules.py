"""``kg_open_rules``: names no list can hold.

Token patterns (``patterns/rules.jsonl``): CamelCase, acronyms and versions, names with sizes,
Title Case terms in the abstract; in code, the coined name before the title's colon and the name
after "we propose / introduce / ... called" (source ``coined``: the paper's own).
"""

from __future__ import annotations

import re
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.base import DocTokens, PatternComponent, doc_tokens
from kg.extract.candidates import Candidate, ProposesCandidates, add_candidates, candidate, lower_positions, title_end
from kg.extract.gated_matcher import GatedMatcher
from kg.naming import dataset_head_nouns


@Language.factory("kg_open_rules", default_config={"pattern_files": ["rules.jsonl"], "max_title_name_tokens": 4})
def make_open_rules(nlp: Language, name: str, pattern_files: list[str], max_title_name_tokens: int) -> OpenClassRules:
    return OpenClassRules(nlp, name, pattern_files=pattern_files, max_title_name_tokens=max_title_name_tokens)


class OpenClassRules(ProposesCandidates, PatternComponent):
    """Names that no list can hold.

    Token patterns (``patterns/rules.jsonl``, Matcher syntax, ``label`` and a ``source``) find
    CamelCase names, acronyms and names with digits or versions. In code: the coined name
    before the colon of the title, and the name after "we propose / introduce / ... called".
    Both are marked as the paper's own (source "coined").
    """

    settings = ("max_title_name_tokens",)
    word_list_names = ("not_name_words", "propose_verbs", "naming_verbs", "name_joiners")

    def __init__(self, nlp: Language, name: str = "kg_open_rules", *, pattern_files: list[str] = ("rules.jsonl",),
                 max_title_name_tokens: int = 4):
        super().__init__(nlp, name, pattern_files=pattern_files, max_title_name_tokens=max_title_name_tokens)

    def clear(self) -> None:
        self.matcher = GatedMatcher(self.nlp.vocab)  # skips patterns a doc cannot match
        self._info: dict[str, tuple[str, str]] = {}

    def add(self, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            match_id = f"{row['label']}\t{row.get('source', 'open')}\t{len(self._info)}"
            self._info[match_id] = (row["label"], row.get("source", "open"))
            self.matcher.add(match_id, [row["pattern"]], greedy=row.get("greedy"))

    def propose(self, doc: Doc) -> Doc:
        self.check_initialized()
        spans = []
        end_of_title = title_end(doc)
        tokens = doc_tokens(doc)
        for match_id, start, end in self.matcher(doc):
            label, source = self._info[self.nlp.vocab.strings[match_id]]
            if source == "titlecase" and start < end_of_title:
                continue  # titles are Title Case throughout: capitals say nothing there
            if _not_a_name(tokens, start, end, source):
                continue
            if source == "titlecase" and self._name_tail(tokens, start):
                continue
            if source == "context" and label == "Hardware" and not _device_phrase(tokens, start, end, end_of_title):
                continue
            spans.append(candidate(doc, start, end, label, source))
        spans.extend(self._title_name(doc))
        spans.extend(self._proposed_names(doc))
        spans.extend(_word_before_dataset_noun(doc, tokens, end_of_title))
        add_candidates(doc, spans)
        return doc

    def _name_tail(self, tokens: DocTokens, start: int) -> bool:
        """Whether a Title Case run at words[start] goes on a longer capitalised name across a function word
        (``name_joiners``): "China Accelerator Facility for Superheavy Elements", "Default of Credit Card Clients",
        "Markov Decision Processes with Exogenous Inputs" (the word before the joiner a Title Case word that opens no
        sentence): the run is that name's tail, no name of its own."""
        words = tokens.words
        return start >= 2 and words[start - 1].lower_ in self.words["name_joiners"] and _TITLE_WORD.match(
            words[start - 2].text) is not None and not tokens.sent_starts()[start - 2]

    def _title_name(self, doc: Doc) -> list[Candidate]:
        """The coined name before the title's colon: "Zeus: Understanding ...", "LASP-2: Rethinking ..."."""
        end_of_title = title_end(doc)
        tokens = doc_tokens(doc)
        title_words = tokens.words[:end_of_title]
        colon = next((i for i, t in enumerate(title_words) if t.text == ":"), None)
        if colon is None or colon == 0 or colon > self.max_title_name_tokens:
            return []
        words = title_words[:colon]
        if any(t.lower_ in self.words["not_name_words"] or t.is_punct and t.text not in "-^" for t in words):
            return []
        if words[0].text.lower().endswith("ing") and not _is_name_like(words[0].text):
            return []
        if not all(t.text[:1].isupper() or _is_name_like(t.text) or not t.is_alpha for t in words):
            return []
        after = tokens.span_text(colon + 1, max(end_of_title, colon + 1)).lower()
        label = "Dataset" if re.search(r"\b(benchmark|dataset|corpus|suite)\b", after) else "Method"
        return [candidate(doc, 0, colon, label, "coined")]

    def _proposed_names(self, doc: Doc) -> list[Candidate]:
        """The name a paper gives its method: "we propose Zeus, ...", "... referred to as ReLinear"."""
        spans = []
        propose_verbs = self.words["propose_verbs"]
        words = doc_tokens(doc).words  # lexeme attributes per token: no Token objects
        n = len(doc)
        for i in lower_positions(doc, {*propose_verbs, "as"}):  # the tokens the test below can accept
            lower = words[i].lower_
            if lower in propose_verbs or (lower == "as" and i > 0 and words[i - 1].lower_ in {"to", "known"}):
                start = i + 1
                named = False
                # skip "it", "our method", "a new"...: the name must come within a few tokens, before a comma
                for j in range(start, min(start + 3, n)):
                    if words[j].is_punct and words[j].text not in "-":
                        break
                    if _is_name_like(words[j].text) and words[j].text.lower() not in self.words["not_name_words"]:
                        end = j + 1
                        while end < n and end - j < 3 and _is_name_like(words[end].text):
                            end += 1
                        spans.append(candidate(doc, j, end, "Method", "coined"))
                        named = True
                        break
                if not named and lower in self.words["naming_verbs"]:
                    spans.extend(self._plain_name(doc, i))
        return spans

    def _plain_name(self, doc: Doc, verb: int) -> list[Candidate]:
        """A lower-case name after a naming verb: "a training strategy, dubbed proximal matching, ..."."""
        words = doc_tokens(doc).words
        if verb == 0 or words[verb - 1].lower_ in {"a", "an", "the", "so", "-", "is", "are", "be"}:
            return []  # "the named entity", "so-called", "is called for"
        if words[verb].lower_ == "call" and words[verb - 1].lower_ != "we":
            return []
        end = verb + 1
        while end < len(doc) and end - verb <= 4 and words[end].is_lower and (
                words[end].is_alpha or "-" in words[end].text) and words[end].lower_ not in self.words["not_name_words"]:
            end += 1
        if end == verb + 1 or end - verb > 4 or end >= len(doc) or words[end].text not in {",", ".", ";", ":", ")", "("}:
            return []
        return [candidate(doc, verb + 1, end, "Method", "coined")]


_NAME_LIKE = re.compile(
    r"^(?:[A-Za-z]*[a-z][A-Z][\w\-\.^]*"  # CamelCase: SurCo, diffGrad, mmMamba
    r"|[A-Z][A-Z0-9\-\.^]*[A-Z0-9][A-Za-z0-9\-\.^]*"  # acronyms and versions: SGD, LASP-2, M-FAC, GPT-4, LLMTune
    r"|[A-Za-z]+[\-\.]?\d[\w\-\.]*"  # names with digits: Llama3, ResNet-20, T5
    r"|[A-Z][a-z]+-[A-Z][A-Za-z0-9]*[A-Z0-9][A-Za-z0-9\-]*)$"  # a word and an acronym: Inverse-RL, Fused-MBConv
)


# Shapes the open rules catch that are not names: LaTeX residue ("sim100B", "L^2", "float8_e4m3"),
# citation keys and variables ("jns13", "nichani2023provable", "d0"); "word2vec" and "seq2seq" stay.
_LATEX_RESIDUE = re.compile(r"[\^_]|^(?:sim|mathcal|mathbb|mathrm|mathbf|times|approx|leq|geq|cdot|frac|sqrt|ell|tilde|hat)[A-Z0-9(]")
_LOWER_WITH_DIGITS = re.compile(r"^[a-z]+\d+[a-z\d]*$")
_X_TO_Y = re.compile(r"^[a-z]+2[a-z]+$")


def _word_before_dataset_noun(doc: Doc, tokens: DocTokens, end_of_title: int) -> list[Candidate]:
    """One capitalised word right before a dataset noun in the abstract: "results on the Avazu dataset",
    "the Fooxa benchmark". Multi-word and digit names are found by the token patterns; a single Title Case word
    is not (Title Case terms need two words), so the noun after it is the only sign it is a name. Not at a sentence
    start and not a stop word ("Our dataset", "This benchmark"); the entity typer reads the noun after it."""
    spans = []
    words = tokens.words
    sent = None
    for i in lower_positions(doc, dataset_head_nouns()):
        j = i - 1
        if j < max(end_of_title, 1):
            continue
        word = words[j]
        text = word.text
        if not (_SINGLE_TITLE_WORD.match(text) and not word.is_stop):
            continue
        if sent is None:
            sent = tokens.sent_starts()
        if sent[j]:
            continue
        spans.append(candidate(doc, j, j + 1, "Dataset", "open"))
    return spans


_SINGLE_TITLE_WORD = re.compile(r"^[A-Z][a-z]{2,}$")


_TITLE_WORD = re.compile(r"^[A-Z][a-z]+$")


def _not_a_name(tokens: DocTokens, start: int, end: int, source: str) -> bool:
    """Whether the match doc[start:end] is no name (*tokens*: the doc's token cache)."""
    span = tokens.words[start:end]
    if _derived_modifier(tokens, start, end):
        return True
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
        sent = tokens.sent_starts()
        sentence_start = start
        while sentence_start > 0 and not sent[sentence_start]:
            sentence_start -= 1  # span.sent.start
        before = [t.text for t in tokens.words[sentence_start:start]]
        if before.count('"') % 2 == 1 or before.count("“") > before.count("”"):
            return True
    return False


# a name, a hyphen and a lower-case past participle in one word: "LoRA-adapted", "KL-regularised", "ReLU-fied"
_PARTICIPLE = re.compile(r"^\S*[A-Z0-9]\S*-[a-z]{2,}ed$")


def _derived_modifier(tokens: DocTokens, start: int, end: int) -> bool:
    """Whether the match doc[start:end] ends in a name and a hyphenated past participle made from it, standing
    before the word it modifies: "a LoRA-adapted Llama", "KL-regularized preference optimization", "a ReLU-fied
    model". The participle makes the whole an adjective (what was done to the next word), not a name; the name
    before the hyphen is a mention only where the rules find it on its own. "Meta-trained with ..." (no word
    after it to modify) is left to the other rules."""
    words = tokens.words
    if end >= len(words) or not _PARTICIPLE.match(words[end - 1].text):
        return False
    following = words[end]
    return following.is_alpha and not following.is_stop or _is_name_like(following.text)


def _device_phrase(tokens: DocTokens, start: int, end: int, end_of_title: int) -> bool:
    """Whether a device phrase the rules matched ("Xeon Gold 6248 CPU") is one: not a word of a longer
    capitalised name ("China Accelerator Facility"), and in the title (Title Case throughout) only when its first
    word is shaped like a model name ("TPUv3 Pod", not "Optimizing GPU")."""
    words = tokens.words
    if end < len(words) and words[end].is_title and words[end].is_alpha:
        return False
    return start >= end_of_title or _is_name_like(words[start].text)


def _is_name_like(text: str) -> bool:
    return bool(_NAME_LIKE.match(text)) and any(c.isalpha() for c in text)

