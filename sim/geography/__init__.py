"""The middle Euphrates valley as a grid: data files -> checked sources -> layers -> Mesa grid.

``load_map(cell_km)`` returns the rasterised layers (cached per cell size and process);
``make_grid(layers, rng)`` gives each model its own Mesa grid with those layers as property layers.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from sim.geography.builder import LAYER_DOCS, MapLayers, build_layers
from sim.geography.grid import ValleyGrid, layer, make_grid, release_grid
from sim.geography.sources import DATA_DIR, GeographyData, GeographyDataError, load_geography

__all__ = [
    "DATA_DIR",
    "LAYER_DOCS",
    "GeographyData",
    "GeographyDataError",
    "MapLayers",
    "ValleyGrid",
    "build_layers",
    "layer",
    "load_geography",
    "load_map",
    "make_grid",
    "release_grid",
]

MIN_CELL_KM, MAX_CELL_KM = 0.5, 10.0


@lru_cache(maxsize=8)
def load_map(cell_km: float = 2.0, data_dir: Path = DATA_DIR) -> MapLayers:
    """The map at a cell size (km), built once per process and cell size; its arrays are read-only."""
    if not MIN_CELL_KM <= cell_km <= MAX_CELL_KM:
        raise ValueError(f"cell_km must be between {MIN_CELL_KM} and {MAX_CELL_KM} km, got {cell_km}")
    return build_layers(load_geography(Path(data_dir)), float(cell_km))
