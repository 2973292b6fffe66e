"""The live optimizer race widget (anywidget) and :func:`optimize`."""

from __future__ import annotations

import logging
import math
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import anywidget
import numpy as np
import traitlets

from nbopt.drawing import (
    DEFAULT_MAX_POINTS,
    Landscape,
    RaceInfo,
    decimate_indices,
    exit_point,
    landscape_info,
    pca_projection,
    pick_colours,
    race_info,
)
from nbopt.live import EventBatch, Session
from nbopt.widgets._protocol import (
    finite_or_none,
    message,
    pack,
    snapshot_message,
    trace_update,
)

__all__ = ["INTERACTIVE_BUDGET", "OptimizerRace", "optimize"]

_STATIC = Path(__file__).resolve().parent.parent / "static"
_log = logging.getLogger(__name__)

#: Races with fewer optimizer-steps than this (2-D problems only) recompute at once when a
#: learning rate or the start changes: live interactive tuning.
INTERACTIVE_BUDGET = 50_000
#: Most new points per optimizer in one streamed batch (the frontend decimates further).
MAX_POINTS_PER_FLUSH = 256
#: Longest wait for the kernel's IOPub thread to send a stream message (seconds).
IOPUB_WAIT = 0.05
#: Projections (dim > 2) are recomputed at most this often while running (seconds).
PROJECTION_INTERVAL = 0.25


def _auto_speed(total_steps: int, n_opt: int) -> float | None:
    """Pick a pace at which a short race takes about six seconds; long runs go flat out."""
    if total_steps * n_opt >= INTERACTIVE_BUDGET:
        return None
    return float(min(2000.0, max(10.0, total_steps / 6.0)))


