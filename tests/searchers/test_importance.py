"""Parameter importance (PED-ANOVA): ranks what the objective depends on, either direction."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nbopt import space
from nbopt.searchers import RandomSearch, Trial
from nbopt.searchers._importance import importance

DIMS = {
    "x": space.Float(-2, 2),
    "lr": space.Float(1e-4, 1e-1, log=True),
    "n": space.Int(1, 10),
    "act": space.Choice(["relu", "tanh", "gelu"]),
}


def run(direction, n=600, seed=0):
    s = RandomSearch(DIMS, seed=seed, direction=direction)
    for _ in range(n):
        t = s.ask()
        p = t.params
        # x dominates, act matters, lr a little, n not at all
        v = 10 * p["x"] ** 2 + 2 * (p["act"] == "tanh") + 0.3 * (math.log10(p["lr"]) + 2.5) ** 2
        s.tell(t, v if direction == "minimize" else -v)
    return s


@pytest.mark.parametrize("direction", ["minimize", "maximize"])
def test_the_dominant_parameter_ranks_first_and_an_ignored_one_last(direction):
    s = run(direction)
    shares = importance(s.trials, s.space, direction)
    assert list(shares) == ["x", "lr", "n", "act"]
    assert math.isclose(sum(shares.values()), 1.0)
    order = sorted(shares, key=shares.get, reverse=True)
    assert order[0] == "x" and order[-1] == "n"
    assert shares["x"] > 0.5 and shares["n"] < 0.05


def test_the_wrong_direction_ranks_by_what_the_worst_trials_share():
    # maximizing a function that is meant to be minimized: the best trials are the worst
    s = run("minimize")
    right = importance(s.trials, s.space, "minimize")
    wrong = importance(s.trials, s.space, "maximize")
    assert right != wrong
    assert max(wrong, key=wrong.get) == "x"  # the far ends of x: still x that matters


def test_failed_trials_are_left_out_and_bad_input_is_refused():
    s = run("minimize", n=50)
    failed = Trial(999, {"x": 0.0, "lr": 0.01, "n": 1, "act": "relu"}, "failed", error="boom")
    assert importance([*s.trials, failed], DIMS) == importance(s.trials, DIMS)
    with pytest.raises(ValueError, match="at least 4 complete trials"):
        importance(s.trials[:3], DIMS)
    with pytest.raises(ValueError, match="quantile"):
        importance(s.trials, DIMS, quantile=1.5)
    with pytest.raises(ValueError, match="direction"):
        importance(s.trials, DIMS, "upward")


def test_identical_values_share_the_importance_equally():
    s = RandomSearch(DIMS, seed=1)
    for _ in range(20):
        s.tell(s.ask(), 1.0)
    shares = importance(s.trials, DIMS)
    assert all(np.isfinite(list(shares.values())))
    assert math.isclose(sum(shares.values()), 1.0)


def test_a_search_result_reports_the_importance_of_its_parameters():
    import nbopt

    def f(x, lr, n, act):
        return -(x**2) - (act == "tanh")  # maximized: x near 0 and not tanh

    res = nbopt.search(
        f, DIMS, method="random", n_trials=300, seed=2, direction="maximize", progress=False
    )
    shares = res.importance()
    assert set(shares) == set(DIMS) and math.isclose(sum(shares.values()), 1.0)
    assert max(shares, key=shares.get) == "x" and shares["n"] < shares["act"]
