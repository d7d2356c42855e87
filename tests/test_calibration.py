"""run.py calibrate: the calibration targets read from sweep outcomes, and points ranked by their score."""

import pandas as pd
import pytest

from sim.calendar import day_of
from sim.cli import main
from sim.outcomes import BY_NAME
from sim.validation.calibration import calibration_targets, score_points
from sim.validation.records import read_events

END = day_of(pd.Timestamp("2019-03-31").date())


def test_every_calibration_target_is_read_from_a_declared_outcome():
    targets = calibration_targets(read_events(), END)
    assert len(targets) >= 5
    assert set(targets.values()) <= set(BY_NAME)
    assert calibration_targets(read_events(), 60).keys() < targets.keys()  # later targets left out of short runs


def synthetic_results(shift_days: float, share_error: float = 0.0) -> pd.DataFrame:
    events = read_events()
    targets = calibration_targets(events, END)
    by_id = {e.id: e for e in events}
    row = {}
    for event_id, outcome in targets.items():
        event = by_id[event_id]
        row[outcome] = (event.day + shift_days) if event.kind == "day" else event.target + share_error
    return pd.DataFrame([{"point_id": "p", "run_id": i, **row} for i in range(3)])


def test_a_point_matching_every_target_scores_zero_and_a_shift_of_ten_days_scores_ten():
    events = read_events()
    exact = score_points(synthetic_results(0), events, END)
    assert exact["score_days"].iloc[0] == pytest.approx(0.0)
    shifted = score_points(synthetic_results(10), events, END)
    days = [c for c in shifted.columns if c.startswith("error_")]
    day_targets = [c for c in days if not c.endswith("_end")]
    assert all(shifted[c].iloc[0] == pytest.approx(10.0) for c in day_targets)


def test_calibrate_ranks_points_and_writes_the_best_as_a_scenario(tmp_path, capsys):
    spec = tmp_path / "cal.toml"
    outcomes = sorted(set(calibration_targets(read_events(), 30).values()))
    spec.write_text('name = "cal"\ndescription = "a tiny calibration"\ndesign = "lhs"\nsamples = 2\nreplications = 1\n'
                    f'seed = 4\ndays = 30\noutcomes = {outcomes}\n[factors.lethality]\nrange = [0.015, 0.025]\n')
    out = tmp_path / "out"
    assert main(["calibrate", str(spec), "--out", str(out), "--workers", "1"]) == 0
    table = pd.read_csv(out / "calibration.csv")
    assert len(table) == 2 and table["score_days"].is_monotonic_increasing
    assert "current defaults" in (out / "calibration.md").read_text()
    from sim.scenarios import load_scenario

    calibrated = load_scenario(out / "calibrated.toml")
    assert calibrated.params.lethality == pytest.approx(table["lethality"].iloc[0], rel=1e-5)
    assert "calibration score" in capsys.readouterr().out


def test_a_calibration_spec_without_the_outcomes_the_targets_need_is_refused(tmp_path, capsys):
    spec = tmp_path / "cal.toml"
    spec.write_text('name = "cal"\ndescription = "missing outcomes"\ndesign = "lhs"\nsamples = 2\ndays = 30\n'
                    'outcomes = ["regime_losses"]\n[factors.lethality]\nrange = [0.015, 0.025]\n')
    assert main(["calibrate", str(spec), "--out", str(tmp_path / "out")]) == 2
    assert "the calibration targets need" in capsys.readouterr().err
