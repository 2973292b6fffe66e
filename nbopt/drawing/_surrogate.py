"""Inside a Bayesian search: its surrogate's mean and uncertainty and its acquisition.

:func:`surrogate_info` evaluates the searcher's own model (the one its last proposal was
made with, see :meth:`nbopt.searchers.BayesianSearch.surrogate_grid`) on the dashboard's
two chosen parameters, the others held at the best trial's values, and along every
parameter alone (the textbook slice: the mean with its band, the acquisition beneath).
Positions are in [0, 1] along the dashboard's axes; colour scales and contour levels are
chosen here, so the live dashboard and the matplotlib export draw the same picture.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from nbopt.drawing._search import Axis, TrialColumns

__all__ = ["GRID_RESOLUTION", "N_LEVELS", "SLICE_RESOLUTION", "SurrogateInfo", "surrogate_info"]

#: Points per numeric axis of the 2-D heatmaps.
GRID_RESOLUTION = 40
#: Points along a numeric axis of a 1-D slice.
SLICE_RESOLUTION = 60
#: Contour lines per heatmap.
N_LEVELS = 6
#: The acquisition's colour scale spans this much log EI below its maximum (a factor of
#: about 160,000 in expected improvement): far lower values are all "not worth a trial".
ACQUISITION_SPAN = 12.0


@dataclass(frozen=True)
class SurrogateInfo:
    """A Bayesian search's model over two parameters and along each one, ready to draw.

    Attributes
    ----------
    kind : str
        ``"surrogate"``.
    pair : (str, str)
        The parameters on the x and y axes.
    x, y : ndarray of float64
        Positions in [0, 1] of the heatmaps' columns and rows on the two axes.
    mean, std, acquisition : ndarray of float64, shape (len(y), len(x))
        The posterior mean and standard deviation in objective units, and log expected
        improvement (the acquisition the searcher maximizes; higher is more promising).
    scales : dict
        Per field (``"mean"``, ``"std"``, ``"acquisition"``): ``lo``, ``hi`` (the colour
        range), ``log`` (colour by ``log10(v - offset)``), ``offset`` and ``better``
        (``"low"``, ``"high"`` or ``"none"``: which end is the good one).
    levels : dict
        Per field, the values of its contour lines.
    next : (float, float)
        Position of the proposed point on the two axes.
    next_params : dict
        The proposed params.
    fixed : dict
        Values the other parameters are held at (the best trial's).
    trial : int or None
        The trial the proposal became (None: the next ask would make it).
    n_model : int
        Trials the model was conditioned on.
    mode : str
        Where the acquisition was maximized: ``"global"``, ``"trust_region"`` or
        ``"evolution"``.
    box : (x0, x1, y0, y1) or None
        The trust region on the two axes (positions), when the proposal was searched there.
    slice_names : tuple of str
        The parameters with a 1-D slice, in the space's order.
    slice_offsets : ndarray of int64, shape (len(slice_names) + 1,)
        Slice ``i`` is ``[slice_offsets[i], slice_offsets[i + 1])`` of the slice arrays.
    slice_u, slice_mean, slice_std, slice_acquisition : ndarray of float64
        Positions on the parameter's axis, mean, std and log EI along each slice.
    slice_next : ndarray of float64, shape (len(slice_names),)
        The proposed point's position on each parameter's axis.
    """

    kind: str
    pair: tuple[str, str]
    x: np.ndarray
    y: np.ndarray
    mean: np.ndarray
    std: np.ndarray
    acquisition: np.ndarray
    scales: dict[str, dict[str, Any]]
    levels: dict[str, list[float]]
    next: tuple[float, float]
    next_params: dict[str, Any]
    fixed: dict[str, Any]
    trial: int | None
    n_model: int
    mode: str
    box: tuple[float, float, float, float] | None
    slice_names: tuple[str, ...]
    slice_offsets: np.ndarray
    slice_u: np.ndarray
    slice_mean: np.ndarray
    slice_std: np.ndarray
    slice_acquisition: np.ndarray
    slice_next: np.ndarray


def _plain(value: Any) -> Any:
    """Return a JSON-ready scalar: numpy scalars unwrapped, other objects as text."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def _positions(axis: Axis, values: Any) -> np.ndarray:
    """Positions in [0, 1] of native values on a parameter's axis."""
    vals = list(values) if not isinstance(values, list) else values
    if axis.kind == "choice":
        return np.array(
            [(axis.categories.index(str(v)) + 0.5) / len(axis.categories) for v in vals],
            dtype=np.float64,
        )
    return np.asarray(axis.to_unit(np.asarray(vals, dtype=float)), dtype=np.float64)


def _scale(
    values: np.ndarray, better: str, axis: Axis | None, span: float | None = None
) -> dict[str, Any]:
    finite = values[np.isfinite(values)]
    if not len(finite):
        return {"lo": 0.0, "hi": 1.0, "log": False, "offset": 0.0, "better": better}
    log = bool(axis is not None and axis.log and np.all(finite - axis.offset > 0))
    offset = float(axis.offset) if log and axis is not None else 0.0
    lo, hi = float(finite.min()), float(finite.max())
    if span is not None:
        lo = max(lo, hi - span)
    return {"lo": lo, "hi": hi, "log": log, "offset": offset, "better": better}


def _levels(scale: Mapping[str, Any]) -> list[float]:
    """Contour values evenly spaced (in the colour scale's units) inside its range."""
    lo, hi = float(scale["lo"]), float(scale["hi"])
    if not hi > lo:
        return []
    if scale["log"]:
        off = float(scale["offset"])
        a, b = math.log10(lo - off), math.log10(hi - off)
        return [off + 10 ** (a + (b - a) * k / (N_LEVELS + 1)) for k in range(1, N_LEVELS + 1)]
    return [lo + (hi - lo) * k / (N_LEVELS + 1) for k in range(1, N_LEVELS + 1)]


def surrogate_info(
    searcher: Any,
    columns: TrialColumns,
    pair: tuple[str, str],
    *,
    refit: bool = True,
    resolution: int = GRID_RESOLUTION,
    slice_resolution: int = SLICE_RESOLUTION,
) -> SurrogateInfo | None:
    """Return the surrogate view of a Bayesian search over ``pair`` (None before 2 trials).

    ``searcher`` is a :class:`~nbopt.searchers.BayesianSearch` (or anything with its
    ``surrogate_grid`` and ``surrogate_slice``). ``refit=False`` draws the model of the
    last proposal even when trials finished since (nothing is fitted: the dashboard's
    choice while the search runs).

    Examples
    --------
    >>> import nbopt
    >>> from nbopt import space
    >>> from nbopt.drawing import trial_columns
    >>> res = nbopt.search(lambda x, y: (x - 1) ** 2 + y ** 2,
    ...                    {"x": space.Float(-2, 2), "y": space.Float(-2, 2)},
    ...                    method="bayesian", n_trials=12, seed=0, progress=False)
    >>> info = surrogate_info(res.searcher, trial_columns(res.trials, res.space), ("x", "y"))
    >>> info.kind, info.mean.shape, info.slice_names
    ('surrogate', (40, 40), ('x', 'y'))
    """
    if int(np.count_nonzero(columns.complete)) < 2:
        return None
    grid = searcher.surrogate_grid(pair[0], pair[1], resolution, refit=refit)
    ax, ay = (columns.axes[columns.names.index(n)] for n in pair)
    minimize = columns.direction == "minimize"
    scales = {
        "mean": _scale(grid.mean, "low" if minimize else "high", columns.value_axis),
        "std": _scale(grid.std, "none", None),
        "acquisition": _scale(grid.acquisition, "high", None, ACQUISITION_SPAN),
    }
    levels = {field: _levels(scale) for field, scale in scales.items()}
    names = tuple(columns.names)
    offsets = [0]
    parts: dict[str, list[np.ndarray]] = {"u": [], "mean": [], "std": [], "acq": []}
    nxt = []
    for j, name in enumerate(names):
        sl = searcher.surrogate_slice(name, slice_resolution, refit=refit)
        parts["u"].append(_positions(columns.axes[j], sl.x))
        parts["mean"].append(np.asarray(sl.mean, dtype=np.float64))
        parts["std"].append(np.asarray(sl.std, dtype=np.float64))
        parts["acq"].append(np.asarray(sl.acquisition, dtype=np.float64))
        offsets.append(offsets[-1] + len(sl.x))
        nxt.append(float(_positions(columns.axes[j], [grid.next_params[name]])[0]))
    box = None
    if grid.box is not None and pair[0] in grid.box and pair[1] in grid.box:
        bx = _positions(ax, list(grid.box[pair[0]]))
        by = _positions(ay, list(grid.box[pair[1]]))
        box = (float(bx[0]), float(bx[1]), float(by[0]), float(by[1]))
    return SurrogateInfo(
        kind="surrogate",
        pair=(pair[0], pair[1]),
        x=_positions(ax, grid.x),
        y=_positions(ay, grid.y),
        mean=np.asarray(grid.mean, dtype=np.float64),
        std=np.asarray(grid.std, dtype=np.float64),
        acquisition=np.asarray(grid.acquisition, dtype=np.float64),
        scales=scales,
        levels=levels,
        next=(
            float(_positions(ax, [grid.next_params[pair[0]]])[0]),
            float(_positions(ay, [grid.next_params[pair[1]]])[0]),
        ),
        next_params={k: _plain(v) for k, v in grid.next_params.items()},
        fixed={k: _plain(v) for k, v in grid.fixed.items()},
        trial=grid.trial,
        n_model=int(grid.n_model),
        mode=str(grid.mode),
        box=box,
        slice_names=names,
        slice_offsets=np.asarray(offsets, dtype=np.int64),
        slice_u=np.concatenate(parts["u"]),
        slice_mean=np.concatenate(parts["mean"]),
        slice_std=np.concatenate(parts["std"]),
        slice_acquisition=np.concatenate(parts["acq"]),
        slice_next=np.asarray(nxt, dtype=np.float64),
    )
