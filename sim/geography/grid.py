"""The map as a Mesa 3.5 ``OrthogonalMooreGrid`` carrying the layers as property layers."""

from __future__ import annotations

import random as stdlib_random

import numpy as np
from mesa.discrete_space import OrthogonalMooreGrid, PropertyLayer

from sim.geography.builder import LAYER_DOCS, MapLayers

MOORE_OFFSETS = ((-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1))


class ValleyGrid(OrthogonalMooreGrid):
    """An OrthogonalMooreGrid whose cells are connected in one pass.

    Mesa connects cells one call at a time and clears each cell's neighbourhood cache on every
    call; on a fresh grid the caches are empty, so this fills the same ``connections`` dictionaries
    (same keys, same neighbours) directly, about three times faster on 28,000 cells.
    """

    def _connect_cells_2d(self) -> None:
        width, height = self.dimensions
        cells = self._cells
        for (i, j), cell in cells.items():
            connections = cell.connections
            for di, dj in MOORE_OFFSETS:
                ni, nj = i + di, j + dj
                if 0 <= ni < width and 0 <= nj < height:
                    connections[(di, dj)] = cells[(ni, nj)]


def make_grid(layers: MapLayers, rng: stdlib_random.Random) -> ValleyGrid:
    """A new grid with a fresh, writable copy of every layer as a Mesa property layer."""
    grid = ValleyGrid(layers.frame.shape, torus=False, capacity=None, random=rng)
    for name in LAYER_DOCS:
        grid.add_property_layer(PropertyLayer.from_data(name, np.array(layers[name])))
    return grid
