"""No deadlock: no side keeps more than half its units idle for more than 100 days while an enemy it
may fight is within reach (issue 16), under every single-rule-off variant and every shipped scenario."""

import pytest

from sim.experiments.rule_effects import variants
from sim.model import CampaignModel
from sim.scenario import baseline
from sim.validation.deadlock import MEASURED, run_and_watch

LONGEST_IDLE_DAYS = 100
ALL = [("baseline", baseline()), *((name, scenario) for name, _, scenario in variants())]


def longest_idle(scenario, seed: int) -> dict[str, int]:
    record = run_and_watch(CampaignModel(scenario, rng=seed))
    return {side: record.longest_spell(side) for side in MEASURED}


@pytest.mark.parametrize("name", ["baseline", "R12_off"])
def test_no_side_freezes_in_the_baseline_or_without_prepared_defences(name):
    """The small version, on the seed where R12 off once froze the SDF short of Hajin for 396 days
    (the regime's bridgehead grew across the SDF's way, closed to it under R1)."""
    scenario = dict(ALL)[name]
    idle = longest_idle(scenario, seed=2)
    assert max(idle.values()) <= LONGEST_IDLE_DAYS, idle


@pytest.mark.slow
@pytest.mark.parametrize("name", [name for name, _ in ALL])
@pytest.mark.parametrize("seed", [1, 2])
def test_no_side_freezes_under_any_switch_or_scenario(name, seed):
    idle = longest_idle(dict(ALL)[name], seed)
    assert max(idle.values()) <= LONGEST_IDLE_DAYS, idle
