"""Who controls each cell: a daily bulk update of the control layer from where the units stand.

Three steps, in this order, each over index arrays of the cells concerned (steps 1 and 2) or, for
step 3, one whole-array pass that finds the few candidate cells, decided one by one:

1. **Held**: a cell with units of exactly one side goes to that side, and so does a cell a side's
   units marched through today where no other side's units stand.
2. **Zone of control**: a cell with no units, within ``radius`` cells of units of exactly one side
   (on the same side of the Euphrates), goes to that side.
3. **Encircled**: a cell outside every zone whose land neighbours are, seven or more of eight, held by
   one other side, goes to that side: territory fills in behind the fronts and pockets close,
   while a straight front line does not move without units. Neighbours are counted on the layer as
   it stood before the step, so no side's pockets are closed before another's.
4. **Swept and lapsed** (every few days): ground within the reach of one side's units only is swept
   and becomes that side's after ``rear_clearing_days``; desert beyond its holder's reach for
   ``hold_lapse_days`` becomes no one's. A column's march leaves no territory behind it.

A cell only ever passes to a side from no side or from a side hostile to it: never between sides
at non-aggression (R1) or allied, whatever their units do.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.codes import SIDES

N_CODES = len(SIDES) + 1
ENCIRCLED = 7  # of eight neighbours: a pocket closes, a one-cell line of march survives


SINGLE_SIDE = np.zeros(256, dtype=np.int8)  # a cell's side bits -> the side if exactly one is set, else 0
for _code in range(1, N_CODES):
    SINGLE_SIDE[1 << _code] = _code
assert N_CODES <= 8, "side bits are kept in one byte a cell"


#: a cell's side as a nibble of 16 bits (side 1 the lowest): one sum over the eight neighbours
#: then counts every side's neighbours at once (at most 8 a side, so the nibbles never carry)
SIDE_NIBBLE = np.array([0] + [1 << 4 * (code - 1) for code in range(1, N_CODES)], dtype=np.uint16)
ONES, EIGHTS = np.uint16(0x1111), np.uint16(0x8888)
assert N_CODES <= 5, "four sides' neighbour counts are kept in one 16-bit word a cell"
OFFSETS = ((-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1))


def neighbour_sums(values: np.ndarray) -> np.ndarray:
    """For each cell, the sum of ``values`` over its eight neighbours (nothing beyond the edges).

    The map is laid out flat with a border of zeros, so that each neighbour is one contiguous shifted
    slice (faster than adding 2-D slices)."""
    nx, ny = values.shape
    width = ny + 2
    padded = np.zeros((nx + 2) * width + 2, dtype=values.dtype)  # one spare entry at each end
    padded[1 : 1 + (nx + 2) * width].reshape(nx + 2, width)[1:-1, 1:-1] = values
    start, size = 1 + width, nx * width  # rows 1..nx of the bordered map, border columns included
    sums = padded[start - width - 1 : start - width - 1 + size] + padded[start - width : start - width + size]
    for shift in (-width + 1, -1, 1, width - 1, width, width + 1):
        sums += padded[start + shift : start + shift + size]
    return sums.reshape(nx, width)[:, 1:-1]


def encirclement_candidates(control: np.ndarray, free: np.ndarray) -> np.ndarray:
    """Free cells (flat) with ENCIRCLED or more neighbours of one side other than their own."""
    mine = SIDE_NIBBLE.take(control)
    others = neighbour_sums(mine) & ~(mine * np.uint16(0xF))  # a cell's own side's nibble cleared
    return np.flatnonzero((((others + ONES) & EIGHTS) != 0) & free)  # a nibble of 7 or 8 reaches bit 3


def neighbours_held(flat: np.ndarray, shape: tuple[int, int], cell: int, code: int) -> int:
    """How many of a cell's eight neighbours ``code`` holds (``flat``: the control layer, flat)."""
    nx, ny = shape
    x, y = divmod(cell, ny)
    return sum(1 for dx, dy in OFFSETS if 0 <= x + dx < nx and 0 <= y + dy < ny and flat[cell + dx * ny + dy] == code)


