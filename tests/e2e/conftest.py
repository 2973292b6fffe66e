"""Fixtures: a headless JupyterLab on 127.0.0.1 and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from labhelpers import CHROMIUM, CHROMIUM_ARGS, start_lab, stop_lab

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("NBOPT_TEST_ARTIFACTS", ROOT / "artifacts"))


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def jupyter_lab(tmp_path_factory):
    if not (ROOT / "nbopt/static/widget.js").exists():
        pytest.fail("nbopt/static/widget.js is missing: run `npm run build` first")
    lab = start_lab(tmp_path_factory.mktemp("lab"))
    yield lab
    stop_lab(lab)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(lab.log, ARTIFACTS / "jupyterlab-server.log")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (or `make chromium`)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, request):
    ctx = browser.new_context(viewport={"width": 1280, "height": 1000})
    pg = ctx.new_page()
    pg.set_default_timeout(60_000)
    log: list[str] = []
    pg.on("console", lambda m: log.append(f"{m.type}: {m.text}"))
    pg.on("pageerror", lambda e: log.append(f"pageerror: {e}"))
    pg.console_log = log
    yield pg
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}-final.png"))
    except Exception as exc:  # the page may be gone after a failure; keep the log anyway
        log.append(f"screenshot failed: {exc}")
    (ARTIFACTS / f"{request.node.name}-console.txt").write_text("\n".join(log))
    ctx.close()
