"""A run's process start: importing what a run needs (the run command's modules, the model, a sweep's
worker function) loads neither the plotting stack nor the browser app's, and leaves the scipy parts that
only some steps use (image labelling, statistics) to the steps that use them."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

RUN_IMPORTS = ("import sim.cli, sim.cli.run_command, sim.model, sim.experiments.runner, sim.outcomes, "
               "sim.experiments.sweep")
NOT_AT_START = ("matplotlib", "solara", "scipy.ndimage", "scipy.stats")


def loaded_after(statement: str) -> list[str]:
    """Which of ``NOT_AT_START`` a fresh interpreter holds after ``statement``."""
    script = f"{statement}\nimport json, sys\nprint(json.dumps([m for m in {NOT_AT_START!r} if m in sys.modules]))"
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_runs_imports_load_no_plotting_app_or_occasional_scipy():
    assert loaded_after(RUN_IMPORTS) == []


def test_the_check_sees_a_module_that_is_loaded():
    assert loaded_after(RUN_IMPORTS + "\nimport scipy.ndimage") == ["scipy.ndimage"]


def test_mesa_is_imported_without_walking_the_stack_and_names_its_logger_as_before():
    """sim/mesa_start.py: Mesa's model module no longer calls the real ``inspect.stack`` at import (0.1-0.4 s
    of a start), its logger has the name it always had, and ``inspect.stack`` is put back afterwards."""
    script = """
import inspect, json
calls = []
original = inspect.stack
def counted(context=1):
    calls.append(context)
    return original(context)[1:]  # the frames above this wrapper, as inspect.stack() would give
inspect.stack = counted
import sim.model, mesa.model
print(json.dumps([len(calls), mesa.model._mesa_logger.name, inspect.stack is counted]))
"""
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert json.loads(out.stdout.strip().splitlines()[-1]) == [0, "MESA.mesa.model", True]
