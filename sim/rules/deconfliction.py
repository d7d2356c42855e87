"""R1: the SDF and the regime never engage each other in Deir ez-Zor (¶8).

The rule decides the regime-SDF edge of the relation graph; everything else (ground combat,
entering held cells, air strikes) reads that graph, so the rule holds everywhere it applies.
"""

from __future__ import annotations

import networkx as nx

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
