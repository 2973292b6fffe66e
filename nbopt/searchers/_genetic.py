"""Genetic algorithm: tournament selection, pluggable crossover and mutation, elitism."""

from __future__ import annotations

import bisect
import math
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from nbopt.searchers._base import Searcher, Trial
from nbopt.searchers._cmaes import _Archive
from nbopt.searchers._quadratic import Quadratic
from nbopt.space import Choice, Dimension, Space

__all__ = [
    "BlendCrossover",
    "Crossover",
    "GaussianMutation",
    "Generation",
    "GeneticSearch",
    "Mutation",
    "SBXCrossover",
    "UniformCrossover",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.intp]


def _check_unit_interval(value: object, what: str, *, open_low: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating)):
        raise TypeError(f"{what} must be a number in [0, 1], got {value!r}")
    out = float(value)
    if not (0.0 < out <= 1.0 if open_low else 0.0 <= out <= 1.0):
        interval = "(0, 1]" if open_low else "[0, 1]"
        raise ValueError(f"{what} must be in {interval}, got {value!r}")
    return out


def _check_positive(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating)):
        raise TypeError(f"{what} must be a positive number, got {value!r}")
    out = float(value)
    if not (out > 0 and math.isfinite(out)):
        raise ValueError(f"{what} must be a positive finite number, got {value!r}")
    return out


def _reflect(x: FloatArray) -> FloatArray:
    """Fold values back into [0, 1] by reflection at the walls (keeps the spread)."""
    y = np.mod(x, 2.0)
    out: FloatArray = np.where(y > 1.0, 2.0 - y, y)
    return out


class Crossover(ABC):
    """Combine two parent genomes into one child.

    Genomes hold one gene per dimension in [0, 1]: the unit coordinate for Float/Int
    (log space for log dimensions), ``(index + 0.5) / k`` for a Choice of ``k`` options.
    ``categorical`` marks the Choice genes, which must be copied from a parent as they are.
    """

    @abstractmethod
    def __call__(
        self, a: FloatArray, b: FloatArray, categorical: BoolArray, rng: np.random.Generator
    ) -> FloatArray:
        """Return the child genome."""


class UniformCrossover(Crossover):
    """Take each gene from either parent with probability ``swap_prob`` / ``1 - swap_prob``.

    Examples
    --------
    >>> import numpy as np
    >>> child = UniformCrossover()(np.zeros(4), np.ones(4), np.zeros(4, bool),
    ...                            np.random.default_rng(0))
    >>> set(child) <= {0.0, 1.0}
    True
    """

    def __init__(self, swap_prob: float = 0.5):
        self.swap_prob = _check_unit_interval(swap_prob, "UniformCrossover: swap_prob")

    def __repr__(self) -> str:
        return f"UniformCrossover(swap_prob={self.swap_prob!r})"

    def __call__(
        self, a: FloatArray, b: FloatArray, categorical: BoolArray, rng: np.random.Generator
    ) -> FloatArray:
        """Return the child genome."""
        take_b = rng.random(a.shape) < self.swap_prob
        out: FloatArray = np.where(take_b, b, a)
        return out


class BlendCrossover(Crossover):
    """BLX-alpha: numeric genes uniform on the parents' interval widened by ``alpha``.

    Choice genes are taken from either parent at random.

    Examples
    --------
    >>> import numpy as np
    >>> child = BlendCrossover(alpha=0.0)(np.full(3, 0.2), np.full(3, 0.4),
    ...                                   np.zeros(3, bool), np.random.default_rng(0))
    >>> bool(np.all((child >= 0.2) & (child <= 0.4)))
    True
    """

    def __init__(self, alpha: float = 0.5):
        if isinstance(alpha, bool) or not isinstance(alpha, (int, float, np.floating)):
            raise TypeError(f"BlendCrossover: alpha must be a number >= 0, got {alpha!r}")
        if not (0.0 <= float(alpha) < math.inf):
            raise ValueError(f"BlendCrossover: alpha must be >= 0, got {alpha!r}")
        self.alpha = float(alpha)

    def __repr__(self) -> str:
        return f"BlendCrossover(alpha={self.alpha!r})"

    def __call__(
        self, a: FloatArray, b: FloatArray, categorical: BoolArray, rng: np.random.Generator
    ) -> FloatArray:
        """Return the child genome."""
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        span = hi - lo
        numeric = rng.uniform(lo - self.alpha * span, hi + self.alpha * span)
        pick = np.where(rng.random(a.shape) < 0.5, a, b)
        out: FloatArray = np.where(categorical, pick, _reflect(numeric))
        return out


