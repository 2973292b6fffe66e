"""Pruning benchmark: the compute each tool spends to reach a target validation accuracy.

The model is scikit-learn's ``MLPClassifier`` (one hidden layer, SGD with momentum) on
``load_digits`` (pixels scaled to [0, 1]), one fixed stratified split of 1,078 training
and 719 validation images (``random_state=0``) shared by every tool. A trial trains one
configuration epoch by epoch with ``partial_fit`` for at most ``--epochs`` epochs (27 =
3**3, so that halving rungs at 1, 3, 9 epochs fall on epochs) and reports the validation
accuracy after each epoch. The space spans hopeless and good configurations alike:
``learning_rate_init`` 1e-5..1 (log: the low end crawls), ``alpha`` 1e-6..1 (log: the
high end underfits), hidden units 8..64 (log), ``batch_size`` in {32, 64, 128, 256},
``momentum`` 0..0.99. The weights are drawn from the seed and the epochs do not reshuffle
the (already shuffled) training set, so a configuration gives the same learning curve in
every tool (checked at start: scikit-learn's ``fit(max_iter=k)`` and ``k`` calls of
``partial_fit`` give the same model).

Each tool runs ``--trials`` trials (40) per seed, so every one samples as many
configurations; a pruner's saving shows as fewer epochs spent on them. Equal trials rather
than equal compute because the question is the compute to the target, which a run cut at a
compute budget could hide when the target is not reached. The runs, per seed:

- nbopt, ``pruner=None``, ``"median"``, ``"halving"``, ``"hyperband"`` (the defaults a
  user gets by name), with ``method="random"`` and with the default ``"auto"``;
- Optuna's ``MedianPruner()`` and ``HyperbandPruner()`` (defaults), with ``RandomSampler``
  and with the default ``TPESampler``, both seeded;
- scikit-learn's ``HalvingRandomSearchCV`` with ``resource="max_iter"``
  (``min_resources=1``, ``max_resources=27``, ``factor=3``, ``n_candidates=40``), one
  ``PredefinedSplit`` fold (the same validation images), ``refit=False``. It trains each
  candidate from scratch at each budget; its epochs are the sum of ``n_resources`` over
  ``cv_results_``.

The objective code is shared: after each epoch it reports the accuracy, then asks the
tool's pruner (not after the last epoch: stopping then saves nothing). Random sampling is
the headline, since every tool then draws configurations the same way and only the
pruning differs (nbopt's random searcher ignores results, so nbopt's runs of one seed try
the same configurations in the same order, pruned or not); nbopt's ``"auto"`` against
Optuna's TPE is shown beside it. scikit-learn samples at random and is a peer of both.

Compute to target: in the order trials end, each trial's model is scored by its last
validation accuracy (the model it stopped with: a full-budget one, or a pruned or
lower-budget one); the epochs and the wall seconds spent until the best score so far first
reaches the target, the epochs counted over every trial run until then, seconds from the
start of the run (the searcher's and pruner's own time included). A seed that never
reaches it counts as infinite. Reported per method: seeds reaching the target, median and
interquartile range over seeds of epochs and seconds to target, whole-run epochs and
seconds, final best accuracy. Then the ratios, on epochs (the machine-independent
compute; seconds beside): nbopt's best pruner against the best peer (target <= 1) and
against nbopt without pruning (target >= 2), the best being the lowest median.

The target, 0.96 validation accuracy, was fixed before any tool ran: 12 % of random
configurations reach it at 27 epochs, the 90th percentile of their accuracy being 0.963
(``--calibrate 150``: 150 random configurations at full budget on seeds 100..104, not the
benchmark's seeds; 0.97 is reached by 5 % of them, 0.95 by 21 %, the median is 0.42).

Run: ``nice -n 5 .venv/bin/python benchmarks/pruning.py`` (``--seeds 5``, ``--trials 40``,
``--epochs 27``, ``--samplers random default``, ``--target 0.96``; ``--quick`` is a smoke
run of 2 seeds, 12 trials, 9 epochs; ``--calibrate N`` prints the accuracy quantiles of
N random configurations at full budget and exits). BLAS runs one thread: the machine's
cores are shared and these matrices are too small for threads to help. The machine's
load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

import nbopt
from nbopt import space

TARGET = 0.96
EPOCHS = 27
HIDDEN = (8, 64)
BATCH_SIZES = [32, 64, 128, 256]
NBOPT_PRUNERS = ["none", "median", "halving", "hyperband"]
OPTUNA_PRUNERS = ["median", "hyperband"]
#: sampler group -> (nbopt method, Optuna sampler)
SAMPLERS = {"random": ("random", "RandomSampler"), "default": ("auto", "TPESampler")}


def load() -> str:
    return f"load average {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores)"


# ------------------------------------------------------------------ data and model


class Data(NamedTuple):
    X_train: np.ndarray[Any, Any]
    y_train: np.ndarray[Any, Any]
    X_val: np.ndarray[Any, Any]
    y_val: np.ndarray[Any, Any]
    classes: np.ndarray[Any, Any]


def load_data() -> Data:
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    X_train, X_val, y_train, y_val = train_test_split(
        X / 16.0, y, test_size=0.4, stratify=y, random_state=0
    )
    return Data(X_train, y_train, X_val, y_val, np.unique(y))


def nbopt_space() -> dict[str, space.Dimension]:
    return {
        "learning_rate_init": space.Float(1e-5, 1.0, log=True),
        "alpha": space.Float(1e-6, 1.0, log=True),
        "hidden_layer_sizes": space.Int(*HIDDEN, log=True),
        "batch_size": space.Choice(BATCH_SIZES, ordered=True),
        "momentum": space.Float(0.0, 0.99),
    }


def optuna_params(trial: Any) -> dict[str, Any]:
    return {
        "learning_rate_init": trial.suggest_float("learning_rate_init", 1e-5, 1.0, log=True),
        "alpha": trial.suggest_float("alpha", 1e-6, 1.0, log=True),
        "hidden_layer_sizes": trial.suggest_int("hidden_layer_sizes", *HIDDEN, log=True),
        "batch_size": trial.suggest_categorical("batch_size", BATCH_SIZES),
        "momentum": trial.suggest_float("momentum", 0.0, 0.99),
    }


class LogInt:
    """Integers log-uniform on ``[lo, hi]`` for scikit-learn's ParameterSampler.

    Each integer owns a log-width bin, as ``space.Int(lo, hi, log=True)`` samples them.
    """

    def __init__(self, lo: int, hi: int) -> None:
        self.lo, self.hi = lo, hi

    def rvs(self, random_state: Any = None) -> int:
        from sklearn.utils import check_random_state

        rng = check_random_state(random_state)
        x = math.exp(rng.uniform(math.log(self.lo), math.log(self.hi + 1)))
        return min(int(x), self.hi)


def sklearn_distributions() -> dict[str, Any]:
    from scipy.stats import loguniform, uniform

    return {
        "learning_rate_init": loguniform(1e-5, 1.0),
        "alpha": loguniform(1e-6, 1.0),
        "hidden_layer_sizes": LogInt(*HIDDEN),
        "batch_size": BATCH_SIZES,
        "momentum": uniform(0.0, 0.99),
    }


def make_model(seed: int, **params: Any) -> Any:
    from sklearn.neural_network import MLPClassifier

    # shuffle=False: fit(max_iter=k) and k calls of partial_fit then train the same model
    # (each shuffles epochs differently from one seed); the split is shuffled already.
    # n_iter_no_change=inf: fit never stops before max_iter, like partial_fit.
    return MLPClassifier(
        solver="sgd",
        shuffle=False,
        random_state=seed,
        n_iter_no_change=np.inf,
        **params,
    )


# ------------------------------------------------------------------ the ledger


class TrialEnd(NamedTuple):
    params: dict[str, Any]
    state: str
    epochs: int
    score: float
    reason: str


@dataclass
class Run:
    """One tool's run on one seed: every trial's end, in the order trials ended."""

    label: str
    group: str
    tool: str
    pruner: str
    seed: int
    t0: float = field(default_factory=time.perf_counter)
    #: (seconds since the start, epochs the trial trained, its last validation accuracy)
    ends: list[tuple[float, int, float]] = field(default_factory=list)
    seconds: float = 0.0
    n_pruned: int = 0
    n_failed: int = 0
    #: nbopt runs: trial number -> how it ended
    trials: dict[int, TrialEnd] = field(default_factory=dict)
    note: str = ""

    def record(self, epochs: int, score: float) -> None:
        self.ends.append((time.perf_counter() - self.t0, epochs, score))

    @property
    def total_epochs(self) -> int:
        return sum(e for _, e, _ in self.ends)

    @property
    def best(self) -> float:
        return max((s for _, _, s in self.ends), default=float("nan"))

    def to_target(self, target: float) -> tuple[float, float]:
        """Epochs and seconds spent until a trial's model first scores ``>= target``."""
        epochs = 0
        for t, e, s in self.ends:
            epochs += e
            if s >= target:
                return float(epochs), t
        return math.inf, math.inf


