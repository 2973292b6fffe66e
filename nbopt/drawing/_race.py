"""The race's drawing info: a race of optimizers as numpy arrays, from engine state.

The widget (``nbopt.widgets``), the matplotlib export (``nbopt.export``) and the tests all
consume the one :class:`RaceInfo` built by :func:`race_info`; nothing here imports Jupyter
or matplotlib.

Coordinates
-----------
Everything drawn on the landscape lives in the *drawing plane*: the problem's own two
parameters for 2-D problems, and for problems with more parameters the plane of the two
main directions (PCA) of all visited points (:class:`Projection`), labelled as such.

Decimation
----------
Histories are decimated for display (:func:`decimate_indices` keeps the first and last
point and a uniform subset, :func:`lttb_indices` keeps the shape of loss curves); the full
history stays in the engine (``race.trajectories()``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from nbopt.drawing._common import decimate_indices, lttb_indices, pick_colours

__all__ = [
    "DEFAULT_MAX_POINTS",
    "LANDSCAPE_COLORMAP",
    "MAX_POINTS_PER_UPDATE",
    "PROJECTION_INTERVAL",
    "DataPanel",
    "Landscape",
    "Projection",
    "RaceFeed",
    "RaceInfo",
    "RaceUpdate",
    "Trace",
    "TraceUpdate",
    "display_status",
    "exit_point",
    "landscape_info",
    "loss_axis",
    "pca_projection",
    "race_info",
    "trace_exit",
]

#: Colour stops of the landscape heatmap from low to high loss: a light, low-saturation
#: ramp so that the trajectory colours and the isolines stay readable on top of it.
LANDSCAPE_COLORMAP: tuple[str, ...] = (
    "#fbfbfc",
    "#eef0f5",
    "#dfe3ed",
    "#cdd3e3",
    "#b9c1d8",
    "#a4aecb",
)

DEFAULT_MAX_POINTS = 2000
#: Most new points per optimizer in one :class:`RaceUpdate` (the frontend decimates further).
MAX_POINTS_PER_UPDATE = 256
#: A projection (dim > 2) is refitted at most this often while a race streams (seconds).
PROJECTION_INTERVAL = 0.25
DEFAULT_RESOLUTION = 150
N_LEVELS = 14


@dataclass(frozen=True)
class Landscape:
    """The loss surface of a 2-D problem on a regular grid.

    Attributes
    ----------
    x : ndarray, shape (nx,)
        Grid coordinates along the first parameter (increasing).
    y : ndarray, shape (ny,)
        Grid coordinates along the second parameter (increasing).
    z : ndarray, shape (ny, nx)
        Loss at ``(x[i], y[j])`` in ``z[j, i]`` (row = y); NaN where undefined.
    log : bool
        Colour by ``log10(z - floor)`` instead of ``z``.
    floor : float
        Subtracted before taking the log (0.0 unless the loss is <= 0 somewhere).
    z_range : tuple of float
        Colour range ``(lo, hi)`` in loss units; values outside are clipped.
    levels : ndarray, shape (n_levels,)
        Isoline levels in loss units, increasing (geometric when ``log``).
    """

    x: np.ndarray
    y: np.ndarray
    z: np.ndarray
    log: bool
    floor: float
    z_range: tuple[float, float]
    levels: np.ndarray


@dataclass(frozen=True)
class Projection:
    """PCA plane used to draw trajectories of problems with more than two parameters.

    A point ``p`` (shape (d,)) is drawn at ``components @ (p - mean)``.

    Attributes
    ----------
    mean : ndarray, shape (d,)
        Centre of all visited points.
    components : ndarray, shape (2, d)
        Orthonormal main directions (rows), largest variance first.
    explained : ndarray, shape (2,)
        Fraction of the variance of the visited points along each direction.
    """

    mean: np.ndarray
    components: np.ndarray
    explained: np.ndarray

    def project(self, points: np.ndarray) -> np.ndarray:
        """Project points of shape (..., d) onto the plane: (..., 2)."""
        return np.asarray((np.asarray(points, dtype=float) - self.mean) @ self.components.T)


@dataclass(frozen=True)
class DataPanel:
    """Training data of a one-feature model problem and where its fitted lines are sampled.

    Attributes
    ----------
    x_train, y_train : ndarray, shape (n,)
        Training points.
    x_val, y_val : ndarray, shape (n_val,) or None
        Validation points, when the problem has them.
    line_x : ndarray, shape (L,)
        Abscissae where every trace's fitted line (``Trace.line_y``) is sampled.
    x_label, y_label : str
        Axis labels (``"x"``, ``"y"``; ``"P(y = 1)"`` for classification).
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray | None
    y_val: np.ndarray | None
    line_x: np.ndarray
    x_label: str = "x"
    y_label: str = "y"


