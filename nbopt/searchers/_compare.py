"""A race of searchers: every method with every seed on one objective, measured side by side.

A :class:`Comparison` holds one :class:`~nbopt.searchers.SearchEngine` per (method, seed)
and is itself an engine that a :class:`~nbopt.live.Session` drives. Without an executor
its steps take the runs in turn, one trial each, so every method's runs grow together;
with an executor each run keeps one trial in flight on it, all runs at once. Each run
asks and tells exactly as ``nbopt.search(objective, space, method, n_trials, seed)``
does, so a run's trials are those of that search.

What it measures, per method over its seeds (:class:`MethodSummary`, :meth:`Comparison.table`):
the best value reached (median and quartiles), the trials each seed needed to reach a
``target``, and the seconds per trial split between the searcher (its ``ask``) and the
objective.
"""

from __future__ import annotations

import functools
import math
import numbers
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from nbopt.live import EventBatch, Session
from nbopt.searchers._base import Trial
from nbopt.searchers._search import METHODS, SearchEngine
from nbopt.space import Dimension, Space, as_space

__all__ = [
    "COMPARE_METHODS",
    "Comparison",
    "ComparisonRun",
    "MethodSummary",
    "RunCurve",
    "RunTrial",
    "best_so_far",
    "trials_to_target",
]

COMPARE_METHODS: tuple[str, ...] = ("random", "genetic", "evolutionary", "bayesian")
"""The methods :func:`nbopt.compare` races by default."""

# The longest a step waits for a trial of a run on an executor (seconds): pause and stop
# are noticed promptly while trials run.
_POLL = 0.1


# --------------------------------------------------------------------------------------
# Statistics (numpy only: the table, the drawing info and the tests share them)


def best_so_far(values: Any, direction: str = "minimize") -> np.ndarray:
    """Return the best value reached after each trial (NaN until the first finite one).

    Parameters
    ----------
    values : array_like
        Values in trial order, NaN for trials without one (failed, pruned).
    direction : {"minimize", "maximize"}

    Examples
    --------
    >>> best_so_far([float("nan"), 3.0, 5.0, 1.0]).tolist()
    [nan, 3.0, 3.0, 1.0]
    >>> best_so_far([1.0, 3.0, 2.0], "maximize").tolist()
    [1.0, 3.0, 3.0]
    """
    v = np.asarray(values, dtype=np.float64).reshape(-1)
    if v.size == 0:
        return v.copy()
    # fmin/fmax ignore NaN: a failed trial keeps the best so far
    ufunc = np.fmin if direction == "minimize" else np.fmax
    return np.asarray(ufunc.accumulate(v))


def trials_to_target(best: Any, target: float | None, direction: str = "minimize") -> float:
    """Return how many trials a run needed to reach ``target`` (inf: not reached; NaN: no target).

    ``best`` is the run's :func:`best_so_far`; reaching means ``<= target`` when
    minimizing, ``>= target`` when maximizing.

    Examples
    --------
    >>> trials_to_target([5.0, 2.0, 0.5], 1.0)
    3.0
    >>> trials_to_target([5.0, 2.0], 1.0)
    inf
    """
    if target is None:
        return math.nan
    b = np.asarray(best, dtype=np.float64).reshape(-1)
    with np.errstate(invalid="ignore"):
        hit = b <= target if direction == "minimize" else b >= target
    where = np.flatnonzero(hit)
    return float(where[0] + 1) if where.size else math.inf


def _quartiles(x: np.ndarray) -> tuple[float, float, float]:
    """Median, 25th and 75th percentiles of the finite values (NaN for none)."""
    ok = x[np.isfinite(x)]
    if ok.size == 0:
        return math.nan, math.nan, math.nan
    q25, med, q75 = np.percentile(ok, [25.0, 50.0, 75.0])
    return float(med), float(q25), float(q75)


def _median(x: np.ndarray) -> float:
    """Median of the non-NaN values (inf counts: a run that never reached the target)."""
    ok = x[~np.isnan(x)]
    return float(np.median(ok)) if ok.size else math.nan


# --------------------------------------------------------------------------------------
# Records


class RunTrial(NamedTuple):
    """A finished trial of one run: what a :class:`Comparison` step returns, one per trial."""

    run: int
    """Index of the run in :attr:`Comparison.runs`."""
    trial: Trial
    """The trial, as the run's searcher was told it."""


