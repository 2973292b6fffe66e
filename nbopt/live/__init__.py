"""Drive any step-by-step engine in a background thread."""

from nbopt.live._session import Engine, EventBatch, ObserverError, Session, SessionState

__all__ = ["Engine", "EventBatch", "ObserverError", "Session", "SessionState"]
