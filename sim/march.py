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
from sim.march_walk import walk
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
    day = Day(model)
    order = model.draws.uniforms("movement", model.day, max(u.unique_id for u in units) + 1).tolist()
    arrived = [u for u in units if u.objective.distance[u.flat] == 0]  # at a target: nothing to walk
    for unit in arrived:
        unit.contact, unit.march_credit = None, 0.0
    units = [u for u in units if u.objective.distance[u.flat] != 0]
    waiting = [u for u in sorted(units, key=lambda u: order[u.unique_id]) if advance(u, day, True)]
    for _ in range(MAX_PASSES):
        if not waiting:
            break
        moved = {u: u.flat for u in waiting}
        day.waiting.clear()
        waiting = [u for u in waiting if advance(u, day, False)]
        if all(u.flat == moved[u] for u in waiting) and len(waiting) == len(moved):
            break
    still_waiting = set(waiting)
    for unit in units:
        unit.queued_days = unit.queued_days + 1 if unit in still_waiting else 0
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
    """What a march reads: the map as arrays, and each side's view of it (made once a day, the first
    time a unit of the side marches), in the order ``walk`` takes them."""

    def __init__(self, model):
        self.model = model
        network = model.network
        self.ground = (network.neighbours, network.step_length, network.entry_cost, model.control_flat)
        self.stack_limit = model.stack_limit
        self.max_entry_cost = model.max_entry_cost
        self.mine_clearers = set(model.hostile_code_lists[ISIS])  # ISIS's enemies pay for its mines
        self.occupancy = model.occupancy  # live: units of each side per cell, as units move during the march
        self._around = enemy_neighbourhoods(model)
        self._sides: dict[int, tuple[tuple, tuple]] = {}
        self.waiting: dict[tuple[int, int], int] = {}  # (side, full cell) -> units of the side that waited behind it
        self.entered = np.zeros(model.control_flat.size, dtype=bool)  # cells units moved into during this march
        self._nothing = np.zeros(model.control_flat.size, dtype=bool)  # (read only: no cell screened)

    def side(self, code: int) -> tuple[tuple, tuple]:
        """A side's view, as ``walk`` takes it: the cells near its enemies as the march begins, the cells
        entered, the units per cell, its hostile sides (a mask by code), the cells it may not enter, the
        enemy cells it bypasses, the banks, its fighters per cell, the defences and mines; and after the
        unit's own figures, the march's costs and whether the side pays for ISIS's mines."""
        view = self._sides.get(code)
        if view is None:
            model = self.model
            params = model.params
            hostile_codes = model.hostile_code_lists[code]
            if len(hostile_codes) == 1:
                near_enemy = self._around[hostile_codes[0]]  # (read only)
            else:
                near_enemy = np.zeros(self.entered.size, dtype=bool)
                for hostile in hostile_codes:
                    near_enemy |= self._around[hostile]
            screened = self._nothing
            if model.bypassed.get(code):
                screened = np.zeros(self.entered.size, dtype=bool)
                screened[list(model.bypassed[code])] = True
            view = self._sides[code] = (
                (near_enemy, self.entered, self.occupancy, model.relations.hostile[code], model.blocked[code],
                 screened, model.river_side_flat, model.stacked[code], model.fortification_flat, model.mined),
                (params.clearing_days, params.isis_mine_days, code in self.mine_clearers,
                 params.reach_km, UNREACHABLE))  # reach_km: near enough its objective to deploy where it stands
        return view


def enemy_neighbourhoods(model) -> list[np.ndarray]:
    """For each side, the cells holding or touching its units as the march begins (a filter for the
    sides hostile to it: contact itself is checked against where units stand at that moment)."""
    neighbours = model.network.neighbours
    size = neighbours.shape[0]
    around = [np.zeros(size, dtype=bool)]  # (code 0: no one's units)
    for code in range(1, len(model.hostile_code_lists)):
        near = np.zeros(size + 1, dtype=bool)  # one more: the slot a missing neighbour (-1) marks
        cells = np.fromiter(model.unit_cells(code), dtype=np.int64)
        near[neighbours[cells]] = True
        near[cells] = True
        around.append(near[:size])
    return around


def advance(unit: Unit, day: Day, fresh: bool) -> bool:
    """The unit's march of the day (see the module's docstring; the walk itself is compiled, in
    ``sim.march_walk``). ``fresh``: its first go of the day (it gains its day's march); later goes
    spend what it kept. Returns whether it could not get on for cells full of its own side (it keeps
    its march for another go)."""
    distance = unit.objective.distance
    speed = unit.kind.speed_km_day
    credit = unit.march_credit + speed if fresh else unit.march_credit
    if fresh:
        unit.contact = None
    code = unit.code
    start = unit.flat
    view, costs = day.side(code)
    settled, credit, contact, stale, jammed = walk(
        distance, *day.ground, *view, start, credit, speed, day.stack_limit - unit.strength, unit.posture == ATTACK,
        *costs)
    if contact >= 0:
        unit.contact = contact
    if stale:
        unit.objective.stale = True
    if settled != start:  # the day's march ends here: only now does the unit change cells
        if unit.posture == MOVE and code == ISIS:
            day.model.lay_mines(start)  # a withdrawal leaves mines and booby traps behind
        unit.place_at(settled)
        day.entered[settled] = True
    unit.march_credit = min(credit, speed + day.max_entry_cost)
    if settled == start and jammed >= 0 and distance[start] > 0:  # it got nowhere for its own side's crowd
        day.waiting[code, jammed] = day.waiting.get((code, jammed), 0) + 1
        return True
    return False
