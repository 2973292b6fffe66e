"""Classic 2-D test functions with analytic gradients, known minima and drawing ranges."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import ArrayLike

from nbopt.problems._base import Bounds, FloatArray, IntArray, Problem

_Pair: TypeAlias = tuple[FloatArray, FloatArray]


class Function2D(Problem):
    """A 2-D test function given by vectorized value and gradient of ``(x, y)``.

    The built-in functions are instances; get them with :func:`nbopt.problems.get`.

    Parameters
    ----------
    name : str
        The function's name.
    value : callable
        ``value(x, y) -> z`` on arrays of one shape.
    grad : callable
        ``grad(x, y) -> (dz/dx, dz/dy)``.
    bounds, view : ((lo, hi), (lo, hi))
        The domain and the drawing range.
    minima : array_like
        All global minimizers, shape ``(k, 2)`` (``(0, 2)`` when there is no minimum).
    min_value : float or None
        The global minimum value.
    default_start : array_like
        An instructive start point ``(2,)``.
    log_scale : bool
        Whether the landscape is best drawn in log scale.
    description : str
        One line with the formula and what the function teaches.
    default_lrs : mapping of str to float, optional
        Learning rates that suit the function, by optimizer name (see
        :attr:`Problem.default_lrs`).

    Examples
    --------
    >>> p = Function2D("bowl", lambda x, y: x**2 + y**2, lambda x, y: (2 * x, 2 * y),
    ...                bounds=((-1, 1), (-1, 1)), minima=[[0, 0]], min_value=0.0)
    >>> p.value([0.5, 0.5]).item()
    0.5
    """

    def __init__(
        self,
        name: str,
        value: Callable[[FloatArray, FloatArray], FloatArray],
        grad: Callable[[FloatArray, FloatArray], _Pair],
        *,
        bounds: Bounds,
        view: Bounds | None = None,
        minima: ArrayLike | None = None,
        min_value: float | None = None,
        default_start: ArrayLike | None = None,
        log_scale: bool = False,
        description: str = "",
        default_lrs: Mapping[str, float] | None = None,
    ) -> None:
        self._fxy = value
        self._gxy = grad
        self.description = description
        self._configure(
            name=name,
            bounds=bounds,
            view=view,
            minima=minima,
            min_value=min_value,
            log_scale=log_scale,
            default_start=default_start,
            default_lrs=default_lrs,
        )

    _recipe: tuple[str, dict[str, Any]] | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        # The value/gradient closures do not pickle; a built-in is rebuilt from its options.
        if self._recipe is None:
            raise TypeError(
                f"Function2D {self.name!r} built from closures cannot be pickled; "
                "use nbopt.problems.get(name, **options) for built-in functions"
            )
        return (_rebuild, self._recipe)

    def _value(self, X: FloatArray, batch: IntArray | None) -> FloatArray:
        return np.asarray(self._fxy(X[:, 0], X[:, 1]), dtype=np.float64)

    def _grad(self, X: FloatArray, batch: IntArray | None) -> FloatArray:
        gx, gy = self._gxy(X[:, 0], X[:, 1])
        return np.stack([gx, gy], axis=-1)

    def _value_and_grad(
        self, X: FloatArray, batch: IntArray | None
    ) -> tuple[FloatArray, FloatArray]:
        x, y = X[:, 0], X[:, 1]
        value = np.asarray(self._fxy(x, y), dtype=np.float64)
        gx, gy = self._gxy(x, y)
        grad = np.empty(X.shape)
        grad[:, 0] = gx
        grad[:, 1] = gy
        return value, grad


def _rebuild(name: str, options: dict[str, Any]) -> Function2D:
    return FUNCTIONS[name](**options)


def _builtin(factory: Callable[..., Function2D]) -> Callable[..., Function2D]:
    @functools.wraps(factory)
    def make(**options: Any) -> Function2D:
        p = factory(**options)
        p._recipe = (factory.__name__, options)
        return p

    return make


# -- the functions ----------------------------------------------------------------------------


def quadratic(condition: float = 25.0, angle: float = 30.0) -> Function2D:
    """Ill-conditioned quadratic bowl ``0.5 (u**2 + condition * v**2)``.

    ``(u, v)`` are ``(x, y)`` rotated by ``angle`` degrees, so the long axis of the
    elliptic contours is tilted and no per-coordinate step size can undo the
    conditioning. The Hessian's eigenvalues are 1 and ``condition``: gradient descent
    is stable for ``lr < 2 / condition`` and zig-zags across the valley near that limit.
    """
    if not (isinstance(condition, (int, float)) and math.isfinite(condition) and condition >= 1):
        raise ValueError(f"quadratic: condition must be a finite number >= 1; got {condition!r}")
    if not (isinstance(angle, (int, float)) and math.isfinite(angle)):
        raise ValueError(f"quadratic: angle must be a finite number of degrees; got {angle!r}")
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    k = float(condition)

    def value(x: FloatArray, y: FloatArray) -> FloatArray:
        u = c * x + s * y
        v = -s * x + c * y
        return 0.5 * (u * u + k * v * v)

    def grad(x: FloatArray, y: FloatArray) -> _Pair:
        u = c * x + s * y
        kv = k * (-s * x + c * y)
        return c * u - s * kv, s * u + c * kv

    # Start far out along the shallow axis and off it along the steep one.
    u0, v0 = -3.5, 1.5
    start = (c * u0 - s * v0, s * u0 + c * v0)
    return Function2D(
        "quadratic",
        value,
        grad,
        bounds=((-5.0, 5.0), (-5.0, 5.0)),
        view=((-4.0, 4.0), (-4.0, 4.0)),
        minima=[[0.0, 0.0]],
        min_value=0.0,
        default_start=start,
        log_scale=True,
        description=(
            f"0.5·(u² + {k:g}·v²), (u, v) = (x, y) rotated by {angle:g}°: an ill-conditioned "
            f"valley (condition number {k:g})"
        ),
        # Measured at condition 25; the stable rates of gradient steps scale as 1 / condition.
        default_lrs={"gd": 0.02 * 25.0 / k, "sgd": 0.02 * 25.0 / k, "rmsprop": 0.1, "adam": 1.0},
    )


def rosenbrock(a: float = 1.0, b: float = 100.0) -> Function2D:
    """Rosenbrock's banana valley ``(a - x)**2 + b (y - x**2)**2``, minimum at ``(a, a**2)``."""
    for nm, val in (("a", a), ("b", b)):
        if not (isinstance(val, (int, float)) and math.isfinite(val)):
            raise ValueError(f"rosenbrock: {nm} must be a finite number; got {val!r}")
    if b <= 0:
        raise ValueError(f"rosenbrock: b must be > 0 for a minimum to exist; got {b!r}")
    a, b = float(a), float(b)

    def value(x: FloatArray, y: FloatArray) -> FloatArray:
        return (a - x) ** 2 + b * (y - x * x) ** 2

    def grad(x: FloatArray, y: FloatArray) -> _Pair:
        r = y - x * x
        return -2.0 * (a - x) - 4.0 * b * x * r, 2.0 * b * r

    xv = (min(-2.0, a - 1.0), max(2.0, a + 1.0))
    yv = (min(-1.0, a * a - 1.0), max(3.0, a * a + 1.0))
    return Function2D(
        "rosenbrock",
        value,
        grad,
        bounds=(xv, yv),
        view=(xv, yv),
        minima=[[a, a * a]],
        min_value=0.0,
        default_start=(-1.5, 2.0),
        log_scale=True,
        description=(
            f"({a:g} − x)² + {b:g}·(y − x²)²: a curved, flat-bottomed valley; easy to find, "
            "slow to follow"
        ),
        # Measured at b = 100; the valley's curvature, and so the stable gradient step, scale
        # with b.
        default_lrs={"gd": 1e-3 * 100.0 / b, "sgd": 1e-3 * 100.0 / b, "rmsprop": 0.01, "adam": 0.1},
    )