@dataclass(frozen=True)
class Trace:
    """One optimizer of the race, ready to draw.

    Attributes
    ----------
    name : str
        Label given by the user (data: never interpreted as markup).
    colour : str
        ``#rrggbb``.
    optimizer : str
        ``repr`` of the optimizer (hyperparameters).
    lr : float
        Current learning rate (NaN when the optimizer has none).
    status : str
        ``"running"``, ``"converged"``, ``"diverged"``, ``"max_steps"`` or ``"stopped"``.
    step : int
        Steps taken.
    diverged_at, converged_at : int or None
        Step at which the run diverged / converged.
    loss : float
        Current training loss (NaN or inf after a divergence).
    val_loss : float or None
        Current validation loss, for problems with validation data.
    position : ndarray, shape (d,)
        Current parameters (last finite point).
    point : ndarray, shape (2,)
        ``position`` in the drawing plane.
    path_steps : ndarray of int, shape (k,)
        Step of each kept path point (increasing; first and last kept).
    path : ndarray, shape (k, 2)
        Decimated trajectory in the drawing plane (finite points only).
    loss_steps : ndarray of int, shape (m,)
        Step of each kept loss value.
    losses : ndarray, shape (m,)
        Decimated training loss (may hold inf/NaN after a divergence).
    val_losses : ndarray, shape (m,) or None
        Validation loss at ``loss_steps``.
    line_y : ndarray, shape (L,) or None
        Fitted line at ``DataPanel.line_x`` for the current parameters.
    exit : ndarray, shape (2,) or None
        For a diverged run, where its path leaves the view (on the view border), or the
        last finite point when it never left the view.
    """

    name: str
    colour: str
    optimizer: str
    lr: float
    status: str
    step: int
    diverged_at: int | None
    converged_at: int | None
    loss: float
    val_loss: float | None
    position: np.ndarray
    point: np.ndarray
    path_steps: np.ndarray
    path: np.ndarray
    loss_steps: np.ndarray
    losses: np.ndarray
    val_losses: np.ndarray | None
    line_y: np.ndarray | None
    exit: np.ndarray | None


@dataclass(frozen=True)
class RaceInfo:
    """Everything needed to draw a race of optimizers at one moment.

    Attributes
    ----------
    problem : str
        Problem name.
    dim : int
        Number of parameters.
    param_names : tuple of str
        Names of the parameters.
    axis_labels : tuple of str
        Labels of the drawing plane's axes (parameter names, or ``"PC1 (83%)"`` ...).
    step, total_steps : int
        Lockstep count of the race and its planned length.
    state : str
        Session state: ``"idle"``, ``"running"``, ``"paused"``, ``"finished"``,
        ``"stopped"`` or ``"error"``.
    error : str or None
        Message of the error that stopped the run, if any.
    view : tuple of (float, float)
        Drawing range ``((x0, x1), (y0, y1))`` of the plane.
    landscape : Landscape or None
        The loss surface (2-D problems only).
    minima : ndarray, shape (k, 2)
        Known minimizers in the drawing plane.
    start : ndarray, shape (d,)
        Common start point.
    start_point : ndarray, shape (2,)
        ``start`` in the drawing plane.
    projection : Projection or None
        Set when the plane is a PCA projection (``dim > 2``).
    data : DataPanel or None
        Data and fitted-line abscissae of one-feature regression problems.
    loss_log : bool
        Draw the loss axis in log scale (of ``loss - loss_offset``).
    loss_offset : float
        Subtracted from losses before drawing (the known minimum when the loss can be <= 0).
    loss_label : str
        Label of the loss axis.
    has_validation : bool
        Traces carry validation losses.
    traces : tuple of Trace
        One per optimizer, in race order.
    """

    problem: str
    dim: int
    param_names: tuple[str, ...]
    axis_labels: tuple[str, str]
    step: int
    total_steps: int
    state: str
    error: str | None
    view: tuple[tuple[float, float], tuple[float, float]]
    landscape: Landscape | None
    minima: np.ndarray
    start: np.ndarray
    start_point: np.ndarray
    projection: Projection | None
    data: DataPanel | None
    loss_log: bool
    loss_offset: float
    loss_label: str
    has_validation: bool
    traces: tuple[Trace, ...]


