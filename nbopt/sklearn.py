"""SearchCV: any nbopt searcher as a scikit-learn hyperparameter search estimator."""

from __future__ import annotations

import numbers
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import numpy as np

try:
    from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone, is_classifier
    from sklearn.metrics import check_scoring
    from sklearn.model_selection import check_cv, cross_validate
    from sklearn.utils import _safe_indexing
    from sklearn.utils.metaestimators import available_if
    from sklearn.utils.validation import check_is_fitted, indexable
except ImportError as exc:  # scikit-learn is an optional dependency of nbopt
    raise ImportError(
        "nbopt.sklearn needs scikit-learn: pip install scikit-learn (or nbopt[sklearn])"
    ) from exc

from nbopt.searchers._base import Searcher
from nbopt.searchers._pruners import HyperbandPruner, Pruned, Pruner, SuccessiveHalvingPruner
from nbopt.searchers._search import SearchResult, rank_values, results_table, search
from nbopt.space import Dimension, Space, as_space

__all__ = ["SearchCV"]

RESOURCES = ("max_iter", "n_estimators", "n_samples")
"""What ``SearchCV(resource=...)`` may grow trial by trial."""

# The resource grows this many times between two reports (the default pruners' eta).
_GROWTH = 3

_F = TypeVar("_F", bound=Callable[..., Any])


def _available_if(check: Callable[[Any], bool]) -> Callable[[_F], _F]:
    # scikit-learn is untyped; this keeps the delegating methods' signatures for mypy.
    decorator: Callable[[_F], _F] = available_if(check)
    return decorator


class _CrossValidated:
    """The objective of one trial: cross-validate a clone of the estimator with the params.

    A module-level class (not a closure) so that process pools can pickle it.
    """

    def __init__(
        self,
        estimator: Any,
        X: Any,
        y: Any,
        groups: Any,
        splits: list[tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]],
        scoring: Any,
        metric: str,
        multimetric: bool,
        return_train_score: bool,
        n_jobs: int | None,
        fit_params: dict[str, Any],
    ) -> None:
        self.estimator = estimator
        self.X = X
        self.y = y
        self.groups = groups
        self.splits = splits
        self.scoring = scoring
        self.metric = metric
        self.multimetric = multimetric
        self.return_train_score = return_train_score
        self.n_jobs = n_jobs
        self.fit_params = fit_params

    def __call__(self, params: dict[str, Any]) -> dict[str, float]:
        estimator = clone(self.estimator).set_params(**params)
        out = cross_validate(
            estimator,
            self.X,
            self.y,
            groups=self.groups,
            cv=self.splits,
            scoring=self.scoring,
            n_jobs=self.n_jobs,
            return_train_score=self.return_train_score,
            params=self.fit_params or None,
            error_score="raise",
        )
        row: dict[str, float] = {}
        names = [k[len("test_") :] for k in out if k.startswith("test_")]
        for name in names:
            suffix = name if self.multimetric else "score"
            for part in ("test", "train"):
                key = f"{part}_{name}"
                if key not in out:
                    continue
                scores = np.asarray(out[key], dtype=np.float64)
                for i, s in enumerate(scores):
                    row[f"split{i}_{part}_{suffix}"] = float(s)
                row[f"mean_{part}_{suffix}"] = float(scores.mean())
                row[f"std_{part}_{suffix}"] = float(scores.std())
        for timing in ("fit_time", "score_time"):
            times = np.asarray(out[timing], dtype=np.float64)
            row[f"mean_{timing}"] = float(times.mean())
            row[f"std_{timing}"] = float(times.std())
        row["value"] = row[f"mean_test_{self.metric if self.multimetric else 'score'}"]
        return row


