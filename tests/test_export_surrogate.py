"""nbopt.export's surrogate panel: bound points drawn whole, the legend clear of every mark."""

from __future__ import annotations

import dataclasses

import matplotlib
import pytest
from matplotlib.figure import Figure

import nbopt
from nbopt import space
from nbopt.drawing import surrogate_info, trial_columns
from nbopt.export._surrogate import _MARGIN, draw_surrogate


@pytest.fixture(scope="module")
def search():
    dims = {"x": space.Float(-2.0, 2.0), "y": space.Float(-2.0, 2.0)}
    res = nbopt.search(
        lambda x, y: (x - 1) ** 2 + y**2,
        dims,
        method="bayesian",
        n_trials=12,
        seed=0,
        progress=False,
    )
    cols = trial_columns(res.trials, res.space)
    return surrogate_info(res.searcher, cols, ("x", "y")), cols


@pytest.mark.parametrize("proposal", [(0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0), (0.5, 0.5)])
def test_the_legend_stays_above_the_frame_and_bounds_lie_inside(search, proposal):
    info, cols = search
    info = dataclasses.replace(info, next=proposal)
    fig = Figure(figsize=(5, 4), layout="constrained")
    ax = fig.add_subplot()
    draw_surrogate(ax, info, cols, matplotlib.colormaps["viridis"])
    fig.canvas.draw()
    # points on the bounds are inside the axes, not on their frame
    for lo, hi in (ax.get_xlim(), ax.get_ylim()):
        assert lo < 0 and hi > 1
    # the heatmap fills the frame: its outer cells reach the limits
    mesh = ax.collections[0].get_coordinates()
    assert mesh[..., 0].min() == pytest.approx(-_MARGIN)
    assert mesh[..., 1].max() == pytest.approx(1 + _MARGIN)
    # the legend sits above the frame, under the title: no trial or star can lie under it
    legend = ax.get_legend().get_window_extent()
    assert legend.y0 >= ax.get_window_extent().y1
    assert ax.title.get_window_extent().y0 >= legend.y1
