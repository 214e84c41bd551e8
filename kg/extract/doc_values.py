"""kg's Doc extension values (``doc._.kg_frame``, ``doc._.kg_relations`` ...) read and written without ``doc._``.

Each ``doc._`` makes an Underscore object and looks the extension up (about 1.5 microseconds), and the edge-side
components and ``build_record`` read and write a few dozen values per doc. spaCy keeps a Doc extension's value in
``doc.user_data`` under ``("._.", name, None, None)``; for an extension registered with ``default=None`` and no
getter, setter or method (every kg extension: tests/test_entity_table.py checks them), ``doc._.name`` is
``doc_value(doc, name)`` and ``doc._.name = value`` is ``set_doc_value(doc, name, value)``. An extension that is
not registered reads as None here (``doc._`` would raise).
"""

from __future__ import annotations

from typing import Any

from spacy.tokens import Doc

# the extensions these helpers serve (all registered with default=None, no getter, setter or method)
PLAIN_EXTENSIONS = ("kg_frame", "kg_proposed", "kg_confidences", "kg_results", "kg_result_rule_methods",
                    "kg_relations")


def doc_value(doc: Doc, name: str) -> Any:
    """``doc._.<name>`` of a plain extension (one of PLAIN_EXTENSIONS); None when unset."""
    return doc.user_data.get(("._.", name, None, None))


def set_doc_value(doc: Doc, name: str, value: Any) -> None:
    """``doc._.<name> = value`` of a plain extension (one of PLAIN_EXTENSIONS)."""
    doc.user_data[("._.", name, None, None)] = value


def is_plain(name: str) -> bool:
    """Whether the Doc extension *name* is registered with default None and no getter, setter or method."""
    return Doc.has_extension(name) and Doc.get_extension(name) == (None, None, None, None)


__all__ = ["PLAIN_EXTENSIONS", "doc_value", "is_plain", "set_doc_value"]
