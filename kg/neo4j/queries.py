"""Questions a researcher asks of the graph, as named Cypher queries (`kg query --named NAME`).

The README shows these same strings, and the tests run them on a small known graph.

A method counts as *evaluated on* a dataset when any of these says so: an EVALUATED_ON relation read from a
sentence, a Result about both, or a paper that proposes the method and evaluates on the dataset. Hardware is
found the same way (RUNS_ON, a Result, the proposing paper). Names match case-insensitively, on an alias too,
or on the node id (``method:resnet-50``), or by merge key (kg.naming): "resnet50", "ResNet 50" and
"ResNets" find ResNet-50, as kg leaderboard finds it in a snapshot. Every entity node carries the merge keys of
its name and aliases (``merge_keys``, kg.graph.rows); a query's name parameter comes with its own merge key
(``$dataset_key`` for ``$dataset``), computed here by the same rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kg.errors import InputError
from kg import schema
from kg.naming import merge_key


@dataclass(frozen=True)
class NamedQuery:
    name: str
    question: str
    cypher: str
    defaults: dict[str, Any] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    example: dict[str, Any] = field(default_factory=dict)  # parameters used in the README's example
    names: dict[str, str] = field(default_factory=dict)  # parameter -> the label of the entity it names

    def parameters(self, given: dict[str, Any]) -> dict[str, Any]:
        """The Cypher parameters: the defaults, *given*, and ``<name>_key`` for each parameter naming an entity."""
        missing = [name for name in self.required if name not in given]
        if missing:
            flags = " ".join(f"-p {name}=..." for name in missing)
            raise InputError(f"query {self.name!r} needs {flags}")
        unknown = sorted(set(given) - set(self.required) - set(self.defaults))
        if unknown:
            raise InputError(f"query {self.name!r} has no parameter {', '.join(map(repr, unknown))}")
        values = {**self.defaults, **given}
        for name, label in self.names.items():
            value = values.get(name)
            values[f"{name}_key"] = merge_key(str(value), label) or None if value is not None else None
        return values


def _named(variable: str, parameter: str) -> str:
    """A WHERE condition: *variable*'s name, an alias or its id equals $parameter (case-insensitive), or the merge
    key of its name or an alias is $parameter's (``$<parameter>_key``, NamedQuery.parameters)."""
    return (f"(toLower({variable}.name) = toLower(${parameter}) OR {variable}.id = ${parameter}\n"
            f"       OR toLower(${parameter}) IN [alias IN coalesce({variable}.aliases, []) | toLower(alias)]\n"
            f"       OR ${parameter}_key IN coalesce(properties({variable}).merge_keys, []))")


def _links(source: str, target: str, rel_type: str, target_label: str, result_edge: str, paper_edge: str) -> str:
    """A list of {method, target, paper} maps: every way the graph says *source* method relates to *target*."""
    return (
        f"[({source}:Method)-[e:{rel_type}]->({target}:{target_label})\n"
        f"          | {{method: {source}, target: {target}, paper: 'paper:' + e.paper}}]\n"
        f"     + [({source}:Method)<-[:OF_METHOD]-(r:Result)-[:{result_edge}]->({target}:{target_label})\n"
        f"          | {{method: {source}, target: {target}, paper: 'paper:' + r.paper}}]\n"
        f"     + [({source}:Method)<-[:PROPOSES]-(p:Paper)-[:{paper_edge}]->({target}:{target_label})\n"
        f"          | {{method: {source}, target: {target}, paper: p.id}}]"
    )


def _evaluations(method: str, dataset: str) -> str:
    return _links(method, dataset, "EVALUATED_ON", "Dataset", "ON_DATASET", "EVALUATES_ON")


METHODS_ON_DATASET = NamedQuery(
    name="methods-on-dataset",
    question="Which methods were evaluated on a dataset?",
    cypher=f"""MATCH (d:Dataset)
WHERE {_named('d', 'dataset')}
UNWIND {_evaluations('m', 'd')} AS hit
WITH d, hit.method AS m, hit.paper AS paper ORDER BY paper
RETURN m.name AS method, d.name AS dataset, count(DISTINCT paper) AS papers, collect(DISTINCT paper) AS paper_ids
ORDER BY papers DESC, method""",
    required=("dataset",),
    example={"dataset": "ImageNet"},
    names={"dataset": schema.DATASET},
)

