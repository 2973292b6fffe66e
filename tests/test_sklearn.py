"""nbopt.sklearn.SearchCV on real data sets shipped with scikit-learn."""

from __future__ import annotations

import pickle
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.base import clone, is_classifier
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from nbopt import space
from nbopt.sklearn import SearchCV

SVC_SPACE = {
    "svc__C": space.Float(1e-2, 1e3, log=True),
    "svc__gamma": space.Float(1e-5, 1e0, log=True),
}


@pytest.fixture(scope="module")
def cancer() -> tuple[np.ndarray, np.ndarray]:
    X, y = load_breast_cancer(return_X_y=True)
    return X, y


@pytest.fixture(scope="module")
def fitted(cancer: tuple[np.ndarray, np.ndarray]) -> SearchCV:
    X, y = cancer
    pipe = make_pipeline(StandardScaler(), SVC())
    return SearchCV(pipe, SVC_SPACE, method="random", n_trials=15, cv=3, seed=0).fit(X, y)


def test_search_beats_the_default_model(
    cancer: tuple[np.ndarray, np.ndarray], fitted: SearchCV
) -> None:
    X, y = cancer
    baseline = cross_val_score(SVC(), X, y, cv=3).mean()  # unscaled SVC with defaults
    assert fitted.best_score_ > baseline + 0.03
    assert fitted.best_score_ > 0.95
    assert set(fitted.best_params_) == set(SVC_SPACE)
    best = fitted.best_estimator_
    assert best.get_params()["svc__C"] == fitted.best_params_["svc__C"]
    assert fitted.predict(X).shape == y.shape
    assert fitted.score(X, y) > 0.95
    assert fitted.decision_function(X).shape == y.shape
    assert not hasattr(fitted, "predict_proba")  # SVC without probability=True has none
    np.testing.assert_array_equal(fitted.classes_, [0, 1])
    assert fitted.n_features_in_ == X.shape[1] and fitted.n_splits_ == 3
    assert fitted.refit_time_ >= 0 and is_classifier(fitted)


def test_cv_results_have_scikit_learns_keys(fitted: SearchCV) -> None:
    res = fitted.cv_results_
    grid = GridSearchCV(
        make_pipeline(StandardScaler(), SVC()),
        {"svc__C": [1.0], "svc__gamma": [0.01]},
        cv=3,
        return_train_score=True,
    ).fit(*load_breast_cancer(return_X_y=True))
    assert set(grid.cv_results_) == set(res)
    assert len(res["params"]) == 15 and all(len(v) == 15 for v in res.values())
    assert isinstance(res["param_svc__C"], np.ma.MaskedArray)
    i = fitted.best_index_
    assert res["rank_test_score"][i] == 1
    assert res["mean_test_score"][i] == fitted.best_score_
    assert res["params"][i] == fitted.best_params_
    splits = np.stack([res[f"split{k}_test_score"] for k in range(3)])
    np.testing.assert_allclose(splits.mean(axis=0), res["mean_test_score"])
    np.testing.assert_allclose(splits.std(axis=0), res["std_test_score"])
    # train scores are recorded: overfitting (train >> validation) is visible
    assert np.all(res["mean_train_score"] >= res["mean_test_score"] - 0.05)
    gap = res["mean_train_score"] - res["mean_test_score"]
    assert gap.max() > 0.02
    # the trial's own validation score is what sklearn computes for those params
    again = cross_val_score(
        clone(fitted.estimator).set_params(**res["params"][0]),
        *load_breast_cancer(return_X_y=True),
        cv=3,
    )
    assert res["mean_test_score"][0] == pytest.approx(again.mean())
    assert fitted.search_result_.best_value == fitted.best_score_


def test_regressor_multimetric_on_a_thread_pool() -> None:
    X, y = load_diabetes(return_X_y=True)
    with ThreadPoolExecutor(2) as pool:
        s = SearchCV(
            Ridge(),
            {"alpha": space.Float(1e-4, 1e3, log=True)},
            method="random",
            n_trials=12,
            cv=4,
            seed=1,
            scoring={"r2": "r2", "mse": "neg_mean_squared_error"},
            refit="mse",
            executor=pool,
        ).fit(X, y)
    res = s.cv_results_
    for key in (
        "mean_test_r2",
        "rank_test_r2",
        "mean_test_mse",
        "rank_test_mse",
        "mean_train_mse",
        "split3_test_mse",
    ):
        assert key in res
    assert s.best_score_ == res["mean_test_mse"].max()
    assert s.score(X, y) == pytest.approx(s.scorer_["mse"](s.best_estimator_, X, y))
    assert (
        s.best_score_
        > cross_val_score(Ridge(alpha=1e3), X, y, cv=4, scoring="neg_mean_squared_error").mean()
    )
    assert not is_classifier(s)


