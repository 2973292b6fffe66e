"""The search loop as an engine: sessions, pause / play / stop / extend, ask time, progress."""

from __future__ import annotations

import pickle
import sys
import threading
import time
import types
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from nbopt import space
from nbopt.live import EventBatch, Session
from nbopt.searchers import GridSearch, RandomSearch, SearchEngine, SearchResult, Trial, search
from nbopt.searchers._storage import Storage

X = {"x": space.Float(0.0, 1.0)}
WAIT = 30.0


def _until(predicate: Callable[[], bool], timeout: float = WAIT) -> bool:
    """Poll ``predicate`` until it holds or ``timeout`` seconds pass; return its last value."""
    deadline = time.monotonic() + timeout
    tick = threading.Event()
    while not predicate():
        if time.monotonic() > deadline:
            return predicate()
        tick.wait(0.005)
    return True


def _fast(x: float) -> float:
    return x


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(3) as executor:
        yield executor


# ---------------------------------------------------------------- the engine protocol


def test_engine_steps_return_the_trials_finished_in_the_step() -> None:
    engine = SearchEngine(_fast, X, method="random", n_trials=4, seed=0)
    events = []
    while not engine.finished:
        events.append(engine.step())
    assert [[t.number for t in event] for event in events] == [[0], [1], [2], [3]]
    assert engine.result.trials == [t for event in events for t in event]
    assert engine.n_running == 0 and engine.n_trials == 4


def test_a_search_cannot_be_reset_and_says_what_to_do() -> None:
    engine = SearchEngine(_fast, X, method="random", n_trials=2, seed=0)
    with pytest.raises(RuntimeError, match=r"extend\(n\)") as info:
        engine.reset()
    assert "storage=" in str(info.value)


def test_session_observers_get_batches_of_trials() -> None:
    gate = threading.Event()

    def objective(x: float) -> float:
        gate.wait(WAIT)
        return x

    r = search(objective, X, method="random", n_trials=12, seed=0, block=False, progress=False)
    assert isinstance(r.session, Session)
    batches: list[EventBatch] = []
    r.session.observe(batches.append)
    gate.set()
    assert r.wait(WAIT)
    assert _until(lambda: bool(batches) and batches[-1].final)
    events = [event for batch in batches for event in batch.events]
    assert all(isinstance(event, list) for event in events)
    flat = [t for event in events for t in event]
    assert all(isinstance(t, Trial) for t in flat)
    assert [t.number for t in flat] == list(range(12))
    assert flat == r.trials
    assert batches[-1].state == "finished" and r.session.state == "finished"


def test_ask_seconds_measures_the_searcher() -> None:
    class SlowAsk(RandomSearch):
        def ask(self) -> Trial:
            time.sleep(0.02)  # the cost being measured, not a synchronization
            return super().ask()

    r = search(_fast, X, method=SlowAsk(X, seed=0), n_trials=3, progress=False)
    seconds = [t.info["ask_seconds"] for t in r.trials]
    assert all(isinstance(s, float) for s in seconds)
    assert all(0.02 <= s < 5.0 for s in seconds)
    fast = search(_fast, X, method="random", n_trials=3, seed=0, progress=False)
    assert all(0.0 <= t.info["ask_seconds"] < 0.02 for t in fast.trials)


def test_ask_seconds_is_stored(tmp_path: Path) -> None:
    db = tmp_path / "ask.db"
    r = search(_fast, X, method="random", n_trials=3, seed=0, storage=db, progress=False)
    with Storage(db) as store:
        stored = store.trials("default")
    assert [t.info["ask_seconds"] for t in stored] == [t.info["ask_seconds"] for t in r.trials]


# ---------------------------------------------------------------- pause and play


