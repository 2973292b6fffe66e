"""nbopt.export: GIF and MP4 of races and searches, and the metadata every file carries."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import xml.etree.ElementTree as ET

import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image

import nbopt
from nbopt import optimizers, space
from nbopt.drawing import importance_info, search_info
from nbopt.export import file_metadata, mp4_metadata, save, search_frames
from nbopt.searchers import RandomSearch

DIMS = {
    "lr": space.Float(1e-4, 1e-1, log=True),
    "layers": space.Int(1, 4),
    "act": space.Choice(["relu", "tanh"]),
}


def _objective(lr, layers, act):
    return math.log10(lr / 3e-3) ** 2 + 0.1 * layers + (act == "tanh")


@pytest.fixture(scope="module")
def race():
    r = optimizers.Race(
        "linear_regression",
        {"SGD": optimizers.SGD(lr=0.05, momentum=0.9), "Adam": optimizers.Adam(lr=0.1)},
        steps=30,
        batch_size=8,
        seed=3,
    )
    r.run_to_end()
    return r


@pytest.fixture(scope="module")
def result():
    return nbopt.search(_objective, DIMS, method="random", n_trials=24, seed=2, progress=False)


def _mp4_frames(path) -> tuple[tuple[int, int], list[np.ndarray]]:
    """Decode every frame (a real decode, not the header's count)."""
    reader = imageio_ffmpeg.read_frames(str(path))
    meta = next(reader)
    w, h = meta["size"]
    frames = [np.frombuffer(f, np.uint8).reshape(h, w, 3) for f in reader]
    return (w, h), frames


def _ffmetadata(path) -> dict[str, str]:
    """The MP4's global tags, read by the ffmpeg binary itself (no ffprobe is shipped)."""
    out = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "ffmetadata", "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    tags = {}
    for line in out.splitlines()[1:]:  # after the ";FFMETADATA1" header
        if line.startswith("["):
            break  # stream sections follow the global tags
        key, _, value = line.partition("=")
        # ffmetadata escapes '=', ';', '#' and '\' with a backslash
        chars, escaped = [], False
        for c in value:
            if c == "\\" and not escaped:
                escaped = True
                continue
            chars.append(c)
            escaped = False
        tags[key] = "".join(chars)
    return tags


# ---------------------------------------------------------------- GIF


def test_race_gif_has_the_frames_and_pixels_asked_for(tmp_path, race):
    gif = save(race, tmp_path / "race.gif", frames=5, fps=5, dpi=20, hold=0)
    img = Image.open(gif)
    assert (img.n_frames, img.size) == (5, (220, 124))  # 11 x 6.2 inches (a data panel)
    assert img.info["duration"] == 200


def test_search_gif_replays_the_trials(tmp_path, result):
    gif = save(result, tmp_path / "search.gif", frames=4, fps=2, dpi=10)
    img = Image.open(gif)
    # 12 x 12.9 inches: the dashboard with its importance and coverage row
    assert (img.n_frames, img.size) == (4, (120, 129))
    first = np.asarray(img.convert("RGB"), dtype=float)
    img.seek(img.n_frames - 1)
    last = np.asarray(img.convert("RGB"), dtype=float)
    assert np.abs(first - last).mean() > 0.5  # the views filled up


def test_search_frames_are_the_search_after_its_first_k_trials(result):
    infos = search_frames(result, frames=4)
    trials = result.trials
    assert [f.header.n_done for f in infos] == [1, 9, 16, 24]
    for info in infos:
        k = info.header.n_done
        part = trials[:k]
        complete = [t for t in part if t.state == "complete"]
        best = min(complete, key=lambda t: t.value)
        assert info.header.best_number == best.number
        assert sorted(info.columns.number.tolist()) == [t.number for t in part]
        assert info.header.n_total == 24
        # the elapsed time is that of the moment the k-th trial finished
        span = (part[-1].datetime_complete - part[0].datetime_start).total_seconds()
        assert info.header.elapsed == pytest.approx(span, abs=1e-6)
        imp = importance_info(part, result.space)
        if imp is None:
            assert info.importance is None
        else:
            assert info.importance.names == imp.names
        # a random search's coverage is a function of the trials so far
        assert info.inside.kind == "coverage" and info.inside.n[-1] <= k
    assert [f.header.status for f in infos] == ["running"] * 3 + ["finished"]
    final = search_info(result)
    assert infos[-1].header.best_number == final.header.best_number
    assert infos[-1].pair == final.pair


def test_search_frames_leave_out_what_the_trials_cannot_rebuild():
    res = nbopt.search(
        lambda x, y: (x - 0.3) ** 2 + y,
        {"x": space.Float(0, 1), "y": space.Float(0, 1)},
        method="bayesian",
        n_trials=8,
        seed=0,
        progress=False,
    )
    assert search_info(res).inside is not None  # the model of the search as it ended
    assert all(f.inside is None for f in search_frames(res, frames=3))


def test_a_searcher_and_a_dashboard_animate_too(tmp_path, result):
    s = RandomSearch({"x": space.Float(-1, 1), "y": space.Float(0, 1)}, seed=1)
    for _ in range(6):
        t = s.ask()
        s.tell(t, t.params["x"] ** 2 + t.params["y"])
    s.ask()  # a running trial is not a finished one
    assert [f.header.n_done for f in search_frames(s, frames=3)] == [1, 4, 6]
    dashboard = nbopt.SearchDashboard(result)
    try:
        gif = save(dashboard, tmp_path / "dash.gif", frames=2, dpi=10)
        assert Image.open(gif).n_frames == 2
    finally:
        dashboard.close()


# ---------------------------------------------------------------- MP4


def test_race_mp4_decodes_to_the_frames_asked_for(tmp_path, race):
    mp4 = save(race, tmp_path / "race.mp4", frames=4, fps=5, dpi=20, hold=0)
    size, frames = _mp4_frames(mp4)
    assert (size, len(frames)) == ((220, 124), 4)
    n, secs = imageio_ffmpeg.count_frames_and_secs(str(mp4))
    assert n == 4 and secs == pytest.approx(0.8, abs=0.05)
    # held: the last frame is repeated for hold seconds
    held = save(race, tmp_path / "held.mp4", frames=4, fps=5, dpi=20, hold=1.0)
    _, frames = _mp4_frames(held)
    assert len(frames) == 4 + 4
    assert np.abs(frames[-1].astype(float) - frames[3]).mean() < 1.0


def test_search_mp4_pads_odd_sizes_to_even(tmp_path, result):
    # 12.1 x 12.9 inches at 10 dpi: 121 x 129 pixels, odd both ways (yuv420p needs even)
    mp4 = save(result, tmp_path / "search.mp4", frames=3, fps=2, dpi=10, figsize=(12.1, 12.9))
    size, frames = _mp4_frames(mp4)
    assert (size, len(frames)) == ((122, 130), 3 + 5)  # hold=3 s at 2 fps: 5 more
    assert frames[0][:, -1].mean() > 240  # the padding is white


def test_without_ffmpeg_mp4_says_what_to_install(tmp_path, race, monkeypatch):
    def missing():
        raise RuntimeError("No ffmpeg exe could be found.")

    monkeypatch.setattr(imageio_ffmpeg, "get_ffmpeg_exe", missing)
    with pytest.raises(RuntimeError, match="imageio-ffmpeg"):
        save(race, tmp_path / "race.mp4", frames=2)
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)
    with pytest.raises(ImportError, match=r"pip install imageio-ffmpeg"):
        save(race, tmp_path / "race.mp4", frames=2)
    assert not (tmp_path / "race.mp4").exists()
    # the other formats need no ffmpeg
    assert Image.open(save(race, tmp_path / "race.gif", frames=2, dpi=10)).n_frames == 2


