"""Air forces and civilians as mechanisms (issue 17), in tiny worlds: sorties conserved, interdiction,
rules of engagement, flight ahead of the front, returns, civilians in a pocket, humanitarian pauses,
recruits leaving the population, weather, and the restraint trade-off."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.air.targeting import apportion
from sim.calendar import date_of
from sim.codes import Terrain, side_code
from sim.scenario import ScenarioEvent, baseline
from sim.scenarios import ScenarioError, load_scenario
from tests.test_operations import obey, with_terrain
from tests.worlds import tiny_layers, tiny_model, unit

REGIME, SDF, ISIS = side_code("regime"), side_code("sdf"), side_code("isis")


def valley_with_towns(control=None, **kwargs):
    """A tiny world with a town cell in each corner, where people who flee can go."""
    layers = tiny_layers(control=control, **kwargs)
    terrain = layers["terrain"].copy()
    for x, y in ((0, 0), (11, 0), (0, 8), (11, 8)):
        terrain[x, y] = Terrain.URBAN
    return with_terrain(layers, terrain)


def with_events(*events: ScenarioEvent):
    from dataclasses import replace

    return replace(baseline(), events=tuple(events))


@settings(max_examples=60, deadline=None)
@given(total=st.integers(0, 200), weights=st.lists(st.floats(0.0, 1e4), max_size=12),
       cap=st.integers(0, 60))
def test_apportion_gives_whole_sorties_none_lost_to_rounding(total, weights, cap):
    shares = apportion(total, weights, [cap] * len(weights))
    room = sum(cap for w in weights if w > 0)
    assert sum(shares) == min(total, room)
    assert all(0 <= s <= cap for s in shares)
    assert all(s == 0 for s, w in zip(shares, weights, strict=True) if w <= 0)


@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 10**6), russian=st.floats(0.0, 50.0), coalition=st.floats(0.0, 50.0),
       carry=st.floats(0.0, 3.0))
def test_every_sortie_is_flown_carried_or_stood_down(seed, russian, coalition, carry):
    control = np.zeros((12, 9), dtype=np.int8)
    control[:6, :] = REGIME
    control[6:, :] = ISIS
    forces = [unit("regime", "syrian_army", 400, (5, 2), "attack"), unit("isis", "isis", 150, (6, 2)),
              unit("isis", "isis", 400, (10, 7))]
    model = tiny_model(tiny_layers(control=control), forces, seed=seed, days=12, russian_sorties_per_day=russian,
                       coalition_sorties_per_day=coalition, sortie_carryover_days=carry)
    model.run()
    for code, ledger in model.air.ledger.items():
        assert ledger["flown"] == int(ledger["flown"])
        assert ledger["budget"] == pytest.approx(ledger["flown"] + ledger["stood_down"] + model.air.carried[code])
    assert model.air.ledger[REGIME]["budget"] == pytest.approx(12 * russian)


def column_march(terrain_kind: int, sorties: float, days: int = 4) -> int:
    """How far (cells) an ISIS column of 150 marches east along the left bank's edge in ``days``, under
    ``sorties`` coalition sorties a day, on open desert or through a town."""
    layers = tiny_layers(24, 9)
    terrain = layers["terrain"].copy()
    terrain[terrain != Terrain.WATER] = terrain_kind  # all the land: the column cannot step round it
    layers = with_terrain(layers, terrain)
    model = tiny_model(layers, [unit("isis", "isis", 150, (1, 8))], days=days, russian_sorties_per_day=0.0,
                       coalition_sorties_per_day=sorties, isis_counterattack_rate=0.0)
    obey(model, model.units, [(23, 8)])
    for _ in range(days):
        model.step()
    return model.units[0].xy[0] if model.units else 0


def test_interdiction_slows_a_column_on_an_open_road_and_not_in_a_town():
    open_free, open_struck = column_march(Terrain.DESERT, 0.0), column_march(Terrain.DESERT, 30.0)
    town_free, town_struck = column_march(Terrain.URBAN, 0.0), column_march(Terrain.URBAN, 30.0)
    assert open_struck < open_free, "strikes on a column in the open should slow it"
    assert town_struck == town_free, "a column in a town is under cover: not interdicted"


def concentrations_world():
    """ISIS concentrations of 400 in two valley cells, one crowded with civilians."""
    forces = [unit("isis", "isis", 400, (3, 6)), unit("isis", "isis", 400, (9, 6))]
    model = tiny_model(tiny_layers(), forces, days=3, russian_sorties_per_day=20.0, coalition_sorties_per_day=20.0)
    crowded = 3 * model.ny + 6
    model.population.residents_flat[crowded] = 40000.0  # 10,000 per km²
    return model, crowded, 9 * model.ny + 6


def test_a_coalition_strike_is_withheld_over_a_dense_cell_where_a_russian_one_is_not():
    model, crowded, empty = concentrations_world()
    model.day = 1
    model.air.dawn()
    model.air.fly([])
    struck = {(code, cell): sorties for _, code, cell, _, _, sorties, _, _ in model.air.strikes}
    assert struck.get((SDF, crowded), 0) == 0, "the coalition withholds strikes on the crowded cell"
    assert struck.get((REGIME, crowded), 0) > 0, "Russian rules of engagement let it strike there"
    assert model.air.ledger[SDF]["withheld"] > 0
    # the withheld sorties are spent on the other target or carried over, not lost
    ledger = model.air.ledger[SDF]
    assert ledger["flown"] + model.air.carried[SDF] + ledger["stood_down"] == pytest.approx(20.0)
    assert struck.get((SDF, empty), 0) > struck.get((REGIME, empty), 0) - 1


def test_civilians_leave_a_cell_before_the_front_reaches_it():
    control = np.zeros((12, 9), dtype=np.int8)
    control[:5, :] = REGIME
    control[5:, :] = ISIS
    ahead = (7, 6)  # ISIS-held, two cells ahead of the regime's unit, no fighting in it
    def residents_ahead(rate):
        model = tiny_model(valley_with_towns(control), [unit("regime", "syrian_army", 400, (4, 6))], days=2,
                           front_flee_rate=rate)
        model.commanders = []  # the unit stands: the front is near, not yet there
        before = model.population.residents_flat[ahead[0] * model.ny + ahead[1]]
        model.step()
        assert not model.recorder.engagements
        return before, model.population.residents_flat[ahead[0] * model.ny + ahead[1]]
    before, after = residents_ahead(0.03)
    assert after < before * 0.99
    assert residents_ahead(0.0)[1] == pytest.approx(before)


def test_people_return_to_a_quiet_area_and_not_to_a_troubled_one():
    model = tiny_model(tiny_layers(), [], days=30, return_quiet_days=5, return_rate=0.05)
    people = model.population
    home, troubled, host = 2 * model.ny + 6, 8 * model.ny + 6, 5 * model.ny + 2
    for cell in (home, troubled):
        people.residents_flat[cell] -= 500.0
        people.away[cell] = 500.0
    people.residents_flat[host] += 1000.0
    people.hosted[host] = 1000.0
    people.last_unrest[home] = -100
    for _ in range(10):
        people.last_unrest[troubled] = model.day  # a front near it every day
        model.step()
    assert people.away[home] < 350 and people.returned > 150
    assert people.away[troubled] == pytest.approx(500.0)


def pocket(residents: float, seed: int, days: int = 8, scenario=None, defenders: int = 300, **params):
    """SDF units of 900 around an ISIS cell of ``defenders`` in the valley holding ``residents`` civilians."""
    target = (6, 6)
    forces = [unit("isis", "isis", defenders, target)] + [unit("sdf", "sdf", 300, c) for c in ((5, 6), (6, 7), (7, 6))]
    model = tiny_model(valley_with_towns(), forces, scenario, seed=seed, days=days, isis_counterattack_rate=0.0,
                       russian_sorties_per_day=0.0, **params)
    obey(model, [u for u in model.units if u.code == SDF], [target], "attack")
    cell = target[0] * model.ny + target[1]
    model.population.residents_flat[cell] = residents
    return model, cell


def isis_lost(model) -> int:
    while model.running:
        model.step()
    return model.ledger[ISIS]["killed"] + model.ledger[ISIS]["defected"]


def test_a_pocket_with_civilians_holds_longer_than_the_same_pocket_without():
    crowded = sum(isis_lost(pocket(40000.0, seed)[0]) for seed in range(5))
    empty = sum(isis_lost(pocket(0.0, seed)[0]) for seed in range(5))
    assert crowded < 0.8 * empty


def test_a_humanitarian_pause_lets_the_civilians_out_and_holds_the_fire():
    pause = ScenarioEvent(date_of(1), "humanitarian_pause", (("side", "sdf"), ("until", date_of(5))))
    paused, cell = pocket(40000.0, 1, days=5, scenario=with_events(pause), front_flee_rate=0.0)
    assert paused.sortie_budgets()[SDF] == 0.0 or paused.day == 0
    while paused.running:
        paused.step()
        assert paused.sortie_budgets()[SDF] == 0.0
    assert not [e for e in paused.recorder.engagements if e[4] == SDF], "the pausing side holds its fire"
    assert paused.population.residents_flat[cell] < 40000.0 * 0.9 ** 5
    assert paused.population.in_camps > 0 or paused.population.displaced_now > 10000


def test_recruitment_lowers_the_population():
    control = np.zeros((12, 9), dtype=np.int8)
    control[:, 5:] = SDF
    model = tiny_model(tiny_layers(control=control, residents=20000.0), [], days=20, sdf_recruitment_rate=5e-4,
                       initial_attitude_sdf=0.9, front_flee_rate=0.0)
    before = model.population.total
    model.run()
    recruited = model.ledger[SDF]["recruited"]
    assert recruited > 0
    assert before - model.population.total == pytest.approx(recruited, rel=1e-6)


def test_weather_grounds_an_air_force_through_sortie_budgets():
    storm = ScenarioEvent(date_of(3), "weather", (("air_force", "coalition"), ("until", date_of(5))))
    model = tiny_model(tiny_layers(), [], with_events(storm), days=8)
    assert [model.sortie_budgets(day)[SDF] for day in range(1, 8)] == [15.0, 15.0, 0.0, 0.0, 0.0, 15.0, 15.0]
    assert all(model.sortie_budgets(day)[REGIME] == 30.0 for day in range(1, 8))


@pytest.mark.parametrize("body, key", [
    ('[[events]]\nkind = "weather"\ndate = 2018-10-10\n', "events[0].until"),
    ('[[events]]\nkind = "weather"\ndate = 2018-10-10\nuntil = 2018-10-13\nair_force = "french"\n',
     "events[0].air_force"),
    ('[[events]]\nkind = "weather"\ndate = 2018-10-10\nuntil = 2018-10-13\nflying = 1.5\n', "events[0].flying"),
    ('[[events]]\nkind = "humanitarian_pause"\ndate = 2019-03-01\nuntil = 2019-02-01\n', "events[0].until"),
])
def test_bad_weather_and_pause_events_name_the_file_and_key(tmp_path: Path, body, key):
    path = tmp_path / "bad.toml"
    path.write_text(f'name = "bad"\ndescription = "a bad file"\n{body}')
    with pytest.raises(ScenarioError) as error:
        load_scenario(path)
    assert error.value.key == key and str(path) in str(error.value)


def test_coalition_restraint_trades_civilian_deaths_against_the_pockets_duration():
    def outcome(threshold):
        deaths = holding = 0
        for seed in range(5):
            model, cell = pocket(12000.0, seed, days=6, defenders=550, coalition_sorties_per_day=40.0,
                                 coalition_civilian_threshold=threshold,
                                 front_flee_rate=0.0, flee_rate=0.0)
            isis_lost(model)
            deaths += model.population.air_deaths[SDF]
            holding += int(model.stacked[ISIS, cell])  # ISIS fighters still holding the pocket
        return deaths, holding
    restrained, unrestrained = outcome(1000.0), outcome(20000.0)
    assert restrained[0] < unrestrained[0], "restraint kills fewer civilians"
    assert restrained[1] > unrestrained[1], "restraint leaves more of the pocket's defenders standing"


@pytest.mark.slow
def test_no_russian_air_delays_the_regimes_advance_in_paired_seeds():
    from sim.model import CampaignModel
    from sim.scenarios import resolve_scenario

    def city_day(scenario, seed):
        model = CampaignModel(resolve_scenario(scenario), rng=seed, days=150)
        model.run()
        return model.recorder.milestones.get("regime_city_cleared", 999)
    delays = [city_day("no_russian_air", s) - city_day("baseline", s) for s in range(4)]
    assert sum(delays) > 0
