"""The race of searchers' engine: runs, statistics, failures, executors, controls."""

from __future__ import annotations

import math
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np
import pytest

import nbopt
from nbopt import space
from nbopt.live import Session
from nbopt.searchers._compare import (
    COMPARE_METHODS,
    Comparison,
    best_so_far,
    trials_to_target,
)

DIMS = {
    "lr": space.Float(1e-4, 1e-1, log=True),
    "layers": space.Int(1, 4),
    "act": space.Choice(["relu", "tanh"]),
}


def objective(lr, layers, act):
    return math.log10(lr / 3e-3) ** 2 + 0.1 * layers + (act == "tanh")


def sphere(x, y):
    """Module level: a process pool can pickle it."""
    return (x - 1) ** 2 + (y + 2) ** 2


SQUARE = {"x": space.Float(-5, 5), "y": space.Float(-5, 5)}


def run(comparison: Comparison) -> str:
    return Session(comparison).run()


def params(trials):
    return [(t.number, t.params, t.state, t.value) for t in trials]


# ------------------------------------------------------------------ statistics


def test_best_so_far_skips_failed_trials_in_either_direction():
    nan = float("nan")
    assert np.array_equal(
        best_so_far([nan, 4.0, nan, 5.0, 1.0]), [nan, 4.0, 4.0, 4.0, 1.0], equal_nan=True
    )
    assert best_so_far([1.0, nan, 3.0, 2.0], "maximize").tolist() == [1.0, 1.0, 3.0, 3.0]
    assert best_so_far([]).size == 0


def test_trials_to_target_is_one_based_inf_when_never_nan_without_target():
    assert trials_to_target([9.0, 3.0, 0.5, 0.1], 0.5) == 3.0
    assert trials_to_target([9.0, 3.0], 0.5) == math.inf
    assert trials_to_target([1.0, 4.0], 4.0, "maximize") == 2.0
    assert math.isnan(trials_to_target([1.0], None))
    assert trials_to_target([float("nan"), 0.2], 0.5) == 2.0


# ------------------------------------------------------------------ runs


def test_every_method_runs_with_every_seed_and_its_full_budget():
    c = Comparison(objective, DIMS, n_trials=6, seeds=3)
    assert c.methods == COMPARE_METHODS
    assert [(r.method, r.seed) for r in c.runs] == [
        (m, s) for m in COMPARE_METHODS for s in (0, 1, 2)
    ]
    assert run(c) == "finished"
    assert c.finished and not c.stop_requested
    for r in c.runs:
        assert len(r.trials) == 6 and r.ended
    assert c.n_done == c.n_total == 4 * 3 * 6
    # distinct seeds propose distinct trials
    for m in COMPARE_METHODS:
        firsts = {repr(r.trials[0].params) for r in c.runs if r.method == m}
        assert len(firsts) == 3, m
    assert [s.seeds for s in c.summaries()] == [(0, 1, 2)] * 4


def test_seeds_may_be_given_explicitly():
    c = Comparison(objective, DIMS, methods=["random"], n_trials=2, seeds=[7, 3])
    assert [r.seed for r in c.runs] == [7, 3]


@pytest.mark.parametrize("method", ["random", "genetic", "evolutionary", "bayesian", "auto"])
def test_each_run_proposes_exactly_what_search_with_that_seed_proposes(method):
    c = Comparison(objective, DIMS, methods=[method], n_trials=14, seeds=2)
    run(c)
    for r in c.runs:
        alone = nbopt.search(
            objective, DIMS, method=method, n_trials=14, seed=r.seed, progress=False
        )
        assert params(r.trials) == params(alone.trials)
        assert r.best_value == alone.best_value


def test_without_an_executor_the_runs_take_turns():
    order = []
    c = Comparison(objective, DIMS, methods=["random", "evolutionary"], n_trials=3, seeds=2)
    for _ in range(8):
        for rt in c.step():
            order.append((rt.run, rt.trial.number))
    # one trial per step, every run in turn: all bands grow together
    assert order == [(0, 0), (1, 0), (2, 0), (3, 0), (0, 1), (1, 1), (2, 1), (3, 1)]


