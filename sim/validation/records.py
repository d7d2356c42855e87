"""The historical record the model is scored against: ``validation/events.csv`` read and checked.

Each row is a dated event (date, place id, side, what) with the *measure* that reads the model's
counterpart from a run's tables, and its *role*: a calibration target, an event used only to check,
or an input the model is given (never scored). The vocabulary of measures is fixed here; the rows are
data, so events are added by editing the table, not the code (format: ``validation/README.md``).
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.calendar import day_of
from sim.codes import SIDES
from sim.datafiles import DataFileError
from sim.geography import DATA_DIR
from sim.input_files import read_csv_rows
from sim.outcomes import BY_NAME
from sim.validation.valley_split import REGIONS

ROOT = Path(__file__).resolve().parents[2]
EVENTS_PATH = ROOT / "validation" / "events.csv"
COLUMNS = (
    "id", "date", "tolerance", "place", "side", "measure", "role", "key", "target", "bound", "confidence", "what",
    "source",
)
REQUIRED = ("id", "date", "role", "what", "source")
ROLES = ("calibration", "check", "input")
CONFIDENCES = ("high", "medium", "low")
BOUNDS = ("about", "at_least", "at_most")
#: Timeseries columns a ``timeseries:<column>`` measure may read, per side or for the whole map.
SIDE_SERIES = (
    "territory_km2", "valley_km2", "fighters", "losses_cum", "defected_cum", "recruited_cum", "arrived_cum",
    "withdrawn_cum", "residents_held",
)
MAP_SERIES = ("population", "displaced_cum", "civilian_deaths_cum", "in_camps", "displaced_now", "returned_cum",
              "hol_camp", "abu_khashab_camp", "civilian_deaths_russian_air_cum", "civilian_deaths_coalition_air_cum")

#: What each measure reads, and what it yields: a day, a share (0-1), a count, or incidents.
MEASURES = {
    "place_control": "the first day `side` controls `place` (control table)",
    "place_secured": "the day `side` last takes `place` and holds it to the run's end (control table)",
    "outcome:<name>": "an outcome of the run's summary (sim/outcomes.py): a day, a share or a count",
    "bank_share:<region>": "the share of a region of the valley held by `side` on `date` (left, right, khabur, "
    "valley: in Deir ez-Zor governorate; map_left ... map_valley: the whole map)",
    "timeseries:<column>": "a daily figure on `date`: for `side`, or for the whole map (population columns)",
    "incident": "a regime-SDF clash: counted against the runs' regime-SDF engagements (rule R1)",
}


class ValidationDataError(DataFileError):
    """The validation table is malformed: the message names the file, the row and the problem."""


@dataclass(frozen=True)
class RecordEvent:
    """One row of the historical record."""

    id: str
    date: dt.date
    tolerance: float  # days of uncertainty of the date; for a value, the accepted distance from target
    place: str  # a place id of places.csv, or ""
    side: str  # a side id, or ""
    measure: str  # "" for inputs
    role: str  # calibration, check or input
    key: bool  # in the historical-order check
    target: float  # for value measures (NaN for days)
    bound: str  # about, at_least or at_most (value measures)
    confidence: str
    what: str
    source: str

    @property
    def day(self) -> int:
        """The model day of the event's date."""
        return day_of(self.date)

    @property
    def measure_name(self) -> str:
        """The measure without its argument: ``outcome`` for ``outcome:regime_city_cleared_day``."""
        return self.measure.partition(":")[0]

    @property
    def measure_argument(self) -> str:
        """What the measure reads: ``regime_city_cleared_day`` for ``outcome:regime_city_cleared_day``."""
        return self.measure.partition(":")[2]

    @property
    def kind(self) -> str:
        """What the measure yields: "day", "share", "count", "incident" or "input"."""
        return measure_kind(self.measure)



def measure_kind(measure: str) -> str:
    """The kind of value a measure yields: day, share, count, incident, or input for no measure."""
    name, _, argument = measure.partition(":")
    if not measure:
        return "input"
    if name in ("place_control", "place_secured"):
        return "day"
    if name == "outcome":
        return {"day": "day", "share": "share"}.get(BY_NAME[argument].kind, "count")
    if name == "bank_share":
        return "share"
    if name == "timeseries":
        return "count"
    if name == "incident":
        return "incident"
    raise ValueError(f"unknown measure {measure!r}; one of {', '.join(MEASURES)}")


def read_events(path: str | Path = EVENTS_PATH) -> tuple[RecordEvent, ...]:
    """Read and check the validation table; any problem is one ValidationDataError naming the row."""
    path = Path(path)
    header, rows = read_csv_rows(path, ValidationDataError)
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ValidationDataError(path, "header", f"missing columns {', '.join(missing)}; expected {COLUMNS}")
    places = place_ids()
    events, seen = [], set()
    for line, row in enumerate(rows, start=2):
        event = _parse_row(path, f"line {line}", row, places)
        if event.id in seen:
            raise ValidationDataError(path, f"line {line}", f"duplicate id {event.id!r}")
        seen.add(event.id)
        events.append(event)
    if not events:
        raise ValidationDataError(path, "file", "has no events")
    return tuple(events)


