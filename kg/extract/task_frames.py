"""``kg_task_frames``: Task phrases found by the frame they stand in.

A task is a noun phrase for a problem ("code optimization", "numerical optimal control",
"traveling salesman problem"). Its head word alone does not say so: "optimization" or "regression"
head a method as often as a task. The frame does: the title's "X for <task>" / "... in <task>" /
"Optimizing <task>", and the abstract's "for <task>", "the problem of <task>", "<task> tasks",
"tasks such as <task>, <task> and <task>". The frames, the process nouns a task phrase ends in
(besides the Task heads of ``phrases.jsonl``), the words that end a phrase and the evaluative words
cut from its start are data (``patterns/task_frames.jsonl``).

A phrase is a candidate (source ``context``: typed by its surroundings) when it ends in a process
noun, or, in a title frame, when it is a gerund phrase ("for Generating Fast Code"). Every other
mention of a found surface in the paper is a Task candidate too, so the frame outweighs a head
word's default type there ("code optimization" further down is the same task). ``kg_scorer`` then
ranks the Task candidates with the rest.
"""

from __future__ import annotations

import re
from typing import Any

from spacy.attrs import LOWER
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from kg.extract.base import PatternComponent, doc_tokens
from kg.extract.candidates import (ProposesCandidates, add_candidates, candidate, candidates, doc_text,
                                   lower_positions, title_end)
from kg.extract.pattern_data import read_pattern_file, word_lists, words_by_list
from kg.schema import TASK

SOURCE = "context"
# the function words inside a title's task phrase and inside a gerund task ("estimating the ... of ..."): words.jsonl
_TITLE_GLUE = words_by_list(word_lists("title_glue"))["title_glue"]
_GERUND_GLUE = words_by_list(word_lists("gerund_glue"))["gerund_glue"]
_ADJECTIVE = re.compile(r"(?:al|ic|ive|ous|ary|less|ful|able|ible|ly|ed)$")  # no noun ends a task like this
# the endings of a one-word task before "tasks" ("recommendation", "alignment"): words.jsonl nominal_task_suffixes
_NOMINAL = tuple(word_lists("nominal_task_suffixes")[0]["words"])
def _ize(word: str) -> str:
    """A British "-isation"/"-ising" spelling as the "-ization"/"-izing" the head lists hold ("summarisation")."""
    return word[:-7] + "ization" if word.endswith("isation") else word[:-5] + "izing" if word.endswith("ising") else word


def _hyphen_part(doc: Doc, i: int) -> bool:
    """Whether token *i* is a part of a hyphenated compound: written with a hyphen ("Privacy-Preserving") or glued
    to one the tokenizer split off ("Training" of "Training-free", "learning" of "learning-based")."""
    words = doc_tokens(doc).words
    if "-" in words[i].text:
        return True
    return i + 1 < len(doc) and words[i + 1].text == "-" and not doc[i].whitespace_ or (
        i > 0 and words[i - 1].text == "-" and not doc[i - 1].whitespace_)


def _gerund(doc: Doc, i: int) -> bool:
    """Whether token *i* has a gerund's form: an -ing word that is no part of a hyphenated compound. "Training-Free
    X", "Reasoning-Enhanced X", "Privacy-Preserving X", "learning-based X": the compound modifies the noun after
    it; its -ing part is no verb whose object follows."""
    return doc_tokens(doc).words[i].lower_.endswith("ing") and not _hyphen_part(doc, i)


_COORDINATORS = frozenset({"and", "or"})  # the words before a coordination's last item
_X_TO_Y = re.compile(r"^([A-Za-z][A-Za-z0-9]*)-to-([A-Za-z][A-Za-z0-9]*)$")  # "text-to-SQL", "speech-to-text"


@Language.factory("kg_task_frames", default_config={"pattern_files": ["task_frames.jsonl"], "max_tokens": 6,
                                                     "max_text_tokens": 4, "max_gerund_tokens": 8})
def make_task_frames(nlp: Language, name: str, pattern_files: list[str], max_tokens: int,
                     max_text_tokens: int, max_gerund_tokens: int) -> TaskFrames:
    return TaskFrames(nlp, name, pattern_files=pattern_files, max_tokens=max_tokens, max_text_tokens=max_text_tokens,
                      max_gerund_tokens=max_gerund_tokens)


