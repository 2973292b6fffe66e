"""The live search dashboard (anywidget): header, history, parallel coordinates, 2-D view, table."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any, TypedDict

import numpy as np
import traitlets

from nbopt.drawing import (
    Axis,
    HeaderInfo,
    ImportanceInfo,
    SearchFeed,
    SearchInfo,
    SearchUpdate,
    TrialColumns,
    engine_curves,
    importance_info,
    inside_info,
    search_info,
    trial_columns,
)
from nbopt.live import EventBatch, Session
from nbopt.searchers import PruneThreshold
from nbopt.widgets._protocol import ControlMessage, finite_or_none
from nbopt.widgets._stream import Arrays, ControlHandler, StreamWidget

__all__ = ["SearchDashboard"]

_log = logging.getLogger(__name__)

#: Longest error text sent per failed trial (the full text stays in ``result.trials``).
MAX_ERROR_CHARS = 600
#: How often (seconds) the running trials' learning curves are sent while they report.
CURVE_INTERVAL = 0.25
#: Shortest time (seconds) between two recomputations of the parameter importance.
IMPORTANCE_INTERVAL = 1.0
#: Largest share of the time spent recomputing the importance and the inside view while a
#: search runs (they hold the interpreter's lock, which the search's own thread needs).
DERIVED_SHARE = 0.025
#: Their cost per finished trial (seconds) assumed until one recomputation is measured.
DERIVED_PRIOR = 5e-6
#: Longest wait (seconds) for a recomputation the share does not allow.
MAX_DERIVED_WAIT = 10.0


class DerivedBudget:
    """When a running search's dashboard may recompute its importance and inside view.

    Those views read every trial and hold the interpreter's lock, which the search's own
    thread needs: the whole run's recomputing, the next one included (estimated from the
    last one's cost per finished trial), stays within :data:`DERIVED_SHARE` of the time
    since ``start``; one comes at least every :data:`MAX_DERIVED_WAIT` seconds all the
    same, and never two within :data:`IMPORTANCE_INTERVAL`.

    Examples
    --------
    >>> b = DerivedBudget(start=0.0)
    >>> b.due, b.allows(1.0, finished=100)  # 0.5 ms of 25 ms
    (1.0, True)
    >>> b.spent(1.0, 1.001, finished=100)
    >>> b.allows(2.5, finished=20_000)  # 200 ms are more than 2.5 % of 2.5 s
    False
    >>> round(b.due, 2)  # when they are 2.5 %, unless 10 s pass first
    8.04
    >>> b.allows(11.0, finished=20_000)
    True
    """

    def __init__(self, start: float) -> None:
        self._start = start
        self._last = start
        self._spent = 0.0
        self._per_trial = DERIVED_PRIOR
        #: the next time worth asking :meth:`allows`
        self.due = start + IMPORTANCE_INTERVAL

    def allows(self, now: float, finished: int) -> bool:
        """Whether a recompute over ``finished`` trials fits now (else :attr:`due` moves)."""
        need = self._spent + self._per_trial * finished
        if need <= DERIVED_SHARE * (now - self._start) or now - self._last >= MAX_DERIVED_WAIT:
            return True
        self.due = min(self._start + need / DERIVED_SHARE, self._last + MAX_DERIVED_WAIT)
        return False

    def spent(self, began: float, ended: float, finished: int) -> None:
        """Count a recompute over ``finished`` trials that ran from ``began`` to ``ended``."""
        self._spent += ended - began
        self._per_trial = (ended - began) / max(finished, 1)
        self._last = ended
        self.due = ended + IMPORTANCE_INTERVAL


# ------------------------------------------------------------------ messages


class AxisMeta(TypedDict):
    """One axis (``js/search/protocol.ts`` AxisMeta; :class:`nbopt.drawing.Axis`)."""

    name: str
    kind: str
    log: bool
    lo: float
    hi: float
    offset: float
    ticks: list[float]
    tick_labels: list[str]
    categories: list[str]


class ThresholdMeta(TypedDict):
    """One line of the pruner's bars (:class:`nbopt.searchers.PruneThreshold`)."""

    label: str
    steps: list[float]
    values: list[float]


class ImportanceMeta(TypedDict):
    """Parameter importance (:class:`nbopt.drawing.ImportanceInfo`)."""

    method: str
    names: list[str]
    shares: list[float]
    n_complete: int


