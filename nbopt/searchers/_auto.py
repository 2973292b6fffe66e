"""AutoSearch: picks or combines searchers by the space and by what the trials show."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np

from nbopt.searchers._base import Searcher, Trial
from nbopt.searchers._cmaes import EvolutionarySearch
from nbopt.searchers._genetic import GeneticSearch
from nbopt.searchers._grid import GridSearch
from nbopt.space import Choice, Dimension, Float, Int, Space

__all__ = ["AutoSearch"]

# A finite space with at most this many points is searched exhaustively.
_GRID_MAX_POINTS = 32
# Beyond this many encoded coordinates a Gaussian process needs far more trials than a
# few hundred to learn anything, and its cost grows: CMA-ES is used instead.
_GP_MAX_DIM = 60
# Discount of the running reward of each portfolio member (about the last 5 trials count).
_REWARD_DECAY = 0.8
# Neither member of the portfolio gets less than this share of the asks.
_MIN_SHARE = 0.1
# Leave-one-out rank correlation from which the Gaussian process gets nearly every ask
# (benchmarks/search.py, shifted instances, 10 seeds: at 0.9 Hartmann-6's 0.8-0.86 left the
# genetic algorithm half the asks and auto 1.4 decades behind BayesianSearch; at 0.8 it is
# level, and the rugged functions, at 0.5-0.8, keep their portfolio).
_TRUSTED_MODEL = 0.8


def _finite_size(space: Space) -> int | None:
    """Count the points of a space of Int, Choice and stepped Float (None if infinite)."""
    size = 1
    for dim in space.values():
        if isinstance(dim, Choice):
            size *= len(dim.options)
        elif isinstance(dim, Int):
            size *= int(dim.hi) - int(dim.lo) + 1
        else:
            assert isinstance(dim, Float)
            if dim.step is None:
                return None
            size *= round((dim.hi - dim.lo) / dim.step) + 1
        if size > 10**9:
            return size
    return size


class AutoSearch(Searcher):
    """Chooses the searcher from the space, then shares the trials by what they show.

    Rules, in order (the one applied is in `choice` and `reason`):

    1. A finite space (Int, Choice and stepped Float only) of at most 32 points is
       searched exhaustively, in random order (`GridSearch`).
    2. More than 60 encoded coordinates: `EvolutionarySearch` (CMA-ES); a Gaussian
       process learns little there within a few hundred trials, at a growing cost.
    3. Otherwise a portfolio of `BayesianSearch` and `GeneticSearch` over one shared
       history: every finished trial is given to both (a trial asked from one is
       replayed into the other), and each ask goes to one of them with a probability
       that follows their recent results. A member's reward for a trial is 1 when it
       beats every earlier complete trial (a new best), else 0, discounted over time;
       each keeps at least 10 % of the asks. While the Gaussian process ranks held-out
       trials well (leave-one-out rank correlation at least 0.8: a smooth
       objective), it gets 90 % of the asks whatever the rewards say. On rugged
       objectives, where its surrogate predicts badly, the genetic algorithm's
       recombination of good points earns its share.

    Parameters
    ----------
    space : Space or dict name -> Dimension
    seed : int, numpy Generator or None
    direction : {"minimize", "maximize"}

    Attributes
    ----------
    choice : str
        ``"grid"``, ``"evolutionary"`` or ``"bayesian+genetic"``.
    reason : str
        Why, in words.
    members : dict of str to Searcher
        The searchers in use, by method name (``members["bayesian"]`` draws the
        surrogate with ``surrogate_grid``).

    Every trial's ``info`` holds ``"searcher"`` (the member that proposed it) next to
    that member's own record.

    Examples
    --------
    >>> from nbopt import space
    >>> s = AutoSearch({"x": space.Float(-2.0, 2.0), "y": space.Float(-2.0, 2.0)}, seed=0)
    >>> for _ in range(20):
    ...     t = s.ask()
    ...     _ = s.tell(t, (t.params["x"] - 0.5) ** 2 + t.params["y"] ** 2)
    >>> s.choice
    'bayesian+genetic'
    >>> s.best_value < 0.1
    True
    """

    def __init__(
        self,
        space: Space | Mapping[str, Dimension],
        *,
        seed: int | np.random.Generator | None = None,
        direction: str = "minimize",
    ):
        super().__init__(space, seed=seed, direction=direction)
        from nbopt.searchers._bayesian import BayesianSearch  # scipy: loaded on first use

        sp = self.space
        child_seeds = self._rng.integers(0, 2**63 - 1, size=2)
        size = _finite_size(sp)
        self.members: dict[str, Searcher] = {}
        if size is not None and size <= _GRID_MAX_POINTS:
            self.choice = "grid"
            self.reason = (
                f"finite space of {size} points (<= {_GRID_MAX_POINTS}): every point is "
                "evaluated once, in random order"
            )
            resolution = max(
                [int(d.hi) - int(d.lo) + 1 for d in sp.values() if isinstance(d, Int)]
                + [
                    round((d.hi - d.lo) / d.step) + 1
                    for d in sp.values()
                    if isinstance(d, Float) and d.step is not None
                ]
                + [2]
            )
            self.members["grid"] = GridSearch(
                sp,
                resolution=resolution,
                shuffle=True,
                seed=int(child_seeds[0]),
                direction=direction,
            )
        elif sp.encoded_dim > _GP_MAX_DIM:
            self.choice = "evolutionary"
            self.reason = (
                f"{sp.encoded_dim} encoded coordinates (> {_GP_MAX_DIM}): CMA-ES, as a "
                "Gaussian process learns little there within a few hundred trials"
            )
            self.members["evolutionary"] = EvolutionarySearch(
                sp, seed=int(child_seeds[0]), direction=direction
            )
        else:
            self.choice = "bayesian+genetic"
            self.reason = (
                f"{sp.encoded_dim} encoded coordinates: a Gaussian-process searcher and a "
                "genetic algorithm share the trials, each asked in proportion to how "
                "well its recent proposals ranked"
            )
            self.members["bayesian"] = BayesianSearch(
                sp, seed=int(child_seeds[0]), direction=direction
            )
            self.members["genetic"] = GeneticSearch(
                sp, seed=int(child_seeds[1]), direction=direction
            )
        self._reward = dict.fromkeys(self.members, 0.5)
        # auto trial number -> (member name, that member's number of the trial)
        self._origin: dict[int, tuple[str, int]] = {}
        # member name -> {auto number: member number} for every trial it holds
        self._numbers: dict[str, dict[int, int]] = {name: {} for name in self.members}

    # -- allocation -----------------------------------------------------------------

    @property
    def shares(self) -> dict[str, float]:
        """Probability that the next ask goes to each member (after the start-up)."""
        names = list(self.members)
        if len(names) == 1:
            return {names[0]: 1.0}
        quality = self._model_quality()
        if "bayesian" in names and quality is not None and quality >= _TRUSTED_MODEL:
            # The surrogate ranks held-out trials almost perfectly: a smooth objective,
            # where the Gaussian process is far more sample-efficient than a GA.
            rest = _MIN_SHARE / (len(names) - 1)
            return {n: (1.0 - _MIN_SHARE if n == "bayesian" else rest) for n in names}
        raw = np.array([max(self._reward[n], 1e-3) for n in names])
        p = raw / raw.sum()
        p = np.clip(p, _MIN_SHARE, 1.0 - _MIN_SHARE * (len(names) - 1))
        p /= p.sum()
        return {n: float(v) for n, v in zip(names, p)}

    def _pick(self) -> str:
        names = list(self.members)
        if len(names) == 1:
            return names[0]
        bayes = self.members.get("bayesian")
        if bayes is not None and len(self._numbers["bayesian"]) < getattr(
            bayes, "n_startup_trials", 0
        ):
            # The Gaussian process's quasi-random start-up covers the space first; the
            # genetic algorithm takes those trials as its first generation.
            return "bayesian"
        shares = self.shares
        return str(self._rng.choice(names, p=[shares[n] for n in names]))

    def _model_quality(self) -> float | None:
        """Leave-one-out rank correlation of the Bayesian member's last model, if any."""
        bayes = self.members.get("bayesian")
        if bayes is None:
            return None
        for trial in reversed(bayes.trials):
            quality = trial.info.get("loo_rank_correlation")
            if quality is not None:
                return float(quality)
        return None

    # -- Searcher hooks -------------------------------------------------------------

    @property
    def exhausted(self) -> bool:
        """Return True when the members cannot propose anything new."""
        return all(m.exhausted for m in self.members.values())

    def _propose(self, number: int) -> tuple[dict[str, Any], dict[str, Any]]:
        name = self._pick()
        member = self.members[name]
        if member.exhausted:
            name = next(n for n, m in self.members.items() if not m.exhausted)
            member = self.members[name]
        from nbopt.searchers._gp import single_threaded_blas  # scipy: not at import

        bayes = self.members.get("bayesian")
        if bayes is not None:
            # The Gaussian process treats every running trial as pending, also those the
            # genetic algorithm proposed, so its proposals keep away from them too.
            bayes.pending_elsewhere = [  # type: ignore[attr-defined]
                t.params
                for t in self._trials.values()
                if t.state == "running" and self._origin.get(t.number, ("",))[0] != "bayesian"
            ]
        # The genetic algorithm's least-squares surrogate is a small LAPACK call too:
        # threads only add contention at these sizes (see single_threaded_blas).
        with single_threaded_blas():
            trial = member.ask()
        self._origin[number] = (name, trial.number)
        self._numbers[name][number] = trial.number
        info = {"searcher": name, **trial.info}
        return dict(trial.params), info

    def _observe(self, trial: Trial) -> None:
        origin = self._origin.get(trial.number)
        if origin is not None:
            name, member_number = origin
            self._reward_member(name, trial)
            member = self.members[name]
            if trial.state == "complete" and trial.value is not None:
                member.tell(member_number, trial.value, duration=trial.duration)
            elif trial.state == "pruned":
                member.tell(
                    member_number,
                    pruned=True,
                    intermediate_values=dict(trial.intermediate_values),
                    duration=trial.duration,
                )
            else:
                member.tell(member_number, error=trial.error or "failed", duration=trial.duration)
        for other, member in self.members.items():
            if origin is not None and other == origin[0]:
                continue
            # Members number their trials consecutively, so the next free number is the
            # count of trials they hold.
            copy = dataclasses.replace(
                trial, number=len(member.trials), info={}, metrics=dict(trial.metrics)
            )
            member.add_finished(copy)
            self._numbers[other][trial.number] = copy.number

    def _reward_member(self, name: str, trial: Trial) -> None:
        value = self._signed_value(trial)
        earlier = [
            self._signed_value(t)
            for t in self._trials.values()
            if t.state == "complete" and t.number != trial.number
        ]
        if not earlier:
            return
        improved = 1.0 if value < min(earlier) else 0.0
        self._reward[name] = _REWARD_DECAY * self._reward[name] + (1 - _REWARD_DECAY) * improved

    # -- drawing --------------------------------------------------------------------

    def surrogate_grid(self, x: str, y: str, resolution: int = 50, **kwargs: Any) -> Any:
        """Return the Bayesian member's :meth:`BayesianSearch.surrogate_grid`.

        Raises
        ------
        ValueError
            When no Gaussian process is in use (see `choice`).
        """
        bayes = self.members.get("bayesian")
        if bayes is None:
            raise ValueError(
                f"surrogate_grid: AutoSearch chose {self.choice!r}, which has no surrogate "
                f"({self.reason})"
            )
        return bayes.surrogate_grid(x, y, resolution, **kwargs)  # type: ignore[attr-defined]

    @property
    def trust_region(self) -> Any:
        """The Bayesian member's :attr:`BayesianSearch.trust_region` (for drawing).

        Raises
        ------
        ValueError
            When no Gaussian process is in use, or before a trial has completed.
        """
        bayes = self.members.get("bayesian")
        if bayes is None:
            raise ValueError(
                f"trust_region: AutoSearch chose {self.choice!r}, which has no trust region"
            )
        return bayes.trust_region  # type: ignore[attr-defined]

    def __repr__(self) -> str:
        return super().__repr__()[:-1] + f", choice={self.choice!r})"
