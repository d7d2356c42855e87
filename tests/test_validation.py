"""The validation harness: the record's table, the scorer on synthetic runs whose answer is known, the
valley split, R1 incidents, the power-law fit on samples of known exponent, the two-unit Lanchester
world, and the ``validate`` command end to end on short runs."""

import argparse
import math

import numpy as np
import pandas as pd
import pytest

from sim.cli import validate_command
from sim.cli.common import UserInputError, user_errors
from sim.codes import Bank, side_code
from sim.validation import incidents, lanchester, power_law, scoring
from sim.validation.measures import RunTables, first_control_day, measure_runs, secured_day
from sim.validation.records import (
    COLUMNS,
    MAP_SERIES,
    SIDE_SERIES,
    ValidationDataError,
    read_events,
)
from sim.validation.valley_split import bank_masks, split_of
from tests.worlds import tiny_layers

LAST_DAY = 567


# ----- the record --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def record():
    return read_events()


def test_the_shipped_record_separates_calibration_targets_checks_and_inputs(record):
    by_id = {e.id: e for e in record}
    calibration = {e.id for e in record if e.role == "calibration"}
    assert {"regime_bridgehead", "sdf_conoco", "regime_maadan", "sdf_suwar", "regime_city_cleared",
            "right_bank_regime_end", "left_bank_sdf_end"} == calibration
    assert {"regime_mayadin", "sdf_omar_field", "regime_bukamal_entered", "regime_bukamal_secured", "sdf_hajin",
            "sdf_baghuz"} <= {e.id for e in record if e.role == "check"}
    assert by_id["raqqa_falls"].role == "input" and not by_id["raqqa_falls"].measure
    assert by_id["regime_mayadin"].date.isoformat() == "2017-10-14" and by_id["regime_mayadin"].day == 34
    assert sum(e.kind == "incident" for e in record) == 4
    assert all(e.source and e.what and e.confidence for e in record)


def write_record(path, rows: list[dict]):
    frame = pd.DataFrame([{c: row.get(c, "") for c in COLUMNS} for row in rows], columns=list(COLUMNS))
    frame.to_csv(path, index=False)
    return path


def event_row(**changes) -> dict:
    row = {"id": "e1", "date": "2017-10-01", "place": "mayadin", "side": "regime", "measure": "place_control",
           "role": "check", "confidence": "high", "what": "something happened", "source": "public reporting"}
    return {**row, **changes}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"place": "atlantis"}, "unknown place 'atlantis'"),
        ({"side": "rebels"}, "side 'rebels' is not one of"),
        ({"date": "2017-13-01"}, "not an ISO date"),
        ({"measure": "teleport"}, "unknown measure 'teleport'"),
        ({"measure": "outcome:no_such_day"}, "unknown outcome 'no_such_day'"),
        ({"role": "input"}, "leave its measure empty"),
        ({"measure": "timeseries:losses_cum", "target": "600", "role": "calibration"}, "make it a check"),
        ({"measure": "bank_share:left"}, "give the target value"),
        ({"measure": "bank_share:upstream", "target": "0.5"}, "bank_share region 'upstream'"),
        ({"measure": "bank_share:left", "target": "1.5"}, "between 0 and 1"),
        ({"measure": "timeseries:population", "target": "5", "side": "isis"}, "leave the side empty"),
        ({"key": "yes", "measure": "bank_share:left", "target": "0.5"}, "set key to no"),
        ({"place": ""}, "needs a place"),
        ({"source": ""}, "source is required"),
    ],
)
def test_a_bad_row_is_one_clear_error_naming_its_line(tmp_path, changes, message):
    path = write_record(tmp_path / "events.csv", [event_row(id="fine"), event_row(**changes)])
    with pytest.raises(ValidationDataError) as error:
        read_events(path)
    assert message in str(error.value) and "line 3" in str(error.value)


def test_duplicate_ids_missing_columns_and_missing_files_are_refused(tmp_path):
    with pytest.raises(ValidationDataError, match="duplicate id 'e1'"):
        read_events(write_record(tmp_path / "dup.csv", [event_row(), event_row()]))
    (tmp_path / "short.csv").write_text("id,date\ne1,2017-10-01\n")
    with pytest.raises(ValidationDataError, match="missing columns"):
        read_events(tmp_path / "short.csv")
    with pytest.raises(ValidationDataError, match="does not exist"):
        read_events(tmp_path / "nowhere.csv")
    assert issubclass(ValidationDataError, user_errors())  # the command line exits 2 on it


