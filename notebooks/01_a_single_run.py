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
# # A single run: the baseline, from the siege's end to the last pocket
#
# This notebook runs the **baseline** scenario (the article's world on 2017-09-10, every rule R1-R15 on)
# a few times, then looks at what a run produces: the map on chosen dates, territory and strength by
# side over time, the key places changing hands, the engagements on the map, and the displaced.
# Everything below reads the results *tables* with pandas; no figure needs the live model.

# %%
import os
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Image, display

os.chdir(Path.cwd().parent if Path.cwd().name == "notebooks" else Path.cwd())  # run from the project folder
SMALL = os.environ.get("EUPHRATES_NOTEBOOK_SCALE") == "small"  # the test suite runs the notebooks small
REPLICATIONS = 2 if SMALL else 10
DAYS = 90 if SMALL else None  # None: to the scenario's end, 2019-03-31

# %% [markdown]
# ## Run it
# `replicate` runs the scenario with seeds spawned from one master seed; `write_results` writes the
# tables, the map snapshots and a manifest (the provenance) into a folder, exactly as
# `python run.py run baseline` does.

# %%
import datetime as dt

from sim.experiments.runner import replicate
from sim.experiments.store import read_manifest, read_table, write_results
from sim.scenarios import resolve_scenario

scenario = resolve_scenario("baseline")
results = replicate(scenario, REPLICATIONS, master_seed=20170910, days=DAYS, workers=1)
out = Path("results/notebook_01_single_run")
write_results(out, [scenario], results, master_seed=20170910, started=dt.datetime.now(),
              command="notebooks/01_a_single_run", days=DAYS)
print(f"{sum(r.ok for r in results)} runs, {results[0].seconds:.1f} s for the first; written to {out}")
print(scenario.description)

# %% [markdown]
# ## The tables
# One row per run, day and side in `timeseries`; one row per engagement in `events`; one row each time
# a key place changes hands in `control`; one row per run in `summary`.

# %%
timeseries = read_table(out, "timeseries")
events = read_table(out, "events")
control = read_table(out, "control")
summary = read_table(out, "summary")
manifest = read_manifest(out)
print("code:", manifest["code"], "| seeds:", [r["seed"] for r in manifest["runs"]])
timeseries.head()

# %% [markdown]
# ## The map on chosen dates
# The first run's control layer and units on its snapshot dates, with the engagements of the fortnight
# before each date (crosses).

# %%
from sim.experiments.store import read_snapshots
from sim.geography.export import MapBackdrop
from sim.plots.runs import plot_maps

backdrop = MapBackdrop.load(out / "layers.npz")
snapshots = read_snapshots(out)
display(Image(filename=str(plot_maps(backdrop, snapshots, events, "baseline", 0, out / "maps.png")), width=900))

# %% [markdown]
# ## Territory and strength by side over time
# Median over the runs, with the 10-90% band.

# %%
from sim.plots.runs import plot_territory

display(Image(filename=str(plot_territory(timeseries, out / "territory.png")), width=800))
strength = timeseries.groupby(["side", "date"])["fighters"].median().unstack(0)
strength.index = pd.to_datetime(strength.index)
strength.plot(figsize=(8, 3.5), title="Fighters by side (median over runs)")
plt.show()

# %% [markdown]
# ## Key places changing hands

# %%
changes = control[(control["run_id"] == 0) & (control["day"] > 0)]
changes[changes["place"].isin(["deir_ez_zor", "maadan", "conoco", "suwar", "mayadin", "bukamal", "hajin", "baghuz"])]

# %%
first = control[control["day"] > 0].groupby(["place", "controller"])["day"].min().unstack()
first.loc[[p for p in ("maadan", "deir_ez_zor", "conoco", "suwar", "mayadin", "bukamal") if p in first.index]]

# %% [markdown]
# ## The engagements on the map
# Every engagement of the first run, sized by its losses, on the day-0 map.

# %%
from sim.plots.map import draw_map

run0 = events[events["run_id"] == 0]
fig, ax = plt.subplots(figsize=(7.5, 8))
draw_map(ax, backdrop, labels=True, legend=False, title=f"Engagements of run 0 ({len(run0)})")
ax.scatter(run0["lon"], run0["lat"], s=2 + (run0["attacker_losses"] + run0["defender_losses"]) / 3,
           c="#ff6600", alpha=0.5, zorder=8)
plt.show()
run0.groupby(["attacker", "defender"]).size().rename("engagements").to_frame()

# %% [markdown]
# ## The displaced
# People who fled fighting (each flight counted), and people in the camps at al-Hol and Abu Khashab.

# %%
people = timeseries[timeseries["side"] == "regime"].groupby("date")[["displaced_cum", "in_camps",
                                                                      "civilian_deaths_cum"]].median()
people.index = pd.to_datetime(people.index)
people.plot(subplots=True, figsize=(8, 6), title="Civilians (median over runs)")
plt.show()

# %% [markdown]
# ## The outcomes of each run

# %%
summary[["run_id", "seed", "regime_city_cleared_day", "sdf_conoco_day", "regime_bukamal_day",
         "regime_losses", "isis_losses", "civilian_deaths", "right_bank_regime_share"]]
