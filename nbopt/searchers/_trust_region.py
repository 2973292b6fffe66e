"""A TuRBO-style trust region on the unit cube: a box around the incumbent that adapts."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["TrustRegion", "rank_correlation"]

FloatArray = NDArray[np.float64]


def _average_ranks(a: FloatArray) -> FloatArray:
    """Ranks from 1, ties sharing their average rank."""
    _, inverse, counts = np.unique(a, return_inverse=True, return_counts=True)
    ends = np.cumsum(counts).astype(np.float64)
    return np.asarray((ends - 0.5 * (counts - 1))[inverse], dtype=np.float64)


def rank_correlation(a: FloatArray, b: FloatArray) -> float:
    """Spearman rank correlation of two equal-length vectors (0 when either is constant).

    Examples
    --------
    >>> import numpy as np
    >>> rank_correlation(np.array([1.0, 2.0, 3.0]), np.array([10.0, 30.0, 20.0]))
    0.5
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError(f"expected two vectors of equal length, got {a.shape} and {b.shape}")
    ra = _average_ranks(a)
    rb = _average_ranks(b)
    ra -= ra.mean()
    rb -= rb.mean()
    denom = math.sqrt(float(ra @ ra) * float(rb @ rb))
    return float(ra @ rb) / denom if denom > 0 else 0.0


@dataclass
class TrustRegion:
    """Side length and success/failure counts of a trust region (Eriksson et al., 2019).

    The box is centred on the incumbent; its side along coordinate ``j`` is
    ``length * w_j`` with ``w`` the GP length scales divided by their geometric mean
    (long along directions the model finds smooth). After ``success_tolerance``
    consecutive improvements the side doubles (up to ``max_length``); after
    ``failure_tolerance`` consecutive non-improvements it halves. Below ``min_length``
    the region restarts at ``initial_length`` and `restarts` counts it.

    Parameters
    ----------
    dim : int
        Number of coordinates; sets the failure tolerance ``clip(dim, 4, 16)``.

    Examples
    --------
    >>> import numpy as np
    >>> tr = TrustRegion(dim=2)
    >>> for _ in range(tr.failure_tolerance):
    ...     _ = tr.record(improved=False)
    >>> tr.length
    0.4
    >>> lo, hi = tr.box(np.array([0.5, 0.5]), np.array([1.0, 1.0]))
    >>> bool(np.allclose(hi - lo, 0.4))
    True
    """

    dim: int
    initial_length: float = 0.8
    min_length: float = 0.5**7
    max_length: float = 1.6
    success_tolerance: int = 3
    length: float = 0.8
    successes: int = 0
    failures: int = 0
    restarts: int = 0

    def __post_init__(self) -> None:
        if self.dim < 1:
            raise ValueError(f"TrustRegion: dim must be >= 1, got {self.dim}")
        self.failure_tolerance = int(np.clip(self.dim, 4, 16))

    def record(self, improved: bool) -> bool:
        """Count one finished trial; return True when the region restarted."""
        if improved:
            self.successes += 1
            self.failures = 0
        else:
            self.failures += 1
            self.successes = 0
        if self.successes >= self.success_tolerance:
            self.length = min(2.0 * self.length, self.max_length)
            self.successes = 0
        elif self.failures >= self.failure_tolerance:
            self.length /= 2.0
            self.failures = 0
        if self.length < self.min_length:
            self.length = self.initial_length
            self.successes = self.failures = 0
            self.restarts += 1
            return True
        return False

    def box(self, center: FloatArray, lengthscales: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Lower and upper corners of the region around ``center``, clipped to the cube."""
        ls = np.clip(np.asarray(lengthscales, dtype=np.float64), 1e-3, 1e3)
        weights = ls / math.exp(float(np.mean(np.log(ls))))
        half = 0.5 * self.length * weights
        return np.clip(center - half, 0.0, 1.0), np.clip(center + half, 0.0, 1.0)
