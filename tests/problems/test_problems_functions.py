import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nbopt.problems import Function2D, get, names

FUNCTIONS = [
    "quadratic",
    "rosenbrock",
    "himmelblau",
    "beale",
    "booth",
    "rastrigin",
    "ackley",
    "saddle",
    "camel",
]
unit = st.floats(0.0, 1.0, allow_nan=False)


def test_every_function_is_registered_as_a_2d_problem():
    assert set(FUNCTIONS) <= set(names())
    for name in FUNCTIONS:
        p = get(name)
        assert isinstance(p, Function2D)
        assert p.name == name
        assert p.dim == 2
        assert p.param_names == ("x", "y")
        assert p.n_train is None and p.has_validation is False


@pytest.mark.parametrize("name", FUNCTIONS)
@settings(max_examples=30, deadline=None)
@given(u=st.lists(unit, min_size=2, max_size=2))
def test_gradient_matches_finite_differences(name, u, numgrad, in_view):
    p = get(name)
    x = in_view(p.view, u)
    if name == "ackley" and np.hypot(*x) < 0.1:
        # The cone tip at the origin is not differentiable, and next to it the curvature
        # grows like 1 / r: the reference differences (step 1e-3) need r >> 1e-3.
        x = x + 0.2
    g = p.grad(x)
    fd = numgrad(p, x)
    np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-6 * (1.0 + np.abs(g).max()))


@pytest.mark.parametrize("name", FUNCTIONS)
def test_known_minima_are_stationary_with_the_minimum_value(name):
    p = get(name)
    minima = p.minima
    assert minima.ndim == 2 and minima.shape[1] == 2
    if name == "saddle":
        assert minima.shape == (0, 2)
        assert p.min_value is None
        np.testing.assert_array_equal(p.grad([0.0, 0.0]), [0.0, 0.0])
        return
    assert len(minima) >= 1
    assert p.min_value is not None
    np.testing.assert_allclose(p.value(minima), p.min_value, rtol=0, atol=1e-12)
    np.testing.assert_allclose(p.grad(minima), 0.0, atol=1e-9)
    # A minimum: nothing lower on a grid over the view.
    (x0, x1), (y0, y1) = p.view
    gx, gy = np.meshgrid(np.linspace(x0, x1, 101), np.linspace(y0, y1, 101))
    assert p.value(np.stack([gx, gy], -1)).min() >= p.min_value - 1e-12


def test_minima_counts():
    assert len(get("himmelblau").minima) == 4
    assert len(get("camel").minima) == 2
    assert len(get("rosenbrock").minima) == 1
    np.testing.assert_allclose(get("camel").min_value, -1.0316284534898774)


def test_camel_minima_are_the_two_global_ones_among_six_local():
    p = get("camel")
    # Gradient descent from a grid of starts finds six distinct local minima.
    (x0, x1), (y0, y1) = p.bounds
    starts = np.stack(
        np.meshgrid(np.linspace(-2.0, 2.0, 9), np.linspace(-1.0, 1.0, 9)), -1
    ).reshape(-1, 2)
    x = starts.copy()
    for _ in range(4000):
        x = np.clip(x - 0.01 * p.grad(x), [x0, y0], [x1, y1])
    ok = np.abs(p.grad(x)).max(axis=1) < 1e-6
    found = np.unique(np.round(x[ok], 4), axis=0)
    values = p.value(found)
    is_min = np.array([np.all(np.linalg.eigvalsh(_hessian(p, pt)) > 0) for pt in found])
    assert is_min.sum() == 6
    lowest = found[is_min][np.argsort(values[is_min])[:2]]
    np.testing.assert_allclose(np.sort(lowest, axis=0), np.sort(p.minima, axis=0), atol=1e-4)


def _hessian(p, x, h=1e-5):
    return np.array([(p.grad(x + h * e) - p.grad(x - h * e)) / (2 * h) for e in np.eye(2)])


@pytest.mark.parametrize("name", FUNCTIONS)
def test_vectorized_over_leading_shapes(name):
    p = get(name)
    rng = np.random.default_rng(1)
    lo = np.array([v[0] for v in p.view])
    hi = np.array([v[1] for v in p.view])
    X = lo + (hi - lo) * rng.random((3, 4, 2))
    v = p.value(X)
    g = p.grad(X)
    assert v.shape == (3, 4) and g.shape == (3, 4, 2)
    assert p.value(X[0, 0]).shape == () and p.grad(X[0, 0]).shape == (2,)
    assert p.value(X[0]).shape == (4,) and p.grad(X[0]).shape == (4, 2)
    for i in range(3):
        for j in range(4):
            assert p.value(X[i, j]) == pytest.approx(v[i, j], rel=1e-14, abs=1e-14)
            np.testing.assert_allclose(p.grad(X[i, j]), g[i, j], rtol=1e-14, atol=1e-14)
    vv, gg = p.value_and_grad(X)
    np.testing.assert_array_equal(vv, v)
    np.testing.assert_array_equal(gg, g)
    # Lists and tuples are points too.
    assert p.value(tuple(X[1, 2])) == pytest.approx(v[1, 2], rel=1e-14, abs=1e-14)
    assert p.value([list(r) for r in X[1]]).shape == (4,)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_no_numpy_warnings_over_the_view(name):
    p = get(name)
    (x0, x1), (y0, y1) = p.view
    pts = np.stack(np.meshgrid(np.linspace(x0, x1, 51), np.linspace(y0, y1, 51)), -1)
    with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
        assert np.all(np.isfinite(p.value(pts)))
        assert np.all(np.isfinite(p.grad(pts)))
        assert np.all(np.isfinite(p.grad(p.minima)))


