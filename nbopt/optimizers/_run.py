"""One optimizer on one problem, step by step: ``OptimizerRun``, ``run``, ``Trajectory``."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

from nbopt.optimizers._base import Optimizer
from nbopt.optimizers._base import get as _get_optimizer

if TYPE_CHECKING:
    from nbopt.problems import Problem

__all__ = ["OptimizerRun", "Trajectory", "TrajectoryStatus", "run"]

FloatArray = npt.NDArray[np.float64]
TrajectoryStatus = Literal["converged", "diverged", "max_steps", "running", "stopped"]

DEFAULT_TOL = 1e-8
"""A run has converged when the full gradient norm falls under this (absolute)."""

DEFAULT_MAX_RADIUS = 1e12
"""A run has diverged when the position's Euclidean norm exceeds this (or is inf/NaN)."""

# Positions, losses and gradient norms grow in blocks of at least this many rows.
_INITIAL_CAPACITY = 256


@dataclass(frozen=True, eq=False, repr=False)
class Trajectory:
    """The full history of one optimizer on one problem.

    Row ``k`` describes the position after ``k`` steps (row 0 is the start). When the run
    diverged, the last row is the position where that was detected and may hold inf/NaN.

    Attributes
    ----------
    positions : ndarray, shape (n + 1, d)
        Parameters after each step.
    losses : ndarray, shape (n + 1,)
        Full training loss at each position (also for mini-batch runs).
    grad_norms : ndarray, shape (n + 1,)
        Euclidean norm of the full gradient at each position.
    val_losses : ndarray, shape (n + 1,) or None
        Validation loss at each position, for problems with validation data.
    status : str
        ``"converged"``, ``"diverged"``, ``"max_steps"``, ``"running"`` (not finished) or
        ``"stopped"`` (interrupted).
    diverged_at, converged_at : int or None
        The step at which divergence / convergence was detected.
    optimizer : str
        ``repr`` of the optimizer, with its hyperparameters.
    problem : str
        Name of the problem.
    param_names : tuple of str
        The problem's parameter names (columns of ``positions``).
    """

    positions: FloatArray
    losses: FloatArray
    grad_norms: FloatArray
    val_losses: FloatArray | None
    status: TrajectoryStatus
    diverged_at: int | None
    converged_at: int | None
    optimizer: str
    problem: str = ""
    param_names: tuple[str, ...] = ()

    @property
    def steps(self) -> int:
        """Number of steps taken (``len(losses) - 1``)."""
        return len(self.losses) - 1

    @property
    def final_position(self) -> FloatArray:
        """The last position, shape ``(d,)``."""
        last: FloatArray = self.positions[-1]
        return last

    @property
    def final_loss(self) -> float:
        """The loss at the last position."""
        return float(self.losses[-1])

    @property
    def best_loss(self) -> float:
        """The lowest finite loss along the way (NaN if there is none)."""
        finite = self.losses[np.isfinite(self.losses)]
        return float(finite.min()) if finite.size else math.nan

    def as_dict(self) -> dict[str, npt.NDArray[Any]]:
        """Return the history as a table: one array per column, ready for a DataFrame.

        Columns: ``step``, ``loss``, ``grad_norm``, ``val_loss`` (with validation data)
        and ``param_<name>`` per parameter.

        Examples
        --------
        >>> from nbopt.optimizers import Adam, run
        >>> table = run("rosenbrock", Adam(lr=0.05), start=(-1.5, 2.0), steps=3).as_dict()
        >>> list(table), len(table["loss"])
        (['step', 'loss', 'grad_norm', 'param_x', 'param_y'], 4)
        """
        table: dict[str, npt.NDArray[Any]] = {
            "step": np.arange(len(self.losses)),
            "loss": self.losses.copy(),
            "grad_norm": self.grad_norms.copy(),
        }
        if self.val_losses is not None:
            table["val_loss"] = self.val_losses.copy()
        names = self.param_names or tuple(f"x{i}" for i in range(self.positions.shape[1]))
        for i, name in enumerate(names):
            table[f"param_{name}"] = self.positions[:, i].copy()
        return table

    def summary(self) -> str:
        """Describe the run in a few lines.

        Examples
        --------
        >>> from nbopt.optimizers import SGD, run
        >>> print(run("booth", SGD(lr=0.05), start=(0.0, 0.0), steps=300).summary())
        SGD(lr=0.05, momentum=0, dampening=0, weight_decay=0, nesterov=False) on booth
          status      converged at step 185
          loss        74 -> 2.35e-17 (best 2.35e-17)
          |gradient|  51 -> 9.69e-09
          position    (1, 3)
        """
        if self.status == "converged":
            how = f"converged at step {self.converged_at}"
        elif self.status == "diverged":
            how = f"diverged at step {self.diverged_at}"
        else:
            how = f"{self.status} after {self.steps} steps"
        lines = [
            f"{self.optimizer} on {self.problem}" if self.problem else self.optimizer,
            f"  status      {how}",
            f"  loss        {_num(self.losses[0])} -> {_num(self.final_loss)} "
            f"(best {_num(self.best_loss)})",
            f"  |gradient|  {_num(self.grad_norms[0])} -> {_num(self.grad_norms[-1])}",
        ]
        if self.val_losses is not None:
            lines.append(f"  validation  {_num(self.val_losses[0])} -> {_num(self.val_losses[-1])}")
        position = self.final_position
        shown = ", ".join(_num(v) for v in position[:6])
        lines.append(f"  position    ({shown}{', ...' if len(position) > 6 else ''})")
        return "\n".join(lines)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        # IPython's display hook: show the readable summary in a notebook.
        printer.text(self.summary())

    def __repr__(self) -> str:
        at = ""
        if self.status == "converged":
            at = f" at {self.converged_at}"
        elif self.status == "diverged":
            at = f" at {self.diverged_at}"
        on = f" on {self.problem!r}" if self.problem else ""
        return (
            f"Trajectory({self.optimizer}{on}: {self.steps} steps, {self.status}{at}, "
            f"loss {_num(self.losses[0])} -> {_num(self.final_loss)})"
        )


