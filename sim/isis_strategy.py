"""ISIS's strategy (R12, ¶10, ¶11): trade space for time, then hold the core it can keep.

Each plan cycle the ISIS commander values every valley town it holds (the people and oil within
reach of it, its prepared defences) against the force it would need to hold it (the enemy's
combat power within ``isis_threat_km``, over ISIS's defence there and the ratio at which it falls
back), and picks a core: the town worth most per fighter needed, then the next-best towns within
``isis_core_km`` of those already chosen, while its force covers their needs (with ``isis_reserve``
kept back); the towns of the last cycle's core still held come first (a commander keeps to a
decision while the ground holds). Nothing names a place: the core emerges from the valuation. Then
a posture per town, and each unit takes the posture of the town nearest it (the core's, if a core
town is within its reach):

- **hold** (the core): its units defend and counter-attack;
- **delay** (outside the core, the enemy within reach): its units fight, give ground early
  (``isis_delay_ratio``) and, once pushed back, or before they are encircled, go back to the core;
- **abandon** (outside the core, no enemy near): its units withdraw intact to the core;
- **raid** (units in the desert, away from every held town): they go for the enemy's roads.

A weak ISIS gives up its far towns and concentrates; a strong one holds forward.
"""

from __future__ import annotations

import numpy as np

from sim.agents import ATTACK, DEFEND, MOVE, Unit
from sim.codes import Terrain, side_code

ISIS = side_code("isis")
HOLD, DELAY, ABANDON, RAID = "hold", "delay", "abandon", "raid"
PUSHED_BACK_DAYS = 2  # a delaying unit pushed back this recently (one plan cycle) leaves for the core
PEOPLE_UNIT = 10_000.0  # residents counted per unit of value (so people and one oil field weigh alike)


def town_values(model, towns: np.ndarray) -> np.ndarray:
    """What each town (flat cell) is worth to ISIS: residents within reach (per 10,000), oil within
    reach (al-Omar = 1), and its prepared defences."""
    residents = model.population.residents
    fortification = model.fortification_flat
    reach = reach_of_towns(model)
    values = []
    for cell in towns.tolist():
        window, oil = reach[cell] if cell in reach else town_reach(model, cell)
        values.append(float(residents[window].sum()) / PEOPLE_UNIT + oil + float(fortification[cell]))
    return np.array(values)


def reach_of_towns(model) -> dict[int, tuple[tuple[slice, slice], float]]:
    """Each valley town's window of cells within reach and the oil in it (they depend only on the map)."""
    return model.static_cells("ISIS: the reach of each town", lambda: {
        cell: town_reach(model, cell) for cell in model.valley_town_cells.tolist()})


def town_reach(model, cell: int) -> tuple[tuple[slice, slice], float]:
    """A town's window of cells within ``reach_radius`` and the oil in it."""
    radius = model.reach_radius
    x, y = divmod(cell, model.ny)
    window = (slice(max(x - radius, 0), x + radius + 1), slice(max(y - radius, 0), y + radius + 1))
    return window, float(model.layers["oil"][window].sum())


def enemy_power_near(model, towns: np.ndarray, km: float) -> np.ndarray:
    """The combat power of units hostile to ISIS within ``km`` of each town."""
    hostile_to_isis = model.relations.hostile[ISIS].tolist()
    hostile = [u for u in model.units if hostile_to_isis[u.code]]
    if not hostile or not towns.size:
        return np.zeros(towns.size)
    cell_km = model.layers.frame.cell_km
    tx, ty = np.divmod(towns, model.ny)
    ux, uy = np.divmod(np.array([u.flat for u in hostile]), model.ny)
    power = np.array([u.strength * u.effectiveness for u in hostile])
    apart = np.maximum(np.abs(tx[:, None] - ux[None, :]), np.abs(ty[:, None] - uy[None, :])) * cell_km
    return (apart <= km) @ power


def defences_at(model, cells: np.ndarray) -> np.ndarray:
    """ISIS's defence multiplier in some cells: terrain and prepared defences (its fighters' kind aside)."""
    params = model.params
    terrain = model.terrain_flat[cells]
    multiplier = np.where(terrain == Terrain.URBAN, params.urban_defence,
                          np.where(terrain == Terrain.VALLEY, params.valley_defence, 1.0))
    return multiplier * (1.0 + model.fortification_flat[cells])