def place_ids(data_dir: Path = DATA_DIR) -> frozenset[str]:
    """The place ids of the map's places.csv (the ids the control table uses)."""
    with open(Path(data_dir) / "places.csv", newline="", encoding="utf-8") as handle:
        return frozenset(row["id"] for row in csv.DictReader(handle))


def _parse_row(path: Path, where: str, row: dict, places: frozenset[str]) -> RecordEvent:
    text = {c: (row.get(c) or "").strip() for c in COLUMNS}
    for column in REQUIRED:
        if not text[column]:
            raise ValidationDataError(path, where, f"{column} is required")
    fail = lambda problem: ValidationDataError(path, f"{where} ({text['id']})", problem)  # noqa: E731
    try:
        date = dt.date.fromisoformat(text["date"])
    except ValueError:
        raise fail(f"date {text['date']!r} is not an ISO date (YYYY-MM-DD)") from None
    tolerance = _number(fail, "tolerance", text["tolerance"], default=0.0)
    if tolerance < 0:
        raise fail(f"tolerance must be zero or more, got {tolerance}")
    target = _number(fail, "target", text["target"], default=math.nan)
    _one_of(fail, "role", text["role"], ROLES)
    _one_of(fail, "confidence", text["confidence"], CONFIDENCES)
    if text["place"] and text["place"] not in places:
        raise fail(f"unknown place {text['place']!r}; place ids are those of sim/geography/data/places.csv")
    if text["side"]:
        _one_of(fail, "side", text["side"], SIDES)
    key = _one_of(fail, "key", text["key"] or "no", ("yes", "no")) == "yes"
    bound = _one_of(fail, "bound", text["bound"] or "about", BOUNDS)
    event = RecordEvent(
        text["id"], date, tolerance, text["place"], text["side"], text["measure"], text["role"], key, target, bound,
        text["confidence"], text["what"], text["source"],
    )
    _check_measure(fail, event)
    return event


def _check_measure(fail, event: RecordEvent) -> None:
    """The measure exists, has what it reads, and suits the row's role."""
    name, argument = event.measure_name, event.measure_argument
    if event.role == "input":
        if event.measure:
            raise fail("an input is not scored: leave its measure empty")
        return
    if not event.measure:
        raise fail(f"a {event.role} row needs a measure: one of {', '.join(MEASURES)}")
    needs_side = True
    if name in ("place_control", "place_secured"):
        if not event.place:
            raise fail(f"{name} needs a place")
    elif name == "outcome":
        if argument not in BY_NAME:
            raise fail(f"unknown outcome {argument!r}; outcomes are those of sim/outcomes.py: {', '.join(BY_NAME)}")
        needs_side = False
    elif name == "bank_share":
        _one_of(fail, "bank_share region", argument, REGIONS)
    elif name == "timeseries":
        if argument in MAP_SERIES:
            needs_side = False
            if event.side:
                raise fail(f"{argument} is a whole-map figure: leave the side empty")
        elif argument not in SIDE_SERIES:
            raise fail(f"unknown timeseries column {argument!r}; one of {', '.join(SIDE_SERIES + MAP_SERIES)}")
    elif name == "incident":
        if event.role != "check":
            raise fail("incidents are checks (role check)")
    else:
        raise fail(f"unknown measure {event.measure!r}; one of {', '.join(MEASURES)}")
    if needs_side and not event.side:
        raise fail(f"{name} needs a side")
    kind = event.kind
    if kind in ("share", "count") and math.isnan(event.target):
        raise fail(f"{event.measure} yields a {kind}: give the target value")
    if kind == "day" and not math.isnan(event.target):
        raise fail(f"{event.measure} yields a day: the target is the date, leave target empty")
    if kind == "share" and not 0.0 <= event.target <= 1.0:
        raise fail(f"a share target must lie between 0 and 1, got {event.target}")
    if event.role == "calibration" and kind not in ("day", "share"):
        raise fail(f"calibration targets are days or shares; {event.measure} yields a {kind}: make it a check")
    if event.key and kind != "day":
        raise fail("only dated events (day measures) take part in the order check: set key to no")


def _number(fail, column: str, text: str, *, default: float) -> float:
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        raise fail(f"{column} {text!r} is not a number") from None
    if not math.isfinite(value):
        raise fail(f"{column} must be finite, got {text}")
    return value


def _one_of(fail, column: str, value: str, allowed) -> str:
    if value not in allowed:
        raise fail(f"{column} {value!r} is not one of {', '.join(allowed)}")
    return value


def events_frame(events: tuple[RecordEvent, ...]) -> pd.DataFrame:
    """The record as a table, one row per event, with its model day and the kind of its measure."""
    return pd.DataFrame(
        [
            {
                "id": e.id, "date": e.date.isoformat(), "day": e.day, "tolerance": e.tolerance, "place": e.place,
                "side": e.side, "measure": e.measure, "kind": e.kind, "role": e.role, "key": e.key,
                "target": e.target, "bound": e.bound, "confidence": e.confidence, "what": e.what, "source": e.source,
            }
            for e in events
        ]
    )
