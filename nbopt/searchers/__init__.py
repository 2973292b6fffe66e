"""Ask/tell hyperparameter searchers and the search loop."""

from nbopt.searchers._base import Searcher, Trial
from nbopt.searchers._grid import GridSearch
from nbopt.searchers._random import RandomSearch

__all__: list[str] = [
    "GridSearch",
    "RandomSearch",
    "Searcher",
    "Trial",
]
