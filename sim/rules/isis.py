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
PREPARATION_DAYS = 180.0  # ¶10: the day-0 defences took six months to prepare (sets the building rate)
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
def decay_lost_defences(fortification: np.ndarray, control: np.ndarray, params, cells: np.ndarray | None = None
                        ) -> None:
    """Prepared defences decay once ISIS has lost the cell (looking only at ``cells``, flat, when given:
    the only cells that can have defences, towns and valley)."""
    flat = fortification.reshape(-1)
    cells = np.arange(flat.size) if cells is None else cells
    lost = cells[(flat[cells] != 0) & (control.reshape(-1)[cells] != ISIS)]
    flat[lost] *= 1.0 - params.fortification_decay


@implements("R12")
def build_defences(fortification: np.ndarray, control: np.ndarray, terrain: np.ndarray, quiet: np.ndarray,
                   days: int, params, rules) -> None:
    """A pocket's defence grows (¶10: six months of preparation before day 0): in the towns and
    valley it holds out of contact (``quiet``), ISIS adds the day-0 level every six months, up to
    ``isis_fortification_cap`` (tunnels, berms, mines), 30% of that in the valley."""
    if not rules.on("R12"):
        return
    flat, terrain_flat = fortification.reshape(-1), terrain.reshape(-1)
    held = np.flatnonzero((control.reshape(-1) == ISIS) & quiet.reshape(-1))
    urban = terrain_flat[held] == Terrain.URBAN
    valley = terrain_flat[held] == Terrain.VALLEY
    step = params.isis_fortification / PREPARATION_DAYS * days
    for cells, share in ((held[urban], 1.0), (held[valley], VALLEY_FORTIFICATION)):
        if cells.size:
            flat[cells] = np.minimum(flat[cells] + step * share, params.isis_fortification_cap * share)


@implements("R12")
def last_stand_defence(params, rules) -> float:
    """Defenders with nowhere to withdraw to fight harder (the last pocket): their extra defence."""
    return params.isis_last_stand if rules.on("R12") else 0.0


@implements("R12")
def withdrawal_ratio(side_code_: int, stance: str, params, rules) -> float:
    """ISIS prefers delay to holding to the death (¶10): it falls back at a lower force ratio than
    other sides give ground at, and lower still where it only delays outside its core."""
    if side_code_ == ISIS and rules.on("R12"):
        return params.isis_delay_ratio if stance == "delay" else params.isis_fallback_ratio
    return params.breakthrough_ratio


@implements("R12")
def counterattacks(draw: float, odds: float, enemy_air_up: bool, params, rules) -> bool:
    """ISIS counter-attacks from its positions (defend, fall back, counter-attack), where the enemy
    is thin or newly arrived (``odds``: its power over the enemy cell's) and most of all when the
    enemy's air is grounded; ``draw`` is the unit's uniform draw for the day."""
    if not rules.on("R12"):
        return False
    chance = params.isis_counterattack_rate * min(1.0, odds / params.isis_counterattack_odds)
    if not enemy_air_up:
        chance *= params.isis_no_air_multiplier
    return draw < chance


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
def defection_rate(morale: float, supply: float, cut_off: bool, contagion: float, day: int, km_to_bukamal: float,
                   params, rules) -> float:
    """ISIS fears defections, seen lately in al-Bukamal (¶11): the daily share of a unit's local
    fighters who defect grows with the pressures on it (morale below ``isis_defection_morale``,
    supply lost, being cut off) and with defections among its neighbours yesterday (contagion);
    higher around al-Bukamal at the start (the excess halves every 60 days)."""
    if not rules.on("R14"):
        return 0.0
    threshold = params.isis_defection_morale
    pressure = max(0.0, 1.0 - morale / threshold) + (1.0 - supply) + (1.0 if cut_off else 0.0)
    pressure += params.isis_defection_contagion * contagion
    if pressure <= 0:
        return 0.0
    rate = params.isis_defection_rate * pressure
    if km_to_bukamal <= BUKAMAL_REACH_KM:
        excess = (params.bukamal_defection_multiplier - 1) * math.pow(0.5, day / BUKAMAL_HALF_LIFE_DAYS)
        rate *= 1 + excess
    return min(rate, 1.0)