class SearchSnapshotMeta(TypedDict):
    """``meta`` of a dashboard snapshot.

    Its arrays: the finished trials' columns (``number``, ``state``, ``value``,
    ``duration``, ``ask_seconds``, ``params``, ``unit``, ``metrics``), their learning
    curves packed (``curve_offsets``, ``curve_steps``, ``curve_values``) and the running
    trials' curves so far (``live_number``, ``live_offsets``, ``live_steps``,
    ``live_values``), which every message replaces whole.
    """

    title: str
    direction: str
    state: str
    error: str | None
    params: list[AxisMeta]
    value_axis: AxisMeta
    metric_names: list[str]
    header: dict[str, Any]
    running: list[int]
    errors: list[list[Any]]
    reasons: list[list[Any]]
    thresholds: list[ThresholdMeta]
    pruner: str | None
    importance: ImportanceMeta | None
    pair: list[int]


class SearchAppendMeta(TypedDict):
    """``meta`` of a dashboard append (with ``importance`` too when it was recomputed)."""

    state: str
    error: str | None
    value_axis: AxisMeta
    metric_names: list[str]
    header: dict[str, Any]
    running: list[int]
    errors: list[list[Any]]
    reasons: list[list[Any]]
    thresholds: list[ThresholdMeta]
    pruner: str | None


def axis_meta(axis: Axis) -> AxisMeta:
    """Encode an :class:`~nbopt.drawing.Axis` for the frontend."""
    return {
        "name": axis.name,
        "kind": axis.kind,
        "log": bool(axis.log),
        "lo": float(axis.lo),
        "hi": float(axis.hi),
        "offset": float(axis.offset),
        "ticks": [float(t) for t in axis.ticks],
        "tick_labels": list(axis.tick_labels),
        "categories": list(axis.categories),
    }


def header_meta(h: HeaderInfo) -> dict[str, Any]:
    """Encode a :class:`~nbopt.drawing.HeaderInfo` (non-finite numbers become None)."""
    return {
        "method": h.method,
        "direction": h.direction,
        "status": h.status,
        "error": h.error,
        "n_done": h.n_done,
        "n_total": h.n_total,
        "n_complete": h.n_complete,
        "n_failed": h.n_failed,
        "n_pruned": h.n_pruned,
        "n_running": h.n_running,
        "best_number": h.best_number,
        "best_value": finite_or_none(h.best_value),
        "best_params": [[k, v] for k, v in h.best_params],
        "elapsed": finite_or_none(h.elapsed),
        "remaining": finite_or_none(h.remaining),
        "ask_seconds": finite_or_none(h.ask_seconds),
        "trial_seconds": finite_or_none(h.trial_seconds),
        "overhead": finite_or_none(h.overhead),
        "steps_run": finite_or_none(h.steps_run),
        "steps_saved": finite_or_none(h.steps_saved),
    }


def importance_meta(imp: ImportanceInfo) -> ImportanceMeta:
    """Encode a :class:`~nbopt.drawing.ImportanceInfo`."""
    return {
        "method": imp.method,
        "names": list(imp.names),
        "shares": [float(x) for x in imp.shares],
        "n_complete": imp.n_complete,
    }


def encode_inside(info: Any) -> tuple[dict[str, Any] | None, Arrays]:
    """Encode a searcher's inside view: scalars and names in ``meta``, arrays apart.

    Each array field ``f`` travels as ``inside_f``; ``meta`` lists them in ``arrays``.
    """
    if info is None:
        return None, []
    meta: dict[str, Any] = {}
    arrays: Arrays = []
    for name, value in vars(info).items():
        if isinstance(value, np.ndarray):
            kind = np.int32 if value.dtype.kind in "iub" else np.float64
            arrays.append((f"inside_{name}", np.ascontiguousarray(value, dtype=kind)))
        elif isinstance(value, tuple):
            meta[name] = list(value)
        else:
            meta[name] = value
    meta["arrays"] = [n[len("inside_") :] for n, _ in arrays]
    return meta, arrays


def threshold_meta(thresholds: Sequence[PruneThreshold]) -> list[ThresholdMeta]:
    """Encode a pruner's bars (:meth:`nbopt.searchers.Pruner.thresholds`)."""
    return [
        {
            "label": t.label,
            "steps": [float(x) for x in t.steps],
            "values": [float(v) for v in t.values],
        }
        for t in thresholds
    ]


