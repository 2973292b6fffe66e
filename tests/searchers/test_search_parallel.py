"""nbopt.search on executors: thread and process pools, dask.distributed."""

from __future__ import annotations

import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

import pytest

from nbopt import space
from nbopt.searchers._search import search, worker_count

DIMS = {"x": space.Float(-5.0, 5.0), "y": space.Float(-5.0, 5.0)}


def quadratic(x: float, y: float) -> float:
    return (x - 1.0) ** 2 + (y + 2.0) ** 2


def fails_on_negative_x(x: float, y: float) -> float:
    if x < 0:
        raise ArithmeticError("negative x")
    return quadratic(x, y)


def test_trials_run_in_parallel_with_the_searcher_asking_ahead() -> None:
    # Four trials can only pass the barrier together: the loop must keep four in flight.
    barrier = threading.Barrier(4, timeout=30)
    order: list[int] = []

    def objective(x: float, y: float) -> float:
        barrier.wait()
        return quadratic(x, y)

    with ThreadPoolExecutor(4) as pool:
        r = search(
            objective,
            DIMS,
            method="random",
            n_trials=8,
            seed=0,
            executor=pool,
            callbacks=[lambda res, t: order.append(t.number)],
        )
    assert [t.state for t in r.trials] == ["complete"] * 8
    assert sorted(order) == list(range(8))


def test_results_are_told_in_completion_order() -> None:
    release = {n: threading.Event() for n in range(4)}
    order: list[int] = []
    numbers: dict[float, int] = {}

    def objective(params: dict[str, Any]) -> float:
        release[numbers[params["x"]]].wait(30)
        return params["x"]

    def on_trial(res: Any, trial: Any) -> None:
        order.append(trial.number)
        if trial.number > 0:
            release[trial.number - 1].set()

    from nbopt.searchers import RandomSearch

    searcher = RandomSearch({"x": space.Float(0, 1)}, seed=0)
    probe = RandomSearch({"x": space.Float(0, 1)}, seed=0)
    for n in range(4):
        numbers[probe.ask().params["x"]] = n
    release[3].set()  # the last asked finishes first, then each releases the one before
    with ThreadPoolExecutor(4) as pool:
        search(
            objective,
            {"x": space.Float(0, 1)},
            method=searcher,
            n_trials=4,
            executor=pool,
            callbacks=[on_trial],
        )
    assert order == [3, 2, 1, 0]


def test_process_pool() -> None:
    with ProcessPoolExecutor(2) as pool:
        r = search(fails_on_negative_x, DIMS, method="random", n_trials=12, seed=0, executor=pool)
    assert len(r.trials) == 12
    for t in r.trials:
        if t.params["x"] < 0:
            assert t.state == "failed" and t.error == "ArithmeticError: negative x"
        else:
            assert t.state == "complete" and t.value == quadratic(**t.params)
    assert worker_count(pool) == 2


def test_process_pool_with_an_unpicklable_objective_says_what_to_do() -> None:
    with ProcessPoolExecutor(1) as pool:
        with pytest.raises(TypeError, match="ThreadPoolExecutor") as info:
            search(lambda x, y: x + y, DIMS, method="random", n_trials=2, executor=pool)
    assert "cannot be pickled" in str(info.value) and "dask" in str(info.value)


def test_dask_distributed_client_and_its_executor() -> None:
    import distributed

    offset = 0.5  # a closure: dask pickles it with cloudpickle
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        assert worker_count(client) == 2
        r = search(
            lambda x, y: quadratic(x, y) + offset,
            DIMS,
            method="random",
            n_trials=10,
            seed=0,
            executor=client,
        )
        assert [t.state for t in r.trials] == ["complete"] * 10
        assert all(t.value == quadratic(**t.params) + offset for t in r.trials)
        executor = client.get_executor()
        assert worker_count(executor) == 2
        r2 = search(
            fails_on_negative_x, DIMS, method="random", n_trials=6, seed=1, executor=executor
        )
        assert len(r2.trials) == 6
        assert {t.state for t in r2.trials if t.params["x"] < 0} <= {"failed"}


def test_trial_timeout_on_a_pool() -> None:
    release = threading.Event()

    def objective(x: float, y: float) -> float:
        if x > 3:
            release.wait(60)
        return x

    with ThreadPoolExecutor(8) as pool:
        try:
            r = search(
                objective,
                DIMS,
                method="random",
                n_trials=16,
                seed=0,
                executor=pool,
                n_workers=2,
                trial_timeout=0.3,
            )
        finally:
            release.set()  # lets the abandoned calls return, so the pool can shut down
    slow = [t for t in r.trials if t.params["x"] > 3]
    assert slow and all("TimeoutError" in (t.error or "") for t in slow)
    assert all(t.state == "complete" for t in r.trials if t.params["x"] <= 3)