@pytest.mark.parametrize("name", FUNCTIONS)
def test_descriptive_attributes(name):
    p = get(name)
    for lo, hi in (*p.bounds, *p.view):
        assert lo < hi
    start = p.default_start
    assert start.shape == (2,)
    assert all(lo <= s <= hi for s, (lo, hi) in zip(start, p.view))
    assert isinstance(p.log_scale, bool)
    assert p.description
    start[0] = 1e9  # a copy: the problem keeps its own start
    assert p.default_start[0] != 1e9
    m = p.minima
    if len(m):
        m[0, 0] = 1e9
        assert p.minima[0, 0] != 1e9


@pytest.mark.parametrize("name", FUNCTIONS)
def test_default_start_is_not_a_stationary_point(name):
    p = get(name)
    assert np.abs(p.grad(p.default_start)).max() > 1e-3


def test_wrong_last_axis_is_a_clear_error():
    p = get("rosenbrock")
    with pytest.raises(ValueError, match=r"'rosenbrock' takes points of shape \(\.\.\., 2\)"):
        p.value(np.zeros(3))
    with pytest.raises(ValueError, match=r"got shape \(4, 3\)"):
        p.grad(np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"\(\.\.\., 2\)"):
        p.value(1.0)
    with pytest.raises(TypeError, match="real numbers"):
        p.value(["a", "b"])


def test_data_only_methods_fail_clearly_on_functions():
    p = get("himmelblau")
    with pytest.raises(ValueError, match="no training data"):
        p.value([0.0, 0.0], batch=[0, 1])
    with pytest.raises(ValueError, match="no training data"):
        p.grad([0.0, 0.0], batch=np.arange(3))
    with pytest.raises(ValueError, match="no training data"):
        p.sample_batch(np.random.default_rng(0), 4)
    with pytest.raises(ValueError, match="no validation data"):
        p.validation_value([0.0, 0.0])


def test_quadratic_conditioning_and_rotation():
    p = get("quadratic")
    eig = np.linalg.eigvalsh(_hessian(p, np.zeros(2)))
    assert eig[1] / eig[0] == pytest.approx(25.0, rel=1e-6)
    # Rotated: the Hessian is not diagonal, so coordinate-wise step sizes cannot undo it.
    assert abs(_hessian(p, np.zeros(2))[0, 1]) > 1.0
    q = get("quadratic", condition=50, angle=0)
    np.testing.assert_allclose(_hessian(q, np.zeros(2)), np.diag([1.0, 50.0]), atol=1e-6)
    with pytest.raises(ValueError, match="condition"):
        get("quadratic", condition=0.5)


def test_rosenbrock_options_move_the_minimum():
    p = get("rosenbrock", a=2.0, b=10.0)
    np.testing.assert_allclose(p.minima, [[2.0, 4.0]])
    assert p.value([2.0, 4.0]) == 0.0
    np.testing.assert_allclose(p.grad([2.0, 4.0]), [0.0, 0.0])
    assert p.view[0][0] <= 2.0 <= p.view[0][1] and p.view[1][0] <= 4.0 <= p.view[1][1]
    with pytest.raises(ValueError, match="b must be > 0"):
        get("rosenbrock", b=-1.0)


def test_hand_checked_values():
    assert get("rosenbrock").value([0.0, 0.0]) == 1.0
    assert get("himmelblau").value([0.0, 0.0]) == 170.0
    assert get("booth").value([0.0, 0.0]) == 74.0
    assert get("beale").value([0.0, 0.0]) == pytest.approx(1.5**2 + 2.25**2 + 2.625**2)
    assert get("rastrigin").value([0.5, 0.5]) == pytest.approx(20 + 0.5 + 20)
    assert get("saddle").value([1.0, 2.0]) == -3.0
    assert get("camel").value([1.0, 1.0]) == pytest.approx(4 - 2.1 + 1 / 3 + 1 + 0)
    assert get("ackley").value([0.0, 0.0]) == pytest.approx(0.0, abs=1e-15)
    np.testing.assert_array_equal(get("ackley").grad([0.0, 0.0]), [0.0, 0.0])


def test_registry_lookup():
    assert get("ROSENBROCK").name == "rosenbrock"
    assert get("six_hump_camel").name == "camel"
    assert get("Six-Hump Camel").name == "camel"
    p = get("booth")
    assert get(p) is p
    with pytest.raises(ValueError, match=r"unknown problem 'nope'.*rosenbrock.*mlp"):
        get("nope")
    with pytest.raises(TypeError, match="'himmelblau' takes no options; got unknown option"):
        get("himmelblau", scale=2)
    with pytest.raises(TypeError, match="takes only condition, angle"):
        get("quadratic", cond=2)
    with pytest.raises(TypeError, match="existing problem"):
        get(p, seed=1)
    with pytest.raises(TypeError, match="name must be a string"):
        get(3)
    assert {"linear_regression", "logistic_regression", "mlp"} <= set(names())
    assert len(names()) == len(set(names()))


@pytest.mark.parametrize("name", FUNCTIONS)
def test_builtin_functions_pickle(name):
    import pickle

    p = get(name)
    q = pickle.loads(pickle.dumps(p))
    assert q.name == p.name and q.view == p.view
    np.testing.assert_array_equal(q.grad(p.default_start), p.grad(p.default_start))
    r = pickle.loads(pickle.dumps(get("quadratic", condition=40.0, angle=0.0)))
    assert r.value([0.0, 1.0]) == 20.0
    custom = Function2D(
        "c", lambda x, y: x + y, lambda x, y: (x * 0 + 1, y * 0 + 1), bounds=((0, 1), (0, 1))
    )
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(custom)
