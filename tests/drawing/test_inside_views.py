"""Inside the searcher: a grid search's cells done and left, a random search's coverage."""

from __future__ import annotations

import numpy as np
import pytest

import nbopt
from nbopt import space
from nbopt.drawing import inside_info, trial_columns
from nbopt.searchers import EvolutionarySearch, GridSearch, RandomSearch
from nbopt.widgets import SearchDashboard
from nbopt.widgets._protocol import decode_arrays, unpack

DIMS = {"x": space.Int(0, 4), "y": space.Choice(["a", "b", "c"]), "z": space.Int(0, 1)}


def _f(x, y, z):
    if x == 4 and y == "c":
        raise ValueError("corner")
    return x + {"a": 0, "b": 1, "c": 2}[y] + z


def test_the_grid_view_counts_the_searchers_own_grid_cells():
    res = nbopt.search(_f, DIMS, method="grid", n_trials=17, progress=False)
    searcher = res.searcher
    assert isinstance(searcher, GridSearch) and searcher.grid_size == 30
    g = inside_info(searcher, trial_columns(res.trials, res.space), ("x", "y"))
    assert g.kind == "grid" and g.per_cell == 2 and (g.n_done, g.n_total) == (17, 30)
    # the cells are the grid's own values, at their positions on the dashboard's axes
    assert g.x.tolist() == pytest.approx([0, 0.25, 0.5, 0.75, 1.0])
    assert g.y.tolist() == pytest.approx([1 / 6, 0.5, 5 / 6])
    expected = np.zeros((3, 5), dtype=int)
    best = np.full((3, 5), np.inf)
    for t in res.trials:
        i, j = t.params["x"], ["a", "b", "c"].index(t.params["y"])
        expected[j, i] += 1
        if t.state == "complete":
            best[j, i] = min(best[j, i], t.value)
    assert g.done.tolist() == expected.tolist() and g.done.sum() == 17
    assert np.allclose(np.where(np.isfinite(best), best, np.nan), g.best, equal_nan=True)
    other = inside_info(searcher, trial_columns(res.trials, res.space), ("z", "x"))
    assert other.done.shape == (5, 2) and other.per_cell == 3


def test_sobol_covers_two_parameters_more_evenly_than_random_and_each_is_set_against_the_other():
    dims = {"a": space.Float(0, 1), "b": space.Float(1e-3, 1, log=True), "c": space.Int(1, 5)}
    out = {}
    for sobol in (False, True):
        s = RandomSearch(dims, seed=3, sobol=sobol)
        for _ in range(512):
            t = s.ask()
            s.tell(t, t.params["a"])
        c = inside_info(s, trial_columns(s.trials, s.space))
        assert c.kind == "coverage" and c.pair == ("a", "b")
        assert c.n.tolist()[-1] == 512 and len(c.other_x) == 512
        # the gap never grows as trials are added
        assert np.all(np.diff(c.gap) <= 1e-12) and np.all(np.diff(c.other_gap) <= 1e-12)
        out[sobol] = c
    assert out[False].sampler == "random" and out[False].other == "Sobol"
    assert out[True].gap[-1] < out[False].gap[-1]
    assert out[False].other_gap[-1] < out[False].gap[-1]


def test_the_largest_gap_is_the_fill_distance_of_the_trials():
    s = RandomSearch({"a": space.Float(0, 1), "b": space.Float(0, 1)}, seed=0)
    for _ in range(40):
        t = s.ask()
        s.tell(t, 0.0)
    cols = trial_columns(s.trials, s.space)
    c = inside_info(s, cols)
    g = (np.arange(48) + 0.5) / 48
    lattice = np.stack(np.meshgrid(g, g), -1).reshape(-1, 2)
    pts = cols.unit[:, :2]
    d = np.sqrt(((lattice[:, None] - pts[None]) ** 2).sum(-1)).min(1).max()
    assert c.gap[-1] == pytest.approx(d)


def test_no_inside_view_for_one_parameter_or_other_searchers_and_bad_pairs():
    res = nbopt.search(lambda x: x, {"x": space.Float(0, 1)}, method="random", n_trials=4)
    assert inside_info(res.searcher, trial_columns(res.trials, res.space)) is None
    s = EvolutionarySearch({"a": space.Float(0, 1), "b": space.Float(0, 1)}, seed=0)
    assert inside_info(s, trial_columns([], s.space)) is None
    g = GridSearch(DIMS)
    with pytest.raises(ValueError, match="unknown parameter 'w'"):
        inside_info(g, trial_columns([], g.space), ("x", "w"))
    with pytest.raises(ValueError, match="two different parameters"):
        inside_info(g, trial_columns([], g.space), ("x", "x"))


def test_the_dashboard_follows_the_pair_the_page_picks():
    res = nbopt.search(_f, DIMS, method="grid", n_trials=30, progress=False)
    d = SearchDashboard(res)
    content, buffers = unpack(bytes(d.snapshot))
    assert content["meta"]["inside"]["pair"] == ["x", "y"]
    d._on_msg(d, {"type": "pair", "pair": [2, 0]}, [])
    content, buffers = unpack(bytes(d.snapshot))
    inside = content["meta"]["inside"]
    arrays = decode_arrays(content, buffers)
    assert inside["kind"] == "grid" and inside["pair"] == ["z", "x"]
    assert inside["arrays"] == ["x", "y", "done", "best"]
    assert arrays["inside_done"].shape == (5, 2) and int(arrays["inside_done"].sum()) == 30
    errors = []
    d.send = lambda content, buffers=None: errors.append(content)
    d._on_msg(d, {"type": "pair", "pair": [0, 7]}, [])
    assert errors and "pair must be two parameter indices in range(3)" in errors[0]["message"]


def test_search_info_and_the_export_carry_the_inside_view_of_the_pair():
    from nbopt.drawing import search_info
    from nbopt.export import search_figure

    res = nbopt.search(_f, DIMS, method="grid", n_trials=12, progress=False)
    info = search_info(res, pair=("z", "x"))
    assert info.inside.kind == "grid" and info.inside.pair == ("z", "x")
    assert info.with_view(brush={"x": (0, 2)}).inside is info.inside
    fig = search_figure(info)
    (ax,) = [a for a in fig.axes if a.get_label() == "inside"]
    assert ax.get_title() == "the grid: 12 of 30 points done, 18 left"
    rand = nbopt.search(_f, DIMS, method="random", n_trials=40, seed=0, progress=False)
    cov = search_info(rand).inside
    assert cov.kind == "coverage" and cov.n[-1] == 40
    (ax,) = [a for a in search_figure(search_info(rand)).axes if a.get_label() == "inside"]
    assert [ln.get_label() for ln in ax.get_lines()] == [
        "this search (random)",
        "Sobol, as many points",
    ]
    assert search_info(list(rand.trials), space=DIMS).inside is None
