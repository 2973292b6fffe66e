"""CMA-ES (covariance matrix adaptation evolution strategy) on the encoded unit cube."""

from __future__ import annotations

import bisect
import math
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from nbopt.searchers._base import Searcher, Trial
from nbopt.searchers._quadratic import Quadratic, kendall_tau
from nbopt.space import Dimension, Space

__all__ = ["HISTORY_FLOATS", "EvolutionHistory", "EvolutionarySearch"]

FloatArray = npt.NDArray[np.float64]

_MAX_RESAMPLES = 100
_TOL_X = 1e-8
_MAX_CONDITION = 1e14
_TRUST_TAU = 0.5
_TRUST_WINDOW = 15
#: Below this ``sigma * min(D)`` the surrogate is not fitted: every sample is the mean
#: already (the run converged long before, without restarts) and whitening by
#: ``1 / (sigma D)`` would overflow.
_MIN_MODEL_SCALE = 1e-150
#: Floats of means and covariances `EvolutionarySearch.history` keeps in full: the
#: latest ``HISTORY_FLOATS // (D * D + D)`` generations (at least 8, at most 10,000);
#: sigma, population size and restart are kept for every generation.
HISTORY_FLOATS = 2_000_000


class _Archive:
    """The points of a searcher's trials in the order they entered it, and their results.

    ``Searcher._trials`` keeps that order, and the surrogate models are fitted on the
    complete points in it: `complete_slots` and `points` gather them in one vectorized
    pass instead of a Python loop over every trial. Adding and completing a point are
    amortized O(1). (Shared with `GeneticSearch`.)
    """

    def __init__(self, dim: int):
        self._x: FloatArray = np.empty((64, dim))
        self._value: FloatArray = np.empty(64)
        self._done: npt.NDArray[np.bool_] = np.zeros(64, dtype=bool)
        self._slot: dict[int, int] = {}
        self._len = 0
        self.n_complete = 0

    def __contains__(self, number: object) -> bool:
        return number in self._slot

    def add(self, number: int, x: FloatArray) -> None:
        """Append trial ``number``'s point (running: not part of `complete` yet)."""
        if self._len == len(self._value):
            grow = len(self._value)
            self._x = np.concatenate([self._x, np.empty_like(self._x)])
            self._value = np.concatenate([self._value, np.empty(grow)])
            self._done = np.concatenate([self._done, np.zeros(grow, dtype=bool)])
        # a number asked again (its proposal failed validation) moves to the end, as the
        # trial it finally names entered `_trials` last
        self._slot[number] = self._len
        self._x[self._len] = x
        self._len += 1

    def x(self, number: int) -> FloatArray:
        """Return the point of trial ``number`` (a view)."""
        out: FloatArray = self._x[self._slot[number]]
        return out

    def slot(self, number: int) -> int:
        """Return the position of trial ``number`` in entry order."""
        return self._slot[number]

    def complete(self, number: int, value: float) -> None:
        """Record that trial ``number`` completed with ``value`` (smaller is better)."""
        slot = self._slot[number]
        self._value[slot] = value
        if not self._done[slot]:
            self._done[slot] = True
            self.n_complete += 1

    def complete_slots(self) -> npt.NDArray[np.intp]:
        """Return the positions of the complete points, in entry order."""
        return np.flatnonzero(self._done[: self._len])

    def points(self, slots: npt.NDArray[np.intp]) -> tuple[FloatArray, FloatArray]:
        """Return the points and values at ``slots``."""
        return self._x[slots], self._value[slots]