@dataclass(frozen=True)
class RunCurve:
    """One run's finished trials as arrays, in trial order (from trial ``offset``).

    Attributes
    ----------
    method : str
        The run's method name.
    seed : int
        Its searcher's seed.
    offset : int
        Index (from 0) of the first trial in the arrays below.
    n : int
        Trials the run has finished in all.
    values : ndarray of float64
        Values, NaN for failed and pruned trials.
    best : ndarray of float64
        Best value so far after each trial (NaN until the first complete trial).
    ask_seconds : ndarray of float64
        Seconds the searcher took to propose each trial.
    duration : ndarray of float64
        Seconds the objective took.
    n_complete, n_failed, n_pruned : int
        Finished trials in each state.
    done : bool
        The run has ended (budget reached, stopped, or its searcher exhausted).
    """

    method: str
    seed: int
    offset: int
    n: int
    values: np.ndarray
    best: np.ndarray
    ask_seconds: np.ndarray
    duration: np.ndarray
    n_complete: int
    n_failed: int
    n_pruned: int
    done: bool


class _Record:
    """A run's finished trials, grown as they arrive (owned by the comparison, under its lock)."""

    def __init__(self, capacity: int, direction: str, target: float | None) -> None:
        size = max(8, capacity)
        self.n = 0
        self.values = np.full(size, np.nan)
        self.best = np.full(size, np.nan)
        self.ask = np.full(size, np.nan)
        self.duration = np.full(size, np.nan)
        self.numbers: set[int] = set()
        self.sign = 1.0 if direction == "minimize" else -1.0
        self.target = target
        self.reached = math.inf
        self.n_complete = 0
        self.n_failed = 0
        self.n_pruned = 0
        self.ask_sum = 0.0
        self.ask_n = 0
        self.duration_sum = 0.0
        self.duration_n = 0
        self.done = False

    def add(self, trial: Trial) -> bool:
        """Record ``trial`` (once: a trial already recorded is skipped); True when new."""
        if trial.number in self.numbers or trial.state == "running":
            return False
        self.numbers.add(trial.number)
        k = self.n
        if k == len(self.values):
            for name in ("values", "best", "ask", "duration"):
                old = getattr(self, name)
                grown = np.full(2 * len(old), np.nan)
                grown[: len(old)] = old
                setattr(self, name, grown)
        value = math.nan
        if trial.state == "complete" and trial.value is not None and math.isfinite(trial.value):
            value = float(trial.value)
            self.n_complete += 1
        elif trial.state == "pruned":
            self.n_pruned += 1
        else:
            self.n_failed += 1
        previous = self.best[k - 1] if k else math.nan
        best = previous
        if not math.isnan(value) and (
            math.isnan(previous) or self.sign * value < self.sign * previous
        ):
            best = value
        self.values[k] = value
        self.best[k] = best
        ask = trial.info.get("ask_seconds") if isinstance(trial.info, Mapping) else None
        if isinstance(ask, numbers.Real) and math.isfinite(float(ask)):
            self.ask[k] = float(ask)
            self.ask_sum += float(ask)
            self.ask_n += 1
        if trial.duration is not None and math.isfinite(trial.duration):
            self.duration[k] = float(trial.duration)
            self.duration_sum += float(trial.duration)
            self.duration_n += 1
        self.n = k + 1
        if math.isinf(self.reached) and self.target is not None and not math.isnan(best):
            if self.sign * best <= self.sign * self.target:
                self.reached = float(self.n)
        return True

    @property
    def ask_mean(self) -> float:
        return self.ask_sum / self.ask_n if self.ask_n else math.nan

    @property
    def duration_mean(self) -> float:
        return self.duration_sum / self.duration_n if self.duration_n else math.nan


