"""nbopt.export: the search dashboard drawn by matplotlib as PNG and SVG, from SearchInfo."""

from __future__ import annotations

import io
import math
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

import nbopt
from nbopt import optimizers, space
from nbopt.drawing import search_info
from nbopt.export import header_lines, save, search_figure, search_png, search_svg
from nbopt.searchers import RandomSearch, Trial

SVG_NS = "{http://www.w3.org/2000/svg}"
MARKUP = "<img src=x onerror=alert(1)>"
DIMS = {
    "lr": space.Float(1e-4, 1e-1, log=True),
    "layers": space.Int(1, 4),
    "act": space.Choice(["relu", "tanh", "$x$ & <b>"]),
}


def _objective(lr, layers, act):
    if lr > 0.05:
        raise ValueError("diverged")
    return math.log10(lr / 3e-3) ** 2 + 0.1 * layers + (act == "tanh")


@pytest.fixture(scope="module")
def result():
    return nbopt.search(_objective, DIMS, method="random", n_trials=60, seed=2)


def _svg_texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return ["".join(el.itertext()) for el in root.iter(f"{SVG_NS}text")]


def _pixels(png: bytes) -> np.ndarray:
    img = Image.open(io.BytesIO(png))
    assert img.format == "PNG"
    return np.asarray(img.convert("RGB"), dtype=float)


def test_png_is_a_non_blank_image_of_the_requested_size(result):
    png = search_png(result, dpi=40)
    pixels = _pixels(png)
    assert pixels.shape[:2] == (516, 480)  # 12 x 12.9 inches at 40 dpi (with importance)
    assert pixels.std() > 20
    # the best trial's marker colour (vermilion) is painted
    close = np.abs(pixels.reshape(-1, 3) - np.array([0xD5, 0x5E, 0x00])).max(axis=1) < 25
    assert close.sum() > 20


def test_svg_keeps_axis_labels_and_names_as_text(result):
    texts = _svg_texts(search_svg(result))
    assert "RandomSearch: minimize (finished)" in texts
    assert "trial number" in texts
    assert "lr (log)" in texts and "layers" in texts and "act" in texts
    assert "value of every trial" in texts
    n_complete = sum(t.state == "complete" for t in result.trials)
    assert f"parallel coordinates: {n_complete} of {n_complete} complete trials" in texts
    assert "0.001" in texts and "relu" in texts
    assert "value, lower is better" in texts
    # a category with mathtext and markup characters is shown literally
    assert "$x$ & <b>" in texts
    assert any(t.startswith("60 of 60 trials done") for t in texts)


def test_a_param_name_with_markup_survives_as_text(tmp_path):
    dims = {MARKUP: space.Float(0.0, 1.0), "y": space.Choice([MARKUP, "b"])}
    s = RandomSearch(dims, seed=0)
    for _ in range(12):
        t = s.ask()
        s.tell(t, t.params[MARKUP] ** 2)
    path = save(s, tmp_path / "markup.svg")
    svg = path.read_text(encoding="utf-8")
    root = ET.fromstring(svg)
    assert not any(el.tag.endswith("img") for el in root.iter())
    texts = _svg_texts(svg)
    assert MARKUP in texts  # the parallel axis title and the choice's tick label
    assert f"{MARKUP} against y" in texts
    assert "<img" not in svg  # escaped in the file


def test_save_dispatches_search_sources_by_suffix(tmp_path, result):
    png = save(result, tmp_path / "search.PNG", dpi=20)
    assert Image.open(png).size == (240, 258)
    info = search_info(result, best_fraction=0.5)
    svg = save(info, tmp_path / "search.svg")
    assert ET.fromstring(svg.read_text()).tag == f"{SVG_NS}svg"
    assert any("(the best 50%)" in t for t in _svg_texts(svg.read_text()))
    with pytest.raises(ValueError, match=r"\.png, \.svg, \.gif, \.mp4"):
        save(result, tmp_path / "search.bmp")
    with pytest.raises(ValueError, match="dpi"):
        save(result, tmp_path / "search.svg", dpi=50)
    with pytest.raises(TypeError, match=r"a race .*, a search .* or a race of searchers"):
        save({"not": "a view"}, tmp_path / "x.png")


