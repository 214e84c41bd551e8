"""Entity mechanisms of the thirteenth session (names): candidates for names kg has never seen. Every name here is
invented, so no vocabulary row can be what finds it."""

from __future__ import annotations

import pytest

from entity_records import record, surfaces
from kg.extract import load_pipeline


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline("blank")


def test_identifier_shaped_words_in_a_dataset_position_are_datasets(nlp):
    rec = record("We evaluate Vexo on 9 datasets from ZINC, qrbz-molzap, qrbz-tenvo and the Kestrel Graph Benchmark "
                 "(Fenlo-func, Fenlo-struct). Vexo reaches an MRR of 0.812 on tgzq-wiki and 0.751 on tgzq-review, "
                 "and a perplexity of 2.64 on Marrow-pile.", nlp)
    assert {"qrbz-molzap", "qrbz-tenvo", "Fenlo-func", "Fenlo-struct", "tgzq-wiki", "tgzq-review",
            "Marrow-pile"} <= surfaces(rec, "Dataset")
    rec = record("We report 30.8 BLEU on Spanish-English and 71.0% on the N-body dataset.", nlp)
    assert not {"Spanish-English", "N-body"} & surfaces(rec, "Dataset")


def test_identifier_shaped_words_elsewhere_or_english_words_are_no_names(nlp):
    rec = record("State-of-the-art fine-tuning and multi-task learning reach 71.2% on ZINC and 70.1% on few-shot "
                 "splits. We use the qrbz-lite tokenizer and the Marrow-pile style for non-iid data.", nlp)
    found = {s for t in ("Method", "Dataset", "Metric", "Task") for s in surfaces(rec, t)}
    assert not {"fine-tuning", "multi-task", "few-shot", "qrbz-lite", "Marrow-pile", "non-iid"} & found


def test_a_participle_before_a_name_is_no_part_of_it(nlp):
    rec = record("Vexo outperforms a hand-tuned ZorbSpeed configuration and the pre-trained KelvinGAN.", nlp)
    methods = surfaces(rec, "Method")
    assert {"ZorbSpeed", "KelvinGAN"} <= methods
    assert not {"hand-tuned ZorbSpeed", "pre-trained KelvinGAN"} & methods
    # a technique modifier still makes a variant of its own
    rec = record("We implement block-sparse QuillAttention on GPUs.", nlp)
    assert "block-sparse QuillAttention" in surfaces(rec, "Method")


def test_a_lower_case_modifier_before_a_dataset_name_is_cut(nlp):
    rec = record("Similar savings hold on GSM8K (2.7x) and on the competition-level OlympoBench (2.1x).", nlp)
    assert "OlympoBench" in surfaces(rec, "Dataset")
    assert "competition-level OlympoBench" not in surfaces(rec, "Dataset")


def test_a_word_that_goes_on_naming_a_name_is_part_of_it(nlp):
    rec = record("Models written in Torchly Geometric are compiled. Vexo beats DockRun Vina and Glade. On QuadTec AD, "
                 "Vexo reaches 95.8% AUROC, and QuadTec AD image AUROC climbs to 97.1%. We also test TabQFN v2.", nlp)
    assert {"Torchly Geometric", "DockRun Vina", "TabQFN v2"} <= surfaces(rec, "Method")
    assert "QuadTec AD" in surfaces(rec, "Dataset") and "QuadTec" not in surfaces(rec, "Dataset")
    # not before a lower-case noun, and not over a word of another kind
    rec = record("We learn a LyapoNet NN estimator. We fine-tune ZetaBERT on GLUE.", nlp)
    assert "LyapoNet NN" not in surfaces(rec, "Method")
    # a stop-listed company is no name to go on from: its product's type is its position's
    rec = record("We run SAC and PQL on DeepMind Fooball, and ZetaGym.", nlp)
    assert "DeepMind Fooball" not in surfaces(rec, "Method")


def test_the_source_items_of_data_come_from_is_a_dataset(nlp):
    rec = record("We build a benchmark of 176 classification tasks from QuollML, covering 500 rows. Training on synthetic "
                 "crowds from MOTZynth accounts for a third of the gain. A trace derived from Zephyr Functions is "
                 "replayed.", nlp, title="A Re-Evaluation on 176 QuollML Tasks")
    assert {"QuollML", "MOTZynth", "Zephyr Functions"} <= surfaces(rec, "Dataset")
    assert "QuollML" not in surfaces(rec, "Hardware") | surfaces(rec, "Metric")
    # knowledge or outputs of a model, or a name a noun follows, are no data source
    rec = record("We distill knowledge from TransNet into a small model, and compare images from ZedDiffusion outputs.",
                 nlp)
    assert not {"TransNet", "ZedDiffusion"} & surfaces(rec, "Dataset")


def test_a_capitalised_word_and_an_acronym_joined_by_a_hyphen_is_a_name(nlp):
    rec = record("We replace blocks with Fused-QBConv. Employing Quorl-RL to learn a reward, Vexo beats Zelin-NGP.", nlp)
    assert {"Fused-QBConv", "Quorl-RL", "Zelin-NGP"} <= surfaces(rec, "Method")
    # not after a bound prefix: "Non-IID data", "Multi-GPU setups"
    rec = record("Non-IID data and Multi-GPU setups are common for Vexo.", nlp)
    found = {s for t in ("Method", "Dataset", "Hardware") for s in surfaces(rec, t)}
    assert not {"Non-IID", "Multi-GPU"} & found


def test_a_devtest_set_and_a_model_noun_type_a_name(nlp):
    rec = record("We compare tokenizers of 18 models, including GPT-4o and mT5, on the parallel FLOZZ-200 devtest set.",
                 nlp)
    assert "FLOZZ-200" in surfaces(rec, "Dataset")
    rec = record("Our evaluation on a Linear-Quokka3 model shows a 2x speedup.", nlp)
    assert "Linear-Quokka3" in surfaces(rec, "Method") and "Linear-Quokka3" not in surfaces(rec, "Dataset")


def test_capitalised_words_joined_by_hyphens_in_running_text_are_a_name(nlp):
    rec = record("Classic methods include Frank-Wulfe, Heavy-Bull and Follow-The-Leeder (FTL). We compare Quorl-Core and "
                 "Transformer-Lyte, evaluated on ZINC.", nlp)
    assert {"Frank-Wulfe", "Heavy-Bull", "Follow-The-Leeder", "Quorl-Core"} <= surfaces(rec, "Method")
    # not a language pair, not a modifier of a noun, not a part of a longer capitalised name
    rec = record("Vexo is evaluated on Spanish-English, with the Clebsch-Gordon coefficients and Soft Actor-Crutic.",
                 nlp)
    found = {s for t in ("Method", "Dataset", "Task") for s in surfaces(rec, t)}
    assert not {"Spanish-English", "Clebsch-Gordon", "Actor-Crutic"} & found
