"""``run.py run``: the tables, figures and manifest a run writes, and a failing run kept, not lost."""

import json
from pathlib import Path

import pandas as pd
import pytest

from sim.cli import main
from sim.model import CampaignModel

TIMESERIES_COLUMNS = ["scenario", "run_id", "seed", "day", "date", "side", "territory_km2", "fighters", "losses_cum"]
EVENT_COLUMNS = ["scenario", "run_id", "day", "lat", "lon", "attacker", "defender", "attacker_losses",
                 "defender_losses", "civilian_deaths", "air_sorties"]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    assert main(["run", "--replications", "2", "--days", "30", "--seed", "7", "--workers", "1", "--out", str(out)]) == 0
    return out


def test_the_run_writes_its_tables_with_the_promised_columns(results):
    timeseries = pd.read_parquet(results / "timeseries.parquet")
    assert all(c in timeseries.columns for c in TIMESERIES_COLUMNS)
    assert {"displaced_cum", "civilian_deaths_cum"} <= set(timeseries.columns)
    assert len(timeseries) == 2 * 31 * 4  # runs x days x sides
    events = pd.read_parquet(results / "events.parquet")
    assert all(c in events.columns for c in EVENT_COLUMNS) and len(events) > 0
    control = pd.read_parquet(results / "control.parquet")
    assert list(control.columns[:7]) == ["scenario", "run_id", "seed", "day", "date", "place", "controller"]
    assert set(control["place"]) >= {"deir_ez_zor", "bukamal", "conoco"}
    summary = pd.read_parquet(results / "summary.parquet")
    assert len(summary) == 2 and {"regime_bukamal_day", "right_bank_regime_share"} <= set(summary.columns)


def test_the_manifest_carries_the_provenance(results):
    manifest = json.loads((results / "manifest.json").read_text())
    assert manifest["master_seed"] == 7 and manifest["failed"] == 0
    assert [r["status"] for r in manifest["runs"]] == ["ok", "ok"]
    assert len({r["seed"] for r in manifest["runs"]}) == 2
    scenario = manifest["scenarios"][0]
    assert scenario["name"] == "baseline" and scenario["params"]["sdf_phase2_date"] == "2018-03-01"
    assert {"mesa", "numpy", "python"} <= set(manifest["packages"])
    assert "git_commit" in manifest["code"] and manifest["started"] <= manifest["finished"]


def test_the_figures_are_drawn_and_nothing_half_written_is_left(results):
    for name in ("territory.png", "timeline.png", "maps.png"):
        assert (results / name).read_bytes().startswith(b"\x89PNG")
    assert not list(results.glob("*.partial"))


def test_a_run_that_raises_is_recorded_and_the_others_finish(tmp_path, monkeypatch, capsys):
    from sim.experiments.runner import spawn_seeds

    seeds = spawn_seeds(3, 4)
    failing = {seeds[1], seeds[3]}
    original = CampaignModel.step

    def step(self):
        if self.seed in failing and self.day == 5:
            raise RuntimeError("a deliberate failure")
        original(self)

    monkeypatch.setattr(CampaignModel, "step", step)
    code = main(["run", "--replications", "4", "--days", "10", "--seed", "3", "--workers", "1", "--out", str(tmp_path)])
    assert code == 1
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    failed = [r for r in manifest["runs"] if r["status"] == "failed"]
    assert {r["seed"] for r in failed} == failing and manifest["failed"] == 2
    assert all("a deliberate failure" in r["error"] for r in failed)
    summary = pd.read_parquet(tmp_path / "summary.parquet")
    assert sorted(summary["seed"]) == sorted(set(seeds) - failing)
    assert "2 of 4 runs failed" in capsys.readouterr().err


def test_an_unknown_scenario_is_a_clear_error(capsys):
    assert main(["run", "no_such_scenario", "--days", "5"]) == 2
    assert "unknown scenario 'no_such_scenario'" in capsys.readouterr().err


def test_every_file_the_run_writes_is_documented_in_the_readme(results):
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    undocumented = [p.name for p in results.iterdir() if f"`{p.name}`" not in readme]
    assert not undocumented, f"written but not in README.md: {undocumented}"


def test_params_with_an_unknown_group_exits_2_and_lists_the_groups(capsys):
    from sim.params import PARAMETERS

    assert main(["params", "--group", "nonsense"]) == 2
    error = capsys.readouterr().err
    assert "no parameter group 'nonsense'" in error
    assert all(param.group in error for param in PARAMETERS)
    assert main(["params", "--group", "air"]) == 0
