"""Helpers of the widget tests."""

from __future__ import annotations

import math
import threading

from nbopt.widgets._protocol import decode_arrays, pack, unpack


def recording(widget_class):
    """A subclass of ``widget_class`` that keeps a copy of every custom message it sends."""

    class Recording(widget_class):
        def __init__(self, *args, **kwargs):
            self.sent = []
            self._sent_lock = threading.Lock()
            super().__init__(*args, **kwargs)

        def send(self, content, buffers=None):
            with self._sent_lock:
                self.sent.append((content, list(buffers or [])))
            super().send(content, buffers)

        def of_type(self, kind):
            with self._sent_lock:
                return [(c, b) for c, b in self.sent if c["type"] == kind]

    Recording.__name__ = f"Recording{widget_class.__name__}"
    return Recording


class Recorder:
    """Every snapshot and append a widget sends, packed, in the order it sent them."""

    def __init__(self, widget):
        self.messages: list[tuple[str, bytes]] = []
        self._lock = threading.Lock()
        self._send = widget.send
        widget.send = self.send
        # a stored snapshot reaches the views through the trait, in the same order
        widget.observe(self._stored, names="snapshot")

    def _stored(self, change):
        with self._lock:
            self.messages.append(("snapshot", bytes(change["new"])))

    def send(self, content, buffers=None):
        if content.get("type") in ("snapshot", "append"):
            with self._lock:
                self.messages.append((content["type"], pack(content, buffers or [])))
        self._send(content, buffers)

    def all(self) -> list[bytes]:
        with self._lock:
            return [m for _, m in self.messages]

    def since_snapshot(self, k: int) -> list[bytes]:
        with self._lock:
            idx = [i for i, (t, _) in enumerate(self.messages) if t == "snapshot"]
            return [m for _, m in self.messages[idx[k] :]]

    def appends(self) -> list[tuple[dict, dict]]:
        with self._lock:
            packed = [m for t, m in self.messages if t == "append"]
        out = []
        for m in packed:
            content, buffers = unpack(m)
            out.append((content["meta"], decode_arrays(content, buffers)))
        return out


def assert_same(streamed, fresh, path="state", rel_tol=1e-9):
    """Equal structures; floats equal to ``rel_tol`` (a refitted projection's rounding)."""
    if isinstance(fresh, dict):
        assert isinstance(streamed, dict) and streamed.keys() == fresh.keys(), path
        for k in fresh:
            assert_same(streamed[k], fresh[k], f"{path}.{k}", rel_tol)
    elif isinstance(fresh, list):
        assert isinstance(streamed, list) and len(streamed) == len(fresh), (
            f"{path}: {len(streamed)} != {len(fresh)}"
        )
        for i, (a, b) in enumerate(zip(streamed, fresh)):
            assert_same(a, b, f"{path}[{i}]", rel_tol)
    elif isinstance(fresh, float) and isinstance(streamed, (int, float)):
        assert math.isclose(streamed, fresh, rel_tol=rel_tol, abs_tol=1e-12), (
            f"{path}: {streamed} != {fresh}"
        )
    else:
        assert streamed == fresh, f"{path}: {streamed!r} != {fresh!r}"


def check_contract(replayer, widget, stream, rel_tol=1e-9):
    """Replay ``stream`` through the view's store and compare with a fresh snapshot."""
    content, buffers = widget.snapshot_message()
    out = replayer(widget._view, stream, pack(content, buffers))
    assert not out["stale"], "the stream had a hole"
    assert_same(out["streamed"], out["fresh"], rel_tol=rel_tol)
    return out
