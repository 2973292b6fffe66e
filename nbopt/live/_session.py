"""Session: drive a step-by-step engine in a background thread and stream event batches."""

from __future__ import annotations

import math
import threading
import time
import traceback as _traceback
import warnings
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, TypeVar

__all__ = ["Engine", "EventBatch", "ObserverError", "Session", "SessionState"]

SessionState = Literal["idle", "running", "paused", "finished", "stopped", "error"]

_T = TypeVar("_T")

# A foreground ``run()`` waits in slices of this length: SIGINT may be taken by any thread at
# the C level, and Python raises KeyboardInterrupt in the main thread only at its next bytecode,
# so an unbounded lock wait could sleep through a Ctrl-C.
_INTERRUPT_POLL = 0.1
# How far a paced run may fall behind its schedule before the schedule restarts (seconds).
_MAX_LAG = 0.25
# Shortest wait between two bursts of a paced run (seconds).
_MIN_WAIT = 0.001

_KEEP_OBSERVER_ERRORS = 100


class Engine(Protocol):
    """What a :class:`Session` drives: anything that advances one step at a time.

    ``step()`` advances by one step and returns an event (any object, handed to observers
    unchanged); ``finished`` says there is nothing left to do; ``reset(...)`` starts over.
    """

    @property
    def finished(self) -> bool:
        """True when no further step can be taken."""
        ...

    def step(self) -> Any:
        """Advance by one step and return what observers should see."""
        ...

    @property
    def reset(self) -> Callable[..., object]:
        """Start over; takes whatever arguments the engine's own ``reset`` takes."""
        ...


@dataclass(frozen=True)
class EventBatch:
    """Events coalesced by a :class:`Session` and handed to its observers.

    Attributes
    ----------
    events : list
        What ``engine.step()`` returned since the previous batch, in order.
    state : str
        The session state when the batch was sent.
    step : int
        Steps taken since the session was created or last reset.
    error : BaseException or None
        The engine's exception when ``state == "error"``.
    final : bool
        True for the last batch of a run (pause, finish, stop, error, reset).
    reset : bool
        True for the batch announcing :meth:`Session.reset`.
    traceback : str or None
        The formatted traceback of ``error``.
    """

    events: list[Any]
    state: SessionState
    step: int
    error: BaseException | None = None
    final: bool = False
    reset: bool = False
    traceback: str | None = field(default=None, repr=False)


@dataclass
class _Call:
    fn: Callable[[], Any]
    future: Future[Any]


@dataclass(frozen=True)
class ObserverError:
    """An exception raised by a session observer (see :attr:`Session.observer_errors`)."""

    callback: Callable[[EventBatch], object]
    error: Exception
    traceback: str


