"""Canonical entity names and ids, and their resolution across a corpus."""

from kg.resolve.canonical import canonical_name, entity_id, is_acronym, merge_key
from kg.resolve.corpus import acronym_definitions, resolve_records

__all__ = ["acronym_definitions", "canonical_name", "entity_id", "is_acronym", "merge_key", "resolve_records"]
