"""A Bayesian search's surrogate (:class:`nbopt.drawing.SurrogateInfo`) drawn by matplotlib.

The same picture as the dashboard's inside panel: the posterior mean as a heatmap with
its contour lines, the acquisition's contours over it, the complete trials as points and
the next proposal as a star (the trust region as a dashed box when the proposal was
searched there).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from nbopt.drawing._search import TrialColumns
from nbopt.drawing._surrogate import SurrogateInfo
from nbopt.export._cmaes import _ticks
from nbopt.export._common import legend_above

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["draw_surrogate"]

_TRIAL = "#1f1f1f"
_NEXT = "#D55E00"
_ACQUISITION = "#ffffff"
_BOX = "#0b63c4"
# positions run a little past [0, 1], as in the 2-D scatter (nbopt.export._search), so that
# trials and the proposal on a bound are drawn whole
_MARGIN = 0.03


def _cell_edges(centres: np.ndarray) -> np.ndarray:
    """Edges of cells centred at sorted ``centres``; cells on a bound reach the frame."""
    c = np.asarray(centres, dtype=float)
    if len(c) < 2:
        return np.array([-_MARGIN, 1 + _MARGIN])
    first, last = c[0] - (c[1] - c[0]) / 2, c[-1] + (c[-1] - c[-2]) / 2
    return np.concatenate(
        [
            [-_MARGIN if first <= 0 else first],
            (c[1:] + c[:-1]) / 2,
            [1 + _MARGIN if last >= 1 else last],
        ]
    )


def _coloured(values: np.ndarray, scale: dict[str, Any]) -> np.ndarray:
    """``values`` in the colour scale's units: log10 above the offset when the scale is log."""
    if scale["log"]:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log10(np.maximum(values - float(scale["offset"]), 1e-300))
    return values


def draw_surrogate(ax: Axes, info: SurrogateInfo, columns: TrialColumns, cmap: Any) -> None:
    """Draw the posterior mean of ``info`` on ``ax`` with the acquisition's contours.

    ``cmap`` colours the mean from worst to best.

    Examples
    --------
    >>> import matplotlib
    >>> from matplotlib.figure import Figure
    >>> import nbopt
    >>> from nbopt import space
    >>> from nbopt.drawing import surrogate_info, trial_columns
    >>> res = nbopt.search(lambda x, y: (x - 1) ** 2 + y ** 2,
    ...                    {"x": space.Float(-2, 2), "y": space.Float(-2, 2)},
    ...                    method="bayesian", n_trials=12, seed=0, progress=False)
    >>> cols = trial_columns(res.trials, res.space)
    >>> ax = Figure().add_subplot()
    >>> draw_surrogate(ax, surrogate_info(res.searcher, cols, ("x", "y")), cols,
    ...                matplotlib.colormaps["viridis"])
    >>> ax.get_title().startswith("surrogate mean")
    True
    """
    scale = info.scales["mean"]
    mean = _coloured(info.mean, scale)
    lo, hi = _coloured(np.array([scale["lo"], scale["hi"]], dtype=float), scale)
    # colour runs from the worst end to the best
    use = cmap if scale["better"] == "high" else cmap.reversed()
    xs, ys = info.x, info.y
    ax.pcolormesh(_cell_edges(xs), _cell_edges(ys), mean, cmap=use, vmin=lo, vmax=hi)
    levels = _coloured(np.asarray(info.levels["mean"], dtype=float), scale)
    if len(xs) > 1 and len(ys) > 1 and len(levels):
        ax.contour(xs, ys, mean, levels=np.sort(levels), colors="#00000055", linewidths=0.6)
    acq = info.acquisition
    acq_levels = np.asarray(info.levels["acquisition"], dtype=float)
    if len(xs) > 1 and len(ys) > 1 and len(acq_levels) and np.isfinite(acq).any():
        ax.contour(
            xs,
            ys,
            np.where(np.isfinite(acq), acq, np.nanmin(acq[np.isfinite(acq)])),
            levels=np.sort(acq_levels)[-3:],
            colors=_ACQUISITION,
            linewidths=0.9,
            linestyles="dashed",
        )
    i, j = (columns.names.index(n) for n in info.pair)
    done = columns.complete
    ax.scatter(
        columns.unit[done, i],
        columns.unit[done, j],
        s=12,
        color=_TRIAL,
        edgecolors="white",
        linewidths=0.5,
        zorder=3,
        label="trials",
    )
    ax.plot(
        [info.next[0]],
        [info.next[1]],
        ls="none",
        marker="*",
        ms=14,
        color=_NEXT,
        mec="white",
        zorder=4,
        label="next proposal",
    )
    if info.box is not None:
        from matplotlib.patches import Rectangle

        x0, x1, y0, y1 = info.box
        ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, ec=_BOX, lw=1.2, ls="--"))
    ax.set_xlim(-_MARGIN, 1 + _MARGIN)
    ax.set_ylim(-_MARGIN, 1 + _MARGIN)
    ax_x, ax_y = (columns.axes[columns.names.index(n)] for n in info.pair)
    _ticks(ax, ax_x, True)
    _ticks(ax, ax_y, False)
    # the colour scale's ends as text, as on the dashboard (a bar would crowd the grid)
    ends = f"{scale['lo']:.3g} … {scale['hi']:.3g}" + (" log" if scale["log"] else "")
    best_end = {"low": ", dark: lower", "high": ", dark: higher"}.get(scale["better"], "")
    # above the frame: trials fill the corners of the space (the bounds attract proposals)
    handles, _ = ax.get_legend_handles_labels()
    legend_above(
        ax,
        handles,
        f"surrogate mean after {info.n_model} trials ({ends}{best_end});"
        "\ndashed white: the acquisition (log EI) near its maximum",
        fontsize=7,
        title_size=9,
    )
