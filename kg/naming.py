"""Canonical names and keys for entity surfaces.

Two forms per surface:

- ``canonical_name``: a readable form with plural, vendor prefix and device-class suffix
  removed ("NVIDIA A100 GPUs" -> "A100", "Large Language Models" -> "Large Language Model").
- ``merge_key``: what decides that two surfaces are the same entity. Lower case, with hyphens,
  spaces and punctuation removed, so "ResNet 50", "ResNet-50" and "resnet50" share a key while
  "ResNet-101", "A10", "GPT-4" and "Llama-2-70B" keep theirs (digits are never dropped).

Both are pure functions of the surface and the entity type, so ids never depend on
ordering or process count.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any
from collections.abc import Iterable
from functools import lru_cache

# The word lists live in ``kg/extract/patterns/resolve.jsonl`` (validated against its schema, read once):
# ``hardware_vendors`` (dropped in front of a device model: "NVIDIA A100" is the A100), ``device_class_suffixes``
# (dropped after a model name: "A100 GPUs"), ``not_plural`` (words whose final "s" is not a plural: "bias",
# "corpus") and ``irregular_plurals`` ("indices" -> "index").

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2212"), "-")


_ACRONYM = re.compile(r"^[A-Za-z0-9\-^.]*[A-Z][A-Za-z0-9\-^.]*[A-Z][A-Za-z0-9\-^.]*$")


def is_acronym(surface: str) -> bool:
    """"LLMs", "BT^2", "M-FAC": no spaces and at least two capitals."""
    return " " not in surface and bool(_ACRONYM.match(surface))


def clean_surface(text: str) -> str:
    """NFKC, one kind of dash, single spaces, no surrounding punctuation."""
    text = unicodedata.normalize("NFKC", text).translate(_DASHES)
    text = re.sub(r"\s+", " ", text).strip()
    return text.strip(" ,;:.")


def singular_word(word: str) -> str:
    """The singular of one word, conservatively ("LLMs" -> "LLM", "losses" -> "loss", "bias" kept)."""
    lower = word.lower()
    if "/" in word:
        return word  # a rate such as "FLOPs/s" or "tokens/s": the "s" is seconds
    lists = _lists()
    irregular = lists.irregular_plurals.get(lower)
    if irregular is not None:
        return _match_case(irregular, word)
    if lower in lists.not_plural:
        return word
    if len(word) > 2 and word[-1] == "s" and word[:-1].isupper():
        return word[:-1]  # "GPUs", "LLMs", "DNNs"
    if len(word) < 3 or lower.endswith(("ss", "us", "is", "ics")):
        return word
    if word[-1] == "S":
        # a capital S ends an acronym or a name, never a plural ("SAS", "MOS", "GraphGPS", "cuBLAS", "LiPS"): a
        # plural's "s" is written lower case after capitals ("LLMs", "ResNets")
        return word
    if lower.endswith("ies") and len(word) > 4:
        return word[:-3] + ("y" if word[-3] == "i" else "Y")
    if lower.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if lower.endswith("s") and not lower.endswith("'s"):
        return word[:-1]
    return word


def _match_case(new: str, like: str) -> str:
    if like.isupper():
        return new.upper()
    if like[:1].isupper():
        return new[:1].upper() + new[1:]
    return new


def singular_phrase(text: str) -> str:
    """Singularise the head (last word) of a phrase; hyphenated heads singularise their last part."""
    words = text.split(" ")
    if "of" in words[1:-1]:
        # "numbers of parameters": the head is before "of", the rest stays as written
        at = words.index("of")
        return " ".join([*words[:at - 1], singular_word(words[at - 1]), *words[at:]])
    last = words[-1]
    if "-" in last:
        head, _, tail = last.rpartition("-")
        if tail and not tail.isdigit():
            last = f"{head}-{singular_word(tail)}"
    else:
        last = singular_word(last)
    words[-1] = last
    return " ".join(words)


@lru_cache(maxsize=65536)
def canonical_name(surface: str, entity_type: str) -> str:
    """The readable canonical form of one surface (see module docstring)."""
    name = clean_surface(surface)
    if entity_type == "Hardware":
        name = strip_hardware_decoration(name)
    if entity_type == "Dataset" and name and _proper_head(name):
        return name  # a proper name keeps its plural: "Cityscapes", "Street View House Numbers"
    return singular_phrase(name) if name else clean_surface(surface)


def _proper_head(name: str) -> bool:
    """Whether the last word is capitalised as a proper name ("Cityscapes", "Numbers"), not an acronym's plural."""
    last = name.split(" ")[-1]
    return last[:1].isupper() and any(c.islower() for c in last[1:]) and not last.endswith("'s") and not (
        last.endswith("s") and last[:-1].isupper())


