"""``run.py animate``: one run of a scenario as an animated map (GIF, or MP4 where ffmpeg exists)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from sim.cli.run_limits import DEFAULT_SEED, day_count, positive_int, seed_number, whole_number
from sim.plots.animation_files import DEFAULT_EVERY, DEFAULT_FPS, AnimationError, check_animation_path

FPS_MAX = 60  # a GIF's frame time is whole hundredths of a second: faster is not shown faster


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "animate",
        help="render one run of a scenario as an animated map (.gif, or .mp4 with ffmpeg)",
        description="Run a scenario once and render the campaign as an animated map: one frame every "
        "N days with the date, control by side, units and recent engagements, the valley held by each "
        "side and the key places. The seed is a master seed as in `run`: the animation shows run 0 of "
        "`run SCENARIO --seed S`.",
    )
    parser.add_argument("scenario", nargs="?", default="baseline", help="scenario name or file (default: baseline)")
    parser.add_argument(
        "--seed", type=seed_number, default=DEFAULT_SEED, metavar="S", help=f"master seed (default {DEFAULT_SEED})"
    )
    parser.add_argument(
        "--days",
        type=day_count,
        default=None,
        metavar="D",
        help="animate only D days from 2017-09-10 (default: to the scenario's end_date)",
    )
    parser.add_argument(
        "--every",
        type=positive_int,
        default=DEFAULT_EVERY,
        metavar="N",
        help=f"days between frames (default {DEFAULT_EVERY})",
    )
    parser.add_argument(
        "--fps", type=frame_rate, default=DEFAULT_FPS, metavar="F",
        help=f"frames a second, 1 to {FPS_MAX} (default {DEFAULT_FPS})"
    )
    parser.add_argument(
        "--out",
        type=animation_path,
        default=None,
        metavar="FILE",
        help="the file to write, ending in .gif or .mp4 (default: results/<scenario>/animation.gif)",
    )
    parser.set_defaults(handler=run)


def frame_rate(text: str) -> int:
    """Frames a second: 1 to ``FPS_MAX``."""
    return whole_number(text, 1, FPS_MAX)


def animation_path(text: str) -> Path:
    """An ``--out`` value checked before anything runs: a .gif, or a .mp4 when ffmpeg is installed."""
    try:
        return check_animation_path(text)
    except AnimationError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def run_for_animation(scenario, seed: int, days: int | None = None, every: int = DEFAULT_EVERY):
    """Run ``scenario`` once (run 0 of master seed ``seed``) keeping a map snapshot every ``every`` days,
    and return its ``CampaignFrames``."""
    from sim.calendar import day_of
    from sim.experiments.runner import run_one, spawn_seeds
    from sim.plots.animation import frame_days, frames_from_run

    end = min(day_of(scenario.params.end_date), days if days is not None else 10**9)
    run_seed = spawn_seeds(seed, 1)[0]
    result = run_one(scenario, 0, run_seed, days, frame_days(end, every))
    return frames_from_run(result, f"{scenario.name} (seed {seed}, run 0)")


def run(args) -> int:
    from sim.experiments.results_folder import writable
    from sim.geography import load_map
    from sim.geography.export import MapBackdrop
    from sim.names import path_inside
    from sim.plots.animation import animate_campaign
    from sim.scenarios import resolve_scenario

    scenario = resolve_scenario(args.scenario)
    out = args.out or path_inside(Path("results"), scenario.name, "animation.gif")
    writable(out.parent)  # before anything runs
    started = time.perf_counter()
    frames = run_for_animation(scenario, args.seed, args.days, args.every)
    ran = time.perf_counter()
    backdrop = MapBackdrop.from_layers(load_map(scenario.params.cell_km))
    animate_campaign(frames, backdrop, out, fps=args.fps)
    rendered = time.perf_counter()
    print(
        f"{scenario.name}: {frames.last_day} days run in {ran - started:.1f} s; {len(frames.days)} frames "
        f"(one every {args.every} days) rendered in {rendered - ran:.1f} s"
    )
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB)")
    return 0