# ----- synthetic runs whose answer is known -------------------------------------------------------


def synthetic_tables(record, shift: int = 0, runs: int = 5) -> RunTables:
    """Runs in which every dated event of the record happens ``shift`` days after its date and every
    value is exactly its target."""
    control, summary, shares, series = [], [], [], []
    for run in range(runs):
        outcomes = {"run_id": run}
        for e in record:
            if e.measure_name in ("place_control", "place_secured"):
                control += [(run, 0, e.place, "isis"), (run, e.day + shift, e.place, e.side)]
            elif e.measure_name == "outcome":
                outcomes[e.measure_argument] = float(e.day + shift)
            elif e.measure_name == "bank_share":
                shares.append((run, e.day, e.measure_argument, e.side, e.target))
            elif e.measure_name == "timeseries":
                series.append((run, e.day, e.side or "regime", e.measure_argument, e.target))
        summary.append(outcomes)
    series_frame = pd.DataFrame(series, columns=["run_id", "day", "side", "column", "value"]).pivot_table(
        index=["run_id", "day", "side"], columns="column", values="value").reset_index()
    return RunTables(
        summary=pd.DataFrame(summary),
        control=pd.DataFrame(control, columns=["run_id", "day", "place", "controller"]),
        last_days=pd.Series(LAST_DAY, index=range(runs)),
        timeseries=series_frame,
        shares=pd.DataFrame(shares, columns=["run_id", "day", "bank", "side", "share"]),
    )


def test_runs_that_match_every_date_score_zero_and_ten_days_late_score_ten(record):
    exact = synthetic_tables(record)
    values = measure_runs(record, exact)
    timing = scoring.timing_table(record, values, exact.last_days)
    assert len(timing) == sum(e.kind == "day" for e in record)
    assert (timing["error_days"] == 0).all() and (timing["mean_abs_error_days"] == 0).all()
    assert (timing["never"] == 0).all() and timing["within_tolerance"].all()
    score = scoring.score_runs(record, values, exact.last_days)
    assert score.overall == 0 and score.timing_days == 0 and score.share_points == 0
    assert (scoring.value_table(record, values)["met_share"] == 1).all()

    late = synthetic_tables(record, shift=10)
    values = measure_runs(record, late)
    timing = scoring.timing_table(record, values, late.last_days)
    assert (timing["error_days"] == 10).all() and (timing["mean_abs_error_days"] == 10).all()
    assert scoring.score_runs(record, values, late.last_days).timing_days == 10
    assert scoring.score_runs(record, values, late.last_days, role="check").timing_days == 10
    dates_only = tuple(e for e in record if e.kind == "day")
    assert scoring.score_runs(dates_only, values, late.last_days).overall == 10


def test_a_target_that_never_comes_is_penalised_beyond_the_end_and_one_after_the_end_is_not_scored(record):
    [event] = [e for e in record if e.id == "sdf_conoco"]
    days = pd.Series([event.day, np.nan], index=[0, 1])
    last = pd.Series([LAST_DAY, LAST_DAY], index=[0, 1])
    errors = scoring.day_errors(event, days, last, penalty=90)
    assert errors[0] == 0 and errors[1] == LAST_DAY + 90 - event.day
    short = scoring.day_errors(event, days, pd.Series([5, 5], index=[0, 1]), penalty=90)
    assert short.isna().all()  # the runs end before the record's date
    timing = scoring.timing_table((event,), pd.DataFrame({event.id: days}), last)
    assert timing.loc[0, "never"] == 1 and math.isinf(timing.loc[0, "p90_day"])


def test_censored_quantiles_rank_never_after_every_day():
    days = np.array([10.0, 20.0, np.nan, np.nan])
    assert scoring.censored_quantile(days, 0.0) == 10
    assert scoring.censored_quantile(days, 1 / 3) == 20
    assert math.isinf(scoring.censored_quantile(days, 0.5))
    assert scoring.censored_quantile(np.array([1.0, 2.0, 3.0, 4.0]), 0.5) == 2.5


def test_value_targets_measure_the_distance_from_the_accepted_interval(record):
    by_id = {e.id: e for e in record}
    at_least = by_id["regime_killed_mid_december"]  # >= 600
    assert scoring.shortfall(at_least, pd.Series([500.0, 600.0, 900.0])).tolist() == [100, 0, 0]
    about = by_id["left_bank_sdf_end"]  # 0.92 +- 0.04
    assert scoring.shortfall(about, pd.Series([0.92, 1.0, 0.80])).round(6).tolist() == [0, 0.04, 0.08]


