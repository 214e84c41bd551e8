"""kg_edge_scorer: features of relation candidates, the shipped model's decisions, serialisation, training."""

from __future__ import annotations

import numpy as np
import pytest
import spacy
from spacy.tokens import Doc

from entity_docs import make_doc, make_nlp
from kg.evaluate.train_edge_scorer import fit, triple_f1
from kg.extract.edge_scorer import FEATURES, SCORED_TYPES, EdgeScorer, check_model, load_model
from kg.extract.relations import PHRASE_SOURCE
from test_relations import EXADAM, LASP


def scorer_nlp(model: dict | None = None) -> spacy.Language:
    nlp = make_nlp()  # spacy.blank("en") + sentencizer, kg_frame, kg_results, kg_relations
    nlp.add_pipe("kg_edge_scorer", config={"model": model})
    return nlp


def scored(nlp: spacy.Language, case: tuple) -> Doc:
    return nlp.get_pipe("kg_edge_scorer")(make_doc(nlp, *case))


def triples(doc: Doc) -> set[tuple[str, str, str]]:
    return {(r["type"], r["source"], r["target"]) for r in doc._.kg_relations}


def flat_model(threshold: float) -> dict:
    return {"features": list(FEATURES),
            "types": {t: {"weights": [0.0] * len(FEATURES), "bias": 0.0, "threshold": threshold}
                      for t in SCORED_TYPES}}


def test_features_of_a_cue_candidate_and_a_broad_one():
    nlp = scorer_nlp()
    doc = make_doc(nlp, *LASP)  # kg_relations has run, with origins kept for the scorer
    assert all("origins" in r for r in doc._.kg_relations)
    candidates = {(r["type"], r["source"], r["target"]): dict(zip(FEATURES, x))
                  for r, x in nlp.get_pipe("kg_edge_scorer").candidates(doc) if x}
    assert all(len(x) == len(FEATURES) for x in candidates.values())
    over_lasp = candidates[("OUTPERFORMS", "m:lasp2", "m:lasp")]  # "improvements of 15.2% over LASP"
    assert over_lasp["source_proposed"] == over_lasp["source_first_proposed"] == 1.0
    assert over_lasp["target_proposed"] == 0.0 and over_lasp["title"] == 0.0
    assert over_lasp["rule_confidence"] > 0 and over_lasp["origin=paper"] == 0.0
    assert over_lasp["sentence_result"] == 1.0 and over_lasp["source_in_sentence"] == 1.0
    assert over_lasp["parsed"] == 0.0  # spacy.blank: no dependency features
    # a broad candidate the rules never stated: the proposal with a method of its sentence, as BUILDS_ON
    broad = candidates[("BUILDS_ON", "m:lasp2", "m:ring")]
    assert broad["origin=paper"] == 1.0 and broad["rule_confidence"] == 0.0 and broad["triple_has_rule"] == 0.0
    # the scorer removes the origins again
    doc = nlp.get_pipe("kg_edge_scorer")(make_doc(nlp, *LASP))
    assert all("origins" not in r for r in doc._.kg_relations)


def test_thresholds_decide_and_unscored_types_pass_through():
    everything = triples(scored(scorer_nlp(flat_model(0.0)), EXADAM))
    nothing = triples(scored(scorer_nlp(flat_model(1.0)), EXADAM))
    assert {("BUILDS_ON", "m:exadam", "m:adam"), ("OUTPERFORMS", "m:exadam", "m:adam"),
            ("EVALUATED_ON", "m:exadam", "d:cifar10")} <= everything
    assert ("BUILDS_ON", "m:cnn", "m:adam") not in everything  # broad BUILDS_ON: the proposal, or a cue between
    assert {t for t, _, _ in nothing} == {"MEASURED_BY"}  # not scored: kept as kg_relations found it


