"""Inside an evolutionary search on the dashboard: the ellipse shrinks on a convex function."""

from __future__ import annotations

import time

import pytest
from labhelpers import (
    ARTIFACTS,
    open_notebook,
    run_cell,
    shot,
    wait_data,
    widget,
    write_notebook,
)

pytestmark = pytest.mark.e2e

CELL = """
import time
import nbopt
from nbopt import space

def bowl(x, y):
    time.sleep(0.06)
    return (x - 1) ** 2 + 3 * (y + 2) ** 2 + 0.8 * (x - 1) * (y + 2)

res = nbopt.search(bowl, {"x": space.Float(-5, 5), "y": space.Float(-5, 5)},
                   method="evolutionary", n_trials=72, seed=0, block=False,
                   searcher_kwargs={"surrogate": False, "restarts": False})
res
"""

CANVAS = ".nbopt-inside-box canvas"


def _ellipse(page) -> dict[str, str]:
    """The inside canvas' data attributes (empty before the view is drawn)."""
    return widget(page).locator(CANVAS).evaluate("c => ({...c.dataset})")


def _inside_shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    widget(page).locator(".nbopt-inside-box").screenshot(path=str(ARTIFACTS / f"{name}.png"))


def test_a_cma_es_search_shows_an_ellipse_that_shrinks_on_a_convex_function(page, jupyter_lab):
    page.set_viewport_size({"width": 1280, "height": 2400})
    write_notebook(jupyter_lab.root, "cmaes.ipynb", [CELL])
    open_notebook(page, jupyter_lab, "cmaes.ipynb")
    run_cell(page, 0)
    wait_data(page, "d.inside === 'cmaes:x,y'")
    # live: the view follows the generations while the search runs
    seen: list[tuple[int, float]] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        d = _ellipse(page)
        if d.get("generations") and d.get("area"):
            sample = (int(d["generations"]), float(d["area"]))
            if not seen or sample != seen[-1]:
                seen.append(sample)
        if widget(page).get_attribute("data-state") == "finished":
            break
        page.wait_for_timeout(200)
    wait_data(page, "d.state === 'finished' && d.trials === '72'", timeout_ms=60_000)
    assert len({g for g, _ in seen}) >= 2, seen
    page.wait_for_function(
        f"() => Number(document.querySelector('#{page.evaluate('() => window.__panel.id')} "
        f"{CANVAS}').dataset.generations) >= 2"
    )
    d = _ellipse(page)
    areas = [float(a) for a in d["areas"].split(",")]
    assert len(areas) >= 2 and int(d["generations"]) >= len(areas)
    # plain CMA-ES, one run: the latest 1-sigma ellipse is far smaller than the first ones
    assert areas[-1] < min(areas[:3]) / 10, areas
    assert areas[-1] == min(areas), areas
    assert float(d["area"]) == pytest.approx(areas[-1], rel=1e-5)
    # seen live: more generations, smaller ellipse
    first, last = min(seen), max(seen)
    assert last[0] > first[0] and last[1] < first[1], seen
    assert float(d["sigma"]) > 0 and d["restarts"] == "0"
    caption = widget(page).locator(".nbopt-inside-box .nbopt-caption").inner_text()
    assert caption.startswith("CMA-ES over x × y: generation ")
    title = widget(page).locator(".nbopt-inside-box .nbopt-panel-title").inner_text()
    assert title == "the search distribution, generation by generation"
    shot(page, "search-cmaes")
    _inside_shot(page, "search-cmaes-inside")

    page.evaluate(
        "() => window.jupyterapp.commands.execute('apputils:change-theme',"
        " {theme: 'JupyterLab Dark'})"
    )
    page.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'")
    wait_data(page, "d.theme === 'dark'")
    page.wait_for_function("() => !document.querySelector('#jupyterlab-splash')")
    shot(page, "search-cmaes-dark")
    _inside_shot(page, "search-cmaes-inside-dark")
    page.evaluate(
        "() => window.jupyterapp.commands.execute('apputils:change-theme',"
        " {theme: 'JupyterLab Light'})"
    )
    page.wait_for_function("() => document.body.dataset.jpThemeLight === 'true'")
