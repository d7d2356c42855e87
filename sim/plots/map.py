"""The campaign map: terrain, rivers, roads, control as zones with front lines, units, engagements and
place names placed without overlap, with zooms of the crowded stretches of the valley.

``draw_map`` draws one map on an axes; ``map_figure`` is the published map (``run.py map``'s
``map.png``): the whole area, zooms of Deir ez-Zor city and of the al-Bukamal area beside it, and the
legend below, where it covers nothing.
"""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter
from matplotlib.transforms import Bbox

from sim.atomic import atomic_path
from sim.codes import SIDES, Terrain
from sim.geography.export import MapBackdrop
from sim.plots.ground import fine_ground, fine_water, terrain_image, window
from sim.plots.labels import LABELLED_KINDS, ZOOM_KINDS, draw_place_labels, place_labels
from sim.plots.markers import (
    engagement_collection,
    set_units,
    unit_collection,
    unit_size,
)
from sim.plots.style import (
    IRAQ_COLOUR,
    RIVER_COLOUR,
    ROAD_COLOUR,
    SIDE_COLOURS,
    SIDE_LABELS,
    TERRAIN_COLOURS,
    TERRAIN_LABELS,
    UNIT_MARKER_LABELS,
    URBAN_HATCH,
    URBAN_HATCH_COLOUR,
)
from sim.plots.zones import UPSAMPLE, control_zones, draw_fronts, fine_centres, zone_image

CONTROL_ALPHA = 0.45
ZOOM_UPSAMPLE = 8  # fine pixels per cell along each axis in a zoom (the whole map has UPSAMPLE)
ZOOM_AREAS = {  # name: (title, (lon min, lon max, lat min, lat max))
    "city": ("Deir ez-Zor city to al-Mayadin", (39.98, 40.66, 34.95, 35.42)),
    "bukamal": ("Hajin to al-Bukamal and al-Qaim", (40.62, 41.12, 34.33, 34.78)),
}
UNIT_SIZE_EXAMPLES = (100, 1000, 5000)  # fighters shown in the legend
SCALE_BAR_GID = "scale-bar"


def control_palette() -> np.ndarray:
    """RGBA colour of each control code (0 transparent) with the zones' alpha."""
    palette = np.zeros((len(SIDES) + 1, 4))
    for code, side in enumerate(SIDES, start=1):
        palette[code] = to_rgba(SIDE_COLOURS[side], CONTROL_ALPHA)
    return palette


def map_aspect(backdrop: MapBackdrop) -> float:
    """Degrees of latitude per degree of longitude on the page (the map's scale is true at its centre)."""
    return 1 / math.cos(math.radians(backdrop.meta["lat0"]))


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
    bounds: tuple[float, float, float, float] | None = None,
    label_kinds=LABELLED_KINDS,
    label_size: float = 6.5,
    avoid: list[Bbox] = (),
    upsample: int = UPSAMPLE,
) -> None:
    """Draw the map on ``ax``; call it once the axes have their final place in the figure, since the
    place names are fitted to the space they have.

    ``control`` is a control layer (codes 0..4; the day-0 layer when omitted); ``units`` are dicts
    with ``lat``, ``lon``, ``side``, ``strength`` (and ``kind``); ``engagements`` dicts with ``lat`` and
    ``lon``; ``bounds`` (lon min, lon max, lat min, lat max) zooms in. ``legend`` puts the legend below
    the axes, outside the map; ``avoid`` are display boxes no place name may cover; ``upsample`` is the
    number of fine pixels a cell of the whole map is drawn with (a zoom has ZOOM_UPSAMPLE).
    """
    control = backdrop.layers["control"] if control is None else control
    raster, cells, upsample = (*window(backdrop, control, bounds), ZOOM_UPSAMPLE) if bounds else (
        backdrop, control, upsample)
    zones = control_zones(cells, raster.layers["terrain"], upsample)
    image = zone_image(terrain_image(raster, upsample), zones, control_palette(), fine_water(raster, upsample))
    ax.imshow(image, origin="lower", extent=raster.extent, aspect=map_aspect(backdrop), interpolation="nearest",
              zorder=1)
    draw_towns(ax, raster, upsample)
    draw_fronts(ax, zones, raster.extent)
    draw_lines(ax, backdrop)
    if engagements:
        engagement_collection(ax).set_offsets(np.array([(e["lon"], e["lat"]) for e in engagements]))
    if units:
        set_units(unit_collection(ax), units)
    axes_in_degrees(ax, bounds or backdrop.extent)
    ax.apply_aspect()  # the axes' final box, which the scale bar and the names are fitted to
    if title:
        ax.set_title(title, fontsize=11)
    avoid = [*avoid, draw_scale_bar(ax, backdrop, "left" if bounds else "right")] if scale_bar else list(avoid)
    if legend:
        ax.legend(handles=legend_handles(control, units=bool(units), engagements=bool(engagements)),
                  loc="upper center", bbox_to_anchor=(0.5, -0.06), ncol=3, fontsize=6.5, frameon=False)
    if labels:
        draw_place_labels(ax, place_labels(backdrop.meta["places"], label_kinds), size=label_size, avoid=avoid)