class SBXCrossover(Crossover):
    """Simulated binary crossover (Deb & Agrawal) with distribution index ``eta``.

    Larger ``eta`` keeps children closer to their parents. Choice genes are taken from
    either parent at random.

    Examples
    --------
    >>> import numpy as np
    >>> child = SBXCrossover(eta=15)(np.full(2, 0.3), np.full(2, 0.6),
    ...                              np.zeros(2, bool), np.random.default_rng(1))
    >>> bool(np.all((child >= 0) & (child <= 1)))
    True
    """

    def __init__(self, eta: float = 15.0):
        self.eta = _check_positive(eta, "SBXCrossover: eta")

    def __repr__(self) -> str:
        return f"SBXCrossover(eta={self.eta!r})"

    def __call__(
        self, a: FloatArray, b: FloatArray, categorical: BoolArray, rng: np.random.Generator
    ) -> FloatArray:
        """Return the child genome."""
        u = rng.random(a.shape)
        beta = np.where(
            u <= 0.5,
            (2.0 * u) ** (1.0 / (self.eta + 1.0)),
            (1.0 / (2.0 * (1.0 - u))) ** (1.0 / (self.eta + 1.0)),
        )
        sign = np.where(rng.random(a.shape) < 0.5, -1.0, 1.0)
        numeric = 0.5 * (a + b) + sign * 0.5 * beta * (b - a)
        pick = np.where(rng.random(a.shape) < 0.5, a, b)
        out: FloatArray = np.where(categorical, pick, _reflect(numeric))
        return out


class Mutation(ABC):
    """Perturb a child genome (see `Crossover` for the gene layout)."""

    @abstractmethod
    def __call__(
        self,
        genes: FloatArray,
        categorical: BoolArray,
        n_options: npt.NDArray[np.int64],
        rng: np.random.Generator,
    ) -> FloatArray:
        """Return the mutated genome (genes stay in [0, 1])."""


class GaussianMutation(Mutation):
    """Gaussian steps on numeric genes, a different random option for Choice genes.

    Parameters
    ----------
    rate : float, optional
        Probability that a gene mutates; ``None`` means ``1 / n_genes``. At least one
        gene always mutates, so a child differs from its parents.
    sigma : float
        Standard deviation of the step in unit coordinates (the range of a dimension is 1).

    Examples
    --------
    >>> import numpy as np
    >>> m = GaussianMutation(rate=1.0, sigma=0.05)
    >>> out = m(np.full(3, 0.5), np.zeros(3, bool), np.zeros(3, np.int64),
    ...         np.random.default_rng(0))
    >>> bool(np.all(np.abs(out - 0.5) < 0.5))
    True
    """

    def __init__(self, rate: float | None = None, sigma: float = 0.1):
        self.rate = None if rate is None else _check_unit_interval(rate, "mutation rate")
        self.sigma = _check_positive(sigma, "GaussianMutation: sigma")

    def __repr__(self) -> str:
        return f"GaussianMutation(rate={self.rate!r}, sigma={self.sigma!r})"

    def __call__(
        self,
        genes: FloatArray,
        categorical: BoolArray,
        n_options: npt.NDArray[np.int64],
        rng: np.random.Generator,
    ) -> FloatArray:
        """Return the mutated genome."""
        n = len(genes)
        rate = self.rate if self.rate is not None else 1.0 / n
        mask = rng.random(n) < rate
        if not mask.any():
            mask[rng.integers(n)] = True
        out = genes.copy()
        steps = _reflect(genes + rng.normal(0.0, self.sigma, n))
        out[mask & ~categorical] = steps[mask & ~categorical]
        for i in np.flatnonzero(mask & categorical):
            k = int(n_options[i])
            if k < 2:
                continue
            current = min(int(genes[i] * k), k - 1)
            new = int(rng.integers(k - 1))
            new += new >= current
            out[i] = (new + 0.5) / k
        return out


@dataclass(frozen=True)
class Generation:
    """One generation of a `GeneticSearch`: the trials bred for it and the pool they came from.

    Attributes
    ----------
    number : int
        The generation; 0 is the initial Latin hypercube sample.
    trials : tuple of int
        Numbers of the trials bred for this generation, in the order they were asked (or
        replayed), running ones included.
    pool : tuple of int
        The parent pool they were bred from, best first: every trial finished since the
        previous pool was formed, plus the elites. Empty for generation 0.
    elites : tuple of int
        The pool's elites, best first: the ``elitism`` best complete trials when the pool
        was formed (they may come from any earlier generation).
    """

    number: int
    trials: tuple[int, ...]
    pool: tuple[int, ...]
    elites: tuple[int, ...]


