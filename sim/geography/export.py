"""The map as a file any tool can read: every layer as a 2-D array, plus cell-centre coordinates.

``layers.npz`` holds one array per layer (shape nx x ny, x eastward, y northward), ``lat`` and
``lon`` of every cell centre, and ``meta`` (a JSON string: cell size, extent, layer meanings,
places with their cells, roads and rivers as cell chains). Plots read this, not a live model.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.atomic import atomic_path
from sim.codes import SIDES
from sim.geography.builder import LAYER_DOCS, MapLayers


@dataclass(frozen=True)
class MapBackdrop:
    """What a map figure needs, detached from any model: layers, coordinates and labels."""

    layers: dict[str, np.ndarray]
    lat: np.ndarray
    lon: np.ndarray
    meta: dict

    @property
    def extent(self) -> tuple[float, float, float, float]:
        return tuple(self.meta["extent"])

    @property
    def cell_km(self) -> float:
        return self.meta["cell_km"]

    @classmethod
    def from_layers(cls, layers: MapLayers) -> MapBackdrop:
        frame = layers.frame
        meta = {
            "cell_km": frame.cell_km,
            "shape": list(frame.shape),
            "extent": list(frame.extent),
            "lat0": frame.lat0,
            "sides": list(SIDES),
            "layers": {name: doc for name, (_, doc) in LAYER_DOCS.items()},
            "places": [
                {
                    "id": p.id,
                    "name": p.name,
                    "kind": p.kind,
                    "lat": p.lat,
                    "lon": p.lon,
                    "cell": list(layers.place_cells[p.id]),
                    "population": p.population,
                }
                for p in layers.places
            ],
            "roads": {k: [list(c) for c in v] for k, v in layers.road_cells.items()},
            "rivers": {k: [list(c) for c in v] for k, v in layers.river_cells.items()},
            "river_lines": {k: [list(p) for p in v] for k, v in layers.river_lines.items()},
            "crossings": {k: list(v) for k, v in layers.crossing_cells.items()},
        }
        return cls(dict(layers.layers), frame.lat_grid, frame.lon_grid, meta)

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        with atomic_path(path) as temporary, open(temporary, "wb") as handle:
            np.savez_compressed(handle, lat=self.lat, lon=self.lon, meta=np.array(json.dumps(self.meta)), **self.layers)
        return path

    @classmethod
    def load(cls, path: str | Path) -> MapBackdrop:
        with np.load(path) as data:
            meta = json.loads(str(data["meta"]))
            layers = {name: data[name] for name in meta["layers"] if name in data}
            return cls(layers, data["lat"], data["lon"], meta)