HARDWARE_FOR_METHOD = NamedQuery(
    name="hardware-for-method",
    question="Which hardware was a method run on?",
    cypher=f"""MATCH (m:Method)
WHERE {_named('m', 'method')}
UNWIND {_links('m', 'h', 'RUNS_ON', 'Hardware', 'ON_HARDWARE', 'RUNS_ON')} AS hit
WITH m, hit.target AS h, hit.paper AS paper ORDER BY paper
RETURN h.name AS hardware, m.name AS method, count(DISTINCT paper) AS papers, collect(DISTINCT paper) AS paper_ids
ORDER BY papers DESC, hardware""",
    required=("method",),
    example={"method": "FlashAttention"},
    names={"method": schema.METHOD},
)

# A result whose metric is only free text (metric_text, no Metric entity) counts for that text, case-insensitively
# and apart from a Metric entity of the same name, under the form of its first result by id: the leaderboard's
# boards (below). Its papers are those of its results.
TOP_METRICS = NamedQuery(
    name="top-metrics",
    question="Which metrics are reported most (Metric entities and free-text result metrics)?",
    cypher="""CALL {
  MATCH (metric:Metric)
  OPTIONAL MATCH (p:Paper)-[:REPORTS]->(metric)
  WITH metric, count(DISTINCT p) AS papers
  OPTIONAL MATCH (r:Result)-[:FOR_METRIC]->(metric)
  WITH metric, papers, count(DISTINCT r) AS results
  WHERE papers + results > 0
  RETURN metric.name AS metric, false AS free_text, papers, results
  UNION ALL
  MATCH (r:Result)
  WITH r, properties(r) AS rp
  WHERE trim(coalesce(rp.metric_text, '')) <> '' AND NOT EXISTS { MATCH (r)-[:FOR_METRIC]->() }
  WITH r, rp, trim(rp.metric_text) AS text ORDER BY r.id
  WITH toLower(text) AS board, collect(text)[0] AS metric, count(r) AS results, count(DISTINCT rp.paper) AS papers
  RETURN metric, true AS free_text, papers, results
}
RETURN metric, free_text, papers, results
ORDER BY papers DESC, results DESC, metric, free_text
LIMIT $limit""",
    defaults={"limit": 10},
    example={"limit": 5},
)

METHODS_SHARING_DATASETS = NamedQuery(
    name="methods-sharing-datasets",
    question="Which methods were evaluated on the same datasets as a given method?",
    cypher=f"""MATCH (m:Method)
WHERE {_named('m', 'method')}
UNWIND {_evaluations('m', 'd')} AS mine
WITH DISTINCT m, mine.target AS d
UNWIND {_evaluations('other', 'd')} AS theirs
WITH DISTINCT m, d, theirs.method AS other
WHERE other <> m
WITH m, d, other ORDER BY d.name
RETURN other.name AS method, count(d) AS shared_datasets, collect(d.name) AS datasets
ORDER BY shared_datasets DESC, method""",
    required=("method",),
    example={"method": "ResNet"},
    names={"method": schema.METHOD},
)

PROPOSALS_WITH_RESULTS = NamedQuery(
    name="proposals-with-results",
    question="Which papers propose a method, and what results do they report?",
    cypher=f"""MATCH (p:Paper)-[:PROPOSES]->(m:Method)
WHERE $method IS NULL OR {_named('m', 'method')}
OPTIONAL MATCH (p)-[:HAS_RESULT]->(r:Result)
WITH p, m, r ORDER BY r.id
RETURN p.title AS paper, m.name AS method,
       [x IN collect(r) | x {{.text, .value, .unit, .metric, .metric_text, .method, .dataset, .hardware}}] AS results
ORDER BY paper, method""",
    defaults={"method": None},
    example={"method": "FlashAttention"},
    names={"method": schema.METHOD},
)

METHODS_AND_DATASETS_FOR_TASK = NamedQuery(
    name="methods-and-datasets-for-task",
    question="Which methods and datasets are used for a task?",
    cypher=f"""MATCH (t:Task)
WHERE {_named('t', 'task')}
UNWIND [(m:Method)-[e:APPLIED_TO]->(t) | {{type: 'Method', entity: m, paper: 'paper:' + e.paper}}]
     + [(m:Method)<-[:PROPOSES]-(p:Paper)-[:ADDRESSES]->(t) | {{type: 'Method', entity: m, paper: p.id}}]
     + [(d:Dataset)-[e:BENCHMARKS]->(t) | {{type: 'Dataset', entity: d, paper: 'paper:' + e.paper}}]
     + [(d:Dataset)<-[:EVALUATES_ON]-(p:Paper)-[:ADDRESSES]->(t) | {{type: 'Dataset', entity: d, paper: p.id}}] AS hit
WITH t, hit.type AS type, hit.entity AS entity, hit.paper AS paper ORDER BY paper
RETURN type, entity.name AS name, t.name AS task, count(DISTINCT paper) AS papers, collect(DISTINCT paper) AS paper_ids
ORDER BY type DESC, papers DESC, name""",
    required=("task",),
    example={"task": "image classification"},
    names={"task": schema.TASK},
)

