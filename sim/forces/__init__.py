"""Unit kinds and the order of battle on day 0, read from ``sim/forces/data``.

``kinds.csv`` gives each kind of unit its side and relative firepower, defence, speed and base
morale; ``order_of_battle.csv`` places groups of units, each taking a share of a strength
parameter (campaign.md figures, as ranges in the parameter declaration).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sim.codes import SIDES
from sim.datafiles import DataFileError

DATA_DIR = Path(__file__).parent / "data"
POSTURES = ("attack", "defend")


@dataclass(frozen=True)
class UnitKind:
    kind: str
    side: str
    firepower: float
    defence: float
    speed_km_day: float
    morale: float
    description: str


@dataclass(frozen=True)
class ForceGroup:
    """One row of the order of battle: a group of units of one kind at one place."""

    group: str
    side: str
    kind: str
    strength_param: str
    share: float | None  # None: the Iranian-militia share of the parameter
    place: str | None
    lat: float | None
    lon: float | None
    posture: str
    source: str


def _rows(path: Path, columns: tuple[str, ...]):
    if not path.exists():
        raise DataFileError(path, "file", "is missing")
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise DataFileError(path, "header", f"missing column(s) {', '.join(missing)}")
        yield from enumerate(reader, start=2)


def _float(path: Path, line: int, row: dict, column: str) -> float:
    try:
        return float(row[column])
    except (TypeError, ValueError):
        raise DataFileError(path, f"row {line}", f"column {column!r} is not a number: {row[column]!r}") from None


@cache
def load_kinds(data_dir: Path = DATA_DIR) -> dict[str, UnitKind]:
    path = Path(data_dir) / "kinds.csv"
    kinds = {}
    for line, row in _rows(path, ("kind", "side", "firepower", "defence", "speed_km_day", "morale", "description")):
        if row["side"] not in SIDES:
            raise DataFileError(path, f"row {line}", f"side {row['side']!r} is not one of {', '.join(SIDES)}")
        kinds[row["kind"]] = UnitKind(
            row["kind"],
            row["side"],
            *(_float(path, line, row, c) for c in ("firepower", "defence", "speed_km_day", "morale")),
            row["description"],
        )
    return kinds


@cache
def load_order_of_battle(
    data_dir: Path = DATA_DIR, known_places: frozenset[str] = frozenset()
) -> tuple[ForceGroup, ...]:
    from sim.params import DECLARATION

    path = Path(data_dir) / "order_of_battle.csv"
    kinds = load_kinds(data_dir)
    groups = []
    columns = ("group", "side", "kind", "strength_param", "share", "place", "lat", "lon", "posture", "source")
    for line, row in _rows(path, columns):
        where = f"row {line}"
        if row["kind"] not in kinds:
            raise DataFileError(path, where, f"unknown kind {row['kind']!r}; kinds: {', '.join(kinds)}")
        if kinds[row["kind"]].side != row["side"]:
            raise DataFileError(
                path, where, f"kind {row['kind']!r} belongs to {kinds[row['kind']].side}, not {row['side']}"
            )
        if row["strength_param"] not in DECLARATION:
            raise DataFileError(path, where, f"unknown strength parameter {row['strength_param']!r}")
        if row["posture"] not in POSTURES:
            raise DataFileError(path, where, f"posture {row['posture']!r} is not one of {', '.join(POSTURES)}")
        share = None if row["share"] == "militia" else _float(path, line, row, "share")
        place = row["place"] or None
        if place and known_places and place not in known_places:
            raise DataFileError(path, where, f"unknown place id {place!r}")
        lat = _float(path, line, row, "lat") if not place else None
        lon = _float(path, line, row, "lon") if not place else None
        groups.append(
            ForceGroup(
                row["group"],
                row["side"],
                row["kind"],
                row["strength_param"],
                share,
                place,
                lat,
                lon,
                row["posture"],
                row["source"],
            )
        )
    return tuple(groups)
