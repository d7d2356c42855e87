"""R9: the desert opposition fights both Assad and ISIS and refuses joint action with the SDF (¶5, ¶7)."""

from __future__ import annotations

import networkx as nx
import numpy as np

from sim.codes import side_code
from sim.rules.registry import implements

OPPOSITION = side_code("opposition")
RAID_REACH_KM = 110.0  # from al-Tanf: the 55 km zone and a day's dash beyond it (assumption)
CONSENSUS_TARGETS = ("t2_station", "bukamal")  # the US plan for the Badia factions (¶5-¶7)


@implements("R9")
def set_opposition_sdf_relation(graph: nx.Graph, rule_on: bool, scenario_edges: dict) -> None:
    """The desert factions refuse any joint action with the SDF (¶5, ¶7): the pair is at non-aggression.

    With R9 switched off they accept it, as the US hoped (¶5-¶7): allied with the SDF, under coalition
    air, they drive through the Badia on al-Bukamal (``consensus_targets``). An edge a scenario sets
    explicitly wins over the rule.
    """
    if ("sdf", "opposition") in scenario_edges:
        return
    graph.edges["sdf", "opposition"]["relation"] = "non_aggression" if rule_on else "allied"
    graph.edges["sdf", "opposition"]["source"] = "R9 (¶5, ¶7)" if rule_on else "R9 switched off"


@implements("R9")
def raid_targets(model) -> np.ndarray:
    """From al-Tanf the desert factions raid whoever of Assad and ISIS comes within reach (¶5):
    cells holding units of a side hostile to them, within reach of the garrison."""
    if "tanf" not in model.place_flat:
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