def draw_towns(ax, backdrop: MapBackdrop, upsample: int) -> None:
    """Built-up ground as a dotted pattern over whatever colour its controller gives it: a pattern, not a
    colour, so that no town can be taken for a side's zone (a brown or grey town looks like the regime
    or ISIS to some readers)."""
    urban = (fine_ground(backdrop, upsample) == Terrain.URBAN).astype(float)
    if not urban.any():
        return
    lons, lats = fine_centres(backdrop.extent, urban.shape)
    pattern = ax.contourf(lons, lats, urban.T, levels=[0.5, 1.5], colors="none", hatches=[URBAN_HATCH], zorder=2)
    pattern.set_edgecolor(URBAN_HATCH_COLOUR)
    pattern.set_linewidth(0)


def draw_lines(ax, backdrop: MapBackdrop) -> None:
    """Rivers, roads and crossing points."""
    for line in backdrop.meta.get("river_lines", {}).values():
        lats, lons = zip(*line, strict=True)
        ax.plot(lons, lats, color=RIVER_COLOUR, lw=1.6, solid_capstyle="round", zorder=3)
    for cells in backdrop.meta["roads"].values():
        cells = np.asarray(cells)
        ax.plot(backdrop.lon[cells[:, 0], cells[:, 1]], backdrop.lat[cells[:, 0], cells[:, 1]], color=ROAD_COLOUR,
                lw=0.8, ls=(0, (4, 2)), alpha=0.8, zorder=3)
    crossings = np.asarray(list(backdrop.meta["crossings"].values())).reshape(-1, 2)
    ax.plot(backdrop.lon[crossings[:, 0], crossings[:, 1]], backdrop.lat[crossings[:, 0], crossings[:, 1]],
            marker="s", ms=3.5, mfc="white", mec=RIVER_COLOUR, ls="", zorder=4)


def axes_in_degrees(ax, bounds) -> None:
    """Limits and ticks in degrees."""
    ax.set_xlim(bounds[0], bounds[1])
    ax.set_ylim(bounds[2], bounds[3])
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.1f}°E"))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.1f}°N"))
    ax.tick_params(labelsize=7)
    ax.grid(color="white", lw=0.4, alpha=0.5)


def draw_scale_bar(ax, backdrop: MapBackdrop, corner: str = "right") -> Bbox:
    """A scale bar in the lower ``corner`` ("left" or "right"), at most a fifth of the axes wide (a round
    number of km); returns its display box so that no label is put on it."""
    lon0, lon1 = ax.get_xlim()
    lat0, lat1 = ax.get_ylim()
    km_per_deg_lon = 111.32 * math.cos(math.radians(backdrop.meta["lat0"]))
    span_km = (lon1 - lon0) * km_per_deg_lon
    km = max((k for k in (2, 5, 10, 20, 25, 50, 100) if k <= span_km / 5), default=1)
    width = km / km_per_deg_lon
    x = lon0 + 0.04 * (lon1 - lon0) if corner == "left" else lon1 - 0.04 * (lon1 - lon0) - width
    y = lat0 + 0.04 * (lat1 - lat0)
    bar = Rectangle((x, y), width, 0.012 * (lat1 - lat0), fc="black", ec="white", lw=0.6, zorder=8, gid=SCALE_BAR_GID)
    ax.add_patch(bar)
    text = ax.text(x + width / 2, y + 0.022 * (lat1 - lat0), f"{km:g} km", ha="center", fontsize=7, zorder=8,
                   gid=SCALE_BAR_GID, bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.7})
    renderer = ax.figure.canvas.get_renderer()
    return Bbox.union([bar.get_window_extent(renderer), text.get_window_extent(renderer)]).padded(3)


def legend_handles(
    control: np.ndarray | None = None, *, units: bool = True, engagements: bool = True, engagement_days: int = 14
) -> list:
    """The legend's entries: the sides held on the map (all four when ``control`` is None), front lines,
    units by kind and size, engagements, then the ground, rivers, roads and crossings."""
    handles = [
        Patch(fc=to_rgba(SIDE_COLOURS[s], CONTROL_ALPHA + 0.15), ec=SIDE_COLOURS[s], lw=0.6, label=SIDE_LABELS[s])
        for i, s in enumerate(SIDES, start=1)
        if control is None or (control == i).any()
    ]
    handles.append(Line2D([], [], color="#111111", lw=1.3, label="Front line (hostile sides)"))
    if units:
        handles += [Line2D([], [], marker=m, ls="", mfc="#999999", mec="black", ms=6, label=f"Unit: {text}")
                    for m, text in UNIT_MARKER_LABELS.items()]
        handles += [Line2D([], [], marker="o", ls="", mfc="#999999", mec="black", ms=math.sqrt(unit_size(n)),
                           label=f"{n:,} fighters") for n in UNIT_SIZE_EXAMPLES]
    if engagements:
        handles.append(Line2D([], [], marker="X", ls="", mfc="white", mec="black", mew=0.5, ms=6,
                              label=f"Engagement (past {engagement_days} days)"))
    handles += [Patch(fc=TERRAIN_COLOURS[c], ec="#999999", lw=0.3, label=TERRAIN_LABELS[c]) for c in (1, 2)]
    handles.append(
        Patch(fc=TERRAIN_COLOURS[3], ec=URBAN_HATCH_COLOUR, lw=0, hatch=URBAN_HATCH, label=TERRAIN_LABELS[3])
    )
    handles += [
        Patch(fc=IRAQ_COLOUR, ec="#999999", lw=0.3, label="Iraq"),
        Line2D([], [], color=RIVER_COLOUR, lw=1.6, label="Euphrates, Khabur"),
        Line2D([], [], color=ROAD_COLOUR, lw=0.8, ls=(0, (4, 2)), label="Road"),
        Line2D([], [], marker="s", ms=3.5, mfc="white", mec=RIVER_COLOUR, ls="", label="Crossing point"),
        Line2D([], [], marker="o", ms=3.5, color="black", mec="white", ls="", label="Place"),
    ]
    return handles


