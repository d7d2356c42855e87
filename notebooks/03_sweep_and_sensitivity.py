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
# # A sweep and its sensitivity analysis
#
# Which uncertainties drive the outcome? A sweep runs the model over ranges of parameters. This notebook
# runs a small Latin-hypercube sweep **on a local process pool from inside the kernel** (joblib's loky
# executor, which can run work started from a notebook), analyses it, and shows how the same sweep moves
# to a Dask cluster.

# %%
import dataclasses
import os
from pathlib import Path

from IPython.display import Image, display

os.chdir(Path.cwd().parent if Path.cwd().name == "notebooks" else Path.cwd())
SMALL = os.environ.get("EUPHRATES_NOTEBOOK_SCALE") == "small"

# %% [markdown]
# ## The specification
# `sweeps/quick_lhs.toml` asks how lethality, ISIS's prepared defences and Russian sorties move the
# city's fall and the race to al-Bukamal. Every factor is checked against the parameter declaration.

# %%
from sim.experiments.design import design_points, load_sweep

spec = load_sweep("sweeps/quick_lhs.toml")
if SMALL:
    spec = dataclasses.replace(spec, samples=6, replications=1, days=40)
print(spec.description)
design_points(spec).head()

# %% [markdown]
# ## Run it on the local cores
# Each finished run is written at once as `runs/<run_id>.parquet`; the merged `results.parquet` comes at
# the end, and `manifest.json` records the design, the seeds and each run's status.

# %%
import shutil

from sim.experiments.sweep import run_sweep

out = Path("results/notebook_03_sweep")
shutil.rmtree(out, ignore_errors=True)
report = run_sweep(spec, out, workers=2)
print(report.line())

# %% [markdown]
# ## Sensitivity
# For a Latin hypercube, Spearman rank correlations; a Sobol design gives first-order and total indices
# with confidence intervals, a Morris design mu* and sigma (`sweeps/air_isis_phase2.toml` is a Sobol sweep).

# %%
from sim.experiments.analyze import analyze
from sim.plots.sweep import plot_heatmap, plot_indices, plot_main_effects

analysis = analyze(out)
display(analysis.indices)
folder = out / "analysis"
display(Image(filename=str(plot_main_effects(analysis, folder / "main_effects.png")), width=900))
display(Image(filename=str(plot_indices(analysis, folder / "indices.png")), width=900))
heatmap = plot_heatmap(analysis, analysis.outcomes.columns[0], folder / "heatmap.png")
if heatmap:
    display(Image(filename=str(heatmap), width=500))

# %% [markdown]
# ## The same sweep on a Dask cluster
# The code that runs one point is the same; only the executor changes. On a real cluster:
#
# ```sh
# python run.py sweep sweeps/quick_lhs.toml --out results/lhs --scheduler tcp://scheduler-host:8786
# ```
#
# or from Python, `run_sweep(spec, out, scheduler="tcp://scheduler-host:8786")`. Here a `LocalCluster`
# stands in for it (it needs the `cluster` extra, `pip install ".[cluster]"`):

# %%
tiny = dataclasses.replace(spec, samples=3, replications=1, days=20)
dask_out = Path("results/notebook_03_sweep_dask")
shutil.rmtree(dask_out, ignore_errors=True)
print(run_sweep(tiny, dask_out, workers=2, scheduler="local").line())
