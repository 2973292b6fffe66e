"""Hosts other than JupyterLab for the real-browser tests: Notebook 7 and marimo servers.

Each server runs in its own process group with every per-user directory in a temp dir;
:func:`stop_server` stops it (SIGTERM, then SIGKILL to the whole group). The race is read
through shadow roots too, since marimo mounts anywidgets inside them.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

from labhelpers import free_port, isolated_env

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("NBOPT_TEST_ARTIFACTS", ROOT / "artifacts"))

#: The race of issue 10 (the same in every host): two optimizers, 300 steps.
RACE_SOURCE = (
    "import nbopt; from nbopt.optimizers import Adam, SGD; "
    'w = nbopt.optimize("rosenbrock", {"SGD": SGD(lr=1e-3, momentum=0.9), '
    '"Adam": Adam(lr=0.05)}, steps=300); w'
)
RACE_STEPS = 300

#: The race is finished and both whole trajectories are in the view's store, without holes.
FINISHED = (
    f"r.data.state === 'finished' && Number(r.data.step) === {RACE_STEPS}"
    " && r.data.statuses.split(',').length === 2"
    f" && Number(r.data.points) >= 2 * {RACE_STEPS}"
    " && r.data.gaps.split(',').every(g => Number(g) <= 1)"
)

# (scope selector) -> the first race root under it, searched through open shadow roots,
# with its data-* attributes, trace names and, per trace, the landscape pixels in its colour
_READ_RACE = """(scope) => {
    const find = (node) => {
        const hit = node.querySelector('.nbopt-race');
        if (hit) return hit;
        for (const el of node.querySelectorAll('*')) {
            const inner = el.shadowRoot && find(el.shadowRoot);
            if (inner) return inner;
        }
        return null;
    };
    const top = scope ? document.querySelector(scope) : document;
    const root = top && find(top);
    if (!root) return null;
    const rgb = (css) => (css.match(/[\\d.]+/g) || []).slice(0, 3).map(Number);
    const land = root.querySelector('canvas');
    let px = null;
    if (land && land.width) {
        px = land.getContext('2d').getImageData(0, 0, land.width, land.height).data;
    }
    const inks = [...root.querySelectorAll('.nbopt-swatch')].map((s) => {
        const [r, g, b] = rgb(getComputedStyle(s).backgroundColor);
        if (!px || r === undefined) return 0;
        let n = 0;
        for (let i = 0; i < px.length; i += 4) {
            if (px[i + 3] > 200 && Math.abs(px[i] - r) + Math.abs(px[i + 1] - g)
                + Math.abs(px[i + 2] - b) < 60) n++;
        }
        return n;
    });
    return {
        data: {...root.dataset},
        names: [...root.querySelectorAll('.nbopt-name')].map((e) => e.textContent.trim()),
        error: root.querySelector('.nbopt-error')?.textContent || '',
        inks,
    };
}"""


def start_server(
    cmd: list[str], *, root: Path, home: Path, url: str, probe: str, name: str
) -> SimpleNamespace:
    """Start ``cmd`` in a new process group and wait until ``url + probe`` answers 200."""
    env = isolated_env(home)
    log_path = home / f"{name}-server.log"
    logfile = open(log_path, "wb")  # closed by stop_server
    proc = subprocess.Popen(
        cmd, env=env, cwd=root, stdout=logfile, stderr=subprocess.STDOUT, start_new_session=True
    )
    server = SimpleNamespace(
        url=url, root=root, home=home, proc=proc, log=log_path, env=env, name=name, _logfile=logfile
    )
    deadline = time.monotonic() + 90
    while True:
        if proc.poll() is not None:
            stop_server(server)
            raise RuntimeError(f"{name} exited rc={proc.returncode}:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(url + probe, timeout=2) as r:
                if r.status == 200:
                    return server
        except OSError:
            pass
        if time.monotonic() > deadline:
            stop_server(server)
            raise RuntimeError(f"{name} did not come up in 90 s:\n{log_path.read_text()}")
        time.sleep(0.25)


def stop_server(server: SimpleNamespace) -> None:
    """SIGTERM (the server shuts its kernels down), then SIGKILL whatever is left of its group."""
    if server.proc.poll() is None:
        server.proc.send_signal(signal.SIGTERM)
        try:
            server.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(server.proc.pid, signal.SIGKILL)  # kernels or workers that outlived it
    except ProcessLookupError:
        pass
    server.proc.wait(timeout=10)
    server._logfile.close()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / server.log.name).write_bytes(server.log.read_bytes())


def _dirs(base: Path) -> tuple[Path, Path]:
    root, home = base / "root", base / "home"
    root.mkdir(parents=True)
    home.mkdir(parents=True)
    return root, home


def start_notebook7(base: Path) -> SimpleNamespace:
    """Start Jupyter Notebook 7 on 127.0.0.1, isolated like the JupyterLab fixture."""
    root, home = _dirs(base)
    settings = home / "lab-settings/@jupyterlab/apputils-extension"
    settings.mkdir(parents=True)
    # the same user settings as the JupyterLab fixture: no news toast, no comm subshells
    (settings / "notification.jupyterlab-settings").write_text(
        '{"fetchNews": "false", "checkForUpdates": false}'
    )
    (settings / "kernels-settings.jupyterlab-settings").write_text(
        '{"commsOverSubshells": "disabled"}'
    )
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "notebook",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--ServerApp.allow_root=True",
        "--IdentityProvider.token=",
        "--ServerApp.password=",
        f"--ServerApp.root_dir={root}",
        "--JupyterNotebookApp.expose_app_in_browser=True",  # window.jupyterapp, as in Lab
        # the JupyterLab server extension loads in the same server: no news, no update
        # checks, no PyPI look-ups from its extension manager
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ]
    url = f"http://127.0.0.1:{port}"
    return start_server(cmd, root=root, home=home, url=url, probe="/api/status", name="notebook7")


def start_marimo(base: Path, app_source: str, *, name: str = "marimo") -> SimpleNamespace:
    """Write ``app_source`` to ``app.py`` and serve it with ``marimo run`` on 127.0.0.1."""
    root, home = _dirs(base)
    (root / "app.py").write_text(app_source)
    port = free_port()
    cmd = [
        str(Path(sys.executable).with_name("marimo")),
        "run",
        "app.py",
        "--headless",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-token",
        "--no-sandbox",
    ]
    url = f"http://127.0.0.1:{port}"
    return start_server(cmd, root=root, home=home, url=url, probe="/health", name=name)


def read_race(page, scope: str | None = None) -> dict | None:
    """Return what the first race under ``scope`` shows (None while there is none)."""
    return page.evaluate(f"({_READ_RACE})", scope)


def wait_race(page, predicate: str, scope: str | None = None, timeout_ms: int = 120_000) -> dict:
    """Wait until ``predicate`` (JS over ``r``, what :func:`read_race` returns) holds."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(
            f"""([scope, body]) => {{
                const r = ({_READ_RACE})(scope);
                return r !== null && Boolean(new Function('r', 'return (' + body + ');')(r));
            }}""",
            arg=[scope, predicate],
            polling=250,
            timeout=timeout_ms,
        )
    except PlaywrightTimeout:
        raise AssertionError(
            f"the race never showed {predicate!r}; it shows {read_race(page, scope)}"
        ) from None
    return read_race(page, scope)


def own_errors(errors: list, host_bundle: str | None = None) -> list[str]:
    """Page errors that are not the host's own (every stack frame inside ``host_bundle``)."""
    out = []
    for err in errors:
        stack = getattr(err, "stack", None) or ""
        frames = re.findall(r"https?://\S+?:\d+:\d+", stack)
        if host_bundle and frames and all(host_bundle in f for f in frames):
            continue
        out.append(f"{err}\n{stack}")
    return out