def _num(value: float) -> str:
    return f"{float(value):.3g}"


class OptimizerRun:
    """One optimizer on one problem, stepped one step at a time, with its full history.

    The run steps a :meth:`~nbopt.optimizers.Optimizer.clone` of ``optimizer`` (same
    hyperparameters, fresh state), so the object passed in is never modified; change the
    run's hyperparameters through :attr:`optimizer` (e.g. ``run.optimizer.lr = 0.01``).

    Each step moves along the gradient (the mini-batch gradient when ``batch_size`` is
    given, on batches drawn with ``np.random.default_rng(seed)``), then records the full
    loss and gradient norm at the new position. The run ends as

    - ``"converged"`` at step ``k`` when the full gradient norm is below ``tol``;
    - ``"diverged"`` at step ``k`` when the position, loss or gradient stops being finite
      or the position's Euclidean norm exceeds ``max_radius`` (no numpy warning is
      emitted: overflow is detected, not reported);
    - ``"max_steps"`` after ``steps`` steps.

    Parameters
    ----------
    problem : Problem or str
        The objective, or a name for :func:`nbopt.problems.get`.
    optimizer : Optimizer or str
        The step rule, or a name for :func:`nbopt.optimizers.get` (default hyperparameters).
    start : array_like of shape (d,), optional
        Start point; ``problem.default_start`` by default.
    steps : int, default 500
        Most steps to take.
    batch_size : int, optional
        Mini-batch size for data problems (stochastic gradients); full batch when None.
    seed : int, optional
        Seed of the mini-batch sampler; drawn at random (and kept in :attr:`seed`, so
        :meth:`reset` replays the same batches) when None.
    tol : float, default 1e-8
        Convergence threshold on the full gradient norm (absolute).
    max_radius : float, default 1e12
        Divergence threshold on the Euclidean norm of the position.

    Examples
    --------
    >>> from nbopt.optimizers import Adam, OptimizerRun
    >>> r = OptimizerRun("rosenbrock", Adam(lr=0.05), start=(-1.5, 2.0), steps=100)
    >>> r.step()
    >>> r.step_count, r.status
    (1, 'running')
    >>> r.run_to_end()
    >>> r.trajectory().positions.shape
    (101, 2)
    """

    _status: TrajectoryStatus
    _positions: FloatArray
    _losses: FloatArray
    _grad_norms: FloatArray
    _val_losses: FloatArray | None
    _grad: FloatArray
    _diverged_at: int | None
    _converged_at: int | None
    _n: int

    def __init__(
        self,
        problem: Problem | str,
        optimizer: Optimizer | str,
        start: npt.ArrayLike | None = None,
        steps: int = 500,
        batch_size: int | None = None,
        seed: int | None = None,
        *,
        tol: float = DEFAULT_TOL,
        max_radius: float = DEFAULT_MAX_RADIUS,
    ) -> None:
        self._problem = as_problem(problem)
        self._optimizer = as_optimizer(optimizer).clone()
        self._total_steps = check_steps(steps)
        self._batch_size = check_batch_size(self._problem, batch_size)
        self._seed = resolve_seed(seed, self._batch_size)
        self._tol = _check_positive("tol", tol, allow_zero=True)
        self._max_radius = _check_positive("max_radius", max_radius, allow_zero=False)
        self._start = as_start(self._problem, start)
        self._restart()

    # ------------------------------------------------------------------ properties
    @property
    def problem(self) -> Problem:
        """The problem being minimized."""
        return self._problem

    @property
    def optimizer(self) -> Optimizer:
        """The run's own optimizer (a clone of the one given); its hyperparameters are settable."""
        return self._optimizer

    @property
    def start(self) -> FloatArray:
        """The start point, shape ``(d,)``."""
        return self._start.copy()

    @property
    def total_steps(self) -> int:
        """Most steps the run takes."""
        return self._total_steps

    @property
    def batch_size(self) -> int | None:
        """Mini-batch size, or None for full-batch gradients."""
        return self._batch_size

    @property
    def seed(self) -> int | None:
        """Seed of the mini-batch sampler (None for full-batch runs)."""
        return self._seed

    @property
    def tol(self) -> float:
        """Convergence threshold on the full gradient norm."""
        return self._tol

    @property
    def step_count(self) -> int:
        """Steps taken so far."""
        return self._n

    @property
    def position(self) -> FloatArray:
        """The current position, shape ``(d,)`` (a copy)."""
        position: FloatArray = self._positions[self._n].copy()
        return position

    @property
    def loss(self) -> float:
        """The full loss at the current position."""
        return float(self._losses[self._n])

    @property
    def grad_norm(self) -> float:
        """The full gradient norm at the current position."""
        return float(self._grad_norms[self._n])

    @property
    def val_loss(self) -> float | None:
        """The validation loss at the current position (None without validation data)."""
        return None if self._val_losses is None else float(self._val_losses[self._n])

    @property
    def status(self) -> TrajectoryStatus:
        """``"running"`` until the run ends, then how it ended."""
        return self._status

    @property
    def finished(self) -> bool:
        """True once the run has converged, diverged, reached its steps or was stopped."""
        return self._status != "running"

    @property
    def diverged_at(self) -> int | None:
        """The step at which the run diverged, or None."""
        return self._diverged_at

    @property
    def converged_at(self) -> int | None:
        """The step at which the run converged, or None."""
        return self._converged_at

    def history(self, first: int = 0) -> tuple[FloatArray, FloatArray, FloatArray | None]:
        """Rows ``first`` to :attr:`step_count` of the history, without copying.

        Returns the positions ``(m, d)``, losses ``(m,)`` and validation losses ``(m,)``
        (None without validation data) as views into the run's buffers: they hold until
        the next step or reset, so copy what must outlive that (:meth:`trajectory` does).
        Row ``k`` is step ``first + k``.

        Examples
        --------
        >>> from nbopt.optimizers import GradientDescent, OptimizerRun
        >>> run = OptimizerRun("booth", GradientDescent(lr=0.05), steps=10)
        >>> run.run_to_end()
        >>> positions, losses, _ = run.history(8)
        >>> positions.shape, len(losses)
        ((3, 2), 3)
        """
        m = self._n + 1
        first = min(max(0, int(first)), m)
        val = None if self._val_losses is None else self._val_losses[first:m]
        return self._positions[first:m], self._losses[first:m], val

    def __repr__(self) -> str:
        return (
            f"OptimizerRun({self._optimizer!r} on {self._problem.name!r}, "
            f"step {self._n}/{self._total_steps}, {self._status})"
        )

    # ------------------------------------------------------------------ control
    def step(self) -> None:
        """Take one step (raises ``RuntimeError`` once the run is finished)."""
        self._check_running()
        with np.errstate(all="ignore"):
            self._step()

    def run_to_end(self) -> None:
        """Step until the run is finished."""
        with np.errstate(all="ignore"):
            while self._status == "running":
                self._step()

    def stop(self) -> None:
        """Mark an unfinished run as ``"stopped"`` (its history is kept)."""
        if self._status == "running":
            self._status = "stopped"

    def reset(self, start: npt.ArrayLike | None = None) -> None:
        """Forget the history and the optimizer state; start again (from ``start`` if given)."""
        if start is not None:
            self._start = as_start(self._problem, start)
        self._restart()

    def trajectory(self) -> Trajectory:
        """Return the history so far as a :class:`Trajectory` (copies of the arrays)."""
        m = self._n + 1
        return Trajectory(
            positions=self._positions[:m].copy(),
            losses=self._losses[:m].copy(),
            grad_norms=self._grad_norms[:m].copy(),
            val_losses=None if self._val_losses is None else self._val_losses[:m].copy(),
            status=self._status,
            diverged_at=self._diverged_at,
            converged_at=self._converged_at,
            optimizer=repr(self._optimizer),
            problem=self._problem.name,
            param_names=tuple(self._problem.param_names),
        )

    # ------------------------------------------------------------------ internals
    def _restart(self) -> None:
        self._optimizer.reset()
        self._rng = np.random.default_rng(self._seed)
        capacity = min(self._total_steps + 1, _INITIAL_CAPACITY)
        dim = self._problem.dim
        self._positions = np.empty((capacity, dim))
        self._losses = np.empty(capacity)
        self._grad_norms = np.empty(capacity)
        self._val_losses = np.empty(capacity) if self._problem.has_validation else None
        self._n = -1
        self._status = "running"
        self._diverged_at = None
        self._converged_at = None
        with np.errstate(all="ignore"):
            loss, grad, val = evaluate(self._problem, self._start[None, :])
        self._commit(self._start.copy(), float(loss[0]), grad[0], None if val is None else val[0])

    def _step(self) -> None:
        """One step of a running run; the caller holds ``np.errstate(all="ignore")``."""
        if self._batch_size is None:
            direction = self._grad
        else:
            batch = self._problem.sample_batch(self._rng, self._batch_size)
            direction = _batch_grad(self._problem, self._position_now(), batch)
        new = self._advance(direction)
        loss, grad, val = evaluate(self._problem, new[None, :])
        self._commit(new, float(loss[0]), grad[0], None if val is None else float(val[0]))

    def _check_running(self) -> None:
        if self._status != "running":
            raise RuntimeError(
                f"the run is finished ({self._status} after {self._n} steps); "
                "call reset() to run it again"
            )

    def _position_now(self) -> FloatArray:
        position: FloatArray = self._positions[self._n]
        return position

    def _advance(self, direction: FloatArray, out: FloatArray | None = None) -> FloatArray:
        """Return the next position along ``direction`` (the optimizer's state moves on)."""
        return self._optimizer.step(self._positions[self._n], direction, out=out)

    def _commit(
        self,
        position: FloatArray,
        loss: float,
        grad: FloatArray,
        val: float | None,
        norm: float | None = None,
        radius: float | None = None,
    ) -> None:
        """Append one row of history and decide whether the run ends here.

        ``norm`` and ``radius`` (Euclidean norms of ``grad`` and ``position``) may be passed
        when the caller computed them for several runs at once.
        """
        n = self._n + 1
        if n >= len(self._losses):
            self._grow(n + 1)
        self._positions[n] = position
        self._losses[n] = loss
        if norm is None:
            norm = _norm(grad)
        if radius is None:
            radius = _norm(position)
        self._grad_norms[n] = norm
        if self._val_losses is not None:
            self._val_losses[n] = math.nan if val is None else val
        self._grad = grad
        self._n = n
        # NaN compares False, so a NaN loss, gradient or position lands in "diverged".
        if not (math.isfinite(loss) and math.isfinite(norm) and radius <= self._max_radius):
            self._status = "diverged"
            self._diverged_at = n
        elif norm < self._tol:
            self._status = "converged"
            self._converged_at = n
        elif n >= self._total_steps:
            self._status = "max_steps"

    def _grow(self, needed: int) -> None:
        size = min(max(needed, 2 * len(self._losses)), self._total_steps + 1)
        self._positions = _resized(self._positions, size)
        self._losses = _resized(self._losses, size)
        self._grad_norms = _resized(self._grad_norms, size)
        if self._val_losses is not None:
            self._val_losses = _resized(self._val_losses, size)


