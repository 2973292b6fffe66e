"""The live optimizer race in a real JupyterLab + Chromium: what the page shows."""

from __future__ import annotations

import json
import subprocess
import sys

import nbformat
import pytest
from labhelpers import (
    cell_output_text,
    data,
    open_notebook,
    painted_pixels,
    run_all,
    run_cell,
    shot,
    wait_data,
    wait_kernel_idle,
    widget,
    write_notebook,
)
from nbclient import NotebookClient

pytestmark = pytest.mark.e2e

XSS = "<img src=x onerror=window.__pwned=1>"


def _landscape_brightness(root) -> float:
    """Mean grey level (0-255) of the middle of the landscape plot, paths and all."""
    return root.locator(".nbopt-land canvas").evaluate(
        """c => {
            const px = c.getContext('2d').getImageData(
                Math.round(c.width * 0.2), Math.round(c.height * 0.1),
                Math.round(c.width * 0.55), Math.round(c.height * 0.7)).data;
            let sum = 0;
            for (let i = 0; i < px.length; i += 4) sum += (px[i] + px[i + 1] + px[i + 2]) / 3;
            return sum / (px.length / 4);
        }"""
    )


def test_race_renders_grows_pauses_resumes_and_survives_reload(page, jupyter_lab):
    write_notebook(
        jupyter_lab.root,
        "live.ipynb",
        [
            "from nbopt.widgets import optimize\n"
            "from nbopt.optimizers import SGD, Adam\n"
            'w = optimize("rosenbrock", {"SGD": SGD(lr=1e-3, momentum=0.9), '
            '"Adam": Adam(lr=0.05)},\n'
            "             start=(-1.5, 2.0), steps=4000)\n"
            "w.steps_per_second = 40\n"
            "w",
            "print(w.step, w.session.state)",
        ],
    )
    workspace = open_notebook(page, jupyter_lab, "live.ipynb")
    run_cell(page, 0)
    wait_data(page, "Number(d.points) > 20")
    assert painted_pixels(page) > 20_000  # heatmap, isolines, axes, paths
    before = int(data(page, "points"))
    wait_data(page, f"Number(d.points) > {before + 10}")  # trajectories grow while running
    root = widget(page)
    assert root.locator(".nbopt-name").all_inner_texts() == ["SGD", "Adam"]
    shot(page, "race-running")

    root.get_by_role("button", name="Pause").click()
    wait_data(page, "d.state === 'paused'")
    paused_at = int(data(page, "step"))
    root.get_by_role("button", name="Step").click()
    wait_data(page, f"Number(d.step) === {paused_at + 1} && d.state === 'paused'")
    # a kernel round trip later the race is still where the single step left it
    run_cell(page, 1)
    wait_kernel_idle(page)
    assert cell_output_text(page, 1).split() == [str(paused_at + 1), "paused"]
    assert int(data(page, "step")) == paused_at + 1
    # the table's numbers caught up with the drawing (they update less often while running)
    steps_shown = root.locator("tbody tr td:nth-child(3)").all_inner_texts()
    assert steps_shown == [str(paused_at + 1)] * 2
    assert root.locator(".nbopt-status").inner_text().startswith(f"paused · step {paused_at + 1} /")

    root.get_by_role("button", name="Play").click()
    wait_data(page, f"d.state === 'running' && Number(d.step) > {paused_at + 5}")

    # reload mid-run: the view asks for a snapshot and shows the whole history so far
    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    page.wait_for_function("() => !window.__panel.context.model.dirty")
    step_before = int(data(page, "step"))
    points_before = int(data(page, "points"))
    page.reload()
    open_notebook(page, jupyter_lab, "live.ipynb", workspace=workspace)
    wait_data(
        page,
        f"Number(d.step) >= {step_before} && Number(d.points) >= {points_before}"
        " && d.state === 'running' && Number(d.gap) <= 2",  # no holes in the history
    )
    assert painted_pixels(page) > 20_000
    assert _landscape_brightness(widget(page)) > 150  # the light map on a light page
    shot(page, "race-after-reload")

    # dark theme: text follows JupyterLab's colours, canvases stay drawn
    page.evaluate(
        "() => window.jupyterapp.commands.execute('apputils:change-theme',"
        " {theme: 'JupyterLab Dark'})"
    )
    page.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'")
    wait_data(page, "d.theme === 'dark'")  # the canvases were redrawn in the dark colours
    title_rgb = page.evaluate(
        """() => getComputedStyle(document.querySelector(
            '#' + window.__panel.id + ' .nbopt-title')).color"""
    )
    r, g, b = (int(v) for v in title_rgb[title_rgb.index("(") + 1 : -1].split(",")[:3])
    assert r + g + b > 450, f"title colour {title_rgb} is not light on the dark theme"
    # and the landscape is drawn in its dark map: no bright plane in a dark widget
    assert _landscape_brightness(widget(page)) < 90
    shot(page, "race-dark-theme")
    page.evaluate(
        "() => window.jupyterapp.commands.execute('apputils:change-theme',"
        " {theme: 'JupyterLab Light'})"
    )
    page.wait_for_function("() => document.body.dataset.jpThemeLight === 'true'")


