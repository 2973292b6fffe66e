"""AutoSearch: its choice by the space, the shared history, and the searcher contract."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
import test_searcher_contract as _contract
from test_searcher_contract import check_params, run

from nbopt import search, space
from nbopt.searchers import AutoSearch, Searcher
from nbopt.searchers._search import METHODS
from nbopt.space import Space

# The contract suite, collected here once more with this module's `make_searcher`, except
# its replay test: that one asserts that the best of 12 trials is not among the 2 left
# out, which AutoSearch with seed 9 happens to break (its best is trial 5). The replay
# contract is checked below with the best of the replayed trials instead.
globals().update(
    {
        name: test
        for name, test in vars(_contract).items()
        if name.startswith("test_") and name != "test_add_finished_replays_and_continues_numbering"
    }
)


@pytest.fixture
def make_searcher() -> Any:
    return AutoSearch


def drive(searcher: Searcher, n: int, fn: Any) -> Searcher:
    for _ in range(n):
        trial = searcher.ask()
        searcher.tell(trial, fn(trial.params))
    return searcher


def rastrigin(params: dict[str, Any]) -> float:
    x = np.array([params[k] for k in sorted(params)])
    return float(10 * len(x) + np.sum(x * x - 10 * np.cos(2 * math.pi * (x - 0.37))))


def test_auto_is_a_search_method_and_reports_its_choice() -> None:
    assert "auto" in METHODS
    result = search(
        lambda x, y: (x - 0.2) ** 2 + (y + 0.1) ** 2,
        {"x": space.Float(-1, 1), "y": space.Float(-1, 1)},
        method="auto",
        n_trials=20,
        seed=0,
    )
    searcher = result.searcher
    assert isinstance(searcher, AutoSearch)
    assert searcher.choice == "bayesian+genetic"
    assert "genetic algorithm" in searcher.reason
    assert all(t.info["searcher"] in ("bayesian", "genetic") for t in result.trials)
    assert "choice='bayesian+genetic'" in repr(searcher)


def test_tiny_finite_space_is_searched_exhaustively() -> None:
    dims = {
        "n": space.Int(1, 4),
        "act": space.Choice(["relu", "tanh"]),
        "f": space.Float(0, 1, step=0.5),
    }
    s = AutoSearch(dims, seed=0)
    assert s.choice == "grid"
    assert "24 points" in s.reason
    seen = set()
    while not s.exhausted:
        t = s.ask()
        seen.add((t.params["n"], t.params["act"], t.params["f"]))
        s.tell(t, t.params["n"] + t.params["f"])
    assert len(seen) == 24
    assert s.best_params["n"] == 1 and s.best_params["f"] == 0.0
    with pytest.raises(ValueError, match="no surrogate"):
        s.surrogate_grid("n", "f")
    with pytest.raises(ValueError, match="no trust region"):
        _ = s.trust_region


def test_many_dimensions_use_cma_es() -> None:
    s = AutoSearch({f"x{i}": space.Float(0, 1) for i in range(61)}, seed=0)
    assert s.choice == "evolutionary"
    assert "61 encoded coordinates" in s.reason
    drive(s, 5, lambda p: sum(p.values()))
    assert {t.info["searcher"] for t in s.trials} == {"evolutionary"}


def test_both_members_see_every_trial() -> None:
    dims = {"x": space.Float(-5.12, 5.12), "y": space.Float(-5.12, 5.12)}
    s = drive(AutoSearch(dims, seed=1), 40, rastrigin)
    for member in s.members.values():
        assert len(member.trials) == 40
        assert member.best_value == s.best_value
    proposers = [t.info["searcher"] for t in s.trials]
    assert proposers[:10] == ["bayesian"] * 10  # the quasi-random start-up
    assert "genetic" in proposers[10:]
    assert math.isclose(sum(s.shares.values()), 1.0)


def test_replayed_trials_reach_the_members() -> None:
    dims = {"x": space.Float(-5.12, 5.12), "y": space.Float(-5.12, 5.12)}
    first = drive(AutoSearch(dims, seed=2), 15, rastrigin)
    resumed = AutoSearch(dims, seed=2)
    for trial in first.trials:
        resumed.add_finished(trial)
    assert all(len(m.trials) == 15 for m in resumed.members.values())
    later = drive(resumed, 5, rastrigin)
    assert [t.number for t in later.trials[-5:]] == list(range(15, 20))


def test_surrogate_grid_comes_from_the_bayesian_member() -> None:
    dims = {"x": space.Float(-1, 1), "y": space.Float(-1, 1)}
    s = drive(AutoSearch(dims, seed=0), 12, lambda p: p["x"] ** 2 + p["y"] ** 2)
    grid = s.surrogate_grid("x", "y", resolution=6)
    assert grid.mean.shape == (6, 6)
    assert s.trust_region.center == s.best_params


def test_mixed_space_reproducible(mixed_space: Space) -> None:
    a = drive(AutoSearch(mixed_space, seed=5), 25, lambda p: p["x"] ** 2)
    b = drive(AutoSearch(mixed_space, seed=5), 25, lambda p: p["x"] ** 2)
    assert [t.params for t in a.trials] == [t.params for t in b.trials]
    assert [t.info["searcher"] for t in a.trials] == [t.info["searcher"] for t in b.trials]


def test_add_finished_replays_and_continues_numbering(mixed_space: Space) -> None:
    first = AutoSearch(mixed_space, seed=9)
    history = run(first, 12)
    resumed = AutoSearch(mixed_space, seed=9)
    kept = history[:5] + history[7:]
    for trial in kept:
        resumed.add_finished(trial)
    assert resumed.best_value == min(t.value for t in kept)
    assert [t.number for t in resumed.trials] == [0, 1, 2, 3, 4, 7, 8, 9, 10, 11]
    fresh = run(resumed, 8)
    assert [t.number for t in fresh] == list(range(12, 20))
    for trial in fresh:
        check_params(mixed_space, trial.params)
    with pytest.raises(ValueError, match="already taken"):
        resumed.add_finished(history[0])


def test_shares_report_the_allocation_the_asks_follow() -> None:
    s = AutoSearch({"x": space.Float(-2, 2), "y": space.Float(-2, 2)}, seed=0)
    picks: list[str] = []
    for _ in range(60):
        t = s.ask()
        picks.append(t.info["searcher"])
        s.tell(t, (t.params["x"] - 0.3) ** 2 + (t.params["y"] + 0.5) ** 2)
    # a smooth bowl: the surrogate ranks held-out trials well, and the
    # shares say the Gaussian process gets 90 % of the asks, as it does
    assert s._model_quality() is not None and s._model_quality() >= 0.8
    assert s.shares == pytest.approx({"bayesian": 0.9, "genetic": 0.1})
    assert sum(p == "bayesian" for p in picks[-30:]) >= 22
