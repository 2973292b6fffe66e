from __future__ import annotations

import _thread
import itertools
import math
import threading
import time
import warnings
from collections.abc import Callable
from typing import Any

import pytest

from nbopt.live import EventBatch, Session

TIMEOUT = 30.0


class Counter:
    """Counts steps; infinite when total is None."""

    def __init__(self, total: int | None = None) -> None:
        self.total = total
        self.n = 0
        self.in_step = False
        self.reset_args: tuple[Any, ...] = ()
        self.stepped = threading.Event()

    @property
    def finished(self) -> bool:
        return self.total is not None and self.n >= self.total

    def step(self) -> int:
        self.in_step = True
        self.n += 1
        self.in_step = False
        self.stepped.set()
        return self.n

    def reset(self, *args: Any, **kwargs: Any) -> None:
        self.n = 0
        self.reset_args = (args, kwargs)


class Gated(Counter):
    """Each step waits for a permit: the test decides exactly how many steps may finish."""

    def __init__(self) -> None:
        super().__init__()
        self.permits = threading.Semaphore(0)
        self.entered = threading.Semaphore(0)

    def step(self) -> int:
        self.entered.release()
        assert self.permits.acquire(timeout=TIMEOUT)
        return super().step()


class Raising(Counter):
    def __init__(self, at: int, exc: BaseException) -> None:
        super().__init__()
        self.at = at
        self.exc = exc

    def step(self) -> int:
        if self.n + 1 == self.at:
            raise self.exc
        return super().step()


class Recorder:
    """Observer keeping every batch; tests wait on conditions over what it saw."""

    def __init__(self) -> None:
        self.batches: list[EventBatch] = []
        self.cond = threading.Condition()

    def __call__(self, batch: EventBatch) -> None:
        with self.cond:
            self.batches.append(batch)
            self.cond.notify_all()

    @property
    def events(self) -> list[Any]:
        with self.cond:
            return [e for b in self.batches for e in b.events]

    @property
    def step(self) -> int:
        with self.cond:
            return self.batches[-1].step if self.batches else 0

    def wait_for(self, predicate: Callable[[], bool]) -> None:
        with self.cond:
            assert self.cond.wait_for(predicate, TIMEOUT), "condition not reached in time"

    def finals(self) -> list[EventBatch]:
        return [b for b in self.batches if b.final]


def watched(engine: Any, **kwargs: Any) -> tuple[Session, Recorder]:
    session = Session(engine, **kwargs)
    recorder = Recorder()
    session.observe(recorder)
    return session, recorder


def test_run_to_the_end_delivers_every_event_once_in_order() -> None:
    session, rec = watched(Counter(total=1000))
    assert session.run() == "finished"
    assert rec.events == list(range(1, 1001))
    assert rec.batches[0].state == "running" and not rec.batches[0].final
    assert [b.state for b in rec.finals()] == ["finished"]
    assert rec.batches[-1].final and rec.batches[-1].step == 1000
    steps = [b.step for b in rec.batches]
    assert steps == sorted(steps)
    assert session.state == "finished" and session.step_count == 1000


def test_pause_really_stops_stepping_and_play_resumes() -> None:
    engine = Counter()
    session, rec = watched(engine)
    session.play()
    rec.wait_for(lambda: rec.step >= 200)
    session.pause()
    assert session.state == "paused"
    frozen = engine.n
    assert session.step_count == frozen
    assert session.wait(TIMEOUT)
    assert rec.batches[-1].final and rec.batches[-1].state == "paused"
    assert rec.events == list(range(1, frozen + 1))
    engine.stepped.clear()
    # Would catch a worker that kept stepping after pause(); cannot fail when it is right.
    assert not engine.stepped.wait(0.2)
    assert engine.n == frozen

    session.play()
    rec.wait_for(lambda: rec.step >= frozen + 200)
    session.stop()
    assert session.state == "stopped"
    assert rec.events == list(range(1, engine.n + 1))
    assert [b.state for b in rec.finals()] == ["paused", "stopped"]
    assert session._thread is not None and not session._thread.is_alive()


