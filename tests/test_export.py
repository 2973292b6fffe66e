"""nbopt.export: the race drawn by matplotlib as PNG, SVG and GIF, from the drawing info."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from nbopt import optimizers
from nbopt.drawing import race_info
from nbopt.export import race_figure, race_frames, race_gif, race_png, race_svg, save, status_text

SVG_NS = "{http://www.w3.org/2000/svg}"


def _race(problem="rosenbrock", steps=60, **kwargs):
    opts = kwargs.pop(
        "optimizers",
        {
            "SGD": optimizers.SGD(lr=1e-3, momentum=0.9),
            "Adam": optimizers.Adam(lr=0.05),
            "GD too fast": optimizers.GradientDescent(lr=0.01),
        },
    )
    start = kwargs.pop("start", (-1.5, 2.0) if problem == "rosenbrock" else None)
    race = optimizers.Race(problem, opts, start=start, steps=steps, **kwargs)
    race.run_to_end()
    return race


@pytest.fixture(scope="module")
def rosenbrock_race():
    return _race()


@pytest.fixture(scope="module")
def rosenbrock_info(rosenbrock_race):
    return race_info(rosenbrock_race, state="finished")


def _svg_texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return ["".join(el.itertext()) for el in root.iter(f"{SVG_NS}text")]


def _image(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png))


# ---------------------------------------------------------------- PNG


def test_png_decodes_to_a_non_blank_image_of_the_requested_size(rosenbrock_info):
    png = race_png(rosenbrock_info, dpi=60)
    img = _image(png)
    assert img.format == "PNG"
    assert img.size == (660, 300)  # 11 x 5 inches at 60 dpi
    pixels = np.asarray(img.convert("RGB"), dtype=float)
    assert pixels.std() > 20  # a heatmap, lines and text, not an empty canvas
    # the trajectory colours of the info are actually painted
    colours = {
        tuple(int(t.colour[i : i + 2], 16) for i in (1, 3, 5)) for t in rosenbrock_info.traces
    }
    flat = pixels.reshape(-1, 3)
    for rgb in colours:
        close = np.abs(flat - np.array(rgb)).max(axis=1) < 12
        assert close.sum() > 30, f"colour {rgb} is missing from the image"


def test_png_accepts_a_race_and_a_widget_like_source_and_checks_dpi(rosenbrock_race):
    assert _image(race_png(rosenbrock_race, dpi=30)).size == (330, 150)
    with pytest.raises(ValueError, match="dpi"):
        race_png(rosenbrock_race, dpi=0)
    with pytest.raises(TypeError, match="RaceInfo"):
        race_png({"not": "a race"})


# ---------------------------------------------------------------- SVG


def test_svg_parses_and_holds_names_statuses_and_axis_labels_as_text(rosenbrock_info):
    svg = race_svg(rosenbrock_info)
    texts = _svg_texts(svg)
    joined = "\n".join(texts)
    for trace in rosenbrock_info.traces:
        assert f"{trace.name}: {status_text(trace, rosenbrock_info.total_steps)}" in texts
    assert "rosenbrock: step 60 of 60" in texts
    assert "loss per step" in texts and "start" in texts
    assert "x" in texts and "y" in texts
    diverged = [t for t in rosenbrock_info.traces if t.status == "diverged"]
    assert diverged, "GD with lr=0.01 is expected to diverge on Rosenbrock from (-1.5, 2)"
    assert f"diverged at step {diverged[0].diverged_at}" in joined


def test_svg_keeps_markup_and_dollars_in_names_as_literal_escaped_text():
    race = _race(
        "booth",
        steps=20,
        optimizers={
            "<b>bold</b> & <script>x</script>": optimizers.GradientDescent(lr=0.05),
            "price $x$": optimizers.Adam(lr=0.1),
        },
    )
    svg = race_svg(race)
    assert "<b>" not in svg and "<script>" not in svg
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;" in svg
    texts = _svg_texts(svg)
    assert any(t.startswith("<b>bold</b> & <script>x</script>: ") for t in texts)
    # not rendered as mathtext: the dollars stay
    assert any(t.startswith("price $x$: ") for t in texts)


# ---------------------------------------------------------------- figure content


def test_figure_draws_exactly_the_info_paths_losses_and_markers(rosenbrock_info):
    fig = race_figure(rosenbrock_info)
    by_label = {ax.get_label(): ax for ax in fig.axes}
    plane, loss = by_label["landscape"], by_label["loss"]
    assert plane.get_xlim() == pytest.approx(rosenbrock_info.view[0])
    assert plane.get_ylim() == pytest.approx(rosenbrock_info.view[1])
    assert loss.get_yscale() == "log"
    plane_lines = [ln for ln in plane.get_lines() if len(ln.get_xdata()) > 1]
    for trace in rosenbrock_info.traces:
        matching = [
            ln
            for ln in plane_lines
            if ln.get_color() == trace.colour
            and np.allclose(np.c_[ln.get_xdata(), ln.get_ydata()], trace.path)
        ]
        assert len(matching) == 1, trace.name
    # minima stars and the start point
    stars = [ln for ln in plane.get_lines() if ln.get_marker() == "*"]
    assert np.allclose(np.c_[stars[0].get_xdata(), stars[0].get_ydata()], rosenbrock_info.minima)
    # a colorbar for the log-scale landscape
    assert "<colorbar>" in by_label
    # loss curves: the finite part of each trace's losses
    for trace in rosenbrock_info.traces:
        y = trace.losses - rosenbrock_info.loss_offset
        ok = np.isfinite(y) & (y > 0)
        drawn = [
            ln
            for ln in loss.get_lines()
            if ln.get_color() == trace.colour and ln.get_linestyle() == "-"
        ]
        assert any(np.allclose(ln.get_ydata(), y[ok]) for ln in drawn if len(ln.get_ydata()))


def test_diverged_run_does_not_squash_the_loss_axis(rosenbrock_info):
    fig = race_figure(rosenbrock_info)
    loss = next(ax for ax in fig.axes if ax.get_label() == "loss")
    top = loss.get_ylim()[1]
    starts = [t.losses[0] for t in rosenbrock_info.traces]
    assert top <= max(starts) * 1e3 * 1.5
    diverged = next(t for t in rosenbrock_info.traces if t.status == "diverged")
    assert np.nanmax(np.abs(diverged.losses[np.isfinite(diverged.losses)])) > top


def test_model_problem_shows_validation_losses_and_data_with_fitted_lines():
    race = _race(
        "linear_regression",
        steps=40,
        optimizers={"SGD": optimizers.SGD(lr=0.05), "Adam": optimizers.Adam(lr=0.1)},
        batch_size=8,
        seed=0,
    )
    info = race_info(race)
    assert info.data is not None and info.has_validation
    fig = race_figure(info)
    by_label = {ax.get_label(): ax for ax in fig.axes}
    data_ax = by_label["data"]
    for trace in info.traces:
        fitted = [ln for ln in data_ax.get_lines() if ln.get_color() == trace.colour]
        assert len(fitted) == 1
        assert np.allclose(fitted[0].get_ydata(), trace.line_y)
        dashed = [
            ln
            for ln in by_label["loss"].get_lines()
            if ln.get_color() == trace.colour and ln.get_linestyle() == "--"
        ]
        assert len(dashed) == 1 and len(dashed[0].get_xdata()) > 1
    texts = _svg_texts(race_svg(info))
    assert {"validation loss", "training loss", "training data", "data and fitted model"} <= set(
        texts
    )


def test_problem_with_many_parameters_is_drawn_in_its_labelled_pca_plane():
    race = _race(
        "mlp",
        steps=15,
        optimizers={"Adam": optimizers.Adam(lr=0.01), "SGD": optimizers.SGD(lr=0.5)},
        seed=0,
    )
    info = race_info(race)
    assert info.projection is not None and info.landscape is None
    texts = _svg_texts(race_svg(info))
    assert info.axis_labels[0] in texts and info.axis_labels[0].startswith("PC1")
    assert f"trajectories in their 2 main directions (PCA of {info.dim}-D)" in texts


def test_race_figure_rejects_anything_but_race_info():
    with pytest.raises(TypeError, match="RaceInfo"):
        race_figure("rosenbrock")


# ---------------------------------------------------------------- GIF


def test_frames_replay_the_recorded_trajectories(rosenbrock_race):
    frames = race_frames(rosenbrock_race, frames=4)
    assert [f.step for f in frames] == [0, 20, 40, 60]
    final = race_info(rosenbrock_race)
    for k, frame in zip([0, 20, 40, 60], frames):
        for t, f in zip(frame.traces, final.traces):
            assert t.step == min(k, f.step)
            if k < f.step:
                assert t.status == "running"
    # the last frame is the race as it is now
    for t, f in zip(frames[-1].traces, final.traces):
        assert t.status == f.status and np.allclose(t.path, f.path)
    with pytest.raises(ValueError, match="frames"):
        race_frames(rosenbrock_race, frames=1)


def test_pca_frames_share_the_final_plane():
    race = _race("mlp", steps=12, optimizers={"Adam": optimizers.Adam(lr=0.01)}, seed=1)
    frames = race_frames(race, frames=3)
    assert all(f.view == frames[-1].view for f in frames)
    assert all(
        np.allclose(f.projection.components, frames[-1].projection.components) for f in frames
    )
    assert len(frames[0].traces[0].path) < len(frames[-1].traces[0].path)


def test_gif_has_several_distinct_frames(tmp_path, rosenbrock_race):
    out = race_gif(rosenbrock_race, tmp_path / "race.gif", frames=5, dpi=30, hold=0.5)
    img = Image.open(out)
    assert img.format == "GIF"
    assert img.n_frames >= 5
    firsts = []
    for i in (0, img.n_frames - 1):
        img.seek(i)
        firsts.append(np.asarray(img.convert("RGB"), dtype=float))
    assert np.abs(firsts[0] - firsts[1]).mean() > 0.5  # the paths grew


def test_gif_needs_the_race_not_just_its_info(tmp_path, rosenbrock_info):
    with pytest.raises(TypeError, match="full history"):
        race_gif(rosenbrock_info, tmp_path / "x.gif")


# ---------------------------------------------------------------- save


def test_save_picks_the_format_from_the_extension(tmp_path, rosenbrock_race):
    png = save(rosenbrock_race, tmp_path / "race.PNG", dpi=20)
    assert _image(png.read_bytes()).size == (220, 100)
    svg = save(rosenbrock_race, tmp_path / "race.svg")
    assert ET.fromstring(svg.read_text()).tag == f"{SVG_NS}svg"
    gif = save(rosenbrock_race, tmp_path / "race.gif", dpi=20, frames=3, hold=0)
    assert Image.open(gif).n_frames >= 3
    with pytest.raises(ValueError, match=r"\.png, \.svg, \.gif, \.mp4"):
        save(rosenbrock_race, tmp_path / "race.jpg")
    with pytest.raises(ValueError, match="dpi"):
        save(rosenbrock_race, tmp_path / "race.svg", dpi=50)


def test_a_widget_exports_with_its_own_colours(tmp_path):
    from nbopt.widgets import OptimizerRace

    race = optimizers.Race(
        "booth",
        {"GD": optimizers.GradientDescent(lr=0.05), "Adam": optimizers.Adam(lr=0.3)},
        steps=25,
    )
    widget = OptimizerRace(race, colours=["#112233", "#aa5500"], steps_per_second=None)
    try:
        assert widget.run() == "finished"
        frames = race_frames(widget, frames=3)
        assert [t.colour for t in frames[-1].traces] == ["#112233", "#aa5500"]
        assert [t.colour for t in widget.info().traces] == ["#112233", "#aa5500"]
        svg = save(widget, tmp_path / "w.svg").read_text()
        assert "#112233" in svg and "GD: " in svg
        assert Image.open(save(widget, tmp_path / "w.gif", frames=3, dpi=20)).n_frames >= 3
    finally:
        widget.close()


def test_an_error_that_stopped_the_run_is_shown_with_the_title(rosenbrock_info):
    import dataclasses

    info = dataclasses.replace(rosenbrock_info, state="error", error="ValueError: <bad> & worse")
    texts = _svg_texts(race_svg(info))
    # a two-line title: one text element per line
    assert "rosenbrock: step 60 of 60 (error)" in texts
    assert "error: ValueError: <bad> & worse" in texts


def test_widget_mime_bundle_carries_the_png_fallback():
    from nbopt.widgets import optimize

    widget = optimize("booth", {"GD": optimizers.GradientDescent(lr=0.05)}, steps=20, block=True)
    try:
        bundle = widget._repr_mimebundle_()
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        assert "application/vnd.jupyter.widget-view+json" in data
        img = _image(data["image/png"])
        assert img.size == (1100, 500)
        assert np.asarray(img.convert("L"), dtype=float).std() > 10
        # the fallback is kept small in saved notebooks: a palette PNG of the full drawing
        assert img.mode == "P"
        full = _image(widget.static_png()).convert("RGB")
        assert len(data["image/png"]) < len(widget.static_png()) / 2
        diff = np.abs(np.asarray(full, dtype=float) - np.asarray(img.convert("RGB"), dtype=float))
        assert diff.mean() < 2.0
    finally:
        widget.close()
