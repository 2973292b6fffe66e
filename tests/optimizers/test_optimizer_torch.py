"""nbopt's step rules agree with torch.optim (float64, CPU) on the same gradients."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from nbopt import optimizers

TORCH = {
    "gd": torch.optim.SGD,
    "sgd": torch.optim.SGD,
    "rmsprop": torch.optim.RMSprop,
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "adagrad": torch.optim.Adagrad,
}

# Every option of every optimizer, alone and combined.
CASES: list[tuple[str, dict[str, Any]]] = [
    ("gd", {"lr": 0.05}),
    ("sgd", {"lr": 0.05}),
    ("sgd", {"lr": 0.02, "momentum": 0.9}),
    ("sgd", {"lr": 0.02, "momentum": 0.9, "dampening": 0.5}),
    ("sgd", {"lr": 0.02, "momentum": 0.8, "nesterov": True}),
    ("sgd", {"lr": 0.05, "weight_decay": 0.1}),
    ("sgd", {"lr": 0.02, "momentum": 0.7, "weight_decay": 0.05, "nesterov": True}),
    ("rmsprop", {}),
    ("rmsprop", {"lr": 0.02, "alpha": 0.8}),
    ("rmsprop", {"lr": 0.02, "eps": 1e-2}),
    ("rmsprop", {"lr": 0.02, "weight_decay": 0.1}),
    ("rmsprop", {"lr": 0.01, "momentum": 0.9}),
    ("rmsprop", {"lr": 0.01, "centered": True}),
    ("rmsprop", {"lr": 0.01, "alpha": 0.9, "momentum": 0.5, "centered": True, "weight_decay": 0.1}),
    ("adam", {}),
    ("adam", {"lr": 0.05, "betas": (0.5, 0.9)}),
    ("adam", {"lr": 0.05, "betas": (0.3, 0.6)}),  # beta1 < 0.5: torch.lerp's other branch
    ("adam", {"lr": 0.05, "eps": 1e-2}),
    ("adam", {"lr": 0.05, "weight_decay": 0.1}),
    ("adam", {"lr": 0.05, "amsgrad": True}),
    ("adam", {"lr": 0.05, "betas": (0.8, 0.95), "weight_decay": 0.2, "amsgrad": True}),
    ("adamw", {}),
    ("adamw", {"lr": 0.05, "weight_decay": 0.3}),
    ("adamw", {"lr": 0.05, "betas": (0.2, 0.7), "eps": 1e-3, "amsgrad": True}),
    ("adagrad", {}),
    ("adagrad", {"lr": 0.1, "lr_decay": 0.05}),
    ("adagrad", {"lr": 0.1, "weight_decay": 0.1}),
    ("adagrad", {"lr": 0.1, "initial_accumulator_value": 1.0}),
    ("adagrad", {"lr": 0.1, "eps": 1e-2}),
    (
        "adagrad",
        {"lr": 0.2, "lr_decay": 0.01, "weight_decay": 0.05, "initial_accumulator_value": 0.3},
    ),
]

STEPS = 500
SHAPE = (6, 3)


def case_id(case: tuple[str, dict[str, Any]]) -> str:
    name, kwargs = case
    return name + "".join(f"-{key}={value}" for key, value in kwargs.items())


def torch_optimizer(name: str, kwargs: dict[str, Any], start: np.ndarray) -> tuple[Any, Any]:
    param = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    return param, TORCH[name]([param], **kwargs)


def gradients(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    # Gradients over several orders of magnitude, with a drift so iterates travel.
    scales = 10.0 ** rng.uniform(-3, 1, size=SHAPE)
    return (rng.standard_normal((STEPS, *SHAPE)) + 0.3) * scales


def assert_close(ours: np.ndarray, theirs: np.ndarray, step: int) -> None:
    scale = max(float(np.abs(theirs).max()), 1e-300)
    error = float(np.abs(ours - theirs).max()) / scale
    assert error <= 1e-12, f"step {step}: relative difference {error:.3g}"


@pytest.mark.parametrize("case", CASES, ids=[case_id(case) for case in CASES])
def test_same_iterates_as_torch(case: tuple[str, dict[str, Any]]) -> None:
    name, kwargs = case
    grads = gradients(seed=len(CASES) + CASES.index(case))
    start = np.random.default_rng(1).uniform(-1, 1, size=SHAPE)
    ours = optimizers.get(name, **kwargs)
    param, theirs = torch_optimizer(name, kwargs, start)
    x = start.copy()
    for step, g in enumerate(grads):
        x = ours.step(x, g)
        param.grad = torch.from_numpy(g)
        theirs.step()
        assert_close(x, param.detach().numpy(), step)
    torch_state = theirs.state[param]
    for key, value in ours.state.items():
        assert_close(value, torch_state[key].numpy(), STEPS)
    assert set(ours.state) == set(torch_state) - {"step"}


@pytest.mark.parametrize(
    ("name", "kwargs", "changes"),
    [
        ("sgd", {"lr": 0.05, "momentum": 0.9}, {"lr": 0.01, "momentum": 0.5}),
        ("rmsprop", {"momentum": 0.3}, {"lr": 0.001, "alpha": 0.5, "eps": 1e-4}),
        ("adam", {"lr": 0.05}, {"lr": 0.002, "betas": (0.6, 0.99), "weight_decay": 0.1}),
        ("adamw", {"lr": 0.05}, {"lr": 0.01, "weight_decay": 0.5, "amsgrad": False}),
        ("adagrad", {"lr": 0.1}, {"lr": 0.5, "lr_decay": 0.1}),
    ],
)
def test_hyperparameter_change_mid_run_matches_torch(
    name: str, kwargs: dict[str, Any], changes: dict[str, Any]
) -> None:
    # A slider moved during a run: torch sees it through param_groups.
    grads = gradients(seed=7)
    start = np.random.default_rng(2).uniform(-1, 1, size=SHAPE)
    ours = optimizers.get(name, **kwargs)
    param, theirs = torch_optimizer(name, kwargs, start)
    x = start.copy()
    for step, g in enumerate(grads):
        if step == STEPS // 2:
            for key, value in changes.items():
                setattr(ours, key, value)
                theirs.param_groups[0][key] = value
        x = ours.step(x, g)
        param.grad = torch.from_numpy(g)
        theirs.step()
        assert_close(x, param.detach().numpy(), step)


def rosenbrock_grad(x: np.ndarray) -> np.ndarray:
    """Gradient of (1 - x)**2 + 100 (y - x**2)**2 for points of shape (..., 2)."""
    a, b = x[..., 0], x[..., 1]
    g = np.empty_like(x)
    g[..., 0] = -2.0 * (1.0 - a) - 400.0 * a * (b - a * a)
    g[..., 1] = 200.0 * (b - a * a)
    return g


ROSENBROCK_CASES: list[tuple[str, dict[str, Any]]] = [
    ("gd", {"lr": 2e-4}),
    ("sgd", {"lr": 2e-4, "momentum": 0.9, "nesterov": True}),
    ("rmsprop", {"lr": 0.01, "momentum": 0.5}),
    ("rmsprop", {"lr": 0.01, "centered": True}),
    ("adam", {"lr": 0.05}),
    ("adamw", {"lr": 0.05, "amsgrad": True}),
    ("adagrad", {"lr": 0.5}),
]


@pytest.mark.parametrize("case", ROSENBROCK_CASES, ids=[case_id(case) for case in ROSENBROCK_CASES])
def test_rosenbrock_within_torch_own_sensitivity(case: tuple[str, dict[str, Any]]) -> None:
    # With position-dependent gradients, last-bit rounding differences grow
    # chaotically, so exact agreement is not expected. nbopt must stay as close to
    # torch as torch stays to itself when the start moves by 1e-12 (relative).
    name, kwargs = case
    steps = 1000
    rng = np.random.default_rng(0)
    start = np.column_stack([rng.uniform(-2, 2, 32), rng.uniform(-1, 3, 32)])

    def torch_run(x0: np.ndarray) -> np.ndarray:
        param, opt = torch_optimizer(name, kwargs, x0)
        path = np.empty((steps, *x0.shape))
        for step in range(steps):
            param.grad = torch.from_numpy(rosenbrock_grad(param.detach().numpy()))
            opt.step()
            path[step] = param.detach().numpy()
        return path

    reference = torch_run(start)
    perturbed = torch_run(start * (1.0 + 1e-12))
    ours = optimizers.get(name, **kwargs)
    path = np.empty_like(reference)
    x = start.copy()
    for step in range(steps):
        x = ours.step(x, rosenbrock_grad(x))
        path[step] = x
    assert np.all(np.isfinite(reference))
    ours_off = np.abs(path - reference).max(axis=(1, 2))
    torch_off = np.maximum.accumulate(np.abs(perturbed - reference).max(axis=(1, 2)))
    # Factor 10: once both differences are amplified they fluctuate step to step.
    worst = int(np.argmax(ours_off / np.maximum(torch_off, 1e-300)))
    assert ours_off[worst] <= 10.0 * torch_off[worst], (
        f"step {worst}: nbopt is {ours_off[worst]:.3g} from torch, "
        f"torch from itself {torch_off[worst]:.3g}"
    )


# -- property-based: random valid hyperparameters --------------------------------------

lr = st.floats(0.0, 1.0)
rate = st.floats(0.0, 0.999)
decay = st.floats(0.0, 1.0)
eps = st.floats(1e-8, 1.0)


@st.composite
def sgd_params(draw: st.DrawFn) -> dict[str, Any]:
    nesterov = draw(st.booleans())
    momentum = draw(st.floats(0.01, 0.99) if nesterov else rate)
    dampening = 0.0 if nesterov else draw(decay)
    return {
        "lr": draw(lr),
        "momentum": momentum,
        "dampening": dampening,
        "weight_decay": draw(decay),
        "nesterov": nesterov,
    }


STRATEGIES: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "gd": st.fixed_dictionaries({"lr": lr}),
    "sgd": sgd_params(),
    "rmsprop": st.fixed_dictionaries(
        {
            "lr": lr,
            # alpha near 0 with centered=True makes v - m**2 pure rounding noise,
            # where torch's sqrt gives nan and nbopt clamps at 0.
            "alpha": st.floats(0.5, 0.999),
            "eps": eps,
            "weight_decay": decay,
            "momentum": rate,
            "centered": st.booleans(),
        }
    ),
    "adam": st.fixed_dictionaries(
        {
            "lr": lr,
            "betas": st.tuples(rate, rate),
            "eps": eps,
            "weight_decay": decay,
            "amsgrad": st.booleans(),
        }
    ),
    "adagrad": st.fixed_dictionaries(
        {
            "lr": lr,
            "lr_decay": decay,
            "weight_decay": decay,
            "initial_accumulator_value": st.floats(0.0, 2.0),
            "eps": st.floats(1e-10, 1.0),
        }
    ),
}
STRATEGIES["adamw"] = STRATEGIES["adam"]


@pytest.mark.parametrize("name", optimizers.names())
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_random_hyperparameters_agree_with_torch(name: str, data: st.DataObject) -> None:
    kwargs = data.draw(STRATEGIES[name], label="hyperparameters")
    seed = data.draw(st.integers(0, 2**32 - 1), label="seed")
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((3, 2))
    grads = rng.standard_normal((20, 3, 2)) * 10.0 ** rng.uniform(-2, 2, size=(3, 2))
    ours = optimizers.get(name, **kwargs)
    param = torch.tensor(x, requires_grad=True)
    theirs = TORCH[name]([param], **kwargs)
    for step, g in enumerate(grads):
        x = ours.step(x, g)
        param.grad = torch.from_numpy(g)
        theirs.step()
        reference = param.detach().numpy()
        scale = max(float(np.abs(reference).max()), 1.0)
        error = float(np.abs(x - reference).max()) / scale
        assert error <= 1e-10, f"step {step}: relative difference {error:.3g} with {kwargs}"
