"""Atomic file writes: write to a temporary file beside the target, then rename over it.

An interrupted run leaves either the old file or the new one, never half a file. Temporary files
carry the suffix ``.partial`` so a resumed job can find and delete leftovers.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

PARTIAL_SUFFIX = ".partial"
UMASK = os.umask(0o022)  # read once, at import (os.umask can only be read by setting it)
os.umask(UMASK)


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path to write to; on success it replaces ``target`` in one rename."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=PARTIAL_SUFFIX)
    os.close(handle)
    temporary = Path(temporary)
    os.chmod(temporary, 0o666 & ~UMASK)  # mkstemp makes private files; results are meant to be shared
    try:
        yield temporary
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def write_text(target: str | os.PathLike, text: str) -> None:
    """Write a text file atomically."""
    with atomic_path(target) as temporary:
        temporary.write_text(text, encoding="utf-8")


def remove_partials(directory: str | os.PathLike) -> int:
    """Delete temporary files left by interrupted writes in a directory tree; return how many."""
    count = 0
    for leftover in Path(directory).rglob(f"*{PARTIAL_SUFFIX}"):
        leftover.unlink(missing_ok=True)
        count += 1
    return count
