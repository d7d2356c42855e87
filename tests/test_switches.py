"""Each rule switch, on and off, checked on what it does to the campaign (issue 16): the effect of
every "off:" sentence of ``run.py rules`` on outcomes, in tiny worlds or short runs of the map."""

from dataclasses import replace

import numpy as np

from sim.codes import Bank, side_code
from sim.scenario import Scenario, baseline
from tests.worlds import tiny_layers, tiny_model, unit

REGIME, SDF, ISIS, OPPOSITION = (side_code(s) for s in ("regime", "sdf", "isis", "opposition"))


def rules_off(*ids: str) -> Scenario:
    return replace(baseline(), name="_".join(ids) + "_off", rules_off=frozenset(ids))


def test_r1_the_river_is_the_line_neither_crosses_to_the_others_bank():
    """While R1 holds the regime may not enter the left bank, nor the SDF the right bank, except
    cells it holds itself; with R1 off (hostile) the river is no line."""
    control = np.zeros((12, 9), dtype=np.int8)
    control[0, 6] = REGIME  # a regime-held cell on the left bank stays its own
    layers = tiny_layers(control=control, crossing_x=5)
    forces = [unit("regime", "syrian_army", 400, (2, 2)), unit("sdf", "sdf", 300, (8, 6))]
    left = (layers["river_side"] == Bank.LEFT).ravel()
    right = (layers["river_side"] == Bank.RIGHT).ravel()
    model = tiny_model(layers, forces, rules_off("R7"), days=1)  # (R7's stop line blocks the SDF too)
    own = np.zeros(left.size, dtype=bool)
    own[0 * 9 + 6] = True
    assert np.array_equal(model.blocked[REGIME], left & ~own)
    assert np.array_equal(model.blocked[SDF], right | own)  # and the regime's cell, as ever under R1
    model = tiny_model(layers, forces, rules_off("R1", "R7"), days=1)
    assert not model.blocked[REGIME].any() and not model.blocked[SDF].any()