def test_the_table_is_numpys_statistics_of_the_runs():
    c = Comparison(objective, DIMS, methods=["random", "genetic"], n_trials=15, seeds=5)
    run(c)
    table = c.table()
    assert list(table.index) == ["random", "genetic"]
    for method in ("random", "genetic"):
        runs = [r for r in c.runs if r.method == method]
        best = np.array([r.best_value for r in runs])
        row = table.loc[method]
        assert row["best_median"] == pytest.approx(np.median(best), rel=1e-12)
        assert row["best_q25"] == pytest.approx(np.percentile(best, 25), rel=1e-12)
        assert row["best_q75"] == pytest.approx(np.percentile(best, 75), rel=1e-12)
        ask = [np.mean([t.info["ask_seconds"] for t in r.trials]) for r in runs]
        dur = [np.mean([t.duration for t in r.trials]) for r in runs]
        assert row["ask_seconds_median"] == pytest.approx(np.median(ask), rel=1e-9)
        assert row["objective_seconds_median"] == pytest.approx(np.median(dur), rel=1e-9)
        per_trial = np.median(np.array(ask) + np.array(dur))
        assert row["seconds_per_trial_median"] == pytest.approx(per_trial, rel=1e-9)
        assert row["n_runs"] == 5 and row["runs_done"] == 5 and row["n_trials"] == 75
        assert math.isnan(row["trials_to_target_median"]) and row["target_reached"] == 0
    assert set(c.summary_table()) >= {"method", "best_median", "n_failed"}


@pytest.mark.parametrize("direction", ["minimize", "maximize"])
def test_trials_to_target_per_run_and_their_median(direction):
    sign = 1.0 if direction == "minimize" else -1.0

    def f(lr, layers, act):
        return sign * objective(lr, layers, act)

    target = sign * 0.2
    c = Comparison(
        f, DIMS, methods=["random"], n_trials=20, seeds=6, direction=direction, target=target
    )
    run(c)
    expected = []
    for r in c.runs:
        values = [t.value for t in r.trials]
        best = best_so_far(values, direction)
        hit = [k + 1 for k, b in enumerate(best) if sign * b <= sign * target]
        expected.append(hit[0] if hit else math.inf)
    summary = c.summaries()[0]
    assert summary.to_target.tolist() == expected
    assert summary.target_reached == sum(math.isfinite(e) for e in expected)
    assert summary.trials_to_target_median == np.median(expected)
    assert 0 < summary.target_reached < 6  # the case is one where some seeds miss it


def test_bad_input_says_what_is_expected():
    cases = [
        ({"methods": ["random", "newton"]}, ValueError, "unknown method 'newton'"),
        ({"methods": []}, ValueError, "methods is empty"),
        ({"methods": "random"}, TypeError, "list of method names"),
        ({"methods": ["random", "random"]}, ValueError, "listed twice"),
        ({"seeds": 0}, ValueError, "seeds must be a number of seeds >= 1"),
        ({"seeds": [1, 1]}, ValueError, "distinct"),
        ({"seeds": []}, ValueError, "non-empty list"),
        ({"n_trials": 0}, ValueError, "n_trials must be a positive int"),
        ({"direction": "down"}, ValueError, "'minimize' or 'maximize'"),
        ({"target": float("nan")}, ValueError, "target must be a finite number"),
    ]
    for kwargs, kind, message in cases:
        with pytest.raises(kind, match=message) as info:
            Comparison(objective, DIMS, **kwargs)
        if "method" in message:
            assert "e.g. methods=['random', 'bayesian']" in str(info.value)


def test_a_failing_objective_fails_its_trials_and_the_race_goes_on():
    def fragile(lr, layers, act):
        if layers == 3:
            raise ArithmeticError("three layers")
        if act == "tanh" and lr > 0.05:
            return float("nan")
        return objective(lr, layers, act)

    c = Comparison(fragile, DIMS, methods=["random", "genetic"], n_trials=20, seeds=3)
    assert run(c) == "finished"
    failed = sum(t.state == "failed" for r in c.runs for t in r.trials)
    assert failed > 0 and c.n_failed == failed and c.n_done == c.n_total
    assert sum(s.n_failed for s in c.summaries()) == failed
    errors = {t.error for r in c.runs for t in r.trials if t.state == "failed"}
    assert "ArithmeticError: three layers" in errors


def test_a_method_whose_every_trial_fails_has_no_best_and_no_warning():
    def broken(lr, layers, act):
        raise RuntimeError("no")

    c = Comparison(broken, DIMS, methods=["random"], n_trials=4, seeds=2, target=0.1)
    run(c)
    s = c.summaries()[0]
    assert np.isnan(s.best).all() and math.isnan(s.best_median) and math.isnan(s.best_q25)
    assert s.trials_to_target_median == math.inf and s.target_reached == 0
    assert s.n_failed == 8


# ------------------------------------------------------------------ controls


