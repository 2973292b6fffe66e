"""What the file exports share: the formats, the metadata every file carries, GIF and MP4.

One function, :func:`file_metadata`, describes a race or a search (the nbopt version, the
seed and the configuration) as a small dict; PNG text chunks, SVG metadata, the GIF
comment and the MP4 tags are all written from it. Animations are lists of RGB frames
(``(h, w, 3)`` uint8 arrays) written here: GIF with Pillow, MP4 with the ffmpeg binary
that the ``imageio-ffmpeg`` package ships (imported on first use).
"""

from __future__ import annotations

import json
import math
import numbers
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "SUFFIXES",
    "check_fps",
    "check_frames",
    "check_hold",
    "ffmpeg_exe",
    "file_metadata",
    "mp4_metadata",
    "unknown_suffix",
    "write_gif",
    "write_mp4",
]

#: The file types :func:`nbopt.export.save` writes for a race or a search.
SUFFIXES = (".png", ".svg", ".gif", ".mp4", ".html")
#: Most frames per second: GIF delays are counted in hundredths of a second and browsers
#: slow down any delay under 2 of them; an MP4 may go faster.
MAX_FPS = {".gif": 50.0, ".mp4": 120.0}


def unknown_suffix(path: Path, suffixes: Sequence[str] = SUFFIXES) -> ValueError:
    """Return the error for a file name whose extension is not one of ``suffixes``."""
    return ValueError(
        f"save: cannot tell the format from {path.name!r}; use one of "
        + ", ".join(suffixes)
        + " (the extension picks the format)"
    )


# ------------------------------------------------------------------ options


def check_frames(frames: Any) -> int:
    """Return ``frames`` if it is an integer >= 2, else raise ValueError."""
    if isinstance(frames, bool) or not isinstance(frames, numbers.Integral) or frames < 2:
        raise ValueError(f"frames must be an integer >= 2, got {frames!r}")
    return int(frames)


def check_fps(fps: Any, suffix: str = ".gif") -> float:
    """Return ``fps`` as a float if it is a number in (0, most for the format]."""
    top = MAX_FPS[suffix]
    ok = isinstance(fps, numbers.Real) and not isinstance(fps, bool)
    if not ok or not (math.isfinite(float(fps)) and 0 < float(fps) <= top):
        why = " (GIF delays under 20 ms are slowed down by browsers)" if suffix == ".gif" else ""
        raise ValueError(f"fps must be a number in (0, {top:g}] for {suffix}, got {fps!r}{why}")
    return float(fps)


def check_hold(hold: Any) -> float:
    """Return ``hold`` (seconds the last frame stays) if it is a number >= 0."""
    ok = isinstance(hold, numbers.Real) and not isinstance(hold, bool)
    if not ok or not (math.isfinite(float(hold)) and hold >= 0):
        raise ValueError(f"hold must be a number of seconds >= 0, got {hold!r}")
    return float(hold)


# ------------------------------------------------------------------ metadata


