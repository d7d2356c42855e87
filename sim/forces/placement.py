"""Put the day-0 order of battle on the map: each group's strength split into units near its place,
no cell holding more of a side's fighters than the stacking limit (sim/forces/stacking.py)."""

from __future__ import annotations

import numpy as np

from sim.codes import side_code
from sim.forces import load_order_of_battle
from sim.forces.stacking import room_near, unit_sizes


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
        code = side_code(group.side)
        shares = unit_sizes(round(strength), model.typical_unit_size(code), model.stack_limit)
        anchor, preferred = _anchor(model, group, code)
        for share in shares:
            cell = room_near(model, code, anchor, share, preferred)
            unit = model.add_unit(group.side, group.kind, share, cell, posture=group.posture, group=group.group,
                                  flow="initial")
            if group.side == "isis":
                unit.foreign = round(share * params.isis_foreign_share)


def _anchor(model, group, code: int) -> tuple[int, list[int]]:
    """Where a group's units gather (flat cell) and the cells they take first: the cells of its town
    its side holds (units stack in a defended town up to the limit, then spill into the nearest cells
    with room, stacking.room_near)."""
    if group.place:
        place = group.place
        if place in ("panorama", "shula") and not model.rules.on("R5") and "shula" in model.place_flat:
            place = "shula"  # R5 off: the relief column has not broken through
        anchor = model.place_flat[place]
        town = [c for c in model.town_cells(place).tolist()
                if model.network.passable[c] and model.control_flat[c] == code]
        return anchor, town
    return int(np.ravel_multi_index(model.layers.frame.cell_of(group.lat, group.lon), (model.nx, model.ny))), []
