"""nbopt.drawing: parameter importance and the train/validation (fit) view of a search."""

from __future__ import annotations

import numpy as np
import pytest

import nbopt
from nbopt import space
from nbopt.drawing import fit_info, importance_info, search_info, trial_columns
from nbopt.export import search_figure
from nbopt.searchers import IMPORTANCE_METHOD, Trial

DIMS = {"a": space.Float(-1, 1), "b": space.Float(-1, 1), "c": space.Choice(["x", "y"])}


@pytest.mark.parametrize("direction", ["minimize", "maximize"])
def test_importance_ranks_the_dominant_parameter_first_and_the_ignored_one_last(direction):
    sign = 1.0 if direction == "minimize" else -1.0

    def f(a, b, c):
        return sign * (10 * a**2 + 0.5 * b**2)

    res = nbopt.search(f, DIMS, method="random", n_trials=300, seed=1, direction=direction)
    info = search_info(res)
    imp = info.importance
    assert imp is not None and imp.method == IMPORTANCE_METHOD
    assert imp.names[0] == "a" and imp.names[-1] == "c"
    assert imp.n_complete == 300
    assert dict(zip(imp.names, imp.shares.tolist())) == pytest.approx(res.importance())
    assert imp.shares.sum() == pytest.approx(1.0)
    assert list(imp.shares) == sorted(imp.shares, reverse=True)
    # the fit view follows the most important parameter only when there is a train value
    assert info.fit is None


def test_no_importance_before_four_complete_trials():
    trials = [Trial(i, {"a": 0.1 * i, "b": 0.0, "c": "x"}, "complete", float(i)) for i in range(3)]
    trials.append(Trial(3, {"a": 0.5, "b": 0.0, "c": "x"}, "failed"))
    assert importance_info(trials, DIMS) is None
    assert search_info(trials, space=DIMS).importance is None


def _depth_trials():
    # depth 1..10, three trials each: train keeps rising, validation peaks at depth 6
    trials, n = [], 0
    for d in range(1, 11):
        for k in range(3):
            valid = 0.5 + 0.05 * min(d, 6) - 0.03 * max(0, d - 6) + 0.01 * (k - 1)
            train = min(1.0, 0.5 + 0.06 * d) + 0.01 * k
            trials.append(Trial(n, {"depth": d}, "complete", valid, metrics={"train_score": train}))
            n += 1
    trials.append(Trial(n, {"depth": 3}, "failed"))
    return trials


def test_fit_view_medians_gap_and_sweet_spot():
    cols = trial_columns(_depth_trials(), {"depth": space.Int(1, 10)}, "maximize")
    fit = fit_info(cols)
    assert fit is not None and fit.param == "depth" and fit.train_metric == "train_score"
    assert len(fit.x) == 10 and fit.count.tolist() == [3] * 10
    depth = np.arange(1, 11)
    assert fit.valid == pytest.approx(
        0.5 + 0.05 * np.minimum(depth, 6) - 0.03 * np.maximum(0, depth - 6)
    )
    assert fit.train == pytest.approx(np.minimum(1.0, 0.5 + 0.06 * depth) + 0.01)
    assert fit.best == 5  # depth 6: the sweet spot between under- and overfitting
    assert fit.x.tolist() == sorted(fit.x.tolist())
    assert len(fit.points_x) == 30  # the failed trial has no values
    minimized = fit_info(trial_columns(_depth_trials(), {"depth": space.Int(1, 10)}, "minimize"))
    assert minimized.best == 0


def test_fit_view_bins_many_values_and_needs_a_train_metric():
    rng = np.random.default_rng(0)
    lr = 10 ** rng.uniform(-4, 0, 200)
    trials = [
        Trial(i, {"lr": float(v)}, "complete", float(v), metrics={"mean_train_precision": 1.0})
        for i, v in enumerate(lr)
    ]
    dims = {"lr": space.Float(1e-4, 1, log=True)}
    fit = fit_info(trial_columns(trials, dims))
    assert fit.train_metric == "mean_train_precision"
    # a continuous parameter, each trial at its own value: about sqrt(n) bins
    assert len(fit.x) == 14 and fit.count.sum() == 200
    assert np.allclose(fit.x, (np.floor(fit.x * 14) + 0.5) / 14)
    few = fit_info(trial_columns(trials[:25], dims))
    assert len(few.x) <= 5 and few.count.sum() == 25 and few.count.min() >= 2
    plain = [Trial(0, {"lr": 0.1}, "complete", 1.0, metrics={"f1": 0.5})]
    assert fit_info(trial_columns(plain, dims)) is None
    with pytest.raises(ValueError, match="unknown parameter 'depth'"):
        fit_info(trial_columns(trials, dims), "depth")


def test_the_export_draws_importance_and_fit_from_the_info():
    trials = _depth_trials()
    info = search_info(trials, space={"depth": space.Int(1, 10)}, direction="maximize")
    assert info.fit is not None and info.importance is not None
    fig = search_figure(info)
    labels = [a.get_label() for a in fig.axes]
    assert "importance" in labels and "fit" in labels
    (fit_ax,) = [a for a in fig.axes if a.get_label() == "fit"]
    lines = {ln.get_label(): ln for ln in fit_ax.get_lines()}
    assert list(lines["validation (the value)"].get_ydata()) == pytest.approx(info.fit.valid)
    assert lines["best validation"].get_xdata()[0] == pytest.approx(info.fit.x[info.fit.best])