def _plain(value: Any) -> Any:
    """Return a JSON-ready copy of a configuration value (numbers, strings, lists, dicts)."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        v = float(value)
        return v if math.isfinite(v) else repr(v)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [_plain(v) for v in value]
    return repr(value)


def _dashboard_source(source: Any) -> Any:
    """Return the SearchResult or Searcher a search dashboard shows; None for anything else."""
    module = sys.modules.get("nbopt.widgets._search")
    if module is None or not isinstance(source, module.SearchDashboard):
        return None
    return source.result if source.result is not None else source._source


def _race_config(source: Any) -> dict[str, Any] | None:
    from nbopt.drawing import RaceInfo

    if isinstance(source, RaceInfo):
        return {
            "kind": "optimizer race",
            "problem": source.problem,
            "dim": source.dim,
            "start": _plain(source.start),
            "steps": source.total_steps,
            "steps_taken": source.step,
            "optimizers": {t.name: t.optimizer for t in source.traces},
        }
    race = getattr(source, "race", source)
    if not (hasattr(race, "runs") and hasattr(race, "trajectories")):
        return None
    runs = race.runs
    return {
        "kind": "optimizer race",
        "problem": race.problem.name,
        "dim": race.problem.dim,
        "start": _plain(race.start),
        "steps": race.total_steps,
        "steps_taken": race.step_count,
        "batch_size": race.batch_size,
        "seed": race.seed,
        "optimizers": {name: repr(run.optimizer) for name, run in runs.items()},
        "hyperparameters": {
            name: {"optimizer": type(run.optimizer).__name__, **_plain(run.optimizer.hyperparams)}
            for name, run in runs.items()
        },
        "tol": {name: _plain(run.tol) for name, run in runs.items()},
    }


def _search_config(source: Any) -> dict[str, Any] | None:
    from nbopt.drawing import SearchInfo
    from nbopt.searchers import Searcher, SearchResult

    shown = _dashboard_source(source)
    if shown is not None:
        source = shown
    if isinstance(source, SearchInfo):
        cols, head = source.columns, source.header
        return {
            "kind": "search",
            "method": head.method,
            "direction": head.direction,
            "n_trials": head.n_total,
            "space": {name: repr(dim) for name, dim in cols.space.items()},
            "trials_done": head.n_done,
        }
    if isinstance(source, SearchResult):
        searcher = source.searcher
        engine = getattr(source, "engine", None)
        pruner = getattr(engine, "pruner", None)
        config: dict[str, Any] = {
            "kind": "search",
            "method": source.method,
            "searcher": None if searcher is None else type(searcher).__name__,
            "direction": source.direction,
            "n_trials": source.n_trials,
        }
        # the seed where an object keeps one (a searcher made with an int seed)
        for holder in (source, searcher, engine):
            seed = getattr(holder, "seed", None)
            if seed is not None:
                config["seed"] = _plain(seed)
                break
        config["space"] = {name: repr(dim) for name, dim in source.space.items()}
        if pruner is not None:
            config["pruner"] = repr(pruner)
        config["trials_done"] = len(source.trials)
        return config
    if isinstance(source, Searcher):
        config = {
            "kind": "search",
            "method": type(source).__name__,
            "direction": source.direction,
        }
        seed = getattr(source, "seed", None)
        if seed is not None:
            config["seed"] = _plain(seed)
        config["space"] = {name: repr(dim) for name, dim in source.space.items()}
        config["trials_done"] = sum(t.state != "running" for t in source.trials)
        return config
    return None


def file_metadata(source: Any) -> dict[str, str]:
    """Describe a race or a search for the metadata of an exported file.

    Every format writes this one dict: PNG as text chunks (``Title``, ``Software``,
    ``Description``), SVG as its ``<metadata>`` (``Software`` as ``Creator``), a GIF as
    its comment and an MP4 as its ``title`` and ``comment`` tags (the comment holds the
    ``Description``).

    Parameters
    ----------
    source : race or search
        An OptimizerRace widget, a Race or a RaceInfo; a SearchResult, a Searcher, a
        SearchInfo or a search dashboard.

    Returns
    -------
    dict
        ``Title`` (one line), ``Software`` (``"nbopt <version>"``) and ``Description``:
        a JSON object with ``nbopt`` (the version), ``kind`` and the configuration. A
        race: problem, start, steps, batch size, seed and each optimizer with its
        hyperparameters; a search: method, direction, ``n_trials``, the space, the pruner
        and the seed where the object keeps one.

    Examples
    --------
    >>> import json
    >>> from nbopt import optimizers
    >>> race = optimizers.Race("booth", {"GD": optimizers.GradientDescent(lr=0.05)}, steps=20)
    >>> meta = file_metadata(race)
    >>> meta["Title"]
    'nbopt optimizer race on booth: GD'
    >>> config = json.loads(meta["Description"])
    >>> config["steps"], config["optimizers"]["GD"]
    (20, 'GradientDescent(lr=0.05)')
    """
    from nbopt import __version__

    config = _race_config(source)
    if config is not None:
        title = f"nbopt optimizer race on {config['problem']}: " + ", ".join(config["optimizers"])
    else:
        config = _search_config(source)
        if config is None:
            raise TypeError(
                "file_metadata: expected a race (OptimizerRace, Race or RaceInfo) or a search "
                "(SearchResult, Searcher, SearchInfo or its dashboard), got "
                f"{type(source).__name__}"
            )
        total = "" if config.get("n_trials") is None else f" of {config['n_trials']}"
        title = f"nbopt search ({config['method']}): {config['trials_done']}{total} trials"
    described = {"nbopt": __version__, **config}
    return {
        "Title": title,
        "Software": f"nbopt {__version__}",
        # ASCII only: every container takes it as it is (PNG tEXt, GIF comments, ffmpeg)
        "Description": json.dumps(described, ensure_ascii=True),
    }


def svg_metadata(meta: dict[str, str]) -> dict[str, str | None]:
    """SVG metadata for matplotlib's ``savefig(metadata=...)`` (Dublin Core keys only)."""
    return {
        "Title": meta["Title"],
        "Creator": meta["Software"],
        "Description": meta["Description"],
        "Date": None,
    }


# ------------------------------------------------------------------ writers


def _even(image: np.ndarray) -> np.ndarray:
    """Pad an RGB frame with white to even width and height (yuv420p halves both)."""
    h, w = image.shape[:2]
    if h % 2 == 0 and w % 2 == 0:
        return image
    return np.pad(image, ((0, h % 2), (0, w % 2), (0, 0)), constant_values=255)


