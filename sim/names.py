"""Names that become file names, and output paths that must stay inside their output folder.

A scenario or sweep name read from a file is an identifier: lower-case letters, digits, ``_`` and
``-``, starting with a letter or digit, at most ``NAME_MAX_LENGTH`` characters. It names folders
(``results/<scenario>``) and figures (``timeline_<scenario>.png``), so nothing else is allowed: no
``/``, no ``..``, no NUL. ``path_inside`` builds every such path and checks that it stays in its folder,
which also covers scenarios built in Python, whose names no file reader saw.
"""

from __future__ import annotations

import re
from pathlib import Path

NAME_MAX_LENGTH = 64
NAME_PATTERN = re.compile(rf"[a-z0-9][a-z0-9_-]{{0,{NAME_MAX_LENGTH - 1}}}")
NAME_RULE = (f"a name is 1 to {NAME_MAX_LENGTH} lower-case letters, digits, '_' or '-', starting with a "
             "letter or digit (it names files and folders)")


class OutputPathError(ValueError):
    """A path built from a name would leave its output folder."""


def name_problem(value: object) -> str | None:
    """Why ``value`` is not a valid name, or None when it is."""
    if not isinstance(value, str):
        return f"must be a string; {NAME_RULE}"
    if NAME_PATTERN.fullmatch(value) is None:
        return f"{value!r} is not allowed: {NAME_RULE}"
    return None


def path_inside(folder: str | Path, *parts: str) -> Path:
    """``folder / part / ...``, refused unless every part is one plain path component (no separator,
    no ``..``, no NUL) and the result, resolved, stays inside ``folder`` resolved."""
    folder = Path(folder)
    for part in parts:
        if (not part or "\0" in part or "/" in part or "\\" in part or part in (".", "..")
                or Path(part).is_absolute()):
            raise OutputPathError(f"{part!r} cannot be a file name inside {folder}: {NAME_RULE}")
    target = folder.joinpath(*parts)
    base = folder.resolve()
    resolved = target.resolve()
    if resolved != base and base not in resolved.parents:
        raise OutputPathError(f"{target} would be written outside {folder} (it resolves to {resolved})")
    return target
