"""What a run keeps: daily figures per side, each engagement, key places changing hands, milestones,
dated events and map snapshots; turned into the run's tables at the end.

Daily figures go into preallocated numpy arrays (no per-agent data collection), so recording
costs a few counts a day: the cells each side holds are counted once, then kept up to date from
the cells whose controller changed since the day before (none, on about half the days); the residents
of each side's ground are added up in one compiled pass (``sim.population_kernels.sum_by_code``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.calendar import iso
from sim.codes import SIDES, Bank, Terrain, side_code, side_name
from sim.population_kernels import sum_by_code
from sim.rules import regime as regime_rules

REGIME, SDF, ISIS = side_code("regime"), side_code("sdf"), side_code("isis")
N_CODES = len(SIDES) + 1
assert N_CODES <= 8, "sum_by_code adds up the residents of at most eight codes"
LEDGER_COLUMNS = ("killed", "defected", "recruited", "arrived", "withdrawn")
#: the whole map's population figures of a day, as the timeseries names them
POPULATION_COLUMNS = ("population", "displaced_cum", "civilian_deaths_cum", "in_camps", "displaced_now",
                      "returned_cum", "hol_camp", "abu_khashab_camp", "civilian_deaths_russian_air_cum",
                      "civilian_deaths_coalition_air_cum")
CORRIDOR_CHECK_DAYS = 7


class Recorder:
    def __init__(self, model, snapshot_days=()):
        self.model = model
        days = model.end_day + 1
        self.territory = np.zeros((days, N_CODES))
        self.valley = np.zeros((days, N_CODES))
        self.fighters = np.zeros((days, N_CODES), dtype=np.int64)
        #: the ledger's columns, one table each, are views of one array (so a day is recorded in one go)
        self.ledger_table = np.zeros((len(LEDGER_COLUMNS), days, N_CODES), dtype=np.int64)
        self.ledger = dict(zip(LEDGER_COLUMNS, self.ledger_table, strict=True))
        self.population = np.zeros((days, len(POPULATION_COLUMNS)))  # the whole map's people, by POPULATION_COLUMNS
        self.residents_held = np.zeros((days, N_CODES))  # residents of the cells each side holds
        self.queued = np.zeros(days, dtype=np.int64)  # most units of a side waiting behind one full cell
        self.longest_wait = 0  # most days in a row a unit waited behind its own side
        self.engagements: list[tuple] = []
        self.place_changes: list[tuple[int, str, int]] = []
        self.log: list[tuple[int, str]] = []
        self.milestones: dict[str, int] = {}
        self.snapshot_days = set(int(d) for d in snapshot_days)
        self.snapshots: dict[int, dict] = {}
        layers = model.layers
        land = model.land.ravel()
        self.land_cells = np.flatnonzero(land)
        valley = np.isin(model.terrain_flat, (Terrain.VALLEY, Terrain.URBAN)) & land
        self.valley_cells = np.flatnonzero(valley)
        bank = layers["bank"].ravel()
        self.left_valley = np.flatnonzero(valley & (bank == Bank.LEFT))
        self.right_valley = np.flatnonzero(valley & (bank == Bank.RIGHT))
        governorate = layers["governorate"].ravel()  # the shares of the valley are measured in Deir ez-Zor governorate
        self.governorate_left_valley = np.flatnonzero(valley & (bank == Bank.LEFT) & governorate)
        self.governorate_right_valley = np.flatnonzero(valley & (bank == Bank.RIGHT) & governorate)
        self.place_ids = [p.id for p in layers.places]
        self.place_cells = np.array([model.place_flat[p] for p in self.place_ids], dtype=np.int64)
        self.city_cells = model.town_cells("deir_ez_zor") if "deir_ez_zor" in model.place_flat else None
        self.is_valley = valley
        self.area = layers.frame.cell_area_km2
        self._last_controllers: list[int] | None = None  # yesterday's controller of each place
        self._control_then: bytes | None = None  # the control layer when last recorded
        self.held_cells = [0] * N_CODES  # cells of the map each side holds (index 0: no one, water included)
        self.valley_held_cells = [0] * N_CODES  # cells of the valley each side holds (index 0: no one)

    def note(self, day: int, text: str) -> None:
        self.log.append((day, text))

    def engagement(self, e, attacker_losses: int, defender_losses: int, civilians: int) -> None:
        x, y = divmod(e.target, self.model.ny)
        self.engagements.append(
            (
                self.model.day,
                x,
                y,
                e.kind,
                e.attacker,
                e.defender,
                attacker_losses,
                defender_losses,
                civilians,
                sum(e.sorties.values()),
            )
        )

    def _make_room(self, day: int) -> None:
        """Grow the daily arrays when a model is stepped past its planned end (e.g. in a notebook)."""
        size = self.territory.shape[0]
        if day < size:
            return
        extra = max(day + 1 - size, size)
        grow = lambda a: np.concatenate([a, np.zeros((extra, *a.shape[1:]), dtype=a.dtype)])  # noqa: E731
        self.territory, self.valley, self.fighters, self.population, self.queued, self.residents_held = (
            grow(self.territory), grow(self.valley), grow(self.fighters), grow(self.population), grow(self.queued),
            grow(self.residents_held))
        more = np.zeros((len(LEDGER_COLUMNS), extra, N_CODES), dtype=np.int64)
        self.ledger_table = np.concatenate([self.ledger_table, more], axis=1)
        self.ledger = dict(zip(LEDGER_COLUMNS, self.ledger_table, strict=True))

    def record_day(self) -> None:
        """The day's figures: territory, the valley, fighters, the ledger, the people; places changing
        hands, milestones, and a snapshot on the days asked for."""
        model = self.model
        day = model.day
        self._make_room(day)
        control = model.control_flat
        changed = self._count_changes(control)
        area = self.area
        held = self.held_cells[1:]  # sides hold land only, so the cells no one holds are the land's rest
        self.territory[day] = [(self.land_cells.size - sum(held)) * area, *(cells * area for cells in held)]
        self.valley[day] = [cells * area for cells in self.valley_held_cells]
        strength = [0] * N_CODES  # Python ints: cheaper to add up than numpy's
        for unit in model.units:
            strength[unit.code] += unit._strength  # the value of its strength property, read directly
        np.add(strength, model.pools, out=self.fighters[day])
        self.ledger_table[:, day, 1:] = [[model.ledger[c][key] for c in range(1, N_CODES)] for key in LEDGER_COLUMNS]
        self._people(day)
        if changed:  # places and milestones depend on control only
            self._places(day, control)
            self._milestones(day, control)
        self._corridor_milestone(day)
        if day in self.snapshot_days:
            self.snapshot(day)

    def _people(self, day: int) -> None:
        """The day's population figures (POPULATION_COLUMNS) and the residents of each side's ground."""
        model = self.model
        people = model.population
        residents = people.residents_flat
        camps = {cell: residents[cell] for cell in people.camp_cells.tolist()}
        place = model.place_flat
        self.population[day] = (
            people.total, people.displaced, people.deaths, people.in_camps, people.displaced_now, people.returned,
            camps.get(place.get("hol_camp"), 0.0), camps.get(place.get("abu_khashab_camp"), 0.0),
            people.air_deaths.get(REGIME, 0), people.air_deaths.get(SDF, 0))
        sum_by_code(model.control_flat, residents, self.residents_held[day])  # = np.bincount(control, residents)

    def _count_changes(self, control: np.ndarray) -> bool:
        """Bring the counts of cells held up to ``control`` (counted in full the first time); whether
        any cell's controller changed since the last day recorded."""
        now = control.tobytes()  # a copy, compared in one go
        then = self._control_then
        if now == then:
            return False
        self._control_then = now
        if then is None:
            self.held_cells = np.bincount(control, minlength=N_CODES).tolist()
            self.valley_held_cells = np.bincount(control[self.valley_cells], minlength=N_CODES).tolist()
            return True
        before = np.frombuffer(then, dtype=control.dtype)
        cells = np.flatnonzero(control != before)
        old, new = before[cells], control[cells]
        in_valley = self.is_valley[cells]
        gained = np.bincount(new, minlength=N_CODES) - np.bincount(old, minlength=N_CODES)
        gained_valley = np.bincount(new[in_valley], minlength=N_CODES) - np.bincount(old[in_valley], minlength=N_CODES)
        self.held_cells = np.add(self.held_cells, gained).tolist()
        self.valley_held_cells = np.add(self.valley_held_cells, gained_valley).tolist()
        return True

    def _places(self, day: int, control: np.ndarray) -> None:
        """Note the key places whose controller changed (all of them on the first day)."""
        controllers = control[self.place_cells].tolist()
        last = self._last_controllers
        if controllers != last:
            for i, code in enumerate(controllers):
                if last is None or code != last[i]:
                    self.place_changes.append((day, self.place_ids[i], code))
            self._last_controllers = controllers

    def _milestones(self, day: int, control: np.ndarray) -> None:
        """The first days of the milestones read from control (the corridor is looked for weekly, apart)."""
        model = self.model
        reached = self.milestones  # a milestone is its first day: once reached, it is not checked again
        first = reached.setdefault
        city = self.city_cells
        if "regime_city_cleared" not in reached and city is not None and np.all(control[city] == REGIME):
            first("regime_city_cleared", day)
        if "regime_left_bank" not in reached and np.any(control[self.left_valley] == REGIME):
            first("regime_left_bank", day)
        towns = model.valley_town_cells
        if "isis_no_valley_town" not in reached and towns.size and not np.any(control[towns] == ISIS):
            first("isis_no_valley_town", day)

    def _corridor_milestone(self, day: int) -> None:
        """The regime's land corridor, looked for once a week until it is made."""
        weekly = day % CORRIDOR_CHECK_DAYS == 0 and day > 0
        if "regime_corridor" not in self.milestones and weekly and regime_rules.corridor_complete(self.model):
            self.milestones.setdefault("regime_corridor", day)

    def snapshot(self, day: int) -> None:
        """The control layer and the units of a day, for maps drawn later from the results."""
        frame = self.model.layers.frame
        units = []
        for unit in self.model.units:
            lat, lon = frame.centre(unit.xy)
            units.append({"side": unit.side, "kind": unit.kind.kind, "strength": unit.strength, "lat": lat, "lon": lon})
        self.snapshots[day] = {"control": self.model.control.copy(), "units": units}

    # ----- the run's tables -----------------------------------------------------------------
    def airstrikes(self) -> pd.DataFrame:
        """One row per air force, target and day (sim/air): the target's kind (close_support,
        concentration, interdiction), where, the side struck, sorties, fighters put out of action (for
        close support, the air's share of the engagement's losses) and civilians killed."""
        from sim.air.campaign import STRIKE_COLUMNS
        from sim.air.doctrine import AIR_FORCES

        names = {force.code: force.name for force in AIR_FORCES}
        frame = self.model.layers.frame
        rows = []
        for day, code, cell, kind, struck, sorties, killed, civilians in self.model.air.strikes:
            lat, lon = frame.centre(divmod(cell, self.model.ny))
            rows.append((day, iso(day), names[code], round(lat, 4), round(lon, 4), kind, side_name(struck) or "none",
                         sorties, killed, civilians))
        columns = ["day", "date", "air_force", "lat", "lon", *STRIKE_COLUMNS[3:]]
        return pd.DataFrame(rows, columns=columns)

    def tables(self, scenario: str, run_id: int, seed: int) -> dict[str, pd.DataFrame]:
        last = self.model.day
        days = np.arange(last + 1)
        frames = []
        for code, side in enumerate(SIDES, start=1):
            frame = pd.DataFrame(
                {
                    "day": days,
                    "side": side,
                    "territory_km2": self.territory[: last + 1, code],
                    "valley_km2": self.valley[: last + 1, code],
                    "fighters": self.fighters[: last + 1, code],
                    "losses_cum": self.ledger["killed"][: last + 1, code],
                    "defected_cum": self.ledger["defected"][: last + 1, code],
                    "recruited_cum": self.ledger["recruited"][: last + 1, code],
                    "arrived_cum": self.ledger["arrived"][: last + 1, code],
                    "withdrawn_cum": self.ledger["withdrawn"][: last + 1, code],
                    "residents_held": self.residents_held[: last + 1, code],
                    **{name: self.population[: last + 1, i] for i, name in enumerate(POPULATION_COLUMNS)},
                }
            )
            frames.append(frame)
        timeseries = pd.concat(frames, ignore_index=True).sort_values(["day", "side"], kind="stable")
        timeseries.insert(1, "date", [iso(d) for d in timeseries["day"]])
        frame = self.model.layers.frame
        rows = []
        for day, x, y, kind, attacker, defender, a_loss, d_loss, civilians, sorties in self.engagements:
            lat, lon = frame.centre((x, y))
            rows.append(
                (
                    day,
                    iso(day),
                    round(lat, 4),
                    round(lon, 4),
                    kind,
                    side_name(attacker),
                    side_name(defender) or "none",
                    a_loss,
                    d_loss,
                    civilians,
                    sorties,
                )
            )
        events = pd.DataFrame(
            rows,
            columns=[
                "day",
                "date",
                "lat",
                "lon",
                "kind",
                "attacker",
                "defender",
                "attacker_losses",
                "defender_losses",
                "civilian_deaths",
                "air_sorties",
            ],
        )
        control = pd.DataFrame(
            [(d, iso(d), p, side_name(c) or "none") for d, p, c in self.place_changes],
            columns=["day", "date", "place", "controller"],
        )
        log = pd.DataFrame([(d, iso(d), text) for d, text in self.log], columns=["day", "date", "event"])
        tables = {"timeseries": timeseries, "events": events, "control": control, "log": log,
                  "airstrikes": self.airstrikes()}
        for name, table in tables.items():
            table.insert(0, "seed", seed)
            table.insert(0, "run_id", run_id)
            table.insert(0, "scenario", scenario)
            tables[name] = table.reset_index(drop=True)
        return tables
