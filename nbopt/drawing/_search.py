"""The search dashboard's drawing info: header, history, parallel coordinates, scatter, table.

One pass over the trials builds a columnar :class:`TrialColumns` (numbers, state codes,
values, unit positions, colour positions, ...); every view is a slice of it, computed with
numpy only, so that 50,000 trials stay interactive. The widget (serialized to binary
buffers), the matplotlib export (``nbopt.export``) and the tests all consume the one
:class:`SearchInfo` built by :func:`search_info`; nothing here imports Jupyter or matplotlib.

Axes and units
--------------
Every parameter and the objective value get an :class:`Axis`: ``lo`` and ``hi`` in the
axis' own units (a ``Choice`` counts options: option ``i`` sits at ``(i + 0.5) / k``), log
or linear, with tick positions in [0, 1] and tick labels. Views hand out positions in
[0, 1] along their axes, so a frontend only scales them to pixels.

Colour
------
Each complete trial gets a colour position in [0, 1] from its place on the value axis
(log-aware), **1 = best** whatever the direction, so the best end of
:data:`VALUE_COLORMAP` always means "better". Trials without a value (failed, pruned,
running) have NaN and are drawn apart; they never stretch the colour scale.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from nbopt.searchers import IMPORTANCE_METHOD, PruneThreshold, importance
from nbopt.space import Choice, Float, Int, Space, as_space

__all__ = [
    "MAX_LINES",
    "STATE_CODES",
    "STATE_NAMES",
    "VALUE_COLORMAP",
    "Axis",
    "CurvesInfo",
    "FitInfo",
    "HeaderInfo",
    "HeaderTally",
    "HistoryInfo",
    "ImportanceInfo",
    "ParallelInfo",
    "ScatterInfo",
    "SearchFeed",
    "SearchInfo",
    "SearchUpdate",
    "TableColumn",
    "TableInfo",
    "TrialColumns",
    "engine_curves",
    "filter_mask",
    "fit_info",
    "format_seconds",
    "importance_info",
    "search_info",
    "thin_lines",
    "trial_columns",
]

#: State code table of :attr:`TrialColumns.state` (uint8): the code of each state name.
STATE_CODES: Mapping[str, int] = {"complete": 0, "failed": 1, "running": 2, "pruned": 3}
#: State names by code: ``STATE_NAMES[code]``.
STATE_NAMES: tuple[str, ...] = ("complete", "failed", "running", "pruned")

_COMPLETE, _FAILED, _RUNNING, _PRUNED = 0, 1, 2, 3

#: Colour stops from the worst value (position 0) to the best (position 1): viridis read
#: backwards and stopped short of its yellow end, which vanishes on white backgrounds; the
#: best trials, drawn last, come out darkest.
VALUE_COLORMAP: tuple[str, ...] = (
    "#b5de2b",
    "#6ccd5a",
    "#35b779",
    "#1f9e89",
    "#26828e",
    "#31688e",
    "#3e4989",
    "#482878",
    "#440154",
)

AxisKind = Literal["float", "int", "choice", "value"]
ColumnKind = Literal["int", "float", "choice", "value", "state", "seconds", "text", "metric"]
Brush = Mapping[str, Any]

#: Most lines the parallel coordinates draw (the widget keeps the same rule).
MAX_LINES = 4000
_JITTER = 0.32  # half-width of a category's jitter band, as a fraction of the band

# ------------------------------------------------------------------ axes


def _fmt(value: float, digits: int = 4) -> str:
    """Compact number text: ``0.001``, ``1e-5``, ``1.234e6`` (no ``e-05`` padding)."""
    if not math.isfinite(value):
        return str(value)
    if value == 0:
        return "0"
    text = f"{value:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text


def _linear_ticks(lo: float, hi: float, n: int = 6, integer: bool = False) -> np.ndarray:
    if not hi > lo:
        return np.array([lo])
    raw = (hi - lo) / n
    magnitude = 10.0 ** math.floor(math.log10(raw))
    step = magnitude * 10
    for m in (1.0, 2.0, 2.5, 5.0, 10.0):
        if m * magnitude >= raw * 0.999:
            step = m * magnitude
            break
    if integer:
        step = max(1.0, float(round(step)))
    first = math.ceil(lo / step - 1e-9)
    last = math.floor(hi / step + 1e-9)
    # multiples of the step, so that 0.1 * 3 prints as 0.3
    return np.arange(first, last + 1) * step


def _log_ticks(lo: float, hi: float, integer: bool = False) -> np.ndarray:
    a, b = math.log10(lo), math.log10(hi)
    decades = np.arange(math.ceil(a - 1e-9), math.floor(b + 1e-9) + 1)
    if len(decades) > 7:
        decades = decades[:: math.ceil(len(decades) / 6)]
    ticks = 10.0 ** decades.astype(float)
    if len(ticks) < 3:
        # less than two decades on the axis: 1-2-5 steps inside each decade
        cand = np.array(
            [m * 10.0**k for k in range(math.floor(a), math.ceil(b) + 1) for m in (1, 2, 5)]
        )
        ticks = cand[(cand >= lo * (1 - 1e-9)) & (cand <= hi * (1 + 1e-9))]
    if integer:
        ticks = np.unique(np.round(ticks[ticks >= 1]))
    if len(ticks) < 2:
        return _linear_ticks(lo, hi, integer=integer)
    return ticks


@dataclass(frozen=True)
class Axis:
    """One axis of the dashboard: a parameter or the objective value.

    Attributes
    ----------
    name : str
        Parameter name, or the value axis' name (user data: shown as text, never markup).
    kind : {"float", "int", "choice", "value"}
        What the axis measures.
    log : bool
        Positions follow ``log10(x - offset)``.
    lo, hi : float
        Range in axis units (option indices for a choice: ``0`` and ``k - 1``).
    offset : float
        Subtracted before the log (0.0 except for a log value axis with values <= 0).
    ticks : ndarray, shape (t,)
        Tick positions in [0, 1], increasing.
    tick_labels : tuple of str
        Text of each tick.
    categories : tuple of str
        Labels of a choice's options in their order (empty for other kinds).

    Examples
    --------
    >>> from nbopt import space
    >>> axis = Axis.of("lr", space.Float(1e-4, 1e-1, log=True))
    >>> axis.to_unit([1e-4, 1e-2]).round(3).tolist()
    [0.0, 0.667]
    >>> axis.tick_labels
    ('0.0001', '0.001', '0.01', '0.1')
    """

    name: str
    kind: AxisKind
    log: bool
    lo: float
    hi: float
    offset: float
    ticks: np.ndarray
    tick_labels: tuple[str, ...]
    categories: tuple[str, ...] = ()

    @classmethod
    def of(cls, name: str, dim: Any) -> Axis:
        """Describe the axis of a search-space dimension (``Float``, ``Int`` or ``Choice``)."""
        if isinstance(dim, Choice):
            labels = tuple(_option_label(o) for o in dim.options)
            k = len(labels)
            return cls(
                name,
                "choice",
                False,
                0.0,
                float(k - 1),
                0.0,
                (np.arange(k) + 0.5) / k,
                labels,
                labels,
            )
        if isinstance(dim, Float | Int):
            integer = isinstance(dim, Int)
            lo, hi, log = float(dim.lo), float(dim.hi), bool(dim.log)
            if integer and hi - lo <= 8:
                values = np.arange(lo, hi + 1)
            else:
                values = _log_ticks(lo, hi, integer) if log else _linear_ticks(lo, hi, 6, integer)
            kind: AxisKind = "int" if integer else "float"
            axis = cls(name, kind, log, lo, hi, 0.0, np.zeros(0), ())
            return axis._with_ticks(values)
        raise TypeError(
            f"axis {name!r}: expected a Float, Int or Choice dimension, got {type(dim).__name__}"
        )

    @classmethod
    def for_values(cls, name: str, values: np.ndarray, log: bool | None = None) -> Axis:
        """Describe the value axis of finite ``values`` (auto log: positive, two decades)."""
        v = np.asarray(values, dtype=float)
        v = v[np.isfinite(v)]
        if v.size == 0:
            return cls(name, "value", False, 0.0, 1.0, 0.0, np.zeros(0), ())
        lo, hi = float(v.min()), float(v.max())
        if log is None:
            log = bool(lo > 0 and hi >= 100 * lo)
        offset = 0.0
        if log and lo <= 0:
            span = hi - lo if hi > lo else max(abs(lo), 1.0)
            # the best minimized value lands two decades below the span, not at -inf
            offset = lo - 1e-2 * span
        if hi == lo:
            if log:
                a = math.log10(lo - offset)
                lo, hi = offset + 10 ** (a - 0.5), offset + 10 ** (a + 0.5)
            else:
                pad = max(abs(lo) * 0.1, 1e-12) if lo else 1.0
                lo, hi = lo - pad, hi + pad
        axis = cls(name, "value", bool(log), lo, hi, offset, np.zeros(0), ())
        if log:
            ticks = offset + _log_ticks(lo - offset, hi - offset)
        else:
            ticks = _linear_ticks(lo, hi)
        return axis._with_ticks(ticks)

    def _with_ticks(self, values: np.ndarray) -> Axis:
        values = np.asarray(values, dtype=float)
        unit = self.to_unit(values)
        keep = (unit >= -1e-9) & (unit <= 1 + 1e-9)
        labels = tuple(
            str(int(v)) if self.kind == "int" else _fmt(float(v), 3) for v in values[keep]
        )
        return Axis(
            self.name,
            self.kind,
            self.log,
            self.lo,
            self.hi,
            self.offset,
            np.clip(unit[keep], 0.0, 1.0),
            labels,
            self.categories,
        )

    def to_unit(self, values: npt.ArrayLike) -> np.ndarray:
        """Map values in axis units (option indices for a choice) to positions in [0, 1].

        NaN stays NaN; values outside ``[lo, hi]`` land outside [0, 1].
        """
        x = np.asarray(values, dtype=float)
        if self.kind == "choice":
            return np.asarray((x + 0.5) / len(self.categories))
        a, b = self.lo, self.hi
        if self.log:
            with np.errstate(divide="ignore", invalid="ignore"):
                x = np.log10(x - self.offset)
            a, b = math.log10(a - self.offset), math.log10(b - self.offset)
        if b > a:
            return np.asarray((x - a) / (b - a))
        return np.where(np.isnan(x), np.nan, 0.5)

    def from_unit(self, unit: npt.ArrayLike) -> np.ndarray:
        """Map positions in [0, 1] back to axis units (inverse of :meth:`to_unit`).

        For a choice, the index of the option whose band holds the position.
        """
        u = np.asarray(unit, dtype=float)
        if self.kind == "choice":
            k = len(self.categories)
            return np.asarray(np.clip(np.floor(u * k), 0, k - 1))
        if self.log:
            a, b = math.log10(self.lo - self.offset), math.log10(self.hi - self.offset)
            return np.asarray(self.offset + 10.0 ** (a + u * (b - a)))
        return np.asarray(self.lo + u * (self.hi - self.lo))

    def label(self, value: float) -> str:
        """Text of one value in axis units (the option label for a choice)."""
        if not math.isfinite(value):
            return ""
        if self.kind == "choice":
            return self.categories[int(value)]
        if self.kind == "int":
            return str(int(value))
        return _fmt(value, 6)


def _option_label(option: object) -> str:
    return option if isinstance(option, str) else str(option)


# ------------------------------------------------------------------ columns


@dataclass(frozen=True)
class TrialColumns:
    """The trials as columns, one row per trial in number order, built once per update.

    State codes (``state``, uint8) follow :data:`STATE_CODES`:

    ====  ==========
    code  state
    ====  ==========
    0     complete
    1     failed
    2     running
    3     pruned
    ====  ==========

    Attributes
    ----------
    space : Space
        The search space.
    direction : {"minimize", "maximize"}
        Whether smaller or larger values are better.
    names : tuple of str
        Parameter names, in space order.
    axes : tuple of Axis
        One per parameter.
    value_axis : Axis
        Axis of the objective value (range of the complete trials).
    number : ndarray of int64, shape (n,)
        Trial numbers, increasing.
    state : ndarray of uint8, shape (n,)
        State codes.
    value : ndarray of float64, shape (n,)
        Objective values; NaN unless complete.
    duration : ndarray of float64, shape (n,)
        Seconds the objective took; NaN when unknown (running trials).
    ask_seconds : ndarray of float64, shape (n,)
        Seconds the searcher took to propose the trial (``trial.info["ask_seconds"]``);
        NaN when not recorded.
    params : ndarray of float64, shape (n, d)
        Parameter values in axis units (option index for a choice); NaN when missing.
    unit : ndarray of float64, shape (n, d)
        ``params`` as positions in [0, 1] on their axes.
    value_unit : ndarray of float64, shape (n,)
        ``value`` as a position on ``value_axis``; NaN unless complete.
    colour : ndarray of float64, shape (n,)
        Colour position in [0, 1], 1 = best (direction-aware); NaN unless complete.
    rank : ndarray of int64, shape (n,)
        1 for the best complete trial, 2 for the next (ties by trial number); 0 for
        trials without a value.
    error : tuple of str
        Why each trial failed (``""`` when it did not).
    reason : tuple of str
        Why each trial did not complete: its error when it failed, the pruner's reason
        when it was pruned (``""`` otherwise).
    curve_offsets : ndarray of int64, shape (n + 1,)
        Trial ``r``'s learning curve is ``curve_steps[curve_offsets[r]:curve_offsets[r +
        1]]`` and the same slice of ``curve_values`` (empty when it reported nothing).
    curve_steps : ndarray of float64
        Steps of every curve, increasing within each.
    curve_values : ndarray of float64
        Values reported at those steps.
    metric_names : tuple of str
        Union of the trials' ``metrics`` keys, in order of first appearance.
    metrics : ndarray of float64, shape (n, m)
        Metric values; NaN where a trial did not report one.
    """

    space: Space
    direction: Literal["minimize", "maximize"]
    names: tuple[str, ...]
    axes: tuple[Axis, ...]
    value_axis: Axis
    number: np.ndarray
    state: np.ndarray
    value: np.ndarray
    duration: np.ndarray
    ask_seconds: np.ndarray
    params: np.ndarray
    unit: np.ndarray
    value_unit: np.ndarray
    colour: np.ndarray
    rank: np.ndarray
    error: tuple[str, ...]
    reason: tuple[str, ...]
    curve_offsets: np.ndarray
    curve_steps: np.ndarray
    curve_values: np.ndarray
    metric_names: tuple[str, ...]
    metrics: np.ndarray

    @property
    def n(self) -> int:
        """Number of trials."""
        return len(self.number)

    @property
    def complete(self) -> np.ndarray:
        """Boolean mask of the complete trials."""
        return np.asarray(self.state == _COMPLETE)

    @property
    def best_row(self) -> int | None:
        """Row of the best complete trial (None when none is complete)."""
        hits = np.flatnonzero(self.rank == 1)
        return int(hits[0]) if len(hits) else None

    @property
    def curve_lengths(self) -> np.ndarray:
        """Number of reported values of every trial, shape (n,)."""
        return np.diff(self.curve_offsets)

    def curve(self, row: int) -> tuple[np.ndarray, np.ndarray]:
        """Return the learning curve of row ``row``: ``(steps, values)``."""
        a, b = int(self.curve_offsets[row]), int(self.curve_offsets[row + 1])
        return self.curve_steps[a:b], self.curve_values[a:b]

    def curves_of(self, rows: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return the curves of ``rows``, packed: ``(offsets, steps, values)``.

        Curve ``i`` (of ``rows[i]``) is ``steps[offsets[i]:offsets[i + 1]]``.
        """
        rows = np.asarray(rows, dtype=np.int64)
        n = self.curve_lengths[rows]
        offsets = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(n, out=offsets[1:])
        take = np.repeat(self.curve_offsets[rows] - offsets[:-1], n) + np.arange(int(offsets[-1]))
        return offsets, self.curve_steps[take], self.curve_values[take]

    def axis(self, name: str) -> Axis:
        """Return the axis of a parameter, or the value axis by its name."""
        if name == self.value_axis.name:
            return self.value_axis
        return self.axes[self.names.index(name)]

    def positions(self, name: str) -> np.ndarray:
        """Positions in [0, 1] of every trial on the axis ``name``, shape (n,)."""
        if name == self.value_axis.name:
            return self.value_unit
        return np.asarray(self.unit[:, self.names.index(name)])

    def axis_values(self, name: str) -> np.ndarray:
        """Values of every trial in the units of axis ``name``, shape (n,)."""
        if name == self.value_axis.name:
            return self.value
        return np.asarray(self.params[:, self.names.index(name)])


