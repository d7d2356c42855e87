"""Comparison figures: every run of each headline outcome per scenario (a strip plot), and the paired
differences against the reference scenario with their 95% intervals (a forest plot)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator

from sim.calendar import date_of
from sim.outcomes import BY_NAME, HEADLINE
from sim.plots.runs import save

RUN_COLOUR = "#4a6fa5"
SCENARIO_MARKERS = "osD^v<>"
#: What a difference is measured in, by outcome kind; counts keep their own unit (fighters, people...).
DIFFERENCE_UNITS = {"day": "days", "share": "percentage points", "km2": "km²"}


def axis_unit(outcome) -> str:
    return {"day": "date", "share": "% of the valley", "km2": "km²"}.get(outcome.kind, outcome.unit)


def plot_outcome_distributions(summary: pd.DataFrame, path: Path, outcomes=HEADLINE) -> Path:
    """One panel per outcome that happened in some run: each scenario's runs as dots (every run) with a
    median tick; runs in which it never happened are counted in the scenario's label."""
    scenarios = list(dict.fromkeys(summary["scenario"]))
    present = [o for o in outcomes if o in summary.columns]
    outcomes = [o for o in present if summary[o].notna().any()]
    never = [BY_NAME[o].label for o in present if o not in outcomes]
    columns = 3
    rows = max(1, int(np.ceil(len(outcomes) / columns)))
    fig, axes = plt.subplots(rows, columns, figsize=(4.6 * columns, 0.5 * len(scenarios) * rows + 1.9 * rows),
                             squeeze=False)
    rng = np.random.default_rng(0)  # vertical jitter only
    for ax, name in zip(axes.ravel(), outcomes, strict=False):
        outcome = BY_NAME[name]
        scale = 100.0 if outcome.kind == "share" else 1.0
        labels = []
        for y, scenario in enumerate(scenarios):
            values = summary.loc[summary["scenario"] == scenario, name].to_numpy(float) * scale
            happened = values[~np.isnan(values)]
            missing = values.size - happened.size
            labels.append(scenario + (f"\n(never in {missing} of {values.size} runs)" if missing else ""))
            ax.scatter(happened, y + rng.uniform(-0.18, 0.18, happened.size), s=14, alpha=0.7, color=RUN_COLOUR,
                       zorder=3)
            if happened.size:
                ax.plot([np.median(happened)] * 2, [y - 0.3, y + 0.3], color="black", lw=2, zorder=4)
        ax.set_yticks(range(len(scenarios)))
        ax.set_yticklabels(labels, fontsize=7)
        ax.set_ylim(len(scenarios) - 0.5, -0.5)
        ax.set_ylabel("scenario", fontsize=7)
        ax.set_title(textwrap.fill(outcome.label, 48), fontsize=8)
        ax.set_xlabel(axis_unit(outcome), fontsize=7)
        ax.tick_params(axis="x", labelsize=7)
        low, high = ax.get_xlim()
        if high - low < 1e-9 or summary[name].nunique() == 1:
            ax.set_xlim(low - 1, high + 1)
        if outcome.kind == "day":
            ax.xaxis.set_major_locator(MaxNLocator(4, integer=True))
            ax.xaxis.set_major_formatter(FuncFormatter(lambda t, _: date_of(int(t)).isoformat() if t >= 0 else ""))
        ax.grid(axis="x", alpha=0.3)
    for ax in axes.ravel()[len(outcomes):]:
        ax.axis("off")
    runs = summary.groupby("scenario")["run_id"].nunique().max()
    fig.suptitle(f"Headline outcomes by scenario: every run ({runs} paired runs each) and its median", fontsize=11)
    handles = [Line2D([], [], ls="", marker="o", color=RUN_COLOUR, alpha=0.7, label="a run"),
               Line2D([], [], color="black", lw=2, label="median of the runs")]
    note = ("  Never in any run, so not drawn: " + "; ".join(never) + ".") if never else ""
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    fig.legend(handles=handles, loc="lower left", ncol=2, fontsize=8, frameon=False, bbox_to_anchor=(0.0, 0.0))
    if note:
        fig.text(0.3, 0.012, textwrap.fill(note, 110), fontsize=7, va="bottom")
    return save(fig, path)


def plot_paired_differences(table: pd.DataFrame, path: Path) -> Path | None:
    """A forest plot: for each outcome and scenario, the mean paired difference against the first
    scenario (same seeds) with its 95% confidence interval, zero marked; one panel per unit."""
    scenarios = list(dict.fromkeys(table["scenario"]))
    reference, others = scenarios[0], scenarios[1:]
    rows = table[table["scenario"].isin(others) & (table["paired_runs"] >= 2)].copy()
    if rows.empty:
        return None
    rows["unit_group"] = [DIFFERENCE_UNITS.get(k, u) for k, u in zip(rows["kind"], rows["unit"], strict=True)]
    rows["scale"] = np.where(rows["kind"] == "share", 100.0, 1.0)
    groups = list(dict.fromkeys(rows["unit_group"]))
    heights = [rows.loc[rows["unit_group"] == g, "outcome"].nunique() + 0.8 for g in groups]
    fig, axes = plt.subplots(len(groups), 1, figsize=(9.5, 0.32 * sum(heights) + 1.6 + 0.5 * len(groups)),
                             gridspec_kw={"height_ratios": heights}, squeeze=False)
    offsets = np.linspace(-0.2, 0.2, len(others)) if len(others) > 1 else [0.0]
    for ax, group in zip(axes[:, 0], groups, strict=True):
        mine = rows[rows["unit_group"] == group]
        outcomes = list(dict.fromkeys(mine["outcome"]))
        for i, scenario in enumerate(others):
            these = mine[mine["scenario"] == scenario].set_index("outcome").reindex(outcomes)
            y = np.arange(len(outcomes)) + offsets[i]
            mean = these["diff_mean"] * these["scale"]
            low, high = these["diff_low95"] * these["scale"], these["diff_high95"] * these["scale"]
            ax.errorbar(mean, y, xerr=[mean - low, high - mean], fmt=SCENARIO_MARKERS[i % len(SCENARIO_MARKERS)],
                        color=f"C{i}", ms=5, capsize=2, lw=1.2, label=f"{scenario} − {reference}")
        ax.axvline(0, color="black", lw=0.9)
        ax.set_yticks(range(len(outcomes)))
        ax.set_yticklabels([textwrap.shorten(BY_NAME[o].label, 60, placeholder="…") for o in outcomes], fontsize=7)
        ax.set_ylim(len(outcomes) - 0.5, -0.5)
        ax.set_xlabel(f"paired difference, {group}", fontsize=8)
        ax.tick_params(axis="x", labelsize=7)
        ax.grid(axis="x", alpha=0.3)
    runs = int(rows["runs"].max())
    fig.suptitle(f"Paired differences against {reference}: mean over {runs} seeds (same seed in each scenario) "
                 "and its 95% confidence interval; 0 = no difference", fontsize=10)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower left", ncol=min(3, len(others)), fontsize=8, frameon=False,
               bbox_to_anchor=(0.0, 0.0))
    return save(fig, path)
