"""The standalone HTML export opened in Chromium from a file: no kernel, no server."""

from __future__ import annotations

import pytest
from labhelpers import ARTIFACTS, canvas_hash, scrub

import nbopt
from nbopt import optimizers, space
from nbopt.export._html import save_html

pytestmark = pytest.mark.e2e

MARKUP = "<img src=x onerror=window.__pwned=1>"


def open_page(page, path):
    page.goto(path.as_uri())
    page.wait_for_function("() => document.body.dataset.nboptReady === 'true'")


def root_data(page, name):
    return page.evaluate(f"() => document.querySelector('#nbopt > *').dataset['{name}']")


def test_an_exported_race_draws_and_replays_without_a_kernel(page, tmp_path):
    race = optimizers.Race(
        "rosenbrock",
        {"SGD": optimizers.SGD(lr=1e-3, momentum=0.9), "Adam": optimizers.Adam(lr=0.05)},
        start=(-1.5, 2.0),
        steps=300,
    )
    race.run_to_end()
    open_page(page, save_html(race, tmp_path / "race.html", theme="light"))
    page.wait_for_function("() => document.querySelector('.nbopt-race').dataset.state")
    assert root_data(page, "state") == "finished" and root_data(page, "step") == "300"
    full = canvas_hash(page, "#nbopt", 0)
    scrub(page.locator("#nbopt"), 50)
    page.wait_for_function("() => document.querySelector('.nbopt-race').dataset.replay === '50'")
    assert canvas_hash(page, "#nbopt", 0) != full
    assert int(root_data(page, "shownPoints")) < int(root_data(page, "points"))
    page.screenshot(path=str(ARTIFACTS / "html-race.png"), full_page=True)
    assert [e for e in page.console_log if "pageerror" in e] == []


def test_an_exported_search_draws_replays_and_keeps_markup_as_text(page, tmp_path):
    res = nbopt.search(
        lambda **p: (p["x"] - 1) ** 2 + (p[MARKUP] + 2) ** 2,
        {"x": space.Float(-5, 5), MARKUP: space.Float(-5, 5)},
        method="bayesian",
        n_trials=25,
        seed=0,
        progress=False,
    )
    for theme in ("light", "dark"):
        open_page(page, save_html(res, tmp_path / f"search-{theme}.html", theme=theme))
        page.wait_for_function(
            "() => document.querySelector('.nbopt-search').dataset.trials === '25'"
        )
        assert root_data(page, "theme") == theme
        assert root_data(page, "inside").startswith("surrogate:")
        page.screenshot(path=str(ARTIFACTS / f"html-search-{theme}.png"), full_page=True)
    full = canvas_hash(page, "#nbopt", 0)
    scrub(page.locator("#nbopt"), 8)
    page.wait_for_function("() => document.querySelector('.nbopt-search').dataset.trials === '8'")
    assert canvas_hash(page, "#nbopt", 0) != full
    # the parameter's name is text on the page, never markup
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator("#nbopt img").count() == 0
    assert MARKUP in page.locator("#nbopt").inner_text()
