"""Put the day-0 order of battle on the map: each group's strength split into units near its place."""

from __future__ import annotations

import math

import numpy as np

from sim.codes import side_code
from sim.forces import load_order_of_battle


def group_strength(group, groups, params) -> float:
    """A group's fighters: its share of a strength parameter. Where militias share a parameter
    (share "militia"), they take ``iranian_militia_share`` of it (R3) and the other groups split the
    rest in proportion to their shares."""
    total = getattr(params, group.strength_param)
    siblings = [g for g in groups if g.strength_param == group.strength_param]
    if not any(g.share is None for g in siblings):
        return total * group.share
    if group.share is None:
        return total * params.iranian_militia_share
    others = sum(g.share for g in siblings if g.share is not None)
    return total * group.share / others * (1 - params.iranian_militia_share)


def place_forces(model, forces=None) -> None:
    """Create the day-0 units: from ``forces`` (a list of dicts with side, kind, strength, cell and
    posture, for test worlds) or else from the order of battle."""
    if forces is not None:
        for spec in forces:
            x, y = spec["cell"]
            model.add_unit(
                spec["side"],
                spec["kind"],
                spec["strength"],
                x * model.ny + y,
                posture=spec.get("posture", "defend"),
                group=spec.get("group", spec["kind"]),
                flow="initial",
            )
        return
    params = model.params
    known = frozenset(model.place_flat)
    groups = load_order_of_battle(known_places=known)
    for group in groups:
        strength = group_strength(group, groups, params)
        if strength <= 0:
            continue
        size = model.typical_unit_size(side_code(group.side))
        count = max(1, round(strength / size))
        cells = _cells_for(model, group, count)
        for i in range(count):
            share = round(strength * (i + 1) / count) - round(strength * i / count)
            model.add_unit(
                group.side,
                group.kind,
                share,
                cells[i % len(cells)],
                posture=group.posture,
                group=group.group,
                flow="initial",
            )


def _cells_for(model, group, count: int) -> list[int]:
    """Cells for a group's units, which take them in turn: the cells of its town its side holds
    (units stack in a defended town), else the passable cells its side holds nearest its place."""
    code = side_code(group.side)
    if group.place:
        anchor = model.place_flat[group.place]
        if group.place in ("panorama", "shula") and not model.rules.on("R5"):
            anchor = model.place_flat.get("shula", anchor)
        town = [
            c
            for c in model.town_cells(group.place).tolist()
            if model.network.passable[c] and model.control_flat[c] == code
        ]
        if town:
            return town
    else:
        anchor = int(np.ravel_multi_index(model.layers.frame.cell_of(group.lat, group.lon), (model.nx, model.ny)))
    ax, ay = divmod(anchor, model.ny)
    radius = max(1, math.ceil(math.sqrt(count)))
    near = []
    for dx in range(-radius, radius + 1):
        for dy in range(-radius, radius + 1):
            x, y = ax + dx, ay + dy
            if 0 <= x < model.nx and 0 <= y < model.ny:
                flat = x * model.ny + y
                if model.network.passable[flat] and model.control_flat[flat] == code and model.land[x, y]:
                    near.append((max(abs(dx), abs(dy)), abs(dx) + abs(dy), flat))
    cells = [flat for _, _, flat in sorted(near)][: max(count, 1)]
    return cells or [anchor]
