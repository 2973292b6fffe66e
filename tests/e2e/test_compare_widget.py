"""The race of searchers in a real JupyterLab + Chromium: four bands, light and dark."""

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

SETUP = """
import math
import nbopt
from nbopt import space

dims = {"x": space.Float(-5.0, 10.0), "y": space.Float(0.0, 15.0)}

def branin(x, y):
    # three global minima (0.398) and a plateau: local minima to get stuck in
    if x > 9.5 and y > 14:
        raise ValueError("outside the valid corner")
    a, b, c = 1.0, 5.1 / (4 * math.pi**2), 5 / math.pi
    return (y - b * x**2 + c * x - 6) ** 2 + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x) + 10
"""

RACE = (
    "race = nbopt.compare(branin, dims,\n"
    "                     methods=['random', 'genetic', 'evolutionary', 'bayesian'],\n"
    "                     n_trials=40, seeds=5, target=0.5)\n"
    "race"
)

REPORT = (
    "race.wait()\n"
    "t = race.table()\n"
    "print(race.n_done, race.state, *[f'{m}={t.loc[m, \"best_median\"]:.4g}' for m in t.index])"
)


def _theme(page, name: str, light: bool) -> None:
    page.evaluate(
        "(name) => window.jupyterapp.commands.execute('apputils:change-theme', {theme: name})",
        name,
    )
    page.wait_for_function(
        "(light) => document.body.dataset.jpThemeLight === String(light)", arg=light
    )
    wait_data(page, f"d.theme === '{'light' if light else 'dark'}'")
    page.wait_for_function("() => !document.querySelector('#jupyterlab-splash')")


def test_compare_draws_four_bands_live_in_light_and_dark(page, jupyter_lab):
    page.set_viewport_size({"width": 1280, "height": 1400})
    write_notebook(jupyter_lab.root, "compare.ipynb", [SETUP, RACE, REPORT])
    open_notebook(page, jupyter_lab, "compare.ipynb")
    run_cell(page, 0)
    wait_kernel_idle(page)
    run_cell(page, 1)
    # the cell returns at once: the race runs in the background and the bands grow
    wait_data(page, "d.state === 'running' && Number(d.trials) > 0")
    assert data(page, "methods") == "4" and data(page, "total") == "800"
    before = int(data(page, "trials"))
    wait_data(page, f"Number(d.trials) > {before + 40}")
    wait_data(page, "d.bands === '4'")  # every method has a median line already
    shot(page, "compare-running")

    # pause: the trial in progress finishes, then nothing moves until resume
    root = widget(page)
    root.get_by_role("button", name="Pause").click()
    wait_data(page, "d.state === 'paused'")
    paused_at = data(page, "trials")
    root.get_by_role("button", name="Resume").click()
    wait_data(page, f"d.state === 'running' && Number(d.trials) > {paused_at}")

    wait_data(page, "d.state === 'finished' && d.trials === '800'", timeout_ms=180_000)
    assert data(page, "runs") == "20" and data(page, "bands") == "4"
    assert painted_pixels(page) > 8_000  # four bands, four lines, axes and labels
    rows = root.locator(".nbopt-compare-table tbody tr")
    assert rows.count() == 4
    names = [rows.nth(i).locator("td").first.inner_text().strip() for i in range(4)]
    assert names == ["random", "genetic", "evolutionary", "bayesian"]
    legend = root.locator(".nbopt-compare-legend").inner_text()
    for name in [*names, "target 0.5"]:
        assert name in legend
    # the page and the kernel agree
    run_cell(page, 2)
    wait_kernel_idle(page)
    out = cell_output_text(page, 2).split()
    assert out[:2] == ["800", "finished"]
    for i, name in enumerate(names):
        shown = rows.nth(i).locator("td").nth(1).inner_text().strip()
        kernel = float(out[2 + i].split("=")[1])
        assert float(shown) == pytest.approx(kernel, rel=6e-3), name
    shot(page, "compare-light")

    _theme(page, "JupyterLab Dark", light=False)
    assert painted_pixels(page) > 8_000
    shot(page, "compare-dark")
    _theme(page, "JupyterLab Light", light=True)
