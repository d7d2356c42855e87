"""The campaign model: the factions of the Deir ez-Zor campaign on the Euphrates map, day by day.

The order of a day (docs/ODD.md, "Process overview and scheduling"), written once here:

0. dated events (Mesa's event list, at half past the previous day): Raqqa falls, al-Qaim falls,
   reinforcements arrive, pauses start and end, scenario events;
1. plan (every PLAN_INTERVAL days): each side's commander gives its units objectives and postures;
2. march: units move toward their objectives, stopping at contact;
3. fight: engagements, air support, attrition, withdrawals and surrenders;
4. attrition: ISIS defections (R14) and the Raqqa drain (R13);
5. control: the control layer follows the units (bulk numpy; pockets close every ENCIRCLE_INTERVAL
   days), prepared defences decay (R12);
6. supply and morale: supply by connection to the side's sources and by oil held, whose revenue
   pays new fighters (R15);
7. population: flight from fighting, camps, sectarian tension (R11), recruitment (R10, R11),
   tomorrow's raids (R11);
8. record the day.
"""

from __future__ import annotations

import gc
import operator
from contextlib import contextmanager
from itertools import repeat

import numpy as np
from mesa import Model

from sim import battle, march, siege
from sim.agents import Objective, Unit
from sim.air import AirCampaign, sortie_budgets
from sim.calendar import day_of
from sim.codes import SIDES, Bank, Crossing, Terrain, side_code
from sim.commanders import COMMANDERS
from sim.control import side_bits, sweep_and_lapse, update_control
from sim.events import schedule_events
from sim.forces import load_kinds
from sim.forces.placement import place_forces
from sim.geography import MapLayers, load_map, make_grid, release_grid
from sim.movement import network_for
from sim.population import PopulationModel
from sim.randomness import KeyedDraws
from sim.recorder import Recorder
from sim.rules import deconfliction, economy, isis, opposition, regime, sdf
from sim.scenario import Scenario, baseline
from sim.sides import Relations, relation_graph

N_CODES = len(SIDES) + 1
SUPPLY_INTERVAL = 5  # days between supply-connection checks
SEARCH_SLACK = 1.3  # search limit: this many times the straight line, with detours, at the dearest terrain
SIEGE_POCKET_KM = 4.0  # R5 off: the besieged pockets keep this radius
ENCIRCLE_INTERVAL = 2  # the encirclement step of the control update runs every second day
PLAN_INTERVAL = 2  # commanders revise their plans every second day (a staff cycle); units act daily
FIELD_REFRESH_DAYS = 20  # days a distance field is kept while its targets drift
REGIME, SDF, ISIS, OPPOSITION = (side_code(s) for s in SIDES)
SUPPLY_SOURCES = {REGIME: ("palmyra",), SDF: ("hasakah", "shaddadi"), OPPOSITION: ("tanf",)}


