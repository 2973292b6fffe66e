from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pytest

from nbopt import problems
from nbopt.optimizers import (
    SGD,
    Adam,
    GradientDescent,
    OptimizerRun,
    RMSProp,
    Trajectory,
    run,
)

START = (-1.5, 2.0)


def test_history_matches_a_manual_loop_exactly() -> None:
    p = problems.get("rosenbrock")
    t = run(p, Adam(lr=0.05), start=START, steps=50)
    opt = Adam(lr=0.05)
    x = np.array(START)
    expected = [x]
    for _ in range(50):
        x = opt.step(x, p.grad(x))
        expected.append(x)
    np.testing.assert_array_equal(t.positions, np.array(expected))
    np.testing.assert_array_equal(t.losses, p.value(t.positions))
    np.testing.assert_allclose(t.grad_norms, np.linalg.norm(p.grad(t.positions), axis=1))
    assert (t.status, t.steps, t.positions.shape) == ("max_steps", 50, (51, 2))
    assert t.losses.shape == t.grad_norms.shape == (51,)
    assert t.val_losses is None and t.diverged_at is None and t.converged_at is None
    assert t.optimizer == repr(Adam(lr=0.05)) and t.problem == "rosenbrock"


def test_diverges_with_a_huge_learning_rate_without_numpy_warnings() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = run("rosenbrock", GradientDescent(lr=0.1), start=START, steps=500)
    assert t.status == "diverged"
    k = t.diverged_at
    assert k is not None and t.steps == k and k < 50
    assert np.all(np.isfinite(t.losses[:k])) and np.all(np.isfinite(t.positions[:k]))
    last = t.positions[k]
    sane = np.all(np.isfinite(last)) and np.linalg.norm(last) <= 1e12
    assert not (sane and np.isfinite(t.losses[k]))
    assert "diverged at step" in t.summary() and f"at {k}" in repr(t)


def test_leaving_the_radius_is_divergence() -> None:
    # f = x + y has a constant gradient (1, 1): |x_k| = |start - k lr (1, 1)|.
    p = problems.Problem(
        lambda v: v[0] + v[1], grad=lambda v: np.ones(2), bounds=((-1, 1), (-1, 1))
    )
    t = run(p, GradientDescent(lr=1e11), start=(0.0, 0.0), steps=100)
    assert (t.status, t.diverged_at) == ("diverged", 8)  # 8 * sqrt(2) * 1e11 > 1e12
    assert np.all(np.isfinite(t.positions))
    t = run(p, GradientDescent(lr=1e11), start=(0.0, 0.0), steps=100, max_radius=1e13)
    assert t.diverged_at == 71


def test_python_overflow_in_a_user_function_is_divergence() -> None:
    # float ** 2 raises OverflowError instead of returning inf.
    p = problems.Problem(
        lambda v: float(v[0]) ** 2 + float(v[1]) ** 2,
        grad=lambda v: 2 * v,
        bounds=((-1, 1), (-1, 1)),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = run(p, GradientDescent(lr=1.5), start=(1.0, 0.5), steps=5000, max_radius=math.inf)
    assert t.status == "diverged"
    assert t.losses[-1] == math.inf and math.isnan(t.grad_norms[-1])
    assert np.all(np.isfinite(t.losses[:-1]))


def test_converges_when_the_gradient_norm_falls_under_tol() -> None:
    t = run("booth", SGD(lr=0.05), start=(0.0, 0.0), steps=1000)
    assert t.status == "converged"
    k = t.converged_at
    assert k is not None and t.steps == k
    assert t.grad_norms[k] < 1e-8 and np.all(t.grad_norms[:k] >= 1e-8)
    np.testing.assert_allclose(t.positions[-1], [1.0, 3.0], atol=1e-8)

    loose = run("booth", SGD(lr=0.05), start=(0.0, 0.0), steps=1000, tol=1e-3)
    assert loose.status == "converged" and loose.converged_at is not None
    assert loose.converged_at < k and loose.grad_norms[-1] < 1e-3


def test_start_at_the_minimum_and_zero_steps() -> None:
    t = run("booth", Adam(lr=0.1), start=(1.0, 3.0), steps=100)
    assert (t.status, t.converged_at, t.steps) == ("converged", 0, 0)
    t = run("rosenbrock", Adam(lr=0.1), start=START, steps=0)
    assert (t.status, t.steps, t.positions.shape) == ("max_steps", 0, (1, 2))


def test_default_start_and_names() -> None:
    p = problems.get("himmelblau")
    t = run("himmelblau", "rmsprop", steps=20)
    np.testing.assert_array_equal(t.positions[0], p.default_start)
    assert t.optimizer == repr(RMSProp())
    with pytest.raises(ValueError, match="unknown optimizer"):
        run("rosenbrock", "adamax", steps=2)
    with pytest.raises(ValueError, match="unknown problem"):
        run("rosenbrok", "adam", steps=2)
    with pytest.raises(TypeError, match="problem must be"):
        run(42, "adam", steps=2)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="optimizer must be"):
        run("rosenbrock", 0.1, steps=2)  # type: ignore[arg-type]


