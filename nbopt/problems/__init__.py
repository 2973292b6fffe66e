"""Objectives with value and gradient: 2-D test functions, model problems, user functions."""

from nbopt.problems._base import Problem
from nbopt.problems._data import MLP, DataProblem, LinearRegression, LogisticRegression, make_moons
from nbopt.problems._functions import Function2D
from nbopt.problems._registry import get, names
from nbopt.problems._surface import Surface, surface

__all__ = [
    "MLP",
    "DataProblem",
    "Function2D",
    "LinearRegression",
    "LogisticRegression",
    "Problem",
    "Surface",
    "get",
    "make_moons",
    "names",
    "surface",
]
