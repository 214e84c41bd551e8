"""Helpers that read token arrays instead of Token objects give what the Token objects give."""

import spacy

from kg.extract.candidates import doc_text, lower_positions
from kg.ingest import read_papers
from kg.workflow import sample_corpus_paths

ODD = ["", " ", "a  b\n\nc ", "  x\t y ", "Hello, world! (e.g. 3.5x)  \n", "ÄÖÜ straße İstanbul ǅ"]


def _texts():
    return [p.text for p in read_papers(sample_corpus_paths()).papers] + ODD


def test_doc_text_is_doc_text():
    nlp = spacy.blank("en")
    for doc in nlp.pipe(_texts()):
        assert doc_text(doc) == doc.text


def test_lower_positions_are_the_tokens_with_that_lower_form():
    nlp = spacy.blank("en")
    words = {"the", "we", "accuracy", "gpus", "straße", ",", "never-seen-word"}
    hits = 0
    for doc in nlp.pipe(_texts()):
        expected = [t.i for t in doc if t.lower_ in words]
        assert lower_positions(doc, words) == expected
        hits += len(expected)
    assert hits > 100


def test_kg_tokenizer_keeps_the_text_and_splits_as_the_tokenizer_it_copies():
    from kg.extract.pipeline import TextKeepingTokenizer, keep_hyphenated_compounds

    plain = spacy.blank("en")
    keep_hyphenated_compounds(plain)
    keeping = TextKeepingTokenizer.copy_of(plain.tokenizer)
    for text in _texts():
        doc, expected = keeping(text), plain.tokenizer(text)
        assert [t.text_with_ws for t in doc] == [t.text_with_ws for t in expected]
        assert doc.user_data["kg_text"] == doc_text(doc) == expected.text == text
        del doc.user_data["kg_text"]
        assert doc_text(doc) == text  # without it, doc_text builds the same text from the tokens
