"""One commander per side: each day it turns the side's plan (its rules) into objectives and postures.

The shared method: objectives come in order of priority; each gets the nearest free units until
their combat power is ``commander_mass`` times the enemy's in its target cells, counting the enemy's
defence there (at least two units' worth, at most ``objective_max_share`` of the side's power), and
more for each siege of its cells that had to be lifted (sim/siege.py); units left over go to the
first objective, the main effort.
"""

from __future__ import annotations

import numpy as np

from sim import isis_strategy, siege
from sim.agents import ATTACK, DEFEND, MOVE, Commander, Unit
from sim.codes import Bank, side_code
from sim.movement import UNREACHABLE
from sim.rules import opposition as opposition_rules
from sim.rules import regime as regime_rules
from sim.rules import sdf as sdf_rules

GARRISONS = ("airport_garrison", "brigade_137")  # they hold the besieged pockets until the city is cleared
MOST_FAILED_SIEGES = 3  # more force after each lifted siege, up to this many times (a computational bound)


def assign_in_order(commander: Commander, units: list[Unit], objectives: list[tuple[str, np.ndarray]]) -> None:
    """Send ``units`` to ``objectives`` (key, target cells), most important first.

    Units are ranked by straight-line distance to an objective's targets; its distance field is
    computed only once units are sent to it (units that cannot reach it go back to the pool).
    """
    model = commander.model
    params = model.params
    screened = siege.bypassed_cells(model, commander.code)
    if screened:
        objectives = [(key, targets[~np.isin(targets, screened)]) for key, targets in objectives]
    live = [(key, targets) for key, targets in objectives if targets.size]
    if not live:
        for unit in units:
            unit.posture, unit.objective = DEFEND, None
        return
    free = list(units)
    power = {unit: unit.strength * unit.effectiveness for unit in units}
    total = sum(power[u] for u in units)
    to_main: dict[Unit, int] = {}  # each unit's straight-line distance to the main effort's targets
    for key, targets in live:
        need = max(params.commander_mass * model.hostile_power_in(commander.code, targets),
                   2 * model.typical_unit_size(commander.code))
        need *= 1 + min(siege.failed_sieges(model, commander.code, targets), MOST_FAILED_SIEGES)
        need = min(need, params.objective_max_share * total)
        free, apart = nearest_first(model, free, targets)
        if not to_main:
            to_main = dict(zip(free, apart, strict=True))
        chosen, sent, kept_back, farthest = [], 0.0, [], 0
        taken = 0  # units of ``free`` looked at, nearest first
        for unit, distance in zip(free, apart, strict=True):
            if sent >= need:
                break
            taken += 1
            if held_back_from(unit, key, model.day):  # it could not get into this one: a reserve, or elsewhere
                kept_back.append(unit)
                continue
            chosen.append(unit)
            farthest = distance
            sent += power[unit]
        free = kept_back + free[taken:]
        if chosen:
            objective = model.objective(commander.code, key, targets, [u.flat for u in chosen], farthest)
            for unit in chosen:
                if objective.distance[unit.flat] < UNREACHABLE:
                    unit.posture, unit.objective = ATTACK, objective
                else:
                    free.append(unit)
    for unit in [u for u in free if held_back_from(u, live[0][0], model.day)]:
        unit.posture, unit.objective = DEFEND, None  # held back from the main effort: in reserve where it stands
    free = [u for u in free if not held_back_from(u, live[0][0], model.day)]
    if free:
        main = model.objective(commander.code, live[0][0], live[0][1], [u.flat for u in free],
                               max(to_main[u] for u in free))
        for unit in free:
            reachable = main.distance[unit.flat] < UNREACHABLE
            unit.posture, unit.objective = (ATTACK, main) if reachable else (DEFEND, None)


def held_back_from(unit: Unit, key: str, day: int) -> bool:
    """Whether the unit was held back from this objective, having queued behind its own side for
    ``queue_patience_days`` without getting into action (sim/march.py), and that time is not up."""
    return unit.held_back is not None and unit.held_back[0] == key and day <= unit.held_back[1]


def nearest_first(model, units: list[Unit], targets: np.ndarray) -> tuple[list[Unit], list[int]]:
    """``units`` by straight-line distance (cells) to the nearest of ``targets``, then by id; and their distances."""
    apart = model.cells_apart([u.flat for u in units], targets)
    ranked = sorted(zip(apart, [u.unique_id for u in units], range(len(units)), strict=True))
    return [units[i] for _, _, i in ranked], [cells for cells, _, _ in ranked]


def with_offensive(model, code: int, objectives: list[tuple[str, np.ndarray]]) -> list[tuple[str, np.ndarray]]:
    """A scenario's offensive (a dated decision) puts its place first among a side's objectives: the
    latest one opened by today, while the side has cells of that place's town still to take."""
    for day, side, place in model.offensives:
        if side == code and day <= model.day and place in model.place_flat:
            cells = model.town_cells(place)
            hostile = model.relations.hostile[code].copy()
            hostile[0] = True
            hostile[code] = False
            return [(f"the offensive on {place}", cells[hostile[model.control_flat[cells]]]), *objectives]
    return objectives


