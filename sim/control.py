"""Who controls each cell: a daily bulk update of the control layer from where the units stand.

Three steps, each in whole-array numpy operations, in this order:

1. **Held**: a cell with units of exactly one side goes to that side, and so does a cell a side's
   units marched through today where no other side's units stand.
2. **Zone of control**: a cell with no units, within ``radius`` cells of units of exactly one side
   (on the same side of the Euphrates), goes to that side.
3. **Encircled**: a cell outside every zone whose land neighbours are, seven or more of eight, held by
   one other side, goes to that side: territory fills in behind the fronts and pockets close,
   while a straight front line does not move without units.

A cell only ever passes to a side from no side or from a side hostile to it: never between sides
at non-aggression (R1) or allied, whatever their units do.
"""

from __future__ import annotations

import numpy as np

from sim.codes import SIDES

N_CODES = len(SIDES) + 1
ENCIRCLED = 7  # of eight neighbours: a pocket closes, a one-cell line of march survives


def neighbour_counts(mask: np.ndarray) -> np.ndarray:
    """For each cell, how many of its eight neighbours are set in ``mask``."""
    padded = np.pad(mask.astype(np.int8), 1)
    counts = np.zeros(mask.shape, dtype=np.int8)
    nx, ny = mask.shape
    for dx in (0, 1, 2):
        for dy in (0, 1, 2):
            if dx != 1 or dy != 1:
                counts += padded[dx : dx + nx, dy : dy + ny]
    return counts


def may_take(current: np.ndarray, side: int, hostile: np.ndarray) -> np.ndarray:
    """Cells whose current controller ``side`` may take: none, itself, or a side hostile to it."""
    return (current == 0) | (current == side) | hostile[side][current]


def presence_and_zones(shape, xs, ys, codes, river_side, land, radius: int) -> tuple[np.ndarray, np.ndarray]:
    """Where each side has units and where its zones of control reach, as (cell, code) pairs of flat
    cell indices, each pair once: zones stop at the river and cover land only."""
    nx, ny = shape
    occupied = np.unique(np.asarray(xs, dtype=np.int64) * ny + ys + np.asarray(codes, dtype=np.int64) * nx * ny)
    code, cell = np.divmod(occupied, nx * ny)
    x, y = np.divmod(cell, ny)
    offsets = np.arange(-radius, radius + 1)
    dx, dy = (a.ravel() for a in np.meshgrid(offsets, offsets, indexing="ij"))
    zx, zy = x[:, None] + dx[None, :], y[:, None] + dy[None, :]
    zcode = np.broadcast_to(code[:, None], zx.shape)
    inside = (zx >= 0) & (zx < nx) & (zy >= 0) & (zy < ny)
    zx, zy, zcode = zx[inside], zy[inside], zcode[inside]
    bank = np.broadcast_to(river_side[x, y][:, None], inside.shape)[inside]
    keep = land[zx, zy] & ((bank == 0) | (river_side[zx, zy] == bank))  # not across the river
    zoned = np.unique((zx[keep] * ny + zy[keep]) + zcode[keep] * nx * ny)
    presence = np.column_stack([cell, code])
    zones = np.column_stack(np.divmod(zoned, nx * ny)[::-1])
    return presence, zones


def _alone(pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Of (cell, code) pairs: the cells one side alone has, that side, and every cell with any."""
    if not len(pairs):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    cells, first, counts = np.unique(pairs[:, 0], return_index=True, return_counts=True)
    single = counts == 1
    return cells[single], pairs[first[single], 1], cells


def update_control(control: np.ndarray, presence: np.ndarray, zones: np.ndarray, land: np.ndarray,
                   hostile: np.ndarray, trails=(), encircle: bool = True) -> int:
    """Apply the steps to ``control`` in place; return how many cells changed hands.

    ``presence`` and ``zones`` are (cell, code) pairs (``presence_and_zones``); ``trails`` are
    (cell, side) pairs a side's units marched through today: they are held like cells with units in
    them, unless units of another side stand there now. Only the cells near units are touched, except
    by the encirclement step, which looks at the whole map."""
    flat = control.ravel()
    land_flat = land.ravel()
    held, held_by, occupied = _alone(presence)
    zoned_cells, zoned_by, any_zone = _alone(zones)
    unoccupied = ~np.isin(zoned_cells, occupied, assume_unique=True)
    changed = 0
    for cells, side in ((held, held_by), (zoned_cells[unoccupied], zoned_by[unoccupied])):
        if cells.size:
            current = flat[cells]
            takeable = ((current == 0) | (current == side) | hostile[side, current]) & land_flat[cells]
            changed += int(np.count_nonzero(takeable & (current != side)))
            flat[cells[takeable]] = side[takeable]
    trail_cells = np.zeros(0, dtype=np.int64)
    if len(trails):
        trail_cells, side = np.array(trails, dtype=np.int64).T
        current = flat[trail_cells]
        alone = ~np.isin(trail_cells, occupied)
        takeable = alone & ((current == 0) | (current == side) | hostile[side, current]) & land_flat[trail_cells]
        changed += int(np.count_nonzero(takeable & (current != side)))
        flat[trail_cells[takeable]] = side[takeable]
    if encircle:
        free = land.copy()
        free_flat = free.ravel()
        free_flat[any_zone] = False
        free_flat[occupied] = False
        free_flat[trail_cells] = False
        for code in range(1, N_CODES):
            mine = control == code
            if not mine.any():
                continue
            surrounded = free & ~mine & (neighbour_counts(mine) >= ENCIRCLED)
            if surrounded.any():
                taken = surrounded & may_take(control, code, hostile)
                changed += int(np.count_nonzero(taken))
                control[taken] = code
    return changed
