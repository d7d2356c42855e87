"""A memory cap for a running test: a thread reads the process's resident memory and, over the cap,
interrupts the main thread (SIGUSR1, whose handler raises MemoryCapError), so a broken mechanism
that allocates without end fails its test in seconds instead of eating the machine."""

from __future__ import annotations

import os
import signal
import threading
from contextlib import contextmanager

WATCH_SECONDS = 0.2  # how often the watch reads the process's resident memory
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


class MemoryCapError(Exception):
    """A test brought the test process over its memory cap."""


def resident_bytes() -> int:
    """The resident memory of this process now (Linux: /proc/self/statm)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE_BYTES


@contextmanager
def memory_cap(cap_bytes: int, what: str = "the test"):
    """Run the block with the process's resident memory capped at ``cap_bytes``: past it the block is
    interrupted by MemoryCapError. Only from the main thread (elsewhere the block runs unwatched)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    stop = threading.Event()
    main = threading.main_thread().ident

    def watch() -> None:
        while not stop.wait(WATCH_SECONDS):
            if resident_bytes() > cap_bytes:
                signal.pthread_kill(main, signal.SIGUSR1)
                return

    def over_the_cap(signum, frame):
        raise MemoryCapError(f"{what} took the process over {cap_bytes / 2**30:.2f} GB resident")

    previous = signal.signal(signal.SIGUSR1, over_the_cap)
    thread = threading.Thread(target=watch, name="memory-cap", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        signal.signal(signal.SIGUSR1, previous)
