"""Shared fixtures (the map at the default cell size, built once per test session) and the suite's
guards: hypothesis derandomised in CI, and a memory cap per test (tests/guards.py) so that a broken
mechanism fails fast instead of eating the machine; the time limit per test is pytest-timeout's
(``timeout`` in pyproject.toml)."""

import os

import pytest
from hypothesis import settings

from sim.geography import load_map
from tests.guards import memory_cap

#: "ci" (where CI is set): the same examples on every run, no example database, and a failure's blob to
#: replay it; "dev" (elsewhere): fresh examples each run, the blob printed to reproduce a failure.
#: HYPOTHESIS_PROFILE chooses one by name.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

#: the most resident memory a test may bring the test process to (EUPHRATES_TEST_MEMORY_GB changes it)
MEMORY_CAP_BYTES = int(float(os.environ.get("EUPHRATES_TEST_MEMORY_GB", "6")) * 2**30)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """Each test, its fixtures' set-up and tear-down included, runs under the memory cap."""
    with memory_cap(MEMORY_CAP_BYTES, item.nodeid):
        yield


@pytest.fixture(scope="session")
def valley_map():
    return load_map(2.0)