def test_a_type_without_a_model_keeps_the_rules_relations_only():
    rules = make_doc(make_nlp(), *LASP)._.kg_relations
    model = flat_model(0.0)
    del model["types"]["BUILDS_ON"]
    doc = scored(scorer_nlp(model), LASP)
    assert {t for t in triples(doc) if t[0] == "BUILDS_ON"} == {
        (r["type"], r["source"], r["target"]) for r in rules if r["type"] == "BUILDS_ON"}
    assert ("BUILDS_ON", "m:lasp2", "m:ring") in triples(scored(scorer_nlp(flat_model(0.0)), LASP))


def test_rules_mode_keeps_exactly_the_rules_candidates_with_the_models_confidence():
    """A type the trainer put in "rules" mode (its rules beat its model out of fold on dev)."""
    rules = {t for r in make_doc(make_nlp(), *EXADAM)._.kg_relations
             if (t := (r["type"], r["source"], r["target"]))[0] == "BUILDS_ON"}
    assert ("BUILDS_ON", "m:exadam", "m:adam") in rules
    scored_all = {t for t in triples(scored(scorer_nlp(flat_model(0.0)), EXADAM)) if t[0] == "BUILDS_ON"}
    assert scored_all > rules  # in scored mode at threshold 0 the broad candidates come in too
    for threshold in (0.0, 1.0):  # in rules mode the threshold no longer decides
        model = flat_model(threshold)
        model["types"]["BUILDS_ON"]["mode"] = "rules"
        doc = scored(scorer_nlp(model), EXADAM)
        assert {t for t in triples(doc) if t[0] == "BUILDS_ON"} == rules
        assert all(r["confidence"] == 0.5 for r in doc._.kg_relations if r["type"] == "BUILDS_ON")
    bad = flat_model(0.5)
    bad["types"]["RUNS_ON"]["mode"] = "rule"
    with pytest.raises(ValueError):
        check_model(bad)


def test_shipped_model_keeps_the_stated_relations():
    nlp = scorer_nlp()
    exadam = scored(nlp, EXADAM)
    assert {("BUILDS_ON", "m:exadam", "m:adam"), ("OUTPERFORMS", "m:exadam", "m:adam"),
            ("EVALUATED_ON", "m:exadam", "d:cifar10")} <= triples(exadam)
    assert all(0 < r["confidence"] <= 1 for r in exadam._.kg_relations)
    lasp = triples(scored(nlp, LASP))
    assert {("OUTPERFORMS", "m:lasp2", "m:lasp"), ("OUTPERFORMS", "m:lasp2", "m:ring"),
            ("RUNS_ON", "m:lasp2", "h:gpu")} <= lasp
    assert ("BUILDS_ON", "m:lasp2", "m:ring") not in lasp  # a broad candidate the model rejects


def test_serialization_round_trip(tmp_path):
    model = load_model()
    model["types"]["OUTPERFORMS"]["threshold"] = 0.99  # a setting the default does not have
    model["types"]["OUTPERFORMS"].pop("mode", None)  # decided by the threshold, not the rules
    nlp = scorer_nlp(model)
    expected = triples(scored(nlp, LASP))
    assert not any(t == "OUTPERFORMS" for t, _, _ in expected)

    fresh = scorer_nlp()
    fresh.get_pipe("kg_edge_scorer").from_bytes(nlp.get_pipe("kg_edge_scorer").to_bytes())
    assert fresh.get_pipe("kg_edge_scorer").model == model
    assert triples(scored(fresh, LASP)) == expected

    nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded.get_pipe("kg_edge_scorer").model == model
    assert loaded.get_pipe("kg_relations").keep_origins
    assert triples(scored(loaded, LASP)) == expected


def test_a_model_for_other_features_is_refused():
    model = load_model()
    with pytest.raises(ValueError, match="other features"):
        check_model({**model, "features": model["features"][:-1]})
    bad = flat_model(0.5)
    bad["types"]["RUNS_ON"]["threshold"] = 2
    with pytest.raises(ValueError, match="RUNS_ON"):
        EdgeScorer(make_nlp(), model=bad)