def test_single_steps_from_idle_and_paused() -> None:
    engine = Counter(total=5)
    session, rec = watched(engine)
    session.step()
    assert session.wait(TIMEOUT)
    assert (session.state, session.step_count, rec.events) == ("paused", 1, [1])
    session.step(3)
    assert session.wait(TIMEOUT)
    assert (session.state, session.step_count, rec.events) == ("paused", 4, [1, 2, 3, 4])
    session.step(10)
    assert session.wait(TIMEOUT)
    assert (session.state, engine.n) == ("finished", 5)
    session.step()
    session.play()
    assert session.wait(TIMEOUT)
    assert (session.state, engine.n) == ("finished", 5)
    with pytest.raises(ValueError, match="positive integer"):
        session.step(0)


def test_step_while_running_pauses_after_n_more_steps() -> None:
    engine = Gated()
    session, rec = watched(engine)
    session.play()
    assert engine.entered.acquire(timeout=TIMEOUT)
    session.step(2)
    for _ in range(3):
        engine.permits.release()
    assert session.wait(TIMEOUT)
    assert (session.state, session.step_count) == ("paused", 2)
    assert rec.events == [1, 2]


def test_a_later_play_cancels_a_waiting_pause() -> None:
    engine = Gated()
    session, _ = watched(engine)
    session.play()
    assert engine.entered.acquire(timeout=TIMEOUT)  # a step is in progress
    pauser = threading.Thread(target=session.pause)
    pauser.start()
    deadline = time.monotonic() + TIMEOUT
    while not session._pause_requested:
        assert time.monotonic() < deadline, "pause() never asked"
        time.sleep(0.001)
    session.play()  # before the pause took effect: the run goes on
    pauser.join(TIMEOUT)
    assert not pauser.is_alive(), "pause() kept waiting for a pause that play() cancelled"
    for _ in range(3):
        engine.permits.release()
    assert engine.entered.acquire(timeout=TIMEOUT)
    assert session.state == "running" and engine.n >= 1
    for _ in range(10):
        engine.permits.release()
    session.stop()
    assert session.state == "stopped"


def test_stop_mid_run_keeps_every_finished_step() -> None:
    engine = Gated()
    session, rec = watched(engine)
    session.play()
    for _ in range(7):
        engine.permits.release()
    # the worker is now blocked inside step 8
    for _ in range(8):
        assert engine.entered.acquire(timeout=TIMEOUT)
    stopper = threading.Thread(target=session.stop)
    stopper.start()
    engine.permits.release()
    stopper.join(TIMEOUT)
    assert not stopper.is_alive()
    assert session.state == "stopped"
    assert session.step_count == engine.n == 8
    assert rec.events == list(range(1, 9))
    assert rec.batches[-1].final and rec.batches[-1].state == "stopped"
    with pytest.raises(RuntimeError, match="reset"):
        session.play()


def test_stop_from_idle_or_paused_and_context_manager() -> None:
    session, rec = watched(Counter(total=10))
    session.stop()
    assert session.state == "stopped"
    assert rec.batches[-1] == EventBatch([], "stopped", 0, final=True)
    with Session(Counter()) as other:
        other.play()
    assert other.state == "stopped"


def test_engine_exception_is_recorded_and_reported() -> None:
    error = ValueError("bad step")
    session, rec = watched(Raising(at=5, exc=error))
    session.play()
    assert session.wait(TIMEOUT)
    assert session.state == "error"
    assert session.error is error
    assert session.traceback is not None and "ValueError: bad step" in session.traceback
    last = rec.batches[-1]
    assert (last.final, last.state, last.error, last.step) == (True, "error", error, 4)
    assert last.traceback == session.traceback
    assert rec.events == [1, 2, 3, 4]
    with pytest.raises(RuntimeError, match="reset"):
        session.play()
    session.reset()
    assert (session.state, session.error, session.step_count) == ("idle", None, 0)


def test_foreground_run_raises_the_engine_error() -> None:
    session, rec = watched(Raising(at=3, exc=ZeroDivisionError("boom")))
    with pytest.raises(ZeroDivisionError, match="boom"):
        session.run()
    assert session.state == "error"
    assert rec.events == [1, 2]


