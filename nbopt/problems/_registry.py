"""Look up built-in problems by name."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from nbopt.problems._base import Problem
from nbopt.problems._data import MLP, LinearRegression, LogisticRegression
from nbopt.problems._functions import FUNCTIONS

_FACTORIES: dict[str, Callable[..., Problem]] = {
    **FUNCTIONS,
    "linear_regression": LinearRegression,
    "logistic_regression": LogisticRegression,
    "mlp": MLP,
}
_ALIASES = {"six_hump_camel": "camel", "sixhumpcamel": "camel"}


def names() -> list[str]:
    """Names of the built-in problems, for :func:`get`.

    Examples
    --------
    >>> "rosenbrock" in names() and "linear_regression" in names()
    True
    """
    return list(_FACTORIES)


def _normalize(name: str) -> str:
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    return _ALIASES.get(key, key)


def get(name: str | Problem, **kwargs: Any) -> Problem:
    """Create the built-in problem ``name`` (case-insensitive), with its options.

    Parameters
    ----------
    name : str or Problem
        One of :func:`names` (``"six_hump_camel"`` is accepted for ``"camel"``). A
        :class:`Problem` is returned as it is.
    **kwargs
        Options of that problem, e.g. ``get("quadratic", condition=50)`` or
        ``get("linear_regression", n_samples=200, noise=1.0, seed=3)``.

    Examples
    --------
    >>> p = get("Rosenbrock")
    >>> p.name, p.dim, p.minima.tolist()
    ('rosenbrock', 2, [[1.0, 1.0]])
    """
    if isinstance(name, Problem):
        if kwargs:
            raise TypeError(
                f"get: options {sorted(kwargs)} cannot be applied to an existing problem "
                f"{name.name!r}"
            )
        return name
    if not isinstance(name, str):
        raise TypeError(f"get: name must be a string, one of {names()}; got {name!r}")
    key = _normalize(name)
    if key not in _FACTORIES:
        raise ValueError(f"unknown problem {name!r}; available problems: {', '.join(names())}")
    factory = _FACTORIES[key]
    accepted = [
        p.name
        for p in inspect.signature(factory).parameters.values()
        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    ]
    unknown = sorted(set(kwargs) - set(accepted))
    if unknown:
        takes = f"takes only {', '.join(accepted)}" if accepted else "takes no options"
        raise TypeError(f"problem {key!r} {takes}; got unknown option(s) {', '.join(unknown)}")
    return factory(**kwargs)
