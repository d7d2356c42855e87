"""A scenario: a name, the question it asks, and its changes from the baseline.

Changes are parameter values (checked against the one declaration in ``sim/params``), rule
switches by id (R1-R15), relation edges between sides, and dated events. ``sim/scenarios.py``
reads them from TOML files; this module holds the resolved, frozen object the model runs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sim.params import Params
from sim.rules import RuleBook

EVENT_KINDS = {
    "pause": "the side's operations pause: its units hold and a share (`withdrawal`) or a number (`fighters`) of "
    "its fighters leaves until `until`",
    "reinforcement": "fighters of a kind arrive at a place",
    "relation": "the relation between two sides changes",
    "weather": "bad weather grounds an air force (or both) from `date` to `until`; `flying`: the share still up; "
    "with `place` and `radius_km`, only over that area (no strike there, none flown for the units there)",
    "stop_line_lifted": "the SDF's phase-1 limit of advance (R7) no longer holds: its phase 2, the drive down the "
    "left bank, starts on `date` (the earlier of this and `sdf_phase2_date`)",
    "offensive": "a side opens an offensive on a place: from `date` the place's town is its first objective "
    "(a decision; who holds the place is left to the fighting)",
    "humanitarian_pause": "a side holds its fire and grounds its air force from `date` to `until` while the "
    "civilians of the enemy ground it faces leave",
}


@dataclass(frozen=True)
class ScenarioEvent:
    """A dated event a scenario adds: ``kind`` is one of EVENT_KINDS, ``details`` its fields."""

    date: dt.date
    kind: str
    details: tuple[tuple[str, Any], ...] = ()

    def get(self, key: str, default=None):
        return dict(self.details).get(key, default)


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    params: Params = field(default_factory=Params)
    rules_off: frozenset[str] = frozenset()
    relations: dict[tuple[str, str], str] = field(default_factory=dict, hash=False)
    events: tuple[ScenarioEvent, ...] = ()
    path: str | None = None  # the file it came from, if any

    @property
    def rulebook(self) -> RuleBook:
        return RuleBook(frozenset(self.rules_off))

    def with_params(self, **changes) -> Scenario:
        """The same scenario with some parameters changed (checked against their declaration)."""
        from dataclasses import replace

        return replace(self, params=self.params.replace(**changes))


def baseline() -> Scenario:
    """The article's world on 2017-09-10, every rule on, every parameter at its default."""
    return Scenario(
        name="baseline",
        description="The article's world on 2017-09-10: every rule R1-R15 as the article states it, "
        "forces and dates from the campaign facts.",
    )
