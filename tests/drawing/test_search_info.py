"""nbopt.drawing search info: the columns, axes, brush and every view of the search dashboard."""

from __future__ import annotations

import math
import time
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

import nbopt
from nbopt import space
from nbopt.drawing import (
    STATE_CODES,
    STATE_NAMES,
    Axis,
    SearchInfo,
    filter_mask,
    search_info,
    trial_columns,
)
from nbopt.searchers import RandomSearch, Trial

T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)

DIMS = {
    "lr": space.Float(1e-4, 1e-1, log=True),
    "layers": space.Int(1, 4),
    "act": space.Choice(["relu", "tanh", "gelu"]),
}


def _trial(number, params, value=None, state=None, **kwargs):
    if state is None:
        state = "complete" if value is not None else "failed"
    kwargs.setdefault("datetime_start", T0 + timedelta(seconds=number))
    if state != "running":
        kwargs.setdefault("datetime_complete", T0 + timedelta(seconds=number + 1))
        kwargs.setdefault("duration", 1.0)
    if state == "failed":
        kwargs.setdefault("error", "ValueError: boom")
    return Trial(number, params, state, value, **kwargs)


def _trials():
    """Seven trials: five complete, one failed, one pruned (values chosen by hand)."""
    rows = [
        ({"lr": 1e-4, "layers": 1, "act": "relu"}, 5.0, None),
        ({"lr": 1e-3, "layers": 2, "act": "tanh"}, 3.0, None),
        ({"lr": 1e-2, "layers": 3, "act": "gelu"}, None, "failed"),
        ({"lr": 1e-1, "layers": 4, "act": "relu"}, 4.0, None),
        ({"lr": 3e-3, "layers": 2, "act": "tanh"}, 1.0, None),
        ({"lr": 5e-4, "layers": 1, "act": "gelu"}, None, "pruned"),
        ({"lr": 2e-2, "layers": 3, "act": "relu"}, 2.0, None),
    ]
    return [_trial(i, p, v, s) for i, (p, v, s) in enumerate(rows)]


@pytest.fixture
def info():
    return search_info(_trials(), space=DIMS)


# ---------------------------------------------------------------- axes


def test_a_log_float_axis_maps_decades_evenly_and_back():
    axis = Axis.of("lr", DIMS["lr"])
    assert axis.kind == "float" and axis.log
    u = axis.to_unit([1e-4, 1e-3, 1e-2, 1e-1])
    np.testing.assert_allclose(u, [0, 1 / 3, 2 / 3, 1])
    np.testing.assert_allclose(axis.from_unit(u), [1e-4, 1e-3, 1e-2, 1e-1])
    np.testing.assert_allclose(axis.ticks, [0, 1 / 3, 2 / 3, 1])
    assert axis.tick_labels == ("0.0001", "0.001", "0.01", "0.1")
    assert np.isnan(axis.to_unit([np.nan])[0])


def test_a_short_log_axis_gets_1_2_5_ticks_and_a_linear_axis_nice_ones():
    short = Axis.of("c", space.Float(1.0, 30.0, log=True))
    assert short.tick_labels == ("1", "2", "5", "10", "20")
    linear = Axis.of("d", space.Float(0.0, 0.5))
    assert linear.tick_labels == ("0", "0.1", "0.2", "0.3", "0.4", "0.5")
    assert np.all(np.diff(linear.ticks) > 0)


def test_int_axes_have_integer_ticks():
    small = Axis.of("layers", space.Int(1, 4))
    assert small.kind == "int" and small.tick_labels == ("1", "2", "3", "4")
    np.testing.assert_allclose(small.ticks, [0, 1 / 3, 2 / 3, 1])
    wide = Axis.of("units", space.Int(8, 1000, log=True))
    assert wide.log
    assert all(float(t).is_integer() for t in map(float, wide.tick_labels))
    assert "10" in wide.tick_labels and "100" in wide.tick_labels
    long = Axis.of("epochs", space.Int(0, 97))
    values = [int(t) for t in long.tick_labels]
    assert len(values) >= 4 and np.all(np.diff(values) > 0)