def train(
    params: dict[str, Any],
    seed: int,
    data: Data,
    epochs: int,
    run: Run,
    report: Callable[[float, int], bool],
) -> tuple[float, bool]:
    """Train one configuration epoch by epoch; ``report(score, epoch)`` True stops it.

    Returns the last validation accuracy and whether it was stopped early. A model whose
    weights overflow scores 0 and ends there (scikit-learn refuses to go on).
    """
    model = make_model(seed, **params)
    score, epoch = 0.0, 0
    try:
        for epoch in range(1, epochs + 1):
            try:
                model.partial_fit(data.X_train, data.y_train, classes=data.classes)
            except ValueError as exc:
                if "non-finite" not in str(exc):
                    raise
                score = 0.0
                return score, False
            score = float(model.score(data.X_val, data.y_val))
            if report(score, epoch):
                return score, True
        return score, False
    finally:
        run.record(epoch, score)


# ------------------------------------------------------------------ runners


def run_nbopt(method: str, pruner: str, seed: int, data: Data, args: argparse.Namespace) -> Run:
    group = "random" if method == "random" else "default"
    run = Run(f"nbopt {method} + {pruner}", group, "nbopt", pruner, seed)
    epochs = args.epochs

    def objective(params: dict[str, Any], trial: Any) -> float:
        def report(score: float, epoch: int) -> bool:
            trial.report(score, step=epoch)
            return epoch < epochs and trial.should_prune()

        score, stopped = train(params, seed, data, epochs, run, report)
        if stopped:
            raise nbopt.Pruned()
        return score

    run.t0 = time.perf_counter()
    result = nbopt.search(
        objective,
        nbopt_space(),
        method=method,
        n_trials=args.trials,
        seed=seed,
        direction="maximize",
        pruner=None if pruner == "none" else pruner,
        progress=False,
    )
    run.seconds = time.perf_counter() - run.t0
    for t in result.trials:
        step, score = t.last_intermediate or (0, 0.0)
        reason = t.info.get("pruned", {}).get("reason", "") if t.state == "pruned" else ""
        run.trials[t.number] = TrialEnd(dict(t.params), t.state, step, score, reason)
    run.n_pruned = sum(t.state == "pruned" for t in result.trials)
    run.n_failed = sum(t.state == "failed" for t in result.trials)
    choice = getattr(result.searcher, "choice", None)
    if choice:
        run.note = f"auto chose {choice}"
    return run


