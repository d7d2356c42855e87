"""Humanitarian pauses (a scenario's ``humanitarian_pause`` events): a side holds its fire and grounds
its air force while the civilians of the enemy ground its units face leave (al-Baghuz, February and
March 2019: repeated pauses while tens of thousands left the pocket, most for al-Hol; decisions.md).
The evacuation itself is the population model's (``PopulationModel``: ``evacuation_rate``); the
air force's grounding is ``sim.air.doctrine.sortie_budgets``."""

from __future__ import annotations


def hold_fire(model, engagements: list) -> list:
    """The day's engagements without the attacks of a side in a humanitarian pause (its units hold
    their ground; the enemy may still attack them)."""
    pausing = model.pausing_sides()
    if not pausing:
        return engagements
    return [e for e in engagements if e.attacker not in pausing]
