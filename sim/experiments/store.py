"""Write and read a results folder: Parquet tables, map snapshots, the map backdrop and a manifest.

Every file is written atomically (temporary file, then rename). A folder holds:

- ``manifest.json``: scenarios with their resolved parameters, master seed, each run's seed and
  status (with the traceback of a failed run), code version, package versions, start and end time;
- ``timeseries.parquet``, ``events.parquet``, ``control.parquet``, ``summary.parquet``, ``log.parquet``,
  ``airstrikes.parquet`` (one row per air force, target and day);
- ``snapshots.npz``: the control layer and the units on the map dates, per run;
- ``layers.npz``: the map, so figures can be redrawn without the model.
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import subprocess
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

from sim import __version__
from sim.atomic import atomic_path, write_text
from sim.experiments.results_folder import check_complete, seal, unseal
from sim.experiments.runner import RunResult
from sim.scenario import Scenario

DERIVED = ("comparison.parquet",)  # written from summary.parquet after the manifest (report rewrites it)
TABLES = ("timeseries", "events", "control", "log", "airstrikes")
PACKAGES = ("mesa", "numpy", "pandas", "pyarrow", "networkx", "scipy", "matplotlib", "joblib", "SALib", "dask",
            "distributed")
ROOT = Path(__file__).resolve().parents[2]


def code_version() -> dict:
    """The git commit of the code (and whether it had uncommitted changes), when available."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=5, check=True
        ).stdout.strip()
        dirty = bool(
            subprocess.run(
                ["git", "status", "--porcelain", "--", "sim"], cwd=ROOT, capture_output=True, text=True, timeout=5
            ).stdout.strip()
        )
        return {"package": __version__, "git_commit": commit, "uncommitted_changes": dirty}
    except (OSError, subprocess.SubprocessError):
        return {"package": __version__, "git_commit": None, "uncommitted_changes": None}


def package_versions() -> dict:
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def jsonable(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in (sorted(value) if isinstance(value, set | frozenset) else value)]
    if isinstance(value, np.integer | np.floating):
        return value.item()
    return value


def describe_scenario(scenario: Scenario) -> dict:
    from sim.scenario import baseline

    return {
        "name": scenario.name,
        "description": scenario.description,
        "path": scenario.path,
        "params": jsonable(scenario.params.as_dict()),
        "changed_params": jsonable({k: v[1] for k, v in scenario.params.differences(baseline().params).items()}),
        "rules_off": sorted(scenario.rules_off),
        "relations": [[a, b, r] for (a, b), r in sorted(scenario.relations.items())],
        "events": [{"date": e.date.isoformat(), "kind": e.kind, **jsonable(dict(e.details))} for e in scenario.events],
    }


def write_table(frame: pd.DataFrame, path: Path) -> None:
    with atomic_path(path) as temporary:
        frame.to_parquet(temporary, index=False)


def write_results(
    out: Path,
    scenarios: list[Scenario],
    results: list[RunResult],
    *,
    master_seed: int,
    started: dt.datetime,
    command: str,
    days: int | None,
    extra: dict | None = None,
    kind: str | None = None,
) -> Path:
    """Write a results folder for runs of one or more scenarios; returns the manifest path.

    The old manifest goes first and the new one, listing every file with its hash, comes last: a
    folder killed in between has no manifest, and its readers refuse it. ``kind`` names the command
    ("run", "compare", "validate"; by default run for one scenario, compare for more)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    unseal(out)
    for derived in DERIVED:  # drawn from the tables afterwards; an old one must not sit beside new tables
        (out / derived).unlink(missing_ok=True)
    good = [r for r in results if r.ok]
    for name in TABLES:
        frames = [r.tables[name] for r in good if name in r.tables]
        write_table(pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(), out / f"{name}.parquet")
    summary = pd.DataFrame([{"scenario": r.scenario, "run_id": r.run_id, "seed": r.seed, **r.summary} for r in good])
    write_table(summary, out / "summary.parquet")
    write_snapshots(out / "snapshots.npz", good)
    from sim.geography import load_map
    from sim.geography.export import MapBackdrop

    cell_km = scenarios[0].params.cell_km
    MapBackdrop.from_layers(load_map(cell_km)).save(out / "layers.npz")
    manifest = {
        "tool": "euphrates-sim",
        "kind": kind or ("run" if len(scenarios) == 1 else "compare"),
        "command": command,
        "started": started.isoformat(timespec="seconds"),
        "finished": dt.datetime.now().isoformat(timespec="seconds"),
        "master_seed": master_seed,
        "days": days,
        "code": code_version(),
        "packages": package_versions(),
        "scenarios": [describe_scenario(s) for s in scenarios],
        "runs": [
            {
                "scenario": r.scenario,
                "run_id": r.run_id,
                "seed": r.seed,
                "status": r.status,
                "seconds": round(r.seconds, 3),
                "days": r.days,
                **({"error": r.error} if r.error else {}),
            }
            for r in results
        ],
        "failed": sum(not r.ok for r in results),
        **(extra or {}),
        "files": seal(out, [*(f"{name}.parquet" for name in (*TABLES, "summary")), "snapshots.npz", "layers.npz"]),
    }
    write_text(out / "manifest.json", json.dumps(manifest, indent=2))
    return out / "manifest.json"


def write_snapshots(path: Path, results: list[RunResult]) -> None:
    """Control layers and units on the map dates: arrays named ``<scenario>/<run_id>/<day>``."""
    arrays, units = {}, {}
    for r in results:
        for day, snap in r.snapshots.items():
            key = f"{r.scenario}/{r.run_id}/{day}"
            arrays[key] = snap["control"]
            units[key] = snap["units"]
    with atomic_path(path) as temporary, open(temporary, "wb") as handle:
        np.savez_compressed(handle, units=np.array(json.dumps(units)), **arrays)


def read_manifest(folder: Path) -> dict:
    """The manifest of a complete results folder; ``FolderError`` for a folder that is not one, was
    interrupted while being written, or mixes the files of two runs."""
    return check_complete(Path(folder))


def read_table(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_parquet(Path(folder) / f"{name}.parquet")


def read_snapshots(folder: Path) -> dict[str, dict]:
    """{"<scenario>/<run_id>/<day>": {"control": array, "units": [...]}}"""
    with np.load(Path(folder) / "snapshots.npz") as data:
        units = json.loads(str(data["units"]))
        return {key: {"control": data[key], "units": units.get(key, [])} for key in data.files if key != "units"}


__all__ = ["read_manifest", "read_snapshots", "read_table", "write_results"]