def run_optuna(sampler: str, pruner: str, seed: int, data: Data, args: argparse.Namespace) -> Run:
    import optuna

    group = "random" if sampler == "RandomSampler" else "default"
    run = Run(f"optuna {sampler} + {pruner}", group, "optuna", pruner, seed)
    epochs = args.epochs
    samplers = {
        "RandomSampler": optuna.samplers.RandomSampler,
        "TPESampler": optuna.samplers.TPESampler,
    }
    pruners = {"median": optuna.pruners.MedianPruner, "hyperband": optuna.pruners.HyperbandPruner}

    def objective(trial: Any) -> float:
        def report(score: float, epoch: int) -> bool:
            trial.report(score, step=epoch)
            return epoch < epochs and trial.should_prune()

        score, stopped = train(optuna_params(trial), seed, data, epochs, run, report)
        if stopped:
            raise optuna.TrialPruned()
        return score

    run.t0 = time.perf_counter()
    # a fixed study name: Optuna's Hyperband puts trials in brackets by hashing it
    study = optuna.create_study(
        study_name=f"pruning-{seed}",
        direction="maximize",
        sampler=samplers[sampler](seed=seed),
        pruner=pruners[pruner](),
    )
    study.optimize(objective, n_trials=args.trials)
    run.seconds = time.perf_counter() - run.t0
    states = [t.state for t in study.trials]
    run.n_pruned = sum(s == optuna.trial.TrialState.PRUNED for s in states)
    run.n_failed = sum(s == optuna.trial.TrialState.FAIL for s in states)
    return run


