"""The browser app's controls and model, without a browser: generated from the declaration, applied to
the chosen scenario, and the model built from keyword arguments as SolaraViz builds it."""

from __future__ import annotations

import datetime as dt

import pytest

from sim.app import MASTER_SEED, AppModel, apply_controls, model_params, slider_step
from sim.experiments.runner import spawn_seeds
from sim.params import DECLARATION, ParamError
from sim.rules import RULES
from sim.scenarios import resolve_scenario, scenario_names


def test_the_controls_are_generated_from_the_declaration_and_the_rules():
    controls = model_params()
    assert controls["scenario_name"]["values"] == scenario_names()
    explore = [p for p in DECLARATION.values() if p.explore]
    assert explore and all(p.name in controls for p in explore)
    assert not [name for name in controls if name in DECLARATION and not DECLARATION[name].explore]
    for param in explore:
        control = controls[param.name]
        if param.kind in (int, float):
            assert control["type"] == ("SliderInt" if param.kind is int else "SliderFloat")
            assert (control["min"], control["max"], control["value"]) == (param.low, param.high, param.default)
            steps = (param.default - param.low) / control["step"]
            assert abs(steps - round(steps)) < 1e-6, f"{param.name}: the slider cannot show its default"
            assert 10 <= (param.high - param.low) / control["step"] <= 1000
        elif param.kind is dt.date:
            assert control["type"] == "Select" and param.default.isoformat() in control["values"]
    assert [name for name in controls if name in RULES] == list(RULES)
    assert all(controls[rule]["type"] == "Checkbox" and controls[rule]["value"] for rule in RULES)


def test_sliders_at_their_default_keep_the_scenario_and_changed_ones_apply():
    defaults = {name: c["value"] for name, c in model_params().items() if name in DECLARATION or name in RULES}
    kept = apply_controls(resolve_scenario("no_russian_air"), defaults)
    assert kept.params.russian_sorties_per_day == 0.0 and not kept.rules_off
    changed = apply_controls(
        resolve_scenario("deconfliction_breaks"),
        {**defaults, "isis_fighters_city": 4000, "iranian_militia_share": 0.1 + 0.2, "R14": False,
         "sdf_phase2_date": "2018-06-01"},
    )
    assert changed.params.isis_fighters_city == 4000
    assert changed.params.iranian_militia_share == 0.3 == DECLARATION["iranian_militia_share"].default
    assert changed.params.sdf_phase2_date == dt.date(2018, 6, 1)
    assert changed.rules_off == {"R1", "R14"}  # the scenario's own, and the one unticked


def test_controls_that_are_not_parameters_or_values_out_of_range_are_errors():
    with pytest.raises(ValueError, match="not a parameter or a rule: speed"):
        apply_controls(resolve_scenario("baseline"), {"speed": 3})
    with pytest.raises(ParamError):
        apply_controls(resolve_scenario("baseline"), {"isis_fighters_city": 10})


def test_slider_steps_are_round():
    assert slider_step(DECLARATION["isis_fighters_city"]) == 50
    assert slider_step(DECLARATION["lethality"]) == 0.0005


def test_the_model_is_built_from_keyword_arguments_as_solara_viz_builds_it():
    values = {name: control["value"] for name, control in model_params().items()}
    model = AppModel(**{**values, "run": 3, "sdf_fighters": 6000, "R8": False}, scenario=object())
    assert model.spec.name == "baseline" and model.seed == spawn_seeds(MASTER_SEED, 20)[3]
    assert model.params.sdf_fighters == 6000 and model.spec.rules_off == {"R8"}
    model.step()
    assert model.day == 1
