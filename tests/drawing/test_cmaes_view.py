"""Inside an evolutionary search: the ellipses are the searcher's own covariance."""

from __future__ import annotations

import numpy as np
import pytest

import nbopt
from nbopt import space
from nbopt.drawing import EllipseInfo, ellipse_info, inside_info, search_info, trial_columns
from nbopt.drawing._cmaes import ELLIPSE_GENERATIONS, encoded_to_axis
from nbopt.searchers import EvolutionarySearch, Trial
from nbopt.widgets._search import encode_inside

DIMS = {
    "lr": space.Float(1e-4, 1e-1, log=True),
    "layers": space.Int(1, 64, log=True),
    "act": space.Choice(["relu", "tanh", "gelu"]),
    "drop": space.Float(0.0, 0.5),
}


def _f(p: dict) -> float:
    return float(
        (np.log10(p["lr"]) + 2.5) ** 2
        + (np.log2(p["layers"]) - 3) ** 2 / 4
        + (p["drop"] - 0.1) ** 2 * 10
        + (p["act"] != "tanh")
    )


def _drive(s: EvolutionarySearch, n: int, fn=_f) -> list[tuple[int, np.ndarray, float, np.ndarray]]:
    """Run ``n`` trials; record (generation, mean, sigma, cov) whenever one starts."""
    seen = [(s.generation, s.mean, s.sigma, s.cov)]
    for _ in range(n):
        t = s.ask()
        s.tell(t, fn(t.params))
        if s.generation != seen[-1][0]:
            seen.append((s.generation, s.mean, s.sigma, s.cov))
    return seen


def _back(dim, axis, pos: np.ndarray) -> np.ndarray:
    """Axis positions back to encoded coordinates: Axis.from_unit, then Dimension.encode."""
    return dim.encode(axis.from_unit(pos))[:, 0]


@pytest.mark.parametrize("pair", [("lr", "layers"), ("drop", "lr"), ("layers", "drop")])
def test_the_ellipses_are_the_searchers_covariance_not_a_fit(pair):
    s = EvolutionarySearch(DIMS, seed=0)
    seen = _drive(s, 90)
    cols = trial_columns(s.trials, s.space)
    e = ellipse_info(s, cols, pair)
    assert isinstance(e, EllipseInfo) and e.kind == "cmaes" and e.ellipse
    # the only note: the searcher's surrogate picks which samples become trials
    assert e.note == "a surrogate model ranks each generation's samples; only some become trials"
    assert e.n_generations == s.generation + 1 == len(seen)
    assert e.generation.tolist() == list(range(e.n_generations))
    ix = [s.space.slices[n].start for n in pair]
    # each generation's block is sigma^2 C of the searcher's own state at that time
    for k, (gen, _, sigma, cov) in enumerate(seen):
        assert e.generation[k] == gen
        assert np.allclose(e.cov[k], cov[np.ix_(ix, ix)], rtol=1e-12, atol=0)
        assert e.sigma[k] == sigma
    assert np.allclose(e.cov[-1], s.cov[np.ix_(ix, ix)])
    # the outlines, taken back to the encoding, sit at Mahalanobis distance 1 and 2
    jx, jy = (cols.names.index(n) for n in pair)
    for k, (_, mean, _, cov) in enumerate(seen):
        inv = np.linalg.inv(cov[np.ix_(ix, ix)])
        mu = mean[ix]
        for ring, dist in ((0, 1.0), (1, 2.0)):
            u = np.stack(
                [
                    _back(s.space[pair[0]], cols.axes[jx], e.outline_x[k, ring]),
                    _back(s.space[pair[1]], cols.axes[jy], e.outline_y[k, ring]),
                ],
                axis=1,
            )
            d = u - mu
            maha = np.sqrt(np.einsum("ni,ij,nj->n", d, inv, d))
            assert np.allclose(maha, dist, rtol=1e-6)
        # the mean, taken back, is the searcher's mean
        back = [
            _back(s.space[pair[0]], cols.axes[jx], e.mean_x[k : k + 1])[0],
            _back(s.space[pair[1]], cols.axes[jy], e.mean_y[k : k + 1])[0],
        ]
        assert np.allclose(back, mu, atol=1e-12)
        sx = encoded_to_axis(s.space[pair[0]], cols.axes[jx])[2]
        sy = encoded_to_axis(s.space[pair[1]], cols.axes[jy])[2]
        area = np.pi * np.sqrt(np.linalg.det(cov[np.ix_(ix, ix)])) * abs(sx * sy)
        assert e.area[k] == pytest.approx(area, rel=1e-9)


