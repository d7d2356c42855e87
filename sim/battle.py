"""The day's fighting: find the engagements, share out the sorties, resolve each, then withdraw,
surrender and rest.

An engagement is one side's units attacking one cell that holds units of a side hostile to them.
It comes from a unit's march meeting the enemy (attack), an ISIS counter-attack (R12), a clash
across the deconfliction line although R1 holds (an incident), or an ISIS raid behind the lines
(R11). Air forces support only their own side and never strike a side at non-aggression with it;
they are actors of their own (``sim/air``), joining engagements in close support and striking
concentrations and columns away from them. In a humanitarian pause a side holds its fire
(``sim/humanitarian.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim import combat, humanitarian, siege
from sim.agents import ATTACK, DEFEND, Unit
from sim.air import effects as air_effects
from sim.air.doctrine import grounded_over
from sim.codes import SIDES, Terrain, side_code
from sim.rules import deconfliction, isis

REGIME, SDF, ISIS_CODE, OPPOSITION = (side_code(s) for s in SIDES)
RAID_PARTY = 30  # fighters in an ISIS raid behind the lines (assumption)
INCIDENT_REACH = 2  # cells: "near the river line"
INCIDENT_OFFSET = 1 << 16  # a regime unit's incident draw: its second uniform of the day
#: Ground fire by kind of engagement (incidents: the declared ``incident_lethality``, brief clashes); in a
#: bombardment only the attackers fire (at ``bombardment_fire`` of their strength, see resolve) with their air.
LETHALITY_SCALE = {"attack": 1.0, "counterattack": 1.0, "raid": 1.0, "bombardment": 1.0}


@dataclass
class Engagement:
    kind: str  # attack, counterattack, incident, raid
    attacker: int  # side code
    target: int  # flat cell
    attackers: list[Unit]
    defender: int = 0
    defenders: list[Unit] = field(default_factory=list)
    raiders: int = 0  # raid party strength (raids only)
    sorties: dict[int, int] = field(default_factory=dict)  # side code -> sorties flown for it
    flown_by: dict[int, tuple[int, int]] = field(default_factory=dict)  # air force (patron code) -> (side, sorties)


class SideTables:
    """The relation tables as nested lists of bools: read side by side from Python, far faster than
    single elements of the numpy tables."""

    __slots__ = ("allied", "hostile", "relations")

    def __init__(self, relations):
        self.relations = relations
        self.allied = relations.allied.tolist()
        self.hostile = relations.hostile.tolist()


def side_tables(model) -> SideTables:
    """The model's relation tables as lists, kept on the model; rebuilt when a dated event replaces
    its relations."""
    tables = getattr(model, "_battle_side_tables", None)
    if tables is None or tables.relations is not model.relations:
        tables = model._battle_side_tables = SideTables(model.relations)
    return tables


def fight(model) -> None:
    """The battle stage: collect, support from the air, resolve, then withdrawals."""
    engagements = humanitarian.hold_fire(model, collect(model))
    allocate_sorties(model, engagements)
    pressed: dict[Unit, float] = {}
    for engagement in engagements:
        resolve(model, engagement, pressed)
    for unit, ratio in pressed.items():
        if unit.strength > 0:
            withdraw_or_surrender(model, unit, ratio)
    for engagement in engagements:
        if engagement.kind in ("attack", "counterattack"):
            seize(model, engagement)
    minimum = model.params.min_unit_fighters
    for unit in [u for u in model.units if u.strength < minimum]:
        model.break_up(unit)


def collect(model) -> list[Engagement]:
    groups: dict[tuple[int, int], Engagement] = {}
    day = model.day
    units = model.units
    holding: list[Unit] = []  # ISIS units in defence, who may counter-attack (R12)
    for unit in units:
        if unit.posture == ATTACK:
            if unit.contact is not None and unit.rest_until < day:
                join(groups, "attack", unit.code, unit.contact, unit)
        elif unit.code == ISIS_CODE and unit.posture == DEFEND:
            holding.append(unit)
    for unit, target in counterattackers(model, holding):
        join(groups, "counterattack", ISIS_CODE, target, unit)
    engagements = list(groups.values())
    engagements += incidents(model)
    engagements += [raid_engagement(model, cell) for cell in model.pending_raids]
    model.pending_raids = []
    engagements.sort(key=lambda e: (e.target, e.attacker, e.kind))
    # where the units stand: none moves while the engagements are collected
    by_cell = units_in(units, {e.target for e in engagements}) if engagements else {}
    for engagement in engagements:
        engagement.defender, engagement.defenders = defenders_at(model, engagement.attacker, engagement.target, by_cell,
                                                                 engagement.kind)
        if engagement.kind == "attack" and engagement.defenders:
            engagement.kind = siege.decide(model, engagement, odds(engagement))
    siege.forget_ended(model)
    return [e for e in engagements if e.kind != siege.LIFTED]


def join(groups: dict[tuple[int, int], Engagement], kind: str, side: int, target: int, unit: Unit) -> None:
    """The unit joins its side's engagement against ``target``, opening it (as ``kind``) if it is the first."""
    engagement = groups.get((side, target))
    if engagement is None:
        engagement = groups[side, target] = Engagement(kind, side, target, [])
    engagement.attackers.append(unit)


