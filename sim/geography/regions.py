"""The situation on day 0 (2017-09-10): the regions of ``day0.toml`` painted onto a control layer."""

from __future__ import annotations

import numpy as np

from sim.codes import BANK_BY_NAME, TERRAIN_BY_NAME, Terrain, side_code
from sim.geography.frame import GridFrame
from sim.geography.raster import polygon_mask
from sim.geography.sources import GeographyData, Region

SIDE_OF_RIVER = {"left": 1, "right": 2}


def day0_control(frame: GridFrame, data: GeographyData, layers, place_cells, road_cells) -> np.ndarray:
    """Apply the regions in order (a later one overrides an earlier one) on land inside Syria."""
    control = np.zeros(frame.shape, dtype=np.int8)
    syrian_land = (layers["terrain"] != Terrain.WATER) & ~layers["iraq"]
    for region in data.regions:
        mask = region_mask(frame, data, region, layers, place_cells, road_cells) & syrian_land
        control[mask] = side_code(region.side)
    return control


def region_mask(frame, data, region: Region, layers, place_cells, road_cells) -> np.ndarray:
    """The cells one region covers: its shape, then its filters."""
    spec = region.spec
    if region.shape == "everywhere":
        mask = np.ones(frame.shape, dtype=bool)
    elif region.shape == "polygon":
        mask = polygon_mask(frame, spec["points"])
    elif region.shape == "near_place":
        place = data.place(spec["place"])
        mask = frame.km_from(place.lat, place.lon) <= spec["km"]
        mask[place_cells[place.id]] = True
    elif region.shape == "near_point":
        mask = frame.km_from(spec["lat"], spec["lon"]) <= spec["km"]
        mask[frame.cell_of(spec["lat"], spec["lon"])] = True
    else:  # near_road
        mask = _near_road(frame, data, spec, road_cells)
    if "river_side" in spec:
        mask &= layers["river_side"] == SIDE_OF_RIVER[spec["river_side"]]
    if "banks" in spec:
        mask &= np.isin(layers["bank"], [BANK_BY_NAME[b] for b in spec["banks"]])
    if "terrain" in spec:
        mask &= np.isin(layers["terrain"], [TERRAIN_BY_NAME[t] for t in spec["terrain"]])
    lat, lon = frame.lat_grid, frame.lon_grid
    for key, values, above in (
        ("lat_min", lat, True),
        ("lat_max", lat, False),
        ("lon_min", lon, True),
        ("lon_max", lon, False),
    ):
        if key in spec:
            mask &= (values >= spec[key]) if above else (values <= spec[key])
    return mask


def _near_road(frame, data, spec, road_cells) -> np.ndarray:
    """Cells within ``km`` of a road, or of its stretch between two waypoints."""
    road = next(r for r in data.roads if r.id == spec["road"])
    names = [w.name for w in road.waypoints]
    first = names.index(spec.get("from", names[0]))
    last = names.index(spec.get("to", names[-1]))
    first, last = min(first, last), max(first, last)
    waypoints = road.waypoints[first : last + 1]
    cells = road_cells[road.id]
    # the stretch of the road's cells from the waypoint cell nearest the first to the one nearest the last
    ends = [
        min(range(len(cells)), key=lambda i, w=w: frame.km_between(frame.centre(cells[i]), (w.lat, w.lon)))
        for w in (waypoints[0], waypoints[-1])
    ]
    stretch = cells[min(ends) : max(ends) + 1]
    on_road = np.zeros(frame.shape, dtype=bool)
    on_road[tuple(np.array(stretch).T)] = True
    from scipy import ndimage

    return ndimage.distance_transform_edt(~on_road) * frame.cell_km <= spec["km"]
