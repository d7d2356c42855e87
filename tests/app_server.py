"""Start the browser app exactly as ``run.py viz`` does, on a free port, cut off from the internet.

The server's own outgoing requests go to a dead proxy, so the page can only load if everything it
needs is installed locally (the solara-assets front end); the browser test blocks the browser's
outgoing requests the same way.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sim.cli.viz_command import HOST, server_command, server_environment

DEAD_PROXY = "http://127.0.0.1:9"  # the discard port: nothing listens, every proxied request fails at once
NO_INTERNET = {
    "HTTP_PROXY": DEAD_PROXY, "HTTPS_PROXY": DEAD_PROXY, "http_proxy": DEAD_PROXY, "https_proxy": DEAD_PROXY,
    "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost",
}
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through a proxy


@dataclass
class RunningApp:
    """A served app: its address, its server process and the server's log."""

    url: str
    port: int
    process: subprocess.Popen
    log: Path
    seconds_to_start: float

    def log_tail(self, lines: int = 40) -> str:
        """The last lines the server printed, for failure messages."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def running_app(timeout: float = 120.0) -> Iterator[RunningApp]:
    """Serve the app until the block ends; raise with the server's log if it does not come up."""
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "server.log"
        with open(log, "wb") as sink:
            started = time.perf_counter()
            process = subprocess.Popen(
                server_command(port, open_browser=False),
                env={**server_environment(), **NO_INTERNET},
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
            app = RunningApp(f"http://{HOST}:{port}/", port, process, log, 0.0)
            try:
                wait_until_ready(app, timeout)
                app.seconds_to_start = time.perf_counter() - started
                yield app
            finally:
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=15)


def wait_until_ready(app: RunningApp, timeout: float) -> None:
    """Return once the server answers its readiness check; raise with its log if it exits or stays silent."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if app.process.poll() is not None:
            raise RuntimeError(f"the app server exited with code {app.process.returncode}:\n{app.log_tail()}")
        try:
            with DIRECT.open(app.url + "readyz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"the app server did not answer within {timeout:.0f} s:\n{app.log_tail()}")
