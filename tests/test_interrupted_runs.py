"""A run killed between its writes leaves a folder that ``report`` refuses, never one that mixes two runs.

Each file is written atomically, but a run writes several. The old manifest goes first and the new one,
listing every file with its hash, comes last; ``report`` (and every reader) checks the hashes."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.cli import main
from sim.experiments.results_folder import FolderError, check_complete, claim
from sim.experiments.runner import replicate
from sim.experiments.store import read_manifest, write_results
from sim.scenario import baseline

ROOT = Path(__file__).resolve().parents[1]
RUN = ["run", "baseline", "--days", "2", "-n", "1", "--workers", "1"]
KILLED_RUN = """
import os, signal, sys
import sim.experiments.store as store
from sim.cli import main

calls, kill_after = [0], int(sys.argv[1])
real = store.atomic_path

class KillAfterWrite:
    def __init__(self, target):
        self.inner = real(target)
    def __enter__(self):
        return self.inner.__enter__()
    def __exit__(self, *error):
        done = self.inner.__exit__(*error)
        calls[0] += 1
        if calls[0] == kill_after:
            os.kill(os.getpid(), signal.SIGKILL)  # as kill -9 would, between two files
        return done

store.atomic_path = KillAfterWrite
main(sys.argv[2:])
"""


def write_folder(folder: Path, seed: int) -> dict:
    results = replicate(baseline(), 1, seed, days=2)
    write_results(folder, [baseline()], results, master_seed=seed, started=dt.datetime.now(), command="test", days=2)
    return json.loads((folder / "manifest.json").read_text())


def report(folder: Path, capsys) -> tuple[int, str]:
    code = main(["report", str(folder)])
    return code, capsys.readouterr().err


@pytest.mark.parametrize("kill_after", [1, 6, 7])  # after timeseries, after summary, after snapshots
def test_a_run_killed_between_its_writes_over_an_older_folder_is_refused_by_report(tmp_path, capsys, kill_after):
    folder = tmp_path / "baseline"
    old = write_folder(folder, seed=1)
    killed = subprocess.run([sys.executable, "-c", KILLED_RUN, str(kill_after), *RUN, "--seed", "2",
                             "--out", str(folder)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert killed.returncode == -9, killed.stderr[-2000:]
    summary = pd.read_parquet(folder / "summary.parquet")
    if kill_after >= 6:  # the new run's summary sits beside the old run's files: the mix the issue found
        assert summary["seed"].tolist() != [r["seed"] for r in old["runs"]]
    code, error = report(folder, capsys)
    assert code == 2 and "manifest.json does not exist" in error and "interrupted" in error
    assert claim(folder, "run", "baseline") == folder  # the same command may run again there, without --force
    assert not list(folder.glob(".*.write-test*"))
    write_folder(folder, seed=3)  # ... and the next run over the folder makes it whole again
    assert check_complete(folder)["master_seed"] == 3 and not list(folder.glob(".*.partial"))
    with pytest.raises(FolderError, match="another command"):
        claim(folder, "compare", "baseline no_russian_air")


def test_a_folder_whose_file_changed_after_its_manifest_is_refused(tmp_path, capsys):
    folder = tmp_path / "run"
    write_folder(folder, seed=1)
    other = tmp_path / "other"
    write_folder(other, seed=2)
    (folder / "summary.parquet").write_bytes((other / "summary.parquet").read_bytes())
    code, error = report(folder, capsys)
    assert code == 2 and "mixes two runs: summary.parquet" in error
    with pytest.raises(FolderError, match="mixes two runs"):
        read_manifest(folder)  # what the notebooks and validate --results read through


def test_leftover_temporary_files_are_cleaned_and_a_complete_folder_is_reported(tmp_path, capsys):
    folder = tmp_path / "run"
    folder.mkdir()
    for leftover in (".summary.parquet.abc.partial", ".manifest.json.x1.partial"):
        (folder / leftover).write_bytes(b"half")
    manifest = write_folder(folder, seed=1)
    assert not list(folder.glob("*.partial")) and not list(folder.glob(".*.partial"))
    assert set(manifest["files"]) >= {"summary.parquet", "timeseries.parquet", "snapshots.npz", "layers.npz"}
    code, _ = report(folder, capsys)
    assert code == 0 and (folder / "territory.png").exists()


def test_a_manifest_without_its_file_list_is_refused(tmp_path, capsys):
    folder = tmp_path / "old"
    manifest = write_folder(folder, seed=1)
    del manifest["files"]
    (folder / "manifest.json").write_text(json.dumps(manifest))
    code, error = report(folder, capsys)
    assert code == 2 and "lists no files" in error
