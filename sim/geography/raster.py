"""Rasterising lines, polygons and paths onto the grid."""

from __future__ import annotations

import heapq
import math
from itertools import pairwise

import numpy as np

from sim.geography.frame import GridFrame

Cell = tuple[int, int]


def trace_4_connected(frame: GridFrame, points) -> list[Cell]:
    """Every cell a polyline passes through, in order, consecutive cells sharing an edge.

    A chain of edge-sharing cells cannot be crossed by a Moore (8-neighbour) move, diagonals
    included: this is what makes a one-cell-wide river a barrier.
    """
    cells: list[Cell] = []
    for (lat0, lon0), (lat1, lon1) in pairwise(points):
        for cell in _traverse(frame, frame.xy(lat0, lon0), frame.xy(lat1, lon1)):
            if not cells or cells[-1] != cell:
                cells.append(cell)
    return [c for c in cells if 0 <= c[0] < frame.nx and 0 <= c[1] < frame.ny]


def _traverse(frame: GridFrame, start, end):
    """Amanatides-Woo traversal: the cells a segment crosses, stepping along one axis at a time."""
    x0, y0 = start
    x1, y1 = end
    x0, y0 = min(max(x0, 0.0), frame.nx - 1e-9), min(max(y0, 0.0), frame.ny - 1e-9)
    x1, y1 = min(max(x1, 0.0), frame.nx - 1e-9), min(max(y1, 0.0), frame.ny - 1e-9)
    ix, iy = int(x0), int(y0)
    jx, jy = int(x1), int(y1)
    dx, dy = x1 - x0, y1 - y0
    step_x = 1 if dx > 0 else -1
    step_y = 1 if dy > 0 else -1
    t_delta_x = abs(1 / dx) if dx else math.inf
    t_delta_y = abs(1 / dy) if dy else math.inf
    t_max_x = ((ix + (step_x > 0)) - x0) / dx if dx else math.inf
    t_max_y = ((iy + (step_y > 0)) - y0) / dy if dy else math.inf
    yield (ix, iy)
    while (ix, iy) != (jx, jy):
        if t_max_x < t_max_y:
            t_max_x += t_delta_x
            ix += step_x
        else:
            t_max_y += t_delta_y
            iy += step_y
        yield (ix, iy)
        if abs(ix - jx) + abs(iy - jy) > 4 * (frame.nx + frame.ny):  # numerical safety net
            break


def line_8_connected(a: Cell, b: Cell) -> list[Cell]:
    """Bresenham's line between two cells (Moore-connected)."""
    (x0, y0), (x1, y1) = a, b
    dx, dy = abs(x1 - x0), -abs(y1 - y0)
    sx, sy = (1 if x0 < x1 else -1), (1 if y0 < y1 else -1)
    err = dx + dy
    cells = []
    while True:
        cells.append((x0, y0))
        if (x0, y0) == (x1, y1):
            return cells
        e2 = 2 * err
        if e2 >= dy:
            err += dy
            x0 += sx
        if e2 <= dx:
            err += dx
            y0 += sy


def polygon_mask(frame: GridFrame, points) -> np.ndarray:
    """Cells whose centre lies inside a polygon given as (lat, lon) points."""
    return inside_polygon(frame.lon_grid, frame.lat_grid, [(lon, lat) for lat, lon in points])


def inside_polygon(x, y, vertices) -> np.ndarray:
    """Whether each point (x, y) lies inside the polygon ``vertices`` [(x, y), ...], closed from the last
    vertex back to the first, by the even-odd rule: a ray from the point towards +x crosses its edges
    an odd number of times. Works on arrays of points of any shape, one pass per edge."""
    x, y = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    corners = np.asarray(vertices, dtype=float)
    inside = np.zeros(x.shape, dtype=bool)
    for (x1, y1), (x2, y2) in zip(corners, np.roll(corners, -1, axis=0), strict=True):
        spans = (y1 > y) != (y2 > y)  # the edge spans the point's latitude (so y1 != y2 there)
        if spans.any():
            crossing_x = x1 + (y[spans] - y1) * (x2 - x1) / (y2 - y1)
            inside[spans] ^= x[spans] < crossing_x
    return inside


def shortest_path(passable: np.ndarray, start: Cell, goal: Cell, margin: int = 12) -> list[Cell] | None:
    """Shortest Moore path over passable cells (start and goal always allowed), inside a box around them."""
    nx, ny = passable.shape
    x_lo = max(min(start[0], goal[0]) - margin, 0)
    x_hi = min(max(start[0], goal[0]) + margin, nx - 1)
    y_lo = max(min(start[1], goal[1]) - margin, 0)
    y_hi = min(max(start[1], goal[1]) + margin, ny - 1)
    best = {start: 0.0}
    previous: dict[Cell, Cell] = {}
    queue = [(0.0, start)]
    steps = [(dx, dy, math.hypot(dx, dy)) for dx in (-1, 0, 1) for dy in (-1, 0, 1) if dx or dy]
    while queue:
        cost, cell = heapq.heappop(queue)
        if cell == goal:
            path = [cell]
            while cell in previous:
                cell = previous[cell]
                path.append(cell)
            return path[::-1]
        if cost > best[cell]:
            continue
        for dx, dy, length in steps:
            nxt = (cell[0] + dx, cell[1] + dy)
            if not (x_lo <= nxt[0] <= x_hi and y_lo <= nxt[1] <= y_hi):
                continue
            if not passable[nxt] and nxt != goal:
                continue
            new_cost = cost + length
            if new_cost < best.get(nxt, math.inf):
                best[nxt] = new_cost
                previous[nxt] = cell
                heapq.heappush(queue, (new_cost, nxt))
    return None
