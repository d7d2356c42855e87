"""The seeded regression baseline: a fixed set of whole runs whose figures are stored and compared.

Two seeds of the baseline and one run of each key scenario, over the whole campaign (567 days), with
figures at checkpoints through it. ``python scripts/refresh_baseline.py`` rewrites
``tests/baseline/regression.json``; the test ``tests/test_regression.py`` reruns the same runs and
fails on any difference beyond the tolerance for the numpy it runs on (``tolerance``): the stored file
names the numpy it was made with, whose random streams and sums it reproduces to the last digit; another
numpy may round sums differently. Refresh it only for a change meant to alter results, and say why in
the commit.
"""

from __future__ import annotations

import math

import numpy as np

from sim.codes import SIDES

#: (scenario, seed) of each stored run
RUNS = (("baseline", 101), ("baseline", 202), ("deconfliction_breaks", 101), ("no_russian_air", 101),
        ("sdf_full_offensive_now", 101), ("afrin_pause", 101), ("isis_collapse", 101))
DAYS = 567
CHECKPOINTS = (30, 60, 90, 120, 180, 240, 300, 360, 420, 480, 540, 567)
SAME_NUMPY_TOLERANCE = 1e-9  # relative: the same code on the same numpy gives the same numbers
OTHER_NUMPY_TOLERANCE = 1e-6  # relative: another numpy may sum in another order


def run_key(scenario: str, seed: int) -> str:
    return f"{scenario}/{seed}"


def tolerance(stored_numpy: str | None) -> float:
    """The relative tolerance for figures stored with numpy ``stored_numpy`` when run on this numpy."""
    return SAME_NUMPY_TOLERANCE if stored_numpy == np.__version__ else OTHER_NUMPY_TOLERANCE


def run_figures(scenario: str, seed: int) -> dict:
    """One stored run's figures: its summary, each side's valley, fighters and losses at the
    checkpoints, the people displaced, and how many engagements it had."""
    from sim.experiments.runner import run_one
    from sim.scenarios import resolve_scenario

    result = run_one(resolve_scenario(scenario), 0, seed, days=DAYS)
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
    return {"summary": summary, "checkpoints": points, "engagements": len(result.tables["events"])}


def regression_figures() -> dict:
    """Every stored run's figures, by ``scenario/seed``."""
    return {run_key(scenario, seed): run_figures(scenario, seed) for scenario, seed in RUNS}


def differences(stored: dict, current: dict, relative: float) -> list[str]:
    """Where the current figures of one run differ from the stored ones beyond ``relative``."""
    found = []
    for section in ("summary", "checkpoints"):
        for key, value in stored[section].items():
            new = current[section].get(key)
            same = (value is None and (new is None or math.isnan(new))) or (
                value is not None and new is not None and math.isclose(value, new, rel_tol=relative, abs_tol=1e-9))
            if not same:
                found.append(f"{section}.{key}: stored {value}, now {new}")
    if stored["engagements"] != current["engagements"]:
        found.append(f"engagements: stored {stored['engagements']}, now {current['engagements']}")
    return found
