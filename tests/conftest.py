"""Shared pytest fixtures. Each area keeps to its own section."""

from __future__ import annotations

import os

import pytest

# --- neo4j: one real server per test session ----------------------------------------------
#
# Started with kg's own launcher (fetching the jars with Maven on first use) unless KG_TEST_NEO4J_URI points at a
# server (with KG_TEST_NEO4J_USER / KG_TEST_NEO4J_PASSWORD). If it can not be started, the Neo4j tests fail under
# CI (CI=true) and are skipped elsewhere, with the reason either way.

NEO4J_TEST_PASSWORD = "kg-test-password"


@pytest.fixture(scope="session")
def neo4j_instance(tmp_path_factory):
    """The session's Neo4j: ``.settings`` (kg.neo4j.connection.Neo4jSettings) and ``.state_dir`` (None if outside)."""
    from types import SimpleNamespace

    from kg.errors import KgError
    from kg.neo4j import server
    from kg.neo4j.connection import Neo4jSettings

    external = os.environ.get("KG_TEST_NEO4J_URI")
    if external:
        settings = Neo4jSettings(uri=external, user=os.environ.get("KG_TEST_NEO4J_USER", "neo4j"),
                                 password=os.environ.get("KG_TEST_NEO4J_PASSWORD"), retry_seconds=5,
                                 source="options")
        yield SimpleNamespace(settings=settings, state_dir=None)
        return
    state_dir = tmp_path_factory.mktemp("neo4j-server")
    info, reason = None, None
    try:
        info = server.start(state_dir, password=NEO4J_TEST_PASSWORD, exit_with_parent=True)
    except KgError as error:
        reason = f"could not start Neo4j for the tests: {error}"
    if info is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    try:
        settings = Neo4jSettings(uri=info.uri, user=info.user, password=info.password, retry_seconds=5,
                                 source="options")
        yield SimpleNamespace(settings=settings, state_dir=state_dir)
    finally:
        server.stop(state_dir)


@pytest.fixture(scope="session")
def neo4j_server(neo4j_instance):
    """Connection settings of the session's Neo4j."""
    return neo4j_instance.settings


@pytest.fixture
def neo4j_db(neo4j_server):
    """The session's server with an empty database: no nodes, no constraints, no indexes."""
    import neo4j

    with neo4j.GraphDatabase.driver(neo4j_server.uri, auth=neo4j_server.auth) as driver:
        database = neo4j_server.database
        driver.execute_query("MATCH (n) DETACH DELETE n", database_=database)
        for record in driver.execute_query("SHOW CONSTRAINTS YIELD name", database_=database).records:
            driver.execute_query(f"DROP CONSTRAINT `{record['name']}` IF EXISTS", database_=database)
        indexes = driver.execute_query("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP'", database_=database)
        for record in indexes.records:
            driver.execute_query(f"DROP INDEX `{record['name']}` IF EXISTS", database_=database)
    return neo4j_server


# Text that must survive every writer unchanged: quotes, backslashes, braces, Cypher keywords, newlines, unicode.
NASTY_TITLE = 'Robert\'); MATCH (n) DETACH DELETE n; // {x} "q" \\'
NASTY_METHOD = 'Bobby"Tables\'}) RETURN 1 //\\n'
NASTY_ABSTRACT = "Line one;\nline two\twith tab\r\n`backticks` $param ${x} \\u0041 naïve — 😀 \x07 end"


def _record(paper_id, title, entities, relations=(), results=(), year=2020):
    """A hand-made extraction record (schemas/paper-record.schema.json)."""
    abstract = NASTY_ABSTRACT if paper_id == "p3" else f"Abstract of {title}."
    return {
        "id": paper_id, "title": title, "abstract": abstract, "text": f"{title}\n{abstract}", "year": year,
        "authors": ["A. Author", "B. O'Brien"], "url": None, "venue": "Test Conf",
        "entities": [
            {"id": entity_id, "type": kind, "name": name, "aliases": aliases, "proposed": proposed,
             "mentions": [{"text": name, "start": 0, "end": len(name), "sentence": 0}]}
            for entity_id, kind, name, aliases, proposed in entities
        ],
        "relations": [
            {"type": kind, "source": source, "target": target, "sentence": index + 1,
             "evidence": f"{source} {kind} {target}.", "confidence": 0.9}
            for index, (kind, source, target) in enumerate(relations)
        ],
        "results": [
            {"text": text, "value": value, "unit": unit, "start": 0, "end": 1, "sentence": 1, "evidence": text,
             "qualifier": None, **roles}
            for text, value, unit, roles in results
        ],
    }


RESNET = ("method:resnet-50", "Method", "ResNet-50", ["ResNet50"], False)
IMAGENET = ("dataset:imagenet", "Dataset", "ImageNet", [], False)
CIFAR = ("dataset:cifar-10", "Dataset", "CIFAR-10", ["CIFAR10"], False)
TOP1 = ("metric:top-1 accuracy", "Metric", "top-1 accuracy", [], False)