def run_halving_cv(seed: int, data: Data, args: argparse.Namespace) -> Run:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.experimental import enable_halving_search_cv  # noqa: F401
    from sklearn.model_selection import HalvingRandomSearchCV, PredefinedSplit

    run = Run("sklearn HalvingRandomSearchCV", "both", "sklearn", "halving", seed)
    X = np.vstack([data.X_train, data.X_val])
    y = np.concatenate([data.y_train, data.y_val])
    fold = PredefinedSplit(np.r_[np.full(len(data.y_train), -1), np.zeros(len(data.y_val))])

    def scorer(estimator: Any, X_val: Any, y_val: Any) -> float:
        score = float(estimator.score(X_val, y_val))
        run.record(int(estimator.n_iter_), score)
        return score

    cv = HalvingRandomSearchCV(
        make_model(seed),
        sklearn_distributions(),
        n_candidates=args.trials,
        resource="max_iter",
        min_resources=1,
        max_resources=args.epochs,
        factor=3,
        cv=fold,
        scoring=scorer,
        refit=False,
        error_score=0.0,
        return_train_score=False,
        random_state=seed,
    )
    run.t0 = time.perf_counter()
    with warnings.catch_warnings():
        # each budget below max_iter's convergence is by design: do not warn per fit
        warnings.filterwarnings("ignore", category=ConvergenceWarning)
        cv.fit(X, y)
    run.seconds = time.perf_counter() - run.t0
    resources = [int(r) for r in cv.cv_results_["n_resources"]]
    if sum(resources) != run.total_epochs or len(resources) != len(run.ends):
        raise RuntimeError(
            f"HalvingRandomSearchCV: cv_results_ counts {sum(resources)} epochs in "
            f"{len(resources)} fits, the scorer saw {run.total_epochs} in {len(run.ends)}"
        )
    counts = [int(n) for n in cv.n_candidates_]
    run.note = "candidates per budget " + ", ".join(
        f"{n}@{r}" for n, r in zip(counts, cv.n_resources_)
    )
    return run


# ------------------------------------------------------------------ checks and calibration


def check_same_model(data: Data) -> bool:
    """``fit(max_iter=3)`` (scikit-learn's halving) and 3 ``partial_fit`` give one model."""
    from sklearn.base import clone

    params = {"learning_rate_init": 0.05, "alpha": 1e-4, "hidden_layer_sizes": 16}
    params |= {"batch_size": 64, "momentum": 0.9}
    a = clone(make_model(3, **params)).set_params(max_iter=3)
    with warnings.catch_warnings():
        from sklearn.exceptions import ConvergenceWarning

        warnings.filterwarnings("ignore", category=ConvergenceWarning)
        a.fit(data.X_train, data.y_train)
    b = make_model(3, **params)
    for _ in range(3):
        b.partial_fit(data.X_train, data.y_train, classes=data.classes)
    return all(np.array_equal(u, v) for u, v in zip(a.coefs_, b.coefs_))