def _nice_levels(lo: float, hi: float, log: bool, floor: float, n: int = N_LEVELS) -> np.ndarray:
    if not (np.isfinite(lo) and np.isfinite(hi)) or hi <= lo:
        return np.zeros(0)
    if log:
        a, b = np.log10(lo - floor), np.log10(hi - floor)
        return np.asarray(floor + 10.0 ** np.linspace(a, b, n + 2)[1:-1])
    return np.linspace(lo, hi, n + 2)[1:-1]


def landscape_info(
    problem: Any,
    resolution: int = DEFAULT_RESOLUTION,
    view: Sequence[Sequence[float]] | None = None,
) -> Landscape:
    """Loss surface of a 2-D problem with its colour range and isolines.

    Parameters
    ----------
    problem : nbopt.problems.Problem
        A problem with ``dim == 2``.
    resolution : int
        Grid points along each axis.
    view : ((x0, x1), (y0, y1)), optional
        Range to sample; the problem's ``view`` by default.

    Examples
    --------
    >>> from nbopt import problems
    >>> land = landscape_info(problems.get("rosenbrock"), resolution=50)
    >>> land.z.shape, land.log
    ((50, 50), True)
    """
    from nbopt.problems import surface

    if problem.dim != 2:
        raise ValueError(f"a landscape needs a 2-D problem, got dim={problem.dim}")
    try:
        surf = surface(problem, resolution=resolution, view=view, log=False)
        x = np.asarray(surf.x, dtype=float)
        y = np.asarray(surf.y, dtype=float)
        z = np.asarray(surf.z, dtype=float)
    except Exception:
        # a user objective that fails on part of the view: draw the part where it works
        x, y, z = _pointwise_surface(problem, resolution, view)
    finite = z[np.isfinite(z)]
    try:
        log = bool(problem.log_scale)
    except Exception:
        # the problem's own guess evaluates the objective, which may fail: judge the grid
        lo_z = float(finite.min()) if finite.size else 0.0
        log = bool(finite.size and lo_z >= 0 and finite.max() > 1e3 * max(lo_z, 1e-12))
    if finite.size == 0:
        return Landscape(x, y, z, False, 0.0, (0.0, 1.0), np.zeros(0))
    zmin, zmax = float(finite.min()), float(finite.max())
    floor = 0.0
    if log:
        if zmin <= 0.0:
            floor = zmin - max(1e-9, 1e-6 * (zmax - zmin))
        # very flat valleys: keep six decades at most so the colour range stays usable
        lo = max(zmin, floor + (zmax - floor) * 1e-6)
        hi = zmax
    else:
        lo, hi = zmin, float(np.quantile(finite, 0.99)) if finite.size > 100 else zmax
    if hi <= lo:
        hi = lo + 1.0
    return Landscape(x, y, z, log, floor, (lo, hi), _nice_levels(lo, hi, log, floor))


