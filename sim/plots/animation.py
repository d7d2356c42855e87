"""Animated maps of the campaign: one frame every few days with the date, the valley held by each side
and the key places, written as a GIF (Pillow) or an MP4 (ffmpeg); two runs can play side by side.

The animation is drawn from data, never from a live model: a ``CampaignFrames`` holds one run's map
snapshots, its daily valley figures, its key places changing hands and its engagements. One figure
is drawn once (terrain, rivers, roads, labels) and each frame only updates the artists that move
(control zones and front lines, units, engagements, bars, place markers, date): the 82 weekly frames
of a whole baseline campaign render in about 22 s on one core.
"""

from __future__ import annotations

import contextlib
import math
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from sim.atomic import atomic_path
from sim.calendar import date_of
from sim.codes import SIDES, side_code
from sim.geography.export import MapBackdrop
from sim.plots.animation_files import (  # noqa: F401 (ANIMATION_SUFFIXES, check_animation_path: this module's API)
    ANIMATION_SUFFIXES,
    DEFAULT_EVERY,
    DEFAULT_FPS,
    AnimationError,
    check_animation_path,
)
from sim.plots.ground import fine_water, terrain_image
from sim.plots.map import control_palette, draw_map, legend_handles
from sim.plots.markers import engagement_collection, set_units, unit_collection
from sim.plots.runs import KEY_PLACES, NONE_COLOUR
from sim.plots.style import SIDE_COLOURS
from sim.plots.zones import control_zones, draw_fronts, zone_image

if TYPE_CHECKING:
    from sim.experiments.runner import RunResult

DPI = 80
MAP_WIDTH_IN = 6.4  # inches; the map's height follows from its extent
LEGEND_HEIGHT_IN = 2.9  # inches below the key places
PANEL_UPSAMPLE = 2  # fine pixels a cell: at the frames' 80 dpi a cell is about 3 pixels wide
ENGAGEMENT_WINDOW = 14  # days of engagements shown on a frame
SHORT_SIDE_LABELS = {"regime": "Regime", "sdf": "SDF", "isis": "ISIS", "opposition": "Opposition"}
CONTROLLER_CODES = {"none": 0, **{side: side_code(side) for side in SIDES}}
BAR_MIN_LABEL_SHARE = 9.0  # % of the valley below which a bar segment is left unlabelled


@dataclass(frozen=True)
class CampaignFrames:
    """One run's material for an animation, detached from the model.

    ``snapshots`` maps a day to ``{"control": 2-D codes, "units": [{"lat", "lon", "side", "strength"}]}``;
    ``valley_km2`` is [day, control code] (code 0 = nobody); ``place_changes`` are (day, place id,
    controller code); ``engagements`` rows are (day, lat, lon).
    """

    title: str
    snapshots: dict[int, dict]
    valley_km2: np.ndarray
    place_changes: tuple[tuple[int, str, int], ...] = ()
    engagements: np.ndarray = field(default_factory=lambda: np.zeros((0, 3)))

    def __post_init__(self):
        if not self.snapshots:
            raise AnimationError(f"{self.title}: no map snapshots to animate")

    @property
    def days(self) -> list[int]:
        """The days that have a map snapshot, in order."""
        return sorted(self.snapshots)

    @property
    def last_day(self) -> int:
        """The run's last recorded day."""
        return max(self.days[-1], len(self.valley_km2) - 1)

    def snapshot_on(self, day: int) -> dict:
        """The latest snapshot on or before ``day`` (the first one for earlier days)."""
        days = self.days
        index = max(0, int(np.searchsorted(days, day, side="right")) - 1)
        return self.snapshots[days[index]]

    def valley_on(self, day: int) -> np.ndarray:
        """Valley km² held by each control code (0..4) on ``day`` (the last recorded day after the end)."""
        return self.valley_km2[min(max(day, 0), len(self.valley_km2) - 1)]

    def controllers(self, places: Sequence[str]) -> np.ndarray:
        """The controller code of each place on each day: [place, day]."""
        index = {place: i for i, place in enumerate(places)}
        grid = np.zeros((len(places), self.last_day + 1), dtype=np.int8)
        for day, place, code in sorted(self.place_changes):
            if place in index and day <= self.last_day:
                grid[index[place], day:] = code
        return grid


