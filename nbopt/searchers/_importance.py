"""Parameter importance: how much of the value's variation each parameter explains (PED-ANOVA)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from nbopt.space import Choice, Dimension, Space, as_space

__all__ = ["IMPORTANCE_METHOD", "importance"]

#: The method :func:`importance` follows, as the views name it.
IMPORTANCE_METHOD = "PED-ANOVA (Watanabe et al., IJCAI 2023), top 10 % against all trials"

_GRID = 256
_BINS = 500


def _scott_bandwidth(x: np.ndarray) -> float:
    """Scott's rule on the unit interval, floored so a cluster of equal values stays a bump."""
    sd = float(np.std(x)) if len(x) > 1 else 0.0
    return float(max(sd * len(x) ** (-1 / 5), 0.02))


def _density(x: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Estimate the Parzen (Gaussian) density of ``x`` on ``grid``, reflected at 0 and 1.

    Past :data:`_BINS` points, the points are first counted in ``_BINS`` bins and each
    bin's centre carries its count (a bin is 1/10 of the smallest bandwidth wide): the
    cost stops growing with the number of trials.
    """
    h = _scott_bandwidth(x)
    if len(x) > _BINS:
        counts = np.bincount(
            np.clip((x * _BINS).astype(np.int64), 0, _BINS - 1), minlength=_BINS
        ).astype(float)
        keep = counts > 0
        centres, weights = ((np.arange(_BINS) + 0.5) / _BINS)[keep], counts[keep]
    else:
        centres, weights = x, np.ones(len(x))
    pts = np.concatenate([centres, -centres, 2.0 - centres])  # reflection keeps the mass in
    w = np.concatenate([weights, weights, weights])
    z = (grid[:, None] - pts[None, :]) / h
    dens = (np.exp(-0.5 * z * z) @ w) / (len(x) * h * math.sqrt(2 * math.pi))
    return np.asarray(dens)


def _pearson_continuous(top: np.ndarray, everything: np.ndarray) -> float:
    grid = (np.arange(_GRID) + 0.5) / _GRID
    p_top = _density(top, grid)
    p_all = _density(everything, grid)
    # the Pearson divergence of the top trials' distribution from all trials': the mean,
    # under all trials, of (p_top / p_all - 1)^2
    ratio = p_top / np.maximum(p_all, 1e-12)
    return float(np.mean(p_all * (ratio - 1.0) ** 2))


def _pearson_categorical(top: np.ndarray, everything: np.ndarray, k: int) -> float:
    # one pseudo-count per option keeps an option no top trial took from dividing by zero
    p_top = (np.bincount(top, minlength=k) + 1.0) / (len(top) + k)
    p_all = (np.bincount(everything, minlength=k) + 1.0) / (len(everything) + k)
    return float(np.sum(p_all * (p_top / p_all - 1.0) ** 2))


def _column(dim: Dimension, values: list[Any]) -> np.ndarray:
    if isinstance(dim, Choice):
        return np.array([dim.index(v) for v in values], dtype=np.int64)
    return np.asarray(dim.encode(values), dtype=float).reshape(-1)


def importance(
    trials: Iterable[Any],
    space: Space | Mapping[str, Dimension],
    direction: str = "minimize",
    *,
    quantile: float = 0.1,
) -> dict[str, float]:
    """Measure how much each parameter matters to the value, as shares summing to 1.

    PED-ANOVA: for each parameter, the Pearson divergence between the distribution of
    the best ``quantile`` of the complete trials and that of all complete trials (a
    Parzen density on the unit interval for numbers, option frequencies for a
    ``Choice``). A parameter the best trials share a narrow range of scores high; one
    that the objective ignores scores near zero. It needs only the trials (no model
    fit), so it is cheap enough to recompute as trials arrive.

    Parameters
    ----------
    trials : iterable of Trial
        Finished trials; only the complete ones count.
    space : Space or dict
        The search space.
    direction : {"minimize", "maximize"}
        Which end of the values is best.
    quantile : float in (0, 1)
        The fraction of best trials compared with all (at least two trials).

    Returns
    -------
    dict
        ``{param: share}`` in space order, the shares summing to 1.

    Examples
    --------
    >>> from nbopt import space
    >>> from nbopt.searchers import RandomSearch
    >>> s = RandomSearch({"x": space.Float(-1, 1), "y": space.Float(-1, 1)}, seed=0)
    >>> for _ in range(200):
    ...     t = s.ask()
    ...     _ = s.tell(t, 10 * t.params["x"] ** 2 + 0.1 * t.params["y"] ** 2)
    >>> shares = importance(s.trials, s.space)
    >>> shares["x"] > shares["y"], round(sum(shares.values()), 6)
    (True, 1.0)
    """
    sp = as_space(space)
    if direction not in ("minimize", "maximize"):
        raise ValueError(f"direction must be 'minimize' or 'maximize', got {direction!r}")
    if not (isinstance(quantile, float | int) and 0 < quantile < 1):
        raise ValueError(f"quantile must be a number in (0, 1), got {quantile!r}")
    complete = [
        t
        for t in trials
        if t.state == "complete" and t.value is not None and math.isfinite(float(t.value))
    ]
    if len(complete) < 4:
        raise ValueError(
            f"importance needs at least 4 complete trials, got {len(complete)}; "
            "run more trials first"
        )
    values = np.array([float(t.value) for t in complete])
    sign = 1.0 if direction == "minimize" else -1.0
    n_top = max(2, math.ceil(quantile * len(complete)))
    top = np.argsort(sign * values, kind="stable")[:n_top]
    scores = {}
    for name in sp.names:
        dim = sp[name]
        col = _column(dim, [t.params[name] for t in complete])
        if isinstance(dim, Choice):
            scores[name] = _pearson_categorical(col[top], col, len(dim.options))
        else:
            scores[name] = _pearson_continuous(col[top], col)
    total = sum(scores.values())
    if total <= 0 or not math.isfinite(total):
        return {name: 1.0 / len(scores) for name in scores}
    return {name: score / total for name, score in scores.items()}
