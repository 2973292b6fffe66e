"""BayesianSearch: sample efficiency, pending trials, mixed spaces, failures, surrogate_grid."""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pytest

from nbopt import space
from nbopt.searchers import RandomSearch, Searcher
from nbopt.searchers._bayesian import BayesianSearch, SurrogateGrid

DIMS = {"x": space.Float(-2.0, 2.0), "y": space.Float(-1.0, 3.0)}


def smooth(params: dict[str, Any]) -> float:
    x, y = params["x"], params["y"]
    return (x - 0.7) ** 2 + 2.0 * (y - 1.3) ** 2 + 0.3 * math.sin(3 * x) + 0.3


_XS = np.linspace(-2, 2, 200001)
_VALUES = np.array([smooth({"x": a, "y": 1.3}) for a in _XS])
SMOOTH_MIN = float(_VALUES.min())
SMOOTH_ARGMIN_X = float(_XS[np.argmin(_VALUES)])


def drive(searcher: Searcher, n: int, fn: Any = smooth) -> Searcher:
    for _ in range(n):
        trial = searcher.ask()
        searcher.tell(trial, fn(trial.params))
    return searcher


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_finds_the_minimum_far_better_than_random_search(seed: int) -> None:
    bayes = drive(BayesianSearch(DIMS, seed=seed, n_startup_trials=6), 25)
    rand = drive(RandomSearch(DIMS, seed=seed), 25)
    bayes_regret = bayes.best_value - SMOOTH_MIN
    rand_regret = rand.best_value - SMOOTH_MIN
    assert bayes_regret < 1e-4
    assert bayes_regret < rand_regret / 100


def test_startup_trials_are_sobol_then_the_model_takes_over() -> None:
    s = drive(BayesianSearch(DIMS, seed=0, n_startup_trials=5), 8)
    phases = [t.info["phase"] for t in s.trials]
    assert phases == ["startup"] * 5 + ["model"] * 3
    info = s.trials[-1].info
    assert len(info["lengthscales"]) == 2 and info["noise_var"] > 0
    assert math.isfinite(info["log_ei"])


def test_reproducible_with_seed() -> None:
    a = drive(BayesianSearch(DIMS, seed=3, n_startup_trials=4), 10)
    b = drive(BayesianSearch(DIMS, seed=3, n_startup_trials=4), 10)
    c = drive(BayesianSearch(DIMS, seed=4, n_startup_trials=4), 10)
    assert [t.params for t in a.trials] == [t.params for t in b.trials]
    assert [t.params for t in a.trials] != [t.params for t in c.trials]


def test_drawing_the_surrogate_does_not_change_later_proposals() -> None:
    plain = drive(BayesianSearch(DIMS, seed=5, n_startup_trials=4), 9)
    drawn = BayesianSearch(DIMS, seed=5, n_startup_trials=4)
    for _ in range(9):
        trial = drawn.ask()
        drawn.tell(trial, smooth(trial.params))
        if len(drawn.trials) >= 2:
            drawn.surrogate_grid("x", "y", resolution=5)
    assert [t.params for t in drawn.trials] == [t.params for t in plain.trials]


def test_pending_asks_produce_distinct_points() -> None:
    s = drive(BayesianSearch(DIMS, seed=0, n_startup_trials=5), 8)
    pending = [s.ask() for _ in range(4)]
    points = np.array([[t.params["x"], t.params["y"]] for t in pending])
    gaps = np.abs(points[:, None, :] - points[None, :, :]).max(-1)
    assert gaps[~np.eye(4, dtype=bool)].min() > 1e-3
    assert all(t.info["phase"] == "model" for t in pending)
    for t in pending:
        s.tell(t, smooth(t.params))
    assert s.ask().info["phase"] == "model"


def test_maximize_direction() -> None:
    s = drive(
        BayesianSearch(DIMS, seed=0, n_startup_trials=6, direction="maximize"),
        25,
        lambda p: -smooth(p),
    )
    assert s.best_value > -SMOOTH_MIN - 1e-3
    assert s.best_params["x"] == pytest.approx(SMOOTH_ARGMIN_X, abs=0.05)