def test_the_order_check_counts_runs_that_keep_the_records_order(record):
    keyed = tuple(e for e in record if e.id in ("regime_mayadin", "regime_city_cleared", "sdf_conoco",
                                                "regime_maadan"))
    values = pd.DataFrame(
        {"regime_mayadin": [34, 80, 34, np.nan], "regime_city_cleared": [54, 54, 54, 54],
         "sdf_conoco": [13, 13, 13, 13], "regime_maadan": [14, 14, 12, 14]},
        index=pd.Index(range(4), name="run_id"),
    )
    pairs, kept = scoring.order_check(keyed, values, pd.Series(LAST_DAY, index=range(4)))
    by_pair = {(r["first"], r["second"]): r["kept_share"] for _, r in pairs.iterrows()}
    assert by_pair[("regime_mayadin", "regime_city_cleared")] == 0.5  # late in run 1, never in run 3
    assert ("regime_maadan", "sdf_conoco") not in by_pair and ("sdf_conoco", "regime_maadan") not in by_pair
    assert kept.tolist() == [True, False, True, False]


def test_place_measures_read_the_first_day_and_the_day_a_place_is_secured():
    control = pd.DataFrame(
        [(0, 0, "bukamal", "isis"), (0, 59, "bukamal", "regime"), (0, 62, "bukamal", "isis"),
         (0, 70, "bukamal", "regime"), (1, 0, "bukamal", "isis"), (1, 80, "bukamal", "regime"),
         (1, 90, "bukamal", "isis"), (2, 0, "bukamal", "isis")],
        columns=["run_id", "day", "place", "controller"],
    )
    assert first_control_day(control, "bukamal", "regime").to_dict() == {0: 59, 1: 80}
    assert secured_day(control, "bukamal", "regime").to_dict() == {0: 70}  # run 1 lost it again


# ----- the valley split and R1 -------------------------------------------------------------------


def test_the_valley_split_counts_cells_of_each_bank_by_controller():
    control = np.zeros((12, 9), dtype=np.int8)
    control[:, :4] = side_code("regime")  # the right bank (south of the river row 4)
    control[:6, 5:] = side_code("sdf")
    control[6:, 5:] = side_code("isis")
    layers = tiny_layers(control=control)
    masks = bank_masks(layers.layers)
    assert masks["left"].sum() == masks["right"].sum() == 24  # two valley rows each side, 12 columns
    assert not (masks["left"] & (layers["bank"] != Bank.LEFT)).any()
    shares = split_of(control, masks)
    assert shares[("right", "regime")] == 1.0
    assert shares[("left", "sdf")] == shares[("left", "isis")] == 0.5
    assert shares[("valley", "regime")] == 0.5 and shares[("map_valley", "none")] == 0.0


def test_regime_sdf_clashes_are_counted_per_run_with_runs_that_had_none():
    engagements = pd.DataFrame(
        [(0, 10, "incident", "regime", "sdf"), (0, 40, "attack", "sdf", "regime"), (0, 12, "attack", "regime", "isis"),
         (2, 150, "incident", "regime", "sdf")],
        columns=["run_id", "day", "kind", "attacker", "defender"],
    )
    clashes = incidents.regime_sdf_clashes(engagements, [0, 1, 2])
    assert clashes["clashes"].tolist() == [2, 0, 1] and clashes["incidents"].tolist() == [1, 0, 1]
    assert clashes["first_day"].tolist()[0] == 10 and math.isnan(clashes["first_day"].tolist()[1])
    assert incidents.regime_sdf_clashes(pd.DataFrame(), [0])["clashes"].tolist() == [0]


# ----- a short real run: the measures read what the model writes --------------------------------------


@pytest.fixture(scope="module")
def short_run(valley_map):
    from sim.experiments.runner import run_one
    from sim.geography.export import MapBackdrop
    from sim.scenario import baseline
    from sim.validation.valley_split import valley_split

    result = run_one(baseline(), 0, 11, days=6, snapshot_days=[6])
    assert result.ok, result.error
    masks = bank_masks(MapBackdrop.from_layers(valley_map).layers)
    shares = valley_split({f"baseline/0/{d}": s for d, s in result.snapshots.items()}, masks)
    return result, shares


