"""``run.py calibrate [SPEC]``: the calibration sweep, scored against the calibration targets."""

from __future__ import annotations

import sys
from pathlib import Path

from sim.cli.run_limits import add_limit_options, check_run_count, dry_run_line, positive_int, worker_count

DEFAULT_SPEC = "sweeps/calibration.toml"


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "calibrate", help="run the calibration sweep and rank its points by the calibration score",
        description="Run a sweep over the free parameters (default sweeps/calibration.toml), score every point "
        "against the calibration targets of validation/events.csv (mean absolute error in days; the check "
        "events are never used), and write DIR/calibration.md, calibration.csv, score.png and calibrated.toml "
        "(the best point as a scenario). The current defaults are run with the same seeds for comparison.",
    )
    parser.add_argument("spec", nargs="?", default=DEFAULT_SPEC, metavar="SPEC")
    parser.add_argument("--out", type=Path, default=Path("results/calibration"), metavar="DIR")
    parser.add_argument("--workers", type=positive_int, default=None, metavar="N",
                        help="local worker processes (default: all cores)")
    parser.add_argument("--resume", action="store_true", help="finish an interrupted calibration sweep")
    add_limit_options(parser)
    parser.set_defaults(handler=run)


def run(args) -> int:
    import pandas as pd
    from tqdm import tqdm

    from sim.atomic import atomic_path, write_text
    from sim.cli.common import UserInputError
    from sim.experiments.design import expected_size, load_sweep
    from sim.experiments.results_folder import claim
    from sim.experiments.runner import replicate
    from sim.experiments.sweep import SweepStateError, run_sweep
    from sim.plots.sweep import plot_scores
    from sim.validation.calibration import (
        CalibrationError,
        calibration_targets,
        horizon,
        scenario_text,
        score_points,
        write_report,
    )
    from sim.validation.records import read_events

    spec = load_sweep(args.spec)
    events = read_events()
    try:
        needed = set(calibration_targets(events, horizon(spec)).values())
    except CalibrationError as error:
        raise UserInputError(str(error)) from None
    missing = sorted(needed - set(spec.outcomes))
    if missing:
        raise UserInputError(f"{spec.path}: outcomes: the calibration targets need {', '.join(missing)}")
    total = expected_size(spec) * spec.replications
    check_run_count(total + spec.replications, args.max_runs, f"calibration sweep {spec.name}")
    claim(args.out, "sweep", spec.name, force=args.force)
    if args.dry_run:
        return dry_run_line(total + spec.replications, f"calibration sweep {spec.name}", args.out)
    workers = worker_count(args.workers, total)
    bar = tqdm(total=total, unit="run", file=sys.stderr, desc="calibration")
    try:
        report = run_sweep(spec, args.out, workers=workers, resume=args.resume,
                           progress=lambda row, done, todo: bar.update(1 if done > 1 else 1 + total - todo),
                           command=" ".join(["run.py", *sys.argv[1:]]))
    except SweepStateError as error:
        raise UserInputError(str(error)) from None
    finally:
        bar.close()
    results = pd.read_parquet(report.results)
    points = pd.read_parquet(args.out / "design.parquet")
    ranked = score_points(results, events, horizon(spec))
    defaults = replicate(spec.scenario, spec.replications, spec.seed, days=spec.days,
                         workers=worker_count(args.workers, spec.replications))
    reference = pd.DataFrame([{"point_id": "defaults", "run_id": f"defaults/{r.run_id}", **r.summary}
                              for r in defaults if r.ok])
    default_score = float(score_points(reference, events, horizon(spec))["score_days"].iloc[0])
    table = ranked.merge(points, on="point_id")
    with atomic_path(args.out / "calibration.csv") as temporary:
        table.to_csv(temporary, index=False)
    factors = [f.name for f in spec.factors]
    best = table.iloc[0]
    write_text(args.out / "calibrated.toml", scenario_text("calibrated", {f: best[f] for f in factors},
                                                           best["score_days"], spec.name))
    write_report(args.out, spec, points, ranked, default_score)
    plot_scores(table, factors, default_score, args.out / "score.png")
    print(f"{report.line()}\ncalibration score: current defaults {default_score:.1f} days, best point "
          f"{best['score_days']:.1f} days ({', '.join(f'{f} = {best[f]}' for f in factors)})")
    print(f"wrote {args.out}/calibration.md, calibration.csv, score.png, calibrated.toml")
    return 1 if report.failed else 0