def _norm(vector: FloatArray) -> float:
    """Euclidean norm; inf if any entry is inf, else NaN if any is NaN."""
    if vector.size <= 64:
        # For the few coordinates of a drawn problem, Python floats beat numpy's call overhead.
        return math.hypot(*vector.tolist())
    return float(np.linalg.norm(vector))


def _resized(array: FloatArray, rows: int) -> FloatArray:
    out: FloatArray = np.empty((rows, *array.shape[1:]))
    out[: len(array)] = array
    return out


def evaluate(problem: Problem, X: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray | None]:
    """Full loss ``(m,)``, gradient ``(m, d)`` and validation loss at points ``X`` ``(m, d)``.

    An overflow raised by a user function (Python floats raise instead of returning inf)
    marks that point as diverged: loss inf, gradient NaN. Call inside ``np.errstate``.
    """
    try:
        return _evaluate(problem, X)
    except (OverflowError, FloatingPointError):
        if len(X) == 1:
            val = np.full(1, math.inf) if problem.has_validation else None
            return np.full(1, math.inf), np.full((1, problem.dim), math.nan), val
    parts = [evaluate(problem, X[i : i + 1]) for i in range(len(X))]
    vals = [p[2] for p in parts if p[2] is not None]
    return (
        np.concatenate([p[0] for p in parts]),
        np.concatenate([p[1] for p in parts]),
        np.concatenate(vals) if problem.has_validation else None,
    )