class Session:
    """Drive a step-by-step engine in a background thread.

    The engine is any object with ``step()``, ``finished`` and ``reset()`` (a
    :class:`~nbopt.optimizers.Race`, an :class:`~nbopt.optimizers.OptimizerRun`, ...). The
    session steps it in a daemon thread, so a notebook cell returns at once and the kernel
    keeps handling widget messages, and hands observers the events coalesced into
    :class:`EventBatch` objects: at most ``max_flush_rate`` batches a second however fast the
    engine steps, every event exactly once and in order, and a ``final`` batch whenever a
    run pauses, finishes, stops or fails.

    Every method may be called from any thread.

    Parameters
    ----------
    engine : Engine
        The object to drive.
    max_flush_rate : float, default 30.0
        Most batches per second sent to observers while running (``math.inf``: one per step).
    steps_per_second : float or None, default None
        Throttle; ``None`` steps as fast as the engine allows. Settable while running.

    Examples
    --------
    >>> class Counter:
    ...     def __init__(self):
    ...         self.n = 0
    ...
    ...     @property
    ...     def finished(self):
    ...         return self.n >= 100
    ...
    ...     def step(self):
    ...         self.n += 1
    ...         return self.n
    ...
    ...     def reset(self):
    ...         self.n = 0
    >>> session = Session(Counter())
    >>> events = []
    >>> unsubscribe = session.observe(lambda batch: events.extend(batch.events))
    >>> session.run()
    'finished'
    >>> events == list(range(1, 101))
    True
    """

    def __init__(
        self,
        engine: Engine,
        *,
        max_flush_rate: float = 30.0,
        steps_per_second: float | None = None,
    ) -> None:
        missing = [
            name
            for name in ("step", "reset", "finished")
            if not hasattr(engine, name)
            or (name != "finished" and not callable(getattr(engine, name)))
        ]
        if missing:
            raise TypeError(
                "engine must have step(), reset() and a finished attribute; "
                f"{type(engine).__name__} lacks {', '.join(missing)}"
            )
        if callable(engine.finished):
            raise TypeError(
                f"{type(engine).__name__}.finished must be a bool attribute or property, not a "
                "method (a bound method is always true)"
            )
        self._engine = engine
        self._max_flush_rate = _check_rate("max_flush_rate", max_flush_rate, allow_inf=True)
        self._steps_per_second = _check_sps(steps_per_second)

        self._cond = threading.Condition()
        # Held whenever the engine is touched, so call() and reset() never overlap a step.
        self._engine_lock = threading.RLock()

        self._state: SessionState = "idle"
        self._step_count = 0
        self._error: BaseException | None = None
        self._traceback: str | None = None
        self._observers: tuple[Callable[[EventBatch], object], ...] = ()
        # An observer failing on every batch must not grow memory without bound.
        self._observer_errors: deque[ObserverError] = deque(maxlen=_KEEP_OBSERVER_ERRORS)
        self._observer_error_count = 0
        self._warned_observer = False

        # step(n): the step count at which the run pauses (None: play on).
        self._stop_at: int | None = None
        # Bumped by every control that a burst of steps must stop for.
        self._control_version = 0
        self._pause_requested = False
        self._stop_requested = False
        self._calls: list[_Call] = []
        self._accepting_calls = False
        self._thread: threading.Thread | None = None
        self._worker_idents: set[int] = set()
        self._workers_alive = 0
        self._generation = 0
        # Batches wait here until the one thread handing them out (the dispatcher) delivers
        # them, so observers see them in order even when one is produced inside an observer.
        self._outbox: deque[EventBatch] = deque()
        self._dispatcher: int | None = None

    # ------------------------------------------------------------------ properties
    @property
    def engine(self) -> Engine:
        """The driven engine (change it through :meth:`call` while running)."""
        return self._engine

    @property
    def state(self) -> SessionState:
        """``"idle"``, ``"running"``, ``"paused"``, ``"finished"``, ``"stopped"`` or ``"error"``."""
        return self._state

    @property
    def step_count(self) -> int:
        """Steps taken since the session was created or last reset."""
        return self._step_count

    @property
    def error(self) -> BaseException | None:
        """The exception that ended the run (state ``"error"``), else ``None``."""
        return self._error

    @property
    def traceback(self) -> str | None:
        """The formatted traceback of :attr:`error`."""
        return self._traceback

    @property
    def observer_errors(self) -> list[ObserverError]:
        """The latest exceptions raised by observers (at most 100), oldest first."""
        with self._cond:
            return list(self._observer_errors)

    @property
    def observer_error_count(self) -> int:
        """How many times an observer has raised."""
        return self._observer_error_count

    @property
    def max_flush_rate(self) -> float:
        """Most batches per second sent to observers while running."""
        return self._max_flush_rate

    @property
    def steps_per_second(self) -> float | None:
        """Throttle in steps per second; ``None`` runs as fast as possible."""
        return self._steps_per_second

    @steps_per_second.setter
    def steps_per_second(self, value: float | None) -> None:
        checked = _check_sps(value)
        with self._cond:
            self._steps_per_second = checked
            self._control_version += 1
            self._cond.notify_all()

    def __repr__(self) -> str:
        return (
            f"Session(engine={type(self._engine).__name__}, state={self._state!r}, "
            f"step_count={self._step_count})"
        )

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ observers
    def observe(self, callback: Callable[[EventBatch], object]) -> Callable[[], None]:
        """Call ``callback(batch)`` with every :class:`EventBatch` from now on.

        Callbacks run on the session's thread between engine steps, so they may read the
        engine safely (and a slow callback slows the run down). An exception they raise is
        recorded in :attr:`observer_errors` (with one ``RuntimeWarning`` per session) and
        the run goes on. A callback may call :meth:`pause`, :meth:`stop`, :meth:`play`,
        :meth:`step` and :meth:`call`, but not the methods that wait for the run
        (:meth:`wait`, :meth:`run`, :meth:`reset`).

        Parameters
        ----------
        callback : callable
            Receives one :class:`EventBatch`.

        Returns
        -------
        callable
            Call it (any number of times) to unsubscribe.

        Examples
        --------
        >>> session = Session(_CountDown(3))
        >>> batches = []
        >>> unsubscribe = session.observe(batches.append)
        >>> session.run()
        'finished'
        >>> batches[-1].final, batches[-1].state, batches[-1].step
        (True, 'finished', 3)
        >>> unsubscribe()
        """
        if not callable(callback):
            raise TypeError(f"observe() needs a callable, got {type(callback).__name__}")
        with self._cond:
            self._observers = (*self._observers, callback)

        def unsubscribe() -> None:
            with self._cond:
                self._observers = tuple(c for c in self._observers if c is not callback)

        return unsubscribe

    # ------------------------------------------------------------------ control
    def play(self) -> None:
        """Step until the engine finishes or :meth:`pause` / :meth:`stop` is called.

        Returns at once; the engine runs in the background. Does nothing on a finished
        session, unless its engine can step again (``engine.finished`` is false once more,
        e.g. a search given more trials): then the run goes on, the step count continuing.
        Raises ``RuntimeError`` on a stopped or failed session (call :meth:`reset`).

        Examples
        --------
        >>> session = Session(_CountDown(5))
        >>> session.play()
        >>> session.wait(timeout=10)
        True
        >>> session.state
        'finished'
        """
        self._start(None)

    def step(self, n: int = 1) -> None:
        """Take ``n`` steps in the background, then pause.

        On a running session: pause after ``n`` more steps.

        Examples
        --------
        >>> session = Session(_CountDown(5))
        >>> session.step(2)
        >>> session.wait(timeout=10)
        True
        >>> session.state, session.step_count
        ('paused', 2)
        """
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"step(n) needs a positive integer n, got {n!r}")
        self._start(n)

    def pause(self, *, wait: bool = True) -> None:
        """Pause after the step in progress.

        Once ``pause()`` returns (with ``wait=True``, the default) no further step is taken
        until :meth:`play` or :meth:`step`; a :meth:`play` or :meth:`step` from another
        thread that comes before the pause takes effect cancels it, and ``pause()`` then
        returns at once. Called from an observer it only asks and returns. Does nothing
        when the session is not running.
        """
        with self._cond:
            if self._state != "running":
                return
            self._pause_requested = True
            self._control_version += 1
            self._cond.notify_all()
            generation = self._generation
            if wait and not self._on_session_thread():
                self._cond.wait_for(
                    lambda: (
                        self._state != "running"
                        or self._generation != generation
                        or not self._pause_requested
                    )
                )

    def stop(self, *, wait: bool = True) -> None:
        """End the run after the step in progress, keeping every finished step.

        The state becomes ``"stopped"`` (from running, paused or idle) and, with
        ``wait=True``, the background thread is joined. A stopped session runs again only
        after :meth:`reset`. Does nothing to a finished or failed session.
        """
        batch: EventBatch | None = None
        with self._cond:
            if self._state in ("idle", "paused"):
                self._state = "stopped"
                batch = EventBatch([], "stopped", self._step_count, final=True)
        if batch is not None:
            self._dispatch(batch)
        self._halt(wait=wait)

    def reset(self, *args: Any, **kwargs: Any) -> None:
        """Stop, call ``engine.reset(*args, **kwargs)`` and announce it to observers.

        Observers get a final batch with ``state="idle"``, ``step=0`` and ``reset=True``. If
        ``engine.reset`` raises, the session ends in state ``"error"`` and the exception
        propagates.

        Examples
        --------
        >>> session = Session(_CountDown(5))
        >>> session.run()
        'finished'
        >>> session.reset()
        >>> session.state, session.step_count
        ('idle', 0)
        """
        self._refuse_on_session_thread("reset")
        self._halt(wait=True)
        try:
            with self._engine_lock:
                self._engine.reset(*args, **kwargs)
        except BaseException as exc:
            with self._cond:
                self._record_error(exc)
                self._state = "error"
                batch = EventBatch(
                    [], "error", self._step_count, exc, final=True, traceback=self._traceback
                )
            self._dispatch(batch)
            raise
        with self._cond:
            self._state = "idle"
            self._step_count = 0
            self._error = None
            self._traceback = None
        self._dispatch(EventBatch([], "idle", 0, final=True, reset=True))

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the session is not running and observers have had the final batch.

        Parameters
        ----------
        timeout : float or None
            Seconds to wait at most; ``None`` waits as long as needed.

        Returns
        -------
        bool
            False if the timeout passed first.
        """
        self._refuse_on_session_thread("wait")
        with self._cond:
            return self._cond.wait_for(self._quiet, timeout)

    def run(self) -> SessionState:
        """Run to the end in the foreground and return the final state.

        The engine still steps on the session's thread while the caller waits, so a
        ``KeyboardInterrupt`` (Ctrl-C, a kernel interrupt) never lands inside a step: it
        stops the run cleanly, every finished step is kept, the state is ``"stopped"`` and
        ``run()`` returns it. If the engine raises, its exception is raised here after the
        observers have been told.

        Examples
        --------
        >>> Session(_CountDown(3)).run()
        'finished'
        """
        self._refuse_on_session_thread("run")
        try:
            self.play()
            with self._cond:
                while not self._quiet():
                    self._cond.wait(_INTERRUPT_POLL)
        except KeyboardInterrupt:
            self.stop()
        if self._state == "error" and self._error is not None:
            raise self._error
        return self._state

    def call(self, fn: Callable[..., _T], /, *args: Any, **kwargs: Any) -> _T:
        """Run ``fn(*args, **kwargs)`` between two engine steps and return its result.

        Use it to change the engine while it runs (a learning rate from a slider) without
        racing the step in progress: during a run ``fn`` runs on the session's thread before
        the next step while the caller waits; otherwise it runs at once in the caller's
        thread, never during a step. Its exception is raised in the caller.

        Examples
        --------
        >>> engine = _CountDown(10)
        >>> session = Session(engine)
        >>> session.call(setattr, engine, "total", 4)
        >>> session.run(), session.step_count
        ('finished', 4)
        """

        def bound() -> _T:
            return fn(*args, **kwargs)

        future: Future[_T] | None = None
        with self._cond:
            if self._accepting_calls and not self._on_session_thread():
                future = Future()
                self._calls.append(_Call(bound, future))
                self._control_version += 1
                self._cond.notify_all()
        if future is not None:
            return future.result()
        with self._engine_lock:
            return bound()

    # ------------------------------------------------------------------ internals
    def _quiet(self) -> bool:
        return (
            self._state != "running"
            and self._workers_alive == 0
            and self._dispatcher is None
            and not self._outbox
        )

    def _on_session_thread(self) -> bool:
        """Tell whether this is a worker thread or the thread handing out batches."""
        ident = threading.get_ident()
        return ident in self._worker_idents or ident == self._dispatcher

    def _refuse_on_session_thread(self, name: str) -> None:
        if self._on_session_thread():
            raise RuntimeError(
                f"Session.{name}() cannot be called from an observer or from the engine "
                "(it would wait for itself); call pause() or stop() there instead"
            )

    def _start(self, n: int | None) -> None:
        with self._cond:
            # A finished engine that can step again (a search given more trials) runs on;
            # no step is in progress once the state is "finished".
            if self._state == "finished" and bool(self._engine.finished):
                return
            if self._state in ("stopped", "error"):
                how = "was stopped" if self._state == "stopped" else "failed"
                raise RuntimeError(f"the session {how}; call reset() before running it again")
            self._stop_at = None if n is None else self._step_count + n
            self._pause_requested = False
            self._control_version += 1
            if self._state == "running":
                self._cond.notify_all()
                return
            self._state = "running"
            self._generation += 1
            self._accepting_calls = True
            self._workers_alive += 1
            thread = threading.Thread(
                target=self._work, args=(self._thread,), name="nbopt-session", daemon=True
            )
            self._thread = thread
            thread.start()
            assert thread.ident is not None
            self._worker_idents.add(thread.ident)

    def _halt(self, *, wait: bool) -> None:
        with self._cond:
            if self._state == "running":
                self._stop_requested = True
                self._control_version += 1
                self._cond.notify_all()
            if not wait or self._on_session_thread():
                return
            thread = self._thread
        if thread is not None:
            thread.join()
        with self._cond:
            self._cond.wait_for(self._quiet)

    def _run_calls(self, calls: list[_Call]) -> None:
        for call in calls:
            if not call.future.set_running_or_notify_cancel():
                continue
            try:
                with self._engine_lock:
                    result = call.fn()
            except BaseException as exc:
                call.future.set_exception(exc)
            else:
                call.future.set_result(result)

    def _record_error(self, exc: BaseException) -> None:
        self._error = exc
        self._traceback = "".join(_traceback.format_exception(type(exc), exc, exc.__traceback__))

    def _work(self, previous: threading.Thread | None) -> None:
        try:
            if previous is not None:
                # The previous run may still be handing out its final batch: keep batches ordered.
                previous.join()
            with self._cond:
                # A reset or stop batch may still be with the observers: steps wait for it.
                self._cond.wait_for(lambda: self._dispatcher is None and not self._outbox)
            self._loop()
        except BaseException as exc:
            # Only an observer raising a BaseException (not an Exception) gets here: end the
            # run as failed rather than leave it "running" with no thread behind it.
            with self._cond:
                self._record_error(exc)
                self._state = "error"
                self._accepting_calls = False
                leftover, self._calls = self._calls, []
            for call in leftover:
                call.future.set_exception(RuntimeError("the session ended before the call ran"))
        finally:
            with self._cond:
                self._workers_alive -= 1
                self._worker_idents.discard(threading.get_ident())
                self._cond.notify_all()

    def _loop(self) -> None:
        interval = 1.0 / self._max_flush_rate
        pending: list[Any] = []
        with self._cond:
            start_step = self._step_count
        self._dispatch(EventBatch([], "running", start_step))
        last_flush = time.monotonic()
        # the fixed schedule of a paced run: when the last step taken was due (the next one
        # is due one period later, at the pace asked for now)
        last_step_at = -math.inf
        while True:
            end: SessionState | None = None
            calls: list[_Call] = []
            flush = False
            with self._cond:
                while True:
                    calls, self._calls = self._calls, []
                    if calls:
                        break
                    if self._stop_requested:
                        end = "stopped"
                        break
                    if self._pause_requested or self._steps_left() == 0:
                        end = "paused"
                        break
                    now = time.monotonic()
                    flush_at = last_flush + interval if pending else math.inf
                    sps = self._steps_per_second
                    step_at = -math.inf if sps is None else last_step_at + 1.0 / sps
                    if now >= flush_at:
                        flush = True
                        break
                    if now >= step_at:
                        break
                    # Paced steps come in small bursts: a wake-up costs about as much as a
                    # fast step, and nobody sees a millisecond.
                    self._cond.wait(min(flush_at - now, max(step_at - now, _MIN_WAIT)))
                if end is not None:
                    self._end(end, pending)
                    return
                if flush:
                    batch = EventBatch(pending, "running", self._step_count)
                version = self._control_version
                limit = self._steps_left()
            if calls:
                self._run_calls(calls)
            elif flush:
                pending = []
                last_flush = now
                self._dispatch(batch)
            else:
                # A fixed schedule: oversleeping is made up by the next steps, so the paced
                # rate is the asked rate; a run far behind (a slow engine, a pause in the
                # machine) starts a new schedule rather than bursting to catch up.
                period = 0.0 if sps is None else 1.0 / sps
                if now - (last_step_at + period) >= _MAX_LAG:
                    last_step_at = now - period
                end, last_step_at = self._burst(
                    pending, version, limit, last_flush + interval, last_step_at, period
                )
                if end is not None:
                    with self._cond:
                        self._end(end, pending)
                    return

    def _steps_left(self) -> int | None:
        """Return the steps left before a ``step(n)`` pauses; None when playing."""
        return None if self._stop_at is None else max(0, self._stop_at - self._step_count)

    def _burst(
        self,
        pending: list[Any],
        version: int,
        limit: int | None,
        deadline: float,
        last_step_at: float,
        period: float,
    ) -> tuple[SessionState | None, float]:
        """Take the steps that are due, without locking between them.

        The burst ends at ``limit`` steps, at the flush ``deadline``, when the next paced
        step is not due yet, or as soon as a control (call, pause, stop, speed, step(n))
        bumps the control version; the loop then handles it before any further step.
        Returns the run's end, if the engine ended it, and when the last step was due.
        """
        taken = 0
        with self._engine_lock:
            while True:
                end = self._one_step(pending)
                taken += 1
                last_step_at += period
                if end is not None or taken == limit or self._control_version != version:
                    return end, last_step_at
                now = time.monotonic()
                if now >= deadline or now < last_step_at + period:
                    return None, last_step_at

    def _one_step(self, pending: list[Any]) -> SessionState | None:
        # Called holding the engine lock, never the condition: only this thread writes the
        # step count during a run (reset() waits for the run to end).
        try:
            if self._engine.finished:
                return "finished"
            event = self._engine.step()
            done = bool(self._engine.finished)
        except KeyboardInterrupt:
            # Only a deliberate raise gets here (signals go to the main thread): treat it as
            # the user's stop, like Ctrl-C in a foreground run.
            return "stopped"
        except BaseException as exc:
            with self._cond:
                self._record_error(exc)
            return "error"
        pending.append(event)
        self._step_count += 1
        return "finished" if done else None

    def _end(self, end: SessionState, pending: list[Any]) -> None:
        """Leave the run (called holding ``_cond``): settle the state, then tell observers."""
        self._state = end
        self._stop_requested = False
        self._pause_requested = False
        self._stop_at = None
        self._accepting_calls = False
        leftover, self._calls = self._calls, []
        failed = end == "error"
        batch = EventBatch(
            pending,
            end,
            self._step_count,
            self._error if failed else None,
            final=True,
            traceback=self._traceback if failed else None,
        )
        self._cond.notify_all()
        self._cond.release()
        try:
            self._run_calls(leftover)
            self._dispatch(batch)
        finally:
            self._cond.acquire()

    def _dispatch(self, batch: EventBatch) -> None:
        with self._cond:
            self._outbox.append(batch)
            if self._dispatcher is not None:
                # Another thread, or this one further up the stack (an observer that called
                # stop()), is handing out batches: it delivers this one after the earlier ones.
                return
            self._dispatcher = threading.get_ident()
        try:
            while True:
                with self._cond:
                    if not self._outbox:
                        return
                    batch = self._outbox.popleft()
                    observers = self._observers
                for callback in observers:
                    try:
                        callback(batch)
                    except Exception as exc:
                        self._observer_failed(callback, exc)
        finally:
            with self._cond:
                self._dispatcher = None
                self._cond.notify_all()

    def _observer_failed(self, callback: Callable[[EventBatch], object], exc: Exception) -> None:
        text = "".join(_traceback.format_exception(type(exc), exc, exc.__traceback__))
        with self._cond:
            self._observer_errors.append(ObserverError(callback, exc, text))
            self._observer_error_count += 1
            first = not self._warned_observer
            self._warned_observer = True
        if not first:
            return
        try:
            warnings.warn(
                f"a Session observer raised {type(exc).__name__}: {exc}; the run goes on "
                "(see Session.observer_errors; later observer errors are not warned about)",
                RuntimeWarning,
                stacklevel=2,
            )
        except Warning:
            # A filter turned the warning into an exception: on the session's thread nobody
            # could catch it, and the failure is already in observer_errors.
            return


def _check_rate(name: str, value: float, *, allow_inf: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a positive number, got {value!r}")
    rate = float(value)
    if not rate > 0 or (math.isinf(rate) and not allow_inf):
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return rate


def _check_sps(value: float | None) -> float | None:
    if value is None:
        return None
    return _check_rate("steps_per_second", value, allow_inf=False)


class _CountDown:
    """Engine counting to ``total``, used by the examples in the docstrings."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.n = 0

    @property
    def finished(self) -> bool:
        return self.n >= self.total

    def step(self) -> int:
        self.n += 1
        return self.n

    def reset(self) -> None:
        self.n = 0
