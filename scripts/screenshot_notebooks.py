"""Screenshot every nbopt widget of executed notebooks, in JupyterLab's light and dark theme.

Each notebook is exported with nbconvert (lab template, ``--HTMLExporter.theme=light`` and
``dark``) and opened from a file in Debian's Chromium with Playwright: no kernel, no server,
no internet (the widget manager's scripts come from node_modules through
tests/e2e/staticpages.py's ``CdnRouter``). The widgets draw from the saved widget state; the
script waits until every nbopt root has a ``data-state``, a laid-out size and its no-kernel
layout, then saves one PNG per widget and prints their paths.

    .venv/bin/python scripts/screenshot_notebooks.py                   # notebooks/*.ipynb
    .venv/bin/python scripts/screenshot_notebooks.py --only 06         # names containing 06
    .venv/bin/python scripts/screenshot_notebooks.py /tmp/qa/tour.ipynb --out /tmp/shots

Files: ``<out>/<notebook>-<n>-<theme>.png``, n counting the notebook's nbopt widgets from 1
in page order (default out: artifacts/notebook-shots). To see a change to js/ in a
notebook, `npm run build`, re-execute it into a temporary folder with
scripts/execute_notebooks.py and screenshot that copy: a saved notebook carries the bundle
it was executed with.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from staticpages import CdnRouter, wait_for_page  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
THEMES = ("light", "dark")
#: the root element of each nbopt view (js/core/draw.ts ``viewRoot``)
ROOTS = ".nbopt-race, .nbopt-search, .nbopt-compare"
DRAWN = f"""() => {{
    const roots = [...document.querySelectorAll('{ROOTS}')];
    const views = document.querySelectorAll(
        'script[type="application/vnd.jupyter.widget-view+json"]').length;
    // after a few seconds with no kernel each view puts its kernel controls away, which
    // moves everything below it: shoot once every view has
    const settled = document.querySelectorAll('[data-nbopt-kernel="none"]').length;
    return roots.length >= views && settled >= roots.length && roots.every(
        r => r.dataset.state && r.getBoundingClientRect().width > 0);
}}"""


def export(nb_path: Path, theme: str, folder: Path) -> Path:
    """nbconvert's lab-template HTML of ``nb_path`` in ``theme``, written into ``folder``."""
    from nbconvert import HTMLExporter

    nb = nbformat.read(nb_path, as_version=4)
    html, _ = HTMLExporter(theme=theme).from_notebook_node(nb)
    out = folder / f"{nb_path.stem}-{theme}.html"
    out.write_text(html, encoding="utf-8")
    return out


def shoot(page, html: Path, name: str, theme: str, out: Path) -> list[Path]:
    """Open ``html``, wait for every nbopt widget, save ``<name>-<n>-<theme>.png`` for each."""
    router = CdnRouter(html.as_uri())
    router.attach(page)
    page.goto(html.as_uri())
    wait_for_page(page, router, DRAWN, timeout_s=120)
    page.evaluate("document.fonts.ready")
    shots = []
    for n, root in enumerate(page.locator(ROOTS).all(), start=1):
        path = out / f"{name}-{n}-{theme}.png"
        root.screenshot(path=str(path))
        shots.append(path)
    return shots


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/*.ipynb")
    parser.add_argument("--only", help="only the notebooks whose file name contains this")
    parser.add_argument("--out", type=Path, default=ROOT / "artifacts" / "notebook-shots")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    if args.only:
        paths = [p for p in paths if args.only in p.name]
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM)
        for path in paths:
            for theme in THEMES:
                page = browser.new_page(viewport={"width": 1100, "height": 900})
                html = export(path.resolve(), theme, Path(tmp))
                for shot in shoot(page, html, path.stem, theme, args.out):
                    print(shot)
                page.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
