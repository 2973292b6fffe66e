"""The searcher contract suite: every searcher is listed once in SEARCHER_FACTORIES."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from nbopt import space
from nbopt.searchers import (
    BayesianSearch,
    EvolutionarySearch,
    GeneticSearch,
    GridSearch,
    RandomSearch,
    Searcher,
)
from nbopt.space import Space

Factory = Callable[..., Searcher]

# factory(space, seed=..., direction=...) -> Searcher; small settings keep the suite fast
# while still crossing generation / start-up boundaries within ~30 trials.
SEARCHER_FACTORIES: dict[str, Factory] = {
    "bayesian": lambda space, **kw: BayesianSearch(space, n_startup_trials=5, **kw),
    "cmaes": lambda space, **kw: EvolutionarySearch(space, **kw),
    "genetic": lambda space, **kw: GeneticSearch(space, population_size=6, **kw),
    "grid": lambda space, **kw: GridSearch(space, resolution=4, shuffle=True, **kw),
    "random": lambda space, **kw: RandomSearch(space, **kw),
    "sobol": lambda space, **kw: RandomSearch(space, sobol=True, **kw),
}


@pytest.fixture(params=sorted(SEARCHER_FACTORIES))
def make_searcher(request: Any) -> Factory:
    return SEARCHER_FACTORIES[request.param]


@pytest.fixture
def mixed_space() -> Space:
    """One dimension of every kind."""
    return Space(
        {
            "lr": space.Float(1e-4, 1e-1, log=True),
            "x": space.Float(-5.0, 10.0),
            "frac": space.Float(0.0, 1.0, step=0.1),
            "layers": space.Int(1, 4),
            "units": space.Int(8, 512, log=True),
            "act": space.Choice(["relu", "tanh", "gelu"]),
            "opt": space.Choice([None, ("adam", 0.9), 3]),
        }
    )