def counterattackers(model, holding: list[Unit]) -> list[tuple[Unit, int]]:
    """Of the ISIS units in defence next to the enemy, those whose draw of the day says they
    counter-attack (R12), with their target: the weakest enemy cell around them, weighed by the
    local odds (newly arrived enemies count for less) and by whether the enemy's air is up today."""
    if not holding:
        return []
    params, rules = model.params, model.rules
    hostile_cells = model.hostile_unit_cells(ISIS_CODE)  # the holding units are ISIS's; none moves here
    neighbours, retreat_morale = model.neighbour_lists, params.retreat_morale
    targets = []  # (unit, the enemy cell it would strike)
    for unit in holding:
        flat = unit.flat
        if unit.morale < retreat_morale or (flat not in hostile_cells and hostile_cells.isdisjoint(neighbours[flat])):
            continue  # shaken, or no enemy in its cell or next to it
        target = weakest_hostile_neighbour(model, unit)
        if target is not None:
            targets.append((unit, target))
    if not targets:
        return []
    # each unit's uniform of the day, as draws.uniform("combat", day, unit_id) gives it
    draws = model.draws.uniforms("combat", model.day, max([u.unique_id for u, _ in targets]) + 1)
    by_cell = units_in(model.units, {target for _, target in targets})
    air = model.sortie_budgets()
    hostile = side_tables(model).hostile
    chosen = []
    for unit, target in targets:
        enemies = [u for u in by_cell.get(target, ()) if hostile[unit.code][u.code]]
        enemy_power = sum(u.strength * u.effectiveness * (params.newly_arrived_power
                                                          if model.day - u.arrived_on < params.newly_arrived_days
                                                          else 1.0) for u in enemies)
        odds = unit.strength * unit.effectiveness / max(enemy_power, 1e-9)
        air_up = any(air.get(u.code, 0) > 0 and not grounded_over(model, u.code, target) for u in enemies)
        if isis.counterattacks(draws.item(unit.unique_id), odds, air_up, params, rules):
            chosen.append((unit, target))
    return chosen


def units_in(units: list[Unit], cells: set[int]) -> dict[int, list[Unit]]:
    """The units standing in each of some cells (those that hold any), in the order of ``units``."""
    by_cell: dict[int, list[Unit]] = {}
    for unit in units:
        if unit.flat in cells:
            by_cell.setdefault(unit.flat, []).append(unit)
    return by_cell


def power(units: list[Unit]) -> float:
    """Combat power: strength times effectiveness."""
    return sum([u.strength * u.effectiveness for u in units])


def odds(e: Engagement) -> float:
    """The attackers' combat power over the defenders' (strength x effectiveness; the defence
    multiplier is left to the fight itself): the ratio a commander weighs before an assault."""
    return power(e.attackers) / max(power(e.defenders), 1e-9)


