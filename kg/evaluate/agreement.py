"""Inter-annotator agreement: one gold-format file scored against another, for every kind of fact.

``kg evaluate --gold A.jsonl --pred B.jsonl``, when B is a gold-format file (entity types with required and
optional tiers, and the ``proposes`` / ``results`` / ``relations`` keys), scores B's annotations against A's on
the papers both files hold (matched by id, else by title), with the same scorer and matching rules as
predictions. B's side is read the way the gold side is read:

- **Entities.** B's required entities are its predictions. B's optional entities are never false positives,
  and a required entity of A that one of them matches is no miss, mirroring how A's optional tier treats B's
  predictions. Swapping A and B therefore swaps FP and FN: F1 is the agreement, and it does not depend on
  which file is called gold.
- **Proposals, results, relations.** B's rows, each name read through B's entity of that name (its aliases),
  exactly as A's are. A kind is scored on the papers where both rows have its key.

Strict agreement is symmetric for every kind. Lenient result agreement is not quite: a result without a
metric on the ``--gold`` side matches either way (the lenient rule for predictions).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kg.errors import InputError
from kg.evaluate.edges import EDGE_KEYS, gold_side
from kg.evaluate.scoring import Evaluation, Prediction, annotated_types, paper_finder, score
from kg.schema import ENTITY_TYPES


@dataclass
class Coverage:
    """Which papers an agreement was measured on: both files' papers, and those only one file holds."""

    both: int
    only_gold: list[str] = field(default_factory=list)
    only_pred: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"papers_in_both": self.both, "only_in_gold": self.only_gold, "only_in_pred": self.only_pred}


def is_gold_row(row: dict[str, Any]) -> bool:
    """Whether a row is written in the gold format (entity types or edge keys) rather than as a record."""
    return "entities" not in row and any(key in row for key in (*ENTITY_TYPES, *EDGE_KEYS))


def gold_prediction(row: dict[str, Any]) -> Prediction:
    """A second annotator's gold row as the predicted side: required entities predicted, optional ones excusing."""

    def tier(name: str) -> list[dict[str, Any]]:
        return [{**entity, "type": entity_type} for entity_type in ENTITY_TYPES
                for entity in (row.get(entity_type) or {}).get(name, [])]

    return Prediction(tier("required"), optional=tier("optional"), edges=gold_side(row))


def agreement(gold_rows: list[dict[str, Any]], other_rows: list[dict[str, Any]]) -> Evaluation:
    """*other_rows* (gold format) scored against *gold_rows* on the papers both hold (see the module docstring).

    The entity types scored are those both files annotate; ``evaluation.agreement`` says which papers were left
    out.
    """
    find = paper_finder(other_rows)
    pairs, only_gold, used = [], [], set()
    for gold in gold_rows:
        other = find(gold)
        if other is None:
            only_gold.append(gold["id"])
            continue
        used.add(id(other))
        pairs.append((gold, other))
    if not pairs:
        raise InputError("no paper is in both gold files: agreement needs papers both annotate (same id or title)")
    both_gold = [gold for gold, _ in pairs]
    both_other = [other for _, other in pairs]
    types = tuple(t for t in annotated_types(both_gold) if t in annotated_types(both_other))
    if not types:
        raise InputError("the two gold files annotate no entity type in common")
    evaluation = score([(gold, gold_prediction(other)) for gold, other in pairs], types)
    evaluation.agreement = Coverage(both=len(pairs), only_gold=only_gold,
                                    only_pred=[row["id"] for row in other_rows if id(row) not in used])
    return evaluation
