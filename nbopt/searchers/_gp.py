"""Gaussian-process surrogate and log expected improvement on the unit cube (numpy/scipy)."""

from __future__ import annotations

import contextlib
import ctypes
import math
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import scipy.linalg
import scipy.linalg.lapack
import scipy.optimize
import scipy.special
from numpy.typing import NDArray

__all__ = [
    "GaussianProcess",
    "KernelParams",
    "fit_gp",
    "log_expected_improvement",
    "log_h",
    "matern52",
    "maximize_acquisition",
    "transform_values",
]

FloatArray = NDArray[np.float64]

_SQRT5 = math.sqrt(5.0)
_LOG_2PI = math.log(2.0 * math.pi)
DEFAULT_NOISE_FLOOR = 1e-9


@dataclass(frozen=True)
class KernelParams:
    """Hyperparameters of the Matern 5/2 kernel with one length scale per dimension.

    Attributes
    ----------
    inverse_squared_lengthscales : ndarray of shape (d,)
        ``1 / l_j**2`` for each input dimension ``j``.
    kernel_scale : float
        Prior variance of the latent function (outputs are standardized, so ~1).
    noise_var : float
        Observation noise variance (in standardized units).
    """

    inverse_squared_lengthscales: FloatArray
    kernel_scale: float
    noise_var: float

    @property
    def lengthscales(self) -> FloatArray:
        """Length scales ``l_j`` in unit-cube coordinates."""
        return np.asarray(1.0 / np.sqrt(self.inverse_squared_lengthscales), dtype=np.float64)

    @classmethod
    def default(cls, dim: int) -> KernelParams:
        """Neutral starting point for a fit: unit length scales and scale, small noise."""
        return cls(np.ones(dim), 1.0, 1e-2)


