"""The paper's contribution frame: what it proposes, what it compares against, what "we / our / it" mean.

The ``kg_frame`` component runs after ``kg_entities`` and before ``kg_results`` / ``kg_relations``. It reads
the Method entities of the doc (``doc.spans["kg_entities"]``) and sets ``doc._.kg_frame``::

    {"proposed": [key, ...],     # the paper's own methods, the main one first
     "subject": key,             # the proposal "we / our method / it" stand for (see ContributionFrame._subject)
     "baselines": [key, ...],    # methods it is compared against ("than X", "outperforms X, Y and Z")
     "blocks": [[proposal, key, sentence], ...],  # what a proposal is made of ("a Bayesian optimization algorithm")
     "self": [[start, end], ...],       # token spans that refer to the proposal ("we", "our method", "it")
     "extensions": [[longer, shorter, sentence], ...]}  # names made from other names ("SurCo-zero", "SurCo")

and ``doc._.kg_proposed`` (the same keys as ``proposed``), which the record's ``"proposed"`` flags come from.

A method is proposed when it is
- a coined name before the title's colon ("Zeus: ...", "X and Y: ..."), with the type the subtitle gives
  ("Opus: A Large Work Model for ..."), unless the subtitle says the paper is a study ("A Survey", "Trends");
- the name opening a title without a colon ("KV Prediction for Improved Time to First Token"), unless the
  curated vocabulary knows it ("Reinforcement Learning for ...": the topic) or a word such as "On" opens it,
  or a task, process or property noun heads it and the abstract proposes a method of its own ("Algorithm
  Selection for ...", "we propose TAILOR": the phrase is then the paper's Task);
  or the means a title names with "via / through / using" ("... via Gaunt Tensor Products");
- the object of a propose verb right after the authors ("we propose X", "this paper introduces a Y method,
  X,", "we present two algorithms, named X and Y", "we extend X to Y": Y), or the name after "called /
  named / dubbed / referred to as";
- written as "our X" or "the proposed X"; or a variant named after a proposal ("SurCo-zero", "LASP-2H").
A Method right before a head noun ("a ResNet-like architecture", "a Bayesian optimization algorithm") or
inside a prepositional phrase ("a framework for LLMs") is not proposed: it is a building block or a topic.
A descriptive proposal no entity covers becomes a Method entity: the Title Case phrase opening a title
without a colon, and a lower-case object of "we propose" ending in a method noun ("an importance-driven
cache merging strategy") when the paper names no proposal otherwise or lists its contributions ("First,
we propose ..."); so do a lower-case single word before the title's colon that the abstract repeats
("kernelsmith: ...") and a lower-case coined word right after the propose verb that an apposition describes
("we propose tcoe, a memory-free model").

The word lists live in ``patterns/frame.jsonl``.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from itertools import compress
from typing import Any

import numpy
from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.extract.doc_values import doc_value, set_doc_value
from kg.errors import PatternError
from kg.extract.base import PatternComponent, doc_tokens, pipe_in_batches
from kg.extract.candidates import ARTICLES, CANDIDATES_KEY, entity_key, span_text, title_end
from kg.extract.pattern_data import kind_list, kind_words, schema_for
from kg.extract.scorer import CandidateScorer, goal_head
from kg.extract.entity_table import entity_spans, entity_table, set_entity_spans
from kg.extract.token_view import doc_memo
from kg.extract.vocabulary import vocabulary_key

# the kinds of word list frame.jsonl holds: its JSON Schema's enum is the one place they are named
WORD_KINDS: tuple[str, ...] = tuple(json.loads(schema_for("frame.jsonl").read_text(encoding="utf-8"))
                                    ["properties"]["kind"]["enum"])
SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}  # dependency labels of a subject (the parser's scheme, not words)
_BOUNDS_KEY = "kg_sentence_bounds"
_NUMBERS_KEY = "kg_sentence_numbers"
_KNOWN_KEY = "kg_frame_known"
_COMPARED_KEY = "kg_frame_compared"
_MODIFIER_KEY = "kg_frame_modifier"
_PARSED_KEY = "kg_frame_parsed"
_SUBJECT_KEY = "kg_frame_subject_like"
_POSITIONS_KEY = "kg_frame_positions"
# word lists of frame.jsonl the frame's helpers read (see each row's comment there): the words that open a new clause
# (";", "while", "but"), the words that make a propose verb an adjective or a passive ("the proposed", "been
# proposed"), the sentence adverbs before a comma ("Here, we"), "extend", the words after a comma that go on with a
# named phrase ("namely", "dubbed"), the fillers before a propose verb's object ("a", "two"), the words after
# "NAME," that make a lower-case word a name ("a", "which"), and the endings of an English noun ("-tion", "-s")
_BREAKS = kind_words("frame.jsonl", "contrast_breaks")
ADJECTIVE_VERB_LEADS = kind_words("frame.jsonl", "adjective_verb_leads")
SENTENCE_ADVERBS = kind_words("frame.jsonl", "sentence_adverbs")
EXTEND_VERBS = kind_words("frame.jsonl", "extend_verbs")
APPOSITION_OPENERS = kind_words("frame.jsonl", "apposition_openers")
OBJECT_FILLERS = kind_words("frame.jsonl", "object_fillers")
NAME_APPOSITION_LEADS = kind_words("frame.jsonl", "name_apposition_leads")
NOUN_SUFFIXES = kind_list("frame.jsonl", "noun_suffixes")  # ordered: a str.endswith tuple
_LOWERS_KEY = "kg_frame_lowers"
_TOKEN_SENTENCES_KEY = "kg_frame_token_sentences"
_TEXTS_KEY = "kg_frame_texts"

for _name in ("kg_frame", "kg_proposed"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


def read_words(rows: list[dict[str, Any]], source: str = "frame.jsonl") -> dict[str, frozenset[str]]:
    """The word lists of frame rows; a row that is not {"kind": known kind, "words": [str, ...]} is an error
    naming *source* and the row's number (the packaged file is also checked against its JSON Schema on load)."""
    words: dict[str, set[str]] = {kind: set() for kind in WORD_KINDS}
    for number, row in enumerate(rows, 1):
        if not isinstance(row, dict) or row.get("kind") not in WORD_KINDS or not isinstance(row.get("words"), list) \
                or not all(isinstance(w, str) and w for w in row["words"]):
            raise PatternError(f"{source}:{number}: a frame word row needs a kind among {', '.join(WORD_KINDS)} "
                               'and a "words" list of non-empty strings')
        words[row["kind"]].update(w.lower() for w in row["words"])
    return {kind: frozenset(found) for kind, found in words.items()}


@Language.factory("kg_frame", default_config={"pattern_files": ["frame.jsonl"], "propose_window": 20,
                                              "add_names": True, "overwrite": True})
def make_frame(nlp: Language, name: str, pattern_files: list[str], propose_window: int, add_names: bool,
               overwrite: bool) -> ContributionFrame:
    return ContributionFrame(nlp, name, pattern_files=pattern_files, propose_window=propose_window,
                             add_names=add_names, overwrite=overwrite)


