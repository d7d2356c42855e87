"""The browser app: the campaign map, live plots and key places changing hands, on a Solara page.

Served by ``python run.py viz`` (which runs ``solara run sim.app`` on 127.0.0.1 with the front end
served from the installed ``solara-assets`` package, so it works offline). The sidebar holds Play,
Step and Reset and the controls (``sim/app_controls.py``): the scenario, the run, a slider or choice
for every parameter marked ``explore`` and a switch per rule R1-R15. They always show the values the
run uses: choosing a scenario moves them to its values, and a note says when they differ from the
running campaign's until Reset builds it again.
"""

from __future__ import annotations

import datetime as dt
import html
import time
from itertools import takewhile

import matplotlib.dates as mdates
import numpy as np
import solara
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from mesa.visualization.utils import force_update, update_counter

from sim.app_controls import (
    EXPLORED,
    RUN_CHOICES,
    apply_controls,
    controls_changed,
    date_choices,
    param_label,
    rule_label,
    scenario_values,
    slider_step,
)
from sim.calendar import START_DATE, date_of
from sim.codes import SIDES
from sim.experiments.runner import spawn_seeds
from sim.geography.export import MapBackdrop
from sim.model import CampaignModel
from sim.plots.animation import ENGAGEMENT_WINDOW, MapPanel, side_legend
from sim.plots.style import SIDE_COLOURS, SIDE_LABELS
from sim.randomness import DEFAULT_SEED
from sim.rules import RULES
from sim.scenarios import resolve_scenario, scenario_names

TITLE = "The battle for Deir ez-Zor, 2017-2019"
MASTER_SEED = DEFAULT_SEED  # the default master seed of `run.py run`: run N of the app is run N of `run.py run`
RECENT_CHANGES = 30  # places changing hands listed, most recent first
PLAY_INTERVAL_MS = 10  # pause between days when playing; drawing the map takes longer anyway
MAP_DPI = 90
PLOT_DPI = 90


# ----- the model, built from the controls' values ------------------------------------------------
class AppModel(CampaignModel):
    """The campaign model built from the app's control values, given as keyword arguments; it keeps
    them (``controls``) so the page can tell when the controls shown have changed since."""

    def __init__(self, scenario_name: str = "baseline", run: int = 0, **controls):
        self.run_number = int(run)
        self.reference = resolve_scenario(scenario_name)  # the shipped scenario, before the controls
        self.controls = {**scenario_values(scenario_name, self.run_number), **controls}
        chosen = {k: v for k, v in self.controls.items() if k not in ("scenario_name", "run")}
        super().__init__(apply_controls(self.reference, chosen), rng=run_seed(self.run_number))


def run_seed(run: int) -> int:
    """The seed of run ``run`` of ``run.py run`` with its default master seed."""
    return spawn_seeds(MASTER_SEED, max(RUN_CHOICES, run + 1))[run]


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
        self.fighters_ax.set_xlabel("date")
        locator = mdates.AutoDateLocator(maxticks=6)
        self.fighters_ax.xaxis.set_major_locator(locator)
        self.fighters_ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        self.figure.legend(
            handles=[self.lines["valley", code] for code in range(1, len(SIDES) + 1)],
            loc="upper center", ncol=2, fontsize=7.5, frameon=False,
        )
        self.figure.subplots_adjust(left=0.13, right=0.97, top=0.88, bottom=0.1, hspace=0.08)

    def show(self, model: CampaignModel) -> None:
        """Draw the model's days 0..today."""
        days = mdates.date2num(START_DATE) + np.arange(model.day + 1)
        recorder = model.recorder
        for code in range(1, len(SIDES) + 1):
            self.lines["valley", code].set_data(days, recorder.valley[: model.day + 1, code])
            self.lines["fighters", code].set_data(days, recorder.fighters[: model.day + 1, code])
        for ax, values in ((self.valley_ax, recorder.valley), (self.fighters_ax, recorder.fighters)):
            ax.set_xlim(days[0], days[0] + max(model.day, 30))
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


