"""Lanchester's square law in a controlled two-unit world, fought with the model's own combat code.

Aimed fire: dA/dt = -beta B and dB/dt = -alpha A, where alpha is what one attacker kills a day
(lethality x effectiveness / the defender's defence multiplier) and beta what one defender kills;
then alpha A^2 - beta B^2 stays constant and the winner keeps sqrt((alpha A0^2 - beta B0^2) / alpha)
fighters (the linear law of unaimed fire would conserve alpha A - beta B instead). The world is one
attacking and one defending unit, no air, no morale, no withdrawal: ``sim.combat.expected_losses``
day by day (and ``sim.combat.resolve`` with its random intensity and Poisson draws, averaged).
Stepping a day at a time, each step multiplies the invariant by 1 - alpha beta h^2 (h the step,
in days), a drift that vanishes as the step shrinks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from sim import combat


@dataclass(frozen=True)
class Duel:
    """One attacking and one defending unit in the open or in a town, fighting to the end."""

    attacker: float = 1000.0
    defender: float = 600.0
    attacker_effectiveness: float = 1.0
    defender_effectiveness: float = 1.0
    lethality: float = 0.02  # the baseline's lethality (fighters killed per effective fighter a day)
    defence: float = 1.3  # the baseline's valley defence multiplier
    days: int = 400
    steps_per_day: int = 1

    @property
    def alpha(self) -> float:
        """Defenders killed per attacker a day."""
        return self.lethality * self.attacker_effectiveness / self.defence

    @property
    def beta(self) -> float:
        """Attackers killed per defender a day."""
        return self.lethality * self.defender_effectiveness

    def invariant(self, attacker, defender):
        """alpha A^2 - beta B^2."""
        return self.alpha * np.square(attacker) - self.beta * np.square(defender)

    @property
    def scale(self) -> float:
        """alpha A0^2 + beta B0^2: what drifts of the invariant are measured against."""
        return self.alpha * self.attacker**2 + self.beta * self.defender**2

    def square_law_survivors(self) -> tuple[float, float]:
        """Survivors (attacker, defender) the square law predicts."""
        left = self.invariant(self.attacker, self.defender)
        if left >= 0:
            return math.sqrt(left / self.alpha), 0.0
        return 0.0, math.sqrt(-left / self.beta)

    def linear_law_survivors(self) -> tuple[float, float]:
        """Survivors the linear law (alpha A - beta B conserved) would predict, for contrast."""
        left = self.alpha * self.attacker - self.beta * self.defender
        return (left / self.alpha, 0.0) if left >= 0 else (0.0, -left / self.beta)


def fight_expected(duel: Duel) -> pd.DataFrame:
    """The duel with expected losses only (no intensity draw, no Poisson): strengths and the invariant
    at each step, until a side is destroyed or the days run out."""
    step_lethality = duel.lethality / duel.steps_per_day
    a, b = float(duel.attacker), float(duel.defender)
    rows = [(0.0, a, b)]
    for step in range(1, duel.days * duel.steps_per_day + 1):
        if a <= 0 or b <= 0:
            break
        attacker = combat.Side((a,), (duel.attacker_effectiveness,))
        defender = combat.Side((b,), (duel.defender_effectiveness,))
        lost_a, lost_b = combat.expected_losses(
            attacker, defender, lethality=step_lethality, defence=duel.defence, kills_per_sortie=0.0
        )
        a, b = a - lost_a, b - lost_b
        rows.append((step / duel.steps_per_day, a, b))
    frame = pd.DataFrame(rows, columns=["day", "attacker", "defender"])
    frame["invariant"] = duel.invariant(frame["attacker"], frame["defender"])
    return frame


def fight_stochastic(duel: Duel, *, sigma: float, repetitions: int = 200, seed: int = 0) -> pd.DataFrame:
    """The duel fought ``repetitions`` times with ``sim.combat.resolve`` (log-normal intensity, Poisson
    losses): the mean strengths each day, and the invariant of those means."""
    rng = np.random.default_rng(seed)
    strengths = np.zeros((repetitions, duel.days + 1, 2))
    for r in range(repetitions):
        a, b = int(duel.attacker), int(duel.defender)
        strengths[r, 0] = a, b
        for day in range(1, duel.days + 1):
            if a > 0 and b > 0:
                outcome = combat.resolve(
                    rng, combat.Side((a,), (duel.attacker_effectiveness,)),
                    combat.Side((b,), (duel.defender_effectiveness,)), lethality=duel.lethality,
                    defence=duel.defence, kills_per_sortie=0.0, sigma=sigma,
                )
                a, b = a - outcome.total_attacker_losses, b - outcome.total_defender_losses
            strengths[r, day] = a, b
    mean = strengths.mean(axis=0)
    frame = pd.DataFrame({"day": np.arange(duel.days + 1), "attacker": mean[:, 0], "defender": mean[:, 1]})
    frame["invariant"] = duel.invariant(frame["attacker"], frame["defender"])
    return frame


def relative_drift(duel: Duel, trajectory: pd.DataFrame, *, until_share: float = 0.0) -> float:
    """The largest change of the invariant along a trajectory, relative to alpha A0^2 + beta B0^2,
    while the losing side keeps more than ``until_share`` of its strength."""
    loser = "defender" if duel.square_law_survivors()[0] > 0 else "attacker"
    start = trajectory[loser].iloc[0]
    kept = trajectory[trajectory[loser] > until_share * start]
    return float((kept["invariant"] - kept["invariant"].iloc[0]).abs().max() / duel.scale)


def euler_drift_bound(duel: Duel, days: float) -> float:
    """The relative drift stepping alone makes over ``days``: 1 - (1 - alpha beta h^2)^(days / h)."""
    h = 1.0 / duel.steps_per_day
    return 1.0 - (1.0 - duel.alpha * duel.beta * h * h) ** (days / h)


def square_law_report(duel: Duel = Duel(), *, sigma: float = 0.9, repetitions: int = 200) -> pd.DataFrame:
    """The checks the scorecard shows: invariant drift with daily and finer steps and with the random
    draws averaged, and the winner's survivors against the square and the linear law."""
    rows = []
    for label, setup in (("expected losses, daily steps", duel),
                         ("expected losses, hourly steps", replace(duel, steps_per_day=24))):
        trajectory = fight_expected(setup)
        end = trajectory.iloc[-1]
        rows.append(
            {
                "world": label, "days_fought": float(end["day"]), "relative_drift": relative_drift(setup, trajectory),
                "stepping_drift_bound": euler_drift_bound(setup, float(end["day"])),
                "attacker_survivors": float(end["attacker"]), "defender_survivors": float(end["defender"]),
            }
        )
    mean = fight_stochastic(duel, sigma=sigma, repetitions=repetitions)
    loser = "defender" if duel.square_law_survivors()[0] > 0 else "attacker"
    alive = mean[mean[loser] > 0.2 * mean[loser].iloc[0]]
    rows.append(
        {
            "world": f"random draws (sigma {sigma:g}), mean of {repetitions}, until the loser is down to 20%",
            "days_fought": float(alive["day"].iloc[-1]), "relative_drift": relative_drift(duel, mean, until_share=0.2),
            "stepping_drift_bound": euler_drift_bound(duel, float(alive["day"].iloc[-1])),
            "attacker_survivors": float(mean["attacker"].iloc[-1]),
            "defender_survivors": float(mean["defender"].iloc[-1]),
        }
    )
    frame = pd.DataFrame(rows)
    square, linear = duel.square_law_survivors(), duel.linear_law_survivors()
    frame["square_law_survivors"] = max(square)
    frame["linear_law_survivors"] = max(linear)
    return frame
