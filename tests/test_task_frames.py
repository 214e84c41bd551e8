"""kg_task_frames: Task phrases found by their frame (title 'for X', 'X tasks', 'tasks such as X, Y'), and the
resolution word lists that moved from code to patterns/resolve.jsonl."""

from __future__ import annotations

import importlib

import pytest
import spacy

from kg.errors import PatternError
from kg.extract import load_pipeline
from kg.execute import extract_records
from kg.extract.pattern_data import read_patterns, schema_for
from kg.extract.task_frames import task_spans
from kg.ingest.paper import Paper


def _frames_only():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("kg_task_frames")
    nlp.initialize()
    return nlp


@pytest.fixture(scope="module")
def frames():
    return _frames_only()


def found(nlp, title: str, abstract: str = "") -> list[str]:
    return [span.text for span in task_spans(nlp(f"{title}\n{abstract}" if abstract else f"{title}\n"))]


def test_title_for_frame_with_a_process_head(frames):
    assert found(frames, "Large Language Models for Compiler Optimization") == ["Compiler Optimization"]
    assert found(frames, "Sequential Gradient Coding For Straggler Mitigation") == ["Straggler Mitigation"]


def test_title_phrase_stops_at_a_break_word_and_loses_evaluative_words(frames):
    assert found(frames, "Neural Solvers for Fast and Accurate Numerical Optimal Control") == ["Numerical Optimal Control"]
    assert found(frames, "A Solver for Code Optimization with Reinforcement Learning") == ["Code Optimization"]


def test_title_gerund_phrase_and_coordinated_tasks(frames):
    assert found(frames, "Performance-Aligned LLMs for Generating Fast Code") == ["Generating Fast Code"]
    assert found(frames, "A Unified Approach for Contextual Linear Programming and Inverse Linear Programming") == [
        "Contextual Linear Programming", "Inverse Linear Programming"]


def test_no_task_without_a_process_head_or_a_gerund(frames):
    assert found(frames, "Reinforcement Learning for Adaptive Time-Stepping") == []
    assert found(frames, "Low Rank Factorization for Compact Multi-Head Self-Attention") == []
    assert found(frames, "A study", "We use it for many things and for efficient inference.") == []


def test_abstract_frames(frames):
    assert found(frames, "A study", "We evaluate it on continuous control tasks and downstream tasks.") == [
        "continuous control"]
    assert found(frames, "A study", "It helps in tasks such as summarization, translation and code generation.") == [
        "summarization", "translation", "code generation"]
    assert found(frames, "A study", "We study the problem of memory mapping in compilers.") == ["memory mapping"]


def test_every_mention_of_a_found_surface_is_a_candidate(frames):
    spans = found(frames, "Large Language Models for Code Optimization", "Code optimization is hard. We do code optimization.")
    assert spans == ["Code Optimization", "Code optimization", "code optimization"]


def test_a_task_from_a_frame_is_no_method_in_the_paper():
    nlp = load_pipeline("blank")
    record = extract_records([Paper(id="p", title="Large Language Models for Code Optimization",
                                    abstract="We apply LLMs to code optimization in compilers.")], nlp=nlp)[0]
    types = {(e["type"], e["name"].lower()) for e in record["entities"]}
    assert ("Task", "code optimization") in types
    assert ("Method", "code optimization") not in types


def test_component_round_trips_on_blank_english(frames):
    target = spacy.blank("en")
    target.add_pipe("sentencizer")
    target.add_pipe("kg_task_frames")
    with pytest.raises(ValueError, match="initialize"):
        target("A study\nText.")
    target.get_pipe("kg_task_frames").from_bytes(frames.get_pipe("kg_task_frames").to_bytes())
    title = "Neural Solvers for Fast and Accurate Numerical Optimal Control"
    assert found(target, title) == found(frames, title) == ["Numerical Optimal Control"]


def test_a_bad_task_frame_row_names_file_and_line(tmp_path):
    bad = tmp_path / "task_frames.jsonl"
    bad.write_text('{"cue": "for", "where": "title"}\n{"cue": "for", "wher": "text"}\n')
    with pytest.raises(PatternError, match=r"task_frames\.jsonl:2: "):
        read_patterns(bad, schema_for("task_frames.jsonl"))


# -- resolution word lists (patterns/resolve.jsonl) ------------------------------------------------------------

