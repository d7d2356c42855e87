"""Scenario files: ``scenarios/*.toml`` read into the model's one parameter declaration.

A file holds a name, a description (the question it asks, the paragraphs or facts it changes),
``extends`` (the scenario it starts from, ``baseline`` by default) and only its changes:
``[params]`` values, ``[rules]`` switches by id (``R1 = false``), ``[[relations]]`` edges and
``[[events]]``. Any mistake is one ``ScenarioError`` naming the file, the key and what is allowed,
raised before anything runs.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sim.calendar import START_DATE
from sim.codes import SIDES
from sim.input_files import read_toml
from sim.names import name_problem
from sim.params import ParamError, Params
from sim.rules import RULES
from sim.scenario import EVENT_KINDS, Scenario, ScenarioEvent
from sim.sides import RELATION_KINDS

SCENARIO_DIR = Path(__file__).resolve().parents[1] / "scenarios"
TOP_KEYS = ("name", "description", "extends", "params", "rules", "relations", "events")
EVENT_FIELDS = {
    "pause": {"side": "sdf", "until": None, "withdrawal": None, "fighters": None},
    "reinforcement": {"side": None, "unit_kind": None, "fighters": None, "place": None},
    "relation": {"a": None, "b": None, "relation": None},
    "weather": {"until": None, "air_force": None, "flying": None, "place": None, "radius_km": None},
    "humanitarian_pause": {"until": None, "side": "sdf"},
    "stop_line_lifted": {"side": "sdf"},
    "offensive": {"side": None, "place": None},
}
OFFENSIVE_SIDES = ("regime", "sdf")  # the sides whose commanders take a list of objectives in order
MAX_AREA_KM = 200.0
AIR_FORCE_NAMES = ("russian", "coalition")
RELATION_FIELDS = ("a", "b", "relation")
EXTENDS_MAX_DEPTH = 1000  # files in one extends chain (a chain is read in a loop; this bounds the work)


class ScenarioError(ValueError):
    """A scenario file is wrong: the message names the file, the key and what is allowed."""

    def __init__(self, path: Path | str, key: str, problem: str):
        self.path, self.key, self.problem = str(path), key, problem
        super().__init__(f"{path}: {key}: {problem}")


def scenario_names(directory: Path = SCENARIO_DIR) -> list[str]:
    """The shipped scenarios' names, baseline first."""
    names = sorted(p.stem for p in Path(directory).glob("*.toml"))
    return sorted(names, key=lambda n: (n != "baseline", n))


def list_scenarios(directory: Path = SCENARIO_DIR) -> list[Scenario]:
    return [load_scenario(Path(directory) / f"{name}.toml") for name in scenario_names(directory)]


def resolve_scenario(name_or_path: str | Path, directory: Path = SCENARIO_DIR) -> Scenario:
    """A shipped scenario by name, or a scenario file by path."""
    text = str(name_or_path)
    if "\0" in text:
        raise ScenarioError(repr(text), "scenario", "a scenario name or path cannot hold a NUL character")
    path = Path(text)
    try:
        given_as_path = path.suffix == ".toml" or path.exists()
    except OSError as error:  # e.g. a name longer than the file system allows
        raise ScenarioError(text[:80], "scenario", f"cannot be a scenario name or file: {error.strerror}") from None
    if given_as_path:
        return load_scenario(path, directory)
    if name_problem(text) is not None:
        raise ScenarioError(text, "scenario", f"unknown scenario {text!r}; shipped scenarios: "
                            f"{', '.join(scenario_names(directory))} (or give the path of a .toml file)")
    candidate = Path(directory) / f"{text}.toml"
    if not candidate.exists():
        known = ", ".join(scenario_names(directory))
        raise ScenarioError(text, "scenario", f"unknown scenario {text!r}; shipped scenarios: {known} "
                            "(or give the path of a .toml file)")
    return load_scenario(candidate, directory)


def load_scenario(path: Path, directory: Path = SCENARIO_DIR) -> Scenario:
    """Read and check one scenario file, resolving what it extends (read in a loop, not by recursion,
    so a long chain of files cannot exhaust the stack)."""
    path = Path(path)
    chain: list[tuple[Path, dict]] = []  # the file first, then what it extends, up to the baseline
    seen: list[str] = []
    while True:
        data = _read(path)
        name = _text(path, data, "name")
        problem = name_problem(name)
        if problem:
            raise ScenarioError(path, "name", problem)
        _text(path, data, "description")
        resolved = str(path.resolve())
        if resolved in seen:
            cycle = " -> ".join(Path(p).stem for p in (*seen, resolved))
            raise ScenarioError(path, "extends", f"cycle in extends: {cycle}")
        seen.append(resolved)
        chain.append((path, data))
        if len(chain) > EXTENDS_MAX_DEPTH:
            raise ScenarioError(chain[0][0], "extends", f"a chain of more than {EXTENDS_MAX_DEPTH} files")
        parent_name = data.get("extends", None if name == "baseline" and path.stem == "baseline" else "baseline")
        if parent_name is None:
            break
        problem = name_problem(parent_name)
        if problem:
            raise ScenarioError(path, "extends", f"must be a scenario name: {problem}")
        path = _parent_path(path, parent_name, directory)
    scenario = Scenario("baseline", "")
    for path, data in reversed(chain):
        scenario = _apply(path, data, scenario)
    return scenario