def _matern_from_r2(r2: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Unit-scale Matern 5/2 value and its derivative with respect to the squared distance."""
    # In-place steps: these element-wise passes over (m, n) arrays, not BLAS, are most of
    # the cost of a fit and of scoring candidates.
    a = np.sqrt(r2)
    a *= _SQRT5
    e = np.exp(-a)
    a += 1.0
    dk_dr2 = a * e
    dk_dr2 *= -5.0 / 6.0
    k = r2 * (5.0 / 3.0)
    k += a
    k *= e
    return k, dk_dr2


def _matern_value(r2: FloatArray) -> FloatArray:
    """Unit-scale Matern 5/2 value only (no derivative): ``(1 + a + a^2/3) exp(-a)``."""
    a = np.sqrt(r2)
    a *= _SQRT5
    k = np.exp(-a)
    e_poly = r2 * (5.0 / 3.0)
    e_poly += a
    e_poly += 1.0
    k *= e_poly
    return k


def _sqdist(a: FloatArray, b: FloatArray, rho: FloatArray) -> FloatArray:
    """Weighted squared distances ``sum_j rho_j (a_ij - b_kj)^2`` of shape (len(a), len(b))."""
    w = np.sqrt(rho)
    sa = a * w
    sb = b * w
    r2 = sa @ sb.T
    r2 *= -2.0
    r2 += np.einsum("ij,ij->i", sa, sa)[:, None]
    r2 += np.einsum("ij,ij->i", sb, sb)[None, :]
    np.maximum(r2, 0.0, out=r2)
    return r2


def matern52(a: FloatArray, b: FloatArray, params: KernelParams) -> FloatArray:
    """Matern 5/2 covariance matrix between the rows of ``a`` and ``b``.

    Parameters
    ----------
    a, b : ndarray of shape (n, d) and (m, d)
        Points in the unit cube.
    params : KernelParams
        Length scales and kernel scale (the noise is not added).

    Returns
    -------
    ndarray of shape (n, m)

    Examples
    --------
    >>> import numpy as np
    >>> K = matern52(np.zeros((1, 2)), np.zeros((1, 2)), KernelParams.default(2))
    >>> float(K[0, 0])
    1.0
    """
    a = np.atleast_2d(np.asarray(a, dtype=np.float64))
    b = np.atleast_2d(np.asarray(b, dtype=np.float64))
    k, _ = _matern_from_r2(_sqdist(a, b, params.inverse_squared_lengthscales))
    return params.kernel_scale * k


# --------------------------------------------------------------------------- BLAS threads

_BLAS_LOCK = threading.Lock()
_BLAS_DEPTH = 0
_BLAS_SAVED: list[tuple[ctypes.CDLL, str, int]] = []


_BLAS_HANDLES: list[tuple[ctypes.CDLL, str, str]] | None = None


def _openblas_handles() -> list[tuple[ctypes.CDLL, str, str]]:
    """Return the loaded OpenBLAS builds (numpy's, scipy's) and their thread-count symbols."""
    global _BLAS_HANDLES
    if _BLAS_HANDLES is None:
        _BLAS_HANDLES = _find_openblas()
    return _BLAS_HANDLES


def _find_openblas() -> list[tuple[ctypes.CDLL, str, str]]:
    if not sys.platform.startswith("linux"):
        return []
    paths: set[str] = set()
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                path = line.rsplit(None, 1)[-1]
                if "openblas" in path.lower() and path.startswith("/"):
                    paths.add(path)
    except OSError:
        return []
    found = []
    for path in sorted(paths):
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for suffix in ("64_", "", "_64"):
            for prefix in ("scipy_openblas", "openblas"):
                setter, getter = (
                    f"{prefix}_set_num_threads{suffix}",
                    f"{prefix}_get_num_threads{suffix}",
                )
                if hasattr(lib, setter) and hasattr(lib, getter):
                    found.append((lib, setter, getter))
                    break
            else:
                continue
            break
    return found


@contextlib.contextmanager
def single_threaded_blas() -> Iterator[None]:
    """Run the block with OpenBLAS limited to one thread, restoring the old counts after.

    The matrices here are at most a few hundred rows: thread start-up costs more than it
    saves, and on a busy machine oversubscribed BLAS threads make each small call 10x
    slower. Process-wide while active (OpenBLAS has no per-thread setting).
    """
    global _BLAS_DEPTH
    with _BLAS_LOCK:
        if _BLAS_DEPTH == 0:
            _BLAS_SAVED.clear()
            for lib, setter, getter in _openblas_handles():
                previous = int(getattr(lib, getter)())
                getattr(lib, setter)(1)
                _BLAS_SAVED.append((lib, setter, previous))
        _BLAS_DEPTH += 1
    try:
        yield
    finally:
        with _BLAS_LOCK:
            _BLAS_DEPTH -= 1
            if _BLAS_DEPTH == 0:
                for lib, setter, previous in _BLAS_SAVED:
                    getattr(lib, setter)(previous)
                _BLAS_SAVED.clear()


# --------------------------------------------------------------------------- hyperparameters


def _unpack(theta: FloatArray, dim: int, noise_floor: float) -> KernelParams:
    return KernelParams(
        np.exp(theta[:dim]), float(np.exp(theta[dim])), noise_floor + float(np.exp(theta[dim + 1]))
    )


def _pack(params: KernelParams, noise_floor: float) -> FloatArray:
    # The noise is parametrized above its floor; keep a sliver above it so the log stays finite.
    excess = max(params.noise_var - noise_floor, 0.01 * noise_floor)
    return np.concatenate(
        [
            np.log(params.inverse_squared_lengthscales),
            [math.log(params.kernel_scale), math.log(excess)],
        ]
    )


def _cholesky(K: FloatArray) -> FloatArray:
    """Lower Cholesky factor, adding growing jitter when K is numerically indefinite."""
    try:
        return np.asarray(scipy.linalg.cholesky(K, lower=True, check_finite=False))
    except np.linalg.LinAlgError:
        pass
    scale = float(np.mean(np.diag(K)))
    jitter = 1e-10 * scale
    eye = np.eye(len(K))
    for _ in range(12):
        try:
            return np.asarray(
                scipy.linalg.cholesky(K + jitter * eye, lower=True, check_finite=False)
            )
        except np.linalg.LinAlgError:
            jitter *= 10.0
    raise np.linalg.LinAlgError("kernel matrix is not positive definite even with jitter")


def _log_prior_and_grad(
    theta: FloatArray, dim: int, noise_floor: float
) -> tuple[float, FloatArray]:
    """Log-prior of the hyperparameters and its gradient with respect to ``theta``.

    A penalty ``-(0.1/rho + 0.1 rho)`` on each inverse squared length scale keeps them
    away from both 0 and infinity; Gamma(2, 1) on the kernel scale and Gamma(1.1, 30)
    on the noise variance (the priors Optuna's GPSampler uses, which behave well).
    """
    rho = np.exp(theta[:dim])
    s = math.exp(theta[dim])
    excess = math.exp(theta[dim + 1])
    noise = noise_floor + excess
    value = float(-(0.1 / rho + 0.1 * rho).sum())
    value += math.log(s) - s
    value += 0.1 * math.log(noise) - 30.0 * noise
    grad = np.empty(dim + 2)
    grad[:dim] = 0.1 / rho - 0.1 * rho
    grad[dim] = 1.0 - s
    grad[dim + 1] = (0.1 / noise - 30.0) * excess
    return value, grad


def log_marginal_likelihood(
    X: FloatArray,
    y: FloatArray,
    theta: FloatArray,
    noise_floor: float = DEFAULT_NOISE_FLOOR,
) -> tuple[float, FloatArray]:
    """Log marginal likelihood of ``y`` and its analytic gradient in log-parameters.

    Parameters
    ----------
    X : ndarray of shape (n, d)
    y : ndarray of shape (n,)
    theta : ndarray of shape (d + 2,)
        ``log rho_1..d``, ``log kernel_scale``, ``log(noise_var - noise_floor)``.
    noise_floor : float

    Returns
    -------
    (float, ndarray of shape (d + 2,))

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.1], [0.5], [0.9]]); y = np.array([0.0, 1.0, -1.0])
    >>> value, grad = log_marginal_likelihood(X, y, np.zeros(3))
    >>> grad.shape
    (3,)
    """
    return _PairwiseData(X)(y, theta, noise_floor)


class _PairwiseData:
    """Squared coordinate differences of every pair of points, for repeated likelihood calls.

    The kernel matrix is symmetric with a unit-distance-free diagonal, so only the pairs
    below the diagonal are evaluated (half the exp/sqrt work of the full matrix) and the
    differences, which do not depend on the hyperparameters, are computed once per fit.
    """

    def __init__(self, X: FloatArray) -> None:
        n = len(X)
        rows, cols = np.tril_indices(n, -1)
        self.n = n
        self.rows = rows
        self.cols = cols
        self.flat_lower = rows * n + cols
        diff = X[rows] - X[cols]
        self.sq = diff * diff

    def __call__(
        self, y: FloatArray, theta: FloatArray, noise_floor: float
    ) -> tuple[float, FloatArray]:
        n = self.n
        dim = self.sq.shape[1]
        rho = np.exp(theta[:dim])
        s = math.exp(theta[dim])
        excess = math.exp(theta[dim + 1])
        k0, dk0 = _matern_from_r2(self.sq @ rho)
        # potrf(lower) reads only the lower triangle.
        K = np.zeros((n, n))
        K.flat[self.flat_lower] = s * k0
        K.flat[:: n + 1] = s + noise_floor + excess
        L = _cholesky(K)
        alpha = scipy.linalg.cho_solve((L, True), y, check_finite=False)
        value = -0.5 * float(y @ alpha) - float(np.log(np.diag(L)).sum()) - 0.5 * n * _LOG_2PI
        K_inv, info = scipy.linalg.lapack.dpotri(L, lower=1, overwrite_c=1)
        if info != 0:
            raise np.linalg.LinAlgError(f"potri failed with info={info}")
        # W = alpha alpha^T - K^-1 on the pairs below the diagonal and on the diagonal;
        # the gradient is 0.5 tr(W dK) and W, dK are symmetric.
        W_pairs = alpha[self.rows] * alpha[self.cols]
        W_pairs -= K_inv.flat[self.flat_lower]
        W_diag_sum = float(alpha @ alpha) - float(np.trace(K_inv))
        grad = np.empty(dim + 2)
        # d r2 / d log rho_j = rho_j sq_j; the kernel's diagonal does not depend on rho.
        grad[:dim] = (s * (W_pairs * dk0)) @ self.sq * rho
        grad[dim] = s * (float(W_pairs @ k0) + 0.5 * W_diag_sum)
        grad[dim + 1] = 0.5 * excess * W_diag_sum
        return value, grad


def fit_gp(
    X: FloatArray,
    y: FloatArray,
    *,
    warm_start: KernelParams | None = None,
    noise_floor: float = DEFAULT_NOISE_FLOOR,
    fixed_noise: bool = False,
    restarts: bool = True,
) -> GaussianProcess:
    """Fit the kernel hyperparameters by MAP (marginal likelihood + log-priors) with L-BFGS-B.

    Parameters
    ----------
    X : ndarray of shape (n, d)
        Inputs in the unit cube.
    y : ndarray of shape (n,)
        Standardized outputs (see :func:`transform_values`).
    warm_start : KernelParams, optional
        Previous fit: the optimizer starts there (a fresh default start is also tried
        when ``restarts`` is true; the better posterior wins).
    noise_floor : float
        Smallest noise variance allowed (also the fixed value when ``fixed_noise``).
    fixed_noise : bool
        Treat the objective as deterministic: the noise variance stays at its floor.
    restarts : bool
        Also try the default start besides ``warm_start``.

    Returns
    -------
    GaussianProcess

    Examples
    --------
    >>> import numpy as np
    >>> X = np.linspace(0, 1, 8)[:, None]; y = np.sin(6 * X[:, 0])
    >>> gp = fit_gp(X, (y - y.mean()) / y.std())
    >>> gp.params.lengthscales.shape
    (1,)
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if X.ndim != 2 or y.shape != (len(X),):
        raise ValueError(
            f"expected X of shape (n, d) and y of shape (n,), got {X.shape}, {y.shape}"
        )
    if not np.all(np.isfinite(y)):
        raise ValueError("y must be finite")
    dim = X.shape[1]
    starts: list[KernelParams] = []
    if warm_start is not None and len(warm_start.inverse_squared_lengthscales) == dim:
        starts.append(warm_start)
    if restarts or not starts:
        starts.append(KernelParams.default(dim))
    if fixed_noise:
        starts = [
            KernelParams(p.inverse_squared_lengthscales, p.kernel_scale, noise_floor)
            for p in starts
        ]

    pairs = _PairwiseData(X)

    def neg_posterior(free: FloatArray, noise_theta: float) -> tuple[float, FloatArray]:
        theta = free if not fixed_noise else np.append(free, noise_theta)
        try:
            lml, g = pairs(y, theta, noise_floor)
        except np.linalg.LinAlgError:
            return 1e300, np.zeros_like(free)
        lp, gp_ = _log_prior_and_grad(theta, dim, noise_floor)
        total = -(lml + lp)
        grad = -(g + gp_)
        return total, grad[: len(free)]

    # Bounds keep the optimizer out of overflow land; they are far beyond sensible values.
    bounds = [(-12.0, 12.0)] * dim + [(-10.0, 8.0), (-25.0, 5.0)]
    best_theta: FloatArray | None = None
    best_val = math.inf
    for start in starts:
        theta0 = np.clip(_pack(start, noise_floor), [b[0] for b in bounds], [b[1] for b in bounds])
        noise_theta = float(theta0[-1])
        free0 = theta0[:-1] if fixed_noise else theta0
        free_bounds = bounds[:-1] if fixed_noise else bounds
        res = scipy.optimize.minimize(
            neg_posterior,
            free0,
            args=(noise_theta,),
            jac=True,
            method="L-BFGS-B",
            bounds=free_bounds,
            # ftol: the MAP objective is O(n); changes below 1e-7 relative move nothing.
            options={"maxiter": 200, "gtol": 1e-4, "ftol": 1e-7},
        )
        val = float(res.fun)
        if np.isfinite(val) and val < best_val:
            best_val = val
            free = np.asarray(res.x, dtype=np.float64)
            best_theta = free if not fixed_noise else np.append(free, noise_theta)
    if best_theta is None:
        best_theta = _pack(starts[0], noise_floor)
    params = _unpack(best_theta, dim, noise_floor)
    if fixed_noise:
        params = KernelParams(params.inverse_squared_lengthscales, params.kernel_scale, noise_floor)
    return GaussianProcess(X, y, params)