def _evaluate(problem: Problem, X: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray | None]:
    # X is already a C-contiguous float64 (m, d) array: skip value_and_grad's input checks
    loss, grad = problem._value_and_grad(X, None)
    val = problem.validation_value(X) if problem.has_validation else None
    return loss, grad, val


def _batch_grad(problem: Problem, X: FloatArray, batch: npt.NDArray[Any]) -> FloatArray:
    """Mini-batch gradient at ``X`` (``(d,)`` or ``(m, d)``); NaN where it overflows."""
    try:
        return np.asarray(problem.grad(X, batch=batch), dtype=np.float64)
    except (OverflowError, FloatingPointError):
        return np.full(np.shape(X), math.nan)


def as_problem(problem: Problem | str) -> Problem:
    """Return a :class:`Problem` given a problem or a name."""
    from nbopt.problems import Problem, get

    if isinstance(problem, str):
        return get(problem)
    if not isinstance(problem, Problem):
        raise TypeError(
            "problem must be an nbopt.problems.Problem or a name such as 'rosenbrock', "
            f"got {type(problem).__name__}"
        )
    return problem


def as_optimizer(optimizer: Optimizer | str) -> Optimizer:
    """Return an :class:`Optimizer` given an optimizer or a name."""
    if isinstance(optimizer, str):
        return _get_optimizer(optimizer)
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            "optimizer must be an nbopt.optimizers.Optimizer (e.g. Adam(lr=0.01)) or a name "
            f"such as 'adam', got {type(optimizer).__name__}"
        )
    return optimizer


