"""Typed relations between the entities of one paper, read through its contribution frame.

The ``kg_relations`` component reads cue phrases per relation type from
``patterns/relations_cues.jsonl`` ("evaluated on", "outperforms", "built on",
"compared to", "leverages" ...). Around each cue it takes the closest entities of the
target label on the cue's target side with the items listed after them ("outperforms
A, B and C", "baselines such as X and Y"), and the subject ``kg_frame`` gives for the
cue: a named subject, or the paper's proposal for "we / our method / it". "Compared
to X, ours is 2x faster" is OUTPERFORMS: a comparison with a stated winner; a
comparison without one stays COMPARED_WITH; a comparison that gives figures for its baselines ("compared with
52.4% for X and 51.6% for Y") is OUTPERFORMS per baseline. A benchmark paper's evaluation that names no dataset
("We evaluate A, B and C") is on the paper's own dataset. BUILDS_ON also comes from what the propose
sentence and the title say the proposal is made of, from "X-based" modifiers and from
names made from other names ("SurCo-zero" -> "SurCo"); RUNS_ON from "CPU-based X". When ``kg_edge_scorer``
follows (it decides) and ``method_phrases`` is set (off by default), a strong BUILDS_ON cue with no Method after
it reads the unnamed lower-case phrase
there as a Method ("FlashAttention uses tiling to ...", "employs a learnable equivalent transformation"),
for the paper's own method only; the scorer drops that entity again unless it keeps the relation.
Results of ``kg_results`` that name a method together with a dataset or a
metric add EVALUATED_ON / MEASURED_BY with a fixed confidence (a result's hardware states no RUNS_ON).

Confidence is the cue's weight times how the subject was found, lowered with the token
distance between cue and entities. Only entities of the doc
(``doc.spans["kg_entities"]`` with a ``kb_id_``) of the relation type's labels are
used, an entity is never related to itself, and a number taken for a name ("0.39dB")
is never an end.
"""

from __future__ import annotations

import json
import math
import re
from bisect import bisect_left
from typing import Any

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from kg.extract.doc_values import doc_value
from kg.extract.base import SerialisedState, doc_tokens
from kg.extract.candidates import ARTICLES, entity_key, title_end
from kg.extract.frame import (
    _SIZE_PART,
    _Sentence,
    paper_subject,
    frame_of,
    frame_reader,
    name_extensions,
    name_shaped,
    sentence_at,
    title_colon,
    verb_like,
    sentence_bounds,
)
from kg.extract.pattern_data import kind_words, read_pattern_file, schema_for
from kg.extract.results import (
    DocAnnotator,
    number_shaped,
    sentence_index_of_tokens,
)
from kg.extract.frame import token_lowers, token_texts  # the per-doc columns, remembered for the last doc
from kg.extract.entity_table import entity_spans, entity_table, set_entity_spans

# (source label, target label) of each relation type; mirrors kg.schema.ENTITY_RELATIONS.
RELATION_LABELS: dict[str, tuple[str, str]] = {
    "EVALUATED_ON": ("Method", "Dataset"),
    "RUNS_ON": ("Method", "Hardware"),
    "MEASURED_BY": ("Method", "Metric"),
    "OUTPERFORMS": ("Method", "Method"),
    "COMPARED_WITH": ("Method", "Method"),
    "BUILDS_ON": ("Method", "Method"),
}
# Which result role, next to the result's method, implies which relation. Not the hardware role: it also holds a
# device named inside the metric ("75.8% GPU memory reduction") or the setting of a baseline's figure, and on dev
# no RUNS_ON gold triple came from a result alone (0 of 7; the 5 a cue also states stay)
RESULT_RELATIONS = {"dataset": "EVALUATED_ON", "metric": "MEASURED_BY"}
# types whose source must be name-shaped (not all lower case on its first mention): see RelationFinder.find
NAMED_SOURCE_TYPES = frozenset({"BUILDS_ON", "EVALUATED_ON", "RUNS_ON"})
# comparison types: their target after the cue is the loser, never a kind ("CNN-based models") or a setting
COMPARISON_TYPES = frozenset({"OUTPERFORMS", "COMPARED_WITH"})
# prepositions that open a setting between a comparison cue and a name: "outperforms prior work on LLMs"
SETTING_PREPOSITIONS = kind_words("relations_cues.jsonl", "setting_prepositions")
# types whose source, when only the name closest before the cue gives it, is never a name governed by a preposition of
# means or setting ("with classifier-free guidance, outperforming X"): see RelationFinder._tool_of
TOOL_SOURCE_TYPES = frozenset({"OUTPERFORMS", "COMPARED_WITH", "BUILDS_ON"})
# types whose source is the method (or list of methods) written right before the cue: "BRO and PQL on DMC"
ADJACENT_SOURCE_TYPES = frozenset({"EVALUATED_ON", "RUNS_ON"})
# nouns of kind that may stand between a method and an EVALUATED_ON / RUNS_ON cue it is the source of: "a
# ResNet-18 variant on ImageNet", "the Llama-2 model on an A100"
MODEL_NOUNS = kind_words("relations_cues.jsonl", "model_nouns")
# How much a source found so is trusted: through the parse, named before the cue, "we / our method",
# or the paper's proposal for a sentence that names no subject.
HOW_WEIGHT = {"parse": 1.0, "named": 0.95, "self": 0.9, "paper": 0.7, "near": 0.7}
# The word lists ("GPU-based X" suffixes, the glue of a list of targets, and the self words and clause breaks
# kg_edge_scorer reads) are rows of relations_cues.jsonl with a "kind": its JSON Schema's enum is the one place
# the kinds are named.
WORD_KINDS: tuple[str, ...] = tuple(json.loads(schema_for("relations_cues.jsonl").read_text(encoding="utf-8"))
                                    ["properties"]["kind"]["enum"])
DEFAULT_CUES = "relations_cues.jsonl"

# span_id of a Method read as the phrase after a BUILDS_ON cue ("uses tiling", "employs length normalization"):
# kg_edge_scorer drops it again unless it keeps a relation to it
PHRASE_SOURCE = "relation_phrase"
# the longest such phrase, and the lowest cue weight that reads one
PHRASE_MAX_TOKENS = 4
# the longest unnamed Dataset phrase read after an EVALUATED_ON cue ("on six benchmark datasets")
DATASET_PHRASE_MAX_TOKENS = 6
# the items of a coordination after an EVALUATED_ON / RUNS_ON cue that kg found no entity for ("on DeepMind
# Control, OpenAI gym, and IsaacGym"): at most this many, of at most this many words each, before a known one
UNNAMED_ITEMS = 3
UNNAMED_ITEM_TOKENS = 4
PHRASE_MIN_WEIGHT = 0.75
# the longest name read in the loser slot of a comparison that kg found no entity for ("AutoDock Vina", "Llama 2 7B")
NAMED_LOSER_TOKENS = 4
# the figures a comparison cue gives for its baselines ("compared with 52.4% for X and 51.6% for Y"): how far
# they are read, how many unit or metric words may follow a number ("3.8 ms", "29.9 PSNR"), how many words may
# follow a baseline's name before the next figure ("for XGrammar's earlier release"), and the hedges that may
# stand before a number ("roughly 12 minutes")
FIGURE_REACH = 40
FIGURE_UNIT_WORDS = 2
FIGURE_TAIL_WORDS = 8
FIGURE_HEDGES = kind_words("relations_cues.jsonl", "figure_hedges")
# the unit words that may stand between a figure and a weak comparison cue ("2.6x over", "5.6 points over"), the
# words of a margin ("3.2 points higher than X", "a 12% gain over X") and how many words may stand between a figure
# and the cue, or between a loser and the figure after it ("X in final accuracy by 2.1 points")
FIGURE_UNITS = kind_words("relations_cues.jsonl", "figure_units")
MARGIN_WORDS = kind_words("relations_cues.jsonl", "margin_words")
# words cut from the front of a lower-case loser phrase ("standard distillation" -> "distillation")
LOSER_SKIP_WORDS = kind_words("relations_cues.jsonl", "loser_skip_words")
# verbs of a comparison whose object a loose BUILDS_ON cue would otherwise read ("We compare X with Y", "we
# benchmark X against Y"): the cue then states a comparison, and how many words may stand between the verb and
# the name it governs
COMPARISON_VERBS = kind_words("relations_cues.jsonl", "comparison_verbs")
COMPARISON_VERB_GAP = 3
FIGURE_MARGIN_WORDS = 4
# how many lower-case words may stand between a hyphenated modifier ("Transformer-based") and the name it modifies
MODIFIED_GAP = 4

# more word lists of relations_cues.jsonl the finder's methods read (see each row's comment there): "is" / "were"
# before a passive dataset verb, the words passed over between two listed methods, the words after a phrase that say
# the names follow ("such", "of"), the quantifiers before "other", the openers of examples ("such as", "e.g."), and
# the superlatives of a loser phrase ("best")
BE_FORMS = kind_words("relations_cues.jsonl", "be_forms")
LIST_SKIP_WORDS = kind_words("relations_cues.jsonl", "list_skip_words")
NAMES_FOLLOW_WORDS = kind_words("relations_cues.jsonl", "names_follow_words")
GROUP_QUANTIFIERS = kind_words("relations_cues.jsonl", "group_quantifiers")
EXAMPLE_OPENERS = kind_words("relations_cues.jsonl", "example_openers")
BEST_WORDS = kind_words("relations_cues.jsonl", "best_words")
# and the prepositions of means ("using", "via"), the determiners after "of" that end a dataset phrase, the words
# that end a name before a clause ("which"), and the words that end the search behind an unnamed list item
MEANS_PREPOSITIONS = kind_words("relations_cues.jsonl", "means_prepositions")
OF_DETERMINERS = kind_words("relations_cues.jsonl", "of_determiners")
PHRASE_END_WORDS = kind_words("relations_cues.jsonl", "phrase_end_words")
ITEM_BREAKS = kind_words("relations_cues.jsonl", "item_breaks")

# doc.user_data key of the (relation type, token, target on the right) of each cue match, kept for kg_edge_scorer
CUES_KEY = "kg_relation_cues"

if not Doc.has_extension("kg_relations"):
    Doc.set_extension("kg_relations", default=None)


@Language.factory(
    "kg_relations",
    default_config={"cues": None, "decay": 0.04, "max_source_gap": 20, "result_confidence": 0.6,
                    "block_confidence": 0.55, "cooccurrence_confidence": 0.4, "min_confidence": 0.2,
                    "overwrite": True, "phrases": True, "method_phrases": False},
)
def make_relation_finder(
    nlp: Language,
    name: str,
    cues: list[dict[str, Any]] | None,
    decay: float,
    max_source_gap: int,
    result_confidence: float,
    block_confidence: float,
    cooccurrence_confidence: float,
    min_confidence: float,
    overwrite: bool,
    phrases: bool,
    method_phrases: bool,
) -> RelationFinder:
    return RelationFinder(nlp, name, cues=cues, decay=decay, max_source_gap=max_source_gap,
                          result_confidence=result_confidence, block_confidence=block_confidence,
                          cooccurrence_confidence=cooccurrence_confidence, min_confidence=min_confidence,
                          overwrite=overwrite, phrases=phrases, method_phrases=method_phrases)



def _phrase_span(doc: Doc, start: int, end: int, label: str) -> Span:
    """An unnamed phrase kg_relations reads as a relation end (source PHRASE_SOURCE; kg_edge_scorer keeps it only
    as the end of a kept relation)."""
    return Span(doc, start, end, label=label, kb_id=entity_key(label, doc[start:end].text), span_id=PHRASE_SOURCE)

