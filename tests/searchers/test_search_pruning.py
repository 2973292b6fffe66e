"""Reporting and pruning in the search loop: every executor, the storage, bad input."""

from __future__ import annotations

import math
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

import nbopt
from nbopt import space
from nbopt.searchers import (
    MedianPruner,
    PruneDecision,
    Pruner,
    RandomSearch,
    SearchEngine,
    StudyView,
    SuccessiveHalvingPruner,
    Trial,
    TrialCurve,
)
from nbopt.searchers._search import search
from nbopt.searchers._storage import Storage

DIMS = {"x": space.Float(0.05, 0.5)}
EPOCHS = 10


def wait_for(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition did not hold in time"
        time.sleep(0.01)


def curve_objective(x: float, trial: Any) -> float:
    """Value x * (step + 1) at each step: larger x crosses any bar sooner."""
    for step in range(EPOCHS):
        trial.report(x * (step + 1), step=step)
        if trial.should_prune():
            raise nbopt.Pruned()
    return x


class AboveTwo(Pruner):
    """Prune once the last value is above 2; remember every (trial, step) judged."""

    def __init__(self) -> None:
        self.seen: list[tuple[int, int]] = []

    def should_prune(self, study: StudyView, trial: TrialCurve) -> PruneDecision:
        step, value = trial.last_step, trial.last_value
        assert step is not None and value is not None
        self.seen.append((trial.number, step))
        return PruneDecision(value > 2.0, "above 2", step, value, 2.0, pruner="AboveTwo")


def check_above_two(trials: list[Trial], pruner: AboveTwo) -> None:
    """Each trial is pruned exactly at its first step above 2, decided in the engine."""
    assert trials
    for t in trials:
        x = t.params["x"]
        above = [s for s in range(EPOCHS) if x * (s + 1) > 2.0]
        last = above[0] if above else EPOCHS - 1
        assert t.intermediate_values == {s: x * (s + 1) for s in range(last + 1)}
        assert t.state == ("pruned" if above else "complete")
        if above:
            assert t.value is None
            assert t.info["pruned"]["step"] == last and t.info["pruned"]["threshold"] == 2.0
        # every report reached the engine before the decision that followed it
        assert [s for n, s in pruner.seen if n == t.number] == list(range(last + 1))
    assert {t.state for t in trials} == {"pruned", "complete"}


# ---- in the search's process


def test_pruned_trials_keep_their_curve_and_reason_and_count_in_n_trials() -> None:
    pruner = AboveTwo()
    r = search(curve_objective, DIMS, method="random", n_trials=12, seed=0, pruner=pruner)
    assert len(r.trials) == 12
    check_above_two(r.trials, pruner)
    assert r.best_trial is not None and r.best_trial.state == "complete"
    table = r.results_
    pruned = table["state"] == "pruned"
    assert list(table["intermediate_values"]) == [t.intermediate_values for t in r.trials]
    assert all(math.isnan(v) for v in table["value"][pruned])
    assert set(table["pruned_reason"][pruned]) == {"above 2"}
    assert set(table["pruned_reason"][~pruned]) == {None}
    assert table["rank"][pruned].min() > table["rank"][~pruned].max()
    frame = r.to_dataframe()
    assert frame["intermediate_values"].tolist() == [t.intermediate_values for t in r.trials]
    assert "pruned)" in repr(r)


def test_the_searcher_is_told_a_pruned_trial_as_pruned() -> None:
    told: list[tuple[int, str, float | None]] = []

    class Spy(RandomSearch):
        def _observe(self, trial: Trial) -> None:
            told.append((trial.number, trial.state, trial.value))

    searcher = Spy(DIMS, seed=1)
    r = search(curve_objective, DIMS, method=searcher, n_trials=15, pruner=AboveTwo())
    states = {t.number: t.state for t in r.trials}
    assert sorted(told) == sorted((t.number, t.state, t.value) for t in r.trials)
    assert all(value is None for _, state, value in told if state == "pruned")
    assert "pruned" in states.values()
    best = searcher.best_trial
    assert best.state == "complete"
    assert searcher.best_value == min(t.value for t in r.trials if t.value is not None)


def test_median_pruner_end_to_end_is_reproducible() -> None:
    def objective(x: float, trial: Any) -> float:
        for epoch in range(8):
            trial.report((x - 0.3) ** 2 + 1.0 / (epoch + 1), step=epoch)
            if trial.should_prune():
                raise nbopt.Pruned()
        return (x - 0.3) ** 2

    runs = [
        search(objective, DIMS, method="random", n_trials=30, seed=3, pruner="median")
        for _ in range(2)
    ]
    a, b = (
        [(t.state, t.intermediate_values, t.info.get("pruned")) for t in r.trials] for r in runs
    )
    assert a == b
    pruned = [t for t in runs[0].trials if t.state == "pruned"]
    assert pruned and all(t.info["pruned"]["pruner"] == "MedianPruner" for t in pruned)
    # the first five trials complete (start-up), and each pruned trial really was worse
    assert {t.state for t in runs[0].trials[:5]} == {"complete"}
    for t in pruned:
        record = t.info["pruned"]
        assert record["value"] > record["threshold"]


def test_returning_after_should_prune_prunes_and_raising_pruned_needs_no_pruner() -> None:
    def returns(x: float, trial: Any) -> float:
        for step in range(EPOCHS):
            trial.report(x * (step + 1), step)
            if trial.should_prune():
                return 123.0  # not a final value: the trial is pruned
        return x

    r = search(returns, DIMS, method="random", n_trials=8, seed=0, pruner=AboveTwo())
    assert all(t.value != 123.0 for t in r.trials)
    assert {t.state for t in r.trials} == {"pruned", "complete"}

    def gives_up(x: float, trial: Any) -> float:
        trial.report(x)  # step 0
        trial.report(x / 2)  # step 1
        if x > 0.3:
            raise nbopt.Pruned("too large")
        return x

    r = search(gives_up, DIMS, method="random", n_trials=10, seed=0)
    for t in r.trials:
        assert t.intermediate_values == {0: t.params["x"], 1: t.params["x"] / 2}
        if t.params["x"] > 0.3:
            assert t.state == "pruned"
            assert t.info["pruned"]["reason"] == "the objective raised Pruned('too large')"
            assert t.info["pruned"]["step"] == 1
        else:
            assert t.state == "complete"
    assert not any(
        t.intermediate_values
        for t in search(lambda x: x, DIMS, method="random", n_trials=2, seed=0).trials
    )


def test_a_params_dict_objective_gets_the_handle_too() -> None:
    def objective(params: dict[str, Any], trial: Any) -> float:
        assert trial.params == params
        trial.report(params["x"], step=5)
        return params["x"]

    r = search(objective, DIMS, method="random", n_trials=3, seed=0)
    assert all(t.intermediate_values == {5: t.params["x"]} for t in r.trials)


# ---- bad input: a clear error, never a lost trial


@pytest.mark.parametrize(
    ("bad", "error"),
    [
        (lambda trial: trial.report(float("nan"), 2), "value at step 2 must be finite"),
        (lambda trial: trial.report(float("inf")), "must be finite, got inf"),
        (lambda trial: trial.report(0.5, 1), "step 1 does not come after the last reported step 1"),
        (lambda trial: trial.report(0.5, -1), "step must be an int >= 0"),
        (lambda trial: trial.report("0.5", 2), "value must be a real number"),
        (lambda trial: trial.report(0.5, 2.5), "step must be an int"),
    ],
)
def test_bad_reports_fail_the_trial_with_a_clear_error_and_keep_its_curve(
    bad: Callable[[Any], None], error: str
) -> None:
    def objective(x: float, trial: Any) -> float:
        trial.report(1.0, 0)
        trial.report(0.5, 1)
        bad(trial)
        return x

    r = search(objective, DIMS, method="random", n_trials=2, seed=0, pruner="median")
    assert len(r.trials) == 2
    for t in r.trials:
        assert t.state == "failed" and error in (t.error or "")
        assert t.intermediate_values == {0: 1.0, 1: 0.5}


def test_bad_pruner_arguments_fail_at_once() -> None:
    with pytest.raises(ValueError, match=r"unknown pruner 'medain'; expected one of"):
        search(curve_objective, DIMS, n_trials=2, pruner="medain")
    with pytest.raises(ValueError, match="declare a parameter named `trial`"):
        search(lambda x: x, DIMS, n_trials=2, pruner="median")
    with pytest.raises(ValueError, match="a dimension is named 'trial'"):
        search(lambda trial: trial, {"trial": space.Float(0, 1)}, n_trials=2, pruner="median")


def test_a_failing_pruner_fails_the_trial_not_the_search() -> None:
    class Broken(Pruner):
        def should_prune(self, study: StudyView, trial: TrialCurve) -> PruneDecision:
            return "prune"  # type: ignore[return-value]

    r = search(curve_objective, DIMS, method="random", n_trials=3, seed=0, pruner=Broken())
    assert [t.state for t in r.trials] == ["failed"] * 3
    assert all("must return a PruneDecision" in (t.error or "") for t in r.trials)
    assert all(t.intermediate_values == {0: t.params["x"]} for t in r.trials)


def test_tell_refuses_a_value_with_pruned() -> None:
    s = RandomSearch(DIMS, seed=0)
    t = s.ask()
    with pytest.raises(ValueError, match="pruned, so it has no final value"):
        s.tell(t, 0.5, pruned=True)
    with pytest.raises(ValueError, match="must be finite"):
        s.tell(t, pruned=True, intermediate_values={0: float("nan")})
    assert s.tell(t, pruned=True).state == "pruned"


# ---- threads: curves of running trials, timeouts


@pytest.mark.parametrize("pool", ["thread-per-call", "thread pool"])
def test_running_curves_show_the_reports_of_a_running_trial(pool: str) -> None:
    release = threading.Event()

    def objective(x: float, trial: Any) -> float:
        trial.report(1.0, 0)
        trial.report(0.5, 3)
        release.wait(60)
        trial.report(0.25, 4)
        return x

    with ThreadPoolExecutor(2) as threads:
        engine = SearchEngine(
            objective,
            DIMS,
            method="random",
            n_trials=2,
            seed=0,
            executor=threads if pool == "thread pool" else None,
            n_workers=2,
        )
        try:
            engine.step()
            wait_for(lambda: [len(s) for s, _ in engine.running_curves().values()] == [2, 2])
            curves = engine.running_curves()
            assert sorted(curves) == [0, 1]
            steps, values = curves[0]
            assert steps.tolist() == [0, 3] and values.tolist() == [1.0, 0.5]
            steps[0] = 99  # a copy: the engine's curve is untouched
            assert engine.running_curves()[0][0].tolist() == [0, 3]
            assert engine.study.values_at(3, ("running",)).tolist() == [0.5, 0.5]
        finally:
            release.set()
            while not engine.finished:
                engine.step()
            engine.close()
    assert engine.running_curves() == {}
    assert [t.intermediate_values for t in engine.result.trials] == [{0: 1.0, 3: 0.5, 4: 0.25}] * 2


def test_a_timed_out_trial_keeps_the_reports_that_reached_the_engine() -> None:
    release = threading.Event()

    def objective(x: float, trial: Any) -> float:
        trial.report(x, 0)
        trial.report(x / 2, 1)
        release.wait(60)
        return x

    try:
        r = search(objective, DIMS, method="random", n_trials=2, seed=0, trial_timeout=0.5)
    finally:
        release.set()
    for t in r.trials:
        assert t.state == "failed" and "TimeoutError" in (t.error or "")
        assert t.intermediate_values == {0: t.params["x"], 1: t.params["x"] / 2}


# ---- other processes


def test_reports_and_decisions_travel_through_a_process_pool() -> None:
    pruner = AboveTwo()
    with ProcessPoolExecutor(2) as pool:
        r = search(
            curve_objective,
            DIMS,
            method="random",
            n_trials=16,
            seed=0,
            executor=pool,
            pruner=pruner,
        )
    check_above_two(r.trials, pruner)


def test_reports_and_decisions_travel_through_a_dask_local_cluster() -> None:
    import distributed

    offset = 0.0  # a closure: dask pickles it with cloudpickle

    def objective(x: float, trial: Any) -> float:
        return curve_objective(x + offset, trial)

    pruner = AboveTwo()
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        r = search(
            objective, DIMS, method="random", n_trials=12, seed=0, executor=client, pruner=pruner
        )
    check_above_two(r.trials, pruner)


def test_a_worker_that_cannot_reach_the_search_runs_its_trial_unpruned() -> None:
    from nbopt.searchers._trial_handle import TrialHandle, _RemoteLink

    handle = TrialHandle(0, {"x": 1.0}, _RemoteLink(("127.0.0.1", free_port()), b"key"))
    handle.report(1.0, 0)
    assert not handle.should_prune()
    assert handle.decision is not None and "lost contact" in handle.decision.reason
    assert handle.intermediate_values == {0: 1.0}


def free_port() -> int:
    """A port on 127.0.0.1 nobody listens on (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


# ---- storage


def test_curves_and_decisions_are_stored_and_replayed(tmp_path: Path) -> None:
    db = tmp_path / "curves.db"
    first = search(
        curve_objective, DIMS, method="random", n_trials=8, seed=0, storage=db, pruner=AboveTwo()
    )
    with Storage(db) as store:
        stored = store.trials("default")
    expected = [(t.state, t.intermediate_values, t.info.get("pruned")) for t in first.trials]
    assert [(t.state, t.intermediate_values, t.info.get("pruned")) for t in stored] == expected

    r = search(
        curve_objective, DIMS, method="random", n_trials=12, seed=0, storage=db, pruner=AboveTwo()
    )
    assert [(t.state, t.intermediate_values, t.info.get("pruned")) for t in r.trials[:8]] == (
        expected
    )
    assert len(r.trials) == 12 and {t.state for t in r.trials[8:]} <= {"pruned", "complete"}
    # the resumed engine's pruner sees the replayed curves
    assert r.engine is not None
    assert r.engine.study.trial(0).intermediate_values == first.trials[0].intermediate_values


_KILLED_SCRIPT = textwrap.dedent(
    """
    import sys, time
    import nbopt
    from nbopt import space
    from nbopt.searchers import SuccessiveHalvingPruner

    def slow(x, trial):
        for step in range(4):
            # longer than the engine's 0.1 s between commits: every report is committed
            time.sleep(0.12)
            trial.report(x * (step + 1), step)
            if trial.number == 8 and step == 1:
                time.sleep(3600)  # killed here, with two reports committed
            if trial.should_prune():
                raise nbopt.Pruned()
        return x

    nbopt.search(slow, {"x": space.Float(0.05, 0.5)}, method="random", n_trials=500,
                 seed=0, storage=sys.argv[1], name="killed", progress=False,
                 pruner=SuccessiveHalvingPruner(reduction_factor=2))
    """
)


def _query(db: Path, sql: str) -> list[tuple[Any, ...]]:
    if not db.exists():
        return []
    conn = sqlite3.connect(str(db), timeout=30)
    try:
        return conn.execute(sql).fetchall()
    except sqlite3.OperationalError:  # the child has not created the tables yet
        return []
    finally:
        conn.close()


def _partial_curves(db: Path) -> list[tuple[Any, ...]]:
    # reports of a running trial, committed while it ran
    return _query(
        db,
        "SELECT v.number, v.step FROM intermediate_values v JOIN trials t "
        "ON t.study_id = v.study_id AND t.number = v.number WHERE t.state = 'running'",
    )


def test_curves_survive_a_kill_9_and_the_study_resumes_with_them(tmp_path: Path) -> None:
    db = tmp_path / "killed.db"
    script = tmp_path / "run.py"
    script.write_text(_KILLED_SCRIPT)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    child = subprocess.Popen([sys.executable, str(script), str(db)], env=env)
    try:
        wait_for(lambda: child.poll() is None and _partial_curves(db) == [(8, 0), (8, 1)], 120)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    with Storage(db) as store:
        before = store.trials("killed")
    done = [t for t in before if t.finished]
    running = [t for t in before if not t.finished]
    assert [t.number for t in done] == list(range(8)) and [t.number for t in running] == [8]
    assert {t.state for t in done} == {"complete", "pruned"}
    for t in done:
        x = t.params["x"]
        assert t.intermediate_values == {s: x * (s + 1) for s in range(len(t.intermediate_values))}
        assert len(t.intermediate_values) == 4 or t.info["pruned"]["pruner"] == (
            "SuccessiveHalvingPruner"
        )
    x8 = running[0].params["x"]
    assert running[0].intermediate_values == {0: x8, 1: 2 * x8}  # committed while it ran

    pruner = SuccessiveHalvingPruner(reduction_factor=2)
    n = len(before) + 3
    r = search(
        curve_objective,
        DIMS,
        method="random",
        n_trials=n,
        seed=0,
        storage=db,
        name="killed",
        pruner=pruner,
    )
    assert len(r.trials) == n
    by_number = {t.number: t for t in r.trials}
    for t in done:
        again = by_number[t.number]
        assert (again.state, again.intermediate_values, again.info.get("pruned")) == (
            t.state,
            t.intermediate_values,
            t.info.get("pruned"),
        )
    for t in running:  # run again from the start, with the new objective's curve
        x = by_number[t.number].params["x"]
        assert by_number[t.number].intermediate_values[0] == x
    with Storage(db) as store:
        assert [t.intermediate_values for t in store.trials("killed")] == [
            t.intermediate_values for t in r.trials
        ]


def test_median_pruner_on_a_resumed_study_uses_the_stored_curves(tmp_path: Path) -> None:
    db = tmp_path / "median.db"
    search(curve_objective, DIMS, method="random", n_trials=5, seed=0, storage=db)
    # every stored trial completed; with n_startup_trials=5 the next ones are judged at once
    r = search(
        curve_objective,
        DIMS,
        method="random",
        n_trials=15,
        seed=0,
        storage=db,
        pruner=MedianPruner(n_startup_trials=5),
    )
    later = [t for t in r.trials[5:] if t.state == "pruned"]
    assert later
    # without the stored curves no trial could be judged before 5 new ones completed
    assert all(t.info["pruned"]["n_compared"] >= 5 for t in later)
    assert later[0].number < 10 or all(t.state == "pruned" for t in r.trials[5:10])
