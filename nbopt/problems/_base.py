"""The Problem base class: an objective with value, gradient, bounds and a drawing range."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray: TypeAlias = NDArray[np.float64]
IntArray: TypeAlias = NDArray[np.intp]
Bounds: TypeAlias = tuple[tuple[float, float], ...]

CLASSIC_OPTIMIZERS = ("gd", "sgd", "rmsprop", "adam")
"""The optimizers :attr:`Problem.default_lrs` gives rates for (``"sgd"``: momentum 0.9)."""

# Central differences: truncation error ~ h**2, rounding error ~ eps / h; balanced at eps**(1/3).
_FD_STEP = float(np.finfo(np.float64).eps ** (1.0 / 3.0))


def _callable_name(f: object) -> str:
    name = getattr(f, "__qualname__", None) or getattr(f, "__name__", None)
    return str(name) if name else repr(f)


def shape_str(shape: tuple[int, ...]) -> str:
    """Format a shape as Python writes a tuple: ``(3,)``, ``(2, 4)``."""
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def as_bounds(bounds: object, what: str = "bounds", owner: str = "Problem") -> Bounds:
    """Validate ``((lo, hi), ...)`` with finite ``lo < hi`` and return it as float tuples."""
    example = "e.g. ((-2.0, 2.0), (-1.0, 3.0))"
    if bounds is None:
        raise TypeError(f"{owner} needs {what}=((lo, hi), ...), one pair per dimension, {example}")
    try:
        arr = np.asarray(bounds, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{owner}: {what} must be ((lo, hi), ...) of numbers, {example}; got {bounds!r}"
        ) from exc
    if arr.ndim != 2 or arr.shape[1] != 2 or arr.shape[0] < 1:
        raise ValueError(
            f"{owner}: {what} must be ((lo, hi), ...) with one (lo, hi) pair per dimension, "
            f"{example}; got an array of shape {shape_str(arr.shape)}"
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{owner}: {what} must be finite numbers; got {bounds!r}")
    bad = np.flatnonzero(arr[:, 0] >= arr[:, 1])
    if bad.size:
        i = int(bad[0])
        lo, hi = float(arr[i, 0]), float(arr[i, 1])
        raise ValueError(f"{owner}: {what} pair {i} must have lo < hi; got ({lo!r}, {hi!r})")
    return tuple((float(lo), float(hi)) for lo, hi in arr)


def _grid_floor(value: float) -> float:
    """Round a positive number down to the grid 1, 2, 5 x 10**k."""
    exponent = math.floor(math.log10(value))
    mantissa = value / 10.0**exponent
    # the tolerance keeps 0.02 at 0.02 despite 0.02 / 10**-2 = 1.9999999999999998
    base = 5.0 if mantissa >= 5.0 - 1e-9 else 2.0 if mantissa >= 2.0 - 1e-9 else 1.0
    return float(f"{base * 10.0**exponent:.12g}")


def _check_lrs(lrs: Mapping[str, float] | None, owner: str) -> dict[str, float]:
    if lrs is None:
        return {}
    if not isinstance(lrs, Mapping):
        raise TypeError(
            f"problem {owner!r}: default_lrs must be a dict optimizer name -> learning rate, "
            f"e.g. {{'adam': 0.05}}; got {lrs!r}"
        )
    out: dict[str, float] = {}
    for key, lr in lrs.items():
        if not isinstance(key, str) or isinstance(lr, bool) or not isinstance(lr, (int, float)):
            raise TypeError(
                f"problem {owner!r}: default_lrs maps optimizer names to numbers, "
                f"e.g. {{'adam': 0.05}}; got {key!r}: {lr!r}"
            )
        if not (math.isfinite(lr) and lr > 0):
            raise ValueError(
                f"problem {owner!r}: default_lrs[{key!r}] must be a positive finite number; "
                f"got {lr!r}"
            )
        out[key] = float(lr)
    return out


class Problem:
    """An objective to minimize: value, gradient, bounds, known minima and a view range.

    ``Problem`` is the base class of the built-in problems and, called directly, wraps a
    user function.

    Parameters
    ----------
    f : callable
        The objective. By default it is called on one point, an array of shape ``(d,)``,
        and returns a real number. With ``vectorized=True`` it is called on a batch of
        points ``(n, d)`` and returns ``(n,)``.
    grad : callable, optional
        The gradient, called like ``f`` and returning ``(d,)`` (or ``(n, d)`` when
        vectorized). Without it, central finite differences are used (``2 d``
        evaluations of ``f`` per point; one batched call when vectorized).
    bounds : sequence of (lo, hi)
        The domain, one finite pair per dimension; it fixes the dimension ``d``.
    name : str, optional
        Display name; defaults to the function's name.
    minima : array_like, optional
        Known minimizers, shape ``(k, d)`` (or one point ``(d,)``).
    view : sequence of (lo, hi), optional
        The range to draw (defaults to ``bounds``).
    vectorized : bool, default False
        Whether ``f`` (and ``grad``) take a batch of points.
    log_scale : bool, optional
        Whether the landscape is best drawn in log scale. ``None`` decides from the
        values on a coarse grid over the view (2-D problems; evaluated on first use).
    min_value : float, optional
        The minimum value; defaults to ``f`` at the given ``minima``.
    default_start : array_like, optional
        A start point ``(d,)``; defaults to a point in the lower-left part of the view.
    param_names : sequence of str, optional
        One name per dimension; defaults to ``("x", "y")`` in 2-D, else ``("x0", ...)``.
    description : str, optional
        One line saying what the problem is (shown next to the drawing).
    default_lrs : mapping of str to float, optional
        Learning rates that suit the problem, by optimizer name (``"gd"``, ``"sgd"``,
        ``"rmsprop"``, ``"adam"``); those not given follow the rule of
        :attr:`default_lrs`.

    Examples
    --------
    >>> import numpy as np
    >>> p = Problem(lambda v: (v[0] - 1) ** 2 + 3 * v[1] ** 2, bounds=((-2, 2), (-2, 2)))
    >>> p.value([[1.0, 0.0], [0.0, 1.0]])
    array([0., 4.])
    >>> np.round(p.grad([0.0, 1.0]), 6)
    array([-2.,  6.])
    """

    name: str
    dim: int
    param_names: tuple[str, ...]
    bounds: Bounds
    view: Bounds
    min_value: float | None
    n_train: int | None = None
    has_validation: bool = False
    description: str = ""

    _minima: FloatArray
    _default_start: FloatArray
    _log_scale: bool | None

    def __init__(
        self,
        f: Callable[..., Any],
        grad: Callable[..., Any] | None = None,
        bounds: Sequence[Sequence[float]] | None = None,
        *,
        name: str | None = None,
        minima: ArrayLike | None = None,
        view: Sequence[Sequence[float]] | None = None,
        vectorized: bool = False,
        log_scale: bool | None = None,
        min_value: float | None = None,
        default_start: ArrayLike | None = None,
        param_names: Sequence[str] | None = None,
        description: str = "",
        default_lrs: Mapping[str, float] | None = None,
    ) -> None:
        if not callable(f):
            raise TypeError(f"Problem: f must be a callable objective; got {f!r}")
        if grad is not None and not callable(grad):
            raise TypeError(f"Problem: grad must be a callable or None; got {grad!r}")
        self._f = f
        self._g = grad
        self._vectorized = bool(vectorized)
        self._fname = _callable_name(f)
        self.description = str(description)
        self._configure(
            name=name if name is not None else self._fname,
            bounds=bounds,
            view=view,
            minima=minima,
            min_value=min_value,
            log_scale=log_scale,
            default_start=default_start,
            param_names=param_names,
            default_lrs=default_lrs,
        )
        if minima is not None and min_value is None and len(self._minima):
            self.min_value = float(np.min(self._value(self._minima, None)))

    # -- configuration shared by all problems ------------------------------------------

    def _configure(
        self,
        *,
        name: str,
        bounds: object,
        view: object = None,
        minima: ArrayLike | None = None,
        min_value: float | None = None,
        log_scale: bool | None = None,
        default_start: ArrayLike | None = None,
        param_names: Sequence[str] | None = None,
        default_lrs: Mapping[str, float] | None = None,
    ) -> None:
        if not isinstance(name, str) or not name:
            raise TypeError(f"Problem: name must be a non-empty string; got {name!r}")
        self.name = name
        self.bounds = as_bounds(bounds, "bounds", f"problem {name!r}")
        self.dim = len(self.bounds)
        self.view = self.bounds if view is None else as_bounds(view, "view", f"problem {name!r}")
        if len(self.view) != self.dim:
            raise ValueError(
                f"problem {name!r}: view has {len(self.view)} (lo, hi) pairs but bounds have "
                f"{self.dim}; give one pair per dimension"
            )
        if param_names is None:
            param_names = ("x", "y") if self.dim == 2 else tuple(f"x{i}" for i in range(self.dim))
        names = tuple(param_names)
        if len(names) != self.dim or not all(isinstance(n, str) for n in names):
            raise ValueError(
                f"problem {name!r}: param_names must be {self.dim} strings; got {param_names!r}"
            )
        self.param_names = names
        self._minima = self._points_arg(minima, "minima", allow_many=True)
        self.min_value = None if min_value is None else float(min_value)
        if log_scale is not None and not isinstance(log_scale, (bool, np.bool_)):
            raise TypeError(f"problem {name!r}: log_scale must be True, False or None")
        self._log_scale = None if log_scale is None else bool(log_scale)
        if default_start is None:
            lo = np.array([v[0] for v in self.view])
            hi = np.array([v[1] for v in self.view])
            self._default_start = lo + 0.2 * (hi - lo)
        else:
            self._default_start = self._points_arg(default_start, "default_start")[0]
        self._default_lrs = _check_lrs(default_lrs, name)
        self._rule_lrs: dict[str, float] | None = None

    def _points_arg(
        self, value: ArrayLike | None, what: str, allow_many: bool = False
    ) -> FloatArray:
        if value is None:
            return np.zeros((0, self.dim))
        try:
            arr = np.array(value, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"problem {self.name!r}: {what} must be numbers; got {value!r}"
            ) from exc
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"problem {self.name!r}: {what} must be finite; got {value!r}")
        if arr.ndim == 1 and arr.shape[0] == self.dim:
            arr = arr[None, :]
        elif arr.size == 0 and allow_many:
            arr = np.zeros((0, self.dim))
        if arr.ndim != 2 or arr.shape[1] != self.dim or (not allow_many and arr.shape[0] != 1):
            form = f"(k, {self.dim})" if allow_many else f"({self.dim},)"
            raise ValueError(
                f"problem {self.name!r}: {what} must have shape {form}; "
                f"got shape {shape_str(np.shape(value))}"
            )
        return arr

    # -- public attributes --------------------------------------------------------------

    @property
    def minima(self) -> FloatArray:
        """Known minimizers, shape ``(k, d)``; ``(0, d)`` when none are known (a copy)."""
        return self._minima.copy()

    @property
    def default_start(self) -> FloatArray:
        """An instructive start point, shape ``(d,)`` (a fresh copy each time)."""
        return self._default_start.copy()

    @property
    def default_lrs(self) -> dict[str, float]:
        """Learning rates that suit this problem, by optimizer name (a fresh dict).

        Keys are ``"gd"`` (:class:`~nbopt.optimizers.GradientDescent`), ``"sgd"``
        (:class:`~nbopt.optimizers.SGD` with ``momentum=0.9``), ``"rmsprop"`` and
        ``"adam"``: what ``%nbopt optimize PROBLEM`` races when no optimizer is given.

        The built-in problems carry rates measured from their default start with their
        default options: on the grid 1, 2, 5 x 10**k, the rate whose 500-step run has
        the lowest mean log gap to the minimum, among the rates that do not diverge,
        stay within the bounds, never more than double the start's loss, and whose next
        larger grid rate does not diverge either.

        Rates not given to the problem follow a rule from its scale: with ``s`` one
        hundredth of the mean width of :attr:`view`, RMSProp and Adam (which move about
        ``lr`` per coordinate and step) get ``s``; gradient descent gets the rate whose
        first step from :attr:`default_start` is ``s`` long (``s / |grad|``), and SGD
        with momentum 0.9, whose steps build up to ten times longer, a tenth of that;
        each rounded down to the grid.

        Examples
        --------
        >>> from nbopt.problems import get
        >>> get("rosenbrock").default_lrs["adam"]
        0.1
        >>> p = Problem(lambda v: float(v @ v), bounds=((-2, 2), (-2, 2)))
        >>> p.default_lrs
        {'gd': 0.01, 'sgd': 0.001, 'rmsprop': 0.02, 'adam': 0.02}
        """
        if not all(name in self._default_lrs for name in CLASSIC_OPTIMIZERS):
            if self._rule_lrs is None:
                self._rule_lrs = self._lr_rule()
            return {**self._rule_lrs, **self._default_lrs}
        return dict(self._default_lrs)

    def _lr_rule(self) -> dict[str, float]:
        widths = [hi - lo for lo, hi in self.view]
        step = 0.01 * float(np.mean(widths))
        with np.errstate(all="ignore"):
            norm = float(np.linalg.norm(self.grad(self._default_start)))
        gd = step / norm if math.isfinite(norm) and norm > 0 else step
        return {
            "gd": _grid_floor(gd),
            "sgd": _grid_floor(gd / 10.0),
            "rmsprop": _grid_floor(step),
            "adam": _grid_floor(step),
        }

    @property
    def log_scale(self) -> bool:
        """Whether the landscape is best drawn in log scale."""
        if self._log_scale is None:
            self._log_scale = self._guess_log_scale()
        return self._log_scale

    def _guess_log_scale(self) -> bool:
        if self.dim != 2:
            return False
        (x0, x1), (y0, y1) = self.view
        gx, gy = np.meshgrid(np.linspace(x0, x1, 17), np.linspace(y0, y1, 17))
        with np.errstate(all="ignore"):
            z = self.value(np.stack([gx, gy], axis=-1))
        z = z[np.isfinite(z)]
        if z.size < 2:
            return False
        low, span = float(z.min()), float(np.ptp(z))
        # A linear colour scale washes out when most of the view sits near the floor.
        return span > 0 and float(np.median(z)) - low < 0.05 * span

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, dim={self.dim})"

    # -- evaluation ---------------------------------------------------------------------

    def _as_points(self, X: ArrayLike) -> tuple[FloatArray, tuple[int, ...]]:
        try:
            arr = np.asarray(X)
        except ValueError as exc:  # ragged nested lists
            raise ValueError(
                f"problem {self.name!r} takes points of shape (..., {self.dim}); got a ragged "
                f"sequence ({exc})"
            ) from None
        if arr.dtype.kind not in "biuf":
            raise TypeError(
                f"problem {self.name!r}: points must be real numbers of shape (..., {self.dim}); "
                f"got dtype {arr.dtype}"
            )
        if arr.ndim == 0 or arr.shape[-1] != self.dim:
            raise ValueError(
                f"problem {self.name!r} takes points of shape (..., {self.dim}) (last axis: "
                f"{', '.join(self.param_names[:4])}{', ...' if self.dim > 4 else ''}); "
                f"got shape {shape_str(arr.shape)}"
            )
        lead = arr.shape[:-1]
        return np.ascontiguousarray(arr, dtype=np.float64).reshape(-1, self.dim), lead

    def _check_batch(self, batch: ArrayLike | None) -> IntArray | None:
        if batch is None:
            return None
        raise ValueError(
            f"problem {self.name!r} has no training data (n_train is None): batch= applies "
            "to data problems such as 'linear_regression'"
        )

    def value(self, X: ArrayLike, batch: ArrayLike | None = None) -> FloatArray:
        """Objective values at points ``X`` of shape ``(..., d)``; returns shape ``(...)``.

        Parameters
        ----------
        X : array_like
            Points, the last axis indexing the parameters.
        batch : array_like of int, optional
            Indices into the training data (data problems only): the mean loss over
            those samples instead of the full training set.

        Examples
        --------
        >>> from nbopt.problems import get
        >>> get("rosenbrock").value([[1.0, 1.0], [0.0, 0.0]])
        array([0., 1.])
        """
        pts, lead = self._as_points(X)
        checked = self._check_batch(batch)
        if pts.shape[0] == 0:
            return np.zeros(lead)
        return self._value(pts, checked).reshape(lead)

    def grad(self, X: ArrayLike, batch: ArrayLike | None = None) -> FloatArray:
        """Gradients at points ``X`` of shape ``(..., d)``; returns shape ``(..., d)``.

        Examples
        --------
        >>> from nbopt.problems import get
        >>> get("rosenbrock").grad([0.0, 0.0])
        array([-2.,  0.])
        """
        pts, lead = self._as_points(X)
        checked = self._check_batch(batch)
        if pts.shape[0] == 0:
            return np.zeros((*lead, self.dim))
        return self._grad(pts, checked).reshape((*lead, self.dim))

    def value_and_grad(
        self, X: ArrayLike, batch: ArrayLike | None = None
    ) -> tuple[FloatArray, FloatArray]:
        """Values ``(...)`` and gradients ``(..., d)`` at ``X`` in one pass.

        Examples
        --------
        >>> from nbopt.problems import get
        >>> v, g = get("booth").value_and_grad([1.0, 3.0])
        >>> float(v), g.tolist()
        (0.0, [0.0, 0.0])
        """
        pts, lead = self._as_points(X)
        checked = self._check_batch(batch)
        if pts.shape[0] == 0:
            return np.zeros(lead), np.zeros((*lead, self.dim))
        v, g = self._value_and_grad(pts, checked)
        return v.reshape(lead), g.reshape((*lead, self.dim))

    def validation_value(self, X: ArrayLike) -> FloatArray:
        """Loss on the validation data at ``X`` ``(..., d)`` -> ``(...)`` (data problems).

        Raises
        ------
        ValueError
            If the problem has no validation data.
        """
        raise ValueError(f"problem {self.name!r} has no validation data (has_validation is False)")

    def sample_batch(self, rng: np.random.Generator, batch_size: int) -> IntArray:
        """Draw ``batch_size`` distinct training indices with ``rng`` (data problems).

        Raises
        ------
        ValueError
            If the problem has no training data (``n_train is None``).
        """
        raise ValueError(
            f"problem {self.name!r} has no training data (n_train is None): mini-batches "
            "apply to data problems such as 'linear_regression'"
        )

    # -- hooks for subclasses: X is (n, d) float64, batch already validated --------------

    def _value(self, X: FloatArray, batch: IntArray | None) -> FloatArray:
        if self._vectorized:
            out = self._call_vectorized(self._f, "f", X, (X.shape[0],), "(n,)")
        else:
            out = np.empty(X.shape[0])
            for i in range(X.shape[0]):
                out[i] = self._call_point(X[i])
        return out

    def _grad(self, X: FloatArray, batch: IntArray | None) -> FloatArray:
        if self._g is None:
            return self._finite_difference_grad(X)
        if self._vectorized:
            return self._call_vectorized(self._g, "grad", X, X.shape, f"(n, {self.dim})")
        out = np.empty_like(X)
        for i in range(X.shape[0]):
            out[i] = self._call_point_grad(X[i])
        return out

    def _value_and_grad(
        self, X: FloatArray, batch: IntArray | None
    ) -> tuple[FloatArray, FloatArray]:
        return self._value(X, batch), self._grad(X, batch)

    # -- user-function plumbing -----------------------------------------------------------

    def _bad_output(self, what: str, got: str, expected: str) -> str:
        fn = self._fname if what == "f" else _callable_name(self._g)
        if self._vectorized:
            how = f"it is called on a batch of points of shape (n, {self.dim})"
        else:
            how = (
                f"it is called on one point of shape ({self.dim},); pass vectorized=True if it "
                f"takes a batch (n, {self.dim})"
            )
        return f"problem {self.name!r}: {what} {fn!r} returned {got}; expected {expected} ({how})"

    def _numeric(self, what: str, out: Any, expected: str) -> NDArray[Any]:
        arr = np.asarray(out)
        if arr.dtype.kind not in "iuf":
            got = f"{type(out).__name__} {out!r}" if arr.ndim == 0 else f"dtype {arr.dtype}"
            raise TypeError(self._bad_output(what, got, expected))
        return arr

    def _call_point(self, x: FloatArray) -> float:
        out = self._f(x.copy())
        arr = self._numeric("f", out, "a real number")
        if arr.ndim != 0:
            raise ValueError(
                self._bad_output("f", f"an array of shape {shape_str(arr.shape)}", "a real number")
            )
        return float(arr)

    def _call_point_grad(self, x: FloatArray) -> FloatArray:
        assert self._g is not None
        expected = f"an array of shape ({self.dim},)"
        arr = self._numeric("grad", self._g(x.copy()), expected)
        if arr.shape != (self.dim,):
            got = f"shape {shape_str(arr.shape)}"
            raise ValueError(self._bad_output("grad", got, expected))
        return arr.astype(np.float64)

    def _call_vectorized(
        self,
        fn: Callable[..., Any],
        what: str,
        X: FloatArray,
        shape: tuple[int, ...],
        form: str,
    ) -> FloatArray:
        expected = f"an array of shape {form}"
        arr = self._numeric(what, fn(X.copy()), expected)
        if arr.shape != shape:
            got = f"shape {shape_str(arr.shape)} for {X.shape[0]} points"
            raise ValueError(self._bad_output(what, got, expected))
        return arr.astype(np.float64)

    def _finite_difference_grad(self, X: FloatArray) -> FloatArray:
        n, d = X.shape
        h = _FD_STEP * np.maximum(1.0, np.abs(X))
        eye = np.eye(d)
        plus = X[:, None, :] + h[:, :, None] * eye  # (n, d, d): point i moved along axis j
        minus = X[:, None, :] - h[:, :, None] * eye
        # The steps actually taken, after rounding, keep the quotient consistent.
        step = np.einsum("ijj->ij", plus) - np.einsum("ijj->ij", minus)
        both = np.concatenate([plus, minus], axis=1).reshape(2 * n * d, d)
        vals = self._value(both, None).reshape(n, 2, d)
        grad: FloatArray = (vals[:, 0, :] - vals[:, 1, :]) / step
        return grad
