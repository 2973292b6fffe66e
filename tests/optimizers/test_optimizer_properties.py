"""Property-based checks: random valid hyperparameters agree with torch.optim."""

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


@pytest.mark.parametrize("name", optimizers.names())
@settings(max_examples=30)
@given(value=st.floats(allow_nan=False, allow_infinity=False))
def test_lr_validation(name: str, value: float) -> None:
    if value < 0:
        with pytest.raises(ValueError, match="lr must be >= 0"):
            optimizers.get(name, lr=value)
    else:
        opt = optimizers.get(name, lr=value)
        assert opt.lr == value
        assert f"lr={value!r}" in repr(opt)


@pytest.mark.parametrize("name", optimizers.names())
@settings(max_examples=15, deadline=None)
@given(
    shape=st.lists(st.integers(1, 3), min_size=1, max_size=3).map(tuple),
    seed=st.integers(0, 2**32 - 1),
)
def test_batch_equals_particles(name: str, shape: tuple[int, ...], seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((*shape, 2))
    grads = rng.standard_normal((4, *shape, 2))
    batch = optimizers.get(name, lr=0.1)
    xb = x.copy()
    for g in grads:
        xb = batch.step(xb, g)
    for index in np.ndindex(*shape):
        single = optimizers.get(name, lr=0.1)
        xs = x[index]
        for g in grads:
            xs = single.step(xs, g[index])
        np.testing.assert_array_equal(xb[index], xs)
