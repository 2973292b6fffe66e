from collections.abc import Callable

import numpy as np
import pytest

from nbopt.problems import Problem


def _numeric_grad(problem: Problem, x: np.ndarray, **kwargs: object) -> np.ndarray:
    """Fourth-order central differences, independent of the code under test."""
    x = np.asarray(x, dtype=float)
    h = 1e-3 * np.maximum(1.0, np.abs(x))
    out = np.empty_like(x)
    for j in range(x.shape[0]):
        e = np.zeros_like(x)
        e[j] = h[j]
        pts = np.stack([x + 2 * e, x + e, x - e, x - 2 * e])
        f = problem.value(pts, **kwargs)
        out[j] = (-f[0] + 8 * f[1] - 8 * f[2] + f[3]) / (12 * h[j])
    return out


@pytest.fixture(scope="session")
def numgrad() -> Callable[..., np.ndarray]:
    return _numeric_grad


def point_in(view: tuple[tuple[float, float], ...], u: list[float]) -> np.ndarray:
    return np.array([lo + ui * (hi - lo) for (lo, hi), ui in zip(view, u)])


@pytest.fixture(scope="session")
def in_view() -> Callable[..., np.ndarray]:
    return point_in