def frame_days(end_day: int, every: int = DEFAULT_EVERY) -> list[int]:
    """The days that get a frame: day 0, every ``every`` days after it, and the last day."""
    if every < 1:
        raise AnimationError(f"frames must be at least 1 day apart, got {every}")
    return sorted(set(range(0, end_day + 1, every)) | {end_day})


def frames_from_tables(
    title: str,
    snapshots: dict[int, dict],
    timeseries: pd.DataFrame,
    control: pd.DataFrame,
    events: pd.DataFrame | None = None,
) -> CampaignFrames:
    """A run's frames from its tables (one run's rows of timeseries, control and events) and snapshots."""
    last = int(timeseries["day"].max()) if len(timeseries) else max(snapshots)
    valley = np.zeros((last + 1, len(SIDES) + 1))
    for side, rows in timeseries.groupby("side"):
        valley[rows["day"].to_numpy(int), side_code(side)] = rows["valley_km2"].to_numpy(float)
    changes = tuple(
        (int(day), str(place), CONTROLLER_CODES[controller])
        for day, place, controller in zip(control["day"], control["place"], control["controller"], strict=True)
    )
    fights = (
        events[["day", "lat", "lon"]].to_numpy(float) if events is not None and len(events) else np.zeros((0, 3))
    )
    return CampaignFrames(title, {int(d): s for d, s in snapshots.items()}, valley, changes, fights)


def frames_from_run(result: RunResult, title: str | None = None) -> CampaignFrames:
    """The frames of a finished ``RunResult`` (``sim.experiments.runner.run_one``) with snapshots on frame days."""
    if not result.ok:
        raise AnimationError(f"run {result.run_id} of {result.scenario} failed:\n{result.error}")
    tables = result.tables
    return frames_from_tables(
        title or f"{result.scenario} (seed {result.seed})",
        result.snapshots,
        tables["timeseries"],
        tables["control"],
        tables.get("events"),
    )


def frames_from_results(folder: str | Path, scenario: str, run_id: int = 0) -> CampaignFrames:
    """The frames of one run in a results folder (as many frames as it kept snapshots)."""
    from sim.experiments.store import read_snapshots, read_table

    folder = Path(folder)
    prefix = f"{scenario}/{run_id}/"
    snapshots = {int(k[len(prefix) :]): v for k, v in read_snapshots(folder).items() if k.startswith(prefix)}
    if not snapshots:
        raise AnimationError(f"{folder}: no snapshots of {scenario} run {run_id}")

    def mine(name: str) -> pd.DataFrame:
        """The rows of one table that belong to this run."""
        table = read_table(folder, name)
        return table[(table["scenario"] == scenario) & (table["run_id"] == run_id)] if len(table) else table

    title = f"{scenario} (run {run_id})"
    return frames_from_tables(title, snapshots, mine("timeseries"), mine("control"), mine("events"))


class MapPanel:
    """One run's map and valley bar, drawn once and updated in place for each frame."""

    def __init__(self, map_ax, bar_ax, backdrop: MapBackdrop, title: str, *, scale_bar: bool):
        self.backdrop = backdrop
        self.palette = control_palette()
        draw_map(map_ax, backdrop, np.zeros_like(backdrop.layers["terrain"]), legend=False, scale_bar=scale_bar,
                 upsample=PANEL_UPSAMPLE)
        # each frame only repaints the ground with the day's zones, moves the front lines and the markers
        (self.image,) = map_ax.images
        self.base = terrain_image(backdrop, PANEL_UPSAMPLE)
        self.water = fine_water(backdrop, PANEL_UPSAMPLE)
        self.fronts: list = []
        self.fights = engagement_collection(map_ax)
        self.units = unit_collection(map_ax)
        map_ax.set_title(title, fontsize=11)
        self.map_ax = map_ax
        self.bar_ax = bar_ax
        self.segments, self.labels = valley_bar(bar_ax)

    def update(self, control: np.ndarray, units: list[dict], engagements: np.ndarray, valley: np.ndarray) -> None:
        """Show a day: its control zones and front lines, units, engagements and valley shares."""
        zones = control_zones(control, self.backdrop.layers["terrain"], PANEL_UPSAMPLE)
        self.image.set_data(zone_image(self.base, zones, self.palette, self.water))
        for front in self.fronts:
            front.remove()
        self.fronts = draw_fronts(self.map_ax, zones, self.backdrop.extent)
        set_units(self.units, units)
        self.fights.set_offsets(engagements[:, [2, 1]] if len(engagements) else np.zeros((0, 2)))
        update_valley_bar(self.segments, self.labels, valley)


