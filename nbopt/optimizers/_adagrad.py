"""AdaGrad (torch.optim.Adagrad's update rule)."""

from __future__ import annotations

from typing import Any

import numpy as np

from nbopt.optimizers._base import FloatArray, Hyperparameter, Optimizer, l2_gradient, nonnegative

__all__ = ["AdaGrad"]


class AdaGrad(Optimizer):
    """AdaGrad: per-coordinate steps scaled by the root of the summed squared gradients.

    Follows ``torch.optim.Adagrad``: ``g <- grad + weight_decay * x``;
    ``s <- s + g**2`` (``s`` starts at ``initial_accumulator_value``);
    ``x <- x - lr / (1 + (t - 1) * lr_decay) * g / (sqrt(s) + eps)``.

    Parameters
    ----------
    lr : float, default 1e-2
        Learning rate, >= 0.
    lr_decay : float, default 0
        Learning rate decay per step, >= 0.
    weight_decay : float, default 0
        L2 penalty coefficient, >= 0.
    initial_accumulator_value : float, default 0
        Starting value of the squared-gradient sum, >= 0.
    eps : float, default 1e-10
        Added to the denominator for numerical stability, >= 0.

    Examples
    --------
    >>> import numpy as np
    >>> from nbopt.optimizers import AdaGrad
    >>> AdaGrad(lr=0.5).step(np.array([1.0, 1.0]), np.array([4.0, -0.1]))
    array([0.5, 1.5])
    """

    name = "adagrad"
    lr = Hyperparameter(nonnegative("learning rate"))
    lr_decay = Hyperparameter(nonnegative("lr_decay value"))
    weight_decay = Hyperparameter(nonnegative("weight_decay value"))
    initial_accumulator_value = Hyperparameter(nonnegative("initial_accumulator_value value"))
    eps = Hyperparameter(nonnegative("epsilon value"))

    def __init__(
        self,
        lr: float = 1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
    ) -> None:
        super().__init__(
            lr=lr,
            lr_decay=lr_decay,
            weight_decay=weight_decay,
            initial_accumulator_value=initial_accumulator_value,
            eps=eps,
        )

    def _init_state(self) -> None:
        self._buffer("sum", float(self.initial_accumulator_value))

    def _prepare(self) -> Any:
        hp = self._hp
        clr = hp["lr"] / (1 + (self._step_count - 1) * hp["lr_decay"])
        return (clr, hp["eps"], hp["weight_decay"])

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
        clr, eps, weight_decay = consts
        g = l2_gradient(g, x, weight_decay, w0)
        total = state["sum"]
        np.multiply(g, g, out=w1)
        np.add(total, w1, out=total)
        np.sqrt(total, out=w1)
        np.add(w1, eps, out=w1)
        np.divide(g, w1, out=w1)
        np.multiply(w1, clr, out=w1)
        np.subtract(x, w1, out=out)