def test_a_bad_resolve_row_names_file_and_line(tmp_path):
    bad = tmp_path / "resolve.jsonl"
    bad.write_text('{"list": "variant_fillers", "words": ["model"]}\n{"list": "dataset_befor", "words": ["on"]}\n')
    with pytest.raises(PatternError, match=r"resolve\.jsonl:2: "):
        read_patterns(bad, schema_for("resolve.jsonl"))


def test_a_missing_resolve_list_is_an_error(monkeypatch):
    from kg import naming as canonical

    canonical._lists.cache_clear()
    monkeypatch.setattr("kg.patterns.read_pattern_file",
                        lambda name: [{"list": "variant_fillers", "words": ["model"]}])
    try:
        with pytest.raises(PatternError, match=r"resolve\.jsonl: no word list"):
            canonical.resolve_word_lists()
    finally:
        canonical._lists.cache_clear()


def test_dataset_context_and_variant_fillers_come_from_the_data():
    from kg.naming import long_form_variants
    from kg.resolve.corpus import _mention_votes

    assert long_form_variants("convolutional neural network", "convolutional network")
    assert not long_form_variants("Bayesian optimization", "bilevel optimization")
    text = "We report results on the Foo test set, evaluated on Bar, and datasets including Baz. Qux trains."
    entity = {"mentions": [{"start": text.index(name), "end": text.index(name) + len(name)}
                           for name in ("Foo", "Bar", "Baz", "Qux")]}
    assert _mention_votes({"text": text}, entity) == 3


def test_a_title_start_verb_after_a_cue_gives_its_object_not_a_gerund_task(frames):
    assert found(frames, "A Lightweight Method for Tackling Unknown Participation Statistics") == []
    assert found(frames, "Split Networks For Optimizing Memory Mapping in Compilers") == ["Memory Mapping"]
    # gerund phrases only after the cues that allow them (not "in")
    assert found(frames, "A Control Method in Superconducting Linear Accelerators") == []


def test_a_problem_noun_stays_in_a_task_name_without_a_process_noun(frames):
    # no process noun before "problem(s)": the noun is part of the name; a process noun makes it the task
    assert found(frames, "A study", "We solve traveling salesman problems and the memory mapping problem.") == [
        "traveling salesman problems", "memory mapping"]
    # one plain word grades the problem; a field or a known name makes it that field's problem
    assert found(frames, "A study", "It is an open problem. It is a machine learning problem.") == []


def test_a_stop_listed_phrase_a_task_frame_finds_is_the_task():
    nlp = load_pipeline("blank")
    record = extract_records([Paper(id="p", title="A Benchmark for Combinatorial Optimization",
                                    abstract="We study combinatorial optimization.")], nlp=nlp)[0]
    types = {(e["type"], e["name"].lower()) for e in record["entities"]}
    assert ("Task", "combinatorial optimization") in types


def test_a_hyphenated_word_names_a_problem():
    from kg.extract.pipeline import keep_hyphenated_compounds

    nlp = _frames_only()
    keep_hyphenated_compounds(nlp)  # kg's tokenizer keeps "three-body" whole
    assert found(nlp, "A study", "We study the three-body problem.") == ["three-body problem"]


def test_a_title_that_opens_with_a_process_phrase_before_the_means_names_the_task(frames):
    assert found(frames, "Low Rank Matrix Completion via Robust Alternating Minimization") == [
        "Low Rank Matrix Completion"]
    assert found(frames, "SurCo: Network Memory Footprint Compression Through Learnable Codebooks") == [
        "Network Memory Footprint Compression"]
    # an opening verb is no part of the task: a gerund, or another form of a title-start cue ("accelerating")
    assert found(frames, "Facilitating Database Tuning with Hyper-Parameter Optimization") == ["Database Tuning"]
    assert found(frames, "Accelerate Database Knob Tuning with Large Language Models") == ["Database Knob Tuning"]
    # no process noun at the end, or no means after it: no task
    assert found(frames, "Gradient Descent with Momentum") == []
    assert found(frames, "Matrix Completion Is Easy") == []
    # a Method head opening the title is the paper's method, unless a verb governs it
    assert found(frames, "Low-Rank Tree Search with Planning via Monte Carlo Rollouts") == []


# -- name-independent task mechanisms (issue 9: tasks on unseen text) --------------------------------------------

@pytest.fixture(scope="module")
def kg_frames():
    """The frames with kg's tokenizer (hyphenated compounds stay whole: "N-body", "text-to-speech")."""
    from kg.extract.pipeline import keep_hyphenated_compounds

    nlp = spacy.blank("en")
    keep_hyphenated_compounds(nlp)
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("kg_task_frames")
    nlp.initialize()
    return nlp


