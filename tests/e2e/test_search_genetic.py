"""Inside a genetic search, live in JupyterLab: the generations grow, parents link to a child."""

from __future__ import annotations

import json

import pytest
from labhelpers import (
    ARTIFACTS,
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

dims = {"x": space.Float(-5, 5), "y": space.Float(-5, 5)}

def himmelblau(x, y):
    time.sleep(0.05)
    return (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2

res = nbopt.search(himmelblau, dims, method="genetic", n_trials=160, seed=1,
                   searcher_kwargs={"population_size": 12, "preselect": 1}, block=False)
res
"""

TRIALS = """
import json
print(json.dumps({t.number: [t.params["x"], t.params["y"], t.info["parents"], t.info["generation"]]
                  for t in res.searcher.trials}))
"""


def _theme(page, name: str, dark: bool) -> None:
    page.evaluate(
        "(name) => window.jupyterapp.commands.execute('apputils:change-theme', {theme: name})",
        name,
    )
    wait_data(page, f"d.theme === '{'dark' if dark else 'light'}'")


def _child(page) -> tuple[int, list[int]]:
    child, parents = (data(page, "generation-child") or ":").split(":")
    return int(child), [int(p) for p in parents.split(",") if p]


def test_a_genetic_search_shows_generations_growing(page, jupyter_lab):
    page.set_viewport_size({"width": 1280, "height": 1900})
    write_notebook(jupyter_lab.root, "genetic.ipynb", [SETUP, TRIALS])
    open_notebook(page, jupyter_lab, "genetic.ipynb")
    run_cell(page, 0)
    wait_data(page, "d.inside === 'generations:x,y' && Number(d.generations) >= 2")
    early = int(data(page, "generations"))
    wait_data(page, f"Number(d.generations) > {early}", timeout_ms=90_000)
    wait_data(page, "d.state === 'finished' && d.trials === '160'", timeout_ms=120_000)
    wait_data(page, "Number(d.generations) >= 12")
    root = widget(page)
    box = root.locator(".nbopt-inside-box")
    assert box.is_visible()
    assert box.locator(".nbopt-panel-title").inner_text().startswith("the generations")
    caption = box.locator(".nbopt-caption").inner_text()
    assert caption.startswith("generation ") and "click a point for its parents" in caption

    # the default child is linked to the parents its trial.info names
    run_cell(page, 1)
    wait_kernel_idle(page)
    trials = {int(k): v for k, v in json.loads(cell_output_text(page, 1)).items()}
    child, parents = _child(page)
    assert sorted(parents) == sorted(trials[child][2]) and parents

    # clicking another individual links that one instead: one bred from two parents and
    # far enough from every other point for the click to be unambiguous
    def spot(n):  # canvas position of trial n on the map (x and y are Float(-5, 5)): the
        x, y = trials[n][:2]  # map's frame (64, 34, 364, 246) less its inset of 7 px a side
        return 71 + (x + 5) / 10 * 350, 41 + (1 - (y + 5) / 10) * 232

    def alone(n):
        sx, sy = spot(n)
        return all(
            (spot(m)[0] - sx) ** 2 + (spot(m)[1] - sy) ** 2 > 14**2 for m in trials if m != n
        )

    other = next(n for n in sorted(trials) if n != child and len(trials[n][2]) == 2 and alone(n))
    canvas = box.locator("canvas")
    canvas.scroll_into_view_if_needed()
    r = canvas.bounding_box()
    sx, sy = spot(other)
    page.mouse.click(r["x"] + sx * r["width"] / 440, r["y"] + sy * r["height"] / 500)
    wait_data(page, f"d.generationChild.startsWith('{other}:')")
    assert sorted(_child(page)[1]) == sorted(trials[other][2])
    for theme, dark in (("light", False), ("dark", True)):
        if dark:
            _theme(page, "JupyterLab Dark", dark=True)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        box.screenshot(path=str(ARTIFACTS / f"search-genetic-{theme}.png"))
        shot(page, f"search-genetic-dashboard-{theme}")
    _theme(page, "JupyterLab Light", dark=False)
