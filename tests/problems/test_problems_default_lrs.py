"""Default learning rates: every built-in's rates keep the classic optimizers from diverging."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nbopt import optimizers, problems
from nbopt.magics import build_parser, classic_optimizers
from nbopt.problems import Problem

CLASSICS = ("gd", "sgd", "rmsprop", "adam")
# The magic's --steps default: what a race without -o runs.
MAGIC_STEPS = build_parser().parse_args(["optimize", "rosenbrock"]).steps


def _on_grid(lr: float) -> bool:
    exponent = math.floor(math.log10(lr))
    return any(math.isclose(lr, m * 10.0**exponent) for m in (1, 2, 5))


@pytest.mark.parametrize("name", problems.names())
def test_every_builtin_has_rates_for_the_classics_from_the_grid(name: str) -> None:
    lrs = problems.get(name).default_lrs
    assert set(CLASSICS) <= set(lrs)
    assert all(_on_grid(lrs[key]) and 0 < lrs[key] <= 1.0 for key in CLASSICS)


@pytest.mark.parametrize("name", problems.names())
def test_default_rates_do_not_diverge_within_the_magics_steps(name: str) -> None:
    problem = problems.get(name)
    race = optimizers.Race(problem, classic_optimizers(problem), steps=MAGIC_STEPS)
    race.run_to_end()
    lo = np.array([b[0] for b in problem.bounds])
    hi = np.array([b[1] for b in problem.bounds])
    for label, trajectory in race.trajectories().items():
        assert trajectory.status != "diverged", f"{name}: {label} diverged"
        assert np.all(np.isfinite(trajectory.losses)), label
        # the measured rates keep every run on the problem's domain ...
        assert np.all((trajectory.positions >= lo) & (trajectory.positions <= hi)), label
        if problem.min_value is not None:
            # ... and closer to the minimum than where it started
            start_gap = trajectory.losses[0] - problem.min_value
            assert trajectory.losses[-1] - problem.min_value < start_gap, label


def test_parametrized_builtins_scale_the_gradient_rates() -> None:
    steep = problems.get("quadratic", condition=100)
    assert steep.default_lrs["gd"] == pytest.approx(problems.get("quadratic").default_lrs["gd"] / 4)
    race = optimizers.Race(steep, classic_optimizers(steep), steps=MAGIC_STEPS)
    race.run_to_end()
    assert "diverged" not in race.statuses.values()
    narrow = problems.get("rosenbrock", b=1000.0)
    race = optimizers.Race(narrow, classic_optimizers(narrow), steps=MAGIC_STEPS)
    race.run_to_end()
    assert "diverged" not in race.statuses.values()


def test_a_user_problem_follows_the_documented_rule() -> None:
    bowl = Problem(lambda v: float(v @ v), bounds=((-2, 2), (-2, 2)))
    lrs = bowl.default_lrs
    # s = 1% of the mean view width = 0.04; |grad| at the default start (-1.2, -1.2) is 3.39
    assert lrs["adam"] == lrs["rmsprop"] == 0.02
    assert lrs["gd"] == 0.01  # 0.04 / 3.39 = 0.0118, down to the grid
    assert lrs["sgd"] == 0.001
    race = optimizers.Race(bowl, classic_optimizers(bowl), steps=MAGIC_STEPS)
    race.run_to_end()
    assert all(t.losses[-1] < t.losses[0] for t in race.trajectories().values())


def test_given_rates_override_the_rule_and_are_checked() -> None:
    p = Problem(lambda v: float(v @ v), bounds=((-2, 2), (-2, 2)), default_lrs={"adam": 0.3})
    assert p.default_lrs["adam"] == 0.3 and p.default_lrs["gd"] == 0.01
    p.default_lrs["adam"] = 9.0  # a copy: the problem keeps its own
    assert p.default_lrs["adam"] == 0.3
    with pytest.raises(ValueError, match="positive finite"):
        Problem(lambda v: 0.0, bounds=((0, 1),), default_lrs={"gd": -1.0})
    with pytest.raises(TypeError, match="optimizer name"):
        Problem(lambda v: 0.0, bounds=((0, 1),), default_lrs=[0.1])  # type: ignore[arg-type]


def test_a_flat_start_falls_back_to_the_step_for_gradient_descent() -> None:
    flat = Problem(lambda v: 0.0, bounds=((-5, 5),))
    assert flat.default_lrs == {"gd": 0.1, "sgd": 0.01, "rmsprop": 0.1, "adam": 0.1}
