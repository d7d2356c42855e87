"""Kill ``run.py run`` with SIGKILL at random moments over an existing results folder, and count the
folders that ``report`` would accept although they mix two runs.

    python scripts/kill_probe.py [--kills 19] [--seed 1] [--in-writes]

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

WRITE_WINDOW_SECONDS = 2.0  # writing the tables, snapshots and map of a short run takes about this long
RUN = ["run.py", "run", "baseline", "--days", "3", "-n", "2", "--workers", "1"]


def run(folder: Path, seed: int, kill_after: float | None = None, in_writes: bool = False) -> float:
    """Run into ``folder``; kill it ``kill_after`` seconds after it starts (or, ``in_writes``, after it has
    begun writing: once the old manifest is gone); the seconds it took."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, *RUN, "--seed", str(seed), "--out", str(folder)], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if in_writes:
        while (folder / "manifest.json").exists() and process.poll() is None:
            time.sleep(0.01)
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
    parser.add_argument("--in-writes", action="store_true",
                        help=f"kill within {WRITE_WINDOW_SECONDS} s after the run starts writing its folder "
                        "(the moment the issue's mixed folders came from) instead of at any moment")
    args = parser.parse_args()
    chance = random.Random(args.seed)
    totals = {"refused": 0, "accepted": 0, "MIXED": 0}
    partials = 0
    with tempfile.TemporaryDirectory() as root:
        folder = Path(root) / "baseline"
        duration = run(folder, seed=1)
        for kill in range(args.kills):
            run(folder, seed=100 + kill)  # a complete older folder
            moment = chance.uniform(0, WRITE_WINDOW_SECONDS if args.in_writes else duration)
            run(folder, seed=1000 + kill, kill_after=moment, in_writes=args.in_writes)
            result = verdict(folder)
            totals[result] += 1
            partials += len(list(folder.glob(".*.partial")))
            when = f"{moment:.2f} s into its writes" if args.in_writes else f"after {moment:.1f} of {duration:.1f} s"
            print(f"kill {kill + 1}: {when} -> {result}", flush=True)
        run(folder, seed=2)
        remaining = len(list(folder.glob(".*.partial")))
    print(f"{args.kills} kills: {totals['refused']} refused by report, {totals['accepted']} complete and "
          f"accepted, {totals['MIXED']} mixing two runs accepted; .partial files: {partials} left by the kills, "
          f"{remaining} after the next run")


if __name__ == "__main__":
    main()
