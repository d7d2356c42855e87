"""The comparison print-out says what its numbers are: interval definitions, units, pp for shares,
and outcomes no run reached left out with a note instead of rows of dashes."""

import math

import pandas as pd

from sim.experiments.compare import comparison_table
from sim.experiments.comparison_printout import INTERVAL_DEFINITIONS, RANGE_DEFINITION, format_comparison


def synthetic_summary() -> pd.DataFrame:
    """Two scenarios, four paired runs: losses, a share, an area, a date reached in some runs, one never."""
    rows = []
    for scenario, extra in (("baseline", 0.0), ("other", 1.0)):
        for run in range(4):
            rows.append({
                "scenario": scenario, "run_id": run,
                "regime_losses": 1000.0 + 100 * run + 50 * extra + (200 if run == 3 else 0) * extra,
                "right_bank_regime_share": 0.70 - 0.28 * extra + 0.01 * run,
                "regime_territory_km2": 28000.0 - 4000 * extra,
                "regime_bukamal_day": 100.0 + run if run < 2 + 2 * (1 - extra) else math.nan,
                "sdf_baghuz_day": math.nan,
            })
    return pd.DataFrame(rows)


def test_the_printout_defines_its_intervals_and_labels_units():
    text = format_comparison(comparison_table(synthetic_summary(), ["baseline", "other"]), days=120)
    assert INTERVAL_DEFINITIONS in text
    assert "Regime territory at the end, km²" in text
    assert "-28 pp" in text and "%]" not in text  # share differences in percentage points
    assert "(day)" not in text
    assert "— .. —" not in text


def test_the_mean_paired_difference_is_the_difference_of_the_printed_means():
    table = comparison_table(synthetic_summary(), ["baseline", "other"])
    losses = table[table["outcome"] == "regime_losses"].set_index("scenario")
    assert losses.loc["other", "diff_mean"] == losses.loc["other", "mean"] - losses.loc["baseline", "mean"]
    text = format_comparison(table, days=120)
    line = next(line for line in text.splitlines() if line.strip().startswith("other") and "+100 [" in line)
    assert "1,250" in line  # other's mean 1,250 = baseline's 1,150 + 100


def test_outcomes_no_run_reached_are_left_out_with_a_note_and_never_is_counted():
    text = format_comparison(comparison_table(synthetic_summary(), ["baseline", "other"]), days=120)
    assert "Day the SDF takes al-Baghuz" not in text.split("Left out")[0]
    assert "Left out, as no run reached them within the 120 days simulated: Day the SDF takes al-Baghuz" in text
    bukamal = text.split("Day the regime first holds al-Bukamal, date")[1].splitlines()
    assert bukamal[1].split()[-1] == "0/4" and "2/4" in bukamal[2]  # baseline always, other in 2 of 4 runs


def test_one_scenario_prints_no_difference_column():
    summary = synthetic_summary()
    text = format_comparison(comparison_table(summary[summary["scenario"] == "baseline"]))
    assert RANGE_DEFINITION in text and "paired difference" not in text
