"""Agent-based simulation of the battle for Deir ez-Zor and the middle Euphrates valley, 2017-2019.

Layers, each importing only those below it:
geography -> sides, control, rules, combat -> agents, scenario -> model -> experiments -> plots, cli.
"""

__version__ = "0.1.0"

from sim.mesa_start import import_mesa

import_mesa()  # before any module of sim imports Mesa: see sim/mesa_start.py
