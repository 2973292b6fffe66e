"""anywidget frontends of the engines: the live optimizer race and the search dashboard."""

from nbopt.widgets._compare import SearcherRace, compare
from nbopt.widgets._race import OptimizerRace, optimize
from nbopt.widgets._search import SearchDashboard
from nbopt.widgets._stream import StreamWidget

__all__ = [
    "OptimizerRace",
    "SearchDashboard",
    "SearcherRace",
    "StreamWidget",
    "compare",
    "optimize",
]