@dataclass(frozen=True)
class MethodSummary:
    """What one method reached over its seeds: a row of :meth:`Comparison.table`.

    Attributes
    ----------
    method : str
        The method name (``"random"``, ``"bayesian"``...).
    seeds : tuple of int
        Its runs' seeds, in run order.
    n_runs, runs_done : int
        Its runs, and those that have ended.
    n_done, n_total : int
        Trials finished over its runs, and their budget (``n_trials`` per run).
    n_failed : int
        Failed (and pruned) trials over its runs.
    best : ndarray of float64, shape (n_runs,)
        Each run's best value so far (NaN while it has no complete trial).
    best_median, best_q25, best_q75 : float
        Median and quartiles of ``best`` over the runs with a complete trial (NaN for none).
    to_target : ndarray of float64, shape (n_runs,)
        Trials each run needed to reach the target: inf while not reached, NaN without
        a target.
    trials_to_target_median : float
        Median of ``to_target`` (inf when most runs have not reached it).
    target_reached : int
        Runs that reached the target.
    ask_seconds : ndarray of float64, shape (n_runs,)
        Each run's mean seconds per ``ask`` (the searcher's time per trial).
    objective_seconds : ndarray of float64, shape (n_runs,)
        Each run's mean seconds per objective call.
    ask_seconds_median, objective_seconds_median : float
        Their medians over the runs.
    seconds_per_trial_median : float
        Median over the runs of searcher plus objective seconds per trial.
    """

    method: str
    seeds: tuple[int, ...]
    n_runs: int
    runs_done: int
    n_done: int
    n_total: int
    n_failed: int
    best: np.ndarray
    best_median: float
    best_q25: float
    best_q75: float
    to_target: np.ndarray
    trials_to_target_median: float
    target_reached: int
    ask_seconds: np.ndarray
    objective_seconds: np.ndarray
    ask_seconds_median: float
    objective_seconds_median: float
    seconds_per_trial_median: float


# --------------------------------------------------------------------------------------
# The engine


class ComparisonRun:
    """One (method, seed) run of a :class:`Comparison`: a search engine and its trials.

    Attributes
    ----------
    index : int
        Position in :attr:`Comparison.runs`.
    method : str
        The method name.
    seed : int
        The searcher's seed.
    engine : SearchEngine
        The run's search loop; ``engine.result`` is its
        :class:`~nbopt.searchers.SearchResult` (trials, best value, ``results_``).
    """

    def __init__(self, index: int, method: str, seed: int, engine: SearchEngine) -> None:
        self.index = index
        self.method = method
        self.seed = seed
        self.engine = engine
        self.session: Session | None = None
        self.ended = False

    @property
    def trials(self) -> list[Trial]:
        """The run's finished trials, in number order."""
        return self.engine.result.trials

    @property
    def best_value(self) -> float | None:
        """The run's best value so far (None while no trial is complete)."""
        return self.engine.result.best_value

    def __repr__(self) -> str:
        state = "ended" if self.ended else "running"
        n = len(self.engine.result.trials)
        return f"ComparisonRun({self.method!r}, seed={self.seed}, {n} trials, {state})"


def _check_methods(methods: object) -> tuple[str, ...]:
    example = "e.g. methods=['random', 'bayesian']"
    if isinstance(methods, str) or not isinstance(methods, Iterable):
        raise TypeError(
            f"methods must be a list of method names ({example}; choose from "
            f"{list(METHODS)}), got {methods!r}"
        )
    names = list(methods)
    if not names:
        raise ValueError(f"methods is empty: give at least one method name, {example}")
    out: list[str] = []
    for name in names:
        if not isinstance(name, str) or name.lower() not in METHODS:
            raise ValueError(
                f"unknown method {name!r} in methods; expected names from {list(METHODS)}, "
                f"{example}"
            )
        if name.lower() in out:
            raise ValueError(f"method {name!r} is listed twice in methods; list each once")
        out.append(name.lower())
    return tuple(out)


def _check_seeds(seeds: object) -> tuple[int, ...]:
    if isinstance(seeds, numbers.Integral) and not isinstance(seeds, bool):
        if int(seeds) < 1:
            raise ValueError(
                f"seeds must be a number of seeds >= 1 (seeds=5 runs seeds 0 to 4) or a list "
                f"of distinct seeds, got {seeds!r}"
            )
        return tuple(range(int(seeds)))
    if isinstance(seeds, Iterable) and not isinstance(seeds, str | bytes):
        out = list(seeds)
        if not out or not all(
            isinstance(s, numbers.Integral) and not isinstance(s, bool) and int(s) >= 0 for s in out
        ):
            raise ValueError(
                "seeds must be a number of seeds >= 1 or a non-empty list of non-negative "
                f"ints, got {seeds!r}"
            )
        ints = [int(s) for s in out]
        if len(set(ints)) != len(ints):
            raise ValueError(f"seeds must be distinct, got {ints}")
        return tuple(ints)
    raise TypeError(
        f"seeds must be a number of seeds >= 1 (seeds=5) or a list of distinct ints, got {seeds!r}"
    )


