"""Ask/tell hyperparameter searchers and the search loop."""

from typing import TYPE_CHECKING, Any

from nbopt.searchers._auto import AutoSearch
from nbopt.searchers._base import Searcher, Trial
from nbopt.searchers._cmaes import EvolutionarySearch, EvolutionHistory
from nbopt.searchers._compare import COMPARE_METHODS, Comparison, MethodSummary
from nbopt.searchers._genetic import (
    BlendCrossover,
    Crossover,
    GaussianMutation,
    Generation,
    GeneticSearch,
    Mutation,
    SBXCrossover,
    UniformCrossover,
)
from nbopt.searchers._grid import GridSearch
from nbopt.searchers._importance import IMPORTANCE_METHOD, importance
from nbopt.searchers._pruners import (
    PRUNERS,
    HyperbandPruner,
    MedianPruner,
    Pruned,
    PruneDecision,
    Pruner,
    PruneThreshold,
    StudyView,
    SuccessiveHalvingPruner,
    TrialCurve,
)
from nbopt.searchers._random import RandomSearch
from nbopt.searchers._search import METHODS, SearchEngine, SearchResult, search
from nbopt.searchers._trial_handle import TrialHandle

__all__: list[str] = [
    "COMPARE_METHODS",
    "IMPORTANCE_METHOD",
    "METHODS",
    "PRUNERS",
    "AutoSearch",
    "BayesianSearch",
    "BlendCrossover",
    "Comparison",
    "Crossover",
    "EvolutionHistory",
    "EvolutionarySearch",
    "GaussianMutation",
    "Generation",
    "GeneticSearch",
    "GridSearch",
    "HyperbandPruner",
    "MedianPruner",
    "MethodSummary",
    "Mutation",
    "PruneDecision",
    "PruneThreshold",
    "Pruned",
    "Pruner",
    "RandomSearch",
    "SBXCrossover",
    "SearchEngine",
    "SearchResult",
    "Searcher",
    "StudyView",
    "SuccessiveHalvingPruner",
    "SurrogateGrid",
    "SurrogateSlice",
    "Trial",
    "TrialCurve",
    "TrialHandle",
    "UniformCrossover",
    "importance",
    "search",
]

if TYPE_CHECKING:
    from nbopt.searchers._bayesian import BayesianSearch, SurrogateGrid, SurrogateSlice

# BayesianSearch needs scipy.linalg and scipy.optimize, about half a second to import:
# they load on first use, not at `import nbopt`.
_LAZY = ("BayesianSearch", "SurrogateGrid", "SurrogateSlice")


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from nbopt.searchers import _bayesian

        return getattr(_bayesian, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
