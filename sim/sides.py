"""The four sides and the relations between them, held as a networkx graph.

The graph is data: each edge carries ``relation`` (hostile, allied or non_aggression) and
``source``; a scenario can change any edge. ``Relations`` answers the model's questions about it
from small lookup tables indexed by side code.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import combinations

import networkx as nx
import numpy as np

from sim.codes import SIDES, side_code

RELATION_KINDS = ("hostile", "allied", "non_aggression")

#: The article's world on 2017-09-10.
BASELINE_RELATIONS: dict[tuple[str, str], tuple[str, str]] = {
    ("regime", "sdf"): ("non_aggression", "¶8: neither fires a single bullet at the other (R1)"),
    ("regime", "isis"): ("hostile", "¶2, ¶9: the regime expels ISIS from the city"),
    ("regime", "opposition"): ("hostile", "¶5: the desert factions fight Assad (R9)"),
    ("sdf", "isis"): ("hostile", "¶8: the SDF carries on its battles against ISIS"),
    ("sdf", "opposition"): ("non_aggression", "¶5: the desert factions refuse joint action with the SDF (R9)"),
    ("isis", "opposition"): ("hostile", "¶5: the desert factions fight ISIS (R9)"),
}


class RelationError(ValueError):
    """An unknown side or relation kind."""


def pair(a: str, b: str) -> tuple[str, str]:
    """A side pair in the canonical (SIDES) order; raises RelationError for unknown or equal sides."""
    for side in (a, b):
        if side not in SIDES:
            raise RelationError(f"unknown side {side!r}; the sides are {', '.join(SIDES)}")
    if a == b:
        raise RelationError(f"a side has no relation with itself ({a!r})")
    return (a, b) if SIDES.index(a) < SIDES.index(b) else (b, a)


def relation_graph(changes: Mapping[tuple[str, str], str] | None = None) -> nx.Graph:
    """The baseline relations with ``changes`` ({(side, side): relation}) applied."""
    graph = nx.Graph()
    graph.add_nodes_from(SIDES)
    for (a, b), (relation, source) in BASELINE_RELATIONS.items():
        graph.add_edge(a, b, relation=relation, source=source)
    for (a, b), relation in (changes or {}).items():
        if relation not in RELATION_KINDS:
            raise RelationError(f"unknown relation {relation!r}; relations are {', '.join(RELATION_KINDS)}")
        graph.add_edge(*pair(a, b), relation=relation, source="scenario")
    return graph


class Relations:
    """Fast answers about a relation graph: who may fight whom, who supports whom."""

    def __init__(self, graph: nx.Graph):
        self.graph = graph
        size = len(SIDES) + 1  # index 0 is "no side"
        self.hostile = np.zeros((size, size), dtype=bool)
        self.allied = np.eye(size, dtype=bool)
        self.non_aggression = np.zeros((size, size), dtype=bool)
        for a, b in combinations(SIDES, 2):
            relation = graph.edges[a, b]["relation"] if graph.has_edge(a, b) else "non_aggression"
            table = {"hostile": self.hostile, "allied": self.allied, "non_aggression": self.non_aggression}[relation]
            i, j = side_code(a), side_code(b)
            table[i, j] = table[j, i] = True
        self.allied[0, 0] = False

    def relation(self, a: str, b: str) -> str:
        i, j = side_code(a), side_code(b)
        if self.hostile[i, j]:
            return "hostile"
        return "allied" if self.allied[i, j] else "non_aggression"

    def hostile_codes(self, code: int) -> list[int]:
        return [j for j in range(1, len(SIDES) + 1) if self.hostile[code, j]]

    def edges(self) -> list[tuple[str, str, str]]:
        return [(a, b, self.relation(a, b)) for a, b in combinations(SIDES, 2)]
