"""An evolutionary search's distribution (:class:`nbopt.drawing.EllipseInfo`) drawn by matplotlib.

The same picture as the dashboard's inside panel: the current generation's 1- and
2-sigma ellipses (solid, dashed), earlier generations' 1-sigma ellipses faded, the
mean's path and the sampled points over the two chosen parameters; beside it the step
size per generation on a log scale, restarts marked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from nbopt.drawing._cmaes import EllipseInfo
from nbopt.drawing._search import Axis, TrialColumns
from nbopt.export._common import literal

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["draw_ellipse"]

_ELLIPSE = "#0b63c4"
_MEAN = "#D55E00"
_OLD = "#8c8c8c"
_RESTART = "#c62828"


def _ticks(ax: Axes, axis: Axis, x: bool) -> None:
    pos, names = list(axis.ticks), [t.replace("$", r"\$") for t in axis.tick_labels]
    if axis.kind == "choice":
        k = len(axis.categories)
        pos = [(i + 0.5) / k for i in range(k)]
        names = [c.replace("$", r"\$") for c in axis.categories]
    (ax.set_xticks if x else ax.set_yticks)(pos, labels=names)
    title = axis.name + (" (log)" if axis.log else "")
    literal(ax.set_xlabel(title) if x else ax.set_ylabel(title))


def draw_ellipse(ax: Axes, info: EllipseInfo, columns: TrialColumns) -> None:
    """Draw ``info`` in the grid cell of ``ax``: the ellipses and a step-size panel beside.

    ``ax`` (a subplot of a grid) is replaced by two subplots in its cell, the first with
    its label, the second with the label and ``"-sigma"``.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from nbopt import space
    >>> from nbopt.drawing import ellipse_info, trial_columns
    >>> from nbopt.searchers import EvolutionarySearch
    >>> s = EvolutionarySearch({"x": space.Float(-1, 1), "y": space.Float(-1, 1)}, seed=0)
    >>> for _ in range(30):
    ...     t = s.ask()
    ...     _ = s.tell(t, t.params["x"] ** 2 + t.params["y"] ** 2)
    >>> cols = trial_columns(s.trials, s.space)
    >>> fig = Figure()
    >>> ax = fig.add_subplot(label="inside")
    >>> draw_ellipse(ax, ellipse_info(s, cols, ("x", "y")), cols)
    >>> [a.get_label() for a in fig.axes]
    ['inside', 'inside-sigma']
    """
    spec = ax.get_subplotspec()
    if spec is None:
        raise ValueError("draw_ellipse: ax must be a subplot of a grid (fig.add_subplot)")
    # constrained layout keeps a colour bar's margin off the outer grid's cells but not
    # off a grid nested in one: in the last column, leave the bar's width free
    last = spec.colspan.stop == spec.get_gridspec().ncols
    ratios = (1.45, 1.0, 0.5) if last else (1.45, 1.0)
    sub = spec.subgridspec(1, len(ratios), width_ratios=ratios, wspace=0.08)
    # the cell's axes gives way to two (constrained layout places new subplots only)
    fig = ax.get_figure()
    assert fig is not None
    label = ax.get_label()
    ax.remove()
    ax = fig.add_subplot(sub[0], label=label)
    ax_sigma = fig.add_subplot(sub[1], label=f"{label}-sigma")

    g = len(info.generation)
    current = int(info.generation[-1]) if g else -1
    # the latest generation with points (the current one is empty just after an update)
    latest = int(info.point_generation.max()) if len(info.point_generation) else -1
    now = info.point_generation == latest
    ax.scatter(info.point_x[~now], info.point_y[~now], s=6, color=_OLD, alpha=0.35, lw=0)
    ax.scatter(info.point_x[now], info.point_y[now], s=14, color=_ELLIPSE, lw=0, zorder=3)
    if info.ellipse and g:
        for k in range(g - 1):
            ax.plot(
                info.outline_x[k, 0],
                info.outline_y[k, 0],
                color=_ELLIPSE,
                lw=0.8,
                alpha=0.08 + 0.3 * (k + 1) / g,
            )
        ax.plot(info.outline_x[-1, 0], info.outline_y[-1, 0], color=_ELLIPSE, lw=2, label="1σ")
        ax.plot(
            info.outline_x[-1, 1],
            info.outline_y[-1, 1],
            color=_ELLIPSE,
            lw=1.4,
            ls="--",
            label="2σ",
        )
    # the mean's path, broken at restarts
    for run in np.unique(info.restart):
        k = info.restart == run
        ax.plot(info.mean_x[k], info.mean_y[k], color=_MEAN, lw=1.2, marker="o", ms=2.5)
    if g:
        ax.plot(
            info.mean_x[-1:],
            info.mean_y[-1:],
            ls="none",
            marker="o",
            ms=7,
            color=_MEAN,
            mec="white",
            label="mean",
            zorder=4,
        )
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax_x, ax_y = (columns.axes[columns.names.index(n)] for n in info.pair)
    _ticks(ax, ax_x, True)
    _ticks(ax, ax_y, False)
    sigma_now = info.sigma[-1] if len(info.sigma) else float("nan")
    literal(ax.set_title(f"CMA-ES: generation {current}, σ = {sigma_now:.3g}", fontsize=10))
    if g:
        legend = ax.legend(loc="upper right", fontsize=7, framealpha=0.85)
        for text in legend.get_texts():
            literal(text)

    ax_sigma.plot(info.sigma_generation, info.sigma, color=_ELLIPSE, lw=1.5)
    for r in info.restart_generation:
        ax_sigma.axvline(r, color=_RESTART, lw=1, ls=":")
    if len(info.sigma):
        ax_sigma.set_yscale("log")
    literal(ax_sigma.set_xlabel("generation"))
    literal(ax_sigma.set_ylabel("step size σ (log)"))
    n_restarts = len(info.restart_generation)
    literal(
        ax_sigma.set_title(f"{n_restarts} restart{'' if n_restarts == 1 else 's'}", fontsize=10)
    )
    ax_sigma.grid(True, which="major", color="#e3e6ee", lw=0.6)
