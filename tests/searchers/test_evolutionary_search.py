"""EvolutionarySearch (CMA-ES): convergence, adaptation, restarts."""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pytest

from nbopt import space
from nbopt.searchers import EvolutionarySearch, RandomSearch

DIMS = {f"x{i}": space.Float(-5.0, 5.0) for i in range(3)}


def shifted_sphere(p: dict[str, Any]) -> float:
    return float(sum((p[f"x{i}"] - (i - 1.0)) ** 2 for i in range(3)))


def drive(s: Any, n: int, fn: Any) -> None:
    for _ in range(n):
        t = s.ask()
        s.tell(t, fn(t.params))


def test_plain_cma_es_converges_on_a_quadratic() -> None:
    s = EvolutionarySearch(DIMS, seed=0, restarts=False, surrogate=False)
    drive(s, 300, shifted_sphere)
    assert s.best_value < 1e-6
    np.testing.assert_allclose(
        [s.mean_params[f"x{i}"] for i in range(3)], [-1.0, 0.0, 1.0], atol=1e-3
    )
    assert s.sigma < 1e-2
    assert s.generation == 300 // s.population_size


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_surrogate_needs_far_fewer_trials_per_generation(seed: int) -> None:
    plain = EvolutionarySearch(DIMS, seed=seed, surrogate=False)
    assisted = EvolutionarySearch(DIMS, seed=seed)
    drive(plain, 100, shifted_sphere)
    drive(assisted, 100, shifted_sphere)
    assert plain.generation == 100 // plain.population_size
    assert assisted.generation > 3 * plain.generation
    assert assisted.best_value < 1e-8 < plain.best_value
    per_generation = Counter(t.info["generation"] for t in assisted.trials)
    assert min(per_generation.values()) < assisted.population_size


def test_learns_the_shape_of_an_ill_conditioned_quadratic() -> None:
    dims = {"x": space.Float(-1.0, 1.0), "y": space.Float(-1.0, 1.0)}

    def elongated(p: dict[str, Any]) -> float:
        u, v = p["x"] + p["y"], p["x"] - p["y"]
        return float(u**2 + 100.0 * v**2)

    s = EvolutionarySearch(dims, seed=1, restarts=False)
    drive(s, 150, elongated)
    cov = s.cov
    assert cov.shape == (2, 2)
    eigvals, eigvecs = np.linalg.eigh(cov)
    long_axis = eigvecs[:, 1]
    # the distribution stretches along x + y, the valley of the function
    assert abs(abs(long_axis @ np.array([1.0, 1.0]) / np.sqrt(2)) - 1.0) < 0.05
    assert eigvals[1] / eigvals[0] > 10


def test_beats_random_search() -> None:
    def best(s: Any) -> float:
        drive(s, 100, shifted_sphere)
        return float(s.best_value)

    cma = [best(EvolutionarySearch(DIMS, seed=s)) for s in range(5)]
    rnd = [best(RandomSearch(DIMS, seed=s)) for s in range(5)]
    assert max(cma) < min(rnd)


def test_generation_info_and_pending_trials() -> None:
    s = EvolutionarySearch(DIMS, population_size=4, seed=2)
    batch = [s.ask() for _ in range(9)]
    assert {t.info["generation"] for t in batch} == {0}
    mean0 = s.mean
    for t in batch[:3]:
        s.tell(t, shifted_sphere(t.params))
    np.testing.assert_array_equal(s.mean, mean0)  # not a full generation yet
    s.tell(batch[3], shifted_sphere(batch[3].params))
    assert s.generation == 1
    assert not np.array_equal(s.mean, mean0)
    assert s.ask().info["generation"] == 1


def test_restarts_double_the_population_on_a_flat_function() -> None:
    dims = {"n": space.Int(1, 3), "x": space.Float(0.0, 1.0)}
    s = EvolutionarySearch(dims, population_size=4, seed=3)
    drive(s, 40, lambda p: 1.0)
    assert s.restart_count >= 1
    assert s.population_size == 4 * 2**s.restart_count
    assert max(t.info["restart"] for t in s.trials) == s.restart_count


def test_all_failures_keep_it_running_inside_the_space() -> None:
    s = EvolutionarySearch(DIMS, population_size=4, seed=4)
    for _ in range(40):
        t = s.ask()
        s.tell(t, error="diverged")
    assert s.generation >= 1
    assert np.all((s.mean >= 0) & (s.mean <= 1))


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match=r"sigma0 must be in \(0, 1\]"):
        EvolutionarySearch(DIMS, sigma0=2.0)
    with pytest.raises(ValueError, match="population_size must be >= 2"):
        EvolutionarySearch(DIMS, population_size=1)
    with pytest.raises(TypeError, match="restarts must be True or False"):
        EvolutionarySearch(DIMS, restarts=None)  # type: ignore[arg-type]
