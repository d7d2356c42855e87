"""What each switch does to the campaign: every rule R1-R15 switched off alone, and every shipped
scenario, run with the baseline's seeds (common random numbers) and compared with it run by run.

The comparison is ``sim/experiments/compare.py``'s: for each outcome the paired difference with its
95% interval. An outcome moves when that interval excludes zero, or when the event happens in a
clearly different number of runs (days of events that never happen are not differences, so a
switch that stops an event shows there). A variant that moves nothing is flagged: it changes
nothing measurable at that number of runs and days.
"""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd

from sim.experiments.compare import comparison_table
from sim.experiments.comparison_printout import format_value
from sim.outcomes import BY_NAME, HEADLINE
from sim.scenario import Scenario, baseline

REFERENCE = "baseline"
#: runs in which an event happens must differ by more than this share of runs to count as a change
HAPPENED_SHARE = 0.1


def variants() -> list[tuple[str, str, Scenario]]:
    """(name, what it changes, scenario) for each rule switched off alone, then each shipped scenario."""
    from sim.rules import RULES
    from sim.scenarios import list_scenarios

    found = []
    for rule in RULES.values():
        scenario = replace(baseline(), name=f"{rule.id}_off", rules_off=frozenset({rule.id}))
        found.append((scenario.name, f"{rule.id} off: {rule.when_off}", scenario))
    for scenario in list_scenarios():
        if scenario.name != REFERENCE:
            found.append((scenario.name, " ".join(scenario.description.split()), scenario))
    return found


def effects_table(summary: pd.DataFrame, names: list[str], changes: dict[str, str]) -> pd.DataFrame:
    """The comparison of every variant with the baseline (first in ``names``), with per row whether
    the outcome moves and per variant whether anything does."""
    table = comparison_table(summary, names)
    table = table[table["scenario"] != names[0]].copy()
    table.insert(5, "change", table["scenario"].map(changes))
    reference = comparison_table(summary, names[:1]).set_index("outcome")
    table["reference_happened"] = table["outcome"].map(reference["happened"]).astype(int)
    table["reference_median"] = table["outcome"].map(reference["median"])
    excludes_zero = (table["diff_low95"] > 0) | (table["diff_high95"] < 0)
    happened_apart = (table["happened"] - table["reference_happened"]).abs() > HAPPENED_SHARE * table["runs"]
    table["moves"] = excludes_zero | happened_apart
    table["variant_moves"] = table.groupby("scenario")["moves"].transform("any")
    return table.reset_index(drop=True)


def effects_markdown(table: pd.DataFrame, *, runs: int, days: int | None, seed: int, command: str) -> str:
    """The rule-effects report: an overview of the headline outcomes, then per variant what moves."""
    period = f"the first {days} days" if days else "the whole period (to 2019-03-31)"
    lines = [
        "# Rule effects",
        "",
        f"Each rule switched off alone, and each shipped scenario, against the baseline: {runs} paired runs "
        f"each (common random numbers, master seed {seed}), {period}. Made by `{command}`.",
        "",
        "A difference is the mean over paired runs of (variant − baseline) with its 95% confidence interval "
        "(Student t); it counts only runs where the event happened in both. An outcome *moves* when its "
        "interval excludes zero or when the event happens in more than "
        f"{HAPPENED_SHARE:.0%} of runs more or fewer. **Nothing measurable** marks a variant that moves no outcome.",
        "",
        "## Overview: headline outcomes (difference from the baseline; · where it does not move)",
        "",
    ]
    headline = [name for name in HEADLINE if name in set(table["outcome"])]
    lines += ["; ".join(f"`{name}`: {BY_NAME[name].label}" for name in headline) + ".", ""]
    lines.append("| variant | " + " | ".join(f"`{name}`" for name in headline) + " |")
    lines.append("|---|" + "---|" * len(headline))
    for scenario, rows in table.groupby("scenario", sort=False):
        by_outcome = rows.set_index("outcome")
        cells = [overview_cell(by_outcome.loc[name]) for name in headline]
        flag = "" if rows["variant_moves"].iloc[0] else " (nothing measurable)"
        lines.append(f"| {scenario}{flag} | " + " | ".join(cells) + " |")
    lines += ["", "## Per variant: the outcomes that move", ""]
    for scenario, rows in table.groupby("scenario", sort=False):
        lines += [f"### {scenario}", "", rows["change"].iloc[0], ""]
        moving = rows[rows["moves"]]
        if moving.empty:
            lines += ["Nothing measurable: no outcome moves.", ""]
            continue
        lines += ["| outcome | baseline | variant | difference [95% interval] | happened (baseline → variant) |",
                  "|---|---|---|---|---|"]
        for _, row in moving.iterrows():
            kind = row["kind"]
            interval = (f"{format_value(row['diff_mean'], kind, True)} [{format_value(row['diff_low95'], kind, True)}"
                        f" .. {format_value(row['diff_high95'], kind, True)}]")
            happened = f"{row['reference_happened']}/{row['runs']} → {row['happened']}/{row['runs']}"
            lines.append(f"| {row['label']} | {format_value(row['reference_median'], kind)} | "
                         f"{format_value(row['median'], kind)} | {interval} | {happened} |")
        lines.append("")
    return "\n".join(lines) + "\n"


def overview_cell(row: pd.Series) -> str:
    """A headline outcome's cell: its paired difference, or how often it happens when that is what moved."""
    if not row["moves"]:
        return "·"
    if row["happened"] != row["reference_happened"] and (math.isnan(row["diff_mean"]) or row["happened"] == 0):
        return f"happens {row['reference_happened']}→{row['happened']}"
    return format_value(row["diff_mean"], row["kind"], True)
