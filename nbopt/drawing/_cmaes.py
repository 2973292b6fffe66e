"""Inside an evolutionary search (CMA-ES): its search distribution, generation by generation.

The ellipses are the searcher's own covariance, ``sigma^2 C`` restricted to the two chosen
coordinates (read from :attr:`nbopt.searchers.EvolutionarySearch.history`, never re-fitted
to the points), drawn in the dashboard's axis positions. The live dashboard and the
matplotlib export both draw :class:`EllipseInfo`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from nbopt.drawing._search import Axis, TrialColumns
from nbopt.space import Choice, Dimension

__all__ = [
    "ELLIPSE_GENERATIONS",
    "ELLIPSE_POINTS",
    "ELLIPSE_SAMPLES",
    "ELLIPSE_SIGMAS",
    "EllipseInfo",
    "ellipse_info",
]

#: Most generations whose ellipses and means are drawn (the latest ones).
ELLIPSE_GENERATIONS = 40
#: Points on each outline (closed: the last repeats the first).
ELLIPSE_POINTS = 73
#: Most sampled points drawn (those of the latest trials).
ELLIPSE_SAMPLES = 4000
#: Most points of the step-size curve (the rest are decimated; restarts are always kept).
ELLIPSE_SIGMAS = 2000


@dataclass(frozen=True)
class EllipseInfo:
    """An evolutionary search's distribution over two parameters, one per generation.

    Each generation samples ``N(mean, sigma^2 C)`` in the space's encoding (the unit
    cube, log space for log dimensions). Its 1- and 2-sigma ellipses over the pair are
    the points at Mahalanobis distance 1 and 2 from the mean under the 2 x 2 block of
    ``sigma^2 C``, mapped to the dashboard's axis positions in [0, 1]. For a Float or an
    Int (linear or log) and an ordered Choice that map is affine (a log dimension is
    encoded in log space and drawn on a log axis), so an ellipse stays an ellipse: it is
    the continuous decoding (no rounding to integers, no clipping to the bounds) followed
    by :meth:`Axis.to_unit`. An unordered Choice has one coordinate per option (decoded
    by argmax), so no ellipse lives on its axis: ``ellipse`` is False, the outlines are
    empty and the mean sits at the option it decodes to.

    Attributes
    ----------
    kind : str
        ``"cmaes"``.
    pair : (str, str)
        The parameters on the x and y axes.
    generation : ndarray of int64, shape (g,)
        The generations drawn: the latest ``ELLIPSE_GENERATIONS`` whose covariance the
        searcher keeps; the last is the one being sampled.
    restart : ndarray of int64, shape (g,)
        The run each drawn generation belongs to (a restart breaks the mean's path).
    mean_x, mean_y : ndarray of float64, shape (g,)
        The mean's position on the two axes.
    outline_x, outline_y : ndarray of float64, shape (g, 2, ELLIPSE_POINTS)
        The 1-sigma (``[:, 0]``) and 2-sigma (``[:, 1]``) outlines, closed polylines in
        axis positions (may leave [0, 1]); shape (0, 2, ELLIPSE_POINTS) without ellipse.
    cov : ndarray of float64, shape (g, 2, 2)
        The 2 x 2 block of ``sigma^2 C`` over the pair's coordinates, in the encoding
        (NaN without ellipse).
    area : ndarray of float64, shape (g,)
        Area of each 1-sigma ellipse in axis positions (the unit square is 1; NaN
        without ellipse).
    point_x, point_y : ndarray of float64, shape (p,)
        The finished trials of the drawn generations, at their positions on the axes
        (the latest ``ELLIPSE_SAMPLES``).
    point_generation : ndarray of int64, shape (p,)
        The generation each point was drawn in.
    point_injected : ndarray of bool, shape (p,)
        Points not drawn from their generation's distribution (replayed trials).
    sigma : ndarray of float64, shape (s,)
        The step size of every generation (decimated past ``ELLIPSE_SIGMAS``).
    sigma_generation : ndarray of int64, shape (s,)
        The generation of each ``sigma``.
    restart_generation : ndarray of int64, shape (r,)
        The first generation of each restart.
    restart_reasons : tuple of str
        Why each restart happened.
    n_generations : int
        Generations started in all.
    population_size : int
        Points per generation now.
    ellipse : bool
        Whether the pair has ellipses (False when an axis is an unordered Choice).
    note : str
        What is left out (generations past the cap, a Choice axis), or ``""``.
    """

    kind: str
    pair: tuple[str, str]
    generation: np.ndarray
    restart: np.ndarray
    mean_x: np.ndarray
    mean_y: np.ndarray
    outline_x: np.ndarray
    outline_y: np.ndarray
    cov: np.ndarray
    area: np.ndarray
    point_x: np.ndarray
    point_y: np.ndarray
    point_generation: np.ndarray
    point_injected: np.ndarray
    sigma: np.ndarray
    sigma_generation: np.ndarray
    restart_generation: np.ndarray
    restart_reasons: tuple[str, ...]
    n_generations: int
    population_size: int
    ellipse: bool
    note: str


def encoded_to_axis(dim: Dimension, axis: Axis) -> tuple[float, float, float] | None:
    """Return ``(e0, p0, scale)``: axis position ``p0 + scale * (u - e0)`` of coordinate ``u``.

    The map from a dimension's one encoded coordinate to its axis position is affine
    for a Float, an Int (linear or log: both sides are linear in the value, or in its
    log) and an ordered Choice; two values, the decodings of 0 and 1, fix it. None for
    an unordered Choice (one coordinate per option).

    Examples
    --------
    >>> from nbopt import space
    >>> dim = space.Int(1, 100, log=True)
    >>> e0, p0, scale = encoded_to_axis(dim, Axis.of("n", dim))
    >>> u = dim.encode([10])[0, 0]
    >>> round(float(p0 + scale * (u - e0)), 6)
    0.5
    """
    if isinstance(dim, Choice) and not dim.ordered:
        return None
    ends = dim.decode(np.array([0.0, 1.0]))
    e = dim.encode(ends)[:, 0]
    if isinstance(dim, Choice):
        values = np.array([dim.index(v) for v in ends], dtype=float)
    else:
        values = np.asarray(ends, dtype=float)
    p = np.asarray(axis.to_unit(values), dtype=float)
    if e[1] == e[0]:
        return float(e[0]), float(p[0]), 1.0
    return float(e[0]), float(p[0]), float((p[1] - p[0]) / (e[1] - e[0]))


def _choice_position(axis: Axis, coords: np.ndarray) -> np.ndarray:
    """Axis positions of the options one-hot coordinates decode to (argmax, first on ties)."""
    return np.asarray(axis.to_unit(np.argmax(coords, axis=1).astype(float)), dtype=np.float64)


def _sigma_rows(n: int, restarts: np.ndarray) -> np.ndarray:
    """Pick the generations of the step-size curve: all, or a decimation keeping restarts."""
    if n <= ELLIPSE_SIGMAS:
        return np.arange(n, dtype=np.int64)
    keep = np.round(np.linspace(0, n - 1, ELLIPSE_SIGMAS - 2 * len(restarts))).astype(np.int64)
    return np.unique(np.concatenate([keep, restarts, restarts - 1, [n - 1]])).astype(np.int64)


def ellipse_info(searcher: Any, columns: TrialColumns, pair: tuple[str, str]) -> EllipseInfo:
    """Return the distribution view of an :class:`~nbopt.searchers.EvolutionarySearch`.

    Parameters
    ----------
    searcher : EvolutionarySearch
        Its :attr:`~nbopt.searchers.EvolutionarySearch.history` gives the distributions.
    columns : TrialColumns
        The trials to draw as points (``nbopt.drawing.trial_columns``).
    pair : (str, str)
        Two different parameters of the space: the x and y axes.

    Examples
    --------
    >>> import numpy as np
    >>> from nbopt import space
    >>> from nbopt.drawing import trial_columns
    >>> from nbopt.searchers import EvolutionarySearch
    >>> s = EvolutionarySearch({"x": space.Float(-1, 1), "y": space.Float(-1, 1)}, seed=0)
    >>> for _ in range(60):
    ...     t = s.ask()
    ...     _ = s.tell(t, t.params["x"] ** 2 + t.params["y"] ** 2)
    >>> e = ellipse_info(s, trial_columns(s.trials, s.space), ("x", "y"))
    >>> e.kind, int(e.generation[-1]) == s.generation, bool(np.allclose(e.cov[-1], s.cov))
    ('cmaes', True, True)
    >>> bool(e.area[-1] < e.area[0])
    True
    """
    names = columns.names
    for name in pair:
        if name not in names:
            raise ValueError(f"ellipse_info: unknown parameter {name!r}; expected one of {names}")
    if len(pair) != 2 or pair[0] == pair[1]:
        raise ValueError(f"ellipse_info: the pair needs two different parameters, got {pair!r}")
    space = searcher.space
    h = searcher.history
    jx, jy = names.index(pair[0]), names.index(pair[1])
    axes = (columns.axes[jx], columns.axes[jy])
    dims = (space[pair[0]], space[pair[1]])
    slices = (space.slices[pair[0]], space.slices[pair[1]])
    maps = [encoded_to_axis(d, a) for d, a in zip(dims, axes, strict=True)]

    total = h.n_generations
    first = max(h.first_full, total - ELLIPSE_GENERATIONS)
    gens = np.arange(first, total, dtype=np.int64)
    means = h.mean[gens - h.first_full]
    g = len(gens)
    centre = []
    for mapping, sl, axis in zip(maps, slices, axes, strict=True):
        if mapping is None:
            centre.append(_choice_position(axis, means[:, sl]))
        else:
            e0, p0, scale = mapping
            centre.append(p0 + scale * (means[:, sl.start] - e0))
    has_ellipse = maps[0] is not None and maps[1] is not None
    t = np.linspace(0.0, 2.0 * np.pi, ELLIPSE_POINTS)
    t[-1] = 0.0  # closed exactly
    circle = np.stack([np.cos(t), np.sin(t)])  # (2, M)
    if has_ellipse:
        assert maps[0] is not None and maps[1] is not None
        ix = np.array([slices[0].start, slices[1].start])
        cov = h.sigma[gens, None, None] ** 2 * h.C[gens - h.first_full][:, ix][:, :, ix]
        w, v = np.linalg.eigh(cov)
        root = v * np.sqrt(np.maximum(w, 0.0))[:, None, :]  # root @ root.T == cov
        ring = root @ circle  # (g, 2, M), Mahalanobis distance 1 in the encoding
        mu = means[:, ix]
        scales = np.array([maps[0][2], maps[1][2]])
        starts = np.array([maps[0][0], maps[1][0]])
        at_start = np.array([maps[0][1], maps[1][1]])
        out = np.empty((2, g, 2, ELLIPSE_POINTS))
        for k, s in enumerate((1.0, 2.0)):
            enc = mu[:, :, None] + s * ring
            out[:, :, k, :] = np.moveaxis(
                at_start[None, :, None] + scales[None, :, None] * (enc - starts[None, :, None]),
                1,
                0,
            )
        outline_x, outline_y = out[0], out[1]
        det = np.maximum(cov[:, 0, 0] * cov[:, 1, 1] - cov[:, 0, 1] ** 2, 0.0)
        area = np.pi * np.sqrt(det) * abs(float(scales[0] * scales[1]))
    else:
        cov = np.full((g, 2, 2), np.nan)
        outline_x = outline_y = np.zeros((0, 2, ELLIPSE_POINTS))
        area = np.full(g, np.nan)

    # the trials drawn in those generations, at their positions on the dashboard's axes
    number = columns.number
    known = h.trial_number
    if len(known):
        at = np.minimum(np.searchsorted(known, number), len(known) - 1)
        gen_of = np.where(known[at] == number, h.trial_generation[at], -1)
    else:
        gen_of = np.full(len(number), -1, dtype=np.int64)
    px, py = columns.unit[:, jx], columns.unit[:, jy]
    rows = np.flatnonzero((gen_of >= first) & np.isfinite(px) & np.isfinite(py))
    rows = rows[-ELLIPSE_SAMPLES:]

    restarts = np.flatnonzero(np.diff(h.restart) != 0).astype(np.int64) + 1
    srows = _sigma_rows(total, restarts)
    notes = []
    if getattr(searcher, "surrogate", False):
        notes.append("a surrogate model ranks each generation's samples; only some become trials")
    if first > 0:
        kept = "" if first > total - ELLIPSE_GENERATIONS else " (the ones kept in full)"
        notes.append(f"the last {g} of {total} generations{kept}")
    for dim, name in zip(dims, pair, strict=True):
        if isinstance(dim, Choice) and not dim.ordered:
            notes.append(
                f"{name} is a choice (one coordinate per option, decoded by argmax): "
                "no ellipse on its axis, the mean at the option it decodes to"
            )
    return EllipseInfo(
        kind="cmaes",
        pair=(str(pair[0]), str(pair[1])),
        generation=gens,
        restart=h.restart[gens].astype(np.int64),
        mean_x=np.asarray(centre[0], dtype=np.float64),
        mean_y=np.asarray(centre[1], dtype=np.float64),
        outline_x=np.ascontiguousarray(outline_x, dtype=np.float64),
        outline_y=np.ascontiguousarray(outline_y, dtype=np.float64),
        cov=np.asarray(cov, dtype=np.float64),
        area=np.asarray(area, dtype=np.float64),
        point_x=px[rows].astype(np.float64),
        point_y=py[rows].astype(np.float64),
        point_generation=gen_of[rows].astype(np.int64),
        point_injected=np.isin(number[rows], known[h.trial_injected]),
        sigma=h.sigma[srows].astype(np.float64),
        sigma_generation=srows,
        restart_generation=restarts,
        restart_reasons=tuple(h.restart_reasons),
        n_generations=int(total),
        population_size=int(h.population_size[-1]),
        ellipse=has_ellipse,
        note="; ".join(notes),
    )