def himmelblau() -> Function2D:
    """Himmelblau's function ``(x**2 + y - 11)**2 + (x + y**2 - 7)**2``: four equal minima."""

    def value(x: FloatArray, y: FloatArray) -> FloatArray:
        return (x * x + y - 11.0) ** 2 + (x + y * y - 7.0) ** 2

    def grad(x: FloatArray, y: FloatArray) -> _Pair:
        p = x * x + y - 11.0
        q = x + y * y - 7.0
        return 4.0 * x * p + 2.0 * q, 2.0 * p + 4.0 * y * q

    return Function2D(
        "himmelblau",
        value,
        grad,
        bounds=((-5.0, 5.0), (-5.0, 5.0)),
        minima=[
            [3.0, 2.0],
            [-2.805118086952745, 3.131312518250573],
            [-3.779310253377747, -3.2831859912861696],
            [3.5844283403304917, -1.8481265269644036],
        ],
        min_value=0.0,
        # Next to the local maximum at (-0.2708, -0.9230): optimizers fan out to different minima.
        default_start=(-0.5, -0.5),
        log_scale=True,
        description="(x² + y − 11)² + (x + y² − 7)²: four minima of equal value 0",
        default_lrs={"gd": 0.001, "sgd": 0.01, "rmsprop": 0.05, "adam": 1.0},
    )


