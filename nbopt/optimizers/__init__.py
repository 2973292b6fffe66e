"""Gradient step rules (numpy, batched over leading axes), ``run`` and the spec parser."""

from nbopt.optimizers._adagrad import AdaGrad
from nbopt.optimizers._adam import Adam, AdamW
from nbopt.optimizers._base import Optimizer, get, names
from nbopt.optimizers._race import Race, RaceStep
from nbopt.optimizers._rmsprop import RMSProp
from nbopt.optimizers._run import OptimizerRun, Trajectory, run
from nbopt.optimizers._sgd import SGD, GradientDescent
from nbopt.optimizers._spec import Spec, parse_spec, parse_start

__all__ = [
    "SGD",
    "AdaGrad",
    "Adam",
    "AdamW",
    "GradientDescent",
    "Optimizer",
    "OptimizerRun",
    "RMSProp",
    "Race",
    "RaceStep",
    "Spec",
    "Trajectory",
    "get",
    "names",
    "parse_spec",
    "parse_start",
    "run",
]
