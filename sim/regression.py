"""The seeded regression baseline: a fixed set of short runs whose figures are stored and compared.

``python scripts/refresh_baseline.py`` rewrites ``tests/baseline/regression.json``; the test
``tests/test_regression.py`` reruns the same runs and fails on any difference. Refresh it only for a
change meant to alter results, and say why in the commit.
"""

from __future__ import annotations

import math

from sim.codes import SIDES

SEEDS = (101, 202)
DAYS = 180
CHECKPOINTS = (30, 60, 90, 120, 150, 180)


def regression_figures() -> dict:
    from sim.experiments.runner import run_one
    from sim.scenario import baseline

    figures = {}
    for seed in SEEDS:
        result = run_one(baseline(), 0, seed, days=DAYS)
        if not result.ok:
            raise RuntimeError(result.error)
        timeseries = result.tables["timeseries"]
        points = {}
        for day in CHECKPOINTS:
            rows = timeseries[timeseries["day"] == day].set_index("side")
            for side in SIDES:
                points[f"day{day}.{side}.valley_km2"] = float(rows.loc[side, "valley_km2"])
                points[f"day{day}.{side}.fighters"] = float(rows.loc[side, "fighters"])
                points[f"day{day}.{side}.losses_cum"] = float(rows.loc[side, "losses_cum"])
            points[f"day{day}.displaced_cum"] = round(float(rows["displaced_cum"].iloc[0]), 3)
        summary = {k: (None if math.isnan(v) else v) for k, v in result.summary.items()}
        figures[str(seed)] = {"summary": summary, "checkpoints": points,
                              "engagements": len(result.tables["events"])}
    return figures