def _value_axis_name(names: Sequence[str]) -> str:
    return "value" if "value" not in names else "objective"


def _floats(items: list[Any]) -> np.ndarray:
    """Floats from a list that holds numbers and None; anything else becomes NaN."""
    try:
        return np.array(items, dtype=np.float64)
    except (TypeError, ValueError):
        return np.array(
            [
                float(x) if isinstance(x, numbers.Real) and not isinstance(x, bool) else np.nan
                for x in items
            ],
            dtype=np.float64,
        )


def _choice_indices(dim: Choice, column: list[Any]) -> np.ndarray:
    # params hold the option objects themselves (Space.validate returns them), so identity
    # finds almost all of them; Choice.index handles the rest (copies, restored values)
    by_id = {id(o): i for i, o in enumerate(dim.options)}
    idx = [by_id.get(id(v), -1) for v in column]
    out = np.array(idx, dtype=np.float64)
    for row in np.flatnonzero(out < 0):
        try:
            out[row] = dim.index(column[row])
        except ValueError:
            out[row] = np.nan
    return out


def _colour_on(axis: Axis, value: np.ndarray, scale: np.ndarray, sign: float) -> np.ndarray:
    """Colour positions of ``value`` (1 = best, 0 = worst) over the range of ``scale``.

    Positions follow ``axis`` (so a log axis colours by orders of magnitude); values
    beyond the range are clipped to its ends; NaN stays NaN.
    """
    colour = np.full(len(value), np.nan)
    if scale.size == 0:
        return colour
    best = float(scale.min() if sign > 0 else scale.max())
    worst = float(scale.max() if sign > 0 else scale.min())
    ub, uw = (float(x) for x in axis.to_unit([best, worst]))
    u = axis.to_unit(value)
    ok = ~np.isnan(value)
    if ub != uw:
        colour[ok] = np.clip((u[ok] - uw) / (ub - uw), 0.0, 1.0)
    else:
        # one distinct value: it is the best one; anything worse sits at the worst end
        colour[ok] = np.where(sign * value[ok] <= sign * best, 1.0, 0.0)
    return colour


def _ranks(value: np.ndarray, complete: np.ndarray, number: np.ndarray, sign: float) -> np.ndarray:
    rank = np.zeros(len(value), dtype=np.int64)
    rows = np.flatnonzero(complete)
    order = rows[np.lexsort((number[rows], sign * value[rows]))]
    rank[order] = np.arange(1, len(order) + 1)
    return rank


