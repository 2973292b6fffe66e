"""Execute notebooks/tour.ipynb headless; exit non-zero when a cell fails."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    src = ROOT / "notebooks" / "tour.ipynb"
    out = ROOT / "artifacts" / "tour.executed.ipynb"
    nb = nbformat.read(src, as_version=4)
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(src.parent)}}
    )
    try:
        client.execute()
    except CellExecutionError as exc:
        print(f"tour notebook failed:\n{exc}", file=sys.stderr)
        return 1
    finally:
        out.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, out)
    n = sum(1 for c in nb.cells if c.cell_type == "code")
    print(
        f"executed {n} code cells of {src.relative_to(ROOT)} without error; "
        f"saved {out.relative_to(ROOT)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
