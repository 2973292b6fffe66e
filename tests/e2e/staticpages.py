"""nbconvert's HTML export in Chromium with no kernel and no server, and no internet.

How such a page loads its widgets (nbconvert 7.17, lab template; @jupyter-widgets/html-manager
1.0.15; anywidget 0.11):

1. ``<script src=HTMLExporter.require_js_url>``: require.js 2.1.10 from cdnjs.
2. The ``jupyter_widgets`` macro appends, on DOMContentLoaded,
   ``{jupyter_widgets_base_url}@jupyter-widgets/html-manager@{html_manager_semver_range}/dist/
   embed-amd.js`` (unpkg, ``@*``): an AMD build that defines ``@jupyter-widgets/base``,
   ``controls`` and ``html-manager`` in require.js and, on window load, reads the
   ``application/vnd.jupyter.widget-state+json`` script (the notebook's
   ``metadata.widgets``, binary traits as base64 ``buffers``), creates every model, and
   draws a view into each ``application/vnd.jupyter.widget-view+json`` output script.
3. A model of another module (``anywidget``, version ``~0.11.*``) goes through the
   html-manager's ``requireLoader``: require.js first asks for ``<page folder>/anywidget.js``;
   when that fails it falls back to ``https://cdn.jsdelivr.net/npm/anywidget@~0.11.*/dist/
   index.js`` (the ``data-jupyter-widgets-cdn`` attribute would change the CDN): the npm
   package's AMD build, ``define(["@jupyter-widgets/base"], ...)``.
4. anywidget then imports the model's ``_esm`` text (nbopt's whole bundle, saved in the
   state) from a ``blob:`` URL and adds its ``_css``; nbopt's ``initialize`` draws the
   ``snapshot`` trait.

The page also always asks for MathJax (``HTMLExporter.mathjax_url``); the pages of these
tests have no math, so it gets an empty script.

:class:`CdnRouter` serves those URLs from node_modules (the exact npm versions are
devDependencies in package.json), logs every request, and aborts any other one at once: an
unserved request makes :func:`wait_for_page` fail with the request log instead of waiting
for its timeout. Wait with Playwright calls (``wait_for_function``, ``wait_for_timeout``),
never ``time.sleep``: the sync API serves routes only while it is called, and require.js
gives a module 7 s before it declares a load timeout.
"""

from __future__ import annotations

import json
import os
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("NBOPT_TEST_ARTIFACTS", ROOT / "artifacts"))
NODE_MODULES = ROOT / "node_modules"

#: The html-manager's CDN for third-party widget modules (libembed-amd.ts: ``cdn``).
HTML_MANAGER_CDN = "https://cdn.jsdelivr.net/npm/"

#: npm packages the page needs, by the name it asks for.
PACKAGES = {
    "requirejs": NODE_MODULES / "requirejs",
    "@jupyter-widgets/html-manager": NODE_MODULES / "@jupyter-widgets/html-manager",
    "anywidget": NODE_MODULES / "anywidget",
}

WIDGET_ERRORS = """() => [...document.querySelectorAll('.jupyter-widgets-error-widget')]
    .map(e => { e.click(); return e.innerText; })"""


def npm_version(name: str) -> str:
    """Version of the npm package ``name`` installed in node_modules."""
    return json.loads((PACKAGES[name] / "package.json").read_text())["version"]


def missing_packages() -> list[str]:
    return [name for name, path in PACKAGES.items() if not (path / "package.json").exists()]


def execute(cells: list[str], path: Path, *, timeout: int = 300):
    """Write ``cells`` as a notebook at ``path``, run it with nbclient storing the widget
    state (as `jupyter nbconvert --execute` and scripts/execute_notebooks.py do), save it
    and return it."""
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
    NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        store_widget_state=True,
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    nbformat.write(nb, path)
    return nb


def export_html(nb, path: Path) -> Path:
    """nbconvert's default HTML export (the lab template), as `jupyter nbconvert --to html`."""
    from nbconvert import HTMLExporter

    html, _ = HTMLExporter().from_notebook_node(nb)
    path.write_text(html, encoding="utf-8")
    return path