def test_a_choice_axis_has_one_band_per_category_labelled_as_text():
    axis = Axis.of("act", space.Choice(["relu", "<b>tanh</b>", 16]))
    assert axis.kind == "choice"
    assert axis.categories == ("relu", "<b>tanh</b>", "16")
    assert axis.tick_labels == axis.categories
    np.testing.assert_allclose(axis.ticks, [1 / 6, 1 / 2, 5 / 6])
    np.testing.assert_allclose(axis.to_unit([0, 2]), [1 / 6, 5 / 6])
    assert axis.from_unit([0.0, 0.4, 0.99]).tolist() == [0, 1, 2]
    assert axis.label(1.0) == "<b>tanh</b>"


def test_the_value_axis_goes_log_by_itself_and_offsets_values_below_zero():
    assert not Axis.for_values("value", np.array([1.0, 5.0])).log
    spread = Axis.for_values("value", np.array([1e-3, 1.0, 10.0]))
    assert spread.log and spread.offset == 0.0
    assert spread.tick_labels[0] == "0.001" and spread.tick_labels[-1] == "10"
    negative = Axis.for_values("value", np.array([-2.0, 0.0, 8.0]), log=True)
    assert negative.log and negative.offset < -2.0
    u = negative.to_unit([-2.0, 8.0])
    np.testing.assert_allclose(u, [0.0, 1.0], atol=1e-12)
    empty = Axis.for_values("value", np.zeros(0))
    assert (empty.lo, empty.hi, len(empty.ticks)) == (0.0, 1.0, 0)


# ---------------------------------------------------------------- columns


def test_columns_hold_states_values_and_unit_positions(info):
    cols = info.columns
    assert dict(STATE_CODES) == {"complete": 0, "failed": 1, "running": 2, "pruned": 3}
    assert [STATE_NAMES[c] for c in cols.state] == [
        "complete",
        "complete",
        "failed",
        "complete",
        "complete",
        "pruned",
        "complete",
    ]
    assert cols.state.dtype == np.uint8 and cols.number.dtype == np.int64
    np.testing.assert_array_equal(cols.value, [5, 3, np.nan, 4, 1, np.nan, 2])
    np.testing.assert_allclose(cols.params[:, 1], [1, 2, 3, 4, 2, 1, 3])
    np.testing.assert_array_equal(cols.params[:, 2], [0, 1, 2, 0, 1, 2, 0])
    assert cols.unit.shape == (7, 3)
    assert cols.unit.min() >= 0 and cols.unit.max() <= 1
    np.testing.assert_allclose(cols.unit[:, 0], (np.log10(cols.params[:, 0]) + 4) / 3)
    assert cols.rank.tolist() == [5, 3, 0, 4, 1, 0, 2]
    assert cols.best_row == 4
    assert cols.error[2] == "ValueError: boom" and cols.error[0] == ""


def test_colour_is_one_for_the_best_in_either_direction():
    trials = _trials()
    low = trial_columns(trials, DIMS, "minimize")
    flipped = [
        _trial(t.number, t.params, None if t.value is None else -t.value, t.state) for t in trials
    ]
    high = trial_columns(flipped, DIMS, "maximize")
    np.testing.assert_allclose(low.colour, high.colour)
    assert low.rank.tolist() == high.rank.tolist()
    assert low.colour[4] == 1.0 and low.colour[0] == 0.0  # values 1 (best) and 5 (worst)
    np.testing.assert_allclose(low.colour[[0, 3, 1, 6, 4]], [0, 0.25, 0.5, 0.75, 1])
    assert np.isnan(low.colour[2]) and np.isnan(low.colour[5])


