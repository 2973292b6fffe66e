"""A notebook exported by nbconvert draws its nbopt widgets from the saved state and replays
them in Chromium, opened from a file: no kernel, no Jupyter server, no internet (the
widget manager's scripts come from the npm packages, see staticpages.py)."""

from __future__ import annotations

import json

import pytest
from labhelpers import canvas_hash, scrub
from staticpages import (
    ARTIFACTS,
    CdnRouter,
    execute,
    export_html,
    missing_packages,
    npm_version,
    wait_for_page,
)

pytestmark = pytest.mark.e2e

RACE_STEPS = 300
TRIALS = 30

CELLS = [
    "import nbopt\nfrom nbopt import space\nfrom nbopt.optimizers import SGD, Adam",
    'w = nbopt.optimize("rosenbrock", {"SGD": SGD(lr=1e-3, momentum=0.9), "Adam": Adam(lr=0.05)},\n'
    f"                   start=(-1.5, 2.0), steps={RACE_STEPS})\n"
    "w.wait()\n"
    "w",
    "res = nbopt.search(lambda x, y: (x - 1) ** 2 + (y + 2) ** 2,\n"
    '                   {"x": space.Float(-5, 5), "y": space.Float(-5, 5)},\n'
    f'                   method="random", n_trials={TRIALS}, seed=0)',
]

RACE = ".nbopt-race"
SEARCH = ".nbopt-search"


def data(page, sel: str) -> dict:
    return page.evaluate("(sel) => ({...document.querySelector(sel).dataset})", sel)


def hashes(page, sel: str) -> tuple[int, int]:
    return tuple(canvas_hash(page, sel, i) for i in (0, 1))


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    if missing := missing_packages():
        pytest.fail(f"node_modules lacks {missing}: run `npm ci`")
    folder = tmp_path_factory.mktemp("static-page")
    nb = execute(CELLS, folder / "static.ipynb")
    return nb, export_html(nb, folder / "static.html")


def test_the_export_keeps_each_widget_state_and_view(exported):
    import anywidget

    nb, html = exported
    models = nb.metadata.widgets["application/vnd.jupyter.widget-state+json"]["state"]
    views = {m["state"].get("_view"): m for m in models.values() if m["model_name"] == "AnyModel"}
    assert set(views) == {"race", "search"}
    for model in views.values():
        # the snapshot trait travels as a binary buffer, the bundle as text
        assert [b["path"] for b in model["buffers"]] == [["snapshot"]]
        assert model["state"]["_esm"].strip()
    text = html.read_text()
    for model_id in {k for k, m in models.items() if m["model_name"] == "AnyModel"}:
        assert json.dumps(model_id) in text
    # the page loads the anywidget module the npm package serves: the same release as Python's
    assert npm_version("anywidget") == anywidget.__version__


def test_a_static_page_draws_both_widgets_from_the_saved_state_and_replays(page, exported):
    _, html = exported
    url = html.as_uri()
    router = CdnRouter(url)
    router.attach(page)
    page.goto(url)

    wait_for_page(
        page,
        router,
        f"""() => {{
            const r = document.querySelector('{RACE}'), s = document.querySelector('{SEARCH}');
            return r && s && r.dataset.state === 'finished' && Number(r.dataset.points) > 0
                && Number(r.dataset.step) === {RACE_STEPS} && s.dataset.state === 'finished'
                && s.dataset.trials === '{TRIALS}';
        }}""",
    )
    assert sorted(router.served.values()) == [
        "node_modules/@jupyter-widgets/html-manager/dist/embed-amd.js",
        "node_modules/anywidget/dist/index.js",
        "node_modules/requirejs/require.js",
        "stub: MathJax (no math on the page)",
    ], router.report()
    page.screenshot(path=str(ARTIFACTS / "static-page.png"), full_page=True)

    # the race: back to step 50, the paths and the loss curves stop there
    race = data(page, RACE)
    full = hashes(page, RACE)
    scrub(page.locator(RACE), 50)
    wait_for_page(page, router, f"() => document.querySelector('{RACE}').dataset.replay === '50'")
    assert 0 < int(data(page, RACE)["shownPoints"]) < int(race["points"])
    assert hashes(page, RACE) != full
    page.locator(RACE).screenshot(path=str(ARTIFACTS / "static-page-race-replay.png"))
    scrub(page.locator(RACE), RACE_STEPS)
    wait_for_page(page, router, f"() => document.querySelector('{RACE}').dataset.replay === ''")
    assert hashes(page, RACE) == full

    # the search: the first 10 trials only
    full = hashes(page, SEARCH)
    scrub(page.locator(SEARCH), 10)
    wait_for_page(
        page,
        router,
        f"() => {{ const d = document.querySelector('{SEARCH}').dataset;"
        " return d.replay === '10' && d.trials === '10'; }",
    )
    assert hashes(page, SEARCH) != full
    page.locator(SEARCH).screenshot(path=str(ARTIFACTS / "static-page-search-replay.png"))
    scrub(page.locator(SEARCH), TRIALS)
    wait_for_page(
        page,
        router,
        f"() => {{ const d = document.querySelector('{SEARCH}').dataset;"
        f" return d.replay === '' && d.trials === '{TRIALS}'; }}",
    )
    assert hashes(page, SEARCH) == full

    log = page.console_log
    assert [e for e in log if e.startswith("pageerror") or "nbopt" in e] == [], log
    assert router.unserved == [], router.report()
