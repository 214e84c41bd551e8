"""Neo4j: a local server launcher, the batched writer behind `kg push`, queries and connection handling.

Submodules are imported on use (``kg.neo4j.push``, ``kg.neo4j.server``, ...). The row model that `kg push` and
the Cypher and CSV exports share lives in :mod:`kg.graph.rows`, so exporters never import this package.
"""
