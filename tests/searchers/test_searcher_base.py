"""The Searcher base class: argument checks and bookkeeping shared by every searcher."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from nbopt import space
from nbopt.searchers import RandomSearch, Searcher, Trial

DIMS = {"x": space.Float(0.0, 1.0)}


class Fixed(Searcher):
    """Proposes whatever it is given; lets the tests reach the base class directly."""

    def __init__(self, params: dict[str, Any], **kw: Any) -> None:
        super().__init__(DIMS, **kw)
        self.params = params
        self.observed: list[int] = []

    def _propose(self, number: int) -> tuple[dict[str, Any], dict[str, Any]]:
        return dict(self.params), {"n": number}

    def _observe(self, trial: Trial) -> None:
        self.observed.append(trial.number)


def test_base_validates_proposals() -> None:
    with pytest.raises(RuntimeError, match="Fixed proposed params outside its space"):
        Fixed({"x": 2.0}).ask()
    with pytest.raises(RuntimeError, match="missing parameter"):
        Fixed({}).ask()
    trial = Fixed({"x": np.float32(0.5)}).ask()
    assert type(trial.params["x"]) is float
    assert trial.info == {"n": 0}


def test_observe_is_called_after_tell_and_replay() -> None:
    s = Fixed({"x": 0.5})
    s.tell(s.ask(), 1.0)
    s.add_finished(Trial(number=5, params={"x": 0.25}, state="failed", error="lost"))
    assert s.observed == [0, 5]
    assert s.ask().number == 6


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"seed": -1}, ValueError, "non-negative"),
        ({"seed": 1.5}, TypeError, "seed must be"),
        ({"seed": True}, TypeError, "seed must be"),
        ({"direction": "down"}, ValueError, "'minimize' or 'maximize'"),
    ],
)
def test_bad_constructor_arguments(kwargs: dict[str, Any], error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        RandomSearch(DIMS, **kwargs)


def test_seed_accepts_a_generator() -> None:
    a = RandomSearch(DIMS, seed=np.random.default_rng(3)).ask().params
    b = RandomSearch(DIMS, seed=np.random.default_rng(3)).ask().params
    assert a == b


def test_tell_details() -> None:
    s = RandomSearch(DIMS, seed=0)
    t = s.ask()
    assert not t.finished
    with pytest.raises(TypeError, match="metric 'acc' must be a real number"):
        s.tell(t, 1.0, metrics={"acc": "high"})
    with pytest.raises(TypeError, match="metric names must be str"):
        s.tell(t, 1.0, metrics={1: 0.5})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="duration must be >= 0"):
        s.tell(t, 1.0, duration=-1.0)
    with pytest.raises(TypeError, match="Trial or a trial number"):
        s.tell("0", 1.0)  # type: ignore[arg-type]
    told = s.tell(t, np.array(0.25), metrics={"acc": np.float64(0.9)}, duration=2.5)
    assert told.finished and told.value == 0.25 and type(told.value) is float
    assert told.metrics == {"acc": 0.9} and told.duration == 2.5
    t2 = s.ask()
    assert s.tell(t2, error=KeyError()).error == "KeyError"
    t3 = s.ask()
    assert s.tell(t3, -math.inf).error == "non-finite objective value -inf"


def test_add_finished_checks() -> None:
    s = RandomSearch(DIMS, seed=0)
    with pytest.raises(ValueError, match="needs a finite value"):
        s.add_finished(Trial(number=0, params={"x": 0.5}, state="complete", value=None))
    with pytest.raises(ValueError, match="outside"):
        s.add_finished(Trial(number=0, params={"x": 5.0}, state="complete", value=1.0))
    with pytest.raises(ValueError, match="state must be one of"):
        s.add_finished(Trial(number=0, params={"x": 0.5}, state="done", value=1.0))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="expected a Trial"):
        s.add_finished({"number": 0})  # type: ignore[arg-type]
    original = Trial(number=3, params={"x": 0.5}, state="complete", value=1.0)
    s.add_finished(original)
    original.params["x"] = 0.9
    assert s.trials[0].params == {"x": 0.5}  # replay keeps its own copy


def test_best_ties_go_to_the_earliest_and_repr() -> None:
    s = RandomSearch(DIMS, seed=0)
    for value in (2.0, 1.0, 1.0, 3.0):
        s.tell(s.ask(), value)
    assert s.best_trial.number == 1
    assert repr(s) == "RandomSearch(1 dims, 4 trials, 4 complete, direction='minimize')"
