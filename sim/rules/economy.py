"""R15: Deir ez-Zor matters for its position, its oil and its vast spaces (¶1, ¶10).

Oil speeds the supply of whoever holds a field and its revenue pays new fighters for the sides
that sell it locally: ISIS, and the SDF once it holds fields. Note: the regime's oil revenue goes
to the state, not to its units in the valley, so the model gives the regime no oil-paid recruits.
"""

from __future__ import annotations

from sim.rules.registry import implements


@implements("R15")
def supply_multiplier(oil_held: float, params, rules) -> float:
    """Oil and gas fields give supply to whoever holds them: supply recovers faster by
    ``oil_supply_bonus`` per unit of field value held (al-Omar = 1)."""
    return 1.0 + params.oil_supply_bonus * oil_held if rules.on("R15") else 1.0


#: the sides whose units oil revenue pays (the regime's goes to the state)
OIL_FUNDED = ("isis", "sdf")


@implements("R15")
def oil_recruits(oil_held: float, params, rules) -> float:
    """Oil is the valley's economic weight (¶1, ¶10): its revenue pays new fighters, recruits a day
    of ``oil_recruits_per_field`` per unit of field value held (al-Omar = 1)."""
    return params.oil_recruits_per_field * oil_held if rules.on("R15") else 0.0
