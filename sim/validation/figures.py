"""Figures of the scorecard, drawn from the validation tables (no model is run)."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from sim.calendar import START_DATE, date_of
from sim.plots.runs import NONE_COLOUR, save
from sim.plots.style import SIDE_COLOURS, SIDE_LABELS
from sim.validation.lanchester import Duel, fight_expected, fight_stochastic
from sim.validation.power_law import REFERENCE_ALPHA, TailFit
from sim.validation.records import RecordEvent

ROLE_MARKERS = {"calibration": "D", "check": "s"}


def _when(day: float):
    return mdates.date2num(date_of(math.floor(day)))


def plot_timeline_vs_record(timing: pd.DataFrame, events: tuple[RecordEvent, ...], path: Path, *, runs: int) -> Path:
    """Each dated event on one row: the record's date against the simulated median and 10-90% band
    (left, the whole campaign), and the error in days (right); the model's dated inputs as lines."""
    by_id = {e.id: e for e in events}
    table = timing.sort_values(["record_day", "id"], ascending=False).reset_index(drop=True)
    fig, (ax, err) = plt.subplots(
        1, 2, figsize=(13, 0.42 * len(table) + 2.2), sharey=True, gridspec_kw={"width_ratios": [2.3, 1]}
    )
    highs = table["p90_day"].to_numpy(dtype=float)
    last = max([table["record_day"].max(), *highs[np.isfinite(highs)]])
    for y, row in table.iterrows():
        colour = SIDE_COLOURS.get(by_id[row["id"]].side, "#555555")
        marker = ROLE_MARKERS.get(row["role"], "s")
        ax.plot(_when(row["record_day"]), y, marker=marker, color="black", ms=7, zorder=3)
        if not row["runs"]:
            ax.annotate("after the runs' end", (_when(row["record_day"]), y), xytext=(8, -3),
                        textcoords="offset points", fontsize=7, color="#666666")
            continue
        low, mid, high = row["p10_day"], row["median_day"], row["p90_day"]
        if math.isfinite(low):
            ax.plot([_when(low), _when(min(high, last))], [y, y], color=colour, lw=4, alpha=0.45,
                    solid_capstyle="butt")
        if math.isfinite(mid):
            ax.plot(_when(mid), y, "o", color=colour, ms=6, zorder=4, mec="white")
            err.plot([low - row["record_day"], min(high, last) - row["record_day"]], [y, y], color=colour, lw=4,
                     alpha=0.45, solid_capstyle="butt")
            err.plot(row["error_days"], y, "o", color=colour, ms=6, mec="white")
            err.annotate(f"{row['error_days']:+.0f}", (row["error_days"], y), xytext=(6, 3),
                         textcoords="offset points", fontsize=7)
        if row["never"]:
            ax.annotate(f"never in {row['never']}/{row['runs']}", (_when(row["record_day"]), y), xytext=(8, -9),
                        textcoords="offset points", fontsize=7, color="#aa0000")
    inputs = [e for e in events if e.role == "input"]
    for event in inputs:
        ax.axvline(mdates.date2num(event.date), color="#888888", lw=0.8, ls=":", zorder=0)
    top = ax.secondary_xaxis("top")
    top.set_xticks([mdates.date2num(e.date) for e in inputs])
    top.set_xticklabels([e.id.replace("_", " ") for e in inputs], rotation=35, ha="left", fontsize=7,
                        color="#666666")
    labels = [f"{row['id'].replace('_', ' ')}  ({row['role']})" for _, row in table.iterrows()]
    ax.set_yticks(range(len(table)))
    ax.set_yticklabels(labels, fontsize=8)
    ax.xaxis_date()
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    ax.set_xlim(mdates.date2num(START_DATE), None)
    ax.grid(axis="x", alpha=0.3)
    ax.set_title("The record (black) against the model (median, 10-90% band)", fontsize=10)
    err.axvline(0, color="black", lw=1)
    err.set_xscale("symlog", linthresh=10)
    err.grid(axis="x", alpha=0.3)
    err.set_xlabel("model minus record, days (linear within ±10)")
    err.set_title("Error in days", fontsize=10)
    handles = [
        Line2D([], [], marker="D", color="black", ls="", label="record: calibration target"),
        Line2D([], [], marker="s", color="black", ls="", label="record: check only"),
        Line2D([], [], marker="o", color="#555555", ls="", label="model median"),
        Line2D([], [], color="#555555", lw=4, alpha=0.45, label="model 10-90%"),
        Line2D([], [], color="#888888", lw=0.8, ls=":", label="model input (dated)"),
    ]
    ax.legend(handles=handles, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.07), ncol=5)
    fig.suptitle(f"Historical timeline against the simulated one ({runs} runs of the baseline)", fontsize=11)
    fig.tight_layout()
    return save(fig, path)


