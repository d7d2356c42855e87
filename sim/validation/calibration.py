"""Calibration as a sweep and a score: which values of the free parameters bring the baseline closest
to the calibration targets of ``validation/events.csv`` (its ``role = calibration`` rows).

A calibration sweep (``sweeps/calibration.toml``) runs a design over the free parameters; each point's
runs are scored with ``sim.validation.scoring.score_runs`` on the calibration targets only (mean
absolute error in days; share targets count one day per percentage point outside their tolerance).
The events used only to check are never looked at here: ``run.py validate`` reports them apart.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from sim.calendar import day_of
from sim.outcomes import PLACE_DAYS
from sim.validation.records import RecordEvent
from sim.validation.scoring import score_runs

#: The end-state share measures the run summary carries (bank, side) -> outcome.
END_SHARES = {("right", "regime"): "right_bank_regime_share", ("left", "sdf"): "left_bank_sdf_share"}


class CalibrationError(ValueError):
    """A calibration target cannot be read from a sweep's outcomes."""


def outcome_for(event: RecordEvent, end_day: int) -> str:
    """The run outcome that measures a calibration target, for targets a sweep can score."""
    name, argument = event.measure_name, event.measure_argument
    if name == "outcome":
        return argument
    if name == "place_control":
        for outcome, (place, side) in PLACE_DAYS.items():
            if (place, side) == (event.place, event.side):
                return outcome
    if name == "bank_share" and (argument, event.side) in END_SHARES and event.day == end_day:
        return END_SHARES[(argument, event.side)]
    raise CalibrationError(f"calibration target {event.id!r} ({event.measure}) has no run outcome a sweep keeps; "
                           "declare one in sim/outcomes.py or make the event a check")


def calibration_targets(events: tuple[RecordEvent, ...], end_day: int) -> dict[str, str]:
    """{event id: outcome} for every calibration target the runs reach (targets dated after the runs'
    last day are left out)."""
    return {e.id: outcome_for(e, end_day) for e in events if e.role == "calibration" and e.day <= end_day}


def score_points(results: pd.DataFrame, events: tuple[RecordEvent, ...], last_day: int) -> pd.DataFrame:
    """One row per point of a sweep: its calibration score and each target's mean absolute error."""
    targets = calibration_targets(events, last_day)
    chosen = tuple(e for e in events if e.id in targets)
    rows = []
    for point, runs in results.groupby("point_id", sort=False):
        values = pd.DataFrame({event: runs[outcome].to_numpy(float) for event, outcome in targets.items()},
                              index=pd.Index(runs["run_id"], name="run_id"))
        last_days = pd.Series(last_day, index=values.index)
        score = score_runs(chosen, values, last_days, role="calibration")
        row = {"point_id": point, "score_days": score.overall, "runs": len(runs)}
        row.update({f"error_{t.id}": t.mean_abs_error for t in score.targets.itertuples()})
        rows.append(row)
    return pd.DataFrame(rows).sort_values("score_days", kind="stable").reset_index(drop=True)


def scenario_text(name: str, params: dict, score: float, spec_name: str) -> str:
    """The best point as a scenario file extending the baseline."""
    lines = [f'name = "{name}"',
             'description = """',
             f"The free parameters at the best point of the calibration sweep {spec_name} (calibration score "
             f"{score:.1f} days over the calibration targets of validation/events.csv).",
             '"""', 'extends = "baseline"', "", "[params]"]
    for key, value in params.items():
        if isinstance(value, dt.date):
            lines.append(f"{key} = {value.isoformat()}")
        elif isinstance(value, float | np.floating):
            lines.append(f"{key} = {float(value)!r}")
        else:
            lines.append(f"{key} = {value}")
    return "\n".join(lines) + "\n"


def horizon(spec) -> int:
    """The last simulated day of a sweep's runs."""
    return spec.days if spec.days is not None else day_of(spec.scenario.params.end_date)


def write_report(folder: Path, spec, points: pd.DataFrame, ranked: pd.DataFrame, defaults: float) -> Path:
    """calibration.md: the design, the best points, and the score of the current defaults beside them."""
    from sim.atomic import write_text

    factors = [f.name for f in spec.factors]
    table = ranked.merge(points[["point_id", *factors]], on="point_id")
    best = table.iloc[0]
    lines = [f"# Calibration: {spec.name}", "", spec.description, "",
             f"Design: {spec.design}, {len(points)} points x {spec.replications} replications (seed {spec.seed}).",
             "Score: mean absolute error over the calibration targets, in days (lower is better).", "",
             f"* current defaults: **{defaults:.1f} days**",
             f"* best point: **{best['score_days']:.1f} days**", "",
             "## The ten best points", "",
             "| score (days) | " + " | ".join(factors) + " |",
             "|---|" + "---|" * len(factors)]
    for _, row in table.head(10).iterrows():
        values = " | ".join(_text(row[f]) for f in factors)
        lines.append(f"| {row['score_days']:.1f} | {values} |")
    errors = [c for c in table.columns if c.startswith("error_")]
    lines += ["", "## Errors of the best point, by target (mean absolute, days or share points)", ""]
    lines += [f"* {c[len('error_'):]}: {best[c]:.1f}" for c in errors]
    lines += ["", "`calibrated.toml` holds the best point as a scenario (`python run.py run calibrated.toml`)."]
    path = folder / "calibration.md"
    write_text(path, "\n".join(lines) + "\n")
    return path


def _text(value) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float | np.floating):
        return f"{value:.4g}"
    return str(value)
