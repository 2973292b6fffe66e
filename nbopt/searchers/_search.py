"""The search loop: an objective, a space, a searcher, an executor and a storage."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import importlib
import inspect
import json
import logging
import math
import numbers
import os
import pickle
import sys
import threading
import time
import traceback as _traceback
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import (
    FIRST_COMPLETED,
    Executor,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
)
from concurrent.futures import wait as _wait_futures
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from nbopt.live import EventBatch, Session, SessionState
from nbopt.searchers._base import Searcher, Trial, TrialState
from nbopt.searchers._pruners import Pruned, PruneDecision, Pruner, make_pruner
from nbopt.searchers._trial_handle import ReportHub, TrialHandle
from nbopt.space import Choice, Dimension, Space, as_space

if TYPE_CHECKING:
    from nbopt.searchers._storage import Storage

__all__ = [
    "METHODS",
    "SearchEngine",
    "SearchResult",
    "rank_values",
    "results_table",
    "search",
]

_log = logging.getLogger(__name__)

METHODS = ("grid", "random", "genetic", "evolutionary", "bayesian", "auto")
"""Names accepted by ``search(method=...)``."""

_METHOD_CLASSES = {
    "grid": ("nbopt.searchers._grid", "GridSearch"),
    "random": ("nbopt.searchers._random", "RandomSearch"),
    "genetic": ("nbopt.searchers._genetic", "GeneticSearch"),
    "evolutionary": ("nbopt.searchers._cmaes", "EvolutionarySearch"),
    "bayesian": ("nbopt.searchers._bayesian", "BayesianSearch"),
    "auto": ("nbopt.searchers._auto", "AutoSearch"),
}

TrialCallback = Callable[["SearchResult", Trial], object]

# Columns of ``results_`` that metrics may not shadow (a metric with one of these names, or
# starting with "param_", is stored as "metric_<name>").
_RESERVED = frozenset(
    {
        "number",
        "params",
        "value",
        "state",
        "duration",
        "rank",
        "error",
        "datetime_start",
        "intermediate_values",
        "pruned_reason",
    }
)

# A step waits for futures at most this long: Ctrl-C in a foreground search, and pause or
# stop in a background one, are noticed promptly even while trials run.
_POLL = 0.1
# Shortest time between two rewrites of the progress line (seconds).
_PROGRESS_INTERVAL = 0.25


# --------------------------------------------------------------------------------------
# Evaluation (runs in the worker: module level, so process pools can pickle it)


@dataclass
class _Outcome:
    """What one objective call produced, in a form every executor can send back."""

    value: float | None
    metrics: dict[str, float]
    error: str | None
    traceback: str | None
    duration: float
    # the learning curve as the worker saw it (None: the call never returned, e.g. the
    # executor failed or the trial timed out; the engine's copy is used then)
    intermediate_values: dict[int, float] | None = None
    # PruneDecision.as_dict() of a pruned trial (None otherwise)
    pruned: dict[str, Any] | None = None


def _parse_return(raw: object) -> tuple[float, dict[str, float]]:
    metrics: dict[str, float] = {}
    if isinstance(raw, Mapping):
        if "value" not in raw:
            raise TypeError(
                "objective returned a dict without a 'value' key (keys: "
                f"{sorted(map(str, raw))}); return a number, or a dict with the value to "
                "optimize under 'value' and extra metrics under other keys"
            )
        for key, metric in raw.items():
            if key == "value":
                continue
            if isinstance(metric, bool) or not isinstance(metric, numbers.Real | np.ndarray):
                raise TypeError(
                    f"objective returned metric {key!r} = {metric!r}; metrics must be numbers"
                )
            metrics[str(key)] = float(metric)
        raw = raw["value"]
    if isinstance(raw, bool) or not isinstance(raw, numbers.Real | np.ndarray):
        raise TypeError(
            f"objective returned {raw!r} ({type(raw).__name__}); expected a number or a dict "
            "{'value': number, ...}"
        )
    value = float(raw)
    if not math.isfinite(value):
        raise ValueError(f"objective returned {value}")
    return value, metrics


def _evaluate(
    objective: Callable[..., Any],
    params: dict[str, Any],
    as_kwargs: bool,
    handle: TrialHandle | None = None,
) -> _Outcome:
    """Call the objective once and capture the value, metrics, error, duration and curve.

    With a ``handle`` the objective gets it as its ``trial`` argument. The trial is pruned
    when the objective raises :class:`Pruned`, or returns after ``should_prune()`` said
    True (whatever it returns).
    """
    start = time.perf_counter()
    extra = {} if handle is None else {"trial": handle}
    try:
        raw = objective(**params, **extra) if as_kwargs else objective(params, **extra)
        if handle is not None and handle.pruned:
            return _pruned_outcome(handle, None, start)
        value, metrics = _parse_return(raw)
    except Pruned as exc:
        return _pruned_outcome(handle, exc, start)
    except Exception as exc:
        return _Outcome(
            None,
            {},
            _error_text(exc),
            "".join(_traceback.format_exception(type(exc), exc, exc.__traceback__)),
            time.perf_counter() - start,
            None if handle is None else handle.intermediate_values,
        )
    curve = None if handle is None else handle.intermediate_values
    return _Outcome(value, metrics, None, None, time.perf_counter() - start, curve)


def _pruned_outcome(handle: TrialHandle | None, exc: Pruned | None, start: float) -> _Outcome:
    curve = {} if handle is None else handle.intermediate_values
    decision = None if handle is None else handle.decision
    if decision is None or not decision.prune:
        # The objective stopped itself without asking the pruner: say so.
        last = max(curve) if curve else None
        text = str(exc) if exc is not None else ""
        decision = PruneDecision(
            True,
            f"the objective raised Pruned({text!r})" if text else "the objective raised Pruned",
            last,
            None if last is None else curve[last],
        )
    return _Outcome(None, {}, None, None, time.perf_counter() - start, curve, decision.as_dict())


def _error_text(exc: BaseException) -> str:
    message = str(exc)
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _takes_trial(objective: Callable[..., Any], names: Iterable[str]) -> bool:
    """Whether the objective declares a parameter named ``trial`` (and no dimension is)."""
    if "trial" in set(names):
        return False
    try:
        sig = inspect.signature(objective)
    except (TypeError, ValueError):
        return False
    param = sig.parameters.get("trial")
    kinds = inspect.Parameter
    return param is not None and param.kind in (kinds.POSITIONAL_OR_KEYWORD, kinds.KEYWORD_ONLY)


def _call_with_kwargs(objective: Callable[..., Any], names: Iterable[str]) -> bool:
    """Whether to call ``objective(**params)`` rather than ``objective(params)``.

    Keyword calls are used when every parameter name of the space is an argument of the
    objective (``def f(lr, layers)``), or when it takes only ``**kwargs``.
    """
    try:
        sig = inspect.signature(objective)
    except (TypeError, ValueError):
        return False
    kinds = inspect.Parameter
    keywordable = {
        p.name
        for p in sig.parameters.values()
        if p.kind in (kinds.POSITIONAL_OR_KEYWORD, kinds.KEYWORD_ONLY)
    }
    names = set(names)
    if names and names <= keywordable:
        return True
    var_kw = any(p.kind == kinds.VAR_KEYWORD for p in sig.parameters.values())
    required_positional = any(
        p.default is p.empty and p.kind in (kinds.POSITIONAL_ONLY, kinds.POSITIONAL_OR_KEYWORD)
        for p in sig.parameters.values()
    )
    return var_kw and not required_positional


# --------------------------------------------------------------------------------------
# Executors


class _InlineExecutor(Executor):
    """Run each call at submission, in the calling thread (no executor given)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_running_or_notify_cancel()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:
            future.set_exception(exc)
        return future


