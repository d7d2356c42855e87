"""The cheapest way from every cell to the nearest of some target cells: Dijkstra's search from all
targets at once, compiled (numba, cached on disk after the first call in a fresh environment).

It gives what ``scipy.sparse.csgraph.dijkstra(..., min_only=True, limit=...)`` gives on the same
graph, with the cells a side may not enter cut out of the graph instead of copying the graph with
those edges made dear: a forbidden cell still gets the cost of leaving it (a unit standing there can
walk out), no way leads through it. Each cell's cost is the least of its neighbours' costs plus the
step, summed in the same order, so the figures are the same as scipy's to the last bit.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def cost_to_targets(indptr, indices, weights, blocked, targets, limit, unreachable):  # pragma: no cover (compiled)
    """Cost from every node to the nearest target over a transposed graph in CSR form (row v: edges
    v -> u weighted by the cost of u -> v); a ``blocked`` node that is not a target passes no way on;
    costs above ``limit``, and nodes never reached, get ``unreachable``."""
    cost, done, is_target, heap_cost, heap_node = _empty_search(indptr.size - 1, weights.size, targets)
    count = 0
    for target in targets:
        if cost[target] > 0.0:
            cost[target] = 0.0
            count = _push(heap_cost, heap_node, count, 0.0, target)
    return _search(indptr, indices, weights, blocked, is_target, cost, done, heap_cost, heap_node, count, limit,
                   unreachable)


@njit(cache=True)
def extended_cost(indptr, indices, weights, blocked, targets, known, limit, unreachable):  # pragma: no cover (compiled)
    """``cost_to_targets`` up to a farther ``limit``, resumed from ``known``: the same search's result at
    a nearer limit (same graph, targets and blocked nodes). Its finite costs are final; the search goes
    on from them, so the result is the fresh search's to the last bit (each cost is still the least of
    its neighbours' costs plus the step)."""
    cost, done, is_target, heap_cost, heap_node = _empty_search(indptr.size - 1, weights.size, targets)
    for node in range(cost.size):
        if known[node] < unreachable:
            cost[node] = known[node]
            done[node] = True
    count = 0
    for here in range(cost.size):
        if not done[here] or (blocked[here] and not is_target[here]):
            continue
        for edge in range(indptr[here], indptr[here + 1]):
            there = indices[edge]
            if done[there]:
                continue
            through = cost[here] + weights[edge]
            if through <= limit and through < cost[there]:
                cost[there] = through
                count = _push(heap_cost, heap_node, count, through, there)
    return _search(indptr, indices, weights, blocked, is_target, cost, done, heap_cost, heap_node, count, limit,
                   unreachable)


@njit(cache=True)
def _empty_search(size, edges, targets):  # pragma: no cover (compiled)
    """A search's arrays before it starts: costs unknown, nothing done, the targets marked, a heap with
    room for every offer."""
    cost = np.full(size, np.inf)
    done = np.zeros(size, dtype=np.bool_)
    is_target = np.zeros(size, dtype=np.bool_)
    is_target[targets] = True
    heap_cost = np.empty(edges + targets.size + 1, dtype=np.float64)
    heap_node = np.empty(heap_cost.size, dtype=np.int64)
    return cost, done, is_target, heap_cost, heap_node


@njit(cache=True)
def _search(indptr, indices, weights, blocked, is_target, cost, done, heap_cost, heap_node, count, limit,
            unreachable):  # pragma: no cover (compiled)
    """Dijkstra's loop from the nodes on the heap; returns the costs, ``unreachable`` where none."""
    size = cost.size
    while count > 0:
        here_cost, here = heap_cost[0], heap_node[0]
        count = _pop(heap_cost, heap_node, count)
        if done[here]:
            continue
        done[here] = True
        if blocked[here] and not is_target[here]:
            continue
        for edge in range(indptr[here], indptr[here + 1]):
            there = indices[edge]
            if done[there]:
                continue
            through = here_cost + weights[edge]
            if through <= limit and through < cost[there]:
                cost[there] = through
                count = _push(heap_cost, heap_node, count, through, there)
    for node in range(size):
        if not cost[node] < unreachable:
            cost[node] = unreachable
    return cost


@njit(cache=True, inline="always")
def _push(heap_cost, heap_node, count, value, node):  # pragma: no cover (compiled)
    """Add to a binary min-heap held in two arrays; returns the new count."""
    at = count
    while at > 0:
        parent = (at - 1) >> 1
        if heap_cost[parent] <= value:
            break
        heap_cost[at], heap_node[at] = heap_cost[parent], heap_node[parent]
        at = parent
    heap_cost[at], heap_node[at] = value, node
    return count + 1


@njit(cache=True, inline="always")
def _pop(heap_cost, heap_node, count):  # pragma: no cover (compiled)
    """Remove the least entry of the heap; returns the new count."""
    count -= 1
    value, node = heap_cost[count], heap_node[count]
    at = 0
    while True:
        child = 2 * at + 1
        if child >= count:
            break
        if child + 1 < count and heap_cost[child + 1] < heap_cost[child]:
            child += 1
        if heap_cost[child] >= value:
            break
        heap_cost[at], heap_node[at] = heap_cost[child], heap_node[child]
        at = child
    if count > 0:
        heap_cost[at], heap_node[at] = value, node
    return count
