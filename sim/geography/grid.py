"""The map as a Mesa 3.5 ``OrthogonalMooreGrid`` carrying the layers as property layers."""

from __future__ import annotations

import random as stdlib_random

import numpy as np
from mesa.discrete_space import Cell, OrthogonalMooreGrid, PropertyLayer

from sim.geography.builder import LAYER_DOCS, MapLayers

MOORE_OFFSETS = ((-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1))


_CONNECTIONS = Cell.connections  # Mesa's slot for a cell's {direction: neighbour} dictionary


class ValleyCell(Cell):
    """A Mesa cell that connects to its Moore neighbours the first time its ``connections`` are read.

    Mesa connects all cells when a grid is built: 248,000 dictionary entries (8 MB) on a 2 km map
    that the model never reads, since units march on flat neighbour tables (``sim.movement``). Here
    the same dictionary (same keys, same neighbours as Mesa's ``OrthogonalMooreGrid``) is filled on
    first use, so ``cell.neighborhood``, ``CellAgent.move`` and the rest of Mesa's API work unchanged.
    """

    __slots__ = ()
    _valley_grid = None  # set on each grid's own cell class (Mesa makes one per grid)

    def __init__(self, coordinate, *, position=None, capacity=None, random=None):
        # What Mesa's Cell.__init__ sets, slot by slot (half the time, for 31,000 cells a map; a test
        # checks every slot against a Mesa cell), save the connections, made on first use.
        self.coordinate = coordinate
        self._position = position
        _CONNECTIONS.__set__(self, None)  # None: not connected yet
        self._agents = []
        self.capacity = capacity
        self.properties = {}
        self.random = random

    @property
    def connections(self) -> dict:
        links = _CONNECTIONS.__get__(self, Cell)
        if links is None:
            links = self._valley_grid.moore_links(self.coordinate)
            _CONNECTIONS.__set__(self, links)
        return links

    @connections.setter
    def connections(self, value: dict) -> None:
        _CONNECTIONS.__set__(self, value)


class ValleyGrid(OrthogonalMooreGrid):
    """An OrthogonalMooreGrid of ``ValleyCell``s, which connect on first use (see ``ValleyCell``)."""

    def __init__(self, dimensions, torus: bool = False, capacity=None, random=None):
        if torus:
            raise ValueError("the valley's map does not wrap around: torus must be False")
        super().__init__(dimensions, torus=False, capacity=capacity, random=random, cell_klass=ValleyCell)

    def _connect_cells_2d(self) -> None:
        self.cell_klass._valley_grid = self  # the grid's own cell class: its cells find the grid here

    def moore_links(self, coordinate) -> dict:
        """A cell's Moore neighbours, keyed by offset as Mesa keys them (one shared tuple per offset)."""
        i, j = coordinate
        width, height = self.dimensions
        cells = self._cells
        links = {}
        for offset in MOORE_OFFSETS:
            ni, nj = i + offset[0], j + offset[1]
            if 0 <= ni < width and 0 <= nj < height:
                links[offset] = cells[(ni, nj)]
        return links


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
