import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nbopt.problems import Problem, surface

BOX = ((-2.0, 2.0), (-1.0, 3.0))


def loss(v):
    return float(np.sin(v[0]) * v[1] ** 2 + np.exp(0.3 * v[0]))


def loss_grad(v):
    return np.array([np.cos(v[0]) * v[1] ** 2 + 0.3 * np.exp(0.3 * v[0]), 2 * np.sin(v[0]) * v[1]])


def loss_batch(X):
    return np.sin(X[:, 0]) * X[:, 1] ** 2 + np.exp(0.3 * X[:, 0])


def loss_grad_batch(X):
    return np.stack([loss_grad(x) for x in X])


unit = st.floats(0.0, 1.0, allow_nan=False)


@pytest.mark.parametrize("vectorized", [False, True])
@pytest.mark.parametrize("with_grad", [False, True])
@settings(max_examples=20, deadline=None)
@given(u=st.lists(unit, min_size=2, max_size=2))
def test_user_problem_value_and_grad(vectorized, with_grad, u, in_view, numgrad):
    f = loss_batch if vectorized else loss
    g = (loss_grad_batch if vectorized else loss_grad) if with_grad else None
    p = Problem(f, g, bounds=BOX, vectorized=vectorized)
    x = in_view(BOX, u)
    assert p.value(x) == pytest.approx(loss(x), rel=1e-15, abs=1e-15)
    expected = loss_grad(x)
    np.testing.assert_allclose(p.grad(x), expected, rtol=1e-7, atol=1e-7)
    np.testing.assert_allclose(numgrad(p, x), expected, rtol=1e-7, atol=1e-7)


@pytest.mark.parametrize("vectorized", [False, True])
def test_user_problem_leading_shapes(vectorized):
    p = Problem(loss_batch if vectorized else loss, bounds=BOX, vectorized=vectorized)
    X = np.random.default_rng(0).uniform(-1, 1, (2, 3, 2))
    assert p.value(X).shape == (2, 3)
    assert p.grad(X).shape == (2, 3, 2)
    assert p.value(X[0, 0]).shape == ()
    v, g = p.value_and_grad(X[0])
    assert v.shape == (3,) and g.shape == (3, 2)
    np.testing.assert_allclose(v, [loss(x) for x in X[0]])
    np.testing.assert_allclose(g, [loss_grad(x) for x in X[0]], rtol=1e-7, atol=1e-7)


def test_point_function_sees_one_point_and_vectorized_one_batch():
    seen = []

    def f(v):
        seen.append(np.shape(v))
        return float(v @ v)

    p = Problem(f, bounds=((-1, 1),) * 3)
    p.value(np.ones((4, 3)))
    assert seen == [(3,)] * 4
    calls = []

    def fb(X):
        calls.append(X.shape)
        return (X**2).sum(axis=1)

    q = Problem(fb, bounds=((-1, 1),) * 3, vectorized=True)
    q.value(np.ones((5, 3)))
    q.grad(np.ones((5, 3)))  # finite differences: one batched call of 2 * d * n points
    assert calls == [(5, 3), (30, 3)]
    np.testing.assert_allclose(q.grad(np.ones((5, 3))), 2.0, rtol=1e-9)


def test_user_function_cannot_mutate_the_caller_array():
    def f(v):
        v[0] = 100.0
        return 0.0

    x = np.zeros(2)
    Problem(f, bounds=BOX).value(x)
    assert x[0] == 0.0


def test_defaults_and_given_metadata():
    p = Problem(loss, bounds=BOX)
    assert p.name == "loss"
    assert p.dim == 2 and p.param_names == ("x", "y")
    assert p.view == BOX and p.bounds == BOX
    assert p.minima.shape == (0, 2) and p.min_value is None
    assert p.n_train is None and not p.has_validation
    assert np.all((p.default_start >= [-2, -1]) & (p.default_start <= [2, 3]))
    bowl = Problem(
        lambda v: float((v[0] - 1) ** 2 + v[1] ** 2 + 5),
        bounds=((-3, 3), (-3, 3)),
        name="bowl",
        minima=[1.0, 0.0],
        view=((-2, 2), (-2, 2)),
        default_start=(-1.5, 1.5),
        param_names=("a", "b"),
        log_scale=False,
        description="a shifted bowl",
    )
    assert bowl.name == "bowl" and bowl.param_names == ("a", "b")
    assert bowl.description == "a shifted bowl" and p.description == ""
    np.testing.assert_array_equal(bowl.minima, [[1.0, 0.0]])
    assert bowl.min_value == 5.0  # f at the given minimum
    assert bowl.view == ((-2.0, 2.0), (-2.0, 2.0))
    np.testing.assert_array_equal(bowl.default_start, [-1.5, 1.5])
    assert bowl.log_scale is False
    assert "bowl" in repr(bowl)
    q = Problem(lambda v: float(v.sum()), bounds=((0, 1),) * 3, min_value=-1.0)
    assert q.param_names == ("x0", "x1", "x2") and q.min_value == -1.0


def test_log_scale_is_guessed_from_the_values_when_not_given():
    steep = Problem(
        lambda X: np.exp(X[:, 0] ** 2 + X[:, 1] ** 2), bounds=((-3, 3),) * 2, vectorized=True
    )
    plane = Problem(lambda X: X[:, 0] + X[:, 1], bounds=((-3, 3),) * 2, vectorized=True)
    assert steep.log_scale is True
    assert plane.log_scale is False
    assert Problem(lambda v: float(v[0]), bounds=((0, 1),)).log_scale is False


def test_nan_values_are_returned_as_computed():
    p = Problem(lambda v: float("nan") if v[0] > 0 else 1.0, bounds=BOX)
    v = p.value([[1.0, 0.0], [-1.0, 0.0]])
    assert np.isnan(v[0]) and v[1] == 1.0


