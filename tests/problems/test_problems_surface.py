import numpy as np
import pytest

from nbopt.problems import LinearRegression, Problem, Surface, get, names, surface
from nbopt.problems._surface import log_eps

TWO_D = [n for n in names() if n != "mlp"]


@pytest.mark.parametrize("name", TWO_D)
@pytest.mark.parametrize("log", [False, True])
def test_surface_shapes_and_values(name, log):
    p = get(name, n_samples=40) if "regression" in name else get(name)
    s = surface(p, resolution=(30, 20), log=log)
    assert isinstance(s, Surface)
    assert s.x.shape == (30,) and s.y.shape == (20,) and s.z.shape == (20, 30)
    assert s.log is log
    (x0, x1), (y0, y1) = p.view
    np.testing.assert_allclose(s.x[[0, -1]], [x0, x1])
    np.testing.assert_allclose(s.y[[0, -1]], [y0, y1])
    f = p.value(np.stack(np.meshgrid(s.x, s.y), axis=-1))
    assert s.zmax == pytest.approx(f.max())
    assert s.zmin <= f.min()
    if p.min_value is not None:
        assert s.zmin == pytest.approx(min(f.min(), p.min_value))
    if log:
        np.testing.assert_allclose(s.z, np.log10(f - s.zmin + s.eps), rtol=1e-12)
        np.testing.assert_allclose(s.to_value(s.z), f, rtol=1e-9, atol=1e-9 * (s.zmax - s.zmin))
        np.testing.assert_allclose(s.from_value(f), s.z, rtol=1e-12)
    else:
        np.testing.assert_array_equal(s.z, f)
        np.testing.assert_array_equal(s.to_value(s.z), f)
    assert np.all(np.isfinite(s.z))
    # z[i, j] is the value at (x[j], y[i]).
    assert s.to_value(s.z[3, 7]) == pytest.approx(p.value([s.x[7], s.y[3]]), rel=1e-9, abs=1e-9)


def test_log_defaults_to_the_problem_hint():
    assert surface(get("rosenbrock"), resolution=10).log is True
    assert surface(get("rastrigin"), resolution=10).log is False
    assert surface(get("rastrigin"), resolution=10, log=True).log is True


@pytest.mark.parametrize("name", ["camel", "saddle"])
def test_log_surface_of_negative_valued_functions(name):
    s = surface(get(name), resolution=50, log=True)
    assert s.zmin < 0
    assert np.all(np.isfinite(s.z))
    # The floor maps to log10(eps): the grid minimum for the saddle, the known minimum
    # (below every grid value) for the camel.
    if name == "saddle":
        assert s.z.min() == pytest.approx(np.log10(s.eps), abs=1e-9)
    else:
        assert s.zmin == get(name).min_value and s.z.min() > np.log10(s.eps)
    assert s.z.max() == pytest.approx(np.log10(s.zmax - s.zmin + s.eps))


def test_default_resolution_and_custom_view():
    s = surface(get("booth"))
    assert s.z.shape == (200, 200)
    t = surface(get("booth"), resolution=11, view=((0, 2), (2, 4)))
    np.testing.assert_allclose(t.x, np.linspace(0, 2, 11))
    np.testing.assert_allclose(t.y, np.linspace(2, 4, 11))
    assert t.to_value(t.z[5, 5]) == pytest.approx(0.0, abs=1e-6 * t.zmax)


def test_linear_regression_surface():
    p = LinearRegression(n_samples=50, seed=2)
    s = surface(p, resolution=41, log=False)
    j = np.argmin(s.z.min(axis=0))
    i = np.argmin(s.z.min(axis=1))
    # The grid minimum sits next to the closed-form least-squares solution.
    assert abs(s.x[j] - p.minima[0, 0]) <= s.x[1] - s.x[0]
    assert abs(s.y[i] - p.minima[0, 1]) <= s.y[1] - s.y[0]


def test_overflow_stays_inf_without_warnings():
    p = Problem(lambda X: np.exp(X[:, 0] ** 2), bounds=((-40, 40), (-1, 1)), vectorized=True)
    with np.errstate(over="raise"):
        s = surface(p, resolution=21, log=True)
        t = surface(p, resolution=21, log=False)
    assert np.isinf(s.z).any() and np.isfinite(s.z).any()
    assert np.isfinite(s.zmax) and np.isfinite(t.zmax)
    assert np.isinf(t.z[0, 0]) and t.z[10, 10] == 1.0


def test_flat_surface():
    p = Problem(lambda X: np.zeros(len(X)), bounds=((0, 1), (0, 1)), vectorized=True)
    s = surface(p, resolution=5, log=True)
    assert s.zmin == s.zmax == 0.0
    assert s.eps == 1e-12 == log_eps(0.0, 0.0)
    np.testing.assert_allclose(s.z, -12.0)


def test_bad_arguments():
    p = get("himmelblau")
    with pytest.raises(ValueError, match="at least 2 per axis"):
        surface(p, resolution=1)
    with pytest.raises(TypeError, match=r"resolution must be an int or \(nx, ny\)"):
        surface(p, resolution=True)
    with pytest.raises(TypeError, match=r"resolution must be an int or \(nx, ny\)"):
        surface(p, resolution=(10, 10, 10))
    with pytest.raises(ValueError, match="lo < hi"):
        surface(p, view=((1, 0), (0, 1)))
    with pytest.raises(ValueError, match=r"view must be \(\(x0, x1\), \(y0, y1\)\)"):
        surface(p, view=((0, 1),))
    with pytest.raises(TypeError, match="must be a nbopt Problem"):
        surface("himmelblau")
    with pytest.raises(ValueError, match="a surface needs exactly 2"):
        surface(get("mlp", hidden=2, n_samples=20))