# --------------------------------------------------------------------------- posterior


class Posterior(NamedTuple):
    """Posterior mean and standard deviation (and their input gradients when asked)."""

    mean: FloatArray
    std: FloatArray
    dmean: FloatArray | None
    dstd: FloatArray | None


class GaussianProcess:
    """Gaussian-process regressor with fixed hyperparameters, conditioned on data.

    Parameters
    ----------
    X : ndarray of shape (n, d)
    y : ndarray of shape (n,)
    params : KernelParams

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.2], [0.8]]); y = np.array([1.0, -1.0])
    >>> gp = GaussianProcess(X, y, KernelParams(np.array([4.0]), 1.0, 1e-6))
    >>> post = gp.predict(X)
    >>> bool(np.allclose(post.mean, y, atol=1e-4))
    True
    """

    def __init__(
        self,
        X: FloatArray,
        y: FloatArray,
        params: KernelParams,
        *,
        _factor: tuple[FloatArray, FloatArray] | None = None,
    ) -> None:
        self.X = np.asarray(X, dtype=np.float64)
        self.y = np.asarray(y, dtype=np.float64)
        self.params = params
        n = len(self.X)
        if _factor is not None:
            # A factor built by condition_on: its Cholesky and per-row noise variances.
            self._L, self._noise = _factor
        else:
            K = matern52(self.X, self.X, params) if n else np.zeros((0, 0))
            K[np.diag_indices(n)] += params.noise_var
            self._L = _cholesky(K) if n else K
            self._noise = np.full(n, params.noise_var)
        self._alpha = (
            scipy.linalg.cho_solve((self._L, True), self.y, check_finite=False) if n else self.y
        )

    @property
    def dim(self) -> int:
        """Input dimension."""
        return int(self.X.shape[1])

    def condition_on(
        self, X_new: FloatArray, y_new: FloatArray, noise_var: float | None = None
    ) -> GaussianProcess:
        """Return the same kernel conditioned on extra (possibly fantasized) observations.

        ``noise_var`` is the noise variance of the new rows (the kernel's by default; a
        tiny one makes fantasies exact, as a kriging believer believes them). The
        Cholesky factor is extended by a block update, ``O(n^2 k)`` for ``k`` rows,
        instead of refactorized.

        Examples
        --------
        >>> import numpy as np
        >>> X = np.array([[0.1], [0.9]]); y = np.array([1.0, -1.0])
        >>> gp = GaussianProcess(X, y, KernelParams(np.array([4.0]), 1.0, 1e-2))
        >>> believed = gp.condition_on([[0.5]], gp.predict_mean([[0.5]]), noise_var=1e-9)
        >>> float(believed.predict(np.array([[0.5]])).std[0]) < 1e-3
        True
        """
        X_new = np.atleast_2d(np.asarray(X_new, dtype=np.float64))
        y_new = np.ravel(np.asarray(y_new, dtype=np.float64))
        noise = self.params.noise_var if noise_var is None else float(noise_var)
        n, k = len(self.X), len(X_new)
        if k == 0:
            return self
        # [[L, 0], [B^T, C]] with L B = K(X, X_new), C C^T = K_new + noise I - B^T B.
        B = (
            scipy.linalg.solve_triangular(
                self._L, matern52(self.X, X_new, self.params), lower=True, check_finite=False
            )
            if n
            else np.zeros((0, k))
        )
        S = matern52(X_new, X_new, self.params) - B.T @ B
        S[np.diag_indices(k)] += noise
        L = np.zeros((n + k, n + k))
        L[:n, :n] = self._L
        L[n:, :n] = B.T
        L[n:, n:] = _cholesky(0.5 * (S + S.T))
        return GaussianProcess(
            np.vstack([self.X, X_new]),
            np.concatenate([self.y, y_new]),
            self.params,
            _factor=(L, np.concatenate([self._noise, np.full(k, noise)])),
        )

    def fitted_mean(self) -> FloatArray:
        """Posterior mean of the latent function at the training points.

        ``K_f alpha = y - noise * alpha`` because ``(K_f + noise I) alpha = y``: no
        kernel evaluation or solve needed.
        """
        return np.asarray(self.y - self._noise * self._alpha, dtype=np.float64)

    def leave_one_out(self) -> tuple[FloatArray, FloatArray]:
        """Leave-one-out predictive mean and standard deviation at every training point.

        Closed form from the inverse kernel matrix (Rasmussen & Williams, 2006, eq. 5.12):
        ``mean_i = y_i - [K^-1 y]_i / [K^-1]_ii`` and ``var_i = 1 / [K^-1]_ii``, one
        Cholesky inverse instead of ``n`` refits. The variance includes the noise.

        Returns
        -------
        (ndarray of shape (n,), ndarray of shape (n,))

        Examples
        --------
        >>> import numpy as np
        >>> X = np.linspace(0, 1, 6)[:, None]; y = np.sin(3 * X[:, 0])
        >>> gp = GaussianProcess(X, y, KernelParams(np.array([4.0]), 1.0, 1e-6))
        >>> mean, std = gp.leave_one_out()
        >>> mean.shape, bool(np.all(std > 0))
        ((6,), True)
        """
        n = len(self.X)
        if n < 2:
            raise ValueError(f"leave-one-out needs at least 2 points, got {n}")
        K_inv, info = scipy.linalg.lapack.dpotri(self._L, lower=1)
        if info != 0:
            raise np.linalg.LinAlgError(f"potri failed with info={info}")
        diag = np.maximum(np.diag(K_inv), 1e-300)
        mean = self.y - self._alpha / diag
        return np.asarray(mean, dtype=np.float64), np.asarray(1.0 / np.sqrt(diag), dtype=np.float64)

    def predict_mean(self, x: FloatArray) -> FloatArray:
        """Posterior mean only at ``x`` (m, d): no triangular solve, for ranking many points."""
        x = np.atleast_2d(np.asarray(x, dtype=np.float64))
        k = _matern_value(_sqdist(x, self.X, self.params.inverse_squared_lengthscales))
        return np.asarray(self.params.kernel_scale * (k @ self._alpha), dtype=np.float64)

    def predict(self, x: FloatArray, *, grad: bool = False) -> Posterior:
        """Posterior of the latent function at ``x`` (m, d), optionally with input gradients.

        The standard deviation excludes observation noise; it is floored at ``1e-10``
        times the kernel scale so that acquisitions stay finite at observed points.
        """
        x = np.atleast_2d(np.asarray(x, dtype=np.float64))
        p = self.params
        rho = p.inverse_squared_lengthscales
        if grad:
            diff = x[:, None, :] - self.X[None, :, :]
            r2 = (diff * diff) @ rho
            k0, dk0 = _matern_from_r2(r2)
        else:
            k0 = _matern_value(_sqdist(x, self.X, rho))
        ks = k0
        ks *= p.kernel_scale
        mean = ks @ self._alpha
        # k K^-1 k = |L^-1 k|^2: one triangular solve (half a cho_solve) for the variance
        w = scipy.linalg.solve_triangular(self._L, ks.T, lower=True, check_finite=False)
        var = p.kernel_scale - np.einsum("nm,nm->m", w, w)
        var_floor = 1e-20 * p.kernel_scale
        std = np.sqrt(np.maximum(var, var_floor))
        if not grad:
            return Posterior(mean, std, None, None)
        v = scipy.linalg.solve_triangular(self._L, w, lower=True, trans="T", check_finite=False)
        # d k(x, X_i) / dx = dk/dr2 * 2 rho (x - X_i)
        dks_coef = p.kernel_scale * dk0 * 2.0
        dmean = np.einsum("mn,mnd->md", dks_coef * self._alpha[None, :], diff) * rho
        dvar = -2.0 * np.einsum("mn,mnd->md", dks_coef * v.T, diff) * rho
        dstd = np.where((var > var_floor)[:, None], dvar / (2.0 * std[:, None]), 0.0)
        return Posterior(mean, std, dmean, dstd)


