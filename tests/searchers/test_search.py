"""nbopt.search: the loop, its results table, failures, timeouts, interrupts, background runs."""

from __future__ import annotations

import math
import os
import signal
import threading
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nbopt import space
from nbopt.searchers import GridSearch, RandomSearch
from nbopt.searchers._search import METHODS, SearchResult, search

DIMS = {"x": space.Float(-5.0, 5.0), "y": space.Float(-5.0, 5.0)}


def quadratic(x: float, y: float) -> float:
    return (x - 1.0) ** 2 + (y + 2.0) ** 2


def test_random_search_finds_the_region_of_the_minimum_and_is_reproducible() -> None:
    a = search(quadratic, DIMS, method="random", n_trials=60, seed=3)
    b = search(quadratic, DIMS, method="random", n_trials=60, seed=3)
    assert isinstance(a, SearchResult)
    assert len(a.trials) == 60
    assert [t.number for t in a.trials] == list(range(60))
    assert [t.params for t in a.trials] == [t.params for t in b.trials]
    values = [t.value for t in a.trials]
    assert a.best_value == min(values)
    assert a.best_params == a.trials[int(np.argmin(values))].params
    assert a.best_trial is not None and a.best_trial.value == a.best_value
    assert a.best_value < 1.0
    assert a.done and not a.interrupted and not a.timed_out


def test_objective_taking_a_params_dict() -> None:
    seen: list[dict[str, Any]] = []

    def objective(params: dict[str, Any]) -> float:
        seen.append(params)
        return quadratic(params["x"], params["y"])

    r = search(objective, DIMS, method="random", n_trials=5, seed=0)
    assert len(seen) == 5
    assert all(set(p) == {"x", "y"} for p in seen)
    assert [t.params for t in r.trials] == seen


def test_maximize_direction() -> None:
    r = search(
        lambda x, y: -quadratic(x, y),
        DIMS,
        method="random",
        n_trials=30,
        seed=1,
        direction="maximize",
    )
    values = [t.value for t in r.trials]
    assert r.best_value == max(values)
    assert r.results_["rank"][int(np.argmax(values))] == 1


def test_unknown_method_lists_the_choices() -> None:
    with pytest.raises(ValueError, match="unknown search method 'annealing'") as info:
        search(quadratic, DIMS, method="annealing", n_trials=3)
    for name in METHODS:
        assert name in str(info.value)


def test_bad_arguments_fail_at_once() -> None:
    with pytest.raises(ValueError, match="direction"):
        search(quadratic, DIMS, method="random", n_trials=3, direction="up")
    with pytest.raises(ValueError, match="n_trials"):
        search(quadratic, DIMS, method="random", n_trials=-1)
    with pytest.raises(ValueError, match="n_trials=None"):
        search(quadratic, DIMS, method="random")
    with pytest.raises(ValueError, match="timeout"):
        search(quadratic, DIMS, method="random", n_trials=3, timeout=0)
    with pytest.raises(TypeError, match="callable"):
        search(42, DIMS, method="random", n_trials=3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="executor"):
        search(quadratic, DIMS, method="random", n_trials=3, executor=object())
    with pytest.raises(ValueError, match="storage"):
        search(quadratic, DIMS, method="random", n_trials=3, name="study")


def test_searcher_instance_and_searcher_kwargs() -> None:
    searcher = RandomSearch(DIMS, seed=0, direction="maximize")
    r = search(lambda x, y: x + y, DIMS, method=searcher, n_trials=4)
    assert r.searcher is searcher and r.direction == "maximize"
    assert len(searcher.trials) == 4
    with pytest.raises(ValueError, match="direction"):
        search(quadratic, DIMS, method=RandomSearch(DIMS), n_trials=2, direction="maximize")
    with pytest.raises(TypeError, match="keyword"):
        search(quadratic, DIMS, method=RandomSearch(DIMS), n_trials=2, searcher_kwargs={"a": 1})
    grid = search(quadratic, DIMS, method="grid", searcher_kwargs={"resolution": 3}, n_trials=None)
    assert len(grid.trials) == 9
    assert isinstance(grid.searcher, GridSearch) and grid.searcher.exhausted


