"""The replay slider in a real JupyterLab + Chromium: scrub a finished run, the views follow."""

from __future__ import annotations

import pytest
from labhelpers import (
    canvas_hash,
    cell_output_text,
    data,
    open_notebook,
    run_cell,
    scrub,
    shot,
    wait_data,
    wait_kernel_idle,
    widget,
    write_notebook,
)

pytestmark = pytest.mark.e2e


def widget_canvas(page, index: int) -> int:
    panel_id = page.evaluate("() => window.__panel.id")
    return canvas_hash(page, f"#{panel_id} :is(.nbopt-race, .nbopt-search)", index)


def test_a_finished_race_replays_step_by_step(page, jupyter_lab):
    write_notebook(
        jupyter_lab.root,
        "replay-race.ipynb",
        [
            "from nbopt.widgets import optimize\n"
            "from nbopt.optimizers import SGD, Adam\n"
            'w = optimize("rosenbrock", {"SGD": SGD(lr=1e-3, momentum=0.9), '
            '"Adam": Adam(lr=0.05)},\n'
            "             start=(-1.5, 2.0), steps=400)\n"
            "w",
        ],
    )
    open_notebook(page, jupyter_lab, "replay-race.ipynb")
    run_cell(page, 0)
    wait_data(page, "d.state === 'finished' && Number(d.step) === 400", timeout_ms=120_000)
    root = widget(page)
    bar = root.locator(".nbopt-replay")
    bar.wait_for(state="visible")
    assert "(the end)" in bar.inner_text()
    full_points = int(data(page, "points"))
    full_land, full_loss = widget_canvas(page, 0), widget_canvas(page, 1)

    scrub(widget(page), 40)
    wait_data(page, "d.replay === '40'")
    # the paths and the loss curves stop at step 40; the table shows step 40
    assert 0 < int(data(page, "shown-points")) < full_points
    assert widget_canvas(page, 0) != full_land and widget_canvas(page, 1) != full_loss
    assert root.locator("tbody tr td:nth-child(3)").all_inner_texts() == ["40", "40"]
    assert "replaying step 40" in root.locator(".nbopt-status").inner_text()
    shot(page, "race-replay")

    # forward again, then to the end: every trajectory whole again, drawn the same way
    # each time the slider comes back to it
    scrub(widget(page), 200)
    wait_data(page, "d.replay === '200'")
    assert 0 < int(data(page, "shown-points")) < full_points
    scrub(widget(page), 400)
    wait_data(page, f"d.replay === '' && Number(d.shownPoints) === {full_points}")
    end = widget_canvas(page, 0), widget_canvas(page, 1)
    scrub(widget(page), 40)
    wait_data(page, "d.replay === '40'")
    assert (widget_canvas(page, 0), widget_canvas(page, 1)) != end
    scrub(widget(page), 400)
    wait_data(page, "d.replay === ''")
    assert (widget_canvas(page, 0), widget_canvas(page, 1)) == end


def test_a_finished_search_replays_trial_by_trial(page, jupyter_lab):
    write_notebook(
        jupyter_lab.root,
        "replay-search.ipynb",
        [
            "import nbopt\n"
            "from nbopt import space\n"
            "res = nbopt.search(lambda x, y: (x - 1) ** 2 + (y + 2) ** 2,\n"
            '                   {"x": space.Float(-5, 5), "y": space.Float(-5, 5)},\n'
            '                   method="random", n_trials=60, seed=0, block=False)\n'
            "res",
            "res.wait()\nprint(min(res.trials[:10], key=lambda t: t.value).number)",
        ],
    )
    open_notebook(page, jupyter_lab, "replay-search.ipynb")
    run_cell(page, 0)
    wait_data(page, "d.state === 'finished' && Number(d.trials) === 60", timeout_ms=120_000)
    root = widget(page)
    bar = root.locator(".nbopt-replay")
    bar.wait_for(state="visible")
    end_best = data(page, "best")
    end_hist, end_scatter = widget_canvas(page, 0), widget_canvas(page, 1)

    scrub(widget(page), 10)
    wait_data(page, "d.replay === '10' && Number(d.trials) === 10 && Number(d.shown) === 10")
    assert int(data(page, "done")) == 10
    # the best of the first ten trials (the kernel's count), not of the whole search
    run_cell(page, 1)
    wait_kernel_idle(page)
    assert data(page, "best") == cell_output_text(page, 1).strip()
    # the table lists those ten and no row of a later trial
    rows = root.locator(".nbopt-row:not(.nbopt-row-head)")
    assert rows.evaluate_all("rs => rs.filter(r => r.offsetParent !== null).length") == 10
    assert (widget_canvas(page, 0), widget_canvas(page, 1)) != (end_hist, end_scatter)
    assert "replaying the first 10 to finish" in root.locator(".nbopt-status").inner_text()
    shot(page, "search-replay")

    scrub(widget(page), 60)
    wait_data(page, "d.replay === '' && Number(d.trials) === 60")
    assert data(page, "best") == end_best
