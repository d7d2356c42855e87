"""Who controls each cell: a daily bulk update of the control layer from where the units stand.

Three steps, in this order, each over index arrays of the cells concerned (steps 1 and 2) or, for
step 3, one compiled pass over the free cells (numba, cached on disk; so are the zones' marking and
step 4):

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


def close_pockets(control: np.ndarray, free: np.ndarray, hostile: np.ndarray) -> int:
    """Step 3: free cells with ENCIRCLED or more neighbours held by one side go to it if it may take
    them; return how many changed hands.

    Every side's neighbours are counted on the control layer as it stood before any cell is taken,
    so the outcome does not depend on the order of the sides (at most one side can hold seven of a
    cell's eight neighbours)."""
    nx, ny = control.shape
    return _close_pockets_cells(control.reshape(-1), free.reshape(-1), takeable_table(hostile), nx, ny)


@njit(cache=True)
def _close_pockets_cells(flat, free, takeable, nx, ny):  # pragma: no cover (compiled)
    """``close_pockets`` cell by cell: a cell on the map's edge has five neighbours or fewer, and where
    seven of eight are one side's, one of the first two is."""
    before = flat.copy()
    changed = 0
    for x in range(1, nx - 1):
        for y in range(1, ny - 1):
            cell = x * ny + y
            if not free[cell]:
                continue
            own = before[cell]
            for first in (cell - ny - 1, cell - ny):
                code = before[first]
                if code == 0 or code == own:
                    continue
                count = 0
                for near in (cell - ny - 1, cell - ny, cell - ny + 1, cell - 1, cell + 1, cell + ny - 1, cell + ny,
                             cell + ny + 1):
                    if before[near] == code:
                        count += 1
                if count >= ENCIRCLED:
                    if takeable[code, own]:
                        flat[cell] = code
                        changed += 1
                    break
    return changed


def may_take(current: np.ndarray, side: int, hostile: np.ndarray) -> np.ndarray:
    """Cells whose current controller ``side`` may take: none, itself, or a side hostile to it."""
    return (current == 0) | (current == side) | hostile[side][current]


def presence_and_zones(shape, xs, ys, codes, river_side, land, radius: int) -> tuple[np.ndarray, np.ndarray]:
    """Where each side has units and where its zones of control reach, as one byte a flat cell with
    bit ``code`` set for each side there: zones stop at the river and cover land only."""
    cells_of: dict[int, set[int]] = {}
    flats = np.asarray(xs, dtype=np.int64) * shape[1] + np.asarray(ys, dtype=np.int64)
    for cell, code in zip(flats.tolist(), np.asarray(codes).tolist(), strict=True):
        cells_of.setdefault(code, set()).add(cell)
    return side_bits(shape, cells_of, river_side, land, radius)


def side_bits(shape, cells_of: dict, river_side, land, radius: int) -> tuple[np.ndarray, np.ndarray]:
    """``presence_and_zones`` from the cells each side's units stand on (side code -> cells); each
    zone is a unit's ``zone_footprint``, marked by a compiled pass over the squares around its cells."""
    nx, ny = shape
    presence = np.zeros(nx * ny, dtype=np.uint8)
    zones = np.zeros(nx * ny, dtype=np.uint8)
    river_side, land = river_side.reshape(-1), land.reshape(-1)
    for code, cells in cells_of.items():
        if cells:
            _mark_zones(presence, zones, np.fromiter(cells, np.int64, len(cells)), np.uint8(1 << code), nx, ny,
                        river_side, land, radius)
    return presence, zones


@njit(cache=True)
def _mark_zones(presence, zones, cells, bit, nx, ny, river_side, land, radius):  # pragma: no cover (compiled)
    for cell in cells:
        presence[cell] |= bit
        x, y = cell // ny, cell % ny
        bank = river_side[cell]
        for i in range(max(x - radius, 0), min(x + radius + 1, nx)):
            for j in range(max(y - radius, 0), min(y + radius + 1, ny)):
                near = i * ny + j
                if land[near] and (bank == 0 or river_side[near] == bank):
                    zones[near] |= bit


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
    land_flat = land.reshape(-1)
    changed = _hold_and_zone_cells(control.reshape(-1), presence, zones, land_flat, takeable_table(hostile),
                                   SINGLE_SIDE)
    if encircle:
        free = land_flat & (presence == 0) & (zones == 0)
        changed += close_pockets(control, free.reshape(control.shape), hostile)
    return changed


@njit(cache=True)
def _hold_and_zone_cells(flat, presence, zones, land, takeable, single_side):  # pragma: no cover (compiled)
    """Steps 1 and 2 cell by cell (each cell's change depends on that cell only): a cell with units
    of one side alone goes to it, a cell without units in the zone of one side alone goes to it."""
    changed = 0
    for cell in range(flat.size):
        bits = presence[cell] if presence[cell] != 0 else zones[cell]
        side = single_side[bits]
        if side != 0 and land[cell] and takeable[side, flat[cell]] and flat[cell] != side:
            flat[cell] = side
            changed += 1
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
