"""Sieges: an attack short of the odds bombards, at a cost, for a while; then its commander decides.

An attack whose combat power is below ``assault_ratio`` times the defenders' does not go in: the
attackers hold in contact and bombard (their guns at ``bombardment_fire`` of their fire, and their
air support). Bombarding is not free: the besiegers lose ``siege_attrition`` of their strength a day
to the defenders' snipers, mortars and raids, and ``siege_supply_cost`` of their supply (ammunition).
After ``siege_patience_days`` of it the commander decides: if the odds have reached
``min_assault_ratio`` (the defenders worn down, or more force come up) the assault goes in; if not,
the siege is lifted: the besiegers fall back to rest (``rest_days``) and the side will send more
force to an objective holding that cell next time it plans (``commanders.assign_in_order``). After
``sieges_before_bypass`` lifted sieges of a cell the commander bypasses it for ``bypass_days``: it
leaves the side's objectives, its units route round it (the cell is closed to them, so the
distance fields avoid it) and march past it without stopping (a screen watches it).
"""

from __future__ import annotations

LIFTED = "lifted"  # an engagement that does not happen: its siege was lifted today
GRACE_DAYS = 2  # a siege survives a day or two without bombardment (a unit resting, a relief in place)


def decide(model, engagement, odds: float) -> str:
    """The kind of an attack on defended ground today: "attack" (the assault goes in), "bombardment"
    or LIFTED. Keeps the side's siege of the cell, by the day it began."""
    params = model.params
    if odds >= params.assault_ratio:
        model.sieges.pop((engagement.attacker, engagement.target), None)
        return "attack"
    key = (engagement.attacker, engagement.target)
    began, _ = model.sieges.get(key, (model.day, model.day))
    if model.day - began < params.siege_patience_days:
        model.sieges[key] = (began, model.day)
        return "bombardment"
    model.sieges.pop(key, None)
    if odds >= params.min_assault_ratio:
        return "attack"
    failed = model.siege_failures.setdefault(engagement.attacker, {})
    failed[engagement.target] = failed.get(engagement.target, 0) + 1
    if failed[engagement.target] >= params.sieges_before_bypass:  # bypass it: screen it, go round it
        del failed[engagement.target]
        model.bypassed.setdefault(engagement.attacker, {})[engagement.target] = model.day + params.bypass_days
    for unit in engagement.attackers:
        unit.rest_until = model.day + params.rest_days
    return LIFTED


def forget_ended(model) -> None:
    """Sieges not kept up for GRACE_DAYS are over (the attackers moved on or the defenders left)."""
    day = model.day
    for key in [k for k, (_, last) in model.sieges.items() if day - last > GRACE_DAYS]:
        del model.sieges[key]


def besiegers_pay(model, attackers, rng) -> int:
    """The day's cost of a bombardment to the besiegers: fighters lost (drawn binomially, counted as
    killed) and supply used; returns the fighters lost."""
    params = model.params
    lost_total = 0
    for unit in attackers:
        lost = int(rng.binomial(unit.strength, params.siege_attrition)) if unit.strength > 0 else 0
        if lost:
            taken = unit.lose(lost)
            model.ledger[unit.code]["killed"] += taken
            lost_total += taken
        unit.supply = max(0.0, unit.supply - params.siege_supply_cost)
    return lost_total


def failed_sieges(model, code: int, targets) -> int:
    """How many of a side's sieges failed on an objective's target cells (each brings more force)."""
    failed = model.siege_failures.get(code)
    if not failed:
        return 0
    wanted = set(targets.tolist())
    return sum(count for cell, count in failed.items() if cell in wanted)


def bypassed_cells(model, code: int) -> list[int]:
    """The cells a side bypasses today (those whose time is up are tried again)."""
    screened = model.bypassed.get(code)
    if not screened:
        return []
    for cell in [c for c, until in screened.items() if until < model.day]:
        del screened[cell]
    return sorted(screened)
