"""The live optimizer race widget (anywidget) and :func:`optimize`."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

import numpy as np
import traitlets

from nbopt.drawing import (
    DEFAULT_MAX_POINTS,
    MAX_POINTS_PER_UPDATE,
    Landscape,
    RaceFeed,
    RaceInfo,
    RaceUpdate,
    display_status,
    landscape_info,
    pick_colours,
    race_info,
)
from nbopt.live import EventBatch, Session
from nbopt.widgets._protocol import ControlMessage, finite_or_none
from nbopt.widgets._stream import Arrays, ControlHandler, StreamWidget

__all__ = ["INTERACTIVE_BUDGET", "OptimizerRace", "optimize"]

#: Races with fewer optimizer-steps than this (2-D problems only) recompute at once when a
#: learning rate or the start changes: live interactive tuning.
INTERACTIVE_BUDGET = 50_000


# ------------------------------------------------------------------ messages


class TraceState(TypedDict):
    """Per-optimizer numbers of a snapshot or an append (``js/race/protocol.ts``)."""

    status: str
    step: int
    lr: float | None
    loss: float | None
    val_loss: float | None
    diverged_at: int | None
    converged_at: int | None
    point: list[float] | None
    exit: list[float] | None


class TraceMeta(TraceState):
    """A snapshot's trace: its numbers and who it is."""

    name: str
    colour: str
    optimizer: str


class RaceSnapshotMeta(TypedDict):
    """``meta`` of a race snapshot."""

    problem: str
    dim: int
    param_names: list[str]
    axis_labels: list[str]
    step: int
    total_steps: int
    state: str
    error: str | None
    view: list[list[float]]
    landscape: dict[str, Any] | None
    projection: dict[str, list[float]] | None
    data: dict[str, Any] | None
    loss: dict[str, Any]
    has_validation: bool
    interactive: bool
    traces: list[TraceMeta]


class RaceAppendMeta(TypedDict):
    """``meta`` of a race append."""

    step: int
    state: str
    error: str | None
    traces: list[TraceState]
    projection: dict[str, Any] | None


def _point(p: Any) -> list[float] | None:
    if p is None:
        return None
    a = np.asarray(p, dtype=float).reshape(-1)
    if a.size < 2 or not np.isfinite(a[:2]).all():
        return None
    return [float(a[0]), float(a[1])]


def trace_state(t: Any) -> TraceState:
    """Return the numbers of one trace (a :class:`~nbopt.drawing.Trace` or ``TraceUpdate``)."""
    return {
        "status": str(t.status),
        "step": int(t.step),
        "lr": finite_or_none(t.lr),
        "loss": finite_or_none(t.loss),
        "val_loss": finite_or_none(t.val_loss),
        "diverged_at": None if t.diverged_at is None else int(t.diverged_at),
        "converged_at": None if t.converged_at is None else int(t.converged_at),
        "point": _point(t.point),
        "exit": _point(t.exit),
    }


def _view(view: Any) -> list[list[float]]:
    return [[float(a), float(b)] for a, b in view]