def test_hold_pauses_after_the_trial_in_progress_and_release_goes_on():
    calls = []
    c: Comparison

    def f(lr, layers, act):
        calls.append(1)
        if len(calls) == 5:
            c.hold()  # from inside the fifth trial
        return objective(lr, layers, act)

    c = Comparison(f, DIMS, methods=["random"], n_trials=10, seeds=2)
    session = Session(c)
    c.on_hold = lambda: session.pause(wait=False)
    session.play()
    assert session.wait(timeout=60)
    assert session.state == "paused" and c.n_done == 5 and not c.finished
    c.release()
    session.play()
    assert session.wait(timeout=60)
    assert session.state == "finished" and c.n_done == 20


def test_stop_ends_every_run_keeping_what_finished():
    c = Comparison(objective, DIMS, methods=["random", "evolutionary"], n_trials=50, seeds=2)
    session = Session(c)
    for _ in range(7):
        c.step()
    c.stop()
    assert session.run() == "finished"
    assert c.finished and c.stop_requested and c.n_done == 7
    assert c.n_done == sum(len(r.trials) for r in c.runs)


# ------------------------------------------------------------------ executors


def test_a_thread_pool_runs_the_runs_at_once_with_the_in_process_trials():
    lock = threading.Lock()
    running = [0]
    most = [0]
    overlap = threading.Event()

    def f(x, y):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
            if running[0] > 1:
                overlap.set()
        overlap.wait(5)  # the first calls wait for a second one: runs overlap
        with lock:
            running[0] -= 1
        return sphere(x, y)

    methods = ["random", "evolutionary", "genetic"]
    inline = Comparison(sphere, SQUARE, methods=methods, n_trials=12, seeds=2)
    run(inline)
    with ThreadPoolExecutor(4) as pool:
        pooled = Comparison(f, SQUARE, methods=methods, n_trials=12, seeds=2, executor=pool)
        assert run(pooled) == "finished"
    assert most[0] > 1
    assert pooled.n_done == pooled.n_total == 72
    for a, b in zip(inline.runs, pooled.runs):
        assert params(a.trials) == params(b.trials)
    assert pooled.table()["best_median"].tolist() == inline.table()["best_median"].tolist()


def test_a_process_pool_with_a_module_level_objective():
    inline = Comparison(sphere, SQUARE, methods=["random", "genetic"], n_trials=8, seeds=2)
    run(inline)
    with ProcessPoolExecutor(2) as pool:
        pooled = Comparison(
            sphere, SQUARE, methods=["random", "genetic"], n_trials=8, seeds=2, executor=pool
        )
        assert run(pooled) == "finished"
    for a, b in zip(inline.runs, pooled.runs):
        assert params(a.trials) == params(b.trials)


def test_a_process_pool_refuses_an_unpicklable_objective_at_once():
    with ProcessPoolExecutor(1) as pool, pytest.raises(TypeError, match="cannot be pickled"):
        Comparison(lambda x, y: x + y, SQUARE, methods=["random"], executor=pool)


def test_stop_on_a_pool_lets_running_trials_finish_and_keeps_them():
    calls = [0]
    lock = threading.Lock()
    c: Comparison

    def f(x, y):
        with lock:
            calls[0] += 1
            if calls[0] == 6:
                c.stop()
        return sphere(x, y)

    with ThreadPoolExecutor(3) as pool:
        c = Comparison(
            f, SQUARE, methods=["random", "genetic"], n_trials=40, seeds=2, executor=pool
        )
        assert run(c) == "finished"
    assert c.stop_requested and all(r.ended for r in c.runs)
    assert 6 <= c.n_done < c.n_total
    assert c.n_done == sum(len(r.trials) for r in c.runs) == calls[0]


def test_close_after_the_session_stopped_keeps_the_trials_that_finished():
    gate = threading.Event()
    blocked = threading.Event()
    calls = [0]
    lock = threading.Lock()

    def f(x, y):
        with lock:
            calls[0] += 1
            late = calls[0] > 4
        if late:
            blocked.set()
            gate.wait(30)
        return sphere(x, y)

    with ThreadPoolExecutor(4) as pool:
        c = Comparison(f, SQUARE, methods=["random"], n_trials=30, seeds=2, executor=pool)
        session = Session(c)
        session.play()
        assert blocked.wait(30)
        session.stop()
        c.close()
        gate.set()
    assert all(r.ended for r in c.runs) and c.stop_requested
    recorded = sum(len(r.trials) for r in c.runs)
    assert c.n_done == recorded and 4 <= recorded < 30
