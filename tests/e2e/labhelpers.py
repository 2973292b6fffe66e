"""Driving JupyterLab from Playwright: open notebooks, run cells, read the race widget."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from types import SimpleNamespace

import nbformat

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"

WIDGET = ":is(.nbopt-race, .nbopt-search, .nbopt-compare)"

CHROMIUM = os.environ.get("NBOPT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def isolated_env(home: Path) -> dict[str, str]:
    """Return the environment of a server whose per-user directories all sit under ``home``."""
    env = dict(os.environ)
    env.update(
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_DATA_DIR=str(home / "data"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(home / "lab-settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "lab-workspaces"),
        IPYTHONDIR=str(home / "ipython"),
        # marimo keeps its user config, state and cache in the XDG directories
        XDG_CONFIG_HOME=str(home / "xdg-config"),
        XDG_CACHE_HOME=str(home / "xdg-cache"),
        XDG_STATE_HOME=str(home / "xdg-state"),
        MARIMO_SKIP_UPDATE_CHECK="1",
        MPLBACKEND="Agg",
        PYTHONUNBUFFERED="1",
        PYTHONPATH=os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
    )
    return env


def start_lab(base: Path) -> SimpleNamespace:
    """Start JupyterLab on 127.0.0.1 with every per-user directory under ``base``."""
    root = base / "root"
    home = base / "home"
    root.mkdir(parents=True)
    home.mkdir(parents=True)
    # never fetch Jupyter news: the toast would cover the bottom-right of every screenshot
    notif = home / "lab-settings/@jupyterlab/apputils-extension/notification.jupyterlab-settings"
    notif.parent.mkdir(parents=True)
    notif.write_text('{"fetchNews": "false", "checkForUpdates": false}')
    # JupyterLab 4.6 sends comm messages over kernel subshells by default; after a page
    # reload ipykernel 7.4 can answer every message of the new page with "Unknown
    # subshell_id" and drop it (an upstream race). nbopt runs in a background thread, so
    # the main shell is free for comm messages and needs no subshell.
    (notif.parent / "kernels-settings.jupyterlab-settings").write_text(
        '{"commsOverSubshells": "disabled"}'
    )
    port = free_port()
    env = isolated_env(home)
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--ServerApp.allow_root=True",
        "--IdentityProvider.token=",
        "--ServerApp.password=",
        f"--ServerApp.root_dir={root}",
        "--LabApp.expose_app_in_browser=True",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ]
    log_path = home / "server.log"
    log = open(log_path, "wb")
    proc = subprocess.Popen(
        cmd, env=env, cwd=root, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"jupyter lab exited rc={proc.returncode}:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(url + "/api/status", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"jupyter lab did not come up:\n{log_path.read_text()}")
        time.sleep(0.25)
    return SimpleNamespace(url=url, root=root, proc=proc, log=log_path, env=env, _logfile=log)


def stop_lab(lab: SimpleNamespace) -> None:
    """Stop the server (SIGTERM shuts its kernels down; SIGKILL after 20 s)."""
    if lab.proc.poll() is None:
        lab.proc.send_signal(signal.SIGTERM)  # the server shuts its kernels down
        try:
            lab.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(lab.proc.pid, signal.SIGKILL)
            lab.proc.wait(timeout=10)
    lab._logfile.close()


def write_notebook(root: Path, name: str, cells: list[str]) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
    path = root / name
    nbformat.write(nb, path)
    return path


def open_notebook(page, lab, name: str, *, workspace: str | None = None) -> str:
    """Open ``name`` (in a fresh workspace unless given) and wait for its idle kernel."""
    workspace = workspace or f"t{uuid.uuid4().hex[:12]}"
    page.goto(f"{lab.url}/lab/workspaces/{workspace}/tree/{name}")
    page.wait_for_function(
        """(name) => {
            const app = window.jupyterapp;
            if (!app) return false;
            const w = [...app.shell.widgets('main')].find(
                w => w.context && w.context.path === name);
            if (!w || !w.context.isReady) return false;
            const k = w.sessionContext.session && w.sessionContext.session.kernel;
            if (!k || k.connectionStatus !== 'connected' || k.status !== 'idle') return false;
            window.__panel = w;
            app.shell.activateById(w.id);
            return true;
        }""",
        arg=name,
        polling=250,
    )
    return workspace


def run_cell(page, index: int) -> None:
    """Run one cell without waiting for it to finish."""
    page.evaluate(
        """(index) => {
            const app = window.jupyterapp;
            app.shell.activateById(window.__panel.id);
            window.__panel.content.activeCellIndex = index;
            app.commands.execute('notebook:run-cell');
        }""",
        index,
    )


def run_all(page) -> None:
    page.evaluate(
        """() => { const app = window.jupyterapp;
            app.shell.activateById(window.__panel.id);
            app.commands.execute('notebook:run-all-cells'); }"""
    )


def wait_kernel_idle(page, timeout_ms: int = 60_000) -> None:
    page.wait_for_function(
        """() => { const w = window.__panel;
                   const k = w.sessionContext.session.kernel;
                   const busy = [...w.node.querySelectorAll('.jp-InputPrompt')]
                       .some(p => p.textContent.includes('*'));
                   return k.status === 'idle' && !busy; }""",
        polling=200,
        timeout=timeout_ms,
    )


def cell_output_text(page, index: int) -> str:
    return page.evaluate(
        """(i) => window.__panel.content.widgets[i].node
                    .querySelector('.jp-OutputArea').innerText""",
        index,
    )


def widget(page, nth: int = 0):
    """Locator of the nth race widget root in the notebook under test."""
    panel_id = page.evaluate("() => window.__panel.id")
    return page.locator(f"#{panel_id} {WIDGET}").nth(nth)


def data(page, attr: str, nth: int = 0) -> str | None:
    return widget(page, nth).get_attribute(f"data-{attr}")


def wait_data(page, predicate: str, nth: int = 0, timeout_ms: int = 60_000) -> None:
    """Wait until ``predicate`` (a JS expression over ``d``, the root's dataset) holds."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    panel_id = page.evaluate("() => window.__panel.id")
    selector = f"#{panel_id} {WIDGET}"
    try:
        page.wait_for_function(
            """([sel, nth, body]) => {
                const el = document.querySelectorAll(sel)[nth];
                if (!el) return false;
                const d = el.dataset;
                return Boolean(new Function('d', 'return (' + body + ');')(d));
            }""",
            arg=[selector, nth, predicate],
            polling=100,
            timeout=timeout_ms,
        )
    except PlaywrightTimeout:
        state = page.evaluate(
            "([sel, nth]) => { const el = document.querySelectorAll(sel)[nth];"
            " return el ? {...el.dataset} : null; }",
            [selector, nth],
        )
        raise AssertionError(f"widget {nth} never showed {predicate!r}; it shows {state}") from None


def painted_pixels(page, canvas_selector: str = "canvas", nth: int = 0) -> int:
    """Pixels of the widget's first canvas that differ from its corner (background) colour."""
    panel_id = page.evaluate("() => window.__panel.id")
    return page.evaluate(
        """([sel, nth]) => {
            const root = document.querySelectorAll(sel)[nth];
            const c = root && root.querySelector('canvas');
            if (!c || !c.width) return 0;
            const ctx = c.getContext('2d');
            const px = ctx.getImageData(0, 0, c.width, c.height).data;
            const bg = [px[0], px[1], px[2], px[3]];
            let n = 0;
            for (let i = 0; i < px.length; i += 4) {
                if (Math.abs(px[i] - bg[0]) + Math.abs(px[i + 1] - bg[1])
                    + Math.abs(px[i + 2] - bg[2]) + Math.abs(px[i + 3] - bg[3]) > 24) n++;
            }
            return n;
        }""",
        [f"#{panel_id} {WIDGET}", nth],
    )


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    panel_id = page.evaluate("() => window.__panel.id")
    loc = page.locator(f"#{panel_id} {WIDGET}").first
    if loc.count():
        loc.screenshot(path=str(path))
    else:
        page.screenshot(path=str(path))
    return path


# a hash of what one canvas inside the first element matching a selector shows (it
# changes whenever that canvas's drawing does)
_CANVAS_HASH = """([sel, index]) => {
    const c = document.querySelector(sel).querySelectorAll('canvas')[index];
    const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let h = 0;
    for (let i = 0; i < px.length; i += 7) h = (h * 31 + px[i]) | 0;
    return h;
}"""


def canvas_hash(page, selector: str, index: int) -> int:
    """Hash of the pixels of canvas ``index`` inside the first match of ``selector``."""
    return int(page.evaluate(_CANVAS_HASH, [selector, index]))


def scrub(root, value: int) -> None:
    """Move the replay slider inside locator ``root`` to ``value``, as a drag would."""
    slider = root.get_by_role("slider", name="replay", exact=False)
    slider.evaluate(
        "(el, v) => { el.value = String(v); el.dispatchEvent(new Event('input')); }", value
    )
