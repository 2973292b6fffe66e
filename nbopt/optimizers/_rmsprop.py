"""RMSProp (torch.optim.RMSprop's update rule)."""

from __future__ import annotations

from typing import Any

import numpy as np

from nbopt.optimizers._base import (
    FloatArray,
    Hyperparameter,
    Optimizer,
    flag,
    l2_gradient,
    lerp_,
    nonnegative,
)

__all__ = ["RMSProp"]


class RMSProp(Optimizer):
    """RMSProp: divide the gradient by a running root mean square of recent gradients.

    Follows ``torch.optim.RMSprop``: ``v <- alpha * v + (1 - alpha) * g**2``; with
    ``centered`` the running mean ``m`` of ``g`` is subtracted (``v - m**2``);
    ``a = sqrt(.) + eps``; then ``x <- x - lr * g / a``, or with momentum
    ``b <- momentum * b + g / a`` and ``x <- x - lr * b``.

    Parameters
    ----------
    lr : float, default 1e-2
        Learning rate, >= 0.
    alpha : float, default 0.99
        Smoothing constant of the squared-gradient average, >= 0.
    eps : float, default 1e-8
        Added to the denominator for numerical stability, >= 0.
    weight_decay : float, default 0
        L2 penalty coefficient, >= 0.
    momentum : float, default 0
        Momentum factor, >= 0.
    centered : bool, default False
        Normalize by an estimate of the gradient's variance instead of its second moment.

    Examples
    --------
    >>> import numpy as np
    >>> from nbopt.optimizers import RMSProp
    >>> opt = RMSProp(lr=0.01)
    >>> opt.step(np.array([1.0]), np.array([2.0])).round(6)
    array([0.9])
    """

    name = "rmsprop"
    lr = Hyperparameter(nonnegative("learning rate"))
    alpha = Hyperparameter(nonnegative("alpha value"))
    eps = Hyperparameter(nonnegative("epsilon value"))
    weight_decay = Hyperparameter(nonnegative("weight_decay value"))
    momentum = Hyperparameter(nonnegative("momentum value"))
    centered = Hyperparameter(flag)

    def __init__(
        self,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
    ) -> None:
        super().__init__(
            lr=lr,
            alpha=alpha,
            eps=eps,
            weight_decay=weight_decay,
            momentum=momentum,
            centered=centered,
        )

    def _init_state(self) -> None:
        self._buffer("square_avg")

    def _prepare(self) -> Any:
        # Buffers switched on after the first step start at zero (torch would fail).
        hp = self._hp
        if hp["momentum"] > 0 and "momentum_buffer" not in self._state:
            self._buffer("momentum_buffer")
        if hp["centered"] and "grad_avg" not in self._state:
            self._buffer("grad_avg")
        return (
            hp["lr"],
            hp["alpha"],
            hp["eps"],
            hp["weight_decay"],
            hp["momentum"],
            hp["centered"],
        )

    def _kernel(
        self,
        x: FloatArray,
        g: FloatArray,
        out: FloatArray,
        state: dict[str, FloatArray],
        w0: FloatArray,
        w1: FloatArray,
        consts: Any,
    ) -> None:
        lr, alpha, eps, weight_decay, momentum, centered = consts
        g = l2_gradient(g, x, weight_decay, w0)
        square_avg = state["square_avg"]
        np.multiply(square_avg, alpha, out=square_avg)
        np.multiply(g, g, out=w1)
        np.multiply(w1, 1 - alpha, out=w1)
        np.add(square_avg, w1, out=square_avg)
        if centered:
            grad_avg = state["grad_avg"]
            lerp_(grad_avg, g, 1 - alpha, w1)
            np.multiply(grad_avg, grad_avg, out=w1)
            np.subtract(square_avg, w1, out=w1)
            # v - m**2 >= 0 in exact arithmetic; rounding must not turn it into nan.
            np.maximum(w1, 0.0, out=w1)
            np.sqrt(w1, out=w1)
        else:
            np.sqrt(square_avg, out=w1)
        np.add(w1, eps, out=w1)
        np.divide(g, w1, out=w1)
        if momentum > 0:
            buf = state["momentum_buffer"]
            np.multiply(buf, momentum, out=buf)
            np.add(buf, w1, out=buf)
            np.multiply(buf, lr, out=w1)
        else:
            np.multiply(w1, lr, out=w1)
        np.subtract(x, w1, out=out)
