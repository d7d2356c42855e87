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
    """A grid with a fresh, writable copy of every layer as a Mesa property layer: a released grid of
    the same map if one is waiting (see ``release_grid``), else a new one."""
    waiting = _RELEASED.get(id(layers))
    if waiting and waiting[0] is layers and waiting[1]:
        grid = waiting[1].pop()
        grid.random = rng
        for cell in grid.all_cells:
            cell.random = rng
        grid.empty.data[:] = True
        for name in LAYER_DOCS:
            grid._mesa_property_layers[name].data[:] = layers[name]
        return grid
    grid = ValleyGrid(layers.frame.shape, torus=False, capacity=None, random=rng)
    for name in LAYER_DOCS:
        grid.add_property_layer(PropertyLayer.from_data(name, np.array(layers[name])))
    return grid


def release_grid(layers: MapLayers, grid: ValleyGrid) -> None:
    """Hand back a grid whose agents have all left it, for the next model of the same map in this
    process (building the 31,000 Mesa cells of a 2 km map is most of a model's set-up)."""
    if any(not cell.is_empty for cell in grid.all_cells):
        raise ValueError("a grid can only be released once every agent has left it")
    entry = _RELEASED.setdefault(id(layers), (layers, []))
    if entry[0] is not layers:
        entry = _RELEASED[id(layers)] = (layers, [])
    if len(entry[1]) < MAX_RELEASED:
        entry[1].append(grid)


def layer(grid: ValleyGrid, name: str, default: float) -> np.ndarray:
    """A model's own float property layer, set to ``default`` everywhere (created on a new grid)."""
    if name in grid._mesa_property_layers:
        data = grid._mesa_property_layers[name].data
        data[:] = default
        return data
    return grid.create_property_layer(name, default_value=default, dtype=float).data


_RELEASED: dict[int, tuple[MapLayers, list[ValleyGrid]]] = {}
MAX_RELEASED = 2
