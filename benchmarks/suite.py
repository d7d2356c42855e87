"""The benchmark suite: one command, figures written to benchmarks/RESULTS.md.

Run: ``.venv/bin/python benchmarks/suite.py [--quick]``. Measures, each as the median of several runs:

1. the process start: importing what a run needs (the run command's modules and the model), in fresh
   processes; and the compiled kernels' first-call cost (numba, into an empty cache) and their loading
   from the cache on disk;
2. one full baseline run at the default cell size: in a fresh process (set-up included) and warm (as
   in a sweep worker, after the first run); ms per simulated day; unit-steps per second;
3. the same against Mesa's own Wolf-Sheep example, in the same process, as a ratio of unit-steps to
   agent-steps per second; and against the code before issue 19 (commit ``BEFORE``), warm runs of
   each in child processes taken in turns;
4. scaling: run time and peak memory at cell sizes 5, 2.5 and 1.25 km (4x the cells each time) and at
   1x, 2x and 4x the forces;
5. a sweep of full-length runs with 1 and 2 workers, and a sweep's parent memory at two sizes.

Machines here are shared and noisy: run times are CPU seconds of the process (time.process_time), and
the figures to read are the ratios measured in one process or taken in turns, not the absolute times.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHILD = "import sys; from benchmarks.suite import child; child()"
BEFORE = "fc4e9f0"  # the code as issue 19 found it
FULL_LENGTH_DAYS = 10_000  # a sweep's days beyond the scenario's end: runs of full length
#: warm runs of whatever ``sim`` the child imports (this code or the code before), CPU seconds of the daily loop
WARM_CHILD = """
import json, statistics, time
from sim.model import CampaignModel
CampaignModel(rng=99, days=5).run().release()
loops = []
for seed in (1, 2):
    model = CampaignModel(rng=seed)
    start = time.process_time()
    model.run()
    loops.append(time.process_time() - start)
    model.release()
print(json.dumps(statistics.median(loops)))
"""
#: the process start of a run: what ``run.py run`` imports, then the model (whose modules a run needs); CPU
#: seconds, as the wall clock of a start on a shared machine mostly measures the wait for a core
IMPORT_CHILD = """
import json, sys, time
start = time.process_time()
import sim.cli, sim.cli.run_command, sim.model, sim.experiments.runner, sim.outcomes
seconds = time.process_time() - start
heavy = ("numba", "pandas", "pyarrow", "scipy.spatial", "scipy.ndimage", "scipy.stats", "networkx", "mesa")
print(json.dumps({"s": seconds, "plotting": "matplotlib" in sys.modules, "app": "solara" in sys.modules,
                  "heavy": [name for name in heavy if name in sys.modules]}))