def close_pockets(control: np.ndarray, free: np.ndarray, hostile: np.ndarray) -> int:
    """Step 3: free cells with ENCIRCLED or more neighbours held by one side go to it if it may take
    them; return how many changed hands.

    Every side's neighbours are counted on the control layer as it stood before any cell is taken,
    so the outcome does not depend on the order of the sides (at most one side can hold seven of a
    cell's eight neighbours). Only the few candidates of a whole-map count are looked at."""
    candidates = encirclement_candidates(control, free)
    if not candidates.size:
        return 0
    flat = control.reshape(-1)
    before = flat.copy()
    changed = 0
    for cell in candidates.tolist():
        for code in range(1, N_CODES):
            if before[cell] != code and neighbours_held(before, control.shape, cell, code) >= ENCIRCLED:
                if may_take(before[cell], code, hostile):
                    flat[cell] = code
                    changed += 1
                break
    return changed


def may_take(current: np.ndarray, side: int, hostile: np.ndarray) -> np.ndarray:
    """Cells whose current controller ``side`` may take: none, itself, or a side hostile to it."""
    return (current == 0) | (current == side) | hostile[side][current]


def presence_and_zones(shape, xs, ys, codes, river_side, land, radius: int,
                       footprints: dict | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Where each side has units and where its zones of control reach, as one byte a flat cell with
    bit ``code`` set for each side there: zones stop at the river and cover land only.

    ``footprints`` (cell -> the cells its zone covers) may be kept between calls on the same map and
    radius: units stand on few cells, so their zones are mostly computed once."""
    cells_of: dict[int, set[int]] = {}
    flats = np.asarray(xs, dtype=np.int64) * shape[1] + np.asarray(ys, dtype=np.int64)
    for cell, code in zip(flats.tolist(), np.asarray(codes).tolist(), strict=True):
        cells_of.setdefault(code, set()).add(cell)
    return side_bits(shape, cells_of, river_side, land, radius, footprints)


def side_bits(shape, cells_of: dict, river_side, land, radius: int, footprints: dict | None = None,
              last: dict | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``presence_and_zones`` from the cells each side's units stand on (side code -> cells).

    ``last`` (side code -> its cells and zone last time) may be kept between calls like ``footprints``:
    a side whose units stand where they stood is not worked out again."""
    nx, ny = shape
    presence = np.zeros(nx * ny, dtype=np.uint8)
    zones = np.zeros(nx * ny, dtype=np.uint8)
    footprints = {} if footprints is None else footprints
    last = {} if last is None else last
    for code, cells in cells_of.items():
        if not cells:
            continue
        bit = np.uint8(1 << code)
        standing = frozenset(cells)
        kept = last.get(code)
        if kept is None or kept[0] != standing:
            reach = []
            for cell in standing:
                footprint = footprints.get(cell)
                if footprint is None:
                    footprint = footprints[cell] = zone_footprint(cell, shape, river_side, land, radius)
                reach.append(footprint)
            kept = last[code] = (standing, np.array(sorted(standing)), np.concatenate(reach))
        presence[kept[1]] |= bit
        zones[kept[2]] |= bit
    return presence, zones


def zone_footprint(cell: int, shape, river_side, land, radius: int) -> np.ndarray:
    """The flat cells a unit's zone covers from ``cell``: land within ``radius`` cells (a square), on
    the unit's side of the Euphrates (any side for a unit on neither bank)."""
    nx, ny = shape
    x, y = divmod(cell, ny)
    x0, x1, y0, y1 = max(x - radius, 0), min(x + radius + 1, nx), max(y - radius, 0), min(y + radius + 1, ny)
    keep = land[x0:x1, y0:y1].copy()
    bank = river_side[x, y]
    if bank:
        keep &= river_side[x0:x1, y0:y1] == bank
    zx, zy = np.nonzero(keep)
    return (zx + x0) * ny + (zy + y0)


def update_control(control: np.ndarray, presence: np.ndarray, zones: np.ndarray, land: np.ndarray,
                   hostile: np.ndarray, encircle: bool = True) -> int:
    """Apply the steps to ``control`` in place; return how many cells changed hands.

    ``presence`` and ``zones`` are side bits a cell (``presence_and_zones``). A column's march is not
    territory: cells it passed through stay as they were (step 4 clears them later if they lie in
    its side's rear)."""
    flat = control.ravel()
    land_flat = land.ravel()
    occupied = np.flatnonzero(presence != 0)  # 4x faster than on the bytes themselves
    held_by = SINGLE_SIDE[presence[occupied]]
    in_zones = np.flatnonzero(zones != 0)
    zoned_by = SINGLE_SIDE[zones[in_zones]]
    zoned_by[presence[in_zones] != 0] = 0  # zones count on cells without units only
    held, zoned = held_by != 0, zoned_by != 0
    open_to = takeable_table(hostile)
    changed = 0
    for cells, side in ((occupied[held], held_by[held]), (in_zones[zoned], zoned_by[zoned])):
        if cells.size:
            current = flat[cells]
            takeable = open_to[side, current] & land_flat[cells]
            changed += int(np.count_nonzero(takeable & (current != side)))
            flat[cells[takeable]] = side[takeable]
    if encircle:
        free_flat = land_flat.copy()
        free_flat[in_zones] = False
        free_flat[occupied] = False
        changed += close_pockets(control, free_flat.reshape(control.shape), hostile)
    return changed


def takeable_table(hostile: np.ndarray) -> np.ndarray:
    """By taker and current controller: whether the taker may take the cell (from no one, itself, or
    a side hostile to it)."""
    open_to = hostile.copy()
    open_to[:, 0] = True
    np.fill_diagonal(open_to, True)
    return open_to


def sweep_and_lapse(control: np.ndarray, reach: np.ndarray, land: np.ndarray, hostile: np.ndarray,
                    unswept: np.ndarray, alone: np.ndarray, days: int, clearing_days: int, lapse_days: int,
                    lapsing: np.ndarray) -> int:
    """Step 4, ground held, cleared and lost, over ``days`` days since it last ran; return how many
    cells changed hands.

    ``reach`` has bit ``code`` set where a side's units can reach (``reach_km`` on their bank).
    ``unswept`` counts the days a held cell of ``lapsing`` ground (the desert) has lain beyond its
    holder's reach: at ``lapse_days`` it is no one's. Towns and the farmed valley stay with their
    holder until another side sweeps them: their councils, police and checkpoints (not modelled as
    units) hold them. ``alone`` counts the days a cell has lain within the reach of one side only, a side
    that does not hold it and may take it: at ``clearing_days`` that side has swept it and holds it."""
    return _sweep_and_lapse_cells(control.reshape(-1), reach.reshape(-1), land.reshape(-1), takeable_table(hostile),
                                  unswept, alone, days, clearing_days, lapse_days, lapsing.reshape(-1), SINGLE_SIDE)


@njit(cache=True)
def _sweep_and_lapse_cells(flat, reach, land, takeable, unswept, alone, days, clearing_days, lapse_days, lapsing,
                           single_side):  # pragma: no cover (compiled)
    """``sweep_and_lapse`` cell by cell, compiled (each cell's figures depend on that cell only)."""
    changed = 0
    for cell in range(flat.size):
        holder = flat[cell]
        if holder == 0 or (reach[cell] >> holder) & 1:
            unswept[cell] = 0
        else:
            unswept[cell] += days
        sole = single_side[reach[cell]]
        if sole != 0 and sole != holder and land[cell] and takeable[sole, holder]:
            alone[cell] += days
        else:
            alone[cell] = 0
        if alone[cell] >= clearing_days:  # swept: the side whose reach alone it lies in holds it
            flat[cell] = sole
            alone[cell] = 0
            unswept[cell] = 0
            changed += 1
        if unswept[cell] >= lapse_days and flat[cell] != 0 and lapsing[cell]:  # lapsed: no one's
            flat[cell] = 0
            unswept[cell] = 0
            changed += 1
    return changed
