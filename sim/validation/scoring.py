"""Errors of a set of runs against the record: timing, historical order, values, and one score.

Days: a run's error is its simulated day minus the record's; a run in which the event never
happens counts as if it happened ``never_penalty_days`` after the run's last day (it is censored
there, and the penalty keeps "never" worse than "on the last day"); an event dated after the run's
end is not scored in that run. Values (shares, counts): the distance from the accepted interval
``target ± tolerance`` (one-sided for ``at_least`` and ``at_most``). The calibration score is the
mean, over targets, of each target's mean absolute error over runs, in days, a share target's
percentage points weighing ``days_per_share_point`` days each. Two checks of the ensemble itself: its
coverage (the share of dated events whose record falls inside the runs' 10-90% band: about 80% for a
calibrated ensemble, far less for an overconfident one) and the CRPS in days (a proper score of the
whole distribution against the record, so two model versions compare on one number).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.calendar import date_of
from sim.validation.records import RecordEvent

NEVER_PENALTY_DAYS = 90
DAYS_PER_SHARE_POINT = 1.0
LOW, HIGH = 0.1, 0.9  # the ensemble's band: a calibrated ensemble covers the record in about 80% of events


def crps(samples: np.ndarray, observed: float) -> float:
    """The continuous ranked probability score of an ensemble at an observation, in the samples' unit:
    E|X - y| - E|X - X'|/2 over the empirical distribution (0 for a point mass on the record; a
    point mass d away scores d). Lower is better; it rewards sharpness and calibration together."""
    x = np.sort(np.asarray(samples, dtype=float))
    n = x.size
    if n == 0:
        return math.nan
    spread = 2 * np.sum(x * (2 * np.arange(1, n + 1) - n - 1)) / n**2  # E|X - X'| from the order statistics
    return float(np.mean(np.abs(x - observed)) - spread / 2)


def covered(days: np.ndarray, observed: float) -> bool:
    """Whether the record's day falls inside the ensemble's 10-90% band ("never" ranks last)."""
    return censored_quantile(days, LOW) <= observed <= censored_quantile(days, HIGH)


def censored_quantile(days: np.ndarray, q: float) -> float:
    """The q-quantile of days where NaN means "never" (ranked after every day): linear interpolation
    between order statistics, and inf when the quantile falls among the nevers."""
    values = np.sort(np.where(np.isnan(days), np.inf, np.asarray(days, dtype=float)))
    if values.size == 0:
        return math.nan
    position = q * (values.size - 1)
    low, high = math.floor(position), math.ceil(position)
    if math.isinf(values[high]):
        return values[low] if low == high else math.inf
    return float(values[low] + (values[high] - values[low]) * (position - low))


def day_errors(event: RecordEvent, days: pd.Series, last_days: pd.Series, penalty: float) -> pd.Series:
    """Signed error in days per run (simulated minus recorded); a "never" counts at the run's last day
    plus ``penalty``; NaN for runs that end before the recorded date."""
    last = last_days.reindex(days.index).astype(float)
    simulated = days.where(days.notna(), last + penalty)
    return (simulated - event.day).where(last >= event.day)


def timing_table(
    events: tuple[RecordEvent, ...], values: pd.DataFrame, last_days: pd.Series, *,
    penalty: float = NEVER_PENALTY_DAYS,
) -> pd.DataFrame:
    """For each dated event: the simulated days (median, 10th-90th percentile), how often it never
    comes, the error of the median and the mean absolute error over runs, against the record."""
    rows = []
    for event in events:
        if event.kind != "day" or event.id not in values:
            continue
        errors = day_errors(event, values[event.id], last_days, penalty)
        scorable = errors.notna()
        days = values.loc[scorable, event.id].to_numpy(dtype=float)
        median = censored_quantile(days, 0.5)
        rows.append(
            {
                "id": event.id, "role": event.role, "key": event.key, "what": event.what,
                "record_date": event.date.isoformat(), "record_day": event.day, "tolerance_days": event.tolerance,
                "runs": int(scorable.sum()), "never": int(np.isnan(days).sum()),
                "median_day": median, "p10_day": censored_quantile(days, LOW), "p90_day": censored_quantile(days, HIGH),
                "median_date": _date_text(median),
                "p10_date": _date_text(censored_quantile(days, LOW)),
                "p90_date": _date_text(censored_quantile(days, HIGH)),
                "error_days": median - event.day if math.isfinite(median) else math.nan,
                "mean_abs_error_days": float(errors[scorable].abs().mean()) if scorable.any() else math.nan,
                "within_tolerance_share": float((errors[scorable].abs() <= event.tolerance).mean())
                if scorable.any() else math.nan,
                "covered": covered(days, event.day) if scorable.any() else False,
                "crps_days": crps(errors[scorable].to_numpy() + event.day, event.day) if scorable.any() else math.nan,
            }
        )
    table = pd.DataFrame(rows)
    if not table.empty:
        table["within_tolerance"] = table["error_days"].abs() <= table["tolerance_days"]
    return table


def _date_text(day: float) -> str:
    if math.isnan(day):
        return ""
    return "never" if math.isinf(day) else date_of(math.floor(day)).isoformat()


def shortfall(event: RecordEvent, values: pd.Series) -> pd.Series:
    """Distance of each run's value from the record's accepted interval (0 inside it)."""
    low, high = event.target - event.tolerance, event.target + event.tolerance
    below = (low - values).clip(lower=0)
    above = (values - high).clip(lower=0)
    if event.bound == "at_least":
        return below
    if event.bound == "at_most":
        return above
    return below + above


def value_table(events: tuple[RecordEvent, ...], values: pd.DataFrame) -> pd.DataFrame:
    """For each share or count: the simulated values (median, 10th-90th percentile) against the
    record's target, the mean distance from it and the share of runs that meet it."""
    rows = []
    for event in events:
        if event.kind not in ("share", "count") or event.id not in values:
            continue
        series = values[event.id].dropna()
        gap = shortfall(event, series)
        rows.append(
            {
                "id": event.id, "role": event.role, "kind": event.kind, "measure": event.measure, "side": event.side,
                "what": event.what, "date": event.date.isoformat(), "day": event.day, "target": event.target,
                "bound": event.bound, "tolerance": event.tolerance, "runs": int(series.size),
                "median": series.median() if series.size else math.nan,
                "p10": series.quantile(LOW) if series.size else math.nan,
                "p90": series.quantile(HIGH) if series.size else math.nan,
                "mean_shortfall": float(gap.mean()) if series.size else math.nan,
                "met_share": float((gap == 0).mean()) if series.size else math.nan,
            }
        )
    return pd.DataFrame(rows)