def side_legend(ax, *, columns: int = 1, fontsize: float = 6.5) -> None:
    """The map's legend on its own axes (outside the map, so it covers nothing)."""
    ax.axis("off")
    handles = legend_handles(units=True, engagements=True, engagement_days=ENGAGEMENT_WINDOW)
    ax.legend(handles=handles, loc="center", ncol=columns, fontsize=fontsize, frameon=False)


def valley_bar(ax) -> tuple[list[Rectangle], list]:
    """A horizontal bar of the valley (irrigated land and towns) split by controller, in % of its area."""
    colours = [SIDE_COLOURS[s] for s in SIDES] + [NONE_COLOUR]
    segments, labels = [], []
    for colour in colours:
        segment = Rectangle((0, 0), 0, 1, fc=colour, ec="white", lw=0.6)
        ax.add_patch(segment)
        segments.append(segment)
        labels.append(ax.text(0, 0.5, "", ha="center", va="center", fontsize=7.5, color="white", weight="bold"))
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 1)
    ax.set_yticks([])
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.set_xticklabels(["0", "25", "50", "75", "100%"], fontsize=7)
    ax.set_ylabel("valley", rotation=0, ha="right", va="center", fontsize=8)
    ax.tick_params(length=2)
    for spine in ("top", "right", "left"):
        ax.spines[spine].set_visible(False)
    return segments, labels


def update_valley_bar(segments: list[Rectangle], labels: list, valley: np.ndarray) -> None:
    """Resize the bar's segments to the valley held by each side (and by nobody)."""
    held = np.append(valley[1:], valley[0])  # regime, sdf, isis, opposition, nobody
    total = held.sum() or 1.0
    shares = 100 * held / total
    names = [*(SHORT_SIDE_LABELS[s] for s in SIDES), "none"]
    left = 0.0
    for segment, label, share, km2, name in zip(segments, labels, shares, held, names, strict=True):
        segment.set_x(left)
        segment.set_width(share)
        label.set_visible(share >= BAR_MIN_LABEL_SHARE)
        label.set_position((left + share / 2, 0.5))
        label.set_text(f"{name} {km2:,.0f} km²")
        label.set_color("black" if name in ("SDF", "none") else "white")
        left += share


