"""The people of the valley: flight from fighting, the camps, civilian deaths, sectarian tension,
and recruitment (R10 for the SDF, R11 for ISIS), on the map's property layers.

Per-cell work is bulk numpy over the inhabited valley, whose tension and attitudes are kept as
arrays of their own (worked on in place, copied to the map's layers each day); the few cells fought
over in a day are remembered as they are struck and handled as index arrays and short loops, so a
day's work never scans the whole map. What depends on the map only (the nearest camp of each cell,
the towns nearest a cell people flee, the valley cells near a militia's cell) is worked out once and
kept (the last two for every model of the same map in the process, as sweeps run many), and the
militias' footprint only when they have moved.
"""

from __future__ import annotations

from array import array

import numpy as np

from sim.codes import Bank, Terrain, side_code
from sim.events import spawn_at
from sim.geography import layer
from sim.rules import population as tension_rules
from sim.rules import sdf as sdf_rules

REGIME, SDF, ISIS = side_code("regime"), side_code("sdf"), side_code("isis")
CAMPS = ("hol_camp", "abu_khashab_camp")
NEIGHBOUR_FLIGHT = 0.5  # neighbours of a fighting cell flee at half the rate
MILITIA_REACH = 2  # cells around an Iranian-backed militia unit where tension rises
DAMAGE_PER_INTENSITY, DAMAGE_PER_SORTIE = 0.02, 0.01
FAR = np.iinfo(np.int64).max  # a squared distance beyond any on the map
#: the kind of unit a side's recruits form
RECRUIT_KINDS = {SDF: ("sdf", "dmc_tribal"), ISIS: ("isis", "isis"), REGIME: ("regime", "ndf_militia")}
SDF_GOODWILL = 0.001  # daily rise of attitude toward the SDF where it holds and tension is low (assumption)
#: per map (by id, with the map kept to tell a new map at a reused id): the towns nearest first and the
#: valley positions within MILITIA_REACH, by cell, as far as models of that map have needed them
_KNOWN_BY_MAP: dict[int, tuple[object, dict[int, array], dict[int, np.ndarray]]] = {}


def _known_for(layers) -> tuple[object, dict[int, list[int]], dict[int, np.ndarray]]:
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
        self.nearest_camp = self._nearest_camps(model.nx, model.ny)
        urban = np.flatnonzero((model.terrain_flat == Terrain.URBAN) & model.land.ravel())
        self.refuges = urban
        self.refuge_x, self.refuge_y = np.divmod(urban, model.ny)
        self.refuge_side = self.river_side[urban]
        self.refuges_on_side = np.bincount(self.refuge_side, minlength=max(Bank) + 1).tolist()
        self.refuge_order: dict[int, array] = known[1]  # cell -> towns on its side of the river, nearest first
        self.displaced = 0.0
        self.to_camps = 0.0
        self.deaths = 0

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

    def harm(self, cell: int, intensity: float, sorties: dict[int, int]) -> int:
        """Civilian deaths of an engagement in ``cell`` (ground fire and each air force's strikes)."""
        model = self.model
        params = model.params
        rng = model.draws.generator("population", model.day, cell)
        residents = self.residents_flat[cell]
        per_thousand = residents / 1000.0
        expected = params.ground_civilian_harm * per_thousand * intensity
        for side, count in sorties.items():
            harm = params.russian_civilian_harm if side == REGIME else params.coalition_civilian_harm
            expected += harm * count * per_thousand
        deaths = min(int(rng.poisson(expected)), int(residents))
        self.residents_flat[cell] = residents - deaths
        self.deaths += deaths
        new_damage = DAMAGE_PER_INTENSITY * intensity + DAMAGE_PER_SORTIE * sum(sorties.values())
        self.damage[cell] += new_damage
        position = self.valley_position.get(cell)
        if position is not None:
            self.valley_damage_today[position] += new_damage
        self.fighting[cell] += intensity
        self.struck.append(int(cell))
        return deaths

    def step(self) -> None:
        """The day's flight, tension and attitudes, recruitment and raid plans; then today is over."""
        self._flee()
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
        """People leave cells where fighting happened today (and, fewer, their neighbours): those
        from the left bank and the Khabur partly to the camps, the rest to the nearest town on their
        side of the river with no fighting today."""
        if not self.struck:
            return
        model = self.model
        rate = self._flight_rates()
        if not rate:
            return
        in_order = sorted(rate)  # map order
        cells = np.array(in_order, dtype=np.int64)
        intensity = np.array([rate[cell] for cell in in_order])
        leaving = self.residents_flat[cells] * (1 - np.exp(-model.params.flee_rate * intensity))
        if not self.camps.isdisjoint(rate):
            leaving[self.is_camp[cells]] = 0.0  # people in the camps stay
        left = leaving.sum()
        if left <= 0:
            return
        self.residents_flat[cells] -= leaving
        self.displaced += float(left)
        to_camp = leaving * model.params.camp_share * self.left_bank[cells]
        if self.camp_cells.size:
            np.add.at(self.residents_flat, self.nearest_camp[cells], to_camp)
            self.to_camps += float(to_camp.sum())
        else:
            to_camp[:] = 0.0
        self._shelter(cells, leaving - to_camp)

    def _flight_rates(self) -> dict[int, float]:
        """The cells people flee today and their flight rates: the fighting in a cell, or half the
        fighting next door if that is more."""
        rate: dict[int, float] = {}  # only rates above zero
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

    def _shelter(self, cells: np.ndarray, people: np.ndarray) -> None:
        """People fleeing ``cells`` go to the nearest town on their side of the river that nobody
        flees today; with none, they stay."""
        cells = cells.tolist()
        unranked = [cell for cell in cells if cell not in self.refuge_order]
        if unranked:
            self._rank_refuges(np.array(unranked, dtype=np.int64))
        unsafe = set(cells)
        targets = []
        for cell in cells:
            for town in self.refuge_order[cell]:
                if town not in unsafe:
                    targets.append(town)
                    break
            else:
                targets.append(cell)  # nowhere to go: they stay
        np.add.at(self.residents_flat, targets, people)

    def _rank_refuges(self, cells: np.ndarray) -> None:
        """Rank, for each of ``cells``, the towns on its side of the river, nearest first (equals in
        map order), and keep the ranking in ``refuge_order``."""
        x, y = np.divmod(cells, self.model.ny)
        squared = (x[:, None] - self.refuge_x[None, :]) ** 2 + (y[:, None] - self.refuge_y[None, :]) ** 2
        sides = self.river_side[cells]
        squared[sides[:, None] != self.refuge_side[None, :]] = FAR  # towns across the river rank last...
        nearest_first = np.argsort(squared, axis=1, kind="stable")[:, : max(self.refuges_on_side)]
        ranked = self.refuges[nearest_first].tolist()
        for cell, side, towns in zip(cells.tolist(), sides.tolist(), ranked, strict=True):
            self.refuge_order[cell] = array("i", towns[: self.refuges_on_side[side]])  # ...and are cut off

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
        size = model.typical_unit_size(code)
        if model.pools[code] >= size and held.any():
            cells = self.valley_cells[held]
            cell = int(cells[np.argmax(residents[held])])
            side, kind = RECRUIT_KINDS[code]
            model.pools[code] -= size
            model.ledger[code]["arrived"] -= size  # spawn_at counts arrivals; these were counted as recruits
            spawn_at(model, side, kind, size, cell, "recruits")

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