def test_failures_are_recorded_and_the_search_goes_on() -> None:
    def objective(x: float, y: float) -> Any:
        if x < -3:
            raise ZeroDivisionError("boom")
        if x < -1:
            return math.nan
        if x < 0:
            return math.inf
        if x < 1:
            return "text"
        if x < 2:
            return {"loss": 1.0}
        return {"value": x, "train_loss": 2.0 * x}

    r = search(objective, DIMS, method="random", n_trials=80, seed=0)
    assert len(r.trials) == 80
    by_kind: dict[str, list[Any]] = {}
    for t in r.trials:
        x = t.params["x"]
        kind = (
            "raise"
            if x < -3
            else "nan"
            if x < -1
            else "inf"
            if x < 0
            else "text"
            if x < 1
            else "nokey"
            if x < 2
            else "ok"
        )
        by_kind.setdefault(kind, []).append(t)
    assert set(by_kind) == {"raise", "nan", "inf", "text", "nokey", "ok"}
    for t in by_kind["raise"]:
        assert t.state == "failed" and t.error == "ZeroDivisionError: boom"
        assert "Traceback" in t.info["traceback"] and "boom" in t.info["traceback"]
        assert t.duration is not None and t.duration >= 0
    for t in by_kind["nan"] + by_kind["inf"]:
        assert t.state == "failed" and t.value is None
        assert t.error is not None and t.error.startswith("ValueError: objective returned")
    for t in by_kind["text"]:
        assert t.state == "failed" and "expected a number" in (t.error or "")
    for t in by_kind["nokey"]:
        assert t.state == "failed" and "without a 'value' key" in (t.error or "")
    for t in by_kind["ok"]:
        assert t.state == "complete" and t.metrics == {"train_loss": 2.0 * t.params["x"]}
    assert r.best_value == min(t.value for t in by_kind["ok"])
    table = r.results_
    failed = table["state"] == "failed"
    n_ok = int((~failed).sum())
    assert np.all(table["rank"][failed] == n_ok + 1)
    assert sorted(table["rank"][~failed]) == list(range(1, n_ok + 1))
    assert np.all(np.isnan(table["value"][failed]))
    assert np.all(np.isnan(table["train_loss"][failed]))


def test_results_table_is_shaped_like_cv_results() -> None:
    dims = {
        "lr": space.Float(1e-4, 1e-1, log=True),
        "layers": space.Int(1, 4),
        "act": space.Choice(["relu", "tanh"]),
    }

    def objective(lr: float, layers: int, act: str) -> dict[str, float]:
        loss = abs(math.log10(lr) + 2) + layers + (act == "tanh")
        return {"value": loss, "train_score": -loss, "rank": 7.0}

    r = search(objective, dims, method="random", n_trials=12, seed=0)
    table = r.results_
    assert list(table)[:9] == [
        "number",
        "params",
        "param_lr",
        "param_layers",
        "param_act",
        "value",
        "state",
        "error",
        "duration",
    ]
    assert all(len(v) == 12 for v in table.values())
    assert isinstance(table["param_lr"], np.ma.MaskedArray)
    assert table["param_lr"].dtype == np.float64
    assert table["param_layers"].dtype == np.int64
    assert table["param_act"].dtype == object
    assert not table["param_act"].mask.any()
    assert table["params"] == [t.params for t in r.trials]
    np.testing.assert_array_equal(table["param_layers"], [t.params["layers"] for t in r.trials])
    np.testing.assert_array_equal(table["train_score"], -table["value"])
    # a metric named like a standard column is kept under a prefixed name
    np.testing.assert_array_equal(table["metric_rank"], 7.0)
    order = np.argsort(table["value"], kind="stable")
    assert table["rank"][order[0]] == 1
    assert np.all(np.diff(table["rank"][order]) >= 0)

    frame = r.to_dataframe()
    assert len(frame) == 12
    assert frame["param_act"].tolist() == [t.params["act"] for t in r.trials]
    assert frame["value"].tolist() == table["value"].tolist()
    assert "SearchResult(RandomSearch, 12/12 trials (0 failed), done" in repr(r)