def test_flushes_are_coalesced_with_a_fast_engine() -> None:
    rate = 20.0
    engine = Counter()
    session, rec = watched(engine, max_flush_rate=rate)
    started = time.monotonic()
    session.play()
    rec.wait_for(lambda: rec.step >= 20_000 and len(rec.batches) >= 5)
    session.stop()
    elapsed = time.monotonic() - started
    running = [b for b in rec.batches if not b.final]
    # one "running" announcement + at most one flush per 1/rate seconds (generous slack)
    assert len(running) <= 1 + rate * elapsed * 1.5 + 2
    assert len(rec.batches) * 20 < engine.n
    assert rec.events == list(range(1, engine.n + 1))


def test_infinite_flush_rate_sends_one_batch_per_step() -> None:
    session, rec = watched(Counter(total=50), max_flush_rate=math.inf)
    session.run()
    assert [b.events for b in rec.batches if b.events] == [[i] for i in range(1, 51)]


def test_throttle_spaces_steps_and_can_be_lifted_while_running() -> None:
    engine = Counter(total=6)
    session, rec = watched(engine, steps_per_second=50.0)
    started = time.monotonic()
    assert session.run() == "finished"
    # a throttle guarantees a lower bound on the duration: 5 gaps of 1/50 s
    assert time.monotonic() - started >= 5 / 50.0
    session.reset()

    engine.total = 10_000
    session.steps_per_second = 0.01  # one step every 100 s
    session.play()
    rec.wait_for(lambda: rec.step >= 1)
    session.steps_per_second = None  # wakes the waiting worker
    assert session.wait(TIMEOUT)
    assert session.state == "finished" and engine.n == 10_000
    assert session.steps_per_second is None


class Clocked(Counter):
    """Counts steps and remembers when each was taken."""

    def __init__(self, total: int) -> None:
        super().__init__(total)
        self.times: list[float] = []

    def step(self) -> int:
        self.times.append(time.monotonic())
        return super().step()


def test_fast_paced_runs_step_in_bursts_on_schedule() -> None:
    rate, total = 5000.0, 2000
    engine = Clocked(total)
    session, rec = watched(engine, steps_per_second=rate)
    assert session.run() == "finished"
    times = engine.times
    # never ahead of the fixed schedule: 1999 gaps of 1/5000 s at least (the first step is
    # stamped a few microseconds after the schedule starts: 1 ms of slack)
    assert times[-1] - times[0] >= (total - 1) / rate - 1e-3
    # but not one wake-up per step: the steps that are due come back to back
    wakeups = sum(1 for a, b in itertools.pairwise(times) if b - a > 0.5 / rate)
    assert wakeups < total / 2
    assert rec.events == list(range(1, total + 1))


def test_a_faster_pace_applies_at_once() -> None:
    engine = Counter(total=200)
    session, rec = watched(engine, steps_per_second=0.01)  # one step every 100 s
    session.play()
    rec.wait_for(lambda: rec.step >= 1)
    session.steps_per_second = 1000.0  # the next step is due in 1 ms, not in 100 s
    assert session.wait(TIMEOUT)
    assert session.state == "finished" and engine.n == 200


def test_pause_is_prompt_while_throttled() -> None:
    session, rec = watched(Counter(), steps_per_second=0.01)
    session.play()
    rec.wait_for(lambda: rec.step >= 1)
    session.pause()
    assert session.state == "paused" and session.step_count == 1


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"steps_per_second": 0}, ValueError),
        ({"steps_per_second": -2.0}, ValueError),
        ({"steps_per_second": math.nan}, ValueError),
        ({"steps_per_second": math.inf}, ValueError),
        ({"steps_per_second": "fast"}, TypeError),
        ({"max_flush_rate": 0.0}, ValueError),
        ({"max_flush_rate": True}, TypeError),
    ],
)
def test_bad_rates_are_refused(kwargs: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error, match="positive"):
        Session(Counter(), **kwargs)


def test_engine_without_the_protocol_is_refused() -> None:
    with pytest.raises(TypeError, match=r"lacks step, finished"):
        Session(object.__new__(type("NoStep", (), {"reset": lambda self: None})))


