"""Standard test functions for the search benchmark, with randomly shifted instances.

Each function takes a point ``x`` of shape (d,) in its native domain and returns a float.
A *shifted instance* moves the global optimum to a random place inside the domain: the
point evaluated is ``x - o + x*``, where ``x*`` is a known global minimizer and ``o`` the
new optimum drawn from the central 80 % of the box (as the BBOB suite shifts its
functions). Nothing then favours the centre of the domain or a memorized optimum. Two
functions take lower values outside their box than inside (Schwefel, Michalewicz): for
them the shifted point is folded back into the box (a mirror at each face, so the
landscape stays continuous and the minimum value is unchanged).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

__all__ = ["FUNCTIONS", "TestFunction", "instance"]


@dataclass(frozen=True)
class TestFunction:
    """A benchmark objective: domain, known minimum, one minimizer, budget and kind."""

    name: str
    f: Callable[[FloatArray], float]
    lo: FloatArray
    hi: FloatArray
    fmin: float
    xopt: FloatArray
    budget: int
    kind: str  # "smooth" or "rugged"
    fold: bool = False

    @property
    def dim(self) -> int:
        return len(self.lo)


def branin(x: FloatArray) -> float:
    x1, x2 = x
    b, c, t = 5.1 / (4 * math.pi**2), 5 / math.pi, 1 / (8 * math.pi)
    return float((x2 - b * x1**2 + c * x1 - 6.0) ** 2 + 10.0 * (1 - t) * math.cos(x1) + 10.0)


_H6_A = np.array(
    [
        [10, 3, 17, 3.5, 1.7, 8],
        [0.05, 10, 17, 0.1, 8, 14],
        [3, 3.5, 1.7, 10, 17, 8],
        [17, 8, 0.05, 10, 0.1, 14],
    ]
)
_H6_P = 1e-4 * np.array(
    [
        [1312, 1696, 5569, 124, 8283, 5886],
        [2329, 4135, 8307, 3736, 1004, 9991],
        [2348, 1451, 3522, 2883, 3047, 6650],
        [4047, 8828, 8732, 5743, 1091, 381],
    ]
)
_H6_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])


def hartmann6(x: FloatArray) -> float:
    return float(-_H6_ALPHA @ np.exp(-np.sum(_H6_A * (x - _H6_P) ** 2, axis=1)))


def rosenbrock(x: FloatArray) -> float:
    return float(np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2))


def styblinski_tang(x: FloatArray) -> float:
    return float(0.5 * np.sum(x**4 - 16 * x**2 + 5 * x))


_SHEKEL_A = np.array(
    [
        [4, 4, 4, 4],
        [1, 1, 1, 1],
        [8, 8, 8, 8],
        [6, 6, 6, 6],
        [3, 7, 3, 7],
        [2, 9, 2, 9],
        [5, 5, 3, 3],
        [8, 1, 8, 1],
        [6, 2, 6, 2],
        [7, 3.6, 7, 3.6],
    ],
    dtype=np.float64,
)
_SHEKEL_C = np.array([0.1, 0.2, 0.2, 0.4, 0.4, 0.6, 0.3, 0.7, 0.5, 0.5])


def shekel10(x: FloatArray) -> float:
    return float(-np.sum(1.0 / (np.sum((x - _SHEKEL_A) ** 2, axis=1) + _SHEKEL_C)))


def ackley(x: FloatArray) -> float:
    d = len(x)
    return float(
        -20.0 * math.exp(-0.2 * math.sqrt(float(np.sum(x * x)) / d))
        - math.exp(float(np.sum(np.cos(2 * math.pi * x))) / d)
        + 20.0
        + math.e
    )


def levy(x: FloatArray) -> float:
    w = 1.0 + (x - 1.0) / 4.0
    head = math.sin(math.pi * w[0]) ** 2
    mid = np.sum((w[:-1] - 1) ** 2 * (1 + 10 * np.sin(math.pi * w[:-1] + 1) ** 2))
    tail = (w[-1] - 1) ** 2 * (1 + math.sin(2 * math.pi * w[-1]) ** 2)
    return float(head + mid + tail)


def rastrigin(x: FloatArray) -> float:
    return float(10.0 * len(x) + np.sum(x * x - 10.0 * np.cos(2 * math.pi * x)))


def schwefel(x: FloatArray) -> float:
    return float(418.9828872724338 * len(x) - np.sum(x * np.sin(np.sqrt(np.abs(x)))))


def michalewicz(x: FloatArray) -> float:
    i = np.arange(1, len(x) + 1)
    return float(-np.sum(np.sin(x) * np.sin(i * x * x / math.pi) ** 20))


def griewank(x: FloatArray) -> float:
    i = np.arange(1, len(x) + 1)
    return float(1.0 + np.sum(x * x) / 4000.0 - np.prod(np.cos(x / np.sqrt(i))))


def _box(lo: float, hi: float, d: int) -> tuple[FloatArray, FloatArray]:
    return np.full(d, float(lo)), np.full(d, float(hi))


def _make(
    name: str,
    f: Callable[[FloatArray], float],
    box: tuple[FloatArray, FloatArray],
    xopt: FloatArray,
    budget: int,
    kind: str,
    fmin: float | None = None,
    fold: bool = False,
) -> TestFunction:
    lo, hi = box
    xopt = np.asarray(xopt, dtype=np.float64)
    fmin = f(xopt) if fmin is None else fmin
    return TestFunction(name, f, lo, hi, fmin, xopt, budget, kind, fold)


_MICHALEWICZ5_XOPT = np.array([2.202906, 1.570796, 1.284992, 1.923058, 1.720470])

FUNCTIONS: dict[str, TestFunction] = {
    t.name: t
    for t in [
        _make(
            "branin2",
            branin,
            (np.array([-5.0, 0.0]), np.array([10.0, 15.0])),
            np.array([math.pi, 2.275]),
            50,
            "smooth",
            0.397887357729738,
        ),
        _make(
            "hartmann6",
            hartmann6,
            _box(0, 1, 6),
            np.array([0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573]),
            100,
            "smooth",
            -3.32236801141551,
        ),
        _make("rosenbrock4", rosenbrock, _box(-5, 10, 4), np.ones(4), 100, "smooth"),
        _make(
            "styblinski4",
            styblinski_tang,
            _box(-5, 5, 4),
            np.full(4, -2.903534),
            100,
            "rugged",
            -39.16616570377142 * 4,
        ),
        _make(
            "shekel4",
            shekel10,
            _box(0, 10, 4),
            np.array([4.00074671, 4.00059326, 3.99966290, 3.99950981]),
            100,
            "rugged",
            -10.536409816692,
        ),
        _make("ackley5", ackley, _box(-32.768, 32.768, 5), np.zeros(5), 100, "rugged"),
        _make("levy5", levy, _box(-10, 10, 5), np.ones(5), 100, "rugged"),
        _make("rastrigin5", rastrigin, _box(-5.12, 5.12, 5), np.zeros(5), 100, "rugged"),
        _make(
            "schwefel5",
            schwefel,
            _box(-500, 500, 5),
            np.full(5, 420.9687463),
            100,
            "rugged",
            fold=True,
        ),
        _make(
            "michalewicz5",
            michalewicz,
            _box(0, math.pi, 5),
            _MICHALEWICZ5_XOPT,
            100,
            "rugged",
            -4.687658179,
            fold=True,
        ),
        _make("griewank10", griewank, _box(-600, 600, 10), np.zeros(10), 200, "rugged"),
        _make("ackley10", ackley, _box(-32.768, 32.768, 10), np.zeros(10), 200, "rugged"),
        _make("rosenbrock20", rosenbrock, _box(-5, 10, 20), np.ones(20), 300, "smooth"),
        _make("levy20", levy, _box(-10, 10, 20), np.ones(20), 300, "rugged"),
        _make(
            "styblinski50",
            styblinski_tang,
            _box(-5, 5, 50),
            np.full(50, -2.903534),
            300,
            "rugged",
            -39.16616570377142 * 50,
        ),
    ]
}


def _reflect(z: FloatArray, lo: FloatArray, hi: FloatArray) -> FloatArray:
    """Fold coordinates into [lo, hi] by mirroring at the faces (period 2 (hi - lo))."""
    width = hi - lo
    u = np.mod(z - lo, 2.0 * width)
    return np.asarray(lo + np.where(u > width, 2.0 * width - u, u), dtype=np.float64)


def instance(fn: TestFunction, shift_seed: int | None) -> Callable[[FloatArray], float]:
    """The function itself (``shift_seed=None``) or a shifted instance of it.

    Examples
    --------
    >>> g = instance(FUNCTIONS["rastrigin5"], 3)
    >>> rng = np.random.default_rng(3)
    >>> g(np.zeros(5)) >= FUNCTIONS["rastrigin5"].fmin
    True
    """
    if shift_seed is None:
        return fn.f
    rng = np.random.default_rng([12, shift_seed])
    lo, hi = fn.lo, fn.hi
    target = lo + (hi - lo) * rng.uniform(0.1, 0.9, fn.dim)
    offset = fn.xopt - target

    def shifted(x: FloatArray) -> float:
        z = np.asarray(x, dtype=np.float64) + offset
        return fn.f(_reflect(z, lo, hi) if fn.fold else z)

    return shifted


def optimum_of_instance(fn: TestFunction, shift_seed: int | None) -> FloatArray:
    """Where the known minimizer lies in a shifted instance (for checks)."""
    if shift_seed is None:
        return fn.xopt
    rng = np.random.default_rng([12, shift_seed])
    return np.asarray(fn.lo + (fn.hi - fn.lo) * rng.uniform(0.1, 0.9, fn.dim))