def test_failed_trials_never_stretch_the_value_axis_or_the_colours():
    base = [t for t in _trials() if t.state == "complete"]
    cols = trial_columns(_trials(), DIMS)
    alone = trial_columns(base, DIMS)
    assert (cols.value_axis.lo, cols.value_axis.hi) == (alone.value_axis.lo, alone.value_axis.hi)
    np.testing.assert_allclose(cols.colour[cols.complete], alone.colour)
    assert np.isfinite(cols.value_unit[cols.complete]).all()


def test_metrics_ask_seconds_and_choice_values_given_as_copies():
    dims = {"size": space.Choice([(16, 16), (32,)]), "x": space.Float(0, 1)}
    trials = [
        _trial(0, {"size": (16, 16), "x": 0.5}, 1.0, metrics={"train": 0.5}),
        _trial(1, {"size": (32,), "x": 0.1}, 2.0, metrics={"val": 0.2, "train": 0.4}),
        _trial(2, {"size": (16, 16), "x": 0.2}, 3.0, info={"ask_seconds": 0.25}),
    ]
    cols = trial_columns(trials, dims)
    assert cols.metric_names == ("train", "val")
    np.testing.assert_array_equal(cols.metrics, [[0.5, np.nan], [0.4, 0.2], [np.nan, np.nan]])
    np.testing.assert_array_equal(cols.ask_seconds, [np.nan, np.nan, 0.25])
    assert cols.params[:, 0].tolist() == [0, 1, 0]
    assert cols.axes[0].categories == ("(16, 16)", "(32,)")


def test_unknown_states_and_non_trials_are_refused():
    with pytest.raises(ValueError, match="unknown trial state 'weird'"):
        trial_columns([_trial(0, {"x": 0.5}, 1.0, state="weird")], {"x": space.Float(0, 1)})
    with pytest.raises(TypeError, match="Trial objects"):
        trial_columns([{"number": 0}], {"x": space.Float(0, 1)})
    with pytest.raises(ValueError, match="direction"):
        trial_columns([], {"x": space.Float(0, 1)}, "down")


def test_fifty_thousand_trials_become_columns_fast_and_right():
    rng = np.random.default_rng(3)
    n = 50_000
    sp = space.Space(DIMS)
    points = sp.from_uniform(rng.random((n, 3)))
    failed = rng.random(n) < 0.05
    values = rng.normal(size=n)
    trials = [
        _trial(i, p, None if failed[i] else float(values[i]), metrics={"m": float(i)})
        for i, p in enumerate(points)
    ]
    start = time.perf_counter()
    info = search_info(trials, space=sp, best_fraction=0.1, brush={"act": {"tanh"}})
    elapsed = time.perf_counter() - start
    cols = info.columns
    assert cols.n == n
    np.testing.assert_array_equal(cols.number, np.arange(n))
    np.testing.assert_array_equal(np.isnan(cols.value), failed)
    np.testing.assert_array_equal(cols.value[~failed], values[~failed])
    lr = np.array([p["lr"] for p in points])
    np.testing.assert_array_equal(cols.params[:, 0], lr)
    act = np.array([["relu", "tanh", "gelu"].index(p["act"]) for p in points])
    np.testing.assert_array_equal(cols.params[:, 2], act)
    np.testing.assert_array_equal(cols.metrics[:, 0], np.arange(n))
    # rank 1 is the smallest value; the ranks of complete trials are a permutation
    assert cols.value[cols.best_row] == values[~failed].min()
    assert sorted(cols.rank[~failed].tolist()) == list(range(1, n - failed.sum() + 1))
    assert info.mask.sum() == (act == 1).sum()
    assert (
        len(info.parallel.rows)
        == ((cols.rank > 0) & (cols.rank <= math.ceil(0.1 * (n - failed.sum()))) & (act == 1)).sum()
    )
    # vectorized: a generous bound that a per-trial Python loop per view would break
    assert elapsed < 3.0


# ---------------------------------------------------------------- brush


