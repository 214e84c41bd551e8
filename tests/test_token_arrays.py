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


def test_kg_sentencizer_splits_as_spacys_sentencizer():
    import kg.extract.title  # noqa: F401  (registers kg_sentencizer)

    texts = _texts() + ["Ends here... And (again)! Then?? 'Quoted.' Next one. x.y z", "?!", ". . ."]
    plain, arrays = spacy.blank("en"), spacy.blank("en")
    plain.add_pipe("sentencizer")
    arrays.add_pipe("kg_sentencizer")
    for a, b in zip(plain.pipe(texts), arrays.pipe(texts)):
        assert [t.is_sent_start for t in a] == [t.is_sent_start for t in b]
    # starts set before it (the title boundary) are kept, as spaCy's keeps them
    custom = spacy.blank("en")
    custom.add_pipe("kg_sentencizer", config={"punct_chars": [";"]})
    doc = custom.make_doc("a ; b . c ; d")
    doc[2].is_sent_start = False
    custom.get_pipe("kg_sentencizer")(doc)
    assert [t.is_sent_start for t in doc] == [True, False, False, False, False, False, True]


def test_span_text_is_span_text():
    from kg.extract.candidates import span_text

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    checked = 0
    for doc in nlp.pipe(_texts()):
        spans = [*doc.sents, *(doc[i:j] for i in range(0, len(doc), 7) for j in (i, i + 1, i + 3, len(doc)))]
        for span in spans:
            assert span_text(span) == span.text
            checked += 1
    assert checked > 1000