class _CMAState:
    """One CMA-ES run with active (negative) weights.

    Follows Hansen, "The CMA Evolution Strategy: A Tutorial" (2016), equations (49)-(58).
    """

    def __init__(self, n: int, lam: int, mean: FloatArray, sigma: float):
        self.n = n
        self.lam = lam
        self.mu = lam // 2
        raw = math.log((lam + 1) / 2.0) - np.log(np.arange(1, lam + 1))
        pos, neg = raw[: self.mu], raw[self.mu :]
        self.mueff = float(pos.sum() ** 2 / np.sum(pos**2))
        mueff_neg = float(neg.sum() ** 2 / np.sum(neg**2)) if np.any(neg < 0) else 0.0
        alpha_cov = 2.0
        self.c1 = alpha_cov / ((n + 1.3) ** 2 + self.mueff)
        self.cmu = min(
            1.0 - self.c1,
            alpha_cov
            * (0.25 + self.mueff + 1.0 / self.mueff - 2.0)
            / ((n + 2.0) ** 2 + alpha_cov * self.mueff / 2.0),
        )
        alpha_mu_neg = 1.0 + self.c1 / self.cmu
        alpha_mueff_neg = 1.0 + 2.0 * mueff_neg / (self.mueff + 2.0)
        alpha_posdef_neg = (1.0 - self.c1 - self.cmu) / (n * self.cmu)
        neg_scale = min(alpha_mu_neg, alpha_mueff_neg, alpha_posdef_neg)
        neg_sum = float(np.abs(raw[raw < 0]).sum())
        self.weights: FloatArray = np.where(
            raw >= 0, raw / pos.sum(), raw * neg_scale / max(neg_sum, 1e-300)
        )
        self.cs = (self.mueff + 2.0) / (n + self.mueff + 5.0)
        self.ds = 1.0 + 2.0 * max(0.0, math.sqrt((self.mueff - 1.0) / (n + 1.0)) - 1.0) + self.cs
        self.cc = (4.0 + self.mueff / n) / (n + 4.0 + 2.0 * self.mueff / n)
        self.chi_n = math.sqrt(n) * (1.0 - 1.0 / (4.0 * n) + 1.0 / (21.0 * n * n))
        self.mean = mean.astype(np.float64).copy()
        self.sigma = float(sigma)
        self.C: FloatArray = np.eye(n)
        self.B: FloatArray = np.eye(n)
        self.D: FloatArray = np.ones(n)
        self.ps: FloatArray = np.zeros(n)
        self.pc: FloatArray = np.zeros(n)
        self.updates = 0
        self.best = math.inf
        self.best_update = 0

    def sample(self, rng: np.random.Generator) -> FloatArray:
        """Draw a point of N(mean, sigma^2 C) inside [0, 1]^n (resampling, then clipping)."""
        x = self.mean
        for _ in range(_MAX_RESAMPLES):
            z = rng.standard_normal(self.n)
            x = self.mean + self.sigma * (self.B @ (self.D * z))
            if np.all((x >= 0.0) & (x <= 1.0)):
                return x
        out: FloatArray = np.clip(x, 0.0, 1.0)
        return out

    def update(self, xs: FloatArray, values: FloatArray, injected: npt.NDArray[np.bool_]) -> None:
        """One generation: ``xs`` (lam, n) with their signed values (smaller is better)."""
        order = np.lexsort((np.arange(len(values)), values))
        y = (xs[order] - self.mean) / self.sigma
        inv_sqrt_c = self.B @ np.diag(1.0 / self.D) @ self.B.T
        maha = np.linalg.norm(y @ inv_sqrt_c, axis=1)
        # Points not drawn from this distribution (replayed trials) are clipped to a
        # plausible Mahalanobis length so one outlier cannot wreck the adaptation.
        limit = math.sqrt(self.n) + 2.0 * self.n / (self.n + 2.0)
        clip = injected[order] & (maha > limit)
        y[clip] *= (limit / maha[clip])[:, None]
        maha[clip] = limit
        y_w = self.weights[: self.mu] @ y[: self.mu]
        old_mean = self.mean
        self.mean = np.clip(old_mean + self.sigma * y_w, 0.0, 1.0)
        step = (self.mean - old_mean) / self.sigma
        self.updates += 1
        self.ps = (1.0 - self.cs) * self.ps + math.sqrt(self.cs * (2.0 - self.cs) * self.mueff) * (
            inv_sqrt_c @ step
        )
        ps_norm = float(np.linalg.norm(self.ps))
        denom = math.sqrt(1.0 - (1.0 - self.cs) ** (2 * self.updates))
        hsig = ps_norm / denom / self.chi_n < 1.4 + 2.0 / (self.n + 1.0)
        self.pc = (1.0 - self.cc) * self.pc + hsig * math.sqrt(
            self.cc * (2.0 - self.cc) * self.mueff
        ) * step
        # Negative weights act on directions rescaled to length sqrt(n) (eq. 46).
        w_circ = np.where(
            self.weights >= 0, self.weights, self.weights * self.n / np.maximum(maha, 1e-12) ** 2
        )
        rank_mu = (w_circ[:, None] * y).T @ y
        delta = (1.0 - hsig) * self.cc * (2.0 - self.cc)
        self.C = (
            (1.0 + self.c1 * delta - self.c1 - self.cmu * float(self.weights.sum())) * self.C
            + self.c1 * np.outer(self.pc, self.pc)
            + self.cmu * rank_mu
        )
        self.sigma *= math.exp((self.cs / self.ds) * (ps_norm / self.chi_n - 1.0))
        self.sigma = min(self.sigma, 1e3)
        self.C = (self.C + self.C.T) / 2.0
        eigvals, eigvecs = np.linalg.eigh(self.C)
        eigvals = np.maximum(eigvals, 1e-20)
        self.D = np.sqrt(eigvals)
        self.B = eigvecs
        best = float(values[order[0]])
        if best < self.best:
            self.best = best
            self.best_update = self.updates

    def stop_reason(self, values: FloatArray) -> str | None:
        """Why this run should restart, or None."""
        if self.sigma * float(self.D.max()) < _TOL_X:
            return "tolx"
        if float(self.D.max() / self.D.min()) ** 2 > _MAX_CONDITION:
            return "condition"
        finite = np.sort(values[np.isfinite(values)])
        if (
            len(finite) >= self.mu
            and finite[0] == finite[min(len(finite) - 1, int(0.7 * self.lam))]
        ):
            return "flat"
        patience = 10 + math.ceil(30.0 * self.n / self.lam)
        if self.updates - self.best_update > patience:
            return "stagnation"
        return None


