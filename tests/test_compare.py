"""Comparing scenarios with common random numbers: paired intervals, parallel runs, redrawn reports."""

import json

import numpy as np
import pandas as pd
import pytest

from sim.cli import main
from sim.experiments.compare import comparison_table, paired_interval, unpaired_interval
from sim.experiments.comparison_printout import INTERVAL_DEFINITIONS
from sim.experiments.runner import replicate
from sim.scenario import baseline
from sim.scenarios import resolve_scenario


def test_paired_intervals_contain_the_true_difference_in_a_synthetic_check():
    rng = np.random.default_rng(0)
    true_difference, hits, trials = 3.0, 0, 400
    for _ in range(trials):
        shared = rng.normal(100, 20, size=12)  # what the two scenarios have in common (the seed)
        a = shared + rng.normal(0, 2, 12)
        b = shared + true_difference + rng.normal(0, 2, 12)
        _, low, high = paired_interval(b - a)
        hits += low <= true_difference <= high
    assert 0.92 <= hits / trials <= 0.98  # a 95% interval


def test_the_comparison_table_pairs_runs_by_their_id():
    summary = pd.DataFrame({
        "scenario": ["a"] * 3 + ["b"] * 3, "run_id": [0, 1, 2, 2, 1, 0],
        "regime_losses": [100.0, 200.0, 300.0, 305.0, 205.0, 105.0],
    })
    table = comparison_table(summary, ["a", "b"])
    row = table[(table["outcome"] == "regime_losses") & (table["scenario"] == "b")].iloc[0]
    assert row["diff_mean"] == pytest.approx(5.0) and row["diff_low95"] == pytest.approx(5.0)
    assert row["unpaired_low95"] < 0 < row["unpaired_high95"]  # unpaired, the same runs cannot tell


@pytest.fixture(scope="module")
def small_change_runs():
    """The baseline against a small change, eight paired runs of 90 days."""
    reference = baseline()
    changed = reference.with_params(kills_per_sortie=reference.params.kills_per_sortie * 1.2)
    changed = changed.__class__(**{**changed.__dict__, "name": "more_lethal_air"})
    runs = replicate(reference, 8, 99, days=90) + replicate(changed, 8, 99, days=90)
    return pd.DataFrame([{"scenario": r.scenario, "run_id": r.run_id, **r.summary} for r in runs if r.ok])


def test_pairing_makes_the_interval_for_a_small_change_narrower(small_change_runs):
    # Paired runs drift apart once a change moves a unit across a threshold (a stacking limit, a
    # siege's patience), so pairing does not narrow every outcome's interval: it must narrow most.
    table = comparison_table(small_change_runs, ["baseline", "more_lethal_air"])
    table = table[table["scenario"] == "more_lethal_air"]
    paired = table["diff_high95"] - table["diff_low95"]
    unpaired = table["unpaired_high95"] - table["unpaired_low95"]
    comparable = (unpaired > 0) & paired.notna()
    assert comparable.sum() >= 10
    assert (paired[comparable] < unpaired[comparable]).mean() >= 0.55


def test_deconfliction_breaks_brings_regime_sdf_engagements_where_the_baseline_has_none():
    """The shipped scenario file in a tiny world: a regime unit and an SDF unit on neighbouring cells of
    the right bank fight under deconfliction_breaks and never under the baseline."""
    import numpy as np

    from sim.codes import side_code
    from tests.worlds import tiny_layers, tiny_model, unit

    regime, sdf = side_code("regime"), side_code("sdf")
    control = np.zeros((12, 9), dtype=np.int8)
    control[:6, :4], control[6:, :4] = regime, sdf
    forces = [unit("regime", "syrian_army", 400, (5, 2), "attack"), unit("sdf", "sdf", 300, (6, 2), "attack")]
    clashes = []
    for name in ("baseline", "deconfliction_breaks"):
        model = tiny_model(tiny_layers(control=control), forces, resolve_scenario(name), days=30).run()
        clashes.append(sum({e[4], e[5]} == {regime, sdf} for e in model.recorder.engagements))
    assert clashes[0] == 0 < clashes[1]


def test_the_same_seeds_give_the_same_numbers_one_at_a_time_or_in_parallel():
    one = replicate(baseline(), 3, 11, days=40, workers=1)
    two = replicate(baseline(), 3, 11, days=40, workers=2)
    assert [r.seed for r in one] == [r.seed for r in two]
    for a, b in zip(one, two, strict=True):
        same = [(x == y) or (np.isnan(x) and np.isnan(y)) for x, y in zip(a.summary.values(), b.summary.values(),
                                                                          strict=True)]
        assert all(same)
        pd.testing.assert_frame_equal(a.tables["timeseries"], b.tables["timeseries"])


def test_compare_writes_the_comparison_and_report_redraws_it_from_the_files(tmp_path, capsys):
    out = tmp_path / "cmp"
    code = main(["compare", "baseline", "no_russian_air", "--replications", "2", "--days", "20", "--workers", "1",
                 "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "vs baseline" in printed and "Regime and allied fighters killed" in printed
    assert INTERVAL_DEFINITIONS in printed
    table = pd.read_parquet(out / "comparison.parquet")
    assert set(table["scenario"]) == {"baseline", "no_russian_air"}
    assert {"median", "mean", "low95", "high95", "diff_mean", "diff_low95", "diff_high95"} <= set(table.columns)
    manifest = json.loads((out / "manifest.json").read_text())
    seeds = {s: sorted(r["seed"] for r in manifest["runs"] if r["scenario"] == s)
             for s in ("baseline", "no_russian_air")}
    assert seeds["baseline"] == seeds["no_russian_air"]  # common random numbers
    figures = sorted(p.name for p in out.glob("*.png"))
    assert {"territory.png", "outcomes.png", "timeline_baseline.png", "timeline_no_russian_air.png"} <= set(figures)
    for png in out.glob("*.png"):
        png.unlink()
    (out / "comparison.parquet").unlink()
    assert main(["report", str(out)]) == 0
    assert sorted(p.name for p in out.glob("*.png")) == figures
    pd.testing.assert_frame_equal(pd.read_parquet(out / "comparison.parquet"), table)


def test_report_on_a_folder_that_is_not_a_results_folder_is_a_clear_error(tmp_path, capsys):
    assert main(["report", str(tmp_path)]) == 2
    assert "manifest.json does not exist" in capsys.readouterr().err


def test_unpaired_interval_matches_welch():
    from scipy import stats

    a, b = np.array([1.0, 2, 3, 4, 5]), np.array([2.0, 4, 6, 8, 11])
    diff, low, high = unpaired_interval(a, b)
    result = stats.ttest_ind(b, a, equal_var=False).confidence_interval(0.95)
    assert diff == pytest.approx(b.mean() - a.mean())
    assert (low, high) == pytest.approx((result.low, result.high))
