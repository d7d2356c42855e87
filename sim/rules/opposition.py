"""R9: the desert opposition fights both Assad and ISIS and refuses joint action with the SDF (¶5, ¶7)."""

from __future__ import annotations

import numpy as np

from sim.codes import side_code
from sim.rules.registry import implements

OPPOSITION = side_code("opposition")
RAID_REACH_KM = 110.0  # from al-Tanf: the 55 km zone and a day's dash beyond it (assumption)
CONSENSUS_TARGETS = ("t2_station", "bukamal")  # the US plan for the Badia factions (¶5-¶7)


@implements("R9")
def raid_targets(model) -> np.ndarray:
    """From al-Tanf the desert factions raid whoever of Assad and ISIS comes within reach (¶5):
    cells holding units of a side hostile to them, within reach of the garrison."""
    if not model.rules.on("R9") or "tanf" not in model.place_flat:
        return np.array([], int)
    occupied = model.cells_with_units(model.relations.hostile_codes(OPPOSITION))
    near = model.km_from_places(("tanf",))[occupied] <= RAID_REACH_KM
    return occupied[near]


@implements("R9")
def consensus_targets(model) -> np.ndarray:
    """With a consensus formula (allied with the SDF, ¶5-¶7) the factions drive through the Badia
    on al-Bukamal, as the US hoped: the first of T-2 and al-Bukamal not yet held by them."""
    for place in CONSENSUS_TARGETS:
        if place in model.place_flat:
            cells = model.town_cells(place)
            control = model.control_flat[cells]
            open_cells = cells[
                (control != OPPOSITION) & ((control == 0) | model.relations.hostile[OPPOSITION][control])
            ]
            if open_cells.size:
                return open_cells
    return np.array([], int)
