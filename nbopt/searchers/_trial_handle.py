"""The trial handle an objective receives, and how its reports reach the search engine.

A running trial's reports and its pruning decisions travel between the worker that runs
the objective and the engine that owns the study's curves and the pruner:

- in the engine's process (no executor, a ``ThreadPoolExecutor``): the handle calls the
  engine's :class:`ReportHub` directly, under its lock;
- in other processes (``ProcessPoolExecutor``, dask.distributed): the engine listens on
  ``127.0.0.1`` (a :mod:`multiprocessing.connection` listener on a free port, clients
  authenticated with a random key); each worker process opens one connection, reused
  by its trials. A report is one message (no reply); ``should_prune()`` is one round
  trip, answered by the engine's pruner with every report sent before it.
"""

from __future__ import annotations

import contextlib
import math
import numbers
import os
import socket
import threading
from collections.abc import Callable
from multiprocessing import AuthenticationError
from multiprocessing.connection import Client, Connection, Listener
from typing import Any

import numpy as np

from nbopt.searchers._base import TrialState
from nbopt.searchers._pruners import PruneDecision, Pruner, StudyView

__all__ = ["ReportHub", "TrialHandle"]

# How long should_prune() waits for the engine's answer before going on unpruned.
_DECIDE_TIMEOUT = 60.0


class TrialHandle:
    """What an objective declaring a parameter named ``trial`` receives.

    Attributes
    ----------
    number : int
        The trial's number in the search.
    params : dict
        The trial's params (the same as the objective's other arguments).

    Examples
    --------
    >>> import nbopt
    >>> from nbopt import space
    >>> def objective(x, trial):
    ...     for epoch in range(8):
    ...         trial.report((x - 0.3) ** 2 + 1.0 / (epoch + 1), step=epoch)
    ...         if trial.should_prune():
    ...             raise nbopt.Pruned()
    ...     return (x - 0.3) ** 2
    >>> r = nbopt.search(objective, {"x": space.Float(0, 1)}, method="random",
    ...                  n_trials=12, seed=0, pruner="median", progress=False)
    >>> len(r.trials[0].intermediate_values)
    8
    """

    def __init__(self, number: int, params: dict[str, Any], link: _Link | None) -> None:
        self.number = int(number)
        self.params = dict(params)
        self._link = link
        self._steps: list[int] = []
        self._values: list[float] = []
        self._decision: PruneDecision | None = None

    def report(self, value: float, step: int | None = None) -> None:
        """Record an intermediate value (e.g. the validation loss after an epoch).

        Parameters
        ----------
        value : float
            A finite number, in the objective's direction.
        step : int, optional
            The step (epoch, iteration, resource spent), ``>= 0`` and larger than the
            previous one; default the previous step + 1 (0 for the first report).

        Raises
        ------
        ValueError
            A non-finite value (a diverging model: let the objective return NaN, which
            fails the trial, or raise :class:`~nbopt.Pruned`), or a step that does not
            come after the previous one. Raised in the objective, so the trial ends
            ``failed`` with this error and the values reported before it.
        TypeError
            A value that is not a real number, or a step that is not an int.
        """
        last = self._steps[-1] if self._steps else None
        if step is None:
            step = 0 if last is None else last + 1
        elif isinstance(step, (bool, np.bool_)) or not isinstance(step, numbers.Integral):
            raise TypeError(f"trial.report: step must be an int >= 0, got {step!r}")
        step = int(step)
        if step < 0:
            raise ValueError(f"trial.report: step must be an int >= 0, got {step}")
        if last is not None and step <= last:
            raise ValueError(
                f"trial.report: step {step} does not come after the last reported step {last}; "
                "steps must increase, e.g. trial.report(val_loss, step=epoch)"
            )
        if isinstance(value, np.ndarray) and value.ndim == 0:
            value = value[()]
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
            raise TypeError(
                f"trial.report: value must be a real number, got {value!r} ({type(value).__name__})"
            )
        val = float(value)
        if not math.isfinite(val):
            raise ValueError(
                f"trial.report: value at step {step} must be finite, got {val}; to end a "
                "diverging trial, return float('nan') (the trial fails) or raise "
                "nbopt.Pruned() (the trial is pruned)"
            )
        self._steps.append(step)
        self._values.append(val)
        if self._link is not None:
            self._link.report(self.number, step, val)

    def should_prune(self) -> bool:
        """Ask the search's pruner whether to stop now (always False without a pruner).

        Once True it stays True: end the objective (raise :class:`~nbopt.Pruned`, or
        return, whatever it returns) and the trial is recorded as ``"pruned"`` with
        :attr:`decision` in ``trial.info["pruned"]``.
        """
        if self._decision is not None and self._decision.prune:
            return True
        if not self._steps or self._link is None:
            return False
        self._decision = self._link.decide(self.number)
        return self._decision.prune

    @property
    def decision(self) -> PruneDecision | None:
        """The pruner's last answer (None before the first :meth:`should_prune`)."""
        return self._decision

    @property
    def pruned(self) -> bool:
        """True once :meth:`should_prune` returned True."""
        return self._decision is not None and self._decision.prune

    @property
    def intermediate_values(self) -> dict[int, float]:
        """The values reported so far, step -> value (a copy)."""
        return dict(zip(self._steps, self._values))

    def __repr__(self) -> str:
        return f"TrialHandle(number={self.number}, {len(self._steps)} reports)"


