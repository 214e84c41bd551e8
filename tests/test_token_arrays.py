"""Helpers that read token arrays instead of Token objects give what the Token objects give."""

import importlib

import pytest
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
    importlib.import_module("kg.extract.title")  # registers kg_sentencizer

    texts = _texts() + ["Ends here... And (again)! Then?? 'Quoted.' Next one. x.y z", "?!", ". . ."]
    plain, arrays = spacy.blank("en"), spacy.blank("en")
    plain.add_pipe("sentencizer")
    arrays.add_pipe("kg_sentencizer")
    from kg.extract.title import REFERENCE_ABBREVIATIONS

    kept = 0
    for a, b in zip(plain.pipe(texts), arrays.pipe(texts)):
        for x, y in zip(a, b):
            if x.is_sent_start != y.is_sent_start:
                # the one difference: a reference abbreviation's period before a number or a lower-case word
                # ("et al. 2022", "et al. showed") ends no sentence
                assert x.is_sent_start and not y.is_sent_start
                assert b[y.i - 1].text == "." and b[y.i - 2].lower_ in REFERENCE_ABBREVIATIONS
                assert y.text[0].islower() or y.text[0].isdigit()
                kept += 1
    assert kept  # the sample corpus has such periods ("Hoffmann et al. 2022")
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


def test_the_token_cache_keeps_no_doc_alive(monkeypatch):
    import gc
    import weakref

    from kg.extract import base, token_view
    from kg.extract.candidates import _STORES
    from kg.extract.pipeline import load_pipeline

    monkeypatch.setattr(token_view, "_MAX_REMEMBERED", 3)  # the entity span lists of the last 3 docs are kept
    nlp = load_pipeline("blank")
    refs = []
    for text in _texts()[:10]:
        doc = nlp(text)
        assert base.doc_tokens(doc).words  # cached while the doc lives
        refs.append(weakref.ref(doc))
    del doc
    gc.collect()
    # the token cache and the candidate stores keep no doc alive; the remembered span lists keep the last 3 (and
    # something else in the pipeline keeps the last doc, as at bdcf63c)
    assert sum(ref() is not None for ref in refs) <= 3
    assert all(ref() is None for ref in refs[:6])
    assert not any(ref() is not None and ref() in _STORES for ref in refs)  # kg_entities released every store


def test_remembered_entity_lists_are_the_groups_spans_until_the_group_changes():
    """token_view.entities gives list(doc.spans[key]) for docs read in turn (a batch), the same list while the group
    stays, and reads a replaced group again."""
    from kg.extract.token_view import entities, set_entities

    nlp = spacy.blank("en")
    docs = [nlp.make_doc(text) for text in _texts()[:20] if len(text) > 40]
    for doc in docs:
        set_entities(doc, "kg_entities", [doc[0:1], doc[2:4]])
    for _ in range(2):
        for doc in docs:
            spans = entities(doc, "kg_entities")
            assert spans is entities(doc, "kg_entities")
            assert [(s.start, s.end) for s in spans] == [(s.start, s.end) for s in doc.spans["kg_entities"]] == [
                (0, 1), (2, 4)]
    for doc in docs:
        doc.spans["kg_entities"] = [doc[1:3]]  # replaced outside token_view
    assert all([(s.start, s.end) for s in entities(doc, "kg_entities")] == [(1, 3)] for doc in docs)
    assert entities(docs[0], "missing") == []

