"""Comparing scenarios run with common random numbers: the same seeds for every scenario.

For each outcome and scenario: runs where it happened, median, mean and the middle 95% of the runs
(their 2.5th to 97.5th percentile, ``low95`` .. ``high95``);
for each scenario against the first: the paired difference (run by run, same seed) with a 95%
confidence interval (Student t over the paired differences), and, for contrast, the unpaired
(Welch) interval on the same runs. Pairing removes the variation the scenarios share, so its
interval is narrower when the scenarios differ little. The text form is in ``comparison_printout``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from sim.outcomes import OUTCOMES

RANGE_PERCENTILES = (2.5, 97.5)  # the range of runs printed and stored as low95 .. high95
COLUMNS = [
    "outcome", "label", "unit", "kind", "scenario", "runs", "happened", "median", "mean", "low95", "high95",
    "paired_runs", "diff_mean", "diff_low95", "diff_high95", "unpaired_low95", "unpaired_high95",
]


def paired_interval(differences: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Mean of paired differences and its t confidence interval (NaN when fewer than two pairs)."""
    differences = differences[~np.isnan(differences)]
    n = differences.size
    if n == 0:
        return math.nan, math.nan, math.nan
    mean = float(differences.mean())
    if n < 2:
        return mean, math.nan, math.nan
    half = stats.t.ppf(0.5 + level / 2, n - 1) * differences.std(ddof=1) / math.sqrt(n)
    return mean, mean - half, mean + half


def unpaired_interval(a: np.ndarray, b: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Difference of means (b - a) with Welch's t interval, ignoring which runs share a seed."""
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    if a.size < 2 or b.size < 2:
        return math.nan, math.nan, math.nan
    va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    diff = float(b.mean() - a.mean())
    se = math.sqrt(va + vb)
    if se == 0:
        return diff, diff, diff
    dof = (va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1))
    half = stats.t.ppf(0.5 + level / 2, dof) * se
    return diff, diff - half, diff + half


def comparison_table(summary: pd.DataFrame, scenarios: list[str] | None = None) -> pd.DataFrame:
    """The comparison of every declared outcome across scenarios; the first scenario is the reference."""
    scenarios = scenarios or list(dict.fromkeys(summary["scenario"]))
    reference = summary[summary["scenario"] == scenarios[0]].set_index("run_id")
    rows = []
    for outcome in OUTCOMES:
        if outcome.name not in summary.columns:
            continue
        for scenario in scenarios:
            mine = summary[summary["scenario"] == scenario].set_index("run_id")
            values = mine[outcome.name].to_numpy(dtype=float)
            happened = values[~np.isnan(values)]
            row = {
                "outcome": outcome.name, "label": outcome.label, "unit": outcome.unit, "kind": outcome.kind,
                "scenario": scenario, "runs": int(values.size), "happened": int(happened.size),
                "median": float(np.median(happened)) if happened.size else math.nan,
                "mean": float(happened.mean()) if happened.size else math.nan,
                "low95": float(np.percentile(happened, RANGE_PERCENTILES[0])) if happened.size else math.nan,
                "high95": float(np.percentile(happened, RANGE_PERCENTILES[1])) if happened.size else math.nan,
            }
            common = reference.index.intersection(mine.index)
            paired = (mine.loc[common, outcome.name].to_numpy(float)
                      - reference.loc[common, outcome.name].to_numpy(float))
            row["paired_runs"] = int(np.sum(~np.isnan(paired)))
            row["diff_mean"], row["diff_low95"], row["diff_high95"] = paired_interval(paired)
            _, row["unpaired_low95"], row["unpaired_high95"] = unpaired_interval(
                reference[outcome.name].to_numpy(float), values)
            rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)