class ContributionFrame(PatternComponent):
    """Set ``doc._.kg_frame`` and ``doc._.kg_proposed`` (see the module docstring).

    Its word lists are the rows of ``patterns/frame.jsonl`` ({"kind": ..., "words": [...]}), loaded by
    ``initialize()`` and saved with the component (``kg.extract.base.PatternComponent``: on disk as
    ``frame.jsonl``, validated against the file's schema when a saved pipeline loads)."""

    settings = ("propose_window", "add_names", "overwrite")
    row_files = {"patterns": "frame.jsonl"}

    def __init__(self, nlp: Language, name: str = "kg_frame", *, pattern_files: Iterable[str] = ("frame.jsonl",),
                 propose_window: int = 20, add_names: bool = True, overwrite: bool = True) -> None:
        super().__init__(nlp, name, pattern_files=pattern_files, propose_window=propose_window,
                         add_names=add_names, overwrite=overwrite)

    def clear(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self._compile()

    def add(self, rows: list[dict[str, Any]]) -> None:
        read_words(rows, "frame rows")  # a row given in code is checked as the file's rows are
        self.rows.extend(rows)
        self._compile()

    def _compile(self) -> None:
        self.words = {**self.words, **read_words(self.rows)}
        self.determiners = sorted((tuple(phrase.split()) for phrase in self.words["self_determiners"]),
                                  key=lambda words: -len(words))
        self.determiner_starts = {words[0] for words in self.determiners}
        # the words a self mention can start with: a determiner's first word or a self word ("we", "it")
        self.mention_starts = frozenset(self.determiner_starts | self.words["self_words"])
        # the determiners by their first word, longest first (as self.determiners lists them)
        self.determiners_by_first: dict[str, list[tuple[str, ...]]] = {}
        for words in self.determiners:
            self.determiners_by_first.setdefault(words[0], []).append(words)
        strings = self.nlp.vocab.strings
        self.hashes = {kind: {strings.add(w) for w in self.words[kind]} for kind in WORD_KINDS}
        self.naming_hashes = {strings.add(w) for w in (*self.words["naming_words"], *self.words["calling_words"], "as")}
        self.naming_lowers = frozenset((*self.words["naming_words"], *self.words["calling_words"], "as"))
        self.determiner_hashes = {strings.add(w) for words in self.determiners for w in words}
        # the word lists whose tokens every doc asks for (propose verbs, naming words, the starts of self mentions,
        # clause breaks): found in one pass (_positions)
        self._scanned = tuple(dict.fromkeys((self.words["propose_verbs"], self.naming_lowers, self.words["naming_words"],
                                             self.mention_starts, _BREAKS)))
        self._scanned_words = frozenset().union(*self._scanned)
        self._mentions_of: tuple[Doc, int, list[tuple[int, int]]] | None = None
        self._scorer_of: tuple[Any, CandidateScorer | None] | None = None
        self._vocabulary_keys: tuple[Any, int, frozenset[str]] | None = None

    def __call__(self, doc: Doc) -> Doc:
        if doc_value(doc, "kg_frame") is not None and not self.overwrite:
            return doc
        self.check_initialized()
        frame = self.read(doc)
        self._score_added(doc, frame)
        set_doc_value(doc, "kg_frame", frame)
        set_doc_value(doc, "kg_proposed", list(frame["proposed"]))
        return doc

    def _scorer(self) -> CandidateScorer | None:
        """The pipeline's kg_scorer when it runs before this component (it does in kg's pipeline), else None."""
        # found once per state of the pipeline (its components and the disabled ones), not per doc
        key = (list(self.nlp._components), set(self.nlp._disabled))
        if self._scorer_of is None or self._scorer_of[0] != key:
            names = self.nlp.pipe_names
            found = None
            for name, component in self.nlp.pipeline:
                if isinstance(component, CandidateScorer) and self.name in names \
                        and names.index(name) < names.index(self.name):
                    found = component
                    break
            self._scorer_of = (key, found)
        found = self._scorer_of[1]
        return found if found is not None and found.initialized else None

    def _score_added(self, doc: Doc, frame: dict[str, Any]) -> None:
        """Give the Methods this component added (descriptive proposals) a confidence from the scorer's model,
        with the same features it was trained on (the frame's proposals included), and drop those below the
        Method threshold as kg_scorer drops its own: every entity of a record then carries a confidence."""
        scorer = self._scorer()
        if scorer is None:
            return
        confidences = dict(doc_value(doc, "kg_confidences") or {})
        added: dict[str, list[Span]] = {}  # entity_groups(doc) without the keys already scored
        for span in entity_spans(doc):
            key = span.kb_id_
            if key not in confidences:
                added.setdefault(key, []).append(span)
        if not added:
            return
        scored, dropped = scorer.score(doc, added, set(frame["proposed"]))
        set_doc_value(doc, "kg_confidences", {**confidences, **scored})
        if dropped:
            set_entity_spans(doc, [s for s in entity_spans(doc) if s.kb_id_ not in dropped])
            frame["proposed"] = [key for key in frame["proposed"] if key not in dropped]
            frame["baselines"] = [key for key in frame["baselines"] if key not in dropped]
            frame["blocks"] = [block for block in frame["blocks"] if block[0] not in dropped and block[1] not in dropped]
            frame["extensions"] = [item for item in frame["extensions"] if item[0] not in dropped
                                   and item[1] not in dropped]
            frame["why"] = {key: rule for key, rule in frame["why"].items() if key not in dropped}
            if frame.get("subject") in dropped:
                frame["subject"] = frame["proposed"][0] if frame["proposed"] else None

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        yield from pipe_in_batches(self, docs, batch_size)  # a batch at a time: see kg.extract.base

    # -- reading ------------------------------------------------------------------------------------------
    def read(self, doc: Doc, *, objects: bool = False) -> dict[str, Any]:
        lowers, texts = token_lowers(doc), token_texts(doc)  # the per-doc word columns (kg.extract.frame.token_lowers)
        if self.add_names and not objects:
            self._add_descriptive_names(doc, objects=False)
            self._propagate_title_names(doc)
        entities = [s for s in entity_spans(doc) if s.kb_id_]
        methods = [s for s in entities if s.label_ == "Method"]
        method_at = {s.start: s for s in methods}
        proposed: list[str] = []
        blocks: list[tuple[str, int]] = []

        why: dict[str, str] = {}

        def propose(span: Span, rule: str) -> None:
            if span.kb_id_ not in proposed and not self._cited(doc, span):
                proposed.append(span.kb_id_)
                why[span.kb_id_] = f"{rule}@{span.start}"

        coined = set(doc_value(doc, "kg_proposed") or [])  # names the entity rules saw coined (title colon, "called X")
        means: list[Span] = []  # "... via Robust Alternating Minimization": proposed when nothing else is
        end_of_title = title_end(doc)
        for span in self._title_names(doc, methods, end_of_title, coined):
            lead = lowers[span.start - 1] if span.start > 0 else ""
            if lead in self.words["means_words"] or lead in self.words["paired_means_words"] \
                    or lead == "and" and means and means[-1].end == span.start - 1 \
                    or span.kb_id_ not in coined and self._known(doc, span) and self._coined_kind(doc, span):
                # "... via X", "... with X and Y": the title's means; "Load-Balanced Context Parallelism for ...": a
                # known method's new kind, the proposal when the abstract names no other
                means.append(span)
            else:
                propose(span, "title")
        title_part = self._title_part(doc, end_of_title) if proposed else None
        if title_part is not None:
            # "EllieSQL: ... with Complexity-Aware Routing", "Chunked Conformer Transducers with Cross-Lingual
            # Lookahead": a coined means the abstract writes again is a named part of the proposal the title names
            # (a title naming no proposal, "A Photonic Tensor Core with In-Situ Calibration", has no named part)
            span = next((s for s in methods if (s.start, s.end) == title_part), None)
            if span is not None and not self._is_modifier(doc, span):
                propose(span, "title")
        sentences = _sentences(doc)
        verbs, naming = self.words["propose_verbs"], self.naming_lowers
        mentions = self._self_mentions(doc)
        speakers = self._speakers(doc, mentions)
        mention_starts = {start for start, _ in mentions}
        # the tokens of propose verbs and naming words, found in one pass: most sentences hold neither
        verb_at = self._positions(doc, verbs)
        naming_at = self._positions(doc, naming)
        for n, sentence in enumerate(sentences):
            first_verb = bisect_left(verb_at, sentence.start)
            for i in verb_at[first_verb:bisect_left(verb_at, sentence.end, first_verb)]:
                if self._by_authors(doc, sentence, i, speakers):
                    found, used = self._objects(doc, sentence, i, method_at, coined)
                    for span in found:
                        propose(span, "object")
                    for span in self._listed(doc, sentence, i, method_at):
                        propose(span, "listed")
                    owner = found[0].kb_id_ if found else None
                    blocks.extend((owner, span.kb_id_, n) for span in used)
                    if found:
                        # the rest of the sentence describes the proposal: "X, the first system that supports Y"
                        blocks.extend((owner, span.kb_id_, n) for span in methods
                                      if span.start > found[-1].end and span.end <= sentence.end
                                      and not self.is_compared(doc, span) and span.kb_id_ not in proposed)
            # "ZorbNet is a novel kernel that ...", "X is the first system to ...": a name presented as new
            subject = method_at.get(sentence.start + (lowers[sentence.start] == "the"))
            if subject is not None and subject.end + 2 < sentence.end and lowers[subject.end] in {"is", "are"} \
                    and lowers[subject.end + 1] in ARTICLES \
                    and lowers[subject.end + 2] in self.words["novelty_words"]:
                propose(subject, "presented")
            for span in methods:
                if sentence.start + 3 <= span.start < sentence.end and texts[span.start - 1] == "," \
                        and self._new_apposition(doc, sentence, span, coined, mention_starts):
                    propose(span, "apposition")  # "to a new lightweight architecture, ViSNet-S, ..."
            first_naming = bisect_left(naming_at, sentence.start)
            if first_naming < len(naming_at) and naming_at[first_naming] < sentence.end:
                for span in self._named(doc, sentence, method_at):
                    propose(span, "named")
        for sentence in sentences:
            # "COAT addresses ... through two key innovations: (1) X, ..., and (2) Y": the proposal's named parts
            about_proposal = any(key in proposed for key in self._sentence_subjects(doc, sentence, method_at))
            if about_proposal:
                for span in self._listed(doc, sentence, sentence.start, method_at):
                    propose(span, "listed")
            main = self._main_clause_start(doc, sentence)
            if about_proposal or self._author_at(doc, main) or main in mention_starts:
                # "MOGFNs consist of a novel Conditional GFlowNet", "our method leverages a new X": a part the
                # paper's own method or the authors present as new
                for span in methods:
                    if sentence.start + 2 <= span.start < sentence.end and lowers[span.start - 2] in {"a", "an"} \
                            and lowers[span.start - 1] in {"novel", "new"} and not self._is_modifier(doc, span) \
                            and not self.is_compared(doc, span) and not self._known_family(doc, span, coined):
                        propose(span, "novel")
        self_spans = []
        for start, end in mentions:
            self_spans.append([start, end])
            span = method_at.get(end)
            if span is None and end - start > 1 and end + 1 < len(doc) and texts[end] == "," \
                    and lowers[end - 1] in self.words["self_nouns"]:
                # "our method, U-DoG, combines ...": the name in apposition to the proposal
                span = method_at.get(end + 1)
                if span is not None and (span.end >= len(doc) or texts[span.end] not in {",", "(", ".", ")", ";"}):
                    span = None
            # a pronoun that is not possessive ("we", "it") is a subject or an object: what follows it is its verb
            # ("we fine-tune DeBERTa-v2"), never a name it owns
            possessive = end - start > 1 or token_lowers(doc)[start] in self.determiner_starts
            if span is not None and possessive and not self._is_modifier(doc, span) \
                    and not self._known_family(doc, span, coined):
                propose(span, "self")  # "our EfficientNetV2", "the proposed CrossQ"
        goals = self._drop_title_goals(doc, proposed, why)
        if goals:
            methods = [s for s in methods if s.kb_id_ not in goals]
            method_at = {s.start: s for s in methods}
            blocks = [item for item in blocks if item[0] not in goals and item[1] not in goals]
        if not proposed:
            for span in means:
                propose(span, "means")
        if proposed:
            blocks.extend((proposed[0], key, 0) for key in self._title_blocks(doc, method_at, proposed))
        # variants named after a proposal are proposed too: "SurCo-zero", "mmMamba-linear", "LASP-2H"
        extensions = name_extensions(doc, methods)  # the sentence numbers only when a name extends another
        for longer, shorter, _ in extensions:
            if shorter in proposed and longer not in proposed:
                proposed.append(longer)
                why[longer] = "variant@0"
        for span in sized_variants(methods, proposed):
            propose(span, "size")  # "LeYOLO-Small", "X-7B": a size of the proposed model is proposed too
        if not proposed and self.add_names and not objects and self._add_descriptive_names(doc, objects=True):
            # no named proposal: a descriptive object of "we propose" is the contribution's name
            return self.read(doc, objects=True)
        baselines = [s.kb_id_ for s in methods if self.is_compared(doc, s)]
        return {
            "proposed": proposed,
            "subject": self._subject(methods, proposed, why, end_of_title, {
                s.kb_id_ for s in methods if 0 < s.start and s.end <= end_of_title
                and lowers[s.start - 1] in self.words["means_words"]}),
            "baselines": [key for key in dict.fromkeys(baselines) if key not in proposed],
            "blocks": [[owner or (proposed[0] if proposed else None), key, n] for owner, key, n in dict.fromkeys(blocks)
                       if key not in proposed and (owner or proposed)],
            "self": self_spans,
            "why": why,  # which rule proposed each key, at which token: for debugging and tests
            "extensions": [list(item) for item in extensions],  # [longer, shorter, sentence]: "SurCo-zero", "SurCo"
        }

    def _title_names(self, doc: Doc, methods: list[Span], end_of_title: int, coined: set[str]) -> list[Span]:
        lowers = token_lowers(doc)  # the per-doc word column (kg.extract.frame.token_lowers)
        if end_of_title == 0:
            return []
        title_end = end_of_title
        colon = title_colon(doc, title_end)
        first = 1 if lowers[0] in ARTICLES else 0
        in_title = [s for s in methods if s.end <= title_end]
        if colon is not None:
            # "X: ...", "X and Y: ..." (each name before the colon), "X: A Y for Z" (the subtitle says what X is)
            if any(t.lower_ in self.words["study_heads"] for t in doc[colon + 1:title_end]):
                return []  # "...: A Survey on ...", "...: Algorithmic Trends and Opportunities": a study
            before = [s for s in in_title if s.end <= colon]
            covered = {i for s in before for i in range(s.start, s.end)}
            if before and all(i in covered or lowers[i] in {"and", ",", "&"} for i in range(first, colon)):
                names = [s for s in before if not self._is_modifier(doc, s)
                         and s.text.split()[-1].lower() not in self.words["study_heads"] and not self._qualified_known(doc, s)]
                if names and colon + 2 < title_end and lowers[colon + 1] in {"a", "an"}:
                    names += [s for s in in_title if s.start == colon + 2 and not self._is_modifier(doc, s)]
                return names
            if not before and not any(t.lower_ in self.words["study_heads"] for t in doc[first:colon]):
                # "Navigating Scaling Laws: Accelerating ... via Adaptive Strategies": no name before the colon
                return self._title_means(doc, [s for s in in_title if s.start > colon], title_end)
            return []
        found = self._title_means(doc, in_title, title_end)
        if lowers[first] in self.words["praise_words"] and lowers[first] not in self.words["title_openers"] \
                and not any(s.start == first for s in in_title):
            first += 1  # "Faster Gradient-Free Algorithms for ...": the name after the praise
        spans = [s for s in in_title if s.start == first]
        if not spans or lowers[0] in self.words["title_openers"] and first == 0:
            return found
        span = spans[0]
        after = doc[span.end] if span.end < title_end else None
        if not found and span.kb_id_ not in coined and self._known(doc, span) and self._coined_kind(doc, span) \
                and not self._is_modifier(doc, span) \
                and (after is None or after.lower_ in self.words["title_name_followers"] - self.words["means_words"]):
            return [span]  # "Load-Balanced Context Parallelism for ...": a new kind of a known method (see read)
        if self._is_modifier(doc, span) or span.text.split()[-1].lower() in self.words["non_method_heads"] \
                or span.kb_id_ not in coined and self._known(doc, span):
            return found  # "Reinforcement Learning for ...", "Large Language Models as ...": a known method is the topic
        if after is not None and after.lower_ not in self.words["title_name_followers"]:
            return found
        if found and after is not None and after.lower_ in self.words["means_words"]:
            return found  # "Low Rank Matrix Completion via Robust Alternating Minimization": the task, then the means
        # "Low-Switching Policy Gradient with Exploration via Online Sensitivity Sampling": the opening name is the
        # proposal and the means is what it is built with (a block, see _title_blocks)
        return [span]

    def _drop_title_goals(self, doc: Doc, proposed: list[str], why: dict[str, str]) -> set[str]:
        """A descriptive title phrase headed by a task, process or property noun ("Algorithm Selection for ...",
        "Unit-Level Prosody Transfer for ...", "Certified Robustness for ...") names the goal the paper reaches
        when the abstract proposes a method of its own ("we propose TAILOR", "we introduce localised randomised
        smoothing"): the phrase is not a second proposal but the paper's Task. A phrase headed by a method noun
        stays ("Dropout Q-Functions" beside "DroQ", "Collapsible Linear Blocks"). Returns the keys made Tasks."""
        titled = [key for key in proposed if why.get(key, "").startswith("title@")]
        if not titled or len(titled) == len(proposed):
            return set()
        goals: set[str] = set()
        for key in titled:
            start = int(why[key].split("@")[1])
            span = next((s for s in entity_spans(doc) if s.start == start and s.kb_id_ == key), None)
            if span is None or len(span) < 2 or name_shaped(span[-1:]) or not goal_head(
                    span[-1].text, self.words["goal_suffixes"], self.words["goal_heads"]):
                continue
            proposed.remove(key)
            del why[key]
            goals.add(key)
        if goals:
            # the goal is the paper's task: its mentions become Task mentions ("Algorithm Selection")
            spans = entity_spans(doc)
            set_entity_spans(doc, [Span(doc, s.start, s.end, label="Task", kb_id=entity_key("Task", s.text))
                                   if s.kb_id_ in goals else s for s in spans])
        return goals

    def _known_family(self, doc: Doc, span: Span, coined: set[str] | frozenset[str]) -> bool:
        """A method the curated vocabulary knows, not shaped like a coined name and not seen coined ("reinforcement
        learning", "linear attention", "dropout"): a field or a family the paper's method belongs to or is made of,
        never the paper's own when it follows a propose verb or "our" ("we propose the dense reinforcement learning
        method", "our dropout Q-functions")."""
        return not name_shaped(span) and span.kb_id_ not in coined and self._known(doc, span)

    def _qualified_known(self, doc: Doc, span: Span) -> bool:
        """A known method behind an evaluative word: "Efficient Deep Learning", "Compute-Efficient Deep Learning"."""
        first = span[0].lower_
        if not (first in self.words["evaluative"] or first.endswith("-efficient") or first.endswith("efficient")) or len(span) < 2:
            return False
        rest = doc[span.start + 1:span.end]
        return self._known(doc, rest)

    def _title_means(self, doc: Doc, in_title: list[Span], title_end: int) -> list[Span]:
        """The method a title without a colon reaches its goal with: "... via Gaunt Tensor Products",
        "... Through Jointly Learnable Codebooks and Mappings" (not a method the vocabulary knows)."""
        for i in range(1, title_end - 1):
            pair = self._paired_means(doc, in_title, i, title_end)
            if pair:
                return pair
            if token_lowers(doc)[i] in self.words["means_words"]:
                span = next((s for s in in_title if s.start == i + 1), None)
                if span is not None and not self._known(doc, span) and not self._is_modifier(doc, span):
                    return [span]
        return []

    def _new_apposition(self, doc: Doc, sentence: Span, span: Span, coined: set[str], speakers: set[int]) -> bool:
        """Whether *span* is a coined name in apposition to "a new / novel ... <method noun>," ("we apply it to a new
        lightweight architecture, ViSNet-S, ..."): the phrase before the comma opens with "a / an", holds a novelty
        word and no `established_words` word ("a new variant of the standard architecture, X", "the popular
        architecture, ResNet,"), and the name is no method the vocabulary knows, not compared and not cited."""
        lowers, texts = token_lowers(doc), token_texts(doc)
        noun = span.start - 2
        if lowers[noun] not in self.words["self_nouns"]:
            return False
        after = texts[span.end] if span.end < sentence.end else "."
        if after not in {",", ".", "(", ";", ":"} and lowers[span.end] not in self.words["clause_breaks"]:
            return False
        novel = False
        for i in range(noun - 1, max(sentence.start, noun - 7) - 1, -1):
            lower = lowers[i]
            if lower in self.words["established_words"]:
                return False
            if lower in self.words["novelty_words"] or lower in self.words["evaluative"]:
                novel = True
            if lower in ARTICLES:
                break
            if not doc[i].is_alpha and "-" not in texts[i] or lower in self.words["prepositions"] \
                    or lower in self.words["clause_breaks"]:
                return False
        else:
            return False
        if not novel or len(span) > 1 and self._known_family(doc, span, coined):
            return False  # "a new technique, Gaussian process regression": a family the vocabulary knows
        if not (name_shaped(span) or span.kb_id_ in coined or texts[span.start][:1].isupper()) \
                or self._is_modifier(doc, span) or self.is_compared(doc, span):
            return False
        if any(s.kb_id_ == span.kb_id_ and s.start < sentence.start for s in entity_spans(doc)):
            return False  # the apposition presents a name at its first mention, not one the abstract already discussed
        # the authors speak: "we apply it to a new ... architecture, X", "our method discovers a simple ... algorithm, X"
        return any(self._author_at(doc, k) or k in speakers for k in range(sentence.start, noun))

    def _paired_means(self, doc: Doc, in_title: list[Span], i: int, title_end: int) -> list[Span]:
        """Two coined names joined by "and" after the title's means word at *i* ("... with Audio-Visual
        Pseudo-Labelling and Lip-Region Masking", "... via Asymmetric Teacher-Student Transfer and Online System
        Identification"), each up to a preposition or the title's end, neither a method the vocabulary knows: the
        paper's two contributions. [] otherwise."""
        lowers, texts = token_lowers(doc), token_texts(doc)
        if lowers[i] not in self.words["paired_means_words"]:
            return []
        first = next((s for s in in_title if s.start == i + 1), None)
        if first is None or first.end + 1 >= title_end or lowers[first.end] != "and":
            return []
        second = next((s for s in in_title if s.start == first.end + 1), None)
        if second is None or second.end < title_end and lowers[second.end] not in self.words["prepositions"] \
                and texts[second.end] not in {":", "?", ".", ","}:
            return []
        pair = [first, second]
        if any(self._known(doc, s) or self._is_modifier(doc, s) or not self._coined_shape(s)
               or s.text.split()[-1].lower() in self.words["non_method_heads"] for s in pair):
            return []
        return pair

    @staticmethod
    def _coined_shape(span: Span) -> bool:
        """A title name written as a name: every word capitalised or name-shaped ("Lip-Region Masking", "FooNet")."""
        return all(text[:1].isupper() or any(c.isdigit() for c in text) or text in {"-", "–"}
                   for text in token_texts(span.doc)[span.start:span.end])

    # -- names no entity rule found ------------------------------------------------------------------------
    def _add_descriptive_names(self, doc: Doc, *, objects: bool) -> bool:
        """Add Method entities for a descriptive proposal: the phrase opening a title without a colon
        ("Sequential Gradient Coding For Straggler Mitigation") and the object of "we propose / introduce"
        ("an importance-driven cache merging strategy"), when no entity covers them."""
        entities = list(entity_spans(doc))
        taken = {i for s in entities for i in range(s.start, s.end)}
        added: list[tuple[int, int]] = []
        title = None if objects else self._title_phrase(doc, title_end(doc))
        if title and not any(i in taken for i in range(*title)) or title and self._title_overlap_only(doc, title, entities):
            added.append(title)
        coined_word = None if objects or title else self._title_coined_word(doc, title_end(doc))
        if coined_word and coined_word[0] not in taken:
            added.append(coined_word)
            taken.add(coined_word[0])
        for means in [] if objects or title else self._means_phrases(doc, title_end(doc)):
            if not any(i in taken for i in range(*means)) or self._title_overlap_only(doc, means, entities):
                added.append(means)
        part = None if objects else self._title_part(doc, title_end(doc))
        if part and not any(i in taken or any(a <= i < b for a, b in added) for i in range(*part)):
            added.append(part)  # "pixdoc: OCR-free document understanding with resolution-adaptive patching"
        verbs = self.words["propose_verbs"]
        all_lowers = token_lowers(doc)
        speakers = self._speakers(doc, self._self_mentions(doc)) if objects else set()
        if not objects:
            # the propose verbs and naming words, in order (most tokens are neither)
            for i in sorted({*self._positions(doc, verbs), *self._positions(doc, self.words["naming_words"])}):
                lower = all_lowers[i]
                if lower in verbs:
                    for j in self._coined_object(doc, i, taken):
                        added.append((j, j + 1))  # "This work introduces Prompt-OIRL, an approach ..."
                        taken.add(j)
                else:
                    j = self._called_name(doc, i, taken)
                    if j is not None:
                        added.append((j, j + 1))  # "a new retriever called Blimpo that ..."
                        taken.add(j)
                    for j in self._named_list(doc, i, entities, taken):
                        added.append((j, j + 1))  # "two variants, namely Zorbo-S and Zorbo-L"
                        taken.add(j)
        enumeration_words = self.words["enumeration_words"]
        for sentence_start, sentence_end in sentence_bounds(doc):
            # "First, we propose ...; Second, we propose a compound scaling method": each is a contribution
            enumerated = all_lowers[sentence_start] in enumeration_words
            if not (objects or enumerated):
                continue
            sentence = _Sentence(doc, sentence_start, sentence_end)
            verb_at = self._positions(doc, verbs)
            first_verb = bisect_left(verb_at, sentence_start)
            for i in verb_at[first_verb:bisect_left(verb_at, sentence_end, first_verb)]:
                if self._by_authors(doc, sentence, i, speakers):
                    phrase = self._object_phrase(doc, sentence, i)
                    if phrase and not any(i in taken for i in range(*phrase)):
                        added.append(phrase)
                        break
            if added and objects and not enumerated:
                break  # the first one names the contribution
        if not added:
            return False
        # a coined word that opens a Method name already found ("Gravity" of "Gravity Optimizer") is that name
        first_words = {token_lowers(doc)[s.start]: s.kb_id_ for s in entities if s.label_ == "Method" and len(s) > 1}
        new_spans = [Span(doc, start, end, label="Method", kb_id=first_words.get(token_lowers(doc)[start])
                          if end - start == 1 and token_lowers(doc)[start] in first_words
                          else entity_key("Method", doc[start:end].text))
                     for start, end in added]
        covered = {i for s in new_spans for i in range(s.start, s.end)}
        # later mentions of the same words become mentions of the new entity
        lowers = token_lowers(doc)
        for span in list(new_spans):
            words = lowers[span.start:span.end]
            for i in range(span.end, len(doc) - len(words) + 1):
                if lowers[i] == words[0] and lowers[i:i + len(words)] == words and not any(
                        j in covered or j in taken for j in range(i, i + len(words))):
                    new_spans.append(Span(doc, i, i + len(words), label="Method", kb_id=span.kb_id_))
                    covered.update(range(i, i + len(words)))
        kept = [s for s in entities if not any(i in covered for i in range(s.start, s.end))]
        set_entity_spans(doc, sorted([*kept, *new_spans], key=lambda s: s.start))
        return True

    def _propagate_title_names(self, doc: Doc) -> None:
        """Later mentions of a Method the title names with several words ("KV Prediction") become mentions of it,
        replacing shorter entities inside them ("a novel method called KV Prediction": not "KV")."""
        end = title_end(doc)
        entities = list(entity_spans(doc))
        titled = [s for s in entities if s.end <= end and s.label_ == "Method" and len(s) > 1]
        if not titled:
            return
        lowers = token_lowers(doc)
        new_spans: list[Span] = []
        for span in titled:
            words = lowers[span.start:span.end]
            for i in range(end, len(doc) - len(words) + 1):
                if lowers[i] == words[0] and lowers[i:i + len(words)] == words:
                    new_spans.append(Span(doc, i, i + len(words), label="Method", kb_id=span.kb_id_, span_id=span.id_))
        if not new_spans:
            return
        kept = [s for s in entities if not any(n.start <= s.start and s.end <= n.end for n in new_spans)
                and not any(s.start < n.end and n.start < s.end for n in new_spans)]
        if len(kept) + len(new_spans) == len(entities) and all(
                any(s.start == n.start and s.end == n.end and s.kb_id_ == n.kb_id_ for s in entities) for n in new_spans):
            return  # every later mention is already there
        crossing = [s for s in entities if s not in kept and not any(n.start <= s.start and s.end <= n.end
                                                                    for n in new_spans)]
        if crossing:
            return  # an entity crossing the name's boundary: leave the entity rules' reading
        set_entity_spans(doc, sorted([*kept, *new_spans], key=lambda s: s.start))

    def _coined_object(self, doc: Doc, verb: int, taken: set[int]) -> list[int]:
        """The tokens of coined names no entity covers, right after the authors' propose verb ("we introduce
        Prompt-OIRL, an approach ...", "we propose Quembly, a retriever", "we present X and Y, two ..."), or []."""
        lowers = token_lowers(doc)  # the per-doc word columns (kg.extract.frame.token_lowers)
        j = verb + 1
        while j < len(doc) and (lowers[j] in ARTICLES or lowers[j] in self.words["evaluative"]):
            j += 1
        found = self._coined_at(doc, j, taken) or self._lower_coined_at(doc, verb, j, taken)
        if not found or not self._by_authors(doc, doc[slice(*sentence_at(doc, verb))], verb):
            return []
        return found

    def _lower_coined_at(self, doc: Doc, verb: int, j: int, taken: set[int]) -> list[int]:
        """A lower-case coined name right after the propose verb, with no article, that an apposition or a
        relative clause describes: "we propose tcoe, a memory-free model", "we present kernelsmith, which ...".
        A word shaped like an English noun (a plural, "-tion", "-ment", "-ity" ...) is not taken."""
        texts, lowers = token_texts(doc), token_lowers(doc)
        if j != verb + 1 or j + 2 >= len(doc) or j in taken or texts[j + 1] != "," \
                or lowers[j + 2] not in NAME_APPOSITION_LEADS:
            return []
        word = doc_tokens(doc).words[j]
        if not (word.is_lower and word.text.replace("-", "").isalnum() and len(word.text) >= 3) or word.is_stop \
                or lowers[j].endswith(NOUN_SUFFIXES) \
                or lowers[j] in self.words["evaluative"]:
            return []
        return [j]

    def _called_name(self, doc: Doc, naming: int, taken: set[int]) -> int | None:
        """The one-token name right after "called / named / dubbed" in a sentence where the authors propose
        ("we propose a new retriever called Blimpo that ..."): capitalised or name-shaped, not yet an entity."""
        j = naming + 1
        if j >= len(doc) or j in taken or not any(c.isalpha() for c in token_texts(doc)[j]):
            return None
        text = token_texts(doc)[j]
        if not (name_shaped(doc[j:j + 1]) or text[:1].isupper() and text.isalpha() and not doc[j].is_stop):
            return None
        if j + 1 < len(doc) and (token_texts(doc)[j + 1][:1].isupper() or not doc[j].whitespace_
                                 and token_texts(doc)[j + 1] not in {",", ".", ";", ":", ")"}):
            return None  # "called Sparse Wobble", "dubbed MP_{+}": a longer name the entity rules should read whole
        sentence = doc[slice(*sentence_at(doc, naming))]
        if not any(token_lowers(doc)[k] in self.words["propose_verbs"] and self._by_authors(doc, sentence, k)
                   for k in range(sentence.start, naming)):
            return None
        return j

    def _named_list(self, doc: Doc, naming: int, entities: list[Span], taken: set[int]) -> list[int]:
        """The further one-token coined names of a list after "called / namely / dubbed" ("two variants, namely
        Zorbo-S and Zorbo-L", "called X-S, X-M and X-L") that no entity covers, in a sentence where the authors
        propose or speak: each name of the list is a name of its own."""
        texts, lowers = token_texts(doc), token_lowers(doc)
        sentence = doc[slice(*sentence_at(doc, naming))]
        j = naming + 1
        if j >= sentence.end:
            return []
        entity = next((s for s in entities if s.start == j), None)
        if entity is not None:
            j = entity.end
        elif j in taken and (j == 0 or j - 1 not in taken):
            while j in taken:
                j += 1  # a name added just before ("we propose X and Y": the propose verb's coined object)
        elif not (name_shaped(doc[j:j + 1]) or texts[j][:1].isupper() and texts[j].isalpha()):
            return []
        else:
            j += 1
        if not any(self._author_at(doc, k) or lowers[k] in self.words["propose_verbs"]
                   and self._by_authors(doc, sentence, k) for k in range(sentence.start, naming)):
            return []
        found: list[int] = []
        while j + 1 < sentence.end and lowers[j] in {",", "and"}:
            k = j + 2 if texts[j] == "," and lowers[j + 1] == "and" else j + 1
            if k >= sentence.end:
                break
            entity = next((s for s in entities if s.start == k), None)
            if entity is not None:
                if not name_shaped(entity):
                    break
                j = entity.end
                continue
            if k in taken or not name_shaped(doc[k:k + 1]) or k + 1 < sentence.end and not (
                    texts[k + 1] in {",", ".", ";", ":", "(", ")"} or lowers[k + 1] in {"and", "or"}
                    or lowers[k + 1] in self.words["clause_breaks"]):
                break
            found.append(k)
            j = k + 1
        return found

    def _coined_at(self, doc: Doc, j: int, taken: set[int]) -> list[int]:
        """The one-token coined names at token *j*: a token shaped like a name ("Prompt-OIRL", "pFedPara") or a
        capitalised word inside the sentence ("Quembly"), that ends its phrase (a comma, a parenthesis, the
        sentence's end, or "and" before another such name). The shape and the place say it is a name, not a
        word list."""
        texts = token_texts(doc)
        found: list[int] = []
        while j + 1 < len(doc) and j not in taken and any(c.isalpha() for c in texts[j]):
            shaped = name_shaped(doc[j:j + 1])
            capitalised = texts[j][:1].isupper() and texts[j].isalpha() and not doc[j].is_sent_start \
                and token_lowers(doc)[j] not in self.words["authors"] and not doc[j].is_stop
            if not (shaped or capitalised) or texts[j + 1] not in {",", "(", ".", ":", ";", "and"}:
                break
            if texts[j + 1] == "and" and not capitalised and not shaped:
                break
            found.append(j)
            if texts[j + 1] != "and":
                break
            j += 2
        if found and texts[found[-1] + 1] == "and" and not name_shaped(doc[found[-1]:found[-1] + 1]):
            found.pop()  # "Bayesian and ...": a capitalised word before "and" with no name after it may be a modifier
        return found

    def _means_phrases(self, doc: Doc, end_of_title: int) -> list[tuple[int, int]]:
        """The Title Case phrases a title's means names: two joined by "and" after a `paired_means_words` word
        ("... with Audio-Visual Pseudo-Labelling and Lip-Region Masking"), else the one after the first "via /
        through / using" (`_means_phrase`)."""
        lowers, texts = token_lowers(doc), token_texts(doc)
        for i in range(1, end_of_title - 1):
            if lowers[i] not in self.words["paired_means_words"]:
                continue
            first = self._title_case_run(doc, i + 1, end_of_title)
            if first is None or first[1] >= end_of_title or lowers[first[1]] != "and":
                continue
            second = self._title_case_run(doc, first[1] + 1, end_of_title)
            if second is None or second[1] < end_of_title and lowers[second[1]] not in self.words["prepositions"] \
                    and texts[second[1]] not in {":", "?", ".", ","}:
                continue
            pair = [first, second]
            if all(end - start >= 2 and lowers[end - 1] not in self.words["non_method_heads"]
                   and not self._known(doc, doc[start:end]) for start, end in pair):
                return pair
        means = self._means_phrase(doc, end_of_title)
        return [means] if means else []

    def _title_part(self, doc: Doc, end_of_title: int) -> tuple[int, int] | None:
        """The phrase after the first `paired_means_words` word of a title or its subtitle ("EllieSQL: Cost-Efficient
        Text-to-SQL with Complexity-Aware Routing", "pixdoc: ... with resolution-adaptive patching", "Chunked
        Conformer Transducers with Cross-Lingual Lookahead for ..."), not inside a purpose phrase ("... for MDPs with
        X"): two to four words with a hyphenated compound before the last (a coined description), up to a
        preposition or the title's end, that the abstract writes again outside any entity and the vocabulary does
        not know. None otherwise."""
        colon = title_colon(doc, end_of_title)
        lowers, texts = token_lowers(doc), token_texts(doc)
        start = None
        for i in range(colon + 1 if colon is not None else 1, end_of_title - 1):
            if lowers[i] in self.words["title_purposes"]:
                return None
            if lowers[i] in self.words["paired_means_words"]:
                start = i + 1
                break
        if start is None:
            return None
        end = start
        while end < end_of_title and end - start < 5 and doc[end].is_alpha | ("-" in texts[end]) and not doc[end].is_stop \
                and lowers[end] not in self.words["prepositions"]:
            end += 1
        if not 2 <= end - start <= 4 or end < end_of_title and lowers[end] not in self.words["prepositions"] \
                and texts[end] not in {":", "?", ".", ","}:
            return None
        if not any("-" in texts[i] for i in range(start, end - 1)):
            return None  # a coined description has a compound modifier ("Complexity-Aware"); "via Optimal Transport" is a field
        if lowers[end - 1] in self.words["non_method_heads"] or self._vocabulary_lists(doc[start:end].text):
            return None  # a name the vocabulary lists ("Multi-Head Attention"), not one it reads as a kind of its own
        # the abstract writes it again, outside any entity (matched on the text: "Complexity-Aware" is one token in a
        # title and three in "a complexity-aware routing framework")
        phrase, abstract_start = doc[start:end].text.lower(), doc[end_of_title].idx
        text = doc.text.lower()
        spans = entity_spans(doc)
        own = {s.kb_id_ for s in spans if (s.start, s.end) == (start, end)}  # its own later mentions are no other entity
        taken = {i for s in spans if s.kb_id_ not in own for i in range(s.start, s.end)}
        at = text.find(phrase, abstract_start)
        while at >= 0:
            span = doc.char_span(at, at + len(phrase), alignment_mode="expand")
            if span is not None and not any(i in taken for i in range(span.start, span.end)):
                return start, end
            at = text.find(phrase, at + 1)
        return None  # the abstract never writes it again: a means of the title, not a named part

    def _coined_kind(self, doc: Doc, span: Span) -> bool:
        """A hyphenated compound before a method the vocabulary knows, the whole not listed by it ("Load-Balanced
        Context Parallelism", "Pocket-Aware Flow Matching"): a new kind of the known method, which kg_head_phrases
        reads as a vocabulary candidate (so `_known` calls it known)."""
        texts = token_texts(doc)
        return len(span) >= 2 and "-" in texts[span.start] and texts[span.start][:1].isupper() \
            and self._known(doc, doc[span.start + 1:span.end]) and not self._vocabulary_lists(span.text)

    def _vocabulary_lists(self, text: str) -> bool:
        """Whether the curated vocabulary lists *text* itself (any case, hyphen or plural). A coined compound before a
        known head ("Cross-Lingual Lookahead", "Load-Balanced Context Parallelism") is read as a vocabulary candidate
        by kg_head_phrases (a kind of the known method), but the vocabulary does not list it: a new name."""
        vocabulary = self.nlp.get_pipe("kg_vocabulary") if "kg_vocabulary" in self.nlp.pipe_names else None
        rows = getattr(vocabulary, "patterns", None)  # the rows kg_vocabulary was given
        if not rows:
            return False
        cached = self._vocabulary_keys
        if cached is None or cached[0] is not vocabulary or cached[1] != len(rows):
            # the written names of the vocabulary's rows (phrase patterns; a token pattern names no phrase)
            cached = self._vocabulary_keys = (vocabulary, len(rows), frozenset(
                vocabulary_key(row["pattern"]) for row in rows if isinstance(row.get("pattern"), str)))
        return vocabulary_key(text) in cached[2]

    def _known_means(self, doc: Doc, start: int, end_of_title: int) -> bool:
        """Whether the Title Case phrase at *start* (a title's means) is a method the vocabulary knows, and the
        abstract does not write the title up to it again as one name ("a novel approach called Algorithm Evolution
        using Large Language Model (AEL)": the means is part of the name)."""
        run = self._title_case_run(doc, start, end_of_title)
        if run is None or not self._known(doc, doc[run[0]:run[1]]):
            return False
        lowers = token_lowers(doc)
        whole = lowers[:run[1]]
        return not any(lowers[i:i + len(whole)] == whole for i in range(end_of_title, len(doc) - len(whole) + 1))

    def _title_case_run(self, doc: Doc, start: int, end_of_title: int) -> tuple[int, int] | None:
        """The capitalised or name-shaped words from *start*, up to a preposition, "and / or" or the title's end
        (at most six)."""
        lowers, texts = token_lowers(doc), token_texts(doc)
        end = start
        while end < end_of_title and end - start < 7 and (texts[end][:1].isupper() or name_shaped(doc[end:end + 1])) \
                and lowers[end] not in self.words["prepositions"] and lowers[end] not in {"and", "or"}:
            end += 1
        return (start, end) if 0 < end - start <= 6 else None

    def _means_phrase(self, doc: Doc, end_of_title: int) -> tuple[int, int] | None:
        """The Title Case phrase after the first "via / through / using" of the title ("... via Robust Alternating
        Minimization in Nearly Linear Time"): two to six capitalised words, up to a preposition or the end."""
        lowers, texts = token_lowers(doc), token_texts(doc)  # the per-doc word columns (kg.extract.frame.token_lowers)
        means_words = self.words["means_words"]
        start = next((i + 1 for i in range(1, end_of_title - 1) if lowers[i] in means_words), None)
        if start is None:
            return None
        end = start
        while end < end_of_title and end - start < 7 and (texts[end][:1].isupper() or name_shaped(doc[end:end + 1])) \
                and lowers[end] not in self.words["prepositions"] and lowers[end] not in {"and", "or"}:
            end += 1
        if end - start < 2 or end - start > 6 or (end < end_of_title and lowers[end] not in self.words["prepositions"]
                                                  and texts[end] not in {":", "?", ".", ","}):
            return None
        if lowers[end - 1] in self.words["non_method_heads"] or self._known(doc, doc[start:end]):
            return None
        return start, end

    def _title_overlap_only(self, doc: Doc, phrase: tuple[int, int], entities: list[Span]) -> bool:
        """Whether the only entities inside the title phrase are Methods strictly inside it ("Gradient Coding")."""
        inside = [s for s in entities if s.start < phrase[1] and s.end > phrase[0]]
        return all(s.label_ == "Method" and phrase[0] <= s.start and s.end <= phrase[1]
                   and (s.start, s.end) != phrase for s in inside) and bool(inside)

    def _title_coined_word(self, doc: Doc, end_of_title: int) -> tuple[int, int] | None:
        """The one word before a title's colon, written lower-case ("kernelsmith: Language-Model-Guided Search"),
        when the abstract writes it again: a coined name no entity rule knows (a capitalised one is theirs)."""
        if end_of_title < 3 or title_colon(doc, end_of_title) != 1:
            return None
        words = doc_tokens(doc).words
        word = words[0]
        if not (word.is_lower and len(word.text) >= 4 and word.text.replace("-", "").isalnum()) or word.is_stop \
                or word.lower_ in self.words["study_heads"] or word.lower_ in self.words["title_openers"]:
            return None
        lowers = token_lowers(doc)
        if word.lower_ not in lowers[end_of_title:]:
            return None
        return 0, 1

    def _title_phrase(self, doc: Doc, end_of_title: int) -> tuple[int, int] | None:
        """The Title Case phrase opening a title without a colon, up to a preposition or the title's end."""
        title_end = end_of_title
        title = doc[:title_end]
        title_words = doc_tokens(doc).words[:title_end]  # the lexeme attributes per token, without Token objects
        if not len(title) or any(t.text in {":", "?", "!"} for t in title_words) or title_colon(doc, title_end) is not None \
                or title_words[0].lower_ in self.words["title_openers"]:
            return None
        if title_words[0].lower_.endswith("ing") and not name_shaped(title[:1]):
            return None  # "Addressing Representation Collapse ...": a gerund opens a sentence, not a name
        end = 0
        while end < title_end and (title_words[end].text[:1].isupper() or title_words[end].text in {"-", "–"}
                                   or name_shaped(title[end:end + 1])) \
                and title_words[end].lower_ not in self.words["prepositions"] and title_words[end].lower_ not in {"and", "or"}:
            end += 1
        following = title_words[end].lower_ if end < title_end else None
        if end < 2 or end > 6 or title_words[end - 1].text in {"-", "–"}:
            return None
        if following is None and (end > 4 or any(t.is_stop or t.lower_.endswith("ly") for t in title_words[:end])):
            return None  # a whole title is a name only when short and without function words
        if following is not None and following not in self.words["title_name_followers"] - self.words["means_words"] \
                and not (following in self.words["means_words"] and self._known_means(doc, end + 1, title_end)):
            # "Low Rank Matrix Completion via ...": a task reached by the means after "via"; but a means the
            # vocabulary knows is a tool, and the phrase before it the proposal ("Optimal Activation
            # Rematerialization via Integer Linear Programming")
            return None
        if title_words[end - 1].lower_ in self.words["non_method_heads"] or self._known(doc, title[:end]):
            return None
        start = 1 if end > 2 and title_words[0].lower_ in self.words["praise_words"] else 0  # "Faster Gradient-Free Algorithms"
        return start, end

    def _object_phrase(self, doc: Doc, sentence: Span, verb: int) -> tuple[int, int] | None:
        """A lower-case descriptive name after a propose verb: "(a novel) importance-driven cache merging strategy"."""
        lowers, texts = token_lowers(doc), token_texts(doc)  # the per-doc word columns (kg.extract.frame.token_lowers)
        i = verb + 1
        while i < sentence.end and (lowers[i] in OBJECT_FILLERS
                                    or lowers[i] in self.words["evaluative"]):
            i += 1
        start = i
        while i < sentence.end and i - start < 6 and doc[i].is_lower and (doc[i].is_alpha or "-" in texts[i]) \
                and lowers[i] not in self.words["self_nouns"] and lowers[i] not in self.words["prepositions"] \
                and lowers[i] not in self.words["clause_breaks"] and not doc[i].is_stop:
            i += 1
        if i == start or i >= sentence.end or lowers[i] not in self.words["self_nouns"] or lowers[i] in self.words["generic_nouns"]:
            return None
        if i - start < 2:
            return None  # "a training strategy": one modifier says what kind, not which
        after = doc[i + 1:min(sentence.end, i + 4)]
        if any(t.lower_ in self.words["naming_words"] or t.text == "(" or name_shaped(after[n:n + 1]) for n, t in enumerate(after)):
            return None  # "a ... strategy, dubbed X" / "a ... framework (X)": the name follows
        return start, i + 1

    def _title_blocks(self, doc: Doc, method_at: dict[int, Span], proposed: list[str]) -> list[str]:
        """Methods the title says the proposal is made of: the subtitle after "X:" up to its purpose
        ("DeepZero: Scaling up Zeroth-Order Optimization for ..."), and "with / via / using Y" anywhere in
        the title ("Sequential Training of Neural Networks with Gradient Boosting")."""
        end = title_end(doc)
        colon = title_colon(doc, end)
        found: list[str] = []
        i = 0
        in_subtitle = False
        purpose = False
        means = False
        while i < end:
            lower = token_lowers(doc)[i]
            if i == colon:
                in_subtitle, purpose = True, False
            elif lower in self.words["title_block_means"]:
                means, purpose = True, False
            elif lower in self.words["title_purposes"]:
                purpose, means = True, False
            span = method_at.get(i)
            if span is not None:
                if span.kb_id_ not in proposed and (means or in_subtitle and not purpose) \
                        and not self.is_compared(doc, span):
                    found.append(span.kb_id_)
                i = span.end
                continue
            i += 1
        return found

    def _known(self, doc: Doc, span: Span) -> bool:
        """Whether the curated vocabulary names the span (a candidate of source "vocabulary" covers it)."""
        candidates = doc.spans.get(CANDIDATES_KEY)
        if candidates is None:
            return False
        memo = doc_memo(doc)
        cached = memo.get(_KNOWN_KEY)
        if cached is None or cached[0] is not candidates or cached[1] != len(candidates):
            # the (start, end) of the vocabulary's candidates, read from the span group once per doc (a SpanGroup
            # holds its doc only weakly)
            cached = (candidates, len(candidates), [(c.start, c.end) for c in candidates if c.id_ == "vocabulary"])
            memo[_KNOWN_KEY] = cached
        start, end = span.start, span.end
        return any(c_start <= start and end <= c_end for c_start, c_end in cached[2])

    def _named(self, doc: Doc, sentence: Span, method_at: dict[int, Span]) -> list[Span]:
        """Methods right after "called / named / dubbed / termed / namely" in a sentence of the authors."""
        lowers = token_lowers(doc)  # the per-doc word column (kg.extract.frame.token_lowers)
        spans: list[Span] = []
        calling_words, naming_words = self.words["calling_words"], self.words["naming_words"]
        speakers = self._speakers(doc, self._self_mentions(doc))  # "our approach", "the proposed method"
        for token_i in range(sentence.start, sentence.end):
            lower = lowers[token_i]
            referred = lower == "as" and token_i > 0 and lowers[token_i - 1] in {"to", "known"}
            # "we refer to the modified X, which ..., as Y": "as" after the authors' "refer"
            referred = referred or lower == "as" and any(
                lowers[j] in calling_words and self._author_at(doc, j - 1)
                for j in range(max(sentence.start + 1, token_i - 15), token_i))
            # "we call this architecture a Pointer Net", "which we call the X": the name a few words on
            calling = lower in calling_words and token_i > sentence.start \
                and self._author_at(doc, token_i - 1)
            if lower not in naming_words and not referred and not calling:
                continue  # "dubbed X", "named X", "referred to as X", "known as X"
            if not any(self._author_at(doc, t) or lowers[t] in self.words["propose_verbs"] or t + 1 in speakers
                       for t in range(sentence.start, token_i)):
                continue  # "we / this paper / proposed ... called X", "our approach, called X"
            i = token_i + 1
            reach = token_i + (6 if calling else 3)
            while i < min(sentence.end, reach) and i not in method_at and not (
                    calling and (doc[i].is_punct or lowers[i] in self.words["clause_breaks"])):
                i += 1
            span = method_at.get(i)
            if calling and span is not None and not (span.text[:1].isupper() or name_shaped(span)):
                continue  # "what we call the naive loss minimization direction": a notion, not a coined name
            while span is not None:
                spans.append(span)
                j = _skip_parenthesis(doc, span.end, sentence.end)
                glue = doc[j:j + 2]
                nxt = method_at.get(j + 1) if len(glue) and glue[0].lower_ in {"and", ","} else None
                if nxt is None and len(glue) == 2 and glue[0].text == "," and glue[1].lower_ == "and":
                    nxt = method_at.get(j + 2)
                span = nxt if nxt is not None and name_shaped(nxt) else None
        return spans

    def _by_authors(self, doc: Doc, sentence: Span, verb: int, speakers: set[int] | frozenset = frozenset()) -> bool:
        """Whether the authors propose: "we propose", "this paper introduces", "Here, we ...", "our second
        algorithm develops" (*speakers*: the ends of such self mentions), "we instantiate X and propose Y";
        not "X proposes"."""
        lowers = token_lowers(doc)  # the per-doc word column (kg.extract.frame.token_lowers)
        if verb > sentence.start and lowers[verb - 1] in ADJECTIVE_VERB_LEADS:
            return False  # "the proposed method", "has been proposed"
        # the author word, then at most two adverbs or auxiliaries: "we propose", "this paper newly introduces",
        # "we have also developed" (not "we examine ... expert design")
        i = verb - 1
        while i >= sentence.start and verb - i <= 3 and (lowers[i] in self.words["author_gap_words"] or lowers[i].endswith("ly")
                                                         and doc[i].is_alpha):
            i -= 1
        if i >= sentence.start and (self._author_at(doc, i) or i + 1 in speakers):
            return True
        if verb - 2 > sentence.start and lowers[verb - 1] == "and" and lowers[verb - 2] == "," \
                and self._author_at(doc, self._main_clause_start(doc, sentence)):
            # "We observe that the best factor differs across layers, and propose FreqScale": ", and" goes back to
            # the sentence's own subject, the authors
            return True
        if verb - 1 > sentence.start and lowers[verb - 1] == "and":
            # "we instantiate our framework ... and propose the SSO algorithm": "we" leads the coordinated verbs
            breaks = self.words["clause_breaks"]
            for j in range(verb - 2, max(sentence.start, verb - 25) - 1, -1):
                if lowers[j] in breaks or lowers[j] in {";", ":", ","}:
                    return False
                if lowers[j] == "we":
                    return True
        return False

    def _cited(self, doc: Doc, span: Span) -> bool:
        """Whether a citation follows the name: "(Smith et al., 2021)", "(Smith et al" or "[12]": someone else's
        published method, not the paper's own ("a modern form of error feedback called EF21 (Richtarik et al")."""
        texts, lowers = token_texts(doc), token_lowers(doc)
        i = span.end
        if i >= len(doc) or texts[i] not in {"(", "["}:
            return False
        inside = lowers[i + 1:min(len(doc), i + 8)]
        return "et" in inside and any(w.startswith("al") for w in inside) \
            or texts[i] == "[" and len(inside) > 1 and inside[0].isdigit() and inside[1] in {"]", ","}

    def _main_clause_start(self, doc: Doc, sentence: Span) -> int:
        """The first word of the sentence's main clause: after an opening phrase ending in a comma ("In this
        paper, we ...", "To this end, we ..."), else the sentence's first word (its subject in most abstracts)."""
        texts, lowers = token_texts(doc), token_lowers(doc)
        start = sentence.start
        if lowers[start] in self.words["intro_words"] or lowers[start] in self.words["enumeration_words"] \
                or lowers[start] in SENTENCE_ADVERBS or self.participle_opening(doc, start, sentence.end):
            comma = next((i for i in range(start, min(sentence.end, start + 10)) if texts[i] == ","), None)
            if comma is not None and comma + 1 < sentence.end:
                return comma + 1
        return start

    def _author_at(self, doc: Doc, i: int) -> bool:
        """Whether token *i* speaks for the authors: "we", or an author noun the paper itself owns ("this paper",
        "our work", "the present study"); "prior work", "recent studies" and "their paper" are other people's."""
        lowers = token_lowers(doc)  # the per-doc word column (kg.extract.frame.token_lowers)
        lower = lowers[i]
        if lower in self.words["authors"]:
            return True
        return lower in self.words["author_nouns"] and i > 0 and lowers[i - 1] in self.words["author_determiners"]

    def _speakers(self, doc: Doc, mentions: list[tuple[int, int]]) -> set[int]:
        """The ends of self mentions that end in a method noun: "our second algorithm (develops X)" speaks for
        the authors."""
        return {end for start, end in mentions if end - start > 1 and token_lowers(doc)[end - 1] in self.words["self_nouns"]}

    def _listed(self, doc: Doc, sentence: Span, start: int, method_at: dict[int, Span]) -> list[Span]:
        """The items of a counted list of contributions after *start*: "two key contributions ...: X, a ..., and
        Y", "two new methods, X and Y", "two key innovations: (1) X, ..., and (2) Y"."""
        lowers, texts = token_lowers(doc), token_texts(doc)  # the per-doc word columns (kg.extract.frame.token_lowers)
        for i in range(start + 1, min(sentence.end, start + 8)):
            if lowers[i] not in self.words["count_words"]:
                continue
            noun = next((j for j in range(i + 1, min(sentence.end, i + 4)) if lowers[j] in self.words["list_nouns"]), None)
            if noun is None:
                return []
            if noun + 1 < sentence.end and texts[noun + 1] in {",", ":"}:
                opening = noun + 1
            else:  # "two key contributions that address ...: X"
                opening = next((j for j in range(noun + 1, min(sentence.end, noun + 16)) if texts[j] == ":"), None)
            if opening is None:
                return []
            items: list[Span] = []
            j = opening
            while j < sentence.end:
                k = j + 1
                if k + 2 < sentence.end and texts[k] == "(" and texts[k + 2] == ")":
                    k += 3  # "(1) X"
                if k + 1 < sentence.end and lowers[k] in ARTICLES:
                    k += 1  # "two components: a Region Prompt Pool ..., and a Cross-Scale Alignment Loss"
                span = method_at.get(k) if texts[j] in {",", ":", "and", ")"} else None
                if span is not None and not self._is_modifier(doc, span) and not self.is_compared(doc, span):
                    items.append(span)
                    j = span.end
                    continue
                j += 1
            return items
        return []

    def _sentence_subjects(self, doc: Doc, sentence: Span, method_at: dict[int, Span]) -> list[str]:
        """The Method opening a sentence ("COAT addresses ..."), as a one-key list, or []."""
        span = method_at.get(sentence.start)
        return [span.kb_id_] if span is not None else []

    @staticmethod
    def _subject(methods: list[Span], proposed: list[str], why: dict[str, str], title_end: int = 0,
                 means: set[str] | frozenset[str] = frozenset()) -> str | None:
        """The proposal "we / our method / it" and a sentence about the paper's work without a named subject stand
        for: the first proposal, unless it is a descriptive title phrase ("Latent Imagination for ...", not a
        coined-looking name) and the abstract presents a coined-looking name of its own ("we present SlotDreamer",
        "called X"): the name the abstract then speaks of. A descriptive title phrase the abstract never repeats
        (it ends before *title_end*) also gives way to the title's means (*means*: a name after "via", "using"),
        coined-looking or not, when the authors present it: "Certified Robustness for Segmentation via Localised
        Smoothing" then "we introduce localised smoothing"."""
        if not proposed:
            return None
        shaped = {s.kb_id_ for s in methods if name_shaped(s)}
        first = proposed[0]
        if not why.get(first, "").startswith("title@") or first in shaped:
            return first
        presented = [key for key in proposed[1:] if why.get(key, "").partition("@")[0] in {"object", "named", "self"}]
        title_only = not any(s.kb_id_ == first and s.start >= title_end for s in methods)
        return next((key for key in presented if key in shaped or title_only and key in means), first)

    def _objects(self, doc: Doc, sentence: Span, verb: int, method_at: dict[int, Span],
                 coined: set[str] | frozenset[str] = frozenset()) -> tuple[list[Span], list[Span]]:
        """The Methods a propose verb introduces, and the ones its object is built from.

        The first Method of the object that is not inside a prepositional phrase, not compared against and not a
        modifier is proposed; after it, only names in a list or after "called / named" are ("two algorithms,
        AFA-CD and AFA-CS"); the rest of the object ("X, a Y-based framework for Z") is what X is built from.
        """
        lowers = token_lowers(doc)  # the per-doc word column (kg.extract.frame.token_lowers)
        words = self.words
        found: list[Span] = []
        used: list[Span] = []
        in_phrase = False
        opened = True  # right after the verb or a name opener
        extending = lowers[verb] in EXTEND_VERBS  # "we extend X to Y": X is built on, Y is new
        opened_by_to = False
        i = verb + 1
        end = min(sentence.end, verb + 1 + self.propose_window)
        while i < end:
            token = doc[i]
            lower = token.lower_
            span = method_at.get(i)
            if span is not None:
                later = bool(found) and not (opened and name_shaped(span))
                if extending and not in_phrase and not found and not opened_by_to:
                    used.append(span)
                elif extending and (not name_shaped(span) or self._known(doc, span) or any(
                        s.kb_id_ == span.kb_id_ and s.start < sentence.start for s in method_at.values())):
                    # "we extend X to simulator-free MDPs": a setting, not a new name; nor a name the abstract wrote
                    # before this sentence ("an adversarial Markov Decision Process (MDP) ... we extend it to linear MDPs")
                    used.append(span)
                elif in_phrase or later or self.is_compared(doc, span) or self._is_modifier(doc, span):
                    used.append(span)
                elif self._apposition_is_not_method(doc, span, sentence.end):
                    break  # "we introduce RL4CO, an extensive ... benchmark": a benchmark, not a method
                elif self._known_family(doc, span, coined):
                    # "we propose the dense reinforcement learning method", "a new linear attention": a method the
                    # vocabulary knows as a field or a family is what the object is made of, not the paper's own
                    used.append(span)
                else:
                    found.append(span)
                i = _skip_parenthesis(doc, span.end, end)
                opened = False
                continue
            if lower in words["clause_breaks"] or lower == ".":
                break
            if lower == "to" and i == verb + 1 and not extending:
                break  # "we propose to use X": X is used, not proposed
            if lower in {"-", "–", "—"} and not (token.whitespace_ and doc[i - 1].whitespace_):
                opened = False  # "X-based" glued, not a dash
                if i + 1 < end and lowers[i + 1] in words["hyphen_suffixes"] and not any(
                        s.end == i for s in (*used, *found)):
                    i += 2  # "a population-based Y": an adjective made from a word, Y stays free
                    continue
                in_phrase = True  # "an LLM-based Y": Y is described by the name before
            elif lower == "to" and extending and not opened_by_to:
                in_phrase, opened, opened_by_to = False, True, True
            elif lower == "(" and in_phrase:
                pass  # "for federated learning (FL)": still inside the phrase
            elif lower == "," and in_phrase and (not (i + 1 < end and (i + 1 in method_at
                                                                       or lowers[i + 1] in APPOSITION_OPENERS))
                    or i + 2 < end and lowers[i + 1] in {"and", "or"} and i + 2 not in method_at
                    and doc[i + 2].is_lower and doc[i + 2].is_alpha and lowers[i + 2] not in ARTICLES):
                opened = False  # "to implement, optimize, and evaluate RAG": still inside the phrase
            elif lower in {",", ":", "("} and i > verb + 1 and lowers[i - 1] in self.words["not_method_followers"]:
                in_phrase, opened = True, False  # "a new dataset, AugGSM8K": what follows names no method
            elif lower in words["name_openers"] and lower != "and":
                in_phrase, opened = False, True
            elif lower == "and":
                opened = not in_phrase
            elif lower in words["prepositions"]:
                in_phrase, opened = True, False
            elif lower not in {"also", "respectively", ")"}:
                opened = False
            i += 1
        return found, used

    def _apposition_is_not_method(self, doc: Doc, span: Span, end: int) -> bool:
        """Whether the apposition after a name says it is a benchmark or a dataset: "RL4CO, an extensive RL
        benchmark for ...", "X, a new dataset of ..."."""
        lowers, texts = token_lowers(doc), token_texts(doc)  # the per-doc word columns (kg.extract.frame.token_lowers)
        i = _skip_parenthesis(doc, span.end, end)
        # "X, a new benchmark for ...", "X: Training Algorithms benchmark"
        if i + 1 >= end or not (texts[i] == "," and lowers[i + 1] in ARTICLES or texts[i] == ":"):
            return False
        for j in range(i + 2, min(end, i + 16)):
            lower = lowers[j]
            if lower in {",", ".", ";", ":"} or lower in self.words["clause_breaks"]:
                return lowers[j - 1] in self.words["apposition_not_method"]
            if lower in self.words["prepositions"] and lowers[j - 1] in self.words["apposition_not_method"]:
                return True
        return False

    def _is_modifier(self, doc: Doc, span: Span) -> bool:
        """A Method used as a modifier: "ResNet-like", "LLM-based", "a Bayesian optimization algorithm"."""
        return self._modifier(doc, span.start, span.end)

    def _modifier(self, doc: Doc, start: int, end: int) -> bool:
        # read from the tokens and the span's bounds alone: answered once per doc and bounds (the doc's memo)
        memo = doc_memo(doc)
        answers = memo.get((_MODIFIER_KEY, self))  # per component: the answers depend on its word lists
        if answers is None:
            answers = memo[(_MODIFIER_KEY, self)] = {}
        key = (start, end)
        answer = answers.get(key)
        if answer is None:
            answer = answers[key] = self._read_modifier(doc, start, end)
        return answer

    def _read_modifier(self, doc: Doc, start: int, end: int) -> bool:
        lowers, texts = token_lowers(doc), token_texts(doc)  # the per-doc word columns (kg.extract.frame.token_lowers)
        words_of = doc_tokens(doc).words
        n = len(lowers)
        after = _skip_parenthesis(doc, end, n)
        if after + 1 < n and texts[after] in {"-", "–"} and lowers[after + 1] in self.words["hyphen_suffixes"]:
            return True
        if after < n and (lowers[after] in self.words["modifier_suffixes"]
                          or lowers[after] in self.words["not_method_followers"]):
            return True  # "a reinforcement learning based methodology", "the TEP metric"
        if after >= n or not words_of[after].is_lower or after > end:
            return False  # "a Decoupled Network-in-Network (DNiN) detection head": a name being defined
        following = words_of[after]
        head_noun = following.lower_ in self.words["self_nouns"]
        # inside "a ... X <noun>" an -ing word is a noun too: "a sparsity-induced ZO training protocol"
        noun_like = head_noun or (
            following.is_alpha and not following.is_stop and following.lower_ not in self.words["prepositions"]
            and following.lower_ not in self.words["clause_breaks"]
            and (not verb_like(following.lower_) or following.lower_.endswith("ing")))
        if not noun_like:
            return False
        # "a Bayesian optimization algorithm", "a personalized FL application" describe the kind;
        # "the SSO algorithm" names one; "prompts optimized by OPRO outperform" has a verb after the name
        for i in range(start - 1, max(sentence_at(doc, start)[0], start - 4) - 1, -1):
            if lowers[i] in {"a", "an"}:
                return True
            if lowers[i] in {"the", "our", "this", "its", "their", ",", "(", ":"}:
                return False
        return head_noun

    def _positions(self, doc: Doc, words: frozenset[str]) -> list[int]:
        """The tokens whose lower-case word is one of *words* (one of this component's word lists), in order:
        found once per doc and list (do not change the list). The lists read for every doc are found together,
        in one pass over the words."""
        memo = doc_memo(doc)
        key = (_POSITIONS_KEY, words)
        found = memo.get(key)
        if found is None or found[0] != len(doc):
            if words in self._scanned:
                self._scan(doc, memo)
                found = memo[key]
            else:
                found = memo[key] = (len(doc), positions_of(doc, words))
        return found[1]

    def _scan(self, doc: Doc, memo: dict[Any, Any]) -> None:
        """The tokens of each of the word lists in ``self._scanned`` (``positions_of`` each), in one pass."""
        lowers = token_lowers(doc)
        lists = self._scanned
        found: list[list[int]] = [[] for _ in lists]
        either = self._scanned_words
        for i in [i for i, word in enumerate(lowers) if word in either]:
            word = lowers[i]
            for n, words in enumerate(lists):
                if word in words:
                    found[n].append(i)
        for words, positions in zip(lists, found):
            memo[(_POSITIONS_KEY, words)] = (len(doc), positions)

    def self_slot_keys(self, doc: Doc, groups: dict[str, list[Span]]) -> set[str]:
        """The keys of the Methods among *groups* (key -> spans) that fill the proposal slot of a self mention,
        as :meth:`read` proposes them ("self"): the name right after a possessive mention ("our EfficientNetV2",
        "the proposed CrossQ", "our (meta) algorithm RouteX") or in apposition to one ("our method, Q-Walk,"),
        and not a modifier ("our ResNet-based model"). kg_scorer reads it before this component runs: a name
        the frame will propose so is seen by the scorer (a feature) and kept whatever its score."""
        mentions = self._self_mentions(doc)
        if not mentions:
            return set()
        lowers, texts = token_lowers(doc), token_texts(doc)
        n = len(doc)
        slots: dict[int, bool] = {}  # token -> whether the slot is an apposition (its name closed by punctuation)
        for start, end in mentions:
            if not (end - start > 1 or lowers[start] in self.determiner_starts):
                continue  # "we", "it": what follows is their verb, never a name they own
            slots.setdefault(end, False)
            if end - start > 1 and end + 1 < n and texts[end] == "," and lowers[end - 1] in self.words["self_nouns"]:
                slots.setdefault(end + 1, True)
        found = set()
        for key, spans in groups.items():
            for span in spans:
                if span.label_ != "Method" or span.start not in slots:
                    continue
                if slots[span.start] and not (span.end >= n or texts[span.end] in {",", "(", ".", ")", ";"}):
                    continue
                if not self._is_modifier(doc, span):
                    found.add(key)
                    break
        return found

    def _self_mentions(self, doc: Doc) -> list[tuple[int, int]]:
        """Token spans that refer to the paper's proposal: "we", "our", "it", "the proposed method", "our X"
        (read from the tokens alone: once per doc)."""
        cached = self._mentions_of
        if cached is not None and cached[0] is doc and cached[1] == len(doc):
            return list(cached[2])
        mentions = self._read_self_mentions(doc)
        self._mentions_of = (doc, len(doc), mentions)
        return list(mentions)

    def _read_self_mentions(self, doc: Doc) -> list[tuple[int, int]]:
        if not len(doc):
            return []
        lowers, texts = token_lowers(doc), token_texts(doc)  # the per-doc word columns (kg.extract.frame.token_lowers)
        words_of = doc_tokens(doc).words
        nouns, self_words, first_words = self.words["self_nouns"], self.words["self_words"], self.determiner_starts
        spans = []
        n = len(lowers)
        after = 0  # the first token not inside a mention found so far
        # only a determiner's first word or a self word can start a mention: visit those tokens alone
        for i in self._positions(doc, self.mention_starts):
            if i < after:
                continue
            lower = lowers[i]
            matched, named_by = 0, False
            if lower in first_words:
                for words in self.determiners_by_first[lower]:
                    if tuple(lowers[i:i + len(words)]) == words:
                        matched = len(words)
                        # "the proposed X", "the introduced X": a propose verb's participle names the proposal
                        named_by = words[-1] in self.words["propose_verbs"]
                        break
            if matched:
                j = i + matched
                # up to two modifiers, then a self noun: "our simple method", "the proposed CG-based approach"
                k, modifiers = j, 0
                while k < n and lowers[k] not in nouns:
                    if texts[k] in {"(", ")"} and k - j < 6:
                        k += 1  # "our (meta) algorithm TAILOR"
                        continue
                    if modifiers > 2 or not words_of[k].is_alpha:
                        break
                    k, modifiers = k + 1, modifiers + 1
                if k < n and lowers[k] in nouns and (lower != "this" or k == j):
                    spans.append((i, k + 1))
                    after = k + 1
                    continue
                if lower == "our" or named_by:
                    spans.append((i, j))  # "our EfficientNetV2", "the proposed CrossQ": the name follows
                    after = j
                    continue
            if lower in self_words:
                spans.append((i, i + 1))
            after = i + 1
        return spans

    def _compared_memo(self, doc: Doc) -> tuple[dict[tuple[int, str], int], dict[tuple[int, int, str], bool]]:
        """Per doc and state of its entities (the same span group object and length): the start of the entity
        of each (end, label) (the last one in the group's order), and is_compared's answers so far. Kept in the
        doc's entity table (kg.extract.entity_table), so kg_results and kg_relations reuse kg_frame's."""
        table = entity_table(doc)
        if table.group is None:  # no entities: nothing before a name ends one, answers kept in the doc's memo
            memo = doc_memo(doc)
            cached = memo.get((_COMPARED_KEY, self))
            if cached is None:
                cached = memo[(_COMPARED_KEY, self)] = ({}, {})
            return cached
        cached = table.memo.get((_COMPARED_KEY, self))  # per component: the answers depend on its word lists
        if cached is None:
            ends = {(end, label): start for start, end, label, _, _ in table.rows}
            cached = table.memo[(_COMPARED_KEY, self)] = (ends, {})
        return cached

    def is_compared(self, doc: Doc, span: Span) -> bool:
        """Whether the Method is what something is compared against: "than X", "outperforms X, Y and Z"."""
        return self._compared(doc, span.start, span.end, span.label_)

    def _compared(self, doc: Doc, start: int, end: int, label: str) -> bool:
        ends, answers = self._compared_memo(doc)
        key = (start, end, label)
        answer = answers.get(key)
        if answer is None:
            answer = answers[key] = self._read_compared(doc, start, end, label, ends)
        return answer

    def _read_compared(self, doc: Doc, start: int, end: int, label: str, ends: dict[tuple[int, str], int]) -> bool:
        lowers, texts = token_lowers(doc), token_texts(doc)  # the per-doc word columns (kg.extract.frame.token_lowers)
        words, fillers = self.words["comparison_words"], self.words["baseline_fillers"]
        sentence_start = sentence_at(doc, start)[0]
        before = start - 1
        after = lowers[end] if end < len(lowers) else "."
        in_list = lowers[before] in {"and", "or"} or texts[before] == "," and after in {",", "and", "or", "("}
        if before > sentence_start and in_list:
            j = before - 1 if texts[before - 1] != "," else before - 2  # ", and"
            if j >= sentence_start and texts[j] == ")":
                j = next((k - 1 for k in range(j, max(sentence_start, j - 6), -1) if texts[k] == "("), j)
            previous = ends.get((j + 1, label))
            if previous is not None and previous < start:
                return self._compared(doc, previous, j + 1, label)  # an item of a list of baselines
        first = max(sentence_start, start - 7)
        words_of = None
        for i in range(start - 1, first - 1, -1):
            lower = lowers[i]
            if lower in words:
                return True
            if words_of is None:
                words_of = doc_tokens(doc).words
            if lower in {"-", "–"} or (i + 1 < len(lowers) and texts[i + 1] == "-" and not doc[i].whitespace_) \
                    or (i > 0 and texts[i - 1] == "-" and not doc[i - 1].whitespace_):
                continue  # "over off-the-shelf TensorFlow" split at its hyphens
            if lower in {",", ";", ":", "(", ")", "while", "which", "that", "we", "our"} and i != start - 1:
                return False
            if "-" in lower and words_of[i].is_lower:
                continue  # "over off-the-shelf TensorFlow", "than human-designed prompts"
            if lower not in fillers:
                return False
        return False

    # -- using the frame ----------------------------------------------------------------------------------
    def subject_of(self, doc: Doc, position: int, methods: list[Span], *, frame: dict[str, Any] | None = None,
                   stop: int | None = None, prefer: str = "nearest") -> tuple[str | None, str]:
        """(Method key, how) for the subject of the predicate at token *position* in its sentence.

        *methods* are the sentence's Method entities. *how* is "parse", "named", "self" or "" (none found).
        The search looks back no further than *stop* (a clause start) when given. Without a parse, the subject
        is the closest subject-like Method before *position* (*prefer* "nearest", for a number) or the first
        one of the clause (*prefer* "first", for a verb: "FOSI improves X and Y, and outperforms Z"); a
        reference to the proposal ("we", "our method") after that Method wins over it.
        """
        frame = frame if frame is not None else (doc_value(doc, "kg_frame") or empty_frame())
        primary = paper_subject(frame)
        if parsed(doc):
            key, how = self._parse_subject(doc, position, methods, primary)
            if how:
                return key, how
        clause_start = stop if stop is not None else self.clause_start(doc, _Sentence(doc, *sentence_at(doc, position)),
                                                                       position)
        candidates = [s for s in methods if clause_start <= s.start and s.end <= position and self.subject_like(doc, s)]
        if candidates:
            chosen = max(candidates, key=lambda s: s.end) if prefer == "nearest" else min(candidates,
                                                                                          key=lambda s: s.start)
            inside = next(((a, b) for a, b in frame["self"] if a <= chosen.start and chosen.end <= b), None)
            if inside is not None and primary:
                # a name inside the authors' own mention ("our new linear transformer model, transNormer, ...")
                # is a word of that mention: the subject is the name in apposition to it, else the proposal
                texts = token_texts(doc)
                named = next((s for s in methods if s.start == inside[1] + 1 and inside[1] < len(doc)
                              and texts[inside[1]] == ","), None)
                return (named.kb_id_ if named is not None else primary), "self"
            if primary and self.refers_to_self(doc, frame, chosen.end, position) and chosen.kb_id_ != primary:
                return primary, "self"
            return chosen.kb_id_, "named"
        if primary and self.refers_to_self(doc, frame, clause_start, position):
            return primary, "self"
        # "prompts optimized by OPRO outperform ...": the closest Method of the clause that is not compared against
        near = [s for s in methods if clause_start <= s.start and s.end <= position and not self.is_compared(doc, s)
                and not self._is_modifier(doc, s)]
        if near:
            return max(near, key=lambda s: s.end).kb_id_, "near"
        return None, ""

    def _parse_subject(self, doc: Doc, position: int, methods: list[Span], primary: str | None) -> tuple[str | None, str]:
        token = doc[position]
        for _ in range(8):
            if token.pos_ in {"VERB", "AUX"} or token.dep_ == "ROOT":
                break
            token = token.head
        method_of = {i: s for s in methods for i in range(s.start, s.end)}
        for verb in (token, token.head if token.dep_ in {"conj", "xcomp", "advcl", "relcl", "acl"} else None):
            if verb is None:
                continue
            subjects = [c for c in verb.children if c.dep_ in SUBJECT_DEPS]
            if not subjects:
                continue
            subject = subjects[0]
            for t in subject.subtree:
                if t.i in method_of and not self.is_compared(doc, method_of[t.i]) \
                        and not self._is_modifier(doc, method_of[t.i]) and t.head.dep_ != "prep":
                    return method_of[t.i].kb_id_, "parse"
            if primary and any(t.lower_ in self.words["self_words"] for t in subject.subtree):
                return primary, "self"
            if verb.dep_ == "relcl" and verb.head.i in method_of:
                return method_of[verb.head.i].kb_id_, "parse"  # "X, which achieves ..."
            return None, ""
        return None, ""

    def clause_start(self, doc: Doc, sentence: Span, position: int) -> int:
        """Where the clause holding *position* starts: after ";", "while", "but"..., or after the comma that
        ends an opening phrase ("Using the JAX compile optimization, ParaFold attained ...")."""
        # the last clause break before the position in its sentence, from the doc's break positions (found once)
        breaks = self._positions(doc, _BREAKS)
        k = bisect_left(breaks, position) - 1
        if k >= 0 and breaks[k] >= sentence.start:
            return breaks[k] + 1
        texts = token_texts(doc)
        first = doc_tokens(doc).words[sentence.start]
        if first.lower_ in self.words["intro_words"] or first.lower_.endswith("ing") and first.is_title \
                or self.participle_opening(doc, sentence.start, sentence.end):
            comma = next((i for i in range(sentence.start, max(sentence.start, position)) if texts[i] == ","), None)
            if comma is not None:
                return comma + 1
        return sentence.start

    def participle_opening(self, doc: Doc, start: int, end: int) -> bool:
        """Whether the sentence from token *start* opens with a participle phrase, which ends at its comma before
        the sentence's subject: a capitalised past participle (a `participle_suffixes` ending or a
        `participle_openers` word, the last part of a hyphenated one: "Pre-trained") and a preposition ("Implemented
        on top of X and Y, the planner ...", "Integrated into vLLM, the scheduler ...", "Built on X, our method
        ..."). Not a participle modifying a noun ("Integrated photonic processors ...")."""
        if start + 2 >= end:
            return False
        words = doc_tokens(doc).words
        first = words[start].text
        if not first[:1].isupper() or not first[1:].replace("-", "").islower():
            return False
        last = first.lower().rsplit("-", 1)[-1]
        if last not in self.words["participle_openers"] \
                and not any(last.endswith(suffix) for suffix in self.words["participle_suffixes"]):
            return False
        following = token_lowers(doc)[start + 1]
        return following in self.words["prepositions"] and words[start + 1].is_lower

    def subject_like(self, doc: Doc, span: Span) -> bool:
        """A Method that can be a subject: not compared against, not a modifier, not the object of a preposition."""
        # answered once per doc, state of its entities and span bounds, beside is_compared's answers (it depends
        # on them)
        start, end, label = span.start, span.end, span.label_
        _, answers = self._compared_memo(doc)
        key = (_SUBJECT_KEY, start, end, label)
        answer = answers.get(key)
        if answer is None:
            answer = answers[key] = self._read_subject_like(doc, start, end, label)
        return answer

    def _read_subject_like(self, doc: Doc, start: int, end: int, label: str) -> bool:
        if self._compared(doc, start, end, label) or self._modifier(doc, start, end):
            return False
        sentence_start = sentence_at(doc, start)[0]
        lowers = token_lowers(doc)
        before = lowers[start - 1] if start > sentence_start else ""
        if before in ARTICLES and start - 2 >= sentence_start:
            before = lowers[start - 2]
        return before not in self.words["prepositions"] or before in {"as"}

    def refers_to_self(self, doc: Doc, frame: dict[str, Any], start: int, end: int) -> bool:
        return any(start <= s < end for s, _ in frame["self"])

def title_colon(doc: Doc, end: int) -> int | None:
    """The token that splits a title into name and subtitle: its colon, or a dash with spaces on both sides
    ("ZorbNet — Reordered Sparse Attention", "X - A Y for Z"); None when the title has neither."""
    texts = token_texts(doc)
    for i, text in enumerate(texts[:end]):
        if text == ":":
            return i
        if text in {"—", "–", "-"} and i > 0 and doc[i - 1].whitespace_ and doc[i].whitespace_:
            return i
    return None


def verb_like(word: str) -> bool:
    """A finite verb or participle by its ending: "achieves", "outperforms", "reduced", "using"."""
    return word.endswith(("es", "ed", "ing")) or (word.endswith("s") and not word.endswith(("ss", "us", "is", "ics")))


def _skip_parenthesis(doc: Doc, i: int, end: int) -> int:
    """The token after a short parenthesis opening at *i* ("X (LLM)"), or *i* when there is none."""
    texts = token_texts(doc)  # the per-doc word column (kg.extract.frame.token_lowers)
    if i < end and texts[i] == "(":
        for j in range(i + 1, min(end, i + 6)):
            if texts[j] == ")":
                return j + 1
    return i


def name_shaped(span: Span) -> bool:
    """A coined-looking name: a word with a capital after its first letter or a digit ("AFA-CS", "pFedPara")."""
    # the words from the per-doc column (kg.extract.token_view), without a Token object per word
    return any(any(c.isupper() for c in text[1:]) or any(c.isdigit() for c in text)
               for text in token_texts(span.doc)[span.start:span.end])


def sized_variants(methods: list[Span], proposed: list[str]) -> list[Span]:
    """Methods named as a proposed name plus a size or version ("LeYOLO-Small", "X-7B", "X Large")."""
    if not proposed:
        return []
    texts: dict[str, str] = {}
    span_texts = [span_text(span) for span in methods]
    for span, text in zip(methods, span_texts):
        texts.setdefault(span.kb_id_, text)
    found = []
    for span, text in zip(methods, span_texts):
        if span.kb_id_ in proposed:
            continue
        for key in proposed:
            short = texts.get(key, "")
            if len(short) >= 2 and len(text) > len(short) and text.lower().startswith(short.lower()):
                parts = [p for p in re.split(r"[\s\-]+", text[len(short):]) if p]
                if parts and text[len(short)] in " -" and all(_SIZE_PART.match(p) for p in parts):
                    found.append(span)
                    break
    return found


_SIZE_PART = re.compile(r"^(?:\d+(?:\.\d+)?[kKMBT]?|base|large|small|tiny|xl|xxl|mini|v\d+)$", re.I)


def name_extensions(doc: Doc, methods: list[Span], sentence_of: list[int] | None = None) -> list[tuple[str, str, int]]:
    """(longer, shorter, sentence) for Method names that contain another Method name with more words or letters:
    "SurCo-zero" -> "SurCo", "pFedPara" -> "FedPara", "block-sparse FlashAttention" -> "FlashAttention".
    A size or version ("Llama 3 8B", "BERT-large") is the same model, not one built on it."""
    names: dict[str, Span] = {}
    keys: list[str] = []
    for span in methods:
        key = span.kb_id_
        keys.append(key)
        if key not in names:
            names[key] = span
    # each name's text and lower-case text, once (Span.text joins a Token object per token)
    texts = {key: span_text(span) for key, span in names.items()}
    lowered = {key: text.lower() for key, text in texts.items()}
    found = []
    for long_key, long_span in names.items():
        long_text = texts[long_key]
        long_lower = lowered[long_key]
        for short_key in names:
            short_text = texts[short_key]
            if short_key == long_key or len(short_text) < 3 or len(short_text) >= len(long_text):
                continue
            at = long_lower.find(lowered[short_key])
            if at < 0:
                continue
            rest = (long_text[:at] + " " + long_text[at + len(short_text):]).strip(" -")
            parts = [p for p in re.split(r"[\s\-]+", rest) if p]
            if not parts or all(_SIZE_PART.match(p) for p in parts):
                continue
            if short_text[0].islower() and at > 0 and long_text[at - 1].isalpha():
                continue  # "gradient" inside "subgradient": a word's tail is no name
            if sentence_of is None:
                # what sentence each token is in, once a name extends another: the doc's shared column when the
                # first token is marked a sentence start (as the sentencizer marks it), where the two agree
                sentence_of = token_sentences(doc) if len(doc) and doc[0].is_sent_start is True \
                    else sentence_numbers(doc)
            starts = [s.start for s in methods]
            both = [sentence_of[starts[n]] for n in range(len(methods)) if keys[n] == long_key
                    and any(keys[m] == short_key and sentence_of[starts[m]] == sentence_of[starts[n]]
                            for m in range(len(methods)))]
            found.append((long_key, short_key, both[0] if both else sentence_of[long_span.start]))
    return found


# The last doc's word columns and sentence starts. kg_frame, kg_results and kg_relations ask for them thousands of
# times per doc, one doc after another, and token_view's weak-key lookup costs more than most of those questions:
# answered here while the doc is the same object of the same length (one doc is held, as token_view's span lists
# hold one). [doc, its length, lowers, texts, (sentence bounds, their starts)]; the doc's token cache and memo dict
# are kg.extract.base.doc_tokens and kg.extract.token_view.doc_memo, which find the last doc's themselves
_LAST: list[Any] = [None, -1, None, None, None]


def _last(doc: Doc) -> list[Any]:
    last = _LAST
    if last[0] is not doc or last[1] != len(doc):
        last[:] = [doc, len(doc), None, None, None]
    return last


def parsed(doc: Doc) -> bool:
    """``doc.has_annotation("DEP")`` (which reads every token), once per doc: a parser runs before kg's components."""
    memo = doc_memo(doc)
    answer = memo.get(_PARSED_KEY)
    if answer is None:
        answer = memo[_PARSED_KEY] = doc.has_annotation("DEP")
    return answer


def token_lowers(doc: Doc) -> list[str]:
    """Each token's ``lower_`` (kg.extract.token_view.lowers, remembered for the last doc; do not change it)."""
    return _remembered_column(doc, 2, _LOWERS_KEY)


def token_texts(doc: Doc) -> list[str]:
    """Each token's ``text`` (kg.extract.token_view.texts, remembered for the last doc; do not change it)."""
    return _remembered_column(doc, 3, _TEXTS_KEY)


def _remembered_column(doc: Doc, slot: int, key: str) -> list[str]:
    """The column *key* of *doc*, kept in slot *slot* of the last doc's entry (_LAST)."""
    last = _LAST
    if last[0] is doc and last[slot] is not None and last[1] == len(doc):
        return last[slot]
    last = _last(doc)
    last[slot] = _column(doc, key)
    return last[slot]


def _column(doc: Doc, key: str) -> list[str]:
    """token_view.lowers(doc) / texts(doc), the same lists of the same words (read with attribute access, not
    getattr: half the cost), kept in the doc's memo under this module's key."""
    memo = doc_memo(doc)
    column = memo.get(key)
    if column is None or len(column) != len(doc):
        words = doc_tokens(doc).words
        column = memo[key] = [w.lower_ for w in words] if key == _LOWERS_KEY else [w.text for w in words]
    return column


def positions_of(doc: Doc, words: frozenset[str] | set[str]) -> list[int]:
    """The tokens whose lower-case word is one of *words*, in order: a new list."""
    return [i for i, word in enumerate(token_lowers(doc)) if word in words]


def sentence_bounds(doc: Doc) -> list[tuple[int, int]]:
    """[start, end) of each sentence, computed once per doc from the sentence starts (cached in user_data:
    ``doc.sents`` and ``span.sent`` walk the tokens every time, and the edge components ask often)."""
    cached = doc.user_data.get(_BOUNDS_KEY)
    if cached is not None and (not cached or cached[-1][1] == len(doc)):
        return cached
    # the tokens that start a sentence (token 0 always does): kg.extract.base's per-doc column, read once
    starts = list(compress(range(len(doc)), doc_tokens(doc).sent_starts())) if len(doc) else []
    bounds = [(start, end) for start, end in zip(starts, [*starts[1:], len(doc)])]
    doc.user_data[_BOUNDS_KEY] = bounds
    return bounds


class _Sentence:
    """A sentence's bounds: what kg_frame's rules ask of a sentence (``start``, ``end``, its tokens), without the
    Span object ``doc[start:end]`` would make."""

    __slots__ = ("doc", "start", "end")

    def __init__(self, doc: Doc, start: int, end: int) -> None:
        self.doc, self.start, self.end = doc, start, end

    def __iter__(self):
        return iter(self.doc[self.start:self.end])


def _sentences(doc: Doc) -> list[_Sentence]:
    return [_Sentence(doc, start, end) for start, end in sentence_bounds(doc)]


def sentences_of(doc: Doc) -> list[Span]:
    """The sentences of *doc* as spans, as ``list(doc.sents)`` gives them."""
    return [doc[start:end] for start, end in sentence_bounds(doc)]


def sentence_at(doc: Doc, i: int) -> tuple[int, int]:
    """[start, end) of the sentence holding token *i*."""
    last = _LAST
    if last[0] is doc and last[4] is not None and last[1] == len(doc):
        bounds, starts = last[4]
    else:
        bounds = sentence_bounds(doc)
        starts = [start for start, _ in bounds]
        _last(doc)[4] = (bounds, starts)
    n = bisect_right(starts, i) - 1
    return bounds[max(n, 0)]


def token_sentences(doc: Doc) -> list[int]:
    """For each token, the index of its sentence in ``sentence_bounds(doc)``, made once per doc and bounds (the
    list is shared: do not change it)."""
    bounds = sentence_bounds(doc)
    memo = doc_memo(doc)
    cached = memo.get(_TOKEN_SENTENCES_KEY)
    if cached is not None and cached[0] is bounds:
        return cached[1]
    index = [0] * len(doc)
    for n, (start, end) in enumerate(bounds):
        index[start:end] = [n] * (end - start)
    memo[_TOKEN_SENTENCES_KEY] = (bounds, index)
    return index


def sentence_numbers(doc: Doc) -> list[int]:
    """For each token, the index of its sentence (from the sentence starts, without making Span objects)."""
    if not len(doc):
        return []
    bounds = sentence_bounds(doc)
    memo = doc_memo(doc)
    cached = memo.get(_NUMBERS_KEY)
    if cached is not None and cached[0] is bounds:
        return list(cached[1])
    # the sentence starts counted so far, less one, never below 0 (a token before the first start is in sentence 0)
    numbers = numpy.maximum(numpy.cumsum(doc.to_array("SENT_START") == 1) - 1, 0).tolist()
    memo[_NUMBERS_KEY] = (bounds, numbers)
    return list(numbers)


def frame_of(doc: Doc) -> dict[str, Any]:
    """``doc._.kg_frame``, or the empty frame of a doc that has none (no ``kg_frame`` component)."""
    frame = doc_value(doc, "kg_frame")
    return frame if frame is not None else empty_frame()


def empty_frame() -> dict[str, Any]:
    """The frame of a doc that has no ``kg_frame`` component: nothing proposed, nothing compared."""
    return {"proposed": [], "subject": None, "baselines": [], "blocks": [], "self": [], "why": {}, "extensions": []}


def paper_subject(frame: dict[str, Any]) -> str | None:
    """The proposal the paper speaks of as itself (``frame["subject"]``; the first proposal for a frame without
    one), or None when it proposes nothing."""
    subject = frame.get("subject")
    if subject is not None:
        return subject
    return frame["proposed"][0] if frame["proposed"] else None


def frame_reader(nlp: Language) -> ContributionFrame:
    """The pipeline's kg_frame component, or a default one to resolve subjects with (its word lists)."""
    for _, component in nlp.pipeline:
        if isinstance(component, ContributionFrame):
            return component  # initialised with the pipeline
    reader = ContributionFrame(nlp)
    reader.initialize()
    return reader
