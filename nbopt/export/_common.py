"""What every matplotlib export shares: one neutral style, and text shown literally."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

__all__ = ["RC", "literal", "style"]

#: Style applied while drawing and saving (restored afterwards): text stays text in SVG,
#: never LaTeX, and a neutral look independent of the user's matplotlib style.
RC = {
    "svg.fonttype": "none",
    "text.usetex": False,
    "font.size": 9.0,
    "axes.titlesize": 10.0,
    "axes.labelsize": 9.0,
    "legend.fontsize": 8.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "savefig.facecolor": "white",
    "figure.facecolor": "white",
}


@contextmanager
def style() -> Iterator[None]:
    """Draw and save under :data:`RC` (matplotlib is imported here, on first use)."""
    import matplotlib

    with matplotlib.rc_context(cast(Any, RC)):
        yield


def literal(artist: Any) -> Any:
    """Show names and labels literally: never parse them as mathtext (``$...$``)."""
    artist.set_parse_math(False)
    return artist
