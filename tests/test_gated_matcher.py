"""GatedMatcher finds exactly what one spaCy Matcher with every pattern finds, in the same order."""

import spacy
from spacy.matcher import Matcher

from kg.extract.gated_matcher import GatedMatcher, pattern_gate
from kg.extract.pattern_data import VOCABULARY_FILES, read_pattern_file
from kg.ingest import read_papers
from kg.workflow import sample_corpus_paths

EXTRA = [
    "We train ResNet-50 and GPT-4o on 8 NVIDIA A100 GPUs and an Apple M2 Pro CPU, plus Llama 3 70B.",
    "Jetson AGX Orin and Raspberry Pi 4 boards; TPU v4 pods; Snapdragon 8 Gen 2; MI300X; Arm CPUs.",
    "no names here at all, only lower case words",
    "",
]


def _both(rows):
    nlp = spacy.blank("en")
    plain, gated = Matcher(nlp.vocab), GatedMatcher(nlp.vocab)
    for i, row in enumerate(rows):
        plain.add(f"{row['label']}\t{i}", [row["pattern"]])
        gated.add(f"{row['label']}\t{i}", [row["pattern"]])
    return nlp, plain, gated


def same_matches(nlp, plain, gated) -> int:
    """Assert both matchers find the same matches over the sample corpus and EXTRA; the number found."""
    texts = [p.text for p in read_papers(sample_corpus_paths()).papers] + EXTRA
    found = 0
    for doc in nlp.pipe(texts):
        expected = plain(doc)
        assert gated(doc) == expected, doc.text[:80]
        found += len(expected)
    return found


def test_gated_matcher_equals_matcher_on_the_vocabulary_token_patterns():
    rows = [row for name in VOCABULARY_FILES for row in read_pattern_file(name) if isinstance(row["pattern"], list)]
    assert len(rows) >= 10
    nlp, plain, gated = _both(rows)
    assert same_matches(nlp, plain, gated) > 50  # the patterns do match: not two empty lists compared


def test_gate_conditions():
    vocab = spacy.blank("en").vocab
    # optional tokens set no condition; required ones set one each
    assert pattern_gate(vocab, [{"LOWER": "nvidia", "OP": "?"}, {"TEXT": {"REGEX": "^A\\d+$"}}]) != []
    assert len(pattern_gate(vocab, [{"LOWER": "nvidia", "OP": "?"}])) == 0
    assert len(pattern_gate(vocab, [{"LOWER": {"IN": ["gpu"]}, "OP": "{1,2}"}, {"IS_TITLE": True}])) == 1
    assert len(pattern_gate(vocab, [{"TEXT": "x", "OP": "*"}, {"TEXT": "y", "OP": "!"}])) == 0


def test_vocabulary_uses_the_gated_matcher_and_still_matches():
    nlp = spacy.blank("en")
    component = nlp.add_pipe("kg_vocabulary")
    nlp.initialize()
    assert isinstance(component.token_matcher, GatedMatcher)
    doc = nlp("We fine-tune ResNet-50 on 8 NVIDIA A100 GPUs.")
    labels = {(s.text, s.label_) for s in doc.spans["kg_candidates"]}
    assert ("ResNet-50", "Method") in labels


def test_gated_matcher_equals_matcher_on_the_open_rules_with_greedy_keys():
    rows = read_pattern_file("rules.jsonl")
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")  # the titlecase rules read IS_SENT_START
    plain, gated = Matcher(nlp.vocab), GatedMatcher(nlp.vocab)
    for i, row in enumerate(rows):
        plain.add(f"r{i}", [row["pattern"]], greedy=row.get("greedy"))
        gated.add(f"r{i}", [row["pattern"]], greedy=row.get("greedy"))
    assert same_matches(nlp, plain, gated) > 50


def test_regex_conditions_become_lexeme_flags_with_the_same_matches():
    from kg.extract.gated_matcher import _FLAG_BITS, add_flagged, flagged_pattern

    nlp = spacy.blank("en")
    pattern = [{"TEXT": {"REGEX": "^[A-Z]\\w*\\d$"}}, {"LOWER": {"IN": ["gpu", "gpus"]}}]
    flagged = flagged_pattern(nlp.vocab, pattern)
    assert all(isinstance(key, int) for key in flagged[0])  # the regex is a flag bit now
    assert flagged[1] == pattern[1]  # IN stays a spaCy predicate
    # words seen before and after the flag was added both carry it
    plain, fast = Matcher(nlp.vocab), Matcher(nlp.vocab, validate=False)
    plain.add("x", [pattern])
    add_flagged(fast, "x", [pattern])
    for text in ["Two A100 GPUs and one H100 gpu.", "Zork9 GPUS, zork9 gpu, Q7 GPU"]:
        doc = nlp(text)
        assert fast(doc) == plain(doc) != []
    # when every bit is taken, further regexes stay predicates and still match
    for n in range(len(_FLAG_BITS)):
        flagged_pattern(nlp.vocab, [{"TEXT": {"REGEX": f"^q{n}$"}}])
    late = [{"TEXT": {"REGEX": "^late\\d$"}}]
    assert flagged_pattern(nlp.vocab, late) == late
    fast = Matcher(nlp.vocab, validate=False)
    add_flagged(fast, "late", [late])
    assert len(fast(nlp("a late7 b"))) == 1


