"""Redraw every figure of a results folder from its files alone (no model is run)."""

from __future__ import annotations

from pathlib import Path

from sim.experiments.compare import comparison_table
from sim.experiments.store import read_manifest, read_snapshots, read_table
from sim.geography.export import MapBackdrop
from sim.names import path_inside
from sim.plots.compare import plot_outcome_distributions, plot_paired_differences
from sim.plots.people import plot_air_war, plot_people
from sim.plots.runs import plot_maps, plot_territory, plot_timeline


def record_table():
    """The historical record's dated events (validation/events.csv) as a table."""
    from sim.validation.records import events_frame, read_events

    return events_frame(read_events())


def _airstrikes(folder: Path):
    """The folder's strikes table (empty for a folder written before it existed)."""
    import pandas as pd

    path = folder / "airstrikes.parquet"
    return pd.read_parquet(path) if path.exists() else pd.DataFrame()


def draw_run_figures(folder: str | Path) -> list[Path]:
    folder = Path(folder)
    manifest = read_manifest(folder)
    timeseries = read_table(folder, "timeseries")
    control = read_table(folder, "control")
    events = read_table(folder, "events")
    if timeseries.empty:
        return []
    backdrop = MapBackdrop.load(folder / "layers.npz")
    names = {p["id"]: p["name"] for p in backdrop.meta["places"]}
    last_day = int(timeseries["day"].max())
    scenarios = list(dict.fromkeys(timeseries["scenario"]))
    record = record_table()
    figures = [plot_territory(timeseries, folder / "territory.png", record=record)]
    figures += [f for f in (plot_people(timeseries, folder / "people.png", record=record),
                            plot_air_war(_airstrikes(folder), folder / "air.png")) if f is not None]
    snapshots = read_snapshots(folder)
    for scenario in scenarios:
        suffix = "" if len(scenarios) == 1 else f"_{scenario}"
        figures.append(
            plot_timeline(
                control[control["scenario"] == scenario],
                last_day,
                path_inside(folder, f"timeline{suffix}.png"),
                names=names,
                title=f"{scenario}: key places, share of runs in which each side holds each",
                record=record,
            )
        )
        first_run = int(timeseries[timeseries["scenario"] == scenario]["run_id"].min())
        maps = plot_maps(backdrop, snapshots, events, scenario, first_run, path_inside(folder, f"maps{suffix}.png"))
        if maps:
            figures.append(maps)
    if len(scenarios) > 1:
        summary = read_table(folder, "summary")
        figures.append(plot_outcome_distributions(summary, folder / "outcomes.png"))
        differences = plot_paired_differences(comparison_table(summary, scenarios), folder / "differences.png")
        if differences:
            figures.append(differences)
    del manifest
    return figures
