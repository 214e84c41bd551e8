"""Why dev gold relations are out of the edge scorer's reach: ``python -m kg.evaluate.unreachable``.

For every gold triple of EVALUATED_ON, RUNS_ON, OUTPERFORMS and BUILDS_ON (the gold's BASED_ON) it says
whether some candidate of ``kg_edge_scorer`` reaches it (both ends match strictly, as ``kg evaluate`` and
the trainer match them) and, if not, why: an end is no entity of the paper (``not_entity``; ``wrong_type``
when the name is an entity of another type), an end is an entity under another name (``other_name``:
only a lenient match), or both ends are entities but no candidate joins them (``no_candidate``). Prints
one JSON line per type with the counts (``--examples`` adds the triples). Dev only: it refuses the hold-out.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter

from kg.evaluate.training_sets import measurement_only
from kg.evaluate import read_jsonl
from kg.evaluate.edges import GOLD_RELATION_NAMES, RELATION_ENDS, _pred_entities, gold_surfaces
from kg.evaluate.scoring import surfaces, surfaces_match
from kg.extract.edge_scorer import SCORED_TYPES, untrained_model
from kg.extract.records import build_record


def _end(entities: dict[str, dict], gold_names: list[str], entity_type: str) -> tuple[str, list[str]]:
    found = [i for i, e in entities.items()
             if e["type"] == entity_type and surfaces_match(surfaces(e), gold_names, "strict", entity_type)]
    if found:
        return "ok", found
    if any(surfaces_match(surfaces(e), gold_names, "strict", e["type"]) for e in entities.values()):
        return "wrong_type", []
    if any(e["type"] == entity_type and surfaces_match(surfaces(e), gold_names, "lenient", entity_type)
           for e in entities.values()):
        return "other_name", []
    return "not_entity", []


def classify(gold_path: str, papers_path: str, pipeline: str = "blank") -> dict[str, list[tuple[str, str, str, str]]]:
    """Per type: (reason, paper id, source, target) of each distinct gold triple."""
    from kg.extract.pipeline import load_pipeline
    from kg.ingest import read_papers

    gold_rows = {row["id"]: row for row in read_jsonl(gold_path, "gold paper")}
    papers = list(read_papers([papers_path]).papers)
    nlp = load_pipeline(pipeline, component_config={"kg_edge_scorer": {"model": untrained_model()}})
    scorer = nlp.get_pipe("kg_edge_scorer")
    out: dict[str, list] = {t: [] for t in SCORED_TYPES}
    with nlp.select_pipes(disable=["kg_edge_scorer"]):
        scorer.relations.keep_origins = True
        for paper, doc in zip(papers, nlp.pipe(p.text for p in papers)):
            gold = gold_rows.get(paper.id)
            if gold is None or "relations" not in gold:
                continue
            doc._.kg_relations = [r for r, _ in scorer.candidates(doc) if r["type"] in SCORED_TYPES]
            record = build_record(paper, doc, pipeline)
            entities = _pred_entities(record)
            pairs = {(r["type"], r["source"], r["target"]) for r in record["relations"]}
            seen = set()
            for row in gold["relations"] or []:
                rel_type = GOLD_RELATION_NAMES.get(row["type"], row["type"])
                if rel_type not in SCORED_TYPES or (rel_type, row["source"], row["target"]) in seen:
                    continue
                seen.add((rel_type, row["source"], row["target"]))
                source_type, target_type = RELATION_ENDS[rel_type]
                source, sources = _end(entities, gold_surfaces(gold, row["source"], source_type), source_type)
                target, targets = _end(entities, gold_surfaces(gold, row["target"], target_type), target_type)
                if source == target == "ok":
                    reached = any((rel_type, s, t) in pairs for s in sources for t in targets)
                    reason = "reachable" if reached else "no_candidate"
                else:
                    reason = "/".join(f"{side}:{why}" for side, why in (("source", source), ("target", target))
                                      if why != "ok")
                out[rel_type].append((reason, paper.id, row["source"], row["target"]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gold", default="tests/data/gold/dev.jsonl")
    parser.add_argument("--papers", default="tests/data/gold/dev-papers.jsonl")
    parser.add_argument("--examples", action="store_true", help="list the triples under each reason")
    args = parser.parse_args()
    if measurement_only(args.gold) or measurement_only(args.papers):
        raise SystemExit("the hold-out is measurement only: diagnose on dev")
    for rel_type, rows in classify(args.gold, args.papers).items():
        line = {"type": rel_type, "gold": len(rows), "reasons": dict(Counter(r[0] for r in rows).most_common())}
        if args.examples:
            line["examples"] = [list(r) for r in rows if r[0] != "reachable"]
        print(json.dumps(line))


if __name__ == "__main__":
    main()
