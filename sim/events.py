"""Exogenous events, on Mesa's event list: each takes effect at the start of its day.

An event dated day d is scheduled at time d - 0.5, so it runs after day d-1's stages and before
day d's (the model's own step runs at whole times).
"""

from __future__ import annotations

from sim import isis_strategy
from sim.calendar import day_of
from sim.codes import side_code
from sim.forces.stacking import room_near, unit_sizes
from sim.rules import isis as isis_rules
from sim.rules import regime as regime_rules

RAQQA_KM = 4.0


class DatedEvent:
    """Something that happens on a date, outside the model's rules."""

    label = "event"

    def __init__(self, model, day: int):
        self.model = model
        self.day = day

    def __call__(self) -> None:
        self.apply()
        self.model.recorder.note(self.day, self.label)

    def apply(self) -> None:  # each kind of event overrides it
        """Nothing: a marker in the run's log."""


class RaqqaFalls(DatedEvent):
    """Raqqa falls to the SDF: the Raqqa drain on ISIS ends (R13) and SDF units are freed."""

    label = "Raqqa falls to the SDF"

    def apply(self) -> None:
        model = self.model
        if "raqqa" in model.place_flat:
            near = model.km_from_places(("raqqa",)) <= RAQQA_KM
            isis_held = model.control_flat == side_code("isis")
            model.control_flat[near & isis_held & model.land.ravel()] = side_code("sdf")
        fighters = model.params.sdf_raqqa_release
        places = [p for p in ("raqqa", "shaddadi") if p in model.place_flat]
        for i, place in enumerate(places):
            share = fighters * (i + 1) // len(places) - fighters * i // len(places)
            spawn(model, "sdf", "sdf", share, place, "raqqa_release")


class RaqqaEvacuation(DatedEvent):
    """The Raqqa deal (October 2017): part of the fighters the Raqqa front drew off come back under
    escort (R13, ``isis_raqqa_return_share``) and reach ISIS's core in the valley: the town ISIS values
    most now, not a named place (to its pool of recruits if it holds no town)."""

    label = "ISIS fighters evacuated from Raqqa reach the valley"

    def apply(self) -> None:
        model = self.model
        isis_code = side_code("isis")
        fighters = isis_rules.raqqa_return(self.day, model.ledger[isis_code]["withdrawn"], model.params, model.rules)
        if fighters <= 0:
            return
        towns = model.held_town_cells(isis_code)
        if not towns.size:
            model.pools[isis_code] += fighters
            model.ledger[isis_code]["arrived"] += fighters
            return
        core = model.isis_core if model.isis_core.size else towns
        values = isis_strategy.town_values(model, core)
        spawn_at(model, "isis", "isis", fighters, int(core[int(values.argmax())]), "raqqa_evacuees",
                 model.params.isis_foreign_share)


class QaimFalls(DatedEvent):
    """Iraqi forces take al-Qaim: the border objective opens and the Iraqi PMF cross to the regime."""

    label = "Iraqi forces take al-Qaim"

    def apply(self) -> None:
        model = self.model
        if model.border_cells.size and regime_rules.pmf_cross(model.params, model.rules):
            cell = int(model.border_cells[0])
            spawn_at(model, "regime", "iranian_militia", model.params.pmf_fighters, cell, "iraqi_pmf")


class Reinforcement(DatedEvent):
    """Fighters arrive at a place (R4's battalions up the Palmyra road, or a scenario's)."""

    def __init__(self, model, day: int, side: str, kind: str, fighters: int, place: str, group: str):
        super().__init__(model, day)
        self.side, self.kind, self.fighters, self.place, self.group = side, kind, fighters, place, group
        self.label = f"{fighters} {kind.replace('_', ' ')} fighters reach {place}"

    def apply(self) -> None:
        if self.place in self.model.place_flat:
            spawn(self.model, self.side, self.kind, self.fighters, self.place, self.group)


class PauseStarts(DatedEvent):
    """A side's operations pause: its units hold, and a share of its fighters leaves."""

    def __init__(self, model, day: int, withdrawal: float, fighters: int | None = None):
        super().__init__(model, day)
        self.withdrawal, self.fighters = withdrawal, fighters
        drawn = f"{fighters} fighters" if fighters is not None else f"{withdrawal:.0%} of its fighters"
        self.label = f"SDF operations pause ({drawn} drawn north)"

    def apply(self) -> None:
        model = self.model
        model.sdf_paused = True
        code = side_code("sdf")
        if self.fighters is not None:  # a number drawn off: the same share from every unit
            total = sum(u.strength for u in model.units if u.code == code)
            self.withdrawal = min(1.0, self.fighters / total) if total else 0.0
        for unit in [u for u in model.units if u.code == code]:
            unit.posture, unit.objective = "defend", None
            taken = unit.lose(round(unit.strength * self.withdrawal))
            model.ledger[code]["withdrawn"] += taken
            model.withdrawn_for_pause += taken
        for unit in [u for u in model.units if u.code == code and u.strength < 10]:
            model.break_up(unit)


