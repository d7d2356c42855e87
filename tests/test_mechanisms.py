"""Mechanisms checked where the mutation check (tests/mutants.toml) found that only the regression
snapshot noticed a break (issue 20): combat arithmetic, defence, a winning attack taking its cell, a
march along the bank past an enemy across the river, air forces flying for their own side, civilian
deaths and flight, each in a tiny world built in code."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from sim import battle
from sim.agents import ATTACK
from sim.battle import Engagement
from sim.codes import Bank, Terrain, side_code
from sim.combat import Side, expected_losses
from sim.geography import MapLayers
from sim.scenario import baseline
from tests.test_operations import obey
from tests.worlds import tiny_layers, tiny_model, unit, valley_with_towns

REGIME, SDF, ISIS = side_code("regime"), side_code("sdf"), side_code("isis")
NO_STOP_LINE = dataclasses.replace(baseline(), rules_off=frozenset({"R7"}))  # the SDF free of R7's phase-1 line


def with_layers(layers: MapLayers, **changed: np.ndarray) -> MapLayers:
    """The same tiny world with some layers replaced."""
    arrays = dict(layers.layers)
    for name, values in changed.items():
        arrays[name] = np.ascontiguousarray(values, dtype=layers[name].dtype)
    return dataclasses.replace(layers, layers=arrays)


# ----- combat arithmetic --------------------------------------------------------------------------

def losses(attacker_fire=1.0, defence=1.0, air=0.0, defender_fire=1.0) -> tuple[float, float]:
    attacker = Side((400,), (attacker_fire,), air)
    defender = Side((300,), (defender_fire,))
    return expected_losses(attacker, defender, lethality=0.02, defence=defence, kills_per_sortie=1.5)


def test_losses_grow_with_the_attackers_fire_and_air_and_fall_with_the_defence():
    _, base = losses()
    assert losses(attacker_fire=1.5)[1] == pytest.approx(1.5 * base)  # aimed fire: effectiveness times strength
    assert losses(defence=2.0)[1] == pytest.approx(base / 2)  # the defence divides the ground fire...
    assert losses(defence=2.0, air=4.0)[1] == pytest.approx(base / 2 + 1.5 * 4.0)  # ...not the air's
    attackers_lost, _ = losses(defender_fire=2.0)
    assert attackers_lost == pytest.approx(2 * losses()[0]) and attackers_lost > 0  # the defenders fire back
    assert losses(attacker_fire=1e6)[1] == 300  # never more than the defenders have


def first_day_isis_losses(terrain: int, fortification: float, seeds=range(8)) -> int:
    """ISIS's losses on the first day of an assault by 1,200 regime fighters on 300 in one cell of a
    given terrain, with prepared defences, summed over some seeds (no air)."""
    lost = 0
    for seed in seeds:
        layers = tiny_layers(12, 9)
        kinds = layers["terrain"].copy()
        kinds[6, 6] = terrain
        layers = with_layers(layers, terrain=kinds)
        forces = [unit("isis", "isis", 300, (6, 6))] + [
            unit("regime", "syrian_army", 400, c) for c in ((5, 6), (6, 7), (7, 6))]
        model = tiny_model(layers, forces, seed=seed, days=1, russian_sorties_per_day=0.0,
                           isis_counterattack_rate=0.0)
        model.fortification_flat[6 * model.ny + 6] = fortification
        obey(model, [u for u in model.units if u.code == REGIME], [(6, 6)], ATTACK)
        model.step()
        assert {e[3] for e in model.recorder.engagements} == {"attack"}
        lost += model.ledger[ISIS]["killed"]
    return lost


def test_a_town_and_prepared_defences_cost_the_attacker_more_to_kill_the_same_defenders():
    desert = first_day_isis_losses(Terrain.DESERT, 0.0)
    town = first_day_isis_losses(Terrain.URBAN, 0.0)
    fortified = first_day_isis_losses(Terrain.URBAN, 1.0)
    assert desert > 1.5 * town > 0  # urban_defence 2.1
    assert town > 1.5 * fortified > 0  # +100% prepared defences


# ----- a winning attack takes the cell ----------------------------------------------------------

def test_attackers_who_empty_the_cell_they_attack_move_into_it_that_day():
    control = np.zeros((12, 9), dtype=np.int8)
    control[7:, 5:] = ISIS
    layers = tiny_layers(control=control)
    forces = [unit("isis", "isis", 60, (7, 6))] + [unit("regime", "elite_assault", 300, c)
                                                   for c in ((6, 5), (6, 6), (6, 7))]
    model = tiny_model(layers, forces, rules_off("R1"), days=10, russian_sorties_per_day=0.0,
                       isis_counterattack_rate=0.0)
    regime = [u for u in model.units if u.code == REGIME]
    obey(model, regime, [(7, 6)], ATTACK)
    target = 7 * model.ny + 6
    for _ in range(10):
        model.step()
        if not any(u.code == ISIS and u.flat == target for u in model.units):
            break
    assert model.recorder.engagements, "the attack never went in"
    assert any(u.flat == target for u in regime), "the attackers emptied the cell and stayed out of it"
    assert model.control_flat[target] == REGIME


def rules_off(*ids: str):
    return dataclasses.replace(baseline(), rules_off=frozenset(ids))


# ----- an enemy across the river does not stop a march along the bank ---------------------------

def banks_side_by_side(nx: int = 20, ny: int = 9) -> MapLayers:
    """A tiny valley whose river runs between two rows of land (no water cells): the left bank's cells
    (y >= 5) touch the right bank's (y <= 4), as they do where the Euphrates is narrower than a cell."""
    layers = tiny_layers(nx, ny)
    y = np.broadcast_to(np.arange(ny), (nx, ny))
    terrain = np.where(np.abs(y - 4.5) <= 2.5, Terrain.VALLEY, Terrain.DESERT)
    side = np.where(y >= 5, Bank.LEFT, Bank.RIGHT)
    return with_layers(layers, terrain=terrain, river_side=side, bank=side)


