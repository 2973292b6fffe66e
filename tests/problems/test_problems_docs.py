import doctest

import pytest

from nbopt.problems import _base, _data, _functions, _registry, _surface


@pytest.mark.parametrize("module", [_base, _data, _functions, _registry, _surface])
def test_docstring_examples_run(module):
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    assert result.attempted > 0