def _pointwise_surface(
    problem: Any, resolution: int, view: Sequence[Sequence[float]] | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    (x0, x1), (y0, y1) = view if view is not None else problem.view
    x = np.linspace(float(x0), float(x1), resolution)
    y = np.linspace(float(y0), float(y1), resolution)
    z = np.full((resolution, resolution), np.nan)
    for j, yj in enumerate(y):
        for i, xi in enumerate(x):
            try:
                z[j, i] = float(problem.value(np.array([xi, yj])))
            except Exception:
                z[j, i] = np.nan  # undefined here: left blank in the heatmap
    return x, y, z


def loss_axis(problem: Any) -> tuple[bool, float, str]:
    """How to draw a problem's loss axis: ``(log, offset, label)``.

    Log scale when the loss is known to be non-negative (or its minimum is known, then
    drawn as ``loss - min``); linear otherwise.

    Examples
    --------
    >>> from nbopt import problems
    >>> loss_axis(problems.get("rosenbrock"))
    (True, 0.0, 'loss')
    """
    min_value = getattr(problem, "min_value", None)
    if min_value is None:
        if getattr(problem, "n_train", None) is not None:
            return True, 0.0, "loss"
        return False, 0.0, "loss"
    if min_value >= 0.0:
        return True, 0.0, "loss"
    return True, float(min_value), f"loss − ({min_value:.4g})"


def exit_point(
    path: np.ndarray, view: tuple[tuple[float, float], tuple[float, float]]
) -> np.ndarray | None:
    """Where a path first leaves the view rectangle (a point on its border), else None.

    Examples
    --------
    >>> exit_point(np.array([[0.0, 0.0], [2.0, 0.0]]), ((-1.0, 1.0), (-1.0, 1.0))).tolist()
    [1.0, 0.0]
    """
    (x0, x1), (y0, y1) = view
    p = np.asarray(path, dtype=float)
    if len(p) == 0:
        return None
    inside = (
        np.isfinite(p).all(axis=1)
        & (p[:, 0] >= x0)
        & (p[:, 0] <= x1)
        & (p[:, 1] >= y0)
        & (p[:, 1] <= y1)
    )
    if inside.all():
        return None
    k = int(np.argmin(inside))
    if k == 0:
        q = p[0]
        return (
            np.array([np.clip(q[0], x0, x1), np.clip(q[1], y0, y1)])
            if np.isfinite(q).all()
            else None
        )
    a, b = p[k - 1], p[k]
    if not np.isfinite(b).all():
        # jumped to infinity: leave the view in the direction of the jump when known
        span = max(x1 - x0, y1 - y0)
        d = np.where(np.isfinite(b), b - a, np.where(np.isnan(b), 0.0, np.sign(b) * 1e3 * span))
        if not np.any(d):
            return np.array(a, dtype=float)
        b = a + d
    # smallest t in (0, 1] where the segment crosses a border
    t = 1.0
    d = b - a
    for lo, hi, ax in ((x0, x1, 0), (y0, y1, 1)):
        if d[ax] > 0 and b[ax] > hi:
            t = min(t, (hi - a[ax]) / d[ax])
        elif d[ax] < 0 and b[ax] < lo:
            t = min(t, (lo - a[ax]) / d[ax])
    q = a + t * d
    return np.array([np.clip(q[0], x0, x1), np.clip(q[1], y0, y1)])


def pca_projection(points: np.ndarray) -> Projection:
    """Fit the plane of the two main directions (PCA) of ``points`` (shape (n, d), d >= 2)."""
    mean = points.mean(axis=0)
    centred = points - mean
    d = points.shape[1]
    if len(points) < 2 or not np.any(centred):
        comps = np.zeros((2, d))
        comps[0, 0] = 1.0
        comps[1, 1] = 1.0
        return Projection(mean, comps, np.array([0.0, 0.0]))
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    var = s**2
    total = float(var.sum())
    comps = np.zeros((2, d))
    k = min(2, vt.shape[0])
    comps[:k] = vt[:k]
    if k < 2:
        # one visited direction only: complete the basis with any orthogonal unit vector
        e = np.eye(d)[int(np.argmin(np.abs(comps[0])))]
        e = e - (e @ comps[0]) * comps[0]
        comps[1] = e / np.linalg.norm(e)
    # deterministic signs: the largest coefficient of each direction is positive
    for i in range(2):
        j = int(np.argmax(np.abs(comps[i])))
        if comps[i, j] < 0:
            comps[i] = -comps[i]
    explained = np.zeros(2)
    explained[:k] = var[:k] / total if total > 0 else 0.0
    return Projection(mean, comps, explained)


def _finite_rows(a: np.ndarray) -> np.ndarray:
    return np.asarray(np.isfinite(a).all(axis=1))


def _padded(lo: float, hi: float, frac: float = 0.08) -> tuple[float, float]:
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return (-1.0, 1.0)
    span = hi - lo
    if span <= 0:
        span = max(1.0, abs(lo))
    return (lo - frac * span, hi + frac * span)


def _line_info(problem: Any) -> DataPanel | None:
    x_train = getattr(problem, "x_train", None)
    y_train = getattr(problem, "y_train", None)
    if x_train is None or y_train is None or not hasattr(problem, "predict"):
        return None
    xt = np.asarray(x_train, dtype=float)
    if xt.ndim == 2 and xt.shape[1] == 1:
        xt = xt[:, 0]
    if xt.ndim != 1:
        return None
    x_val = getattr(problem, "x_val", None)
    y_val = getattr(problem, "y_val", None)
    xv = None if x_val is None else np.asarray(x_val, dtype=float).reshape(-1)
    yv = None if y_val is None else np.asarray(y_val, dtype=float).reshape(-1)
    lo = float(np.min(xt)) if xv is None or xv.size == 0 else float(min(xt.min(), xv.min()))
    hi = float(np.max(xt)) if xv is None or xv.size == 0 else float(max(xt.max(), xv.max()))
    lo, hi = _padded(lo, hi, 0.05)
    yt = np.asarray(y_train, dtype=float).reshape(-1)
    classify = "logistic" in str(getattr(problem, "name", "")).lower()
    y_label = "P(y = 1)" if classify else "y"
    return DataPanel(xt, yt, xv, yv, np.linspace(lo, hi, 48), "x", y_label)


def _predict_line(problem: Any, data: DataPanel, theta: np.ndarray) -> np.ndarray | None:
    if not np.isfinite(theta).all():
        return None
    with np.errstate(all="ignore"):
        xs = data.line_x if np.asarray(problem.x_train).ndim == 1 else data.line_x[:, None]
        y = np.asarray(problem.predict(theta, xs), dtype=float).reshape(-1)
    return y if y.shape == data.line_x.shape else None


def race_info(
    race: Any,
    *,
    colours: Sequence[str] | None = None,
    state: str = "idle",
    error: str | None = None,
    max_points: int = DEFAULT_MAX_POINTS,
    landscape: Landscape | None = None,
    resolution: int = DEFAULT_RESOLUTION,
    trajectories: Mapping[str, Any] | None = None,
) -> RaceInfo:
    """Drawing info of a :class:`nbopt.optimizers.Race` at its current step.

    Parameters
    ----------
    race : nbopt.optimizers.Race
        The race (read only).
    colours : sequence of str, optional
        One ``#rrggbb`` per optimizer; :func:`pick_colours` by default.
    state : str
        Session state to record (``"idle"``, ``"running"``, ``"paused"``, ...).
    error : str, optional
        Error message to record.
    max_points : int
        Decimate every drawn series to at most this many points.
    landscape : Landscape, optional
        A landscape computed earlier by :func:`landscape_info` (it only depends on the
        problem); computed here when None and the problem is 2-D.
    resolution : int
        Grid resolution of a landscape computed here.
    trajectories : mapping, optional
        ``race.trajectories()`` when the caller already has it.

    Examples
    --------
    >>> from nbopt import optimizers
    >>> race = optimizers.Race("rosenbrock", {"Adam": optimizers.Adam(lr=0.05)}, steps=20)
    >>> race.run_to_end()
    >>> info = race_info(race)
    >>> info.traces[0].name, info.traces[0].step, info.landscape is not None
    ('Adam', 20, True)
    """
    problem = race.problem
    names = list(race.names)
    trajs = dict(trajectories) if trajectories is not None else race.trajectories()
    if colours is None:
        colours = pick_colours(len(names))
    if len(colours) != len(names):
        raise ValueError(f"need one colour per optimizer ({len(names)}), got {len(colours)}")
    dim = int(problem.dim)
    start = np.asarray(race.start, dtype=float).reshape(dim)
    param_names = tuple(str(p) for p in problem.param_names)

    projection: Projection | None = None
    if dim == 2:
        if landscape is None:
            landscape = landscape_info(problem, resolution=resolution)
        view = (
            (float(landscape.x[0]), float(landscape.x[-1])),
            (float(landscape.y[0]), float(landscape.y[-1])),
        )
        axis_labels = (param_names[0], param_names[1])
    else:
        landscape = None
        visited = [start[None, :]]
        for t in trajs.values():
            pos = np.asarray(t.positions, dtype=float)
            visited.append(pos[_finite_rows(pos)])
        pts = np.concatenate(visited)
        projection = pca_projection(pts)
        axis_labels = (
            f"PC1 ({100 * projection.explained[0]:.0f}% of variance)",
            f"PC2 ({100 * projection.explained[1]:.0f}% of variance)",
        )
        view = ((-1.0, 1.0), (-1.0, 1.0))  # replaced below once the paths are projected

    def plane(p: np.ndarray) -> np.ndarray:
        p = np.asarray(p, dtype=float)
        return projection.project(p) if projection is not None else p[..., :2].copy()

    minima = np.asarray(getattr(problem, "minima", np.zeros((0, dim))), dtype=float).reshape(
        -1, dim
    )
    minima_plane = plane(minima) if len(minima) else np.zeros((0, 2))
    data = _line_info(problem)
    loss_log, loss_offset, loss_label = loss_axis(problem)
    has_validation = bool(getattr(problem, "has_validation", False))

    projected: list[tuple[np.ndarray, np.ndarray]] = []
    for name in names:
        pos = np.asarray(trajs[name].positions, dtype=float)
        ok = _finite_rows(pos)
        steps = np.flatnonzero(ok)
        projected.append((steps, plane(pos[ok])))
    if projection is not None:
        allp = np.concatenate([p for _, p in projected] + [plane(start)[None, :]])
        view = (
            _padded(float(allp[:, 0].min()), float(allp[:, 0].max())),
            _padded(float(allp[:, 1].min()), float(allp[:, 1].max())),
        )

    traces = []
    for i, name in enumerate(names):
        t = trajs[name]
        run = race.runs[name]
        opt = run.optimizer
        steps_ok, path_full = projected[i]
        keep = decimate_indices(len(path_full), max_points) if len(path_full) else np.arange(0)
        losses_full = np.asarray(t.losses, dtype=float)
        n_loss = len(losses_full)
        if n_loss > max_points:
            with np.errstate(all="ignore"):
                shaped = np.log10(np.abs(losses_full - loss_offset) + 1e-300)
            lk = lttb_indices(np.arange(n_loss, dtype=float), shaped, max_points)
        else:
            lk = np.arange(n_loss)
        val_full = None if t.val_losses is None else np.asarray(t.val_losses, dtype=float)
        pos_full = np.asarray(t.positions, dtype=float)
        ok = _finite_rows(pos_full)
        last = pos_full[ok][-1] if ok.any() else start
        lr = float(getattr(opt, "lr", np.nan)) if hasattr(opt, "lr") else float("nan")
        status = display_status(str(t.status), state)
        ex = trace_exit(plane(pos_full), view, status)
        traces.append(
            Trace(
                name=str(name),
                colour=str(colours[i]),
                optimizer=str(t.optimizer),
                lr=lr,
                status=status,
                step=int(t.steps),
                diverged_at=None if t.diverged_at is None else int(t.diverged_at),
                converged_at=None if t.converged_at is None else int(t.converged_at),
                loss=float(losses_full[-1]) if n_loss else float("nan"),
                val_loss=None if val_full is None or not len(val_full) else float(val_full[-1]),
                position=last.copy(),
                point=plane(last),
                path_steps=steps_ok[keep].astype(np.int64),
                path=path_full[keep],
                loss_steps=lk.astype(np.int64),
                losses=losses_full[lk],
                val_losses=None if val_full is None else val_full[lk],
                line_y=None if data is None else _predict_line(problem, data, last),
                exit=ex,
            )
        )

    return RaceInfo(
        problem=str(problem.name),
        dim=dim,
        param_names=param_names,
        axis_labels=axis_labels,
        step=int(race.step_count),
        total_steps=int(race.total_steps),
        state=state,
        error=error,
        view=view,
        landscape=landscape,
        minima=minima_plane,
        start=start,
        start_point=plane(start),
        projection=projection,
        data=data,
        loss_log=loss_log,
        loss_offset=loss_offset,
        loss_label=loss_label,
        has_validation=has_validation,
        traces=tuple(traces),
    )


# ------------------------------------------------------------------ status and exit rules


def display_status(status: str, state: str) -> str:
    """How a trace's status reads while the race is in ``state``.

    A run still going when the race ended in an error (the objective raised) did not
    finish, converge or diverge: it reads ``"error"``, like the race.

    Examples
    --------
    >>> display_status("running", "error"), display_status("diverged", "error")
    ('error', 'diverged')
    """
    return "error" if state == "error" and status == "running" else status


def trace_exit(
    positions: np.ndarray,
    view: tuple[tuple[float, float], tuple[float, float]],
    status: str,
) -> np.ndarray | None:
    """Where a diverged run is marked: where its path leaves the view, else its last point.

    ``positions`` is the whole history in the drawing plane, non-finite rows included (a
    jump to infinity leaves the view in the jump's direction). None unless ``status`` is
    ``"diverged"``.

    Examples
    --------
    >>> p = np.array([[0.0, 0.0], [0.5, 0.0], [np.inf, 0.0]])
    >>> trace_exit(p, ((-1.0, 1.0), (-1.0, 1.0)), "diverged").tolist()
    [1.0, 0.0]
    """
    if status != "diverged":
        return None
    p = np.asarray(positions, dtype=float).reshape(-1, 2)
    ex = exit_point(p, view)
    if ex is None:
        finite = p[_finite_rows(p)]
        ex = finite[-1].copy() if len(finite) else None
    return ex


# ------------------------------------------------------------------ streaming


@dataclass(frozen=True)
class TraceUpdate:
    """What one optimizer added since the previous :class:`RaceUpdate`.

    Attributes
    ----------
    status, step, lr, loss, val_loss, diverged_at, converged_at, point, exit
        As in :class:`Trace`, now (``point`` None when the position is not finite).
    steps : ndarray of int, shape (k,)
        Steps of the new points, increasing: all of them while the history fits the
        snapshot's ``max_points``, else at most :data:`MAX_POINTS_PER_UPDATE`, evenly
        spaced, the newest always included.
    positions : ndarray, shape (k, 2)
        The new points in the drawing plane (non-finite after a divergence).
    losses : ndarray, shape (k,)
        Training loss at ``steps``.
    val_losses : ndarray, shape (k,) or None
        Validation loss at ``steps``.
    path_steps, path : ndarray or None
        The whole path again, decimated, when the projection plane moved (dim > 2).
    line_y : ndarray or None
        The fitted line at the current parameters (one-feature model problems).
    """

    status: str
    step: int
    lr: float
    loss: float
    val_loss: float | None
    diverged_at: int | None
    converged_at: int | None
    point: np.ndarray | None
    exit: np.ndarray | None
    steps: np.ndarray
    positions: np.ndarray
    losses: np.ndarray
    val_losses: np.ndarray | None
    path_steps: np.ndarray | None
    path: np.ndarray | None
    line_y: np.ndarray | None = None


@dataclass(frozen=True)
class RaceUpdate:
    """What a race added since the previous update: the streaming side of :class:`RaceInfo`.

    Attributes
    ----------
    step : int
        Lockstep count of the race.
    state, error
        As in :class:`RaceInfo`.
    traces : tuple of TraceUpdate
        One per optimizer, in race order.
    projection : Projection or None
        A refitted projection plane (dim > 2); then ``view``, ``axis_labels``, ``minima``
        and ``start_point`` replace the old ones and every trace carries its whole path.
    view, axis_labels, minima, start_point
        Set with ``projection``, None otherwise.
    """

    step: int
    state: str
    error: str | None
    traces: tuple[TraceUpdate, ...]
    projection: Projection | None = None
    view: tuple[tuple[float, float], tuple[float, float]] | None = None
    axis_labels: tuple[str, str] | None = None
    minima: np.ndarray | None = None
    start_point: np.ndarray | None = None


def _projection_labels(projection: Projection) -> tuple[str, str]:
    return (
        f"PC1 ({100 * projection.explained[0]:.0f}% of variance)",
        f"PC2 ({100 * projection.explained[1]:.0f}% of variance)",
    )


class RaceFeed:
    """A cursor over a race that turns what it added since the last call into a RaceUpdate.

    The feed reads the runs' history buffers directly (call it between two steps, e.g. from
    a :class:`nbopt.live.Session` observer); the points, projection plane, status and exit
    rules are those of :func:`race_info`, so a snapshot followed by every update draws what
    a fresh snapshot draws.

    Parameters
    ----------
    race : nbopt.optimizers.Race
        The race to follow.
    landscape : Landscape or None
        The race's landscape (2-D problems): its range is the view of the exit rule.
    max_points : int
        Most points of a whole path sent again after the projection plane moved.
    max_new_points : int
        Most new points per optimizer in one update.
    projection_interval : float
        Seconds between two projection refits (dim > 2) while running.

    Examples
    --------
    >>> from nbopt import optimizers
    >>> race = optimizers.Race("booth", {"GD": optimizers.GradientDescent(lr=0.05)}, steps=9)
    >>> feed = RaceFeed(race, landscape=None)
    >>> race.run_to_end()
    >>> update = feed.update(state="finished", error=None, final=True)
    >>> update.traces[0].steps.tolist()
    [1, 2, 3, 4, 5, 6, 7, 8, 9]
    """

    def __init__(
        self,
        race: Any,
        *,
        landscape: Landscape | None,
        max_points: int = DEFAULT_MAX_POINTS,
        max_new_points: int = MAX_POINTS_PER_UPDATE,
        projection_interval: float = PROJECTION_INTERVAL,
    ) -> None:
        self._race = race
        self._runs = [race.runs[name] for name in race.names]
        self._dim = int(race.problem.dim)
        self._max_points = int(max_points)
        self._max_new = int(max_new_points)
        self._interval = float(projection_interval)
        self._view: tuple[tuple[float, float], tuple[float, float]] | None = None
        if landscape is not None:
            self._view = (
                (float(landscape.x[0]), float(landscape.x[-1])),
                (float(landscape.y[0]), float(landscape.y[-1])),
            )
        self._data = _line_info(race.problem)
        self._sent: list[int] = []
        self._exits: dict[int, np.ndarray | None] = {}
        self._projected_at = -float("inf")
        self.rebase()

    def rebase(self) -> None:
        """Start after what the race holds now (a snapshot was just taken of it)."""
        self._sent = [run.step_count for run in self._runs]
        self._exits = {}
        self._projected_at = -float("inf")

    def update(self, *, state: str, error: str | None, final: bool, now: float = 0.0) -> RaceUpdate:
        """Everything added since the previous update (or rebase).

        ``now`` is a monotonic time in seconds: a projection (dim > 2) is refitted when
        ``final`` or at least ``projection_interval`` after the previous refit.
        """
        projection = None
        if self._dim > 2 and (final or now - self._projected_at >= self._interval):
            self._projected_at = now
            projection = self._projection()
        view = self._view
        extra: dict[str, Any] = {}
        if projection is not None:
            view = self._projected_view(projection)
            dim = self._dim
            minima = np.asarray(
                getattr(self._race.problem, "minima", np.zeros((0, dim))), dtype=float
            ).reshape(-1, dim)
            extra = {
                "projection": projection,
                "view": view,
                "axis_labels": _projection_labels(projection),
                "minima": projection.project(minima).reshape(-1, 2),
                "start_point": projection.project(
                    np.asarray(self._race.start, dtype=float)
                ).reshape(2),
            }
        traces = tuple(
            self._trace(i, run, state, projection, view) for i, run in enumerate(self._runs)
        )
        return RaceUpdate(int(self._race.step_count), state, error, traces, **extra)

    def _trace(
        self,
        i: int,
        run: Any,
        state: str,
        projection: Projection | None,
        view: tuple[tuple[float, float], tuple[float, float]] | None,
    ) -> TraceUpdate:
        first = self._sent[i] + 1
        pos, loss, val = run.history(first)
        count = len(loss)
        self._sent[i] = first + count - 1
        # a history that a snapshot would hold whole (at most max_points points) is streamed
        # whole, so the views hold exactly what a fresh snapshot holds; past that, each
        # update is thinned to its budget
        if count > self._max_new and self._sent[i] + 1 > self._max_points:
            keep = decimate_indices(count, self._max_new)
            steps = keep + first
            pos, loss = pos[keep], loss[keep]
            val = None if val is None else val[keep]
        else:
            steps = np.arange(first, first + count)
        plane = self._plane(pos, projection)
        status = display_status(str(run.status), state)
        position = run.position
        point = self._plane(position[None, :], projection)[0]
        path_steps = path = None
        if projection is not None:
            full = run.history(0)[0]
            idx = np.flatnonzero(_finite_rows(full))
            sel = idx[decimate_indices(len(idx), self._max_points)] if len(idx) else idx
            path_steps, path = sel.astype(np.int64), projection.project(full[sel]).reshape(-1, 2)
        lr = getattr(run.optimizer, "lr", None)
        val_loss = run.val_loss
        return TraceUpdate(
            status=status,
            step=int(run.step_count),
            lr=float("nan") if lr is None else float(lr),
            loss=float(run.loss),
            val_loss=None if val_loss is None else float(val_loss),
            diverged_at=run.diverged_at,
            converged_at=run.converged_at,
            point=point if np.isfinite(point).all() else None,
            exit=self._exit(i, run, status, projection, view),
            steps=steps.astype(np.int64),
            positions=plane,
            losses=np.array(loss, dtype=float),
            val_losses=None if val is None else np.array(val, dtype=float),
            path_steps=path_steps,
            path=path,
            line_y=None
            if self._data is None or count == 0
            else _predict_line(self._race.problem, self._data, position),
        )

    def _plane(self, pos: np.ndarray, projection: Projection | None) -> np.ndarray:
        if projection is not None:
            return projection.project(pos).reshape(-1, 2)
        if self._dim == 2:
            return np.array(pos, dtype=float).reshape(-1, 2)
        # dim > 2 between two refits: the frontend keeps the last projected path
        return np.full((len(pos), 2), np.nan)

    def _exit(
        self,
        i: int,
        run: Any,
        status: str,
        projection: Projection | None,
        view: tuple[tuple[float, float], tuple[float, float]] | None,
    ) -> np.ndarray | None:
        if status != "diverged" or view is None:
            return None
        if projection is None and i in self._exits:
            return self._exits[i]
        positions = self._plane(run.history(0)[0], projection)
        ex = trace_exit(positions, view, status)
        if projection is None:
            # a diverged run takes no more steps: its exit is computed once
            self._exits[i] = ex
        return ex

    def _projection(self) -> Projection:
        chunks = [np.asarray(self._race.start, dtype=float).reshape(1, self._dim)]
        chunks += [run.history(0)[0] for run in self._runs]
        pts = np.concatenate(chunks)
        pts = pts[_finite_rows(pts)]
        # the main directions of a long run are as well seen from a uniform subset
        return pca_projection(pts[decimate_indices(len(pts), 8 * self._max_points)])

    def _projected_view(
        self, projection: Projection
    ) -> tuple[tuple[float, float], tuple[float, float]]:
        chunks = [projection.project(np.asarray(self._race.start, dtype=float))[None, :]]
        chunks += [projection.project(run.history(0)[0]) for run in self._runs]
        pts = np.concatenate(chunks)
        pts = pts[_finite_rows(pts)]
        return (
            _padded(float(pts[:, 0].min()), float(pts[:, 0].max())),
            _padded(float(pts[:, 1].min()), float(pts[:, 1].max())),
        )
