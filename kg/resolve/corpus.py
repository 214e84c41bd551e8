"""Corpus-level resolution: one id per entity across all records.

- Surfaces that share a merge key (case, hyphens, plurals, vendor prefixes) share an entity.
- An acronym a paper uses without defining it takes the long form another paper defined,
  if the corpus defines it one way only ("LLMs" -> "large language model"); an acronym
  defined two ways ("BO": Bayesian / bilevel optimization) stays as it is.
- The canonical name of a group is the name most papers use (ties: longer, then alphabetical).
  The id comes from the group's merge key, so it does not change when another corpus prefers
  another spelling; neither depends on ordering or process count.

Ids in results and relations are rewritten with the entities.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from kg.resolve.canonical import entity_id, is_acronym, merge_key

RESULT_ROLES = ("metric", "method", "dataset", "hardware")


def merge_duplicate_entities(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Entities that ended up with the same id become one (mentions and aliases joined)."""
    merged: dict[str, dict[str, Any]] = {}
    for entity in entities:
        kept = merged.get(entity["id"])
        if kept is None:
            merged[entity["id"]] = entity
            continue
        kept["aliases"] = sorted((set(kept["aliases"]) | set(entity["aliases"]) | {entity["name"]}) - {kept["name"]})
        kept["proposed"] = kept["proposed"] or entity["proposed"]
        kept["mentions"] = sorted(kept["mentions"] + entity["mentions"], key=lambda m: (m["start"], m["end"]))
    return list(merged.values())


def acronym_definitions(records: list[dict[str, Any]]) -> dict[tuple[str, str], str]:
    """(type, short-form key) -> long-form key, for short forms the corpus defines one way only."""
    long_forms: dict[tuple[str, str], set[str]] = defaultdict(set)
    for record in records:
        for entity in record.get("entities", []):
            name = entity["name"]
            if is_acronym(name) or " " not in name and "-" not in name:
                continue
            for alias in entity.get("aliases", []):
                if is_acronym(alias):
                    long_forms[(entity["type"], merge_key(alias, entity["type"]))].add(merge_key(name, entity["type"]))
    return {short: next(iter(longs)) for short, longs in long_forms.items() if len(longs) == 1}


def resolve_records(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rewrite entity ids, names and aliases corpus-wide (in place); returns *records*."""
    definitions = acronym_definitions(records)

    def group_of(entity: dict[str, Any]) -> tuple[str, str]:
        key = (entity["type"], merge_key(entity["name"], entity["type"]))
        if is_acronym(entity["name"]) and key in definitions:
            return (entity["type"], definitions[key])
        return key

    # the canonical name of each group: the name most papers give it (acronyms only as a last resort)
    votes: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for record in records:
        for entity in record.get("entities", []):
            votes[group_of(entity)][entity["name"]] += 1
    canonical = {
        group: sorted(names.items(), key=lambda kv: (is_acronym(kv[0]), -kv[1], -len(kv[0]), kv[0]))[0][0]
        for group, names in votes.items()
    }

    for record in records:
        new_id: dict[str, str] = {}
        for entity in record.get("entities", []):
            group = group_of(entity)
            name = canonical[group]
            identifier = entity_id(entity["type"], name, group[1])
            new_id[entity["id"]] = identifier
            surfaces = set(entity.get("aliases", [])) | {entity["name"]}
            entity.update(id=identifier, name=name, aliases=sorted(surfaces - {name}))
        record["entities"] = merge_duplicate_entities(record.get("entities", []))
        record["entities"].sort(key=lambda e: (e["mentions"][0]["start"], e["id"]))
        for result in record.get("results", []):
            for role in RESULT_ROLES:
                if result.get(role) is not None:
                    result[role] = new_id.get(result[role], result[role])
        relations = []
        seen = set()
        for relation in record.get("relations", []):
            relation["source"] = new_id.get(relation["source"], relation["source"])
            relation["target"] = new_id.get(relation["target"], relation["target"])
            marker = (relation["type"], relation["source"], relation["target"], relation.get("sentence"))
            if relation["source"] != relation["target"] and marker not in seen:
                seen.add(marker)
                relations.append(relation)
        record["relations"] = relations
    return records
