from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

from nbopt import problems
from nbopt.live import Session
from nbopt.optimizers import (
    SGD,
    Adam,
    GradientDescent,
    Race,
    RaceStep,
    RMSProp,
    run,
)

START = (-1.5, 2.0)


def contestants() -> dict[str, Any]:
    return {
        "GD": GradientDescent(lr=1e-3),
        "Momentum": SGD(lr=1e-3, momentum=0.9),
        "RMSProp": RMSProp(lr=0.01),
        "Adam": Adam(lr=0.05),
    }


def test_lockstep_records_and_equal_single_runs() -> None:
    race = Race("rosenbrock", contestants(), start=START, steps=200)
    assert race.names == ["GD", "Momentum", "RMSProp", "Adam"]
    assert (race.step_count, race.total_steps, race.finished) == (0, 200, False)
    first = race.step()
    assert isinstance(first, RaceStep)
    assert first.step == 1 and first.positions.shape == (4, 2)
    assert first.losses.shape == first.grad_norms.shape == (4,)
    assert first.val_losses is None and first.statuses == ["running"] * 4
    for k in range(2, 11):
        assert race.step().step == k
    race.run_to_end()
    assert race.finished and race.step_count == 200
    trajectories = race.trajectories()
    for name, opt in contestants().items():
        alone = run("rosenbrock", opt, START, 200)
        np.testing.assert_allclose(trajectories[name].positions, alone.positions, rtol=1e-13)
        assert trajectories[name].status == "max_steps"
    p = problems.get("rosenbrock")
    record = race.record()
    np.testing.assert_allclose(record.losses, p.value(record.positions))


def test_finished_optimizers_stay_while_others_go_on() -> None:
    race = Race(
        "rosenbrock",
        {"wild": GradientDescent(lr=0.1), "calm": Adam(lr=0.01)},
        start=START,
        steps=100,
    )
    records = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        while not race.finished:
            records.append(race.step())
    wild = race.trajectories()["wild"]
    k = wild.diverged_at
    assert wild.status == "diverged" and k is not None and wild.steps == k < 100
    after = [r for r in records if r.step >= k]
    assert all(r.statuses[0] == "diverged" for r in after)
    frozen = after[0].positions[0]
    assert all(np.array_equal(r.positions[0], frozen, equal_nan=True) for r in after)
    assert race.trajectories()["calm"].steps == 100
    assert records[-1].statuses == ["diverged", "max_steps"]


def test_race_finishes_when_everyone_is_done() -> None:
    race = Race("booth", {"a": SGD(lr=0.05), "b": SGD(lr=0.08)}, start=(0.0, 0.0), steps=10_000)
    race.run_to_end()
    assert race.finished and race.step_count < 10_000
    assert set(race.statuses.values()) == {"converged"}
    with pytest.raises(RuntimeError, match="finished"):
        race.step()


def test_reset_restarts_from_a_new_start() -> None:
    race = Race("rosenbrock", contestants(), start=START, steps=50)
    race.run_to_end()
    race.reset(start=(0.5, -0.5))
    assert (race.step_count, race.finished) == (0, False)
    np.testing.assert_array_equal(race.start, [0.5, -0.5])
    for t in race.trajectories().values():
        assert t.steps == 0 and t.status == "running"
        np.testing.assert_array_equal(t.positions[0], [0.5, -0.5])
    race.run_to_end()
    alone = run("rosenbrock", Adam(lr=0.05), (0.5, -0.5), 50)
    np.testing.assert_allclose(race.trajectories()["Adam"].positions, alone.positions)


def test_set_hyperparam_changes_the_next_steps() -> None:
    gd = GradientDescent(lr=1e-3)
    race = Race("rosenbrock", {"GD": gd}, start=START, steps=20)
    for _ in range(5):
        race.step()
    race.set_hyperparam("GD", "lr", 2e-3)
    race.run_to_end()
    assert gd.lr == 1e-3  # the user's object is untouched
    assert race.runs["GD"].optimizer.lr == 2e-3

    p = problems.get("rosenbrock")
    x = np.array(START)
    manual = GradientDescent(lr=1e-3)
    for k in range(20):
        if k == 5:
            manual.lr = 2e-3
        x = manual.step(x, p.grad(x))
    np.testing.assert_allclose(race.trajectories()["GD"].positions[-1], x, rtol=1e-13)


def test_set_hyperparam_validates() -> None:
    race = Race("rosenbrock", {"Adam": Adam(lr=0.05)}, steps=5)
    with pytest.raises(KeyError, match="no optimizer named 'SGD'"):
        race.set_hyperparam("SGD", "lr", 0.1)
    with pytest.raises(KeyError, match="no hyperparameter 'momentum'"):
        race.set_hyperparam("Adam", "momentum", 0.9)
    with pytest.raises(ValueError, match="optimizer 'Adam'"):
        race.set_hyperparam("Adam", "lr", -1.0)
    with pytest.raises(TypeError, match="optimizer 'Adam'"):
        race.set_hyperparam("Adam", "lr", "fast")
    assert race.runs["Adam"].optimizer.lr == 0.05


def test_minibatch_race_is_fair_and_reproducible() -> None:
    p = problems.get("linear_regression")
    opts = {"SGD": SGD(lr=0.05), "Adam": Adam(lr=0.05)}
    race = Race(p, opts, steps=40, batch_size=8, seed=5)
    first = race.step()
    assert first.val_losses is not None and first.val_losses.shape == (2,)
    race.run_to_end()
    for name, opt in opts.items():
        alone = run(p, opt, steps=40, batch_size=8, seed=5)
        np.testing.assert_allclose(race.trajectories()[name].positions, alone.positions)
        np.testing.assert_allclose(race.trajectories()[name].val_losses, alone.val_losses)

    unseeded = Race(p, opts, steps=40, batch_size=8)
    assert isinstance(unseeded.seed, int)
    unseeded.run_to_end()
    replay = Race(p, opts, steps=40, batch_size=8, seed=unseeded.seed)
    replay.run_to_end()
    for name in opts:
        np.testing.assert_array_equal(
            unseeded.trajectories()[name].positions, replay.trajectories()[name].positions
        )
    assert Race("rosenbrock", opts, steps=3).seed is None