class PauseEnds(DatedEvent):
    label = "SDF operations resume"

    def apply(self) -> None:
        model = self.model
        model.sdf_paused = False
        if model.withdrawn_for_pause and "shaddadi" in model.place_flat:
            spawn(model, "sdf", "sdf", model.withdrawn_for_pause, "shaddadi", "returned_from_north")
        model.withdrawn_for_pause = 0


class RelationChanges(DatedEvent):
    """Two sides change their relation (a scenario's dated event)."""

    def __init__(self, model, day: int, a: str, b: str, relation: str):
        super().__init__(model, day)
        self.a, self.b, self.relation = a, b, relation
        self.label = f"{a} and {b} become {relation.replace('_', '-')}"

    def apply(self) -> None:
        from sim.sides import Relations, pair

        model = self.model
        graph = model.relations.graph
        graph.add_edge(*pair(self.a, self.b), relation=self.relation, source="dated event")
        model.change_relations(Relations(graph))


class Marker(DatedEvent):
    def __init__(self, model, day: int, label: str):
        super().__init__(model, day)
        self.label = label


def spawn(model, side: str, kind: str, fighters: int, place: str, group: str) -> None:
    spawn_at(model, side, kind, fighters, model.place_flat[place], group)


def spawn_at(model, side: str, kind: str, fighters: int, cell: int, group: str, foreign_share: float = 0.0) -> None:
    """New units of ``fighters`` in all, unit-sized, at a cell or, where it is full, the nearest cells
    with room (counted as arrived); ``foreign_share`` of them foreign fighters."""
    code = side_code(side)
    for share in unit_sizes(fighters, model.typical_unit_size(code), model.stack_limit):
        unit = model.add_unit(side, kind, share, room_near(model, code, cell, share), posture="attack", group=group,
                              flow="arrived")
        unit.foreign = round(share * foreign_share)


def schedule_events(model) -> list[DatedEvent]:
    """Every dated event of the run, put on Mesa's event list; returns them (the list keeps them alive)."""
    params = model.params
    events: list[DatedEvent] = [
        RaqqaFalls(model, day_of(params.raqqa_fall_date)),
        RaqqaEvacuation(model, day_of(params.raqqa_fall_date)),
        QaimFalls(model, day_of(params.qaim_fall_date)),
        Marker(
            model,
            day_of(params.sdf_phase2_date),
            "SDF phase 2 begins (R7)" if model.rules.on("R7") else "SDF phase 2 date (R7 off: no phase 1 stop)",
        ),
    ]
    for day, kind, fighters in regime_rules.reinforcement_schedule(params, model.rules):
        events.append(Reinforcement(model, day, "regime", kind, fighters, "palmyra", "reinforcements"))
    if params.sdf_pause_days > 0:
        start = day_of(params.sdf_pause_start)
        events += [
            PauseStarts(model, start, params.sdf_pause_withdrawal),
            PauseEnds(model, start + params.sdf_pause_days),
        ]
    for event in model.spec.events:
        day = day_of(event.date)
        if event.kind == "pause":
            events += [
                PauseStarts(model, day, event.get("withdrawal", params.sdf_pause_withdrawal), event.get("fighters")),
                PauseEnds(model, day_of(event.get("until"))),
            ]
        elif event.kind == "reinforcement":
            events.append(
                Reinforcement(
                    model,
                    day,
                    event.get("side"),
                    event.get("unit_kind"),
                    int(event.get("fighters")),
                    event.get("place"),
                    "scenario",
                )
            )
        elif event.kind == "relation":
            events.append(RelationChanges(model, day, event.get("a"), event.get("b"), event.get("relation")))
        elif event.kind == "weather":  # acts through model.sortie_budgets; here a line in the log
            who = f"{event.get('air_force')} aircraft" if event.get("air_force") else "all aircraft"
            flying = event.get("flying", 0.0)
            grounded = "grounds " + who if not flying else f"keeps {1 - flying:.0%} of {who} on the ground"
            where = f" within {event.get('radius_km'):g} km of {event.get('place')}" if event.get("place") else ""
            events.append(Marker(model, day, f"bad weather {grounded}{where} until {event.get('until')}"))
        elif event.kind == "stop_line_lifted":  # acts through model.sdf_phase2_day; here a line in the log
            events.append(Marker(model, day, "the SDF goes past its phase-1 stop line (R7): phase 2 begins"))
        elif event.kind == "offensive":  # acts through model.offensives; here a line in the log
            events.append(Marker(model, day, f"{event.get('side')} opens an offensive on {event.get('place')}"))
        elif event.kind == "humanitarian_pause":  # acts through model.pausing_sides; here a line in the log
            events.append(Marker(model, day, f"{event.get('side')} humanitarian pause until {event.get('until')}:"
                                              " it holds its fire while civilians leave"))
    kept = [e for e in events if 1 <= e.day <= model.end_day]
    for event in kept:
        model.schedule_event(event, at=event.day - 0.5)
    return kept
