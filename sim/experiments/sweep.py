"""Run a sweep: every point of a design, each replicated, on a local process pool or a Dask cluster.

One function (``sweep_run``) runs one (point, replication) wherever it lands; one driver loop over
``concurrent.futures.as_completed`` serves the in-process runner, joblib's loky pool and Dask's
``client.get_executor()`` alike. Each finished run is written at once as ``runs/<run_id>.parquet``
(temporary file, then rename), so memory stays flat however many runs there are, partial results can
be read while the sweep runs, and a sweep killed at any moment resumes (``--resume``) with every
run exactly once. ``results.parquet`` merges them at the end; ``manifest.json`` records the design,
seeds, versions and each run's status (with the traceback of a failed one).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import re
import time
import traceback
from collections.abc import Callable
from concurrent.futures import Executor, Future, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sim.atomic import atomic_path, remove_partials, write_text
from sim.experiments.design import SweepSpec, design_points, run_id
from sim.experiments.results_folder import FolderError, read_json_manifest, seal
from sim.experiments.runner import spawn_seeds
from sim.experiments.store import code_version, describe_scenario, jsonable, package_versions
from sim.experiments.worker_lifetime import exit_with_parent, local_pool

if TYPE_CHECKING:
    import pandas as pd

MANIFEST_EVERY_SECONDS = 2.0


class SweepStateError(ValueError):
    """The output folder holds another sweep, or a resume does not match the spec."""


@dataclass
class SweepReport:
    runs: int
    done: int
    skipped: int
    failed: int
    seconds: float
    results: Path

    def line(self) -> str:
        return (f"{self.done} runs done, {self.skipped} already on disk, {self.failed} failed, "
                f"in {self.seconds:.1f} s -> {self.results}")


def sweep_run(scenario, overrides: dict, replication: int, seed: int, days: int | None, outcomes: tuple[str, ...],
              run: str, point: str) -> dict:
    """One run of one point: its outcomes, or its traceback. Runs the same on any worker."""
    from sim.experiments.runner import run_one

    started = time.perf_counter()
    try:
        result = run_one(scenario.with_params(**overrides), replication, seed, days=days)
        error = result.error
        summary = {name: result.summary.get(name) for name in outcomes} if result.ok else {}
    except Exception:  # a bad point (e.g. a parameter combination) is recorded, not fatal
        error, summary = traceback.format_exc(), {}
    return {"run_id": run, "point_id": point, "replication": replication, "seed": seed,
            "status": "failed" if error else "ok", "error": error, "seconds": time.perf_counter() - started,
            **summary}


def plan_runs(spec: SweepSpec) -> tuple[pd.DataFrame, list[dict]]:
    """The design's points and the list of runs (point x replication) with their ids and seeds."""
    points = design_points(spec)
    seeds = spawn_seeds(spec.seed, spec.replications)  # the same seeds at every point (common random numbers)
    factors = [f.name for f in spec.factors]
    runs = []
    for row in points.itertuples(index=False):
        overrides = {name: getattr(row, name) for name in factors}
        for replication, seed in enumerate(seeds):
            runs.append({"run_id": run_id(row.point_id, replication), "point_id": row.point_id,
                         "replication": replication, "seed": seed, "overrides": overrides})
    return points, runs


SCHEDULER_TIMEOUT_SECONDS = 10  # a Dask scheduler that has not answered by then is reported as unreachable
SCHEDULER_ADDRESS = re.compile(r"(tcp|tls)://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})")
LOCK_FILE = ".sweep.lock"


def check_scheduler_address(scheduler: str) -> str:
    """``local``, or ``tcp://HOST:PORT`` / ``tls://HOST:PORT`` with a port from 1 to 65535."""
    if scheduler == "local":
        return scheduler
    match = SCHEDULER_ADDRESS.fullmatch(scheduler)
    if match is None or not 1 <= int(match.group(3)) <= 65535:
        raise SweepStateError(f"--scheduler {scheduler!r} is not a Dask scheduler address: give tcp://HOST:PORT "
                              "(or tls://HOST:PORT), or 'local' to start a cluster on this machine")
    return scheduler


@contextmanager
def open_executor(workers: int | None, scheduler: str | None):
    """None for in-process; joblib's loky pool for ``workers``; a Dask executor for ``scheduler``
    ("local" starts a LocalCluster on this machine, without a dashboard). A scheduler that does not
    answer within ``SCHEDULER_TIMEOUT_SECONDS`` is one ``SweepStateError``."""
    if scheduler:
        check_scheduler_address(scheduler)
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise SweepStateError("the Dask path needs the cluster extra: pip install \".[cluster]\" "
                                  "(dask[distributed])") from None
        cluster = None
        if scheduler == "local":
            # The scheduler always serves HTTP (health checks); without an address it takes port 8787. Here it
            # takes a free port on 127.0.0.1 and serves no dashboard, and nothing listens beyond this machine.
            cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                                   host="127.0.0.1", dashboard_address="127.0.0.1:0",
                                   scheduler_kwargs={"dashboard": False})
            client = Client(cluster)
            client.run(exit_with_parent)  # the workers are this process's children: they go when it goes
        else:
            try:
                client = Client(scheduler, timeout=SCHEDULER_TIMEOUT_SECONDS)
            except (OSError, TimeoutError) as error:
                raise SweepStateError(f"no Dask scheduler answered at {scheduler} within "
                                      f"{SCHEDULER_TIMEOUT_SECONDS} s ({type(error).__name__})") from None
        try:
            yield client.get_executor()
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
        return
    if (workers or 1) <= 1:
        yield None
        return
    yield local_pool(workers)


