"""Benchmark: full baseline runs (2017-09-10 to 2019-03-31) at the default cell size, one core.

Run: ``.venv/bin/python benchmarks/bench_model.py [--runs N]``. Each run is timed in a fresh
interpreter (so no cache from an earlier run helps, and peak memory is the run's own); figures are
medians over the runs. Setup (building the map and the units) and the daily loop are timed apart.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, resource, sys, time
from sim.model import CampaignModel
seed = int(sys.argv[1])
t0 = time.perf_counter()
model = CampaignModel(rng=seed)
t1 = time.perf_counter()
unit_steps = 0
while model.running:
    unit_steps += len(model.units)
    model.step()
t2 = time.perf_counter()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"setup_s": t1 - t0, "loop_s": t2 - t1, "days": model.day, "unit_steps": unit_steps, "peak_mb": peak}))
"""


def measure(seed: int) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(seed)], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rows = [measure(seed) for seed in range(1, args.runs + 1)]
    med = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
    total = med["setup_s"] + med["loop_s"]
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
          f"median of {len(rows)} runs, each in a fresh process")
    print(f"full baseline run: {total:.2f} s (setup {med['setup_s']:.2f} s "
          f"+ {med['days']:.0f} days {med['loop_s']:.2f} s)")
    print(f"ms per simulated day: {1000 * med['loop_s'] / med['days']:.2f}")
    print(f"unit-steps per second: {med['unit_steps'] / med['loop_s']:,.0f} "
          f"({med['unit_steps'] / med['days']:.0f} units a day)")
    print(f"peak memory (max RSS of the process, imports included): {med['peak_mb']:.0f} MB")


if __name__ == "__main__":
    main()
