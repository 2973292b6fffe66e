"""Early stopping of poor trials: the study view a pruner reads, and the pruners."""

from __future__ import annotations

import bisect
import math
import numbers
import threading
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np

from nbopt.searchers._base import Trial, TrialState

__all__ = [
    "PRUNERS",
    "HyperbandPruner",
    "MedianPruner",
    "PruneDecision",
    "PruneThreshold",
    "Pruned",
    "Pruner",
    "StudyView",
    "SuccessiveHalvingPruner",
    "TrialCurve",
    "make_pruner",
]

PRUNERS = ("median", "halving", "hyperband")
"""Names accepted by ``search(pruner=...)``."""


class Pruned(Exception):
    """Raise in an objective to end its trial as ``"pruned"``, keeping its curve.

    Examples
    --------
    >>> import nbopt
    >>> def objective(x, trial):
    ...     for epoch in range(10):
    ...         trial.report((x - 0.3) ** 2 + 1.0 / (epoch + 1), step=epoch)
    ...         if trial.should_prune():
    ...             raise nbopt.Pruned()
    ...     return (x - 0.3) ** 2
    """


@dataclass(frozen=True)
class PruneDecision:
    """A pruner's answer for one trial at one step, with the reason.

    Attributes
    ----------
    prune : bool
        Stop the trial now. ``bool(decision)`` is this.
    reason : str
        Why, in words (shown by the dashboard and kept in ``trial.info["pruned"]``).
    step : int or None
        The step the decision was taken at (the trial's last report).
    value : float or None
        The trial's value the pruner compared (e.g. its best value so far, or its value
        at a rung).
    threshold : float or None
        What the value had to beat (the median, the rung's promotion cut-off).
    rung : int or None
        The successive-halving rung (None for other pruners).
    bracket : int or None
        The Hyperband bracket (None for other pruners).
    pruner : str or None
        The pruner's class name.
    n_compared : int or None
        How many values the threshold was computed from.
    """

    prune: bool
    reason: str
    step: int | None = None
    value: float | None = None
    threshold: float | None = None
    rung: int | None = None
    bracket: int | None = None
    pruner: str | None = None
    n_compared: int | None = None

    def __bool__(self) -> bool:
        return self.prune

    def as_dict(self) -> dict[str, Any]:
        """Return the decision as a JSON-ready dict (what the storage keeps)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PruneDecision:
        """Rebuild a decision from :meth:`as_dict` (unknown keys are ignored)."""
        fields = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in fields})


@dataclass(frozen=True)
class PruneThreshold:
    """One line of a pruner's bars, as a learning-curves view draws it.

    A trial reporting at ``steps[i]`` is judged against ``values[i]`` now (how, the
    pruner's decision says: the median compares the trial's best value so far, successive
    halving its value at the rung).

    Attributes
    ----------
    label : str
        What the line is (``"median of complete trials"``, ``"rung cut-off"``,
        ``"bracket 1 cut-off"``).
    steps : tuple of int
        Steps at which trials are judged, increasing.
    values : tuple of float
        The bar at each step.
    """

    label: str
    steps: tuple[int, ...]
    values: tuple[float, ...]


class TrialCurve:
    """What a pruner sees of one trial: its number, state and learning curve.

    Read-only for pruners, valid during the ``should_prune`` call (the study updates
    it as reports arrive). ``memo`` is a per-trial dict a pruner may write to, to
    remember a decision taken (e.g. the rungs a trial was promoted from).
    """

    __slots__ = ("memo", "number", "state", "steps", "values")

    def __init__(
        self,
        number: int,
        state: TrialState = "running",
        steps: Iterable[int] = (),
        values: Iterable[float] = (),
    ) -> None:
        self.number = int(number)
        self.state: TrialState = state
        self.steps: list[int] = [int(s) for s in steps]
        self.values: list[float] = [float(v) for v in values]
        self.memo: dict[str, Any] = {}

    @property
    def intermediate_values(self) -> dict[int, float]:
        """A copy of the curve, step -> value."""
        return dict(zip(self.steps, self.values))

    @property
    def last_step(self) -> int | None:
        """The last reported step (None before the first report)."""
        return self.steps[-1] if self.steps else None

    @property
    def last_value(self) -> float | None:
        """The last reported value (None before the first report)."""
        return self.values[-1] if self.values else None

    def value_at(self, step: int) -> float | None:
        """Return the value reported at exactly ``step`` (None if none was)."""
        i = bisect.bisect_left(self.steps, step)
        if i < len(self.steps) and self.steps[i] == step:
            return self.values[i]
        return None

    def first_at_or_after(self, step: int) -> tuple[int, float] | None:
        """Return the first report at a step ``>= step``: ``(step, value)``, or None."""
        i = bisect.bisect_left(self.steps, step)
        if i < len(self.steps):
            return self.steps[i], self.values[i]
        return None

    def __repr__(self) -> str:
        return f"TrialCurve({self.number}, {self.state!r}, {len(self.steps)} steps)"


class StudyView:
    """The learning curves of every trial of a search, as a pruner reads them.

    The search engine keeps one, fed by the trials' reports (running trials included)
    and by the finished trials; :meth:`from_trials` builds one by hand (tests, a study
    loaded from storage).

    Parameters
    ----------
    direction : {"minimize", "maximize"}
        Whether smaller or larger reported values are better.

    Examples
    --------
    >>> from nbopt.searchers import Trial
    >>> done = [Trial(n, {}, "complete", 0.0, intermediate_values={0: v, 1: v / 2})
    ...         for n, v in enumerate([1.0, 2.0, 4.0])]
    >>> study = StudyView.from_trials(done)
    >>> study.values_at(1).tolist()
    [0.5, 1.0, 2.0]
    """

    def __init__(self, direction: str = "minimize") -> None:
        if direction not in ("minimize", "maximize"):
            raise ValueError(f"direction must be 'minimize' or 'maximize', got {direction!r}")
        self.direction: Literal["minimize", "maximize"] = (
            "minimize" if direction == "minimize" else "maximize"
        )
        # An RLock: pruners call the read methods while the engine holds the lock.
        self._lock = threading.RLock()
        self._curves: dict[int, TrialCurve] = {}
        # step -> {number: value}: the values at one step without scanning every curve
        self._by_step: dict[int, dict[int, float]] = {}
        # the running trials' numbers: their curves without scanning every trial's
        self._running: set[int] = set()
        self._version = 0

    @classmethod
    def from_trials(cls, trials: Iterable[Trial], direction: str = "minimize") -> StudyView:
        """Build a view of finished (or running) trials and their ``intermediate_values``."""
        view = cls(direction)
        for trial in trials:
            view._put(trial.number, trial.state, trial.intermediate_values)
        return view

    # ---- read (pruners)

    @property
    def sign(self) -> float:
        """+1 when minimizing, -1 when maximizing: ``sign * value`` is to be minimized."""
        return 1.0 if self.direction == "minimize" else -1.0

    @property
    def version(self) -> int:
        """A count of the changes so far: equal counts, equal curves and states."""
        return self._version

    def trials(self, states: Iterable[str] | None = None) -> list[TrialCurve]:
        """Return the trials' curves in number order, only those in ``states`` if given."""
        wanted = None if states is None else frozenset(states)
        with self._lock:
            return [
                c for n, c in sorted(self._curves.items()) if wanted is None or c.state in wanted
            ]

    def trial(self, number: int) -> TrialCurve:
        """Return the curve of trial ``number`` (KeyError if there is no such trial)."""
        with self._lock:
            return self._curves[number]

    def count(self, states: Iterable[str]) -> int:
        """How many trials are in one of ``states``."""
        wanted = frozenset(states)
        with self._lock:
            return sum(c.state in wanted for c in self._curves.values())

    def values_at(
        self, step: int, states: Iterable[str] = ("complete",), *, exclude: int | None = None
    ) -> np.ndarray[Any, np.dtype[np.float64]]:
        """Return the values reported at exactly ``step`` by trials in ``states``.

        ``exclude`` leaves one trial out (the one being judged).
        """
        wanted = frozenset(states)
        with self._lock:
            at = self._by_step.get(step, {})
            values = [
                v for n, v in sorted(at.items()) if n != exclude and self._curves[n].state in wanted
            ]
        return np.asarray(values, dtype=np.float64)

    def steps(self) -> list[int]:
        """Every step some trial reported at, increasing."""
        with self._lock:
            return sorted(s for s, at in self._by_step.items() if at)

    # ---- write (the engine)

    def _put(self, number: int, state: TrialState, curve: Mapping[int, float]) -> TrialCurve:
        with self._lock:
            self._version += 1
            self._drop(number)
            steps = sorted(curve)
            record = TrialCurve(number, state, steps, [curve[s] for s in steps])
            self._curves[number] = record
            if state == "running":
                self._running.add(number)
            for s, v in zip(record.steps, record.values):
                self._by_step.setdefault(s, {})[number] = v
            return record

    def _drop(self, number: int) -> None:
        self._running.discard(number)
        old = self._curves.pop(number, None)
        if old is not None:
            for s in old.steps:
                self._by_step.get(s, {}).pop(number, None)

    def _append(self, number: int, step: int, value: float) -> bool:
        """Add one report of a running trial; False when it does not extend its curve."""
        with self._lock:
            record = self._curves.get(number)
            if record is None or record.state != "running":
                return False
            if record.steps and step <= record.steps[-1]:
                return False
            self._version += 1
            record.steps.append(step)
            record.values.append(value)
            self._by_step.setdefault(step, {})[number] = value
            return True


