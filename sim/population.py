"""The people of the valley: flight from fighting, from air strikes and ahead of an approaching front,
to the camps (with their capacities), across the river or to the nearest quiet town; return once a
place has been quiet long enough; civilian deaths by ground fire and by each air force; civilians who
slow an assault on their cell; sectarian tension; and recruitment (R10 for the SDF, R11 for ISIS),
which takes its recruits out of the population, on the map's property layers.

Per-cell work is bulk numpy over the inhabited valley, whose tension and attitudes are kept as
arrays of their own (worked on in place, copied to the map's layers each day); the few cells fought
over in a day are remembered as they are struck and handled as index arrays and short loops, so a
day's work never scans the whole map. What depends on the map only (the nearest camp of each cell,
the towns nearest a cell people flee, the valley cells near a militia's cell) is worked out once and
kept (the last two for every model of the same map in the process, as sweeps run many), and the
militias' footprint and the sides' units near each valley cell only when units have moved. The two
loops over cells, the marking of the cells near units and the sheltering of the fleeing, are compiled
(``sim.population_kernels``).
"""

from __future__ import annotations

import numpy as np

from sim.codes import Bank, Terrain, side_code
from sim.events import spawn_at
from sim.geography import layer
from sim.population_kernels import mark_near, position_grid, shelter
from sim.rules import population as tension_rules
from sim.rules import sdf as sdf_rules

REGIME, SDF, ISIS = side_code("regime"), side_code("sdf"), side_code("isis")
CAMPS = ("hol_camp", "abu_khashab_camp")
NEIGHBOUR_FLIGHT = 0.5  # neighbours of a fighting cell flee at half the rate
LONG_AGO = -(10**6)  # the day of last unrest of a place that has seen none
MILITIA_REACH = 2  # cells around an Iranian-backed militia unit where tension rises
DAMAGE_PER_INTENSITY, DAMAGE_PER_SORTIE = 0.02, 0.01
FAR = np.iinfo(np.int64).max  # a squared distance beyond any on the map
#: the kind of unit a side's recruits form
RECRUIT_KINDS = {SDF: ("sdf", "dmc_tribal"), ISIS: ("isis", "isis"), REGIME: ("regime", "ndf_militia")}
SDF_GOODWILL = 0.001  # daily rise of attitude toward the SDF where it holds and tension is low (assumption)


class RefugeRanking:
    """The towns on a cell's side of the river, nearest first, for the cells ranked so far: row
    ``row_of[cell]`` of ``order`` (its first ``lengths[row]`` entries), or -1 for a cell not yet ranked."""

    def __init__(self, size: int, width: int):
        self.row_of = np.full(size, -1, dtype=np.int64)
        self.order = np.zeros((64, max(1, width)), dtype=np.int64)
        self.lengths = np.zeros(64, dtype=np.int64)
        self.rows = 0

    def add(self, cells: list[int], towns: list[list[int]]) -> None:
        """Rank ``cells``: each one's towns, nearest first."""
        needed = self.rows + len(cells)
        if needed > self.lengths.size:
            grown = max(needed, 2 * self.lengths.size)
            self.order = np.concatenate([self.order, np.zeros((grown - self.lengths.size, self.order.shape[1]),
                                                              dtype=np.int64)])
            self.lengths = np.concatenate([self.lengths, np.zeros(grown - self.lengths.size, dtype=np.int64)])
        for cell, ranked in zip(cells, towns, strict=True):
            row = self.rows
            self.order[row, : len(ranked)] = ranked
            self.lengths[row] = len(ranked)
            self.row_of[cell] = row
            self.rows += 1

    def towns(self, cell: int) -> list[int]:
        """A ranked cell's towns, nearest first."""
        row = int(self.row_of[cell])
        return self.order[row, : self.lengths[row]].tolist()


#: per map (by id, with the map kept to tell a new map at a reused id): the towns nearest first and the
#: valley positions within MILITIA_REACH, by cell, as far as models of that map have needed them
_KNOWN_BY_MAP: dict[int, tuple[object, dict[str, RefugeRanking], dict[int, np.ndarray]]] = {}


