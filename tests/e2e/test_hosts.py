"""The race in hosts other than JupyterLab: Jupyter Notebook 7 and marimo, in Chromium."""

from __future__ import annotations

import time

import pytest
from hosthelpers import (
    ARTIFACTS,
    FINISHED,
    RACE_SOURCE,
    own_errors,
    start_marimo,
    start_notebook7,
    stop_server,
    wait_race,
)
from labhelpers import write_notebook

pytestmark = pytest.mark.e2e

# every trace leaves at least this many pixels of its own colour on the landscape canvas:
# measured in Chromium, a drawn 300-step path gives 260-300, its markers alone (a 1-step
# race) 40-50
MIN_INK = 150


@pytest.fixture
def notebook7(tmp_path):
    server = start_notebook7(tmp_path)
    yield server
    stop_server(server)


def _check_race(race: dict) -> None:
    assert race["names"] == ["SGD", "Adam"]
    assert race["error"] == ""
    assert all(n >= MIN_INK for n in race["inks"]), f"a trajectory is not drawn: {race}"


def _reset_and_play(page, scope: str | None) -> dict:
    """The controls reach the kernel and back: Reset, then Play runs the race again."""
    root = page.locator(f"{scope or ''} .nbopt-race".strip()).first
    root.get_by_role("button", name="Reset").click()
    wait_race(page, "r.data.state === 'idle' && Number(r.data.step) === 0", scope)
    root.get_by_role("button", name="Play").click()
    return wait_race(page, FINISHED, scope)


def test_notebook7_draws_the_race(notebook7, page):  # the page closes first
    errors: list = []
    page.on("pageerror", lambda e: errors.append(e))
    write_notebook(notebook7.root, "host-race.ipynb", [RACE_SOURCE])
    t0 = time.monotonic()
    page.goto(f"{notebook7.url}/notebooks/host-race.ipynb")
    panel_id = page.wait_for_function(
        """() => {
            const app = window.jupyterapp;
            if (!app) return null;
            const w = [...app.shell.widgets('main')].find(
                w => w.context && w.context.path === 'host-race.ipynb');
            if (!w || !w.context.isReady) return null;
            const k = w.sessionContext.session && w.sessionContext.session.kernel;
            if (!k || k.connectionStatus !== 'connected' || k.status !== 'idle') return null;
            return w.id;
        }""",
        polling=250,
    ).json_value()
    # as a user does: click into the cell, Shift+Enter
    page.locator(f"#{panel_id} .jp-Cell .cm-content").first.click()
    page.keyboard.press("Shift+Enter")
    race = wait_race(page, FINISHED, scope=f"#{panel_id}")
    elapsed = time.monotonic() - t0
    _check_race(race)
    _check_race(_reset_and_play(page, f"#{panel_id}"))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "host-notebook7.png"))
    # Notebook 7 itself throws "Cannot read properties of undefined (reading 'schema')" on
    # load, from its own bundle: only errors from elsewhere (the widget) count
    assert own_errors(errors, host_bundle="/static/notebook/") == []
    print(f"notebook 7: page open to finished race in {elapsed:.1f} s")


MARIMO_APP = """\
import marimo

app = marimo.App()


@app.cell
def _():
    import marimo as mo

    return (mo,)


@app.cell
def _(mo):
    import nbopt
    from nbopt.optimizers import SGD, Adam

    w = nbopt.optimize(
        "rosenbrock", {{"SGD": SGD(lr=1e-3, momentum=0.9), "Adam": Adam(lr=0.05)}}, steps=300
    )
    {shown}
    return


if __name__ == "__main__":
    app.run()
"""


@pytest.fixture(
    params=[("mo.ui.anywidget(w)", "host-marimo"), ("w", "host-marimo-bare")],
    ids=["mo.ui.anywidget", "bare-widget"],
)
def marimo_app(request, tmp_path):
    """``marimo run`` serving the race, shown wrapped in mo.ui.anywidget or bare."""
    shown, name = request.param
    server = start_marimo(tmp_path, MARIMO_APP.format(shown=shown), name=name)
    server.shown = shown
    yield server
    stop_server(server)


def test_marimo_draws_the_race(marimo_app, page):  # the page closes first
    errors: list = []
    page.on("pageerror", lambda e: errors.append(e))
    t0 = time.monotonic()
    page.goto(marimo_app.url)
    # marimo mounts the anywidget inside a shadow root: wait_race looks through it
    race = wait_race(page, FINISHED)
    elapsed = time.monotonic() - t0
    _check_race(race)
    _check_race(_reset_and_play(page, None))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{marimo_app.name}.png"))
    assert own_errors(errors) == []
    print(f"marimo ({marimo_app.shown}): page open to finished race in {elapsed:.1f} s")