def encode_snapshot(info: RaceInfo, *, interactive: bool) -> tuple[RaceSnapshotMeta, Arrays]:
    """Encode the whole drawable state of a race as snapshot ``(meta, arrays)``.

    Examples
    --------
    >>> from nbopt import optimizers
    >>> race = optimizers.Race("booth", {"GD": optimizers.GradientDescent(lr=0.05)}, steps=5)
    >>> meta, arrays = encode_snapshot(race_info(race), interactive=True)
    >>> meta["traces"][0]["name"], arrays[-1][0]
    ('GD', 't0.losses')
    """
    arrays: Arrays = []
    land = info.landscape
    land_meta = None
    if land is not None:
        land_meta = {
            "log": land.log,
            "floor": land.floor,
            "z_range": [float(land.z_range[0]), float(land.z_range[1])],
        }
        arrays += [
            ("land.x", land.x),
            ("land.y", land.y),
            ("land.z", land.z),
            ("land.levels", land.levels),
        ]
    arrays += [("minima", info.minima.reshape(-1, 2)), ("start", info.start_point.reshape(1, 2))]
    data_meta = None
    if info.data is not None:
        d = info.data
        has_val = d.x_val is not None and d.y_val is not None and len(d.x_val) > 0
        data_meta = {"has_val": has_val, "x_label": d.x_label, "y_label": d.y_label}
        arrays += [("data.x", d.x_train), ("data.y", d.y_train), ("data.line_x", d.line_x)]
        if has_val:
            arrays += [("data.xv", d.x_val), ("data.yv", d.y_val)]
    traces: list[TraceMeta] = []
    for i, t in enumerate(info.traces):
        traces.append(
            {"name": t.name, "colour": t.colour, "optimizer": t.optimizer, **trace_state(t)}  # type: ignore[typeddict-item]
        )
        arrays += [
            (f"t{i}.path_steps", t.path_steps),
            (f"t{i}.path", t.path.reshape(-1, 2)),
            (f"t{i}.loss_steps", t.loss_steps),
            (f"t{i}.losses", t.losses),
        ]
        if t.val_losses is not None:
            arrays.append((f"t{i}.val", t.val_losses))
        if t.line_y is not None:
            arrays.append((f"t{i}.line_y", t.line_y))
    meta: RaceSnapshotMeta = {
        "problem": info.problem,
        "dim": info.dim,
        "param_names": list(info.param_names),
        "axis_labels": list(info.axis_labels),
        "step": info.step,
        "total_steps": info.total_steps,
        "state": info.state,
        "error": info.error,
        "view": _view(info.view),
        "landscape": land_meta,
        "projection": None
        if info.projection is None
        else {"explained": [float(v) for v in info.projection.explained]},
        "data": data_meta,
        "loss": {"log": info.loss_log, "offset": info.loss_offset, "label": info.loss_label},
        "has_validation": info.has_validation,
        "interactive": interactive,
        "traces": traces,
    }
    return meta, arrays


def encode_update(update: RaceUpdate) -> tuple[RaceAppendMeta, Arrays]:
    """Encode what a race added (a :class:`~nbopt.drawing.RaceUpdate`) as an append."""
    arrays: Arrays = []
    for i, t in enumerate(update.traces):
        arrays += [(f"t{i}.steps", t.steps), (f"t{i}.pos", t.positions), (f"t{i}.loss", t.losses)]
        if t.val_losses is not None:
            arrays.append((f"t{i}.val", t.val_losses))
        if t.path is not None and t.path_steps is not None:
            arrays += [(f"t{i}.path_steps", t.path_steps), (f"t{i}.path", t.path)]
        if t.line_y is not None:
            arrays.append((f"t{i}.line_y", t.line_y))
    projection = None
    if update.projection is not None and update.view is not None:
        projection = {
            "view": _view(update.view),
            "axis_labels": list(update.axis_labels or ("", "")),
            "explained": [float(v) for v in update.projection.explained],
        }
        if update.minima is not None:
            arrays.append(("minima", update.minima.reshape(-1, 2)))
        if update.start_point is not None:
            arrays.append(("start", update.start_point.reshape(1, 2)))
    meta: RaceAppendMeta = {
        "step": update.step,
        "state": update.state,
        "error": update.error,
        "traces": [trace_state(t) for t in update.traces],
        "projection": projection,
    }
    return meta, arrays


def _auto_speed(total_steps: int, n_opt: int) -> float | None:
    """Pick a pace at which a short race takes about six seconds; long runs go flat out."""
    if total_steps * n_opt >= INTERACTIVE_BUDGET:
        return None
    return float(min(2000.0, max(10.0, total_steps / 6.0)))


# ------------------------------------------------------------------ widget


