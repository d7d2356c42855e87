"""``run.py params`` and ``run.py rules``: the parameter declaration and the article's rules, and with
``--effects`` what switching each rule off (and each shipped scenario) does to the campaign."""

from __future__ import annotations

from pathlib import Path

from sim.cli.run_limits import MAX_RUNS_DEFAULT, day_count, positive_int, seed_number, whole_number
from sim.randomness import DEFAULT_SEED

DEFAULT_EFFECTS_REPLICATIONS = 20
DEFAULT_EFFECTS_OUT = Path("results") / "rule_effects"


def register(subparsers) -> None:
    params = subparsers.add_parser("params", help="list every parameter: default, unit, range, source",
                                   description="The one declaration every scenario file, flag and app reads.")
    params.add_argument("--group", default=None,
                        help="only this group (run, map, forces, air, combat, ...); an unknown group lists them all")
    params.set_defaults(handler=list_params)
    rules = subparsers.add_parser(
        "rules", help="list the rules R1-R15: statement, paragraphs, code; --effects measures each switch",
        description="The article's rules as the model carries them. With --effects: each rule switched off "
        "alone and each shipped scenario, run with the baseline's seeds (common random numbers), compared run "
        "by run; writes DIR/rule_effects.parquet and DIR/rule_effects.md (each outcome's paired difference "
        "with its 95%% interval, and a flag where a switch changes nothing measurable).")
    rules.add_argument("--effects", action="store_true", help="measure the effect of each switch (runs the model)")
    rules.add_argument("--replications", "-n", type=at_least_two, default=None, metavar="N",
                       help=f"paired runs per variant, at least 2 (default {DEFAULT_EFFECTS_REPLICATIONS})")
    rules.add_argument("--days", type=day_count, default=None, metavar="D",
                       help="simulate only D days from 2017-09-10 (default: the whole period)")
    rules.add_argument("--out", type=Path, default=None, metavar="DIR",
                       help=f"output folder (default {DEFAULT_EFFECTS_OUT})")
    rules.add_argument("--seed", type=seed_number, default=None, metavar="S",
                       help=f"master seed, 0 to 2^63-1 (default {DEFAULT_SEED})")
    rules.add_argument("--workers", type=positive_int, default=None, metavar="W",
                       help="local worker processes (default: all cores; 1 runs in this process)")
    rules.add_argument("--max-runs", type=positive_int, default=MAX_RUNS_DEFAULT, metavar="R",
                       help=f"refuse to start more than R runs (default {MAX_RUNS_DEFAULT})")
    rules.set_defaults(handler=rules_command)


def at_least_two(text: str) -> int:
    """An argparse type: paired intervals need two runs or more."""
    return whole_number(text, 2)


def rules_command(args) -> int:
    """``run.py rules``: the list, or with --effects the measurement."""
    from sim.cli.common import UserInputError

    if args.effects:
        return rule_effects(args)
    options = ("replications", "days", "out", "seed", "workers")
    given = [f"--{name}" for name in options if getattr(args, name) is not None]
    if given:
        raise UserInputError(f"{', '.join(given)} only go with --effects (run.py rules --effects {given[0]} ...)")
    return list_rules(args)


def list_params(args) -> int:
    from sim.cli.common import UserInputError
    from sim.params import PARAMETERS

    groups = list(dict.fromkeys(param.group for param in PARAMETERS))
    if args.group is not None and args.group not in groups:
        raise UserInputError(f"no parameter group {args.group!r}; the groups are: {', '.join(groups)}")
    group = None
    for param in PARAMETERS:
        if args.group and param.group != args.group:
            continue
        if param.group != group:
            group = param.group
            print(f"\n[{group}]")
        rule = f" ({param.rule})" if param.rule else ""
        print(f"  {param.name} = {param.default}{rule}: {param.doc}")
        print(f"      {param.allowed}; source: {param.source}")
    return 0


def rule_effects(args) -> int:
    """Paired runs of every variant against the baseline; the tables and the report."""
    import datetime as dt
    import sys

    import pandas as pd

    from sim.atomic import write_text
    from sim.calendar import day_of
    from sim.cli.run_command import progress_bar
    from sim.cli.run_limits import check_run_count, worker_count
    from sim.experiments.results_folder import writable
    from sim.experiments.rule_effects import REFERENCE, effects_markdown, effects_table, variants
    from sim.experiments.runner import run_many, run_summary, spawn_seeds
    from sim.experiments.store import write_table
    from sim.scenario import baseline

    replications = args.replications or DEFAULT_EFFECTS_REPLICATIONS
    seed = DEFAULT_SEED if args.seed is None else args.seed
    out = args.out or DEFAULT_EFFECTS_OUT
    days = args.days
    if days is not None and days > day_of(baseline().params.end_date):
        days = None  # the whole period anyway
    found = variants()
    scenarios = [baseline(), *(scenario for _, _, scenario in found)]
    names = [REFERENCE, *(name for name, _, _ in found)]
    check_run_count(len(scenarios) * replications, args.max_runs, f"{len(scenarios)} variants x {replications} runs")
    writable(out)
    seeds = spawn_seeds(seed, replications)
    jobs = [(scenario, i, s, days, ()) for scenario in scenarios for i, s in enumerate(seeds)]
    started = dt.datetime.now()
    bar, tick = progress_bar(len(jobs), "rule effects")
    results = run_many(jobs, workers=worker_count(args.workers, len(jobs)), progress=tick, run=run_summary)
    bar.close()
    for result, name in zip(results, [n for n in names for _ in seeds], strict=True):
        result.scenario = name
    summary = pd.DataFrame([{"scenario": r.scenario, "run_id": r.run_id, "seed": r.seed, **r.summary}
                            for r in results if r.ok])
    failed = [r for r in results if not r.ok]
    if summary.empty or REFERENCE not in set(summary["scenario"]):
        print("error: the baseline's runs failed:\n" + (failed[0].error if failed else ""), file=sys.stderr)
        return 1
    table = effects_table(summary, names, {name: change for name, change, _ in found})
    command = " ".join(["python run.py rules --effects", f"--replications {replications}",
                        *([f"--days {days}"] if days else []), *([f"--seed {seed}"] if args.seed is not None else [])])
    report = effects_markdown(table, runs=replications, days=days, seed=seed, command=command)
    write_table(table, out / "rule_effects.parquet")
    write_text(out / "rule_effects.md", report)
    quiet = sorted(set(table.loc[~table["variant_moves"], "scenario"]))
    print(f"{len(found)} variants x {replications} paired runs in {(dt.datetime.now() - started).seconds} s; "
          f"nothing measurable: {', '.join(quiet) or 'none'}")
    print(f"wrote {out}/rule_effects.parquet and rule_effects.md")
    if failed:
        print(f"error: {len(failed)} of {len(results)} runs failed, first:\n{failed[0].error}", file=sys.stderr)
        return 1
    return 0


def list_rules(args) -> int:
    from sim.rules import RULES

    for rule in RULES.values():
        print(f"{rule.id} ({', '.join(rule.paragraphs)}): {rule.statement}")
        print(f"    on:  {rule.does}")
        print(f"    off: {rule.when_off}")
        print(f"    code: {', '.join(rule.functions)}")
    return 0
