"""``kg_title_boundary``: the title (text up to the first newline) is sentence 0, whole."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.candidates import doc_text


@Language.component("kg_title_boundary")
def title_boundary(doc: Doc) -> Doc:
    """The title (up to the first newline) is sentence 0, whole: a parser must not split it at a colon."""
    newline = doc_text(doc).find("\n")
    if newline < 0:
        return doc
    for token in doc[1:]:
        if token.idx > newline:
            token.is_sent_start = True
            break
        token.is_sent_start = False
    return doc
