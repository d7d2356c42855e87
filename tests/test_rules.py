"""Each rule of the article, R1-R15, checked on what it decides, mostly in tiny worlds built in code."""

import datetime as dt

import numpy as np
import pytest

from sim import battle
from sim.battle import Engagement
from sim.codes import Bank, Terrain, side_code
from sim.model import CampaignModel
from sim.params import Params
from sim.rules import RULES, RuleBook, isis, opposition, population, regime, sdf
from sim.scenario import Scenario, baseline
from tests.worlds import tiny_layers, tiny_model, unit, valley_with_towns

REGIME, SDF, ISIS, OPPOSITION = (side_code(s) for s in ("regime", "sdf", "isis", "opposition"))
R1_OFF = Scenario("r1_off", "R1 switched off", rules_off=frozenset({"R1"}))


def regime_and_sdf_side_by_side():
    """A regime unit and an SDF unit on neighbouring right-bank cells, each holding its own."""
    control = np.zeros((12, 9), dtype=np.int8)
    control[:6, :4] = REGIME
    control[6:, :4] = SDF
    layers = tiny_layers(control=control)
    forces = [unit("regime", "syrian_army", 400, (5, 2), "attack"), unit("sdf", "sdf", 300, (6, 2), "attack")]
    return layers, forces


def test_every_rule_is_registered_with_code_that_carries_it():
    assert sorted(RULES, key=lambda r: int(r[1:])) == [f"R{i}" for i in range(1, 16)]
    for rule in RULES.values():
        assert rule.paragraphs and all(p.startswith("¶") for p in rule.paragraphs)
        assert rule.functions, f"{rule.id} has no function carrying it"


def test_r1_regime_and_sdf_side_by_side_never_fight():
    layers, forces = regime_and_sdf_side_by_side()
    model = tiny_model(layers, forces, days=40).run()
    assert model.recorder.engagements == []
    assert model.ledger[REGIME]["killed"] == model.ledger[SDF]["killed"] == 0


def test_r1_switched_off_the_same_pair_fights():
    layers, forces = regime_and_sdf_side_by_side()
    model = tiny_model(layers, forces, R1_OFF, days=40).run()
    pairs = {(e[4], e[5]) for e in model.recorder.engagements}
    assert (REGIME, SDF) in pairs or (SDF, REGIME) in pairs
    assert model.ledger[REGIME]["killed"] + model.ledger[SDF]["killed"] > 0


def test_r1_neither_enters_the_others_held_cells():
    """The regime's objective, ISIS, lies beyond an SDF-held strip with a way round it along the desert
    edge: the regime unit gets past the strip without ever setting foot on an SDF cell."""
    control = np.full((12, 9), ISIS, dtype=np.int8)
    control[:3, :4] = REGIME
    control[3:6, 1:4] = SDF
    layers = tiny_layers(control=control)
    forces = [unit("regime", "syrian_army", 400, (1, 2), "attack"), unit("isis", "isis", 150, (10, 2))]
    model = tiny_model(layers, forces, days=40)
    regime_unit = model.units[0]
    farthest = 0
    for _ in range(40):
        model.step()
        if regime_unit.strength:
            assert model.control_flat[regime_unit.flat] != SDF
            farthest = max(farthest, regime_unit.xy[0])
    assert farthest > 5, "the regime unit never got past the SDF's strip"


def test_r1_air_power_never_strikes_the_partner_but_does_with_r1_off():
    """A regime attack on an SDF cell: under R1 neither air force joins it (Russia does not strike the
    SDF, the coalition need not defend it from a partner); with R1 off both do."""
    layers, forces = regime_and_sdf_side_by_side()
    for scenario, expect_sorties in ((baseline(), False), (R1_OFF, True)):
        model = tiny_model(layers, forces, scenario, days=1)
        regime_unit = next(u for u in model.units if u.code == REGIME)
        sdf_unit = next(u for u in model.units if u.code == SDF)
        e = Engagement("attack", REGIME, sdf_unit.flat, [regime_unit], SDF, [sdf_unit])
        battle.allocate_sorties(model, [e])
        assert bool(e.sorties.get(REGIME)) is expect_sorties, scenario.name
        assert bool(e.sorties.get(SDF)) is expect_sorties, scenario.name


def test_r1_incidents_happen_only_with_a_rate():
    layers, forces = regime_and_sdf_side_by_side()
    quiet = tiny_model(layers, forces, days=60).run()
    rough = tiny_model(layers, forces, days=60, r1_incident_rate=0.2).run()
    assert not quiet.recorder.engagements
    kinds = {e[3] for e in rough.recorder.engagements}
    assert kinds == {"incident"}