"""
#: a short run in a fresh process: the first calls of every compiled kernel (compiled, or loaded from the cache)
KERNEL_CHILD = """
import json, time
from sim.model import CampaignModel
from sim.geography import load_map
from sim.params import DECLARATION
load_map(DECLARATION["cell_km"].default)  # the map (built or read once per process) is not the kernels' cost
start = time.process_time()
CampaignModel(rng=1, days=6).run()  # the model's set-up may already call a kernel: timed with the run
first = time.process_time() - start
start = time.process_time()
CampaignModel(rng=1, days=6).run()
print(json.dumps({"first": first, "again": time.process_time() - start}))
"""


def timed_run(scenario=None, seed: int = 1) -> dict:
    """Build one campaign and run it to its end: set-up and daily loop timed apart, unit-steps counted."""
    from sim.model import CampaignModel

    t0 = time.process_time()
    model = CampaignModel(scenario, rng=seed)
    t1 = time.process_time()
    unit_steps = 0
    while model.running:
        unit_steps += len(model.units)
        model.step()
    t2 = time.process_time()
    model.release()
    return {"setup_s": t1 - t0, "loop_s": t2 - t1, "days": model.day, "unit_steps": unit_steps,
            "cells": model.nx * model.ny}


def child() -> None:
    """In a fresh process: one run of the baseline with changes (the argv's JSON), peak memory added."""
    import copy
    import dataclasses

    from benchmarks.memory import peak_mb
    from sim.scenario import baseline

    params = copy.copy(baseline().params)
    for name, value in json.loads(sys.argv[1]).items():  # may go past a declared range (4x the forces)
        object.__setattr__(params, name, value)
    row = timed_run(dataclasses.replace(baseline(), params=params), int(sys.argv[2]))
    row["peak_mb"] = peak_mb()
    print(json.dumps(row))


FORCES = ("isis_fighters_city", "isis_fighters_valley", "regime_airport_garrison", "regime_relief_force",
          "regime_upstream_force", "regime_reinforcements", "sdf_fighters", "sdf_raqqa_release", "opposition_fighters",
          "pmf_fighters")


def forces(factor: int) -> dict:
    """Every force parameter multiplied (unit sizes kept, so there are more units)."""
    from sim.params import DECLARATION

    return {name: type(DECLARATION[name].default)(DECLARATION[name].default * factor) for name in FORCES}


def fresh_run(changes: dict, seed: int) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, json.dumps(changes), str(seed)], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def median_of(rows: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def warm_runs(count: int) -> list[dict]:
    """Baseline runs in this process after a first one (the grid and caches reused, as in a sweep worker)."""
    from sim.model import CampaignModel

    CampaignModel(rng=99, days=5).run().release()
    return [timed_run(seed=seed) for seed in range(1, count + 1)]


def wolf_sheep(seeds=(1, 2, 3), steps: int = 300) -> float:
    """Agent-steps per second of Mesa's Wolf-Sheep (50 x 50, 600 sheep, 150 wolves, grass), median over seeds."""
    from mesa.examples.advanced.wolf_sheep.agents import Sheep, Wolf
    from mesa.examples.advanced.wolf_sheep.model import WolfSheep, WolfSheepScenario

    rates = []
    for seed in seeds:
        model = WolfSheep(WolfSheepScenario(rng=seed, width=50, height=50, initial_sheep=600, initial_wolves=150))
        agent_steps, start = 0, time.process_time()
        for _ in range(steps):
            agent_steps += len(model.agents_by_type.get(Wolf, [])) + len(model.agents_by_type.get(Sheep, []))
            model.step()
        rates.append(agent_steps / (time.process_time() - start))
    return statistics.median(rates)


STAGES = (  # the day's stages in the order CampaignModel.step runs them: (label, module, owner, method)
    ("blocked cells", "sim.model", "CampaignModel", "refresh_blocked"),
    ("plans (commanders)", "sim.commanders", None, "plan"),
    ("march", "sim.march", None, "march"),
    ("fight", "sim.battle", None, "fight"),
    ("attrition", "sim.model", "CampaignModel", "_attrition"),
    ("control", "sim.model", "CampaignModel", "_update_control"),
    ("supply and morale", "sim.model", "CampaignModel", "_supply_and_morale"),
    ("population", "sim.population", "PopulationModel", "step"),
    ("record", "sim.recorder", "Recorder", "record_day"),
)


def stage_times(seeds=(1, 2, 3)) -> tuple[dict[str, float], float]:
    """CPU seconds of each stage of the day over a warm baseline run, and of the whole daily loop:
    medians over runs of ``seeds`` (the stages are timed by wrapping them for these runs only)."""
    import importlib

    from sim.commanders import COMMANDERS
    from sim.model import CampaignModel

    spent: dict[str, float] = dict.fromkeys((label for label, *_ in STAGES), 0.0)
    patched = []

    def timed(label, function):
        def run_stage(*args, **kwargs):
            start = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent[label] += time.process_time() - start
        return run_stage

    for label, module_name, owner_name, name in STAGES:
        module = importlib.import_module(module_name)
        if module_name == "sim.commanders":
            owners = COMMANDERS
        else:
            owners = [getattr(module, owner_name) if owner_name else module]
        for owner in owners:
            patched.append((owner, name, owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)))
            setattr(owner, name, timed(label, getattr(owner, name)))
    runs, loops = [], []
    try:
        CampaignModel(rng=99, days=5).run().release()
        for seed in seeds:
            spent.update(dict.fromkeys(spent, 0.0))
            model = CampaignModel(rng=seed)
            start = time.process_time()
            model.run()
            loops.append(time.process_time() - start)
            runs.append(dict(spent))
            model.release()
    finally:
        for owner, name, original in reversed(patched):
            setattr(owner, name, original)
    return {label: statistics.median(run[label] for run in runs) for label in spent}, statistics.median(loops)


