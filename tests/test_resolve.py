"""Canonical names, merge keys and corpus-level resolution."""

from __future__ import annotations

import pytest

from kg.resolve import acronym_definitions, canonical_name, entity_id, merge_key, resolve_records


@pytest.mark.parametrize("surface, entity_type, name", [
    ("NVIDIA A100 GPUs", "Hardware", "A100"),
    ("Large Language Models", "Method", "Large Language Model"),
    ("LLMs", "Method", "LLM"),
    ("KV caches", "Method", "KV cache"),
    ("numbers of parameters", "Metric", "number of parameters"),
    ("mobile GPUs", "Hardware", "mobile GPU"),
    ("Gaussian processes", "Method", "Gaussian process"),
    ("COSMOS", "Method", "COSMOS"),
    ("FLOPs", "Metric", "FLOPs"),
    ("loss", "Metric", "loss"),
    ("TFLOPs/s", "Metric", "TFLOPs/s"),
    ("tokens/s", "Metric", "tokens/s"),
])
def test_canonical_names(surface, entity_type, name):
    assert canonical_name(surface, entity_type) == name


@pytest.mark.parametrize("a, b", [("ResNet-50", "resnet 50"), ("Vision-Transformers", "vision transformer"),
                                  ("CIFAR10", "CIFAR-10"), ("LLMs", "LLM")])
def test_variants_share_a_merge_key(a, b):
    assert merge_key(a, "Method") == merge_key(b, "Method")


@pytest.mark.parametrize("a, b", [("ResNet-50", "ResNet-101"), ("GPT-3", "GPT-4"), ("A100", "A10"),
                                  ("Llama-2-7B", "Llama-2-70B"), ("TPU v4", "TPU v3")])
def test_versions_and_sizes_keep_their_keys(a, b):
    assert merge_key(a, "Hardware") != merge_key(b, "Hardware")
    assert merge_key(a, "Method") != merge_key(b, "Method")


def test_a_rate_is_not_the_count():
    assert merge_key("FLOPs/s", "Metric") != merge_key("FLOPs", "Metric")
    assert merge_key("FLOPs/s", "Metric") == merge_key("flops/s", "Metric")


def test_entity_id_format():
    assert entity_id("Method", "ResNet-50") == "method:resnet50"
    assert entity_id("Metric", "top-1  accuracy") == "metric:top1accuracy"


def entity(entity_type, name, *aliases, start=0):
    return {"id": entity_id(entity_type, name), "type": entity_type, "name": name, "aliases": list(aliases),
            "proposed": False, "mentions": [{"text": name, "start": start, "end": start + len(name), "sentence": 0}]}


def test_resolution_is_corpus_wide_and_rewrites_results_and_relations():
    records = [
        {"id": "a", "entities": [entity("Method", "Large Language Model", "LLMs")], "relations": [], "results": []},
        {"id": "b", "entities": [entity("Method", "LLM"), entity("Method", "large language model", start=9),
                                 entity("Metric", "accuracy", start=30)],
         "relations": [{"type": "MEASURED_BY", "source": "method:llm", "target": "metric:accuracy", "sentence": 0,
                        "evidence": "x", "confidence": 0.5}],
         "results": [{"text": "1%", "value": 1.0, "unit": "%", "start": 0, "end": 2, "sentence": 0,
                      "method": "method:llm", "metric": "metric:accuracy"}]},
    ]
    assert acronym_definitions(records) == {("Method", "llm"): "largelanguagemodel"}
    resolve_records(records)
    b = records[1]
    # the acronym-only entity and the long form collapse into one entity in paper b
    assert [e["id"] for e in b["entities"]] == ["method:largelanguagemodel", "metric:accuracy"]
    assert set(b["entities"][0]["aliases"]) >= {"LLM"}
    assert len(b["entities"][0]["mentions"]) == 2
    assert b["relations"][0]["source"] == "method:largelanguagemodel"
    assert b["results"][0]["method"] == "method:largelanguagemodel"
    assert records[0]["entities"][0]["id"] == "method:largelanguagemodel"


def test_resolution_does_not_depend_on_record_order():
    def corpus():
        return [
            {"id": "a", "entities": [entity("Hardware", "NVIDIA A100 GPUs")], "relations": [], "results": []},
            {"id": "b", "entities": [entity("Hardware", "A100")], "relations": [], "results": []},
            {"id": "c", "entities": [entity("Hardware", "A100")], "relations": [], "results": []},
        ]
    forward = resolve_records(corpus())
    backward = resolve_records(list(reversed(corpus())))
    assert {r["id"]: r for r in forward} == {r["id"]: r for r in backward}
    assert {r["entities"][0]["id"] for r in forward} == {"hardware:a100"}


def test_ids_do_not_depend_on_which_spelling_a_corpus_prefers():
    def corpus(spellings):
        return [{"id": f"p{n}", "title": "T", "entities": [
            {"id": "x", "type": "Method", "name": s, "aliases": [], "proposed": False,
             "mentions": [{"text": s, "start": 0, "end": len(s), "sentence": 0}]}], "relations": [], "results": []}
            for n, s in enumerate(spellings)]

    hyphens = resolve_records(corpus(["state-space model", "state-space model", "state space model"]))
    spaces = resolve_records(corpus(["state space model", "state space model", "state-space models"]))
    assert hyphens[0]["entities"][0]["name"] == "state-space model"
    assert spaces[0]["entities"][0]["name"] == "state space model"
    assert hyphens[0]["entities"][0]["id"] == spaces[0]["entities"][0]["id"] == "method:statespacemodel"