def calibrate(n: int, data: Data, args: argparse.Namespace) -> None:
    seeds = list(range(100, 105))
    per_seed = math.ceil(n / len(seeds))
    print(
        f"\n== calibration: {per_seed} random configurations x seeds {seeds}, "
        f"{args.epochs} epochs each, no pruning ({load()})"
    )
    scores: list[float] = []
    t = time.perf_counter()
    for seed in seeds:
        run = run_nbopt(
            "random", "none", seed, data, argparse.Namespace(**{**vars(args), "trials": per_seed})
        )
        scores += [s for _, _, s in run.ends]
        print(f"  seed {seed}: best {run.best:.4f} ({run.seconds:.0f} s)", flush=True)
    a = np.array(scores)
    qs = [0.5, 0.75, 0.8, 0.9, 0.95, 1.0]
    print(
        f"  final accuracy of {len(a)} configurations ({time.perf_counter() - t:.0f} s): "
        + ", ".join(f"q{round(100 * q)} {np.quantile(a, q):.4f}" for q in qs)
    )
    for thr in (0.95, 0.96, 0.965, 0.97, 0.975, 0.98):
        print(f"  share reaching {thr}: {np.mean(a >= thr):.1%}")
    print(f"  {load()}")


# ------------------------------------------------------------------ report

FAR = 1e17  # quantiles that fall on or past a seed that missed the target


def quartiles(values: list[float]) -> tuple[float, float, float]:
    """25th, 50th and 75th percentiles; infinite (a missed target) counts as the largest."""
    a = np.array([min(v, 1e18) for v in values])
    q = np.quantile(a, [0.25, 0.5, 0.75])
    return float(q[0]), float(q[1]), float(q[2])


def fmt(x: float, unit: str = "") -> str:
    if x >= FAR:
        return "missed"
    return f"{x:.0f}{unit}" if unit != " s" else f"{x:.1f} s"


def print_run(run: Run, target: float) -> None:
    ep, sec = run.to_target(target)
    to = "not reached" if math.isinf(ep) else f"{ep:5.0f} epochs {sec:6.1f} s"
    pruned = f", {run.n_pruned} pruned" if run.n_pruned else ""
    failed = f", {run.n_failed} failed" if run.n_failed else ""
    print(
        f"  {run.label:<34} seed {run.seed}: to target {to:<24} | run {run.total_epochs:5d} "
        f"epochs {run.seconds:6.1f} s, {len(run.ends)} fits{pruned}{failed}, best "
        f"{run.best:.4f}" + (f" ({run.note})" if run.note else ""),
        flush=True,
    )


@dataclass
class Row:
    label: str
    reached: int
    seeds: int
    epochs: tuple[float, float, float]
    seconds: tuple[float, float, float]
    total_epochs: float
    total_seconds: float
    best: float


def summarize(runs: list[Run], target: float) -> Row:
    to = [r.to_target(target) for r in runs]
    return Row(
        runs[0].label,
        sum(not math.isinf(e) for e, _ in to),
        len(runs),
        quartiles([e for e, _ in to]),
        quartiles([s for _, s in to]),
        float(np.median([r.total_epochs for r in runs])),
        float(np.median([r.seconds for r in runs])),
        float(np.median([r.best for r in runs])),
    )


def print_table(rows: list[Row]) -> None:
    print(
        f"  {'method':<34} {'reached':>7}  {'epochs to target: median [IQR]':<31} "
        f"{'seconds to target: median [IQR]':<32} {'run epochs':>10} {'run s':>7} {'best':>7}"
    )
    for r in rows:
        e = f"{fmt(r.epochs[1]):>7} [{fmt(r.epochs[0])}, {fmt(r.epochs[2])}]"
        s = f"{fmt(r.seconds[1], ' s'):>8} [{fmt(r.seconds[0], ' s')}, {fmt(r.seconds[2], ' s')}]"
        print(
            f"  {r.label:<34} {r.reached:>3}/{r.seeds:<3}  {e:<31} {s:<32} "
            f"{r.total_epochs:>10.0f} {r.total_seconds:>7.1f} {r.best:>7.4f}"
        )


