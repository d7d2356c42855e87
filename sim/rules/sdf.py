"""The SDF's rules: blocking the regime (R6), the two phases (R7), coalition air and advisers (R8),
and recruiting local tribesmen (R10)."""

from __future__ import annotations

import numpy as np

from sim.codes import Bank, side_code
from sim.geography.raster import polygon_mask
from sim.rules import deconfliction
from sim.rules.registry import implements

SDF = side_code("sdf")

#: R7's limit of advance: "stopping at the town of al-Sur" (¶9), the one place the article names. The line
#: is drawn from al-Suwar alone: the shortest way from it to the Euphrates, and due east from it to the
#: map's edge (an assumption; no other place chooses it).
STOP_LINE_TOWN = "suwar"
PHASE_ONE_TOWNS = ("markada", "suwar")  # ¶9: "go toward Markada, stop at al-Sur"
#: Phase 2 "drives down the east bank to the Iraqi border" (¶9): the towns and oil fields (R15) beyond the
#: line, whichever they are, nearest the SDF's bases first.
PHASE_TWO_KINDS = ("city", "town", "oilfield")
SDF_BASES = ("hasakah", "shaddadi")


@implements("R7")
def in_phase_two(model) -> bool:
    """Phase 2 (the drive down the left bank) from the scenario's date (¶9: March 2018) or the day a
    scenario lifts the stop line (``model.sdf_phase2_day``); at once with R7 switched off."""
    return not model.rules.on("R7") or model.day >= model.sdf_phase2_day


@implements("R7")
def stop_line(layers) -> tuple[tuple[float, float], ...]:
    """Phase 1's limit of advance (lat, lon): from the Euphrates' nearest point to al-Suwar, through
    al-Suwar, due east to the map's edge; empty on a map without al-Suwar."""
    town = next((p for p in layers.places if p.id == STOP_LINE_TOWN), None)
    river = np.asarray(layers.river_lines.get("Euphrates", ()), dtype=float)
    if town is None or not river.size:
        return ()
    squeeze = np.cos(np.radians(town.lat))
    nearest = river[int(np.argmin(np.hypot(river[:, 0] - town.lat, (river[:, 1] - town.lon) * squeeze)))]
    return (tuple(nearest), (town.lat, town.lon), (town.lat, layers.frame.bbox.lon_max + 1))


@implements("R7")
def beyond_stop_line(layers) -> np.ndarray:
    """Cells (flat) beyond phase 1's limit of advance: the left bank south-east of the line."""
    line = stop_line(layers)
    if not line:
        return np.zeros(layers["terrain"].size, dtype=bool)
    box = layers.frame.bbox
    (_, river_lon), _, east = line
    south_east = [*line, (box.lat_min - 1, east[1]), (box.lat_min - 1, river_lon)]
    beyond = polygon_mask(layers.frame, south_east) & (layers["river_side"] == Bank.LEFT)
    return beyond.ravel()


@implements("R6")
def blocking_targets(model) -> np.ndarray:
    """Block the regime from the eastern countryside (¶4, ¶9): the left bank facing the city and
    its crossings, not yet held by the SDF."""
    cells = deconfliction.city_left_bank(model)
    return cells[_open_to_take(model, cells)]


@implements("R7")
def phase_targets(model, phase_two: bool) -> list[tuple[str, np.ndarray]]:
    """The SDF's objectives in order: phase 1 toward Markada and al-Suwar (¶9); phase 2 down the
    left bank to the border at al-Baghuz."""
    objectives = []
    if model.rules.on("R6"):
        objectives.append(("the left bank facing the city", blocking_targets(model)))
    for place in PHASE_ONE_TOWNS + (phase_two_places(model) if phase_two else ()):
        if place in model.place_flat:
            cells = model.town_cells(place)
            objectives.append((place, cells[_open_to_take(model, cells)]))
    return objectives


@implements("R7")
def phase_two_places(model) -> tuple[str, ...]:
    """Phase 2's places: every town and oil field of the governorate's left bank beyond the stop line,
    in order of distance from the SDF's bases (none named: the order comes from the map)."""
    def ordered() -> tuple[str, ...]:
        beyond = model.beyond_stop_line_cells()
        inside = model.layers["governorate"].ravel()
        km = model.km_from_places(tuple(p for p in SDF_BASES if p in model.place_flat)) if any(
            p in model.place_flat for p in SDF_BASES) else np.zeros(beyond.size)
        places = [p for p in model.layers.places if p.kind in PHASE_TWO_KINDS and p.id in model.place_flat
                  and beyond[model.place_flat[p.id]] and inside[model.place_flat[p.id]]]
        return tuple(p.id for p in sorted(places, key=lambda p: (km[model.place_flat[p.id]], p.id)))
    return model.static_cells("R7: phase 2's places", ordered)


def _open_to_take(model, cells: np.ndarray) -> np.ndarray:
    """Which of ``cells`` the SDF may take: held by no one or by a side hostile to it."""
    takeable = model.relations.hostile[SDF].copy()  # by controller
    takeable[0], takeable[SDF] = True, False
    return takeable[model.control_flat[cells]]


@implements("R8")
def coalition_sorties(params, rules) -> float:
    """The Americans back the SDF from the air in an organised way (¶8): a daily sortie budget."""
    return params.coalition_sorties_per_day if rules.on("R8") else 0.0


@implements("R8")
def us_adviser_bonus(params, rules) -> float:
    """US advisers on the ground raise SDF effectiveness (campaign.md; ¶8 'supported on the ground')."""
    return params.us_adviser_bonus if rules.on("R8") else 1.0


@implements("R10")
def expected_recruits(residents: np.ndarray, attitude: np.ndarray, sdf_held: np.ndarray, params) -> float:
    """Trusted local groups join the SDF (¶6, ¶7): recruits a day from the people of SDF-held cells,
    growing with their attitude toward the SDF above a threshold."""
    threshold = params.sdf_attitude_threshold
    willing = (attitude[sdf_held] - threshold) / max(1e-9, 1 - threshold)
    willing.clip(0, 1, out=willing)
    return float(params.sdf_recruitment_rate * (residents[sdf_held] * willing).sum())
