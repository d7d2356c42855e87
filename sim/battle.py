"""The day's fighting: find the engagements, share out the sorties, resolve each, then withdraw,
surrender and rest.

An engagement is one side's units attacking one cell that holds units of a side hostile to them.
It comes from a unit's march meeting the enemy (attack), an ISIS counter-attack (R12), a clash
across the deconfliction line although R1 holds (an incident), or an ISIS raid behind the lines
(R11). Air forces support only their own side and never strike a side at non-aggression with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim import combat
from sim.agents import ATTACK, DEFEND, Unit
from sim.codes import SIDES, Terrain, side_code
from sim.march import enemy_neighbourhoods
from sim.rules import deconfliction, isis

REGIME, SDF, ISIS_CODE, OPPOSITION = (side_code(s) for s in SIDES)
TANF_ZONE_KM = 55.0
RAID_PARTY = 30  # fighters in an ISIS raid behind the lines (assumption)
MAX_SHARE_OF_SORTIES = 0.5
REST_DAYS = 7
INCIDENT_REACH = 2  # cells: "near the river line"
INCIDENT_OFFSET = 1 << 16  # a regime unit's incident draw: its second uniform of the day
MIN_UNIT = 10  # fighters: below this a unit breaks up
#: Ground fire by kind of engagement: incidents are brief clashes; in a bombardment only the
#: attackers fire (at ``bombardment_fire`` of their strength, see resolve) with their air support.
LETHALITY_SCALE = {"attack": 1.0, "counterattack": 1.0, "raid": 1.0, "incident": 0.5, "bombardment": 1.0}


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


def fight(model) -> None:
    """The battle stage: collect, support from the air, resolve, then withdrawals."""
    engagements = collect(model)
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
    for unit in [u for u in model.units if u.strength < MIN_UNIT]:
        model.break_up(unit)


def collect(model) -> list[Engagement]:
    groups: dict[tuple[int, int], Engagement] = {}
    day = model.day
    for unit in model.units:
        if unit.posture == ATTACK and unit.contact is not None and unit.rest_until < day:
            key = (unit.code, unit.contact)
            groups.setdefault(key, Engagement("attack", unit.code, unit.contact, [])).attackers.append(unit)
    near_enemy = enemy_neighbourhoods(model)[ISIS_CODE]
    for unit in model.units:
        if unit.code == ISIS_CODE and unit.posture == DEFEND and unit.flat in near_enemy:
            draw = model.draws.uniform("combat", day, unit.unique_id)
            if not isis.counterattacks(draw, unit.morale, model.params, model.rules):
                continue
            target = weakest_hostile_neighbour(model, unit)
            if target is not None:
                key = (ISIS_CODE, target)
                groups.setdefault(key, Engagement("counterattack", ISIS_CODE, target, [])).attackers.append(unit)
    engagements = list(groups.values())
    engagements += incidents(model)
    engagements += [raid_engagement(model, cell) for cell in model.pending_raids]
    model.pending_raids = []
    engagements.sort(key=lambda e: (e.target, e.attacker, e.kind))
    for engagement in engagements:
        engagement.defender, engagement.defenders = defenders_at(model, engagement.attacker, engagement.target)
        if engagement.kind == "attack" and engagement.defenders and not has_the_odds(model, engagement):
            engagement.kind = "bombardment"
    return engagements


def power(units: list[Unit]) -> float:
    """Combat power: strength times effectiveness."""
    return sum(u.strength * u.effectiveness for u in units)


def has_the_odds(model, e: Engagement) -> bool:
    """An attack goes in only with ``assault_ratio`` times the defenders' power (with their defence)."""
    needed = model.params.assault_ratio * power(e.defenders) * defence_multiplier(model, e.target, e.defenders)
    return power(e.attackers) >= needed


def defenders_at(model, attacker: int, cell: int) -> tuple[int, list[Unit]]:
    """The side (code) and units in ``cell`` hostile to ``attacker``, or (holder, []) if none."""
    hostile = model.relations.hostile[attacker]
    units = [u for u in model.units_at(cell) if hostile[u.code] and u.strength > 0]
    if units:
        return units[0].code, [u for u in units if u.code == units[0].code]
    return int(model.control_flat[cell]), []