# ---------------------------------------------------------------- metadata


def _config(text: str | bytes) -> dict:
    return json.loads(text)


def test_every_format_carries_the_same_race_metadata(tmp_path, race):
    meta = file_metadata(race)
    config = _config(meta["Description"])
    assert config["nbopt"] == nbopt.__version__ and meta["Software"] == f"nbopt {nbopt.__version__}"
    assert config["seed"] == 3 and config["batch_size"] == 8 and config["steps"] == 30
    assert config["problem"] == "linear_regression"
    assert config["hyperparameters"]["SGD"]["momentum"] == 0.9
    assert config["hyperparameters"]["Adam"]["betas"] == [0.9, 0.999]
    assert config["optimizers"]["Adam"].startswith("Adam(lr=0.1,")

    png = Image.open(save(race, tmp_path / "race.png", dpi=10))
    assert png.text["Description"] == meta["Description"]
    assert meta["Title"] == "nbopt optimizer race on linear_regression: SGD, Adam"
    assert png.text["Title"] == meta["Title"]
    assert png.text["Software"] == meta["Software"]

    svg = save(race, tmp_path / "race.svg").read_text()
    assert f"nbopt {nbopt.__version__}" in svg and '"seed": 3' in svg
    dc = "{http://purl.org/dc/elements/1.1/}"
    root = ET.fromstring(svg)
    assert _config(next(root.iter(f"{dc}description")).text) == config
    assert next(root.iter(f"{dc}title")).text == meta["Title"]

    gif = Image.open(save(race, tmp_path / "race.gif", frames=2, dpi=10))
    assert _config(gif.info["comment"]) == config

    mp4 = save(race, tmp_path / "race.mp4", frames=2, dpi=10)
    tags = _ffmetadata(mp4)
    assert _config(tags["comment"]) == config and tags["title"] == meta["Title"]
    assert mp4_metadata(mp4)["comment"] == meta["Description"]


