#!/usr/bin/env python3
"""Rewrite the seeded regression baseline (tests/baseline/regression.json) from the current code.

Run it only when a change is meant to alter results, and say in the commit why the numbers moved.
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from sim.experiments.store import code_version  # noqa: E402
from sim.regression import CHECKPOINTS, DAYS, regression_figures  # noqa: E402

path = ROOT / "tests" / "baseline" / "regression.json"
figures = regression_figures()
document = {"days": DAYS, "checkpoints": list(CHECKPOINTS), "numpy": np.__version__,
            "refreshed_from": code_version(), "runs": figures}
path.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n", encoding="utf-8")
print(f"wrote {path}: {len(figures)} runs of {DAYS} days")
