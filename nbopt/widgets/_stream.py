"""The streaming widget base: one transport, snapshot and control layer for every live view."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from nbopt.live import EventBatch, Session
from nbopt.widgets._protocol import ControlMessage, Envelope, message, pack

__all__ = ["IOPUB_WAIT", "StreamWidget"]

_STATIC = Path(__file__).resolve().parent.parent / "static"
_log = logging.getLogger(__name__)

#: Longest wait for the kernel's IOPub thread to send a stream message (seconds).
IOPUB_WAIT = 0.05

Arrays = list[tuple[str, Any]]
ControlHandler = Callable[[ControlMessage], None]


def _positive_int(value: Any, default: int = 1) -> int:
    return (
        int(value)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0
        else default
    )


class StreamWidget(anywidget.AnyWidget):  # type: ignore[misc]
    """Base of nbopt's live widgets: an engine on a Session, streamed to the browser.

    The widget owns the stream's epoch and sequence numbers, the snapshot (sent on request
    and kept in the one synced ``snapshot`` trait, so a saved notebook re-renders without a
    kernel), the coalesced appends (one per :class:`~nbopt.live.EventBatch`, at most
    ``max_flush_rate`` a second), the hand-over of each message to the kernel's IOPub
    thread, the control messages from the page (a table of handlers), play / pause / step /
    stop / reset / speed, and the static PNG that renderers without JavaScript show.

    A subclass draws one kind of engine. It implements the public hooks:

    - :meth:`build_snapshot` -> ``(meta, arrays)``: the whole drawable state now;
    - :meth:`build_append` -> ``(meta, arrays)`` or None: what one batch added;
    - :meth:`rebase`: the history starts over (reset, recompute);
    - :meth:`sync_traits`: refresh its Python-side traits from the engine;
    - :meth:`static_png`: the PNG fallback (None for none);
    - :meth:`control_handlers`: the base table plus its own controls.

    Parameters
    ----------
    session : nbopt.live.Session
        Drives the engine; the widget observes it.
    view : str
        Name of the frontend module that draws the widget (``"race"``, ``"search"``...).
    """

    _esm = _STATIC / "widget.js"
    _css = _STATIC / "widget.css"

    _uid = traitlets.Unicode("").tag(sync=True)
    _view = traitlets.Unicode("").tag(sync=True)
    steps_per_second = traitlets.Float(None, allow_none=True).tag(sync=True)
    snapshot = traitlets.Bytes(b"").tag(sync=True)
    state = traitlets.Unicode("idle")
    error = traitlets.Unicode(None, allow_none=True)

    def __init__(self, session: Session, *, view: str, **kwargs: Any) -> None:
        super().__init__(
            _uid=uuid.uuid4().hex,
            _view=view,
            steps_per_second=session.steps_per_second,
            **kwargs,
        )
        self._session = session
        self._lock = threading.RLock()
        self._epoch = 0
        self._seq = 0
        self._quiet_reset = False
        self._handlers: dict[str, ControlHandler] = dict(self.control_handlers())
        self._unobserve = session.observe(self._on_batch)
        self.on_msg(self._on_msg)
        # the outputs that show this widget (see _ipython_display_), and whether a page has
        # drawn it (any message from a view: a headless run never gets one)
        self._displays: list[Any] = []
        self._answered = False

    # ------------------------------------------------------------------ hooks
    def build_snapshot(self) -> tuple[dict[str, Any], Arrays]:
        """Return the whole drawable state as ``(meta, arrays)`` (between two steps)."""
        raise NotImplementedError

    def build_append(self, batch: EventBatch) -> tuple[dict[str, Any], Arrays] | None:
        """Return what ``batch`` added as ``(meta, arrays)``, or None to send nothing.

        Called on the session's thread, between two steps. What it sends may overlap the
        last snapshot: the frontend's reducer applies it idempotently.
        """
        raise NotImplementedError

    def rebase(self) -> None:
        """Forget what was streamed: the history starts over (a reset or a recompute)."""

    def sync_traits(self) -> None:
        """Refresh the Python-side traits (``state``, ``error`` and the subclass's own)."""
        with self._lock, self.hold_sync():
            self.state = self.display_state()
            self.error = self.error_text()

    def static_png(self) -> bytes | None:
        """Return a PNG of the current state for renderers without JavaScript (or None)."""
        return None

    def control_handlers(self) -> Mapping[str, ControlHandler]:
        """Return the control messages this widget answers, by ``type``.

        A subclass returns ``{**super().control_handlers(), "its_own": handler}``.
        """
        return {
            "snapshot_request": lambda _m: self.send_snapshot(store=False),
            "play": lambda _m: self.play(),
            "pause": lambda _m: self.pause(),
            "step": lambda m: self.step_once(_positive_int(m.get("n", 1))),
            "stop": lambda _m: self.stop(),
            "reset": lambda _m: self.reset(),
            "speed": self._speed_control,
        }

    def display_state(self) -> str:
        """Return the state the views show (the session's, unless a subclass knows better)."""
        return str(self._session.state)

    def error_text(self) -> str | None:
        """Return ``"Type: message"`` of the engine's error, or None."""
        err = self._session.error
        return None if err is None else f"{type(err).__name__}: {err}"

    # ------------------------------------------------------------------ public API
    @property
    def session(self) -> Session:
        """The :class:`~nbopt.live.Session` driving the engine."""
        return self._session

    def play(self) -> None:
        """Run (in the background) until the engine ends or :meth:`pause`."""
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

    def reset(self) -> None:
        """Back to the start, paused."""
        self._session.reset()

    def run(self) -> str:
        """Run to the end in the foreground and return the final state.

        Ctrl-C (a kernel interrupt) stops cleanly, keeping every finished step. An
        exception from the engine ends the run in state ``"error"``: the widget shows it
        (``.error``) instead of raising, like a background run.
        """
        try:
            state = str(self._session.run())
        except Exception:
            if self._session.state != "error":
                raise
            state = "error"
        # the final state, kept from this thread as wait() does: the session thread's own
        # last snapshot may come after run() has returned
        self.keep_final_state()
        return state

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the run pauses or ends; False if ``timeout`` passed first.

        The state it ended in is then kept in the ``snapshot`` trait from the calling
        thread: a notebook run headless (nbclient, ``nbconvert --execute``) records only
        what the cell being executed sends, so the session thread's last snapshot, sent
        after the displaying cell ended, would be missing from the saved notebook.
        """
        done = self._session.wait(timeout)
        if done:
            self.keep_final_state()
        return done

    def keep_final_state(self) -> None:
        """Keep the state the run ended in, from the calling thread.

        The ``snapshot`` trait is stored (what a saved notebook redraws the widget from),
        and, when no page has drawn the widget (a headless run: nbclient, ``nbconvert
        --execute``), its outputs are updated so that their PNG shows the end of the run
        rather than the moment it was displayed, as GitHub and nbviewer show it.
        """
        self.store_snapshot()
        if not self._answered:
            self.refresh_displays()

    def refresh_displays(self) -> None:
        """Show the current state in every output displaying this widget (view and PNG).

        A page that already draws the widget redraws a new view of the same model.
        """
        if not self._displays:
            return
        data, metadata = self._bundle()
        for handle in self._displays:
            try:
                handle.update(data, metadata=metadata, raw=True)
            except Exception:
                # the widget itself is shown already; only the static copy stays behind
                _log.exception("nbopt: updating a displayed output failed")

    def _ipython_display_(self, **kwargs: Any) -> None:
        """Display the widget (view and PNG) as an output that :meth:`refresh_displays` updates."""
        from IPython import display as ipython_display

        display: Any = ipython_display.display  # IPython has no type annotations
        data, metadata = self._bundle(**kwargs)
        handle = display(data, metadata=metadata, raw=True, display_id=True)
        if handle is not None:
            self._displays.append(handle)

    def close(self) -> None:
        """Stop the run and close the widget (its comm and views)."""
        if hasattr(self, "_session"):  # close() also runs from __del__ of a failed __init__
            self._unobserve()
            self._session.stop(wait=False)
        super().close()

    def _bundle(self, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        """Return the output's data and metadata (:meth:`_repr_mimebundle_` as a pair)."""
        bundle = self._repr_mimebundle_(**kwargs)
        return bundle if isinstance(bundle, tuple) else (bundle, {})

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        # the widget view for live frontends; a static PNG of the same state for every other
        # renderer (GitHub, nbviewer, exported HTML/PDF)
        bundle = super()._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        if isinstance(data, dict):
            try:
                png = self.static_png()
                if png is not None:
                    from nbopt.export._common import palette_png

                    png = palette_png(png)
            except Exception:
                # the widget view is the main output: a failing fallback must not hide it
                _log.exception("nbopt: drawing the static PNG fallback failed")
                png = None
            if png is not None:
                data["image/png"] = png
        return bundle

    # ------------------------------------------------------------------ stream
    def snapshot_message(self) -> tuple[Envelope, list[bytes]]:
        """Encode the whole current state as one snapshot message (between two steps).

        Its ``seq`` is that of the last append sent: everything those appends carried is
        in it.
        """
        with self._lock:
            epoch, seq = self._epoch, self._seq
        meta, arrays = self.build_snapshot()
        return message("snapshot", epoch, seq, meta, arrays)

    def send_snapshot(self, *, store: bool) -> None:
        """Give every view the current state, over one carrier only.

        ``store``: in the ``snapshot`` trait (its sync reaches every view, and a saved
        notebook keeps it); otherwise as a message (the answer to a view's request).
        """
        content, buffers = self._session.call(self.snapshot_message)
        if store:
            with self._lock:
                self.snapshot = pack(content, buffers)
        else:
            self.send(content, buffers)

    def store_snapshot(self) -> None:
        """Keep the current state in the ``snapshot`` trait (saved with the notebook)."""
        content, buffers = self.snapshot_message()
        with self._lock:
            self.snapshot = pack(content, buffers)

    def new_epoch(self) -> None:
        """Start a new epoch: the stream goes on from the next snapshot."""
        with self._lock:
            self._epoch += 1
            self.rebase()

    def send_append(self, meta: dict[str, Any], arrays: Arrays) -> None:
        """Send one append (numbered next) and let the IOPub thread put it on the wire."""
        with self._lock:
            self._seq += 1
            content, buffers = message("append", self._epoch, self._seq, meta, arrays)
        self.send(content, buffers)
        self._let_iopub_send()

    def _on_batch(self, batch: EventBatch) -> None:
        """Session observer (session thread, between steps): stream one coalesced batch."""
        if batch.reset:
            self.new_epoch()
            self.sync_traits()
            if not self._quiet_reset:
                self.send_snapshot(store=True)
            return
        built = self.build_append(batch)
        if built is not None:
            self.send_append(*built)
        # the stream message already carries the state: the Python-side traits follow only
        # when the run starts or ends
        if batch.final or self.state != self.display_state():
            self.sync_traits()
        if batch.final:
            self.store_snapshot()

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

    # ------------------------------------------------------------------ controls
    def _on_msg(self, _widget: Any, content: Any, _buffers: Any) -> None:
        """Control messages from the frontend (run on the kernel's shell thread)."""
        self._answered = True
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            self.send({"type": "error", "message": "control message must have a string 'type'"})
            return
        kind = content["type"]
        handler = self._handlers.get(kind)
        if handler is None:
            known = ", ".join(sorted(self._handlers))
            self.send(
                {
                    "type": "error",
                    "message": f"unknown control message type {kind!r}; expected one of {known}",
                }
            )
            return
        self._control(kind, handler, content)

    def _control(self, kind: str, fn: Callable[..., Any], *args: Any) -> None:
        """Run one control; a failure is reported to the frontend, never raised."""
        try:
            fn(*args)
        except Exception as exc:
            # a bad control message or a failing recompute must not take the kernel down:
            # the frontend shows the message
            _log.warning("nbopt: control message %r failed: %s", kind, exc)
            self.send({"type": "error", "message": f"{kind}: {type(exc).__name__}: {exc}"})

    def _speed_control(self, content: ControlMessage) -> None:
        sps = content.get("steps_per_second")
        self.steps_per_second = None if sps is None else float(sps)

    @traitlets.observe("steps_per_second")
    def _on_speed(self, change: Any) -> None:
        if hasattr(self, "_session"):
            self._session.steps_per_second = change["new"]
