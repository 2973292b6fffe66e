"""The ask/tell contract shared by every searcher: Trial and Searcher."""

from __future__ import annotations

import dataclasses
import math
import numbers
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Literal

import numpy as np

from nbopt.space import Dimension, Space, as_space

__all__ = ["Searcher", "Trial", "TrialState"]

TrialState = Literal["running", "complete", "failed", "pruned"]
_STATES = ("running", "complete", "failed", "pruned")
_DIRECTIONS = ("minimize", "maximize")


def _now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Trial:
    """One evaluation of the objective: the params asked and, once told, its outcome.

    Attributes
    ----------
    number : int
        Position in the searcher's history, from 0.
    params : dict
        Name -> value (float for Float, int for Int, the option object for Choice).
    state : {"running", "complete", "failed", "pruned"}
        ``running`` between ask and tell; ``pruned`` when a pruner (or the objective)
        stopped it early.
    value : float or None
        The objective value of a complete trial (None for failed and pruned trials: a
        pruned trial's last reported value is in `intermediate_values`, see
        `last_intermediate`).
    error : str or None
        Why a failed trial failed (exception type and message, or a non-finite value).
    duration : float or None
        Seconds from ask to tell (or as reported by the caller).
    metrics : dict of str to float
        Extra numbers reported with the value (e.g. train score).
    info : dict
        What the searcher recorded about the proposal, e.g.
        ``{"generation": 3, "parents": [12, 17]}``; for a pruned trial, ``"pruned"``
        holds why (see :class:`~nbopt.searchers.PruneDecision`).
    datetime_start, datetime_complete : datetime or None
        UTC times of ask and tell.
    intermediate_values : dict of int to float
        The learning curve: step -> value reported with ``trial.report(value, step)``
        while the objective ran (empty when it reported nothing).
    """

    number: int
    params: dict[str, Any]
    state: TrialState = "running"
    value: float | None = None
    error: str | None = None
    duration: float | None = None
    metrics: dict[str, float] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)
    datetime_start: datetime | None = None
    datetime_complete: datetime | None = None
    intermediate_values: dict[int, float] = field(default_factory=dict)

    @property
    def finished(self) -> bool:
        """Return True once the trial is complete, failed or pruned."""
        return self.state != "running"

    @property
    def last_intermediate(self) -> tuple[int, float] | None:
        """The last reported ``(step, value)`` (None when nothing was reported)."""
        if not self.intermediate_values:
            return None
        step = max(self.intermediate_values)
        return step, self.intermediate_values[step]

    @property
    def pruned_reason(self) -> str | None:
        """Why a pruned trial was stopped, in words (None for the other states)."""
        record = self.info.get("pruned") if self.state == "pruned" else None
        if isinstance(record, Mapping):
            reason = record.get("reason")
            return None if reason is None else str(reason)
        return None


def _check_seed(seed: object) -> np.random.Generator:
    if seed is None or isinstance(seed, np.random.SeedSequence):
        return np.random.default_rng(seed)
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, numbers.Integral) and not isinstance(seed, (bool, np.bool_)):
        if int(seed) < 0:
            raise ValueError(f"seed must be a non-negative int, got {seed!r}")
        return np.random.default_rng(int(seed))
    raise TypeError(f"seed must be None, a non-negative int or a numpy Generator, got {seed!r}")


def _as_value(value: object) -> float:
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"tell: the objective value must be a real number (float or numpy scalar), "
            f"got {value!r} of type {type(value).__name__}"
        )
    return float(value)


def _as_metrics(metrics: Mapping[str, Any] | None) -> dict[str, float]:
    if metrics is None:
        return {}
    if not isinstance(metrics, Mapping):
        raise TypeError(f"tell: metrics must be a dict name -> float, got {metrics!r}")
    out: dict[str, float] = {}
    for key, val in metrics.items():
        if not isinstance(key, str):
            raise TypeError(f"tell: metric names must be str, got {key!r}")
        try:
            out[key] = _as_value(val)
        except TypeError:
            raise TypeError(f"tell: metric {key!r} must be a real number, got {val!r}") from None
    return out