def test_invalid_token_patterns_are_rejected_when_added():
    import pytest

    gated = GatedMatcher(spacy.blank("en").vocab)
    with pytest.raises(ValueError, match="invalid token pattern"):
        gated.add("bad", [[{"TEXTT": "x"}]])


def test_the_gated_matcher_compacts_docs_and_still_matches():
    rows = read_pattern_file("rules.jsonl")
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    plain, gated = Matcher(nlp.vocab), GatedMatcher(nlp.vocab)
    for i, row in enumerate(rows):
        plain.add(f"r{i}", [row["pattern"]], greedy=row.get("greedy"))
        gated.add(f"r{i}", [row["pattern"]], greedy=row.get("greedy"))
    assert gated._may_match_bit() is not None  # compaction is on for the open rules
    text = ("the the the Zeus Model , , and T5 11B is here . \" Deep Learning Rocks \" was said by Mr Smith ; "
            "A100 GPUs and M2 Pro CPU ran MRR@10 with KL-Top loss . The Big Model")
    doc = nlp(text)
    mask = doc.to_array([gated._may_match_bit()])
    assert 0 < mask.sum() < len(doc)  # some tokens can take part in a match, some can not
    assert gated(doc) == plain(doc) != []


def test_patterns_that_read_token_attributes_are_not_compacted():
    nlp = spacy.blank("en")
    gated, plain = GatedMatcher(nlp.vocab), Matcher(nlp.vocab)
    pattern = [{"NORM": "not"}, {"LOWER": "good"}]  # NORM is a token attribute: "n't" has the norm "not"
    gated.add("x", [pattern])
    plain.add("x", [pattern])
    assert gated._may_match_bit() is None
    doc = nlp("it isn't good and is not good")
    assert gated(doc) == plain(doc) and len(plain(doc)) == 2


def test_may_match_flags_answer_as_every_spec_tested_in_turn():
    """The may-match getter looks exact-string specs up in a set; its answers are those of testing each spec."""
    import json as json_module

    from spacy.attrs import LOWER

    from kg.extract.gated_matcher import _MayMatch
    from kg.extract.pipeline import load_pipeline

    nlp = load_pipeline("blank")
    nlp("A title\nWe propose Zeus on ImageNet-1k with 3.5% higher accuracy than BERT on 8 A100 GPUs.")
    getters = nlp.vocab.lex_attr_getters
    flags = [g for g in getters.values() if isinstance(g, _MayMatch)]
    assert flags and any(g.texts or g.lowers for g in flags)
    texts = [paper.text for paper in read_papers(sample_corpus_paths()).papers[:40]] + EXTRA
    words = {t.text for text in texts for t in nlp.make_doc(text)} | {"GPUs", "gpus", "ms", "x", "TFLOPs/s"}
    for flag in flags:
        specs = json_module.loads(flag.key[1])
        tests = [[t for k, v in spec.items() if k != "OP"
                  for t in [_MayMatch._test(getters, int(k) if k.isdigit() else k, v)] if t is not None]
                 for spec in specs]
        for word in words:
            low = getters[LOWER](word)
            assert flag(word) == any(all(t(word, low) for t in ts) for ts in tests), word


def _words_of_the_sample():
    texts = [paper.text for paper in read_papers(sample_corpus_paths()).papers[:80]] + EXTRA
    return texts, ["GPUs", "gpus", "ms", "x", "TFLOPs/s", "3.5x", "~1,000", "1.2k", "2-3", "45%-50%", "Llama-3.1-8B",
                   "A100-SXM4", "TPUv5e", "x86-64", "MRR@10", "Training", "ÅBC", "İstanbul", "ﬁne", "Ⅻ"]