def column_marching_east(enemies: list[tuple[int, int]], days: int):
    """An SDF column of 300 setting out from (7, 5) on the left bank for (19, 5), ISIS units of 150 at
    ``enemies``, after ``days`` days (no counter-attacks, no air): the model and the column."""
    forces = [unit("sdf", "sdf", 300, (7, 5))] + [unit("isis", "isis", 150, cell) for cell in enemies]
    model = tiny_model(banks_side_by_side(), forces, NO_STOP_LINE, days=days, isis_counterattack_rate=0.0,
                       coalition_sorties_per_day=0.0)
    column = model.units[0]
    obey(model, [column], [(19, 5)], ATTACK)
    for _ in range(days):
        model.step()
    return model, column


def test_an_enemy_across_the_river_does_not_stop_a_march_along_the_bank():
    """The column sets out from beside two ISIS units standing across the river (one facing it, one
    behind): neither is on its way, nearer its objective, nor on its side of the river, so it marches on
    (the march's contact rule, sim/march.py: no unit is drawn across the river by an enemy it only
    happens to face)."""
    model, column = column_marching_east([(7, 4), (6, 4)], days=8)
    assert not model.recorder.engagements, "the column stopped to fight across the river"
    assert column.xy[0] >= 17, f"the column stopped at {column.xy}"


def test_an_enemy_on_the_same_bank_in_the_way_does_stop_it():
    model, column = column_marching_east([(11, 5)], days=3)
    assert column.xy[0] < 11 and column.contact == 11 * model.ny + 5


# ----- each air force flies for its own side ------------------------------------------------------

def two_fronts():
    """The regime attacks ISIS on the right bank, the SDF attacks ISIS on the left; both air forces up
    (Russia with 20 sorties a day, the coalition with 8)."""
    control = np.zeros((12, 9), dtype=np.int8)
    control[:6, :4], control[6:, :4] = REGIME, ISIS
    control[:6, 5:], control[6:, 5:] = SDF, ISIS
    forces = [unit("regime", "syrian_army", 400, (5, 2), "attack"), unit("isis", "isis", 150, (6, 2)),
              unit("sdf", "sdf", 300, (5, 6), "attack"), unit("isis", "isis", 150, (6, 6))]
    model = tiny_model(tiny_layers(control=control), forces, days=1, russian_sorties_per_day=20.0,
                       coalition_sorties_per_day=8.0)
    regime, isis_south, sdf, isis_north = model.units
    return model, [Engagement("attack", REGIME, isis_south.flat, [regime], ISIS, [isis_south]),
                   Engagement("attack", SDF, isis_north.flat, [sdf], ISIS, [isis_north])]