def test_resolution_by_chunks_equals_resolution_of_all():
    """The reduce step: chunk summaries (also through their JSON form) merge to the same decisions."""
    import copy
    import json

    from kg.extract import load_pipeline
    from kg.extract.records import build_record
    from kg.ingest import read_papers
    from kg.resolve import CorpusSummary, merge_summaries, summarise
    from kg.workflow import sample_corpus_paths

    papers = read_papers(sample_corpus_paths()).papers[:120]
    nlp = load_pipeline("blank")
    raw = [build_record(paper, doc, "blank") for paper, doc in zip(papers, nlp.pipe(p.text for p in papers))]
    whole = resolve_records(copy.deepcopy(raw))

    chunks = [raw[i:i + 25] for i in range(0, len(raw), 25)]
    summaries = [CorpusSummary.from_dict(json.loads(json.dumps(summarise(chunk).to_dict()))) for chunk in chunks]
    resolution = merge_summaries(reversed(summaries)).resolution()
    by_chunks = [resolution.apply(record) for record in copy.deepcopy(raw)]
    assert by_chunks == whole
    assert merge_summaries(summaries).records == len(raw)
    # acronyms defined elsewhere in the corpus were resolved, so the test exercises the cross-paper step
    assert resolution.definitions


_PLAIN_WORDS = ["GPUs", "LLMs", "losses", "bias", "SAS", "Indices", "MATRICES", "data", "Cityscapes", "A100s", "3090",
                "ResNet50", "classes", "Policies", "s", "ss", "is", "DNNs", "boxes", "Atlas", "BERTs", "Xs", "x86",
                "numbers of parameters", "of of", "of a of b", "NVIDIA A100 GPUs", "Large Language Models", "a  b",
                " lead", "trail ", "mobile GPUs", "Street View House Numbers", "Llama-2", "x_y", "a, b"]


@pytest.mark.parametrize("entity_type", ["Method", "Task", "Dataset", "Hardware", "Metric", "Ignore"])
def test_a_plain_phrases_merge_key_is_the_general_steps(entity_type):
    """merge_key's short cut for words of ASCII letters and digits one space apart gives what the general steps
    give (and the steps run for anything else)."""
    from hypothesis import given, strategies as st

    from kg.naming import merge_key_steps

    for surface in _PLAIN_WORDS:
        assert merge_key(surface, entity_type) == merge_key_steps(surface, entity_type), surface

    word = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1,
                   max_size=10).flatmap(lambda w: st.sampled_from([w, w + "s", w + "es", w + "ies", w + "S", "of"]))

    @given(st.lists(word, min_size=1, max_size=5), st.sampled_from([" ", " ", "  ", "-"]))
    def same(words, glue):
        surface = glue.join(words)
        assert merge_key(surface, entity_type) == merge_key_steps(surface, entity_type)

    same()


def test_an_unnamed_description_is_its_papers_own_node():
    """"five real-world datasets" (source "unnamed": a relation end kg_relations read as a description) names a
    different set in every paper: each paper keeps its own node, named as written; named datasets still merge."""
    def unnamed(name, written, start=0):
        found = entity("Dataset", name, written, start=start)
        found["source"] = "unnamed"
        found["mentions"][0]["text"] = written
        return found

    records = [
        {"id": "p1", "entities": [unnamed("real-world dataset", "real-world datasets"),
                                  entity("Dataset", "ImageNet", start=40), entity("Method", "Fastlane", start=60)],
         "relations": [{"type": "EVALUATED_ON", "source": "method:fastlane", "target": "dataset:realworlddataset",
                        "sentence": 0, "evidence": "x", "confidence": 0.5}], "results": []},
        {"id": "p2", "entities": [unnamed("real-world dataset", "real-world datasets"),
                                  entity("Dataset", "ImageNet", start=40)], "relations": [], "results": []},
    ]
    resolve_records(records)
    ids = [[e["id"] for e in r["entities"]] for r in records]
    assert ids == [["dataset:realworlddataset@p1", "dataset:imagenet", "method:fastlane"],
                   ["dataset:realworlddataset@p2", "dataset:imagenet"]]
    assert records[0]["entities"][0]["name"] == "real-world datasets"
    assert records[0]["relations"][0]["target"] == "dataset:realworlddataset@p1"
    assert entity_id("Dataset", "real-world dataset", scope="p1") == "dataset:realworlddataset@p1"


def test_a_kept_unnamed_relation_end_is_marked_unnamed():
    from kg.extract import load_pipeline
    from kg.extract.records import build_record
    from kg.ingest import Paper

    nlp = load_pipeline("blank")
    paper = Paper(id="x1", title="Fastlane: quick training",
                  abstract="We propose Fastlane. We evaluate Fastlane on five real-world datasets and it wins.")
    record = build_record(paper, nlp(paper.text), "blank")
    unnamed = [e for e in record["entities"] if e["source"] == "unnamed"]
    assert unnamed and all(e["type"] == "Dataset" for e in unnamed)
    assert any(r["type"] == "EVALUATED_ON" and r["target"] == unnamed[0]["id"] for r in record["relations"])