def test_lr_slider_divergence_labels_and_model_problems(page, jupyter_lab):
    write_notebook(
        jupyter_lab.root,
        "tuning.ipynb",
        [
            "from nbopt.widgets import optimize\n"
            "from nbopt.optimizers import GradientDescent, SGD, Adam\n"
            f'w = optimize("rosenbrock", {{"GD": GradientDescent(lr=1e-3), {XSS!r}: Adam(lr=0.05)}}'
            ",\n             start=(-1.5, 2.0), steps=300)\n"
            "w.steps_per_second = None  # no need to watch these races: straight to the end\n"
            "w",
            'lin = optimize("linear_regression", {"SGD": SGD(lr=0.05), "Adam": Adam(lr=0.1)},'
            " steps=200, batch_size=8, seed=0)\n"
            "lin.steps_per_second = None\n"
            "lin",
            'mlp = optimize("mlp", {"Adam": Adam(lr=0.01), "SGD": SGD(lr=0.1, momentum=0.9)},'
            " steps=150, batch_size=16, seed=0)\n"
            "mlp.steps_per_second = None\n"
            "mlp",
            "print(*(round(v, 2) for v in w.race.start))",
        ],
    )
    open_notebook(page, jupyter_lab, "tuning.ipynb")
    run_all(page)
    wait_kernel_idle(page)
    for nth in range(3):
        wait_data(page, "d.state === 'finished'", nth=nth)
    root = widget(page)

    # a label is data: shown as text, never parsed as HTML
    assert root.locator(".nbopt-name").all_inner_texts() == ["GD", XSS]
    assert page.evaluate("() => window.__pwned") is None
    assert root.locator("img").count() == 0

    # keyboard on the GD learning-rate slider: the race is recomputed at once
    epoch = int(data(page, "epoch"))
    checksum = data(page, "checksum")
    slider = root.get_by_role("slider", name="learning rate of GD (log scale)")
    slider.focus()
    for _ in range(4):
        slider.press("ArrowRight")
    wait_data(page, f"Number(d.epoch) > {epoch} && d.checksum !== {json.dumps(checksum)}")
    wait_data(page, "d.state === 'finished'")
    lr_text = root.locator(".nbopt-lr-text").first.inner_text()
    assert float(lr_text) == pytest.approx(10 ** (-3 + 4 * 0.05), rel=1e-2)

    # a new start from the keyboard: focus the landscape, move the cross-hair, Enter
    epoch = int(data(page, "epoch"))
    landscape = root.get_by_role("img", name="loss landscape", exact=False)
    landscape.focus()
    for key in ("ArrowRight", "ArrowRight", "ArrowUp", "Enter"):
        landscape.press(key)
    wait_data(page, f"Number(d.epoch) > {epoch} && d.state === 'finished'")
    run_cell(page, 3)
    wait_kernel_idle(page)
    assert cell_output_text(page, 3).split() == ["-1.3", "2.1"]

    # far too large: GD diverges, the page says where, and stays usable
    slider.press("End")
    wait_data(page, "d.statuses.split(',')[0] === 'diverged'")
    status = root.locator(".nbopt-state").first.inner_text()
    assert status.startswith("diverged at step ")
    shot(page, "race-diverged")
    root.get_by_role("button", name="Reset").click()
    wait_data(page, "d.state === 'idle' && Number(d.step) === 0")
    root.get_by_role("button", name="Play").click()
    wait_data(page, "d.state === 'finished'")
    assert root.locator(".nbopt-state").first.inner_text().startswith("diverged at step ")

    # linear regression: data and fitted lines in a second panel
    lin = widget(page, 1)
    assert lin.locator(".nbopt-name").all_inner_texts() == ["SGD", "Adam"]
    assert lin.locator("canvas").nth(2).is_visible()
    shot_path = shot(page, "race-linear-regression")
    lin.screenshot(path=str(shot_path))

    # an MLP (many parameters): loss curves + a labelled PCA projection of the trajectories
    mlp = widget(page, 2)
    assert "Projection" in mlp.locator(".nbopt-caption").inner_text()
    assert painted_pixels(page, nth=2) > 5_000
    mlp.screenshot(path=str(shot_path.with_name("race-mlp.png")))


