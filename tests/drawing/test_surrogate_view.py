"""The Bayesian search's inside view is the searcher's own model, evaluated at the drawn points."""

from __future__ import annotations

import numpy as np
import pytest

import nbopt
from nbopt import space
from nbopt.drawing import SurrogateInfo, inside_info, surrogate_info, trial_columns
from nbopt.searchers import BayesianSearch, _gp

DIMS = {"x": space.Float(-2.0, 2.0), "lr": space.Float(1e-4, 1.0, log=True)}


def objective(p: dict) -> float:
    return (p["x"] - 0.5) ** 2 + (np.log10(p["lr"]) + 2) ** 2


def drive(s: BayesianSearch, n: int, fn=objective, sign: float = 1.0) -> BayesianSearch:
    for _ in range(n):
        t = s.ask()
        s.tell(t, sign * fn(t.params))
    return s


def test_the_heatmaps_are_the_posterior_and_acquisition_of_the_last_proposal() -> None:
    s = drive(BayesianSearch(DIMS, seed=0, n_startup_trials=5), 14)
    pending = s.ask()  # the searcher's model now: the one this proposal was made with
    cols = trial_columns(s.trials, s.space)
    info = surrogate_info(s, cols, ("x", "lr"), refit=False, resolution=9)
    assert isinstance(info, SurrogateInfo)
    assert info.trial == pending.number and info.n_model == 14
    state = s._proposer.last_state
    assert state is not None
    # the same points, encoded, through the searcher's own GP and log EI
    xs = np.linspace(0.0, 1.0, 9)
    best = s.best_params
    U = np.tile(s.space.encode(best), (81, 1))
    U[:, s.space.slices["x"]] = np.tile(xs, 9)[:, None]
    U[:, s.space.slices["lr"]] = np.repeat(xs, 9)[:, None]
    post = state.gp.predict(U)
    log_ei, _ = _gp.log_expected_improvement(post.mean, post.std, state.best)
    np.testing.assert_allclose(info.acquisition.ravel(), log_ei, rtol=1e-12, atol=1e-12)
    t = state.transform
    mean = t.inverse(post.mean * t.scale + t.center)
    np.testing.assert_allclose(info.mean.ravel(), mean, rtol=1e-10)
    # the next point drawn is the trial the searcher asked for, on the dashboard's axes
    ax = cols.axes[cols.names.index("x")]
    al = cols.axes[cols.names.index("lr")]
    assert info.next == pytest.approx(
        (float(ax.to_unit([pending.params["x"]])[0]), float(al.to_unit([pending.params["lr"]])[0]))
    )
    # log axis: the grid's rows are evenly spaced positions
    np.testing.assert_allclose(np.diff(info.y), np.diff(info.y)[0])


def test_heatmaps_change_after_new_trials_and_slices_match_the_grid() -> None:
    s = drive(BayesianSearch(DIMS, seed=1, n_startup_trials=5), 10)
    s.ask()
    a = surrogate_info(s, trial_columns(s.trials, s.space), ("x", "lr"), refit=False)
    s.tell(s.trials[-1], objective(s.trials[-1].params))
    s.ask()
    b = surrogate_info(s, trial_columns(s.trials, s.space), ("x", "lr"), refit=False)
    assert a is not None and b is not None
    assert b.n_model == a.n_model + 1
    assert not np.allclose(a.mean, b.mean)
    # a slice is the grid's column/row through the best trial's value on the other axis
    assert b.slice_names == ("x", "lr")
    assert list(np.diff(b.slice_offsets)) == [60, 60]
    assert np.all(b.slice_std >= 0) and np.all(np.isfinite(b.slice_acquisition))
    sl = s.surrogate_slice("x", 60, refit=False)
    np.testing.assert_allclose(b.slice_mean[:60], sl.mean)


