"""Sweep specifications (``sweeps/*.toml``) and their experimental designs.

A spec names a base scenario, factors (declared parameters with a range or levels), a design —
full grid, Latin hypercube, Sobol (Saltelli) or Morris — with its size, replications per point,
the outcomes to keep and a seed. Every factor is checked against the parameter declaration, and
any mistake is one ``SweepError`` naming the file, the key and what is allowed, before anything runs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from sim.calendar import START_DATE, date_of, day_of
from sim.input_files import read_toml
from sim.names import name_problem
from sim.outcomes import BY_NAME
from sim.params import DECLARATION, ParamError
from sim.randomness import DEFAULT_SEED
from sim.scenario import Scenario

if TYPE_CHECKING:
    import pandas as pd

SWEEP_DIR = Path(__file__).resolve().parents[2] / "sweeps"
DESIGNS = ("grid", "lhs", "sobol", "morris")
SEED_MAX = 2**63 - 1  # master seeds are whole numbers 0 to 2^63 - 1, on the command line too
DAYS_MAX = 36_500  # days to simulate: a century, far past any end_date; bounds a number typed by mistake
TOP_KEYS = ("name", "description", "scenario", "design", "samples", "grid_levels", "morris_levels", "replications",
            "seed", "days", "outcomes", "factors")


class SweepError(ValueError):
    """A sweep spec is wrong: the message names the file, the key and what is allowed."""

    def __init__(self, path, key: str, problem: str):
        self.path, self.key, self.problem = str(path), key, problem
        super().__init__(f"{path}: {key}: {problem}")


@dataclass(frozen=True)
class Factor:
    name: str
    low: float | None = None  # numbers; dates as day numbers
    high: float | None = None
    levels: tuple = ()  # explicit values (grid designs)

    @property
    def kind(self) -> type:
        return DECLARATION[self.name].kind

    def value(self, x: float):
        """A sampled number as the parameter's own type (integers rounded, day numbers as dates)."""
        if self.kind is int:
            return round(x)
        if self.kind is dt.date:
            return date_of(round(x))
        return float(x)


@dataclass(frozen=True)
class SweepSpec:
    name: str
    description: str
    scenario: Scenario
    design: str
    samples: int
    replications: int
    seed: int
    factors: tuple[Factor, ...]
    outcomes: tuple[str, ...]
    days: int | None = None
    grid_levels: int = 3
    morris_levels: int = 4
    path: str = ""
    raw: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def problem(self) -> dict:
        """The factors as SALib describes them."""
        return {"num_vars": len(self.factors), "names": [f.name for f in self.factors],
                "bounds": [[f.low, f.high] for f in self.factors]}

    def fingerprint(self) -> str:
        """A hash of everything that decides the runs (to refuse resuming a different sweep)."""
        text = json.dumps({k: v for k, v in self.raw.items() if k not in ("name", "description")},
                          sort_keys=True, default=str)
        return hashlib.sha1(text.encode()).hexdigest()[:16]


