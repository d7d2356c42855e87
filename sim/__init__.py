"""Agent-based simulation of the battle for Deir ez-Zor and the middle Euphrates valley, 2017-2019.

Layers, each importing only those below it:
geography -> sides, control, rules, combat -> agents, scenario -> model -> experiments -> plots, cli.
"""

__version__ = "0.1.0"