@dataclass
class CdnRouter:
    """Serves the CDN files an nbconvert HTML page asks for from node_modules."""

    page_url: str
    log: list[str] = field(default_factory=list)
    unserved: list[str] = field(default_factory=list)
    served: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        from nbconvert import HTMLExporter

        ex = HTMLExporter()
        base = ex.jupyter_widgets_base_url
        manager = f"{base}@jupyter-widgets/html-manager@{ex.html_manager_semver_range}/dist/"
        # (url prefix, folder or file it maps to): the rest of the url is a path in the folder
        self.routes: list[tuple[str, Path]] = [
            (ex.require_js_url, PACKAGES["requirejs"] / "require.js"),
            (manager, PACKAGES["@jupyter-widgets/html-manager"] / "dist"),
            (f"{HTML_MANAGER_CDN}anywidget@", PACKAGES["anywidget"]),
        ]
        self.stubs = {ex.mathjax_url: "MathJax (no math on the page)"}
        self.folder = self.page_url.rsplit("/", 1)[0] + "/"

    def attach(self, page) -> None:
        page.on("request", self._on_request)
        page.on("requestfailed", lambda r: self.log.append(f"failed {r.url} ({r.failure})"))
        page.route(lambda url: not url.startswith(("file:", "data:", "blob:")), self._handle)

    def _on_request(self, request) -> None:
        url = request.url
        self.log.append(f"{request.resource_type} {url[:200]}")
        if url.startswith("file:") and url != self.page_url:
            # require.js looks for a module beside the page before the CDN fallback
            if not (url.startswith(self.folder) and url.endswith("/anywidget.js")):
                self.unserved.append(url)

    def _file_for(self, url: str) -> Path | None:
        for prefix, target in self.routes:
            if not url.startswith(prefix):
                continue
            if target.is_file():
                return target
            rest = urllib.parse.unquote(url[len(prefix) :].split("?")[0])
            if target.name != "dist":  # {package}@{range}/dist/{file}: drop the range
                rest = rest.split("/", 1)[1] if "/" in rest else ""
            path = (target / rest).resolve()
            if path.is_file() and path.is_relative_to(target.resolve()):
                return path
        return None

    def _handle(self, route, request) -> None:
        url = request.url
        if url in self.stubs:
            self.served[url] = f"stub: {self.stubs[url]}"
            route.fulfill(status=200, body="", content_type="application/javascript")
            return
        path = self._file_for(url)
        if path is None:
            self.unserved.append(url)
            self.log.append(f"UNSERVED {url}")
            route.abort("blockedbyclient")
            return
        self.served[url] = str(path.relative_to(ROOT))
        ctype = "application/javascript" if path.suffix == ".js" else None
        route.fulfill(path=str(path), content_type=ctype, headers={"cache-control": "no-store"})

    def report(self) -> str:
        return "requests:\n  " + "\n  ".join(self.log)


def wait_for_page(page, router: CdnRouter, predicate: str, *, timeout_s: float = 90) -> None:
    """Wait until the JS expression ``predicate`` holds; fail at once on an unserved request
    or a widget the html-manager could not draw (its error box), with the request log."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    waited = 0.0
    while True:
        if router.unserved:
            raise AssertionError(f"the page asked for {router.unserved}; {router.report()}")
        errors = page.evaluate(WIDGET_ERRORS)
        if errors:
            raise AssertionError(f"widget error boxes: {errors}; {router.report()}")
        try:
            page.wait_for_function(predicate, timeout=500, polling=100)
            return
        except PlaywrightTimeout:
            waited += 0.5
            if waited >= timeout_s:
                state = page.evaluate(
                    "() => [...document.querySelectorAll('.nbopt-race, .nbopt-search')]"
                    ".map(e => ({...e.dataset}))"
                )
                raise AssertionError(
                    f"{predicate!r} never held in {timeout_s} s; widget roots: {state};"
                    f" {router.report()}"
                ) from None