def as_curve(values: Mapping[Any, Any], where: str) -> dict[int, float]:
    """Check a learning curve (step -> value) and return it as ``{int: float}``, by step."""
    if not isinstance(values, Mapping):
        raise TypeError(
            f"{where}: intermediate_values must be a dict step -> value, got {values!r}"
        )
    out: dict[int, float] = {}
    for step, value in values.items():
        if isinstance(step, (bool, np.bool_)) or not isinstance(step, numbers.Integral):
            raise TypeError(f"{where}: a step must be an int >= 0, got {step!r}")
        if step < 0:
            raise ValueError(f"{where}: a step must be an int >= 0, got {step!r}")
        try:
            val = _as_value(value)
        except TypeError:
            raise TypeError(
                f"{where}: intermediate value at step {int(step)} must be a real number, "
                f"got {value!r}"
            ) from None
        if not math.isfinite(val):
            raise ValueError(
                f"{where}: intermediate value at step {int(step)} must be finite, got {val!r}"
            )
        out[int(step)] = val
    return dict(sorted(out.items()))


def _error_text(error: BaseException | str) -> str:
    if isinstance(error, BaseException):
        text = str(error)
        return f"{type(error).__name__}: {text}" if text else type(error).__name__
    if isinstance(error, str):
        return error or "failed"
    raise TypeError(f"tell: error must be an exception or a str, got {error!r}")


