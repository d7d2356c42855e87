"""Shared fixtures: the map at the default cell size, built once per test session."""

import pytest

from sim.geography import load_map


@pytest.fixture(scope="session")
def valley_map():
    return load_map(2.0)
