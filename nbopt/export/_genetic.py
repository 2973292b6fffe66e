"""A genetic search's generations drawn by matplotlib, from the dashboard's info object.

The same :class:`nbopt.drawing.GenerationsInfo` as the live dashboard: every generation's
individuals on the two chosen parameters (coloured by generation, the current one
emphasized, its parent pool ringed), the chosen child linked to its parents with its
mutation as an arrow, and beneath, each generation's best and median value and its
diversity.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from nbopt.drawing import Axis, SearchInfo
from nbopt.drawing._genetic import GENERATION_COLORMAP
from nbopt.export._common import legend_above, literal

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["draw_generations"]

_MARKERS = {0: "o", 1: "o", 2: "s", 3: "D", 4: "o"}
_LINK = "#222222"
_BEST = "#0b63c4"
_MEDIAN = "#6b6b6b"


def _plain(label: str) -> str:
    return label.replace("$", r"\$")


def _ticks(ax: Axes, axis: Axis, vertical: bool) -> None:
    if axis.kind == "choice":
        k = len(axis.categories)
        pos = [(i + 0.5) / k for i in range(k)]
        names = [_plain(c) for c in axis.categories]
    else:
        pos, names = list(axis.ticks), [_plain(t) for t in axis.tick_labels]
    (ax.set_yticks if vertical else ax.set_xticks)(pos, labels=names)
    title = axis.name + (" (log)" if axis.log else "")
    literal(ax.set_ylabel(title) if vertical else ax.set_xlabel(title))


def draw_generations(ax: Axes, info: SearchInfo) -> None:
    """Draw ``info.inside`` (a :class:`~nbopt.drawing.GenerationsInfo`) in ``ax``'s place.

    ``ax`` (its own frame hidden) holds three inset axes: the 2-D view on the left (label
    ``"inside-map"``), the per-generation values (``"inside-value"``) and diversity
    (``"inside-diversity"``) stacked on the right.
    The newest generation drawn is emphasized (the current one once it has finished
    trials); the ringed parent pool is the one the current generation is bred from.
    """
    from matplotlib.colors import LinearSegmentedColormap
    from matplotlib.lines import Line2D

    g = info.inside
    cols = info.columns
    # insets rather than a nested grid: the layout engine keeps ax clear of the colour bar
    ax.set_axis_off()
    # the map's top leaves room for its legend and title above it (no corner of a map of a
    # population is free of points)
    ax_map = ax.inset_axes((0.1, 0.1, 0.52, 0.7), label="inside-map")
    ax_val = ax.inset_axes((0.76, 0.56, 0.24, 0.36), label="inside-value")
    ax_div = ax.inset_axes((0.76, 0.1, 0.24, 0.36), label="inside-diversity", sharex=ax_val)

    cmap = LinearSegmentedColormap.from_list("nbopt-generation", list(GENERATION_COLORMAP))
    gen = g.generation
    latest = int(gen.max()) if len(gen) else g.current
    span = max(1, latest)
    now = gen == latest
    old = ~now
    if old.any():
        ax_map.scatter(
            g.x[old], g.y[old], c=cmap(gen[old] / span), s=12, alpha=0.45, lw=0, zorder=2
        )
    for code, marker in _MARKERS.items():
        rows = now & (g.operator == code)
        if rows.any():
            ax_map.scatter(
                g.x[rows],
                g.y[rows],
                color=cmap(1.0),
                s=42,
                marker=marker,
                edgecolors=_LINK,
                linewidths=0.8,
                zorder=4,
            )
    pool = np.flatnonzero(g.in_pool)
    if len(pool):
        ax_map.scatter(
            g.x[pool],
            g.y[pool],
            s=95 + 25 * np.sqrt(g.children[pool]),
            facecolors="none",
            edgecolors=_LINK,
            linewidths=np.where(g.elite[pool], 2.0, 0.8).tolist(),
            zorder=3,
        )
    chosen = g.chosen
    caption = ""
    if chosen >= 0:
        parents = g.parent_row[g.child_row == chosen]
        for p in parents:
            ax_map.plot([g.x[p], g.x[chosen]], [g.y[p], g.y[chosen]], color=_LINK, lw=1.2, zorder=5)
        ax_map.scatter(
            g.x[parents], g.y[parents], s=70, facecolors="none", edgecolors=_LINK, lw=1.6, zorder=6
        )
        bx, by = g.before_x[chosen], g.before_y[chosen]
        if np.isfinite(bx) and np.isfinite(by):
            ax_map.annotate(
                "",
                xy=(g.x[chosen], g.y[chosen]),
                xytext=(bx, by),
                arrowprops={"arrowstyle": "->", "color": "#b00020", "lw": 1.2},
                zorder=6,
            )
        ax_map.scatter(
            [g.x[chosen]], [g.y[chosen]], s=80, marker="*", color="#b00020", zorder=7, lw=0
        )
        op = g.operators[int(g.operator[chosen])]
        caption = f"; trial {int(g.number[chosen])} ({op}"
        if len(parents):
            caption += " of " + " x ".join(str(int(g.number[p])) for p in parents)
        caption += ")"
    ax_map.set_xlim(-0.02, 1.02)
    ax_map.set_ylim(-0.02, 1.02)
    ax_x, ax_y = (cols.axes[cols.names.index(n)] for n in g.pair)
    _ticks(ax_map, ax_x, False)
    _ticks(ax_map, ax_y, True)
    handles = [
        Line2D([], [], ls="none", marker="o", color=cmap(0.0), alpha=0.6, label="generation 0"),
        Line2D(
            [], [], ls="none", marker="o", color=cmap(1.0), mec=_LINK, label=f"generation {latest}"
        ),
        Line2D([], [], ls="none", marker="o", mfc="none", mec=_LINK, ms=9, label="parent pool"),
        Line2D([], [], color=_LINK, lw=1.2, label="parents of *"),
    ]
    if (now & (g.operator == 2)).any():
        handles.insert(
            2, Line2D([], [], ls="none", marker="s", color=cmap(1.0), mec=_LINK, label="copy")
        )
    legend_above(
        ax_map, handles, f"generations 0-{latest}{caption}", ncols=2, fontsize=6.5, title_size=9
    )

    n_gen = len(g.gen_size)
    gens = np.arange(n_gen)
    has = g.gen_size > 0
    ax_val.plot(gens[has], g.gen_best[has], color=_BEST, lw=1.6, marker=".", label="best")
    ax_val.plot(gens[has], g.gen_median[has], color=_MEDIAN, lw=1.2, ls="--", label="median")
    value_axis = cols.value_axis
    if value_axis.log and value_axis.offset == 0 and np.all(g.gen_best[has] > 0):
        ax_val.set_yscale("log")
    literal(ax_val.set_ylabel(value_axis.name))
    ax_val.tick_params(labelbottom=False)
    # above the panel, not in it: the best line runs through every corner of so small a plot
    legend_above(ax_val, ax_val.get_legend_handles_labels()[0], None, ncols=2, fontsize=6.5)
    ax_div.plot(gens[has], g.gen_diversity[has], color="#9c179e", lw=1.6, marker=".")
    ax_div.set_ylim(0, max(0.45, float(np.nanmax(g.gen_diversity, initial=0.0)) * 1.1))
    literal(ax_div.set_xlabel("generation"))
    literal(ax_div.set_ylabel("diversity"))
    for a in (ax_val, ax_div):
        a.grid(True, color="#e3e6ee", lw=0.6)
        if n_gen > 1:
            a.set_xlim(-0.3, n_gen - 0.7)
