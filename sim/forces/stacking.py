"""Stacking: how many fighters of one side a cell holds, and where new units find room.

A cell holds at most ``stack_limit`` fighters of one side (``stack_density`` fighters per km² times
the cell's area); several units of a side may share a cell up to that limit. Units are never formed
larger than the limit, so the limit holds at every end of day (tests/test_operations.py).
"""

from __future__ import annotations

import math

SEARCH_RINGS = 12  # cells: how far from its anchor a new unit looks for room (24 km at 2 km cells)


def unit_sizes(fighters: int, size: int, limit: float) -> list[int]:
    """``fighters`` split into units of about ``size``, none larger than the stacking ``limit``."""
    fighters = int(fighters)
    if fighters <= 0:
        return []
    count = max(1, round(fighters / size), math.ceil(fighters / max(int(limit), 1)))
    return [fighters * (i + 1) // count - fighters * i // count for i in range(count)]


def room_near(model, code: int, anchor: int, fighters: int, preferred=()) -> int:
    """The cell nearest ``anchor`` (flat) where ``fighters`` of side ``code`` fit: first the ``preferred``
    cells in their order, then rings of cells around the anchor, nearest first (ties: the straighter
    offset, then the cell index). Only passable land its side holds or no one holds is taken; the
    anchor itself if no cell within SEARCH_RINGS has room."""
    limit = model.stack_limit
    stacked = model.stacked[code]
    passable = model.network.passable
    control = model.control_flat
    land = model.land.reshape(-1)

    def room(cell: int) -> bool:
        return (passable[cell] and land[cell] and control[cell] in (0, code)
                and stacked[cell] + fighters <= limit)

    for cell in preferred:
        if room(cell):
            return int(cell)
    nx, ny = model.nx, model.ny
    ax, ay = divmod(int(anchor), ny)
    for ring in range(SEARCH_RINGS + 1):
        cells = []
        for dx in range(-ring, ring + 1):
            for dy in range(-ring, ring + 1):
                if max(abs(dx), abs(dy)) != ring:
                    continue
                x, y = ax + dx, ay + dy
                if 0 <= x < nx and 0 <= y < ny:
                    cells.append((abs(dx) + abs(dy), x * ny + y))
        for _, cell in sorted(cells):
            if room(cell):
                return cell
    return int(anchor)
