"""The seeded regression baseline: the same seeds give the stored figures (scripts/refresh_baseline.py),
over the whole campaign, for the baseline and each key scenario."""

import json
from pathlib import Path

import numpy as np
import pytest

from sim.regression import CHECKPOINTS, DAYS, RUNS, differences, run_figures, run_key, tolerance

STORED = Path(__file__).parent / "baseline" / "regression.json"


@pytest.fixture(scope="module")
def stored():
    return json.loads(STORED.read_text())


def test_the_baseline_file_matches_the_runs_it_describes(stored):
    assert stored["days"] == DAYS and stored["checkpoints"] == list(CHECKPOINTS)
    assert sorted(stored["runs"]) == sorted(run_key(scenario, seed) for scenario, seed in RUNS)
    assert stored["numpy"], "the file names the numpy it was made with"


@pytest.mark.parametrize("scenario, seed", RUNS, ids=[run_key(*run) for run in RUNS])
def test_seeded_runs_reproduce_the_stored_figures(stored, scenario, seed):
    relative = tolerance(stored["numpy"])
    found = differences(stored["runs"][run_key(scenario, seed)], run_figures(scenario, seed), relative)
    numpy_note = "" if stored["numpy"] == np.__version__ else (
        f" (stored with numpy {stored['numpy']}, run on {np.__version__}: compared at {relative:g})")
    assert not found, (f"{scenario} seed {seed}: results changed{numpy_note} (refresh with "
                       "scripts/refresh_baseline.py if intended):\n" + "\n".join(found[:20]))
