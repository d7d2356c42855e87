"""The operational layer's measures over replications of a scenario (issue 13's note, docs/CALIBRATION.md).

    .venv/bin/python scripts/operational_measures.py [SCENARIO] [--replications N] [--workers W]

Prints, per measure, the median and the 10-90% range over the runs: the days the regime takes
al-Mayadin, reaches al-Bukamal and clears the city; the largest number of units queued behind one
cell on any day; the share of engagements that are bombardments; the share of each side's end
territory more than 10 km from any of its units.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.experiments.runner import replicate
from sim.scenarios import resolve_scenario

MEASURES = (
    ("regime_mayadin_day", "day the regime takes al-Mayadin"),
    ("regime_bukamal_day", "day the regime first holds al-Bukamal"),
    ("regime_city_cleared_day", "day the regime holds all of the city"),
    ("queued_max", "most units queued behind one cell on a day"),
    ("longest_queue_days", "most days in a row a unit waited in a queue"),
    ("bombardment_share", "share of engagements that are bombardments"),
    ("regime_remote_territory_share", "regime end territory >10 km from its units"),
    ("sdf_remote_territory_share", "SDF end territory >10 km from its units"),
    ("isis_remote_territory_share", "ISIS end territory >10 km from its units"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default="baseline")
    parser.add_argument("--replications", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=20170910)
    args = parser.parse_args()
    results = replicate(resolve_scenario(args.scenario), args.replications, args.seed, workers=args.workers,
                        snapshot_days=[])
    runs = [r.summary for r in results if r.ok]
    print(f"{args.scenario}: {len(runs)} runs")
    for name, label in MEASURES:
        print_spread(label, [run.get(name, np.nan) for run in runs])


def print_spread(label: str, values) -> None:
    """One measure's median and 10-90% range over the runs, and in how many runs it never happened."""
    values = np.array(values, dtype=float)
    happened = values[~np.isnan(values)]
    if not happened.size:
        print(f"  {label:48s} never")
        return
    low, mid, high = np.percentile(happened, [10, 50, 90])
    never = f"  (never in {values.size - happened.size} runs)" if happened.size < values.size else ""
    print(f"  {label:48s} {mid:10.2f}  [10-90%: {low:.2f} .. {high:.2f}]{never}")

if __name__ == "__main__":
    main()