def test_saved_notebook_shows_the_race_without_a_kernel(page, jupyter_lab):
    """An executed, saved, trusted notebook re-renders its race from the saved widget state.

    JupyterLab 4.6 with ipywidgets 8.1.9 (jupyterlab_widgets 3.0.17) reads saved widget
    state only after asking a kernel for its widgets: with "No Kernel", restoreWidgets
    stops at "Kernel not set" before it reads the notebook's metadata (upstream,
    jupyterlab/jupyterlab#15361). So the notebook opens on a fresh kernel that never ran
    the cell: no Python widget exists to answer the view's snapshot request, and all it
    can draw is the saved ``snapshot`` trait. The kernel is then shut down and the view
    must stay.
    """
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    nb.cells = [
        nbformat.v4.new_code_cell(
            "from nbopt.widgets import optimize\n"
            "from nbopt.optimizers import SGD, Adam\n"
            'optimize("himmelblau", {"SGD": SGD(lr=0.01, momentum=0.9), "Adam": Adam(lr=0.1)},'
            " start=(0.0, -4.0), steps=200, block=True)"
        )
    ]
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    assert "widgets" in nb.metadata  # nbclient saved the widget state
    outputs = nb.cells[0].outputs
    assert any("image/png" in o.get("data", {}) for o in outputs)  # static fallback
    path = jupyter_lab.root / "saved.ipynb"
    nbformat.write(nb, path)
    subprocess.run(
        [sys.executable, "-m", "jupyter", "trust", str(path)],
        env=jupyter_lab.env,
        check=True,
        capture_output=True,
    )
    open_notebook(page, jupyter_lab, "saved.ipynb")
    wait_data(page, "d.state === 'finished' && Number(d.step) === 200 && Number(d.points) > 100")
    page.evaluate("() => window.__panel.sessionContext.shutdown()")
    page.wait_for_function("() => !window.__panel.sessionContext.session")
    root = widget(page)
    assert root.locator(".nbopt-name").all_inner_texts() == ["SGD", "Adam"]
    assert root.locator(".nbopt-state").all_inner_texts() == ["finished", "finished"]
    assert painted_pixels(page) > 20_000
    shot(page, "race-saved-no-kernel")
    # nothing answers this view: its kernel controls are put away, the replay stays
    page.wait_for_function(
        "() => document.querySelector('[data-nbopt-kernel=\"none\"] .nbopt-race') !== null"
    )
    assert not root.get_by_role("button", name="Play").is_visible()
    assert "no kernel, replay only" in root.locator(".nbopt-replay").evaluate(
        "el => getComputedStyle(el, '::after').content"
    )
    # with no kernel at all, the replay slider still scrubs the saved race
    slider = root.get_by_role("slider", name="replay", exact=False)
    slider.evaluate("(el) => { el.value = '20'; el.dispatchEvent(new Event('input')); }")
    wait_data(page, "d.replay === '20' && Number(d.shownPoints) < Number(d.points)")
    assert root.locator("tbody tr td:nth-child(3)").all_inner_texts() == ["20", "20"]
