"""Random sequences of control calls keep the Session's delivery guarantees."""

from __future__ import annotations

import threading
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nbopt.live import EventBatch, Session

TIMEOUT = 30.0


class Counter:
    def __init__(self, total: int) -> None:
        self.total = total
        self.n = 0

    @property
    def finished(self) -> bool:
        return self.n >= self.total

    def step(self) -> int:
        self.n += 1
        return self.n

    def reset(self) -> None:
        self.n = 0


actions = st.lists(
    st.one_of(
        st.just(("play",)),
        st.just(("pause",)),
        st.tuples(st.just("step"), st.integers(1, 50)),
        st.just(("call",)),
        st.just(("wait",)),
        st.just(("reset",)),
        st.just(("stop",)),
    ),
    max_size=12,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(total=st.integers(0, 3000), script=actions, flush_rate=st.sampled_from([5.0, 1000.0]))
def test_random_control_sequences_deliver_every_event_once(
    total: int, script: list[tuple[Any, ...]], flush_rate: float
) -> None:
    engine = Counter(total)
    session = Session(engine, max_flush_rate=flush_rate)
    batches: list[EventBatch] = []
    lock = threading.Lock()

    def observer(batch: EventBatch) -> None:
        with lock:
            batches.append(batch)

    session.observe(observer)
    for action in script:
        name = action[0]
        if name in ("play", "step") and session.state in ("stopped", "error"):
            session.reset()
        if name == "play":
            session.play()
        elif name == "pause":
            session.pause()
            assert session.state != "running"
            assert session.step_count == engine.n
        elif name == "step":
            session.step(action[1])
        elif name == "call":
            assert session.call(lambda: engine.n) <= total
        elif name == "wait":
            assert session.wait(TIMEOUT)
        elif name == "reset":
            session.reset()
            assert (session.state, session.step_count, engine.n) == ("idle", 0, 0)
        else:
            session.stop()
            assert session.state in ("stopped", "finished")
    session.stop()
    assert session.wait(TIMEOUT)
    assert session.step_count == engine.n

    # Between resets, the events are exactly 1..n, once each and in order.
    segments: list[list[int]] = [[]]
    open_run = False
    for batch in batches:
        if batch.reset:
            assert batch.final and batch.state == "idle" and not open_run
            segments.append([])
            continue
        if not open_run and not batch.final:
            assert batch.state == "running" and batch.events == []
            open_run = True
            continue
        segments[-1].extend(batch.events)
        if batch.final:
            assert batch.state in ("paused", "finished", "stopped")
            open_run = False
        assert batch.step == len(segments[-1])
    assert not open_run
    for segment in segments:
        assert segment == list(range(1, len(segment) + 1))
    assert len(segments[-1]) == engine.n