# --------------------------------------------------------------------------- output transform


class ValueTransform(NamedTuple):
    """Standardized surrogate targets and how to map model outputs back to objective units.

    ``y = (warp(v) - center) / scale``; :meth:`inverse` undoes ``warp``.
    """

    y: FloatArray
    center: float
    scale: float
    warp: str
    shift: float
    cap: float
    spread: float

    def inverse(self, w: FloatArray) -> FloatArray:
        """Map warped values (before standardization) back to objective values."""
        w = np.asarray(w, dtype=np.float64)
        if self.warp == "log":
            return np.asarray(np.exp(w) + self.shift, dtype=np.float64)
        out = w.copy()
        if self.spread > 0:
            high = out > self.cap
            # The compression below is a log: its inverse explodes for far extrapolations.
            t = np.minimum((out[high] - self.cap) / self.spread, 700.0)
            out[high] = self.cap + self.spread * np.expm1(t)
        return out


_WARP_KINDS = ("none", "log")


def transform_values(values: FloatArray, warp: str = "none") -> ValueTransform:
    """Map objective values (to be minimized) to GP targets: warp, then standardize.

    Parameters
    ----------
    values : ndarray of shape (n,)
        Finite objective values, lower is better.
    warp : {"none", "log"}
        ``"none"``: values beyond 5 interquartile ranges above the median are
        compressed logarithmically, so one huge value does not flatten the model.
        ``"log"``: ``log(v - min + delta)`` with ``delta`` a fifth of the interquartile
        range (squashes heavy upper tails).

    Returns
    -------
    ValueTransform

    Examples
    --------
    >>> import numpy as np
    >>> t = transform_values(np.array([1.0, 2.0, 3.0]))
    >>> bool(abs(t.y.mean()) < 1e-12)
    True
    """
    v = np.asarray(values, dtype=np.float64)
    if v.ndim != 1 or len(v) == 0 or not np.all(np.isfinite(v)):
        raise ValueError("values must be a non-empty 1-d array of finite numbers")
    if warp not in _WARP_KINDS:
        raise ValueError(f"warp must be one of {_WARP_KINDS}, got {warp!r}")
    q25, med, q75 = (float(q) for q in np.percentile(v, [25, 50, 75]))
    iqr = q75 - q25
    shift = cap = spread = 0.0
    if warp == "log":
        delta = max(0.2 * iqr, 1e-3 * float(np.ptp(v)), 1e-12 * max(1.0, abs(float(v.min()))))
        shift = float(v.min()) - delta
        w = np.log(v - shift)
    else:
        w = v.copy()
        if iqr > 0:
            cap, spread = med + 5.0 * iqr, iqr
            high = w > cap
            w[high] = cap + spread * np.log1p((w[high] - cap) / spread)
    center = float(np.mean(w))
    scale = float(np.std(w))
    if not scale > 0:
        scale = 1.0
    return ValueTransform((w - center) / scale, center, scale, warp, shift, cap, spread)


