"""Comparing scenarios run with common random numbers: the same seeds for every scenario.

For each outcome and scenario: runs where it happened, median, mean and a 95% interval of the runs;
for each scenario against the first: the paired difference (run by run, same seed) with a 95%
confidence interval (Student t over the paired differences), and, for contrast, the unpaired
(Welch) interval on the same runs. Pairing removes the variation the scenarios share, so its
interval is narrower when the scenarios differ little.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from sim.outcomes import OUTCOMES

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
                "low95": float(np.percentile(happened, 2.5)) if happened.size else math.nan,
                "high95": float(np.percentile(happened, 97.5)) if happened.size else math.nan,
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


def format_value(value: float, kind: str, difference: bool = False) -> str:
    """A value as a reader wants it: dates for days, percentages for shares, thousands separators."""
    from sim.calendar import date_of

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if kind == "day" and not difference:
        return date_of(math.floor(value)).isoformat()
    if kind == "day":
        return f"{value:+.0f} d"
    if kind == "share":
        return f"{value:+.0%}" if difference else f"{value:.0%}"
    return f"{value:+,.0f}" if difference else f"{value:,.0f}"


def format_comparison(table: pd.DataFrame) -> str:
    """The comparison as a readable text table."""
    lines = []
    scenarios = list(dict.fromkeys(table["scenario"]))
    reference = scenarios[0]
    width = max(len(s) for s in scenarios)
    for outcome, rows in table.groupby("outcome", sort=False):
        first = rows.iloc[0]
        lines.append(f"\n{first['label']} ({first['unit']})")
        for _, row in rows.iterrows():
            kind = row["kind"]
            spread = f"{format_value(row['median'], kind)} [{format_value(row['low95'], kind)} .. " \
                     f"{format_value(row['high95'], kind)}]"
            never = "" if row["happened"] == row["runs"] else f" (in {row['happened']}/{row['runs']} runs)"
            diff = ""
            if row["scenario"] != reference:
                low, high = (format_value(row[k], kind, True) for k in ("diff_low95", "diff_high95"))
                diff = f"   vs {reference}: {format_value(row['diff_mean'], kind, True)} [{low} .. {high}]"
            lines.append(f"  {row['scenario']:<{width}}  {spread}{never}{diff}")
        del outcome
    return "\n".join(lines)
