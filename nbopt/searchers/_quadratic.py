"""A local linear-quadratic regression model that ranks candidate points for the searchers."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

__all__ = ["Quadratic", "kendall_tau"]


class Quadratic:
    """A linear, diagonal-quadratic or full-quadratic least-squares model of an objective.

    The richest form the data supports (at least 1.5 points per coefficient) is fitted
    in whitened coordinates ``z = (x - center) @ whiten`` on the points nearest to
    ``center``: a quadratic is only right near a minimum. This is the global model of
    lq-CMA-ES (Hansen, 2019).

    Parameters
    ----------
    xs : ndarray (m, n)
        Points (unit-cube coordinates).
    values : ndarray (m,)
        Their objective values, smaller is better.
    center : ndarray (n,)
        Where the model should be accurate.
    whiten : ndarray (n, n)
        Linear map that makes the local spread of the points roughly isotropic.
    min_points : int
        Fit on at least this many nearest points (twice the coefficients otherwise).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> xs = rng.random((30, 2))
    >>> model = Quadratic(xs, ((xs - 0.3) ** 2).sum(axis=1), center=np.full(2, 0.5),
    ...                   whiten=np.eye(2))
    >>> model.kind
    'full'
    >>> bool(abs(model.predict(np.array([[0.3, 0.3]]))[0]) < 1e-9)
    True
    """

    def __init__(
        self,
        xs: FloatArray,
        values: FloatArray,
        *,
        center: FloatArray,
        whiten: FloatArray,
        min_points: int = 0,
    ):
        n = xs.shape[1]
        self.center = np.asarray(center, dtype=np.float64).copy()
        self.whiten = np.asarray(whiten, dtype=np.float64)
        n_coef = {"full": (n + 1) * (n + 2) // 2, "diag": 2 * n + 1, "linear": n + 1}
        self.kind = next((k for k, c in n_coef.items() if len(xs) >= 1.5 * c), None)
        self.coef: FloatArray | None = None
        if self.kind is None:
            return
        z = self._whitened(xs)
        keep = np.argsort(np.linalg.norm(z, axis=1))[: max(2 * n_coef[self.kind], min_points)]
        coef, *_ = np.linalg.lstsq(self._features(z[keep]), values[keep], rcond=None)
        self.coef = np.asarray(coef, dtype=np.float64)

    @property
    def ready(self) -> bool:
        """Return True when there were enough points to fit a model."""
        return self.coef is not None

    def _whitened(self, xs: FloatArray) -> FloatArray:
        out: FloatArray = (xs - self.center) @ self.whiten
        return out

    def _features(self, z: FloatArray) -> FloatArray:
        cols = [np.ones((len(z), 1)), z]
        if self.kind == "diag":
            cols.append(z**2)
        elif self.kind == "full":
            i, j = np.triu_indices(z.shape[1])
            cols.append(z[:, i] * z[:, j])
        return np.hstack(cols)

    def predict(self, xs: FloatArray) -> FloatArray:
        """Return predicted values at points ``xs`` (k, n); zeros when not `ready`."""
        if self.coef is None:
            return np.zeros(len(xs))
        out: FloatArray = self._features(self._whitened(xs)) @ self.coef
        return out


def kendall_tau(a: FloatArray, b: FloatArray) -> float:
    """Return Kendall's tau-a of two equally long vectors (ties count as disagreement).

    Examples
    --------
    >>> kendall_tau(np.array([1.0, 2.0, 3.0]), np.array([10.0, 20.0, 30.0]))
    1.0
    """
    i, j = np.triu_indices(len(a), k=1)
    concordant = np.sign(a[i] - a[j]) * np.sign(b[i] - b[j])
    return float(concordant.mean()) if len(i) else 0.0
