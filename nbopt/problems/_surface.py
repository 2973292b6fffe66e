"""Evaluate a 2-D problem on a grid for drawing its landscape."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from nbopt.problems._base import FloatArray, Problem, as_bounds

# Relative floor added before the log, so the minimum itself maps to a finite colour.
_LOG_EPS = 1e-6


class Surface(NamedTuple):
    """A problem's values on a grid, ready to draw as a heat map or contours.

    Attributes
    ----------
    x : ndarray (nx,)
        Grid coordinates of the first parameter.
    y : ndarray (ny,)
        Grid coordinates of the second parameter.
    z : ndarray (ny, nx)
        What to draw at ``(x[j], y[i])`` in ``z[i, j]``: the value ``f`` itself, or with
        ``log=True`` the number ``log10(f - zmin + eps)`` (see :attr:`eps`). Non-finite
        values (overflow) are kept as they are.
    log : bool
        Whether ``z`` is in log scale.
    zmin, zmax : float
        The range of the function values ``f`` on the grid (finite values only; ``zmin``
        is lowered to the known ``min_value`` when that is smaller), in the units of
        ``f`` whatever ``log`` is: label the colour bar with :meth:`to_value`.
    """

    x: FloatArray
    y: FloatArray
    z: FloatArray
    log: bool
    zmin: float
    zmax: float

    @property
    def eps(self) -> float:
        """The offset added before the log: ``1e-6 * (zmax - zmin)`` (or 1e-12 when flat)."""
        return log_eps(self.zmin, self.zmax)

    def to_value(self, z: ArrayLike) -> FloatArray:
        """Map drawn numbers ``z`` back to function values (inverse of the log mapping).

        Examples
        --------
        >>> from nbopt.problems import get
        >>> s = surface(get("rosenbrock"), resolution=50, log=True)
        >>> bool(np.allclose(s.to_value(s.z), get("rosenbrock").value(
        ...     np.stack(np.meshgrid(s.x, s.y), axis=-1)), rtol=1e-9, atol=1e-9))
        True
        """
        zz = np.asarray(z, dtype=np.float64)
        if not self.log:
            return zz
        return np.power(10.0, zz) + (self.zmin - self.eps)

    def from_value(self, value: ArrayLike) -> FloatArray:
        """Map function values to drawn numbers (for contour levels or colour-bar ticks)."""
        v = np.asarray(value, dtype=np.float64)
        if not self.log:
            return v
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log10(v - self.zmin + self.eps)


def log_eps(zmin: float, zmax: float) -> float:
    """Return the floor ``eps`` of the log mapping ``log10(f - zmin + eps)``."""
    span = zmax - zmin
    return _LOG_EPS * span if np.isfinite(span) and span > 0 else 1e-12


def surface(
    problem: Problem,
    resolution: int | tuple[int, int] = 200,
    view: Sequence[Sequence[float]] | None = None,
    log: bool | None = None,
) -> Surface:
    """Evaluate a 2-D problem on a regular grid over its view, in one vectorized call.

    Parameters
    ----------
    problem : Problem
        A problem with two parameters (a test function, linear or logistic regression).
    resolution : int or (nx, ny), default 200
        Grid points per axis (at least 2).
    view : ((x0, x1), (y0, y1)), optional
        The range to cover; defaults to ``problem.view``.
    log : bool, optional
        Draw ``log10(f - zmin + eps)`` instead of ``f``; defaults to
        ``problem.log_scale``. Works for negative-valued functions too.

    Returns
    -------
    Surface

    Examples
    --------
    >>> from nbopt.problems import get
    >>> s = surface(get("himmelblau"), resolution=(40, 30))
    >>> s.x.shape, s.y.shape, s.z.shape, s.log
    ((40,), (30,), (30, 40), True)
    """
    if not isinstance(problem, Problem):
        raise TypeError(f"surface: problem must be a nbopt Problem; got {type(problem).__name__}")
    if problem.dim != 2:
        raise ValueError(
            f"surface: problem {problem.name!r} has {problem.dim} parameters; a surface needs "
            "exactly 2"
        )
    if isinstance(resolution, (int, np.integer)) and not isinstance(resolution, bool):
        nx = ny = int(resolution)
    elif (
        isinstance(resolution, tuple)
        and len(resolution) == 2
        and all(isinstance(r, (int, np.integer)) and not isinstance(r, bool) for r in resolution)
    ):
        nx, ny = int(resolution[0]), int(resolution[1])
    else:
        raise TypeError(f"surface: resolution must be an int or (nx, ny); got {resolution!r}")
    if nx < 2 or ny < 2:
        raise ValueError(f"surface: resolution must be at least 2 per axis; got {resolution!r}")
    box = problem.view if view is None else as_bounds(view, "view", "surface")
    if len(box) != 2:
        raise ValueError(f"surface: view must be ((x0, x1), (y0, y1)); got {view!r}")
    (x0, x1), (y0, y1) = box
    use_log = problem.log_scale if log is None else bool(log)
    x = np.linspace(x0, x1, nx)
    y = np.linspace(y0, y1, ny)
    pts = np.empty((ny, nx, 2))
    pts[:, :, 0] = x[None, :]
    pts[:, :, 1] = y[:, None]
    # Far corners of a view can overflow (a diverging landscape); those stay inf.
    with np.errstate(over="ignore", invalid="ignore"):
        z = problem.value(pts)
    finite = z[np.isfinite(z)]
    if finite.size:
        zmin, zmax = float(finite.min()), float(finite.max())
    else:
        zmin = zmax = float("nan")
    if problem.min_value is not None and np.isfinite(zmin):
        zmin = min(zmin, problem.min_value)
    if use_log:
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.log10(z - zmin + log_eps(zmin, zmax))
    return Surface(x, y, z, use_log, zmin, zmax)