def write_gif(
    images: Sequence[np.ndarray], path: Path, *, fps: float, hold: float, meta: dict[str, str]
) -> Path:
    """Write RGB frames as a looping GIF; the last frame stays ``hold`` seconds.

    The metadata's ``Description`` (JSON) goes in the GIF's comment extension.
    """
    from PIL import Image

    frames = [Image.fromarray(np.ascontiguousarray(im), "RGB") for im in images]
    # one palette for all frames, no dithering: what does not move keeps the same colour
    # indices in every frame, so each GIF frame stores only what changed
    palette = frames[-1].quantize(colors=255, method=Image.Quantize.MEDIANCUT)
    frames = [im.quantize(palette=palette, dither=Image.Dither.NONE) for im in frames]
    durations = [round(1000 / fps)] * len(frames)
    durations[-1] = max(durations[-1], round(1000 * hold))
    frames[0].save(
        path,
        format="GIF",
        save_all=True,
        append_images=frames[1:],
        duration=durations,
        loop=0,
        optimize=True,
        comment=meta["Description"].encode("ascii"),
    )
    return path


def ffmpeg_exe() -> str:
    """Return the path of the ffmpeg binary that ``imageio-ffmpeg`` ships.

    Raises
    ------
    ImportError
        ``imageio-ffmpeg`` is not installed.
    RuntimeError
        It is, but finds no ffmpeg binary.
    """
    try:
        import imageio_ffmpeg  # type: ignore[import-untyped]
    except ImportError as exc:
        raise ImportError(
            "writing .mp4 needs ffmpeg, which the imageio-ffmpeg package ships: "
            "pip install imageio-ffmpeg (or pip install 'nbopt[export]'); "
            ".gif, .png and .svg need nothing more"
        ) from exc
    try:
        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except Exception as exc:
        raise RuntimeError(
            f"writing .mp4 needs ffmpeg, and imageio-ffmpeg found none ({exc}); reinstall "
            "imageio-ffmpeg for a wheel with its binary (pip install --force-reinstall "
            "imageio-ffmpeg) or point IMAGEIO_FFMPEG_EXE at an ffmpeg"
        ) from exc


def write_mp4(
    images: Sequence[np.ndarray], path: Path, *, fps: float, hold: float, meta: dict[str, str]
) -> Path:
    """Write RGB frames as an H.264 MP4 (yuv420p, plays in browsers and slide software).

    Frames are padded with white to even sizes; the last frame is repeated to stay
    ``hold`` seconds (at least one frame time). The metadata goes in the ``title`` and
    ``comment`` tags.
    """
    ffmpeg_exe()  # a clear error before any work
    import imageio_ffmpeg  # type: ignore[import-untyped]

    frames = [_even(np.ascontiguousarray(im[..., :3], dtype=np.uint8)) for im in images]
    h, w = frames[0].shape[:2]
    extra = max(0, round(hold * fps) - 1)
    writer = imageio_ffmpeg.write_frames(
        str(path),
        (w, h),
        fps=fps,
        quality=7,
        macro_block_size=1,  # sizes are made even above; 16 would rescale the frames
        ffmpeg_log_level="error",
        output_params=[
            "-metadata",
            f"title={meta['Title']}",
            "-metadata",
            f"comment={meta['Description']}",
            "-movflags",
            "+faststart",
        ],
    )
    writer.send(None)
    try:
        for frame in frames:
            writer.send(frame)
        for _ in range(extra):
            writer.send(frames[-1])
    finally:
        writer.close()
    return path


def _entries(text: str) -> list[str]:
    """Split ffmetadata text at its unescaped newlines (an escaped one is part of a value)."""
    out, cur, i = [], [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            cur.append(text[i : i + 2])
            i += 2
            continue
        if text[i] == "\n":
            out.append("".join(cur))
            cur = []
        else:
            cur.append(text[i])
        i += 1
    out.append("".join(cur))
    return out


def _unescape(text: str) -> str:
    # ffmetadata escapes '=', ';', '#', '\' and newlines with a backslash
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            i += 1
        out.append(text[i])
        i += 1
    return "".join(out)


def mp4_metadata(path: str | Path) -> dict[str, str]:
    """Read the global tags of a video file (ffmpeg's ``-f ffmetadata`` output).

    Examples
    --------
    >>> import tempfile, pathlib, json
    >>> from nbopt import optimizers
    >>> from nbopt.export import save
    >>> race = optimizers.Race("booth", {"GD": optimizers.GradientDescent(lr=0.05)}, steps=4)
    >>> race.run_to_end()
    >>> out = save(race, pathlib.Path(tempfile.mkdtemp()) / "race.mp4", frames=2, dpi=20)
    >>> json.loads(mp4_metadata(out)["comment"])["problem"]
    'booth'
    """
    done = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "ffmetadata", "-"],
        capture_output=True,
        check=True,
        timeout=60,
    )
    tags: dict[str, str] = {}
    for entry in _entries(done.stdout.decode("utf-8", "replace")):
        if entry.startswith("["):
            break  # streams and chapters follow the global tags
        if entry.startswith(";") or not entry:
            continue  # the ";FFMETADATA1" header
        i = 0
        while i < len(entry) and entry[i] != "=":
            i += 2 if entry[i] == "\\" else 1
        if i < len(entry):
            tags[_unescape(entry[:i])] = _unescape(entry[i + 1 :])
    return tags
