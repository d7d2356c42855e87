"""Keyed random draws: the same address gives the same draws, and no two addresses share any."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.randomness import STREAMS, KeyedDraws

days = st.integers(0, 2000)
keys = st.integers(0, 2**31)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32), day=days, key=keys, stream=st.sampled_from(STREAMS))
def test_neighbouring_addresses_share_no_draws(seed, day, key, stream):
    """A purpose's draws must not run into the next day's or the next key's (a counter overlap would
    make one day's draws a shifted copy of the day before)."""
    draws = KeyedDraws(seed)
    here = draws.generator(stream, day, key).random(4096)
    for other in ((day + 1, key), (day, key + 1), (day + 1, key + 1), (day, key, 1)):
        there = draws.generator(stream, *other).random(4096)
        assert not np.intersect1d(here, there).size, other


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32), day=days)
def test_one_days_uniforms_are_not_the_day_befores(seed, day):
    draws = KeyedDraws(seed)
    today = draws.uniforms("movement", day, 600).copy()
    tomorrow = draws.uniforms("movement", day + 1, 600)
    assert not np.intersect1d(today, tomorrow).size
    assert abs(np.corrcoef(today[:600], tomorrow[:600])[0, 1]) < 0.2


def test_the_same_address_gives_the_same_draws_whatever_came_before():
    first, second = KeyedDraws(7), KeyedDraws(7)
    second.generator("combat", 3, 9).random(100)  # other draws in between
    assert np.array_equal(first.generator("combat", 5, 11, 2).random(8), second.generator("combat", 5, 11, 2).random(8))
    assert first.uniform("air", 4, 17) == second.uniforms("air", 4, 18)[17]
    assert not np.array_equal(first.generator("combat", 5, 11).random(8), first.generator("air", 5, 11).random(8))


def test_a_draw_takes_at_most_two_keys():
    with pytest.raises(ValueError, match="at most two keys"):
        KeyedDraws(1).generator("combat", 1, 1, 2, 3)