def weakest_hostile_neighbour(model, unit: Unit) -> int | None:
    best, best_strength = None, None
    for cell in model.neighbour_lists[unit.flat]:
        if cell < 0:
            continue
        strength = sum(model.occupancy[h, cell] for h in model.hostile_code_lists[unit.code])
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
    """Each air force shares its day's sorties among the engagements of the sides it supports, in
    proportion to their size, striking only sides hostile to its patron (R3, R8; never R1's partner)."""
    rng = model.draws.generator("air", model.day)
    for patron, budget in model.sortie_budgets().items():
        supported = model.relations.allied[patron]
        eligible, weights = [], []
        for e in engagements:
            if e.kind in ("incident", "raid") or not e.defenders:
                continue
            covered = supported[e.defender] or (patron == SDF and in_tanf_zone(model, e))
            if supported[e.attacker] and model.relations.hostile[patron, e.defender]:
                eligible.append((e, e.attacker))
            elif covered and model.relations.hostile[patron, e.attacker]:
                eligible.append((e, e.defender))
            else:
                continue
            weights.append(sum(u.strength for u in e.attackers) + sum(u.strength for u in e.defenders))
        sorties = int(budget) + int(rng.random() < budget - int(budget))
        if not eligible or sorties <= 0:
            continue
        cap = max(4, int(MAX_SHARE_OF_SORTIES * sorties))
        shares = np.minimum(np.floor(sorties * np.array(weights) / sum(weights)), cap).astype(int)
        for (e, side), share in zip(eligible, shares.tolist(), strict=True):
            if share:
                e.sorties[side] = e.sorties.get(side, 0) + share


def in_tanf_zone(model, e: Engagement) -> bool:
    """The opposition defending inside the al-Tanf zone, where US forces are (campaign.md: ~150 US
    troops at al-Tanf, a 55 km deconfliction zone): coalition air covers it."""
    return e.defender == OPPOSITION and model.km_from_places(("tanf",))[e.target] <= TANF_ZONE_KM


def resolve(model, e: Engagement, pressed: dict) -> None:
    params = model.params
    attackers = [u for u in e.attackers if u.strength > 0]
    defenders = [u for u in e.defenders if u.strength > 0 and u.flat == e.target]
    if e.kind == "raid":
        attack_side = combat.Side((e.raiders,), (model.kinds["isis"].firepower,))
    else:
        attack_side = combat.Side(
            tuple(u.strength for u in attackers),
            tuple(u.effectiveness for u in attackers),
            e.sorties.get(e.attacker, 0),
        )
    if attack_side.strength <= 0:
        return
    defend_side = combat.Side(
        tuple(u.strength for u in defenders), tuple(u.effectiveness for u in defenders), e.sorties.get(e.defender, 0)
    )
    if e.kind == "bombardment":  # only the attackers' guns and aircraft: the defenders keep their heads down
        attack_side = combat.Side(attack_side.strengths,
                                  tuple(x * params.bombardment_fire for x in attack_side.effectiveness),
                                  attack_side.sorties)
        defend_side = combat.Side(defend_side.strengths, tuple(0.0 for _ in defend_side.strengths), 0)
    defence = defence_multiplier(model, e.target, defenders)
    outcome = combat.resolve(
        model.draws.generator("combat", model.day, e.target, e.attacker),
        attack_side,
        defend_side,
        lethality=params.lethality * LETHALITY_SCALE[e.kind],
        defence=defence,
        kills_per_sortie=params.kills_per_sortie,
        sigma=params.engagement_intensity_sigma,
    )
    if e.kind == "raid":
        killed_attackers = min(outcome.total_attacker_losses, e.raiders)
        model.pools[ISIS_CODE] -= killed_attackers
        model.ledger[ISIS_CODE]["killed"] += killed_attackers
    else:
        killed_attackers = apply_losses(model, attackers, outcome.attacker_losses)
        shock(model, attackers, outcome.attacker_losses, e.sorties.get(e.defender, 0))
    killed_defenders = apply_losses(model, defenders, outcome.defender_losses)
    shock(model, defenders, outcome.defender_losses, e.sorties.get(e.attacker, 0))
    civilians = model.harm_civilians(e.target, outcome.intensity, e.sorties, e.attacker, e.defender)
    model.record_engagement(e, killed_attackers, killed_defenders, civilians)
    attacking_power = power(attackers)
    if e.kind == "raid":
        attacking_power += (e.raiders - killed_attackers) * model.kinds["isis"].firepower
    defending_power = defence * power(defenders)
    if e.kind not in ("incident", "bombardment"):
        for unit in defenders:
            pressed[unit] = max(pressed.get(unit, 0.0), attacking_power / max(defending_power, 1.0))
    for unit in attackers:
        if unit.morale < params.retreat_morale:
            unit.rest_until = model.day + REST_DAYS


