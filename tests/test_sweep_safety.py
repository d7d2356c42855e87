"""A sweep folder is locked while a sweep runs in it, a killed parent takes its workers with it, the
local Dask cluster opens no dashboard, and analyze refuses a sweep that is not finished."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim.cli import main
from sim.experiments.analyze import analyze
from sim.experiments.design import load_sweep
from sim.experiments.results_folder import FolderError
from sim.experiments.sweep import run_sweep, sweep_lock

ROOT = Path(__file__).resolve().parents[1]
TINY = """name = "tiny"
description = "Two points, one run each, four days."
design = "lhs"
samples = 2
replications = 1
seed = 5
days = 4
outcomes = ["regime_losses", "isis_losses"]
[factors.lethality]
range = [0.01, 0.03]
"""


def spec(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.toml"
    path.write_text(TINY)
    return path


def test_a_second_sweep_in_a_locked_folder_says_so_and_exits_2(tmp_path, capsys):
    out = tmp_path / "out"
    with sweep_lock(out):  # as a running sweep holds it (the kernel's lock: another open file conflicts)
        code = main(["sweep", str(spec(tmp_path)), "--out", str(out), "--resume", "--workers", "1"])
        error = capsys.readouterr().err
    assert code == 2 and f"a sweep is running in {out} (process {os.getpid()})" in error
    assert not (out / "runs").exists()  # nothing recomputed
    assert main(["sweep", str(spec(tmp_path)), "--out", str(out), "--workers", "1"]) == 0  # free once released


def test_the_lock_goes_with_a_process_killed_outright(tmp_path):
    out = tmp_path / "out"
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time\nfrom sim.experiments.sweep import sweep_lock\n"
                               "from pathlib import Path\nwith sweep_lock(Path(sys.argv[1])):\n"
                               "    print('held', flush=True)\n    time.sleep(60)\n", str(out)],
                              cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(Exception, match="a sweep is running"), sweep_lock(out):
            pass
    finally:
        holder.kill()
        holder.wait()
    with sweep_lock(out):  # free again: a kill -9 leaves no stale lock
        pass


PARENT = """
import os, sys, time
from pathlib import Path
from sim.experiments.worker_lifetime import local_pool

def long_run(marker):
    Path(marker).write_text(str(os.getpid()))
    time.sleep(120)  # a run in progress: a worker without a watcher would finish it before noticing

pool = local_pool(1)
pool.submit(long_run, sys.argv[1])
while not Path(sys.argv[1]).exists():
    time.sleep(0.1)
os.kill(os.getpid(), 9)
"""


def test_a_killed_parent_takes_its_busy_pool_workers_with_it(tmp_path):
    marker = tmp_path / "worker.pid"
    subprocess.run([sys.executable, "-c", PARENT, str(marker)], cwd=ROOT, capture_output=True, timeout=120)
    worker = int(marker.read_text())
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and Path(f"/proc/{worker}").exists():
        time.sleep(0.2)
    assert not Path(f"/proc/{worker}").exists() or "Z" in Path(f"/proc/{worker}/stat").read_text().split()[2]


def test_the_local_dask_cluster_listens_on_no_dashboard_port():
    pytest.importorskip("dask.distributed")
    from sim.cli.viz_command import port_is_free
    from sim.experiments.sweep import open_executor

    if not port_is_free(8787):
        pytest.skip("something else listens on 8787")
    with open_executor(1, "local") as executor:
        assert executor.submit(os.getpid).result() != os.getpid()
        assert port_is_free(8787)


def test_analyze_refuses_an_unfinished_or_changed_sweep(tmp_path, capsys):
    out = tmp_path / "out"
    run_sweep(load_sweep(spec(tmp_path)), out, workers=1)
    assert analyze(out).indices is not None
    manifest = json.loads((out / "manifest.json").read_text())
    (out / "manifest.json").write_text(json.dumps({**manifest, "finished": None}))
    assert main(["analyze", str(out)]) == 2
    assert "is not finished" in capsys.readouterr().err
    (out / "manifest.json").write_text(json.dumps(manifest))
    (out / "results.parquet").write_bytes((out / "design.parquet").read_bytes())
    with pytest.raises(FolderError, match=r"mixes two runs: results\.parquet"):
        analyze(out)