def test_finished_as_a_method_is_refused() -> None:
    class MethodFinished(Counter):
        def finished(self) -> bool:  # type: ignore[override]
            return False

    with pytest.raises(TypeError, match="not a method"):
        Session(MethodFinished())


def test_observer_exceptions_do_not_kill_the_run() -> None:
    def broken(batch: EventBatch) -> None:
        raise KeyError("observer bug")

    session = Session(Counter(total=500), max_flush_rate=math.inf)
    session.observe(broken)
    rec = Recorder()
    session.observe(rec)
    with pytest.warns(RuntimeWarning, match="observer raised KeyError") as record:
        assert session.run() == "finished"
    assert len([w for w in record if "observer raised" in str(w.message)]) == 1
    assert rec.events == list(range(1, 501))
    errors = session.observer_errors
    assert session.observer_error_count == len(rec.batches) > 100
    assert len(errors) == 100  # only the latest are kept
    assert all(e.callback is broken and isinstance(e.error, KeyError) for e in errors)
    assert "observer bug" in errors[0].traceback


def test_unsubscribe_stops_delivery() -> None:
    session = Session(Counter(total=3))
    rec = Recorder()
    unsubscribe = session.observe(rec)
    unsubscribe()
    unsubscribe()
    session.run()
    assert rec.batches == []
    with pytest.raises(TypeError, match="callable"):
        session.observe(42)  # type: ignore[arg-type]


def test_keyboard_interrupt_from_the_engine_stops_cleanly() -> None:
    session, rec = watched(Raising(at=10, exc=KeyboardInterrupt()))
    assert session.run() == "stopped"
    assert session.step_count == 9 and session.error is None
    assert rec.events == list(range(1, 10))
    assert rec.batches[-1].state == "stopped"


@pytest.mark.timeout(60)
def test_kernel_interrupt_during_foreground_run_stops_cleanly() -> None:
    # A kernel interrupt is SIGINT: Python raises KeyboardInterrupt in the main thread, where
    # run() waits. interrupt_main() does exactly that from the engine's thread.
    engine = Counter()
    session, rec = watched(engine)
    sent = threading.Event()

    def interrupt(batch: EventBatch) -> None:
        if batch.step >= 100 and not sent.is_set():
            sent.set()
            _thread.interrupt_main()

    session.observe(interrupt)
    assert session.run() == "stopped"
    assert sent.is_set()
    assert session.step_count == engine.n >= 100
    assert rec.events == list(range(1, engine.n + 1))
    assert [b.state for b in rec.finals()] == ["stopped"]


def test_call_runs_between_steps_on_the_engine_thread() -> None:
    engine = Counter()
    session, rec = watched(engine)
    main = threading.get_ident()
    assert session.call(lambda: (threading.get_ident(), engine.in_step)) == (main, False)

    session.play()
    rec.wait_for(lambda: rec.step >= 10)
    seen = [session.call(lambda: (threading.get_ident(), engine.in_step)) for _ in range(20)]
    assert all(ident != main and not in_step for ident, in_step in seen)

    def finish_soon(extra: int) -> int:
        engine.total = engine.n + extra
        return engine.n

    before = session.call(finish_soon, 50)
    assert session.wait(TIMEOUT)
    assert session.state == "finished" and engine.n == before + 50

    with pytest.raises(ZeroDivisionError):
        session.call(lambda: 1 / 0)


def test_call_from_an_observer_does_not_deadlock() -> None:
    engine = Counter(total=100)
    session = Session(engine)
    results: list[int] = []
    session.observe(lambda batch: results.append(session.call(lambda: engine.n)))
    assert session.run() == "finished"
    assert results and results[-1] == 100


def test_blocking_methods_refuse_the_engine_thread() -> None:
    session = Session(Counter(total=5))
    session.observe(lambda batch: session.wait())
    with pytest.warns(RuntimeWarning, match="cannot be called from an observer"):
        session.run()
    assert all(isinstance(e.error, RuntimeError) for e in session.observer_errors)


