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


def test_doc_tokens_give_what_the_token_objects_give():
    from kg.extract.base import doc_tokens

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    checked = 0
    for doc in nlp.pipe(_texts()[:60] + ODD):
        tokens = doc_tokens(doc)
        assert tokens is doc_tokens(doc)  # computed once per doc
        assert tokens.text == doc.text
        assert tokens.sent_starts() == [bool(t.is_sent_start) for t in doc]
        for token, word in zip(doc, tokens.words):
            for name in ("orth", "text", "lower", "lower_", "is_alpha", "is_lower", "is_title", "is_upper", "is_punct",
                         "is_space", "is_digit", "is_stop", "like_num", "shape_", "prefix_", "suffix_"):
                assert getattr(word, name) == getattr(token, name), (name, token.text)
            assert tokens.idx[token.i] == token.idx and tokens.end[token.i] == token.idx + len(token)
            checked += 1
        for start in range(0, len(doc), 7):
            for end in (start, start + 1, start + 5, len(doc)):
                if end <= len(doc):
                    assert tokens.span_text(start, end) == doc[start:end].text
        words = {"the", "we", ",", "model"}
        assert tokens.lower_positions(words) == [t.i for t in doc if t.lower_ in words]
    assert checked > 1000


def test_the_token_cache_keeps_no_doc_alive():
    import gc
    import weakref

    from kg.extract import base
    from kg.extract.candidates import _CANDIDATE_LISTS
    from kg.extract.pipeline import load_pipeline

    nlp = load_pipeline("blank")
    _CANDIDATE_LISTS.clear()  # docs of components run alone in other tests (bounded: _MAX_CANDIDATE_DOCS)
    refs = []
    for text in _texts()[:10]:
        doc = nlp(text)
        assert base.doc_tokens(doc).words  # cached while the doc lives
        refs.append(weakref.ref(doc))
    del doc
    gc.collect()
    # neither cache keeps a doc alive (something else in the pipeline keeps the last doc, as at bdcf63c)
    assert sum(ref() is not None for ref in refs) <= 1
    assert len(_CANDIDATE_LISTS) == 0  # kg_entities released every candidate list


def test_candidates_are_the_candidate_group():
    from kg.extract.candidates import CANDIDATES_KEY, add_candidates, candidate, candidates, set_candidates

    nlp = spacy.blank("en")
    doc = nlp("We train ResNet-50 on ImageNet with Adam.")
    assert candidates(doc) == []
    add_candidates(doc, [candidate(doc, 2, 3, "Method", "vocabulary")])
    add_candidates(doc, [candidate(doc, 4, 5, "Dataset", "open")])
    assert candidates(doc) == list(doc.spans[CANDIDATES_KEY])
    doc.spans[CANDIDATES_KEY].append(candidate(doc, 6, 7, "Method", "open"))  # changed behind the cache's back
    assert candidates(doc) == list(doc.spans[CANDIDATES_KEY]) and len(candidates(doc)) == 3
    set_candidates(doc, candidates(doc)[:1])
    doc.spans[CANDIDATES_KEY] = [candidate(doc, 0, 1, "Method", "open")]  # replaced behind its back
    assert [(s.start, s.label_) for s in candidates(doc)] == [(0, "Method")]
