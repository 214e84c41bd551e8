"""A learned scorer over kg's relation candidates: rules propose, logistic regression decides.

``kg_relations`` reads cues and the contribution frame and proposes relations; this component
(``kg_edge_scorer``, after it) adds broad candidates the rules do not state (a dataset or a device in a
sentence with a method, the paper's proposal with every dataset, device and method it mentions, two methods
of a sentence that a cue of the type joins in its direction: "S4 uses HiPPO"), describes each candidate with
features that do not name words (how the rules found it, whether its subject is the frame's proposal,
whether its target is a baseline, the distance between the ends, the sentence's position, which relation
cues the sentence holds and which lie between the ends, commas and clause breaks between them, list
position, the dependency path when a parser ran), and keeps a candidate of
EVALUATED_ON, RUNS_ON, OUTPERFORMS or BUILDS_ON when one logistic regression per type scores it at or above
that type's threshold. The confidence of a kept relation is that probability. A type whose rules alone scored
as well out of fold on dev as its model, within the trainer's RULES_MARGIN, is in "rules" mode: it keeps exactly the
candidates kg_relations' rules stated, with the model's probability as their confidence. A type in "hybrid" mode
keeps the rules' candidates of a sure origin (a cue of the type, a comparison with a stated winner) and needs the
model's agreement (its threshold) for the rules' others: a loose cue ("uses", "with", marked ``"loose"`` in
relations_cues.jsonl), what the propose sentence lists, a name made from another, a result's roles, a dataset
merely next to a method. The trainer picks rules, hybrid or scored per type by nested CV. Other types (MEASURED_BY,
COMPARED_WITH) pass through unchanged. A Method that ``kg_relations`` read as the unnamed phrase after a
BUILDS_ON cue ("uses tiling to ...") stays an entity only if a kept relation ends at it.

The model (weights, bias and threshold per type, and the feature names they were trained for) is package
data, ``kg/extract/models/edge_scorer.json``, written by ``python -m kg.evaluate.train_edge_scorer`` from the
dev gold only (cross-validated on dev; C and the mode chosen by out-of-fold F1 with each fold's threshold
chosen on the other folds); it is saved and loaded
with the pipeline (``to_disk`` / ``from_bytes``).
"""

from __future__ import annotations

import functools
import json
import math
from bisect import bisect_left
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.extract.doc_values import doc_value, set_doc_value
from kg.extract.base import SerialisedState, doc_tokens, pipe_in_batches
from kg.extract.candidates import span_text
from kg.extract.frame import frame_of, parsed, sentence_bounds, token_sentences
from kg.extract.pattern_data import read_pattern_file
from kg.extract.relations import (CUES_KEY, DEFAULT_CUES, PHRASE_SOURCE, RELATION_LABELS, RelationFinder,
                                  named_entities)
from kg.extract.frame import token_lowers  # the per-doc columns, remembered for the last doc
from kg.extract.entity_table import entity_spans, set_entity_spans

MODEL_PATH = Path(__file__).parent / "models" / "edge_scorer.json"
SCORED_TYPES = ("EVALUATED_ON", "RUNS_ON", "OUTPERFORMS", "BUILDS_ON")
# how kg_relations found a candidate (its "origins"), and the two broad sources this component adds
ORIGINS = ("cue:same", "cue:loose", "cue:COMPARED_WITH", "cue:other", "block", "extension", "device", "hyphen",
           "cooccurrence", "result", "sentence", "paper", "pair", "phrase")
