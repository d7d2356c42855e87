"""``run.py viz``: serve the browser app (the Solara page in ``sim/app.py``) on 127.0.0.1."""

from __future__ import annotations

import argparse
import importlib.util
import os
import signal
import socket
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from sim.cli.common import UserInputError

HOST = "127.0.0.1"  # this machine only: the app runs models for whoever reaches it
DEFAULT_PORT = 8765
FORWARDED_SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)
STOP_GRACE_SECONDS = 10  # a server asked to stop that is still up after this is killed
PR_SET_PDEATHSIG = 1  # prctl option (linux/prctl.h): the signal a process gets when its parent dies
APP_MODULE = "sim.app"
ROOT = Path(__file__).resolve().parents[2]
SERVER_SETTINGS = {
    "SOLARA_ASSETS_PROXY": "True",  # serve the front end from the local cache that solara-assets fills
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",  # no usage reports sent from the server
    "SOLARA_THEME_SHOW_BANNER": "False",  # no "This website runs on Solara" over the page's corner
    # Solara warns on every page load that it falls back to SameSite=lax cookies when served over plain
    # http on 127.0.0.1; that fallback is what a local app wants, so the warning is left out of the log.
    "PYTHONWARNINGS": "ignore:Cookies with samesite=none require https:UserWarning",
}


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "viz",
        help="serve the interactive map in the browser (a Solara page) on 127.0.0.1",
        description="Serve the browser app on http://127.0.0.1:PORT: the campaign map with control, "
        "units and engagements; play, step and reset; the scenario, the parameters most worth turning "
        "and the rules R1-R15 as controls; live plots of territory and strength by side and key places "
        "changing hands. The page needs no internet access (its front end comes from solara-assets). "
        "Stop it with Ctrl-C.",
    )
    parser.add_argument(
        "--port", type=port_number, default=DEFAULT_PORT, metavar="P", help=f"port (default {DEFAULT_PORT})"
    )
    parser.add_argument(
        "--open",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="open the page in the default browser once the server is up (default: yes)",
    )
    parser.set_defaults(handler=run)


def port_number(text: str) -> int:
    """A TCP port from 1 to 65535."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 1 to 65535, got {port}")
    return port


def port_is_free(port: int) -> bool:
    """Whether a server could listen on ``port`` of 127.0.0.1 now."""
    with socket.socket() as probe:
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
    return True


def missing_packages() -> list[str]:
    """What the app needs and is not installed, each with why."""
    missing = []
    for module, package in (("solara", "solara"), ("altair", "mesa[viz]")):
        if importlib.util.find_spec(module) is None:
            missing.append(f"{package} (the browser app)")
    if importlib.util.find_spec("solara_assets") is None:
        missing.append("solara-assets (the page's front end, served locally so the page loads offline)")
    try:
        if int(metadata.version("ipyvuetify").split(".")[0]) >= 3:
            missing.append("ipyvuetify<3 (ipyvuetify 3 needs front-end files solara-assets does not ship)")
    except metadata.PackageNotFoundError:
        missing.append("ipyvuetify<3 (the page's widgets)")
    return missing


def server_command(port: int, *, open_browser: bool) -> list[str]:
    """The command that serves the app: ``solara run`` on 127.0.0.1 in production mode (no calls home)."""
    return [
        sys.executable, "-m", "solara", "run", APP_MODULE, "--host", HOST, "--port", str(port), "--production",
        "--no-check-version", "--open" if open_browser else "--no-open", "--no-access-log",
    ]


def server_environment() -> dict[str, str]:
    """This process's environment with the app's offline settings and the project on the import path."""
    env = {**os.environ, **SERVER_SETTINGS}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def run(args) -> int:
    missing = missing_packages()
    if missing:
        raise UserInputError(
            "the browser app needs packages that are not installed: " + "; ".join(missing)
            + ". Install the project's dependencies again (make test, or pip install -e .)."
        )
    if not port_is_free(args.port):
        raise UserInputError(f"port {args.port} on {HOST} is in use (another app?); choose another with --port")
    print(f"serving the app on http://{HOST}:{args.port} (Ctrl-C stops it)", flush=True)
    return serve(server_command(args.port, open_browser=args.open), server_environment())


def serve(command: list[str], env: dict[str, str]) -> int:
    """Run the server until it ends; SIGTERM, SIGHUP or SIGINT sent to this process is passed on to the
    server, which is waited for (and killed after ``STOP_GRACE_SECONDS``), so the port is free when
    this returns. The server also dies with this process if it is killed outright (``PR_SET_PDEATHSIG``)."""
    server = subprocess.Popen(command, env=env, preexec_fn=die_with_parent)
    received: list[int] = []

    def forward(signum, _frame) -> None:
        received.append(signum)
        if server.poll() is None:
            server.send_signal(signum)

    previous = {signum: signal.signal(signum, forward) for signum in FORWARDED_SIGNALS}
    try:
        while True:
            try:
                code = server.wait(timeout=STOP_GRACE_SECONDS if received else None)
                break
            except subprocess.TimeoutExpired:  # asked to stop and did not: make sure it goes
                server.kill()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if server.poll() is None:
            server.kill()
            server.wait()
    return 0 if received else code


def die_with_parent() -> None:
    """In the server's process, before it starts: the kernel sends it SIGTERM when its parent dies (Linux)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: the signal forwarding above still applies
        pass
