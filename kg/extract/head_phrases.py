"""``kg_head_phrases``: lower-case technique, task and measure phrases found by their head word.

``patterns/phrases.jsonl``: a head word ("descent" -> Method, "recognition" -> Task, "latency" ->
Metric) after 1-``max_modifiers`` modifier words makes a candidate; stop words, generic words,
"after" words and hyperparameter pairs say when not. Word lists come from ``patterns/words.jsonl``.
"""

from __future__ import annotations

import re
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.base import PatternComponent, doc_tokens
from kg.extract.candidates import (IGNORE, Candidate, ProposesCandidates, add_candidates, candidate, candidates,
                                   lower_positions, title_end, written_lower)
from kg.extract.vocabulary import singular
from kg.patterns import read_pattern_file
from kg.extract.pattern_data import word_lists, words_by_list

_MODIFIER_SHAPE = re.compile(r"^[a-z][a-z'\-]*[a-z]$")
_ACRONYM_MODIFIER = re.compile(r"^[A-Z][A-Z0-9]{1,5}$")  # "FID score", "IO complexity"
_VERB_SHAPE = re.compile(r"(?:[^su]s|i[sz]es?|ates?)$")
# a first word shaped like a finite verb: "predicts", "stabilize(s)", "formulate"
# what qualifies a dataset's name as a variant of its own: a year, a resolution, a language pair, a version
# ("DAVIS 2017", "ImageNet 32x32", "WMT14 En-De", "NYU Depth v2", "BridgeData V2", "DIHARD III")
DATASET_QUALIFIER = re.compile(
    r"^(?:(?:19|20)\d{2}|'\d{2}|\d+x\d+|[A-Z][a-z]-[A-Z][a-z]|[a-z]{2}-[a-z]{2}|[vV]\d+(?:\.\d+)?|II|III|IV|VI|VII|VIII|IX)$")
# a release number written after a dataset's name ("Common Voice 15", "CATH 4.2", "MLPerf 1.1") and the
# named subsets papers report on ("SWE-bench Lite", "COCO test-dev"): variants of their own, but only where the
# number is not an amount (not before a unit, a number or a capitalised metric: "on COCO 1.5 AP")
_DATASET_RELEASE = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})?|\d{1,3}[kM])$")  # also a size: "Atari 100k", "MS-COCO 30k"
_DATASET_SUBSETS = frozenset({"Lite", "test-dev", "test-std", "Verified"})
# a split of a dataset written as one lower-case word after its name ("COCO val2017", "LVIS minival", "LibriSpeech
# test-clean"): a split stem (words.jsonl dataset_split_stems), maybe after "mini", with a year or a hyphenated tail,
# or "mini" and the stem alone; a bare stem ("COCO test set") is a qualifier of a dataset noun, no split's name
_SPLIT_STEMS = words_by_list(word_lists("dataset_split_stems"))["dataset_split_stems"]
_DATASET_SPLIT = re.compile(r"^(?:mini)?(" + "|".join(sorted(map(re.escape, _SPLIT_STEMS))) + r")(?:\d{2,4}|-[a-z]{2,})$|^mini("
                            + "|".join(sorted(map(re.escape, _SPLIT_STEMS))) + r")$")
# the words after a release number that keep it part of the name ("CATH 4.2 benchmark"): words.jsonl release_followers
_AFTER_RELEASE = words_by_list(word_lists("release_followers"))["release_followers"]
# an amount after a measured quantity ("by up to 5%"), and the determiners before a change verb's object: words.jsonl
_AMOUNTS = words_by_list(word_lists("amount_prepositions", "amount_hedges", "object_determiners"))
_AMOUNT_PREPOSITIONS, _AMOUNT_HEDGES = _AMOUNTS["amount_prepositions"], _AMOUNTS["amount_hedges"]
_OBJECT_DETERMINERS = _AMOUNTS["object_determiners"]


def dataset_variant_end(words, end: int) -> int:
    """Where a dataset name written from ``words[:end]`` ends once its variant words are read: a year, a
    resolution, a language pair, a version (:data:`DATASET_QUALIFIER`), a release number followed by
    punctuation or a function word, a named subset; at most two of them."""
    n, start = len(words), end
    while end < n and end - start < 2:
        word = words[end].text
        if DATASET_QUALIFIER.match(word) or word in _DATASET_SUBSETS or _DATASET_SPLIT.match(word):
            end += 1
        elif _DATASET_RELEASE.match(word) and end == start and (
                end + 1 == n or words[end + 1].lower_ in _AFTER_RELEASE or words[end + 1].is_punct
                and words[end + 1].text not in {"%", "-", "/", "\u00b1", "+"}):
            end += 1
        else:
            break
    return end


# a generation or model number after a device line's name ("Loihi 2", "Dimensity 9300"), unless an amount
# follows it ("Loihi 2 x", "Zorb 4 %")
_DEVICE_GENERATION = re.compile(r"^\d{1,4}[A-Za-z]?$")
_AMOUNT_AFTER = re.compile(r"^(?:%|x|×|times|\d.*|[KMGT]?i?B|[kMG]?Hz|W|ms|s)$")
# a process noun before a metric names what is measured ("reconstruction FID", "decoding speedup"): a noun in
# "-tion"/"-sion" or one of the process gerunds papers measure; not a verb form ("maintaining accuracy"), and not
# the training phase ("training speedup", "fine-tuning accuracy": the paper's own metric measured while training,
# which results name by the bare metric; measured on dev, including them cost results 0.756 -> 0.742)
_MEASURED_PROCESS = re.compile(r"^(?:[A-Za-z]+[st]ion|decoding|inference|embedding)$", re.IGNORECASE)
# a modifier shaped like an adjective ("global", "conceptual", "diverse", "generative"), not an object noun
# adjectives that say which quantity ("algorithmic", "expected", "median", "causal"), not how good it is: the
# grading suffixes ("comparable", "significant", "efficient", "graceful") are left out
_NAMING_ADJECTIVE = re.compile(r"(?:ic|al|ed|ian|ive|ary)$")
_ADJECTIVE_SHAPE = re.compile(r"(?:al|ic|ive|ian|ous|ary|ed|less|ful|able|ible|(?<!m)ent|ant)$")  # not "-ment" nouns
# an amount before a comparative: "34.4x", "2.8x", "0.7", "6x-8x", "times" ("34.4 times higher")
_AMOUNT = re.compile(r"^(?:\d+(?:\.\d+)?(?:x|×|%|times)?(?:[-–]\d+(?:\.\d+)?(?:x|×|%)?)?|x|×|times)$")
_SPARSITY_PATTERN = re.compile(r"^\d+:\d+$")  # "2:4 structured pruning"
_NUMBER_START = re.compile(r"^\d+(?:[.,]\d+)*(?:%|x|×)?$")  # "0.07", "55.8", "1,200", "2.7x"


