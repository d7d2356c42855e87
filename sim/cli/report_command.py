"""``run.py report DIR``: redraw every figure and table of a results folder from its files alone."""

from __future__ import annotations

from pathlib import Path


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "report", help="redraw the figures and tables of a results folder without re-running",
        description="Read DIR's manifest and tables and redraw every figure (and, for a comparison, "
        "comparison.parquet and its printed table) from them alone.",
    )
    parser.add_argument("folder", type=Path, metavar="DIR")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from sim.experiments.compare import comparison_table
    from sim.experiments.comparison_printout import format_comparison
    from sim.experiments.store import read_manifest, read_table, write_table
    from sim.plots.report import draw_run_figures

    manifest = read_manifest(args.folder)  # refuses a folder that is incomplete or mixes two runs
    figures = draw_run_figures(args.folder)
    names = [s["name"] for s in manifest["scenarios"]]
    summary = read_table(args.folder, "summary")
    if len(names) > 1 and not summary.empty:
        table = comparison_table(summary, names)
        write_table(table, args.folder / "comparison.parquet")
        print(format_comparison(table, days=manifest.get("days")))
    elif not summary.empty:
        from sim.cli.run_command import print_summary_table

        print_summary_table(summary, days=manifest.get("days"))
    print(f"redrew {', '.join(f.name for f in figures)} in {args.folder}/ ({manifest['command']})")
    return 0