def test_pause_holds_a_fast_search_still_and_play_resumes() -> None:
    calls: list[float] = []
    called_while_paused = threading.Event()
    paused = threading.Event()

    def objective(x: float) -> float:
        calls.append(x)
        if paused.is_set():
            called_while_paused.set()
        return x

    r = search(objective, X, method="random", n_trials=1_000_000, seed=0, block=False)
    try:
        assert _until(lambda: len(r.trials) >= 5)
        r.pause()
        assert _until(lambda: r.paused)
        paused.set()
        held = len(r.trials)
        assert held == len(calls)  # every trial that ran is recorded
        assert not called_while_paused.wait(0.3)
        assert len(r.trials) == held and not r.done
        assert "paused" in repr(r)
        paused.clear()
        r.play()
        assert _until(lambda: len(r.trials) > held + 5)
    finally:
        r.stop()
    assert r.wait(WAIT)
    assert r.interrupted and len(r.trials) == len(calls)


def test_pause_while_trials_run_on_a_pool_records_them(pool: ThreadPoolExecutor) -> None:
    gate = threading.Event()
    started: list[float] = []

    def objective(x: float) -> float:
        started.append(x)
        gate.wait(WAIT)
        return x

    r = search(objective, X, method="random", n_trials=50, seed=0, executor=pool, block=False)
    try:
        engine = r.engine
        assert engine is not None
        assert _until(lambda: len(started) == 3 and engine.n_running == 3)
        r.pause()
        gate.set()
        assert _until(lambda: r.paused)
        assert len(r.trials) == 3 and all(t.state == "complete" for t in r.trials)
        assert len(started) == 3 and engine.n_running == 0
        assert r.searcher is not None
        assert [t.state for t in r.searcher.trials] == ["complete"] * 3
        r.play()
        assert r.wait(WAIT)
    finally:
        gate.set()
        r.stop()
    assert len(r.trials) == 50 and not r.interrupted


def test_pause_of_a_blocking_search_raises() -> None:
    def on_trial(result: SearchResult, trial: Trial) -> None:
        result.pause()

    with pytest.raises(RuntimeError, match="block=False"):
        search(_fast, X, method="random", n_trials=3, seed=0, callbacks=[on_trial])


def test_timeout_does_not_count_the_time_spent_paused() -> None:
    # a timeout with room for a slow start on a loaded machine (3 trials, then the pause)
    r = search(_fast, X, method="random", n_trials=10**9, seed=0, timeout=3.0, block=False)
    try:
        assert _until(lambda: len(r.trials) >= 3)
        r.pause()
        assert _until(lambda: r.paused)
        held = len(r.trials)
        # longer than the whole timeout: a clock counting pauses would end the search at play
        assert not r.wait(3.5)
        r.play()
        assert _until(lambda: len(r.trials) > held + 3 or r.done)
        assert len(r.trials) > held + 3
    finally:
        r.stop()
    assert r.wait(WAIT)


# ---------------------------------------------------------------- stop


def test_stop_keeps_every_finished_trial(pool: ThreadPoolExecutor, tmp_path: Path) -> None:
    gate = threading.Event()
    started: list[float] = []

    def objective(x: float) -> float:
        started.append(x)
        gate.wait(WAIT)
        return x

    db = tmp_path / "stop.db"
    r = search(objective, X, method="random", n_trials=50, executor=pool, storage=db, block=False)
    try:
        assert _until(lambda: len(started) == 3)
        r.stop()
        assert not r.wait(0.05)  # the three running trials are still awaited
        gate.set()
        assert r.wait(WAIT)
    finally:
        gate.set()
    assert r.interrupted and len(started) == 3
    assert [t.state for t in r.trials] == ["complete"] * 3
    with Storage(db) as store:
        assert [t.number for t in store.trials("default")] == [t.number for t in r.trials]


def test_stop_ends_a_paused_search() -> None:
    r = search(_fast, X, method="random", n_trials=10**9, seed=0, block=False)
    assert _until(lambda: len(r.trials) >= 2)
    r.pause()
    assert _until(lambda: r.paused)
    held = len(r.trials)
    r.stop()
    assert r.wait(WAIT)
    assert r.interrupted and len(r.trials) == held


