"""Who flies for whom, how many sorties a day, on which missions first, and where each air force
will not strike for the civilians there."""

from __future__ import annotations

from dataclasses import dataclass

from sim.calendar import day_of
from sim.codes import side_code
from sim.rules import regime, sdf

MISSIONS = ("close_support", "concentration", "interdiction")


@dataclass(frozen=True)
class AirForce:
    """One air power: its name, the side it flies for, and the names of its declared parameters."""

    name: str  # "russian" or "coalition": the prefix of its parameters
    patron: str  # the side it supports

    @property
    def code(self) -> int:
        return side_code(self.patron)

    def mission_shares(self, params) -> tuple[float, float, float]:
        """The shares of the day's sorties given first to each mission (MISSIONS order)."""
        close = getattr(params, f"{self.name}_close_support_share")
        concentration = min(getattr(params, f"{self.name}_concentration_share"), 1.0 - close)
        return close, concentration, 1.0 - close - concentration

    def civilian_threshold(self, params) -> float:
        """Residents per km² above which its rules of engagement withhold a strike."""
        return getattr(params, f"{self.name}_civilian_threshold")

    def civilian_harm(self, params) -> float:
        """Civilian deaths per sortie per thousand residents of the cell struck."""
        return getattr(params, f"{self.name}_civilian_harm")


RUSSIAN = AirForce("russian", "regime")
COALITION = AirForce("coalition", "sdf")
AIR_FORCES = (RUSSIAN, COALITION)
BY_NAME = {force.name: force for force in AIR_FORCES}


def planned_sorties(force: AirForce, day: int, params, rules) -> float:
    """The sorties a day an air force has for the valley on ``day``, by period (R3: the Russian
    drawdown of 2017-12-11; R8: the coalition's surge on the last pocket from 2018-09-10); none with
    its rule off."""
    if force is RUSSIAN:
        if not rules.on("R3"):
            return 0.0
        late = day >= day_of(params.russian_drawdown_date)
        return params.russian_sorties_after_drawdown if late else regime.russian_sorties(params, rules)
    if not rules.on("R8"):
        return 0.0
    late = day >= day_of(params.coalition_surge_date)
    return params.coalition_sorties_surge if late else sdf.coalition_sorties(params, rules)


def sortie_budgets(model, day: int | None = None) -> dict[int, float]:
    """Each air force's sorties for ``day`` (today by default), by the code of the side it flies for:
    its planned sorties, times the share still flying under the weather (a scenario's ``weather``
    events), none while its side holds a humanitarian pause. The answer for the last day asked is
    kept on the model (the weather and pauses are fixed when it is built): read it, do not change it."""
    day = model.day if day is None else day
    last = getattr(model, "_air_budgets", None)  # the last day asked: a day's budgets are asked for more than once
    if last is not None and last[0] == day:
        return last[1]
    budgets = {}
    for force in AIR_FORCES:
        sorties = planned_sorties(force, day, model.params, model.rules)
        for first, last, grounded, flying in model.weather:
            if first <= day <= last and grounded in (None, force.name):
                sorties *= flying
        if force.code in model.pausing_sides(day):
            sorties = 0.0
        budgets[force.code] = sorties
    model._air_budgets = (day, budgets)
    return budgets


def grounded_over(model, code: int, cell: int, day: int | None = None) -> bool:
    """Whether the air force flying for side ``code`` is grounded over ``cell`` on ``day`` (today by
    default) by weather over an area (a scenario's ``weather`` event with a place and a radius)."""
    day = model.day if day is None else day
    for first, last, grounded, area in model.weather_areas:
        if first <= day <= last and area[cell] and (grounded is None or BY_NAME[grounded].code == code):
            return True
    return False
