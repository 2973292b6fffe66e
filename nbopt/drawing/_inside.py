"""Inside the searcher: what a grid search has left and how evenly a random search covers.

Each view is a drawing-info object over the dashboard's two chosen parameters (its
``pair``), computed from the searcher's own state and the trials with numpy only; the
live dashboard and the matplotlib export draw the same object. :func:`inside_info` picks
the view a searcher has.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from nbopt.drawing._search import Axis, TrialColumns

__all__ = ["COVERAGE_GRID", "CoverageInfo", "GridInfo", "inside_info"]

#: Points per side of the lattice the largest gap is measured on.
COVERAGE_GRID = 48
#: Most trials the coverage curve follows (the gap changes little past them).
COVERAGE_MAX = 20_000


@dataclass(frozen=True)
class GridInfo:
    """A grid search over two parameters: which cells are done, which are left.

    A cell is one pair of grid values; it holds ``per_cell`` grid points (the values of
    the other parameters).

    Attributes
    ----------
    kind : str
        ``"grid"``.
    pair : (str, str)
        The parameters on the x and y axes.
    x, y : ndarray of float64
        Grid values' positions in [0, 1] along the two axes.
    done : ndarray of int64, shape (len(y), len(x))
        Finished trials in each cell.
    best : ndarray of float64, shape (len(y), len(x))
        Best complete value in each cell (NaN where none).
    per_cell : int
        Grid points in each cell.
    n_done, n_total : int
        Finished trials and grid points in the whole grid.
    """

    kind: str
    pair: tuple[str, str]
    x: np.ndarray
    y: np.ndarray
    done: np.ndarray
    best: np.ndarray
    per_cell: int
    n_done: int
    n_total: int


@dataclass(frozen=True)
class CoverageInfo:
    """How evenly a random search covers two parameters, against the other sampler.

    The largest gap is the fill distance over the two chosen axes: the largest distance
    (in [0, 1] axis units) from a point of a ``COVERAGE_GRID`` x ``COVERAGE_GRID`` lattice
    to the nearest trial. It falls as trials arrive; the faster, the more even the cover.
    Beside the search's own trials, the same count drawn by the other sampler (scrambled
    Sobol for a plain random search, plain random for a Sobol one, seed 0) through the
    same mapping to the axes.

    Attributes
    ----------
    kind : str
        ``"coverage"``.
    pair : (str, str)
        The parameters on the x and y axes.
    sampler, other : str
        ``"random"`` or ``"Sobol"``: this search's sampler and the one it is set against.
    n : ndarray of int64
        Trial counts the gaps are measured at (powers of two and the last count).
    gap, other_gap : ndarray of float64
        The largest gap of this search and of the other sampler at each count.
    other_x, other_y : ndarray of float64
        The other sampler's points on the two axes (positions in [0, 1]), as many as the
        search has trials (up to ``COVERAGE_MAX``).
    """

    kind: str
    pair: tuple[str, str]
    sampler: str
    other: str
    n: np.ndarray
    gap: np.ndarray
    other_gap: np.ndarray
    other_x: np.ndarray
    other_y: np.ndarray


def _cells(axis: Axis, values: Sequence[Any]) -> np.ndarray:
    if axis.kind == "choice":
        return np.array(
            [(axis.categories.index(str(v)) + 0.5) / len(axis.categories) for v in values]
        )
    return np.asarray(axis.to_unit(np.asarray(values, dtype=float)), dtype=np.float64)


def grid_info(searcher: Any, columns: TrialColumns, pair: tuple[str, str]) -> GridInfo:
    """Return the grid view of a :class:`~nbopt.searchers.GridSearch` over ``pair``."""
    values = searcher.grid_values
    jx, jy = columns.names.index(pair[0]), columns.names.index(pair[1])
    ax, ay = columns.axes[jx], columns.axes[jy]
    x = _cells(ax, values[pair[0]])
    y = _cells(ay, values[pair[1]])
    finished = columns.state != 2
    done = np.zeros((len(y), len(x)), dtype=np.int64)
    best = np.full((len(y), len(x)), np.nan)
    ix = np.abs(columns.unit[:, jx][:, None] - x[None, :]).argmin(axis=1) if len(x) else None
    iy = np.abs(columns.unit[:, jy][:, None] - y[None, :]).argmin(axis=1) if len(y) else None
    if ix is not None and iy is not None:
        np.add.at(done, (iy[finished], ix[finished]), 1)
        sign = 1.0 if columns.direction == "minimize" else -1.0
        ok = np.flatnonzero(columns.complete)
        key = np.full(done.shape, np.inf)
        np.minimum.at(key, (iy[ok], ix[ok]), sign * columns.value[ok])
        best = np.where(np.isfinite(key), sign * key, np.nan)
    total = int(searcher.grid_size)
    return GridInfo(
        kind="grid",
        pair=pair,
        x=x,
        y=y,
        done=done,
        best=best,
        per_cell=max(1, total // max(1, len(x) * len(y))),
        n_done=int(finished.sum()),
        n_total=total,
    )


def _gaps(px: np.ndarray, py: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Largest gap over the lattice after the first ``counts[i]`` points, one pass.

    The points between two counts go into a k-d tree that the lattice queries once, so
    the cost grows as ``m log m`` in the number of points, not as lattice x points.
    """
    from scipy.spatial import cKDTree

    g = (np.arange(COVERAGE_GRID) + 0.5) / COVERAGE_GRID
    lattice = np.column_stack([a.ravel() for a in np.meshgrid(g, g)])
    nearest = np.full(len(lattice), np.inf)
    out = np.empty(len(counts))
    start = 0
    for i, stop in enumerate(counts):
        if stop > start:
            tree = cKDTree(np.column_stack([px[start:stop], py[start:stop]]))
            d, _ = tree.query(lattice, k=1)
            np.minimum(nearest, d, out=nearest)
        start = stop
        out[i] = float(nearest.max())
    return out


