"""Tiny worlds built in code for rule tests: a strip of valley with a river across it."""

from __future__ import annotations

import math

import numpy as np

from sim.codes import Bank, Crossing, Terrain
from sim.geography import LAYER_DOCS, MapLayers
from sim.geography.frame import KM_PER_DEG_LAT, KM_PER_DEG_LON_EQUATOR, GridFrame
from sim.geography.sources import BBox
from sim.model import CampaignModel
from sim.scenario import Scenario, baseline


def tiny_layers(nx: int = 12, ny: int = 9, *, river_y: int = 4, crossing_x: int | None = None,
                cell_km: float = 2.0, control: np.ndarray | None = None, residents: float = 1000.0) -> MapLayers:
    """A valley ``nx`` x ``ny`` cells: the river along row ``river_y`` (left bank north of it, right
    bank south), valley within two rows of the river, desert beyond, ``residents`` per valley cell."""
    lat0 = 35.0
    dlat = cell_km / KM_PER_DEG_LAT
    lat_max = lat0 + (ny - 0.5) * dlat
    dlon = cell_km / (KM_PER_DEG_LON_EQUATOR * math.cos(math.radians((lat0 + lat_max) / 2)))
    frame = GridFrame(BBox(lat0, lat_max, 40.0, 40.0 + (nx - 0.5) * dlon), cell_km)
    assert frame.shape == (nx, ny)
    y = np.broadcast_to(np.arange(ny), (nx, ny))
    water = y == river_y
    terrain = np.where(np.abs(y - river_y) <= 2, Terrain.VALLEY, Terrain.DESERT).astype(np.int8)
    terrain[water] = Terrain.WATER
    side = np.where(y > river_y, Bank.LEFT, Bank.RIGHT).astype(np.int8)
    side[water] = 0
    crossing = np.zeros((nx, ny), dtype=np.int8)
    if crossing_x is not None:
        crossing[crossing_x, river_y] = Crossing.FERRY
    layers = {
        "terrain": terrain,
        "bank": side.copy(),
        "river_side": side,
        "road": np.zeros((nx, ny), dtype=bool),
        "crossing": crossing,
        "population": np.where(terrain == Terrain.VALLEY, residents, 0.0),
        "oil": np.zeros((nx, ny)),
        "place": np.full((nx, ny), -1, dtype=np.int16),
        "iraq": np.zeros((nx, ny), dtype=bool),
        "governorate": np.ones((nx, ny), dtype=bool),
        "control": np.zeros((nx, ny), dtype=np.int8) if control is None else control.astype(np.int8),
    }
    layers = {name: np.ascontiguousarray(layers[name], dtype=dtype) for name, (dtype, _) in LAYER_DOCS.items()}
    river = tuple((x, river_y) for x in range(nx))
    line = (frame.centre((0, river_y)), frame.centre((nx - 1, river_y)))
    return MapLayers(frame, layers, (), {}, {}, {}, {"Euphrates": river}, {"Euphrates": line}, 0.0)


def unit(side: str, kind: str, strength: int, cell: tuple[int, int], posture: str = "defend") -> dict:
    return {"side": side, "kind": kind, "strength": strength, "cell": cell, "posture": posture}


def tiny_model(layers: MapLayers, forces: list[dict], scenario: Scenario | None = None, *, seed: int = 1,
               days: int = 30, **params) -> CampaignModel:
    scenario = scenario or baseline()
    if params:
        scenario = scenario.with_params(**params)
    return CampaignModel(scenario, rng=seed, days=days, layers=layers, forces=forces)


def valley_with_towns(nx: int, towns: list[tuple], ny: int = 9, river_y: int = 4,
                      control: np.ndarray | None = None, residents: float = 200.0,
                      oil: dict[tuple[int, int], float] | None = None) -> MapLayers:
    """A tiny valley (``tiny_layers``) with towns: (x, y, residents) each, or (x, y, residents, id) to
    name one as a real place (e.g. "hasakah", an SDF supply source), urban cells that are valley
    towns of their bank; ``oil`` puts oil fields (cell -> value)."""
    from sim.geography.sources import Place

    layers = tiny_layers(nx, ny, river_y=river_y, control=control, residents=residents)
    arrays = dict(layers.layers)
    terrain, population, oil_layer = arrays["terrain"].copy(), arrays["population"].copy(), arrays["oil"].copy()
    places, cells = [], {}
    for i, (x, y, people, *named) in enumerate(towns):
        terrain[x, y] = Terrain.URBAN
        population[x, y] = people
        lat, lon = layers.frame.centre((x, y))
        bank = "left" if y > river_y else "right"
        pid = named[0] if named else f"town{i}"
        places.append(Place(pid, f"Town {i}", lat, lon, "town", bank, people, "urban"))
        cells[pid] = (x, y)
    for (x, y), value in (oil or {}).items():
        oil_layer[x, y] = value
    arrays.update(terrain=terrain, population=population, oil=oil_layer)
    return MapLayers(layers.frame, arrays, tuple(places), cells, {}, {}, layers.river_cells, layers.river_lines,
                     layers.rural_density_per_km2)
