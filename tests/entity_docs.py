"""Docs as the entity components hand them to kg_results and kg_relations, for their tests."""

from __future__ import annotations

import importlib
import re

import spacy
from spacy.tokens import Doc
from spacy.util import filter_spans

importlib.import_module("kg.extract.frame")  # registers kg_frame
importlib.import_module("kg.extract.relations")  # registers kg_relations
importlib.import_module("kg.extract.results")  # registers kg_results


def make_nlp() -> spacy.Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("kg_frame")
    nlp.add_pipe("kg_results")
    nlp.add_pipe("kg_relations")
    nlp.initialize()  # kg_frame loads its word lists (patterns/frame.jsonl) here
    return nlp


def make_doc(nlp: spacy.Language, title: str, abstract: str, entities: list[tuple[str, str, str]]) -> Doc:
    """A doc as E1's pipeline hands it over: sentence 0 is the title, entities carry kb_id_ keys.

    *entities* are (surface text, label, key); every occurrence of the text becomes a span.
    """
    doc = nlp.make_doc(f"{title}\n{abstract}")
    nlp.get_pipe("sentencizer")(doc)
    for token in doc[1:]:
        if "\n" in doc[token.i - 1].text_with_ws:
            token.is_sent_start = True
    spans = []
    for surface, label, key in entities:
        for match in re.finditer(re.escape(surface), doc.text):
            span = doc.char_span(match.start(), match.end(), label=label, kb_id=key)
            if span is not None:
                spans.append(span)
    doc.spans["kg_entities"] = filter_spans(spans)
    for name in ("kg_frame", "kg_results", "kg_relations"):
        doc = nlp.get_pipe(name)(doc)
    return doc
