"""``run.py run``: replications of a scenario, with tables, figures and a manifest."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from sim.cli.run_limits import (
    DEFAULT_SEED,
    add_limit_options,
    check_run_count,
    day_count,
    dry_run_line,
    positive_int,
    seed_number,
    worker_count,
)

MAIN_JOB = ["run", "baseline"]
DEFAULT_REPLICATIONS = 20


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "run",
        help="run a scenario N times; write tables, figures and a manifest",
        description="Run a scenario (a shipped name or a scenario file) with replications whose seeds "
        "are spawned from one master seed, and write DIR/manifest.json, timeseries.parquet, "
        "events.parquet, control.parquet, log.parquet, summary.parquet, snapshots.npz, layers.npz and figures "
        "(maps, territory, key places); every file is described in README.md.",
    )
    add_run_options(parser, default_out=None)
    parser.add_argument("scenario", nargs="?", default="baseline", help="scenario name or file (default: baseline)")
    parser.set_defaults(handler=run)


def add_run_options(parser, default_out) -> None:
    parser.add_argument(
        "--replications",
        "-n",
        type=positive_int,
        default=DEFAULT_REPLICATIONS,
        metavar="N",
        help=f"runs per scenario (default {DEFAULT_REPLICATIONS})",
    )
    parser.add_argument("--seed", type=seed_number, default=DEFAULT_SEED, metavar="S",
                        help=f"master seed, 0 to 2^63-1 (default {DEFAULT_SEED})")
    parser.add_argument(
        "--days",
        type=day_count,
        default=None,
        metavar="D",
        help="simulate only D days from 2017-09-10 (default: to the scenario's end_date)",
    )
    parser.add_argument(
        "--out", type=Path, default=default_out, metavar="DIR", help="output folder (default: results/<scenario>)"
    )
    parser.add_argument(
        "--workers",
        type=positive_int,
        default=None,
        metavar="W",
        help="local worker processes (default: all cores, at most one per run; 1 runs in this process)",
    )
    add_limit_options(parser)


def progress_bar(total: int, label: str):
    from tqdm import tqdm

    bar = tqdm(total=total, desc=label, unit="run", file=sys.stderr, disable=total <= 1 and not sys.stderr.isatty())

    def tick(result) -> None:
        bar.update(1)
        if not result.ok:
            bar.write(f"run {result.run_id} (seed {result.seed}) failed: {result.error.strip().splitlines()[-1]}")

    return bar, tick


def run(args) -> int:
    from sim.experiments.results_folder import claim
    from sim.experiments.runner import replicate
    from sim.experiments.store import write_results
    from sim.names import path_inside
    from sim.plots.report import draw_run_figures
    from sim.scenarios import resolve_scenario

    scenario = resolve_scenario(args.scenario)
    check_run_count(args.replications, args.max_runs, f"{args.replications} replications of {scenario.name}")
    out = args.out or path_inside(Path("results"), scenario.name)
    claim(out, "run", scenario.name, force=args.force)  # before anything runs: a bad --out stops here
    if args.dry_run:
        return dry_run_line(args.replications, f"run {scenario.name}", out)
    workers = worker_count(args.workers, args.replications)
    started = dt.datetime.now()
    bar, tick = progress_bar(args.replications, scenario.name)
    results = replicate(scenario, args.replications, args.seed, days=args.days, workers=workers, progress=tick)
    bar.close()
    write_results(
        out,
        [scenario],
        results,
        master_seed=args.seed,
        started=started,
        command=" ".join(["run.py", *sys.argv[1:]]),
        days=args.days,
    )
    figures = draw_run_figures(out)
    print_summary(results, args.days)
    print(
        f"wrote {out}/: manifest.json, timeseries, events, control, log, airstrikes, summary (.parquet), "
        "snapshots.npz, layers.npz, "
        + ", ".join(f.name for f in figures)
    )
    failed = sum(not r.ok for r in results)
    if failed:
        print(
            f"error: {failed} of {len(results)} runs failed; their tracebacks are in {out}/manifest.json",
            file=sys.stderr,
        )
        return 1
    return 0


def print_summary(results, days: int | None = None) -> None:
    import numpy as np
    import pandas as pd

    good = [r for r in results if r.ok]
    if good:
        summary = pd.DataFrame([{"scenario": r.scenario, "run_id": r.run_id, **r.summary} for r in good])
        print_summary_table(summary, float(np.median([r.seconds for r in good])), days)


def print_summary_table(summary, seconds: float | None = None, days: int | None = None) -> None:
    """Each outcome's median, mean and middle 95% of the runs of a summary table, labelled and with units."""
    from sim.experiments.compare import comparison_table
    from sim.experiments.comparison_printout import format_comparison

    timing = f", median {seconds:.2f} s per run" if seconds is not None else ""
    print(f"\n{summary['scenario'].iloc[0]}: {len(summary)} runs{timing}")
    print(format_comparison(comparison_table(summary), days=days))