def test_each_air_force_supports_only_its_own_side():
    model, (regime_attack, sdf_attack) = two_fronts()
    model.day = 1
    model.air.dawn()
    battle.allocate_sorties(model, [regime_attack, sdf_attack])
    assert set(regime_attack.flown_by) == {REGIME} and regime_attack.sorties.get(REGIME, 0) > 0
    assert set(sdf_attack.flown_by) == {SDF} and sdf_attack.sorties.get(SDF, 0) > 0
    assert not regime_attack.sorties.get(ISIS) and not sdf_attack.sorties.get(ISIS)
    assert model.air.ledger[REGIME]["budget"] == 20 and model.air.ledger[SDF]["budget"] == 8  # each its own budget
    assert regime_attack.sorties[REGIME] > sdf_attack.sorties[SDF]


# ----- civilians: deaths and flight ---------------------------------------------------------------

def test_civilian_deaths_grow_with_strikes_and_fire_and_are_zero_in_an_empty_cell():
    model = tiny_model(tiny_layers(residents=10_000.0), [], days=1)
    people = model.population
    cells = [x * model.ny + y for x in range(12) for y in (5, 6, 7)]  # 36 valley cells of the left bank

    def deaths(intensity: float, air: dict[int, int], residents: float) -> int:
        total = 0
        for cell in cells:
            people.residents_flat[cell] = residents
            total += people.harm(cell, intensity, air)
        return total

    assert deaths(0.0, {}, 10_000.0) == 0
    few, many = deaths(0.0, {SDF: 2}, 10_000.0), deaths(0.0, {SDF: 20}, 10_000.0)
    assert 0 < few < many
    assert deaths(0.0, {REGIME: 20}, 10_000.0) > many  # Russian strikes kill more (russian_civilian_harm)
    assert 0 < deaths(1.0, {}, 10_000.0) < deaths(4.0, {}, 10_000.0)  # ground fire too
    assert deaths(4.0, {REGIME: 20, SDF: 20}, 0.0) == 0  # nobody there, nobody killed


def test_people_flee_fighting_to_the_nearest_town_on_their_own_bank_and_none_cross_the_river():
    """Fighting in a left-bank cell (9, 5) whose nearest town (9, 2) lies across the river: its people
    and, fewer, its neighbours' leave, and go to the left bank's town (0, 8); none reach the right bank."""
    layers = valley_with_towns(12, [(9, 2, 5000.0), (0, 8, 5000.0)], residents=2000.0)
    model = tiny_model(layers, [], days=2, front_flee_rate=0.0, return_rate=0.0)
    people = model.population
    ny = model.ny
    fighting, neighbour, across, home = 9 * ny + 5, 10 * ny + 6, 9 * ny + 2, 0 * ny + 8
    right = (layers["river_side"] == Bank.RIGHT).ravel()
    before = people.residents_flat.copy()
    killed = people.harm(fighting, 2.0, {})
    model.population.step()
    after = people.residents_flat
    flee = model.params.flee_rate
    assert after[fighting] == pytest.approx((before[fighting] - killed) * np.exp(-flee * 2.0))
    assert after[neighbour] == pytest.approx(before[neighbour] * np.exp(-flee * 1.0))
    assert people.displaced > 0
    assert after[home] - before[home] == pytest.approx(people.displaced)  # all of them reach the left bank's town
    assert after[right].sum() == pytest.approx(before[right].sum()), "people crossed the river"
    assert after[across] == before[across]
    assert after.sum() == pytest.approx(before.sum() - killed)  # nobody lost but the dead


# ----- ground the enemy holds, the river, supply ---------------------------------------------------

def march_east(control: np.ndarray, days: int = 3) -> int:
    """How far east (cells) a regime column gets in ``days`` along the right bank of a 24-cell valley."""
    layers = tiny_layers(24, 9, control=control)
    model = tiny_model(layers, [unit("regime", "syrian_army", 400, (1, 2))], days=days, rear_clearing_days=60)
    obey(model, model.units, [(23, 2)])
    for _ in range(days):
        model.step()
    return model.units[0].xy[0]


