"""GeneticSearch: generations, parents, elitism, strategies."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from nbopt import space
from nbopt.searchers import (
    BlendCrossover,
    GaussianMutation,
    GeneticSearch,
    SBXCrossover,
    UniformCrossover,
)

DIMS = {"x": space.Float(-5.0, 5.0), "y": space.Float(-5.0, 5.0)}


def sphere(p: dict[str, Any]) -> float:
    return float(p["x"] ** 2 + p["y"] ** 2)


def test_generations_and_parents_are_recorded() -> None:
    s = GeneticSearch(DIMS, population_size=6, elitism=1, seed=0)
    trials = []
    for _ in range(30):
        t = s.ask()
        trials.append(s.tell(t, sphere(t.params)))
    gens = [t.info["generation"] for t in trials]
    assert gens == sorted(gens)
    assert gens[:6] == [0] * 6 and gens[6:12] == [1] * 6 and gens[-1] == 4
    assert all(t.info["parents"] == [] for t in trials[:6])
    for t in trials[6:]:
        parents = t.info["parents"]
        assert 1 <= len(parents) <= 2
        for p in parents:
            # parents come from the previous generation or are elites from earlier ones
            assert p < t.number and trials[p].info["generation"] < t.info["generation"]
    assert s.generation == 5


def test_elites_stay_in_the_pool() -> None:
    s = GeneticSearch(DIMS, population_size=4, elitism=2, seed=1)
    for _ in range(16):
        t = s.ask()
        s.tell(t, sphere(t.params))
    best_two = sorted(s.trials, key=lambda t: t.value)[:2]
    pool = s.population
    assert {t.number for t in best_two} <= {t.number for t in pool}
    assert pool[0].number == best_two[0].number


def test_pending_asks_are_bred_from_the_last_complete_pool() -> None:
    s = GeneticSearch(DIMS, population_size=4, seed=2)
    first = [s.ask() for _ in range(4)]
    for t in first:
        s.tell(t, sphere(t.params))
    # generation 1: ask 10 without telling; all are bred from generation 0
    pending = [s.ask() for _ in range(10)]
    assert {t.info["generation"] for t in pending} == {1}
    assert all(set(t.info["parents"]) <= {0, 1, 2, 3} for t in pending)
    for t in pending[:4]:
        s.tell(t, sphere(t.params))
    assert s.ask().info["generation"] == 2


def test_failed_trials_rank_worst_and_are_not_parents_when_avoidable() -> None:
    s = GeneticSearch(DIMS, population_size=8, tournament_size=8, crossover_rate=0.0, seed=3)
    for i in range(8):
        t = s.ask()
        if i == 0:
            s.tell(t, 1.0)
        else:
            s.tell(t, error="crashed")
    # tournament over the whole pool always picks the only complete trial
    for _ in range(5):
        assert s.ask().info["parents"] == [0]


def test_beats_random_on_a_quadratic() -> None:
    from nbopt.searchers import RandomSearch

    def best(searcher: Any) -> float:
        for _ in range(150):
            t = searcher.ask()
            searcher.tell(t, sphere(t.params))
        return float(searcher.best_value)

    ga = [best(GeneticSearch(DIMS, population_size=10, seed=s)) for s in range(5)]
    rs = [best(RandomSearch(DIMS, seed=s)) for s in range(5)]
    assert np.median(ga) < np.median(rs) / 3


def test_preselection_by_the_quadratic_model_helps_on_a_smooth_function() -> None:
    def best(preselect: int, seed: int) -> float:
        s = GeneticSearch(DIMS, preselect=preselect, seed=seed)
        for _ in range(60):
            t = s.ask()
            s.tell(t, sphere(t.params))
        return float(s.best_value)

    plain = [best(1, seed) for seed in range(5)]
    assisted = [best(8, seed) for seed in range(5)]
    assert np.median(assisted) < np.median(plain) / 10


def test_mixed_space_children_avoid_duplicates() -> None:
    dims = {"n": space.Int(1, 6), "act": space.Choice(["a", "b", "c"])}
    s = GeneticSearch(dims, population_size=6, seed=4)
    seen = set()
    for _ in range(18):
        t = s.ask()
        seen.add((t.params["n"], t.params["act"]))
        s.tell(t, t.params["n"] + (t.params["act"] != "b"))
    assert len(seen) == 18  # the 18-point space is covered without repeats


@pytest.mark.parametrize(
    "crossover", [UniformCrossover(), BlendCrossover(0.3), SBXCrossover(eta=5)], ids=repr
)
def test_crossovers_keep_genes_in_the_unit_interval_and_choices_intact(crossover: Any) -> None:
    rng = np.random.default_rng(0)
    categorical = np.array([False, False, True])
    a = np.array([0.02, 0.98, 0.125])
    b = np.array([0.9, 0.05, 0.875])
    for _ in range(200):
        child = crossover(a, b, categorical, rng)
        assert np.all((child >= 0) & (child <= 1))
        assert child[2] in (0.125, 0.875)


def test_gaussian_mutation_resamples_choices() -> None:
    rng = np.random.default_rng(1)
    m = GaussianMutation(rate=1.0, sigma=0.2)
    genes = np.array([0.5, 0.5 / 4])
    out = [m(genes, np.array([False, True]), np.array([0, 4]), rng) for _ in range(200)]
    choices = {o[1] for o in out}
    assert choices == {1.5 / 4, 2.5 / 4, 3.5 / 4}  # always a different option
    assert all(0 <= o[0] <= 1 for o in out)


def test_strategies_are_pluggable_and_validated() -> None:
    s = GeneticSearch(DIMS, crossover=SBXCrossover(), mutation=GaussianMutation(sigma=0.05))
    assert isinstance(s.crossover, SBXCrossover)
    with pytest.raises(ValueError, match="not both"):
        GeneticSearch(DIMS, mutation_rate=0.3, mutation=GaussianMutation())
    with pytest.raises(TypeError, match="must be a Crossover"):
        GeneticSearch(DIMS, crossover="uniform")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="elitism must be <"):
        GeneticSearch(DIMS, population_size=4, elitism=4)
    with pytest.raises(ValueError, match="preselect must be >= 1"):
        GeneticSearch(DIMS, preselect=0)
    with pytest.raises(ValueError, match="population_size must be >= 2"):
        GeneticSearch(DIMS, population_size=1)
    with pytest.raises(ValueError, match=r"crossover_rate must be in \[0, 1\]"):
        GeneticSearch(DIMS, crossover_rate=1.5)
    with pytest.raises(ValueError, match=r"mutation rate must be in \[0, 1\]"):
        GaussianMutation(rate=-0.1)
    with pytest.raises(ValueError, match="sigma must be a positive"):
        GaussianMutation(sigma=0)
