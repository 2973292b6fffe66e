"""What every matplotlib export shares: one neutral style, and text shown literally."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

__all__ = ["RC", "legend_above", "literal", "palette_png", "plain_log_ticks", "style"]

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


def legend_above(
    ax: Any,
    handles: list[Any],
    title: str | None,
    *,
    ncols: int | None = None,
    fontsize: float = 8.0,
    title_size: float | None = None,
) -> Any:
    """Title ``ax`` and put its legend between the title and the frame, clear of the data.

    ``loc="best"`` still covers marks when they reach every corner (an outlier, a trial on a
    bound); above the frame nothing else is drawn. The handles run in rows of ``ncols``
    (all in one row by default) and the title (if any) is lifted by the legend's height.
    Returns the legend.
    """
    ncols = max(1, ncols or len(handles))
    legend = ax.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(0.0, 1.0),
        ncols=ncols,
        fontsize=fontsize,
        frameon=False,
        borderaxespad=0.2,
        handlelength=1.6,
        columnspacing=1.2,
    )
    for text in legend.get_texts():
        literal(text)
    if title is None:
        return legend
    # the title's pad, in points: the legend's height (set by its fonts and markers, not by
    # the layout), the legend's own pad, and room for the title's descenders (its baseline
    # is what the pad places)
    pad = legend.get_window_extent().height * 72 / ax.get_figure(root=True).dpi + 6.0
    extra = {} if title_size is None else {"fontsize": title_size}
    literal(ax.set_title(title, pad=pad, **extra))
    return legend


def plain_log_ticks(axis: Any) -> None:
    """Label a log axis's ticks as plain numbers (``0.5``, ``2``, ``20``).

    Over about a decade matplotlib labels every minor tick as ``2x10^0 3x10^0 ...``: the
    labels run into each other, and each is mathtext. The ticks labelled stay the ones
    matplotlib would label.
    """
    from matplotlib.ticker import LogFormatter

    class _Plain(LogFormatter):
        def __call__(self, x: float, pos: int | None = None) -> str:
            return f"{x:g}" if super().__call__(x, pos) else ""

    axis.set_major_formatter(_Plain())
    axis.set_minor_formatter(_Plain(labelOnlyBase=False))


def palette_png(png: bytes, colors: int = 256) -> bytes:
    """Re-encode a PNG with a palette of at most ``colors`` colours (about 4x smaller).

    A chart has few colours, so a 256-colour palette (no dithering) keeps it as drawn.
    The widgets' saved PNG fallbacks use it: a notebook saved with a dozen dashboards
    stays a few megabytes. Metadata text chunks are kept.
    """
    from PIL import Image, PngImagePlugin

    with Image.open(io.BytesIO(png)) as im:
        text = dict(getattr(im, "text", {}) or {})
        rgb = im.convert("RGB")
    quantized = rgb.quantize(
        colors=colors, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
    )
    info = PngImagePlugin.PngInfo()
    for key, value in text.items():
        info.add_text(key, value)
    out = io.BytesIO()
    quantized.save(out, format="PNG", pnginfo=info)
    return out.getvalue()
