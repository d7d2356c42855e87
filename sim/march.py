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

from sim.agents import ATTACK, MOVE, Unit
from sim.movement import UNREACHABLE


def march(model) -> None:
    """Move every marching unit, in a random order (each unit's uniform draw of the day)."""
    units = [u for u in model.units if u.posture in (ATTACK, MOVE) and u.objective is not None]
    model.trails = []
    if not units:
        return
    near_enemy = enemy_neighbourhoods(model)
    blocked = [b.tobytes() if b is not None else None for b in model.blocked]  # bytes: fast to index in Python
    day = Day(model.control_flat.tobytes(), blocked, near_enemy)
    order = model.draws.uniforms("movement", model.day, max(u.unique_id for u in units) + 1)
    for unit in sorted(units, key=lambda u: order[u.unique_id]):
        advance(model, unit, day)


class Day:
    """What a march reads and does not change, as bytes for fast lookups in the per-step loop."""

    __slots__ = ("blocked", "control", "near_enemy")

    def __init__(self, control: bytes, blocked: list, near_enemy: list):
        self.control, self.blocked, self.near_enemy = control, blocked, near_enemy


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


def advance(model, unit: Unit, day: Day) -> None:
    distance = memoryview(unit.objective.distance)  # cell by cell from Python: far faster than numpy indexing
    ways = unit.objective.ways
    network = model.network
    neighbours = model.neighbour_lists
    lengths = network.step_length_list
    entry_cost = model.entry_cost_list
    blocked = day.blocked[unit.code]
    near_enemy = day.near_enemy[unit.code]
    hostile = model.hostile_code_lists[unit.code]
    hostile_at = [model.units_by_cell[h] for h in hostile]  # live: cell -> units, as units move this march
    control = day.control
    clearing = model.params.clearing_days * unit.speed_km
    fortification = model.fortification_flat
    river_side = model.river_side_bytes
    trail = model.trails
    stacked = model.stacked[unit.code]
    stack_limit = model.stack_limit
    credit = unit.march_credit + unit.speed_km
    unit.contact = None
    here = unit.flat
    while distance[here] > 0:
        enemy = -1
        if here in near_enemy:
            enemy = nearest_enemy(neighbours[here], distance, hostile_at, here, river_side)
        if enemy >= 0:
            if unit.posture == ATTACK:
                unit.contact = enemy
            credit = 0.0
            break
        options = ways.get(here)
        if options is None:
            options = ways[here] = ways_from(neighbours[here], entry_cost, lengths, distance)
        best, best_k = -1, 0
        for cell, k in options:  # the cheapest its side may enter (targets it may always enter)
            if not (blocked[cell] and distance[cell] > 0):
                best, best_k = cell, k
                break
        if best < 0 or distance[best] >= min(distance[here], UNREACHABLE):
            unit.objective.stale |= any(c >= 0 and blocked[c] for c in neighbours[here])  # barred: re-plan the way
            credit = 0.0
            break
        if any(best in units for units in hostile_at):  # an enemy arrived there during this march
            if unit.posture == ATTACK:
                unit.contact = best
            credit = 0.0
            break
        if stacked[best] and stacked[best] + unit.strength > stack_limit:  # full of its own side: wait behind
            credit = 0.0
            break
        cost = entry_cost[best] * lengths[best_k]
        if control[best] in hostile:
            cost += clearing * (1.0 + fortification[best])
        if credit < cost:
            break
        credit -= cost
        trail.append((best, unit.code))
        here = best
    else:
        credit = 0.0
    if here != unit.flat:  # the day's march ends here: only now does the unit change cells
        unit.place_at(here)
    unit.march_credit = min(credit, unit.speed_km + model.max_entry_cost)


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
