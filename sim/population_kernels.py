"""The population's and the recorder's daily loops over cells, compiled (numba, cached on disk).

Each kernel does in one pass what a handful of numpy calls (or a Python loop over cells) did, in the
same order of additions, so its figures are the same to the last bit.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def mark_near(unit_cells, unit_bits, position, nx, ny, reach, near):  # pragma: no cover (compiled)
    """OR each unit's bit into ``near`` at the valley positions (``position``: map cell -> position in
    the valley, or -1) within ``reach`` cells (a square) of the unit's cell."""
    near[:] = 0
    for i in range(unit_cells.size):
        cell = unit_cells[i]
        bit = unit_bits[i]
        x, y = cell // ny, cell % ny
        for xx in range(max(0, x - reach), min(nx, x + reach + 1)):
            row = xx * ny
            for yy in range(max(0, y - reach), min(ny, y + reach + 1)):
                p = position[row + yy]
                if p >= 0:
                    near[p] |= bit


@njit(cache=True)
def shelter(cells, people, order, lengths, row_of, unsafe, residents, hosted):  # pragma: no cover (compiled)
    """People fleeing ``cells`` go to the first town of their cell's ranking (row ``row_of[cell]`` of
    ``order``, its first ``lengths`` entries) that none of ``cells`` is, or stay where they are; added to
    ``residents`` and ``hosted`` in the order of ``cells`` (as ``np.add.at`` adds). ``unsafe`` is all
    False and left so."""
    n = cells.size
    for i in range(n):
        unsafe[cells[i]] = True
    targets = np.empty(n, dtype=np.int64)
    for i in range(n):
        cell = cells[i]
        row = row_of[cell]
        target = cell  # nowhere to go: they stay
        for k in range(lengths[row]):
            town = order[row, k]
            if not unsafe[town]:
                target = town
                break
        targets[i] = target
    for i in range(n):
        residents[targets[i]] += people[i]
    for i in range(n):
        hosted[targets[i]] += people[i]
    for i in range(n):
        unsafe[cells[i]] = False


@njit(cache=True)
def sum_by_code(codes, weights, out):  # pragma: no cover (compiled)
    """``np.bincount(codes, weights=weights)`` into ``out`` for codes below 8: the same sums, each
    added in the same order (kept in registers rather than in ``out``, which is faster)."""
    a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = 0.0
    for i in range(codes.size):
        c = codes[i]
        w = weights[i]
        if c == 0:
            a0 += w
        elif c == 1:
            a1 += w
        elif c == 2:
            a2 += w
        elif c == 3:
            a3 += w
        elif c == 4:
            a4 += w
        elif c == 5:
            a5 += w
        elif c == 6:
            a6 += w
        else:
            a7 += w
    sums = (a0, a1, a2, a3, a4, a5, a6, a7)
    for c in range(out.size):
        out[c] = sums[c]


def position_grid(size: int, cells: np.ndarray) -> np.ndarray:
    """Each map cell's position among ``cells`` (flat, ascending), or -1."""
    position = np.full(size, -1, dtype=np.int64)
    position[cells] = np.arange(cells.size)
    return position