def test_the_given_optimizer_is_not_modified_and_runs_repeat() -> None:
    opt = Adam(lr=0.05)
    first = run("rosenbrock", opt, start=START, steps=30)
    second = run("rosenbrock", opt, start=START, steps=30)
    assert opt.step_count == 0 and opt.state == {}
    np.testing.assert_array_equal(first.positions, second.positions)


def test_minibatches_are_reproducible_with_a_seed() -> None:
    p = problems.get("linear_regression")
    a = run(p, SGD(lr=0.05), steps=60, batch_size=8, seed=3)
    b = run(p, SGD(lr=0.05), steps=60, batch_size=8, seed=3)
    c = run(p, SGD(lr=0.05), steps=60, batch_size=8, seed=4)
    full = run(p, SGD(lr=0.05), steps=60)
    np.testing.assert_array_equal(a.positions, b.positions)
    assert not np.array_equal(a.positions, c.positions)
    assert not np.array_equal(a.positions, full.positions)
    # the recorded loss is the full training loss at each position, not the batch loss
    np.testing.assert_allclose(a.losses, p.value(a.positions))
    assert a.val_losses is not None and a.val_losses.shape == (61,)
    np.testing.assert_allclose(a.val_losses, p.validation_value(a.positions))


def test_minibatch_steps_follow_the_seeded_sampler() -> None:
    p = problems.get("linear_regression")
    t = run(p, SGD(lr=0.05), steps=10, batch_size=5, seed=11)
    rng = np.random.default_rng(11)
    opt = SGD(lr=0.05)
    x = p.default_start
    for k in range(10):
        x = opt.step(x, p.grad(x, batch=p.sample_batch(rng, 5)))
        np.testing.assert_allclose(t.positions[k + 1], x, rtol=1e-12)