def test_candidates_are_plain_objects_published_as_the_candidate_group():
    from kg.extract.candidates import (CANDIDATES_KEY, Candidate, add_candidates, candidate, candidates,
                                       publish_candidates, release_candidates, set_candidates)

    nlp = spacy.blank("en")
    doc = nlp("We train ResNet-50 on ImageNet with Adam.")
    assert candidates(doc) == []
    add_candidates(doc, [candidate(doc, 2, 3, "Method", "vocabulary", "resnet")])
    add_candidates(doc, [candidate(doc, 4, 5, "Dataset", "open")])
    found = candidates(doc)
    assert all(isinstance(c, Candidate) for c in found) and len(found[0]) == 1
    assert [(c.start, c.end, c.label_, c.id_, c.kb_id_) for c in found] == [
        (2, 3, "Method", "vocabulary", "resnet"), (4, 5, "Dataset", "open", "")]
    assert CANDIDATES_KEY not in doc.spans  # not published yet: no Span objects made
    publish_candidates(doc)
    assert [(s.text, s.label_, s.id_, s.kb_id_) for s in doc.spans[CANDIDATES_KEY]] == [
        ("ResNet-50", "Method", "vocabulary", "resnet"), ("ImageNet", "Dataset", "open", "")]
    add_candidates(doc, [candidate(doc, 6, 7, "Method", "open")])  # the store is newer than the group
    assert len(candidates(doc)) == 3 and len(doc.spans[CANDIDATES_KEY]) == 2
    publish_candidates(doc)
    doc.spans[CANDIDATES_KEY].append(doc[0:1])  # changed behind the store's back: the group is read again
    assert [(c.start, c.label_) for c in candidates(doc)][-1] == (0, "")
    doc.spans[CANDIDATES_KEY] = [doc[1:2]]  # replaced behind its back
    assert [(c.start, c.end) for c in candidates(doc)] == [(1, 2)]
    set_candidates(doc, candidates(doc) + [candidate(doc, 2, 3, "Method", "open")])
    release_candidates(doc)  # publishes what changed
    assert [(s.start, s.label_) for s in doc.spans[CANDIDATES_KEY]] == [(1, ""), (2, "Method")]


@pytest.mark.parametrize("run", ["call", "pipe"])
def test_each_candidate_component_publishes_on_its_own_and_defers_to_kg_entities(run):
    from kg.extract.candidates import CANDIDATES_KEY, candidates
    from kg.extract.pipeline import load_pipeline

    text = "Scaling Laws\nWe propose Zeus, trained with AdamW on ImageNet using 8 NVIDIA A100 GPUs."
    nlp = spacy.blank("en")
    for name in ("kg_vocabulary", "kg_open_rules"):
        nlp.add_pipe(name)
    nlp.initialize()
    doc = nlp(text) if run == "call" else next(nlp.pipe([text]))
    assert {(s.text, s.label_) for s in doc.spans[CANDIDATES_KEY]} >= {("AdamW", "Method"), ("ImageNet", "Dataset")}
    assert [(s.start, s.end, s.label_, s.id_) for s in doc.spans[CANDIDATES_KEY]] == [
        (c.start, c.end, c.label_, c.id_) for c in candidates(doc)]
    # the whole pipeline: kg_entities publishes the same group the components would have
    full = load_pipeline("blank")
    by_call, by_pipe = full(text), next(full.pipe([text]))
    assert [(s.start, s.end, s.label_, s.id_, s.kb_id_) for s in by_call.spans[CANDIDATES_KEY]] == [
        (s.start, s.end, s.label_, s.id_, s.kb_id_) for s in by_pipe.spans[CANDIDATES_KEY]]


def test_kg_title_boundary_sets_what_the_token_setter_sets():
    from kg.extract.title import title_boundary

    def by_tokens(doc):  # the rule, one Token at a time
        newline = doc.text.find("\n")
        if newline >= 0:
            for token in doc[1:]:
                if token.idx > newline:
                    token.is_sent_start = True
                    break
                token.is_sent_start = False
        return doc

    nlp = spacy.blank("en")
    texts = _texts() + ["Title only\n", "\nabstract first", "x", "A title: with parts\nAn abstract. Two."]
    for text in texts:
        expected, doc = by_tokens(nlp.make_doc(text)), title_boundary(nlp.make_doc(text))
        assert [t.is_sent_start for t in doc] == [t.is_sent_start for t in expected], text[:40]