def defenders_at(model, attacker: int, cell: int, by_cell: dict[int, list[Unit]],
                 kind: str = "attack") -> tuple[int, list[Unit]]:
    """The side (code) and units in ``cell`` hostile to ``attacker``, or (holder, []) if none
    (``by_cell``: the units standing in each cell). An incident's defenders are the units of the side
    at non-aggression with the attacker (R1's partner): the clash the deconfliction failed to stop."""
    if kind == "incident":
        enemy = model.relations.non_aggression[attacker].tolist()
    else:
        enemy = side_tables(model).hostile[attacker]
    units = [u for u in by_cell.get(cell, ()) if enemy[u.code] and u.strength > 0]
    if units:
        return units[0].code, [u for u in units if u.code == units[0].code]
    return int(model.control_flat[cell]), []


def weakest_hostile_neighbour(model, unit: Unit) -> int | None:
    occupancy = memoryview(model.occupancy)  # cell by cell from Python: Python ints, not numpy scalars
    hostile = model.hostile_code_lists[unit.code]
    best, best_strength = None, None
    for cell in model.neighbour_lists[unit.flat]:
        if cell < 0:
            continue
        strength = sum(occupancy[h, cell] for h in hostile)
        if strength and (best_strength is None or strength < best_strength):
            best, best_strength = cell, strength
    return best


def incidents(model) -> list[Engagement]:
    """R1 holds, yet rare clashes happen near the river line (historical_incidents)."""
    rate = model.params.r1_incident_rate
    if rate <= 0 or not model.relations.non_aggression[REGIME, SDF]:
        return []
    found = []
    sdf_cells = np.flatnonzero(model.occupancy[SDF] > 0)
    if not sdf_cells.size:
        return []
    sdf_xy = np.column_stack(np.divmod(sdf_cells, model.ny))
    for unit in model.units:
        if unit.code != REGIME:
            continue
        near = np.max(np.abs(sdf_xy - np.array(unit.xy)), axis=1) <= INCIDENT_REACH
        draw = model.draws.uniform("combat", model.day, unit.unique_id + INCIDENT_OFFSET)
        if near.any() and deconfliction.incident_happens(draw, rate):
            found.append(Engagement("incident", REGIME, int(sdf_cells[np.argmax(near)]), [unit]))
    return found


def raid_engagement(model, cell: int) -> Engagement:
    party = min(RAID_PARTY, model.pools[ISIS_CODE])
    return Engagement("raid", ISIS_CODE, cell, [], raiders=int(party))


def allocate_sorties(model, engagements: list[Engagement]) -> None:
    """The air forces fly (R3, R8; never against R1's partner): close support joins the engagements
    (``e.sorties``), concentrations and columns are struck at once (``sim/air``)."""
    model.air.fly(engagements)


def resolve(model, e: Engagement, pressed: dict) -> None:
    params = model.params
    attackers = [u for u in e.attackers if u.strength > 0]
    defenders = [u for u in e.defenders if u.strength > 0 and u.flat == e.target]
    air_for_attackers, air_for_defenders = e.sorties.get(e.attacker, 0), e.sorties.get(e.defender, 0)
    attack_side, defend_side = combat_sides(model, e, attackers, defenders)
    if attack_side.strength <= 0:
        return
    defence = defence_multiplier(model, e.target, defenders)
    if defenders and defenders[0].code == ISIS_CODE and not can_withdraw(model, defenders[0]):
        defence *= 1.0 + isis.last_stand_defence(params, model.rules)  # nowhere to go: a last stand
    rng = model.draws.generator("combat", model.day, e.target, e.attacker)
    outcome = combat.resolve(
        rng,
        attack_side,
        defend_side,
        lethality=params.lethality * (params.incident_lethality if e.kind == "incident" else LETHALITY_SCALE[e.kind])
        * model.population.restraint(e.target, e.attacker),
        defence=defence,
        kills_per_sortie=params.kills_per_sortie,
        sigma=params.engagement_intensity_sigma,
    )
    if e.kind == "raid":
        killed_attackers = min(outcome.total_attacker_losses, e.raiders)
        model.pools[ISIS_CODE] -= killed_attackers
        model.ledger[ISIS_CODE]["killed"] += killed_attackers
    else:
        killed_attackers = take_losses(model, attackers, outcome.attacker_losses, air_for_defenders)
    killed_defenders = take_losses(model, defenders, outcome.defender_losses, air_for_attackers)
    if e.kind == "bombardment":
        killed_attackers += siege.besiegers_pay(model, attackers, rng)
    air_by_force = {code: sorties for code, (_, sorties) in e.flown_by.items()}
    civilians = model.harm_civilians(e.target, outcome.intensity, air_by_force)
    model.record_engagement(e, killed_attackers, killed_defenders, civilians)
    if e.flown_by:
        model.air.record_support(e, attack_side, defend_side, outcome, killed_attackers, killed_defenders,
                                 model.population.last_air_deaths)
        air_effects.hearten(model, attackers, air_for_attackers)
        air_effects.hearten(model, defenders, air_for_defenders)
    if defenders and e.kind not in ("incident", "bombardment"):
        attacking_power = power(attackers)
        if e.kind == "raid":
            attacking_power += (e.raiders - killed_attackers) * model.kinds["isis"].firepower
        defending_power = defence * power(defenders)
        ratio = attacking_power / max(defending_power, 1.0)
        for unit in defenders:
            pressed[unit] = max(pressed.get(unit, 0.0), ratio)
    retreat_morale = params.retreat_morale
    for unit in attackers:
        if unit.morale < retreat_morale:
            unit.rest_until = model.day + params.rest_days