def test_every_format_carries_the_same_search_metadata(tmp_path, result):
    meta = file_metadata(result)
    config = _config(meta["Description"])
    assert config["nbopt"] == nbopt.__version__
    assert (config["method"], config["n_trials"], config["direction"], config["seed"]) == (
        "RandomSearch",
        24,
        "minimize",
        2,
    )
    assert config["space"] == {
        "lr": "Float(0.0001, 0.1, log=True)",
        "layers": "Int(1, 4)",
        "act": "Choice(['relu', 'tanh'])",
    }
    png = Image.open(save(result, tmp_path / "s.png", dpi=10))
    assert png.text["Description"] == meta["Description"]
    svg = save(result, tmp_path / "s.svg").read_text()
    assert '"n_trials": 24' in svg and "Float(0.0001, 0.1, log=True)" in svg
    gif = Image.open(save(result, tmp_path / "s.gif", frames=2, dpi=10))
    assert gif.info["comment"].decode() == meta["Description"]
    mp4 = save(result, tmp_path / "s.mp4", frames=2, dpi=10, hold=0)
    assert _config(_ffmetadata(mp4)["comment"]) == config
    # the drawing info alone knows less, but the same keys
    info_config = _config(file_metadata(search_info(result))["Description"])
    assert {k: info_config[k] for k in ("method", "n_trials", "direction", "space")} == {
        k: config[k] for k in ("method", "n_trials", "direction", "space")
    }


# ---------------------------------------------------------------- errors


def test_unknown_suffixes_and_bad_options_fail_clearly(tmp_path, race, result):
    for source in (race, result):
        with pytest.raises(ValueError, match=r"\.png, \.svg, \.gif, \.mp4"):
            save(source, tmp_path / "x.webm")
        with pytest.raises(ValueError, match=r"\.png, \.svg, \.gif, \.mp4"):
            save(source, tmp_path / "no_suffix")
        for frames in (1, 2.5, True, "10"):
            with pytest.raises(ValueError, match="frames must be an integer >= 2"):
                save(source, tmp_path / "x.gif", frames=frames)
        for fps in (0, -1, math.nan, "10", 60):
            with pytest.raises(ValueError, match=r"fps must be a number in \(0, 50\] for \.gif"):
                save(source, tmp_path / "x.gif", fps=fps)
        with pytest.raises(ValueError, match=r"fps must be a number in \(0, 120\] for \.mp4"):
            save(source, tmp_path / "x.mp4", fps=500)
        with pytest.raises(ValueError, match="hold must be"):
            save(source, tmp_path / "x.mp4", hold=-1)
    assert not list(tmp_path.iterdir())
    with pytest.raises(TypeError, match="replays the trials"):
        save(search_info(result), tmp_path / "x.gif")
    with pytest.raises(TypeError, match="unexpected keyword"):
        save(result, tmp_path / "x.gif", colour="red")