def test_save_still_draws_a_race(tmp_path):
    race = optimizers.Race("booth", {"GD": optimizers.GradientDescent(lr=0.05)}, steps=10)
    race.run_to_end()
    assert "GD: " in save(race, tmp_path / "race.svg").read_text()
    with pytest.raises(ValueError, match=r"\.png, \.svg, \.gif, \.mp4"):
        save(race, tmp_path / "race.jpg")


def test_view_options_pass_through_and_are_checked(result):
    texts = _svg_texts(search_svg(result, brush={"act": {"relu"}}, pair=("lr", "act")))
    assert "lr against act" in texts
    assert any(t.endswith("brushed on act") for t in texts)
    brushed = search_info(result, brush={"act": {"relu", "tanh"}})
    again = _svg_texts(search_svg(brushed, best_fraction=0.5))
    assert any(t.endswith("(the best 50%), brushed on act") for t in again)
    with pytest.raises(TypeError, match="unexpected keyword"):
        search_png(result, colour="red")
    with pytest.raises(TypeError, match="value_log"):
        search_png(brushed, value_log=True)
    with pytest.raises(ValueError, match="dpi"):
        search_png(result, dpi=0)
    with pytest.raises(TypeError, match="SearchInfo, a SearchResult, a Searcher"):
        search_png([1, 2, 3])
    with pytest.raises(TypeError, match="SearchInfo"):
        search_figure(result)


def test_figure_panels_and_a_colour_bar(result):
    fig = search_figure(search_info(result))
    labels = [ax.get_label() for ax in fig.axes]
    assert labels[:5] == ["header", "history", "failed", "scatter", "parallel"]  # failed trials
    assert labels[-1] == "<colorbar>"
    bar = fig.axes[-1]
    assert [t.get_text() for t in bar.get_yticklabels()] == list(
        search_info(result).value_axis.tick_labels
    )


def _legend_above_frame(ax) -> None:
    """The legend of ``ax`` lies between its frame and its title: over no mark."""
    legend = ax.get_legend().get_window_extent()
    assert legend.y0 >= ax.get_window_extent().y1
    assert ax.title.get_window_extent().y0 >= legend.y1


def test_the_failed_strip_is_drawn_only_with_trials_without_a_value(result):
    # `result` has failed trials: the strip holds their crosses and says so
    fig = search_figure(search_info(result))
    band = next(ax for ax in fig.axes if ax.get_label() == "failed")
    assert band.get_ylabel() == "failed"
    assert len(band.get_lines()[0].get_xdata()) == sum(t.state == "failed" for t in result.trials)
    clean = nbopt.search(lambda x: (x - 0.3) ** 2, {"x": space.Float(0, 1)}, n_trials=12, seed=0)
    fig = search_figure(search_info(clean))
    labels = [ax.get_label() for ax in fig.axes]
    assert "failed" not in labels
    history = fig.axes[labels.index("history")]
    assert history.get_xlabel() == "trial number"
    assert all(t.get_text() == "" or t.get_visible() for t in history.get_xticklabels())


def test_legends_sit_above_the_frames_of_history_and_scatter(result):
    fig = search_figure(search_info(result))
    fig.canvas.draw()
    for ax in fig.axes:
        if ax.get_label() in {"history", "scatter"}:
            _legend_above_frame(ax)


def test_log_history_and_maximize_draw(tmp_path):
    res = nbopt.search(
        lambda lr, layers, act: -_objective(lr, layers, act),
        DIMS,
        method="random",
        n_trials=40,
        seed=1,
        direction="maximize",
    )
    texts = _svg_texts(search_svg(res, value_log=True))
    assert "value (log scale), higher is better" in texts
    assert any(t.startswith("value − (") and t.endswith("(log scale)") for t in texts)
    assert any(t == "best so far (highest)" for t in texts)


def test_empty_and_all_failed_searches_render():
    empty = search_info([], space=DIMS)
    texts = _svg_texts(search_svg(empty))
    assert "no complete trial yet" in texts
    assert "best: no complete trial yet" in texts
    failed = [
        Trial(i, {"lr": 1e-3, "layers": 2, "act": "relu"}, "failed", error="boom") for i in range(5)
    ]
    info = search_info(failed, space=DIMS)
    assert _pixels(search_png(info, dpi=30)).std() > 10
    assert header_lines(info)[1] == "5 trials done · 0 running · 5 failed"