class _Child(NamedTuple):
    """A bred child: its genes after mutation, how it was made, its genes before mutation."""

    genes: FloatArray
    parents: list[int]
    operator: str
    crossed: FloatArray


class GeneticSearch(Searcher):
    """A generational genetic algorithm with elitism, for any mix of dimensions.

    Every individual is a genome of one gene per dimension in [0, 1] (see `Crossover`).
    Generation 0 is a Latin hypercube sample. Each later individual is bred from the
    *parent pool*: two tournament winners are crossed (with probability
    ``crossover_rate``) and mutated. The pool of generation ``g + 1`` holds every
    finished trial of generation ``g`` plus the ``elitism`` best trials so far (elites
    survive in the pool without being evaluated again). Failed trials rank worst.

    By default each ask breeds ``preselect`` children and proposes the one that a local
    quadratic model of the finished trials predicts best (surrogate-assisted
    pre-selection): on smooth objectives this needs several times fewer trials.
    ``preselect=1`` gives the textbook algorithm.

    A child that decodes to params already tried is bred again (up to 10 times), then
    replaced by a random point: re-evaluating known params wastes a trial.

    Pending trials are fine: a generation is complete once ``population_size`` of its
    trials are finished; until then further asks are bred from the same pool and count
    towards that generation.

    Each trial's ``info`` says how it was made: ``"generation"``, ``"parents"`` (trial
    numbers) and ``"operator"``: ``"initial"`` (the Latin hypercube of generation 0),
    ``"crossover"`` (two parents crossed, then mutated), ``"copy"`` (a mutated copy of one
    parent) or ``"random"`` (a random point: generation 0 past its sample, or when the
    pool has converged on params already tried). A bred trial also has ``"mutated"``
    (names of the genes the mutation changed) and ``"before_mutation"`` (its genome after
    crossover, before mutation: one gene per dimension in space order). `generations`
    lists each generation's trials and parent pool.

    Parameters
    ----------
    space : Space or dict name -> Dimension
        What to search.
    population_size : int
        Finished trials per generation (>= 2). The default 10 suits budgets of 50-200
        trials (more generations); raise it for larger budgets or rugged objectives.
    tournament_size : int
        Pool members compared per parent selection (>= 1; 1 means random parents).
    crossover_rate : float
        Probability of crossing two parents; otherwise the child is a mutated copy.
    mutation_rate : float, optional
        Per-gene mutation probability of the default `GaussianMutation` (``1 / n_dims``
        when None). Give either this or ``mutation``.
    elitism : int
        Best trials carried into every parent pool (0 <= elitism < population_size).
    preselect : int
        Surrogate-assisted pre-selection: breed this many children per trial and ask the
        one a local quadratic model of the finished trials predicts best (choices enter
        the model by option index). ``1`` is the plain genetic algorithm.
    crossover : Crossover, optional
        Strategy object; ``BlendCrossover(alpha=0.3)`` by default (`UniformCrossover`,
        `SBXCrossover` are alternatives).
    mutation : Mutation, optional
        Strategy object; ``GaussianMutation(mutation_rate, sigma=0.05)`` by default.
    seed, direction
        As for every `Searcher`.

    Examples
    --------
    >>> from nbopt import space
    >>> s = GeneticSearch({"x": space.Float(-5, 5), "act": space.Choice(["a", "b"])},
    ...                   population_size=8, seed=0)
    >>> for _ in range(40):
    ...     t = s.ask()
    ...     _ = s.tell(t, t.params["x"] ** 2 + (t.params["act"] == "b"))
    >>> s.trials[-1].info["generation"] >= 3
    True
    >>> len(s.trials[-1].info["parents"]) in (1, 2)
    True
    """

    def __init__(
        self,
        space: Space | Mapping[str, Dimension],
        *,
        population_size: int = 10,
        tournament_size: int = 3,
        crossover_rate: float = 0.9,
        mutation_rate: float | None = None,
        elitism: int = 2,
        preselect: int = 8,
        crossover: Crossover | None = None,
        mutation: Mutation | None = None,
        seed: int | np.random.Generator | None = None,
        direction: str = "minimize",
    ):
        super().__init__(space, seed=seed, direction=direction)
        for what, value, low in (
            ("population_size", population_size, 2),
            ("tournament_size", tournament_size, 1),
            ("elitism", elitism, 0),
            ("preselect", preselect, 1),
        ):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
                raise TypeError(f"GeneticSearch: {what} must be an int, got {value!r}")
            if value < low:
                raise ValueError(f"GeneticSearch: {what} must be >= {low}, got {value!r}")
        if elitism >= population_size:
            raise ValueError(
                f"GeneticSearch: elitism must be < population_size ({population_size}), "
                f"got {elitism!r}"
            )
        self.population_size = int(population_size)
        self.tournament_size = int(tournament_size)
        self.elitism = int(elitism)
        self.preselect = int(preselect)
        self._model_cache: tuple[int, Quadratic | None] | None = None
        self.crossover_rate = _check_unit_interval(crossover_rate, "GeneticSearch: crossover_rate")
        if crossover is not None and not isinstance(crossover, Crossover):
            raise TypeError(f"GeneticSearch: crossover must be a Crossover, got {crossover!r}")
        if mutation is not None and not isinstance(mutation, Mutation):
            raise TypeError(f"GeneticSearch: mutation must be a Mutation, got {mutation!r}")
        if mutation is not None and mutation_rate is not None:
            raise ValueError(
                "GeneticSearch: give mutation_rate or a mutation object, not both "
                "(set the rate on the mutation object)"
            )
        self.crossover: Crossover = crossover if crossover is not None else BlendCrossover(0.3)
        self.mutation: Mutation = (
            mutation if mutation is not None else GaussianMutation(rate=mutation_rate, sigma=0.05)
        )
        dims = list(self.space.values())
        self._categorical: BoolArray = np.array([isinstance(d, Choice) for d in dims])
        self._n_options = np.array(
            [len(d.options) if isinstance(d, Choice) else 0 for d in dims], dtype=np.int64
        )
        from scipy.stats import qmc  # seconds to import: not at `import nbopt`

        self._initial = qmc.LatinHypercube(d=len(dims), seed=self._rng).random(self.population_size)
        self._generation = 0
        self._pool: list[Trial] = []
        # every trial's genome in the order the trials entered the searcher, and the
        # complete ones with their values: the surrogate's archive
        self._archive = _Archive(len(dims))
        self._keys: set[tuple[int | float, ...]] = set()
        self._gen_of: dict[int, int] = {}
        # Kept as trials finish, so that no ask scans every trial: finished trials per
        # generation; those not yet in a pool; the `elitism` best (value, number); the
        # best complete trial as (value, entry position, number), first entered on ties.
        self._n_finished: dict[int, int] = {}
        self._unpooled: list[Trial] = []
        self._elite_keys: list[tuple[float, int]] = []
        self._best: tuple[float, int, int] | None = None
        # the surrogate's nearest points (entry positions, by distance) for a centre and
        # pool, and the complete trials' entry positions added since they were chosen
        self._near_key: tuple[int, int] | None = None
        self._near: IntArray = np.empty(0, dtype=np.intp)
        self._new_complete: list[int] = []
        # the history the generations view reads: it never feeds back into a proposal
        self._members: dict[int, list[int]] = {0: []}
        self._pools: dict[int, tuple[tuple[int, ...], tuple[int, ...]]] = {}
        self._n_initial = 0

    @property
    def generation(self) -> int:
        """The generation new trials are bred for."""
        return self._generation

    @property
    def population(self) -> list[Trial]:
        """The current parent pool (empty during generation 0), best first."""
        with self._lock:
            return sorted(self._pool, key=self._rank_key)

    @property
    def generations(self) -> list[Generation]:
        """Every generation so far, the current one last (read-only records).

        Trials replayed from storage join the generation their ``info`` names, and the
        pools are formed again as the replayed trials finish.

        Examples
        --------
        >>> from nbopt import space
        >>> s = GeneticSearch({"x": space.Float(-1, 1), "y": space.Float(-1, 1)},
        ...                   population_size=4, elitism=1, seed=0)
        >>> for _ in range(12):
        ...     t = s.ask()
        ...     _ = s.tell(t, t.params["x"] ** 2 + t.params["y"] ** 2)
        >>> [g.trials for g in s.generations]
        [(0, 1, 2, 3), (4, 5, 6, 7), (8, 9, 10, 11), ()]
        >>> first = sorted(s.trials[:4], key=lambda t: t.value)
        >>> s.generations[1].pool == tuple(t.number for t in first)
        True
        >>> s.generations[1].elites == (first[0].number,)
        True
        """
        with self._lock:
            last = max(self._generation, *self._members)
            return [
                Generation(g, tuple(self._members.get(g, ())), *self._pools.get(g, ((), ())))
                for g in range(last + 1)
            ]

    def _rank_key(self, trial: Trial) -> tuple[float, int]:
        return (self._signed_value(trial), trial.number)

    def _to_genes(self, params: Mapping[str, Any]) -> FloatArray:
        genes = np.empty(len(self.space))
        for i, (name, dim) in enumerate(self.space.items()):
            if isinstance(dim, Choice):
                genes[i] = (dim.index(params[name]) + 0.5) / len(dim.options)
            else:
                genes[i] = dim.encode([params[name]])[0, 0]
        return genes

    def _genome(self, trial: Trial) -> FloatArray:
        return self._archive.x(trial.number)

    def _maybe_advance(self) -> None:
        """Move to the next generation once enough trials of this one are finished.

        Reads only the trials finished since the last pool was formed and the kept
        elites: the cost does not grow with the number of trials.
        """
        if self._n_finished.get(self._generation, 0) < self.population_size:
            return
        # the pool lists its trials in the order they entered the searcher
        fresh = sorted(self._unpooled, key=lambda t: self._archive.slot(t.number))
        self._unpooled = []
        elites = [self._trials[number] for _, number in self._elite_keys]
        pool = {t.number: t for t in fresh}
        for t in elites:
            pool.setdefault(t.number, t)
        self._pool = list(pool.values())
        self._generation += 1
        self._pools[self._generation] = (
            tuple(t.number for t in sorted(self._pool, key=self._rank_key)),
            tuple(t.number for t in elites),
        )
        self._members.setdefault(self._generation, [])

    def _tournament(self) -> Trial:
        size = min(self.tournament_size, len(self._pool))
        picks = self._rng.choice(len(self._pool), size=size, replace=False)
        return min((self._pool[int(i)] for i in picks), key=self._rank_key)

    def _breed(self) -> _Child:
        a = self._tournament()
        if self._rng.random() < self.crossover_rate and len(self._pool) > 1:
            b = self._tournament()
            for _ in range(3):
                if b.number != a.number:
                    break
                b = self._tournament()
            child = self.crossover(self._genome(a), self._genome(b), self._categorical, self._rng)
            parents = [a.number, b.number] if b.number != a.number else [a.number]
        else:
            child = self._genome(a).copy()
            parents = [a.number]
        # a parent crossed with itself is a copy of it
        operator = "crossover" if len(parents) == 2 else "copy"
        genes = self.mutation(child, self._categorical, self._n_options, self._rng)
        return _Child(genes, parents, operator, child)

    def _is_new(self, genes: FloatArray) -> bool:
        return self.space.key(self.space.from_uniform(genes)) not in self._keys

    def _surrogate(self) -> Quadratic | None:
        """Fit (or reuse) the model that pre-selects children; None while data is short.

        The model is fitted around the best complete trial on the complete trials nearest
        to it (`Quadratic` keeps those). Rather than hand `Quadratic` the whole archive
        at every ask, the nearest are kept as trials complete, and found again in the
        whole archive only when the best trial or the pool (the whitening) changes.
        """
        if self.preselect == 1:
            return None
        n_done = self._archive.n_complete
        if self._model_cache is not None and self._model_cache[0] == n_done:
            return self._model_cache[1]
        model: Quadratic | None = None
        if self._best is not None and self._pool:
            spread = np.array([self._genome(t) for t in self._pool]).std(axis=0)
            scale = 1.0 / np.maximum(spread, 1e-3)
            center = self._archive.x(self._best[2])
            xs, values = self._archive.points(self._nearest(center, scale))
            fitted = Quadratic(
                xs, values, center=center, whiten=np.diag(scale), min_points=self.population_size
            )
            model = fitted if fitted.ready else None
        self._model_cache = (n_done, model)
        return model

    def _nearest(self, center: FloatArray, scale: FloatArray) -> IntArray:
        """Return the entry positions of the complete trials the surrogate is fitted on.

        While there are at most as many as a full quadratic model keeps, all of them in
        entry order (exactly what `Quadratic` was given before); then the ones nearest
        to ``center`` in whitened coordinates, nearest first, which are exactly the
        points `Quadratic` keeps out of the whole archive. The whitening is diagonal
        (``scale`` per gene), so a whitened coordinate is one rounded product, however
        `Quadratic`'s matrix product is blocked: the fit is the same, bit for bit.
        """
        assert self._best is not None
        n = len(self.space)
        # Quadratic's richest model: (n + 1)(n + 2) / 2 coefficients, fitted on twice as
        # many points or `min_points`, whichever is more (checked against the whole
        # archive in tests/searchers/test_cmaes_scale.py)
        keep = max((n + 1) * (n + 2), self.population_size)
        if self._archive.n_complete <= keep:
            self._near_key = None
            self._new_complete = []
            return self._archive.complete_slots()
        key = (self._best[1], self._generation)
        if key != self._near_key:
            slots = self._archive.complete_slots()
        else:
            slots = np.concatenate([self._near, np.array(self._new_complete, dtype=np.intp)])
        self._new_complete = []
        xs, _ = self._archive.points(slots)
        dist = np.linalg.norm((xs - center) * scale, axis=1)
        if len(slots) > keep:
            part = np.argpartition(dist, keep - 1)[:keep]
            slots, dist = slots[part], dist[part]
        order = np.lexsort((slots, dist))
        self._near_key = key
        self._near = slots[order]
        return self._near

    def _breed_preselected(self, model: Quadratic | None) -> _Child:
        if model is None:
            return self._breed()
        children = [self._breed() for _ in range(self.preselect)]
        genes = np.clip(np.array([c.genes for c in children]), 0.0, 1.0)
        keys = [self.space.key(p) for p in self.space.from_uniform(genes)]
        fresh = [i for i, k in enumerate(keys) if k not in self._keys] or list(range(len(keys)))
        best = fresh[int(np.argmin(model.predict(genes[fresh])))]
        return children[best]

    def _propose(self, number: int) -> tuple[dict[str, Any], dict[str, Any]]:
        self._maybe_advance()
        child: _Child | None = None
        operator = "random"
        if self._generation == 0:
            if self._n_initial < len(self._initial):
                genes = self._initial[self._n_initial]
                self._n_initial += 1
                operator = "initial"
            else:
                genes = self._rng.random(len(self.space))
        else:
            # Re-breed a few times when a child decodes to params already tried
            # (common with Int and Choice dimensions): evaluating it again is wasted.
            model = self._surrogate()
            for _ in range(10):
                child = self._breed_preselected(model)
                if self._is_new(child.genes):
                    break
            else:
                # The pool has converged on a small discrete region: explore instead.
                draws = self._rng.random((256, len(self.space)))
                new = [g for g in draws if self._is_new(g)]
                genes, child = (new[0] if new else draws[0]), None
        record: dict[str, Any] = {"parents": [], "operator": operator}
        if child is not None:
            genes = child.genes
            names = self.space.names
            record = {
                "parents": child.parents,
                "operator": child.operator,
                "mutated": [names[i] for i in np.flatnonzero(child.genes != child.crossed)],
                "before_mutation": [float(g) for g in np.clip(child.crossed, 0.0, 1.0)],
            }
        params: dict[str, Any] = self.space.from_uniform(genes)
        self._archive.add(number, np.clip(genes, 0.0, 1.0))
        self._keys.add(self.space.key(params))
        self._gen_of[number] = self._generation
        self._members.setdefault(self._generation, []).append(number)
        return params, {"generation": self._generation, **record}

    def _observe(self, trial: Trial) -> None:
        number = trial.number
        if number not in self._gen_of:
            # A replayed trial: keep the generation it was bred for when it says so.
            gen = trial.info.get("generation")
            if not isinstance(gen, int) or isinstance(gen, bool):
                gen = self._generation
            self._gen_of[number] = gen
            self._members.setdefault(gen, []).append(number)
        if number not in self._archive:
            self._archive.add(number, self._to_genes(trial.params))
        gen = self._gen_of[number]
        self._n_finished[gen] = self._n_finished.get(gen, 0) + 1
        self._unpooled.append(trial)
        if trial.state == "complete":
            value = self._signed_value(trial)
            slot = self._archive.slot(number)
            self._archive.complete(number, value)
            if self.preselect > 1:
                self._new_complete.append(slot)
            if self._best is None or (value, slot) < self._best[:2]:
                self._best = (value, slot, number)
            elites = self._elite_keys
            if len(elites) < self.elitism or (elites and (value, number) < elites[-1]):
                bisect.insort(self._elite_keys, (value, number))
                del self._elite_keys[self.elitism :]
        self._keys.add(self.space.key(trial.params))
        self._maybe_advance()
