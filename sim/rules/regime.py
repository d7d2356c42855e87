"""The regime's rules: the ordered race (R2), Russian air and advisers (R3), reinforcements (R4),
and the broken siege on day 0 (R5)."""

from __future__ import annotations

import numpy as np

from sim.codes import side_code
from sim.rules import deconfliction
from sim.rules.registry import implements

REGIME = side_code("regime")

#: R2's objectives in order (¶2, ¶4, ¶9): (key, place ids whose town cells must be held).
RACE = (
    ("secure the city and airport", ("dez_airport", "panorama", "brigade_137")),
    ("clear the city", ("deir_ez_zor",)),
    ("al-Mayadin", ("mayadin",)),
    ("al-Bukamal", ("bukamal",)),
    ("the border at al-Qaim", ()),  # the border crossing cells
)


@implements("R2")
def race_targets(model) -> list[tuple[str, np.ndarray]]:
    """The regime races for the city centre, then the eastern countryside to al-Bukamal and the
    border (¶2, ¶4, ¶9): each objective in order with the cells still to take (empty: achieved)."""
    control = model.control_flat
    objectives = []
    for key, places in RACE:
        if places:
            cells = model.static_cells(f"race: {key}", lambda places=places: np.concatenate(
                [model.town_cells(p) for p in places if p in model.place_flat] or [np.array([], int)]))
        else:
            cells = model.border_cells
        if key == "the border at al-Qaim":  # reached once a regime unit stands on the crossing: it stays reached
            if model.day >= model.qaim_day and np.any(model.occupancy[REGIME, cells] > 0):
                model.border_reached = True
            objectives.append((key, np.array([], int) if model.border_reached else cells))
        else:
            objectives.append((key, cells[control[cells] != REGIME]))
    return objectives


@implements("R2")
def race_switched_off(objectives: list[tuple[str, np.ndarray]]) -> list[tuple[str, np.ndarray]]:
    """Without R2 the regime secures and clears the city, and stops there."""
    return objectives[:2]


@implements("R2")
def left_bank_targets(model) -> np.ndarray:
    """The race for the eastern countryside (¶4): once the SDF reaches the left bank facing the city,
    the regime crosses to contest it (it crossed on pontoons on 2017-09-18, campaign.md): that bank's
    valley cells not yet regime-held and not held by a side it is at peace with.

    Departure: the article gives no crossing; the trigger (the SDF's first unit in that ground) is the
    model's reading of "race". The day it fires is kept in ``model.regime_crossing_day``."""
    cells = deconfliction.city_left_bank(model)
    if model.regime_crossing_day is None:
        if not np.any(model.occupancy[side_code("sdf"), cells] > 0):
            return np.array([], int)
        model.regime_crossing_day = model.day
    control = model.control_flat[cells]
    return cells[(control == 0) | model.relations.hostile[REGIME][control]]


@implements("R2")
def corridor_complete(model) -> bool:
    """The land corridor: regime-held cells join Palmyra, the city and al-Bukamal to the border."""
    from scipy import ndimage

    held = model.control == REGIME
    pieces, _ = ndimage.label(held, structure=np.ones((3, 3), bool))
    anchor = pieces.ravel()[model.place_flat.get("palmyra", -1)] if "palmyra" in model.place_flat else 0
    if not anchor:
        return False
    needed = [model.place_flat[p] for p in ("deir_ez_zor", "bukamal") if p in model.place_flat]
    if any(pieces.ravel()[c] != anchor for c in needed):
        return False
    border = model.border_cells
    neighbours = model.network.neighbours[border].ravel()
    neighbours = neighbours[neighbours >= 0]
    return bool(np.any(pieces.ravel()[neighbours] == anchor))


@implements("R2")
def pmf_cross(params, rules) -> bool:
    """The Iraqi PMF cross at al-Qaim to meet the regime's race to the border (the land corridor, ¶2,
    ¶4; campaign.md); with R2 off there is no race to meet and they stay in Iraq."""
    return rules.on("R2") and params.pmf_fighters > 0 and params.iranian_militia_share > 0


@implements("R3")
def russian_sorties(params, rules) -> float:
    """Russian air cover for the regime (¶2): a daily budget of sorties (none with R3 off)."""
    return params.russian_sorties_per_day if rules.on("R3") else 0.0


@implements("R3")
def russian_adviser_bonus(params, rules) -> float:
    """Russian military experts on the ground raise regime effectiveness (¶2, ¶3)."""
    return params.russian_adviser_bonus if rules.on("R3") else 1.0


@implements("R4")
def reinforcement_schedule(params, rules) -> list[tuple[int, str, int]]:
    """The other fronts are quiet (¶3), so battalions arrive up the Palmyra road: (day, kind, fighters).

    Arrivals are evenly spaced over ``regime_reinforcement_days``; Iranian-backed militia units
    make up ``iranian_militia_share`` of the fighters (the rest Syrian army).
    """
    if not rules.on("R4") or params.regime_reinforcements <= 0:
        return []
    size = params.regime_unit_size
    count = max(1, round(params.regime_reinforcements / size))
    fighters = params.regime_reinforcements / count
    schedule, militia_due = [], 0.0
    for i in range(count):
        day = 1 + round(i * params.regime_reinforcement_days / count)
        militia_due += fighters * params.iranian_militia_share
        kind = "iranian_militia" if militia_due >= fighters / 2 else "syrian_army"
        if kind == "iranian_militia":
            militia_due -= fighters
        schedule.append((day, kind, round(fighters)))
    return schedule


@implements("R5")
def siege_unbroken(control: np.ndarray, corridor: np.ndarray) -> None:
    """R5 switched off: the relief has not arrived; ISIS holds the road corridor up to the city.

    ``corridor`` marks the regime-held cells along the Sukhnah road between al-Shula and the city.
    """
    control[corridor & (control == REGIME)] = side_code("isis")
