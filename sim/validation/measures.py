"""The model's counterpart of each recorded event, read from the tables of a set of runs.

A measure turns one row of the record into one number per run: a day (NaN if it never happened),
a share or a count on the row's date (NaN if the run has no value there). Only tables are read,
so the same code scores a fresh replicate set, a stored results folder or a sweep's runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.codes import SIDES
from sim.validation.records import MAP_SERIES, RecordEvent
from sim.validation.valley_split import bank_masks, valley_split


@dataclass(frozen=True)
class RunTables:
    """The tables of one scenario's runs that the measures read (each with a ``run_id`` column)."""

    summary: pd.DataFrame  # one row per run: its outcomes
    control: pd.DataFrame  # key places changing hands: day, place, controller
    last_days: pd.Series  # run_id -> the last simulated day
    timeseries: pd.DataFrame | None = None  # day, side and the daily figures
    shares: pd.DataFrame | None = None  # valley split: day, bank, side, share
    events: pd.DataFrame | None = None  # engagements: day, kind, attacker, defender, losses

    @property
    def run_ids(self) -> list[int]:
        """The runs, in order."""
        return sorted(int(r) for r in self.summary["run_id"])

    @classmethod
    def from_folder(cls, folder: str | Path, scenario: str) -> RunTables:
        """The runs of ``scenario`` in a results folder (``run.py run`` or ``run.py validate``)."""
        from sim.experiments.store import read_manifest, read_snapshots, read_table
        from sim.geography.export import MapBackdrop

        folder = Path(folder)
        manifest = read_manifest(folder)
        pick = lambda frame: frame[frame["scenario"] == scenario] if "scenario" in frame else frame  # noqa: E731
        summary = pick(read_table(folder, "summary")).reset_index(drop=True)
        runs = [r for r in manifest["runs"] if r["scenario"] == scenario and r["status"] == "ok"]
        last_days = pd.Series({int(r["run_id"]): int(r["days"]) for r in runs}, dtype="int64")
        snapshots = {k: v for k, v in read_snapshots(folder).items() if k.startswith(f"{scenario}/")}
        masks = bank_masks(MapBackdrop.load(folder / "layers.npz").layers)
        return cls(
            summary=summary,
            control=pick(read_table(folder, "control")),
            last_days=last_days,
            timeseries=pick(read_table(folder, "timeseries")),
            shares=valley_split(snapshots, masks),
            events=pick(read_table(folder, "events")),
        )


def measure_runs(events: tuple[RecordEvent, ...], tables: RunTables) -> pd.DataFrame:
    """One column per scored event (incidents and inputs aside), one row per run (index run_id)."""
    runs = tables.run_ids
    columns = {}
    for event in events:
        if event.kind in ("input", "incident"):
            continue
        columns[event.id] = measure_event(event, tables).reindex(runs).astype(float)
    frame = pd.DataFrame(columns, index=pd.Index(runs, name="run_id"))
    return frame


def measure_event(event: RecordEvent, tables: RunTables) -> pd.Series:
    """The model's value of one recorded event in each run (a Series indexed by run_id)."""
    name, argument = event.measure_name, event.measure_argument
    if name == "place_control":
        return first_control_day(tables.control, event.place, event.side)
    if name == "place_secured":
        return secured_day(tables.control, event.place, event.side)
    if name == "outcome":
        return tables.summary.set_index("run_id")[argument]
    if name == "bank_share":
        shares = _needed(tables.shares, "valley shares (control snapshots)")
        rows = shares[(shares["day"] == event.day) & (shares["bank"] == argument) & (shares["side"] == event.side)]
        return rows.set_index("run_id")["share"]
    if name == "timeseries":
        series = _needed(tables.timeseries, "the timeseries table")
        side = SIDES[0] if argument in MAP_SERIES else event.side
        rows = series[(series["day"] == event.day) & (series["side"] == side)]
        return rows.set_index("run_id")[argument]
    raise ValueError(f"{event.id}: measure {event.measure!r} has no value per run")


def first_control_day(control: pd.DataFrame, place: str, side: str) -> pd.Series:
    """The first day ``side`` controls ``place`` in each run (runs where it never does are absent)."""
    rows = control[(control["place"] == place) & (control["controller"] == side)]
    return rows.groupby("run_id")["day"].min()


def secured_day(control: pd.DataFrame, place: str, side: str) -> pd.Series:
    """The day ``side`` last took ``place``, in runs where it still holds it at the end."""
    rows = control[control["place"] == place].sort_values(["run_id", "day"], kind="stable")
    last = rows.groupby("run_id").tail(1)
    return last[last["controller"] == side].set_index("run_id")["day"]


def _needed(frame: pd.DataFrame | None, what: str) -> pd.DataFrame:
    if frame is None:
        raise ValueError(f"this measure needs {what}")
    return frame
