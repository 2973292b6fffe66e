"""nbopt: optimization made visible in Jupyter.

The engines (``space``, ``problems``, ``optimizers``, ``searchers``, ``live``) import
only numpy, scipy and the standard library. The widgets load ipywidgets/anywidget on
first use of :func:`optimize` or of a widget class.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nbopt import live, optimizers, problems, searchers, space
from nbopt.searchers import Pruned, search

__version__ = "0.1.0"

__all__ = [
    "Pruned",
    "SearchDashboard",
    "__version__",
    "compare",
    "drawing",
    "export",
    "live",
    "load_ipython_extension",
    "optimize",
    "optimizers",
    "problems",
    "search",
    "searchers",
    "sklearn",
    "space",
    "widgets",
]

if TYPE_CHECKING:
    from nbopt import drawing, export, sklearn, widgets
    from nbopt.widgets import OptimizerRace, SearchDashboard, SearcherRace


#: Subpackages that load heavier libraries (matplotlib, ipywidgets, scikit-learn): imported
#: on first use as ``nbopt.<name>``, not at ``import nbopt``.
_LAZY_MODULES = ("drawing", "export", "sklearn", "widgets")


def __getattr__(name: str) -> Any:
    # the widgets import anywidget and ipywidgets: loaded on first use, not at import nbopt
    if name == "SearchDashboard":
        from nbopt.widgets import SearchDashboard

        return SearchDashboard
    if name in _LAZY_MODULES:
        import importlib

        return importlib.import_module(f"nbopt.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def optimize(*args: Any, **kwargs: Any) -> OptimizerRace:
    """Race gradient optimizers on a problem in a live widget.

    See :func:`nbopt.widgets.optimize` for the arguments.
    """
    from nbopt.widgets import optimize as _optimize

    return _optimize(*args, **kwargs)


def compare(*args: Any, **kwargs: Any) -> SearcherRace:
    """Race hyperparameter searchers on one objective, every method with every seed, live.

    See :func:`nbopt.widgets.compare` for the arguments.
    """
    from nbopt.widgets import compare as _compare

    return _compare(*args, **kwargs)


def load_ipython_extension(ipython: Any) -> None:
    """Register the ``%nbopt`` magics (``%load_ext nbopt``)."""
    from nbopt.magics import load_ipython_extension as _load

    _load(ipython)