def test_the_governorate_split_and_the_runs_outcomes_count_the_cells_each_side_holds():
    """A tiny valley whose western half is the governorate: the regime holds the right bank's valley
    west of x = 3, the SDF the left bank's row y = 5; the shares are known by construction."""
    from sim.codes import side_code
    from sim.outcomes import summarize
    from sim.validation.valley_split import valley_split
    from tests.worlds import tiny_layers, tiny_model

    control = np.zeros((12, 9), dtype=np.int8)
    control[:3, 2:4] = side_code("regime")  # 3 of the governorate's 6 right-bank valley columns; 3 of 12 map-wide
    control[:, 5] = side_code("sdf")  # one of the left bank's two valley rows: half of it, in and out of it
    layers = tiny_layers(control=control)
    layers["governorate"][6:, :] = False
    expected = {("right", "regime"): 0.5, ("map_right", "regime"): 0.25, ("left", "sdf"): 0.5,
                ("map_left", "sdf"): 0.5, ("right", "none"): 0.5, ("map_valley", "sdf"): 0.25}
    shares = valley_split({"tiny/0/0": {"control": control}}, bank_masks(layers.layers)).set_index(["bank", "side"])
    for key, share in expected.items():
        assert shares.loc[key, "share"] == pytest.approx(share), key
    model = tiny_model(layers, [], days=1).run()
    summary = summarize(model, model.recorder.tables("tiny", 0, 1))
    assert summary["right_bank_regime_share"] == pytest.approx(0.5)
    assert summary["left_bank_sdf_share"] == pytest.approx(0.5)


def test_timeseries_measures_name_columns_the_recorder_writes(short_run):
    result, _ = short_run
    numeric = set(result.tables["timeseries"].columns) - {"scenario", "run_id", "seed", "day", "date", "side"}
    assert set(SIDE_SERIES) | set(MAP_SERIES) == numeric


# ----- stylized facts ----------------------------------------------------------------------------


@pytest.mark.parametrize("alpha", [2.5, 3.5])
def test_the_power_law_fit_recovers_a_known_exponent(alpha):
    rng = np.random.default_rng(7)
    tail = power_law.sample_discrete_power_law(rng, 4000, alpha, xmin=6)
    body = rng.integers(1, 6, size=3000).astype(float)  # a non-power-law body below x_min
    fit = power_law.fit_tail(np.concatenate([body, tail]), bootstrap=8, seed=1)
    assert fit.ok and fit.xmin == pytest.approx(6, abs=3)
    assert fit.alpha == pytest.approx(alpha, abs=0.12)
    assert fit.contains(alpha) or abs(fit.alpha - alpha) < 3 * fit.standard_error
    assert fit.bootstrap >= 6 and fit.ci_low < fit.alpha < fit.ci_high


def test_the_power_law_sampler_draws_the_exact_discrete_law():
    rng = np.random.default_rng(3)
    sample = power_law.sample_discrete_power_law(rng, 200_000, 2.5, xmin=5)
    from scipy.special import zeta

    assert sample.min() == 5
    assert np.mean(sample == 5) == pytest.approx(5**-2.5 / zeta(2.5, 5), abs=0.005)


def test_too_few_engagements_give_no_fit_but_a_reason():
    fit = power_law.fit_tail(np.array([0, 1, 2, 3, 0, 5] * 3), bootstrap=0)
    assert not fit.ok and "too few" in fit.note


def test_the_run_bootstrap_resamples_whole_runs():
    rng = np.random.default_rng(5)
    sizes = pd.Series(power_law.sample_discrete_power_law(rng, 3000, 2.5, xmin=2), index=np.repeat(range(10), 300))
    fit = power_law.fit_tail(sizes, bootstrap=4, seed=2, workers=1)
    assert fit.bootstrap == 4 and fit.ci_low <= fit.ci_high


def test_the_two_unit_world_conserves_the_square_law_invariant():
    duel = lanchester.Duel()
    one_step = lanchester.fight_expected(lanchester.Duel(days=1))
    factor = one_step["invariant"].iloc[1] / one_step["invariant"].iloc[0]
    assert factor == pytest.approx(1 - duel.alpha * duel.beta, rel=1e-12)  # exactly aimed fire, stepped daily
    daily = lanchester.fight_expected(duel)
    assert lanchester.relative_drift(duel, daily) < lanchester.euler_drift_bound(duel, daily["day"].iloc[-1])
    fine = lanchester.Duel(steps_per_day=24)
    trajectory = lanchester.fight_expected(fine)
    assert lanchester.relative_drift(fine, trajectory) < 1e-3
    survivors = trajectory["attacker"].iloc[-1]
    assert survivors == pytest.approx(duel.square_law_survivors()[0], rel=0.005)
    assert abs(survivors - duel.linear_law_survivors()[0]) > 400
    assert trajectory["defender"].iloc[-1] == 0


