"""The live search dashboard in a real JupyterLab + Chromium: what the page shows."""

from __future__ import annotations

import pytest
from labhelpers import (
    cell_output_text,
    data,
    open_notebook,
    painted_pixels,
    run_cell,
    shot,
    wait_data,
    wait_kernel_idle,
    widget,
    write_notebook,
)

pytestmark = pytest.mark.e2e

XSS = "<img src=x onerror=window.__pwned=1>"

SETUP = f"""
import time
import nbopt
from nbopt import space

XSS = {XSS!r}
dims = {{
    "lr": space.Float(1e-4, 1e-1, log=True),
    XSS: space.Int(1, 4),
    "act": space.Choice(["relu", "<b onmouseover=window.__pwned=2>tanh</b>"]),
}}

def objective(params):
    time.sleep(0.01)
    if params[XSS] == 3 and params["act"] == "relu":
        raise ValueError("three layers of relu")
    return (params["lr"] - 0.01) ** 2 * 1e4 + params[XSS] + (params["act"] != "relu")
"""


def _wait_unchanged(page, attr: str, seconds: float) -> None:
    """Fail if the widget's ``data-<attr>`` changes within ``seconds``."""
    value = data(page, attr)
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(
            """([sel, attr, value]) => {
                const el = document.querySelector(sel);
                return el && el.dataset[attr] !== value;
            }""",
            arg=[f"#{page.evaluate('() => window.__panel.id')} .nbopt-search", attr, value],
            polling=100,
            timeout=int(seconds * 1000),
        )
    except PlaywrightTimeout:
        return
    raise AssertionError(f"data-{attr} moved from {value} to {data(page, attr)} while paused")


def test_dashboard_grows_pauses_resumes_stops_and_keeps_every_trial(page, jupyter_lab):
    page.set_viewport_size({"width": 1280, "height": 2200})  # the whole dashboard in shots
    write_notebook(
        jupyter_lab.root,
        "search.ipynb",
        [
            SETUP,
            "res = nbopt.search(objective, dims, method='random', n_trials=20000, seed=0,\n"
            "                   block=False)\n"
            "nbopt.SearchDashboard(res)",
            "print(len(res.trials), sum(t.state == 'failed' for t in res.trials), res.done)",
        ],
    )
    workspace = open_notebook(page, jupyter_lab, "search.ipynb")
    run_cell(page, 0)
    wait_kernel_idle(page)
    run_cell(page, 1)
    wait_data(page, "Number(d.trials) > 20 && d.state === 'running'")
    before = int(data(page, "trials"))
    wait_data(page, f"Number(d.trials) > {before + 20}")  # it grows while the search runs
    assert painted_pixels(page) > 2_000  # axes, labels and the trials so far
    # trials that raise are failed, and the search goes on
    wait_data(page, "Number(d.failed) > 0 && d.state === 'running'")
    root = widget(page)
    # a parameter name and a choice with markup are text: no element, no script
    assert page.evaluate("() => window.__pwned") is None
    assert root.locator("img").count() == 0 and root.locator("b").count() == 0
    headers = root.locator(".nbopt-row-head .nbopt-cell").all_inner_texts()
    assert any(XSS in h for h in headers)
    shot(page, "search-running")

    # pause: running trials finish and are recorded, then nothing moves
    root.get_by_role("button", name="Pause").click()
    wait_data(page, "d.state === 'paused' && d.running === '0'")
    _wait_unchanged(page, "trials", 3.0)
    paused_at = int(data(page, "trials"))
    root.get_by_role("button", name="Resume").click()
    wait_data(page, f"d.state === 'running' && Number(d.trials) > {paused_at + 10}")

    # brushing an axis filters the table
    box = root.locator("canvas.nbopt-brushable").bounding_box()
    x = box["x"] + 48 * box["width"] / 900  # the first axis (lr)
    top = box["y"] + 40 * box["height"] / 300
    height = (300 - 40 - 34) * box["height"] / 300
    page.mouse.move(x, top + 0.1 * height)
    page.mouse.down()
    page.mouse.move(x, top + 0.3 * height, steps=4)
    page.mouse.move(x, top + 0.5 * height, steps=4)
    page.mouse.up()
    wait_data(page, "d.brushed === '1' && Number(d.shown) < Number(d.trials)")
    # read at one moment (the search goes on): the table counts what the brush lets through
    shown, text = page.evaluate(
        """(sel) => {
            const el = document.querySelector(sel);
            return [el.dataset.shown, el.querySelector('.nbopt-table-count').textContent];
        }""",
        f"#{page.evaluate('() => window.__panel.id')} .nbopt-search",
    )
    assert int(shown) > 0 and text.strip().startswith(f"{int(shown):,} of")
    shot(page, "search-brushed")
    # the same from the keyboard: the next axis, its lower edge up twice, then cleared
    canvas = root.locator("canvas.nbopt-brushable")
    canvas.focus()
    for key in ("ArrowRight", "ArrowUp", "ArrowUp"):
        canvas.press(key)
    wait_data(page, "d.brushed === '2'")
    canvas.press("Home")
    wait_data(page, "d.brushed === '1'")

    # a reload mid-search shows every trial so far
    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    page.wait_for_function("() => !window.__panel.context.model.dirty")
    count = int(data(page, "trials"))
    page.reload()
    open_notebook(page, jupyter_lab, "search.ipynb", workspace=workspace)
    wait_data(page, f"Number(d.trials) >= {count} && d.state === 'running'")

    # stop: every finished trial is kept, in the kernel and on the page
    widget(page).get_by_role("button", name="Stop").click()
    wait_data(page, "d.state === 'stopped'")
    run_cell(page, 2)
    wait_kernel_idle(page)
    n, failed, done = cell_output_text(page, 2).split()
    assert done == "True"
    wait_data(page, f"d.trials === '{n}' && d.failed === '{failed}'")
    shot(page, "search-stopped")

    page.evaluate(
        "() => window.jupyterapp.commands.execute('apputils:change-theme',"
        " {theme: 'JupyterLab Dark'})"
    )
    page.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'")
    wait_data(page, "d.theme === 'dark'")
    page.wait_for_function("() => !document.querySelector('#jupyterlab-splash')")
    shot(page, "search-dark-theme")
    page.evaluate(
        "() => window.jupyterapp.commands.execute('apputils:change-theme',"
        " {theme: 'JupyterLab Light'})"
    )
    page.wait_for_function("() => document.body.dataset.jpThemeLight === 'true'")


