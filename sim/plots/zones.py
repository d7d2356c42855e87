"""Control drawn as zones: the control layer's cells smoothed into areas with rounded edges, and the
front lines where two hostile sides' zones meet.

Each controller's cells (and the cells nobody holds) are blurred a little and the map is resampled at
a few times its resolution; each fine pixel goes to the controller whose blurred share is largest
there. The edges are then curves, not cell steps, while every zone stays where the model has it:
smoothing moves an edge by less than a cell. Water cells count for nobody, so a river between two
sides does not open a strip of no-man's-land. Only the drawing is smoothed; the model's data are not.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib import patheffects
from scipy import ndimage

from sim.codes import SIDES, Terrain
from sim.sides import BASELINE_RELATIONS

UPSAMPLE = 3  # fine pixels per cell along each axis
SMOOTHING_CELLS = 0.8  # standard deviation of the blur, in cells
FRONT_MIN_SHARE = 0.08  # both sides' blurred shares must exceed this where a front is drawn
FRONT_STYLE = {"colors": "#111111", "linewidths": 1.3}
FRONT_CASING = [patheffects.withStroke(linewidth=3.0, foreground="white", alpha=0.85)]
HOSTILE_PAIRS = tuple(
    (SIDES.index(a) + 1, SIDES.index(b) + 1) for (a, b), (relation, _) in BASELINE_RELATIONS.items()
    if relation == "hostile"
)


@dataclass(frozen=True)
class Zones:
    """A control layer as zones: ``labels`` [x, y] at UPSAMPLE times the cells (0 = nobody, 1..4 sides)
    and ``shares`` [code, x, y], each controller's blurred share of the ground there."""

    labels: np.ndarray
    shares: np.ndarray


def upsample_linear(stack: np.ndarray, factor: int) -> np.ndarray:
    """Each layer of ``stack`` [layer, x, y] at ``factor`` times the resolution, interpolated linearly
    between cell centres (held flat beyond the outer ones): what ``scipy.ndimage.zoom(order=1,
    grid_mode=True, mode="nearest")`` gives, in a few array operations instead of a spline filter."""
    result = stack
    for axis in (1, 2):
        size = stack.shape[axis]
        position = np.clip((np.arange(size * factor) + 0.5) / factor - 0.5, 0, size - 1)
        below = np.floor(position).astype(int)
        above = np.minimum(below + 1, size - 1)
        weight = (position - below).astype(stack.dtype)
        shape = [1, 1, 1]
        shape[axis] = -1
        weight = weight.reshape(shape)
        result = np.take(result, below, axis=axis) * (1 - weight) + np.take(result, above, axis=axis) * weight
    return result


def smoothed_classes(codes: np.ndarray, count: int, sigma: float = SMOOTHING_CELLS, upsample: int = UPSAMPLE):
    """A layer of class codes 0..count-1 on [x, y] cells at ``upsample`` times the resolution, each fine
    pixel given the class whose blurred share is largest there: the same areas with rounded edges."""
    codes = np.asarray(codes)
    shares = np.stack([ndimage.gaussian_filter((codes == code).astype(float), sigma) for code in range(count)])
    return upsample_linear(shares, upsample).argmax(axis=0)


def control_zones(control: np.ndarray, terrain: np.ndarray, upsample: int = UPSAMPLE) -> Zones:
    """The zones of a control layer (codes 0..4 on [x, y] cells)."""
    control = np.asarray(control)
    land = np.asarray(terrain) != Terrain.WATER
    shares = np.stack([ndimage.gaussian_filter(((control == code) & land).astype(np.float32), SMOOTHING_CELLS)
                       for code in range(len(SIDES) + 1)])
    total = ndimage.gaussian_filter(land.astype(np.float32), SMOOTHING_CELLS)
    shares /= np.maximum(total, 1e-6)
    fine = upsample_linear(shares, upsample)
    return Zones(fine.argmax(axis=0).astype(np.int8), fine)


def zone_image(base: np.ndarray, zones: Zones, palette: np.ndarray, water: np.ndarray | None = None) -> np.ndarray:
    """The terrain image ``base`` (RGBA [y, x] at the fine resolution) tinted by each zone's colour
    (``palette`` [code] RGBA with its alpha); fine pixels in ``water`` ([y, x]) are left untinted."""
    tint = palette[zones.labels.T]
    alpha = tint[..., 3:]
    if water is not None:
        alpha = np.where(water[..., None], 0.0, alpha)
    blended = base * (1 - alpha) + tint * alpha
    blended[..., 3] = base[..., 3]
    return blended


def fine_centres(extent, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Longitudes and latitudes of the fine pixels' centres for an [x, y] array of ``shape``."""
    lon0, lon1, lat0, lat1 = extent
    nx, ny = shape
    return lon0 + (np.arange(nx) + 0.5) * (lon1 - lon0) / nx, lat0 + (np.arange(ny) + 0.5) * (lat1 - lat0) / ny


def draw_fronts(ax, zones: Zones, extent, pairs=HOSTILE_PAIRS) -> list:
    """Draw a front line where the zones of each hostile pair of sides meet; returns the artists."""
    lons, lats = fine_centres(extent, zones.labels.shape)
    artists = []
    for a, b in pairs:
        share_a, share_b = zones.shares[a], zones.shares[b]
        meeting = np.isin(zones.labels, (a, b)) & (share_a > FRONT_MIN_SHARE) & (share_b > FRONT_MIN_SHARE)
        if not meeting.any():
            continue
        difference = np.ma.masked_where(~meeting, share_a - share_b)
        contour = ax.contour(lons, lats, difference.T, levels=[0.0], zorder=4.5, **FRONT_STYLE)
        contour.set_path_effects(FRONT_CASING)
        artists.append(contour)
    return artists