def ordered_pairs(events: tuple[RecordEvent, ...]) -> list[tuple[RecordEvent, RecordEvent]]:
    """Pairs of key events the record puts in a definite order: the later one's date lies beyond both
    dates' uncertainty (events "about" the same time are not ordered)."""
    keyed = sorted((e for e in events if e.key and e.kind == "day"), key=lambda e: (e.day, e.id))
    return [
        (a, b)
        for i, a in enumerate(keyed)
        for b in keyed[i + 1 :]
        if b.day - a.day > a.tolerance + b.tolerance
    ]


def order_check(
    events: tuple[RecordEvent, ...], values: pd.DataFrame, last_days: pd.Series
) -> tuple[pd.DataFrame, pd.Series]:
    """Per pair of ordered key events, the share of runs that keep the record's order; and per run,
    whether every pair is kept. A never-happening event comes after everything; a tie keeps the
    order; a pair dated after a run's end is left out of that run."""
    pairs = ordered_pairs(events)
    runs = values.index
    kept_all = pd.Series(True, index=runs, dtype=bool)
    rows = []
    for first, second in pairs:
        if first.id not in values or second.id not in values:
            continue
        a = values[first.id].fillna(np.inf)
        b = values[second.id].fillna(np.inf)
        scorable = last_days.reindex(runs) >= second.day
        kept = (a <= b) | ~scorable
        kept_all &= kept
        rows.append(
            {
                "first": first.id, "first_date": first.date.isoformat(), "second": second.id,
                "second_date": second.date.isoformat(), "runs": int(scorable.sum()),
                "kept_share": float(kept[scorable].mean()) if scorable.any() else math.nan,
            }
        )
    return pd.DataFrame(rows, columns=["first", "first_date", "second", "second_date", "runs", "kept_share"]), kept_all