def test_session_stop_records_finished_trials_and_abandons_running_ones() -> None:
    gates = [threading.Event() for _ in range(3)]
    calls: list[float] = []
    lock = threading.Lock()

    class Recording(ThreadPoolExecutor):
        def __init__(self, max_workers: int) -> None:
            super().__init__(max_workers)
            self.futures: list[Future[Any]] = []

        def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
            future = super().submit(fn, *args, **kwargs)
            self.futures.append(future)
            return future

    def objective(x: float) -> float:
        with lock:
            calls.append(x)
            gate = gates[len(calls) - 1]
        gate.wait(WAIT)
        return x

    with Recording(3) as pool:
        r = search(objective, X, method="random", n_trials=3, seed=0, executor=pool, block=False)
        try:
            assert _until(lambda: len(calls) == 3)
            assert r.session is not None
            # one call returns while the session is paused, so it is not collected yet
            r.session.pause()
            gates[0].set()
            assert _until(lambda: sum(f.done() for f in pool.futures) == 1)
            r.session.stop()
            assert r.wait(WAIT)
        finally:
            for gate in gates:
                gate.set()
    assert r.interrupted
    assert [t.state for t in r.trials] == ["complete"]
    assert r.searcher is not None
    assert sorted(t.state for t in r.searcher.trials) == ["complete", "failed", "failed"]
    with pytest.raises(RuntimeError, match="stopped"):
        r.extend(2)


# ---------------------------------------------------------------- extend


def test_extend_a_finished_blocking_search(tmp_path: Path) -> None:
    db = tmp_path / "more.db"
    r = search(_fast, X, method="random", n_trials=5, seed=0, storage=db, progress=False)
    assert r.done and len(r.trials) == 5
    r.extend(3)
    assert r.done and r.n_trials == 8
    assert [t.number for t in r.trials] == list(range(8))
    straight = search(_fast, X, method="random", n_trials=8, seed=0, progress=False)
    assert [t.params for t in r.trials] == [t.params for t in straight.trials]
    with Storage(db) as store:
        assert len(store.trials("default")) == 8
    resumed = search(_fast, X, method="random", n_trials=8, seed=0, storage=db, progress=False)
    assert resumed.trials == r.trials


def test_extend_a_finished_background_search_runs_on_its_session() -> None:
    r = search(_fast, X, method="random", n_trials=4, seed=0, block=False)
    assert r.wait(WAIT)
    assert r.session is not None
    batches: list[EventBatch] = []
    r.session.observe(batches.append)
    r.extend(3)
    assert r.wait(WAIT)
    assert [t.number for t in r.trials] == list(range(7))
    assert _until(lambda: bool(batches) and batches[-1].final)
    new = [t.number for batch in batches for event in batch.events for t in event]
    assert new == [4, 5, 6]
    assert r.session.state == "finished" and r.session.step_count == 7


def test_extend_a_stopped_search_runs_n_more() -> None:
    def on_trial(result: SearchResult, trial: Trial) -> None:
        if trial.number == 2:
            result.stop()

    r = search(_fast, X, method="random", n_trials=100, seed=0, callbacks=[on_trial])
    assert r.interrupted and len(r.trials) == 3
    r.extend(4)
    assert len(r.trials) == 7 and r.n_trials == 7 and not r.interrupted


def test_extend_a_paused_search_raises_its_budget_and_resumes() -> None:
    r = search(_fast, X, method="random", n_trials=30, seed=0, block=False)
    r.pause()
    assert _until(lambda: r.paused or r.done)
    r.extend(5)
    assert r.n_trials == 35
    assert r.wait(WAIT)
    assert len(r.trials) == 35


def test_extend_refuses_what_cannot_go_on() -> None:
    grid = search(
        _fast, X, method="grid", searcher_kwargs={"resolution": 3}, n_trials=None, progress=False
    )
    assert isinstance(grid.searcher, GridSearch)
    with pytest.raises(RuntimeError, match="no more trials"):
        grid.extend(1)
    with pytest.raises(ValueError, match="positive integer"):
        grid.extend(0)
    restored = pickle.loads(pickle.dumps(search(_fast, X, method="random", n_trials=2)))
    assert restored.session is None and restored.engine is None and restored.done
    assert len(restored.trials) == 2
    with pytest.raises(RuntimeError, match="storage="):
        restored.extend(1)


