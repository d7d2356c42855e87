"""Parameter sweeps: designs, bad specs, streaming and resuming, the same numbers on every executor."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.cli import main
from sim.experiments.design import SweepError, design_points, expected_size, load_sweep
from sim.experiments.sweep import run_sweep

ROOT = Path(__file__).resolve().parents[1]
OUTCOME_COLUMNS = ["regime_losses", "isis_losses", "sdf_conoco_day"]


def spec_file(tmp_path: Path, body: str, name: str = "spec") -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(f'name = "{name}"\ndescription = "A test sweep."\n' + body)
    return path


TINY = """design = "lhs"
samples = 4
replications = 2
seed = 3
days = 12
outcomes = ["regime_losses", "isis_losses", "sdf_conoco_day"]
[factors.lethality]
range = [0.01, 0.03]
[factors.sdf_phase2_date]
range = [2017-10-01, 2018-03-01]
"""


@pytest.mark.parametrize("design,samples,expected", [("lhs", 10, 10), ("sobol", 8, 8 * (3 + 2)),
                                                      ("morris", 5, 5 * (3 + 1)), ("grid", 1, 4 * 3 * 2)])
def test_designs_have_the_sizes_and_ranges_asked_for(tmp_path, design, samples, expected):
    factors = ("[factors.lethality]\nrange = [0.01, 0.03]\n"
               "[factors.sdf_fighters]\nrange = [3000, 6000]\n"
               "[factors.sdf_phase2_date]\nrange = [2017-11-01, 2018-06-01]\n")
    if design == "grid":
        factors = ("[factors.lethality]\nlevels = [0.01, 0.015, 0.02, 0.03]\n"
                   "[factors.sdf_fighters]\nrange = [3000, 6000]\n"
                   "[factors.sdf_pause_days]\nlevels = [0, 90]\n")
    spec = load_sweep(spec_file(tmp_path, f'design = "{design}"\nsamples = {samples}\ngrid_levels = 3\n' + factors))
    points = design_points(spec)
    assert len(points) == expected == expected_size(spec)
    assert points["point_id"].is_unique
    assert points["lethality"].between(0.01, 0.03).all()
    assert points["sdf_fighters"].between(3000, 6000).all()
    assert points["sdf_fighters"].map(type).eq(int).all()
    if design == "grid":
        assert sorted(points["lethality"].unique()) == [0.01, 0.015, 0.02, 0.03]
        assert sorted(points["sdf_fighters"].unique()) == [3000, 4500, 6000]
    else:
        import datetime as dt

        assert points["sdf_phase2_date"].between(dt.date(2017, 11, 1), dt.date(2018, 6, 1)).all()
    if design == "lhs":  # a Latin hypercube puts one point in each of the N strata of every factor
        strata = np.floor((points["lethality"] - 0.01) / 0.02 * samples).clip(0, samples - 1)
        assert sorted(strata) == list(range(samples))


BAD = {
    "unknown factor": ("[factors.letality]\nrange = [0.01, 0.03]\n", "factors.letality", "did you mean lethality"),
    "range outside the declared one": ("[factors.lethality]\nrange = [0.01, 0.3]\n", "factors.lethality.range",
                                       "expected a number from 0.001 to 0.05"),
    "zero replications": ("replications = 0\n[factors.lethality]\nrange = [0.01, 0.03]\n", "replications",
                          "from 1 to 10000"),
    "unknown design": ("design = \"random\"\n[factors.lethality]\nrange = [0.01, 0.03]\n", "design",
                       "is not one of grid, lhs, sobol, morris"),
    "levels outside a grid": ("design = \"lhs\"\n[factors.lethality]\nlevels = [0.01]\n", "factors.lethality",
                              "levels are for grid designs"),
    "unknown outcome": ("outcomes = [\"victory\"]\n[factors.lethality]\nrange = [0.01, 0.03]\n", "outcomes",
                        "unknown outcome 'victory'"),
    "no factors": ("design = \"lhs\"\n", "factors", "needs at least one factor"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_spec_is_one_clear_error_before_anything_runs(tmp_path, case, capsys):
    body, key, allowed = BAD[case]
    path = spec_file(tmp_path, body)
    with pytest.raises(SweepError) as error:
        load_sweep(path)
    assert str(path) in str(error.value) and key in str(error.value) and allowed in str(error.value)
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out), "--workers", "1"]) == 2
    assert "Traceback" not in capsys.readouterr().err
    assert not out.exists()


def outcomes_of(folder: Path) -> pd.DataFrame:
    table = pd.read_parquet(folder / "results.parquet")
    return table[["run_id", "point_id", "replication", "seed", *OUTCOME_COLUMNS]].sort_values("run_id").reset_index(
        drop=True)


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sweep") / "whole"
    spec = load_sweep(spec_file(folder.parent, TINY, "tiny"))
    report = run_sweep(spec, folder, workers=1)
    assert report.done == 8 and report.failed == 0
    return spec, folder


def test_a_sweep_streams_one_file_per_run_and_records_the_design(uninterrupted):
    _, folder = uninterrupted
    assert len(list((folder / "runs").glob("*.parquet"))) == 8
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["counts"] == {"ok": 8, "failed": 0, "pending": 0}
    assert manifest["design"]["kind"] == "lhs" and len(manifest["seeds"]) == 2
    assert {"mesa", "numpy"} <= set(manifest["packages"]) and manifest["finished"]
    table = pd.read_parquet(folder / "results.parquet")
    assert len(table) == 8 and set(OUTCOME_COLUMNS) <= set(table.columns)
    assert table.groupby("point_id")["seed"].apply(sorted).map(tuple).nunique() == 1  # same seeds at every point


def test_results_are_the_same_on_two_workers_and_on_a_dask_cluster(uninterrupted, tmp_path):
    spec, folder = uninterrupted
    expected = outcomes_of(folder)
    run_sweep(spec, tmp_path / "pool", workers=2)
    pd.testing.assert_frame_equal(outcomes_of(tmp_path / "pool"), expected)
    pytest.importorskip("distributed")
    run_sweep(spec, tmp_path / "dask", workers=2, scheduler="local")
    pd.testing.assert_frame_equal(outcomes_of(tmp_path / "dask"), expected)


#: run.py's command line, in a process whose sweep stops after writing its N-th run: it signals that by a
#: file and waits to be killed (a kill at a known point, however busy the machine)
PAUSED_AFTER_N_RUNS = """
import sys, time
from pathlib import Path
import sim.experiments.sweep as sweep
from sim.cli import main
signal_file, after, write = Path(sys.argv[1]), int(sys.argv[2]), sweep._write_run
def write_then_wait(path, row, points):
    write(path, row, points)
    if len(list(path.parent.glob("*.parquet"))) >= after:
        signal_file.write_text("paused")
        time.sleep(3600)