def test_a_brush_filters_ranges_categories_and_values(info):
    cols = info.columns
    assert filter_mask(cols, None).all()
    assert filter_mask(cols, {"lr": (1e-3, 1e-2)}).tolist() == [
        False,
        True,
        True,
        False,
        True,
        False,
        False,
    ]
    by_label = filter_mask(cols, {"act": {"relu", "gelu"}})
    assert by_label.tolist() == [True, False, True, True, False, True, True]
    # the value brush leaves out trials without a value
    assert filter_mask(cols, {"value": (1.0, 3.0)}).tolist() == [
        False,
        True,
        False,
        False,
        True,
        False,
        True,
    ]
    both = filter_mask(cols, {"layers": (2, 3), "act": ["tanh"]})
    assert both.tolist() == [False, True, False, False, True, False, False]


def test_a_checked_brush_round_trips():
    sp = {"n": space.Choice([16, 32, 64]), "x": space.Float(0, 1)}
    trials = [_trial(i, {"n": [16, 32, 64][i % 3], "x": i / 10}, float(i)) for i in range(9)]
    info = search_info(trials, space=sp, brush={"n": {32, "64"}, "x": (0.1, 0.7)})
    assert info.brush == {"n": frozenset({"32", "64"}), "x": (0.1, 0.7)}
    assert info.mask.tolist() == [False, True, True, False, True, True, False, True, False]
    again = info.with_view(brush=info.brush)
    np.testing.assert_array_equal(again.mask, info.mask)


def test_a_brushed_subset_reaches_every_view(info):
    brushed = info.with_view(brush={"act": {"relu"}})
    rows = {0, 3, 6}
    assert set(brushed.table.rows.tolist()) == rows
    assert set(brushed.history.rows.tolist()) == rows
    assert set(brushed.parallel.rows.tolist()) == rows
    assert set(brushed.scatter.rows.tolist()) == rows
    assert brushed.history.failed_numbers.tolist() == []
    assert brushed.history.best_number == 6  # value 2.0 is the best relu trial
    assert brushed.columns is info.columns  # the trials are not extracted again
    assert brushed.header == info.header  # the header is about the whole search


@pytest.mark.parametrize(
    ("brush", "error", "match"),
    [
        ({"nope": (0, 1)}, ValueError, "unknown axis 'nope'.*'lr', 'layers', 'act', 'value'"),
        ({"lr": 0.5}, TypeError, r"'lr' expects a range \(lo, hi\)"),
        ({"lr": (1, "b")}, TypeError, "expects a range"),
        ({"lr": (0.1, 0.01)}, ValueError, "lo <= hi"),
        ({"act": (0, 1)}, ValueError, "is not a category of 'act'"),
        ({"act": "relu"}, TypeError, "expected a set of its categories"),
        ({"act": {"sigmoid"}}, ValueError, "'sigmoid' is not a category"),
        (["lr"], TypeError, "brush must be a dict"),
    ],
)
def test_brush_errors_name_the_expected_form(info, brush, error, match):
    with pytest.raises(error, match=match):
        info.with_view(brush=brush)


# ---------------------------------------------------------------- history


def test_history_best_so_far_steps_down_when_minimizing(info):
    h = info.history
    assert h.numbers.tolist() == [0, 1, 3, 4, 6]
    assert h.values.tolist() == [5, 3, 4, 1, 2]
    assert h.best_x.tolist() == [0, 1, 4, 6]
    assert h.best_y.tolist() == [5, 3, 1, 1]
    assert h.best_number == 4
    assert h.failed_numbers.tolist() == [2] and h.pruned_numbers.tolist() == [5]
    assert h.number_range == (0, 6)
    assert h.log_possible and h.log_offset == 0.0 and not h.log


def test_history_best_so_far_steps_up_when_maximizing():
    info = search_info(_trials(), space=DIMS, direction="maximize")
    h = info.history
    assert h.best_x.tolist() == [0, 6]
    assert h.best_y.tolist() == [5, 5]
    assert h.best_number == 0
    assert info.header.best_number == 0 and info.header.best_value == 5.0


