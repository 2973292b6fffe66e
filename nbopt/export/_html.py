"""A widget as one self-contained HTML file: the bundle and the state inlined, no Python.

The page runs the same bundle as the notebook (``nbopt/static/widget.js`` and its CSS),
given a model that holds the widget's snapshot (the message a reloaded view would get)
and talks to no kernel. Everything the widget draws is there, the replay slider included;
the controls that would ask a kernel (play, stop, run more, learning rates) are hidden.
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["html_document", "save_html"]

_STATIC = Path(__file__).resolve().parent.parent / "static"

THEMES = ("auto", "light", "dark")

# JupyterLab's variables the widget reads (nbopt/js/core/draw.ts readTheme), light and dark
_LIGHT = {
    "--jp-layout-color0": "#ffffff",
    "--jp-layout-color1": "#f5f5f5",
    "--jp-layout-color2": "#eeeeee",
    "--jp-layout-color3": "#bdbdbd",
    "--jp-ui-font-color1": "#222222",
    "--jp-ui-font-color2": "#666666",
    "--jp-border-color1": "#bdbdbd",
    "--jp-border-color2": "#e0e0e0",
    "--jp-border-color3": "#eeeeee",
    "--jp-brand-color1": "#1976d2",
    "--jp-error-color1": "#d32f2f",
    "--jp-warn-color1": "#f57c00",
    "--jp-success-color1": "#388e3c",
}
_DARK = {
    "--jp-layout-color0": "#111111",
    "--jp-layout-color1": "#1e1e1e",
    "--jp-layout-color2": "#2a2a2a",
    "--jp-layout-color3": "#4a4a4a",
    "--jp-ui-font-color1": "#e6e6e6",
    "--jp-ui-font-color2": "#a6a6a6",
    "--jp-border-color1": "#555555",
    "--jp-border-color2": "#3a3a3a",
    "--jp-border-color3": "#2e2e2e",
    "--jp-brand-color1": "#64b5f6",
    "--jp-error-color1": "#ef5350",
    "--jp-warn-color1": "#ffa726",
    "--jp-success-color1": "#66bb6a",
}

_PAGE_CSS = """
body { margin: 16px; background: var(--jp-layout-color0); color: var(--jp-ui-font-color1);
       font-family: system-ui, sans-serif; }
