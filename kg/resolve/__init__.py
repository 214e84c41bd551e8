"""Canonical entity names and ids, and their resolution across a corpus (a map/reduce: see kg.resolve.corpus)."""

from kg.naming import canonical_name, entity_id, is_acronym, merge_key
from kg.resolve.corpus import (CorpusSummary, Resolution, acronym_definitions, merge_summaries, resolve_records,
                               summarise)

__all__ = ["CorpusSummary", "Resolution", "acronym_definitions", "canonical_name", "entity_id", "is_acronym",
           "merge_key", "merge_summaries", "resolve_records", "summarise"]
