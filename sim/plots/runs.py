"""Figures of a results folder, drawn from its files alone: maps on chosen dates, territory by side
over time (median and a band over replications: min-max with fewer than MIN_RUNS_FOR_PERCENTILES
runs, else the 10th-90th percentile), and key places changing hands (the share of runs in which each
side holds each place, day by day). Dated events of the historical record are marked where given."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
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
BAND = (10, 90)  # percentiles of the territory band, with enough runs for them to mean something
MIN_RUNS_FOR_PERCENTILES = 10  # with fewer runs the band is their minimum to maximum
RECORD_COLOUR = "#555555"


def save(fig, path: Path) -> Path:
    with atomic_path(path) as temporary:
        fig.savefig(temporary, format="png", dpi=130, bbox_inches="tight")
    plt.close(fig)
    return path


def dates(days) -> list[dt.date]:
    return [START_DATE + dt.timedelta(days=int(d)) for d in days]


def date_axis(ax) -> None:
    """Month ticks labelled once each (the year where it changes)."""
    locator = mdates.AutoDateLocator(maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def band_percentiles(runs: int) -> tuple[float, float]:
    """The percentiles of the band drawn over ``runs`` runs: min-max when there are few."""
    return (0, 100) if runs < MIN_RUNS_FOR_PERCENTILES else BAND


def band_name(runs: int) -> str:
    low, high = band_percentiles(runs)
    return f"min–max of {runs} runs" if (low, high) == (0, 100) else f"{low:g}th–{high:g}th percentile of {runs} runs"


def territory_bands(timeseries: pd.DataFrame, column: str = "territory_km2") -> pd.DataFrame:
    """Median and band of a column by scenario, side and day over the replications."""
    runs = int(timeseries.groupby("scenario")["run_id"].nunique().min()) if len(timeseries) else 0
    low, high = band_percentiles(runs)
    grouped = timeseries.groupby(["scenario", "side", "day"])[column]
    return pd.DataFrame(
        {"median": grouped.median(), "low": grouped.quantile(low / 100), "high": grouped.quantile(high / 100)}
    ).reset_index()


def record_days(record: pd.DataFrame | None, last_day: int) -> pd.DataFrame:
    """The record's dated events (calibration and checks measured as days) within the days drawn."""
    if record is None or record.empty:
        return pd.DataFrame(columns=["day", "place", "side", "what"])
    dated = record[(record["kind"] == "day") & (record["role"] != "input") & (record["day"] <= last_day)]
    return dated.drop_duplicates("id")


def plot_territory(
    timeseries: pd.DataFrame, path: Path, *, title: str = "", record: pd.DataFrame | None = None
) -> Path:
    """The valley held by the regime, the SDF and ISIS, and all territory by side, over time (median
    and band over replications, on one scale from zero per row); scenarios overlaid with different
    line styles; the record's dated events as dotted vertical lines."""
    scenarios = list(dict.fromkeys(timeseries["scenario"]))
    runs = int(timeseries.groupby("scenario")["run_id"].nunique().min())
    fig, axes = plt.subplots(2, 2, figsize=(11, 7.6), sharex=True)
    styles = ["-", "--", ":", "-."]
    valley = territory_bands(timeseries, "valley_km2")
    total = territory_bands(timeseries, "territory_km2")
    for ax, side in zip(axes.ravel()[:3], SIDES[:3], strict=True):
        for i, scenario in enumerate(scenarios):
            _band(ax, valley, scenario, side, styles[i % len(styles)])
        ax.set_title(f"{SIDE_LABELS[side]}: the valley held", fontsize=10)
        ax.set_ylabel("valley held, km²")
    ax = axes[1, 1]
    for side in SIDES:
        for i, scenario in enumerate(scenarios):
            _band(ax, total, scenario, side, styles[i % len(styles)])
    ax.set_title("All territory by side (desert included)", fontsize=10)
    ax.set_ylabel("territory, km²")
    valley_top = 1.05 * float(valley["high"].max())
    last_day = int(timeseries["day"].max())
    marks = record_days(record, last_day)
    for ax in axes.ravel():
        ax.grid(alpha=0.3)
        ax.set_ylim(0, valley_top if ax is not axes[1, 1] else 1.05 * float(total["high"].max()))
        date_axis(ax)
        for day in marks["day"]:
            ax.axvline(START_DATE + dt.timedelta(days=int(day)), color=RECORD_COLOUR, lw=0.7, ls=":", zorder=1)
    for ax in axes[1]:
        ax.set_xlabel("date")
    handles = [Patch(color=SIDE_COLOURS[s], alpha=0.5, label=SIDE_LABELS[s]) for s in SIDES]
    handles += [Line2D([], [], color="#444444", ls=styles[i % len(styles)], label=f"median, {scenario}")
                for i, scenario in enumerate(scenarios)]
    handles.append(Patch(color="#444444", alpha=0.18, label=f"band: {band_name(runs)}"))
    if len(marks):
        handles.append(Line2D([], [], color=RECORD_COLOUR, lw=0.7, ls=":", label="dated events of the record"))
    fig.suptitle(title or f"Territory by side: median and {band_name(runs)}", fontsize=11)
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    fig.legend(handles=handles, loc="lower center", ncol=3, fontsize=8, frameon=False, bbox_to_anchor=(0.5, 0.0))
    return save(fig, path)