def beale() -> Function2D:
    """Beale's function: a flat plateau with steep walls, minimum 0 at ``(3, 0.5)``."""

    def value(x: FloatArray, y: FloatArray) -> FloatArray:
        y2 = y * y
        r1 = 1.5 - x + x * y
        r2 = 2.25 - x + x * y2
        r3 = 2.625 - x + x * y2 * y
        return r1 * r1 + r2 * r2 + r3 * r3

    def grad(x: FloatArray, y: FloatArray) -> _Pair:
        y2 = y * y
        y3 = y2 * y
        r1 = 1.5 - x + x * y
        r2 = 2.25 - x + x * y2
        r3 = 2.625 - x + x * y3
        gx = 2.0 * (r1 * (y - 1.0) + r2 * (y2 - 1.0) + r3 * (y3 - 1.0))
        gy = 2.0 * x * (r1 + 2.0 * y * r2 + 3.0 * y2 * r3)
        return gx, gy

    return Function2D(
        "beale",
        value,
        grad,
        bounds=((-4.5, 4.5), (-4.5, 4.5)),
        minima=[[3.0, 0.5]],
        min_value=0.0,
        default_start=(-1.0, -1.0),
        log_scale=True,
        description=(
            "(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²: flat centre, "
            "steep walls (values span ten orders of magnitude)"
        ),
        default_lrs={"gd": 0.02, "sgd": 0.002, "rmsprop": 0.05, "adam": 1.0},
    )


def booth() -> Function2D:
    """Booth's function ``(x + 2y - 7)**2 + (2x + y - 5)**2``: a tilted bowl, minimum at (1, 3)."""

    def value(x: FloatArray, y: FloatArray) -> FloatArray:
        return (x + 2.0 * y - 7.0) ** 2 + (2.0 * x + y - 5.0) ** 2

    def grad(x: FloatArray, y: FloatArray) -> _Pair:
        p = x + 2.0 * y - 7.0
        q = 2.0 * x + y - 5.0
        return 2.0 * p + 4.0 * q, 4.0 * p + 2.0 * q

    return Function2D(
        "booth",
        value,
        grad,
        bounds=((-10.0, 10.0), (-10.0, 10.0)),
        minima=[[1.0, 3.0]],
        min_value=0.0,
        default_start=(-7.0, -6.0),
        log_scale=True,
        description="(x + 2y − 7)² + (2x + y − 5)²: a convex quadratic, condition number 9",
        default_lrs={"gd": 0.05, "sgd": 0.005, "rmsprop": 1.0, "adam": 0.5},
    )


def rastrigin() -> Function2D:
    """Rastrigin's function ``20 + sum(x_i**2 - 10 cos(2 pi x_i))``: a grid of local minima."""
    tau = 2.0 * math.pi

    def value(x: FloatArray, y: FloatArray) -> FloatArray:
        return 20.0 + x * x - 10.0 * np.cos(tau * x) + y * y - 10.0 * np.cos(tau * y)

    def grad(x: FloatArray, y: FloatArray) -> _Pair:
        return 2.0 * x + 10.0 * tau * np.sin(tau * x), 2.0 * y + 10.0 * tau * np.sin(tau * y)

    return Function2D(
        "rastrigin",
        value,
        grad,
        bounds=((-5.12, 5.12), (-5.12, 5.12)),
        minima=[[0.0, 0.0]],
        min_value=0.0,
        default_start=(3.7, -2.4),
        log_scale=False,
        description="20 + x² − 10·cos 2πx + y² − 10·cos 2πy: many local minima, one global at 0",
        default_lrs={"gd": 0.005, "sgd": 0.005, "rmsprop": 0.05, "adam": 0.5},
    )


