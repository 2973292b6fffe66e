"""nbopt.widgets.OptimizerRace and optimize: streaming, snapshots and controls, no browser."""

from __future__ import annotations

import json

import numpy as np
import pytest
from widgethelpers import recording

from nbopt import problems
from nbopt.drawing import DEFAULT_MAX_POINTS, MAX_POINTS_PER_UPDATE, race_info
from nbopt.optimizers import SGD, Adam, GradientDescent, Race
from nbopt.widgets import OptimizerRace, optimize
from nbopt.widgets._protocol import decode_arrays, message, pack, unpack
from nbopt.widgets._race import INTERACTIVE_BUDGET, encode_snapshot

Recording = recording(OptimizerRace)


def arrays(content, buffers):
    """Decode a message the way js/core/protocol.ts does."""
    return decode_arrays(content, buffers)


def rosenbrock_race(steps=300, **kw):
    return Race(
        "rosenbrock",
        {"SGD": SGD(lr=1e-3, momentum=0.9), "Adam": Adam(lr=0.05)},
        start=(-1.5, 2.0),
        steps=steps,
        **kw,
    )


# ------------------------------------------------------------------ protocol


def test_pack_round_trip_and_alignment():
    content, buffers = message(
        "append",
        3,
        7,
        {"step": 1},
        [
            ("a", np.arange(3.0)),
            ("b", np.array([[np.nan, np.inf]])),
            ("n", np.arange(3)),
            ("f", np.ones(3, dtype=np.float32)),
            ("mask", np.array([True, False, True])),
            ("big", np.array([2**40])),
        ],
    )
    assert content["arrays"] == [
        {"name": "a", "dtype": "float64", "shape": [3]},
        {"name": "b", "dtype": "float64", "shape": [1, 2]},
        {"name": "n", "dtype": "int32", "shape": [3]},
        {"name": "f", "dtype": "float32", "shape": [3]},
        {"name": "mask", "dtype": "uint8", "shape": [3]},
        {"name": "big", "dtype": "float64", "shape": [1]},
    ]
    packed = pack(content, buffers)
    head = int.from_bytes(packed[:4], "little")
    assert len(packed) % 8 == 0 and len(packed) >= 4 + head
    c2, b2 = unpack(packed)
    assert c2 == content and b2 == buffers
    got = arrays(c2, b2)
    assert np.isnan(got["b"][0, 0]) and got["b"][0, 1] == np.inf
    assert got["n"].tolist() == [0, 1, 2] and got["mask"].tolist() == [1, 0, 1]
    assert got["big"][0] == 2**40
    with pytest.raises(ValueError, match="truncated"):
        unpack(packed[:-8])


def test_snapshot_message_is_strict_json_with_typed_buffers():
    race = rosenbrock_race(steps=50)
    race.run_to_end()
    meta, arrs = encode_snapshot(race_info(race), interactive=True)
    content, buffers = message("snapshot", 0, 1, meta, arrs)
    json.dumps(content, allow_nan=False)  # no NaN/inf sneaks into the JSON part
    a = arrays(content, buffers)
    assert a["land.z"].shape == (len(a["land.y"]), len(a["land.x"]))
    assert a["t0.path"].shape == (len(a["t0.path_steps"]), 2)
    assert [t["name"] for t in content["meta"]["traces"]] == ["SGD", "Adam"]


# ------------------------------------------------------------------ streaming


def test_background_run_streams_the_whole_trajectory_in_coalesced_batches():
    race = rosenbrock_race(steps=400)
    w = Recording(race, steps_per_second=None)
    w.play()
    assert w.wait(timeout=60)
    assert w.state == "finished" and w.step == 400
    appends = w.of_type("append")
    # coalesced: far fewer messages than steps
    assert 1 <= len(appends) < 400
    trajs = race.trajectories()
    for i, name in enumerate(race.names):
        steps, pos, loss = [], [], []
        for c, b in appends:
            a = arrays(c, b)
            steps.extend(a[f"t{i}.steps"].astype(int))
            pos.append(a[f"t{i}.pos"])
            loss.append(a[f"t{i}.loss"])
        steps = np.array(steps)
        assert np.all(np.diff(steps) > 0) and steps[-1] == trajs[name].steps
        full = trajs[name]
        np.testing.assert_array_equal(np.concatenate(pos), full.positions[steps])
        np.testing.assert_array_equal(np.concatenate(loss), full.losses[steps])
    final = appends[-1][0]["meta"]
    assert final["state"] == "finished"
    assert [t["status"] for t in final["traces"]] == [t.status for t in trajs.values()]
    # a finished run is also stored in the synced trait, for saved notebooks
    c, b = unpack(w.snapshot)
    assert c["type"] == "snapshot" and c["meta"]["step"] == 400 and c["meta"]["state"] == "finished"


