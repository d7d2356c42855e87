"""``run.py params`` and ``run.py rules``: the parameter declaration and the article's rules."""

from __future__ import annotations


def register(subparsers) -> None:
    params = subparsers.add_parser("params", help="list every parameter: default, unit, range, source",
                                   description="The one declaration every scenario file, flag and app reads.")
    params.add_argument("--group", default=None,
                        help="only this group (run, map, forces, air, combat, ...); an unknown group lists them all")
    params.set_defaults(handler=list_params)
    rules = subparsers.add_parser("rules", help="list the rules R1-R15: statement, paragraphs, code",
                                  description="The article's rules as the model carries them.")
    rules.set_defaults(handler=list_rules)


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


def list_rules(args) -> int:
    from sim.rules import RULES

    for rule in RULES.values():
        print(f"{rule.id} ({', '.join(rule.paragraphs)}): {rule.statement}")
        print(f"    on:  {rule.does}")
        print(f"    off: {rule.when_off}")
        print(f"    code: {', '.join(rule.functions)}")
    return 0