def test_history_log_switch_with_values_at_or_below_zero():
    trials = [_trial(i, {"x": i / 4}, v) for i, v in enumerate([-2.0, 0.0, 3.0])]
    h = search_info(trials, space={"x": space.Float(0, 1)}).history
    assert h.log_possible and h.log_offset < -2.0
    assert h.log_label.startswith("value − (")
    assert h.value_label == "value"  # drawn linear: no offset in its label
    assert (h.values - h.log_offset > 0).all()
    logged = search_info(trials, space={"x": space.Float(0, 1)}, value_log=True).history
    assert logged.log and logged.value_label == logged.log_label


# ---------------------------------------------------------------- parallel coordinates


def test_parallel_coordinates_draw_the_best_last(info):
    p = info.parallel
    assert [a.name for a in p.axes] == ["lr", "layers", "act", "value"]
    assert [a.kind for a in p.axes] == ["float", "int", "choice", "value"]
    assert p.rows.tolist() == [0, 3, 1, 6, 4]  # worst first
    assert p.best_row == 4
    assert p.positions.shape == (5, 4)
    np.testing.assert_allclose(p.positions[:, 3], [1, 0.75, 0.5, 0.25, 0])
    assert np.all(np.diff(p.colour) > 0)
    assert p.failed_rows.tolist() == [2, 5]
    assert p.failed_positions.shape == (2, 3)
    assert p.n_complete == 5


def test_best_fraction_keeps_the_best_complete_trials_on_their_own_scale(info):
    best = info.with_view(best_fraction=0.4)
    p = best.parallel
    assert p.rows.tolist() == [6, 4]  # ceil(0.4 * 5) = 2: values 2.0 and 1.0
    assert p.failed_rows.size == 0
    assert best.scatter.rows.tolist() == [6, 4]
    # the value axis and the colours span the kept trials only
    assert (best.value_axis.lo, best.value_axis.hi) == (1.0, 2.0)
    np.testing.assert_allclose(p.colour, [0.0, 1.0])
    np.testing.assert_allclose(p.positions[:, -1], [1.0, 0.0])
    assert best.colour[0] == 0.0  # worse than the kept range: the worst end
    assert len(best.history.rows) == 5  # the history still shows every trial
    assert info.with_view(best_fraction=1.0).parallel.rows.tolist() == [0, 3, 1, 6, 4]


@pytest.mark.parametrize("fraction", [0, -0.1, 1.5, float("nan")])
def test_best_fraction_outside_zero_one_is_refused(info, fraction):
    with pytest.raises(ValueError, match=r"best_fraction must be in \(0, 1\]"):
        info.with_view(best_fraction=fraction)


def test_best_fraction_must_be_a_number(info):
    with pytest.raises(TypeError, match="best_fraction"):
        info.with_view(best_fraction="10%")


# ---------------------------------------------------------------- scatter


def test_scatter_pairs_axes_and_marks_the_best(info):
    s = info.scatter
    assert (s.x_axis.name, s.y_axis.name) == ("lr", "layers")
    assert s.best_row == 4 and s.rows[-1] == 4
    np.testing.assert_allclose(s.best_xy, (info.columns.unit[4, 0], info.columns.unit[4, 1]))
    assert s.failed_rows.tolist() == [2, 5]
    on_value = info.with_view(pair=("act", "value")).scatter
    assert on_value.y_axis.kind == "value" and on_value.failed_rows.size == 0
    np.testing.assert_allclose(on_value.y, info.columns.value_unit[on_value.rows])


