"""The seeded regression baseline: the same seeds give the stored figures (scripts/refresh_baseline.py)."""

import json
import math
from pathlib import Path

import pytest

from sim.regression import DAYS, SEEDS, regression_figures

STORED = Path(__file__).parent / "baseline" / "regression.json"


@pytest.fixture(scope="module")
def stored():
    return json.loads(STORED.read_text())


def test_the_baseline_file_matches_the_runs_it_describes(stored):
    assert stored["seeds"] == list(SEEDS) and stored["days"] == DAYS


def test_seeded_runs_reproduce_the_stored_figures(stored):
    current = regression_figures()
    differences = []
    for seed, run in stored["runs"].items():
        now = current[seed]
        for section in ("summary", "checkpoints"):
            for key, value in run[section].items():
                new = now[section].get(key)
                same = (value is None and (new is None or math.isnan(new))) or (
                    value is not None and new is not None and math.isclose(value, new, rel_tol=1e-9, abs_tol=1e-9))
                if not same:
                    differences.append(f"seed {seed} {section}.{key}: stored {value}, now {new}")
        if run["engagements"] != now["engagements"]:
            differences.append(f"seed {seed} engagements: stored {run['engagements']}, now {now['engagements']}")
    assert not differences, "results changed (refresh with scripts/refresh_baseline.py if intended):\n" + "\n".join(
        differences[:20])