def test_params_clone_and_pickle(fitted: SearchCV) -> None:
    params = fitted.get_params()
    assert params["n_trials"] == 15 and params["method"] == "random" and params["cv"] == 3
    copy = clone(fitted).set_params(n_trials=3)
    assert copy.n_trials == 3 and not hasattr(copy, "best_estimator_")
    restored = pickle.loads(pickle.dumps(fitted))
    X, _ = load_breast_cancer(return_X_y=True)
    np.testing.assert_array_equal(restored.predict(X), fitted.predict(X))
    assert restored.search_result_.trials == fitted.search_result_.trials
    assert restored.search_result_.best_value == fitted.best_score_
    assert restored.search_result_.done and restored.search_result_.searcher is None


def test_failing_settings_are_failed_trials_and_bad_input_is_refused() -> None:
    X, y = load_breast_cancer(return_X_y=True)
    s = SearchCV(
        SVC(), {"kernel": space.Choice(["rbf", "nope"])}, method="grid", n_trials=2, cv=2
    ).fit(X, y)
    res = s.cv_results_
    bad = [i for i, p in enumerate(res["params"]) if p["kernel"] == "nope"]
    assert len(bad) == 1 and np.isnan(res["mean_test_score"][bad[0]])
    assert res["rank_test_score"][bad[0]] == 2
    assert s.best_params_ == {"kernel": "rbf"}
    failed = [t for t in s.search_result_.trials if t.state == "failed"]
    assert "nope" in (failed[0].error or "")
    with pytest.raises(ValueError, match="not parameters of SVC"):
        SearchCV(SVC(), {"depth": space.Int(1, 3)}, n_trials=2).fit(X, y)
    with pytest.raises(ValueError, match="refit must name"):
        SearchCV(SVC(), {"C": space.Float(1, 2)}, scoring=["accuracy", "f1"], n_trials=2).fit(X, y)
    with pytest.raises(ValueError, match="every one of the 1 trials failed"):
        SearchCV(SVC(), {"kernel": space.Choice(["nope"])}, method="grid", n_trials=1, cv=2).fit(
            X, y
        )
    unrefitted = SearchCV(
        SVC(), {"C": space.Float(1, 2)}, method="random", n_trials=2, cv=2, refit=False
    ).fit(X, y)
    with pytest.raises(AttributeError, match="refit=True"):
        unrefitted.predict(X)


def test_storage_resume_and_process_pool(tmp_path: Path) -> None:
    X, y = load_breast_cancer(return_X_y=True)
    db = tmp_path / "svc.db"
    kwargs: dict[str, Any] = {"method": "random", "cv": 2, "seed": 0, "storage": db, "name": "svc"}
    dims = {"C": space.Float(1e-2, 1e2, log=True)}
    first = SearchCV(SVC(), dims, n_trials=3, **kwargs).fit(X, y)
    with ProcessPoolExecutor(2) as pool:
        resumed = SearchCV(SVC(), dims, n_trials=6, executor=pool, **kwargs).fit(X, y)
    trials = resumed.search_result_.trials
    assert [t.number for t in trials] == list(range(6))
    assert trials[:3] == first.search_result_.trials
    assert len(resumed.cv_results_["params"]) == 6
    assert resumed.best_score_ >= first.best_score_


# ---- resources and pruning


def _sgd_space() -> dict[str, Any]:
    return {"alpha": space.Float(1e-6, 1e1, log=True), "eta0": space.Float(1e-4, 1.0, log=True)}