class RelationFinder(SerialisedState, DocAnnotator):
    """Set ``doc._.kg_relations``: {type, source, target, sentence, evidence, confidence} dicts."""

    extension = "kg_relations"

    def __init__(
        self,
        nlp: Language,
        name: str = "kg_relations",
        *,
        cues: list[dict[str, Any]] | None = None,
        decay: float = 0.04,
        max_source_gap: int = 20,
        result_confidence: float = 0.6,
        block_confidence: float = 0.55,
        cooccurrence_confidence: float = 0.4,
        min_confidence: float = 0.2,
        overwrite: bool = True,
        phrases: bool = True,
        method_phrases: bool = False,
    ) -> None:
        self.nlp = nlp
        self.name = name
        self.decay = decay
        self.max_source_gap = max_source_gap
        self.result_confidence = result_confidence
        self.block_confidence = block_confidence
        self.cooccurrence_confidence = cooccurrence_confidence
        self.frame_reader = frame_reader(nlp)
        self.min_confidence = min_confidence
        self.overwrite = overwrite
        # read unnamed phrases as relation ends (only while kg_edge_scorer decides): a set of datasets after an
        # EVALUATED_ON cue, and (with method_phrases) the phrase after a strong BUILDS_ON cue as a Method. The
        # latter is off by default: on dev about one such phrase in ten is a gold target, and without them
        # BUILDS_ON scores better out of fold (rules alone 0.362 against 0.328 with them; the model 0.366 / 0.360)
        self.phrases = phrases
        self.method_phrases = method_phrases
        # set by kg_edge_scorer: each relation also lists how it was found ("cue:OUTPERFORMS", "block",
        # "result" ...), which the scorer reads and removes
        self.keep_origins = False
        # the cue rows given here; without them initialize() loads the package's relations_cues.jsonl
        self.initialized = cues is not None
        self._load(cues if cues is not None else [])

    def initialize(self, get_examples=None, *, nlp: Language | None = None,
                   cues: list[dict[str, Any]] | None = None) -> None:
        """Load *cues*, or the cue rows the component was made with, or the default ``relations_cues.jsonl``."""
        if cues is not None:
            self._load(cues)
        elif not self.initialized:
            self._load(read_pattern_file(DEFAULT_CUES))
        self.initialized = True

    def check_initialized(self) -> None:
        if not self.initialized:
            raise ValueError(f"the {self.name!r} component has no cues: call nlp.initialize() "
                             "(or kg.extract.load_pipeline) before using the pipeline")

    @property
    def winner_words(self) -> frozenset[str]:
        """Words that state a winner ("better", "faster"), from the frame's word lists (loaded by its initialize())."""
        return self.frame_reader.words["winner_words"]

    def _load(self, rows: list[dict[str, Any]]) -> None:
        # everything is built and checked first and assigned last: a refused cue file leaves the component as it was
        words: dict[str, frozenset[str]] = {kind: frozenset() for kind in WORD_KINDS}
        cues = []
        for row in rows:
            if "kind" in row:  # a word list
                if row["kind"] not in WORD_KINDS:
                    raise ValueError(f"unknown word list {row['kind']!r} in relation cues")
                words[row["kind"]] |= frozenset(word.lower() for word in row["words"])
            else:
                cues.append(row)
        for cue in cues:
            if cue["type"] not in RELATION_LABELS:
                raise ValueError(f"unknown relation type {cue['type']!r} in relation cues")
            if cue.get("target", "right") not in {"left", "right"}:
                raise ValueError(f"relation cue target must be 'left' or 'right', not {cue['target']!r}")
        cues = [dict(cue) for cue in cues]
        matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        for n, cue in enumerate(cues):
            matcher.add(str(n), list(self.nlp.tokenizer.pipe(cue["phrases"])))
        self.words = words
        # the one-word RUNS_ON cues ("on", "over"): a comparison word among them compares a device only after a
        # figure (see _compared_device)
        self._device_words = frozenset(phrase.lower() for cue in cues if cue["type"] == "RUNS_ON"
                                       for phrase in cue["phrases"] if " " not in phrase)
        self.rows = [dict(row) for row in rows]
        self.cues = cues
        self.matcher = matcher
        # each match id (the string id of the cue's number) to its cue row
        self._cue_of = {self.nlp.vocab.strings.add(str(n)): cue for n, cue in enumerate(self.cues)}
        # and to what find() reads of it: (row, type, target label, max gap, reach, target on the right, weight,
        # origin); the reach: "outperforms all ... pruning strategies, such as X"
        self._cue_info = {match_id: (cue, cue["type"], RELATION_LABELS[cue["type"]][1], cue.get("max_gap", 3),
                                     # a comparison's figures reach further: "compared with 2.1 fps for X
                                     # on the same device and 29.9 PSNR for Y"
                                     FIGURE_REACH if cue["type"] in COMPARISON_TYPES else cue.get("max_gap", 3) + 12,
                                     cue.get("target", "right") == "right",
                                     cue.get("weight", 0.5),
                                     # a loose cue ("uses", "with") is marked so: kg_edge_scorer's "hybrid" mode
                                     # keeps its relations only with the model's agreement
                                     f"cue:{cue['type']}:loose" if cue.get("loose") else f"cue:{cue['type']}")
                          for match_id, cue in self._cue_of.items()}

    def find(self, doc: Doc) -> list[dict[str, Any]]:
        self.check_initialized()
        lowers, texts = token_lowers(doc), token_texts(doc)  # the per-doc word columns (kg.extract.frame.token_lowers)
        bounds = sentence_bounds(doc)
        sentence_of = sentence_index_of_tokens(doc, bounds)
        entities = named_entities(doc)
        by_sentence: dict[int, list[Span]] = {}
        # the starts of each sentence's entities of each label, in order: whether a cue has a target after it
        starts_of: dict[tuple[int, str], list[int]] = {}
        in_order = sorted(entities, key=lambda s: s.start)
        for span in in_order:
            n = sentence_of[span.start]
            by_sentence.setdefault(n, []).append(span)
            starts_of.setdefault((n, span.label_), []).append(span.start)
        label_of = {span.kb_id_: span.label_ for span in entities}
        # the source of BUILDS_ON, EVALUATED_ON and RUNS_ON is a name: "quadratic network", "reinforcement learning"
        # written all in lower case on their first mention describe a model or a field rather than name a method
        # built on another or run on a test bed (read as the scorer's source_shaped: a token of the first mention
        # that is not lower case); not OUTPERFORMS, whose winner is often the field's "linear attention"; nor a
        # proposal of the paper written as one word, a coined name in lower case ("memflow", "kernelsmith"; not a
        # descriptive phrase such as "layered gradient accumulation")
        words_of = doc_tokens(doc).words
        named: set[str] = set()
        first_seen: set[str] = set()
        for span in in_order:
            if span.kb_id_ not in first_seen:
                first_seen.add(span.kb_id_)
                if any(not words_of[i].is_lower for i in range(span.start, span.end)):
                    named.add(span.kb_id_)

        proposed = frame_of(doc)["proposed"]
        firsts = {}
        for span in in_order:
            firsts.setdefault(span.kb_id_, span)
        coined = {key for key in proposed if key in firsts and key not in named
                  and len(firsts[key]) == 1 and firsts[key].text.isalpha()}
        # A part the title names and the abstract never names again ("X: ... via Reference Attention Injection",
        # "... with Side-Chain-Aware Message Passing") describes the paper's own new approach, not an earlier method
        # it uses: a prior method the proposal is made of is named where the abstract says how it is built
        title_only: set[str] = set()
        if len(bounds) > 1 and title_end(doc, -1) >= 0:  # a title line, then an abstract
            named_later = {span.kb_id_ for span in in_order if sentence_of[span.start] > 0}
            title_only = {span.kb_id_ for span in in_order if span.kb_id_ not in named_later}

        def starts_within(sentence: int, label: str, low: int, high: int) -> bool:
            """Whether an entity of *label* in the sentence starts at a token from *low* to *high*."""
            starts = starts_of.get((sentence, label))
            if not starts:
                return False
            k = bisect_left(starts, low)
            return k < len(starts) and starts[k] <= high
        frame = frame_of(doc)
        proposed = frame["proposed"]
        reader = self.frame_reader

        best: dict[tuple[str, str, str, int], float] = {}
        origins: dict[tuple[str, str, str, int], set[str]] = {}
        # each Method's names as the abstract writes them (its long form and its short form: "LoRA")
        texts_of: dict[str, set[str]] = {}
        for span in in_order:
            if span.label_ == "Method":
                texts_of.setdefault(span.kb_id_, set()).add(doc_tokens(doc).span_text(span.start, span.end))

        def add(rel_type: str, source: str, target: str, sentence: int, confidence: float,
                origin: str = "cue", listed: bool = False) -> None:
            ends = RELATION_LABELS[rel_type]
            # never an entity to itself, nor to the same name typed twice ("DocAgent" as a Method and a Dataset)
            if source == target or "|" in source and source.partition("|")[2] == target.partition("|")[2] \
                    or (label_of.get(source), label_of.get(target)) != ends \
                    or confidence < self.min_confidence \
                    or rel_type in NAMED_SOURCE_TYPES and source not in named and source not in coined \
                    and not (rel_type in ADJACENT_SOURCE_TYPES and (source in proposed or listed)) \
                    or rel_type == "BUILDS_ON" and (target in title_only
                                                    or _modifier_inside(texts_of.get(source, ()), texts_of.get(target, ()))
                                                    or _field_head(texts_of.get(source, ()), texts_of.get(target, ()))):
                return
            key = (rel_type, source, target, sentence)
            best[key] = max(best.get(key, 0.0), round(min(confidence, 1.0), 3))
            origins.setdefault(key, set()).add(origin)

        matches = sorted(self.matcher(doc), key=lambda m: (m[1], -(m[2] - m[1])))
        entity_starts = [s.start for s in in_order]
        entity_ends = [s.end for s in in_order]

        def inside_entity(start: int, end: int) -> bool:
            """Whether tokens *start* to *end* lie inside one entity of the doc (the entities are in order)."""
            k = bisect_left(entity_starts, start + 1) - 1
            return any(entity_starts[j] <= start and end <= entity_ends[j] for j in range(max(k - 2, 0), k + 1))
        if self.keep_origins:  # kg_edge_scorer reads which cues each sentence holds, without matching again
            cue_info = self._cue_info
            doc.user_data[CUES_KEY] = [(cue_info[m][1], start, cue_info[m][5]) for m, start, _ in matches]
        # per type, the end of the furthest cue read so far: the matches come by start, so a match starting
        # before it lies inside a cue of its type already read
        covered: dict[str, int] = {}
        phrase_spans: list[Span] = []
        own_from = _own_work_start(frame, bounds, sentence_of)
        # the sentences before the abstract first speaks of its own work (a self word, or the proposal named after
        # the title) are background: "... challenging to deploy them on a single GPU" is no setting of the proposal
        # ("we", "our"; not "it", which background sentences also hold: "making it challenging to ...")
        self_words = self.words["self_words"]
        own_sentence = next((n for n in range(1, len(bounds))
                             if any(s.kb_id_ in proposed for s in by_sentence.get(n, ()))
                             or any(lowers[i] in self_words for i in range(*bounds[n]))), len(bounds))
        cue_info = self._cue_info
        # where each comparison cue ends: "comparable to the A100" compares with the device
        compared_ends = {end for match_id, _, end in matches if cue_info[match_id][1] in COMPARISON_TYPES}
        # where each match lies: a loose cue inside a longer cue of another type is a word of that cue ("with" in
        # "compared with", "compatible with"), not a cue of its own
        extents = [(start, end) for _, start, end in matches]
        # the baselines a comparison gives figures for ("compared with 5.0% for X"): never the subject of another
        # cue of the sentence ("..., and runs on a Raspberry Pi 5")
        figured: set[int] = set()
        for match_id, start, end in matches:
            if cue_info[match_id][1] in COMPARISON_TYPES and cue_info[match_id][5]:
                sentence = sentence_of[start]
                figured.update(span.start for span in self._figure_targets(doc, end, bounds[sentence][1],
                                                                           by_sentence.get(sentence, [])))
        for match_id, start, end in matches:
            cue, cue_type, target_label, max_gap, reach, right, weight, origin = cue_info[match_id]
            until = covered.get(cue_type, -1)
            if start < until:
                continue  # a longer cue of the same type at the same place: "based on" over "on"
            if origin.endswith(":loose") and any(s <= start and end <= e and e - s > end - start for s, e in extents):
                continue
            if inside_entity(start, end):
                continue  # a word of a name, not a cue: "matching" in "distribution matching distillation"
            if end > until:
                covered[cue_type] = end
            sentence = sentence_of[start]
            phrase = None
            more: list[Span] = []  # further phrases of a coordination: "on standard benchmarks and real-world datasets"
            if self.phrases and self.method_phrases and self.keep_origins and cue_type == "BUILDS_ON" \
                    and weight >= PHRASE_MIN_WEIGHT and not starts_within(sentence, target_label, end, end + max_gap):
                # "uses tiling to ...", "employs a learnable equivalent transformation": an unnamed part
                phrase = self._cue_phrase(doc, end, bounds[sentence], by_sentence.get(sentence, []))
                if phrase is not None:
                    label_of.setdefault(phrase.kb_id_, "Method")
                    origin = "phrase"
            if self.phrases and self.keep_origins and cue_type == "EVALUATED_ON" \
                    and lowers[end - 1] in self.words["dataset_openers"] \
                    and not starts_within(sentence, target_label, end, end + reach):
                # "experiments on six benchmark datasets", "across several standard benchmarks": an unnamed dataset
                found = self._dataset_phrases(doc, end, bounds[sentence], by_sentence.get(sentence, []),
                                              reader=self._strong_dataset_phrase if weight >= PHRASE_MIN_WEIGHT
                                              else None)
                if found:
                    phrase, more = found[0], found[1:]
                    for each in found:
                        label_of.setdefault(each.kb_id_, "Dataset")
                    origin = "phrase"
            baselines = False  # an unnamed group of baselines read as the target (below)
            if phrase is None and self.phrases and self.keep_origins and right and weight >= PHRASE_MIN_WEIGHT \
                    and (cue_type == "OUTPERFORMS" or cue_type == "COMPARED_WITH"
                         and self._states_winner(doc, doc[bounds[sentence][0]:bounds[sentence][1]])) \
                    and not starts_within(sentence, target_label, end, end + max_gap):
                # "outperforms existing second-order methods", "surpasses simple hand-crafted and LLM-generated
                # heuristics", "superior ... compared to other gradient-based optimizers": an unnamed group of
                # baselines the paper's own method beats; the names further on are baselines too (read once more
                # without the phrase when it hides them: "smaller models and all pruning strategies, such as X")
                found = self._dataset_phrases(doc, end, bounds[sentence], by_sentence.get(sentence, []),
                                              reader=self._baseline_phrase)
                if found:
                    phrase, more = found[0], found[1:]
                    for each in found:
                        label_of.setdefault(each.kb_id_, "Method")
                    baselines, cue_origin, origin = True, origin, "phrase"
            if phrase is None and self.phrases and self.keep_origins and right and cue_type in COMPARISON_TYPES:
                # "outperforms Alpa and a hand-tuned X", "outperforming Chronos-Large, TimesFM and Moirai-Large",
                # "3.1 over Cutie", "3.2 points higher than X", "over X by 0.02": names in the loser slot of a
                # comparison that kg found no entity for (or the names a comparison gives figures for: "compared
                # with 3.8 ms for Outlines"); a weak cue ("than", "over") only with a figure before it or after its
                # loser slot
                figure = self._after_figure(doc, start, bounds[sentence][0])
                found = self._named_losers(doc, end, bounds[sentence], by_sentence.get(sentence, []), figure=figure,
                                           strong=weight >= PHRASE_MIN_WEIGHT)
                if found and cue_type == "COMPARED_WITH" \
                        and not self._states_winner(doc, doc[bounds[sentence][0]:bounds[sentence][1]]):
                    found = []  # a comparison without a winner: no loser
                if weight >= PHRASE_MIN_WEIGHT or figure:
                    found = found or [s for s in self._figure_targets(doc, end, bounds[sentence][1],
                                                                      by_sentence.get(sentence, []), names=True)
                                      if s.id_ == PHRASE_SOURCE]
                if found:
                    phrase, more = found[0], found[1:]
                    for each in found:
                        label_of.setdefault(each.kb_id_, "Method")
                    baselines, cue_origin, origin = True, origin, "phrase"
            antecedents: list[Span] = []
            if phrase is None and self.phrases and right and cue_type == "OUTPERFORMS" and weight >= PHRASE_MIN_WEIGHT \
                    and not starts_within(sentence, target_label, end, end + max_gap):
                # "diffGrad outperforms other optimizers": the optimizers an earlier sentence listed ("the
                # state-of-the-art optimizers such as SGDM, AdaGrad and Adam"), each beaten
                group = self._other_group(doc, end, bounds[sentence])
                if group is not None:
                    antecedents = self._group_antecedents(doc, group, sentence, bounds, by_sentence)
                    if antecedents:
                        phrase, baselines, cue_origin = group, False, origin
            if phrase is None and right and not starts_within(sentence, target_label, end, end + reach):
                continue  # nothing of the target type after the cue: the common case for "on", "with", "to"
            read = [phrase, *more] if phrase is not None else []
            passes = [read, []] if baselines and starts_within(sentence, target_label, end, end + reach) else [read]
            for each_read in passes:
                ents = [s for s in [*by_sentence.get(sentence, []), *each_read] if s.end <= start or s.start >= end]
                if each_read:
                    ents.sort(key=lambda s: s.start)  # the sentence's entities are in order already
                for rel_type, source, target, confidence in self._read_cue(doc, cue, start, end, ents, frame,
                                                                           background=start < own_from or (
                                                                               cue_type == "RUNS_ON"
                                                                               and 0 < sentence < own_sentence),
                                                                           figured=figured,
                                                                           compared_ends=compared_ends):
                    used = next((each for each in each_read if each.kb_id_ == target), None) if each_read else None
                    if phrase is not None and source not in proposed and cue_type != "EVALUATED_ON":
                        continue  # a phrase is only what the paper's own method is made of, or beats (any method
                        # the sentence evaluates may be evaluated on an unnamed set of datasets)
                    if used is None and phrase is not None and not baselines:
                        continue
                    if antecedents:  # the group stands for the names listed before: each is beaten, not the group
                        for n, item in enumerate(antecedents):
                            add(rel_type, source, item.kb_id_, sentence, confidence * math.exp(-self.decay * 2 * n),
                                cue_origin)
                        continue
                    add(rel_type, source, target, sentence, confidence, origin if used is not None or not baselines
                        else cue_origin)
                    if used is not None and all(used.kb_id_ != s.kb_id_ for s in phrase_spans):
                        phrase_spans.append(used)
        if self.phrases and self.keep_origins:
            # "five standard datasets were trained on two VGG models": an unnamed set of datasets as the subject of
            # a passive verb of use opens its clause; each method of the sentence (or, naming none, the paper's
            # proposal outside the background) is evaluated on it
            passive = self.words["passive_dataset_verbs"]
            for i in range(1, len(lowers) - 1):
                if lowers[i] not in BE_FORMS or lowers[i + 1] not in passive:
                    continue
                sentence = sentence_of[i]
                low, high = bounds[sentence]
                opening = max((k + 1 for k in range(low, i) if texts[k] in {",", ";", ":"}), default=low)
                ents = by_sentence.get(sentence, [])
                phrase = self._dataset_phrase(doc, opening, (low, high), ents)
                if phrase is None or phrase.end != i:
                    continue
                sources = list(dict.fromkeys(s.kb_id_ for s in ents if s.label_ == "Method"))
                if not sources and proposed and own_from <= low:
                    sources = [paper_subject(frame)]
                label_of.setdefault(phrase.kb_id_, "Dataset")
                for source in sources:
                    add("EVALUATED_ON", source, phrase.kb_id_, sentence, self.cooccurrence_confidence, "phrase")
                if sources and all(phrase.kb_id_ != s.kb_id_ for s in phrase_spans):
                    phrase_spans.append(phrase)
        if phrase_spans:
            set_entity_spans(doc, sorted([*entity_spans(doc), *phrase_spans], key=lambda s: s.start))

        # what the proposal is made of, from the propose sentence ("X, a Bayesian optimization algorithm"); not what
        # it is for or applied to ("FedPara, for federated learning", "adapts SAM to 3D CT")
        first_at: dict[tuple[str, int], Span] = {}
        for span in in_order:
            first_at.setdefault((span.kb_id_, sentence_of[span.start]), span)
        for owner, key, sentence in frame["blocks"]:
            span = first_at.get((key, sentence))
            if span is not None and self._purpose_of(doc, span, bounds[sentence][0]):
                continue
            add("BUILDS_ON", owner, key, sentence, self.block_confidence, "block")
        # a name made from another: "SurCo-zero" / "pFedPara" / "Robust Alternating Minimization" build on it
        # (the paper's own method on any name, or a coined name of the title on another coined name; not two
        # baselines of a later sentence, "RegionCLIP" / "CLIP", "GPT-4o" / "GPT-4", "S-LoRA" / "LoRA", which the
        # abstract names without saying how they were made; "decoupled weight decay" on
        # "weight decay" is a kind of it, not built on it); only the closest parent: "mmMamba-linear" on "mmMamba"
        method_spans = [s for s in entities if s.label_ == "Method"]
        parents: dict[str, tuple[str, int]] = {}
        extensions = frame["extensions"] if "extensions" in frame else name_extensions(doc, method_spans, sentence_of)
        # the coined-looking names, read only when there are extensions (most docs have none)
        shaped = {s.kb_id_ for s in method_spans if name_shaped(s)} if extensions else set()
        for source, target, sentence in extensions:
            if source in proposed or (source in shaped and target in shaped and sentence == 0):
                longest = parents.get(source)
                if longest is None or len(target) > len(longest[0]):
                    parents[source] = (target, sentence)
        for source, (target, sentence) in parents.items():
            add("BUILDS_ON", source, target, sentence, self.block_confidence, "extension")
        # a proposed name with a hyphenated part that is another Method as the abstract writes it, its short form
        # too: "AFA-CD" on "Anarchic Federated Averaging (AFA)", "PAC-LoRA" on "LoRA", "S4-PTD" on "PTD"
        for source, target, sentence in self._short_form_extensions(method_spans, proposed, texts_of, sentence_of):
            parent = parents.get(source)
            if parent is not None and parent[0] != target and any(
                    short.lower() in long.lower() for short in texts_of.get(target, ())
                    for long in texts_of.get(parent[0], ())):
                continue  # only the closest parent: "LASP-2H" on "LASP-2", not on "LASP" as well
            add("BUILDS_ON", source, target, sentence, self.block_confidence, "extension")
        # "CPU-based FastLLM", "CUDA-optimized FlashAttention-2": a method built for a device
        for sentence, ents in by_sentence.items():
            for n, span in enumerate(ents[:-1]):
                following = ents[n + 1]
                if span.label_ == "Hardware" and following.label_ == "Method" and following.start == span.end + 2 \
                        and texts[span.end] in {"-", "–"} and lowers[span.end + 1] in self.words["device_suffixes"]:
                    add("RUNS_ON", following.kb_id_, span.kb_id_, sentence, self.block_confidence, "device")
        # "X-based", "X-like" inside a sentence about the proposal; not a kind of the baselines a comparison cue
        # names ("surpasses existing transformer-based ASR models", "compared to other CNN-based models")
        comparison_ends = sorted(end for match_id, _, end in matches if cue_info[match_id][1] in COMPARISON_TYPES)
        for sentence, ents in by_sentence.items():
            for span in ents:
                if span.label_ == "Method" and _hyphen_modifier(doc, span) \
                        and not self._after_comparison(doc, span, comparison_ends):
                    # the proposal the modifier stands before is what is built from it: "SGD-based OptEx"
                    modified = next((s for s in ents if s.start == span.end + 2 and s.label_ == "Method"
                                     and s.kb_id_ in proposed), None)
                    if modified is not None:
                        add("BUILDS_ON", modified.kb_id_, span.kb_id_, sentence, self.block_confidence, "hyphen")
                        continue
                    source, how = reader.subject_of(doc, span.start, [s for s in ents if s.label_ == "Method"
                                                                       and s is not span], frame=frame)
                    if source is None and proposed and sentence == 0:
                        source, how = paper_subject(frame), "paper"
                    if source in proposed:
                        add("BUILDS_ON", source, span.kb_id_, sentence, self.block_confidence, "hyphen")

        # a benchmark paper's evaluation names no dataset: "We evaluate A, B and C" is on the paper's own dataset
        own = self._own_datasets(doc, frame, entities, bounds)
        if own:
            verbs, self_words = self.words["evaluation_verbs"], self.words["self_words"]
            for sentence, ents in by_sentence.items():
                low, high = bounds[sentence]
                if sentence == 0 or any(s.label_ == "Dataset" for s in ents):
                    continue
                # the verb opens the sentence ("Evaluating 18 models, ...") or follows "we" closely ("we then
                # evaluate", "we have benchmarked"): not the noun of "a benchmark that ..."
                verb = next((i for i in range(low, high) if lowers[i] in verbs
                             and (i == low or lowers[_before_adverbs(lowers, low, i)] in self_words)), None)
                if verb is None:
                    continue
                # (the methods an evaluation lists are what is evaluated, lower-case kinds too: "We evaluate
                # gradient-boosted trees, convolutional networks and a transformer baseline")
                for span in ents:
                    if span.label_ == "Method" and span.start > verb:
                        for key in own:
                            add("EVALUATED_ON", span.kb_id_, key, sentence, self.cooccurrence_confidence,
                                "cue:EVALUATED_ON", listed=True)

        # a dataset in a sentence about a method, with no cue: "Experiments on CIFAR10 ... observe diffGrad"; in a
        # sentence of the paper's own work that names no method, the proposal's ("On the larger X, top-1 accuracy
        # improves from 48.9% to 51.3%")
        evaluated = {(source, target) for (rel, source, target, _) in best if rel == "EVALUATED_ON"}
        for sentence, ents in by_sentence.items():
            methods = [s for s in ents if s.label_ == "Method"]
            for span in ents:
                if span.label_ != "Dataset" or any(t == span.kb_id_ for _, t in evaluated):
                    continue
                source, how = reader.subject_of(doc, span.start, [m for m in methods if m.end <= span.start],
                                                frame=frame, prefer="first")
                if source is None:
                    later = [m for m in methods if m.start >= span.end and reader.subject_like(doc, m)]
                    source, how = (later[0].kb_id_, "named") if later else (None, "")
                # (a sentence whose methods are all compared against or governed by a preposition names no
                # subject either: "Across X, average WER is within 2.3 points of Whisper small")
                if source is None and proposed and not 0 < sentence < own_sentence \
                        and not any(reader.subject_like(doc, m) for m in methods):
                    source, how = paper_subject(frame), "paper"
                if source is not None and how in {"parse", "named", "self", "paper"}:
                    add("EVALUATED_ON", source, span.kb_id_, sentence, self.cooccurrence_confidence, "cooccurrence")
                    if not proposed and how in {"parse", "named"}:
                        # a study paper: each item of the subject's closed list ("Methods including A, B and C
                        # report ..., as measured by X")
                        for other in self._study_list(source, bounds[sentence][1], bounds[sentence][0], methods):
                            add("EVALUATED_ON", other, span.kb_id_, sentence, self.cooccurrence_confidence,
                                "cooccurrence")

        # a device no RUNS_ON cue states, in a sentence about a method: the setting it runs in ("Training used 256
        # TPU v5e chips", "clusters mixing A100, V100 and L40S GPUs", "... and running at 31 fps on a single RTX
        # 3090"); see _setting_source. Not a device that modifies a measure ("GPU memory", "GPU-hours") or is half
        # of a pair ("CPU-GPU traffic"); "CPU-only" (a device suffix) is a setting.
        ran = {(target, sentence) for (rel, _, target, sentence) in best if rel == "RUNS_ON"}
        measures = self.words["device_measures"]
        for sentence, ents in by_sentence.items():
            methods = [s for s in ents if s.label_ == "Method"]
            for span in ents:
                if span.label_ != "Hardware" or (span.kb_id_, sentence) in ran or span.end < len(doc) and (
                        texts[span.end] == "/" or lowers[span.end] in measures or texts[span.end] in {"-", "–"} and (
                            span.end + 1 >= len(doc) or lowers[span.end + 1] not in self.words["device_suffixes"])) \
                        or span.start > 0 and texts[span.start - 1] in {"-", "–", "/"} \
                        or self._compared_device(doc, span, bounds[sentence][0], compared_ends) \
                        or self._device_apposition(doc, span, methods):
                    continue
                source = self._setting_source(doc, span, methods, frame, background=0 < sentence < own_sentence)
                if source is not None:
                    add("RUNS_ON", source, span.kb_id_, sentence, self.cooccurrence_confidence, "cooccurrence")

        results = doc_value(doc, "kg_results") or []
        # the rules' attachment (kg_results keeps it beside a learned choice), else the result's own
        rule_methods = doc_value(doc, "kg_result_rule_methods")
        if rule_methods is None or len(rule_methods) != len(results):
            rule_methods = [result.get("method") for result in results]
        for result, method in zip(results, rule_methods):
            for role, rel_type in RESULT_RELATIONS.items():
                if method and result.get(role):
                    add(rel_type, method, result[role], result["sentence"], self.result_confidence, "result")

        evidence: dict[int, str] = {}
        for (_, _, _, sentence) in best:
            if sentence not in evidence:
                evidence[sentence] = doc_tokens(doc).span_text(*bounds[sentence])  # Span.text, without the Span
        return [
            {"type": rel_type, "source": source, "target": target, "sentence": sentence,
             "evidence": evidence[sentence], "confidence": confidence,
             **({"origins": sorted(origins[(rel_type, source, target, sentence)])} if self.keep_origins else {})}
            for (rel_type, source, target, sentence), confidence in sorted(best.items(), key=lambda kv: kv[0][3])
        ]

    def _read_cue(self, doc: Doc, cue: dict[str, Any], start: int, end: int, ents: list[Span],
                  frame: dict[str, Any], background: bool = False,
                  figured: set[int] | frozenset[int] = frozenset(),
                  compared_ends: set[int] | frozenset[int] = frozenset()) -> list[tuple[str, str, str, float]]:
        """(type, source key, target key, confidence) for one cue match.

        The targets are the closest entities of the type's target label on the cue's target side, with the
        items listed after them ("outperforms A, B and C"). The source is the subject the contribution frame
        gives for the cue (a named subject, or the proposal for "we / our method / it"); a cue that opens the
        sentence ("Compared to X, ours is 2x faster") takes the subject after its targets. A comparison cue
        becomes OUTPERFORMS when the sentence states a winner ("faster", "2x", "outperforms"). In a *background*
        sentence (before the abstract first speaks of its own work, "we propose", "our method"; see
        ``_own_work_start``) a cue with no subject is about prior work, not the paper's proposal. The Methods
        starting at the tokens in *figured* are baselines a comparison gave figures for, never a subject.
        """
        rel_type = cue["type"]
        source_label, target_label = RELATION_LABELS[rel_type]
        max_gap = cue.get("max_gap", 3)
        right = cue.get("target", "right") == "right"
        sentence = _Sentence(doc, *sentence_at(doc, start))  # start, end (and its tokens), without a Span
        figures: list[Span] = []
        if right:
            targets = [s for s in ents if s.label_ == target_label and s.start >= end and s.start - end <= max_gap]
            if rel_type in COMPARISON_TYPES:
                targets = [s for s in targets if not self._setting_or_kind(doc, end, s)]
                # "compared with 52.4% for X and 51.6% for Y": the methods the cue gives figures for
                figures = self._figure_targets(doc, end, sentence.end, ents)
            target = min(targets, key=lambda s: s.start, default=None)
            if figures and (target is None or target.start > figures[0].start):
                target = figures[0]
            if rel_type == "BUILDS_ON" and target is not None and _hyphen_modifier(doc, target):
                # "Distilled from the Transformer-based decoder-only HoVLE": the modifier names the kind of what is
                # built on; the name it modifies, a few lower-case words on, is the parent
                target = self._modified_name(doc, target, sentence.end, ents)
        else:
            targets = [s for s in ents if s.label_ == target_label and s.end <= start and start - s.end <= max_gap]
            target = max(targets, key=lambda s: s.end, default=None)
        introduced = False
        if target is None and right:
            # "outperforms second-order methods (K-FAC and L-BFGS)", "over baselines such as MPC, RL and QP"
            target = self._introduced_target(doc, end, sentence, ents, target_label)
            introduced = target is not None
        if target is None and right and rel_type in ADJACENT_SOURCE_TYPES:
            # "on DeepMind Control, OpenAI gym and IsaacGym" with only the last a known name: the list's items
            target = self._behind_unnamed(doc, end, sentence, ents, target_label)
        if target is None:
            return []
        target_gap = target.start - end if right else start - target.end
        if figures and target is figures[0]:
            listed = figures
        elif introduced and rel_type in COMPARISON_TYPES:
            # a group of baselines: "over baselines such as MPC, RL, common Lyapunov methods (CLF) and LQR" - each
            # Method of the group is beaten, whatever unnamed items stand between them
            listed = [target, *self._group_items(target, ents, sentence.end)]
        else:
            listed = [target, *self._listed_after(target, ents, open_list=introduced)] if right else [target]
        if right:
            # "... (K-FAC and L-BFGS) and other baselines such as MPC and QP": a second group of the same list
            after = listed[-1].end + (1 if listed[-1].end < sentence.end and token_texts(doc)[listed[-1].end] == ")" else 0)
            if after < sentence.end and token_lowers(doc)[after] in {"and", ","}:
                more = self._introduced_target(doc, after + 1, sentence, ents, target_label)
                if more is not None:
                    listed += [more, *self._listed_after(more, ents, open_list=True)]
        if right and rel_type == "EVALUATED_ON":
            # "on the Long Range Graph Benchmark (Peptides-func, Peptides-struct, PascalVOC-SP)": the parts a
            # parenthesis lists after a dataset are test beds too
            listed += [part for item in list(listed) for part in self._parenthesised_parts(doc, item, ents)
                       if all(part is not other for other in listed)]
        if rel_type == "RUNS_ON":
            # a device that modifies a measure ("with 40% less GPU memory") or that is compared against ("112x
            # over the GPU", "compared with hybrid CPU-GPU storage") is no setting the method runs on: the setting
            # rule's guards (see find) hold for a cue's targets too
            listed = [t for t in listed if not self._measure_device(doc, t)
                      and not self._compared_device(doc, t, sentence.start, compared_ends)]
            if not listed:
                return []
        listed_keys = {t.kb_id_ for t in listed}
        methods = [s for s in ents if s.label_ == source_label and s.kb_id_ not in listed_keys
                   and s.start not in figured]
        reader = self.frame_reader
        proposed = frame["proposed"]

        if right:
            source, how = reader.subject_of(doc, start, [m for m in methods if m.end <= start], frame=frame,
                                            prefer="first")
            opening = self._opening_subject(doc, frame, sentence.start, sentence.end, start, methods, background) \
                if rel_type in ADJACENT_SOURCE_TYPES and how != "parse" else None
            if opening is not None and self._used_before(doc, start, sentence.start, methods):
                opening = None  # "Using the X model on the Y dataset, we show ...": the model used there is the source
            if opening is not None and opening[1] in {"self", "named"}:
                # "On an Apple M2, a Graviton4 and a Ryzen 9, our kernels decode ...": the subject after the
                # sentence's opening phrase that holds the cue
                source, how = opening
            elif (source is None or how == "near") and start - sentence.start <= 3:
                # "Compared to Y, X ..." / "On Z, X ..." / "Experiments on Z show that X ...": the subject follows
                # the cue's targets
                after = listed[-1].end
                texts, lowers = token_texts(doc), token_lowers(doc)
                comma = next((i for i in range(after, sentence.end) if texts[i] == "," or lowers[i] == "that"), None)
                if comma is not None:
                    later = [m for m in methods if m.start > comma and reader.subject_like(doc, m)]
                    # the subject is the name a verb follows: "Compared with A, the B C, X reduces ..." (B and C
                    # are the opening list's last item); the first name when no verb follows one
                    words_of = doc_tokens(doc).words

                    def verbed(m: Span) -> bool:
                        return m.end < sentence.end and words_of[m.end].is_lower and verb_like(lowers[m.end])
                    # the main clause's subject opens it (after at most three lower-case modifiers: "a tuned X") or
                    # comes before its verb: not a name later in the clause ("Integrated into vLLM, the scheduler
                    # reduces latency relative to FCFS")
                    prepositions = reader.words["prepositions"]

                    def heads(m: Span) -> bool:
                        between = range(comma + 1, m.start)
                        return len(between) <= 3 and all(words_of[i].is_lower and lowers[i] not in prepositions
                                                         for i in between)
                    later = [m for m in later if heads(m) or verbed(m)]
                    later.sort(key=lambda m: not verbed(m))
                    if later and not reader.refers_to_self(doc, frame, comma, later[0].start):
                        source, how = later[0].kb_id_, "named"
                    elif proposed and reader.refers_to_self(doc, frame, comma, sentence.end):
                        source, how = paper_subject(frame), "self"
            elif opening is not None:
                # "On 42 operators from A, B and C on an A10G GPU, the tuner ...": a cue inside the sentence's
                # opening phrase whose clause names no subject: the paper's proposal outside the background
                source, how = opening
        else:
            beyond = [s for s in methods if s.start >= end and s.start - end <= self.max_source_gap]
            first = min(beyond, key=lambda s: s.start, default=None)
            source, how = (first.kb_id_, "named") if first is not None else (None, "")
        if how == "near" and right and rel_type in TOOL_SOURCE_TYPES:
            # "... with classifier-free guidance, outperforming X": the name closest before the cue is the object of a
            # preposition of means or setting, a tool of the sentence and not its subject (which may be the paper's)
            mention = max((m for m in methods if m.kb_id_ == source and m.end <= start), key=lambda m: m.end,
                          default=None)
            if mention is not None and self._tool_of(doc, mention, sentence.start):
                source, how = None, ""
        # a comparison without a stated winner says nothing of the paper's method; one with figures for its
        # baselines does ("..., compared with 690 ms for a Whisper-small baseline")
        if how == "near" and rel_type in ADJACENT_SOURCE_TYPES and proposed and not background \
                and not any(reader.subject_like(doc, m) for m in methods if m.end <= start):
            # "With A and B as targets on X, Y and Z, adaptive trees achieve ...": a method inside an opening
            # phrase is a setting; the unnamed subject is the paper's own method
            source, how = None, ""
        clause = reader.clause_start(doc, sentence, start) if source is None and proposed else sentence.start
        # (a comparison that states a winner is about the paper's method too: "..., while also displaying a
        # reduced susceptibility to overfitting when contrasted with X")
        if source is None and proposed and (rel_type != "COMPARED_WITH" or figures or self._wins(doc, sentence, start, end)) \
                and not background and not any(
                reader.subject_like(doc, m) for m in methods if clause <= m.start and m.end <= start):
            source, how = paper_subject(frame), "paper"  # a sentence about the paper's method without naming it
        sources = [source] if source is not None else []
        if right and rel_type in ADJACENT_SOURCE_TYPES:
            # "SAC, BRO and PQL on DeepMind Control, OpenAI gym and IsaacGym", "X trains ResNet on ImageNet": the
            # method (or list of methods) written right before the cue runs there too, each on each target (not
            # one compared against: "a speedup over speculative decoding on ...")
            adjacent = next((m for m in methods if m.end == start and not reader.is_compared(doc, m)), None)
            if adjacent is None and start - 1 > sentence.start and token_lowers(doc)[start - 1] in MODEL_NOUNS:
                # "a ResNet-18 variant on ImageNet", "the Llama-2 model on an A100": one noun of kind between
                adjacent = next((m for m in methods if m.end == start - 1 and not reader.is_compared(doc, m)), None)
            if adjacent is None and start - 1 > sentence.start and token_texts(doc)[start - 1] == ",":
                # "models including A, B and C, on the X devtest set": a closed list, then a comma, then the cue
                closing = next((m for m in methods if m.end == start - 1 and not reader.is_compared(doc, m)), None)
                if closing is not None and self._listed_before(closing, methods):
                    adjacent = closing
            if adjacent is not None:
                before = self._listed_before(adjacent, methods)
                first = next((m for m in methods if m.kb_id_ == before[0] and m.end <= adjacent.start),
                             adjacent) if before else adjacent
                # not a list that a preposition governs: "On 42 operators from A, B and C on an A10G GPU, X ..."
                # (the operators run there, and X); "Wombat and Numbat on Burrow Suite" keep theirs
                if not lowers_before_in(doc, first.start, sentence.start, {"from", "of"}):
                    sources = list(dict.fromkeys([*sources, *before, adjacent.kb_id_]))
                    if source is None:
                        source, how = adjacent.kb_id_, "named"
        if right and rel_type == "EVALUATED_ON" and not proposed:
            # a study paper (no proposal of its own): "Adam and Lion are evaluated on ImageNet" - the subject is one
            # item of a closed list of methods, and each item is evaluated there; a sentence with no subject of its
            # own ("We conduct a study of backbones, including A, B and C, on datasets from X and Y") evaluates
            # the closed list of methods closest before the cue
            chain = self._closest_list(start, sentence.start, methods)
            listed_methods = list(dict.fromkeys(m.kb_id_ for m in chain))
            # (the list closer to the cue than the subject found is what is evaluated: "a study of 4 graph
            # transformer backbones, including A, B and C, on ...")
            if listed_methods and (source is None or how == "near" or source in listed_methods or not any(
                    m.kb_id_ == source and m.end > chain[0].start for m in methods if m.end <= start)):
                sources = list(dict.fromkeys([*sources, *listed_methods]))
                source, how = (source, how) if source is not None else (listed_methods[-1], "named")
            elif source is not None and how in {"parse", "named"}:
                sources = list(dict.fromkeys([*sources, *self._study_list(source, start, sentence.start, methods)]))
        if right and rel_type == "EVALUATED_ON":
            # "experiments on the PIE dataset using a CodeT5 model and RRHF": the methods a preposition of use
            # brings in right after the targets are evaluated there too
            used = self._used_after(doc, listed[-1].end, sentence.end, methods)
            if used:
                sources = list(dict.fromkeys([*sources, *used]))
                if source is None:
                    source, how = used[0], "named"
        if rel_type == "RUNS_ON" and how in {"self", "paper"} and source == paper_subject(frame):
            # "We also introduce an agent, mallocMuZero, and show that it ... on ML accelerators": a sentence that
            # names one other proposal before the cue speaks of that one
            named_here = list(dict.fromkeys(m.kb_id_ for m in methods if m.end <= start and m.kb_id_ in proposed))
            if len(named_here) == 1 and named_here[0] != source:
                sources = [named_here[0] if m == source else m for m in sources]
                source = named_here[0]
        if rel_type == "RUNS_ON" and background and how in {"self", "paper"}:
            # "... it can be challenging to load a model on commodity devices": a pronoun of a background
            # sentence is no reference to the paper's own method
            sources = [m for m in sources if m != source]
            source = sources[0] if sources else None
        if source is None:
            return []
        if rel_type == "BUILDS_ON" and cue.get("weight", 0.5) < 0.75 and (source not in proposed
                                                                          or how in {"paper", "near"}):
            return []  # "X with / via Y" only says what the paper's own method, named or referred to, is made of
        if rel_type == "BUILDS_ON" and cue.get("loose") and (how in {"paper", "near"} or source not in proposed):
            # a loose cue ("uses", "relies on", "employs") states what the paper's own method is made of only when the
            # sentence names it or refers to it as its subject: not for a sentence with no subject of its own ("Existing
            # BO methods mostly rely on GP", "Unlike X, which rely on self-attention"), nor for another method
            return []
        if rel_type == "BUILDS_ON" and cue.get("loose") and self._compared_object(doc, sentence.start, start,
                                                                                  methods, sources):
            # "We compare Lion with Adam and Adafactor": the verb makes the cue a comparison with no stated winner
            return [("COMPARED_WITH", each, item.kb_id_, cue.get("weight", 0.5) * HOW_WEIGHT.get(how, 0.6))
                    for each in sources for item in listed if item.kb_id_ != each]
        if rel_type == "BUILDS_ON" and cue.get("loose") and right and any(
                s.label_ == "Dataset" and (0 <= start - s.end <= 1 or 0 <= s.start - listed[-1].end <= 1)
                for s in named_entities(doc) if sentence.start <= s.start < sentence.end):
            # "52.8 mIoU on ADE20K with UperNet", "With Qwen2.5-7B on MATH, X matches ...": a model next to a test
            # set is the setting of a result, not what the method is built on
            return []
        if rel_type == "COMPARED_WITH" and (figures or self._wins(doc, sentence, start, end)):
            # (a tie cue stays a comparison whatever else the sentence says: "competitive with X at lower cost")
            rel_type = "OUTPERFORMS"
        confidence = cue.get("weight", 0.5) * HOW_WEIGHT.get(how, 0.6)
        # a named source far from its cue is less sure: "FOSI, with its tuned ... schedule, outperforms Adam"
        mentions = [m for m in methods if m.kb_id_ == source and m.end <= start]
        source_gap = start - max(m.end for m in mentions) if mentions and how != "self" else 0
        return [(rel_type, each, item.kb_id_,
                 confidence * math.exp(-self.decay * (target_gap + source_gap + 2 * n)))
                for each in sources for n, item in enumerate(listed) if item.kb_id_ != each]

    @staticmethod
    def _compared_object(doc: Doc, low: int, cue_start: int, methods: list[Span], sources: list[str]) -> bool:
        """True when a comparison verb governs the source named right before a cue: "We compare Lion with Adam"
        (the verb, up to COMPARISON_VERB_GAP words, then the source's mention that ends at the cue)."""
        for mention in methods:
            if mention.kb_id_ in sources and mention.end == cue_start and mention.start > low:
                window = doc[max(low, mention.start - COMPARISON_VERB_GAP - 1):mention.start]
                if any(t.lower_ in COMPARISON_VERBS for t in window):
                    return True
        return False

    @staticmethod
    def _short_form_extensions(methods: list[Span], proposed: list[str], texts_of: dict[str, set[str]],
                               sentence_of: list[int]) -> list[tuple[str, str, int]]:
        """(proposed key, other key, sentence) for each proposed Method written with a hyphenated part that is
        another Method's name as the abstract writes it, a short form included: "AFA-CD" -> "AFA" (the short
        form of "Anarchic Federated Averaging"), "PAC-LoRA" -> "LoRA". The part holds a capital and is no size
        or version ("-7B", "-large"); the sentence is the proposed name's first."""
        owners: dict[str, list[str]] = {}
        for key, texts in texts_of.items():
            for text in texts:
                owners.setdefault(text, []).append(key)
        sentences: dict[str, list[int]] = {}
        for span in methods:
            sentences.setdefault(span.kb_id_, []).append(sentence_of[span.start])
        found = []
        for source in proposed:
            if source not in texts_of or source not in sentences:
                continue
            for text in sorted(texts_of[source]):
                parts = [p for p in re.split(r"[-\u2013]", text) if p]
                if len(parts) < 2:
                    continue
                for n, part in enumerate(parts):
                    if _SIZE_PART.match(part) or not any(c.isupper() for c in part) \
                            or all(_SIZE_PART.match(other) and not other.isdigit()
                                   for m, other in enumerate(parts) if m != n):
                        continue  # ("LeYOLO-Small" is a size of LeYOLO, the same model; "LASP-2" is a new version)
                    for target in owners.get(part, ()):
                        if target == source:
                            continue
                        # a sentence that names both, else the parent's first after the name's first (the evidence
                        # names the parent)
                        both = [k for k in sentences[source] if k in sentences[target]]
                        later = [k for k in sentences[target] if k >= sentences[source][0]]
                        found.append((source, target, (both or later or sentences[target])[0]))
        return list(dict.fromkeys(found))

    def _closest_list(self, at: int, low: int, methods: list[Span]) -> list[Span]:
        """The mentions of the closed list of at least two Methods (joined by "and" / "or") that ends closest before token
        *at* (from *low*): "backbones, including A, B and a plain C, on ..." -> [A, B, C] (list glue, and up to two
        lower-case modifiers after it, between items; an acronym in parentheses is passed over). [] when there is
        none."""
        doc = methods[0].doc if methods else None
        before = sorted((m for m in methods if low <= m.start and m.end <= at), key=lambda m: -m.end)
        glue = self.words["list_glue"]
        for n, last in enumerate(before):
            chain, closed, current = [last], False, last
            for span in before[n + 1:]:
                if span.end > current.start:
                    continue
                between = _without_parentheses(doc, span.end, current.start)
                glued = [t for t in between if t.lower_ in glue]
                modifiers = [t for t in between if t.lower_ not in glue]
                if not glued or between[0].lower_ not in glue or len(modifiers) > 2 \
                        or any(not (t.is_lower and t.is_alpha) or t.is_stop for t in modifiers):
                    break
                closed = closed or any(t.lower_ in {"and", "or", "&"} for t in glued)
                chain.insert(0, span)
                current = span
            if len(chain) >= 2 and closed:
                return chain
        return []

    def _parenthesised_parts(self, doc: Doc, item: Span, ents: list[Span]) -> list[Span]:
        """The entities of the item's label a parenthesis right after *item* lists, with only list glue between
        them, or names kg found no entity for: "X (A, B and C)" -> A, B, C; [] for anything else in the parenthesis
        ("X (Smith et al., 2021)") or a single entity alone (an acronym, "X (LRGB)")."""
        texts = token_texts(doc)
        high = sentence_at(doc, item.start)[1]
        if item.end >= high or texts[item.end] != "(":
            return []
        start_at = {s.start: s for s in ents if s.label_ == item.label_}
        glue = self.words["list_glue"]
        parts, i = [], item.end + 1
        while i < high and texts[i] != ")":
            if i in start_at:
                parts.append(start_at[i])
                i = start_at[i].end
            elif token_lowers(doc)[i] in glue or texts[i] == "-" or any(c.isupper() or c.isdigit() for c in texts[i]):
                i += 1  # (a part kg found no entity for: "Peptides-func")
            else:
                return []
        return parts if i < high and len(parts) >= 2 or len(parts) == 1 and i - item.end > 3 else []

    @staticmethod
    def _modified_name(doc: Doc, modifier: Span, high: int, ents: list[Span]) -> Span | None:
        """The entity of the modifier's label that a hyphenated modifier ("Transformer-based") stands before, over at
        most MODIFIED_GAP lower-case or hyphenated words ("the Transformer-based decoder-only HoVLE" -> HoVLE); None
        when punctuation or anything else comes first."""
        words_of = doc_tokens(doc).words
        start_at = {s.start: s for s in ents if s.label_ == modifier.label_}
        i = modifier.end + 2
        while i < high and i - modifier.end <= MODIFIED_GAP + 2:
            if i in start_at:
                return start_at[i]
            if not (words_of[i].is_lower and (words_of[i].is_alpha or "-" in words_of[i].text)
                    or words_of[i].text == "-"):
                return None
            i += 1
        return None

    def _study_list(self, source: str, at: int, low: int, methods: list[Span]) -> list[str]:
        """Keys of the closed list of at least two Methods (joined by "and" / "or") that holds the mention of *source*
        closest before token *at* (from *low*): "Adam, RMSProp and Lion are evaluated on ..." -> all three. [] when
        the mention stands in no such list."""
        before = [m for m in methods if low <= m.start and m.end <= at]
        mention = max((m for m in before if m.kb_id_ == source), key=lambda m: m.end, default=None)
        if mention is None:
            return []
        keys = [*self._listed_before(mention, before), mention.kb_id_,
                *(m.kb_id_ for m in self._listed_after(mention, before))]
        keys = list(dict.fromkeys(keys))
        return keys if len(keys) >= 2 else []

    @staticmethod
    def _after_comparison(doc: Doc, span: Span, comparison_ends: list[int]) -> bool:
        """Whether a comparison cue ends at most four words before *span*, with no punctuation between: the
        span then qualifies what is compared against ("outperforms existing CNN-based models")."""
        texts = token_texts(doc)
        k = bisect_left(comparison_ends, span.start - 4)
        return any(end <= span.start and not any(not t[:1].isalnum() and t != "-" for t in texts[end:span.start])
                   for end in comparison_ends[k:k + 4])

    def _tool_of(self, doc: Doc, span: Span, low: int) -> bool:
        """Whether *span* is the object of a preposition of means or setting ("tool_prepositions": "with", "using",
        "on" ...), over a determiner: a tool or a setting of the sentence, not its subject."""
        lowers = token_lowers(doc)
        i = span.start - 1
        if i >= low and lowers[i] in ARTICLES:
            i -= 1
        return i >= low and lowers[i] in self.words["tool_prepositions"]

    def _purpose_of(self, doc: Doc, span: Span, low: int) -> bool:
        """Whether *span* is what the proposal is for or applied to, not made of: the object of a word of
        "purpose_words" ("a parameterization for federated learning", "a defence against prompt injection", "adapts
        X to 3D CT"), over a determiner and lower-case modifiers that are not a gerund ("for developing X" is a
        means)."""
        lowers = token_lowers(doc)
        words_of = doc_tokens(doc).words
        i = span.start - 1
        while i >= low and span.start - i <= 4 and (lowers[i] in {"a", "an", "the", "-"} or words_of[i].is_lower
                                                    and words_of[i].is_alpha and not words_of[i].is_stop
                                                    and not lowers[i].endswith("ing")):
            i -= 1
        return i >= low and lowers[i] in self.words["purpose_words"]

    def _setting_source(self, doc: Doc, span: Span, methods: list[Span], frame: dict[str, Any],
                        background: bool) -> str | None:
        """The Method that runs on the device *span* of a sentence with no RUNS_ON cue for it: the subject of the
        clause before it (through the parse, a subject-like name, or "we / our method"); else the first
        subject-like Method after it that is not compared against ("On an A10G with Llama-3-8B, TokAuto adds
        ..."; the paper's proposal first when it is among them); else, in a sentence of the paper's own work
        that names no subject, the proposal ("Training used 256 TPU v5e chips")."""
        reader = self.frame_reader
        proposed = frame["proposed"]
        low, high = sentence_at(doc, span.start)
        opening = self._opening_subject(doc, frame, low, high, span.start, methods, background)
        if opening is not None and not self._used_before(doc, span.start, low, methods):
            return opening[0]  # "On an Apple M2 and a Graviton4, our kernels decode ...": the subject after it
        before = [m for m in methods if m.end <= span.start]
        source, how = reader.subject_of(doc, span.start, before, frame=frame, prefer="first")
        if source is not None and (how in {"parse", "named"} or how == "self" and not background):
            return source  # ("it" in a background sentence is not the proposal: "making it hard to deploy ...")
        # not a tool or a workload a preposition governs: "on 8 A100 GPUs with FlashAttention-2 and DeepSpeed"
        lowers = token_lowers(doc)
        prepositions = reader.words["prepositions"]
        after = [m for m in methods if m.start >= span.end]

        def governed(m: Span) -> bool:  # "with A and B": the first item of the list *m* ends stands after one
            listed = self._listed_before(m, after)
            first = next((x for x in after if listed and x.kb_id_ == listed[0] and x.end <= m.start), m)
            return lowers[first.start - 1] in prepositions
        # a subject: the proposal, or a name a verb follows ("TokAuto adds", "kernelsmith reaches")
        words_of = doc_tokens(doc).words
        later = [m for m in after if reader.subject_like(doc, m) and not reader.is_compared(doc, m)
                 and not governed(m) and (m.kb_id_ in proposed or m.end < len(doc) and words_of[m.end].is_lower
                                          and verb_like(lowers[m.end]))]
        if later:
            return next((m.kb_id_ for m in later if m.kb_id_ in proposed), later[0].kb_id_)
        if proposed and not background and not any(reader.subject_like(doc, m) for m in before):
            return paper_subject(frame)
        return None

    def _used_after(self, doc: Doc, at: int, high: int, methods: list[Span]) -> list[str]:
        """Keys of the Methods that "using" (over a determiner) brings in at token *at*, with the
        items listed after the first: "on the PIE dataset using a CodeT5 language model and RRHF" -> [CodeT5, RRHF]
        (a word of kind "model" / "language model" may follow a name)."""
        lowers = token_lowers(doc)
        if at < high and (lowers[at] in self.words["dataset_heads"] or lowers[at] in self.words["singular_dataset_heads"]):
            at += 1  # "on the PIE dataset using ..."
        if at >= high or lowers[at] != "using":
            return []  # (not "with": "52.8 mIoU on ADE20K with UperNet" names the setting of the paper's result)
        i = at + 1
        if i < high and lowers[i] in ARTICLES:
            i += 1
        first = next((m for m in methods if m.start == i), None)
        if first is None:
            return []
        keys = [first.kb_id_]
        last = first
        for m in sorted((m for m in methods if m.start > first.start), key=lambda m: m.start):
            between = [w for w in lowers[last.end:m.start] if w not in LIST_SKIP_WORDS]
            if not between or len(between) > 2 or any(w not in self.words["list_glue"] for w in between):
                break
            keys.append(m.kb_id_)
            last = m
        return list(dict.fromkeys(keys))

    @staticmethod
    def _used_before(doc: Doc, at: int, low: int, methods: list[Span]) -> bool:
        """Whether the Method closest before token *at* (from *low*) is the object of a preposition of use
        ("using the Mistral-7B model on ...", "with X on ..."), over a determiner."""
        closest = max((m for m in methods if low <= m.start and m.end <= at), key=lambda m: m.end, default=None)
        if closest is None:
            return False
        lowers = token_lowers(doc)
        i = closest.start - 1
        if i >= low and lowers[i] in ARTICLES:
            i -= 1
        return i >= low and lowers[i] in MEANS_PREPOSITIONS

    def _opening_subject(self, doc: Doc, frame: dict[str, Any], low: int, high: int, at: int, methods: list[Span],
                         background: bool) -> tuple[str | None, str] | None:
        """The subject of a sentence (tokens *low* to *high*) whose opening phrase holds token *at*: the sentence
        opens with a preposition ("On", "For", "With", "Across") and no comma stands before *at*, so *at* is part
        of a setting ("On 42 operators from A and B on an A10G GPU and a Graviton3 CPU, kernelsmith reaches ...",
        "On an Apple M2, a Graviton4 and a Ryzen 9, our kernels decode ..."). The subject follows a later comma: a
        reference to the proposal ("we", "our kernels", "it") or a Method a verb follows ("kernelsmith reaches");
        else, outside the background, the paper's proposal ("..., the generated plans reduce ..."). None when *at*
        is in no opening phrase or no comma closes it; (None, "") when no subject is found."""
        lowers = token_lowers(doc)
        if at < low or lowers[low] not in self.frame_reader.words["prepositions"] \
                and not self.frame_reader.participle_opening(doc, low, high):
            return None
        breaks = self.words["clause_breaks"]
        if any(lowers[i] in breaks for i in range(low, at)):
            return None
        commas = [i for i in range(low, at) if lowers[i] == ","]
        if commas:  # only the commas of a list of names: "from ResNet-50, BERT-base and LLaMA-2 on ..."
            ends = {s.end for s in named_entities(doc) if low <= s.start < at}
            starts = {s.start for s in named_entities(doc) if low <= s.start <= at}
            if any(i not in ends or (i + 1 not in starts and not (lowers[i + 1] in ARTICLES
                                                                    and i + 2 in starts)) for i in commas):
                return None
        words_of = doc_tokens(doc).words
        proposed = frame["proposed"]
        method_at = {m.start: m for m in methods if m.start >= at}
        closed = False
        for comma in range(at, high):
            if lowers[comma] in breaks:
                break
            if lowers[comma] != ",":
                continue
            closed = True
            j = comma + 1
            while j < high and lowers[j] in ARTICLES:
                j += 1
            if proposed and self.frame_reader.refers_to_self(doc, frame, comma + 1, min(high, comma + 4)):
                return paper_subject(frame), "self"
            m = method_at.get(j)
            if m is not None and m.end < high and words_of[m.end].is_lower and verb_like(lowers[m.end]) \
                    and not (m.end + 1 < high and lowers[m.end + 1] in self.words["device_measures"]) \
                    and not self.frame_reader.is_compared(doc, m):
                return m.kb_id_, "named"
        if not closed:
            return None
        if proposed and not background:
            return paper_subject(frame), "paper"
        return None, ""

    def _compared_device(self, doc: Doc, span: Span, low: int, compared_ends: set[int]) -> bool:
        """Whether the device *span* is what is compared against: a comparison word ("than", "versus", "over",
        "prior") or the end of a comparison cue ("comparable to") at most four words before it in its clause
        ("46x lower latency than an NVIDIA A100")."""
        lowers = token_lowers(doc)
        words = self.frame_reader.words["comparison_words"]
        breaks = self.words["clause_breaks"]
        # a named method, or a setting preposition after some words, between the comparison and the device makes
        # the device the comparison's setting, not what is compared: "than E-RAFT on an NVIDIA Jetson", "than
        # existing models on mobile-NPU", "over off-the-shelf TensorFlow (Raspberry Pi)" (not "than on a CPU")
        named = {i for m in named_entities(doc) if m.label_ == "Method" and m.end <= span.start
                 and m.end > span.start - 6 for i in range(m.start, m.end)}
        setting = None
        for i in range(span.start - 1, max(low, span.start - 5) - 1, -1):
            if lowers[i] in words and lowers[i] in self._device_words and not (
                    self._after_figure(doc, i, low) or i > low and lowers[i - 1] in MARGIN_WORDS):
                return False  # a word that also states a setting ("training over an AWS Lambda cluster") compares
                # only after a figure or a margin: "112x over the GPU", "a speedup over the CPU"
            if lowers[i] in words or i + 1 in compared_ends:
                return setting is None or setting == i + 1
            if lowers[i] == "," or lowers[i] in breaks or i in named:
                return False
            if lowers[i] in SETTING_PREPOSITIONS and setting is None:
                setting = i
        return False

    def _measure_device(self, doc: Doc, span: Span) -> bool:
        """Whether the device *span* modifies a measure written right after it ("GPU memory", "GPU hours")."""
        return span.end < len(doc) and token_lowers(doc)[span.end] in self.words["device_measures"]

    @staticmethod
    def _device_apposition(doc: Doc, span: Span, methods: list[Span]) -> bool:
        """Whether the device *span* says what a Method is rather than where it runs: the head of an apposition
        right after it ("FlexGNN, a dataflow accelerator", "X: An FPGA Accelerator for ...")."""
        lowers = token_lowers(doc)
        ends = {m.end for m in methods}
        for i in range(span.start - 1, max(0, span.start - 5) - 1, -1):
            if lowers[i] in {"a", "an"}:
                return i > 0 and lowers[i - 1] in {",", ":"} and i - 1 in ends
            if not lowers[i].isalnum() and "-" not in lowers[i]:
                return False
        return False

    def _setting_or_kind(self, doc: Doc, end: int, span: Span) -> bool:
        """Whether a Method after a comparison cue (ending at token *end*) is not what is beaten: a modifier that
        names a kind of model ("other CNN-based models", "transformer-style baselines", a lower-case kind before a
        word of "baseline_heads": "existing pruning methods"; the loser is the unnamed set) or the setting after a
        preposition ("outperforms existing work on various LLMs")."""
        lowers, texts = token_lowers(doc), token_texts(doc)
        if span.end + 1 < len(doc) and texts[span.end] in {"-", "–"} \
                and lowers[span.end + 1] in self.frame_reader.words["hyphen_suffixes"]:
            return True
        if span.end < len(doc) and lowers[span.end] in self.words["baseline_heads"] \
                and all(doc_tokens(doc).words[i].is_lower for i in range(span.start, span.end)):
            return True  # "outperforms existing pruning methods": a lower-case kind before a group noun, no named loser
        return any(word in SETTING_PREPOSITIONS for word in lowers[end:span.start])

    def _own_datasets(self, doc: Doc, frame: dict[str, Any], entities: list[Span], bounds: list[tuple[int, int]]) -> list[str]:
        """Keys of the datasets the paper itself introduces: a proposal of the frame that is a Dataset, or the
        Dataset that is the title's name before its colon ("ShiftTab: A Benchmark for ...")."""
        own = {s.kb_id_ for s in entities if s.label_ == "Dataset" and s.kb_id_ in frame["proposed"]}
        own |= self._introduced_datasets(doc, entities, bounds)
        if bounds:
            colon = title_colon(doc, bounds[0][1])
            if colon is not None:
                own |= {s.kb_id_ for s in entities if s.label_ == "Dataset" and s.start == 0 and s.end == colon}
        return sorted(own)

    def _introduced_datasets(self, doc: Doc, entities: list[Span], bounds: list[tuple[int, int]]) -> set[str]:
        """Keys of the Datasets the authors introduce in the abstract (a dataset paper has no proposal): the first
        entity after "we (also) introduce / present / release" is a Dataset ("We introduce StrandSeg, a dataset of
        ...", "We present X, a benchmark built from ...")."""
        lowers = token_lowers(doc)
        words = self.frame_reader.words
        verbs, authors, gaps = words["propose_verbs"], words["authors"], words["author_gap_words"]
        own: set[str] = set()
        starts = sorted(entities, key=lambda s: s.start)
        for low, high in bounds[1:]:
            for i in range(low + 1, high):
                if lowers[i] not in verbs:
                    continue
                k = i - 1
                while k > low and i - k <= 3 and lowers[k] in gaps:
                    k -= 1
                if lowers[k] not in authors:
                    continue
                first = next((s for s in starts if i < s.start < high), None)
                if first is not None and first.label_ == "Dataset" and first.start <= i + 3:
                    own.add(first.kb_id_)
        return own

    def _figure_targets(self, doc: Doc, end: int, sentence_end: int, ents: list[Span],
                        names: bool = False) -> list[Span]:
        """The Methods a comparison cue ending at token *end* gives figures for, in order: "compared with 52.4%
        for X and 51.6% for Y", "versus 71.5% for X", "compared to 55%, 46% and 37% for X", "against 62.3% for a
        FLOPs-based predictor and 78.9% for Y" (an unnamed item is passed over). Each item is one or more
        numbers (with a unit or metric word of at most FIGURE_UNIT_WORDS words after each) and "for" before the
        name; the run stops at anything else ("compared with X on the same device"). [] when the cue is not
        followed by such figures. With *names*, a name kg found no entity for stands for one too ("compared with
        3.8 ms for Outlines": ``_loser_name``)."""
        words_of = doc_tokens(doc).words
        lowers = token_lowers(doc)
        method_at = {s.start: s for s in ents if s.label_ == "Method" and s.start >= end}
        found: list[Span] = []
        limit = min(sentence_end, end + FIGURE_REACH)
        i, numbers, unit_words = end, 0, 0
        while i < limit:
            word, lower = words_of[i], lowers[i]
            if word.like_num or word.text[:1].isdigit():
                numbers, unit_words = numbers + 1, 0
            elif lower == "for" and numbers:
                j = i + 1
                while j < limit and lowers[j] in ARTICLES:
                    j += 1
                span = method_at.get(j)
                if span is None and j < limit and lowers[j] in LOSER_SKIP_WORDS:
                    span = method_at.get(j + 1)  # "for standard distillation", the phrase read without the word
                if span is None and names:
                    # (or a lower-case phrase: "compared to 52.8% for majority voting")
                    span = self._loser_name(doc, j, limit, ents) or self._lower_loser(doc, j, limit, ents)
                if span is not None:
                    found.append(span)
                    j = span.end
                # the rest of the item ("XGrammar's earlier release", "a FLOPs-based predictor"), up to the glue
                # before the next figure
                k = j
                while k < limit and k - j < FIGURE_TAIL_WORDS and lowers[k] not in {",", "and", "or", ";"} \
                        and not (words_of[k].like_num or words_of[k].text[:1].isdigit()):
                    k += 1
                while k < limit and lowers[k] in {",", "and", "or"}:
                    k += 1
                if k >= limit or not (words_of[k].like_num or words_of[k].text[:1].isdigit()
                                      or lowers[k] in FIGURE_HEDGES):
                    break
                i, numbers, unit_words = k, 0, 0
                continue
            elif lower in {",", "and", "or", "%", "x", "×", "-", "–", "to"} or lower in FIGURE_HEDGES:
                pass
            elif numbers and unit_words < FIGURE_UNIT_WORDS and not word.is_stop and not word.is_punct \
                    and lower not in self.frame_reader.words["prepositions"]:
                unit_words += 1  # "ms", "fps", "PSNR", "points" after a number
            else:
                break
            i += 1
        return list({span.kb_id_: span for span in found}.values())

    def _listed_before(self, last: Span, methods: list[Span]) -> list[str]:
        """Keys of the Methods listed right before *last*, in order: "SAC, BRO, and PQL" -> [SAC, BRO] for PQL.
        Only a closed list counts: "and" / "or" must stand before *last*."""
        doc = last.doc
        listed: list[str] = []
        current = last
        for span in sorted((m for m in methods if m.end <= last.start), key=lambda m: -m.start):
            if span.end > current.start:
                continue
            between = _without_parentheses(doc, span.end, current.start)
            if not between or len(between) > 3 or any(t.lower_ not in self.words["list_glue"] for t in between):
                break
            if current is last and not any(t.lower_ in {"and", "or", "&", "/"} for t in between):
                return []  # "X, Y on Z": no list closed before the last item
            listed.insert(0, span.kb_id_)
            current = span
        return [key for key in dict.fromkeys(listed) if key != last.kb_id_]

    def _cue_phrase(self, doc: Doc, end: int, bounds: tuple[int, int], ents: list[Span]) -> Span | None:
        """The unnamed lower-case noun phrase right after a cue, as a Method span: "uses (a novel) hierarchical
        tokenization to ...". At most PHRASE_MAX_TOKENS words, closed by punctuation, a stop word or a preposition;
        None if it runs on, touches an entity or names no method ("... metric", "... dataset")."""
        words_of = doc_tokens(doc).words  # the lexeme attributes per token, without Token objects
        lowers, texts = token_lowers(doc), token_texts(doc)  # the per-doc word columns (kg.extract.frame.token_lowers)
        words = self.frame_reader.words
        i = end
        while i < bounds[1] and (lowers[i] in ARTICLES or lowers[i] in words["evaluative"]):
            i += 1
        start = i
        while i < bounds[1] and i - start <= PHRASE_MAX_TOKENS and words_of[i].is_lower \
                and (words_of[i].is_alpha or "-" in texts[i]) and not words_of[i].is_stop \
                and lowers[i] not in words["prepositions"] and lowers[i] not in words["clause_breaks"]:
            i += 1
        if i == start or i - start > PHRASE_MAX_TOKENS or lowers[i - 1] in words["not_method_followers"] \
                or lowers[i - 1].endswith("ly") or texts[i - 1].endswith("-"):
            return None
        if i < bounds[1] and (words_of[i].is_alpha and not words_of[i].is_stop and lowers[i] not in words["prepositions"]
                              and lowers[i] not in words["clause_breaks"] or texts[i] in {"-", "("}
                              or lowers[i] == "of"):
            return None  # the phrase goes on ("the principle of pessimism", "uses Y", a capitalised word after it)
        if any(s.start < i and s.end > start for s in ents):
            return None
        return _phrase_span(doc, start, i, "Method")

    def _dataset_phrases(self, doc: Doc, end: int, bounds: tuple[int, int], ents: list[Span],
                         reader: Any = None) -> list[Span]:
        """The unnamed dataset phrases of a coordination after an EVALUATED_ON cue (``_dataset_phrase`` each):
        "on several standard benchmarks and real-world datasets" -> both; "on synthetic and benchmark tasks" ->
        "benchmark tasks" (the first conjunct names no set of datasets). At most three. *reader* reads one phrase
        (``_dataset_phrase``; ``_baseline_phrase`` for the baselines after an OUTPERFORMS cue)."""
        reader = reader or self._dataset_phrase
        words_of = doc_tokens(doc).words
        found: list[Span] = []
        at = end
        for _ in range(3):
            phrase = reader(doc, at, bounds, ents)
            if phrase is not None:
                found.append(phrase)
                j = phrase.end
            else:  # the words of a first conjunct that is no phrase on its own: "synthetic (and ...)"
                j = at
                while j < bounds[1] and j - at < 5 and (words_of[j].is_lower and words_of[j].is_alpha
                                                         and not words_of[j].is_stop
                                                         or words_of[j].text == "-" and j > at):  # "hand-tuned"
                    j += 1
                if j == at:
                    break
            if j < bounds[1] and words_of[j].text == ",":
                j += 1
            if j >= bounds[1] or words_of[j].lower_ not in {"and", "or"}:
                break
            at = j + 1
        return found

    def _dataset_phrase(self, doc: Doc, end: int, bounds: tuple[int, int], ents: list[Span],
                        singular: bool = False) -> Span | None:
        """The unnamed lower-case dataset phrase right after an EVALUATED_ON cue that ends in a word of
        "dataset_openers" ("on", "across", "with": not "to", "for"), as a Dataset span: "on (several)
        standard benchmarks", "across six benchmark datasets", "with benchmark data sets". The phrase runs over
        lower-case words and numbers up to punctuation, a stop word or a preposition; vague quantifiers and
        determiners before it ("several", "various", "the") are left out; it must end in a dataset head
        ("datasets", "benchmarks", "data sets", "environments") and hold at least two words. None otherwise, or
        when it touches an entity."""
        words_of = doc_tokens(doc).words  # the lexeme attributes per token, without Token objects
        words = self.frame_reader.words
        skip = self.words["phrase_skip_words"]
        containers = self.words["dataset_containers"]
        start = i = end
        while i < bounds[1] and i - end < 2 * DATASET_PHRASE_MAX_TOKENS:
            token = words_of[i]
            if token.lower_ in skip:
                start = i + 1
            elif token.lower_ == "of" and i > start and words_of[i - 1].lower_ in containers \
                    and i + 1 < bounds[1] and words_of[i + 1].lower_ not in OF_DETERMINERS:
                pass  # "a large suite of test programs", "a benchmark of realistic ML workloads"
            elif token.is_upper and token.is_alpha and i > start and i + 1 < bounds[1] and words_of[i + 1].is_lower \
                    and words_of[i + 1].is_alpha:
                pass  # an acronym modifying the head: "realistic ML workloads", "standard RL benchmarks"
            elif not (token.like_num and not token.is_punct
                      or token.is_lower and (token.is_alpha or "-" in token.text) and not token.is_stop
                      or token.text == "-" and i > start and i + 1 < bounds[1] and words_of[i + 1].is_lower) \
                    or token.lower_ in words["prepositions"] or token.lower_ in words["clause_breaks"]:
                break
            i += 1
        heads = self.words["dataset_heads"]
        # the phrase ends at its last dataset head: "across six benchmark datasets demonstrate that ..." (a verb
        # after the head is no part of it)
        last = i
        i = next((j for j in range(last, start + 1, -1) if words_of[j - 1].lower_ in heads
                  or f"{words_of[j - 2].lower_} {words_of[j - 1].lower_}" in heads), start)
        if i == start and start < last and singular:
            # after a cue that names an evaluation ("experiments on", "evaluated on"), one set: "experiments on
            # the real-world dataset", "evaluated on a new multilingual benchmark"
            one = self.words["singular_dataset_heads"]
            i = next((j for j in range(last, start + 1, -1) if words_of[j - 1].lower_ in one), start)
        if i == start and start < last and words_of[start].like_num:
            # a counted set of a weaker head: "116 structural optimization tasks", "12 synthetic functions"
            counted = self.words["counted_dataset_heads"]
            i = next((j for j in range(last, start + 1, -1) if words_of[j - 1].lower_ in counted), start)
        if i - start < 2 or i - start > DATASET_PHRASE_MAX_TOKENS or words_of[i - 1].text.endswith("-"):
            return None
        # an entity may stand inside the phrase as a lower-case modifier of its head ("on multi-task learning
        # benchmarks", "on continuous-action reinforcement learning benchmarks"), not as the head or astride it
        if any(s.start < i and s.end > start and not (start <= s.start and s.end < i and all(
                words_of[k].is_lower or not words_of[k].is_alpha for k in range(s.start, s.end))) for s in ents):
            return None
        return _phrase_span(doc, start, i, "Dataset")

    def _strong_dataset_phrase(self, doc: Doc, end: int, bounds: tuple[int, int], ents: list[Span]) -> Span | None:
        """``_dataset_phrase`` after a cue that names an evaluation ("experiments on"): a singular head counts too."""
        return self._dataset_phrase(doc, end, bounds, ents, singular=True)

    def _baseline_phrase(self, doc: Doc, end: int, bounds: tuple[int, int], ents: list[Span]) -> Span | None:
        """The unnamed group of baselines right after an OUTPERFORMS cue, as a Method span: "outperforms (other
        state-of-the-art) first-order gradient-based optimizers", "surpasses existing transformer-based ASR
        models". The phrase runs over lower-case words, hyphenated words and acronyms ("LLM prompting strategy")
        up to punctuation, a stop word or a preposition; determiners and grading words before it
        ("phrase_skip_words", "baseline_skip_words") are left out; it ends at its last word of "baseline_heads"
        and holds two to PHRASE_MAX_TOKENS words. None otherwise, or when it touches an entity."""
        words_of = doc_tokens(doc).words
        words = self.frame_reader.words
        skip = self.words["phrase_skip_words"] | self.words["baseline_skip_words"]
        start = i = end
        while i < bounds[1] and i - end < 4 * PHRASE_MAX_TOKENS:
            token = words_of[i]
            if token.lower_ in BEST_WORDS:
                return None  # "the best promptable baseline" points at one of the names given elsewhere
            if token.lower_ in skip and i == start:
                start = i + 1
            elif token.text == "-" and i > start and i + 1 < bounds[1] and words_of[i + 1].is_alpha:
                pass  # "domain-specific", "CNN-based" (the tokenizer splits them)
            elif not ((token.is_lower or token.is_upper and token.is_alpha and i + 1 < bounds[1]
                       and (words_of[i + 1].is_lower or words_of[i + 1].text == "-"))
                      and (token.is_alpha or "-" in token.text) and not token.is_stop) \
                    or token.lower_ in words["prepositions"] or token.lower_ in words["clause_breaks"]:
                break
            i += 1
        heads = self.words["baseline_heads"]
        i = next((j for j in range(i, start + 1, -1) if words_of[j - 1].lower_ in heads), start)
        # words, a hyphenated word counting once
        count = sum(1 for j in range(start, i) if words_of[j].text != "-" and (j == start or words_of[j - 1].text != "-"))
        if count < 2 or count > PHRASE_MAX_TOKENS or words_of[i - 1].text.endswith("-"):
            return None
        if i < bounds[1] and (words_of[i].text == "(" or words_of[i].lower_ in NAMES_FOLLOW_WORDS):
            return None  # the names follow: "second-order methods (K-FAC and L-BFGS)", "baselines such as X", "the common approach of X"
        if any(s.start < i and s.end > start for s in ents):
            return None
        return _phrase_span(doc, start, i, "Method")

    def _other_group(self, doc: Doc, end: int, bounds: tuple[int, int]) -> Span | None:
        """The anaphoric group right after a comparison cue ending at token *end*: "(all) (the) other (adaptive)
        optimizers", a word of "baseline_heads" in the plural after "other" and at most two lower-case modifiers,
        ending the phrase (punctuation, a preposition or the sentence's end follows). As a Method span (never an
        entity: it stands for the names an earlier sentence listed), or None."""
        words_of = doc_tokens(doc).words
        lowers = token_lowers(doc)
        i = end
        while i < bounds[1] and lowers[i] in GROUP_QUANTIFIERS:
            i += 1
        if i >= bounds[1] or lowers[i] != "other":
            return None
        start = i = i + 1
        while i < bounds[1] and i - start <= 2 and lowers[i] not in self.words["baseline_heads"] \
                and words_of[i].is_lower and not words_of[i].is_stop and (words_of[i].is_alpha or "-" in lowers[i]):
            i += 1
        if i >= bounds[1] or lowers[i] not in self.words["baseline_heads"] or not lowers[i].endswith("s"):
            return None
        if i + 1 < bounds[1] and not (words_of[i + 1].is_punct or lowers[i + 1] in self.frame_reader.words["prepositions"]):
            return None
        return _phrase_span(doc, start, i + 1, "Method")

    def _group_antecedents(self, doc: Doc, group: Span, sentence: int, bounds: list[tuple[int, int]],
                           by_sentence: dict[int, list[Span]]) -> list[Span]:
        """The Methods the closest earlier sentence listed under the group's head noun: "optimizers such as SGDM,
        AdaGrad and Adam" (the head, then "such as / including / like / e.g." and the list), for "other
        optimizers". [] when no earlier sentence lists any."""
        lowers = token_lowers(doc)
        head = lowers[group.end - 1]
        for n in range(sentence - 1, 0, -1):
            low, high = bounds[n]
            ents = by_sentence.get(n, [])
            if not any(s.label_ == "Method" for s in ents):
                continue
            for k in range(high - 2, low - 1, -1):
                if lowers[k] != head or lowers[k + 1] not in EXAMPLE_OPENERS:
                    continue
                first = self._introduced_target(doc, k + 1, _Sentence(doc, low, high), ents, "Method")
                if first is not None:
                    return [first, *self._listed_after(first, ents, open_list=True)]
        return []

    def _after_figure(self, doc: Doc, start: int, low: int) -> bool:
        """Whether a comparison cue at token *start* follows a figure: "by 5.6 points over XMem and 3.1 over
        Cutie", "2.6x over X" (a weak cue, "over" / "than", that a number makes a comparison), or a figure and a
        margin word ("margin_words") a few words before it: "3.2 points higher than X", "a 12% gain over X",
        "1.5-1.9x higher throughput than X"."""
        words_of = doc_tokens(doc).words
        i = start - 1
        if i >= low and words_of[i].lower_ in FIGURE_UNITS:
            i -= 1
        if i >= low and (words_of[i].like_num or words_of[i].text[:1].isdigit()):
            return True
        margin = False
        prepositions, breaks = self.frame_reader.words["prepositions"], self.words["clause_breaks"]
        for k in range(start - 1, max(low, start - FIGURE_MARGIN_WORDS - 2) - 1, -1):
            word = words_of[k]
            if word.like_num or word.text[:1].isdigit():
                return margin
            if word.lower_ in MARGIN_WORDS:
                margin = True
            elif word.lower_ in prepositions or word.lower_ in breaks or word.lower_ in {",", "and", "or"} \
                    or not (word.is_alpha or word.lower_ in FIGURE_UNITS or word.text == "-"):
                return False
        return False

    def _figure_after(self, doc: Doc, at: int, high: int) -> bool:
        """Whether a figure follows the loser slot of a comparison that ends at token *at*: "outperforms X by 4.1%",
        "over X by 0.02-0.07" (a few words of setting may stand between: "X in final accuracy by 2.1 points")."""
        words_of = doc_tokens(doc).words
        breaks = self.words["clause_breaks"]
        for k in range(at, min(high, at + FIGURE_MARGIN_WORDS + 1)):
            if words_of[k].lower_ == "by":
                j = k + 1
                while j < high and words_of[j].lower_ in FIGURE_HEDGES:
                    j += 1
                return j < high and (words_of[j].like_num or words_of[j].text[:1].isdigit())
            if words_of[k].lower_ in breaks or words_of[k].lower_ in {",", "and", "or"} \
                    or words_of[k].like_num or words_of[k].is_punct:
                return False
        return False

    def _named_losers(self, doc: Doc, end: int, bounds: tuple[int, int], ents: list[Span], figure: bool = True,
                      strong: bool = True) -> list[Span]:
        """The names kg found no entity for in the coordination right after a comparison cue (ending at token
        *end*), as Method spans: "outperforms Alpa and a hand-tuned X" -> Alpa; "outperforming Chronos-Large,
        TimesFM and Moirai-Large" -> Chronos-Large, Moirai-Large (TimesFM is an entity already). An item is an
        entity of the sentence or a name: one to NAMED_LOSER_TOKENS tokens, the first holding a capital after its
        first letter or a letter and a digit, or capitalised ("Cutie", "Pangu-Weather", "AutoDock Vina",
        "Translatotron 2"), none a word of "generic_capitals" ("SOTA"); it ends the item (list glue, punctuation,
        a preposition, a number or the sentence's end follows: "Alpa by 23%", not "DeepSpeed configuration").
        An unnamed lower-case phrase (``_lower_loser``) is an item too when it carries a figure (the cue follows
        one, *figure*, or "by 4.1%" follows the phrase) or follows a beaten item ("outperforms Oort and
        power-of-choice selection"); "outperforms strong baselines by 3 points" names none. A weak cue ("than",
        "over": not *strong*) reads names only with a figure before it (*figure*) or after the run ("over X by
        0.02"). Items are joined by list glue; determiners and grading words may open one. The run stops at
        anything else, and at an entity that is no Method ("on ImageNet"). [] when no item is such a name."""
        texts, lowers = token_texts(doc), token_lowers(doc)
        glue = self.words["list_glue"]
        skip = self.words["phrase_skip_words"] | self.words["baseline_skip_words"]
        start_at = {s.start: s for s in ents}
        low, high = bounds

        found: list[Span] = []
        i, items = end, 0
        while i < high and items < 8:
            while i < high and (lowers[i] in skip or lowers[i] in glue) and i not in start_at:
                i += 1
            entity = start_at.get(i)
            if entity is not None:
                if entity.label_ != "Method":
                    break
                i, items = entity.end, items + 1
            else:
                name = self._loser_name(doc, i, high, ents)
                if name is None:
                    name = self._lower_loser(doc, i, high, ents)
                    if name is None or not (items or figure or self._figure_after(doc, name.end, high)):
                        break
                found.append(name)
                j = name.end
                i, items = j, items + 1
            # the glue to the next item, else the end of the run
            if i >= high or lowers[i] not in glue or texts[i] in ARTICLES:
                break
        if found and not strong and not figure and not self._figure_after(doc, i, high):
            return []
        return found

    def _lower_loser(self, doc: Doc, i: int, high: int, ents: list[Span]) -> Span | None:
        """The unnamed lower-case phrase that starts at token *i* in the loser slot of a comparison, as a Method
        span: "power-of-choice selection", "full-depth inference", "a carbon-agnostic baseline" (one to
        NAMED_LOSER_TOKENS words, hyphenated words counting once, none a stop word or a preposition). None when
        the words go on, touch an entity, or are all generic ("strong baselines", "the baseline model": words of
        "phrase_skip_words", "baseline_skip_words", "baseline_heads", "model_nouns")."""
        words_of = doc_tokens(doc).words
        texts, lowers = token_texts(doc), token_lowers(doc)
        words = self.frame_reader.words
        generic = self.words["phrase_skip_words"] | self.words["baseline_skip_words"] | self.words["baseline_heads"] \
            | MODEL_NOUNS

        def word_token(k: int) -> bool:
            text = texts[k]
            return text == text.lower() and any(c.isalpha() for c in text) and not words_of[k].is_stop \
                and lowers[k] not in words["prepositions"] and lowers[k] not in words["clause_breaks"] \
                and lowers[k] not in PHRASE_END_WORDS and all(c.isalnum() or c == "-" for c in text)

        while i + 1 < high and lowers[i] in LOSER_SKIP_WORDS and word_token(i + 1):
            i += 1  # "standard distillation" -> "distillation"
        if i >= high or not word_token(i) or any(s.start <= i < s.end for s in ents):
            return None
        starts = {s.start for s in ents}
        j, count = i + 1, 1
        while j < high and j not in starts:
            if texts[j] == "-" and j + 1 < high and word_token(j + 1) and j + 1 not in starts:
                j += 2  # "power-of-choice", "carbon - agnostic" (a hyphenated word counts once)
            elif word_token(j):
                count += 1
                j += 1
            else:
                break
            if count > NAMED_LOSER_TOKENS:
                return None
        if j < high and (j in starts or lowers[j] in ARTICLES or words_of[j].like_num
                         or texts[j][:1].isalpha() and lowers[j] not in self.words["list_glue"]
                         and lowers[j] not in words["prepositions"] and lowers[j] not in PHRASE_END_WORDS):
            # the phrase goes on ("vanilla Transformer", "pyannote 3.1") or is a verb with its object
            # ("approaching the ...")
            return None
        if all(lowers[k] in generic or texts[k] == "-" for k in range(i, j)) \
                or any(lowers[k] in BEST_WORDS for k in range(i, j)):
            return None  # (and "the best greedy baseline" points at one of the names given elsewhere)
        return _phrase_span(doc, i, j, "Method")

    def _loser_name(self, doc: Doc, i: int, high: int, ents: list[Span]) -> Span | None:
        """The name kg found no entity for that starts at token *i* (before *high*), as a Method span (see
        ``_named_losers``); None when no such name starts there or the words go on as a phrase."""
        words_of = doc_tokens(doc).words
        texts, lowers = token_texts(doc), token_lowers(doc)
        generic = self.words["generic_capitals"]

        def name_token(k: int) -> bool:
            text = texts[k]
            return text[:1].isalpha() and lowers[k] not in generic and not words_of[k].is_stop and (
                any(c.isupper() for c in text[1:]) or any(c.isdigit() for c in text) or text[:1].isupper())

        if i >= high or not name_token(i) or any(s.start <= i < s.end for s in ents):
            return None
        starts = {s.start for s in ents}
        j = i + 1
        while j < high and j - i < NAMED_LOSER_TOKENS and j not in starts and (
                texts[j] in {"-", "+"} or name_token(j) or words_of[j].like_num and "." in texts[j]
                or texts[j].isdigit() and len(texts[j]) <= 2):
            j += 1
        if texts[j - 1] == "-":
            return None
        following = lowers[j] if j < high else ""
        if j < high and not (following in self.words["list_glue"] or following in self.frame_reader.words["prepositions"]
                             or not texts[j][:1].isalnum() or words_of[j].like_num
                             or following in PHRASE_END_WORDS):
            return None  # the name goes on as a phrase: "a hand-tuned DeepSpeed configuration", "GPT-4 level"
        return _phrase_span(doc, i, j, "Method")

    def _wins(self, doc: Doc, sentence: Span, start: int, end: int) -> bool:
        """Whether the comparison cue at tokens *start* to *end* states a winner: the sentence names one and the cue
        is no tie cue ("competitive with X at lower cost" stays a comparison)."""
        lowers, ties = token_lowers(doc), self.words["tie_cues"]
        # (a tie word right before the cue makes it a tie too: "competitive performance against X")
        return self._states_winner(doc, sentence) and " ".join(lowers[start:end]) not in ties \
            and not any(lowers[k] in ties for k in range(max(sentence.start, start - 2), start))

    def _states_winner(self, doc: Doc, sentence: Span) -> bool:
        """Whether a comparison sentence says who wins: "faster", "better", "outperforms", a "2x" or "%" result."""
        winner_words = self.winner_words
        if any(word in winner_words for word in token_lowers(doc)[sentence.start:sentence.end]):
            return True
        return any(r["sentence"] == sentence_index(doc, sentence) and r.get("unit") in {"x", "%"}
                   for r in doc_value(doc, "kg_results") or [])

    @staticmethod
    def _introduced_target(doc: Doc, end: int, sentence: Span, ents: list[Span], label: str) -> Span | None:
        """The first entity after "such as / including / e.g. / (" that closes a short generic phrase after a cue."""
        words_of = doc_tokens(doc).words  # the lexeme attributes per token, without Token objects
        lowers, texts = token_lowers(doc), token_texts(doc)  # the per-doc word columns (kg.extract.frame.token_lowers)
        limit = min(sentence.end, end + 12)
        i = end
        while i < limit:
            token = words_of[i]
            inside = next((s for s in ents if s.start == i), None)
            if inside is not None:
                if inside.end < sentence.end and words_of[inside.end].is_lower and words_of[inside.end].is_alpha \
                        and not words_of[inside.end].is_stop:
                    i = inside.end  # "pruning strategies, such as X": a name inside the generic phrase
                    continue
                if _hyphen_modifier(doc, inside):
                    i = inside.end + 2  # "LLM-based agents, e.g., X": a name as the group's modifier
                    continue
                return None  # another entity first: not a generic phrase
            if token.lower_ in {"such", "including", "e.g.", "e.g", "like", "("}:
                j = i + (2 if token.lower_ == "such" and i + 1 < limit and lowers[i + 1] == "as" else 1)
                while j < sentence.end and texts[j] in {",", ":"}:
                    j += 1
                return next((s for s in ents if s.start == j and s.label_ == label), None)
            if not (token.is_alpha or token.like_num or token.text in {"-", ",", "/"}) or token.lower_ in ITEM_BREAKS:
                return None  # (a count may stand in the phrase: "across 10 datasets, including X")
            i += 1
        return None

    def _behind_unnamed(self, doc: Doc, end: int, sentence: Span, ents: list[Span], label: str) -> Span | None:
        """The first entity of *label* in a coordination right after a cue (ending at token *end*) whose earlier
        items are names kg did not find: "on DeepMind Control, OpenAI gym, and IsaacGym" -> IsaacGym. Each item
        before it is at most UNNAMED_ITEM_TOKENS words holding a capital or a digit ("OpenAI gym", "PG-19"),
        the items are joined by list glue ("," / "and" / "or"), and at most UNNAMED_ITEMS of them precede the
        entity. None when anything else comes first (a lower-case phrase, another entity, a clause)."""
        words_of = doc_tokens(doc).words
        glue = self.words["list_glue"]
        start_at = {s.start: s for s in ents}
        i, items, limit = end, 0, sentence.end
        while i < limit and words_of[i].lower_ in ARTICLES:
            i += 1
        while i < limit and items <= UNNAMED_ITEMS:
            found = start_at.get(i)
            if found is not None:
                return found if items and found.label_ == label else None
            j, named = i, False
            while j < limit and j - i < UNNAMED_ITEM_TOKENS and j not in start_at \
                    and words_of[j].lower_ not in glue and (words_of[j].is_alpha or words_of[j].like_num
                                                             or words_of[j].text == "-" or "-" in words_of[j].text
                                                             or any(c.isdigit() for c in words_of[j].text)):
                named = named or not words_of[j].is_lower
                j += 1
            if j == i or not named or j >= limit or words_of[j].lower_ not in glue or words_of[j].text == "-":
                return None
            items += 1
            while j < limit and words_of[j].lower_ in glue:
                j += 1
            i = j
        return None

    def _group_items(self, first: Span, ents: list[Span], high: int) -> list[Span]:
        """The Methods listed after *first*, the first example of a group ("baselines such as X, ..."), up to the end
        of the coordination: items are joined by list glue, and an item kg found no entity for (at most
        UNNAMED_ITEM_TOKENS + 1 words, and a parenthesis) is passed over ("such as MPC, common Lyapunov methods
        (CLF), LQR and QP" -> LQR, QP). The run ends after the item that follows "and" / "or", and at anything
        that is no item (a preposition, a verb after an item, a clause break)."""
        doc = first.doc
        words_of = doc_tokens(doc).words
        glue = self.words["list_glue"]
        prepositions = self.frame_reader.words["prepositions"]
        start_at = {s.start: s for s in ents if s.start >= first.end}

        def past_parenthesis(k: int) -> int:
            if k < high and words_of[k].text == "(":
                close = next((m for m in range(k + 1, min(high, k + 6)) if words_of[m].text == ")"), None)
                return close + 1 if close is not None else k
            return k

        found: list[Span] = []
        i = past_parenthesis(first.end)
        while i < high:
            closing = False
            j = i
            while j < high and words_of[j].lower_ in glue and j not in start_at:
                closing = closing or words_of[j].lower_ in {"and", "or", "&"}
                j += 1
            if j == i or j >= high:
                break
            entity = start_at.get(j)
            if entity is not None:
                if entity.label_ != first.label_:
                    break
                found.append(entity)
                i = past_parenthesis(entity.end)
            else:
                k = j
                while k < high and k - j <= UNNAMED_ITEM_TOKENS and k not in start_at \
                        and (words_of[k].is_alpha or "-" in words_of[k].text) \
                        and words_of[k].lower_ not in glue and words_of[k].lower_ not in prepositions:
                    k += 1
                if k == j or k < high and k in start_at:
                    break
                i = past_parenthesis(k)
            if closing:
                break
        return [span for span in found if span.kb_id_ != first.kb_id_]

    def _listed_after(self, first: Span, ents: list[Span], open_list: bool = False) -> list[Span]:
        """Entities of the same label listed after *first*: "on X, Y and Z". A list must end with "and" / "or"
        ("Compared to Y, X ..." is no list) unless "such as / including" opened it (*open_list*)."""
        doc = first.doc
        listed, last, closed = [], first, 0
        for span in ents:
            if span.start < last.end or span.label_ != first.label_:
                continue
            if span.start == last.end + 1 and token_texts(doc)[last.end] == "(":
                continue  # "reinforcement learning (RL)": the acronym in parentheses is the same item
            between = _without_parentheses(doc, last.end, span.start)
            methods = first.label_ == "Method"
            if methods:
                # a baseline's hyphenated kind is one plain modifier: "CPU-based FastLLM and GPU-based MLC-LLM"
                between = _kind_modifiers_joined(between, self.frame_reader.words["hyphen_suffixes"])
            glue = [t for t in between if t.lower_ in self.words["list_glue"]]
            # "X, as well as state-of-the-art Y": a few plain modifiers may follow the glue
            modifiers = [t for t in between if t.lower_ not in self.words["list_glue"]]
            if not glue or len(between) > 6 or between[0].lower_ not in self.words["list_glue"] or any(
                    not (t.is_lower and (t.is_alpha or "-" in t.text)) or t.is_stop for t in modifiers) \
                    or len(modifiers) > 2:
                break
            listed.append(span)
            last = span
            if any(t.lower_ in {"and", "or", "&", "/"} for t in between) \
                    or methods and [t.lower_ for t in glue[-3:]] == ["as", "well", "as"]:
                closed = len(listed)  # (baselines: "outperform X, as well as state-of-the-art Y" closes the list too)
        if listed and closed < len(listed) and self._closes_unnamed(doc, last.end):
            closed = len(listed)  # "on X, Y, Z and a medical QA set": an unnamed last item closes the list
        return listed if open_list else listed[:closed]

    @staticmethod
    def _closes_unnamed(doc: Doc, at: int) -> bool:
        """Whether the tokens from *at* close a list with an unnamed item: "(,) and / or" then a determiner or a
        capitalised word ("and a GPT-4 zero-shot baseline", "and the ECMWF IFS HRES"), not a verb of the
        sentence ("and improves ...")."""
        texts, lowers = token_texts(doc), token_lowers(doc)
        end = sentence_at(doc, max(at - 1, 0))[1]
        if at < end and texts[at] == ")":
            at += 1
        if at < end and texts[at] == ",":
            at += 1
        if at + 1 >= end or lowers[at] not in {"and", "or"}:
            return False
        following = texts[at + 1]
        return lowers[at + 1] in ARTICLES or following[:1].isupper()

    # -- serialisation (kg.extract.base.SerialisedState: cfg.json and relations_cues.jsonl on disk) --------
    row_files = {"cues": "relations_cues.jsonl"}

    def _cfg(self) -> dict[str, Any]:
        return {"cues": self.rows, "decay": self.decay, "max_source_gap": self.max_source_gap,
                "result_confidence": self.result_confidence, "block_confidence": self.block_confidence,
                "cooccurrence_confidence": self.cooccurrence_confidence, "min_confidence": self.min_confidence,
                "overwrite": self.overwrite, "phrases": self.phrases, "method_phrases": self.method_phrases,
                "initialized": self.initialized}

    def _set_cfg(self, cfg: dict[str, Any]) -> None:
        for name in ("decay", "max_source_gap", "result_confidence", "block_confidence", "cooccurrence_confidence",
                     "min_confidence", "overwrite", "phrases", "method_phrases"):
            setattr(self, name, cfg.get(name, getattr(self, name)))
        self._load(cfg.get("cues", self.rows))
        self.initialized = bool(cfg.get("initialized", True))


