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
    """Boolean arrays [code, x, y]: where each side has units, and each side's zone of control."""
    presence = np.zeros((N_CODES, *shape), dtype=bool)
    zones = np.zeros((N_CODES, *shape), dtype=bool)
    presence[codes, xs, ys] = True
    nx, ny = shape
    code, x, y = np.nonzero(presence)  # each occupied cell once
    offsets = np.arange(-radius, radius + 1)
    dx, dy = (a.ravel() for a in np.meshgrid(offsets, offsets, indexing="ij"))
    zx, zy = x[:, None] + dx[None, :], y[:, None] + dy[None, :]
    zcode = np.broadcast_to(code[:, None], zx.shape)
    inside = (zx >= 0) & (zx < nx) & (zy >= 0) & (zy < ny)
    zx, zy, zcode = zx[inside], zy[inside], zcode[inside]
    bank = np.broadcast_to(river_side[x, y][:, None], inside.shape)[inside]
    keep = land[zx, zy] & ((bank == 0) | (river_side[zx, zy] == bank))  # not across the river
    zones[zcode[keep], zx[keep], zy[keep]] = True
    return presence, zones


def update_control(
    control: np.ndarray,
    presence: np.ndarray,
    zones: np.ndarray,
    land: np.ndarray,
    hostile: np.ndarray,
    trails=(),
    encircle: bool = True,
) -> int:
    """Apply the steps to ``control`` in place; return how many cells changed hands.

    ``trails`` are (cell, side) pairs a side's units marched through today: they are held like cells
    with units in them, unless units of another side stand there now."""
    flat = control.ravel()
    before = flat.copy()
    present = presence.reshape(N_CODES, -1)
    zoned = zones.reshape(N_CODES, -1)
    sides_present = present[1:].sum(axis=0)
    sides_zoned = zoned[1:].sum(axis=0)
    held = np.flatnonzero(sides_present == 1)
    in_zone = np.flatnonzero((sides_zoned == 1) & (sides_present == 0))
    for cells, owners in ((held, present), (in_zone, zoned)):
        if cells.size:
            side = np.argmax(owners[:, cells], axis=0)
            current = flat[cells]
            takeable = (current == 0) | (current == side) | hostile[side, current]
            takeable &= land.ravel()[cells]
            flat[cells[takeable]] = side[takeable]
    if len(trails):
        cells, side = np.array(trails, dtype=np.int64).T
        current = flat[cells]
        alone = present[:, cells].sum(axis=0) == 0
        takeable = alone & ((current == 0) | (current == side) | hostile[side, current]) & land.ravel()[cells]
        flat[cells[takeable]] = side[takeable]
    if encircle:
        free = land & (sides_zoned == 0).reshape(land.shape) & (sides_present == 0).reshape(land.shape)
        if len(trails):
            free.ravel()[np.array(trails, dtype=np.int64)[:, 0]] = False
        for code in range(1, N_CODES):
            mine = control == code
            if not mine.any():
                continue
            surrounded = free & ~mine & (neighbour_counts(mine) >= ENCIRCLED)
            if surrounded.any():
                control[surrounded & may_take(control, code, hostile)] = code
    return int(np.count_nonzero(flat != before))