def test_rank_ties_share_the_lowest_rank() -> None:
    r = search(
        lambda x: round(x), {"x": space.Float(0.0, 1.4)}, method="random", n_trials=20, seed=0
    )
    table = r.results_
    zeros = table["value"] == 0
    assert zeros.any() and (~zeros).any()
    assert np.all(table["rank"][zeros] == 1)
    assert np.all(table["rank"][~zeros] == int(zeros.sum()) + 1)


def test_trial_timeout_fails_the_hanging_trial_and_goes_on() -> None:
    release = threading.Event()

    def objective(x: float) -> float:
        if x > 0.5:
            release.wait(60)  # hangs until the test ends
        return x

    try:
        r = search(
            objective,
            {"x": space.Float(0, 1)},
            method="random",
            n_trials=12,
            seed=0,
            trial_timeout=0.2,
        )
    finally:
        release.set()
    hung = [t for t in r.trials if t.params["x"] > 0.5]
    fine = [t for t in r.trials if t.params["x"] <= 0.5]
    assert hung and fine and len(r.trials) == 12
    assert all(t.state == "failed" and "trial_timeout=0.2" in (t.error or "") for t in hung)
    assert all(t.state == "complete" for t in fine)


def test_overall_timeout_stops_asking() -> None:
    ticks = threading.Event()

    def objective(x: float) -> float:
        ticks.wait(0.02)
        return x

    r = search(
        objective, {"x": space.Float(0, 1)}, method="random", n_trials=100_000, timeout=0.3, seed=0
    )
    assert r.timed_out
    assert 0 < len(r.trials) < 100_000
    assert all(t.state == "complete" for t in r.trials)


def test_keyboard_interrupt_in_the_objective_returns_the_partial_result() -> None:
    calls = []

    def objective(x: float) -> float:
        calls.append(x)
        if len(calls) == 6:
            raise KeyboardInterrupt
        return x

    r = search(objective, {"x": space.Float(0, 1)}, method="random", n_trials=50, seed=0)
    assert r.interrupted
    assert len(r.trials) == 5 and all(t.state == "complete" for t in r.trials)
    assert [t.number for t in r.trials] == [0, 1, 2, 3, 4]
    # the searcher was told the interrupted trial failed: it holds no pending trial
    assert [t.state for t in r.searcher.trials] == ["complete"] * 5 + ["failed"]
    assert "SearchResult(RandomSearch, 5/50 trials (0 failed), interrupted" in repr(r)


def test_ctrl_c_while_waiting_on_workers_returns_the_partial_result() -> None:
    from concurrent.futures import ThreadPoolExecutor

    three_done = threading.Event()
    finish = threading.Event()

    def objective(x: float) -> float:
        if not three_done.is_set():
            return x
        finish.wait(30)
        return x

    def on_trial(result: SearchResult, trial: Any) -> None:
        if len(result.trials) == 3:
            three_done.set()
            # a real SIGINT, delivered to the main thread while it waits for futures
            threading.Timer(0.05, os.kill, (os.getpid(), signal.SIGINT)).start()

    with ThreadPoolExecutor(2) as pool:
        try:
            r = search(
                objective,
                {"x": space.Float(0, 1)},
                method="random",
                n_trials=50,
                seed=0,
                executor=pool,
                callbacks=[on_trial],
            )
        finally:
            finish.set()
    assert r.interrupted
    assert len(r.trials) >= 3
    assert all(t.state == "complete" for t in r.trials)
    assert not any(t.state == "running" for t in r.searcher.trials)


def test_background_search_fills_and_notifies() -> None:
    gate = threading.Event()
    seen: list[int] = []

    def objective(x: float) -> float:
        gate.wait(30)
        return x

    r = search(
        objective, {"x": space.Float(0, 1)}, method="random", n_trials=8, seed=0, block=False
    )
    unsubscribe = r.observe(lambda result, trial: seen.append(trial.number))
    assert not r.done and r.trials == []
    gate.set()
    assert r.wait(30)
    unsubscribe()
    assert r.done and len(r.trials) == 8 and seen == list(range(8))
    assert r.best_value == min(t.value for t in r.trials if t.value is not None)


