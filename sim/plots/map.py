"""The campaign map: terrain, rivers, roads, towns, control by side, units and engagements."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter

from sim.atomic import atomic_path
from sim.codes import SIDES
from sim.geography.export import MapBackdrop
from sim.plots.style import SIDE_COLOURS, SIDE_LABELS, TERRAIN_COLOURS, TERRAIN_LABELS

LABELLED_KINDS = ("city", "town", "border_town", "airbase", "oilfield", "gasfield", "base", "camp")
CONTROL_ALPHA = 0.42


def _cell_centres(backdrop: MapBackdrop, cells) -> tuple[np.ndarray, np.ndarray]:
    cells = np.asarray(cells)
    return backdrop.lon[cells[:, 0], cells[:, 1]], backdrop.lat[cells[:, 0], cells[:, 1]]


def draw_map(
    ax,
    backdrop: MapBackdrop,
    control: np.ndarray | None = None,
    *,
    title: str | None = None,
    units: list[dict] | None = None,
    engagements: list[dict] | None = None,
    labels: bool = True,
    legend: bool = True,
    scale_bar: bool = True,
) -> None:
    """Draw the map on ``ax``.

    ``control`` is a control layer (codes 0..4; the day-0 layer when omitted); ``units`` are dicts
    with ``lat``, ``lon``, ``side`` and ``strength``; ``engagements`` dicts with ``lat`` and ``lon``.
    """
    terrain = backdrop.layers["terrain"]
    rgb = np.zeros((*terrain.shape, 4))
    for code, colour in TERRAIN_COLOURS.items():
        rgb[terrain == code] = to_rgba(colour)
    rgb[backdrop.layers["iraq"] & (terrain != 0)] = to_rgba("#dcdcdc")
    extent = backdrop.extent
    aspect = 1 / math.cos(math.radians(backdrop.meta["lat0"]))
    ax.imshow(np.transpose(rgb, (1, 0, 2)), origin="lower", extent=extent, aspect=aspect, interpolation="nearest")

    control = backdrop.layers["control"] if control is None else control
    overlay = np.zeros((*control.shape, 4))
    for code, side in enumerate(SIDES, start=1):
        overlay[control == code] = to_rgba(SIDE_COLOURS[side], CONTROL_ALPHA)
    ax.imshow(np.transpose(overlay, (1, 0, 2)), origin="lower", extent=extent, aspect=aspect, interpolation="nearest")

    for line in backdrop.meta.get("river_lines", {}).values():
        lats, lons = zip(*line, strict=True)
        ax.plot(lons, lats, color="#1f5fa8", lw=1.6, solid_capstyle="round", zorder=3)
    for cells in backdrop.meta["roads"].values():
        lons, lats = _cell_centres(backdrop, cells)
        ax.plot(lons, lats, color="#5a4a3a", lw=0.8, ls=(0, (4, 2)), alpha=0.8, zorder=3)
    for cell in backdrop.meta["crossings"].values():
        lons, lats = _cell_centres(backdrop, [cell])
        ax.plot(lons, lats, marker="s", ms=3.5, mfc="white", mec="#1f5fa8", ls="", zorder=4)

    if engagements:
        ax.scatter(
            [e["lon"] for e in engagements],
            [e["lat"] for e in engagements],
            marker="x",
            s=14,
            c="#ff6600",
            lw=0.9,
            zorder=6,
            label="engagement",
        )
    if units:
        for side in SIDES:
            mine = [u for u in units if u["side"] == side]
            if mine:
                ax.scatter(
                    [u["lon"] for u in mine],
                    [u["lat"] for u in mine],
                    s=[max(6.0, u["strength"] / 25) for u in mine],
                    c=SIDE_COLOURS[side],
                    edgecolors="white",
                    linewidths=0.5,
                    zorder=7,
                )
    if labels:
        _label_places(ax, backdrop)
    _axes_in_degrees(ax, extent)
    if scale_bar:
        _scale_bar(ax, backdrop)
    if legend:
        _legend(ax, control)
    if title:
        ax.set_title(title, fontsize=11)


def _label_places(ax, backdrop: MapBackdrop) -> None:
    for place in backdrop.meta["places"]:
        if place["kind"] not in LABELLED_KINDS:
            continue
        big = (place["population"] or 0) >= 40000
        ax.plot(place["lon"], place["lat"], marker="o", ms=3.5 if big else 2.5, color="black", zorder=5)
        ax.annotate(
            place["name"],
            (place["lon"], place["lat"]),
            xytext=(3, 2),
            textcoords="offset points",
            fontsize=6.5 if big else 5.5,
            weight="bold" if big else "normal",
            zorder=5,
            bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.6},
        )


def _axes_in_degrees(ax, extent) -> None:
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.1f}°E"))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.1f}°N"))
    ax.tick_params(labelsize=7)
    ax.grid(color="white", lw=0.4, alpha=0.5)


def _scale_bar(ax, backdrop: MapBackdrop, km: float = 50.0) -> None:
    lon0, lon1, lat0, lat1 = backdrop.extent
    km_per_deg_lon = 111.32 * math.cos(math.radians(backdrop.meta["lat0"]))
    x = lon0 + 0.04 * (lon1 - lon0)
    y = lat0 + 0.04 * (lat1 - lat0)
    width = km / km_per_deg_lon
    ax.add_patch(Rectangle((x, y), width, 0.012 * (lat1 - lat0), color="black", zorder=8))
    ax.text(x + width / 2, y + 0.02 * (lat1 - lat0), f"{km:.0f} km", ha="center", fontsize=7, zorder=8)


def _legend(ax, control: np.ndarray) -> None:
    handles = [
        Patch(fc=to_rgba(SIDE_COLOURS[s], CONTROL_ALPHA + 0.2), ec="none", label=SIDE_LABELS[s])
        for i, s in enumerate(SIDES, start=1)
        if (control == i).any()
    ]
    handles += [Patch(fc=TERRAIN_COLOURS[c], ec="#999999", lw=0.3, label=TERRAIN_LABELS[c]) for c in (1, 2, 3)]
    handles += [
        Line2D([], [], color="#1f5fa8", lw=1.6, label="Euphrates, Khabur"),
        Line2D([], [], color="#5a4a3a", lw=0.8, ls=(0, (4, 2)), label="Road"),
        Line2D([], [], marker="s", ms=3.5, mfc="white", mec="#1f5fa8", ls="", label="Crossing point"),
        Patch(fc="#dcdcdc", ec="none", label="Iraq"),
    ]
    ax.legend(handles=handles, loc="upper left", fontsize=6, framealpha=0.85)


def save_map(
    backdrop: MapBackdrop, path: str | Path, control: np.ndarray | None = None, *, title: str | None = None, **kwargs
) -> Path:
    """Draw one map to a PNG file (written atomically)."""
    fig, ax = plt.subplots(figsize=(9, 9.5), dpi=150)
    draw_map(ax, backdrop, control, title=title, **kwargs)
    fig.tight_layout()
    path = Path(path)
    with atomic_path(path) as temporary:
        fig.savefig(temporary, format="png")
    plt.close(fig)
    return path