class _ThreadPerCallExecutor(Executor):
    """Run each call in its own daemon thread, so a call that hangs blocks nothing."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_running_or_notify_cancel()

        def target() -> None:
            try:
                future.set_result(fn(*args, **kwargs))
            except BaseException as exc:
                future.set_exception(exc)

        threading.Thread(target=target, name="nbopt-trial", daemon=True).start()
        return future


def _as_executor(executor: object) -> Executor:
    if isinstance(executor, Executor):
        return executor
    # A dask.distributed Client: its concurrent.futures facade, without importing dask.
    get_executor = getattr(executor, "get_executor", None)
    if callable(get_executor) and hasattr(executor, "submit") and hasattr(executor, "gather"):
        wrapped = get_executor()
        if isinstance(wrapped, Executor):
            return wrapped
    raise TypeError(
        "executor must be a concurrent.futures.Executor (ThreadPoolExecutor, "
        "ProcessPoolExecutor, a dask.distributed Client or client.get_executor()), "
        f"got {type(executor).__name__}"
    )


def worker_count(executor: object) -> int:
    """How many trials to keep in flight on ``executor``."""
    client = executor if hasattr(executor, "nthreads") else getattr(executor, "_client", None)
    if client is not None and callable(getattr(client, "nthreads", None)):
        threads = client.nthreads()
        if isinstance(threads, Mapping) and threads:
            return max(1, sum(int(n) for n in threads.values()))
    max_workers = getattr(executor, "_max_workers", None)
    if isinstance(max_workers, int) and max_workers > 0:
        return max_workers
    return os.cpu_count() or 1


def _check_picklable(objective: object) -> None:
    try:
        pickle.dumps(objective)
    except Exception as exc:
        name = getattr(objective, "__qualname__", type(objective).__name__)
        raise TypeError(
            f"the objective {name!r} cannot be pickled, so a ProcessPoolExecutor cannot send it "
            f"to its worker processes ({_error_text(exc)}). Define it with `def` at the top "
            "level of an importable module, or use a ThreadPoolExecutor, or a dask.distributed "
            "Client (which pickles lambdas and notebook functions with cloudpickle)."
        ) from exc


# --------------------------------------------------------------------------------------
# Searchers


def _make_searcher(
    method: str | Searcher,
    space: Space,
    seed: int | None,
    direction: str,
    kwargs: dict[str, Any],
) -> Searcher:
    if isinstance(method, Searcher):
        if kwargs:
            raise TypeError(
                f"unexpected keyword arguments {sorted(kwargs)} with a Searcher instance; "
                "configure the searcher when you create it"
            )
        return method
    if not isinstance(method, str) or method.lower() not in METHODS:
        raise ValueError(
            f"unknown search method {method!r}; expected one of {list(METHODS)} "
            "or a Searcher instance"
        )
    module_name, class_name = _METHOD_CLASSES[method.lower()]
    cls = getattr(importlib.import_module(module_name), class_name)
    searcher = cls(space, seed=seed, direction=direction, **kwargs)
    if not isinstance(searcher, Searcher):
        raise TypeError(f"{class_name} is not a Searcher")
    return searcher


def _space_definition(space: Space) -> dict[str, str]:
    return {name: repr(dim) for name, dim in space.items()}


def _restore_value(dim: Dimension, value: Any) -> Any:
    # JSON turns tuples into lists; give Choice params back as the option objects.
    if isinstance(dim, Choice):
        for option in dim.options:
            if option == value or json.loads(json.dumps(option, default=repr)) == value:
                return option
    return dim.validate(value)


# --------------------------------------------------------------------------------------
# Result


class SearchResult:
    """The outcome of :func:`search`, filled as trials finish.

    With ``block=False`` the search runs on a :class:`~nbopt.live.Session` (its background
    thread drives a :class:`SearchEngine`) and this object is returned at once:
    :attr:`trials`, :attr:`best_value` and :attr:`results_` grow as trials finish,
    :meth:`observe` registers a callback for each finished trial, :meth:`pause` and
    :meth:`play` hold and resume it, :meth:`stop` ends it early, :meth:`wait` blocks until
    it ends and :meth:`extend` runs more trials.

    Attributes
    ----------
    searcher : Searcher or None
        The searcher that proposed the trials (None in a result restored by ``pickle``,
        which keeps the trials, the table and the best trial).
    method : str
        The searcher's class name (``"BayesianSearch"``...).
    space : Space
        The search space.
    direction : str
        ``"minimize"`` or ``"maximize"``.
    name : str or None
        The study name in the storage (None without storage).
    n_trials : int or None
        The trial budget of the study (raised by :meth:`extend`).
    interrupted : bool
        True when the search was ended by Ctrl-C (KeyboardInterrupt) or :meth:`stop`.
    timed_out : bool
        True when the ``timeout`` ended the search.
    error : BaseException or None
        What ended a background search abnormally (re-raised by :meth:`wait`).
    """

    def __init__(
        self,
        searcher: Searcher,
        *,
        n_trials: int | None,
        name: str | None = None,
        storage: str | None = None,
    ) -> None:
        self.searcher: Searcher | None = searcher
        self.space: Space = searcher.space
        self.method = type(searcher).__name__
        self.direction: str = searcher.direction
        self.name = name
        self.storage = storage
        self.n_trials = n_trials
        self.interrupted = False
        self.timed_out = False
        self.error: BaseException | None = None
        self._init_runtime()

    def _init_runtime(self) -> None:
        """Create what does not survive pickling: locks, events, the engine and session."""
        self._trials: list[Trial] = []
        self._lock = threading.RLock()
        # Serializes the controls (pause, play, stop, extend) with the engine's decisions
        # to pause or end the session, so a control never lands between the two halves.
        self._control = threading.RLock()
        self._done = threading.Event()
        self._callbacks: list[TrialCallback] = []
        self._engine: SearchEngine | None = None
        self._session: Session | None = None
        self._progress = True
        # the live dashboard shown for this search (created on first display)
        self._dashboard: Any = None

    # ---- trials and best

    @property
    def trials(self) -> list[Trial]:
        """Finished trials (complete, failed and pruned), in number order."""
        with self._lock:
            return sorted(self._trials, key=lambda t: t.number)

    @property
    def best_trial(self) -> Trial | None:
        """The best complete trial (None while none has completed)."""
        best: Trial | None = None
        sign = 1.0 if self.direction == "minimize" else -1.0
        for trial in self.trials:
            if trial.state != "complete" or trial.value is None:
                continue
            if best is None or sign * trial.value < sign * (best.value or 0.0):
                best = trial
        return best

    @property
    def best_value(self) -> float | None:
        """The value of :attr:`best_trial`."""
        best = self.best_trial
        return None if best is None else best.value

    @property
    def best_params(self) -> dict[str, Any] | None:
        """The params of :attr:`best_trial`."""
        best = self.best_trial
        return None if best is None else dict(best.params)

    @property
    def done(self) -> bool:
        """True once the search has ended (finished, stopped, interrupted or failed)."""
        return self._done.is_set()

    @property
    def paused(self) -> bool:
        """True while a background search is paused (:meth:`pause` has taken effect)."""
        return self._session is not None and self._session.state == "paused" and not self.done

    @property
    def session(self) -> Session | None:
        """The :class:`~nbopt.live.Session` driving a background search (None when blocking).

        Its observers receive :class:`~nbopt.live.EventBatch` objects whose events are the
        lists of trials finished at each step of the :class:`SearchEngine`. Control the
        search through :meth:`pause`, :meth:`play` and :meth:`stop` rather than the
        session's own methods: ``session.pause()`` also stops collecting (finished trials
        are recorded at the next play) and ``session.stop()`` ends the search at once,
        recording the trials already finished and abandoning the running ones.
        """
        return self._session

    @property
    def engine(self) -> SearchEngine | None:
        """The :class:`SearchEngine` running this search (None in an unpickled result)."""
        return self._engine

    # ---- control

    def observe(self, callback: TrialCallback) -> Callable[[], None]:
        """Call ``callback(result, trial)`` after each trial finishes; return an unsubscribe.

        Callbacks run in the thread driving the search (the session's thread for a
        background search), after the trial is recorded (and stored). An exception in a
        callback ends the search and is raised by :func:`search` (or :meth:`wait` for a
        background search).
        """
        if not callable(callback):
            raise TypeError(f"callback must be callable, got {callback!r}")
        with self._lock:
            self._callbacks.append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._callbacks:
                    self._callbacks.remove(callback)

        return unsubscribe

    def pause(self) -> None:
        """Hold a background search: running trials finish and are recorded; none starts.

        Returns at once. The session pauses (:attr:`paused` becomes True) once the last
        running trial is recorded; time spent paused does not count towards ``timeout``.
        :meth:`play` resumes. Does nothing on an ended search.

        Raises
        ------
        RuntimeError
            For a blocking search (``block=True``), which runs in the foreground: call
            :meth:`stop` there, or search with ``block=False``.
        """
        engine = self._engine
        if engine is None or self.done:
            return
        if self._session is None:
            raise RuntimeError(
                "a blocking search (block=True) runs in the foreground and cannot be paused; "
                "call stop() to end it, or run nbopt.search(..., block=False)"
            )
        with self._control:
            engine.hold()

    def play(self) -> None:
        """Resume a search paused with :meth:`pause`.

        Does nothing on a running or ended search (:meth:`extend` runs more trials on an
        ended one).
        """
        engine = self._engine
        session = self._session
        if engine is None or session is None or self.done:
            return
        with self._control:
            engine.release()
            if session.state not in ("stopped", "error"):
                session.play()

    def stop(self) -> None:
        """End the search: no new trial starts; running ones finish and are kept.

        Returns at once; :meth:`wait` blocks until the running trials are recorded. Also
        ends a paused search.
        """
        engine = self._engine
        if engine is None or self.done:
            return
        with self._control:
            engine.stop()
            session = self._session
            # A paused session must step once more to see that the search has ended.
            if session is not None and session.state not in ("stopped", "error"):
                session.play()

    def extend(self, n: int, *, block: bool | None = None) -> None:
        """Run ``n`` more trials with the same searcher, executor and storage.

        On a running or paused search the budget :attr:`n_trials` grows by ``n`` (a
        paused search resumes). On an ended search (budget reached, stopped, timed out,
        interrupted) ``n`` more trials run: the budget becomes the number of trials
        started so far plus ``n``. The ``timeout`` no longer applies once a search is
        extended: the trial count bounds it.

        Parameters
        ----------
        n : int
            How many more trials, >= 1.
        block : bool, optional
            For an ended search: run the new trials in the foreground and return when
            they are done (Ctrl-C stops them cleanly), or in the background on
            :attr:`session`. Defaults to how the search ran.

        Raises
        ------
        RuntimeError
            When the search failed, when the result was restored by ``pickle`` (resume a
            stored study with ``search(..., storage=...)`` instead), or when the searcher
            has nothing left to propose (an exhausted grid).

        Examples
        --------
        >>> from nbopt import space
        >>> r = search(lambda x: x**2, {"x": space.Float(-1, 1)}, method="random",
        ...            n_trials=5, seed=0, progress=False)
        >>> r.extend(3)
        >>> len(r.trials), r.n_trials
        (8, 8)
        """
        if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
            raise ValueError(f"extend(n) needs a positive integer n, got {n!r}")
        engine = self._engine
        if engine is None:
            raise RuntimeError(
                "this result was restored from a pickle and has no searcher to continue; "
                "resume a stored study with nbopt.search(..., storage=..., name=...)"
            )
        if self.error is not None:
            raise RuntimeError(
                f"the search failed ({_error_text(self.error)}); start a new search (with "
                "the same storage= to keep its trials)"
            )
        session = self._session
        if session is not None and session.state in ("stopped", "error"):
            raise RuntimeError(
                f"the search's session is {session.state} (Session.stop() or a "
                "KeyboardInterrupt in the objective); start a new search, with the same "
                "storage= to keep its trials"
            )
        run_now = False
        with self._control:
            ended = self.done
            self.n_trials = engine.extend(int(n))
            self.interrupted = False
            self.timed_out = False
            if not ended:
                if session is not None:
                    session.play()
                return
            if block is None:
                block = session is None
            if not block:
                self._done.clear()
                self._background().play()
                return
            self._done.clear()
            run_now = True
        if run_now:
            if session is not None:
                session.run()
            else:
                _drive_foreground(self, engine, show_progress=self._progress)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the search ends; return False if ``timeout`` passed first.

        Re-raises the exception that ended a background search, if any. A paused search
        has not ended: ``wait`` waits for :meth:`play` (or :meth:`stop`).
        """
        finished = self._done.wait(timeout)
        if finished and self._dashboard is not None:
            # the dashboard's final state, sent from the waiting thread: a notebook run
            # headless keeps only what the executing cell sends (see StreamWidget.wait)
            try:
                self._dashboard.keep_final_state()
            except Exception:
                _log.exception("nbopt: keeping the dashboard's final state failed")
        if finished and self.error is not None:
            raise self.error
        return finished

    # ---- table

    @property
    def results_(self) -> dict[str, Any]:
        """The finished trials as one table: a dict of equal-length columns.

        Shaped like scikit-learn's ``cv_results_`` (``pandas.DataFrame(result.results_)``
        works):

        - ``number``: trial numbers (int array);
        - ``params``: list of params dicts;
        - ``param_<name>``: one masked array per dimension (float/int dtype for numeric
          dimensions, object dtype otherwise);
        - ``value``: objective values (NaN for failed trials);
        - ``state``: ``"complete"``, ``"failed"`` or ``"pruned"``;
        - ``error``: ``"Type: message"`` for failed trials, ``None`` otherwise;
        - ``duration``: seconds spent in the objective;
        - ``rank``: 1 for the best value (ties share the lowest rank); failed and pruned
          trials are ranked after every complete one;
        - ``intermediate_values``: each trial's learning curve, a dict step -> value
          (empty when it reported nothing);
        - ``pruned_reason``: why a pruned trial was stopped (None for the others; the
          whole decision is in ``trial.info["pruned"]``);
        - one float column per metric returned by the objective, under the metric's own
          name (``"metric_<name>"`` when the name clashes with a column above), NaN where
          a trial did not report it.
        """
        return results_table(self.trials, self.space.names, self.direction)

    def importance(self, *, quantile: float = 0.1) -> dict[str, float]:
        """How much each parameter matters to the value: ``{param: share}``, summing to 1.

        PED-ANOVA over the complete trials so far (see
        :func:`nbopt.searchers.importance`); correct for maximize as for minimize.

        Examples
        --------
        >>> from nbopt import space
        >>> r = search(lambda x, y: 10 * x**2 + 0.01 * y, {"x": space.Float(-1, 1),
        ...            "y": space.Float(-1, 1)}, method="random", n_trials=100, seed=0,
        ...            progress=False)
        >>> shares = r.importance()
        >>> max(shares, key=shares.get)
        'x'
        """
        from nbopt.searchers._importance import importance

        return importance(self.trials, self.space, self.direction, quantile=quantile)

    def to_dataframe(self) -> Any:
        """Return :attr:`results_` as a ``pandas.DataFrame`` (pandas must be installed).

        Examples
        --------
        >>> from nbopt import space
        >>> r = search(lambda x: x**2, {"x": space.Float(-1, 1)}, method="random",
        ...            n_trials=5, seed=0, progress=False)
        >>> r.to_dataframe().columns[:3].tolist()
        ['number', 'params', 'param_x']
        """
        try:
            import pandas as pd
        except ImportError as exc:
            raise ImportError(
                "SearchResult.to_dataframe() needs pandas: pip install pandas "
                "(result.results_ holds the same table as a dict of arrays)"
            ) from exc
        table = self.results_
        frame = pd.DataFrame({k: v for k, v in table.items() if k != "params"})
        frame.insert(1, "params", table["params"])
        return frame

    def _shown_dashboard(self) -> Any:
        """Return the live dashboard this result shows as (None: it shows as its text).

        In a Jupyter kernel a search shows as its dashboard (one per result: a second
        display is a second view of it); elsewhere, and after a blocking search whose
        dashboard was already shown live while it ran, as its text.
        """
        if not _in_jupyter_kernel() or getattr(self._dashboard, "foreground", False):
            return None
        try:
            from nbopt.widgets import SearchDashboard
        except ImportError:
            return None
        if self._dashboard is None:
            self._dashboard = SearchDashboard(self)
        return self._dashboard

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        dashboard = self._shown_dashboard()
        if dashboard is None:
            return {"text/plain": repr(self)}
        return dashboard._repr_mimebundle_(**kwargs)

    def _ipython_display_(self, **kwargs: Any) -> None:
        # as _repr_mimebundle_, with the dashboard shown as an output it updates at the end
        dashboard = self._shown_dashboard()
        if dashboard is not None:
            dashboard._ipython_display_(**kwargs)
            return
        from IPython import display as ipython_display

        display: Any = ipython_display.display  # IPython has no type annotations
        display({"text/plain": repr(self)}, raw=True)

    def __repr__(self) -> str:
        trials = self.trials
        failed = sum(t.state == "failed" for t in trials)
        status = "paused" if self.paused else "running" if not self.done else "done"
        if self.interrupted:
            status = "interrupted"
        elif self.timed_out:
            status = "timed out"
        budget = "" if self.n_trials is None else f"/{self.n_trials}"
        best = self.best_trial
        if best is not None:
            best_text = f"best_value={best.value:.6g}, best_params={best.params!r}"
        elif failed:
            first = next(t for t in trials if t.state == "failed")
            best_text = f"no complete trial; trial {first.number} failed with {first.error}"
        else:
            best_text = "no complete trial"
        pruned = sum(t.state == "pruned" for t in trials)
        pruned_text = f", {pruned} pruned" if pruned else ""
        return (
            f"SearchResult({self.method}, {len(trials)}{budget} trials "
            f"({failed} failed{pruned_text}), {status}, {best_text})"
        )

    def __getstate__(self) -> dict[str, Any]:
        # Locks, events, the engine and the session cannot be pickled; nor can a searcher
        # in general. A pickled result keeps its trials and flags and is done.
        state = {k: v for k, v in self.__dict__.items() if not k.startswith("_")}
        state["searcher"] = None
        state["_trials"] = self.trials
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        trials = state.pop("_trials", [])
        self.__dict__.update(state)
        self._init_runtime()
        self._trials = list(trials)
        self._done.set()

    # ---- used by the engine

    def _background(self) -> Session:
        """Return the session driving the search, creating it on first use."""
        if self._session is None:
            engine = self._engine
            assert engine is not None
            session = Session(engine)
            session.observe(self._on_batch)
            engine.on_hold = self._held_idle
            self._session = session
        return self._session

    def _append(self, trial: Trial) -> None:
        with self._lock:
            self._trials.append(trial)

    def _notify(self, trial: Trial) -> None:
        with self._lock:
            callbacks = list(self._callbacks)
        for callback in callbacks:
            callback(self, trial)

    def _held_idle(self) -> None:
        """Pause the session: the engine is held and no trial runs (on the session thread)."""
        engine = self._engine
        session = self._session
        with self._control:
            if engine is not None and session is not None and engine.held and not engine.n_running:
                session.pause(wait=False)

    def _on_batch(self, batch: EventBatch) -> None:
        """Settle the result when the session's run ends (first observer of the session)."""
        if not batch.final or batch.state in ("paused", "idle"):
            return
        engine = self._engine
        session = self._session
        assert engine is not None and session is not None
        with self._control:
            try:
                if batch.state == "finished" and not engine.finished:
                    # extend() raised the budget while the run was ending: run on.
                    session.play()
                    return
                if batch.state == "stopped":
                    # Session.stop() or a KeyboardInterrupt raised by the objective.
                    session.call(engine.abandon, "the search's session was stopped")
                    self.interrupted = True
                elif batch.state == "error":
                    self.error = batch.error
                if engine.stop_requested:
                    self.interrupted = True
                engine.close()
            finally:
                if batch.state != "finished" or engine.finished:
                    self._done.set()