class OptimizerRace(anywidget.AnyWidget):
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

    _esm = _STATIC / "widget.js"
    _css = _STATIC / "widget.css"

    _uid = traitlets.Unicode("").tag(sync=True)
    problem = traitlets.Unicode("").tag(sync=True)
    names = traitlets.List(traitlets.Unicode()).tag(sync=True)
    colours = traitlets.List(traitlets.Unicode()).tag(sync=True)
    lrs = traitlets.List(traitlets.Float(allow_none=True)).tag(sync=True)
    statuses = traitlets.List(traitlets.Unicode()).tag(sync=True)
    state = traitlets.Unicode("idle").tag(sync=True)
    step = traitlets.Int(0).tag(sync=True)
    total_steps = traitlets.Int(0).tag(sync=True)
    dim = traitlets.Int(2).tag(sync=True)
    interactive = traitlets.Bool(False).tag(sync=True)
    steps_per_second = traitlets.Float(None, allow_none=True).tag(sync=True)
    error = traitlets.Unicode(None, allow_none=True).tag(sync=True)
    snapshot = traitlets.Bytes(b"").tag(sync=True)

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
        super().__init__(
            _uid=uuid.uuid4().hex,
            problem=str(problem.name),
            names=names,
            colours=colours,
            total_steps=int(race.total_steps),
            dim=dim,
            interactive=dim == 2 and int(race.total_steps) * len(names) < INTERACTIVE_BUDGET,
            steps_per_second=sps,
            **kwargs,
        )
        self._race = race
        self._max_points = int(max_points)
        self._landscape: Landscape | None = landscape_info(problem) if dim == 2 else None
        self._lock = threading.RLock()
        self._epoch = 0
        self._seq = 0
        self._quiet_reset = False
        self._runs = [race.runs[name] for name in names]
        # the last step streamed per optimizer (its next append starts after it)
        self._sent = [-1 for _ in names]
        self._exits: dict[int, np.ndarray | None] = {}
        self._last_projection = -math.inf
        # slider moves and clicks of a cheap race, recomputed on a thread of their own with
        # the newest value only: the kernel never queues up recomputes while a slider drags
        self._tune_cond = threading.Condition()
        self._tune_pending: dict[str, Any] = {}
        self._tuner: threading.Thread | None = None
        self._session = Session(race, max_flush_rate=30.0, steps_per_second=sps)
        self._unobserve = self._session.observe(self._on_batch)
        self.on_msg(self._on_msg)
        self._rebase()
        self._sync_traits()
        self._store_snapshot()

    # ------------------------------------------------------------------ public API
    @property
    def race(self) -> Any:
        """The :class:`~nbopt.optimizers.Race` behind the widget (full histories)."""
        return self._race

    @property
    def session(self) -> Session:
        """The :class:`~nbopt.live.Session` driving the race."""
        return self._session

    def info(self) -> RaceInfo:
        """Drawing info of the race now (see :func:`nbopt.drawing.race_info`)."""
        return self._session.call(self._info)

    def trajectories(self) -> dict[str, Any]:
        """Full trajectories by optimizer name (``race.trajectories()`` taken between steps)."""
        return dict(self._session.call(self._race.trajectories))

    def play(self) -> None:
        """Run (in the background) until the race ends or :meth:`pause`."""
        if self._session.state in ("stopped", "error"):
            self._session.reset()
        self._session.play()

    def pause(self) -> None:
        """Pause after the step in progress."""
        self._session.pause()

    def step_once(self, n: int = 1) -> None:
        """Take ``n`` steps (in the background), then pause."""
        if self._session.state in ("stopped", "error"):
            self._session.reset()
        self._session.step(n)

    def stop(self) -> None:
        """Stop the run for good (keeps every finished step)."""
        self._session.stop()

    def reset(self, start: Sequence[float] | None = None) -> None:
        """Back to step 0 (optionally from a new start), paused."""
        if start is None:
            self._session.reset()
        else:
            self._session.reset(start=self._check_start(start))

    def run(self) -> str:
        """Run to the end in the foreground and return the final state.

        Ctrl-C (a kernel interrupt) stops cleanly, keeping every finished step. An
        exception from the objective ends the run in state ``"error"``: the widget shows
        it (``.error``) instead of raising, like a background run.
        """
        try:
            return str(self._session.run())
        except Exception:
            if self._session.state != "error":
                raise
            return "error"

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the run pauses or ends; False if ``timeout`` passed first."""
        return self._session.wait(timeout)

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
            self._sync_traits()

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

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        # the widget view for live frontends; a static PNG of the same race for every other
        # renderer (GitHub, nbviewer, exported HTML/PDF)
        bundle = super()._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        if isinstance(data, dict):
            png = self._static_png()
            if png is not None:
                data["image/png"] = png
        return bundle

    # ------------------------------------------------------------------ internals
    def _static_png(self) -> bytes | None:
        try:
            from nbopt.export import race_png
        except ImportError:
            return None
        try:
            return bytes(race_png(self.info()))
        except Exception:
            # the widget view is the main output: a failing static fallback must not hide it
            _log.exception("nbopt: drawing the static PNG fallback failed")
            return None

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

    def _display_state(self) -> str:
        state = str(self._session.state)
        if self._race.finished and state in ("idle", "paused", "running"):
            return "finished"
        return state

    def _error_text(self) -> str | None:
        err = self._session.error
        return None if err is None else f"{type(err).__name__}: {err}"

    def _info(self) -> RaceInfo:
        return race_info(
            self._race,
            colours=self.colours,
            state=self._display_state(),
            error=self._error_text(),
            max_points=self._max_points,
            landscape=self._landscape,
        )

    def _next_seq(self) -> int:
        with self._lock:
            self._seq += 1
            return self._seq

    def _snapshot(self) -> tuple[dict[str, Any], list[bytes]]:
        info = self._info()
        return snapshot_message(info, self._epoch, self._next_seq(), interactive=self.interactive)

    def _rebase(self) -> None:
        """Start a new epoch (reset, recompute): the stream goes on from the snapshot."""
        self._sent = [run.step_count for run in self._runs]
        self._exits = {}
        self._last_projection = -math.inf

    def _sync_traits(self) -> None:
        runs = self._race.runs
        # called from the shell thread (controls) and the session thread (batches)
        with self._lock, self.hold_sync():
            lrs = [finite_or_none(getattr(runs[n].optimizer, "lr", None)) for n in self.names]
            self.set_trait("lrs", lrs)
            self.statuses = [str(runs[n].status) for n in self.names]
            self.step = int(self._race.step_count)
            self.state = self._display_state()
            self.error = self._error_text()

    def _store_snapshot(self) -> None:
        content, buffers = self._snapshot()
        with self._lock:
            self.snapshot = pack(content, buffers)

    def close(self) -> None:
        """Stop the run and close the widget (its comm and views)."""
        if hasattr(self, "_session"):  # close() also runs from __del__ of a failed __init__
            self._unobserve()
            self._session.stop(wait=False)
        super().close()

    def _send_snapshot(self, *, store: bool) -> None:
        # built between two engine steps, so its history and its seq agree with the stream
        content, buffers = self._session.call(self._snapshot)
        self.send(content, buffers)
        if store:
            with self._lock:
                self.snapshot = pack(content, buffers)

    def _rerun(self, name: str, lr: float) -> None:
        def change() -> None:
            self._race.set_hyperparam(name, "lr", lr)
            self._race.rerun(name)

        self._session.call(change)
        with self._lock:
            self._epoch += 1
            self._rebase()
        self._sync_traits()
        self._send_snapshot(store=True)

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

    def _control(self, kind: str, fn: Any, *args: Any) -> None:
        """Run one control; a failure is reported to the frontend, never raised."""
        try:
            fn(*args)
        except Exception as exc:
            # a bad control message or a failing recompute must not take the kernel down:
            # the frontend shows the message
            _log.warning("nbopt: control message %r failed: %s", kind, exc)
            self.send({"type": "error", "message": f"{kind}: {type(exc).__name__}: {exc}"})

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
        with self._lock:
            self._epoch += 1
            self._rebase()
        self._sync_traits()
        self._send_snapshot(store=True)

    def _on_msg(self, _widget: Any, content: Any, _buffers: Any) -> None:
        """Control messages from the frontend (run on the kernel's shell thread)."""
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            self.send({"type": "error", "message": "control message must have a string 'type'"})
            return
        self._control(content["type"], self._handle, content)

    def _handle(self, content: dict[str, Any]) -> None:
        kind = content["type"]
        if kind == "snapshot_request":
            self._send_snapshot(store=False)
        elif kind == "play":
            self.play()
        elif kind == "pause":
            self.pause()
        elif kind == "step":
            n = content.get("n", 1)
            self.step_once(int(n) if isinstance(n, int) and n > 0 else 1)
        elif kind == "reset":
            self.reset()
        elif kind == "speed":
            sps = content.get("steps_per_second")
            self.steps_per_second = None if sps is None else float(sps)
        elif kind == "set_lr":
            name, lr = str(content.get("name")), float(content.get("lr", "nan"))
            if self.interactive:
                self._check_lr(name, lr)
                self._tune(f"lr:{name}", lr)
            else:
                self.set_lr(name, lr)
        elif kind == "set_start":
            start = [float(content.get("x", "nan")), float(content.get("y", "nan"))]
            if self.interactive:
                self._tune("start", self._check_start(start))
            else:
                self.set_start(start)
        else:
            raise ValueError(f"unknown control message type {kind!r}")

    @traitlets.observe("steps_per_second")
    def _on_speed(self, change: Any) -> None:
        if hasattr(self, "_session"):
            self._session.steps_per_second = change["new"]

    # ------------------------------------------------------------------ streaming
    def _on_batch(self, batch: EventBatch) -> None:
        """Session observer (session thread, between steps): stream one coalesced batch."""
        if batch.reset:
            with self._lock:
                self._epoch += 1
                self._rebase()
            self._sync_traits()
            if not self._quiet_reset:
                self._send_snapshot(store=True)
            return
        content, buffers = self._append(batch)
        self.send(content, buffers)
        self._let_iopub_send()
        # the stream message already carries step, state and statuses: the synced traits
        # (one more comm message each time) follow only when the run starts or ends
        if batch.final or self.state != self._display_state():
            self._sync_traits()
        if batch.final:
            self._store_snapshot()

    def _let_iopub_send(self) -> None:
        """Wait (briefly) until the kernel's IOPub thread has put the message on the wire.

        That thread needs the GIL for every part of a send. Against a flat-out engine
        loop it would get it back only once per switch interval (5 ms) at each of its
        blocking calls, and a message would reach the browser 50-200 ms late; waiting
        here hands it the GIL until it is done, about a millisecond.
        """
        kernel = getattr(getattr(self, "comm", None), "kernel", None)
        thread = getattr(getattr(kernel, "iopub_socket", None), "io_thread", None)
        schedule = getattr(thread, "schedule", None)
        if not callable(schedule):
            time.sleep(0)
            return
        sent = threading.Event()
        schedule(sent.set)
        sent.wait(IOPUB_WAIT)

    def _append(self, batch: EventBatch) -> tuple[dict[str, Any], list[bytes]]:
        """Build the stream message of one batch: each run's history since the last one.

        Read from the runs' history buffers (the session thread calls this between
        steps), at most :data:`MAX_POINTS_PER_FLUSH` rows per run, evenly spaced, the
        newest always included. An optimizer that stopped adds nothing more.
        """
        race = self._race
        dim = int(race.problem.dim)
        projection = None
        if dim > 2:
            now = time.monotonic()
            if batch.final or now - self._last_projection >= PROJECTION_INTERVAL:
                self._last_projection = now
                projection = self._projection()
        arrays: list[tuple[str, Any]] = []
        updates = []
        with self._lock:
            for i, run in enumerate(self._runs):
                first = self._sent[i] + 1
                pos, loss, val = run.history(first)
                count = len(loss)
                self._sent[i] = first + count - 1
                if count > MAX_POINTS_PER_FLUSH:
                    keep = decimate_indices(count, MAX_POINTS_PER_FLUSH)
                    steps = (keep + first).astype(float)
                    pos, loss = pos[keep], loss[keep]
                    val = None if val is None else val[keep]
                else:
                    steps = np.arange(first, first + count, dtype=float)
                if projection is not None:
                    plane = projection.project(pos)
                elif dim == 2:
                    plane = pos
                else:
                    plane = np.zeros((count, 2))
                arrays += [(f"t{i}.steps", steps), (f"t{i}.pos", plane), (f"t{i}.loss", loss)]
                if val is not None:
                    arrays.append((f"t{i}.val", val))
                updates.append(self._trace_update(i, run, projection))
                if projection is not None:
                    arrays += self._projected_path(i, run, projection)
        projection_meta = None
        if projection is not None:
            projection_meta, more = self._projection_meta(projection)
            arrays += more
        meta = {
            "step": int(race.step_count),
            "state": "finished" if race.finished and batch.final else str(batch.state),
            "error": None
            if batch.error is None
            else f"{type(batch.error).__name__}: {batch.error}",
            "traces": updates,
            "projection": projection_meta,
        }
        return message("append", self._epoch, self._next_seq(), meta, arrays)

    def _trace_update(self, i: int, run: Any, projection: Any) -> dict[str, Any]:
        dim = int(self._race.problem.dim)
        position = run.position
        if projection is not None:
            point = projection.project(position)
        else:
            point = position if dim == 2 else None
        status = str(run.status)
        # the same fields, checks and conversions as a snapshot's traces
        return trace_update(
            SimpleNamespace(
                status=status,
                step=int(run.step_count),
                lr=getattr(run.optimizer, "lr", None),
                loss=run.loss,
                val_loss=run.val_loss,
                diverged_at=run.diverged_at,
                converged_at=run.converged_at,
                point=point,
                exit=self._exit(i) if status == "diverged" and dim == 2 else None,
            )
        )

    def _projected_path(self, i: int, run: Any, projection: Any) -> list[tuple[str, Any]]:
        """Return the whole path of optimizer ``i`` on the projection plane, decimated."""
        full = run.history(0)[0]
        idx = np.flatnonzero(np.isfinite(full).all(axis=1))
        sel = idx[decimate_indices(len(idx), self._max_points)] if len(idx) else idx
        return [
            (f"t{i}.path_steps", sel.astype(float)),
            (f"t{i}.path", projection.project(full[sel]).reshape(-1, 2)),
        ]

    def _projection_meta(self, projection: Any) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
        dim = int(self._race.problem.dim)
        pts = np.concatenate([projection.project(run.history(0)[0]) for run in self._runs])
        pts = pts[np.isfinite(pts).all(axis=1)]
        meta = {
            "view": _view_of(pts),
            "axis_labels": [
                f"PC1 ({100 * projection.explained[0]:.0f}% of variance)",
                f"PC2 ({100 * projection.explained[1]:.0f}% of variance)",
            ],
            "explained": [float(v) for v in projection.explained],
        }
        minima = np.asarray(self._race.problem.minima, dtype=float).reshape(-1, dim)
        arrays = [
            ("minima", projection.project(minima).reshape(-1, 2)),
            ("start", projection.project(np.asarray(self._race.start, dtype=float)).reshape(1, 2)),
        ]
        return meta, arrays

    def _exit(self, i: int) -> np.ndarray | None:
        """Where diverged optimizer ``i`` left the landscape's view (computed once)."""
        if i not in self._exits:
            land = self._landscape
            positions = self._runs[i].history(0)[0]
            if land is None or len(positions) == 0:
                self._exits[i] = None
            else:
                xs, ys = land.x, land.y
                view = ((float(xs[0]), float(xs[-1])), (float(ys[0]), float(ys[-1])))
                self._exits[i] = exit_point(np.asarray(positions)[:, :2], view)
        return self._exits[i]

    def _projection(self) -> Any:
        dim = int(self._race.problem.dim)
        chunks = [np.asarray(self._race.start, dtype=float).reshape(1, dim)]
        chunks += [run.history(0)[0] for run in self._runs]
        pts = np.concatenate(chunks)
        pts = pts[np.isfinite(pts).all(axis=1)]
        # the main directions of a long run are as well seen from a uniform subset
        return pca_projection(pts[decimate_indices(len(pts), 8 * self._max_points)])


def _view_of(pts: np.ndarray) -> list[list[float]]:
    if len(pts) == 0:
        return [[-1.0, 1.0], [-1.0, 1.0]]
    out = []
    for ax in range(2):
        lo, hi = float(pts[:, ax].min()), float(pts[:, ax].max())
        span = hi - lo if hi > lo else max(1.0, abs(lo))
        out.append([lo - 0.08 * span, hi + 0.08 * span])
    return out


def _optimizer_from(name: str, spec: Any) -> Any:
    from nbopt import optimizers

    if isinstance(spec, optimizers.Optimizer):
        return spec
    if isinstance(spec, str):
        from nbopt.magics import parse_spec

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