FEATURES: tuple[str, ...] = (
    "rule_confidence", *(f"origin={o}" for o in ORIGINS), "n_origins",
    "source_proposed", "source_first_proposed", "target_proposed", "target_baseline", "source_baseline",
    "source_in_sentence", "log_distance", "target_before_source", "cue_between",
    "sentence_has_cue", "sentence_has_other_cue", "sentence_self", "sentence_result", "title",
    "sentence_position", "first_sentence", "last_sentence", "log_targets_in_sentence", "log_methods_in_sentence",
    "log_source_mentions", "log_target_mentions", "source_shaped", "target_shaped",
    "parsed", "dep_path_short", "dep_same_head", "sentence_winner", "log_triple_support", "triple_has_rule",
    "triple_rule_max",
    # structure between the two ends: a cue of the type read in its direction (source, cue, target), a
    # comparison or another type's cue between them, commas and clause breaks (";", ":", "(") between them,
    # the number of methods between, the source being the sentence's first method, the target inside a list
    "cue_directed", "compare_cue_between", "other_cue_between", "log_commas_between", "clause_break_between",
    "log_methods_between", "source_first_method", "target_listed", "target_list_later", "target_phrase",
    # how unsure kg_scorer is of each end as an entity (1 - its probability; 0 for an end it did not score, or
    # without kg_scorer): a relation between doubtful names is doubtful
    "source_doubt", "target_doubt",
)
RULE_ORIGINS = {"block", "extension", "device", "hyphen", "cooccurrence", "result", "phrase"}
# the origins of kg_relations' own rules: a type whose model is in "rules" mode keeps exactly these candidates
RULE_CANDIDATE_ORIGINS = tuple(o for o in ORIGINS if o.startswith("cue:") or o in RULE_ORIGINS)
RULE_CANDIDATE_FEATURES = tuple(FEATURES.index(f"origin={o}") for o in RULE_CANDIDATE_ORIGINS)
# the origins a "hybrid" type keeps without the model: a cue of the type read in its direction, or a comparison
# that states a winner; the rules' other candidates (a loose cue such as "uses" / "with", what the propose sentence
# lists, a name made from another, a result's roles, a dataset next to a method) need the model's agreement
SURE_ORIGINS = ("cue:same", "cue:COMPARED_WITH")
SURE_FEATURES = tuple(FEATURES.index(f"origin={o}") for o in SURE_ORIGINS)
# "scored": keep a candidate whose probability reaches the threshold; "rules": the trainer found the rules alone
# better than the model out of fold (on dev), so keep the rules' candidates, with the probability as confidence;
# "hybrid": keep the rules' candidates of a sure origin, and their others whose probability reaches the threshold
MODES = ("scored", "rules", "hybrid")
_INDEX = {name: n for n, name in enumerate(FEATURES)}
# the features EdgeScorer._features sets by name, in the order it computes them (their indices, read once)
_NAMED = (
    "rule_confidence", "n_origins", "source_proposed", "source_first_proposed", "target_proposed",
    "target_baseline", "source_baseline", "source_in_sentence", "log_distance", "target_before_source",
    "cue_between", "sentence_has_cue", "sentence_has_other_cue", "cue_directed", "compare_cue_between",
    "other_cue_between", "log_commas_between", "clause_break_between", "log_methods_between", "source_first_method",
    "target_listed", "target_list_later", "target_phrase", "source_doubt", "target_doubt",
    "log_targets_in_sentence", "log_source_mentions", "log_target_mentions", "source_shaped", "target_shaped",
    "dep_path_short", "dep_same_head", "log_triple_support", "triple_has_rule", "triple_rule_max",
)
_NAMED_INDEX = tuple(_INDEX[name] for name in _NAMED)


class _Context:
    """What the features of one doc's candidates are read from (kg_edge_scorer's per-doc working state)."""

    def __init__(self, doc, bounds, mentions, by_sentence, label_of, phrases, frame, cue_types, support):
        self.doc, self.bounds, self.mentions, self.by_sentence = doc, bounds, mentions, by_sentence
        self.label_of, self.phrases, self.frame, self.cue_types, self.support = label_of, phrases, frame, cue_types, support
        self.lowers = self.commas = self.clause = self.listed = self.shaped = None
        self.result_sentences = self.baselines = self.confidences = None
        self.parsed = False
        self.sentences: dict[int, tuple] = {}


@Language.factory("kg_edge_scorer", default_config={"model": None, "broad": True, "pairs": True})
def make_edge_scorer(nlp: Language, name: str, model: dict[str, Any] | None, broad: bool, pairs: bool) -> EdgeScorer:
    return EdgeScorer(nlp, name, model=model, broad=broad, pairs=pairs)


def load_model(path: str | Path = MODEL_PATH) -> dict[str, Any]:
    """The shipped model: {"features": [...], "types": {type: {"weights": [...], "bias": b, "threshold": t}}}."""
    model = json.loads(Path(path).read_text(encoding="utf-8"))  # stdlib json: every float exactly as written
    check_model(model)
    return model


def untrained_model() -> dict[str, Any]:
    """A model for the current features that keeps nothing: what a trainer collects candidates with."""
    return {"features": list(FEATURES),
            "types": {t: {"weights": [0.0] * len(FEATURES), "bias": 0.0, "threshold": 1.0} for t in SCORED_TYPES}}