def results_table(trials: list[Trial], names: Iterable[str], direction: str) -> dict[str, Any]:
    """Build the :attr:`SearchResult.results_` table of ``trials``."""
    n = len(trials)
    table: dict[str, Any] = {"number": np.array([t.number for t in trials], dtype=np.int64)}
    table["params"] = [dict(t.params) for t in trials]
    for name in names:
        present = [name in t.params for t in trials]
        values = [t.params.get(name) for t in trials]
        numeric = all(
            isinstance(v, numbers.Real) and not isinstance(v, bool)
            for v, p in zip(values, present)
            if p
        )
        integral = numeric and all(
            isinstance(v, numbers.Integral) for v, p in zip(values, present) if p
        )
        data: np.ndarray[Any, Any]
        if numeric and n:
            dtype = np.int64 if integral else np.float64
            data = np.array([v if p else 0 for v, p in zip(values, present)], dtype=dtype)
        else:
            data = np.empty(n, dtype=object)
            data[:] = values
        table[f"param_{name}"] = np.ma.MaskedArray(data, mask=[not p for p in present])
    value = np.array(
        [t.value if t.state == "complete" and t.value is not None else np.nan for t in trials],
        dtype=np.float64,
    )
    table["value"] = value
    table["state"] = np.array([t.state for t in trials], dtype=object)
    table["error"] = np.array([t.error for t in trials], dtype=object)
    table["duration"] = np.array(
        [np.nan if t.duration is None else t.duration for t in trials], dtype=np.float64
    )
    table["rank"] = rank_values(value, direction)
    curves = np.empty(n, dtype=object)
    curves[:] = [dict(t.intermediate_values) for t in trials]
    table["intermediate_values"] = curves
    table["pruned_reason"] = np.array(
        [t.pruned_reason for t in trials],
        dtype=object,
    )
    metric_names: list[str] = []
    for t in trials:
        for key in t.metrics:
            if key not in metric_names:
                metric_names.append(key)
    for key in metric_names:
        column = key
        if key in _RESERVED or key.startswith("param_") or key in table:
            column = f"metric_{key}"
        table[column] = np.array([t.metrics.get(key, np.nan) for t in trials], dtype=np.float64)
    return table


