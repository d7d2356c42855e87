"""Finding scenarios by name or path."""

from __future__ import annotations

from sim.cli.common import UserInputError
from sim.scenario import Scenario, baseline


def resolve_scenario(name_or_path: str) -> Scenario:
    if name_or_path == "baseline":
        return baseline()
    raise UserInputError(f"unknown scenario {name_or_path!r}; available: baseline")