def live_arrays(curves: Mapping[int, tuple[Any, Any]]) -> Arrays:
    """Encode the running trials' curves ``{number: (steps, values)}``, by number."""
    numbers = sorted(curves)
    lengths = np.array([len(curves[n][0]) for n in numbers], dtype=np.int64)
    offsets = np.zeros(len(numbers) + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    if numbers:
        steps = np.concatenate([np.asarray(curves[n][0], dtype=np.float64) for n in numbers])
        values = np.concatenate([np.asarray(curves[n][1], dtype=np.float64) for n in numbers])
    else:
        steps = values = np.zeros(0)
    return [
        ("live_number", np.array(numbers, dtype=np.int32)),
        ("live_offsets", offsets),
        ("live_steps", steps),
        ("live_values", values),
    ]


def _rows(columns: TrialColumns, rows: np.ndarray, metrics: np.ndarray | None = None) -> Arrays:
    """Return the columns of ``rows`` as arrays (one naming for snapshots and appends)."""
    m = columns.metrics if metrics is None else metrics
    d = len(columns.names)
    offsets, steps, values = columns.curves_of(rows)
    return [
        ("number", columns.number[rows].astype(np.int32)),
        ("state", columns.state[rows]),
        ("value", columns.value[rows]),
        ("duration", columns.duration[rows]),
        ("ask_seconds", columns.ask_seconds[rows]),
        ("params", columns.params[rows].reshape(len(rows), d)),
        ("unit", columns.unit[rows].astype(np.float32).reshape(len(rows), d)),
        ("metrics", m[rows].reshape(len(rows), m.shape[1] if m.ndim == 2 else 0)),
        ("curve_offsets", offsets.astype(np.int32)),
        ("curve_steps", steps),
        ("curve_values", values),
    ]


def _errors(columns: TrialColumns, rows: np.ndarray) -> list[list[Any]]:
    return [
        [int(columns.number[r]), columns.error[r][:MAX_ERROR_CHARS]]
        for r in rows
        if columns.error[r]
    ]


def _reasons(columns: TrialColumns, rows: np.ndarray) -> list[list[Any]]:
    """Why each pruned trial of ``rows`` was stopped: ``[number, reason]``."""
    return [
        [int(columns.number[r]), columns.reason[r][:MAX_ERROR_CHARS]]
        for r in rows
        if columns.state[r] == 3 and columns.reason[r]
    ]


def encode_snapshot(
    info: SearchInfo, *, title: str, state: str, error: str | None = None
) -> tuple[SearchSnapshotMeta, Arrays]:
    """Encode a search's whole drawable state (its finished trials) as ``(meta, arrays)``.

    ``error`` (what ended the search) replaces the header's. The running trials' curves
    come from the columns (``search_info(..., curves=...)``).
    """
    cols = info.columns
    rows = np.flatnonzero(cols.state != 2)
    in_flight = np.flatnonzero(cols.state == 2)
    running = [int(n) for n in cols.number[in_flight]]
    live = {int(cols.number[r]): cols.curve(int(r)) for r in in_flight if cols.curve_lengths[r] > 0}
    names = list(cols.names)
    pair = [names.index(p) if p in names else -1 for p in info.pair]
    meta: SearchSnapshotMeta = {
        "title": title,
        "direction": cols.direction,
        "state": state,
        "error": info.header.error if error is None else error,
        "params": [axis_meta(a) for a in cols.axes],
        "value_axis": axis_meta(cols.value_axis),
        "metric_names": list(cols.metric_names),
        "header": {**header_meta(info.header), **({} if error is None else {"error": error})},
        "running": running,
        "errors": _errors(cols, rows),
        "reasons": _reasons(cols, rows),
        "thresholds": threshold_meta(info.curves.thresholds),
        "pruner": info.curves.pruner,
        "importance": None if info.importance is None else importance_meta(info.importance),
        "pair": pair,
    }
    return meta, [*_rows(cols, rows), *live_arrays(live)]


# ------------------------------------------------------------------ engine views


class _Finished:
    """The engine of a dashboard over a search that no longer runs: nothing to step."""

    finished = True

    def step(self) -> None:
        raise RuntimeError("this search has ended; start a new one with nbopt.search")

    def reset(self, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError("a search cannot be reset; start a new one with nbopt.search")


def _flatten(events: Sequence[Any]) -> list[Any]:
    out: list[Any] = []
    for e in events:
        if isinstance(e, (list, tuple)):
            out.extend(e)
        elif e is not None:
            out.append(e)
    return out


class SearchDashboard(StreamWidget):
    """Live dashboard of a hyperparameter search.

    Shows how far the search is, the best trial so far, what failed and why, and what the
    searcher costs next to the objective; the value of every trial, parallel coordinates
    (brushing on any axis filters every view and the table), a 2-D view over any two
    parameters and a sortable, virtualized table of every trial. Controls: pause (running
    trials finish and are recorded, none starts), resume, stop, run more trials.

    Parameters
    ----------
    source : SearchResult or Searcher
        A search (running, e.g. from ``nbopt.search(..., block=False)``, or finished), or
        a searcher whose trials to show.
    foreground : bool
        The search runs in the kernel's own thread (a blocking ``nbopt.search`` in a
        notebook): it feeds :meth:`observe_foreground`, and the page, whose requests
        the busy kernel cannot answer, gets a fresh snapshot now and then.

    Examples
    --------
    >>> import nbopt
    >>> from nbopt import space
    >>> res = nbopt.search(lambda x: x**2, {"x": space.Float(-1, 1)}, method="random",
    ...                    n_trials=10, seed=0, progress=False)
    >>> d = SearchDashboard(res)
    >>> d.n_done, d.state
    (10, 'finished')
    """

    n_done = traitlets.Int(0)
    best_value = traitlets.Float(None, allow_none=True)

    def __init__(self, source: Any, *, foreground: bool = False, **kwargs: Any) -> None:
        from nbopt.searchers import Searcher, SearchResult

        if isinstance(source, SearchResult):
            self._result: Any = source
            self._searcher = source.searcher
            space, direction = source.space, source.direction
            self._method = source.method
            self._n_total = source.n_trials
            session = getattr(source, "session", None)
        elif isinstance(source, Searcher):
            self._result = None
            self._searcher = source
            space, direction = source.space, source.direction
            self._method = type(source).__name__
            self._n_total = None
            session = None
        else:
            raise TypeError(
                "SearchDashboard: expected a SearchResult (from nbopt.search) or a Searcher, "
                f"got {type(source).__name__}"
            )
        self._source = source
        self._feed = SearchFeed(space, direction)
        self._feed_lock = threading.Lock()
        self._foreground = bool(foreground)
        self._stored_at = time.monotonic()
        self._store_cost = 0.0
        if session is None:
            # a finished or foreground search: the session only answers controls
            session = Session(_Finished())
        self._closing = threading.Event()
        # appends are built and sent one at a time (the session's and the curve watcher's),
        # so that they are numbered in the order their contents were read
        self._append_lock = threading.RLock()
        self._ended = False
        self._watcher: threading.Thread | None = None
        # the two parameters the page's 2-D view shows (None: the first two)
        self._pair: tuple[str, str] | None = None
        self._pair_changed = threading.Event()
        self._derived_cache: tuple[tuple[Any, ...], tuple[dict[str, Any], Arrays]] | None = None
        super().__init__(session, view="search", **kwargs)
        self.sync_traits()
        self.store_snapshot()
        self._watch()

    # ------------------------------------------------------------------ public API
    @property
    def foreground(self) -> bool:
        """True when the search runs (ran) in the kernel's own thread, drawn as it went."""
        return self._foreground

    @property
    def result(self) -> Any:
        """The :class:`~nbopt.searchers.SearchResult` shown (None for a bare searcher)."""
        return self._result

    def info(self, **view: Any) -> SearchInfo:
        """Drawing info now (see :func:`nbopt.drawing.search_info`; ``brush=``... allowed)."""
        return search_info(self._source, status=self.display_state(), **view)

    def play(self) -> None:
        """Resume a paused search."""
        if self._result is not None and hasattr(self._result, "play"):
            self._result.play()

    def pause(self) -> None:
        """Pause: running trials finish and are recorded, no new trial starts."""
        if self._result is not None and hasattr(self._result, "pause"):
            self._result.pause()

    def stop(self) -> None:
        """Stop for good: no new trial starts; running ones finish and are kept."""
        if self._result is not None:
            self._result.stop()

    def step_once(self, n: int = 1) -> None:
        """Run ``n`` more trials (a search's step is a trial)."""
        self.more(n)

    def reset(self) -> None:
        """Refuse: a search cannot start over (the error says what to do instead)."""
        raise RuntimeError("a search cannot be reset; start a new one with nbopt.search")

    def more(self, n: int) -> None:
        """Run ``n`` more trials in the background (after the budget, or while running)."""
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"more: n must be a positive int, got {n!r}")
        if self._result is None:
            raise RuntimeError("this dashboard shows a searcher, not a search it can extend")
        self._result.extend(n, block=False)
        session = getattr(self._result, "session", None)
        if session is not None and session is not self._session:
            # the search now runs on a session of its own: follow it
            self._follow(session)
        self._watch()

    def observe_foreground(self, batch: EventBatch) -> None:
        """Stream one batch of a search that runs in the kernel's own thread.

        The page cannot ask the busy kernel for a snapshot when it misses a message (the
        first ones may arrive before the page is ready), so the ``snapshot`` trait is
        refreshed now and then, at a cost kept under 5 % of the time.
        """
        self._on_batch(batch)
        if batch.final or batch.reset:
            return
        now = time.monotonic()
        if now - self._stored_at >= max(1.0, 20.0 * self._store_cost):
            self.store_snapshot()
            self._store_cost = time.monotonic() - now
            self._stored_at = time.monotonic()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the search ends; False if ``timeout`` passed first."""
        if self._result is not None:
            return bool(self._result.wait(timeout))
        return True

    def close(self) -> None:
        """Stop streaming and close the widget (the search itself goes on)."""
        if hasattr(self, "_closing"):
            self._closing.set()
        super().close()

    def __repr__(self) -> str:
        return f"SearchDashboard({self._method}, {self.n_done} trials, {self.state})"

    # ------------------------------------------------------------------ hooks
    def control_handlers(self) -> Mapping[str, ControlHandler]:
        """Return the base controls plus ``more`` (run N more trials)."""
        return {
            **super().control_handlers(),
            "more": self._more_control,
            "pair": self._pair_control,
        }

    def display_state(self) -> str:
        """Return the search's state: running, paused, finished, stopped or error."""
        r = self._result
        if r is None:
            return "finished"
        if getattr(r, "error", None) is not None:
            return "error"
        if r.done:
            return "stopped" if r.interrupted else "finished"
        state = str(self._session.state)
        return "paused" if state == "paused" else "running"

    def error_text(self) -> str | None:
        """Return ``"Type: message"`` of what ended the search abnormally, or None."""
        err = getattr(self._result, "error", None) or self._session.error
        return None if err is None else f"{type(err).__name__}: {err}"

    def build_snapshot(self) -> tuple[dict[str, Any], Arrays]:
        """Encode every finished trial (and restart the feed after them).

        The trials are read once: the snapshot and the feed's starting point agree even
        while trials finish on another thread.
        """
        state = self.display_state()
        finished = [t for t in self._all_trials() if t.state != "running"]
        trials = finished + self._running()
        live, bars, pruner = self._curves_now()
        info = search_info(
            trials,
            space=self._feed.space,
            direction=self._feed.direction,
            status=state,
            method=self._method,
            n_total=self._total(),
            curves=live,
            thresholds=bars,
            pruner=pruner,
        )
        with self._feed_lock:
            self._feed.rebase(finished)
        title = f"{self._method} · {info.columns.direction}"
        meta, arrays = encode_snapshot(info, title=title, state=state, error=self.error_text())
        derived_meta, derived_arrays = self._derived(finished)
        return {**meta, **derived_meta}, [*arrays, *derived_arrays]

    def build_append(self, batch: EventBatch) -> tuple[dict[str, Any], Arrays] | None:
        """Encode the trials that finished in ``batch`` (a cost that does not grow with n)."""
        trials = _flatten(batch.events)
        if batch.final and self._result is not None:
            # a stop or an error can record trials that no step reported
            trials = list(self._result.trials)
        trials = [t for t in trials if getattr(t, "state", "running") != "running"]
        state = self.display_state() if not batch.final else self._final_state(batch)
        with self._feed_lock:
            update = self._feed.update(
                trials,
                method=self._method,
                status=state,
                error=self.error_text(),
                n_total=self._total(),
                now=datetime.now(timezone.utc),
                running=self._running(),
            )
        derived = self._derived(self._all_trials()) if batch.final else None
        return self._append_of(update, state, derived)

    def _append_of(
        self,
        update: SearchUpdate,
        state: str,
        derived: tuple[dict[str, Any], Arrays] | None = None,
    ) -> tuple[dict[str, Any], Arrays]:
        cols = update.columns
        rows = np.arange(cols.n)
        live, bars, pruner = self._curves_now()
        running = set(update.running)
        meta: SearchAppendMeta = {
            "state": state,
            "error": update.header.error,
            "value_axis": axis_meta(update.value_axis),
            "metric_names": list(update.metric_names),
            "header": header_meta(update.header),
            "running": list(update.running),
            "errors": _errors(cols, rows),
            "reasons": _reasons(cols, rows),
            "thresholds": threshold_meta(bars),
            "pruner": pruner,
        }
        live = {n: c for n, c in live.items() if n in running}
        out: dict[str, Any] = dict(meta)
        extra: Arrays = []
        if derived is not None:
            out.update(derived[0])
            extra = derived[1]
        return out, [*_rows(cols, rows, update.metrics), *live_arrays(live), *extra]

    def _derived(self, trials: Sequence[Any]) -> tuple[dict[str, Any], Arrays]:
        """Compute the views that need every trial: importance and the searcher's inside view.

        Their ``meta`` entries replace the page's; costly at many trials, so a running
        search recomputes them only now and then (see :meth:`_watch_curves`). The same
        finished trials give the same views: the final append and the snapshot stored
        after it share one computation.
        """
        finished = [t for t in trials if t.state != "running"]
        # while the search runs, a model is drawn as the searcher last used it: a fit
        # made for the picture would hold up the search
        refit = bool(getattr(self._result, "done", True))
        key = (len(finished), finished[-1].number if finished else -1, self._pair, refit)
        cached = self._derived_cache
        if cached is not None and cached[0] == key:
            return cached[1]
        imp = importance_info(finished, self._feed.space, self._feed.direction)
        inside: Any = None
        if self._searcher is not None:
            columns = trial_columns(finished, self._feed.space, self._feed.direction)
            try:
                inside = inside_info(self._searcher, columns, self._pair, refit=refit)
            except ValueError:
                # a pair the space no longer has (a stale page): the default pair
                inside = inside_info(self._searcher, columns, refit=refit)
        inside_meta, arrays = encode_inside(inside)
        meta = {
            "importance": None if imp is None else importance_meta(imp),
            "inside": inside_meta,
        }
        self._derived_cache = (key, (meta, arrays))
        return meta, arrays

    def _curves_now(
        self,
    ) -> tuple[dict[int, tuple[Any, Any]], tuple[PruneThreshold, ...], str | None]:
        engine = getattr(self._result, "engine", None)
        if engine is None:
            return {}, (), None
        live, bars, pruner = engine_curves(engine)
        if getattr(self._result, "done", False):
            live = {}
        return live, bars, pruner

    def _live_append(
        self, derived: tuple[dict[str, Any], Arrays] | None
    ) -> tuple[dict[str, Any], Arrays]:
        """Build an append with no new trial: running curves, header, derived views if given."""
        state = self.display_state()
        with self._feed_lock:
            update = self._feed.update(
                [],
                method=self._method,
                status=state,
                error=self.error_text(),
                n_total=self._total(),
                now=datetime.now(timezone.utc),
                running=self._running(),
            )
        return self._append_of(update, state, derived)

    def _watch(self) -> None:
        """Start the curve watcher while the search runs (once at a time)."""
        if self._result is None or self._result.done:
            return
        with self._append_lock:
            self._ended = False
            if self._watcher is not None and self._watcher.is_alive():
                return
            self._watcher = threading.Thread(
                target=self._watch_curves, name="nbopt-curves", daemon=True
            )
            self._watcher.start()

    def _on_batch(self, batch: EventBatch) -> None:
        with self._append_lock:
            super()._on_batch(batch)
            if batch.final:
                self._ended = True

    def _watch_curves(self) -> None:
        """Send what changes between two finished trials, until the search ends.

        A trial reports many times before it finishes (an epoch at a time), and may run
        in the thread that drives the search (which then sends nothing until it ends):
        this thread reads the engine's curves every :data:`CURVE_INTERVAL` seconds and
        sends them when they changed. It also recomputes the parameter importance and the
        searcher's inside view, at most every :data:`IMPORTANCE_INTERVAL` seconds and never
        more than :data:`DERIVED_SHARE` of the time (and when the page picks another pair),
        here rather than on the thread that runs the search.
        """
        result = self._result
        engine = getattr(result, "engine", None)
        if engine is None:
            return
        seen = -1
        counted = -1
        budget = DerivedBudget(time.monotonic())
        while not self._closing.wait(CURVE_INTERVAL):
            if result.done:
                return
            version = engine.study.version
            curves = version != seen and bool(engine.running_curves())
            seen = version
            derived: tuple[dict[str, Any], Arrays] | None = None
            now = time.monotonic()
            picked = self._pair_changed.is_set()
            if now >= budget.due or picked:
                self._pair_changed.clear()
                trials = self._all_trials()
                finished = sum(t.state != "running" for t in trials)
                if picked or (finished != counted and budget.allows(now, finished)):
                    counted = finished
                    derived = self._derived(trials)
                    budget.spent(now, time.monotonic(), finished)
            if not curves and derived is None:
                continue
            try:
                with self._append_lock:
                    if self._ended:
                        return
                    self.send_append(*self._live_append(derived))
            except Exception:
                # the page waits for the next batch for these; the search goes on
                _log.exception("nbopt: sending the running trials' curves failed")

    def sync_traits(self) -> None:
        """Refresh ``state``, ``error``, ``n_done`` and ``best_value``."""
        r = self._result
        with self._lock, self.hold_sync():
            self.state = self.display_state()
            self.error = self.error_text()
            trials = self._all_trials()
            self.n_done = sum(t.state != "running" for t in trials)
            best = r.best_value if r is not None else self._searcher_of().best_value
            self.best_value = None if best is None else float(best)

    def static_png(self) -> bytes | None:
        """Return the dashboard drawn by matplotlib (:func:`nbopt.export.search_png`).

        None while the search runs: drawing it would hold up the display of the live
        dashboard, and a picture of the first trials says little (a saved notebook keeps
        the final state in the widget's ``snapshot``).
        """
        if self.display_state() in ("running", "paused") and not self._foreground:
            return None
        from nbopt.export import search_png

        return bytes(search_png(self.info()))

    # ------------------------------------------------------------------ internals
    def _total(self) -> int | None:
        r = self._result
        total = getattr(r, "n_trials", None) if r is not None else None
        if total is None and r is not None:
            # a grid searched without n_trials runs to its last point
            size = getattr(self._searcher, "grid_size", None)
            if isinstance(size, int):
                return size
        return None if total is None else int(total)

    def _final_state(self, batch: EventBatch) -> str:
        if batch.state == "error":
            return "error"
        return self.display_state()

    def _searcher_of(self) -> Any:
        if self._searcher is None:
            raise RuntimeError("this search result has no searcher (it was restored by pickle)")
        return self._searcher

    def _all_trials(self) -> list[Any]:
        r = self._result
        return list(r.trials) if r is not None else list(self._searcher_of().trials)

    def _running(self) -> list[Any]:
        engine = getattr(self._result, "engine", None)
        if engine is None or getattr(self._result, "done", True):
            return []
        return list(engine.running_trials)

    def _follow(self, session: Session) -> None:
        """Observe ``session`` instead of the current one (a search that moved on to one)."""
        self._unobserve()
        self._session = session
        self._unobserve = session.observe(self._on_batch)
        # the session may have run (or ended) before this observer joined: a snapshot
        # now holds every trial so far, and the batches take over from it
        self.sync_traits()
        self.send_snapshot(store=True)

    def _pair_control(self, content: ControlMessage) -> None:
        """Follow the two parameters the page shows now with the inside view."""
        pair = content.get("pair")
        names = self._feed.space.names
        if (
            not isinstance(pair, list)
            or len(pair) != 2
            or not all(isinstance(j, int) and 0 <= j < len(names) for j in pair)
        ):
            raise ValueError(
                f"pair must be two parameter indices in range({len(names)}), got {pair!r}"
            )
        self._pair = (names[pair[0]], names[pair[1]])
        if self._result is not None and not self._result.done and self._watcher is not None:
            self._pair_changed.set()
        else:
            # nothing runs: redraw now from a snapshot
            self.send_snapshot(store=True)

    def _more_control(self, content: ControlMessage) -> None:
        n = content.get("n", 0)
        self.more(int(n) if isinstance(n, int) and not isinstance(n, bool) else 0)