def coverage_info(searcher: Any, columns: TrialColumns, pair: tuple[str, str]) -> CoverageInfo:
    """Return the coverage view of a :class:`~nbopt.searchers.RandomSearch` over ``pair``."""
    jx, jy = columns.names.index(pair[0]), columns.names.index(pair[1])
    keep = np.flatnonzero(np.isfinite(columns.unit[:, jx]) & np.isfinite(columns.unit[:, jy]))
    keep = keep[:COVERAGE_MAX]
    px, py = columns.unit[keep, jx], columns.unit[keep, jy]
    m = len(keep)
    counts = [c for c in (2 ** np.arange(1, 20)) if c < m] + ([m] if m else [])
    n = np.asarray(counts, dtype=np.int64)
    sobol = bool(searcher.sobol)
    space = columns.space
    if m:
        d = len(space)
        if sobol:
            q = np.random.default_rng(0).random((m, d))
        else:
            from scipy.stats import qmc

            q = qmc.Sobol(d=d, scramble=True, seed=0).random(1 << int(np.ceil(np.log2(m))))[:m]
        params = {name: space[name].from_uniform(q[:, j]) for j, name in enumerate(space.names)}
        ox = (
            _cells(columns.axes[jx], params[pair[0]])
            if columns.axes[jx].kind == "choice"
            else (columns.axes[jx].to_unit(np.asarray(params[pair[0]], dtype=float)))
        )
        oy = (
            _cells(columns.axes[jy], params[pair[1]])
            if columns.axes[jy].kind == "choice"
            else (columns.axes[jy].to_unit(np.asarray(params[pair[1]], dtype=float)))
        )
    else:
        ox = oy = np.zeros(0)
    return CoverageInfo(
        kind="coverage",
        pair=pair,
        sampler="Sobol" if sobol else "random",
        other="random" if sobol else "Sobol",
        n=n,
        gap=_gaps(px, py, n),
        other_gap=_gaps(np.asarray(ox, dtype=float), np.asarray(oy, dtype=float), n),
        other_x=np.asarray(ox, dtype=np.float64),
        other_y=np.asarray(oy, dtype=np.float64),
    )


def inside_info(
    searcher: Any, columns: TrialColumns, pair: Sequence[str] | None = None, *, refit: bool = True
) -> Any:
    """Return the inside view of ``searcher`` over ``pair`` (None when it has none).

    A :class:`~nbopt.searchers.BayesianSearch` (or an ``"auto"`` search with one) gives
    a :class:`~nbopt.drawing.SurrogateInfo`; ``refit=False`` draws the model of its last
    proposal without fitting one for trials finished since (for a running search). An
    :class:`~nbopt.searchers.EvolutionarySearch` gives an
    :class:`~nbopt.drawing.EllipseInfo` once it has proposed a trial.
    A :class:`~nbopt.searchers.GeneticSearch` gives a
    :class:`~nbopt.drawing.GenerationsInfo`.

    ``pair`` defaults to the first two parameters; a space of one parameter has no
    inside view.

    Examples
    --------
    >>> import nbopt
    >>> from nbopt import space
    >>> from nbopt.drawing import trial_columns
    >>> res = nbopt.search(lambda x, y: x + y, {"x": space.Int(0, 3), "y": space.Int(0, 1)},
    ...                    method="grid", n_trials=5, progress=False)
    >>> cols = trial_columns(res.trials, res.space)
    >>> g = inside_info(res.searcher, cols)
    >>> g.kind, g.done.tolist(), g.n_done, g.n_total
    ('grid', [[1, 1, 1, 0], [1, 1, 0, 0]], 5, 8)
    """
    from nbopt.searchers import EvolutionarySearch, GeneticSearch, GridSearch, RandomSearch

    names = columns.names
    if len(names) < 2:
        return None
    xy = (names[0], names[1]) if pair is None else (str(pair[0]), str(pair[1]))
    for name in xy:
        if name not in names:
            raise ValueError(f"inside_info: unknown parameter {name!r}; expected one of {names}")
    if xy[0] == xy[1]:
        raise ValueError(f"inside_info: the pair needs two different parameters, got {xy!r}")
    members = getattr(searcher, "members", None)
    if isinstance(members, dict):
        # an "auto" search: the Gaussian process when it has one, else its only member
        if "bayesian" in members:
            searcher = members["bayesian"]
        elif len(members) == 1:
            searcher = next(iter(members.values()))
    if hasattr(searcher, "surrogate_grid") and hasattr(searcher, "surrogate_slice"):
        from nbopt.drawing._surrogate import surrogate_info

        return surrogate_info(searcher, columns, xy, refit=refit)
    if isinstance(searcher, GridSearch):
        return grid_info(searcher, columns, xy)
    if isinstance(searcher, RandomSearch):
        return coverage_info(searcher, columns, xy)
    if isinstance(searcher, GeneticSearch):
        from nbopt.drawing._genetic import generations_info

        return generations_info(searcher, columns, xy)
    if isinstance(searcher, EvolutionarySearch):
        # nothing sampled yet: no generation to draw
        if not searcher.trials:
            return None
        from nbopt.drawing._cmaes import ellipse_info

        return ellipse_info(searcher, columns, xy)
    return None