def test_maximize_colours_the_high_end_and_values_keep_their_sign() -> None:
    s = drive(BayesianSearch(DIMS, seed=2, direction="maximize", n_startup_trials=5), 12, sign=-1)
    cols = trial_columns(s.trials, s.space, "maximize")
    info = surrogate_info(s, cols, ("x", "lr"))
    assert info is not None
    assert info.scales["mean"]["better"] == "high"
    assert info.scales["acquisition"]["better"] == "high"
    # values are negative (the objective's own sign): the best region has the highest mean
    assert info.mean.max() <= 0.5
    j = int(np.argmax(info.mean.max(axis=0)))
    assert abs(info.x[j] - 0.625) < 0.15  # x = 0.5 sits at 0.625 on [-2, 2]
    assert len(info.levels["mean"]) == 6
    assert all(
        info.scales["mean"]["lo"] < v < info.scales["mean"]["hi"] for v in info.levels["mean"]
    )


def test_choice_axis_auto_search_and_too_few_trials() -> None:
    dims = {"x": space.Float(0, 1), "act": space.Choice(["relu", "tanh", "gelu"])}
    res = nbopt.search(
        lambda x, act: x + (act == "tanh"),
        dims,
        method="bayesian",
        n_trials=12,
        seed=0,
        progress=False,
    )
    cols = trial_columns(res.trials, res.space)
    info = inside_info(res.searcher, cols, ("act", "x"))
    assert info.kind == "surrogate" and info.pair == ("act", "x")
    np.testing.assert_allclose(info.x, [1 / 6, 3 / 6, 5 / 6])
    assert info.mean.shape == (40, 3)
    assert info.fixed == {} and set(info.next_params) == {"x", "act"}
    # an "auto" search draws its Gaussian process
    auto = nbopt.search(
        lambda x, act: x + (act == "tanh"), dims, n_trials=12, seed=0, progress=False
    )
    got = inside_info(auto.searcher, trial_columns(auto.trials, auto.space))
    assert got is not None and got.kind == "surrogate"
    # fewer than 2 complete trials: no view rather than an error
    s = BayesianSearch(dims, seed=0)
    s.tell(s.ask(), 1.0)
    assert inside_info(s, trial_columns(s.trials, s.space)) is None


def test_drawing_never_changes_the_proposals() -> None:
    plain = drive(BayesianSearch(DIMS, seed=4, n_startup_trials=4), 12)
    drawn = BayesianSearch(DIMS, seed=4, n_startup_trials=4)
    for _ in range(12):
        t = drawn.ask()
        if len(drawn.trials) > 3:
            surrogate_info(drawn, trial_columns(drawn.trials, drawn.space), ("x", "lr"))
        drawn.tell(t, objective(t.params))
        if len(drawn.trials) > 3:
            surrogate_info(drawn, trial_columns(drawn.trials, drawn.space), ("lr", "x"))
    assert [t.params for t in drawn.trials] == [t.params for t in plain.trials]


def test_the_export_draws_the_mean_the_trials_and_the_next_proposal() -> None:
    from nbopt.drawing import search_info
    from nbopt.export import search_figure, search_png

    res = nbopt.search(
        lambda x, y: (x - 1) ** 2 + 3 * y**2,
        {"x": space.Float(-2, 2), "y": space.Float(-2, 2)},
        method="bayesian",
        n_trials=14,
        seed=1,
        progress=False,
    )
    info = search_info(res, pair=("x", "y"))
    assert info.inside.kind == "surrogate"
    fig = search_figure(info)
    (ax,) = [a for a in fig.axes if a.get_label() == "inside"]
    assert ax.get_title().startswith(f"surrogate mean after {info.inside.n_model} trials")
    (trials,) = [c for c in ax.collections if c.get_label() == "trials"]
    assert len(trials.get_offsets()) == 14
    (star,) = [ln for ln in ax.get_lines() if ln.get_label() == "next proposal"]
    assert tuple(star.get_xydata()[0]) == pytest.approx(info.inside.next)
    png = search_png(info)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