def combat_sides(model, e: Engagement, attackers: list[Unit], defenders: list[Unit]) -> tuple[combat.Side, combat.Side]:
    """The attacking and defending sides as the combat arithmetic takes them, each with the sorties
    flown in its support."""
    defender_strengths = tuple([u.strength for u in defenders])
    if e.kind == "bombardment":  # only the attackers' guns and aircraft: the defenders keep their heads down
        fire = model.params.bombardment_fire
        attacker_fire = tuple([u.effectiveness * fire for u in attackers])
        defend = combat.Side(defender_strengths, (0.0,) * len(defenders), 0)
    else:
        attacker_fire = tuple([u.effectiveness for u in attackers])
        defender_fire = tuple([u.effectiveness for u in defenders])
        defend = combat.Side(defender_strengths, defender_fire, air_against(model, e, e.defender, attackers))
    if e.kind == "raid":
        attack = combat.Side((e.raiders,), (model.kinds["isis"].firepower,))
    else:
        attack = combat.Side(tuple([u.strength for u in attackers]), attacker_fire,
                             air_against(model, e, e.attacker, defenders))
    return attack, defend


def air_against(model, e: Engagement, supported: int, struck: list[Unit]) -> float:
    """Sorties of full effect flown for ``supported`` against the ``struck`` units: after their cover
    where they stand and the diminishing returns on one target (sim/air/effects.py)."""
    sorties = e.sorties.get(supported, 0)
    if not sorties or not struck:
        return 0.0
    return air_effects.air_effect(model, struck[0].flat, struck[0].code, sorties)


def defence_multiplier(model, cell: int, defenders: list[Unit]) -> float:
    params = model.params
    terrain = model.terrain_flat.item(cell)
    if terrain == Terrain.URBAN:
        multiplier = params.urban_defence
    elif terrain == Terrain.VALLEY:
        multiplier = params.valley_defence
    else:
        multiplier = 1.0
    strengths = [u.strength for u in defenders]
    strength = sum(strengths)
    if strength > 0:
        multiplier *= sum([u.kind.defence * s for u, s in zip(defenders, strengths, strict=True)]) / strength
        if defenders[0].code == ISIS_CODE:
            multiplier *= 1.0 + model.fortification_flat.item(cell)
    return float(multiplier)


def take_losses(model, units: list[Unit], losses: tuple[int, ...], sorties_against: int) -> int:
    """Units lose fighters (counted in their side's ledger) and morale, which falls with the share of
    strength lost and under air attack (``air_morale_loss`` per sortie, shared); returns the fighters lost."""
    per_unit_air = model.params.air_morale_loss * sorties_against / max(len(units), 1)
    per_casualty = model.params.morale_loss_per_casualty
    ledger, day = model.ledger, model.day
    total = 0
    for unit, lost in zip(units, losses, strict=True):
        if lost:  # (losing none changes no strength)
            taken = unit.lose(lost)
            ledger[unit.code]["killed"] += taken
            total += taken
        unit.morale = max(0.0, unit.morale - per_casualty * lost / max(unit.strength + lost, 1) - per_unit_air)
        unit.engaged_on = day
    return total


