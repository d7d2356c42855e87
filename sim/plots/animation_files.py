"""What an animation may be written as, and its frame defaults: light enough for the command line to
check ``--out`` without loading the plotting stack (sim/plots/animation.py draws the frames)."""

from __future__ import annotations

import shutil
from pathlib import Path

ANIMATION_SUFFIXES = (".gif", ".mp4")
DEFAULT_EVERY = 7  # days between frames
DEFAULT_FPS = 5  # frames a second: a campaign of ~80 weekly frames plays in about 16 s


class AnimationError(ValueError):
    """An animation cannot be written as asked (unknown file type, no ffmpeg for MP4)."""


def check_animation_path(path: str | Path) -> Path:
    """``path`` if it names a file type the animation can be written as, else AnimationError saying what is."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in ANIMATION_SUFFIXES:
        raise AnimationError(
            f"cannot write an animation to {str(path)!r}: the file name must end in .gif (always available) "
            "or .mp4 (needs ffmpeg)"
        )
    if suffix == ".mp4" and not shutil.which("ffmpeg"):
        raise AnimationError(
            f"cannot write {str(path)!r}: MP4 needs ffmpeg, which is not installed here "
            "(install it, e.g. `apt-get install ffmpeg`, or write a .gif instead)"
        )
    return path