@contextmanager
def sweep_lock(out: Path):
    """Hold ``out/.sweep.lock`` while a sweep runs in ``out``; a second sweep there is refused at once.
    The lock is the kernel's (flock): it goes when the process ends, however it ends."""
    out.mkdir(parents=True, exist_ok=True)
    handle = open(out / LOCK_FILE, "a+")  # noqa: SIM115 (held open for the whole sweep)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise SweepStateError(f"a sweep is running in {out} ({holder}); wait for it to finish, or stop it "
                                  "before resuming") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"process {os.getpid()}")
        handle.flush()
        yield
    finally:
        handle.close()


def run_sweep(spec: SweepSpec, out: Path, *, workers: int | None = None, scheduler: str | None = None,
              resume: bool = False, progress: Callable[[dict, int, int], None] | None = None,
              command: str = "") -> SweepReport:
    """Run every missing run of a sweep into ``out``; return what was done. Only one sweep at a time
    runs in a folder (``sweep_lock``)."""
    out = Path(out)
    if scheduler:
        check_scheduler_address(scheduler)
    with sweep_lock(out):
        return _run_sweep(spec, out, workers=workers, scheduler=scheduler, resume=resume, progress=progress,
                          command=command)


def _run_sweep(spec: SweepSpec, out: Path, *, workers: int | None, scheduler: str | None, resume: bool,
               progress: Callable[[dict, int, int], None] | None, command: str) -> SweepReport:
    runs_dir = out / "runs"
    manifest_path = out / "manifest.json"
    points, runs = plan_runs(spec)
    fingerprint = spec.fingerprint()
    if manifest_path.exists():
        try:
            previous = read_json_manifest(out)
        except FolderError as error:
            raise SweepStateError(str(error)) from None
        if not resume:
            raise SweepStateError(f"{out} already holds a sweep ({previous.get('name')}); use --resume to finish it "
                                  "or choose another --out")
        if previous.get("fingerprint") != fingerprint:
            raise SweepStateError(f"{out} holds a different sweep (its spec changed); it cannot be resumed "
                                  "with this one")
    elif resume and any(p.name != LOCK_FILE for p in out.iterdir()):
        raise SweepStateError(f"{out} has no manifest.json: nothing to resume")
    runs_dir.mkdir(parents=True, exist_ok=True)
    remove_partials(out)
    done_ids = {p.stem for p in runs_dir.glob("*.parquet")}
    todo = [r for r in runs if r["run_id"] not in done_ids]
    status = {r["run_id"]: {"point_id": r["point_id"], "replication": r["replication"], "seed": r["seed"],
                            "status": "ok" if r["run_id"] in done_ids else "pending"} for r in runs}
    previous_failures = _previous_failures(manifest_path) if resume else {}
    with atomic_path(out / "design.parquet") as temporary:
        points.to_parquet(temporary, index=False)
    started = dt.datetime.now()
    clock = time.perf_counter()
    state = {"spec": spec, "fingerprint": fingerprint, "started": started, "command": command,
             "workers": workers, "scheduler": scheduler, "status": status}
    _write_manifest(manifest_path, state, finished=None)
    done = failed = 0
    last_manifest = time.perf_counter()
    with open_executor(workers, scheduler) as executor:
        for row in _results(executor, spec, todo):
            entry = status[row["run_id"]]
            if row["status"] == "ok":
                _write_run(runs_dir / f"{row['run_id']}.parquet", row, points)
                entry.update(status="ok", seconds=round(row["seconds"], 3))
                done += 1
            else:
                entry.update(status="failed", error=row["error"])
                failed += 1
            if progress:
                progress(row, done + failed, len(todo))
            if time.perf_counter() - last_manifest > MANIFEST_EVERY_SECONDS:
                _write_manifest(manifest_path, state, finished=None)
                last_manifest = time.perf_counter()
    for run, error in previous_failures.items():  # failures of an earlier attempt that failed again stay recorded
        if status[run]["status"] == "pending":
            status[run].update(status="failed", error=error)
    results = merge_runs(out)
    state["files"] = seal(out, ["design.parquet", "results.parquet"])
    _write_manifest(manifest_path, state, finished=dt.datetime.now())
    return SweepReport(len(runs), done, len(runs) - len(todo), failed, time.perf_counter() - clock, results)


