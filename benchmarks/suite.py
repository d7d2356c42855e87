"""The benchmark suite: one command, figures written to benchmarks/RESULTS.md.

Run: ``.venv/bin/python benchmarks/suite.py [--quick]``. Measures, each as the median of several runs:

1. one full baseline run at the default cell size: in a fresh process (set-up included) and warm (as
   in a sweep worker, after the first run); ms per simulated day; unit-steps per second;
2. the same against Mesa's own Wolf-Sheep example, in the same process, as a ratio of unit-steps to
   agent-steps per second;
3. scaling: run time and peak memory at cell sizes 5, 2.5 and 1.25 km (4x the cells each time) and at
   1x, 2x and 4x the forces;
4. a 200-run sweep with 1 and 2 workers (alternating, medians).

Machines here are shared and noisy: read the ratios, not the absolute times.
"""

from __future__ import annotations

import argparse
import json
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


def timed_run(scenario=None, seed: int = 1) -> dict:
    """Build one campaign and run it to its end: set-up and daily loop timed apart, unit-steps counted."""
    from sim.model import CampaignModel

    t0 = time.perf_counter()
    model = CampaignModel(scenario, rng=seed)
    t1 = time.perf_counter()
    unit_steps = 0
    while model.running:
        unit_steps += len(model.units)
        model.step()
    t2 = time.perf_counter()
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
        agent_steps, start = 0, time.perf_counter()
        for _ in range(steps):
            agent_steps += len(model.agents_by_type.get(Wolf, [])) + len(model.agents_by_type.get(Sheep, []))
            model.step()
        rates.append(agent_steps / (time.perf_counter() - start))
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


def sweep_times(runs: int, days: int, repeats: int) -> tuple[float, float]:
    from benchmarks.bench_sweep import sweep, write_spec

    with tempfile.TemporaryDirectory() as folder:
        spec = write_spec(Path(folder), runs, days)
        one, two = [], []
        for _ in range(repeats):
            one.append(sweep(spec, 1)["seconds"])
            two.append(sweep(spec, 2)["seconds"])
    return statistics.median(one), statistics.median(two)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repeats and a smaller sweep")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    args = parser.parse_args()
    repeats = 2 if args.quick else 3
    lines = [f"# Benchmark results\n\nMachine: {platform.machine()}, {platform.processor() or 'cpu'}, "
             f"{platform.python_implementation()} {platform.python_version()}, measured "
             f"{time.strftime('%Y-%m-%d %H:%M')}. Medians; read the ratios, the machine is shared.\n"]
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
    runs, days = (60, 20) if args.quick else (200, 90)
    t1, t2 = sweep_times(runs, days, repeats=2)
    lines += ["## Sweeps\n", f"A {runs}-run sweep of {days}-day runs: 1 worker {t1:.1f} s, 2 workers {t2:.1f} s, "
              f"speed-up **{t1 / t2:.2f}x** (medians of 2 alternating runs).", ""]
    fresh_total = median_of(fresh, "setup_s") + median_of(fresh, "loop_s")
    warm_total = median_of(warm, "setup_s") + median_of(warm, "loop_s")
    cells_growth = max(ratio("cells 2.5 km", "cells 5 km"), ratio("cells 1.25 km", "cells 2.5 km"))
    per_unit = max(ratio(f, "forces 1x") / ratio(f, "forces 1x", "units") for f in ("forces 2x", "forces 4x"))
    peak = median_of(fresh, "peak_mb")
    mark = lambda ok: "met" if ok else "**not met**"  # noqa: E731
    lines += ["## Against the targets (issue 9)\n", "| target | measured | |", "|---|---|---|",
              f"| a full baseline run under 1 s on one core | {fresh_total:.2f} s fresh, {warm_total:.2f} s warm "
              f"| {mark(fresh_total < 1)} |",
              f"| unit-steps per s at least 2x Wolf-Sheep's agent-steps | {rate / ws:.2f}x | {mark(rate / ws >= 2)} |",
              f"| run time grows no faster than the units | at most {per_unit:.2f}x the time per unit "
              f"| {mark(per_unit <= 1)} |",
              f"| at most 2x the time for 4x the cells | at most {cells_growth:.2f}x | {mark(cells_growth <= 2)} |",
              f"| peak memory of a run under 200 MB | {peak:.0f} MB | {mark(peak < 200)} |", ""]
    partial = args.out.with_name(args.out.name + ".partial")  # written whole, then renamed: never half a file
    partial.write_text("\n".join(lines) + "\n", encoding="utf-8")
    partial.replace(args.out)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