@dataclass(frozen=True)
class EvolutionHistory:
    """The distributions an `EvolutionarySearch` sampled from, one per generation.

    Generation ``g`` drew its points from ``N(mean_g, sigma_g^2 C_g)`` in unit-cube
    coordinates (the space's encoding). Generations are numbered over all restarts, as
    ``trial.info["generation"]``; the last one is the generation being sampled now.

    Attributes
    ----------
    sigma : ndarray of float64, shape (G,)
        Step size of every generation.
    restart : ndarray of int64, shape (G,)
        Which run (0 = the first, 1 after the first restart, ...) each generation is in.
    population_size : ndarray of int64, shape (G,)
        Points per generation (lambda; doubles at each restart).
    restart_reasons : tuple of str
        Why each restart happened (``"tolx"``, ``"condition"``, ``"flat"`` or
        ``"stagnation"``), in order.
    first_full : int
        The first generation whose ``mean`` and ``C`` are kept: long runs keep only the
        latest ones in full (see `HISTORY_FLOATS`).
    mean : ndarray of float64, shape (G - first_full, D)
        Means of generations ``first_full`` to ``G - 1``.
    C : ndarray of float64, shape (G - first_full, D, D)
        Their covariance matrices, without the step size (``sigma^2 C`` is sampled).
    trial_number, trial_generation : ndarray of int64, shape (T,)
        Every trial the searcher proposed or was told, in number order, and the
        generation it belongs to.
    trial_injected : ndarray of bool, shape (T,)
        True for trials not drawn from their generation's distribution (replayed from
        storage, or told without being asked): they join the generation being sampled.
    """

    sigma: np.ndarray
    restart: np.ndarray
    population_size: np.ndarray
    restart_reasons: tuple[str, ...]
    first_full: int
    mean: np.ndarray
    C: np.ndarray
    trial_number: np.ndarray
    trial_generation: np.ndarray
    trial_injected: np.ndarray

    @property
    def n_generations(self) -> int:
        """Generations started (the last one is being sampled)."""
        return len(self.sigma)

    def cov(self, generation: int) -> FloatArray:
        """Return the sampling covariance ``sigma^2 C`` of a kept generation, shape (D, D)."""
        g = int(generation)
        if g < 0:
            g += self.n_generations
        if not self.first_full <= g < self.n_generations:
            raise IndexError(
                f"EvolutionHistory.cov: generation {generation} is not kept in full; "
                f"expected {self.first_full} <= generation < {self.n_generations}"
            )
        out: FloatArray = self.sigma[g] ** 2 * self.C[g - self.first_full]
        return out