def test_background_search_stop_keeps_finished_trials() -> None:
    started = threading.Semaphore(0)

    def objective(x: float) -> float:
        started.release()
        return x

    def on_trial(result: SearchResult, trial: Any) -> None:
        if trial.number == 4:
            result.stop()

    r = search(
        objective,
        {"x": space.Float(0, 1)},
        method="random",
        n_trials=1000,
        seed=0,
        block=False,
        callbacks=[on_trial],
    )
    assert r.wait(30)
    assert r.interrupted and len(r.trials) == 5


def test_callback_error_ends_the_search_and_is_raised() -> None:
    def on_trial(result: SearchResult, trial: Any) -> None:
        if trial.number == 2:
            raise RuntimeError("dashboard broke")

    with pytest.raises(RuntimeError, match="dashboard broke"):
        search(quadratic, DIMS, method="random", n_trials=10, seed=0, callbacks=[on_trial])
    r = search(
        quadratic, DIMS, method="random", n_trials=10, seed=0, callbacks=[on_trial], block=False
    )
    with pytest.raises(RuntimeError, match="dashboard broke"):
        r.wait(30)
    assert isinstance(r.error, RuntimeError) and len(r.trials) == 3


def test_no_pandas_gives_a_clear_import_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    r = search(quadratic, DIMS, method="random", n_trials=2, seed=0)
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match="pip install pandas"):
        r.to_dataframe()


MIXED = {
    "x": space.Float(-3.0, 3.0),
    "n": space.Int(1, 6),
    "act": space.Choice(["relu", "tanh", "gelu"]),
}


def mixed_objective(x: float, n: int, act: str) -> float:
    return (x - 1.0) ** 2 + (n - 3) ** 2 + (act != "tanh")


@pytest.mark.parametrize("method", METHODS)
def test_every_method_runs_is_reproducible_and_resumes(method: str, tmp_path: Any) -> None:
    a = search(mixed_objective, MIXED, method=method, n_trials=16, seed=5)
    b = search(mixed_objective, MIXED, method=method, n_trials=16, seed=5)
    assert len(a.trials) == 16 and all(t.state == "complete" for t in a.trials)
    assert [t.params for t in a.trials] == [t.params for t in b.trials]
    assert a.best_value == min(t.value for t in a.trials if t.value is not None)
    calls: list[dict[str, Any]] = []

    def counted(params: dict[str, Any]) -> float:
        calls.append(params)
        return mixed_objective(**params)

    db = tmp_path / f"{method}.db"
    first = search(counted, MIXED, method=method, n_trials=7, seed=5, storage=db)
    resumed = search(counted, MIXED, method=method, n_trials=16, seed=5, storage=db)
    assert len(calls) == 16
    assert resumed.trials[:7] == first.trials
    assert [t.number for t in resumed.trials] == list(range(16))


def test_all_failed_repr_names_the_first_error() -> None:
    r = search(lambda params: params["nope"], DIMS, method="random", n_trials=3, seed=0)
    assert r.best_trial is None and r.best_value is None and r.best_params is None
    assert "no complete trial; trial 0 failed with KeyError: 'nope'" in repr(r)


@given(
    st.lists(st.one_of(st.floats(-1e6, 1e6), st.just(math.nan)), max_size=30),
    st.sampled_from(["minimize", "maximize"]),
)
def test_rank_orders_values_and_puts_failures_last(values: list[float], direction: str) -> None:
    from nbopt.searchers._search import rank_values

    v = np.array(values, dtype=np.float64)
    rank = rank_values(v, direction)
    ok = ~np.isnan(v)
    sign = 1.0 if direction == "minimize" else -1.0
    for i in np.flatnonzero(ok):
        better = np.sum(sign * v[ok] < sign * v[i])
        assert rank[i] == better + 1
    assert np.all(rank[~ok] == ok.sum() + 1)
