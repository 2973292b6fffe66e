"""Adam and AdamW (torch.optim.Adam / AdamW update rules)."""

from __future__ import annotations

from typing import Any

import numpy as np

from nbopt.optimizers._base import (
    FloatArray,
    Hyperparameter,
    Optimizer,
    betas,
    flag,
    l2_gradient,
    lerp_,
    nonnegative,
)

__all__ = ["Adam", "AdamW"]


class Adam(Optimizer):
    """Adam: momentum on the gradient, scaled by a running RMS, with bias correction.

    Follows ``torch.optim.Adam``: ``g <- grad + weight_decay * x``;
    ``m <- beta1 * m + (1 - beta1) * g``; ``v <- beta2 * v + (1 - beta2) * g**2``
    (with ``amsgrad`` the running maximum of ``v`` is used instead of ``v``);
    ``x <- x - lr / (1 - beta1**t) * m / (sqrt(v / (1 - beta2**t)) + eps)``.

    Parameters
    ----------
    lr : float, default 1e-3
        Learning rate, >= 0.
    betas : tuple of float, default (0.9, 0.999)
        Decay rates of the first and second moment averages, each in [0, 1).
    eps : float, default 1e-8
        Added to the denominator for numerical stability, >= 0.
    weight_decay : float, default 0
        L2 penalty coefficient added to the gradient, >= 0.
    amsgrad : bool, default False
        Use the AMSGrad variant (maximum of past second moments).

    Examples
    --------
    >>> import numpy as np
    >>> from nbopt.optimizers import Adam
    >>> opt = Adam(lr=0.1)
    >>> opt.step(np.array([1.0, 1.0]), np.array([3.0, -0.5]))
    array([0.9, 1.1])
    """

    name = "adam"
    _decoupled = False
    lr = Hyperparameter(nonnegative("learning rate"))
    betas = Hyperparameter(betas)
    eps = Hyperparameter(nonnegative("epsilon value"))
    weight_decay = Hyperparameter(nonnegative("weight_decay value"))
    amsgrad = Hyperparameter(flag)

    def __init__(
        self,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
    ) -> None:
        super().__init__(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad)

    def _init_state(self) -> None:
        self._buffer("exp_avg")
        self._buffer("exp_avg_sq")

    def _prepare(self) -> Any:
        hp = self._hp
        amsgrad = hp["amsgrad"]
        if amsgrad and "max_exp_avg_sq" not in self._state:
            self._buffer("max_exp_avg_sq")
        beta1, beta2 = hp["betas"]
        lr = hp["lr"]
        t = self._step_count
        step_size = lr / (1 - beta1**t)
        bias_correction2_sqrt = (1 - beta2**t) ** 0.5
        # x - step_size * m / (sqrt(v) / bc2 + eps) == x - m / (sqrt(v) * k + c): folding
        # the scalars into the denominator saves a pass over the arrays.
        if step_size != 0:
            scale: float | None = 1 / (bias_correction2_sqrt * step_size)
            shift = hp["eps"] / step_size
        else:
            scale, shift = None, 0.0
        return (beta1, beta2, scale, shift, lr, hp["weight_decay"], amsgrad)

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
        beta1, beta2, scale, shift, lr, weight_decay, amsgrad = consts
        if not self._decoupled:
            g = l2_gradient(g, x, weight_decay, w0)
        elif weight_decay != 0:
            # AdamW decays the parameters before the update, outside the moments.
            np.multiply(x, 1 - lr * weight_decay, out=out)
            x = out
        exp_avg = state["exp_avg"]
        exp_avg_sq = state["exp_avg_sq"]
        lerp_(exp_avg, g, 1 - beta1, w1)
        np.multiply(exp_avg_sq, beta2, out=exp_avg_sq)
        np.multiply(g, g, out=w1)
        np.multiply(w1, 1 - beta2, out=w1)
        np.add(exp_avg_sq, w1, out=exp_avg_sq)
        second = exp_avg_sq
        if amsgrad:
            second = state["max_exp_avg_sq"]
            np.maximum(second, exp_avg_sq, out=second)
        if scale is None:
            # lr == 0: the moments still move, the position does not.
            np.copyto(out, x)
            return
        np.sqrt(second, out=w1)
        np.multiply(w1, scale, out=w1)
        np.add(w1, shift, out=w1)
        np.divide(exp_avg, w1, out=w1)
        np.subtract(x, w1, out=out)


class AdamW(Adam):
    """AdamW: Adam with decoupled weight decay.

    Follows ``torch.optim.AdamW``: ``x <- x * (1 - lr * weight_decay)`` before the
    Adam update, so the decay does not pass through the moment estimates.

    Parameters
    ----------
    lr : float, default 1e-3
        Learning rate, >= 0.
    betas : tuple of float, default (0.9, 0.999)
        Decay rates of the first and second moment averages, each in [0, 1).
    eps : float, default 1e-8
        Added to the denominator for numerical stability, >= 0.
    weight_decay : float, default 1e-2
        Decoupled weight decay coefficient, >= 0.
    amsgrad : bool, default False
        Use the AMSGrad variant.

    Examples
    --------
    >>> import numpy as np
    >>> from nbopt.optimizers import AdamW
    >>> AdamW(lr=0.1, weight_decay=0.5).step(np.array([2.0]), np.array([1.0]))
    array([1.8])
    """

    name = "adamw"
    _decoupled = True

    def __init__(
        self,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
    ) -> None:
        super().__init__(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad)