def test_lexeme_flags_hold_their_condition_for_known_and_new_words():
    """The flags answered together (one shared pass per new word) are each regex's own answer, for the words the
    vocab held when the flag was added and for the words it meets later."""
    import re

    from kg.extract.gated_matcher import _LexemeTest
    from kg.extract.pipeline import load_pipeline

    nlp = load_pipeline("blank")
    texts, extra = _words_of_the_sample()
    for doc in nlp.pipe(texts):
        pass
    for word in extra:
        nlp.vocab[word]  # new words, made after every flag was added
    flags = {bit: g.key for bit, g in nlp.vocab.lex_attr_getters.items() if isinstance(g, _LexemeTest)}
    assert len(flags) > 20
    lower = nlp.vocab.lex_attr_getters[spacy.attrs.LOWER]
    checked = 0
    for lexeme in nlp.vocab:
        word = lexeme.orth_
        for bit, (field, kind, value) in flags.items():
            text = lower(word) if field == "lower" else word
            expected = (re.search(value, text) is not None if kind == "REGEX" else
                        text in value if kind == "IN" else text not in value)
            assert lexeme.check_flag(bit) == expected, (word, value)
            checked += expected
    assert checked > 100  # flags that hold, not only flags that do not


def test_may_match_flags_of_known_words_are_those_of_new_words():
    """A may-match flag added over the words the vocab holds reads their stored flags (from_lexeme); a new word's
    comes from its string: both answer the same."""
    from kg.extract.gated_matcher import _MayMatch
    from kg.extract.pipeline import load_pipeline

    nlp = load_pipeline("blank")
    texts, extra = _words_of_the_sample()
    for doc in nlp.pipe(texts):
        pass
    flags = {bit: g for bit, g in nlp.vocab.lex_attr_getters.items() if isinstance(g, _MayMatch)}
    assert len(flags) >= 2
    for word in extra:
        nlp.vocab[word]
    hits = 0
    for lexeme in nlp.vocab:
        for bit, flag in flags.items():
            assert lexeme.check_flag(bit) == flag(lexeme.orth_) == flag.from_lexeme(lexeme), lexeme.orth_
            hits += lexeme.check_flag(bit)
    assert hits > 50


def test_combined_regexes_match_when_one_of_them_does():
    import random
    import re

    from kg.extract.gated_matcher import _any_of

    regexes = [r"^\d+(?:\.\d+)?[BMKT]$", r"(?i)^[+-]?\d+(?:tokens|steps)$", r"[a-z][A-Z]", r"^(?=.*\d)[A-Z]\w*$",
               r"(?x) ^ GPU s? $", r"ing$"]
    search = _any_of(regexes)
    assert search is not None
    rng = random.Random(7)
    alphabet = "aZ9.-+kBTgnisPU GTOKEs"
    words = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8))) for _ in range(20000)]
    words += ["12B", "3TOKENS", "-4Steps", "camelCase", "A100", "GPUs", "GPU", "training", "x"]
    for word in words:
        assert (search(word) is not None) == any(re.search(r, word) for r in regexes), word
    assert _any_of([r"(a)\1"]) is None and _any_of([r"(?P<x>a)(?P=x)"]) is None  # back-references stay apart


def test_anchored_regexes_are_answered_together_as_each_alone():
    """_each_of answers every anchored regex in one match, each as re.search alone; _anchored keeps out what can
    match past the start (a top-level alternation, MULTILINE, no leading ^)."""
    import random
    import re

    from kg.extract.gated_matcher import _anchored, _each_of

    assert _anchored(r"^\d+(?:\.\d+)?[BMKT]$") and _anchored(r"(?i)^a(b|c)$") and _anchored(r"^[|]x") \
        and _anchored(r"^\|x") and _anchored(r"^[]|]x") and _anchored(r"^(?!\d+$)")
    assert not _anchored(r"^a|b") and not _anchored(r"a^") and not _anchored(r"(?m)^a") \
        and not _anchored(r"(?x) ^ a") and not _anchored(r"^[^]]|b")
    regexes = [r"^\d+(?:\.\d+)?[BMKT]$", r"(?i)^[+-]?\d+(?:tokens|steps)$", r"^(?=.*\d)[A-Z]\w*$", r"^(?!\d+$)",
               r"^(a)(b)?", r"(?s)^.g$", r"^(?P<n>x)y"]
    assert all(_anchored(r) for r in regexes)
    together, groups = _each_of(regexes)
    rng = random.Random(11)
    alphabet = "aZ9.-+kBTgnisPUb GTOKEsxy\n"
    words = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8))) for _ in range(20000)]
    words += ["12B", "3TOKENS", "-4Steps", "A100", "ab", "a", "\ng", "xy", "", "12"]
    for word in words:
        found = together.match(word).groups()
        assert [found[g - 1] is not None for g in groups] == [bool(re.search(r, word)) for r in regexes], word
    assert _each_of([r"^(a)\1"]) is None and _each_of([r"^(?P<x>a)", r"^(?P<x>b)"]) is None