def test_a_background_result_pickles_once_done() -> None:
    r = search(_fast, X, method="random", n_trials=5, seed=0, block=False)
    assert r.wait(WAIT)
    restored = pickle.loads(pickle.dumps(r))
    assert restored.trials == r.trials and restored.best_value == r.best_value
    assert restored.session is None and not restored.paused


# ---------------------------------------------------------------- errors and interrupts


def test_a_failing_callback_keeps_every_finished_trial(pool: ThreadPoolExecutor) -> None:
    def on_trial(result: SearchResult, trial: Trial) -> None:
        if len(result.trials) == 4:
            raise RuntimeError("dashboard broke")

    r = search(
        _fast,
        X,
        method="random",
        n_trials=50,
        seed=0,
        executor=pool,
        callbacks=[on_trial],
        block=False,
    )
    with pytest.raises(RuntimeError, match="dashboard broke"):
        r.wait(WAIT)
    assert r.searcher is not None
    told = [t for t in r.searcher.trials if t.state == "complete"]
    # every trial the searcher learned as complete is in the result
    assert sorted(t.number for t in told) == [t.number for t in r.trials]
    assert not any(t.state == "running" for t in r.searcher.trials)


def test_keyboard_interrupt_raised_by_the_objective_in_the_background() -> None:
    def objective(x: float) -> float:
        if x > 0.9:
            raise KeyboardInterrupt
        return x

    r = search(objective, X, method="random", n_trials=200, seed=0, block=False)
    assert r.wait(WAIT)
    assert r.interrupted and r.error is None
    assert all(t.state == "complete" for t in r.trials)
    assert r.session is not None and r.session.state == "stopped"


# ---------------------------------------------------------------- progress


def test_blocking_search_prints_a_progress_line(capsys: pytest.CaptureFixture[str]) -> None:
    def objective(x: float) -> float:
        if x > 0.8:
            raise ValueError("too big")
        return x

    r = search(objective, X, method="random", n_trials=20, seed=0)
    err = capsys.readouterr().err
    failed = sum(t.state == "failed" for t in r.trials)
    assert err.startswith("\r") and err.endswith("\n") and err.count("\n") == 1
    last = err.rstrip("\n").split("\r")[-1].rstrip()
    assert last.startswith(f"nbopt search: 20/20 trials, {failed} failed, best {r.best_value:.6g}")
    assert last.endswith(" s")


def test_progress_false_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    search(_fast, X, method="random", n_trials=5, seed=0, progress=False)
    r = search(_fast, X, method="random", n_trials=5, seed=0, progress=False, block=False)
    assert r.wait(WAIT)
    assert capsys.readouterr() == ("", "")


def test_inside_a_kernel_the_dashboard_hook_replaces_the_progress_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shell = types.SimpleNamespace(kernel=object())
    fake_ipython = types.ModuleType("IPython")
    fake_ipython.get_ipython = lambda: shell  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "ipykernel", types.ModuleType("ipykernel"))
    monkeypatch.setitem(sys.modules, "IPython", fake_ipython)
    shown: list[SearchResult] = []
    monkeypatch.setattr("nbopt.searchers._search._live_display", shown.append)
    r = search(_fast, X, method="random", n_trials=5, seed=0)
    assert shown == [r] and capsys.readouterr().err == ""
    search(_fast, X, method="random", n_trials=5, seed=0, progress=False)
    assert shown == [r]
    # a plain IPython shell (no kernel) is a script: the line is printed
    shell.kernel = None
    search(_fast, X, method="random", n_trials=5, seed=0)
    assert "nbopt search: 5/5 trials" in capsys.readouterr().err


def test_engine_modules_import_no_jupyter() -> None:
    import subprocess

    code = (
        "import sys, nbopt.searchers, nbopt.live; "
        "from nbopt.searchers import search; "
        "bad = [m for m in ('IPython', 'ipywidgets', 'ipykernel', 'anywidget') "
        "if m in sys.modules]; print(bad)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "[]"


def test_session_types_match_the_engine_protocol() -> None:
    r: Any = search(_fast, X, method="random", n_trials=2, seed=0, block=False)
    assert r.wait(WAIT)
    assert isinstance(r.session, Session) and r.session.engine is r.engine
