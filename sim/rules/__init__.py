"""The article's rules R1-R15, each carried by small named functions (see ``registry.RULES``)."""

from sim.rules import deconfliction, economy, isis, opposition, population, regime, sdf
from sim.rules.registry import RULES, Rule, RuleBook, RuleError, implements

__all__ = [
    "RULES",
    "Rule",
    "RuleBook",
    "RuleError",
    "deconfliction",
    "economy",
    "implements",
    "isis",
    "opposition",
    "population",
    "regime",
    "sdf",
]
