"""Units (Mesa CellAgents on the map) and the objectives their commanders give them."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from mesa import Agent
from mesa.discrete_space import CellAgent

from sim.codes import side_code
from sim.forces import UnitKind

ATTACK, DEFEND, MOVE = "attack", "defend", "move"  # MOVE: march without attacking


@dataclass
class Objective:
    """Where a commander sends units: a named set of target cells (flat indices)."""

    key: str
    targets: np.ndarray
    distance: np.ndarray = field(repr=False, default=None)  # cost (km of march) from every cell to the targets
    stale: bool = False  # a unit found a cell on its way that its side may no longer enter

    def __post_init__(self):
        self.targets = np.unique(np.asarray(self.targets, dtype=np.int64))


class Unit(CellAgent):
    """A battalion or company of one side: strength in fighters, morale, supply and posture.

    Its day, driven by the model in the order of docs/ODD.md: take its commander's objective and
    posture, march toward the objective until it meets the enemy or runs out of road, fight, then
    recover or lose morale and supply.
    """

    def __init__(self, model, *, side: str, kind: UnitKind, strength: int, flat: int, posture: str, group: str):
        super().__init__(model)
        self.side = side
        self.code = side_code(side)
        self.kind = kind
        self.group = group
        self._strength = int(strength)
        self.morale = kind.morale
        self.supply = 1.0
        self.posture = posture
        self.objective: Objective | None = None
        self.contact: int | None = None  # the cell it attacks today
        self.march_credit = 0.0
        self.rest_until = -1  # day until which a shaken unit does not attack
        self.engaged_on = -1  # the last day it fought
        self.queued_days = 0  # days in a row it waited behind its own side (sim/march.py)
        self.held_back: tuple[str, int] | None = None  # an objective it could not get into, and until when
        self.stance = "hold"  # ISIS's posture for its area: hold, delay, abandon, raid (sim/isis_strategy.py)
        self.arrived_on = -1  # the day it last came to the cell it stands on
        self.pushed_back_on = -10**6  # the last day it gave ground under pressure
        self.foreign = 0  # foreign fighters among its strength (ISIS: they defect far less, R14)
        self.flat = -1
        self.place_at(flat)

    @property
    def strength(self) -> int:
        return self._strength

    @strength.setter
    def strength(self, value: int) -> None:
        """Strength changes are mirrored in the model's per-cell strength of each side (stacking)."""
        if self.flat >= 0:
            self.model.stacked_items[self.code, self.flat] += int(value) - self._strength
        self._strength = int(value)

    def fits(self, flat: int) -> bool:
        """Whether it may join the units of its side in a cell: a cell holds at most the stacking
        limit of one side's fighters, though a unit may always stand alone."""
        stacked = self.model.stacked_items[self.code, flat]
        return stacked == 0 or stacked + self._strength <= self.model.stack_limit

    @property
    def xy(self) -> tuple[int, int]:
        return divmod(self.flat, self.model.ny)

    @property
    def speed_km(self) -> float:
        return self.kind.speed_km_day

    @property
    def effectiveness(self) -> float:
        """Fire per fighter: its kind's firepower, scaled by morale, supply and advisers."""
        return (
            self.kind.firepower
            * (0.5 + 0.5 * self.morale)
            * (0.5 + 0.5 * self.supply)
            * self.model.adviser_bonus[self.code]
        )

    def place_at(self, flat: int) -> None:
        """Stand on a cell (flat index), keeping the model's occupancy counts and the Mesa cell in step."""
        model = self.model
        occupancy, stacked, counts = model.occupancy_items, model.stacked_items, model.units_by_cell[self.code]
        if self.flat >= 0:
            occupancy[self.code, self.flat] -= 1
            stacked[self.code, self.flat] -= self._strength
            self._leave_count(counts)
        self.flat = int(flat)
        self.arrived_on = model.day if hasattr(model, "day") else 0
        model.layout_version += 1  # the model's cached cells of units are out of date
        occupancy[self.code, self.flat] += 1
        stacked[self.code, self.flat] += self._strength
        counts[self.flat] = counts.get(self.flat, 0) + 1
        self.cell = self.model.grid[divmod(self.flat, self.model.ny)]

    def lose(self, fighters: int) -> int:
        """Take losses (never below zero), foreign fighters among them in their share; return how
        many were actually lost."""
        fighters = min(int(fighters), self.strength)
        if self.foreign and fighters:
            self.foreign -= min(self.foreign, round(fighters * self.foreign / self.strength))
        self.strength -= fighters
        return fighters

    def defect(self, locals_: int, foreigners: int) -> int:
        """Some of its local and foreign fighters leave it (R14); return how many."""
        foreigners = min(int(foreigners), self.foreign)
        locals_ = min(int(locals_), self.strength - self.foreign)
        if not locals_ and not foreigners:  # most days: nothing to take off (the strength setter is not free)
            return 0
        self.foreign -= foreigners
        self.strength -= locals_ + foreigners
        return locals_ + foreigners

    def _leave_count(self, counts: dict[int, int]) -> None:
        left = counts[self.flat] - 1
        if left:
            counts[self.flat] = left
        else:
            del counts[self.flat]

    def remove(self) -> None:
        self.model.layout_version += 1
        self._leave_count(self.model.units_by_cell[self.code])
        self.model.occupancy_items[self.code, self.flat] -= 1
        self.model.stacked_items[self.code, self.flat] -= self._strength
        super().remove()


class Commander(Agent):
    """A side's commander (an agent without a cell): turns the side's plan into objectives."""

    side: str = ""

    def __init__(self, model):
        super().__init__(model)
        self.code = side_code(self.side)

    def units(self) -> list[Unit]:
        return [u for u in self.model.units if u.code == self.code]

    def plan(self) -> None:
        """The plan of a side without one: every unit holds where it stands."""
        for unit in self.units():
            unit.posture = DEFEND
            unit.objective = None