def defence_multiplier(model, cell: int, defenders: list[Unit]) -> float:
    params = model.params
    terrain = model.terrain_flat[cell]
    multiplier = {Terrain.URBAN: params.urban_defence, Terrain.VALLEY: params.valley_defence}.get(terrain, 1.0)
    strength = sum(u.strength for u in defenders)
    if strength > 0:
        multiplier *= sum(u.kind.defence * u.strength for u in defenders) / strength
        if defenders[0].code == ISIS_CODE:
            multiplier *= 1.0 + model.fortification_flat[cell]
    return float(multiplier)


def apply_losses(model, units: list[Unit], losses: tuple[int, ...]) -> int:
    total = 0
    for unit, lost in zip(units, losses, strict=True):
        lost = unit.lose(lost)
        model.ledger[unit.code]["killed"] += lost
        total += lost
    return total


def shock(model, units: list[Unit], losses: tuple[int, ...], sorties_against: int) -> None:
    """Morale falls with the share of strength lost, and under air attack."""
    per_unit_air = 0.01 * sorties_against / max(len(units), 1)
    for unit, lost in zip(units, losses, strict=True):
        before = unit.strength + lost
        unit.morale = max(
            0.0, unit.morale - model.params.morale_loss_per_casualty * lost / max(before, 1) - per_unit_air
        )
        unit.engaged_on = model.day


def withdraw_or_surrender(model, unit: Unit, ratio: float) -> None:
    """A pressed defender gives ground when the attackers' combat power (strength x effectiveness)
    reaches its side's withdrawal ratio times its own (with its defence multiplier: terrain, prepared
    defences), R12 making ISIS go earlier, or when its morale breaks; with nowhere to go and no
    morale left, it surrenders."""
    params = model.params
    broken = unit.morale < params.retreat_morale
    if ratio < isis.withdrawal_ratio(unit.code, params, model.rules) and not broken:
        return
    refuge = retreat_cell(model, unit)
    if refuge is not None:
        unit.place_at(refuge)
        unit.posture = DEFEND
    elif broken and unit.morale < params.retreat_morale / 2:
        model.surrender(unit)


def seize(model, e: Engagement) -> None:
    """Attackers who emptied the cell they attacked move into it: the strongest unit goes in."""
    attackers = [u for u in e.attackers if u.strength >= MIN_UNIT and u.flat != e.target]
    if not attackers or model.blocked[e.attacker][e.target] or not model.network.passable[e.target]:
        return
    if any(model.occupancy[h, e.target] for h in model.hostile_code_lists[e.attacker]):
        return
    for unit in sorted(attackers, key=lambda u: (-u.strength, u.unique_id)):
        if unit.fits(e.target):
            unit.place_at(e.target)
            return


def retreat_cell(model, unit: Unit) -> int | None:
    """The neighbouring cell farthest from the enemy that the unit may enter, if any."""
    hostile = model.hostile_code_lists[unit.code]
    blocked = model.blocked[unit.code]
    best, best_score = None, None
    for cell in model.neighbour_lists[unit.flat]:
        if cell < 0 or not model.network.passable[cell] or blocked[cell]:
            continue
        if any(model.occupancy[h, cell] for h in hostile) or not unit.fits(cell):
            continue
        threat = sum(model.occupancy[h, n] for n in model.neighbour_lists[cell] if n >= 0 for h in hostile)
        own = model.control_flat[cell] == unit.code
        score = (threat, not own, cell)
        if best_score is None or score < best_score:
            best, best_score = cell, score
    return best


__all__ = ["Engagement", "fight"]
