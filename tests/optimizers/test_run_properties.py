"""Whatever the problem, optimizer, learning rate and start, a Trajectory tells the truth."""

from __future__ import annotations

import math
import warnings

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from nbopt import optimizers, problems

PROBLEMS = ["rosenbrock", "himmelblau", "booth", "beale", "linear_regression"]


@settings(max_examples=60, deadline=None)
@given(
    problem=st.sampled_from(PROBLEMS),
    optimizer=st.sampled_from(optimizers.names()),
    log_lr=st.floats(-5.0, 2.0),
    start=st.tuples(st.floats(-3.0, 3.0), st.floats(-3.0, 3.0)),
    steps=st.integers(0, 150),
    tol=st.sampled_from([1e-8, 1e-3]),
)
def test_status_and_history_are_consistent(
    problem: str,
    optimizer: str,
    log_lr: float,
    start: tuple[float, float],
    steps: int,
    tol: float,
) -> None:
    p = problems.get(problem)
    opt = optimizers.get(optimizer, lr=10.0**log_lr)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = optimizers.run(p, opt, start=start, steps=steps, tol=tol)
    n = t.steps
    assert t.positions.shape == (n + 1, 2) and t.losses.shape == t.grad_norms.shape == (n + 1,)
    assert 0 <= n <= steps
    np.testing.assert_array_equal(t.positions[0], start)
    body = slice(0, n)  # every row before the last is a healthy, unfinished position
    assert np.all(np.isfinite(t.positions[body])) and np.all(np.isfinite(t.losses[body]))
    assert np.all(t.grad_norms[body] >= tol)
    assert np.all(np.linalg.norm(t.positions[body], axis=1) <= 1e12)
    last_ok = (
        math.isfinite(t.losses[-1])
        and math.isfinite(t.grad_norms[-1])
        and bool(np.all(np.isfinite(t.positions[-1])))
        and float(np.linalg.norm(t.positions[-1])) <= 1e12
    )
    if t.status == "diverged":
        assert t.diverged_at == n and t.converged_at is None and not last_ok
    elif t.status == "converged":
        assert t.converged_at == n and t.diverged_at is None
        assert last_ok and t.grad_norms[-1] < tol
    else:
        assert t.status == "max_steps" and n == steps and last_ok
        assert t.grad_norms[-1] >= tol and t.diverged_at is None and t.converged_at is None
    if last_ok:
        np.testing.assert_allclose(t.losses, p.value(t.positions), rtol=1e-12)
