"""The outcomes of a run, each declared once with its label, unit and direction, so that tables and
figures label themselves; and the summary of one run."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.codes import SIDES, side_code
from sim.recorder import POPULATION_COLUMNS

REMOTE_KM = 10.0  # a measure's threshold, not a model parameter: ground this far from a side's units


@dataclass(frozen=True)
class Outcome:
    name: str
    label: str
    unit: str
    direction: str  # what a higher value means
    kind: str  # day, count, share, km2


def _days(name, label, direction="higher = later"):
    return Outcome(name, label, "day", direction, "day")


OUTCOMES: tuple[Outcome, ...] = (
    _days("regime_left_bank_day", "Day the regime first holds a left-bank valley cell (bridgehead)"),
    _days("sdf_conoco_day", "Day the SDF takes the Conoco gas plant"),
    _days("regime_maadan_day", "Day the regime takes Ma'adan"),
    _days("sdf_suwar_day", "Day the SDF takes al-Suwar"),
    _days("regime_city_cleared_day", "Day the regime holds all of Deir ez-Zor city"),
    _days("regime_mayadin_day", "Day the regime takes al-Mayadin"),
    _days("regime_bukamal_day", "Day the regime first holds al-Bukamal"),
    _days("regime_corridor_day", "Day the regime corridor joins Palmyra, the city and al-Bukamal to the border"),
    _days("sdf_hajin_day", "Day the SDF takes Hajin"),
    _days("sdf_baghuz_day", "Day the SDF takes al-Baghuz"),
    _days("isis_no_valley_town_day", "Day ISIS holds no valley town"),
    Outcome("regime_losses", "Regime and allied fighters killed", "fighters", "higher = costlier", "count"),
    Outcome("sdf_losses", "SDF fighters killed", "fighters", "higher = costlier", "count"),
    Outcome("isis_losses", "ISIS fighters killed", "fighters", "higher = costlier", "count"),
    Outcome("opposition_losses", "Opposition fighters killed", "fighters", "higher = costlier", "count"),
    Outcome("isis_defected", "ISIS fighters defected or surrendered", "fighters", "higher = more", "count"),
    Outcome("civilian_deaths", "Civilians killed", "people", "higher = costlier", "count"),
    Outcome("displaced", "People displaced (each flight counted)", "people", "higher = more", "count"),
    Outcome("in_camps_end", "People in al-Hol and Abu Khashab at the end", "people", "higher = more", "count"),
    Outcome("displaced_now_end", "People away from home at the end", "people", "higher = more", "count"),
    Outcome("returned", "People come home (each return counted)", "people", "higher = more", "count"),
    Outcome("russian_air_civilian_deaths", "Civilians killed by Russian strikes", "people", "higher = costlier",
            "count"),
    Outcome("coalition_air_civilian_deaths", "Civilians killed by coalition strikes", "people", "higher = costlier",
            "count"),
    Outcome("russian_sorties", "Russian sorties flown", "sorties", "higher = more", "count"),
    Outcome("coalition_sorties", "Coalition sorties flown", "sorties", "higher = more", "count"),
    Outcome("coalition_sorties_withheld", "Coalition sorties withheld for civilians (then spent elsewhere or"
            " carried)", "sorties", "higher = more restraint", "count"),
    Outcome("regime_sdf_engagements", "Regime-SDF engagements", "engagements", "higher = more fighting", "count"),
    Outcome("engagements", "Engagements of all kinds", "engagements", "higher = more fighting", "count"),
    Outcome(
        "right_bank_regime_share",
        "Share of the governorate's right-bank valley held by the regime at the end",
        "share",
        "higher = more regime",
        "share",
    ),
    Outcome(
        "left_bank_sdf_share",
        "Share of the governorate's left-bank valley held by the SDF at the end",
        "share",
        "higher = more SDF",
        "share",
    ),
    Outcome("regime_territory_km2", "Regime territory at the end", "km²", "higher = larger", "km2"),
    Outcome("sdf_territory_km2", "SDF territory at the end", "km²", "higher = larger", "km2"),
    Outcome("isis_territory_km2", "ISIS territory at the end", "km²", "higher = larger", "km2"),
    Outcome("queued_max", "Most units of a side queued behind one full cell on any day", "units",
            "higher = more congestion", "count"),
    Outcome("longest_queue_days", "Most days in a row a unit waited behind its own side", "days",
            "higher = more congestion", "count"),
    Outcome("bombardment_share", "Share of engagements that are bombardments", "share", "higher = more waiting",
            "share"),
    *(Outcome(f"{side}_remote_territory_share",
              f"Share of {label} end territory more than {REMOTE_KM:g} km from any of its units", "share",
              "higher = more ground held by no one's presence", "share")
      for side, label in (("regime", "the regime's"), ("sdf", "the SDF's"), ("isis", "ISIS's"))),
)
BY_NAME = {o.name: o for o in OUTCOMES}
#: the outcomes comparisons show first (figures, the rule-effects overview)
HEADLINE = (
    "regime_city_cleared_day", "regime_bukamal_day", "isis_no_valley_town_day", "regime_sdf_engagements",
    "right_bank_regime_share", "left_bank_sdf_share", "regime_losses", "isis_losses", "civilian_deaths",
)

#: Days taken from the key-place table: the first day ``side`` controls ``place``.
PLACE_DAYS = {
    "sdf_conoco_day": ("conoco", "sdf"),
    "regime_maadan_day": ("maadan", "regime"),
    "sdf_suwar_day": ("suwar", "sdf"),
    "regime_mayadin_day": ("mayadin", "regime"),
    "regime_bukamal_day": ("bukamal", "regime"),
    "sdf_hajin_day": ("hajin", "sdf"),
    "sdf_baghuz_day": ("baghuz", "sdf"),
}
MILESTONE_DAYS = {
    "regime_left_bank_day": "regime_left_bank",
    "regime_city_cleared_day": "regime_city_cleared",
    "regime_corridor_day": "regime_corridor",
    "isis_no_valley_town_day": "isis_no_valley_town",
}


def summarize(model, tables) -> dict[str, float]:
    """One run's outcomes from its tables, milestones and final state (NaN for what never happened)."""
    recorder = model.recorder
    control = tables["control"]
    summary: dict[str, float] = {}
    for name, (place, side) in PLACE_DAYS.items():
        hits = control[(control["place"] == place) & (control["controller"] == side)]["day"]
        summary[name] = float(hits.min()) if len(hits) else math.nan
    for name, key in MILESTONE_DAYS.items():
        summary[name] = float(recorder.milestones[key]) if key in recorder.milestones else math.nan
    last = model.day
    for side in SIDES:
        summary[f"{side}_losses"] = float(recorder.ledger["killed"][last, side_code(side)])
    summary["isis_defected"] = float(recorder.ledger["defected"][last, side_code("isis")])
    people = dict(zip(POPULATION_COLUMNS, recorder.population[last].tolist(), strict=True))
    summary.update(civilian_deaths=people["civilian_deaths_cum"], displaced=people["displaced_cum"],
                   in_camps_end=people["in_camps"], displaced_now_end=people["displaced_now"],
                   returned=people["returned_cum"],
                   russian_air_civilian_deaths=people["civilian_deaths_russian_air_cum"],
                   coalition_air_civilian_deaths=people["civilian_deaths_coalition_air_cum"])
    ledger = model.air.ledger
    summary.update(russian_sorties=float(ledger[side_code("regime")]["flown"]),
                   coalition_sorties=float(ledger[side_code("sdf")]["flown"]),
                   coalition_sorties_withheld=float(ledger[side_code("sdf")]["withheld"]))
    events = tables["events"]
    pair = {"regime", "sdf"}
    summary["regime_sdf_engagements"] = float(
        sum({a, d} == pair for a, d in zip(events["attacker"], events["defender"], strict=True))
    )
    summary["engagements"] = float(len(events))
    held = model.control_flat
    summary["right_bank_regime_share"] = _share(held[recorder.governorate_right_valley], side_code("regime"))
    summary["left_bank_sdf_share"] = _share(held[recorder.governorate_left_valley], side_code("sdf"))
    for side in ("regime", "sdf", "isis"):
        summary[f"{side}_territory_km2"] = float(recorder.territory[last, side_code(side)])
        summary[f"{side}_remote_territory_share"] = remote_share(model, side_code(side), REMOTE_KM)
    summary["queued_max"] = float(recorder.queued[: last + 1].max())
    summary["longest_queue_days"] = float(recorder.longest_wait)
    kinds = events["kind"]
    summary["bombardment_share"] = float((kinds == "bombardment").mean()) if len(kinds) else math.nan
    return {o.name: summary[o.name] for o in OUTCOMES}


def remote_share(model, code: int, km: float) -> float:
    """Share of the land a side holds that lies more than ``km`` from every cell holding one of its units."""
    from scipy import ndimage

    held = (model.control_flat == code) & model.land.ravel()
    if not held.any():
        return math.nan
    standing = np.zeros(model.nx * model.ny, dtype=bool)
    standing[list(model.unit_cells(code))] = True
    if not standing.any():
        return 1.0
    cell_km = model.layers.frame.cell_km
    apart = ndimage.distance_transform_edt(~standing.reshape(model.nx, model.ny)).ravel() * cell_km
    return float(np.mean(apart[held] > km))


def _share(values: np.ndarray, code: int) -> float:
    return float(np.mean(values == code)) if values.size else math.nan
