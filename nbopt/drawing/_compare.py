"""The race of searchers' drawing info: best-so-far bands per method, time per trial, the table.

For each method, the best value so far of each of its runs (seeds) after trial ``k`` is
summarized across the runs that have reached trial ``k``: the median line and the
interquartile band (a run without a complete trial yet counts towards ``count`` but has no
value, so it leaves the quartiles alone). The per-method numbers of the table come from
:meth:`Comparison.summaries <nbopt.searchers._compare.Comparison.summaries>`. The widget
(as binary buffers), the matplotlib export and the tests all consume the one
:class:`CompareInfo` built by :func:`compare_info`; a live view streams
:class:`CompareUpdate` objects from a :class:`CompareFeed`, whose cost depends on the new
trials only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from nbopt.drawing._common import pick_colours
from nbopt.searchers._compare import Comparison, MethodSummary, RunCurve

__all__ = [
    "Band",
    "CompareFeed",
    "CompareInfo",
    "CompareUpdate",
    "MethodInfo",
    "band_points",
    "compare_info",
    "comparison_status",
]


@dataclass(frozen=True)
class Band:
    """One method's best value so far across its seeds, at some trial numbers.

    Attributes
    ----------
    trial : ndarray of int64, shape (k,)
        Trial numbers, from 1 (the first trial of each run), increasing.
    median, q25, q75 : ndarray of float64, shape (k,)
        Median and quartiles of the runs' best values so far after that trial (NaN
        where no run that reached it has a complete trial yet).
    count : ndarray of int64, shape (k,)
        Runs that have reached that trial.
    """

    trial: np.ndarray
    median: np.ndarray
    q25: np.ndarray
    q75: np.ndarray
    count: np.ndarray


def band_points(curves: Sequence[RunCurve], trials: Any) -> Band:
    """Summarize the runs' best values so far at the given trial numbers (from 1).

    ``curves`` are the runs of one method (from :meth:`Comparison.curves`, any common
    ``offset`` below the trials asked for).

    Examples
    --------
    >>> import numpy as np
    >>> from nbopt.searchers._compare import RunCurve
    >>> def run(best):
    ...     b = np.array(best, dtype=float)
    ...     return RunCurve("random", 0, 0, len(b), b, b, b * 0, b * 0, len(b), 0, 0, False)
    >>> band = band_points([run([4, 2, 1]), run([3, 3]), run([np.nan, 5, 0])], [1, 2, 3])
    >>> band.median.tolist(), band.count.tolist()
    ([3.5, 3.0, 0.5], [3, 3, 2])
    """
    k = np.asarray(trials, dtype=np.int64).reshape(-1)
    m = np.full((len(curves), k.size), np.nan)
    reached = np.zeros((len(curves), k.size), dtype=bool)
    for r, c in enumerate(curves):
        ok = (k <= c.n) & (k - 1 >= c.offset)
        m[r, ok] = c.best[k[ok] - 1 - c.offset]
        reached[r, k <= c.n] = True
    median = np.full(k.size, np.nan)
    q25 = np.full(k.size, np.nan)
    q75 = np.full(k.size, np.nan)
    cols = np.isfinite(m).any(axis=0)
    if cols.any():
        q = np.nanpercentile(m[:, cols], [25.0, 50.0, 75.0], axis=0)
        q25[cols], median[cols], q75[cols] = q[0], q[1], q[2]
    return Band(k, median, q25, q75, reached.sum(axis=0).astype(np.int64))


@dataclass(frozen=True)
class MethodInfo:
    """One method of the race: its colour, its band and its row of the table."""

    name: str
    colour: str
    band: Band
    summary: MethodSummary


@dataclass(frozen=True)
class CompareInfo:
    """What the race of searchers shows: the bands, the time per trial and the table.

    Attributes
    ----------
    methods : tuple of MethodInfo
        In the order they were given; ``band`` covers trials 1 to the furthest run's.
    direction : {"minimize", "maximize"}
    target : float or None
        The value worth reaching (a dashed line), if any.
    n_trials : int
        Trials per run.
    seeds : tuple of int
        Every method's seeds.
    status : str
        ``"idle"``, ``"running"``, ``"paused"``, ``"finished"``, ``"stopped"`` or ``"error"``.
    error : str or None
        What ended the race abnormally.
    n_done, n_total : int
        Trials finished over every run, and their budget.
    runs_done, runs_total : int
        Runs ended, and runs.
    n_failed : int
        Failed (and pruned) trials over every run.
    elapsed : float or None
        Seconds since the race started (to its end once ended).
    value_range : (float, float)
        Range of the drawn values (bands and target); ``(0, 1)`` before any.
    log_possible : bool
        Every drawn value is positive: the value axis can be logarithmic.
    value_log : bool
        The value axis starts logarithmic (positive values spanning two decades).
    """

    methods: tuple[MethodInfo, ...]
    direction: str
    target: float | None
    n_trials: int
    seeds: tuple[int, ...]
    status: str
    error: str | None
    n_done: int
    n_total: int
    runs_done: int
    runs_total: int
    n_failed: int
    elapsed: float | None
    value_range: tuple[float, float]
    log_possible: bool
    value_log: bool

    def method(self, name: str) -> MethodInfo:
        """Return the method called ``name``."""
        for m in self.methods:
            if m.name == name:
                return m
        raise KeyError(f"no method named {name!r}; the race has {[m.name for m in self.methods]}")


def comparison_status(comparison: Comparison) -> str:
    """Return the state of a comparison read from itself (its driver may know: "paused").

    Examples
    --------
    >>> from nbopt import space
    >>> c = Comparison(lambda x: x, {"x": space.Float(0, 1)}, methods=["random"], n_trials=2,
    ...                seeds=1)
    >>> comparison_status(c)
    'idle'
    """
    if comparison.finished:
        return "stopped" if comparison.stop_requested else "finished"
    return "running" if comparison.n_done or comparison.elapsed is not None else "idle"


def _value_range(bands: Sequence[Band], target: float | None) -> tuple[float, float, bool, bool]:
    parts = [b.q25 for b in bands] + [b.q75 for b in bands] + [b.median for b in bands]
    values = np.concatenate([*parts, np.array([np.nan if target is None else target])])
    values = values[np.isfinite(values)]
    if values.size == 0:
        return 0.0, 1.0, False, False
    lo, hi = float(values.min()), float(values.max())
    possible = lo > 0
    return lo, hi, possible, bool(possible and hi >= 100 * lo)


def _colours(n: int, colours: Sequence[str] | None) -> list[str]:
    if colours is None:
        return pick_colours(n)
    out = [str(c) for c in colours]
    if len(out) != n:
        raise ValueError(f"colours: need one per method ({n}), got {len(out)}")
    return out


def compare_info(
    source: Any,
    *,
    colours: Sequence[str] | None = None,
    status: str | None = None,
    error: str | None = None,
) -> CompareInfo:
    """Drawing info of a race of searchers: every method's band, its times and its table row.

    Parameters
    ----------
    source : Comparison or SearcherRace
        The comparison (or its widget), read between two steps.
    colours : sequence of str, optional
        One ``#rrggbb`` colour per method (:data:`~nbopt.drawing.PALETTE` by default).
    status : str, optional
        The state as the comparison's driver knows it (``"paused"``...).
    error : str, optional
        What ended the comparison abnormally.

    Examples
    --------
    >>> from nbopt import space
    >>> from nbopt.live import Session
    >>> c = Comparison(lambda x: (x - 0.5) ** 2, {"x": space.Float(0, 1)},
    ...                methods=["random", "evolutionary"], n_trials=8, seeds=3)
    >>> Session(c).run()
    'finished'
    >>> info = compare_info(c)
    >>> info.status, [m.name for m in info.methods], info.methods[0].band.trial[-1]
    ('finished', ['random', 'evolutionary'], np.int64(8))
    >>> bool(info.methods[0].band.median[-1] == info.methods[0].summary.best_median)
    True
    """
    comparison = getattr(source, "comparison", source)
    if not isinstance(comparison, Comparison):
        raise TypeError(
            "compare_info: expected a Comparison or its widget (nbopt.compare(...)), got "
            f"{type(source).__name__}"
        )
    if colours is None:
        colours = getattr(source, "colours", None)
    palette = _colours(len(comparison.methods), colours)
    curves = comparison.curves()
    summaries = comparison.summaries()
    methods = []
    bands = []
    for i, (name, summary) in enumerate(zip(comparison.methods, summaries)):
        mine = [c for c in curves if c.method == name]
        furthest = max((c.n for c in mine), default=0)
        band = band_points(mine, np.arange(1, furthest + 1))
        bands.append(band)
        methods.append(MethodInfo(name, palette[i], band, summary))
    lo, hi, possible, log = _value_range(bands, comparison.target)
    return CompareInfo(
        methods=tuple(methods),
        direction=comparison.direction,
        target=comparison.target,
        n_trials=comparison.n_trials,
        seeds=comparison.seeds,
        status=comparison_status(comparison) if status is None else str(status),
        error=error,
        n_done=sum(c.n for c in curves),
        n_total=comparison.n_total,
        runs_done=sum(c.done for c in curves),
        runs_total=len(curves),
        n_failed=sum(c.n_failed + c.n_pruned for c in curves),
        elapsed=comparison.elapsed,
        value_range=(lo, hi),
        log_possible=possible,
        value_log=log,
    )


# ------------------------------------------------------------------ streaming


@dataclass(frozen=True)
class CompareUpdate:
    """What the race added since the previous update: the streaming side of CompareInfo.

    Attributes
    ----------
    bands : tuple of Band
        Per method, the points that changed (the trials some run newly reached).
    summaries : tuple of MethodSummary
        Every method's row of the table now.
    n_done, runs_done, n_failed : int
        Totals now.
    elapsed : float or None
        Seconds since the race started.
    """

    bands: tuple[Band, ...]
    summaries: tuple[MethodSummary, ...]
    n_done: int
    runs_done: int
    n_failed: int
    elapsed: float | None


class CompareFeed:
    """Turn what a comparison recorded since the last update into a :class:`CompareUpdate`.

    A trial that run ``r`` finishes as its ``k``-th changes one point of its method's
    band, point ``k``: an update recomputes those points only, from the runs' values
    around them.

    Examples
    --------
    >>> from nbopt import space
    >>> c = Comparison(lambda x: x**2, {"x": space.Float(-1, 1)}, methods=["random"],
    ...                n_trials=6, seeds=2)
    >>> feed = CompareFeed(c)
    >>> for _ in range(3):  # round robin: run 0, run 1, run 0
    ...     _ = c.step()
    >>> update = feed.update()
    >>> update.bands[0].trial.tolist(), update.bands[0].count.tolist(), update.n_done
    ([1, 2], [2, 1], 3)
    """

    def __init__(self, comparison: Comparison) -> None:
        self._comparison = comparison
        self.rebase()

    def rebase(self) -> None:
        """Start after what the comparison holds now (what a snapshot carries)."""
        self._taken = self._comparison.counts()

    def update(self) -> CompareUpdate:
        """Return the points of the bands that changed, and the totals now."""
        c = self._comparison
        since = min(self._taken, default=0)
        curves = c.curves(since)
        bands = []
        for name in c.methods:
            runs = [i for i, run in enumerate(c.runs) if run.method == name]
            new = [np.arange(self._taken[i] + 1, curves[i].n + 1) for i in runs]
            ks = np.unique(np.concatenate(new)) if new else np.zeros(0, dtype=np.int64)
            bands.append(band_points([curves[i] for i in runs], ks))
        self._taken = [cv.n for cv in curves]
        return CompareUpdate(
            bands=tuple(bands),
            summaries=tuple(c.summaries()),
            n_done=sum(cv.n for cv in curves),
            runs_done=sum(cv.done for cv in curves),
            n_failed=sum(cv.n_failed + cv.n_pruned for cv in curves),
            elapsed=c.elapsed,
        )
