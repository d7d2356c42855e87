"""``run.py rules --effects``: paired differences per variant, the flag for switches that change
nothing measurable, and bad input refused before anything runs."""

import numpy as np
import pandas as pd
import pytest

from sim.cli import main
from sim.experiments.rule_effects import effects_markdown, effects_table, variants
from sim.rules import RULES
from sim.scenarios import scenario_names


def paired_summary() -> pd.DataFrame:
    """Six paired runs: 'later' takes al-Bukamal 30 days later, 'never' never takes it, 'same' is the baseline."""
    rng = np.random.default_rng(0)
    base = 100 + rng.normal(0, 10, 6)
    rows = []
    for scenario, days in (("baseline", base), ("later", base + 30 + rng.normal(0, 1, 6)),
                           ("never", np.full(6, np.nan)), ("same", base)):
        rows += [{"scenario": scenario, "run_id": i, "seed": i, "regime_bukamal_day": d, "regime_losses": 500.0}
                 for i, d in enumerate(days)]
    return pd.DataFrame(rows)


def test_the_table_gives_paired_differences_and_flags_what_changes_nothing():
    names = ["baseline", "later", "never", "same"]
    table = effects_table(paired_summary(), names, {n: f"what {n} changes" for n in names})
    bukamal = table[table["outcome"] == "regime_bukamal_day"].set_index("scenario")
    assert bukamal.loc["later", "diff_low95"] > 25 and bukamal.loc["later", "moves"]
    assert bukamal.loc["never", "happened"] == 0 and bukamal.loc["never", "moves"]
    assert not bukamal.loc["same", "moves"]
    moves = table.groupby("scenario")["variant_moves"].first()
    assert moves.to_dict() == {"later": True, "never": True, "same": False}
    report = effects_markdown(table, runs=6, days=None, seed=1, command="test")
    assert "same (nothing measurable)" in report and "happens 6→0" in report


def test_every_rule_and_every_shipped_scenario_is_a_variant():
    names = [name for name, _, _ in variants()]
    assert names == [f"{r}_off" for r in RULES] + [n for n in scenario_names() if n != "baseline"]


@pytest.mark.parametrize("arguments, named", [
    (["--effects", "--replications", "1"], "--replications"),
    (["--effects", "--days", "0"], "--days"),
    (["--effects", "--days", "soon"], "--days"),
    (["--replications", "5"], "--replications"),
])
def test_bad_input_stops_with_exit_2_naming_the_option(arguments, named, capsys):
    with pytest.raises(SystemExit) as stopped:
        code = main(["rules", *arguments])
        raise SystemExit(code)
    assert stopped.value.code == 2
    error = capsys.readouterr().err
    assert named in error and ("at least" in error or "whole number" in error or "only go with --effects" in error)
