"""Entity mechanisms that do not depend on having seen the name (issue 9; measured by kg.evaluate.unseen).

Each test uses invented names, or removes the real ones from the vocabulary, so only the mechanism can find them.
"""

from __future__ import annotations

import pytest

from kg.extract import load_pipeline
from kg.extract.candidates import ENTITIES_KEY
from kg.extract.vocabulary import rows_without


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline("blank")


@pytest.fixture
def without(nlp):
    """Extract with the vocabulary rows naming *names* removed (restored afterwards)."""
    vocabulary = nlp.get_pipe("kg_vocabulary")
    full = list(vocabulary.patterns)

    def entities(text: str, *names: str) -> dict[str, str]:
        drop = {name.lower() for name in names}
        vocabulary.initialize(patterns=rows_without(full, lambda name: name.lower() in drop))
        doc = nlp(text)
        return {span.text: span.label_ for span in doc.spans[ENTITIES_KEY]}

    yield entities
    vocabulary.initialize(patterns=full)


def test_a_metric_phrase_of_generic_modifiers_is_a_metric(without):
    found = without("A study\nIt adapts to the problem in terms of computation time. It cuts the inference latency.",
                    "computation time", "inference latency")
    assert found.get("computation time") == "Metric" and found.get("inference latency") == "Metric"


def test_a_name_before_a_test_set_or_after_an_evaluation_cue_is_a_dataset(without):
    found = without("A study\nOur prover scores 71.3 on the Zorblax-7 test set. We also evaluated on QuibbleQA-2.")
    assert found.get("Zorblax-7") == "Dataset" and found.get("QuibbleQA-2") == "Dataset"
    # the bare "on the" is no dataset cue: models follow it as often
    assert without("A study\nWe build on the Zorblax-7 architecture.").get("Zorblax-7") == "Method"


def test_a_name_where_a_measure_stands_is_a_metric(without):
    found = without("A study\nFlurbNet-3 reaches 55.1 ZQP on the test set, a ZQR of 3.2 and 12% QRX. "
                    "We fine-tune 8 LLMs.")
    assert found.get("ZQP") == "Metric" and found.get("ZQR") == "Metric" and found.get("QRX") == "Metric"
    assert found.get("FlurbNet-3") == "Method" and found.get("LLMs") != "Metric"  # things counted are no measure


def test_a_capitalised_word_listed_with_a_method_or_dataset_takes_its_type(without):
    found = without("A study\nWe compare it with optimizers such as Adam and Quillfactor. "
                    "It wins on ImageNet and CIFAR/Zorbs/Flurbs datasets. Then We rest.")
    assert found.get("Quillfactor") == "Method"
    assert found.get("Zorbs") == "Dataset" and found.get("Flurbs") == "Dataset"  # along the list
    assert "Then" not in found and "We" not in found
