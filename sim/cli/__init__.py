"""The command line: ``python run.py COMMAND [options]`` (``python run.py --help`` lists them).

Each command lives in its own module with ``register(subparsers)``; bad input of any kind
(scenario files, parameters, geography data) ends with one clear message and exit code 2.
"""

from __future__ import annotations

import argparse
import os
import sys

from sim.cli import (
    animate_command,
    calibrate_command,
    compare_command,
    map_command,
    reference_commands,
    report_command,
    run_command,
    scenarios_command,
    sweep_command,
    validate_command,
    viz_command,
)
from sim.cli.common import UserInputError, user_errors

COMMANDS = (
    run_command, compare_command, scenarios_command, report_command, sweep_command, validate_command,
    calibrate_command, viz_command, animate_command, map_command, reference_commands,
)
DEFAULT_COMMAND = run_command.MAIN_JOB


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="run.py",
        description="Agent-based simulation of the battle for Deir ez-Zor and the middle Euphrates "
        "valley, 2017-2019. With no command, runs the main job.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(argv or DEFAULT_COMMAND)
    try:
        return int(args.handler(args) or 0)
    except BrokenPipeError:  # output piped into head and the like: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except user_errors() as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except UserInputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except OSError as error:  # a file or folder the command was pointed at cannot be read or written
        where = f": {error.filename}" if error.filename else ""
        print(f"error: {error.strerror or error}{where}", file=sys.stderr)
        return 2
