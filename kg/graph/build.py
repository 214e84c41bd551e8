"""Turn extraction records (one per paper) into a networkx MultiDiGraph.

Node ids are stable strings: ``paper:<paper id>``, the entity ids the resolver
gives (``method:resnet-50``) and ``result:<paper id>:<n>``. Every edge has a
``key`` that is unique in the graph, which is what makes pushes idempotent.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

import networkx as nx

from kg.graph import schema
from kg.graph.metrics import metric_direction
from kg.ingest.dates import month_of


def paper_node_id(paper_id: str) -> str:
    return f"paper:{paper_id}"


def build_graph(records: Iterable[dict[str, Any]]) -> nx.MultiDiGraph:
    """Build the property graph from extraction records (see schemas/paper-record.schema.json)."""
    graph = nx.MultiDiGraph()
    papers_of: dict[str, set[str]] = defaultdict(set)
    date_of: dict[str, str] = {}
    surface_counts: dict[str, Counter] = defaultdict(Counter)

    for record in records:
        paper = paper_node_id(record["id"])
        if record.get("date"):
            date_of[record["id"]] = record["date"]
        graph.add_node(
            paper,
            label=schema.PAPER,
            name=record["title"],
            aliases=[],
            paper_count=1,
            title=record["title"],
            abstract=record.get("abstract", ""),
            year=record.get("year"),
            date=record.get("date"),
            authors=list(record.get("authors") or []),
            url=record.get("url"),
            venue=record.get("venue"),
            # Provenance of the paper itself: every input file and line it was read from.
            sources=[f"{source['path']}:{source['line']}" for source in record.get("sources") or []],
        )
        sentences = record.get("sentences") or []
        entity_label = {}
        for entity in record.get("entities", []):
            entity_id = entity["id"]
            label = schema.check_label(entity["type"])
            entity_label[entity_id] = label
            papers_of[entity_id].add(record["id"])
            surface_counts[entity_id][entity["name"]] += 1
            node = graph.nodes.get(entity_id)
            if node is None:
                graph.add_node(entity_id, label=label, name=entity["name"], aliases=[], paper_count=0)
                node = graph.nodes[entity_id]
            node["aliases"] = sorted(set(node["aliases"]) | set(entity.get("aliases", [])) | {entity["name"]})
            first = (entity.get("mentions") or [{}])[0]
            evidence = _sentence_text(record, sentences, first.get("sentence"))
            rel_type = schema.PROPOSES if entity.get("proposed") else schema.PAPER_EDGE_BY_TYPE[label]
            _add_edge(graph, paper, entity_id, rel_type, f"{rel_type}|{record['id']}",
                      evidence=evidence, sentence=first.get("sentence"), paper=record["id"])

        for relation in record.get("relations", []):
            rel_type = schema.check_relationship_type(relation["type"])
            source, target = relation["source"], relation["target"]
            if source not in entity_label or target not in entity_label:
                continue  # the record points outside its own entities: never link across papers
            _add_edge(graph, source, target, rel_type, f"{rel_type}|{record['id']}|{relation.get('sentence')}",
                      evidence=relation.get("evidence") or _sentence_text(record, sentences, relation.get("sentence")),
                      sentence=relation.get("sentence"), confidence=relation.get("confidence"), paper=record["id"])

        for index, result in enumerate(record.get("results", [])):
            result_id = f"result:{record['id']}:{index}"
            names = {}
            for role in schema.RESULT_EDGE_BY_ROLE:
                target = result.get(role)
                names[role] = graph.nodes[target]["name"] if target in entity_label else None
            graph.add_node(
                result_id,
                label=schema.RESULT,
                name=result.get("text", ""),
                aliases=[],
                paper_count=1,
                value=result.get("value"),
                unit=result.get("unit"),
                text=result.get("text", ""),
                qualifier=result.get("qualifier"),
                value_high=result.get("value_high"),
                metric_text=result.get("metric_text"),
                confidence=result.get("confidence"),
                paper=record["id"],
                evidence=result.get("evidence") or _sentence_text(record, sentences, result.get("sentence")),
                **names,
            )
            _add_edge(graph, paper, result_id, schema.HAS_RESULT, schema.HAS_RESULT, paper=record["id"],
                      sentence=result.get("sentence"))
            for role, (rel_type, _label) in schema.RESULT_EDGE_BY_ROLE.items():
                target = result.get(role)
                if target in entity_label:
                    _add_edge(graph, result_id, target, rel_type, rel_type, paper=record["id"])

    for entity_id, papers in papers_of.items():
        node = graph.nodes[entity_id]
        node["paper_count"] = len(papers)
        dates = sorted(date_of[paper] for paper in papers if paper in date_of)
        if dates:
            # When the entity first appears (the earliest dated paper) and how many papers per month mention it.
            node["first_seen"] = dates[0]
            months = Counter(month for month in map(month_of, dates) if month)
            if months:
                node["papers_per_month"] = dict(sorted(months.items()))
        # Display name: the most frequent surface form, ties broken alphabetically (deterministic).
        node["name"] = sorted(surface_counts[entity_id].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        if node["label"] == schema.METRIC:
            direction = metric_direction(node["name"])
            if direction:
                node["direction"] = direction  # "higher" or "lower" is better (kg/graph/data/metric_directions.json)
    return graph


def _add_edge(graph: nx.MultiDiGraph, source: str, target: str, rel_type: str, key: str, **attrs: Any) -> None:
    attrs = {name: value for name, value in attrs.items() if value is not None}
    graph.add_edge(source, target, key=key, type=rel_type, **attrs)


def _sentence_text(record: dict[str, Any], sentences: list, index: int | None) -> str | None:
    if index is None or index >= len(sentences):
        return None
    start, end = sentences[index]
    return record["text"][start:end]