def ratio(a: float, b: float) -> float:
    if a >= FAR and b >= FAR:
        return math.nan
    if b >= FAR:
        return 0.0
    return math.inf if a >= FAR else a / b


def lost_good_trials(runs: list[Run], target: float) -> None:
    """nbopt random: the trials that reach the target unpruned, and what each pruner did."""
    by_seed: dict[int, dict[str, Run]] = {}
    for r in runs:
        if r.tool == "nbopt" and r.group == "random":
            by_seed.setdefault(r.seed, {})[r.pruner] = r
    if not by_seed:
        return
    print(
        "\n  nbopt random, same configurations pruned or not: of the trials whose model "
        f"reaches {target} unpruned, how many each pruner stopped (at which epoch, why)"
    )
    for seed, per in sorted(by_seed.items()):
        base = per.get("none")
        if base is None:
            continue
        good = [n for n, t in base.trials.items() if t.score >= target]
        parts = []
        for name in ("median", "halving", "hyperband"):
            r = per.get(name)
            if r is None:
                continue
            same = all(r.trials[n].params == t.params for n, t in base.trials.items())
            stopped = [(n, r.trials[n].epochs) for n in good if r.trials[n].state == "pruned"]
            text = ", ".join(f"#{n}@{e}" for n, e in stopped) or "none"
            parts.append(
                f"{name} {len(stopped)}/{len(good)} ({text})" + ("" if same else " [params differ]")
            )
        print(f"    seed {seed}: trials reaching it unpruned {good}; " + "; ".join(parts))
    reasons: dict[str, int] = {}
    for per in by_seed.values():
        base = per.get("none")
        for name, r in per.items():
            if name == "none" or base is None:
                continue
            for n, t in r.trials.items():
                if t.state == "pruned" and n in base.trials:
                    cut = t.reason.split(":")[0]
                    key = f"{name}: {cut}"
                    reasons[key] = reasons.get(key, 0) + 1
    if reasons:
        print("    where the pruners stopped trials (all seeds):")
        for key, count in sorted(reasons.items(), key=lambda kv: -kv[1])[:12]:
            print(f"      {count:4d}  {key}")


def report(runs: list[Run], args: argparse.Namespace) -> list[tuple[str, str, str, bool]]:
    target = args.target
    summary: list[tuple[str, str, str, bool]] = []
    halving = [r for r in runs if r.tool == "sklearn"]
    for group in args.samplers:
        method, sampler = SAMPLERS[group]
        labels = [f"nbopt {method} + {p}" for p in NBOPT_PRUNERS]
        labels += [f"optuna {sampler} + {p}" for p in OPTUNA_PRUNERS]
        rows = {
            label: summarize([r for r in runs if r.label == label], target)
            for label in labels
            if any(r.label == label for r in runs)
        }
        if halving:
            rows[halving[0].label] = summarize(halving, target)
        print(
            f"\n== {group} sampling: nbopt {method!r}, Optuna {sampler}, target {target} "
            f"({len(args.seeds)} seeds, {args.trials} trials, {args.epochs} epochs) ({load()})"
        )
        print_table(list(rows.values()))
        ours = {k: v for k, v in rows.items() if k.startswith("nbopt") and not k.endswith("none")}
        peers = {k: v for k, v in rows.items() if not k.startswith("nbopt")}
        if not ours:
            continue
        best = min(ours, key=lambda k: (ours[k].epochs[1], ours[k].seconds[1]))
        b = ours[best]
        if peers:
            peer = min(peers, key=lambda k: (peers[k].epochs[1], peers[k].seconds[1]))
            p = peers[peer]
            r_ep, r_s = ratio(b.epochs[1], p.epochs[1]), ratio(b.seconds[1], p.seconds[1])
            print(
                f"  nbopt's best pruner ({best}) / best peer ({peer}): epochs "
                f"{r_ep:.2f}x, seconds {r_s:.2f}x (target <= 1 on epochs)"
            )
            summary.append(
                (f"{group}: {best.split('+ ')[1]} / {peer}", "<= 1x", f"{r_ep:.2f}x", r_ep <= 1)
            )
        none = rows.get(f"nbopt {method} + none")
        if none is not None:
            r_ep, r_s = ratio(none.epochs[1], b.epochs[1]), ratio(none.seconds[1], b.seconds[1])
            paired = []
            for seed in args.seeds:
                a = [r for r in runs if r.label == f"nbopt {method} + none" and r.seed == seed]
                c = [r for r in runs if r.label == best and r.seed == seed]
                if a and c:
                    ea, ec = a[0].to_target(target)[0], c[0].to_target(target)[0]
                    if not math.isinf(ea) and not math.isinf(ec):
                        paired.append(ea / ec)
            per_seed = ", ".join(f"{x:.1f}" for x in paired)
            print(
                f"  without pruning / {best}: epochs {r_ep:.2f}x, seconds {r_s:.2f}x "
                f"(target >= 2 on epochs); per seed where both reached it: {per_seed or '-'}"
            )
            summary.append(
                (f"{group}: none / {best.split('+ ')[1]}", ">= 2x", f"{r_ep:.2f}x", r_ep >= 2)
            )
    lost_good_trials(runs, target)
    return summary


