"""The grid frame: where each cell lies on the earth, and distances in kilometres.

An equirectangular projection about the map's middle latitude: over 3.5 degrees of latitude the
east-west scale changes by about 4%, well below the uncertainty of most coordinates (M: +-2-10 km).
Cell (x, y) has x growing eastward (longitude) and y northward (latitude), as Mesa's grid[x, y].
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from sim.geography.sources import BBox

KM_PER_DEG_LAT = 110.574
KM_PER_DEG_LON_EQUATOR = 111.320


@dataclass(frozen=True)
class GridFrame:
    bbox: BBox
    cell_km: float

    @property
    def lat0(self) -> float:
        return (self.bbox.lat_min + self.bbox.lat_max) / 2

    @property
    def km_per_deg_lon(self) -> float:
        return KM_PER_DEG_LON_EQUATOR * math.cos(math.radians(self.lat0))

    @property
    def dlat(self) -> float:
        """Height of a cell in degrees of latitude."""
        return self.cell_km / KM_PER_DEG_LAT

    @property
    def dlon(self) -> float:
        """Width of a cell in degrees of longitude."""
        return self.cell_km / self.km_per_deg_lon

    @property
    def nx(self) -> int:
        return math.ceil((self.bbox.lon_max - self.bbox.lon_min) / self.dlon)

    @property
    def ny(self) -> int:
        return math.ceil((self.bbox.lat_max - self.bbox.lat_min) / self.dlat)

    @property
    def shape(self) -> tuple[int, int]:
        return (self.nx, self.ny)

    @property
    def cell_area_km2(self) -> float:
        return self.cell_km**2

    @property
    def extent(self) -> tuple[float, float, float, float]:
        """(lon_min, lon_max, lat_min, lat_max) of the whole grid, for plotting."""
        lon0, lat0 = self.bbox.lon_min, self.bbox.lat_min
        return (lon0, lon0 + self.nx * self.dlon, lat0, lat0 + self.ny * self.dlat)

    def xy(self, lat: float, lon: float) -> tuple[float, float]:
        """Continuous grid coordinates (cell units) of a point; cell (i, j) spans [i, i+1) x [j, j+1)."""
        return ((lon - self.bbox.lon_min) / self.dlon, (lat - self.bbox.lat_min) / self.dlat)

    def cell_of(self, lat: float, lon: float) -> tuple[int, int]:
        """The cell containing a point (clipped to the grid)."""
        x, y = self.xy(lat, lon)
        return (min(max(int(x), 0), self.nx - 1), min(max(int(y), 0), self.ny - 1))

    def centre(self, cell: tuple[int, int]) -> tuple[float, float]:
        """(lat, lon) of a cell's centre."""
        x, y = cell
        return (self.bbox.lat_min + (y + 0.5) * self.dlat, self.bbox.lon_min + (x + 0.5) * self.dlon)

    @cached_property
    def lon_grid(self) -> np.ndarray:
        lons = self.bbox.lon_min + (np.arange(self.nx) + 0.5) * self.dlon
        return np.repeat(lons[:, None], self.ny, axis=1)

    @cached_property
    def lat_grid(self) -> np.ndarray:
        lats = self.bbox.lat_min + (np.arange(self.ny) + 0.5) * self.dlat
        return np.repeat(lats[None, :], self.nx, axis=0)

    def km_from(self, lat: float, lon: float) -> np.ndarray:
        """Distance in km from a point to every cell centre."""
        dx = (self.lon_grid - lon) * self.km_per_deg_lon
        dy = (self.lat_grid - lat) * KM_PER_DEG_LAT
        return np.hypot(dx, dy)

    def km_between(self, a: tuple[float, float], b: tuple[float, float]) -> float:
        """Distance in km between two (lat, lon) points."""
        return math.hypot((a[1] - b[1]) * self.km_per_deg_lon, (a[0] - b[0]) * KM_PER_DEG_LAT)