def test_sequence_of_optimizers_and_bad_contestants() -> None:
    race = Race("rosenbrock", [SGD(lr=0.01), SGD(lr=0.01, momentum=0.9), "adam"], steps=3)
    assert race.names == ["SGD", "SGD (2)", "Adam"]
    with pytest.raises(ValueError, match="at least one"):
        Race("rosenbrock", {}, steps=3)
    with pytest.raises(TypeError, match="dict of name"):
        Race("rosenbrock", Adam(), steps=3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="non-empty strings"):
        Race("rosenbrock", {1: Adam()}, steps=3)  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="plain function"):
        Race("rosenbrock", [Adam()], steps=3, batch_size=4)


def test_stop_marks_unfinished_runs() -> None:
    race = Race("rosenbrock", contestants(), start=START, steps=50)
    race.step()
    race.stop()
    assert set(race.statuses.values()) == {"stopped"}
    assert race.finished


def test_a_session_drives_a_race() -> None:
    race = Race("rosenbrock", contestants(), start=START, steps=300)
    session = Session(race)
    steps: list[int] = []
    session.observe(lambda batch: steps.extend(e.step for e in batch.events))
    assert session.run() == "finished"
    assert steps == list(range(1, 301))

    session.reset()
    session.step(10)
    assert session.wait(30)
    session.call(race.set_hyperparam, "Adam", "lr", 0.2)
    session.run()
    assert race.runs["Adam"].optimizer.lr == 0.2 and race.step_count == 300


def test_keyboard_interrupt_stops_the_race_cleanly() -> None:
    calls = 0

    def grad(X: np.ndarray) -> np.ndarray:
        nonlocal calls
        calls += 1
        if calls == 8:  # two start points, then the evaluation after lockstep step 6
            raise KeyboardInterrupt
        return np.stack([2 * X[:, 0], 20 * X[:, 1]], axis=1)

    p = problems.Problem(
        lambda X: X[:, 0] ** 2 + 10 * X[:, 1] ** 2,
        grad=grad,
        bounds=((-2, 2),) * 2,
        vectorized=True,
    )
    race = Race(p, {"GD": GradientDescent(lr=0.01), "Adam": Adam(lr=0.01)}, (1.0, 1.0), 100)
    race.run_to_end()
    assert race.statuses == {"GD": "stopped", "Adam": "stopped"}
    assert race.finished and race.step_count == 5
    assert {t.steps for t in race.trajectories().values()} == {5}


def test_rerun_recomputes_one_optimizer_like_a_full_recompute() -> None:
    race = Race("rosenbrock", contestants(), start=START, steps=300)
    race.run_to_end()
    untouched = race.trajectories()["GD"].positions
    race.set_hyperparam("Adam", "lr", 0.01)
    race.rerun("Adam")
    assert race.finished and race.step_count == 300
    full = Race("rosenbrock", {**contestants(), "Adam": Adam(lr=0.01)}, start=START, steps=300)
    full.run_to_end()
    for name in race.names:
        np.testing.assert_allclose(
            race.trajectories()[name].positions, full.trajectories()[name].positions
        )
    np.testing.assert_array_equal(race.trajectories()["GD"].positions, untouched)
    with pytest.raises(KeyError, match="no optimizer named"):
        race.rerun("Nadam")


def test_rerun_mid_race_keeps_lockstep_and_shared_batches() -> None:
    p = problems.get("linear_regression")
    opts = {"SGD": SGD(lr=0.05), "Adam": Adam(lr=0.05)}
    race = Race(p, opts, steps=60, batch_size=8, seed=2)
    for _ in range(25):
        race.step()
    race.set_hyperparam("SGD", "lr", 0.02)
    race.rerun("SGD")
    assert race.step_count == 25 and race.trajectories()["SGD"].steps == 25
    race.run_to_end()
    alone = run(p, SGD(lr=0.02), steps=60, batch_size=8, seed=2)
    np.testing.assert_allclose(race.trajectories()["SGD"].positions, alone.positions)
    np.testing.assert_allclose(
        race.trajectories()["Adam"].positions,
        run(p, Adam(lr=0.05), steps=60, batch_size=8, seed=2).positions,
    )


def test_rerun_after_an_early_finish_runs_to_the_total() -> None:
    race = Race("booth", {"a": SGD(lr=0.05), "b": SGD(lr=0.08)}, start=(0.0, 0.0), steps=3000)
    race.run_to_end()
    early = race.step_count
    assert early < 3000
    race.set_hyperparam("a", "lr", 1e-4)  # too slow to converge within the budget
    race.rerun("a")
    assert race.trajectories()["a"].status == "max_steps"
    assert race.step_count == 3000 and race.finished


def test_results_table() -> None:
    import pandas as pd

    race = Race("linear_regression", {"SGD": SGD(lr=0.05), "wild": SGD(lr=50.0)}, steps=80)
    race.run_to_end()
    frame = pd.DataFrame(race.results())
    assert list(frame["name"]) == ["SGD", "wild"]
    assert list(frame["status"]) == [race.statuses["SGD"], "diverged"]
    assert frame.loc[1, "diverged_at"] == race.trajectories()["wild"].diverged_at
    assert frame.loc[0, "final_loss"] == race.trajectories()["SGD"].final_loss
    assert "val_loss" in frame.columns
