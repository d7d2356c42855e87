"""Stochastic Lanchester attrition for one engagement between hostile units in contact.

Aimed fire (the square law): each side loses, per day, the opposing strength times its
effectiveness; the defender's ground losses are divided by its defence multiplier (terrain, prepared
defences); sorties flown in support add losses on the side they strike, by their effect after the
target's cover and diminishing returns (``sim/air/effects.py``), so the defence multiplier does not
divide them again. The day's draw scales both
sides' expected losses by a common intensity (log-normal, mean 1) and then draws each side's
losses as a Poisson count, so most engagements are small and a few are very large.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Side:
    """One side of an engagement: the units' strengths and each unit's effectiveness per fighter."""

    strengths: tuple[int, ...]
    effectiveness: tuple[float, ...]
    air_effect: float = 0.0  # sorties of full effect flown for this side, striking the other (sim/air/effects.py)

    @property
    def strength(self) -> int:
        return sum(self.strengths)

    @property
    def firepower(self) -> float:
        """Strength weighted by effectiveness: the fire this side delivers per unit of lethality."""
        return sum([s * e for s, e in zip(self.strengths, self.effectiveness, strict=True)])


@dataclass(frozen=True)
class Outcome:
    attacker_losses: tuple[int, ...]  # per attacking unit
    defender_losses: tuple[int, ...]  # per defending unit
    intensity: float
    expected_attacker_losses: float
    expected_defender_losses: float

    @property
    def total_attacker_losses(self) -> int:
        return sum(self.attacker_losses)

    @property
    def total_defender_losses(self) -> int:
        return sum(self.defender_losses)


def expected_losses(
    attacker: Side, defender: Side, *, lethality: float, defence: float, kills_per_sortie: float
) -> tuple[float, float]:
    """Expected (attacker, defender) losses for one day of fighting, before the intensity draw."""
    to_attacker = lethality * defender.firepower + kills_per_sortie * defender.air_effect
    to_defender = lethality * attacker.firepower / defence + kills_per_sortie * attacker.air_effect
    return min(to_attacker, attacker.strength), min(to_defender, defender.strength)


def intensity_draw(rng: np.random.Generator, sigma: float) -> float:
    """A log-normal multiplier with mean 1 (sigma 0 gives exactly 1)."""
    if sigma <= 0:
        return 1.0
    return float(math.exp(sigma * rng.standard_normal() - sigma * sigma / 2))


def split_losses(rng: np.random.Generator, total: int, strengths: tuple[int, ...]) -> tuple[int, ...]:
    """Share ``total`` losses among units in proportion to their strengths (never more than a unit has)."""
    if total <= 0 or not strengths:
        return (0,) * len(strengths)
    if len(strengths) == 1:
        return (min(total, strengths[0]),)
    pool = sum(strengths)
    total = min(total, pool)
    # a multivariate hypergeometric draw: each fighter equally likely to be hit
    return multivariate_hypergeometric(rng, strengths, total)


def multivariate_hypergeometric(rng: np.random.Generator, colors: tuple[int, ...], sample: int) -> tuple[int, ...]:
    """``rng.multivariate_hypergeometric(colors, sample)`` draw for draw, without its checks and arrays:
    numpy's default method ("marginals"), one hypergeometric draw per colour but the last, for the
    smaller of the sample and its complement."""
    pool = sum(colors)
    drawn = [0] * len(colors)
    if pool == 0 or sample == 0:
        return tuple(drawn)
    complement = sample > pool // 2
    left = pool - sample if complement else sample
    rest = pool
    for i, count in enumerate(colors[:-1]):
        if left <= 0:
            break
        rest -= count
        drawn[i] = int(rng.hypergeometric(count, rest, left))
        left -= drawn[i]
    if left > 0:
        drawn[-1] = left
    if complement:
        return tuple([count - d for count, d in zip(colors, drawn, strict=True)])
    return tuple(drawn)


def resolve(
    rng: np.random.Generator,
    attacker: Side,
    defender: Side,
    *,
    lethality: float,
    defence: float,
    kills_per_sortie: float,
    sigma: float,
) -> Outcome:
    """One day of an engagement: losses per unit on each side."""
    mean_a, mean_d = expected_losses(
        attacker, defender, lethality=lethality, defence=defence, kills_per_sortie=kills_per_sortie
    )
    intensity = intensity_draw(rng, sigma)
    lost_a = min(int(rng.poisson(mean_a * intensity)), attacker.strength)
    lost_d = min(int(rng.poisson(mean_d * intensity)), defender.strength)
    return Outcome(
        split_losses(rng, lost_a, attacker.strengths),
        split_losses(rng, lost_d, defender.strengths),
        intensity,
        mean_a,
        mean_d,
    )