def test_fit_and_triple_counting():
    x = np.array([[0.0], [0.2], [0.8], [1.0]])
    y = np.array([0.0, 0.0, 1.0, 1.0])
    w, b = fit(x, y, c=10.0)
    p = 1 / (1 + np.exp(-(x @ w + b)))
    assert list(p > 0.5) == [False, False, True, True]
    # rows: (paper, triple key, features, matched gold); two instances of one triple count once
    rows = [(0, ("a", "b"), [], [0]), (0, ("a", "b"), [], [0]), (0, ("a", "c"), [], []), (1, ("d", "e"), [], [0])]
    f1, tp, fp = triple_f1(rows, np.array([0.9, 0.2, 0.7, 0.1]), gold_total=3, threshold=0.5)
    assert (tp, fp) == (1, 1) and f1 == pytest.approx(2 * 1 / (2 * 1 + 1 + 2))


TILENET = (
    "TileNet: Fast Exact Attention",
    "We propose TileNet, an exact attention algorithm that uses tiling to reduce memory reads. TileNet employs a "
    "learnable equivalent transformation, and it outperforms FlashAttention and xFormers on long sequences.",
    [("TileNet", "Method", "m:tilenet"), ("FlashAttention", "Method", "m:fa"), ("xFormers", "Method", "m:xf")],
)


def test_a_phrase_after_a_builds_on_cue_is_a_candidate_end_kept_only_with_its_relation():
    # off by default (method_phrases): the phrases are rarely gold targets on dev
    default = make_doc(scorer_nlp(flat_model(0.0)), *TILENET)
    assert not any(s.id_ == PHRASE_SOURCE for s in default.spans["kg_entities"])
    nlp = scorer_nlp(flat_model(0.0))
    nlp.get_pipe("kg_relations").method_phrases = True
    read = make_doc(nlp, *TILENET)  # kg_relations' candidates, before the scorer decides
    phrases = {s.text: s.kb_id_ for s in read.spans["kg_entities"] if s.id_ == PHRASE_SOURCE}
    assert set(phrases) == {"tiling", "learnable equivalent transformation"}  # "a" dropped, up to the comma
    keep_all = nlp.get_pipe("kg_edge_scorer")(read)
    assert ("BUILDS_ON", "m:tilenet", phrases["tiling"]) in triples(keep_all)
    # a kept phrase is an ordinary entity of the record, with the weakest named source
    assert {s.text for s in keep_all.spans["kg_entities"] if s.id_ == "phrase"} == set(phrases)
    # the model rejects every relation: the phrases are no entities either
    rejecting = scorer_nlp(flat_model(1.0))
    rejecting.get_pipe("kg_relations").method_phrases = True
    keep_none = scored(rejecting, TILENET)
    assert not any(s.id_ == PHRASE_SOURCE for s in keep_none.spans["kg_entities"])
    # without kg_edge_scorer to decide, kg_relations reads no phrases
    plain_nlp = make_nlp()
    plain_nlp.get_pipe("kg_relations").method_phrases = True
    plain = make_doc(plain_nlp, *TILENET)
    assert not any(s.id_ == PHRASE_SOURCE for s in plain.spans["kg_entities"])


def test_structure_features_between_the_ends():
    nlp = scorer_nlp(flat_model(0.0))
    doc = make_doc(nlp, *TILENET)
    candidates = {(r["type"], r["source"], r["target"]): dict(zip(FEATURES, x))
                  for r, x in nlp.get_pipe("kg_edge_scorer").candidates(doc) if x}
    over_fa = candidates[("OUTPERFORMS", "m:tilenet", "m:fa")]
    over_xf = candidates[("OUTPERFORMS", "m:tilenet", "m:xf")]
    assert over_fa["cue_directed"] == over_xf["cue_directed"] == 1.0  # source, "outperforms", target
    assert over_fa["target_listed"] == over_xf["target_listed"] == 1.0  # "FlashAttention and xFormers"
    assert (over_fa["target_list_later"], over_xf["target_list_later"]) == (0.0, 1.0)
    assert over_fa["source_first_method"] == 1.0
    assert ("OUTPERFORMS", "m:fa", "m:tilenet") not in candidates  # no cue reads that way