def as_start(problem: Problem, start: npt.ArrayLike | None) -> FloatArray:
    """Return the start point as a finite float array of shape ``(d,)``."""
    if start is None:
        return np.asarray(problem.default_start, dtype=np.float64).reshape(problem.dim)
    form = f"({', '.join(problem.param_names)})"
    try:
        point = np.array(start, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"start must be {problem.dim} real numbers {form} for problem {problem.name!r}, "
            f"got {start!r}"
        ) from exc
    if point.shape != (problem.dim,):
        raise ValueError(
            f"start must have shape ({problem.dim},), i.e. {form}, for problem "
            f"{problem.name!r}; got shape {point.shape}"
        )
    if not np.all(np.isfinite(point)):
        raise ValueError(f"start must be finite, got {start!r}")
    return point


def check_steps(steps: int) -> int:
    """Validate a number of steps (an int >= 0)."""
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral):
        raise TypeError(f"steps must be an int >= 0, got {steps!r}")
    if steps < 0:
        raise ValueError(f"steps must be >= 0, got {steps}")
    return int(steps)


def check_batch_size(problem: Problem, batch_size: int | None) -> int | None:
    """Validate a mini-batch size against the problem's training data."""
    if batch_size is None:
        return None
    if problem.n_train is None:
        raise ValueError(
            f"batch_size applies to problems with training data (n_train), such as "
            f"'linear_regression'; problem {problem.name!r} is a plain function: use "
            "batch_size=None"
        )
    if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral):
        raise TypeError(f"batch_size must be an int or None, got {batch_size!r}")
    if not 1 <= batch_size <= problem.n_train:
        raise ValueError(
            f"batch_size must be in [1, {problem.n_train}] (the training set size of "
            f"{problem.name!r}), got {batch_size}"
        )
    return int(batch_size)


