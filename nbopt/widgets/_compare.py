"""The live race of searchers (anywidget) and :func:`compare`."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypedDict

import numpy as np
import traitlets

from nbopt.drawing._common import pick_colours
from nbopt.drawing._compare import Band, CompareFeed, CompareInfo, compare_info
from nbopt.live import EventBatch, Session
from nbopt.searchers._compare import COMPARE_METHODS, Comparison, MethodSummary
from nbopt.space import Dimension, Space
from nbopt.widgets._protocol import finite_or_none
from nbopt.widgets._stream import Arrays, StreamWidget

__all__ = ["SearcherRace", "compare"]


# ------------------------------------------------------------------ messages


class MethodMeta(TypedDict):
    """One method's row of the table (``js/compare/protocol.ts`` MethodMeta)."""

    name: str
    n_runs: int
    runs_done: int
    n_done: int
    n_total: int
    n_failed: int
    best_median: float | None
    best_q25: float | None
    best_q75: float | None
    trials_to_target_median: float | None
    target_reached: int
    ask_seconds: float | None
    objective_seconds: float | None
    seconds_per_trial: float | None


class HeaderMeta(TypedDict):
    """Progress over every run (``js/compare/protocol.ts`` HeaderMeta)."""

    n_done: int
    n_total: int
    runs_done: int
    runs_total: int
    n_failed: int
    elapsed: float | None


class CompareSnapshotMeta(TypedDict):
    """``meta`` of a race-of-searchers snapshot."""

    title: str
    direction: str
    state: str
    error: str | None
    target: float | None
    n_trials: int
    seeds: list[int]
    colours: list[str]
    header: HeaderMeta
    methods: list[MethodMeta]


class CompareAppendMeta(TypedDict):
    """``meta`` of a race-of-searchers append."""

    state: str
    error: str | None
    header: HeaderMeta
    methods: list[MethodMeta]


def method_meta(s: MethodSummary) -> MethodMeta:
    """Encode one method's row (non-finite numbers become None: not reached, no value)."""
    return {
        "name": s.method,
        "n_runs": int(s.n_runs),
        "runs_done": int(s.runs_done),
        "n_done": int(s.n_done),
        "n_total": int(s.n_total),
        "n_failed": int(s.n_failed),
        "best_median": finite_or_none(s.best_median),
        "best_q25": finite_or_none(s.best_q25),
        "best_q75": finite_or_none(s.best_q75),
        "trials_to_target_median": finite_or_none(s.trials_to_target_median),
        "target_reached": int(s.target_reached),
        "ask_seconds": finite_or_none(s.ask_seconds_median),
        "objective_seconds": finite_or_none(s.objective_seconds_median),
        "seconds_per_trial": finite_or_none(s.seconds_per_trial_median),
    }


def _band_arrays(i: int, band: Band) -> Arrays:
    return [
        (f"b{i}.trial", band.trial.astype(np.int32)),
        (f"b{i}.median", band.median),
        (f"b{i}.q25", band.q25),
        (f"b{i}.q75", band.q75),
        (f"b{i}.count", band.count.astype(np.int32)),
    ]


def encode_snapshot(info: CompareInfo) -> tuple[CompareSnapshotMeta, Arrays]:
    """Encode the whole race (every band point, every method's row) as ``(meta, arrays)``.

    Examples
    --------
    >>> from nbopt import space
    >>> from nbopt.live import Session
    >>> c = Comparison(lambda x: x**2, {"x": space.Float(-1, 1)}, methods=["random"],
    ...                n_trials=4, seeds=2)
    >>> Session(c).run()
    'finished'
    >>> meta, arrays = encode_snapshot(compare_info(c))
    >>> meta["header"]["n_done"], [name for name, _ in arrays][:2]
    (8, ['b0.trial', 'b0.median'])
    """
    arrays: Arrays = []
    for i, m in enumerate(info.methods):
        arrays += _band_arrays(i, m.band)
    meta: CompareSnapshotMeta = {
        "title": f"{len(info.methods)} searchers × {len(info.seeds)} seeds · {info.direction}",
        "direction": info.direction,
        "state": info.status,
        "error": info.error,
        "target": finite_or_none(info.target),
        "n_trials": int(info.n_trials),
        "seeds": [int(s) for s in info.seeds],
        "colours": [m.colour for m in info.methods],
        "header": {
            "n_done": info.n_done,
            "n_total": info.n_total,
            "runs_done": info.runs_done,
            "runs_total": info.runs_total,
            "n_failed": info.n_failed,
            "elapsed": finite_or_none(info.elapsed),
        },
        "methods": [method_meta(m.summary) for m in info.methods],
    }
    return meta, arrays


