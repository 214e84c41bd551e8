"""The shared per-doc entity table (kg.extract.entity_table) and the plain extension values (kg.extract.doc_values)."""

from __future__ import annotations

import gc
import importlib
import weakref

import spacy
from spacy.tokens import Span

from kg.extract.candidates import ENTITIES_KEY
from kg.extract.doc_values import PLAIN_EXTENSIONS, doc_value, is_plain, set_doc_value
from kg.extract.entity_table import entity_rows, entity_spans, entity_table, release, set_entity_spans


def _doc(nlp):
    doc = nlp("We train ResNet-50 on ImageNet with 8 A100 GPUs and beat ViT .")
    doc.spans[ENTITIES_KEY] = [Span(doc, 2, 5, label="Method", kb_id="Method|resnet50", span_id="vocabulary"),
                               Span(doc, 6, 7, label="Dataset", kb_id="Dataset|imagenet"),
                               Span(doc, 9, 10, label="Hardware", kb_id="Hardware|a100", span_id="open")]
    return doc


def _rows(spans):
    return [(s.start, s.end, s.label_, s.kb_id_, s.id_) for s in spans]


def test_the_table_is_the_group_read_once_per_state():
    nlp = spacy.blank("en")
    doc = _doc(nlp)
    table = entity_table(doc)
    assert table.spans == list(doc.spans[ENTITIES_KEY]) and table.rows == _rows(doc.spans[ENTITIES_KEY])
    assert entity_table(doc) is table and entity_spans(doc) is table.spans  # read once while unchanged
    table.memo["x"] = 1
    doc.spans[ENTITIES_KEY] = list(doc.spans[ENTITIES_KEY])[:2]  # a new group: a new table, a new memo
    changed = entity_table(doc)
    assert changed is not table and changed.rows == _rows(doc.spans[ENTITIES_KEY]) and "x" not in changed.memo
    spans = [Span(doc, 0, 1, label="Method", kb_id="Method|we")]
    set_entity_spans(doc, spans)
    assert entity_spans(doc) == spans and _rows(doc.spans[ENTITIES_KEY]) == entity_table(doc).rows
    del doc.spans[ENTITIES_KEY]
    assert entity_spans(doc) == [] and entity_rows(doc) == []


def test_a_released_table_keeps_its_rows_but_not_the_doc():
    nlp = spacy.blank("en")
    doc = _doc(nlp)
    rows = entity_table(doc).rows
    release(doc)
    assert entity_rows(doc) == rows == _rows(doc.spans[ENTITIES_KEY])
    doc.spans[ENTITIES_KEY] = list(doc.spans[ENTITIES_KEY])[1:]  # changed after the release: read again
    assert entity_rows(doc) == _rows(doc.spans[ENTITIES_KEY])
    ref = weakref.ref(doc)
    del doc
    gc.collect()
    assert ref() is None


def test_plain_extension_values_are_what_doc_underscore_reads_and_writes():
    importlib.import_module("kg.extract")  # registers the extensions

    nlp = spacy.blank("en")
    doc = nlp("a b")
    for name in PLAIN_EXTENSIONS:
        assert is_plain(name), name  # default None, no getter, setter or method: the helpers' condition
        assert doc_value(doc, name) is None and getattr(doc._, name) is None
        set_doc_value(doc, name, [name])
        assert getattr(doc._, name) == [name]
        setattr(doc._, name, {"x": name})
        assert doc_value(doc, name) == {"x": name}
    assert not is_plain("kg_no_such_extension")
