"""Corpus-level resolution: one id per entity across all records, as a map/reduce.

The reduce step never needs all records at once:

1. **map**: :func:`summarise` turns a chunk of records into a small :class:`CorpusSummary`
   (which long forms each acronym is defined as, which names each merge key is written as);
2. **reduce**: summaries :meth:`~CorpusSummary.merge` (associative and commutative, so chunks can
   be summarised by any worker in any order) and :meth:`~CorpusSummary.resolution` turns the total
   into a :class:`Resolution`;
3. **apply**: :meth:`Resolution.apply` rewrites one record at a time, so records can stream from
   disk shards.

What the resolution decides:

- Surfaces that share a merge key (case, hyphens, plurals, vendor prefixes) share an entity.
- An acronym a paper uses without defining it takes the long form another paper defined,
  if the corpus defines it one way only ("LLMs" -> "large language model"); an acronym
  defined two ways ("BO": Bayesian / bilevel optimization) stays as it is.
- The canonical name of a group is the name most papers use (ties: longer, then alphabetical).
  The id comes from the group's merge key, so it does not change when another corpus prefers
  another spelling; neither depends on ordering, chunking or process count.

Ids in results and relations are rewritten with the entities.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kg.resolve.canonical import entity_id, is_acronym, merge_key

RESULT_ROLES = ("metric", "method", "dataset", "hardware")

Key = tuple[str, str]  # (entity type, merge key)


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


@dataclass
class CorpusSummary:
    """What resolution needs to know about a set of records; small (per distinct name, not per paper).

    ``long_forms[(type, short-form key)]`` is the set of long-form keys the records define the
    acronym as; ``names[(type, merge key)]`` counts the papers that name an entity that way.
    """

    long_forms: dict[Key, set[str]] = field(default_factory=lambda: defaultdict(set))
    names: dict[Key, Counter] = field(default_factory=lambda: defaultdict(Counter))
    records: int = 0

    def add(self, record: dict[str, Any]) -> None:
        """Count one (unresolved) record in."""
        self.records += 1
        for entity in record.get("entities", []):
            entity_type, name = entity["type"], entity["name"]
            self.names[(entity_type, merge_key(name, entity_type))][name] += 1
            if is_acronym(name) or " " not in name and "-" not in name:
                continue
            for alias in entity.get("aliases", []):
                if is_acronym(alias):
                    self.long_forms[(entity_type, merge_key(alias, entity_type))].add(merge_key(name, entity_type))

    def merge(self, other: CorpusSummary) -> CorpusSummary:
        """A new summary of both (neither input changes)."""
        total = CorpusSummary()
        for summary in (self, other):
            total.records += summary.records
            for key, longs in summary.long_forms.items():
                total.long_forms[key] |= longs
            for key, counts in summary.names.items():
                total.names[key].update(counts)
        return total

    def definitions(self) -> dict[Key, str]:
        """(type, short-form key) -> long-form key, for short forms the corpus defines one way only."""
        return {short: next(iter(longs)) for short, longs in self.long_forms.items() if len(longs) == 1}

    def resolution(self) -> Resolution:
        definitions = self.definitions()
        votes: dict[Key, Counter] = defaultdict(Counter)
        for (entity_type, key), counts in self.names.items():
            for name, count in counts.items():
                votes[_group(entity_type, key, name, definitions)][name] += count
        # the canonical name of each group: the name most papers give it (acronyms only as a last resort)
        canonical = {
            group: sorted(names.items(), key=lambda kv: (is_acronym(kv[0]), -kv[1], -len(kv[0]), kv[0]))[0][0]
            for group, names in votes.items()
        }
        return Resolution(definitions=definitions, canonical=canonical)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (for shards and caches); :meth:`from_dict` reads it back."""
        return {
            "records": self.records,
            "long_forms": [[t, k, sorted(v)] for (t, k), v in sorted(self.long_forms.items())],
            "names": [[t, k, dict(sorted(c.items()))] for (t, k), c in sorted(self.names.items())],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CorpusSummary:
        summary = cls(records=data["records"])
        for entity_type, key, longs in data["long_forms"]:
            summary.long_forms[(entity_type, key)] = set(longs)
        for entity_type, key, counts in data["names"]:
            summary.names[(entity_type, key)] = Counter(counts)
        return summary


def _group(entity_type: str, key: str, name: str, definitions: dict[Key, str]) -> Key:
    if is_acronym(name) and (entity_type, key) in definitions:
        return (entity_type, definitions[(entity_type, key)])
    return (entity_type, key)


def summarise(records: Iterable[dict[str, Any]]) -> CorpusSummary:
    """The map step: a summary of *records* (unresolved, as extraction writes them)."""
    summary = CorpusSummary()
    for record in records:
        summary.add(record)
    return summary


def merge_summaries(summaries: Iterable[CorpusSummary]) -> CorpusSummary:
    """The reduce step over any number of chunk summaries."""
    total = CorpusSummary()
    for summary in summaries:
        total = total.merge(summary)
    return total


@dataclass
class Resolution:
    """Corpus-wide decisions, applied to one record at a time."""

    definitions: dict[Key, str]
    canonical: dict[Key, str]

    def group_of(self, entity: dict[str, Any]) -> Key:
        entity_type, name = entity["type"], entity["name"]
        return _group(entity_type, merge_key(name, entity_type), name, self.definitions)

    def apply(self, record: dict[str, Any]) -> dict[str, Any]:
        """Rewrite the record's entity ids, names and aliases (in place) and return it."""
        new_id: dict[str, str] = {}
        for entity in record.get("entities", []):
            group = self.group_of(entity)
            name = self.canonical.get(group, entity["name"])
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
        return record


def acronym_definitions(records: list[dict[str, Any]]) -> dict[Key, str]:
    """(type, short-form key) -> long-form key, for short forms the corpus defines one way only."""
    return summarise(records).definitions()


def resolve_records(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rewrite entity ids, names and aliases corpus-wide (in place); returns *records*."""
    resolution = summarise(records).resolution()
    for record in records:
        resolution.apply(record)
    return records
