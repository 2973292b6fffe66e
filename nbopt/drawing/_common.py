"""Pieces every drawing-info object uses: the colour palette and history decimation.

Histories are decimated for display (:func:`decimate_indices` keeps the first and last
point and a uniform subset, :func:`lttb_indices` keeps the shape of curves); the full
history stays in the engine.
"""

from __future__ import annotations

import numpy as np

__all__ = ["PALETTE", "decimate_indices", "lttb_indices", "pick_colours"]

#: Okabe-Ito colours (colour-blind safe), in the order optimizers get them. Black is left
#: out (invisible on dark themes), yellow comes last (weak on light backgrounds).
PALETTE: tuple[str, ...] = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#F0E442",
)

# ------------------------------------------------------------------ decimation


def decimate_indices(n: int, max_points: int) -> np.ndarray:
    """Pick a uniform subset of ``range(n)``: at most ``max_points`` indices, first and last kept.

    Examples
    --------
    >>> decimate_indices(10, 4).tolist()
    [0, 3, 6, 9]
    """
    if max_points < 2:
        raise ValueError(f"max_points must be >= 2, got {max_points}")
    if n <= max_points:
        return np.arange(n)
    # consecutive values are more than 1 apart here, so their roundings are distinct
    return np.round(np.linspace(0, n - 1, max_points)).astype(np.int64)


def lttb_indices(x: np.ndarray, y: np.ndarray, max_points: int) -> np.ndarray:
    """Largest-Triangle-Three-Buckets downsampling: indices keeping a curve's visual shape.

    Non-finite ``y`` values are treated as the largest finite value (so spikes to
    infinity are kept). First and last points are always kept.

    Examples
    --------
    >>> x = np.arange(100.0)
    >>> idx = lttb_indices(x, np.sin(x / 5), 20)
    >>> len(idx), idx[0], idx[-1]
    (20, np.int64(0), np.int64(99))
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n = len(x)
    if len(y) != n:
        raise ValueError(f"x and y must have the same length, got {n} and {len(y)}")
    if max_points < 3:
        raise ValueError(f"max_points must be >= 3, got {max_points}")
    if n <= max_points:
        return np.arange(n)
    finite = np.isfinite(y)
    fill = float(np.max(y[finite])) if finite.any() else 0.0
    y = np.where(finite, y, fill)
    edges = np.linspace(1, n - 1, max_points - 1).astype(np.int64)
    n_buckets = max_points - 2
    # centroids of every "next" bucket at once (prefix sums); the scan itself is sequential
    # (each pick depends on the previous one) and its buckets are small, so plain Python
    # floats beat a few numpy calls per bucket by an order of magnitude
    nlo = edges[1 : n_buckets + 1]
    nhi = np.maximum(np.append(edges[2:], n)[:n_buckets], nlo + 1)
    csx = np.concatenate(([0.0], np.cumsum(x)))
    csy = np.concatenate(([0.0], np.cumsum(y)))
    cxs = ((csx[nhi] - csx[nlo]) / (nhi - nlo)).tolist()
    cys = ((csy[nhi] - csy[nlo]) / (nhi - nlo)).tolist()
    xs, ys, bounds = x.tolist(), y.tolist(), edges.tolist()
    out = [0] * max_points
    a = 0
    for b in range(n_buckets):
        ax, ay = xs[a], ys[a]
        dx, dy = ax - cxs[b], cys[b] - ay
        best, pick = -1.0, bounds[b]
        for i in range(bounds[b], bounds[b + 1]):
            area = abs(dx * (ys[i] - ay) - (ax - xs[i]) * dy)
            if area > best:
                best, pick = area, i
        a = pick
        out[b + 1] = a
    out[-1] = n - 1
    return np.asarray(out, dtype=np.int64)


# ------------------------------------------------------------------ helpers


def pick_colours(n: int) -> list[str]:
    """Colours for ``n`` optimizers from :data:`PALETTE` (cycled past seven).

    Examples
    --------
    >>> pick_colours(2)
    ['#0072B2', '#D55E00']
    """
    return [PALETTE[i % len(PALETTE)] for i in range(n)]
