"""What every command shares: options generated from the parameter declaration, and user errors."""

from __future__ import annotations

import argparse

from sim.datafiles import DataFileError
from sim.experiments.design import SweepError
from sim.experiments.results_folder import FolderError
from sim.names import OutputPathError
from sim.params import DECLARATION, ParamError
from sim.rules import RuleError
from sim.scenarios import ScenarioError
from sim.sides import RelationError


class UserInputError(ValueError):
    """Bad input from the command line that is not a data-file problem."""


def user_errors() -> tuple[type[Exception], ...]:
    """Exceptions that mean "the input is wrong" (exit 2, no traceback), not "the program is wrong"."""
    return (DataFileError, FolderError, OutputPathError, ParamError, RuleError, RelationError, ScenarioError,
            SweepError, UserInputError)


def param_option(parser: argparse.ArgumentParser, name: str, *, default_none: bool = True) -> None:
    """Add ``--name-with-dashes`` for a declared parameter, checked against its declaration."""
    param = DECLARATION[name]

    def parse(text: str):
        value: object = text
        if param.kind in (int, float):
            try:
                value = float(text)
            except ValueError:
                raise argparse.ArgumentTypeError(f"expected {param.allowed}") from None
        try:
            return param.check(value)
        except ParamError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    parser.add_argument(
        "--" + name.replace("_", "-"),
        type=parse,
        default=None if default_none else param.default,
        metavar=param.unit.upper() or "VALUE",
        help=f"{param.doc} {param.allowed}; default {param.default} ({param.source}).",
    )