# --------------------------------------------------------------------------------------
# The engine side


class ReportHub(StudyView):
    """The engine's study view: the curves of every trial, fed while trials run.

    Thread-safe: reports arrive from trial threads and from the listener's threads,
    decisions are taken under the same lock, and readers get copies.
    """

    def __init__(self, direction: str, pruner: Pruner | None, *, keep_fresh: bool) -> None:
        super().__init__(direction)
        self.pruner = pruner
        self._keep_fresh = keep_fresh
        self._fresh: list[tuple[int, int, float]] = []
        self._server: _Server | None = None
        self.on_report: Callable[[], object] | None = None
        """Called after each kept report, outside the lock (the inline executor's flush)."""

    def start(self, number: int) -> None:
        """Register a trial that starts running (its curve starts empty)."""
        self._put(number, "running", {})

    def report(self, number: int, step: int, value: float) -> None:
        """Add a running trial's report (a late or repeated one is ignored)."""
        with self._lock:
            kept = self._append(number, step, value)
            if kept and self._keep_fresh:
                self._fresh.append((number, step, value))
        callback = self.on_report
        if kept and callback is not None:
            callback()

    def decide(self, number: int) -> PruneDecision:
        """Ask the pruner about running trial ``number`` at its last report."""
        with self._lock:
            record = self._curves.get(number)
            if record is None or record.state != "running":
                return PruneDecision(False, f"trial {number} is not running in this search")
            if self.pruner is None:
                return PruneDecision(False, "no pruner", record.last_step)
            decision = self.pruner.should_prune(self, record)
            if not isinstance(decision, PruneDecision):
                raise TypeError(
                    f"{type(self.pruner).__name__}.should_prune must return a PruneDecision, "
                    f"got {decision!r}"
                )
            return decision

    def finish(self, number: int, state: TrialState, curve: dict[int, float]) -> None:
        """Record a finished trial's final curve (drops its reports not yet stored)."""
        with self._lock:
            self._put(number, state, curve)
            if self._fresh:
                self._fresh = [r for r in self._fresh if r[0] != number]

    def curve(self, number: int) -> dict[int, float]:
        """Return a copy of the curve of trial ``number`` (empty if unknown)."""
        with self._lock:
            record = self._curves.get(number)
            return {} if record is None else record.intermediate_values

    def running_curves(self) -> dict[int, tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]]:
        """Return ``{number: (steps, values)}`` of the running trials, as new arrays."""
        with self._lock:
            curves = (self._curves[n] for n in sorted(self._running))
            return {
                c.number: (np.array(c.steps, dtype=np.int64), np.array(c.values, dtype=np.float64))
                for c in curves
            }

    def take_fresh(self) -> list[tuple[int, int, float]]:
        """Return and forget the reports of running trials received since the last call."""
        with self._lock:
            fresh, self._fresh = self._fresh, []
            return fresh

    def link(self, remote: bool) -> _Link:
        """Return a link for a handle: direct in this process, or over the listener."""
        if not remote:
            return _LocalLink(self)
        with self._lock:
            if self._server is None:
                self._server = _Server(self)
            return _RemoteLink(self._server.address, self._server.authkey)

    def close(self) -> None:
        """Stop listening for remote workers (a later :meth:`link` listens again)."""
        with self._lock:
            server, self._server = self._server, None
        if server is not None:
            server.close()


class _Link:
    def report(self, number: int, step: int, value: float) -> None:
        raise NotImplementedError

    def decide(self, number: int) -> PruneDecision:
        raise NotImplementedError


class _LocalLink(_Link):
    """The handle of a trial running in the engine's process calls the hub directly."""

    def __init__(self, hub: ReportHub) -> None:
        self._hub = hub

    def report(self, number: int, step: int, value: float) -> None:
        self._hub.report(number, step, value)

    def decide(self, number: int) -> PruneDecision:
        return self._hub.decide(number)

    def __reduce__(self) -> Any:
        raise TypeError(
            "this trial handle talks to the search in its own process and cannot be "
            "pickled; the search links process pools and dask workers itself"
        )