# --------------------------------------------------------------------------- acquisition


def sobol_points(dim: int, n: int, rng: np.random.Generator) -> FloatArray:
    """``n`` scrambled Sobol points in ``[0, 1]^dim`` (drawn as the next power of two)."""
    m = max(0, math.ceil(math.log2(max(n, 1))))
    from scipy.stats import qmc  # seconds to import: not at `import nbopt`

    engine = qmc.Sobol(dim, scramble=True, rng=rng)
    return np.asarray(engine.random_base2(m)[:n], dtype=np.float64)


def _log1mexp(a: FloatArray) -> FloatArray:
    """``log(1 - exp(a))`` for ``a < 0``, accurate on both sides of ``-log 2``."""
    with np.errstate(divide="ignore"):
        return np.where(
            a > -math.log(2.0),
            np.log(-np.expm1(np.minimum(a, -1e-300))),
            np.log1p(-np.exp(np.minimum(a, -math.log(2.0)))),
        )


def log_h(z: FloatArray) -> FloatArray:
    """``log(phi(z) + z Phi(z))`` computed stably for all ``z`` (Ament et al., 2023).

    Examples
    --------
    >>> import numpy as np
    >>> bool(np.isfinite(log_h(np.array([-1e4, 0.0, 5.0]))).all())
    True
    """
    z = np.asarray(z, dtype=np.float64)
    out = np.empty_like(z)
    mid = z > -1.0
    zm = z[mid]
    out[mid] = np.log(np.exp(-0.5 * zm * zm) / math.sqrt(2 * math.pi) + zm * scipy.special.ndtr(zm))
    # Far tail: phi(z) + z Phi(z) = phi(z) * (1 - |z| sqrt(pi/2) erfcx(|z|/sqrt2)); the bracket
    # is evaluated through log1mexp to avoid the cancellation.
    big = 1.0 / math.sqrt(np.finfo(np.float64).eps)
    tail = (~mid) & (z > -big)
    zt = -z[tail]
    a = np.log(zt * scipy.special.erfcx(zt / math.sqrt(2.0))) + 0.5 * math.log(math.pi / 2.0)
    out[tail] = -0.5 * zt * zt - 0.5 * _LOG_2PI + _log1mexp(a)
    far = ~(mid | tail)
    zf = -z[far]
    out[far] = -0.5 * zf * zf - 0.5 * _LOG_2PI - 2.0 * np.log(zf)
    return out


