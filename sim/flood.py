"""The cells joined to some source cells through open ground (eight-connected), compiled with numba
(cached on disk): what labelling the open ground's pieces and keeping those holding a source gives,
without labelling the pieces no source is in."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def joined_to(open_ground, neighbours, sources):  # pragma: no cover (compiled)
    """Whether each cell is joined to one of ``sources`` through cells of ``open_ground`` (a source
    off open ground feeds nothing); ``neighbours``: each cell's eight neighbours, -1 off the map."""
    reached = np.zeros(open_ground.size, dtype=np.bool_)
    stack = np.empty(open_ground.size, dtype=np.int64)
    top = 0
    for source in sources:
        if open_ground[source] and not reached[source]:
            reached[source] = True
            stack[top] = source
            top += 1
    while top > 0:
        top -= 1
        cell = stack[top]
        for k in range(neighbours.shape[1]):
            near = neighbours[cell, k]
            if near >= 0 and open_ground[near] and not reached[near]:
                reached[near] = True
                stack[top] = near
                top += 1
    return reached
