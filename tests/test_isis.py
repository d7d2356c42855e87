"""ISIS as a strategic actor in tiny valleys: the core it chooses, delay and withdrawal, defences
that grow, counter-attacks, cohesion and defection, and a pocket that falls by force (issue 14)."""

from __future__ import annotations

import dataclasses

import numpy as np

from sim.agents import ATTACK, MOVE
from sim.codes import side_code
from tests.worlds import tiny_model, unit, valley_with_towns

SDF, ISIS = side_code("sdf"), side_code("isis")
TOWNS = [(5, 6, 5000), (15, 6, 5000), (25, 6, 5000), (35, 6, 40000)]  # the far town is worth most


def long_valley(isis_strength: int, days: int = 12, **params):
    """ISIS holds the left bank of a 80 km valley with four towns, one unit in each; the SDF stands
    at the west end. Only ISIS's commander plans."""
    control = np.full((40, 9), ISIS, dtype=np.int8)
    control[:, 4] = 0
    control[:3, 5:] = SDF
    layers = valley_with_towns(40, TOWNS, control=control)
    forces = [unit("isis", "isis", isis_strength, (x, y)) for x, y, _ in TOWNS]
    forces += [unit("sdf", "sdf", 300, (1, y)) for y in (5, 6, 7, 8)]
    model = tiny_model(layers, forces, days=days, **params)
    model.commanders = [c for c in model.commanders if c.side == "isis"]
    return model


def test_a_weak_isis_concentrates_on_its_best_town_a_strong_one_holds_forward():
    weak = long_valley(60)
    weak.step()
    assert weak.isis_core.tolist() == [weak.place_flat["town3"]], "the core is not the town worth most"
    for _ in range(10):
        weak.step()
    abandoned = [u for u in weak.units if u.code == ISIS and u.unique_id == 3]  # the unit of the third town
    assert abandoned and abandoned[0].xy[0] > 25, "the unit of an unthreatened town outside the core stayed"
    strong = long_valley(500)
    strong.step()
    assert sorted(strong.isis_core.tolist()) == sorted(strong.place_flat[f"town{i}"] for i in range(4))
    for _ in range(10):
        strong.step()
    assert sorted(u.xy[0] for u in strong.units if u.code == ISIS) == [5, 15, 25, 35]


def test_the_core_is_chosen_by_value_not_by_nearness():
    model = long_valley(60)
    model.step()
    nearest_to_isis_units = model.place_flat["town0"]
    assert nearest_to_isis_units not in model.isis_core.tolist()


def test_a_delaying_unit_leaves_before_it_is_encircled():
    control = np.full((40, 9), ISIS, dtype=np.int8)
    control[:, 4] = 0
    layers = valley_with_towns(40, TOWNS, control=control)
    forces = [unit("isis", "isis", 60, (15, 6)), unit("isis", "isis", 60, (35, 6))]
    forces += [unit("sdf", "sdf", 300, cell) for cell in ((14, 5), (14, 7), (16, 7))]
    model = tiny_model(layers, forces, days=3, isis_raqqa_drain=0.0)
    model.commanders = [c for c in model.commanders if c.side == "isis"]
    delaying = model.units[0]
    model.step()
    assert delaying.stance == "delay" and delaying.posture == MOVE
    assert delaying.strength >= 50 and delaying.xy[0] > 16, "it stayed to be encircled"


def test_fortification_grows_out_of_contact_and_not_in_contact():
    control = np.full((40, 9), ISIS, dtype=np.int8)
    control[:, 4] = 0
    layers = valley_with_towns(40, TOWNS, control=control)
    forces = [unit("isis", "isis", 300, (5, 6)), unit("isis", "isis", 300, (35, 6)),
              unit("sdf", "sdf", 100, (4, 6))]
    model = tiny_model(layers, forces, days=40, isis_counterattack_rate=0.0)
    model.commanders = []
    quiet, contested = 35 * model.ny + 6, 5 * model.ny + 6
    before = model.fortification_flat[[quiet, contested]].copy()
    while model.running:
        model.step()
    assert model.fortification_flat[quiet] > before[0] + 0.2
    assert model.fortification_flat[contested] <= before[1]


def counterattacks(air: bool, seed: int) -> int:
    control = np.full((20, 9), ISIS, dtype=np.int8)
    control[:, 4] = 0
    control[:8, 5:] = SDF
    layers = valley_with_towns(20, [(8, 6, 5000)], control=control)
    forces = [unit("isis", "isis", 300, (8, 6)), unit("sdf", "sdf", 150, (7, 6))]
    model = tiny_model(layers, forces, seed=seed, days=30,
                       coalition_sorties_per_day=40.0 if air else 0.0)
    model.commanders = [c for c in model.commanders if c.side == "isis"]
    while model.running:
        model.step()
    return sum(1 for e in model.recorder.engagements if e[3] == "counterattack")


def test_counterattacks_come_more_often_when_the_enemy_air_is_grounded():
    grounded = sum(counterattacks(False, s) for s in range(6))
    flying = sum(counterattacks(True, s) for s in range(6))
    assert grounded > 1.5 * flying and grounded >= 5


def defections(foreign_share: float) -> int:
    control = np.full((20, 9), ISIS, dtype=np.int8)
    control[:, 4] = 0
    layers = valley_with_towns(20, [(8, 6, 5000)], control=control)
    model = tiny_model(layers, [unit("isis", "isis", 400, (8, 6))], days=30, isis_foreign_share=foreign_share,
                       isis_defection_rate=0.02)
    model.commanders = []
    (fighters,) = model.units
    fighters.foreign = round(400 * foreign_share)
    while model.running:
        fighters.morale, fighters.supply = 0.0, 0.3  # the same pressure every day
        model.step()
    return model.ledger[ISIS]["defected"]


def test_foreign_fighters_defect_less_than_locals_under_the_same_pressure():
    assert defections(1.0) < 0.5 * defections(0.0)


def test_with_r14_off_a_pocket_still_falls_to_force():
    from sim.scenario import baseline

    control = np.full((20, 9), ISIS, dtype=np.int8)
    control[:, 4] = 0
    control[:6, 5:] = SDF
    layers = valley_with_towns(20, [(12, 6, 5000), (0, 6, 5000, "hasakah")], control=control)  # SDF supplied
    forces = [unit("isis", "isis", 200, (12, 6)), unit("isis", "isis", 200, (12, 7))]
    forces += [unit("sdf", "sdf", 300, (x, y)) for x in (2, 3) for y in (5, 6, 7)]
    scenario = dataclasses.replace(baseline(), rules_off=frozenset({"R14", "R7"}))  # R7 off: no stop line here
    model = tiny_model(layers, forces, scenario, days=150, isis_raqqa_drain=0.0)
    model.commanders = [c for c in model.commanders if c.side == "isis"]
    while model.running and any(u.code == ISIS for u in model.units):
        pocket = np.array(sorted(model.unit_cells(ISIS)))  # the SDF goes for wherever ISIS's fighters are
        objective = model.objective(SDF, "the pocket", pocket)
        for u in model.units:
            if u.code == SDF:
                u.posture, u.objective = ATTACK, objective
        model.step()
    assert not [u for u in model.units if u.code == ISIS], "the pocket never fell"
    assert model.control_flat[12 * model.ny + 6] == SDF