def _names_a_device(words: list[str]) -> bool:
    """Whether the words left after a vendor still name a device: a model number, an acronym or several
    words ("A100", "TPU", "Jetson AGX Orin"); "AWS Lambda" keeps its vendor, "Lambda" alone is a word."""
    rest = " ".join(words)
    return len(words) > 1 or any(c.isdigit() for c in rest) or sum(c.isupper() for c in rest) >= 2


def strip_hardware_decoration(name: str) -> str:
    """Drop vendor prefixes and trailing device-class words around a device model ("NVIDIA A100 GPUs")."""
    words = name.split(" ")
    lists = _lists()
    while len(words) > 1 and words[0].lower() in lists.hardware_vendors and _names_a_device(words[1:]):
        words = words[1:]
    # Keep "GPU" in "mobile GPU"; drop it after a model name that contains a digit ("A100 GPUs").
    while len(words) > 1 and words[-1].lower() in lists.device_class_suffixes and any(c.isdigit() for c in " ".join(words[:-1])):
        words = words[:-1]
    return " ".join(words)


@lru_cache(maxsize=65536)
def merge_key(surface: str, entity_type: str) -> str:
    """The key that decides identity: case, spacing, hyphens, punctuation and plurals ignored."""
    if entity_type != "Dataset" and surface.isascii() and surface.replace(" ", "").isalnum() and (
            " " not in surface or entity_type != "Hardware" and "  " not in surface and surface[0] != " "
            and surface[-1] != " "):
        # a plain phrase (most surfaces): ASCII letters and digits in words one space apart (one word for Hardware);
        # what the steps below give it, without them. NFKC, dashes, spacing and surrounding punctuation leave it as
        # it is and no vendor or device suffix can go (one word): its canonical name is its singular_phrase; while
        # that and its words' singulars are plain too, the split gives its words and no character is removed
        name = singular_phrase(surface)
        if name.isascii() and name.replace(" ", "").isalnum():
            key = "".join([singular_word(word).lower() for word in name.split(" ")])
            if key.isascii() and key.isalnum():
                return key
    return merge_key_steps(surface, entity_type)


def merge_key_steps(surface: str, entity_type: str) -> str:
    """:func:`merge_key` step by step, for any surface (merge_key takes a short cut for a plain phrase)."""
    name = canonical_name(surface, entity_type)
    words = [singular_word(word).lower() for word in re.split(r"[\s\-_]+", name) if word]
    # "/" stays: FLOPs/s (a rate) is not FLOPs (a count).
    return re.sub(r"[^0-9a-z+#^./]", "", "".join(words)).strip("./")


def name_keys(entity_type: str, name: str | None, aliases: Iterable[str] = ()) -> list[str]:
    """The merge keys of an entity's name and aliases, sorted, without empty keys: what a name a user types is
    matched on (kg leaderboard, and `kg query --named` through the ``merge_keys`` property of Neo4j nodes)."""
    return sorted({key for surface in (name, *aliases) if surface for key in [merge_key(str(surface), entity_type)]
                   if key})


def display_key(name: str) -> str:
    """The id part of a canonical name: lower case, single spaces ("ResNet-50" -> "resnet-50")."""
    return re.sub(r"\s+", " ", name.lower()).strip()


def entity_id(entity_type: str, name: str, key: str | None = None, *, scope: str | None = None) -> str:
    """The graph node id of an entity, from its merge key: ``method:resnet50``, ``hardware:a100``.

    The merge key, not the display name, so an entity keeps its id when another corpus spells it
    another way ("state-space model" one month, "state space model" the next): snapshots stay
    comparable and pushes without --prune do not duplicate nodes. *key* overrides the merge key
    (corpus resolution passes the long form's key for an acronym).

    *scope* (a paper id) makes the id the paper's own, ``dataset:realworlddataset@2401.00001``: an unnamed
    description ("five real-world datasets", source ``"unnamed"``) names a different thing in every paper, so it
    must not become one node shared by every paper that writes it.
    """
    key = key if key is not None else merge_key(name, entity_type)
    identifier = f"{entity_type.lower()}:{key or display_key(name)}"
    return f"{identifier}@{scope}" if scope is not None else identifier