class PlaceList:
    """The key places, one row each, with a square per run coloured by the place's controller."""

    def __init__(self, ax, backdrop: MapBackdrop, places: Sequence[str], columns: Sequence[str]):
        names = {p["id"]: p["name"] for p in backdrop.meta["places"]}
        self.places = [p for p in places if p in names]
        ax.set_xlim(0, 1)
        ax.set_ylim(len(self.places) + 0.5, -1.5)
        ax.axis("off")
        ax.text(0.0, -1, "Key places", fontsize=10, weight="bold", va="center")
        width = 0.09
        starts = [1 - width * (len(columns) - i) - 0.02 * (len(columns) - 1 - i) for i in range(len(columns))]
        if len(columns) > 1:
            for x, heading in zip(starts, columns, strict=True):
                ax.text(x + width / 2, -0.2, heading, fontsize=7, ha="center", va="center")
        self.names = [ax.text(0.0, row + 0.5, names[p], fontsize=7.5, va="center") for row, p in enumerate(self.places)]
        self.squares = [
            [ax.add_patch(Rectangle((x, row + 0.1), width, 0.8, fc=NONE_COLOUR, ec="white")) for x in starts]
            for row in range(len(self.places))
        ]

    def update(self, controllers: list[np.ndarray], day: int, since: int) -> None:
        """Colour each place by its controller on ``day`` in each run; names turn bold when the place
        changed hands in any run after day ``since``."""
        colours = [NONE_COLOUR] + [SIDE_COLOURS[s] for s in SIDES]
        for row in range(len(self.places)):
            changed = False
            for column, grid in enumerate(controllers):
                codes = grid[row]
                now = codes[min(day, len(codes) - 1)]
                before = codes[min(max(since, 0), len(codes) - 1)]
                self.squares[row][column].set_facecolor(colours[now])
                changed |= bool(now != before)
            self.names[row].set_weight("bold" if changed else "normal")
            self.names[row].set_color("#b03000" if changed else "black")


class CampaignAnimation:
    """The figure of an animation: one map and valley bar per run, the key places, the date.

    Laid out in inches around the map's true shape, so no frame has empty margins.
    """

    def __init__(self, runs: Sequence[CampaignFrames], backdrop: MapBackdrop, places: Sequence[str] = KEY_PLACES):
        self.runs = list(runs)
        count = len(self.runs)
        lon0, lon1, lat0, lat1 = backdrop.extent
        map_w = MAP_WIDTH_IN
        map_h = map_w * (lat1 - lat0) / (lon1 - lon0) / math.cos(math.radians(backdrop.meta["lat0"]))
        left, gap, places_w, right = 0.6, 0.7, 2.5, 0.3
        bottom, bar_h, bar_gap, top = 0.35, 0.32, 0.5, 1.05
        width = left + count * map_w + (count - 1) * gap + gap + places_w + right
        height = bottom + bar_h + bar_gap + map_h + top
        self.figure = Figure(figsize=(width, height), dpi=DPI)
        FigureCanvasAgg(self.figure)

        def box(x: float, y: float, w: float, h: float) -> list[float]:
            """An axes rectangle given in inches, in figure fractions."""
            return [x / width, y / height, w / width, h / height]

        letters = [chr(ord("A") + i) for i in range(count)]
        self.panels = []
        for i, run in enumerate(self.runs):
            x = left + i * (map_w + gap)
            title = run.title if count == 1 else f"{letters[i]}: {run.title}"
            map_ax = self.figure.add_axes(box(x, bottom + bar_h + bar_gap, map_w, map_h))
            bar_ax = self.figure.add_axes(box(x, bottom, map_w, bar_h))
            self.panels.append(MapPanel(map_ax, bar_ax, backdrop, title, scale_bar=i == 0))
        places_x = left + count * map_w + (count - 1) * gap + gap
        legend_h = LEGEND_HEIGHT_IN
        side_legend(self.figure.add_axes(box(places_x, bottom, places_w, legend_h), label="legend"))
        places_h = map_h + bar_h + bar_gap - legend_h
        places_ax = self.figure.add_axes(box(places_x, bottom + legend_h, places_w, places_h))
        self.place_list = PlaceList(places_ax, backdrop, places, letters)
        self.controllers = [run.controllers(self.place_list.places) for run in self.runs]
        self.date = self.figure.text(left / width, 1 - 0.38 / height, "", fontsize=17, weight="bold", va="center")
        self.figure.text(
            left / width, 1 - 0.72 / height,
            "Control by side, units and engagements; the bar below is the irrigated valley and its towns. "
            "Bold places changed hands since the last frame.",
            fontsize=8.5, va="center", color="#444444",
        )

    @property
    def days(self) -> list[int]:
        """Every frame day of every run, in order."""
        return sorted(set().union(*(run.days for run in self.runs)))

    def show(self, day: int, previous: int) -> None:
        """Update every artist to ``day``; places that changed hands since ``previous`` are highlighted."""
        for panel, run in zip(self.panels, self.runs, strict=True):
            snapshot = run.snapshot_on(day)
            fights = run.engagements
            recent = fights[(fights[:, 0] > day - ENGAGEMENT_WINDOW) & (fights[:, 0] <= day)] if len(fights) else fights
            panel.update(snapshot["control"], snapshot["units"], recent, run.valley_on(day))
        self.place_list.update(self.controllers, day, previous)
        self.date.set_text(f"{date_of(day):%d %B %Y}  ·  day {day}")


