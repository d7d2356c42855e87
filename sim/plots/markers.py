"""Units and engagements on a map: one marker per stack of units (same place, side and kind) in the
side's colour with a contrasting outline, its area growing with the fighters, its shape the kind;
engagements as white crosses outlined in black. Markers are scatter collections, updated in place
by the animation and the app."""

from __future__ import annotations

import numpy as np
from matplotlib.markers import MarkerStyle

from sim.plots.style import SIDE_COLOURS, UNIT_EDGES, UNIT_MARKERS

ENGAGEMENT_STYLE = {"marker": "X", "facecolor": "white", "edgecolor": "black", "linewidths": 0.5}
ENGAGEMENT_SIZE = 26  # points²


def unit_size(strength) -> np.ndarray:
    """Marker area (points²) for a stack of ``strength`` fighters: grows with the square root, so a
    stack ten times stronger is about three times as wide."""
    return 8 + 2.4 * np.sqrt(np.asarray(strength, dtype=float))


def stacked_units(units: list[dict]) -> list[dict]:
    """Units at the same place, of the same side and kind, as one marker with their summed strength
    (weakest drawn last, so a small stack is not hidden under a big one)."""
    stacks: dict[tuple, dict] = {}
    for unit in units:
        key = (round(unit["lon"], 4), round(unit["lat"], 4), unit["side"], unit.get("kind", ""))
        stack = stacks.setdefault(key, {"lon": unit["lon"], "lat": unit["lat"], "side": unit["side"],
                                        "kind": unit.get("kind", ""), "strength": 0.0})
        stack["strength"] += unit["strength"]
    return sorted(stacks.values(), key=lambda stack: -stack["strength"])


def marker_path(marker: str):
    """The path of a matplotlib marker, in the units a scatter's sizes scale."""
    style = MarkerStyle(marker)
    return style.get_path().transformed(style.get_transform())


def set_units(collection, units: list[dict]) -> None:
    """Show ``units`` on a scatter collection: side colour with a contrasting edge, size by strength,
    shape by kind."""
    stacks = stacked_units(units)
    if not stacks:
        collection.set_offsets(np.zeros((0, 2)))
        return
    collection.set_offsets(np.array([(s["lon"], s["lat"]) for s in stacks]))
    collection.set_sizes(unit_size([s["strength"] for s in stacks]))
    collection.set_paths([marker_path(UNIT_MARKERS.get(s["kind"], "o")) for s in stacks])
    collection.set_facecolors([SIDE_COLOURS[s["side"]] for s in stacks])
    collection.set_edgecolors([UNIT_EDGES[s["side"]] for s in stacks])


def unit_collection(ax):
    """An empty scatter for units, above everything but the place names."""
    return ax.scatter([], [], s=[], linewidths=0.7, zorder=7)


def engagement_collection(ax):
    """An empty scatter for engagements."""
    return ax.scatter([], [], s=ENGAGEMENT_SIZE, zorder=6.5, **ENGAGEMENT_STYLE)
