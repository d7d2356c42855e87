"""The registry of the article's rules R1-R15 and the switches that turn them on and off.

Each rule is implemented by small named functions in ``sim/rules/*.py``, registered here with the
``@implements("Rn")`` decorator so that ``python run.py rules`` and docs/ODD.md can list, for each
rule, its statement, its paragraphs, what switching it off means, and the code that carries it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Rule:
    id: str
    statement: str
    paragraphs: tuple[str, ...]
    does: str  # what the model does when the rule is on
    when_off: str  # what the model does instead when a scenario switches it off
    functions: list[str] = field(default_factory=list, compare=False)


RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        Rule(
            "R1",
            "The SDF and the regime never engage each other in Deir ez-Zor.",
            ("¶8",),
            "no ground combat between them, no entry into each other's held cells, no air strike on the other; "
            "the river is the line between them (the regime keeps a pocket on the left bank near the city)",
            "the regime-SDF relation becomes hostile: they fight where they meet, and the river is no line",
        ),
        Rule(
            "R2",
            "The regime races to take the city centre, then the eastern countryside, to reach "
            "al-Bukamal and link to Iraq.",
            ("¶2", "¶4", "¶9"),
            "ordered objectives: the city and airport, the city cleared, al-Mayadin, al-Bukamal, the border "
            "at al-Qaim; a bridgehead detachment on the left bank",
            "the regime holds and clears the city but does not drive east, and the Iraqi PMF do not cross at "
            "al-Qaim to meet it",
        ),
        Rule(
            "R3",
            "The regime fights with Russian air cover, Russian advisers and Iranian and Iraqi militias.",
            ("¶2", "¶3"),
            "Russian sorties support regime engagements; advisers raise regime effectiveness; militia units",
            "no Russian sorties and no adviser bonus (militia units stay: set iranian_militia_share to remove them)",
        ),
        Rule(
            "R4",
            "Other fronts are quiet, so the regime can concentrate forces here.",
            ("¶3",),
            "regime reinforcements arrive up the Palmyra road",
            "no reinforcements",
        ),
        Rule(
            "R5",
            "The siege of the airport and of some city neighbourhoods has just been broken.",
            ("¶3", "¶9"),
            "day 0 has the regime pocket joined to the west by a corridor along the Sukhnah road",
            "day 0 with the siege unbroken: ISIS holds the road between al-Shula and the city",
        ),
        Rule(
            "R6",
            "The SDF launched an operation to block the regime from the eastern countryside.",
            ("¶4", "¶9"),
            "SDF objectives include the left bank opposite the city and the left-bank ends of the crossings",
            "the SDF does not race for the crossings: only its Khabur and down-river objectives",
        ),
        Rule(
            "R7",
            "The SDF operation is limited for now: stop at al-Sur and build the base; the full offensive "
            "starts in March 2018.",
            ("¶9",),
            "phase 1 may not pass the line through al-Suwar; phase 2 from sdf_phase2_date drives down the "
            "left bank to the border",
            "no stop line: the SDF drives for the eastern countryside at once",
        ),
        Rule(
            "R8",
            "The Americans back the SDF on the ground and from the air.",
            ("¶5", "¶8"),
            "coalition sorties support the SDF and its allies; US advisers raise SDF effectiveness",
            "no coalition sorties and no adviser bonus",
        ),
        Rule(
            "R9",
            "The desert opposition fights both Assad and ISIS and refuses joint action with the SDF.",
            ("¶5", "¶7"),
            "opposition units raid regime and ISIS positions within reach of al-Tanf; at non-aggression with "
            "the SDF, no joint action",
            "the factions accept joint action: allied with the SDF, under coalition air, they drive through the "
            "Badia on T-2 and al-Bukamal, the SDF's goal on the border",
        ),
        Rule(
            "R10",
            "The Americans recruit trusted local armed groups.",
            ("¶6", "¶7"),
            "SDF recruitment from the population of cells it holds, growing with the attitude toward it",
            "no recruitment from the population (fighters paid by oil it holds still join, R15)",
        ),
        Rule(
            "R11",
            "The social make-up is sensitive: the Iranian, Shia presence and destruction risk sectarian war.",
            ("¶4", "¶5", "¶6"),
            "Iranian-backed militias and destruction raise sectarian tension, which lowers attitudes and feeds "
            "ISIS recruitment and raids behind the lines; the attitude toward the regime decides its local "
            "militia recruits",
            "tension stays at zero: no raids, no ISIS recruitment from grievances, and the attitude toward the "
            "regime never sours (its local recruits stay as the initial attitude gives them)",
        ),
        Rule(
            "R12",
            "ISIS drags the battle out with defences prepared over six months.",
            ("¶10",),
            "ISIS-held towns start fortified and ISIS keeps building defences out of contact (decaying once "
            "lost); its commander holds a core chosen by value and force, delays, abandons or raids elsewhere, "
            "falls back early, leaves mines, counter-attacks where the enemy is thin or its air grounded, and "
            "makes a last stand where it cannot withdraw",
            "no prepared defences, no strategy, no counter-attacks, mines or last stand: ISIS units hold where "
            "they stand and give ground like any other side's",
        ),
        Rule(
            "R13",
            "ISIS cannot balance its fronts in Raqqa and Deir ez-Zor, and has lost Mosul and Tal Afar.",
            ("¶11",),
            "no ISIS reinforcement from Iraq; the Raqqa front drains ISIS strength until Raqqa falls, when part "
            "of those drawn off come back to ISIS's core (the evacuation convoy)",
            "no Raqqa drain and no return, and ISIS is reinforced from Iraq at isis_iraq_reinforcement a day",
        ),
        Rule(
            "R14",
            "ISIS fears defections, seen lately in al-Bukamal.",
            ("¶11",),
            "ISIS fighters defect under pressure (low morale, lost supply, being cut off) and as the units "
            "around them do; foreign fighters far less; more around al-Bukamal at the start",
            "no defections: ISIS falls to force alone",
        ),
        Rule(
            "R15",
            "Deir ez-Zor matters for its position, its oil and its vast spaces.",
            ("¶1", "¶10"),
            "oil and gas fields speed the supply of whoever holds them, and their revenue pays new fighters for "
            "ISIS and the SDF",
            "oil gives no supply and pays no one",
        ),
    )
}


def implements(rule_id: str) -> Callable:
    """Decorator: record that a function carries (part of) a rule."""
    if rule_id not in RULES:
        raise KeyError(f"unknown rule {rule_id!r}")

    def register(function: Callable) -> Callable:
        RULES[rule_id].functions.append(f"{function.__module__}.{function.__qualname__}")
        function.rule_id = rule_id
        return function

    return register


class RuleError(ValueError):
    """An unknown rule id."""


@dataclass(frozen=True)
class RuleBook:
    """Which rules are on in a run (all, unless a scenario switches some off)."""

    off: frozenset[str] = frozenset()

    def __post_init__(self):
        unknown = sorted(set(self.off) - set(RULES))
        if unknown:
            raise RuleError(f"unknown rule id(s) {', '.join(unknown)}; rules are R1 to R15")

    @classmethod
    def with_off(cls, ids: Iterable[str]) -> RuleBook:
        return cls(frozenset(ids))

    def on(self, rule_id: str) -> bool:
        return rule_id not in self.off