def shaken(unit: Unit, day: int) -> bool:
    return unit.rest_until >= day


class RegimeCommander(Commander):
    """The ordered race (R2) with a bridgehead on the left bank; garrisons hold the pocket."""

    side = "regime"

    def plan(self) -> None:
        model = self.model
        race = regime_rules.race_targets(model)
        if not model.rules.on("R2"):
            race = regime_rules.race_switched_off(race)
        city_cleared = race[1][1].size == 0
        assault = []
        for unit in self.units():
            if unit.group in GARRISONS and not city_cleared:
                unit.posture, unit.objective = DEFEND, None
            elif shaken(unit, model.day):
                unit.posture = DEFEND
            else:
                assault.append(unit)
        if model.rules.on("R2"):
            assault = self._send_bridgehead(assault)
        objectives = with_offensive(model, self.code, list(race))
        surroundings = model.enemy_units_near(self.code, "deir_ez_zor", model.params.city_rear_km)
        objectives.insert(2, ("the city's surroundings", surroundings))
        if model.rules.on("R2") and all(targets.size == 0 for _, targets in race):  # R2 off: no drive east
            objectives.append(("clear the right bank", model.enemy_cells(self.code, Bank.RIGHT)))
        assign_in_order(self, assault, objectives)

    def _send_bridgehead(self, assault: list[Unit]) -> list[Unit]:
        """A detachment crosses to the left bank east of the city; returns the units left."""
        model = self.model
        targets = regime_rules.left_bank_targets(model)
        count = int(np.ceil(model.params.regime_left_bank_share * len(assault)))
        if not targets.size or not count:
            return assault
        objective = model.objective(self.code, "the left bank east of the city", targets, [u.flat for u in assault])
        free = [u for u in assault if not model.in_contact(u) or u.objective is objective]
        distance = objective.distance.take([u.flat for u in free]).tolist()
        ranked = [u for _, u in sorted(zip(distance, free, strict=True), key=lambda entry: entry[0])][:count]
        for unit in ranked:
            unit.posture, unit.objective = ATTACK, objective
        sent = set(ranked)
        return [u for u in assault if u not in sent]


class SDFCommander(Commander):
    """Phase 1 to the line through al-Suwar, blocking the regime (R6, R7); phase 2 down the left
    bank to the border; once its objectives are taken, it clears the ISIS units left on its bank (in
    phase 1 only those short of the stop line, which bars the rest); everything holds during a pause."""

    side = "sdf"

    def plan(self) -> None:
        model = self.model
        mine = self.units()
        units = [u for u in mine if not shaken(u, model.day)]
        for unit in mine:
            if shaken(unit, model.day) or model.sdf_paused:
                unit.posture, unit.objective = DEFEND, None
        if model.sdf_paused:
            return
        phase_two = sdf_rules.in_phase_two(model)
        objectives = with_offensive(model, self.code, sdf_rules.phase_targets(model, phase_two))
        if all(t.size == 0 for _, t in objectives):  # (in phase 1 too: ISIS left behind within the stop line)
            objectives.append(("clear the left bank", model.enemy_cells(self.code, Bank.LEFT, Bank.KHABUR)))
        assign_in_order(self, units, objectives)


class ISISCommander(Commander):
    """Delay (R12): a strategy that values the towns ISIS holds against the force it needs to keep
    them, holds a core and delays, abandons or raids elsewhere (sim/isis_strategy.py); with R12 off,
    units hold where they stand and fall back like any other side's."""

    side = "isis"

    def plan(self) -> None:
        if self.model.rules.on("R12"):
            isis_strategy.plan(self)
            return
        for unit in self.units():
            unit.posture, unit.objective, unit.stance = DEFEND, None, isis_strategy.HOLD


class OppositionCommander(Commander):
    """The desert war from al-Tanf against both the regime and ISIS (R9); with a consensus formula
    (allied with the SDF), a drive through the Badia on al-Bukamal."""

    side = "opposition"

    def plan(self) -> None:
        model = self.model
        allied_with_sdf = model.relations.allied[self.code, side_code("sdf")]
        if allied_with_sdf:
            targets = opposition_rules.consensus_targets(model)
            key = "the Badia to al-Bukamal"
        else:
            targets = opposition_rules.raid_targets(model)
            key = "raids from al-Tanf"
        mine = self.units()
        units = [u for u in mine if not shaken(u, model.day)]
        if targets.size:
            assign_in_order(self, units, [(key, targets)])
            return
        home = model.town_cells("tanf") if "tanf" in model.place_flat else np.array([], int)
        home_cells = set(home.tolist())
        away = [u for u in mine if home_cells and u.flat not in home_cells]
        back = model.objective(self.code, "return to al-Tanf", home, [u.flat for u in away]) if away else None
        for unit in mine:
            unit.posture, unit.objective = (MOVE, back) if unit in away else (DEFEND, None)


COMMANDERS = (RegimeCommander, SDFCommander, ISISCommander, OppositionCommander)
