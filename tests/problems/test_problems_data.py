import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nbopt.problems import MLP, LinearRegression, LogisticRegression, get, make_moons, surface


def small(kind, **kw):
    if kind == "mlp":
        return MLP(hidden=kw.pop("hidden", 3), n_samples=kw.pop("n_samples", 60), **kw)
    return get(kind, n_samples=kw.pop("n_samples", 60), **kw)


KINDS = ["linear_regression", "logistic_regression", "mlp"]
unit = st.floats(0.0, 1.0, allow_nan=False)


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_gradient_matches_finite_differences(kind, data, numgrad, in_view):
    p = small(kind)
    u = data.draw(st.lists(unit, min_size=p.dim, max_size=p.dim))
    x = in_view(p.view, u)
    g = p.grad(x)
    np.testing.assert_allclose(g, numgrad(p, x), rtol=1e-6, atol=1e-8)
    idx = data.draw(st.lists(st.integers(0, p.n_train - 1), min_size=1, max_size=10))
    gb = p.grad(x, batch=np.array(idx))
    np.testing.assert_allclose(gb, numgrad(p, x, batch=np.array(idx)), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("kind", KINDS)
def test_shapes_over_leading_axes(kind):
    p = small(kind)
    rng = np.random.default_rng(0)
    X = p.default_start + 0.1 * rng.standard_normal((2, 3, p.dim))
    assert p.value(X).shape == (2, 3)
    assert p.grad(X).shape == (2, 3, p.dim)
    assert p.validation_value(X).shape == (2, 3)
    assert p.value(X[0, 0]).shape == () and p.grad(X[0, 0]).shape == (p.dim,)
    v, g = p.value_and_grad(X, batch=[0, 2, 4])
    assert v.shape == (2, 3) and g.shape == (2, 3, p.dim)
    for i in range(2):
        for j in range(3):
            assert p.value(X[i, j]) == pytest.approx(p.value(X)[i, j], rel=1e-12)
            np.testing.assert_allclose(p.grad(X[i, j], batch=[0, 2, 4]), g[i, j], rtol=1e-12)
    assert p.predict(X, p.x_val).shape == (2, 3, len(p.y_val))


@pytest.mark.parametrize("kind", KINDS)
def test_batch_of_all_indices_is_the_full_batch(kind):
    p = small(kind)
    x = p.default_start
    everything = np.arange(p.n_train)
    assert p.value(x, batch=everything) == pytest.approx(p.value(x), rel=1e-13)
    np.testing.assert_allclose(p.grad(x, batch=everything), p.grad(x), rtol=1e-12, atol=1e-15)
    shuffled = np.random.default_rng(1).permutation(p.n_train)
    np.testing.assert_allclose(p.grad(x, batch=shuffled), p.grad(x), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("kind", KINDS)
def test_equal_batches_of_a_permutation_average_to_the_full_gradient(kind):
    p = small(kind, n_samples=75)  # 60 training samples: 6 batches of 10
    order = np.random.default_rng(2).permutation(p.n_train)
    x = p.default_start
    grads = [p.grad(x, batch=b) for b in order.reshape(6, 10)]
    np.testing.assert_allclose(np.mean(grads, axis=0), p.grad(x), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("kind", KINDS)
def test_sampled_minibatch_gradient_is_unbiased(kind):
    p = small(kind)
    rng = np.random.default_rng(3)
    x = p.default_start
    grads = np.array([p.grad(x, batch=p.sample_batch(rng, 5)) for _ in range(2000)])
    mean = grads.mean(axis=0)
    stderr = grads.std(axis=0, ddof=1) / math.sqrt(len(grads))
    # Sampling without replacement from a finite set: unbiased. Five standard errors.
    assert np.all(np.abs(mean - p.grad(x)) <= 5 * stderr + 1e-12)
    # And a single mini-batch really is noisy (not the full batch in disguise).
    assert grads.std(axis=0).max() > 1e-3


@pytest.mark.parametrize("kind", KINDS)
def test_sample_batch(kind):
    p = small(kind)
    idx = p.sample_batch(np.random.default_rng(5), 16)
    assert idx.shape == (16,) and idx.dtype.kind == "i"
    assert len(set(idx.tolist())) == 16
    assert idx.min() >= 0 and idx.max() < p.n_train
    again = p.sample_batch(np.random.default_rng(5), 16)
    np.testing.assert_array_equal(idx, again)
    assert sorted(p.sample_batch(np.random.default_rng(0), p.n_train)) == list(range(p.n_train))
    with pytest.raises(ValueError, match=r"batch_size must be in \[1, 48\]"):
        p.sample_batch(np.random.default_rng(0), 0)
    with pytest.raises(ValueError, match=r"n_train = 48"):
        p.sample_batch(np.random.default_rng(0), 49)
    with pytest.raises(TypeError, match="numpy Generator"):
        p.sample_batch(0, 4)
    with pytest.raises(TypeError, match="batch_size must be an int"):
        p.sample_batch(np.random.default_rng(0), 4.0)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("batch", "pattern"),
    [
        ([0.5, 1.5], "integer indices"),
        ([[0, 1]], "non-empty 1-D"),
        ([], "non-empty 1-D"),
        ([0, 48], r"must be in \[0, 48\)"),
        ([-1], r"must be in \[0, 48\)"),
    ],
)
def test_bad_batches_are_clear_errors(kind, batch, pattern):
    p = small(kind)
    with pytest.raises(ValueError, match=pattern):
        p.grad(p.default_start, batch=np.array(batch))


@pytest.mark.parametrize("kind", KINDS)
def test_seeded_data_are_reproducible(kind):
    a, b, c = small(kind, seed=7), small(kind, seed=7), small(kind, seed=8)
    for attr in ("x_train", "y_train", "x_val", "y_val"):
        np.testing.assert_array_equal(getattr(a, attr), getattr(b, attr))
        assert not getattr(a, attr).flags.writeable
    np.testing.assert_array_equal(a.default_start, b.default_start)
    assert a.view == b.view
    assert not np.array_equal(a.x_train, c.x_train)


@pytest.mark.parametrize("kind", KINDS)
def test_train_validation_split(kind):
    p = small(kind, n_samples=50, validation_fraction=0.3)
    assert p.n_train == 35 and len(p.y_train) == 35 and len(p.y_val) == 15
    assert p.has_validation
    x = p.default_start
    assert p.validation_value(x) != p.value(x)
    q = small(kind, validation_fraction=0.0)
    assert not q.has_validation and q.n_train == 60 and len(q.y_val) == 0
    with pytest.raises(ValueError, match="no validation data"):
        q.validation_value(x)
    with pytest.raises(ValueError, match="validation_fraction"):
        small(kind, validation_fraction=1.0)
    with pytest.raises(ValueError, match="validation_fraction must be a number"):
        small(kind, validation_fraction=-0.1)


@pytest.mark.parametrize("kind", KINDS)
def test_large_parameters_stay_quiet_and_finite(kind):
    p = small(kind)
    x = np.full(p.dim, 300.0)
    with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
        assert np.isfinite(p.value(x)) and np.all(np.isfinite(p.grad(x)))


def test_linear_regression_closed_form():
    p = LinearRegression(n_samples=80, noise=0.3, seed=4)
    w, b = np.polyfit(p.x_train, p.y_train, 1)
    np.testing.assert_allclose(p.minima, [[w, b]], rtol=1e-10)
    np.testing.assert_allclose(p.grad(p.minima[0]), [0.0, 0.0], atol=1e-12)
    residual = w * p.x_train + b - p.y_train
    assert p.min_value == pytest.approx(np.mean(residual**2), rel=1e-12)
    assert p.value(p.minima[0]) == pytest.approx(p.min_value, rel=1e-12)
    # The value is the MSE, computed independently at an arbitrary point.
    r = 0.5 * p.x_train - 2.0 - p.y_train
    assert p.value([0.5, -2.0]) == pytest.approx(np.mean(r**2), rel=1e-12)
    assert p.param_names == ("w", "b")
    np.testing.assert_allclose(p.predict([2.0, 1.0], [0.0, 1.0, 2.0]), [1.0, 3.0, 5.0])
    for (lo, hi), m in zip(p.view, p.minima[0]):
        assert lo < m < hi
    # The generating line is recovered up to noise.
    assert w == pytest.approx(2.0, abs=0.3) and b == pytest.approx(-1.0, abs=0.5)


def test_linear_regression_landscape_is_an_elongated_bowl():
    p = LinearRegression()
    h = 1e-4
    hess = np.array(
        [(p.grad(p.minima[0] + h * e) - p.grad(p.minima[0] - h * e)) / (2 * h) for e in np.eye(2)]
    )
    eig = np.linalg.eigvalsh(hess)
    assert eig[0] > 0 and 5 < eig[1] / eig[0] < 100


def test_logistic_regression_minimum_and_loss():
    p = LogisticRegression(seed=1)
    assert p.minima.shape == (1, 2) and p.param_names == ("w", "b")
    np.testing.assert_allclose(p.grad(p.minima[0]), [0.0, 0.0], atol=1e-10)
    assert p.value(p.minima[0]) == pytest.approx(p.min_value, rel=1e-14)
    w, b = 0.7, -0.2
    prob = 1 / (1 + np.exp(-(w * p.x_train + b)))
    bce = -np.mean(p.y_train * np.log(prob) + (1 - p.y_train) * np.log(1 - prob))
    assert p.value([w, b]) == pytest.approx(bce, rel=1e-12)
    np.testing.assert_allclose(p.predict([w, b], p.x_train[:5]), prob[:5], rtol=1e-12)
    assert set(np.unique(p.y_train)) == {0.0, 1.0}
    # w > 0: class 1 sits to the right, as generated.
    assert p.minima[0, 0] > 0


def test_logistic_regression_separable_data_have_no_minimum_unless_penalized():
    p = LogisticRegression(separation=30.0, seed=0)
    assert p.minima.shape == (0, 2) and p.min_value is None
    q = LogisticRegression(separation=30.0, seed=0, l2=0.1)
    assert q.minima.shape == (1, 2)
    np.testing.assert_allclose(q.grad(q.minima[0]), [0.0, 0.0], atol=1e-10)


def test_mlp_value_on_a_hand_computed_case():
    # hidden = 1; theta = (W1[0,0], W1[1,0], b1, w2, b2)
    # x1 = (0, 0): a = b1 = atanh(1/2), h = 1/2, z = 2 * 1/2 + ln3 - 1 = ln 3, p = 3/4.
    # x2 = (1, -1): a = -atanh(1/2) + atanh(1/2) = 0, h = 0, z = ln3 - 1.
    half = math.atanh(0.5)
    theta = np.array([-half, 0.0, half, 2.0, math.log(3.0) - 1.0])
    p = MLP(hidden=1, x=[[0.0, 0.0], [1.0, -1.0]], y=[1.0, 0.0], validation_fraction=0.0)
    # Sample order is shuffled by the split; the mean is order-free.
    expected = 0.5 * (math.log(4.0 / 3.0) + math.log(1.0 + 3.0 / math.e))
    assert p.value(theta) == pytest.approx(expected, rel=1e-14)
    probs = p.predict(theta, [[0.0, 0.0], [1.0, -1.0]])
    np.testing.assert_allclose(probs, [0.75, 3.0 / (3.0 + math.e)], rtol=1e-14)
    # d loss / d b2 = mean(p - y) = ((3/4 - 1) + (3 / (3 + e) - 0)) / 2
    assert p.grad(theta)[-1] == pytest.approx(0.5 * (-0.25 + 3 / (3 + math.e)), rel=1e-13)


def test_mlp_layout_and_unpack():
    p = MLP(hidden=5, n_samples=40)
    assert p.dim == 21 and len(p.param_names) == 21
    assert p.param_names[0] == "W1[0,0]" and p.param_names[-1] == "b2"
    assert p.minima.shape == (0, 21) and p.min_value is None
    theta = np.arange(21.0)
    W1, b1, w2, b2 = p.unpack(theta)
    np.testing.assert_array_equal(W1, np.arange(10.0).reshape(2, 5))
    np.testing.assert_array_equal(b1, np.arange(10.0, 15.0))
    np.testing.assert_array_equal(w2, np.arange(15.0, 20.0))
    assert b2 == 20.0
    assert p.unpack(np.zeros((3, 21)))[0].shape == (3, 2, 5)
    with pytest.raises(ValueError, match="has 21 parameters; a surface needs exactly 2"):
        surface(p)
    pr = p.predict(p.default_start, p.x_train)
    assert pr.shape == (p.n_train,) and np.all((pr > 0) & (pr < 1))


def test_mlp_gradient_descent_learns_the_moons():
    p = MLP(hidden=8, seed=0)
    x = p.default_start
    start = p.value(x)
    for _ in range(300):
        x = x - 0.5 * p.grad(x)
    assert p.value(x) < 0.6 * start
    accuracy = np.mean((p.predict(x, p.x_val) > 0.5) == p.y_val)
    assert accuracy > 0.8


def test_make_moons():
    x, y = make_moons(101, noise=0.0, seed=3)
    assert x.shape == (101, 2) and y.shape == (101,)
    assert int(y.sum()) == 50
    upper, lower = x[y == 0], x[y == 1]
    np.testing.assert_allclose(np.hypot(*upper.T), 1.0)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0)
    assert np.all(upper[:, 1] >= 0) and np.all(lower[:, 1] <= 0.5)
    np.testing.assert_array_equal(make_moons(50, seed=1)[0], make_moons(50, seed=1)[0])
    with pytest.raises(ValueError, match="n_samples must be an integer >= 2"):
        make_moons(1)


def test_user_data_and_bad_arguments():
    p = LinearRegression(x=[0.0, 1.0, 2.0, 3.0], y=[1.0, 3.0, 5.0, 7.0], validation_fraction=0)
    np.testing.assert_allclose(p.minima, [[2.0, 1.0]], atol=1e-12)
    assert p.min_value == pytest.approx(0.0, abs=1e-12)
    with pytest.raises(TypeError, match="give both x= and y="):
        LinearRegression(x=[1.0, 2.0])
    with pytest.raises(ValueError, match=r"y must have shape \(3,\)"):
        LinearRegression(x=[1.0, 2.0, 3.0], y=[1.0, 2.0])
    with pytest.raises(ValueError, match=r"x must have shape \(m, 2\)"):
        MLP(x=[1.0, 2.0], y=[0.0, 1.0])
    with pytest.raises(ValueError, match="labels y must be 0 or 1"):
        LogisticRegression(x=[1.0, 2.0, 3.0], y=[0.0, 2.0, 1.0], validation_fraction=0)
    with pytest.raises(ValueError, match="all equal"):
        LinearRegression(x=[1.0, 1.0, 1.0], y=[0.0, 1.0, 2.0], validation_fraction=0)
    with pytest.raises(ValueError, match="n_samples must be an integer >= 2"):
        LinearRegression(n_samples=1)
    with pytest.raises(ValueError, match="hidden must be an integer >= 1"):
        MLP(hidden=0)
    with pytest.raises(ValueError, match="noise must be a number >= 0"):
        LinearRegression(noise=-1.0)
    with pytest.raises(ValueError, match=r"inputs x must have shape \(m,\)"):
        LinearRegression().predict([1.0, 0.0], np.zeros((2, 2)))


@pytest.mark.parametrize("kind", KINDS)
def test_data_problems_pickle_and_describe_themselves(kind):
    import pickle

    p = small(kind)
    q = pickle.loads(pickle.dumps(p))
    np.testing.assert_array_equal(q.x_train, p.x_train)
    np.testing.assert_array_equal(q.grad(p.default_start), p.grad(p.default_start))
    assert str(p.n_train) in p.description


@pytest.mark.parametrize("kind", KINDS)
def test_large_point_batches_are_evaluated_in_chunks_consistently(kind):
    p = small(kind, n_samples=300)  # 240 samples: several chunks for 3000 points
    X = p.default_start + 0.3 * np.random.default_rng(6).standard_normal((3000, p.dim))
    assert len(p._chunks(len(X), p.n_train)) > 1
    v, g = p.value_and_grad(X)
    np.testing.assert_array_equal(v, p.value(X))
    np.testing.assert_array_equal(g, p.grad(X))
    for i in (0, 1234, 2999):
        assert v[i] == pytest.approx(p.value(X[i]), rel=1e-13)
        np.testing.assert_allclose(g[i], p.grad(X[i]), rtol=1e-12, atol=1e-15)
