"""The race of searchers drawn by matplotlib: PNG and SVG of ``nbopt.compare``.

Drawn from the one drawing-info object the live widget draws
(:class:`nbopt.drawing.CompareInfo`): every method's median best-so-far line with its
interquartile band against the trial number, the seconds per trial spent by each
searcher and by the objective, and the table. Figures use matplotlib's object API
(``Figure`` + Agg canvas, no pyplot state); matplotlib is imported on first use.
"""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from nbopt.drawing._compare import CompareInfo, compare_info
from nbopt.drawing._search import format_seconds
from nbopt.export._common import literal, style
from nbopt.searchers._compare import Comparison

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "TABLE_COLUMNS",
    "compare_figure",
    "compare_png",
    "compare_svg",
    "compare_table_rows",
    "header_text",
    "is_compare_source",
    "save_compare",
]

_FIGSIZE = (12.0, 8.0)
_TARGET = "#6b7080"
_OBJECTIVE = "#b8bcc8"
TABLE_COLUMNS = (
    "method",
    "best (median)",
    "best IQR (q25 – q75)",
    "trials to target",
    "searcher / trial",
    "objective / trial",
    "runs",
    "failed",
)


def _value(v: float | None) -> str:
    return "–" if v is None or not math.isfinite(v) else f"{v:.4g}"


def _seconds(v: float | None) -> str:
    return "–" if v is None or not math.isfinite(v) else format_seconds(v)


def compare_table_rows(info: CompareInfo) -> list[list[str]]:
    """Return the table's text, one row per method, in :data:`TABLE_COLUMNS` order.

    Trials to target: the median over the seeds (``"not reached"`` when most seeds have
    not reached it, ``"–"`` without a target), with how many seeds reached it.

    Examples
    --------
    >>> from nbopt import space
    >>> from nbopt.live import Session
    >>> c = Comparison(lambda x: x**2, {"x": space.Float(-1, 1)}, methods=["random"],
    ...                n_trials=6, seeds=2, target=-1.0)
    >>> Session(c).run()
    'finished'
    >>> row = compare_table_rows(compare_info(c))[0]
    >>> row[0], row[3], row[6]
    ('random', 'not reached (0/2)', '2/2')
    """
    rows = []
    for m in info.methods:
        s = m.summary
        if info.target is None:
            reach = "–"
        else:
            median = s.trials_to_target_median
            text = f"{median:.3g}" if math.isfinite(median) else "not reached"
            reach = f"{text} ({s.target_reached}/{s.n_runs})"
        iqr = "–" if math.isnan(s.best_q25) else f"{_value(s.best_q25)} – {_value(s.best_q75)}"
        rows.append(
            [
                m.name,
                _value(s.best_median),
                iqr,
                reach,
                _seconds(s.ask_seconds_median),
                _seconds(s.objective_seconds_median),
                f"{s.runs_done}/{s.n_runs}",
                str(s.n_failed),
            ]
        )
    return rows


def compare_figure(info: CompareInfo, *, figsize: tuple[float, float] | None = None) -> Figure:
    """Draw the race of searchers as a matplotlib figure.

    A header line, the bands (median best so far and interquartile range per method
    against the trial number) beside the seconds per trial (searcher and objective per
    method), and the table below.

    Parameters
    ----------
    info : nbopt.drawing.CompareInfo
        What to draw (``nbopt.drawing.compare_info(comparison)``).
    figsize : (float, float), optional
        Size in inches; 12 x 8 by default.

    Examples
    --------
    >>> from nbopt import space
    >>> from nbopt.live import Session
    >>> c = Comparison(lambda x: x**2, {"x": space.Float(-1, 1)}, methods=["random"],
    ...                n_trials=6, seeds=2)
    >>> Session(c).run()
    'finished'
    >>> [ax.get_label() for ax in compare_figure(compare_info(c)).axes]
    ['header', 'bands', 'times', 'table']
    """
    if not isinstance(info, CompareInfo):
        raise TypeError(
            "compare_figure: expected a nbopt.drawing.CompareInfo (compare_info(comparison)), "
            f"got {type(info).__name__}"
        )
    with style():
        return _draw(info, figsize)


