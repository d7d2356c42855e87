"""Run the model: one run, or a replicate set of runs with seeds spawned from one master seed.

One run is a function from (scenario, seed) to a ``RunResult`` holding its tables, its summary of
outcomes and its map snapshots; a run that raises is kept as a failed result with its traceback,
so a set always finishes. Replicates can run in parallel on a local process pool (joblib's loky,
which also works from notebooks); the numbers do not depend on how they are run.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, as_completed
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from sim.calendar import day_of
from sim.scenario import Scenario

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class RunResult:
    scenario: str
    run_id: int
    seed: int
    status: str  # "ok" or "failed"
    seconds: float
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    summary: dict[str, float] = field(default_factory=dict)
    snapshots: dict[int, dict] = field(default_factory=dict)
    error: str | None = None
    days: int = 0

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def spawn_seeds(master_seed: int, count: int) -> list[int]:
    """``count`` independent run seeds from one master seed (numpy SeedSequence), the same for every
    scenario, so runs with the same index are paired (common random numbers)."""
    children = np.random.SeedSequence(master_seed).spawn(count)
    return [int(child.generate_state(1, dtype=np.uint32)[0]) for child in children]


def default_snapshot_days(scenario: Scenario, days: int | None) -> list[int]:
    """Map dates: day 0, the city's fall (2017-11-03), phase 2 (2018-03-01), a year in, and the end."""
    from datetime import date

    end = min(day_of(scenario.params.end_date), days if days is not None else 10**9)
    marks = [0, day_of(date(2017, 11, 3)), day_of(scenario.params.sdf_phase2_date), day_of(date(2018, 9, 10)), end]
    return sorted({d for d in marks if 0 <= d <= end})


def run_one(
    scenario: Scenario, run_id: int, seed: int, days: int | None = None, snapshot_days: Iterable[int] = ()
) -> RunResult:
    """One run of a scenario with a seed; exceptions become a failed result."""
    from sim.model import CampaignModel
    from sim.outcomes import summarize

    started = time.perf_counter()
    try:
        model = CampaignModel(scenario, rng=seed, days=days, snapshot_days=tuple(snapshot_days))
        model.run()
        tables = model.recorder.tables(scenario.name, run_id, seed)
        summary = summarize(model, tables)
        model.release()
        return RunResult(
            scenario.name,
            run_id,
            seed,
            "ok",
            time.perf_counter() - started,
            tables,
            summary,
            model.recorder.snapshots,
            days=model.day,
        )
    except Exception:  # a failing run is recorded and the others go on
        return RunResult(
            scenario.name, run_id, seed, "failed", time.perf_counter() - started, error=traceback.format_exc()
        )


def run_summary(
    scenario: Scenario, run_id: int, seed: int, days: int | None = None, snapshot_days: Iterable[int] = ()
) -> RunResult:
    """``run_one`` keeping only the summary of outcomes (for many runs whose tables are not written)."""
    result = run_one(scenario, run_id, seed, days, snapshot_days)
    result.tables, result.snapshots = {}, {}
    return result


def run_many(
    jobs: list[tuple],
    *,
    workers: int = 1,
    executor: Executor | None = None,
    progress: Callable[[RunResult], None] | None = None,
    run: Callable[..., RunResult] = run_one,
) -> list[RunResult]:
    """Run ``jobs`` (argument tuples for ``run``, by default ``run_one``) in-process, on a local pool of
    ``workers`` processes, or on a given executor; results come back in job order."""
    results: list[RunResult | None] = [None] * len(jobs)
    if executor is None and workers > 1:
        from sim.experiments.worker_lifetime import local_pool

        executor = local_pool(workers)
    if executor is None:
        for i, job in enumerate(jobs):
            results[i] = run(*job)
            if progress:
                progress(results[i])
        return results
    futures = {executor.submit(run, *job): i for i, job in enumerate(jobs)}
    for future in as_completed(futures):
        results[futures[future]] = future.result()
        if progress:
            progress(results[futures[future]])
    return results


def replicate(
    scenario: Scenario,
    replications: int,
    master_seed: int,
    *,
    days: int | None = None,
    workers: int = 1,
    progress: Callable[[RunResult], None] | None = None,
    snapshot_days: Iterable[int] | None = None,
) -> list[RunResult]:
    """A replicate set: ``replications`` runs of one scenario with seeds spawned from ``master_seed``."""
    snaps = list(default_snapshot_days(scenario, days) if snapshot_days is None else snapshot_days)
    seeds = spawn_seeds(master_seed, replications)
    jobs = [(scenario, i, seed, days, snaps) for i, seed in enumerate(seeds)]
    return run_many(jobs, workers=workers, progress=progress)