def test_bad_batch_sizes() -> None:
    with pytest.raises(ValueError, match="plain function"):
        run("rosenbrock", SGD(lr=0.01), steps=5, batch_size=4)
    n = problems.get("linear_regression").n_train
    with pytest.raises(ValueError, match=rf"\[1, {n}\]"):
        run("linear_regression", SGD(lr=0.01), steps=5, batch_size=0)
    with pytest.raises(ValueError, match=rf"\[1, {n}\]"):
        run("linear_regression", SGD(lr=0.01), steps=5, batch_size=n + 1)
    with pytest.raises(TypeError, match="batch_size must be an int"):
        run("linear_regression", SGD(lr=0.01), steps=5, batch_size=2.5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"start": (1.0, 2.0, 3.0)}, ValueError, r"shape \(2,\)"),
        ({"start": (1.0, math.nan)}, ValueError, "finite"),
        ({"start": "here"}, TypeError, "real numbers"),
        ({"steps": -1}, ValueError, "steps"),
        ({"steps": True}, TypeError, "steps"),
        ({"steps": 2.0}, TypeError, "steps"),
        ({"tol": -1.0}, ValueError, "tol"),
        ({"max_radius": 0.0}, ValueError, "max_radius"),
        ({"seed": -3}, TypeError, "seed"),
    ],
)
def test_bad_arguments(kwargs: dict[str, Any], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        run("rosenbrock", Adam(), **kwargs)


def test_optimizer_run_steps_resets_and_grows() -> None:
    r = OptimizerRun("rosenbrock", GradientDescent(lr=1e-3), start=START, steps=1000)
    assert (r.step_count, r.status, r.finished) == (0, "running", False)
    r.step()
    r.step()
    assert r.step_count == 2
    np.testing.assert_array_equal(r.position, r.trajectory().positions[-1])
    r.run_to_end()
    assert (r.status, r.step_count, r.finished) == ("max_steps", 1000, True)
    full = r.trajectory()
    np.testing.assert_array_equal(
        full.positions, run("rosenbrock", GradientDescent(lr=1e-3), START, 1000).positions
    )
    with pytest.raises(RuntimeError, match="finished"):
        r.step()
    r.reset(start=(0.5, 0.5))
    assert (r.step_count, r.status) == (0, "running")
    np.testing.assert_array_equal(r.position, [0.5, 0.5])
    assert r.optimizer.step_count == 0
    r.step()
    r.stop()
    assert r.status == "stopped" and r.trajectory().steps == 1


def test_history_views_match_the_trajectory_and_stop_points() -> None:
    r = OptimizerRun("rosenbrock", Adam(lr=0.05), start=START, steps=300)
    for _ in range(40):
        r.step()
    traj = r.trajectory()
    pos, loss, val = r.history(35)
    np.testing.assert_array_equal(pos, traj.positions[35:])
    np.testing.assert_array_equal(loss, traj.losses[35:])
    assert val is None and len(loss) == 6
    assert [len(r.history(k)[1]) for k in (-5, 0, 40, 41, 99)] == [41, 41, 1, 0, 0]
    assert (r.diverged_at, r.converged_at) == (None, None)

    big = OptimizerRun("rosenbrock", GradientDescent(lr=1.0), start=START, steps=100)
    big.run_to_end()
    assert big.diverged_at == big.trajectory().diverged_at == big.step_count
    assert len(big.history(0)[1]) == big.step_count + 1
    calm = OptimizerRun("booth", GradientDescent(lr=0.05), steps=5000)
    calm.run_to_end()
    assert calm.status == "converged" and calm.converged_at == calm.step_count

    data = OptimizerRun("linear_regression", SGD(lr=0.05), steps=5, batch_size=8, seed=1)
    data.run_to_end()
    _, losses, vals = data.history(2)
    assert vals is not None
    np.testing.assert_array_equal(vals, data.trajectory().val_losses[2:])
    assert len(losses) == 4


def test_trajectories_are_snapshots() -> None:
    r = OptimizerRun("rosenbrock", Adam(lr=0.05), start=START, steps=10)
    r.step()
    snap = r.trajectory()
    r.run_to_end()
    assert snap.steps == 1 and snap.status == "running"
    assert r.trajectory().steps == 10


def test_keyboard_interrupt_stops_run_cleanly() -> None:
    calls = 0

    def grad(v: np.ndarray) -> np.ndarray:
        nonlocal calls
        calls += 1
        if calls == 11:  # the evaluation after step 10
            raise KeyboardInterrupt
        return np.array([2 * v[0], 20 * v[1]])

    p = problems.Problem(lambda v: v[0] ** 2 + 10 * v[1] ** 2, grad=grad, bounds=((-2, 2),) * 2)
    t = run(p, GradientDescent(lr=0.01), start=(1.0, 1.0), steps=100)
    assert (t.status, t.steps) == ("stopped", 9)
    assert np.all(np.isfinite(t.positions))
    assert "stopped after 9 steps" in t.summary()


def test_trajectory_repr_and_summary() -> None:
    t = run("linear_regression", Adam(lr=0.1), steps=40)
    assert isinstance(t, Trajectory)
    text = repr(t)
    assert text.startswith("Trajectory(Adam(lr=0.1") and "40 steps, max_steps" in text
    summary = t.summary()
    assert "validation" in summary and "max_steps after 40 steps" in summary
    assert t.best_loss <= t.losses[0] and t.final_loss == t.losses[-1]


def test_as_dict_is_a_table() -> None:
    import pandas as pd

    t = run("linear_regression", SGD(lr=0.05), steps=15)
    table = t.as_dict()
    assert list(table) == ["step", "loss", "grad_norm", "val_loss", "param_w", "param_b"]
    frame = pd.DataFrame(table)
    assert frame.shape == (16, 6)
    np.testing.assert_array_equal(frame["param_w"], t.positions[:, 0])
    np.testing.assert_array_equal(frame["step"], np.arange(16))


def test_a_session_drives_a_single_run() -> None:
    from nbopt.live import Session

    r = OptimizerRun("rosenbrock", Adam(lr=0.05), start=START, steps=120)
    assert Session(r).run() == "finished"
    assert (r.status, r.step_count) == ("max_steps", 120)


def test_unseeded_minibatch_run_gets_a_seed_and_reset_replays_it() -> None:
    r = OptimizerRun("linear_regression", SGD(lr=0.05), steps=20, batch_size=4)
    assert isinstance(r.seed, int)
    r.run_to_end()
    first = r.trajectory()
    r.reset()
    r.run_to_end()
    np.testing.assert_array_equal(first.positions, r.trajectory().positions)
    again = run("linear_regression", SGD(lr=0.05), steps=20, batch_size=4, seed=r.seed)
    np.testing.assert_array_equal(first.positions, again.positions)
    assert OptimizerRun("rosenbrock", SGD(lr=0.01), steps=2).seed is None


def test_ipython_shows_the_summary() -> None:
    from IPython.lib.pretty import pretty

    t = run("rosenbrock", Adam(lr=0.05), start=START, steps=10)
    assert pretty(t) == t.summary()
