"""Race: several optimizers in lockstep from one start on one problem."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from nbopt.optimizers._base import Optimizer
from nbopt.optimizers._run import (
    DEFAULT_MAX_RADIUS,
    DEFAULT_TOL,
    FloatArray,
    OptimizerRun,
    Trajectory,
    TrajectoryStatus,
    _batch_grad,
    as_optimizer,
    as_problem,
    as_start,
    check_batch_size,
    check_steps,
    evaluate,
    resolve_seed,
)

if TYPE_CHECKING:
    from nbopt.problems import Problem

__all__ = ["Race", "RaceStep"]


@dataclass(frozen=True, eq=False)
class RaceStep:
    """Where every optimizer of a :class:`Race` stands after one lockstep step.

    Rows follow :attr:`Race.names`; an optimizer that has finished keeps its last values.

    Attributes
    ----------
    step : int
        The race's step count after this step.
    positions : ndarray, shape (n_opt, d)
    losses : ndarray, shape (n_opt,)
    grad_norms : ndarray, shape (n_opt,)
    val_losses : ndarray, shape (n_opt,) or None
    statuses : list of str
        Each run's status (``"running"``, ``"converged"``, ``"diverged"``, ``"max_steps"``).
    """

    step: int
    positions: FloatArray
    losses: FloatArray
    grad_norms: FloatArray
    val_losses: FloatArray | None
    statuses: list[TrajectoryStatus]


class Race:
    """Several optimizers racing in lockstep from one start on one problem.

    The engine behind :func:`nbopt.optimize` and its live widget: each :meth:`step`
    moves every unfinished optimizer once. An optimizer that converges or diverges stops
    where it is while the others go on. With ``batch_size`` every optimizer sees the same
    mini-batch at the same step (one sampler, seeded by ``seed``), so the race is fair and
    each trajectory equals ``run(problem, optimizer, start, steps, batch_size, seed)``.

    The race steps clones of the optimizers given (see :class:`OptimizerRun`): the objects
    passed in are never modified. Change a hyperparameter mid-race with
    :meth:`set_hyperparam`. A race is not thread-safe: drive it from one thread, or
    through a :class:`nbopt.live.Session` and its ``call()``.

    Parameters
    ----------
    problem : Problem or str
        The objective, or a name for :func:`nbopt.problems.get`.
    optimizers : mapping of str to Optimizer, or sequence of Optimizer
        The contestants by display name (names from the class names for a sequence;
        names of optimizers such as ``"adam"`` are accepted in place of objects).
    start : array_like of shape (d,), optional
        Common start point; ``problem.default_start`` by default.
    steps : int, default 500
        Most steps of every optimizer.
    batch_size : int, optional
        Mini-batch size (data problems only).
    seed : int, optional
        Seed of the shared mini-batch sampler; drawn at random (and kept in :attr:`seed`)
        when None, so a race can always be replayed.
    tol, max_radius : float
        Convergence and divergence thresholds, see :class:`OptimizerRun`.

    Examples
    --------
    >>> from nbopt.optimizers import SGD, Adam, Race
    >>> race = Race(
    ...     "rosenbrock",
    ...     {"SGD": SGD(lr=1e-3, momentum=0.9), "Adam": Adam(lr=0.05)},
    ...     start=(-1.5, 2.0),
    ...     steps=300,
    ... )
    >>> record = race.step()
    >>> record.step, record.positions.shape, record.statuses
    (1, (2, 2), ['running', 'running'])
    >>> race.run_to_end()
    >>> race.finished, {name: t.steps for name, t in race.trajectories().items()}
    (True, {'SGD': 300, 'Adam': 300})
    """

    _step_count: int
    _rng: np.random.Generator

    def __init__(
        self,
        problem: Problem | str,
        optimizers: Mapping[str, Optimizer | str] | Sequence[Optimizer | str],
        start: npt.ArrayLike | None = None,
        steps: int = 500,
        batch_size: int | None = None,
        seed: int | None = None,
        *,
        tol: float = DEFAULT_TOL,
        max_radius: float = DEFAULT_MAX_RADIUS,
    ) -> None:
        self._problem = as_problem(problem)
        contestants = _named(optimizers)
        self._total_steps = check_steps(steps)
        self._batch_size = check_batch_size(self._problem, batch_size)
        self._seed = resolve_seed(seed, self._batch_size)
        self._start = as_start(self._problem, start)
        self._runs = {
            name: OptimizerRun(
                self._problem,
                opt,
                self._start,
                self._total_steps,
                self._batch_size,
                self._seed,
                tol=tol,
                max_radius=max_radius,
            )
            for name, opt in contestants.items()
        }
        self._names = list(self._runs)
        self._run_list = [self._runs[name] for name in self._names]
        self._restart()

    # ------------------------------------------------------------------ properties
    @property
    def problem(self) -> Problem:
        """The problem being minimized."""
        return self._problem

    @property
    def names(self) -> list[str]:
        """The optimizers' display names, in order."""
        return list(self._names)

    @property
    def runs(self) -> dict[str, OptimizerRun]:
        """One :class:`OptimizerRun` per optimizer, by name."""
        return dict(self._runs)

    @property
    def start(self) -> FloatArray:
        """The common start point, shape ``(d,)``."""
        return self._start.copy()

    @property
    def step_count(self) -> int:
        """Lockstep steps taken so far."""
        return self._step_count

    @property
    def total_steps(self) -> int:
        """Most steps of the race."""
        return self._total_steps

    @property
    def batch_size(self) -> int | None:
        """Mini-batch size, or None for full-batch gradients."""
        return self._batch_size

    @property
    def seed(self) -> int | None:
        """Seed of the shared mini-batch sampler (None for full-batch races)."""
        return self._seed

    @property
    def finished(self) -> bool:
        """True when every optimizer has finished or the race reached ``total_steps``."""
        if self._step_count >= self._total_steps:
            return True
        return all(run._status != "running" for run in self._run_list)

    @property
    def statuses(self) -> dict[str, TrajectoryStatus]:
        """Each optimizer's status, by name."""
        return {name: run.status for name, run in self._runs.items()}

    def __repr__(self) -> str:
        return (
            f"Race({self._problem.name!r}, {self._names}, step {self._step_count}/"
            f"{self._total_steps})"
        )

    # ------------------------------------------------------------------ stepping
    def step(self) -> RaceStep:
        """Move every unfinished optimizer one step and return where they all stand.

        Raises ``RuntimeError`` once the race is :attr:`finished`.
        """
        if self.finished:
            raise RuntimeError(
                f"the race is finished after {self._step_count} steps; call reset() to rerun it"
            )
        with np.errstate(all="ignore"):
            self._advance()
        return self.record()

    def run_to_end(self) -> None:
        """Step until the race is finished (the fast path for recomputing a whole race).

        Ctrl-C (a kernel interrupt) ends the race early: every unfinished optimizer is
        marked ``"stopped"`` and every finished step is kept.
        """
        try:
            with np.errstate(all="ignore"):
                while self._step_count < self._total_steps and self._advance():
                    pass
        except KeyboardInterrupt:
            self.stop()

    def record(self) -> RaceStep:
        """Where every optimizer stands now, as a :class:`RaceStep`."""
        runs = self._run_list
        # read straight from the runs' history rows: this runs after every step
        return RaceStep(
            step=self._step_count,
            positions=np.array([r._positions[r._n] for r in runs]),
            losses=np.array([r._losses[r._n] for r in runs]),
            grad_norms=np.array([r._grad_norms[r._n] for r in runs]),
            val_losses=np.array([r.val_loss for r in runs], dtype=np.float64)
            if self._problem.has_validation
            else None,
            statuses=[r._status for r in runs],
        )

    def _advance(self) -> bool:
        """Move every unfinished run one step; False (and no step) when none is left."""
        active = [run for run in self._run_list if run._status == "running"]
        if not active:
            return False
        new = np.empty((len(active), self._problem.dim))
        if self._batch_size is not None:
            batch = self._problem.sample_batch(self._rng, self._batch_size)
            here = np.array([run._position_now() for run in active])
            directions = _batch_grad(self._problem, here, batch)
            for i, run in enumerate(active):
                run._advance(directions[i], out=new[i])
        else:
            for i, run in enumerate(active):
                run._advance(run._grad, out=new[i])
        losses, grads, vals = evaluate(self._problem, new)
        # One reduction for all runs instead of two per run; hypot does not overflow.
        norms = np.hypot.reduce(grads, axis=1).tolist()
        radii = np.hypot.reduce(new, axis=1).tolist()
        loss_list = losses.tolist()
        val_list = None if vals is None else vals.tolist()
        for i, run in enumerate(active):
            val = None if val_list is None else val_list[i]
            run._commit(new[i], loss_list[i], grads[i], val, norms[i], radii[i])
        self._step_count += 1
        return True

    # ------------------------------------------------------------------ control
    def reset(self, start: npt.ArrayLike | None = None) -> None:
        """Start the race again (from ``start`` if given), keeping the hyperparameters."""
        if start is not None:
            self._start = as_start(self._problem, start)
        for run in self._runs.values():
            run.reset(self._start)
        self._restart()

    def stop(self) -> None:
        """Mark every unfinished optimizer as ``"stopped"`` (their histories are kept)."""
        for run in self._runs.values():
            run.stop()

    def set_hyperparam(self, name: str, key: str, value: Any) -> None:
        """Set hyperparameter ``key`` of optimizer ``name`` (e.g. a learning rate from a slider).

        The optimizer keeps its state and goes on with the new value from its next step;
        call :meth:`reset` and :meth:`run_to_end` to recompute the race from the start.

        Examples
        --------
        >>> from nbopt.optimizers import Adam, Race
        >>> race = Race("rosenbrock", {"Adam": Adam(lr=0.05)}, steps=10)
        >>> race.set_hyperparam("Adam", "lr", 0.1)
        >>> race.runs["Adam"].optimizer.lr
        0.1
        """
        if name not in self._runs:
            raise KeyError(f"no optimizer named {name!r} in this race; names: {self._names}")
        optimizer = self._runs[name].optimizer
        accepted = optimizer.hyperparams
        if key not in accepted:
            raise KeyError(
                f"{type(optimizer).__name__} ({name!r}) has no hyperparameter {key!r}; "
                f"it has {list(accepted)}"
            )
        try:
            setattr(optimizer, key, value)
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"optimizer {name!r}: {exc}") from exc

    def rerun(self, name: str) -> None:
        """Recompute optimizer ``name`` from the start, leaving the others as they are.

        The cheap path for live tuning after :meth:`set_hyperparam`: the optimizers of a
        race never interact (they share the start and the mini-batch sequence, nothing
        else), so only the changed one needs recomputing. It is replayed up to the race's
        current step, or to the end when the race had finished, and the race carries on in
        lockstep from there.

        Examples
        --------
        >>> from nbopt.optimizers import SGD, Adam, Race
        >>> race = Race("rosenbrock", {"SGD": SGD(lr=1e-3), "Adam": Adam(lr=0.05)}, steps=200)
        >>> race.run_to_end()
        >>> race.set_hyperparam("Adam", "lr", 0.02)
        >>> race.rerun("Adam")
        >>> race.trajectories()["Adam"].steps, race.finished
        (200, True)
        """
        if name not in self._runs:
            raise KeyError(f"no optimizer named {name!r} in this race; names: {self._names}")
        target = self._total_steps if self.finished else self._step_count
        run = self._runs[name]
        run.reset(self._start)
        try:
            with np.errstate(all="ignore"):
                while run.step_count < target and not run.finished:
                    run._step()
        except KeyboardInterrupt:
            run.stop()
        self._step_count = max(self._step_count, max(r.step_count for r in self._runs.values()))

    def trajectories(self) -> dict[str, Trajectory]:
        """Every optimizer's history so far, by name."""
        return {name: run.trajectory() for name, run in self._runs.items()}

    def results(self) -> dict[str, list[Any]]:
        """Return one row per optimizer as a table (a dict of columns, ready for a DataFrame).

        Columns: ``name``, ``optimizer`` (repr), ``status``, ``steps``, ``final_loss``,
        ``best_loss``, ``grad_norm``, ``converged_at``, ``diverged_at`` and, with
        validation data, ``val_loss``.

        Examples
        --------
        >>> from nbopt.optimizers import SGD, Race
        >>> race = Race("booth", {"slow": SGD(lr=0.01), "fast": SGD(lr=0.05)}, (0.0, 0.0), 1000)
        >>> race.run_to_end()
        >>> table = race.results()
        >>> table["name"], table["status"], table["converged_at"]
        (['slow', 'fast'], ['converged', 'converged'], [964, 185])
        """
        trajectories = self.trajectories()
        rows = [trajectories[name] for name in self._names]
        table: dict[str, list[Any]] = {
            "name": list(self._names),
            "optimizer": [t.optimizer for t in rows],
            "status": [t.status for t in rows],
            "steps": [t.steps for t in rows],
            "final_loss": [t.final_loss for t in rows],
            "best_loss": [t.best_loss for t in rows],
            "grad_norm": [float(t.grad_norms[-1]) for t in rows],
            "converged_at": [t.converged_at for t in rows],
            "diverged_at": [t.diverged_at for t in rows],
        }
        if self._problem.has_validation:
            table["val_loss"] = [
                float(t.val_losses[-1]) if t.val_losses is not None else None for t in rows
            ]
        return table

    def _restart(self) -> None:
        self._rng = np.random.default_rng(self._seed)
        self._step_count = 0


def _named(
    optimizers: Mapping[str, Optimizer | str] | Sequence[Optimizer | str],
) -> dict[str, Optimizer]:
    """Optimizers by display name, from a mapping or a sequence."""
    if isinstance(optimizers, Mapping):
        named: dict[str, Optimizer] = {}
        for name, opt in optimizers.items():
            if not isinstance(name, str) or not name:
                raise TypeError(f"optimizer names must be non-empty strings, got {name!r}")
            named[name] = as_optimizer(opt)
    elif isinstance(optimizers, Sequence) and not isinstance(optimizers, str):
        named = {}
        for opt in optimizers:
            optimizer = as_optimizer(opt)
            base = type(optimizer).__name__
            name, k = base, 2
            while name in named:
                name, k = f"{base} ({k})", k + 1
            named[name] = optimizer
    else:
        raise TypeError(
            "optimizers must be a dict of name -> Optimizer (e.g. {'Adam': Adam(lr=0.01)}) "
            f"or a list of optimizers, got {type(optimizers).__name__}"
        )
    if not named:
        raise ValueError("a race needs at least one optimizer")
    return named
