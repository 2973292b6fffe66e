"""Views drawn by matplotlib for slides and static pages: PNG, SVG, animated GIF and MP4.

Races (an optimizer race: its widget, its engine or its drawing info) and searches (the
dashboard: header, history, parallel coordinates, scatter; from the result, the
searcher, the dashboard widget or the drawing info) export as PNG and SVG, and as an
animation, GIF or MP4: a race's trajectories growing step by step, a search as it stood
after each stretch of trials. Sizes are ``figsize`` (inches) times ``dpi``.

Each view is drawn from the same drawing-info object that its live widget draws (see
:mod:`nbopt.drawing`), so a saved image shows what the widget shows. Every file carries
the nbopt version and the configuration in its metadata (:func:`file_metadata`).
matplotlib is imported on first use; MP4 needs ``imageio-ffmpeg``
(``pip install 'nbopt[export]'``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nbopt.drawing import RaceInfo
from nbopt.export._compare import compare_png, compare_svg, is_compare_source, save_compare
from nbopt.export._media import SUFFIXES, file_metadata, mp4_metadata, unknown_suffix
from nbopt.export._race import (
    race_figure,
    race_frames,
    race_gif,
    race_mp4,
    race_png,
    race_svg,
    save_race,
    status_text,
)
from nbopt.export._search import (
    header_lines,
    is_search_source,
    save_search,
    search_figure,
    search_frames,
    search_gif,
    search_mp4,
    search_png,
    search_svg,
)

__all__ = [
    "SUFFIXES",
    "compare_png",
    "compare_svg",
    "file_metadata",
    "header_lines",
    "mp4_metadata",
    "race_figure",
    "race_frames",
    "race_gif",
    "race_mp4",
    "race_png",
    "race_svg",
    "save",
    "save_compare",
    "save_search",
    "search_figure",
    "search_frames",
    "search_gif",
    "search_mp4",
    "search_png",
    "search_svg",
    "status_text",
]


def save(source: Any, path: str | Path, *, dpi: float | None = None, **kwargs: Any) -> Path:
    """Save a view as an image or video file, the format chosen by the file extension.

    Parameters
    ----------
    source : race, search or race of searchers
        A race: an OptimizerRace widget (``nbopt.optimize``), a Race, or a RaceInfo (PNG
        and SVG only). A search: a SearchResult, a Searcher, a SearchDashboard, or a
        SearchInfo (PNG and SVG only). A race of searchers (``nbopt.compare``): PNG, SVG.
    path : str or Path
        Target file: ``.png``, ``.svg``, ``.gif``, ``.mp4`` or ``.html`` (see
        :data:`SUFFIXES`). An ``.html`` file is the widget itself, bundle and data
        inlined, that draws and replays the run in any browser without Python (option
        ``theme``: ``"auto"``, ``"light"`` or ``"dark"``).
    dpi : float, optional
        Pixels per inch for PNG (100), GIF (72) and MP4 (100): an image is
        ``figsize * dpi`` pixels (an MP4 padded to even sizes).
    **kwargs
        ``figsize``: size in inches. For an animation: ``frames`` (distinct frames, at
        least 2; 40 for a race, 30 for a search), ``fps`` (frames per second; 10 for a
        race, 4 for a search), ``hold`` (seconds the last frame stays). For a search the
        view options ``brush``, ``best_fraction``, ``pair``, ``value_log``.

    Raises
    ------
    TypeError
        ``source`` is neither a race nor a search.
    ValueError
        The extension is not one the view exports to; ``frames``, ``fps``, ``hold`` or
        ``dpi`` is out of range.
    ImportError
        ``.mp4`` without the ``imageio-ffmpeg`` package.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from nbopt import optimizers
    >>> race = optimizers.Race("booth", {"GD": optimizers.GradientDescent(lr=0.05)}, steps=20)
    >>> race.run_to_end()
    >>> save(race, pathlib.Path(tempfile.mkdtemp()) / "race.svg").suffix
    '.svg'
    """
    if Path(path).suffix.lower() == ".html":
        return _save_html(source, path, **kwargs)
    if is_compare_source(source):
        return save_compare(source, path, dpi=dpi, **kwargs)
    if is_search_source(source):
        saver = save_search
    elif _is_race_source(source):
        saver = save_race
    else:
        raise TypeError(
            "save: expected a race (OptimizerRace widget, nbopt.optimizers.Race or RaceInfo), "
            "a search (SearchResult, Searcher, SearchDashboard or nbopt.drawing.SearchInfo) "
            "or a race of searchers (nbopt.compare's widget, a Comparison or CompareInfo), "
            f"got {type(source).__name__}"
        )
    if Path(path).suffix.lower() not in SUFFIXES:
        raise unknown_suffix(Path(path))
    return saver(source, path, dpi=dpi, **kwargs)


def _save_html(source: Any, path: str | Path, **kwargs: Any) -> Path:
    from nbopt.export._html import save_html

    try:
        meta = file_metadata(source)
    except TypeError:
        # a race of searchers: its configuration is its methods and seeds, in the page
        from nbopt import __version__

        meta = {"Title": "nbopt race of searchers", "Software": f"nbopt {__version__}"}
    kwargs.setdefault("title", meta["Title"])
    return save_html(source, path, metadata=meta, **kwargs)


def _is_race_source(source: Any) -> bool:
    # the same duck types the race export accepts: drawing info, a widget, a Race
    return (
        isinstance(source, RaceInfo)
        or callable(getattr(source, "info", None))
        or (hasattr(source, "trajectories") and hasattr(source, "runs"))
    )