def _modifier_inside(longer: Any, shorter: Any) -> bool:
    """Whether one of the names in *shorter* stands inside one of the names in *longer* as a modifier, other words
    following it ("KV Cache" in "Mixed-Precision KV Cache Quantization", "FP8" in "FP8 Training"): the longer
    name is about it, not built on it (``modifier_inside``). Not a name at the end ("Robust Alternating
    Minimization" on "alternating minimization") nor one a hyphen joins ("SurCo-zero")."""
    for long_text in longer:
        long_lower = long_text.lower()
        for short_text in shorter:
            short_lower = short_text.lower()
            if len(short_lower) >= len(long_lower):
                continue
            at = long_lower.find(short_lower)
            while at >= 0:
                after = long_lower[at + len(short_lower):]
                if (at == 0 or not long_lower[at - 1].isalnum()) and after[:1] == " " and after[1:2].isalnum():
                    return True
                at = long_lower.find(short_lower, at + 1)
    return False


def _field_head(longer: Any, shorter: Any) -> bool:
    """Whether one of the names in *shorter* is a single lower-case word that ends one of the names in *longer*
    ("quantization" in "Mixed-Granularity Activation Quantization", "meta-learning" in "Bootstrapped
    Meta-Learning"): the field the longer name's method belongs to, not a method it builds on."""
    for short_text in shorter:
        if " " in short_text or not short_text.islower():
            continue
        if any(long_text.lower().endswith(" " + short_text) for long_text in longer):
            return True
    return False