class Searcher:
    """Base of the ask/tell searchers.

    ``ask()`` proposes a trial, ``tell(trial, value)`` reports its result. Several trials
    may be asked before any is told (parallel workers). Subclasses implement
    ``_propose(number) -> (params, info)`` and may react to results in ``_observe(trial)``.

    Parameters
    ----------
    space : Space or dict name -> Dimension
        What to search.
    seed : int, numpy Generator or None
        Makes the proposals reproducible.
    direction : {"minimize", "maximize"}
        Whether smaller or larger objective values are better.

    Examples
    --------
    >>> from nbopt import space
    >>> from nbopt.searchers import RandomSearch
    >>> s = RandomSearch({"x": space.Float(-1.0, 1.0)}, seed=0)
    >>> for _ in range(20):
    ...     t = s.ask()
    ...     _ = s.tell(t, t.params["x"] ** 2)
    >>> s.best_value < 0.05
    True
    """

    def __init__(
        self,
        space: Space | Mapping[str, Dimension],
        *,
        seed: int | np.random.Generator | None = None,
        direction: str = "minimize",
    ):
        self._space = as_space(space)
        if direction not in _DIRECTIONS:
            raise ValueError(f"direction must be 'minimize' or 'maximize', got {direction!r}")
        self._direction: Literal["minimize", "maximize"] = (
            "minimize" if direction == "minimize" else "maximize"
        )
        self._rng = _check_seed(seed)
        # the seed as given, for a record of the run (a Generator has no number to keep)
        self._seed = int(seed) if isinstance(seed, numbers.Integral) else None
        self._trials: dict[int, Trial] = {}
        self._next_number = 0
        self._lock = threading.RLock()

    # -- subclass hooks -------------------------------------------------------------

    def _propose(self, number: int) -> tuple[dict[str, Any], dict[str, Any]]:
        """Return the params and info for trial ``number``."""
        raise NotImplementedError(f"{type(self).__name__} must implement _propose")

    def _observe(self, trial: Trial) -> None:
        """React to a finished trial (told or replayed)."""

    # -- public API ---------------------------------------------------------------

    @property
    def space(self) -> Space:
        """The search space."""
        return self._space

    @property
    def seed(self) -> int | None:
        """The int seed the searcher was made with (None: no seed, or a numpy Generator)."""
        return self._seed

    @property
    def direction(self) -> Literal["minimize", "maximize"]:
        """``"minimize"`` or ``"maximize"``."""
        return self._direction

    @property
    def exhausted(self) -> bool:
        """Return True when no new trial can be proposed."""
        return False

    @property
    def trials(self) -> list[Trial]:
        """All trials (running ones included), in number order."""
        with self._lock:
            return [self._trials[n] for n in sorted(self._trials)]

    def ask(self) -> Trial:
        """Propose the next trial (state ``running``).

        Raises
        ------
        RuntimeError
            When the searcher is `exhausted`.
        """
        with self._lock:
            if self.exhausted:
                raise RuntimeError(
                    f"{type(self).__name__} is exhausted: every point it can propose has been "
                    f"asked ({len(self._trials)} trials); check `exhausted` before ask()"
                )
            number = self._next_number
            params, info = self._propose(number)
            try:
                params = self._space.validate(params)
            except (TypeError, ValueError) as exc:
                raise RuntimeError(
                    f"{type(self).__name__} proposed params outside its space: {exc}"
                ) from exc
            trial = Trial(number=number, params=params, info=dict(info), datetime_start=_now())
            self._trials[number] = trial
            self._next_number = number + 1
            return trial

    def tell(
        self,
        trial_or_number: Trial | int,
        value: float | None = None,
        *,
        error: BaseException | str | None = None,
        metrics: Mapping[str, float] | None = None,
        duration: float | None = None,
        pruned: bool = False,
        intermediate_values: Mapping[int, float] | None = None,
    ) -> Trial:
        """Report the result of an asked trial and return it, finished.

        Parameters
        ----------
        trial_or_number : Trial or int
            The trial from `ask` or its number.
        value : float, optional
            The objective value. NaN or infinite values make the trial ``failed``.
        error : exception or str, optional
            Give this instead of a value when the evaluation failed.
        metrics : dict of str to float, optional
            Extra numbers to record.
        duration : float, optional
            Seconds the evaluation took; by default the time since `ask`.
        pruned : bool, default False
            The trial was stopped early (state ``"pruned"``): give neither a value nor
            an error. A pruned trial has no final value and is never taken for a
            complete one; a searcher that can use its curve reads it from
            `Trial.intermediate_values`, the others model it as a failed trial.
        intermediate_values : dict of int to float, optional
            The trial's learning curve, step -> finite value (kept in every state).

        Raises
        ------
        ValueError
            Unknown trial, trial already told, neither/both of value and error (or
            either with ``pruned=True``), or a curve with a negative step or a
            non-finite value.

        Examples
        --------
        >>> from nbopt import space
        >>> from nbopt.searchers import RandomSearch
        >>> s = RandomSearch({"x": space.Float(0.0, 1.0)}, seed=0)
        >>> t = s.tell(s.ask(), pruned=True, intermediate_values={0: 0.9, 1: 0.8})
        >>> t.state, t.value, t.last_intermediate
        ('pruned', None, (1, 0.8))
        """
        if isinstance(trial_or_number, Trial):
            number = trial_or_number.number
        elif isinstance(trial_or_number, numbers.Integral) and not isinstance(
            trial_or_number, (bool, np.bool_)
        ):
            number = int(trial_or_number)
        else:
            raise TypeError(f"tell: expected a Trial or a trial number, got {trial_or_number!r}")
        if not isinstance(pruned, (bool, np.bool_)):
            raise TypeError(f"tell: pruned must be True or False, got {pruned!r}")
        if pruned and (value is not None or error is not None):
            raise ValueError(
                f"tell: trial {number} is pruned, so it has no final value nor error; "
                "pass its reports as intermediate_values= instead"
            )
        if value is None and error is None and not pruned:
            raise ValueError(f"tell: trial {number} needs a value or an error")
        if value is not None and error is not None:
            raise ValueError(f"tell: trial {number} got both a value and an error; give one")
        val = _as_value(value) if value is not None else None
        err = _error_text(error) if error is not None else None
        mets = _as_metrics(metrics)
        curve = None if intermediate_values is None else as_curve(intermediate_values, "tell")
        if duration is not None:
            duration = _as_value(duration)
            if not duration >= 0:
                raise ValueError(f"tell: duration must be >= 0 seconds, got {duration!r}")
        with self._lock:
            trial = self._trials.get(number)
            if trial is None:
                raise ValueError(
                    f"tell: trial {number} was never asked from this {type(self).__name__}"
                )
            if trial.finished:
                raise ValueError(
                    f"tell: trial {number} is already {trial.state} "
                    f"(value={trial.value!r}); each trial is told once"
                )
            trial.datetime_complete = _now()
            if trial.datetime_start is not None and duration is None:
                duration = (trial.datetime_complete - trial.datetime_start).total_seconds()
            trial.duration = duration
            trial.metrics = mets
            if curve is not None:
                trial.intermediate_values = curve
            if pruned:
                trial.state = "pruned"
                trial.value = None
            elif val is not None and math.isfinite(val):
                trial.state = "complete"
                trial.value = val
            else:
                trial.state = "failed"
                trial.value = None
                trial.error = err if err is not None else f"non-finite objective value {val!r}"
            self._observe(trial)
            return trial

    def add_finished(self, trial: Trial) -> None:
        """Replay a finished trial (e.g. from storage) as if it had been asked and told.

        The trial keeps its number; later asks are numbered after the largest number seen.

        Raises
        ------
        ValueError
            The trial is running, its number is taken, its params are not in the space,
            or a complete trial has no finite value.
        """
        if not isinstance(trial, Trial):
            raise TypeError(f"add_finished: expected a Trial, got {trial!r}")
        if trial.state not in _STATES:
            raise ValueError(
                f"add_finished: trial state must be one of {_STATES}, got {trial.state!r}"
            )
        if trial.state == "running":
            raise ValueError(
                f"add_finished: trial {trial.number} is still running; "
                "only complete, failed or pruned trials can be replayed"
            )
        if trial.state == "complete" and (trial.value is None or not math.isfinite(trial.value)):
            raise ValueError(
                f"add_finished: complete trial {trial.number} needs a finite value, "
                f"got {trial.value!r}"
            )
        if trial.number < 0:
            raise ValueError(f"add_finished: trial numbers are >= 0, got {trial.number}")
        params = self._space.validate(trial.params)
        with self._lock:
            if trial.number in self._trials:
                raise ValueError(f"add_finished: trial number {trial.number} is already taken")
            copy = dataclasses.replace(
                trial,
                params=params,
                value=None if trial.value is None else float(trial.value),
                metrics=dict(trial.metrics),
                info=dict(trial.info),
                intermediate_values=as_curve(trial.intermediate_values, "add_finished"),
            )
            self._trials[copy.number] = copy
            self._next_number = max(self._next_number, copy.number + 1)
            self._observe(copy)

    def _complete(self) -> list[Trial]:
        return [t for n, t in sorted(self._trials.items()) if t.state == "complete"]

    @property
    def best_trial(self) -> Trial:
        """The complete trial with the best value (the earliest on ties).

        Raises
        ------
        ValueError
            When no trial has completed yet.
        """
        with self._lock:
            done = self._complete()
        if not done:
            raise ValueError("no completed trial yet: tell a finite value first")
        sign = 1.0 if self._direction == "minimize" else -1.0
        return min(done, key=lambda t: sign * t.value if t.value is not None else math.inf)

    @property
    def best_value(self) -> float:
        """The best objective value so far (ValueError when no trial has completed)."""
        return self._signed_value(self.best_trial) * (
            1.0 if self._direction == "minimize" else -1.0
        )

    @property
    def best_params(self) -> dict[str, Any]:
        """The params of `best_trial` (ValueError when no trial has completed)."""
        return dict(self.best_trial.params)

    def _signed_value(self, trial: Trial) -> float:
        """Return the value to minimize: sign-flipped when maximizing, +inf when failed."""
        if trial.state != "complete" or trial.value is None:
            return math.inf
        return trial.value if self._direction == "minimize" else -trial.value

    def __repr__(self) -> str:
        done = len(self._complete())
        return (
            f"{type(self).__name__}({len(self._space)} dims, {len(self._trials)} trials, "
            f"{done} complete, direction={self._direction!r})"
        )
