"""One unit's walk of the day on its objective's distance field, compiled (numba, cached on disk).

This is the inner loop of ``sim.march.advance`` (whose docstring and the module's say what a march
is); it reads the map and the units' places as arrays and changes nothing but the mines it clears,
so the unit's move itself (and everything the model keeps in step with it) stays in Python.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def walk(distance, neighbours, lengths, entry_cost, control, near_enemy, entered, occupancy, hostile, blocked,
         screened, river_side, stacked, fortification, mined, start, credit, speed, room, attacking,
         clearing_days, mine_days, clears_mines, deploy_km, unreachable):  # pragma: no cover (compiled)
    """Walk from ``start`` with ``credit`` km of march; returns (the cell it ends on, the credit left,
    the enemy cell it attacks or -1, whether a cell its side may not enter barred its way, the first
    cell full of its own side it had to pass or -1).

    ``near_enemy``/``entered``: cells near hostile units as the march began, cells units entered
    since (filters: contact is checked on ``occupancy``, the live units of each side per cell, of the
    ``hostile`` sides); ``room``: the stacking limit less the unit's fighters; ``stacked``: its side's
    fighters per cell; ``screened``: enemy cells its side bypasses."""
    initial = credit
    here = settled = start
    jammed = -1
    contact = -1
    stale = False
    order = np.empty(8, dtype=np.int64)
    keys = np.empty(8, dtype=np.float64)
    reached = True
    while distance[here] > 0:
        if attacking and near_enemy[here]:
            enemy = _nearest_enemy(neighbours[here], distance, occupancy, hostile, here, river_side, screened)
            if enemy >= 0:
                if here == settled:
                    contact = enemy
                credit = 0.0
                reached = False
                break
        count = _ways(neighbours[here], entry_cost, lengths, distance, order, keys)
        best, best_k, through, through_k = -1, 0, -1, 0
        for i in range(count):  # the cheapest way on its side may enter (targets it may always enter) with room
            k = order[i]
            cell = neighbours[here, k]
            if blocked[cell] and distance[cell] > 0:
                continue
            if distance[cell] >= distance[here] or distance[cell] >= unreachable:
                continue  # no nearer the objective
            if not attacking and (near_enemy[cell] or entered[cell]) and _hostile_at(occupancy, hostile, cell):
                continue  # a withdrawal goes round the enemy
            if stacked[cell] > room and stacked[cell] != 0:  # full of its own side: the next-best way
                if through < 0:
                    through, through_k = cell, k
                continue
            best, best_k = cell, k
            break
        if best < 0 and through >= 0:
            if here == settled and distance[here] <= deploy_km:  # at its objective, all ahead full: deployed
                credit = 0.0
                reached = False
                break
            best, best_k = through, through_k  # through its own side's full cell, if it can get beyond
            if jammed < 0:
                jammed = through
        if best < 0:
            for k in range(8):
                cell = neighbours[here, k]
                if cell >= 0 and blocked[cell]:
                    stale = True  # barred: the way is to be planned again
            credit = 0.0
            reached = False
            break
        if (near_enemy[best] or entered[best]) and _hostile_at(occupancy, hostile, best):  # an enemy there
            if attacking and here == settled:
                contact = best
            credit = 0.0
            reached = False
            break
        cost = entry_cost[best] * lengths[best_k]
        if hostile[control[best]]:
            cost += clearing_days * speed * (1.0 + fortification[best])
        cleared = mined[best] and clears_mines
        if cleared:
            cost += mine_days * speed
        if credit < cost:
            reached = False
            break
        credit -= cost
        if cleared:
            mined[best] = False  # cleared, at a cost
        here = best
        if not (stacked[here] > room and stacked[here] != 0):
            settled = here
    if reached:
        credit = 0.0
    if settled != here:  # it ends the day where it last found room: the rest of the way was full
        credit = initial if settled == start else 0.0  # (where it got nowhere, it may go again once others moved)
    return settled, credit, contact, stale, jammed


@njit(cache=True, inline="always")
def _hostile_at(occupancy, hostile, cell):  # pragma: no cover (compiled)
    for side in range(hostile.size):  # noqa: SIM110 (a loop numba compiles; any() of a generator it does not)
        if hostile[side] and occupancy[side, cell] > 0:
            return True
    return False


@njit(cache=True, inline="always")
def _ways(cells, entry_cost, lengths, distance, order, keys):  # pragma: no cover (compiled)
    """The neighbours' directions in the order a unit would take them: by the cost of entering plus the
    distance left beyond, the first direction first among equals (into ``order``; returns how many)."""
    count = 0
    for k in range(8):
        cell = cells[k]
        if cell < 0:
            continue
        key = entry_cost[cell] * lengths[k] + distance[cell]
        at = count
        while at > 0 and keys[at - 1] > key:  # an insertion sort, stable: equal keys keep direction order
            keys[at], order[at] = keys[at - 1], order[at - 1]
            at -= 1
        keys[at], order[at] = key, k
        count += 1
    return count


@njit(cache=True, inline="always")
def _nearest_enemy(cells, distance, occupancy, hostile, here, river_side, screened):  # pragma: no cover (compiled)
    """Of the neighbouring cells holding hostile units that bar the way (nearer the objective, or on
    this side of the river; not a cell its side bypasses), the one nearest the objective (-1: none)."""
    best, best_distance = -1, np.inf
    for k in range(8):
        cell = cells[k]
        if cell < 0 or not (distance[cell] < distance[here] or river_side[cell] == river_side[here]):
            continue
        if screened[cell]:
            continue
        if distance[cell] < best_distance and _hostile_at(occupancy, hostile, cell):
            best, best_distance = cell, distance[cell]
    return best
