"""Neo4j: a local server launcher, the batched writer behind `kg push`, queries and connection handling.

Submodules are imported on use (``kg.neo4j.push``, ``kg.neo4j.server``, ...) so that exporters that only need
:mod:`kg.neo4j.rows` do not load the driver.
"""