def ackley() -> Function2D:
    """Ackley's function: a nearly flat, bumpy plain around a deep hole at the origin.

    The radial term is a cone at the origin; the gradient there is taken as 0, the
    subgradient that makes the origin stationary.
    """
    tau = 2.0 * math.pi

    def value(x: FloatArray, y: FloatArray) -> FloatArray:
        r = np.sqrt(0.5 * (x * x + y * y))
        return (
            -20.0 * np.exp(-0.2 * r)
            - np.exp(0.5 * (np.cos(tau * x) + np.cos(tau * y)))
            + math.e
            + 20.0
        )

    def grad(x: FloatArray, y: FloatArray) -> _Pair:
        r = np.sqrt(0.5 * (x * x + y * y))
        # d/dx of -20 exp(-0.2 r) is 2 exp(-0.2 r) x / r; x / r is bounded, 0 at r = 0.
        safe_r = np.where(r > 0.0, r, 1.0)
        radial = np.where(r > 0.0, 2.0 * np.exp(-0.2 * r) / safe_r, 0.0)
        wave = np.exp(0.5 * (np.cos(tau * x) + np.cos(tau * y))) * 0.5 * tau
        return radial * x + wave * np.sin(tau * x), radial * y + wave * np.sin(tau * y)

    return Function2D(
        "ackley",
        value,
        grad,
        bounds=((-32.768, 32.768), (-32.768, 32.768)),
        view=((-4.0, 4.0), (-4.0, 4.0)),
        minima=[[0.0, 0.0]],
        min_value=0.0,
        default_start=(2.6, -3.3),
        log_scale=False,
        description=(
            "−20·exp(−0.2·√(½(x² + y²))) − exp(½(cos 2πx + cos 2πy)) + e + 20: "
            "bumpy plain, one deep hole"
        ),
        default_lrs={"gd": 0.1, "sgd": 0.05, "rmsprop": 0.1, "adam": 1.0},
    )


def saddle() -> Function2D:
    """Saddle ``x**2 - y**2``: a stationary point that is no minimum (unbounded below)."""

    def value(x: FloatArray, y: FloatArray) -> FloatArray:
        return x * x - y * y

    def grad(x: FloatArray, y: FloatArray) -> _Pair:
        return 2.0 * x, -2.0 * y

    return Function2D(
        "saddle",
        value,
        grad,
        bounds=((-2.0, 2.0), (-2.0, 2.0)),
        minima=None,
        min_value=None,
        # Almost on the attracting axis: gradient descent stalls near (0, 0) before escaping.
        default_start=(1.8, 0.01),
        log_scale=False,
        description="x² − y²: a saddle point at the origin, no minimum",
        default_lrs={"gd": 0.005, "sgd": 0.0005, "rmsprop": 0.002, "adam": 0.002},
    )


def camel() -> Function2D:
    """Six-hump camel: ``(4 - 2.1x**2 + x**4/3) x**2 + xy + (4y**2 - 4) y**2``.

    Six local minima, two of them global (value -1.0316...).
    """

    def value(x: FloatArray, y: FloatArray) -> FloatArray:
        x2 = x * x
        y2 = y * y
        return (4.0 - 2.1 * x2 + x2 * x2 / 3.0) * x2 + x * y + (4.0 * y2 - 4.0) * y2

    def grad(x: FloatArray, y: FloatArray) -> _Pair:
        x2 = x * x
        return (
            8.0 * x - 8.4 * x2 * x + 2.0 * x2 * x2 * x + y,
            x - 8.0 * y + 16.0 * y * y * y,
        )

    xm, ym = 0.08984201310031807, -0.7126564030207396
    return Function2D(
        "camel",
        value,
        grad,
        bounds=((-3.0, 3.0), (-2.0, 2.0)),
        view=((-2.0, 2.0), (-1.1, 1.1)),
        minima=[[xm, ym], [-xm, -ym]],
        min_value=-1.0316284534898774,
        default_start=(-1.5, -0.9),
        log_scale=False,
        description=("(4 − 2.1x² + x⁴/3)·x² + xy + (4y² − 4)·y²: six local minima, two global"),
        default_lrs={"gd": 0.005, "sgd": 0.02, "rmsprop": 0.01, "adam": 0.5},
    )


FUNCTIONS: dict[str, Callable[..., Function2D]] = {
    f.__name__: _builtin(f)
    for f in (quadratic, rosenbrock, himmelblau, beale, booth, rastrigin, ackley, saddle, camel)
}