def check_model(model: dict[str, Any]) -> None:
    if list(model.get("features", [])) != list(FEATURES):
        raise ValueError("edge scorer model was trained for other features: retrain it "
                         "(python -m kg.evaluate.train_edge_scorer)")
    for rel_type, part in model.get("types", {}).items():
        if rel_type not in SCORED_TYPES or len(part.get("weights", [])) != len(FEATURES) \
                or not isinstance(part.get("bias"), (int, float)) or not 0 <= part.get("threshold", -1) <= 1 \
                or part.get("mode", "scored") not in MODES:
            raise ValueError(f"edge scorer model: bad entry for {rel_type!r}")


@functools.lru_cache(maxsize=1024)
def _origin_index(rel_type: str, origin: str) -> int | None:
    """The feature index of how a candidate of *rel_type* was found (a cue of its own type is "cue:same", of
    COMPARED_WITH "cue:COMPARED_WITH", of another type "cue:other"), or None for an origin without a feature."""
    if origin.startswith("cue:"):
        cue_type, _, flag = origin[4:].partition(":")
        name = ("cue:loose" if flag == "loose" else "cue:same") if cue_type == rel_type else (
            "cue:COMPARED_WITH" if cue_type == "COMPARED_WITH" else "cue:other")
    else:
        name = origin
    return _INDEX.get(f"origin={name}")


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