@Language.factory("kg_head_phrases", default_config={"pattern_files": ["phrases.jsonl"], "max_modifiers": 3})
def make_head_phrases(nlp: Language, name: str, pattern_files: list[str], max_modifiers: int) -> HeadPhrases:
    return HeadPhrases(nlp, name, pattern_files=pattern_files, max_modifiers=max_modifiers)


# a word that goes on naming a product or data set: "Geometric", "Vina", "AD", "FX", "v2", "large-v3"
_NAME_CONTINUATION = re.compile(r"^(?:[A-Z][a-z]+|[A-Z][A-Z0-9]{1,5}|v\d[\w.]*|[a-z]+-v\d[\w.]*)$")
# a hyphenated word that ends in a past participle: "hand-tuned", "pre-trained", "instruction-tuned"
_PARTICIPLE_PART = re.compile(r"-[a-z]{2,}ed$")


class HeadPhrases(ProposesCandidates, PatternComponent):
    """Established technique families and measured quantities written in lower case.

    A head word ("descent", "coding", "attention" -> Method; "size", "runtime", "error" -> Metric,
    ``patterns/phrases.jsonl``) after 1-``max_modifiers`` modifier words makes a candidate:
    "random coordinate descent", "sparse coding", "code size". Modifiers are lower-case words
    (capitalised ones in the title) not in the stop list (function words, verbs, evaluative
    adjectives: "our", "novel", "efficient", "uses"); a Method phrase of generic words only ("deep
    neural networks") needs one specific word; a Metric or Task phrase does not ("computation time",
    "inference latency" are measures).
    A head followed by a noun that it modifies ("learning rate") is no head. With a tagger and a
    parser the modifiers must carry noun/adjective tags and the head must not modify a later word.
    """

    settings = ("max_modifiers",)
    word_list_names = ("ing_modifiers", "generic_heads", "nominal_suffixes", "extension_heads", "hyphen_suffix_words",
                       "metric_list_nouns", "list_breaks", "evaluative_parts", "modifier_tags", "workload_heads", "model_size_words",
                       "model_nouns", "technical_suffixes", "plain_adjectives", "not_task_modifiers",
                       "vague_adjectives", "hyphen_suffixes", "participle_openers", "measure_openers",
                       "measure_change_verbs", "measure_phrase_comparatives", "verb_openers", "measure_subject_verbs",
                       "measure_subject_openers", "measure_attain_verbs", "not_measure_heads", "verb_slot_openers",
                       "metric_scope_suffixes", "dataset_slot_prepositions", "measure_participles",
                       "measure_participle_links", "measure_subject_tails", "when_heads", "when_prepositions",
                       "model_state_participles", "metric_rate_links",
                       "list_separators")

    def __init__(self, nlp: Language, name: str = "kg_head_phrases", *, pattern_files: list[str] = ("phrases.jsonl",),
                 max_modifiers: int = 3):
        super().__init__(nlp, name, pattern_files=pattern_files, max_modifiers=max_modifiers)

    def default_patterns(self) -> list[dict[str, Any]]:
        rows = super().default_patterns()
        # the evaluative words a task frame cuts from a task phrase's start ("benchmark", "downstream",
        # "real-world") modify no Task head either: one list (task_frames.jsonl's "leading"), not two
        rows.extend({"list": "task_leading", "words": row["words"]} for row in read_pattern_file("task_frames.jsonl")
                    if row.get("list") == "leading")
        return rows

    def clear(self) -> None:
        from spacy.lang.en.stop_words import STOP_WORDS

        self.heads: dict[str, str] = {}
        self.stop: set[str] = set(STOP_WORDS)
        self.generic: set[str] = set()
        self.after: set[str] = set()
        self.pairs: set[str] = set()

    def add(self, rows: list[dict[str, Any]]) -> None:
        roles = {"stop": self.stop, "generic": self.generic, "after": self.after}
        for row in rows:
            if "head" in row:
                self.heads[row["head"].lower()] = row["label"]
            elif row.get("role") in roles:
                roles[row["role"]].add(row["word"].lower())
            elif "pair" in row:
                self.pairs.add(row["pair"].lower())

    def propose(self, doc: Doc) -> Doc:
        self.check_initialized()
        tagged = doc.has_annotation("TAG")
        parsed = doc.has_annotation("DEP")
        found = candidates(doc)
        tokens = doc_tokens(doc)
        words = tokens.words  # the lexeme attributes of each token (no Token objects)
        sent = tokens.sent_starts()
        n = len(doc)
        known_ends = {span.end for span in found}
        known_metrics = {span.end: span.start for span in found if span.label_ == "Metric" and len(span) > 1}
        end_of_title = title_end(doc, default=0)
        workload_heads, model_nouns = self.words["workload_heads"], self.words["model_nouns"]
        # models found so far, by the token after them: "BERT", "Large Language Model" (then "... training" is a Task)
        model_before: dict[int, int] = {}
        model_after: dict[int, int] = {}
        for span in found:
            last = words[span.end - 1]
            if span.label_ == "Method" and (last.lower_ in model_nouns or not last.is_lower):
                model_before[span.end] = min(span.start, model_before.get(span.end, span.start))
                model_after[span.start] = max(span.end, model_after.get(span.start, span.end))
        spans = []
        heads = self.heads
        # the workload heads that head no phrase of their own ("pre-training") count after a model only
        positions = heads.keys() | workload_heads if self.workload_only else heads
        for i in lower_positions(doc, positions):
            token = words[i]
            lower = token.lower_
            # "training of large language models", "Training of LLMs": the job done to a model is a Task
            if lower in workload_heads and i + 2 < n and (i + 2 in model_after) and (
                    words[i + 1].lower_ == "of") and (token.is_lower or token.is_title and i < end_of_title
                                                      or sent[i]):
                spans.append(candidate(doc, i, model_after[i + 2], "Task", "phrase"))
            label = heads.get(lower, "Task")
            if i == 0:
                continue
            before = words[i - 1]
            if label in {"Method", "Task"} and lower in workload_heads and (
                    before.lower_ in model_nouns or i in model_before):
                if before.lower_ in {"model", "models"} and (
                        i < 2 or not words[i - 2].is_alpha or words[i - 2].lower_ in self.words["not_task_modifiers"]):
                    continue  # "model training" alone names no task ("large model training" does)
                label = "Task"  # "LLM training", "BERT pre-training", "Large Language Model Inference": the job
                in_title = token.is_title and i < end_of_title
                if token.is_lower or in_title:
                    model_start = model_before.get(i, i - 1)
                    # "on-device LLM inference", "Serverless LLM Inference", "large model training": the setting
                    # the job runs in is part of its name
                    start = self._setting_start(words, sent, model_start, in_title)
                    if i in model_before or start < model_start:
                        # (a model noun alone, "network training", names no model: it needs a modifier)
                        spans.append(candidate(doc, start, i + 1, label, "phrase"))
                        continue
            if lower not in heads:
                continue  # a workload head that heads no phrase of its own
            if label == "Task" and lower not in workload_heads and (
                    _ADJECTIVE_SHAPE.search(before.lower_) or before.lower_ in self.words["vague_adjectives"]):
                continue  # a task names its object: "language modeling", not "global modeling" or "diverse reasoning"
            # titles write the whole phrase in Title Case: "Higher Generalization Accuracy" (Metric and Task heads
            # only: a Title Case "... Optimization" in a title is the task more often than a method)
            title_case = i < end_of_title and token.is_title and label in {"Metric", "Task"}
            if not token.is_lower and not title_case:
                continue
            if tagged and not doc[i].tag_.startswith("NN"):
                continue  # "we compute", "they search"
            following = words[i + 1] if i + 1 < n else None
            if following is not None and (following.lower_ in self.after or following.lower_ in self.heads) and (
                    following.is_lower or title_case and following.is_title):
                continue  # "learning rate", "attention mechanism": the head modifies the next word
            if parsed and doc[i].dep_ in {"compound", "amod", "nmod"} and doc[i].head.i > i:
                continue
            start = i
            while start > 0 and i - start < self.max_modifiers and self._modifier(
                    doc, start - 1, label, tagged, title_case, words, sent):
                start -= 1
                if label == "Metric" and not tagged and not title_case and _VERB_SHAPE.search(words[start].lower_):
                    break  # "budget wastes compute": a word shaped like a finite verb ends the walk (and the phrase is
                    # refused below), the words before it are its subject
            if label == "Task" and start < i and start > 0 and words[start - 1].text == "-" and not doc[start - 1].whitespace_ \
                    and words[start].lower_ in self.words["hyphen_suffixes"]:
                start += 1  # "OCR-free document understanding": the suffix of a split compound is no task word
            elif label == "Method" and start > 1 and start < i and words[start - 1].text == "-" and not doc[start - 1].whitespace_ \
                    and not doc[start - 2].whitespace_ and words[start].lower_ in self.words["hyphen_suffixes"] and (
                    words[start - 2].is_alpha or any(c.isalnum() for c in words[start - 2].text)):
                start -= 2  # "heatmap-free pose estimator", "PRM-guided decoding": the split compound is one modifier
            pair = f"{before.lower_} {lower}"
            if start == i or pair in self.pairs or f"{before.lower_} {singular(lower)}" in self.pairs:
                continue
            if not tagged and start > 0 and _MODIFIER_SHAPE.match(
                    words[start - 1].lower_ if title_case and words[start - 1].is_title else words[start - 1].text) and (
                    words[start - 1].lower_ not in self.stop) and not (
                    label == "Task" and words[start - 1].lower_ in self.words.get("task_leading", ())) and not (
                    start > 1 and words[start - 2].lower_ in self.words["verb_slot_openers"]):
                continue  # more modifier-like words before: without tags the phrase's start is a guess
                # (not after "we <verb>": the word before the phrase is a verb, the start no guess)
            if lower in self.words["generic_heads"] and (
                    before.lower_.endswith(tuple(self.words["nominal_suffixes"])) or i in known_ends):
                continue  # "compression method" is a method for a task; "gradient descent method" is gradient descent
            if i + 1 in known_metrics and not (
                    start < known_metrics[i + 1] and self._technical_modifier(words[known_metrics[i + 1] - 1])):
                # "ungrounded communication cost" is communication cost, but a hyphenated technical
                # modifier names another quantity: "zeroth-order oracle complexity"
                continue
            modifiers = [t.lower_ for t in words[start:i]]
            if all(w in self.generic for w in modifiers) and label not in {"Task", "Metric"} or not tagged and _VERB_SHAPE.search(modifiers[0]):
                continue
            spans.append(candidate(doc, start, i + 1, label, "phrase"))
        spans.extend(self._when_phrases(doc, found))
        spans.extend(self._listed_domains(doc, [*found, *spans]))
        spans.extend(self._listed_metrics(doc))
        spans.extend(self._measure_frames(doc))
        spans.extend(self._extensions(doc, [*found, *spans]))
        spans.extend(self._continued_names(doc, found, end_of_title))
        add_candidates(doc, spans)
        return doc

    @property
    def workload_only(self) -> frozenset[str]:
        """The workload heads that are no head of their own ("pre-training", "pretraining")."""
        return self.words["workload_heads"] - self.heads.keys()

    def _setting_start(self, words, sent: list[bool], start: int, title: bool) -> int:
        """Where a workload Task ("LLM inference") starts once the words that say where or how the job runs are
        taken in: up to two modifiers before the model ("on-device", "early-exit", "serverless", "batched",
        and the ``model_size_words``: "large"), lower-case (Title Case in a title); not a function word, an evaluative word ("efficient",
        ``not_task_modifiers`` and the task frames' leading words), an adverb, a gerund or a verb's form."""
        n = 0
        while start > 0 and n < 2 and not sent[start]:
            word = words[start - 1]
            lower = word.lower_
            hyphenated = "-" in lower and not lower.startswith("-") and not lower.endswith("-")
            if not (word.is_title if title else word.is_lower) or not (word.is_alpha or hyphenated):
                break
            if lower in self.words["model_size_words"]:
                start -= 1  # "large model training": a size names a kind of model
                n += 1
                continue
            if lower in self.stop or lower in self.words["not_task_modifiers"] or lower in self.words.get(
                    "task_leading", ()) or lower in self.heads or lower.endswith("ly"):
                break
            if not hyphenated and (lower.endswith("ing") or _VERB_SHAPE.search(lower)):
                break
            start -= 1
            n += 1
        return start

    def _when_phrases(self, doc: Doc, found: list[Candidate]) -> list[Candidate]:
        """Metric candidates that say when, not what is measured, blocked (``IGNORE``): a "... time" phrase right
        after "at" with no amount after it ("raises accuracy at inference time", "at test time"), and a hyphenated
        "...-time" word that modifies the noun after it ("inference-time scaling", "run-time checks")."""
        words = doc_tokens(doc).words
        n = len(doc)
        heads, prepositions = self.words["when_heads"], self.words["when_prepositions"]
        blocked = []
        for span in found:
            if span.label_ != "Metric":
                continue
            last = words[span.end - 1]
            after = words[span.end] if span.end < n else None
            if last.lower_ in heads and span.start > 0 and words[span.start - 1].lower_ in prepositions and not (
                    after is not None and any(c.isdigit() for c in after.text)):
                blocked.append(candidate(doc, span.start, span.end, IGNORE, "phrase"))
            elif len(span) == 1 and "-" in last.text and last.lower_.rsplit("-", 1)[1] in heads and (
                    after is not None and after.is_lower and after.is_alpha):
                blocked.append(candidate(doc, span.start, span.end, IGNORE, "phrase"))
        return blocked

    def _listed_domains(self, doc: Doc, found: list[Candidate]) -> list[Candidate]:
        """A vocabulary Metric written in lower case that is one item of a list of three or more plain-word items,
        none of which is a Metric candidate, blocked (``IGNORE``): such a list names domains or quantities of
        another kind ("finance, healthcare, energy and public administration", "public energy, traffic, retail
        and climate"). A list of measures keeps its items ("latency, throughput and energy")."""
        words = doc_tokens(doc).words
        n = len(doc)
        separators = self.words["list_separators"]
        metric_tokens = {}
        for span in found:
            if span.label_ == "Metric":
                for i in range(span.start, span.end):
                    metric_tokens.setdefault(i, []).append((span.start, span.end))

        def word(i: int) -> bool:
            return 0 <= i < n and words[i].lower_ not in separators and words[i].is_lower and all(
                part.isalpha() for part in words[i].text.split("-"))

        def items(at: int, step: int) -> list[tuple[int, int]]:
            """The items of the list on one side of position *at* (exclusive), nearest first."""
            out, i = [], at
            while 0 <= i < n and words[i].lower_ in separators:
                j = i + step
                while 0 <= j < n and words[j].lower_ in separators:
                    j += step  # ", and"
                k = j
                while word(k) and abs(k - j) < 3:
                    k += step
                if k == j:
                    break
                out.append((min(j, k - step), max(j, k - step) + 1))
                if not (0 <= k < n) or words[k].lower_ not in separators:
                    break
                i = k
            return out

        blocked = []
        for span in found:
            if span.label_ != "Metric" or span.id_ != "vocabulary" or len(span) != 1 or not word(span.start):
                continue
            if span.end < n and words[span.end].lower_ not in separators:
                continue  # the metric word must end its item ("public energy,"), not modify one ("energy budgets")
            start = span.start
            while word(start - 1) and span.start - start < 2:
                start -= 1  # "public energy": the item's own modifiers
            listed = items(start - 1, -1) + items(span.end, 1)
            if len(listed) < 2 or "," not in {words[i].text for i in range(max(0, start - 1), span.end + 1)}:
                continue
            if any(other != (span.start, span.end) for a, b in listed for i in range(a, b)
                   for other in metric_tokens.get(i, ())):
                continue  # a list of measures
            blocked.append(candidate(doc, span.start, span.end, IGNORE, "phrase"))
        return blocked

    def _listed_metrics(self, doc: Doc) -> list[Candidate]:
        """Items of a list introduced as metrics: "measured by metrics including the primal gap, the primal
        integral, survival rates and the best performing rate"."""
        spans = []
        doc_words = doc_tokens(doc).words
        openers = {tuple(phrase.split()) for phrase in self.words["measure_openers"]}
        ending_in: dict[str, list[tuple[str, ...]]] = {}  # last word -> the openers that end in it
        for opener in openers:
            ending_in.setdefault(opener[-1], []).append(opener)
        starts = []
        for at in lower_positions(doc, self.words["metric_list_nouns"] | ending_in.keys()):
            if at >= len(doc) - 2:
                break  # the noun needs two tokens after it
            lower = doc_words[at].lower_
            if any(at + 1 >= len(opener) and tuple(w.lower_ for w in doc_words[at + 1 - len(opener):at + 1]) == opener
                   for opener in ending_in.get(lower, ())):  # only an opener that ends in this word can end here
                starts.append(-(at + 1))  # "in terms of latency, throughput and energy": items with a metric head
                continue
            if lower not in self.words["metric_list_nouns"]:
                continue
            i = at + 1
            if doc_words[i].lower_ in {"including", "like", ":"}:
                i += 1
            elif doc_words[i].lower_ == "such" and doc_words[i + 1].lower_ == "as":
                i += 2
            else:
                continue
            starts.append(i)
        for i in starts:
            headed = i < 0  # after a measure opener only items whose head is a metric head ("in terms of usability")
            i = abs(i)
            while i < len(doc):
                while i < len(doc) and doc_words[i].lower_ in {"the", "a", "an", ",", "and", "or"}:
                    i += 1
                if i < len(doc) and not doc_words[i].is_lower and any(c.isalpha() for c in doc_words[i].text) and (
                        i + 1 >= len(doc) or doc_words[i + 1].text in {",", "and", "or", ".", ";", ")"}):
                    i += 1  # a name as an item ("Hypervolume"): kg_entities types it by its place; the list goes on
                    continue
                end = i
                while end < len(doc) and end - i < 4 and doc_words[end].is_lower and (
                        doc_words[end].is_alpha or "-" in doc_words[end].text) and doc_words[end].lower_ not in self.words["list_breaks"]:
                    end += 1
                if end == i or end < len(doc) and doc_words[end].text not in {",", "and", "or", ".", ";", ")"}:
                    break  # not a plain noun phrase: the list is over
                if not headed or self.heads.get(doc_words[end - 1].lower_) == "Metric" or self.heads.get(
                        singular(doc_words[end - 1].lower_)) == "Metric":
                    spans.append(candidate(doc, i, end, "Metric", "phrase"))
                if end >= len(doc) or doc_words[end].text in {".", ";", ")"}:
                    break
                i = end
        return spans

    def _measure_frames(self, doc: Doc) -> list[Candidate]:
        """Lower-case noun phrases where a measured quantity stands, whatever their head word: the object of a
        change verb before "by" and an amount ("reduces token use by over 40%", "improves the expected speedup
        by 2x": ``measure_change_verbs``) and the phrase after a multiplier and a comparative ("34.4x higher token
        hit rates", "0.7 better perplexity": ``measure_phrase_comparatives``). At most three words, none a stop
        word; the scorer weighs them (source ``phrase``)."""
        spans = []
        words = doc_tokens(doc).words
        n = len(doc)

        from spacy.lang.en.stop_words import STOP_WORDS as function_words  # the frame fixes the phrase's end: any
        # content word may be in it ("token use", "expected speedup"), which the modifier stop list keeps out
        not_measures = self.words["model_nouns"] | self.words["generic_heads"]

        def phrase_end(i: int) -> int:
            end = i
            while end < n and end - i < 3 and words[end].is_lower and words[end].lower_ not in function_words and (
                    words[end].is_alpha or "-" in words[end].text and any(c.isalpha() for c in words[end].text)):
                end += 1
            if end > i and words[end - 1].lower_ in not_measures:
                return i  # "reduces the model by 5 layers": a thing, not a quantity
            return end

        def amount_after(at: int) -> bool:
            """Whether words[at] is "by", "from" or "to" and an amount (or "up to", "over", ...) follows."""
            return at + 1 < n and words[at].lower_ in _AMOUNT_PREPOSITIONS and (
                any(c.isdigit() for c in words[at + 1].text) or words[at + 1].lower_ in _AMOUNT_HEDGES)

        def a_number(text: str) -> bool:
            return bool(text[:1].isdigit() and _NUMBER_START.match(text))

        for i in lower_positions(doc, self.words["measure_change_verbs"]):
            start = i + 1
            if start < n and words[start].lower_ in _OBJECT_DETERMINERS:
                start += 1
            end = phrase_end(start)
            # "reduces token use by 40%", "raises validity from 86.9% to 95.2%"
            if end > start and amount_after(end) and not (words[end].lower_ == "to" and words[end - 1].lower_ in self.words["measure_subject_verbs"]):
                spans.append(candidate(doc, start, end, "Metric", "phrase"))
        # the subject of an intransitive change verb: "energy per token falls by 55%", "task utility decreases from
        # 69.1% to 62.5%" (the phrase stands after a determiner, a punctuation mark or a capitalised word)
        subject_openers = self.words["measure_subject_openers"]
        for i in lower_positions(doc, self.words["measure_subject_verbs"]):
            if not amount_after(i + 1):
                continue
            start = i
            while start > 0 and i - start < 3 and words[start - 1].is_lower and words[start - 1].lower_ not in function_words and (
                    words[start - 1].is_alpha or "-" in words[start - 1].text):
                start -= 1
            if start == i or words[i - 1].lower_ in not_measures:
                continue
            opener = words[start - 1] if start > 0 else None
            if opener is None or opener.lower_ in subject_openers or not opener.is_lower and not opener.is_punct:
                spans.append(candidate(doc, start, i, "Metric", "phrase"))
        spans.extend(self._measured_subjects(doc, words, function_words, not_measures))
        # the phrase a value is given for: "a real-time factor of 0.07", "the native sequence recovery of 55.8%"
        for i in lower_positions(doc, {"of"}):
            if i + 1 >= n or not a_number(words[i + 1].text):
                continue
            start = i
            while start > 0 and i - start < 3 and words[start - 1].is_lower and words[start - 1].lower_ not in function_words and (
                    words[start - 1].is_alpha or "-" in words[start - 1].text):
                start -= 1
            if i - start < 2 or start == 0 or words[start - 1].lower_ not in {"a", "an", "the", "its", "their", "our"}:
                continue  # one word ("a total of 5", "a selection of 116") is an amount; a one-word measure is listed
            if i + 2 < n and words[i + 2].is_lower and words[i + 2].is_alpha and len(words[i + 2].text) > 3 and (
                    words[i + 2].lower_.endswith("s") and words[i + 2].lower_ not in function_words):
                continue  # "a tiny decoder of 2 layers": things counted, not a measured value
            if words[i - 1].lower_ in not_measures or words[i - 1].lower_ in self.words["not_measure_heads"] or (
                    f"{words[i - 2].lower_} {words[i - 1].lower_}" in self.pairs):
                continue  # "a sequence length of 2048K", "a learning rate of 0.1": a setting, not a measure
            spans.append(candidate(doc, start, i, "Metric", "phrase"))
        # a percentage an attaining verb reports: "reaches 99.1% atom stability and 93.4% molecule stability"
        attain = self.words["measure_attain_verbs"]
        shared_head = -1  # the value after "88.3% zero-shot and": its phrase's modifier shares the head
        for i in range(1, n - 2):
            if words[i + 1].text != "%" or not a_number(words[i].text) or i == shared_head:
                continue
            before = words[i - 1].lower_
            if not (before in attain or before in {"and", ","} and any(w.text == "%" for w in words[max(0, i - 6):i - 1])):
                continue  # "reaches 99.1% X", "... and 93.4% Y"
            end = phrase_end(i + 2)
            if end == i + 2 or words[end - 1].lower_ in self.words["not_measure_heads"] or words[end - 1].lower_.endswith("ly"):
                continue  # "38% respectively"
            if end == i + 3 and end + 1 < n and words[end].lower_ in {"and", "or"} and a_number(words[end + 1].text):
                shared_head = end + 1
                continue  # "88.3% zero-shot and 91.1% fine-tuning accuracy": modifiers of the head the values share
            if end == n or not words[end].is_alpha or words[end].lower_ in function_words:
                spans.append(candidate(doc, i + 2, end, "Metric", "phrase"))
        for i in lower_positions(doc, self.words["measure_phrase_comparatives"]):
            if i == 0 or not _AMOUNT.match(words[i - 1].text):
                continue
            end = phrase_end(i + 1)
            if end > i + 1 and (end == n or not words[end].is_alpha or words[end].lower_ in function_words):
                spans.append(candidate(doc, i + 1, end, "Metric", "phrase"))
        return spans

    def _measured_subjects(self, doc: Doc, words, function_words, not_measures) -> list[Candidate]:
        """The quantity a reduced "measured by/with/on X" clause qualifies: "Fairness across clients, measured by the
        variance of ...", "helpfulness measured by X decreases", "the rate of inconsistent translation measured by
        a test suite". The noun phrase before the participle (a comma between allowed), up to five words with "of"
        inside, cut before a short prepositional tail (``measure_subject_tails``); it stands after an opener
        (``measure_subject_openers``) or at a sentence start, never after a verb ("the verifier is uncertain,
        measured by ...")."""
        spans = []
        n = len(doc)
        sent = doc_tokens(doc).sent_starts()
        links, tails = self.words["measure_participle_links"], self.words["measure_subject_tails"]
        openers = self.words["measure_subject_openers"]
        for i in lower_positions(doc, self.words["measure_participles"]):
            if i + 1 >= n or words[i + 1].lower_ not in links or i < 1:
                continue
            at = i - 1 if words[i - 1].text == "," else i
            start = at
            while start > 0 and at - start < 6:
                word = words[start - 1]
                lower = word.lower_
                content = (word.is_alpha or "-" in word.text and any(c.isalpha() for c in word.text)) and (
                    lower not in function_words or lower in tails or lower == "of")
                if not content or not (word.is_lower or sent[start - 1] and word.is_title):
                    break
                start -= 1
                if sent[start]:
                    break
            if start == at or not (sent[start] or start > 0 and words[start - 1].lower_ in openers):
                continue
            end = next((k for k in range(start + 1, at) if words[k].lower_ in tails), at)
            while start < end and words[start].lower_ in tails | {"of"}:
                start += 1
            if end - start < 1 or end - start > 5 or words[end - 1].lower_ in {"of"} | tails or (
                    words[end - 1].lower_ in not_measures or words[end - 1].lower_ in self.words["not_measure_heads"]):
                continue
            spans.append(candidate(doc, start, end, "Metric", "phrase"))
        return spans

    def _extensions(self, doc: Doc, candidates: list[Candidate]) -> list[Candidate]:
        """The most complete surface of a found term: "user-level differential privacy", "L2 regularization".

        Leftwards over hyphenated modifiers ("multi-task", "topology-aware"), rightwards over a
        method head noun; the longer span keeps the key of the shorter, so both surfaces are one entity."""
        extended = []
        tokens = doc_tokens(doc)
        doc_words, sent = tokens.words, tokens.sent_starts()
        ignored = {(span.start, span.end) for span in candidates if span.label_ == IGNORE}
        for span in candidates:
            if span.label_ == "Dataset" and span.id_ in {"vocabulary", "open"} and (span.start, span.end) not in ignored:
                end = dataset_variant_end(doc_words, span.end)  # "ImageNet 32x32", "WMT14 En-De", "CATH 4.2"
                if end != span.end:
                    extended.append(candidate(doc, span.start, end, "Dataset", span.id_))
                continue
            if span.label_ == "Hardware" and span.id_ == "vocabulary" and len(span) == 1 and (
                    doc_words[span.start].is_title) and span.end < len(doc) and _DEVICE_GENERATION.match(
                    doc_words[span.end].text) and (span.end + 1 == len(doc) or not _AMOUNT_AFTER.match(
                    doc_words[span.end + 1].text)):
                # "Loihi 2", "Dimensity 9300": a device line and its generation or model number name one device
                extended.append(candidate(doc, span.start, span.end + 1, "Hardware", span.id_))
                continue
            if span.label_ == "Metric" and span.id_ == "vocabulary" and (span.start, span.end) not in ignored:
                start = span.start - 1
                if start >= 0 and _MEASURED_PROCESS.match(doc_words[start].text) and (
                        doc_words[start].is_lower or sent[start] and doc_words[start].is_title) and not (
                        start > 0 and doc_words[start - 1].text == "-"):
                    # "reconstruction FID", "detection AUC", "decoding speedup", "validation perplexity": the
                    # metric of one process is a metric of its own
                    extended.append(candidate(doc, start, span.end, "Metric", span.id_))
                else:
                    start = self._metric_qualifier_start(doc_words, sent, span, candidates)
                    if start != span.start:
                        extended.append(candidate(doc, start, span.end, "Metric", span.id_))
                end = span.end
                if end + 1 < len(doc) and doc_words[end].lower_ in self.words["metric_rate_links"] and not any(
                        doc_words[i].lower_ in self.words["metric_rate_links"] for i in range(span.start, end)) and (
                        doc_words[end + 1].is_lower and doc_words[end + 1].is_alpha):
                    # "energy per token", "latency per request": a measure taken per unit of work is a metric of
                    # its own (the rate link is followed by one lower-case noun)
                    extended.append(candidate(doc, start, end + 2, "Metric", span.id_))
                continue
            if span.label_ != "Method" or span.id_ not in {"vocabulary", "phrase", "open"} or (span.start, span.end) in ignored:
                continue
            # an acronym keeps its modifiers outside ("multi-task RL"); so does a metric ("super-linear speedup")
            span_text = tokens.span_text(span.start, span.end)
            acronym = not written_lower(span_text)
            start = span.start if acronym else self._hyphenated_start(doc_words, sent, span.start)
            if not acronym and span.id_ == "vocabulary" and doc_words[span.start].is_lower:
                # "2:4 structured pruning", "distributional value iteration": a qualified method, an entity of its own
                start = self._qualified_start(doc_words, sent, start)
            if start != span.start:
                # "Multi-Objective GFlowNets" is a kind of GFlowNet, an entity of its own
                extended.append(candidate(doc, start, span.end, span.label_, span.id_))
            end = span.end
            if end < len(doc) and doc_words[end].lower_ in self.words["extension_heads"] and (
                    doc_words[end].is_lower or doc_words[end].is_title and doc_words[span.start].is_title):
                # "ZeRO optimizer" is ZeRO; "LLM optimizer" is an LLM used so, not the LLM
                extended.append(candidate(doc, start, end + 1, span.label_, span.id_,
                                           "" if acronym else span.kb_id_ or span_text))
        return extended

    def _metric_qualifier_start(self, words, sent: list[bool], span: Candidate, found: list[Candidate]) -> int:
        """Where a vocabulary Metric's name starts once a qualifier that names a metric of its own is taken in: a
        hyphenated grain ("image-level AUROC", "token-level F1": ``metric_scope_suffixes``, split or not by the
        tokenizer), or a word written like a name that no other candidate holds and that the paper writes only
        before this metric ("RadGraph F1", "int8 throughput", "Z500 RMSE"; a dataset named before a metric, "X
        accuracy", is written on its own elsewhere: "on X")."""
        start, n = span.start, len(words)
        scopes = self.words["metric_scope_suffixes"]
        if start >= 3 and words[start - 1].lower_ in scopes and words[start - 2].text == "-" and (
                words[start - 3].is_alpha and words[start - 3].is_lower) and not sent[start - 3]:
            return start - 3  # "image - level AUROC"
        if start < 1 or sent[start - 1]:
            return start
        previous = words[start - 1]
        text = previous.text
        if "-" in text and text.islower() and text.rsplit("-", 1)[1] in scopes:
            return start - 1  # "pixel-level AUROC" in one token
        named = (any(c.isdigit() for c in text) and any(c.isalpha() for c in text) and text[:1].isalpha()
                 or text[:1].isalpha() and any(c.isupper() for c in text[1:]) and any(c.islower() for c in text))
        if not named and self._sole_qualifier(words, span, previous, found):
            return start - 1
        if not named or not text.isalnum():
            return start
        if start >= 2 and words[start - 2].lower_ in self.words["dataset_slot_prepositions"]:
            return start  # "On LRS2 WER is 17.1%": the name after the preposition is the data measured on
        if any(other.start <= start - 1 < other.end and other.label_ != "Metric" and other.id_ != "open"
               for other in found):
            return start  # a known method, dataset or device before the metric: "GSM8K accuracy", "GPU memory"
        first = words[start].lower_
        if any(w.lower_ == previous.lower_ and (k + 1 >= n or words[k + 1].lower_ != first)
               for k, w in enumerate(words)):
            return start  # the name stands on its own elsewhere in the paper: a dataset or model, not a qualifier
        return start - 1

    def _sole_qualifier(self, words, span: Candidate, previous, found: list[Candidate]) -> bool:
        """Whether a plain adjective before a one-word metric names a metric of its own: the paper never writes the
        metric without it ("expected speedup", "algorithmic speedup", "median energy"); an evaluative, vague or
        function word grades the metric instead ("comparable accuracy", "less energy")."""
        text = previous.lower_
        if len(span) != 1 or not (previous.is_alpha and previous.is_lower and words[span.start].is_lower) or (
                previous.is_stop or not _NAMING_ADJECTIVE.search(text) or text in self.words["evaluative_parts"]
                or text in self.words["plain_adjectives"] or text in self.words["vague_adjectives"]):
            return False
        if any(other.start <= span.start - 1 < other.end and other.label_ != "Metric" for other in found):
            return False
        metric = words[span.start].lower_
        at = [k for k, w in enumerate(words) if w.lower_ == metric]
        return all(k > 0 and words[k - 1].lower_ == text for k in at)

    def _continued_names(self, doc: Doc, found: list[Candidate], end_of_title: int) -> list[Candidate]:
        """A name written with capitals and one more word that goes on naming it, the phrase ending there: a
        capitalised or acronym word, or a version ("PyTorch Geometric", "AutoDock Vina", "MVTec AD", "TabPFN v2",
        "Whisper large-v3"): a component, product or release of its own. Not in the title (Title Case throughout),
        not when the word is a known name or term of another kind (a vocabulary, stop-list, Metric, Task or Hardware
        candidate starts there: "LRS2 WER", "mBERT English"), a head or function word ("ResNet Block"), or a
        lower-case word follows it ("NN Lyapunov function")."""
        tokens = doc_tokens(doc)
        words, sent, n = tokens.words, tokens.sent_starts(), len(doc)
        blocked = {span.start for span in found if span.label_ != "Method" or span.id_ not in {"open", "titlecase"}}
        # a stop-listed name (a company: "DeepMind", "Google") is no name to go on from: what it makes ("DeepMind
        # Control", "Google Research Football") is a product of any type, which its own position must give
        ignored = {(span.start, span.end) for span in found if span.label_ == IGNORE}
        ended, open_ended = [], []
        for span in found:
            end = span.end
            if span.label_ not in {"Method", "Dataset"} or span.id_ not in {"vocabulary", "open", "titlecase"} or (
                    span.start < end_of_title or end >= n or end in blocked or sent[end]) or (
                    (span.start, span.end) in ignored):
                continue
            if not any(c.isupper() for c in tokens.span_text(span.start, span.end)):
                continue  # a generic lower-case name: "transformer Block" is no product's name
            word = words[end]
            if not _NAME_CONTINUATION.match(word.text) or word.is_stop or word.lower_ in self.stop or (
                    word.lower_ in self.heads or word.lower_ in self.words["extension_heads"]) or (
                    tokens.end[end - 1] == tokens.idx[end]):
                continue
            if end + 1 < n and not (words[end + 1].is_punct and words[end + 1].text not in {"-", "/"}
                                    or words[end + 1].is_stop or words[end + 1].like_num):
                open_ended.append(span)  # "MVTec AD image AUROC": the name once read whole elsewhere
                continue
            ended.append(span)
        whole = {tokens.span_text(span.start, span.end + 1) for span in ended}
        ended.extend(span for span in open_ended if tokens.span_text(span.start, span.end + 1) in whole)
        return [candidate(doc, span.start, span.end + 1, span.label_, span.id_) for span in ended]

    def _qualified_start(self, words, sent: list[bool], start: int) -> int:
        if start > 0 and _SPARSITY_PATTERN.match(words[start - 1].text):
            return start - 1
        if (start >= 3 and words[start - 1].lower_ in self.words["hyphen_suffixes"] and words[start - 2].text == "-"
                and words[start - 3].is_lower and self._hyphen_part(words[start - 3])
                and words[start - 3].lower_ not in self.words["evaluative_parts"]):
            return start - 3  # "cost-based pruning", "gradient-based hyperparameter optimization": the tokenizer split it
        if start > 0:
            previous = words[start - 1]
            lower = previous.lower_
            participle = (lower.endswith("ed") and len(lower) > 5 and start > 1
                          and words[start - 2].lower_ in self.words["participle_openers"]
                          and lower not in self.words["model_state_participles"])
            if (previous.is_lower and previous.is_alpha and (lower.endswith(tuple(self.words["technical_suffixes"]))
                                                             or participle)
                    and lower not in self.stop and lower not in self.words["evaluative_parts"]
                    and lower not in self.words["plain_adjectives"] and not sent[start - 1]):
                return start - 1
        return start

    def _hyphenated_start(self, words, sent: list[bool], start: int) -> int:
        while start > 0:
            previous = words[start - 1]
            if (start >= 3 and previous.lower_ in self.words["hyphen_suffix_words"] and words[start - 2].text == "-"
                    and self._hyphen_part(words[start - 3])):
                start -= 3  # "user - level", "topology - aware": split by the tokenizer
            elif "-" in previous.text and all(self._hyphen_part(part) for part in previous.text.split("-")) and (
                    previous.lower_ not in self.stop and previous.lower_ not in self.heads) and (previous.is_lower or previous.is_title and (
                    words[start].is_title or sent[start - 1])) and not self._hyphenated_verb(words, start - 1) and not (
                    (previous.is_lower or sent[start - 1]) and _PARTICIPLE_PART.search(previous.lower_) and any(
                    c.isupper() for c in words[start].text)) and (
                    previous.lower_.rsplit("-", 1)[-1] not in self.words["model_state_participles"]):
                # (a participle says what was done to a name written with capitals, it is no part of the name: "a
                # hand-tuned DeepSpeed", "the pre-trained StyleGAN"; nor is a training participle before any name)
                start -= 1  # "multi-task", "zeroth-order", "Multi-fidelity"
            else:
                break
        return start

    def _hyphenated_verb(self, words, i: int) -> bool:
        """Whether the hyphenated word words[i] is a verb whose object the name after it is: a gerund ("fine-tuning
        LLaMA", "pre-training BERT") or a word after a subject, "to" or a modal ("we fine-tune DeBERTa-v2", "to
        pre-train X": ``verb_openers``)."""
        return words[i].lower_.rsplit("-", 1)[-1].endswith("ing") or i > 0 and words[i - 1].lower_ in self.words[
            "verb_openers"]

    def _technical_modifier(self, token) -> bool:
        """A lower-case hyphenated word none of whose parts is evaluative: "zeroth-order", "end-to-end"."""
        parts = token.text.split("-")
        return token.is_lower and len(parts) > 1 and all(
            part.isalpha() and part not in self.words["evaluative_parts"] for part in parts) and token.lower_ not in self.stop

    def _hyphen_part(self, token_or_text) -> bool:
        text = token_or_text if isinstance(token_or_text, str) else token_or_text.text
        # lower-case or capitalised words, not an acronym ("CPU-friendly" names the CPU)
        return len(text) > 1 and text.isalpha() and not text[1:].isupper() and text.lower() not in self.stop

    def _modifier(self, doc: Doc, i: int, label: str, tagged: bool, title_case: bool, words, sent) -> bool:
        token = words[i]
        lower = token.lower_
        if lower in self.stop or sent[i] and not title_case:
            return False
        if i > 0 and words[i - 1].lower_ in self.words["verb_slot_openers"]:
            return False  # "we revisit coordinate classification", "Does Not Teach Reasoning": the slot of a verb
        if label == "Task" and lower in self.words.get("task_leading", ()):
            return False  # "on benchmark language modeling": the task is "language modeling"
        if title_case:
            # not "Aligning Code Efficiency", "Cost Aware Rate", "Near-Linear Time"
            return token.is_title and bool(_MODIFIER_SHAPE.match(lower)) and not lower.endswith(("ly", "ing")) and (
                lower not in self.words["hyphen_suffix_words"]) and not any(part in self.words["evaluative_parts"] for part in lower.split("-"))
        if tagged and doc[i].tag_ not in self.words["modifier_tags"]:
            return False
        if _MODIFIER_SHAPE.match(token.text):
            # without tags an -ly or -ing word is an adverb or a verb more often than a modifier
            return tagged or not (lower.endswith("ly") or lower.endswith("ing") and lower not in self.words["ing_modifiers"])
        return label in {"Metric", "Task"} and bool(_ACRONYM_MODIFIER.match(token.text))

