"""The validation harness: run the baseline (and the R1-incidents scenario), store the runs as a
results folder, and score that folder against the record and the stylized facts.

Running and scoring are apart: ``run_for_validation`` is the only part that runs the model;
``score_folder`` reads tables only, so a stored results folder can be scored again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sim.calendar import day_of
from sim.validation import incidents, lanchester, power_law, scoring
from sim.validation.measures import RunTables, measure_runs
from sim.validation.records import RecordEvent
from sim.validation.valley_split import split_summary

BASELINE = "baseline"
INCIDENT_SCENARIO = "historical_incidents"
#: Dates of the valley split: the city declared taken, the year's end (the regime's right-bank campaign
#: over), the SDF's final offensive on the Hajin pocket, and the campaign's end (the model's end_date).
SPLIT_DATES = (dt.date(2017, 11, 3), dt.date(2017, 12, 31), dt.date(2018, 9, 10), dt.date(2019, 3, 31))


class UnscorableFolderError(ValueError):
    """A results folder without baseline runs to score."""


@dataclass
class Validation:
    """Everything the scorecard shows, computed from a results folder."""

    events: tuple[RecordEvent, ...]
    folder: Path
    manifest: dict
    values: pd.DataFrame  # run x event: the model's value of each scored event
    last_days: pd.Series
    timing: pd.DataFrame
    targets: pd.DataFrame  # shares and counts against the record
    order_pairs: pd.DataFrame
    order_kept: pd.Series  # per run: every ordered pair kept
    splits: pd.DataFrame  # valley split summary (median and band over runs)
    clashes: dict[str, pd.DataFrame]  # scenario -> regime-SDF clashes per run
    clash_engagements: dict[str, pd.DataFrame]  # scenario -> the regime-SDF engagements themselves
    incident_table: pd.DataFrame
    sizes: pd.Series  # fighters killed per engagement (baseline), by run
    tail_fits: list[power_law.TailFit]
    duel: lanchester.Duel
    combat_sigma: float  # the baseline's engagement intensity sigma, for the random duels
    lanchester: pd.DataFrame
    calibration: scoring.Score
    check: scoring.Score
    notes: list[str] = field(default_factory=list)
    scenario: str = BASELINE  # the scenario scored

    @property
    def runs(self) -> int:
        return len(self.values)


def snapshot_days(events: tuple[RecordEvent, ...], last_day: int) -> list[int]:
    """The days whose control maps scoring needs: the split dates and the dates of valley-share rows."""
    wanted = {day_of(d) for d in SPLIT_DATES} | {e.day for e in events if e.measure_name == "bank_share"}
    return sorted(d for d in wanted if 0 <= d <= last_day)


def run_for_validation(
    folder: Path, events: tuple[RecordEvent, ...], scenarios: list, *, replications: int, seed: int, workers: int,
    days: int | None = None, command: str = "run.py validate", progress=None, scored: tuple[str, ...] = (BASELINE,),
) -> list:
    """Run each scenario with the same seeds and write them to ``folder`` as one results folder; returns
    the runs' results. The ``scored`` scenarios keep control maps on the days scoring needs."""
    from sim.experiments.runner import replicate
    from sim.experiments.store import write_results

    started = dt.datetime.now()
    results = []
    for scenario in scenarios:
        end = day_of(scenario.params.end_date) if days is None else min(days, day_of(scenario.params.end_date))
        snaps = snapshot_days(events, end) if scenario.name in scored else [end]
        results += replicate(
            scenario, replications, seed, days=days, workers=workers, progress=progress, snapshot_days=snaps
        )
    write_results(folder, scenarios, results, master_seed=seed, started=started, command=command, days=days,
                  kind="validate")
    return results


def score_folder(
    folder: Path, events: tuple[RecordEvent, ...], *, bootstrap: int = power_law.BOOTSTRAP_SAMPLES, seed: int = 0,
    workers: int = 1, incident_scenario: str | None = INCIDENT_SCENARIO, scenario: str = BASELINE,
) -> Validation:
    """Score one scenario's runs of a results folder (the baseline by default) against the record, R1
    in it and in the incidents scenario, the power-law tail of engagement sizes, and the two-unit
    Lanchester world."""
    from sim.experiments.store import read_manifest

    folder = Path(folder)
    manifest = read_manifest(folder)
    names = {s["name"] for s in manifest["scenarios"]}
    if scenario not in names:
        raise UnscorableFolderError(f"{folder} holds no {scenario} runs (it has {', '.join(sorted(names))})")
    tables = RunTables.from_folder(folder, scenario)
    if tables.summary.empty:
        raise UnscorableFolderError(f"{folder}: every {scenario} run failed; see its manifest.json")
    values = measure_runs(events, tables)
    last_days = tables.last_days.reindex(values.index)
    order_pairs, order_kept = scoring.order_check(events, values, last_days)
    clash_engagements = {scenario: incidents.regime_sdf_engagements(tables.events)}
    clashes = {scenario: incidents.regime_sdf_clashes(tables.events, tables.run_ids)}
    notes = []
    if incident_scenario in names - {scenario}:
        other = RunTables.from_folder(folder, incident_scenario)
        clash_engagements[incident_scenario] = incidents.regime_sdf_engagements(other.events)
        clashes[incident_scenario] = incidents.regime_sdf_clashes(other.events, other.run_ids)
    else:
        notes.append(f"no {incident_scenario or 'incidents scenario'} runs in {folder}: R1 is checked in "
                     f"{scenario} only.")
    sizes = power_law.engagement_sizes(tables.events)
    fits = [
        power_law.fit_tail(sizes, label="fighters killed per engagement", bootstrap=bootstrap, seed=seed,
                           workers=workers),
        power_law.fit_tail(power_law.engagement_sizes(tables.events, civilians=True),
                           label="all killed per engagement (civilians included; no bootstrap)", bootstrap=0),
    ]
    duel = lanchester.Duel(lethality=_scenario_param(manifest, scenario, "lethality", 0.02),
                           defence=_scenario_param(manifest, scenario, "valley_defence", 1.3))
    sigma = _scenario_param(manifest, scenario, "engagement_intensity_sigma", 0.9)
    return Validation(
        scenario=scenario,
        events=events, folder=folder, manifest=manifest, values=values, last_days=last_days,
        timing=scoring.timing_table(events, values, last_days),
        targets=scoring.value_table(events, values),
        order_pairs=order_pairs, order_kept=order_kept,
        splits=split_summary(tables.shares),
        clashes=clashes, clash_engagements=clash_engagements,
        incident_table=incidents.incident_table(clashes, events, int(last_days.max())),
        sizes=sizes, tail_fits=fits,
        duel=duel, combat_sigma=sigma, lanchester=lanchester.square_law_report(duel, sigma=sigma),
        calibration=scoring.score_runs(events, values, last_days, role="calibration"),
        check=scoring.score_runs(events, values, last_days, role="check"),
        notes=notes,
    )


def _scenario_param(manifest: dict, name_of_scenario: str, name: str, default: float) -> float:
    for scenario in manifest["scenarios"]:
        if scenario["name"] == name_of_scenario:
            return float(scenario["params"].get(name, default))
    return default
