"""``run.py compare A B [C ...]``: scenarios run with the same seeds, compared run by run."""

from __future__ import annotations

import sys
from pathlib import Path

from sim.cli.animate_command import animation_path
from sim.cli.run_command import add_run_options, progress_bar
from sim.cli.run_limits import check_run_count, dry_run_line, worker_count


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "compare", help="run scenarios with common random numbers and compare their outcomes",
        description="Run every scenario with the same N seeds (common random numbers) and write the "
        "tables of all runs, comparison.parquet (per outcome and scenario: median, mean, the middle 95%% of "
        "the runs, and the mean paired difference against the first scenario with its 95%% confidence interval) and "
        "figures. Scenarios are shipped names or scenario files. The print-out defines each of its "
        "columns above the table. From Python: sim.experiments.scenario_comparison.compare_scenarios.",
    )
    parser.add_argument("scenarios", nargs="+", metavar="SCENARIO",
                        help="two or more scenarios; the first is the reference")
    add_run_options(parser, default_out=None)
    parser.add_argument("--animate", type=animation_path, default=None, metavar="FILE",
                        help="also render run 0 of the first two scenarios side by side (.gif, or .mp4 with ffmpeg)")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from sim.cli.common import UserInputError
    from sim.experiments.results_folder import claim
    from sim.experiments.scenario_comparison import compare_scenarios, default_folder
    from sim.plots.report import draw_run_figures
    from sim.scenarios import resolve_scenario

    if len(args.scenarios) < 2:
        raise UserInputError("compare needs at least two scenarios, e.g. compare baseline no_russian_air")
    scenarios = [resolve_scenario(name) for name in args.scenarios]  # every file is checked before anything runs
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise UserInputError(f"scenario names must differ to be compared: {', '.join(names)}")
    runs = len(scenarios) * args.replications
    check_run_count(runs, args.max_runs, f"{len(scenarios)} scenarios x {args.replications} replications")
    out = args.out or default_folder(names)
    claim(out, "compare", " ".join(names), force=args.force)  # before anything runs: a bad --out stops here
    if args.dry_run:
        return dry_run_line(runs, f"compare {' '.join(names)}", out)
    bar, tick = progress_bar(runs, "compare")
    comparison = compare_scenarios(scenarios, args.replications, seed=args.seed, days=args.days, out=out,
                                   workers=worker_count(args.workers, runs), progress=tick,
                                   command=" ".join(["run.py", *sys.argv[1:]]))
    bar.close()
    if comparison.summary.empty:
        print("error: every run failed; see manifest.json", file=sys.stderr)
        return 1
    figures = draw_run_figures(out)
    if args.animate:
        figures.append(animate_pair(scenarios[:2], args.seed, args.days, args.animate))
    print(comparison.printout())
    print(f"\nwrote {out}/: comparison.parquet, the run tables, " + ", ".join(f.name for f in figures))
    if comparison.failed:
        print(f"error: {comparison.failed} of {len(comparison.results)} runs failed; see {out}/manifest.json",
              file=sys.stderr)
        return 1
    return 0


def animate_pair(scenarios, seed: int, days: int | None, out: Path) -> Path:
    """Run 0 of two scenarios (the same seed: common random numbers), side by side, as an animation."""
    from sim.cli.animate_command import run_for_animation
    from sim.geography import load_map
    from sim.geography.export import MapBackdrop
    from sim.plots.animation import animate_side_by_side

    left, right = (run_for_animation(s, seed, days) for s in scenarios)
    backdrop = MapBackdrop.from_layers(load_map(scenarios[0].params.cell_km))
    return animate_side_by_side(left, right, backdrop, out)
