"""Inside a Bayesian search, live: the surrogate's heatmaps change as trials arrive."""

from __future__ import annotations

import pytest
from labhelpers import data, open_notebook, run_cell, shot, wait_data, widget, write_notebook

pytestmark = pytest.mark.e2e


def test_the_surrogate_changes_after_new_trials_and_the_proposal_is_drawn(page, jupyter_lab):
    page.set_viewport_size({"width": 1280, "height": 2400})
    write_notebook(
        jupyter_lab.root,
        "bayes.ipynb",
        [
            "import time\n"
            "import nbopt\n"
            "from nbopt import space\n"
            "dims = {'x': space.Float(-2.0, 2.0), 'lr': space.Float(1e-4, 1.0, log=True)}\n"
            "def f(x, lr):\n"
            "    time.sleep(0.3)\n"
            "    return (x - 0.5) ** 2 + (__import__('math').log10(lr) + 2) ** 2\n"
            "res = nbopt.search(f, dims, method='bayesian', n_trials=30, seed=0,\n"
            "                   searcher_kwargs={'n_startup_trials': 5}, block=False)\n"
            "res",
        ],
    )
    open_notebook(page, jupyter_lab, "bayes.ipynb")
    run_cell(page, 0)
    wait_data(page, "d.inside === 'surrogate:x,lr'", timeout_ms=120_000)
    wait_data(page, "d.surrogate !== '' && d.surrogate.split('|')[2] !== 'null'")
    first = data(page, "surrogate")
    assert first is not None
    field, n_model, trial, _, nxt = first.split("|")
    assert field == "mean" and int(trial) >= 5 and nxt
    # later trials refit the model: the drawn mean and the proposal move
    later_model = int(n_model) + 3
    wait_data(page, f"Number(d.surrogate.split('|')[1]) >= {later_model}", timeout_ms=120_000)
    later = data(page, "surrogate")
    assert later is not None and later.split("|")[3] != first.split("|")[3]
    root = widget(page)
    caption = root.locator(".nbopt-inside-box .nbopt-caption").inner_text()
    assert caption.startswith("the searcher's Gaussian process after")
    assert "★ = its proposal" in caption
    sel = root.get_by_label("what the Bayesian search's view shows")
    sel.select_option("acquisition")
    wait_data(page, "d.surrogate.startsWith('acquisition|')")
    wait_data(page, "d.state === 'finished' && d.trials === '30'", timeout_ms=180_000)
    shot(page, "search-surrogate-acquisition")
    sel.select_option("slices")
    wait_data(page, "d.surrogate.startsWith('slices|')")
    shot(page, "search-surrogate-slices")
    sel.select_option("mean")
    wait_data(page, "d.surrogate.startsWith('mean|')")
    page.evaluate(
        "() => window.jupyterapp.commands.execute('apputils:change-theme',"
        " {theme: 'JupyterLab Dark'})"
    )
    wait_data(page, "d.theme === 'dark'")
    shot(page, "search-surrogate-dark")
    page.evaluate(
        "() => window.jupyterapp.commands.execute('apputils:change-theme',"
        " {theme: 'JupyterLab Light'})"
    )
    wait_data(page, "d.theme === 'light'")
