"""The fixed vocabulary of the graph: node labels and relationship types.

Everything that reaches Neo4j as a label or relationship type comes from here,
never from input text, so an abstract can not change a query's structure.
"""

from __future__ import annotations

PAPER = "Paper"
METHOD = "Method"
DATASET = "Dataset"
HARDWARE = "Hardware"
METRIC = "Metric"
TASK = "Task"  # the problem a method is built for or a dataset measures (Papers with Code)
RESULT = "Result"

ENTITY_TYPES: tuple[str, ...] = (METHOD, DATASET, HARDWARE, METRIC, TASK)
NODE_LABELS: tuple[str, ...] = (PAPER, *ENTITY_TYPES, RESULT)

# Paper -> entity: what the paper does with the entity.
PAPER_EDGE_BY_TYPE: dict[str, str] = {
    METHOD: "USES",
    DATASET: "EVALUATES_ON",
    HARDWARE: "RUNS_ON",
    METRIC: "REPORTS",
    TASK: "ADDRESSES",
}
PROPOSES = "PROPOSES"  # Paper -> the Method it introduces

# Entity -> entity relations read from a sentence: (type, source label, target label).
ENTITY_RELATIONS: dict[str, tuple[str, str]] = {
    "EVALUATED_ON": (METHOD, DATASET),
    "RUNS_ON": (METHOD, HARDWARE),
    "MEASURED_BY": (METHOD, METRIC),
    "OUTPERFORMS": (METHOD, METHOD),
    "COMPARED_WITH": (METHOD, METHOD),
    "BUILDS_ON": (METHOD, METHOD),
    "APPLIED_TO": (METHOD, TASK),  # "X for image classification"
    "BENCHMARKS": (DATASET, TASK),  # "image classification on ImageNet", "the X benchmark for Y"
}

# Paper -> Result, and Result -> the entities it is about.
HAS_RESULT = "HAS_RESULT"
RESULT_EDGE_BY_ROLE: dict[str, tuple[str, str]] = {
    "metric": ("FOR_METRIC", METRIC),
    "method": ("OF_METHOD", METHOD),
    "dataset": ("ON_DATASET", DATASET),
    "hardware": ("ON_HARDWARE", HARDWARE),
}

# The roles a Result has (its entities), in this order everywhere, and the role of each entity type.
RESULT_ROLES: tuple[str, ...] = tuple(RESULT_EDGE_BY_ROLE)
ROLE_OF_TYPE: dict[str, str] = {label: role for role, (_, label) in RESULT_EDGE_BY_ROLE.items()}

RELATIONSHIP_TYPES: tuple[str, ...] = tuple(
    dict.fromkeys(
        [
            PROPOSES,
            *PAPER_EDGE_BY_TYPE.values(),
            *ENTITY_RELATIONS,
            HAS_RESULT,
            *(edge for edge, _ in RESULT_EDGE_BY_ROLE.values()),
        ]
    )
)

# Colours used by every visual export (HTML legend, GraphML viz attributes).
COLOURS: dict[str, str] = {
    PAPER: "#9aa5b1",
    METHOD: "#4e79a7",
    DATASET: "#59a14f",
    HARDWARE: "#e15759",
    METRIC: "#f28e2b",
    TASK: "#76b7b2",
    RESULT: "#b07aa1",
}


def check_label(label: str) -> str:
    """Return *label* if it is one of the fixed node labels, else raise ValueError."""
    if label not in NODE_LABELS:
        raise ValueError(f"unknown node label {label!r}")
    return label


def check_relationship_type(rel_type: str) -> str:
    """Return *rel_type* if it is one of the fixed relationship types, else raise ValueError."""
    if rel_type not in RELATIONSHIP_TYPES:
        raise ValueError(f"unknown relationship type {rel_type!r}")
    return rel_type
