"""How a parameter is declared, checked and collected into a frozen, typed ``Params`` object.

Every parameter is declared once (``sim/params/catalogue.py``) with its default, unit, allowed
range and source; scenario files, the command line and the browser app all read that declaration.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

ParamValue = float | int | bool | dt.date


class ParamError(ValueError):
    """A parameter name, type or value is not allowed; the message says what is."""


@dataclass(frozen=True)
class Param:
    """One model parameter: its default, unit, allowed range and where the value comes from."""

    name: str
    default: ParamValue
    unit: str
    low: ParamValue | None = None
    high: ParamValue | None = None
    source: str = "assumption"
    doc: str = ""
    group: str = "general"
    rule: str | None = None  # the rule (R1..R15) this parameter belongs to, if any
    explore: bool = False  # offered as a slider in the app and as a sweep factor by default

    def __post_init__(self):
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ParamError(f"parameter {self.name}: low {self.low} is above high {self.high}")
        if not isinstance(self.default, bool) and not self.contains(self.default):
            raise ParamError(f"parameter {self.name}: default {self.default} is outside its range")

    @property
    def kind(self) -> type:
        """bool, int, float or datetime.date."""
        return type(self.default)

    @property
    def allowed(self) -> str:
        """What values are allowed, in words."""
        kind = {bool: "true or false", int: "an integer", float: "a number", dt.date: "a date (YYYY-MM-DD)"}[self.kind]
        if self.kind is bool or (self.low is None and self.high is None):
            return kind
        return f"{kind} from {self.low} to {self.high}" + (f" {self.unit}" if self.unit else "")

    def contains(self, value: ParamValue) -> bool:
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)

    def check(self, value: Any) -> ParamValue:
        """The value converted to this parameter's type, or ParamError saying what is allowed."""
        converted = self._convert(value)
        if converted is None or (self.kind is not bool and not self.contains(converted)):
            raise ParamError(f"{self.name} = {value!r} is not allowed: expected {self.allowed}")
        return converted

    def _convert(self, value: Any) -> ParamValue | None:
        kind = self.kind
        if kind is bool:
            return value if isinstance(value, bool) else None
        if isinstance(value, bool):
            return None
        if kind is float and isinstance(value, int | float):
            try:
                return float(value)
            except OverflowError:  # an integer too large for a float is outside every range
                return None
        if kind is int and isinstance(value, int):
            return value
        if kind is int and isinstance(value, float) and value.is_integer():
            return int(value)
        if kind is dt.date:
            if isinstance(value, dt.datetime):
                return None
            if isinstance(value, dt.date):
                return value
            if isinstance(value, str):
                try:
                    return dt.date.fromisoformat(value)
                except ValueError:
                    return None
        return None


class ParamsBase:
    """Behaviour shared by the generated frozen ``Params`` dataclass."""

    DECLARATION: Mapping[str, Param] = {}

    def __post_init__(self):
        for name, param in self.DECLARATION.items():
            object.__setattr__(self, name, param.check(getattr(self, name)))

    @classmethod
    def from_changes(cls, changes: Mapping[str, Any] | None = None):
        """The defaults with ``changes`` applied; unknown names and bad values raise ParamError."""
        return cls.defaults().replace(**dict(changes or {}))

    @classmethod
    def defaults(cls):
        return cls()

    def replace(self, **changes):
        unknown = [name for name in changes if name not in self.DECLARATION]
        if unknown:
            raise ParamError(_unknown_message(unknown[0], self.DECLARATION))
        return dataclasses.replace(self, **changes)

    def as_dict(self) -> dict[str, ParamValue]:
        return {name: getattr(self, name) for name in self.DECLARATION}

    def differences(self, other) -> dict[str, tuple[ParamValue, ParamValue]]:
        """{name: (other's value, this value)} for every parameter that differs from ``other``."""
        return {
            n: (getattr(other, n), getattr(self, n)) for n in self.DECLARATION if getattr(other, n) != getattr(self, n)
        }


def _unknown_message(name: str, declaration: Mapping[str, Param]) -> str:
    import difflib

    close = difflib.get_close_matches(name, declaration, n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else "; see `python run.py params` for the list"
    return f"unknown parameter {name!r}{hint}"


def make_params_class(declared: tuple[Param, ...]) -> type:
    """A frozen dataclass with one typed field per declared parameter, defaults from the declaration."""
    names = [p.name for p in declared]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise ParamError(f"parameters declared twice: {', '.join(sorted(duplicates))}")
    fields = [(p.name, p.kind, dataclasses.field(default=p.default)) for p in declared]
    cls = dataclasses.make_dataclass("Params", fields, bases=(ParamsBase,), frozen=True)
    cls.DECLARATION = {p.name: p for p in declared}
    cls.__module__ = "sim.params"
    cls.__doc__ = "All model parameters, frozen and checked against their declaration."
    return cls
