"""Stream contract of every widget: a snapshot followed by every append equals a fresh snapshot.

The messages a widget really sends are reduced by the frontend's own store (js/core/store.ts
and the view's reducer), run in node from a bundle of js/testing/replay.ts.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from widgethelpers import Recorder, check_contract

import nbopt
from nbopt import problems, space
from nbopt.optimizers import SGD, Adam, GradientDescent, Race
from nbopt.widgets import OptimizerRace, SearchDashboard
from nbopt.widgets._protocol import decode_arrays, pack, unpack

ROOT = Path(__file__).resolve().parents[2]


def fresh_snapshot(widget) -> bytes:
    content, buffers = widget.snapshot_message()
    return pack(content, buffers)


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


# ------------------------------------------------------------------ search dashboard

DIMS = {
    "lr": space.Float(1e-4, 1e-1, log=True),
    "layers": space.Int(1, 4),
    "act": space.Choice(["relu", "tanh", "<b>gelu</b>"]),
}


def objective(lr, layers, act):
    if layers == 3 and act == "tanh":
        raise ValueError("three tanh layers")
    if act == "relu":
        return {"value": (lr - 0.01) ** 2 * 1e4 + layers, "train": 0.5 * layers}
    return (lr - 0.01) ** 2 * 1e4 + layers + 1


def test_a_search_streams_what_a_fresh_snapshot_holds(replayer):
    res = nbopt.search(objective, DIMS, method="random", n_trials=400, seed=0, block=False)
    res.pause()
    d = SearchDashboard(res)
    rec = Recorder(d)
    initial = bytes(d.snapshot)
    res.play()
    assert res.wait(timeout=120)
    assert d.wait(timeout=60)
    d.session.wait(timeout=60)
    out = check_contract(replayer, d, [initial, *rec.all()])
    rows = out["streamed"]["rows"]
    assert len(rows) == 400 == len(res.trials)
    assert out["streamed"]["meta"]["metric_names"] == ["train"]
    assert any(r["state"] == 1 for r in rows)
    assert out["streamed"]["meta"]["header"]["n_done"] == 400


def test_a_dashboard_opened_mid_search_catches_up(replayer):
    def slow(lr, layers, act):
        time.sleep(0.002)
        return objective(lr, layers, act)

    res = nbopt.search(slow, DIMS, method="random", n_trials=300, seed=3, block=False)
    d = SearchDashboard(res)
    rec = Recorder(d)
    deadline = time.monotonic() + 60
    while len(res.trials) < 60 and time.monotonic() < deadline:
        time.sleep(0.01)
    d._on_msg(d, {"type": "snapshot_request"}, [])
    assert res.wait(timeout=120)
    d.session.wait(timeout=60)
    out = check_contract(replayer, d, rec.since_snapshot(0))
    assert len(out["streamed"]["rows"]) == 300


def test_a_maximized_search_with_a_pause_and_more_trials(replayer):
    dims = {"x": space.Float(-2, 2), "kind": space.Choice(["a", "b"])}

    def f(x, kind):
        return -(x**2) + (kind == "b")

    res = nbopt.search(
        f, dims, method="random", n_trials=100, seed=1, direction="maximize", block=False
    )
    d = SearchDashboard(res)
    rec = Recorder(d)
    initial = bytes(d.snapshot)
    assert res.wait(timeout=60)
    d._on_msg(d, {"type": "more", "n": 50}, [])
    deadline = time.monotonic() + 60
    while len(res.trials) < 150 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert res.wait(timeout=60)
    d.session.wait(timeout=60)
    out = check_contract(replayer, d, [initial, *rec.all()])
    assert len(out["streamed"]["rows"]) == 150
    header = out["streamed"]["meta"]["header"]
    assert header["direction"] == "maximize" and header["best_value"] == res.best_value


def epochs(x, trial):
    """A learning curve per trial: a loss that falls with the epochs, worse far from 0.3."""
    loss = 0.0
    for epoch in range(8):
        time.sleep(0.01)
        loss = (x - 0.3) ** 2 + 1.0 / (epoch + 1)
        trial.report(loss, epoch)
        if trial.should_prune():
            raise nbopt.Pruned()
    return loss


def test_a_pruned_search_streams_its_curves_reasons_and_thresholds(replayer):
    res = nbopt.search(
        epochs,
        {"x": space.Float(0, 1)},
        method="random",
        n_trials=30,
        seed=2,
        pruner="halving",
        n_workers=2,
        block=False,
    )
    res.pause()
    d = SearchDashboard(res)
    rec = Recorder(d)
    initial = bytes(d.snapshot)
    res.play()
    assert res.wait(timeout=120)
    d.session.wait(timeout=60)
    out = check_contract(replayer, d, [initial, *rec.all()])
    streamed = out["streamed"]
    rows = streamed["rows"]
    pruned = [r for r in rows if r["state"] == 3]
    assert pruned and len(rows) == 30
    by_number = {t.number: t for t in res.trials}
    for r in rows:
        curve = by_number[r["number"]].intermediate_values
        assert r["curve_steps"] == [float(s) for s in sorted(curve)]
        assert r["curve_values"] == [curve[s] for s in sorted(curve)]
    assert [n for n, _ in streamed["reasons"]] == [r["number"] for r in pruned]
    assert all("rung" in reason for _, reason in streamed["reasons"])
    (bars,) = streamed["meta"]["thresholds"]
    assert bars["label"] == "rung cut-off" and bars["steps"][:2] == [1.0, 3.0]
    assert streamed["meta"]["pruner"].startswith("SuccessiveHalvingPruner")
    assert streamed["live"] == []
    header = streamed["meta"]["header"]
    assert header["steps_saved"] > 0 and header["steps_run"] > 0
    # the running trials' curves reached the page while they ran: partial curves of
    # trials that had not finished when the message was sent
    partial = 0
    for packed in rec.all():
        content, buffers = unpack(packed)
        arrays = decode_arrays(content, buffers)
        offsets = arrays["live_offsets"]
        for i, n in enumerate(arrays["live_number"]):
            steps = arrays["live_steps"][offsets[i] : offsets[i + 1]]
            full = sorted(by_number[int(n)].intermediate_values)
            assert steps.tolist() == [float(s) for s in full[: len(steps)]]
            partial += len(steps) < len(full)
    assert partial > 0