def _results(executor: Executor | None, spec: SweepSpec, todo: list[dict]):
    """Each run's row as it finishes: in order in-process, as completed on a pool or cluster."""
    jobs = [(spec.scenario, r["overrides"], r["replication"], r["seed"], spec.days, spec.outcomes, r["run_id"],
             r["point_id"]) for r in todo]
    if executor is None:
        for job in jobs:
            yield sweep_run(*job)
        return
    futures: dict[Future, tuple] = {executor.submit(sweep_run, *job): job for job in jobs}
    for future in as_completed(futures):
        try:
            yield future.result()
        except Exception:  # a worker died or the task could not be shipped: record it, go on
            job = futures[future]
            yield {"run_id": job[6], "point_id": job[7], "replication": job[2], "seed": job[3], "status": "failed",
                   "error": traceback.format_exc(), "seconds": 0.0}


def _write_run(path: Path, row: dict, points: pd.DataFrame) -> None:
    """One run's row (its point's factor values, replication, seed and outcomes) as a Parquet file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    factors = points.loc[points["point_id"] == row["point_id"]].drop(columns=["point_id"]).iloc[0].to_dict()
    record = {"run_id": row["run_id"], "point_id": row["point_id"], **factors, "replication": row["replication"],
              "seed": row["seed"], "seconds": row["seconds"]}
    record.update({k: v for k, v in row.items() if k not in record and k not in ("status", "error")})
    table = pa.Table.from_pylist([{k: (float("nan") if v is None else v) for k, v in record.items()}])
    with atomic_path(path) as temporary:
        pq.write_table(table, temporary)


def merge_runs(out: Path) -> Path:
    """Merge ``runs/*.parquet`` into ``results.parquet``, ordered by the design and replication."""
    import pandas as pd

    out = Path(out)
    files = sorted((out / "runs").glob("*.parquet"))
    target = out / "results.parquet"
    if not files:
        table = pd.DataFrame()
    else:
        table = pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
        table = table.sort_values(["order", "replication"], kind="stable").reset_index(drop=True)
    with atomic_path(target) as temporary:
        table.to_parquet(temporary, index=False)
    return target


def read_results(out: Path) -> pd.DataFrame:
    """The runs written so far (readable while a sweep is running)."""
    import pandas as pd

    files = sorted((Path(out) / "runs").glob("*.parquet"))
    return pd.concat([pd.read_parquet(f) for f in files], ignore_index=True) if files else pd.DataFrame()


def _previous_failures(manifest_path: Path) -> dict[str, str]:
    if not manifest_path.exists():
        return {}
    runs = json.loads(manifest_path.read_text(encoding="utf-8")).get("runs", {})
    return {run: entry.get("error", "") for run, entry in runs.items() if entry.get("status") == "failed"}


def _write_manifest(path: Path, state: dict, finished: dt.datetime | None) -> None:
    """The manifest as the sweep stands. What does not change while it runs (the design, seeds, scenario,
    code and package versions: two git calls and a dozen package look-ups) is worked out at the first
    write and kept in ``state``, as the manifest is rewritten every ``MANIFEST_EVERY_SECONDS`` by a parent
    that shares the machine's cores with the workers."""
    if "fixed" not in state:
        state["fixed"] = _fixed_manifest_head(state)
    status = state["status"]
    counts = {k: sum(1 for s in status.values() if s["status"] == k) for k in ("ok", "failed", "pending")}
    manifest = {
        **state["fixed"],
        "started": state["started"].isoformat(timespec="seconds"),
        "finished": finished.isoformat(timespec="seconds") if finished else None,
        "counts": counts, "runs": status,
        **({"files": state["files"]} if finished and "files" in state else {}),
    }
    write_text(path, json.dumps(jsonable(manifest), indent=1))


def _fixed_manifest_head(state: dict) -> dict:
    spec: SweepSpec = state["spec"]
    head = {
        "tool": "euphrates-sim sweep", "name": spec.name, "description": spec.description, "spec_file": spec.path,
        "fingerprint": state["fingerprint"], "command": state["command"],
        "design": {"kind": spec.design, "samples": spec.samples, "replications": spec.replications,
                   "grid_levels": spec.grid_levels, "morris_levels": spec.morris_levels, "days": spec.days,
                   "factors": [{"name": f.name, "low": f.low, "high": f.high, "levels": jsonable(list(f.levels))}
                               for f in spec.factors],
                   "outcomes": list(spec.outcomes)},
        "seed": spec.seed, "seeds": spawn_seeds(spec.seed, spec.replications),
        "scenario": describe_scenario(spec.scenario),
        "executor": {"workers": state["workers"], "scheduler": state["scheduler"]},
        "code": code_version(), "packages": package_versions(),
    }
    return jsonable(head)