def choose_core(model, towns: np.ndarray, power: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The towns ISIS holds as its core (a boolean per town), each town's value and the enemy's power
    near it. Greedy on value per fighter needed, grown from the best town by neighbours within
    ``isis_core_km``, while ``power`` (less the reserve) covers the needs."""
    params = model.params
    values = town_values(model, towns)
    threat = enemy_power_near(model, towns, params.isis_threat_km)
    minimum = params.isis_unit_size * model.kinds["isis"].firepower
    need = np.maximum(minimum, threat / (params.isis_fallback_ratio * defences_at(model, towns)))
    worth = values / need
    budget = power * (1.0 - params.isis_reserve)
    core = np.zeros(towns.size, dtype=bool)
    if not towns.size:
        return core, values, threat
    tx, ty = np.divmod(towns, model.ny)
    cell_km = model.layers.frame.cell_km
    apart = (np.maximum(np.abs(tx[:, None] - tx[None, :]), np.abs(ty[:, None] - ty[None, :])) * cell_km).tolist()
    held_core = set(model.isis_core.tolist())  # a core once chosen is kept while held: its towns come first
    kept = np.array([town in held_core for town in towns.tolist()])
    first = (worth + kept * worth.max()).tolist()
    need_of = need.tolist()
    best = first.index(max(first))
    chosen = [False] * towns.size
    chosen[best] = True
    spent = need_of[best]
    closest = apart[best]  # each town's distance to the nearest core town
    while True:
        candidate = -1  # the best town near the core (the first of equals)
        for town, (distance, taken) in enumerate(zip(closest, chosen, strict=True)):
            if not taken and distance <= params.isis_core_km and (candidate < 0 or first[town] > first[candidate]):
                candidate = town
        if candidate < 0 or spent + need_of[candidate] > budget:
            break
        chosen[candidate] = True
        spent += need_of[candidate]
        closest = [min(a, b) for a, b in zip(closest, apart[candidate], strict=True)]
    core[:] = chosen
    return core, values, threat


def plan(commander) -> None:
    """Postures and objectives for every ISIS unit (the module's docstring)."""
    model = commander.model
    params = model.params
    units = commander.units()
    towns = model.held_town_cells(ISIS)
    for unit in units:
        unit.posture, unit.objective = DEFEND, None
    if not units:
        return
    if not towns.size:  # no town left: every unit stands where it is, a last stand
        for unit in units:
            unit.stance = HOLD
        return
    power = sum(u.strength * u.effectiveness for u in units)
    core, _, threat = choose_core(model, towns, power)
    model.isis_core = towns[core]
    stance_of_town = [HOLD if kept else DELAY if near > 0 else ABANDON
                      for kept, near in zip(core.tolist(), threat.tolist(), strict=True)]
    town_of, core_apart = nearest_towns(model, units, towns, core)
    reach = params.reach_km / model.layers.frame.cell_km
    core_targets = np.unique(np.concatenate([model.town_cells_at(c) for c in towns[core].tolist()]))
    to_core: list[Unit] = []
    raiders: list[Unit] = []
    for unit, (town, apart), to_core_cells in zip(units, town_of, core_apart, strict=True):
        if apart > reach:
            unit.stance = RAID
            raiders.append(unit)
            continue
        unit.stance = HOLD if to_core_cells <= reach else stance_of_town[town]
        if unit.stance == ABANDON or (unit.stance == DELAY and in_danger(model, unit)):
            to_core.append(unit)
    if to_core:
        objective = model.objective(ISIS, "the core", core_targets, [u.flat for u in to_core])
        for unit in to_core:
            unit.posture, unit.objective = MOVE, objective
    if raiders:
        targets = raid_targets(model)
        if targets.size:
            objective = model.objective(ISIS, "raids on the roads", targets, [u.flat for u in raiders])
            for unit in raiders:
                unit.posture, unit.objective = ATTACK, objective


def nearest_towns(model, units: list[Unit], towns: np.ndarray, core: np.ndarray) -> tuple[list[tuple[int, int]],
                                                                                       list[int]]:
    """For each unit, the index of the nearest held town and its distance in cells; and its distance
    in cells to the nearest town of the core (``core``: a boolean per town, at least one)."""
    ux, uy = np.divmod(np.array([u.flat for u in units]), model.ny)
    tx, ty = np.divmod(towns, model.ny)
    apart = np.maximum(np.abs(ux[:, None] - tx[None, :]), np.abs(uy[:, None] - ty[None, :]))
    nearest = apart.argmin(axis=1)
    to_town = apart[np.arange(len(units)), nearest]
    return list(zip(nearest.tolist(), to_town.tolist(), strict=True)), apart[:, core].min(axis=1).tolist()


def in_danger(model, unit: Unit) -> bool:
    """A delaying unit leaves for the core once it has been pushed back (it has delayed), and before
    it is encircled: its supply is cut, or hostile units stand on ``isis_encircled_neighbours`` or
    more of the cells around it."""
    if unit in model.unsupplied or model.day - unit.pushed_back_on <= PUSHED_BACK_DAYS:
        return True
    hostile = model.hostile_unit_cells(ISIS)
    around = sum(1 for cell in model.neighbour_lists[unit.flat] if cell in hostile)
    return around >= model.params.isis_encircled_neighbours


def raid_targets(model) -> np.ndarray:
    """Road cells held by ISIS's enemies in the desert: the regime's supply lines across the Badia."""
    roads = model.static_cells("desert roads", lambda: np.flatnonzero(
        model.layers["road"].ravel() & (model.terrain_flat == Terrain.DESERT)))
    return roads[model.relations.hostile[ISIS][model.control_flat[roads]]]
