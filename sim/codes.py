"""The project's vocabulary: side ids, terrain classes, banks and crossing kinds, as small integer codes.

The integer codes are what the map's property layers store; the names are what every output uses.
"""

from enum import IntEnum

#: The four sides, in the order of their control codes (1..4). 0 means "no controller".
SIDES: tuple[str, ...] = ("regime", "sdf", "isis", "opposition")
NO_SIDE = 0


def side_code(side: str) -> int:
    """The control code of a side id (1-based); raises KeyError for an unknown side."""
    try:
        return SIDES.index(side) + 1
    except ValueError:
        raise KeyError(f"unknown side {side!r}; the sides are {', '.join(SIDES)}") from None


def side_name(code: int) -> str | None:
    """The side id of a control code, or None for code 0 (no controller)."""
    return SIDES[code - 1] if code else None


class Terrain(IntEnum):
    """Terrain class of a cell."""

    WATER = 0
    VALLEY = 1  # irrigated, populated river valley
    DESERT = 2  # the Badia (right bank) and the Jazira (left bank)
    URBAN = 3


class Bank(IntEnum):
    """Which bank of the rivers a cell lies on (within reach of the rivers; NONE beyond)."""

    NONE = 0
    LEFT = 1  # north/east of the Euphrates: the Jazira side
    RIGHT = 2  # south/west of the Euphrates: the Badia side
    KHABUR = 3  # the Khabur valley (on the left side of the Euphrates)


class Crossing(IntEnum):
    """Crossing points: the only cells where ground units may cross water or the border."""

    NONE = 0
    BRIDGE = 1  # intact bridge or dam road
    FERRY = 2  # bridge down: pontoon or boat crossing site, slower
    BORDER = 3  # the al-Qaim border crossing into Iraq


BANK_BY_NAME = {"none": Bank.NONE, "left": Bank.LEFT, "right": Bank.RIGHT, "khabur": Bank.KHABUR}
TERRAIN_BY_NAME = {
    "water": Terrain.WATER,
    "valley": Terrain.VALLEY,
    "desert": Terrain.DESERT,
    "urban": Terrain.URBAN,
}