class _CrossValidatedByResource:
    """The objective of one trial with a resource: fit on growing budgets, report, prune.

    At each budget of ``schedule`` every fold's estimator is fitted with that much of
    the resource (``max_iter`` or ``n_estimators`` set to it, or the first ``n`` of a
    seeded shuffle of the training fold) and scored on its validation fold; the mean
    score is reported at step = the budget. A module-level class so that process pools
    can pickle it.
    """

    def __init__(
        self,
        estimator: Any,
        X: Any,
        y: Any,
        splits: list[tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]],
        scorer: Any,
        resource: str,
        schedule: list[int],
        orders: list[np.ndarray[Any, Any]],
    ) -> None:
        self.estimator = estimator
        self.X = X
        self.y = y
        self.splits = splits
        self.scorer = scorer
        self.resource = resource
        self.schedule = schedule
        self.orders = orders

    def __call__(self, params: dict[str, Any], trial: Any) -> dict[str, float]:
        n = len(self.splits)
        scores = np.empty(n)
        fit_times = np.empty(n)
        score_times = np.empty(n)
        for budget in self.schedule:
            for i, ((train, test), order) in enumerate(zip(self.splits, self.orders)):
                estimator = clone(self.estimator).set_params(**params)
                if self.resource == "n_samples":
                    train = train[order[:budget]]
                else:
                    estimator.set_params(**{self.resource: budget})
                start = time.perf_counter()
                y_train = None if self.y is None else _safe_indexing(self.y, train)
                estimator.fit(_safe_indexing(self.X, train), y_train)
                fit_times[i] = time.perf_counter() - start
                y_test = None if self.y is None else _safe_indexing(self.y, test)
                scores[i] = self.scorer(estimator, _safe_indexing(self.X, test), y_test)
                score_times[i] = time.perf_counter() - start - fit_times[i]
            trial.report(float(scores.mean()), step=budget)
            if trial.should_prune():
                raise Pruned()
        row = {f"split{i}_test_score": float(v) for i, v in enumerate(scores)}
        row.update(
            mean_test_score=float(scores.mean()),
            std_test_score=float(scores.std()),
            mean_fit_time=float(fit_times.mean()),
            std_fit_time=float(fit_times.std()),
            mean_score_time=float(score_times.mean()),
            std_score_time=float(score_times.std()),
        )
        row["value"] = row["mean_test_score"]
        return row


def _schedule(min_resource: int, max_resource: int) -> list[int]:
    """Budgets min_resource * 3**k below max_resource, then max_resource."""
    out = []
    budget = min_resource
    while budget < max_resource:
        out.append(budget)
        budget *= _GROWTH
    out.append(max_resource)
    return out


def _estimator_has(attr: str) -> Callable[[Any], bool]:
    def check(self: Any) -> bool:
        if hasattr(self, "best_estimator_"):
            return hasattr(self.best_estimator_, attr)
        return hasattr(self.estimator, attr)

    return check


