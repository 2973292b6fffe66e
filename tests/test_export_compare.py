"""nbopt.export: the race of searchers drawn by matplotlib as PNG and SVG, from CompareInfo."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

import nbopt
from nbopt import space
from nbopt.drawing import PALETTE, compare_info
from nbopt.export import compare_png, compare_svg, save
from nbopt.export._compare import TABLE_COLUMNS, compare_figure, compare_table_rows
from nbopt.live import Session
from nbopt.searchers._compare import Comparison

SVG_NS = "{http://www.w3.org/2000/svg}"
DIMS = {"x": space.Float(-5, 5), "y": space.Float(-5, 5)}


def fragile(x, y):
    if x < -4:
        raise ValueError("x below -4")
    return (x - 1) ** 2 + (y + 2) ** 2 + 0.01


@pytest.fixture(scope="module")
def comparison():
    c = Comparison(
        fragile,
        DIMS,
        methods=["random", "genetic", "evolutionary"],
        n_trials=20,
        seeds=4,
        target=0.5,
    )
    assert Session(c).run() == "finished"
    return c


def _pixels(png: bytes) -> np.ndarray:
    img = Image.open(io.BytesIO(png))
    assert img.format == "PNG"
    return np.asarray(img.convert("RGB"), dtype=float)


def _painted(pixels: np.ndarray, hex_colour: str, tol: float = 30) -> int:
    rgb = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(pixels.reshape(-1, 3) - rgb).max(axis=1) < tol).sum())


def test_png_is_a_non_blank_image_of_the_requested_size_with_every_methods_colour(comparison):
    pixels = _pixels(compare_png(comparison, dpi=40))
    assert pixels.shape[:2] == (320, 480)  # 12 x 8 inches at 40 dpi
    assert pixels.std() > 20
    for colour in PALETTE[:3]:
        assert _painted(pixels, colour) > 30, colour


def test_the_figure_draws_the_infos_numbers(comparison):
    info = compare_info(comparison)
    fig = compare_figure(info)
    axes = {ax.get_label(): ax for ax in fig.axes}
    assert set(axes) == {"header", "bands", "times", "table"}
    bands = axes["bands"]
    medians = [line for line in bands.get_lines() if line.get_label().endswith("(median)")]
    assert [line.get_label() for line in medians] == [
        "random (median)",
        "genetic (median)",
        "evolutionary (median)",
    ]
    for line, m in zip(medians, info.methods):
        np.testing.assert_array_equal(line.get_xdata(), m.band.trial)
        np.testing.assert_array_equal(line.get_ydata(), m.band.median)
    # one band (filled polygon) per method, spanning its quartiles
    polys = bands.collections
    assert len(polys) == 3
    for poly, m in zip(polys, info.methods):
        ys = np.concatenate([p.vertices[:, 1] for p in poly.get_paths()])
        assert ys.min() == pytest.approx(np.nanmin(m.band.q25))
        assert ys.max() == pytest.approx(np.nanmax(m.band.q75))
    (target,) = [line for line in bands.get_lines() if line.get_label().startswith("target")]
    assert target.get_ydata()[0] == 0.5
    assert bands.get_yscale() == ("log" if info.value_log else "linear")
    # the time bars: the searcher's part, then the objective's stacked after it
    bars = axes["times"].patches
    asks = [m.summary.ask_seconds_median for m in info.methods]
    objs = [m.summary.objective_seconds_median for m in info.methods]
    assert [b.get_width() for b in bars[:3]] == pytest.approx(asks)
    assert [b.get_width() for b in bars[3:6]] == pytest.approx(objs)
    assert [b.get_x() for b in bars[3:6]] == pytest.approx(asks)
    # the table's text is the info's
    (table,) = axes["table"].tables
    cells = table.get_celld()
    assert [cells[0, j].get_text().get_text() for j in range(len(TABLE_COLUMNS))] == list(
        TABLE_COLUMNS
    )
    rows = compare_table_rows(info)
    for i, row in enumerate(rows, start=1):
        assert [cells[i, j].get_text().get_text() for j in range(len(row))] == row


def test_table_rows_say_what_each_method_reached(comparison):
    info = compare_info(comparison)
    for row, m in zip(compare_table_rows(info), info.methods):
        s = m.summary
        assert row[0] == m.name
        assert row[1] == f"{s.best_median:.4g}"
        assert row[2] == f"{s.best_q25:.4g} – {s.best_q75:.4g}"
        assert row[3].endswith(f"({s.target_reached}/4)")
        assert row[6] == "4/4" and row[7] == str(s.n_failed)


def test_svg_keeps_names_and_labels_as_text(comparison):
    svg = compare_svg(comparison)
    root = ET.fromstring(svg)
    texts = ["".join(el.itertext()) for el in root.iter(f"{SVG_NS}text")]
    joined = "\n".join(texts)
    for word in ("random (median)", "genetic", "evolutionary", "target 0.5", "trials to target"):
        assert word in joined, word
    assert "trial" in texts


def test_save_dispatches_a_race_of_searchers_by_extension(comparison, tmp_path):
    race = nbopt.compare(fragile, DIMS, methods=["random"], n_trials=5, seeds=2, block=True)
    png = save(race, tmp_path / "race.png", dpi=30)
    assert Image.open(png).size == (360, 240)
    svg = save(comparison, tmp_path / "race.svg")
    assert svg.read_text().lstrip().startswith("<?xml")
    info_png = save(compare_info(comparison), tmp_path / "info.png", dpi=20)
    assert Image.open(info_png).size == (240, 160)
    with pytest.raises(ValueError, match=r"exports as \.png or \.svg"):
        save(race, tmp_path / "race.gif")
    with pytest.raises(ValueError, match=r"dpi applies to \.png"):
        save(race, tmp_path / "race.svg", dpi=10)


def test_compare_figure_wants_drawing_info(comparison):
    with pytest.raises(TypeError, match="CompareInfo"):
        compare_figure(comparison)


def test_a_race_before_any_trial_draws_an_empty_chart():
    c = Comparison(fragile, DIMS, methods=["random", "bayesian"], n_trials=5, seeds=2)
    pixels = _pixels(compare_png(c, dpi=30))
    assert pixels.shape[:2] == (240, 360)
    svg = compare_svg(c)
    assert "no complete trial yet" in svg and "idle" in svg