def _known_for(layers) -> tuple[object, dict[str, RefugeRanking], dict[int, np.ndarray]]:
    """What models of this map have worked out already (kept for the last two maps used)."""
    known = _KNOWN_BY_MAP.get(id(layers))
    if known is None or known[0] is not layers:
        if len(_KNOWN_BY_MAP) >= 2:
            _KNOWN_BY_MAP.clear()
        known = _KNOWN_BY_MAP[id(layers)] = (layers, {}, {})
    return known


class PopulationModel:
    def __init__(self, model):
        self.model = model
        grid = model.grid
        params = model.params
        self.residents = grid.population.data
        self.residents *= params.population_remaining
        self.residents_flat = self.residents.ravel()
        self.fighting = layer(grid, "fighting", 0.0).ravel()
        self.damage = layer(grid, "damage", 0.0).ravel()
        self.tension = layer(grid, "tension", 0.0).ravel()
        self.attitude_sdf = layer(grid, "attitude_sdf", params.initial_attitude_sdf).ravel()
        self.attitude_regime = layer(grid, "attitude_regime", params.initial_attitude_regime).ravel()
        #: cells struck today (by ``harm``): the only cells where ``fighting`` is not zero
        self.struck: list[int] = []
        layers = model.layers
        self.river_side = layers["river_side"].ravel()
        self.left_bank = self.river_side == Bank.LEFT
        valley = np.isin(model.terrain_flat, (Terrain.VALLEY, Terrain.URBAN)) & model.land.ravel()
        #: the inhabited valley, where tension, attitudes, recruitment and raids are worked out (the
        #: desert's handful of people do not move these figures)
        self.valley_cells = np.flatnonzero(valley)
        self.valley_xy = np.divmod(self.valley_cells, model.ny)
        self.valley_governorate = layers["governorate"].ravel()[self.valley_cells]  # R10: Deir ez-Zor's tribes
        self.valley_position = {cell: i for i, cell in enumerate(self.valley_cells.tolist())}  # cell -> position
        #: the valley's tension and attitudes (the state; the map's layers get a copy each day)
        self.valley_tension = self.tension[self.valley_cells]
        self.valley_attitude_sdf = self.attitude_sdf[self.valley_cells]
        self.valley_attitude_regime = self.attitude_regime[self.valley_cells]
        self.valley_damage_today = np.zeros(self.valley_cells.size)  # the day's new destruction in the valley
        known = _known_for(model.layers)
        self.militia_reach: dict[int, np.ndarray] = known[2]  # cell -> valley positions within MILITIA_REACH of it
        self.militia_cells: list[int] | None = None  # where the militias stood when militia_near was made
        self.militia_near = np.zeros(self.valley_cells.size)
        self.layout_seen = -1  # the model's layout_version when the militias were last looked for
        self.roster: tuple[int, object] = (0, None)  # the count and last of the model's units when militias were listed
        self.militias: list = []
        self.camp_cells = np.array([model.place_flat[c] for c in CAMPS if c in model.place_flat], dtype=np.int64)
        self.is_camp = np.zeros(self.residents_flat.size, dtype=bool)
        self.is_camp[self.camp_cells] = True
        self.camps = set(self.camp_cells.tolist())
        self.camp_index = np.full(self.residents_flat.size, -1, dtype=np.int64)  # cell -> its place in camp_cells
        self.camp_index[self.camp_cells] = np.arange(self.camp_cells.size)
        self.nearest_camp = self._nearest_camps(model.nx, model.ny)
        urban = np.flatnonzero((model.terrain_flat == Terrain.URBAN) & model.land.ravel())
        self.refuges = urban
        self.refuge_x, self.refuge_y = np.divmod(urban, model.ny)
        self.refuge_side = self.river_side[urban]
        self.refuges_on_side = np.bincount(self.refuge_side, minlength=max(Bank) + 1).tolist()
        if "ranking" not in known[1]:
            known[1]["ranking"] = RefugeRanking(self.residents_flat.size, max(self.refuges_on_side))
        self.refuge_ranking: RefugeRanking = known[1]["ranking"]  # each cell's towns on its side, nearest first
        self.unsafe = np.zeros(self.residents_flat.size, dtype=bool)  # (all False between flights)
        self.displaced = 0.0  # every flight counted
        self.to_camps = 0.0
        self.deaths = 0
        self.air_deaths = {REGIME: 0, SDF: 0}  # civilians killed by each air force (by its patron's code)
        self.last_air_deaths: dict[int, int] = {}  # by air force, in the last engagement or strike harmed
        capacity = {"hol_camp": params.hol_capacity, "abu_khashab_camp": params.abu_khashab_capacity}
        self.camp_capacity = np.array([capacity[c] for c in CAMPS if c in model.place_flat], dtype=float)
        size = self.residents_flat.size
        self.away = np.zeros(size)  # people displaced from each cell and not back
        self.hosted = np.zeros(size)  # displaced people staying in each cell (a town or a camp)
        self.returned = 0.0
        self.last_unrest = np.full(size, LONG_AGO, dtype=np.int64)  # the last day of fighting, strikes or front near
        self.front_cells = max(1, round(params.front_flight_km / model.layers.frame.cell_km)) \
            if params.front_flight_km > 0 else 0
        self.valley_position_grid = position_grid(size, self.valley_cells)  # cell -> position in the valley, or -1
        self.near = np.zeros(self.valley_cells.size, dtype=np.uint8)  # by valley cell, sides with units near it
        self.near_seen = -1  # the model's layout_version when ``near`` was marked
        self.hostile_key: bytes | None = None  # the relations' hostility when ``hostile_bits`` was made
        self.hostile_bits = np.zeros(0, dtype=np.uint8)

    def _nearest_camps(self, nx: int, ny: int) -> np.ndarray | None:
        """The camp nearest to each cell (flat; the first of equals), or None on a map without camps."""
        if not self.camp_cells.size:
            return None
        camp_x, camp_y = (c[:, None, None] for c in np.divmod(self.camp_cells, ny))
        x, y = np.arange(nx)[None, :, None], np.arange(ny)[None, None, :]
        squared = (x - camp_x) ** 2 + (y - camp_y) ** 2  # by camp, x and y
        return self.camp_cells[np.argmin(squared, axis=0).ravel()]

    @property
    def total(self) -> float:
        return float(self.residents_flat.sum())

    @property
    def in_camps(self) -> float:
        return float(self.residents_flat[self.camp_cells].sum()) if self.camp_cells.size else 0.0

    def harm(self, cell: int, intensity: float, air: dict[int, int]) -> int:
        """Civilian deaths in ``cell`` from ground fire of some ``intensity`` and from each air force's
        sorties (``air``: by the code of the side it flies for), each a Poisson count of its own;
        destruction, and the day's fighting that people flee (an air strike as ``strike_flight`` of
        fighting per sortie)."""
        model = self.model
        params = model.params
        residents = self.residents_flat.item(cell)  # a Python float: cheaper arithmetic than a numpy scalar's
        per_thousand = residents / 1000.0
        deaths = 0
        # an empty cell's counts are zero without a draw (a Poisson count of mean 0 takes none), and each
        # count's draws are keyed by its cell and air force, so none other shifts
        if intensity > 0 and residents:
            rng = model.draws.generator("population", model.day, cell)
            deaths = min(int(rng.poisson(params.ground_civilian_harm * per_thousand * intensity)), int(residents))
        self.last_air_deaths = {}
        for code, sorties in air.items():
            harm = params.russian_civilian_harm if code == REGIME else params.coalition_civilian_harm
            killed = 0
            if residents:
                rng = model.draws.generator("population", model.day, cell, code)
                killed = min(int(rng.poisson(harm * sorties * per_thousand)), int(residents) - deaths)
            self.last_air_deaths[code] = killed
            self.air_deaths[code] = self.air_deaths.get(code, 0) + killed
            deaths += killed
        if deaths:
            self.residents_flat[cell] = residents - deaths
            if self.hosted.item(cell) > 0 and residents > 0:
                self.hosted[cell] *= 1.0 - deaths / residents
        self.deaths += deaths
        sorties = sum(air.values())
        new_damage = DAMAGE_PER_INTENSITY * intensity + DAMAGE_PER_SORTIE * sorties
        self.damage[cell] += new_damage
        position = self.valley_position.get(cell)
        if position is not None:
            self.valley_damage_today[position] += new_damage
        self.fighting[cell] += intensity + params.strike_flight * sorties
        self.struck.append(int(cell))
        return deaths

    def restraint(self, cell: int, attacker: int) -> float:
        """The share of their fire attackers bring on a cell with civilians in it: 1/(1 + residents per
        km² / ``shield_density``), so a crowded pocket holds longer (ISIS, using them as shields, is
        not restrained)."""
        if attacker == ISIS:
            return 1.0
        density = self.residents_flat[cell] / self.model.layers.frame.cell_area_km2
        return 1.0 / (1.0 + density / self.model.params.shield_density)

    @property
    def displaced_now(self) -> float:
        """People away from their homes today (in towns or camps)."""
        return float(self.away.sum())

    def step(self) -> None:
        """The day's flight, returns, tension and attitudes, recruitment and raid plans; then today is over."""
        self._flee()
        self._come_home()
        v = self.valley_cells
        control = self.model.control_flat[v]  # units formed by recruits change neither control nor residents
        sdf_held = control == SDF
        tension = self._tension_and_attitudes(sdf_held)
        residents = self.residents_flat[v]
        self._recruit(residents, control, sdf_held, tension)
        self._plan_raids(residents, control, tension)
        self._end_day()

    def _end_day(self) -> None:
        """Today's fighting (at the cells struck today, zero everywhere else) and new destruction back to zero."""
        if self.struck:
            self.fighting[self.struck] = 0.0
            self.valley_damage_today.fill(0.0)
            self.struck.clear()

    # ----- flight ---------------------------------------------------------------------------
    def _flee(self) -> None:
        """People leave cells where fighting or a strike happened today (and, fewer, their
        neighbours), cells the front is coming near (``front_flee_rate``) and, in a humanitarian pause,
        the enemy ground the pausing side faces (``evacuation_rate``). From the left bank and the Khabur
        ``camp_share`` of them go to the nearest camp, from the right bank ``across_river_share`` cross
        to the SDF's side and its camps, while the camps have room; the rest go to the nearest town on
        their side of the river with no fighting today."""
        model = self.model
        params = model.params
        fought = self._flight_rates()
        cells, share = self._front_and_pause_rates()  # map order
        if fought:  # the larger of the two shares where both apply
            ordered = sorted(fought)
            fought_cells = np.array(ordered, dtype=np.int64)
            fought_share = 1.0 - np.exp(-params.flee_rate * np.array([fought[cell] for cell in ordered]))
            if cells.size:
                both = np.concatenate((cells, fought_cells))
                both.sort()
                both = both[np.concatenate(([True], both[1:] != both[:-1]))]  # ascending, each cell once
                merged = np.zeros(both.size)
                merged[np.searchsorted(both, cells)] = share
                at = np.searchsorted(both, fought_cells)
                merged[at] = np.maximum(merged[at], fought_share)
                cells, share = both, merged
            else:
                cells, share = fought_cells, fought_share
        if not cells.size:
            return
        self.last_unrest[cells] = model.day
        leaving = self.residents_flat[cells] * share
        leaving[self.is_camp[cells]] = 0.0  # people in the camps stay
        left = leaving.sum()
        if left <= 0:
            return
        self.residents_flat[cells] -= leaving
        self.displaced += float(left)
        hosted_leaving = self.hosted[cells] * (leaving / np.maximum(self.residents_flat[cells] + leaving, 1e-9))
        self.hosted[cells] -= hosted_leaving  # displaced again: already away from home
        self.away[cells] += leaving - hosted_leaving  # (each cell once)
        to_camp = self._to_camps(cells, leaving)
        self._shelter(cells, leaving - to_camp)

    def _to_camps(self, cells: np.ndarray, leaving: np.ndarray) -> np.ndarray:
        """The people of ``leaving`` who reach a camp (the nearest to their cell), within its room."""
        if not self.camp_cells.size:
            return np.zeros_like(leaving)
        params = self.model.params
        share = np.where(self.left_bank[cells], params.camp_share, 0.0)
        share = np.where(self.river_side[cells] == Bank.RIGHT, params.across_river_share, share)
        wanted = leaving * share
        if not wanted.any():
            return wanted
        camp = self.camp_index[self.nearest_camp[cells]]
        asking = np.bincount(camp, weights=wanted, minlength=self.camp_cells.size)
        room = np.maximum(self.camp_capacity - self.residents_flat[self.camp_cells], 0.0)
        admitted = np.where(asking > 0, np.minimum(1.0, room / np.maximum(asking, 1e-9)), 0.0)
        to_camp = wanted * admitted[camp]
        arrivals = np.bincount(camp, weights=to_camp, minlength=self.camp_cells.size)
        self.residents_flat[self.camp_cells] += arrivals
        self.hosted[self.camp_cells] += arrivals
        self.to_camps += float(arrivals.sum())
        return to_camp

    def _flight_rates(self) -> dict[int, float]:
        """The cells people flee today for fighting or strikes and their flight rates: the fighting in a
        cell, or half the fighting next door if that is more."""
        rate: dict[int, float] = {}  # only rates above zero
        if not self.struck:
            return rate
        fighting, neighbour_lists = self.fighting, self.model.neighbour_lists
        for cell in set(self.struck):
            intensity = float(fighting[cell])
            if not intensity > 0:
                continue
            if rate.get(cell, 0.0) < intensity:
                rate[cell] = intensity
            spill = intensity * NEIGHBOUR_FLIGHT
            for neighbour in neighbour_lists[cell]:
                if neighbour >= 0 and rate.get(neighbour, 0.0) < spill:
                    rate[neighbour] = spill
        return rate

    def _front_and_pause_rates(self) -> tuple[np.ndarray, np.ndarray]:
        """The inhabited valley cells a front is coming near (ascending): units of a side hostile to
        the cell's holder within ``front_flight_km`` (its people leave at ``front_flee_rate`` a day),
        and in a humanitarian pause the enemy cells near the pausing side's units (``evacuation_rate``);
        and their rates (above zero)."""
        model = self.model
        params = model.params
        pausing = model.pausing_sides()
        if not self.front_cells or (params.front_flee_rate <= 0 and not pausing):
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        v = self.valley_cells
        holder = model.control_flat[v]
        near = self._units_near()  # by valley cell, the bits of the sides with units within reach
        enemy_near = near & self._hostile_bits()[holder]  # ... of the sides hostile to its holder
        threatened = enemy_near != 0
        people = self.residents_flat[v] > 1.0
        pause_bits = sum(1 << code for code in pausing if 0 < code < 8)
        if pause_bits:
            evacuated = (enemy_near & np.uint8(pause_bits)) != 0
            rates = np.where(evacuated, max(params.evacuation_rate, params.front_flee_rate), params.front_flee_rate)
            leaving = threatened & people & (rates > 0)
            return v[leaving], rates[leaving]
        if params.front_flee_rate <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        leaving = np.flatnonzero(threatened & people)
        return v[leaving], np.full(leaving.size, params.front_flee_rate)

    def _units_near(self) -> np.ndarray:
        """By valley cell, the bits (``1 << code``) of the sides with units within ``front_flight_km`` (a
        square of cells); worked out again only when units moved, came or went."""
        model = self.model
        if model.layout_version != self.near_seen:
            self.near_seen = model.layout_version
            cells, bits = [], []
            for code, standing in enumerate(model.units_by_cell):
                if code and standing:
                    cells.extend(standing)
                    bits.extend([1 << code] * len(standing))
            mark_near(np.array(cells, dtype=np.int64), np.array(bits, dtype=np.uint8), self.valley_position_grid,
                      model.nx, model.ny, self.front_cells, self.near)
        return self.near

    def _hostile_bits(self) -> np.ndarray:
        """By holder's code, the bits (``1 << code``) of the sides hostile to it."""
        hostile = self.model.relations.hostile
        key = hostile.tobytes()
        if key != self.hostile_key:
            self.hostile_key = key
            codes = np.arange(hostile.shape[0])
            weights = np.where(codes > 0, 1 << codes, 0)
            self.hostile_bits = (hostile.astype(np.int64) * weights[:, None]).sum(axis=0).astype(np.uint8)
        return self.hostile_bits

    def _come_home(self) -> None:
        """People displaced from a place quiet for ``return_quiet_days`` (no fighting, no strike, no
        front near) come back at ``return_rate`` a day, from the towns that host them (in proportion to
        whom each hosts); those in the camps stay (leaving needs a sponsor, not modelled)."""
        model = self.model
        params = model.params
        if params.return_rate <= 0:
            return
        homes = (self.away > 0.5).nonzero()[0]  # (flatnonzero's answer on a flat array, without its wrapping)
        if not homes.size:
            return
        homes = homes[model.day - self.last_unrest[homes] >= params.return_quiet_days]
        if not homes.size:
            return
        hosts = (self.hosted > 0).nonzero()[0]
        hosts = hosts[~self.is_camp[hosts]]
        outside_camps = float(self.hosted[hosts].sum())
        coming = self.away[homes] * params.return_rate
        total = float(coming.sum())
        if total <= 0 or outside_camps <= 0:
            return
        if total > outside_camps:
            coming *= outside_camps / total
            total = outside_camps
        leaving_hosts = self.hosted[hosts] * (total / outside_camps)
        self.hosted[hosts] -= leaving_hosts
        self.residents_flat[hosts] -= np.minimum(leaving_hosts, self.residents_flat[hosts])
        self.away[homes] -= coming
        self.residents_flat[homes] += coming
        self.returned += total

    def _shelter(self, cells: np.ndarray, people: np.ndarray) -> None:
        """People fleeing ``cells`` go to the nearest town on their side of the river that nobody
        flees today; with none, they stay."""
        ranking = self.refuge_ranking
        unranked = cells[ranking.row_of[cells] < 0]
        if unranked.size:
            self._rank_refuges(unranked)
        shelter(cells, people, ranking.order, ranking.lengths, ranking.row_of, self.unsafe, self.residents_flat,
                self.hosted)

    def _rank_refuges(self, cells: np.ndarray) -> None:
        """Rank, for each of ``cells``, the towns on its side of the river, nearest first (equals in
        map order), and keep the ranking in ``refuge_ranking``."""
        x, y = np.divmod(cells, self.model.ny)
        squared = (x[:, None] - self.refuge_x[None, :]) ** 2 + (y[:, None] - self.refuge_y[None, :]) ** 2
        sides = self.river_side[cells]
        squared[sides[:, None] != self.refuge_side[None, :]] = FAR  # towns across the river rank last...
        nearest_first = np.argsort(squared, axis=1, kind="stable")[:, : max(self.refuges_on_side)]
        ranked = self.refuges[nearest_first].tolist()
        on_side = self.refuges_on_side
        self.refuge_ranking.add(cells.tolist(), [towns[: on_side[side]] for side, towns in
                                                 zip(sides.tolist(), ranked, strict=True)])  # ...and are cut off

    # ----- R11 and attitudes ----------------------------------------------------------------
    def _tension_and_attitudes(self, sdf_held: np.ndarray) -> np.ndarray:
        """Tension and both attitudes in the valley (``sdf_held``: its cells the SDF holds), copied to
        the map's layers; returns the tension."""
        model = self.model
        tension = self.valley_tension
        tension_rules.raise_tension(tension, self._militia_near(), self.valley_damage_today, model.params, model.rules)
        tension_rules.sour_attitudes(self.valley_attitude_regime, tension)
        self._sdf_attitude(sdf_held, tension)
        v = self.valley_cells
        self.tension[v] = tension
        self.attitude_regime[v] = self.valley_attitude_regime
        self.attitude_sdf[v] = self.valley_attitude_sdf
        return tension

    def _sdf_attitude(self, sdf_held: np.ndarray, tension: np.ndarray) -> None:
        """Attitude toward the SDF falls with destruction where it holds and rises slowly where it holds
        and tension is low."""
        attitude = self.valley_attitude_sdf
        if self.struck:  # (no new destruction on a day nothing was struck)
            attitude -= 0.5 * self.valley_damage_today * sdf_held
        np.add(attitude, SDF_GOODWILL, out=attitude, where=sdf_held & (tension < 0.3))
        attitude.clip(0.0, 1.0, out=attitude)

    def _militia_near(self) -> np.ndarray:
        """1.0 at the valley cells within MILITIA_REACH cells (a square) of an Iranian-backed militia
        unit, else 0.0; looked at only when units have moved, come or gone, and made anew only when the
        militias have moved (the array is not to be changed)."""
        if self.model.layout_version == self.layout_seen:
            return self.militia_near
        self.layout_seen = self.model.layout_version
        cells = [unit.flat for unit in self._militias()]
        if cells != self.militia_cells:
            self.militia_cells = cells
            self.militia_near = np.zeros(self.valley_cells.size)
            if cells:
                self.militia_near[np.concatenate([self._within_reach(cell) for cell in cells])] = 1.0
        return self.militia_near

    def _militias(self) -> list:
        """The Iranian-backed militia units, in the model's order; listed anew only when units came or
        went (units are only ever appended or removed, so the count and the last unit tell)."""
        units = self.model.units
        roster = (len(units), units[-1] if units else None)
        if roster[0] != self.roster[0] or roster[1] is not self.roster[1]:
            self.roster = roster
            self.militias = [unit for unit in units if unit.kind.kind == "iranian_militia"]
        return self.militias

    def _within_reach(self, cell: int) -> np.ndarray:
        """Positions in ``valley_cells`` of the valley cells within MILITIA_REACH of a cell (kept for reuse)."""
        found = self.militia_reach.get(cell)
        if found is None:
            x, y = divmod(cell, self.model.ny)
            valley_x, valley_y = self.valley_xy
            found = np.flatnonzero((np.abs(valley_x - x) <= MILITIA_REACH) & (np.abs(valley_y - y) <= MILITIA_REACH))
            self.militia_reach[cell] = found
        return found

    def _recruit(self, residents: np.ndarray, control: np.ndarray, sdf_held: np.ndarray, tension: np.ndarray) -> None:
        """Recruits of the day from the valley's ``residents`` (R10 for the SDF, R11 for ISIS, the
        attitude toward the regime for its local militias); then each side's pool (recruits, oil-paid
        fighters, arrivals) forms units."""
        model = self.model
        rng = model.draws.generator("population", model.day, 1)
        sdf_area = sdf_held & self.valley_governorate
        recruits = {SDF: 0, ISIS: 0, REGIME: 0}
        if model.rules.on("R10"):
            expected = sdf_rules.expected_recruits(residents, self.valley_attitude_sdf, sdf_area, model.params)
            recruits[SDF] = int(rng.poisson(expected))
        if model.rules.on("R11"):
            expected = tension_rules.expected_isis_recruits(residents, tension, model.params)
            recruits[ISIS] = int(rng.poisson(expected))
        regime_area = (control == REGIME) & self.valley_governorate
        expected = tension_rules.expected_regime_recruits(residents, self.valley_attitude_regime, regime_area,
                                                          model.params)
        recruits[REGIME] = int(model.draws.generator("population", model.day, 3).poisson(expected))
        for code, held in ((SDF, sdf_area), (ISIS, control == ISIS), (REGIME, regime_area)):
            self._enlist(code, recruits[code], held, residents)

    def _enlist(self, code: int, recruits: int, held: np.ndarray, residents: np.ndarray) -> None:
        """Recruits join their side's pool from the ``held`` valley cells; a full unit forms in the
        most populous of them."""
        model = self.model
        if recruits > 0:
            take = min(recruits, int(residents[held].sum()))
            model.pools[code] += take
            model.ledger[code]["recruited"] += take
            self._take_recruits(held, residents, take)
        size = model.typical_unit_size(code)
        if model.pools[code] >= size and held.any():
            cells = self.valley_cells[held]
            cell = int(cells[np.argmax(residents[held])])
            side, kind = RECRUIT_KINDS[code]
            model.pools[code] -= size
            model.ledger[code]["arrived"] -= size  # spawn_at counts arrivals; these were counted as recruits
            spawn_at(model, side, kind, size, cell, "recruits")

    def _take_recruits(self, held: np.ndarray, residents: np.ndarray, recruits: int) -> None:
        """Recruits leave the population of the ``held`` valley cells, in proportion to their residents."""
        if recruits <= 0:
            return
        cells = self.valley_cells[held]
        people = residents[held]
        total = people.sum()
        if total > 0:
            self.residents_flat[cells] -= np.minimum(people * (recruits / total), self.residents_flat[cells])

    def _plan_raids(self, residents: np.ndarray, control: np.ndarray, tension: np.ndarray) -> None:
        """Tomorrow's ISIS raids behind the lines (R11), where tension and people are."""
        model = self.model
        if not model.rules.on("R11") or model.pools[ISIS] <= 0:
            return
        behind = model.relations.hostile[ISIS][control]
        expected = tension_rules.expected_raids(residents, tension, behind, model.params)
        rng = model.draws.generator("population", model.day, 2)
        count = int(rng.poisson(expected))
        if not count:
            return
        weight = (residents * tension)[behind]
        if weight.sum() <= 0:
            return
        chosen = rng.choice(self.valley_cells[behind], size=count, p=weight / weight.sum())
        model.pending_raids = sorted(int(c) for c in chosen)
