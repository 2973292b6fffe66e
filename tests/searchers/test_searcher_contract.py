"""Every searcher in SEARCHER_FACTORIES passes these tests."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nbopt import space
from nbopt.searchers import Searcher, Trial
from nbopt.space import Space


def objective(params: dict[str, Any]) -> float:
    """A cheap function of every kind of dimension in ``mixed_space``."""
    value = (math.log10(params["lr"]) + 2.5) ** 2 + (params["x"] - 1.0) ** 2 / 10
    value += (
        (params["frac"] - 0.3) ** 2 + abs(params["layers"] - 2) + abs(params["units"] - 64) / 64
    )
    value += {"relu": 0.0, "tanh": 0.5, "gelu": 1.0}[params["act"]]
    value += 0.0 if params["opt"] is None else 0.3
    return value


def check_params(sp: Space, params: dict[str, Any]) -> None:
    assert list(params) == list(sp.names)
    for name, dim in sp.items():
        value = params[name]
        if isinstance(dim, space.Float):
            assert type(value) is float
            assert dim.lo <= value <= dim.hi
        elif isinstance(dim, space.Int):
            assert type(value) is int
            assert dim.lo <= value <= dim.hi
        else:
            assert isinstance(dim, space.Choice)
            assert any(value is opt for opt in dim.options)
    assert sp.validate(params) == params


def run(searcher: Searcher, n: int, fn: Any = objective) -> list[Trial]:
    out = []
    for _ in range(n):
        trial = searcher.ask()
        out.append(searcher.tell(trial, fn(trial.params)))
    return out


def test_params_in_bounds_with_python_types(make_searcher: Any, mixed_space: Space) -> None:
    searcher = make_searcher(mixed_space, seed=0)
    for trial in run(searcher, 40):
        check_params(mixed_space, trial.params)
        assert trial.state == "complete"
        assert trial.value == pytest.approx(objective(trial.params))
        assert trial.duration is not None and trial.duration >= 0
        assert trial.datetime_start is not None and trial.datetime_complete is not None
    assert [t.number for t in searcher.trials] == list(range(40))


def test_params_in_bounds_when_everything_fails(make_searcher: Any, mixed_space: Space) -> None:
    searcher = make_searcher(mixed_space, seed=1)
    for i in range(30):
        trial = searcher.ask()
        check_params(mixed_space, trial.params)
        searcher.tell(trial, error=RuntimeError(f"boom {i}"))
    assert all(t.state == "failed" for t in searcher.trials)
    assert searcher.trials[3].error == "RuntimeError: boom 3"
    with pytest.raises(ValueError, match="no completed trial yet"):
        _ = searcher.best_value


def test_seed_makes_runs_reproducible(make_searcher: Any, mixed_space: Space) -> None:
    a = [t.params for t in run(make_searcher(mixed_space, seed=7), 30)]
    b = [t.params for t in run(make_searcher(mixed_space, seed=7), 30)]
    c = [t.params for t in run(make_searcher(mixed_space, seed=8), 30)]
    assert a == b
    assert a != c


def test_pending_trials(make_searcher: Any, mixed_space: Space) -> None:
    searcher = make_searcher(mixed_space, seed=2)
    for _round in range(6):
        batch = [searcher.ask() for _ in range(5)]
        assert all(t.state == "running" for t in batch)
        for trial in reversed(batch):
            check_params(mixed_space, trial.params)
            searcher.tell(trial.number, objective(trial.params))
    numbers = [t.number for t in searcher.trials]
    assert numbers == list(range(30))
    assert all(t.state == "complete" for t in searcher.trials)


def test_many_pending_before_any_tell(make_searcher: Any, mixed_space: Space) -> None:
    searcher = make_searcher(mixed_space, seed=3)
    batch = [searcher.ask() for _ in range(25)]
    for trial in batch:
        check_params(mixed_space, trial.params)
    for trial in batch[::2]:
        searcher.tell(trial, objective(trial.params))
    for trial in batch[1::2]:
        searcher.tell(trial, error="worker lost")
    later = run(searcher, 10)
    assert [t.number for t in later] == list(range(25, 35))


def test_failed_and_non_finite_values(make_searcher: Any, mixed_space: Space) -> None:
    searcher = make_searcher(mixed_space, seed=4)
    values = []
    for i in range(30):
        trial = searcher.ask()
        if i % 3 == 0:
            told = searcher.tell(trial, float("nan") if i % 2 else float("inf"))
            assert told.state == "failed"
            assert told.value is None
            assert "non-finite" in (told.error or "")
        elif i % 3 == 1:
            searcher.tell(trial, error=ValueError("bad"))
        else:
            value = objective(trial.params)
            values.append(value)
            searcher.tell(trial, np.float32(value))
    assert searcher.best_value == pytest.approx(min(values), rel=1e-6)
    assert searcher.best_trial.state == "complete"


def test_maximize(make_searcher: Any, mixed_space: Space) -> None:
    searcher = make_searcher(mixed_space, seed=5, direction="maximize")
    assert searcher.direction == "maximize"
    trials = run(searcher, 30, lambda p: -objective(p))
    best = max(trials, key=lambda t: t.value)
    assert searcher.best_value == best.value
    assert searcher.best_params == best.params
    assert searcher.best_trial.number == best.number


def test_bad_direction(make_searcher: Any, mixed_space: Space) -> None:
    with pytest.raises(ValueError, match="'minimize' or 'maximize'"):
        make_searcher(mixed_space, seed=0, direction="max")


def test_exhausted_contract_on_a_tiny_space(make_searcher: Any) -> None:
    tiny = Space({"n": space.Int(0, 2), "act": space.Choice(["relu", "tanh"])})
    searcher = make_searcher(tiny, seed=0)
    seen = set()
    for _ in range(12):
        if searcher.exhausted:
            with pytest.raises(RuntimeError, match="exhausted"):
                searcher.ask()
            break
        trial = searcher.ask()
        seen.add((trial.params["n"], trial.params["act"]))
        searcher.tell(trial, trial.params["n"])
    else:
        assert not searcher.exhausted
    if searcher.exhausted:
        assert len(seen) == 6
    assert searcher.best_params["n"] == 0


def test_tell_errors(make_searcher: Any, mixed_space: Space) -> None:
    searcher = make_searcher(mixed_space, seed=6)
    trial = searcher.ask()
    with pytest.raises(ValueError, match="needs a value or an error"):
        searcher.tell(trial)
    with pytest.raises(ValueError, match="both a value and an error"):
        searcher.tell(trial, 1.0, error="x")
    with pytest.raises(TypeError, match="real number"):
        searcher.tell(trial, "0.5")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="never asked"):
        searcher.tell(99, 1.0)
    searcher.tell(trial, 1.0, metrics={"train": 0.5})
    assert trial.metrics == {"train": 0.5}
    with pytest.raises(ValueError, match="already complete"):
        searcher.tell(trial, 2.0)
    with pytest.raises(ValueError, match="already complete"):
        searcher.tell(trial.number, error="late")


def test_add_finished_replays_and_continues_numbering(
    make_searcher: Any, mixed_space: Space
) -> None:
    first = make_searcher(mixed_space, seed=9)
    history = run(first, 12)
    resumed = make_searcher(mixed_space, seed=9)
    for trial in history[:5] + history[7:]:
        resumed.add_finished(trial)
    assert resumed.best_value == first.best_value
    assert [t.number for t in resumed.trials] == [0, 1, 2, 3, 4, 7, 8, 9, 10, 11]
    fresh = run(resumed, 8)
    assert [t.number for t in fresh] == list(range(12, 20))
    for trial in fresh:
        check_params(mixed_space, trial.params)
    with pytest.raises(ValueError, match="already taken"):
        resumed.add_finished(history[0])
    running = make_searcher(mixed_space, seed=9).ask()
    with pytest.raises(ValueError, match="still running"):
        resumed.add_finished(running)


@st.composite
def small_spaces(draw: Any) -> Space:
    dims: dict[str, space.Dimension] = {}
    for i in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["float", "log", "step", "int", "logint", "choice"]))
        lo = draw(st.integers(-50, 50))
        if kind == "float":
            dims[f"d{i}"] = space.Float(lo, lo + draw(st.floats(0.01, 100.0)))
        elif kind == "log":
            dims[f"d{i}"] = space.Float(1e-5, 10.0 ** draw(st.integers(-4, 3)), log=True)
        elif kind == "step":
            dims[f"d{i}"] = space.Float(lo, lo + 1.0, step=draw(st.sampled_from([0.1, 0.25, 0.5])))
        elif kind == "int":
            dims[f"d{i}"] = space.Int(lo, lo + draw(st.integers(1, 20)))
        elif kind == "logint":
            dims[f"d{i}"] = space.Int(1, draw(st.integers(2, 10_000)), log=True)
        else:
            dims[f"d{i}"] = space.Choice(list(range(draw(st.integers(1, 5)))))
    return Space(dims)


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(sp=small_spaces(), seed=st.integers(0, 1000))
def test_any_space_gets_valid_proposals(make_searcher: Any, sp: Space, seed: int) -> None:
    searcher = make_searcher(sp, seed=seed)
    rng = np.random.default_rng(seed)
    for _ in range(15):
        if searcher.exhausted:
            break
        trial = searcher.ask()
        check_params(sp, trial.params)
        if rng.random() < 0.2:
            searcher.tell(trial, error="failed")
        else:
            searcher.tell(trial, float(rng.normal()))


def test_ask_and_tell_from_several_threads(make_searcher: Any, mixed_space: Space) -> None:
    from concurrent.futures import ThreadPoolExecutor

    searcher = make_searcher(mixed_space, seed=11)

    def worker(_: int) -> list[int]:
        numbers = []
        for _ in range(8):
            trial = searcher.ask()
            searcher.tell(trial, objective(trial.params))
            numbers.append(trial.number)
        return numbers

    with ThreadPoolExecutor(4) as pool:
        asked = [n for numbers in pool.map(worker, range(4)) for n in numbers]
    assert sorted(asked) == list(range(32))
    assert all(t.state == "complete" for t in searcher.trials)
    for trial in searcher.trials:
        check_params(mixed_space, trial.params)


def test_pruned_trials_are_never_taken_for_complete(make_searcher: Any, mixed_space: Space) -> None:
    searcher = make_searcher(mixed_space, seed=5)
    # pruned trials reported values far better than any final value: none may win
    curve = {0: -100.0, 3: -1000.0}
    for i in range(30):
        trial = searcher.ask()
        check_params(mixed_space, trial.params)
        if i % 3 == 0:
            told = searcher.tell(trial, pruned=True, intermediate_values=curve)
            assert (told.state, told.value, told.last_intermediate) == (
                "pruned",
                None,
                (3, -1000.0),
            )
        else:
            searcher.tell(trial, objective(trial.params))
    pruned = [t for t in searcher.trials if t.state == "pruned"]
    assert len(pruned) == 10 and all(t.finished for t in pruned)
    assert all(t.intermediate_values == curve for t in pruned)
    assert searcher.best_trial.state == "complete"
    complete = [t.value for t in searcher.trials if t.state == "complete"]
    assert searcher.best_value == min(v for v in complete if v is not None)
    # a pruned trial replayed from storage is a pruned trial too
    fresh = make_searcher(mixed_space, seed=5)
    fresh.add_finished(pruned[0])
    assert fresh.trials[0].state == "pruned" and fresh.trials[0].intermediate_values == curve
    check_params(mixed_space, fresh.ask().params)