def test_kg_tokenizer_drops_only_idle_whitespace_rules_and_splits_the_same_from_its_cache():
    """The newline rule only stopped spaCy's tokenizer caching the abstract; without it the tokens are the same,
    on a first pass and on a second one that reads the cached chunks."""
    import random
    import re

    from spacy.attrs import ORTH
    from spacy.tokenizer import Tokenizer

    from kg.extract.pipeline import TextKeepingTokenizer, caching_rules, keep_hyphenated_compounds

    plain = spacy.blank("en")
    keep_hyphenated_compounds(plain)
    keeping = TextKeepingTokenizer.copy_of(plain.tokenizer)
    assert "\n" in plain.tokenizer.rules and "\n" not in keeping.rules
    assert set(plain.tokenizer.rules) - set(keeping.rules) <= {" ", "\t", "\n"}
    pieces = ["\n", "\t", " ", "  ", "\n\n", " \n", "\r\n", "e.g.", "(e.g.", "i.e.,", "cannot", "Can't", "a.", "—",
              "C++", ":)", "GPT-4", "3.5x", "(", ")", ".", "vs.", "\xa0", "don't", "'s", "Title", "words"]
    chosen = random.Random(7)
    texts = _texts() + ["".join(chosen.choice(pieces) + chosen.choice(["", " "]) for _ in range(chosen.randint(1, 12)))
                        for _ in range(500)]
    for _ in range(2):
        for text in texts:
            doc, expected = keeping(text), plain.tokenizer(text)
            assert [(t.text_with_ws, t.norm_, t.idx) for t in doc] == [(t.text_with_ws, t.norm_, t.idx) for t in expected]
    # a whitespace rule that the other rules would not keep whole stays
    tab_prefix = Tokenizer(plain.vocab, rules={"\t\t": [{ORTH: "\t\t"}], "\n": [{ORTH: "\n"}]},
                           prefix_search=re.compile(r"^\t").search)
    assert set(caching_rules(tab_prefix)) == {"\t\t"}


def test_doc_tokens_sentence_starts_and_word_positions_are_the_tokens():
    """is_sent_start(i) is doc[i].is_sent_start (token 0 a start) with or without a sentence splitter;
    lower_positions takes a set, a frozenset or a dict, on any number of requests."""
    from kg.extract.base import doc_tokens

    with_sentences, without = spacy.blank("en"), spacy.blank("en")
    with_sentences.add_pipe("sentencizer")
    for nlp in (with_sentences, without):
        for doc in nlp.pipe(_texts()):
            tokens = doc_tokens(doc)
            assert [tokens.is_sent_start(i) for i in range(1, len(doc))] == [t.is_sent_start for t in doc[1:]]
            assert not len(doc) or tokens.is_sent_start(0) is True
            for words in ({"the", "we", ","}, frozenset({"model", "models", "."}), {"of": 1, "and": 2}, set(),
                          {"never-seen-word"}):
                assert tokens.lower_positions(words) == [t.i for t in doc if t.lower_ in words]


@pytest.mark.parametrize("text, sentences", [
    # a one-letter name (or a name ending in a capital) at the end of a sentence: the sentence ends
    ("We benchmark on Platform A. We then scale it.", ["We benchmark on Platform A.", "We then scale it."]),
    ("Our planner picks route W. Experiments confirm it.", ["Our planner picks route W.", "Experiments confirm it."]),
    ("It draws 41 W. On the robot arm it idles.", ["It draws 41 W.", "On the robot arm it idles."]),
    ("The backbone is Mixer-K. On both suites it wins.", ["The backbone is Mixer-K.", "On both suites it wins."]),
    ("The noise grows with the width of N. The rest is flat.",
     ["The noise grows with the width of N.", "The rest is flat."]),
    # initials, abbreviations and a letter before a lower-case word: no break
    ("Written by Q. Rivera and L. M. Okafor. We thank them.",
     ["Written by Q. Rivera and L. M. Okafor.", "We thank them."]),
    ("Q. Rivera wrote it, with L. Okafor.", ["Q. Rivera wrote it, with L. Okafor."]),
    ("Grown in E. coli cultures, it folds.", ["Grown in E. coli cultures, it folds."]),
    ("Trade in the U.S. market grew, e.g. here. Then it fell.", ["Trade in the U.S. market grew, e.g. here.",
                                                                "Then it fell."]),
    ("Appendix D. lists the runs.", ["Appendix D. lists the runs."]),
])
def test_a_one_letter_name_ends_a_sentence_and_an_initial_does_not(text, sentences):
    importlib.import_module("kg.extract.title")  # registers kg_sentencizer
    from kg.extract.pipeline import keep_hyphenated_compounds

    nlp = spacy.blank("en")
    keep_hyphenated_compounds(nlp)  # kg's tokenizer rules: the period after one capital letter is its own token
    nlp.add_pipe("kg_sentencizer")
    doc = nlp(text)
    assert [s.text for s in doc.sents] == sentences
    words = [t.text for t in doc]
    assert "U.S." in words or "U" not in words  # the special cases stay whole
    assert not any(len(w) == 2 and w[0].isupper() and w[1] == "." for w in words)


