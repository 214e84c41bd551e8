"""Node positions for the HTML explorer, computed in Python so the page needs no physics.

networkx's spring_layout is O(n^2) per iteration and takes minutes at 10,000
nodes. This layout is near-linear instead:

1. Each connected component is laid out on its own and the components are
   packed side by side (largest first), so islands do not drift off.
2. A big component is reduced to a *backbone*: its best-connected nodes. The
   backbone gets a full (dense) Fruchterman-Reingold layout; two backbone nodes
   that share a non-backbone neighbour (two entities of the same paper) also
   attract, so the backbone keeps the shape of the whole component.
3. The other nodes are placed level by level outward from the backbone: at the
   mean of their placed neighbours, or, for nodes hanging off a single
   neighbour, on a ring around it.
4. A few Fruchterman-Reingold rounds refine everything, with repulsion only
   between nearby nodes (found with a k-d tree), the "grid" variant from the
   original paper.

Coordinates come out in units of ``edge_length`` (pixels in the page).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence

import numpy as np
from scipy import sparse
from scipy.sparse import csgraph
from scipy.spatial import cKDTree

BACKBONE_SIZE = 300  # dense layout cost grows with the square of this
REFINE_ITERATIONS = 30
DENSE_ITERATIONS = 100
CORE_SPACING = 2.5  # in edge lengths: the median gap between nodes that are not leaves


def layout_positions(
    nodes: Sequence[Hashable],
    edges: Iterable[tuple[Hashable, Hashable]],
    *,
    edge_length: float = 60.0,
    seed: int = 0,
) -> dict[Hashable, tuple[float, float]]:
    """Return ``{node: (x, y)}`` for an undirected view of *edges* (self-loops and repeats are ignored).

    Deterministic for the same input order and *seed*.
    """
    positions = layout_array(len(nodes), _index_edges(nodes, edges), seed=seed) * edge_length
    return {node: (float(x), float(y)) for node, (x, y) in zip(nodes, positions)}


def layout_array(n: int, edges: np.ndarray, *, seed: int = 0) -> np.ndarray:
    """Positions (n x 2, unit edge length) for nodes ``0..n-1`` and an (m x 2) integer edge array."""
    if n == 0:
        return np.zeros((0, 2))
    rng = np.random.default_rng(seed)
    adjacency = _adjacency(n, edges)
    count, component_of = csgraph.connected_components(adjacency, directed=False)
    members = _group(component_of, count)
    pieces = []
    for component in sorted(members, key=lambda m: (-len(m), m[0])):
        sub = adjacency[component][:, component]
        pieces.append((component, _layout_component(sub, rng)))
    return _pack(n, pieces)


def _index_edges(nodes: Sequence[Hashable], edges: Iterable[tuple[Hashable, Hashable]]) -> np.ndarray:
    index = {node: i for i, node in enumerate(nodes)}
    pairs = [(index[u], index[v]) for u, v in edges if u != v]
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)


def _adjacency(n: int, edges: np.ndarray) -> sparse.csr_matrix:
    edges = edges[edges[:, 0] != edges[:, 1]] if len(edges) else edges
    rows = np.concatenate([edges[:, 0], edges[:, 1]])
    cols = np.concatenate([edges[:, 1], edges[:, 0]])
    matrix = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    matrix.data[:] = 1.0  # repeated edges count once
    return matrix


def _group(labels: np.ndarray, count: int) -> list[np.ndarray]:
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(count + 1))
    return [order[bounds[i]:bounds[i + 1]] for i in range(count)]


def _layout_component(adjacency: sparse.csr_matrix, rng: np.random.Generator) -> np.ndarray:
    n = adjacency.shape[0]
    if n <= 2:
        return np.array([[0.0, 0.0], [1.0, 0.0]])[:n]
    degree = np.asarray(adjacency.sum(axis=1)).ravel()
    # Leaves (an entity only one paper mentions) are most nodes; folding them into their
    # neighbour makes the force layout several times smaller and gives each hub a ring of leaves.
    core = np.flatnonzero(degree > 1)
    leaves = np.flatnonzero(degree == 1)
    if len(core) == 0:
        core, leaves = np.array([0]), np.arange(1, n)
    positions = np.zeros((n, 2))
    positions[core] = _spaced(_layout_core(adjacency[core][:, core], 1.0 + np.sqrt(degree[core]), rng))
    if len(leaves):
        anchors = adjacency[leaves].indices  # each leaf has exactly one neighbour, in the core
        positions[leaves] = positions[anchors] + _rings(anchors, rng)
    return positions


def _spaced(positions: np.ndarray, spacing: float = CORE_SPACING) -> np.ndarray:
    """Scale so the median distance to the nearest other node is *spacing* (room for the leaf rings)."""
    if len(positions) < 2:
        return positions
    nearest = cKDTree(positions).query(positions, k=2)[0][:, 1]
    median = float(np.median(nearest))
    return positions * (spacing / median) if median > 0 else positions


def _rings(anchors: np.ndarray, rng: np.random.Generator, spacing: float = 0.8) -> np.ndarray:
    """Offsets that put the nodes sharing an anchor evenly on a ring around it (bigger ring for more nodes)."""
    order = np.argsort(anchors, kind="stable")
    ordered = anchors[order]
    starts = np.searchsorted(ordered, ordered, side="left")
    size = np.searchsorted(ordered, ordered, side="right") - starts
    rank = np.arange(len(order)) - starts
    angle = 2 * np.pi * rank / size + rng.uniform(0, 2 * np.pi, size=len(order))[starts]
    radius = np.maximum(1.0, size * spacing / (2 * np.pi))
    offsets = np.empty((len(anchors), 2))
    offsets[order] = np.stack([np.cos(angle), np.sin(angle)], axis=1) * radius[:, None]
    return offsets


def _layout_core(adjacency: sparse.csr_matrix, mass: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    n = adjacency.shape[0]
    if n == 1:
        return np.zeros((1, 2))
    if n <= BACKBONE_SIZE:
        return _force_rounds(adjacency, mass, _initial(mass, rng), DENSE_ITERATIONS, exact=True)
    # Backbone: the best-connected nodes, laid out exactly. Two backbone nodes that share a
    # neighbour outside it (two entities of one paper) attract too, so it keeps the whole shape.
    degree = np.asarray(adjacency.sum(axis=1)).ravel()
    backbone = np.sort(np.argsort(-mass - degree, kind="stable")[:BACKBONE_SIZE])
    in_backbone = np.zeros(n, dtype=bool)
    in_backbone[backbone] = True
    rest = np.flatnonzero(~in_backbone)
    via = adjacency[backbone][:, rest]
    indirect = via @ sparse.diags(1.0 / np.maximum(degree[rest] - 1, 1)) @ via.T
    indirect.setdiag(0)
    links = adjacency[backbone][:, backbone] + indirect
    links.data = np.minimum(links.data, 1.0)
    links.eliminate_zeros()
    links = sparse.csr_matrix(links)
    # Mass from the backbone's own links: a paper whose other entities are all leaves is a big
    # hub in the full graph but weakly tied here, and a big mass would push it far out.
    backbone_mass = 1.0 + np.asarray(links.sum(axis=1)).ravel()
    positions = np.zeros((n, 2))
    positions[backbone] = _force_rounds(links, backbone_mass, _initial(backbone_mass, rng), DENSE_ITERATIONS,
                                        exact=True)
    _place_outward(adjacency, positions, in_backbone, rng)
    return _force_rounds(adjacency, mass, positions, REFINE_ITERATIONS, exact=False, temperature=2.0)


def _initial(mass: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return rng.uniform(-1, 1, size=(len(mass), 2)) * np.sqrt(mass.sum())


def _force_rounds(adjacency: sparse.csr_matrix, mass: np.ndarray, positions: np.ndarray, iterations: int,
                  *, exact: bool, temperature: float | None = None) -> np.ndarray:
    """ForceAtlas2-style rounds: linear attraction along (weighted) edges, repulsion
    REPULSION * m_i * m_j / d with mass = degree + 1 (hubs push each other apart, leaves stay close)
    and a gravity towards the centre proportional to mass.

    ``exact``: all pairs (n^2, for a few hundred nodes). Otherwise O(n log n) per round: exact
    between nodes closer than NEAR (k-d tree), by coarse grid cells' centres of mass further away.
    """
    coo = sparse.triu(adjacency, k=1).tocoo()
    source, target, weight = coo.row, coo.col, coo.data
    n = len(positions)
    positions = positions.copy()
    radius = np.sqrt(mass.sum())
    if temperature is None:
        temperature = radius / 4
    cooling = temperature * 0.9 / max(iterations, 1)
    for _ in range(iterations):
        if exact:
            displacement = _exact_repulsion(positions, mass)
        else:
            # A grid of up to FAR_CELLS x FAR_CELLS cells over the current extent.
            cells = min(FAR_CELLS, max(8, int(np.sqrt(n) / 2)))
            # Sized by the bulk of the nodes, not by a few outliers far out.
            spread = np.percentile(positions, 98, axis=0) - np.percentile(positions, 2, axis=0)
            near = max(float(spread.max()) / cells * 1.5, 1e-6)
            displacement = _far_repulsion(positions, mass, near) + _near_repulsion(positions, mass, near)
        pull = (positions[source] - positions[target]) * weight[:, None]
        displacement += _accumulate(n, target, pull) - _accumulate(n, source, pull)
        # Gravity towards the centre, growing beyond the natural radius so that weakly linked
        # nodes do not drift far out.
        distance = np.maximum(np.sqrt((positions ** 2).sum(axis=1)), 1e-9)
        displacement -= (GRAVITY * mass * (1 + distance / radius) / distance)[:, None] * positions
        _step(positions, displacement / mass[:, None], temperature)
        temperature -= cooling
    return positions - positions.mean(axis=0)


REPULSION = 0.5
GRAVITY = 0.2
FAR_CELLS = 48


def _exact_repulsion(positions: np.ndarray, mass: np.ndarray) -> np.ndarray:
    dx = positions[:, 0, None] - positions[None, :, 0]
    dy = positions[:, 1, None] - positions[None, :, 1]
    strength = mass[None, :] / np.maximum(dx * dx + dy * dy, 1e-4)
    scale = REPULSION * mass
    return np.stack([(strength * dx).sum(axis=1) * scale, (strength * dy).sum(axis=1) * scale], axis=1)


def _near_repulsion(positions: np.ndarray, mass: np.ndarray, near: float) -> np.ndarray:
    pairs = cKDTree(positions).query_pairs(near, output_type="ndarray")
    if not len(pairs):
        return np.zeros_like(positions)
    i, j = pairs[:, 0], pairs[:, 1]
    delta = positions[i] - positions[j]
    distance_sq = np.maximum((delta ** 2).sum(axis=1), 1e-4)
    push = delta * (REPULSION * mass[i] * mass[j] / distance_sq)[:, None]
    return _accumulate(len(positions), i, push) - _accumulate(len(positions), j, push)


def _far_repulsion(positions: np.ndarray, mass: np.ndarray, near: float) -> np.ndarray:
    """Repulsion between the cells of a grid (one-level Barnes-Hut), cell pairs closer than *near*
    left out (those nodes are the exact near field). A node gets its cell's force in proportion to its
    mass, so the cost is cells^2, not nodes x cells."""
    cell = np.floor((positions - positions.min(axis=0)) / (near / 1.5)).astype(np.int64)
    key = cell[:, 0] * (cell[:, 1].max() + 1) + cell[:, 1]
    keys, owner = np.unique(key, return_inverse=True)
    cell_mass = np.bincount(owner, weights=mass, minlength=len(keys))
    centre = _accumulate(len(keys), owner, positions * mass[:, None]) / cell_mass[:, None]
    per_mass = np.zeros((len(keys), 2))  # force per unit of mass in each cell
    chunk = max(1, 2_000_000 // len(keys))  # bounds the memory of the chunk x cells arrays
    for start in range(0, len(keys), chunk):
        block = slice(start, start + chunk)
        delta = centre[block, None, :] - centre[None, :, :]
        distance_sq = (delta ** 2).sum(axis=-1)
        strength = np.where(distance_sq > near * near, cell_mass[None, :] / np.maximum(distance_sq, 1e-9), 0.0)
        per_mass[block] = np.einsum("ijk,ij->ik", delta, strength)
    return per_mass[owner] * (REPULSION * mass)[:, None]


def _step(positions: np.ndarray, displacement: np.ndarray, temperature: float) -> None:
    length = np.maximum(np.sqrt((displacement ** 2).sum(axis=1)), 1e-9)
    positions += displacement * (np.minimum(length, temperature) / length)[:, None]


def _place_outward(adjacency: sparse.csr_matrix, positions: np.ndarray, placed: np.ndarray,
                   rng: np.random.Generator) -> None:
    """Place the other nodes level by level: at the mean of their placed neighbours, or on a ring
    around a lone placed neighbour."""
    placed = placed.copy()
    while not placed.all():
        counts = adjacency @ placed.astype(float)
        frontier = np.flatnonzero(~placed & (counts > 0))
        if len(frontier) == 0:  # not reachable: the caller passes one connected component
            frontier = np.flatnonzero(~placed)
            positions[frontier] = rng.normal(size=(len(frontier), 2))
            break
        means = (adjacency[frontier] @ (positions * placed[:, None])) / counts[frontier, None]
        lone = counts[frontier] == 1
        if lone.any():
            rows = sparse.csr_matrix(adjacency[frontier[lone]].multiply(placed[None, :]))
            rows.eliminate_zeros()
            anchors = rows.indices[rows.indptr[:-1]]
            means[lone] = positions[anchors] + _rings(anchors, rng)
        means[~lone] += rng.normal(scale=0.5, size=(int((~lone).sum()), 2))
        positions[frontier] = means
        placed[frontier] = True


def _accumulate(n: int, index: np.ndarray, values: np.ndarray) -> np.ndarray:
    return np.stack([np.bincount(index, weights=values[:, 0], minlength=n),
                     np.bincount(index, weights=values[:, 1], minlength=n)], axis=1)


def _pack(n: int, pieces: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Place the largest component, then the others in rows beneath it, largest first."""
    gap = 1.5
    boxes = []
    for members, positions in pieces:
        low = positions.min(axis=0)
        boxes.append((members, positions - low, positions.max(axis=0) - low + gap))
    rest_area = sum(float(size[0] * size[1]) for _, _, size in boxes[1:])
    row_width = max(float(boxes[0][2][0]), np.sqrt(rest_area))
    result = np.zeros((n, 2))
    first_members, first_positions, first_size = boxes[0]
    result[first_members] = first_positions
    x, y, row_height = 0.0, float(first_size[1]) + gap, 0.0
    for members, positions, size in boxes[1:]:
        if x > 0 and x + size[0] > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        result[members] = positions + (x, y)
        x += size[0]
        row_height = max(row_height, float(size[1]))
    return result - (result.max(axis=0) + result.min(axis=0)) / 2