def _band(ax, bands: pd.DataFrame, scenario: str, side: str, style: str) -> None:
    b = bands[(bands["scenario"] == scenario) & (bands["side"] == side)]
    x = dates(b["day"])
    ax.plot(x, b["median"], color=SIDE_COLOURS[side], ls=style, lw=1.6)
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


def plot_timeline(
    control: pd.DataFrame, last_day: int, path: Path, *, title: str = "", names=None,
    record: pd.DataFrame | None = None,
) -> Path:
    """Key places changing hands: each row a place, its height split day by day into the share of runs
    in which each side (or nobody) holds it, so disagreement between runs shows; the record's date for
    a side taking a place is marked on that place's row."""
    series = controller_days(control, last_day)
    places = [p for p in KEY_PLACES if p in series]
    fig, ax = plt.subplots(figsize=(11, 0.32 * len(places) + 2.2))
    x = mdates.date2num(START_DATE) + np.arange(last_day + 1)
    colours = [NONE_COLOUR] + [SIDE_COLOURS[s] for s in SIDES]
    for row, place in enumerate(places):
        shares = np.stack([(series[place] == code).mean(axis=0) for code in range(len(colours))])
        bottom = row + 0.45 - np.cumsum(np.vstack([np.zeros(shares.shape[1]), shares]), axis=0) * 0.9
        for code, colour in enumerate(colours):
            ax.fill_between(x, bottom[code + 1], bottom[code], color=colour, lw=0, step="post")
    marks = record_days(record, last_day)
    marks = marks[marks["place"].isin(places)]
    for _, event in marks.iterrows():
        ax.plot(mdates.date2num(START_DATE) + event["day"], places.index(event["place"]), marker="D", ms=6,
                color=SIDE_COLOURS.get(event["side"], "white"), mec="white", mew=1.2, zorder=5)
    ax.set_ylim(len(places) - 0.5, -0.5)
    ax.set_xlim(x[0], x[-1])
    ax.set_yticks(range(len(places)))
    ax.set_yticklabels([(names or {}).get(p, p) for p in places], fontsize=7)
    ax.set_ylabel("key place (row height: all runs)")
    ax.set_xlabel("date")
    ax.xaxis_date()
    date_axis(ax)
    handles = [Patch(color=SIDE_COLOURS[s], label=SIDE_LABELS[s]) for s in SIDES] + [
        Patch(color=NONE_COLOUR, label="nobody")
    ]
    if len(marks):
        handles.append(Line2D([], [], ls="", marker="D", color="#777777", mec="white",
                              label="the record: the date that side took it"))
    ax.legend(handles=handles, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, frameon=False)
    runs = control["run_id"].nunique()
    ax.set_title(title or f"Key places: share of the {runs} runs in which each side holds each place", fontsize=11)
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