/* no kernel behind this page: the controls that would ask one are left out */
.nbopt-controls, .nbopt-lr input, .nbopt-more { display: none !important; }
"""

# the page's script: decode the bundle and the snapshot, give the bundle a model that
# holds them (anywidget's model interface, with nothing to send to), render
_BOOT = """
const b64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const state = JSON.parse(document.getElementById("nbopt-state").textContent);
const code = new TextDecoder().decode(b64(document.getElementById("nbopt-esm").textContent));
const url = URL.createObjectURL(new Blob([code], { type: "text/javascript" }));
const widget = (await import(url)).default;
const bytes = b64(state.snapshot);
const values = {
  _view: state.view,
  _uid: state.uid,
  snapshot: new DataView(bytes.buffer),
  steps_per_second: null,
};
const handlers = new Map();
const model = {
  get: (name) => values[name],
  set: () => {},
  save_changes: () => {},
  send: () => {},
  on: (name, fn) => handlers.set(fn, name),
  off: (name, fn) => handlers.delete(fn),
};
const el = document.getElementById("nbopt");
if (widget.initialize) widget.initialize({ model });
widget.render({ model, el });
document.body.dataset.nboptReady = "true";
"""


def _css_vars(values: Mapping[str, str]) -> str:
    return " ".join(f"{k}: {v};" for k, v in values.items())


def _theme_css(theme: str) -> str:
    if theme == "light":
        return f":root {{ {_css_vars(_LIGHT)} }}"
    if theme == "dark":
        return f":root {{ {_css_vars(_DARK)} }}"
    return (
        f":root {{ {_css_vars(_LIGHT)} }}\n"
        f"@media (prefers-color-scheme: dark) {{ :root {{ {_css_vars(_DARK)} }} }}"
    )


def _widget_of(source: Any) -> tuple[Any, bool]:
    """Return the stream widget to snapshot, and whether it was made here (closed after)."""
    from nbopt.optimizers import Race
    from nbopt.searchers import Searcher, SearchResult
    from nbopt.widgets import OptimizerRace, SearchDashboard
    from nbopt.widgets._stream import StreamWidget

    if isinstance(source, StreamWidget):
        return source, False
    if isinstance(source, SearchResult):
        shown = getattr(source, "_dashboard", None)
        if shown is not None:
            return shown, False
        return SearchDashboard(source), True
    if isinstance(source, Searcher):
        return SearchDashboard(source), True
    if isinstance(source, Race):
        return OptimizerRace(source, steps_per_second=None), True
    raise TypeError(
        "html export: expected a widget (nbopt.optimize, a displayed search, nbopt.compare), "
        f"a SearchResult, a Searcher or an optimizers.Race, got {type(source).__name__}"
    )


def _json_for_script(value: Any) -> str:
    """JSON safe inside a <script> element (no ``</`` to end it early)."""
    return json.dumps(value, separators=(",", ":")).replace("</", "<\\/")


def html_document(
    source: Any,
    *,
    title: str | None = None,
    theme: str = "auto",
    metadata: Mapping[str, Any] | None = None,
) -> str:
    """Return a self-contained HTML page that shows ``source`` as its widget does.

    Parameters
    ----------
    source : widget, SearchResult, Searcher or optimizers.Race
        What to show: a race, a search dashboard or a race of searchers, as it stands.
    title : str, optional
        The page's title (default: the widget's view and nbopt's name).
    theme : {"auto", "light", "dark"}
        Colours: "auto" follows the reader's system setting.
    metadata : mapping, optional
        Written into the page as JSON (``<meta name="nbopt" content=...>``).

    Raises
    ------
    TypeError
        ``source`` is none of the above.
    ValueError
        An unknown ``theme``.
    FileNotFoundError
        The widget bundle is not built (``npm run build``).

    Examples
    --------
    >>> from nbopt import optimizers
    >>> race = optimizers.Race("booth", {"GD": optimizers.GradientDescent(lr=0.05)}, steps=30)
    >>> race.run_to_end()
    >>> page = html_document(race, theme="light")
    >>> page.startswith("<!DOCTYPE html>"), 'id="nbopt-esm"' in page
    (True, True)
    """
    if theme not in THEMES:
        raise ValueError(f"theme must be one of {', '.join(THEMES)}, got {theme!r}")
    bundle = _STATIC / "widget.js"
    css = _STATIC / "widget.css"
    if not bundle.is_file():
        raise FileNotFoundError(
            f"the widget bundle {bundle} is missing: build it with `npm run build`"
        )
    from nbopt.widgets._protocol import pack

    widget, made = _widget_of(source)
    try:
        content, buffers = widget.snapshot_message()
        packed = pack(content, buffers)
        view, uid = str(widget._view), str(widget._uid)
    finally:
        if made:
            widget.close()
    state = {"view": view, "uid": uid, "snapshot": base64.b64encode(packed).decode("ascii")}
    esm = base64.b64encode(bundle.read_bytes()).decode("ascii")
    style = css.read_text(encoding="utf-8") if css.is_file() else ""
    if "</" in style:
        raise ValueError(f"{css} holds '</', which would end the page's <style> element")
    name = title if title is not None else f"nbopt {view}"
    meta = html.escape(json.dumps(dict(metadata or {}), default=str), quote=True)
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            f'<meta name="nbopt" content="{meta}">',
            f"<title>{html.escape(name)}</title>",
            f"<style>{_theme_css(theme)}\n{_PAGE_CSS}\n{style}</style>",
            "</head>",
            "<body>",
            '<div id="nbopt"></div>',
            f'<script type="application/json" id="nbopt-state">{_json_for_script(state)}</script>',
            f'<script type="text/plain" id="nbopt-esm">{esm}</script>',
            f'<script type="module">{_BOOT}</script>',
            "</body>",
            "</html>",
            "",
        ]
    )


def save_html(source: Any, path: str | Path, **kwargs: Any) -> Path:
    """Write :func:`html_document` of ``source`` to ``path``; return the path."""
    out = Path(path)
    out.write_text(html_document(source, **kwargs), encoding="utf-8")
    return out