def test_a_stronger_defender_wins_and_the_random_duel_follows_the_law_on_average():
    duel = lanchester.Duel(attacker=500, defender=700, defence=2.0, days=120)
    assert duel.square_law_survivors()[0] == 0 and duel.square_law_survivors()[1] > 0
    mean = lanchester.fight_stochastic(duel, sigma=0.9, repetitions=40, seed=3)
    assert lanchester.relative_drift(duel, mean, until_share=0.2) < 0.03


# ----- the command ----------------------------------------------------------------------------------


def validate(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    validate_command.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["validate", *argv])
    return args.handler(args)


def test_validate_writes_a_scorecard_with_its_tables_and_figures(tmp_path, capsys):
    out = tmp_path / "validation"
    code = validate(["--replications", "1", "--days", "12", "--workers", "1", "--bootstrap", "0", "--seed", "3",
                     "--out", str(out), "--scenario", "baseline", "--scenario", "historical"])
    assert code == 0
    side = pd.read_csv(out / "side_by_side.csv")
    assert list(side["scenario"]) == ["baseline", "historical"]
    assert "coverage" in (out / "side_by_side.md").read_text()
    assert (out / "historical" / "scorecard.md").exists()
    out = out / "baseline"
    text = (out / "scorecard.md").read_text()
    for heading in ("## At a glance", "## 1. Timing", "## 2. Historical order", "## 3. Geography",
                    "## 4. Rule R1", "## 5. Stylized facts", "## 6. Calibration", "## 7. Not scored"):
        assert heading in text
    for name in ("timeline_vs_record", "valley_split", "loss_sizes", "lanchester", "incidents"):
        assert (out / f"{name}.png").read_bytes().startswith(b"\x89PNG")
    timing = pd.read_csv(out / "timing.csv")
    runs = timing.set_index("id")["runs"]
    assert runs["regime_bridgehead"] == 1 and runs["sdf_conoco"] == 0  # its record date is day 13, after the runs
    clashes = pd.read_csv(out / "regime_sdf_clashes.csv")
    assert set(clashes["scenario"]) == {"baseline", "historical_incidents"} and len(clashes) == 2
    assert {"within_tolerance_share", "covered", "crps_days"} <= set(timing.columns)
    assert (out.parent / "runs" / "manifest.json").exists() and not list(out.parent.rglob("*.partial"))
    assert "Calibration score" in capsys.readouterr().out

    again = tmp_path / "rescored"
    assert validate(["--results", str(out.parent / "runs"), "--out", str(again), "--bootstrap", "0", "--workers", "1",
                     "--scenario", "baseline"]) == 0
    assert pd.read_csv(again / "baseline" / "timing.csv").equals(timing)


def test_validate_refuses_bad_input_before_running_anything(tmp_path):
    bad = write_record(tmp_path / "events.csv", [event_row(place="atlantis")])
    out = tmp_path / "out"
    with pytest.raises(ValidationDataError, match="atlantis"):
        validate(["--events", str(bad), "--out", str(out), "--workers", "1"])
    assert not out.exists()
    with pytest.raises(UserInputError, match="not a results folder"):
        validate(["--results", str(tmp_path), "--out", str(out), "--workers", "1"])
    (tmp_path / "manifest.json").write_text('{"scenarios": [{"name": "no_russian_air"}], "runs": [], "files": {}}')
    with pytest.raises(UserInputError, match="holds no baseline runs"):
        validate(["--results", str(tmp_path), "--out", str(out), "--workers", "1", "--scenario", "baseline"])
    with pytest.raises(SystemExit):
        validate(["--bootstrap", "-1"])


@pytest.mark.slow
def test_a_full_validation_of_the_baseline_scores_every_section(tmp_path):
    out = tmp_path / "validation"
    assert validate(["--replications", "4", "--workers", "2", "--bootstrap", "20", "--out", str(out),
                     "--scenario", "baseline"]) == 0
    out = out / "baseline"
    calibration = pd.read_csv(out / "calibration_score.csv")
    assert calibration["weighted_days"].notna().all()
    assert set(calibration["id"]) >= {"regime_city_cleared", "left_bank_sdf_end", "sdf_baghuz"}
    fits = pd.read_csv(out / "power_law.csv")
    assert 1.5 < fits.loc[0, "alpha"] < 6 and fits.loc[0, "bootstrap"] >= 15
    incidents_table = pd.read_csv(out / "incidents.csv").set_index("scenario")
    assert incidents_table.loc["baseline", "mean"] == 0  # R1 holds in the baseline