def test_log_and_int_axes_map_the_encoding_to_the_dashboards_positions():
    # inside the box, the map is the dimension's decoding followed by the axis' to_unit
    u = np.linspace(0.0, 1.0, 11)
    for name in ("lr", "drop"):
        dim = DIMS[name]
        axis = trial_columns([], DIMS).axes[list(DIMS).index(name)]
        e0, p0, scale = encoded_to_axis(dim, axis)
        assert np.allclose(p0 + scale * (u - e0), axis.to_unit(dim.decode(u)), atol=1e-12)
    # an Int: its values' encodings (bin centres) land on the axis positions of the values
    dim = DIMS["layers"]
    axis = trial_columns([], DIMS).axes[1]
    e0, p0, scale = encoded_to_axis(dim, axis)
    values = np.array([1, 2, 8, 13, 64])
    assert np.allclose(p0 + scale * (dim.encode(values)[:, 0] - e0), axis.to_unit(values))
    # a log axis: 1e-3 is two thirds along 1e-4 .. 1e-1, in the encoding and on the axis
    lr = trial_columns([], DIMS).axes[0]
    e0, p0, scale = encoded_to_axis(DIMS["lr"], lr)
    assert p0 + scale * (DIMS["lr"].encode([1e-3])[0, 0] - e0) == pytest.approx(1 / 3)


def test_means_points_and_the_step_size_follow_the_searchers_history():
    s = EvolutionarySearch(DIMS, seed=3, surrogate=False)
    seen = _drive(s, 70)
    h = s.history
    assert h.n_generations == len(seen)
    for k, (gen, mean, sigma, cov) in enumerate(seen):
        assert np.array_equal(h.mean[k], mean) and h.sigma[k] == sigma
        assert np.allclose(h.cov(gen), cov)
    assert h.trial_number.tolist() == [t.number for t in s.trials]
    assert h.trial_generation.tolist() == [t.info["generation"] for t in s.trials]
    cols = trial_columns(s.trials, s.space)
    e = ellipse_info(s, cols, ("drop", "lr"))
    # every finished trial is a point, with its generation, at its dashboard position
    assert e.point_generation.tolist() == [t.info["generation"] for t in s.trials]
    assert np.allclose(e.point_x, cols.unit[:, 3]) and np.allclose(e.point_y, cols.unit[:, 0])
    assert not e.point_injected.any()
    assert e.sigma.tolist() == [x[2] for x in seen]
    assert e.sigma_generation.tolist() == list(range(len(seen)))
    assert e.population_size == s.population_size


def test_restarts_are_counted_and_break_the_path():
    dims = {"n": space.Int(1, 3), "x": space.Float(0.0, 1.0)}
    s = EvolutionarySearch(dims, population_size=4, seed=3)
    for _ in range(80):
        t = s.ask()
        s.tell(t, 1.0)  # flat: every run stops and restarts
    assert s.restart_count >= 2
    e = ellipse_info(s, trial_columns(s.trials, s.space), ("x", "n"))
    h = s.history
    assert len(e.restart_generation) == s.restart_count == len(e.restart_reasons)
    assert set(e.restart_reasons) <= {"tolx", "condition", "flat", "stagnation"}
    for g in e.restart_generation:
        assert h.restart[g] == h.restart[g - 1] + 1
        assert h.population_size[g] == 2 * h.population_size[g - 1]
    assert e.restart.tolist() == h.restart[e.generation].tolist()
    assert e.population_size == 4 * 2**s.restart_count


def test_an_unordered_choice_has_no_ellipse_and_says_so():
    s = EvolutionarySearch(DIMS, seed=1)
    _drive(s, 30)
    cols = trial_columns(s.trials, s.space)
    e = ellipse_info(s, cols, ("lr", "act"))
    assert not e.ellipse and e.outline_x.shape[0] == 0 and np.isnan(e.area).all()
    assert "act is a choice" in e.note
    # the mean sits at the option it decodes to
    sl = s.space.slices["act"]
    best = np.argmax(s.history.mean[:, sl], axis=1)
    assert np.allclose(e.mean_y, (best + 0.5) / 3)


