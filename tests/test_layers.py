"""Data flows one way: ingest -> extract (map) -> resolve (reduce) -> execute (runs both) -> graph -> export / neo4j.

A lower room never imports a higher one (at module level or inside a function). The shared
concepts sit below every room: kg.errors, kg.atomic, kg.patterns (pattern files), kg.schema
(labels, relation signatures, result roles, node ids) and kg.naming (the naming rule).
"""

from __future__ import annotations

import ast
from pathlib import Path

import kg

ROOT = Path(kg.__file__).parent
BASE = {"errors", "atomic", "patterns", "schema", "naming"}
# kg.execute runs the map (kg.extract, plus each chunk's summary) on an executor and the reduce (kg.resolve)
RANK = {"ingest": 1, "extract": 2, "resolve": 3, "execute": 4, "graph": 5, "export": 6, "neo4j": 7, "evaluate": 7,
        "workflow": 8, "cli": 9, "__main__": 10}


def _room(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "kg" or len(parts) < 2:
        return None
    return parts[1]


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            if node.module == "kg":  # from kg import schema
                found += [(node.lineno, f"kg.{alias.name}") for alias in node.names if not alias.name.startswith("__")]
    return found


def test_no_room_imports_a_higher_one():
    bad = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        mine = rel.parts[0].removesuffix(".py")
        if mine in BASE:
            rank = 0
        elif mine in RANK:
            rank = RANK[mine]
        else:
            continue
        for line, module in _imports(path):
            room = _room(module)
            if room is None or room.startswith("__") or room == mine or room in BASE:
                continue
            theirs = RANK.get(room)
            if theirs is None or theirs > rank or (theirs == rank and room != mine):
                bad.append(f"kg/{rel}:{line} imports {module}")
    assert not bad, "\n".join(bad)


def test_the_shared_concepts_import_no_room():
    for name in BASE:
        for line, module in _imports(ROOT / f"{name}.py"):
            room = _room(module)
            assert room is None or room in BASE, f"kg/{name}.py:{line} imports {module}"


def test_every_top_level_export_resolves():
    """`from kg import X` works for every name kg.__all__ lists (they are imported lazily by module path)."""
    for name in kg.__all__:
        assert getattr(kg, name) is not None, name
