"""Benchmark: building the map at 1, 2 and 5 km (layers from the data files, then the Mesa grid).

Run: ``.venv/bin/python benchmarks/bench_map.py``. Each figure is the median of several builds in
a fresh interpreter per cell size (so no cache helps); peak memory is tracemalloc's peak of the
build (numpy arrays included).
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPEATS = 5

CHILD = r"""
import json, random, statistics, sys, time, tracemalloc
from sim.geography import DATA_DIR, build_layers, load_geography, make_grid
cell_km, repeats = float(sys.argv[1]), int(sys.argv[2])
layer_times, grid_times = [], []
for _ in range(repeats):
    t0 = time.perf_counter()
    layers = build_layers(load_geography(DATA_DIR), cell_km)
    t1 = time.perf_counter()
    grid = make_grid(layers, random.Random(0))
    t2 = time.perf_counter()
    layer_times.append(t1 - t0); grid_times.append(t2 - t1)
    del grid
tracemalloc.start()
layers = build_layers(load_geography(DATA_DIR), cell_km)
grid = make_grid(layers, random.Random(0))
peak = tracemalloc.get_traced_memory()[1]
print(json.dumps({"cells": layers.frame.shape[0] * layers.frame.shape[1],
                  "layers_s": statistics.median(layer_times), "grid_s": statistics.median(grid_times),
                  "peak_mb": peak / 2**20}))
"""


def main() -> None:
    rows = {}
    for cell_km in (5.0, 2.0, 1.0):
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(cell_km), str(REPEATS)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        rows[cell_km] = json.loads(out.stdout)
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}")
    print(f"{'cell km':>8} {'cells':>8} {'layers s':>9} {'grid s':>7} {'total s':>8} {'peak MB':>8}")
    for cell_km, r in rows.items():
        total = r["layers_s"] + r["grid_s"]
        print(
            f"{cell_km:>8g} {r['cells']:>8} {r['layers_s']:>9.3f} {r['grid_s']:>7.3f} "
            f"{total:>8.3f} {r['peak_mb']:>8.1f}"
        )
    base = rows[2.0]["layers_s"] + rows[2.0]["grid_s"]
    print(
        f"ratio 1 km / 2 km build time: {(rows[1.0]['layers_s'] + rows[1.0]['grid_s']) / base:.1f} "
        f"for {rows[1.0]['cells'] / rows[2.0]['cells']:.1f}x the cells"
    )


if __name__ == "__main__":
    main()
