"""The maps as a reader meets them: names that do not overlap, a title, a legend that covers nothing and
a scale bar in km, on every map figure (map.png, maps.png, a comparison's maps, the GIF frames, the app)."""

from __future__ import annotations

from itertools import combinations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.text import Text

from sim.geography.export import MapBackdrop
from sim.plots.animation import CampaignAnimation, CampaignFrames
from sim.plots.labels import LABEL_GID
from sim.plots.map import SCALE_BAR_GID, ZOOM_AREAS, map_figure
from sim.plots.map_grid import grid_shape, map_grid_figure

MUST_NAME = ("Deir ez-Zor", "al-Mayadin", "al-Bukamal", "al-Qaim (Husaybah)", "Raqqa", "Tabqa", "Palmyra")


@pytest.fixture(scope="module")
def backdrop(valley_map):
    return MapBackdrop.from_layers(valley_map)


@pytest.fixture(scope="module")
def published(backdrop):
    """The default map.png figure, drawn as ``run.py map`` draws it."""
    fig = map_figure(backdrop, title="The middle Euphrates valley on day 0")
    fig.canvas.draw()
    yield fig
    plt.close(fig)


def units_near_the_city() -> list[dict]:
    return [
        {"lat": 35.30, "lon": 40.18, "side": "regime", "kind": "elite_assault", "strength": 1200},
        {"lat": 35.35, "lon": 40.30, "side": "sdf", "kind": "sdf", "strength": 400},
        {"lat": 35.10, "lon": 40.45, "side": "isis", "kind": "isis", "strength": 300},
    ]


def map_panels(backdrop: MapBackdrop, count: int) -> list[dict]:
    control = backdrop.layers["control"]
    return [{"control": control, "units": units_near_the_city(), "engagements": [{"lat": 35.2, "lon": 40.3}],
             "title": f"day {7 * i}"} for i in range(count)]


def place_labels_of(fig) -> list[Text]:
    return [t for ax in fig.axes for t in ax.texts if t.get_gid() == LABEL_GID and t.get_visible()]


def name_box(text: Text, renderer):
    """The window extent of a name's text alone (an Annotation's own extent includes its leader line)."""
    return Text.get_window_extent(text, renderer)


def boxes_overlap(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def assert_legend_covers_nothing(fig) -> None:
    """The figure has a legend, and its box touches no map (data) axes and no place name."""
    renderer = fig.canvas.get_renderer()
    legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend()]
    assert legends, "the figure has no legend"
    data_axes = [ax for ax in fig.axes if ax.axison and ax.get_label() != "legend"]
    names = [name_box(t, renderer) for t in place_labels_of(fig)]
    for legend in legends:
        box = legend.get_window_extent(renderer)
        for ax in data_axes:
            assert not boxes_overlap(box, ax.get_window_extent(renderer)), f"the legend covers axes {ax.get_label()!r}"
        assert not any(boxes_overlap(box, name) for name in names), "the legend covers a place name"


def assert_scale_bar_in_km(fig) -> None:
    bars = [t.get_text() for ax in fig.axes for t in ax.texts if t.get_gid() == SCALE_BAR_GID]
    assert bars and all(text.endswith(" km") for text in bars), bars


def assert_titled(fig) -> None:
    titles = [fig._suptitle.get_text() if fig._suptitle else ""]
    titles += [ax.get_title() for ax in fig.axes] + [t.get_text() for t in fig.texts]
    assert any(title.strip() for title in titles), "the figure has no title"


def test_no_two_place_names_of_the_default_map_intersect(published):
    renderer = published.canvas.get_renderer()
    labels = place_labels_of(published)
    assert len(labels) > 40  # the whole map and both zooms
    for a, b in combinations(labels, 2):
        box_a, box_b = name_box(a, renderer), name_box(b, renderer)
        assert not boxes_overlap(box_a, box_b), f"{a.get_text()!r} overlaps {b.get_text()!r}"


def test_the_main_places_are_named_on_the_whole_map(published):
    (main,) = [ax for ax in published.axes if ax.get_label() == "map"]
    named = {t.get_text() for t in main.texts if t.get_gid() == LABEL_GID}
    assert set(MUST_NAME) <= named


def test_every_place_in_a_zoomed_area_is_named_in_its_zoom(published, backdrop):
    for name, (_, (lon0, lon1, lat0, lat1)) in ZOOM_AREAS.items():
        (zoom,) = [ax for ax in published.axes if ax.get_label() == f"zoom:{name}"]
        named = {t.get_text() for t in zoom.texts if t.get_gid() == LABEL_GID}
        inside = {p["name"] for p in backdrop.meta["places"]
                  if lon0 <= p["lon"] <= lon1 and lat0 <= p["lat"] <= lat1}
        assert inside and inside <= named, f"{name}: not named: {sorted(inside - named)}"


def test_the_published_map_has_a_title_a_clear_legend_and_a_km_scale(published):
    assert published._suptitle.get_text()
    assert_legend_covers_nothing(published)
    assert_scale_bar_in_km(published)


@pytest.mark.parametrize("count", [5, 4])  # a run's maps.png (five dates); a comparison's (four)
def test_a_grid_of_maps_uses_its_panels_and_its_legend_covers_nothing(backdrop, count):
    fig = map_grid_figure(backdrop, map_panels(backdrop, count), "a run")
    fig.canvas.draw()
    width, height = fig.get_size_inches()
    assert width < 2.2 * height  # never one long row
    rows, columns = grid_shape(count)
    assert rows * columns - count <= 1  # at most one spare cell, and it holds the legend
    assert_titled(fig)
    assert_legend_covers_nothing(fig)
    assert_scale_bar_in_km(fig)
    plt.close(fig)


def test_animation_frames_have_a_title_a_clear_legend_and_a_km_scale(backdrop):
    control = backdrop.layers["control"]
    frames = CampaignFrames("baseline (run 0)", {0: {"control": control, "units": units_near_the_city()}},
                            np.tile([0.0, 100, 300, 200, 0], (8, 1)))
    animation = CampaignAnimation([frames], backdrop)
    animation.show(7, 0)
    animation.figure.canvas.draw()
    assert_titled(animation.figure)
    assert_legend_covers_nothing(animation.figure)
    assert_scale_bar_in_km(animation.figure)


def test_the_app_map_has_a_title_a_clear_legend_and_a_km_scale():
    from sim.app import AppModel, LiveMap, backdrop_for

    model = AppModel("baseline", 0)
    live = LiveMap(backdrop_for(model))
    live.show(model)
    live.figure.canvas.draw()
    assert_titled(live.figure)
    assert_legend_covers_nothing(live.figure)
    assert_scale_bar_in_km(live.figure)