def trial_columns(
    trials: Iterable[Any],
    space: Space | Mapping[str, Any],
    direction: str = "minimize",
    *,
    value_log: bool | None = None,
    axes: Sequence[Axis] | None = None,
    value_axis: Axis | None = None,
    curves: Mapping[int, tuple[npt.ArrayLike, npt.ArrayLike]] | None = None,
) -> TrialColumns:
    """Build the columnar form of ``trials``: one pass over them, the rest vectorized.

    Parameters
    ----------
    trials : iterable of Trial
        Trials in any order (sorted by number here).
    space : Space or dict name -> dimension
        The space the trials were asked in.
    direction : {"minimize", "maximize"}
        Whether smaller or larger values are better.
    value_log : bool, optional
        Log value axis; by default when every value is positive and they span two decades.
    axes, value_axis : optional
        The parameters' axes and the value axis, when the caller has them already (a
        live feed: the value axis spans every trial so far, not just these).
    curves : dict number -> (steps, values), optional
        Learning curves that replace the trials' own ``intermediate_values`` (the running
        trials' reports so far, which the engine holds: ``engine.running_curves()``).

    Examples
    --------
    >>> from nbopt import space
    >>> from nbopt.searchers import Trial
    >>> trials = [Trial(0, {"x": 0.5}, "complete", 2.0), Trial(1, {"x": 0.9}, "failed")]
    >>> cols = trial_columns(trials, {"x": space.Float(0, 1)})
    >>> cols.state.tolist(), cols.value.tolist(), cols.colour.tolist()
    ([0, 1], [2.0, nan], [1.0, nan])
    """
    sp = as_space(space)
    if direction not in ("minimize", "maximize"):
        raise ValueError(f"direction must be 'minimize' or 'maximize', got {direction!r}")
    if value_log is not None and not isinstance(value_log, bool | np.bool_):
        raise TypeError(f"value_log must be True, False or None, got {value_log!r}")
    items = list(trials)
    if items and not all(hasattr(t, "number") and hasattr(t, "params") for t in items[:1]):
        raise TypeError(
            f"expected Trial objects (with .number, .params, .state), got {type(items[0]).__name__}"
        )
    items.sort(key=lambda t: t.number)
    n = len(items)
    names = sp.names

    number = np.fromiter((t.number for t in items), dtype=np.int64, count=n)
    state_names = [t.state for t in items]
    try:
        state = np.fromiter((STATE_CODES[s] for s in state_names), dtype=np.uint8, count=n)
    except KeyError as exc:
        raise ValueError(
            f"unknown trial state {exc.args[0]!r}; expected one of {list(STATE_NAMES)}"
        ) from None
    complete = state == _COMPLETE
    value = _floats([t.value for t in items])
    value[~complete] = np.nan
    # a complete trial always has a finite value (tell fails the others); guard anyway so
    # that one bad record cannot stretch every colour scale to infinity
    value[~np.isfinite(value)] = np.nan
    complete &= ~np.isnan(value)
    duration = _floats([t.duration for t in items])
    ask_seconds = _floats([t.info.get("ask_seconds") for t in items])
    error = tuple(t.error or "" for t in items)
    reason = tuple(
        (t.pruned_reason or "") if t.state == "pruned" else (t.error or "") for t in items
    )
    curve_offsets, curve_steps, curve_values = _curve_columns(items, curves)

    params = np.full((n, len(names)), np.nan)
    plist = [t.params for t in items]
    given = None if axes is None else tuple(axes)
    if given is not None and len(given) != len(names):
        raise ValueError(f"axes: need one per parameter ({len(names)}), got {len(given)}")
    axes = []
    for j, name in enumerate(names):
        dim = sp[name]
        column = [p.get(name) for p in plist]
        params[:, j] = _choice_indices(dim, column) if isinstance(dim, Choice) else _floats(column)
        axes.append(Axis.of(name, dim) if given is None else given[j])
    unit = np.empty_like(params)
    for j, axis in enumerate(axes):
        unit[:, j] = axis.to_unit(params[:, j])

    metric_names: dict[str, None] = {}
    mlist = [t.metrics for t in items]
    for m in mlist:
        if m:
            metric_names.update(dict.fromkeys(m))
    metrics = np.full((n, len(metric_names)), np.nan)
    for j, key in enumerate(metric_names):
        metrics[:, j] = _floats([m.get(key) for m in mlist])

    if value_axis is None:
        value_axis = Axis.for_values(_value_axis_name(names), value[complete], value_log)
    value_unit = value_axis.to_unit(value)
    sign = 1.0 if direction == "minimize" else -1.0
    colour = _colour_on(value_axis, value, value[complete], sign)
    return TrialColumns(
        space=sp,
        direction="minimize" if sign > 0 else "maximize",
        names=names,
        axes=tuple(axes),
        value_axis=value_axis,
        number=number,
        state=state,
        value=value,
        duration=duration,
        ask_seconds=ask_seconds,
        params=params,
        unit=unit,
        value_unit=value_unit,
        colour=colour,
        rank=_ranks(value, complete, number, sign),
        error=error,
        reason=reason,
        curve_offsets=curve_offsets,
        curve_steps=curve_steps,
        curve_values=curve_values,
        metric_names=tuple(metric_names),
        metrics=metrics,
    )


