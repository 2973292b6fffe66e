"""Gradient descent and SGD with momentum / Nesterov (torch.optim.SGD's update rule)."""

from __future__ import annotations

from typing import Any

import numpy as np

from nbopt.optimizers._base import (
    FloatArray,
    Hyperparameter,
    Optimizer,
    flag,
    l2_gradient,
    nonnegative,
    real,
)

__all__ = ["SGD", "GradientDescent"]


class GradientDescent(Optimizer):
    """Plain gradient descent: ``x <- x - lr * grad``.

    The same rule as ``torch.optim.SGD(lr=lr)``; with mini-batch gradients it is
    stochastic gradient descent.

    Parameters
    ----------
    lr : float, default 1e-3
        Learning rate (step size), >= 0.

    Examples
    --------
    >>> import numpy as np
    >>> from nbopt.optimizers import GradientDescent
    >>> GradientDescent(lr=0.5).step(np.array([2.0]), np.array([4.0]))
    array([0.])
    """

    name = "gd"
    lr = Hyperparameter(nonnegative("learning rate"))

    def __init__(self, lr: float = 1e-3) -> None:
        super().__init__(lr=lr)

    def _prepare(self) -> Any:
        return self._hp["lr"]

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
        np.multiply(g, consts, out=w0)
        np.subtract(x, w0, out=out)


class SGD(Optimizer):
    """Stochastic gradient descent with optional momentum, Nesterov and weight decay.

    Follows ``torch.optim.SGD``: ``g <- grad + weight_decay * x``; with momentum
    ``b <- momentum * b + (1 - dampening) * g`` (``b`` starts as the first ``g``);
    the step direction is ``b``, or ``g + momentum * b`` with Nesterov; then
    ``x <- x - lr * direction``.

    Parameters
    ----------
    lr : float, default 1e-3
        Learning rate, >= 0.
    momentum : float, default 0
        Momentum factor, >= 0.
    dampening : float, default 0
        Dampening of the gradient added to the momentum buffer.
    weight_decay : float, default 0
        L2 penalty coefficient, >= 0.
    nesterov : bool, default False
        Nesterov momentum; needs ``momentum > 0`` and ``dampening == 0``.

    Examples
    --------
    >>> import numpy as np
    >>> from nbopt.optimizers import SGD
    >>> opt = SGD(lr=0.1, momentum=0.9)
    >>> x = opt.step(np.zeros(2), np.ones(2))
    >>> opt.step(x, np.ones(2))
    array([-0.29, -0.29])
    """

    name = "sgd"
    lr = Hyperparameter(nonnegative("learning rate"))
    momentum = Hyperparameter(nonnegative("momentum value"))
    dampening = Hyperparameter(real)
    weight_decay = Hyperparameter(nonnegative("weight_decay value"))
    nesterov = Hyperparameter(flag)

    def __init__(
        self,
        lr: float = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float = 0,
        nesterov: bool = False,
    ) -> None:
        super().__init__(
            lr=lr,
            momentum=momentum,
            dampening=dampening,
            weight_decay=weight_decay,
            nesterov=nesterov,
        )

    def _check_hyperparams(self) -> None:
        if self.nesterov and (self.momentum <= 0 or self.dampening != 0):
            raise ValueError(
                "Nesterov momentum requires a momentum and zero dampening "
                f"(got momentum={self.momentum!r}, dampening={self.dampening!r})"
            )

    def _prepare(self) -> Any:
        # Read through _hp, not the descriptors: this runs every step.
        hp = self._hp
        momentum = hp["momentum"]
        fresh = False
        if momentum != 0 and "momentum_buffer" not in self._state:
            # As in torch, the buffer appears at the first step with momentum on
            # and starts as that step's gradient.
            fresh = self._buffer("momentum_buffer")[1]
        return (hp["lr"], momentum, 1 - hp["dampening"], hp["weight_decay"], hp["nesterov"], fresh)

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
        lr, momentum, keep, weight_decay, nesterov, fresh = consts
        g = l2_gradient(g, x, weight_decay, w0)
        direction = g
        if momentum != 0:
            buf = state["momentum_buffer"]
            if fresh:
                np.copyto(buf, g)
            else:
                np.multiply(buf, momentum, out=buf)
                if keep == 1:
                    np.add(buf, g, out=buf)
                else:
                    np.multiply(g, keep, out=w1)
                    np.add(buf, w1, out=buf)
            if nesterov:
                np.multiply(buf, momentum, out=w1)
                np.add(g, w1, out=w1)
                direction = w1
            else:
                direction = buf
        np.multiply(direction, lr, out=w1)
        np.subtract(x, w1, out=out)
