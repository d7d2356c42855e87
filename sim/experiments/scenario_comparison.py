"""``compare_scenarios``: the Python twin of ``run.py compare``. Scenarios run with the same seeds
(common random numbers), their tables written to a results folder, and the comparison returned.

    from sim.experiments.scenario_comparison import compare_scenarios
    comparison = compare_scenarios(["baseline", "no_russian_air"], replications=10)
    comparison.table        # per outcome and scenario: median, mean, range of runs, paired difference
    comparison.summary      # one row per run with its outcomes
    print(comparison.printout())
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.experiments.compare import comparison_table
from sim.experiments.runner import RunResult, default_snapshot_days, run_many, spawn_seeds
from sim.experiments.store import read_table, write_results, write_table
from sim.names import path_inside
from sim.randomness import DEFAULT_SEED
from sim.scenario import Scenario
from sim.scenarios import resolve_scenario


@dataclass
class Comparison:
    """A finished comparison: its folder, the comparison table, the per-run summary and the runs."""

    folder: Path
    table: pd.DataFrame
    summary: pd.DataFrame
    results: list[RunResult]
    days: int | None

    @property
    def failed(self) -> int:
        return sum(not r.ok for r in self.results)

    def printout(self) -> str:
        """The comparison as ``run.py compare`` prints it, with the definitions of its intervals."""
        from sim.experiments.comparison_printout import format_comparison

        return format_comparison(self.table, days=self.days)


def default_folder(names: list[str]) -> Path:
    return path_inside(Path("results"), "compare_" + "_vs_".join(names[:3]))


def compare_scenarios(
    scenarios: list[str | Scenario],
    replications: int = 20,
    *,
    seed: int = DEFAULT_SEED,
    days: int | None = None,
    out: str | Path | None = None,
    workers: int = 1,
    progress: Callable[[RunResult], None] | None = None,
    command: str = "sim.experiments.scenario_comparison.compare_scenarios",
) -> Comparison:
    """Run every scenario (names, files or ``Scenario`` objects; the first is the reference)
    ``replications`` times with the same seeds, write the results folder (default
    ``results/compare_A_vs_B``) with ``comparison.parquet``, and return the comparison."""
    resolved = [s if isinstance(s, Scenario) else resolve_scenario(s) for s in scenarios]
    names = [s.name for s in resolved]
    if len(resolved) < 2 or len(set(names)) != len(names):
        raise ValueError(f"compare needs two or more scenarios with different names, got {names}")
    folder = Path(out) if out is not None else default_folder(names)
    for name in names:  # each names figures in the folder (timeline_<name>.png): refused before anything runs
        path_inside(folder, f"timeline_{name}.png")
    seeds = spawn_seeds(seed, replications)
    jobs = [(s, i, run_seed, days, default_snapshot_days(s, days))
            for s in resolved for i, run_seed in enumerate(seeds)]
    started = dt.datetime.now()
    results = run_many(jobs, workers=workers, progress=progress)
    write_results(folder, resolved, results, master_seed=seed, started=started, command=command, days=days)
    summary = read_table(folder, "summary")
    table = comparison_table(summary, names) if not summary.empty else pd.DataFrame()
    if not summary.empty:
        write_table(table, folder / "comparison.parquet")  # derived: written after the sealed manifest
    return Comparison(folder, table, summary, results, days)
