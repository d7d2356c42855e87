"""Worker processes die with the process that started them.

A pool's workers (joblib's loky, a local Dask cluster's) otherwise outlive a parent killed with
``kill -9`` for as long as their own time-outs run (about a minute), still computing runs nobody
will collect. ``exit_with_parent`` runs once in each worker and ends it within
``PARENT_POLL_SECONDS`` of its parent's death (the worker is then re-parented, so its parent id changes).
"""

from __future__ import annotations

import os
import threading
import time

PARENT_POLL_SECONDS = 1.0


def exit_with_parent() -> None:
    """In a worker: watch the parent process from a daemon thread and exit when it is gone."""
    parent = os.getppid()
    if getattr(exit_with_parent, "watching", False):
        return
    exit_with_parent.watching = True

    def watch() -> None:
        while True:
            time.sleep(PARENT_POLL_SECONDS)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def local_pool(workers: int):
    """joblib's reusable loky pool of ``workers`` processes, each of which exits with this process."""
    from joblib.externals.loky import get_reusable_executor

    return get_reusable_executor(max_workers=workers, initializer=exit_with_parent)