class EdgeScorer(SerialisedState):
    """Rescore ``doc._.kg_relations`` and add the broad candidates the model accepts."""

    def __init__(self, nlp: Language, name: str = "kg_edge_scorer", *, model: dict[str, Any] | None = None,
                 broad: bool = True, pairs: bool = True) -> None:
        self.nlp = nlp
        self.name = name
        self.broad = broad
        self.pairs = pairs  # broad OUTPERFORMS / BUILDS_ON candidates between two methods a cue joins
        self.model = model if model is not None else load_model()
        check_model(self.model)
        self.relations = next((c for _, c in nlp.pipeline if isinstance(c, RelationFinder)), None)
        if self.relations is not None:
            self.relations.keep_origins = True
        self._words: tuple[frozenset[str], frozenset[str]] | None = None
        self._marks: tuple[str, frozenset[str], frozenset[str]] | None = None

    def initialize(self, get_examples=None, *, nlp: Language | None = None) -> None:
        self.relations = next((c for _, c in (nlp or self.nlp).pipeline if isinstance(c, RelationFinder)), None)
        if self.relations is not None:
            self.relations.keep_origins = True
        self._words = self._marks = None

    def __call__(self, doc: Doc) -> Doc:
        if self.relations is not None:
            self.relations.keep_origins = True
        kept = []
        types = self.model["types"]
        # a type in "rules" or "hybrid" mode drops every broad candidate unscored: those are only counted (triple
        # support)
        relations, context = self._collect(doc, frozenset(
            t for t, part in types.items() if t in SCORED_TYPES and part.get("mode") in {"rules", "hybrid"}))
        for relation in relations:
            origins = relation.pop("origins")
            rel_type = relation["type"]
            part = types.get(rel_type)
            if part is None or rel_type not in SCORED_TYPES:  # a type the model does not score
                kept.append(relation)
                continue
            mode = part.get("mode", "scored")
            if context is None:
                features: list[float] = []
            elif mode != "scored" and not any(o.startswith("cue:") or o in RULE_ORIGINS for o in origins):
                continue  # "rules" / "hybrid" keep only the rules' own candidates: a broad one needs no features
            else:
                features = self._features(context, relation, origins)
            probability = self.probability(rel_type, features)
            if mode == "rules":
                keep = any(features[i] for i in RULE_CANDIDATE_FEATURES) if features else True
            elif mode == "hybrid":
                keep = (any(features[i] for i in SURE_FEATURES) if features else True) \
                    or probability >= part["threshold"]
            else:
                keep = probability >= part["threshold"]
            if keep:
                relation["confidence"] = round(probability, 3)
                kept.append(relation)
        set_doc_value(doc, "kg_relations", kept)
        # a phrase kg_relations read after a cue stays an entity only as the end of a kept relation
        spans = entity_spans(doc)
        if any(s.id_ == PHRASE_SOURCE for s in spans):
            # (a kept one becomes an ordinary "phrase" candidate, the weakest named source of a record; a Dataset
            # description, "five real-world datasets", becomes "unnamed": corpus resolution gives it an id of its
            # paper's own, kg.naming.entity_id's scope. A technique read after a cue, "uses tiling", is a name.)
            ends = {key for r in kept for key in (r["source"], r["target"])}
            set_entity_spans(doc, [
                s if s.id_ != PHRASE_SOURCE else Span(doc, s.start, s.end, label=s.label_, kb_id=s.kb_id_,
                                                      span_id="unnamed" if s.label_ == "Dataset" else "phrase")
                for s in spans if s.id_ != PHRASE_SOURCE or s.kb_id_ in ends])
        return doc

    def probability(self, rel_type: str, features: list[float]) -> float | None:
        """The model's probability of a candidate of *rel_type* (unrounded); None for a type it does not score."""
        part = self.model["types"].get(rel_type)
        if part is None:
            return None
        return _sigmoid(part["bias"] + sum([w * x for w, x in zip(part["weights"], features) if x]))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        yield from pipe_in_batches(self, docs, batch_size)  # a batch at a time: see kg.extract.base

    # -- candidates and features --------------------------------------------------------------------------
    def candidates(self, doc: Doc) -> list[tuple[dict[str, Any], list[float]]]:
        """Every candidate relation (origins removed) with its feature vector (in FEATURES order)."""
        relations, context = self._collect(doc)
        if context is None:
            return [(r, []) for r in relations]
        out = []
        for relation in relations:
            origins = relation.pop("origins")
            out.append((relation, self._features(context, relation, origins)
                        if relation["type"] in SCORED_TYPES else []))
        return out

    def _collect(self, doc: Doc, counted_only: frozenset[str] = frozenset()) -> tuple[list[dict[str, Any]],
                                                                                    _Context | None]:
        """The candidate relations (each with its "origins") and what their features are read from, per doc.
        The broad candidates of the types in *counted_only* are not listed, only counted in the triple support
        (as a listed one would be: one more mention, no rule, confidence 0)."""
        relations = list(doc_value(doc, "kg_relations") or [])
        bounds = sentence_bounds(doc)
        if not bounds:
            return relations, None
        sentence_of = token_sentences(doc)  # the sentence of each token (shared: not changed here)
        # (start, end, label, key, span) of each entity mention, read from the spans once
        mentions: dict[str, list[tuple]] = {}
        by_sentence: dict[int, list[tuple]] = {}
        for span in sorted(named_entities(doc), key=lambda s: s.start):  # with a key, not a number
            key = span.kb_id_
            entity = (span.start, span.end, span.label_, key, span)
            mentions.setdefault(key, []).append(entity)
            by_sentence.setdefault(sentence_of[span.start], []).append(entity)
        label_of = {key: spans[0][2] for key, spans in mentions.items()}
        phrases = {key for key, spans in mentions.items() if spans[0][4].id_ == PHRASE_SOURCE}
        frame = frame_of(doc)
        proposed = frame["proposed"]

        cue_types: dict[int, list[tuple[str, int, bool]]] = {}
        for rel_type, start, right in doc.user_data.pop(CUES_KEY, ()):
            cue_types.setdefault(sentence_of[start], []).append((rel_type, start, right))

        seen = {(r["type"], r["source"], r["target"], r["sentence"]) for r in relations}
        support: dict[tuple[str, str, str], list[float]] = {}
        evidence: dict[int, str] = {}

        def evidence_of(sentence: int) -> str:  # Span.text joins every token: once per sentence
            text = evidence.get(sentence)
            if text is None:
                text = evidence[sentence] = span_text(doc[slice(*bounds[sentence])])
            return text

        # a broad candidate of a counted-only type matters only through the support of a triple the rules state
        # (the only candidates of that type scored): the others are neither listed nor read, so not enumerated
        needed = {(r["type"], r["source"], r["target"]) for r in relations if r["type"] in counted_only} \
            if counted_only else set()
        needed_targets = {(rel_type, target) for rel_type, _, target in needed}
        types = [(rel_type, *RELATION_LABELS[rel_type], rel_type in counted_only) for rel_type in self.model["types"]]
        if self.broad and (needed or any(not counted for *_, counted in types)):
            for sentence, ents in by_sentence.items():
                methods = [e[3] for e in ents if e[2] == "Method"]
                # the sources of a target that is not a Method: the sentence's methods, then the proposal (the same
                # for every such target of the sentence: made once, only read below)
                sentence_sources = None
                for _, _, label, target, _ in ents:
                    for rel_type, source_label, target_label, counted in types:
                        # a type the model does not score keeps the rules' own
                        if label != target_label or counted and (rel_type, target) not in needed_targets:
                            continue
                        if target_label != "Method":
                            if sentence_sources is None:
                                sentence_sources = {key: "sentence" for key in methods}
                                for key in proposed[:2]:
                                    sentence_sources.setdefault(key, "paper")
                            sources = sentence_sources
                        else:
                            sources = {key: "paper" for key in proposed[:2]}
                            if self.pairs:  # "S4 uses HiPPO", "A beats B": two methods with the type's cue between
                                for source in methods:
                                    if source not in sources and (not counted or (rel_type, source, target) in needed) \
                                            and self._cue_between(ents, source, target, cue_types.get(sentence, ()),
                                                                  rel_type):
                                        sources[source] = "pair"
                        for source, origin in sources.items():
                            key = (rel_type, source, target, sentence)
                            if source == target or key in seen or label_of.get(source) != source_label:
                                continue
                            if counted and (rel_type, source, target) not in needed:
                                continue
                            seen.add(key)
                            if counted:
                                entry = support.setdefault((rel_type, source, target), [0, 0.0, 0.0])
                                entry[0] += 1
                                entry[1] = max(entry[1], 0.0)
                                entry[2] = max(entry[2], 0.0)
                                continue
                            relations.append({"type": rel_type, "source": source, "target": target,
                                              "sentence": sentence, "evidence": evidence_of(sentence),
                                              "confidence": 0.0, "origins": [origin]})
        # the same triple found in several sentences, or by a rule in another sentence, is likelier
        for relation in relations:
            origins = relation.setdefault("origins", ["cue:same"])
            rule = any(o.startswith("cue:") or o in RULE_ORIGINS for o in origins)
            entry = support.setdefault((relation["type"], relation["source"], relation["target"]), [0, 0.0, 0.0])
            entry[0] += 1
            entry[1] = max(entry[1], float(rule))
            entry[2] = max(entry[2], float(relation.get("confidence") or 0.0))
        return relations, _Context(doc, bounds, mentions, by_sentence, label_of, phrases, frame, cue_types,
                                   support)

    def _doc_context(self, context: _Context) -> None:
        """The per-doc parts of the features that only scored candidates need: word ids, comma and clause-break
        prefix counts, list positions (computed on the first scored candidate of a doc)."""
        doc = context.doc
        winner_words = self.relations.winner_words if self.relations is not None else set()
        # per sentence, once: whether it says "we / our" and whether it names a winner ("faster", "better")
        if self._words is None:
            self._words = (frozenset(self._word_list("self_words")), frozenset(winner_words))
        lowers = token_lowers(doc)  # the per-doc word column (kg.extract.frame.token_lowers): lower-case words
        if self._marks is None:
            list_glue = self.relations.words["list_glue"] if self.relations is not None else frozenset()
            self._marks = (",", frozenset(list_glue), frozenset(self._word_list("clause_breaks")))
        comma, glue, breaks = self._marks
        # the positions of commas and of clause breaks, in order: how many lie between two tokens by bisection
        commas = [i for i, word in enumerate(lowers) if word == comma]
        clause = [i for i, word in enumerate(lowers) if word in breaks]
        # per mention: (index in its list of same-label entities, list length); lists joined by "," / "and" ...
        listed: dict[int, tuple[int, int]] = {}
        for ents in context.by_sentence.values():
            run: list[tuple] = []
            for entity in ents:
                previous = run[-1] if run else None
                if previous is not None and previous[2] == entity[2] and entity[0] > previous[1] \
                        and entity[0] - previous[1] <= 3 and all(w in glue for w in lowers[previous[1]:entity[0]]):
                    run.append(entity)
                    continue
                for n, member in enumerate(run):
                    listed[member[0]] = (n, len(run))
                run = [entity]
            for n, member in enumerate(run):
                listed[member[0]] = (n, len(run))
        context.lowers, context.commas, context.clause, context.listed = lowers, commas, clause, listed
        words_of = doc_tokens(doc).words  # the lexeme attributes per token, without Token objects
        context.shaped = {key: float(any(not words_of[i].is_lower for i in range(spans[0][0], spans[0][1])))
                          for key, spans in context.mentions.items()}
        context.result_sentences = {r["sentence"] for r in doc_value(doc, "kg_results") or []}
        context.confidences = doc_value(doc, "kg_confidences") or {}
        context.baselines = set(context.frame["baselines"])
        context.parsed = parsed(doc)

    def _word_list(self, kind: str) -> frozenset[str]:
        """A word list of kg_relations' cue rows (``relations_cues.jsonl``: "self_words", "clause_breaks"); the
        package's rows when the pipeline has no kg_relations."""
        if self.relations is not None:
            self.relations.check_initialized()
            return self.relations.words[kind]
        return frozenset(w.lower() for row in read_pattern_file(DEFAULT_CUES) if row.get("kind") == kind
                         for w in row["words"])

    def _sentence_context(self, context: _Context, sentence: int) -> tuple:
        """Per sentence, once: its entity mentions, cues, the features that do not depend on the two ends."""
        cached = context.sentences.get(sentence)
        if cached is not None:
            return cached
        ents = context.by_sentence.get(sentence, [])
        cues = context.cue_types.get(sentence, [])
        words = set(context.lowers[slice(*context.bounds[sentence])])
        n_sentences = len(context.bounds)
        label_counts: dict[str, int] = {}
        for e in ents:
            label_counts[e[2]] = label_counts.get(e[2], 0) + 1
        fixed = {
            "sentence_self": float(bool(words & self._words[0])),
            "sentence_result": float(sentence in context.result_sentences),
            "title": float(sentence == 0),
            "sentence_position": sentence / max(1, n_sentences - 1),
            "first_sentence": float(sentence == 1),
            "last_sentence": float(sentence == n_sentences - 1),
            "log_methods_in_sentence": math.log1p(label_counts.get("Method", 0)),
            "parsed": float(context.parsed),
            "sentence_winner": float(bool(words & self._words[1])),
        }
        first_method = next((e[3] for e in ents if e[2] == "Method"), None)
        cached = context.sentences[sentence] = (ents, cues, label_counts, first_method,
                                                [(_INDEX[name], value) for name, value in fixed.items()])
        return cached

    def _features(self, context: _Context, relation: dict[str, Any], origins: list[str]) -> list[float]:
        """The feature vector (in FEATURES order) of one candidate."""
        if context.lowers is None:
            self._doc_context(context)
        rel_type = relation["type"]
        sentence = relation["sentence"]
        source, target = relation["source"], relation["target"]
        ents, cues, label_counts, first_method_key, fixed = self._sentence_context(context, sentence)
        source_spans = [e for e in ents if e[3] == source]
        target_spans = [e for e in ents if e[3] == target]
        distance, before, between, dep_short, dep_head = 60, 0.0, 0.0, 0.0, 0.0
        directed = compare_between = other_between = n_commas = clause_between = methods_between = 0.0
        first_method = in_list = list_later = 0.0
        if source_spans and target_spans:
            s_span, t_span = min(((a, b) for a in source_spans for b in target_spans),
                                 key=lambda ab: abs(ab[0][0] - ab[1][0]))
            distance = max(0, max(s_span[0], t_span[0]) - min(s_span[1], t_span[1]))
            before = 1.0 if t_span[0] < s_span[0] else 0.0
            low, high = sorted((s_span[0], t_span[0]))
            between = 1.0 if any(t == rel_type and low <= i <= high for t, i, _ in cues) else 0.0
            s_end, t_start = (s_span[1], t_span[0]) if not before else (t_span[1], s_span[0])
            gap = (min(s_end, t_start), max(s_end, t_start))
            directed = float(any(t == rel_type and gap[0] <= i < gap[1] and right != bool(before)
                                 for t, i, right in cues))
            compare_between = float(any(t == "COMPARED_WITH" and gap[0] <= i < gap[1] for t, i, _ in cues))
            other_between = float(any(t not in {rel_type, "COMPARED_WITH"} and gap[0] <= i < gap[1]
                                      for t, i, _ in cues))
            commas, clause = context.commas, context.clause
            n_commas = math.log1p(bisect_left(commas, gap[1]) - bisect_left(commas, gap[0]))
            clause_between = float(bisect_left(clause, gap[1]) > bisect_left(clause, gap[0]))
            methods_between = math.log1p(sum(1 for e in ents if e[2] == "Method" and gap[0] <= e[0] < gap[1]
                                             and e[3] not in (source, target)))
            first_method = float(first_method_key == source)
            position, length = context.listed.get(t_span[0], (0, 1))
            in_list, list_later = float(length > 1), float(position > 0)
            if context.parsed:
                a, b = s_span[4].root, t_span[4].root
                ancestors_a = {t.i for t in a.ancestors} | {a.i}
                steps = next((n for n, t in enumerate([b, *b.ancestors]) if t.i in ancestors_a), 99)
                dep_short = 1.0 if steps <= 3 else 0.0
                dep_head = 1.0 if a.head.i == b.head.i or a.head.i == b.i or b.head.i == a.i else 0.0
        proposed, baselines, mentions = context.frame["proposed"], context.baselines, context.mentions
        vector = [0.0] * len(FEATURES)
        for index, value in fixed:
            vector[index] = value
        count, has_rule, rule_max = context.support[(rel_type, source, target)]
        values = (
            float(relation.get("confidence") or 0.0),  # rule_confidence
            float(len(origins)),  # n_origins
            float(source in proposed),  # source_proposed
            float(bool(proposed) and source == proposed[0]),  # source_first_proposed
            float(target in proposed),  # target_proposed
            float(target in baselines),  # target_baseline
            float(source in baselines),  # source_baseline
            float(bool(source_spans)),  # source_in_sentence
            math.log1p(distance) / math.log(61),  # log_distance
            before,  # target_before_source
            between,  # cue_between
            float(any(t == rel_type for t, _, _ in cues)),  # sentence_has_cue
            float(any(t != rel_type for t, _, _ in cues)),  # sentence_has_other_cue
            directed,  # cue_directed
            compare_between,  # compare_cue_between
            other_between,  # other_cue_between
            n_commas,  # log_commas_between
            clause_between,  # clause_break_between
            methods_between,  # log_methods_between
            first_method,  # source_first_method
            in_list,  # target_listed
            list_later,  # target_list_later
            float(target in context.phrases),  # target_phrase
            1.0 - float(context.confidences.get(source, 1.0)),  # source_doubt
            1.0 - float(context.confidences.get(target, 1.0)),  # target_doubt
            math.log1p(label_counts.get(context.label_of.get(target), 0)),  # log_targets_in_sentence
            math.log1p(len(mentions.get(source, ()))),  # log_source_mentions
            math.log1p(len(mentions.get(target, ()))),  # log_target_mentions
            context.shaped.get(source, 0.0),  # source_shaped
            context.shaped.get(target, 0.0),  # target_shaped
            dep_short,  # dep_path_short
            dep_head,  # dep_same_head
            math.log1p(count - 1),  # log_triple_support
            has_rule,  # triple_has_rule
            rule_max,  # triple_rule_max
        )
        for index, value in zip(_NAMED_INDEX, values):
            vector[index] = value
        for origin in origins:
            index = _origin_index(rel_type, origin)
            if index is not None:
                vector[index] = 1.0
        return vector

    @staticmethod
    def _cue_between(ents: list[tuple], source: str, target: str, cues: Iterable[tuple[str, int, bool]],
                     rel_type: str) -> bool:
        """Whether a cue of *rel_type* stands between a mention of *source* and one of *target*, read its way:
        source, cue, target for a cue whose target is on its right ("uses"), else target, cue, source."""
        spans = [(e[0], e[1], e[3]) for e in ents if e[3] in (source, target)]
        for cue_type, i, right in cues:
            if cue_type != rel_type:
                continue
            before = {key for start, end, key in spans if end <= i}
            after = {key for start, end, key in spans if start > i}
            first, second = (source, target) if right else (target, source)
            if first in before and second in after:
                return True
        return False

    # -- serialisation (SerialisedState: msgpack bytes, stdlib-json cfg.json; every float exact) -----------
    def _cfg(self) -> dict[str, Any]:
        return {"model": self.model, "broad": self.broad, "pairs": self.pairs}

    def _set_cfg(self, cfg: dict[str, Any]) -> None:
        check_model(cfg["model"])
        self.model, self.broad, self.pairs = cfg["model"], cfg.get("broad", True), cfg.get("pairs", True)
