"""Benchmark the sweep runner: parallel speed-up, per-run overhead, parent memory, Dask against the pool.

Run: ``.venv/bin/python benchmarks/bench_sweep.py [--runs 200] [--days 20] [--repeats 2]``.
Sweeps use short horizons so the runner, not the model, is what is measured. Each sweep runs in a
fresh interpreter so its parent's peak memory is its own. Timings alternate between the settings
compared (1 worker, 2 workers, 1, 2, ...) and report medians, as these machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SPEC = """name = "bench"
description = "benchmark sweep"
design = "lhs"
samples = {points}
replications = 1
seed = 1
days = {days}
outcomes = ["regime_losses", "isis_losses"]
[factors.lethality]
range = [0.01, 0.03]
[factors.russian_sorties_per_day]
range = [0.0, 60.0]
"""

CHILD = r"""
import json, resource, sys, time
from benchmarks.memory import peak_mb
from sim.experiments.design import load_sweep
from sim.experiments.sweep import run_sweep
spec = load_sweep(sys.argv[1])
workers = int(sys.argv[3]) if sys.argv[3] != "none" else None
scheduler = None if sys.argv[4] == "none" else sys.argv[4]
t, cpu = time.perf_counter(), time.process_time()
report = run_sweep(spec, sys.argv[2], workers=workers, scheduler=scheduler)
elapsed, parent_cpu = time.perf_counter() - t, time.process_time() - cpu
if workers and workers > 1 and scheduler is None:  # end the pool's workers so that their CPU time is counted
    from sim.experiments.worker_lifetime import local_pool
    local_pool(workers).shutdown(wait=True)
children = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": elapsed, "done": report.done, "failed": report.failed,
                  "parent_peak_mb": peak_mb(), "parent_cpu": parent_cpu,
                  "workers_cpu": children.ru_utime + children.ru_stime}))
"""

DIRECT = r"""
import json, sys, time
from sim.experiments.design import load_sweep
from sim.experiments.sweep import plan_runs
from sim.experiments.runner import run_one
spec = load_sweep(sys.argv[1])
_, runs = plan_runs(spec)
run_one(spec.scenario, 0, 1, days=spec.days)  # warm the caches, as a sweep worker is after its first run
t = time.perf_counter()
for r in runs:
    run_one(spec.scenario.with_params(**r["overrides"]), r["replication"], r["seed"], days=spec.days)
print(json.dumps({"seconds": time.perf_counter() - t, "runs": len(runs)}))
"""


def sweep(spec: Path, workers, scheduler=None) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        out = subprocess.run([sys.executable, "-c", CHILD, str(spec), str(Path(folder) / "out"), str(workers),
                              scheduler or "none"], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def write_spec(folder: Path, points: int, days: int) -> Path:
    path = folder / f"bench_{points}.toml"
    path.write_text(SPEC.format(points=points, days=days))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--days", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--memory-runs", type=int, nargs=2, default=(100, 1000))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        spec = write_spec(folder, args.runs, args.days)
        one, two = [], []
        for _ in range(args.repeats):
            one.append(sweep(spec, 1)["seconds"])
            two.append(sweep(spec, 2)["seconds"])
        direct = json.loads(subprocess.run([sys.executable, "-c", DIRECT, str(spec)], cwd=ROOT, capture_output=True,
                                           text=True, check=True).stdout.strip().splitlines()[-1])
        dask = sweep(spec, 2, "local")["seconds"]
        memory = {n: sweep(write_spec(folder, n, 3), 2)["parent_peak_mb"] for n in args.memory_runs}
    t1, t2 = statistics.median(one), statistics.median(two)
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}")
    print(f"{args.runs}-run sweep ({args.days}-day runs): 1 worker {t1:.1f} s, 2 workers {t2:.1f} s "
          f"(medians of {args.repeats} alternating runs): speed-up {t1 / t2:.2f}x")
    overhead = (t1 - direct["seconds"]) / args.runs
    print(f"runner overhead per run, in process, against calling the model directly: {1000 * overhead:.0f} ms "
          f"({t1 / direct['seconds']:.2f}x the direct loop of {direct['seconds']:.1f} s, "
          "which skips the first run's setup)")
    print(f"Dask LocalCluster (2 workers) {dask:.1f} s against the local pool {t2:.1f} s: {dask / t2:.2f}x")
    print("parent peak memory: " + ", ".join(f"{n} runs {mb:.0f} MB" for n, mb in memory.items()))


if __name__ == "__main__":
    main()
