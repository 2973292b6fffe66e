"""nbopt.drawing: the drawing-info objects shared by the widget and the export."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nbopt import problems
from nbopt.drawing import (
    LANDSCAPE_COLORMAP,
    PALETTE,
    decimate_indices,
    exit_point,
    landscape_info,
    loss_axis,
    lttb_indices,
    pick_colours,
    race_info,
)
from nbopt.optimizers import SGD, Adam, GradientDescent, Race


@given(st.integers(0, 5000), st.integers(2, 300))
def test_decimate_keeps_ends_sorted_and_bounded(n, m):
    idx = decimate_indices(n, m)
    assert len(idx) <= max(m, 0) or n <= m
    assert len(idx) == min(n, len(idx))
    if n:
        assert idx[0] == 0 and idx[-1] == n - 1
        assert np.all(np.diff(idx) > 0)
    if n <= m:
        assert idx.tolist() == list(range(n))


def test_decimate_rejects_tiny_budgets():
    with pytest.raises(ValueError, match="max_points"):
        decimate_indices(10, 1)


def test_lttb_keeps_a_spike_that_uniform_decimation_misses():
    y = np.ones(10_001)
    y[4_321] = 1e9
    x = np.arange(len(y), dtype=float)
    idx = lttb_indices(x, y, 100)
    assert 4_321 in idx
    assert 4_321 not in decimate_indices(len(y), 100)
    assert len(idx) == 100 and idx[0] == 0 and idx[-1] == len(y) - 1
    assert np.all(np.diff(idx) > 0)


def test_lttb_treats_infinity_as_the_largest_value():
    y = np.r_[np.linspace(10, 1, 500), np.inf, np.full(499, np.nan)]
    idx = lttb_indices(np.arange(1000.0), y, 50)
    assert 500 in idx


def test_exit_point_on_the_border():
    view = ((-1.0, 1.0), (-2.0, 2.0))
    assert exit_point(np.array([[0.0, 0.0], [0.5, 0.5]]), view) is None
    assert exit_point(np.array([[0.0, 0.0], [3.0, 0.0]]), view).tolist() == [1.0, 0.0]
    assert exit_point(np.array([[0.0, 0.0], [0.0, -np.inf]]), view).tolist() == [0.0, -2.0]
    out = exit_point(np.array([[0.0, 0.0], [0.5, 0.5], [1.5, 4.5]]), view)
    assert out[1] == pytest.approx(2.0) and -1.0 <= out[0] <= 1.0


def test_palette_and_colormap_are_hex():
    assert pick_colours(9)[:7] == list(PALETTE) and pick_colours(9)[7] == PALETTE[0]
    for c in (*PALETTE, *LANDSCAPE_COLORMAP):
        assert c.startswith("#") and len(c) == 7


def test_landscape_of_rosenbrock_is_log_with_levels_inside_the_range():
    land = landscape_info(problems.get("rosenbrock"), resolution=60)
    assert land.z.shape == (60, 60) and land.log and land.floor == 0.0
    lo, hi = land.z_range
    assert 0 < lo < hi
    assert hi / lo <= 1.0001e6  # at most six decades of colour
    assert np.all(np.diff(land.levels) > 0)
    assert lo < land.levels[0] and land.levels[-1] < hi
    # geometric levels for a log landscape
    ratios = land.levels[1:] / land.levels[:-1]
    assert np.allclose(ratios, ratios[0])


def test_landscape_of_a_negative_function_is_linear():
    land = landscape_info(problems.get("camel"), resolution=40)
    assert not land.log
    assert land.z_range[0] < 0
    assert loss_axis(problems.get("camel"))[:2] == (True, problems.get("camel").min_value)


def test_race_info_of_a_2d_race():
    race = Race(
        "rosenbrock",
        {"SGD": SGD(lr=1e-3, momentum=0.9), "Adam": Adam(lr=0.05)},
        start=(-1.5, 2.0),
        steps=3000,
    )
    race.run_to_end()
    info = race_info(race, max_points=500, resolution=50)
    assert info.problem == "rosenbrock" and info.dim == 2
    assert info.axis_labels == ("x", "y") and info.projection is None and info.data is None
    assert info.view == ((-2.0, 2.0), (-1.0, 3.0))
    assert info.minima.tolist() == [[1.0, 1.0]]
    assert info.start_point.tolist() == [-1.5, 2.0]
    assert info.total_steps == 3000 and info.step == race.step_count
    trajs = race.trajectories()
    for t, colour in zip(info.traces, PALETTE):
        full = trajs[t.name]
        assert t.colour == colour
        assert len(t.path) <= 500 and len(t.losses) <= 500
        assert t.path_steps[0] == 0 and t.path_steps[-1] == full.steps == t.step
        np.testing.assert_array_equal(t.path, full.positions[t.path_steps])
        np.testing.assert_array_equal(t.losses, full.losses[t.loss_steps])
        np.testing.assert_array_equal(t.position, full.positions[-1])
        assert t.loss == full.losses[-1] and t.status == full.status
    assert info.traces[1].lr == 0.05


def test_race_info_marks_where_a_diverging_run_leaves_the_view():
    race = Race("rosenbrock", {"GD": GradientDescent(lr=0.5)}, start=(-1.5, 2.0), steps=50)
    race.run_to_end()
    (t,) = race_info(race, resolution=30).traces
    assert t.status == "diverged" and t.diverged_at is not None
    (x0, x1), (y0, y1) = ((-2.0, 2.0), (-1.0, 3.0))
    assert t.exit is not None
    on_border = np.isclose(t.exit[0], [x0, x1]).any() or np.isclose(t.exit[1], [y0, y1]).any()
    assert on_border
    assert np.isfinite(t.path).all()


def test_race_info_of_linear_regression_has_the_data_and_fitted_lines():
    race = Race("linear_regression", {"SGD": SGD(lr=0.05)}, steps=40, batch_size=8, seed=1)
    race.run_to_end()
    info = race_info(race, resolution=30)
    d = info.data
    assert d is not None and info.has_validation
    problem = race.problem
    np.testing.assert_array_equal(d.x_train, problem.x_train)
    (t,) = info.traces
    w, b = t.position
    np.testing.assert_allclose(t.line_y, w * d.line_x + b)
    assert t.val_losses is not None and len(t.val_losses) == len(t.losses)
    assert d.line_x.min() <= d.x_train.min() and d.line_x.max() >= d.x_train.max()


def test_race_info_projects_many_parameters_on_their_main_directions():
    race = Race("mlp", {"Adam": Adam(lr=0.01), "SGD": SGD(lr=0.1)}, steps=60, batch_size=16, seed=0)
    race.run_to_end()
    info = race_info(race)
    proj = info.projection
    assert info.landscape is None and proj is not None
    assert info.axis_labels[0].startswith("PC1 (") and "variance" in info.axis_labels[1]
    assert proj.components.shape == (2, race.problem.dim)
    np.testing.assert_allclose(proj.components @ proj.components.T, np.eye(2), atol=1e-10)
    assert 0 <= proj.explained[1] <= proj.explained[0] <= 1
    trajs = race.trajectories()
    for t in info.traces:
        np.testing.assert_allclose(t.path, proj.project(trajs[t.name].positions[t.path_steps]))
        (x0, x1), (y0, y1) = info.view
        assert (t.path[:, 0] >= x0).all() and (t.path[:, 0] <= x1).all()
        assert (t.path[:, 1] >= y0).all() and (t.path[:, 1] <= y1).all()


def test_race_info_checks_colours():
    race = Race("booth", {"GD": GradientDescent(lr=0.05)}, steps=3)
    with pytest.raises(ValueError, match="one colour per optimizer"):
        race_info(race, colours=["#000000", "#ffffff"], resolution=10)


def _lttb_reference(x: np.ndarray, y: np.ndarray, m: int) -> np.ndarray:
    """Textbook LTTB, one bucket at a time (what lttb_indices must agree with)."""
    n = len(x)
    y = np.where(np.isfinite(y), y, np.max(y[np.isfinite(y)]))
    edges = np.linspace(1, n - 1, m - 1).astype(np.int64)
    out = [0]
    for b in range(m - 2):
        nlo = edges[b + 1]
        nhi = max(edges[b + 2] if b + 2 < len(edges) else n, nlo + 1)
        cx, cy = x[nlo:nhi].mean(), y[nlo:nhi].mean()
        a = out[-1]
        seg = slice(edges[b], edges[b + 1])
        area = np.abs((x[a] - cx) * (y[seg] - y[a]) - (x[a] - x[seg]) * (cy - y[a]))
        out.append(int(edges[b] + np.argmax(area)))
    return np.array([*out, n - 1])


@pytest.mark.parametrize(("n", "m"), [(5_001, 2_000), (1_234, 100), (20_000, 3)])
def test_lttb_agrees_with_the_textbook_algorithm(n: int, m: int) -> None:
    rng = np.random.default_rng(n)
    x = np.arange(n, dtype=float)
    y = np.exp(-x / (n / 5)) * (1 + 0.05 * rng.standard_normal(n))
    y[n // 3] = np.inf
    np.testing.assert_array_equal(lttb_indices(x, y, m), _lttb_reference(x, y, m))