def _leaderboard_defaults() -> dict[str, Any]:
    from kg.graph.metrics import LOW_CONFIDENCE, metric_table

    return {"metric": None, "task": None, "low_confidence": LOW_CONFIDENCE,
            "relative_qualifiers": sorted(metric_table().relative_qualifiers)}


# The same boards as `kg leaderboard` (kg.graph.leaderboard): one row per result on the dataset, grouped by metric
# and unit, scores before changes against a baseline, best first by the metric's direction. A result whose metric
# is only free text (metric_text, no Metric entity) is grouped under that text, case-insensitively
# (``free_text`` true; the board is named by the form of its first result by id), apart from a Metric entity of
# the same name; --metric finds it by that text too. Its direction is the Result node's own (kg.graph.build).
LEADERBOARD = NamedQuery(
    name="leaderboard",
    question="Which methods report the best results on a dataset (optionally for a metric and a task)?",
    # Optional properties are read from properties(...) maps, so a graph without them draws no warning.
    cypher=f"""MATCH (d:Dataset)
WHERE {_named('d', 'dataset')}
MATCH (r:Result)-[:ON_DATASET]->(d)
OPTIONAL MATCH (r)-[:FOR_METRIC]->(mt:Metric)
WITH r, properties(r) AS rp, mt
WITH r, rp, mt, CASE WHEN mt IS NULL AND trim(coalesce(rp.metric_text, '')) <> '' THEN trim(rp.metric_text) END AS free
WHERE $metric IS NULL OR (mt IS NOT NULL AND {_named('mt', 'metric')})
      OR (free IS NOT NULL AND toLower(free) = toLower(trim($metric)))
OPTIONAL MATCH (r)-[:OF_METHOD]->(m:Method)
OPTIONAL MATCH (p:Paper {{id: 'paper:' + r.paper}})
WITH r, rp, mt, properties(mt) AS mp, free, m, p
WHERE $task IS NULL OR EXISTS {{ MATCH (p)--(t) WHERE '{schema.TASK}' IN labels(t) AND {_named('t', 'task')} }}
WITH r, rp, mt, mp, free, m, p, coalesce(rp.unit, '') = 'x' OR any(word IN split(toLower(coalesce(rp.qualifier, '')), ' ')
                                                             WHERE word IN $relative_qualifiers) AS relative
ORDER BY r.id
WITH CASE WHEN free IS NULL THEN mt.name ELSE toLower(free) END AS board, free IS NOT NULL AS free_text,
     rp.unit AS unit, CASE WHEN free IS NULL THEN mp.direction ELSE rp.direction END AS direction,
     collect({{r: r, rp: rp, m: m, p: p, relative: relative, name: coalesce(free, mt.name)}}) AS hits
UNWIND hits AS hit
WITH board, free_text, unit, direction, hits[0].name AS metric, hit.r AS r, hit.rp AS rp, hit.m AS m, hit.p AS p,
     hit.relative AS relative
RETURN metric, free_text, unit, direction, m.name AS method, r.value AS value,
       rp.text AS text, relative, p.title AS paper, rp.evidence AS evidence,
       CASE WHEN rp.confidence < $low_confidence THEN 'attachment confidence ' + toString(rp.confidence)
            WHEN m IS NULL THEN 'no method attached' END AS low_confidence
ORDER BY board, free_text, unit, relative,
         CASE WHEN relative OR direction IS NULL THEN null WHEN direction = 'higher' THEN -value ELSE value END,
         paper, r.id""",
    required=("dataset",),
    defaults=_leaderboard_defaults(),
    example={"dataset": "ImageNet"},
    names={"dataset": schema.DATASET, "metric": schema.METRIC, "task": schema.TASK},
)

NAMED_QUERIES: dict[str, NamedQuery] = {
    query.name: query
    for query in (METHODS_ON_DATASET, HARDWARE_FOR_METHOD, TOP_METRICS, METHODS_SHARING_DATASETS,
                  PROPOSALS_WITH_RESULTS, LEADERBOARD, METHODS_AND_DATASETS_FOR_TASK)
}


def named_query(name: str) -> NamedQuery:
    try:
        return NAMED_QUERIES[name]
    except KeyError:
        raise InputError(f"no query named {name!r}; choose from {', '.join(NAMED_QUERIES)}") from None
