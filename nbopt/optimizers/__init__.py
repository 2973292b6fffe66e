"""Gradient step rules (numpy, batched over leading axes) and ``run``."""

from nbopt.optimizers._adagrad import AdaGrad
from nbopt.optimizers._adam import Adam, AdamW
from nbopt.optimizers._base import Optimizer, get, names
from nbopt.optimizers._rmsprop import RMSProp
from nbopt.optimizers._sgd import SGD, GradientDescent

__all__ = [
    "SGD",
    "AdaGrad",
    "Adam",
    "AdamW",
    "GradientDescent",
    "Optimizer",
    "RMSProp",
    "get",
    "names",
]
