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
- An acronym whose long forms are variants of one name ("convolutional neural network" /
  "convolutional network" for CNN) is one entity, and so are those long forms.
- **One name, one type.** A name found with two types across the corpus gets one: the curated
  vocabulary's type first (an entity found by ``kg_vocabulary``), else the contextual votes of its
  mentions ("on X", "X test set", "X benchmark" and the like vote Dataset; the type a paper gave it
  votes once per paper). A name whose votes tie keeps its types and is listed in
  :attr:`Resolution.conflicts` (the build report shows them). Results and relations that no longer
  fit the retyped entity are re-attached or dropped.
- The canonical name of a group is the name most papers use (ties: longer, then alphabetical).
  The id comes from the group's merge key, so it does not change when another corpus prefers
  another spelling; neither depends on ordering, chunking or process count.

Ids in results and relations are rewritten with the entities.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import re

from kg.naming import (entity_id, is_acronym, long_form_variants, merge_duplicate_entities, merge_key,
                       resolve_word_lists)
from kg.schema import ENTITY_RELATIONS, RESULT_ROLES, ROLE_OF_TYPE


Key = tuple[str, str]  # (entity type, merge key)

# Words around a mention that say the name is a dataset ("on X", "X test set", "X benchmark"): the lists
# ``dataset_before``, ``dataset_after_qualifiers`` and ``dataset_after_nouns`` of ``patterns/resolve.jsonl``.


@dataclass(frozen=True)
class _DatasetContext:
    before: re.Pattern  # a cue phrase that ends right before the mention
    after: re.Pattern  # an optional qualifier and a dataset noun right after it
    before_ends: tuple[str, ...]  # the last words of the before-phrases: a cheap test first
    after_starts: frozenset[str]  # the first letters of the words after


@lru_cache(maxsize=1)
def _dataset_context() -> _DatasetContext:
    lists = resolve_word_lists()
    phrases = sorted(lists["dataset_before"], key=len, reverse=True)
    before = re.compile(r"\b(?:" + "|".join(r"\s+".join(map(re.escape, p.split())) for p in phrases) + r")\s*$", re.I)
    qualifiers, nouns = lists["dataset_after_qualifiers"], lists["dataset_after_nouns"]
    after = re.compile(r"^\s*(?:(?:" + "|".join(map(re.escape, sorted(qualifiers, key=len, reverse=True))) + r")\s+)?(?:"
                       + "|".join(map(re.escape, sorted(nouns, key=len, reverse=True))) + r")\b", re.I)
    return _DatasetContext(before, after, tuple(sorted({p.split()[-1].lower() for p in phrases})),
                           frozenset(w[0].lower() for w in (*qualifiers, *nouns)))


_CONTEXT_VOTE = 2  # a dataset context weighs two per-paper type votes


def _type_free_key(name: str) -> str:
    return merge_key(name, "Method")


def _mention_votes(record: dict[str, Any], entity: dict[str, Any]) -> int:
    """How many of the entity's mentions stand in a dataset context."""
    text = record.get("text") or ""
    context = _dataset_context()
    votes = 0
    for mention in entity.get("mentions", []):
        start, end = mention["start"], mention["end"]
        before = text[max(0, start - 13):start].rstrip().lower()
        # cheap tests first: the regexes run only where a cue word can be
        if before.endswith(context.before_ends) and context.before.search(text[max(0, start - 40):start]):
            votes += 1
        elif text[end:end + 1] == " " and text[end + 1:end + 2].lower() in context.after_starts and (
                context.after.match(text[end:end + 25])):
            votes += 1
    return votes


