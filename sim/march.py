"""The day's movement: each marching unit walks downhill on its objective's distance field.

A unit spends its daily march (km, by kind) on the cells it enters, each time the cheapest of the
neighbouring cells that bring it nearer its objective and that it may enter with room for it
(stacking: a cell holds at most the stacking limit of one side's fighters). Congestion is a cost,
not a wall: where the cheapest way on is full of its own side it takes the next-best way, and
units that found every way on full go again after the others moved, so a queue moves up as its
head moves. It stops when it reaches a target; when it stands next to units of a side hostile to
it in attack posture (contact: an attacking unit does not slip past an enemy; it attacks the enemy
cell nearest its objective, provided that cell lies on its way, nearer the objective, or on its
own side of the river: no unit is drawn across the river by an enemy it only happens to face); a
unit that only moves (a withdrawal) stops at an enemy in the cell it would enter, not beside it;
when no way on is open to its side (held by a side at non-aggression, R1; beyond the SDF's stop
line, R7); when every way on is full and it is within its reach (``reach_km``) of
its objective (it deploys where it stands) or else waits (counted as queued; after
``queue_patience_days`` of it its commander holds it back as a reserve, sending it to other
objectives, or to this one again once that time is up); or when its march is spent. Entering an
empty cell held by an enemy costs ``clearing_days`` of march on top (mines, booby traps), and a
cell ISIS withdrew from ``isis_mine_days`` more, once (R12). A column's march is not territory
(sim/control.py).
"""

from __future__ import annotations

import numpy as np

from sim.agents import ATTACK, DEFEND, MOVE, Unit
from sim.codes import side_code
from sim.movement import UNREACHABLE

ISIS = side_code("isis")
MAX_PASSES = 4  # passes of the units that waited behind their own side (a computational bound)