# --------------------------------------------------------------------------------------
# Pruners


def _keep(reason: str, step: int | None, pruner: Pruner, **fields: Any) -> PruneDecision:
    return PruneDecision(False, reason, step, pruner=type(pruner).__name__, **fields)


def _fmt(x: float) -> str:
    return f"{x:.6g}"


class Pruner:
    """Base of the pruners: decide, from the study's curves, whether to stop a trial.

    Subclasses implement :meth:`should_prune`. The engine calls it (with its lock held,
    so a pruner needs no lock of its own) each time a running trial calls
    ``trial.should_prune()``, after the trial's reports so far.

    Examples
    --------
    >>> class Threshold(Pruner):
    ...     '''Stop any trial whose last value is above 1.'''
    ...     def should_prune(self, study, trial):
    ...         value = trial.last_value
    ...         prune = value is not None and value > 1.0
    ...         return PruneDecision(prune, "above 1" if prune else "below 1",
    ...                              trial.last_step, value, 1.0, pruner="Threshold")
    >>> from nbopt.searchers import Trial
    >>> study = StudyView.from_trials([Trial(0, {}, intermediate_values={0: 3.0})])
    >>> bool(Threshold().should_prune(study, study.trial(0)))
    True
    """

    def should_prune(self, study: StudyView, trial: TrialCurve) -> PruneDecision:
        """Return whether to stop ``trial`` now, and why.

        Parameters
        ----------
        study : StudyView
            Every trial's curve and state (the judged trial included, as ``running``).
        trial : TrialCurve
            The trial to judge; its last report is the step to decide at.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement should_prune")

    def thresholds(self, study: StudyView) -> tuple[PruneThreshold, ...]:
        """Return the bars a trial is judged against now, for drawing (none by default).

        Read-only, and as cheap as one pass over the study: a live view calls it as
        trials report.
        """
        return ()

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def _check_int(name: str, value: object, low: int) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int >= {low}, got {value!r}")
    if value < low:
        raise ValueError(f"{name} must be an int >= {low}, got {value!r}")
    return int(value)


class MedianPruner(Pruner):
    """Stop a trial whose best value so far is worse than the median at the same step.

    At step ``s`` the trial's best reported value up to ``s`` is compared with the median
    of the values that *complete* trials reported at exactly ``s`` (pruned and failed
    trials do not set the bar). Strictly worse is pruned; ties are kept.

    Parameters
    ----------
    n_startup_trials : int, default 5
        No pruning until this many trials have completed.
    n_warmup_steps : int, default 0
        No pruning at steps below this (the first epochs are noisy).
    interval_steps : int, default 1
        Decide only at steps ``n_warmup_steps + k * interval_steps``.
    n_min_trials : int, default 1
        No pruning at a step fewer complete trials reported at.

    Examples
    --------
    >>> from nbopt.searchers import Trial
    >>> done = [Trial(n, {}, "complete", 0.0, intermediate_values={0: v})
    ...         for n, v in enumerate([1.0, 2.0, 3.0])]
    >>> study = StudyView.from_trials([*done, Trial(3, {}, intermediate_values={0: 2.5})])
    >>> d = MedianPruner(n_startup_trials=3).should_prune(study, study.trial(3))
    >>> d.prune, d.threshold
    (True, 2.0)
    """

    def __init__(
        self,
        n_startup_trials: int = 5,
        n_warmup_steps: int = 0,
        interval_steps: int = 1,
        *,
        n_min_trials: int = 1,
    ) -> None:
        self.n_startup_trials = _check_int("n_startup_trials", n_startup_trials, 0)
        self.n_warmup_steps = _check_int("n_warmup_steps", n_warmup_steps, 0)
        self.interval_steps = _check_int("interval_steps", interval_steps, 1)
        self.n_min_trials = _check_int("n_min_trials", n_min_trials, 1)

    def should_prune(self, study: StudyView, trial: TrialCurve) -> PruneDecision:
        """Compare the trial's best value so far with the median at its last step."""
        step = trial.last_step
        if step is None:
            return _keep("no value reported yet", None, self)
        n_complete = study.count(("complete",))
        if n_complete < self.n_startup_trials:
            return _keep(
                f"start-up: {n_complete} of {self.n_startup_trials} trials complete", step, self
            )
        if step < self.n_warmup_steps:
            return _keep(f"warm-up: step {step} < n_warmup_steps={self.n_warmup_steps}", step, self)
        if not self._checks_at(step):
            return _keep(f"step {step} is not a check step", step, self)
        others = study.values_at(step, ("complete",), exclude=trial.number)
        if len(others) < self.n_min_trials:
            return _keep(
                f"step {step}: {len(others)} complete trials reported here "
                f"(n_min_trials={self.n_min_trials})",
                step,
                self,
                n_compared=len(others),
            )
        sign = study.sign
        best = sign * min(sign * v for v in trial.values)
        median = float(np.median(others))
        worse = sign * best > sign * median
        verb = "worse than" if worse else "not worse than"
        return PruneDecision(
            worse,
            f"step {step}: best value {_fmt(best)} {verb} the median {_fmt(median)} "
            f"of {len(others)} complete trials at this step",
            step,
            best,
            median,
            pruner=type(self).__name__,
            n_compared=len(others),
        )

    def _checks_at(self, step: int) -> bool:
        return step >= self.n_warmup_steps and not (
            (step - self.n_warmup_steps) % self.interval_steps
        )

    def thresholds(self, study: StudyView) -> tuple[PruneThreshold, ...]:
        """Return the median of the complete trials at every check step (none at start-up).

        Examples
        --------
        >>> from nbopt.searchers import Trial
        >>> done = [Trial(n, {}, "complete", 0.0, intermediate_values={0: v, 1: v / 2})
        ...         for n, v in enumerate([1.0, 2.0, 4.0])]
        >>> MedianPruner(n_startup_trials=3).thresholds(StudyView.from_trials(done))
        (PruneThreshold(label='median of complete trials', steps=(0, 1), values=(2.0, 1.0)),)
        """
        if study.count(("complete",)) < self.n_startup_trials:
            return ()
        steps: list[int] = []
        values: list[float] = []
        for step in study.steps():
            if not self._checks_at(step):
                continue
            at = study.values_at(step, ("complete",))
            if len(at) >= self.n_min_trials:
                steps.append(step)
                values.append(float(np.median(at)))
        if not steps:
            return ()
        return (PruneThreshold("median of complete trials", tuple(steps), tuple(values)),)

    def __repr__(self) -> str:
        return (
            f"MedianPruner(n_startup_trials={self.n_startup_trials}, "
            f"n_warmup_steps={self.n_warmup_steps}, interval_steps={self.interval_steps})"
        )