def test_an_open_noun_makes_any_noun_phrase_before_it_a_task(kg_frames):
    # no process noun at all: the frame "X task(s)" says it is a task
    assert found(kg_frames, "A study", "We run the valve calibration tasks and a hard rope knotting task.") == [
        "valve calibration", "rope knotting"]
    assert found(kg_frames, "A study", "It solves an N-body docking task and multi-robot herding tasks.") == [
        "N-body docking", "multi-robot herding"]
    # a governing verb, a field or a generic word alone is no task
    assert found(kg_frames, "A study", "Agents accomplish orchard pruning tasks.") == ["orchard pruning"]
    assert found(kg_frames, "A study", "It helps machine learning tasks, downstream tasks and evaluation tasks.") == []
    # one nominal word before the noun is a task ("recommendation tasks"), one plain word is not ("robot tasks")
    assert found(kg_frames, "A study", "We test it on recommendation tasks and robot tasks.") == ["recommendation"]
    # a plural noun ends a task phrase before an open noun ("for river flood predictions" is too loose a frame)
    assert found(kg_frames, "A study", "It is built for river flood predictions.") == []
    assert found(kg_frames, "A study", "We study river flood predictions tasks.") == ["river flood predictions"]


def test_every_part_of_a_coordination_before_an_open_noun_is_a_task(kg_frames):
    assert found(kg_frames, "A study", "It helps in classification, detection and regression tasks alike.") == [
        "classification", "detection", "regression"]
    assert found(kg_frames, "A study", "We evaluate on benchmark glacier mapping and parsing tasks.") == [
        "glacier mapping", "parsing"]


def test_gerund_items_and_the_problem_of_a_gerund_phrase(kg_frames):
    assert found(kg_frames, "A study", "We consider two toy tasks -- counting sheep and estimating the mass of "
                                       "unknown planets.") == ["counting sheep", "estimating the mass of unknown planets"]
    assert found(kg_frames, "A study", "It helps in tasks such as weather nowcasting from radar, translating "
                                       "Tolkien chapters and labelling bird songs by species.") == [
        "weather nowcasting", "translating Tolkien chapters", "labelling bird songs"]
    assert found(kg_frames, "A study", "We study the problem of sorting pancakes with one spatula.") == [
        "sorting pancakes"]
    # a list item without a process noun is a task when the frame lists tasks; a gerund needs an object
    assert found(kg_frames, "A study", "It covers problems such as river delta surveys and herding.") == [
        "river delta surveys"]


def test_a_slash_joins_two_words_of_a_task_phrase(kg_frames):
    assert found(kg_frames, "A study", "Results on RNA/protein docking design tasks are good.") == [
        "RNA/protein docking design"]


def test_an_x_to_y_compound_names_a_task_when_it_heads_its_phrase(kg_frames):
    assert found(kg_frames, "Cheap Sketch-to-Layout with Small Models", "We study speech-to-gesture synthesis.") == [
        "Sketch-to-Layout", "speech-to-gesture synthesis"]
    # a model built on the mapping, and set phrases, are no task
    assert found(kg_frames, "A study", "We train sequence-to-sequence models end-to-end, one-to-many.") == []


def test_a_frame_noun_phrase_before_the_task_is_cut(kg_frames):
    assert found(kg_frames, "Regret Bounds in the Context of Glacier Melt Forecasting") == ["Glacier Melt Forecasting"]


def test_a_verb_that_governs_a_problem_is_no_part_of_it(kg_frames):
    # a task verb or a title-start verb before "X problems" is cut, as before "X tasks"; one plain word left is
    # no problem's name
    assert found(kg_frames, "A study", "We are tackling bilevel problems and solving sprocket meshing problems.") == [
        "sprocket meshing problems"]


def test_a_title_process_of_a_task_phrase_names_that_task(kg_frames):
    # "Optimization of X" does to X what "Optimizing X" does: X (a phrase with a head) is the task
    assert found(kg_frames, "Towards Exact Optimization of Widget Sequence Alignment") == ["Widget Sequence Alignment"]
    # without a head after "of" the whole phrase stays
    assert found(kg_frames, "Towards Fast Inference of Widget Models") == []


