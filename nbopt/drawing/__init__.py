"""Drawing-info objects: what each view looks like, computed from engine state as numpy arrays.

The widgets (``nbopt.widgets``), the matplotlib export (``nbopt.export``) and the tests all
consume the same info objects; nothing here imports Jupyter or matplotlib.
"""

from nbopt.drawing._common import PALETTE, decimate_indices, lttb_indices, pick_colours
from nbopt.drawing._race import (
    DEFAULT_MAX_POINTS,
    LANDSCAPE_COLORMAP,
    MAX_POINTS_PER_UPDATE,
    PROJECTION_INTERVAL,
    DataPanel,
    Landscape,
    Projection,
    RaceFeed,
    RaceInfo,
    RaceUpdate,
    Trace,
    TraceUpdate,
    display_status,
    exit_point,
    landscape_info,
    loss_axis,
    pca_projection,
    race_info,
    trace_exit,
)

__all__ = [
    "DEFAULT_MAX_POINTS",
    "LANDSCAPE_COLORMAP",
    "MAX_POINTS_PER_UPDATE",
    "PALETTE",
    "PROJECTION_INTERVAL",
    "DataPanel",
    "Landscape",
    "Projection",
    "RaceFeed",
    "RaceInfo",
    "RaceUpdate",
    "Trace",
    "TraceUpdate",
    "decimate_indices",
    "display_status",
    "exit_point",
    "landscape_info",
    "loss_axis",
    "lttb_indices",
    "pca_projection",
    "pick_colours",
    "race_info",
    "trace_exit",
]
