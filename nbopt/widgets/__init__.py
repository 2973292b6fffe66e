"""anywidget frontends of the engines: the live optimizer race (imports anywidget)."""

from nbopt.widgets._race import OptimizerRace, optimize

__all__ = ["OptimizerRace", "optimize"]