class OptimizerRace(StreamWidget):
    """Live view of a :class:`nbopt.optimizers.Race`: landscape, trajectories, losses, controls.

    The race runs in a :class:`nbopt.live.Session` background thread; every event batch
    (at most 30 a second) is streamed to the browser as binary buffers. Use
    :func:`optimize` to create one.

    Parameters
    ----------
    race : nbopt.optimizers.Race
        The race to show and drive.
    colours : sequence of str, optional
        One ``#rrggbb`` colour per optimizer (colour-blind-safe palette by default).
    steps_per_second : float, None or "auto"
        Pace of the run; None runs as fast as possible, "auto" makes short races last a
        few seconds.
    max_points : int
        Most points per drawn series.

    Examples
    --------
    >>> from nbopt import optimizers
    >>> race = optimizers.Race("booth", {"GD": optimizers.GradientDescent(lr=0.05)}, steps=50)
    >>> w = OptimizerRace(race)
    >>> w.run()
    'finished'
    >>> w.step, w.statuses
    (50, ['max_steps'])
    """

    problem = traitlets.Unicode("")
    names = traitlets.List(traitlets.Unicode())
    colours = traitlets.List(traitlets.Unicode())
    lrs = traitlets.List(traitlets.Float(allow_none=True))
    statuses = traitlets.List(traitlets.Unicode())
    step = traitlets.Int(0)
    total_steps = traitlets.Int(0)
    dim = traitlets.Int(2)
    interactive = traitlets.Bool(False)

    def __init__(
        self,
        race: Any,
        *,
        colours: Sequence[str] | None = None,
        steps_per_second: float | str | None = "auto",
        max_points: int = DEFAULT_MAX_POINTS,
        **kwargs: Any,
    ) -> None:
        names = [str(n) for n in race.names]
        if colours is None:
            colours = pick_colours(len(names))
        colours = [str(c) for c in colours]
        if len(colours) != len(names):
            raise ValueError(f"colours: need one per optimizer ({len(names)}), got {len(colours)}")
        if steps_per_second == "auto":
            sps = _auto_speed(int(race.total_steps), len(names))
        elif steps_per_second is None or isinstance(steps_per_second, (int, float)):
            sps = None if steps_per_second is None else float(steps_per_second)
        else:
            raise ValueError(
                f"steps_per_second must be a positive number, None or 'auto', "
                f"got {steps_per_second!r}"
            )
        if max_points < 16:
            raise ValueError(f"max_points must be at least 16, got {max_points}")
        problem = race.problem
        dim = int(problem.dim)
        self._race = race
        self._max_points = int(max_points)
        self._landscape: Landscape | None = landscape_info(problem) if dim == 2 else None
        self._feed = RaceFeed(
            race,
            landscape=self._landscape,
            max_points=self._max_points,
            max_new_points=MAX_POINTS_PER_UPDATE,
        )
        # slider moves and clicks of a cheap race, recomputed on a thread of their own with
        # the newest value only: the kernel never queues up recomputes while a slider drags
        self._tune_cond = threading.Condition()
        self._tune_pending: dict[str, Any] = {}
        self._tuner: threading.Thread | None = None
        super().__init__(
            Session(race, max_flush_rate=30.0, steps_per_second=sps),
            view="race",
            problem=str(problem.name),
            names=names,
            colours=colours,
            total_steps=int(race.total_steps),
            dim=dim,
            interactive=dim == 2 and int(race.total_steps) * len(names) < INTERACTIVE_BUDGET,
            **kwargs,
        )
        self.sync_traits()
        self.store_snapshot()

    # ------------------------------------------------------------------ public API
    @property
    def race(self) -> Any:
        """The :class:`~nbopt.optimizers.Race` behind the widget (full histories)."""
        return self._race

    def info(self) -> RaceInfo:
        """Drawing info of the race now (see :func:`nbopt.drawing.race_info`)."""
        return self._session.call(self._info)

    def trajectories(self) -> dict[str, Any]:
        """Full trajectories by optimizer name (``race.trajectories()`` taken between steps)."""
        return dict(self._session.call(self._race.trajectories))

    def reset(self, start: Sequence[float] | None = None) -> None:
        """Back to step 0 (optionally from a new start), paused."""
        if start is None:
            self._session.reset()
        else:
            self._session.reset(start=self._check_start(start))

    def set_lr(self, name: str, lr: float) -> None:
        """Change one optimizer's learning rate.

        Cheap races (2-D, fewer than :data:`INTERACTIVE_BUDGET` optimizer-steps) are
        recomputed at once with the new value; longer runs apply it from the next step.
        """
        self._check_lr(name, lr)
        if self.interactive and self._race.finished and self._session.state != "running":
            # the others are unchanged: only this optimizer is replayed
            self._rerun(name, float(lr))
        elif self.interactive:
            self._recompute(lambda: self._race.set_hyperparam(name, "lr", float(lr)))
        else:
            self._session.call(self._race.set_hyperparam, name, "lr", float(lr))
            self.sync_traits()

    def set_start(self, start: Sequence[float]) -> None:
        """Start the race again from ``start`` (recomputed at once for cheap races)."""
        point = self._check_start(start)
        if self.interactive:
            self._recompute(None, start=point)
        else:
            self._session.reset(start=point)
            self._session.play()

    def __repr__(self) -> str:
        return (
            f"OptimizerRace({self.problem!r}, {list(self.names)}, "
            f"step {self.step}/{self.total_steps}, {self.state})"
        )

    # ------------------------------------------------------------------ hooks
    def build_snapshot(self) -> tuple[dict[str, Any], Arrays]:
        """Return the race's snapshot ``(meta, arrays)`` (see :func:`encode_snapshot`)."""
        meta, arrays = encode_snapshot(self._info(), interactive=self.interactive)
        return dict(meta), arrays

    def build_append(self, batch: EventBatch) -> tuple[dict[str, Any], Arrays] | None:
        """Return each run's history since the last append (see :class:`RaceFeed`)."""
        race = self._race
        state = "finished" if race.finished and batch.final else str(batch.state)
        error = None if batch.error is None else f"{type(batch.error).__name__}: {batch.error}"
        with self._lock:
            update = self._feed.update(
                state=state, error=error, final=batch.final, now=time.monotonic()
            )
        meta, arrays = encode_update(update)
        return dict(meta), arrays

    def rebase(self) -> None:
        """Stream on from what the race holds now."""
        self._feed.rebase()

    def sync_traits(self) -> None:
        """Refresh ``lrs``, ``statuses``, ``step``, ``state`` and ``error`` from the race."""
        runs = self._race.runs
        # called from the shell thread (controls) and the session thread (batches)
        with self._lock, self.hold_sync():
            lrs = [finite_or_none(getattr(runs[n].optimizer, "lr", None)) for n in self.names]
            self.set_trait("lrs", lrs)
            state = self.display_state()
            self.statuses = [display_status(str(runs[n].status), state) for n in self.names]
            self.step = int(self._race.step_count)
            self.state = state
            self.error = self.error_text()

    def static_png(self) -> bytes | None:
        """Return the race drawn by matplotlib (:func:`nbopt.export.race_png`)."""
        from nbopt.export import race_png

        return bytes(race_png(self.info()))

    def control_handlers(self) -> Mapping[str, ControlHandler]:
        """Return the base controls plus ``set_lr`` and ``set_start``."""
        return {
            **super().control_handlers(),
            "set_lr": self._set_lr_control,
            "set_start": self._set_start_control,
        }

    def display_state(self) -> str:
        """Return ``"finished"`` once every optimizer has ended, else the session's state."""
        state = str(self._session.state)
        if self._race.finished and state in ("idle", "paused", "running"):
            return "finished"
        return state

    # ------------------------------------------------------------------ internals
    def _set_lr_control(self, content: ControlMessage) -> None:
        name = str(content.get("name"))
        lr = float(content.get("lr", "nan"))  # type: ignore[arg-type]
        if self.interactive:
            self._check_lr(name, lr)
            self._tune(f"lr:{name}", lr)
        else:
            self.set_lr(name, lr)

    def _set_start_control(self, content: ControlMessage) -> None:
        start = [float(content.get("x", "nan")), float(content.get("y", "nan"))]  # type: ignore[arg-type]
        if self.interactive:
            self._tune("start", self._check_start(start))
        else:
            self.set_start(start)

    def _check_lr(self, name: str, lr: float) -> None:
        if name not in self.names:
            raise ValueError(f"set_lr: no optimizer named {name!r}; expected one of {self.names}")
        if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not (0 < lr < math.inf):
            raise ValueError(f"set_lr: lr must be a positive finite number, got {lr!r}")

    def _check_start(self, start: Sequence[float]) -> np.ndarray:
        dim = int(self._race.problem.dim)
        try:
            point = np.asarray(start, dtype=float).reshape(-1)
        except (TypeError, ValueError):
            raise ValueError(f"start must be {dim} numbers, got {start!r}") from None
        if point.shape != (dim,) or not np.isfinite(point).all():
            raise ValueError(f"start must be {dim} finite numbers, got {start!r}")
        return point

    def _info(self) -> RaceInfo:
        return race_info(
            self._race,
            colours=self.colours,
            state=self.display_state(),
            error=self.error_text(),
            max_points=self._max_points,
            landscape=self._landscape,
        )

    def _rerun(self, name: str, lr: float) -> None:
        def change() -> None:
            self._race.set_hyperparam(name, "lr", lr)
            self._race.rerun(name)

        self._session.call(change)
        self.new_epoch()
        self.sync_traits()
        self.send_snapshot(store=True)

    def _tune(self, key: str, value: Any) -> None:
        """Queue a learning rate (``"lr:<name>"``) or a start (``"start"``) of a cheap race.

        A recompute of the newest values follows on the tuning thread; values that a later
        message replaced before their turn are skipped.
        """
        with self._tune_cond:
            self._tune_pending[key] = value
            if self._tuner is None:
                self._tuner = threading.Thread(
                    target=self._tune_loop, name="nbopt-tuning", daemon=True
                )
                self._tuner.start()

    def _tune_loop(self) -> None:
        while True:
            with self._tune_cond:
                pending, self._tune_pending = self._tune_pending, {}
                if not pending:
                    self._tuner = None
                    self._tune_cond.notify_all()
                    return
            start = pending.pop("start", None)
            for key, lr in pending.items():
                name = key.split(":", 1)[1]
                if start is None:
                    self._control("set_lr", self.set_lr, name, lr)
                else:  # the new start recomputes everything: set the rate only
                    self._control("set_lr", self._session.call, self._set_lr_only, name, lr)
            if start is not None:
                self._control("set_start", self.set_start, start)

    def _set_lr_only(self, name: str, lr: float) -> None:
        self._race.set_hyperparam(name, "lr", lr)

    def _wait_tuned(self, timeout: float | None = None) -> bool:
        """Block until every queued slider move or start has been recomputed."""
        with self._tune_cond:
            return self._tune_cond.wait_for(
                lambda: self._tuner is None and not self._tune_pending, timeout
            )

    def _recompute(self, change: Any, start: np.ndarray | None = None) -> None:
        self._quiet_reset = True
        try:
            if start is None:
                self._session.reset()
            else:
                self._session.reset(start=start)
        finally:
            self._quiet_reset = False
        if change is not None:
            self._session.call(change)
        self._session.call(self._race.run_to_end)
        self.new_epoch()
        self.sync_traits()
        self.send_snapshot(store=True)


