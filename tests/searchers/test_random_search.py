"""RandomSearch: plain and Sobol draws, resume continuity."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from nbopt import space
from nbopt.searchers import RandomSearch

DIMS = {"x": space.Float(0.0, 1.0), "y": space.Float(0.0, 1.0)}


def test_sobol_covers_the_square_more_evenly_than_random() -> None:
    def worst_cell_gap(sobol: bool) -> int:
        s = RandomSearch(DIMS, seed=0, sobol=sobol)
        pts = np.array([[t.params["x"], t.params["y"]] for t in (s.ask() for _ in range(64))])
        cells = np.floor(pts * 4).astype(int)
        counts = np.bincount(cells[:, 0] * 4 + cells[:, 1], minlength=16)
        return int(counts.max() - counts.min())

    assert worst_cell_gap(True) == 0  # 64 Sobol points put exactly 4 in each of 16 cells
    assert worst_cell_gap(False) > 0


def test_sobol_emits_no_balance_warning() -> None:
    s = RandomSearch(DIMS, seed=1, sobol=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        infos = [s.ask().info["sobol_index"] for _ in range(37)]
    assert infos == list(range(37))


@pytest.mark.parametrize("sobol", [False, True])
def test_resume_continues_the_sequence(sobol: bool) -> None:
    full = RandomSearch(DIMS, seed=5, sobol=sobol)
    trials = []
    for _ in range(10):
        t = full.ask()
        trials.append(full.tell(t, t.params["x"]))
    resumed = RandomSearch(DIMS, seed=5, sobol=sobol)
    for t in trials[:6]:
        resumed.add_finished(t)
    assert [resumed.ask().params for _ in range(4)] == [t.params for t in trials[6:]]


def test_bad_sobol_flag() -> None:
    with pytest.raises(TypeError, match="sobol must be True or False"):
        RandomSearch(DIMS, sobol=1)  # type: ignore[arg-type]