def animate(
    runs: Sequence[CampaignFrames],
    backdrop: MapBackdrop,
    out: str | Path,
    *,
    fps: float = DEFAULT_FPS,
    places: Sequence[str] = KEY_PLACES,
) -> Path:
    """Write an animation of one or more runs (side by side) to ``out`` (.gif or .mp4), atomically."""
    out = check_animation_path(out)
    shape = backdrop.layers["terrain"].shape
    for run in runs:
        if run.snapshots[run.days[0]]["control"].shape != shape:
            raise AnimationError(f"{run.title}: its map is not the backdrop's ({shape[0]} x {shape[1]} cells)")
    animation = CampaignAnimation(runs, backdrop, places)
    days = animation.days
    frames = (_frame(animation, day, days[i - 1] if i else day) for i, day in enumerate(days))
    if out.suffix.lower() == ".gif":
        write_gif(frames, out, fps)
    else:
        write_mp4(frames, out, fps, animation.figure)
    return out


def animate_campaign(
    frames: CampaignFrames, backdrop: MapBackdrop, out: str | Path, *, fps: float = DEFAULT_FPS
) -> Path:
    """Write the animated map of one run to ``out`` (.gif or .mp4)."""
    return animate([frames], backdrop, out, fps=fps)


def animate_side_by_side(
    left: CampaignFrames, right: CampaignFrames, backdrop: MapBackdrop, out: str | Path, *, fps: float = DEFAULT_FPS
) -> Path:
    """Write two runs (e.g. two scenarios with the same seed) as one animation, maps side by side."""
    return animate([left, right], backdrop, out, fps=fps)


def _frame(animation: CampaignAnimation, day: int, previous: int) -> np.ndarray:
    animation.show(day, previous)
    canvas = animation.figure.canvas
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].copy()


def write_gif(frames, out: Path, fps: float) -> None:
    """Write RGB frames as a looping GIF with one palette (taken from the first frame) for every frame."""
    from PIL import Image

    images = []
    palette = None
    for rgb in frames:
        image = Image.fromarray(rgb)
        if palette is None:
            palette = image.quantize(colors=255, method=Image.Quantize.MEDIANCUT)
        images.append(image.quantize(palette=palette, dither=Image.Dither.NONE))
    if not images:
        raise AnimationError("no frames to write")
    duration = round(1000 / fps)
    with atomic_path(out) as temporary:
        images[0].save(
            temporary, format="GIF", save_all=True, append_images=images[1:], duration=duration, loop=0, optimize=False
        )


def write_mp4(frames, out: Path, fps: float, figure) -> None:
    """Write RGB frames as an H.264 MP4 through ffmpeg."""

    width, height = figure.canvas.get_width_height()
    command = [
        shutil.which("ffmpeg") or "ffmpeg", "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "rgb24",
        "-s", f"{width}x{height}", "-r", str(fps), "-i", "pipe:",
        "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-vcodec", "libx264", "-pix_fmt", "yuv420p", "-f", "mp4",
    ]
    with atomic_path(out) as temporary:
        process = subprocess.Popen([*command, str(temporary)], stdin=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            for rgb in frames:
                process.stdin.write(rgb.tobytes())
        except BrokenPipeError:
            pass  # ffmpeg stopped early: its own message is read below
        finally:
            with contextlib.suppress(BrokenPipeError):
                process.stdin.close()
            error = process.stderr.read().decode(errors="replace")
            process.wait()
        if process.returncode:
            raise AnimationError(f"ffmpeg failed writing {out}: {error.strip()}")
