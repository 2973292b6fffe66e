"""Model problems on generated data: linear and logistic regression, a small MLP."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from nbopt.problems._base import FloatArray, IntArray, Problem, shape_str


def _sigmoid(z: FloatArray) -> FloatArray:
    # exp of a non-positive argument never overflows.
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _mean_bce(z: FloatArray, y: FloatArray) -> FloatArray:
    """Mean binary cross-entropy over the last axis: labels ``y`` (m,), logits ``z`` (n, m)."""
    # softplus(z) - y z, with softplus(z) = log(1 + exp(z)) computed without overflow.
    out: FloatArray = np.mean(np.logaddexp(0.0, z), axis=1) - (z @ y) / y.shape[0]
    return out


def _check_int(value: object, what: str, owner: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{owner}: {what} must be an integer >= {minimum}; got {value!r}")
    return int(value)


def _check_float(value: object, what: str, owner: str, lo: float, hi: float = math.inf) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float, np.integer, np.floating))
        or not (lo <= float(value) <= hi)
    ):
        hi_s = "" if hi == math.inf else f" and <= {hi:g}"
        raise ValueError(f"{owner}: {what} must be a number >= {lo:g}{hi_s}; got {value!r}")
    return float(value)


def make_moons(
    n_samples: int = 200, noise: float = 0.2, seed: int | np.random.Generator | None = 0
) -> tuple[FloatArray, FloatArray]:
    """Two interleaving half circles, a classic non-linearly separable 2-class data set.

    Parameters
    ----------
    n_samples : int
        Number of points (split as evenly as possible between the classes).
    noise : float
        Standard deviation of Gaussian noise added to the points.
    seed : int, numpy Generator or None
        Seed of the numpy random generator (or the generator itself).

    Returns
    -------
    x : ndarray, shape (n_samples, 2)
        The points, in shuffled order.
    y : ndarray, shape (n_samples,)
        Labels 0.0 (upper moon) and 1.0 (lower moon).

    Examples
    --------
    >>> x, y = make_moons(10, seed=0)
    >>> x.shape, y.shape, int(y.sum())
    ((10, 2), (10,), 5)
    """
    n = _check_int(n_samples, "n_samples", "make_moons", 2)
    noise = _check_float(noise, "noise", "make_moons", 0.0)
    rng = np.random.default_rng(seed)
    n1 = n // 2
    n0 = n - n1
    t0 = rng.uniform(0.0, math.pi, n0)
    t1 = rng.uniform(0.0, math.pi, n1)
    upper = np.stack([np.cos(t0), np.sin(t0)], axis=1)
    lower = np.stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)], axis=1)
    x = np.concatenate([upper, lower]) + noise * rng.standard_normal((n, 2))
    y = np.concatenate([np.zeros(n0), np.ones(n1)])
    order = rng.permutation(n)
    return x[order], y[order]


class DataProblem(Problem):
    """Base of the model problems: a mean loss over a training set, mini-batches, validation.

    Subclasses implement ``_losses(theta (n, d), x, y) -> (n,)`` and
    ``_losses_and_grad`` returning the mean loss and its gradient over the given samples.
    """

    x_train: FloatArray
    y_train: FloatArray
    x_val: FloatArray
    y_val: FloatArray

    def _set_data(
        self,
        x: FloatArray,
        y: FloatArray,
        validation_fraction: float,
        rng: np.random.Generator | None,
    ) -> None:
        owner = type(self).__name__
        frac = _check_float(validation_fraction, "validation_fraction", owner, 0.0, 1.0)
        n = x.shape[0]
        n_val = round(n * frac)
        if n - n_val < 2:
            raise ValueError(
                f"{owner}: validation_fraction={frac:g} leaves {n - n_val} training samples "
                f"of {n}; at least 2 are needed"
            )
        order = np.arange(n) if rng is None else rng.permutation(n)
        tr, va = order[: n - n_val], order[n - n_val :]
        arrays = (x[tr], y[tr], x[va], y[va])
        for a in arrays:
            a.flags.writeable = False
        self.x_train, self.y_train, self.x_val, self.y_val = arrays
        self.n_train = n - n_val
        self.has_validation = n_val > 0

    # -- the hooks of Problem -------------------------------------------------------------

    def _data(self, batch: IntArray | None) -> tuple[FloatArray, FloatArray]:
        if batch is None:
            return self.x_train, self.y_train
        return self.x_train[batch], self.y_train[batch]

    def _check_batch(self, batch: ArrayLike | None) -> IntArray | None:
        if batch is None:
            return None
        arr = np.asarray(batch)
        n = self.n_train
        assert n is not None
        if arr.ndim != 1 or arr.size == 0 or arr.dtype.kind not in "iu":
            raise ValueError(
                f"problem {self.name!r}: batch must be a non-empty 1-D array of integer indices "
                f"into the {n} training samples; got {_describe(arr)}"
            )
        if arr.min() < 0 or arr.max() >= n:
            raise ValueError(
                f"problem {self.name!r}: batch indices must be in [0, {n}) (n_train = {n}); "
                f"got values from {arr.min()} to {arr.max()}"
            )
        return arr.astype(np.intp, copy=False)

    # Work arrays hold (points x samples x _width) numbers; chunks of about 2**17 of them
    # stay in cache, which makes a 200 x 200 surface several times faster.
    _width = 1

    def _chunks(self, n_points: int, n_samples: int) -> list[slice]:
        rows = max(1, 2**17 // (n_samples * self._width))
        return [slice(i, i + rows) for i in range(0, n_points, rows)]

    def _value(self, X: FloatArray, batch: IntArray | None) -> FloatArray:
        x, y = self._data(batch)
        parts = [self._losses(X[c], x, y) for c in self._chunks(X.shape[0], x.shape[0])]
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    def _grad(self, X: FloatArray, batch: IntArray | None) -> FloatArray:
        return self._value_and_grad(X, batch)[1]

    def _value_and_grad(
        self, X: FloatArray, batch: IntArray | None
    ) -> tuple[FloatArray, FloatArray]:
        x, y = self._data(batch)
        parts = [self._losses_and_grad(X[c], x, y) for c in self._chunks(X.shape[0], x.shape[0])]
        if len(parts) == 1:
            return parts[0]
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])

    def _losses(self, theta: FloatArray, x: FloatArray, y: FloatArray) -> FloatArray:
        raise NotImplementedError

    def _losses_and_grad(
        self, theta: FloatArray, x: FloatArray, y: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        raise NotImplementedError

    def _predict(self, theta: FloatArray, x: FloatArray) -> FloatArray:
        raise NotImplementedError

    # -- data-problem API -----------------------------------------------------------------

    def validation_value(self, X: ArrayLike) -> FloatArray:
        """Mean loss on the validation data at ``X`` ``(..., d)`` -> ``(...)``.

        Raises
        ------
        ValueError
            If ``validation_fraction`` was 0 (``has_validation`` is False).
        """
        if not self.has_validation:
            raise ValueError(
                f"problem {self.name!r} has no validation data (created with "
                "validation_fraction=0); has_validation is False"
            )
        pts, lead = self._as_points(X)
        return self._losses(pts, self.x_val, self.y_val).reshape(lead)

    def sample_batch(self, rng: np.random.Generator, batch_size: int) -> IntArray:
        """Draw ``batch_size`` distinct training indices uniformly at random with ``rng``.

        Every index is equally likely, so the mini-batch gradient is an unbiased
        estimate of the full-batch gradient.

        Examples
        --------
        >>> import numpy as np
        >>> p = LinearRegression(n_samples=50, seed=0)
        >>> idx = p.sample_batch(np.random.default_rng(0), 8)
        >>> idx.shape, p.grad([0.0, 0.0], batch=idx).shape
        ((8,), (2,))
        """
        if not isinstance(rng, np.random.Generator):
            raise TypeError(
                f"problem {self.name!r}: rng must be a numpy Generator "
                f"(np.random.default_rng(seed)); got {type(rng).__name__}"
            )
        n = self.n_train
        assert n is not None
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
            raise TypeError(f"problem {self.name!r}: batch_size must be an int; got {batch_size!r}")
        if not 1 <= batch_size <= n:
            raise ValueError(
                f"problem {self.name!r}: batch_size must be in [1, {n}] (n_train = {n}); "
                f"got {batch_size}"
            )
        return rng.choice(n, size=int(batch_size), replace=False).astype(np.intp)

    def predict(self, theta: ArrayLike, x: ArrayLike) -> FloatArray:
        """Model output for parameters ``theta`` ``(..., d)`` on inputs ``x``.

        Returns shape ``(..., m)`` for ``m`` inputs: the prediction for regression, the
        probability of class 1 for classification.
        """
        pts, lead = self._as_points(theta)
        xs = self._as_inputs(x)
        return self._predict(pts, xs).reshape((*lead, xs.shape[0]))

    def _as_inputs(self, x: ArrayLike) -> FloatArray:
        n_features = self.x_train.shape[1] if self.x_train.ndim == 2 else 0
        arr = np.asarray(x, dtype=np.float64)
        if n_features == 0:
            if arr.ndim == 0:
                arr = arr[None]
            if arr.ndim != 1:
                raise ValueError(
                    f"problem {self.name!r}: inputs x must have shape (m,); "
                    f"got shape {shape_str(arr.shape)}"
                )
        elif arr.ndim != 2 or arr.shape[1] != n_features:
            if arr.ndim == 1 and arr.shape[0] == n_features:
                return arr[None, :]
            raise ValueError(
                f"problem {self.name!r}: inputs x must have shape (m, {n_features}); "
                f"got shape {shape_str(arr.shape)}"
            )
        return arr


def _describe(arr: np.ndarray[Any, Any]) -> str:
    return f"an array of shape {shape_str(arr.shape)} and dtype {arr.dtype}"


def _user_data(
    owner: str, x: ArrayLike | None, y: ArrayLike | None, n_features: int
) -> tuple[FloatArray, FloatArray] | None:
    if x is None and y is None:
        return None
    if x is None or y is None:
        raise TypeError(f"{owner}: give both x= and y= (your own data), or neither")
    xa = np.array(x, dtype=np.float64)
    ya = np.array(y, dtype=np.float64)
    form = "(m,)" if n_features == 0 else f"(m, {n_features})"
    ok = xa.ndim == 1 if n_features == 0 else (xa.ndim == 2 and xa.shape[1] == n_features)
    if not ok:
        raise ValueError(f"{owner}: x must have shape {form}; got shape {shape_str(xa.shape)}")
    if ya.shape != (xa.shape[0],):
        raise ValueError(
            f"{owner}: y must have shape ({xa.shape[0]},), one target per row of x; "
            f"got shape {shape_str(ya.shape)}"
        )
    if not (np.all(np.isfinite(xa)) and np.all(np.isfinite(ya))):
        raise ValueError(f"{owner}: x and y must be finite numbers")
    return xa, ya


def _check_labels(owner: str, y: FloatArray) -> None:
    if not np.all((y == 0.0) | (y == 1.0)):
        raise ValueError(f"{owner}: labels y must be 0 or 1")


def _around(center: FloatArray, half: float) -> tuple[tuple[float, float], ...]:
    return tuple((float(c) - half, float(c) + half) for c in center)


class LinearRegression(DataProblem):
    """Mean squared error of the line ``w x + b`` on generated data: a 2-D quadratic bowl.

    The data are ``y = weight * x + bias + noise * N(0, 1)`` with ``x`` uniform on
    ``[0, 3]``. Because ``x`` is not centred, ``w`` and ``b`` are correlated and the bowl
    is a tilted, elongated valley (condition number about 20): the standard picture of
    why feature scaling helps gradient descent.

    Parameters
    ----------
    n_samples : int, default 100
        Number of generated samples (training + validation).
    noise : float, default 0.5
        Standard deviation of the noise on ``y``.
    seed : int or None, default 0
        Seed for the data and the train/validation split.
    validation_fraction : float, default 0.2
        Share of the samples held out for :meth:`validation_value`.
    weight, bias : float
        The true line the data are generated from.
    x, y : array_like, optional
        Your own data, shapes ``(m,)`` and ``(m,)``, instead of generated data.

    Notes
    -----
    Parameters are ``theta = (w, b)``. ``minima`` holds the least-squares solution on
    the training data (closed form), ``min_value`` the training MSE there.

    Examples
    --------
    >>> p = LinearRegression(n_samples=50, seed=0)
    >>> p.param_names, p.minima.shape
    (('w', 'b'), (1, 2))
    >>> bool(abs(p.grad(p.minima[0])).max() < 1e-9)
    True
    """

    def __init__(
        self,
        n_samples: int = 100,
        noise: float = 0.5,
        seed: int | None = 0,
        validation_fraction: float = 0.2,
        *,
        weight: float = 2.0,
        bias: float = -1.0,
        x: ArrayLike | None = None,
        y: ArrayLike | None = None,
    ) -> None:
        owner = "LinearRegression"
        rng = np.random.default_rng(seed)
        data = _user_data(owner, x, y, 0)
        if data is None:
            n = _check_int(n_samples, "n_samples", owner, 2)
            sd = _check_float(noise, "noise", owner, 0.0)
            w0 = _check_float(weight, "weight", owner, -math.inf)
            b0 = _check_float(bias, "bias", owner, -math.inf)
            xs = rng.uniform(0.0, 3.0, n)
            data = xs, w0 * xs + b0 + sd * rng.standard_normal(n)
        self._set_data(data[0], data[1], validation_fraction, rng)
        xt, yt = self.x_train, self.y_train
        if np.ptp(xt) == 0:
            raise ValueError(f"{owner}: the training inputs x are all equal; w is undetermined")
        design = np.stack([xt, np.ones_like(xt)], axis=1)
        opt: FloatArray = np.linalg.lstsq(design, yt, rcond=None)[0].astype(np.float64)
        # Off the valley floor and far along it: gradient descent zig-zags, then crawls.
        start = opt + np.array([-2.5, 2.5])
        self._configure(
            name="linear_regression",
            bounds=_around(opt, 10.0),
            view=_around(opt, 3.0),
            minima=opt[None, :],
            log_scale=True,
            default_start=start,
            param_names=("w", "b"),
            default_lrs={"gd": 0.1, "sgd": 0.02, "rmsprop": 0.1, "adam": 0.5},
        )
        self.min_value = float(self._losses(opt[None, :], xt, yt)[0])
        self.description = (
            f"mean squared error of the line w·x + b on {self.n_train} training points"
        )

    def _predict(self, theta: FloatArray, x: FloatArray) -> FloatArray:
        return theta[:, 0:1] * x[None, :] + theta[:, 1:2]

    # The MSE is a quadratic in (w, b): five moments of the data give it for any number of
    # parameter vectors in O(1) each, which keeps a 200 x 200 surface at a few milliseconds.
    _full_moments: tuple[float, float, float, float, float] | None = None

    def _moments(self, x: FloatArray, y: FloatArray) -> tuple[float, float, float, float, float]:
        full = x is self.x_train
        if full and self._full_moments is not None:
            return self._full_moments
        moments = (
            float(np.mean(x)),
            float(np.mean(x * x)),
            float(np.mean(y)),
            float(np.mean(x * y)),
            float(np.mean(y * y)),
        )
        if full:
            self._full_moments = moments
        return moments

    def _losses(self, theta: FloatArray, x: FloatArray, y: FloatArray) -> FloatArray:
        mx, mxx, my, mxy, myy = self._moments(x, y)
        w, b = theta[:, 0], theta[:, 1]
        out: FloatArray = w * (w * mxx + 2.0 * (b * mx - mxy)) + b * (b - 2.0 * my) + myy
        # Rounding in the expanded form may dip a hair below 0 for a perfect fit.
        return np.maximum(out, 0.0)

    def _losses_and_grad(
        self, theta: FloatArray, x: FloatArray, y: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        mx, mxx, my, mxy, _ = self._moments(x, y)
        w, b = theta[:, 0], theta[:, 1]
        g = np.stack([2.0 * (w * mxx + b * mx - mxy), 2.0 * (w * mx + b - my)], axis=1)
        return self._losses(theta, x, y), g


class LogisticRegression(DataProblem):
    """Logistic regression ``P(y=1 | x) = sigmoid(w x + b)`` on one feature: a 2-D loss.

    The data are two overlapping Gaussian classes on a line (standard deviation 1,
    means ``shift -+ separation / 2``), so the mean binary cross-entropy over
    ``theta = (w, b)`` has a finite minimum unless the classes happen to be separable.

    Parameters
    ----------
    n_samples : int, default 200
        Number of generated samples (half per class), training + validation.
    separation : float, default 2.0
        Distance between the class means; larger is easier (and flatter near the optimum).
    seed : int or None, default 0
        Seed for the data and the split.
    validation_fraction : float, default 0.2
        Share of the samples held out for :meth:`validation_value`.
    shift : float, default 1.0
        Centre of the two classes; a non-zero shift couples ``w`` and ``b``.
    l2 : float, default 0.0
        Penalty ``l2 / 2 * w**2`` added to the loss (the bias is not penalized).
    x, y : array_like, optional
        Your own data: inputs ``(m,)``, labels ``(m,)`` in {0, 1}.

    Notes
    -----
    ``minima`` is found by Newton's method on the training loss (convex); when the
    training classes are separable and ``l2 == 0`` the loss has no minimizer and
    ``minima`` is empty.

    Examples
    --------
    >>> p = LogisticRegression(seed=0)
    >>> p.param_names, p.dim
    (('w', 'b'), 2)
    >>> bool(abs(p.grad(p.minima[0])).max() < 1e-9)
    True
    """

    def __init__(
        self,
        n_samples: int = 200,
        separation: float = 2.0,
        seed: int | None = 0,
        validation_fraction: float = 0.2,
        *,
        shift: float = 1.0,
        l2: float = 0.0,
        x: ArrayLike | None = None,
        y: ArrayLike | None = None,
    ) -> None:
        owner = "LogisticRegression"
        rng = np.random.default_rng(seed)
        self._l2 = _check_float(l2, "l2", owner, 0.0)
        data = _user_data(owner, x, y, 0)
        if data is None:
            n = _check_int(n_samples, "n_samples", owner, 2)
            sep = _check_float(separation, "separation", owner, 0.0)
            c = _check_float(shift, "shift", owner, -math.inf)
            labels = rng.permutation(np.arange(n) % 2).astype(np.float64)
            xs = c + sep * (labels - 0.5) + rng.standard_normal(n)
            data = xs, labels
        _check_labels(owner, data[1])
        self._set_data(data[0], data[1], validation_fraction, rng)
        opt = self._newton()
        center = opt if opt is not None else np.zeros(2)
        self._configure(
            name="logistic_regression",
            bounds=_around(center, 10.0),
            view=_around(center, 4.0),
            minima=None if opt is None else opt[None, :],
            log_scale=False,
            default_start=center + np.array([-3.0, 1.0]),
            param_names=("w", "b"),
            default_lrs={"gd": 1.0, "sgd": 0.5, "rmsprop": 0.5, "adam": 1.0},
        )
        if opt is not None:
            self.min_value = float(self._losses(opt[None, :], self.x_train, self.y_train)[0])
        self.description = (
            f"cross-entropy of P(y = 1 | x) = σ(w·x + b) on {self.n_train} training points"
            + (f", plus {self._l2:g}/2·w²" if self._l2 else "")
        )

    def _newton(self) -> FloatArray | None:
        x, y = self.x_train, self.y_train
        design = np.stack([x, np.ones_like(x)], axis=1)
        theta = np.zeros(2)
        reg = np.diag([self._l2, 0.0])
        for _ in range(100):
            _, g = self._losses_and_grad(theta[None, :], x, y)
            p = _sigmoid(design @ theta)
            hess = (design.T * (p * (1.0 - p))) @ design / x.shape[0] + reg
            try:
                step = np.linalg.solve(hess, g[0])
            except np.linalg.LinAlgError:
                return None
            theta = theta - step
            if not np.all(np.isfinite(theta)) or np.abs(theta).max() > 1e6:
                return None
            if np.abs(step).max() <= 1e-12 * (1.0 + np.abs(theta).max()):
                g = self._losses_and_grad(theta[None, :], x, y)[1]
                return theta if np.abs(g).max() < 1e-9 else None
        return None

    def _predict(self, theta: FloatArray, x: FloatArray) -> FloatArray:
        return _sigmoid(theta[:, 0:1] * x[None, :] + theta[:, 1:2])

    def _losses(self, theta: FloatArray, x: FloatArray, y: FloatArray) -> FloatArray:
        z = theta[:, 0:1] * x[None, :] + theta[:, 1:2]
        out = _mean_bce(z, y)
        return out + 0.5 * self._l2 * theta[:, 0] ** 2 if self._l2 else out

    def _losses_and_grad(
        self, theta: FloatArray, x: FloatArray, y: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        z = theta[:, 0:1] * x[None, :] + theta[:, 1:2]
        m = x.shape[0]
        d = (_sigmoid(z) - y) / m
        g = np.stack([d @ x + self._l2 * theta[:, 0], d.sum(axis=1)], axis=1)
        out = _mean_bce(z, y)
        if self._l2:
            out = out + 0.5 * self._l2 * theta[:, 0] ** 2
        return out, g


class MLP(DataProblem):
    """A one-hidden-layer network (tanh, sigmoid output, cross-entropy) on two moons.

    Parameters are one flat vector ``theta`` of length ``4 * hidden + 1``:
    ``W1`` (2, hidden) in row-major order, then ``b1`` (hidden,), ``w2`` (hidden,) and
    ``b2``. The loss is the mean binary cross-entropy of ``sigmoid(tanh(x W1 + b1) w2 + b2)``.
    Every leading axis of ``theta`` is an independent network, evaluated in one pass.

    Parameters
    ----------
    hidden : int, default 8
        Number of hidden units.
    n_samples : int, default 200
        Number of generated two-moons samples, training + validation.
    noise : float, default 0.2
        Noise of the two moons.
    seed : int or None, default 0
        Seed for the data, the split and ``default_start`` (a scaled random init).
    validation_fraction : float, default 0.2
        Share of the samples held out for :meth:`validation_value`.
    x, y : array_like, optional
        Your own data: inputs ``(m, 2)``, labels ``(m,)`` in {0, 1}.

    Notes
    -----
    There is no known minimizer (``minima`` is empty, ``min_value`` None); the problem
    has ``4 * hidden + 1`` dimensions, so it has no 2-D surface.

    Examples
    --------
    >>> p = MLP(hidden=4, seed=0)
    >>> p.dim, p.param_names[:3]
    (17, ('W1[0,0]', 'W1[0,1]', 'W1[0,2]'))
    >>> p.value(p.default_start).shape
    ()
    """

    def __init__(
        self,
        hidden: int = 8,
        n_samples: int = 200,
        noise: float = 0.2,
        seed: int | None = 0,
        validation_fraction: float = 0.2,
        *,
        x: ArrayLike | None = None,
        y: ArrayLike | None = None,
    ) -> None:
        owner = "MLP"
        h = _check_int(hidden, "hidden", owner, 1)
        self.hidden = h
        self._width = h
        rng = np.random.default_rng(seed)
        data = _user_data(owner, x, y, 2)
        if data is None:
            n = _check_int(n_samples, "n_samples", owner, 2)
            data = make_moons(n, _check_float(noise, "noise", owner, 0.0), seed=rng)
        _check_labels(owner, data[1])
        self._set_data(data[0], data[1], validation_fraction, rng)
        names = (
            [f"W1[{i},{j}]" for i in range(2) for j in range(h)]
            + [f"b1[{j}]" for j in range(h)]
            + [f"w2[{j}]" for j in range(h)]
            + ["b2"]
        )
        # Glorot-style scale keeps tanh out of saturation at the start.
        init_rng = np.random.default_rng(rng.integers(2**63))
        start = np.concatenate(
            [
                init_rng.normal(0.0, 1.0 / math.sqrt(2.0), 2 * h),
                np.zeros(h),
                init_rng.normal(0.0, 1.0 / math.sqrt(h), h),
                [0.0],
            ]
        )
        dim = 4 * h + 1
        self._configure(
            name="mlp",
            bounds=((-10.0, 10.0),) * dim,
            view=((-3.0, 3.0),) * dim,
            minima=None,
            log_scale=False,
            default_start=start,
            param_names=names,
            default_lrs={"gd": 1.0, "sgd": 1.0, "rmsprop": 0.02, "adam": 0.02},
        )
        self.description = (
            f"2-{h}-1 tanh network, cross-entropy on {self.n_train} two-moons training points "
            f"({dim} parameters)"
        )

    def unpack(self, theta: ArrayLike) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        """Split ``theta`` ``(..., 4 h + 1)`` into ``W1 (..., 2, h)``, ``b1``, ``w2``, ``b2``.

        Examples
        --------
        >>> W1, b1, w2, b2 = MLP(hidden=3).unpack(np.zeros(13))
        >>> W1.shape, b1.shape, w2.shape, b2.shape
        ((2, 3), (3,), (3,), ())
        """
        pts, lead = self._as_points(theta)
        W1, b1, w2, b2 = self._split(pts)
        h = self.hidden
        return (
            W1.reshape((*lead, 2, h)),
            b1.reshape((*lead, h)),
            w2.reshape((*lead, h)),
            b2.reshape(lead),
        )

    def _split(self, theta: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        h = self.hidden
        n = theta.shape[0]
        W1 = theta[:, : 2 * h].reshape(n, 2, h)
        b1 = theta[:, 2 * h : 3 * h]
        w2 = theta[:, 3 * h : 4 * h]
        b2 = theta[:, 4 * h]
        return W1, b1, w2, b2

    def _forward(self, theta: FloatArray, x: FloatArray) -> tuple[FloatArray, FloatArray]:
        W1, b1, w2, b2 = self._split(theta)
        hid = np.tanh(np.einsum("mi,nih->nmh", x, W1) + b1[:, None, :])
        z = np.einsum("nmh,nh->nm", hid, w2) + b2[:, None]
        return hid, z

    def _predict(self, theta: FloatArray, x: FloatArray) -> FloatArray:
        return _sigmoid(self._forward(theta, x)[1])

    def _losses(self, theta: FloatArray, x: FloatArray, y: FloatArray) -> FloatArray:
        z = self._forward(theta, x)[1]
        return _mean_bce(z, y)

    def _losses_and_grad(
        self, theta: FloatArray, x: FloatArray, y: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        hid, z = self._forward(theta, x)
        m = x.shape[0]
        _, _, w2, _ = self._split(theta)
        dz = (_sigmoid(z) - y) / m  # (n, m): d loss / d logit
        g_w2 = np.einsum("nmh,nm->nh", hid, dz)
        g_b2 = dz.sum(axis=1)
        da = dz[:, :, None] * w2[:, None, :] * (1.0 - hid * hid)  # (n, m, h)
        g_W1 = np.einsum("mi,nmh->nih", x, da)
        g_b1 = da.sum(axis=1)
        n = theta.shape[0]
        g = np.concatenate([g_W1.reshape(n, -1), g_b1, g_w2, g_b2[:, None]], axis=1)
        return _mean_bce(z, y), g