class Comparison:
    """Every method with every seed on one objective: the engine of a race of searchers.

    The runs are :class:`~nbopt.searchers.SearchEngine` objects, one per (method, seed),
    each with one trial in flight, so that each run asks and tells as
    ``nbopt.search(objective, space, method=method, n_trials=n_trials, seed=seed)``
    does. A :class:`~nbopt.live.Session` drives the comparison: without an executor a
    step runs one trial of the next run in turn (the objective runs in the session's
    thread); with an executor every run keeps a trial on it, all at once, and a step
    collects the trials that finished (waiting a tenth of a second at most). A step
    returns those trials as :class:`RunTrial` records.

    A failing objective fails its trial (recorded, counted in ``n_failed``) and the runs
    go on. :meth:`hold` pauses (running trials finish and are kept; once none runs
    :attr:`on_hold` is called), :meth:`stop` ends every run keeping what finished, and
    :meth:`close` ends a comparison whose session stopped before it finished.

    Parameters
    ----------
    objective : callable
        As for :func:`nbopt.search`: the params as keyword arguments (or one dict); a
        number, or a dict with the number under ``"value"``.
    space : Space or dict
        Name -> dimension.
    methods : sequence of str
        Names from :data:`nbopt.searchers.METHODS`, each once (default
        :data:`COMPARE_METHODS`).
    n_trials : int
        Trials per run.
    seeds : int or sequence of int
        How many seeds (``5``: seeds 0 to 4) or the seeds themselves (distinct).
    executor : concurrent.futures.Executor or dask.distributed.Client, optional
        Runs the trials of every run concurrently (a ``ProcessPoolExecutor`` needs a
        picklable objective, a ``def`` at module level). None runs them one after
        another in the thread driving the comparison.
    direction : {"minimize", "maximize"}, default "minimize"
    target : float, optional
        A value worth reaching: the table counts the trials each run needed to reach it
        (``<= target`` when minimizing).

    Attributes
    ----------
    runs : tuple of ComparisonRun
        Method-major: every seed of the first method, then of the next...
    on_hold : callable or None
        Called by :meth:`step` when the comparison is held and no trial runs (a live
        view sets it to pause its session).

    Notes
    -----
    Without an executor the searchers' ``ask`` times are measured one at a time, in the
    thread driving the comparison. With one, each run is stepped by a thread of its own
    (a :class:`~nbopt.live.Session` per run) so that the runs wait for their trials
    together; asks of several runs may then overlap and share the interpreter, and
    their measured times include that wait.

    Examples
    --------
    >>> from nbopt import space
    >>> from nbopt.live import Session
    >>> c = Comparison(lambda x: (x - 0.3) ** 2, {"x": space.Float(-1, 1)},
    ...                methods=["random", "evolutionary"], n_trials=12, seeds=3, target=0.01)
    >>> [(run.method, run.seed) for run in c.runs][:4]
    [('random', 0), ('random', 1), ('random', 2), ('evolutionary', 0)]
    >>> Session(c).run()
    'finished'
    >>> c.n_done, c.n_total
    (72, 72)
    >>> row = c.summaries()[0]
    >>> row.method, row.n_done, bool(row.best_median < 0.05)
    ('random', 36, True)
    """

    def __init__(
        self,
        objective: Callable[..., Any],
        space: Space | Mapping[str, Dimension],
        methods: Sequence[str] = COMPARE_METHODS,
        n_trials: int = 40,
        seeds: int | Sequence[int] = 5,
        executor: Any = None,
        *,
        direction: str | None = None,
        target: float | None = None,
    ) -> None:
        if not callable(objective):
            raise TypeError(f"objective must be callable, got {objective!r}")
        names = _check_methods(methods)
        if isinstance(n_trials, bool) or not isinstance(n_trials, numbers.Integral) or n_trials < 1:
            raise ValueError(f"n_trials must be a positive int (trials per run), got {n_trials!r}")
        seed_list = _check_seeds(seeds)
        if direction is None:
            direction = "minimize"
        if direction not in ("minimize", "maximize"):
            raise ValueError(f"direction must be 'minimize' or 'maximize', got {direction!r}")
        if target is not None and (
            isinstance(target, bool)
            or not isinstance(target, numbers.Real)
            or not math.isfinite(float(target))
        ):
            raise ValueError(f"target must be a finite number or None, got {target!r}")
        sp = as_space(space)
        self.objective = objective
        self.space: Space = sp
        self.methods: tuple[str, ...] = names
        self.seeds: tuple[int, ...] = seed_list
        self.n_trials: int = int(n_trials)
        self.direction: str = direction
        self.target: float | None = None if target is None else float(target)
        self.executor: Any = executor
        runs: list[ComparisonRun] = []
        try:
            for method in names:
                for seed in seed_list:
                    engine = SearchEngine(
                        objective,
                        sp,
                        method,
                        self.n_trials,
                        seed,
                        direction,
                        executor,
                        n_workers=1,
                    )
                    runs.append(ComparisonRun(len(runs), method, seed, engine))
        except BaseException:
            for run in runs:
                run.engine.close()
            raise
        self.runs: tuple[ComparisonRun, ...] = tuple(runs)
        self.on_hold: Callable[[], object] | None = None
        self._records: list[_Record] = [
            _Record(self.n_trials, direction, self.target) for _ in runs
        ]
        self._lock: threading.RLock = threading.RLock()
        self._arrived: threading.Condition = threading.Condition(threading.Lock())
        self._pending: list[RunTrial] = []
        self._next: int = 0
        self._started: bool = False
        self._held: bool = False
        self._stop_requested: bool = False
        self._closed: bool = False
        self._t0: float | None = None
        self._t1: float | None = None

    # ---- the Engine protocol

    @property
    def finished(self) -> bool:
        """True once every run has ended (and its trials are recorded)."""
        return all(run.ended for run in self.runs)

    def step(self) -> list[RunTrial]:
        """Advance the runs and return the trials that finished, as :class:`RunTrial` records.

        Without an executor: one trial of the next run in turn. With one: the trials that
        finished on it since the last step (waiting a tenth of a second at most). While
        the comparison is held nothing starts; once no trial runs, :attr:`on_hold` is
        called.
        """
        if self._t0 is None:
            self._t0 = time.monotonic()
        if self.executor is None:
            out = self._step_inline()
        else:
            out = self._step_pooled()
        if self.finished and self._t1 is None:
            self._t1 = time.monotonic()
        return out

    def reset(self, *args: object, **kwargs: object) -> None:
        """Refuse: the runs' trials have been told to their searchers.

        Raises
        ------
        RuntimeError
            Always; create a new comparison (``nbopt.compare(...)``) to start over.
        """
        raise RuntimeError(
            "a comparison cannot be reset: its runs' trials have been told to their "
            "searchers; start a new one with nbopt.compare(...)"
        )

    # ---- controls (any thread)

    @property
    def held(self) -> bool:
        """True between :meth:`hold` and :meth:`release`: no trial starts."""
        return self._held

    @property
    def stop_requested(self) -> bool:
        """True once :meth:`stop` (or :meth:`close` before the end) was called."""
        return self._stop_requested

    @property
    def n_running(self) -> int:
        """Trials in flight over every run."""
        return sum(run.engine.n_running for run in self.runs if not run.ended)

    def hold(self) -> None:
        """Start no new trial; running ones finish and are recorded."""
        self._held = True
        for run in self.runs:
            run.engine.hold()

    def release(self) -> None:
        """Undo :meth:`hold`."""
        self._held = False
        for run in self.runs:
            run.engine.release()

    def stop(self) -> None:
        """End every run: no new trial starts; running ones finish and are recorded."""
        self._stop_requested = True
        self._held = False
        for run in self.runs:
            run.engine.stop()
        with self._arrived:
            self._arrived.notify_all()

    def close(self) -> None:
        """End every run now, recording what has finished; for a session that stopped early.

        Trials still running on an executor are abandoned (their searcher is told they
        failed; they are not recorded). Call it when the session driving the comparison
        stopped or failed before the comparison finished; a live view does.
        """
        if self._closed:
            return
        self._closed = True
        if not self.finished:
            self._stop_requested = True
        for run in self.runs:
            run.engine.stop()
        for run in self.runs:
            if run.ended:
                continue
            session = run.session
            if session is not None:
                session.stop(wait=True)
            run.engine.abandon("the comparison was stopped before the trial finished")
            self._end_run(run)
        self._take_pending()
        if self._t1 is None and self._t0 is not None:
            self._t1 = time.monotonic()

    # ---- reading (any thread)

    @property
    def n_total(self) -> int:
        """Trials of every run together: ``n_trials`` times the number of runs."""
        return self.n_trials * len(self.runs)

    @property
    def n_done(self) -> int:
        """Trials finished (and recorded) over every run."""
        with self._lock:
            return sum(r.n for r in self._records)

    @property
    def n_failed(self) -> int:
        """Failed and pruned trials over every run."""
        with self._lock:
            return sum(r.n_failed + r.n_pruned for r in self._records)

    @property
    def runs_done(self) -> int:
        """Runs that have ended."""
        return sum(run.ended for run in self.runs)

    @property
    def elapsed(self) -> float | None:
        """Seconds from the first step to the end (or to now while running)."""
        if self._t0 is None:
            return None
        end = time.monotonic() if self._t1 is None else self._t1
        return max(0.0, end - self._t0)

    def counts(self) -> list[int]:
        """Trials recorded per run, in run order."""
        with self._lock:
            return [r.n for r in self._records]

    def curves(self, since: int = 0) -> list[RunCurve]:
        """Return every run's trials from trial ``since`` on, as :class:`RunCurve` copies.

        ``since`` > 0 gives only what came after (a live view's update, whose cost does
        not grow with the trials before).
        """
        out = []
        with self._lock:
            for run, rec in zip(self.runs, self._records):
                a = min(max(0, int(since)), rec.n)
                out.append(
                    RunCurve(
                        method=run.method,
                        seed=run.seed,
                        offset=a,
                        n=rec.n,
                        values=rec.values[a : rec.n].copy(),
                        best=rec.best[a : rec.n].copy(),
                        ask_seconds=rec.ask[a : rec.n].copy(),
                        duration=rec.duration[a : rec.n].copy(),
                        n_complete=rec.n_complete,
                        n_failed=rec.n_failed,
                        n_pruned=rec.n_pruned,
                        done=run.ended,
                    )
                )
        return out

    def summaries(self) -> list[MethodSummary]:
        """Return what each method reached over its seeds, in method order.

        Its cost depends on the number of runs only, not on the trials.
        """
        out = []
        with self._lock:
            for method in self.methods:
                idx = [run.index for run in self.runs if run.method == method]
                recs = [self._records[i] for i in idx]
                best = np.array([r.best[r.n - 1] if r.n else np.nan for r in recs])
                to_target = np.array([np.nan if self.target is None else r.reached for r in recs])
                ask = np.array([r.ask_mean for r in recs])
                obj = np.array([r.duration_mean for r in recs])
                med, q25, q75 = _quartiles(best)
                per_trial = ask + np.where(np.isnan(obj), 0.0, obj)
                out.append(
                    MethodSummary(
                        method=method,
                        seeds=tuple(self.runs[i].seed for i in idx),
                        n_runs=len(idx),
                        runs_done=sum(self.runs[i].ended for i in idx),
                        n_done=sum(r.n for r in recs),
                        n_total=self.n_trials * len(idx),
                        n_failed=sum(r.n_failed + r.n_pruned for r in recs),
                        best=best,
                        best_median=med,
                        best_q25=q25,
                        best_q75=q75,
                        to_target=to_target,
                        trials_to_target_median=_median(to_target),
                        target_reached=int(np.isfinite(to_target).sum()),
                        ask_seconds=ask,
                        objective_seconds=obj,
                        ask_seconds_median=_median(ask),
                        objective_seconds_median=_median(obj),
                        seconds_per_trial_median=_median(per_trial),
                    )
                )
        return out

    def summary_table(self) -> dict[str, Any]:
        """Return :meth:`summaries` as one table: a dict of columns, one row per method.

        Columns: ``method``, ``best_median``, ``best_q25``, ``best_q75``,
        ``trials_to_target_median`` (inf: most runs have not reached the target; NaN:
        no target), ``target_reached``, ``seconds_per_trial_median``,
        ``ask_seconds_median``, ``objective_seconds_median``, ``n_runs``, ``runs_done``,
        ``n_trials`` (finished), ``n_failed``.
        """
        rows = self.summaries()

        def col(name: str, dtype: Any = np.float64) -> np.ndarray:
            return np.array([getattr(r, name) for r in rows], dtype=dtype)

        return {
            "method": [r.method for r in rows],
            "best_median": col("best_median"),
            "best_q25": col("best_q25"),
            "best_q75": col("best_q75"),
            "trials_to_target_median": col("trials_to_target_median"),
            "target_reached": col("target_reached", np.int64),
            "seconds_per_trial_median": col("seconds_per_trial_median"),
            "ask_seconds_median": col("ask_seconds_median"),
            "objective_seconds_median": col("objective_seconds_median"),
            "n_runs": col("n_runs", np.int64),
            "runs_done": col("runs_done", np.int64),
            "n_trials": col("n_done", np.int64),
            "n_failed": col("n_failed", np.int64),
        }

    def table(self) -> Any:
        """Return :meth:`summary_table` as a ``pandas.DataFrame`` indexed by method.

        Examples
        --------
        >>> from nbopt import space
        >>> from nbopt.live import Session
        >>> c = Comparison(lambda x: x**2, {"x": space.Float(-1, 1)}, methods=["random"],
        ...                n_trials=5, seeds=2)
        >>> Session(c).run()
        'finished'
        >>> c.table().loc["random", ["n_runs", "n_trials"]].tolist()
        [2, 10]
        """
        try:
            import pandas as pd
        except ImportError as exc:
            raise ImportError(
                "table() needs pandas: pip install pandas (summary_table() holds the same "
                "table as a dict of arrays)"
            ) from exc
        table = self.summary_table()
        return pd.DataFrame(
            {k: v for k, v in table.items() if k != "method"},
            index=pd.Index(table["method"], name="method"),
        )

    def __repr__(self) -> str:
        state = "finished" if self.finished else "stopped" if self._stop_requested else "running"
        return (
            f"Comparison({list(self.methods)}, {len(self.seeds)} seeds, "
            f"{self.n_done}/{self.n_total} trials, {state})"
        )

    # ---- internals (the thread driving the comparison)

    def _record(self, index: int, trial: Trial, out: list[RunTrial]) -> None:
        with self._lock:
            if self._records[index].add(trial):
                out.append(RunTrial(index, trial))

    def _end_run(self, run: ComparisonRun, out: list[RunTrial] | None = None) -> None:
        """Record what the run finished that no step returned, then close it."""
        sink: list[RunTrial] = [] if out is None else out
        for trial in run.engine.result.trials:
            self._record(run.index, trial, sink)
        run.engine.close()
        with self._lock:
            self._records[run.index].done = True
            run.ended = True

    def _idle(self) -> None:
        callback = self.on_hold
        if callback is not None:
            callback()
            return
        # nobody to pause: wait a little for release() rather than spin
        with self._arrived:
            self._arrived.wait(_POLL)

    def _step_inline(self) -> list[RunTrial]:
        out: list[RunTrial] = []
        if self._held:
            self._idle()
            return out
        runs = self.runs
        for _ in range(len(runs)):
            run = runs[self._next % len(runs)]
            self._next += 1
            if run.ended:
                continue
            if run.engine.finished:
                self._end_run(run, out)
                continue
            for trial in run.engine.step():
                self._record(run.index, trial, out)
            if run.engine.finished:
                self._end_run(run, out)
            break
        return out

    def _start_pooled(self) -> None:
        self._started = True
        for run in self.runs:
            session = Session(run.engine)
            run.engine.result.observe(functools.partial(self._trial_arrived, run.index))
            session.observe(self._run_batch)
            run.session = session
        for run in self.runs:
            assert run.session is not None
            run.session.play()

    def _trial_arrived(self, index: int, _result: object, trial: Trial) -> None:
        # the run's own thread: hand the trial over to the comparison's
        with self._arrived:
            self._pending.append(RunTrial(index, trial))
            self._arrived.notify_all()

    def _run_batch(self, batch: EventBatch) -> None:
        if batch.final:
            with self._arrived:
                self._arrived.notify_all()

    def _take_pending(self, out: list[RunTrial] | None = None) -> None:
        with self._arrived:
            pending, self._pending = self._pending, []
        sink: list[RunTrial] = [] if out is None else out
        for index, trial in pending:
            self._record(index, trial, sink)

    def _step_pooled(self) -> list[RunTrial]:
        if not self._started:
            self._start_pooled()
        out: list[RunTrial] = []
        with self._arrived:
            if not self._pending:
                self._arrived.wait(_POLL)
        self._take_pending(out)
        for run in self.runs:
            session = run.session
            if run.ended or session is None or session.state in ("running", "idle"):
                continue
            if session.state == "paused":
                continue
            if session.state == "error" and session.error is not None:
                error = session.error
                self.close()
                raise error
            self._end_run(run, out)
        self._take_pending(out)
        if self._held and not self.finished and self.n_running == 0:
            self._idle()
        return out
