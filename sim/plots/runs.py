"""Figures of a results folder, drawn from its files alone: maps on chosen dates, territory by side
over time (median and 10-90% band over replications), and key places changing hands."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import ListedColormap
from matplotlib.patches import Patch

from sim.atomic import atomic_path
from sim.calendar import START_DATE, date_of
from sim.codes import SIDES
from sim.geography.export import MapBackdrop
from sim.plots.map_grid import map_grid_figure
from sim.plots.style import SIDE_COLOURS, SIDE_LABELS

KEY_PLACES = (
    "raqqa",
    "maadan",
    "tibni",
    "kasrah",
    "deir_ez_zor",
    "dez_airport",
    "conoco",
    "khasham",
    "muhasan",
    "markada",
    "suwar",
    "busayrah",
    "mayadin",
    "dhiban",
    "omar_field",
    "quriyah",
    "ashara",
    "subaykhan",
    "tanak_field",
    "hajin",
    "shafah",
    "susah",
    "baghuz",
    "bukamal",
    "t2_station",
)
NONE_COLOUR = "#d9d9d9"
BAND = (10, 90)


def save(fig, path: Path) -> Path:
    with atomic_path(path) as temporary:
        fig.savefig(temporary, format="png", dpi=130, bbox_inches="tight")
    plt.close(fig)
    return path


def dates(days) -> list[dt.date]:
    return [START_DATE + dt.timedelta(days=int(d)) for d in days]


def territory_bands(timeseries: pd.DataFrame, column: str = "territory_km2") -> pd.DataFrame:
    """Median and band of a column by scenario, side and day over the replications."""
    grouped = timeseries.groupby(["scenario", "side", "day"])[column]
    return pd.DataFrame(
        {
            "median": grouped.median(),
            "low": grouped.quantile(BAND[0] / 100),
            "high": grouped.quantile(BAND[1] / 100),
        }
    ).reset_index()


def plot_territory(timeseries: pd.DataFrame, path: Path, *, title: str = "") -> Path:
    """The valley held by the regime, the SDF and ISIS, and all territory by side, over time (median
    and band over replications); scenarios overlaid with different line styles."""
    scenarios = list(dict.fromkeys(timeseries["scenario"]))
    fig, axes = plt.subplots(2, 2, figsize=(11, 7), sharex=True)
    styles = ["-", "--", ":", "-."]
    valley = territory_bands(timeseries, "valley_km2")
    total = territory_bands(timeseries, "territory_km2")
    panels = [(ax, side, valley, "valley held, km²") for ax, side in zip(axes.ravel()[:3], SIDES[:3], strict=True)]
    for ax, side, bands, ylabel in panels:
        for i, scenario in enumerate(scenarios):
            _band(ax, bands, scenario, side, styles[i % len(styles)], scenario if len(scenarios) > 1 else "median")
        ax.set_title(f"{SIDE_LABELS[side]}: the valley", fontsize=10)
        ax.set_ylabel(ylabel)
    ax = axes[1, 1]
    for side in SIDES:
        for i, scenario in enumerate(scenarios):
            label = SIDE_LABELS[side] if i == 0 else None
            _band(ax, total, scenario, side, styles[i % len(styles)], label)
    ax.set_title("All territory by side (desert included)", fontsize=10)
    ax.set_ylabel("km²")
    for ax in axes.ravel():
        ax.grid(alpha=0.3)
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
        ax.legend(fontsize=7, loc="best")
    runs = timeseries.groupby("scenario")["run_id"].nunique().max()
    fig.suptitle(title or f"Territory by side: median and {BAND[0]}-{BAND[1]}% band over {runs} runs", fontsize=11)
    fig.autofmt_xdate()
    return save(fig, path)


def _band(ax, bands: pd.DataFrame, scenario: str, side: str, style: str, label) -> None:
    b = bands[(bands["scenario"] == scenario) & (bands["side"] == side)]
    x = dates(b["day"])
    ax.plot(x, b["median"], color=SIDE_COLOURS[side], ls=style, lw=1.6, label=label)
    ax.fill_between(x, b["low"], b["high"], color=SIDE_COLOURS[side], alpha=0.18, lw=0)


def controller_days(control: pd.DataFrame, last_day: int, places=KEY_PLACES) -> dict[str, np.ndarray]:
    """For each place, the controller code (0 none, 1..4 sides) on each day, per run: {place: [runs, days]}."""
    codes = {"none": 0, **{s: i for i, s in enumerate(SIDES, start=1)}}
    runs = sorted(control["run_id"].unique())
    result = {}
    for place in places:
        rows = control[control["place"] == place]
        if rows.empty:
            continue
        grid = np.zeros((len(runs), last_day + 1), dtype=np.int8)
        for i, run in enumerate(runs):
            changes = rows[rows["run_id"] == run].sort_values("day")
            for day, controller in zip(changes["day"], changes["controller"], strict=True):
                grid[i, int(day) :] = codes[controller]
        result[place] = grid
    return result


def plot_timeline(control: pd.DataFrame, last_day: int, path: Path, *, title: str = "", names=None) -> Path:
    """Key places changing hands: each row a place, coloured by its most common controller over runs."""
    series = controller_days(control, last_day)
    places = [p for p in KEY_PLACES if p in series]
    modal = (
        np.array([np.apply_along_axis(lambda c: np.bincount(c, minlength=5).argmax(), 0, series[p]) for p in places])
        if places
        else np.zeros((0, last_day + 1))
    )
    fig, ax = plt.subplots(figsize=(11, 0.3 * len(places) + 1.6))
    cmap = ListedColormap([NONE_COLOUR] + [SIDE_COLOURS[s] for s in SIDES])
    start, end = mdates.date2num(START_DATE), mdates.date2num(date_of(last_day))
    ax.imshow(
        modal,
        aspect="auto",
        cmap=cmap,
        vmin=0,
        vmax=4,
        interpolation="nearest",
        extent=(start, end, len(places) - 0.5, -0.5),
    )
    ax.set_yticks(range(len(places)))
    ax.set_yticklabels([(names or {}).get(p, p) for p in places], fontsize=7)
    ax.xaxis_date()
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    handles = [Patch(color=SIDE_COLOURS[s], label=SIDE_LABELS[s]) for s in SIDES] + [
        Patch(color=NONE_COLOUR, label="none")
    ]
    ax.legend(handles=handles, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=5)
    runs = control["run_id"].nunique()
    ax.set_title(title or f"Key places: controller on each day (most common over {runs} runs)", fontsize=11)
    return save(fig, path)


def plot_maps(
    backdrop: MapBackdrop, snapshots: dict[str, dict], events: pd.DataFrame, scenario: str, run_id: int, path: Path
) -> Path | None:
    """The map on each snapshot date of one run, with its units and the past fortnight's engagements."""
    prefix = f"{scenario}/{run_id}/"
    days = sorted(int(k[len(prefix) :]) for k in snapshots if k.startswith(prefix))
    if not days:
        return None
    mine = events[(events["scenario"] == scenario) & (events["run_id"] == run_id)] if len(events) else events
    panels = []
    for day in days:
        snap = snapshots[f"{prefix}{day}"]
        recent = mine[(mine["day"] > day - 15) & (mine["day"] <= day)] if len(mine) else mine
        panels.append({
            "control": snap["control"], "units": snap["units"], "engagements": recent.to_dict("records"),
            "title": f"{date_of(day):%d %B %Y} (day {day})",
        })
    fig = map_grid_figure(
        backdrop, panels,
        f"{scenario}, run {run_id}: control with front lines, units (size: fighters; shape: kind) and the past "
        "15 days' engagements",
        engagement_days=15,
    )
    return save(fig, path)
