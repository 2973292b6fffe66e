"""Every notebook in notebooks/ executes headless without error."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_executes(path, tmp_path):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()
    errors = [
        out
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]
    assert errors == []
    assert any(cell.get("outputs") for cell in nb.cells if cell.cell_type == "code")


def test_there_is_a_tour():
    assert any(p.name == "tour.ipynb" for p in NOTEBOOKS)


def test_a_headless_run_saves_the_state_a_later_wait_ended_in():
    # nbclient keeps only what the executing cell sends: a race displayed in one cell and
    # waited for in a later one must still be saved finished, as must a search
    import base64

    from nbopt.widgets._protocol import unpack

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "import nbopt\nfrom nbopt import space\nfrom nbopt.optimizers import Adam\n"
            'w = nbopt.optimize("booth", {"Adam": Adam(lr=0.1)}, steps=120)\nw'
        ),
        nbformat.v4.new_code_cell(
            'res = nbopt.search(lambda x: x * x, {"x": space.Float(-1, 1)}, method="random",\n'
            "                   n_trials=400, seed=0, block=False)\nres"
        ),
        nbformat.v4.new_code_cell(
            'c = nbopt.compare(lambda x: x * x, {"x": space.Float(-1, 1)},\n'
            '                  methods=["random", "genetic"], n_trials=30, seeds=2)\nc'
        ),
        nbformat.v4.new_code_cell("w.wait()\nres.wait()\nc.wait()"),
    ]
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    # each output shown while its run went on now has the PNG of the end, for renderers
    # without widgets (GitHub, nbviewer)
    shown = [
        out
        for cell in nb.cells[:3]
        for out in cell.outputs
        if "application/vnd.jupyter.widget-view+json" in out.get("data", {})
    ]
    assert len(shown) == 3 and all("image/png" in out["data"] for out in shown)
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    ended = {}
    for model in state.values():
        view = model["state"].get("_view")
        snapshot = [b for b in model.get("buffers", []) if b["path"] == ["snapshot"]]
        if view in ("race", "search") and snapshot:
            meta = unpack(base64.b64decode(snapshot[0]["data"]))[0]["meta"]
            ended[view] = (
                meta["state"],
                meta["step"] if view == "race" else meta["header"]["n_done"],
            )
    assert ended == {"race": ("finished", 120), "search": ("finished", 400)}


VIEW_MIME = "application/vnd.jupyter.widget-view+json"
STATE_MIME = "application/vnd.jupyter.widget-state+json"
#: a committed notebook stays small enough for git and for a page to load
MAX_NOTEBOOK_BYTES = 8 * 1024 * 1024


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_committed_executed_with_its_widget_state(path):
    # what a static page and GitHub render: every cell run in order, no error, and the
    # saved state of every widget the outputs show (scripts/execute_notebooks.py --inplace)
    import base64

    from nbopt.widgets._protocol import unpack

    assert path.stat().st_size <= MAX_NOTEBOOK_BYTES
    nb = nbformat.read(path, as_version=4)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    counts = [cell.execution_count for cell in code]
    assert None not in counts, f"{path.name}: cells not executed"
    assert counts == sorted(counts) and len(set(counts)) == len(counts)
    outputs = [out for cell in code for out in cell.get("outputs", [])]
    assert not [out for out in outputs if out.get("output_type") == "error"]
    state = nb.metadata["widgets"][STATE_MIME]["state"]
    shown = [
        out["data"][VIEW_MIME]["model_id"] for out in outputs if VIEW_MIME in out.get("data", {})
    ]
    assert shown and all(model_id in state for model_id in shown)
    # renderers without widgets (GitHub, nbviewer) show each widget's PNG
    assert all("image/png" in out["data"] for out in outputs if VIEW_MIME in out.get("data", {}))
    views = 0
    for model_id in shown:
        model = state[model_id]
        if model["state"].get("_view") not in ("race", "search", "compare"):
            continue
        views += 1
        snapshot = [b for b in model.get("buffers", []) if b["path"] == ["snapshot"]]
        assert snapshot, f"{path.name}: widget {model_id} saved without its snapshot"
        meta = unpack(base64.b64decode(snapshot[0]["data"]))[0]["meta"]
        assert meta["state"] not in ("running", "paused"), (path.name, model_id, meta["state"])
    assert views > 0