def sweep_times(runs: int, days: int, repeats: int) -> tuple[float, float, dict[str, float]]:
    """Wall seconds of a sweep with 1 and with 2 workers (medians of ``repeats`` taken in turns), and the
    CPU seconds they spent: on a machine shared with other work the wall times mostly measure the wait for a
    core, while the CPU seconds show what running on 2 workers costs (the workers' own start, the parent's
    share of the cores) and so the speed-up two idle cores would give."""
    from benchmarks.bench_sweep import sweep, write_spec

    with tempfile.TemporaryDirectory() as folder:
        spec = write_spec(Path(folder), runs, days)
        one, two = [], []
        for _ in range(repeats):
            one.append(sweep(spec, 1))
            two.append(sweep(spec, 2))
    cpu = {"one": statistics.median(r["parent_cpu"] + r["workers_cpu"] for r in one),
           "two_parent": statistics.median(r["parent_cpu"] for r in two),
           "two_workers": statistics.median(r["workers_cpu"] for r in two)}
    cpu["idle_speedup"] = cpu["one"] / (cpu["two_parent"] + cpu["two_workers"] / 2)
    return statistics.median(r["seconds"] for r in one), statistics.median(r["seconds"] for r in two), cpu


def sweep_parent_memory(sizes: tuple[int, int], days: int) -> dict[int, float]:
    """The parent's peak memory (MB) of 2-worker sweeps of two sizes."""
    from benchmarks.bench_sweep import sweep, write_spec

    with tempfile.TemporaryDirectory() as folder:
        return {n: sweep(write_spec(Path(folder), n, days), 2)["parent_peak_mb"] for n in sizes}


def child_json(script: str, code: Path = ROOT, env: dict | None = None):
    """Run ``script`` in a fresh interpreter importing the ``sim`` of ``code``; its last line, read as JSON."""
    out = subprocess.run([sys.executable, "-c", script], cwd=code, capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(code), **(env or {})})
    return json.loads(out.stdout.strip().splitlines()[-1])


def import_times(repeats: int, code: Path = ROOT) -> list[dict]:
    """The process start of a run, ``repeats`` times, with Python's bytecode cache in use as in an installed
    package (a shell with PYTHONDONTWRITEBYTECODE=1 would compile every module of ``sim`` anew at each start,
    about 0.1 s more); the first start, which writes the cache, is not counted."""
    cached = {"PYTHONDONTWRITEBYTECODE": ""}  # empty: bytecode is written and read
    child_json(IMPORT_CHILD, code, cached)
    return [child_json(IMPORT_CHILD, code, cached) for _ in range(repeats)]


def kernel_costs() -> dict[str, float]:
    """The first 6-day run of a fresh process with the compiled kernels compiled anew (an empty numba
    cache) and loaded from the cache, each less the same run done again in that process."""
    with tempfile.TemporaryDirectory() as cache:
        compiled = child_json(KERNEL_CHILD, env={"NUMBA_CACHE_DIR": cache})
        loaded = child_json(KERNEL_CHILD, env={"NUMBA_CACHE_DIR": cache})
    return {"compile": compiled["first"] - compiled["again"], "load": loaded["first"] - loaded["again"]}