def named_bad(v):
    return "oops"


@pytest.mark.parametrize(
    ("f", "vectorized", "exc", "pattern"),
    [
        (named_bad, False, TypeError, r"f 'named_bad' returned str 'oops'; expected a real number"),
        (lambda v: None, False, TypeError, r"returned NoneType None; expected a real number"),
        (lambda v: 1j, False, TypeError, r"returned complex"),
        (lambda v: v, False, ValueError, r"shape \(2,\); expected a real number.*vectorized=True"),
        (lambda X: X[:, :1], True, ValueError, r"shape \(3, 1\) for 3 points; expected .*\(n,\)"),
        (lambda X: float(X.sum()), True, ValueError, r"returned shape \(\) for 3 points; expected"),
        (lambda X: X.astype(str)[:, 0], True, TypeError, r"dtype <U"),
    ],
)
def test_bad_user_outputs_are_clear_errors(f, vectorized, exc, pattern):
    p = Problem(f, bounds=BOX, vectorized=vectorized, name="mine")
    with pytest.raises(exc, match=pattern) as info:
        p.value(np.zeros((3, 2)))
    assert "problem 'mine'" in str(info.value)


def bad_grad(v):
    return np.zeros(3)


def test_bad_user_gradients_are_clear_errors():
    p = Problem(loss, bad_grad, bounds=BOX)
    with pytest.raises(
        ValueError,
        match=r"grad 'bad_grad' returned shape \(3,\); expected an "
        r"array of shape \(2,\)",
    ):
        p.grad([0.0, 0.0])
    q = Problem(loss_batch, lambda X: X[:, 0], bounds=BOX, vectorized=True)
    with pytest.raises(ValueError, match=r"expected an array of shape \(n, 2\)"):
        q.grad(np.zeros((4, 2)))
    r = Problem(loss, lambda v: ["a", "b"], bounds=BOX)
    with pytest.raises(TypeError, match="dtype <U1"):
        r.grad([0.0, 0.0])


@pytest.mark.parametrize(
    ("bounds", "exc", "pattern"),
    [
        (None, TypeError, r"needs bounds=\(\(lo, hi\), \.\.\.\)"),
        (((1.0, 0.0),), ValueError, r"pair 0 must have lo < hi; got \(1.0, 0.0\)"),
        (((0, 1), (2, 2)), ValueError, r"pair 1 must have lo < hi"),
        (((0, 1, 2),), ValueError, r"one \(lo, hi\) pair per dimension"),
        ((0, 1), ValueError, r"got an array of shape \(2,\)"),
        ((("a", "b"),), TypeError, r"must be \(\(lo, hi\), \.\.\.\) of numbers"),
        (((0, np.inf),), ValueError, r"finite"),
    ],
)
def test_bad_bounds_are_clear_errors(bounds, exc, pattern):
    with pytest.raises(exc, match=pattern):
        Problem(loss, bounds=bounds)


def test_other_bad_arguments():
    with pytest.raises(TypeError, match="f must be a callable"):
        Problem(3, bounds=BOX)
    with pytest.raises(TypeError, match="grad must be a callable or None"):
        Problem(loss, 3, bounds=BOX)
    with pytest.raises(ValueError, match=r"minima must have shape \(k, 2\); got shape \(3,\)"):
        Problem(loss, bounds=BOX, minima=[1, 2, 3])
    with pytest.raises(ValueError, match=r"default_start must have shape \(2,\)"):
        Problem(loss, bounds=BOX, default_start=[[0, 0], [1, 1]])
    with pytest.raises(TypeError, match="minima must be numbers"):
        Problem(loss, bounds=BOX, minima=[["a", "b"]])
    with pytest.raises(ValueError, match="default_start must be finite"):
        Problem(loss, bounds=BOX, default_start=[np.nan, 0.0])
    with pytest.raises(ValueError, match="view has 1"):
        Problem(loss, bounds=BOX, view=((0, 1),))
    with pytest.raises(ValueError, match="param_names must be 2 strings"):
        Problem(loss, bounds=BOX, param_names=("a",))
    with pytest.raises(TypeError, match="log_scale must be"):
        Problem(loss, bounds=BOX, log_scale="yes")
    p = Problem(loss, bounds=BOX, name="mine")
    with pytest.raises(ValueError, match=r"'mine' takes points of shape \(\.\.\., 2\)"):
        p.value([1.0, 2.0, 3.0])


def test_one_dimensional_user_problem_and_no_surface():
    p = Problem(lambda v: float((v[0] - 0.5) ** 2), bounds=((0, 1),), minima=[[0.5]])
    assert p.dim == 1 and p.param_names == ("x0",)
    assert p.value([[0.0], [1.0]]).tolist() == [0.25, 0.25]
    assert p.min_value == 0.0
    np.testing.assert_allclose(p.grad([0.0]), [-1.0], rtol=1e-9)
    with pytest.raises(ValueError, match="has 1 parameters; a surface needs exactly 2"):
        surface(p)


def test_empty_point_batches_do_not_call_the_function():
    def f(X):
        raise AssertionError("called")

    p = Problem(f, bounds=BOX, vectorized=True)
    assert p.value(np.zeros((0, 2))).shape == (0,)
    assert p.grad(np.zeros((0, 2))).shape == (0, 2)
    v, g = p.value_and_grad(np.zeros((3, 0, 2)))
    assert v.shape == (3, 0) and g.shape == (3, 0, 2)


def test_ragged_points_are_a_clear_error():
    p = Problem(loss, bounds=BOX, name="mine")
    with pytest.raises(ValueError, match=r"'mine' takes points of shape .* ragged"):
        p.value([[0.0, 1.0], [2.0]])