@dataclass(frozen=True)
class Score:
    """One number for a set of runs against a group of targets, and the per-target errors behind it."""

    role: str
    overall: float  # mean over targets of the per-target error, in days (share points converted)
    timing_days: float  # mean absolute error over the dated targets alone, in days
    share_points: float  # mean distance from the share targets alone, in percentage points
    #: per target: id, kind, error (of the median, signed), mean_abs_error (days; for a share, the mean
    #: distance outside its tolerance, in points), unit, weighted_days (what it adds to ``overall``)
    targets: pd.DataFrame
    never: int  # runs x targets that never happened
    coverage: float = math.nan  # share of the dated targets whose record falls in the runs' 10-90% band
    crps_days: float = math.nan  # mean CRPS over the dated targets, in days


def score_runs(
    events: tuple[RecordEvent, ...], values: pd.DataFrame, last_days: pd.Series, *, role: str = "calibration",
    penalty: float = NEVER_PENALTY_DAYS, days_per_share_point: float = DAYS_PER_SHARE_POINT,
) -> Score:
    """Per-target errors and one overall score (lower is better) of runs against the targets of a role:
    the function a calibration sweep minimises. Targets whose date lies beyond every run are skipped."""
    rows, never = [], 0
    for event in events:
        if event.role != role or event.id not in values or event.kind not in ("day", "share"):
            continue
        if event.kind == "day":
            errors = day_errors(event, values[event.id], last_days, penalty).dropna()
            if errors.empty:
                continue
            never += int(values.loc[errors.index, event.id].isna().sum())
            error, absolute, weighted = float(errors.median()), float(errors.abs().mean()), None
            days = values.loc[errors.index, event.id].to_numpy(dtype=float)
            inside, score = covered(days, event.day), crps(errors.to_numpy() + event.day, event.day)
        else:
            series = values[event.id].dropna()
            if series.empty:
                continue
            error = 100 * float(series.median() - event.target)
            absolute = 100 * float(shortfall(event, series).mean())
            weighted = absolute * days_per_share_point
            inside, score = None, math.nan
        rows.append(
            {
                "id": event.id, "kind": event.kind, "error": error, "mean_abs_error": absolute,
                "unit": "days" if event.kind == "day" else "share points",
                "weighted_days": absolute if weighted is None else weighted,
                "covered": inside, "crps_days": score,
            }
        )
    targets = pd.DataFrame(rows, columns=["id", "kind", "error", "mean_abs_error", "unit", "weighted_days",
                                          "covered", "crps_days"])
    dated = targets[targets["kind"] == "day"]
    return Score(
        role=role,
        overall=_mean(targets["weighted_days"]),
        timing_days=_mean(targets.loc[targets["kind"] == "day", "mean_abs_error"]),
        share_points=_mean(targets.loc[targets["kind"] == "share", "mean_abs_error"]),
        targets=targets,
        never=never,
        coverage=float(dated["covered"].astype(bool).mean()) if len(dated) else math.nan,
        crps_days=_mean(dated["crps_days"]),
    )


def _mean(values: pd.Series) -> float:
    return float(values.mean()) if len(values) else math.nan
