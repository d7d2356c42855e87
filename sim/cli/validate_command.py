"""``run.py validate``: run the baseline N times and score it against the record and the stylized facts."""

from __future__ import annotations

import sys
from pathlib import Path

from sim.cli.common import UserInputError
from sim.cli.run_command import progress_bar
from sim.cli.run_limits import (
    DEFAULT_SEED,
    add_limit_options,
    check_run_count,
    day_count,
    dry_run_line,
    positive_int,
    seed_number,
    whole_number,
    worker_count,
)

DEFAULT_REPLICATIONS = 20
DEFAULT_OUT = Path("results") / "validation"
BOOTSTRAP_MAX = 10_000  # each sample refits the power law: 10,000 is minutes; more is a typing slip


def register(subparsers) -> None:
    """Add the ``validate`` command."""
    parser = subparsers.add_parser(
        "validate",
        help="score the baseline against the historical record and stylized facts; write a scorecard",
        description="Run the baseline (and the historical_incidents scenario, same seeds) N times, store the "
        "runs in DIR/runs/, and write DIR/scorecard.md with its tables (CSV) and figures: the timing of "
        "each dated event of validation/events.csv against the record, the historical order of key "
        "events, the valley split by bank, regime-SDF incidents (R1), the power-law tail of engagement "
        "sizes and Lanchester's square law in a two-unit world.",
    )
    parser.add_argument("--replications", "-n", type=positive_int, default=DEFAULT_REPLICATIONS, metavar="N",
                        help=f"runs per scenario (default {DEFAULT_REPLICATIONS})")
    parser.add_argument("--seed", type=seed_number, default=DEFAULT_SEED, metavar="S",
                        help=f"master seed, 0 to 2^63-1 (default {DEFAULT_SEED})")
    parser.add_argument("--days", type=day_count, default=None, metavar="D",
                        help="simulate only D days (events after that are not scored; default: to the end date)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="DIR",
                        help=f"output folder (default {DEFAULT_OUT})")
    parser.add_argument("--workers", type=positive_int, default=None, metavar="W",
                        help="local worker processes (default: all cores; 1 runs in this process)")
    parser.add_argument("--events", type=Path, default=None, metavar="FILE",
                        help="the record to score against (default validation/events.csv)")
    parser.add_argument("--results", type=Path, default=None, metavar="FOLDER",
                        help="score the baseline runs of an existing results folder instead of running "
                        "(--replications, --seed and --days are then ignored)")
    parser.add_argument("--bootstrap", type=bootstrap_count, default=200, metavar="B",
                        help=f"bootstrap samples for the power-law exponent's interval, 0 to {BOOTSTRAP_MAX} "
                        "(default 200; 0: none)")
    parser.add_argument("--incident-scenario", default="historical_incidents", metavar="NAME",
                        help="the scenario (name or file) whose regime-SDF incidents are set beside the "
                        "baseline's (default historical_incidents; an empty string runs the baseline only)")
    add_limit_options(parser)
    parser.set_defaults(handler=validate)


def bootstrap_count(text: str) -> int:
    return whole_number(text, 0, BOOTSTRAP_MAX)


def validate(args) -> int:
    """Run (or read) the runs, score them, write the scorecard; 1 if some runs failed."""
    from sim.experiments.results_folder import claim, writable
    from sim.validation.harness import BASELINE, UnscorableFolderError, run_for_validation, score_folder
    from sim.validation.records import EVENTS_PATH, read_events
    from sim.validation.scorecard import write_scorecard

    events = read_events(args.events or EVENTS_PATH)
    failed = 0
    workers = worker_count(args.workers, args.replications * 2)
    if args.results is not None:
        folder = args.results
        if not (folder / "manifest.json").exists():
            raise UserInputError(f"{folder} is not a results folder (no manifest.json)")
        incident_scenario = args.incident_scenario
        writable(args.out)
    else:
        from sim.scenarios import resolve_scenario

        scenarios = [resolve_scenario(BASELINE)]
        if args.incident_scenario:
            scenarios.append(resolve_scenario(args.incident_scenario))
        incident_scenario = scenarios[1].name if len(scenarios) > 1 else None
        check_run_count(args.replications * len(scenarios), args.max_runs,
                        f"{len(scenarios)} scenarios x {args.replications} replications")
        folder = claim(args.out / "runs", "validate", " ".join(s.name for s in scenarios), force=args.force)
        if args.dry_run:
            return dry_run_line(args.replications * len(scenarios), "validate", folder)
        bar, tick = progress_bar(args.replications * len(scenarios), "validate")
        results = run_for_validation(
            folder, events, scenarios, replications=args.replications, seed=args.seed, workers=workers,
            days=args.days, command=" ".join(["run.py", *sys.argv[1:]]), progress=tick,
        )
        bar.close()
        failed = sum(not r.ok for r in results)
    try:
        validation = score_folder(folder, events, bootstrap=args.bootstrap, workers=workers,
                                  incident_scenario=incident_scenario)
    except UnscorableFolderError as error:
        raise UserInputError(str(error)) from None
    written = write_scorecard(args.out, validation)
    print_glance(validation)
    print(f"wrote {args.out}/: " + ", ".join(p.name for p in written))
    if failed:
        print(f"error: {failed} runs failed; their tracebacks are in {folder}/manifest.json", file=sys.stderr)
        return 1
    return 0


def print_glance(validation) -> None:
    """The scorecard's summary lines on the terminal."""
    from sim.validation.scorecard import scorecard_glance

    print()
    print(scorecard_glance(validation).replace("**", ""))