def test_categorical_jitter_stays_in_its_band_and_is_stable_per_trial():
    sp = {"act": space.Choice(["a", "b", "c"]), "x": space.Float(0, 1)}
    rng = np.random.default_rng(0)
    trials = [
        _trial(i, {"act": "abc"[i % 3], "x": float(rng.random())}, float(i)) for i in range(300)
    ]
    s1 = search_info(trials[:200], space=sp, pair=("act", "x")).scatter
    s2 = search_info(trials, space=sp, pair=("act", "x")).scatter
    band = np.floor(s1.x * 3)
    idx = np.array([i % 3 for i in s1.rows])
    np.testing.assert_array_equal(band, idx)
    spread = s1.x - (idx + 0.5) / 3
    assert np.abs(spread).max() < 1 / 6 and np.abs(spread).std() > 0.03
    first = dict(zip(s1.rows.tolist(), s1.x.tolist()))
    later = dict(zip(s2.rows.tolist(), s2.x.tolist()))
    assert all(later[r] == x for r, x in first.items())
    np.testing.assert_allclose(s1.y, search_info(trials[:200], space=sp).columns.unit[s1.rows, 1])


def test_pair_defaults_and_errors():
    one = search_info([_trial(0, {"x": 0.5}, 1.0)], space={"x": space.Float(0, 1)})
    assert one.pair == ("x", "value")
    info = search_info(_trials(), space=DIMS)
    with pytest.raises(ValueError, match="unknown axis 'nope'"):
        info.with_view(pair=("lr", "nope"))
    with pytest.raises(ValueError, match="two different axes"):
        info.with_view(pair=("lr", "lr"))
    with pytest.raises(TypeError, match="two axis names"):
        info.with_view(pair="lr")


# ---------------------------------------------------------------- table


def test_table_columns_text_and_sort_keys(info):
    t = info.table
    assert t.names == ("number", "lr", "layers", "act", "value", "state", "duration", "reason")
    rows = np.arange(7)
    assert t.column("act").text(rows)[:3] == ["relu", "tanh", "gelu"]
    assert t.column("layers").text([0, 3]) == ["1", "4"]
    assert t.column("lr").text([4]) == ["0.003"]
    assert t.column("state").text(rows) == [
        "complete",
        "complete",
        "failed",
        "complete",
        "complete",
        "pruned",
        "complete",
    ]
    assert t.column("value").text([2, 4]) == ["", "1"]
    assert t.column("reason").text([1, 2]) == ["", "ValueError: boom"]
    assert t.column("duration").text([0]) == ["1 s"]
    assert t.order("value").tolist() == [4, 6, 1, 3, 0, 2, 5]  # no value: last
    assert t.order("value", descending=True).tolist() == [0, 3, 1, 6, 4, 2, 5]
    assert t.order("act").tolist()[:3] == [0, 3, 6]
    page = t.page([4])
    assert [col[0] for col in page][:5] == ["4", "0.003", "2", "tanh", "1"]
    with pytest.raises(ValueError, match="no table column 'nope'"):
        t.column("nope")


def test_metric_columns_do_not_shadow_others():
    dims = {"x": space.Float(0, 1)}
    trials = [_trial(0, {"x": 0.5}, 1.0, metrics={"x": 2.0, "state": 3.0, "acc": 0.9})]
    t = search_info(trials, space=dims).table
    assert t.names[-3:] == ("metric_x", "metric_state", "acc")
    assert t.column("acc").text([0]) == ["0.9"]


def test_a_param_named_value_moves_the_value_axis_aside():
    dims = {"value": space.Float(0, 1)}
    info = search_info([_trial(0, {"value": 0.5}, 2.0)], space=dims)
    assert info.columns.value_axis.name == "objective"
    assert info.table.names[:3] == ("number", "value", "objective")
    assert info.with_view(brush={"objective": (1.0, 3.0)}).mask.tolist() == [True]


# ---------------------------------------------------------------- empty and failed searches


