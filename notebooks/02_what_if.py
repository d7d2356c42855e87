# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # What if? Three counterfactuals against the baseline
#
# The article makes claims; each is a rule the model can switch off or a parameter it can change. Here the
# baseline is compared with three counterfactuals:
#
# * **deconfliction_breaks**: R1 off, the SDF and the regime fight where they meet (¶8 says they never do);
# * **no_russian_air**: no Russian sorties (¶2: "backed by Russian air cover");
# * **opposition_consensus**: the desert opposition allies with the SDF and gets coalition air (¶5-¶7).
#
# `compare_scenarios` is the Python twin of `run.py compare`: one call runs every scenario with the
# **same seeds** (common random numbers), writes the results folder and returns the comparison. The model's
# random draws are keyed by day and by what they concern, so paired runs stay in step wherever the scenarios
# do not differ, and differences are measured run by run.

# %%
import os
from pathlib import Path

from IPython.display import Image, Markdown, display

from sim.experiments.scenario_comparison import compare_scenarios

SMALL = os.environ.get("EUPHRATES_NOTEBOOK_SCALE") == "small"  # the test suite runs a small version
REPLICATIONS = 3 if SMALL else 12
DAYS = 90 if SMALL else None  # None: to each scenario's end date
RESULTS = Path("../results" if Path.cwd().name == "notebooks" else "results")

comparison = compare_scenarios(
    ["baseline", "deconfliction_breaks", "no_russian_air", "opposition_consensus"],
    replications=REPLICATIONS, days=DAYS, out=RESULTS / "notebook_02_what_if", workers=os.cpu_count() or 1,
)
print(f"{len(comparison.results) - comparison.failed} of {len(comparison.results)} runs ok, in {comparison.folder}")

# %% [markdown]
# ## The comparison, as `run.py compare` prints it
# Above the table, what each column is: the median and mean over the runs, the middle 95% of the runs,
# how many runs never reached the outcome, and the **mean paired difference** against the baseline with its
# 95% confidence interval.

# %%
print(comparison.printout())

# %% [markdown]
# ## Reading the table
# `comparison.table` has one row per outcome and scenario; `comparison.summary` one row per run. For
# instance, the paired differences of a few outcomes (days for dates, fractions for shares):

# %%
table = comparison.table
headline = ["regime_city_cleared_day", "regime_bukamal_day", "regime_sdf_engagements", "right_bank_regime_share",
            "regime_losses", "civilian_deaths"]
differences = table[(table["scenario"] != "baseline") & table["outcome"].isin(headline)]
differences[["outcome", "scenario", "paired_runs", "diff_mean", "diff_low95", "diff_high95"]]

# %% [markdown]
# ## What these runs say
# The sentences below are written from the table of this very run, so they stay true whatever the number
# of runs or days: a difference is called clear when its 95% interval leaves out zero.

# %%
from sim.experiments.comparison_printout import format_value, unit_of


def sentence(row) -> str:
    if row["paired_runs"] < 2:
        return f"* **{row['scenario']}**, {row['label']}: too few runs reached it in both scenarios to tell."
    mean, low, high = (format_value(row[k], row["kind"], difference=True)
                       for k in ("diff_mean", "diff_low95", "diff_high95"))
    unit = "" if row["kind"] in ("day", "share") else f" {unit_of(row['kind'], row['unit'])}"
    clear = row["diff_low95"] > 0 or row["diff_high95"] < 0
    verdict = "a clear difference" if clear else "no difference these runs can tell from zero"
    return (f"* **{row['scenario']}**, {row['label']}: {mean}{unit} on average over {row['paired_runs']} paired "
            f"runs (95% interval {low} to {high}): {verdict}.")


display(Markdown("\n".join(sentence(row) for _, row in differences.iterrows())))

# %% [markdown]
# ## The figures
# `differences.png`: each paired difference with its 95% interval, zero marked. `outcomes.png`: every run
# of each headline outcome. Both are drawn from the folder's files, as `run.py report` would.

# %%
from sim.plots.report import draw_run_figures

figures = {path.name: path for path in draw_run_figures(comparison.folder)}
display(Image(filename=str(figures["differences.png"]), width=850))
display(Image(filename=str(figures["outcomes.png"]), width=950))

# %% [markdown]
# ## What the differences mean, and what they do not
#
# * **Deconfliction breaks**: by construction the baseline has no regime-SDF engagements (R1); any that
#   appear come from switching R1 off. Their number and cost follow from the model's combat assumptions, not
#   from any record: read the sign and the order of magnitude, not the exact figure.
# * **No Russian air**: the size of any effect comes from `russian_sorties_per_day` and `kills_per_sortie`,
#   both assumptions; the sweep notebook shows how much they matter.
# * **Opposition consensus**: a third force in the Badia can only change who reaches the border first if it
#   crosses the desert in time; the al-Bukamal date and the right-bank share are where to look.
#
# What the intervals do **not** say: they measure the model's own randomness under fixed parameters. The
# uncertainty of the parameters themselves (and of the model's structure) is larger; use sweeps for the
# first and the validation scorecard for the second.
