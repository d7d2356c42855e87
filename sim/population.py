"""The people of the valley: flight from fighting, the camps, civilian deaths, sectarian tension,
and recruitment (R10 for the SDF, R11 for ISIS), on the map's property layers.

Per-cell work is bulk numpy; the few fighting cells of a day are handled as index arrays.
"""

from __future__ import annotations

import numpy as np

from sim.codes import Bank, Terrain, side_code
from sim.geography import layer
from sim.rules import population as tension_rules
from sim.rules import sdf as sdf_rules

REGIME, SDF, ISIS = side_code("regime"), side_code("sdf"), side_code("isis")
CAMPS = ("hol_camp", "abu_khashab_camp")
NEIGHBOUR_FLIGHT = 0.5  # neighbours of a fighting cell flee at half the rate
MILITIA_REACH = 2  # cells around an Iranian-backed militia unit where tension rises
DAMAGE_PER_INTENSITY, DAMAGE_PER_SORTIE = 0.02, 0.01
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
        layers = model.layers
        self.river_side = layers["river_side"].ravel()
        valley = np.isin(model.terrain_flat, (Terrain.VALLEY, Terrain.URBAN)) & model.land.ravel()
        #: the inhabited valley, where tension, attitudes, recruitment and raids are worked out (the
        #: desert's handful of people do not move these figures)
        self.valley_cells = np.flatnonzero(valley)
        self.valley_governorate = layers["governorate"].ravel()[self.valley_cells]  # R10: Deir ez-Zor's tribes
        self.camp_cells = np.array([model.place_flat[c] for c in CAMPS if c in model.place_flat], dtype=np.int64)
        urban = np.flatnonzero((model.terrain_flat == Terrain.URBAN) & model.land.ravel())
        self.refuges = urban
        self.refuge_xy = np.column_stack(np.divmod(urban, model.ny)) if urban.size else np.zeros((0, 2), int)
        self.displaced = 0.0
        self.to_camps = 0.0
        self.deaths = 0

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
        return deaths

    def step(self) -> None:
        self._flee()
        self._tension_and_attitudes()
        self._recruit()
        self._plan_raids()
        self.fighting[:] = 0.0
        self.damage_today[:] = 0.0

    # ----- flight ---------------------------------------------------------------------------
    def _flee(self) -> None:
        """People leave cells where fighting happened today (and, fewer, their neighbours): those
        from the left bank and the Khabur partly to the camps, the rest to the nearest town on their
        side of the river with no fighting today."""
        hot = np.flatnonzero(self.fighting > 0)
        if not hot.size:
            return
        model = self.model
        rate = np.zeros_like(self.fighting)
        rate[hot] = self.fighting[hot]
        neighbours = model.network.neighbours[hot]
        ok = neighbours >= 0
        spill = np.repeat(self.fighting[hot][:, None], 8, axis=1)[ok] * NEIGHBOUR_FLIGHT
        np.maximum.at(rate, neighbours[ok], spill)
        cells = np.flatnonzero(rate > 0)
        leaving = self.residents_flat[cells] * (1 - np.exp(-model.params.flee_rate * rate[cells]))
        leaving[np.isin(cells, self.camp_cells)] = 0.0
        if leaving.sum() <= 0:
            return
        self.residents_flat[cells] -= leaving
        self.displaced += float(leaving.sum())
        to_camp = leaving * model.params.camp_share * (self.river_side[cells] == Bank.LEFT)
        if self.camp_cells.size:
            camp_xy = np.column_stack(np.divmod(self.camp_cells, model.ny))
            xy = np.column_stack(np.divmod(cells, model.ny))
            nearest_camp = np.argmin(((xy[:, None, :] - camp_xy[None, :, :]) ** 2).sum(axis=2), axis=1)
            np.add.at(self.residents_flat, self.camp_cells[nearest_camp], to_camp)
            self.to_camps += float(to_camp.sum())
        else:
            to_camp[:] = 0.0
        self._shelter(cells, leaving - to_camp, rate)

    def _shelter(self, cells: np.ndarray, people: np.ndarray, rate: np.ndarray) -> None:
        safe = rate[self.refuges] == 0
        if not safe.any():
            self.residents_flat[cells] += people  # nowhere to go: they stay
            return
        refuges = self.refuges[safe]
        refuge_xy = self.refuge_xy[safe]
        refuge_side = self.river_side[refuges]
        xy = np.column_stack(np.divmod(cells, self.model.ny))
        distance = ((xy[:, None, :] - refuge_xy[None, :, :]) ** 2).sum(axis=2).astype(float)
        distance[self.river_side[cells][:, None] != refuge_side[None, :]] = np.inf
        best = np.argmin(distance, axis=1)
        found = np.isfinite(distance[np.arange(len(cells)), best])
        np.add.at(self.residents_flat, refuges[best[found]], people[found])
        self.residents_flat[cells[~found]] += people[~found]

    # ----- R11 and attitudes ----------------------------------------------------------------
    def _tension_and_attitudes(self) -> None:
        model = self.model
        v = self.valley_cells
        militia_near = np.zeros((model.nx, model.ny))
        for unit in model.units:
            if unit.kind.kind == "iranian_militia":
                x, y = unit.xy
                militia_near[
                    max(x - MILITIA_REACH, 0) : x + MILITIA_REACH + 1, max(y - MILITIA_REACH, 0) : y + MILITIA_REACH + 1
                ] = 1.0
        tension = self.tension[v]
        tension_rules.raise_tension(tension, militia_near.ravel()[v], self.damage_today[v], model.params, model.rules)
        self.tension[v] = tension
        attitude = self.attitude_regime[v]
        tension_rules.sour_attitudes(attitude, tension)
        self.attitude_regime[v] = attitude
        sdf_held = model.control_flat[v] == SDF
        attitude = self.attitude_sdf[v] - 0.5 * self.damage_today[v] * sdf_held
        attitude[sdf_held & (tension < 0.3)] += SDF_GOODWILL
        self.attitude_sdf[v] = np.clip(attitude, 0.0, 1.0)

    def _recruit(self) -> None:
        model = self.model
        rng = model.draws.generator("population", model.day, 1)
        v = self.valley_cells
        residents = self.residents_flat[v]
        control = model.control_flat[v]
        if model.rules.on("R10"):
            held = (control == SDF) & self.valley_governorate
            expected = sdf_rules.expected_recruits(residents, self.attitude_sdf[v], held, model.params)
            self._enlist(SDF, int(rng.poisson(expected)), v[held])
        if model.rules.on("R11"):
            expected = tension_rules.expected_isis_recruits(residents, self.tension[v], model.params)
            self._enlist(ISIS, int(rng.poisson(expected)), v[control == ISIS])

    def _enlist(self, code: int, recruits: int, cells: np.ndarray) -> None:
        """Recruits join their side's pool; a full unit forms in its most populous held valley cell."""
        from sim.events import spawn_at

        model = self.model
        if recruits > 0:
            take = min(recruits, int(self.residents_flat[cells].sum()))
            model.pools[code] += take
            model.ledger[code]["recruited"] += take
        size = model.typical_unit_size(code)
        if model.pools[code] >= size and cells.size:
            cell = int(cells[np.argmax(self.residents_flat[cells])])
            kind = "dmc_tribal" if code == SDF else "isis"
            model.pools[code] -= size
            model.ledger[code]["arrived"] -= size  # spawn_at counts arrivals; these were counted as recruits
            spawn_at(model, "sdf" if code == SDF else "isis", kind, size, cell, "recruits")

    def _plan_raids(self) -> None:
        """Tomorrow's ISIS raids behind the lines (R11), where tension and people are."""
        model = self.model
        if not model.rules.on("R11") or model.pools[ISIS] <= 0:
            return
        v = self.valley_cells
        behind = model.relations.hostile[ISIS][model.control_flat[v]]
        residents, tension = self.residents_flat[v], self.tension[v]
        expected = tension_rules.expected_raids(residents, tension, behind, model.params)
        rng = model.draws.generator("population", model.day, 2)
        count = int(rng.poisson(expected))
        if not count:
            return
        weight = (residents * tension)[behind]
        if weight.sum() <= 0:
            return
        chosen = rng.choice(v[behind], size=count, p=weight / weight.sum())
        model.pending_raids = sorted(int(c) for c in chosen)