@pytest.fixture(scope="module")
def day0():
    return CampaignModel(rng=3, days=1)


def test_r2_the_race_comes_in_order_and_stops_with_r2_off(day0):
    race = regime.race_targets(day0)
    keys = [key for key, _ in race]
    assert keys == ["secure the city and airport", "clear the city", "al-Mayadin", "al-Bukamal",
                    "the border at al-Qaim"]
    assert race[0][1].size == 0  # R5: the pocket is held on day 0
    assert all(targets.size for _, targets in race[1:])
    assert [k for k, _ in regime.race_switched_off(race)] == keys[:2]


def test_r2_the_corridor_is_complete_only_when_regime_cells_join_palmyra_the_city_bukamal_and_the_border(day0):
    assert not regime.corridor_complete(day0)
    saved = day0.control.copy()
    try:
        path = [day0.layers.place_cells[p] for p in ("palmyra", "deir_ez_zor", "bukamal")]
        border = divmod(int(day0.border_cells[0]), day0.ny)
        for (x0, y0), (x1, y1) in zip(path, [*path[1:], border], strict=True):
            for t in np.linspace(0, 1, 400):
                x, y = round(x0 + t * (x1 - x0)), round(y0 + t * (y1 - y0))
                day0.control[max(x - 1, 0) : x + 2, max(y - 1, 0) : y + 2] = REGIME
        assert regime.corridor_complete(day0)
        day0.control[path[2][0] - 3 : path[2][0] + 4, :] = 0  # cut it at al-Bukamal
        assert not regime.corridor_complete(day0)
    finally:
        day0.control[:] = saved


def isis_losses_to_a_regime_assault(scenario: Scenario, seeds=range(6)) -> int:
    """ISIS's losses on the first day of an assault by 1,200 regime fighters on 300, without air."""
    lost = 0
    for seed in seeds:
        forces = [unit("isis", "isis", 300, (6, 6))] + [unit("regime", "syrian_army", 400, c)
                                                         for c in ((5, 6), (6, 7), (7, 6))]
        model = tiny_model(tiny_layers(), forces, scenario, seed=seed, days=1, russian_sorties_per_day=0.0,
                           isis_counterattack_rate=0.0)
        model.commanders = []
        target = model.objective(REGIME, "the cell", np.array([6 * model.ny + 6]))
        for u in model.units:
            if u.code == REGIME:
                u.posture, u.objective = "attack", target
        model.step()
        lost += model.ledger[ISIS]["killed"]
    return lost


def test_r3_russian_advisers_make_a_regime_assault_deadlier():
    """R3's advisers on the ground (its air: tests/test_switches.py): the same assault, no air on either
    side, kills more of the defenders with R3 than without."""
    with_advisers = isis_losses_to_a_regime_assault(baseline())
    without = isis_losses_to_a_regime_assault(Scenario("r3_off", "R3 off", rules_off=frozenset({"R3"})))
    assert with_advisers > 1.1 * without > 0


def test_r4_reinforcements_add_up_and_carry_the_militia_share():
    params = Params().replace(regime_reinforcements=6000, iranian_militia_share=0.25, regime_unit_size=400)
    schedule = regime.reinforcement_schedule(params, RuleBook())
    assert sum(f for _, _, f in schedule) == pytest.approx(6000, abs=len(schedule))
    militia = sum(f for _, kind, f in schedule if kind == "iranian_militia")
    assert militia / 6000 == pytest.approx(0.25, abs=400 / 6000)
    assert all(1 <= day <= params.regime_reinforcement_days for day, _, _ in schedule)
    assert regime.reinforcement_schedule(params, RuleBook.with_off(["R4"])) == []


def test_r5_switched_off_the_siege_is_unbroken():
    broken = CampaignModel(rng=1, days=1)
    unbroken = CampaignModel(Scenario("siege", "R5 off", rules_off=frozenset({"R5"})), rng=1, days=1)
    panorama = broken.place_flat["panorama"]
    assert broken.control_flat[panorama] == REGIME
    assert unbroken.control_flat[panorama] == ISIS
    assert unbroken.control_flat[unbroken.place_flat["dez_airport"]] == REGIME  # still besieged, still held
    tigers = [u for u in unbroken.units if u.group == "tiger_forces"]
    sx, sy = divmod(unbroken.place_flat["shula"], unbroken.ny)  # at al-Shula, or the nearest cells with room
    assert tigers and all(max(abs(u.xy[0] - sx), abs(u.xy[1] - sy)) <= 4 for u in tigers)
    assert all(unbroken.control_flat[u.flat] != ISIS for u in tigers)


