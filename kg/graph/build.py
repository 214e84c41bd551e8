"""Turn extraction records (one per paper) into a networkx MultiDiGraph.

Node ids are stable strings: ``paper:<paper id>``, the entity ids the resolver
gives (``method:resnet-50``) and ``result:<paper id>:<n>``. Every edge has a
``key`` that is unique in the graph, which is what makes pushes idempotent.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import networkx as nx

from kg import schema
from kg.graph.metrics import metric_direction
from kg.ingest.dates import month_of


def paper_node_id(paper_id: str) -> str:
    return f"paper:{paper_id}"


class EntityTable:
    """Entity nodes aggregated over records: memory grows with distinct entities, not with papers or text.

    Per entity: its label, the name it was first seen with (what Result nodes copy), how many
    records write each name (the display name is the most frequent), every surface, the paper count,
    the earliest paper date and the dated papers per month.
    """

    def __init__(self) -> None:
        # id -> [label, first name, Counter of names, set of surfaces, papers, earliest date, Counter of months]
        self.entities: dict[str, list] = {}

    def add(self, record: dict[str, Any]) -> dict[str, str]:
        """Count one record's entities in; returns {entity id: label} for the record."""
        labels = {}
        date = record.get("date")
        month = month_of(date) if date else None
        for entity in record.get("entities", []):
            entity_id, name = entity["id"], entity["name"]
            label = schema.check_label(entity["type"])
            labels[entity_id] = label
            row = self.entities.get(entity_id)
            if row is None:
                row = self.entities[entity_id] = [label, name, Counter(), set(), 0, None, Counter()]
            row[2][name] += 1
            row[3].update(entity.get("aliases", []))
            row[3].add(name)
            row[4] += 1
            if date:
                row[5] = date if row[5] is None else min(row[5], date)
                if month:
                    row[6][month] += 1
        return labels

    def first_name(self, entity_id: str) -> str:
        return self.entities[entity_id][1]

    def label(self, entity_id: str) -> str:
        return self.entities[entity_id][0]

    def paper_count(self, entity_id: str) -> int:
        return self.entities[entity_id][4]

    def node(self, entity_id: str) -> dict[str, Any]:
        label, _first, names, surfaces, papers, first_seen, months = self.entities[entity_id]
        # Display name: the most frequent surface form, ties broken alphabetically (deterministic).
        name = sorted(names.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        node = {"label": label, "name": name, "aliases": sorted(surfaces), "paper_count": papers}
        if first_seen is not None:
            # When the entity first appears (the earliest dated paper) and how many papers per month mention it.
            node["first_seen"] = first_seen
            if months:
                node["papers_per_month"] = dict(sorted(months.items()))
        if label == schema.METRIC:
            direction = metric_direction(name)
            if direction:
                node["direction"] = direction  # "higher" or "lower" is better (kg/graph/data/metric_directions.json)
        return node

    def nodes(self):
        for entity_id in self.entities:
            yield entity_id, self.node(entity_id)

    def __len__(self) -> int:
        return len(self.entities)


Element = tuple  # ("node", id, attrs) or ("edge", source, target, key, attrs)


def record_elements(record: dict[str, Any], labels: dict[str, str],
                    first_name: Callable[[str], str]) -> Iterator[Element]:
    """The paper's own nodes and every edge a (resolved) record contributes, entity nodes aside.

    *labels* maps the record's entity ids to their labels; *first_name* gives the name an entity
    was first seen with (Result nodes copy it).
    """
    paper = paper_node_id(record["id"])
    yield ("node", paper, dict(
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
    ))
    sentences = record.get("sentences") or []
    for entity in record.get("entities", []):
        entity_id = entity["id"]
        first = (entity.get("mentions") or [{}])[0]
        evidence = _sentence_text(record, sentences, first.get("sentence"))
        rel_type = schema.PROPOSES if entity.get("proposed") else schema.PAPER_EDGE_BY_TYPE[labels[entity_id]]
        yield _edge(paper, entity_id, rel_type, f"{rel_type}|{record['id']}",
                    evidence=evidence, sentence=first.get("sentence"), paper=record["id"])

    for relation in record.get("relations", []):
        rel_type = schema.check_relationship_type(relation["type"])
        source, target = relation["source"], relation["target"]
        if source not in labels or target not in labels:
            continue  # the record points outside its own entities: never link across papers
        yield _edge(source, target, rel_type, f"{rel_type}|{record['id']}|{relation.get('sentence')}",
                    evidence=relation.get("evidence") or _sentence_text(record, sentences, relation.get("sentence")),
                    sentence=relation.get("sentence"), confidence=relation.get("confidence"), paper=record["id"])

    for index, result in enumerate(record.get("results", [])):
        result_id = f"result:{record['id']}:{index}"
        names = {}
        for role in schema.RESULT_EDGE_BY_ROLE:
            target = result.get(role)
            names[role] = first_name(target) if target in labels else None
        free_direction = None
        if names.get("metric") is None and str(result.get("metric_text") or "").strip():
            # a metric that is only free text ("speedup", "throughput"): which way is better, as a Metric node says
            free_direction = metric_direction(str(result["metric_text"]))
        yield ("node", result_id, dict(
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
            **({"direction": free_direction} if free_direction else {}),
        ))
        yield _edge(paper, result_id, schema.HAS_RESULT, schema.HAS_RESULT, paper=record["id"],
                    sentence=result.get("sentence"))
        for role, (rel_type, _label) in schema.RESULT_EDGE_BY_ROLE.items():
            target = result.get(role)
            if target in labels:
                yield _edge(result_id, target, rel_type, rel_type, paper=record["id"])


def build_graph(records: Iterable[dict[str, Any]]) -> nx.MultiDiGraph:
    """Build the property graph from extraction records (see schemas/paper-record.schema.json).

    *records* may be a stream (kg.execute.shards reads them from shards): each is used once.
    """
    graph = nx.MultiDiGraph()
    entities = EntityTable()
    for record in records:
        labels = entities.add(record)
        for entity_id, label in labels.items():
            if entity_id not in graph:
                graph.add_node(entity_id, label=label)
        for element in record_elements(record, labels, entities.first_name):
            if element[0] == "node":
                graph.add_node(element[1], **element[2])
            else:
                _, source, target, key, attrs = element
                graph.add_edge(source, target, key=key, **attrs)
    for entity_id, attrs in entities.nodes():
        graph.nodes[entity_id].update(attrs)
    return graph


def _edge(source: str, target: str, rel_type: str, key: str, **attrs: Any) -> Element:
    return ("edge", source, target, key, {"type": rel_type, **{n: v for n, v in attrs.items() if v is not None}})


def _sentence_text(record: dict[str, Any], sentences: list, index: int | None) -> str | None:
    if index is None or index >= len(sentences):
        return None
    start, end = sentences[index]
    return record["text"][start:end]