def load_sweep(path: str | Path) -> SweepSpec:
    """Read and check a sweep spec (a path, or the name of a file in sweeps/)."""
    if "\0" in str(path):
        raise SweepError(repr(str(path)), "file", "a sweep name or path cannot hold a NUL character")
    path = Path(path)
    try:
        if not path.exists() and name_problem(str(path)) is None and (SWEEP_DIR / f"{path}.toml").exists():
            path = SWEEP_DIR / f"{path}.toml"
    except OSError as error:  # e.g. a name longer than the file system allows
        raise SweepError(str(path)[:80], "file", f"cannot be read: {error.strerror}") from None
    data = read_toml(path, SweepError)
    unknown = [k for k in data if k not in TOP_KEYS]
    if unknown:
        raise SweepError(path, unknown[0], f"unknown key; a sweep spec may have {', '.join(TOP_KEYS)}")
    for key in ("name", "description"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise SweepError(path, key, "is required and must be a non-empty string")
    problem = name_problem(data["name"])
    if problem:
        raise SweepError(path, "name", problem)
    from sim.scenarios import resolve_scenario

    scenario_name = data.get("scenario", "baseline")
    if not isinstance(scenario_name, str) or not scenario_name:
        raise SweepError(path, "scenario", f"must be a scenario name or file, got {scenario_name!r}")
    scenario = resolve_scenario(scenario_name)
    design = data.get("design", "lhs")
    if design not in DESIGNS:
        raise SweepError(path, "design", f"{design!r} is not one of {', '.join(DESIGNS)}")
    samples = _count(path, data, "samples", 16, 1, 100_000)
    replications = _count(path, data, "replications", 1, 1, 10_000)
    grid_levels = _count(path, data, "grid_levels", 3, 2, 100)
    morris_levels = _count(path, data, "morris_levels", 4, 2, 20)
    seed = data.get("seed", DEFAULT_SEED)
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed <= SEED_MAX:
        raise SweepError(path, "seed", f"must be a whole number from 0 to {SEED_MAX}, got {seed!r}")
    days = data.get("days")
    if days is not None:
        days = _count(path, data, "days", None, 1, DAYS_MAX)
    outcomes = data.get("outcomes", list(BY_NAME))
    if not isinstance(outcomes, list) or not outcomes:
        raise SweepError(path, "outcomes", f"must be a non-empty list of outcome names; outcomes: {', '.join(BY_NAME)}")
    for name in outcomes:
        if not isinstance(name, str) or name not in BY_NAME:
            raise SweepError(path, "outcomes", f"unknown outcome {name!r}; outcomes: {', '.join(BY_NAME)}")
    outcomes = tuple(dict.fromkeys(outcomes))
    factors = _factors(path, data.get("factors"), design, scenario)
    return SweepSpec(data["name"], " ".join(data["description"].split()), scenario, design, samples, replications,
                     seed, factors, outcomes, days, grid_levels, morris_levels, str(path), data)


def _count(path, data, key, default, low, high) -> int:
    value = data.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise SweepError(path, key, f"must be a whole number from {low} to {high}, got {value!r}")
    return value


def _factors(path, table, design: str, scenario: Scenario) -> tuple[Factor, ...]:
    if not isinstance(table, dict) or not table:
        raise SweepError(path, "factors", "needs at least one factor, e.g. [factors.lethality] range = [0.01, 0.03]")
    factors = []
    for name, spec in table.items():
        key = f"factors.{name}"
        if name not in DECLARATION:
            import difflib

            close = difflib.get_close_matches(name, DECLARATION, n=2)
            hint = f"; did you mean {', '.join(close)}?" if close else "; see `python run.py params`"
            raise SweepError(path, key, f"unknown parameter{hint}")
        param = DECLARATION[name]
        if not isinstance(spec, dict) or not ({"range", "levels"} & set(spec)) or set(spec) - {"range", "levels"}:
            raise SweepError(path, key, "give either range = [low, high] or levels = [a, b, ...]")
        if "levels" in spec:
            if design != "grid":
                raise SweepError(path, key, f"levels are for grid designs; a {design} design needs a range")
            values = spec["levels"]
            if not isinstance(values, list) or not values:
                raise SweepError(path, f"{key}.levels", "must be a non-empty list")
            checked = tuple(_checked(path, f"{key}.levels", param, v) for v in values)
            factors.append(Factor(name, levels=checked))
            continue
        bounds = spec["range"]
        if not isinstance(bounds, list) or len(bounds) != 2:
            raise SweepError(path, f"{key}.range", "must be [low, high]")
        if param.kind is bool:
            raise SweepError(path, key, "a true/false parameter takes levels = [true, false] in a grid design")
        low, high = (_checked(path, f"{key}.range", param, v) for v in bounds)
        if not low < high:
            raise SweepError(path, f"{key}.range", f"low {low} must be below high {high}")
        if param.kind is dt.date:
            low, high = day_of(low), day_of(high)
            if low < 1 or high > day_of(scenario.params.end_date):
                raise SweepError(path, f"{key}.range", f"dates must fall inside the run ({START_DATE} to "
                                 f"{scenario.params.end_date})")
        factors.append(Factor(name, float(low), float(high)))
    return tuple(factors)


def _checked(path, key: str, param, value):
    try:
        return param.check(value)
    except ParamError as error:
        raise SweepError(path, key, f"{error} (the declared range)") from None


def design_points(spec: SweepSpec) -> pd.DataFrame:
    """The design's points: one row per point, a column per factor (parameter values in their own
    types), ``point_id`` (stable, from the values) and ``order`` (the design's own order)."""
    import pandas as pd

    names = [f.name for f in spec.factors]
    if spec.design == "grid":
        axes = [f.levels or tuple(f.value(x) for x in np.linspace(f.low, f.high, spec.grid_levels))
                for f in spec.factors]
        rows = [dict(zip(names, combo, strict=True)) for combo in itertools.product(*axes)]
    else:
        matrix = unit_sample(spec)
        rows = [{f.name: f.value(x) for f, x in zip(spec.factors, row, strict=True)} for row in matrix]
    points = pd.DataFrame(rows, columns=names)
    points.insert(0, "order", np.arange(len(points)))
    points.insert(0, "point_id", [point_id(row, i) for i, row in enumerate(rows)])
    return points


def unit_sample(spec: SweepSpec) -> np.ndarray:
    """The sampled factor values (numbers; dates as day numbers) in the design's order."""
    problem = spec.problem
    if spec.design == "lhs":
        from scipy.stats import qmc

        unit = qmc.LatinHypercube(d=len(spec.factors), seed=spec.seed).random(spec.samples)
        lows = np.array([f.low for f in spec.factors])
        highs = np.array([f.high for f in spec.factors])
        return lows + unit * (highs - lows)
    if spec.design == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem, spec.samples, calc_second_order=False, seed=spec.seed)
    from SALib.sample import morris

    return morris.sample(problem, spec.samples, num_levels=spec.morris_levels, seed=spec.seed)


def point_id(values: dict, order: int) -> str:
    """A stable id for a point: a hash of its parameter values and its place in the design (two
    points of a design may share values once integers are rounded)."""
    values = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in sorted(values.items())}
    text = json.dumps({"values": values, "order": order})
    return hashlib.sha1(text.encode()).hexdigest()[:12]


def run_id(point: str, replication: int) -> str:
    """A stable id for one run: its point and its replication."""
    return hashlib.sha1(f"{point}/{replication}".encode()).hexdigest()[:16]


def expected_size(spec: SweepSpec) -> int:
    """How many points a design has."""
    d = len(spec.factors)
    if spec.design == "grid":
        return math.prod(len(f.levels) or spec.grid_levels for f in spec.factors)  # exact: no overflow
    return {"lhs": spec.samples, "sobol": spec.samples * (d + 2), "morris": spec.samples * (d + 1)}[spec.design]