# The sidebar is narrowed so that the map, which takes the wider share of the main area, has room at
# 1280x720; Solara's "runs on Solara" banner is switched off by the server (run.py viz).
PAGE_CSS = """
.v-navigation-drawer.solara-content-main { width: 320px !important; min-width: 320px !important; }
.campaign-layout { display: flex; flex-wrap: wrap; gap: 12px; width: 100%; align-items: flex-start; }
.campaign-layout > .campaign-map { flex: 3 1 520px; min-width: 0; }
.campaign-layout > .campaign-dashboard { flex: 2 1 300px; min-width: 0; }
.campaign-map img, .territory-plot img { width: 100%; height: auto; }
.place-changes { max-height: 330px; overflow-y: auto; }
.side-table td.number { text-align: right; }
.campaign-controls .v-label { white-space: normal; height: auto; font-size: 13px; line-height: 1.3; }
.campaign-controls .v-input__slider .v-input__slot { flex-wrap: wrap; }
.campaign-controls .v-input__slider .v-input__slot > .v-label { flex: 0 0 100%; }
.controls-changed { background: #fff3cd; border-left: 4px solid #e0a800; padding: 6px 8px; font-size: 13px; }
"""


def param_input(param, value, on_value) -> None:
    """The input for one explored parameter, showing ``value``: a slider, a checkbox or a date choice."""
    label = param_label(param, value)
    if param.kind is bool:
        solara.Checkbox(label=label, value=value, on_value=on_value)
    elif param.kind is dt.date:
        solara.Select(label, value=value, values=date_choices(param), on_value=on_value)
    else:
        slider = solara.SliderInt if param.kind is int else solara.SliderFloat
        slider(label, value=value, min=param.low, max=param.high, step=slider_step(param), on_value=on_value)


@solara.component
def CampaignControls(controls: solara.Reactive, running: dict):  # noqa: N802 (components are CamelCase)
    """The scenario, the run, the explored parameters and the rules, each showing the value that will run."""
    values = controls.value

    def choose_scenario(name: str) -> None:
        controls.set(scenario_values(name, values["run"]))

    def setter(name: str):
        return lambda value: controls.set({**controls.value, name: value})

    with solara.Column(classes=["campaign-controls"]):
        changed = controls_changed(values, running)
        if changed:
            solara.HTML(unsafe_innerHTML="<b>Changed: press Reset</b> to run with the controls as shown ("
                        + html.escape(", ".join(changed)) + ").", classes=["controls-changed"])
        with solara.Card("Scenario and run"):
            solara.Select("Scenario", value=values["scenario_name"], values=scenario_names(),
                          on_value=choose_scenario)
            solara.SliderInt(f"Run: {values['run']} (the seed of run N of run.py run)", value=values["run"],
                             min=0, max=RUN_CHOICES - 1, on_value=setter("run"))
        with solara.Card("Parameters"):
            for param in EXPLORED:
                param_input(param, values[param.name], setter(param.name))
        with solara.Card("Rules (ticked: on)"):
            for rule_id in RULES:
                solara.Checkbox(label=rule_label(rule_id), value=values[rule_id], on_value=setter(rule_id))


@solara.component
def Page():  # noqa: N802 (components are CamelCase, as in Solara and React)
    """The app: one campaign per browser session; Play, Step, Reset and the controls in the sidebar,
    the map and the dashboard side by side."""
    first = solara.use_memo(AppModel, [])
    model = solara.use_reactive(first)
    controls = solara.use_reactive(dict(first.controls))
    playing = solara.use_reactive(False)

    def play() -> None:
        while playing.value and model.value.running:
            time.sleep(PLAY_INTERVAL_MS / 1000)
            model.value.step()
            force_update()

    solara.lab.use_task(play, dependencies=[playing.value], prefer_threaded=True)

    def step() -> None:
        model.value.step()
        force_update()

    def reset() -> None:
        playing.set(False)
        model.set(AppModel(**controls.value))
        force_update()

    with solara.Column(style="width: 100%") as page:
        solara.Style(PAGE_CSS)
        solara.Title(TITLE)
        with solara.AppBar():
            solara.AppBarTitle(TITLE)
        with solara.Sidebar():
            with solara.Card("Campaign"), solara.Row(justify="space-between"):
                solara.Button(label="Reset", color="primary", on_click=reset)
                solara.Button(label="❚❚" if playing.value else "▶", color="primary",
                              on_click=lambda: playing.set(not playing.value), disabled=not model.value.running)
                solara.Button(label="Step", color="primary", on_click=step,
                              disabled=playing.value or not model.value.running)
            CampaignControls(controls, model.value.controls)
        with solara.Div(classes=["campaign-layout"]):
            CampaignMap(model.value)
            CampaignDashboard(model.value)
    return page
