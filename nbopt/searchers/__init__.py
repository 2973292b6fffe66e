"""Ask/tell hyperparameter searchers and the search loop."""

from nbopt.searchers._base import Searcher, Trial
from nbopt.searchers._bayesian import BayesianSearch, SurrogateGrid
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