def named_entities(doc: Doc) -> list[Span]:
    """The entities that can end a relation, in the group's order: a key, and not a number taken for a name
    ("0.39dB"). Read once per doc and state of its entities (kg.extract.entity_table), for kg_relations and
    kg_edge_scorer; do not change the list."""
    table = entity_table(doc)
    named = table.memo.get(_NAMED_KEY) if table.group is not None else None
    if named is None:
        named = [span for span in table.spans if span.kb_id_ and not number_shaped(span)]
        if table.group is not None:
            table.memo[_NAMED_KEY] = named
    return named


_NAMED_KEY = "kg_relations_named"


def _own_work_start(frame: dict[str, Any], bounds: list[tuple[int, int]], sentence_of: list[int]) -> int:
    """The first token of the first sentence after the title in which the abstract speaks of its own work: a word
    that refers to the proposal ("we", "our method", ``frame["self"]``) or a proposal found there (``frame["why"]``).
    The sentences between the title and it are background ("Training large models on numerous GPUs consumes ..."):
    a cue there with no named subject is not about the paper's method. 0 (no background) when the abstract never
    does, or has no title sentence."""
    if len(bounds) < 2:
        return 0
    title_end = bounds[0][1]
    starts = [start for start, _ in frame["self"] if start >= title_end]
    for rule in frame["why"].values():
        _, _, at = str(rule).rpartition("@")
        if at.isdigit() and int(at) >= title_end:
            starts.append(int(at))
    if not starts:
        return 0
    return bounds[sentence_of[min(starts)]][0]


