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
# The article makes claims; each is a rule the model can switch off or change. Here the baseline is
# compared with three counterfactuals:
#
# * **deconfliction_breaks**: R1 off, the SDF and the regime fight where they meet (¶8 says they never do);
# * **no_russian_air**: no Russian sorties (¶2: "backed by Russian air cover");
# * **opposition_consensus**: the desert opposition allies with the SDF and gets coalition air (¶5-¶7).
#
# Every scenario runs with the **same seeds** (common random numbers), and the model's random draws are
# keyed by day and by what they concern, so the paired runs stay in step wherever the scenarios do not
# differ. Differences are then measured run by run, which gives much narrower intervals than comparing
# two independent sets of runs.

# %%
import datetime as dt
import os
from pathlib import Path

from IPython.display import Image, display

os.chdir(Path.cwd().parent if Path.cwd().name == "notebooks" else Path.cwd())
SMALL = os.environ.get("EUPHRATES_NOTEBOOK_SCALE") == "small"
REPLICATIONS = 3 if SMALL else 12
DAYS = 90 if SMALL else None

# %%
from sim.experiments.runner import default_snapshot_days, run_many, spawn_seeds
from sim.experiments.store import read_table, write_results
from sim.scenarios import resolve_scenario

names = ["baseline", "deconfliction_breaks", "no_russian_air", "opposition_consensus"]
scenarios = [resolve_scenario(n) for n in names]
seeds = spawn_seeds(20170910, REPLICATIONS)
jobs = [(s, i, seed, DAYS, default_snapshot_days(s, DAYS)) for s in scenarios for i, seed in enumerate(seeds)]
results = run_many(jobs, workers=2)
out = Path("results/notebook_02_what_if")
write_results(out, scenarios, results, master_seed=20170910, started=dt.datetime.now(),
              command="notebooks/02_what_if", days=DAYS)
print(f"{sum(r.ok for r in results)} of {len(results)} runs ok")

# %% [markdown]
# ## The comparison table
# For each outcome and scenario: the median and 95% range of the runs, and the **paired difference**
# against the baseline with its 95% confidence interval.

# %%
from sim.experiments.compare import comparison_table, format_comparison

summary = read_table(out, "summary")
table = comparison_table(summary, names)
print(format_comparison(table[table["outcome"].isin(
    ["regime_city_cleared_day", "regime_bukamal_day", "regime_sdf_engagements", "right_bank_regime_share",
     "left_bank_sdf_share", "regime_losses", "civilian_deaths"])]))

# %% [markdown]
# ## Paired against unpaired
# The same runs, compared as if they were independent (Welch's interval), and paired by seed:

# %%
cols = ["outcome", "scenario", "diff_mean", "diff_low95", "diff_high95", "unpaired_low95", "unpaired_high95"]
view = table[(table["scenario"] != "baseline") & table["outcome"].isin(["regime_losses", "isis_losses",
                                                                          "civilian_deaths"])][cols]
view.assign(paired_width=view.diff_high95 - view.diff_low95, unpaired_width=view.unpaired_high95 - view.unpaired_low95)

# %% [markdown]
# ## The distributions and the territory

# %%
from sim.plots.compare import plot_outcome_distributions
from sim.plots.runs import plot_territory

display(Image(filename=str(plot_outcome_distributions(summary, out / "outcomes.png")), width=950))
display(Image(filename=str(plot_territory(read_table(out, "timeseries"), out / "territory.png")), width=850))

# %% [markdown]
# ## What the differences mean, and what they do not
#
# * **Deconfliction breaks**: the regime and the SDF now fight (the count of regime-SDF engagements is
#   zero in the baseline by construction, R1); the fights fall where their advances meet, around the
#   city's left bank and the crossings. How many, and what they cost, depends on the model's combat
#   assumptions, not on any record: treat the sign and the order of magnitude, not the exact figure.
# * **No Russian air**: the regime's advance slows and costs it more relative to ISIS. The size of the
#   effect comes from `russian_sorties_per_day` and `kills_per_sortie`, both assumptions; the sweep
#   notebook shows how much they matter.
# * **Opposition consensus**: a third force in the Badia changes who reaches the border first only if
#   it can cross the desert in time; watch the al-Bukamal date and the right-bank share.
#
# What the intervals do **not** say: they measure the model's own randomness under fixed parameters. The
# uncertainty of the parameters themselves (and of the model's structure) is larger; use sweeps for the
# first and the validation scorecard for the second.
