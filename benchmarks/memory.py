"""Peak memory of the current process, for the benchmarks."""

from __future__ import annotations

from pathlib import Path


def peak_mb() -> float:
    """This process's peak resident memory, MB. Read from VmHWM, not ru_maxrss: on Linux a child's
    ru_maxrss starts from its parent's peak at the fork, which would charge the parent's memory to
    every run measured in a child process."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    import resource  # not Linux: the best there is

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
