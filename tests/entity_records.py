"""Records of one made-up paper through the full blank pipeline, for the entity-mechanism tests."""

from __future__ import annotations

from kg.execute import extract_records
from kg.ingest.paper import Paper


def record(text: str, nlp, title: str = "A study") -> dict:
    """The record of a paper with *title* and abstract *text*, extracted with *nlp*."""
    return extract_records([Paper(id="p1", title=title, abstract=text)], nlp=nlp)[0]


def surfaces(rec: dict, entity_type: str) -> set[str]:
    """Every mention text of the record's entities of *entity_type*."""
    return {m["text"] for e in rec["entities"] if e["type"] == entity_type for m in e["mentions"]}