def _rung_values(
    study: StudyView, at: int, members: Any, exclude: int | None = None
) -> list[float]:
    """Values of the trials (of ``members`` when given) at the rung at step ``at``."""
    out = []
    for other in study.trials():
        if other.number == exclude or (members is not None and not members(other.number)):
            continue
        hit = other.first_at_or_after(at)
        if hit is not None:
            out.append(hit[1])
    return out


class SuccessiveHalvingPruner(Pruner):
    """Asynchronous successive halving (ASHA): promote the best ``1/reduction_factor``.

    Rung ``k`` sits at step ``min_resource * reduction_factor ** (k +
    min_early_stopping_rate)``. A trial's value at a rung is its first report at a step
    at or after the rung. When a trial reaches a rung, it is compared with every trial
    of the study (any state, itself included) that reached that rung so far: with ``n``
    of them, it goes on when its value is among the best ``max(1, n //
    reduction_factor)`` and is pruned otherwise. Nobody waits for a rung to fill
    (while fewer than ``reduction_factor`` trials reached it, only the best so far goes
    on), and a promotion is final.

    Parameters
    ----------
    min_resource : int, default 1
        The step of the first rung (with ``min_early_stopping_rate=0``).
    reduction_factor : int, default 3
        ``eta``: rungs are this many times apart, and ``1/eta`` of the trials pass.
    min_early_stopping_rate : int, default 0
        Skip this many rungs at the start (Hyperband's brackets).
    max_resource : int, optional
        No rung at or beyond this step (a trial that reaches it runs to the end).

    Examples
    --------
    >>> from nbopt.searchers import Trial
    >>> curves = [{1: 0.5}, {1: 0.2}, {1: 0.9}]
    >>> study = StudyView.from_trials(
    ...     [Trial(n, {}, "running", intermediate_values=c) for n, c in enumerate(curves)])
    >>> d = SuccessiveHalvingPruner().should_prune(study, study.trial(2))
    >>> d.prune, d.rung, d.threshold
    (True, 0, 0.2)
    """

    def __init__(
        self,
        min_resource: int = 1,
        reduction_factor: int = 3,
        min_early_stopping_rate: int = 0,
        *,
        max_resource: int | None = None,
    ) -> None:
        self.min_resource = _check_int("min_resource", min_resource, 1)
        self.reduction_factor = _check_int("reduction_factor", reduction_factor, 2)
        self.min_early_stopping_rate = _check_int(
            "min_early_stopping_rate", min_early_stopping_rate, 0
        )
        self.max_resource = (
            None if max_resource is None else _check_int("max_resource", max_resource, 1)
        )

    def rung_step(self, rung: int) -> int:
        """Return the step of rung ``rung`` (0 is the first)."""
        return int(
            self.min_resource * self.reduction_factor ** (rung + self.min_early_stopping_rate)
        )

    def should_prune(self, study: StudyView, trial: TrialCurve) -> PruneDecision:
        """Judge the trial at every rung it reached since its last promotion."""
        return self._judge(study, trial, None, None)

    def _judge(
        self,
        study: StudyView,
        trial: TrialCurve,
        members: Any,
        bracket: int | None,
    ) -> PruneDecision:
        step = trial.last_step
        if step is None:
            return _keep("no value reported yet", None, self, bracket=bracket)
        key = f"{type(self).__name__}.promoted"
        rung = int(trial.memo.get(key, -1)) + 1
        sign = study.sign
        # the last promotion taken in this call, reported with the decision to go on
        promoted: dict[str, Any] = {"rung": rung, "bracket": bracket}
        done = ""
        while True:
            at = self.rung_step(rung)
            if self.max_resource is not None and at >= self.max_resource:
                return _keep(
                    f"{done}no rung at or after max_resource={self.max_resource}",
                    step,
                    self,
                    **promoted,
                )
            if step < at:
                return _keep(f"{done}rung {rung} is at step {at}", step, self, **promoted)
            own = trial.first_at_or_after(at)
            assert own is not None
            value = own[1]
            competing = _rung_values(study, at, members, exclude=trial.number)
            k, n, threshold = self._cutoff([value, *competing], sign)
            if sign * value > sign * threshold:
                return PruneDecision(
                    True,
                    f"rung {rung} (step {at}): value {_fmt(value)} not among the best {k} of "
                    f"{n} trials at this rung (cut-off {_fmt(threshold)})",
                    step,
                    value,
                    threshold,
                    rung=rung,
                    bracket=bracket,
                    pruner=type(self).__name__,
                    n_compared=n,
                )
            trial.memo[key] = rung
            promoted = {
                "rung": rung,
                "bracket": bracket,
                "value": value,
                "threshold": threshold,
                "n_compared": n,
            }
            done = (
                f"promoted at rung {rung} (step {at}): value {_fmt(value)} among the best {k} "
                f"of {n} trials (cut-off {_fmt(threshold)}); "
            )
            rung += 1

    def _cutoff(self, values: list[float], sign: float) -> tuple[int, int, float]:
        """``(k, n, cut-off)``: the best ``k`` of the ``n`` values at a rung go on."""
        ranked = sorted(sign * v for v in values)
        n = len(ranked)
        k = max(1, n // self.reduction_factor)
        return k, n, sign * ranked[k - 1]

    def _rung_thresholds(
        self, study: StudyView, members: Any, label: str
    ) -> tuple[PruneThreshold, ...]:
        steps: list[int] = []
        cutoffs: list[float] = []
        rung = 0
        while True:
            at = self.rung_step(rung)
            if self.max_resource is not None and at >= self.max_resource:
                break
            values = _rung_values(study, at, members)
            if not values:
                break
            steps.append(at)
            cutoffs.append(self._cutoff(values, study.sign)[2])
            rung += 1
        if not steps:
            return ()
        return (PruneThreshold(label, tuple(steps), tuple(cutoffs)),)

    def thresholds(self, study: StudyView) -> tuple[PruneThreshold, ...]:
        """Return the promotion cut-off at every rung some trial reached.

        Examples
        --------
        >>> from nbopt.searchers import Trial
        >>> curves = [{1: 0.5, 3: 0.4}, {1: 0.2}, {1: 0.9}]
        >>> study = StudyView.from_trials(
        ...     [Trial(n, {}, "running", intermediate_values=c) for n, c in enumerate(curves)])
        >>> SuccessiveHalvingPruner().thresholds(study)
        (PruneThreshold(label='rung cut-off', steps=(1, 3), values=(0.2, 0.4)),)
        """
        return self._rung_thresholds(study, None, "rung cut-off")

    def __repr__(self) -> str:
        return (
            f"SuccessiveHalvingPruner(min_resource={self.min_resource}, "
            f"reduction_factor={self.reduction_factor}, "
            f"min_early_stopping_rate={self.min_early_stopping_rate})"
        )


class HyperbandPruner(Pruner):
    """Hyperband: several asynchronous successive-halving brackets, from aggressive to none.

    With ``n = floor(log_eta(max_resource / min_resource)) + 1`` brackets, bracket ``b``
    is a :class:`SuccessiveHalvingPruner` whose first rung is at ``min_resource *
    eta**b``; the last bracket never prunes before ``max_resource``. Trials only
    compete within their bracket. Trial number ``t`` goes to the bracket of ``t %
    total`` in the budgets ``ceil(n * eta**(n-1-b) / (n - b))`` laid end to end, as in
    Hyperband (many trials in the aggressive brackets), deterministically so that a
    resumed study puts every trial back where it was.

    Parameters
    ----------
    min_resource : int, default 1
        The first rung of the most aggressive bracket.
    max_resource : int or "auto", default "auto"
        The step a full trial reaches. ``"auto"``: no pruning until a trial completes;
        then the largest last step of the complete trials, fixed from then on.
    reduction_factor : int, default 3
        ``eta`` of every bracket.

    Examples
    --------
    >>> p = HyperbandPruner(min_resource=1, max_resource=9, reduction_factor=3)
    >>> p.n_brackets, p.budgets, [p.bracket_of(t) for t in range(15)]
    (3, [9, 5, 3], [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2])
    """

    def __init__(
        self,
        min_resource: int = 1,
        max_resource: int | Literal["auto"] = "auto",
        reduction_factor: int = 3,
    ) -> None:
        self.min_resource = _check_int("min_resource", min_resource, 1)
        self.reduction_factor = _check_int("reduction_factor", reduction_factor, 2)
        self._max: int | None = None
        if max_resource != "auto":
            self._max = _check_int("max_resource", max_resource, self.min_resource)
        # one halving pruner per bracket, made once max_resource is known
        self._halving: list[SuccessiveHalvingPruner] = []

    @property
    def max_resource(self) -> int | None:
        """The full budget (None while ``"auto"`` waits for a complete trial)."""
        return self._max

    @property
    def n_brackets(self) -> int:
        """How many brackets (0 while ``max_resource`` is not known)."""
        if self._max is None:
            return 0
        n, resource = 1, self.min_resource * self.reduction_factor
        while resource <= self._max:
            n += 1
            resource *= self.reduction_factor
        return n

    @property
    def budgets(self) -> list[int]:
        """Trials given to each bracket per round (most aggressive first)."""
        n, eta = self.n_brackets, self.reduction_factor
        return [math.ceil(n * eta ** (n - 1 - b) / (n - b)) for b in range(n)]

    def bracket_of(self, number: int) -> int:
        """Return the bracket of trial ``number``."""
        budgets = self.budgets
        if not budgets:
            raise ValueError("HyperbandPruner: max_resource is not known yet")
        rest = number % sum(budgets)
        for b, budget in enumerate(budgets):
            if rest < budget:
                return b
            rest -= budget
        raise AssertionError("unreachable: rest < sum(budgets)")

    def _brackets(self) -> list[SuccessiveHalvingPruner]:
        if not self._halving:
            self._halving = [
                SuccessiveHalvingPruner(
                    self.min_resource,
                    self.reduction_factor,
                    b,
                    max_resource=self._max,
                )
                for b in range(self.n_brackets)
            ]
        return self._halving

    def should_prune(self, study: StudyView, trial: TrialCurve) -> PruneDecision:
        """Judge the trial within its bracket (see :class:`SuccessiveHalvingPruner`)."""
        if self._max is None:
            complete = [c.last_step for c in study.trials(("complete",))]
            steps = [s for s in complete if s is not None]
            if not steps:
                return _keep(
                    "max_resource='auto': waiting for a complete trial", trial.last_step, self
                )
            self._max = max(max(steps), self.min_resource)
        bracket = self.bracket_of(trial.number)
        halving = self._brackets()[bracket]
        decision = halving._judge(study, trial, lambda n: self.bracket_of(n) == bracket, bracket)
        fields = decision.as_dict()
        fields["reason"] = f"bracket {bracket}, {fields['reason']}"
        fields["pruner"] = type(self).__name__
        return PruneDecision(**fields)

    def thresholds(self, study: StudyView) -> tuple[PruneThreshold, ...]:
        """Return the rung cut-offs of each bracket (none before ``max_resource`` is known).

        Examples
        --------
        >>> from nbopt.searchers import Trial
        >>> p = HyperbandPruner(min_resource=1, max_resource=9)
        >>> study = StudyView.from_trials(
        ...     [Trial(n, {}, "running", intermediate_values={1: n / 10}) for n in range(4)])
        >>> [(t.label, t.steps, t.values) for t in p.thresholds(study)]
        [('bracket 0 cut-off', (1,), (0.0,))]
        """
        if self._max is None:
            return ()
        out: list[PruneThreshold] = []
        for b, halving in enumerate(self._brackets()):
            out.extend(
                halving._rung_thresholds(
                    study, lambda n, b=b: self.bracket_of(n) == b, f"bracket {b} cut-off"
                )
            )
        return tuple(out)

    def __repr__(self) -> str:
        return (
            f"HyperbandPruner(min_resource={self.min_resource}, max_resource={self._max!r}, "
            f"reduction_factor={self.reduction_factor})"
        )


def make_pruner(pruner: str | Pruner | None) -> Pruner | None:
    """Return the pruner named by ``search(pruner=...)`` (None: no pruning).

    Raises
    ------
    ValueError
        For an unknown name.
    TypeError
        For anything else than a name, a :class:`Pruner` or None.
    """
    if pruner is None or isinstance(pruner, Pruner):
        return pruner
    if isinstance(pruner, str):
        name = pruner.lower()
        if name == "median":
            return MedianPruner()
        if name == "halving":
            return SuccessiveHalvingPruner()
        if name == "hyperband":
            return HyperbandPruner()
        raise ValueError(
            f"unknown pruner {pruner!r}; expected one of {list(PRUNERS)}, a Pruner instance "
            "(MedianPruner(...), SuccessiveHalvingPruner(...), HyperbandPruner(...)) or None"
        )
    raise TypeError(
        f"pruner must be one of {list(PRUNERS)}, a Pruner instance or None, "
        f"got {type(pruner).__name__}"
    )