def test_resource_max_iter_with_halving_prunes_and_keeps_the_curves(
    cancer: tuple[np.ndarray, np.ndarray],
) -> None:
    from sklearn.linear_model import SGDClassifier

    X, y = cancer
    X = StandardScaler().fit_transform(X)
    sgd = SGDClassifier(max_iter=27, tol=None, learning_rate="constant", random_state=0)
    s = SearchCV(
        sgd,
        _sgd_space(),
        method="random",
        n_trials=12,
        cv=3,
        seed=0,
        resource="max_iter",
        pruner="halving",
    ).fit(X, y)
    res = s.cv_results_
    states = list(res["state"])
    assert set(states) == {"complete", "pruned"}
    for curve, state, reached in zip(res["intermediate_test_score"], states, res["n_resources"]):
        assert list(curve) == [1, 3, 9, 27][: len(curve)]
        assert reached == max(curve)
        assert (state == "complete") == (reached == 27)
        assert all(0.0 <= v <= 1.0 for v in curve.values())
    pruned = res["state"] == "pruned"
    assert np.isnan(res["mean_test_score"][pruned]).all()
    assert res["rank_test_score"][pruned].min() > res["rank_test_score"][~pruned].max()
    complete = [c for c, st in zip(res["intermediate_test_score"], states) if st == "complete"]
    # a complete trial's score is its score at the full budget
    assert sorted(res["mean_test_score"][~pruned]) == sorted(c[27] for c in complete)
    assert s.best_score_ == max(c[27] for c in complete)
    # the trial at the full budget is the refitted one
    assert s.best_estimator_.max_iter == 27


def test_resource_n_samples_grows_the_training_set(
    cancer: tuple[np.ndarray, np.ndarray],
) -> None:
    from sklearn.linear_model import SGDClassifier

    X, y = cancer
    X = StandardScaler().fit_transform(X)

    def fit() -> SearchCV:
        return SearchCV(
            SGDClassifier(max_iter=20, tol=None, random_state=0),
            {"alpha": space.Float(1e-6, 1e1, log=True)},
            method="random",
            n_trials=4,
            cv=3,
            seed=0,
            resource="n_samples",
            min_resource=30,
            max_resource=270,
        ).fit(X, y)

    s = fit()
    curves = list(s.cv_results_["intermediate_test_score"])
    assert [list(c) for c in curves] == [[30, 90, 270]] * 4
    assert list(s.cv_results_["state"]) == ["complete"] * 4
    assert list(s.cv_results_["mean_test_score"]) == [c[270] for c in curves]
    # the subsamples come from a shuffle seeded by seed=: the curves are reproducible
    assert list(fit().cv_results_["intermediate_test_score"]) == curves


def test_resource_and_pruner_errors_say_what_to_do(cancer: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = cancer
    with pytest.raises(ValueError, match="pruner= needs resource="):
        SearchCV(SVC(), {"C": space.Float(0.1, 1)}, n_trials=2, pruner="median").fit(X, y)
    with pytest.raises(ValueError, match=r"resource must be one of \['max_iter'"):
        SearchCV(SVC(), {"C": space.Float(0.1, 1)}, n_trials=2, resource="epochs").fit(X, y)
    with pytest.raises(ValueError, match="'n_estimators' is not a parameter of SVC"):
        SearchCV(SVC(), {"C": space.Float(0.1, 1)}, n_trials=2, resource="n_estimators").fit(X, y)
    with pytest.raises(ValueError, match="more samples than the smallest training fold"):
        SearchCV(
            SVC(),
            {"C": space.Float(0.1, 1)},
            n_trials=2,
            cv=3,
            resource="n_samples",
            max_resource=10_000,
        ).fit(X, y)
    with pytest.raises(ValueError, match="estimator's max_iter=-1 is not a budget"):
        SearchCV(SVC(), {"C": space.Float(0.1, 1)}, n_trials=2, resource="max_iter").fit(X, y)
    with pytest.raises(ValueError, match="unknown pruner 'fast'"):
        SearchCV(
            SVC(max_iter=10),
            {"C": space.Float(0.1, 1)},
            n_trials=2,
            resource="max_iter",
            pruner="fast",
        ).fit(X, y)


def test_progress_false_shows_nothing_in_a_kernel(monkeypatch) -> None:
    # in a notebook every fit shows its dashboard; progress=False (a fit inside a loop)
    # shows nothing, as nbopt.search(progress=False) does
    import IPython.display

    from nbopt.searchers import _search as search_module

    shown: list[object] = []
    monkeypatch.setattr(search_module, "_in_jupyter_kernel", lambda: True)
    monkeypatch.setattr(IPython.display, "display", lambda obj, **kw: shown.append(obj))
    X, y = load_iris(return_X_y=True)
    quiet = SearchCV(
        SVC(),
        {"C": space.Float(1e-2, 1e2, log=True)},
        method="random",
        n_trials=3,
        cv=2,
        seed=0,
        progress=False,
    )
    assert quiet.get_params()["progress"] is False
    quiet.fit(X, y)
    assert shown == []
    SearchCV(
        SVC(), {"C": space.Float(1e-2, 1e2, log=True)}, method="random", n_trials=3, cv=2, seed=0
    ).fit(X, y)
    assert len(shown) == 1