def test_r6_the_sdf_blocks_the_left_bank_facing_the_city(day0):
    targets = sdf.blocking_targets(day0)
    assert targets.size
    assert np.all(day0.layers["bank"].ravel()[targets] == Bank.LEFT)
    assert day0.place_flat["conoco"] not in targets  # no place named: the ground facing the city's crossings
    with_r6 = [k for k, _ in sdf.phase_targets(day0, phase_two=False)]
    day0.rules = RuleBook.with_off(["R6"])
    try:
        without = [k for k, _ in sdf.phase_targets(day0, phase_two=False)]
    finally:
        day0.rules = RuleBook()
    assert with_r6[0] == "the left bank facing the city" and "the left bank facing the city" not in without


def test_r7_phase_one_stops_at_the_line_through_al_suwar(day0):
    beyond = sdf.beyond_stop_line(day0.layers)
    for place in ("busayrah", "dhiban", "hajin"):
        assert beyond[day0.place_flat[place]], place
    for place in ("suwar", "markada"):
        assert not beyond[day0.place_flat[place]], place
    assert not sdf.in_phase_two(day0)
    assert np.all(day0.blocked[SDF][beyond])
    later = CampaignModel(baseline().with_params(sdf_phase2_date=dt.date(2017, 9, 12)), rng=1, days=5)
    later.step()
    later.step()
    assert sdf.in_phase_two(later) and not later.blocked[SDF][beyond].any()
    off = CampaignModel(Scenario("now", "R7 off", rules_off=frozenset({"R7"})), rng=1, days=1)
    assert sdf.in_phase_two(off)


def test_r8_coalition_air_supports_the_sdf_against_isis_only():
    params = Params()
    assert sdf.coalition_sorties(params, RuleBook.with_off(["R8"])) == 0
    control = np.zeros((12, 9), dtype=np.int8)
    control[:6, 5:] = SDF
    control[6:, 5:] = ISIS
    layers = tiny_layers(control=control)
    model = tiny_model(layers, [unit("sdf", "sdf", 300, (5, 6), "attack"), unit("isis", "isis", 150, (6, 6))], days=1)
    s, i = model.units
    e = Engagement("attack", SDF, i.flat, [s], ISIS, [i])
    battle.allocate_sorties(model, [e])
    assert e.sorties.get(SDF, 0) > 0 and not e.sorties.get(REGIME)


def test_r9_the_opposition_raids_both_the_regime_and_isis_within_reach():
    model = CampaignModel(rng=1, days=1, forces=[
        unit("opposition", "opposition", 300, cell_near("tanf")),
        unit("isis", "isis", 150, cell_near("tanf", dx=20)),
        unit("regime", "syrian_army", 400, cell_near("tanf", dy=25)),
        unit("isis", "isis", 150, cell_near("bukamal")),
    ])
    targets = set(opposition.raid_targets(model).tolist())
    near = {u.flat for u in model.units if u.code in (ISIS, REGIME) and u.flat != model.place_flat["bukamal"]}
    assert targets == near  # (R9 off acts through the relation: tests/test_switches.py)


def cell_near(place: str, dx: int = 0, dy: int = 0) -> tuple[int, int]:
    from sim.geography import load_map

    x, y = load_map(2.0).place_cells[place]
    return (x + dx, y + dy)


def test_r10_recruits_grow_with_the_attitude_toward_the_sdf():
    params = Params()
    residents = np.full(10, 10_000.0)
    held = np.ones(10, dtype=bool)
    below = sdf.expected_recruits(residents, np.full(10, params.sdf_attitude_threshold - 0.1), held, params)
    some = sdf.expected_recruits(residents, np.full(10, 0.6), held, params)
    more = sdf.expected_recruits(residents, np.full(10, 0.9), held, params)
    assert below == 0 < some < more
    assert sdf.expected_recruits(residents, np.full(10, 0.9), ~held, params) == 0


def test_r11_militias_and_destruction_raise_tension_which_feeds_raids_and_recruits():
    params = Params()
    tension = np.zeros(4)
    population.raise_tension(tension, np.array([1.0, 0, 0, 0]), np.array([0, 0.2, 0, 0]), params, RuleBook())
    assert tension[0] > 0 and tension[1] > 0 and tension[2] == tension[3] == 0
    residents = np.full(4, 10_000.0)
    behind = np.array([True, True, False, False])
    assert population.expected_raids(residents, tension, behind, params) > 0
    assert population.expected_raids(residents, np.zeros(4), behind, params) == 0
    assert population.expected_isis_recruits(residents, tension, params) > 0
    population.raise_tension(tension, np.ones(4), np.ones(4), params, RuleBook.with_off(["R11"]))
    assert not tension.any()


