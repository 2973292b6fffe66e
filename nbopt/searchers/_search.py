"""The search loop: an objective, a space, a searcher, an executor and a storage."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import importlib
import inspect
import json
import math
import numbers
import os
import pickle
import threading
import time
import traceback as _traceback
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor
from concurrent.futures import wait as _wait_futures
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from nbopt.searchers._base import Searcher, Trial
from nbopt.space import Choice, Dimension, Space, as_space

if TYPE_CHECKING:
    from nbopt.searchers._storage import Storage

__all__ = ["METHODS", "SearchResult", "search"]

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
    {"number", "params", "value", "state", "duration", "rank", "error", "datetime_start"}
)

# A foreground search waits for futures in slices of this length so that Ctrl-C is
# noticed promptly even while a C-level wait is in progress.
_POLL = 0.1


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


def _evaluate(objective: Callable[..., Any], params: dict[str, Any], as_kwargs: bool) -> _Outcome:
    """Call the objective once and capture the value, metrics, error and duration."""
    start = time.perf_counter()
    try:
        raw = objective(**params) if as_kwargs else objective(params)
        value, metrics = _parse_return(raw)
    except Exception as exc:
        return _Outcome(
            None,
            {},
            _error_text(exc),
            "".join(_traceback.format_exception(type(exc), exc, exc.__traceback__)),
            time.perf_counter() - start,
        )
    return _Outcome(value, metrics, None, None, time.perf_counter() - start)


def _error_text(exc: BaseException) -> str:
    message = str(exc)
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


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


def _n_workers(executor: object) -> int:
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

    With ``block=False`` the search runs in a background thread and this object is
    returned at once: :attr:`trials`, :attr:`best_value` and :attr:`results_` grow as
    trials finish, :meth:`observe` registers a callback for each finished trial,
    :meth:`wait` blocks until the search ends and :meth:`stop` ends it early.

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
        The trial budget of the study.
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
        self._trials: list[Trial] = []
        self._lock = threading.RLock()
        self._done = threading.Event()
        self._stop = threading.Event()
        self._callbacks: list[TrialCallback] = []
        self._thread: threading.Thread | None = None

    # ---- trials and best

    @property
    def trials(self) -> list[Trial]:
        """Finished trials (complete and failed), in number order."""
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

    # ---- control

    def observe(self, callback: TrialCallback) -> Callable[[], None]:
        """Call ``callback(result, trial)`` after each trial finishes; return an unsubscribe.

        Callbacks run in the thread driving the search, after the trial is recorded (and
        stored). An exception in a callback ends the search and is raised by
        :func:`search` (or :meth:`wait` for a background search).
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

    def stop(self) -> None:
        """Ask the search to end: no new trial starts; running ones finish and are kept."""
        self._stop.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the search ends; return False if ``timeout`` passed first.

        Re-raises the exception that ended a background search, if any.
        """
        finished = self._done.wait(timeout)
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
        - ``state``: ``"complete"`` or ``"failed"``;
        - ``error``: ``"Type: message"`` for failed trials, ``None`` otherwise;
        - ``duration``: seconds spent in the objective;
        - ``rank``: 1 for the best value (ties share the lowest rank); failed trials are
          ranked after every complete one;
        - one float column per metric returned by the objective, under the metric's own
          name (``"metric_<name>"`` when the name clashes with a column above), NaN where
          a trial did not report it.
        """
        return _results_table(self.trials, self.space.names, self.direction)

    def to_dataframe(self) -> Any:
        """Return :attr:`results_` as a ``pandas.DataFrame`` (pandas must be installed).

        Examples
        --------
        >>> from nbopt import space
        >>> r = search(lambda x: x**2, {"x": space.Float(-1, 1)}, method="random",
        ...            n_trials=5, seed=0)
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

    def __repr__(self) -> str:
        trials = self.trials
        failed = sum(t.state == "failed" for t in trials)
        status = "running" if not self.done else "done"
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
        return (
            f"SearchResult({self.method}, {len(trials)}{budget} trials "
            f"({failed} failed), {status}, {best_text})"
        )

    def __getstate__(self) -> dict[str, Any]:
        # Locks, events and the thread cannot be pickled; nor can a searcher in general.
        # A pickled result keeps its trials and flags and is done.
        state = {k: v for k, v in self.__dict__.items() if not k.startswith("_")}
        state["searcher"] = None
        state["_trials"] = self.trials
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.RLock()
        self._done = threading.Event()
        self._done.set()
        self._stop = threading.Event()
        self._callbacks = []
        self._thread = None

    # ---- used by the loop

    def _record(self, trial: Trial) -> None:
        with self._lock:
            self._trials.append(trial)
            callbacks = list(self._callbacks)
        for callback in callbacks:
            callback(self, trial)


def _results_table(trials: list[Trial], names: Iterable[str], direction: str) -> dict[str, Any]:
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
    table["rank"] = _rank(value, direction)
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


def _rank(value: np.ndarray[Any, Any], direction: str) -> np.ndarray[Any, Any]:
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


# --------------------------------------------------------------------------------------
# The loop


@dataclass
class _Running:
    trial: Trial
    params: dict[str, Any]
    deadline: float | None
    started: float
    rerun: bool = False


@dataclass
class _Loop:
    objective: Callable[..., Any]
    as_kwargs: bool
    searcher: Searcher
    result: SearchResult
    n_trials: int | None
    executor: Executor
    n_workers: int
    timeout: float | None
    trial_timeout: float | None
    storage: Storage | None
    study_id: int
    reruns: list[Trial] = field(default_factory=list)
    running: dict[Future[_Outcome], _Running] = field(default_factory=dict)
    started_count: int = 0
    stop_asking: bool = False

    def run(self) -> None:
        """Run trials until the budget, the searcher, the timeout or a stop ends the search."""
        t0 = time.monotonic()
        try:
            while True:
                if self.timeout is not None and time.monotonic() - t0 >= self.timeout:
                    if self._may_start():
                        self.result.timed_out = True
                    self.reruns.clear()
                    self.stop_asking = True
                self._fill()
                if not self.running:
                    break
                self._collect()
        except KeyboardInterrupt:
            self.result.interrupted = True
            self._abandon("KeyboardInterrupt: the search was interrupted before the trial finished")
        except BaseException:
            self._abandon("the search ended with an error before the trial finished")
            raise
        if self.result._stop.is_set():
            self.result.interrupted = True

    def _may_start(self) -> bool:
        if self.stop_asking or self.result._stop.is_set():
            return False
        if self.n_trials is not None and self.started_count >= self.n_trials:
            return False
        return bool(self.reruns) or not self.searcher.exhausted

    def _fill(self) -> None:
        while len(self.running) < self.n_workers and self._may_start():
            if self.reruns:
                trial = self.reruns.pop(0)
                rerun = True
            else:
                trial = self.searcher.ask()
                rerun = False
            self.started_count += 1
            params = dict(trial.params)
            if self.storage is not None and not rerun:
                self.storage.save_trial(self.study_id, trial)
            now = time.monotonic()
            deadline = None if self.trial_timeout is None else now + self.trial_timeout
            entry = _Running(trial, params, deadline, now, rerun)
            # Registered before submitting: an inline call interrupted by Ctrl-C, or a
            # submit that fails, still leaves the trial to be accounted for by _abandon.
            placeholder = _cancelled_future()
            self.running[placeholder] = entry
            future = self.executor.submit(_evaluate, self.objective, params, self.as_kwargs)
            del self.running[placeholder]
            self.running[future] = entry

    def _collect(self) -> None:
        deadlines = [r.deadline for r in self.running.values() if r.deadline is not None]
        wait_for = _POLL
        if deadlines:
            wait_for = max(0.0, min(_POLL, min(deadlines) - time.monotonic()))
        done, _ = _wait_futures(list(self.running), timeout=wait_for, return_when=FIRST_COMPLETED)
        # Tell in completion order: the executor hands them back as they finish.
        for future in sorted(done, key=lambda f: self.running[f].started):
            running = self.running.pop(future)
            try:
                outcome = future.result()
            except Exception as exc:
                # The executor itself failed (worker died, result not picklable, ...).
                outcome = _Outcome(
                    None,
                    {},
                    _error_text(exc),
                    "".join(_traceback.format_exception(type(exc), exc, exc.__traceback__)),
                    time.monotonic() - running.started,
                )
            self._finish(running, outcome)
        now = time.monotonic()
        for future, running in list(self.running.items()):
            if running.deadline is not None and now >= running.deadline:
                del self.running[future]
                future.cancel()
                message = (
                    f"TimeoutError: the trial did not finish within trial_timeout="
                    f"{self.trial_timeout:g} s"
                )
                self._finish(running, _Outcome(None, {}, message, None, now - running.started))

    def _finish(self, running: _Running, outcome: _Outcome) -> None:
        trial = running.trial
        info = dict(trial.info)
        if outcome.traceback is not None:
            info["traceback"] = outcome.traceback
        if running.rerun:
            told = dataclasses.replace(
                trial,
                state="complete" if outcome.error is None else "failed",
                value=outcome.value,
                error=outcome.error,
                duration=outcome.duration,
                metrics=dict(outcome.metrics),
                info=info,
                datetime_complete=_dt.datetime.now(_dt.timezone.utc),
            )
            self.searcher.add_finished(told)
        else:
            if outcome.error is None:
                told = self.searcher.tell(
                    trial, outcome.value, metrics=outcome.metrics, duration=outcome.duration
                )
            else:
                told = self.searcher.tell(
                    trial, error=outcome.error, metrics=outcome.metrics, duration=outcome.duration
                )
            told.info = info
        if self.storage is not None:
            self.storage.save_trial(self.study_id, told)
        self.result._record(told)

    def _abandon(self, message: str) -> None:
        """Tell the searcher about trials still running when the loop ends abnormally.

        They are failed in the searcher (so it stays consistent) but not stored: a
        resumed search runs them again.
        """
        for future, running in list(self.running.items()):
            future.cancel()
            if not running.rerun:
                self.searcher.tell(running.trial, error=message)
        self.running.clear()


def _cancelled_future() -> Future[_Outcome]:
    future: Future[_Outcome] = Future()
    future.cancel()
    return future


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
        the calling thread.
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
    block : bool, default True
        False runs the search in a background thread and returns the result at once;
        it fills as trials finish (see :meth:`SearchResult.observe`, ``wait``, ``stop``).
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

    Returns
    -------
    SearchResult
        With ``block=True``, the finished search. Ctrl-C (KeyboardInterrupt) does not
        raise: it ends the search and returns the result so far, every finished trial
        kept, with ``result.interrupted = True``.

    Examples
    --------
    >>> from nbopt import space
    >>> def f(x, y):
    ...     return (x - 1) ** 2 + (y + 2) ** 2
    >>> r = search(f, {"x": space.Float(-5, 5), "y": space.Float(-5, 5)},
    ...            method="random", n_trials=50, seed=0)
    >>> len(r.trials), r.best_value < 2
    (50, True)
    """
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

    pool: Executor
    if executor is None:
        workers = 1 if n_workers is None else int(n_workers)
        # Without a timeout or parallelism the objective runs in the calling thread, so
        # Ctrl-C, debuggers and tracebacks behave as in a plain loop.
        pool = (
            _InlineExecutor()
            if trial_timeout is None and workers == 1
            else _ThreadPerCallExecutor()
        )
    else:
        pool = _as_executor(executor)
        workers = int(n_workers) if n_workers is not None else _n_workers(executor)
        if isinstance(pool, ProcessPoolExecutor):
            _check_picklable(objective)

    callbacks = list(callbacks)
    for cb in callbacks:
        if not callable(cb):
            raise TypeError(f"callbacks must be callables, got {cb!r}")

    store: Storage | None = None
    study_id = -1
    reruns: list[Trial] = []
    study_name = None
    replayed: list[Trial] = []
    if storage is not None:
        from nbopt.searchers._storage import Storage

        study_name = "default" if name is None else str(name)
        store = Storage(storage)
        try:
            study_id = store.open_study(
                study_name,
                searcher.direction,
                _space_definition(searcher.space),
                method=type(searcher).__name__,
            )
            replayed, reruns = _replay(store, study_id, searcher)
        except BaseException:
            store.close()
            raise

    result = SearchResult(
        searcher,
        n_trials=n_trials,
        name=study_name,
        storage=None if storage is None else os.fspath(storage),
    )
    result._trials.extend(replayed)
    for cb in callbacks:
        result.observe(cb)
    loop = _Loop(
        objective=objective,
        as_kwargs=_call_with_kwargs(objective, sp.names),
        searcher=searcher,
        result=result,
        n_trials=n_trials,
        executor=pool,
        n_workers=workers,
        timeout=timeout,
        trial_timeout=trial_timeout,
        storage=store,
        study_id=study_id,
        reruns=reruns,
        started_count=len(replayed),
    )

    def run() -> None:
        try:
            loop.run()
        except BaseException as exc:
            result.error = exc
            if block:
                raise
        finally:
            if store is not None:
                store.close()
            result._done.set()

    if block:
        run()
        return result
    thread = threading.Thread(target=run, name="nbopt-search", daemon=True)
    result._thread = thread
    thread.start()
    return result


def _replay(store: Storage, study_id: int, searcher: Searcher) -> tuple[list[Trial], list[Trial]]:
    """Feed the stored finished trials to ``searcher``; return them and those to run again."""
    finished: list[Trial] = []
    reruns: list[Trial] = []
    for trial in store.load_trials(study_id):
        trial.params = {
            name: _restore_value(searcher.space[name], value)
            for name, value in trial.params.items()
        }
        if trial.state in ("complete", "failed"):
            searcher.add_finished(trial)
            finished.append(trial)
        else:
            reruns.append(trial)
    return finished, reruns