def rank_values(value: np.ndarray[Any, Any], direction: str) -> np.ndarray[Any, Any]:
    """1 = best; ties share the lowest rank; NaN (failed) ranked after all others."""
    n = len(value)
    ok = ~np.isnan(value)
    key = np.where(ok, value if direction == "minimize" else -value, np.inf)
    rank = np.empty(n, dtype=np.int64)
    n_ok = int(ok.sum())
    sorted_ok = np.sort(key[ok])
    rank[ok] = np.searchsorted(sorted_ok, key[ok], side="left") + 1
    rank[~ok] = n_ok + 1
    return rank


# The names sklearn.py imported before these became public.


# --------------------------------------------------------------------------------------
# The engine


@dataclass
class _Running:
    trial: Trial
    params: dict[str, Any]
    deadline: float | None
    started: float
    rerun: bool = False
    handle: TrialHandle | None = None
    # Set once the searcher was told (and once the result has the trial), so an interrupt
    # between the two never tells the searcher twice nor loses the trial.
    told: Trial | None = None
    recorded: bool = False


class SearchEngine:
    """The search loop, one step at a time: what a :class:`~nbopt.live.Session` drives.

    Each :meth:`step` starts trials until ``n_workers`` run (the searcher asking ahead),
    then collects the finished ones, waiting at most a tenth of a second, and returns
    them: the event a session hands its observers. :attr:`finished` is True once no trial
    runs and none may start (budget reached, searcher exhausted, ``timeout`` passed or
    :meth:`stop` called). :func:`search` builds one and drives it, in the foreground
    (``block=True``) or on a session; its :attr:`result` is what ``search`` returns.

    The parameters are those of :func:`search`.

    Notes
    -----
    A search cannot be reset: its trials have been told to the searcher and stored.
    :meth:`reset` raises; :meth:`SearchResult.extend` runs more trials, and a new
    :func:`search` starts over (with the same ``storage`` it resumes the study).

    Examples
    --------
    >>> from nbopt import space
    >>> from nbopt.live import Session
    >>> engine = SearchEngine(lambda x: x**2, {"x": space.Float(-1, 1)}, method="random",
    ...                       n_trials=10, seed=0)
    >>> [trial.number for trial in engine.step()]
    [0]
    >>> session = Session(engine)
    >>> events = []
    >>> unsubscribe = session.observe(lambda batch: events.extend(batch.events))
    >>> session.run()
    'finished'
    >>> [[trial.number for trial in event] for event in events][:3]
    [[1], [2], [3]]
    >>> len(engine.result.trials)
    10

    A session driving an engine directly (rather than through ``search(block=False)``)
    ends at :attr:`finished`; :meth:`hold` makes it wait for the running trials and then
    call :attr:`on_hold`, which ``SearchResult`` sets to pause its session.
    """

    def __init__(
        self,
        objective: Callable[..., Any],
        space: Space | Mapping[str, Dimension],
        method: str | Searcher = "bayesian",
        n_trials: int | None = None,
        seed: int | None = None,
        direction: str | None = None,
        executor: Any = None,
        storage: str | os.PathLike[str] | None = None,
        name: str | None = None,
        timeout: float | None = None,
        *,
        trial_timeout: float | None = None,
        n_workers: int | None = None,
        callbacks: Iterable[TrialCallback] = (),
        searcher_kwargs: Mapping[str, Any] | None = None,
        pruner: str | Pruner | None = None,
    ) -> None:
        if not callable(objective):
            raise TypeError(f"objective must be callable, got {objective!r}")
        sp = as_space(space)
        if direction is not None and direction not in ("minimize", "maximize"):
            raise ValueError(f"direction must be 'minimize' or 'maximize', got {direction!r}")
        if isinstance(method, Searcher):
            if direction is not None and direction != method.direction:
                raise ValueError(
                    f"direction={direction!r} differs from the searcher's "
                    f"direction={method.direction!r}"
                )
            if method.space != sp:
                raise ValueError(
                    "the searcher was created for another space than the one given to search()"
                )
        searcher = _make_searcher(
            method, sp, seed, direction or "minimize", dict(searcher_kwargs or {})
        )
        if n_trials is not None:
            if isinstance(n_trials, bool) or not isinstance(n_trials, numbers.Integral):
                raise TypeError(f"n_trials must be an int or None, got {n_trials!r}")
            if n_trials < 0:
                raise ValueError(f"n_trials must be >= 0, got {n_trials}")
            n_trials = int(n_trials)
        for label, seconds in (("timeout", timeout), ("trial_timeout", trial_timeout)):
            if seconds is not None and (
                isinstance(seconds, bool) or not isinstance(seconds, numbers.Real) or seconds <= 0
            ):
                raise ValueError(f"{label} must be a positive number of seconds, got {seconds!r}")
        if n_trials is None and timeout is None and type(searcher).__name__ != "GridSearch":
            raise ValueError(
                "n_trials=None runs until the searcher is exhausted, which only a grid search "
                "is; pass n_trials= (or timeout= seconds)"
            )
        if n_workers is not None and (isinstance(n_workers, bool) or int(n_workers) < 1):
            raise ValueError(f"n_workers must be a positive int, got {n_workers!r}")
        if name is not None and storage is None:
            raise ValueError("name= names a study in a storage; pass storage= too")
        the_pruner = make_pruner(pruner)
        takes_trial = _takes_trial(objective, sp.names)
        if the_pruner is not None and not takes_trial:
            raise ValueError(
                f"pruner={pruner!r} needs an objective that reports its progress: declare a "
                "parameter named `trial` (def objective(lr, layers, trial)), call "
                "trial.report(value, step) and stop when trial.should_prune() is True"
                + (" (a dimension is named 'trial': rename it)" if "trial" in sp.names else "")
            )

        pool: Executor
        if executor is None:
            workers = 1 if n_workers is None else int(n_workers)
            # Without a timeout or parallelism the objective runs in the thread driving the
            # search, so Ctrl-C, debuggers and tracebacks behave as in a plain loop.
            pool = (
                _InlineExecutor()
                if trial_timeout is None and workers == 1
                else _ThreadPerCallExecutor()
            )
        else:
            pool = _as_executor(executor)
            workers = int(n_workers) if n_workers is not None else worker_count(executor)
            if isinstance(pool, ProcessPoolExecutor):
                _check_picklable(objective)

        callbacks = list(callbacks)
        for cb in callbacks:
            if not callable(cb):
                raise TypeError(f"callbacks must be callables, got {cb!r}")

        self.objective = objective
        self.searcher = searcher
        self.executor = pool
        self.n_workers = workers
        self.trial_timeout = None if trial_timeout is None else float(trial_timeout)
        self._as_kwargs = _call_with_kwargs(objective, sp.names)
        self.pruner = the_pruner
        self._takes_trial = takes_trial
        # Trials in the engine's process talk to the hub directly; others over a socket.
        self._remote = not isinstance(
            pool, (_InlineExecutor, _ThreadPerCallExecutor, ThreadPoolExecutor)
        )
        self._hub = ReportHub(searcher.direction, the_pruner, keep_fresh=storage is not None)
        self._last_flush = -math.inf
        if isinstance(pool, _InlineExecutor) and storage is not None:
            # The inline trial runs inside step(): its reports are committed from the
            # report call itself (the thread that owns the storage), at most every _POLL.
            self._hub.on_report = self._flush_soon
        self._storage_path = None if storage is None else os.fspath(storage)
        self._study_name = None if storage is None else ("default" if name is None else str(name))
        self._store: Storage | None = None
        self._study_id = -1
        replayed: list[Trial] = []
        self._reruns: list[Trial] = []
        if storage is not None:
            self._open_storage()
            assert self._store is not None
            try:
                replayed, self._reruns = _replay(self._store, self._study_id, searcher)
            except BaseException:
                self.close()
                raise
            for trial in replayed:
                self._hub.finish(trial.number, trial.state, trial.intermediate_values)

        self.result = SearchResult(
            searcher, n_trials=n_trials, name=self._study_name, storage=self._storage_path
        )
        self.result._engine = self
        self.result._trials.extend(replayed)
        for cb in callbacks:
            self.result.observe(cb)

        self.on_hold: Callable[[], object] | None = None
        """Called by :meth:`step` when the engine is held and no trial runs (a session pause)."""
        self._running: dict[Future[_Outcome], _Running] = {}
        self._started = len(replayed)
        self._n_trials: int | None = n_trials
        self._timeout: float | None = None if timeout is None else float(timeout)
        # Time spent running, pauses excluded: the clock of ``timeout``.
        self._spent = 0.0
        self._since: float | None = None
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._held = False
        self._stop_requested = False
        self._stop_asking = False

    # ---- the Engine protocol

    @property
    def finished(self) -> bool:
        """True when no trial runs and none may start."""
        return not self._running and not self._can_start()

    def step(self) -> list[Trial]:
        """Start trials up to ``n_workers``, collect the finished ones and return them.

        Waits at most a tenth of a second for a trial to finish (less with a
        ``trial_timeout`` due sooner); returns an empty list when none did. While the
        engine is :attr:`held` no trial starts; once none runs, :attr:`on_hold` is called.

        Returns
        -------
        list of Trial
            The trials recorded during this step, in completion order.
        """
        out: list[Trial] = []
        try:
            now = time.monotonic()
            if self._since is None:
                self._since = now
            if self._timeout is not None and self._spent + now - self._since >= self._timeout:
                if self._can_start():
                    self.result.timed_out = True
                self._reruns.clear()
                self._stop_asking = True
            if not self.held:
                self._fill()
            if self._running:
                self._collect(out)
                if self._store is not None:
                    self._flush_reports(self._store)
            elif self.held:
                self._pause_clock()
                self._idle()
        except KeyboardInterrupt:
            self.result.interrupted = True
            self.abandon("KeyboardInterrupt: the search was interrupted before the trial finished")
            raise
        except BaseException:
            self.abandon("the search ended with an error before the trial finished")
            raise
        return out

    def reset(self, *args: object, **kwargs: object) -> None:
        """Refuse: a search cannot start over.

        Raises
        ------
        RuntimeError
            Always. Its trials have been told to the searcher (and stored): call
            ``result.extend(n)`` to run more trials, or start a new ``nbopt.search(...)``
            (with the same ``storage=`` it resumes the study).
        """
        raise RuntimeError(
            "a search cannot be reset: its trials have been told to the searcher and stored. "
            "Call result.extend(n) to run more trials, or start a new nbopt.search(...) "
            "(with the same storage= it resumes the study)"
        )

    # ---- state and controls (any thread)

    @property
    def n_running(self) -> int:
        """Trials in flight."""
        return len(self._running)

    @property
    def running_trials(self) -> list[Trial]:
        """The trials in flight (as asked; read between two steps for a stable answer)."""
        return [r.trial for r in list(self._running.values()) if not r.recorded]

    @property
    def n_trials(self) -> int | None:
        """The trial budget (None: until the searcher is exhausted or the timeout)."""
        return self._n_trials

    @property
    def study(self) -> ReportHub:
        """The learning curves of every trial (running ones as they report): a StudyView."""
        return self._hub

    def running_curves(self) -> dict[int, tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]]:
        """Return the curves of the running trials so far: ``{number: (steps, values)}``.

        Safe from any thread (e.g. a dashboard's); the arrays are copies (int64 steps,
        float64 values). A finished trial's curve is its ``Trial.intermediate_values``.

        Examples
        --------
        >>> from nbopt import space
        >>> engine = SearchEngine(lambda x: x, {"x": space.Float(0, 1)}, method="random",
        ...                       n_trials=1, seed=0)
        >>> engine.running_curves()
        {}
        """
        return self._hub.running_curves()

    @property
    def stop_requested(self) -> bool:
        """True once :meth:`stop` was called (until :meth:`extend`)."""
        return self._stop_requested

    @property
    def held(self) -> bool:
        """True between :meth:`hold` and :meth:`release`: no trial starts."""
        return self._held

    def hold(self) -> None:
        """Start no new trial; running ones are still collected."""
        with self._lock:
            self._held = True

    def release(self) -> None:
        """Undo :meth:`hold`."""
        with self._lock:
            self._held = False
            self._changed.notify_all()

    def stop(self) -> None:
        """End the search: no new trial starts; running ones finish and are recorded."""
        with self._lock:
            self._stop_requested = True
            self._held = False
            self._changed.notify_all()

    def extend(self, n: int) -> int:
        """Allow ``n`` more trials (see :meth:`SearchResult.extend`); return the new budget.

        Raises
        ------
        RuntimeError
            When the searcher has nothing left to propose.
        """
        if not self._reruns and self.searcher.exhausted:
            raise RuntimeError(
                f"{type(self.searcher).__name__} has no more trials to propose (every point "
                "was asked); start a new search with a larger space or resolution"
            )
        with self._lock:
            going_on = self._n_trials is not None and (bool(self._running) or self._can_start())
            base = self._n_trials if going_on and self._n_trials is not None else self._started
            self._n_trials = base + n
            self._timeout = None
            self._stop_requested = False
            self._stop_asking = False
            self._held = False
            budget = self._n_trials
        self._open_storage()
        return budget

    def close(self) -> None:
        """Close the storage, if any (:meth:`extend` reopens it), and the report listener."""
        self._hub.close()
        store, self._store = self._store, None
        if store is not None:
            self._flush_reports(store)
            store.close()

    def abandon(self, message: str) -> None:
        """End every running trial now, keeping those that have finished.

        Trials whose call has returned are recorded (and stored) without calling the
        result's callbacks; the others are told to the searcher as failed with ``message``
        but not stored, so a resumed study runs them again.
        """
        for future, running in list(self._running.items()):
            if running.recorded:
                pass
            elif running.told is not None:
                self._keep(running, running.told, notify=False)
            elif future.done() and not future.cancelled():
                self._finish(running, _outcome_of(future, running), notify=False)
            else:
                future.cancel()
                curve = self._hub.curve(running.trial.number)
                if not running.rerun:
                    self.searcher.tell(running.trial, error=message, intermediate_values=curve)
                self._hub.finish(running.trial.number, "failed", curve)
            del self._running[future]

    # ---- internals (the thread driving the search)

    def _open_storage(self) -> None:
        if self._storage_path is None or self._store is not None:
            return
        from nbopt.searchers._storage import Storage

        store = Storage(self._storage_path)
        try:
            self._study_id = store.open_study(
                str(self._study_name),
                self.searcher.direction,
                _space_definition(self.searcher.space),
                method=type(self.searcher).__name__,
            )
        except BaseException:
            store.close()
            raise
        self._store = store

    def _flush_reports(self, store: Storage) -> None:
        """Commit the running trials' new reports (one transaction for all of them)."""
        self._last_flush = time.monotonic()
        fresh = self._hub.take_fresh()
        if fresh:
            store.add_values(self._study_id, fresh)

    def _flush_soon(self) -> None:
        store = self._store
        if store is not None and time.monotonic() - self._last_flush >= _POLL:
            self._flush_reports(store)

    def _can_start(self) -> bool:
        if self._stop_asking or self._stop_requested:
            return False
        if self._n_trials is not None and self._started >= self._n_trials:
            return False
        return bool(self._reruns) or not self.searcher.exhausted

    def _pause_clock(self) -> None:
        if self._since is not None:
            self._spent += time.monotonic() - self._since
            self._since = None

    def _idle(self) -> None:
        callback = self.on_hold
        if callback is not None:
            callback()
            return
        # Nobody to pause: wait a little for release() rather than spin.
        with self._changed:
            self._changed.wait_for(lambda: not self._held, _POLL)

    def _fill(self) -> None:
        while len(self._running) < self.n_workers and not self.held and self._can_start():
            if self._reruns:
                trial = self._reruns.pop(0)
                # a rerun starts over: the curve of its killed run is dropped
                trial.intermediate_values = {}
                rerun = True
            else:
                asked = time.perf_counter()
                trial = self.searcher.ask()
                trial.info["ask_seconds"] = time.perf_counter() - asked
                rerun = False
            self._started += 1
            params = dict(trial.params)
            if self._store is not None:
                # (a rerun is saved again: that clears the curve its killed run left)
                self._store.save_trial(self._study_id, trial)
            now = time.monotonic()
            deadline = None if self.trial_timeout is None else now + self.trial_timeout
            handle = None
            self._hub.start(trial.number)
            if self._takes_trial:
                handle = TrialHandle(trial.number, params, self._hub.link(self._remote))
            entry = _Running(trial, params, deadline, now, rerun, handle)
            # Registered before submitting: an inline call interrupted by Ctrl-C, or a
            # submit that fails, still leaves the trial to be accounted for by abandon().
            placeholder = _cancelled_future()
            self._running[placeholder] = entry
            future = self.executor.submit(
                _evaluate, self.objective, params, self._as_kwargs, handle
            )
            del self._running[placeholder]
            self._running[future] = entry

    def _collect(self, out: list[Trial]) -> None:
        deadlines = [r.deadline for r in self._running.values() if r.deadline is not None]
        wait_for = _POLL
        if deadlines:
            wait_for = max(0.0, min(_POLL, min(deadlines) - time.monotonic()))
        done, _ = _wait_futures(list(self._running), timeout=wait_for, return_when=FIRST_COMPLETED)
        # Tell in completion order: the executor hands them back as they finish.
        for future in sorted(done, key=lambda f: self._running[f].started):
            running = self._running[future]
            out.append(self._finish(running, _outcome_of(future, running)))
            del self._running[future]
        now = time.monotonic()
        for future, running in list(self._running.items()):
            if running.deadline is not None and now >= running.deadline:
                future.cancel()
                message = (
                    f"TimeoutError: the trial did not finish within trial_timeout="
                    f"{self.trial_timeout:g} s"
                )
                outcome = _Outcome(None, {}, message, None, now - running.started)
                out.append(self._finish(running, outcome))
                del self._running[future]

    def _finish(self, running: _Running, outcome: _Outcome, *, notify: bool = True) -> Trial:
        trial = running.trial
        info = dict(trial.info)
        if outcome.traceback is not None:
            info["traceback"] = outcome.traceback
        # The worker's copy of the curve is complete; without it (the call never came
        # back) the reports that reached the engine are kept.
        curve = outcome.intermediate_values
        if curve is None:
            curve = self._hub.curve(trial.number)
        state: TrialState = "complete" if outcome.error is None else "failed"
        if outcome.pruned is not None:
            state = "pruned"
            info["pruned"] = outcome.pruned
        if running.rerun:
            told = dataclasses.replace(
                trial,
                state=state,
                value=outcome.value if state == "complete" else None,
                error=outcome.error,
                duration=outcome.duration,
                metrics=dict(outcome.metrics),
                info=info,
                datetime_complete=_dt.datetime.now(_dt.timezone.utc),
                intermediate_values=curve,
            )
            self.searcher.add_finished(told)
        else:
            common: dict[str, Any] = {
                "metrics": outcome.metrics,
                "duration": outcome.duration,
                "intermediate_values": curve,
            }
            if state == "pruned":
                told = self.searcher.tell(trial, pruned=True, **common)
            elif state == "complete":
                told = self.searcher.tell(trial, outcome.value, **common)
            else:
                told = self.searcher.tell(trial, error=outcome.error, **common)
            told.info = info
        self._hub.finish(trial.number, told.state, told.intermediate_values)
        running.told = told
        self._keep(running, told, notify=notify)
        return told

    def _keep(self, running: _Running, told: Trial, *, notify: bool) -> None:
        """Store and record a told trial, then (optionally) call the result's callbacks."""
        if self._store is not None:
            self._store.save_trial(self._study_id, told)
        self.result._append(told)
        running.recorded = True
        if notify:
            self.result._notify(told)


