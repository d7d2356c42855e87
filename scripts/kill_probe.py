"""Kill ``run.py run`` with SIGKILL at random moments over an existing results folder, and count the
folders that ``report`` would accept although they mix two runs.

    python scripts/kill_probe.py [--kills 19] [--seed 1]

Each round writes a complete folder with one master seed, starts a run with another seed over it,
kills it at a uniformly random moment within the time an uninterrupted run takes, then reads the folder
as ``report`` does (``read_manifest``). An accepted folder is mixed if its tables' seeds are not the ones
its manifest's master seed spawns. Prints one line per kill and the totals the issue note reports.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.experiments.results_folder import FolderError  # noqa: E402
from sim.experiments.runner import spawn_seeds  # noqa: E402
from sim.experiments.store import read_manifest  # noqa: E402

RUN = ["run.py", "run", "baseline", "--days", "3", "-n", "2", "--workers", "1"]


def run(folder: Path, seed: int, kill_after: float | None = None) -> float:
    """Run into ``folder``; kill it after ``kill_after`` seconds if given; the seconds it took."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, *RUN, "--seed", str(seed), "--out", str(folder)], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        process.wait(timeout=kill_after)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    return time.perf_counter() - started


def verdict(folder: Path) -> str:
    """"refused", "accepted" (consistent) or "MIXED" (accepted although it mixes two runs)."""
    try:
        manifest = read_manifest(folder)
    except FolderError:
        return "refused"
    seeds = sorted(pd.read_parquet(folder / "summary.parquet")["seed"])
    expected = sorted(spawn_seeds(manifest["master_seed"], len(manifest["runs"])))
    return "accepted" if seeds == expected else "MIXED"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=19)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    chance = random.Random(args.seed)
    totals = {"refused": 0, "accepted": 0, "MIXED": 0}
    partials = 0
    with tempfile.TemporaryDirectory() as root:
        folder = Path(root) / "baseline"
        duration = run(folder, seed=1)
        for kill in range(args.kills):
            run(folder, seed=100 + kill)  # a complete older folder
            moment = chance.uniform(0, duration)
            run(folder, seed=1000 + kill, kill_after=moment)
            result = verdict(folder)
            totals[result] += 1
            partials += len(list(folder.glob(".*.partial")))
            print(f"kill {kill + 1}: after {moment:.1f} of {duration:.1f} s -> {result}", flush=True)
        run(folder, seed=2)
        remaining = len(list(folder.glob(".*.partial")))
    print(f"{args.kills} kills: {totals['refused']} refused by report, {totals['accepted']} complete and "
          f"accepted, {totals['MIXED']} mixing two runs accepted; .partial files: {partials} left by the kills, "
          f"{remaining} after the next run")


if __name__ == "__main__":
    main()
