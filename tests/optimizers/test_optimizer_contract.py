"""Contract every optimizer satisfies, parametrized by configuration id."""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
import pytest

from nbopt import optimizers
from nbopt.optimizers import SGD, AdaGrad, Adam, AdamW, GradientDescent, Optimizer, RMSProp, _base

CONFIGS: dict[str, Callable[[], Optimizer]] = {
    "gd": lambda: GradientDescent(lr=0.05),
    "sgd": lambda: SGD(lr=0.05),
    "sgd-momentum": lambda: SGD(lr=0.05, momentum=0.9, dampening=0.2, weight_decay=0.01),
    "sgd-nesterov": lambda: SGD(lr=0.05, momentum=0.8, nesterov=True),
    "rmsprop": lambda: RMSProp(lr=0.01),
    "rmsprop-centered-momentum": lambda: RMSProp(
        lr=0.01, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.1
    ),
    "adam": lambda: Adam(lr=0.05),
    "adam-amsgrad-wd": lambda: Adam(lr=0.05, betas=(0.8, 0.99), amsgrad=True, weight_decay=0.1),
    "adamw": lambda: AdamW(lr=0.05),
    "adagrad": lambda: AdaGrad(lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1),
}

ids = pytest.mark.parametrize("config", list(CONFIGS))


def grad(x: np.ndarray) -> np.ndarray:
    """A position-dependent gradient so that state and position interact."""
    return 2.0 * x + np.sin(3.0 * x) + 0.5


def run(opt: Optimizer, x: np.ndarray, steps: int) -> np.ndarray:
    for _ in range(steps):
        x = opt.step(x, grad(x))
    return x


def start(shape: tuple[int, ...], seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-2.0, 2.0, size=shape)


def test_every_registered_optimizer_is_covered() -> None:
    covered = {type(factory()) for factory in CONFIGS.values()}
    assert covered == {type(optimizers.get(name)) for name in optimizers.names()}


@ids
@pytest.mark.parametrize("shape", [(), (1,), (3,), (4, 2), (2, 3, 2), (0, 2)])
def test_shape_preserved(config: str, shape: tuple[int, ...]) -> None:
    opt = CONFIGS[config]()
    x = start(shape)
    for _ in range(3):
        x_new = opt.step(x, grad(x))
        assert x_new.shape == shape
        assert x_new.dtype == np.float64
        x = x_new
    assert np.all(np.isfinite(x))
    for value in opt.state.values():
        assert value.shape == shape


@ids
def test_steps_move_downhill(config: str) -> None:
    # f(x) = x**2 + 0.5 * x - cos(3 x) / 3 has gradient grad(); every rule lowers it.
    def f(x: np.ndarray) -> np.ndarray:
        return x**2 + 0.5 * x - np.cos(3.0 * x) / 3.0

    x0 = start((50,), seed=1)
    x = run(CONFIGS[config](), x0, 200)
    assert np.mean(f(x)) < np.mean(f(x0)) - 0.1


@ids
def test_particles_are_independent(config: str) -> None:
    batch = start((5, 2))
    together = run(CONFIGS[config](), batch, 20)
    for i in range(5):
        alone = run(CONFIGS[config](), batch[i], 20)
        np.testing.assert_array_equal(together[i], alone)


@ids
def test_long_arrays_match_short_pieces(config: str) -> None:
    # Long arrays are processed block by block; the split must not show.
    x0 = start((70_001,), seed=2)
    assert x0.size > _base._BLOCK_ABOVE and 35_000 <= _base._BLOCK_ABOVE
    whole = run(CONFIGS[config](), x0, 5)
    pieces = [run(CONFIGS[config](), part, 5) for part in np.split(x0, [35_000, 70_000])]
    np.testing.assert_array_equal(whole, np.concatenate(pieces))


