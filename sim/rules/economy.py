"""R15: Deir ez-Zor matters for its position, its oil and its vast spaces (¶1, ¶10)."""

from __future__ import annotations

from sim.rules.registry import implements


@implements("R15")
def supply_multiplier(oil_held: float, params, rules) -> float:
    """Oil and gas fields give supply to whoever holds them: supply recovers faster by
    ``oil_supply_bonus`` per unit of field value held (al-Omar = 1)."""
    return 1.0 + params.oil_supply_bonus * oil_held if rules.on("R15") else 1.0
