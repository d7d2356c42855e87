"""The day's targets of an air force and the sorties each gets.

An air force's sorties of the day (its budget and what it carried over) go first to its missions
by its doctrine's shares (close support of its side's engagements, strikes on concentrations of
enemy fighters away from the fighting, interdiction of enemy units moving in the open); a mission
with too few targets passes what it cannot use to the others. Within a mission the sorties are
shared among targets in proportion to their size (fighters), no target taking more than
``max_target_share`` of the day's sorties, by largest remainders: whole sorties, none lost to
rounding. A target whose cell holds more civilians per km² than the air force's rules of
engagement allow is not struck: its sorties are withheld and offered to the other targets. What no
target can use is carried over to tomorrow (up to ``sortie_carryover_days`` of budget; the rest
stands down), so every sortie is flown, carried or stood down: flown + carried + stood down =
budget + carried in, each day.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.air.doctrine import MISSIONS
from sim.codes import Terrain, side_code

OPPOSITION, SDF = side_code("opposition"), side_code("sdf")


@dataclass
class Target:
    """Something an air force may strike today: the cell struck, the side struck, its size."""

    mission: str
    cell: int
    side: int  # the side struck (code)
    weight: float  # fighters: its share of the mission's sorties
    engagement: object = None  # close support: the engagement joined
    supported: int = 0  # close support: the side flown for
    units: list = field(default_factory=list)  # concentration, interdiction: the units struck
    sorties: int = 0
    too_crowded: bool = False  # its cell holds more civilians than the rules of engagement allow


def apportion(total: int, weights: list[float], caps: list[int]) -> list[int]:
    """Share ``total`` whole sorties among targets in proportion to ``weights`` by largest remainders
    (ties to the first), none above its cap; what a capped target cannot take goes to the others.
    Returns the shares, whose sum is ``total`` or, if the caps do not allow it, the sum of the caps."""
    if not weights:
        return []
    shares = [0] * len(weights)
    open_ = [i for i, (w, c) in enumerate(zip(weights, caps, strict=True)) if w > 0 and c > 0]
    left = total
    while left > 0 and open_:
        chosen = [weights[i] for i in open_]
        weight = sum(chosen)
        quotas = [left * w / weight for w in chosen]
        given = [int(q) for q in quotas]
        extra = left - sum(given)
        if extra:  # the largest remainders (a stable sort: ties to the first) get one more
            for k in sorted(range(len(open_)), key=lambda k: given[k] - quotas[k])[:extra]:
                given[k] += 1
        capped = False
        for i, take in zip(open_, given, strict=True):
            room = caps[i] - shares[i]
            if take >= room:
                take, capped = room, True
            shares[i] += take
            left -= take
        if not capped:
            break  # no target was capped: everything was given
        open_ = [i for i in open_ if shares[i] < caps[i]]
    return shares


def close_support_targets(model, code: int, engagements, tables) -> list[Target]:
    """The engagements an air force may join: its side (or an ally) attacking a side hostile to it, or
    defending against one (the coalition also covers the opposition inside the al-Tanf zone); never a
    side at non-aggression with its patron (R1). Raids and incidents are too brief to support."""
    supported, hostile = tables.allied[code], tables.hostile[code]
    targets = []
    for e in engagements:
        if not e.defenders or e.kind in ("incident", "raid"):
            continue
        if supported[e.attacker] and hostile[e.defender]:
            targets.append(Target("close_support", e.target, e.defender, engagement_size(e), e, e.attacker))
        elif hostile[e.attacker] and (supported[e.defender] or (code == SDF and in_tanf_zone(model, e))):
            struck = e.attackers[0].flat if e.attackers else e.target
            targets.append(Target("close_support", struck, e.attacker, engagement_size(e), e, e.defender))
    return targets


def engagement_size(e) -> int:
    """The fighters on both sides of an engagement: a close support target's weight."""
    return sum([u.strength for u in e.attackers]) + sum([u.strength for u in e.defenders])


def in_tanf_zone(model, e) -> bool:
    """The opposition defending inside the al-Tanf zone, where US forces are (campaign.md: ~150 US
    troops at al-Tanf, a 55 km deconfliction zone): coalition air covers it."""
    return e.defender == OPPOSITION and model.km_from_places(("tanf",))[e.target] <= model.params.tanf_zone_km


