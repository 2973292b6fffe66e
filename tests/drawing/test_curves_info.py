"""nbopt.drawing learning curves: the curves view, the pruner's bars and the steps pruning saved."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np

import nbopt
from nbopt import space
from nbopt.drawing import STATE_CODES, search_info, trial_columns
from nbopt.drawing._search import MAX_LINES
from nbopt.searchers import Trial

T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)
X = {"x": space.Float(0, 1)}


def _trial(number, state, curve, value=None, reason=None):
    info = {"pruned": {"reason": reason}} if reason else {}
    return Trial(
        number,
        {"x": number / 10},
        state,
        value,
        info=info,
        intermediate_values=curve,
        datetime_start=T0 + timedelta(seconds=number),
        datetime_complete=None if state == "running" else T0 + timedelta(seconds=number + 1),
        duration=None if state == "running" else 1.0,
    )


def test_columns_hold_every_curve_and_why_trials_stopped():
    trials = [
        _trial(0, "complete", {0: 3.0, 1: 2.0, 2: 1.0}, 1.0),
        _trial(1, "pruned", {0: 5.0}, reason="rung 0: worse"),
        _trial(2, "failed", {}),
        _trial(3, "running", {}),
    ]
    trials[2].error = "ValueError: boom"
    cols = trial_columns(trials, X, curves={3: ([0, 1], [4.0, 3.5])})
    assert cols.curve_lengths.tolist() == [3, 1, 0, 2]
    assert cols.curve(0)[1].tolist() == [3.0, 2.0, 1.0]
    assert cols.curve(3)[0].tolist() == [0.0, 1.0]
    assert cols.reason == ("", "rung 0: worse", "ValueError: boom", "")
    offsets, steps, values = cols.curves_of([3, 1])
    assert offsets.tolist() == [0, 2, 3] and values.tolist() == [4.0, 3.5, 5.0]
    assert steps.tolist() == [0.0, 1.0, 0.0]


def test_header_counts_the_steps_run_and_the_steps_pruning_saved():
    # steps from 0: a trial ran its last step + 1; the full budget is 10 (a complete trial)
    trials = [
        _trial(0, "complete", {s: 1.0 / (s + 1) for s in range(10)}, 0.1),
        _trial(1, "pruned", {0: 1.0, 1: 0.9, 2: 0.8}, reason="r"),
        _trial(2, "pruned", {0: 2.0}, reason="r"),
        _trial(3, "failed", {0: 1.0, 1: 1.0}),
    ]
    h = search_info(trials, space=X).header
    assert h.steps_run == 10 + 3 + 1 + 2
    assert h.steps_saved == (10 - 3) + (10 - 1)
    assert h.saved_fraction == 16 / 32
    # steps from 1 (epochs counted from one) are taken as they are
    trials = [
        _trial(0, "complete", {s: 1.0 for s in range(1, 11)}, 1.0),
        _trial(1, "pruned", {1: 2.0, 2: 2.0}, reason="r"),
    ]
    h = search_info(trials, space=X).header
    assert (h.steps_run, h.steps_saved) == (12, 8)
    assert search_info([_trial(0, "complete", {}, 1.0)], space=X).header.steps_run is None


def test_curves_view_draw_order_colours_and_brush():
    trials = [
        _trial(0, "complete", {0: 3.0, 1: 2.0}, 2.0),
        _trial(1, "pruned", {0: 5.0}, reason="r"),
        _trial(2, "complete", {0: 2.0, 1: 0.5}, 0.5),
        _trial(3, "complete", {0: 4.0, 1: 3.0}, 3.0),
        _trial(4, "running", {}),
    ]
    info = search_info(trials, space=X, curves={4: ([0], [9.0])})
    c = info.curves
    # pruned first, complete from worst to best, running last
    assert info.columns.number[c.rows].tolist() == [1, 3, 0, 2, 4]
    assert c.state.tolist() == [3, 0, 0, 0, 2]
    assert c.curve(3)[1].tolist() == [2.0, 0.5]
    assert c.colour[3] == 1.0 and np.isnan(c.colour[0]) and np.isnan(c.colour[4])
    assert (c.step_axis.lo, c.step_axis.hi) == (0.0, 1.0)
    assert c.value_axis.lo == 0.5 and c.value_axis.hi == 9.0
    brushed = info.with_view(brush={"x": (0.15, 0.35)}).curves
    assert info.columns.number[brushed.rows].tolist() == [3, 2]
    assert brushed.n_curves == 2


def test_many_curves_are_thinned_but_the_running_and_the_best_are_kept():
    n = MAX_LINES + 500
    trials = [_trial(i, "complete", {0: float(i), 1: float(i) / 2}, float(i) / 2) for i in range(n)]
    trials.append(_trial(n, "running", {}))
    info = search_info(trials, space={"x": space.Float(0, 1e6)}, curves={n: ([0], [1.0])})
    c = info.curves
    assert MAX_LINES - 2 <= len(c.rows) <= MAX_LINES and c.n_curves == n + 1
    numbers = info.columns.number[c.rows]
    assert numbers[-1] == n and numbers[-2] == 0  # the running last, the best just below
    assert set(range(MAX_LINES // 2 - 1)) <= set(numbers.tolist())


def epochs(x, trial):
    for epoch in range(9):
        trial.report((x - 0.3) ** 2 + 1.0 / (epoch + 1), epoch)
        if trial.should_prune():
            raise nbopt.Pruned()
    return (x - 0.3) ** 2


def test_a_search_result_brings_its_pruners_bars_and_every_curve():
    res = nbopt.search(
        epochs, X, method="random", n_trials=40, seed=0, pruner="hyperband", progress=False
    )
    info = search_info(res)
    c = info.curves
    engine = res.engine
    assert c.thresholds == engine.pruner.thresholds(engine.study)
    assert c.thresholds and c.pruner == repr(engine.pruner)
    assert c.n_curves == 40 == len(c.rows)
    by_number = {t.number: t for t in res.trials}
    for i, row in enumerate(c.rows):
        t = by_number[int(info.columns.number[row])]
        steps, values = c.curve(i)
        assert dict(zip(steps.astype(int).tolist(), values.tolist())) == t.intermediate_values
    pruned = info.columns.state == STATE_CODES["pruned"]
    assert pruned.any()
    reasons = [info.columns.reason[r] for r in np.flatnonzero(pruned)]
    assert all(r.startswith("bracket") for r in reasons)
    assert info.header.n_pruned == int(pruned.sum()) and info.header.steps_saved > 0