def test_a_flush_never_carries_more_than_the_point_budget():
    race = Race("booth", {"GD": GradientDescent(lr=0.01)}, steps=5000, tol=0.0)
    w = Recording(race, steps_per_second=None)
    w.play()
    assert w.wait(timeout=60)
    batches = [arrays(c, b)["t0.steps"] for c, b in w.of_type("append")]
    for steps in batches:
        if len(steps) and steps[-1] >= DEFAULT_MAX_POINTS:
            assert len(steps) <= MAX_POINTS_PER_UPDATE
        elif len(steps):  # what a snapshot holds whole is streamed whole
            assert np.array_equal(steps, np.arange(steps[0], steps[0] + len(steps)))
    last = arrays(*w.of_type("append")[-1])["t0.steps"]
    assert last[-1] == race.trajectories()["GD"].steps  # the latest point is never dropped


def test_snapshot_request_answers_with_everything_so_far():
    w = Recording(rosenbrock_race(steps=200), steps_per_second=None)
    w.step_once(37)
    assert w.wait(timeout=30)
    w._on_msg(w, {"type": "snapshot_request"}, [])
    c, b = w.of_type("snapshot")[-1]
    assert c["meta"]["step"] == 37 and c["meta"]["state"] == "paused"
    a = arrays(c, b)
    assert a["t0.path_steps"].tolist() == list(range(38))


# ------------------------------------------------------------------ controls


def test_control_messages_drive_the_session():
    w = Recording(rosenbrock_race(steps=100_000), steps_per_second=200.0)
    assert not w.interactive  # 200k optimizer-steps: applied from the next step instead
    w._on_msg(w, {"type": "play"}, [])
    w._on_msg(w, {"type": "pause"}, [])
    assert w.session.state == "paused"
    before = w.race.step_count
    w._on_msg(w, {"type": "step", "n": 3}, [])
    assert w.wait(timeout=30)
    assert w.race.step_count == before + 3
    w._on_msg(w, {"type": "speed", "steps_per_second": 1000}, [])
    assert w.session.steps_per_second == 1000.0
    w._on_msg(w, {"type": "speed", "steps_per_second": None}, [])
    assert w.session.steps_per_second is None
    w._on_msg(w, {"type": "set_lr", "name": "Adam", "lr": 0.2}, [])
    assert w.race.runs["Adam"].optimizer.lr == 0.2 and w.lrs == [1e-3, 0.2]
    assert w.race.step_count == before + 3  # a long run keeps its history
    w._on_msg(w, {"type": "reset"}, [])
    assert w.race.step_count == 0 and w.state == "idle"
    assert unpack(w.snapshot)[0]["meta"]["step"] == 0  # the reset is in the trait
    w.stop()


@pytest.mark.parametrize(
    "msg",
    [
        {"type": "eval", "code": "1"},
        {"type": "set_lr", "name": "nope", "lr": 0.1},
        {"type": "set_lr", "name": "Adam", "lr": -1},
        {"type": "set_lr", "name": "Adam", "lr": "big"},
        {"type": "set_start", "x": "a", "y": 0},
        {"type": "set_start", "x": float("nan"), "y": 0},
        {"no": "type"},
        ["not", "a", "dict"],
    ],
)
def test_malformed_control_messages_are_answered_with_an_error(msg):
    w = Recording(rosenbrock_race(steps=20), steps_per_second=None)
    w._on_msg(w, msg, [])
    (err,) = w.of_type("error")
    assert isinstance(err[0]["message"], str) and err[0]["message"]
    assert w.race.runs["Adam"].optimizer.lr == 0.05


