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


DEFAULT_SCENARIOS = ("baseline", "historical")


def register(subparsers) -> None:
    """Add the ``validate`` command."""
    parser = subparsers.add_parser(
        "validate",
        help="score scenarios (baseline and historical) against the historical record; write scorecards",
        description="Run the scenarios to score (default: baseline and the historical hindcast), and the "
        "historical_incidents scenario, N times each with the same seeds, store the runs in DIR/runs/, and "
        "write DIR/<scenario>/scorecard.md with its tables (CSV) and figures for each scored scenario: the "
        "timing of each dated event of validation/events.csv against the record (error of the median, runs "
        "within tolerance, coverage of the 10-90% band, CRPS), the historical order of key events, the valley "
        "split by bank, ISIS's held valley over time, regime-SDF incidents (R1), the power-law tail of "
        "engagement sizes and Lanchester's square law in a two-unit world; and DIR/side_by_side.md (.csv) "
        "with each scenario's headline numbers.",
    )
    parser.add_argument("--scenario", action="append", default=None, metavar="NAME", dest="scenarios",
                        help="a scenario to score (name or file; repeat for several; default: baseline and "
                        "historical)")
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
                        help="score the runs of an existing results folder instead of running "
                        "(--replications, --seed and --days are then ignored)")
    parser.add_argument("--bootstrap", type=bootstrap_count, default=200, metavar="B",
                        help=f"bootstrap samples for the power-law exponent's interval, 0 to {BOOTSTRAP_MAX} "
                        "(default 200; 0: none)")
    parser.add_argument("--incident-scenario", default="historical_incidents", metavar="NAME",
                        help="the scenario (name or file) whose regime-SDF incidents are set beside the "
                        "scored scenario's (default historical_incidents; an empty string runs none)")
    add_limit_options(parser)
    parser.set_defaults(handler=validate)


def bootstrap_count(text: str) -> int:
    return whole_number(text, 0, BOOTSTRAP_MAX)


def validate(args) -> int:
    """Run (or read) the runs, score each scenario, write the scorecards; 1 if some runs failed."""
    from sim.experiments.results_folder import claim, writable
    from sim.validation.harness import UnscorableFolderError, run_for_validation, score_folder
    from sim.validation.records import EVENTS_PATH, read_events
    from sim.validation.scorecard import write_scorecard, write_side_by_side

    events = read_events(args.events or EVENTS_PATH)
    failed = 0
    workers = worker_count(args.workers, args.replications * 2)
    if args.results is not None:
        folder = args.results
        if not (folder / "manifest.json").exists():
            raise UserInputError(f"{folder} is not a results folder (no manifest.json)")
        names = list(args.scenarios or DEFAULT_SCENARIOS)
        incident_scenario = args.incident_scenario
        writable(args.out)
    else:
        from sim.scenarios import resolve_scenario

        scored = [resolve_scenario(name) for name in (args.scenarios or DEFAULT_SCENARIOS)]
        names = list(dict.fromkeys(s.name for s in scored))
        scenarios = list({s.name: s for s in scored}.values())
        if args.incident_scenario:
            extra = resolve_scenario(args.incident_scenario)
            if extra.name not in names:
                scenarios.append(extra)
        incident_scenario = resolve_scenario(args.incident_scenario).name if args.incident_scenario else None
        check_run_count(args.replications * len(scenarios), args.max_runs,
                        f"{len(scenarios)} scenarios x {args.replications} replications")
        folder = claim(args.out / "runs", "validate", " ".join(s.name for s in scenarios), force=args.force)
        if args.dry_run:
            return dry_run_line(args.replications * len(scenarios), "validate", folder)
        bar, tick = progress_bar(args.replications * len(scenarios), "validate")
        results = run_for_validation(
            folder, events, scenarios, replications=args.replications, seed=args.seed, workers=workers,
            days=args.days, command=" ".join(["run.py", *sys.argv[1:]]), progress=tick, scored=tuple(names),
        )
        bar.close()
        failed = sum(not r.ok for r in results)
    validations = []
    for name in names:
        try:
            validations.append(score_folder(folder, events, bootstrap=args.bootstrap, workers=workers,
                                            incident_scenario=incident_scenario, scenario=name))
        except UnscorableFolderError as error:
            raise UserInputError(str(error)) from None
    written = []
    for validation in validations:
        written += write_scorecard(args.out / validation.scenario, validation)
        print_glance(validation)
    written += write_side_by_side(args.out, validations)
    print(f"wrote {args.out}/: " + ", ".join(str(p.relative_to(args.out)) for p in written if p.suffix == ".md"))
    if failed:
        print(f"error: {failed} runs failed; their tracebacks are in {folder}/manifest.json", file=sys.stderr)
        return 1
    return 0


def print_glance(validation) -> None:
    """The scorecard's summary lines on the terminal."""
    from sim.validation.scorecard import scorecard_glance

    print()
    print(scorecard_glance(validation).replace("**", ""))