# Per worker process: one connection per engine address, shared by the process's
# threads. Keyed by pid too, so a forked child never writes on its parent's socket.
_CONNECTIONS: dict[tuple[int, tuple[str, int]], tuple[Connection, threading.Lock]] = {}
_DEAD: set[tuple[int, tuple[str, int]]] = set()
_CONNECTIONS_LOCK = threading.Lock()


class _RemoteLink(_Link):
    """The handle of a trial in another process sends over the engine's listener."""

    def __init__(self, address: tuple[str, int], authkey: bytes) -> None:
        self.address = address
        self.authkey = authkey

    def _connection(self) -> tuple[Connection, threading.Lock] | None:
        key = (os.getpid(), self.address)
        with _CONNECTIONS_LOCK:
            if key in _DEAD:
                return None
            entry = _CONNECTIONS.get(key)
            if entry is None:
                try:
                    conn = Client(self.address, authkey=self.authkey)
                    _no_delay(conn)
                    entry = (conn, threading.Lock())
                except (OSError, EOFError, AuthenticationError):
                    # The search is gone (or out of reach): the trial runs on unpruned.
                    _DEAD.add(key)
                    return None
                _CONNECTIONS[key] = entry
            return entry

    def _lost(self) -> None:
        key = (os.getpid(), self.address)
        with _CONNECTIONS_LOCK:
            entry = _CONNECTIONS.pop(key, None)
            _DEAD.add(key)
        if entry is not None:
            entry[0].close()

    def report(self, number: int, step: int, value: float) -> None:
        entry = self._connection()
        if entry is None:
            return
        conn, lock = entry
        try:
            with lock:
                conn.send(("r", number, step, value))
        except (OSError, EOFError):
            self._lost()

    def decide(self, number: int) -> PruneDecision:
        lost = PruneDecision(False, "lost contact with the search; the trial runs on")
        entry = self._connection()
        if entry is None:
            return lost
        conn, lock = entry
        try:
            with lock:
                conn.send(("d", number))
                if not conn.poll(_DECIDE_TIMEOUT):
                    raise TimeoutError("no answer")
                reply = conn.recv()
        except (OSError, EOFError):
            self._lost()
            return lost
        if "error" in reply:
            raise RuntimeError(f"the search's pruner failed: {reply['error']}")
        return PruneDecision.from_dict(reply)


def _no_delay(conn: Connection) -> None:
    # Without TCP_NODELAY a decision request sent right after a report waits for the
    # report's delayed ACK (Nagle's algorithm): 40 ms per should_prune() instead of 0.1.
    with socket.socket(fileno=os.dup(conn.fileno())) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _Server:
    """The engine's listener on 127.0.0.1: one thread accepting, one per worker process."""

    def __init__(self, hub: ReportHub) -> None:
        self._hub = hub
        self.authkey = os.urandom(32)
        self._listener = Listener(("127.0.0.1", 0), authkey=self.authkey)
        address = self._listener.address
        assert isinstance(address, tuple)
        self.address: tuple[str, int] = (str(address[0]), int(address[1]))
        self._closed = False
        self._conns: list[Connection] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, name="nbopt-reports", daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn = self._listener.accept()
            except (OSError, EOFError, AuthenticationError):
                if self._closed:
                    return
                continue
            with self._lock:
                if self._closed:
                    conn.close()
                    return
                self._conns.append(conn)
            _no_delay(conn)
            threading.Thread(
                target=self._serve, args=(conn,), name="nbopt-reports-conn", daemon=True
            ).start()

    def _serve(self, conn: Connection) -> None:
        hub = self._hub
        try:
            while True:
                message = conn.recv()
                if message[0] == "r":
                    hub.report(message[1], message[2], message[3])
                else:
                    try:
                        reply = hub.decide(message[1]).as_dict()
                    except Exception as exc:
                        reply = {"error": f"{type(exc).__name__}: {exc}"}
                    conn.send(reply)
        except (OSError, EOFError):
            return
        finally:
            conn.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            conns, self._conns = self._conns, []
        # A blocked accept() does not wake when the socket closes: connect once to wake
        # it (a failure means it is not blocked any more).
        with contextlib.suppress(OSError, EOFError, AuthenticationError):
            Client(self.address, authkey=self.authkey).close()
        self._listener.close()
        for conn in conns:
            # shutdown wakes the thread blocked in recv() on this connection; one that
            # has ended already closed it (OSError: handle is closed)
            with (
                contextlib.suppress(OSError),
                socket.socket(fileno=os.dup(conn.fileno())) as sock,
            ):
                sock.shutdown(socket.SHUT_RDWR)
