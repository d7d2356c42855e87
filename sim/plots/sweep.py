"""Sweep figures, from an analysis: main effects, a two-factor heatmap, and sensitivity indices."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sim.calendar import day_of
from sim.outcomes import BY_NAME
from sim.plots.runs import save

BINS = 6


def _numbers(values: pd.Series) -> np.ndarray:
    import datetime as dt

    if len(values) and isinstance(values.iloc[0], dt.date):
        return np.array([day_of(v) for v in values], dtype=float)
    return values.to_numpy(dtype=float)


def plot_main_effects(analysis, path: Path, outcomes: list[str] | None = None) -> Path:
    """Each outcome (rows) against each factor (columns): the points and the binned means."""
    outcomes = outcomes or list(analysis.outcomes.columns)[:4]
    factors = analysis.factors
    fig, axes = plt.subplots(len(outcomes), len(factors), figsize=(3.4 * len(factors), 2.6 * len(outcomes)),
                             squeeze=False)
    for i, name in enumerate(outcomes):
        y = analysis.outcomes[name].to_numpy(float)
        for j, factor in enumerate(factors):
            ax = axes[i, j]
            x = _numbers(analysis.experiments[factor])
            ax.scatter(x, y, s=6, alpha=0.35, color="#4a6fa5")
            edges = np.linspace(np.nanmin(x), np.nanmax(x), BINS + 1)
            which = np.clip(np.digitize(x, edges) - 1, 0, BINS - 1)
            means = [np.nanmean(y[which == b]) if np.any(which == b) else np.nan for b in range(BINS)]
            ax.plot((edges[:-1] + edges[1:]) / 2, means, color="black", lw=1.6)
            if i == len(outcomes) - 1:
                ax.set_xlabel(factor, fontsize=8)
            if j == 0:
                ax.set_ylabel(f"{BY_NAME[name].label[:38]}\n({BY_NAME[name].unit})", fontsize=7)
            ax.tick_params(labelsize=7)
            ax.grid(alpha=0.3)
    fig.suptitle("Main effects: outcome (point mean over replications) against each factor; line = binned mean",
                 fontsize=10)
    fig.tight_layout()
    return save(fig, path)


def plot_heatmap(analysis, outcome: str, path: Path) -> Path | None:
    """The outcome's mean over a grid of the two most influential factors."""
    if len(analysis.factors) < 2:
        return None
    ranked = _ranking(analysis, outcome)
    a, b = ranked[:2]
    x, y = _numbers(analysis.experiments[a]), _numbers(analysis.experiments[b])
    z = analysis.outcomes[outcome].to_numpy(float)
    xe, ye = np.linspace(np.nanmin(x), np.nanmax(x), BINS + 1), np.linspace(np.nanmin(y), np.nanmax(y), BINS + 1)
    xi, yi = np.clip(np.digitize(x, xe) - 1, 0, BINS - 1), np.clip(np.digitize(y, ye) - 1, 0, BINS - 1)
    grid = np.full((BINS, BINS), np.nan)
    for i in range(BINS):
        for j in range(BINS):
            cell = (xi == i) & (yi == j)
            if cell.any():
                grid[j, i] = np.nanmean(z[cell])
    fig, ax = plt.subplots(figsize=(6, 4.8))
    image = ax.imshow(grid, origin="lower", aspect="auto", extent=(xe[0], xe[-1], ye[0], ye[-1]), cmap="viridis")
    fig.colorbar(image, ax=ax, label=f"{BY_NAME[outcome].unit}")
    ax.set_xlabel(a)
    ax.set_ylabel(b)
    ax.set_title(f"{BY_NAME[outcome].label}\nby its two most influential factors", fontsize=9)
    return save(fig, path)


def _ranking(analysis, outcome: str) -> list[str]:
    rows = analysis.indices[analysis.indices["outcome"] == outcome].set_index("factor")
    for column in ("ST", "mu_star", "spearman_rho"):
        if column in rows:
            return list(rows[column].abs().sort_values(ascending=False).index)
    return list(analysis.factors)


def plot_indices(analysis, path: Path) -> Path:
    """Sensitivity indices per outcome and factor: Sobol S1 and ST with their intervals, Morris mu*
    and sigma, or Spearman's rho, as horizontal bars."""
    outcomes = list(analysis.outcomes.columns)
    fig, axes = plt.subplots(1, len(outcomes), figsize=(3.6 * len(outcomes), 0.45 * len(analysis.factors) + 1.8),
                             squeeze=False, sharey=True)
    columns = {"sobol": (("S1", "S1_conf"), ("ST", "ST_conf")),
               "morris": (("mu_star", "mu_star_conf"), ("sigma", None))}
    pairs = columns.get(analysis.design, (("spearman_rho", None),))
    for ax, name in zip(axes[0], outcomes, strict=True):
        rows = analysis.indices[analysis.indices["outcome"] == name].set_index("factor").reindex(analysis.factors)
        positions = np.arange(len(analysis.factors))
        height = 0.8 / len(pairs)
        for k, (value, conf) in enumerate(pairs):
            if value not in rows:
                continue
            errors = rows[conf].to_numpy(float) if conf and conf in rows else None
            ax.barh(positions + k * height, rows[value].to_numpy(float), height=height, xerr=errors, label=value,
                    capsize=2)
        ax.set_yticks(positions + height * (len(pairs) - 1) / 2)
        ax.set_yticklabels(analysis.factors, fontsize=7)
        ax.set_title(BY_NAME[name].label[:45], fontsize=8)
        ax.axvline(0, color="black", lw=0.6)
        ax.tick_params(axis="x", labelsize=7)
        ax.legend(fontsize=7)
        ax.grid(axis="x", alpha=0.3)
    fig.suptitle(f"Sensitivity ({analysis.design} design)", fontsize=10)
    fig.tight_layout()
    return save(fig, path)


def plot_scores(table: pd.DataFrame, factors: list[str], reference: float, path: Path) -> Path:
    """The calibration score of every point against each factor, with the current defaults' score."""
    fig, axes = plt.subplots(1, len(factors), figsize=(3.3 * len(factors), 3.2), squeeze=False, sharey=True)
    best = table["score_days"].idxmin()
    for ax, factor in zip(axes[0], factors, strict=True):
        x = _numbers(table[factor])
        ax.scatter(x, table["score_days"], s=12, alpha=0.6, color="#4a6fa5")
        ax.scatter([x[best]], [table.loc[best, "score_days"]], s=60, marker="*", color="#c0392b", zorder=3)
        ax.axhline(reference, color="black", lw=0.8, ls="--")
        ax.set_xlabel(factor, fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
    axes[0, 0].set_ylabel("calibration score, days")
    fig.suptitle("Calibration score of each point (star: best; dashed: the current defaults)", fontsize=10)
    fig.tight_layout()
    return save(fig, path)
