"""Every figure of a run or a comparison says what it shows: a title, axis labels with units, and
legends that cover no data (checked on the drawn artists' bounding boxes)."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import sim.plots.compare as compare_plots
import sim.plots.runs as run_plots
from sim.codes import SIDES
from sim.experiments.compare import comparison_table
from sim.plots.report import record_table

UNITS = ("km²", "date", "fighters", "people", "engagements", "days", "percentage points", "%", "key place")
SCENARIOS = ("baseline", "no_russian_air")
RUNS, DAYS = 4, 120


@pytest.fixture
def drawn(monkeypatch):
    """The figures the plotting functions would save, kept open to be inspected."""
    figures = []

    def keep(fig, path):
        fig.canvas.draw()
        figures.append(fig)
        return path

    monkeypatch.setattr(run_plots, "save", keep)
    monkeypatch.setattr(compare_plots, "save", keep)
    yield figures
    for fig in figures:
        plt.close(fig)


def synthetic_results():
    rng = np.random.default_rng(1)
    series, control, summary = [], [], []
    for s, scenario in enumerate(SCENARIOS):
        for run in range(RUNS):
            for code, side in enumerate(SIDES):
                area = 1000 * (code + 1) + np.cumsum(rng.normal(0, 5, DAYS + 1))
                series += [{"scenario": scenario, "run_id": run, "day": d, "side": side, "territory_km2": 10 * a,
                            "valley_km2": a} for d, a in enumerate(area)]
            for place, day in (("deir_ez_zor", 50 + 10 * s + run), ("mayadin", 30 + 5 * run)):
                control += [{"scenario": scenario, "run_id": run, "place": place, "day": 0, "controller": "isis"},
                            {"scenario": scenario, "run_id": run, "place": place, "day": day, "controller": "regime"}]
            summary.append({"scenario": scenario, "run_id": run, "regime_city_cleared_day": 50.0 + 10 * s + run,
                            "regime_losses": 800.0 - 150 * s + 20 * run, "right_bank_regime_share": 0.7 - 0.3 * s,
                            "regime_territory_km2": 28000.0 - 4000 * s + run, "sdf_baghuz_day": math.nan})
    return pd.DataFrame(series), pd.DataFrame(control), pd.DataFrame(summary)


def data_boxes(fig, renderer):
    """The window extents of everything drawn inside the axes, clipped to them."""
    for ax in fig.axes:
        for artist in [*ax.lines, *ax.collections, *ax.images, *ax.patches]:
            box = artist.get_window_extent(renderer)
            if box.width > 0 or box.height > 0:
                yield ax, box


def check_figure(fig) -> None:
    renderer = fig.canvas.get_renderer()
    drawn_axes = [ax for ax in fig.axes if ax.axison and ax.has_data()]
    assert fig.get_suptitle() or all(ax.get_title() for ax in drawn_axes), "no title"
    for ax in drawn_axes:
        labels = ax.get_xlabel() + " " + ax.get_ylabel()
        assert any(unit in labels for unit in UNITS), f"no unit in the axis labels {labels!r} of {ax.get_title()!r}"
    legends = [*fig.legends, *(ax.get_legend() for ax in fig.axes if ax.get_legend())]
    assert legends, "no legend"
    for legend in legends:
        box = legend.get_window_extent(renderer)
        for ax, data in data_boxes(fig, renderer):
            assert not box.overlaps(data), f"a legend covers data of {ax.get_title()!r}"


def test_territory_figure_labels_itself_and_its_legend_covers_no_data(drawn, tmp_path):
    series, _, _ = synthetic_results()
    run_plots.plot_territory(series, tmp_path / "territory.png", record=record_table())
    fig = drawn[0]
    check_figure(fig)
    assert "min–max of 4 runs" in fig.get_suptitle()  # few runs: the band is their range, named as such
    assert all(ax.get_ylim()[0] == 0 for ax in fig.axes if ax.has_data())  # from zero
    valley = [ax for ax in fig.axes if "valley" in ax.get_ylabel()]
    assert len({ax.get_ylim() for ax in valley}) == 1  # one scale for the sides' valley


def test_timeline_shows_shares_of_runs_and_the_records_dates(drawn, tmp_path):
    _, control, _ = synthetic_results()
    run_plots.plot_timeline(control[control["scenario"] == "baseline"], DAYS, tmp_path / "t.png",
                            record=record_table())
    fig = drawn[0]
    check_figure(fig)
    texts = [t.get_text() for t in fig.legends[0].get_texts()] if fig.legends else \
        [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert any("the record" in t for t in texts)
    assert "share of the 4 runs" in fig.axes[0].get_title()


def test_outcome_strips_and_the_forest_plot_label_themselves(drawn, tmp_path):
    _, _, summary = synthetic_results()
    compare_plots.plot_outcome_distributions(summary, tmp_path / "o.png",
                                             outcomes=("regime_city_cleared_day", "regime_losses", "sdf_baghuz_day"))
    compare_plots.plot_paired_differences(comparison_table(summary, list(SCENARIOS)), tmp_path / "d.png")
    strips, forest = drawn
    for fig in drawn:
        check_figure(fig)
    assert len([ax for ax in strips.axes if ax.has_data()]) == 2  # the outcome that never happened is not drawn
    assert any(line.get_xdata()[0] == 0 for ax in forest.axes for line in ax.lines)  # zero marked
    assert "95% confidence interval" in forest.get_suptitle()