@pytest.mark.parametrize("text, sentences", [
    # a reference abbreviation's period before a number or a lower-case word ends no sentence
    ("As shown in Fig. 4 the loss falls. We stop early.", ["As shown in Fig. 4 the loss falls.", "We stop early."]),
    ("See Sec. 5 and Eq. 7 of the appendix.", ["See Sec. 5 and Eq. 7 of the appendix."]),
    ("Unlike Okafor et al. we prune heads. It helps.", ["Unlike Okafor et al. we prune heads.", "It helps."]),
    ("It gains 3 pp. on the suite. Then it stalls.", ["It gains 3 pp. on the suite.", "Then it stalls."]),
    # before a capitalised word spaCy's rule stands: a break
    ("This is shown by Okafor et al. We go further.", ["This is shown by Okafor et al.", "We go further."]),
    # a one-letter variable ends a sentence before a capitalised word, not before a lower-case one
    ("We keep adapters of rank r. Experiments confirm it.", ["We keep adapters of rank r.", "Experiments confirm it."]),
    ("The step is scaled by k. then clipped.", ["The step is scaled by k. then clipped."]),
    # whole special cases are untouched
    ("It wins, e.g. on text, i.e. here. Then it fell.", ["It wins, e.g. on text, i.e. here.", "Then it fell."]),
])
def test_a_reference_abbreviation_or_a_variable_before_its_period(text, sentences):
    from kg.extract import load_pipeline

    doc = load_pipeline("blank")(text)
    assert [s.text for s in doc.sents] == sentences


def test_the_abbreviations_are_pattern_data():
    from kg.extract.pattern_data import word_lists
    from kg.extract.title import REFERENCE_ABBREVIATIONS

    assert REFERENCE_ABBREVIATIONS == frozenset(word_lists("reference_abbreviations")[0]["words"])
    assert {"fig", "eq", "al"} <= REFERENCE_ABBREVIATIONS


def test_a_one_letter_name_before_the_next_sentence_is_a_name_of_its_own_sentence():
    from kg.extract import load_pipeline

    nlp = load_pipeline("blank")
    doc = nlp("Scaling on Platform B\nWe deploy the scheduler on Platform B. Latency falls by 30% on Platform B. "
              "The code is public.")
    assert [s.text.strip() for s in doc.sents] == ["Scaling on Platform B", "We deploy the scheduler on Platform B.",
                                                   "Latency falls by 30% on Platform B.", "The code is public."]


def test_the_last_docs_token_cache_and_memo_are_found_again_and_hold_no_doc():
    """doc_tokens / doc_memo answer the last doc from a weak reference: the same objects as the weak-key caches
    give, docs asked about in turn get their own, and a dead last doc is no hit for a new one."""
    import gc
    import weakref

    from kg.extract.base import doc_tokens
    from kg.extract.token_view import doc_memo

    nlp = spacy.blank("en")
    first, second = nlp.make_doc("one two three"), nlp.make_doc("four five")
    tokens, memo = doc_tokens(first), doc_memo(first)
    assert doc_tokens(first) is tokens and doc_memo(first) is memo
    assert doc_tokens(second) is not tokens and doc_memo(second) is not memo
    assert [w.text for w in doc_tokens(second).words] == ["four", "five"]
    assert doc_tokens(first) is tokens and doc_memo(first) is memo  # back to the first: its own, not the last's
    ref = weakref.ref(first)
    del first, tokens, memo
    gc.collect()
    assert ref() is None  # the last doc is not kept alive
    third = nlp.make_doc("six")
    assert [w.text for w in doc_tokens(third).words] == ["six"] and doc_memo(third) == {}
