"""Views drawn by matplotlib for slides and static pages: PNG, SVG and animated GIF.

Races export as PNG, SVG and GIF; a hyperparameter search (its dashboard: header,
history, parallel coordinates, scatter) as PNG and SVG.

Each view is drawn from the same drawing-info object that its live widget draws (see
:mod:`nbopt.drawing`), so a saved image shows what the widget shows. matplotlib is
imported on first use.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nbopt.drawing import RaceInfo
from nbopt.export._compare import compare_png, compare_svg, is_compare_source, save_compare
from nbopt.export._race import (
    race_figure,
    race_frames,
    race_gif,
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
    search_png,
    search_svg,
)

__all__ = [
    "compare_png",
    "compare_svg",
    "header_lines",
    "race_figure",
    "race_frames",
    "race_gif",
    "race_png",
    "race_svg",
    "save",
    "save_compare",
    "save_search",
    "search_figure",
    "search_png",
    "search_svg",
    "status_text",
]


def save(source: Any, path: str | Path, *, dpi: float | None = None, **kwargs: Any) -> Path:
    """Save a view as an image file, the format chosen by the file extension.

    Parameters
    ----------
    source : OptimizerRace, Race, RaceInfo, SearchResult, Searcher or SearchInfo
        What to draw: a race (a widget, its engine, or drawing info) or a search (its
        result, its searcher, or drawing info).
    path : str or Path
        Target file: ``.png``, ``.svg`` or ``.gif`` (races only).
    dpi : float, optional
        Pixels per inch for PNG (100) and GIF (72).
    **kwargs
        Passed to the view's drawing (``figsize``; for a GIF ``frames``, ``fps``, ``hold``;
        for a search ``brush``, ``best_fraction``, ``pair``, ``value_log``).

    Raises
    ------
    TypeError
        ``source`` is neither a race nor a search.
    ValueError
        The extension is not one the view exports to.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from nbopt import optimizers
    >>> race = optimizers.Race("booth", {"GD": optimizers.GradientDescent(lr=0.05)}, steps=20)
    >>> race.run_to_end()
    >>> save(race, pathlib.Path(tempfile.mkdtemp()) / "race.svg").suffix
    '.svg'
    """
    if is_compare_source(source):
        return save_compare(source, path, dpi=dpi, **kwargs)
    if is_search_source(source):
        return save_search(source, path, dpi=dpi, **kwargs)
    if not _is_race_source(source):
        raise TypeError(
            "save: expected a race (OptimizerRace widget, nbopt.optimizers.Race or RaceInfo), "
            "a search (SearchResult, Searcher or nbopt.drawing.SearchInfo) or a race of "
            "searchers (nbopt.compare's widget, a Comparison or CompareInfo), got "
            f"{type(source).__name__}"
        )
    return save_race(source, path, dpi=dpi, **kwargs)


def _is_race_source(source: Any) -> bool:
    # the same duck types the race export accepts: drawing info, a widget, a Race
    return (
        isinstance(source, RaceInfo)
        or callable(getattr(source, "info", None))
        or (hasattr(source, "trajectories") and hasattr(source, "runs"))
    )