def test_a_mixed_six_dimensional_space_is_drawn_with_its_axes(page, jupyter_lab):
    page.set_viewport_size({"width": 1280, "height": 2200})
    write_notebook(
        jupyter_lab.root,
        "mixed.ipynb",
        [
            "import nbopt\n"
            "from nbopt import space\n"
            "dims = {\n"
            "    'lr': space.Float(1e-5, 1e-1, log=True),\n"
            "    'layers': space.Int(1, 8),\n"
            "    'units': space.Int(16, 1024, log=True),\n"
            "    'act': space.Choice(['relu', 'tanh', 'gelu']),\n"
            "    'dropout': space.Float(0.0, 0.5),\n"
            "    'opt': space.Choice(['sgd', 'adam']),\n"
            "}\n"
            "def f(lr, layers, units, act, dropout, opt):\n"
            "    return abs(lr - 1e-3) * 100 + layers + units / 512 + dropout\n"
            "res = nbopt.search(f, dims, method='random', n_trials=300, seed=1)\n"
            "res",
            "%load_ext nbopt",
            "%nbopt search f --space lr=float(1e-5,1e-1,log) layers=int(1,8) "
            "units=int(16,1024,log) act=choice(relu,tanh,gelu) dropout=float(0,0.5) "
            "opt=choice(sgd,adam) --method random --trials 60 --seed 2",
        ],
    )
    open_notebook(page, jupyter_lab, "mixed.ipynb")
    run_cell(page, 0)
    # a blocking search in a notebook is drawn live while it runs
    wait_data(page, "d.trials === '300' && d.state === 'finished'")
    axes = "lr:float:log|layers:int|units:int:log|act:choice|dropout:float|opt:choice|value:value"
    assert data(page, "axes") == axes
    assert painted_pixels(page) > 5_000
    shot(page, "search-mixed-space")
    # the magic draws a dashboard of a search in the background
    run_cell(page, 1)
    wait_kernel_idle(page)
    run_cell(page, 2)
    wait_data(page, "d.trials === '60' && d.state === 'finished'", nth=1)
    assert data(page, "axes", nth=1) == axes
