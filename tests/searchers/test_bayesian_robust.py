"""BayesianSearch on rugged objectives and with many pending trials: leave-one-out
diagnostics, proposal modes, the trust region, batch proposals."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nbopt import space
from nbopt.searchers import RandomSearch, Searcher
from nbopt.searchers._auto import AutoSearch
from nbopt.searchers._bayesian import BayesianSearch, TrustRegionState, _Proposer
from nbopt.searchers._gp import GaussianProcess, KernelParams
from nbopt.searchers._trust_region import TrustRegion, rank_correlation


def rastrigin(params: dict[str, Any]) -> float:
    x = np.array([params[k] for k in sorted(params)])
    return float(10 * len(x) + np.sum(x * x - 10 * np.cos(2 * math.pi * (x - 0.37))))


def sphere(params: dict[str, Any]) -> float:
    return float(sum((v - 0.3) ** 2 for v in params.values()))


def drive(searcher: Searcher, n: int, fn: Any) -> Searcher:
    for _ in range(n):
        trial = searcher.ask()
        searcher.tell(trial, fn(trial.params))
    return searcher


def test_leave_one_out_equals_refitting_without_each_point() -> None:
    rng = np.random.default_rng(0)
    X = rng.random((12, 3))
    y = np.sin(4 * X).sum(axis=1)
    params = KernelParams(np.array([3.0, 1.0, 6.0]), 1.3, 1e-2)
    mean, std = GaussianProcess(X, y, params).leave_one_out()
    for i in (0, 5, 11):
        keep = np.arange(12) != i
        post = GaussianProcess(X[keep], y[keep], params).predict(X[i : i + 1])
        assert mean[i] == pytest.approx(post.mean[0], rel=1e-8, abs=1e-10)
        assert std[i] == pytest.approx(math.sqrt(post.std[0] ** 2 + 1e-2), rel=1e-8)


def test_leave_one_out_needs_two_points() -> None:
    gp = GaussianProcess(np.zeros((1, 2)), np.zeros(1), KernelParams.default(2))
    with pytest.raises(ValueError, match="at least 2 points"):
        gp.leave_one_out()


def test_rank_correlation() -> None:
    a = np.arange(10.0)
    assert rank_correlation(a, a**3) == pytest.approx(1.0)
    assert rank_correlation(a, -a) == pytest.approx(-1.0)
    assert rank_correlation(a, np.ones(10)) == 0.0
    with pytest.raises(ValueError, match="equal length"):
        rank_correlation(a, a[:5])


def test_trust_region_grows_shrinks_and_restarts() -> None:
    tr = TrustRegion(dim=3)
    assert tr.failure_tolerance == 4
    for _ in range(3):
        tr.record(improved=True)
    assert tr.length == pytest.approx(1.6)
    restarted = False
    for _ in range(200):
        restarted = tr.record(improved=False)
        if restarted:
            break
    assert restarted and tr.restarts == 1 and tr.length == pytest.approx(0.8)
    assert TrustRegion(dim=40).failure_tolerance == 16


def test_trust_region_box_is_inside_the_cube_and_follows_length_scales() -> None:
    tr = TrustRegion(dim=2, length=0.4)
    lo, hi = tr.box(np.array([0.05, 0.5]), np.array([0.1, 0.4]))
    assert np.all(lo >= 0) and np.all(hi <= 1)
    assert lo[0] == 0.0
    width = hi - lo
    assert width[1] == pytest.approx(0.4 * 2.0)  # long scale: twice the geometric mean
    with pytest.raises(ValueError, match="dim must be"):
        TrustRegion(dim=0)


def test_choose_mode() -> None:
    rng = np.random.default_rng(0)
    low = _Proposer(4, rng=rng)
    assert low.choose_mode(0.95) == "global"
    assert low.choose_mode(0.95, n_pending=1) == "trust_region"
    assert low.choose_mode(0.95, n_pending=2) == "global"
    assert low.choose_mode(0.3) == "evolution"
    high = _Proposer(12, rng=rng)
    assert high.choose_mode(0.95) == "trust_region"
    assert _Proposer(4, rng=rng, strategy="trust_region").choose_mode(0.95) == "trust_region"
    with pytest.raises(ValueError, match="strategy must be one of"):
        BayesianSearch({"x": space.Float(0, 1)}, strategy="local")


def test_info_records_the_mode_and_the_model_accuracy() -> None:
    dims = {f"x{i}": space.Float(-5.12, 5.12) for i in range(3)}
    s = drive(BayesianSearch(dims, seed=0), 40, rastrigin)
    model = [t.info for t in s.trials if t.info["phase"] == "model"]
    assert model
    for info in model:
        assert info["mode"] in ("global", "trust_region", "evolution")
        assert -1.0 <= info["loo_rank_correlation"] <= 1.0
        assert info["trust_region_length"] > 0
    smooth = drive(BayesianSearch(dims, seed=0), 25, sphere)
    assert smooth.trials[-1].info["loo_rank_correlation"] > 0.8


def test_rugged_objective_better_than_random_search() -> None:
    dims = {f"x{i}": space.Float(-5.12, 5.12) for i in range(3)}
    bayes = [drive(BayesianSearch(dims, seed=s), 60, rastrigin).best_value for s in range(3)]
    rand = [drive(RandomSearch(dims, seed=s), 60, rastrigin).best_value for s in range(3)]
    assert np.median(bayes) < np.median(rand)


def test_trust_region_state_for_drawing() -> None:
    dims = {"x": space.Float(-2.0, 2.0), "n": space.Int(1, 9), "c": space.Choice(["a", "b"])}

    def f(p: dict[str, Any]) -> float:
        return (p["x"] - 0.3) ** 2 + abs(p["n"] - 4) + (p["c"] == "b")

    s = drive(BayesianSearch(dims, seed=1, strategy="trust_region"), 20, f)
    region = s.trust_region
    assert isinstance(region, TrustRegionState)
    assert region.center == s.best_params
    assert -2.0 <= region.lower["x"] <= region.center["x"] <= region.upper["x"] <= 2.0
    assert 1 <= region.lower["n"] <= region.center["n"] <= region.upper["n"] <= 9
    assert region.lower["c"] == region.upper["c"] == region.center["c"]
    assert region.active and region.length > 0
    with pytest.raises(ValueError, match="no completed trial"):
        _ = BayesianSearch(dims, seed=0).trust_region


def _batch_points(searcher: Searcher, q: int) -> tuple[list[Any], np.ndarray]:
    pending = [searcher.ask() for _ in range(q)]
    names = list(searcher.space.names)
    return pending, np.array([[t.params[k] for k in names] for t in pending], dtype=float)


@settings(max_examples=6, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    q=st.integers(2, 8),
    dim=st.integers(1, 4),
    strategy=st.sampled_from(["auto", "global", "trust_region", "evolution"]),
)
def test_batch_proposals_are_distinct_and_inside_the_bounds(
    seed: int, q: int, dim: int, strategy: str
) -> None:
    dims = {f"x{i}": space.Float(-3.0, 1.0 + i) for i in range(dim)}
    s = drive(BayesianSearch(dims, seed=seed, n_startup_trials=5, strategy=strategy), 8, rastrigin)
    for _ in range(2):
        pending, points = _batch_points(s, q)
        lo = np.array([dims[k].lo for k in dims])
        hi = np.array([dims[k].hi for k in dims])
        assert np.all(points >= lo) and np.all(points <= hi)
        gaps = np.abs(points[:, None, :] - points[None, :, :]).max(-1)
        assert gaps[~np.eye(q, dtype=bool)].min() > 1e-6
        for t in pending:
            s.tell(t, rastrigin(t.params))


def test_batch_of_32_spreads_in_20_dimensions() -> None:
    dims = {f"x{i}": space.Float(-1.0, 1.0) for i in range(20)}
    s = drive(BayesianSearch(dims, seed=0), 40, sphere)
    _, points = _batch_points(s, 32)
    gaps = np.sqrt(((points[:, None, :] - points[None, :, :]) ** 2).sum(-1))
    assert gaps[~np.eye(32, dtype=bool)].min() > 1e-3
    assert len({tuple(p) for p in points}) == 32


def test_auto_batch_proposals_are_distinct() -> None:
    dims = {"x": space.Float(-5.12, 5.12), "y": space.Float(-5.12, 5.12)}
    s = drive(AutoSearch(dims, seed=3), 20, rastrigin)
    pending, points = _batch_points(s, 8)
    assert len({tuple(p) for p in points}) == 8
    assert {t.info["searcher"] for t in pending} <= {"bayesian", "genetic"}


def test_fitted_mean_is_the_posterior_mean_at_the_data() -> None:
    rng = np.random.default_rng(1)
    X = rng.random((20, 2))
    gp = GaussianProcess(X, np.cos(3 * X).sum(axis=1), KernelParams(np.ones(2), 1.0, 0.1))
    np.testing.assert_allclose(gp.fitted_mean(), gp.predict(X).mean, atol=1e-10)
    Z = rng.random((7, 2))
    np.testing.assert_allclose(gp.predict_mean(Z), gp.predict(Z).mean, atol=1e-12)


def test_many_trials_in_12_dimensions_propose_inside_the_trust_region() -> None:
    from nbopt.searchers import Trial

    dims = {f"x{i}": space.Float(-1.0, 1.0) for i in range(12)}
    s = BayesianSearch(dims, seed=0)
    rng = np.random.default_rng(0)
    for n in range(230):
        params = {k: float(rng.uniform(-1, 1)) for k in dims}
        s.add_finished(Trial(number=n, params=params, state="complete", value=sphere(params)))
    trial = s.ask()
    assert trial.info["mode"] == "trust_region"
    region = s.trust_region
    assert region.active
    for k, v in trial.params.items():
        assert region.lower[k] - 1e-9 <= v <= region.upper[k] + 1e-9


def test_hyperparameters_fitted_on_a_subset_beyond_300_trials() -> None:
    proposer = _Proposer(3, rng=np.random.default_rng(0))
    y = np.random.default_rng(1).normal(size=420)
    rows = proposer._fit_subset(y)
    assert len(rows) == 300 and len(set(rows.tolist())) == 300
    assert set(np.argsort(y)[:150].tolist()) <= set(rows.tolist())
    assert np.array_equal(proposer._fit_subset(y[:250]), np.arange(250))