def _optimizer_from(name: str, spec: Any) -> Any:
    from nbopt import optimizers

    if isinstance(spec, optimizers.Optimizer):
        return spec
    if isinstance(spec, str):
        from nbopt.optimizers import parse_spec

        parsed = parse_spec(spec)
        if parsed.label is not None:
            raise ValueError(
                f"optimizer {name!r}: the dict key is the label; give {spec!r} without 'label='"
            )
        try:
            return optimizers.get(parsed.name, **parsed.kwargs)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"optimizer {name!r} = {spec!r}: {exc}") from None
    raise TypeError(
        f"optimizer {name!r}: expected an nbopt Optimizer (e.g. Adam(lr=0.05)) or a spec "
        f"string like 'adam(lr=0.05)', got {type(spec).__name__}"
    )


def _named_optimizers(optimizers: Any) -> dict[str, Any]:
    from nbopt import optimizers as opt_module

    if isinstance(optimizers, Mapping):
        if not optimizers:
            raise ValueError("optimizers: give at least one, e.g. {'Adam': Adam(lr=0.05)}")
        out = {}
        for key, spec in optimizers.items():
            if not isinstance(key, str) or not key.strip():
                raise TypeError(f"optimizers: names must be non-empty strings, got {key!r}")
            out[key] = _optimizer_from(key, spec)
        return out
    if isinstance(optimizers, opt_module.Optimizer):
        optimizers = [optimizers]
    if isinstance(optimizers, (list, tuple)):
        if not optimizers:
            raise ValueError("optimizers: give at least one, e.g. [Adam(lr=0.05)]")
        out = {}
        for spec in optimizers:
            opt = _optimizer_from(str(spec), spec)
            base = type(opt).__name__
            label = base
            k = 2
            while label in out:
                label = f"{base} ({k})"
                k += 1
            out[label] = opt
        return out
    raise TypeError(
        "optimizers must be a dict name -> Optimizer (or spec string) or a list of "
        f"Optimizers, got {type(optimizers).__name__}"
    )