@dataclass
class CorpusSummary:
    """What resolution needs to know about a set of records; small (per distinct name, not per paper).

    ``long_forms[(type, short-form key)]`` is the set of long-form keys the records define the
    acronym as; ``names[(type, merge key)]`` counts the papers that name an entity that way.
    """

    long_forms: dict[Key, set[str]] = field(default_factory=lambda: defaultdict(set))
    names: dict[Key, Counter] = field(default_factory=lambda: defaultdict(Counter))
    records: int = 0
    # type-free name key -> votes per type (per paper, plus dataset contexts) and the vocabulary's types
    type_votes: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    vocabulary_types: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def add(self, record: dict[str, Any]) -> None:
        """Count one (unresolved) record in."""
        self.records += 1
        # counts[x] = counts.get(x, 0) + n: Counter's own += on a new key calls its Python __missing__
        for entity in record.get("entities", []):
            entity_type, name = entity["type"], entity["name"]
            counts = self.names[(entity_type, merge_key(name, entity_type))]
            counts[name] = counts.get(name, 0) + 1
            free = _type_free_key(name)
            votes = self.type_votes[free]
            votes[entity_type] = votes.get(entity_type, 0) + 1
            contexts = _mention_votes(record, entity)
            if contexts:
                votes["Dataset"] = votes.get("Dataset", 0) + _CONTEXT_VOTE * contexts
            if entity.get("source") == "vocabulary":
                self.vocabulary_types[free].add(entity_type)
            if is_acronym(name) or " " not in name and "-" not in name:
                continue
            for alias in entity.get("aliases", []):
                if is_acronym(alias):
                    # the long form as written (lower case), so variants of one name can be told apart later
                    self.long_forms[(entity_type, merge_key(alias, entity_type))].add(name.lower())

    def merge(self, other: CorpusSummary) -> CorpusSummary:
        """A new summary of both (neither input changes)."""
        total = CorpusSummary()
        for summary in (self, other):
            total.records += summary.records
            for key, longs in summary.long_forms.items():
                total.long_forms[key] |= longs
            for key, counts in summary.names.items():
                total.names[key].update(counts)
            for key, counts in summary.type_votes.items():
                total.type_votes[key].update(counts)
            for key, types in summary.vocabulary_types.items():
                total.vocabulary_types[key] |= types
        return total

    def definitions(self) -> dict[Key, str]:
        """(type, short-form key) -> long-form key, for short forms the corpus defines one way only (long
        forms that are variants of one name count as one way)."""
        return self._acronyms()[0]

    def _acronyms(self) -> tuple[dict[Key, str], dict[Key, str]]:
        """The acronym definitions, and (type, long-form key) -> the key of the variant that stands for all."""
        definitions: dict[Key, str] = {}
        variants: dict[Key, str] = {}
        for (entity_type, short), longs in self.long_forms.items():
            forms = sorted(longs)
            groups: list[list[str]] = []
            for form in forms:
                home = next((g for g in groups if any(long_form_variants(form, other) for other in g)), None)
                if home is None:
                    groups.append([form])
                else:
                    home.append(form)
            if len(groups) != 1:
                continue  # "BO": Bayesian and bilevel optimization stay apart
            keys = sorted({merge_key(form, entity_type) for form in groups[0]})
            # the variant most papers write stands for all (ties: longer key, then alphabetical)
            best = max(keys, key=lambda k: (sum(self.names.get((entity_type, k), Counter()).values()), len(k), k))
            definitions[(entity_type, short)] = best
            for key in keys:
                if key != best:
                    variants[(entity_type, key)] = best
        return definitions, variants

    def types(self) -> tuple[dict[str, str], list[dict[str, Any]]]:
        """Type-free name key -> its one type (for names the corpus gives several), and the names left with
        several types (ties), for the build report."""
        given_types: dict[str, set[str]] = defaultdict(set)  # the types papers gave each name
        for (entity_type, _), counts in self.names.items():
            for name in counts:
                given_types[_type_free_key(name)].add(entity_type)
        decided: dict[str, str] = {}
        conflicts = []
        for key, votes in self.type_votes.items():
            given = sorted(t for t in votes if t in given_types.get(key, ()))
            if len(given) < 2:
                continue
            vocabulary = self.vocabulary_types.get(key, set())
            if len(vocabulary) == 1:
                decided[key] = next(iter(vocabulary))
                continue
            ranked = sorted(((votes[t], t) for t in given), reverse=True)
            if ranked[0][0] > ranked[1][0]:
                decided[key] = ranked[0][1]
            else:
                conflicts.append({"key": key, "votes": {t: votes[t] for t in sorted(given)}})
        return decided, sorted(conflicts, key=lambda c: c["key"])

    def resolution(self) -> Resolution:
        decided, conflicts = self.types()
        names: dict[Key, Counter] = defaultdict(Counter)
        for (entity_type, _), counts in self.names.items():
            for name, count in counts.items():
                names[(decided.get(_type_free_key(name), entity_type), merge_key(name, decided.get(
                    _type_free_key(name), entity_type)))][name] += count
        retyped = CorpusSummary(long_forms=self.long_forms, names=names)
        definitions, variants = retyped._acronyms()
        votes: dict[Key, Counter] = defaultdict(Counter)
        for (entity_type, key), counts in names.items():
            for name, count in counts.items():
                votes[_group(entity_type, key, name, definitions, variants)][name] += count
        # the canonical name of each group: the name most papers give it (acronyms only as a last resort)
        canonical = {
            group: sorted(group_names.items(), key=lambda kv: (is_acronym(kv[0]), -kv[1], -len(kv[0]), kv[0]))[0][0]
            for group, group_names in votes.items()
        }
        return Resolution(definitions=definitions, canonical=canonical, variants=variants, types=decided,
                          conflicts=conflicts)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (for shards and caches); :meth:`from_dict` reads it back."""
        return {
            "records": self.records,
            "long_forms": [[t, k, sorted(v)] for (t, k), v in sorted(self.long_forms.items())],
            "names": [[t, k, dict(sorted(c.items()))] for (t, k), c in sorted(self.names.items())],
            "type_votes": [[k, dict(sorted(c.items()))] for k, c in sorted(self.type_votes.items())],
            "vocabulary_types": [[k, sorted(v)] for k, v in sorted(self.vocabulary_types.items())],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CorpusSummary:
        summary = cls(records=data["records"])
        for entity_type, key, longs in data["long_forms"]:
            summary.long_forms[(entity_type, key)] = set(longs)
        for entity_type, key, counts in data["names"]:
            summary.names[(entity_type, key)] = Counter(counts)
        for key, counts in data.get("type_votes", []):
            summary.type_votes[key] = Counter(counts)
        for key, types in data.get("vocabulary_types", []):
            summary.vocabulary_types[key] = set(types)
        return summary


def _group(entity_type: str, key: str, name: str, definitions: dict[Key, str],
           variants: dict[Key, str] | None = None) -> Key:
    if is_acronym(name) and (entity_type, key) in definitions:
        return (entity_type, definitions[(entity_type, key)])
    if variants and (entity_type, key) in variants:
        return (entity_type, variants[(entity_type, key)])
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
    variants: dict[Key, str] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)  # type-free name key -> the corpus's one type
    conflicts: list[dict[str, Any]] = field(default_factory=list)  # names left with several types

    def type_of(self, entity: dict[str, Any]) -> str:
        return self.types.get(_type_free_key(entity["name"]), entity["type"])

    def group_of(self, entity: dict[str, Any]) -> Key:
        entity_type, name = self.type_of(entity), entity["name"]
        return _group(entity_type, merge_key(name, entity_type), name, self.definitions, self.variants)

    def apply(self, record: dict[str, Any]) -> dict[str, Any]:
        """Rewrite the record's entity ids, names, types and aliases (in place) and return it."""
        new_id: dict[str, str] = {}
        type_of_id: dict[str, str] = {}
        for entity in record.get("entities", []):
            entity["type"] = self.type_of(entity)
            if entity["type"] not in {"Method", "Dataset"}:
                entity["proposed"] = False
            if entity.get("source") == "unnamed":
                # an unnamed description ("three real-world datasets") is its paper's own node, never merged, named
                # as the paper writes it (not singularised: "five standard datasets")
                mentions = entity.get("mentions") or []
                name = mentions[0]["text"] if mentions and mentions[0].get("text") else entity["name"]
                identifier = entity_id(entity["type"], name, scope=str(record.get("id", "")))
            else:
                group = self.group_of(entity)
                name = self.canonical.get(group, entity["name"])
                identifier = entity_id(entity["type"], name, group[1])
            new_id[entity["id"]] = identifier
            type_of_id[identifier] = entity["type"]
            surfaces = set(entity.get("aliases", [])) | {entity["name"]}
            entity.update(id=identifier, name=name, aliases=sorted(surfaces - {name}))
        record["entities"] = merge_duplicate_entities(record.get("entities", []))
        record["entities"].sort(key=lambda e: (e["mentions"][0]["start"], e["id"]))
        for result in record.get("results", []):
            moved = {}
            for role in RESULT_ROLES:
                if result.get(role) is not None:
                    result[role] = new_id.get(result[role], result[role])
                    home = ROLE_OF_TYPE.get(type_of_id.get(result[role], ""), role)
                    if home != role:  # the entity was retyped: it fills the role of its new type, if free
                        moved[home] = result[role]
                        result[role] = None
            for role, identifier in moved.items():
                if result.get(role) is None:
                    result[role] = identifier
        relations = []
        seen = set()
        for relation in record.get("relations", []):
            relation["source"] = new_id.get(relation["source"], relation["source"])
            relation["target"] = new_id.get(relation["target"], relation["target"])
            marker = (relation["type"], relation["source"], relation["target"], relation.get("sentence"))
            signature = ENTITY_RELATIONS.get(relation["type"])
            if signature and (type_of_id.get(relation["source"], signature[0]), type_of_id.get(
                    relation["target"], signature[1])) != signature:
                continue  # a retyped entity no longer fits the relation
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