def plot_valley_split(splits: pd.DataFrame, targets: pd.DataFrame, path: Path) -> Path:
    """Who holds the valley of Deir ez-Zor governorate, bank by bank, on the split dates (median
    shares over runs), with the record's end-state targets."""
    governorate = splits[splits["bank"].isin(["left", "right", "khabur"])]
    days = sorted(d for d in governorate["day"].unique() if d > 0)
    banks = ["right", "left", "khabur"]
    controllers = ["regime", "sdf", "isis", "opposition", "none"]
    colours = {**SIDE_COLOURS, "none": NONE_COLOUR}
    fig, axes = plt.subplots(1, max(len(days), 1), figsize=(3.4 * max(len(days), 1), 3.2), sharey=True, squeeze=False)
    for ax, day in zip(axes[0], days, strict=False):
        rows = governorate[governorate["day"] == day].set_index(["bank", "side"])["median"]
        for y, bank in enumerate(banks):
            left = 0.0
            for side in controllers:
                share = float(rows.get((bank, side), 0.0))
                ax.barh(y + 0.1, share, left=left, height=0.5, color=colours[side], edgecolor="white", lw=0.5)
                if share >= 0.12:
                    ax.text(left + share / 2, y + 0.1, f"{share:.0%}", ha="center", va="center", fontsize=7,
                            color="white" if side in ("regime", "isis") else "black")
                left += share
        for bank, record in _recorded_split(targets, day).items():
            left = 0.0
            for side in controllers:
                share = record.get(side, 0.0)
                ax.barh(banks.index(bank) - 0.3, share, left=left, height=0.2, color=colours[side], hatch="////",
                        edgecolor="white", lw=0.3)
                left += share
        ax.set_title(date_of(int(day)).isoformat(), fontsize=9)
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    axes[0, 0].set_yticks(range(len(banks)))
    axes[0, 0].set_yticklabels([f"{b} bank" if b != "khabur" else "Khabur" for b in banks])
    handles = [plt.Rectangle((0, 0), 1, 1, color=colours[s], label=SIDE_LABELS.get(s, "no one")) for s in controllers]
    handles.append(plt.Rectangle((0, 0), 1, 1, facecolor="white", edgecolor="#555555", hatch="////",
                                 label="record (thin hatched bar)"))
    fig.legend(handles=handles, fontsize=7, loc="lower center", ncol=6, bbox_to_anchor=(0.5, -0.08))
    fig.suptitle("The valley of Deir ez-Zor governorate: median share held, by bank", fontsize=11)
    fig.tight_layout()
    return save(fig, path)


def _recorded_split(targets: pd.DataFrame, day: int) -> dict[str, dict[str, float]]:
    """The record's share targets on a day, by governorate bank and side."""
    split: dict[str, dict[str, float]] = {}
    if targets.empty:
        return split
    rows = targets[(targets["kind"] == "share") & (targets["day"] == day)]
    for _, row in rows.iterrows():
        name, _, region = row["measure"].partition(":")
        if name == "bank_share" and region in ("left", "right", "khabur"):
            split.setdefault(region, {})[row["side"]] = float(row["target"])
    return split


def plot_loss_sizes(sizes: pd.Series, fit: TailFit, path: Path) -> Path:
    """The complementary distribution of fighters killed per engagement on log-log axes, with the
    fitted power-law tail and the slope of insurgencies' alpha = 2.5 for comparison."""
    values = np.sort(sizes[sizes > 0].to_numpy())
    fig, ax = plt.subplots(figsize=(6.4, 4.6))
    if values.size:
        unique, first = np.unique(values, return_index=True)
        ccdf = 1.0 - first / values.size
        ax.loglog(unique, ccdf, ".", color="#333333", ms=4, label=f"model: {values.size:,} engagements with losses")
        if fit.ok:
            tail_share = fit.n_tail / values.size
            x = np.geomspace(fit.xmin, values.max(), 50)
            low, high = fit.interval
            ax.loglog(x, tail_share * (x / fit.xmin) ** (1 - fit.alpha), color="#c0392b", lw=2,
                      label=f"power-law fit: alpha {fit.alpha:.2f} [{low:.2f}, {high:.2f}], x_min {fit.xmin:.0f}")
            ax.loglog(x, tail_share * (x / fit.xmin) ** (1 - REFERENCE_ALPHA), color="#2e86c1", lw=1.2, ls="--",
                      label=f"alpha {REFERENCE_ALPHA} (insurgencies, Bohorquez et al. 2009)")
            ax.axvline(fit.xmin, color="#999999", lw=0.8, ls=":")
    ax.set_xlabel("fighters killed in one engagement (one day, one cell)")
    ax.set_ylabel("P(X ≥ x)")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=7)
    ax.set_title("Engagement sizes: the tail", fontsize=11)
    fig.tight_layout()
    return save(fig, path)