@ids
def test_reset_forgets_state(config: str) -> None:
    opt = CONFIGS[config]()
    x0 = start((3, 2))
    fresh = run(CONFIGS[config](), x0, 10)
    run(opt, x0 + 1.0, 7)
    assert opt.step_count == 7
    opt.reset()
    assert opt.step_count == 0
    assert opt.state == {}
    np.testing.assert_array_equal(run(opt, x0, 10), fresh)
    opt.reset()
    assert run(opt, start((4,)), 2).shape == (4,)


@ids
def test_new_shape_without_reset_is_an_error(config: str) -> None:
    opt = CONFIGS[config]()
    opt.step(np.zeros((3, 2)), np.ones((3, 2)))
    with pytest.raises(ValueError, match=r"reset\(\)"):
        opt.step(np.zeros((4, 2)), np.ones((4, 2)))


@ids
def test_clone_is_independent(config: str) -> None:
    x0 = start((3, 2))
    opt = CONFIGS[config]()
    x = run(opt, x0, 5)
    twin = CONFIGS[config]()
    run(twin, x0, 5)
    copy = opt.clone()
    assert type(copy) is type(opt)
    assert copy.hyperparams == opt.hyperparams
    assert copy.step_count == 0
    np.testing.assert_array_equal(run(copy, x0, 10), run(CONFIGS[config](), x0, 10))
    copy.lr = 0.5 * copy.lr
    assert opt.lr != copy.lr
    np.testing.assert_array_equal(run(opt, x, 5), run(twin, x, 5))


@ids
def test_repr_shows_every_hyperparameter_and_rebuilds(config: str) -> None:
    opt = CONFIGS[config]()
    text = repr(opt)
    assert text.startswith(type(opt).__name__ + "(")
    names = type(opt).hyperparam_names()
    assert tuple(opt.hyperparams) == names
    for name in names:
        assert f"{name}={opt.hyperparams[name]!r}" in text
    rebuilt = optimizers.get(type(opt).name, **opt.hyperparams)
    assert repr(rebuilt) == text


@ids
def test_hyperparams_is_a_copy(config: str) -> None:
    opt = CONFIGS[config]()
    params = opt.hyperparams
    params["lr"] = 123.0
    assert opt.lr != 123.0


@ids
@pytest.mark.parametrize(
    ("value", "error"),
    [
        (-0.1, ValueError),
        (float("nan"), ValueError),
        (float("inf"), ValueError),
        ("0.1", TypeError),
        (None, TypeError),
        (True, TypeError),
    ],
)
def test_bad_lr_is_rejected(config: str, value: object, error: type[Exception]) -> None:
    cls = type(CONFIGS[config]())
    with pytest.raises(error, match="lr"):
        cls(lr=value)  # type: ignore[arg-type]
    opt = CONFIGS[config]()
    before = opt.lr
    with pytest.raises(error, match="lr"):
        opt.lr = value  # type: ignore[assignment]
    assert opt.lr == before


@ids
def test_lr_change_takes_effect(config: str) -> None:
    opt = CONFIGS[config]()
    x = run(opt, start((6,)), 5)
    opt.lr = 0.0
    np.testing.assert_array_equal(opt.step(x, grad(x)), x)
    opt.lr = 0.05
    assert opt.lr == 0.05
    assert not np.array_equal(opt.step(x, grad(x)), x)


@ids
def test_out_argument(config: str) -> None:
    x0 = start((4, 3))
    g = grad(x0)
    x_keep, g_keep = x0.copy(), g.copy()
    expected = CONFIGS[config]().step(x0, g)
    np.testing.assert_array_equal(x0, x_keep)  # inputs untouched without out=
    np.testing.assert_array_equal(g, g_keep)

    in_place = x0.copy()
    result = CONFIGS[config]().step(in_place, g, out=in_place)
    assert result is in_place
    np.testing.assert_array_equal(in_place, expected)
    np.testing.assert_array_equal(g, g_keep)

    other = np.empty((4, 3))
    assert CONFIGS[config]().step(x0, g, out=other) is other
    np.testing.assert_array_equal(other, expected)

    strided = np.zeros((4, 6))[:, ::2]
    assert CONFIGS[config]().step(x0, g, out=strided) is strided
    np.testing.assert_array_equal(strided, expected)