def before_and_after(rounds: int) -> tuple[float, float]:
    """CPU seconds of a warm run's daily loop, the code before issue 19 and this code, each a median
    over child processes taken in turns (before, after, before, after, ...)."""
    from benchmarks.equivalence import checked_out

    before, after = [], []
    with tempfile.TemporaryDirectory() as folder:
        old = checked_out(BEFORE, Path(folder))
        for _ in range(rounds):
            before.append(child_json(WARM_CHILD, old))
            after.append(child_json(WARM_CHILD))
    return statistics.median(before), statistics.median(after)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repeats and a smaller sweep")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    args = parser.parse_args()
    repeats = 2 if args.quick else 3
    lines = [f"# Benchmark results\n\nMachine: {platform.machine()}, {platform.processor() or 'cpu'}, "
             f"{platform.python_implementation()} {platform.python_version()}, measured "
             f"{time.strftime('%Y-%m-%d %H:%M')}, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
             "at the start. Medians; run times are CPU seconds; read the ratios, the machine is shared.\n"]
    starts = import_times(repeats)
    start_s = median_of(starts, "s")
    kernels = kernel_costs()
    lines += ["## Process start and compiled kernels\n",
              f"Importing what a run needs (`sim.cli`, the run command, the model, the runner, the outcomes) in a "
              f"fresh process: **{start_s:.2f} s** (median of {repeats}); matplotlib loaded: "
              f"{any(r['plotting'] for r in starts)}, the app's solara: {any(r['app'] for r in starts)}; "
              f"loaded: {', '.join(starts[0]['heavy'])} (Mesa's package import brings pandas, scipy.spatial and "
              "networkx; a run uses pandas for its tables and networkx for the sides' relations).",
              "",
              f"The compiled kernels (numba, `cache=True`): their first calls in a fresh process cost "
              f"**{kernels['compile']:.1f} s** of compiling when the cache is empty (once per environment: the "
              f"cache is kept beside the sources) and **{kernels['load']:.2f} s** of loading from the cache after "
              "that (once per process).", ""]
    fresh = [fresh_run({}, seed) for seed in range(1, repeats + 1)]
    warm = warm_runs(repeats)
    rate = median_of(warm, "unit_steps") / median_of(warm, "loop_s")
    ws = wolf_sheep()
    lines += ["## One full baseline run (2017-09-10 to 2019-03-31, 2 km cells, one core)\n",
              "| | set-up s | daily loop s | total s | ms per day | unit-steps per s | peak MB |",
              "|---|---|---|---|---|---|---|"]
    for label, rows in (("fresh process (first run)", fresh), ("warm (as in a sweep worker)", warm)):
        total = median_of(rows, "setup_s") + median_of(rows, "loop_s")
        peak = f"{median_of(rows, 'peak_mb'):.0f}" if "peak_mb" in rows[0] else "–"
        lines.append(f"| {label} | {median_of(rows, 'setup_s'):.2f} | {median_of(rows, 'loop_s'):.2f} | {total:.2f} | "
                     f"{1000 * median_of(rows, 'loop_s') / median_of(rows, 'days'):.2f} | "
                     f"{median_of(rows, 'unit_steps') / median_of(rows, 'loop_s'):,.0f} | {peak} |")
    lines += ["", "Mesa's Wolf-Sheep (50 x 50, 600 sheep, 150 wolves, grass) in the same process: "
              f"{ws:,.0f} agent-steps per second. "
              f"**Ratio of the campaign's unit-steps per second to Wolf-Sheep's: {rate / ws:.2f}.**", ""]
    old_loop, new_loop = before_and_after(repeats)
    lines += [f"Against the code before issue 19 ({BEFORE}), warm runs in child processes taken in turns: "
              f"{old_loop:.2f} s before, {new_loop:.2f} s now, **{old_loop / new_loop:.2f}x faster**.", ""]
    spent, loop = stage_times()
    lines += ["### Where a run's time goes\n", "CPU time of each stage of the day in warm runs (sim/model.py's "
              f"order of the day; medians of 3 seeds); the daily loop took {loop:.2f} s of CPU.\n",
              "| stage | s | share |", "|---|---|---|"]
    lines += [f"| {label} | {seconds:.3f} | {seconds / loop:.0%} |" for label, seconds in spent.items()]
    other = loop - sum(spent.values())
    lines += [f"| other (Mesa's scheduler, dated events, garbage collection between stages) | {other:.3f} | "
              f"{other / loop:.0%} |", ""]
    lines += ["## Scaling\n", "| setting | cells | units a day | total s | peak MB |", "|---|---|---|---|---|"]
    scaling = {}
    for label, changes in (("cells 5 km", {"cell_km": 5.0}), ("cells 2.5 km", {"cell_km": 2.5}),
                           ("cells 1.25 km", {"cell_km": 1.25}), ("forces 1x", {}), ("forces 2x", forces(2)),
                           ("forces 4x", forces(4))):
        rows = [fresh_run(changes, seed) for seed in range(1, 3)]
        scaling[label] = {"s": median_of(rows, "setup_s") + median_of(rows, "loop_s"),
                          "units": median_of(rows, "unit_steps") / median_of(rows, "days"),
                          "cells": rows[0]["cells"], "mb": median_of(rows, "peak_mb")}
        r = scaling[label]
        lines.append(f"| {label} | {r['cells']:,} | {r['units']:.0f} | {r['s']:.2f} | {r['mb']:.0f} |")
    ratio = lambda a, b, key="s": scaling[a][key] / scaling[b][key]  # noqa: E731
    lines += ["", f"4x the cells: 5 -> 2.5 km {ratio('cells 2.5 km', 'cells 5 km'):.2f}x the time, "
              f"2.5 -> 1.25 km {ratio('cells 1.25 km', 'cells 2.5 km'):.2f}x. "
              f"Forces 2x: {ratio('forces 2x', 'forces 1x'):.2f}x the time for "
              f"{ratio('forces 2x', 'forces 1x', 'units'):.2f}x the units; 4x: {ratio('forces 4x', 'forces 1x'):.2f}x "
              f"the time for {ratio('forces 4x', 'forces 1x', 'units'):.2f}x the units.", ""]
    runs = 8 if args.quick else 20
    t1, t2, cpu = sweep_times(runs, FULL_LENGTH_DAYS, repeats=1 if args.quick else 2)
    thousand = 1000 * t2 / runs
    memory = sweep_parent_memory((40, 160) if args.quick else (100, 400), 3)
    small, large = sorted(memory)
    lines += ["## Sweeps\n", f"A {runs}-run sweep of full-length runs (wall time): 1 worker {t1:.1f} s, 2 workers "
              f"{t2:.1f} s, speed-up **{t1 / t2:.2f}x**; at that pace 1,000 runs on 2 workers take "
              f"{thousand / 60:.1f} min (extrapolated, not run), at load {os.getloadavg()[0]:.1f}. CPU seconds: 1 "
              f"worker {cpu['one']:.1f} s; 2 workers {cpu['two_workers']:.1f} s in the workers and "
              f"{cpu['two_parent']:.1f} s in the parent, so two idle cores would give about "
              f"{cpu['idle_speedup']:.2f}x. Parent peak memory of 2-worker sweeps of 3-day "
              f"runs: {small} runs {memory[small]:.0f} MB, {large} runs {memory[large]:.0f} MB.", ""]
    fresh_total = median_of(fresh, "setup_s") + median_of(fresh, "loop_s")
    warm_total = median_of(warm, "setup_s") + median_of(warm, "loop_s")
    cells_growth = max(ratio("cells 2.5 km", "cells 5 km"), ratio("cells 1.25 km", "cells 2.5 km"))
    per_unit = max(ratio(f, "forces 1x") / ratio(f, "forces 1x", "units") for f in ("forces 2x", "forces 4x"))
    peak = median_of(fresh, "peak_mb")
    largest = max(r["mb"] for r in scaling.values())
    mark = lambda ok: "met" if ok else "**not met**"  # noqa: E731
    flat = memory[large] <= 1.1 * memory[small]
    lines += ["## Against the targets (issue 19)\n", "| target | measured | |", "|---|---|---|",
              f"| a warm full baseline run under 0.3 s | {warm_total:.2f} s warm ({fresh_total:.2f} s fresh) "
              f"| {mark(warm_total < 0.3)} |",
              f"| the process start (imports) under 0.6 s, no app or plotting stack | {start_s:.2f} s, plotting "
              f"{'loaded' if any(r['plotting'] for r in starts) else 'not loaded'} | "
              f"{mark(start_s < 0.6 and not any(r['plotting'] or r['app'] for r in starts))} |",
              f"| 1,000 full-length runs on 2 workers under 4 minutes | {thousand / 60:.1f} min (from {runs} runs) "
              f"| {mark(thousand < 240)} |",
              f"| 2-worker speed-up at least 1.8x | {t1 / t2:.2f}x | {mark(t1 / t2 >= 1.8)} |",
              f"| unit-steps per s at least 2x Wolf-Sheep's agent-steps | {rate / ws:.2f}x | {mark(rate / ws >= 2)} |",
              f"| run time grows no faster than the units | at most {per_unit:.2f}x the time per unit "
              f"| {mark(per_unit <= 1)} |",
              f"| at most 2x the time for 4x the cells | at most {cells_growth:.2f}x | {mark(cells_growth <= 2)} |",
              f"| peak memory of a run under 300 MB (numba included) | {peak:.0f} MB (baseline; {largest:.0f} MB the "
              "largest in the scaling table) "
              f"| {mark(peak < 300)} |",
              f"| a sweep's parent memory flat in the number of runs | {memory[small]:.0f} MB for {small} runs, "
              f"{memory[large]:.0f} MB for {large} | {mark(flat)} |", ""]
    partial = args.out.with_name(args.out.name + ".partial")  # written whole, then renamed: never half a file
    partial.write_text("\n".join(lines) + "\n", encoding="utf-8")
    partial.replace(args.out)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