def test_two_methods_a_cue_joins_are_a_pair_candidate_in_the_cue_direction():
    case = ("TileNet: Fast Exact Attention",
            "We propose TileNet for long sequences. Earlier, S5 was shown to surpass LSTM, and S4 uses HiPPO matrices.",
            [("TileNet", "Method", "m:tilenet"), ("S4", "Method", "m:s4"), ("S5", "Method", "m:s5"),
             ("LSTM", "Method", "m:lstm"), ("HiPPO", "Method", "m:hippo")])
    nlp = scorer_nlp(flat_model(0.0))
    candidates = {(r["type"], r["source"], r["target"]): dict(zip(FEATURES, x))
                  for r, x in nlp.get_pipe("kg_edge_scorer").candidates(make_doc(nlp, *case)) if x}
    # the rules take S5 as the subject of "uses"; the pair S4 -> HiPPO is left to the model
    assert candidates[("BUILDS_ON", "m:s4", "m:hippo")]["origin=pair"] == 1.0
    assert candidates[("BUILDS_ON", "m:s4", "m:hippo")]["cue_directed"] == 1.0
    assert ("OUTPERFORMS", "m:lstm", "m:s5") not in candidates  # against the cue's direction
    assert ("BUILDS_ON", "m:hippo", "m:s4") not in candidates


GRIDNET = (
    "GridNet: Sparse Grids for Fast Regression",
    "We propose GridNet, a regression method on sparse grids. Experiments across several standard benchmarks show "
    "that GridNet is accurate, and we also evaluate it on twelve tabular datasets. GridNet is trained for new "
    "workloads and applied to a new dataset.",
    [("GridNet", "Method", "m:gridnet")],
)


def test_an_unnamed_set_of_datasets_after_an_evaluated_on_cue_is_a_dataset_end():
    nlp = scorer_nlp(flat_model(0.0))
    read = make_doc(nlp, *GRIDNET)
    phrases = {s.text: s for s in read.spans["kg_entities"] if s.id_ == PHRASE_SOURCE and s.label_ == "Dataset"}
    # vague quantifiers in front are left out, a number stays; a singular head, "for" and "to" read nothing
    assert set(phrases) == {"standard benchmarks", "twelve tabular datasets"}
    keep_all = nlp.get_pipe("kg_edge_scorer")(read)
    for span in phrases.values():
        assert ("EVALUATED_ON", "m:gridnet", span.kb_id_) in triples(keep_all)
    # rejected relations take their phrase with them; without the scorer no phrase is read
    keep_none = scored(scorer_nlp(flat_model(1.0)), GRIDNET)
    assert not any(s.label_ == "Dataset" for s in keep_none.spans["kg_entities"])
    plain = make_doc(make_nlp(), *GRIDNET)
    assert not any(s.id_ == PHRASE_SOURCE for s in plain.spans["kg_entities"])


def test_the_entity_scorer_doubt_of_each_end_is_a_feature():
    nlp = scorer_nlp(flat_model(0.0))
    doc = make_doc(nlp, *TILENET)
    doc._.kg_confidences = {"m:tilenet": 0.9, "m:fa": 0.25}  # "m:xf" unscored
    candidates = {(r["type"], r["source"], r["target"]): dict(zip(FEATURES, x))
                  for r, x in nlp.get_pipe("kg_edge_scorer").candidates(doc) if x}
    over_fa = candidates[("OUTPERFORMS", "m:tilenet", "m:fa")]
    assert (over_fa["source_doubt"], over_fa["target_doubt"]) == pytest.approx((0.1, 0.75))
    assert candidates[("OUTPERFORMS", "m:tilenet", "m:xf")]["target_doubt"] == 0.0  # not scored: no doubt


