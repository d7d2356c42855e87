"""The browser app's controls and model, without a browser: they show the values of the scenario in
use, run exactly what they show, and say when they have changed since the campaign was built."""

from __future__ import annotations

import datetime as dt

import pytest

from sim.app import MASTER_SEED, AppModel
from sim.app_controls import (
    EXPLORED,
    apply_controls,
    controls_changed,
    param_label,
    rule_label,
    scenario_values,
    slider_step,
)
from sim.experiments.runner import spawn_seeds
from sim.params import DECLARATION, ParamError
from sim.rules import RULES
from sim.scenarios import resolve_scenario


def test_the_controls_show_the_values_of_the_chosen_scenario():
    baseline = scenario_values("baseline")
    assert [name for name in baseline if name in RULES] == list(RULES) and all(baseline[r] for r in RULES)
    assert {p.name for p in EXPLORED} <= set(baseline)
    assert scenario_values("no_russian_air")["russian_sorties_per_day"] == 0.0
    assert scenario_values("deconfliction_breaks")["R1"] is False
    assert scenario_values("baseline", run=4)["run"] == 4


def test_the_controls_run_exactly_what_they_show():
    shown = {**scenario_values("no_russian_air"), "russian_sorties_per_day": 30.0}
    del shown["scenario_name"], shown["run"]
    assert apply_controls(resolve_scenario("no_russian_air"), shown).params.russian_sorties_per_day == 30.0
    shown = {**scenario_values("deconfliction_breaks"), "R1": True, "R14": False, "iranian_militia_share": 0.1 + 0.2,
             "sdf_phase2_date": "2018-06-01"}
    del shown["scenario_name"], shown["run"]
    changed = apply_controls(resolve_scenario("deconfliction_breaks"), shown)
    assert changed.rules_off == {"R14"}  # R1 ticked again is on; R14 unticked is off
    assert changed.params.iranian_militia_share == 0.3
    assert changed.params.sdf_phase2_date == dt.date(2018, 6, 1)


def test_controls_that_are_not_parameters_or_values_out_of_range_are_errors():
    with pytest.raises(ValueError, match="not a parameter or a rule: speed"):
        apply_controls(resolve_scenario("baseline"), {"speed": 3})
    with pytest.raises(ParamError):
        apply_controls(resolve_scenario("baseline"), {"isis_fighters_city": 10})


def test_labels_show_the_value_and_rules_are_not_cut():
    assert param_label(DECLARATION["isis_fighters_city"], 3000).startswith("ISIS fighters city: 3,000 fighters")
    assert all("…" not in rule_label(r) and rule_label(r).endswith(RULES[r].statement) for r in RULES)


def test_slider_steps_are_round_and_land_on_the_default():
    assert slider_step(DECLARATION["isis_fighters_city"]) == 50
    assert slider_step(DECLARATION["lethality"]) == 0.0005
    for param in EXPLORED:
        if param.kind in (int, float):
            steps = (param.default - param.low) / slider_step(param)
            assert abs(steps - round(steps)) < 1e-6, param.name


def test_the_model_keeps_its_controls_so_the_page_can_say_they_changed():
    model = AppModel(scenario_name="baseline", run=3, sdf_fighters=6000, R8=False)
    assert model.spec.name == "baseline" and model.seed == spawn_seeds(MASTER_SEED, 20)[3]
    assert model.params.sdf_fighters == 6000 and model.spec.rules_off == {"R8"}
    assert controls_changed(dict(model.controls), model.controls) == []
    assert controls_changed({**model.controls, "R8": True}, model.controls) == ["R8"]
    model.step()
    assert model.day == 1