# words that may stand between "we" and its verb: "we also / then / further / have evaluate(d)"
VERB_FILLERS = kind_words("relations_cues.jsonl", "verb_fillers")
# the word after a hyphen that makes a Method a modifier of what something is built from ("LLM-based", "ResNet-like")
BUILT_FROM_SUFFIXES = kind_words("relations_cues.jsonl", "built_from_suffixes")


def lowers_before_in(doc: Doc, start: int, low: int, words: set[str]) -> bool:
    """Whether the word before token *start* (not before *low*, the sentence start) is one of *words*."""
    return start > low and token_lowers(doc)[start - 1] in words


def _before_adverbs(lowers: list[str], low: int, i: int) -> int:
    """The token before the verb at *i* once adverbs and auxiliaries are passed over ("we also extensively
    evaluate" -> "we"); *low* (the sentence start) at most."""
    j = i - 1
    while j > low and (lowers[j] in VERB_FILLERS or lowers[j].endswith("ly")):
        j -= 1
    return max(j, low)


def sentence_bounds_of(sentence: Span) -> tuple[int, int]:
    return sentence.start, sentence.end


def sentence_index(doc: Doc, sentence: Span) -> int:
    """The index of *sentence* in ``list(doc.sents)``."""
    return sum(1 for start, _ in sentence_bounds(doc) if start < sentence.start)