class SearchCV(MetaEstimatorMixin, BaseEstimator):  # type: ignore[misc]
    """Hyperparameter search with cross-validation, driven by any nbopt searcher.

    A drop-in for scikit-learn's ``GridSearchCV`` / ``RandomizedSearchCV`` with nbopt's
    searchers (including Bayesian optimization), executors, failure handling and
    resumable SQLite storage. Each trial cross-validates a clone of ``estimator`` with
    :func:`sklearn.model_selection.cross_validate` on the same splits; its mean
    validation score is maximized and its train scores are kept, so over- and
    underfitting are visible in :attr:`cv_results_`.

    Parameters
    ----------
    estimator : estimator
        The model to tune (any scikit-learn estimator, pipelines included).
    space : dict or Space
        Estimator parameter name -> dimension, e.g.
        ``{"C": Float(1e-3, 1e3, log=True), "kernel": Choice(["rbf", "linear"])}``
        (``"svc__C"`` for a step of a pipeline).
    method : str or Searcher, default "bayesian"
        ``"grid"``, ``"random"``, ``"genetic"``, ``"evolutionary"``, ``"bayesian"``, or a
        searcher instance (created with ``direction="maximize"``).
    n_trials : int, default 50
        Number of parameter settings tried.
    cv : int, cross-validation generator or iterable, default 5
        As in scikit-learn (stratified folds for classifiers).
    scoring : str, callable, list, dict or None
        As in scikit-learn; None uses the estimator's ``score``. With several metrics,
        ``refit`` names the one to optimize.
    executor : concurrent.futures.Executor or dask.distributed.Client, optional
        Runs trials in parallel (see :func:`nbopt.search`).
    seed : int or None
        Seed of the searcher.
    refit : bool or str, default True
        Refit the best parameters on the whole data (``best_estimator_``). With several
        metrics, the name of the metric to optimize and refit on.
    return_train_score : bool, default True
        Record train scores (``mean_train_score``...).
    n_jobs : int or None
        Parallel folds inside each trial (passed to ``cross_validate``).
    storage, name, timeout, trial_timeout
        As in :func:`nbopt.search`.
    searcher_kwargs : dict, optional
        Extra arguments of the searcher class.
    pruner : {"median", "halving", "hyperband"}, Pruner or None
        Stops poor trials early (needs ``resource``), as scikit-learn's
        ``HalvingGridSearchCV`` / ``HalvingRandomSearchCV`` do with ``"halving"``.
        ``"halving"`` and ``"hyperband"`` get their rungs from the resource budgets.
        Pruned trials have NaN scores and the last rank.
    resource : {"max_iter", "n_estimators", "n_samples"}, optional
        What each trial grows: every trial is fitted and scored (on every fold) with the
        budgets ``min_resource * 3**k`` up to ``max_resource``; the mean validation
        score at each budget is reported to the ``pruner``. ``"max_iter"`` and
        ``"n_estimators"`` set that estimator parameter (the estimator is refitted at
        each budget); ``"n_samples"`` fits on that many samples of the training fold
        (a shuffle seeded by ``seed``). Needs a single metric, and no fit params.
    min_resource, max_resource : int, optional
        The smallest and largest budget. By default ``max_resource`` is the estimator's
        own ``max_iter`` / ``n_estimators``, or the smallest training fold;
        ``min_resource`` is ``max_resource // 27`` (at least 1, or at least 10 samples
        per class for ``"n_samples"`` with a classifier).
    progress : bool, default True
        Show the search as :func:`nbopt.search` does: its live dashboard in a notebook,
        a progress line in a script. False shows nothing (a search inside a loop).

    Attributes
    ----------
    cv_results_ : dict of arrays
        scikit-learn's layout: ``params``, ``param_<name>``, ``split<k>_test_score``,
        ``mean_test_score``, ``std_test_score``, ``rank_test_score``, the same for
        ``train``, ``mean_fit_time``, ``std_fit_time``, ``mean_score_time``,
        ``std_score_time`` (``_<metric>`` instead of ``_score`` with several metrics).
        Failed trials have NaN scores and the last rank. With a ``resource``:
        ``intermediate_test_score`` (per trial, a dict budget -> mean validation score),
        ``n_resources`` (the last budget a trial reached) and ``state``
        (``"complete"``, ``"pruned"`` or ``"failed"``).
    best_index_, best_params_, best_score_, best_estimator_, refit_time_, scorer_,
    n_splits_, multimetric_
        As in scikit-learn's ``GridSearchCV``.
    search_result_ : SearchResult
        The nbopt search (trials with errors and durations, ``to_dataframe()``).

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.svm import SVC
    >>> from nbopt import space
    >>> X, y = load_iris(return_X_y=True)
    >>> s = SearchCV(SVC(), {"C": space.Float(1e-2, 1e2, log=True)}, method="random",
    ...              n_trials=8, cv=3, seed=0).fit(X, y)
    >>> s.best_score_ > 0.9
    True
    """

    cv_results_: dict[str, Any]
    best_index_: int
    best_params_: dict[str, Any]
    best_score_: float
    best_estimator_: Any
    refit_time_: float
    scorer_: Any
    n_splits_: int
    multimetric_: bool
    search_result_: SearchResult

    def __init__(
        self,
        estimator: Any,
        space: Space | Mapping[str, Dimension],
        *,
        method: str | Searcher = "bayesian",
        n_trials: int = 50,
        cv: Any = 5,
        scoring: Any = None,
        executor: Any = None,
        seed: int | None = None,
        refit: bool | str = True,
        return_train_score: bool = True,
        n_jobs: int | None = None,
        storage: Any = None,
        name: str | None = None,
        timeout: float | None = None,
        trial_timeout: float | None = None,
        searcher_kwargs: Mapping[str, Any] | None = None,
        pruner: str | Pruner | None = None,
        resource: str | None = None,
        min_resource: int | None = None,
        max_resource: int | None = None,
        progress: bool = True,
    ) -> None:
        self.estimator = estimator
        self.space = space
        self.method = method
        self.n_trials = n_trials
        self.cv = cv
        self.scoring = scoring
        self.executor = executor
        self.seed = seed
        self.progress = progress
        self.refit = refit
        self.return_train_score = return_train_score
        self.n_jobs = n_jobs
        self.storage = storage
        self.name = name
        self.timeout = timeout
        self.trial_timeout = trial_timeout
        self.searcher_kwargs = searcher_kwargs
        self.pruner = pruner
        self.resource = resource
        self.min_resource = min_resource
        self.max_resource = max_resource

    # ---- scikit-learn plumbing

    @property
    def _estimator_type(self) -> str | None:
        return getattr(self.estimator, "_estimator_type", None)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        from sklearn.utils import get_tags

        sub = get_tags(self.estimator)
        tags.estimator_type = sub.estimator_type
        tags.classifier_tags = sub.classifier_tags
        tags.regressor_tags = sub.regressor_tags
        tags.input_tags.pairwise = sub.input_tags.pairwise
        tags.input_tags.sparse = sub.input_tags.sparse
        tags.input_tags.allow_nan = sub.input_tags.allow_nan
        return tags

    def _metric_name(self) -> tuple[bool, str]:
        scoring = self.scoring
        multimetric = isinstance(scoring, (list, tuple, set, dict))
        if not multimetric:
            if self.refit not in (True, False):
                raise ValueError(
                    f"refit must be True or False with a single metric, got {self.refit!r}"
                )
            return False, "score"
        names = list(scoring.keys()) if isinstance(scoring, dict) else list(scoring)
        if not isinstance(self.refit, str) or self.refit not in names:
            raise ValueError(
                "with several metrics, refit must name the one to optimize, one of "
                f"{names}; got refit={self.refit!r}"
            )
        return True, self.refit

    def fit(self, X: Any, y: Any = None, *, groups: Any = None, **fit_params: Any) -> SearchCV:
        """Run the search, then refit the best parameters on all of ``X, y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,), optional
        groups : array-like, optional
            Group labels for group-aware ``cv`` splitters.
        **fit_params
            Passed to the estimator's ``fit`` (sliced per fold).

        Returns
        -------
        self
        """
        if isinstance(self.n_trials, bool) or not isinstance(self.n_trials, numbers.Integral):
            raise TypeError(f"n_trials must be a positive int, got {self.n_trials!r}")
        if self.n_trials < 1:
            raise ValueError(f"n_trials must be a positive int, got {self.n_trials!r}")
        sp = as_space(self.space)
        valid = self.estimator.get_params(deep=True)
        unknown = [n for n in sp.names if n not in valid]
        if unknown:
            raise ValueError(
                f"space names {unknown} are not parameters of {type(self.estimator).__name__}; "
                f"valid names include {sorted(valid)[:20]}"
            )
        multimetric, metric = self._metric_name()
        X, y, groups = indexable(X, y, groups)
        splitter = check_cv(self.cv, y, classifier=is_classifier(self.estimator))
        splits = list(splitter.split(X, y, groups))
        objective: Callable[..., Any]
        pruner: str | Pruner | None = self.pruner
        if self.resource is None:
            if pruner is not None:
                raise ValueError(
                    "pruner= needs resource= ('max_iter', 'n_estimators' or 'n_samples'): "
                    "what a trial grows between two reports"
                )
            objective = _CrossValidated(
                self.estimator,
                X,
                y,
                groups,
                splits,
                self.scoring,
                metric,
                multimetric,
                self.return_train_score,
                self.n_jobs,
                fit_params,
            )
        else:
            objective, pruner = self._by_resource(sp, X, y, splits, multimetric, fit_params)
        method = self.method
        result = search(
            objective,
            sp,
            method=method,
            n_trials=int(self.n_trials),
            seed=self.seed,
            direction=None if isinstance(method, Searcher) else "maximize",
            executor=self.executor,
            storage=self.storage,
            name=self.name,
            timeout=self.timeout,
            trial_timeout=self.trial_timeout,
            searcher_kwargs=self.searcher_kwargs,
            pruner=pruner,
            progress=bool(self.progress),
        )
        if result.direction != "maximize":
            raise ValueError("a searcher given as method= must have direction='maximize'")
        self.search_result_ = result
        self.multimetric_ = multimetric
        self.n_splits_ = len(splits)
        if multimetric:
            scoring = self.scoring
            items: Iterable[tuple[str, Any]] = (
                scoring.items() if isinstance(scoring, dict) else ((s, s) for s in scoring)
            )
            self.scorer_ = {key: check_scoring(self.estimator, scoring=s) for key, s in items}
        else:
            self.scorer_ = check_scoring(self.estimator, scoring=self.scoring)
        self.cv_results_ = self._cv_results(result, metric if multimetric else "score")
        best = result.best_trial
        if best is None:
            errors = sorted({t.error or "" for t in result.trials})
            raise ValueError(
                f"every one of the {len(result.trials)} trials failed; errors: {errors[:3]}"
            )
        self.best_index_ = int(
            next(i for i, t in enumerate(result.trials) if t.number == best.number)
        )
        self.best_params_ = dict(best.params)
        self.best_score_ = float(best.value) if best.value is not None else float("nan")
        if self.refit is not False:
            estimator = clone(self.estimator).set_params(**self.best_params_)
            start = time.perf_counter()
            estimator.fit(X, y, **fit_params)
            self.refit_time_ = time.perf_counter() - start
            self.best_estimator_ = estimator
            if hasattr(estimator, "classes_"):
                self.classes_ = estimator.classes_
            for attr in ("n_features_in_", "feature_names_in_"):
                if hasattr(estimator, attr):
                    setattr(self, attr, getattr(estimator, attr))
        return self

    def _by_resource(
        self,
        sp: Space,
        X: Any,
        y: Any,
        splits: list[tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]],
        multimetric: bool,
        fit_params: dict[str, Any],
    ) -> tuple[_CrossValidatedByResource, str | Pruner | None]:
        """Check the resource settings; return the objective and the pruner to use."""
        resource = self.resource
        if resource not in RESOURCES:
            raise ValueError(f"resource must be one of {list(RESOURCES)} or None, got {resource!r}")
        if multimetric:
            raise ValueError("resource= needs a single metric: pass one scoring name or None")
        if fit_params:
            raise ValueError(
                f"resource= does not pass fit params (got {sorted(fit_params)}); set them on "
                "the estimator, or search without resource="
            )
        if resource in sp.names:
            raise ValueError(f"resource={resource!r} is also a dimension of the space")
        params = self.estimator.get_params(deep=True)
        if resource == "n_samples":
            largest = min(len(train) for train, _ in splits)
        else:
            if resource not in params:
                raise ValueError(
                    f"resource={resource!r} is not a parameter of "
                    f"{type(self.estimator).__name__}; use 'n_samples', or an estimator "
                    f"with {resource}"
                )
            largest = params[resource]
        if self.max_resource is None and (
            isinstance(largest, bool) or not isinstance(largest, numbers.Integral) or largest < 1
        ):
            raise ValueError(
                f"the estimator's {resource}={largest!r} is not a budget to grow to; "
                "pass max_resource= (a positive int)"
            )
        max_resource = largest if self.max_resource is None else self.max_resource
        for label, value in (("max_resource", max_resource), ("min_resource", self.min_resource)):
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1
            ):
                raise ValueError(f"{label} must be a positive int, got {value!r}")
        max_resource = int(max_resource)
        if resource == "n_samples" and max_resource > largest:
            raise ValueError(
                f"max_resource={max_resource} is more samples than the smallest training "
                f"fold ({largest})"
            )
        min_resource = self.min_resource
        if min_resource is None:
            min_resource = max(1, max_resource // _GROWTH**3)
            if resource == "n_samples" and is_classifier(self.estimator) and y is not None:
                min_resource = min(max_resource, max(min_resource, 10 * len(np.unique(y))))
        if min_resource > max_resource:
            raise ValueError(
                f"min_resource={min_resource} is larger than max_resource={max_resource}"
            )
        schedule = _schedule(int(min_resource), max_resource)
        rng = np.random.default_rng(self.seed)
        orders = [rng.permutation(len(train)) for train, _ in splits]
        objective = _CrossValidatedByResource(
            self.estimator,
            X,
            y,
            splits,
            check_scoring(self.estimator, scoring=self.scoring),
            resource,
            schedule,
            orders,
        )
        pruner: str | Pruner | None = self.pruner
        if pruner == "halving":
            # no rung at the full budget: a trial that reached it has spent it all
            pruner = SuccessiveHalvingPruner(schedule[0], _GROWTH, max_resource=max_resource)
        elif pruner == "hyperband":
            pruner = HyperbandPruner(schedule[0], max(max_resource, schedule[0]), _GROWTH)
        return objective, pruner

    def _cv_results(self, result: SearchResult, metric: str) -> dict[str, Any]:
        trials = result.trials
        table = results_table(trials, result.space.names, "maximize")
        out: dict[str, Any] = {}
        keys: list[str] = []
        for t in trials:
            for key in t.metrics:
                if key not in keys:
                    keys.append(key)
        # scikit-learn's column order: timings, params, per-split scores, mean, std, rank
        for key in ("mean_fit_time", "std_fit_time", "mean_score_time", "std_score_time"):
            out[key] = np.array([t.metrics.get(key, np.nan) for t in trials], dtype=np.float64)
        for name in result.space.names:
            out[f"param_{name}"] = table[f"param_{name}"]
        out["params"] = table["params"]
        metrics = sorted({k[len("mean_test_") :] for k in keys if k.startswith("mean_test_")})
        for part in ("test", "train"):
            for m in metrics:
                split_keys = sorted(
                    (k for k in keys if k.startswith("split") and k.endswith(f"_{part}_{m}")),
                    key=lambda k: int(k[len("split") :].split("_")[0]),
                )
                for k in [*split_keys, f"mean_{part}_{m}", f"std_{part}_{m}"]:
                    if k in keys:
                        out[k] = np.array(
                            [t.metrics.get(k, np.nan) for t in trials], dtype=np.float64
                        )
                if part == "test":
                    out[f"rank_test_{m}"] = rank_values(out[f"mean_test_{m}"], "maximize")
        if f"mean_test_{metric}" not in out:
            nan = np.full(len(trials), np.nan)
            out[f"mean_test_{metric}"] = nan
            out[f"std_test_{metric}"] = nan.copy()
            out[f"rank_test_{metric}"] = rank_values(nan, "maximize")
        if self.resource is not None:
            out["intermediate_test_score"] = table["intermediate_values"]
            out["n_resources"] = np.array(
                [max(t.intermediate_values, default=0) for t in trials], dtype=np.int64
            )
            out["state"] = table["state"]
        return out

    # ---- delegation to the refitted best estimator

    def _check_refit(self, method: str) -> None:
        if self.refit is False:
            raise AttributeError(
                f"{method} is available only after refitting on the best parameters; "
                "create SearchCV with refit=True (or a metric name)"
            )
        check_is_fitted(self, "best_estimator_")

    @_available_if(_estimator_has("predict"))
    def predict(self, X: Any) -> Any:
        """Call ``predict`` on the estimator refitted with the best parameters."""
        self._check_refit("predict")
        return self.best_estimator_.predict(X)

    @_available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X: Any) -> Any:
        """Call ``predict_proba`` on the best estimator."""
        self._check_refit("predict_proba")
        return self.best_estimator_.predict_proba(X)

    @_available_if(_estimator_has("predict_log_proba"))
    def predict_log_proba(self, X: Any) -> Any:
        """Call ``predict_log_proba`` on the best estimator."""
        self._check_refit("predict_log_proba")
        return self.best_estimator_.predict_log_proba(X)

    @_available_if(_estimator_has("decision_function"))
    def decision_function(self, X: Any) -> Any:
        """Call ``decision_function`` on the best estimator."""
        self._check_refit("decision_function")
        return self.best_estimator_.decision_function(X)

    @_available_if(_estimator_has("transform"))
    def transform(self, X: Any) -> Any:
        """Call ``transform`` on the best estimator."""
        self._check_refit("transform")
        return self.best_estimator_.transform(X)

    @_available_if(_estimator_has("inverse_transform"))
    def inverse_transform(self, X: Any) -> Any:
        """Call ``inverse_transform`` on the best estimator."""
        self._check_refit("inverse_transform")
        return self.best_estimator_.inverse_transform(X)

    def score(self, X: Any, y: Any = None) -> float:
        """Score the best estimator on ``X, y`` with the search's scorer (the refit metric)."""
        self._check_refit("score")
        scorer = self.scorer_[self.refit] if self.multimetric_ else self.scorer_
        return float(scorer(self.best_estimator_, X, y))