def plot_lanchester(duel: Duel, path: Path, *, sigma: float) -> Path:
    """The two-unit world: strengths over days, and alpha A^2 - beta B^2 relative to its scale."""
    daily = fight_expected(duel)
    fine = fight_expected(Duel(**{**duel.__dict__, "steps_per_day": 24}))
    mean = fight_stochastic(duel, sigma=sigma, repetitions=100)
    mean = mean[mean["day"] <= daily["day"].max() + 5]
    fig, (ax, inv) = plt.subplots(1, 2, figsize=(11, 4))
    for frame, style, label in ((daily, "-", "expected losses, daily"), (mean, ":", "random draws, mean of 100")):
        ax.plot(frame["day"], frame["attacker"], style, color="#c0392b", label=f"attacker ({label})")
        ax.plot(frame["day"], frame["defender"], style, color="#222222", label=f"defender ({label})")
    survivors = max(duel.square_law_survivors())
    ax.axhline(survivors, color="#c0392b", lw=0.8, ls="--")
    ax.annotate(f"square law: {survivors:.0f} survive", (0, survivors), xytext=(2, 4), textcoords="offset points",
                fontsize=7)
    linear = max(duel.linear_law_survivors())
    ax.axhline(linear, color="#999999", lw=0.8, ls="--")
    ax.annotate(f"linear law: {linear:.0f}", (0, linear), xytext=(2, 4), textcoords="offset points", fontsize=7)
    ax.set_xlabel("day")
    ax.set_ylabel("fighters")
    ax.legend(fontsize=7)
    ax.set_title(f"{duel.attacker:.0f} attack {duel.defender:.0f} (defence ×{duel.defence:g})", fontsize=10)
    for frame, style, label in ((daily, "-", "daily steps"), (fine, "--", "hourly steps"),
                                (mean, ":", "random draws, mean")):
        inv.plot(frame["day"], (frame["invariant"] - frame["invariant"].iloc[0]) / duel.scale, style, label=label)
    inv.axhline(0, color="black", lw=0.8)
    inv.set_xlabel("day")
    inv.set_ylabel("change of alpha A² - beta B² / (alpha A0² + beta B0²)")
    inv.legend(fontsize=7)
    inv.set_title("The square law's invariant", fontsize=10)
    for a in (ax, inv):
        a.grid(alpha=0.3)
    fig.tight_layout()
    return save(fig, path)


def plot_incidents(clashes: dict[str, pd.DataFrame], engagements: dict[str, pd.DataFrame],
                   events: tuple[RecordEvent, ...], path: Path, *, last_day: int) -> Path:
    """When regime-SDF clashes happen in each scenario's runs (one tick each), against the record's
    incidents."""
    fig, ax = plt.subplots(figsize=(10, 1.0 + 0.7 * (len(clashes) + 1)))
    rows = list(clashes)
    for y, scenario in enumerate(rows):
        frame = engagements.get(scenario, pd.DataFrame())
        days = frame["day"].to_numpy() if len(frame) else np.array([])
        ax.plot([_when(d) for d in days], [y] * len(days), "|", color="#c0392b", alpha=0.5, ms=14)
        runs = len(clashes[scenario])
        total = int(clashes[scenario]["clashes"].sum())
        ax.annotate(f"{total} in {runs} runs", (1.0, y), xycoords=("axes fraction", "data"), xytext=(4, 0),
                    textcoords="offset points", fontsize=7, va="center")
    recorded = [e for e in events if e.kind == "incident"]
    y = len(rows)
    ax.plot([mdates.date2num(e.date) for e in recorded], [y] * len(recorded), "D", color="black")
    ax.annotate(f"{len(recorded)} reported", (1.0, y), xycoords=("axes fraction", "data"), xytext=(4, 0),
                textcoords="offset points", fontsize=7, va="center")
    ax.set_yticks(range(len(rows) + 1))
    ax.set_yticklabels([*rows, "record"], fontsize=8)
    ax.set_ylim(-0.6, len(rows) + 0.6)
    ax.xaxis_date()
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    ax.set_xlim(mdates.date2num(START_DATE), mdates.date2num(date_of(last_day)))
    ax.grid(axis="x", alpha=0.3)
    ax.set_title("Rule R1: regime-SDF clashes in the runs against the incidents reported", fontsize=10)
    fig.tight_layout()
    return save(fig, path)
