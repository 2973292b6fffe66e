"""Execute notebooks headless with nbclient, keeping the widget state, and write them out.

The notebooks in notebooks/ are committed executed: ``--inplace`` regenerates them. The
saved widget state (``metadata.widgets``) is what lets a notebook draw its nbopt widgets
with no kernel: in a trusted JupyterLab, and in nbconvert's HTML export (see
tests/e2e/test_static_pages.py); the PNG outputs are what GitHub and other renderers
without JavaScript show. Every PNG output is re-encoded with a 256-colour palette (a
quarter of the size, the same look for charts). Every anywidget model stores its whole
``_esm`` bundle and ``_css`` in the widget state, so the script reports how much of each
file they take.

    python scripts/execute_notebooks.py --inplace            # regenerate notebooks/*.ipynb
    python scripts/execute_notebooks.py                      # into artifacts/executed
    python scripts/execute_notebooks.py notebooks/tour.ipynb -o /tmp/executed

Exit status 1 when a cell fails (the partly executed notebook is still written).
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
STATE_MIME = "application/vnd.jupyter.widget-state+json"


def execute(path: Path, *, timeout: int = 600, kernel_name: str = "python3"):
    """Run every cell of ``path`` (in its own folder) and return the notebook and the error."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name=kernel_name,
        store_widget_state=True,
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    try:
        client.execute()
    except CellExecutionError as exc:
        return nb, exc
    return nb, None


def thin_images(nb) -> int:
    """Re-encode every PNG output as a palette PNG (:func:`nbopt.export._common.palette_png`).

    Returns the bytes saved. Charts keep their look at about a quarter of the size, which
    keeps the committed notebooks small.
    """
    from nbopt.export._common import palette_png

    saved = 0
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data = out.get("data", {})
            text = data.get("image/png")
            if not isinstance(text, str):
                continue
            raw = base64.b64decode(text)
            small = palette_png(raw)
            if len(small) < len(raw):
                data["image/png"] = base64.b64encode(small).decode("ascii")
                saved += len(raw) - len(small)
    return saved


def size_report(nb) -> dict[str, int]:
    """Bytes of the written notebook and of its widget state, split by what they hold."""
    text = nbformat.writes(nb)
    models = nb.metadata.get("widgets", {}).get(STATE_MIME, {}).get("state", {})
    report = {
        "notebook": len(text.encode()),
        "widget_state": len(json.dumps(models).encode()),
        "models": len(models),
        "anywidget_models": 0,
        "esm": 0,
        "css": 0,
        "buffers": 0,
        "buffers_decoded": 0,
    }
    for model in models.values():
        state = model.get("state", {})
        if model.get("model_module") == "anywidget":
            report["anywidget_models"] += 1
        for key in ("esm", "css"):
            value = state.get(f"_{key}")
            if isinstance(value, str):
                report[key] += len(value.encode())
        for buf in model.get("buffers", []):
            report["buffers"] += len(buf.get("data", ""))
            report["buffers_decoded"] += len(base64.b64decode(buf.get("data", "")))
    return report


def describe(name: str, r: dict[str, int]) -> str:
    kb = 1024
    return (
        f"{name}: {r['notebook'] / kb:.0f} KiB, of which widget state {r['widget_state'] / kb:.0f}"
        f" KiB ({r['models']} models, {r['anywidget_models']} anywidgets): _esm copies"
        f" {r['esm'] / kb:.0f} KiB, _css copies {r['css'] / kb:.0f} KiB, binary traits"
        f" {r['buffers'] / kb:.0f} KiB base64 ({r['buffers_decoded'] / kb:.0f} KiB raw)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "notebooks",
        nargs="*",
        type=Path,
        help="notebooks to execute (default: every notebooks/*.ipynb)",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "-o",
        "--output-dir",
        type=Path,
        default=ROOT / "artifacts" / "executed",
        help="folder for the executed notebooks (default: artifacts/executed)",
    )
    where.add_argument(
        "--inplace", action="store_true", help="overwrite each notebook with its executed copy"
    )
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    parser.add_argument("--kernel", default="python3", help="kernel name (default: python3)")
    args = parser.parse_args(argv)

    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    failed = 0
    for path in paths:
        path = path.resolve()
        nb, error = execute(path, timeout=args.timeout, kernel_name=args.kernel)
        thin_images(nb)
        if args.inplace:
            out = path
        else:
            args.output_dir.mkdir(parents=True, exist_ok=True)
            out = args.output_dir / path.name
        nbformat.write(nb, out)
        print(describe(str(out), size_report(nb)))
        if error is not None:
            failed += 1
            print(f"{path}: a cell failed:\n{error}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
