"""Fixtures: a headless JupyterLab on 127.0.0.1 and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[2]
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
ARTIFACTS = Path(os.environ.get("NBOPT_TEST_ARTIFACTS", ROOT / "artifacts"))


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.e2e)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_lab(base: Path) -> SimpleNamespace:
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
    port = _free_port()
    env = dict(os.environ)
    env.update(
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_DATA_DIR=str(home / "data"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(home / "lab-settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "lab-workspaces"),
        IPYTHONDIR=str(home / "ipython"),
        MPLBACKEND="Agg",
        PYTHONUNBUFFERED="1",
        PYTHONPATH=os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
    )
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


def _stop_lab(lab: SimpleNamespace) -> None:
    if lab.proc.poll() is None:
        lab.proc.send_signal(signal.SIGTERM)  # the server shuts its kernels down
        try:
            lab.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(lab.proc.pid, signal.SIGKILL)
            lab.proc.wait(timeout=10)
    lab._logfile.close()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(lab.log, ARTIFACTS / "jupyterlab-server.log")


@pytest.fixture(scope="session")
def jupyter_lab(tmp_path_factory):
    if not (ROOT / "nbopt/static/widget.js").exists():
        pytest.fail("nbopt/static/widget.js is missing: run `npm run build` first")
    lab = _start_lab(tmp_path_factory.mktemp("lab"))
    yield lab
    _stop_lab(lab)


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