def _curve_columns(
    items: Sequence[Any], curves: Mapping[int, tuple[npt.ArrayLike, npt.ArrayLike]] | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lengths = np.zeros(len(items), dtype=np.int64)
    parts: list[tuple[np.ndarray, np.ndarray]] = []
    for i, t in enumerate(items):
        given = None if curves is None else curves.get(int(t.number))
        if given is not None:
            steps = np.asarray(given[0], dtype=np.float64)
            values = np.asarray(given[1], dtype=np.float64)
        else:
            iv = getattr(t, "intermediate_values", None)
            if not iv:
                continue
            keys = sorted(iv)
            steps = np.array(keys, dtype=np.float64)
            values = np.array([iv[k] for k in keys], dtype=np.float64)
        lengths[i] = len(steps)
        parts.append((steps, values))
    offsets = np.zeros(len(items) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    if not parts:
        return offsets, np.zeros(0), np.zeros(0)
    return (
        offsets,
        np.concatenate([p[0] for p in parts]),
        np.concatenate([p[1] for p in parts]),
    )


# ------------------------------------------------------------------ brushing


def _is_range(x: object) -> bool:
    return isinstance(x, Sequence) and not isinstance(x, str | bytes) and len(x) == 2


def _normalize_brush(columns: TrialColumns, brush: Brush | None) -> dict[str, Any]:
    """Check a brush and return it as ``{name: (lo, hi)}`` or ``{name: frozenset(indices)}``."""
    if brush is None:
        return {}
    if not isinstance(brush, Mapping):
        raise TypeError(
            "brush must be a dict {axis name: (lo, hi)} (a set of categories for a Choice), "
            f"got {type(brush).__name__}"
        )
    known = [*columns.names, columns.value_axis.name]
    out: dict[str, Any] = {}
    for name, sel in brush.items():
        if name not in known:
            raise ValueError(f"brush: unknown axis {name!r}; the axes are {known!r}")
        axis = columns.axis(name)
        if axis.kind == "choice":
            if not isinstance(sel, set | frozenset | list | tuple):
                raise TypeError(
                    f"brush: {name!r} is a Choice; expected a set of its categories "
                    f"{list(axis.categories)!r}, got {sel!r}"
                )
            dim = columns.space[name]
            assert isinstance(dim, Choice)
            picked = set()
            for cat in sel:
                try:
                    picked.add(dim.index(cat))
                except ValueError:
                    if isinstance(cat, str) and cat in axis.categories:
                        picked.add(axis.categories.index(cat))
                    else:
                        raise ValueError(
                            f"brush: {cat!r} is not a category of {name!r}; expected some of "
                            f"{list(axis.categories)!r}"
                        ) from None
            out[name] = frozenset(picked)
            continue
        if not _is_range(sel) or not all(
            isinstance(v, numbers.Real) and not isinstance(v, bool) for v in sel
        ):
            raise TypeError(
                f"brush: {name!r} expects a range (lo, hi) of numbers in axis units, got {sel!r}"
            )
        lo, hi = float(sel[0]), float(sel[1])
        if math.isnan(lo) or math.isnan(hi) or lo > hi:
            raise ValueError(f"brush: {name!r} needs lo <= hi (not NaN), got ({lo!r}, {hi!r})")
        out[name] = (lo, hi)
    return out


def _mask_of(columns: TrialColumns, brush: Mapping[str, Any]) -> np.ndarray:
    mask = np.ones(columns.n, dtype=bool)
    for name, sel in brush.items():
        x = columns.axis_values(name)
        if isinstance(sel, frozenset):
            mask &= np.isin(x, np.array(sorted(sel), dtype=float))
        else:
            # NaN (a missing value, a failed trial on the value axis) is never inside
            mask &= (x >= sel[0]) & (x <= sel[1])
    return mask


def filter_mask(columns: TrialColumns, brush: Brush | None) -> np.ndarray:
    """Which trials pass a brush: a boolean mask of shape (n,).

    Parameters
    ----------
    columns : TrialColumns
        The trials.
    brush : dict, optional
        ``{axis name: (lo, hi)}`` in axis units (inclusive), or ``{choice name: set of
        categories}`` (option objects or their labels). Several axes combine with "and".
        Brushing the value axis drops the trials that have no value.

    Examples
    --------
    >>> from nbopt import space
    >>> from nbopt.searchers import Trial
    >>> sp = {"x": space.Float(0, 1), "act": space.Choice(["relu", "tanh"])}
    >>> trials = [Trial(i, {"x": i / 4, "act": ["relu", "tanh"][i % 2]}, "complete", float(i))
    ...           for i in range(5)]
    >>> cols = trial_columns(trials, sp)
    >>> filter_mask(cols, {"x": (0.2, 1.0), "act": {"relu"}}).tolist()
    [False, False, True, False, True]
    """
    if not isinstance(columns, TrialColumns):
        raise TypeError(
            f"filter_mask: expected TrialColumns (trial_columns(...)), got {type(columns).__name__}"
        )
    return _mask_of(columns, _normalize_brush(columns, brush))


# ------------------------------------------------------------------ views


@dataclass(frozen=True)
class HeaderInfo:
    """The dashboard's header: progress, best trial, time and the searcher's overhead.

    Attributes
    ----------
    method : str
        The searcher's class name.
    direction : {"minimize", "maximize"}
    status : str
        ``"running"``, ``"finished"``, ``"stopped"``, ``"error"`` or ``"idle"``.
    error : str or None
        What ended the search abnormally.
    n_done, n_total : int, int or None
        Finished trials (complete, failed and pruned) and the budget (None: unbounded).
    n_complete, n_failed, n_pruned, n_running : int
        Trials in each state.
    best_number : int or None
        Number of the best complete trial.
    best_value : float or None
        Its value.
    best_params : tuple of (str, str)
        Its params as ``(name, display text)`` pairs, in space order.
    elapsed : float or None
        Seconds from the first trial's start to now (running) or to the last finish.
    remaining : float or None
        Estimated seconds until ``n_total`` trials are done, at the pace so far.
    ask_seconds : float or None
        Mean seconds the searcher took to propose a trial (None when not recorded).
    trial_seconds : float or None
        Mean seconds the objective took per finished trial.
    overhead : float or None
        ``ask_seconds / (ask_seconds + trial_seconds)``: the searcher's share of the time.
    steps_run : float or None
        Steps the finished trials ran, from their learning curves (None when no trial
        reported one). A trial ran its last reported step, plus one when the search
        counts steps from 0 (epoch 0 is the first epoch).
    steps_saved : float or None
        Steps pruning spared: for each pruned trial, the full budget (the most steps a
        complete trial ran) less the steps it ran.
    """

    method: str
    direction: str
    status: str
    error: str | None
    n_done: int
    n_total: int | None
    n_complete: int
    n_failed: int
    n_pruned: int
    n_running: int
    best_number: int | None
    best_value: float | None
    best_params: tuple[tuple[str, str], ...]
    elapsed: float | None
    remaining: float | None
    ask_seconds: float | None
    trial_seconds: float | None
    overhead: float | None
    steps_run: float | None = None
    steps_saved: float | None = None

    @property
    def saved_fraction(self) -> float | None:
        """``steps_saved / (steps_run + steps_saved)``: the share of the work pruning spared."""
        if self.steps_run is None or self.steps_saved is None:
            return None
        total = self.steps_run + self.steps_saved
        return self.steps_saved / total if total > 0 else None


@dataclass(frozen=True)
class HistoryInfo:
    """Value of every trial against its number, with the best-so-far step line.

    Attributes
    ----------
    rows : ndarray of int64, shape (k,)
        Rows (of :class:`TrialColumns`) of the complete trials shown.
    numbers : ndarray of int64, shape (k,)
        Their trial numbers.
    values : ndarray of float64, shape (k,)
        Their values.
    colour : ndarray of float64, shape (k,)
        Their colour positions (1 = best).
    failed_numbers, pruned_numbers : ndarray of int64
        Trials without a value, drawn on a marker row below the plot.
    best_x, best_y : ndarray
        Best-so-far among the shown trials as a ``steps-post`` line: the number at which
        each improvement happened, closed by the last shown number; empty when no trial
        is complete.
    best_number : int or None
        Trial number of the best shown trial.
    number_range : (int, int)
        Range of trial numbers of the search.
    value_range : (float, float)
        Range of the value axis in value units.
    log : bool
        Draw ``value - log_offset`` on a log scale.
    log_possible : bool
        A log scale can be drawn (some complete value; with ``log_offset`` when values
        are <= 0).
    log_offset : float
        Subtracted from values on a log scale (0.0 when every value is positive).
    value_label : str
        Label of the value axis as drawn now (``log_label`` when ``log``).
    log_label : str
        Label of the value axis on a log scale (``"value − (-3.2)"`` with an offset).
    direction : {"minimize", "maximize"}
    """

    rows: np.ndarray
    numbers: np.ndarray
    values: np.ndarray
    colour: np.ndarray
    failed_numbers: np.ndarray
    pruned_numbers: np.ndarray
    best_x: np.ndarray
    best_y: np.ndarray
    best_number: int | None
    number_range: tuple[int, int]
    value_range: tuple[float, float]
    log: bool
    log_possible: bool
    log_offset: float
    value_label: str
    log_label: str
    direction: str


@dataclass(frozen=True)
class ParallelInfo:
    """Parallel coordinates over every parameter and the value.

    Attributes
    ----------
    axes : tuple of Axis
        The parameters' axes, then the value axis, left to right.
    rows : ndarray of int64, shape (k,)
        Complete trials drawn, in draw order: worst first, best last (on top).
    positions : ndarray of float64, shape (k, len(axes))
        Each drawn trial's position in [0, 1] on each axis.
    colour : ndarray of float64, shape (k,)
        Colour positions (1 = best).
    failed_rows : ndarray of int64, shape (f,)
        Failed and pruned trials passing the brush, drawn apart over the parameter axes
        (none with ``best_fraction``).
    failed_positions : ndarray of float64, shape (f, len(axes) - 1)
        Their positions on the parameter axes.
    best_row : int or None
        Row of the best drawn trial (``rows[-1]``).
    n_complete : int
        Complete trials in the search (before brush and best fraction).
    best_fraction : float or None
        The fraction of best complete trials kept (None: all).
    n_lines : int
        Trials that pass the brush and the best fraction. Past :data:`MAX_LINES` of
        them, ``rows`` holds the best ``MAX_LINES / 2`` and an even sample of the rest,
        so that a figure of 50,000 trials stays readable and quick to draw.
    """

    axes: tuple[Axis, ...]
    rows: np.ndarray
    positions: np.ndarray
    colour: np.ndarray
    failed_rows: np.ndarray
    failed_positions: np.ndarray
    best_row: int | None
    n_complete: int
    best_fraction: float | None
    n_lines: int = 0


@dataclass(frozen=True)
class ScatterInfo:
    """Two chosen axes against each other: trials as points coloured by value.

    Positions are in [0, 1] along each axis; on a choice axis points are spread inside
    their category's band by a jitter fixed by the trial number (stable as trials arrive).

    Attributes
    ----------
    x_axis, y_axis : Axis
        The chosen axes (parameters, or the value axis).
    rows : ndarray of int64, shape (k,)
        Complete trials drawn, worst first, best last.
    x, y : ndarray of float64, shape (k,)
        Their positions.
    colour : ndarray of float64, shape (k,)
        Colour positions (1 = best).
    failed_rows : ndarray of int64, shape (f,)
        Failed and pruned trials passing the brush (none when an axis is the value, or
        with ``best_fraction``).
    failed_x, failed_y : ndarray of float64, shape (f,)
        Their positions.
    best_row : int or None
        Row of the best drawn trial.
    best_xy : (float, float) or None
        Its position.
    """

    x_axis: Axis
    y_axis: Axis
    rows: np.ndarray
    x: np.ndarray
    y: np.ndarray
    colour: np.ndarray
    failed_rows: np.ndarray
    failed_x: np.ndarray
    failed_y: np.ndarray
    best_row: int | None
    best_xy: tuple[float, float] | None


@dataclass(frozen=True)
class CurvesInfo:
    """Learning curves: the value every trial reported against the step, and the pruner's bars.

    Attributes
    ----------
    rows : ndarray of int64, shape (k,)
        Rows (of :class:`TrialColumns`) of the curves drawn, in draw order: pruned and
        failed trials first, then complete ones from worst to best, running ones last.
        Past :data:`MAX_LINES` curves, the running ones, the best complete half of the
        budget and an even sample of the rest.
    state : ndarray of uint8, shape (k,)
        Their state codes.
    offsets : ndarray of int64, shape (k + 1,)
        Curve ``i`` is ``steps[offsets[i]:offsets[i + 1]]`` against the same slice of
        ``values``.
    steps, values : ndarray of float64
        The curves' points, in the units of ``step_axis`` and ``value_axis``.
    colour : ndarray of float64, shape (k,)
        Colour position of a complete trial's final value (1 = best); NaN for the others.
    thresholds : tuple of PruneThreshold
        The bars the pruner judges trials against now (empty without a pruner).
    step_axis : Axis
        The steps' axis (linear).
    value_axis : Axis
        The reported values' axis, thresholds included (log when positive over two decades).
    n_curves : int
        Trials with a curve that pass the brush (drawn or not).
    pruner : str or None
        The pruner (its ``repr``), None without one.
    """

    rows: np.ndarray
    state: np.ndarray
    offsets: np.ndarray
    steps: np.ndarray
    values: np.ndarray
    colour: np.ndarray
    thresholds: tuple[PruneThreshold, ...]
    step_axis: Axis
    value_axis: Axis
    n_curves: int
    pruner: str | None

    def curve(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Return curve ``i`` (of ``rows[i]``): ``(steps, values)``."""
        a, b = int(self.offsets[i]), int(self.offsets[i + 1])
        return self.steps[a:b], self.values[a:b]


def _curves(
    columns: TrialColumns,
    mask: np.ndarray,
    colour: np.ndarray,
    thresholds: tuple[PruneThreshold, ...],
    pruner: str | None,
) -> CurvesInfo:
    lengths = columns.curve_lengths
    has = np.flatnonzero(mask & (lengths > 0))
    state = columns.state[has]
    # what to keep first when there are too many: running, then complete best first,
    # then the others by number
    running = has[state == _RUNNING]
    done = has[state == _COMPLETE]
    done = done[np.lexsort((columns.number[done], columns.rank[done]))]
    others = has[(state == _FAILED) | (state == _PRUNED)]
    budget = max(MAX_LINES - len(running), 0)
    kept = thin_lines(np.concatenate([done, others]), budget) if budget else has[:0]
    rows = np.concatenate([kept, running])
    code = columns.state[rows]
    group = np.where(code == _RUNNING, 2, np.where(code == _COMPLETE, 1, 0))
    key = np.where(code == _COMPLETE, np.nan_to_num(colour[rows], nan=0.0), 0.0)
    rows = rows[np.lexsort((columns.number[rows], key, group))]
    offsets, steps, values = columns.curves_of(rows)
    bars = np.array([v for t in thresholds for v in t.values], dtype=np.float64)
    bar_steps = np.array([x for t in thresholds for x in t.steps], dtype=np.float64)
    step_axis = Axis.for_values("step", np.concatenate([steps, bar_steps]), log=False)
    value_axis = Axis.for_values("reported value", np.concatenate([values, bars]))
    curve_colour = np.where(columns.state[rows] == _COMPLETE, colour[rows], np.nan)
    return CurvesInfo(
        rows=rows,
        state=columns.state[rows],
        offsets=offsets,
        steps=steps,
        values=values,
        colour=curve_colour,
        thresholds=thresholds,
        step_axis=step_axis,
        value_axis=value_axis,
        n_curves=int(has.size),
        pruner=pruner,
    )


@dataclass(frozen=True)
class ImportanceInfo:
    """How much of the value's variation each parameter explains, largest share first.

    Attributes
    ----------
    method : str
        The method, named as views show it (:data:`nbopt.searchers.IMPORTANCE_METHOD`).
    names : tuple of str
        Parameter names, largest share first (ties in space order).
    shares : ndarray of float64
        Their shares, summing to 1 (``result.importance()``'s values).
    n_complete : int
        Complete trials it was computed from.
    """

    method: str
    names: tuple[str, ...]
    shares: np.ndarray
    n_complete: int


def importance_info(
    trials: Iterable[Any], space: Space | Mapping[str, Any], direction: str = "minimize"
) -> ImportanceInfo | None:
    """Return the parameter importance of ``trials`` (None with fewer than 4 complete trials).

    The shares are :func:`nbopt.searchers.importance`'s, in order of size.

    Examples
    --------
    >>> from nbopt import space
    >>> from nbopt.searchers import Trial
    >>> trials = [Trial(i, {"x": i / 9, "y": (i * 7 % 10) / 9}, "complete", (i / 9) ** 2)
    ...           for i in range(10)]
    >>> info = importance_info(trials, {"x": space.Float(0, 1), "y": space.Float(0, 1)})
    >>> info.names[0], round(float(info.shares.sum()), 6)
    ('x', 1.0)
    """
    sp = as_space(space)
    complete = [
        t
        for t in trials
        if t.state == "complete" and t.value is not None and math.isfinite(float(t.value))
    ]
    if len(complete) < 4:
        return None
    shares = importance(complete, sp, direction)
    order = sorted(range(len(sp.names)), key=lambda j: (-shares[sp.names[j]], j))
    return ImportanceInfo(
        method=IMPORTANCE_METHOD,
        names=tuple(sp.names[j] for j in order),
        shares=np.array([shares[sp.names[j]] for j in order], dtype=np.float64),
        n_complete=len(complete),
    )


#: Metric names read as the train score or loss, in order of preference (SearchCV's first).
TRAIN_METRICS = ("mean_train_score", "train_score", "train", "train_loss", "train_value")
#: Most bins of a numeric parameter in the fit view.
FIT_BINS = 16


def train_metric(metric_names: Sequence[str]) -> str | None:
    """Return the metric that holds the train score (None when the trials report none).

    One of :data:`TRAIN_METRICS`, else the first ``mean_train_*`` (SearchCV with several
    metrics).

    Examples
    --------
    >>> train_metric(["mean_fit_time", "mean_train_score"]), train_metric(["f1"])
    ('mean_train_score', None)
    """
    for name in TRAIN_METRICS:
        if name in metric_names:
            return name
    for name in metric_names:
        if name.startswith("mean_train_"):
            return name
    return None


@dataclass(frozen=True)
class FitInfo:
    """Over- and underfitting: train and validation values against one hyperparameter.

    Trials are grouped by the parameter (one group per position when there are at most
    ``2 * FIT_BINS`` distinct ones, else :data:`FIT_BINS` equal bins along the axis, at
    their centres); each group's
    median train and validation values are the two lines, and the gap between them is
    what the view shades. Where validation is best between an underfitting and an
    overfitting end is ``best``.

    Attributes
    ----------
    param : str
        The hyperparameter on the x axis.
    train_metric : str
        The metric read as the train value.
    axis : Axis
        The parameter's axis.
    x : ndarray of float64, shape (g,)
        Group positions in [0, 1] along ``axis``, increasing.
    train, valid : ndarray of float64, shape (g,)
        Median train and validation (objective) values per group.
    count : ndarray of int64, shape (g,)
        Trials per group.
    points_x, points_train, points_valid : ndarray of float64, shape (k,)
        Every complete trial with a train value: position and both values.
    best : int or None
        Group with the best median validation value.
    value_axis : Axis
        The values' axis (train and validation together).
    direction : {"minimize", "maximize"}
    """

    param: str
    train_metric: str
    axis: Axis
    x: np.ndarray
    train: np.ndarray
    valid: np.ndarray
    count: np.ndarray
    points_x: np.ndarray
    points_train: np.ndarray
    points_valid: np.ndarray
    best: int | None
    value_axis: Axis
    direction: str


def fit_info(columns: TrialColumns, param: str | None = None) -> FitInfo | None:
    """Return the fit view over ``param`` (None when the trials report no train value).

    ``param`` defaults to the first parameter.

    Examples
    --------
    >>> from nbopt import space
    >>> from nbopt.searchers import Trial
    >>> trials = [Trial(d - 1, {"depth": d}, "complete", 1 - min(d, 6) / 10 + max(0, d - 6) / 20,
    ...                 metrics={"train": 1 - d / 10}) for d in range(1, 11)]
    >>> fit = fit_info(trial_columns(trials, {"depth": space.Int(1, 10)}))
    >>> fit.train_metric, int(fit.best), len(fit.x)
    ('train', 5, 10)
    """
    name = train_metric(columns.metric_names)
    if name is None or not columns.names:
        return None
    param = columns.names[0] if param is None else param
    if param not in columns.names:
        raise ValueError(f"fit_info: unknown parameter {param!r}; expected one of {columns.names}")
    j = columns.names.index(param)
    axis = columns.axes[j]
    train = columns.metrics[:, columns.metric_names.index(name)]
    ok = columns.complete & np.isfinite(train) & np.isfinite(columns.unit[:, j])
    px, pt, pv = columns.unit[ok, j], train[ok], columns.value[ok]
    distinct = np.unique(px)
    # a value each for an Int or a Choice, or values that recur (a grid): otherwise (a
    # continuous parameter, every trial at its own value) bins of several trials each,
    # about sqrt(n) of them, so that the medians follow a trend rather than each trial
    recurring = len(distinct) <= len(px) / 2
    discrete = axis.kind in ("int", "choice") or recurring
    if discrete and len(distinct) <= 2 * FIT_BINS:
        keys, group = distinct, np.searchsorted(distinct, px)
    else:
        bins = int(min(FIT_BINS, max(3, round(math.sqrt(len(px))))))
        group = np.minimum((px * bins).astype(np.int64), bins - 1)
        keys = (np.arange(bins) + 0.5) / bins
    count = np.bincount(group, minlength=len(keys)).astype(np.int64)
    used = np.flatnonzero(count)
    x = np.asarray(keys, dtype=np.float64)[used]
    tr = np.array([float(np.median(pt[group == g])) for g in used])
    va = np.array([float(np.median(pv[group == g])) for g in used])
    best = None
    if len(va):
        best = int(np.argmin(va) if columns.direction == "minimize" else np.argmax(va))
    both = np.concatenate([pt, pv])
    return FitInfo(
        param=param,
        train_metric=name,
        axis=axis,
        x=x,
        train=tr,
        valid=va,
        count=count[used],
        points_x=px,
        points_train=pt,
        points_valid=pv,
        best=best,
        value_axis=Axis.for_values("value", both),
        direction=columns.direction,
    )


@dataclass(frozen=True)
class TableColumn:
    """One column of the trial table: a numeric sort key per trial and its display text.

    Attributes
    ----------
    name : str
        Header text (user data: shown as text, never markup).
    kind : {"int", "float", "choice", "value", "state", "seconds", "text", "metric"}
        How the key is shown.
    key : ndarray of float64, shape (n,)
        Sort key of every trial (NaN = empty, sorted last). For ``choice``, ``state``
        and ``text`` columns it is an index into ``labels``.
    labels : tuple of str
        Texts of coded columns (option labels, state names, distinct error messages in
        alphabetical order, so that the key sorts them alphabetically).
    """

    name: str
    kind: ColumnKind
    key: np.ndarray
    labels: tuple[str, ...] = ()

    def text(self, rows: npt.ArrayLike) -> list[str]:
        """Display strings of the given rows (``""`` where empty).

        Examples
        --------
        >>> col = TableColumn("lr", "float", np.array([0.001234567, np.nan]))
        >>> col.text([0, 1])
        ['0.00123457', '']
        """
        keys = self.key[np.asarray(rows, dtype=np.int64)].tolist()
        if self.labels or self.kind in ("choice", "state", "text"):
            return ["" if k != k else self.labels[int(k)] for k in keys]
        if self.kind == "int":
            return ["" if k != k else str(int(k)) for k in keys]
        if self.kind == "seconds":
            return ["" if k != k else format_seconds(k) for k in keys]
        return ["" if k != k else _fmt(k, 6) for k in keys]


@dataclass(frozen=True)
class TableInfo:
    """The trial table: columns over every trial and the rows that pass the brush.

    Columns: ``number``, one per parameter, ``value`` (or ``objective``), ``state``,
    ``duration``, ``reason`` (why a trial failed or was pruned), then one per metric
    (``metric_<name>`` when the name is taken).

    Attributes
    ----------
    columns : tuple of TableColumn
        Keys over all trials (shape (n,) each).
    rows : ndarray of int64, shape (k,)
        Rows passing the brush, in trial-number order.
    """

    columns: tuple[TableColumn, ...]
    rows: np.ndarray

    @property
    def names(self) -> tuple[str, ...]:
        """Column names, in order."""
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> TableColumn:
        """Return the column called ``name``."""
        for c in self.columns:
            if c.name == name:
                return c
        raise ValueError(f"no table column {name!r}; the columns are {list(self.names)!r}")

    def order(self, by: str, descending: bool = False) -> np.ndarray:
        """Return the shown rows sorted by a column (stable; empty cells last either way)."""
        key = self.column(by).key[self.rows]
        empty = np.isnan(key)
        signed = np.where(empty, 0.0, -key if descending else key)
        return np.asarray(self.rows[np.lexsort((signed, empty))])

    def page(self, rows: npt.ArrayLike) -> list[list[str]]:
        """Display text of the given rows, one list per column."""
        return [c.text(rows) for c in self.columns]


def format_seconds(s: float) -> str:
    """Write a duration for people: ``12 µs``, ``3.4 ms``, ``2.5 s``, ``4 min``, ``1.2 h``.

    Examples
    --------
    >>> format_seconds(0.0034), format_seconds(240.0)
    ('3.4 ms', '4 min')
    """
    if s < 1e-3:
        return f"{s * 1e6:.0f} µs"
    if s < 1:
        return f"{s * 1e3:.3g} ms"
    if s < 120:
        return f"{s:.3g} s"
    if s < 7200:
        return f"{s / 60:.3g} min"
    return f"{s / 3600:.3g} h"


_COLUMN_KINDS: dict[str, ColumnKind] = {"float": "float", "int": "int", "choice": "choice"}


def _coded(texts: Sequence[str]) -> tuple[np.ndarray, tuple[str, ...]]:
    labels = tuple(sorted({t for t in texts if t}))
    index = {t: float(i) for i, t in enumerate(labels)}
    return np.array([index.get(t, np.nan) for t in texts], dtype=np.float64), labels


def _table(columns: TrialColumns, mask: np.ndarray) -> TableInfo:
    cols: list[TableColumn] = [TableColumn("number", "int", columns.number.astype(np.float64))]
    for j, axis in enumerate(columns.axes):
        kind = _COLUMN_KINDS[axis.kind]
        cols.append(TableColumn(axis.name, kind, columns.params[:, j].copy(), axis.categories))
    state_key = columns.state.astype(np.float64)
    cols += [
        TableColumn(columns.value_axis.name, "value", columns.value),
        TableColumn("state", "state", state_key, STATE_NAMES),
        TableColumn("duration", "seconds", columns.duration),
    ]
    reason_key, reason_labels = _coded(columns.reason)
    cols.append(TableColumn("reason", "text", reason_key, reason_labels))
    taken = {c.name for c in cols}
    for j, key in enumerate(columns.metric_names):
        name = key if key not in taken and not key.startswith("param_") else f"metric_{key}"
        taken.add(name)
        cols.append(TableColumn(name, "metric", columns.metrics[:, j]))
    return TableInfo(tuple(cols), np.flatnonzero(mask))


def _jitter(number: np.ndarray, salt: int) -> np.ndarray:
    # a hash of the trial number (Knuth's multiplicative constant): the same offset for a
    # trial in every update, whatever else arrived, and no generator state to carry
    h = (number.astype(np.uint64) * np.uint64(2654435761) + np.uint64(salt)) % np.uint64(2**32)
    return np.asarray(h.astype(np.float64) / 2**32 - 0.5)


def _positions_on(columns: TrialColumns, name: str, rows: np.ndarray, salt: int) -> np.ndarray:
    u = columns.positions(name)[rows]
    axis = columns.axis(name)
    if axis.kind == "choice" and len(rows):
        u = u + _jitter(columns.number[rows], salt) * 2 * _JITTER / len(axis.categories)
    return np.asarray(u)


def _best_fraction_mask(columns: TrialColumns, fraction: float | None) -> np.ndarray:
    complete = columns.rank > 0
    if fraction is None:
        return complete
    n_complete = int(complete.sum())
    keep = math.ceil(fraction * n_complete - 1e-9)
    return np.asarray(complete & (columns.rank <= keep))


def _draw_order(columns: TrialColumns, rows: np.ndarray) -> np.ndarray:
    """Rows sorted worst first, best last: the best are drawn on top."""
    return np.asarray(rows[np.argsort(-columns.rank[rows], kind="stable")])


def _history(columns: TrialColumns, mask: np.ndarray) -> HistoryInfo:
    shown = np.flatnonzero(mask & (columns.rank > 0))
    numbers = columns.number[shown]
    values = columns.value[shown]
    sign = 1.0 if columns.direction == "minimize" else -1.0
    if len(shown):
        running = sign * np.minimum.accumulate(sign * values)
        improved = np.flatnonzero(np.r_[True, running[1:] != running[:-1]])
        best_x = np.r_[numbers[improved], numbers[-1]]
        best_y = np.r_[running[improved], running[-1]]
        best_number: int | None = int(numbers[improved[-1]])
    else:
        best_x, best_y, best_number = np.zeros(0, np.int64), np.zeros(0), None
    vax = columns.value_axis
    finite = columns.value[columns.rank > 0]
    log_possible = bool(finite.size)
    # from every complete value, not the value axis (zoomed to the best with
    # best_fraction): each shown point must stay above the offset
    log_offset = 0.0
    if finite.size and finite.min() <= 0:
        span = float(finite.max() - finite.min()) or max(abs(float(finite.min())), 1.0)
        log_offset = float(finite.min()) - 1e-2 * span
    log_label = vax.name if log_offset == 0.0 else f"{vax.name} − ({_fmt(log_offset, 4)})"
    n_max = int(columns.number.max()) if columns.n else 0
    return HistoryInfo(
        rows=shown,
        numbers=numbers,
        values=values,
        colour=columns.colour[shown],
        failed_numbers=columns.number[mask & (columns.state == _FAILED)],
        pruned_numbers=columns.number[mask & (columns.state == _PRUNED)],
        best_x=np.asarray(best_x, dtype=np.int64),
        best_y=np.asarray(best_y, dtype=np.float64),
        best_number=best_number,
        number_range=(int(columns.number.min()) if columns.n else 0, n_max),
        value_range=(vax.lo, vax.hi),
        log=vax.log,
        log_possible=log_possible,
        log_offset=log_offset,
        value_label=log_label if vax.log else vax.name,
        log_label=log_label,
        direction=columns.direction,
    )


def _valueless(columns: TrialColumns, mask: np.ndarray, fraction: float | None) -> np.ndarray:
    if fraction is not None:
        # "the best 10%" has no room for trials without a value
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(mask & ((columns.state == _FAILED) | (columns.state == _PRUNED)))


def thin_lines(ranked: np.ndarray, max_lines: int = MAX_LINES) -> np.ndarray:
    """Pick the rows to draw of ``ranked`` (best first), returned worst first.

    All of them when few; else the best half of the budget and an even sample of the rest.
    The best come last, drawn on top.

    The frontend's ``linesToDraw`` (js/search/panels.ts) keeps the same rows.

    Examples
    --------
    >>> thin_lines(np.arange(10), max_lines=4).tolist()
    [6, 2, 1, 0]
    """
    ranked = np.asarray(ranked, dtype=np.int64)
    if len(ranked) <= max_lines:
        return ranked[::-1].copy()
    half = max_lines // 2
    step = (len(ranked) - half) / half
    sample = ranked[half + np.floor(np.arange(half) * step).astype(np.int64)]
    return np.concatenate([sample[::-1], ranked[:half][::-1]])


def _parallel(
    columns: TrialColumns, mask: np.ndarray, fraction: float | None, keep: np.ndarray
) -> ParallelInfo:
    eligible = _draw_order(columns, np.flatnonzero(mask & keep))
    rows = thin_lines(eligible[::-1])
    positions = np.column_stack([columns.unit[rows], columns.value_unit[rows]])
    failed = _valueless(columns, mask, fraction)
    return ParallelInfo(
        axes=(*columns.axes, columns.value_axis),
        rows=rows,
        positions=positions.reshape(len(rows), len(columns.axes) + 1),
        colour=columns.colour[rows],
        failed_rows=failed,
        failed_positions=columns.unit[failed],
        best_row=int(rows[-1]) if len(rows) else None,
        n_complete=int((columns.rank > 0).sum()),
        best_fraction=fraction,
        n_lines=len(eligible),
    )


def _scatter(
    columns: TrialColumns,
    mask: np.ndarray,
    fraction: float | None,
    keep: np.ndarray,
    pair: tuple[str, str],
) -> ScatterInfo:
    xa, ya = pair
    rows = _draw_order(columns, np.flatnonzero(mask & keep))
    x = _positions_on(columns, xa, rows, 0)
    y = _positions_on(columns, ya, rows, 7919)
    value_name = columns.value_axis.name
    failed = (
        _valueless(columns, mask, fraction) if value_name not in pair else np.zeros(0, np.int64)
    )
    best_row = int(rows[-1]) if len(rows) else None
    return ScatterInfo(
        x_axis=columns.axis(xa),
        y_axis=columns.axis(ya),
        rows=rows,
        x=x,
        y=y,
        colour=columns.colour[rows],
        failed_rows=failed,
        failed_x=_positions_on(columns, xa, failed, 0),
        failed_y=_positions_on(columns, ya, failed, 7919),
        best_row=best_row,
        best_xy=None if best_row is None else (float(x[-1]), float(y[-1])),
    )


def _check_pair(columns: TrialColumns, pair: Sequence[str] | None) -> tuple[str, str]:
    known = [*columns.names, columns.value_axis.name]
    if pair is None:
        if len(columns.names) >= 2:
            return columns.names[0], columns.names[1]
        return columns.names[0], columns.value_axis.name
    if isinstance(pair, str) or not isinstance(pair, Sequence) or len(pair) != 2:
        raise TypeError(f"pair must be two axis names such as {tuple(known[:2])!r}, got {pair!r}")
    for name in pair:
        if name not in known:
            raise ValueError(f"pair: unknown axis {name!r}; the axes are {known!r}")
    if pair[0] == pair[1]:
        raise ValueError(f"pair: needs two different axes, got {pair[0]!r} twice")
    return str(pair[0]), str(pair[1])


def _check_fraction(fraction: float | None) -> float | None:
    if fraction is None:
        return None
    if isinstance(fraction, bool) or not isinstance(fraction, numbers.Real):
        raise TypeError(f"best_fraction must be a number in (0, 1] or None, got {fraction!r}")
    f = float(fraction)
    if not 0.0 < f <= 1.0:
        raise ValueError(
            f"best_fraction must be in (0, 1] (0.1 keeps the best 10% of complete trials), "
            f"got {fraction!r}"
        )
    return f


@dataclass(frozen=True)
class SearchInfo:
    """Everything needed to draw the search dashboard at one moment.

    Attributes
    ----------
    columns : TrialColumns
        All trials as columns; every view below indexes its rows.
    header : HeaderInfo
        Progress, best trial, time, overhead (whole search, not brushed).
    mask : ndarray of bool, shape (n,)
        Trials passing ``brush``: applied to every view and the table.
    brush : dict
        The brush, checked: ``{name: (lo, hi)}`` or ``{choice name: frozenset(labels)}``;
        ``with_view(brush=info.brush)`` gives the same mask.
    best_fraction : float or None
        Fraction of the best complete trials drawn in the parallel coordinates and the
        scatter (None: all).
    pair : (str, str)
        Axes of the scatter.
    value_axis : Axis
        The value axis of the views: ``columns.value_axis``, or with ``best_fraction``
        the range of the kept trials only (so that they spread over it).
    colour : ndarray of float64, shape (n,)
        Colour positions of the views over ``value_axis`` (1 = best; clipped to 0 for
        trials worse than its range; NaN without a value).
    history : HistoryInfo
    parallel : ParallelInfo
    scatter : ScatterInfo
    table : TableInfo
    curves : CurvesInfo
        Learning curves (empty when no trial reported intermediate values).
    importance : ImportanceInfo or None
        Parameter importance of the whole search (not brushed); None before 4 trials
        are complete.
    fit : FitInfo or None
        Train against validation values over the most important parameter (the first
        one before importance is known); None when the trials report no train value.
    inside : GridInfo, CoverageInfo or None
        The searcher's inside view over ``pair`` (see :func:`nbopt.drawing.inside_info`),
        for a SearchResult or a Searcher; None for a list of trials.
    """

    columns: TrialColumns
    header: HeaderInfo
    mask: np.ndarray
    brush: Mapping[str, Any]
    best_fraction: float | None
    pair: tuple[str, str]
    value_axis: Axis
    colour: np.ndarray
    history: HistoryInfo
    parallel: ParallelInfo
    scatter: ScatterInfo
    table: TableInfo
    curves: CurvesInfo
    importance: ImportanceInfo | None = None
    fit: FitInfo | None = None
    inside: Any = None

    def with_view(
        self,
        *,
        brush: Brush | None = None,
        best_fraction: float | None = None,
        pair: Sequence[str] | None = None,
    ) -> SearchInfo:
        """Recompute the views for another brush, fraction or pair (the trials are reused).

        Examples
        --------
        >>> from nbopt import space
        >>> from nbopt.searchers import Trial
        >>> trials = [Trial(i, {"x": i / 9}, "complete", float(i)) for i in range(10)]
        >>> info = search_info(trials, space={"x": space.Float(0, 1)})
        >>> len(info.with_view(best_fraction=0.2).parallel.rows)
        2
        """
        return replace(
            _views(
                self.columns,
                self.header,
                brush,
                best_fraction,
                pair,
                self.curves.thresholds,
                self.curves.pruner,
            ),
            importance=self.importance,
            fit=self.fit,
            inside=self.inside,
        )


def _views(
    columns: TrialColumns,
    header: HeaderInfo,
    brush: Brush | None,
    best_fraction: float | None,
    pair: Sequence[str] | None,
    thresholds: tuple[PruneThreshold, ...] = (),
    pruner: str | None = None,
) -> SearchInfo:
    checked = _normalize_brush(columns, brush)
    fraction = _check_fraction(best_fraction)
    xy = _check_pair(columns, pair)
    mask = _mask_of(columns, checked)
    keep = _best_fraction_mask(columns, fraction)
    view = columns if fraction is None else _zoomed(columns, keep)
    return SearchInfo(
        columns=columns,
        header=header,
        mask=mask,
        brush={
            name: frozenset(columns.axis(name).categories[i] for i in sel)
            if isinstance(sel, frozenset)
            else sel
            for name, sel in checked.items()
        },
        best_fraction=fraction,
        pair=xy,
        value_axis=view.value_axis,
        colour=view.colour,
        history=_history(view, mask),
        parallel=_parallel(view, mask, fraction, keep),
        scatter=_scatter(view, mask, fraction, keep, xy),
        table=_table(columns, mask),
        curves=_curves(columns, mask, columns.colour, thresholds, pruner),
    )


def _zoomed(columns: TrialColumns, keep: np.ndarray) -> TrialColumns:
    """Return the columns with the value axis and colours spanning only the kept trials.

    Keeping the best 10% on the full colour scale would paint them all one colour; over
    their own range they spread across the colour map and the value axis.
    """
    kept = columns.value[keep]
    axis = Axis.for_values(columns.value_axis.name, kept, columns.value_axis.log)
    sign = 1.0 if columns.direction == "minimize" else -1.0
    return replace(
        columns,
        value_axis=axis,
        value_unit=axis.to_unit(columns.value),
        colour=_colour_on(axis, columns.value, kept, sign),
    )


# ------------------------------------------------------------------ header and sources


def _mean(x: np.ndarray) -> float | None:
    ok = x[np.isfinite(x)]
    return float(ok.mean()) if ok.size else None


class HeaderTally:
    """Running totals behind :class:`HeaderInfo`, added to one batch of finished trials at a time.

    :func:`search_info` fills one from every trial at once and a live dashboard adds each
    batch as it finishes, so both headers follow the same rules at a cost that does not
    grow with the number of trials.
    """

    def __init__(self, direction: str) -> None:
        self.sign = 1.0 if direction == "minimize" else -1.0
        self.n_complete = 0
        self.n_failed = 0
        self.n_pruned = 0
        self.best_number: int | None = None
        self.best_value: float | None = None
        self.best_params: tuple[tuple[str, str], ...] = ()
        self.first_start: datetime | None = None
        self.last_end: datetime | None = None
        self.ask_sum = 0.0
        self.ask_n = 0
        self.duration_sum = 0.0
        self.duration_n = 0
        # learning curves of the finished trials: how many, their last steps, the first
        # step reported, the longest complete one, and the pruned ones
        self.curve_n = 0
        self.last_sum = 0.0
        self.first_step = math.inf
        self.complete_last = -math.inf
        self.any_last = -math.inf
        self.pruned_n = 0
        self.pruned_last_sum = 0.0

    def add(self, columns: TrialColumns, trials: Sequence[Any]) -> None:
        """Count the finished rows of ``columns`` (``trials`` are the same trials, any order)."""
        finished = columns.state != _RUNNING
        counts = np.bincount(columns.state[finished], minlength=len(STATE_NAMES))
        self.n_complete += int(counts[_COMPLETE])
        self.n_failed += int(counts[_FAILED])
        self.n_pruned += int(counts[_PRUNED])
        ok = columns.complete & ~np.isnan(columns.value)
        if ok.any():
            rows = np.flatnonzero(ok)
            keys = self.sign * columns.value[rows]
            k = int(rows[np.lexsort((columns.number[rows], keys))[0]])
            value, number = float(columns.value[k]), int(columns.number[k])
            if (
                self.best_value is None
                or self.best_number is None
                or self.sign * value < self.sign * self.best_value
                or (value == self.best_value and number < self.best_number)
            ):
                self.best_value, self.best_number = value, number
                self.best_params = tuple(
                    (axis.name, axis.label(float(columns.params[k, j])))
                    for j, axis in enumerate(columns.axes)
                )
        ask = columns.ask_seconds[finished]
        ask = ask[np.isfinite(ask)]
        self.ask_sum += float(ask.sum())
        self.ask_n += int(ask.size)
        dur = columns.duration[finished]
        dur = dur[np.isfinite(dur)]
        self.duration_sum += float(dur.sum())
        self.duration_n += int(dur.size)
        self._add_curves(columns, finished)
        for t in trials:
            if t.state == "running":
                continue
            start, end = t.datetime_start, t.datetime_complete
            if start is not None and (self.first_start is None or start < self.first_start):
                self.first_start = start
            if end is not None and (self.last_end is None or end > self.last_end):
                self.last_end = end

    def _add_curves(self, columns: TrialColumns, finished: np.ndarray) -> None:
        rows = np.flatnonzero(finished & (columns.curve_lengths > 0))
        if not rows.size:
            return
        first = columns.curve_steps[columns.curve_offsets[rows]]
        last = columns.curve_steps[columns.curve_offsets[rows + 1] - 1]
        state = columns.state[rows]
        self.curve_n += int(rows.size)
        self.last_sum += float(last.sum())
        self.first_step = min(self.first_step, float(first.min()))
        self.any_last = max(self.any_last, float(last.max()))
        done = state == _COMPLETE
        if done.any():
            self.complete_last = max(self.complete_last, float(last[done].max()))
        pruned = state == _PRUNED
        self.pruned_n += int(pruned.sum())
        self.pruned_last_sum += float(last[pruned].sum())

    def _steps(self) -> tuple[float | None, float | None]:
        if not self.curve_n:
            return None, None
        base = 1.0 if self.first_step == 0 else 0.0
        run = self.last_sum + base * self.curve_n
        full = (self.complete_last if self.complete_last > -math.inf else self.any_last) + base
        saved = max(0.0, self.pruned_n * full - (self.pruned_last_sum + base * self.pruned_n))
        return run, saved

    def header(
        self,
        *,
        method: str,
        status: str,
        error: str | None,
        n_total: int | None,
        now: datetime,
        running: Sequence[Any] = (),
    ) -> HeaderInfo:
        """Return the header now, with ``running`` the trials still in flight."""
        n_done = self.n_complete + self.n_failed + self.n_pruned
        first = self.first_start
        ask_sum, ask_n = self.ask_sum, self.ask_n
        for t in running:
            if t.datetime_start is not None and (first is None or t.datetime_start < first):
                first = t.datetime_start
            a = t.info.get("ask_seconds") if isinstance(t.info, Mapping) else None
            if isinstance(a, numbers.Real) and math.isfinite(float(a)):
                ask_sum += float(a)
                ask_n += 1
        elapsed: float | None = None
        if first is not None:
            last = now if status == "running" or self.last_end is None else self.last_end
            elapsed = max(0.0, (last - first).total_seconds())
        remaining: float | None = None
        if n_total is not None and elapsed is not None and n_done:
            remaining = 0.0 if n_done >= n_total else elapsed / n_done * (n_total - n_done)
            if status not in ("running", "idle", "paused"):
                remaining = None
        ask = ask_sum / ask_n if ask_n else None
        trial = self.duration_sum / self.duration_n if self.duration_n else None
        overhead = None
        if ask is not None and trial is not None and ask + trial > 0:
            overhead = ask / (ask + trial)
        steps_run, steps_saved = self._steps()
        return HeaderInfo(
            method=method,
            direction="minimize" if self.sign > 0 else "maximize",
            status=status,
            error=error,
            n_done=n_done,
            n_total=n_total,
            n_complete=self.n_complete,
            n_failed=self.n_failed,
            n_pruned=self.n_pruned,
            n_running=len(running),
            best_number=self.best_number,
            best_value=self.best_value,
            best_params=self.best_params,
            elapsed=elapsed,
            remaining=remaining,
            ask_seconds=ask,
            trial_seconds=trial,
            overhead=overhead,
            steps_run=steps_run,
            steps_saved=steps_saved,
        )


def _header(
    columns: TrialColumns,
    trials: Sequence[Any],
    *,
    method: str,
    status: str,
    error: str | None,
    n_total: int | None,
    now: datetime,
) -> HeaderInfo:
    tally = HeaderTally(columns.direction)
    tally.add(columns, trials)
    running = [t for t in trials if t.state == "running"]
    return tally.header(
        method=method, status=status, error=error, n_total=n_total, now=now, running=running
    )


@dataclass
class _Source:
    trials: list[Any]
    space: Space
    direction: str
    method: str
    status: str
    error: str | None
    n_total: int | None
    live: Mapping[int, tuple[Any, Any]] | None = None
    thresholds: tuple[PruneThreshold, ...] = ()
    pruner: str | None = None
    searcher: Any = None


def engine_curves(
    engine: Any,
) -> tuple[dict[int, tuple[Any, Any]], tuple[PruneThreshold, ...], str | None]:
    """Return a search engine's running curves, its pruner's bars now and the pruner's repr.

    ``engine`` is a :class:`~nbopt.searchers.SearchEngine` (or None: nothing).
    """
    if engine is None:
        return {}, (), None
    pruner = getattr(engine, "pruner", None)
    live = dict(engine.running_curves())
    if pruner is None:
        return live, (), None
    return live, tuple(pruner.thresholds(engine.study)), repr(pruner)


def _source(source: Any, space: Space | Mapping[str, Any] | None, direction: str | None) -> _Source:
    from nbopt.searchers import Searcher, SearchResult

    if isinstance(source, SearchResult | Searcher):
        if space is not None or direction is not None:
            raise TypeError(
                f"search_info: space= and direction= are for a list of trials; a "
                f"{type(source).__name__} carries its own"
            )
    if isinstance(source, SearchResult):
        finished = source.trials
        seen = {t.number for t in finished}
        running = []
        if source.searcher is not None and not source.done:
            running = [
                t for t in source.searcher.trials if t.state == "running" and t.number not in seen
            ]
        if source.error is not None:
            status = "error"
        elif not source.done:
            status = "running"
        else:
            status = "stopped" if source.interrupted else "finished"
        err = None
        if source.error is not None:
            text = str(source.error)
            err = f"{type(source.error).__name__}: {text}" if text else type(source.error).__name__
        live, thresholds, pruner = engine_curves(getattr(source, "engine", None))
        return _Source(
            [*finished, *running],
            source.space,
            source.direction,
            source.method,
            status,
            err,
            source.n_trials,
            live,
            thresholds,
            pruner,
            source.searcher,
        )
    if isinstance(source, Searcher):
        trials = source.trials
        status = "running" if any(t.state == "running" for t in trials) else "idle"
        return _Source(
            trials,
            source.space,
            source.direction,
            type(source).__name__,
            status,
            None,
            None,
            searcher=source,
        )
    if isinstance(source, Sequence | Iterable) and not isinstance(source, str | bytes | Mapping):
        if space is None:
            raise TypeError(
                "search_info: a list of trials needs space= (the Space or dict name -> "
                "dimension they were asked in)"
            )
        trials = list(source)
        in_flight = any(t.state == "running" for t in trials if hasattr(t, "state"))
        return _Source(
            trials,
            as_space(space),
            direction or "minimize",
            "trials",
            "running" if in_flight else "finished",
            None,
            None,
        )
    raise TypeError(
        "search_info: expected a SearchResult, a Searcher or a list of Trial objects "
        f"(with space=), got {type(source).__name__}"
    )


def search_info(
    source: Any,
    *,
    space: Space | Mapping[str, Any] | None = None,
    direction: str | None = None,
    brush: Brush | None = None,
    best_fraction: float | None = None,
    pair: Sequence[str] | None = None,
    value_log: bool | None = None,
    n_total: int | None = None,
    now: datetime | None = None,
    status: str | None = None,
    method: str | None = None,
    curves: Mapping[int, tuple[npt.ArrayLike, npt.ArrayLike]] | None = None,
    thresholds: Sequence[PruneThreshold] | None = None,
    pruner: str | None = None,
) -> SearchInfo:
    """Drawing info of a search: header, history, parallel coordinates, scatter, curves, table.

    Parameters
    ----------
    source : SearchResult, Searcher or list of Trial
        The search (read only). Running trials of a search in progress are included.
    space : Space or dict, optional
        The space, for a list of trials only.
    direction : {"minimize", "maximize"}, optional
        For a list of trials only (default ``"minimize"``).
    brush : dict, optional
        ``{axis name: (lo, hi)}`` in axis units, ``{choice name: set of categories}``;
        trials outside are left out of every view and the table (see :func:`filter_mask`).
    best_fraction : float in (0, 1], optional
        Draw only this fraction of the best complete trials in the parallel coordinates
        and the scatter (``0.1``: the best 10%), so that thousands of trials stay readable.
    pair : (str, str), optional
        The scatter's axes: two parameter names (or the value axis' name). The first two
        parameters by default (the parameter and the value for a one-parameter space).
    value_log : bool, optional
        Log value axis; by default when the values are positive and span two decades.
    n_total : int, optional
        The trial budget, when the source does not know it (a SearchResult does).
    now : datetime, optional
        The current time (UTC) for the elapsed time of a running search.
    status : str, optional
        The search's state as its driver knows it (``"paused"``...), instead of the one
        read from the source.
    method : str, optional
        The searcher's name, for a list of trials.
    curves : dict number -> (steps, values), optional
        Learning curves of running trials so far (a SearchResult brings its own).
    thresholds : sequence of PruneThreshold, optional
        The pruner's bars to draw (a SearchResult brings its own).
    pruner : str, optional
        The pruner's name, shown with the curves.

    Returns
    -------
    SearchInfo

    Examples
    --------
    >>> import nbopt
    >>> from nbopt import space
    >>> dims = {"lr": space.Float(1e-4, 1e-1, log=True), "act": space.Choice(["relu", "tanh"])}
    >>> def f(lr, act):
    ...     return (lr - 0.01) ** 2 + (act == "tanh")
    >>> res = nbopt.search(f, dims, method="random", n_trials=20, seed=0)
    >>> info = search_info(res, best_fraction=0.5, brush={"act": {"relu"}})
    >>> info.header.n_done, info.header.n_total, info.parallel.axes[-1].name
    (20, 20, 'value')
    >>> bool((info.columns.params[info.table.rows, 1] == 0).all())
    True
    """
    src = _source(source, space, direction)
    if n_total is None:
        n_total = src.n_total
    elif isinstance(n_total, bool) or not isinstance(n_total, numbers.Integral) or n_total < 0:
        raise ValueError(f"n_total must be a non-negative int or None, got {n_total!r}")
    if now is None:
        now = datetime.now(timezone.utc)
    live = src.live if curves is None else curves
    columns = trial_columns(src.trials, src.space, src.direction, value_log=value_log, curves=live)
    header = _header(
        columns,
        src.trials,
        method=src.method if method is None else str(method),
        status=src.status if status is None else str(status),
        error=src.error,
        n_total=None if n_total is None else int(n_total),
        now=now,
    )
    bars = src.thresholds if thresholds is None else tuple(thresholds)
    views = _views(
        columns,
        header,
        brush,
        best_fraction,
        pair,
        bars,
        src.pruner if pruner is None else str(pruner),
    )
    imp = importance_info(src.trials, src.space, src.direction)
    fit = fit_info(columns, None if imp is None else imp.names[0])
    inside = None
    if src.searcher is not None:
        from nbopt.drawing._inside import inside_info

        xy = views.pair if all(p in columns.names for p in views.pair) else None
        finished = [t for t in src.trials if t.state != "running"]
        cols = trial_columns(finished, src.space, src.direction)
        inside = inside_info(src.searcher, cols, xy)
    return replace(views, importance=imp, fit=fit, inside=inside)


# ------------------------------------------------------------------ streaming


@dataclass(frozen=True)
class SearchUpdate:
    """What a search added since the previous update: the streaming side of SearchInfo.

    Attributes
    ----------
    columns : TrialColumns
        The trials that finished since, as columns; their value positions and colours are
        on ``value_axis`` (all the trials so far), their ``metrics`` follow
        ``metric_names``.
    value_axis : Axis
        The value axis of every complete trial so far.
    metric_names : tuple of str
        Every metric reported so far, in order of first appearance.
    metrics : ndarray, shape (k, len(metric_names))
        The new trials' metrics in that order (NaN where not reported).
    header : HeaderInfo
        The header now.
    running : tuple of int
        Numbers of the trials in flight.
    """

    columns: TrialColumns
    value_axis: Axis
    metric_names: tuple[str, ...]
    metrics: np.ndarray
    header: HeaderInfo
    running: tuple[int, ...]


class SearchFeed:
    """Turn the trials that finish into :class:`SearchUpdate` objects.

    The cost of an update depends on the new trials only, not on how many came before.

    Parameters
    ----------
    space : Space or dict
        The search space.
    direction : {"minimize", "maximize"}
        Whether smaller or larger values are better.
    value_log : bool, optional
        Log value axis (by default: positive values spanning two decades).

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> from nbopt import space
    >>> from nbopt.searchers import Trial
    >>> feed = SearchFeed({"x": space.Float(0, 1)})
    >>> update = feed.update(
    ...     [Trial(0, {"x": 0.5}, "complete", 2.0)],
    ...     method="RandomSearch", status="running", error=None, n_total=10,
    ...     now=datetime.now(timezone.utc),
    ... )
    >>> update.header.n_done, update.header.best_value
    (1, 2.0)
    """

    def __init__(
        self,
        space: Space | Mapping[str, Any],
        direction: str = "minimize",
        *,
        value_log: bool | None = None,
    ) -> None:
        self._space = as_space(space)
        if direction not in ("minimize", "maximize"):
            raise ValueError(f"direction must be 'minimize' or 'maximize', got {direction!r}")
        self._direction = direction
        self._value_log = value_log
        self._name = _value_axis_name(self._space.names)
        self._axes = tuple(Axis.of(name, self._space[name]) for name in self._space.names)
        self.rebase(())

    @property
    def space(self) -> Space:
        """The search space."""
        return self._space

    @property
    def direction(self) -> str:
        """``"minimize"`` or ``"maximize"``."""
        return self._direction

    def rebase(self, trials: Iterable[Any]) -> None:
        """Start after ``trials`` (the finished trials a snapshot holds)."""
        finished = [t for t in trials if t.state != "running"]
        self._tally = HeaderTally(self._direction)
        # trials already counted: a batch reported after a snapshot may repeat some
        self._taken: set[int] = {int(t.number) for t in finished}
        self._lo = math.inf
        self._hi = -math.inf
        self._metric_names: dict[str, None] = {}
        if finished:
            columns = trial_columns(finished, self._space, self._direction)
            self._take(columns, finished)

    def _take(self, columns: TrialColumns, trials: Sequence[Any]) -> None:
        self._tally.add(columns, trials)
        values = columns.value[columns.complete]
        if values.size:
            self._lo = min(self._lo, float(values.min()))
            self._hi = max(self._hi, float(values.max()))
        self._metric_names.update(dict.fromkeys(columns.metric_names))

    @property
    def value_axis(self) -> Axis:
        """The value axis of every complete trial so far."""
        values = np.array([self._lo, self._hi]) if self._lo <= self._hi else np.zeros(0)
        return Axis.for_values(self._name, values, self._value_log)

    @property
    def metric_names(self) -> tuple[str, ...]:
        """Every metric reported so far, in order of first appearance."""
        return tuple(self._metric_names)

    def update(
        self,
        trials: Sequence[Any],
        *,
        method: str,
        status: str,
        error: str | None,
        n_total: int | None,
        now: datetime,
        running: Sequence[Any] = (),
    ) -> SearchUpdate:
        """Take the newly finished ``trials`` and return what to draw of them.

        Trials already taken (by :meth:`rebase` or an earlier update) are left out.
        """
        finished = [t for t in trials if t.state != "running" and int(t.number) not in self._taken]
        self._taken.update(int(t.number) for t in finished)
        # the value axis spans every trial so far: its extremes first, then one pass
        for t in finished:
            v = t.value
            if t.state == "complete" and v is not None and math.isfinite(v):
                self._lo = min(self._lo, float(v))
                self._hi = max(self._hi, float(v))
        axis = self.value_axis
        columns = trial_columns(
            finished, self._space, self._direction, axes=self._axes, value_axis=axis
        )
        self._take(columns, finished)
        sign = 1.0 if self._direction == "minimize" else -1.0
        scale = np.array([self._lo, self._hi]) if self._lo <= self._hi else np.zeros(0)
        columns = replace(columns, colour=_colour_on(axis, columns.value, scale, sign))
        names = self.metric_names
        metrics = np.full((columns.n, len(names)), np.nan)
        for j, name in enumerate(columns.metric_names):
            metrics[:, names.index(name)] = columns.metrics[:, j]
        header = self._tally.header(
            method=method, status=status, error=error, n_total=n_total, now=now, running=running
        )
        return SearchUpdate(
            columns=columns,
            value_axis=axis,
            metric_names=names,
            metrics=metrics,
            header=header,
            running=tuple(sorted(int(t.number) for t in running)),
        )
