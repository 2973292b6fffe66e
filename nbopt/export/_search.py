"""The search dashboard drawn by matplotlib: PNG, SVG, GIF and MP4 of a hyperparameter search.

Everything is drawn from the one drawing-info object (:class:`nbopt.drawing.SearchInfo`)
that the live dashboard also draws: the header, the history of values, the parallel
coordinates and the 2-D scatter. An animation draws one SearchInfo per frame: the
search as it stood after its first ``k`` trials (:func:`search_frames`). Figures are
built on matplotlib's object API (``Figure`` + Agg canvas): no pyplot global state, no
display backend; matplotlib is imported on first use. Names, labels and categories are
user data: they are drawn as plain text (never mathtext) and stay text in SVG.
"""

from __future__ import annotations

import dataclasses
import io
import math
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from nbopt.drawing import VALUE_COLORMAP, Axis, SearchInfo, format_seconds, search_info
from nbopt.export._common import legend_above, literal, plain_log_ticks, style
from nbopt.export._media import (
    _dashboard_source,
    check_fps,
    check_frames,
    check_hold,
    ffmpeg_exe,
    file_metadata,
    svg_metadata,
    unknown_suffix,
    write_gif,
    write_mp4,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.colors import Colormap
    from matplotlib.figure import Figure

__all__ = [
    "save_search",
    "search_figure",
    "search_frames",
    "search_gif",
    "search_mp4",
    "search_png",
    "search_svg",
]

_FIGSIZE = (12.0, 9.5)
_BEST = "#D55E00"  # the best trial and the best-so-far line: Okabe-Ito vermilion
_FAILED = "#8c8c8c"
_PRUNED = "#e8710a"  # pruned trials' marks, as on the dashboard
_BARS = "#ad1457"  # the pruner's bars
_AXIS = "#6b7080"
_VIEW_KEYS = ("brush", "best_fraction", "pair", "value_log")


def _plain(label: str) -> str:
    """Escape ``$`` so that a tick label is never read as mathtext."""
    return label.replace("$", r"\$")


def _cmap() -> Colormap:
    from matplotlib.colors import LinearSegmentedColormap

    return LinearSegmentedColormap.from_list("nbopt-value", list(VALUE_COLORMAP))


def _alpha(n: int) -> float:
    """Line and point opacity: opaque for a few trials, faint for thousands."""
    return float(np.clip(40.0 / max(n, 1) ** 0.75, 0.06, 0.9))


def _fmt_value(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    return f"{value:.6g}"


def _fmt_seconds(s: float | None) -> str:
    return "–" if s is None else format_seconds(s)


def header_lines(info: SearchInfo) -> list[str]:
    """Return the header's lines of text: progress, best trial, time and overhead.

    Examples
    --------
    >>> from nbopt import space
    >>> from nbopt.searchers import Trial
    >>> trials = [Trial(0, {"x": 0.5}, "complete", 2.0), Trial(1, {"x": 0.9}, "failed")]
    >>> info = search_info(trials, space={"x": space.Float(0, 1)})
    >>> header_lines(info)[1]
    '2 trials done · 0 running · 1 failed'
    """
    h = info.header
    title = f"{h.method}: {h.direction} ({h.status})"
    total = "" if h.n_total is None else f" of {h.n_total}"
    progress = f"{h.n_done}{total} trials done · {h.n_running} running · {h.n_failed} failed"
    if h.n_pruned:
        progress += f" · {h.n_pruned} pruned"
        saved = h.saved_fraction
        if saved is not None:
            progress += f" (pruning saved {100 * saved:.0f} % of the steps)"
    if h.best_number is None:
        best = "best: no complete trial yet"
    else:
        params = ", ".join(f"{name}={text}" for name, text in h.best_params)
        best = f"best {_fmt_value(h.best_value)} at trial #{h.best_number}: {params}"
    timing = f"elapsed {_fmt_seconds(h.elapsed)}"
    if h.remaining is not None:
        timing += f" · about {_fmt_seconds(h.remaining)} left"
    if h.ask_seconds is None:
        timing += " · searcher time per ask not recorded"
    else:
        timing += f" · searcher {_fmt_seconds(h.ask_seconds)} per ask"
    timing += f" · objective {_fmt_seconds(h.trial_seconds)} per trial"
    if h.overhead is not None:
        timing += f" (searcher overhead {100 * h.overhead:.1f} %)"
    lines = [title, progress, best, timing]
    if h.error:
        lines.append(f"error: {h.error[:160]}")
    return lines


# ------------------------------------------------------------------ drawing


def search_figure(info: SearchInfo, *, figsize: tuple[float, float] | None = None) -> Figure:
    """Draw the search dashboard as a matplotlib figure.

    Header text on top, then the history of values and the 2-D scatter side by side,
    the parallel coordinates below, and a colour bar for the value.

    Parameters
    ----------
    info : nbopt.drawing.SearchInfo
        What to draw (``nbopt.drawing.search_info(result, ...)``).
    figsize : (float, float), optional
        Size in inches; 12 wide, 9.5 high plus 3.4 for each of the importance row
        (from 4 complete trials on) and the learning curves (when trials report them).

    Returns
    -------
    matplotlib.figure.Figure
        A figure on an Agg canvas, not registered with pyplot.

    Examples
    --------
    >>> import nbopt
    >>> from nbopt import space
    >>> from nbopt.drawing import search_info
    >>> res = nbopt.search(lambda x, y: x**2 + y, {"x": space.Float(-1, 1),
    ...                    "y": space.Float(0, 1)}, method="random", n_trials=10, seed=0)
    >>> fig = search_figure(search_info(res))
    >>> [ax.get_label() for ax in fig.axes][:4]
    ['header', 'history', 'scatter', 'parallel']
    """
    if not isinstance(info, SearchInfo):
        raise TypeError(
            "search_figure: expected a nbopt.drawing.SearchInfo "
            f"(search_info(result)), got {type(info).__name__}"
        )
    with style():
        return _draw(info, figsize)


#: The views drawn only when the info holds them, in the order they are laid out
#: ("failed": the strip under the history that marks trials without a value).
_PANELS = ("failed", "importance", "fit", "inside", "curves")
#: What an animation frame shows where a view of the last frame has nothing yet.
_NOT_YET = {
    "importance": ("what matters", "parameter importance: from 4 complete trials on"),
    "fit": ("train and validation", "no complete trial with a train value yet"),
    "inside": ("inside the searcher", "not drawn for this moment"),
    "curves": ("learning curves", "no trial has reported a learning curve yet"),
}


def _panels(info: SearchInfo) -> tuple[str, ...]:
    """Return the optional views ``info`` holds, in :data:`_PANELS` order."""
    hist = info.history
    present = {
        "failed": len(hist.failed_numbers) + len(hist.pruned_numbers) > 0,
        "importance": info.importance is not None,
        "fit": info.fit is not None,
        "inside": info.inside is not None,
        "curves": info.curves.n_curves > 0,
    }
    return tuple(name for name in _PANELS if present[name])


def _draw(
    info: SearchInfo,
    figsize: tuple[float, float] | None,
    panels: tuple[str, ...] | None = None,
    constrained: bool = True,
) -> Figure:
    """Draw ``info`` on a new figure.

    ``panels`` fixes the optional views laid out (an animation's frames all take the last
    frame's; a view with nothing yet says so); without ``constrained`` the caller places
    the axes.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize
    from matplotlib.figure import Figure

    if panels is None:
        panels = _panels(info)
    have = set(_panels(info))
    curves = "curves" in panels
    # the views that need every trial, two to a row: importance, fit, the searcher's inside
    draws = {"importance": _draw_importance, "fit": _draw_fit, "inside": _draw_inside}
    extra: list[tuple[str, Any]] = [
        (label, draws[label] if label in have else _not_yet(label))
        for label in ("importance", "fit", "inside")
        if label in panels
    ]
    rows = (len(extra) + 1) // 2
    heights = [0.55, 2.1, *([1.6] * rows), *([1.7] if curves else []), 2.0]
    size = figsize or (_FIGSIZE[0], _FIGSIZE[1] + 3.4 * (len(heights) - 3))
    fig = Figure(figsize=size, layout="constrained" if constrained else None)
    FigureCanvasAgg(fig)
    cmap = _cmap()
    grid = fig.add_gridspec(len(heights), 2, height_ratios=heights, width_ratios=(1.15, 1.0))
    ax_head = fig.add_subplot(grid[0, :], label="header")
    # the strip of trials without a value, only when there are some (as on the dashboard)
    ax_band: Axes | None = None
    if "failed" in panels:
        hist_grid = grid[1, 0].subgridspec(2, 1, height_ratios=(1.0, 0.09), hspace=0.0)
        ax_hist = fig.add_subplot(hist_grid[0], label="history")
        ax_band = fig.add_subplot(hist_grid[1], label="failed", sharex=ax_hist)
    else:
        ax_hist = fig.add_subplot(grid[1, 0], label="history")
    ax_scatter = fig.add_subplot(grid[1, 1], label="scatter")
    ax_par = fig.add_subplot(grid[-1, :], label="parallel")

    _draw_header(ax_head, info)
    _draw_history(ax_hist, ax_band, info, cmap)
    _draw_scatter(ax_scatter, info, cmap)
    _draw_parallel(ax_par, info, cmap)
    for k, (label, draw) in enumerate(extra):
        draw(fig.add_subplot(grid[2 + k // 2, k % 2], label=label), info)
    row = 2 + rows
    if curves:
        ax_curves = fig.add_subplot(grid[row, :], label="curves")
        if "curves" in have:
            _draw_curves(ax_curves, info, cmap)
        else:
            _not_yet("curves")(ax_curves, info)

    value_axis = info.value_axis
    # the bar runs along the value axis' positions; its colours are those of the trials
    # there (reversed for minimize, so that "best" keeps the same colour end)
    bar_cmap = cmap.reversed() if info.columns.direction == "minimize" else cmap
    mappable = ScalarMappable(norm=Normalize(0.0, 1.0), cmap=bar_cmap)
    bar = fig.colorbar(mappable, ax=[ax_scatter, ax_par], shrink=0.9, pad=0.01, aspect=40)
    bar.set_ticks(list(value_axis.ticks), labels=[_plain(t) for t in value_axis.tick_labels])
    better = "lower" if info.columns.direction == "minimize" else "higher"
    scale = " (log scale)" if value_axis.log else ""
    literal(bar.ax.set_ylabel(f"{value_axis.name}{scale}, {better} is better"))
    bar.ax.minorticks_off()
    return fig


def _not_yet(label: str) -> Any:
    """Return a drawing for a view that this moment of the search has nothing for yet."""
    title, note = _NOT_YET[label]

    def draw(ax: Axes, info: SearchInfo, *_: Any) -> None:
        ax.set_xticks([])
        ax.set_yticks([])
        literal(ax.set_title(title))
        _empty_note(ax, note)

    return draw


def _draw_header(ax: Axes, info: SearchInfo) -> None:
    from matplotlib.patches import Rectangle

    ax.set_axis_off()
    lines = header_lines(info)
    literal(ax.text(0.0, 1.0, lines[0], fontsize=12, fontweight="bold", va="top"))
    for i, line in enumerate(lines[1:], start=1):
        colour = "#b00020" if line.startswith("error:") else "#222222"
        literal(ax.text(0.0, 1.0 - 0.22 * i, line, fontsize=9.5, va="top", color=colour))
    overhead = info.header.overhead
    if overhead is not None:
        # the overhead meter: the searcher's share of the time spent per trial
        x0, width, y0, height = 0.80, 0.18, 0.78, 0.16
        ax.add_patch(Rectangle((x0, y0), width, height, fc="#eef0f5", ec=_AXIS, lw=0.6))
        ax.add_patch(Rectangle((x0, y0), width * min(overhead, 1.0), height, fc=_BEST, lw=0))
        literal(
            ax.text(
                x0 + width,
                y0 - 0.04,
                f"searcher share of time {100 * overhead:.1f} %",
                ha="right",
                va="top",
                fontsize=8.5,
                color="#444444",
            )
        )


def _empty_note(ax: Axes, text: str) -> None:
    literal(
        ax.text(
            0.5,
            0.5,
            text,
            transform=ax.transAxes,
            ha="center",
            va="center",
            color="#777777",
            fontsize=10,
        )
    )


def _draw_history(ax: Axes, band: Axes | None, info: SearchInfo, cmap: Colormap) -> None:
    from matplotlib.lines import Line2D

    hist = info.history
    offset = hist.log_offset if hist.log else 0.0
    y = hist.values - offset
    n = len(y)
    handles: list[Any] = []
    if n:
        ax.scatter(
            hist.numbers,
            y,
            c=cmap(hist.colour),
            s=22 if n < 300 else 8,
            alpha=max(_alpha(n), 0.35),
            lw=0,
            zorder=2,
        )
        handles.append(
            Line2D([], [], ls="none", marker="o", color=cmap(0.6), label="complete trial")
        )
    if len(hist.best_x):
        direction = "lowest" if hist.direction == "minimize" else "highest"
        (line,) = ax.plot(
            hist.best_x,
            hist.best_y - offset,
            drawstyle="steps-post",
            color=_BEST,
            lw=1.8,
            zorder=3,
            label=f"best so far ({direction})",
        )
        handles.append(line)
    if hist.log:
        ax.set_yscale("log")
    lo, hi = hist.number_range
    ax.set_xlim(lo - 0.5 - 0.02 * (hi - lo), hi + 0.5 + 0.02 * (hi - lo))
    if not n:
        _empty_note(ax, "no complete trial yet")
    literal(ax.set_ylabel(_plain(hist.value_label) + (" (log scale)" if hist.log else "")))
    ax.grid(True, which="major", color="#e3e6ee", lw=0.6)
    if band is None:
        literal(ax.set_xlabel("trial number"))
        _legend_above(ax, handles, "value of every trial")
        return

    # trials without a value sit on their own row under the plot
    ax.tick_params(labelbottom=False)
    band.set_yticks([])
    band.set_ylim(-1, 1)
    band.spines["left"].set_visible(False)
    if len(hist.failed_numbers):
        band.plot(
            hist.failed_numbers,
            np.zeros(len(hist.failed_numbers)),
            ls="none",
            marker="x",
            ms=5,
            color="#b00020",
            alpha=0.8,
        )
        handles.append(
            Line2D([], [], ls="none", marker="x", color="#b00020", label="failed (no value)")
        )
    if len(hist.pruned_numbers):
        band.plot(
            hist.pruned_numbers,
            np.zeros(len(hist.pruned_numbers)),
            ls="none",
            marker="|",
            ms=7,
            color=_PRUNED,
        )
        handles.append(Line2D([], [], ls="none", marker="|", color=_PRUNED, label="pruned"))
    literal(band.set_xlabel("trial number"))
    name = " / ".join(
        word
        for word, numbers in (("failed", hist.failed_numbers), ("pruned", hist.pruned_numbers))
        if len(numbers)
    )
    literal(band.set_ylabel(name, rotation=0, ha="right", va="center", fontsize=8))
    _legend_above(ax, handles, "value of every trial")


def _legend_above(ax: Axes, handles: list[Any], title: str, **options: Any) -> None:
    """Title ``ax``, with the legend of ``handles`` (if any) between the title and the frame."""
    if handles:
        legend_above(ax, handles, title, **options)
    else:
        literal(ax.set_title(title))


def _draw_curves(ax: Axes, info: SearchInfo, cmap: Colormap) -> None:
    """Draw the learning curves: complete ones by final value, pruned faint, the bars."""
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D

    c = info.curves
    segments = [np.column_stack(c.curve(i)) for i in range(len(c.rows))]
    colours = []
    for i, code in enumerate(c.state.tolist()):
        if code == 0:
            colours.append(cmap(c.colour[i]) if np.isfinite(c.colour[i]) else _AXIS)
        elif code == 2:
            colours.append("#0b63c4")
        else:
            colours.append("#b00020" if code == 1 else _FAILED)
    widths = [2.0 if code == 2 else 1.1 if code == 0 else 0.8 for code in c.state.tolist()]
    alphas = [0.9 if code in (0, 2) else 0.45 for code in c.state.tolist()]
    ax.add_collection(
        LineCollection(
            segments,
            colors=[(*_rgb(col)[:3], a) for col, a in zip(colours, alphas)],
            linewidths=widths,
        )
    )
    handles: list[Any] = [
        Line2D([], [], color=cmap(0.9), lw=1.2, label="complete (colour: final value)")
    ]
    pruned = np.flatnonzero(c.state == 3)
    if len(pruned):
        ends = c.offsets[pruned + 1] - 1
        ax.plot(c.steps[ends], c.values[ends], ls="none", marker="x", ms=5, color=_PRUNED)
        handles.append(
            Line2D([], [], color=_FAILED, marker="x", mec=_PRUNED, label="pruned (x: stopped)")
        )
    best = info.columns.best_row
    if best is not None and best in set(c.rows.tolist()):
        i = int(np.flatnonzero(c.rows == best)[0])
        steps, values = c.curve(i)
        ax.plot(steps, values, color=_BEST, lw=2.0, zorder=3)
        handles.append(Line2D([], [], color=_BEST, lw=2.0, label="best trial"))
    if (c.state == 2).any():
        handles.append(Line2D([], [], color="#0b63c4", lw=2.0, label="running"))
    for k, bar in enumerate(c.thresholds):
        ax.plot(bar.steps, bar.values, ls="--", marker="o", ms=3.5, lw=1.3, color=_BARS)
        if k == 0:
            label = bar.label if len(c.thresholds) == 1 else f"{bar.label} (and other brackets)"
            handles.append(Line2D([], [], ls="--", marker="o", color=_BARS, label=label))
    if c.value_axis.log:
        ax.set_yscale("log")
    span = c.step_axis.hi - c.step_axis.lo
    ax.set_xlim(c.step_axis.lo - 0.02 * span, c.step_axis.hi + 0.02 * span)
    lo, hi = c.value_axis.lo, c.value_axis.hi
    if c.value_axis.log:
        ax.set_ylim(lo / 1.15, hi * 1.15)
    else:
        pad = 0.04 * (hi - lo)
        ax.set_ylim(lo - pad, hi + pad)
    title = "learning curves"
    if c.pruner:
        title += f" · {c.pruner}"
    if len(c.rows) < c.n_curves:
        title += f" · {len(c.rows):,} of {c.n_curves:,} curves drawn"
    literal(ax.set_xlabel("step"))
    literal(ax.set_ylabel("reported value" + (" (log scale)" if c.value_axis.log else "")))
    ax.grid(True, which="major", color="#e3e6ee", lw=0.6)
    _legend_above(ax, handles, title)


def _draw_importance(ax: Axes, info: SearchInfo) -> None:
    """Draw each parameter's share of the value's variation, largest on top."""
    imp = info.importance
    assert imp is not None
    k = min(len(imp.names), 12)
    y = np.arange(k)[::-1]
    ax.barh(y, 100 * imp.shares[:k], color="#31688e", height=0.6)
    ax.set_yticks(y, labels=[_plain(n) for n in imp.names[:k]])
    for label in ax.get_yticklabels():
        literal(label)
    for yi, share in zip(y, imp.shares[:k]):
        ax.text(100 * share, yi, f" {100 * share:.0f} %", va="center", fontsize=8, color="#444444")
    ax.set_xlim(0, 100 * float(imp.shares.max()) * 1.2 + 1e-9)
    literal(ax.set_title("what matters"))
    literal(ax.set_xlabel(f"share of the variation, % ({imp.method}; {imp.n_complete} trials)"))
    ax.xaxis.label.set_fontsize(7.5)


def _draw_fit(ax: Axes, info: SearchInfo) -> None:
    """Draw train and validation medians against one parameter, the gap shaded."""
    fit = info.fit
    assert fit is not None
    ax.scatter(fit.points_x, fit.points_train, s=6, color="#e8710a", alpha=0.35, lw=0)
    ax.scatter(fit.points_x, fit.points_valid, s=6, color="#0b63c4", alpha=0.35, lw=0)
    ax.fill_between(fit.x, fit.train, fit.valid, color="#8c8c8c", alpha=0.2, lw=0)
    ax.plot(fit.x, fit.train, color="#e8710a", lw=1.8, label=f"train ({fit.train_metric})")
    ax.plot(fit.x, fit.valid, color="#0b63c4", lw=1.8, label="validation (the value)")
    if fit.best is not None:
        ax.axvline(fit.x[fit.best], color="#222222", ls="--", lw=1, label="best validation")
    ticks, labels = _unit_ticks(fit.axis)
    if fit.axis.kind == "choice":
        k = len(fit.axis.categories)
        ticks, labels = [(i + 0.5) / k for i in range(k)], [_plain(c) for c in fit.axis.categories]
    ax.set_xticks(ticks, labels=labels)
    for label in ax.get_xticklabels():
        literal(label)
    ax.set_xlim(0, 1)
    literal(ax.set_xlabel(_axis_title(fit.axis)))
    literal(ax.set_ylabel(info.columns.value_axis.name))
    ax.grid(True, which="major", color="#e3e6ee", lw=0.6)
    handles, _ = ax.get_legend_handles_labels()
    _legend_above(ax, handles, f"train and validation over {fit.param}", ncols=2)


def _draw_inside(ax: Axes, info: SearchInfo) -> None:
    """Draw the searcher's inside view; its kind (see nbopt.drawing.inside_info) picks it."""
    inside = info.inside
    if inside.kind == "generations":
        from nbopt.export._genetic import draw_generations

        draw_generations(ax, info)
        return
    if inside.kind == "surrogate":
        from nbopt.export._surrogate import draw_surrogate

        draw_surrogate(ax, inside, info.columns, _cmap())
        return
    if inside.kind == "cmaes":
        from nbopt.export._cmaes import draw_ellipse

        draw_ellipse(ax, inside, info.columns)
        return
    if inside.kind == "grid":
        cols = info.columns
        ax_x, ax_y = (cols.axes[cols.names.index(n)] for n in inside.pair)

        def edges(c: np.ndarray) -> np.ndarray:
            mid = (c[1:] + c[:-1]) / 2 if len(c) > 1 else np.zeros(0)
            first = c[0] - (c[1] - c[0]) / 2 if len(c) > 1 else 0.0
            last = c[-1] + (c[-1] - c[-2]) / 2 if len(c) > 1 else 1.0
            return np.asarray(np.clip(np.concatenate([[first], mid, [last]]), 0, 1))

        # sign * best is low where the cell is good, either direction: the colours run
        # from the best end (dark) at the low values
        sign = 1.0 if cols.direction == "minimize" else -1.0
        best = np.ma.masked_invalid(sign * inside.best)
        cmap = _cmap().reversed()
        ax.pcolormesh(edges(inside.x), edges(inside.y), best, cmap=cmap, shading="flat")
        left = inside.done < inside.per_cell
        for j, i in zip(*np.nonzero(left)):
            ex, ey = edges(inside.x), edges(inside.y)
            ax.add_patch(
                _rect((ex[i], ey[j]), ex[i + 1] - ex[i], ey[j + 1] - ey[j], inside.done[j, i] > 0)
            )
        for axis, setter in ((ax_x, ax.set_xticks), (ax_y, ax.set_yticks)):
            pos, names = _unit_ticks(axis)
            if axis.kind == "choice":
                k = len(axis.categories)
                pos = [(i + 0.5) / k for i in range(k)]
                names = [_plain(c) for c in axis.categories]
            setter(pos, labels=names)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        literal(ax.set_xlabel(_axis_title(ax_x)))
        literal(ax.set_ylabel(_axis_title(ax_y)))
        left_n = inside.n_total - inside.n_done
        literal(
            ax.set_title(
                f"the grid: {inside.n_done} of {inside.n_total} points done, {left_n} left"
            )
        )
        return
    literal(ax.set_title(f"coverage of {inside.pair[0]} x {inside.pair[1]}"))
    if len(inside.n) == 0:
        _empty_note(ax, "no trial yet")
        return
    ax.plot(inside.n, inside.gap, color="#0b63c4", lw=1.8, label=f"this search ({inside.sampler})")
    ax.plot(
        inside.n,
        inside.other_gap,
        color="#6b6b6b",
        lw=1.8,
        ls="--",
        label=f"{inside.other}, as many points",
    )
    ax.set_xscale("log")
    ax.set_yscale("log")
    # plain numbers: over about a decade the default labels every minor tick as
    # "2x10^0 3x10^0 ...", which run into each other (and cost mathtext in every frame)
    for scale in (ax.xaxis, ax.yaxis):
        plain_log_ticks(scale)
    literal(ax.set_xlabel("trials"))
    literal(ax.set_ylabel("largest gap"))
    ax.grid(True, which="major", color="#e3e6ee", lw=0.6)
    handles, _ = ax.get_legend_handles_labels()
    _legend_above(ax, handles, f"coverage of {inside.pair[0]} x {inside.pair[1]}")


def _rect(xy: tuple[float, float], w: float, h: float, partly: bool) -> Any:
    from matplotlib.patches import Rectangle

    if partly:
        return Rectangle(xy, w, h, fill=False, ec="#222222", lw=0.8, ls=":")
    return Rectangle(xy, w, h, fill=False, ec="#9a9a9a", lw=0.8, ls="--", hatch="//")


def _valueless(info: SearchInfo, rows: np.ndarray) -> str:
    """Legend text of the trials drawn without a value: failed, pruned or both."""
    states = set(info.columns.state[rows].tolist())
    if states == {3}:
        return "pruned (no value)"
    return "failed or pruned (no value)" if 3 in states else "failed (no value)"


def _rgb(colour: Any) -> tuple[float, ...]:
    from matplotlib.colors import to_rgba

    return tuple(to_rgba(colour))


def _unit_ticks(axis: Axis) -> tuple[list[float], list[str]]:
    return list(axis.ticks), [_plain(t) for t in axis.tick_labels]


def _axis_title(axis: Axis) -> str:
    return axis.name + (" (log)" if axis.log else "")


def _draw_scatter(ax: Axes, info: SearchInfo, cmap: Colormap) -> None:
    from matplotlib.lines import Line2D

    sc = info.scatter
    n = len(sc.rows)
    handles: list[Any] = []
    if len(sc.failed_rows):
        ax.plot(sc.failed_x, sc.failed_y, ls="none", marker="x", ms=4, color="#b00020", alpha=0.6)
        handles.append(
            Line2D(
                [],
                [],
                ls="none",
                marker="x",
                color="#b00020",
                label=_valueless(info, sc.failed_rows),
            )
        )
    if n:
        ax.scatter(
            sc.x,
            sc.y,
            c=cmap(sc.colour),
            s=26 if n < 300 else 10,
            alpha=max(_alpha(n), 0.4),
            lw=0,
        )
    if sc.best_xy is not None and sc.best_row is not None:
        number = int(info.columns.number[sc.best_row])
        (best,) = ax.plot(
            [sc.best_xy[0]],
            [sc.best_xy[1]],
            ls="none",
            marker="*",
            ms=15,
            color=_BEST,
            mec="black",
            mew=0.8,
            zorder=5,
            label=f"best shown: trial #{number}",
        )
        handles.insert(0, best)
    for axis, set_ticks, set_label, set_lim in (
        (sc.x_axis, ax.set_xticks, ax.set_xlabel, ax.set_xlim),
        (sc.y_axis, ax.set_yticks, ax.set_ylabel, ax.set_ylim),
    ):
        ticks, labels = _unit_ticks(axis)
        set_ticks(ticks, labels=labels)
        literal(set_label(_axis_title(axis)))
        set_lim(-0.03, 1.03)
    ax.grid(True, color="#e3e6ee", lw=0.6)
    if not n and not len(sc.failed_rows):
        _empty_note(ax, "no trial to show")
    _legend_above(ax, handles, f"{sc.x_axis.name} against {sc.y_axis.name}")


def _draw_parallel(ax: Axes, info: SearchInfo, cmap: Colormap) -> None:
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D

    par = info.parallel
    m = len(par.axes)
    xs = np.arange(m, dtype=float)
    ax.set_axis_off()
    ax.set_xlim(-0.35, m - 0.65)
    ax.set_ylim(-0.04, 1.1)
    handles: list[Any] = []
    if len(par.failed_rows):
        segs = np.stack(
            [np.broadcast_to(xs[:-1], par.failed_positions.shape), par.failed_positions], axis=-1
        )
        ax.add_collection(
            LineCollection(
                list(segs), colors=_FAILED, linewidths=0.8, linestyles="--", alpha=0.45, zorder=1
            )
        )
        handles.append(
            Line2D([], [], color=_FAILED, ls="--", label=_valueless(info, par.failed_rows))
        )
    n = len(par.rows)
    if n:
        segs = np.stack([np.broadcast_to(xs, par.positions.shape), par.positions], axis=-1)
        colours = cmap(par.colour)
        colours[:, 3] = _alpha(n)
        ax.add_collection(LineCollection(list(segs), colors=colours, linewidths=1.0, zorder=2))
        best = segs[-1]
        ax.plot(best[:, 0], best[:, 1], color="black", lw=3.4, zorder=3, solid_capstyle="round")
        (line,) = ax.plot(
            best[:, 0],
            best[:, 1],
            color=_BEST,
            lw=2.0,
            zorder=4,
            label=f"best shown: trial #{int(info.columns.number[par.rows[-1]])}",
        )
        handles.insert(0, line)
    for i, axis in enumerate(par.axes):
        ax.plot([i, i], [0, 1], color=_AXIS, lw=1.0, zorder=5)
        # the value axis is the last one: its labels go to the right, where no line runs
        side = 1.0 if i == m - 1 else -1.0
        for pos, label in zip(axis.ticks, axis.tick_labels):
            ax.plot([i + side * 0.015, i], [pos, pos], color=_AXIS, lw=1.0, zorder=5)
            literal(
                ax.text(
                    i + side * 0.035,
                    float(pos),
                    label,
                    ha="left" if side > 0 else "right",
                    va="center",
                    fontsize=7.5,
                    color="#333333",
                    zorder=6,
                    bbox={"fc": "white", "ec": "none", "alpha": 0.7, "pad": 0.5},
                )
            )
        literal(
            ax.text(
                i,
                1.03,
                _axis_title(axis),
                ha="center",
                va="bottom",
                fontsize=9,
                fontweight="bold" if axis.kind == "value" else "normal",
            )
        )
    shown = f"{par.n_lines} of {par.n_complete} complete trials"
    if n < par.n_lines:
        shown += f" ({n} lines drawn: the best half and an even sample of the rest)"
    if par.best_fraction is not None:
        shown += f" (the best {100 * par.best_fraction:.3g}%)"
    if info.brush:
        shown += ", brushed on " + ", ".join(info.brush)
    literal(ax.set_title(f"parallel coordinates: {shown}", pad=14))
    if not n:
        _empty_note(ax, "no complete trial to show")
    if handles:
        legend = ax.legend(
            handles=handles, loc="upper left", bbox_to_anchor=(0.0, -0.01), ncols=2, frameon=False
        )
        for t in legend.get_texts():
            literal(t)


# ------------------------------------------------------------------ formats


def _info_of(source: Any, view: dict[str, Any]) -> SearchInfo:
    """Accept a SearchInfo, a SearchResult, a Searcher, a dashboard; apply the view options."""
    unknown = sorted(set(view) - set(_VIEW_KEYS))
    if unknown:
        raise TypeError(f"unexpected keyword arguments {unknown}; expected some of {_VIEW_KEYS}")
    if isinstance(source, SearchInfo):
        if "value_log" in view:
            raise TypeError(
                "value_log= changes the trial columns: pass the SearchResult, not a SearchInfo"
            )
        if not view:
            return source
        current = {
            "brush": source.brush or None,
            "best_fraction": source.best_fraction,
            "pair": source.pair,
        }
        return source.with_view(**{**current, **view})
    from nbopt.searchers import Searcher, SearchResult

    if _dashboard_source(source) is not None:
        # the dashboard's own info: the state it shows (paused, stopping...)
        got = source.info(**view)
        assert isinstance(got, SearchInfo)
        return got
    if isinstance(source, SearchResult | Searcher):
        return search_info(source, **view)
    raise TypeError(
        "expected a nbopt.drawing.SearchInfo, a SearchResult, a Searcher or a "
        f"SearchDashboard, got {type(source).__name__}"
    )


def search_png(
    source: Any,
    dpi: float = 100,
    *,
    figsize: tuple[float, float] | None = None,
    **view: Any,
) -> bytes:
    """Render the search dashboard as PNG bytes.

    Parameters
    ----------
    source : SearchInfo, SearchResult, Searcher or SearchDashboard
        What to draw.
    dpi : float
        Pixels per inch; the image is ``figsize * dpi`` pixels (1200 x 950 by default).
    figsize : (float, float), optional
        See :func:`search_figure`.
    **view
        ``brush``, ``best_fraction``, ``pair``, ``value_log``: see
        :func:`nbopt.drawing.search_info`.

    Notes
    -----
    The file carries :func:`nbopt.export.file_metadata` as PNG text chunks.

    Examples
    --------
    >>> import nbopt
    >>> from nbopt import space
    >>> res = nbopt.search(lambda x: x**2, {"x": space.Float(-1, 1)}, method="random",
    ...                    n_trials=10, seed=0)
    >>> search_png(res, dpi=30)[1:4]
    b'PNG'
    """
    if not (isinstance(dpi, int | float) and 0 < dpi <= 1000):
        raise ValueError(f"dpi must be a number in (0, 1000], got {dpi!r}")
    info = _info_of(source, view)
    with style():
        fig = _draw(info, figsize)
        buf = io.BytesIO()
        meta: dict[str, str | None] = dict(file_metadata(source))
        fig.savefig(buf, format="png", dpi=dpi, metadata=meta)
    return buf.getvalue()


def search_svg(source: Any, *, figsize: tuple[float, float] | None = None, **view: Any) -> str:
    """Render the search dashboard as an SVG document; names and labels stay text.

    The document's ``<metadata>`` holds :func:`nbopt.export.file_metadata`.

    Examples
    --------
    >>> import nbopt
    >>> from nbopt import space
    >>> res = nbopt.search(lambda x: x**2, {"x": space.Float(-1, 1)}, method="random",
    ...                    n_trials=10, seed=0)
    >>> svg = search_svg(res)
    >>> svg.lstrip().startswith("<?xml") and "parallel coordinates" in svg
    True
    """
    info = _info_of(source, view)
    with style():
        fig = _draw(info, figsize)
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata=svg_metadata(file_metadata(source)))
    return buf.getvalue()


# ------------------------------------------------------------------ animation


def _finished_trials(source: Any) -> tuple[Any, list[Any]]:
    """Return the SearchResult or Searcher behind ``source`` and its finished trials.

    The trials come in the order they finished (by completion time when every trial has one).
    """
    from nbopt.searchers import Searcher, SearchResult

    shown = _dashboard_source(source)
    if shown is not None:
        source = shown
    if isinstance(source, SearchResult):
        trials = list(source.trials)
    elif isinstance(source, Searcher):
        trials = [t for t in source.trials if t.state != "running"]
    else:
        raise TypeError(
            "a search animation replays the trials: pass a SearchResult, a Searcher or a "
            f"SearchDashboard (a SearchInfo holds one moment only), got {type(source).__name__}"
        )
    if all(t.datetime_complete is not None for t in trials):
        trials.sort(key=lambda t: cast(datetime, t.datetime_complete))  # stable sort
    return source, trials


def search_frames(source: Any, frames: int = 30, **view: Any) -> list[SearchInfo]:
    """Drawing info of a search after its first ``k`` finished trials, ``k`` spread evenly.

    Each frame is :func:`nbopt.drawing.search_info` of the trials finished by then (in
    the order they finished), at the time the ``k``-th finished: its header counts,
    best trial, elapsed time and estimate of the time left are those of that moment,
    and its importance is that of those trials. The last frame holds every finished
    trial and the search's own state (finished, stopped, error...).

    What a frame cannot rebuild from the trials is left out: trials still running at
    that moment, the pruner's bars, and the inside view of a Bayesian, genetic or
    evolutionary searcher (its model and populations of that moment are gone); a grid
    search's cells and a random search's coverage are functions of the trials and are
    drawn. Axes and scales that would flip during the run are fixed by the last frame
    (the log value axis, the scatter's pair).

    Parameters
    ----------
    source : SearchResult, Searcher or SearchDashboard
        The search (not a SearchInfo: it holds one moment only).
    frames : int
        Number of frames, at least 2: ``k`` from 1 to the number of finished trials
        (fewer frames when there are fewer trials).
    **view
        ``brush``, ``best_fraction``, ``pair``, ``value_log`` (see
        :func:`nbopt.drawing.search_info`), applied to every frame.

    Examples
    --------
    >>> import nbopt
    >>> from nbopt import space
    >>> res = nbopt.search(lambda x, y: x**2 + y, {"x": space.Float(-1, 1),
    ...                    "y": space.Float(0, 1)}, method="random", n_trials=20, seed=0)
    >>> infos = search_frames(res, frames=5)
    >>> [f.header.n_done for f in infos], [f.header.status for f in infos][-2:]
    ([1, 6, 10, 15, 20], ['running', 'finished'])
    >>> infos[2].header.best_number == min(range(10), key=lambda i: res.trials[i].value)
    True
    """
    from nbopt.drawing import inside_info, trial_columns
    from nbopt.searchers import GridSearch, RandomSearch, SearchResult

    frames = check_frames(frames)
    unknown = sorted(set(view) - set(_VIEW_KEYS))
    if unknown:
        raise TypeError(f"unexpected keyword arguments {unknown}; expected some of {_VIEW_KEYS}")
    src, trials = _finished_trials(source)
    if not trials:
        raise ValueError("search_frames: the search has no finished trial to show yet")
    final = search_info(src, **view)
    space, direction = final.columns.space, final.columns.direction
    searcher = src.searcher if isinstance(src, SearchResult) else src
    # these inside views are functions of the trials (and of the searcher's settings)
    replay_inside = isinstance(searcher, GridSearch | RandomSearch)
    head = final.header
    n = len(trials)
    out = []
    for k in np.unique(np.round(np.linspace(1, n, frames)).astype(int)).tolist():
        part = trials[:k]
        ends = [t.datetime_complete for t in part if t.datetime_complete is not None]
        now: datetime | None = max(ends) if ends else None
        info = search_info(
            part,
            space=space,
            direction=direction,
            brush=view.get("brush"),
            best_fraction=view.get("best_fraction"),
            pair=final.pair,
            value_log=view.get("value_log", final.columns.value_axis.log),
            n_total=head.n_total,
            now=now,
            status=head.status if k == n else "running",
            method=head.method,
            pruner=final.curves.pruner,
        )
        if k == n and head.error:
            header = dataclasses.replace(info.header, error=head.error)
            info = dataclasses.replace(info, header=header)
        if replay_inside:
            cols = trial_columns(part, space, direction)
            xy = info.pair if all(p in cols.names for p in info.pair) else None
            info = dataclasses.replace(info, inside=inside_info(searcher, cols, xy))
        out.append(info)
    return out


def _search_images(
    source: Any,
    frames: int,
    dpi: float,
    figsize: tuple[float, float] | None,
    view: dict[str, Any],
) -> list[np.ndarray]:
    """Draw the search's animation: RGB arrays of ``figsize * dpi`` pixels, one per frame."""
    if not (isinstance(dpi, int | float) and 0 < dpi <= 1000):
        raise ValueError(f"dpi must be a number in (0, 1000], got {dpi!r}")
    infos = search_frames(source, frames, **view)
    # every frame lays out the views of any frame (a view with nothing yet says so), and
    # the layout is computed once, on the last frame: nothing jumps, and each frame is
    # drawn without the layout engine (most of the time of a constrained layout)
    have = {name for info in infos for name in _panels(info)}
    panels = tuple(name for name in _PANELS if name in have)
    images = []
    with style():
        layout = _draw(infos[-1], figsize, panels)
        layout.set_dpi(dpi)
        layout.draw_without_rendering()
        places = [(ax.get_label(), ax.get_position(original=True)) for ax in layout.axes]
        size = (float(layout.get_figwidth()), float(layout.get_figheight()))
        for info in infos:
            fig = _draw(info, size, panels, constrained=False)
            fig.set_dpi(dpi)
            if [ax.get_label() for ax in fig.axes] == [label for label, _ in places]:
                for ax, (_, box) in zip(fig.axes, places):
                    ax.set_position(box)
            else:
                # a view drawn with other axes than the last frame's: its own layout
                fig.set_layout_engine("constrained")
            # the Agg canvas (matplotlib's backend_agg has no type annotations)
            canvas: Any = fig.canvas
            canvas.draw()
            images.append(np.asarray(canvas.buffer_rgba())[..., :3].copy())
    return images


def search_gif(
    source: Any,
    path: str | Path,
    *,
    frames: int = 30,
    fps: float = 4,
    dpi: float = 72,
    hold: float = 3.0,
    figsize: tuple[float, float] | None = None,
    **view: Any,
) -> Path:
    """Write the search as an animated GIF: the dashboard after each stretch of trials.

    Parameters
    ----------
    source : SearchResult, Searcher or SearchDashboard
        The search (its finished trials are replayed, see :func:`search_frames`).
    path : str or Path
        Where to write the ``.gif``.
    frames : int
        Number of frames (at least 2), evenly spaced in finished trials.
    fps : float
        Frames per second, in (0, 50].
    dpi : float
        Pixels per inch: each frame is ``figsize * dpi`` pixels.
    hold : float
        Seconds the last frame stays before the GIF loops.
    figsize : (float, float), optional
        Size in inches (see :func:`search_figure`; the last frame's views decide it).
    **view
        ``brush``, ``best_fraction``, ``pair``, ``value_log``.

    Returns
    -------
    Path
        ``path``. Its comment holds :func:`nbopt.export.file_metadata` (JSON).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import nbopt
    >>> from nbopt import space
    >>> res = nbopt.search(lambda x: x**2, {"x": space.Float(-1, 1)}, method="random",
    ...                    n_trials=10, seed=0)
    >>> out = search_gif(res, pathlib.Path(tempfile.mkdtemp()) / "s.gif", frames=2, dpi=20)
    >>> out.read_bytes()[:6]
    b'GIF89a'
    """
    rate, held = check_fps(fps, ".gif"), check_hold(hold)
    images = _search_images(source, frames, dpi, figsize, view)
    return write_gif(images, Path(path), fps=rate, hold=held, meta=file_metadata(source))


def search_mp4(
    source: Any,
    path: str | Path,
    *,
    frames: int = 30,
    fps: float = 4,
    dpi: float = 100,
    hold: float = 3.0,
    figsize: tuple[float, float] | None = None,
    **view: Any,
) -> Path:
    """Write the search as an MP4 video (H.264): the frames of :func:`search_gif`.

    Needs the ``imageio-ffmpeg`` package (``pip install 'nbopt[export]'``), which ships an
    ffmpeg binary. Frames are ``figsize * dpi`` pixels, padded with white to even sizes;
    the last frame is repeated to stay ``hold`` seconds. The ``title`` and ``comment``
    tags hold :func:`nbopt.export.file_metadata`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import nbopt
    >>> from nbopt import space
    >>> res = nbopt.search(lambda x: x**2, {"x": space.Float(-1, 1)}, method="random",
    ...                    n_trials=10, seed=0)
    >>> out = search_mp4(res, pathlib.Path(tempfile.mkdtemp()) / "s.mp4", frames=2, dpi=20)
    >>> out.read_bytes()[4:8]
    b'ftyp'
    """
    rate, held = check_fps(fps, ".mp4"), check_hold(hold)
    ffmpeg_exe()  # fail before drawing
    images = _search_images(source, frames, dpi, figsize, view)
    return write_mp4(images, Path(path), fps=rate, hold=held, meta=file_metadata(source))


def is_search_source(source: Any) -> bool:
    """Return True for what :func:`save_search` draws.

    That is a SearchInfo, a SearchResult, a Searcher or a SearchDashboard.
    """
    from nbopt.searchers import Searcher, SearchResult

    return (
        isinstance(source, SearchInfo | SearchResult | Searcher)
        or _dashboard_source(source) is not None
    )


def save_search(source: Any, path: str | Path, *, dpi: float | None = None, **kwargs: Any) -> Path:
    """Save the search dashboard as ``.png``, ``.svg``, ``.gif`` or ``.mp4`` (by extension).

    Parameters
    ----------
    source : SearchInfo, SearchResult, Searcher or SearchDashboard
        What to draw (an animation needs the trials: not a SearchInfo).
    path : str or Path
        Target file; the extension picks the format.
    dpi : float, optional
        Pixels per inch for PNG (100), GIF (72) and MP4 (100).
    **kwargs
        ``figsize`` (inches; pixels are ``figsize * dpi``), the view options of
        :func:`search_png`, and for an animation ``frames``, ``fps`` and ``hold`` (see
        :func:`search_gif`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import nbopt
    >>> from nbopt import space
    >>> res = nbopt.search(lambda x: x**2, {"x": space.Float(-1, 1)}, method="random",
    ...                    n_trials=10, seed=0)
    >>> save_search(res, pathlib.Path(tempfile.mkdtemp()) / "search.svg").suffix
    '.svg'
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".png":
        path.write_bytes(search_png(source, dpi=100 if dpi is None else dpi, **kwargs))
    elif suffix == ".svg":
        if dpi is not None:
            raise ValueError("save: dpi applies to .png, .gif and .mp4, not to .svg")
        path.write_text(search_svg(source, **kwargs), encoding="utf-8")
    elif suffix == ".gif":
        search_gif(source, path, dpi=72 if dpi is None else dpi, **kwargs)
    elif suffix == ".mp4":
        search_mp4(source, path, dpi=100 if dpi is None else dpi, **kwargs)
    else:
        raise unknown_suffix(path)
    return path