def test_a_task_leading_word_modifies_no_task_head():
    importlib.import_module("kg.extract.head_phrases")  # registers the factory

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("kg_head_phrases")
    nlp.initialize()
    doc = nlp("A study\nWe report gains on benchmark gizmo modeling and downstream widget recognition.")
    from kg.extract.candidates import candidates

    tasks = sorted(doc[c.start:c.end].text for c in candidates(doc) if c.label_ == "Task")
    assert tasks == ["gizmo modeling", "widget recognition"]


def test_a_hyphen_glued_break_word_ends_a_modifier_not_the_task(kg_frames):
    # "Model-based" modifies the task phrase that follows it
    assert found(kg_frames, "Deep Learning for Offline Model-based Gadget Sequence Design") == ["Gadget Sequence Design"]
    assert found(kg_frames, "A study", "We build a system for graph-based widget recognition.") == ["widget recognition"]


def test_the_subject_of_is_a_problem_is_a_task(kg_frames):
    assert found(kg_frames, "A study", "Clustering is an NP-hard problem. Gizmo placement remains a hard problem.") == [
        "Clustering", "Gizmo placement"]
    # no process noun, or not the sentence's opening phrase: no task
    assert found(kg_frames, "A study", "Our method is a hard problem. We think gizmo placement is a hard problem.") == []


def test_a_ment_noun_is_no_adjective_before_a_task_head():
    from kg.extract.candidates import candidates
    from kg.extract.pipeline import keep_hyphenated_compounds

    nlp = spacy.blank("en")
    keep_hyphenated_compounds(nlp)
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("kg_head_phrases")
    nlp.initialize()
    doc = nlp("A study\nWe report gains on long-document classification and global recognition.")
    assert sorted(doc[c.start:c.end].text for c in candidates(doc) if c.label_ == "Task") == ["long-document classification"]


def test_the_object_of_tackle_address_solve_is_a_task_when_it_has_a_process_head(kg_frames):
    assert found(kg_frames, "A study", "We tackle sprocket placement with a new solver.") == ["sprocket placement"]
    assert found(kg_frames, "A study", "This paper addresses widget recognition under noise.") == ["widget recognition"]
    # an object without a process noun is no task
    assert found(kg_frames, "A study", "We address these issues and solve the gizmo puzzle.") == []


def test_a_method_head_or_an_adjective_before_problem_is_no_named_problem(kg_frames):
    # the noun stays in a named problem ("the three-body problem", "travelling gizmo problem") ...
    assert found(kg_frames, "A study", "We solve the three-body problem and the travelling gizmo problem.") == [
        "three-body problem", "travelling gizmo problem"]
    # ... but a method's problem or a graded one is no named task
    assert found(kg_frames, "A study", "We study the gizmo imitation learning problem and an ill-posed problem.") == []


def test_a_grading_hyphenated_adjective_or_black_box_is_cut_from_a_problem_phrase(kg_frames):
    assert found(kg_frames, "A study", "We scale to a mission-critical sprocket resource placement problem.") == [
        "sprocket resource placement"]
    assert found(kg_frames, "A study", "We solve a black-box gizmo controller tuning problem.") == [
        "gizmo controller tuning"]


def test_experiments_on_and_applied_to_name_a_task_with_a_process_head(kg_frames):
    assert found(kg_frames, "A study", "Experiments on gizmo selection show gains.") == ["gizmo selection"]
    assert found(kg_frames, "A study", "The model is applied to sprocket placement and works.") == ["sprocket placement"]
    # a dataset or a phrase without a process noun is no task
    assert found(kg_frames, "A study", "Experiments on ImageNet and experiments on synthetic data agree.") == []



# -- seventh session: Task recall on unseen text ----------------------------------------------------------------

def test_a_title_frame_takes_a_process_noun_by_its_form(kg_frames):
    # no list names "docking", "recommendation" or "personalisation": the for/towards frame and the title-start
    # frame take a nominalisation as the task's head
    assert found(kg_frames, "Lattice Flows for Rigid Peptide Docking") == ["Rigid Peptide Docking"]
    assert found(kg_frames, "Towards Playlist Recommendation") == ["Playlist Recommendation"]
    assert found(kg_frames, "Avatar Personalisation via Sparse Adapters") == ["Avatar Personalisation"]
    # a Method head ("Decoding", "Learning"), a thing with a process ending ("Function") or a split compound
    # ("Time-Stepping") is no task head by form; nor is "In <x>" (no for/towards frame)
    assert found(kg_frames, "Draft Forests for Lookahead Decoding") == []
    assert found(kg_frames, "Kernels for Tabular Learning") == []
    assert found(kg_frames, "Priors for the Reward Function") == []
    assert found(kg_frames, "In praise of weight sharing") == []


