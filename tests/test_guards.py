"""The suite's guards against runaway tests (issue 20): a memory cap that interrupts a test, a time
limit per test, and hypothesis derandomised on CI."""

import time

import numpy as np
import pytest
from hypothesis import settings

from tests.guards import MemoryCapError, memory_cap, resident_bytes


def test_a_block_that_allocates_without_end_is_stopped_at_its_memory_cap():
    cap = resident_bytes() + 200 * 2**20
    hoard = []
    started = time.perf_counter()
    with pytest.raises(MemoryCapError, match="the hoarder"), memory_cap(cap, "the hoarder"):
        for _ in range(300):  # up to 3 GB, 10 MB at a time, each page touched
            hoard.append(np.ones(10 * 2**20 // 8))
            time.sleep(0.005)
    assert len(hoard) < 100 and time.perf_counter() - started < 30
    hoard.clear()


def test_a_block_within_its_cap_runs_to_the_end():
    with memory_cap(resident_bytes() + 500 * 2**20):
        block = np.ones(10 * 2**20 // 8)
        time.sleep(0.3)
    assert block.sum() == block.size


def test_every_test_has_a_time_limit(pytestconfig):
    assert 0 < float(pytestconfig.getini("timeout")) <= 600


def test_hypothesis_draws_the_same_examples_on_ci():
    assert settings.get_profile("ci").derandomize and settings.get_profile("ci").database is None
