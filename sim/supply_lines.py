"""Which units are joined to their side's sources of supply (``CampaignModel._cut_off_units``): a flood
from the sources through the cells the side may cross (its own ground, no one's, and the cells its units
stand on), eight neighbours a cell, compiled (numba, cached on disk). It reaches the cells of the
connected pieces (``scipy.ndimage.label`` with an eight-neighbour structure) that hold a source, and
stops once every unit's cell is reached.
"""

from __future__ import annotations

import numpy as np
from numba import njit

EDGE = 255  # the control code of the border laid around the map: no side may cross it


class SupplyLines:
    """The floods of one day's control layer, one side at a time."""

    def __init__(self, control: np.ndarray):
        nx, ny = control.shape
        self.ny = ny + 2
        self.bordered = np.full((nx + 2, ny + 2), EDGE, dtype=np.uint8)  # the layer inside a border
        self.bordered[1:-1, 1:-1] = control
        self.state = np.zeros(self.bordered.size, dtype=np.uint8)
        self.stack = np.empty(self.bordered.size, dtype=np.int64)

    def supplied(self, code: int, unit_cells: list[int], sources) -> np.ndarray:
        """Whether each of a side's ``unit_cells`` (flat cells of the map) is joined to one of its
        ``sources`` (flat; one it may not cross feeds no one) through cells held by ``code`` or no one,
        or where one of ``unit_cells`` is."""
        ny = self.ny - 2
        return _supplied(self.bordered.reshape(-1), self.ny, code, self._bordered(unit_cells, ny),
                         self._bordered(sources, ny), self.state, self.stack)

    @staticmethod
    def _bordered(cells, ny: int) -> np.ndarray:
        """Flat cells of the map as flat cells of the bordered layer."""
        cells = np.asarray(cells, dtype=np.int64)
        return cells + 2 * (cells // ny) + ny + 3


@njit(cache=True)
def _supplied(control, ny, code, unit_cells, sources, state, stack):  # pragma: no cover (compiled)
    """``SupplyLines.supplied`` on the bordered layer (``ny``: its rows' length); ``state`` is a scratch
    layer (0: not crossable, 1: crossable, 2: reached, 3: a unit's cell not yet reached), ``stack`` room
    for every cell."""
    state[:] = 0
    for i in range(control.size):
        if control[i] == 0 or control[i] == code:
            state[i] = 1
    waiting = 0  # units' cells not yet reached
    for i in range(unit_cells.size):
        if state[unit_cells[i]] != 3:
            state[unit_cells[i]] = 3  # a unit's cell, crossable, not reached yet
            waiting += 1
    top = 0
    for i in range(sources.size):
        cell = sources[i]
        if state[cell] == 1 or state[cell] == 3:
            if state[cell] == 3:
                waiting -= 1
            state[cell] = 2
            stack[top] = cell
            top += 1
    offsets = (-ny - 1, -ny, -ny + 1, -1, 1, ny - 1, ny, ny + 1)
    while top and waiting:
        top -= 1
        cell = stack[top]
        for offset in offsets:
            near = cell + offset
            if state[near] == 1 or state[near] == 3:
                if state[near] == 3:
                    waiting -= 1
                state[near] = 2
                stack[top] = near
                top += 1
    fed = np.empty(unit_cells.size, dtype=np.bool_)
    for i in range(unit_cells.size):
        fed[i] = state[unit_cells[i]] == 2
    return fed
