"""Helpers of the widget tests."""

from __future__ import annotations

import threading


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