# ------------------------------------------------------------------ main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seeds", type=int, default=5, help="seeds 0..N-1 (5)")
    parser.add_argument("--trials", type=int, default=40, help="trials (candidates) a run (40)")
    parser.add_argument("--epochs", type=int, default=EPOCHS, help=f"full budget ({EPOCHS})")
    parser.add_argument("--target", type=float, default=TARGET, help=f"accuracy ({TARGET})")
    parser.add_argument(
        "--samplers", nargs="+", choices=list(SAMPLERS), default=list(SAMPLERS), help="groups"
    )
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 2 seeds, 12 trials, 9 epochs"
    )
    parser.add_argument(
        "--calibrate", type=int, default=0, metavar="N", help="accuracy quantiles of N configs"
    )
    args = parser.parse_args()
    if args.quick:
        args.seeds, args.trials, args.epochs = 2, 12, 9
    if min(args.seeds, args.trials, args.epochs) < 1 or not 0 < args.target <= 1:
        parser.error("seeds, trials and epochs must be positive, the target in (0, 1]")
    args.seeds = list(range(args.seeds))

    import optuna
    from threadpoolctl import threadpool_limits

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    threadpool_limits(1)
    t_all = time.perf_counter()
    data = load_data()
    print(f"{load()} before")
    print(
        f"MLPClassifier (sgd) on load_digits: {len(data.y_train)} train / {len(data.y_val)} "
        f"validation images; same model by fit(max_iter) and partial_fit: "
        f"{'yes' if check_same_model(data) else 'NO'}"
    )
    if args.calibrate:
        calibrate(args.calibrate, data, args)
        return
    if args.epochs != EPOCHS and args.target == TARGET:
        print(f"note: the target {TARGET} was chosen for {EPOCHS} epochs")

    plan: list[tuple[str, Callable[[int], Run]]] = []
    for group in args.samplers:
        method, sampler = SAMPLERS[group]
        for p in NBOPT_PRUNERS:
            plan.append((group, lambda s, m=method, p=p: run_nbopt(m, p, s, data, args)))
        for p in OPTUNA_PRUNERS:
            plan.append((group, lambda s, m=sampler, p=p: run_optuna(m, p, s, data, args)))
    plan.append(("both", lambda s: run_halving_cv(s, data, args)))

    runs: list[Run] = []
    for seed in args.seeds:
        print(f"\n== seed {seed} ({load()})")
        for _, runner in plan:
            run = runner(seed)
            runs.append(run)
            print_run(run, args.target)

    summary = report(runs, args)
    print(f"\n== summary ({load()}; whole benchmark {time.perf_counter() - t_all:.0f} s)")
    print(f"{'measure':<52} {'target':<8} {'measured':<9} held")
    for label, target, value, held in summary:
        print(f"{label:<52} {target:<8} {value:<9} {'yes' if held else 'NO'}")


if __name__ == "__main__":
    sys.exit(main())