def test_r12_prepared_towns_decay_once_lost_and_isis_falls_back_early():
    params = Params()
    control = np.array([[ISIS, ISIS, REGIME]])
    terrain = np.array([[Terrain.URBAN, Terrain.VALLEY, Terrain.URBAN]])
    forts = isis.prepared_defences(control, terrain, params, RuleBook())
    assert forts[0, 0] == params.isis_fortification > forts[0, 1] > 0 == forts[0, 2]
    assert not isis.prepared_defences(control, terrain, params, RuleBook.with_off(["R12"])).any()
    control[0, 0] = REGIME
    isis.decay_lost_defences(forts, control, params)
    assert forts[0, 0] == pytest.approx(params.isis_fortification * (1 - params.fortification_decay))
    hold = isis.withdrawal_ratio(ISIS, "hold", params, RuleBook())
    assert isis.withdrawal_ratio(ISIS, "delay", params, RuleBook()) < hold < isis.withdrawal_ratio(
        REGIME, "hold", params, RuleBook())
    assert isis.withdrawal_ratio(ISIS, "hold", params, RuleBook.with_off(["R12"])) == params.breakthrough_ratio


def test_r12_an_isis_unit_pressed_hard_falls_back_where_a_regime_unit_would_hold():
    def pressed_unit(defender_side, kind):
        control = np.zeros((12, 9), dtype=np.int8)
        control[:5, :4] = REGIME if defender_side == "isis" else ISIS
        control[5:, :4] = side_code(defender_side)
        layers = tiny_layers(control=control)
        attacker_side = "regime" if defender_side == "isis" else "isis"
        attacker_kind = "elite_assault" if attacker_side == "regime" else "isis"
        forces = [unit(defender_side, kind, 150, (5, 2)), unit(attacker_side, attacker_kind, 500, (4, 2), "attack")]
        model = tiny_model(layers, forces, days=1, lethality=0.001)
        defender = model.units[0]
        ratio = (isis.withdrawal_ratio(ISIS, "hold", model.params, model.rules) + model.params.breakthrough_ratio) / 2
        battle.withdraw_or_surrender(model, defender, ratio)
        return defender.flat != model.ny * 5 + 2
    assert pressed_unit("isis", "isis") is True
    assert pressed_unit("regime", "syrian_army") is False


def test_r14_demoralised_isis_units_defect_more_around_bukamal_at_the_start():
    params = Params().replace(isis_defection_rate=0.02)
    def rate(morale, day, km, rules=None, supply=1.0, cut_off=False, contagion=0.0):
        return isis.defection_rate(morale, supply, cut_off, contagion, day, km, params, rules or RuleBook())
    assert rate(0.9, 0, 100) == 0 < rate(0.3, 0, 100) < rate(0.1, 0, 100)
    assert rate(0.3, 0, 100) < rate(0.3, 0, 100, supply=0.5) < rate(0.3, 0, 100, supply=0.5, cut_off=True)
    assert rate(0.3, 0, 100) < rate(0.3, 0, 100, contagion=1.0)  # defections around it spread
    far, near_now, near_later = rate(0.1, 0, 100), rate(0.1, 0, 10), rate(0.1, 300, 10)
    assert near_now > 2 * far and far < near_later < near_now
    assert rate(0.1, 0, 10, RuleBook.with_off(["R14"])) == 0


def supply_after_a_day(oil: float, scenario: Scenario | None = None) -> float:
    """The supply of an ISIS unit at half supply after one day, its side holding an oil field of ``oil``."""
    control = np.full((12, 9), ISIS, dtype=np.int8)
    layers = valley_with_towns(12, [(4, 6, 1000.0)], control=control, oil={(10, 7): oil})  # its town supplies it
    model = tiny_model(layers, [unit("isis", "isis", 150, (2, 6))], scenario, days=1)
    model.commanders = []
    (fighters,) = model.units
    fighters.supply = 0.5
    model.step()
    return fighters.supply


def test_r15_holding_oil_speeds_a_units_supply():
    """R15: a side holding an oil field resupplies its units faster (the field's recruits:
    tests/test_switches.py); with R15 off the field gives nothing."""
    without = supply_after_a_day(0.0)
    assert supply_after_a_day(1.0) > without + 0.02
    assert supply_after_a_day(1.0, Scenario("r15_off", "R15 off", rules_off=frozenset({"R15"}))) == without


def test_an_unknown_rule_id_is_refused():
    from sim.rules import RuleError

    with pytest.raises(RuleError, match="unknown rule id"):
        RuleBook.with_off(["R16"])
