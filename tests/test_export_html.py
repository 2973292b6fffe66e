"""The standalone HTML export: one file with the bundle and the widget's state inlined."""

from __future__ import annotations

import base64
import html
import json
import re

import pytest

import nbopt
from nbopt import optimizers, space
from nbopt.export._html import html_document, save_html
from nbopt.widgets._protocol import unpack

MARKUP = "</script><script>window.__pwned=1</script>"


def _state(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="nbopt-state">(.*?)</script>', page, re.S)
    assert m is not None
    return json.loads(m.group(1))


def test_a_race_page_holds_the_bundle_and_the_races_snapshot(tmp_path):
    race = optimizers.Race("booth", {"GD": optimizers.GradientDescent(lr=0.05)}, steps=40)
    race.run_to_end()
    path = save_html(race, tmp_path / "race.html", theme="light")
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    state = _state(page)
    assert state["view"] == "race"
    content, _ = unpack(base64.b64decode(state["snapshot"]))
    assert content["type"] == "snapshot" and content["meta"]["step"] == 40
    esm = re.search(r'id="nbopt-esm">(.*?)</script>', page, re.S)
    assert esm is not None
    from nbopt.export._html import _STATIC

    assert base64.b64decode(esm.group(1)) == (_STATIC / "widget.js").read_bytes()
    # no kernel behind the page: the page hides the controls that would ask one
    assert ".nbopt-controls" in page


def test_markup_in_names_stays_data_and_metadata_is_written():
    res = nbopt.search(
        lambda **p: sum(v * v for v in p.values()),
        {MARKUP: space.Float(-1, 1), "y": space.Float(-1, 1)},
        method="random",
        n_trials=12,
        seed=0,
        progress=False,
    )
    page = html_document(res, metadata={"nbopt_version": nbopt.__version__, "seed": 0})
    # the name reaches the page only inside the JSON state, where it cannot end a script
    assert page.count("</script>") == 3
    state = _state(page)
    meta = unpack(base64.b64decode(state["snapshot"]))[0]["meta"]
    assert meta["params"][0]["name"] == MARKUP
    found = re.search(r'<meta name="nbopt" content="([^"]*)">', page)
    assert found is not None
    assert json.loads(html.unescape(found.group(1))) == {
        "nbopt_version": nbopt.__version__,
        "seed": 0,
    }


def test_bad_input_is_named():
    race = optimizers.Race("booth", {"GD": optimizers.GradientDescent(lr=0.05)}, steps=5)
    with pytest.raises(ValueError, match="theme must be one of auto, light, dark"):
        html_document(race, theme="blue")
    with pytest.raises(TypeError, match="html export: expected a widget"):
        html_document(42)


def test_save_writes_html_with_the_files_metadata_for_every_widget_kind(tmp_path):
    from nbopt import export

    res = nbopt.search(
        lambda x: x * x, {"x": space.Float(-1, 1)}, method="random", n_trials=8, progress=False
    )
    page = export.save(res, tmp_path / "s.html").read_text(encoding="utf-8")
    found = re.search(r'<meta name="nbopt" content="([^"]*)">', page)
    assert found is not None
    meta = json.loads(html.unescape(found.group(1)))
    assert meta["Software"] == f"nbopt {nbopt.__version__}"
    assert json.loads(meta["Description"])["n_trials"] == 8
    assert f"<title>{html.escape(meta['Title'])}</title>" in page
    race = nbopt.compare(
        lambda x: x * x,
        {"x": space.Float(-1, 1)},
        methods=["random"],
        n_trials=5,
        seeds=2,
        block=True,
    )
    assert _state(export.save(race, tmp_path / "c.html").read_text("utf-8"))["view"] == "compare"
    # drawing info holds one moment of a view, not a widget to run
    from nbopt.drawing import search_info

    with pytest.raises(TypeError, match="html export: expected a widget"):
        export.save(search_info(res), tmp_path / "x.html")
