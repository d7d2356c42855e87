"""Build the map's layers (numpy arrays) from the checked geography data.

The order of construction, each step using only the ones before it:
border (Iraq) -> rivers (water, 4-connected) -> crossings -> side of the Euphrates -> banks ->
valley and desert -> places -> towns (urban) -> population -> oil and gas -> roads -> day-0 control.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from sim.codes import BANK_BY_NAME, Bank, Crossing, Terrain
from sim.geography.frame import GridFrame
from sim.geography.raster import (
    Cell,
    inside_polygon,
    line_8_connected,
    polygon_mask,
    shortest_path,
    trace_4_connected,
)
from sim.geography.regions import day0_control
from sim.geography.sources import GeographyData, Place

MOORE = np.ones((3, 3), dtype=bool)

#: Layer name -> (dtype, what it holds). The property layers of the Mesa grid, in this order.
LAYER_DOCS: dict[str, tuple[type, str]] = {
    "terrain": (np.int8, "terrain class: 0 water, 1 irrigated valley, 2 desert, 3 urban"),
    "bank": (np.int8, "river bank within reach of the rivers: 0 none, 1 left, 2 right, 3 Khabur"),
    "river_side": (np.int8, "side of the Euphrates for every land cell: 0 water, 1 left (north/east), 2 right"),
    "road": (np.bool_, "a road runs through the cell (movement bonus)"),
    "crossing": (np.int8, "crossing point: 0 none, 1 bridge, 2 ferry/pontoon site (bridge down), 3 border crossing"),
    "population": (np.float64, "pre-war residents in the cell (people)"),
    "oil": (np.float64, "oil and gas value of the cell (relative: al-Omar field = 1.0 in all)"),
    "place": (np.int16, "index of the key place in the cell (row of places.csv), -1 for none"),
    "iraq": (np.bool_, "outside Syria (Iraq): off-limits to Syrian ground units except at the border crossing"),
    "governorate": (np.bool_, "inside Deir ez-Zor governorate (approximate outline)"),
    "control": (np.int8, "controller on day 0 (2017-09-10): 0 none, 1 regime, 2 sdf, 3 isis, 4 opposition"),
}


@dataclass(frozen=True)
class MapLayers:
    """The rasterised map: layers as read-only arrays of shape (nx, ny), plus where things are."""

    frame: GridFrame
    layers: dict[str, np.ndarray]
    places: tuple[Place, ...]
    place_cells: dict[str, Cell]
    crossing_cells: dict[str, Cell]
    road_cells: dict[str, tuple[Cell, ...]]
    river_cells: dict[str, tuple[Cell, ...]]
    river_lines: dict[str, tuple[tuple[float, float], ...]]
    rural_density_per_km2: float

    def __getitem__(self, name: str) -> np.ndarray:
        return self.layers[name]


def build_layers(data: GeographyData, cell_km: float) -> MapLayers:
    from scipy import ndimage

    frame = GridFrame(data.bbox, cell_km)
    iraq = _outside_syria(frame, data.border)

    river_cells = {name: tuple(trace_4_connected(frame, line)) for name, line in data.rivers.items()}
    euphrates = _mask(frame, river_cells["Euphrates"])
    water = euphrates.copy()
    for cells in river_cells.values():
        water |= _mask(frame, cells)

    crossing = np.zeros(frame.shape, dtype=np.int8)
    crossing_cells = {}
    for site in data.crossings:
        cell = _nearest(frame, river_cells[site.river], site.lat, site.lon)
        crossing[cell] = site.kind
        crossing_cells[site.id] = cell

    river_side = _sides_of_euphrates(frame, euphrates, data.rivers["Euphrates"])
    km_euphrates = ndimage.distance_transform_edt(~euphrates) * cell_km
    khabur = water & ~euphrates
    km_khabur = ndimage.distance_transform_edt(~khabur) * cell_km if khabur.any() else np.full(frame.shape, np.inf)

    land = ~water
    reach = data.valley["bank_reach_km"]
    bank = np.where(land & (km_euphrates <= reach), river_side, Bank.NONE).astype(np.int8)
    khabur_bank = land & (km_khabur <= reach) & (km_khabur < km_euphrates) & (river_side == Bank.LEFT)
    bank[khabur_bank] = Bank.KHABUR

    valley = land & (
        (km_euphrates <= max(data.valley["euphrates_halfwidth_km"], cell_km))
        | (km_khabur <= max(data.valley["khabur_halfwidth_km"], cell_km))
    )
    terrain = np.full(frame.shape, Terrain.DESERT, dtype=np.int8)
    terrain[valley] = Terrain.VALLEY
    terrain[water] = Terrain.WATER

    place_cells = {p.id: _snap_place(frame, p, land, bank) for p in data.places}
    population, town_cells = _towns_and_population(frame, data, place_cells, terrain, river_side, iraq)
    terrain[town_cells] = Terrain.URBAN
    governorate = polygon_mask(frame, data.governorate) & ~iraq
    rural_density = _add_rural_population(frame, data, population, terrain, governorate, iraq)

    layers = {
        "terrain": terrain,
        "bank": bank,
        "river_side": river_side,
        "road": np.zeros(frame.shape, dtype=bool),
        "crossing": crossing,
        "population": population,
        "oil": _oil(frame, data, place_cells, land, river_side),
        "place": _place_index(frame, data.places, place_cells),
        "iraq": iraq,
        "governorate": governorate,
    }
    passable = land & ~iraq
    passable[crossing > 0] = True
    road_cells = {
        road.id: tuple(_road_path(frame, road, place_cells, crossing_cells, passable, iraq, layers))
        for road in data.roads
    }
    for cells in road_cells.values():
        layers["road"][tuple(np.array(cells).T)] = True

    layers["control"] = day0_control(frame, data, layers, place_cells, road_cells)
    for name, (dtype, _) in LAYER_DOCS.items():
        layers[name] = np.ascontiguousarray(layers[name], dtype=dtype)
        layers[name].flags.writeable = False
    return MapLayers(
        frame,
        layers,
        data.places,
        place_cells,
        crossing_cells,
        road_cells,
        river_cells,
        data.rivers,
        rural_density,
    )


def _mask(frame: GridFrame, cells) -> np.ndarray:
    mask = np.zeros(frame.shape, dtype=bool)
    if cells:
        mask[tuple(np.array(cells).T)] = True
    return mask


def _nearest(frame: GridFrame, cells, lat: float, lon: float) -> Cell:
    """The cell of ``cells`` whose centre is nearest to a point."""
    best = min(cells, key=lambda c: frame.km_between(frame.centre(c), (lat, lon)))
    return (int(best[0]), int(best[1]))


def _outside_syria(frame: GridFrame, border) -> np.ndarray:
    """Cells east and south of the border line (it runs from the south edge to the north edge)."""
    box = frame.bbox
    far_lon = box.lon_max + 1.0
    polygon = [
        *border,
        (box.lat_max + 1.0, border[-1][1]),
        (box.lat_max + 1.0, far_lon),
        (box.lat_min - 1.0, far_lon),
        (box.lat_min - 1.0, border[0][1]),
    ]
    return polygon_mask(frame, polygon)


def _sides_of_euphrates(frame: GridFrame, euphrates: np.ndarray, line) -> np.ndarray:
    """Label every non-Euphrates cell LEFT or RIGHT by the connected piece of land it belongs to.

    The Euphrates runs from the map's west edge to its east edge as an edge-connected chain of
    water cells, so it cuts the land into pieces. Each piece takes the side of the river found at
    its cell farthest from the water, where the raster and the polyline cannot disagree: LEFT
    (north/east, left of the direction of flow) if the polyline lies south of that cell.
    """
    from scipy import ndimage

    labels, count = ndimage.label(~euphrates, structure=MOORE)
    distance = ndimage.distance_transform_edt(~euphrates)
    box = frame.bbox
    north_of_river = (
        [(lon, lat) for lat, lon in line]
        + [
            (box.lon_max + 1, line[-1][0]),
            (box.lon_max + 1, box.lat_max + 1),
            (box.lon_min - 1, box.lat_max + 1),
            (box.lon_min - 1, line[0][0]),
        ]
    )
    side = np.zeros(frame.shape, dtype=np.int8)
    for label in range(1, count + 1):
        piece = labels == label
        cell = np.unravel_index(np.argmax(np.where(piece, distance, -1)), frame.shape)
        lat, lon = frame.centre(cell)
        side[piece] = Bank.LEFT if inside_polygon(lon, lat, north_of_river) else Bank.RIGHT
    return side


def _snap_place(frame: GridFrame, place: Place, land: np.ndarray, bank: np.ndarray) -> Cell:
    """The place's cell: the nearest land cell on its documented bank.

    At coarse cell sizes a riverside town and its river can share a cell; the town then moves to
    the nearest cell on its own bank (the tests check it never moves more than a cell diagonal).
    """
    allowed = land.copy()
    if place.bank in ("left", "right", "khabur"):
        allowed &= bank == BANK_BY_NAME[place.bank]
    else:
        allowed &= bank == Bank.NONE
    distance = np.where(allowed, frame.km_from(place.lat, place.lon), np.inf)
    x, y = np.unravel_index(np.argmin(distance), frame.shape)
    return (int(x), int(y))


def _towns_and_population(frame, data, place_cells, terrain, river_side, iraq):
    """Urban footprints of the towns and their census populations (largest town claims first).

    A town's footprint is its census population at the urban density, grown from its own cell over
    the nearest free land cells on its own side of the river (a riverside town does not spill across
    the water), at least its own cell; its people are spread evenly over it. Iraq is left out: the
    population layer counts Syria's people.
    """
    density = data.population["urban_density_per_km2"]
    population = np.zeros(frame.shape, dtype=np.float64)
    urban = np.zeros(frame.shape, dtype=bool)
    towns = sorted((p for p in data.places if p.is_town), key=lambda p: -(p.population or 0))
    for town in towns:
        cell = place_cells[town.id]
        if iraq[cell]:  # the town is drawn, its people are not counted
            urban[cell] = True
            continue
        cells = max(1, round((town.population or 0) / density / frame.cell_area_km2))
        free = (terrain != Terrain.WATER) & (river_side == river_side[cell]) & ~urban & ~iraq
        free[cell] = not urban[cell]
        distance = np.where(free, frame.km_from(town.lat, town.lon), np.inf)
        distance[cell] = -1.0 if free[cell] else np.inf  # its own cell first
        order = np.argsort(distance, axis=None)[:cells]
        claimed = np.zeros(frame.shape, dtype=bool)
        claimed.ravel()[order[np.isfinite(distance.ravel()[order])]] = True
        urban |= claimed
        if town.population:
            if claimed.any():
                population[claimed] += town.population / claimed.sum()
            else:  # two towns in one coarse cell: the cell holds both
                population[cell] += town.population
    return population, urban


def _add_rural_population(frame, data, population, terrain, governorate, iraq) -> float:
    """Spread the rural population over the valley at one density, solved so that the governorate
    holds its documented pre-war total; the desert gets its small documented density."""
    area = frame.cell_area_km2
    desert_density = data.population["desert_density_per_km2"]
    desert = (terrain == Terrain.DESERT) & ~iraq
    rural_valley = (terrain == Terrain.VALLEY) & ~iraq
    urban_in_governorate = population[governorate].sum()
    desert_in_governorate = desert_density * area * (desert & governorate).sum()
    valley_area = area * (rural_valley & governorate).sum()
    rural_density = (data.population["governorate_total"] - urban_in_governorate - desert_in_governorate) / valley_area
    population[rural_valley] += rural_density * area
    population[desert] += desert_density * area
    return float(rural_density)


def _oil(frame, data, place_cells, land, river_side) -> np.ndarray:
    """Each field's value spread evenly over the land cells within its radius (so totals do not
    depend on the cell size)."""
    oil = np.zeros(frame.shape)
    for resource in data.resources:
        place = data.place(resource.place)
        cell = place_cells[place.id]
        cells = (frame.km_from(place.lat, place.lon) <= resource.radius_km) & land
        cells &= river_side == river_side[cell]
        cells[cell] = True
        oil[cells] += resource.value / cells.sum()
    return oil


def _place_index(frame, places, place_cells) -> np.ndarray:
    """The key place of each cell; where two share a coarse cell, the larger town wins."""
    index = np.full(frame.shape, -1, dtype=np.int16)
    order = sorted(range(len(places)), key=lambda i: (not places[i].is_town, -(places[i].population or 0)))
    for i in order:
        cell = place_cells[places[i].id]
        if index[cell] < 0:
            index[cell] = i
    return index


def _road_path(frame, road, place_cells, crossing_cells, passable, iraq, layers) -> list[Cell]:
    """A road's cells: straight legs between waypoints, detouring around water where a straight
    leg would cross it. A leg into Iraq (al-Qaim) marks its Iraqi cells as the border crossing."""

    def cell_of(waypoint) -> Cell:
        known = place_cells.get(waypoint.name) or crossing_cells.get(waypoint.name)
        if known:
            return known
        distance = np.where(passable, frame.km_from(waypoint.lat, waypoint.lon), np.inf)
        x, y = np.unravel_index(np.argmin(distance), frame.shape)
        return (int(x), int(y))

    cells: list[Cell] = []
    for a, b in pairwise(road.waypoints):
        start, goal = cell_of(a), cell_of(b)
        allowed = passable.copy()
        abroad_leg = iraq[start] or iraq[goal]
        if abroad_leg:
            allowed |= iraq & (layers["terrain"] != Terrain.WATER)
        leg = line_8_connected(start, goal)
        if not all(allowed[c] for c in leg[1:-1]):
            leg = shortest_path(allowed, start, goal) or leg
        if abroad_leg:
            for c in leg:
                if iraq[c]:
                    layers["crossing"][c] = Crossing.BORDER
        cells.extend(leg if not cells else leg[1:])
    return cells
