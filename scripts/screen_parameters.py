"""Which free parameters the calibration targets constrain: the Morris screening of the calibration
protocol (docs/CALIBRATION.md), read from a finished screening sweep.

    .venv/bin/python run.py sweep sweeps/screening.toml --out results/screening
    .venv/bin/python run.py run historical --replications 10 --out results/noise
    .venv/bin/python scripts/screen_parameters.py results/screening --noise results/noise [--threshold 0.25]

For each calibration target (an outcome of the sweep) every factor's Morris mu* is divided by the
largest mu* on that target. The model is stochastic and the screening runs one replication a point,
so an elementary effect carries the run-to-run noise of two runs: with ``--noise`` (replications at
one point) the noise floor of mu* is E|e1 - e2| / delta = (2 sigma / sqrt(pi)) / delta, sigma the
target's standard deviation over those runs and delta the Morris step. A factor is *identified* when
its mu* clears the noise floor and reaches the relative threshold on at least one target, and *not
identifiable from these targets* otherwise (the data cannot tell its values apart). Prints the
table as Markdown (mu* over the noise floor) and the identified factors, strongest first.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.experiments.analyze import analyze

THRESHOLD = 0.25


def relative_mu_star(indices):
    """Factor x target table of mu* / (largest mu* on that target)."""
    table = indices.pivot(index="factor", columns="outcome", values="mu_star")
    return table / table.max().where(table.max() > 0)


def noise_floor(folder: Path, outcomes: list[str], levels: int) -> pd.Series:
    """mu* that two runs at one point give by chance alone, per outcome (from replicate runs)."""
    runs = pd.read_parquet(folder / "summary.parquet")
    delta = levels / (2 * (levels - 1))
    sigma = runs[[o for o in outcomes if o in runs]].std()
    return 2 * sigma / math.sqrt(math.pi) / delta


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--threshold", type=float, default=THRESHOLD)
    parser.add_argument("--noise", type=Path, default=None, help="a results folder of replications at one point")
    args = parser.parse_args()
    analysis = analyze(args.folder)
    if analysis.design != "morris":
        sys.exit(f"{args.folder}: a {analysis.design} sweep; the screening needs a morris design")
    levels = json.loads((args.folder / "manifest.json").read_text())["design"]["morris_levels"]
    mu = analysis.indices.pivot(index="factor", columns="outcome", values="mu_star")
    relative = relative_mu_star(analysis.indices)
    if args.noise is not None:
        floor = noise_floor(args.noise, list(mu.columns), levels).reindex(mu.columns)
        over = mu / floor.where(floor > 0)
        print("noise floor of mu* per target: " + ", ".join(f"{k} {v:.3g}" for k, v in floor.items()))
    else:
        over = mu * math.inf
    passing = (relative >= args.threshold) & (over > 1)
    strongest = relative.where(over > 1).max(axis=1).fillna(0).sort_values(ascending=False)
    columns = list(relative.columns)
    print("| factor | " + " | ".join(c.replace("_", " ") for c in columns) + " | identified |")
    print("|---|" + "---|" * (len(columns) + 1))
    for factor in strongest.index:
        cells = [f"{relative.loc[factor, c]:.2f} ({over.loc[factor, c]:.1f}x)" if args.noise else
                 f"{relative.loc[factor, c]:.2f}" for c in columns]
        print(f"| {factor} | " + " | ".join(cells) + f" | {'yes' if passing.loc[factor].any() else 'no'} |")
    identified = [f for f in strongest.index if passing.loc[f].any()]
    print(f"\nidentified (relative mu* >= {args.threshold:g} and above the noise on some target): "
          f"{', '.join(identified)}")
    print(f"not identifiable from these targets: {', '.join(f for f in strongest.index if f not in identified)}")
    if analysis.censored:
        print("runs where a dated target never came: " + ", ".join(f"{k} {v}" for k, v in analysis.censored.items()
                                                                     if v))


if __name__ == "__main__":
    main()
