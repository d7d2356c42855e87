"""Mesa imported without the walk of the whole call stack that its model module does at import.

Mesa 3.5's ``mesa/model.py`` names its logger at import with ``mesa_logging.create_module_logger()``,
which calls ``inspect.stack()`` only to find the module that called it. ``inspect.stack()`` reads the
source lines of every frame on the stack and, for each frame that is not a file on disk (the import
system's own frames), scans all of ``sys.modules`` (python/cpython#92041). Inside a run's nested imports
that is about a hundred frames and 1,300 modules (numpy, numba, pandas, scipy): 0.1-0.4 s CPU, a fifth
of a run's process start. So while Mesa is imported for the first time, ``inspect.stack`` gives the
frames without their source lines (as ``inspect.stack(0)`` does) and without resolving file names, and
is then put back; Mesa's logger gets the same name ("MESA.mesa.model").

``sim/__init__.py`` calls ``import_mesa`` so that it runs before any module of ``sim`` imports Mesa. If
Mesa is already imported, or a later Mesa no longer walks the stack, it changes nothing. (Another thread
calling ``inspect.stack()`` during that import would get the frames without source lines too.)
"""

from __future__ import annotations

import inspect
import sys


def frames_without_source(context: int = 1) -> list[inspect.FrameInfo]:
    """``inspect.stack()``'s frames (the caller's first) with no source lines and unresolved file names."""
    frames = []
    frame = sys._getframe(1)
    while frame is not None:
        code = frame.f_code
        frames.append(inspect.FrameInfo(frame, code.co_filename, frame.f_lineno, code.co_name, None, None))
        frame = frame.f_back
    return frames


def import_mesa() -> None:
    """Import Mesa, with ``inspect.stack`` replaced by ``frames_without_source`` for the time it takes."""
    if "mesa" in sys.modules:
        return
    stack = inspect.stack
    inspect.stack = frames_without_source
    try:
        import mesa  # noqa: F401
    finally:
        inspect.stack = stack