def _draw(info: CompareInfo, figsize: tuple[float, float] | None) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    size = figsize or _FIGSIZE
    fig = Figure(figsize=size, layout="constrained")
    FigureCanvasAgg(fig)
    # heights in inches: the header's two lines and the table's rows, the bands the rest
    header = 0.55
    table = 0.25 * (len(info.methods) + 1) + 0.1
    bands = max(1.5, size[1] - header - table - 0.4)
    grid = fig.add_gridspec(3, 2, height_ratios=(header, bands, table), width_ratios=(1.75, 1.0))
    ax_head = fig.add_subplot(grid[0, :], label="header")
    ax_bands = fig.add_subplot(grid[1, 0], label="bands")
    ax_times = fig.add_subplot(grid[1, 1], label="times")
    ax_table = fig.add_subplot(grid[2, :], label="table")
    _draw_header(ax_head, info)
    _draw_bands(ax_bands, info)
    _draw_times(ax_times, info)
    _draw_table(ax_table, info)
    return fig


def header_text(info: CompareInfo) -> tuple[str, str]:
    """Return the header's title and progress line.

    Examples
    --------
    >>> from nbopt import space
    >>> c = Comparison(lambda x: x, {"x": space.Float(0, 1)}, methods=["random"],
    ...                n_trials=3, seeds=2)
    >>> header_text(compare_info(c))[1]
    'idle · 0 / 6 trials · 0 / 2 runs done · 0 failed'
    """
    title = (
        f"{len(info.methods)} searchers × {len(info.seeds)} seeds, "
        f"{info.n_trials} trials each · {info.direction}"
    )
    parts = [
        info.status,
        f"{info.n_done} / {info.n_total} trials",
        f"{info.runs_done} / {info.runs_total} runs done",
        f"{info.n_failed} failed",
    ]
    if info.elapsed is not None:
        parts.append(f"elapsed {format_seconds(info.elapsed)}")
    if info.error:
        parts.append(f"error: {info.error[:160]}")
    return title, " · ".join(parts)


def _draw_header(ax: Axes, info: CompareInfo) -> None:
    ax.set_axis_off()
    title, progress = header_text(info)
    literal(ax.text(0.0, 1.0, title, fontsize=12, fontweight="bold", va="top"))
    colour = "#b00020" if info.error else "#222222"
    literal(ax.text(0.0, 0.35, progress, fontsize=9.5, va="top", color=colour))


def _draw_bands(ax: Axes, info: CompareInfo) -> None:
    drawn = False
    for m in info.methods:
        b = m.band
        if not np.isfinite(b.median).any():
            continue
        drawn = True
        ax.fill_between(b.trial, b.q25, b.q75, color=m.colour, alpha=0.2, lw=0, step=None)
        ax.plot(b.trial, b.median, color=m.colour, lw=2.0, label=f"{m.name} (median)")
    if info.target is not None:
        ax.axhline(info.target, color=_TARGET, ls="--", lw=1.2, label=f"target {info.target:g}")
    if info.value_log:
        ax.set_yscale("log")
    ax.set_xlim(1, max(2, info.n_trials))
    ax.set_xlabel("trial")
    better = "lowest" if info.direction == "minimize" else "highest"
    scale = " (log scale)" if info.value_log else ""
    ax.set_ylabel(f"best value so far ({better}){scale}")
    ax.set_title("best so far: median over seeds, band from 25th to 75th percentile", loc="left")
    ax.grid(True, alpha=0.3, lw=0.6)
    if drawn or info.target is not None:
        # the curves fall to the right when minimizing, rise when maximizing
        if info.direction == "minimize":
            legend = ax.legend(loc="upper right", frameon=True, framealpha=0.85)
        else:
            legend = ax.legend(loc="lower right", frameon=True, framealpha=0.85)
        for text in legend.get_texts():
            literal(text)
    else:
        literal(
            ax.text(
                0.5,
                0.5,
                "no complete trial yet",
                transform=ax.transAxes,
                ha="center",
                va="center",
                color="#777777",
            )
        )