class TaskFrames(ProposesCandidates, PatternComponent):
    """Add Task candidates found by their frame (see the module docstring)."""

    settings = ("max_tokens", "max_text_tokens", "max_gerund_tokens")

    def __init__(self, nlp: Language, name: str = "kg_task_frames", *,
                 pattern_files: list[str] = ("task_frames.jsonl",), max_tokens: int = 6, max_text_tokens: int = 4,
                 max_gerund_tokens: int = 8):
        super().__init__(nlp, name, pattern_files=pattern_files, max_tokens=max_tokens, max_text_tokens=max_text_tokens,
                         max_gerund_tokens=max_gerund_tokens)

    def default_patterns(self) -> list[dict[str, Any]]:
        rows = super().default_patterns()
        # the Task heads of the head-phrase rules are task heads here too (one list, not two)
        phrases = read_pattern_file("phrases.jsonl")
        rows.extend({"head": row["head"], "task_head": True} for row in phrases if row.get("label") == TASK and "head" in row)
        # the head-phrase stop words (verbs, evaluative adjectives) are no part of a task phrase in the abstract
        rows.append({"list": "stop", "words": sorted({row["word"].lower() for row in phrases if row.get("role") == "stop"})})
        # the Method heads: a title opening with "... Tree Search with ..." names its method as often as its task
        rows.append({"list": "method_heads", "words": sorted({row["head"].lower() for row in phrases
                                                               if row.get("label") == "Method" and "head" in row})})
        # the method nouns ("methods", "systems"): after an opening task phrase they end it ("X methods aim ...")
        rows.extend(word_lists("method_nouns", "verb_slot_openers"))
        # the proper names known to be no entity (natural languages, from ISO 639-2 in stop.jsonl): "English-to-
        # Swahili" is a translation direction, not a mapping a task learns
        rows.append({"list": "proper_non_entities", "words": sorted({
            row["pattern"] for row in read_pattern_file("stop.jsonl") if row.get("case") and " " not in row["pattern"]})})
        return rows

    def clear(self) -> None:
        self.cues: dict[str, dict[tuple[str, ...], dict[str, Any]]] = {"title": {}, "title-start": {}, "text": {}}
        self.nouns: set[str] = set()
        self.open_nouns: set[str] = set()  # "orbit correction tasks": the phrase before names a task, any head
        self.heads: set[str] = set()  # process nouns a task phrase may end in (anywhere)
        self.title_heads: set[str] = set()  # ... only in a title frame ("Large Model Training")
        self.task_heads: set[str] = set()  # heads that name a task on their own ("Clustering", "summarization")
        # one matcher for every cue and noun: match ids "cue|title|<words>", "cue|text|<words>" and "noun"
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")

    def add(self, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            if "cue" in row:
                words = tuple(t.lower_ for t in self.nlp.make_doc(row["cue"]))
                self.cues[row["where"]][words] = row
                if row["where"] != "title-start":
                    self.matcher.add(f"cue|{row['where']}|{' '.join(words)}", [self.nlp.make_doc(row["cue"])])
            elif "noun" in row:
                self.nouns.add(row["noun"].lower())
                if row.get("open"):
                    self.open_nouns.add(row["noun"].lower())
                self.matcher.add("noun", [self.nlp.make_doc(row["noun"])])
            elif "head" in row:
                if row.get("task_head"):
                    self.task_heads.add(row["head"])
                    self.heads.add(row["head"])
                elif row.get("title_only"):
                    self.title_heads.add(row["head"])
                else:
                    self.heads.add(row["head"])

    @property
    def problem_nouns(self) -> frozenset[str]:
        return self.words.get("problem_nouns", frozenset())

    @property
    def breaks(self) -> frozenset[str]:
        return self.words.get("breaks", frozenset())

    @property
    def leading(self) -> frozenset[str]:
        return self.words.get("leading", frozenset())

    def propose(self, doc: Doc) -> Doc:
        self.check_initialized()
        end_of_title = title_end(doc, default=0)
        found: list[tuple[int, int]] = []
        if end_of_title > 0:
            found.extend(self._title_start(doc, end_of_title))
        strings = self.nlp.vocab.strings
        for match_id, start, end in self.matcher(doc):
            kind = strings[match_id]
            title = start < end_of_title
            if kind == "noun":
                if start > 0:
                    found.extend(self._before_noun(doc, start, title, end_of_title))
                    if not title:
                        found.extend(self._graded_noun_of(doc, start, end_of_title))
                continue
            _, where, cue = kind.split("|", 2)
            if (where == "title") != title:
                continue
            row = self.cues[where][tuple(cue.split(" "))]
            stop = end_of_title if title else self._sentence_end(doc, end)
            if "then" in row:
                end = self._then(doc, end, stop, row["then"], row.get("gap", 6))
                if end is None:
                    continue
            found.extend(self._after_cue(doc, end, stop, title, bool(row.get("items")), bool(row.get("gerund"))))
        found.extend(self._x_to_y(doc))
        found.extend(self._listed_with_tasks(doc, end_of_title))
        if 0 < end_of_title < len(doc):
            found.extend(self._opening_subject(doc, end_of_title))
        if not found:
            return doc
        found = list(dict.fromkeys(found))
        add_candidates(doc, [candidate(doc, start, end, TASK, SOURCE) for start, end in self._mentions(doc, found)])
        return doc

    # -- frames --------------------------------------------------------------------------------------
    @staticmethod
    def _then(doc: Doc, start: int, stop: int, then: str, gap: int) -> int | None:
        """"application of Large Language Models to code optimization": the token after *then* when it follows
        *start* within *gap* words of one clause (no punctuation but a hyphen or slash between), else None."""
        words = doc_tokens(doc).words
        for i in range(start, min(stop, start + gap + 1)):
            word = words[i]
            if word.lower_ == then:
                return i + 1 if i > start else None  # (a method must stand between: "apply to" is no such frame)
            if word.is_punct and word.text not in {"-", "/"} or word.is_space:
                return None
        return None

    def _x_to_y(self, doc: Doc) -> list[tuple[int, int]]:
        """"Text-to-SQL", "speech-to-text translation": an "X-to-Y" compound names the mapping a task learns, when
        it heads its phrase (or a process noun follows it; "sequence-to-sequence models" is a model) and X is no
        word of a set phrase ("end-to-end", "one-to-many": ``x_to_y_stop``)."""
        text = doc_text(doc)  # doc.text joins a Token object per token on every call
        if "-to-" not in text and "-To-" not in text:
            return []
        words = doc_tokens(doc).words
        stop = self.words.get("x_to_y_stop", ())
        found = []
        for i, token in enumerate(words):
            if "-to-" not in token.lower_:
                continue
            match = _X_TO_Y.match(token.text)
            if match is None or match[1].lower() == match[2].lower() or match[1].lower() in stop or (
                    match[1] in self.words.get("proper_non_entities", ()) and match[2] in self.words.get(
                        "proper_non_entities", ())):
                continue
            following = words[i + 1] if i + 1 < len(doc) else None
            if following is None or following.is_punct or following.lower_ in self.breaks or (
                    following.lower_ in STOP_WORDS):
                found.append((i, i + 1))
            elif self._head(following, True) or following.lower_ in self.task_heads:
                found.append((i, i + 2))
        return found

    def _listed_with_tasks(self, doc: Doc, end_of_title: int) -> list[tuple[int, int]]:
        """"spanning image classification, age regression, and preference optimization", "question answering and
        complex reasoning": the items of a coordination ("X, Y and Z", "X or Y") in the abstract share their kind.
        When one item ends in a word that names a task on its own (a Task head of ``phrases.jsonl``:
        "classification", "answering"), every item that ends in a process noun (listed, or one by its form:
        ``_nominal``) and names no technique (a Method head) is a task too. One pass over the doc's "and"/"or"."""
        words = doc_tokens(doc).words
        sent = doc_tokens(doc).sent_starts()
        method_heads = self.words.get("method_heads", ())
        generic = self.words.get("generic_process", ())
        found: list[tuple[int, int]] = []
        for p in lower_positions(doc, _COORDINATORS):
            if p <= end_of_title or p + 1 >= len(doc) or sent[p]:
                continue
            floor = end_of_title  # (a phrase start never crosses a sentence start: no walk back to it)
            stop = self._sentence_end(doc, p + 1)
            items = [self._extent(doc, p + 1, stop, False, list_item=True)]
            at = p - 1 if words[p - 1].text == "," else p  # the serial comma: "X, Y, and Z"
            while len(items) < 6 and at > floor:
                start = self._phrase_start(doc, at, floor, False)
                if start == at:
                    break
                if at - start > 1 and _gerund(doc, start) and not self._head(words[start], False) and (
                        words[start].lower_ not in self.task_heads):
                    start += 1  # "spanning image classification, ...": the verb before the list is no part of it
                items.insert(0, (start, at))
                if start - 1 <= floor or words[start - 1].text != ",":
                    break
                at = start - 1
            if len(items) < 2:
                continue
            heads = [_ize(words[e - 1].lower_) if e > s else "" for s, e in items]
            anchors = sum(head in self.task_heads and e - s > 1 for head, (s, e) in zip(heads, items))
            if not anchors:
                continue  # no item is a task by its head: the list may be of techniques
            tasks = [(s, e) for head, (s, e) in zip(heads, items) if 0 < e - s <= self.max_text_tokens and (
                head not in generic) and not (head in method_heads and head not in self.heads and head not in self.task_heads)
                and (head in self.task_heads or e - s > 1 and (
                    head in self.heads or anchors >= 2 and self._nominal(words[e - 1])))]
            # (a process noun by its form alone, "image preprocessing", is a task beside two tasks by their head)
            if len(tasks) >= 2:
                found.extend(tasks)
        return found

    def _opening_subject(self, doc: Doc, end_of_title: int) -> list[tuple[int, int]]:
        """"Molecular docking predicts the bound pose ...", "Speaker Diarization in conversational audio is ...",
        "Machine unlearning methods for LLMs aim ...": the noun phrase that opens the abstract, when it ends in a
        process noun (listed, or one by its form: ``_nominal``) and a verb, a function word, a bracket, a comma
        or a method noun follows it (not a noun of the same compound: "Molecular docking software"), is the
        problem the paper starts from. Its words are lower-case after the first, or all Title Case."""
        words = doc_tokens(doc).words
        start = end_of_title
        while start < len(doc) and (words[start].is_space or "\n" in words[start].text):
            start += 1
        if start >= len(doc):
            return []
        first = words[start]
        if not first.text[:1].isupper() or first.lower_ in STOP_WORDS or (
                _gerund(doc, start) and first.lower_ not in self.heads and first.lower_ not in self.task_heads):
            return []  # (a gerund opens a clause, not a noun phrase: "Learning agile locomotion ...")
        title_case = start + 1 < len(doc) and words[start + 1].is_title
        end = start + 1
        n = 1
        while end < len(doc) and n < self.max_text_tokens:
            word = words[end]
            if word.text == "-" and not doc[end - 1].whitespace_ and not doc[end].whitespace_ and end + 1 < len(doc):
                end += 2  # "Semi - supervised": the tokenizer split a hyphenated word
                continue
            if word.lower_ in STOP_WORDS or word.is_punct or word.is_space or word.lower_ in self.breaks:
                break
            if not (word.is_title and word.lower_ not in self.words.get("stop", ()) if title_case
                    else self._text_word(word, False)):
                break
            end += 1
            n += 1
        # the phrase ends at its last process noun; what follows must end the noun phrase
        for last in range(end, start + 1, -1):  # two words at least
            head = words[last - 1]
            if not (self._head(head, False, nominal=True) or head.lower_ in self.task_heads):
                continue
            if head.lower_ in self.words.get("method_heads", ()) and head.lower_ not in self.heads and (
                    head.lower_ not in self.task_heads):
                return []  # "Speculative decoding accelerates ...": a technique
            if last < len(doc):
                following = words[last]
                lower = following.lower_
                if not (following.is_punct and following.text in {"(", ","} or lower in STOP_WORDS or (
                        lower in self.words.get("method_nouns", ())) or following.is_lower and lower.endswith("s")):
                    return []
            if any(w.lower_ in self.leading or self._means_modifier(w) or w.text == "-" and k + 1 < last and (
                    words[k + 1].lower_ in self.words.get("means_suffixes", ()))
                   for k, w in enumerate(words[start:last], start)):
                return []  # "Gradient-based optimization": how, not what
            return [(start, last)]
        return []

    def _title_start(self, doc: Doc, end_of_title: int) -> list[tuple[int, int]]:
        """"Optimizing Memory Mapping Using ...": the title (or its part after the colon) starts with a verb."""
        starts = [0]
        words = doc_tokens(doc).words
        colon = next((i for i, t in enumerate(words[:end_of_title]) if t.text == ":"), None)
        if colon is not None:
            starts.append(colon + 1)
        found = []
        for start in starts:
            if start < end_of_title and (words[start].lower_,) in self.cues["title-start"]:
                found.extend(self._accept(doc, *self._extent(doc, start + 1, end_of_title, True), True, gerund=False,
                                          nominal=True))
            elif start < end_of_title:
                # "Low Rank Matrix Completion via Robust Alternating Minimization": a title (part) that opens with
                # a process-noun phrase and goes on to the means names the task first; an opening verb
                # ("Facilitating", "Accelerate" as a title-start cue's other form) is not part of it
                verb = self._opening_verb(doc, start)
                begin, end = self._extent(doc, start + verb, end_of_title, True)
                how = [self._means_modifier(w) or self._split_means_modifier(doc, k) or self._split_means_modifier(
                    doc, k - 1) or self._split_means_modifier(doc, k - 2)
                    for k, w in enumerate(words[start + verb:begin], start + verb)]
                # "Memory-Free Temporal Graph Learning with ...", "YaRN-Free Context Extension: ...": a how-modifier
                # that opens the title part says the phrase it modifies is the task done so, be its head a Method
                # head or the part end at the colon
                modified = any(how)
                if all(h or w.lower_ in self.leading and "-" in w.text for h, w in zip(how, words[start + verb:begin])) \
                        and end < end_of_title and (doc[end].lower_ in self.words.get("means", ()) or (
                            modified and doc[end].text == ":" and start == 0)) and (
                        verb or modified or doc[end - 1].lower_ not in self.words.get("method_heads", ())):
                    # (a Method head, "Low-Rank Tree Search with ...", is the paper's method unless a verb governs it)
                    found.extend(self._accept(doc, begin, end, True, gerund=False, nominal=True, method_head=modified))
        return found

    def _opening_verb(self, doc: Doc, i: int) -> bool:
        """A title's first word that is a verb: a gerund that is no process noun ("Facilitating"; not a hyphenated
        modifier, "Privacy-Preserving"), or another form of a title-start cue ("Accelerate" of "accelerating")."""
        lower = doc_tokens(doc).words[i].lower_
        if _hyphen_part(doc, i):
            return False
        if lower.endswith("ing") and lower not in self.heads and lower not in self.task_heads:
            return True
        return any((form,) in self.cues["title-start"] for form in (lower + "ing", lower[:-1] + "ing"))

    def _after_cue(self, doc: Doc, start: int, stop: int, title: bool, items: bool,
                   gerund: bool = False) -> list[tuple[int, int]]:
        words = doc_tokens(doc).words
        if not items:
            if gerund and not title:
                phrase = self._gerund_phrase(doc, start, stop, list_item=False)
                if phrase:
                    return [phrase]  # "the problem of learning a single neuron"
            begin, end = self._extent(doc, start, stop, title)
            glued = end + 1 if end < stop - 1 and words[end].text == "-" else end  # the text's extent stops at "-"
            if begin < end and glued < stop - 1 and words[glued - 1].text == "-" and words[glued].lower_ in self.breaks:
                # "for Offline Model-based Biological Sequence Design": a break word glued by a hyphen ends a
                # modifier of the task phrase, which follows it
                begin, end = self._extent(doc, glued + 1, stop, title)
            if title and begin < end and (words[begin].lower_,) in self.cues["title-start"]:
                # "for Tackling Unknown Participation Statistics": the verb's object is the candidate
                return self._accept(doc, *self._extent(doc, begin + 1, stop, True), True, gerund=False, nominal=True)
            # "for/towards <task>" (the gerund cues) in a title: a head by its form will do; "In defense of ..." no
            return self._accept(doc, begin, end, title, gerund=gerund, nominal=title and gerund)
        found = []
        i = start
        while i < stop:
            phrase = self._gerund_phrase(doc, i, stop, list_item=True) if gerund and not title else None
            if phrase:
                # "tasks such as ..., predicting business ratings from reviews": a gerund phrase is a task item
                found.append(phrase)
                begin, end = phrase
            else:
                begin, end = self._extent(doc, i, stop, title, list_item=True)
            if end <= begin:
                break
            if not phrase:
                accepted = self._accept(doc, begin, end, title, gerund=False, single=True)
                if not accepted and not title and self._open_phrase(words, begin, end):
                    accepted = [(begin, end)]  # "tasks such as sentiment analysis, ...": the list says it is a task
                found.extend(accepted)
            i = end
            if i < stop and words[i].lower_ in self.breaks:
                # "sentiment analysis from movie reviews, predicting ...": a short prepositional tail before the
                # next item's separator belongs to this item
                j = i + 1
                while j < stop and j - i <= 4 and not words[j].is_punct and words[j].lower_ not in {"and", "or"}:
                    j += 1
                if j < stop and j - i <= 4 and words[j].lower_ in {",", "and", "or"}:
                    i = end = j
            while i < stop and words[i].lower_ in {",", "and", "or"}:
                i += 1
            if i == end:
                break  # the list is over
        return found

    def _before_noun(self, doc: Doc, at: int, title: bool, end_of_title: int) -> list[tuple[int, int]]:
        """"classification tasks" -> "classification", "memory mapping problem" -> "memory mapping"; before an
        open noun ("task(s)") any phrase of two or more words ("orbit correction tasks") and every part of a
        coordination ("classification and regression tasks")."""
        floor = 0 if title else end_of_title
        words = doc_tokens(doc).words
        start = self._phrase_start(doc, at, floor, title)
        if not title and not any(self._head(w, False) or w.lower_ in self.task_heads for w in words[start:at]):
            subject = self._copula_subject(doc, at, floor)
            if subject:
                return subject
        if start == at:
            return []
        if at - start > 1 and (words[start].lower_ in self.words.get("task_verbs", ()) or (
                words[start].lower_,) in self.cues["title-start"]):
            start += 1  # "accomplish beam commissioning tasks", "tackling bilevel problems": the verb that governs
            # the tasks is no part of them
        if words[at].lower_ in self.open_nouns and not self._field(words, start, at):
            parts = self._conjuncts(doc, start, at, floor, title)
            if len(parts) > 1 and all(self._open_phrase(words, s, e, coordinated=True) for s, e in parts):
                return parts
            if self._open_phrase(words, start, at):
                return [(start, at)]
        found = self._accept(doc, start, at, title, gerund=False, single=True)
        if not found and doc[at].lower_ in self.problem_nouns and not self._head(doc[at - 1], title) and (
                title or at - start > 1 or "-" in doc[start].text and not _ADJECTIVE.search(doc[start].lower_)) and (
                doc[at - 1].lower_ not in self.words.get("method_heads", ())) and not self._entity_before(doc, at):
            # "traveling salesman problems", "the three-body problem": no process noun before it, so the problem
            # noun is part of the task's name ("memory mapping problem" is "memory mapping"); one plain word
            # grades the problem ("open problem", "nonconvex problem", "ill-posed problem"), a known name makes it
            # that name's problem, not a task of its own ("machine learning problem", "RL problem"), and so does a
            # method's head word ("imitation learning problem", "sparse regression problem")
            return [(start, at + 1)]
        return found

    def _graded_noun_of(self, doc: Doc, at: int, floor: int) -> list[tuple[int, int]]:
        """"the classical problem of learning linear dynamical systems", "the tedious task of learning rate tuning":
        the "the problem/task of" cue with one or two lower-case words grading the frame noun; not when one of them
        is a process noun ("the optimization problem of the form ...": that names the problem itself)."""
        words, sent = doc_tokens(doc).words, doc_tokens(doc).sent_starts()
        if at + 2 >= len(doc) or words[at + 1].lower_ != "of":
            return []
        i = at - 1
        while i > floor and at - i <= 2 and not sent[i] and words[i].lower_ != "the" and words[i].is_lower and (
                words[i].is_alpha or "-" in words[i].text):
            i -= 1
        graded = words[i + 1:at]
        if words[i].lower_ != "the" or not graded or len(graded) > 2 or any(
                self._head(w, False) or w.lower_ in self.task_heads or w.lower_ in self.nouns
                or self._nominal(w) or w.lower_ in STOP_WORDS for w in graded):
            return []
        return self._after_cue(doc, at + 2, self._sentence_end(doc, at + 2), False, False, gerund=True)

    def _copula_subject(self, doc: Doc, at: int, floor: int) -> list[tuple[int, int]]:
        """"Clustering is a NP-hard problem", "Gizmo placement remains an open problem": the subject of "is a(n)
        <up to three grading words> problem/task" (the noun at *at*) is a task when it is the sentence's opening
        phrase (or the abstract's) and ends in a process noun (one word: a task head)."""
        words, sent = doc_tokens(doc).words, doc_tokens(doc).sent_starts()
        i = at - 1  # back over the words that grade the problem ("NP-hard", "open") to the article
        while i > floor and at - i <= 3 and not sent[i] and words[i].lower_ not in {"a", "an"} and (
                words[i].is_alpha or "-" in words[i].text):
            i -= 1
        if i - 1 <= floor or words[i].lower_ not in {"a", "an"} or words[i - 1].lower_ not in {"is", "remains"}:
            return []
        end = i - 1
        begin = end
        while begin > floor and not sent[begin] and end - begin < self.max_text_tokens:
            begin -= 1
        while begin < end and words[begin].is_space:
            begin += 1  # the title's line break
        if begin == end or not (sent[begin] or begin == floor or words[begin - 1].is_space) or not all(self._text_word(w, False) or w.is_title and j == begin and (
                                      w.lower_ not in STOP_WORDS)
                                      for j, w in enumerate(words[begin:end], begin)):
            return []
        return self._accept(doc, begin, end, False, gerund=False, single=True)

    def _phrase_start(self, doc: Doc, at: int, floor: int, title: bool) -> int:
        """Where the task phrase that ends before token *at* starts: text words back to a stop word, a leading
        (evaluative) word, the sentence start or the length limit; "DNA/protein" is one word."""
        tokens = doc_tokens(doc)
        words, sent = tokens.words, tokens.sent_starts()
        start = at
        n = 0
        while start > floor and n < self.max_text_tokens and not sent[start]:
            previous = words[start - 1]
            if previous.text == "/" and start - 2 >= floor and n and not doc[start - 2].whitespace_ and (
                    not previous.is_space and not doc[start - 1].whitespace_) and self._text_word(words[start - 2], title):
                start -= 2  # "DNA/protein sequence design": a slash glues two words into one
                n += 1
                continue
            if not self._text_word(previous, title) or previous.lower_ in self.leading or previous.lower_ in self.nouns:
                break
            start -= 1
            n += 1
        if start < at and start > 0 and words[start - 1].text == "-" and not doc[start - 1].whitespace_:
            start += 1  # "large-scale ML problem": the word glued to a hyphen is part of a longer modifier
        if at - start > 2 and "-" in words[start].text and _ADJECTIVE.search(words[start].lower_):
            start += 1  # "business-critical cloud resource management problem": a hyphenated adjective grades it
        if at - start > 1 and start > floor and words[start - 1].lower_ in self.words.get("verb_slot_openers", ()):
            start += 1  # "we revisit coordinate classification": the word after a subject or a modal is its verb
        return start

    def _conjuncts(self, doc: Doc, start: int, at: int, floor: int, title: bool) -> list[tuple[int, int]]:
        """"classification, detection and segmentation tasks": the phrases coordinated before an open noun, in
        text order (the last is start..at)."""
        words = doc_tokens(doc).words
        sent = doc_tokens(doc).sent_starts()
        parts = [(start, at)]
        while len(parts) < 5:
            i = parts[0][0]
            j = i
            while j > floor and not sent[j] and words[j - 1].lower_ in {",", "and", "or"} and i - j < 2:
                j -= 1
            if j == i or words[i - 1].lower_ == "," and len(parts) == 1:
                break  # no coordination; or "X, Y tasks": a list of two needs its "and"/"or" before the last
            first = self._phrase_start(doc, j, floor, title)
            if first == j:
                break
            parts.insert(0, (first, j))
        return parts

    def _field(self, words, start: int, end: int) -> bool:
        """Whether the phrase is a research field ("machine learning tasks" are no named task)."""
        return " ".join(w.lower_ for w in words[start:end]) in self.words.get("fields", ())

    def _open_phrase(self, words, start: int, end: int, coordinated: bool = False) -> bool:
        """A phrase before an open noun that names a task: two or more words ending in a lower-case noun (not an
        adjective or adverb shape), or, coordinated, one process noun ("classification and regression tasks")."""
        last = words[end - 1]
        if any(w.lower_ in self.nouns for w in words[start:end]):
            return False  # "combinatorial optimization problems belong": the frame noun ends a task phrase
        if end - start == 1:
            # one word: a process noun when coordinated, else a nominal one ("recommendation tasks"), not a generic one
            return (coordinated and (last.lower_ in self.heads or last.lower_ in self.task_heads)) or (
                last.is_lower and last.lower_.endswith(_NOMINAL) and last.lower_ not in self.words.get("generic_process", ()))
        if self._head(last, False) or last.lower_ in self.task_heads:
            return True
        return last.is_lower and last.is_alpha and not _ADJECTIVE.search(last.lower_)

    def _entity_before(self, doc: Doc, at: int) -> bool:
        """Whether a candidate of another type (a method) or a research field ends right before token *at*."""
        before = " ".join(t.lower_ for t in doc[max(0, at - 3):at])
        if any(before == field or before.endswith(" " + field) for field in self.words.get("fields", ())):
            return True
        return any(span.end == at and span.label_ != TASK for span in candidates(doc))

    @staticmethod
    def _sentence_end(doc: Doc, i: int) -> int:
        """The end of the sentence holding token *i*, or 30 tokens on (a frame looks no further)."""
        limit = min(len(doc), i + 30)
        sent = doc_tokens(doc).sent_starts()
        while i < limit and not sent[i]:
            i += 1
        return i

    # -- phrases -------------------------------------------------------------------------------------
    def _extent(self, doc: Doc, start: int, stop: int, title: bool, list_item: bool = False) -> tuple[int, int]:
        """The phrase from *start*: evaluative words cut, up to a break word, punctuation or the length limit."""
        leading, breaks = self.leading, self.breaks
        words = doc_tokens(doc).words
        while start < stop and (words[start].lower_ in leading or self._means_modifier(words[start])):
            start += 1
        while start + 3 < stop and self._split_means_modifier(doc, start):
            start += 3  # "Towards Training-free Image Editing": the tokenizer split the modifier into three
        limit = self.max_tokens if title else self.max_text_tokens
        end = part = start  # the limit counts from the last "and": "Contextual Linear Programming and Inverse ..."
        while end < stop and end - part < limit:
            token = words[end]
            if token.lower_ in breaks or token.is_punct and token.text not in {"-", "/"} or token.is_space:
                break
            if list_item and token.lower_ in {"and", "or"}:
                break
            if not self._text_word(token, title):
                break
            end += 1
            if token.lower_ == "and":
                part = end
        while end > start and words[end - 1].lower_ in _TITLE_GLUE:
            end -= 1
        return start, end

    def _means_modifier(self, token) -> bool:
        """A hyphenated word that says how the task is done, not which task ("Overlap-Aware", "Heatmap-Free",
        "Structure-Conditioned": its last part is one of ``means_suffixes``); "Privacy-Preserving" or
        "Repository-Level" name a kind of task and stay."""
        lower = token.lower_
        return "-" in lower and not lower.startswith("-") and lower.rsplit("-", 1)[1] in self.words.get("means_suffixes", ())

    def _split_means_modifier(self, doc: Doc, i: int) -> bool:
        """A means modifier (``_means_modifier``) the tokenizer split at its hyphen: "Training", "-", "free"."""
        words = doc_tokens(doc).words
        return i + 2 < len(doc) and words[i + 1].text == "-" and not doc[i].whitespace_ and not doc[i + 1].whitespace_ \
            and words[i + 2].lower_ in self.words.get("means_suffixes", ())

    def _gerund_phrase(self, doc: Doc, start: int, stop: int, list_item: bool) -> tuple[int, int] | None:
        """A gerund and its object from *start* ("sorting numbers", "estimating the joint probability of unknown
        graphical models", "computing Delaunay triangulations"), up to a break word, punctuation, "and"/"or" in a
        list, or ``max_gerund_tokens``; None unless it starts with a lower-case verb in -ing that is no process
        noun and has an object."""
        words = doc_tokens(doc).words
        while start < stop and words[start].lower_ in self.leading:
            start += 1
        if start >= stop:
            return None
        verb = words[start]
        lower = verb.lower_
        if not (verb.is_lower and verb.is_alpha and _gerund(doc, start) and len(lower) > 5) or (
                lower in self.heads or lower in self.task_heads or lower in self.title_heads or lower in STOP_WORDS
                or lower in self.breaks):
            return None
        end = start + 1
        breaks = self.breaks
        while end < stop and end - start < self.max_gerund_tokens:
            token = words[end]
            lower = token.lower_
            if lower in breaks or token.is_punct and token.text not in {"-", "/"} or token.is_space:
                break
            if lower in {"and", "or"}:
                break
            if not (lower in _GERUND_GLUE or self._text_word(token, False) or token.is_alpha and (
                    token.is_title or token.is_lower and lower not in STOP_WORDS)):
                break
            end += 1
        while end > start + 1 and words[end - 1].lower_ in _GERUND_GLUE:
            end -= 1
        return (start, end) if end - start >= 2 else None

    def _text_word(self, token, title: bool) -> bool:
        if title:
            return token.lower_ in _TITLE_GLUE or token.lower_ not in STOP_WORDS
        if token.lower_ in self.heads or token.lower_ in self.task_heads:
            return True  # "inverse photonic design": a process noun ends a phrase though the stop list has the verb
        if token.lower_ in STOP_WORDS or token.lower_ in self.words.get("stop", ()):
            return False
        text = token.text
        if "-" in text and any(part.islower() for part in text.split("-")) and not text.startswith("-"):
            return not text.endswith("ly") and text.lower() not in self.leading  # "N-body", "multi-airfoil"
        if text.endswith("ly"):
            return False  # an adverb: "robustly tuning"
        # lower-case words, acronyms ("LLM inference") and short names with digits ("3D generation")
        return token.is_lower or text.isupper() and len(text) <= 6 or any(c.isdigit() for c in text) and any(c.isalpha() for c in text) and len(text) <= 4

    def _head(self, token, title: bool, nominal: bool = False) -> bool:
        """A process noun a task phrase may end in: listed, title-only (in a title), or, in a title's for/towards
        or title-start frame and the abstract's opening subject (*nominal*), a process noun by its form
        (``_nominal``)."""
        lower = token.lower_
        return lower in self.heads or title and lower in self.title_heads or nominal and self._nominal(token)

    def _nominal(self, token) -> bool:
        """A title's process noun by its form, listed or not: a nominalisation ("Reconstruction", "Docking",
        "Personalisation", "Diarization", "Analysis", "Discovery": ``nominal_suffixes``) that is no Method head
        ("Decoding", "Learning", "Distillation" name a technique as often as a task) and no thing with a process
        noun's ending (``not_process``: "Function", "Distribution", "Setting")."""
        lower = token.lower_
        return (len(lower) > 5 and token.is_alpha and lower.endswith(tuple(self.words.get("nominal_suffixes", ())))
                and lower not in self.words.get("method_heads", ()) and lower not in self.words.get("not_process", ())
                and not lower.endswith("ings"))

    def _accept(self, doc: Doc, start: int, end: int, title: bool, *, gerund: bool,
                single: bool = False, nominal: bool = False, method_head: bool = False) -> list[tuple[int, int]]:
        if end <= start:
            return []
        words = doc_tokens(doc).words
        if end - start == 1:
            # one word names a task only when it is a task head ("for Clustering", "tasks such as summarization")
            ok = words[start].lower_ in self.task_heads and (title or single)
            return [(start, end)] if ok else []
        # (a process noun by its form heads a word of its own, not the end of a split compound: "Time-Stepping")
        nominal = nominal and not (end - 2 >= start and words[end - 2].text == "-")
        last = words[end - 1].lower_
        if self._head(words[end - 1], title, nominal) or method_head and last in self.words.get("method_heads", ()) and (
                last.endswith(tuple(self.words.get("nominal_suffixes", ())))):
            # (*method_head*: a how-modifier before the phrase says it is the task, when a process noun heads it,
            # "Memory-Free ... Graph Learning"; not a thing, "Trend-Based SAC Beam Control Method")
            parts = self._coordinated(doc, start, end, title, nominal)
            if not parts and title:
                parts = self._object_of_process(words, start, end)
            return parts or [(start, end)]
        first = words[start]
        if gerund and first.lower_.endswith("ing") and (_gerund(doc, start) or "-" in first.text) and first.is_title and (
                first.lower_ not in self.heads):
            # "for Generating Fast Code", "Towards Training Trillion Parameter Models"; a hyphenated -ing modifier
            # names a kind of task ("for Privacy-Preserving Record Linkage"), but the left part of a split one
            # ("Training" of "Training-free") opens no gerund phrase
            if end - start > 2 and words[start + 1].lower_ in _COORDINATORS:
                # "for Caching and MTS": an -ing word with no object is a process noun, one of two coordinated tasks
                return [(start, start + 1), (start + 2, end)]
            return [(start, end)]
        return []

    def _object_of_process(self, words, start: int, end: int) -> list[tuple[int, int]]:
        """"Exact Optimization of Language Model Alignment": in a title, a process noun "of" a phrase that is a task
        itself (two or more words ending in a head) names what is done to the task, as "Optimizing X" does; the
        task is the phrase after "of". [] when the phrase is no such thing."""
        for k in range(start + 1, end - 2):
            if words[k].lower_ == "of" and (self._head(words[k - 1], True) or words[k - 1].lower_ in self.task_heads):
                return [(k + 1, end)]
        return []

    def _coordinated(self, doc: Doc, start: int, end: int, title: bool, nominal: bool = False) -> list[tuple[int, int]]:
        """"Contextual Linear Programming and Inverse Linear Programming": two tasks when each part has a head."""
        words = doc_tokens(doc).words
        ands = [i for i in range(start + 1, end - 1) if words[i].lower_ == "and"]
        if not ands:
            return []
        bounds = [start, *ands, end]
        parts = [(bounds[0], bounds[1])] + [(bounds[k] + 1, bounds[k + 1]) for k in range(1, len(bounds) - 1)]
        if all(e - s >= 1 and self._head(words[e - 1], title, nominal) and (e - s > 1 or words[s].lower_ in self.task_heads)
               for s, e in parts):
            return parts
        return []

    @staticmethod
    def _mentions(doc: Doc, found: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """The found phrases and every other occurrence of their surfaces (any case)."""
        lowers = doc.to_array(LOWER).tolist()
        surfaces = {tuple(lowers[s:e]) for s, e in found}
        firsts: dict[int, list[tuple[int, ...]]] = {}
        for surface in surfaces:
            firsts.setdefault(surface[0], []).append(surface)
        spans = set(found)
        for i, key in enumerate(lowers):
            for surface in firsts.get(key, ()):
                if tuple(lowers[i:i + len(surface)]) == surface:
                    spans.add((i, i + len(surface)))
        return sorted(spans)


def task_spans(doc: Doc) -> list[Span]:
    """The Task candidates this component added (for tests and inspection)."""
    return [span for span in doc.spans.get("kg_candidates", []) if span.label_ == TASK and span.id_ == SOURCE]


__all__ = ["TaskFrames", "task_spans"]