@ids
def test_accepts_lists_and_non_contiguous_input(config: str) -> None:
    x0 = start((3, 4))
    expected = CONFIGS[config]().step(x0.T.copy(), grad(x0).T.copy())
    np.testing.assert_array_equal(CONFIGS[config]().step(x0.T, grad(x0).T), expected)
    as_lists = CONFIGS[config]().step(x0.T.tolist(), grad(x0).T.tolist())
    np.testing.assert_array_equal(as_lists, expected)


@ids
def test_bad_arrays_are_rejected(config: str) -> None:
    opt = CONFIGS[config]()
    with pytest.raises(ValueError, match="shape"):
        opt.step(np.zeros(3), np.zeros(4))
    with pytest.raises(TypeError, match="float64"):
        opt.step(np.zeros(3), np.zeros(3), out=np.zeros(3, dtype=np.float32))
    with pytest.raises(ValueError, match="out must have the shape"):
        opt.step(np.zeros(3), np.zeros(3), out=np.zeros(4))
    with pytest.raises(TypeError, match="x must be an array of real numbers"):
        opt.step(["a", "b"], [1.0, 2.0])
    with pytest.raises(TypeError, match="grad must be an array of real numbers"):
        opt.step([1.0, 2.0], [1j, 2.0])
    with pytest.raises(TypeError, match="x must be an array of real numbers"):
        opt.step([True, False], [1.0, 2.0])
    with pytest.raises(ValueError, match="rectangular"):
        opt.step([[1.0, 2.0], [3.0]], [1.0, 2.0])


