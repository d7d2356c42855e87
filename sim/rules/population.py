"""R11: the social make-up is sensitive; the Iranian, Shia presence and destruction risk sectarian
war (¶4, ¶5, ¶6). Tension feeds ISIS recruitment and raids behind the lines."""

from __future__ import annotations

import numpy as np

from sim.rules.registry import implements

RAID_PER_RESIDENTS = 10_000.0


@implements("R11")
def raise_tension(tension: np.ndarray, militia_near: np.ndarray, new_damage: np.ndarray, params, rules) -> None:
    """Iranian-backed militias and destruction raise sectarian tension (0..1), which decays slowly."""
    if not rules.on("R11"):
        tension[:] = 0.0
        return
    tension += params.militia_tension * militia_near + params.damage_tension * new_damage
    tension -= params.tension_decay * tension
    tension.clip(0.0, 1.0, out=tension)


@implements("R11")
def sour_attitudes(attitude_regime: np.ndarray, tension: np.ndarray) -> None:
    """Tension turns the tribes against the regime that brought the militias (¶4, ¶6)."""
    attitude_regime -= 0.002 * tension
    attitude_regime.clip(0.0, 1.0, out=attitude_regime)


@implements("R11")
def expected_raids(residents: np.ndarray, tension: np.ndarray, behind_lines: np.ndarray, params) -> float:
    """ISIS raids a day behind the lines, from the tension among the people there."""
    return float(params.isis_raid_rate * (residents[behind_lines] * tension[behind_lines]).sum() / RAID_PER_RESIDENTS)


@implements("R11")
def expected_regime_recruits(residents: np.ndarray, attitude: np.ndarray, regime_held: np.ndarray, params) -> float:
    """The tribes' attitude toward the regime decides who joins its local militias (campaign.md: NDF
    and tribal militias); tension sours it (``sour_attitudes``), so the militias' presence costs the
    regime recruits: recruits a day from the people of ``regime_held`` cells."""
    threshold = params.regime_attitude_threshold
    willing = (attitude[regime_held] - threshold) / max(1e-9, 1 - threshold)
    willing.clip(0, 1, out=willing)
    return float(params.regime_recruitment_rate * (residents[regime_held] * willing).sum())


@implements("R11")
def expected_isis_recruits(residents: np.ndarray, tension: np.ndarray, params) -> float:
    """ISIS recruits a day from the grievances that tension breeds."""
    return float(params.isis_recruitment_rate * (residents * tension).sum())
