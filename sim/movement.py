"""Where ground units can go and how far it is: the movement network and distance fields.

Units move over passable cells (land in Syria, the few crossing points over water, the al-Qaim
border crossing). Entering a cell costs kilometres of a unit's daily march, scaled by terrain: a
road is fastest, towns slowest, a ferry site (a bridge that is down) costs a day or more. A
distance field gives, for every cell, the cost of the cheapest way to a set of target cells; a
unit walks downhill on it. Fields are cached by target set and by the cells the side may not enter.
"""

from __future__ import annotations

import math

import numpy as np

from sim.codes import Crossing, Terrain
from sim.geography import MapLayers
from sim.shortest_paths import cost_to_targets, extended_cost

#: Cost of entering a cell, per km of cell side, by terrain (a road overrides it with 1.0).
TERRAIN_FACTOR = {Terrain.VALLEY: 1.4, Terrain.DESERT: 1.25, Terrain.URBAN: 1.8, Terrain.WATER: 1.0}
FERRY_KM = 25.0  # crossing where the bridge is down: pontoons or boats, about a day and a half
UNREACHABLE = 1e12
OFFSETS = ((-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1))


class MovementNetwork:
    """The passable cells of a map as a directed graph weighted by entry cost (km of march)."""

    def __init__(self, layers: MapLayers):
        nx, ny = layers.frame.shape
        self.shape = (nx, ny)
        self.size = nx * ny
        cell_km = layers.frame.cell_km
        terrain = layers["terrain"]
        crossing = layers["crossing"]
        passable = ((terrain != Terrain.WATER) & ~layers["iraq"]) | (crossing != Crossing.NONE)
        factor = np.array([TERRAIN_FACTOR[Terrain(code)] for code in range(len(Terrain))])
        cost = factor[terrain] * cell_km
        cost[layers["road"]] = cell_km
        cost[crossing == Crossing.FERRY] += FERRY_KM
        self.passable = passable.ravel()
        self.entry_cost = cost.ravel().astype(np.float64)
        self.neighbours, self.step_length = _neighbour_table(nx, ny)
        self.indptr, self.indices, self.weights = self._transposed_graph()
        # For per-unit Python loops: rows of neighbours as tuples sharing one int object per cell (-1 for
        # none: ints[-1]), and costs as a memoryview (indexed from Python without a copy of the array).
        ints = np.array([*range(self.size), -1], dtype=object)  # the int objects, indexed without copies
        self.neighbour_lists = list(map(tuple, ints[self.neighbours].tolist()))
        self.step_length_list = self.step_length.tolist()
        self.entry_cost_list = memoryview(self.entry_cost)

    def _transposed_graph(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """G^T in CSR form (row pointers, columns, weights): an edge v->u of cost(u->v), so that a
        search from the targets gives cost-to-target."""
        rows, cols, weights = [], [], []
        for k in range(8):
            u = np.arange(self.size)
            v = self.neighbours[:, k]
            ok = (v >= 0) & self.passable & self.passable[np.maximum(v, 0)]
            rows.append(v[ok])
            cols.append(u[ok])
            weights.append(self.entry_cost[v[ok]] * self.step_length[k])
        rows, cols, weights = np.concatenate(rows), np.concatenate(cols), np.concatenate(weights)
        order = np.argsort(rows, kind="stable")
        indptr = np.concatenate(([0], np.cumsum(np.bincount(rows, minlength=self.size))))
        return indptr, cols[order], weights[order]

    def field(
        self, targets: np.ndarray, blocked: np.ndarray | None = None, limit: float = np.inf,
        known: np.ndarray | None = None,
    ) -> np.ndarray:
        """Cost (km) from every cell to the nearest target; cells it cannot reach get UNREACHABLE.

        ``blocked`` (flat bool) marks cells the side may not enter (targets stay enterable); the
        search stops at a cost of ``limit`` km (cells beyond count as unreachable). ``known``, the
        field of the same targets and blocked cells at a nearer limit, is extended rather than
        searched again (the same figures, less work).
        """
        targets = np.asarray(targets, dtype=np.int64)
        if targets.size == 0:
            return np.full(self.size, UNREACHABLE)
        if blocked is None:
            blocked = np.zeros(self.size, dtype=bool)
        if known is not None:
            return extended_cost(self.indptr, self.indices, self.weights, blocked, targets, known, float(limit),
                                 UNREACHABLE)
        return cost_to_targets(self.indptr, self.indices, self.weights, blocked, targets, float(limit), UNREACHABLE)


_NETWORKS: dict[int, tuple[MapLayers, MovementNetwork]] = {}


def network_for(layers: MapLayers) -> MovementNetwork:
    """The movement network of a map, built once per map object in a process."""
    entry = _NETWORKS.get(id(layers))
    if entry is None or entry[0] is not layers:
        entry = _NETWORKS[id(layers)] = (layers, MovementNetwork(layers))
    return entry[1]


def _neighbour_table(nx: int, ny: int) -> tuple[np.ndarray, np.ndarray]:
    """Flat index of each cell's eight neighbours (-1 off the grid), and each direction's length."""
    x, y = np.meshgrid(np.arange(nx), np.arange(ny), indexing="ij")
    table = np.full((nx * ny, 8), -1, dtype=np.int64)
    for k, (dx, dy) in enumerate(OFFSETS):
        ok = (x + dx >= 0) & (x + dx < nx) & (y + dy >= 0) & (y + dy < ny)
        table[ok.ravel(), k] = ((x + dx) * ny + (y + dy))[ok]
    lengths = np.array([math.hypot(dx, dy) for dx, dy in OFFSETS])
    return table, lengths
