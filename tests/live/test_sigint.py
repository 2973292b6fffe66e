"""A real SIGINT (what a kernel interrupt sends) stops foreground runs cleanly."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap

import pytest

TIMEOUT = 60

SESSION_SCRIPT = textwrap.dedent(
    """
    import json, sys, threading
    from nbopt.live import Session

    class Forever:
        def __init__(self):
            self.n = 0
        finished = False
        def step(self):
            self.n += 1
            return self.n
        def reset(self):
            self.n = 0

    engine = Forever()
    session = Session(engine)
    events = []
    ready = threading.Event()

    def observe(batch):
        events.extend(batch.events)
        if batch.step >= 1000 and not ready.is_set():
            ready.set()
            print("ready", flush=True)

    session.observe(observe)
    state = session.run()
    print(json.dumps({
        "state": state,
        "steps": session.step_count,
        "engine": engine.n,
        "in_order": events == list(range(1, engine.n + 1)),
        "last": session.step_count,
    }), flush=True)
    """
)

RUN_SCRIPT = textwrap.dedent(
    """
    import json
    import numpy as np
    from nbopt import problems
    from nbopt.optimizers import GradientDescent, run

    seen = 0
    def f(v):
        global seen
        seen += 1
        if seen == 200:
            print("ready", flush=True)
        return float(v[0] ** 2 + v[1] ** 2)

    p = problems.Problem(f, grad=lambda v: 2 * v, bounds=((-2, 2), (-2, 2)))
    t = run(p, GradientDescent(lr=1e-9), start=(1.0, 1.0), steps=10**8, tol=0.0)
    expected = np.array([1.0, 1.0]) * (1 - 2e-9) ** np.arange(t.steps + 1)[:, None]
    print(json.dumps({
        "status": t.status,
        "steps": t.steps,
        "finite": bool(np.all(np.isfinite(t.positions))),
        "consistent": bool(np.allclose(t.positions, expected, rtol=1e-12)),
    }), flush=True)
    """
)


def interrupt(script: str) -> dict[str, object]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.strip() == "ready", line + (proc.stderr.read() if proc.stderr else "")
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    result: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    return result


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_sigint_stops_a_foreground_session_run() -> None:
    result = interrupt(SESSION_SCRIPT)
    assert result["state"] == "stopped"
    assert result["steps"] == result["engine"]
    assert isinstance(result["steps"], int) and result["steps"] >= 1000
    assert result["in_order"] is True


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_sigint_stops_run_with_every_finished_step_kept() -> None:
    result = interrupt(RUN_SCRIPT)
    assert result["status"] == "stopped"
    assert isinstance(result["steps"], int) and result["steps"] >= 100
    assert result["finite"] is True and result["consistent"] is True