sweep._write_run = write_then_wait
sys.exit(main(sys.argv[3:]))
"""


def test_a_sweep_killed_in_a_subprocess_and_resumed_has_every_run_exactly_once(uninterrupted, tmp_path):
    spec, folder = uninterrupted
    out, paused = tmp_path / "killed", tmp_path / "paused"
    command = [sys.executable, "-c", PAUSED_AFTER_N_RUNS, str(paused), "3", "sweep", spec.path, "--out", str(out),
               "--workers", "1"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.time() + 240
    while time.time() < deadline and not paused.exists() and process.poll() is None:
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert paused.exists(), "the sweep never reached its third run"
    written = len(list((out / "runs").glob("*.parquet")))
    assert written == 3, "the sweep should be killed after its third run"
    assert not (out / "results.parquet").exists()
    (out / "runs" / ".leftover.parquet.partial").write_bytes(b"half a file")  # as a kill mid-write leaves
    with pytest.raises(Exception):  # noqa: B017 - without --resume a second sweep into the folder is refused
        run_sweep(spec, out, workers=1)
    report = run_sweep(spec, out, workers=1, resume=True)
    assert report.skipped == written and report.done == 8 - written
    assert not list(out.rglob("*.partial"))
    pd.testing.assert_frame_equal(outcomes_of(out), outcomes_of(folder))


def test_a_failing_point_is_recorded_and_the_rest_complete(tmp_path, monkeypatch, capsys):
    import sim.experiments.runner as runner

    original = runner.run_one

    def run_one(scenario, run_id, seed, days=None, snapshot_days=()):
        if scenario.params.lethality > 0.025:
            raise RuntimeError("a point that breaks the model")
        return original(scenario, run_id, seed, days, snapshot_days)

    monkeypatch.setattr(runner, "run_one", run_one)
    path = spec_file(tmp_path, TINY.replace("samples = 4", "samples = 6"), "failing")
    code = main(["sweep", str(path), "--out", str(tmp_path / "out"), "--workers", "1"])
    assert code == 1
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    failed = [r for r in manifest["runs"].values() if r["status"] == "failed"]
    ok = [r for r in manifest["runs"].values() if r["status"] == "ok"]
    assert failed and ok and len(failed) + len(ok) == 12
    assert all("a point that breaks the model" in r["error"] for r in failed)
    assert len(pd.read_parquet(tmp_path / "out" / "results.parquet")) == len(ok)
    assert "runs failed" in capsys.readouterr().err


def test_analyze_aligns_experiments_and_outcomes_and_draws_its_figures(uninterrupted):
    from sim.experiments.analyze import analyze

    _, folder = uninterrupted
    analysis = analyze(folder)
    assert list(analysis.experiments.index) == list(analysis.outcomes.index)
    assert set(analysis.indices["factor"]) == {"lethality", "sdf_phase2_date"}
    assert main(["analyze", str(folder)]) == 0
    for name in ("main_effects.png", "indices.png", "heatmap.png", "indices.parquet"):
        assert (folder / "analysis" / name).exists()


def test_sobol_indices_rank_the_factor_that_matters(tmp_path):
    """On a Sobol design over a known function, the analysis finds the dominant factor."""
    from SALib.analyze import sobol

    spec = load_sweep(spec_file(tmp_path, 'design = "sobol"\nsamples = 64\n'
                                "[factors.lethality]\nrange = [0.01, 0.03]\n"
                                "[factors.kills_per_sortie]\nrange = [0.1, 1.0]\n"))
    points = design_points(spec)
    y = (100 * points["lethality"] + 0.1 * points["kills_per_sortie"]).to_numpy()
    result = sobol.analyze(spec.problem, y, calc_second_order=False, seed=1)
    assert result["ST"][0] > 0.8 > result["ST"][1]


def test_the_manifests_fixed_parts_are_worked_out_once_per_sweep(tmp_path, monkeypatch):
    """The manifest is rewritten while runs finish; its git calls (and package look-ups), which would take
    the parent's share of the cores from the workers, are made once per sweep, and the manifest still names
    the code."""
    import sim.experiments.sweep as sweep

    calls = []
    original = sweep.code_version
    monkeypatch.setattr(sweep, "code_version", lambda: calls.append(1) or original())
    monkeypatch.setattr(sweep, "MANIFEST_EVERY_SECONDS", -1.0)  # rewritten after every run
    spec = load_sweep(spec_file(tmp_path, TINY.replace("days = 12", "days = 2"), "fixed"))
    run_sweep(spec, tmp_path / "out", workers=1)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["counts"]["ok"] == 8 and manifest["code"] == original()
    assert len(calls) == 1
