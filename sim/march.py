"""The day's movement: each marching unit walks downhill on its objective's distance field.

A unit spends its daily march (km, by kind) on the cells it enters. It stops when it reaches a
target; when it stands next to units of a side hostile to it (contact: a unit does not slip past
an enemy; if its posture is attack it attacks the enemy cell nearest its objective, provided that
cell lies on its way, nearer the objective, or on its own side of the river: no unit is drawn
across the river by an enemy it only happens to face); when the next
cell is one its side may not enter (held by a side at non-aggression, R1; beyond the SDF's stop
line, R7) or already holds as many of its side's fighters as a cell can (stacking); or when its
march is spent. Entering an empty cell held by an enemy costs
``clearing_days`` of march on top (mines, booby traps).
"""

from __future__ import annotations

import numpy as np

from sim.agents import ATTACK, MOVE, Unit
from sim.movement import UNREACHABLE


def march(model) -> None:
    """Move every marching unit, in a random order (each unit's uniform draw of the day)."""
    units = [u for u in model.units if u.posture in (ATTACK, MOVE) and u.objective is not None]
    model.trails = []
    if not units:
        return
    day = Day(model, enemy_neighbourhoods(model))
    order = model.draws.uniforms("movement", model.day, max(u.unique_id for u in units) + 1)
    for unit in sorted(units, key=lambda u: order[u.unique_id]):
        advance(unit, day, *day.side(unit.code))
    if day.waiting:
        model.recorder.queued[model.day] = max(day.waiting.values())


class Day:
    """What a march reads: the map as Python-indexable bytes and lists, and each side's view of it
    (made once a day, the first time a unit of the side marches)."""

    def __init__(self, model, near_enemy: list):
        self.model = model
        self.control = model.control_flat.tobytes()
        self.near_enemy = near_enemy
        self.neighbours = model.neighbour_lists
        self.lengths = model.network.step_length_list
        self.entry_cost = model.entry_cost_list
        self.clearing_days = model.params.clearing_days
        self.fortification = model.fortification_flat
        self.river_side = model.river_side_bytes
        self.trail = model.trails
        self.stack_limit = model.stack_limit
        self.max_entry_cost = model.max_entry_cost
        self._sides: dict[int, tuple] = {}
        self.waiting: dict[tuple[int, int], int] = {}  # (side, full cell) -> units of the side that waited behind it

    def side(self, code: int) -> tuple:
        """A side's cells it may not enter (bytes), cells near its enemies, its hostile sides, their
        live cell indexes, and its fighters per cell."""
        view = self._sides.get(code)
        if view is None:
            model = self.model
            hostile = model.hostile_code_lists[code]
            view = self._sides[code] = (model.blocked[code].tobytes(), self.near_enemy[code], hostile,
                                        [model.units_by_cell[h] for h in hostile], model.stacked[code])
        return view


def enemy_neighbourhoods(model) -> list[set[int] | None]:
    """For each side, the cells holding or touching units hostile to it as the march begins (a
    filter: contact itself is checked against where units stand at that moment)."""
    neighbours = model.neighbour_lists
    around: list[set[int]] = [set() for _ in range(len(model.hostile_code_lists))]  # each side's units and neighbours
    for code, cells in enumerate(around):
        for cell in model.unit_cells(code):
            cells.add(cell)
            cells.update(neighbours[cell])
    result: list[set[int] | None] = [None]
    for code in range(1, len(model.hostile_code_lists)):
        result.append(set().union(*(around[h] for h in model.hostile_code_lists[code])))
    return result


def advance(unit: Unit, day: Day, blocked: bytes, near_enemy: set, hostile: list, hostile_at: list,
            stacked: np.ndarray) -> None:
    """The unit's march of the day (see the module's docstring); ``hostile_at`` is live: cell ->
    units of each hostile side, as units move during this march."""
    distance = memoryview(unit.objective.distance)  # cell by cell from Python: far faster than numpy indexing
    ways = unit.objective.ways
    neighbours = day.neighbours
    entry_cost = day.entry_cost
    control = day.control
    speed = unit.kind.speed_km_day
    credit = unit.march_credit + speed
    unit.contact = None
    here = unit.flat
    while distance[here] > 0:
        enemy = -1
        if here in near_enemy:
            enemy = nearest_enemy(neighbours[here], distance, hostile_at, here, day.river_side)
        if enemy >= 0:
            if unit.posture == ATTACK:
                unit.contact = enemy
            credit = 0.0
            break
        options = ways.get(here)
        if options is None:
            options = ways[here] = ways_from(neighbours[here], entry_cost, day.lengths, distance)
        best, best_k = -1, 0
        for cell, k in options:  # the cheapest its side may enter (targets it may always enter)
            if not (blocked[cell] and distance[cell] > 0):
                best, best_k = cell, k
                break
        if best < 0 or distance[best] >= distance[here] or distance[best] >= UNREACHABLE:
            unit.objective.stale |= any(c >= 0 and blocked[c] for c in neighbours[here])  # barred: re-plan the way
            credit = 0.0
            break
        if any(best in units for units in hostile_at):  # an enemy arrived there during this march
            if unit.posture == ATTACK:
                unit.contact = best
            credit = 0.0
            break
        fighters = stacked[best]
        if fighters and fighters + unit.strength > day.stack_limit:  # full of its own side: wait behind
            day.waiting[unit.code, best] = day.waiting.get((unit.code, best), 0) + 1
            credit = 0.0
            break
        cost = entry_cost[best] * day.lengths[best_k]
        if control[best] in hostile:
            cost += day.clearing_days * speed * (1.0 + day.fortification[best])
        if credit < cost:
            break
        credit -= cost
        day.trail.append((best, unit.code))
        here = best
    else:
        credit = 0.0
    if here != unit.flat:  # the day's march ends here: only now does the unit change cells
        unit.place_at(here)
    unit.march_credit = min(credit, speed + day.max_entry_cost)


def ways_from(cells, entry_cost, lengths, distance) -> tuple[tuple[int, int], ...]:
    """The neighbours of a cell (cell, direction) in the order a unit would take them: by the cost of
    entering plus the distance left beyond, the first direction first among equals."""
    totals = [(entry_cost[cell] * lengths[k] + distance[cell], k, cell) for k, cell in enumerate(cells) if cell >= 0]
    return tuple((cell, k) for _, k, cell in sorted(totals))


def nearest_enemy(cells, distance, hostile_at, here, river_side) -> int:
    """Of the neighbouring cells holding hostile units that bar the way (nearer the objective, or on
    this side of the river), the one nearest the objective (-1: none)."""
    best, best_distance = -1, float("inf")
    for cell in cells:
        if cell < 0 or not (distance[cell] < distance[here] or river_side[cell] == river_side[here]):
            continue
        if distance[cell] < best_distance and any(cell in units for units in hostile_at):
            best, best_distance = cell, distance[cell]
    return best