def march(model) -> None:
    """Move every marching unit, in a random order (each unit's uniform draw of the day); units that
    found their way full of their own side go again, in the same order, while any of them gets on
    (a queue moves up as its head moves: congestion costs time, it is not a wall)."""
    units = [u for u in model.units if u.posture in (ATTACK, MOVE) and u.objective is not None]
    if not units:
        return
    day = Day(model, enemy_neighbourhoods(model))
    order = model.draws.uniforms("movement", model.day, max(u.unique_id for u in units) + 1)
    arrived = [u for u in units if u.objective.distance[u.flat] == 0]  # at a target: nothing to walk
    for unit in arrived:
        unit.contact, unit.march_credit = None, 0.0
    units = [u for u in units if u.objective.distance[u.flat] != 0]
    waiting = [u for u in sorted(units, key=lambda u: order[u.unique_id]) if advance(u, day, *day.side(u.code), True)]
    for _ in range(MAX_PASSES):
        if not waiting:
            break
        moved = {u: u.flat for u in waiting}
        day.waiting.clear()
        waiting = [u for u in waiting if advance(u, day, *day.side(u.code), False)]
        if all(u.flat == moved[u] for u in waiting) and len(waiting) == len(moved):
            break
    for unit in units:
        unit.queued_days = unit.queued_days + 1 if unit in waiting else 0
    for unit in waiting:
        unit.march_credit = 0.0
    if day.waiting:
        recorder = model.recorder
        recorder.queued[model.day] = max(day.waiting.values())
        recorder.longest_wait = max(recorder.longest_wait, max(u.queued_days for u in waiting))
    patience = model.params.queue_patience_days
    for unit in waiting:
        if unit.queued_days >= patience:  # it cannot get into action: its commander holds it back
            unit.held_back = (unit.objective.key, model.day + patience)
            unit.posture, unit.objective, unit.queued_days = DEFEND, None, 0


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
        self.stack_limit = model.stack_limit
        self.max_entry_cost = model.max_entry_cost
        self.deploy_km = model.params.reach_km  # near enough its objective to deploy where it stands
        self.mined = model.mined
        self.mine_days = model.params.isis_mine_days
        self.mine_clearers = set(model.hostile_code_lists[ISIS])  # ISIS's enemies pay for its mines
        self._sides: dict[int, tuple] = {}
        self.waiting: dict[tuple[int, int], int] = {}  # (side, full cell) -> units of the side that waited behind it
        self.entered: set[int] = set()  # cells units moved into during this march (a filter for enemies arrived)

    def side(self, code: int) -> tuple:
        """A side's cells it may not enter (bytes), cells near its enemies, its hostile sides, the
        enemy cells it bypasses, its hostile sides' live cell indexes, and its fighters per cell."""
        view = self._sides.get(code)
        if view is None:
            model = self.model
            hostile = model.hostile_code_lists[code]
            view = self._sides[code] = (model.blocked[code].tobytes(), self.near_enemy[code], hostile,
                                        model.bypassed.get(code, {}),
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


def advance(unit: Unit, day: Day, blocked: bytes, near_enemy: set, hostile: list, screened: dict,
            hostile_at: list, stacked: np.ndarray, fresh: bool) -> bool:
    """The unit's march of the day (see the module's docstring); ``hostile_at`` is live: cell ->
    units of each hostile side, as units move during this march. ``fresh``: its first go of the day
    (it gains its day's march); later goes spend what it kept. Returns whether it could not get on
    for cells full of its own side (it keeps its march for another go)."""
    distance = memoryview(unit.objective.distance)  # cell by cell from Python: far faster than numpy indexing
    ways = unit.objective.ways
    neighbours = day.neighbours
    entry_cost = day.entry_cost
    control = day.control
    speed = unit.kind.speed_km_day
    credit = initial = unit.march_credit + speed if fresh else unit.march_credit
    if fresh:
        unit.contact = None
    limit = day.stack_limit - unit.strength
    code = unit.code
    entered = day.entered
    attacking = unit.posture == ATTACK  # a unit that only moves (withdraws) stops at an enemy in its way, not beside it
    here = start = settled = unit.flat  # settled: the farthest cell on its way with room for it
    jammed = -1  # the first full cell it had to pass through
    while distance[here] > 0:
        enemy = -1
        if attacking and here in near_enemy:
            enemy = nearest_enemy(neighbours[here], distance, hostile_at, here, day.river_side, screened)
        if enemy >= 0:
            if unit.posture == ATTACK and here == settled:
                unit.contact = enemy
            credit = 0.0
            break
        options = ways.get(here)
        if options is None:
            options = ways[here] = ways_from(neighbours[here], entry_cost, day.lengths, distance)
        best, best_k, through, through_k = -1, 0, -1, 0
        for cell, k in options:  # the cheapest way on its side may enter (targets it may always enter) with room
            if blocked[cell] and distance[cell] > 0:
                continue
            if distance[cell] >= distance[here] or distance[cell] >= UNREACHABLE:
                continue  # no nearer the objective
            if (not attacking and (cell in near_enemy or cell in entered)
                    and any(cell in units for units in hostile_at)):
                continue  # a withdrawal goes round the enemy
            if stacked[cell] > limit and stacked[cell]:  # full of its own side: the next-best way
                if through < 0:
                    through, through_k = cell, k
                continue
            best, best_k = cell, k
            break
        if best < 0 and through >= 0:
            if here == settled and distance[here] <= day.deploy_km:  # at its objective, all ahead full: deployed
                credit = 0.0
                break
            best, best_k = through, through_k  # through its own side's full cell, if it can get beyond
            if jammed < 0:
                jammed = through
        if best < 0:
            unit.objective.stale |= any(c >= 0 and blocked[c] for c in neighbours[here])  # barred: re-plan the way
            credit = 0.0
            break
        if (best in near_enemy or best in entered) and any(best in units for units in hostile_at):  # an enemy there
            if unit.posture == ATTACK and here == settled:
                unit.contact = best
            credit = 0.0
            break
        cost = entry_cost[best] * day.lengths[best_k]
        if control[best] in hostile:
            cost += day.clearing_days * speed * (1.0 + day.fortification[best])
        mined = day.mined[best] and code in day.mine_clearers
        if mined:
            cost += day.mine_days * speed
        if credit < cost:
            break
        credit -= cost
        if mined:
            day.mined[best] = False  # cleared, at a cost
        here = best
        if not (stacked[here] > limit and stacked[here]):
            settled = here
    else:
        credit = 0.0
    if settled != here:  # it ends the day where it last found room: the rest of the way was full
        credit = initial if settled == start else 0.0  # (where it got nowhere, it may go again once others moved)
    if settled != unit.flat:  # the day's march ends here: only now does the unit change cells
        if unit.posture == MOVE and code == ISIS:
            day.model.lay_mines(start)  # a withdrawal leaves mines and booby traps behind
        unit.place_at(settled)
        entered.add(settled)
    unit.march_credit = min(credit, speed + day.max_entry_cost)
    if settled == start and jammed >= 0 and distance[start] > 0:  # it got nowhere for its own side's crowd
        day.waiting[unit.code, jammed] = day.waiting.get((unit.code, jammed), 0) + 1
        return True
    return False


def ways_from(cells, entry_cost, lengths, distance) -> tuple[tuple[int, int], ...]:
    """The neighbours of a cell (cell, direction) in the order a unit would take them: by the cost of
    entering plus the distance left beyond, the first direction first among equals."""
    totals = [(entry_cost[cell] * lengths[k] + distance[cell], k, cell) for k, cell in enumerate(cells) if cell >= 0]
    return tuple((cell, k) for _, k, cell in sorted(totals))


def nearest_enemy(cells, distance, hostile_at, here, river_side, screened=()) -> int:
    """Of the neighbouring cells holding hostile units that bar the way (nearer the objective, or on
    this side of the river; not a cell its side bypasses, ``screened``), the one nearest the
    objective (-1: none)."""
    best, best_distance = -1, float("inf")
    for cell in cells:
        if cell < 0 or not (distance[cell] < distance[here] or river_side[cell] == river_side[here]):
            continue
        if cell in screened:
            continue
        if distance[cell] < best_distance and any(cell in units for units in hostile_at):
            best, best_distance = cell, distance[cell]
    return best
