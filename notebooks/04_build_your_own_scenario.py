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
# # Build your own scenario
#
# A scenario is data: a name, a description of the question it asks, and its changes from what it
# extends — parameter values, rules switched off by id, relations between sides, dated events. You can
# write one in code or as a TOML file; either way it is checked against the one parameter declaration.

# %%
import os
from pathlib import Path

os.chdir(Path.cwd().parent if Path.cwd().name == "notebooks" else Path.cwd())
SMALL = os.environ.get("EUPHRATES_NOTEBOOK_SCALE") == "small"
DAYS = 60 if SMALL else 300

# %% [markdown]
# ## What can be changed
# Every parameter, with its unit, range and source (`python run.py params` prints the same), and the rules.

# %%
from sim.params import DECLARATION
from sim.rules import RULES

for name in ("russian_sorties_per_day", "coalition_sorties_per_day", "sdf_phase2_date", "isis_defection_rate"):
    p = DECLARATION[name]
    print(f"{name} = {p.default}: {p.doc} ({p.allowed}; {p.source})")
print()
for rule in list(RULES.values())[:3]:
    print(f"{rule.id} ({', '.join(rule.paragraphs)}): {rule.statement} Off: {rule.when_off}")

# %% [markdown]
# ## In code
# Start from the baseline, switch the air war off on both sides (R3 and R8), and bring the SDF's
# phase 2 forward. Bad values are refused with the allowed range.

# %%
import dataclasses
import datetime as dt

from sim.params import ParamError
from sim.scenario import baseline

no_air_war = dataclasses.replace(
    baseline().with_params(sdf_phase2_date=dt.date(2017, 12, 1)),
    name="no_air_war",
    description="What if neither Russia nor the coalition had flown? R3 and R8 off, SDF phase 2 in December 2017.",
    rules_off=frozenset({"R3", "R8"}),
)
try:
    no_air_war.with_params(lethality=7)
except ParamError as error:
    print("refused:", error)

# %% [markdown]
# ## As a file
# The same kind of change as TOML: this one opens the desert opposition's way to al-Bukamal a year late.

# %%
from sim.scenarios import ScenarioError, load_scenario

folder = Path("results/notebook_04")
folder.mkdir(parents=True, exist_ok=True)
path = folder / "late_consensus.toml"
path.write_text('''
name = "late_consensus"
description = "What if the US had found its formula (¶5-¶7) only in autumn 2018?"
extends = "baseline"

[[events]]
date = 2018-09-01
kind = "relation"
a = "sdf"
b = "opposition"
relation = "allied"
''')
late = load_scenario(path)
print(late.name, late.events)

bad = folder / "bad.toml"
bad.write_text('name = "bad"\ndescription = "a typo"\n[params]\nrussian_sorteis_per_day = 10\n')
try:
    load_scenario(bad)
except ScenarioError as error:
    print("refused:", error)

# %% [markdown]
# ## Check it and run it
# `python run.py scenarios show FILE` prints what differs from the baseline; here we run both new
# scenarios against the baseline with the same seeds.

# %%
import pandas as pd

from sim.cli.scenarios_command import show
from sim.experiments.compare import comparison_table
from sim.experiments.comparison_printout import format_comparison
from sim.experiments.runner import run_many, spawn_seeds

show(no_air_war)
seeds = spawn_seeds(4, 2 if SMALL else 6)
jobs = [(s, i, seed, DAYS, ()) for s in (baseline(), no_air_war, late) for i, seed in enumerate(seeds)]
runs = [r for r in run_many(jobs, workers=2) if r.ok]
summary = pd.DataFrame([{"scenario": r.scenario, "run_id": r.run_id, **r.summary} for r in runs])
table = comparison_table(summary, ["baseline", "no_air_war", "late_consensus"])
print(format_comparison(table[table["outcome"].isin(["regime_city_cleared_day", "regime_losses", "isis_losses",
                                                      "civilian_deaths"])]))
