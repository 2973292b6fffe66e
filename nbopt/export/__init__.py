"""Views drawn by matplotlib for slides and static pages: PNG, SVG and animated GIF.

Each view is drawn from the same drawing-info object that its live widget draws (see
:mod:`nbopt.drawing`), so a saved image shows what the widget shows. matplotlib is
imported on first use.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nbopt.export._race import (
    race_figure,
    race_frames,
    race_gif,
    race_png,
    race_svg,
    save_race,
    status_text,
)

__all__ = [
    "race_figure",
    "race_frames",
    "race_gif",
    "race_png",
    "race_svg",
    "save",
    "status_text",
]


def save(source: Any, path: str | Path, *, dpi: float | None = None, **kwargs: Any) -> Path:
    """Save a view as an image file, the format chosen by the file extension.

    Parameters
    ----------
    source : OptimizerRace, Race or RaceInfo
        What to draw: a widget, its engine, or drawing info.
    path : str or Path
        Target file: ``.png``, ``.svg`` or ``.gif`` (races).
    dpi : float, optional
        Pixels per inch for PNG (100) and GIF (72).
    **kwargs
        Passed to the view's drawing (``figsize``; for a GIF ``frames``, ``fps``, ``hold``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from nbopt import optimizers
    >>> race = optimizers.Race("booth", {"GD": optimizers.GradientDescent(lr=0.05)}, steps=20)
    >>> race.run_to_end()
    >>> save(race, pathlib.Path(tempfile.mkdtemp()) / "race.svg").suffix
    '.svg'
    """
    return save_race(source, path, dpi=dpi, **kwargs)
