"""Analysis of a finished sweep, from its files: experiments and outcomes aligned on one index, and
sensitivity indices (Sobol first-order and total with confidence intervals for a Sobol design; mu*
and sigma for Morris; Spearman rank correlations for a grid or Latin hypercube).

A day outcome that never happened within a run counts as the day after the run's end ("not by
the end"), so that every point has a value; the count of such runs is reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from sim.calendar import day_of
from sim.experiments.results_folder import FolderError, check_complete, read_json_manifest
from sim.outcomes import BY_NAME


@dataclass
class SweepAnalysis:
    design: str
    factors: list[str]
    experiments: pd.DataFrame  # one row per point: point_id (index), factor values
    outcomes: pd.DataFrame  # one row per point: mean of each outcome over its replications
    indices: pd.DataFrame  # one row per (outcome, factor): the design's sensitivity measures
    censored: dict[str, int]  # per day outcome: runs where it never happened

    def save(self, folder: Path) -> list[Path]:
        from sim.atomic import atomic_path

        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for name, table in (("experiments", self.experiments), ("outcomes", self.outcomes), ("indices", self.indices)):
            path = folder / f"{name}.parquet"
            with atomic_path(path) as temporary:
                table.to_parquet(temporary)
            written.append(path)
        return written


def analyze(out: str | Path) -> SweepAnalysis:
    """The analysis of the sweep in ``out`` (callable from Python; ``run.py analyze DIR`` wraps it)."""
    out = Path(out)
    manifest = read_json_manifest(out)
    if manifest.get("kind", "sweep") != "sweep" or "design" not in manifest:
        raise FolderError(f"{out} holds no sweep (its manifest is not a sweep's)")
    if not manifest.get("finished"):
        counts = manifest.get("counts", {})
        raise FolderError(f"the sweep in {out} is not finished ({counts.get('pending', '?')} runs pending): "
                          "finish it with run.py sweep SPEC --out DIR --resume")
    check_complete(out)  # design.parquet and results.parquet are the files the manifest lists
    design = pd.read_parquet(out / "design.parquet").set_index("point_id")
    results = pd.read_parquet(out / "results.parquet")
    if results.empty:
        raise FolderError(f"the sweep in {out} has no finished run to analyse (every run failed)")
    factors = [f["name"] for f in manifest["design"]["factors"]]
    names = [o for o in manifest["design"]["outcomes"] if o in results.columns]
    horizon = manifest["design"].get("days") or day_of(_end_date(manifest)) + 1
    censored = {}
    values = results[["point_id", *names]].copy()
    for name in names:
        if BY_NAME[name].kind == "day":
            censored[name] = int(values[name].isna().sum())
            values[name] = values[name].fillna(horizon)
    outcomes = values.groupby("point_id").mean().reindex(design.index)
    experiments = design[factors].copy()
    kind = manifest["design"]["kind"]
    indices = _indices(kind, manifest, experiments, outcomes, design)
    return SweepAnalysis(kind, factors, experiments, outcomes, indices, censored)


def _end_date(manifest: dict):
    import datetime as dt

    return dt.date.fromisoformat(manifest["scenario"]["params"]["end_date"])


def _numeric(frame: pd.DataFrame) -> pd.DataFrame:
    """Factor values as numbers (dates as day numbers)."""
    import datetime as dt

    result = frame.copy()
    for column in result.columns:
        if len(result) and isinstance(result[column].iloc[0], dt.date):
            result[column] = [day_of(v) for v in result[column]]
    return result.astype(float)


def _indices(kind: str, manifest: dict, experiments: pd.DataFrame, outcomes: pd.DataFrame,
             design: pd.DataFrame) -> pd.DataFrame:
    factors = list(experiments.columns)
    complete = outcomes.notna().all(axis=1)
    x = _numeric(experiments)
    rows = []
    problem = {"num_vars": len(factors), "names": factors,
               "bounds": [[f["low"], f["high"]] for f in manifest["design"]["factors"]]}
    order = design["order"].to_numpy()
    for name in outcomes.columns:
        y = outcomes[name].to_numpy(float)
        if kind == "sobol" and complete.all():
            from SALib.analyze import sobol

            result = sobol.analyze(problem, y[np.argsort(order)], calc_second_order=False, conf_level=0.95, seed=1)
            for i, factor in enumerate(factors):
                rows.append({"outcome": name, "factor": factor, "S1": result["S1"][i], "S1_conf": result["S1_conf"][i],
                             "ST": result["ST"][i], "ST_conf": result["ST_conf"][i]})
        elif kind == "morris" and complete.all():
            from SALib.analyze import morris

            sorted_x = x.to_numpy()[np.argsort(order)]
            result = morris.analyze(problem, sorted_x, y[np.argsort(order)], conf_level=0.95,
                                    num_levels=manifest["design"]["morris_levels"], seed=1)
            for i, factor in enumerate(factors):
                rows.append({"outcome": name, "factor": factor, "mu_star": result["mu_star"][i],
                             "mu_star_conf": result["mu_star_conf"][i], "sigma": result["sigma"][i]})
        else:
            for factor in factors:
                ok = complete & x[factor].notna()
                enough = ok.sum() > 2 and outcomes.loc[ok, name].nunique() > 1
                rho, p = stats.spearmanr(x.loc[ok, factor], outcomes.loc[ok, name]) if enough else (np.nan, np.nan)
                rows.append({"outcome": name, "factor": factor, "spearman_rho": rho, "p_value": p})
    return pd.DataFrame(rows)
