"""``run.py viz`` passes SIGTERM, SIGHUP and SIGINT on to its server and exits cleanly: the port is free
within seconds and no server is left behind (a restart would otherwise fail with "port in use")."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim.cli.viz_command import missing_packages, port_is_free

ROOT = Path(__file__).resolve().parents[1]
START_SECONDS = 120  # solara's first start imports a lot on a busy 2-core machine
STOP_SECONDS = 15


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        text = (task / "children").read_text() if (task / "children").exists() else ""
        found += [int(c) for c in text.split()]
    return found


def alive(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split()[2] != "Z"


@pytest.mark.skipif(bool(missing_packages()), reason="the app's packages are not installed")
@pytest.mark.parametrize("signum", [signal.SIGTERM, pytest.param(signal.SIGHUP, marks=pytest.mark.slow)])
def test_a_signal_to_viz_stops_its_server_and_frees_the_port(signum):
    port = free_port()
    viz = subprocess.Popen([sys.executable, "run.py", "viz", "--port", str(port), "--no-open"], cwd=ROOT,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + START_SECONDS
        while port_is_free(port) and time.monotonic() < deadline and viz.poll() is None:
            time.sleep(0.5)
        assert not port_is_free(port), "the server did not start"
        servers = children(viz.pid)
        assert servers
        viz.send_signal(signum)
        assert viz.wait(timeout=STOP_SECONDS) == 0
        deadline = time.monotonic() + 5
        while not port_is_free(port) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert port_is_free(port)
        assert not any(alive(pid) for pid in servers)
    finally:
        if viz.poll() is None:
            viz.kill()
            viz.wait()
