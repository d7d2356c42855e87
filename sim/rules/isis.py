"""ISIS's rules: prepared defences and delay (R12), no reinforcement and the Raqqa drain (R13),
and defections (R14)."""

from __future__ import annotations

import math

import numpy as np

from sim.calendar import day_of
from sim.codes import Terrain, side_code
from sim.rules.registry import implements

ISIS = side_code("isis")
VALLEY_FORTIFICATION = 0.3  # share of the town bonus in held valley villages (assumption)
COUNTERATTACK_MORALE = 0.5
BUKAMAL_REACH_KM = 30.0
BUKAMAL_HALF_LIFE_DAYS = 60.0


@implements("R12")
def prepared_defences(control: np.ndarray, terrain: np.ndarray, params, rules) -> np.ndarray:
    """Defences prepared over six months (¶10): ISIS-held towns start fortified, valley villages
    less so; the value is the extra defence (1 = +100%)."""
    fortification = np.zeros(control.shape, dtype=np.float64)
    if rules.on("R12"):
        held = control == ISIS
        fortification[held & (terrain == Terrain.URBAN)] = params.isis_fortification
        fortification[held & (terrain == Terrain.VALLEY)] = params.isis_fortification * VALLEY_FORTIFICATION
    return fortification


@implements("R12")
def decay_lost_defences(fortification: np.ndarray, control: np.ndarray, params,
                        cells: np.ndarray | None = None) -> None:
    """Prepared defences decay once ISIS has lost the cell.

    ``cells`` (flat indices), if given, are the cells prepared at the start: defences are never
    built later, so only these can hold any (the same result, without a pass over the whole map)."""
    if cells is None:
        lost = (control != ISIS) & (fortification > 0)
        fortification[lost] *= 1.0 - params.fortification_decay
        return
    flat = fortification.reshape(-1)
    lost = cells[control.reshape(-1)[cells] != ISIS]
    flat[lost] *= 1.0 - params.fortification_decay


@implements("R12")
def withdrawal_ratio(side_code_: int, params, rules) -> float:
    """ISIS prefers delay to holding to the death (¶10): it falls back at a lower force ratio than
    other sides give ground at."""
    if side_code_ == ISIS and rules.on("R12"):
        return params.isis_fallback_ratio
    return params.breakthrough_ratio


@implements("R12")
def counterattacks(draw: float, morale: float, params, rules) -> bool:
    """ISIS counter-attacks from its positions now and then (defend, fall back, counter-attack);
    ``draw`` is the unit's uniform draw for the day."""
    return rules.on("R12") and morale > COUNTERATTACK_MORALE and draw < params.isis_counterattack_rate


@implements("R13")
def raqqa_drain(day: int, params, rules) -> float:
    """ISIS cannot balance its fronts (¶11): until Raqqa falls, the Raqqa front draws fighters off
    the valley each day."""
    if rules.on("R13") and day < day_of(params.raqqa_fall_date):
        return params.isis_raqqa_drain
    return 0.0


@implements("R13")
def raqqa_return(day: int, drawn_off: int, params, rules) -> int:
    """When Raqqa falls, part of what the Raqqa front drew off comes back (decisions.md: the evacuation
    deal of 2017-10-12 to 10-15 sent a convoy of fighters east): fighters arriving that day."""
    if rules.on("R13") and day == day_of(params.raqqa_fall_date):
        return round(params.isis_raqqa_return_share * drawn_off)
    return 0


@implements("R13")
def reinforcement_from_iraq(params, rules) -> float:
    """Having lost Mosul and Tal Afar, ISIS gets no reinforcement from Iraq (¶11); with R13
    switched off it gets ``isis_iraq_reinforcement`` fighters a day."""
    return 0.0 if rules.on("R13") else params.isis_iraq_reinforcement


@implements("R14")
def defection_rate(morale: float, day: int, km_to_bukamal: float, params, rules) -> float:
    """ISIS fears defections, seen lately in al-Bukamal (¶11): the daily share of a demoralised unit
    that defects, higher around al-Bukamal at the start (the excess halves every 60 days)."""
    threshold = params.isis_defection_morale
    if not rules.on("R14") or morale >= threshold:
        return 0.0
    rate = params.isis_defection_rate * (1 - morale / threshold)
    if km_to_bukamal <= BUKAMAL_REACH_KM:
        excess = (params.bukamal_defection_multiplier - 1) * math.pow(0.5, day / BUKAMAL_HALF_LIFE_DAYS)
        rate *= 1 + excess
    return min(rate, 1.0)
