"""The browser app: the campaign map, live plots and key places changing hands, in Mesa's SolaraViz.

Served by ``python run.py viz`` (which runs ``solara run sim.app`` on 127.0.0.1 with the front end
served from the installed ``solara-assets`` package, so it works offline). The controls are generated
from the parameter declaration (every parameter marked ``explore``) and the rule registry (a switch
per rule R1-R15); the scenario is chosen from the shipped ones. A slider left at its declared
default keeps the chosen scenario's own value; an unticked rule is switched off in any scenario.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from dataclasses import replace
from itertools import takewhile

import numpy as np
import solara
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter

from sim.calendar import START_DATE, date_of
from sim.codes import SIDES
from sim.experiments.runner import spawn_seeds
from sim.geography.export import MapBackdrop
from sim.model import CampaignModel
from sim.params import DECLARATION, Param
from sim.plots.animation import ENGAGEMENT_WINDOW, MapPanel, side_legend
from sim.plots.style import SIDE_COLOURS, SIDE_LABELS
from sim.rules import RULES
from sim.scenario import Scenario
from sim.scenarios import resolve_scenario, scenario_names

TITLE = "The battle for Deir ez-Zor, 2017-2019"
MASTER_SEED = 20170910  # the default master seed of `run.py run`: run N of the app is run N of `run.py run`
RUN_CHOICES = 20  # the default number of replications of `run.py run`
SLIDER_STEPS = 100  # a slider moves in about this many steps from its low to its high value
RULE_LABEL_CHARS = 64
ACRONYMS = {"isis": "ISIS", "sdf": "SDF", "pmf": "PMF", "us": "US", "r1": "R1"}
RECENT_CHANGES = 30  # places changing hands listed, most recent first
PLAY_INTERVAL_MS = 10  # pause between days when playing; drawing the map takes longer anyway
MAP_DPI = 90
PLOT_DPI = 90


# ----- the model, built from keyword arguments -------------------------------------------------
def apply_controls(scenario: Scenario, controls: dict) -> Scenario:
    """``scenario`` with the app's parameter values and rule switches applied.

    ``controls`` maps declared parameter names to values (a value equal to the declared default keeps
    the scenario's own) and rule ids to on/off (off switches the rule off). Anything else is an error.
    """
    unknown = sorted(set(controls) - set(DECLARATION) - set(RULES))
    if unknown:
        raise ValueError(f"not a parameter or a rule: {', '.join(unknown)}")
    changes = {}
    for name, value in controls.items():
        if name in DECLARATION:
            if isinstance(value, float):
                value = float(f"{value:.10g}")  # a slider's 0.30000000000000004 is 0.3
            checked = DECLARATION[name].check(value)
            if checked != DECLARATION[name].default:
                changes[name] = checked
    switched_off = {rule for rule, on in controls.items() if rule in RULES and not on}
    scenario = scenario.with_params(**changes) if changes else scenario
    return replace(scenario, rules_off=frozenset(scenario.rules_off | switched_off))


class AppModel(CampaignModel):
    """The campaign model built from the app's controls, given as keyword arguments as SolaraViz does."""

    def __init__(self, scenario_name: str = "baseline", run: int = 0, scenario=None, **controls):
        # ``scenario`` is what Mesa's reset button adds on its own (a Mesa scenario holding only a random
        # generator); the campaign's scenario is ``scenario_name``, and its seed comes from ``run``.
        del scenario
        self.run_number = int(run)
        self.reference = resolve_scenario(scenario_name)  # the shipped scenario, before the controls
        super().__init__(apply_controls(self.reference, controls), rng=run_seed(self.run_number))


def run_seed(run: int) -> int:
    """The seed of run ``run`` of ``run.py run`` with its default master seed."""
    return spawn_seeds(MASTER_SEED, max(RUN_CHOICES, run + 1))[run]


# ----- the controls, generated from the declaration --------------------------------------------
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


def param_label(param: Param) -> str:
    """A slider's label: the parameter's name in words, its unit, its default and its rule."""
    words = " ".join(ACRONYMS.get(word, word) for word in param.name.split("_"))
    words = words[0].upper() + words[1:]
    unit = f"{param.unit}, " if param.unit else ""
    rule = f" [{param.rule}]" if param.rule else ""
    return f"{words} ({unit}default {param.default}){rule}"


def param_control(param: Param) -> dict:
    """The SolaraViz input for one declared parameter: a slider, a checkbox or a choice of dates."""
    label = param_label(param)
    if param.kind is bool:
        return {"type": "Checkbox", "value": param.default, "label": label}
    if param.kind is dt.date:
        return {"type": "Select", "value": param.default.isoformat(), "values": date_choices(param), "label": label}
    kind = "SliderInt" if param.kind is int else "SliderFloat"
    return {
        "type": kind, "value": param.default, "min": param.low, "max": param.high, "step": slider_step(param),
        "label": label,
    }


def rule_label(rule_id: str) -> str:
    """A rule switch's label: the rule's id and statement, shortened to fit the sidebar."""
    statement = RULES[rule_id].statement
    if len(statement) > RULE_LABEL_CHARS:
        statement = statement[: RULE_LABEL_CHARS - 1].rstrip() + "…"
    return f"{rule_id}: {statement}"


def model_params() -> dict:
    """SolaraViz's model parameters: the scenario, the run, every ``explore`` parameter, each rule."""
    controls = {
        "scenario_name": {"type": "Select", "value": "baseline", "values": scenario_names(), "label": "Scenario"},
        "run": {
            "type": "SliderInt", "value": 0, "min": 0, "max": RUN_CHOICES - 1, "step": 1,
            "label": "Run (the seed of run N of run.py run)",
        },
    }
    for param in DECLARATION.values():
        if param.explore:
            controls[param.name] = param_control(param)
    for rule_id in RULES:
        controls[rule_id] = {"type": "Checkbox", "value": True, "label": rule_label(rule_id)}
    return controls


# ----- what the page shows ---------------------------------------------------------------------
class LiveMap:
    """The map and valley bar of a live model, drawn once and updated in place at each step."""

    def __init__(self, backdrop: MapBackdrop):
        self.backdrop = backdrop
        self.figure = Figure(figsize=(6.6, 10.2), dpi=MAP_DPI)
        FigureCanvasAgg(self.figure)
        map_ax = self.figure.add_axes([0.1, 0.255, 0.87, 0.715])
        bar_ax = self.figure.add_axes([0.1, 0.205, 0.87, 0.026])
        side_legend(self.figure.add_axes([0.02, 0.0, 0.96, 0.17], label="legend"), columns=3, fontsize=7)
        self.panel = MapPanel(map_ax, bar_ax, backdrop, "", scale_bar=True)

    def show(self, model: CampaignModel) -> None:
        """Update the map to the model's day: control, units, recent engagements and the valley bar."""
        frame = model.layers.frame
        units = []
        for unit in model.units:
            lat, lon = frame.centre(unit.xy)
            units.append({"lat": lat, "lon": lon, "side": unit.side, "strength": unit.strength})
        since = model.day - ENGAGEMENT_WINDOW
        recent = takewhile(lambda e: e[0] > since, reversed(model.recorder.engagements))  # kept in day order
        fights = np.array([(e[0], self.backdrop.lat[e[1], e[2]], self.backdrop.lon[e[1], e[2]]) for e in recent])
        fights = fights.reshape(-1, 3)
        self.panel.update(model.control, units, fights, model.recorder.valley[model.day])
        self.panel.map_ax.set_title(f"{model.spec.name}: {date_of(model.day):%d %B %Y} (day {model.day})", fontsize=11)


def backdrop_for(model: CampaignModel) -> MapBackdrop:
    """The model's map, detached from the model, for drawing."""
    return MapBackdrop.from_layers(model.layers)


@solara.component
def CampaignMap(model: CampaignModel):  # noqa: N802 (components are CamelCase, as in Solara and React)
    """The map with the river, towns, each cell's controller, the units and recent engagements."""
    update_counter.get()
    live = solara.use_memo(lambda: LiveMap(backdrop_for(model)), [model.params.cell_km])
    live.show(model)
    with solara.Column(classes=["campaign-map"]) as column:
        solara.FigureMatplotlib(live.figure, format="png", dependencies=[id(model), model.day])
    return column


class SidePlots:
    """Valley held and fighters by side over the days so far, two line charts updated in place."""

    def __init__(self):
        self.figure = Figure(figsize=(6.4, 4.6), dpi=PLOT_DPI)
        FigureCanvasAgg(self.figure)
        self.valley_ax, self.fighters_ax = self.figure.subplots(2, 1, sharex=True)
        self.lines = {}
        for ax, key in ((self.valley_ax, "valley"), (self.fighters_ax, "fighters")):
            for code, side in enumerate(SIDES, start=1):
                (self.lines[key, code],) = ax.plot([], [], color=SIDE_COLOURS[side], lw=1.6, label=SIDE_LABELS[side])
            ax.grid(alpha=0.3)
        self.valley_ax.set_ylabel("valley held, km²")
        self.fighters_ax.set_ylabel("fighters")
        self.fighters_ax.set_xlabel(f"days since {START_DATE:%d %B %Y}")
        self.figure.legend(
            handles=[self.lines["valley", code] for code in range(1, len(SIDES) + 1)],
            loc="upper center", ncol=2, fontsize=7.5, frameon=False,
        )
        self.figure.subplots_adjust(left=0.13, right=0.97, top=0.88, bottom=0.1, hspace=0.08)

    def show(self, model: CampaignModel) -> None:
        """Draw the model's days 0..today."""
        days = np.arange(model.day + 1)
        recorder = model.recorder
        for code in range(1, len(SIDES) + 1):
            self.lines["valley", code].set_data(days, recorder.valley[: model.day + 1, code])
            self.lines["fighters", code].set_data(days, recorder.fighters[: model.day + 1, code])
        for ax, values in ((self.valley_ax, recorder.valley), (self.fighters_ax, recorder.fighters)):
            ax.set_xlim(0, max(model.day, 10))
            ax.set_ylim(0, 1.08 * max(float(values[: model.day + 1, 1:].max()), 1.0))


@solara.component
def TerritoryAndStrength(model: CampaignModel):  # noqa: N802 (components are CamelCase, as in Solara and React)
    """Live plots of the valley held and the fighters of each side."""
    update_counter.get()
    plots = solara.use_memo(SidePlots, [])
    plots.show(model)
    with solara.Column(classes=["territory-plot"]) as column:
        solara.FigureMatplotlib(plots.figure, format="png", dependencies=[id(model), model.day])
    return column


def side_table(model: CampaignModel) -> str:
    """An HTML table of today's territory, valley and fighters by side."""
    day = model.day
    recorder = model.recorder
    rows = "".join(
        f"<tr><td><span style='color:{SIDE_COLOURS[side]}'>&#9632;</span> {html.escape(SIDE_LABELS[side])}</td>"
        f"<td class='number'>{recorder.territory[day, code]:,.0f}</td>"
        f"<td class='number'>{recorder.valley[day, code]:,.0f}</td>"
        f"<td class='number fighters-{side}'>{recorder.fighters[day, code]:,}</td></tr>"
        for code, side in enumerate(SIDES, start=1)
    )
    return (
        "<table class='side-table' style='width:100%;font-size:13px'><tr><th align='left'>side</th>"
        "<th align='right'>territory, km²</th><th align='right'>valley, km²</th><th align='right'>fighters</th></tr>"
        f"{rows}</table>"
    )


def scenario_summary(model: AppModel) -> str:
    """What the running model is, as HTML: its scenario, the parameters changed from it and the rules off."""
    changed = model.params.differences(model.reference.params)
    lines = [f"<b>Scenario:</b> {html.escape(model.spec.name)}, run {model.run_number} (seed {model.seed})"]
    if changed:
        values = ", ".join(f"{name} = {values[1]}" for name, values in sorted(changed.items()))
        lines.append(f"<b>Changed:</b> <span class='changed-params'>{html.escape(values)}</span>")
    if model.spec.rules_off:
        lines.append("<b>Rules off:</b> " + ", ".join(sorted(model.spec.rules_off, key=lambda r: int(r[1:]))))
    return "<br>".join(lines)


@solara.component
def CampaignStatus(model: AppModel):  # noqa: N802 (components are CamelCase, as in Solara and React)
    """The day and date, whether the campaign is over, the scenario and today's figures by side."""
    update_counter.get()
    state = "running" if model.running else "campaign over"
    with solara.Column(classes=["campaign-status"]) as column:
        solara.HTML(
            tag="h2",
            unsafe_innerHTML=f"Day {model.day} · {date_of(model.day).isoformat()}",
            classes=["day-label"],
            style="margin:0",
        )
        solara.Text(
            f"{state}; ends on day {model.end_day} ({date_of(model.end_day).isoformat()}). "
            "Change the controls, then press Reset to start the campaign again with them."
        )
        solara.HTML(unsafe_innerHTML=scenario_summary(model), classes=["scenario-summary"])
        solara.HTML(unsafe_innerHTML=side_table(model))
    return column


def place_names(model: CampaignModel) -> dict[str, str]:
    """Each place's name by its id."""
    return {p.id: p.name for p in model.layers.places}


@solara.component
def PlacesChangingHands(model: CampaignModel):  # noqa: N802 (components are CamelCase, as in Solara and React)
    """A running list of key places changing hands, most recent first."""
    update_counter.get()
    names = place_names(model)
    changes = [c for c in model.recorder.place_changes if c[0] > 0][-RECENT_CHANGES:]
    rows = "".join(
        f"<tr><td>{date_of(day).isoformat()}</td><td>{html.escape(names.get(place, place))}</td>"
        f"<td><span style='color:{SIDE_COLOURS[SIDES[code - 1]] if code else '#888'}'>&#9632;</span> "
        f"{html.escape(SIDE_LABELS[SIDES[code - 1]] if code else 'nobody')}</td></tr>"
        for day, place, code in reversed(changes)
    )
    with solara.Column(classes=["place-changes"]) as column:
        solara.HTML(unsafe_innerHTML=f"<b>Key places changing hands</b> ({len(changes)} shown, most recent first)")
        if rows:
            solara.HTML(unsafe_innerHTML=f"<table style='width:100%;font-size:13px'>{rows}</table>")
        else:
            solara.Text("No place has changed hands yet.")
    return column


@solara.component
def CampaignDashboard(model: AppModel):  # noqa: N802 (components are CamelCase, as in Solara and React)
    """The day, the scenario and today's figures, the live plots and the key places, in one column."""
    with solara.Column(classes=["campaign-dashboard"]) as column:
        CampaignStatus(model)
        TerritoryAndStrength(model)
        PlacesChangingHands(model)
    return column


# Mesa lays components out on a grid of fixed-height cells; the two panels (map; dashboard) sit side by
# side on its first row, so each may grow to show all of its content without covering another.
PAGE_CSS = """
.vue-grid-layout { min-height: 1000px; }
.vue-grid-item:has(.campaign-map), .vue-grid-item:has(.campaign-dashboard) { min-height: 980px; }
.campaign-map img, .territory-plot img { width: 100%; height: auto; }
.place-changes { max-height: 330px; overflow-y: auto; }
.side-table td.number { text-align: right; }
.v-input__slider .v-input__slot { flex-wrap: wrap; }
.v-input__slider .v-input__slot > .v-label { flex: 0 0 100%; white-space: normal; font-size: 13px; }
"""

COMPONENTS = [CampaignMap, CampaignDashboard]


@solara.component
def Page():  # noqa: N802 (components are CamelCase, as in Solara and React)
    """The app: one campaign model per browser session, shown by Mesa's SolaraViz."""
    model = solara.use_memo(AppModel, [])
    with solara.Column(style="width: 100%") as page:
        solara.Style(PAGE_CSS)
        SolaraViz(
            model, components=list(COMPONENTS), model_params=model_params(), name=TITLE,
            play_interval=PLAY_INTERVAL_MS,
        )
    return page