def test_a_hyphenated_how_modifier_is_cut_from_a_task_phrase(kg_frames):
    # "-Aware", "-Free", "-Conditioned": how the task is done, not which task
    assert found(kg_frames, "Echo-Aware End-to-End Speaker Counting with Slot Attention") == ["Speaker Counting"]
    assert found(kg_frames, "Adapters for Label-Free Leaf Segmentation") == ["Leaf Segmentation"]
    # "Privacy-Preserving" names a kind of task and stays
    assert found(kg_frames, "Samplers for Privacy-Preserving Record Linkage") == ["Privacy-Preserving Record Linkage"]


def test_the_abstracts_opening_noun_phrase_with_a_process_head_is_a_task(kg_frames):
    assert found(kg_frames, "A study", "Glacier segmentation predicts ice boundaries from radar.") == [
        "Glacier segmentation"]
    assert found(kg_frames, "A study", "Crop disease forecasting (CDF) matters.") == ["Crop disease forecasting"]
    assert found(kg_frames, "A study", "Machine unlearning methods for small models aim to forget.") == [
        "Machine unlearning"]
    # a noun of the same compound, a technique, a how-modifier or a gerund clause: no task
    assert found(kg_frames, "A study", "Glacier segmentation software is slow.") == []
    assert found(kg_frames, "A study", "Speculative decoding speeds up generation.") == []
    assert found(kg_frames, "A study", "Gradient-based optimization is common.") == []
    assert found(kg_frames, "A study", "Learning robot grasping is hard.") == []


def test_a_workload_task_takes_in_the_setting_before_its_model():
    from entity_records import record, surfaces

    nlp = load_pipeline("blank")
    rec = record("We target on-device LLM inference and large model training, then batched LLM pre-training. "
                 "Efficient LLM serving is harder.", nlp, title="Serverless LLM Inference at Scale")
    tasks = surfaces(rec, "Task")
    assert {"on-device LLM inference", "large model training", "batched LLM pre-training",
            "Serverless LLM Inference"} <= tasks
    assert "LLM serving" in tasks and "Efficient LLM serving" not in tasks  # an evaluative word is no setting


# -- ninth session: Task recall on unseen text by structure ------------------------------------------------------

def test_the_items_of_a_list_with_a_task_share_its_kind(kg_frames):
    # one item is a task by its head ("widget classification"): the items with a process noun are tasks too
    assert found(kg_frames, "A study", "Our tests, spanning widget classification, gizmo regression, and sprocket "
                 "placement in toy models, agree.") == ["widget classification", "gizmo regression", "sprocket placement"]
    assert found(kg_frames, "A study", "It wins on gadget question answering and sprocket reasoning.") == [
        "gadget question answering", "sprocket reasoning"]
    # a British spelling of a task head is that head ("summarisation")
    assert found(kg_frames, "A study", "Types: widget reasoning and gizmo summarisation.") == [
        "widget reasoning", "gizmo summarisation"]
    # a process noun by its form alone needs two items that are tasks by their head ...
    assert found(kg_frames, "A study", "We join gizmo preprocessing and widget recognition.") == []
    assert found(kg_frames, "A study", "We join gizmo preprocessing, widget recognition and rope tracking.") == [
        "gizmo preprocessing", "widget recognition", "rope tracking"]
    # ... and a list without a task head (techniques), or with technique heads, adds nothing
    assert found(kg_frames, "A study", "We compare gizmo pruning, widget quantization and rope distillation.") == []
    assert found(kg_frames, "A study", "We use widget classification and gizmo distillation.") == []


def test_a_task_phrase_starts_after_the_verb_of_a_subject_or_modal(kg_frames):
    # "we revisit X and ...": "revisit" is the verb, not a modifier of the task (nor is "spanning" before a list)
    assert found(kg_frames, "A study", "We revisit widget classification and gizmo recognition here.") == [
        "widget classification", "gizmo recognition"]


def test_a_head_phrase_takes_no_verb_after_a_subject_or_modal_as_modifier():
    importlib.import_module("kg.extract.head_phrases")  # registers the factory
    from kg.extract.candidates import candidates

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("kg_head_phrases")
    nlp.initialize()

    def tasks(text):
        doc = nlp(text)
        return sorted(doc[c.start:c.end].text for c in candidates(doc) if c.label_ == "Task")

    assert tasks("A study\nIn this work, we revisit gizmo classification.") == ["gizmo classification"]
    assert tasks("Tuning Does Not Teach Widget Reasoning\nIt is so.") == ["Widget Reasoning"]
    assert tasks("A study\nIn this work, they report gizmo classification.") == ["gizmo classification"]