def concentration_targets(model, code: int, engaged_cells: set[int], tables) -> list[Target]:
    """Cells away from today's fighting where a side hostile to the air force's patron has gathered
    ``concentration_fighters`` or more (never inside the al-Tanf zone, which Russia does not strike)."""
    threshold = model.params.concentration_fighters
    targets = {}
    for side in range(1, len(tables.hostile)):
        if not tables.hostile[code][side]:
            continue
        stacked = memoryview(model.stacked[side])  # cell by cell from Python: Python ints
        crowded = sorted([c for c in model.units_by_cell[side] if stacked[c] >= threshold])  # map order
        if side == OPPOSITION and crowded:
            km_from_tanf, zone_km = model.km_from_places(("tanf",)), model.params.tanf_zone_km
            crowded = [c for c in crowded if not km_from_tanf[c] <= zone_km]
        for cell in crowded:
            if cell not in engaged_cells:
                targets[cell, side] = Target("concentration", cell, side, float(stacked[cell]))
    if targets:  # the units struck in each, in the model's order
        cells = {cell for cell, _ in targets}
        for unit in model.units:
            if unit.flat in cells and (target := targets.get((unit.flat, unit.code))) is not None:
                target.units.append(unit)
    return list(targets.values())


def interdiction_targets(model, code: int, moved: list, engaged_units: set, tables) -> list[Target]:
    """Units of sides hostile to the patron that moved today and stand in the open (not in a town),
    away from the fighting: columns on the roads and crossings, grouped by cell."""
    hostile = tables.hostile[code]
    terrain = model.terrain_flat
    by_cell: dict[tuple[int, int], list] = {}
    for unit in moved:
        if hostile[unit.code] and unit.unique_id not in engaged_units and terrain.item(unit.flat) != Terrain.URBAN:
            by_cell.setdefault((unit.flat, unit.code), []).append(unit)
    return [Target("interdiction", cell, side, float(sum(u.strength for u in units)), units=units)
            for (cell, side), units in sorted(by_cell.items())]


def assign(model, force, available: int, candidates: dict[str, list[Target]]) -> tuple[list[Target], int]:
    """Share ``available`` whole sorties among the day's candidate targets by mission (see the module's
    docstring); returns the targets struck (sorties > 0) and the sorties withheld for civilians."""
    if not any(candidates.values()):
        return [], 0  # nothing to strike: every sortie is left over
    params = model.params
    cap = max(params.min_target_sorties, int(params.max_target_share * available))
    memo = doctrine_memo(model)
    threshold = memo.get((force.name, "threshold"))
    if threshold is None:  # residents per cell
        threshold = memo[force.name, "threshold"] = force.civilian_threshold(params) * model.layers.frame.cell_area_km2
    quotas = memo.get((force.name, available))
    if quotas is None:
        quotas = memo[force.name, available] = apportion(
            available, list(force.mission_shares(params)), [available] * len(MISSIONS))
    residents = model.population.residents_flat
    for mission in MISSIONS:
        for target in candidates.get(mission, ()):
            target.too_crowded = residents.item(target.cell) > threshold
    withheld = 0
    left = 0
    for mission, quota in zip(MISSIONS, quotas, strict=True):
        targets = candidates.get(mission, [])
        left += quota
        wanted = apportion(left, [t.weight for t in targets], [cap] * len(targets))
        for target, sorties in zip(targets, wanted, strict=True):
            if target.too_crowded:
                withheld += sorties  # the rules of engagement hold these back: offered to the others
            else:
                target.sorties = sorties
                left -= sorties
    for mission in MISSIONS:  # what a mission could not use, offered again to those with room
        if left <= 0:
            break
        targets = [t for t in candidates.get(mission, ()) if not t.too_crowded]
        more = apportion(left, [t.weight for t in targets], [cap - t.sorties for t in targets])
        for target, sorties in zip(targets, more, strict=True):
            target.sorties += sorties
            left -= sorties
    struck = [t for mission in MISSIONS for t in candidates.get(mission, ()) if t.sorties > 0]
    return struck, withheld


def doctrine_memo(model) -> dict:
    """What assign works out from the doctrine alone (each air force's civilian threshold per cell, its
    mission quotas of a number of sorties), kept on the model for as long as its parameters stay."""
    memo = getattr(model, "_air_doctrine_memo", None)
    if memo is None or memo["params"] is not model.params:
        memo = model._air_doctrine_memo = {"params": model.params}
    return memo
