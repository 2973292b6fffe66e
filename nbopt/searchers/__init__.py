"""Ask/tell hyperparameter searchers and the search loop."""

from typing import TYPE_CHECKING, Any

from nbopt.searchers._auto import AutoSearch
from nbopt.searchers._base import Searcher, Trial
from nbopt.searchers._cmaes import EvolutionarySearch
from nbopt.searchers._genetic import (
    BlendCrossover,
    Crossover,
    GaussianMutation,
    GeneticSearch,
    Mutation,
    SBXCrossover,
    UniformCrossover,
)
from nbopt.searchers._grid import GridSearch
from nbopt.searchers._random import RandomSearch
from nbopt.searchers._search import SearchResult, search

__all__: list[str] = [
    "AutoSearch",
    "BayesianSearch",
    "BlendCrossover",
    "Crossover",
    "EvolutionarySearch",
    "GaussianMutation",
    "GeneticSearch",
    "GridSearch",
    "Mutation",
    "RandomSearch",
    "SBXCrossover",
    "SearchResult",
    "Searcher",
    "SurrogateGrid",
    "Trial",
    "UniformCrossover",
    "search",
]

if TYPE_CHECKING:
    from nbopt.searchers._bayesian import BayesianSearch, SurrogateGrid

# BayesianSearch needs scipy.linalg and scipy.optimize, about half a second to import:
# they load on first use, not at `import nbopt`.
_LAZY = ("BayesianSearch", "SurrogateGrid")


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from nbopt.searchers import _bayesian

        return getattr(_bayesian, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
