"""ISIS's campaign over replications of a scenario (issue 14's note): the shape of its defence.

    .venv/bin/python scripts/isis_measures.py [SCENARIO] [--replications N] [--workers W]

Prints, per measure, the median and the 10-90% range over the runs: the day ISIS's held valley
falls below half of its day-0 value; the day it stabilises (the pocket forms: the first day from
which it changes by less than a fifth over the next 60 days) and its size then; how long the pocket
holds (until ISIS holds less than a tenth of it, or the end); counter-attacks per month; how many
times al-Bukamal changes hands; and ISIS's fighters at dated points.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from operational_measures import print_spread

from sim.calendar import day_of
from sim.experiments.runner import replicate
from sim.scenarios import resolve_scenario

STABLE_DAYS = 60
FIGHTERS_ON = ("2017-11-01", "2018-01-01", "2018-07-01", "2019-01-01", "2019-03-31")


def measures(result) -> dict[str, float]:
    series = result.tables["timeseries"]
    isis = series[series["side"] == "isis"].sort_values("day")
    valley = isis["valley_km2"].to_numpy()
    fighters = isis["fighters"].to_numpy()
    out: dict[str, float] = {}
    below = np.flatnonzero(valley < valley[0] / 2)
    out["half_day"] = float(below[0]) if below.size else np.nan
    start = int(below[0]) if below.size else 0
    stable = np.nan
    for day in range(start, len(valley) - STABLE_DAYS):
        window = valley[day : day + STABLE_DAYS + 1]
        if valley[day] > 0 and (window.max() - window.min()) < 0.2 * valley[day]:
            stable = day
            break
    out["pocket_day"] = float(stable)
    out["pocket_km2"] = float(valley[int(stable)]) if stable == stable else np.nan
    if stable == stable:
        gone = np.flatnonzero(valley[int(stable):] < 0.1 * valley[int(stable)])
        out["pocket_days"] = float(gone[0]) if gone.size else float(len(valley) - 1 - stable)
    else:
        out["pocket_days"] = np.nan
    events = result.tables["events"]
    months = max(len(valley) / 30.44, 1.0)
    out["counterattacks_per_month"] = float((events["kind"] == "counterattack").sum() / months)
    control = result.tables["control"]
    bukamal = control[control["place"] == "bukamal"].sort_values("day")["controller"].tolist()
    out["bukamal_changes"] = float(max(len(bukamal) - 1, 0)) if bukamal else 0.0
    for date in FIGHTERS_ON:
        day = day_of(dt.date.fromisoformat(date))
        out[f"fighters_{date}"] = float(fighters[day]) if day < len(fighters) else np.nan
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default="baseline")
    parser.add_argument("--replications", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=20170910)
    args = parser.parse_args()
    results = [r for r in replicate(resolve_scenario(args.scenario), args.replications, args.seed,
                                    workers=args.workers, snapshot_days=[]) if r.ok]
    rows = [measures(r) for r in results]
    print(f"{args.scenario}: {len(rows)} runs")
    for name in rows[0]:
        print_spread(name, [row[name] for row in rows])

if __name__ == "__main__":
    main()