def test_five_thousand_trials_stay_readable():
    rng = np.random.default_rng(0)
    sp = space.Space(DIMS)
    points = sp.from_uniform(rng.random((5000, 3)))
    trials = [
        Trial(i, p, "complete", float(rng.random() + p["layers"])) for i, p in enumerate(points)
    ]
    info = search_info(trials, space=sp)
    fig = search_figure(info)
    parallel = next(ax for ax in fig.axes if ax.get_label() == "parallel")
    (lines,) = parallel.collections
    alphas = lines.get_colors()[:, 3]
    # faint lines: the best 2,000 and an even sample of the rest (MAX_LINES), best on top
    assert len(alphas) == 4000 and alphas.max() <= 0.1
    assert info.parallel.n_lines == 5000
    assert info.parallel.rows[-1] == info.columns.best_row
    assert set(info.parallel.rows[-2000:]) == set(np.flatnonzero(info.columns.rank <= 2000))
    pixels = _pixels(search_png(info.with_view(best_fraction=0.05), dpi=40))
    assert pixels.std() > 20


def _epochs(x, trial):
    for epoch in range(8):
        trial.report((x - 0.3) ** 2 + 1.0 / (epoch + 1), epoch)
        if trial.should_prune():
            raise nbopt.Pruned()
    return (x - 0.3) ** 2


def test_a_pruned_search_draws_its_learning_curves_and_the_pruners_bars():
    res = nbopt.search(
        _epochs, {"x": space.Float(0, 1)}, method="random", n_trials=30, seed=4, pruner="median"
    )
    info = search_info(res)
    fig = search_figure(info)
    (ax,) = [a for a in fig.axes if a.get_label() == "curves"]
    (lines,) = ax.collections
    assert len(lines.get_segments()) == len(info.curves.rows) == 30
    (bar,) = info.curves.thresholds
    dashed = [ln for ln in ax.get_lines() if ln.get_linestyle() == "--"]
    assert [tuple(ln.get_xdata()) for ln in dashed] == [bar.steps]
    assert "MedianPruner" in ax.get_title()
    assert "pruned (pruning saved" in header_lines(info)[1]
    # without curves, no curves panel
    plain = search_figure(
        search_info(
            nbopt.search(lambda x: x, {"x": space.Float(0, 1)}, method="random", n_trials=5, seed=0)
        )
    )
    assert "curves" not in [a.get_label() for a in plain.axes]


@pytest.mark.parametrize(
    "method", ["grid", "random", "genetic", "evolutionary", "bayesian", "auto"]
)
def test_every_searchers_view_draws_before_and_just_after_its_first_trials(method):
    # a notebook shows a search's PNG before its first trial: it must draw, and cleanly
    import importlib
    import warnings

    from nbopt.searchers._search import _METHOD_CLASSES

    module, name = _METHOD_CLASSES[method]
    searcher = getattr(importlib.import_module(module), name)

    mixed = {"x": space.Float(-5, 5), "y": space.Float(-5, 5), "c": space.Choice(["a", "b"])}
    for n in (0, 1, 2):
        s = searcher(mixed, seed=0)
        for _ in range(n):
            t = s.ask()
            s.tell(t, float(t.params["x"] ** 2))
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            png = search_png(search_info(s))
        assert png[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("direction", ["minimize", "maximize"])
def test_the_grid_panel_colours_its_best_cell_with_the_best_colour(direction):
    from matplotlib.collections import QuadMesh

    from nbopt.drawing import VALUE_COLORMAP

    dims = {"x": space.Float(-1, 1), "y": space.Float(-1, 1)}
    res = nbopt.search(
        lambda x, y: x + 2 * y,
        dims,
        method="grid",
        n_trials=25,
        direction=direction,
        searcher_kwargs={"resolution": 5},
        progress=False,
    )
    info = search_info(res, pair=("x", "y"))
    assert info.inside.kind == "grid"
    fig = search_figure(info)
    (ax,) = [a for a in fig.axes if a.get_label() == "inside"]
    (mesh,) = [c for c in ax.collections if isinstance(c, QuadMesh)]
    fig.canvas.draw()
    colours = mesh.get_facecolors().reshape((*info.inside.best.shape, 4))
    best = (
        np.nanargmin(info.inside.best)
        if direction == "minimize"
        else np.nanargmax(info.inside.best)
    )
    j, i = np.unravel_index(best, info.inside.best.shape)
    dark = tuple(int(VALUE_COLORMAP[-1][k : k + 2], 16) / 255 for k in (1, 3, 5))
    assert tuple(colours[j, i, :3]) == pytest.approx(dark, abs=0.02)