def _outcome_of(future: Future[_Outcome], running: _Running) -> _Outcome:
    try:
        return future.result()
    except Exception as exc:
        # The executor itself failed (worker died, result not picklable, ...).
        return _Outcome(
            None,
            {},
            _error_text(exc),
            "".join(_traceback.format_exception(type(exc), exc, exc.__traceback__)),
            time.monotonic() - running.started,
        )


def _cancelled_future() -> Future[_Outcome]:
    future: Future[_Outcome] = Future()
    future.cancel()
    return future


def _replay(store: Storage, study_id: int, searcher: Searcher) -> tuple[list[Trial], list[Trial]]:
    """Feed the stored finished trials to ``searcher``; return them and those to run again."""
    finished: list[Trial] = []
    reruns: list[Trial] = []
    for trial in store.load_trials(study_id):
        trial.params = {
            name: _restore_value(searcher.space[name], value)
            for name, value in trial.params.items()
        }
        if trial.state in ("complete", "failed", "pruned"):
            searcher.add_finished(trial)
            finished.append(trial)
        else:
            reruns.append(trial)
    return finished, reruns


# --------------------------------------------------------------------------------------
# Driving the engine: the foreground loop, the progress line, the notebook display


class _ProgressLine:
    """A one-line progress report on stderr, rewritten in place a few times a second."""

    def __init__(self, result: SearchResult) -> None:
        self._result = result
        self._start = time.monotonic()
        self._last = -math.inf
        self._width = 0

    def update(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < _PROGRESS_INTERVAL:
            return
        self._last = now
        text = _progress_text(self._result, now - self._start)
        pad = " " * max(0, self._width - len(text))
        self._width = len(text)
        sys.stderr.write(f"\r{text}{pad}")
        sys.stderr.flush()

    def close(self) -> None:
        self.update(force=True)
        sys.stderr.write("\n")
        sys.stderr.flush()


def _progress_text(result: SearchResult, elapsed: float) -> str:
    trials = result.trials
    failed = sum(t.state == "failed" for t in trials)
    pruned = sum(t.state == "pruned" for t in trials)
    total = "" if result.n_trials is None else f"/{result.n_trials}"
    best = result.best_value
    best_text = "-" if best is None else f"{best:.6g}"
    pruned_text = f", {pruned} pruned" if pruned else ""
    return (
        f"nbopt search: {len(trials)}{total} trials, {failed} failed{pruned_text}, "
        f"best {best_text}, {elapsed:.1f} s"
    )


class _Batches:
    """Coalesce a foreground search's steps into :class:`~nbopt.live.EventBatch` objects.

    The same batches a :class:`~nbopt.live.Session` hands its observers (at most
    ``rate`` a second, the trials of each step as one event, a final one at the end), so
    a live view draws a blocking search as it draws a background one.
    """

    def __init__(self, observer: Callable[[EventBatch], object], rate: float = 30.0) -> None:
        self._observer = observer
        self._interval = 1.0 / rate
        self._events: list[list[Trial]] = []
        self._last = time.monotonic()
        self._steps = 0

    def add(self, trials: list[Trial]) -> None:
        self._steps += 1
        if trials:
            self._events.append(trials)
        now = time.monotonic()
        if self._events and now - self._last >= self._interval:
            self._flush("running", final=False)
            self._last = now

    def close(self, state: SessionState, error: BaseException | None) -> None:
        self._flush(state, final=True, error=error)

    def _flush(
        self, state: SessionState, *, final: bool, error: BaseException | None = None
    ) -> None:
        events, self._events = self._events, []
        self._observer(EventBatch(events, state, self._steps, error, final=final))


def _drive_foreground(
    result: SearchResult,
    engine: SearchEngine,
    *,
    show_progress: bool,
    observer: Callable[[EventBatch], object] | None = None,
) -> None:
    """Step ``engine`` in the calling thread until it finishes; Ctrl-C ends it cleanly.

    ``observer`` (a live view) gets the steps' trials in coalesced event batches.
    """
    line = _ProgressLine(result) if show_progress and not _in_jupyter_kernel() else None
    batches = None if observer is None else _Batches(observer)
    end: SessionState = "finished"
    failure: BaseException | None = None
    try:
        while not engine.finished:
            finished = engine.step()
            if line is not None:
                line.update()
            if batches is not None:
                batches.add(list(finished))
        if engine.stop_requested:
            result.interrupted = True
            end = "stopped"
    except KeyboardInterrupt:
        result.interrupted = True
        end = "stopped"
        engine.abandon("KeyboardInterrupt: the search was interrupted before the trial finished")
    except BaseException as exc:
        result.error = exc
        end, failure = "error", exc
        raise
    finally:
        engine.close()
        result._done.set()
        if line is not None:
            line.close()
        if batches is not None:
            batches.close(end, failure)


def _in_jupyter_kernel() -> bool:
    """Tell whether this process is a Jupyter kernel, without importing IPython."""
    if "ipykernel" not in sys.modules:
        return False
    get_ipython = getattr(sys.modules.get("IPython"), "get_ipython", None)
    if not callable(get_ipython):
        return False
    return getattr(get_ipython(), "kernel", None) is not None


def _live_display(result: SearchResult) -> Callable[[EventBatch], object] | None:
    """Show the live search dashboard of a blocking ``result`` in the running Jupyter kernel.

    :func:`search` calls this, with ``progress=True`` inside a Jupyter kernel only, right
    after the search is created (before its first trial), in place of the stderr progress
    line of a script. Returns the observer that the foreground loop feeds with the
    trials as they finish (None when the dashboard cannot be shown).
    """
    try:
        from IPython import display as ipython_display

        from nbopt.widgets import SearchDashboard
    except ImportError:
        return None
    # IPython has no type annotations
    display: Any = ipython_display.display
    dashboard = SearchDashboard(result, foreground=True)
    result._dashboard = dashboard
    display(dashboard)
    return dashboard.observe_foreground


def _final_display(result: SearchResult) -> None:
    """Show the finished search in the output of the cell that ran it.

    The output was made before the first trial: live frontends draw the widget from its
    state, but renderers without widgets (GitHub, nbconvert, nbviewer) show the output's
    PNG, which would stay that of an empty search. Updating the display puts the PNG of
    the finished search there.
    """
    dashboard = getattr(result, "_dashboard", None)
    if dashboard is not None:
        dashboard.refresh_displays()


# --------------------------------------------------------------------------------------
# search()


def search(
    objective: Callable[..., Any],
    space: Space | Mapping[str, Dimension],
    method: str | Searcher = "auto",
    n_trials: int | None = None,
    seed: int | None = None,
    direction: str | None = None,
    executor: Any = None,
    storage: str | os.PathLike[str] | None = None,
    name: str | None = None,
    timeout: float | None = None,
    block: bool = True,
    *,
    trial_timeout: float | None = None,
    n_workers: int | None = None,
    callbacks: Iterable[TrialCallback] = (),
    searcher_kwargs: Mapping[str, Any] | None = None,
    progress: bool = True,
    pruner: str | Pruner | None = None,
) -> SearchResult:
    """Search ``space`` for the params that minimize (or maximize) ``objective``.

    Parameters
    ----------
    objective : callable
        Called once per trial. It receives the params as keyword arguments when every
        dimension name is one of its arguments (``def f(lr, layers): ...``), otherwise
        as one dict (``def f(params): ...``). It returns a number, or a dict holding
        the number to optimize under ``"value"`` and extra metrics under other keys
        (``{"value": val_loss, "train_loss": ..., "val_loss": ...}``). A trial fails,
        and the search goes on, when the objective raises an ``Exception``, returns
        NaN, inf or something else than those, or outlives ``trial_timeout``.

        An objective that declares a parameter named ``trial`` (``def f(lr, layers,
        trial)``, or ``def f(params, trial)``) also receives a
        :class:`~nbopt.searchers.TrialHandle`: ``trial.report(value, step)`` records a
        learning curve (kept in ``Trial.intermediate_values``, the storage and
        :attr:`SearchResult.results_`) and ``trial.should_prune()`` asks the ``pruner``.
        Raising :class:`~nbopt.Pruned`, or returning after ``should_prune()`` was True,
        ends the trial as ``"pruned"``, with the pruner's reason in
        ``trial.info["pruned"]``. See Notes for how reports travel.
    space : Space or dict
        Name -> dimension (:class:`~nbopt.space.Float`, :class:`~nbopt.space.Int`,
        :class:`~nbopt.space.Choice`).
    method : str or Searcher, default "auto"
        ``"grid"``, ``"random"``, ``"genetic"``, ``"evolutionary"`` (CMA-ES),
        ``"bayesian"``, ``"auto"`` (:class:`~nbopt.searchers.AutoSearch`: chooses by the
        space and the trials so far, see ``result.searcher.choice`` and ``.reason``), or
        a searcher instance (its space and direction are used).
    n_trials : int or None
        Total number of trials of the search, counting failed ones and, with a storage,
        the trials already stored. None runs until the searcher is exhausted (a grid),
        ``timeout`` passes or :meth:`SearchResult.stop` is called.
    seed : int or None
        Seed of the searcher (reproducible sequence of trials with no executor).
    direction : {"minimize", "maximize"}, default "minimize"
        With a searcher instance, defaults to (and must equal) the searcher's direction.
    executor : concurrent.futures.Executor or dask.distributed.Client, optional
        Runs the trials, ``n_workers`` at a time, the searcher asking ahead and learning
        the results in completion order. A ``ProcessPoolExecutor`` needs a picklable
        objective (a ``def`` at module level); a dask ``Client`` (or
        ``client.get_executor()``) pickles closures and lambdas. None runs each trial in
        the thread driving the search.
    storage : str or os.PathLike, optional
        A SQLite file (``"search.db"`` or ``"sqlite:///search.db"``). Every finished trial
        is committed at once; calling ``search`` again with the same storage and name
        resumes: stored trials are replayed into the searcher (none is run twice),
        trials that were running when the process died are run again, and ``n_trials``
        counts them all.
    name : str, optional
        Study name inside the storage (default ``"default"``). Reopening a study with
        another space or direction raises ``ValueError``.
    timeout : float, optional
        Seconds after which no new trial starts (running ones finish and are kept).
        Time spent paused (:meth:`SearchResult.pause`) does not count.
    block : bool, default True
        True runs the search in the calling thread and returns it finished. False runs
        it on a :class:`~nbopt.live.Session` (a background thread) and returns the result
        at once; it fills as trials finish (see :meth:`SearchResult.observe`, ``pause``,
        ``play``, ``stop``, ``wait``, ``extend`` and ``session``).
    trial_timeout : float, optional
        Seconds after which a running trial is recorded as failed. Python cannot kill
        the call: it keeps its worker busy until it returns, and its result is dropped.
    n_workers : int, optional
        Trials in flight at once (default: the executor's worker or thread count). On a
        dask cluster, about twice the thread count hides the scheduler's round trip when
        trials last only a second or so (the next trial already waits on the worker).
    callbacks : iterable of callable
        ``callback(result, trial)`` after each finished trial (see
        :meth:`SearchResult.observe`).
    searcher_kwargs : dict, optional
        Extra arguments of the searcher class (``{"resolution": 5}`` for ``"grid"``).
    progress : bool, default True
        Show how the search goes. In a script a blocking search writes one line to
        stderr, rewritten in place a few times a second (trials done, failed, best
        value, elapsed time) and ended by a newline; inside a Jupyter kernel the live
        search dashboard is shown instead. False shows nothing.
    pruner : {"median", "halving", "hyperband"}, Pruner or None
        Stops poor trials early: :class:`~nbopt.searchers.MedianPruner`,
        :class:`~nbopt.searchers.SuccessiveHalvingPruner` (asynchronous, ASHA) or
        :class:`~nbopt.searchers.HyperbandPruner` with their defaults, or any
        :class:`~nbopt.searchers.Pruner`. Needs an objective taking ``trial``. Pruned
        trials count in ``n_trials``; searchers model them as failed, never as complete.

    Returns
    -------
    SearchResult
        With ``block=True``, the finished search. Ctrl-C (KeyboardInterrupt) does not
        raise: it ends the search and returns the result so far, every finished trial
        kept, with ``result.interrupted = True``.

    Notes
    -----
    The engine keeps every trial's curve and takes the pruning decisions; a running
    trial's reports reach it, and its decisions reach the trial, while it runs:

    - no executor, or a ``ThreadPoolExecutor``: the trial's handle calls the engine
      directly, under a lock (a report or a ``should_prune()`` costs a few microseconds,
      the pruner's work aside);
    - a ``ProcessPoolExecutor`` or dask.distributed: the engine listens on 127.0.0.1
      (:mod:`multiprocessing.connection`, a free port, a random authentication key sent
      with the handle); each worker process keeps one connection. A report is one
      message without reply (about 20 µs), ``should_prune()`` one round trip (0.1 to
      0.2 ms measured on a ``ProcessPoolExecutor`` and a dask ``LocalCluster``). The
      workers must run on the search's machine (a ``LocalCluster``): a worker that
      cannot connect runs its trials unpruned, and their curves arrive with the
      results.

    Whatever the executor, the curve travels back with the trial's result too, so it
    is complete even when reports were lost. With a ``storage`` the running trials'
    new reports are committed ten times a second at most (at each step of the engine,
    or from the report itself without an executor), a finished trial's whole curve
    with it; a resumed study replays the curves
    and pruning decisions, and the pruner judges new trials against them.

    Examples
    --------
    >>> from nbopt import space
    >>> def f(x, y):
    ...     return (x - 1) ** 2 + (y + 2) ** 2
    >>> r = search(f, {"x": space.Float(-5, 5), "y": space.Float(-5, 5)},
    ...            method="random", n_trials=50, seed=0, progress=False)
    >>> len(r.trials), r.best_value < 2
    (50, True)
    """
    engine = SearchEngine(
        objective,
        space,
        method,
        n_trials,
        seed,
        direction,
        executor,
        storage,
        name,
        timeout,
        trial_timeout=trial_timeout,
        n_workers=n_workers,
        callbacks=callbacks,
        searcher_kwargs=searcher_kwargs,
        pruner=pruner,
    )
    result = engine.result
    result._progress = bool(progress)
    if block:
        observer = _live_display(result) if progress and _in_jupyter_kernel() else None
        _drive_foreground(result, engine, show_progress=bool(progress), observer=observer)
        if observer is not None:
            _final_display(result)
        return result
    # a background search shows its dashboard when the result is displayed
    session = result._background()
    session.play()
    return result