def test_cheap_races_are_recomputed_at_once_when_the_lr_or_start_changes():
    w = Recording(rosenbrock_race(steps=300), steps_per_second=None)
    assert w.interactive and 300 * 2 < INTERACTIVE_BUDGET
    w.set_lr("Adam", 0.1)  # from idle: the whole race is computed
    assert w.state == "finished" and w.step == 300
    expected = Race("rosenbrock", {"Adam": Adam(lr=0.1)}, start=(-1.5, 2.0), steps=300)
    expected.run_to_end()
    got = w.race.trajectories()["Adam"].positions
    np.testing.assert_array_equal(got, expected.trajectories()["Adam"].positions)
    first_epoch = unpack(w.snapshot)[0]["epoch"]
    c, b = unpack(w.snapshot)  # every view gets it through the trait (saved notebooks too)
    assert c["meta"]["traces"][1]["lr"] == 0.1 and c["meta"]["state"] == "finished"
    assert not w.of_type("snapshot")  # one carrier: no message besides the trait
    sgd_before = w.race.trajectories()["SGD"]
    w.set_lr("Adam", 0.2)  # finished: only Adam is replayed, SGD keeps its history
    expected = Race("rosenbrock", {"Adam": Adam(lr=0.2)}, start=(-1.5, 2.0), steps=300)
    expected.run_to_end()
    trajs = w.race.trajectories()
    want = expected.trajectories()["Adam"].positions
    np.testing.assert_array_equal(trajs["Adam"].positions, want)
    np.testing.assert_array_equal(trajs["SGD"].positions, sgd_before.positions)
    c, _ = unpack(w.snapshot)
    assert c["meta"]["traces"][1]["lr"] == 0.2 and c["meta"]["step"] == 300
    w._on_msg(w, {"type": "set_start", "x": 0.5, "y": -0.5}, [])
    assert w._wait_tuned(30)
    assert w.race.start.tolist() == [0.5, -0.5] and w.state == "finished"
    c, b = unpack(w.snapshot)
    assert arrays(c, b)["start"].tolist() == [[0.5, -0.5]]
    assert c["epoch"] > first_epoch


def test_slider_moves_while_a_recompute_runs_are_coalesced_to_the_newest():
    w = Recording(rosenbrock_race(steps=300), steps_per_second=None)
    w.run()
    epoch = unpack(w.snapshot)[0]["epoch"]
    lrs = [0.01 * k for k in range(1, 21)]
    # the engine is busy (its lock held here): the moves pile up as a slider drag would
    with w.session._engine_lock:
        for lr in lrs:
            w._on_msg(w, {"type": "set_lr", "name": "Adam", "lr": lr}, [])
        w._on_msg(w, {"type": "set_start", "x": 0.5, "y": -0.5}, [])
        w._on_msg(w, {"type": "set_start", "x": 0.0, "y": 1.0}, [])
    assert w._wait_tuned(30)
    # at most the move taken before the lock, then one recompute with the newest values
    assert 1 <= unpack(w.snapshot)[0]["epoch"] - epoch <= 3
    assert w.race.runs["Adam"].optimizer.lr == lrs[-1]
    assert w.race.start.tolist() == [0.0, 1.0] and w.state == "finished"
    expected = Race(
        "rosenbrock",
        {"SGD": SGD(lr=1e-3, momentum=0.9), "Adam": Adam(lr=lrs[-1])},
        start=(0.0, 1.0),
        steps=300,
    )
    expected.run_to_end()
    for name, traj in expected.trajectories().items():
        np.testing.assert_array_equal(w.race.trajectories()[name].positions, traj.positions)
    assert not w.of_type("error")


def test_a_diverging_optimizer_is_reported_and_the_others_go_on():
    race = Race(
        "rosenbrock",
        {"GD": GradientDescent(lr=1.0), "Adam": Adam(lr=0.05)},
        start=(-1.5, 2.0),
        steps=200,
    )
    w = Recording(race, steps_per_second=None)
    w.play()
    assert w.wait(timeout=30)
    assert w.statuses == ["diverged", "max_steps"] and w.state == "finished"
    meta = w.of_type("append")[-1][0]["meta"]["traces"][0]
    assert (
        meta["status"] == "diverged"
        and meta["diverged_at"] == race.trajectories()["GD"].diverged_at
    )
    assert meta["exit"] is not None
    c, _ = unpack(w.snapshot)
    assert c["meta"]["traces"][0]["diverged_at"] == meta["diverged_at"]


def failing_problem():
    def f(x):
        # undefined left of x = 0.3: part of the landscape, and the run gets there
        if x[0] < 0.3:
            raise ArithmeticError("objective blew up")
        return float(x[0] ** 2 + x[1] ** 2)

    return problems.Problem(f, bounds=((-2, 2), (-2, 2)), name="fragile")


@pytest.mark.parametrize("block", [False, True])
def test_a_failing_objective_ends_the_run_in_error_without_raising(block):
    # the failure is in a user function: the widget shows it, the kernel lives on
    problem = failing_problem()
    w = optimize(problem, {"GD": GradientDescent(lr=0.1)}, start=(1.0, 1.0), steps=500, block=block)
    assert w.wait(timeout=30)
    assert w.state == "error"
    assert "objective blew up" in w.error
    c, _ = unpack(w.snapshot)
    assert c["meta"]["state"] == "error" and "objective blew up" in c["meta"]["error"]
    land = w.info().landscape
    assert np.isnan(land.z[:, land.x < 0.3]).all() and np.isfinite(land.z[:, land.x > 0.3]).all()
    w.reset()
    assert w.state == "idle"