def _dlog_h(z: FloatArray, logh: FloatArray) -> FloatArray:
    """Return the derivative of :func:`log_h`, ``Phi(z) / h(z)``, computed in log space."""
    return np.asarray(np.exp(scipy.special.log_ndtr(z) - logh), dtype=np.float64)


def log_expected_improvement(
    mean: FloatArray,
    std: FloatArray,
    best: float,
    dmean: FloatArray | None = None,
    dstd: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray | None]:
    """Log expected improvement below ``best`` (minimization), with optional gradient.

    ``EI = std * h(z)`` with ``z = (best - mean) / std``; the log is taken analytically
    so it stays finite and informative where EI underflows.

    Parameters
    ----------
    mean, std : ndarray of shape (m,)
    best : float
        Incumbent value.
    dmean, dstd : ndarray of shape (m, d), optional
        Input gradients of mean and std; when given the gradient of log EI is returned.

    Returns
    -------
    (ndarray of shape (m,), ndarray of shape (m, d) or None)

    Examples
    --------
    >>> import numpy as np
    >>> value, _ = log_expected_improvement(np.array([0.0]), np.array([1.0]), 0.0)
    >>> round(float(np.exp(value[0])), 4)  # phi(0)
    0.3989
    """
    z = (best - mean) / std
    logh = log_h(z)
    value = np.log(std) + logh
    if dmean is None or dstd is None:
        return value, None
    r = _dlog_h(z, logh)
    dz = (-dmean - z[:, None] * dstd) / std[:, None]
    return value, dstd / std[:, None] + r[:, None] * dz