def resolve_word_lists() -> dict[str, frozenset[str]]:
    """The word lists of ``patterns/resolve.jsonl`` (validated against its schema; read once)."""
    return dict(_lists().words)


@lru_cache(maxsize=1)
def dataset_head_nouns() -> frozenset[str]:
    """The dataset nouns that make a name a dataset, or head a phrase, on their own ("the X dataset", "X
    benchmark", "a benchmark"): ``dataset_after_nouns`` but "set(s)" and "split(s)", which need a qualifier
    ("test set")."""
    return _lists().words["dataset_after_nouns"] - {"set", "sets", "split", "splits"}


def irregular_plurals() -> dict[str, str]:
    """The ``irregular_plurals`` pairs of ``patterns/resolve.jsonl`` ("indices" -> "index")."""
    return dict(_lists().irregular_plurals)


@dataclass(frozen=True)
class _ResolveLists:
    words: dict[str, frozenset[str]]  # every "words" list, by name
    hardware_vendors: frozenset[str]
    device_class_suffixes: frozenset[str]
    not_plural: frozenset[str]
    irregular_plurals: dict[str, str]


@lru_cache(maxsize=1)
def _lists() -> _ResolveLists:
    # kg.patterns, not kg.extract.pattern_data: importing kg.extract would import spaCy (kg diff, kg leaderboard
    # and kg stats compute merge keys without it); imported here, when the lists are first needed
    from kg.errors import PatternError
    from kg.patterns import PATTERNS_DIR, read_pattern_file

    rows = read_pattern_file("resolve.jsonl")
    lists = {row["list"]: frozenset(row["words"]) for row in rows if "words" in row}
    pairs = {row["list"]: dict(row["pairs"]) for row in rows if "pairs" in row}
    missing = (set(RESOLVE_LISTS) - set(lists)) | ({"irregular_plurals"} - set(pairs))
    if missing:
        raise PatternError(f"{PATTERNS_DIR / 'resolve.jsonl'}: no word list {sorted(missing)}")
    return _ResolveLists(lists, lists["hardware_vendors"], lists["device_class_suffixes"],
                         lists["not_plural"], pairs["irregular_plurals"])


# The "words" lists resolve.jsonl must have (and "irregular_plurals", a list of pairs).
RESOLVE_LISTS = ("dataset_before", "dataset_after_qualifiers", "dataset_after_nouns", "variant_fillers",
                 "hardware_vendors", "device_class_suffixes", "hardware_before", "not_plural")


def _variant_words(name: str) -> tuple[str, ...]:
    # words a long form may add or drop and still name the same thing ("convolutional (neural) network")
    fillers = _lists().words["variant_fillers"]
    words = [singular_word(w).lower() for w in re.split(r"[\s\-_/]+", clean_surface(name)) if w]
    return tuple(w for w in words if w not in fillers) or tuple(words)


def long_form_variants(first: str, second: str) -> bool:
    """Whether two long forms of one acronym are the same name written two ways: the content words of one
    are all in the other, in order ("convolutional neural network" / "convolutional network", "Long
    Short-Term Memory" / "long short term memory networks"); "Bayesian optimization" and "bilevel
    optimization" are not."""
    a, b = _variant_words(first), _variant_words(second)
    if not a or not b:
        return False
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    it = iter(long)
    return all(word in it for word in short) and short[0] == long[0]


# Candidate sources, weakest first (kg.extract.candidates.PRIORITY orders them the same way).
SOURCE_ORDER = ("unnamed", "propagated", "open", "phrase", "titlecase", "context", "vocabulary", "acronym", "coined")


def source_rank(source: str) -> int:
    """A source's strength (SOURCE_ORDER's index; -1 for an unknown source)."""
    return SOURCE_ORDER.index(source) if source in SOURCE_ORDER else -1


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
        if "source" in entity:
            kept["source"] = max(kept.get("source", "propagated"), entity["source"], key=source_rank)
        if entity.get("confidence") is not None:
            kept["confidence"] = max(kept.get("confidence") or 0.0, entity["confidence"])
        kept["mentions"] = sorted(kept["mentions"] + entity["mentions"], key=lambda m: (m["start"], m["end"]))
    return list(merged.values())