def test_many_parameters_stream_a_projection_that_replaces_the_paths():
    race = Race("mlp", {"Adam": Adam(lr=0.01)}, steps=80, batch_size=16, seed=0)
    w = Recording(race, steps_per_second=None)
    w.play()
    assert w.wait(timeout=60)
    projected = [(c, b) for c, b in w.of_type("append") if c["meta"]["projection"]]
    assert projected, "a final batch always carries a projection"
    c, b = projected[-1]
    a = arrays(c, b)
    assert c["meta"]["projection"]["axis_labels"][0].startswith("PC1 (")
    info = w.info()
    np.testing.assert_allclose(a["t0.path"], info.traces[0].path, atol=1e-9)


def test_png_fallback_and_repr():
    w = optimize("booth", {"GD": GradientDescent(lr=0.05)}, steps=30, block=True)
    data, _meta = w._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data
    assert data["image/png"][:8] == b"\x89PNG\r\n\x1a\n"
    assert repr(w) == "OptimizerRace('booth', ['GD'], step 30/30, finished)"


# ------------------------------------------------------------------ optimize()


def test_optimize_accepts_specs_lists_and_problems():
    w = optimize(
        "booth", {"fast": "sgd(lr=0.05, momentum=0.9)", "Adam": Adam(lr=0.1)}, steps=5, block=True
    )
    assert w.names == ["fast", "Adam"] and w.race.runs["fast"].optimizer.momentum == 0.9
    w = optimize(
        problems.get("booth"), [Adam(lr=0.1), Adam(lr=0.2), SGD(lr=0.01)], steps=5, block=True
    )
    assert w.names == ["Adam", "Adam (2)", "SGD"]
    assert w.lrs == [0.1, 0.2, 0.01]


@pytest.mark.parametrize(
    ("problem", "optimizers", "error", "match"),
    [
        (42, {"GD": GradientDescent(lr=0.1)}, TypeError, "problem must be a name"),
        ("booth", {}, ValueError, "at least one"),
        ("booth", {"GD": 0.1}, TypeError, "expected an nbopt Optimizer"),
        ("booth", {"GD": "newton(lr=1)"}, ValueError, "newton"),
        ("booth", {"GD": "sgd(lr=1, bogus=2)"}, ValueError, "bogus"),
        ("booth", "adam", TypeError, "optimizers must be"),
        ("nope", {"GD": GradientDescent(lr=0.1)}, ValueError, "nope"),
    ],
)
def test_optimize_rejects_bad_input_with_a_clear_message(problem, optimizers, error, match):
    with pytest.raises(error, match=match):
        optimize(problem, optimizers, steps=5, block=True)


def test_non_blocking_optimize_returns_at_once_and_runs_in_the_background():
    w = optimize("rosenbrock", {"Adam": Adam(lr=0.05)}, steps=600)
    assert w.session.state in ("running", "finished")
    assert w.steps_per_second == pytest.approx(100.0)  # a short race lasts about six seconds
    w.steps_per_second = None
    assert w.wait(timeout=30) and w.step == 600


def _fake_display(monkeypatch):
    """IPython's display, recording each output's data and its updates."""
    import IPython.display

    outputs: list[list[dict]] = []

    class Handle:
        def __init__(self, out):
            self.out = out

        def update(self, data, **kwargs):
            self.out.append(data)

    def display(obj, metadata=None, raw=False, display_id=False):
        if not raw:
            obj._ipython_display_()
            return None
        outputs.append([obj])
        return Handle(outputs[-1]) if display_id else None

    monkeypatch.setattr(IPython.display, "display", display)
    return outputs


@pytest.mark.parametrize("answered", [False, True])
def test_wait_updates_the_png_of_an_output_no_page_drew(monkeypatch, answered):
    # a headless run (nbclient) keeps each output as displayed: the PNG of a race shown
    # while it ran is replaced by the end's when wait() returns; a page that draws the
    # widget (it has sent a message) keeps its view
    import IPython.display

    outputs = _fake_display(monkeypatch)
    w = OptimizerRace(rosenbrock_race(steps=200), steps_per_second=2000)
    IPython.display.display(w)
    if answered:
        w._on_msg(w, {"type": "snapshot_request"}, [])
    w.play()
    assert w.wait(timeout=60)
    ((first, *updates),) = outputs
    assert "application/vnd.jupyter.widget-view+json" in first
    if answered:
        assert updates == []
    else:
        (last,) = updates
        assert last["image/png"][:8] == b"\x89PNG\r\n\x1a\n"
        assert last["image/png"] != first.get("image/png")
    w.close()
