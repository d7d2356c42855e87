"""Place names on a map without overlap: the most important places first, each label tried in several
positions around its place, then further out with a leader line; a label that fits nowhere is left
out (a zoom of the area shows it).

Placement measures the labels with the figure's renderer, so it is done once the axes have their
final size and limits (a layout change afterwards would move the labels relative to each other).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from matplotlib.path import Path
from matplotlib.transforms import Bbox

from sim.outcomes import PLACE_DAYS

LABELLED_KINDS = ("city", "town", "border_town", "airbase", "oilfield", "gasfield", "base", "camp")
ZOOM_KINDS = (*LABELLED_KINDS, "village", "landmark", "ridge", "station")
KIND_RANK = {"city": 0, "border_town": 1, "airbase": 2, "town": 3, "gasfield": 4, "oilfield": 4, "base": 5,
             "camp": 6, "station": 7, "village": 8, "landmark": 9, "ridge": 9}
BIG_TOWN = 40000  # people: places this big are labelled in bold, before the others
NEAR_PT = 2.5  # points between a place's dot and its label when the label sits beside it
LEADER_RINGS_PT = (13.0, 22.0, 32.0)  # distances tried with a leader line when no nearby position is free
NEAR_ANGLES = (0, 45, -45, 180, 135, -135, 90, -90)  # degrees: right first, then the diagonals, left, above, below
LEADER_ANGLES = tuple(range(0, 360, 30))
GAP_PX = 1.5  # clear space kept around every label
LABEL_GID = "place-label"  # marks the name artists, for tests and for anyone restyling them
LEADER = {"arrowstyle": "-", "lw": 0.6, "color": "#333333", "shrinkA": 0, "shrinkB": 1.5}


@dataclass(frozen=True)
class PlaceLabel:
    """A place to name: where, how important (lower ``rank`` first) and how large its label is."""

    name: str
    lon: float
    lat: float
    rank: tuple
    bold: bool


def place_labels(places: list[dict], kinds=LABELLED_KINDS) -> list[PlaceLabel]:
    """The places of ``kinds`` as labels, most important first: towns of 40,000 people or more and the
    places whose taking is an outcome of the run (al-Baghuz, Conoco, Hajin...), then the rest by kind
    (the border town, the airbase, towns by population, oil and gas fields, bases, camps)."""
    outcome_places = {place for place, _ in PLACE_DAYS.values()}

    def rank(p: dict) -> tuple:
        first = (p["population"] or 0) >= BIG_TOWN or p["id"] in outcome_places
        return 0 if first else 1, KIND_RANK.get(p["kind"], 10), -(p["population"] or 0)

    labels = [
        PlaceLabel(p["name"], p["lon"], p["lat"], rank(p), (p["population"] or 0) >= BIG_TOWN)
        for p in places
        if p["kind"] in kinds
    ]
    return sorted(labels, key=lambda label: label.rank)


def _alignment(angle: float) -> tuple[str, str]:
    dx, dy = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    ha = "left" if dx > 0.3 else "right" if dx < -0.3 else "center"
    va = "bottom" if dy > 0.3 else "top" if dy < -0.3 else "center"
    return ha, va


def _candidates():
    for angle in NEAR_ANGLES:
        yield angle, NEAR_PT, False
    for ring in LEADER_RINGS_PT:
        for angle in LEADER_ANGLES:
            yield angle, ring, True


def _free(box: Bbox, taken: list[Bbox]) -> bool:
    return not any(box.overlaps(other) for other in taken)


def draw_place_labels(
    ax, labels: list[PlaceLabel], *, size: float = 6.5, avoid: list[Bbox] = (), dot_size: float = 3.0
) -> list:
    """Draw a dot at each place inside the axes' limits and name as many as fit without overlap, in
    order of importance. ``avoid`` are display boxes no label may touch (a legend, a scale bar, a zoom's
    frame). Returns the label artists drawn (matplotlib Annotations)."""
    figure = ax.figure
    renderer = figure.canvas.get_renderer()
    x0, x1 = sorted(ax.get_xlim())
    y0, y1 = sorted(ax.get_ylim())
    shown = [label for label in labels if x0 <= label.lon <= x1 and y0 <= label.lat <= y1]
    frame = ax.get_window_extent(renderer).padded(-2)
    points = ax.transData.transform([(label.lon, label.lat) for label in shown]) if shown else []
    px = figure.dpi / 72
    dots = [Bbox.from_extents(x - dot_size * px / 2, y - dot_size * px / 2, x + dot_size * px / 2,
                              y + dot_size * px / 2) for x, y in points]
    taken = list(avoid) + dots
    drawn = []
    for index, (label, (x, y)) in enumerate(zip(shown, points, strict=True)):
        ax.plot(label.lon, label.lat, marker="o", ms=dot_size * (1.25 if label.bold else 1), color="black",
                mec="white", mew=0.5, zorder=8)
        style = {
            "gid": LABEL_GID, "zorder": 9, "fontsize": size * (1.12 if label.bold else 1),
            "weight": "bold" if label.bold else "normal",
            "bbox": {"boxstyle": "round,pad=0.12", "fc": "white", "ec": "none", "alpha": 0.78},
        }
        text = ax.annotate(label.name, (label.lon, label.lat), xytext=(0, 0), textcoords="offset points", **style)
        own_dot = dots[index]
        for angle, distance, leader in _candidates():
            ha, va = _alignment(angle)
            offset = (distance * math.cos(math.radians(angle)), distance * math.sin(math.radians(angle)))
            text.xyann = offset
            text.set_horizontalalignment(ha)
            text.set_verticalalignment(va)
            box = text.get_window_extent(renderer).padded(GAP_PX)
            if not (frame.containsx(box.x0) and frame.containsx(box.x1)
                    and frame.containsy(box.y0) and frame.containsy(box.y1)):
                continue
            if not _free(box, [t for t in taken if t is not own_dot]):
                continue
            if leader and _leader_crosses((x, y), box, [t for t in taken if t is not own_dot]):
                continue
            if leader:  # an annotation gets its leader line only when it is made
                text.remove()
                text = ax.annotate(
                    label.name, (label.lon, label.lat), xytext=offset, textcoords="offset points", ha=ha, va=va,
                    arrowprops=LEADER, **style,
                )
            taken.append(box)
            drawn.append(text)
            break
        else:
            text.remove()
    return drawn


def _leader_crosses(start, box: Bbox, taken: list[Bbox]) -> bool:
    """Whether the leader line from the place to the label's centre crosses another label or dot."""
    end = ((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2)
    line = Path([start, end])
    return any(line.intersects_bbox(other, filled=True) for other in taken)
