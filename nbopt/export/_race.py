"""The optimizer race drawn by matplotlib: PNG, SVG, animated GIF and MP4 for slides and pages.

Everything is drawn from the one drawing-info object (:class:`nbopt.drawing.RaceInfo`)
that the live widget also draws, so a saved image shows what the widget shows. Figures
are built on matplotlib's object API (``Figure`` + Agg canvas): no pyplot global state,
no display backend; matplotlib is imported on first use.
"""

from __future__ import annotations

import dataclasses
import io
import math
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from nbopt.drawing import LANDSCAPE_COLORMAP, RaceInfo, Trace, landscape_info, race_info
from nbopt.export._common import literal, plain_log_ticks, style
from nbopt.export._media import (
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
    from matplotlib.figure import Figure

__all__ = [
    "race_figure",
    "race_frames",
    "race_gif",
    "race_mp4",
    "race_png",
    "race_svg",
    "save_race",
    "status_text",
]

_FIGSIZE_DATA = (11.0, 6.2)
_FIGSIZE = (11.0, 5.0)


def status_text(trace: Trace, total_steps: int | None = None) -> str:
    """Describe where a trace stands, e.g. ``"diverged at step 37"``.

    Examples
    --------
    >>> from nbopt import optimizers
    >>> from nbopt.drawing import race_info
    >>> race = optimizers.Race("booth", {"GD": optimizers.GradientDescent(lr=0.5)}, steps=50)
    >>> race.run_to_end()
    >>> status_text(race_info(race).traces[0])
    'diverged at step 13'
    """
    if trace.status == "diverged":
        return f"diverged at step {trace.diverged_at if trace.diverged_at is not None else '?'}"
    loss = _fmt(trace.loss)
    if trace.status == "converged":
        at = trace.converged_at if trace.converged_at is not None else trace.step
        return f"converged at step {at}, loss {loss}"
    if trace.status == "max_steps":
        return f"all {trace.step} steps, loss {loss}"
    if trace.status == "stopped":
        return f"stopped at step {trace.step}, loss {loss}"
    of = f"/{total_steps}" if total_steps else ""
    return f"step {trace.step}{of}, loss {loss}"


def _fmt(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return str(value)
    return f"{value:.3g}"


# ------------------------------------------------------------------ drawing


def race_figure(info: RaceInfo, *, figsize: tuple[float, float] | None = None) -> Figure:
    """Draw a race as a matplotlib figure: landscape, trajectories, losses (and data).

    Parameters
    ----------
    info : nbopt.drawing.RaceInfo
        What to draw (``nbopt.drawing.race_info(race)`` or ``widget.info()``).
    figsize : (float, float), optional
        Size in inches; 11 x 5 (11 x 6.2 with a data panel) by default.

    Returns
    -------
    matplotlib.figure.Figure
        A figure on an Agg canvas, not registered with pyplot.

    Examples
    --------
    >>> from nbopt import optimizers
    >>> from nbopt.drawing import race_info
    >>> race = optimizers.Race("rosenbrock", {"Adam": optimizers.Adam(lr=0.05)}, steps=50)
    >>> race.run_to_end()
    >>> fig = race_figure(race_info(race))
    >>> [ax.get_label() for ax in fig.axes]
    ['landscape', 'loss', '<colorbar>']
    """
    if not isinstance(info, RaceInfo):
        raise TypeError(
            f"race_figure: expected a nbopt.drawing.RaceInfo (race_info(race) or "
            f"widget.info()), got {type(info).__name__}"
        )
    with style():
        return _draw(info, figsize)


def _draw(info: RaceInfo, figsize: tuple[float, float] | None) -> Figure:
    fig, artists = _new_figure(info, figsize)
    _update(artists, info)
    return fig


def _new_figure(info: RaceInfo, figsize: tuple[float, float] | None) -> tuple[Figure, _Artists]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(
        figsize=figsize or (_FIGSIZE_DATA if info.data is not None else _FIGSIZE),
        layout="constrained",
    )
    FigureCanvasAgg(fig)
    return fig, _populate(fig, info)


@dataclasses.dataclass
class _TraceArtists:
    path: Any
    point: Any
    exit: Any
    loss: Any
    val_loss: Any
    loss_end: Any
    fit: Any


@dataclasses.dataclass
class _Artists:
    """What changes from one step to the next; everything else is drawn once."""

    title: Any
    legend: Any
    legend_texts: list[Any]
    traces: list[_TraceArtists]
    loss_axes: Any
    loss_top: float

    def moving(self) -> list[Any]:
        """Every artist that :func:`_update` changes."""
        out = [self.title, self.legend]
        for t in self.traces:
            out += [t.path, t.point, t.exit, t.loss, t.val_loss, t.loss_end]
            if t.fit is not None:
                out.append(t.fit)
        return out


def _populate(fig: Figure, info: RaceInfo) -> _Artists:
    """Draw the parts fixed by ``info`` (axes, landscape, limits) and create the rest empty."""
    has_data = info.data is not None
    grid = fig.add_gridspec(2, 2, width_ratios=(1.1, 1.0), wspace=0.06)
    ax_plane = fig.add_subplot(grid[:, 0], label="landscape")
    if has_data:
        ax_loss = fig.add_subplot(grid[0, 1], label="loss")
        ax_data = fig.add_subplot(grid[1, 1], label="data")
    else:
        ax_loss = fig.add_subplot(grid[:, 1], label="loss")

    _draw_plane(fig, ax_plane, info)
    loss_top = _draw_loss_axes(ax_loss, info)
    if has_data:
        _draw_data(ax_data, info)

    traces = []
    for t in info.traces:
        (path,) = ax_plane.plot([], [], color=t.colour, lw=1.6, alpha=0.95, zorder=3)
        (point,) = ax_plane.plot(
            [], [], ls="none", marker="o", ms=7, color=t.colour, mec="white", mew=1.2, zorder=5
        )
        (exit_,) = ax_plane.plot(
            [],
            [],
            ls="none",
            marker="X",
            ms=10,
            color=t.colour,
            mec="black",
            mew=0.8,
            zorder=5,
            clip_on=False,
        )
        (loss,) = ax_loss.plot([], [], color=t.colour, lw=1.4)
        (val_loss,) = ax_loss.plot([], [], color=t.colour, lw=1.4, ls="--", alpha=0.8)
        (loss_end,) = ax_loss.plot(
            [], [], ls="none", marker="X", ms=9, color=t.colour, mec="black", clip_on=False
        )
        fit = None
        if has_data:
            (fit,) = ax_data.plot([], [], color=t.colour, lw=1.8)
        # markers on the panel edges are drawn unclipped but must not move the layout
        exit_.set_in_layout(False)
        loss_end.set_in_layout(False)
        traces.append(_TraceArtists(path, point, exit_, loss, val_loss, loss_end, fit))

    title = literal(fig.suptitle("", fontsize=11))

    handles = [_legend_line(t.colour, dashed=False) for t in info.traces]
    # the legend is sized for the longest status it will show (the final one)
    labels = [_legend_label(t, info) for t in info.traces]
    if info.has_validation:
        handles += [_legend_line("#555555", False), _legend_line("#555555", True)]
        labels += ["training loss", "validation loss"]
    legend = fig.legend(
        handles,
        labels,
        loc="outside lower center",
        ncols=min(3, max(1, len(labels))),
        frameon=False,
    )
    texts = [literal(t) for t in legend.get_texts()]
    return _Artists(title, legend, texts[: len(info.traces)], traces, ax_loss, loss_top)


def _legend_label(trace: Trace, info: RaceInfo) -> str:
    return f"{trace.name}: {status_text(trace, info.total_steps)}"


def _update(artists: _Artists, info: RaceInfo) -> None:
    """Show the moment ``info`` describes on a figure made by :func:`_populate`."""
    title = f"{info.problem}: step {info.step} of {info.total_steps}"
    if info.state not in ("idle", "finished"):
        title += f" ({info.state})"
    if info.error:
        lines = textwrap.wrap(f"error: {info.error}", 110)
        title += "\n" + "\n".join(lines[:2]) + ("…" if len(lines) > 2 else "")
    artists.title.set_text(title)
    offset, log, top = info.loss_offset, info.loss_log, artists.loss_top
    for t, a, text in zip(info.traces, artists.traces, artists.legend_texts):
        text.set_text(_legend_label(t, info))
        if len(t.path):
            a.path.set_data(t.path[:, 0], t.path[:, 1])
        else:
            a.path.set_data([], [])
        if t.status == "diverged" and t.exit is not None:
            a.exit.set_data([t.exit[0]], [t.exit[1]])
            a.point.set_data([], [])
        else:
            a.exit.set_data([], [])
            ok = bool(np.isfinite(t.point).all())
            a.point.set_data([t.point[0]] if ok else [], [t.point[1]] if ok else [])
        for line, values in ((a.loss, t.losses), (a.val_loss, t.val_losses)):
            x, y = _loss_xy(t.loss_steps, values, offset, log)
            line.set_data(x, y)
        a.loss_end.set_data([], [])
        if t.status == "diverged":
            x, y = _loss_xy(t.loss_steps, t.losses, offset, log, keep_all=True)
            finite = np.isfinite(y)
            if finite.any():
                k = int(np.flatnonzero(finite)[-1])
                # a run that shot off the panel is marked on its top edge
                a.loss_end.set_data([x[k]], [min(float(y[k]), top)])
        if a.fit is not None:
            if t.line_y is not None and info.data is not None:
                a.fit.set_data(info.data.line_x, t.line_y)
            else:
                a.fit.set_data([], [])


def _loss_xy(
    steps: np.ndarray, values: np.ndarray | None, offset: float, log: bool, keep_all: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    if values is None:
        return np.zeros(0), np.zeros(0)
    y = np.asarray(values, dtype=float) - offset
    if keep_all:
        return np.asarray(steps), y
    ok = np.isfinite(y) & ((y > 0) if log else True)
    return np.asarray(steps)[ok], y[ok]


def _legend_line(colour: str, dashed: bool) -> Any:
    from matplotlib.lines import Line2D

    return Line2D([], [], color=colour, lw=2.0, ls="--" if dashed else "-")


def _draw_plane(fig: Figure, ax: Axes, info: RaceInfo) -> None:
    from matplotlib.colors import LinearSegmentedColormap, LogNorm, Normalize

    (x0, x1), (y0, y1) = info.view
    land = info.landscape
    if land is not None:
        cmap = LinearSegmentedColormap.from_list("nbopt", list(LANDSCAPE_COLORMAP))
        lo, hi = land.z_range
        z = np.array(land.z, dtype=float)
        if land.log:
            z = z - land.floor
            norm: Normalize = LogNorm(vmin=lo - land.floor, vmax=hi - land.floor, clip=True)
            z[~(z > 0)] = np.nan
            levels = np.asarray(land.levels) - land.floor
        else:
            norm = Normalize(vmin=lo, vmax=hi, clip=True)
            levels = np.asarray(land.levels)
        mesh = ax.pcolormesh(land.x, land.y, z, cmap=cmap, norm=norm, shading="auto")
        mesh.set_rasterized(True)
        if len(levels) and np.isfinite(z).any():
            ax.contour(
                land.x,
                land.y,
                z,
                levels=levels,
                norm=norm,
                colors="#6b7390",
                linewidths=0.6,
                alpha=0.55,
            )
        bar = fig.colorbar(mesh, ax=ax, shrink=0.85, pad=0.01)
        label = "loss" if land.floor == 0.0 else f"loss − ({land.floor:.3g})"
        bar.set_label(f"{label} (log scale)" if land.log else label)
        bar.ax.minorticks_off()
        if land.log:
            plain_log_ticks(bar.ax.yaxis)
    else:
        ax.set_facecolor("#f7f8fb")
        ax.grid(True, color="#dde1ea", lw=0.6)
    if info.projection is not None:
        title = f"trajectories in their 2 main directions (PCA of {info.dim}-D)"
    else:
        title = "loss landscape and trajectories"
    literal(ax.set_title(title))
    literal(ax.set_xlabel(info.axis_labels[0]))
    literal(ax.set_ylabel(info.axis_labels[1]))
    if len(info.minima):
        ax.plot(
            info.minima[:, 0],
            info.minima[:, 1],
            ls="none",
            marker="*",
            ms=14,
            color="#ffd23f",
            mec="black",
            mew=0.8,
            zorder=4,
        )
    ax.plot(
        info.start_point[0],
        info.start_point[1],
        ls="none",
        marker="o",
        ms=9,
        color="white",
        mec="black",
        mew=1.5,
        zorder=6,
    )
    literal(
        ax.annotate(
            "start",
            (float(info.start_point[0]), float(info.start_point[1])),
            xytext=(6, 6),
            textcoords="offset points",
            fontsize=8.5,
            zorder=6,
        )
    )
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)


def _draw_loss_axes(ax: Axes, info: RaceInfo) -> float:
    """Set up the loss panel's scales and limits; returns the top of its y range.

    The range covers every run that did not blow up: a diverging run would otherwise
    squash the others into a flat line at the bottom. It leaves through the top edge.
    """
    offset, log = info.loss_offset, info.loss_log
    starts, values = [], []
    for t in info.traces:
        for series in (t.losses, t.val_losses):
            _, y = _loss_xy(t.loss_steps, series, offset, log)
            if len(y):
                starts.append(float(y[0]))
                values.append(y)
    ax.set_xlim(0, max(1, info.total_steps))
    if values:
        ys = np.concatenate(values)
        start = max(starts)
        if log:
            cap = start * 1e3
            lo, hi = float(ys.min()), float(min(ys.max(), cap))
            lo, hi = (lo / 1.5, hi * 1.5) if hi > lo else (lo / 10, lo * 10)
        else:
            span = float(start - ys.min())
            cap = start + 3.0 * max(span, abs(start) * 0.1, 1e-12)
            lo, hi = float(ys.min()), float(min(ys.max(), cap))
            pad = 0.05 * (hi - lo) if hi > lo else max(1.0, abs(lo)) * 0.1
            lo, hi = lo - pad, hi + pad
    else:
        lo, hi = (1e-3, 1.0) if log else (0.0, 1.0)
    if log:
        ax.set_yscale("log")
        plain_log_ticks(ax.yaxis)
    ax.set_ylim(lo, hi)
    literal(ax.set_xlabel("step"))
    literal(ax.set_ylabel(info.loss_label + (" (log scale)" if log else "")))
    literal(ax.set_title("loss per step"))
    ax.grid(True, which="major", color="#e3e6ee", lw=0.6)
    return hi


def _draw_data(ax: Axes, info: RaceInfo) -> None:
    data = info.data
    assert data is not None
    ax.scatter(data.x_train, data.y_train, s=12, color="#7a7f8c", alpha=0.7, label="training data")
    if data.x_val is not None and data.y_val is not None and len(data.x_val):
        ax.scatter(
            data.x_val,
            data.y_val,
            s=14,
            facecolors="none",
            edgecolors="#7a7f8c",
            label="validation data",
        )
    literal(ax.set_xlabel(data.x_label))
    literal(ax.set_ylabel(data.y_label))
    literal(ax.set_title("data and fitted model"))
    legend = ax.legend(loc="best", frameon=False)
    for text in legend.get_texts():
        literal(text)


# ------------------------------------------------------------------ formats


def _info_of(source: Any) -> RaceInfo:
    """Accept a RaceInfo, a widget (``.info()``) or a Race."""
    if isinstance(source, RaceInfo):
        return source
    info = getattr(source, "info", None)
    if callable(info):
        got = info()
        if isinstance(got, RaceInfo):
            return got
    if hasattr(source, "trajectories") and hasattr(source, "runs"):
        return race_info(source)
    raise TypeError(
        "expected a nbopt.drawing.RaceInfo, an OptimizerRace widget or a "
        f"nbopt.optimizers.Race, got {type(source).__name__}"
    )


def race_png(info: Any, dpi: float = 100, *, figsize: tuple[float, float] | None = None) -> bytes:
    """Render a race as PNG bytes (the widget's static fallback, slides, README images).

    Parameters
    ----------
    info : RaceInfo, OptimizerRace or Race
        What to draw.
    dpi : float
        Pixels per inch; the image is ``figsize * dpi`` pixels (1100 x 500 by default).
    figsize : (float, float), optional
        See :func:`race_figure`.

    Notes
    -----
    The file carries :func:`nbopt.export.file_metadata` as PNG text chunks.

    Examples
    --------
    >>> from nbopt import optimizers
    >>> race = optimizers.Race("booth", {"GD": optimizers.GradientDescent(lr=0.05)}, steps=30)
    >>> race.run_to_end()
    >>> race_png(race, dpi=50)[1:4]
    b'PNG'
    """
    if not (isinstance(dpi, (int, float)) and 0 < dpi <= 1000):
        raise ValueError(f"dpi must be a number in (0, 1000], got {dpi!r}")
    with style():
        fig = _draw(_info_of(info), figsize)
        buf = io.BytesIO()
        meta: dict[str, str | None] = dict(file_metadata(info))
        fig.savefig(buf, format="png", dpi=dpi, metadata=meta)
    return buf.getvalue()


def race_svg(info: Any, *, figsize: tuple[float, float] | None = None) -> str:
    """Render a race as an SVG document; names and labels stay searchable text.

    The document's ``<metadata>`` holds :func:`nbopt.export.file_metadata`.

    Examples
    --------
    >>> from nbopt import optimizers
    >>> race = optimizers.Race("booth", {"GD": optimizers.GradientDescent(lr=0.05)}, steps=30)
    >>> race.run_to_end()
    >>> svg = race_svg(race)
    >>> svg.lstrip().startswith("<?xml") and "GD: " in svg
    True
    """
    with style():
        fig = _draw(_info_of(info), figsize)
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata=svg_metadata(file_metadata(info)))
    return buf.getvalue()


def _truncate(traj: Any, k: int) -> Any:
    """Cut a trajectory back to where it stood after ``k`` steps."""
    if k >= traj.steps:
        return traj
    return dataclasses.replace(
        traj,
        positions=traj.positions[: k + 1],
        losses=traj.losses[: k + 1],
        grad_norms=traj.grad_norms[: k + 1],
        val_losses=None if traj.val_losses is None else traj.val_losses[: k + 1],
        status="running",
        diverged_at=None,
        converged_at=None,
    )


def _race_of(source: Any) -> Any:
    race = getattr(source, "race", source)
    if not (hasattr(race, "trajectories") and hasattr(race, "runs")):
        raise TypeError(
            "race_gif needs the race's full history: an OptimizerRace widget or a "
            f"nbopt.optimizers.Race, got {type(source).__name__}"
        )
    return race


def race_frames(source: Any, frames: int = 40) -> list[RaceInfo]:
    """Drawing info of a race at ``frames`` evenly spaced steps, from step 0 to now.

    Each frame is :func:`nbopt.drawing.race_info` of the recorded trajectories cut at
    that step (nothing is recomputed by the optimizers).

    Examples
    --------
    >>> from nbopt import optimizers
    >>> race = optimizers.Race("booth", {"GD": optimizers.GradientDescent(lr=0.05)}, steps=30)
    >>> race.run_to_end()
    >>> [f.step for f in race_frames(race, frames=4)]
    [0, 10, 20, 30]
    """
    frames = check_frames(frames)
    race = _race_of(source)
    colours = None
    if source is not race:
        # a widget: its colours, and its histories read between two steps of its session
        colours = [str(c) for c in getattr(source, "colours", [])] or None
    copy = getattr(source, "trajectories", None) if source is not race else None
    trajectories: Mapping[str, Any] = copy() if callable(copy) else race.trajectories()
    last = max((t.steps for t in trajectories.values()), default=0)
    steps = np.unique(np.round(np.linspace(0, last, frames)).astype(int))
    landscape = landscape_info(race.problem) if race.problem.dim == 2 else None
    final = race_info(race, trajectories=trajectories, landscape=landscape, colours=colours)
    out = []
    for k in steps.tolist():
        cut = {name: _truncate(t, k) for name, t in trajectories.items()}
        state = "finished" if k == last and race.finished else "running"
        info = race_info(race, trajectories=cut, landscape=landscape, state=state, colours=colours)
        if final.projection is not None:
            info = _in_plane_of(final, info, k)
        out.append(dataclasses.replace(info, step=k))
    return out


def _in_plane_of(final: RaceInfo, frame: RaceInfo, k: int) -> RaceInfo:
    """Draw an early frame in the final frame's PCA plane, so that the axes stay put."""
    proj = final.projection
    assert proj is not None
    traces = []
    for f, t in zip(final.traces, frame.traces):
        keep = f.path_steps <= k
        traces.append(
            dataclasses.replace(
                t,
                path=f.path[keep],
                path_steps=f.path_steps[keep],
                point=proj.project(t.position),
                exit=f.exit if t.status == "diverged" else None,
            )
        )
    return dataclasses.replace(
        frame,
        traces=tuple(traces),
        view=final.view,
        axis_labels=final.axis_labels,
        projection=proj,
        minima=final.minima,
        start_point=final.start_point,
    )


def _race_images(
    source: Any, frames: int, dpi: float, figsize: tuple[float, float] | None
) -> list[np.ndarray]:
    """Draw the race's animation: RGB arrays of ``figsize * dpi`` pixels, one per frame."""
    if not (isinstance(dpi, (int, float)) and 0 < dpi <= 1000):
        raise ValueError(f"dpi must be a number in (0, 1000], got {dpi!r}")
    infos = race_frames(source, frames)
    images = []
    with style():
        # axes, limits and legend come from the last frame, so nothing jumps; the layout is
        # computed once, the static part (landscape, isolines, axes) is drawn once, and each
        # frame redraws only the artists that move on top of it (blitting)
        fig, artists = _new_figure(infos[-1], figsize)
        fig.set_dpi(dpi)
        _update(artists, infos[-1])
        # the Agg canvas (matplotlib's backend_agg has no type annotations)
        canvas: Any = fig.canvas
        fig.draw_without_rendering()
        fig.set_layout_engine("none")
        moving = artists.moving()
        for artist in moving:
            artist.set_animated(True)
        canvas.draw()
        background = canvas.copy_from_bbox(fig.bbox)
        for info in infos:
            _update(artists, info)
            canvas.restore_region(background)
            for artist in moving:
                fig.draw_artist(artist)
            images.append(np.asarray(canvas.buffer_rgba())[..., :3].copy())
    return images


def race_gif(
    source: Any,
    path: str | Path,
    *,
    frames: int = 40,
    fps: float = 10,
    dpi: float = 72,
    hold: float = 2.0,
    figsize: tuple[float, float] | None = None,
) -> Path:
    """Write the race as an animated GIF: the trajectories growing from the start.

    Parameters
    ----------
    source : OptimizerRace or Race
        A widget or race that has run (its recorded history is replayed).
    path : str or Path
        Where to write the ``.gif``.
    frames : int
        Number of distinct frames (at least 2), evenly spaced in steps from step 0 to
        the last one (fewer when the race has fewer steps).
    fps : float
        Frames per second, in (0, 50].
    dpi : float
        Pixels per inch: each frame is ``figsize * dpi`` pixels (792 x 360 at the
        default 72 and 11 x 5 inches).
    hold : float
        Seconds the last frame stays before the GIF loops.
    figsize : (float, float), optional
        Size in inches (see :func:`race_figure`).

    Returns
    -------
    Path
        ``path``. Its comment holds :func:`nbopt.export.file_metadata` (JSON).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from nbopt import optimizers
    >>> race = optimizers.Race("booth", {"GD": optimizers.GradientDescent(lr=0.05)}, steps=20)
    >>> race.run_to_end()
    >>> out = race_gif(race, pathlib.Path(tempfile.mkdtemp()) / "race.gif", frames=3)
    >>> out.read_bytes()[:6]
    b'GIF89a'
    """
    rate, held = check_fps(fps, ".gif"), check_hold(hold)
    images = _race_images(source, frames, dpi, figsize)
    return write_gif(images, Path(path), fps=rate, hold=held, meta=file_metadata(source))


def race_mp4(
    source: Any,
    path: str | Path,
    *,
    frames: int = 40,
    fps: float = 10,
    dpi: float = 100,
    hold: float = 2.0,
    figsize: tuple[float, float] | None = None,
) -> Path:
    """Write the race as an MP4 video (H.264): the frames of :func:`race_gif`.

    Needs the ``imageio-ffmpeg`` package (``pip install 'nbopt[export]'``), which ships an
    ffmpeg binary.

    Parameters
    ----------
    source : OptimizerRace or Race
        A widget or race that has run.
    path : str or Path
        Where to write the ``.mp4``.
    frames : int
        Number of distinct frames (at least 2), evenly spaced in steps.
    fps : float
        Frames per second, in (0, 120].
    dpi : float
        Pixels per inch: each frame is ``figsize * dpi`` pixels (1100 x 500 at the
        default 100 and 11 x 5 inches), padded with white to even sizes.
    hold : float
        Seconds the last frame stays (it is repeated).
    figsize : (float, float), optional
        Size in inches (see :func:`race_figure`).

    Returns
    -------
    Path
        ``path``. Its ``title`` and ``comment`` tags hold :func:`nbopt.export.file_metadata`.

    Raises
    ------
    ImportError
        ``imageio-ffmpeg`` is not installed.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from nbopt import optimizers
    >>> race = optimizers.Race("booth", {"GD": optimizers.GradientDescent(lr=0.05)}, steps=20)
    >>> race.run_to_end()
    >>> out = race_mp4(race, pathlib.Path(tempfile.mkdtemp()) / "race.mp4", frames=3, dpi=30)
    >>> out.read_bytes()[4:8]
    b'ftyp'
    """
    rate, held = check_fps(fps, ".mp4"), check_hold(hold)
    ffmpeg_exe()  # fail before drawing
    images = _race_images(source, frames, dpi, figsize)
    return write_mp4(images, Path(path), fps=rate, hold=held, meta=file_metadata(source))


def save_race(source: Any, path: str | Path, *, dpi: float | None = None, **kwargs: Any) -> Path:
    """Save a race as ``.png``, ``.svg``, ``.gif`` or ``.mp4``, chosen by the file extension.

    Parameters
    ----------
    source : OptimizerRace, Race or RaceInfo
        The widget, its race, or drawing info (PNG and SVG only).
    path : str or Path
        Target file; the extension picks the format.
    dpi : float, optional
        Pixels per inch for PNG (100), GIF (72) and MP4 (100).
    **kwargs
        ``figsize`` (inches; pixels are ``figsize * dpi``), and for an animation
        ``frames``, ``fps`` and ``hold`` (see :func:`race_gif`, :func:`race_mp4`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from nbopt import optimizers
    >>> race = optimizers.Race("booth", {"GD": optimizers.GradientDescent(lr=0.05)}, steps=20)
    >>> race.run_to_end()
    >>> save_race(race, pathlib.Path(tempfile.mkdtemp()) / "race.svg").suffix
    '.svg'
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".png":
        path.write_bytes(race_png(source, dpi=100 if dpi is None else dpi, **kwargs))
    elif suffix == ".svg":
        if dpi is not None:
            raise ValueError("save: dpi applies to .png, .gif and .mp4, not to .svg")
        path.write_text(race_svg(source, **kwargs), encoding="utf-8")
    elif suffix == ".gif":
        race_gif(source, path, dpi=72 if dpi is None else dpi, **kwargs)
    elif suffix == ".mp4":
        race_mp4(source, path, dpi=100 if dpi is None else dpi, **kwargs)
    else:
        raise unknown_suffix(path)
    return path