def _read(path: Path) -> dict:
    data = read_toml(path, ScenarioError)
    unknown = [k for k in data if k not in TOP_KEYS]
    if unknown:
        raise ScenarioError(path, unknown[0], f"unknown key; a scenario file may have {', '.join(TOP_KEYS)}")
    return data


def _text(path: Path, data: dict, key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ScenarioError(path, key, "is required and must be a non-empty string")
    return value


def _parent_path(path: Path, parent: str, directory: Path) -> Path:
    for candidate in (path.parent / f"{parent}.toml", Path(directory) / f"{parent}.toml"):
        if candidate.exists():
            return candidate
    known = ", ".join(scenario_names(directory))
    raise ScenarioError(path, "extends", f"unknown scenario {parent!r}; shipped scenarios: {known}")


def _apply(path: Path, data: dict, parent: Scenario) -> Scenario:
    params = _params(path, data.get("params", {}), parent.params)
    rules_off = set(parent.rules_off)
    rules = data.get("rules", {})
    if not isinstance(rules, dict):
        raise ScenarioError(path, "rules", "must be a table of rule ids, e.g. [rules] R1 = false")
    for rule_id, on in rules.items():
        if rule_id not in RULES:
            raise ScenarioError(path, f"rules.{rule_id}", "unknown rule id; rules are R1 to R15")
        if not isinstance(on, bool):
            raise ScenarioError(path, f"rules.{rule_id}", f"must be true or false, got {on!r}")
        (rules_off.discard if on else rules_off.add)(rule_id)
    relations = dict(parent.relations)
    for i, edge in enumerate(_tables(path, data, "relations")):
        key = f"relations[{i}]"
        extra = [k for k in edge if k not in RELATION_FIELDS]
        if extra:
            raise ScenarioError(path, f"{key}.{extra[0]}",
                                f"unknown field for a relation; fields: {', '.join(RELATION_FIELDS)}")
        a, b, relation = (_field(path, key, edge, f) for f in RELATION_FIELDS)
        relations[_pair(path, key, a, b)] = _one_of(path, f"{key}.relation", relation, RELATION_KINDS)
    events = list(parent.events)
    for i, event in enumerate(_tables(path, data, "events")):
        events.append(_event(path, f"events[{i}]", event, params))
    return Scenario(
        name=data["name"], description=" ".join(data["description"].split()), params=params,
        rules_off=frozenset(rules_off), relations=relations, events=tuple(events), path=str(path),
    )


def _params(path: Path, changes: Any, base: Params) -> Params:
    if not isinstance(changes, dict):
        raise ScenarioError(path, "params", "must be a table of parameter = value")
    params = base
    for name, value in changes.items():
        try:
            params = params.replace(**{name: value})
        except ParamError as error:
            raise ScenarioError(path, f"params.{name}", str(error)) from None
    for name, value in params.as_dict().items():
        if isinstance(value, dt.date) and name != "end_date" and not START_DATE <= value <= params.end_date:
            raise ScenarioError(path, f"params.{name}",
                                f"{value} is outside the run ({START_DATE} to {params.end_date})")
    return params


def _tables(path: Path, data: dict, key: str) -> list[dict]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ScenarioError(path, key, f"must be an array of tables ([[{key}]])")
    return value


def _field(path: Path, key: str, table: dict, name: str):
    if name not in table:
        raise ScenarioError(path, f"{key}.{name}", "is required")
    return table[name]


def _pair(path: Path, key: str, a, b) -> tuple[str, str]:
    for name, side in (("a", a), ("b", b)):
        _one_of(path, f"{key}.{name}", side, SIDES)
    if a == b:
        raise ScenarioError(path, key, "a side has no relation with itself")
    return (a, b) if SIDES.index(a) < SIDES.index(b) else (b, a)


def _one_of(path: Path, key: str, value, allowed) -> str:
    if value not in allowed:
        raise ScenarioError(path, key, f"{value!r} is not one of {', '.join(allowed)}")
    return value


def _event(path: Path, key: str, table: dict, params: Params) -> ScenarioEvent:
    from sim.forces import load_kinds

    kind = _one_of(path, f"{key}.kind", table.get("kind"), tuple(EVENT_KINDS))
    date = _date(path, f"{key}.date", table.get("date"), params)
    allowed = {"date", "kind", *EVENT_FIELDS[kind]}
    extra = [k for k in table if k not in allowed]
    if extra:
        raise ScenarioError(path, f"{key}.{extra[0]}",
                            f"unknown field for a {kind} event; fields: {', '.join(sorted(allowed))}")
    details: dict[str, Any] = {}
    if kind == "pause":
        _one_of(path, f"{key}.side", table.get("side", "sdf"), ("sdf",))
        until = _date(path, f"{key}.until", _field(path, key, table, "until"), params)
        if until <= date:
            raise ScenarioError(path, f"{key}.until", f"must come after the pause's date {date}")
        details["until"] = until
        if "withdrawal" in table:
            withdrawal = table["withdrawal"]
            if not isinstance(withdrawal, int | float) or isinstance(withdrawal, bool) or not 0 <= withdrawal <= 1:
                raise ScenarioError(path, f"{key}.withdrawal", f"must be a share from 0 to 1, got {withdrawal!r}")
            details["withdrawal"] = float(withdrawal)
        if "fighters" in table:
            if "withdrawal" in table:
                raise ScenarioError(path, f"{key}.fighters", "give either withdrawal (a share) or fighters (a number)")
            details["fighters"] = _whole(path, f"{key}.fighters", table["fighters"])
    elif kind == "reinforcement":
        side = _one_of(path, f"{key}.side", _field(path, key, table, "side"), SIDES)
        kinds = [k for k, v in load_kinds().items() if v.side == side]
        details["side"] = side
        details["unit_kind"] = _one_of(path, f"{key}.unit_kind", _field(path, key, table, "unit_kind"), kinds)
        details["fighters"] = _whole(path, f"{key}.fighters", _field(path, key, table, "fighters"))
        details["place"] = _one_of(path, f"{key}.place", _field(path, key, table, "place"), _place_ids())
    elif kind == "weather":
        details["until"] = _until(path, key, table, date, params)
        if "air_force" in table:
            details["air_force"] = _one_of(path, f"{key}.air_force", table["air_force"], AIR_FORCE_NAMES)
        if "flying" in table:
            flying = table["flying"]
            if not isinstance(flying, int | float) or isinstance(flying, bool) or not 0 <= flying < 1:
                raise ScenarioError(path, f"{key}.flying",
                                    f"must be the share of sorties still flying, from 0 up to (not including) 1, "
                                    f"got {flying!r}")
            details["flying"] = float(flying)
        if ("place" in table) != ("radius_km" in table):
            missing = "radius_km" if "place" in table else "place"
            raise ScenarioError(path, f"{key}.{missing}", "an area needs both place and radius_km")
        if "place" in table:
            details["place"] = _one_of(path, f"{key}.place", table["place"], _place_ids())
            radius = table["radius_km"]
            if not isinstance(radius, int | float) or isinstance(radius, bool) or not 0 < radius <= MAX_AREA_KM:
                raise ScenarioError(path, f"{key}.radius_km", f"must be a distance in km above 0 and up to "
                                    f"{MAX_AREA_KM:g}, got {radius!r}")
            details["radius_km"] = float(radius)
    elif kind == "stop_line_lifted":
        details["side"] = _one_of(path, f"{key}.side", table.get("side", "sdf"), ("sdf",))
    elif kind == "offensive":
        details["side"] = _one_of(path, f"{key}.side", _field(path, key, table, "side"), OFFENSIVE_SIDES)
        details["place"] = _one_of(path, f"{key}.place", _field(path, key, table, "place"), _place_ids())
    elif kind == "humanitarian_pause":
        details["until"] = _until(path, key, table, date, params)
        details["side"] = _one_of(path, f"{key}.side", table.get("side", "sdf"), SIDES)
    else:
        a, b = _field(path, key, table, "a"), _field(path, key, table, "b")
        details.update(zip(("a", "b"), _pair(path, key, a, b), strict=True))
        details["relation"] = _one_of(path, f"{key}.relation", _field(path, key, table, "relation"), RELATION_KINDS)
    return ScenarioEvent(date, kind, tuple(sorted(details.items())))


def _whole(path: Path, key: str, value) -> int:
    """A number of fighters: a whole number from 1 to 50,000."""
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= 50_000:
        raise ScenarioError(path, key, f"must be a whole number from 1 to 50000, got {value!r}")
    return value


def _place_ids() -> list[str]:
    """The ids of the map's places (sim/geography/data/places.csv)."""
    from sim.geography.sources import DATA_DIR, read_map_constants, read_places

    bbox, _, _ = read_map_constants(DATA_DIR / "map.toml")
    return [p.id for p in read_places(DATA_DIR / "places.csv", bbox)]


def _until(path: Path, key: str, table: dict, date: dt.date, params: Params) -> dt.date:
    """An event's required last day, on or after its first."""
    until = _date(path, f"{key}.until", _field(path, key, table, "until"), params)
    if until < date:
        raise ScenarioError(path, f"{key}.until", f"must not come before the event's date {date}")
    return until


def _date(path: Path, key: str, value, params: Params) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ScenarioError(path, key, f"must be a date (YYYY-MM-DD, unquoted), got {value!r}")
    if not START_DATE < value <= params.end_date:
        raise ScenarioError(path, key, f"{value} is outside the run (after {START_DATE}, up to {params.end_date})")
    return value

