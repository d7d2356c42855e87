"""What a sortie does: fighters put out of action by the target's cover with diminishing returns per
target, morale lost under the bombs and gained under the air umbrella, march and supply lost to
interdiction; civilian deaths are worked out by the population model (``PopulationModel.harm``)."""

from __future__ import annotations

import math

from sim import combat
from sim.codes import Terrain, side_code

ISIS = side_code("isis")


def full_effect_sorties(sorties: float, saturation: float) -> float:
    """Diminishing returns per target: ``sorties`` on one target count as S(1 - exp(-sorties/S)) sorties of
    full effect (S = ``air_saturation_sorties``): the first strikes find the target, later ones what is
    left of it."""
    if sorties <= 0:
        return 0.0
    return saturation * (1.0 - math.exp(-sorties / saturation))


def cover(model, cell: int, struck: int) -> float:
    """The share of a sortie's effect that reaches fighters of side ``struck`` in ``cell``: full in the
    desert, ``air_cover_valley`` dispersed in the valley, ``air_cover_urban`` in a town; ISIS's prepared
    defences (R12) divide it by 1 + fortification."""
    params = model.params
    terrain = model.terrain_flat.item(cell)
    share = params.air_cover_urban if terrain == Terrain.URBAN else (
        params.air_cover_valley if terrain == Terrain.VALLEY else 1.0)
    if struck == ISIS:
        share /= 1.0 + model.fortification_flat.item(cell)
    return share


def air_effect(model, cell: int, struck: int, sorties: float) -> float:
    """Sorties of full effect on fighters of side ``struck`` in ``cell``: what the combat arithmetic
    multiplies by ``kills_per_sortie``."""
    if sorties <= 0:
        return 0.0
    return full_effect_sorties(sorties, model.params.air_saturation_sorties) * cover(model, cell, struck)


def hearten(model, units, sorties: int) -> None:
    """Units with air overhead gain ``air_morale_gain`` per sortie flown for them, shared among them."""
    if sorties <= 0 or not units:
        return
    gain = model.params.air_morale_gain * sorties / len(units)
    for unit in units:
        unit.morale = min(1.0, unit.morale + gain)


def strike(model, target, code: int) -> int:
    """A strike away from the fighting (a concentration or a column): fighters lost (a Poisson count
    shared among the units struck), morale lost, and for a column caught on the move
    (interdiction) supply and march lost; returns the fighters put out of action."""
    params = model.params
    units = [u for u in target.units if u.strength > 0 and u.flat == target.cell]
    if not units:
        return 0
    rng = model.draws.generator("air", model.day, target.cell, code)
    effect = air_effect(model, target.cell, target.side, target.sorties)
    strengths = tuple([u.strength for u in units])
    lost = min(int(rng.poisson(params.kills_per_sortie * effect)), sum(strengths))
    losses = combat.split_losses(rng, lost, strengths)
    morale_loss = params.air_morale_loss * target.sorties / len(units)
    killed = 0
    for unit, loss in zip(units, losses, strict=True):
        if loss:
            taken = unit.lose(loss)
            model.ledger[unit.code]["killed"] += taken
            killed += taken
        unit.morale = max(0.0, unit.morale - morale_loss)
        if target.mission == "interdiction":
            unit.supply = max(0.0, unit.supply - params.interdiction_supply_loss * effect)
            unit.march_credit -= params.interdiction_delay_km * effect  # a debt paid from tomorrow's march
    return killed


def air_share_of_losses(air: float, expected: float, lost: int) -> int:
    """The fighters of ``lost`` put down to air, in proportion to the air's part of the expected losses
    (an attribution for the strikes table: the fight draws one count for ground and air together)."""
    if lost <= 0 or air <= 0 or expected <= 0:
        return 0
    return round(lost * min(1.0, air / expected))