def test_pooled_types_share_weights_and_keep_a_bias_each():
    from kg.evaluate.train_edge_scorer import POOLS, train

    rng = np.random.default_rng(0)
    n = len(FEATURES)
    collected = {"rows": {}, "gold": {}}
    for k, rel_type in enumerate(SCORED_TYPES):
        rows = []
        for i in range(120):
            x = [0.0] * n
            x[0] = float(rng.random())
            x[1] = float(rng.random() < 0.5)
            positive = x[0] + 0.3 * k + 0.2 * rng.standard_normal() > 0.8  # one signal, a base rate per type
            rows.append((i // 3, ("s", f"t{i}"), x, [i] if positive else []))
        collected["rows"][rel_type] = rows
        collected["gold"][rel_type] = sum(1 for r in rows if r[3])
    model, report = train(collected, repeats=1)
    check_model(model)
    pooled = next(pool for pool in POOLS if len(pool) > 1)
    first, second = (model["types"][t] for t in pooled[:2])
    assert first["weights"] == second["weights"] and first["bias"] != second["bias"]
    assert report[pooled[0]]["pool"] == "+".join(pooled)
    assert first["weights"][0] > 0  # the signal is learnt
    alone = [t for t in SCORED_TYPES if not any(t in pool and len(pool) > 1 for pool in POOLS)]
    assert all(report[t]["pool"] == t for t in alone)


def test_a_dataset_phrase_ends_at_its_head_and_the_subject_may_follow_that():
    # invented: a verb after the head is no part of the phrase; in a sentence that opens with the cue, the method
    # after "that" is the subject, not the paper's first proposal (Fern)
    case = ("Ferns and Fronds: Two Sparse Solvers",
            "We propose Fern. We also introduce Frond, a faster variant of Fern. Careful experiments across seven "
            "sparse regression datasets demonstrate that Frond converges quickly.",
            [("Fern", "Method", "m:fern"), ("Frond", "Method", "m:frond")])
    nlp = scorer_nlp(flat_model(0.0))
    read = make_doc(nlp, *case)
    phrases = {s.text: s for s in read.spans["kg_entities"] if s.id_ == PHRASE_SOURCE and s.label_ == "Dataset"}
    assert set(phrases) == {"seven sparse regression datasets"}
    target = phrases["seven sparse regression datasets"].kb_id_
    stated = triples(read)  # kg_relations' own reading, before the scorer adds its broad candidates
    assert ("EVALUATED_ON", "m:frond", target) in stated
    assert ("EVALUATED_ON", "m:fern", target) not in stated
    assert ("EVALUATED_ON", "m:frond", target) in triples(nlp.get_pipe("kg_edge_scorer")(read))


# invented: a specific cue ("builds on") and a loose one ("uses") from the paper's own method
WALRUS = (
    "Walrus: Tusked Sequence Models",
    "We propose Walrus, which builds on Narwhal. Walrus uses Beluga to pick the tusks.",
    [("Walrus", "Method", "m:walrus"), ("Narwhal", "Method", "m:narwhal"), ("Beluga", "Method", "m:beluga")],
)


def test_a_loose_cue_is_its_own_origin_and_hybrid_mode_needs_the_model_for_it():
    nlp = scorer_nlp()
    candidates = {(r["type"], r["source"], r["target"]): dict(zip(FEATURES, x))
                  for r, x in nlp.get_pipe("kg_edge_scorer").candidates(make_doc(nlp, *WALRUS)) if x}
    specific = candidates[("BUILDS_ON", "m:walrus", "m:narwhal")]
    loose = candidates[("BUILDS_ON", "m:walrus", "m:beluga")]
    assert specific["origin=cue:same"] == 1.0 and specific["origin=cue:loose"] == 0.0
    assert loose["origin=cue:loose"] == 1.0 and loose["origin=cue:same"] == 0.0
    # hybrid: the sure cue is kept whatever the model says; the loose one only at or above the threshold
    for threshold, kept in ((1.0, {"m:narwhal"}), (0.5, {"m:narwhal", "m:beluga"})):
        model = flat_model(threshold)  # every probability is 0.5
        model["types"]["BUILDS_ON"]["mode"] = "hybrid"
        doc = scored(scorer_nlp(model), WALRUS)
        assert {t for rel, s, t in triples(doc) if rel == "BUILDS_ON" and s == "m:walrus"} == kept
    check_model(model)


def test_the_trainer_scores_hybrid_as_sure_rules_plus_the_models_score_for_the_rest():
    from kg.evaluate.train_edge_scorer import hybrid_scores, rule_scores
    index = {name: n for n, name in enumerate(FEATURES)}

    def row(*origins):
        x = [0.0] * len(FEATURES)
        for origin in origins:
            x[index[f"origin={origin}"]] = 1.0
        return (0, ("a", "b"), x, [])

    rows = [row("cue:same"), row("cue:loose"), row("block"), row("paper"), row("cue:COMPARED_WITH", "block")]
    assert list(rule_scores(rows)) == [1.0, 1.0, 1.0, 0.0, 1.0]
    assert list(hybrid_scores(rows, np.full(5, 0.3))) == [1.0, 0.3, 0.3, 0.0, 1.0]


def test_each_dataset_phrase_of_a_coordination_is_a_dataset_end():
    # invented: "A and B" where both are sets of datasets gives both; where the first conjunct names none
    # ("synthetic and benchmark tasks") only the second
    case = ("Plover: Shore Search",
            "We propose Plover. Plover is robust on several standard benchmarks and real-world datasets. "
            "Experiments on synthetic and benchmark tasks show that Plover is fast.",
            [("Plover", "Method", "m:plover")])
    nlp = scorer_nlp(flat_model(0.0))
    doc = nlp.get_pipe("kg_edge_scorer")(make_doc(nlp, *case))
    phrases = {s.text: s.kb_id_ for s in doc.spans["kg_entities"] if s.label_ == "Dataset"}
    assert set(phrases) == {"standard benchmarks", "real-world datasets", "benchmark tasks"}
    assert {("EVALUATED_ON", "m:plover", key) for key in phrases.values()} <= triples(doc)


def test_an_unnamed_group_of_baselines_after_an_outperforms_cue_is_a_method_end():
    # invented: grading words in front are cut ("existing", "other state-of-the-art"), a hyphenated word counts
    # once, a coordination gives each group; "the best ... baseline" points at a name and reads nothing; a
    # group whose names follow ("such as") leaves the names as the baselines
    case = ("Wren: Quiet Routing",
            "We propose Wren, a router for sparse meshes. Wren outperforms existing mesh-aware routing methods. "
            "Wren surpasses simple hand-tuned and learned routing heuristics. "
            "Wren improves over the best greedy baseline by 3 points. "
            "Wren outperforms classic routing algorithms such as Dijkstra and Yen.",
            [("Wren", "Method", "m:wren"), ("Dijkstra", "Method", "m:dijkstra"), ("Yen", "Method", "m:yen")])
    nlp = scorer_nlp(flat_model(0.0))
    doc = nlp.get_pipe("kg_edge_scorer")(make_doc(nlp, *case))
    phrases = {s.text: s.kb_id_ for s in doc.spans["kg_entities"] if s.label_ == "Method" and s.kb_id_ != "m:wren"
               and not s.kb_id_.startswith("m:")}
    assert set(phrases) == {"mesh-aware routing methods", "learned routing heuristics"}
    assert {("OUTPERFORMS", "m:wren", key) for key in phrases.values()} <= triples(doc)
    assert {("OUTPERFORMS", "m:wren", "m:dijkstra"), ("OUTPERFORMS", "m:wren", "m:yen")} <= triples(doc)
    # without the scorer no phrase is read
    plain = make_doc(make_nlp(), *case)
    assert not any(s.id_ == PHRASE_SOURCE for s in plain.spans["kg_entities"])


def test_a_win_cue_whose_group_phrase_reads_nothing_still_reads_its_names():
    # invented, regression: a strong win cue ("exceeds") with a group phrase after it that yields no group
    # ("the accuracy of ... optimizers": the names come first) left the cue's baseline flag unset and the whole
    # extraction failed; the named baselines are read as usual
    from kg.extract import load_pipeline

    nlp = load_pipeline("blank")
    doc = nlp("Quillnet: Sparse Routing\nWe present Quillnet. Our experiments show that Quillnet consistently "
              "exceeds, or at most matches the accuracy of well-tuned Owlnet, Adam, and SGN optimizers across "
              "various tasks. Our results also verify the advantage of Wrennet over baseline methods.")
    wins = {(r["source"], r["target"]) for r in doc._.kg_relations if r["type"] == "OUTPERFORMS"}
    assert ("Method|quillnet", "Method|owlnet") in wins


def test_a_dataset_phrase_keeps_a_lower_case_name_as_its_modifier_and_reads_counted_singular_and_held_sets():
    # invented: a lower-case Method inside the phrase modifies its head ("sparse tern learning benchmarks"); a
    # weaker head counts only when counted ("on 40 kiln tuning tasks", not "on downstream tasks"); one set after a
    # cue that names an evaluation ("experiments on the public gull dataset"), not after a bare "on"; a container
    # keeps the set it holds ("a large suite of tern programs"); any evaluated method is a source, not only the
    # paper's own
    case = ("Heron: Shore Search",
            "We propose Heron. Experiments on sparse tern learning benchmarks show that Heron is fast. "
            "Heron is robust on 40 kiln tuning tasks and on downstream tasks. "
            "Extensive experiments on the gull dataset confirm it. Heron trains on a small dataset. "
            "Heron is also robust on a large suite of test programs. "
            "Egret reaches high accuracy on standard RL benchmarks.",
            [("Heron", "Method", "m:heron"), ("Egret", "Method", "m:egret"),
             ("sparse tern learning", "Method", "m:stl")])
    nlp = scorer_nlp(flat_model(0.0))
    doc = nlp.get_pipe("kg_edge_scorer")(make_doc(nlp, *case))
    phrases = {s.text: s.kb_id_ for s in doc.spans["kg_entities"] if s.label_ == "Dataset"}
    assert set(phrases) == {"sparse tern learning benchmarks", "40 kiln tuning tasks", "gull dataset",
                            "large suite of test programs", "standard RL benchmarks"}
    found = triples(doc)
    assert {("EVALUATED_ON", "m:heron", phrases[name]) for name in
            ("sparse tern learning benchmarks", "40 kiln tuning tasks", "large suite of test programs")} <= found
    assert ("EVALUATED_ON", "m:egret", phrases["standard RL benchmarks"]) in found
    # the modifier stays an entity of its own
    assert any(s.kb_id_ == "m:stl" for s in doc.spans["kg_entities"])


def test_an_unnamed_set_of_datasets_as_a_passive_subject_is_the_test_bed_of_the_sentences_methods():
    # invented: "five standard datasets were trained on ..." opens its clause; each method of the sentence is a
    # candidate source; a set that is no subject of a passive verb of use ("... datasets grow") reads nothing
    case = ("Heron: Shore Search",
            "We propose Heron. To compare Heron with Egret, five standard datasets were trained on two Plover "
            "models. Public datasets grow quickly.",
            [("Heron", "Method", "m:heron"), ("Egret", "Method", "m:egret"), ("Plover", "Method", "m:plover")])
    nlp = scorer_nlp(flat_model(0.0))
    doc = nlp.get_pipe("kg_edge_scorer")(make_doc(nlp, *case))
    phrases = {s.text: s.kb_id_ for s in doc.spans["kg_entities"] if s.label_ == "Dataset"}
    assert set(phrases) == {"five standard datasets"}
    assert {("EVALUATED_ON", key, phrases["five standard datasets"])
            for key in ("m:heron", "m:egret", "m:plover")} <= triples(doc)
