"""The SDF's rules: blocking the regime (R6), the two phases (R7), coalition air and advisers (R8),
and recruiting local tribesmen (R10)."""

from __future__ import annotations

import numpy as np

from sim.calendar import day_of
from sim.codes import Bank, Terrain, side_code
from sim.geography.raster import polygon_mask
from sim.rules.registry import implements

SDF = side_code("sdf")

#: R7's limit of advance: "stopping at the town of al-Sur" (¶9). The line runs from the Euphrates
#: east of the city (between the Conoco plant, taken in phase 1 on 2017-09-23, and Khasham) just south of
#: al-Suwar to the Iraqi border. Its ends are an assumption; the article names only al-Sur.
STOP_LINE = ((35.29, 40.24), (35.47, 40.66), (35.58, 41.40))
OPPOSITE_CITY_KM = 12.0  # R6: the left bank facing the city and its crossings
PHASE_ONE_TOWNS = ("markada", "suwar")
PHASE_TWO_PLACES = ("busayrah", "dhiban", "omar_field", "tanak_field", "hajin", "shafah", "susah", "baghuz")


@implements("R7")
def in_phase_two(model) -> bool:
    """Phase 2 (the drive down the left bank) from the scenario's date (¶9: March 2018); at once
    with R7 switched off."""
    return not model.rules.on("R7") or model.day >= day_of(model.params.sdf_phase2_date)


@implements("R7")
def beyond_stop_line(layers) -> np.ndarray:
    """Cells (flat) beyond phase 1's limit of advance: south-east of the line through al-Suwar."""
    box = layers.frame.bbox
    south_east = [*STOP_LINE, (box.lat_min - 1, box.lon_max + 1), (STOP_LINE[0][0] - 0.01, STOP_LINE[0][1] - 0.01)]
    beyond = polygon_mask(layers.frame, south_east) & (layers["river_side"] == Bank.LEFT)
    return beyond.ravel()


@implements("R6")
def blocking_targets(model) -> np.ndarray:
    """Block the regime from the eastern countryside (¶4, ¶9): the left bank facing the city and
    its crossings, and the Conoco plant, not yet held by the SDF."""
    cells = model.static_cells("the left bank facing the city, and Conoco", lambda: _facing_the_city(model))
    return cells[_open_to_take(model, cells)]


def _facing_the_city(model) -> np.ndarray:
    """R6's cells (flat), whoever holds them: the left bank's valley facing the city, and Conoco."""
    near = model.km_from_places(("dez_bridges", "dez_pontoon_east")) <= OPPOSITE_CITY_KM
    valley = np.isin(model.layers["terrain"].ravel(), (Terrain.VALLEY, Terrain.URBAN))
    cells = np.flatnonzero(near & valley & (model.layers["bank"].ravel() == Bank.LEFT))
    if "conoco" in model.place_flat:
        cells = np.append(cells, model.place_flat["conoco"])
    return cells


@implements("R7")
def phase_targets(model, phase_two: bool) -> list[tuple[str, np.ndarray]]:
    """The SDF's objectives in order: phase 1 toward Markada and al-Suwar (¶9); phase 2 down the
    left bank to the border at al-Baghuz."""
    objectives = []
    if model.rules.on("R6"):
        objectives.append(("the left bank facing the city", blocking_targets(model)))
    for place in PHASE_ONE_TOWNS + (PHASE_TWO_PLACES if phase_two else ()):
        if place in model.place_flat:
            cells = model.town_cells(place)
            objectives.append((place, cells[_open_to_take(model, cells)]))
    return objectives


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
