"""``run.py sweep SPEC`` and ``run.py analyze DIR``: parameter sweeps and their sensitivity analysis."""

from __future__ import annotations

import sys
from pathlib import Path

from sim.cli.run_limits import add_limit_options, check_run_count, dry_run_line, positive_int, worker_count
from sim.experiments.sweep import SCHEDULER_TIMEOUT_SECONDS


def register(subparsers) -> None:
    sweep = subparsers.add_parser(
        "sweep", help="run a parameter sweep (grid, Latin hypercube, Sobol, Morris) locally or on Dask",
        description="Run every point of SPEC's design, each replicated, writing one Parquet file per run as "
        "it finishes (DIR/runs/), DIR/results.parquet at the end and DIR/manifest.json. SPEC is a file or "
        "the name of one in sweeps/.",
    )
    sweep.add_argument("spec", metavar="SPEC")
    sweep.add_argument("--out", type=Path, default=None, metavar="DIR",
                       help="output folder (default: results/sweep_<name>)")
    where = sweep.add_mutually_exclusive_group()
    where.add_argument("--workers", type=positive_int, default=None, metavar="N",
                       help="local worker processes (default: all cores; 1 runs in this process)")
    where.add_argument("--scheduler", default=None, metavar="ADDRESS",
                       help="a Dask scheduler (tcp://HOST:PORT; one that does not answer within "
                       f"{SCHEDULER_TIMEOUT_SECONDS} s stops the sweep), or 'local' to start a LocalCluster here")
    sweep.add_argument("--resume", action="store_true", help="finish an interrupted sweep in DIR")
    add_limit_options(sweep)
    sweep.set_defaults(handler=run_sweep_command)
    analyze = subparsers.add_parser(
        "analyze", help="sensitivity analysis of a finished sweep (Sobol, Morris, rank correlations)",
        description="Align the experiments and outcomes of DIR on one index, compute sensitivity indices and "
        "draw main effects, a two-factor heatmap and an index chart into DIR/analysis/.",
    )
    analyze.add_argument("folder", type=Path, metavar="DIR")
    analyze.set_defaults(handler=analyze_command)


def run_sweep_command(args) -> int:
    from tqdm import tqdm

    from sim.cli.common import UserInputError
    from sim.experiments.design import expected_size, load_sweep
    from sim.experiments.results_folder import claim
    from sim.experiments.sweep import SweepStateError, check_scheduler_address, run_sweep
    from sim.names import path_inside

    spec = load_sweep(args.spec)  # every mistake in the spec stops here, before anything runs
    total = expected_size(spec) * spec.replications
    check_run_count(total, args.max_runs, f"sweep {spec.name} ({expected_size(spec)} points x {spec.replications} "
                    "replications)")
    if args.scheduler:
        try:
            check_scheduler_address(args.scheduler)
        except SweepStateError as error:
            raise UserInputError(str(error)) from None
    out = args.out or path_inside(Path("results"), f"sweep_{spec.name}")
    claim(out, "sweep", spec.name, force=args.force)
    if args.dry_run:
        return dry_run_line(total, f"sweep {spec.name}", out)
    workers = None if args.scheduler and args.workers is None else worker_count(args.workers, total)
    where = f"Dask at {args.scheduler}" if args.scheduler else f"{workers} local worker(s)"
    print(f"sweep {spec.name}: {spec.design} design, {expected_size(spec)} points x {spec.replications} "
          f"replications = {total} runs on {where} -> {out}")
    bar = tqdm(total=total, unit="run", file=sys.stderr, desc=spec.name)

    def tick(row, finished, todo):
        if finished == 1:
            bar.update(total - todo)  # runs already on disk (resume)
        bar.update(1)
        if row["status"] != "ok":
            bar.write(f"run {row['run_id']} (point {row['point_id']}) failed: {row['error'].strip().splitlines()[-1]}")

    try:
        report = run_sweep(spec, out, workers=workers, scheduler=args.scheduler, resume=args.resume, progress=tick,
                           command=" ".join(["run.py", *sys.argv[1:]]))
    except SweepStateError as error:
        raise UserInputError(str(error)) from None
    finally:
        bar.close()
    print(report.line())
    if report.failed:
        print(f"error: {report.failed} runs failed; their tracebacks are in {out}/manifest.json", file=sys.stderr)
        return 1
    return 0


def analyze_command(args) -> int:
    from sim.experiments.analyze import analyze
    from sim.plots.sweep import plot_heatmap, plot_indices, plot_main_effects

    analysis = analyze(args.folder)  # refuses a folder that is not a finished, complete sweep
    folder = args.folder / "analysis"
    written = analysis.save(folder)
    written.append(plot_main_effects(analysis, folder / "main_effects.png"))
    written.append(plot_indices(analysis, folder / "indices.png"))
    first = analysis.outcomes.columns[0]
    heatmap = plot_heatmap(analysis, first, folder / "heatmap.png")
    if heatmap:
        written.append(heatmap)
    print(analysis.indices.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    for name, count in analysis.censored.items():
        if count:
            print(f"note: {name} never happened in {count} runs; counted as the day after the end")
    print(f"wrote {', '.join(p.name for p in written)} in {folder}/")
    return 0