def withdraw_or_surrender(model, unit: Unit, ratio: float) -> None:
    """A pressed defender gives ground when the attackers' combat power (strength x effectiveness)
    reaches its side's withdrawal ratio times its own (with its defence multiplier: terrain, prepared
    defences), R12 making ISIS go earlier, or when its morale breaks; with nowhere to go and no
    morale left, it surrenders."""
    params = model.params
    broken = unit.morale < params.retreat_morale
    if ratio < isis.withdrawal_ratio(unit.code, unit.stance, params, model.rules) and not broken:
        return
    refuge = retreat_cell(model, unit)
    if refuge is not None:
        if unit.code == ISIS_CODE:
            model.lay_mines(unit.flat)
        unit.pushed_back_on = model.day
        unit.place_at(refuge)
        unit.posture = DEFEND
    elif broken and unit.morale < params.retreat_morale / 2:
        model.surrender(unit)


def seize(model, e: Engagement) -> None:
    """Attackers who emptied the cell they attacked move into it: the strongest unit goes in."""
    attackers = [u for u in e.attackers if u.strength >= model.params.min_unit_fighters and u.flat != e.target]
    if not attackers or model.blocked[e.attacker][e.target] or not model.network.passable[e.target]:
        return
    if model.hostile_present(e.attacker, e.target):
        return
    for unit in sorted(attackers, key=lambda u: (-u.strength, u.unique_id)):
        if unit.fits(e.target):
            unit.place_at(e.target)
            return


def retreat_cell(model, unit: Unit) -> int | None:
    """The neighbouring cell farthest from the enemy that the unit may enter, if any."""
    # Cell by cell from Python: memoryviews of the live arrays give Python values, not numpy scalars.
    hostile_rows = [memoryview(model.occupancy[h]) for h in model.hostile_code_lists[unit.code]]
    blocked = memoryview(model.blocked[unit.code])
    passable = memoryview(model.network.passable)
    control = memoryview(model.control_flat)
    neighbours = model.neighbour_lists
    best, best_score = None, None
    for cell in neighbours[unit.flat]:
        if cell < 0 or not passable[cell] or blocked[cell]:
            continue
        # a cell scores (hostile units around it, not its side's, the cell): the lowest wins
        not_own = control[cell] != unit.code
        if best_score is None:
            threat = hostile_units_around(hostile_rows, neighbours[cell], None)
        elif (0, not_own, cell) < best_score:  # else it could not win even with no enemy around
            threat = hostile_units_around(hostile_rows, neighbours[cell], best_score[0])
        else:
            continue
        score = (threat, not_own, cell)
        if best_score is not None and score > best_score:
            continue
        # only a better cell is asked whether the enemy holds it and whether the unit fits there
        for row in hostile_rows:
            if row[cell]:
                break
        else:
            if unit.fits(cell):
                best, best_score = cell, score
    return best


def can_withdraw(model, unit: Unit) -> bool:
    """Whether the unit has a cell to withdraw to (``retreat_cell`` finds one): a neighbouring cell it
    may enter, that the enemy does not hold and that it fits in; which one is best is not asked."""
    hostile_rows = [memoryview(model.occupancy[h]) for h in model.hostile_code_lists[unit.code]]
    blocked = memoryview(model.blocked[unit.code])
    passable = memoryview(model.network.passable)
    for cell in model.neighbour_lists[unit.flat]:
        if cell < 0 or not passable[cell] or blocked[cell]:
            continue
        for row in hostile_rows:
            if row[cell]:
                break
        else:
            if unit.fits(cell):
                return True
    return False


def hostile_units_around(hostile_rows: list[memoryview], ring: tuple[int, ...], enough: int | None) -> int:
    """Units of the hostile sides (their occupancy rows) in the cells of ``ring`` (-1: off the map);
    once the count passes ``enough`` the rest are not counted (it is more than that either way)."""
    count = 0
    for row in hostile_rows:
        for cell in ring:
            if cell >= 0:
                count += row[cell]
        if enough is not None and count > enough:
            break
    return count


__all__ = ["Engagement", "fight"]
