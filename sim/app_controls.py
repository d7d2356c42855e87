"""The browser app's controls: what each shows and what a set of control values runs.

The controls always show the values the run will use: choosing a scenario sets every slider, choice
and rule switch to that scenario's own values (``scenario_values``), and ``apply_controls`` turns the
values shown into the scenario that runs, exactly as shown (a slider set to 30 runs 30 in any
scenario; a ticked rule is on, an unticked one off). ``AppModel`` keeps the values it was built
from, so the page can say when the controls have changed since the last Reset (``controls_changed``).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace

from sim.params import DECLARATION, Param
from sim.rules import RULES
from sim.scenario import Scenario
from sim.scenarios import resolve_scenario

RUN_CHOICES = 20  # the default number of replications of `run.py run`
SLIDER_STEPS = 100  # a slider moves in about this many steps from its low to its high value
ACRONYMS = {"isis": "ISIS", "sdf": "SDF", "pmf": "PMF", "us": "US", "r1": "R1"}
EXPLORED = tuple(p for p in DECLARATION.values() if p.explore)


def slider_step(param: Param) -> float | int:
    """A round step (1, 2 or 5 times a power of ten) that moves the slider from low to high in about
    SLIDER_STEPS steps and lands on the default."""
    span = float(param.high) - float(param.low)
    if span <= 0:
        return 1
    power = 10 ** math.floor(math.log10(span / SLIDER_STEPS))
    for step in (5 * power, 2 * power, power, power / 2, power / 5, power / 10):
        if param.kind is int and step < 1:
            return 1
        offset = (float(param.default) - float(param.low)) / step
        if abs(offset - round(offset)) < 1e-6:
            return int(step) if param.kind is int else float(f"{step:.12g}")
    return 1 if param.kind is int else power / 10


def date_choices(param: Param) -> list[str]:
    """The first of every month from a date parameter's low to its high, and its default, as ISO dates."""
    day, high = param.low.replace(day=1), param.high
    choices = {param.default.isoformat()}
    while day <= high:
        if day >= param.low:
            choices.add(day.isoformat())
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return sorted(choices)


def param_words(param: Param) -> str:
    """The parameter's name in words: ``isis_fighters_city`` is "ISIS fighters city"."""
    words = " ".join(ACRONYMS.get(word, word) for word in param.name.split("_"))
    return words[0].upper() + words[1:]


def shown_value(param: Param, value) -> str:
    """A control's value as the label shows it, with its unit."""
    if param.kind is int:
        text = f"{int(value):,}"
    elif param.kind is float:
        text = f"{float(value):.4g}"
    else:
        text = str(value)
    return f"{text} {param.unit}".strip()


def param_label(param: Param, value) -> str:
    """A control's label: the parameter in words, its value now (visible without touching the slider),
    its declared default and its rule."""
    rule = f" [{param.rule}]" if param.rule else ""
    return f"{param_words(param)}: {shown_value(param, value)} (default {shown_value(param, param.default)}){rule}"


def rule_label(rule_id: str) -> str:
    """A rule switch's label: the rule's id and its whole statement (the sidebar wraps it)."""
    return f"{rule_id}: {RULES[rule_id].statement}"


def control_value(param: Param, value):
    """A parameter's value as its control holds it: dates as ISO text, numbers as they are."""
    return value.isoformat() if param.kind is dt.date else value


def scenario_values(scenario_name: str, run: int = 0) -> dict:
    """The controls' values for a scenario: its own parameter values and rules, and the run."""
    scenario = resolve_scenario(scenario_name)
    values = {"scenario_name": scenario_name, "run": int(run)}
    for param in EXPLORED:
        values[param.name] = control_value(param, getattr(scenario.params, param.name))
    for rule_id in RULES:
        values[rule_id] = rule_id not in scenario.rules_off
    return values


def apply_controls(scenario: Scenario, controls: dict) -> Scenario:
    """``scenario`` run with the controls' values, exactly as they show: parameters given are set (and
    checked against their declaration), a ticked rule is on and an unticked rule is off."""
    unknown = sorted(set(controls) - set(DECLARATION) - set(RULES))
    if unknown:
        raise ValueError(f"not a parameter or a rule: {', '.join(unknown)}")
    changes = {}
    for name, value in controls.items():
        if name in DECLARATION:
            if isinstance(value, float):
                value = float(f"{value:.10g}")  # a slider's 0.30000000000000004 is 0.3
            checked = DECLARATION[name].check(value)
            if checked != getattr(scenario.params, name):
                changes[name] = checked
    switched_on = {rule for rule, on in controls.items() if rule in RULES and on}
    switched_off = {rule for rule, on in controls.items() if rule in RULES and not on}
    scenario = scenario.with_params(**changes) if changes else scenario
    return replace(scenario, rules_off=frozenset((scenario.rules_off - switched_on) | switched_off))


def controls_changed(shown: dict, running: dict) -> list[str]:
    """The names of the controls whose values differ from those the running campaign was built with."""
    return [name for name, value in shown.items() if running.get(name) != value]