def test_pause_and_stop_from_an_observer() -> None:
    engine = Counter()
    session = Session(engine, max_flush_rate=math.inf)
    session.observe(lambda batch: batch.step >= 30 and session.pause())
    session.play()
    assert session.wait(TIMEOUT)
    assert session.state == "paused" and session.step_count == 30


def test_reset_stops_resets_the_engine_and_notifies() -> None:
    engine = Counter()
    session, rec = watched(engine)
    session.play()
    rec.wait_for(lambda: rec.step >= 50)
    session.reset(start=(1.0, 2.0))
    assert (session.state, session.step_count, engine.n) == ("idle", 0, 0)
    assert engine.reset_args == ((), {"start": (1.0, 2.0)})
    last = rec.batches[-1]
    assert (last.state, last.step, last.reset, last.final) == ("idle", 0, True, True)
    assert rec.batches[-2].state == "stopped"
    engine.total = 3
    assert session.run() == "finished"
    assert rec.events[-3:] == [1, 2, 3]


def test_reset_failure_is_an_error_state() -> None:
    class BadReset(Counter):
        def reset(self, *args: Any, **kwargs: Any) -> None:
            raise OSError("cannot reset")

    session, rec = watched(BadReset(total=2))
    session.run()
    with pytest.raises(OSError, match="cannot reset"):
        session.reset()
    assert session.state == "error" and isinstance(session.error, OSError)
    assert rec.batches[-1].state == "error"


def test_many_control_calls_from_several_threads_stay_consistent() -> None:
    engine = Counter()
    session, rec = watched(engine)
    errors: list[BaseException] = []

    def hammer(seed: int) -> None:
        try:
            for i in range(30):
                action = (seed + i) % 4
                if action == 0:
                    session.play()
                elif action == 1:
                    session.pause()
                elif action == 2:
                    session.step(3)
                else:
                    session.call(lambda: engine.n)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=hammer, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT)
    session.stop()
    assert errors == []
    assert session.state == "stopped"
    assert rec.events == list(range(1, engine.n + 1))
    assert session.step_count == engine.n
    assert rec.batches[-1].state == "stopped"


def test_no_warning_without_observer_errors() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Session(Counter(total=20)).run()


def test_stop_inside_an_observer_keeps_batches_in_order() -> None:
    session = Session(Counter())
    seen: list[str] = []

    def first(batch: EventBatch) -> None:
        seen.append(f"first:{batch.state}")
        if batch.state == "paused":
            session.stop()  # dispatches "stopped" while "paused" is still being handed out

    session.observe(first)
    session.observe(lambda batch: seen.append(f"second:{batch.state}"))
    session.step(5)
    assert session.wait(TIMEOUT)
    assert session.state == "stopped"
    assert seen == [
        "first:running",
        "second:running",
        "first:paused",
        "second:paused",
        "first:stopped",
        "second:stopped",
    ]


def test_an_observer_raising_a_base_exception_ends_the_run_as_failed() -> None:
    class Abort(BaseException):
        pass

    def abort(batch: EventBatch) -> None:
        if batch.step >= 10:
            raise Abort

    session = Session(Counter(), max_flush_rate=math.inf)
    session.observe(abort)
    session.play()
    assert session.wait(TIMEOUT)
    assert session.state == "error" and isinstance(session.error, Abort)
    assert session.step_count == 10


def test_play_on_a_finished_session_does_nothing_until_the_engine_can_go_on() -> None:
    engine = Counter(total=3)
    session = Session(engine)
    events: list[int] = []
    finals: list[str] = []

    def collect(batch: EventBatch) -> None:
        events.extend(batch.events)
        if batch.final:
            finals.append(batch.state)

    session.observe(collect)
    assert session.run() == "finished"
    session.play()
    assert session.wait(TIMEOUT)
    assert session.state == "finished" and engine.n == 3 and finals == ["finished"]
    # a budget raised after the end (what SearchResult.extend does): the run goes on
    engine.total = 5
    session.play()
    assert session.wait(TIMEOUT)
    assert session.state == "finished" and session.step_count == 5
    assert events == [1, 2, 3, 4, 5] and finals == ["finished", "finished"]
