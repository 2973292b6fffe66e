"""Gaussian-process surrogate and log expected improvement: gradients, interpolation, tails."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import norm

from nbopt.searchers import _gp


def _data(n: int = 12, d: int = 3, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.random((n, d))
    y = np.sin(5 * X).sum(1) + X[:, 0] ** 2
    return X, (y - y.mean()) / y.std()


def _fd(f, x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    out = np.empty((*np.shape(f(x)), x.shape[-1]))
    for j in range(x.shape[-1]):
        e = np.zeros_like(x)
        e[..., j] = h
        out[..., j] = (f(x + e) - f(x - e)) / (2 * h)
    return out


def test_kernel_matches_matern_formula_and_is_symmetric_psd() -> None:
    X, _ = _data()
    params = _gp.KernelParams(np.array([2.0, 0.5, 4.0]), 1.7, 1e-6)
    K = _gp.matern52(X, X, params)
    r = np.sqrt((((X[:, None] - X[None]) ** 2) * params.inverse_squared_lengthscales).sum(-1))
    expected = 1.7 * (1 + math.sqrt(5) * r + 5 / 3 * r**2) * np.exp(-math.sqrt(5) * r)
    np.testing.assert_allclose(K, expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(K, K.T)
    assert np.linalg.eigvalsh(K).min() > -1e-10


def test_kernel_derivative_matches_finite_differences() -> None:
    r2 = np.linspace(0.01, 4.0, 30)
    _, dk = _gp._matern_from_r2(r2)
    fd = (_gp._matern_from_r2(r2 + 1e-7)[0] - _gp._matern_from_r2(r2 - 1e-7)[0]) / 2e-7
    np.testing.assert_allclose(dk, fd, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_marginal_likelihood_gradient_matches_finite_differences(seed: int) -> None:
    X, y = _data(seed=seed)
    theta = np.random.default_rng(seed).normal(size=X.shape[1] + 2) * 0.7
    theta[-1] = -3.0
    _, grad = _gp.log_marginal_likelihood(X, y, theta)
    fd = _fd(lambda t: np.array(_gp.log_marginal_likelihood(X, y, t)[0]), theta)
    np.testing.assert_allclose(grad, fd, rtol=1e-5, atol=1e-6)


def test_log_prior_gradient_matches_finite_differences() -> None:
    theta = np.array([0.3, -1.0, 0.5, -8.0])
    _, grad = _gp._log_prior_and_grad(theta, 2, 1e-9)
    fd = _fd(lambda t: np.array(_gp._log_prior_and_grad(t, 2, 1e-9)[0]), theta)
    np.testing.assert_allclose(grad, fd, rtol=1e-6, atol=1e-8)


def test_posterior_interpolates_noiseless_data_and_is_uncertain_away_from_it() -> None:
    X, y = _data()
    gp = _gp.GaussianProcess(X, y, _gp.KernelParams(np.full(3, 3.0), 1.0, 1e-10))
    post = gp.predict(X)
    np.testing.assert_allclose(post.mean, y, atol=1e-5)
    assert post.std.max() < 1e-3
    far = gp.predict(np.full((1, 3), 5.0))
    assert far.std[0] == pytest.approx(1.0, abs=1e-3)
    assert abs(far.mean[0]) < 1e-3


def test_fit_recovers_smooth_function_and_beats_default_likelihood() -> None:
    rng = np.random.default_rng(3)
    X = rng.random((30, 2))
    f = np.sin(3 * X[:, 0]) + 0.1 * X[:, 1]
    y = (f - f.mean()) / f.std()
    gp = _gp.fit_gp(X, y)
    # the objective hardly depends on the second input: a much longer length scale
    assert gp.params.lengthscales[1] > 3 * gp.params.lengthscales[0]
    Xt = rng.random((50, 2))
    ft = (np.sin(3 * Xt[:, 0]) + 0.1 * Xt[:, 1] - f.mean()) / f.std()
    err = np.abs(gp.predict(Xt).mean - ft)
    assert float(err.max()) < 0.1
    assert float(err.mean()) < 0.01
    fitted = _gp.log_marginal_likelihood(X, y, _gp._pack(gp.params, _gp.DEFAULT_NOISE_FLOOR))[0]
    default = _gp.log_marginal_likelihood(X, y, np.array([0.0, 0.0, 0.0, math.log(1e-2)]))[0]
    assert fitted > default


def test_fit_warm_start_and_fixed_noise() -> None:
    X, y = _data(n=20)
    first = _gp.fit_gp(X, y)
    again = _gp.fit_gp(X, y, warm_start=first.params, restarts=False)
    np.testing.assert_allclose(
        again.params.inverse_squared_lengthscales,
        first.params.inverse_squared_lengthscales,
        rtol=0.05,
    )
    fixed = _gp.fit_gp(X, y, fixed_noise=True, noise_floor=1e-7)
    assert fixed.params.noise_var == 1e-7


def test_fit_rejects_bad_shapes() -> None:
    with pytest.raises(ValueError, match="shape"):
        _gp.fit_gp(np.zeros((3, 2)), np.zeros(4))
    with pytest.raises(ValueError, match="finite"):
        _gp.fit_gp(np.zeros((2, 1)), np.array([0.0, np.nan]))


def test_cholesky_survives_duplicate_points() -> None:
    X = np.array([[0.5, 0.5]] * 4 + [[0.1, 0.9]])
    y = np.array([1.0, 1.0, 1.0, 1.0, -1.0])
    gp = _gp.GaussianProcess(X, y, _gp.KernelParams(np.ones(2), 1.0, 0.0))
    assert np.all(np.isfinite(gp.predict(np.array([[0.3, 0.3]])).mean))


def test_posterior_gradients_match_finite_differences() -> None:
    X, y = _data()
    gp = _gp.fit_gp(X, y)
    x = np.random.default_rng(5).random((6, 3))
    post = gp.predict(x, grad=True)
    assert post.dmean is not None and post.dstd is not None
    fd_mean = _fd(lambda z: gp.predict(z).mean, x)
    fd_std = _fd(lambda z: gp.predict(z).std, x)
    np.testing.assert_allclose(fd_mean, post.dmean, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(fd_std, post.dstd, rtol=1e-5, atol=1e-7)


def test_log_h_matches_direct_formula_where_representable() -> None:
    z = np.linspace(-30, 8, 400)
    direct = np.log(norm.pdf(z) + z * norm.cdf(z))
    ok = np.isfinite(direct) & (z > -25)
    np.testing.assert_allclose(_gp.log_h(z)[ok], direct[ok], rtol=1e-9, atol=1e-9)


def test_log_h_is_finite_and_increasing_far_in_the_tail() -> None:
    z = -np.logspace(0, 12, 300)[::-1]
    values = _gp.log_h(z)
    assert np.all(np.isfinite(values))
    assert np.all(np.diff(values) > 0)
    # asymptotically log h(z) ~ -z^2/2 - log(2 pi)/2 - 2 log|z|
    expected = -0.5 * z[:5] ** 2 - 0.5 * math.log(2 * math.pi) - 2 * np.log(-z[:5])
    np.testing.assert_allclose(values[:5], expected, rtol=1e-9)


def test_log_ei_equals_log_of_ei_where_ei_is_representable() -> None:
    rng = np.random.default_rng(0)
    mean = rng.normal(size=200)
    std = rng.uniform(0.05, 2.0, size=200)
    value, _ = _gp.log_expected_improvement(mean, std, 0.3)
    z = (0.3 - mean) / std
    ei = std * (norm.pdf(z) + z * norm.cdf(z))
    np.testing.assert_allclose(value, np.log(ei), rtol=1e-9, atol=1e-12)


def test_log_ei_stays_finite_where_ei_underflows() -> None:
    value, _ = _gp.log_expected_improvement(np.array([1e3, 1e6]), np.array([1.0, 1.0]), 0.0)
    assert np.all(np.isfinite(value))
    assert value[1] < value[0] < -1e5


def test_acquisition_gradient_matches_finite_differences() -> None:
    X, y = _data()
    gp = _gp.fit_gp(X, y)
    best = float(y.min())
    x = np.random.default_rng(7).random((5, 3))
    _, grad = _gp._acquisition_and_grad(gp, x, best)
    fd = _fd(lambda z: _gp.acquisition(gp, z, best), x)
    np.testing.assert_allclose(fd, grad, rtol=1e-4, atol=1e-6)


def test_maximize_acquisition_beats_every_candidate_and_stays_in_the_box() -> None:
    X, y = _data()
    gp = _gp.fit_gp(X, y)
    best = float(y.min())
    rng = np.random.default_rng(0)
    xs, vals = _gp.maximize_acquisition(gp, best, rng, n_candidates=256, n_starts=4)
    assert np.all((xs >= 0) & (xs <= 1))
    np.testing.assert_allclose(vals, _gp.acquisition(gp, xs, best))
    assert np.all(np.diff(vals) <= 0)
    dense = _gp.sobol_points(3, 4096, np.random.default_rng(1))
    assert vals[0] >= _gp.acquisition(gp, dense, best).max() - 1e-9


def test_transform_values_standardizes_and_inverts() -> None:
    v = np.array([0.1, 0.5, 0.7, 1.0, 1.2, 500.0])
    for warp in ("none", "log"):
        t = _gp.transform_values(v, warp)
        assert t.y.mean() == pytest.approx(0.0, abs=1e-12)
        assert t.y.std() == pytest.approx(1.0)
        assert np.argmin(t.y) == 0 and np.argmax(t.y) == 5
        np.testing.assert_allclose(t.inverse(t.y * t.scale + t.center), v, rtol=1e-9)
    # the outlier is compressed, so the good values are not squeezed together
    assert np.ptp(_gp.transform_values(v).y[:5]) > 0.3
    with pytest.raises(ValueError, match="warp"):
        _gp.transform_values(v, "rank")
    with pytest.raises(ValueError, match="finite"):
        _gp.transform_values(np.array([1.0, np.inf]))


def test_single_threaded_blas_restores_previous_thread_counts() -> None:
    handles = _gp._openblas_handles()
    before = [int(getattr(lib, get)()) for lib, _, get in handles]
    with _gp.single_threaded_blas(), _gp.single_threaded_blas():
        assert all(int(getattr(lib, get)()) == 1 for lib, _, get in handles)
    assert [int(getattr(lib, get)()) for lib, _, get in handles] == before


def test_marginal_likelihood_matches_dense_formula() -> None:
    X, y = _data(n=15, d=2, seed=3)
    theta = np.array([0.3, -0.2, 0.1, math.log(1e-3)])
    params = _gp._unpack(theta, 2, _gp.DEFAULT_NOISE_FLOOR)
    K = _gp.matern52(X, X, params) + params.noise_var * np.eye(len(X))
    _, logdet = np.linalg.slogdet(K)
    direct = -0.5 * y @ np.linalg.solve(K, y) - 0.5 * logdet - 0.5 * len(X) * math.log(2 * math.pi)
    value, _ = _gp.log_marginal_likelihood(X, y, theta)
    assert value == pytest.approx(direct, rel=1e-10)


def test_posterior_without_gradients_matches_the_gradient_path() -> None:
    X, y = _data()
    gp = _gp.fit_gp(X, y)
    x = np.random.default_rng(6).random((9, 3))
    plain, with_grad = gp.predict(x), gp.predict(x, grad=True)
    np.testing.assert_allclose(plain.mean, with_grad.mean, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(plain.std, with_grad.std, rtol=1e-8, atol=1e-12)
