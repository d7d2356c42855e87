"""R1: the SDF and the regime never engage each other in Deir ez-Zor (¶8).

The rule decides the regime-SDF edge of the relation graph; everything else (ground combat,
entering held cells, air strikes) reads that graph, so the rule holds everywhere it applies. While
the pair is at non-aggression the river is the line between them (``across_the_line``): neither
crosses to the other's bank, so neither can take ground the other needs and freeze it there.
"""

from __future__ import annotations

import networkx as nx
import numpy as np

from sim.codes import Bank, Terrain
from sim.rules.registry import implements


@implements("R1")
def set_regime_sdf_relation(graph: nx.Graph, rule_on: bool, scenario_edges: dict) -> None:
    """Neither fires a single bullet at the other (¶8): the pair is at non-aggression.

    With R1 switched off the two are rivals who fight where they meet (hostile). An edge a
    scenario sets explicitly wins over the rule.
    """
    if ("regime", "sdf") in scenario_edges:
        return
    graph.edges["regime", "sdf"]["relation"] = "non_aggression" if rule_on else "hostile"
    graph.edges["regime", "sdf"]["source"] = "R1 (¶8)" if rule_on else "R1 switched off"


@implements("R1")
def incident_happens(draw: float, rate: float) -> bool:
    """A rare clash across the deconfliction line although R1 holds (campaign.md: known departures).

    Departure from the article, on purpose: ¶8 says never; reporting shows four incidents in 18
    months. The rate is 0 in the baseline, so the baseline follows the article.
    """
    return rate > 0 and draw < rate


#: The city's crossings: the regime's pocket on the left bank the line leaves it is its bridgehead near
#: them (campaign.md), the ground the SDF blocks (R6) and the regime races it for (R2).
POCKET_PLACES = ("dez_bridges", "dez_pontoon_east")


def city_left_bank(model) -> np.ndarray:
    """The left bank facing the city (flat cells): valley within ``city_left_bank_km`` of its crossings."""
    return model.static_cells("the left bank facing the city", lambda: np.flatnonzero(
        (model.km_from_places(POCKET_PLACES) <= model.params.city_left_bank_km)
        & np.isin(model.layers["terrain"].ravel(), (Terrain.VALLEY, Terrain.URBAN))
        & (model.layers["bank"].ravel() == Bank.LEFT)))


@implements("R1")
def across_the_line(river_side: np.ndarray, km_from_city: np.ndarray, pocket_km: float) -> dict[str, np.ndarray]:
    """The Euphrates as the agreed line (campaign.md: by the end of the campaign the river had become
    the line between the regime, right bank, and the SDF, left bank, except a small regime-held pocket
    on the left bank near the city): for each of the pair, the cells (flat) on the other's side of it.

    Note: the article (¶8) says only that they never fight; the line is how the deconfliction kept
    that true on the ground, so the model applies it while the pair is at non-aggression. The regime's
    pocket is the left bank within ``pocket_km`` of the city's crossings (R2's bridgehead).
    """
    left = (river_side == Bank.LEFT) | (river_side == Bank.KHABUR)
    pocket = left & (km_from_city <= pocket_km)
    return {"regime": left & ~pocket, "sdf": river_side == Bank.RIGHT}
