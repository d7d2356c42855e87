"""``run.py scenarios``: list the shipped scenarios; ``scenarios show NAME``: what one changes."""

from __future__ import annotations

import textwrap


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "scenarios", help="list the shipped scenarios, or show one (scenarios show NAME)",
        description="Without arguments, list scenarios/*.toml with their descriptions. "
        "'scenarios show NAME' prints the resolved parameters, rules, relations and events, and what "
        "differs from the baseline. NAME may also be the path of a scenario file.",
    )
    parser.add_argument("action", nargs="?", choices=("list", "show"), default="list")
    parser.add_argument("name", nargs="?", help="scenario name or file (with show)")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from sim.cli.common import UserInputError
    from sim.scenarios import list_scenarios, resolve_scenario

    if args.action == "list":
        for scenario in list_scenarios():
            print(f"{scenario.name}")
            print(textwrap.fill(scenario.description, 96, initial_indent="    ", subsequent_indent="    "))
        return 0
    if not args.name:
        raise UserInputError("scenarios show needs a scenario name or file, e.g. scenarios show no_russian_air")
    show(resolve_scenario(args.name))
    return 0


def show(scenario) -> None:
    from sim.params import DECLARATION
    from sim.scenario import baseline
    from sim.sides import Relations, relation_graph

    reference = baseline()
    changed = scenario.params.differences(reference.params)
    print(f"{scenario.name}" + (f"  ({scenario.path})" if scenario.path else ""))
    print(textwrap.fill(scenario.description, 96, initial_indent="  ", subsequent_indent="  "))
    print("\nDiffers from the baseline:")
    lines = [f"  param {name}: {old} -> {new} {DECLARATION[name].unit}" for name, (old, new) in changed.items()]
    lines += [f"  rule {rule} switched off" for rule in sorted(scenario.rules_off, key=lambda r: int(r[1:]))]
    lines += [f"  relation {a}-{b}: {relation}" for (a, b), relation in sorted(scenario.relations.items())]
    lines += [f"  event {e.date}: {e.kind} " + ", ".join(f"{k}={v}" for k, v in e.details) for e in scenario.events]
    print("\n".join(lines) if lines else "  nothing: this is the baseline")
    print("\nResolved parameters:")
    for name, value in scenario.params.as_dict().items():
        mark = "*" if name in changed else " "
        print(f" {mark} {name} = {value} {DECLARATION[name].unit}")
    graph = relation_graph(scenario.relations)
    print("\nRelations:", ", ".join(f"{a}-{b} {r}" for a, b, r in Relations(graph).edges()),
          "(R1 decides regime-sdf unless set)" if "R1" in scenario.rules_off else "")
