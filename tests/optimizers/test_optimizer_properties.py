"""Property-based checks of validation and particle independence."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nbopt import optimizers


@pytest.mark.parametrize("name", optimizers.names())
@settings(max_examples=30)
@given(value=st.floats(allow_nan=False, allow_infinity=False))
def test_lr_validation(name: str, value: float) -> None:
    if value < 0:
        with pytest.raises(ValueError, match="lr must be >= 0"):
            optimizers.get(name, lr=value)
    else:
        opt = optimizers.get(name, lr=value)
        assert opt.lr == value
        assert f"lr={value!r}" in repr(opt)


@pytest.mark.parametrize("name", optimizers.names())
@settings(max_examples=15, deadline=None)
@given(
    shape=st.lists(st.integers(1, 3), min_size=1, max_size=3).map(tuple),
    seed=st.integers(0, 2**32 - 1),
)
def test_batch_equals_particles(name: str, shape: tuple[int, ...], seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((*shape, 2))
    grads = rng.standard_normal((4, *shape, 2))
    batch = optimizers.get(name, lr=0.1)
    xb = x.copy()
    for g in grads:
        xb = batch.step(xb, g)
    for index in np.ndindex(*shape):
        single = optimizers.get(name, lr=0.1)
        xs = x[index]
        for g in grads:
            xs = single.step(xs, g[index])
        np.testing.assert_array_equal(xb[index], xs)