def check_seed(seed: int | None) -> int | None:
    """Validate a seed (None or an int >= 0)."""
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise TypeError(f"seed must be None or an int >= 0, got {seed!r}")
    return int(seed)


def resolve_seed(seed: int | None, batch_size: int | None) -> int | None:
    """Validate a seed; draw one for a mini-batch run without, so it can be replayed."""
    checked = check_seed(seed)
    if checked is None and batch_size is not None:
        checked = int(np.random.SeedSequence().generate_state(1)[0])
    return checked


def _check_positive(name: str, value: float, *, allow_zero: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    number = float(value)
    if math.isnan(number) or number < 0 or (number == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be {bound}, got {value!r}")
    return number


def run(
    problem: Problem | str,
    optimizer: Optimizer | str,
    start: npt.ArrayLike | None = None,
    steps: int = 500,
    batch_size: int | None = None,
    seed: int | None = None,
    *,
    tol: float = DEFAULT_TOL,
    max_radius: float = DEFAULT_MAX_RADIUS,
) -> Trajectory:
    """Minimize ``problem`` with ``optimizer`` and return the whole :class:`Trajectory`.

    The optimizer passed in is not modified (a fresh clone steps), so calling ``run``
    twice gives the same trajectory. Ctrl-C (a kernel interrupt) ends the run early with
    status ``"stopped"`` and every finished step kept. See :class:`OptimizerRun` for
    the parameters and how convergence and divergence are detected.

    Examples
    --------
    >>> from nbopt.optimizers import GradientDescent, run
    >>> t = run("rosenbrock", GradientDescent(lr=1e-3), start=(-1.5, 2.0), steps=200)
    >>> t.status, t.steps, t.positions.shape
    ('max_steps', 200, (201, 2))
    >>> run("rosenbrock", GradientDescent(lr=0.1), start=(-1.5, 2.0)).status
    'diverged'
    """
    optimizer_run = OptimizerRun(
        problem, optimizer, start, steps, batch_size, seed, tol=tol, max_radius=max_radius
    )
    try:
        optimizer_run.run_to_end()
    except KeyboardInterrupt:
        # A step interrupted half-way was never committed: the history stays consistent.
        optimizer_run.stop()
    return optimizer_run.trajectory()
