"""Comparison figures: the distribution of each headline outcome per scenario."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter, MaxNLocator

from sim.calendar import date_of
from sim.outcomes import BY_NAME, HEADLINE
from sim.plots.runs import save


def plot_outcome_distributions(summary: pd.DataFrame, path: Path, outcomes=HEADLINE) -> Path:
    """One panel per outcome: each scenario's runs as dots over a box (runs where it never happened
    are counted in the label)."""
    scenarios = list(dict.fromkeys(summary["scenario"]))
    outcomes = [o for o in outcomes if o in summary.columns]
    columns = 3
    rows = int(np.ceil(len(outcomes) / columns))
    fig, axes = plt.subplots(rows, columns, figsize=(4.4 * columns, 0.55 * len(scenarios) * rows + 1.8 * rows),
                             squeeze=False)
    rng = np.random.default_rng(0)  # jitter only
    for ax, name in zip(axes.ravel(), outcomes, strict=False):
        outcome = BY_NAME[name]
        data, labels = [], []
        for scenario in scenarios:
            values = summary.loc[summary["scenario"] == scenario, name].to_numpy(float)
            happened = values[~np.isnan(values)]
            data.append(happened)
            missing = values.size - happened.size
            labels.append(scenario + (f" ({missing} never)" if missing else ""))
        positions = np.arange(len(scenarios))
        ax.boxplot([d if d.size else [np.nan] for d in data], positions=positions, orientation="horizontal", widths=0.5,
                   showfliers=False, medianprops={"color": "black"})
        for y, d in zip(positions, data, strict=True):
            ax.scatter(d, y + rng.uniform(-0.15, 0.15, d.size), s=9, alpha=0.6, color="#4a6fa5", zorder=3)
        ax.set_yticks(positions)
        ax.set_yticklabels(labels, fontsize=7)
        ax.invert_yaxis()
        ax.set_title(outcome.label, fontsize=8)
        ax.set_xlabel(outcome.unit, fontsize=7)
        ax.tick_params(axis="x", labelsize=7)
        if not any(d.size for d in data):
            ax.text(0.5, 0.5, "never, in any run", transform=ax.transAxes, ha="center", fontsize=8, color="#777777")
            ax.set_xticks([])
        elif outcome.kind == "day":
            ax.xaxis.set_major_locator(MaxNLocator(4, integer=True))
            ax.xaxis.set_major_formatter(FuncFormatter(lambda t, _: date_of(int(t)).isoformat() if t >= 0 else ""))
        ax.grid(axis="x", alpha=0.3)
    for ax in axes.ravel()[len(outcomes):]:
        ax.axis("off")
    runs = summary.groupby("scenario")["run_id"].nunique().max()
    fig.suptitle(f"Headline outcomes by scenario ({runs} paired runs each)", fontsize=11)
    fig.tight_layout()
    return save(fig, path)
