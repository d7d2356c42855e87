"""How much one command may run: a cap on runs (raised with ``--max-runs``) and on worker processes,
both checked before anything runs, and the options every running command shares."""

from __future__ import annotations

import argparse
import os
import sys

from sim.cli.common import UserInputError
from sim.experiments.design import DAYS_MAX, SEED_MAX
from sim.randomness import DEFAULT_SEED  # noqa: F401  (the commands' default master seed, declared once)

MAX_RUNS_DEFAULT = 10_000  # a full baseline is ~2 s a run: 10,000 runs are hours on a laptop's cores


def whole_number(text: str, minimum: int = 1, maximum: int | None = None) -> int:
    """An argparse type: a whole number from ``minimum`` up to ``maximum``."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < minimum or (maximum is not None and value > maximum):
        upper = f" and at most {maximum}" if maximum is not None else ""
        raise argparse.ArgumentTypeError(f"expected a number of at least {minimum}{upper}, got {value}")
    return value


def positive_int(text: str) -> int:
    return whole_number(text, 1)


def non_negative_int(text: str) -> int:
    return whole_number(text, 0)


def seed_number(text: str) -> int:
    """A master seed: a whole number from 0 to 2^63 - 1."""
    return whole_number(text, 0, SEED_MAX)


def day_count(text: str) -> int:
    """Days to simulate: from 1 up to ``DAYS_MAX``."""
    return whole_number(text, 1, DAYS_MAX)


def add_limit_options(parser: argparse.ArgumentParser) -> None:
    """``--max-runs`` and ``--force``, for every command that runs the model into an output folder."""
    parser.add_argument("--max-runs", type=positive_int, default=MAX_RUNS_DEFAULT, metavar="R",
                        help=f"refuse to start more than R runs (default {MAX_RUNS_DEFAULT}); raise it on purpose")
    parser.add_argument("--force", action="store_true",
                        help="write into --out even if it holds other files or another command's results")
    parser.add_argument("--dry-run", action="store_true",
                        help="check the input, the run count and the output folder, say what would run, and stop")


def dry_run_line(runs: int, what: str, out) -> int:
    """What a dry run says instead of running; exit code 0."""
    print(f"dry run: {what}: {runs} runs into {out}; input and output folder checked, nothing run")
    return 0


def check_run_count(runs: int, limit: int, what: str) -> None:
    """Refuse a command that would start more than ``limit`` runs, before anything runs."""
    if runs > limit:
        raise UserInputError(f"{what} is {runs:,} runs, over the limit of {limit:,}; lower it, or pass "
                             f"--max-runs {runs} if you mean it")


def worker_count(requested: int | None, runs: int) -> int:
    """Worker processes for ``runs`` runs: by default every core; never more than the runs or the cores
    (a warning says so when an asked-for number is cut)."""
    cores = os.cpu_count() or 1
    sensible = max(1, min(cores, runs))
    if requested is None:
        return sensible
    if requested > sensible:
        print(f"warning: --workers {requested} cut to {sensible} ({runs} runs on {cores} cores)", file=sys.stderr)
        return sensible
    return requested