def test_application_of_a_method_to_a_task(kg_frames):
    # "application of X to <task>", "adapt X to <task>": the method stands between the cue and "to"
    assert found(kg_frames, "A study", "We explore the application of widget models to gizmo optimization.") == [
        "gizmo optimization"]
    assert found(kg_frames, "A study", "Such models adapt pretrained sprocket encoders to rope control by hashing.") == [
        "rope control"]
    # an infinitive, a phrase without a process noun, or no method between: no task
    assert found(kg_frames, "A study", "We apply it to discover gizmo rules.") == []
    assert found(kg_frames, "A study", "We apply widget models to the gizmo data.") == []
    assert found(kg_frames, "A study", "Models adapt to gizmo control quickly.") == []


def test_a_pair_of_natural_languages_is_no_x_to_y_task(kg_frames):
    # "English-to-Swahili" is a translation direction (both ends are languages stop.jsonl knows), "Text-to-SQL" a task
    assert found(kg_frames, "A study", "Models do well on English-to-Swahili and on Text-to-SQL.") == ["Text-to-SQL"]


# -- twelfth session: hyphenated -ing modifiers ------------------------------------------------------------------

def test_a_hyphenated_compound_with_an_ing_part_is_a_modifier_not_a_gerund(kg_frames):
    # the tokenizer splits "Tuning-free" ("free" is a hyphen suffix): its "Tuning" opens no gerund task phrase,
    # and the split how-modifier is cut as the whole word is ("Label-Free Leaf Segmentation")
    assert found(kg_frames, "Towards Tuning-free Gizmo Rendering") == ["Gizmo Rendering"]
    assert found(kg_frames, "Adapters for Sorting-guided Widget Assembly") == []
    # a title opening with a hyphenated -ing word opens with a modifier, not a verb: it stays in the task
    assert found(kg_frames, "Privacy-Preserving Gizmo Data Synthesis with Latent Widgets") == [
        "Privacy-Preserving Gizmo Data Synthesis"]
    assert found(kg_frames, "Preserving Gizmo Data Synthesis with Latent Widgets") == ["Gizmo Data Synthesis"]
    # nor does the lower-case left part of a split compound start a gerund item after "tasks such as"
    assert found(kg_frames, "A study", "It wins on tasks such as sorting-based widget placement.") == [
        "widget placement"]


def test_a_how_modifier_opening_the_title_makes_the_phrase_after_it_the_task(kg_frames):
    # the how-modifier says the phrase is done so: the phrase is the task, be its head a Method head ...
    assert found(kg_frames, "Gizmo-Free Widget Graph Learning with Sprocket Encoding") == ["Widget Graph Learning"]
    # ... or the title's first part end at the colon
    assert found(kg_frames, "Gizmo-Free Widget Extension: Sprocket Scaling with Few Steps") == ["Widget Extension"]
    # without the modifier a Method head before the means is the paper's method, and a colon ends no task
    assert found(kg_frames, "Widget Graph Learning with Sprocket Encoding") == []
    assert found(kg_frames, "Gizmo-Based Widget Control Method with Sprockets") == []  # a thing heads it
    assert found(kg_frames, "Widget Extension: Sprocket Scaling with Few Steps") == []


def test_an_ing_word_coordinated_in_a_title_frame_is_a_task_of_its_own(kg_frames):
    # no object follows it: a process noun, coordinated with another task
    assert found(kg_frames, "Algorithms for Gizmoing and WSP with Few Predictions") == ["Gizmoing", "WSP"]
    assert found(kg_frames, "Algorithms for Gizmoing Large Widgets with Few Predictions") == ["Gizmoing Large Widgets"]


def test_a_graded_problem_of_frame_is_the_problem_of_cue(kg_frames):
    # one or two lower-case words may grade the frame noun of "the problem/task of"
    assert found(kg_frames, "A study", "We win on the classical problem of learning gizmo widget systems.") == [
        "learning gizmo widget systems"]
    assert found(kg_frames, "A study", "It avoids the tedious task of sprocket rate tuning.") == ["sprocket rate tuning"]
    # a process noun before the frame noun names the problem itself; a determiner is no grading word
    assert found(kg_frames, "A study", "Take the optimization problem of the form min f.") == []
    assert found(kg_frames, "A study", "We study the key problem of this gizmo.") == []