@ids
def test_no_numpy_warnings(config: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x = run(CONFIGS[config](), start((8, 2)), 50)
        assert np.all(np.isfinite(x))
        # A zero gradient from a zero start is a fixed point, not 0/0.
        zero = np.zeros(4)
        np.testing.assert_array_equal(CONFIGS[config]().step(zero, zero), zero)


@ids
def test_divergence_is_silent_like_torch(config: str) -> None:
    # An exploding gradient must give inf/nan positions (run() reports "diverged"),
    # without numpy warnings or exceptions.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt = CONFIGS[config]()
        x = np.array([1.0, -1.0])
        x = opt.step(x, np.array([1e200, -1e300]))  # squares overflow
        x = opt.step(x, np.array([np.inf, -np.inf]))
        x = opt.step(x, np.array([np.nan, 1.0]))
    assert not np.any(np.isfinite(x))


@ids
def test_state_uses_torch_names(config: str) -> None:
    opt = CONFIGS[config]()
    run(opt, start((2, 2)), 2)
    expected = {
        GradientDescent: set(),
        SGD: {"momentum_buffer"} if opt.hyperparams.get("momentum") else set(),
        RMSProp: {"square_avg"}
        | ({"momentum_buffer"} if opt.hyperparams.get("momentum") else set())
        | ({"grad_avg"} if opt.hyperparams.get("centered") else set()),
        Adam: {"exp_avg", "exp_avg_sq"}
        | ({"max_exp_avg_sq"} if opt.hyperparams.get("amsgrad") else set()),
        AdamW: {"exp_avg", "exp_avg_sq"},
        AdaGrad: {"sum"},
    }[type(opt)]
    assert set(opt.state) == expected


# -- per-optimizer validation (torch.optim's rules) --------------------------------------


@pytest.mark.parametrize(
    ("factory", "message"),
    [
        (lambda: SGD(momentum=-0.1), "momentum"),
        (lambda: SGD(weight_decay=-1), "weight_decay"),
        (lambda: SGD(nesterov=True), "Nesterov momentum requires a momentum"),
        (lambda: SGD(momentum=0.9, dampening=0.1, nesterov=True), "zero dampening"),
        (lambda: SGD(nesterov=1), "nesterov must be True or False"),
        (lambda: RMSProp(alpha=-0.5), "alpha"),
        (lambda: RMSProp(eps=-1e-8), "eps"),
        (lambda: RMSProp(momentum=-1), "momentum"),
        (lambda: RMSProp(centered="yes"), "centered"),
        (lambda: Adam(betas=(1.0, 0.999)), "index 0"),
        (lambda: Adam(betas=(0.9, -0.1)), "index 1"),
        (lambda: Adam(betas=(0.9,)), "pair"),
        (lambda: Adam(betas=0.9), "pair"),
        (lambda: Adam(eps=-1), "eps"),
        (lambda: AdamW(weight_decay=-0.01), "weight_decay"),
        (lambda: AdaGrad(lr_decay=-1), "lr_decay"),
        (lambda: AdaGrad(initial_accumulator_value=-1), "initial_accumulator_value"),
        (lambda: AdaGrad(eps=float("nan")), "eps"),
    ],
)
def test_invalid_hyperparameters(factory: Callable[[], Optimizer], message: str) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        factory()


def test_inconsistent_setting_is_rolled_back() -> None:
    opt = SGD(lr=0.1, momentum=0.9, nesterov=True)
    with pytest.raises(ValueError, match="Nesterov"):
        opt.momentum = 0
    assert opt.momentum == 0.9
    with pytest.raises(ValueError, match="Nesterov"):
        opt.dampening = 0.5
    assert opt.dampening == 0


def test_hyperparameters_are_settable() -> None:
    opt = Adam()
    opt.betas = [0.5, 0.6]  # type: ignore[assignment]
    opt.amsgrad = True
    opt.eps = 1e-6
    assert repr(opt) == "Adam(lr=0.001, betas=(0.5, 0.6), eps=1e-06, weight_decay=0, amsgrad=True)"
    with pytest.raises(ValueError, match="index 1"):
        opt.betas = (0.5, 1.5)
    assert opt.betas == (0.5, 0.6)


def test_numpy_scalars_become_python_numbers() -> None:
    opt = SGD(lr=np.float64(0.1), momentum=np.int64(0), nesterov=np.bool_(False))
    assert repr(opt) == "SGD(lr=0.1, momentum=0, dampening=0, weight_decay=0, nesterov=False)"


def test_torch_defaults() -> None:
    assert repr(GradientDescent()) == "GradientDescent(lr=0.001)"
    assert repr(SGD()) == "SGD(lr=0.001, momentum=0, dampening=0, weight_decay=0, nesterov=False)"
    assert (
        repr(RMSProp())
        == "RMSProp(lr=0.01, alpha=0.99, eps=1e-08, weight_decay=0, momentum=0, centered=False)"
    )
    assert (
        repr(Adam())
        == "Adam(lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0, amsgrad=False)"
    )
    assert (
        repr(AdamW())
        == "AdamW(lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0.01, amsgrad=False)"
    )
    assert (
        repr(AdaGrad())
        == "AdaGrad(lr=0.01, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10)"
    )


def test_hyperparameters_switched_on_later() -> None:
    # torch creates these buffers only at the first step; here they start when needed.
    sgd = SGD(lr=0.1)
    x = sgd.step(np.ones(2), np.ones(2))
    sgd.momentum = 0.9
    x = sgd.step(x, np.ones(2))  # buffer starts as this gradient
    np.testing.assert_allclose(x, 0.8)
    np.testing.assert_allclose(sgd.state["momentum_buffer"], 1.0)

    rms = RMSProp()
    rms.step(np.ones(2), np.ones(2))
    rms.centered = True
    rms.momentum = 0.5
    rms.step(np.ones(2), np.ones(2))
    assert set(rms.state) == {"square_avg", "grad_avg", "momentum_buffer"}

    adam = Adam()
    adam.step(np.ones(2), np.ones(2))
    adam.amsgrad = True
    adam.step(np.ones(2), np.ones(2))
    assert "max_exp_avg_sq" in adam.state


# -- registry -----------------------------------------------------------------------------


def test_names_and_get() -> None:
    assert optimizers.names() == ["gd", "sgd", "rmsprop", "adam", "adamw", "adagrad"]
    expected = [GradientDescent, SGD, RMSProp, Adam, AdamW, AdaGrad]
    assert [type(optimizers.get(name)) for name in optimizers.names()] == expected
    assert optimizers.get("Adam", lr=0.5).lr == 0.5
    assert optimizers.get(" RMSPROP ").name == "rmsprop"


def test_get_unknown_name_lists_choices() -> None:
    with pytest.raises(ValueError, match=r"unknown optimizer 'adamax'.*'gd'.*'adagrad'"):
        optimizers.get("adamax")
    with pytest.raises(TypeError, match="name must be a string"):
        optimizers.get(3)  # type: ignore[arg-type]


def test_get_unknown_kwarg_names_it_and_lists_accepted() -> None:
    with pytest.raises(TypeError, match=r"\['beta1'\].*accepted.*'betas'"):
        optimizers.get("adam", beta1=0.9)
    with pytest.raises(TypeError, match=r"'momentum'"):
        optimizers.get("gd", momentum=0.9)


def test_public_exports() -> None:
    for name in optimizers.__all__:
        assert hasattr(optimizers, name)
    for name in ["GradientDescent", "SGD", "RMSProp", "Adam", "AdamW", "AdaGrad", "get", "names"]:
        assert name in optimizers.__all__


# -- numpy floating-point settings ---------------------------------------------------------


def test_step_is_silent_inside_raise_and_restores_settings() -> None:
    with np.errstate(all="raise"):
        x = SGD(lr=1.0).step(np.array([1e308]), np.array([-1e308]))
        assert np.isposinf(x[0])
        with pytest.raises(FloatingPointError):
            np.multiply(np.array([1e308]), 10.0)
    assert np.geterr()["over"] == "warn"


def test_silence_without_numpy_internals(monkeypatch: pytest.MonkeyPatch) -> None:
    # The fast path uses numpy's error-state context variable; the fallback is np.errstate.
    monkeypatch.setattr(_base, "_ERRSTATE", None)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x = Adam(lr=0.1).step(np.array([1.0, -1.0]), np.array([np.inf, 1e300]))
    assert not np.isfinite(x[0])
    with np.errstate(all="raise"), pytest.raises(FloatingPointError):
        np.multiply(np.array([1e308]), 10.0)


# -- extension ------------------------------------------------------------------------------


def test_custom_step_rule() -> None:
    from nbopt.optimizers._base import Hyperparameter, nonnegative

    class SignDescent(Optimizer):
        lr = Hyperparameter(nonnegative("learning rate"))

        def __init__(self, lr: float = 0.1) -> None:
            super().__init__(lr=lr)

        def _prepare(self) -> float:
            return self.lr

        def _kernel(self, x, g, out, state, w0, w1, consts) -> None:  # type: ignore[no-untyped-def]
            np.sign(g, out=w0)
            np.multiply(w0, consts, out=w0)
            np.subtract(x, w0, out=out)

    class QuietAdam(Adam):
        pass

    opt = SignDescent(lr=0.5)
    np.testing.assert_array_equal(opt.step(np.zeros(3), np.array([2.0, -3.0, 0.0])), [-0.5, 0.5, 0])
    assert repr(opt) == "SignDescent(lr=0.5)"
    assert "signdescent" not in optimizers.names()
    assert type(optimizers.get("adam")) is Adam  # subclasses do not take over a name
    assert repr(QuietAdam(lr=0.1)).startswith("QuietAdam(lr=0.1")
    assert isinstance(opt.clone(), SignDescent)