def test_failed_trials_are_steered_away_from() -> None:
    # the left half crashes; the optimum of the completed part is at the border x = 0
    def fn(params: dict[str, Any]) -> float:
        return math.nan if params["x"] < 0 else (params["x"] - 0.5) ** 2 + params["y"] ** 2

    s = BayesianSearch(DIMS, seed=1, n_startup_trials=6)
    for _ in range(20):
        trial = s.ask()
        s.tell(trial, fn(trial.params))
    failed = [t for t in s.trials if t.state == "failed"]
    assert failed and all(t.value is None for t in failed)
    late = s.trials[10:]
    assert sum(t.state == "failed" for t in late) <= 2
    assert s.best_value < 1e-3
    assert s.best_trial.state == "complete"


def test_errors_only_keep_sobol_going() -> None:
    s = BayesianSearch(DIMS, seed=0, n_startup_trials=2)
    for _ in range(4):
        s.tell(s.ask(), error=RuntimeError("boom"))
    t = s.ask()
    assert t.info["phase"] == "startup"


def test_mixed_space_respects_types() -> None:
    dims = {
        "lr": space.Float(1e-4, 1e-1, log=True),
        "layers": space.Int(1, 6),
        "act": space.Choice(["relu", "tanh", "gelu"]),
        "frac": space.Float(0.0, 1.0, step=0.25),
    }

    def fn(p: dict[str, Any]) -> float:
        act = {"relu": 0.5, "tanh": 0.0, "gelu": 1.0}[p["act"]]
        return (math.log10(p["lr"]) + 2) ** 2 + (p["layers"] - 4) ** 2 + act + p["frac"]

    s = drive(BayesianSearch(dims, seed=0, n_startup_trials=6), 30, fn)
    for t in s.trials:
        assert type(t.params["lr"]) is float and 1e-4 <= t.params["lr"] <= 1e-1
        assert type(t.params["layers"]) is int and 1 <= t.params["layers"] <= 6
        assert t.params["act"] in ("relu", "tanh", "gelu")
        assert t.params["frac"] in (0.0, 0.25, 0.5, 0.75, 1.0)
    keys = [tuple(sorted(t.params.items())) for t in s.trials]
    assert len(set(keys)) == len(keys)
    assert s.best_params["layers"] == 4 and s.best_params["act"] == "tanh"
    assert s.best_params["frac"] == 0.0
    assert s.best_value < 0.05


def test_small_discrete_space_does_not_repeat_points() -> None:
    s = drive(
        BayesianSearch(
            {"a": space.Int(0, 2), "b": space.Choice(["p", "q"])}, seed=0, n_startup_trials=2
        ),
        6,
        lambda p: p["a"] + (p["b"] == "q"),
    )
    keys = {(t.params["a"], t.params["b"]) for t in s.trials}
    assert len(keys) == 6
    assert s.best_value == 0


def test_surrogate_grid_shapes_and_values() -> None:
    s = drive(BayesianSearch(DIMS, seed=0, n_startup_trials=6), 15)
    g = s.surrogate_grid("x", "y", resolution=30)
    assert isinstance(g, SurrogateGrid)
    assert g.x.shape == (30,) and g.y.shape == (30,)
    assert g.x[0] == -2.0 and g.x[-1] == 2.0 and g.y[0] == -1.0 and g.y[-1] == 3.0
    for arr in (g.mean, g.std, g.acquisition):
        assert arr.shape == (30, 30) and np.all(np.isfinite(arr))
    assert np.all(g.std >= 0)
    # the surrogate tracks the objective where data are dense (near the optimum)
    i, j = np.unravel_index(np.argmin(g.mean), g.mean.shape)
    assert g.x[j] == pytest.approx(SMOOTH_ARGMIN_X, abs=0.3) and g.y[i] == pytest.approx(
        1.3, abs=0.3
    )
    assert g.observed_x.shape == g.observed_y.shape == g.observed_value.shape == (15,)
    assert g.observed_value.min() == s.best_value
    truth = np.array([[smooth({"x": a, "y": b}) for a in g.x] for b in g.y])
    assert np.median(np.abs(g.mean - truth)) < 0.05 * np.ptp(truth)
    assert np.corrcoef(g.mean.ravel(), truth.ravel())[0, 1] > 0.95
    assert set(g.next_params) == {"x", "y"} and g.fixed == {}
    assert s.space.validate(g.next_params) == g.next_params