def _draw_times(ax: Axes, info: CompareInfo) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    names = [m.name for m in info.methods]
    y = np.arange(len(names))
    ask = np.array([m.summary.ask_seconds_median for m in info.methods], dtype=float)
    obj = np.array([m.summary.objective_seconds_median for m in info.methods], dtype=float)
    ask0 = np.nan_to_num(ask, nan=0.0)
    obj0 = np.nan_to_num(obj, nan=0.0)
    colours = [m.colour for m in info.methods]
    ax.barh(y, ask0, color=colours, height=0.6, label="searcher (ask)")
    ax.barh(y, obj0, left=ask0, color=_OBJECTIVE, height=0.6, label="objective")
    top = float((ask0 + obj0).max()) if len(names) else 0.0
    for i in range(len(names)):
        text = f"{_seconds(ask[i])} + {_seconds(obj[i])}"
        literal(ax.text(ask0[i] + obj0[i] + 0.02 * (top or 1.0), y[i], text, va="center"))
    ax.set_yticks(y, labels=names)
    for label in ax.get_yticklabels():
        literal(label)
    ax.invert_yaxis()
    ax.set_xlim(0, (top or 1.0) * 1.9)
    ax.xaxis.set_major_locator(MaxNLocator(4))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: format_seconds(v) if v else "0"))
    ax.set_xlabel("time per trial (median over seeds)")
    ax.set_title("searcher (method's colour) + objective (grey)", loc="left")


def _draw_table(ax: Axes, info: CompareInfo) -> None:
    ax.set_axis_off()
    rows = compare_table_rows(info)
    if not rows:
        return
    table = ax.table(
        cellText=rows,
        colLabels=list(TABLE_COLUMNS),
        loc="upper center",
        cellLoc="left",
        colLoc="left",
        edges="horizontal",
    )
    table.auto_set_font_size(False)
    table.set_fontsize(9)
    for (row, col), cell in table.get_celld().items():
        literal(cell.get_text())
        cell.set_edgecolor("#d0d3dc")
        if row == 0:
            cell.get_text().set_color("#555555")
        elif col == 0:
            cell.get_text().set_color(info.methods[row - 1].colour)
            cell.get_text().set_fontweight("bold")


# ------------------------------------------------------------------ files


def is_compare_source(source: Any) -> bool:
    """Return True for what :func:`save_compare` draws: CompareInfo, a Comparison or its widget."""
    if isinstance(source, CompareInfo | Comparison):
        return True
    return isinstance(getattr(source, "comparison", None), Comparison)


def _info_of(source: Any) -> CompareInfo:
    if isinstance(source, CompareInfo):
        return source
    info = getattr(source, "info", None)
    if not isinstance(source, Comparison) and callable(info):
        got = info()
        if isinstance(got, CompareInfo):
            return got
    return compare_info(source)


def compare_png(
    source: Any, dpi: float = 100, *, figsize: tuple[float, float] | None = None
) -> bytes:
    """Render the race of searchers as PNG bytes (``figsize * dpi`` pixels: 1200 x 800).

    ``source`` is a CompareInfo, a Comparison or its widget.

    Examples
    --------
    >>> from nbopt import space
    >>> from nbopt.live import Session
    >>> c = Comparison(lambda x: x**2, {"x": space.Float(-1, 1)}, methods=["random"],
    ...                n_trials=6, seeds=2)
    >>> Session(c).run()
    'finished'
    >>> compare_png(c, dpi=30)[1:4]
    b'PNG'
    """
    if not (isinstance(dpi, int | float) and 0 < dpi <= 1000):
        raise ValueError(f"dpi must be a number in (0, 1000], got {dpi!r}")
    info = _info_of(source)
    with style():
        fig = _draw(info, figsize)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


def compare_svg(source: Any, *, figsize: tuple[float, float] | None = None) -> str:
    """Render the race of searchers as an SVG document; names and labels stay text."""
    info = _info_of(source)
    with style():
        fig = _draw(info, figsize)
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None})
    return buf.getvalue()


def save_compare(source: Any, path: str | Path, *, dpi: float | None = None, **kwargs: Any) -> Path:
    """Save the race of searchers as ``.png`` or ``.svg``, chosen by the file extension.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from nbopt import space
    >>> from nbopt.live import Session
    >>> c = Comparison(lambda x: x**2, {"x": space.Float(-1, 1)}, methods=["random"],
    ...                n_trials=6, seeds=2)
    >>> Session(c).run()
    'finished'
    >>> save_compare(c, pathlib.Path(tempfile.mkdtemp()) / "race.svg").suffix
    '.svg'
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".png":
        path.write_bytes(compare_png(source, dpi=100 if dpi is None else dpi, **kwargs))
    elif suffix == ".svg":
        if dpi is not None:
            raise ValueError("save: dpi applies to .png, not to .svg")
        path.write_text(compare_svg(source, **kwargs), encoding="utf-8")
    else:
        raise ValueError(
            f"save: a race of searchers exports as .png or .svg; cannot write {path.name!r}"
        )
    return path