@contextmanager
def collection_paused():
    """Pause Python's cyclic garbage collector (if it is on) for a block that makes many objects that last."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


class CampaignModel(Model):
    """The middle Euphrates, 2017-09-10 onward, under one scenario and one seed."""

    def __init__(
        self,
        scenario: Scenario | None = None,
        *,
        rng: int = 0,
        days: int | None = None,
        layers: MapLayers | None = None,
        forces=None,
        snapshot_days=(),
    ):
        with collection_paused():  # tens of thousands of lasting objects: the collector would only slow the build
            self._build(scenario, rng, days, layers, forces, snapshot_days)

    def _build(self, scenario, rng, days, layers, forces, snapshot_days) -> None:
        super().__init__(rng=rng)
        self.spec = scenario or baseline()
        self.params = self.spec.params
        self.rules = self.spec.rulebook
        self.seed = int(rng)
        self.draws = KeyedDraws(self.seed)
        graph = relation_graph(self.spec.relations)
        deconfliction.set_regime_sdf_relation(graph, self.rules.on("R1"), self.spec.relations)
        opposition.set_opposition_sdf_relation(graph, self.rules.on("R9"), self.spec.relations)
        self.relations = Relations(graph)
        self.hostile_code_lists = [self.relations.hostile_codes(c) if c else [] for c in range(N_CODES)]
        self.end_day = min(day_of(self.params.end_date), days if days is not None else 10**9)
        self.day = 0

        self.layers = layers or load_map(self.params.cell_km)
        self._build_world()
        #: ``occupancy`` and ``stacked`` item by item for the units that keep them as they move: memoryviews,
        #: whose items are Python ints, cheaper to read and change one at a time than numpy scalars
        self.occupancy_items, self.stacked_items = memoryview(self.occupancy), memoryview(self.stacked)
        self.kinds = load_kinds()
        self.units: list[Unit] = []
        self.pools = np.zeros(N_CODES, dtype=np.int64)  # fighters recruited but not yet formed into units
        self.ledger = {
            c: dict.fromkeys(("initial", "arrived", "recruited", "killed", "defected", "withdrawn"), 0)
            for c in range(1, N_CODES)
        }
        adviser_bonus = np.ones(N_CODES)
        adviser_bonus[REGIME] = regime.russian_adviser_bonus(self.params, self.rules)
        adviser_bonus[SDF] = sdf.us_adviser_bonus(self.params, self.rules)
        #: each side's adviser multiplier of its units' effectiveness (by code): a tuple, cheaper to index per
        #: unit than an array, that still holds numpy scalars, so the sums of combat power built on them add as
        #: before (builtin sum() compensates rounding on Python floats only, which can change last bits)
        self.adviser_bonus = tuple(adviser_bonus)
        self.pending_raids: list[int] = []
        self.sdf_paused = False
        self.withdrawn_for_pause = 0
        self.qaim_day = day_of(self.params.qaim_fall_date)
        self.border_reached = False  # the regime has stood on the al-Qaim crossing (R2's race, once done)
        self.regime_crossing_day: int | None = None  # the day the regime decided to cross (R2's race, once done)
        self._fields: dict = {}
        self.sieges: dict[tuple[int, int], tuple[int, int]] = {}  # (side, cell) -> first and last day bombarded
        self.siege_failures: dict[int, dict[int, int]] = {}  # side -> cell -> sieges of it lifted
        self.bypassed: dict[int, dict[int, int]] = {}  # side -> cell it bypasses -> until which day
        self.isis_core = np.zeros(0, dtype=np.int64)  # the towns ISIS holds as its core (sim/isis_strategy.py)
        self.defected_yesterday: set[int] = set()  # cells of ISIS units that lost fighters to defection (R14)
        #: a scenario's weather (first day, last day, air force grounded or None for both, share still flying)
        #: and humanitarian pauses (first day, last day, side code): read by sortie_budgets and pausing_sides
        self.weather = [(day_of(e.date), day_of(e.get("until")), e.get("air_force"), e.get("flying", 0.0))
                        for e in self.spec.events if e.kind == "weather" and e.get("place") is None]
        #: weather over an area (first day, last day, air force or None, cells flat, boolean): no strikes there
        self.weather_areas = [
            (day_of(e.date), day_of(e.get("until")), e.get("air_force"),
             self.km_from_places((e.get("place"),)) <= e.get("radius_km"))
            for e in self.spec.events if e.kind == "weather" and e.get("place") is not None]
        #: R7's phase 2 begins on its date, or earlier where a scenario lifts the stop line
        self.sdf_phase2_day = min([day_of(self.params.sdf_phase2_date)] + [
            day_of(e.date) for e in self.spec.events if e.kind == "stop_line_lifted"])
        #: offensives a scenario opens (first day, side code, place), latest first
        self.offensives = sorted(((day_of(e.date), side_code(e.get("side")), e.get("place"))
                                  for e in self.spec.events if e.kind == "offensive"), reverse=True)
        self.humanitarian_pauses = [(day_of(e.date), day_of(e.get("until")), side_code(e.get("side", "sdf")))
                                    for e in self.spec.events if e.kind == "humanitarian_pause"]

        place_forces(self, forces)
        self.commanders = [cls(self) for cls in COMMANDERS]
        self.population = PopulationModel(self)
        self.air = AirCampaign(self)
        self.recorder = Recorder(self, snapshot_days)
        self._events = schedule_events(self)
        self.refresh_blocked()
        self.recorder.record_day()

    # ----- the world -------------------------------------------------------------------------
    def _build_world(self) -> None:
        layers = self.layers
        self.nx, self.ny = layers.frame.shape
        self.grid = make_grid(layers, self.random)
        self.network = network_for(layers)
        self.neighbour_lists = self.network.neighbour_lists
        self.entry_cost_list = self.network.entry_cost_list
        self.max_entry_cost = float(self.network.entry_cost[self.network.passable].max())
        self.control = self.grid.control.data
        if not self.rules.on("R5"):
            regime.siege_unbroken(self.control, self._siege_corridor())
        self.control_flat = self.control.ravel()
        self.terrain_flat = layers["terrain"].ravel()
        inhabited = np.isin(self.terrain_flat, (Terrain.URBAN, Terrain.VALLEY))
        self.inhabited_bytes = inhabited.tobytes()  # valley or town
        self.defensible_cells = np.flatnonzero(inhabited)  # the only cells ISIS fortifies (R12)
        self.desert = ~inhabited  # where a side's hold lapses without its units (sim/control.py, step 4)
        self.river_side_flat = layers["river_side"].ravel()
        self.river_side_bytes = self.river_side_flat.astype(np.uint8).tobytes()
        self.unswept = np.zeros(self.nx * self.ny, dtype=np.int32)  # days a held cell lay beyond its holder's reach
        self.alone = np.zeros(self.nx * self.ny, dtype=np.int32)  # days a cell lay in one other side's reach only
        self.occupancy = np.zeros((N_CODES, self.nx * self.ny), dtype=np.int32)  # units of each side per cell
        self.stacked = np.zeros((N_CODES, self.nx * self.ny), dtype=np.int64)  # fighters of each side per cell
        self.units_by_cell: list[dict[int, int]] = [{} for _ in range(N_CODES)]  # occupancy's non-zeros, for Python
        self.stack_limit = self.params.stack_density * layers.frame.cell_area_km2
        self.place_flat = {pid: x * self.ny + y for pid, (x, y) in layers.place_cells.items()}
        self.place_flat.update({cid: x * self.ny + y for cid, (x, y) in layers.crossing_cells.items()})
        self.border_cells = np.flatnonzero(layers["crossing"].ravel() == Crossing.BORDER)
        self.land = (layers["terrain"] != Terrain.WATER) & ~layers["iraq"]
        self.zone_radius = max(1, int(self.params.zone_km / layers.frame.cell_km + 0.5))
        self.reach_radius = max(1, int(self.params.reach_km / layers.frame.cell_km + 0.5))
        self._town_cells = self._assign_town_cells()
        self.valley_town_cells = np.array(
            sorted(
                self.place_flat[p.id]
                for p in layers.places
                if p.is_town and p.bank in ("left", "right", "khabur") and not layers["iraq"][layers.place_cells[p.id]]
            ),
            dtype=np.int64,
        )
        self.oil_cells = np.flatnonzero(layers["oil"].ravel() > 0)
        self.oil_values = layers["oil"].ravel()[self.oil_cells]
        self.fortification = isis.prepared_defences(self.control, layers["terrain"], self.params, self.rules)
        self.fortification_flat = self.fortification.ravel()
        self.mined = np.zeros(self.nx * self.ny, dtype=bool)  # cells ISIS left mined as it withdrew (R12)
        self._distance_cache: dict[str, np.ndarray] = {}
        self.unsupplied: set[Unit] = set()
        self.layout_version = 0  # counts unit moves, arrivals and removals (see ``unit_cells``)
        self._unit_cells: tuple[int, list[set[int]], dict[int, set[int]]] = (-1, [], {})

    def _assign_town_cells(self) -> dict[str, np.ndarray]:
        """Each town's urban cells (the disc drawn on the map), its own cell for other places."""
        urban = np.flatnonzero(self.terrain_flat == Terrain.URBAN)
        towns = [p for p in self.layers.places if p.is_town]
        cells: dict[str, list[int]] = {p.id: [] for p in towns}
        if towns and urban.size:
            town_flat = np.array([self.place_flat[p.id] for p in towns])
            ux, uy = np.divmod(urban, self.ny)
            tx, ty = np.divmod(town_flat, self.ny)
            nearest = np.argmin((ux[:, None] - tx[None, :]) ** 2 + (uy[:, None] - ty[None, :]) ** 2, axis=1)
            for cell, town in zip(urban.tolist(), nearest.tolist(), strict=True):
                cells[towns[town].id].append(cell)
        result = {pid: np.array(sorted(set(c) | {self.place_flat[pid]}), dtype=np.int64) for pid, c in cells.items()}
        return result

    def _siege_corridor(self) -> np.ndarray:
        """R5 off: the Sukhnah road from al-Shula to the Panorama roundabout (6 km either side),
        short of the pockets the regime held through the siege (the airport, Brigade 137)."""
        layers = self.layers
        road = layers.road_cells.get("palmyra_dez", ())
        corridor = np.zeros(layers.frame.shape, dtype=bool)
        if not road or not {"shula", "panorama"} <= set(layers.place_cells):
            return corridor
        def nearest(place):
            px, py = layers.place_cells[place]
            return min(range(len(road)), key=lambda i: abs(road[i][0] - px) + abs(road[i][1] - py))
        for x, y in road[nearest("shula") : nearest("panorama") + 1]:
            corridor[max(x - 3, 0) : x + 4, max(y - 3, 0) : y + 4] = True
        for pocket in ("dez_airport", "brigade_137"):
            place = next(p for p in layers.places if p.id == pocket)
            corridor &= layers.frame.km_from(place.lat, place.lon) > SIEGE_POCKET_KM
        return corridor

    # ----- questions the rules and commanders ask -------------------------------------------
    def town_cells_at(self, cell: int) -> np.ndarray:
        """The cells of the town whose place cell is ``cell`` (the cell itself for other places)."""
        by_cell = self.static_cells("towns by cell", lambda: {
            self.place_flat[pid]: cells for pid, cells in self._town_cells.items()})
        return by_cell.get(cell, np.array([cell], dtype=np.int64))

    def town_cells(self, place: str) -> np.ndarray:
        if place in self._town_cells:
            return self._town_cells[place]
        return np.array([self.place_flat[place]], dtype=np.int64)

    def km_from_places(self, places: tuple[str, ...]) -> np.ndarray:
        """Distance (km) from every cell to the nearest of some places (cached)."""
        key = "|".join(places)
        if key not in self._distance_cache:
            frame = self.layers.frame
            known = [p for p in places if p in self.place_flat]
            if not known:
                self._distance_cache[key] = np.full(self.nx * self.ny, np.inf)
            else:
                centres = [frame.centre(divmod(self.place_flat[p], self.ny)) for p in known]
                self._distance_cache[key] = np.min([frame.km_from(*c).ravel() for c in centres], axis=0)
        return self._distance_cache[key]

    def static_cells(self, key: str, compute) -> np.ndarray:
        """Cells that depend only on the map (computed once per model by ``compute``)."""
        if key not in self._distance_cache:
            self._distance_cache[key] = compute()
        return self._distance_cache[key]

    def units_at(self, cell: int) -> list[Unit]:
        return [u for u in self.units if u.flat == cell]

    def hostile_power_in(self, code: int, cells: np.ndarray) -> float:
        """Combat power of the units hostile to ``code`` in some cells, times their defence there."""
        hostile = self.relations.hostile[code]
        wanted = self.hostile_unit_cells(code).intersection(cells.tolist())
        if not wanted:
            return 0.0
        by_cell: dict[int, list[Unit]] = {}
        for unit in self.units:
            if unit.flat in wanted and hostile[unit.code]:
                by_cell.setdefault(unit.flat, []).append(unit)
        return float(sum(battle.power(us) * battle.defence_multiplier(self, cell, us) for cell, us in by_cell.items()))

    def cells_apart(self, cells, targets: np.ndarray) -> list[int]:
        """For each of ``cells`` (flat), the Chebyshev distance in cells to the nearest of ``targets``."""
        ny = self.ny
        if len(cells) * len(targets) > 100:  # more than a few pairs: numpy is faster (in 32 bits, faster still)
            x, y = np.divmod(np.asarray(cells, dtype=np.int32), ny)
            tx, ty = np.divmod(np.asarray(targets, dtype=np.int32), ny)
            steps = np.abs(x[:, None] - tx[None, :])
            np.maximum(steps, np.abs(y[:, None] - ty[None, :]), out=steps)
            return steps.min(axis=1).tolist()
        target_xy = [divmod(t, ny) for t in targets.tolist()]
        apart = []
        for x, y in map(divmod, cells, repeat(ny)):
            nearest = None
            for tx, ty in target_xy:
                across = x - tx if x > tx else tx - x
                along = y - ty if y > ty else ty - y
                steps = across if across > along else along
                if nearest is None or steps < nearest:
                    nearest = steps
            apart.append(nearest)
        return apart

    def typical_unit_size(self, code: int) -> int:
        name = SIDES[code - 1]
        return getattr(self.params, f"{name}_unit_size")

    def enemy_cells(self, code: int, *banks: Bank) -> np.ndarray:
        """Valley and urban cells of some banks held by sides hostile to ``code`` (ascending)."""
        cells = self.static_cells(f"valley of banks {sorted(int(b) for b in banks)}", lambda: np.flatnonzero(
            np.isin(self.layers["bank"].ravel(), banks) & np.isin(self.terrain_flat, (Terrain.VALLEY, Terrain.URBAN))))
        return cells[self.relations.hostile[code][self.control_flat[cells]]]

    def unit_cells(self, code: int) -> set[int]:
        """The cells where a side's units stand (worked out again only after units moved, came or went)."""
        return self._unit_cells_now()[1][code]

    def hostile_unit_cells(self, code: int) -> set[int]:
        """The cells where units of sides hostile to ``code`` stand."""
        _, by_code, hostile = self._unit_cells_now()
        if code not in hostile:
            hostile[code] = set().union(*(by_code[h] for h in self.hostile_code_lists[code]))
        return hostile[code]

    def _unit_cells_now(self) -> tuple[int, list[set[int]], dict[int, set[int]]]:
        if self._unit_cells[0] != self.layout_version:
            self._unit_cells = (self.layout_version, [set(counts) for counts in self.units_by_cell], {})
        return self._unit_cells

    def hostile_present(self, code: int, cell: int) -> bool:
        """Whether units of a side hostile to ``code`` stand on a cell now."""
        by_cell = self.units_by_cell
        return any(cell in by_cell[h] for h in self.hostile_code_lists[code])

    def change_relations(self, relations: Relations) -> None:
        """Two sides' relation changed (a dated event): the lists of hostile sides follow."""
        self.relations = relations
        self.hostile_code_lists = [relations.hostile_codes(c) if c else [] for c in range(N_CODES)]
        self.layout_version += 1  # the cached cells of hostile units are out of date too

    def cells_with_units(self, codes) -> np.ndarray:
        """The cells (flat, ascending) where units of any of some sides stand."""
        return np.array(sorted(set().union(*(self.unit_cells(c) for c in codes))), dtype=np.int64)

    def enemy_units_near(self, code: int, place: str, km: float) -> np.ndarray:
        """Cells holding units hostile to ``code`` within ``km`` of a place, on the place's side of the river."""
        if place not in self.place_flat:
            return np.array([], dtype=np.int64)
        occupied = self.cells_with_units(self.hostile_code_lists[code])
        side = self.river_side_flat
        near = self.km_from_places((place,))[occupied] <= km
        same_bank = side[occupied] == side[self.place_flat[place]]
        return occupied[near & same_bank]

    def held_town_cells(self, code: int) -> np.ndarray:
        cells = self.valley_town_cells
        return cells[self.control_flat[cells] == code]

    def in_contact(self, unit: Unit) -> bool:
        """Whether units of a side hostile to the unit's stand on a neighbouring cell."""
        return not self.hostile_unit_cells(unit.code).isdisjoint(self.neighbour_lists[unit.flat])

    def objective(
        self, code: int, key: str, targets: np.ndarray, reach: np.ndarray | None = None, farthest: int | None = None
    ) -> Objective:
        """An objective with its distance field. The field is recomputed when its targets have changed
        and it is FIELD_REFRESH_DAYS old, at once when none of its old targets is still wanted, and when
        a unit found its way barred by a cell its side may no longer enter (the field is stale); in
        between, units walk toward the targets as they last knew them.

        ``reach`` (cells of the units to send) bounds the search: it stops a margin beyond the
        farthest of them, and is redone further out when a farther unit needs the field. ``farthest``
        (its straight-line distance in cells to the targets) spares working it out again, when known.
        """
        targets = np.asarray(targets, dtype=np.int64)
        new_list = targets.tolist()
        if not all(map(operator.lt, new_list, new_list[1:])):  # not ascending without repeats
            targets = np.unique(targets)
            new_list = targets.tolist()
        limit = self._search_limit(reach, targets, farthest)
        cached = self._fields.get((code, key))
        known = None
        blocked = self.blocked[code]
        if cached is not None:
            made_on, old_list, old_limit, objective, old_blocked = cached
            young = self.day - made_on < FIELD_REFRESH_DAYS
            drifted = old_list != new_list
            fresh = not objective.stale and (young or not drifted) and (
                not set(old_list).isdisjoint(new_list) if drifted else targets.size > 0)  # still wanted
            if fresh and limit <= old_limit:
                return objective
            if not objective.stale and not drifted and (old_blocked is blocked or np.array_equal(old_blocked, blocked)):
                known = objective.distance  # only the limit grew: the search goes on from where it stopped
        distance = self.network.field(targets, blocked, limit, known)
        objective = Objective(key, targets, distance)
        self._fields[(code, key)] = (self.day, new_list, limit, objective, blocked)
        return objective

    def _search_limit(self, reach: np.ndarray | None, targets: np.ndarray, farthest: int | None = None) -> float:
        """A bound on the march cost from the farthest unit: straight-line cells, at the dearest terrain,
        with room for detours; unbounded when the units are not known."""
        if reach is None or not len(reach):
            return np.inf
        if farthest is None:
            farthest = max(self.cells_apart(reach, targets))
        cells = float(farthest)
        return (cells * 1.5 + 10) * self.layers.frame.cell_km * SEARCH_SLACK

    def refresh_blocked(self) -> None:
        """The cells each side may not enter: held by a side at non-aggression with it (R1); while the
        regime and the SDF are at non-aggression, the other's bank of the river unless it holds the
        cell itself (R1's line); for the SDF in phase 1, beyond the line through al-Suwar (R7); and
        the enemy cells a side bypasses (sim/siege.py)."""
        phase_one = self.rules.on("R7") and not sdf.in_phase_two(self)
        screened = tuple((code, tuple(siege.bypassed_cells(self, code))) for code in sorted(self.bypassed))
        key = (self.control_flat.tobytes(), self.relations, phase_one, screened)  # often unchanged
        if getattr(self, "_blocked_key", None) == key:
            return
        self._blocked_key = key
        peace = self.relations.non_aggression
        nothing = getattr(self, "_nothing_blocked", None)
        if nothing is None:
            nothing = self._nothing_blocked = np.zeros(self.nx * self.ny, dtype=bool)
        by_row: dict[bytes, np.ndarray] = {}  # sides with the same peace make one lookup (regime, opposition)
        self.blocked = [nothing] * N_CODES
        for c in range(1, N_CODES):
            if peace[c].any():
                row = peace[c].tobytes()
                if row not in by_row:  # cells held by any side at peace with it (comparisons: faster than a take)
                    first, *others = np.flatnonzero(peace[c]).tolist()
                    held = self.control_flat == first
                    for other in others:
                        held |= self.control_flat == other
                    by_row[row] = held
                self.blocked[c] = by_row[row]
        if phase_one:
            self.blocked[SDF] = self.blocked[SDF] | self.beyond_stop_line_cells()
        if peace[REGIME, SDF]:
            for code, across in self._across_the_line().items():
                self.blocked[code] = self.blocked[code] | (across & (self.control_flat != code))
        for code, cells in screened:
            if cells:
                self.blocked[code] = self.blocked[code].copy()
                self.blocked[code][list(cells)] = True

    def beyond_stop_line_cells(self) -> np.ndarray:
        """R7's phase-1 limit: the cells (flat, boolean) beyond the line through al-Suwar (kept once made)."""
        return self.static_cells("R7: beyond the stop line", lambda: sdf.beyond_stop_line(self.layers))

    def _across_the_line(self) -> dict[int, np.ndarray]:
        """R1's river line: the cells on the other's bank, for the regime and the SDF (kept once made)."""
        if not hasattr(self, "_line"):
            across = deconfliction.across_the_line(
                self.river_side_flat, self.km_from_places(deconfliction.POCKET_PLACES), self.params.city_left_bank_km)
            self._line = {side_code(side): cells for side, cells in across.items()}
        return self._line

    def sortie_budgets(self, day: int | None = None) -> dict[int, float]:
        """Each air force's sorties for a day (today by default), by the code of the side it flies for:
        its budget for the period, less what the weather grounds, none in its side's humanitarian pause
        (sim/air/doctrine.py). A zero says that air force is not up."""
        return sortie_budgets(self, day)

    def pausing_sides(self, day: int | None = None) -> set[int]:
        """The sides (codes) holding a humanitarian pause on a day (today by default)."""
        day = self.day if day is None else day
        return {code for first, last, code in self.humanitarian_pauses if first <= day <= last}

    # ----- things that happen to units ---------------------------------------------------------
    def add_unit(self, side: str, kind: str, strength: int, flat: int, *, posture: str, group: str, flow: str) -> Unit:
        unit = Unit(
            self, side=side, kind=self.kinds[kind], strength=int(strength), flat=int(flat), posture=posture, group=group
        )
        self.units.append(unit)
        self.ledger[unit.code][flow] += unit.strength
        return unit

    def remove_unit(self, unit: Unit) -> None:
        self.units.remove(unit)
        unit.remove()

    def surrender(self, unit: Unit) -> None:
        """The unit gives up: its fighters count as defected (surrendered, captured or deserted)."""
        self.ledger[unit.code]["defected"] += unit.strength
        unit.strength = 0
        self.remove_unit(unit)

    def break_up(self, unit: Unit) -> None:
        """A unit too weak to fight: its fighters walk to the nearest unit of its side with room that
        they can reach within ``regroup_km`` through passable ground their side holds or no one holds
        (not out of an encirclement, not across the river but at a crossing); if there is none they
        are lost: captured or dispersed, counted as defected."""
        if unit.strength > 0:
            friend = self._regroup_with(unit)
            if friend is not None:
                friend.strength += unit.strength
            else:
                self.ledger[unit.code]["defected"] += unit.strength
        unit.strength = 0
        self.remove_unit(unit)

    def _regroup_with(self, unit: Unit) -> Unit | None:
        """The unit of its side nearest by walking that a broken-up unit's fighters can join (or None)."""
        code, fighters = unit.code, unit.strength
        friends_at = self.units_by_cell[code]
        minimum = self.params.min_unit_fighters
        steps = int(self.params.regroup_km / self.layers.frame.cell_km)
        passable, control, neighbours = self.network.passable, self.control_flat, self.neighbour_lists
        seen = {unit.flat}
        ring = [unit.flat]
        for _ in range(steps + 1):
            found = [u for cell in ring if cell in friends_at for u in self.units_at(cell)
                     if u is not unit and u.code == code and u.strength >= minimum
                     and self.stacked[code, cell] + fighters <= self.stack_limit]
            if found:
                return min(found, key=lambda u: (u.flat, u.unique_id))
            following = []
            for cell in ring:
                for near in neighbours[cell]:
                    if near < 0 or near in seen or not passable[near] or control[near] not in (0, code):
                        continue
                    seen.add(near)
                    following.append(near)
            if not following:
                return None
            ring = following
        return None

    def lay_mines(self, cell: int) -> None:
        """ISIS leaves a cell it held mined and booby-trapped (R12): the next enemy to enter pays."""
        if self.rules.on("R12") and self.control_flat[cell] == ISIS and self.params.isis_mine_days > 0:
            self.mined[cell] = True

    def harm_civilians(self, cell: int, intensity: float, sorties: dict[int, int]) -> int:
        return self.population.harm(cell, intensity, sorties)

    def record_engagement(self, engagement, attacker_losses: int, defender_losses: int, civilians: int) -> None:
        self.recorder.engagement(engagement, attacker_losses, defender_losses, civilians)

    # ----- the day --------------------------------------------------------------------------
    def step(self) -> None:
        self.day += 1
        self.refresh_blocked()
        if self.day % PLAN_INTERVAL == 1 or PLAN_INTERVAL == 1:
            for commander in self.commanders:
                commander.plan()
        self.air.dawn()
        march.march(self)
        battle.fight(self)
        self._attrition()
        self._update_control()
        self._supply_and_morale()
        self.population.step()
        self.recorder.record_day()
        if self.day >= self.end_day:
            self.running = False

    def run(self) -> CampaignModel:
        while self.running:
            self.step()
        return self

    def release(self) -> None:
        """Done with this model: its units leave the map and its grid goes back for the next model of
        the same map in this process. The model's tables and figures stay readable; it can no longer step."""
        for unit in list(self.units):
            self.remove_unit(unit)
        self.running = False
        release_grid(self.layers, self.grid)

    def _attrition(self) -> None:
        bukamal_km = self.km_from_places(("bukamal",))
        params, rules, day, draws = self.params, self.rules, self.day, self.draws
        isis_units = [u for u in self.units if u.code == ISIS]
        shaken = self.defected_yesterday
        self.defected_yesterday = set()
        contagion = np.zeros(len(isis_units))
        if shaken and isis_units:  # the share of the ISIS units within two cells whose fighters defected yesterday
            n = len(isis_units)
            x, y = np.divmod(np.array([u.flat for u in isis_units] + sorted(shaken)), self.ny)  # units, then shaken
            close = np.maximum(np.abs(x[:n, None] - x), np.abs(y[:n, None] - y)) <= 2
            contagion = np.minimum(1.0, close[:, n:].sum(axis=1) / np.maximum(close[:, :n].sum(axis=1), 1))
        # the units' distances as Python floats (a numpy scalar each would slow the rule's arithmetic)
        km_to_bukamal = bukamal_km[[u.flat for u in isis_units]].tolist()
        unsupplied, ledger = self.unsupplied, self.ledger[ISIS]
        for unit, pressure, km in zip(isis_units, contagion.tolist(), km_to_bukamal, strict=True):
            rate = isis.defection_rate(unit.morale, unit.supply, unit in unsupplied, pressure, day, km, params, rules)
            if rate > 0:
                rng = draws.generator("defection", day, unit.unique_id)
                locals_ = int(rng.binomial(unit.strength - unit.foreign, rate))
                foreigners = int(rng.binomial(unit.foreign, rate * params.isis_foreign_defection))
                lost = unit.defect(locals_, foreigners)
                if lost:
                    ledger["defected"] += lost
                    self.defected_yesterday.add(unit.flat)
        # the day's draws for the whole side (after the units' draws, which reset the stream), taken only
        # when there is something to draw: each purpose's draws are its own, so none other shifts
        drain = isis.raqqa_drain(self.day, self.params, self.rules)
        from_iraq = isis.reinforcement_from_iraq(self.params, self.rules)
        rng = self.draws.generator("defection", self.day) if drain > 0 or from_iraq > 0 else None
        if drain > 0:
            owed = int(rng.poisson(drain))
            for unit in sorted((u for u in self.units if u.code == ISIS), key=lambda u: (-u.strength, u.unique_id)):
                if owed <= 0:
                    break
                taken = unit.lose(min(owed, max(0, unit.strength - params.min_unit_fighters)))
                self.ledger[ISIS]["withdrawn"] += taken
                owed -= taken
        if from_iraq > 0:
            arrived = int(rng.poisson(from_iraq))
            self.pools[ISIS] += arrived
            self.ledger[ISIS]["arrived"] += arrived
        for unit in [u for u in self.units if u.strength < params.min_unit_fighters]:
            self.break_up(unit)

    def _update_control(self) -> None:
        shape = (self.nx, self.ny)
        standing = dict(enumerate(self.units_by_cell))
        presence, zones = side_bits(shape, standing, self.layers["river_side"], self.land, self.zone_radius)
        every = ENCIRCLE_INTERVAL
        update_control(self.control, presence, zones, self.land, self.relations.hostile,
                       encircle=self.day % every == 0)
        if self.day % every == 0:
            _, reach = side_bits(shape, standing, self.layers["river_side"], self.land, self.reach_radius)
            params = self.params
            sweep_and_lapse(self.control, reach, self.land, self.relations.hostile, self.unswept, self.alone,
                            every, params.rear_clearing_days, params.hold_lapse_days, self.desert)
            hostile_zone = np.zeros(self.nx * self.ny, dtype=bool)  # cells in contact: no building there
            for code in self.hostile_code_lists[ISIS]:
                hostile_zone |= (zones & np.uint8(1 << code)) != 0
            isis.build_defences(self.fortification, self.control, self.layers["terrain"], ~hostile_zone, every,
                                params, self.rules)
        isis.decay_lost_defences(self.fortification, self.control, self.params, self.defensible_cells)

    def _supply_and_morale(self) -> None:
        params = self.params
        if self.day % SUPPLY_INTERVAL == 1 or SUPPLY_INTERVAL == 1:
            self.unsupplied = self._cut_off_units()
        oil_held = np.bincount(self.control_flat[self.oil_cells], weights=self.oil_values, minlength=N_CODES).tolist()
        recovery = [params.supply_recovery * economy.supply_multiplier(held, params, self.rules) for held in oil_held]
        self._oil_recruits(oil_held)
        unsupplied, day, morale_recovery = self.unsupplied, self.day, params.morale_recovery
        for unit in self.units:
            if unsupplied and unit in unsupplied:
                unit.supply = max(0.0, unit.supply - params.supply_decay)
                unit.morale = max(0.0, unit.morale - params.isolation_morale_loss)
            else:
                supply = unit.supply + recovery[unit.code]
                unit.supply = supply if supply < 1.0 else 1.0  # (min(1.0, supply), without the call)
            if unit.engaged_on != day:
                unit.morale += morale_recovery * (unit.kind.morale - unit.morale)

    def _oil_recruits(self, oil_held: list[float]) -> None:
        """R15: the fields' revenue pays new fighters for ISIS and the SDF (to their pools, formed into
        units with their recruits)."""
        for side in economy.OIL_FUNDED:
            code = side_code(side)
            expected = economy.oil_recruits(oil_held[code], self.params, self.rules)
            if expected > 0:
                paid = int(self.draws.generator("population", self.day, 4 + code).poisson(expected))
                self.pools[code] += paid
                self.ledger[code]["recruited"] += paid

    def _cut_off_units(self) -> set[Unit]:
        """Units whose cell is not joined to one of its side's sources through cells its side holds
        or no one holds (convoys cross the empty desert, not the enemy's ground)."""
        from sim.supply_lines import SupplyLines

        cut = set()
        units_of: list[list[Unit]] = [[] for _ in range(N_CODES)]
        for unit in self.units:
            units_of[unit.code].append(unit)
        lines = SupplyLines(self.control)
        for code in range(1, N_CODES):
            mine = units_of[code]
            if not mine:
                continue
            if code == ISIS:
                sources = self.held_town_cells(ISIS)
            else:
                sources = [self.place_flat[p] for p in SUPPLY_SOURCES.get(code, ()) if p in self.place_flat]
            fed = lines.supplied(code, [u.flat for u in mine], sources)  # through its own or no one's ground
            cut.update(u for u, ok in zip(mine, fed.tolist(), strict=True) if not ok)
        return cut


__all__ = ["CampaignModel"]