def test_an_empty_search_gives_empty_views():
    info = search_info([], space=DIMS)
    assert isinstance(info, SearchInfo)
    assert info.columns.n == 0 and info.columns.unit.shape == (0, 3)
    assert info.header.n_done == 0 and info.header.best_number is None
    assert info.header.elapsed is None and info.header.remaining is None
    assert info.history.best_x.size == 0 and not info.history.log_possible
    assert info.parallel.rows.size == 0 and info.parallel.best_row is None
    assert info.scatter.best_xy is None
    assert info.table.rows.size == 0
    assert info.with_view(best_fraction=0.5, brush={"lr": (1e-3, 1e-2)}).parallel.rows.size == 0


def test_an_all_failed_search_gives_valid_views():
    trials = [_trial(i, {"lr": 1e-3, "layers": 1, "act": "relu"}, None) for i in range(4)]
    info = search_info(trials, space=DIMS)
    assert info.header.n_failed == 4 and info.header.best_value is None
    assert np.isnan(info.columns.colour).all()
    assert info.history.failed_numbers.tolist() == [0, 1, 2, 3]
    assert info.history.numbers.size == 0 and not info.history.log_possible
    assert info.parallel.rows.size == 0 and info.parallel.failed_rows.size == 4
    assert info.columns.value_axis.ticks.size == 0
    assert info.with_view(best_fraction=0.1).parallel.rows.size == 0


# ---------------------------------------------------------------- sources and header


def test_a_search_result_gives_the_header():
    def f(lr, layers, act):
        if act == "gelu":
            raise ValueError("no gelu")
        return math.log10(lr) ** 2 + layers

    res = nbopt.search(f, DIMS, method="random", n_trials=30, seed=0)
    info = search_info(res)
    h = info.header
    assert (h.method, h.status, h.n_total, h.n_done, h.n_running) == (
        "RandomSearch",
        "finished",
        30,
        30,
        0,
    )
    assert h.n_failed == sum(t.state == "failed" for t in res.trials) > 0
    assert h.best_number == res.best_trial.number and h.best_value == res.best_value
    assert dict(h.best_params)["act"] == res.best_params["act"]
    assert h.elapsed is not None and h.elapsed >= 0 and h.remaining is None
    # the search loop records the searcher's time per ask beside the objective's
    assert h.trial_seconds is not None and h.ask_seconds is not None
    assert 0 < h.overhead < 1
    np.testing.assert_array_equal(info.columns.value, res.results_["value"])
    assert info.columns.rank.tolist() == [
        r if s == "complete" else 0 for r, s in zip(res.results_["rank"], res.results_["state"])
    ]


def test_a_searcher_with_trials_in_flight_and_ask_times():
    s = RandomSearch(DIMS, seed=0)
    asked = [s.ask() for _ in range(5)]
    for i, t in enumerate(asked[:3]):
        t.info["ask_seconds"] = 0.01
        s.tell(t, float(i), duration=0.09)
    now = max(t.datetime_start for t in asked) + timedelta(seconds=6)
    info = search_info(s, n_total=10, now=now)
    h = info.header
    assert (h.status, h.n_done, h.n_running, h.n_total) == ("running", 3, 2, 10)
    assert h.ask_seconds == pytest.approx(0.01) and h.trial_seconds == pytest.approx(0.09)
    assert h.overhead == pytest.approx(0.1)
    assert h.elapsed == pytest.approx((now - asked[0].datetime_start).total_seconds())
    assert h.remaining == pytest.approx(h.elapsed / 3 * 7)
    assert (info.columns.state == STATE_CODES["running"]).sum() == 2


def test_source_errors_name_the_expected_form():
    with pytest.raises(TypeError, match="needs space="):
        search_info(_trials())
    with pytest.raises(TypeError, match="SearchResult, a Searcher or a list of Trial"):
        search_info(42)
    with pytest.raises(TypeError, match="carries its own"):
        search_info(RandomSearch(DIMS), space=DIMS)
    with pytest.raises(ValueError, match="n_total"):
        search_info(_trials(), space=DIMS, n_total=-1)
