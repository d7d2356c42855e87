"""The ground of a map as an image: terrain and Iraq at a finer resolution than the cells, with edges
smoothed as the control zones' are (``sim.plots.zones``); and the window of cells a zoom is drawn from."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.colors import to_rgba

from sim.codes import Terrain
from sim.geography.export import MapBackdrop
from sim.plots.style import IRAQ_COLOUR, TERRAIN_COLOURS
from sim.plots.zones import UPSAMPLE, smoothed_classes

NARROW_SMOOTHING_CELLS = 0.5  # less than the zones': a river or a town one cell wide must not vanish


def ground_classes(backdrop: MapBackdrop) -> np.ndarray:
    """The ground of each cell for drawing: its terrain code (0..3), or 4 for Iraq."""
    terrain = backdrop.layers["terrain"]
    return np.where(backdrop.layers["iraq"] & (terrain != Terrain.WATER), 4, terrain)


def fine_ground(backdrop: MapBackdrop, upsample: int = UPSAMPLE) -> np.ndarray:
    """The ground classes (``ground_classes``) at ``upsample`` times the cells' resolution [x, y], their edges
    smoothed as the zones' are; water and towns are smoothed less, so that a river one cell wide stays
    whole and a town of one cell stays on the map."""
    ground = ground_classes(backdrop)
    narrow = (Terrain.WATER, Terrain.URBAN)
    fine = smoothed_classes(np.where(np.isin(ground, narrow), Terrain.VALLEY, ground), 5, upsample=upsample)
    for code in narrow:
        fine[smoothed_classes(ground == code, 2, sigma=NARROW_SMOOTHING_CELLS, upsample=upsample) == 1] = code
    return fine


def terrain_image(backdrop: MapBackdrop, upsample: int = UPSAMPLE) -> np.ndarray:
    """The ground as an RGBA image [y, x] at the fine resolution."""
    palette = np.array([to_rgba(TERRAIN_COLOURS[code]) for code in range(4)] + [to_rgba(IRAQ_COLOUR)])
    return palette[fine_ground(backdrop, upsample).T]


def fine_water(backdrop: MapBackdrop, upsample: int = UPSAMPLE) -> np.ndarray:
    """Water and Iraq at the fine resolution [y, x]: ground that control does not tint."""
    return np.isin(fine_ground(backdrop, upsample), (Terrain.WATER, 4)).T


def window(backdrop: MapBackdrop, control: np.ndarray, bounds, margin: int = 4) -> tuple[MapBackdrop, np.ndarray]:
    """The cells of ``backdrop`` and ``control`` within ``bounds`` (lon min, lon max, lat min, lat max)
    and ``margin`` cells around them, as a smaller backdrop with its own extent: a zoom is drawn from
    these at a finer resolution than the whole map could afford."""
    lon0, lon1, lat0, lat1 = backdrop.extent
    nx, ny = control.shape
    dx, dy = (lon1 - lon0) / nx, (lat1 - lat0) / ny
    i0 = max(0, math.floor((bounds[0] - lon0) / dx) - margin)
    i1 = min(nx, math.ceil((bounds[1] - lon0) / dx) + margin)
    j0 = max(0, math.floor((bounds[2] - lat0) / dy) - margin)
    j1 = min(ny, math.ceil((bounds[3] - lat0) / dy) + margin)
    cut = (slice(i0, i1), slice(j0, j1))
    meta = {**backdrop.meta, "extent": [lon0 + i0 * dx, lon0 + i1 * dx, lat0 + j0 * dy, lat0 + j1 * dy]}
    layers = {name: layer[cut] for name, layer in backdrop.layers.items()}
    return MapBackdrop(layers, backdrop.lat[cut], backdrop.lon[cut], meta), np.asarray(control)[cut]