def _hyphen_modifier(doc: Doc, span: Span) -> bool:
    """A Method written as a modifier that says what something is built from: "LLM-based", "ResNet-like"."""
    after = span.end
    # the word columns (kg.extract.token_view), the lower-case one only after a hyphen
    return after + 1 < len(doc) and token_texts(doc)[after] in {"-", "–"} and token_lowers(doc)[after + 1] in BUILT_FROM_SUFFIXES


class _Modifier:
    """A hyphenated kind read as one plain lower-case modifier ("GPU-based"): the attributes _listed_after reads."""

    lower_ = text = "kind-based"
    is_lower, is_alpha, is_stop = True, False, False


def _kind_modifiers_joined(tokens: list, suffixes: frozenset[str]) -> list:
    """*tokens* (lexeme attributes) with each "X - suffix" run ("GPU - based", a word of "hyphen_suffixes") as one
    plain modifier."""
    out, k = [], 0
    while k < len(tokens):
        if k + 2 < len(tokens) and tokens[k + 1].text in {"-", "–"} and tokens[k + 2].lower_ in suffixes \
                and tokens[k].text[:1].isalnum():
            out.append(_Modifier)
            k += 3
            continue
        out.append(tokens[k])
        k += 1
    return out


def _without_parentheses(doc: Doc, start: int, end: int) -> list:
    """The words of tokens *start* to *end* outside short parentheses: "X (RL), Y" -> ",": an acronym after an item
    does not end a list (the lexeme attributes of each token, kg.extract.base.doc_tokens: ``lower_``, ``text``,
    ``is_lower`` ...)."""
    tokens = doc_tokens(doc).words[start:end]
    kept, depth, inside = [], 0, 0
    for token in tokens:
        if token.text == "(":
            depth, inside = depth + 1, 0
        elif token.text == ")" and depth:
            depth -= 1
        elif depth:
            inside += 1
            if inside > 4:
                return list(tokens)
        else:
            kept.append(token)
    return kept if not depth else list(tokens)