def optimize(
    problem: Any,
    optimizers: Any,
    start: Sequence[float] | None = None,
    steps: int = 500,
    batch_size: int | None = None,
    seed: int | None = None,
    block: bool = False,
) -> OptimizerRace:
    """Race gradient optimizers on a problem, live in a widget.

    Parameters
    ----------
    problem : str or nbopt.problems.Problem
        A built-in name (``nbopt.problems.names()``) or a problem object.
    optimizers : dict or list
        ``{"label": Optimizer or "adam(lr=0.05)", ...}``, or a list of optimizers
        (labelled by class name).
    start : sequence of float, optional
        Common start point; the problem's instructive default otherwise.
    steps : int
        Steps per optimizer.
    batch_size : int, optional
        Mini-batch size for model problems (stochastic gradients); full batch otherwise.
    seed : int, optional
        Seed of the mini-batch sampling.
    block : bool
        Run to the end before returning (scripts, nbclient); otherwise the cell returns at
        once and the race runs in a background thread.

    Returns
    -------
    OptimizerRace
        The widget; ``.race`` holds the full trajectories.

    Examples
    --------
    >>> from nbopt.optimizers import SGD, Adam
    >>> w = optimize("rosenbrock", {"SGD": SGD(lr=1e-3, momentum=0.9), "Adam": Adam(lr=0.05)},
    ...              start=(-1.5, 2.0), steps=100, block=True)
    >>> w.state, w.step
    ('finished', 100)
    """
    from nbopt import optimizers as opt_module
    from nbopt import problems

    if isinstance(problem, str):
        problem = problems.get(problem)
    elif not isinstance(problem, problems.Problem):
        raise TypeError(
            f"problem must be a name (one of {problems.names()}) or a nbopt Problem, "
            f"got {type(problem).__name__}"
        )
    race = opt_module.Race(
        problem,
        _named_optimizers(optimizers),
        start=start,
        steps=steps,
        batch_size=batch_size,
        seed=seed,
    )
    # nobody watches a blocking run (scripts, nbclient): no pacing
    widget = OptimizerRace(race, steps_per_second=None if block else "auto")
    if block:
        widget.run()
    else:
        widget.play()
    return widget
