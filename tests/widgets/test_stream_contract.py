"""Stream contract of every widget: a snapshot followed by every append equals a fresh snapshot.

The messages a widget really sends are reduced by the frontend's own store (js/core/store.ts
and the view's reducer), run in node from a bundle of js/testing/replay.ts.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from nbopt import problems
from nbopt.optimizers import SGD, Adam, GradientDescent, Race
from nbopt.widgets import OptimizerRace
from nbopt.widgets._protocol import pack

ROOT = Path(__file__).resolve().parents[2]
RUNNER = """
const fs = require("fs");
const { replay } = require(process.argv[2]);
const dir = process.argv[3];
const spec = JSON.parse(fs.readFileSync(dir + "/spec.json", "utf8"));
const read = (f) => new Uint8Array(fs.readFileSync(dir + "/" + f));
const out = replay(spec.view, spec.stream.map(read), read(spec.fresh));
process.stdout.write(JSON.stringify(out));
"""


@pytest.fixture(scope="module")
def replayer(tmp_path_factory):
    """Return ``replay(view, stream, fresh)`` running the frontend's reducers in node."""
    node = shutil.which("node")
    esbuild = ROOT / "node_modules" / ".bin" / "esbuild"
    if node is None or not esbuild.exists():
        pytest.fail("node and node_modules are needed: run `npm ci` (make test does)")
    out = tmp_path_factory.mktemp("replay")
    bundle = out / "replay.cjs"
    subprocess.run(
        [
            str(esbuild),
            str(ROOT / "js" / "testing" / "replay.ts"),
            "--bundle",
            "--platform=node",
            "--format=cjs",
            f"--outfile={bundle}",
            "--log-level=warning",
        ],
        check=True,
        cwd=ROOT,
    )
    runner = out / "runner.cjs"
    runner.write_text(RUNNER)
    counter = iter(range(10**6))

    def replay(view, stream, fresh):
        work = out / f"case{next(counter)}"
        work.mkdir()
        names = []
        for i, packed in enumerate(stream):
            (work / f"{i:05d}.bin").write_bytes(packed)
            names.append(f"{i:05d}.bin")
        (work / "fresh.bin").write_bytes(fresh)
        (work / "spec.json").write_text(
            json.dumps({"view": view, "stream": names, "fresh": "fresh.bin"})
        )
        done = subprocess.run(
            [node, str(runner), str(bundle), str(work)], capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    return replay


class Recorder:
    """Keep every message a widget sends, packed, in the order it sent them."""

    def __init__(self, widget):
        self.widget = widget
        self.messages: list[tuple[str, bytes]] = []
        self._lock = threading.Lock()
        self._send = widget.send
        widget.send = self.send

    def send(self, content, buffers=None):
        if content.get("type") in ("snapshot", "append"):
            with self._lock:
                self.messages.append((content["type"], pack(content, buffers or [])))
        self._send(content, buffers)

    def since_snapshot(self, k: int = -1) -> list[bytes]:
        """The ``k``-th snapshot sent and every message after it (what a late view sees)."""
        with self._lock:
            idx = [i for i, (t, _) in enumerate(self.messages) if t == "snapshot"]
            return [m for _, m in self.messages[idx[k] :]]

    def all(self) -> list[bytes]:
        with self._lock:
            return [m for _, m in self.messages]


def assert_same(streamed, fresh, path="state"):
    """Equal structures; floats equal to 1e-9 relative (a refitted projection's rounding)."""
    if isinstance(fresh, dict):
        assert isinstance(streamed, dict) and streamed.keys() == fresh.keys(), path
        for k in fresh:
            assert_same(streamed[k], fresh[k], f"{path}.{k}")
    elif isinstance(fresh, list):
        assert isinstance(streamed, list) and len(streamed) == len(fresh), (
            f"{path}: {len(streamed)} != {len(fresh)}"
        )
        for i, (a, b) in enumerate(zip(streamed, fresh)):
            assert_same(a, b, f"{path}[{i}]")
    elif isinstance(fresh, float) and isinstance(streamed, (int, float)):
        assert math.isclose(streamed, fresh, rel_tol=1e-9, abs_tol=1e-12), (
            f"{path}: {streamed} != {fresh}"
        )
    else:
        assert streamed == fresh, f"{path}: {streamed!r} != {fresh!r}"


def fresh_snapshot(widget) -> bytes:
    content, buffers = widget.snapshot_message()
    return pack(content, buffers)


def check_contract(replayer, widget, stream):
    out = replayer("race", stream, fresh_snapshot(widget))
    assert not out["stale"], "the stream had a hole"
    assert_same(out["streamed"], out["fresh"])
    return out


def run_recorded(race, **kwargs):
    w = OptimizerRace(race, steps_per_second=kwargs.pop("steps_per_second", None), **kwargs)
    rec = Recorder(w)
    initial = bytes(w.snapshot)
    w.play()
    assert w.wait(timeout=120)
    return w, rec, initial


def test_a_race_with_a_divergence_streams_what_a_fresh_snapshot_holds(replayer):
    race = Race(
        "rosenbrock",
        {"GD": GradientDescent(lr=1.0), "Adam": Adam(lr=0.05), "SGD": SGD(lr=1e-3, momentum=0.9)},
        start=(-1.5, 2.0),
        steps=600,
    )
    w, rec, initial = run_recorded(race)
    assert w.statuses[0] == "diverged"
    out = check_contract(replayer, w, [initial, *rec.all()])
    assert out["streamed"]["traces"][0]["exit"] is not None
    assert len(out["streamed"]["traces"][1]["path"]["steps"]) == 601


def test_a_view_that_joins_mid_run_catches_up(replayer):
    race = Race("booth", {"GD": GradientDescent(lr=0.01), "Adam": Adam(lr=0.1)}, steps=1500, tol=0)
    w = OptimizerRace(race, steps_per_second=1500.0)
    rec = Recorder(w)
    w.play()
    deadline = time.monotonic() + 60
    while race.step_count < 200 and time.monotonic() < deadline:
        time.sleep(0.01)
    w._on_msg(w, {"type": "snapshot_request"}, [])
    w.steps_per_second = None
    assert w.wait(timeout=120)
    check_contract(replayer, w, rec.since_snapshot(0))


def test_model_problems_stream_their_fitted_lines_and_validation_losses(replayer):
    race = Race(
        "linear_regression",
        {"SGD": SGD(lr=0.05), "Adam": Adam(lr=0.1)},
        steps=400,
        batch_size=8,
        seed=1,
    )
    w, rec, initial = run_recorded(race)
    out = check_contract(replayer, w, [initial, *rec.all()])
    trace = out["streamed"]["traces"][0]
    assert trace["line_y"] is not None and trace["val_loss"] is not None


def test_many_parameters_stream_the_projection_of_a_fresh_snapshot(replayer):
    race = Race("mlp", {"Adam": Adam(lr=0.01), "SGD": SGD(lr=0.1)}, steps=60, batch_size=16, seed=0)
    w, rec, initial = run_recorded(race)
    out = check_contract(replayer, w, [initial, *rec.all()])
    assert out["streamed"]["meta"]["axis_labels"][0].startswith("PC1 (")


def test_a_failing_objective_streams_the_error_and_the_step_to_every_view(replayer):
    def f(x):
        if x[0] < 0.3:
            raise ArithmeticError("objective blew up")
        return float(x[0] ** 2 + x[1] ** 2)

    problem = problems.Problem(f, bounds=((-2, 2), (-2, 2)), name="fragile")
    race = Race(problem, {"GD": GradientDescent(lr=0.1)}, start=(1.0, 1.0), steps=500)
    w, rec, initial = run_recorded(race)
    assert w.state == "error" and w.statuses == ["error"]
    out = check_contract(replayer, w, [initial, *rec.all()])
    assert out["streamed"]["meta"]["state"] == "error"
    assert "objective blew up" in out["streamed"]["meta"]["error"]
    trace = out["streamed"]["traces"][0]
    assert trace["status"] == "error" and trace["step"] == race.step_count > 0
    assert np.isfinite(trace["loss"])