# ------------------------------------------------------------------ widget


class SearcherRace(StreamWidget):
    """Live race of hyperparameter searchers: every method with every seed, side by side.

    Shows, per method, the best value so far against the trial number as the median over
    its seeds with the interquartile band, the seconds per trial spent by the searcher
    and by the objective, and the table (median best value and its interquartile range,
    trials to reach the target, seconds per trial). Controls: pause (running trials
    finish and are kept), resume, stop. :func:`compare` creates one.

    The widget works without a notebook too: :meth:`wait` blocks until the race ends and
    :meth:`table` returns the table as a ``pandas.DataFrame``.

    Parameters
    ----------
    comparison : Comparison
        The race to drive and show (``nbopt.searchers._compare.Comparison``).
    colours : sequence of str, optional
        One ``#rrggbb`` colour per method (colour-blind-safe palette by default).

    Examples
    --------
    >>> from nbopt import space
    >>> c = Comparison(lambda x: x**2, {"x": space.Float(-1, 1)}, methods=["random"],
    ...                n_trials=5, seeds=2)
    >>> w = SearcherRace(c)
    >>> w.run()
    'finished'
    >>> w.n_done, w.table().loc["random", "n_runs"]
    (10, np.int64(2))
    """

    methods = traitlets.List(traitlets.Unicode())
    colours = traitlets.List(traitlets.Unicode())
    n_done = traitlets.Int(0)
    n_total = traitlets.Int(0)

    def __init__(
        self,
        comparison: Comparison,
        *,
        colours: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> None:
        if not isinstance(comparison, Comparison):
            raise TypeError(
                "SearcherRace: expected a Comparison (nbopt.compare(...) creates both), got "
                f"{type(comparison).__name__}"
            )
        n = len(comparison.methods)
        palette = pick_colours(n) if colours is None else [str(c) for c in colours]
        if len(palette) != n:
            raise ValueError(f"colours: need one per method ({n}), got {len(palette)}")
        self._comparison = comparison
        self._feed = CompareFeed(comparison)
        self._done = threading.Event()
        # serializes the controls with the engine's decision to pause the session
        self._control_lock = threading.RLock()
        session = Session(comparison)
        # first observer of the session: a run that ends early is settled (its finished
        # trials recorded) before the widget streams the final batch
        session.observe(self._settle)
        comparison.on_hold = self._held_idle
        super().__init__(
            session,
            view="compare",
            methods=list(comparison.methods),
            colours=palette,
            n_total=comparison.n_total,
            **kwargs,
        )
        # last observer: the race is done once its final state is streamed and stored
        session.observe(self._mark_done)
        self.sync_traits()
        self.store_snapshot()

    # ------------------------------------------------------------------ public API
    @property
    def comparison(self) -> Comparison:
        """The :class:`~nbopt.searchers._compare.Comparison` behind the widget (every run)."""
        return self._comparison

    @property
    def done(self) -> bool:
        """True once the race has ended (finished, stopped or failed)."""
        return self._done.is_set()

    def info(self) -> CompareInfo:
        """Drawing info now (see :func:`nbopt.drawing.compare_info`)."""
        return self._session.call(self._info)

    def table(self) -> Any:
        """Per method: median and interquartile range of the best value, time per trial...

        A ``pandas.DataFrame`` indexed by method (see
        :meth:`Comparison.table <nbopt.searchers._compare.Comparison.table>`); read at any
        time, it holds the trials finished so far.
        """
        return self._comparison.table()

    def play(self) -> None:
        """Start, or resume a paused race."""
        with self._control_lock:
            self._comparison.release()
            if self._session.state not in ("stopped", "error") and not self._comparison.finished:
                self._session.play()

    def pause(self) -> None:
        """Pause: running trials finish and are recorded; none starts. Returns at once."""
        if self.done:
            return
        with self._control_lock:
            self._comparison.hold()

    def step_once(self, n: int = 1) -> None:
        """Take ``n`` steps of the race, then pause (one trial each without an executor)."""
        with self._control_lock:
            self._comparison.release()
            if self._session.state not in ("stopped", "error") and not self._comparison.finished:
                self._session.step(n)

    def stop(self) -> None:
        """End the race: no new trial starts; running ones finish and are kept."""
        if self.done:
            return
        with self._control_lock:
            self._comparison.stop()
            # a paused or unstarted session must step once more to see that the race ended
            if self._session.state in ("idle", "paused"):
                self._session.play()

    def reset(self) -> None:
        """Refuse: a race cannot start over (the error says what to do instead)."""
        raise RuntimeError(
            "a race of searchers cannot be reset: its runs' trials were told to their "
            "searchers; start a new one with nbopt.compare(...)"
        )

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the race ends; return False if ``timeout`` passed first.

        Re-raises the exception that ended the race abnormally, if any (a failing
        objective does not: its trials are failed ones). A paused race has not ended.
        """
        finished = self._done.wait(timeout)
        if finished:
            self.keep_final_state()
        error = self._session.error
        if finished and error is not None:
            raise error
        return finished

    def __repr__(self) -> str:
        return (
            f"SearcherRace({list(self.methods)}, {len(self._comparison.seeds)} seeds, "
            f"{self.n_done}/{self.n_total} trials, {self.state})"
        )

    # ------------------------------------------------------------------ hooks
    def display_state(self) -> str:
        """Return running, paused, finished, stopped, error or idle."""
        session = str(self._session.state)
        c = self._comparison
        if session == "error":
            return "error"
        if c.finished:
            return "stopped" if c.stop_requested else "finished"
        if session == "stopped":
            return "stopped"
        return session

    def build_snapshot(self) -> tuple[dict[str, Any], Arrays]:
        """Encode every band point and every method's row (and restart the feed after them)."""
        info = self._info()
        self._feed.rebase()
        meta, arrays = encode_snapshot(info)
        return dict(meta), arrays

    def build_append(self, batch: EventBatch) -> tuple[dict[str, Any], Arrays] | None:
        """Encode the band points the batch's trials changed, and every method's row."""
        update = self._feed.update()
        arrays: Arrays = []
        for i, band in enumerate(update.bands):
            arrays += _band_arrays(i, band)
        meta: CompareAppendMeta = {
            "state": self.display_state(),
            "error": self.error_text(),
            "header": {
                "n_done": update.n_done,
                "n_total": self._comparison.n_total,
                "runs_done": update.runs_done,
                "runs_total": len(self._comparison.runs),
                "n_failed": update.n_failed,
                "elapsed": finite_or_none(update.elapsed),
            },
            "methods": [method_meta(s) for s in update.summaries],
        }
        return dict(meta), arrays

    def sync_traits(self) -> None:
        """Refresh ``state``, ``error`` and ``n_done``."""
        with self._lock, self.hold_sync():
            self.state = self.display_state()
            self.error = self.error_text()
            self.n_done = self._comparison.n_done

    def static_png(self) -> bytes | None:
        """Return the race drawn by matplotlib (:func:`nbopt.export.compare_png`).

        None while the race runs: a picture of the first trials says little, and drawing
        it would hold up the display of the live view.
        """
        if self.display_state() in ("running", "paused"):
            return None
        from nbopt.export._compare import compare_png

        return bytes(compare_png(self.info()))

    # ------------------------------------------------------------------ internals
    def _info(self) -> CompareInfo:
        return compare_info(
            self._comparison,
            colours=self.colours,
            status=self.display_state(),
            error=self.error_text(),
        )

    def _held_idle(self) -> None:
        """Pause the session: the race is held and no trial runs (on the session thread)."""
        with self._control_lock:
            c = self._comparison
            if c.held and c.n_running == 0:
                self._session.pause(wait=False)

    def _settle(self, batch: EventBatch) -> None:
        """Close a race whose session ended early (its finished trials are recorded)."""
        if batch.final and batch.state in ("stopped", "error"):
            self._comparison.close()

    def _mark_done(self, batch: EventBatch) -> None:
        if batch.final and batch.state in ("finished", "stopped", "error"):
            self._done.set()


def compare(
    objective: Callable[..., Any],
    space: Space | Mapping[str, Dimension],
    methods: Sequence[str] = COMPARE_METHODS,
    n_trials: int = 40,
    seeds: int | Sequence[int] = 5,
    executor: Any = None,
    *,
    direction: str | None = None,
    target: float | None = None,
    block: bool = False,
) -> SearcherRace:
    """Race hyperparameter searchers on one objective, every method with every seed, live.

    Shows, per method, the best value so far against the trial number (the median over
    the seeds and the interquartile band), the seconds per trial spent by the searcher
    and by the objective, and a table: median best value and its interquartile range,
    trials to reach ``target``, seconds per trial. The cost, accuracy and local minima of
    each searcher, measured.

    Parameters
    ----------
    objective : callable
        As for :func:`nbopt.search`: it gets the params as keyword arguments (or one
        dict) and returns a number (or a dict with the number under ``"value"``). A
        trial that raises, or returns NaN, fails; the runs go on.
    space : Space or dict
        Name -> dimension (:class:`~nbopt.space.Float`, :class:`~nbopt.space.Int`,
        :class:`~nbopt.space.Choice`).
    methods : sequence of str
        Names from :data:`nbopt.searchers.METHODS`, each once; by default
        ``["random", "genetic", "evolutionary", "bayesian"]``.
    n_trials : int
        Trials per run.
    seeds : int or sequence of int
        How many seeds per method (``5``: seeds 0 to 4), or the seeds themselves. A run
        with seed ``s`` proposes the trials of ``nbopt.search(..., seed=s)``.
    executor : concurrent.futures.Executor or dask.distributed.Client, optional
        Runs the trials of every run at once (one in flight per run). None runs them one
        after another in the race's background thread, each run in turn.
    direction : {"minimize", "maximize"}, default "minimize"
    target : float, optional
        A value worth reaching, drawn as a dashed line; the table gives the median number
        of trials the seeds needed to reach it.
    block : bool
        Run to the end before returning (scripts, nbclient); otherwise the race runs in
        the background and the cell returns at once.

    Returns
    -------
    SearcherRace
        The live widget; ``.wait()`` blocks until the race ends, ``.table()`` returns the
        table (a ``pandas.DataFrame``), ``.comparison.runs`` holds every run's trials.

    Raises
    ------
    ValueError
        An unknown or repeated method, an empty ``methods``, ``seeds < 1`` or
        ``n_trials < 1``, a bad ``direction`` or ``target``.

    Examples
    --------
    >>> from nbopt import space
    >>> race = compare(lambda x: (x - 0.2) ** 2, {"x": space.Float(-1, 1)},
    ...                methods=["random", "evolutionary"], n_trials=10, seeds=3,
    ...                target=0.01, block=True)
    >>> race.state, race.n_done
    ('finished', 60)
    >>> race.table()[["n_runs", "n_trials"]].loc["evolutionary"].tolist()
    [3, 30]
    """
    comparison = Comparison(
        objective,
        space,
        methods,
        n_trials,
        seeds,
        executor,
        direction=direction,
        target=target,
    )
    widget = SearcherRace(comparison)
    if block:
        widget.run()
    else:
        widget.play()
    return widget