def test_replayed_trials_join_the_generation_being_sampled():
    s = EvolutionarySearch(DIMS, seed=2)
    old = [
        Trial(k, {"lr": 1e-3, "layers": 4, "act": "relu", "drop": 0.2}, "complete", 1.0)
        for k in range(3)
    ]
    for t in old:
        s.add_finished(t)
    _drive(s, 20)
    h = s.history
    assert h.trial_injected.tolist()[:3] == [True] * 3 and not h.trial_injected[3:].any()
    e = ellipse_info(s, trial_columns(s.trials, s.space), ("lr", "drop"))
    assert e.point_injected.sum() == (e.point_generation[:3] >= 0).sum() == 3


def test_long_runs_keep_a_bounded_history_and_draw_the_latest_generations():
    dims = {"x": space.Float(-1, 1), "y": space.Float(-1, 1)}
    s = EvolutionarySearch(dims, population_size=2, seed=0, restarts=False, surrogate=False)
    for _ in range(2 * (ELLIPSE_GENERATIONS + 25)):
        t = s.ask()
        s.tell(t, t.params["x"] ** 2 + t.params["y"] ** 2)
    e = ellipse_info(s, trial_columns(s.trials, s.space), ("x", "y"))
    assert len(e.generation) == ELLIPSE_GENERATIONS
    assert e.generation[-1] == s.generation and e.n_generations == s.generation + 1
    assert "the last 40 of" in e.note
    assert e.point_generation.min() >= e.generation[0]
    assert len(e.sigma) == e.n_generations
    # a high-dimensional space keeps fewer covariances in full
    big = EvolutionarySearch({f"x{i}": space.Float(0, 1) for i in range(600)}, seed=0)
    assert big._hist_full.maxlen == 8


def test_inside_info_picks_the_ellipses_and_bad_pairs_fail_clearly():
    s = EvolutionarySearch(DIMS, seed=0)
    assert inside_info(s, trial_columns([], s.space)) is None  # nothing sampled yet
    _drive(s, 12)
    cols = trial_columns(s.trials, s.space)
    e = inside_info(s, cols)
    assert e.kind == "cmaes" and e.pair == ("lr", "layers")
    with pytest.raises(ValueError, match="unknown parameter 'nope'"):
        ellipse_info(s, cols, ("lr", "nope"))
    with pytest.raises(ValueError, match="two different parameters"):
        ellipse_info(s, cols, ("lr", "lr"))
    with pytest.raises(ValueError, match="unknown parameter 'nope'"):
        inside_info(s, cols, ("nope", "lr"))
    # it travels to the page as binary arrays and JSON meta
    meta, arrays = encode_inside(e)
    assert meta is not None and meta["kind"] == "cmaes" and meta["ellipse"] is True
    names = dict(arrays)
    assert names["inside_outline_x"].shape == e.outline_x.shape
    assert "outline_x" in meta["arrays"] and isinstance(meta["note"], str)


def test_the_export_draws_the_ellipses_and_the_step_size():
    from nbopt.export import search_figure, search_png

    res = nbopt.search(
        lambda lr, layers, act, drop: _f({"lr": lr, "layers": layers, "act": act, "drop": drop}),
        DIMS,
        method="evolutionary",
        n_trials=60,
        seed=0,
        progress=False,
    )
    info = search_info(res, pair=("lr", "drop"))
    assert info.inside.kind == "cmaes"
    fig = search_figure(info)
    (ax,) = [a for a in fig.axes if a.get_label() == "inside"]
    (sig,) = [a for a in fig.axes if a.get_label() == "inside-sigma"]
    assert ax.get_title().startswith("CMA-ES: generation ")
    assert [ln.get_label() for ln in ax.get_lines() if not ln.get_label().startswith("_")] == [
        "1σ",
        "2σ",
        "mean",
    ]
    assert sig.get_yscale() == "log"
    png = search_png(info)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
