"""No deadlock: no side keeps more than half its units idle for long while an enemy it may fight is
within reach (issue 16).

A unit is idle on a day when it has no task (its commander gave it no objective: nothing it may
reach is wanted) and it neither moved nor fought. Units with a task that wait (queued behind a
full cell, short of the odds) are the operational layer's business, not a switch's. An enemy it may fight is a unit of a
side hostile to it standing in the valley or a town (the campaign's ground, not the empty Badia),
joined to the idle unit by land its rules let it cross, whoever holds that land: the Euphrates
line while the regime and the SDF are at non-aggression (R1), the SDF's stop line in phase 1
(R7), the city's surroundings for a regime that does not race east (R2 off), and al-Tanf's
raiding reach for factions that refuse joint action (R9). A side whose plan is to wait is not
deadlocked: ISIS holds its towns by doctrine (R12) and is not measured, nor is the SDF during a
pause. Ground held by a side's partner does not count as a barrier: that is the deadlock sought.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import ndimage

from sim.codes import Terrain, side_code
from sim.rules import deconfliction, sdf
from sim.rules.opposition import RAID_REACH_KM

MEASURED = ("regime", "sdf", "opposition")
EIGHT = np.ones((3, 3), dtype=bool)


@dataclass
class IdleRecord:
    """Per measured side, the days on which more than half its units were idle with an enemy in reach."""

    days: dict[str, list[int]] = field(default_factory=lambda: {side: [] for side in MEASURED})

    def longest_spell(self, side: str) -> int:
        """The longest run of consecutive such days."""
        longest = run = 0
        previous = None
        for day in self.days[side]:
            run = run + 1 if previous is not None and day == previous + 1 else 1
            longest = max(longest, run)
            previous = day
        return longest


def run_and_watch(model) -> IdleRecord:
    """Run ``model`` to its end, noting each day which sides keep most of their units idle while an
    enemy they may fight is within reach."""
    record = IdleRecord()
    where = {unit.unique_id: unit.flat for unit in model.units}
    while model.running:
        model.step()
        idle: dict[int, list[int]] = {}
        for unit in model.units:
            if unit.objective is None and where.get(unit.unique_id) == unit.flat and unit.engaged_on != model.day:
                idle.setdefault(unit.code, []).append(unit.flat)
        counts = np.bincount([u.code for u in model.units], minlength=len(MEASURED) + 2)
        for side in MEASURED:
            code = side_code(side)
            cells = idle.get(code, [])
            if len(cells) * 2 > counts[code] and waiting_with_enemy_in_reach(model, code, cells):
                record.days[side].append(model.day)
        where = {unit.unique_id: unit.flat for unit in model.units}
    return record


def waiting_with_enemy_in_reach(model, code: int, idle_cells: list[int]) -> bool:
    """Whether an enemy unit in the valley shares a piece of reachable land with any of ``idle_cells``."""
    if code == side_code("sdf") and model.sdf_paused:
        return False
    enemy = model.cells_with_units(model.hostile_code_lists[code])
    enemy = enemy[np.isin(model.terrain_flat[enemy], (Terrain.VALLEY, Terrain.URBAN))] if enemy.size else enemy
    if not enemy.size:
        return False
    land = model.network.passable & ~out_of_bounds(model, code)
    pieces = ndimage.label(land.reshape(model.nx, model.ny), structure=EIGHT)[0].ravel()
    mine = set(pieces[idle_cells].tolist()) - {0}
    return not mine.isdisjoint(pieces[enemy].tolist())


def out_of_bounds(model, code: int) -> np.ndarray:
    """The cells a side's rules keep it out of, whoever holds them (flat)."""
    limits = np.zeros(model.nx * model.ny, dtype=bool)
    regime_code, sdf_code, opposition_code = (side_code(s) for s in MEASURED)
    if model.relations.non_aggression[regime_code, sdf_code] and code in (regime_code, sdf_code):
        across = deconfliction.across_the_line(model.river_side_flat,
                                               model.km_from_places(deconfliction.POCKET_PLACES),
                                               model.params.city_left_bank_km)
        limits |= across["regime" if code == regime_code else "sdf"]
    if code == regime_code and not model.rules.on("R2"):
        limits |= model.km_from_places(("deir_ez_zor",)) > model.params.city_rear_km
    if code == sdf_code and model.rules.on("R7") and not sdf.in_phase_two(model):
        limits |= sdf.beyond_stop_line(model.layers)
    if code == opposition_code and not model.relations.allied[opposition_code, sdf_code]:
        limits |= model.km_from_places(("tanf",)) > RAID_REACH_KM
    return limits