def known_records():
    """Four papers whose graph the Neo4j tests know by heart (see tests/test_neo4j_queries.py)."""
    return [
        _record("p1", "Deep Residual Learning", [
            RESNET[:4] + (True,), ("method:vgg-16", "Method", "VGG-16", [], False), IMAGENET, CIFAR,
            ("hardware:v100", "Hardware", "V100", [], False), TOP1,
        ], relations=[
            ("EVALUATED_ON", "method:resnet-50", "dataset:imagenet"),
            ("RUNS_ON", "method:resnet-50", "hardware:v100"),
            ("OUTPERFORMS", "method:resnet-50", "method:vgg-16"),
            ("EVALUATED_ON", "method:vgg-16", "dataset:cifar-10"),
        ], results=[
            ("76.1% top-1 accuracy", 76.1, "%", {"metric": "metric:top-1 accuracy", "method": "method:resnet-50",
                                                  "dataset": "dataset:imagenet"}),
        ], year=2016),
        _record("p2", "An Image is Worth 16x16 Words", [
            ("method:vit", "Method", "ViT", ["Vision Transformer"], True), RESNET, IMAGENET,
            ("hardware:tpu v3", "Hardware", "TPU v3", ["TPUv3"], False), TOP1,
        ], relations=[
            ("COMPARED_WITH", "method:vit", "method:resnet-50"),
        ], results=[
            ("88.55% top-1 accuracy", 88.55, "%", {"metric": "metric:top-1 accuracy", "method": "method:vit",
                                                    "dataset": "dataset:imagenet", "hardware": "hardware:tpu v3"}),
        ], year=2021),
        _record("p3", NASTY_TITLE, [
            ("method:nasty", "Method", NASTY_METHOD, ['a"b', "c\\d"], True), CIFAR,
            ("hardware:a100", "Hardware", "A100", [], False), ("metric:f1", "Metric", "F1", [], False),
        ], relations=[
            ("EVALUATED_ON", "method:nasty", "dataset:cifar-10"),
            ("RUNS_ON", "method:nasty", "hardware:a100"),
        ], results=[
            ('F1 of 0.91 "on" CIFAR\'s \\ test', 0.91, None, {"metric": "metric:f1", "method": "method:nasty",
                                                               "dataset": "dataset:cifar-10"}),
        ], year=None),
        _record("p4", "Revisiting ResNets", [RESNET, IMAGENET, ("hardware:a100", "Hardware", "A100", [], False), TOP1],
                relations=[
                    ("EVALUATED_ON", "method:resnet-50", "dataset:imagenet"),
                    ("RUNS_ON", "method:resnet-50", "hardware:a100"),
                ], year=2021),
    ]


@pytest.fixture
def known_graph():
    from kg.graph.build import build_graph

    return build_graph(known_records())


@pytest.fixture
def known_snapshot(known_graph, tmp_path):
    """The known graph written as a snapshot directory (without the HTML page)."""
    from kg.graph.snapshot import write_snapshot

    return write_snapshot(known_graph, tmp_path / "snapshot").path


def stored_graph(driver, database="neo4j"):
    """Everything in the database: {node id: (labels, properties)} and {(start, end, type, key): properties}."""
    nodes = {r["props"]["id"]: (r["labels"], r["props"]) for r in driver.execute_query(
        "MATCH (n) RETURN labels(n) AS labels, properties(n) AS props", database_=database).records}
    rels = {(r["a"], r["b"], r["type"], r["props"]["key"]): r["props"] for r in driver.execute_query(
        "MATCH (a)-[r]->(b) RETURN a.id AS a, b.id AS b, type(r) AS type, properties(r) AS props",
        database_=database).records}
    return nodes, rels


def expected_graph(graph):
    """What Neo4j should hold for *graph*, in stored_graph's shape: every non-None attribute as Neo4j stores it
    (as it is, except nested values such as papers_per_month, which become JSON text), and on an entity node the
    merge keys of its name and aliases (merge_keys, what the named queries match a name on)."""
    from kg import schema
    from kg.graph.rows import property_value
    from kg.naming import merge_key

    def keys(attrs):
        if attrs["label"] not in schema.ENTITY_TYPES:
            return {}
        names = [attrs["name"], *(attrs.get("aliases") or [])]
        return {"merge_keys": sorted({merge_key(name, attrs["label"]) for name in names} - {""})}

    nodes = {node: ([attrs["label"]], {"id": node, **{k: property_value(v) for k, v in attrs.items()
                                                       if k != "label" and v is not None}, **keys(attrs)})
             for node, attrs in graph.nodes(data=True)}
    rels = {(a, b, attrs["type"], key): {"key": key, **{k: property_value(v) for k, v in attrs.items()
                                                        if k != "type" and v is not None}}
            for a, b, key, attrs in graph.edges(keys=True, data=True)}
    return nodes, rels


# --- fuzzing: hypothesis profiles and the closing tally ---------------------------------------
#
# "ci" (the default, for `make test`) keeps the whole fuzzing suite to about a minute; "fuzz" (`make fuzz`,
# KG_HYPOTHESIS_PROFILE=fuzz) runs over 10,000 examples. tests/fuzzing.py counts what was checked.

from hypothesis import HealthCheck, settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("ci", max_examples=40, deadline=None, derandomize=True,
                                      suppress_health_check=[HealthCheck.too_slow])
_hypothesis_settings.register_profile("fuzz", max_examples=1000, deadline=None,
                                      suppress_health_check=[HealthCheck.too_slow])
_hypothesis_settings.load_profile(os.environ.get("KG_HYPOTHESIS_PROFILE", "ci"))


def pytest_terminal_summary(terminalreporter):
    import sys

    fuzzing = sys.modules.get("fuzzing")
    if fuzzing is None or not fuzzing.TALLY:
        return
    terminalreporter.section(f"fuzzing: examples checked by reader and property "
                             f"(profile {os.environ.get('KG_HYPOTHESIS_PROFILE', 'ci')})")
    readers = sorted({reader for reader, _ in fuzzing.TALLY})
    for reader in readers:
        props = {prop: n for (r, prop), n in sorted(fuzzing.TALLY.items()) if r == reader}
        terminalreporter.write_line(f"{reader:>12}: " + ", ".join(f"{prop} {n}" for prop, n in props.items()))
    terminalreporter.write_line(f"{'checks':>12}: {sum(fuzzing.TALLY.values())} in all")
