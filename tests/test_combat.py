"""Combat arithmetic: splitting a side's losses among its units."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.combat import multivariate_hypergeometric, split_losses


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 2000), min_size=1, max_size=6), st.integers(0, 5000), st.integers(0, 2**32 - 1))
def test_the_loss_split_draws_exactly_as_numpys_multivariate_hypergeometric(colors, sample, seed):
    sample = min(sample, sum(colors))
    ours, numpys = np.random.default_rng(seed), np.random.default_rng(seed)
    drawn = multivariate_hypergeometric(ours, tuple(colors), sample)
    assert drawn == tuple(int(x) for x in numpys.multivariate_hypergeometric(np.array(colors), sample))
    assert ours.random() == numpys.random()  # and leaves the generator where numpy leaves it


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 500), min_size=1, max_size=5), st.integers(0, 3000), st.integers(0, 2**32 - 1))
def test_losses_are_split_without_taking_more_than_a_unit_has(strengths, total, seed):
    lost = split_losses(np.random.default_rng(seed), total, tuple(strengths))
    assert len(lost) == len(strengths)
    assert all(0 <= x <= s for x, s in zip(lost, strengths, strict=True))
    assert sum(lost) == min(total, sum(strengths))
