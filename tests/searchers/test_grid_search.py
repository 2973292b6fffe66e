"""GridSearch covers its grid exactly once, in order or shuffled."""

from __future__ import annotations

import pytest

from nbopt import space
from nbopt.searchers import GridSearch, Trial

DIMS = {
    "lr": space.Float(1e-3, 1e-1, log=True),
    "n": space.Int(1, 3),
    "act": space.Choice(["relu", "tanh"]),
}


@pytest.mark.parametrize("shuffle", [False, True])
def test_covers_the_grid_exactly(shuffle: bool) -> None:
    s = GridSearch(DIMS, resolution=3, shuffle=shuffle, seed=0)
    expected = s.space.grid(3)
    assert s.grid_size == len(expected) == 18
    asked = []
    while not s.exhausted:
        t = s.ask()
        asked.append(t.params)
        s.tell(t, t.params["lr"] * t.params["n"])
    if shuffle:
        assert asked != expected
        key = s.space.key
        assert sorted(map(key, asked)) == sorted(map(key, expected))
    else:
        assert asked == expected
    assert s.best_params == {"lr": 1e-3, "n": 1, "act": "relu"}
    with pytest.raises(RuntimeError, match="GridSearch is exhausted"):
        s.ask()


def test_per_dimension_resolution_and_grid_index() -> None:
    s = GridSearch(DIMS, resolution={"lr": 5})
    assert s.grid_size == 5 * 3 * 2
    trials = [s.ask() for _ in range(7)]
    assert [t.info["grid_index"] for t in trials] == list(range(7))
    assert trials[6].params == s.point(6) == {"lr": pytest.approx(10**-2.5), "n": 1, "act": "relu"}
    with pytest.raises(IndexError):
        s.point(30)


def test_resume_skips_finished_grid_points() -> None:
    first = GridSearch(DIMS, resolution=2, shuffle=True, seed=3)
    done = []
    for _ in range(5):
        t = first.ask()
        done.append(first.tell(t, 1.0))
    resumed = GridSearch(DIMS, resolution=2, shuffle=True, seed=3)
    for t in done:
        resumed.add_finished(t)
    rest = []
    while not resumed.exhausted:
        rest.append(resumed.ask())
    key = resumed.space.key
    assert resumed.grid_size == 8  # Int(1, 3) at resolution 2 is [1, 3]
    assert len(rest) == 8 - 5
    assert {key(t.params) for t in rest}.isdisjoint({key(t.params) for t in done})
    assert [t.number for t in rest] == list(range(5, 8))


def test_replayed_off_grid_trial_does_not_shrink_the_grid() -> None:
    s = GridSearch(DIMS, resolution=2)
    s.add_finished(
        Trial(number=0, params={"lr": 0.005, "n": 2, "act": "tanh"}, state="complete", value=0.3)
    )
    count = 0
    while not s.exhausted:
        s.ask()
        count += 1
    assert count == 8


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match=">= 2"):
        GridSearch(DIMS, resolution=1)
    with pytest.raises(TypeError, match="shuffle must be True or False"):
        GridSearch(DIMS, shuffle="yes")  # type: ignore[arg-type]
    huge = {f"x{i}": space.Float(0, 1) for i in range(8)}
    assert GridSearch(huge, resolution=10).grid_size == 10**8
    with pytest.raises(ValueError, match="cannot shuffle"):
        GridSearch(huge, resolution=10, shuffle=True)
