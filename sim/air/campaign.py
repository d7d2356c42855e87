"""The air forces over a run: each day's budget spent on targets, what is carried over, the ledger
of sorties (budgeted, flown, withheld for civilians, stood down) and one row per strike."""

from __future__ import annotations

from sim.air import effects, targeting
from sim.air.doctrine import AIR_FORCES, grounded_over, sortie_budgets

#: the strikes table's columns (a row: one air force's sorties on one target on one day)
STRIKE_COLUMNS = ("day", "air_force", "cell", "target_kind", "side_struck", "sorties", "fighters_killed",
                  "civilians_killed")


class AirCampaign:
    """Both air forces' state: sorties carried over, the ledger and the strikes flown."""

    def __init__(self, model):
        self.model = model
        self.carried = {force.code: 0.0 for force in AIR_FORCES}
        self.ledger = {force.code: dict.fromkeys(("budget", "flown", "withheld", "stood_down"), 0.0)
                       for force in AIR_FORCES}
        self.strikes: list[tuple] = []
        self.dawn_cells: dict[int, int] = {}  # unit id -> its cell before today's march

    def dawn(self) -> None:
        """Where every unit stands before the day's march (interdiction strikes those that moved)."""
        self.dawn_cells = {unit.unique_id: unit.flat for unit in self.model.units}

    def fly(self, engagements) -> None:
        """The day's air war: each air force spends its sorties (budget and carry-over) on close support
        (sorties joined to the engagements, resolved with them), on concentrations and on columns
        (struck at once); what is not flown is carried over or stands down."""
        from sim.battle import side_tables

        model = self.model
        tables = side_tables(model)
        budgets = sortie_budgets(model)
        engaged_cells = engaged_units = moved = None  # worked out for the first air force with sorties
        for force in AIR_FORCES:
            code = force.code
            budget = budgets[code]
            available = self.carried[code] + budget
            whole = int(available + 1e-9)
            struck, withheld = [], 0
            if whole > 0:
                if moved is None:
                    engaged_cells = {e.target for e in engagements} | {u.flat for e in engagements for u in e.attackers}
                    engaged_units = {u.unique_id for e in engagements for u in (*e.attackers, *e.defenders)}
                    dawn, day = self.dawn_cells, model.day  # a unit that moved since dawn arrived today
                    moved = [u for u in model.units
                             if u.arrived_on == day and dawn.get(u.unique_id, u.flat) != u.flat]
                candidates = {
                    "close_support": targeting.close_support_targets(model, code, engagements, tables),
                    "concentration": targeting.concentration_targets(model, code, engaged_cells, tables),
                    "interdiction": targeting.interdiction_targets(model, code, moved, engaged_units, tables),
                }
                if model.weather_areas:  # no strikes where the weather grounds this air force
                    candidates = {mission: [t for t in targets if not grounded_over(model, code, t.cell)]
                                  for mission, targets in candidates.items()}
                struck, withheld = targeting.assign(model, force, whole, candidates)
            flown = sum([t.sorties for t in struck])
            self._settle(code, budget, available, flown, withheld)
            for target in struck:
                if target.mission == "close_support":
                    e = target.engagement
                    e.sorties[target.supported] = e.sorties.get(target.supported, 0) + target.sorties
                    e.flown_by[code] = (target.supported, target.sorties)
                else:
                    killed = effects.strike(model, target, code)
                    civilians = model.population.harm(target.cell, 0.0, {code: target.sorties})
                    self.strikes.append((model.day, code, target.cell, target.mission, target.side, target.sorties,
                                         killed, civilians))

    def _settle(self, code: int, budget: float, available: float, flown: int, withheld: int) -> None:
        """Book the day: flown + carried + stood down = budget + carried in."""
        ledger = self.ledger[code]
        ledger["budget"] += budget
        ledger["flown"] += flown
        ledger["withheld"] += withheld
        unused = available - flown
        keep = min(unused, budget * self.model.params.sortie_carryover_days)
        ledger["stood_down"] += unused - keep
        self.carried[code] = keep

    def record_support(self, e, attack, defend, outcome, killed_attackers: int, killed_defenders: int,
                       civilians_by_air: dict[int, int]) -> None:
        """One row per air force that flew for an engagement: its sorties, the fighters put down to them
        and the civilians they killed."""
        kills = self.model.params.kills_per_sortie
        for code, (supported, sorties) in e.flown_by.items():
            if supported == e.attacker:
                struck, killed = e.defender, effects.air_share_of_losses(
                    kills * attack.air_effect, outcome.expected_defender_losses, killed_defenders)
            else:
                struck, killed = e.attacker, effects.air_share_of_losses(
                    kills * defend.air_effect, outcome.expected_attacker_losses, killed_attackers)
            self.strikes.append((self.model.day, code, e.target, "close_support", struck, sorties, killed,
                                 civilians_by_air.get(code, 0)))
