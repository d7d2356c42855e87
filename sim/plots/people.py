"""The people and the air war of a results folder, from its tables: residents in place, displaced
now, returned and in the camps over time (al-Hol against the record), and each air force's sorties
and the civilians its strikes killed."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from sim.plots.runs import band_name, band_percentiles, date_axis, dates, save

PEOPLE_SERIES = (("population", "in place"), ("displaced_now", "displaced now"),
                 ("returned_cum", "returned (cumulative)"), ("in_camps", "in the camps"))
AIR_COLOURS = {"russian": "#b2182b", "coalition": "#2166ac"}


def _band(ax, table: pd.DataFrame, column: str, label: str, colour=None) -> None:
    """The median of a daily column over the runs, with its band."""
    runs = table["run_id"].nunique()
    low, high = (q / 100 for q in band_percentiles(runs))
    by_day = table.groupby("day")[column]
    median = by_day.median()
    line = ax.plot(dates(median.index), median.to_numpy(), label=label, color=colour)[0]
    ax.fill_between(dates(median.index), by_day.quantile(low).to_numpy(), by_day.quantile(high).to_numpy(),
                    color=line.get_color(), alpha=0.2, linewidth=0)


def plot_people(timeseries: pd.DataFrame, path: Path, record: pd.DataFrame | None = None) -> Path | None:
    """People in place, displaced now, returned and in the camps (left); al-Hol's population against the
    record's figures (right); medians with a band (its name in the title)."""
    if "displaced_now" not in timeseries.columns or timeseries.empty:
        return None
    one_side = timeseries[timeseries["side"] == timeseries["side"].iloc[0]]
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4.5))
    for scenario, table in one_side.groupby("scenario", sort=False):
        prefix = f"{scenario}: " if one_side["scenario"].nunique() > 1 else ""
        for column, label in PEOPLE_SERIES:
            _band(left, table, column, prefix + label)
        _band(right, table, "hol_camp", prefix + "al-Hol (model)")
    if record is not None and "measure" in record.columns:
        hol = record[record["measure"] == "timeseries:hol_camp"]
        if len(hol):
            right.errorbar(pd.to_datetime(hol["date"]), hol["target"], yerr=hol["tolerance"], fmt="ko",
                           label="al-Hol (record)")
    runs = one_side["run_id"].nunique()
    left.set_title(f"People, whole map (median, band: {band_name(runs)})")
    right.set_title("al-Hol camp")
    for ax in (left, right):
        ax.set_ylabel("people")
        ax.set_ylim(bottom=0)
        date_axis(ax)
        ax.legend(fontsize=8)
    return save(fig, path)


def plot_air_war(airstrikes: pd.DataFrame, path: Path) -> Path | None:
    """Each air force's sorties a month by kind of target (left) and civilians its strikes killed, cumulative
    (right), as the mean over the runs."""
    if airstrikes.empty:
        return None
    runs = airstrikes.groupby("scenario")["run_id"].nunique().sum()
    strikes = airstrikes.assign(month=pd.to_datetime(airstrikes["date"]).dt.to_period("M").dt.to_timestamp())
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4.5))
    monthly = strikes.groupby(["month", "air_force", "target_kind"])["sorties"].sum().unstack([1, 2]).fillna(0) / runs
    for (force, kind), series in monthly.items():
        style = {"close_support": "-", "concentration": "--", "interdiction": ":"}[kind]
        left.plot(series.index, series.to_numpy(), style, color=AIR_COLOURS.get(force), label=f"{force}: {kind}")
    daily = strikes.groupby(["day", "air_force"])["civilians_killed"].sum().unstack(1).fillna(0).cumsum() / runs
    for force, series in daily.items():
        right.plot(dates(series.index), series.to_numpy(), color=AIR_COLOURS.get(force), label=force)
    left.set_title("Sorties a month by kind of target (mean over runs)")
    left.set_ylabel("sorties")
    right.set_title("Civilians killed by air strikes, cumulative (mean over runs)")
    right.set_ylabel("people")
    for ax in (left, right):
        date_axis(ax)
        ax.set_ylim(bottom=0)
        ax.legend(fontsize=8)
    return save(fig, path)
