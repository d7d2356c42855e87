"""Several maps of one run in a grid with a single legend (``maps.png``): three columns for five or six
dates, two for three or four; the legend takes a spare cell of the grid, or a strip below it when none
is spare, so it covers no map."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt

from sim.geography.export import MapBackdrop
from sim.plots.map import draw_map, legend_handles, map_aspect

PANEL_W = 5.0  # inches of map width in each cell
TITLE_H, TICKS_H, GAP_W, LEFT, TOP = 0.3, 0.35, 0.75, 0.75, 0.6
LEGEND_STRIP_H = 1.3


def grid_shape(count: int) -> tuple[int, int]:
    """Rows and columns for ``count`` maps: as square as the page allows, never a long single row."""
    columns = 1 if count == 1 else 2 if count <= 4 else 3
    return math.ceil(count / columns), columns


def map_grid_figure(
    backdrop: MapBackdrop, panels: list[dict], title: str, *, engagement_days: int = 14, dpi: int = 130
):
    """A figure of maps, one per ``panels`` entry (``draw_map`` keywords: control, title, units,
    engagements of the past ``engagement_days``), with the legend in a spare cell or below the grid."""
    rows, columns = grid_shape(len(panels))
    lon0, lon1, lat0, lat1 = backdrop.extent
    map_h = PANEL_W * (lat1 - lat0) * map_aspect(backdrop) / (lon1 - lon0)
    cell_w, cell_h = PANEL_W + GAP_W, map_h + TITLE_H + TICKS_H
    spare = rows * columns - len(panels)
    strip = 0.0 if spare else LEGEND_STRIP_H
    width, height = LEFT + columns * cell_w, TOP + rows * cell_h + strip
    fig = plt.figure(figsize=(width, height), dpi=dpi)

    def cell(row: int, column: int) -> list[float]:
        """The map's rectangle in the grid cell, in figure fractions."""
        x = LEFT + column * cell_w
        y = height - TOP - (row + 1) * cell_h + TICKS_H
        return [x / width, y / height, PANEL_W / width, map_h / height]

    for index, panel in enumerate(panels):
        ax = fig.add_axes(cell(*divmod(index, columns)), label=f"map {index}")
        draw_map(ax, backdrop, legend=False, scale_bar=index == 0, **panel)
        ax.title.set_fontsize(10)
    handles = legend_handles(None, units=any(p.get("units") for p in panels),
                             engagements=any(p.get("engagements") for p in panels), engagement_days=engagement_days)
    if spare:
        box = cell(*divmod(len(panels), columns))
        fig.legend(handles=handles, loc="center", bbox_to_anchor=(box[0] + box[2] / 2, box[1] + box[3] / 2),
                   ncol=1, fontsize=8, frameon=False, title="Legend", title_fontsize=9)
    else:
        fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.005), ncol=min(5, 2 * columns),
                   fontsize=7.5, frameon=False)
    fig.suptitle(title, fontsize=12, y=1 - 0.25 / height)
    return fig