def test_entering_ground_the_enemy_holds_costs_march():
    """Empty ground ISIS holds is cleared as it is entered (``clearing_days`` of march a cell: mines,
    booby traps); ground no one holds is not."""
    no_one = np.zeros((24, 9), dtype=np.int8)
    enemy = no_one.copy()
    enemy[3:, :4] = ISIS
    free, cleared = march_east(no_one), march_east(enemy)
    assert free > cleared + 3, (free, cleared)


def crossing_attempt(crossing_x: int | None) -> int:
    """The bank (river_side) an SDF unit on the left bank stands on after ten days, ordered to a cell
    on the right bank, with a ferry at ``crossing_x`` or no crossing at all (R1 and R7 off: the right
    bank is open to it)."""
    layers = tiny_layers(12, 9, crossing_x=crossing_x)
    model = tiny_model(layers, [unit("sdf", "sdf", 300, (2, 6))], rules_off("R1", "R7"), days=10)
    obey(model, model.units, [(9, 2)])
    for _ in range(10):
        model.step()
    return int(model.river_side_flat[model.units[0].flat])


def test_a_river_without_a_crossing_is_not_crossed():
    assert crossing_attempt(None) == Bank.LEFT
    assert crossing_attempt(5) == Bank.RIGHT  # by the ferry


def test_a_lifted_siege_brings_more_force_to_that_objective():
    """After a siege of a cell was lifted, the commander sends more force to the objective holding it
    next time it plans (sim/siege.py, sim/commanders.py)."""
    from sim.commanders import assign_in_order

    forces = [unit("isis", "isis", 300, (20, 6))] + [unit("sdf", "sdf", 300, (1 + i // 4, 5 + i % 4))
                                                     for i in range(24)]
    model = tiny_model(tiny_layers(24, 9), forces, NO_STOP_LINE, days=2)
    sdf = [u for u in model.units if u.code == SDF]
    target = np.array([20 * model.ny + 6])
    main = np.array([1 * model.ny + 8])

    class Staff:  # what assign_in_order asks of a commander
        code = SDF

    staff = Staff()
    staff.model = model

    def sent_to_the_siege() -> int:
        assign_in_order(staff, sdf, [("hold the west", main), ("the strongpoint", target)])
        return sum(u.objective is not None and u.objective.key == "the strongpoint" for u in sdf)

    before = sent_to_the_siege()
    model.siege_failures[SDF] = {int(target[0]): 1}
    after = sent_to_the_siege()
    assert 0 < before < after


def test_a_unit_cut_off_from_its_sources_runs_short_and_a_supplied_one_does_not():
    """Two SDF units on the left bank: one joined to its source (al-Hasakah, in the west) by ground no
    one holds, one in a pocket ISIS's ground closes off from it."""
    control = np.zeros((20, 9), dtype=np.int8)
    control[6:15, 5:7] = ISIS  # the ring's south side, between the pocket and the river
    control[6:9, 7:] = ISIS
    control[12:15, 7:] = ISIS
    control[9:12, 7:] = SDF  # the pocket
    layers = valley_with_towns(20, [(0, 7, 1000.0, "hasakah")], control=control)
    forces = [unit("sdf", "sdf", 300, (2, 8)), unit("sdf", "sdf", 300, (10, 8))]
    model = tiny_model(layers, forces, NO_STOP_LINE, days=4)
    model.commanders = []
    joined, pocketed = model.units
    for _ in range(3):
        model.step()
    assert joined.supply == 1.0
    assert pocketed.supply <= 1.0 - 2 * model.params.supply_decay


def test_the_days_figures_count_each_sides_fighters_in_units_and_in_its_pool():
    """The recorder's fighters of a day: the strength of a side's units and the recruits of its pool not
    yet formed into a unit, as the ledger counts them."""
    model = tiny_model(tiny_layers(), [unit("isis", "isis", 150, (2, 6)), unit("isis", "isis", 90, (9, 6))], days=2)
    model.commanders = []
    model.pools[ISIS] += 70
    model.ledger[ISIS]["recruited"] += 70
    model.step()
    in_units = sum(u.strength for u in model.units if u.code == ISIS)
    assert model.recorder.fighters[1, ISIS] == in_units + model.pools[ISIS] >= 70