def mark_zoom(ax, name: str, bounds) -> Bbox:
    """Outline a zoomed area on the whole map, with its letter; returns the letter's display box."""
    lon0, lon1, lat0, lat1 = bounds
    ax.add_patch(Rectangle((lon0, lat0), lon1 - lon0, lat1 - lat0, fill=False, ec="#0b3d91", lw=1.1, ls="--",
                           zorder=8.5))
    letter = ax.text(lon0, lat1, f" {name} ", ha="left", va="bottom", fontsize=8, weight="bold", color="white",
                     zorder=8.5, bbox={"boxstyle": "square,pad=0.1", "fc": "#0b3d91", "ec": "none"})
    return letter.get_window_extent(ax.figure.canvas.get_renderer()).padded(2)


def map_figure(
    backdrop: MapBackdrop,
    control: np.ndarray | None = None,
    *,
    title: str = "The middle Euphrates valley",
    units: list[dict] | None = None,
    engagements: list[dict] | None = None,
    dpi: int = 150,
):
    """The published map: the whole area on the left, zooms of the city and the al-Bukamal area on
    the right (their areas outlined on the whole map), the legend across the bottom."""
    lon0, lon1, lat0, lat1 = backdrop.extent
    map_h = 8.2
    map_w = map_h * (lon1 - lon0) / ((lat1 - lat0) * map_aspect(backdrop))
    zoom_w, left, gap, right, bottom_legend, top = 4.3, 0.75, 0.75, 0.2, 1.2, 0.55
    width, height = left + map_w + gap + zoom_w + right, bottom_legend + map_h + top
    fig = plt.figure(figsize=(width, height), dpi=dpi)

    def box(x: float, y: float, w: float, h: float) -> list[float]:
        """An axes rectangle given in inches, in figure fractions."""
        return [x / width, y / height, w / width, h / height]

    main = fig.add_axes(box(left, bottom_legend, map_w, map_h), label="map")
    zoom_h = (map_h - 0.45) / 2
    zooms = [
        fig.add_axes(box(left + map_w + gap, bottom_legend + zoom_h + 0.45, zoom_w, zoom_h), label="zoom:city"),
        fig.add_axes(box(left + map_w + gap, bottom_legend, zoom_w, zoom_h), label="zoom:bukamal"),
    ]
    letters = dict(zip(ZOOM_AREAS, "AB", strict=False))
    axes_in_degrees(main, backdrop.extent)
    main.set_aspect(map_aspect(backdrop))
    main.apply_aspect()
    marks = [mark_zoom(main, letters[name], bounds) for name, (_, bounds) in ZOOM_AREAS.items()]
    draw_map(main, backdrop, control, units=units, engagements=engagements, legend=False, avoid=marks)
    for ax, (name, (zoom_title, bounds)) in zip(zooms, ZOOM_AREAS.items(), strict=True):
        ax.set_aspect(map_aspect(backdrop), adjustable="box")
        draw_map(ax, backdrop, control, units=units, engagements=engagements, legend=False, bounds=bounds,
                 label_kinds=ZOOM_KINDS, label_size=7, title=f"{letters[name]}: {zoom_title}")
        ax.title.set_fontsize(9)
    fig.legend(handles=legend_handles(control, units=bool(units), engagements=bool(engagements)),
               loc="lower center", bbox_to_anchor=(0.5, 0.01), ncol=5, fontsize=7, frameon=False)
    fig.suptitle(title, fontsize=12, y=1 - 0.22 / height)
    return fig


def save_map(backdrop: MapBackdrop, path: str | Path, control: np.ndarray | None = None, **kwargs) -> Path:
    """Write the published map (``map_figure``, which takes the keywords) to a PNG file, atomically."""
    fig = map_figure(backdrop, control, **kwargs)
    path = Path(path)
    with atomic_path(path) as temporary:
        fig.savefig(temporary, format="png")
    plt.close(fig)
    return path
