"""The examples in nbopt's docstrings run and show what they say."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import nbopt

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(nbopt.__path__, prefix="nbopt.")
    if not info.name.startswith("nbopt.static")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
