"""The dashboard's learning curves in a real JupyterLab + Chromium: running, pruned, thresholds."""

from __future__ import annotations

import pytest
from labhelpers import (
    cell_output_text,
    data,
    open_notebook,
    run_cell,
    shot,
    wait_data,
    wait_kernel_idle,
    widget,
    write_notebook,
)

pytestmark = pytest.mark.e2e

SETUP = """
import time
import nbopt
from nbopt import space

def train(lr, width, trial):
    loss = 1.0
    for epoch in range(12):
        time.sleep(0.04)
        loss = abs(lr - 0.05) * 20 / (epoch + 1) + 1.0 / width + 0.1
        trial.report(loss, epoch)
        if trial.should_prune():
            raise nbopt.Pruned()
    return loss

dims = {"lr": space.Float(1e-3, 1.0, log=True), "width": space.Int(4, 64)}
"""


def test_curves_are_drawn_as_trials_report_with_pruned_trials_and_rung_cut_offs(page, jupyter_lab):
    page.set_viewport_size({"width": 1280, "height": 2400})
    write_notebook(
        jupyter_lab.root,
        "curves.ipynb",
        [
            SETUP,
            "res = nbopt.search(train, dims, method='random', n_trials=40, seed=0,\n"
            "                   pruner='halving', n_workers=2, block=False)\n"
            "res",
            "print(len(res.trials), sum(t.state == 'pruned' for t in res.trials), res.done)",
        ],
    )
    open_notebook(page, jupyter_lab, "curves.ipynb")
    run_cell(page, 0)
    wait_kernel_idle(page)
    run_cell(page, 1)
    # running trials' curves are drawn while they report, before they finish
    wait_data(page, "d.state === 'running' && Number(d.live) > 0", timeout_ms=90_000)
    root = widget(page)
    assert root.locator(".nbopt-curves-box").is_visible()
    wait_data(page, "Number(d.pruned) > 0 && Number(d.thresholds) > 0", timeout_ms=90_000)
    shot(page, "search-curves-running")
    wait_data(page, "d.state === 'finished'", timeout_ms=120_000)
    wait_data(page, "d.live === '0' && d.trials === '40'")
    run_cell(page, 2)
    wait_kernel_idle(page)
    n, pruned, done = cell_output_text(page, 2).split()
    assert (n, done) == ("40", "True") and int(pruned) > 0
    wait_data(page, f"d.pruned === '{pruned}' && Number(d.curves) === 40")
    # the header counts the pruned trials and what pruning saved; the caption names the pruner
    status = root.locator(".nbopt-status").inner_text()
    assert f"{pruned} pruned (saved " in status
    caption = root.locator(".nbopt-curves-box .nbopt-caption").inner_text()
    assert "SuccessiveHalvingPruner" in caption and "saving" in caption
    # the table says why each pruned trial was stopped
    root.get_by_label("filter the trials by state").select_option("pruned")
    wait_data(page, f"d.shown === '{pruned}'")
    cells = root.locator(".nbopt-table-body .nbopt-cell").all_inner_texts()
    assert any(c.startswith("rung ") and "cut-off" in c for c in cells)
    shot(page, "search-curves-finished")
    page.evaluate(
        "() => window.jupyterapp.commands.execute('apputils:change-theme',"
        " {theme: 'JupyterLab Dark'})"
    )
    page.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'")
    wait_data(page, "d.theme === 'dark'")
    page.wait_for_function("() => !document.querySelector('#jupyterlab-splash')")
    shot(page, "search-curves-dark")
    page.evaluate(
        "() => window.jupyterapp.commands.execute('apputils:change-theme',"
        " {theme: 'JupyterLab Light'})"
    )
    page.wait_for_function("() => document.body.dataset.jpThemeLight === 'true'")
    assert data(page, "state") == "finished"