def test_surrogate_grid_with_fixed_and_choice_axis() -> None:
    dims = {
        "a": space.Float(0.0, 1.0),
        "k": space.Int(1, 4),
        "act": space.Choice(["relu", "tanh"]),
    }
    s = drive(
        BayesianSearch(dims, seed=0, n_startup_trials=5),
        10,
        lambda p: p["a"] + p["k"] + (p["act"] == "tanh"),
    )
    g = s.surrogate_grid("act", "k", resolution=20, fixed={"a": 0.25})
    assert list(g.x) == ["relu", "tanh"] and list(g.y) == [1, 2, 3, 4]
    assert g.mean.shape == (4, 2)
    assert g.fixed == {"a": 0.25}
    assert g.mean[0, 0] < g.mean[-1, -1]
    with pytest.raises(ValueError, match="unknown dimension"):
        s.surrogate_grid("a", "zzz")
    with pytest.raises(ValueError, match="differ"):
        s.surrogate_grid("a", "a")
    with pytest.raises(ValueError, match="resolution"):
        s.surrogate_grid("a", "k", resolution=1)
    with pytest.raises(ValueError, match="unknown dimension"):
        s.surrogate_grid("a", "k", fixed={"b": 1})


def test_surrogate_grid_needs_two_complete_trials() -> None:
    s = BayesianSearch(DIMS, seed=0)
    s.tell(s.ask(), 1.0)
    with pytest.raises(ValueError, match="2 complete"):
        s.surrogate_grid("x", "y")


def test_bad_arguments_are_rejected() -> None:
    with pytest.raises(ValueError, match="n_startup_trials"):
        BayesianSearch(DIMS, n_startup_trials=-1)
    with pytest.raises(TypeError, match="n_startup_trials"):
        BayesianSearch(DIMS, n_startup_trials=2.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="warp"):
        BayesianSearch(DIMS, warp="cube")
    with pytest.raises(ValueError, match="n_starts"):
        BayesianSearch(DIMS, n_starts=0)


def test_deterministic_holds_noise_at_floor() -> None:
    s = drive(BayesianSearch(DIMS, seed=0, n_startup_trials=5, deterministic=True), 8)
    assert s.trials[-1].info["noise_var"] < 1e-8


def test_resume_from_finished_trials_continues_with_the_model() -> None:
    first = drive(BayesianSearch(DIMS, seed=0, n_startup_trials=4), 8)
    resumed = BayesianSearch(DIMS, seed=0, n_startup_trials=4)
    for trial in first.trials:
        resumed.add_finished(trial)
    nxt = resumed.ask()
    assert nxt.number == 8 and nxt.info["phase"] == "model"
    assert resumed.best_value == first.best_value
    # the start-up design continues where it left off when resumed early
    early = BayesianSearch(DIMS, seed=0, n_startup_trials=4)
    for trial in first.trials[:2]:
        early.add_finished(trial)
    assert early.ask().params == first.trials[2].params


def test_hyperparameters_are_refitted_on_a_schedule_beyond_many_points() -> None:
    from nbopt.searchers._bayesian import _Proposer

    rng = np.random.default_rng(0)
    proposer = _Proposer(2, rng=rng, warp="none")
    fits: list[int] = []
    original = proposer._needs_refit

    def counting(n: int, warp: str) -> bool:
        refit = original(n, warp)
        if refit:
            fits.append(n)
        return refit

    proposer._needs_refit = counting  # type: ignore[method-assign]
    X = rng.random((140, 2))
    values = ((X - 0.3) ** 2).sum(1)
    small = _Proposer.REFIT_EVERY_ASK_UP_TO
    for n in range(small - 1, len(X) + 1):
        gp, _ = proposer.fit(X[:n], values[:n])
        # every model is conditioned on all the points, refitted or not
        assert len(gp.X) == n
        np.testing.assert_allclose(gp.predict(X[:n]).mean, gp.y, atol=0.2)
    # every size up to the threshold is fitted (the very first fit needs no check);
    # beyond, one fit per ~2 % of growth
    assert fits[0] == small
    beyond = fits[1:]
    assert beyond and all(b - a >= 2 for a, b in itertools.pairwise(beyond))
    assert len(beyond) < (len(X) - small) // 2 + 1
    # a changed warp forces a fit even right after one
    assert proposer._needs_refit(proposer.fit_n + 1, "log")


def test_encodings_are_cached_per_trial_and_match_the_space() -> None:
    s = drive(BayesianSearch(DIMS, seed=0, n_startup_trials=3), 6)
    X, values, pending = s._data()
    done = [t for t in s.trials if t.state == "complete"]
    np.testing.assert_array_equal(X, s.space.encode([t.params for t in done]))
    assert len(values) == len(done) and len(pending) == 0
