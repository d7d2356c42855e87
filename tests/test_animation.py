"""``run.py animate`` and ``sim.plots.animation``: animated maps of a campaign, one run or two side by side."""

from __future__ import annotations

import argparse
import datetime as dt
import shutil

import numpy as np
import pytest
from PIL import Image

from sim.cli import animate_command
from sim.codes import side_code
from sim.geography.export import MapBackdrop
from sim.plots.animation import (
    AnimationError,
    CampaignFrames,
    animate_side_by_side,
    check_animation_path,
    frame_days,
    frames_from_results,
    frames_from_run,
)


def animate_parser() -> argparse.ArgumentParser:
    """A parser with just the animate command (as run.py builds it)."""
    parser = argparse.ArgumentParser(prog="run.py")
    animate_command.register(parser.add_subparsers(dest="command"))
    return parser


@pytest.fixture(scope="module")
def backdrop(valley_map):
    return MapBackdrop.from_layers(valley_map)


def toy_frames(backdrop: MapBackdrop, title: str, days: list[int], last_day: int) -> CampaignFrames:
    """Frames without a model: the day-0 map, a regime unit marching east, Ma'adan changing hands on day 10."""
    control = backdrop.layers["control"]
    snapshots = {}
    for day in days:
        snapshots[day] = {
            "control": np.where(control > 0, control, 0).astype(np.int8),
            "units": [{"lat": 35.3, "lon": 39.0 + day / 20, "side": "regime", "strength": 800}],
        }
    valley = np.tile([100.0, 300.0, 200.0, 400.0, 0.0], (last_day + 1, 1))
    changes = ((0, "maadan", side_code("isis")), (10, "maadan", side_code("regime")))
    fights = np.array([[9.0, 35.3, 39.4]])
    return CampaignFrames(title, snapshots, valley, changes, fights)


def test_frame_days_start_at_zero_step_by_n_and_end_on_the_last_day():
    assert frame_days(60, 7) == [0, 7, 14, 21, 28, 35, 42, 49, 56, 60]
    assert frame_days(14, 7) == [0, 7, 14]
    with pytest.raises(AnimationError):
        frame_days(10, 0)


def test_frames_hold_the_latest_snapshot_and_know_who_holds_each_place(backdrop):
    frames = toy_frames(backdrop, "toy", [0, 7, 14], 20)
    assert frames.snapshot_on(9) is frames.snapshots[7]
    assert frames.snapshot_on(30) is frames.snapshots[14]
    held = frames.controllers(["maadan", "raqqa"])
    assert held.shape == (2, 21)
    assert held[0, 9] == side_code("isis") and held[0, 10] == side_code("regime")
    assert not held[1].any()  # never recorded: nobody
    assert frames.valley_on(99).tolist() == [100.0, 300.0, 200.0, 400.0, 0.0]


def test_a_60_day_campaign_renders_a_gif_with_a_frame_every_7_days(tmp_path, capsys):
    out = tmp_path / "campaign.gif"
    args = animate_parser().parse_args(["animate", "baseline", "--days", "60", "--every", "7", "--out", str(out)])
    assert args.handler(args) == 0
    assert "10 frames" in capsys.readouterr().out
    with Image.open(out) as gif:
        assert gif.format == "GIF" and gif.n_frames == len(frame_days(60, 7)) == 10
        assert gif.info["duration"] == round(1000 / args.fps) and gif.info["loop"] == 0
        gif.seek(0)
        first = np.asarray(gif.convert("RGB"))
        gif.seek(gif.n_frames - 1)
        last = np.asarray(gif.convert("RGB"))
    assert first.shape == last.shape and first.shape[1] > 600
    assert (first != last).any(axis=2).mean() > 0.001, "the last frame looks like the first"
    assert not list(tmp_path.glob("*.partial"))


@pytest.mark.parametrize("name", ["campaign.png", "campaign", "campaign.gif.bak"])
def test_an_out_file_that_is_not_gif_or_mp4_is_a_clear_error_before_anything_runs(tmp_path, capsys, name):
    with pytest.raises(SystemExit) as exit_:
        animate_parser().parse_args(["animate", "--out", str(tmp_path / name)])
    assert exit_.value.code == 2
    message = capsys.readouterr().err
    assert "must end in .gif" in message and ".mp4" in message
    assert not list(tmp_path.iterdir())


def test_mp4_without_ffmpeg_says_so(monkeypatch, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(AnimationError, match="ffmpeg"):
        check_animation_path(tmp_path / "campaign.mp4")


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed: MP4 cannot be written here")
def test_mp4_is_written_where_ffmpeg_exists(backdrop, tmp_path):
    out = animate_side_by_side(
        toy_frames(backdrop, "A", [0, 7], 7), toy_frames(backdrop, "B", [0, 7], 7), backdrop, tmp_path / "toy.mp4"
    )
    assert out.stat().st_size > 1000 and b"ftyp" in out.read_bytes()[:64]


def test_two_runs_play_side_by_side_over_every_frame_day_of_either(backdrop, tmp_path):
    left = toy_frames(backdrop, "baseline", [0, 7, 14], 14)
    right = toy_frames(backdrop, "no_russian_air", [0, 7, 14, 20], 20)
    out = animate_side_by_side(left, right, backdrop, tmp_path / "pair.gif", fps=4)
    with Image.open(out) as gif:
        assert gif.n_frames == 4 and gif.info["duration"] == 250
        width, height = gif.size
    assert width > 1.5 * height  # two maps and the key places, side by side


def test_runs_on_another_map_are_refused(backdrop, tmp_path):
    frames = toy_frames(backdrop, "coarse", [0], 0)
    frames.snapshots[0]["control"] = frames.snapshots[0]["control"][::2, ::2]
    with pytest.raises(AnimationError, match="not the backdrop"):
        animate_side_by_side(frames, frames, backdrop, tmp_path / "pair.gif")


def test_frames_read_back_from_a_results_folder_match_the_run(tmp_path):
    from sim.experiments.runner import run_one
    from sim.experiments.store import write_results
    from sim.scenarios import resolve_scenario

    scenario = resolve_scenario("baseline")
    result = run_one(scenario, 0, 11, days=14, snapshot_days=frame_days(14, 7))
    write_results(tmp_path, [scenario], [result], master_seed=11, started=dt.datetime.now(), command="test", days=14)
    direct = frames_from_run(result)
    stored = frames_from_results(tmp_path, "baseline", 0)
    assert stored.days == direct.days == [0, 7, 14]
    assert np.array_equal(stored.snapshots[14]["control"], direct.snapshots[14]["control"])
    assert np.allclose(stored.valley_km2, direct.valley_km2)
    assert sorted(stored.place_changes) == sorted(direct.place_changes)
    with pytest.raises(AnimationError, match="no snapshots"):
        frames_from_results(tmp_path, "baseline", 5)
