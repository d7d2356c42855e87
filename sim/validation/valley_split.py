"""How the valley splits between the sides on chosen dates, measured on the map's bank masks.

The valley is the irrigated and urban land of Syria (terrain valley or urban, outside Iraq), as in
the run outcomes; each bank (left, right, Khabur) is the map's ``bank`` layer within it. The regions
``left``, ``right``, ``khabur`` and ``valley`` lie in Deir ez-Zor governorate (the map's
``governorate`` layer), where the record's end state applies (upstream, the SDF holds both banks
around Raqqa and Tabqa); ``map_left`` ... ``map_valley`` span the whole map, as the run outcomes
``right_bank_regime_share`` and ``left_bank_sdf_share`` do. Shares are read from the control
snapshots of a results folder, so no model is needed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.calendar import iso
from sim.codes import SIDES, Bank, Terrain

CONTROLLERS = ("none", *SIDES)  # index = control code


BANKS = {"left": Bank.LEFT, "right": Bank.RIGHT, "khabur": Bank.KHABUR, "valley": None}
REGIONS = (*BANKS, *(f"map_{bank}" for bank in BANKS))


def bank_masks(layers: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Boolean masks of the valley on each bank and of the whole valley, in Deir ez-Zor governorate
    and (``map_...``) on the whole map, from the map's layers."""
    valley = np.isin(layers["terrain"], (Terrain.VALLEY, Terrain.URBAN)) & ~layers["iraq"].astype(bool)
    governorate = layers["governorate"].astype(bool)
    masks = {}
    for name, code in BANKS.items():
        on_bank = valley if code is None else valley & (layers["bank"] == code)
        masks[name] = on_bank & governorate
        masks[f"map_{name}"] = on_bank
    return masks


def split_of(control: np.ndarray, masks: dict[str, np.ndarray]) -> dict[tuple[str, str], float]:
    """The share of each bank's valley held by each controller (none included) on one control map."""
    shares = {}
    for bank, mask in masks.items():
        held = np.bincount(control[mask].astype(np.int64), minlength=len(CONTROLLERS))[: len(CONTROLLERS)]
        total = max(int(mask.sum()), 1)
        for code, controller in enumerate(CONTROLLERS):
            shares[(bank, controller)] = float(held[code]) / total
    return shares


def valley_split(snapshots: dict[str, dict], masks: dict[str, np.ndarray]) -> pd.DataFrame:
    """Shares per run, day, bank and controller from snapshots keyed ``<scenario>/<run_id>/<day>`` (as a
    results folder stores them): columns scenario, run_id, day, date, bank, side, share."""
    rows = []
    for key, snapshot in snapshots.items():
        scenario, run_id, day = key.rsplit("/", 2)
        for (bank, side), share in split_of(snapshot["control"], masks).items():
            rows.append((scenario, int(run_id), int(day), iso(int(day)), bank, side, share))
    frame = pd.DataFrame(rows, columns=["scenario", "run_id", "day", "date", "bank", "side", "share"])
    return frame.sort_values(["scenario", "run_id", "day", "bank", "side"], kind="stable").reset_index(drop=True)


def split_summary(shares: pd.DataFrame) -> pd.DataFrame:
    """Median and 10th-90th percentiles of each share over runs, per scenario, day, bank and controller."""
    if shares.empty:
        return pd.DataFrame(columns=["scenario", "day", "date", "bank", "side", "runs", "median", "p10", "p90"])
    grouped = shares.groupby(["scenario", "day", "date", "bank", "side"], sort=True)["share"]
    summary = pd.DataFrame(
        {
            "runs": grouped.size(),
            "median": grouped.median(),
            "p10": grouped.quantile(0.1),
            "p90": grouped.quantile(0.9),
        }
    ).reset_index()
    return summary