class EvolutionarySearch(Searcher):
    """CMA-ES with IPOP restarts, on the unit cube of the space's encoding.

    Each generation samples ``population_size`` points from a multivariate normal
    ``N(mean, sigma^2 C)`` restricted to [0, 1]^D by resampling; the best half
    (weighted) moves the mean, and the evolution paths adapt ``sigma`` (cumulative
    step-size adaptation) and ``C`` (rank-one and rank-mu updates). Float and Int are
    one coordinate each (log space for log dimensions); a Choice is one coordinate per
    option, decoded by argmax. When the run converges, stagnates or its fitness is flat,
    it restarts from a random mean with a doubled population (IPOP-CMA-ES).

    Pending trials are fine: a generation is updated once ``population_size`` of its
    trials are finished; asks in between draw more points from the same distribution.
    Failed trials rank worst.

    Parameters
    ----------
    space : Space or dict name -> Dimension
        What to search.
    population_size : int, optional
        Points per generation (lambda, >= 2); ``4 + floor(3 ln D)`` by default.
    sigma0 : float
        Initial step size in unit-cube coordinates (each dimension spans 1); the first
        mean is the centre of the cube.
    restarts : bool
        Restart (IPOP) when a run ends; otherwise keep sampling from the final
        distribution.
    surrogate : bool
        Rank candidates with a linear-quadratic regression model of the archive
        (lq-CMA-ES, Hansen 2019): the candidates the model likes best are asked first,
        and once the model's out-of-sample ranking agrees with the results (Kendall tau
        >= 0.5), a generation is updated after a quarter of its candidates are evaluated,
        the rest ranked by the model. Far fewer trials per generation on smooth
        objectives; ``False`` gives plain CMA-ES.
    seed, direction
        As for every `Searcher`.

    Attributes
    ----------
    mean : ndarray (D,)
        Current mean in unit-cube coordinates (`mean_params` decodes it).
    sigma : float
        Current step size in unit-cube coordinates.
    cov : ndarray (D, D)
        The full sampling covariance ``sigma^2 C`` in unit-cube coordinates: for drawing
        the search distribution's ellipse, decode its axes with `Space.decode`.
    history : EvolutionHistory
        The distribution of every generation, the trials drawn from it and the restarts
        (``nbopt.drawing.ellipse_info`` draws it).

    Examples
    --------
    >>> from nbopt import space
    >>> s = EvolutionarySearch({"x": space.Float(-5, 5), "y": space.Float(-5, 5)}, seed=0)
    >>> for _ in range(120):
    ...     t = s.ask()
    ...     _ = s.tell(t, t.params["x"] ** 2 + t.params["y"] ** 2)
    >>> s.best_value < 1e-3
    True
    """

    def __init__(
        self,
        space: Space | Mapping[str, Dimension],
        *,
        population_size: int | None = None,
        sigma0: float = 0.15,
        restarts: bool = True,
        surrogate: bool = True,
        seed: int | np.random.Generator | None = None,
        direction: str = "minimize",
    ):
        super().__init__(space, seed=seed, direction=direction)
        n = self.space.encoded_dim
        if population_size is None:
            population_size = 4 + int(3 * math.log(n))
        if isinstance(population_size, bool) or not isinstance(population_size, (int, np.integer)):
            raise TypeError(
                f"EvolutionarySearch: population_size must be an int >= 2, got {population_size!r}"
            )
        if population_size < 2:
            raise ValueError(
                f"EvolutionarySearch: population_size must be >= 2, got {population_size!r}"
            )
        if isinstance(sigma0, bool) or not isinstance(sigma0, (int, float, np.floating)):
            raise TypeError(f"EvolutionarySearch: sigma0 must be a positive number, got {sigma0!r}")
        if not 0.0 < float(sigma0) <= 1.0:
            raise ValueError(
                f"EvolutionarySearch: sigma0 must be in (0, 1] (unit-cube coordinates), "
                f"got {sigma0!r}"
            )
        if not isinstance(restarts, bool):
            raise TypeError(f"EvolutionarySearch: restarts must be True or False, got {restarts!r}")
        if not isinstance(surrogate, bool):
            raise TypeError(
                f"EvolutionarySearch: surrogate must be True or False, got {surrogate!r}"
            )
        self.sigma0 = float(sigma0)
        self.restarts = restarts
        self.surrogate = surrogate
        self._base_lambda = int(population_size)
        self._state = _CMAState(n, self._base_lambda, np.full(n, 0.5), self.sigma0)
        self._generation = 0
        self._restart_count = 0
        self._gen_of: dict[int, int] = {}
        self._archive = _Archive(n)
        self._injected: set[int] = set()
        self._predicted: dict[int, float] = {}
        self._candidates = np.empty((0, n))
        self._queue: deque[int] = deque()
        self._model: Quadratic | None = None
        # The current generation's finished trials (``_evaluated``: those that were drawn
        # as its candidates), kept as they finish so that an update never scans every
        # trial; and the highest-numbered complete trials with a prediction, which is all
        # `_model_trusted` reads.
        self._finished: list[int] = []
        self._evaluated: list[int] = []
        self._recent: list[int] = []
        # what each generation sampled from, for `history` (no effect on proposals)
        self._hist_sigma: list[float] = []
        self._hist_restart: list[int] = []
        self._hist_lambda: list[int] = []
        self._restart_reasons: list[str] = []
        keep = HISTORY_FLOATS // (n * n + n)
        self._hist_full: deque[tuple[FloatArray, FloatArray]] = deque(
            maxlen=max(8, min(10_000, keep))
        )
        self._start_generation()

    @property
    def mean(self) -> FloatArray:
        """Mean of the search distribution in unit-cube coordinates, shape (D,)."""
        with self._lock:
            return self._state.mean.copy()

    @property
    def mean_params(self) -> dict[str, Any]:
        """The mean decoded to params."""
        params: dict[str, Any] = self.space.decode(self.mean)
        return params

    @property
    def sigma(self) -> float:
        """Step size in unit-cube coordinates."""
        return self._state.sigma

    @property
    def cov(self) -> FloatArray:
        """Sampling covariance ``sigma^2 C`` in unit-cube coordinates, shape (D, D)."""
        with self._lock:
            out: FloatArray = self._state.sigma**2 * self._state.C
            return out

    @property
    def generation(self) -> int:
        """Generations completed (over all restarts)."""
        return self._generation

    @property
    def restart_count(self) -> int:
        """How many times the run has restarted."""
        return self._restart_count

    @property
    def population_size(self) -> int:
        """Points per generation of the current run (doubles at each restart)."""
        return self._state.lam

    @property
    def history(self) -> EvolutionHistory:
        """The distribution each generation sampled from, its trials, and the restarts.

        A copy, taken under the searcher's lock: safe to read while the search runs.

        Examples
        --------
        >>> from nbopt import space
        >>> s = EvolutionarySearch({"x": space.Float(-5, 5), "y": space.Float(-5, 5)},
        ...                        seed=0, surrogate=False)
        >>> for _ in range(12):
        ...     t = s.ask()
        ...     _ = s.tell(t, t.params["x"] ** 2 + t.params["y"] ** 2)
        >>> h = s.history
        >>> h.n_generations, h.population_size.tolist(), h.restart.tolist()
        (3, [6, 6, 6], [0, 0, 0])
        >>> h.trial_generation.tolist()
        [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]
        >>> bool(np.allclose(h.cov(-1), s.cov)), bool(h.sigma[-1] < h.sigma[0])
        (True, True)
        """
        with self._lock:
            n = self.space.encoded_dim
            full = list(self._hist_full)
            numbers = np.fromiter(self._gen_of.keys(), dtype=np.int64, count=len(self._gen_of))
            gens = np.fromiter(self._gen_of.values(), dtype=np.int64, count=len(self._gen_of))
            order = np.argsort(numbers, kind="stable")
            replayed = np.fromiter(self._injected, dtype=np.int64, count=len(self._injected))
            injected = np.isin(numbers[order], replayed)
            return EvolutionHistory(
                sigma=np.array(self._hist_sigma, dtype=np.float64),
                restart=np.array(self._hist_restart, dtype=np.int64),
                population_size=np.array(self._hist_lambda, dtype=np.int64),
                restart_reasons=tuple(self._restart_reasons),
                first_full=len(self._hist_sigma) - len(full),
                mean=np.array([m for m, _ in full], dtype=np.float64).reshape(-1, n),
                C=np.array([c for _, c in full], dtype=np.float64).reshape(-1, n, n),
                trial_number=numbers[order],
                trial_generation=gens[order],
                trial_injected=injected,
            )

    def _fit_model(self) -> Quadratic | None:
        if not self.surrogate:
            return None
        state = self._state
        if state.sigma * float(state.D.min()) < _MIN_MODEL_SCALE:
            return None
        xs, values = self._archive.points(self._archive.complete_slots())
        whiten = state.B @ np.diag(1.0 / state.D) @ state.B.T / state.sigma
        model = Quadratic(xs, values, center=state.mean, whiten=whiten, min_points=state.lam)
        return model if model.ready else None

    def _start_generation(self) -> None:
        """Sample the generation's candidates; with a model, ask the most promising first."""
        lam = self._state.lam
        self._hist_sigma.append(self._state.sigma)
        self._hist_restart.append(self._restart_count)
        self._hist_lambda.append(lam)
        self._hist_full.append((self._state.mean.copy(), self._state.C.copy()))
        self._finished = []
        self._evaluated = []
        self._candidates = np.array([self._state.sample(self._rng) for _ in range(lam)])
        self._model = self._fit_model()
        if self._model is None:
            self._queue = deque(range(lam))
            self._candidate_pred = np.full(lam, np.nan)
        else:
            pred = self._model.predict(self._candidates)
            self._queue = deque(int(i) for i in np.argsort(pred, kind="stable"))
            self._candidate_pred = pred

    def _model_trusted(self) -> bool:
        """Check out of sample that predictions made at ask time rank the recent results."""
        recent = [
            (self._predicted[n], self._signed_value(self._trials[n]))
            for n in reversed(self._recent)
        ]
        if len(recent) < 6:
            return False
        pred, true = np.array(recent).T
        return kendall_tau(pred, true) >= _TRUST_TAU

    def _maybe_update(self) -> None:
        """Update the distribution once the current generation has enough results.

        Reads only the current generation's finished trials (at most ``lam`` of them
        when it updates), never every trial. The surrogate (`_fit_model`, once or twice
        a generation) is the one part that reads the whole archive of complete points:
        lq-CMA-ES fits on the points nearest the mean in this generation's metric.
        """
        lam = self._state.lam
        if len(self._finished) >= lam:
            # the generation's first ``lam`` finished trials by number
            current = [self._trials[n] for n in sorted(self._finished)[:lam]]
            xs = np.array([self._archive.x(t.number) for t in current])
            values = np.array([self._signed_value(t) for t in current])
            injected = np.array([t.number in self._injected for t in current])
        elif (
            self._model is not None
            and len(self._evaluated) >= max(1, lam // 4)
            and any(self._trials[n].state == "complete" for n in self._evaluated)
            and self._model_trusted()
        ):
            # lq-CMA-ES: the model ranks the candidates not evaluated yet, so a generation
            # can pass on a few true evaluations; none of them may rank above the best
            # evaluated one.
            refit = self._fit_model() or self._model
            values = refit.predict(self._candidates)
            from_candidates = [self._trials[n] for n in sorted(self._evaluated)]
            evaluated = {int(t.info["candidate"]): self._signed_value(t) for t in from_candidates}
            true_best = min(evaluated.values())
            others = [i for i in range(lam) if i not in evaluated]
            if others and math.isfinite(true_best):
                values[others] += max(0.0, true_best - float(values[others].min()) + 1e-12)
            for i, v in evaluated.items():
                values[i] = v
            xs = self._candidates
            injected = np.zeros(lam, dtype=bool)
        else:
            return
        self._state.update(xs, values, injected)
        self._generation += 1
        reason = self._state.stop_reason(values)
        if reason is not None and self.restarts:
            self._restart_count += 1
            self._restart_reasons.append(reason)
            lam = self._base_lambda * 2**self._restart_count
            mean = self._rng.random(self.space.encoded_dim)
            self._state = _CMAState(self.space.encoded_dim, lam, mean, self.sigma0)
        self._start_generation()

    def _propose(self, number: int) -> tuple[dict[str, Any], dict[str, Any]]:
        self._maybe_update()
        candidate: int | None = None
        if self._queue:
            candidate = self._queue.popleft()
            x = self._candidates[candidate]
            if not np.isnan(self._candidate_pred[candidate]):
                self._predicted[number] = float(self._candidate_pred[candidate])
        else:
            x = self._state.sample(self._rng)
        self._archive.add(number, x)
        self._gen_of[number] = self._generation
        params: dict[str, Any] = self.space.decode(x)
        info = {"generation": self._generation, "restart": self._restart_count}
        return params, {**info, "candidate": candidate}

    def _observe(self, trial: Trial) -> None:
        number = trial.number
        if number not in self._archive:
            # A replayed trial joins the current generation as an injected solution.
            self._archive.add(number, self.space.encode(trial.params))
            self._gen_of[number] = self._generation
            self._injected.add(number)
        if self._gen_of.get(number) == self._generation:
            self._finished.append(number)
            if trial.info.get("candidate") is not None and number not in self._injected:
                self._evaluated.append(number)
        if trial.state == "complete":
            self._archive.complete(number, self._signed_value(trial))
            if number in self._predicted and (
                len(self._recent) < _TRUST_WINDOW or number > self._recent[0]
            ):
                bisect.insort(self._recent, number)
                del self._recent[:-_TRUST_WINDOW]
        self._maybe_update()