def acquisition(gp: GaussianProcess, x: FloatArray, best: float) -> FloatArray:
    """Log EI of ``gp`` at points ``x`` (m, d) below ``best``."""
    post = gp.predict(x)
    value, _ = log_expected_improvement(post.mean, post.std, best)
    return value


def _acquisition_and_grad(
    gp: GaussianProcess, x: FloatArray, best: float
) -> tuple[FloatArray, FloatArray]:
    post = gp.predict(x, grad=True)
    value, g = log_expected_improvement(post.mean, post.std, best, post.dmean, post.dstd)
    assert g is not None
    return value, g


def maximize_acquisition(
    gp: GaussianProcess,
    best: float,
    rng: np.random.Generator,
    *,
    n_candidates: int = 1024,
    n_starts: int = 8,
    extra_candidates: FloatArray | None = None,
    lower: FloatArray | None = None,
    upper: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Maximize log EI over a box inside the unit cube by multi-start L-BFGS-B.

    Quasi-random Sobol candidates plus ``extra_candidates`` (incumbent neighbourhood,
    previous proposal) are scored; the best ``n_starts`` of them start local searches
    that run together as one L-BFGS-B problem (the starts are independent, so the sum
    of their acquisitions has block-separable gradients), in coordinates scaled by the
    length scales so that every direction is equally curved.

    Returns
    -------
    (ndarray of shape (k, d), ndarray of shape (k,))
        Local optima (and the scored candidates) sorted by decreasing log EI.
    """
    dim = gp.dim
    lo = np.zeros(dim) if lower is None else np.asarray(lower, dtype=np.float64)
    hi = np.ones(dim) if upper is None else np.asarray(upper, dtype=np.float64)
    sobol = sobol_points(dim, n_candidates, rng)
    cands = lo + (hi - lo) * sobol
    if extra_candidates is not None and len(extra_candidates):
        cands = np.vstack([cands, np.clip(extra_candidates, lo, hi)])
    scores = acquisition(gp, cands, best)
    order = np.argsort(-scores)
    starts = cands[order[:n_starts]]
    k = len(starts)
    scale = np.sqrt(gp.params.inverse_squared_lengthscales)

    def objective(zflat: FloatArray) -> tuple[float, FloatArray]:
        x = zflat.reshape(k, dim) / scale
        v, g = _acquisition_and_grad(gp, x, best)
        return -float(v.sum()), -(g / scale).ravel()

    z0 = (starts * scale).ravel()
    bounds = list(zip(np.tile(lo * scale, k), np.tile(hi * scale, k)))
    res = scipy.optimize.minimize(
        objective,
        z0,
        jac=True,
        method="L-BFGS-B",
        bounds=bounds,
        options={"maxiter": 60, "gtol": 1e-5, "ftol": 1e-10},
    )
    xs = np.clip(np.asarray(res.x).reshape(k, dim) / scale, lo, hi)
    vals = acquisition(gp, xs, best)
    all_x = np.vstack([xs, cands[order[: 4 * n_starts]]])
    all_v = np.concatenate([vals, scores[order[: 4 * n_starts]]])
    keep = np.argsort(-all_v)
    return all_x[keep], all_v[keep]
