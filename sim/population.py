"""The people of the valley: flight from fighting, the camps, civilian deaths, sectarian tension,
and recruitment (R10 for the SDF, R11 for ISIS), on the map's property layers.

Per-cell work is bulk numpy over the inhabited valley; the few cells fought over in a day are
remembered as they are struck and handled as index arrays and short loops, so a day's work never
scans the whole map. What depends on the map only (the nearest camp of each cell, the towns nearest
a cell people flee, the valley cells near a militia's cell) is worked out once and kept.
"""

from __future__ import annotations

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
SDF_GOODWILL = 0.001  # daily rise of attitude toward the SDF where it holds and tension is low (assumption)


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
        self.damage_today = np.zeros_like(self.damage)
        #: cells struck today (by ``harm``): the only cells where ``fighting`` and ``damage_today`` are not zero
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
        self.militia_reach: dict[int, np.ndarray] = {}  # cell -> valley positions within MILITIA_REACH of it
        self.militia_cells: list[int] | None = None  # where the militias stood when militia_near was made
        self.militia_near = np.zeros(self.valley_cells.size)
        self.camp_cells = np.array([model.place_flat[c] for c in CAMPS if c in model.place_flat], dtype=np.int64)
        self.is_camp = np.zeros(self.residents_flat.size, dtype=bool)
        self.is_camp[self.camp_cells] = True
        self.nearest_camp = self._nearest_camps(model.nx, model.ny)
        urban = np.flatnonzero((model.terrain_flat == Terrain.URBAN) & model.land.ravel())
        self.refuges = urban
        self.refuge_x, self.refuge_y = np.divmod(urban, model.ny)
        self.refuge_side = self.river_side[urban]
        self.refuges_on_side = np.bincount(self.refuge_side, minlength=max(Bank) + 1).tolist()
        self.refuge_order: dict[int, list[int]] = {}  # cell -> towns on its side of the river, nearest first
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
        params = self.model.params
        rng = self.model.draws.generator("population", self.model.day, cell)
        residents = self.residents_flat[cell]
        per_thousand = residents / 1000.0
        expected = params.ground_civilian_harm * per_thousand * intensity
        for side, count in sorties.items():
            harm = params.russian_civilian_harm if side == REGIME else params.coalition_civilian_harm
            expected += harm * count * per_thousand
        deaths = min(int(rng.poisson(expected)), int(residents))
        self.residents_flat[cell] -= deaths
        self.deaths += deaths
        new_damage = DAMAGE_PER_INTENSITY * intensity + DAMAGE_PER_SORTIE * sum(sorties.values())
        self.damage[cell] += new_damage
        self.damage_today[cell] += new_damage
        self.fighting[cell] += intensity
        self.struck.append(int(cell))
        return deaths

    def step(self) -> None:
        """The day's flight, tension and attitudes, recruitment and raid plans; then today is over."""
        self._flee()
        v = self.valley_cells
        control = self.model.control_flat[v]  # units formed by recruits change neither control nor residents
        tension = self._tension_and_attitudes(control)
        residents = self.residents_flat[v]
        self._recruit(residents, control, tension)
        self._plan_raids(residents, control, tension)
        self._end_day()

    def _end_day(self) -> None:
        """Today's fighting and damage back to zero, at the cells struck today (zero everywhere else)."""
        if self.struck:
            self.fighting[self.struck] = 0.0
            self.damage_today[self.struck] = 0.0
            self.struck.clear()

    # ----- flight ---------------------------------------------------------------------------
    def _flee(self) -> None:
        """People leave cells where fighting happened today (and, fewer, their neighbours): those
        from the left bank and the Khabur partly to the camps, the rest to the nearest town on their
        side of the river with no fighting today."""
        if not self.struck:
            return
        model = self.model
        cells, rate = self._flight_rates()
        if not cells.size:
            return
        leaving = self.residents_flat[cells] * (1 - np.exp(-model.params.flee_rate * rate))
        leaving[self.is_camp[cells]] = 0.0
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

    def _flight_rates(self) -> tuple[np.ndarray, np.ndarray]:
        """The cells people flee today (in map order) and their flight rates: the fighting in a
        cell, or half the fighting next door if that is more."""
        rate: dict[int, float] = {}
        fighting = self.fighting
        for cell in set(self.struck):
            intensity = float(fighting[cell])
            if not intensity > 0:
                continue
            rate[cell] = max(rate.get(cell, 0.0), intensity)
            spill = intensity * NEIGHBOUR_FLIGHT
            for neighbour in self.model.neighbour_lists[cell]:
                if neighbour >= 0:
                    rate[neighbour] = max(rate.get(neighbour, 0.0), spill)
        cells = sorted(cell for cell, r in rate.items() if r > 0)
        return np.array(cells, dtype=np.int64), np.array([rate[cell] for cell in cells], dtype=float)

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
            self.refuge_order[cell] = towns[: self.refuges_on_side[side]]  # ...and are cut off

    # ----- R11 and attitudes ----------------------------------------------------------------
    def _tension_and_attitudes(self, control: np.ndarray) -> np.ndarray:
        """Tension and both attitudes in the valley (``control``: its cells' controllers); returns the tension."""
        model = self.model
        v = self.valley_cells
        damage_today = self.damage_today[v]
        tension = self.tension[v]
        tension_rules.raise_tension(tension, self._militia_near(), damage_today, model.params, model.rules)
        self.tension[v] = tension
        attitude = self.attitude_regime[v]
        tension_rules.sour_attitudes(attitude, tension)
        self.attitude_regime[v] = attitude
        sdf_held = control == SDF
        attitude = self.attitude_sdf[v] - 0.5 * damage_today * sdf_held
        np.add(attitude, SDF_GOODWILL, out=attitude, where=sdf_held & (tension < 0.3))
        self.attitude_sdf[v] = np.clip(attitude, 0.0, 1.0)
        return tension

    def _militia_near(self) -> np.ndarray:
        """1.0 at the valley cells within MILITIA_REACH cells (a square) of an Iranian-backed militia
        unit, else 0.0; made anew only when the militias have moved (the array is not to be changed)."""
        cells = [unit.flat for unit in self.model.units if unit.kind.kind == "iranian_militia"]
        if cells != self.militia_cells:
            self.militia_cells = cells
            self.militia_near = np.zeros(self.valley_cells.size)
            for cell in cells:
                self.militia_near[self._within_reach(cell)] = 1.0
        return self.militia_near

    def _within_reach(self, cell: int) -> np.ndarray:
        """Positions in ``valley_cells`` of the valley cells within MILITIA_REACH of a cell (kept for reuse)."""
        found = self.militia_reach.get(cell)
        if found is None:
            x, y = divmod(cell, self.model.ny)
            valley_x, valley_y = self.valley_xy
            found = np.flatnonzero((np.abs(valley_x - x) <= MILITIA_REACH) & (np.abs(valley_y - y) <= MILITIA_REACH))
            self.militia_reach[cell] = found
        return found

    def _recruit(self, residents: np.ndarray, control: np.ndarray, tension: np.ndarray) -> None:
        """Recruits of the day from the valley's ``residents`` (R10 for the SDF, R11 for ISIS)."""
        model = self.model
        rng = model.draws.generator("population", model.day, 1)
        if model.rules.on("R10"):
            held = (control == SDF) & self.valley_governorate
            expected = sdf_rules.expected_recruits(residents, self.attitude_sdf[self.valley_cells], held, model.params)
            self._enlist(SDF, int(rng.poisson(expected)), held, residents)
        if model.rules.on("R11"):
            expected = tension_rules.expected_isis_recruits(residents, tension, model.params)
            self._enlist(ISIS, int(rng.poisson(expected)), control == ISIS, residents)

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
            kind = "dmc_tribal" if code == SDF else "isis"
            model.pools[code] -= size
            model.ledger[code]["arrived"] -= size  # spawn_at counts arrivals; these were counted as recruits
            spawn_at(model, "sdf" if code == SDF else "isis", kind, size, cell, "recruits")

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
